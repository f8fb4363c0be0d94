/*
 * tests/js/scenario.h -- what every C side of a differential scenario
 * shares: one loop on a virtual clock, a line printer, the warning and
 * rejection hooks, a way to say "this callback was busy for 50 ms", and
 * the small handlers the promise scenarios are written with.
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

/*
 * The default rejection hook, printing what Node's
 *
 *     process.on('unhandledRejection', (r) => console.log(`unhandledRejection ${r}`));
 *     process.on('rejectionHandled', () => console.log('rejectionHandled'));
 *
 * prints (the promise scenarios install these listeners; a JS side
 * without them would stop node at the first unhandled rejection, which
 * shows the difference just as well).  Reasons are strings, as
 * value_text() prints them.
 */
static inline const char *value_text(pawl_value v);

static inline void scenario_rejection(void *ud, pawl_loop *l, struct pawl_promise *p,
                                      pawl_rejection_event event,
                                      const struct pawl_value *reason)
{
    (void)ud;
    (void)l;
    (void)p;
    if (event == PAWL_REJECTION_UNHANDLED)
        say("unhandledRejection %s", value_text(*reason));
    else
        say("rejectionHandled");
}

/* Open `loop` on the virtual clock with the options `opts`, whose
 * platform is replaced by the virtual clock; a NULL `warn` or
 * `on_rejection` means scenario_warn or scenario_rejection. */
static inline void scenario_open_opts(pawl_loop_opts opts)
{
    /* Unbuffered lines: if a sanitizer stops the program, the output so
     * far is still there to compare. */
    setvbuf(stdout, NULL, _IOLBF, 0);
    must(pawl_vclock_init(&scenario_clock, UINT64_C(1000000000)));
    opts.platform = &scenario_clock.base;
    if (opts.warn == NULL)
        opts.warn = scenario_warn;
    if (opts.on_rejection == NULL)
        opts.on_rejection = scenario_rejection;
    must(pawl_loop_init(&scenario_loop, &opts));
    loop = &scenario_loop;
}

/* Open `loop` on the virtual clock with `warn` as its warning hook (NULL:
 * scenario_warn). */
static inline void scenario_open_with(pawl_warn_fn *warn)
{
    pawl_loop_opts opts = {0};
    opts.warn = warn;
    scenario_open_opts(opts);
}

static inline void scenario_open(void)
{
    scenario_open_with(NULL);
}

/* ---- promises ---------------------------------------------------------- */
/*
 * The promise scenarios settle promises with strings and numbers, so that
 * a JS handler `(v) => console.log(`then ${v}`)` has a C twin: values are
 * pawl_ptr(TEXT("...")) (a static string pawl never frees) or pawl_int(n),
 * and lists (all, allSettled, any's reasons) print as a JS array does in
 * a template literal: the items joined by commas.
 */

/* `v` as JavaScript's `${v}` prints it, in a static buffer that the next
 * call overwrites (one value per line is all a scenario prints). */
static inline const char *value_text(pawl_value v)
{
    static char buf[256];
    switch (v.kind) {
    case PAWL_V_UNDEFINED:
        return "undefined";
    case PAWL_V_INT:
        snprintf(buf, sizeof buf, "%" PRId64, v.u.i);
        return buf;
    case PAWL_V_PTR:
        return (const char *)v.u.p;
    case PAWL_V_LIST:
    case PAWL_V_AGGREGATE: {
        size_t len = 0;
        buf[0] = '\0';
        for (size_t i = 0; i < v.u.list->n && len < sizeof buf; i++) {
            pawl_value item = v.u.list->items[i];
            char one[32];
            const char *text = one;
            if (item.kind == PAWL_V_PTR)
                text = (const char *)item.u.p;
            else
                pawl_value_format(item, one, sizeof one);
            len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%s", i ? "," : "", text);
        }
        return buf;
    }
    default:
        pawl_value_format(v, buf, sizeof buf);
        return buf;
    }
}

/* The handler `() => console.log(ctx)`: prints its context, returns
 * undefined. */
static inline pawl_value print_then(void *ctx, pawl_value v)
{
    (void)v;
    say("%s", (const char *)ctx);
    return pawl_undefined();
}

/* The handler `(v) => console.log(`${ctx} ${v}`)`. */
static inline pawl_value print_value(void *ctx, pawl_value v)
{
    say("%s %s", (const char *)ctx, value_text(v));
    return pawl_undefined();
}

/* The finally callback `() => console.log(ctx)`. */
static inline pawl_value print_finally(void *ctx)
{
    say("%s", (const char *)ctx);
    return pawl_undefined();
}

/* p.then(fn, NULL, ctx): the derived promise (one reference, yours). */
static inline pawl_promise *then_do(pawl_promise *p, pawl_handler_fn *fn, const char *ctx)
{
    pawl_promise *q;
    must(pawl_promise_then(p, fn, NULL, TEXT(ctx), &q));
    return q;
}

/* p.then(() => console.log(t1)).then(() => console.log(t2))...: a chain
 * of print_then handlers, the texts ended by NULL.  The promises made
 * here are not kept (they live until their chain is done). */
static inline void chain_print(pawl_promise *p, ...)
{
    va_list ap;
    va_start(ap, p);
    pawl_promise *at = p;
    const char *text;
    while ((text = va_arg(ap, const char *)) != NULL) {
        pawl_promise *next = then_do(at, print_then, text);
        if (at != p)
            pawl_promise_release(at);
        at = next;
    }
    if (at != p)
        pawl_promise_release(at);
    va_end(ap);
}

/* Promise.resolve() (one reference, yours). */
static inline pawl_promise *resolved_undefined(void)
{
    pawl_promise *p;
    must(pawl_promise_resolved(loop, pawl_undefined(), &p));
    return p;
}

/* A chain of queueMicrotask callbacks printing "tick 1" .. "tick last"
 * (last < 256):
 * tick n runs in the n-th microtask turn counted from the call, which
 * makes the turns of promise reactions visible (JS: function tick(n,
 * last) { queueMicrotask(() => { console.log(`tick ${n}`); if (n < last)
 * tick(n + 1, last); }); }). */
static inline void tick_micro(void *arg)
{
    uintptr_t word = (uintptr_t)arg;
    unsigned n = (unsigned)(word >> 8), last = (unsigned)(word & 0xffu);
    say("tick %u", n);
    if (n < last)
        must(pawl_queue_microtask(loop, tick_micro, (void *)(((uintptr_t)(n + 1) << 8) | last)));
}

static inline void ticks(unsigned last)
{
    must(pawl_queue_microtask(loop, tick_micro, (void *)(((uintptr_t)1 << 8) | last)));
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
