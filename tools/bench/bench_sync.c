/*
 * tools/bench/bench_sync.c -- micro-benchmarks of pawl/sync.h.
 *
 *   bench_sync [channel|sem|sem_skeleton|all|sizes] [N]
 *
 *   channel       a sender task and a receiver task move N items (8 bytes
 *                 each) through a pawl_channel of capacity 64, each with
 *                 PAWL_AWAIT(pawl_channel_send / pawl_channel_recv).  The
 *                 sender fills the channel and waits; the first receive
 *                 moves its waiting item in and wakes it; the receiver
 *                 drains the channel and waits; and so on.  So nearly every
 *                 send and receive completes at once, and the two waits,
 *                 wakes and polls of a round are shared by the ~64 items
 *                 of the round: the fast path, per item (one send + one
 *                 receive).  Every item is checked on arrival.
 *   sem           one task acquires (pawl_sem_acquire, a future that is
 *                 ready at once: the permit is free and nobody waits) and
 *                 releases a semaphore N times, in a function of its own,
 *                 bench_sem_pairs.
 *   sem_skeleton  the same loop with the calls taken out
 *                 (bench_sem_skeleton: the same loads and loop, no calls).
 *                 The semaphore's share of `sem` is its figure minus this
 *                 one; the library's fast paths are inline, so they cannot
 *                 be counted as a function's callees.
 *   all           channel, sem and sem_skeleton, with N each.
 *   sizes         sizeof the sync structs.
 *
 * Everything runs on a loop on the virtual clock (no system call on any
 * path taken) with a counting allocator; the count printed is the
 * allocator calls made during the measured section, which must be 0.
 * Wall-clock figures use CLOCK_MONOTONIC read just before and after the
 * measured section.  For a figure that does not move with the machine,
 * tools/bench/sync runs each benchmark under callgrind with two values of
 * N and takes the slope: instructions per operation, start-up cancelled
 * out.  Nothing here passes or fails on speed; a run fails only when a
 * call fails or an item is lost.
 */
#define _POSIX_C_SOURCE 200809L

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BENCH_NAME "bench_sync"
#include "bench_pawl.h"

#define DEFAULT_N 10000000ull
#define CHANNEL_CAPACITY 64u

/* ---- channel ------------------------------------------------------------- */

typedef struct chan_sender {
    pawl_task task;
    pawl_channel *ch;
    pawl_waiter w;
    uint64_t next; /* the item being sent: stays put while its send waits */
    uint64_t n;
    uint64_t polls;
    int err;
} chan_sender;

typedef struct chan_receiver {
    pawl_task task;
    pawl_channel *ch;
    uint64_t item;
    uint64_t expect; /* the next item due: items arrive 0, 1, 2, ... */
    uint64_t polls;
    int err;
} chan_receiver;

static pawl_poll chan_sender_poll(pawl_task *t, pawl_cx *cx)
{
    chan_sender *s = PAWL_CONTAINER_OF(t, chan_sender, task);
    int rc;
    s->polls++;
    PAWL_BEGIN(cx);
    for (s->next = 0; s->next < s->n; s->next++) {
        PAWL_AWAIT(cx, rc, pawl_channel_send(s->ch, &s->w, cx, &s->next));
        if (rc != 0) {
            s->err = rc;
            PAWL_EXIT(cx);
        }
    }
    s->err = pawl_channel_close(s->ch);
    PAWL_END(cx);
}

static pawl_poll chan_receiver_poll(pawl_task *t, pawl_cx *cx)
{
    chan_receiver *r = PAWL_CONTAINER_OF(t, chan_receiver, task);
    int rc;
    r->polls++;
    PAWL_BEGIN(cx);
    for (;;) {
        PAWL_AWAIT(cx, rc, pawl_channel_recv(r->ch, cx, &r->item));
        if (rc == PAWL_EOF)
            break;
        if (rc != 0 || r->item != r->expect) {
            r->err = rc != 0 ? rc : PAWL_EINVAL;
            PAWL_EXIT(cx);
        }
        r->expect++;
    }
    PAWL_END(cx);
}

static void bench_channel(uint64_t n)
{
    pawl_vclock vc;
    pawl_loop loop;
    alloc_counter ac = {0};
    vloop_init(&loop, &vc, &ac);

    static uint64_t buf[CHANNEL_CAPACITY];
    pawl_channel ch;
    check(pawl_channel_init(&ch, buf, sizeof buf[0], CHANNEL_CAPACITY), "pawl_channel_init");
    chan_sender s = {.ch = &ch, .n = n};
    chan_receiver r = {.ch = &ch};
    check(pawl_task_init(&s.task, chan_sender_poll), "pawl_task_init");
    check(pawl_task_init(&r.task, chan_receiver_poll), "pawl_task_init");
    check(pawl_task_spawn(&loop, &s.task), "pawl_task_spawn");
    check(pawl_task_spawn(&loop, &r.task), "pawl_task_spawn");

    unsigned long allocs0 = ac.calls;
    uint64_t t0 = mono_ns();
    int rc = pawl_loop_run(&loop, PAWL_RUN_DEFAULT);
    uint64_t t1 = mono_ns();
    unsigned long allocs = ac.calls - allocs0;
    check(rc, "pawl_loop_run");
    check(s.err, "sender");
    check(r.err, "receiver (an error, or an item out of order)");
    if (rc != 0 || r.expect != n)
        die("channel: items were lost");
    uint64_t iterations = pawl_loop_iterations(&loop);
    check(pawl_loop_close(&loop), "pawl_loop_close");

    printf("channel: %" PRIu64 " items, %.2f ns/item, allocs %lu, capacity %u, "
           "polls %" PRIu64 " sender + %" PRIu64 " receiver, iterations %" PRIu64 "\n",
           n, n ? (double)(t1 - t0) / (double)n : 0.0, allocs, CHANNEL_CAPACITY, s.polls,
           r.polls, iterations);
}

/* ---- semaphore ----------------------------------------------------------- */

/* The measured loop: acquire (ready at once) and release, n times.  The
 * library is a separate translation unit (no LTO), but the fast paths are
 * inline in pawl/sync.h; the results are folded into one value checked
 * after the loop, which costs an OR per call. */
BENCH_MEASURED int bench_sem_pairs(pawl_sem *s, pawl_waiter *w, pawl_cx *cx, uint64_t n);
BENCH_MEASURED int bench_sem_pairs(pawl_sem *s, pawl_waiter *w, pawl_cx *cx, uint64_t n)
{
    int rc = 0;
    for (uint64_t i = 0; i < n; i++) {
        rc |= pawl_sem_acquire(s, w, cx);
        rc |= pawl_sem_release(s, 1);
    }
    return rc;
}

/* Its skeleton: the same loop and arguments, no calls (the asm makes the
 * compiler keep the pointers and the result as if something used them). */
BENCH_MEASURED int bench_sem_skeleton(pawl_sem *s, pawl_waiter *w, pawl_cx *cx, uint64_t n);
BENCH_MEASURED int bench_sem_skeleton(pawl_sem *s, pawl_waiter *w, pawl_cx *cx, uint64_t n)
{
    int rc = 0;
    for (uint64_t i = 0; i < n; i++) {
#if defined(__GNUC__)
        __asm__ volatile("" : "+r"(rc) : "r"(s), "r"(w), "r"(cx));
#else
        rc |= (int)(i >> 63);
#endif
    }
    return rc;
}

typedef struct sem_task {
    pawl_task task;
    pawl_sem sem;
    pawl_waiter w;
    uint64_t n;
    int skeleton;
    int rc;
    uint64_t ns;
} sem_task;

/* The loop runs inside one poll of one task, as it would in a task that
 * guards a resource: each acquire is polled once and is ready. */
static pawl_poll sem_task_poll(pawl_task *t, pawl_cx *cx)
{
    sem_task *st = PAWL_CONTAINER_OF(t, sem_task, task);
    PAWL_BEGIN(cx);
    {
        uint64_t t0 = mono_ns();
        st->rc = st->skeleton ? bench_sem_skeleton(&st->sem, &st->w, cx, st->n)
                              : bench_sem_pairs(&st->sem, &st->w, cx, st->n);
        st->ns = mono_ns() - t0;
    }
    PAWL_END(cx);
}

static void bench_sem(uint64_t n, int skeleton)
{
    pawl_vclock vc;
    pawl_loop loop;
    alloc_counter ac = {0};
    vloop_init(&loop, &vc, &ac);

    static sem_task st;
    memset(&st, 0, sizeof st);
    st.n = n;
    st.skeleton = skeleton;
    check(pawl_sem_init(&st.sem, 1), "pawl_sem_init");
    check(pawl_task_init(&st.task, sem_task_poll), "pawl_task_init");
    check(pawl_task_spawn(&loop, &st.task), "pawl_task_spawn");

    unsigned long allocs0 = ac.calls;
    check(pawl_loop_run(&loop, PAWL_RUN_DEFAULT), "pawl_loop_run");
    unsigned long allocs = ac.calls - allocs0;
    check(st.rc, "acquire/release");
    if (pawl_sem_available(&st.sem) != 1)
        die("sem: a permit was lost or made up");
    check(pawl_loop_close(&loop), "pawl_loop_close");

    printf("%s: %" PRIu64 " pairs, %.2f ns/pair, allocs %lu\n", skeleton ? "sem_skeleton" : "sem",
           n, n ? (double)st.ns / (double)n : 0.0, allocs);
}

/* ---- sizes ---------------------------------------------------------------- */

static void print_sizes(void)
{
    printf("sizes: pawl_waiter %zu, pawl_sem %zu, pawl_mutex %zu, pawl_notify %zu, "
           "pawl_oneshot %zu, pawl_channel %zu, pawl_spsc %zu, pawl_future %zu\n",
           sizeof(pawl_waiter), sizeof(pawl_sem), sizeof(pawl_mutex), sizeof(pawl_notify),
           sizeof(pawl_oneshot), sizeof(pawl_channel), sizeof(pawl_spsc), sizeof(pawl_future));
}

/* ---- main ------------------------------------------------------------------ */

int main(int argc, char **argv)
{
    const char *which = argc > 1 ? argv[1] : "all";
    uint64_t n = DEFAULT_N;
    if (argc > 2) {
        char *end;
        n = strtoull(argv[2], &end, 10);
        if (*argv[2] == '\0' || *end != '\0')
            die("N must be a number");
    }
    if (argc > 3)
        die("usage: bench_sync [channel|sem|sem_skeleton|all|sizes] [N]");

    if (strcmp(which, "channel") == 0) {
        bench_channel(n);
    } else if (strcmp(which, "sem") == 0) {
        bench_sem(n, 0);
    } else if (strcmp(which, "sem_skeleton") == 0) {
        bench_sem(n, 1);
    } else if (strcmp(which, "sizes") == 0) {
        print_sizes();
    } else if (strcmp(which, "all") == 0) {
        print_sizes();
        bench_channel(n);
        bench_sem(n, 0);
        bench_sem(n, 1);
    } else {
        die("usage: bench_sync [channel|sem|sem_skeleton|all|sizes] [N]");
    }
    return 0;
}
