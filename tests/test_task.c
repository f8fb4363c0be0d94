/*
 * tests/test_task.c -- tasks on the executor: spawn, await, yield, wakers,
 * join, cancellation, the cooperative budget, and bad input.
 *
 * Compiled twice (PAWL_LC_SWITCH and PAWL_LC_LABELS).  Every loop runs on
 * the virtual clock, so a test that would hang instead gets PAWL_EDEADLK.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "pawl/pawl.h"
#include "support.h"

/* ---- fixtures ------------------------------------------------------------ */

typedef vloop env;

static int env_setup(void **state)
{
    *state = vloop_new(0);
    return 0;
}

/* An event: the smallest useful future.  Ready once set; a canceled poll
 * gives the waker back. */
typedef struct event {
    int set;
    pawl_waker waiter;
    int polls;
    int canceled_polls;
} event;

static pawl_poll event_poll(event *ev, pawl_cx *cx)
{
    ev->polls++;
    if (pawl_cx_canceled(cx)) {
        ev->canceled_polls++;
        ev->waiter = (pawl_waker){0};
        return PAWL_ECANCELED;
    }
    if (ev->set) {
        ev->set = 0;
        ev->waiter = (pawl_waker){0};
        return PAWL_READY;
    }
    ev->waiter = pawl_cx_waker(cx);
    return PAWL_PENDING;
}

static void event_fire(event *ev)
{
    ev->set = 1;
    pawl_wake(ev->waiter);
}

/* A task that awaits `ev` `rounds` times, with a cleanup section. */
typedef struct waiter {
    pawl_task task;
    event *ev;
    int rounds;
    int done_rounds;
    int polls;
    int last_rc;
    int cleanups;
    int began;
} waiter;

static pawl_poll waiter_poll(pawl_task *t, pawl_cx *cx)
{
    waiter *w = PAWL_CONTAINER_OF(t, waiter, task);
    w->polls++;
    PAWL_BEGIN(cx);
    w->began++;
    for (w->done_rounds = 0; w->done_rounds < w->rounds; w->done_rounds++)
        PAWL_AWAIT(cx, w->last_rc, event_poll(w->ev, cx));
    PAWL_CLEANUP(cx);
    w->cleanups++;
    PAWL_END(cx);
}

static void waiter_start(env *e, waiter *w, event *ev, int rounds)
{
    memset(w, 0, sizeof *w);
    w->ev = ev;
    w->rounds = rounds;
    assert_int_equal(pawl_task_init(&w->task, waiter_poll), 0);
    assert_int_equal(pawl_task_spawn(&e->loop, &w->task), 0);
}

static int run_nowait(env *e)
{
    return pawl_loop_run(&e->loop, PAWL_RUN_NOWAIT);
}

/* ---- spawn, poll, await -------------------------------------------------- */

static void task_runs_to_completion_after_spawn(void **state)
{
    env *e = *state;
    event ev = {.set = 1};
    waiter w;
    waiter_start(e, &w, &ev, 1);
    assert_int_equal(pawl_task_get_state(&w.task), PAWL_TASK_QUEUED);
    assert_int_equal(pawl_loop_run(&e->loop, PAWL_RUN_DEFAULT), 0);
    assert_int_equal(w.polls, 1);
    assert_int_equal(w.done_rounds, 1);
    assert_int_equal(w.cleanups, 1);
    assert_int_equal(pawl_task_get_state(&w.task), PAWL_TASK_DONE);
}

static void task_is_polled_only_when_woken(void **state)
{
    env *e = *state;
    event ev = {0};
    waiter w;
    waiter_start(e, &w, &ev, 2);
    assert_int_equal(run_nowait(e), 1);
    assert_int_equal(w.polls, 1);
    assert_int_equal(pawl_task_get_state(&w.task), PAWL_TASK_WAITING);
    for (int i = 0; i < 5; i++)
        assert_int_equal(run_nowait(e), 1);
    assert_int_equal(w.polls, 1); /* nobody woke it: never polled again */
    event_fire(&ev);
    assert_int_equal(pawl_task_get_state(&w.task), PAWL_TASK_QUEUED);
    assert_int_equal(run_nowait(e), 1);
    assert_int_equal(w.polls, 2);
    assert_int_equal(w.done_rounds, 1);
    event_fire(&ev);
    assert_int_equal(run_nowait(e), 0);
    assert_int_equal(w.polls, 3);
    assert_int_equal(w.last_rc, PAWL_READY);
}

static void task_without_waker_makes_the_virtual_loop_report_deadlock(void **state)
{
    env *e = *state;
    event ev = {0};
    waiter w;
    waiter_start(e, &w, &ev, 1);
    assert_int_equal(pawl_loop_run(&e->loop, PAWL_RUN_DEFAULT), PAWL_EDEADLK);
    event_fire(&ev);
    assert_int_equal(pawl_loop_run(&e->loop, PAWL_RUN_DEFAULT), 0);
}

/* ---- wakers ------------------------------------------------------------ */

static void waker_twice_queues_the_task_once(void **state)
{
    env *e = *state;
    event ev = {0};
    waiter w;
    waiter_start(e, &w, &ev, 3);
    assert_int_equal(run_nowait(e), 1);
    pawl_waker wk = ev.waiter;
    pawl_wake(wk);
    pawl_wake(wk);
    pawl_wake(wk);
    assert_int_equal(run_nowait(e), 1);
    assert_int_equal(w.polls, 2); /* three wakes, one poll */
    for (int i = 0; i < 3; i++) {
        event_fire(&ev);
        run_nowait(e);
    }
    assert_int_equal(pawl_task_get_state(&w.task), PAWL_TASK_DONE);
    assert_int_equal(w.polls, 5);
}

static void waker_of_finished_task_is_a_no_op(void **state)
{
    env *e = *state;
    event ev = {0};
    waiter w;
    waiter_start(e, &w, &ev, 1);
    assert_int_equal(run_nowait(e), 1);
    pawl_waker stale = ev.waiter;
    event_fire(&ev);
    assert_int_equal(run_nowait(e), 0);
    assert_int_equal(pawl_task_get_state(&w.task), PAWL_TASK_DONE);
    int polls = w.polls;
    pawl_wake(stale); /* the memory is valid; the generation is not */
    assert_int_equal(pawl_task_get_state(&w.task), PAWL_TASK_DONE);
    assert_int_equal(pawl_loop_alive(&e->loop), 0);
    assert_int_equal(run_nowait(e), 0);
    assert_int_equal(w.polls, polls);
}

static void waker_of_recycled_task_does_not_wake_the_new_run(void **state)
{
    env *e = *state;
    event ev = {0};
    waiter w;
    waiter_start(e, &w, &ev, 1);
    assert_int_equal(run_nowait(e), 1);
    pawl_waker stale = ev.waiter;
    event_fire(&ev);
    assert_int_equal(run_nowait(e), 0);
    /* Spawn the same memory again: a new generation. */
    event ev2 = {0};
    w.ev = &ev2;
    w.polls = 0;
    assert_int_equal(pawl_task_spawn(&e->loop, &w.task), 0);
    assert_int_equal(run_nowait(e), 1);
    assert_int_equal(w.polls, 1);
    assert_int_equal(pawl_task_get_state(&w.task), PAWL_TASK_WAITING);
    pawl_wake(stale);
    assert_int_equal(pawl_task_get_state(&w.task), PAWL_TASK_WAITING);
    assert_int_equal(run_nowait(e), 1);
    assert_int_equal(w.polls, 1);
    pawl_wake(ev2.waiter); /* the fresh waker still works */
    assert_int_equal(pawl_task_get_state(&w.task), PAWL_TASK_QUEUED);
    event_fire(&ev2);
    assert_int_equal(pawl_loop_run(&e->loop, PAWL_RUN_DEFAULT), 0);
}

static void waker_zeroed_wakes_nothing(void **state)
{
    (void)state;
    pawl_wake((pawl_waker){0}); /* must not crash */
    pawl_waker w = {0};
    assert_null(w.task);
}

static void waker_restarted_task_runs_from_the_top(void **state)
{
    env *e = *state;
    event ev = {.set = 1};
    waiter w;
    waiter_start(e, &w, &ev, 1);
    assert_int_equal(pawl_loop_run(&e->loop, PAWL_RUN_DEFAULT), 0);
    ev.set = 1;
    assert_int_equal(pawl_task_spawn(&e->loop, &w.task), 0);
    assert_int_equal(pawl_loop_run(&e->loop, PAWL_RUN_DEFAULT), 0);
    assert_int_equal(w.began, 2);
    assert_int_equal(w.cleanups, 2);
}

/* A future that stores the waker and then wakes it at once, as a future
 * does when its event races with the registration. */
typedef struct eager {
    int polls_left;
} eager;

static pawl_poll eager_poll(eager *f, pawl_cx *cx)
{
    if (f->polls_left-- <= 0)
        return PAWL_READY;
    pawl_wake(pawl_cx_waker(cx)); /* the task is RUNNING right now */
    return PAWL_PENDING;
}

typedef struct eager_task {
    pawl_task task;
    eager f;
    int rc;
    int polls;
} eager_task;

static pawl_poll eager_task_poll(pawl_task *t, pawl_cx *cx)
{
    eager_task *k = PAWL_CONTAINER_OF(t, eager_task, task);
    k->polls++;
    PAWL_BEGIN(cx);
    PAWL_AWAIT(cx, k->rc, eager_poll(&k->f, cx));
    PAWL_END(cx);
}

static void waker_called_during_its_own_poll_requeues_after_the_poll(void **state)
{
    env *e = *state;
    eager_task k = {.f = {.polls_left = 3}};
    pawl_task_init(&k.task, eager_task_poll);
    assert_int_equal(pawl_task_spawn(&e->loop, &k.task), 0);
    assert_int_equal(pawl_loop_run(&e->loop, PAWL_RUN_DEFAULT), 0);
    assert_int_equal(k.polls, 4); /* not lost (would deadlock), not doubled */
    assert_int_equal(k.rc, PAWL_READY);
}

/* ---- yield and the order of polls -------------------------------------- */

typedef struct yielder {
    pawl_task task;
    int id;
    int times;
    int i;
    int *log;
    int *log_n;
} yielder;

static pawl_poll yielder_poll(pawl_task *t, pawl_cx *cx)
{
    yielder *y = PAWL_CONTAINER_OF(t, yielder, task);
    PAWL_BEGIN(cx);
    for (y->i = 0; y->i < y->times; y->i++) {
        y->log[(*y->log_n)++] = y->id;
        PAWL_YIELD(cx);
    }
    PAWL_END(cx);
}

static void yield_interleaves_tasks_in_fifo_order(void **state)
{
    env *e = *state;
    int log[32], n = 0;
    yielder a = {.id = 1, .times = 3, .log = log, .log_n = &n};
    yielder b = {.id = 2, .times = 3, .log = log, .log_n = &n};
    yielder c = {.id = 3, .times = 1, .log = log, .log_n = &n};
    pawl_task_init(&a.task, yielder_poll);
    pawl_task_init(&b.task, yielder_poll);
    pawl_task_init(&c.task, yielder_poll);
    assert_int_equal(pawl_task_spawn(&e->loop, &a.task), 0);
    assert_int_equal(pawl_task_spawn(&e->loop, &b.task), 0);
    assert_int_equal(pawl_task_spawn(&e->loop, &c.task), 0);
    assert_int_equal(pawl_loop_run(&e->loop, PAWL_RUN_DEFAULT), 0);
    static const int want[] = {1, 2, 3, 1, 2, 1, 2};
    assert_int_equal(n, 7);
    for (int i = 0; i < 7; i++)
        assert_int_equal(log[i], want[i]);
}

/* ---- join ---------------------------------------------------------------- */

typedef struct joiner {
    pawl_task task;
    pawl_task *target;
    int rc;
    int resumed;
    int polls;
    int cleanups;
} joiner;

static pawl_poll joiner_poll(pawl_task *t, pawl_cx *cx)
{
    joiner *j = PAWL_CONTAINER_OF(t, joiner, task);
    j->polls++;
    PAWL_BEGIN(cx);
    PAWL_AWAIT(cx, j->rc, pawl_task_join(j->target, cx));
    j->resumed++;
    PAWL_CLEANUP(cx);
    j->cleanups++;
    PAWL_END(cx);
}

static void joiner_start(env *e, joiner *j, pawl_task *target)
{
    memset(j, 0, sizeof *j);
    j->target = target;
    j->rc = 12345;
    pawl_task_init(&j->task, joiner_poll);
    assert_int_equal(pawl_task_spawn(&e->loop, &j->task), 0);
}

static void join_waits_for_the_target_and_reads_its_result(void **state)
{
    env *e = *state;
    event ev = {0};
    waiter w;
    waiter_start(e, &w, &ev, 2);
    joiner j;
    joiner_start(e, &j, &w.task);
    assert_int_equal(run_nowait(e), 1);
    assert_int_equal(j.polls, 1);
    assert_int_equal(j.resumed, 0);
    event_fire(&ev);
    assert_int_equal(run_nowait(e), 1);
    assert_int_equal(j.polls, 1); /* the target did not finish: no wake */
    event_fire(&ev);
    assert_int_equal(pawl_loop_run(&e->loop, PAWL_RUN_DEFAULT), 0);
    assert_int_equal(j.resumed, 1);
    assert_int_equal(j.rc, 0);
    assert_int_equal(w.done_rounds, 2); /* the result, read from its struct */
}

static void join_of_a_finished_task_is_ready_at_once(void **state)
{
    env *e = *state;
    event ev = {.set = 1};
    waiter w;
    waiter_start(e, &w, &ev, 1);
    assert_int_equal(pawl_loop_run(&e->loop, PAWL_RUN_DEFAULT), 0);
    joiner j;
    joiner_start(e, &j, &w.task);
    assert_int_equal(pawl_loop_run(&e->loop, PAWL_RUN_DEFAULT), 0);
    assert_int_equal(j.polls, 1);
    assert_int_equal(j.rc, 0);
}

static void join_by_a_second_task_is_busy(void **state)
{
    env *e = *state;
    event ev = {0};
    waiter w;
    waiter_start(e, &w, &ev, 1);
    joiner j1, j2;
    joiner_start(e, &j1, &w.task);
    joiner_start(e, &j2, &w.task);
    assert_int_equal(run_nowait(e), 1);
    assert_int_equal(j2.rc, PAWL_EBUSY);
    assert_int_equal(pawl_task_get_state(&j2.task), PAWL_TASK_DONE);
    assert_int_equal(pawl_task_get_state(&j1.task), PAWL_TASK_WAITING);
    event_fire(&ev);
    assert_int_equal(pawl_loop_run(&e->loop, PAWL_RUN_DEFAULT), 0);
    assert_int_equal(j1.rc, 0);
}

static void join_of_self_or_unspawned_task_is_invalid(void **state)
{
    env *e = *state;
    joiner j;
    memset(&j, 0, sizeof j);
    pawl_task_init(&j.task, joiner_poll);
    j.target = &j.task;
    assert_int_equal(pawl_task_spawn(&e->loop, &j.task), 0);
    assert_int_equal(pawl_loop_run(&e->loop, PAWL_RUN_DEFAULT), 0);
    assert_int_equal(j.rc, PAWL_EINVAL);

    pawl_task never;
    pawl_task_init(&never, waiter_poll);
    joiner j2;
    joiner_start(e, &j2, &never);
    assert_int_equal(pawl_loop_run(&e->loop, PAWL_RUN_DEFAULT), 0);
    assert_int_equal(j2.rc, PAWL_EINVAL);

    joiner j3;
    joiner_start(e, &j3, NULL);
    assert_int_equal(pawl_loop_run(&e->loop, PAWL_RUN_DEFAULT), 0);
    assert_int_equal(j3.rc, PAWL_EINVAL);
}

static void join_of_a_task_on_another_loop_is_foreign(void **state)
{
    env *e = *state;
    vloop other;
    vloop_open(&other, 0, (pawl_loop_opts){0});
    event ev = {0};
    waiter w;
    waiter_start(&other, &w, &ev, 1);
    assert_int_equal(run_nowait(&other), 1); /* w is WAITING on `other` */
    joiner j;
    joiner_start(e, &j, &w.task);
    assert_int_equal(pawl_loop_run(&e->loop, PAWL_RUN_DEFAULT), 0);
    assert_int_equal(j.rc, PAWL_EFOREIGN);
    event_fire(&ev);
    assert_int_equal(pawl_loop_run(&other.loop, PAWL_RUN_DEFAULT), 0);
    vloop_close(&other);
}

/* ---- cancellation --------------------------------------------------------- */

static void cancel_waiting_task_releases_its_await_and_runs_cleanup(void **state)
{
    env *e = *state;
    event ev = {0};
    waiter w;
    waiter_start(e, &w, &ev, 5);
    joiner j;
    joiner_start(e, &j, &w.task);
    assert_int_equal(run_nowait(e), 1);
    assert_non_null(ev.waiter.task); /* the await holds a registration */
    assert_int_equal(pawl_task_cancel(&e->loop, &w.task), 0);
    assert_int_equal(pawl_task_get_state(&w.task), PAWL_TASK_QUEUED);
    assert_int_equal(pawl_loop_run(&e->loop, PAWL_RUN_DEFAULT), 0);
    assert_int_equal(ev.canceled_polls, 1); /* the future saw the cancel */
    assert_null(ev.waiter.task);             /* and gave the waker back */
    assert_int_equal(w.cleanups, 1);
    assert_int_equal(w.done_rounds, 0); /* the body did not go on */
    assert_int_equal(j.rc, PAWL_ECANCELED);
    assert_int_equal(pawl_task_get_state(&w.task), PAWL_TASK_DONE);
}

static void cancel_of_finished_task_is_a_no_op(void **state)
{
    env *e = *state;
    event ev = {.set = 1};
    waiter w;
    waiter_start(e, &w, &ev, 1);
    assert_int_equal(pawl_loop_run(&e->loop, PAWL_RUN_DEFAULT), 0);
    assert_int_equal(pawl_task_cancel(&e->loop, &w.task), 0);
    assert_int_equal(pawl_task_get_state(&w.task), PAWL_TASK_DONE);
    assert_int_equal(w.cleanups, 1);
    joiner j;
    joiner_start(e, &j, &w.task);
    assert_int_equal(pawl_loop_run(&e->loop, PAWL_RUN_DEFAULT), 0);
    assert_int_equal(j.rc, 0); /* still "finished", not canceled */
}

static void cancel_twice_is_already(void **state)
{
    env *e = *state;
    event ev = {0};
    waiter w;
    waiter_start(e, &w, &ev, 1);
    assert_int_equal(run_nowait(e), 1);
    assert_int_equal(pawl_task_cancel(&e->loop, &w.task), 0);
    assert_int_equal(pawl_task_cancel(&e->loop, &w.task), PAWL_EALREADY);
    assert_int_equal(pawl_loop_run(&e->loop, PAWL_RUN_DEFAULT), 0);
    assert_int_equal(w.cleanups, 1);
}

static void cancel_before_first_poll_never_runs_the_task(void **state)
{
    env *e = *state;
    event ev = {0};
    waiter w;
    waiter_start(e, &w, &ev, 1);
    joiner j;
    joiner_start(e, &j, &w.task);
    assert_int_equal(pawl_task_cancel(&e->loop, &w.task), 0);
    assert_int_equal(pawl_loop_run(&e->loop, PAWL_RUN_DEFAULT), 0);
    assert_int_equal(w.polls, 0);
    assert_int_equal(w.began, 0);
    assert_int_equal(w.cleanups, 0);
    assert_int_equal(j.rc, PAWL_ECANCELED);
}

typedef struct selfcancel {
    pawl_task task;
    int after_yield;
    int cleanups;
    int cancel_rc;
} selfcancel;

static pawl_poll selfcancel_poll(pawl_task *t, pawl_cx *cx)
{
    selfcancel *s = PAWL_CONTAINER_OF(t, selfcancel, task);
    PAWL_BEGIN(cx);
    s->cancel_rc = pawl_task_cancel(cx->loop, t);
    PAWL_YIELD(cx); /* the cancel takes effect at this suspension point */
    s->after_yield++;
    PAWL_CLEANUP(cx);
    s->cleanups++;
    PAWL_END(cx);
}

static void cancel_of_itself_takes_effect_at_the_next_await(void **state)
{
    env *e = *state;
    selfcancel s = {0};
    pawl_task_init(&s.task, selfcancel_poll);
    assert_int_equal(pawl_task_spawn(&e->loop, &s.task), 0);
    assert_int_equal(pawl_loop_run(&e->loop, PAWL_RUN_DEFAULT), 0);
    assert_int_equal(s.cancel_rc, 0);
    assert_int_equal(s.after_yield, 0);
    assert_int_equal(s.cleanups, 1);
    assert_int_equal(s.task.pawl__lc, PAWL_ECANCELED);
}

static void cancel_of_a_task_on_another_loop_is_foreign(void **state)
{
    env *e = *state;
    vloop other;
    vloop_open(&other, 0, (pawl_loop_opts){0});
    event ev = {0};
    waiter w;
    waiter_start(&other, &w, &ev, 1);
    /* QUEUED on the other loop (found through the queue's tail)... */
    assert_int_equal(pawl_task_cancel(&e->loop, &w.task), PAWL_EFOREIGN);
    assert_int_equal(run_nowait(&other), 1);
    /* ...and WAITING there. */
    assert_int_equal(pawl_task_cancel(&e->loop, &w.task), PAWL_EFOREIGN);
    assert_int_equal(w.cleanups, 0);
    assert_int_equal(pawl_task_get_state(&w.task), PAWL_TASK_WAITING);
    assert_int_equal(pawl_task_cancel(&other.loop, &w.task), 0);
    assert_int_equal(pawl_loop_run(&other.loop, PAWL_RUN_DEFAULT), 0);
    assert_int_equal(w.cleanups, 1);
    vloop_close(&other);
}

static void cancel_of_a_joiner_gives_its_registration_back(void **state)
{
    env *e = *state;
    event ev = {0};
    waiter w;
    waiter_start(e, &w, &ev, 1);
    joiner j1;
    joiner_start(e, &j1, &w.task);
    assert_int_equal(run_nowait(e), 1);
    assert_int_equal(pawl_task_cancel(&e->loop, &j1.task), 0);
    assert_int_equal(run_nowait(e), 1);
    assert_int_equal(j1.rc, PAWL_ECANCELED);
    assert_int_equal(j1.cleanups, 1);
    joiner j2; /* the place is free again */
    joiner_start(e, &j2, &w.task);
    assert_int_equal(run_nowait(e), 1);
    assert_int_equal(pawl_task_get_state(&j2.task), PAWL_TASK_WAITING);
    event_fire(&ev);
    assert_int_equal(pawl_loop_run(&e->loop, PAWL_RUN_DEFAULT), 0);
    assert_int_equal(j2.rc, 0);
}

/* The target finishes while its joiner is already queued (here by a
 * cancel): the joiner stays queued once, and its next poll sees the cancel
 * (then its cleanup section runs in a poll of its own). */
static void join_target_finishing_while_its_joiner_is_queued(void **state)
{
    env *e = *state;
    event ev = {0};
    waiter w;
    waiter_start(e, &w, &ev, 1);
    joiner j;
    joiner_start(e, &j, &w.task);
    assert_int_equal(run_nowait(e), 1);
    event_fire(&ev); /* w is queued first... */
    assert_int_equal(pawl_task_cancel(&e->loop, &j.task), 0); /* ...then j */
    assert_int_equal(pawl_task_get_state(&j.task), PAWL_TASK_QUEUED);
    assert_int_equal(pawl_loop_run(&e->loop, PAWL_RUN_DEFAULT), 0);
    assert_int_equal(pawl_task_get_state(&w.task), PAWL_TASK_DONE);
    assert_int_equal(pawl_task_get_state(&j.task), PAWL_TASK_DONE);
    assert_int_equal(j.polls, 3);
    assert_int_equal(j.rc, PAWL_ECANCELED);
    assert_int_equal(j.cleanups, 1);
}

/* A task with an awaiting cleanup section, and PAWL_EXIT in both parts. */
typedef struct cleaner {
    pawl_task task;
    event *ev;
    int exit_early;
    int exit_in_cleanup;
    int body_end;
    int cleanup_begin;
    int cleanup_end;
    int cleanup_rc;
    int rc;
} cleaner;

static pawl_poll cleaner_poll(pawl_task *t, pawl_cx *cx)
{
    cleaner *c = PAWL_CONTAINER_OF(t, cleaner, task);
    PAWL_BEGIN(cx);
    if (c->exit_early)
        PAWL_EXIT(cx);
    PAWL_AWAIT(cx, c->rc, event_poll(c->ev, cx));
    c->body_end++;
    PAWL_CLEANUP(cx);
    c->cleanup_begin++;
    if (c->exit_in_cleanup)
        PAWL_EXIT(cx);
    PAWL_AWAIT(cx, c->cleanup_rc, event_poll(c->ev, cx));
    c->cleanup_end++;
    PAWL_END(cx);
}

static void exit_skips_the_rest_of_the_body_but_runs_cleanup(void **state)
{
    env *e = *state;
    event ev = {.set = 1};
    cleaner c = {.ev = &ev, .exit_early = 1};
    pawl_task_init(&c.task, cleaner_poll);
    assert_int_equal(pawl_task_spawn(&e->loop, &c.task), 0);
    assert_int_equal(pawl_loop_run(&e->loop, PAWL_RUN_DEFAULT), 0);
    assert_int_equal(c.body_end, 0);
    assert_int_equal(c.cleanup_begin, 1);
    assert_int_equal(c.cleanup_end, 1);
    assert_int_equal(c.task.pawl__lc, 0); /* exited, not canceled */
}

static void exit_inside_cleanup_ends_the_task(void **state)
{
    env *e = *state;
    event ev = {.set = 1};
    cleaner c = {.ev = &ev, .exit_in_cleanup = 1};
    pawl_task_init(&c.task, cleaner_poll);
    assert_int_equal(pawl_task_spawn(&e->loop, &c.task), 0);
    assert_int_equal(pawl_loop_run(&e->loop, PAWL_RUN_DEFAULT), 0);
    assert_int_equal(c.body_end, 1);
    assert_int_equal(c.cleanup_begin, 1);
    assert_int_equal(c.cleanup_end, 0);
}

static void cleanup_may_await_and_is_not_canceled_again(void **state)
{
    env *e = *state;
    event ev = {0};
    cleaner c = {.ev = &ev};
    pawl_task_init(&c.task, cleaner_poll);
    assert_int_equal(pawl_task_spawn(&e->loop, &c.task), 0);
    assert_int_equal(run_nowait(e), 1);
    assert_int_equal(pawl_task_cancel(&e->loop, &c.task), 0);
    assert_int_equal(run_nowait(e), 1);
    assert_int_equal(c.cleanup_begin, 1);
    assert_int_equal(c.cleanup_end, 0); /* awaiting inside cleanup */
    assert_non_null(ev.waiter.task);
    /* A cancel now is too late and changes nothing. */
    assert_int_equal(pawl_task_cancel(&e->loop, &c.task), PAWL_EALREADY);
    event_fire(&ev);
    assert_int_equal(pawl_loop_run(&e->loop, PAWL_RUN_DEFAULT), 0);
    assert_int_equal(c.cleanup_rc, PAWL_READY); /* not canceled */
    assert_int_equal(c.cleanup_end, 1);
    assert_int_equal(c.task.pawl__lc, PAWL_ECANCELED);
}

static void cancel_during_normal_cleanup_is_a_no_op(void **state)
{
    env *e = *state;
    event ev = {.set = 1};
    cleaner c = {.ev = &ev};
    pawl_task_init(&c.task, cleaner_poll);
    assert_int_equal(pawl_task_spawn(&e->loop, &c.task), 0);
    /* The body's await is ready at once, so the first poll reaches the
     * cleanup section's await and waits there. */
    assert_int_equal(run_nowait(e), 1);
    assert_int_equal(c.body_end, 1);
    assert_int_equal(c.cleanup_begin, 1);
    assert_int_equal(pawl_task_cancel(&e->loop, &c.task), 0);
    event_fire(&ev);
    assert_int_equal(pawl_loop_run(&e->loop, PAWL_RUN_DEFAULT), 0);
    assert_int_equal(c.cleanup_end, 1);
    assert_int_equal(c.task.pawl__lc, 0); /* it finished; cancel came late */
}

/* ---- the cooperative budget ---------------------------------------------- */

static pawl_poll always_ready(int *count)
{
    (*count)++;
    return PAWL_READY;
}

typedef struct spinner {
    pawl_task task;
    int awaits;
    int stop_after;
    int polls;
    int rc;
} spinner;

static pawl_poll spinner_poll(pawl_task *t, pawl_cx *cx)
{
    spinner *s = PAWL_CONTAINER_OF(t, spinner, task);
    s->polls++;
    PAWL_BEGIN(cx);
    while (s->awaits < s->stop_after)
        PAWL_AWAIT(cx, s->rc, always_ready(&s->awaits));
    PAWL_END(cx);
}

static void budget_forces_a_yield_after_await_budget_ready_awaits(void **state)
{
    (void)state;
    vloop v;
    vloop_open(&v, 0, (pawl_loop_opts){.await_budget = 10, .poll_budget = 1});
    pawl_loop *loop = &v.loop;
    spinner s = {.stop_after = 35};
    int log[8], n = 0;
    yielder y = {.id = 7, .times = 1, .log = log, .log_n = &n};
    pawl_task_init(&s.task, spinner_poll);
    pawl_task_init(&y.task, yielder_poll);
    assert_int_equal(pawl_task_spawn(loop, &s.task), 0);
    assert_int_equal(pawl_task_spawn(loop, &y.task), 0);
    /* One poll per iteration: the spinner gives up after 10 awaits. */
    assert_int_equal(pawl_loop_run(loop, PAWL_RUN_ONCE), 1);
    assert_int_equal(s.polls, 1);
    assert_int_equal(s.awaits, 10);
    assert_int_equal(n, 0);
    assert_int_equal(pawl_loop_run(loop, PAWL_RUN_ONCE), 1);
    assert_int_equal(n, 1); /* the other task got its turn */
    assert_int_equal(pawl_loop_run(loop, PAWL_RUN_DEFAULT), 0);
    assert_int_equal(s.awaits, 35);
    assert_int_equal(s.polls, 4);
    vloop_close(&v);
}

static void budget_bounds_polls_per_iteration_for_a_self_waking_task(void **state)
{
    (void)state;
    vloop v;
    vloop_open(&v, 0, (pawl_loop_opts){.poll_budget = 4});
    pawl_loop *loop = &v.loop;
    int log[64], n = 0;
    yielder y = {.id = 1, .times = 10, .log = log, .log_n = &n};
    pawl_task_init(&y.task, yielder_poll);
    assert_int_equal(pawl_task_spawn(loop, &y.task), 0);
    assert_int_equal(pawl_loop_run(loop, PAWL_RUN_ONCE), 1);
    assert_int_equal(n, 4); /* woke itself each time, polled 4 times */
    assert_int_equal(pawl_loop_iterations(loop), 1);
    assert_int_equal(pawl_loop_run(loop, PAWL_RUN_DEFAULT), 0);
    assert_int_equal(n, 10);
    assert_int_equal(pawl_loop_iterations(loop), 3); /* 4 + 4 + (2 + end) */
    vloop_close(&v);
}

/* ---- microtasks run between task polls ------------------------------------ */

typedef struct mt_task {
    pawl_task task;
    int id;
    int *log;
    int *n;
} mt_task;

static void mt_note(void *arg)
{
    mt_task *m = arg;
    m->log[(*m->n)++] = 100 + m->id;
}

static pawl_poll mt_task_poll(pawl_task *t, pawl_cx *cx)
{
    mt_task *m = PAWL_CONTAINER_OF(t, mt_task, task);
    PAWL_BEGIN(cx);
    m->log[(*m->n)++] = m->id;
    assert_int_equal(pawl_queue_microtask(cx->loop, mt_note, m), 0);
    PAWL_END(cx);
}

static void microtasks_queued_by_a_poll_run_before_the_next_poll(void **state)
{
    env *e = *state;
    int log[8], n = 0;
    mt_task a = {.id = 1, .log = log, .n = &n};
    mt_task b = {.id = 2, .log = log, .n = &n};
    pawl_task_init(&a.task, mt_task_poll);
    pawl_task_init(&b.task, mt_task_poll);
    assert_int_equal(pawl_task_spawn(&e->loop, &a.task), 0);
    assert_int_equal(pawl_task_spawn(&e->loop, &b.task), 0);
    assert_int_equal(pawl_loop_run(&e->loop, PAWL_RUN_DEFAULT), 0);
    static const int want[] = {1, 101, 2, 102};
    assert_int_equal(n, 4);
    for (int i = 0; i < 4; i++)
        assert_int_equal(log[i], want[i]);
}

/* ---- bad input ----------------------------------------------------------- */

static void spawn_rejects_bad_input_and_leaves_things_intact(void **state)
{
    env *e = *state;
    event ev = {0};
    waiter w;
    waiter_start(e, &w, &ev, 1);
    assert_int_equal(pawl_task_spawn(&e->loop, &w.task), PAWL_EALREADY);
    assert_int_equal(pawl_task_spawn(&e->loop, NULL), PAWL_EINVAL);
    assert_int_equal(pawl_task_spawn(NULL, &w.task), PAWL_EINVAL);
    pawl_task uninit = {0};
    assert_int_equal(pawl_task_spawn(&e->loop, &uninit), PAWL_EINVAL);
    assert_int_equal(pawl_task_init(NULL, waiter_poll), PAWL_EINVAL);
    assert_int_equal(pawl_task_init(&uninit, NULL), PAWL_EINVAL);
    pawl_loop zeroed;
    memset(&zeroed, 0, sizeof zeroed);
    pawl_task other;
    pawl_task_init(&other, waiter_poll);
    assert_int_equal(pawl_task_spawn(&zeroed, &other), PAWL_EUNINIT);
    /* The first task is still queued exactly once and runs normally. */
    assert_int_equal(pawl_task_get_state(&w.task), PAWL_TASK_QUEUED);
    assert_int_equal(run_nowait(e), 1);
    assert_int_equal(w.polls, 1);
    event_fire(&ev);
    assert_int_equal(pawl_loop_run(&e->loop, PAWL_RUN_DEFAULT), 0);
    assert_int_equal(w.polls, 2);
}

static void spawn_on_a_closed_loop_is_closed(void **state)
{
    (void)state;
    pawl_vclock vc;
    pawl_vclock_init(&vc, 0);
    pawl_loop loop;
    assert_int_equal(pawl_loop_init(&loop, &(pawl_loop_opts){.platform = &vc.base}), 0);
    assert_int_equal(pawl_loop_close(&loop), 0);
    waiter w;
    memset(&w, 0, sizeof w);
    pawl_task_init(&w.task, waiter_poll);
    assert_int_equal(pawl_task_spawn(&loop, &w.task), PAWL_ECLOSED);
    assert_int_equal(pawl_task_cancel(&loop, &w.task), PAWL_ECLOSED);
    assert_int_equal(pawl_task_get_state(&w.task), PAWL_TASK_INIT);
}

static void cancel_rejects_bad_input(void **state)
{
    env *e = *state;
    assert_int_equal(pawl_task_cancel(&e->loop, NULL), PAWL_EINVAL);
    pawl_task never;
    pawl_task_init(&never, waiter_poll);
    assert_int_equal(pawl_task_cancel(&e->loop, &never), PAWL_EINVAL);
    assert_int_equal(pawl_task_cancel(NULL, &never), PAWL_EINVAL);
    assert_int_equal(pawl_task_get_state(&never), PAWL_TASK_INIT);
    assert_int_equal(pawl_task_get_state(NULL), PAWL_EINVAL);
}

static void task_header_is_four_words(void **state)
{
    (void)state;
#if !defined(PAWL_TRACE) /* a traced task carries its await site and list links */
    assert_int_equal(sizeof(pawl_task), 4 * sizeof(void *));
    assert_true(sizeof(pawl_task) <= 32);
#endif
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, env_setup, vloop_delete)
    const struct CMUnitTest tests[] = {
        T(task_runs_to_completion_after_spawn),
        T(task_is_polled_only_when_woken),
        T(task_without_waker_makes_the_virtual_loop_report_deadlock),
        T(waker_twice_queues_the_task_once),
        T(waker_of_finished_task_is_a_no_op),
        T(waker_of_recycled_task_does_not_wake_the_new_run),
        T(waker_zeroed_wakes_nothing),
        T(waker_restarted_task_runs_from_the_top),
        T(waker_called_during_its_own_poll_requeues_after_the_poll),
        T(yield_interleaves_tasks_in_fifo_order),
        T(join_waits_for_the_target_and_reads_its_result),
        T(join_of_a_finished_task_is_ready_at_once),
        T(join_by_a_second_task_is_busy),
        T(join_of_self_or_unspawned_task_is_invalid),
        T(join_of_a_task_on_another_loop_is_foreign),
        T(cancel_waiting_task_releases_its_await_and_runs_cleanup),
        T(cancel_of_finished_task_is_a_no_op),
        T(cancel_twice_is_already),
        T(cancel_before_first_poll_never_runs_the_task),
        T(cancel_of_itself_takes_effect_at_the_next_await),
        T(cancel_of_a_task_on_another_loop_is_foreign),
        T(cancel_of_a_joiner_gives_its_registration_back),
        T(join_target_finishing_while_its_joiner_is_queued),
        T(exit_skips_the_rest_of_the_body_but_runs_cleanup),
        T(exit_inside_cleanup_ends_the_task),
        T(cleanup_may_await_and_is_not_canceled_again),
        T(cancel_during_normal_cleanup_is_a_no_op),
        cmocka_unit_test(budget_forces_a_yield_after_await_budget_ready_awaits),
        cmocka_unit_test(budget_bounds_polls_per_iteration_for_a_self_waking_task),
        T(microtasks_queued_by_a_poll_run_before_the_next_poll),
        T(spawn_rejects_bad_input_and_leaves_things_intact),
        cmocka_unit_test(spawn_on_a_closed_loop_is_closed),
        T(cancel_rejects_bad_input),
        cmocka_unit_test(task_header_is_four_words),
    };
    return cmocka_run_group_tests_name("task_" PAWL_LC_IMPL, tests, NULL, NULL);
}
