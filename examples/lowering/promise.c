/*
 * examples/lowering/promise.c -- one program, five ways: (e) a pawl
 * promise chain (pawl_promise_delay, then, catch, with_timeout).
 *
 * The job: sleep 100 ms; then ask a slow service for a value, with a
 * 200 ms time limit, and retry once if that fails; print the result.  The
 * simulated service answers 42 after 300 ms the first time (too slow) and
 * after 50 ms the second time.  Every line carries the loop's time in ms.
 *
 * The five versions print the same transcript (expected.txt):
 *
 *   (a) lowering.js       JavaScript with async/await: the model
 *   (b) callbacks.c       nested callbacks on pawl_set_timeout
 *   (c) state_machine.c   a task whose poll function is an enum of states
 *                         and a switch, written by hand
 *   (d) task.c            the same task written with pawl's macros
 *   (e) promise.c         this file
 *
 * This is the job as JavaScript wrote it between callbacks and
 * async/await, with lowering.js's helpers:
 *
 *     function attempt(n) {
 *         log(`fetching (attempt ${n})`);
 *         return withTimeout(fetchValue(n), 200)
 *             .then((value) => log(`result: ${value}`))
 *             .catch((err) => {
 *                 log(`attempt ${n} failed: ${err.code}`);
 *                 if (n < 2) return attempt(n + 1);
 *                 log('no result: every attempt failed');
 *             });
 *     }
 *     log('start: sleep 100 ms');
 *     sleep(100).then(() => attempt(1));
 *
 * Each handler is a named C function; what the arrow functions capture (n)
 * is a field of a struct passed as the handler's `ctx`.  A handler that
 * returns a promise (pawl_promise_value) makes the chain wait for it:
 * that is how the retry joins the chain.  fetchValue(n) is
 * pawl_promise_delay (a promise fulfilled with a value after a delay) and
 * withTimeout is pawl_promise_with_timeout.  As in JavaScript, a promise
 * cannot be canceled: the first attempt's answer still arrives, at 400 ms,
 * and goes nowhere (the loop runs until then, printing nothing more).
 *
 * The loop runs on pawl's virtual clock (pawl_vclock): when it would wait,
 * the clock jumps to the next deadline, so the times are exact and the
 * program takes no real time.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "pawl/pawl.h"

enum {
    SLEEP_MS = 100, /* the first wait */
    LIMIT_MS = 200, /* each attempt's time limit */
    ATTEMPTS = 2,   /* the first try and one retry */
    ANSWER = 42     /* what the service answers */
};
/* How long the service takes to answer, per attempt: too slow, then in time. */
static const uint32_t SERVICE_MS[ATTEMPTS] = {300, 50};

/* A failed pawl call ends the program (every fallible call returns 0 or a
 * negative error code). */
static void check(int rc, const char *what)
{
    if (rc < 0) {
        fflush(stdout);
        fprintf(stderr, "promise: %s: %s\n", what, pawl_err_name(rc));
        exit(EXIT_FAILURE);
    }
}

/* One line of the transcript, stamped with the loop's time: "[ 100] ...". */
static void say(const pawl_loop *loop, const char *fmt, ...)
{
    va_list ap;
    printf("[%4llu] ", (unsigned long long)pawl_loop_now(loop));
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
}

/* What the handlers share: the arrow functions' captured variables. */
typedef struct job {
    pawl_loop *loop;
    int attempt; /* `n` of attempt(n) */
} job;

static pawl_value attempt(job *j);

/* .then((value) => log(`result: ${value}`)) */
static pawl_value on_value(void *ctx, pawl_value value)
{
    job *j = ctx;
    say(j->loop, "result: %lld", (long long)value.u.i);
    return pawl_undefined();
}

/* .catch((err) => ...): the retry, or the end. */
static pawl_value on_error(void *ctx, pawl_value err)
{
    job *j = ctx;
    say(j->loop, "attempt %d failed: %s", j->attempt, pawl_err_name(err.code));
    if (j->attempt < ATTEMPTS) {
        j->attempt++;
        return attempt(j); /* return attempt(n + 1): the chain waits for it */
    }
    say(j->loop, "no result: every attempt failed");
    return pawl_undefined();
}

/* attempt(n): returns the promise of its outcome, as a value that a
 * handler can return. */
static pawl_value attempt(job *j)
{
    pawl_promise *answer, *timed, *then, *caught;
    say(j->loop, "fetching (attempt %d)", j->attempt);
    /* fetchValue(n) */
    check(pawl_promise_delay(j->loop, SERVICE_MS[j->attempt - 1], pawl_int(ANSWER), &answer),
          "pawl_promise_delay");
    /* withTimeout(..., LIMIT_MS) */
    check(pawl_promise_with_timeout(answer, LIMIT_MS, &timed), "pawl_promise_with_timeout");
    check(pawl_promise_then(timed, on_value, NULL, j, &then), "pawl_promise_then");
    check(pawl_promise_catch(then, on_error, j, &caught), "pawl_promise_catch");
    /* The chain keeps alive what it still needs: drop our references. */
    pawl_promise_release(answer);
    pawl_promise_release(timed);
    pawl_promise_release(then);
    return pawl_promise_value(caught); /* our last reference moves into it */
}

/* sleep(100).then(() => attempt(1)) */
static pawl_value on_slept(void *ctx, pawl_value unused)
{
    job *j = ctx;
    (void)unused;
    j->attempt = 1;
    return attempt(j);
}

int main(void)
{
    pawl_vclock clock; /* the loop's platform: it must outlive the loop */
    pawl_loop loop;
    check(pawl_vclock_init(&clock, 0), "pawl_vclock_init");
    check(pawl_loop_init(&loop, &(pawl_loop_opts){.platform = &clock.base}), "pawl_loop_init");

    job j = {.loop = &loop};
    pawl_promise *slept;
    say(&loop, "start: sleep %d ms", SLEEP_MS);
    check(pawl_promise_delay(&loop, SLEEP_MS, pawl_undefined(), &slept), "pawl_promise_delay");
    check(pawl_promise_then(slept, on_slept, NULL, &j, NULL), "pawl_promise_then");
    pawl_promise_release(slept);

    check(pawl_loop_run(&loop, PAWL_RUN_DEFAULT), "pawl_loop_run");
    check(pawl_loop_close(&loop), "pawl_loop_close"); /* every promise released */
    return EXIT_SUCCESS;
}
