/*
 * examples/lowering/task.c -- one program, five ways: (d) a pawl task,
 * written with the protothread macros.
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
 *   (c) state_machine.c   this task with the macros expanded by hand: an
 *                         enum of states and a switch
 *   (d) task.c            this file
 *   (e) promise.c         a promise chain
 *
 * Read it next to `job` in lowering.js: one PAWL_AWAIT per `await`, one
 * field per variable that lives across an await, and the same lines in
 * the same order.  The macros turn each PAWL_AWAIT into a resume point
 * that the next poll jumps to (a numbered `case`, or a label: see
 * pawl/pt.h); (c) writes the same states by hand, with names instead of
 * numbers, and writes out PAWL_TIMEOUT's race between the service and the
 * time limit as well.
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
        fprintf(stderr, "task: %s: %s\n", what, pawl_err_name(rc));
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

/* The job's struct: the task header, and every variable of lowering.js's
 * `job` that lives across an await, with the state of each await's
 * future.  (Locals of the poll function do not survive an await.) */
typedef struct job {
    pawl_task task;   /* the header; the resume point lives in it */
    int attempt;      /* `let attempt` */
    int value;        /* `const value`: the future's result, written
                         through a pointer into this struct */
    pawl_sleep nap;   /* sleep(SLEEP_MS)'s timer */
    pawl_sleep reply; /* the service's timer (fetchValue's setTimeout) */
    pawl_sleep limit; /* the time limit's timer (withTimeout's) */
} job;

/* fetchValue(attempt): the simulated slow service, as a future.  Ready
 * with ANSWER in *out once the service's delay has passed.  Dropped by
 * PAWL_TIMEOUT when time is up (polled once with a canceled context),
 * pawl_sleep_ms stops the timer and this returns PAWL_ECANCELED. */
static pawl_poll fetch_value(pawl_sleep *reply, pawl_cx *cx, int attempt, int *out)
{
    pawl_poll rc = pawl_sleep_ms(reply, cx, SERVICE_MS[attempt - 1]);
    if (rc == PAWL_READY)
        *out = ANSWER;
    return rc;
}

/* The poll function: lowering.js's `async function job()`, line for line. */
static pawl_poll job_poll(pawl_task *t, pawl_cx *cx)
{
    job *j = PAWL_CONTAINER_OF(t, job, task);
    int rc; /* set by each await and read right after it: a local is fine */

    PAWL_BEGIN(cx); /* (c) JOB_START */
    say(cx->loop, "start: sleep %d ms", SLEEP_MS);
    /* await sleep(SLEEP_MS);  (c) JOB_SLEEPING */
    PAWL_AWAIT(cx, rc, pawl_sleep_ms(&j->nap, cx, SLEEP_MS));
    for (j->attempt = 1; j->attempt <= ATTEMPTS; j->attempt++) { /* (c) JOB_ATTEMPT */
        say(cx->loop, "fetching (attempt %d)", j->attempt);
        /* value = await withTimeout(fetchValue(attempt), LIMIT_MS);  (c) JOB_FETCHING */
        PAWL_AWAIT(cx, rc,
                   PAWL_TIMEOUT(&j->limit, cx, LIMIT_MS,
                                fetch_value(&j->reply, cx, j->attempt, &j->value)));
        if (rc == 0) {
            say(cx->loop, "result: %d", j->value);
            PAWL_EXIT(cx); /* return;  (c) JOB_DONE */
        }
        say(cx->loop, "attempt %d failed: %s", j->attempt, pawl_err_name(rc));
    }
    say(cx->loop, "no result: every attempt failed");
    PAWL_END(cx); /* (c) JOB_DONE */
}

int main(void)
{
    pawl_vclock clock; /* the loop's platform: it must outlive the loop */
    pawl_loop loop;
    check(pawl_vclock_init(&clock, 0), "pawl_vclock_init");
    check(pawl_loop_init(&loop, &(pawl_loop_opts){.platform = &clock.base}), "pawl_loop_init");

    job j = {.attempt = 0}; /* zeroed: the three pawl_sleeps are idle */
    check(pawl_task_init(&j.task, job_poll), "pawl_task_init");
    check(pawl_task_spawn(&loop, &j.task), "pawl_task_spawn"); /* job(); */

    check(pawl_loop_run(&loop, PAWL_RUN_DEFAULT), "pawl_loop_run");
    check(pawl_loop_close(&loop), "pawl_loop_close");
    return EXIT_SUCCESS;
}
