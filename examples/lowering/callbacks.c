/*
 * examples/lowering/callbacks.c -- one program, five ways: (b) nested
 * callbacks, on pawl's callback API (pawl_set_timeout and
 * pawl_clear_timeout): no tasks, no promises.
 *
 * The job: sleep 100 ms; then ask a slow service for a value, with a
 * 200 ms time limit, and retry once if that fails; print the result.  The
 * simulated service answers 42 after 300 ms the first time (too slow) and
 * after 50 ms the second time.  Every line carries the loop's time in ms.
 *
 * The five versions print the same transcript (expected.txt):
 *
 *   (a) lowering.js       JavaScript with async/await: the model
 *   (b) callbacks.c       this file
 *   (c) state_machine.c   a task whose poll function is an enum of states
 *                         and a switch, written by hand
 *   (d) task.c            the same task written with pawl's macros
 *   (e) promise.c         a promise chain
 *
 * Before promises, JavaScript wrote this job as callbacks nested in
 * callbacks:
 *
 *     log('start: sleep 100 ms');
 *     setTimeout(() => {
 *         (function attempt(n) {
 *             log(`fetching (attempt ${n})`);
 *             const reply = setTimeout(() => { clearTimeout(limit); ... }, ...);
 *             const limit = setTimeout(() => { clearTimeout(reply); ... }, 200);
 *         })(1);
 *     }, 100);
 *
 * C has no closures, so each arrow function becomes a named function, and
 * what it would capture from the functions around it (the attempt number,
 * the two timers' ids) becomes a field of a struct, `job`, passed to each
 * callback as its argument.  That struct is what (c) and (d) keep as well;
 * what they add is a state that says where to go on, where here the code
 * that goes on is chosen by which callback the loop calls.
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
 * negative error code; the set_timeout calls return an id or one). */
static int64_t check(int64_t rc, const char *what)
{
    if (rc < 0) {
        fflush(stdout);
        fprintf(stderr, "callbacks: %s: %s\n", what, pawl_err_name((int)rc));
        exit(EXIT_FAILURE);
    }
    return rc;
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

/* What the callbacks share: the closures' captured variables. */
typedef struct job {
    pawl_loop *loop;
    int attempt;         /* `n` of attempt(n) */
    pawl_timer_id reply; /* the service's answer, on its way */
    pawl_timer_id limit; /* this attempt's time limit */
} job;

static void attempt(job *j);

/* What both outcomes of an attempt go on with: the Node-style callback
 * (err, value) of a fetch with a time limit. */
static void fetched(job *j, int err, int value)
{
    if (err == 0) {
        say(j->loop, "result: %d", value);
        return;
    }
    say(j->loop, "attempt %d failed: %s", j->attempt, pawl_err_name(err));
    if (j->attempt < ATTEMPTS) {
        j->attempt++;
        attempt(j); /* the retry: the nesting goes one level deeper */
        return;
    }
    say(j->loop, "no result: every attempt failed");
}

/* The simulated service answers in time: the limit is cleared. */
static int on_reply(void *arg)
{
    job *j = arg;
    check(pawl_clear_timeout(j->loop, j->limit), "pawl_clear_timeout");
    fetched(j, 0, ANSWER);
    return 0;
}

/* Time is up first: the request is dropped (its answer will never come). */
static int on_limit(void *arg)
{
    job *j = arg;
    check(pawl_clear_timeout(j->loop, j->reply), "pawl_clear_timeout");
    fetched(j, PAWL_ETIMEDOUT, 0);
    return 0;
}

/* One attempt: send the request (the service's timer) and start the limit. */
static void attempt(job *j)
{
    say(j->loop, "fetching (attempt %d)", j->attempt);
    j->reply = check(pawl_set_timeout(j->loop, on_reply, j, SERVICE_MS[j->attempt - 1]),
                     "pawl_set_timeout");
    j->limit = check(pawl_set_timeout(j->loop, on_limit, j, LIMIT_MS), "pawl_set_timeout");
}

/* The sleep is over: the first attempt. */
static int on_slept(void *arg)
{
    job *j = arg;
    j->attempt = 1;
    attempt(j);
    return 0;
}

int main(void)
{
    pawl_vclock clock; /* the loop's platform: it must outlive the loop */
    pawl_loop loop;
    check(pawl_vclock_init(&clock, 0), "pawl_vclock_init");
    check(pawl_loop_init(&loop, &(pawl_loop_opts){.platform = &clock.base}), "pawl_loop_init");

    job j = {.loop = &loop};
    say(&loop, "start: sleep %d ms", SLEEP_MS);
    check(pawl_set_timeout(&loop, on_slept, &j, SLEEP_MS), "pawl_set_timeout");

    check(pawl_loop_run(&loop, PAWL_RUN_DEFAULT), "pawl_loop_run");
    check(pawl_loop_close(&loop), "pawl_loop_close");
    return EXIT_SUCCESS;
}
