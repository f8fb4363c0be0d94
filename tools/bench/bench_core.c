/*
 * tools/bench/bench_core.c -- micro-benchmarks of the executor.
 *
 *   bench_core [pingpong|yield|spawn|spawn1|remote|all] [N]
 *
 * Each benchmark prints one line of figures.  Nothing here passes or fails
 * on speed: wall-clock figures move with the machine, the load and the
 * weather.  For a figure that does not, run a benchmark under callgrind
 * with two values of N (tools/bench/callgrind.sh) and take the slope: the
 * instructions per operation, with start-up cost cancelled out.
 *
 *   pingpong  two tasks wake each other through a hand-written future; one
 *             hop is one wake followed by the poll of the woken task.
 *             Virtual clock: no system call in the measured section.
 *   yield     one task that PAWL_YIELDs N times: the self-wake -> poll hop,
 *             the figure tokio publishes as "yield".  Virtual clock.
 *   spawn     spawn + run to completion of an empty task, in bursts (see
 *             bench_spawn for why).  Virtual clock.
 *   spawn1    the same task spawned and run with one pawl_loop_run(NOWAIT)
 *             per task: what one spawn costs when every spawn also pays a
 *             whole loop run (for comparison with `spawn`).
 *   remote    a second thread rings a pawl_remote N times; a task on the
 *             loop (POSIX platform: eventfd + ppoll) counts deliveries.
 *
 * bench_core_traced is this program on the library compiled with
 * PAWL_TRACE (pawl/trace.h): pingpong then runs with tracing compiled in
 * but not recording, or, with BENCH_TRACE_RECORD set in the environment,
 * recording every event into a ring of 4096 (which wraps many times, as
 * a ring left running does).  tools/bench/run.sh counts the instructions
 * per hop of all three.
 *
 * The measured sections of pingpong and spawn run with a counting
 * allocator installed as pawl_loop_opts.alloc; the count printed is the
 * number of allocator calls made during the measured section, which the
 * design requires to be 0.  (That the library objects never call malloc
 * behind the allocator's back is checked by tests/test_alloc.c and the
 * no-malloc build check, not here.)
 *
 * Wall-clock figures use CLOCK_MONOTONIC read just before and just after
 * the measured section.
 */
#define _POSIX_C_SOURCE 200809L

#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BENCH_NAME "bench_core"
#include "bench_pawl.h"

#if defined(__GNUC__)
#  define BENCH_NOINLINE __attribute__((__noinline__))
#else
#  define BENCH_NOINLINE
#endif

#define DEFAULT_N 10000000ull

#if defined(PAWL_TRACE)
static pawl_trace_event bench_ring[4096];
static bool bench_recording;

static const char *bench_trace_begin(pawl_loop *loop)
{
    bench_recording = getenv("BENCH_TRACE_RECORD") != NULL;
    if (!bench_recording)
        return "compiled in, not recording";
    check(pawl_trace_start(loop, bench_ring, sizeof bench_ring / sizeof bench_ring[0]),
          "pawl_trace_start");
    return "recording";
}

static void bench_trace_end(pawl_loop *loop)
{
    if (bench_recording)
        check(pawl_trace_stop(loop), "pawl_trace_stop");
}
#else
static const char *bench_trace_begin(pawl_loop *loop)
{
    (void)loop;
    return "off";
}

static void bench_trace_end(pawl_loop *loop)
{
    (void)loop;
}
#endif

/* ---- pingpong ---------------------------------------------------------- */

/*
 * The smallest useful future: a flag and the waker of the task waiting for
 * it.  Polling it is ready (and consumes the flag) if it was rung, else it
 * keeps the poller's waker.  Ringing sets the flag and wakes the waiter,
 * taking the waker (a waker is good for one wake-up).
 */
typedef struct bell {
    bool rung;
    pawl_waker waiter;
} bell;

static pawl_poll bell_wait(bell *b, pawl_cx *cx)
{
    if (b->rung) {
        b->rung = false;
        return PAWL_READY;
    }
    b->waiter = pawl_cx_waker(cx);
    return PAWL_PENDING;
}

static void bell_ring(bell *b)
{
    pawl_waker w = b->waiter;
    b->rung = true;
    b->waiter = (pawl_waker){0};
    pawl_wake(w); /* a zeroed waker wakes nothing */
}

typedef struct pp_shared {
    uint64_t hops;
    uint64_t limit;
} pp_shared;

typedef struct pinger {
    pawl_task task;
    bell inbox; /* rung by the peer */
    struct pinger *peer;
    pp_shared *shared;
} pinger;

/*
 * Wait for the bell, ring the peer's bell, repeat.  Each ring wakes the
 * peer, which the executor then polls: that wake -> poll is one hop.  The
 * task that finds the count reached rings its peer once more so that it,
 * too, sees the count and finishes.  The loop runs with the default
 * budgets, so the figure includes one loop iteration (clock read, poll
 * phase check) per poll_budget hops: the "iterations" printed.
 */
static pawl_poll pinger_poll(pawl_task *t, pawl_cx *cx)
{
    pinger *p = PAWL_CONTAINER_OF(t, pinger, task);
    int rc;
    PAWL_BEGIN(cx);
    for (;;) {
        PAWL_AWAIT(cx, rc, bell_wait(&p->inbox, cx));
        (void)rc;
        if (p->shared->hops == p->shared->limit)
            break;
        p->shared->hops++;
        bell_ring(&p->peer->inbox);
    }
    bell_ring(&p->peer->inbox);
    PAWL_END(cx);
}

static void bench_pingpong(uint64_t n)
{
    pawl_vclock vc;
    pawl_loop loop;
    alloc_counter ac = {0};
    vloop_init(&loop, &vc, &ac);
    const char *trace = bench_trace_begin(&loop);

    pp_shared shared = {0, n};
    pinger a = {0}, b = {0};
    a.peer = &b;
    b.peer = &a;
    a.shared = b.shared = &shared;
    a.inbox.rung = true; /* the serve: a's first poll goes straight on */
    check(pawl_task_init(&a.task, pinger_poll), "pawl_task_init");
    check(pawl_task_init(&b.task, pinger_poll), "pawl_task_init");
    check(pawl_task_spawn(&loop, &a.task), "pawl_task_spawn");
    check(pawl_task_spawn(&loop, &b.task), "pawl_task_spawn");

    unsigned long allocs0 = ac.calls;
    uint64_t t0 = mono_ns();
    int rc = pawl_loop_run(&loop, PAWL_RUN_DEFAULT);
    uint64_t t1 = mono_ns();
    unsigned long allocs = ac.calls - allocs0;
    check(rc, "pawl_loop_run");
    if (rc != 0 || shared.hops != n) {
        fprintf(stderr, "bench_core: pingpong ended early: %" PRIu64 " hops, run %d\n",
                shared.hops, rc);
        exit(2);
    }
    uint64_t iterations = pawl_loop_iterations(&loop);
    bench_trace_end(&loop);
    check(pawl_loop_close(&loop), "pawl_loop_close");

    printf("pingpong: %" PRIu64 " hops, %.2f ns/hop, allocs %lu, iterations %" PRIu64
           ", tracing %s\n",
           shared.hops, n ? (double)(t1 - t0) / (double)n : 0.0, allocs, iterations, trace);
}

/* ---- spawn ------------------------------------------------------------- */

static pawl_poll empty_poll(pawl_task *t, pawl_cx *cx)
{
    (void)t;
    PAWL_BEGIN(cx);
    PAWL_END(cx);
}

/*
 * How "spawn + complete" is measured: tasks are spawned in bursts of
 * SPAWN_BATCH distinct caller-allocated tasks, and after each burst one
 * pawl_loop_run(DEFAULT) polls every one of them to completion and returns
 * when nothing is alive.  Every task thus goes through the whole life a
 * real task has -- spawn (checks, generation, push), pop, poll, complete
 * (generation advanced, result stored, live count) -- and the loop's fixed
 * costs (the pawl_loop_run call, one iteration per poll_budget polls) are
 * shared by the burst, as they are when a server spawns a task per event.
 * The task array is reused burst after burst (a DONE task may be spawned
 * again), so after the first burst nothing is initialised anew; the 1024
 * task headers take 32 KiB.
 *
 * Reusing a single task would force one pawl_loop_run per task and measure
 * mostly the run call and its iteration; that figure is `spawn1`.
 */
#define SPAWN_BATCH 1024u

static pawl_task spawn_tasks[SPAWN_BATCH];

static void bench_spawn(uint64_t n)
{
    pawl_vclock vc;
    pawl_loop loop;
    alloc_counter ac = {0};
    vloop_init(&loop, &vc, &ac);
    for (unsigned i = 0; i < SPAWN_BATCH; i++)
        check(pawl_task_init(&spawn_tasks[i], empty_poll), "pawl_task_init");

    unsigned long allocs0 = ac.calls;
    uint64_t t0 = mono_ns();
    for (uint64_t done = 0; done < n;) {
        uint64_t k = n - done < SPAWN_BATCH ? n - done : SPAWN_BATCH;
        for (uint64_t i = 0; i < k; i++)
            check(pawl_task_spawn(&loop, &spawn_tasks[i]), "pawl_task_spawn");
        check(pawl_loop_run(&loop, PAWL_RUN_DEFAULT), "pawl_loop_run");
        done += k;
    }
    uint64_t t1 = mono_ns();
    unsigned long allocs = ac.calls - allocs0;

    for (unsigned i = 0; i < SPAWN_BATCH && (uint64_t)i < n; i++) {
        if (pawl_task_get_state(&spawn_tasks[i]) != PAWL_TASK_DONE) {
            fprintf(stderr, "bench_core: spawn: task %u not done\n", i);
            exit(2);
        }
    }
    uint64_t iterations = pawl_loop_iterations(&loop);
    check(pawl_loop_close(&loop), "pawl_loop_close");
    printf("spawn: %" PRIu64 " tasks, %.2f ns/task, allocs %lu, batch %u, iterations %" PRIu64
           "\n",
           n, n ? (double)(t1 - t0) / (double)n : 0.0, allocs, SPAWN_BATCH,
           iterations);
}

/* One task, spawned again as soon as it is DONE, one loop run each. */
static void bench_spawn1(uint64_t n)
{
    pawl_vclock vc;
    pawl_loop loop;
    alloc_counter ac = {0};
    vloop_init(&loop, &vc, &ac);
    pawl_task task;
    check(pawl_task_init(&task, empty_poll), "pawl_task_init");

    unsigned long allocs0 = ac.calls;
    uint64_t t0 = mono_ns();
    for (uint64_t i = 0; i < n; i++) {
        check(pawl_task_spawn(&loop, &task), "pawl_task_spawn");
        check(pawl_loop_run(&loop, PAWL_RUN_NOWAIT), "pawl_loop_run");
    }
    uint64_t t1 = mono_ns();
    unsigned long allocs = ac.calls - allocs0;

    if (n != 0 && pawl_task_get_state(&task) != PAWL_TASK_DONE) {
        fprintf(stderr, "bench_core: spawn1: task not done\n");
        exit(2);
    }
    check(pawl_loop_close(&loop), "pawl_loop_close");
    printf("spawn1: %" PRIu64 " tasks, %.2f ns/task, allocs %lu (one pawl_loop_run(NOWAIT) "
           "per task)\n",
           n, n ? (double)(t1 - t0) / (double)n : 0.0, allocs);
}

/* ---- remote ------------------------------------------------------------ */

typedef struct remote_bench {
    pawl_task task;
    pawl_remote bell;
    uint64_t n;            /* rings to make, not counting the last one */
    uint64_t deliveries;   /* loop thread: waits that returned ready */
    uint64_t ring_ns;      /* producer: time spent in the N rings */
    atomic_int started;    /* the task is waiting: the producer may start */
    atomic_int done;       /* set before the last ring */
} remote_bench;

/* Count every delivery; stop at the first one that comes after the
 * producer said it was done. */
static pawl_poll listener_poll(pawl_task *t, pawl_cx *cx)
{
    remote_bench *rb = PAWL_CONTAINER_OF(t, remote_bench, task);
    int rc;
    PAWL_BEGIN(cx);
    atomic_store_explicit(&rb->started, 1, memory_order_release);
    for (;;) {
        PAWL_AWAIT(cx, rc, pawl_remote_wait(&rb->bell, cx));
        if (rc != 0) {
            fprintf(stderr, "bench_core: pawl_remote_wait: %s\n", pawl_strerror(rc));
            break;
        }
        rb->deliveries++;
        if (atomic_load_explicit(&rb->done, memory_order_acquire))
            break;
    }
    PAWL_END(cx);
}

/* The measured section, in a function of its own so that callgrind can
 * count it alone (callgrind --toggle-collect='ring_loop*'). */
static BENCH_NOINLINE void ring_loop(pawl_remote *r, uint64_t n)
{
    for (uint64_t i = 0; i < n; i++)
        pawl_wake_remote(r);
}

static void *producer(void *arg)
{
    remote_bench *rb = arg;
    while (!atomic_load_explicit(&rb->started, memory_order_acquire))
        sched_yield();
    uint64_t t0 = mono_ns();
    ring_loop(&rb->bell, rb->n);
    uint64_t t1 = mono_ns();
    rb->ring_ns = t1 - t0;
    atomic_store_explicit(&rb->done, 1, memory_order_release);
    check(pawl_wake_remote(&rb->bell), "pawl_wake_remote");
    return NULL;
}

static void bench_remote(uint64_t n)
{
    pawl_loop loop;
    check(pawl_loop_init(&loop, NULL), "pawl_loop_init"); /* POSIX platform */

    static remote_bench rb;
    memset(&rb, 0, sizeof rb);
    rb.n = n;
    atomic_init(&rb.started, 0);
    atomic_init(&rb.done, 0);
    check(pawl_remote_init(&loop, &rb.bell, NULL, NULL), "pawl_remote_init");
    /* The loop lives as long as the listener task does, not the remote. */
    check(pawl_remote_unref(&rb.bell), "pawl_remote_unref");
    check(pawl_task_init(&rb.task, listener_poll), "pawl_task_init");
    check(pawl_task_spawn(&loop, &rb.task), "pawl_task_spawn");

    pthread_t th;
    if (pthread_create(&th, NULL, producer, &rb) != 0) {
        fprintf(stderr, "bench_core: pthread_create failed\n");
        exit(2);
    }
    uint64_t t0 = mono_ns();
    int rc = pawl_loop_run(&loop, PAWL_RUN_DEFAULT);
    uint64_t t1 = mono_ns();
    check(rc, "pawl_loop_run");
    pthread_join(th, NULL);
    /* Only now has the producer stopped ringing: close the remote. */
    check(pawl_remote_close(&rb.bell), "pawl_remote_close");
    uint64_t iterations = pawl_loop_iterations(&loop);
    check(pawl_loop_close(&loop), "pawl_loop_close");

    double ns_ring = n ? (double)rb.ring_ns / (double)n : 0.0;
    double rings_s = rb.ring_ns ? (double)n * 1e9 / (double)rb.ring_ns : 0.0;
    printf("remote: %" PRIu64 " rings, %.2f ns/ring, %.1f M rings/s (producer), "
           "deliveries %" PRIu64 " (of %" PRIu64 " rings incl. the last), loop %.1f ms, "
           "iterations %" PRIu64 "\n",
           n, ns_ring, rings_s / 1e6, rb.deliveries, n + 1, (double)(t1 - t0) / 1e6,
           iterations);
}

/* ---- yield ------------------------------------------------------------- */

typedef struct yielder {
    pawl_task task;
    uint64_t left;
} yielder;

static pawl_poll yielder_poll(pawl_task *t, pawl_cx *cx)
{
    yielder *y = PAWL_CONTAINER_OF(t, yielder, task);
    PAWL_BEGIN(cx);
    while (y->left > 0) {
        y->left--;
        PAWL_YIELD(cx);
    }
    PAWL_END(cx);
}

static void bench_yield(uint64_t n)
{
    pawl_vclock vc;
    pawl_loop loop;
    alloc_counter ac = {0};
    vloop_init(&loop, &vc, &ac);
    yielder y = {.left = n};
    check(pawl_task_init(&y.task, yielder_poll), "pawl_task_init");
    check(pawl_task_spawn(&loop, &y.task), "pawl_task_spawn");
    unsigned long allocs0 = ac.calls;
    uint64_t t0 = mono_ns();
    int rc = pawl_loop_run(&loop, PAWL_RUN_DEFAULT);
    uint64_t t1 = mono_ns();
    check(rc, "pawl_loop_run");
    if (y.left != 0 || pawl_task_get_state(&y.task) != PAWL_TASK_DONE) {
        fprintf(stderr, "bench_core: yield ended early\n");
        exit(2);
    }
    uint64_t iterations = pawl_loop_iterations(&loop);
    check(pawl_loop_close(&loop), "pawl_loop_close");
    printf("yield: %" PRIu64 " yields, %.2f ns/yield, allocs %lu, iterations %" PRIu64 "\n", n,
           n ? (double)(t1 - t0) / (double)n : 0.0, ac.calls - allocs0,
           iterations);
}

/* ---- main -------------------------------------------------------------- */

static void usage(void)
{
    fprintf(stderr, "usage: bench_core [pingpong|yield|spawn|spawn1|remote|all] [N]\n"
                    "  N defaults to %llu\n",
            (unsigned long long)DEFAULT_N);
}

int main(int argc, char **argv)
{
    const char *which = argc > 1 ? argv[1] : "all";
    uint64_t n = DEFAULT_N;
    if (argc > 2) {
        char *end;
        n = strtoull(argv[2], &end, 10);
        if (*argv[2] == '\0' || *end != '\0') {
            usage();
            return 2;
        }
    }
    if (argc > 3) {
        usage();
        return 2;
    }
    bool all = strcmp(which, "all") == 0;
    if (!all && strcmp(which, "pingpong") != 0 && strcmp(which, "yield") != 0 &&
        strcmp(which, "spawn") != 0 &&
        strcmp(which, "spawn1") != 0 && strcmp(which, "remote") != 0) {
        usage();
        return 2;
    }

    printf("sizes: pawl_task %zu, pawl_waker %zu, pawl_remote %zu, pawl_loop %zu "
           "(resume points: %s)\n",
           sizeof(pawl_task), sizeof(pawl_waker), sizeof(pawl_remote), sizeof(pawl_loop),
           PAWL_LC_IMPL);
    if (all || strcmp(which, "pingpong") == 0)
        bench_pingpong(n);
    if (all || strcmp(which, "yield") == 0)
        bench_yield(n);
    if (all || strcmp(which, "spawn") == 0)
        bench_spawn(n);
    if (all || strcmp(which, "spawn1") == 0)
        bench_spawn1(n);
    if (all || strcmp(which, "remote") == 0)
        bench_remote(n);
    return 0;
}
