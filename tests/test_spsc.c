/*
 * tests/test_spsc.c -- the interrupt-safe single-producer, single-consumer
 * channel (src/spsc.c): ring order, full and empty, capacities and item
 * sizes, counter wrap-around, the receive future (wake, cancellation,
 * timeout, close), a push from a signal handler, and a real producer
 * thread pushing a million items.
 *
 * The single-threaded cases run on the virtual clock, where a wake that
 * goes missing makes pawl_loop_run return PAWL_EDEADLK at once instead of
 * hanging.  Receiving tasks append "name:item" or "name:ERROR" to the
 * fixture's log, and each case compares the whole log.
 *
 * The thread case runs on the default POSIX platform (eventfd), is
 * synchronised only by the queue itself and a join, never by sleeps, and
 * is data-race-free: the test command also runs this file under
 * ThreadSanitizer.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L /* sigaction, semaphores */
#endif
#include <pthread.h>
#include <errno.h>
#include <sched.h>
#include <semaphore.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pawl/pawl.h"
#include "support.h"

/* ---- fixture and helpers ------------------------------------------------- */

/* A virtual-clock loop and the case's log.  The teardown closes the loop,
 * which fails if a case left a queue open or a task alive. */
typedef struct fix {
    vloop v;
    char log[512];
} fix;

static int fix_setup(void **state)
{
    fix *f = test_calloc(1, sizeof *f);
    vloop_open(&f->v, 0, (pawl_loop_opts){0});
    *state = f;
    return 0;
}

static int fix_teardown(void **state)
{
    fix *f = *state;
    vloop_close(&f->v);
    test_free(f);
    return 0;
}

static void log_add(char *log, size_t size, const char *name, const char *what)
{
    size_t len = strlen(log);
    snprintf(log + len, size - len, "%s%s:%s", len ? " " : "", name, what);
}

/* A task that receives `want` items (for ever if want < 0) with
 * pawl_spsc_recv, logging each, and stops at the first error, which it
 * logs by name.  With `linger_ms`, its cleanup section sleeps that long
 * before it finishes: a canceled receiver then stays alive (same
 * generation) for a while, so a registration it failed to give back would
 * still turn the next receiver away. */
typedef struct receiver {
    pawl_task task;
    pawl_spsc *q;
    const char *name;
    char *log;
    size_t log_size;
    int want;
    int got;
    int last_rc;      /* PAWL_PENDING until a receive ends with an error */
    int polls;
    uint32_t linger_ms;
    pawl_sleep sleep;
    uint64_t item;
} receiver;

static pawl_poll receiver_poll(pawl_task *t, pawl_cx *cx)
{
    receiver *r = PAWL_CONTAINER_OF(t, receiver, task);
    int rc;
    char buf[32];
    r->polls++;
    PAWL_BEGIN(cx);
    while (r->want < 0 || r->got < r->want) {
        PAWL_AWAIT(cx, rc, pawl_spsc_recv(r->q, cx, &r->item));
        if (rc != 0) {
            r->last_rc = rc;
            log_add(r->log, r->log_size, r->name, pawl_err_name(rc));
            PAWL_EXIT(cx);
        }
        r->got++;
        snprintf(buf, sizeof buf, "%llu", (unsigned long long)r->item);
        log_add(r->log, r->log_size, r->name, buf);
    }
    PAWL_CLEANUP(cx);
    /* Neither all received nor stopped by an error: canceled. */
    if (r->last_rc == PAWL_PENDING && (r->want < 0 || r->got < r->want))
        log_add(r->log, r->log_size, r->name, "canceled");
    if (r->linger_ms) {
        PAWL_AWAIT(cx, rc, pawl_sleep_ms(&r->sleep, cx, r->linger_ms));
        log_add(r->log, r->log_size, r->name, "gone");
    }
    PAWL_END(cx);
}

static void receiver_start(fix *f, receiver *r, pawl_spsc *q, const char *name, int want)
{
    memset(r, 0, sizeof *r);
    r->q = q;
    r->name = name;
    r->log = f->log;
    r->log_size = sizeof f->log;
    r->want = want;
    r->last_rc = PAWL_PENDING;
    assert_int_equal(pawl_task_init(&r->task, receiver_poll), 0);
    assert_int_equal(pawl_task_spawn(&f->v.loop, &r->task), 0);
}

static void push_u64(pawl_spsc *q, uint64_t v)
{
    assert_int_equal(pawl_spsc_push(q, &v), 0);
}

static uint64_t recv_u64(pawl_spsc *q)
{
    uint64_t v = UINT64_MAX;
    assert_int_equal(pawl_spsc_try_recv(q, &v), 0);
    return v;
}

/* ---- the ring ------------------------------------------------------------ */

static void spsc_try_recv_returns_items_in_push_order_then_eagain(void **state)
{
    fix *f = *state;
    uint64_t buf[8];
    pawl_spsc q;
    assert_int_equal(pawl_spsc_init(&f->v.loop, &q, buf, sizeof buf[0], 8), 0);
    uint64_t out = 42;
    assert_int_equal(pawl_spsc_try_recv(&q, &out), PAWL_EAGAIN);
    assert_int_equal(out, 42); /* untouched when empty */
    push_u64(&q, 10);
    push_u64(&q, 20);
    push_u64(&q, 30);
    assert_int_equal(recv_u64(&q), 10);
    push_u64(&q, 40);
    assert_int_equal(recv_u64(&q), 20);
    assert_int_equal(recv_u64(&q), 30);
    assert_int_equal(recv_u64(&q), 40);
    assert_int_equal(pawl_spsc_try_recv(&q, &out), PAWL_EAGAIN);
    assert_int_equal(pawl_spsc_close(&q), 0);
}

static void spsc_push_on_full_ring_returns_eagain_and_keeps_every_item(void **state)
{
    fix *f = *state;
    uint64_t buf[4];
    pawl_spsc q;
    assert_int_equal(pawl_spsc_init(&f->v.loop, &q, buf, sizeof buf[0], 4), 0);
    for (uint64_t i = 1; i <= 4; i++)
        push_u64(&q, i);
    uint64_t extra = 99;
    assert_int_equal(pawl_spsc_push(&q, &extra), PAWL_EAGAIN);
    assert_int_equal(pawl_spsc_push(&q, &extra), PAWL_EAGAIN);
    /* One taken makes room for exactly one. */
    assert_int_equal(recv_u64(&q), 1);
    push_u64(&q, 5);
    assert_int_equal(pawl_spsc_push(&q, &extra), PAWL_EAGAIN);
    for (uint64_t i = 2; i <= 5; i++)
        assert_int_equal(recv_u64(&q), i);
    assert_int_equal(pawl_spsc_try_recv(&q, &extra), PAWL_EAGAIN);
    assert_int_equal(pawl_spsc_close(&q), 0);
}

static void spsc_capacity_one_holds_one_item(void **state)
{
    fix *f = *state;
    uint64_t buf[1];
    pawl_spsc q;
    assert_int_equal(pawl_spsc_init(&f->v.loop, &q, buf, sizeof buf[0], 1), 0);
    for (uint64_t i = 0; i < 5; i++) {
        push_u64(&q, i);
        assert_int_equal(pawl_spsc_push(&q, &i), PAWL_EAGAIN);
        assert_int_equal(recv_u64(&q), i);
    }
    assert_int_equal(pawl_spsc_close(&q), 0);
}

static void spsc_init_rejects_capacity_not_power_of_two(void **state)
{
    fix *f = *state;
    uint64_t buf[16];
    pawl_spsc q;
    const size_t bad[] = {0, 3, 5, 6, 7, 12, 15};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(pawl_spsc_init(&f->v.loop, &q, buf, sizeof buf[0], bad[i]),
                         PAWL_EINVAL);
    /* Nothing was opened by the failures. */
    assert_int_equal(pawl_loop_alive(&f->v.loop), 0);
    const size_t good[] = {1, 2, 4, 8, 16};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        assert_int_equal(pawl_spsc_init(&f->v.loop, &q, buf, sizeof buf[0], good[i]), 0);
        assert_int_equal(pawl_spsc_close(&q), 0);
    }
}

/* Items of 1, 8 and 24 bytes go in and come out whole, each in its own
 * slot: a guard after the buffer is never written, across several laps of
 * the ring. */
#define GUARD 0xA5
static void check_item_size(fix *f, size_t size)
{
    enum { CAP = 4, LAPS = 3 };
    unsigned char buf[CAP * 24 + 16];
    memset(buf, GUARD, sizeof buf);
    pawl_spsc q;
    assert_int_equal(pawl_spsc_init(&f->v.loop, &q, buf, size, CAP), 0);
    unsigned char in[24], out[24];
    unsigned next_in = 0, next_out = 0;
    for (int lap = 0; lap < LAPS; lap++) {
        /* Fill, then drain but one, so each lap starts at another slot. */
        while (1) {
            memset(in, (int)(next_in * 7 + 1), size);
            in[size - 1] = (unsigned char)next_in; /* ends differ too */
            int rc = pawl_spsc_push(&q, in);
            if (rc == PAWL_EAGAIN)
                break;
            assert_int_equal(rc, 0);
            next_in++;
        }
        while (next_in - next_out > 1) {
            memset(out, 0, sizeof out);
            assert_int_equal(pawl_spsc_try_recv(&q, out), 0);
            memset(in, (int)(next_out * 7 + 1), size);
            in[size - 1] = (unsigned char)next_out;
            assert_memory_equal(out, in, size);
            for (size_t i = size; i < sizeof out; i++)
                assert_int_equal(out[i], 0); /* no more than `size` copied */
            next_out++;
        }
    }
    for (size_t i = CAP * size; i < sizeof buf; i++)
        assert_int_equal(buf[i], GUARD);
    assert_int_equal(pawl_spsc_close(&q), 0);
}

static void spsc_items_of_1_8_and_24_bytes_are_copied_whole(void **state)
{
    fix *f = *state;
    check_item_size(f, 1);
    check_item_size(f, 8);
    check_item_size(f, 24);
}

static void spsc_wraps_around_the_ring_many_times_in_order(void **state)
{
    fix *f = *state;
    uint64_t buf[4];
    pawl_spsc q;
    assert_int_equal(pawl_spsc_init(&f->v.loop, &q, buf, sizeof buf[0], 4), 0);
    uint64_t next_in = 0, next_out = 0;
    /* Push 3, take 2, over and over: the fill level climbs to full, and
     * every slot is visited at every offset. */
    for (int round = 0; round < 1000; round++) {
        for (int k = 0; k < 3; k++) {
            int rc = pawl_spsc_push(&q, &next_in);
            if (rc == PAWL_EAGAIN) {
                assert_int_equal(next_in - next_out, 4);
                continue;
            }
            assert_int_equal(rc, 0);
            next_in++;
        }
        for (int k = 0; k < 2; k++)
            assert_int_equal(recv_u64(&q), next_out++);
    }
    while (next_out < next_in)
        assert_int_equal(recv_u64(&q), next_out++);
    assert_true(next_in > 1000);
    assert_int_equal(pawl_spsc_close(&q), 0);
}

/* The counters run freely and wrap at SIZE_MAX + 1: started just below
 * the wrap (white box: the test sets them), the ring still tells full from
 * empty and keeps the order across it. */
static void spsc_counters_wrapping_past_size_max_keep_order_and_fullness(void **state)
{
    fix *f = *state;
    uint64_t buf[8];
    pawl_spsc q;
    assert_int_equal(pawl_spsc_init(&f->v.loop, &q, buf, sizeof buf[0], 8), 0);
    atomic_store(&q.pawl__head, SIZE_MAX - 2);
    atomic_store(&q.pawl__tail, SIZE_MAX - 2);
    uint64_t out;
    assert_int_equal(pawl_spsc_try_recv(&q, &out), PAWL_EAGAIN);
    for (uint64_t i = 0; i < 8; i++)
        push_u64(&q, 100 + i);
    assert_int_equal(pawl_spsc_push(&q, &out), PAWL_EAGAIN); /* full across the wrap */
    assert_int_equal(atomic_load(&q.pawl__tail), 5);         /* it did wrap */
    for (uint64_t i = 0; i < 8; i++)
        assert_int_equal(recv_u64(&q), 100 + i);
    assert_int_equal(pawl_spsc_try_recv(&q, &out), PAWL_EAGAIN);
    assert_int_equal(pawl_spsc_close(&q), 0);
}

/* ---- the receive future ---------------------------------------------------- */

static void spsc_recv_takes_queued_items_without_waiting(void **state)
{
    fix *f = *state;
    uint64_t buf[4];
    pawl_spsc q;
    assert_int_equal(pawl_spsc_init(&f->v.loop, &q, buf, sizeof buf[0], 4), 0);
    push_u64(&q, 1);
    push_u64(&q, 2);
    receiver r;
    receiver_start(f, &r, &q, "r", 2);
    assert_int_equal(pawl_loop_run(&f->v.loop, PAWL_RUN_NOWAIT), 1);
    assert_int_equal(pawl_task_get_state(&r.task), PAWL_TASK_DONE);
    assert_int_equal(r.polls, 1);
    assert_string_equal(f->log, "r:1 r:2");
    assert_int_equal(pawl_spsc_close(&q), 0);
}

static void spsc_recv_task_woken_by_push_from_the_loop_thread(void **state)
{
    fix *f = *state;
    uint64_t buf[4];
    pawl_spsc q;
    assert_int_equal(pawl_spsc_init(&f->v.loop, &q, buf, sizeof buf[0], 4), 0);
    receiver r;
    receiver_start(f, &r, &q, "r", 3);
    assert_int_equal(pawl_loop_run(&f->v.loop, PAWL_RUN_NOWAIT), 1);
    assert_int_equal(pawl_task_get_state(&r.task), PAWL_TASK_WAITING);
    push_u64(&q, 7);
    /* A missing wake would end this run with PAWL_EDEADLK and r waiting;
     * with it, r gets 7 and waits again, and then nothing can happen. */
    assert_int_equal(pawl_loop_run(&f->v.loop, PAWL_RUN_DEFAULT), PAWL_EDEADLK);
    assert_string_equal(f->log, "r:7");
    assert_int_equal(pawl_task_get_state(&r.task), PAWL_TASK_WAITING);
    push_u64(&q, 8);
    push_u64(&q, 9);
    assert_int_equal(pawl_loop_run(&f->v.loop, PAWL_RUN_DEFAULT), PAWL_EDEADLK);
    assert_string_equal(f->log, "r:7 r:8 r:9");
    assert_int_equal(pawl_task_get_state(&r.task), PAWL_TASK_DONE);
    assert_int_equal(pawl_spsc_close(&q), 0);
}

/* A remote's callback (the loop's poll phase, as a driver's completion
 * would) pushes: the receiver wakes and gets the items in order. */
typedef struct pusher {
    pawl_spsc *q;
    uint64_t first;
    int count;
    int rc;
} pusher;

static void push_cb(pawl_remote *r, void *arg)
{
    (void)r;
    pusher *p = arg;
    for (int i = 0; i < p->count && p->rc == 0; i++) {
        uint64_t v = p->first + (uint64_t)i;
        p->rc = pawl_spsc_push(p->q, &v);
    }
    p->first += (uint64_t)p->count;
}

static void spsc_recv_task_woken_by_push_from_a_remote_callback(void **state)
{
    fix *f = *state;
    uint64_t buf[4];
    pawl_spsc q;
    assert_int_equal(pawl_spsc_init(&f->v.loop, &q, buf, sizeof buf[0], 4), 0);
    pusher p = {.q = &q, .first = 1, .count = 2};
    pawl_remote kick;
    assert_int_equal(pawl_remote_init(&f->v.loop, &kick, push_cb, &p), 0);
    receiver r;
    receiver_start(f, &r, &q, "r", 4);
    assert_int_equal(pawl_loop_run(&f->v.loop, PAWL_RUN_NOWAIT), 1);
    assert_int_equal(pawl_task_get_state(&r.task), PAWL_TASK_WAITING);
    assert_int_equal(pawl_wake_remote(&kick), 0);
    assert_int_equal(pawl_loop_run(&f->v.loop, PAWL_RUN_DEFAULT), PAWL_EDEADLK);
    assert_int_equal(p.rc, 0);
    assert_string_equal(f->log, "r:1 r:2");
    assert_int_equal(pawl_wake_remote(&kick), 0);
    assert_int_equal(pawl_loop_run(&f->v.loop, PAWL_RUN_DEFAULT), PAWL_EDEADLK);
    assert_string_equal(f->log, "r:1 r:2 r:3 r:4");
    assert_int_equal(pawl_task_get_state(&r.task), PAWL_TASK_DONE);
    assert_int_equal(pawl_remote_close(&kick), 0);
    assert_int_equal(pawl_spsc_close(&q), 0);
}

/* The ring of an item that someone else took (try_recv from the loop
 * thread) is still on the remote when the receiver comes: its wait is
 * ready at once, the ring is empty, and it must wait again, not report an
 * item or stop for good. */
static void spsc_recv_after_a_ring_whose_item_was_taken_waits_for_the_next(void **state)
{
    fix *f = *state;
    uint64_t buf[4];
    pawl_spsc q;
    assert_int_equal(pawl_spsc_init(&f->v.loop, &q, buf, sizeof buf[0], 4), 0);
    push_u64(&q, 1);
    assert_int_equal(pawl_loop_run(&f->v.loop, PAWL_RUN_NOWAIT), 1); /* delivered */
    assert_int_equal(recv_u64(&q), 1);
    receiver r;
    receiver_start(f, &r, &q, "r", 1);
    assert_int_equal(pawl_loop_run(&f->v.loop, PAWL_RUN_NOWAIT), 1);
    assert_int_equal(pawl_task_get_state(&r.task), PAWL_TASK_WAITING);
    assert_string_equal(f->log, "");
    push_u64(&q, 2);
    assert_int_equal(pawl_loop_run(&f->v.loop, PAWL_RUN_DEFAULT), PAWL_EDEADLK);
    assert_string_equal(f->log, "r:2");
    assert_int_equal(pawl_spsc_close(&q), 0);
}

static void spsc_second_receiver_gets_ebusy(void **state)
{
    fix *f = *state;
    uint64_t buf[4];
    pawl_spsc q;
    assert_int_equal(pawl_spsc_init(&f->v.loop, &q, buf, sizeof buf[0], 4), 0);
    receiver a, b;
    receiver_start(f, &a, &q, "a", 1);
    assert_int_equal(pawl_loop_run(&f->v.loop, PAWL_RUN_NOWAIT), 1);
    receiver_start(f, &b, &q, "b", 1);
    assert_int_equal(pawl_loop_run(&f->v.loop, PAWL_RUN_NOWAIT), 1);
    assert_string_equal(f->log, "b:EBUSY");
    push_u64(&q, 5);
    assert_int_equal(pawl_loop_run(&f->v.loop, PAWL_RUN_DEFAULT), PAWL_EDEADLK);
    assert_string_equal(f->log, "b:EBUSY a:5");
    assert_int_equal(pawl_spsc_close(&q), 0);
}

/* A receiver that was woken and served stops being the remote's waiter:
 * while it lives on (lingering in a sleep), another task can receive. */
static void spsc_served_receiver_leaves_the_queue_to_the_next(void **state)
{
    fix *f = *state;
    uint64_t buf[4];
    pawl_spsc q;
    assert_int_equal(pawl_spsc_init(&f->v.loop, &q, buf, sizeof buf[0], 4), 0);
    receiver a, b;
    receiver_start(f, &a, &q, "a", 1);
    a.linger_ms = 50;
    assert_int_equal(pawl_loop_run(&f->v.loop, PAWL_RUN_NOWAIT), 1);
    push_u64(&q, 1);
    /* Delivery wakes a; a takes 1 and sleeps in its cleanup section. */
    assert_int_equal(pawl_loop_run(&f->v.loop, PAWL_RUN_NOWAIT), 1);
    assert_int_equal(pawl_loop_run(&f->v.loop, PAWL_RUN_NOWAIT), 1);
    assert_string_equal(f->log, "a:1");
    assert_int_equal(pawl_task_get_state(&a.task), PAWL_TASK_WAITING);
    receiver_start(f, &b, &q, "b", 1);
    assert_int_equal(pawl_loop_run(&f->v.loop, PAWL_RUN_NOWAIT), 1);
    assert_string_equal(f->log, "a:1"); /* b waits: not EBUSY */
    push_u64(&q, 2);
    assert_int_equal(pawl_loop_run(&f->v.loop, PAWL_RUN_DEFAULT), PAWL_EDEADLK);
    assert_string_equal(f->log, "a:1 b:2 a:gone");
    assert_int_equal(pawl_spsc_close(&q), 0);
}

/* A is woken by a delivery and canceled before it runs: its receive
 * reports PAWL_ECANCELED and takes nothing.  While A lives on (lingering
 * in its cleanup section), B receives every item, those pushed before the
 * cancel and after. */
static void spsc_canceled_receiver_leaves_every_item_to_the_next(void **state)
{
    fix *f = *state;
    uint64_t buf[4];
    pawl_spsc q;
    assert_int_equal(pawl_spsc_init(&f->v.loop, &q, buf, sizeof buf[0], 4), 0);
    receiver a, b;
    receiver_start(f, &a, &q, "a", -1);
    a.linger_ms = 50;
    assert_int_equal(pawl_loop_run(&f->v.loop, PAWL_RUN_NOWAIT), 1);
    assert_int_equal(pawl_task_get_state(&a.task), PAWL_TASK_WAITING);
    push_u64(&q, 1);
    push_u64(&q, 2);
    assert_int_equal(pawl_loop_run(&f->v.loop, PAWL_RUN_NOWAIT), 1);
    assert_int_equal(pawl_task_get_state(&a.task), PAWL_TASK_QUEUED); /* woken */
    assert_int_equal(pawl_task_cancel(&f->v.loop, &a.task), 0);
    assert_int_equal(pawl_loop_run(&f->v.loop, PAWL_RUN_NOWAIT), 1);
    assert_string_equal(f->log, "a:canceled");
    assert_int_equal(a.got, 0);
    assert_int_equal(pawl_task_get_state(&a.task), PAWL_TASK_WAITING); /* lingers */

    receiver_start(f, &b, &q, "b", 3);
    assert_int_equal(pawl_loop_run(&f->v.loop, PAWL_RUN_NOWAIT), 1);
    assert_string_equal(f->log, "a:canceled b:1 b:2");
    assert_int_equal(pawl_task_get_state(&b.task), PAWL_TASK_WAITING);
    push_u64(&q, 3);
    assert_int_equal(pawl_loop_run(&f->v.loop, PAWL_RUN_DEFAULT), PAWL_EDEADLK);
    assert_string_equal(f->log, "a:canceled b:1 b:2 b:3 a:gone");
    assert_int_equal(pawl_spsc_close(&q), 0);
}

/* Dropped by a timeout (a canceled poll from PAWL_TIMEOUT), a receive
 * reports PAWL_ETIMEDOUT and takes nothing; the task's next receive waits
 * again and gets the item pushed later. */
typedef struct patient {
    pawl_task task;
    pawl_spsc *q;
    pawl_sleep limit;
    uint64_t item;
    int first_rc, second_rc;
} patient;

static pawl_poll patient_poll(pawl_task *t, pawl_cx *cx)
{
    patient *p = PAWL_CONTAINER_OF(t, patient, task);
    PAWL_BEGIN(cx);
    PAWL_AWAIT(cx, p->first_rc, PAWL_TIMEOUT(&p->limit, cx, 10, pawl_spsc_recv(p->q, cx, &p->item)));
    PAWL_AWAIT(cx, p->second_rc, pawl_spsc_recv(p->q, cx, &p->item));
    PAWL_END(cx);
}

static void spsc_recv_timed_out_then_next_recv_gets_the_item(void **state)
{
    fix *f = *state;
    uint64_t buf[4];
    pawl_spsc q;
    assert_int_equal(pawl_spsc_init(&f->v.loop, &q, buf, sizeof buf[0], 4), 0);
    patient p = {.q = &q, .first_rc = PAWL_PENDING, .second_rc = PAWL_PENDING};
    assert_int_equal(pawl_task_init(&p.task, patient_poll), 0);
    assert_int_equal(pawl_task_spawn(&f->v.loop, &p.task), 0);
    /* The timer fires at 10 ms, then nothing can happen. */
    assert_int_equal(pawl_loop_run(&f->v.loop, PAWL_RUN_DEFAULT), PAWL_EDEADLK);
    assert_int_equal(p.first_rc, PAWL_ETIMEDOUT);
    assert_int_equal(p.second_rc, PAWL_PENDING);
    assert_ptr_equal(q.pawl__remote.pawl__waiter.task, &p.task); /* waits again */
    push_u64(&q, 11);
    assert_int_equal(pawl_loop_run(&f->v.loop, PAWL_RUN_DEFAULT), PAWL_EDEADLK);
    assert_int_equal(p.second_rc, 0);
    assert_int_equal(p.item, 11);
    assert_int_equal(pawl_task_get_state(&p.task), PAWL_TASK_DONE);
    assert_int_equal(pawl_spsc_close(&q), 0);
}

/* ---- close and liveness ------------------------------------------------------ */

static void spsc_open_queue_keeps_loop_alive_until_closed(void **state)
{
    fix *f = *state;
    uint64_t buf[4];
    pawl_spsc q;
    assert_int_equal(pawl_spsc_init(&f->v.loop, &q, buf, sizeof buf[0], 4), 0);
    assert_int_equal(pawl_loop_alive(&f->v.loop), 1);
    /* A real clock would block here for ever; the virtual one says so. */
    assert_int_equal(pawl_loop_run(&f->v.loop, PAWL_RUN_DEFAULT), PAWL_EDEADLK);
    assert_int_equal(pawl_loop_close(&f->v.loop), PAWL_EBUSY);
    assert_int_equal(pawl_spsc_close(&q), 0);
    assert_int_equal(pawl_loop_alive(&f->v.loop), 0);
    assert_int_equal(pawl_loop_run(&f->v.loop, PAWL_RUN_DEFAULT), 0);
}

static void spsc_unref_queue_does_not_keep_the_loop_alive(void **state)
{
    fix *f = *state;
    uint64_t buf[4];
    pawl_spsc q;
    assert_int_equal(pawl_spsc_init(&f->v.loop, &q, buf, sizeof buf[0], 4), 0);
    assert_int_equal(pawl_spsc_unref(&q), 0);
    assert_int_equal(pawl_spsc_unref(&q), 0); /* idempotent */
    assert_int_equal(pawl_loop_alive(&f->v.loop), 0);
    assert_int_equal(pawl_loop_run(&f->v.loop, PAWL_RUN_DEFAULT), 0);
    assert_int_equal(pawl_spsc_ref(&q), 0);
    assert_int_equal(pawl_loop_alive(&f->v.loop), 1);
    assert_int_equal(pawl_spsc_unref(NULL), PAWL_EINVAL);
    assert_int_equal(pawl_spsc_ref(NULL), PAWL_EINVAL);
    assert_int_equal(pawl_spsc_close(&q), 0);
    assert_int_equal(pawl_spsc_ref(&q), PAWL_ECLOSED);
    assert_int_equal(pawl_loop_alive(&f->v.loop), 0);
}

static void spsc_close_wakes_waiting_receiver_with_eclosed(void **state)
{
    fix *f = *state;
    uint64_t buf[4];
    pawl_spsc q;
    assert_int_equal(pawl_spsc_init(&f->v.loop, &q, buf, sizeof buf[0], 4), 0);
    receiver r;
    receiver_start(f, &r, &q, "r", -1);
    assert_int_equal(pawl_loop_run(&f->v.loop, PAWL_RUN_NOWAIT), 1);
    assert_int_equal(pawl_spsc_close(&q), 0);
    /* Without the wake from close, PAWL_EDEADLK. */
    assert_int_equal(pawl_loop_run(&f->v.loop, PAWL_RUN_DEFAULT), 0);
    assert_string_equal(f->log, "r:ECLOSED");
}

/* Items pushed before the close (their ring dropped by it) are still
 * received, then PAWL_ECLOSED; a push after the close is refused. */
static void spsc_items_left_at_close_are_received_then_eclosed(void **state)
{
    fix *f = *state;
    uint64_t buf[4];
    pawl_spsc q;
    assert_int_equal(pawl_spsc_init(&f->v.loop, &q, buf, sizeof buf[0], 4), 0);
    push_u64(&q, 1);
    push_u64(&q, 2);
    assert_int_equal(pawl_spsc_close(&q), 0);
    uint64_t v = 3;
    assert_int_equal(pawl_spsc_push(&q, &v), PAWL_ECLOSED);
    receiver r;
    receiver_start(f, &r, &q, "r", -1);
    assert_int_equal(pawl_loop_run(&f->v.loop, PAWL_RUN_DEFAULT), 0);
    assert_string_equal(f->log, "r:1 r:2 r:ECLOSED");
    assert_int_equal(pawl_spsc_try_recv(&q, &v), PAWL_EAGAIN);
    assert_int_equal(pawl_spsc_close(&q), PAWL_ECLOSED);
}

/* ---- bad input ------------------------------------------------------------- */

static void spsc_rejects_bad_input(void **state)
{
    fix *f = *state;
    uint64_t buf[4], v = 1;
    pawl_spsc q;
    assert_int_equal(pawl_spsc_init(NULL, &q, buf, 8, 4), PAWL_EINVAL);
    assert_int_equal(pawl_spsc_init(&f->v.loop, NULL, buf, 8, 4), PAWL_EINVAL);
    assert_int_equal(pawl_spsc_init(&f->v.loop, &q, NULL, 8, 4), PAWL_EINVAL);
    assert_int_equal(pawl_spsc_init(&f->v.loop, &q, buf, 0, 4), PAWL_EINVAL);
    /* A power of two, but no buffer that large can exist. */
    assert_int_equal(pawl_spsc_init(&f->v.loop, &q, buf, 8, (SIZE_MAX >> 1) + 1), PAWL_EINVAL);
    pawl_loop zeroed;
    memset(&zeroed, 0, sizeof zeroed);
    assert_int_equal(pawl_spsc_init(&zeroed, &q, buf, 8, 4), PAWL_EUNINIT);
    assert_int_equal(pawl_loop_alive(&f->v.loop), 0);

    assert_int_equal(pawl_spsc_init(&f->v.loop, &q, buf, 8, 4), 0);
    assert_int_equal(pawl_spsc_push(NULL, &v), PAWL_EINVAL);
    assert_int_equal(pawl_spsc_push(&q, NULL), PAWL_EINVAL);
    assert_int_equal(pawl_spsc_try_recv(NULL, &v), PAWL_EINVAL);
    assert_int_equal(pawl_spsc_try_recv(&q, NULL), PAWL_EINVAL);
    assert_int_equal(pawl_spsc_recv(NULL, NULL, &v), PAWL_EINVAL);
    assert_int_equal(pawl_spsc_recv(&q, NULL, &v), PAWL_EINVAL);
    assert_int_equal(pawl_spsc_close(NULL), PAWL_EINVAL);
    /* Nothing went in. */
    assert_int_equal(pawl_spsc_try_recv(&q, &v), PAWL_EAGAIN);
    assert_int_equal(pawl_spsc_close(&q), 0);
    assert_int_equal(pawl_spsc_close(&q), PAWL_ECLOSED);
}

static void spsc_init_on_closed_loop_returns_eclosed(void **state)
{
    (void)state;
    pawl_vclock vc;
    pawl_vclock_init(&vc, 0);
    pawl_loop loop;
    assert_int_equal(pawl_loop_init(&loop, &(pawl_loop_opts){.platform = &vc.base}), 0);
    assert_int_equal(pawl_loop_close(&loop), 0);
    uint64_t buf[4];
    pawl_spsc q;
    assert_int_equal(pawl_spsc_init(&loop, &q, buf, 8, 4), PAWL_ECLOSED);
}

/* A task of another loop may not receive: its loop's thread is not the
 * queue's.  Nothing is taken. */
static void spsc_recv_from_another_loop_returns_eforeign(void **state)
{
    fix *f = *state;
    pawl_vclock vc2;
    pawl_vclock_init(&vc2, 0);
    pawl_loop loop2;
    assert_int_equal(pawl_loop_init(&loop2, &(pawl_loop_opts){.platform = &vc2.base}), 0);
    uint64_t buf[4];
    pawl_spsc q;
    assert_int_equal(pawl_spsc_init(&f->v.loop, &q, buf, sizeof buf[0], 4), 0);
    push_u64(&q, 1);
    receiver r;
    memset(&r, 0, sizeof r);
    r.q = &q;
    r.name = "r";
    r.log = f->log;
    r.log_size = sizeof f->log;
    r.want = 1;
    assert_int_equal(pawl_task_init(&r.task, receiver_poll), 0);
    assert_int_equal(pawl_task_spawn(&loop2, &r.task), 0);
    assert_int_equal(pawl_loop_run(&loop2, PAWL_RUN_DEFAULT), 0);
    assert_string_equal(f->log, "r:EFOREIGN");
    assert_int_equal(recv_u64(&q), 1);
    assert_int_equal(pawl_spsc_close(&q), 0);
    assert_int_equal(pawl_loop_close(&loop2), 0);
}

/* ---- a signal handler as the producer -------------------------------------- */

/* A handler has no argument: it finds its queue through this pointer,
 * set before raising and cleared after. */
typedef struct sig_ctx {
    pawl_spsc *q;
    volatile sig_atomic_t rc;
    volatile sig_atomic_t calls;
} sig_ctx;

static sig_ctx *volatile sig_target;

static void push_from_signal(int signo)
{
    (void)signo;
    sig_ctx *c = sig_target;
    uint64_t v = 1000 + (uint64_t)c->calls;
    c->rc = pawl_spsc_push(c->q, &v);
    c->calls++;
}

static void spsc_push_from_signal_handler_wakes_the_receiver(void **state)
{
    (void)state;
    fix *f = test_calloc(1, sizeof *f); /* only its log; a real loop below */
    pawl_loop loop;
    assert_int_equal(pawl_loop_init(&loop, NULL), 0); /* POSIX: eventfd */
    uint64_t buf[4];
    pawl_spsc q;
    assert_int_equal(pawl_spsc_init(&loop, &q, buf, sizeof buf[0], 4), 0);
    receiver r;
    memset(&r, 0, sizeof r);
    r.q = &q;
    r.name = "r";
    r.log = f->log;
    r.log_size = sizeof f->log;
    r.want = 2;
    assert_int_equal(pawl_task_init(&r.task, receiver_poll), 0);
    assert_int_equal(pawl_task_spawn(&loop, &r.task), 0);
    assert_int_equal(pawl_loop_run(&loop, PAWL_RUN_NOWAIT), 1);
    assert_int_equal(pawl_task_get_state(&r.task), PAWL_TASK_WAITING);

    sig_ctx c = {.q = &q, .rc = 1};
    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = push_from_signal;
    sigemptyset(&sa.sa_mask);
    sig_target = &c;
    assert_int_equal(sigaction(SIGUSR1, &sa, &old), 0);
    assert_int_equal(raise(SIGUSR1), 0);
    assert_int_equal(raise(SIGUSR1), 0);
    assert_int_equal(sigaction(SIGUSR1, &old, NULL), 0);
    sig_target = NULL;
    assert_int_equal(c.calls, 2);
    assert_int_equal(c.rc, 0);

    /* The handlers' rings made the eventfd readable: the next iteration's
     * poll phase delivers them (without waiting), and the one after that
     * polls the task. */
    assert_int_equal(pawl_loop_run(&loop, PAWL_RUN_NOWAIT), 1);
    assert_int_equal(pawl_task_get_state(&r.task), PAWL_TASK_QUEUED);
    assert_int_equal(pawl_loop_run(&loop, PAWL_RUN_NOWAIT), 1);
    assert_int_equal(pawl_task_get_state(&r.task), PAWL_TASK_DONE);
    assert_string_equal(f->log, "r:1000 r:1001");
    assert_int_equal(pawl_spsc_close(&q), 0);
    assert_int_equal(pawl_loop_close(&loop), 0);
    test_free(f);
}

/* ---- a real producer thread ------------------------------------------------- */
/*
 * A thread pushes STRESS_ITEMS items into a small ring, yielding whenever
 * it is full (never sleeping), while a task on a real POSIX loop receives
 * them with pawl_spsc_recv.  Each item is 24 bytes: a sequence number and
 * two values derived from it, so a torn or stale copy shows.  The task
 * checks each item against the next sequence number it expects: none
 * skipped, duplicated or out of order.  The ring is small enough to fill
 * up constantly, so both sides wait on each other many times: the
 * consumer by sleeping in ppoll until a ring, the producer by yielding.
 *
 * A receive that went wrong stops the task and tells the producer to give
 * up (rather than spin on a ring nobody empties).  A lost wake would leave
 * the loop blocked in ppoll for ever: ctest's TIMEOUT is the backstop.
 */
#define STRESS_ITEMS 1000000u
#define STRESS_CAPACITY 64u

typedef struct stress_item {
    uint64_t seq;
    uint64_t twice;  /* seq * 2 + 1 */
    uint64_t inverse; /* ~seq */
} stress_item;

typedef struct stress {
    pawl_loop loop;
    pawl_spsc q;
    stress_item buf[STRESS_CAPACITY];
    atomic_int give_up;      /* the consumer failed: producer, stop */
    /* Producer thread only, read after the join: */
    unsigned long full;      /* pushes refused with PAWL_EAGAIN */
    int push_error;          /* a push that returned neither 0 nor EAGAIN */
    /* Loop thread only: */
    pawl_task task;
    unsigned long polls;     /* of the task: more than items / budget
                                means it waited for pushes */
    stress_item item;
    uint64_t expected;       /* the next sequence number */
    uint64_t bad;            /* items that were not the expected one */
    int recv_rc;
} stress;

static void *stress_producer(void *arg)
{
    stress *s = arg;
    for (uint64_t i = 0; i < STRESS_ITEMS; i++) {
        stress_item it = {i, i * 2 + 1, ~i};
        int rc;
        while ((rc = pawl_spsc_push(&s->q, &it)) == PAWL_EAGAIN) {
            if (atomic_load_explicit(&s->give_up, memory_order_relaxed))
                return NULL;
            s->full++;
            sched_yield();
        }
        if (rc != 0) {
            s->push_error = rc;
            return NULL;
        }
    }
    return NULL;
}

static pawl_poll stress_consumer(pawl_task *t, pawl_cx *cx)
{
    stress *s = PAWL_CONTAINER_OF(t, stress, task);
    s->polls++;
    PAWL_BEGIN(cx);
    while (s->expected < STRESS_ITEMS) {
        PAWL_AWAIT(cx, s->recv_rc, pawl_spsc_recv(&s->q, cx, &s->item));
        if (s->recv_rc != 0)
            break;
        const stress_item *it = &s->item;
        if (it->seq != s->expected || it->twice != it->seq * 2 + 1 || it->inverse != ~it->seq) {
            s->bad++;
            break;
        }
        s->expected++;
    }
    if (s->expected != STRESS_ITEMS)
        atomic_store(&s->give_up, 1);
    /* The queue keeps the loop alive, and may not be closed before the
     * producer is joined (its last push may still be ringing). */
    pawl_loop_stop(cx->loop);
    PAWL_END(cx);
}

static void spsc_stress_thread_pushes_a_million_items_received_in_order(void **state)
{
    (void)state;
    stress *s = calloc(1, sizeof *s); /* not test_calloc: a thread is around */
    assert_non_null(s);
    assert_int_equal(pawl_loop_init(&s->loop, NULL), 0); /* POSIX: eventfd */
    assert_int_equal(pawl_spsc_init(&s->loop, &s->q, s->buf, sizeof s->buf[0], STRESS_CAPACITY),
                     0);
    atomic_init(&s->give_up, 0);
    assert_int_equal(pawl_task_init(&s->task, stress_consumer), 0);
    assert_int_equal(pawl_task_spawn(&s->loop, &s->task), 0);

    pthread_t producer;
    assert_int_equal(pthread_create(&producer, NULL, stress_producer, s), 0);
    int run_rc = pawl_loop_run(&s->loop, PAWL_RUN_DEFAULT);
    assert_int_equal(pthread_join(producer, NULL), 0);

    assert_int_equal(run_rc, 1); /* stopped by the task */
    assert_int_equal(s->recv_rc, 0);
    assert_int_equal(s->bad, 0);
    assert_int_equal(s->push_error, 0);
    assert_int_equal(s->expected, STRESS_ITEMS);
    assert_int_equal(pawl_task_get_state(&s->task), PAWL_TASK_DONE);
    /* Nothing beyond the last item: no duplicate was pushed. */
    stress_item extra;
    assert_int_equal(pawl_spsc_try_recv(&s->q, &extra), PAWL_EAGAIN);
    /* Informative, not pass/fail: how often each side waited. */
    print_message("spsc stress: %u items, ring of %u: producer found it full %lu times; "
                  "consumer polled %lu times\n",
                  STRESS_ITEMS, STRESS_CAPACITY, s->full, s->polls);
    assert_int_equal(pawl_spsc_close(&s->q), 0);
    assert_int_equal(pawl_loop_run(&s->loop, PAWL_RUN_NOWAIT), 0);
    assert_int_equal(pawl_loop_close(&s->loop), 0);
    free(s);
}

/*
 * Ping-pong: the thread pushes one item and waits (on a semaphore the
 * task posts) until the task has received it before it pushes the next.
 * The ring never holds more than one item, so the task mostly finds it
 * empty and the loop goes to sleep in ppoll: nearly every push races the
 * receiver's wait and the loop going to sleep, the window in which a
 * wake could be lost.
 */
#define PING_PONG_ROUNDS 20000u

typedef struct pingpong {
    pawl_loop loop;
    pawl_spsc q;
    uint64_t buf[2];
    sem_t ack;               /* posted by the task per item received */
    atomic_int give_up;
    int push_error;          /* producer, read after the join */
    /* Loop thread only: */
    pawl_task task;
    unsigned long polls;
    uint64_t item;
    uint64_t expected;
    uint64_t bad;
    int recv_rc;
} pingpong;

static void *pingpong_producer(void *arg)
{
    pingpong *s = arg;
    for (uint64_t i = 0; i < PING_PONG_ROUNDS; i++) {
        int rc = pawl_spsc_push(&s->q, &i);
        if (rc != 0) { /* never full: one item in flight at most */
            s->push_error = rc;
            return NULL;
        }
        while (sem_wait(&s->ack) != 0 && errno == EINTR) {
        }
        if (atomic_load(&s->give_up))
            return NULL;
    }
    return NULL;
}

static pawl_poll pingpong_consumer(pawl_task *t, pawl_cx *cx)
{
    pingpong *s = PAWL_CONTAINER_OF(t, pingpong, task);
    s->polls++;
    PAWL_BEGIN(cx);
    while (s->expected < PING_PONG_ROUNDS) {
        PAWL_AWAIT(cx, s->recv_rc, pawl_spsc_recv(&s->q, cx, &s->item));
        if (s->recv_rc != 0 || s->item != s->expected) {
            s->bad += s->recv_rc == 0;
            atomic_store(&s->give_up, 1);
            sem_post(&s->ack); /* let the producer see it */
            break;
        }
        s->expected++;
        sem_post(&s->ack);
    }
    pawl_loop_stop(cx->loop);
    PAWL_END(cx);
}

static void spsc_ping_pong_every_push_wakes_the_sleeping_receiver(void **state)
{
    (void)state;
    pingpong *s = calloc(1, sizeof *s); /* not test_calloc: a thread is around */
    assert_non_null(s);
    assert_int_equal(pawl_loop_init(&s->loop, NULL), 0);
    assert_int_equal(pawl_spsc_init(&s->loop, &s->q, s->buf, sizeof s->buf[0], 2), 0);
    assert_int_equal(sem_init(&s->ack, 0, 0), 0);
    atomic_init(&s->give_up, 0);
    assert_int_equal(pawl_task_init(&s->task, pingpong_consumer), 0);
    assert_int_equal(pawl_task_spawn(&s->loop, &s->task), 0);

    pthread_t producer;
    assert_int_equal(pthread_create(&producer, NULL, pingpong_producer, s), 0);
    int run_rc = pawl_loop_run(&s->loop, PAWL_RUN_DEFAULT);
    assert_int_equal(pthread_join(producer, NULL), 0);

    assert_int_equal(run_rc, 1);
    assert_int_equal(s->recv_rc, 0);
    assert_int_equal(s->bad, 0);
    assert_int_equal(s->push_error, 0);
    assert_int_equal(s->expected, PING_PONG_ROUNDS);
    uint64_t extra;
    assert_int_equal(pawl_spsc_try_recv(&s->q, &extra), PAWL_EAGAIN);
    print_message("spsc ping-pong: %u rounds, consumer polled %lu times\n", PING_PONG_ROUNDS,
                  s->polls);
    assert_int_equal(pawl_spsc_close(&s->q), 0);
    assert_int_equal(pawl_loop_run(&s->loop, PAWL_RUN_NOWAIT), 0);
    assert_int_equal(pawl_loop_close(&s->loop), 0);
    assert_int_equal(sem_destroy(&s->ack), 0);
    free(s);
}

int main(void)
{
#define F(name) cmocka_unit_test_setup_teardown(name, fix_setup, fix_teardown)
    const struct CMUnitTest tests[] = {
        F(spsc_try_recv_returns_items_in_push_order_then_eagain),
        F(spsc_push_on_full_ring_returns_eagain_and_keeps_every_item),
        F(spsc_capacity_one_holds_one_item),
        F(spsc_init_rejects_capacity_not_power_of_two),
        F(spsc_items_of_1_8_and_24_bytes_are_copied_whole),
        F(spsc_wraps_around_the_ring_many_times_in_order),
        F(spsc_counters_wrapping_past_size_max_keep_order_and_fullness),
        F(spsc_recv_takes_queued_items_without_waiting),
        F(spsc_recv_task_woken_by_push_from_the_loop_thread),
        F(spsc_recv_task_woken_by_push_from_a_remote_callback),
        F(spsc_recv_after_a_ring_whose_item_was_taken_waits_for_the_next),
        F(spsc_second_receiver_gets_ebusy),
        F(spsc_served_receiver_leaves_the_queue_to_the_next),
        F(spsc_canceled_receiver_leaves_every_item_to_the_next),
        F(spsc_recv_timed_out_then_next_recv_gets_the_item),
        F(spsc_open_queue_keeps_loop_alive_until_closed),
        F(spsc_unref_queue_does_not_keep_the_loop_alive),
        F(spsc_close_wakes_waiting_receiver_with_eclosed),
        F(spsc_items_left_at_close_are_received_then_eclosed),
        F(spsc_rejects_bad_input),
        cmocka_unit_test(spsc_init_on_closed_loop_returns_eclosed),
        F(spsc_recv_from_another_loop_returns_eforeign),
        cmocka_unit_test(spsc_push_from_signal_handler_wakes_the_receiver),
        cmocka_unit_test(spsc_stress_thread_pushes_a_million_items_received_in_order),
        cmocka_unit_test(spsc_ping_pong_every_push_wakes_the_sleeping_receiver),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
