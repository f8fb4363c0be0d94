/*
 * examples/lowering/state_machine.c -- one program, five ways: (c) a
 * hand-written state machine: a pawl task whose poll function is an enum
 * of states and a switch, with no pawl macros.
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
 *   (c) state_machine.c   this file
 *   (d) task.c            this file written with pawl's macros
 *   (e) promise.c         a promise chain
 *
 * WHAT THIS FILE DOES BY HAND
 *
 * An async function is a function that can stop at an `await` and be
 * resumed there later.  C cannot leave a function and come back into its
 * middle, so the function is cut at its awaits into pieces, and two
 * things are kept between calls, in a struct:
 *
 *   - where to resume: the state, one per await (the enum below);
 *   - every variable that is used after an await: `attempt` and `value`
 *     (a local of the poll function starts over at every call).
 *
 * The executor (the loop) calls the poll function, job_poll, once after
 * the task is spawned and then whenever the task has been woken.  job_poll
 * jumps to the piece for the current state and runs until it reaches an
 * await whose future is not ready; there it returns PAWL_PENDING, staying
 * in that state.  The future has stored the task's waker; when its timer
 * fires, the timer's callback wakes the task (pawl_wake puts it back on
 * the loop's run queue), and the loop calls job_poll again, which lands
 * in the same state and polls the same future again.  When the body is
 * finished, job_poll returns PAWL_READY.
 *
 * The states, and the lines of lowering.js's `job` and task.c's job_poll
 * each stands for:
 *
 *   JOB_START     (a) async function job() {        the call: the body
 *                 (d) PAWL_BEGIN(cx);               starts at the top
 *   JOB_SLEEPING  (a) await sleep(SLEEP_MS);
 *                 (d) PAWL_AWAIT(cx, rc, pawl_sleep_ms(&j->nap, ...));
 *   JOB_ATTEMPT   (a) for (...; attempt <= ATTEMPTS; ...)
 *                 (d) for (...; j->attempt <= ATTEMPTS; ...)
 *                 Not an await: the loop's test, which the code before
 *                 the loop and the retry both go to.  The macros need no
 *                 such state, because C's own `for` does this jump.
 *   JOB_FETCHING  (a) const value = await withTimeout(fetchValue(attempt),
 *                                                      LIMIT_MS);
 *                 (d) PAWL_AWAIT(cx, rc, PAWL_TIMEOUT(&j->limit, ...,
 *                                    fetch_value(&j->reply, ...)));
 *   JOB_DONE      (a) return / the end of the body
 *                 (d) PAWL_EXIT(cx); / PAWL_END(cx);
 *
 * What the macros of (d) add and this file leaves out: cancellation (a
 * canceled task resumes once more, lets its future release what it holds,
 * and runs its cleanup section) and the await budget (a task whose
 * futures are always ready still lets others run).  This job is never
 * canceled.  The macros also number the states themselves, at
 * compile time, instead of naming them.
 *
 * THE FUTURES
 *
 * (d) awaits pawl_sleep_ms and PAWL_TIMEOUT.  PAWL_TIMEOUT is a macro, so
 * here the time limit is written out too: the service's answer and the
 * limit are two wake_timers polled side by side, and whichever fires
 * first stops the other's timer.  A wake_timer (below) is what
 * pawl_sleep_ms is inside: a timer whose callback wakes the task.
 *
 * The loop runs on pawl's virtual clock (pawl_vclock): when it would wait,
 * the clock jumps to the next deadline, so the times are exact and the
 * program takes no real time.
 */
#include <stdarg.h>
#include <stddef.h>
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
        fprintf(stderr, "state_machine: %s: %s\n", what, pawl_err_name(rc));
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

/* ---- a wake_timer: a timer future, by hand ------------------------------ */

typedef struct wake_timer {
    pawl_timer timer;  /* first: wake_timer_fire gets the wake_timer from it */
    pawl_waker waker;  /* the task to wake when it fires */
    enum { WT_IDLE, WT_SET, WT_FIRED } state;
} wake_timer;

/* The timer's callback, run by the loop in its timers phase. */
static int wake_timer_fire(pawl_loop *loop, pawl_timer *timer)
{
    (void)loop;
    wake_timer *w = (wake_timer *)(void *)timer;
    w->state = WT_FIRED;
    pawl_wake(w->waker); /* the task goes back on the run queue */
    return PAWL_TIMER_STOP;
}

/* The future: the first poll starts the timer for `ms` ms from now; ready
 * once it has fired.  Every poll that returns PAWL_PENDING has stored the
 * waker first, so that the task is woken. */
static pawl_poll wake_timer_poll(wake_timer *w, pawl_cx *cx, uint32_t ms)
{
    if (w->state == WT_FIRED) {
        w->state = WT_IDLE; /* ready for the next await */
        return PAWL_READY;
    }
    if (w->state == WT_IDLE) {
        check(pawl_timer_init(&w->timer, wake_timer_fire), "pawl_timer_init");
        check(pawl_timer_start(cx->loop, &w->timer, ms), "pawl_timer_start");
        w->state = WT_SET;
    }
    w->waker = pawl_cx_waker(cx);
    return PAWL_PENDING;
}

/* Drop the future: stop its timer if it is still set. */
static void wake_timer_stop(wake_timer *w, pawl_loop *loop)
{
    check(pawl_timer_stop(loop, &w->timer), "pawl_timer_stop");
    w->state = WT_IDLE;
}

/* ---- the job ------------------------------------------------------------ */

/* The resume point: where job_poll goes on at its next call. */
typedef enum job_state {
    JOB_START,    /* not started yet */
    JOB_SLEEPING, /* at `await sleep(SLEEP_MS)` */
    JOB_ATTEMPT,  /* at the test of the attempts loop (not an await) */
    JOB_FETCHING, /* at `await withTimeout(fetchValue(attempt), LIMIT_MS)` */
    JOB_DONE      /* finished */
} job_state;

/* What lives across an await: the state, the two variables used after an
 * await, and the state of each await's future. */
typedef struct job {
    pawl_task task;   /* the header, through which the loop polls us */
    job_state state;  /* where to resume (in (d), the header keeps it) */
    int attempt;      /* `let attempt` */
    int value;        /* `const value`: the future's result, written
                         through a pointer into this struct */
    wake_timer nap;   /* sleep(SLEEP_MS) */
    wake_timer reply; /* the service's answer (fetchValue's timer) */
    wake_timer limit; /* the time limit (withTimeout's timer) */
} job;

/* fetchValue(attempt): the simulated slow service, as a future.  Ready
 * with ANSWER in *out once the service's delay has passed. */
static pawl_poll fetch_value(wake_timer *reply, pawl_cx *cx, int attempt, int *out)
{
    pawl_poll rc = wake_timer_poll(reply, cx, SERVICE_MS[attempt - 1]);
    if (rc == PAWL_READY)
        *out = ANSWER;
    return rc;
}

/* The poll function.  Each `case` is the code that runs when the job
 * resumes in that state; `break` goes round the `for` to the state just
 * set, without returning to the loop; `return PAWL_PENDING` suspends. */
static pawl_poll job_poll(pawl_task *t, pawl_cx *cx)
{
    /* From the header back to our struct (what PAWL_CONTAINER_OF does). */
    job *j = (job *)(void *)((char *)t - offsetof(job, task));
    int rc; /* set in a state and read in the same one: a local is fine */

    for (;;) {
        switch (j->state) {
        case JOB_START: /* (d) PAWL_BEGIN(cx); */
            say(cx->loop, "start: sleep %d ms", SLEEP_MS);
            j->state = JOB_SLEEPING;
            break;

        case JOB_SLEEPING: /* (d) PAWL_AWAIT(cx, rc, pawl_sleep_ms(&j->nap, ...)); */
            if (wake_timer_poll(&j->nap, cx, SLEEP_MS) == PAWL_PENDING)
                return PAWL_PENDING; /* suspend; resume in JOB_SLEEPING */
            j->attempt = 1;
            j->state = JOB_ATTEMPT;
            break;

        case JOB_ATTEMPT: /* (d) for (...; j->attempt <= ATTEMPTS; ...) */
            if (j->attempt > ATTEMPTS) {
                say(cx->loop, "no result: every attempt failed");
                j->state = JOB_DONE; /* (d) PAWL_END(cx); */
                return PAWL_READY;
            }
            say(cx->loop, "fetching (attempt %d)", j->attempt);
            j->state = JOB_FETCHING;
            break;

        case JOB_FETCHING: /* (d) PAWL_AWAIT(cx, rc, PAWL_TIMEOUT(..., fetch_value(...))); */
            rc = fetch_value(&j->reply, cx, j->attempt, &j->value);
            if (rc == PAWL_PENDING) {
                if (wake_timer_poll(&j->limit, cx, LIMIT_MS) == PAWL_PENDING)
                    return PAWL_PENDING; /* neither yet: resume in JOB_FETCHING */
                wake_timer_stop(&j->reply, cx->loop); /* time is up: drop the request */
                rc = PAWL_ETIMEDOUT;
            } else {
                wake_timer_stop(&j->limit, cx->loop); /* in time: clear the limit */
            }
            if (rc == 0) {
                say(cx->loop, "result: %d", j->value);
                j->state = JOB_DONE; /* (d) PAWL_EXIT(cx); */
                return PAWL_READY;
            }
            say(cx->loop, "attempt %d failed: %s", j->attempt, pawl_err_name(rc));
            j->attempt++; /* (d) the for's j->attempt++ */
            j->state = JOB_ATTEMPT;
            break;

        case JOB_DONE: /* never polled again: the loop knows it is done */
            return PAWL_READY;
        }
    }
}

int main(void)
{
    pawl_vclock clock; /* the loop's platform: it must outlive the loop */
    pawl_loop loop;
    check(pawl_vclock_init(&clock, 0), "pawl_vclock_init");
    check(pawl_loop_init(&loop, &(pawl_loop_opts){.platform = &clock.base}), "pawl_loop_init");

    job j = {.state = JOB_START}; /* zeroed: the three wake_timers are idle */
    check(pawl_task_init(&j.task, job_poll), "pawl_task_init");
    check(pawl_task_spawn(&loop, &j.task), "pawl_task_spawn"); /* job(); */

    check(pawl_loop_run(&loop, PAWL_RUN_DEFAULT), "pawl_loop_run");
    check(pawl_loop_close(&loop), "pawl_loop_close");
    return EXIT_SUCCESS;
}
