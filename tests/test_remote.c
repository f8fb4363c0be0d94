/*
 * tests/test_remote.c -- remote wakes: the doorbell other threads and
 * signal handlers ring (pawl_remote, pawl_wake_remote, pawl_remote_wait).
 *
 * The single-threaded cases run on the virtual clock: a wake that goes
 * missing there makes pawl_loop_run return PAWL_EDEADLK at once instead of
 * hanging, so every "it was delivered" case is also a "nothing was lost"
 * case.
 *
 * The thread cases use real producer threads on the default POSIX platform
 * (eventfd).  They are synchronised with joins, semaphores and atomics,
 * never with sleeps, and are data-race-free: the test command also runs
 * this file under ThreadSanitizer.  A lost wake there would leave the loop
 * blocked in ppoll; the design below turns most losses into a failed
 * assertion instead, and ctest's TIMEOUT is the backstop for the rest.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L /* sigaction, semaphores */
#endif
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "pawl/pawl.h"
#include "support.h"

/* ---- fixtures and helpers ------------------------------------------------ */

/* A loop on a virtual clock; the teardown insists that the case closed
 * every remote and finished every task it started. */
typedef vloop vfix;

static int vfix_setup(void **state)
{
    *state = vloop_new(1000);
    return 0;
}

/* What a remote callback saw.  `id` tells remotes apart in `order`. */
#define LOG_MAX 16
typedef struct ring_log {
    int calls;
    int order[LOG_MAX];        /* ids of the remotes delivered, in order */
    uint64_t iteration[LOG_MAX]; /* pawl_loop_iterations at each call */
    pawl_remote *remote;       /* the remote passed to the last call */
    pawl_loop *loop;
} ring_log;

/* One remote's view: the shared log, its id, and what to do when called. */
typedef struct probe {
    ring_log *log;
    int id;
    void *self_arg;            /* the `arg` the callback must receive */
    int rering_until;          /* ring itself again while log->calls < this */
    int rering_rc;
    pawl_remote *close_other;  /* close and free this one when called */
    int close_other_rc;
    int close_self;            /* close and free the remote itself */
    int close_self_rc;
} probe;

static void probe_cb(pawl_remote *r, void *arg)
{
    probe *p = arg;
    ring_log *log = p->log;
    if (log->calls < LOG_MAX) {
        log->order[log->calls] = p->id;
        log->iteration[log->calls] = pawl_loop_iterations(log->loop);
    }
    log->calls++;
    log->remote = r;
    p->self_arg = arg;
    if (log->calls < p->rering_until)
        p->rering_rc = pawl_wake_remote(r);
    if (p->close_other != NULL) {
        p->close_other_rc = pawl_remote_close(p->close_other);
        free(p->close_other); /* plain free: ASan sees any later touch */
        p->close_other = NULL;
    }
    if (p->close_self) {
        p->close_self_rc = pawl_remote_close(r);
        free(r);
    }
}

static void probe_init(probe *p, ring_log *log, int id)
{
    memset(p, 0, sizeof *p);
    p->log = log;
    p->id = id;
}

/* A task that awaits a remote `want` times (forever if want < 0), and
 * stops at the first wait that does not return 0. */
typedef struct waiter {
    pawl_task task;
    pawl_remote *remote;
    int want;
    int ready;    /* waits that returned 0 */
    int polls;
    int last_rc;  /* result of the last wait that ended; PENDING if none */
} waiter;

static pawl_poll waiter_poll(pawl_task *t, pawl_cx *cx)
{
    waiter *w = PAWL_CONTAINER_OF(t, waiter, task);
    int rc;
    w->polls++;
    PAWL_BEGIN(cx);
    while (w->want < 0 || w->ready < w->want) {
        PAWL_AWAIT(cx, rc, pawl_remote_wait(w->remote, cx));
        w->last_rc = rc;
        if (rc != PAWL_READY)
            break;
        w->ready++;
    }
    PAWL_END(cx);
}

static void waiter_start(pawl_loop *loop, waiter *w, pawl_remote *r, int want)
{
    memset(w, 0, sizeof *w);
    w->remote = r;
    w->want = want;
    w->last_rc = PAWL_PENDING;
    assert_int_equal(pawl_task_init(&w->task, waiter_poll), 0);
    assert_int_equal(pawl_task_spawn(loop, &w->task), 0);
}

/* ---- who gets a ring, and when ------------------------------------------- */

/* Remote X's callback spawns a second waiter on the bell.  X rings before
 * the bell, so that second waiter is queued ahead of the first one, which
 * the bell's delivery wakes. */
typedef struct spawn_on_ring {
    pawl_loop *loop;
    waiter *w;
    pawl_remote *target;
} spawn_on_ring;

static void spawn_waiter_cb(pawl_remote *r, void *arg)
{
    (void)r;
    spawn_on_ring *s = arg;
    waiter_start(s->loop, s->w, s->target, 1);
}

static void remote_woken_waiter_keeps_its_ring_from_a_task_polled_first(void **state)
{
    vfix *f = *state;
    pawl_remote bell, x;
    waiter a, b;
    spawn_on_ring sor = {&f->loop, &b, &bell};
    assert_int_equal(pawl_remote_init(&f->loop, &bell, NULL, NULL), 0);
    assert_int_equal(pawl_remote_init(&f->loop, &x, spawn_waiter_cb, &sor), 0);
    waiter_start(&f->loop, &a, &bell, 1);
    assert_int_equal(pawl_loop_run(&f->loop, PAWL_RUN_NOWAIT), 1);
    assert_int_equal(pawl_task_get_state(&a.task), PAWL_TASK_WAITING);
    assert_int_equal(pawl_wake_remote(&x), 0);
    assert_int_equal(pawl_wake_remote(&bell), 0);
    /* Poll phase: X's callback spawns b, then the bell wakes a. */
    assert_int_equal(pawl_loop_run(&f->loop, PAWL_RUN_NOWAIT), 1);
    assert_int_equal(pawl_task_get_state(&a.task), PAWL_TASK_QUEUED);
    assert_int_equal(pawl_task_get_state(&b.task), PAWL_TASK_QUEUED);
    /* b is polled first, but the ring was delivered to a. */
    assert_int_equal(pawl_loop_run(&f->loop, PAWL_RUN_NOWAIT), 1);
    assert_int_equal(b.last_rc, PAWL_EBUSY);
    assert_int_equal(a.last_rc, PAWL_READY);
    assert_int_equal(a.ready, 1);
    assert_int_equal(pawl_task_get_state(&a.task), PAWL_TASK_DONE);
    assert_int_equal(pawl_remote_close(&bell), 0);
    assert_int_equal(pawl_remote_close(&x), 0);
}

/* X's callback rings Y and then closes Z; the close takes in the inbox,
 * Y included.  Y must wait for the next poll phase, not be delivered in
 * the pass that is under way. */
typedef struct ring_then_close {
    pawl_remote *ring;
    pawl_remote *close;
    int ring_rc, close_rc;
} ring_then_close;

static void ring_then_close_cb(pawl_remote *r, void *arg)
{
    (void)r;
    ring_then_close *c = arg;
    c->ring_rc = pawl_wake_remote(c->ring);
    c->close_rc = pawl_remote_close(c->close);
}

static void remote_rung_during_a_pass_waits_for_the_next_even_after_a_close(void **state)
{
    vfix *f = *state;
    ring_log log = {.loop = &f->loop};
    probe py;
    probe_init(&py, &log, 2);
    pawl_remote x, y, z;
    ring_then_close c = {.ring = &y, .close = &z};
    assert_int_equal(pawl_remote_init(&f->loop, &x, ring_then_close_cb, &c), 0);
    assert_int_equal(pawl_remote_init(&f->loop, &y, probe_cb, &py), 0);
    assert_int_equal(pawl_remote_init(&f->loop, &z, NULL, NULL), 0);
    assert_int_equal(pawl_wake_remote(&x), 0);
    assert_int_equal(pawl_loop_run(&f->loop, PAWL_RUN_NOWAIT), 1);
    assert_int_equal(c.ring_rc, 0);
    assert_int_equal(c.close_rc, 0);
    assert_int_equal(log.calls, 0); /* not in the pass that rang it */
    assert_int_equal(pawl_loop_run(&f->loop, PAWL_RUN_NOWAIT), 1);
    assert_int_equal(log.calls, 1);
    assert_int_equal(log.iteration[0], 2);
    assert_int_equal(pawl_remote_close(&x), 0);
    assert_int_equal(pawl_remote_close(&y), 0);
}

/* ---- coalescing and delivery --------------------------------------------- */

static void remote_rings_coalesce_before_delivery(void **state)
{
    vfix *f = *state;
    ring_log log = {.loop = &f->loop};
    probe p;
    probe_init(&p, &log, 1);
    pawl_remote r;
    assert_int_equal(pawl_remote_init(&f->loop, &r, probe_cb, &p), 0);
    waiter w;
    waiter_start(&f->loop, &w, &r, -1);
    assert_int_equal(pawl_loop_run(&f->loop, PAWL_RUN_NOWAIT), 1);
    assert_int_equal(pawl_task_get_state(&w.task), PAWL_TASK_WAITING);

    assert_int_equal(pawl_wake_remote(&r), 0);
    assert_int_equal(pawl_wake_remote(&r), 0);
    assert_int_equal(pawl_wake_remote(&r), 0);
    /* Runs until nothing can happen any more: the referenced remote keeps
     * the loop alive, so the virtual clock reports the dead end. */
    assert_int_equal(pawl_loop_run(&f->loop, PAWL_RUN_DEFAULT), PAWL_EDEADLK);

    assert_int_equal(log.calls, 1);
    assert_int_equal(w.ready, 1);
    assert_int_equal(pawl_task_get_state(&w.task), PAWL_TASK_WAITING);

    assert_int_equal(pawl_remote_close(&r), 0);
    assert_int_equal(pawl_loop_run(&f->loop, PAWL_RUN_DEFAULT), 0);
    assert_int_equal(w.last_rc, PAWL_ECLOSED);
}

static void remote_callback_receives_its_remote_and_arg(void **state)
{
    vfix *f = *state;
    ring_log log = {.loop = &f->loop};
    probe p;
    probe_init(&p, &log, 1);
    pawl_remote r;
    assert_int_equal(pawl_remote_init(&f->loop, &r, probe_cb, &p), 0);
    assert_int_equal(pawl_wake_remote(&r), 0);
    assert_int_equal(pawl_loop_run(&f->loop, PAWL_RUN_NOWAIT), 1);
    assert_int_equal(log.calls, 1);
    assert_ptr_equal(log.remote, &r);
    assert_ptr_equal(p.self_arg, &p);
    assert_int_equal(pawl_remote_close(&r), 0);
}

static void remote_ring_without_waiter_is_kept_for_next_wait(void **state)
{
    vfix *f = *state;
    pawl_remote r;
    assert_int_equal(pawl_remote_init(&f->loop, &r, NULL, NULL), 0);
    assert_int_equal(pawl_wake_remote(&r), 0);
    /* Delivered with nobody waiting. */
    assert_int_equal(pawl_loop_run(&f->loop, PAWL_RUN_NOWAIT), 1);

    waiter w;
    waiter_start(&f->loop, &w, &r, 1);
    assert_int_equal(pawl_loop_run(&f->loop, PAWL_RUN_NOWAIT), 1);
    /* Ready at its very first poll: the task never had to wait. */
    assert_int_equal(pawl_task_get_state(&w.task), PAWL_TASK_DONE);
    assert_int_equal(w.polls, 1);
    assert_int_equal(w.ready, 1);
    assert_int_equal(w.last_rc, 0);
    assert_int_equal(pawl_remote_close(&r), 0);
}

static void remote_ring_inside_callback_is_delivered_again(void **state)
{
    vfix *f = *state;
    ring_log log = {.loop = &f->loop};
    probe p;
    probe_init(&p, &log, 1);
    p.rering_until = 3; /* the first two calls ring again */
    pawl_remote r;
    assert_int_equal(pawl_remote_init(&f->loop, &r, probe_cb, &p), 0);
    assert_int_equal(pawl_wake_remote(&r), 0);
    /* A ring from the callback lost would end the run after one call. */
    assert_int_equal(pawl_loop_run(&f->loop, PAWL_RUN_DEFAULT), PAWL_EDEADLK);
    assert_int_equal(log.calls, 3);
    assert_int_equal(p.rering_rc, 0);
    /* Each ring from the callback is a later delivery, not the same one. */
    assert_in_range(log.iteration[1], log.iteration[0] + 1, UINT64_MAX);
    assert_in_range(log.iteration[2], log.iteration[1] + 1, UINT64_MAX);
    assert_int_equal(pawl_remote_close(&r), 0);
}

static void remote_delivery_wakes_waiting_task(void **state)
{
    vfix *f = *state;
    pawl_remote r;
    assert_int_equal(pawl_remote_init(&f->loop, &r, NULL, NULL), 0);
    assert_int_equal(pawl_remote_unref(&r), 0);
    waiter w;
    waiter_start(&f->loop, &w, &r, 2);
    assert_int_equal(pawl_loop_run(&f->loop, PAWL_RUN_NOWAIT), 1);
    assert_int_equal(pawl_task_get_state(&w.task), PAWL_TASK_WAITING);
    assert_int_equal(pawl_wake_remote(&r), 0);
    assert_int_equal(pawl_loop_run(&f->loop, PAWL_RUN_ONCE), 1);
    assert_int_equal(pawl_loop_run(&f->loop, PAWL_RUN_NOWAIT), 1);
    assert_int_equal(w.ready, 1);
    assert_int_equal(pawl_task_get_state(&w.task), PAWL_TASK_WAITING);
    assert_int_equal(pawl_wake_remote(&r), 0);
    assert_int_equal(pawl_loop_run(&f->loop, PAWL_RUN_DEFAULT), 0);
    assert_int_equal(w.ready, 2);
    assert_int_equal(pawl_task_get_state(&w.task), PAWL_TASK_DONE);
    assert_int_equal(pawl_remote_close(&r), 0);
}

/* ---- waiters ------------------------------------------------------------- */

static void remote_second_waiter_gets_ebusy(void **state)
{
    vfix *f = *state;
    pawl_remote r;
    assert_int_equal(pawl_remote_init(&f->loop, &r, NULL, NULL), 0);
    assert_int_equal(pawl_remote_unref(&r), 0);
    waiter a, b;
    waiter_start(&f->loop, &a, &r, 1);
    assert_int_equal(pawl_loop_run(&f->loop, PAWL_RUN_NOWAIT), 1);
    waiter_start(&f->loop, &b, &r, 1);
    assert_int_equal(pawl_loop_run(&f->loop, PAWL_RUN_NOWAIT), 1);

    assert_int_equal(b.last_rc, PAWL_EBUSY);
    assert_int_equal(pawl_task_get_state(&b.task), PAWL_TASK_DONE);
    assert_int_equal(pawl_task_get_state(&a.task), PAWL_TASK_WAITING);

    /* The first waiter still holds its place and gets the ring. */
    assert_int_equal(pawl_wake_remote(&r), 0);
    assert_int_equal(pawl_loop_run(&f->loop, PAWL_RUN_DEFAULT), 0);
    assert_int_equal(a.ready, 1);
    assert_int_equal(a.last_rc, 0);
    assert_int_equal(pawl_remote_close(&r), 0);
}

/* Waits on `bell` in its body and, in its cleanup section, on `gate`: a
 * canceled stubborn task stays alive (and of the same generation) while it
 * waits on the gate, so a registration it failed to give back would still
 * count as a live waiter and turn the next task away with PAWL_EBUSY. */
typedef struct stubborn {
    pawl_task task;
    pawl_remote *bell;
    pawl_remote *gate;
    int body_done;
    int in_cleanup;
    int gate_rc;
} stubborn;

static pawl_poll stubborn_poll(pawl_task *t, pawl_cx *cx)
{
    stubborn *s = PAWL_CONTAINER_OF(t, stubborn, task);
    int rc;
    PAWL_BEGIN(cx);
    PAWL_AWAIT(cx, rc, pawl_remote_wait(s->bell, cx));
    (void)rc;
    s->body_done = 1;
    PAWL_CLEANUP(cx);
    s->in_cleanup = 1;
    PAWL_AWAIT(cx, rc, pawl_remote_wait(s->gate, cx));
    s->gate_rc = rc;
    PAWL_END(cx);
}

static void remote_canceled_waiter_gives_its_place_back(void **state)
{
    vfix *f = *state;
    pawl_remote bell, gate;
    assert_int_equal(pawl_remote_init(&f->loop, &bell, NULL, NULL), 0);
    assert_int_equal(pawl_remote_init(&f->loop, &gate, NULL, NULL), 0);
    assert_int_equal(pawl_remote_unref(&bell), 0);
    assert_int_equal(pawl_remote_unref(&gate), 0);

    stubborn s = {.bell = &bell, .gate = &gate, .gate_rc = PAWL_PENDING};
    assert_int_equal(pawl_task_init(&s.task, stubborn_poll), 0);
    assert_int_equal(pawl_task_spawn(&f->loop, &s.task), 0);
    assert_int_equal(pawl_loop_run(&f->loop, PAWL_RUN_NOWAIT), 1);
    assert_int_equal(pawl_task_get_state(&s.task), PAWL_TASK_WAITING);

    assert_int_equal(pawl_task_cancel(&f->loop, &s.task), 0);
    assert_int_equal(pawl_loop_run(&f->loop, PAWL_RUN_NOWAIT), 1);
    assert_int_equal(s.in_cleanup, 1);
    assert_int_equal(s.body_done, 0);
    assert_int_equal(pawl_task_get_state(&s.task), PAWL_TASK_WAITING);

    waiter b;
    waiter_start(&f->loop, &b, &bell, 1);
    assert_int_equal(pawl_loop_run(&f->loop, PAWL_RUN_NOWAIT), 1);
    assert_int_equal(b.last_rc, PAWL_PENDING); /* not PAWL_EBUSY */
    assert_int_equal(pawl_task_get_state(&b.task), PAWL_TASK_WAITING);

    assert_int_equal(pawl_wake_remote(&bell), 0);
    assert_int_equal(pawl_wake_remote(&gate), 0);
    assert_int_equal(pawl_loop_run(&f->loop, PAWL_RUN_DEFAULT), 0);
    assert_int_equal(b.ready, 1);
    assert_int_equal(s.gate_rc, 0);
    assert_int_equal(s.body_done, 0);
    assert_int_equal(pawl_task_get_state(&s.task), PAWL_TASK_DONE);
    assert_int_equal(pawl_remote_close(&bell), 0);
    assert_int_equal(pawl_remote_close(&gate), 0);
}

static void remote_wait_on_remote_of_another_loop_returns_eforeign(void **state)
{
    vfix *f = *state;
    pawl_vclock vc2;
    pawl_vclock_init(&vc2, 0);
    pawl_loop loop2;
    assert_int_equal(pawl_loop_init(&loop2, &(pawl_loop_opts){.platform = &vc2.base}), 0);
    pawl_remote r;
    assert_int_equal(pawl_remote_init(&f->loop, &r, NULL, NULL), 0);
    waiter w;
    waiter_start(&loop2, &w, &r, 1);
    assert_int_equal(pawl_loop_run(&loop2, PAWL_RUN_DEFAULT), 0);
    assert_int_equal(w.last_rc, PAWL_EFOREIGN);
    assert_int_equal(pawl_remote_close(&r), 0);
    assert_int_equal(pawl_loop_close(&loop2), 0);
}

/* ---- close --------------------------------------------------------------- */

static void remote_close_wakes_waiter_with_eclosed(void **state)
{
    vfix *f = *state;
    pawl_remote r;
    assert_int_equal(pawl_remote_init(&f->loop, &r, NULL, NULL), 0);
    waiter w;
    waiter_start(&f->loop, &w, &r, -1);
    assert_int_equal(pawl_loop_run(&f->loop, PAWL_RUN_NOWAIT), 1);
    assert_int_equal(pawl_task_get_state(&w.task), PAWL_TASK_WAITING);

    assert_int_equal(pawl_remote_close(&r), 0);
    /* Without the wake from close the task would wait forever and the
     * virtual clock would report PAWL_EDEADLK. */
    assert_int_equal(pawl_loop_run(&f->loop, PAWL_RUN_DEFAULT), 0);
    assert_int_equal(w.last_rc, PAWL_ECLOSED);
    assert_int_equal(w.ready, 0);
    assert_int_equal(pawl_task_get_state(&w.task), PAWL_TASK_DONE);
}

static void remote_wait_after_close_returns_eclosed(void **state)
{
    vfix *f = *state;
    pawl_remote r;
    assert_int_equal(pawl_remote_init(&f->loop, &r, NULL, NULL), 0);
    assert_int_equal(pawl_wake_remote(&r), 0);
    assert_int_equal(pawl_loop_run(&f->loop, PAWL_RUN_NOWAIT), 1); /* delivered */
    assert_int_equal(pawl_remote_close(&r), 0);
    waiter w;
    waiter_start(&f->loop, &w, &r, 1);
    assert_int_equal(pawl_loop_run(&f->loop, PAWL_RUN_DEFAULT), 0);
    assert_int_equal(w.last_rc, PAWL_ECLOSED);
    assert_int_equal(w.ready, 0);
}

static void remote_ring_after_close_returns_eclosed(void **state)
{
    vfix *f = *state;
    pawl_remote r;
    assert_int_equal(pawl_remote_init(&f->loop, &r, NULL, NULL), 0);
    assert_int_equal(pawl_remote_close(&r), 0);
    assert_int_equal(pawl_wake_remote(&r), PAWL_ECLOSED);
}

static void remote_double_close_returns_eclosed(void **state)
{
    vfix *f = *state;
    pawl_remote r;
    assert_int_equal(pawl_remote_init(&f->loop, &r, NULL, NULL), 0);
    assert_int_equal(pawl_remote_close(&r), 0);
    assert_int_equal(pawl_remote_close(&r), PAWL_ECLOSED);
    /* The second close did not give the loop back a handle twice: the
     * loop still counts the one it has (teardown closes the loop). */
    pawl_remote other;
    assert_int_equal(pawl_remote_init(&f->loop, &other, NULL, NULL), 0);
    assert_int_equal(pawl_loop_close(&f->loop), PAWL_EBUSY);
    assert_int_equal(pawl_remote_close(&other), 0);
}

static void remote_ref_and_unref_after_close_return_eclosed(void **state)
{
    vfix *f = *state;
    pawl_remote r;
    assert_int_equal(pawl_remote_init(&f->loop, &r, NULL, NULL), 0);
    assert_int_equal(pawl_remote_close(&r), 0);
    assert_int_equal(pawl_remote_ref(&r), PAWL_ECLOSED);
    assert_int_equal(pawl_remote_unref(&r), PAWL_ECLOSED);
}

static void remote_null_arguments_return_einval(void **state)
{
    vfix *f = *state;
    pawl_remote r;
    assert_int_equal(pawl_remote_init(&f->loop, NULL, NULL, NULL), PAWL_EINVAL);
    assert_int_equal(pawl_remote_init(NULL, &r, NULL, NULL), PAWL_EINVAL);
    assert_int_equal(pawl_wake_remote(NULL), PAWL_EINVAL);
    assert_int_equal(pawl_remote_close(NULL), PAWL_EINVAL);
    assert_int_equal(pawl_remote_ref(NULL), PAWL_EINVAL);
    assert_int_equal(pawl_remote_unref(NULL), PAWL_EINVAL);
    assert_int_equal(pawl_remote_wait(NULL, NULL), PAWL_EINVAL);
    assert_int_equal(pawl_remote_init(&f->loop, &r, NULL, NULL), 0);
    assert_int_equal(pawl_remote_wait(&r, NULL), PAWL_EINVAL);
    assert_int_equal(pawl_remote_close(&r), 0);
}

static void remote_init_on_closed_loop_returns_eclosed(void **state)
{
    (void)state;
    pawl_vclock vc;
    pawl_vclock_init(&vc, 0);
    pawl_loop loop;
    assert_int_equal(pawl_loop_init(&loop, &(pawl_loop_opts){.platform = &vc.base}), 0);
    assert_int_equal(pawl_loop_close(&loop), 0);
    pawl_remote r;
    assert_int_equal(pawl_remote_init(&loop, &r, NULL, NULL), PAWL_ECLOSED);
}

static void remote_init_on_uninitialised_loop_returns_euninit(void **state)
{
    (void)state;
    pawl_loop loop;
    memset(&loop, 0, sizeof loop);
    pawl_remote r;
    assert_int_equal(pawl_remote_init(&loop, &r, NULL, NULL), PAWL_EUNINIT);
}

static void remote_close_drops_pending_ring(void **state)
{
    vfix *f = *state;
    ring_log log = {.loop = &f->loop};
    probe p;
    probe_init(&p, &log, 1);
    /* On the heap so that ASan reports any touch after close + free. */
    pawl_remote *r = malloc(sizeof *r);
    assert_non_null(r);
    assert_int_equal(pawl_remote_init(&f->loop, r, probe_cb, &p), 0);
    assert_int_equal(pawl_wake_remote(r), 0);
    assert_int_equal(pawl_remote_close(r), 0);
    free(r);
    assert_int_equal(pawl_loop_alive(&f->loop), 0);
    assert_int_equal(pawl_loop_run(&f->loop, PAWL_RUN_DEFAULT), 0);
    assert_int_equal(pawl_loop_run(&f->loop, PAWL_RUN_NOWAIT), 0);
    assert_int_equal(log.calls, 0);
}

static void remote_close_keeps_other_pending_rings(void **state)
{
    vfix *f = *state;
    ring_log log = {.loop = &f->loop};
    probe pa, pb, pc;
    probe_init(&pa, &log, 1);
    probe_init(&pb, &log, 2);
    probe_init(&pc, &log, 3);
    pawl_remote a, c;
    pawl_remote *b = malloc(sizeof *b);
    assert_non_null(b);
    assert_int_equal(pawl_remote_init(&f->loop, &a, probe_cb, &pa), 0);
    assert_int_equal(pawl_remote_init(&f->loop, b, probe_cb, &pb), 0);
    assert_int_equal(pawl_remote_init(&f->loop, &c, probe_cb, &pc), 0);
    assert_int_equal(pawl_wake_remote(&a), 0);
    assert_int_equal(pawl_wake_remote(b), 0);
    assert_int_equal(pawl_wake_remote(&c), 0);
    /* b sits between a and c in the inbox. */
    assert_int_equal(pawl_remote_close(b), 0);
    free(b);
    assert_int_equal(pawl_loop_run(&f->loop, PAWL_RUN_NOWAIT), 1);
    assert_int_equal(log.calls, 2);
    /* Delivered in the order they first rang. */
    assert_int_equal(log.order[0], 1);
    assert_int_equal(log.order[1], 3);
    assert_int_equal(pawl_remote_close(&a), 0);
    assert_int_equal(pawl_remote_close(&c), 0);
}

static void remote_closed_and_freed_by_earlier_callback_is_not_delivered(void **state)
{
    vfix *f = *state;
    ring_log log = {.loop = &f->loop};
    probe pa, pb;
    probe_init(&pa, &log, 1);
    probe_init(&pb, &log, 2);
    pawl_remote a;
    pawl_remote *b = malloc(sizeof *b);
    assert_non_null(b);
    assert_int_equal(pawl_remote_init(&f->loop, &a, probe_cb, &pa), 0);
    assert_int_equal(pawl_remote_init(&f->loop, b, probe_cb, &pb), 0);
    pa.close_other = b; /* a's callback closes and frees b */
    assert_int_equal(pawl_wake_remote(&a), 0);
    assert_int_equal(pawl_wake_remote(b), 0);
    /* Both are on the ready list when a's callback runs. */
    assert_int_equal(pawl_loop_run(&f->loop, PAWL_RUN_NOWAIT), 1);
    assert_int_equal(pa.close_other_rc, 0);
    assert_int_equal(log.calls, 1);
    assert_int_equal(log.order[0], 1);
    assert_int_equal(pawl_remote_close(&a), 0);
}

static void remote_closed_and_freed_in_its_own_callback(void **state)
{
    vfix *f = *state;
    ring_log log = {.loop = &f->loop};
    probe p;
    probe_init(&p, &log, 1);
    p.close_self = 1;
    pawl_remote *r = malloc(sizeof *r);
    assert_non_null(r);
    assert_int_equal(pawl_remote_init(&f->loop, r, probe_cb, &p), 0);
    assert_int_equal(pawl_wake_remote(r), 0);
    assert_int_equal(pawl_loop_run(&f->loop, PAWL_RUN_DEFAULT), 0);
    assert_int_equal(log.calls, 1);
    assert_int_equal(p.close_self_rc, 0);
}

/* ---- ref / unref --------------------------------------------------------- */

static void remote_referenced_keeps_loop_alive(void **state)
{
    vfix *f = *state;
    pawl_remote r;
    assert_int_equal(pawl_remote_init(&f->loop, &r, NULL, NULL), 0);
    assert_int_equal(pawl_loop_alive(&f->loop), 1);
    /* A real clock would block forever here; the virtual one says so. */
    uint64_t before = f->vc.now_ns;
    assert_int_equal(pawl_loop_run(&f->loop, PAWL_RUN_DEFAULT), PAWL_EDEADLK);
    assert_int_equal(f->vc.now_ns, before);
    assert_int_equal(pawl_loop_alive(&f->loop), 1);
    assert_int_equal(pawl_remote_close(&r), 0);
    assert_int_equal(pawl_loop_alive(&f->loop), 0);
}

static void remote_unreferenced_does_not_keep_loop_alive(void **state)
{
    vfix *f = *state;
    pawl_remote r;
    assert_int_equal(pawl_remote_init(&f->loop, &r, NULL, NULL), 0);
    assert_int_equal(pawl_remote_unref(&r), 0);
    assert_int_equal(pawl_loop_alive(&f->loop), 0);
    assert_int_equal(pawl_loop_run(&f->loop, PAWL_RUN_DEFAULT), 0);
    /* Referenced again, it keeps the loop alive again. */
    assert_int_equal(pawl_remote_ref(&r), 0);
    assert_int_equal(pawl_loop_alive(&f->loop), 1);
    assert_int_equal(pawl_loop_run(&f->loop, PAWL_RUN_DEFAULT), PAWL_EDEADLK);
    assert_int_equal(pawl_remote_close(&r), 0);
}

static void remote_unref_and_ref_are_idempotent(void **state)
{
    vfix *f = *state;
    pawl_remote a, b;
    assert_int_equal(pawl_remote_init(&f->loop, &a, NULL, NULL), 0);
    assert_int_equal(pawl_remote_init(&f->loop, &b, NULL, NULL), 0);
    assert_int_equal(pawl_remote_unref(&a), 0);
    assert_int_equal(pawl_remote_unref(&a), 0); /* must not count twice */
    assert_int_equal(pawl_loop_alive(&f->loop), 1); /* b still holds it */
    assert_int_equal(pawl_remote_unref(&b), 0);
    assert_int_equal(pawl_loop_alive(&f->loop), 0);
    assert_int_equal(pawl_remote_ref(&a), 0);
    assert_int_equal(pawl_remote_ref(&a), 0);
    assert_int_equal(pawl_loop_alive(&f->loop), 1);
    assert_int_equal(pawl_remote_unref(&a), 0);
    assert_int_equal(pawl_loop_alive(&f->loop), 0);
    /* Closing an unreferenced remote does not take a reference away. */
    assert_int_equal(pawl_remote_ref(&b), 0);
    assert_int_equal(pawl_remote_close(&a), 0);
    assert_int_equal(pawl_loop_alive(&f->loop), 1);
    assert_int_equal(pawl_remote_close(&b), 0);
    assert_int_equal(pawl_loop_alive(&f->loop), 0);
}

static void remote_open_unreferenced_remote_keeps_loop_from_closing(void **state)
{
    vfix *f = *state;
    pawl_remote r;
    assert_int_equal(pawl_remote_init(&f->loop, &r, NULL, NULL), 0);
    assert_int_equal(pawl_remote_unref(&r), 0);
    assert_int_equal(pawl_loop_close(&f->loop), PAWL_EBUSY);
    assert_int_equal(pawl_remote_close(&r), 0);
}

/* ---- signal handlers ----------------------------------------------------- */

/* A signal handler has no argument, so it finds its remote through this
 * pointer.  Each case sets it before raising and clears it after. */
typedef struct sig_ctx {
    pawl_remote *remote;
    volatile sig_atomic_t rc;
    volatile sig_atomic_t calls;
} sig_ctx;

static sig_ctx *volatile sig_target;

static void ring_from_signal(int signo)
{
    (void)signo;
    sig_ctx *c = sig_target;
    c->rc = pawl_wake_remote(c->remote);
    c->calls++;
}

static void raise_ring(sig_ctx *c, struct sigaction *old)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = ring_from_signal;
    sigemptyset(&sa.sa_mask);
    sig_target = c;
    assert_int_equal(sigaction(SIGUSR1, &sa, old), 0);
    assert_int_equal(raise(SIGUSR1), 0);
}

static void restore_signal(const struct sigaction *old)
{
    assert_int_equal(sigaction(SIGUSR1, old, NULL), 0);
    sig_target = NULL;
}

static void remote_ring_from_signal_handler_is_delivered(void **state)
{
    (void)state;
    pawl_loop loop;
    assert_int_equal(pawl_loop_init(&loop, NULL), 0); /* POSIX: eventfd */
    ring_log log = {.loop = &loop};
    probe p;
    probe_init(&p, &log, 1);
    pawl_remote r;
    assert_int_equal(pawl_remote_init(&loop, &r, probe_cb, &p), 0);

    sig_ctx c = {.remote = &r, .rc = 1};
    struct sigaction old;
    errno = EDOM;
    raise_ring(&c, &old);
    int err = errno;
    restore_signal(&old);
    assert_int_equal(err, EDOM);
    assert_int_equal(c.calls, 1);
    assert_int_equal(c.rc, 0);

    assert_int_equal(pawl_loop_run(&loop, PAWL_RUN_NOWAIT), 1);
    assert_int_equal(log.calls, 1);
    assert_int_equal(pawl_remote_close(&r), 0);
    assert_int_equal(pawl_loop_close(&loop), 0);
}

/* The ring's write to the eventfd succeeds in the case above, so errno
 * would survive even a handler path that did not save it.  Here the
 * eventfd counter is filled to its maximum first (through the loop's
 * private descriptor), so the notify's write fails with EAGAIN: errno
 * survives only if the library restores it.  The full counter still makes
 * the descriptor readable, so the ring is still delivered. */
static void remote_ring_from_signal_handler_preserves_errno_when_notify_fails(void **state)
{
    (void)state;
    pawl_loop loop;
    assert_int_equal(pawl_loop_init(&loop, NULL), 0);
    ring_log log = {.loop = &loop};
    probe p;
    probe_init(&p, &log, 1);
    pawl_remote r;
    assert_int_equal(pawl_remote_init(&loop, &r, probe_cb, &p), 0);

    uint64_t full = UINT64_MAX - 1; /* the largest value an eventfd holds */
    assert_int_equal(write(loop.pawl__default_platform.pawl__fds[1], &full, sizeof full),
                     (ssize_t)sizeof full);

    sig_ctx c = {.remote = &r, .rc = 1};
    struct sigaction old;
    errno = EDOM;
    raise_ring(&c, &old);
    int err = errno;
    restore_signal(&old);
    assert_int_equal(err, EDOM);
    assert_int_equal(c.calls, 1);
    assert_int_equal(c.rc, 0);

    assert_int_equal(pawl_loop_run(&loop, PAWL_RUN_NOWAIT), 1);
    assert_int_equal(log.calls, 1);
    assert_int_equal(pawl_remote_close(&r), 0);
    assert_int_equal(pawl_loop_close(&loop), 0);
}

/* ---- real threads -------------------------------------------------------- */
/*
 * Free-running producers.  Each producer bumps its remote's `started`
 * counter BEFORE every ring.  The k-th delivery of a remote therefore
 * needs k distinct rings that started before it: at every delivery the
 * callback checks that `started` >= deliveries so far (a delivery without
 * a ring of its own breaks that) and that `started` never goes back.  The
 * ring that brought `started` to its final value must be followed by a
 * delivery that sees that value: that is "none lost".
 *
 * (A stricter per-delivery rule, "`started` has grown since the previous
 * delivery", is NOT a property of the design: the loop clears the pending
 * flag before it calls the callback, so a ring can bump `started`, be
 * overtaken by the previous delivery's read, and only then set the flag,
 * earning a delivery of its own that sees no growth.  Such a check would
 * be flaky.  Duplicates are caught exactly by the ping-pong case below,
 * and here by the quiescence check: once every producer is joined and the
 * last rings are in, further iterations deliver nothing.)
 *
 * Two ways to run the loop, each with one shared remote and with one
 * remote per producer plus the shared one:
 *
 *   blocking  pawl_loop_run(DEFAULT): the loop sleeps in ppoll whenever
 *             it is idle, so rings race the loop going to sleep.  The
 *             callback stops the loop once every remote has delivered its
 *             final count.  A lost last ring leaves the loop asleep: ctest's
 *             TIMEOUT is the backstop there.
 *   polling   pawl_loop_run(NOWAIT) over and over until the producers are
 *             joined, then once more.  A ring that completed before an
 *             iteration began is delivered in that iteration's poll phase,
 *             so a lost or stranded ring fails an assertion, not a hang.
 */
#define STRESS_RINGS 20000ul
#define PRODUCERS 2
#define YIELD_EVERY 16

typedef struct stress stress;

typedef struct bell {
    pawl_remote remote;
    atomic_ulong started;       /* rings begun (any thread) */
    unsigned long target;       /* rings in all */
    stress *owner;
    /* Loop thread only: */
    unsigned long deliveries;
    unsigned long last_seen;    /* `started` read at the last delivery */
    unsigned long went_back;    /* deliveries that saw `started` shrink */
    unsigned long unjustified;  /* deliveries with no ring of their own */
    int complete;               /* a delivery has seen `target` */
} bell;

struct stress {
    pawl_loop loop;
    int nbells;
    int complete_bells;
    int stop_when_complete;     /* blocking mode */
};

static void bell_delivered(pawl_remote *r, void *arg)
{
    (void)r;
    bell *b = arg;
    unsigned long s = atomic_load(&b->started);
    b->deliveries++;
    if (s < b->last_seen)
        b->went_back++;
    if (s < b->deliveries)
        b->unjustified++;
    b->last_seen = s;
    if (s == b->target && !b->complete) {
        b->complete = 1;
        stress *st = b->owner;
        if (++st->complete_bells == st->nbells && st->stop_when_complete)
            pawl_loop_stop(&st->loop);
    }
}

static void bell_init(stress *st, bell *b, unsigned long target)
{
    memset(b, 0, sizeof *b);
    atomic_init(&b->started, 0);
    b->target = target;
    b->owner = st;
    st->nbells++;
    assert_int_equal(pawl_remote_init(&st->loop, &b->remote, bell_delivered, b), 0);
}

/* A task awaiting a remote for ever, recording what it saw. */
typedef struct watcher {
    pawl_task task;
    bell *bell;
    unsigned long ready;
    unsigned long last_seen;
    unsigned long went_back;
    int last_rc;
} watcher;

static pawl_poll watcher_poll(pawl_task *t, pawl_cx *cx)
{
    watcher *w = PAWL_CONTAINER_OF(t, watcher, task);
    int rc;
    PAWL_BEGIN(cx);
    for (;;) {
        PAWL_AWAIT(cx, rc, pawl_remote_wait(&w->bell->remote, cx));
        w->last_rc = rc;
        if (rc != PAWL_READY)
            break;
        w->ready++;
        unsigned long s = atomic_load(&w->bell->started);
        if (s < w->last_seen)
            w->went_back++;
        w->last_seen = s;
    }
    PAWL_END(cx);
}

typedef struct producer {
    bell *bells[2];
    int nbells;
    unsigned long rings;  /* per bell */
    unsigned long errors; /* rings that did not return 0 */
} producer;

static void *producer_main(void *arg)
{
    producer *p = arg;
    for (unsigned long i = 0; i < p->rings; i++) {
        for (int k = 0; k < p->nbells; k++) {
            atomic_fetch_add(&p->bells[k]->started, 1);
            if (pawl_wake_remote(&p->bells[k]->remote) != 0)
                p->errors++;
        }
        /* Not a delay: lets the loop thread in now and then, so that some
         * rings coalesce and others race the loop going back to sleep.
         * Not after every ring: on a loaded machine each yield may hand
         * the CPU away for a whole time slice. */
        if (i % YIELD_EVERY == YIELD_EVERY - 1)
            sched_yield();
    }
    return NULL;
}

/* Starts one thread per worker argument, joins them all, then sets
 * `joined` and rings `done` if there is one: every ring of every worker
 * happens before both. */
typedef struct controller {
    pthread_t thread;
    void *(*worker_fn)(void *);
    void *worker_args[PRODUCERS];
    pthread_t workers[PRODUCERS];
    pawl_remote *done;
    atomic_int joined;
    int thread_errors;
    int done_rc;
} controller;

static void *controller_main(void *arg)
{
    controller *c = arg;
    int started = 0;
    for (int i = 0; i < PRODUCERS; i++) {
        if (pthread_create(&c->workers[i], NULL, c->worker_fn, c->worker_args[i]) != 0) {
            c->thread_errors++;
            break;
        }
        started++;
    }
    for (int i = 0; i < started; i++) {
        if (pthread_join(c->workers[i], NULL) != 0)
            c->thread_errors++;
    }
    if (c->done != NULL)
        c->done_rc = pawl_wake_remote(c->done);
    atomic_store(&c->joined, 1);
    return NULL;
}

static void controller_start(controller *c, void *(*fn)(void *), void **args, pawl_remote *done)
{
    c->worker_fn = fn;
    for (int i = 0; i < PRODUCERS; i++)
        c->worker_args[i] = args[i];
    c->done = done;
    atomic_init(&c->joined, 0);
    c->thread_errors = 0;
    c->done_rc = 0;
    assert_int_equal(pthread_create(&c->thread, NULL, controller_main, c), 0);
}

static void bell_check(const bell *b, unsigned long deliveries_before_quiet_run)
{
    assert_int_equal(b->last_seen, b->target); /* none lost */
    assert_int_equal(b->complete, 1);
    assert_in_range(b->deliveries, 1, b->target);
    assert_int_equal(b->unjustified, 0);
    assert_int_equal(b->went_back, 0);
    /* Nothing was delivered once everything was in: no duplicates. */
    assert_int_equal(b->deliveries, deliveries_before_quiet_run);
}

typedef struct stress_run {
    stress st;
    bell shared;
    bell own[PRODUCERS];
    producer producers[PRODUCERS];
    controller ctl;
    watcher watch;
} stress_run;

static void run_free_running_stress(int own_remotes, int polling)
{
    stress_run *s = calloc(1, sizeof *s); /* not test_calloc: threads around */
    assert_non_null(s);
    assert_int_equal(pawl_loop_init(&s->st.loop, NULL), 0); /* POSIX: eventfd */
    s->st.stop_when_complete = !polling;
    bell_init(&s->st, &s->shared, PRODUCERS * STRESS_RINGS);
    void *args[PRODUCERS];
    for (int i = 0; i < PRODUCERS; i++) {
        producer *p = &s->producers[i];
        p->rings = STRESS_RINGS;
        p->bells[p->nbells++] = &s->shared;
        if (own_remotes) {
            bell_init(&s->st, &s->own[i], STRESS_RINGS);
            p->bells[p->nbells++] = &s->own[i];
        }
        args[i] = p;
    }

    s->watch.bell = &s->shared;
    s->watch.last_rc = PAWL_PENDING;
    assert_int_equal(pawl_task_init(&s->watch.task, watcher_poll), 0);
    assert_int_equal(pawl_task_spawn(&s->st.loop, &s->watch.task), 0);

    controller_start(&s->ctl, producer_main, args, NULL);
    int run_rc;
    if (polling) {
        /* The yield keeps this spinning thread from starving the producers
         * on a machine with fewer cores than threads. */
        do {
            run_rc = pawl_loop_run(&s->st.loop, PAWL_RUN_NOWAIT);
            sched_yield();
        } while (run_rc == 1 && !atomic_load(&s->ctl.joined));
    } else {
        run_rc = pawl_loop_run(&s->st.loop, PAWL_RUN_DEFAULT);
    }
    assert_int_equal(pthread_join(s->ctl.thread, NULL), 0);
    assert_int_equal(run_rc, 1); /* alive: stopped, or one iteration */
    assert_int_equal(s->ctl.thread_errors, 0);
    for (int i = 0; i < PRODUCERS; i++)
        assert_int_equal(s->producers[i].errors, 0);

    /* Every producer is joined.  One more iteration takes in what is
     * left (a ring may legitimately still be pending); after it nothing is,
     * and the next iteration must deliver nothing. */
    assert_int_equal(pawl_loop_run(&s->st.loop, PAWL_RUN_NOWAIT), 1);
    unsigned long shared_deliveries = s->shared.deliveries;
    unsigned long own_deliveries[PRODUCERS] = {0};
    for (int i = 0; i < PRODUCERS; i++)
        own_deliveries[i] = s->own[i].deliveries;
    assert_int_equal(pawl_loop_run(&s->st.loop, PAWL_RUN_NOWAIT), 1);

    bell_check(&s->shared, shared_deliveries);
    if (own_remotes) {
        for (int i = 0; i < PRODUCERS; i++)
            bell_check(&s->own[i], own_deliveries[i]);
    }
    /* The waiting task saw the last wake too, at most once per delivery. */
    assert_int_equal(s->watch.last_seen, s->shared.target);
    assert_in_range(s->watch.ready, 1, s->shared.deliveries);
    assert_int_equal(s->watch.went_back, 0);
    assert_int_equal(s->watch.last_rc, 0); /* no wait ever failed */
    assert_int_equal(pawl_task_get_state(&s->watch.task), PAWL_TASK_WAITING);

    assert_int_equal(pawl_task_cancel(&s->st.loop, &s->watch.task), 0);
    assert_int_equal(pawl_loop_run(&s->st.loop, PAWL_RUN_NOWAIT), 1);
    assert_int_equal(pawl_task_get_state(&s->watch.task), PAWL_TASK_DONE);

    assert_int_equal(pawl_remote_close(&s->shared.remote), 0);
    if (own_remotes) {
        for (int i = 0; i < PRODUCERS; i++)
            assert_int_equal(pawl_remote_close(&s->own[i].remote), 0);
    }
    assert_int_equal(pawl_loop_close(&s->st.loop), 0);
    free(s);
}

static void remote_stress_shared_remote_blocking_loop_loses_no_ring(void **state)
{
    (void)state;
    run_free_running_stress(0, 0);
}

static void remote_stress_shared_remote_polling_loop_loses_no_ring(void **state)
{
    (void)state;
    run_free_running_stress(0, 1);
}

static void remote_stress_own_and_shared_remotes_blocking_loop_lose_no_ring(void **state)
{
    (void)state;
    run_free_running_stress(1, 0);
}

static void remote_stress_own_and_shared_remotes_polling_loop_lose_no_ring(void **state)
{
    (void)state;
    run_free_running_stress(1, 1);
}

static void stop_loop_cb(pawl_remote *r, void *arg)
{
    (void)r;
    pawl_loop_stop(arg);
}

/*
 * Ping-pong: each producer has its own remote and rings it only after the
 * previous ring was delivered (the callback posts a semaphore the producer
 * waits on).  No ring can coalesce, so the count is exact: delivery k
 * must see exactly k rings started, and each remote gets exactly
 * PING_PONG_ROUNDS deliveries.  The loop blocks in ppoll between rounds,
 * so every round races a ring against the loop going to sleep, from two
 * threads at once.
 */
#define PING_PONG_ROUNDS 20000ul

typedef struct pong_bell {
    pawl_remote remote;
    sem_t delivered;
    atomic_ulong started;
    unsigned long rounds;
    unsigned long errors;       /* producer: rings that did not return 0 */
    /* Loop thread only: */
    unsigned long deliveries;
    unsigned long mismatches;   /* deliveries != rings started */
} pong_bell;

static void pong_delivered(pawl_remote *r, void *arg)
{
    (void)r;
    pong_bell *b = arg;
    b->deliveries++;
    if (atomic_load(&b->started) != b->deliveries)
        b->mismatches++;
    sem_post(&b->delivered);
}

static void *pong_producer_main(void *arg)
{
    pong_bell *b = arg;
    for (unsigned long i = 0; i < b->rounds; i++) {
        atomic_fetch_add(&b->started, 1);
        if (pawl_wake_remote(&b->remote) != 0) {
            b->errors++;
            break; /* nothing will be delivered: do not wait for it */
        }
        while (sem_wait(&b->delivered) != 0 && errno == EINTR) {
        }
    }
    return NULL;
}

static void remote_ping_pong_two_threads_every_ring_delivered_exactly_once(void **state)
{
    (void)state;
    typedef struct pingpong {
        pawl_loop loop;
        pong_bell bells[PRODUCERS];
        pawl_remote done;
        controller ctl;
    } pingpong;
    pingpong *s = calloc(1, sizeof *s);
    assert_non_null(s);
    void *args[PRODUCERS];
    assert_int_equal(pawl_loop_init(&s->loop, NULL), 0);
    for (int i = 0; i < PRODUCERS; i++) {
        pong_bell *b = &s->bells[i];
        atomic_init(&b->started, 0);
        b->rounds = PING_PONG_ROUNDS;
        assert_int_equal(sem_init(&b->delivered, 0, 0), 0);
        assert_int_equal(pawl_remote_init(&s->loop, &b->remote, pong_delivered, b), 0);
        args[i] = b;
    }
    assert_int_equal(pawl_remote_init(&s->loop, &s->done, stop_loop_cb, &s->loop), 0);

    controller_start(&s->ctl, pong_producer_main, args, &s->done);
    int run_rc = pawl_loop_run(&s->loop, PAWL_RUN_DEFAULT);
    assert_int_equal(pthread_join(s->ctl.thread, NULL), 0);

    assert_int_equal(run_rc, 1);
    assert_int_equal(s->ctl.thread_errors, 0);
    assert_int_equal(s->ctl.done_rc, 0);
    assert_int_equal(pawl_loop_run(&s->loop, PAWL_RUN_NOWAIT), 1);
    for (int i = 0; i < PRODUCERS; i++) {
        pong_bell *b = &s->bells[i];
        assert_int_equal(b->errors, 0);
        assert_int_equal(b->mismatches, 0);
        assert_int_equal(b->deliveries, PING_PONG_ROUNDS);
        assert_int_equal(pawl_remote_close(&b->remote), 0);
        assert_int_equal(sem_destroy(&b->delivered), 0);
    }
    assert_int_equal(pawl_remote_close(&s->done), 0);
    assert_int_equal(pawl_loop_close(&s->loop), 0);
    free(s);
}

int main(void)
{
#define V(name) cmocka_unit_test_setup_teardown(name, vfix_setup, vloop_delete)
    const struct CMUnitTest tests[] = {
        V(remote_woken_waiter_keeps_its_ring_from_a_task_polled_first),
        V(remote_rung_during_a_pass_waits_for_the_next_even_after_a_close),
        V(remote_rings_coalesce_before_delivery),
        V(remote_callback_receives_its_remote_and_arg),
        V(remote_ring_without_waiter_is_kept_for_next_wait),
        V(remote_ring_inside_callback_is_delivered_again),
        V(remote_delivery_wakes_waiting_task),
        V(remote_second_waiter_gets_ebusy),
        V(remote_canceled_waiter_gives_its_place_back),
        V(remote_wait_on_remote_of_another_loop_returns_eforeign),
        V(remote_close_wakes_waiter_with_eclosed),
        V(remote_wait_after_close_returns_eclosed),
        V(remote_ring_after_close_returns_eclosed),
        V(remote_double_close_returns_eclosed),
        V(remote_ref_and_unref_after_close_return_eclosed),
        V(remote_null_arguments_return_einval),
        cmocka_unit_test(remote_init_on_closed_loop_returns_eclosed),
        cmocka_unit_test(remote_init_on_uninitialised_loop_returns_euninit),
        V(remote_close_drops_pending_ring),
        V(remote_close_keeps_other_pending_rings),
        V(remote_closed_and_freed_by_earlier_callback_is_not_delivered),
        V(remote_closed_and_freed_in_its_own_callback),
        V(remote_referenced_keeps_loop_alive),
        V(remote_unreferenced_does_not_keep_loop_alive),
        V(remote_unref_and_ref_are_idempotent),
        V(remote_open_unreferenced_remote_keeps_loop_from_closing),
        cmocka_unit_test(remote_ring_from_signal_handler_is_delivered),
        cmocka_unit_test(remote_ring_from_signal_handler_preserves_errno_when_notify_fails),
        cmocka_unit_test(remote_stress_shared_remote_blocking_loop_loses_no_ring),
        cmocka_unit_test(remote_stress_shared_remote_polling_loop_loses_no_ring),
        cmocka_unit_test(remote_stress_own_and_shared_remotes_blocking_loop_lose_no_ring),
        cmocka_unit_test(remote_stress_own_and_shared_remotes_polling_loop_lose_no_ring),
        cmocka_unit_test(remote_ping_pong_two_threads_every_ring_delivered_exactly_once),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
