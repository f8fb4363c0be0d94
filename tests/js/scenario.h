/*
 * tests/js/scenario.h -- what every C side of a differential scenario
 * shares: one loop on a virtual clock, a line printer, the warning hook,
 * and a way to say "this callback was busy for 50 ms".
 *
 * Each scenario is a whole program, NN_name.c, next to NN_name.js, the same
 * program for Node.  Both print one line per callback; compare.cmake runs
 * both and requires the same output.  The C side runs on the virtual clock,
 * so its output never depends on the machine: time moves only when the loop
 * waits (it jumps to the next deadline) or when busy_ms() says so.
 *
 * The loop is a global, as Node's event loop is: `loop` below.
 */
#ifndef PAWL_TESTS_JS_SCENARIO_H
#define PAWL_TESTS_JS_SCENARIO_H

#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "pawl/pawl.h"

/* The one loop of the program, open between scenario_open and
 * scenario_finish. */
static pawl_loop *loop;

static pawl_vclock scenario_clock;
static pawl_loop scenario_loop;

/* Print one line of the scenario's output. */
static inline void say(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
}

/* Stop the program: a pawl call failed where the scenario expects none. */
static inline void scenario_fail(const char *what, int64_t rc)
{
    fflush(stdout);
    fprintf(stderr, "scenario: %s failed: %" PRId64 " (%s)\n", what, rc,
            rc >= INT32_MIN ? pawl_strerror((int)rc) : "?");
    exit(2);
}

/* must(call): the value of `call` (an id or 0), or stop the program if it
 * is a negative error code. */
#define must(call) scenario_must((call), #call)

static inline int64_t scenario_must(int64_t rc, const char *what)
{
    if (rc < 0)
        scenario_fail(what, rc);
    return rc;
}

/* Callback arguments are the text to print, as in the JS side's
 * `() => console.log('timeout A')`: pawl_set_timeout(loop, print_text,
 * TEXT("timeout A"), 5).  (String literals are const; callbacks take
 * void *.) */
#define TEXT(s) ((void *)(uintptr_t)(s))

/* A timeout, interval or immediate callback that prints its argument. */
static inline int print_text(void *text)
{
    say("%s", (const char *)text);
    return 0;
}

/* The same as a microtask (queueMicrotask(() => console.log(...))). */
static inline void print_text_micro(void *text)
{
    say("%s", (const char *)text);
}

/* "true" or "false": Node's timeout.hasRef() for a live timer's id. */
static inline const char *has_ref(pawl_timer_id id)
{
    return must(pawl_timeout_has_ref(loop, id)) ? "true" : "false";
}

/* Node's `const end = Date.now() + ms; while (Date.now() < end) {}` inside
 * a callback: the clock moves on while the callback runs.  Timers armed
 * after it count from the new time (pawl's JavaScript API reads the clock
 * when it arms, as Node does); pawl_loop_now() keeps the time at which the
 * iteration started. */
static inline void busy_ms(uint32_t ms)
{
    must(pawl_vclock_advance(&scenario_clock, (uint64_t)ms * 1000000u));
}

/*
 * The default warning hook, printing what Node's
 *
 *     process.on('warning', w => {
 *         if (w.name === 'TimeoutOverflowWarning')
 *             console.log(`warning ${w.name} ${parseInt(w.message)}`);
 *     });
 *
 * prints.  Negative delays are not printed: Node 20 coerces them without a
 * warning (TimeoutNegativeWarning exists from Node 23 on), so the JS sides
 * print overflow warnings only, and so does this.  A callback error is
 * printed too; a JS callback that threw would stop node, so the line makes
 * the difference visible.
 */
static inline void scenario_warn(void *ud, pawl_loop *l, pawl_warning what, int64_t value,
                                 const char *message)
{
    (void)ud;
    (void)l;
    (void)message;
    if (what == PAWL_WARN_TIMEOUT_OVERFLOW)
        say("warning TimeoutOverflowWarning %" PRId64, value);
    else if (what == PAWL_WARN_CALLBACK_ERROR)
        say("callback error %" PRId64, value);
}

/* Open `loop` on the virtual clock with `warn` as its warning hook (NULL:
 * scenario_warn). */
static inline void scenario_open_with(pawl_warn_fn *warn)
{
    /* Unbuffered lines: if a sanitizer stops the program, the output so
     * far is still there to compare. */
    setvbuf(stdout, NULL, _IOLBF, 0);
    must(pawl_vclock_init(&scenario_clock, UINT64_C(1000000000)));
    pawl_loop_opts opts = {0};
    opts.platform = &scenario_clock.base;
    opts.warn = warn != NULL ? warn : scenario_warn;
    must(pawl_loop_init(&scenario_loop, &opts));
    loop = &scenario_loop;
}

static inline void scenario_open(void)
{
    scenario_open_with(NULL);
}

/* Run the loop until nothing keeps it alive, print "exit" (the JS side
 * prints it from process.on('exit')), close the loop.  Returns main's
 * exit status. */
static inline int scenario_finish(void)
{
    int rc = pawl_loop_run(loop, PAWL_RUN_DEFAULT);
    if (rc != 0)
        scenario_fail("pawl_loop_run", rc);
    say("exit");
    rc = pawl_loop_close(loop);
    if (rc != 0)
        scenario_fail("pawl_loop_close", rc);
    return 0;
}

#endif /* PAWL_TESTS_JS_SCENARIO_H */
