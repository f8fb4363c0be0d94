/*
 * examples/tour/tour.c -- a narrated walk through pawl, in nine stops.
 *
 *   1. spawn     tasks are queued, then polled; they take turns at yields
 *   2. futures   a hand-made future (a one-slot mailbox) and PAWL_AWAIT
 *   3. wakers    a task is polled only when woken; two wakes, one poll
 *   4. join      a parent awaits a child and reads its result
 *   5. cancel    a parent cancels a blocked child; its cleanup runs
 *   6. remote    another thread rings a doorbell that wakes a task
 *   7. timers    setTimeout, setInterval, setImmediate and a sleeping
 *                task, on a virtual clock
 *   8. promises  a chain with a timeout, all and any, and a task that
 *                awaits a promise, each step next to its JavaScript
 *   9. I/O       the HTTP example's server on an ephemeral loopback port,
 *                and a client task that fetches its page with the socket
 *                futures (connect, write, read, each with a timeout) on
 *                the same loop, on the real clock; both sides print,
 *                next to the Node code they mirror
 *
 * Read the source next to its output: every line the program prints is
 * printed by the code you are looking at, in the order the loop ran it.
 * The output is the same at every run.
 *
 * Three things to keep in mind while reading the tasks below:
 *
 *   - A task's poll function is called again at every poll.  Each
 *     PAWL_AWAIT / PAWL_YIELD is a *state*: the place the next call
 *     resumes at.  The code between two of them runs in one go.
 *
 *   - LOCAL VARIABLES DO NOT SURVIVE AN AWAIT.  When the task resumes, its
 *     poll function is a fresh call with fresh (garbage) locals.  Anything
 *     needed after an await is a field of the task's struct.  A local is
 *     fine only if it is set and used between two awaits (like `rc`,
 *     which PAWL_AWAIT assigns right when the future is ready).
 *
 *   - Code *before* PAWL_BEGIN runs at every poll (we count polls there).
 *     Code after it runs once, as execution passes through it.
 */
#define _POSIX_C_SOURCE 200809L /* pthreads under -std=c11 */

#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http_server.h" /* examples/http's server, as a module */
#include "pawl/pawl.h"

/* ---- error checking ----------------------------------------------------- */

/* Every fallible pawl call returns 0 (or a count) or a negative error code.
 * A tour should not hide failures: print the code's name and stop. */
static int check(int rc, const char *what)
{
    if (rc < 0) {
        fflush(stdout);
        fprintf(stderr, "tour: %s failed: %s (%s)\n", what, pawl_err_name(rc),
                pawl_strerror(rc));
        exit(EXIT_FAILURE);
    }
    return rc;
}
#define CHECK(call) check((call), #call)

/* An await's result that must be exactly `want`. */
static void expect(int rc, int want, const char *what)
{
    if (rc != want) {
        fflush(stdout);
        fprintf(stderr, "tour: %s returned %s, expected %s\n", what, pawl_err_name(rc),
                pawl_err_name(want));
        exit(EXIT_FAILURE);
    }
}

static const char *state_name(const pawl_task *t)
{
    switch (pawl_task_get_state(t)) {
    case PAWL_TASK_INIT:
        return "INIT";
    case PAWL_TASK_QUEUED:
        return "QUEUED";
    case PAWL_TASK_RUNNING:
        return "RUNNING";
    case PAWL_TASK_WAITING:
        return "WAITING";
    case PAWL_TASK_DONE:
        return "DONE";
    }
    return "?";
}

/* Run the loop until nothing is alive, and report how many iterations
 * (rounds of timers, tasks, poll, check) that took. */
static void run_loop(pawl_loop *loop)
{
    uint64_t before = pawl_loop_iterations(loop);
    int rc = CHECK(pawl_loop_run(loop, PAWL_RUN_DEFAULT));
    if (rc != 0) {
        fprintf(stderr, "tour: the loop stopped with tasks still alive\n");
        exit(EXIT_FAILURE);
    }
    unsigned long n = (unsigned long)(pawl_loop_iterations(loop) - before);
    printf("main: pawl_loop_run returned: nothing left alive, after %lu loop iteration%s\n", n,
           n == 1 ? "" : "s");
}

/* ======================================================================== */
/* 1. Spawning tasks: the loop polls them in turn                           */
/* ======================================================================== */

/*
 * A task is a struct of yours with a pawl_task inside.  The header is how
 * the loop knows the task; the other fields are the task's "locals that
 * survive awaits".
 */
typedef struct stepper {
    pawl_task task;   /* the header: run-queue link, resume point, state */
    const char *name; /* set before spawn, read at every poll */
    int steps;        /* how many steps to take */
    int step;         /* the loop counter: a FIELD, because it lives
                         across PAWL_YIELD (a local `int i` would not) */
    int polls;        /* how many times the loop has called us */
} stepper;

static pawl_poll stepper_poll(pawl_task *t, pawl_cx *cx)
{
    /* From the header back to the whole struct. */
    stepper *s = PAWL_CONTAINER_OF(t, stepper, task);
    s->polls++; /* before PAWL_BEGIN: runs at every poll */

    PAWL_BEGIN(cx);
    for (s->step = 1; s->step <= s->steps; s->step++) {
        printf("  %s: step %d of %d, then PAWL_YIELD (to the back of the run queue)\n", s->name,
               s->step, s->steps);
        /* State: "yielded at step s->step".  The poll function returns
         * here; the next poll jumps back to just after this line. */
        PAWL_YIELD(cx);
    }
    printf("  %s: finished (%d polls)\n", s->name, s->polls);
    PAWL_END(cx);
}

static void tour_spawn(pawl_loop *loop)
{
    printf("\n== 1. Spawn: tasks take turns at their yields ==\n");

    /* Locals of main's sections are fine for tasks: the memory outlives
     * pawl_loop_run, which returns only when every task is DONE. */
    stepper a = {.name = "A", .steps = 3};
    stepper b = {.name = "B", .steps = 2};
    CHECK(pawl_task_init(&a.task, stepper_poll));
    CHECK(pawl_task_init(&b.task, stepper_poll));
    CHECK(pawl_task_spawn(loop, &a.task));
    CHECK(pawl_task_spawn(loop, &b.task));
    printf("main: spawned A and B; spawning only queues them: A is %s, polled %d times\n",
           state_name(&a.task), a.polls);
    printf("main: pawl_loop_run polls the run queue front to back (FIFO)\n");
    run_loop(loop);
    printf("main: A is %s, B is %s; a yield re-queues the task in the same task phase\n",
           state_name(&a.task), state_name(&b.task));
}

/* ======================================================================== */
/* 2. Futures: a hand-made one                                              */
/* ======================================================================== */

/*
 * A future is anything a task can await: a function that returns
 * PAWL_PENDING ("not yet") or a result (0 or a negative error).  Its one
 * rule: before it returns PAWL_PENDING it must arrange to wake the task
 * later.  It does so by storing the task's waker, pawl_cx_waker(cx); the
 * producer calls pawl_wake on it when the thing awaited has happened.
 *
 * Here is a mailbox that holds one int.
 */
typedef struct mailbox {
    bool full;         /* a value is waiting to be taken */
    int value;         /* valid while full */
    pawl_waker waiter; /* who to wake when a value arrives (zero: nobody) */
} mailbox;

/* The future's poll function: take the value, or store the waker and say
 * "pending".  It is called again at every poll of the awaiting task, so it
 * must also cope with being polled when nothing changed (a spurious
 * poll): it then simply stores the waker again. */
static pawl_poll mailbox_recv(mailbox *mb, int *out, pawl_cx *cx)
{
    if (pawl_cx_canceled(cx)) {
        /* The awaiting task is being canceled: give back what we hold
         * (the stored waker) and report it. */
        mb->waiter = (pawl_waker){0};
        printf("    mailbox_recv: canceled context: forget the waker, return ECANCELED\n");
        return PAWL_ECANCELED;
    }
    if (mb->full) {
        mb->full = false;
        mb->waiter = (pawl_waker){0};
        *out = mb->value;
        printf("    mailbox_recv: a value is there: take %d, return PAWL_READY\n", *out);
        return PAWL_READY;
    }
    mb->waiter = pawl_cx_waker(cx);
    printf("    mailbox_recv: empty: store pawl_cx_waker(cx), return PAWL_PENDING\n");
    return PAWL_PENDING;
}

/* The producer's side: put a value in and wake whoever waits.  pawl_wake
 * on a zeroed waker (nobody waiting yet) does nothing: the value will be
 * found by the next mailbox_recv. */
static int mailbox_send(mailbox *mb, int value)
{
    if (mb->full)
        return PAWL_EBUSY;
    mb->value = value;
    mb->full = true;
    pawl_wake(mb->waiter);
    return 0;
}

typedef struct consumer {
    pawl_task task;
    const char *name;
    mailbox *box; /* not ours: the mailbox outlives us */
    int got;      /* mailbox_recv writes here; read after the await */
    int polls;
} consumer;

static pawl_poll consumer_poll(pawl_task *t, pawl_cx *cx)
{
    consumer *c = PAWL_CONTAINER_OF(t, consumer, task);
    int rc; /* a local is fine: PAWL_AWAIT sets it when the future is
               ready, and we use it before the next await */
    c->polls++;
    printf("  %s: poll #%d\n", c->name, c->polls);

    PAWL_BEGIN(cx);
    printf("  %s: PAWL_AWAIT(mailbox_recv(...))\n", c->name);
    /* State: "waiting for the mailbox".  At every poll from now until the
     * future is ready, the task resumes right here and polls it again. */
    PAWL_AWAIT(cx, rc, mailbox_recv(c->box, &c->got, cx));
    expect(rc, 0, "mailbox_recv");
    printf("  %s: got %d, finished\n", c->name, c->got);
    PAWL_END(cx);
}

typedef struct producer {
    pawl_task task;
    mailbox *box;
    int value;
} producer;

static pawl_poll producer_poll(pawl_task *t, pawl_cx *cx)
{
    producer *p = PAWL_CONTAINER_OF(t, producer, task);
    PAWL_BEGIN(cx); /* no await at all: this task finishes in one poll */
    printf("  producer: mailbox_send(%d), which calls pawl_wake(stored waker)\n", p->value);
    CHECK(mailbox_send(p->box, p->value));
    printf("  producer: finished\n");
    PAWL_END(cx);
}

static void tour_future(pawl_loop *loop)
{
    printf("\n== 2. Futures: awaiting a hand-made mailbox ==\n");
    mailbox box = {0};
    consumer c = {.name = "consumer", .box = &box};
    producer p = {.box = &box, .value = 42};
    CHECK(pawl_task_init(&c.task, consumer_poll));
    CHECK(pawl_task_init(&p.task, producer_poll));
    CHECK(pawl_task_spawn(loop, &c.task));
    CHECK(pawl_task_spawn(loop, &p.task));
    run_loop(loop);
}

/* ======================================================================== */
/* 3. Wakers: polled only when woken                                        */
/* ======================================================================== */

/* The poker pokes a consumer ("sleeper") that waits on a mailbox. */
typedef struct poker {
    pawl_task task;
    consumer *sleeper;
    pawl_waker saved; /* a copy of the sleeper's waker, kept until its end */
} poker;

static pawl_poll poker_poll(pawl_task *t, pawl_cx *cx)
{
    poker *p = PAWL_CONTAINER_OF(t, poker, task);
    consumer *s = p->sleeper; /* a local recomputed at every poll: fine */

    PAWL_BEGIN(cx);
    printf("  poker: PAWL_YIELD twice; nothing woke the sleeper, so it is not polled\n");
    PAWL_YIELD(cx);
    PAWL_YIELD(cx);
    printf("  poker: the sleeper was polled %d time; it is %s\n", s->polls,
           state_name(&s->task));

    /* Wakers are plain values: copy one out of the mailbox and wake it. */
    p->saved = s->box->waiter;
    pawl_wake(p->saved);
    printf("  poker: pawl_wake(sleeper)       -> %s\n", state_name(&s->task));
    pawl_wake(p->saved);
    printf("  poker: pawl_wake(sleeper) again -> %s (already queued: queued once)\n",
           state_name(&s->task));
    PAWL_YIELD(cx);
    printf("  poker: two wakes, one poll: the sleeper was polled %d times, and is %s again\n",
           s->polls, state_name(&s->task));
    printf("  poker: (nothing had changed, so its future just stored the waker again)\n");

    printf("  poker: mailbox_send(7)\n");
    CHECK(mailbox_send(s->box, 7));
    PAWL_YIELD(cx);
    printf("  poker: the sleeper is %s after %d polls\n", state_name(&s->task), s->polls);

    /* The task finished, so its generation moved on: every waker taken
     * before is stale, and waking one is a no-op (never a use-after-free,
     * never a poll of a finished task). */
    pawl_wake(p->saved);
    printf("  poker: pawl_wake(the old waker) -> still %s: a stale waker wakes nothing\n",
           state_name(&s->task));
    PAWL_END(cx);
}

static void tour_wakers(pawl_loop *loop)
{
    printf("\n== 3. Wakers: a task is polled only when woken ==\n");
    mailbox box = {0};
    consumer sleeper = {.name = "sleeper", .box = &box};
    poker pk = {.sleeper = &sleeper};
    CHECK(pawl_task_init(&sleeper.task, consumer_poll));
    CHECK(pawl_task_init(&pk.task, poker_poll));
    CHECK(pawl_task_spawn(loop, &sleeper.task));
    CHECK(pawl_task_spawn(loop, &pk.task));
    run_loop(loop);
}

/* ======================================================================== */
/* 4. Join: await another task, read its result from its struct             */
/* ======================================================================== */

/* The child adds 1..n, one term per poll.  Its result is a field: a task
 * has no return value besides "done" (0) or "canceled". */
typedef struct summer {
    pawl_task task;
    int n;
    int i;   /* loop counter across yields: a field */
    int sum; /* the result, read by whoever joins us */
} summer;

static pawl_poll summer_poll(pawl_task *t, pawl_cx *cx)
{
    summer *c = PAWL_CONTAINER_OF(t, summer, task);
    PAWL_BEGIN(cx);
    for (c->i = 1; c->i <= c->n; c->i++) {
        c->sum += c->i;
        printf("  child: sum += %d -> %d\n", c->i, c->sum);
        PAWL_YIELD(cx);
    }
    printf("  child: finished\n");
    PAWL_END(cx);
}

/* The parent owns its child: the child's memory is part of the parent's,
 * so it lives exactly as long as the parent needs it. */
typedef struct parent {
    pawl_task task;
    summer child;
} parent;

static pawl_poll parent_poll(pawl_task *t, pawl_cx *cx)
{
    parent *p = PAWL_CONTAINER_OF(t, parent, task);
    int rc;
    PAWL_BEGIN(cx);
    p->child = (summer){.n = 4};
    CHECK(pawl_task_init(&p->child.task, summer_poll));
    CHECK(pawl_task_spawn(cx->loop, &p->child.task));
    printf("  parent: spawned child (sum 1..%d); PAWL_AWAIT(pawl_task_join(child))\n",
           p->child.n);
    /* State: "waiting for the child".  The join future stores our task as
     * the child's joiner; the loop wakes us when the child is DONE. */
    PAWL_AWAIT(cx, rc, pawl_task_join(&p->child.task, cx));
    expect(rc, 0, "pawl_task_join(child)");
    printf("  parent: join returned %s; child's result, read from its struct: %d\n",
           pawl_err_name(rc), p->child.sum);
    PAWL_END(cx);
}

static void tour_join(pawl_loop *loop)
{
    printf("\n== 4. Join: a parent awaits its child ==\n");
    parent p;
    CHECK(pawl_task_init(&p.task, parent_poll));
    CHECK(pawl_task_spawn(loop, &p.task));
    run_loop(loop);
}

/* ======================================================================== */
/* 5. Cancellation                                                          */
/* ======================================================================== */

/* A worker that waits on a mailbox nobody will ever write to. */
typedef struct worker {
    pawl_task task;
    const char *name;
    mailbox box;
    int got;
    int polls;
} worker;

static pawl_poll worker_poll(pawl_task *t, pawl_cx *cx)
{
    worker *w = PAWL_CONTAINER_OF(t, worker, task);
    int rc;
    w->polls++;
    if (pawl_cx_canceled(cx))
        printf("  %s: poll #%d, with a canceled context: it resumes in its await\n", w->name,
               w->polls);
    PAWL_BEGIN(cx);
    printf("  %s: PAWL_AWAIT(mailbox_recv(...)) on a mailbox nobody writes to\n", w->name);
    PAWL_AWAIT(cx, rc, mailbox_recv(&w->box, &w->got, cx));
    /* Reached only if a value arrives, which it never does here. */
    printf("  %s: got %d (rc %s)\n", w->name, w->got, pawl_err_name(rc));

    PAWL_CLEANUP(cx);
    /* The cleanup section runs however the body ends: by falling through,
     * by PAWL_EXIT, or, as here, by cancellation.  Release resources here
     * (close files, free buffers...). */
    printf("  %s: cleanup section runs; the line after the await never did\n", w->name);
    PAWL_END(cx);
}

typedef struct boss {
    pawl_task task;
    worker busy; /* canceled while blocked in an await */
    worker late; /* canceled before it ever ran */
} boss;

static pawl_poll boss_poll(pawl_task *t, pawl_cx *cx)
{
    boss *b = PAWL_CONTAINER_OF(t, boss, task);
    int rc;
    PAWL_BEGIN(cx);
    b->busy = (worker){.name = "worker"};
    CHECK(pawl_task_init(&b->busy.task, worker_poll));
    CHECK(pawl_task_spawn(cx->loop, &b->busy.task));
    printf("  boss: spawned worker; PAWL_YIELD so that it runs and blocks\n");
    PAWL_YIELD(cx);

    printf("  boss: worker is %s; pawl_task_cancel(worker), then await its join\n",
           state_name(&b->busy.task));
    /* Cancel is a request: it returns at once, and takes effect when the
     * loop polls the worker once more with a canceled context. */
    CHECK(pawl_task_cancel(cx->loop, &b->busy.task));
    PAWL_AWAIT(cx, rc, pawl_task_join(&b->busy.task, cx));
    expect(rc, PAWL_ECANCELED, "pawl_task_join(worker)");
    printf("  boss: join(worker) returned %s\n", pawl_err_name(rc));

    /* A task canceled before its first poll never runs at all: not its
     * body, and not its cleanup section either (which may rely on
     * something the body would have set up). */
    b->late = (worker){.name = "late"};
    CHECK(pawl_task_init(&b->late.task, worker_poll));
    CHECK(pawl_task_spawn(cx->loop, &b->late.task));
    CHECK(pawl_task_cancel(cx->loop, &b->late.task));
    printf("  boss: spawned late and canceled it at once (it is %s)\n",
           state_name(&b->late.task));
    PAWL_AWAIT(cx, rc, pawl_task_join(&b->late.task, cx));
    expect(rc, PAWL_ECANCELED, "pawl_task_join(late)");
    printf("  boss: join(late) returned %s; late was polled %d times: not even its cleanup ran\n",
           pawl_err_name(rc), b->late.polls);
    PAWL_END(cx);
}

static void tour_cancel(pawl_loop *loop)
{
    printf("\n== 5. Cancel: stop a blocked task, run its cleanup ==\n");
    boss b;
    CHECK(pawl_task_init(&b.task, boss_poll));
    CHECK(pawl_task_spawn(loop, &b.task));
    run_loop(loop);
}

/* ======================================================================== */
/* 6. A remote wake from another thread                                     */
/* ======================================================================== */

/* Everything in pawl runs on the loop's thread, except one call:
 * pawl_wake_remote, which any thread (or signal handler) may use to ring a
 * pawl_remote, a doorbell that belongs to the loop. */
static void *ringer_main(void *arg)
{
    pawl_remote *bell = arg;
    printf("    [ringer thread] pawl_wake_remote(bell)\n");
    CHECK(pawl_wake_remote(bell));
    return NULL;
}

typedef struct doorkeeper {
    pawl_task task;
    pawl_remote *bell;
    pthread_t thread; /* started before the await, joined by main after
                         the loop: it must outlive the await, so a field */
    bool started;
    int polls;
} doorkeeper;

static pawl_poll doorkeeper_poll(pawl_task *t, pawl_cx *cx)
{
    doorkeeper *d = PAWL_CONTAINER_OF(t, doorkeeper, task);
    int rc;
    d->polls++;
    PAWL_BEGIN(cx);
    printf("  doorkeeper: start a thread that rings the bell; PAWL_AWAIT(pawl_remote_wait)\n");
    {
        /* A local inside its own block, dead before the next await: fine. */
        int err = pthread_create(&d->thread, NULL, ringer_main, d->bell);
        if (err != 0) {
            fprintf(stderr, "tour: pthread_create: %s\n", strerror(err));
            exit(EXIT_FAILURE);
        }
        d->started = true;
    }
    /* The first poll of pawl_remote_wait always finds no delivery yet
     * (deliveries happen in the loop's poll phase, after this task phase),
     * so it stores our waker and we return PAWL_PENDING.  The loop, with
     * nothing else to do, then blocks in its poll phase until the ring. */
    PAWL_AWAIT(cx, rc, pawl_remote_wait(d->bell, cx));
    expect(rc, 0, "pawl_remote_wait");
    printf("  doorkeeper: the bell rang; the loop's poll phase woke us (poll #%d)\n", d->polls);
    PAWL_END(cx);
}

static void tour_remote(pawl_loop *loop)
{
    printf("\n== 6. Remote: another thread wakes a task ==\n");
    pawl_remote bell;
    CHECK(pawl_remote_init(loop, &bell, NULL, NULL));
    /* An open remote keeps the loop alive (like a libuv async handle).
     * Here the waiting task already does, and we want pawl_loop_run to
     * return once it is done, so the bell does not hold the loop. */
    CHECK(pawl_remote_unref(&bell));
    doorkeeper d = {.bell = &bell};
    CHECK(pawl_task_init(&d.task, doorkeeper_poll));
    CHECK(pawl_task_spawn(loop, &d.task));
    run_loop(loop);
    /* Close a remote only once no thread can ring it any more. */
    if (d.started) {
        int err = pthread_join(d.thread, NULL);
        if (err != 0) {
            fprintf(stderr, "tour: pthread_join: %s\n", strerror(err));
            exit(EXIT_FAILURE);
        }
    }
    CHECK(pawl_remote_close(&bell));
    printf("main: ringer thread joined, bell closed\n");
}

#if defined(PAWL_TRACE)
/*
 * The traced tour (target tour_traced, built against the library compiled
 * with PAWL_TRACE): when the environment variable PAWL_TOUR_TRACE names a
 * file, every loop of the tour records what it does into a ring, from
 * just after pawl_loop_init, and writes its dump (pawl/trace.h) to that
 * file just before pawl_loop_close.  The main loop (stops 1 to 6) writes
 * the file anew ("wb"); the loops of stops 7, 8 and 9 each append their
 * own dump ("ab"), so the file holds four dumps, one per loop, in the
 * order they ran.  tools/pawl-trace turns the file into a timeline with
 * a heading per loop, or a Chrome trace with a process per loop.  The
 * loops run one after the other, so one ring serves them all.
 */
static pawl_trace_event tour_trace_ring[1u << 16]; /* 3 MiB: the whole main loop */

static int tour_trace_fwrite(void *ctx, const void *data, size_t len)
{
    return fwrite(data, 1, len, ctx) == len ? 0 : PAWL_ENOSPC; /* a short write: the disk is full */
}

static void tour_trace_start(pawl_loop *loop)
{
    if (getenv("PAWL_TOUR_TRACE") != NULL)
        CHECK(pawl_trace_start(loop, tour_trace_ring,
                               sizeof tour_trace_ring / sizeof tour_trace_ring[0]));
}

/* mode: "wb" for the first loop, "ab" for each later one. */
static void tour_trace_write(pawl_loop *loop, const char *mode)
{
    const char *path = getenv("PAWL_TOUR_TRACE");
    if (path == NULL)
        return;
    FILE *f = fopen(path, mode);
    if (f == NULL) {
        fprintf(stderr, "tour: cannot write the trace to %s\n", path);
        exit(EXIT_FAILURE);
    }
    CHECK(pawl_trace_write(loop, tour_trace_fwrite, f));
    if (fclose(f) != 0) {
        fprintf(stderr, "tour: cannot write the trace to %s\n", path);
        exit(EXIT_FAILURE);
    }
    CHECK(pawl_trace_stop(loop));
}
#else
/* The untraced tour records nothing. */
#  define tour_trace_start(loop) ((void)(loop))
#  define tour_trace_write(loop, mode) ((void)(loop), (void)(mode))
#endif

/* ======================================================================== */
/* 7. Timers: setTimeout, setInterval, setImmediate, and sleep in a task    */
/* ======================================================================== */

/*
 * pawl's timers follow Node's: pawl_set_timeout, pawl_set_interval and
 * pawl_set_immediate return an id (a positive 64-bit number, never reused)
 * that the clear functions take.  When they run is decided by the loop's
 * phases, in this order in every iteration:
 *
 *   timers   due timers, by deadline (equal deadlines: first armed, first)
 *   tasks    queued tasks, including those a timer just woke
 *   poll     wait for the next deadline (not at all if referenced
 *            immediates wait)
 *   check    immediates
 *
 * This stop runs on a loop of its own, whose platform is a virtual clock
 * (pawl_vclock): time stands still while the loop works, and when the loop
 * would wait, the clock jumps straight to the deadline.  So the times
 * printed below are exact and the same at every run, and the 40 ms of the
 * scene take no real time at all.  pawl's own tests use the same clock.
 * With the default platform the order would be the same and the times
 * real ones.  See docs/timers.md for every rule, set against Node's.
 */
typedef struct timer_scene {
    pawl_vclock clock;    /* the loop's platform: must outlive the loop */
    pawl_loop loop;
    pawl_timer_id ticker; /* the interval's id, to clear it */
    int ticks;
} timer_scene;

/* Timer callbacks take one void *, as Node's take the extra arguments of
 * setTimeout(fn, ms, ...args).  For the plain timeouts it points at one
 * of these: the loop (for the time) and what to say. */
typedef struct cue {
    pawl_loop *loop;
    const char *text;
} cue;

/* The id-returning calls return a negative error code instead of an id
 * when they fail. */
static pawl_timer_id check_id(pawl_timer_id id, const char *what)
{
    if (id < 0)
        check((int)id, what);
    return id;
}
#define CHECK_ID(call) check_id((call), #call)

/* Print one line, stamped with the loop's time: the clock as read at the
 * top of the current loop iteration (pawl_loop_now, in ms). */
static void at(const pawl_loop *loop, const char *fmt, ...)
{
    va_list ap;
    printf("  [%2llu ms] ", (unsigned long long)pawl_loop_now(loop));
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
}

/* A timeout that just says what it is. */
static int say_cue(void *arg)
{
    cue *c = arg;
    at(c->loop, "%s", c->text);
    return 0; /* nonzero would be reported as an error (to the warning hook) */
}

/* The interval clears itself from inside its own callback at the third
 * tick: that stops it, as clearInterval does in Node. */
static int tick(void *arg)
{
    timer_scene *sc = arg;
    sc->ticks++;
    if (sc->ticks < 3) {
        at(&sc->loop, "interval, every 12 ms: tick %d", sc->ticks);
        return 0;
    }
    at(&sc->loop, "interval, every 12 ms: tick %d, clears itself: no more ticks", sc->ticks);
    CHECK(pawl_clear_interval(&sc->loop, sc->ticker));
    return 0;
}

static int zero_timeout(void *arg)
{
    timer_scene *sc = arg;
    at(&sc->loop, "the 0 ms timeout: 0 means 1 ms, as in Node, so it was due at 21");
    return 0;
}

static int immediate_from_timer(void *arg)
{
    timer_scene *sc = arg;
    at(&sc->loop, "the immediate: check phase of this same iteration, so it runs first");
    return 0;
}

/* A timer callback that arms a 0 ms timeout and an immediate.  Node runs
 * the immediate first every time, and so does pawl: the check phase comes
 * later in this very iteration, whereas a timer armed while the timers
 * phase runs waits at least for the next one (and a 0 ms timeout is a
 * 1 ms timeout anyway). */
static int arm_two(void *arg)
{
    timer_scene *sc = arg;
    at(&sc->loop, "timeout 20 ms: pawl_set_timeout(0 ms), then pawl_set_immediate");
    CHECK_ID(pawl_set_timeout(&sc->loop, zero_timeout, sc, 0));
    CHECK_ID(pawl_set_immediate(&sc->loop, immediate_from_timer, sc));
    return 0;
}

/* A task that sleeps: `await new Promise(r => setTimeout(r, 25))` in
 * JavaScript.  The pawl_sleep is the await's state (a timer and the task's
 * waker), so it is a field: it lives across the await.  Zeroed, it is
 * ready to use, and it is idle again after each await, so one serves both
 * sleeps. */
typedef struct napper {
    pawl_task task;
    pawl_sleep nap;
} napper;

static pawl_poll napper_poll(pawl_task *t, pawl_cx *cx)
{
    napper *n = PAWL_CONTAINER_OF(t, napper, task);
    int rc;
    PAWL_BEGIN(cx);
    at(cx->loop, "napper (a task): PAWL_AWAIT(pawl_sleep_ms(25))");
    PAWL_AWAIT(cx, rc, pawl_sleep_ms(&n->nap, cx, 25));
    expect(rc, 0, "pawl_sleep_ms(25)");
    /* The sleep's timer woke the task in the timers phase; the task phase
     * of the same iteration polled it, so the time is still 25. */
    at(cx->loop, "napper: woke up; PAWL_AWAIT(pawl_sleep_ms(15)) with the same pawl_sleep");
    PAWL_AWAIT(cx, rc, pawl_sleep_ms(&n->nap, cx, 15));
    expect(rc, 0, "pawl_sleep_ms(15)");
    at(cx->loop, "napper: woke up, finished");
    PAWL_END(cx);
}

static void tour_timers(void)
{
    printf("\n== 7. Timers: timeouts, an interval, immediates, a sleeping task ==\n");
    timer_scene sc = {.ticks = 0};
    CHECK(pawl_vclock_init(&sc.clock, 0)); /* the clock starts at 0 ms */
    CHECK(pawl_loop_init(&sc.loop, &(pawl_loop_opts){.platform = &sc.clock.base}));
    tour_trace_start(&sc.loop);

    /* Armed longest first: they run by deadline, not in arm order. */
    cue late = {&sc.loop, "timeout 30 ms"};
    cue early = {&sc.loop, "timeout 10 ms"};
    CHECK_ID(pawl_set_timeout(&sc.loop, say_cue, &late, 30));
    CHECK_ID(pawl_set_timeout(&sc.loop, say_cue, &early, 10));
    CHECK_ID(pawl_set_timeout(&sc.loop, arm_two, &sc, 20));
    sc.ticker = CHECK_ID(pawl_set_interval(&sc.loop, tick, &sc, 12));
    cue now = {&sc.loop, "immediate armed by main: check phase, after the task phase"};
    CHECK_ID(pawl_set_immediate(&sc.loop, say_cue, &now));
    napper n;
    memset(&n, 0, sizeof n); /* a zeroed pawl_sleep is idle: no init call */
    CHECK(pawl_task_init(&n.task, napper_poll));
    PAWL_TRACE_NAME(&n.task, "napper"); /* the traced tour's name for it */
    CHECK(pawl_task_spawn(&sc.loop, &n.task));
    printf("main: a second loop, on a virtual clock that starts at 0 ms\n");
    printf("main: armed timeouts of 30, 10 and 20 ms (in that order), a 12 ms interval and an\n"
           "main: immediate, and spawned a task that sleeps; pawl_loop_run:\n");

    run_loop(&sc.loop);
    printf("main: the virtual clock reads %llu ms: it jumped from deadline to deadline in"
           " %llu waits\n",
           (unsigned long long)(sc.clock.now_ns / 1000000u), (unsigned long long)sc.clock.waits);
    tour_trace_write(&sc.loop, "ab");
    /* Closing a loop with timers of the JavaScript API still pending would
     * free them without calling them, as Node drops its timers at exit;
     * here none is left. */
    CHECK(pawl_loop_close(&sc.loop));
    printf("main: timers loop closed\n");
}


/* ======================================================================== */
/*
 * Stop 8: promises.  JavaScript's promises, in C: pawl/promise.h.  Each
 * step prints the JavaScript it mirrors ("js>") and then what happened.
 *
 * The C shapes to know (docs/promises.md has them all):
 *   - a handler is `pawl_value fn(void *ctx, pawl_value v)`; it returns the
 *     next value, pawl_throw(reason) to reject, or pawl_promise_value(q) to
 *     make the derived promise follow q;
 *   - values are 16-byte tagged unions: pawl_int(42), pawl_error(code, msg);
 *   - every call that hands you a promise hands you one reference:
 *     pawl_promise_release it when you are done.  The chain keeps alive
 *     what it still needs, so the tour releases its references at once.
 *
 * Handlers run as microtasks, after the callback or task poll that
 * settled their promise, in the order they were registered, exactly as in
 * JavaScript.  This loop is on a virtual clock too.
 */
typedef struct promise_scene {
    pawl_vclock clock;
    pawl_loop loop;
} promise_scene;

static pawl_loop *promise_loop; /* for the handlers' timestamps */

static void js(const char *code)
{
    printf("  js> %s\n", code);
}

/* Release a promise reference we no longer need (the chain holds its own). */
static void drop(pawl_promise *p)
{
    pawl_promise_release(p);
}

static pawl_value on_reply(void *ctx, pawl_value v)
{
    (void)ctx;
    at(promise_loop, "reply: %lld", (long long)v.u.i);
    return pawl_undefined();
}

static pawl_value on_timeout(void *ctx, pawl_value reason)
{
    (void)ctx;
    char text[96];
    pawl_value_format(reason, text, sizeof text);
    at(promise_loop, "catch: %s", text);
    return pawl_int(-1); /* handled: the chain goes on fulfilled with -1 */
}

static pawl_value after_catch(void *ctx, pawl_value v)
{
    (void)ctx;
    at(promise_loop, "then: the chain recovered with %lld", (long long)v.u.i);
    return pawl_undefined();
}

static pawl_value print_list(void *ctx, pawl_value v)
{
    printf("  [%2llu ms] %s: [", (unsigned long long)pawl_loop_now(promise_loop),
           (const char *)ctx);
    for (size_t i = 0; i < v.u.list->n; i++)
        printf("%s%lld", i ? ", " : "", (long long)v.u.list->items[i].u.i);
    printf("]\n");
    return pawl_undefined();
}

static pawl_value print_any(void *ctx, pawl_value v)
{
    (void)ctx;
    at(promise_loop, "any: %lld, the first to fulfil (the rejection is skipped)",
       (long long)v.u.i);
    return pawl_undefined();
}

static pawl_value say_finally(void *ctx)
{
    (void)ctx;
    at(promise_loop, "finally: runs on either outcome, passes it on");
    return pawl_undefined();
}

/* A task awaiting a promise: an async function with one await. */
typedef struct awaiter {
    pawl_task task;
    pawl_promise *p;  /* what it awaits (its own reference) */
    pawl_value value; /* the await's result: a field, it crosses the await */
} awaiter;

static pawl_poll awaiter_poll(pawl_task *t, pawl_cx *cx)
{
    awaiter *a = PAWL_CONTAINER_OF(t, awaiter, task);
    int rc;
    PAWL_BEGIN(cx);
    at(cx->loop, "awaiter (a task): PAWL_AWAIT(pawl_promise_await(p)): p is pending");
    PAWL_AWAIT(cx, rc, pawl_promise_await(a->p, cx, &a->value));
    expect(rc, 0, "pawl_promise_await");
    at(cx->loop, "awaiter: resumed with %lld", (long long)a->value.u.i);
    pawl_value_drop(&a->value);
    pawl_promise_release(a->p);
    PAWL_END(cx);
}

static void tour_promises(void)
{
    printf("\n== 8. Promises: a chain with a timeout, all and any, a task that awaits ==\n");
    promise_scene sc;
    CHECK(pawl_vclock_init(&sc.clock, 0));
    CHECK(pawl_loop_init(&sc.loop, &(pawl_loop_opts){.platform = &sc.clock.base}));
    pawl_loop *loop = &sc.loop;
    tour_trace_start(loop);
    promise_loop = loop;
    pawl_promise *slow, *timed, *a, *b, *c;

    js("withTimeout(delay(50, 42), 20).then(reply).catch(e => -1).then(...).finally(...)");
    CHECK(pawl_promise_delay(loop, 50, pawl_int(42), &slow));
    CHECK(pawl_promise_with_timeout(slow, 20, &timed));
    CHECK(pawl_promise_then(timed, on_reply, NULL, NULL, &a));
    CHECK(pawl_promise_catch(a, on_timeout, NULL, &b));
    drop(a);
    CHECK(pawl_promise_then(b, after_catch, NULL, NULL, &c));
    drop(b);
    CHECK(pawl_promise_finally(c, say_finally, NULL, NULL));
    drop(c);
    drop(timed);
    drop(slow);

    js("Promise.all([delay(5, 1), Promise.resolve(2), delay(10, 3)]).then(print)");
    pawl_promise *in[3];
    CHECK(pawl_promise_delay(loop, 5, pawl_int(1), &in[0]));
    CHECK(pawl_promise_resolved(loop, pawl_int(2), &in[1]));
    CHECK(pawl_promise_delay(loop, 10, pawl_int(3), &in[2]));
    CHECK(pawl_promise_all(loop, in, 3, &a));
    CHECK(pawl_promise_then(a, print_list, NULL, (void *)(uintptr_t) "all", NULL));
    drop(a);
    for (int i = 0; i < 3; i++)
        drop(in[i]);

    js("Promise.any([Promise.reject(new Error('down')), delay(15, 7)]).then(print)");
    CHECK(pawl_promise_rejected(loop, pawl_error(PAWL_ECLOSED, "down"), &in[0]));
    CHECK(pawl_promise_delay(loop, 15, pawl_int(7), &in[1]));
    CHECK(pawl_promise_any(loop, in, 2, &a));
    CHECK(pawl_promise_then(a, print_any, NULL, NULL, NULL));
    drop(a);
    drop(in[0]);
    drop(in[1]);

    js("(async () => { const v = await delay(30, 99); ... })()");
    awaiter w = {.p = NULL};
    CHECK(pawl_promise_delay(loop, 30, pawl_int(99), &w.p));
    CHECK(pawl_task_init(&w.task, awaiter_poll));
    PAWL_TRACE_NAME(&w.task, "awaiter");
    CHECK(pawl_task_spawn(loop, &w.task));

    printf("main: pawl_loop_run:\n");
    run_loop(loop);
    printf("main: the clock reads %llu ms: the slow delay(50) still ran (its timer keeps the\n"
           "main: loop alive, as setTimeout does); its late value went nowhere\n",
           (unsigned long long)(sc.clock.now_ns / 1000000u));
    tour_trace_write(loop, "ab");
    CHECK(pawl_loop_close(loop)); /* EBUSY if a promise were still alive */
    printf("main: promises loop closed: every promise was released\n");
}

/* ======================================================================== */
/* 9. I/O: the HTTP example's server and a client task, on one loop         */
/* ======================================================================== */

/*
 * The server of examples/http is a module (examples/http/http_server.h):
 * it listens, accepts and serves on whatever loop it is given.  The
 * `http` program runs one per thread; here one runs on a loop of the
 * tour's, next to a client task that fetches its page with the socket
 * futures of pawl/net.h:
 *
 *   pawl_tcp_connect     ready once the connection is established
 *   pawl_net_write_all   ready once every byte is written, however many
 *                        polls that takes (the progress is a field)
 *   pawl_net_read        ready with what the kernel has, or PAWL_EOF at
 *                        end of stream
 *
 * each inside PAWL_TIMEOUT, so that a peer that never answers costs a
 * timeout and not a hang.  A socket future is made ready in the loop's
 * poll phase, when the reactor (epoll on Linux) reports the descriptor
 * readable or writable; between two polls the task's state is its struct.
 *
 * This loop runs on the real clock, the default platform, where the poll
 * phase waits in the reactor for the kernel.  On the virtual clock the
 * reactor would only look at the sockets, and when none was ready the
 * clock would jump to the next deadline.  Over loopback Linux has, in
 * practice, delivered the bytes before the call that sent them returns,
 * so that works there; but it is no promise (other kernels hand loopback
 * packets to a thread of their own), and a packet late by a microsecond
 * would make the clock jump straight to a timeout.  So the real clock;
 * and the output stays the same at every run because nothing printed
 * depends on it: no time, no port number, no count of loop iterations.
 */
#define IO_LIMIT_MS 5000u /* each await's limit: only a hang ever meets it */

/* The request, whole.  The server ignores Host's value (HTTP/1.1 only
 * requires one); Connection: close makes end of stream end the body, so
 * the client reads until PAWL_EOF. */
static const char REQUEST[] = "GET / HTTP/1.1\r\n"
                              "Host: 127.0.0.1\r\n"
                              "Connection: close\r\n"
                              "\r\n";

typedef struct fetcher {
    pawl_task task;
    http_server *server;  /* stopped by us once the page is in */
    pawl_addr to;         /* 127.0.0.1 and the port the server got */
    pawl_io io;           /* the connection; opened by pawl_tcp_connect */
    pawl_connect connect; /* the connect's progress across polls */
    pawl_sleep limit;     /* PAWL_TIMEOUT's timer, one await at a time */
    size_t sent;          /* pawl_net_write_all's progress */
    size_t got;           /* the last read */
    size_t len;           /* the response so far, in `page` */
    char page[512];
} fetcher;

/* A line of this stop, with the JavaScript it mirrors on the right. */
static void with_js(const char *js, const char *fmt, ...)
{
    char left[96];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(left, sizeof left, fmt, ap);
    va_end(ap);
    printf("%-52s js: %s\n", left, js);
}

/* An I/O await's result: 0 (or `also`, if not 0), else the tour stops.
 * The socket errors are the system's (-ECONNREFUSED...), which
 * http_server_strerror names. */
static void expect_io(int rc, int also, const char *what)
{
    if (rc == 0 || (also != 0 && rc == also))
        return;
    fflush(stdout);
    fprintf(stderr, "tour: %s: %s\n", what, http_server_strerror(rc));
    exit(EXIT_FAILURE);
}

/* The server's side: its on_request hook, called as it answers. */
static void print_request(void *ud, const http_request *req, int status)
{
    (void)ud;
    if (req == NULL) {
        printf("  server: (a request that did not parse) -> %d\n", status);
        return;
    }
    with_js("handler(req, res): res.end(body)", "  server: %.*s %.*s -> %d",
            (int)req->method_len, req->method, (int)req->target_len, req->target, status);
}

static pawl_poll fetcher_poll(pawl_task *t, pawl_cx *cx)
{
    fetcher *f = PAWL_CONTAINER_OF(t, fetcher, task);
    int rc;
    PAWL_BEGIN(cx);
    printf("  client: PAWL_AWAIT(PAWL_TIMEOUT(%u ms, pawl_tcp_connect(127.0.0.1:port)))\n",
           IO_LIMIT_MS);
    PAWL_AWAIT(cx, rc,
               PAWL_TIMEOUT(&f->limit, cx, IO_LIMIT_MS,
                            pawl_tcp_connect(cx->loop, &f->io, &f->connect, &f->to, cx)));
    expect_io(rc, 0, "pawl_tcp_connect");
    printf("  client: connected; PAWL_AWAIT(PAWL_TIMEOUT(%u ms, pawl_net_write_all(request))):\n",
           IO_LIMIT_MS);
    /* Its lines, each CRLF shown as a line end: what the server reads. */
    for (const char *p = REQUEST; *p != '\0';) {
        size_t n = strcspn(p, "\r");
        printf("  client:   >%s%.*s\n", n > 0 ? " " : "", (int)n, p);
        p += n + 2;
    }
    f->sent = 0; /* the future's progress starts at 0 */
    PAWL_AWAIT(cx, rc,
               PAWL_TIMEOUT(&f->limit, cx, IO_LIMIT_MS,
                            pawl_net_write_all(&f->io, cx, REQUEST, sizeof REQUEST - 1,
                                               &f->sent)));
    expect_io(rc, 0, "pawl_net_write_all");
    printf("  client: sent %zu bytes; PAWL_AWAIT(PAWL_TIMEOUT(%u ms, pawl_net_read(...))),\n"
           "  client: again and again until end of stream\n",
           f->sent, IO_LIMIT_MS);
    /* One read takes what the kernel has; the loop is how a stream is
     * read: until PAWL_EOF, which Connection: close promises. */
    for (;;) {
        PAWL_AWAIT(cx, rc,
                   PAWL_TIMEOUT(&f->limit, cx, IO_LIMIT_MS,
                                pawl_net_read(&f->io, cx, f->page + f->len,
                                              sizeof f->page - 1 - f->len, &f->got)));
        expect_io(rc, PAWL_EOF, "pawl_net_read");
        if (rc == PAWL_EOF)
            break;
        f->len += f->got;
        if (f->len == sizeof f->page - 1) {
            fprintf(stderr, "tour: the response does not fit in %zu bytes\n", f->len);
            exit(EXIT_FAILURE);
        }
    }
    f->page[f->len] = '\0';
    CHECK(pawl_io_close(&f->io));
    {
        /* Between two awaits: locals are fine. */
        const char *eol = strstr(f->page, "\r\n");
        const char *body = strstr(f->page, "\r\n\r\n");
        if (eol == NULL || body == NULL) {
            fprintf(stderr, "tour: not an HTTP response: %s\n", f->page);
            exit(EXIT_FAILURE);
        }
        body += 4;
        printf("  client: %zu bytes, then PAWL_EOF: the server ended the stream, as asked\n",
               f->len);
        with_js("res.status, res.statusText", "  client: status line: %.*s",
                (int)(eol - f->page), f->page);
        size_t blen = strlen(body);
        with_js("await res.text()", "  client: body: \"%.*s%s\"",
                (int)(blen > 0 && body[blen - 1] == '\n' ? blen - 1 : blen), body,
                blen > 0 && body[blen - 1] == '\n' ? "\\n" : "");
    }
    /* The page is in: stop the server, or the loop would serve forever
     * (its listener keeps the loop alive, as a listening server keeps a
     * Node process).  Its acceptor and connections are canceled; their
     * cleanup sections close their sockets in the polls to come. */
    with_js("server.close()", "  client: http_server_stop(server)");
    http_server_stop(f->server);
    PAWL_CLEANUP(cx);
    if (pawl_io_fd(&f->io) >= 0)
        (void)pawl_io_close(&f->io);
    PAWL_END(cx);
}

static void tour_io(void)
{
    printf("\n== 9. I/O: the HTTP example's server and a client task, on one loop ==\n");
    pawl_loop loop;
    CHECK(pawl_loop_init(&loop, NULL)); /* the real clock: see above */
    tour_trace_start(&loop);
    printf("main: a loop of its own, on the real clock (the default platform)\n");

    /* Port 0: the system chooses one, which http_server_port tells.  The
     * hook prints the server's side of the exchange. */
    http_server *server;
    http_server_opts opts = {.host = "127.0.0.1", .port = 0, .on_request = print_request};
    CHECK(http_server_start(&loop, &opts, &server));
    with_js("server = http.createServer(handler)",
            "main: http_server_start(&loop, {127.0.0.1, port 0})");
    with_js("server.listen(0, '127.0.0.1')", "main: listening, on the port the system chose");

    fetcher f;
    memset(&f, 0, sizeof f); /* zeroed: the connect, the sleep are idle */
    f.server = server;
    CHECK(pawl_addr_parse(&f.to, "127.0.0.1", http_server_port(server)));
    CHECK(pawl_task_init(&f.task, fetcher_poll));
    PAWL_TRACE_NAME(&f.task, "client");
    CHECK(pawl_task_spawn(&loop, &f.task));
    with_js("res = await fetch(url)", "main: spawned the client task; pawl_loop_run:");

    int rc = CHECK(pawl_loop_run(&loop, PAWL_RUN_DEFAULT));
    if (rc != 0) {
        fprintf(stderr, "tour: the I/O loop stopped with tasks still alive\n");
        exit(EXIT_FAILURE);
    }
    printf("main: pawl_loop_run returned: nothing left alive; the cleanup sections of the\n"
           "main: server's tasks closed its connection and its listener\n");
    CHECK(http_server_free(server));
    tour_trace_write(&loop, "ab");
    CHECK(pawl_loop_close(&loop));
    printf("main: http_server_free(server); I/O loop closed\n");
}

/* ======================================================================== */

int main(void)
{
    pawl_loop loop;
    /* NULL options: every default, including the POSIX platform (a
     * monotonic clock and an eventfd that remote wakes write to). */
    CHECK(pawl_loop_init(&loop, NULL));
    tour_trace_start(&loop);
    printf("pawl tour: tasks are stackless state machines polled by one loop "
           "(resume points: %s)\n",
           PAWL_LC_IMPL);

    tour_spawn(&loop);
    tour_future(&loop);
    tour_wakers(&loop);
    tour_join(&loop);
    tour_cancel(&loop);
    tour_remote(&loop);
    unsigned long iterations = (unsigned long)pawl_loop_iterations(&loop);
    tour_trace_write(&loop, "wb");
    CHECK(pawl_loop_close(&loop));

    tour_timers();   /* on a loop of its own */
    tour_promises(); /* and another */
    tour_io();       /* and one with sockets, on the real clock */

    printf("\nend of tour: the main loop ran %lu iterations; every task DONE, all loops "
           "closed\n",
           iterations);
    return EXIT_SUCCESS;
}
