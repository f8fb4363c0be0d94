/*
 * tests/test_select.c -- join and select over futures (src/select.c): when
 * they complete, which future wins a select, what happens to the losers
 * (their timers and registrations released, an outcome that arrived
 * anyway kept), cancellation, and bad input.
 *
 * Everything runs in real tasks on the virtual clock, so the times below
 * are exact.  The inner futures are sleeps (each with its own pawl_sleep)
 * and two hand-written ones: a gate, which completes once something is
 * handed to it from outside (like a notify or a channel receive), and an
 * eager future, which is ready at once unless it is dropped.  Each task
 * logs "what@ms" and tests compare the whole log.
 */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "pawl/pawl.h"
#include "pawl/sync.h"
#include "support.h"

#define MS 1000000u

static void run_all(vloop *v)
{
    assert_int_equal(pawl_loop_run(&v->loop, PAWL_RUN_DEFAULT), 0);
}

static void log_event(char *log, size_t size, const char *what, uint64_t ms)
{
    size_t len = strlen(log);
    snprintf(log + len, size - len, "%s%s@%llu", len ? " " : "", what, (unsigned long long)ms);
}

/* ---- inner futures ----------------------------------------------------------- */

/* A sleep as a pawl_future: `ms` from its first poll. */
typedef struct nap {
    pawl_sleep sleep;
    uint32_t ms;
    int polls;      /* every poll, dropped or not */
    uint64_t at;    /* loop time it became ready; UINT64_MAX if never */
} nap;

static pawl_poll nap_poll(void *arg, pawl_cx *cx)
{
    nap *z = arg;
    z->polls++;
    pawl_poll r = pawl_sleep_ms(&z->sleep, cx, z->ms);
    if (r == PAWL_READY)
        z->at = pawl_loop_now(cx->loop);
    return r;
}

static void nap_init(nap *z, pawl_future *f, uint32_t ms)
{
    memset(z, 0, sizeof *z);
    z->ms = ms;
    z->at = UINT64_MAX;
    pawl_future_init(f, nap_poll, z);
}

/*
 * A gate: something (a timer callback below) hands it an item and wakes
 * the waiting task; its next poll takes the item.  Like the primitives of
 * pawl/sync.h, an item handed over before a drop is taken by the drop and
 * reported as the real result: the gate never loses it.
 */
typedef struct gate {
    pawl_waker waker;
    bool waiting;     /* holds a waker */
    bool handed;      /* an item is waiting to be taken */
    int item;
    pawl_poll outcome; /* what the poll that takes the item returns */
    int got;          /* the item taken; -1 if none */
    int polls;        /* normal polls */
    int drops;        /* polls with a canceled context */
} gate;

static pawl_poll gate_poll(void *arg, pawl_cx *cx)
{
    gate *g = arg;
    if (pawl_cx_canceled(cx))
        g->drops++;
    else
        g->polls++;
    if (g->handed) {
        g->handed = false;
        g->waiting = false;
        g->got = g->item;
        return g->outcome;
    }
    if (pawl_cx_canceled(cx)) {
        g->waiting = false;
        return PAWL_ECANCELED;
    }
    g->waker = pawl_cx_waker(cx);
    g->waiting = true;
    return PAWL_PENDING;
}

static void gate_init(gate *g, pawl_future *f)
{
    memset(g, 0, sizeof *g);
    g->got = -1;
    pawl_future_init(f, gate_poll, g);
}

static void gate_hand(gate *g, int item, pawl_poll outcome)
{
    g->handed = true;
    g->item = item;
    g->outcome = outcome;
    if (g->waiting)
        pawl_wake(g->waker);
}

/* Ready with 0 as soon as it is polled normally; a drop finds nothing to
 * give back. */
typedef struct eager {
    int polls;
    int drops;
} eager;

static pawl_poll eager_poll(void *arg, pawl_cx *cx)
{
    eager *e = arg;
    if (pawl_cx_canceled(cx)) {
        e->drops++;
        return PAWL_ECANCELED;
    }
    e->polls++;
    return PAWL_READY;
}

/* ---- events at given times ----------------------------------------------------- */

/* A timer that hands items to gates (in the order listed) and/or cancels
 * a task when it fires. */
typedef struct event {
    pawl_timer timer;
    gate *gates[2];
    int items[2];
    pawl_poll outcome;
    pawl_task *cancel;
    pawl_channel *ch; /* if set, `send` is sent into it */
    int send;
} event;

static int event_fire(pawl_loop *loop, pawl_timer *t)
{
    event *e = PAWL_CONTAINER_OF(t, event, timer);
    if (e->cancel != NULL)
        assert_int_equal(pawl_task_cancel(loop, e->cancel), 0);
    for (int i = 0; i < 2; i++)
        if (e->gates[i] != NULL)
            gate_hand(e->gates[i], e->items[i], e->outcome);
    if (e->ch != NULL)
        assert_int_equal(pawl_channel_try_send(e->ch, &e->send), 0);
    return PAWL_TIMER_STOP;
}

static void event_at(vloop *v, event *e, uint32_t ms)
{
    assert_int_equal(pawl_timer_init(&e->timer, event_fire), 0);
    assert_int_equal(pawl_timer_start(&v->loop, &e->timer, ms), 0);
}

/* ---- the tasks ------------------------------------------------------------------ */

typedef struct racer {
    pawl_task task;
    pawl_future fs[4];
    size_t n;
    size_t which;
    int rc;
    char log[128];
} racer;

static void note(racer *r, const char *what, pawl_cx *cx)
{
    log_event(r->log, sizeof r->log, what, pawl_loop_now(cx->loop));
}

static pawl_poll join_task(pawl_task *t, pawl_cx *cx)
{
    racer *r = PAWL_CONTAINER_OF(t, racer, task);
    PAWL_BEGIN(cx);
    r->rc = 1;
    PAWL_AWAIT(cx, r->rc, pawl_join(r->fs, r->n, cx));
    note(r, "joined", cx);
    PAWL_CLEANUP(cx);
    note(r, "cleanup", cx);
    PAWL_END(cx);
}

static pawl_poll select_task(pawl_task *t, pawl_cx *cx)
{
    racer *r = PAWL_CONTAINER_OF(t, racer, task);
    PAWL_BEGIN(cx);
    r->rc = 1;
    PAWL_AWAIT(cx, r->rc, pawl_select(r->fs, r->n, cx, &r->which));
    note(r, "selected", cx);
    PAWL_CLEANUP(cx);
    note(r, "cleanup", cx);
    PAWL_END(cx);
}

static void racer_start(vloop *v, racer *r, size_t n, pawl_task_fn *fn)
{
    r->n = n;
    r->which = 99;
    r->log[0] = '\0';
    assert_int_equal(pawl_task_init(&r->task, fn), 0);
    assert_int_equal(pawl_task_spawn(&v->loop, &r->task), 0);
}

static int env_setup(void **state)
{
    *state = vloop_new(0);
    return 0;
}

/* ---- join ----------------------------------------------------------------------- */

static void join_is_ready_when_the_last_future_is_and_polls_each_until_done(void **state)
{
    vloop *v = *state;
    racer r;
    nap z[3];
    nap_init(&z[0], &r.fs[0], 30);
    nap_init(&z[1], &r.fs[1], 10);
    nap_init(&z[2], &r.fs[2], 20);
    /* A guard: if the join never ends, it is canceled at 1000 (the timer
     * is unreferenced, so it does not keep the loop alive by itself). */
    event guard = {0};
    guard.cancel = &r.task;
    event_at(v, &guard, 1000);
    assert_int_equal(pawl_timer_unref(&v->loop, &guard.timer), 0);
    racer_start(v, &r, 3, join_task);
    run_all(v);
    assert_string_equal(r.log, "joined@30 cleanup@30");
    assert_int_equal(r.rc, 0);
    assert_int_equal(v->vc.now_ns, 30u * MS);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(r.fs[i].done, 1);
        assert_int_equal(r.fs[i].result, 0);
    }
    assert_int_equal(z[0].at, 30);
    assert_int_equal(z[1].at, 10);
    assert_int_equal(z[2].at, 20);
    /* The join was polled at 0, 10, 20 and 30; a done future is not polled
     * again (a second poll would have re-armed its sleep). */
    assert_int_equal(z[0].polls, 4);
    assert_int_equal(z[1].polls, 2);
    assert_int_equal(z[2].polls, 3);
    assert_false(pawl_timer_active(&z[1].sleep.pawl__timer));
    assert_int_equal(pawl_timer_stop(&v->loop, &guard.timer), 0);
}

static void join_keeps_each_outcome_and_a_failure_does_not_end_it(void **state)
{
    vloop *v = *state;
    racer r;
    nap z;
    gate g, now;
    event e = {0};
    gate_init(&g, &r.fs[0]);
    nap_init(&z, &r.fs[1], 20);
    gate_init(&now, &r.fs[2]);
    gate_hand(&now, 3, PAWL_ENOENT); /* fails at its first poll */
    e.gates[0] = &g;
    e.items[0] = 7;
    e.outcome = PAWL_ECLOSED; /* fails at 5 */
    event_at(v, &e, 5);
    racer_start(v, &r, 3, join_task);
    run_all(v);
    /* The failures at 0 and 5 did not end the join: it waited for 20. */
    assert_string_equal(r.log, "joined@20 cleanup@20");
    assert_int_equal(r.rc, 0);
    assert_int_equal(r.fs[0].done, 1);
    assert_int_equal(r.fs[0].result, PAWL_ECLOSED);
    assert_int_equal(g.got, 7);
    assert_int_equal(r.fs[1].done, 1);
    assert_int_equal(r.fs[1].result, 0);
    assert_int_equal(r.fs[2].done, 1);
    assert_int_equal(r.fs[2].result, PAWL_ENOENT);
    assert_int_equal(now.polls, 1);
}

static void canceled_join_drops_the_pending_futures_and_keeps_finished_ones(void **state)
{
    vloop *v = *state;
    racer r;
    nap z[3];
    gate g;
    event e = {0};
    nap_init(&z[0], &r.fs[0], 30);
    nap_init(&z[1], &r.fs[1], 10);
    nap_init(&z[2], &r.fs[2], 1000);
    gate_init(&g, &r.fs[3]);
    /* At 15 the task is canceled, and in the same callback the gate is
     * handed an item: the drop takes it. */
    e.cancel = &r.task;
    e.gates[0] = &g;
    e.items[0] = 4;
    event_at(v, &e, 15);
    racer_start(v, &r, 4, join_task);
    run_all(v);
    assert_string_equal(r.log, "cleanup@15");
    assert_int_equal(r.rc, PAWL_ECANCELED);
    /* The sleeps still pending gave their timers back: the loop ended at
     * 15, not at 30 or 1000. */
    assert_false(pawl_timer_active(&z[0].sleep.pawl__timer));
    assert_false(pawl_timer_active(&z[2].sleep.pawl__timer));
    assert_int_equal(v->vc.now_ns, 15u * MS);
    assert_int_equal(r.fs[0].done, 0);
    assert_int_equal(r.fs[0].result, PAWL_ECANCELED);
    assert_int_equal(r.fs[2].done, 0);
    assert_int_equal(r.fs[2].result, PAWL_ECANCELED);
    /* Finished before: kept, and not polled by the drop. */
    assert_int_equal(r.fs[1].done, 1);
    assert_int_equal(r.fs[1].result, 0);
    assert_int_equal(z[1].polls, 2);
    /* Finished during the drop: kept with its item. */
    assert_int_equal(r.fs[3].done, 1);
    assert_int_equal(r.fs[3].result, 0);
    assert_int_equal(g.got, 4);
    assert_int_equal(g.drops, 1);
}

/* ---- select --------------------------------------------------------------------- */

static void select_first_ready_wins_and_the_loser_releases_its_timer(void **state)
{
    vloop *v = *state;
    racer r;
    nap z[2];
    nap_init(&z[0], &r.fs[0], 50);
    nap_init(&z[1], &r.fs[1], 20);
    racer_start(v, &r, 2, select_task);
    run_all(v);
    /* The task finished normally: its context is not left canceled by
     * the drop of the loser. */
    assert_string_equal(r.log, "selected@20 cleanup@20");
    assert_int_equal(r.rc, 0);
    assert_int_equal(r.which, 1);
    assert_int_equal(r.fs[1].done, 1);
    assert_int_equal(r.fs[1].result, 0);
    /* The 50 ms sleep was dropped: its timer is gone and the loop ended
     * at 20. */
    assert_int_equal(r.fs[0].done, 0);
    assert_int_equal(r.fs[0].result, PAWL_ECANCELED);
    assert_false(pawl_timer_active(&z[0].sleep.pawl__timer));
    assert_int_equal(v->vc.now_ns, 20u * MS);
    /* Armed at 0; at 20 polled first (index 0: still pending), then
     * dropped once 1 had won. */
    assert_int_equal(z[0].polls, 3);
}

static void select_tie_goes_to_the_lower_index_and_the_other_keeps_its_item(void **state)
{
    vloop *v = *state;
    racer r;
    gate g[3];
    event e = {0};
    for (int i = 0; i < 3; i++)
        gate_init(&g[i], &r.fs[i]);
    /* At 10 both 1 and 0 are handed items (1 first), in one callback, so
     * one poll of the select finds both ready. */
    e.gates[0] = &g[1];
    e.items[0] = 11;
    e.gates[1] = &g[0];
    e.items[1] = 10;
    event_at(v, &e, 10);
    racer_start(v, &r, 3, select_task);
    run_all(v);
    assert_string_equal(r.log, "selected@10 cleanup@10");
    assert_int_equal(r.which, 0);
    assert_int_equal(r.fs[0].done, 1);
    assert_int_equal(r.fs[0].result, 0);
    assert_int_equal(g[0].got, 10);
    /* The loser had its item too: the drop took it, and it is kept. */
    assert_int_equal(r.fs[1].done, 1);
    assert_int_equal(r.fs[1].result, 0);
    assert_int_equal(g[1].got, 11);
    assert_int_equal(g[1].drops, 1);
    /* The third had nothing: released, no waker left behind. */
    assert_int_equal(r.fs[2].done, 0);
    assert_int_equal(r.fs[2].result, PAWL_ECANCELED);
    assert_int_equal(g[2].drops, 1);
    assert_false(g[2].waiting);
}

static void select_tie_between_sleeps_due_together_keeps_both_outcomes(void **state)
{
    vloop *v = *state;
    racer r;
    nap z[3];
    nap_init(&z[0], &r.fs[0], 40);
    nap_init(&z[1], &r.fs[1], 25);
    nap_init(&z[2], &r.fs[2], 25);
    racer_start(v, &r, 3, select_task);
    run_all(v);
    assert_string_equal(r.log, "selected@25 cleanup@25");
    assert_int_equal(r.which, 1);
    /* The sleep at 2 had fired too when it was dropped: done, not lost. */
    assert_int_equal(r.fs[2].done, 1);
    assert_int_equal(r.fs[2].result, 0);
    assert_int_equal(z[2].at, 25);
    assert_int_equal(r.fs[0].done, 0);
    assert_false(pawl_timer_active(&z[0].sleep.pawl__timer));
    assert_int_equal(v->vc.now_ns, 25u * MS);
}

static void select_drops_later_futures_without_polling_them_normally(void **state)
{
    vloop *v = *state;
    racer r;
    gate g;
    eager e;
    memset(&e, 0, sizeof e);
    gate_init(&g, &r.fs[0]);
    gate_hand(&g, 1, PAWL_READY);
    pawl_future_init(&r.fs[1], eager_poll, &e);
    racer_start(v, &r, 2, select_task);
    run_all(v);
    assert_string_equal(r.log, "selected@0 cleanup@0");
    assert_int_equal(r.which, 0);
    /* The eager future would have been ready too, had it been polled: it
     * was only dropped, so it took nothing. */
    assert_int_equal(e.polls, 0);
    assert_int_equal(e.drops, 1);
    assert_int_equal(r.fs[1].done, 0);
    assert_int_equal(r.fs[1].result, PAWL_ECANCELED);
}

static void select_as_a_timeout_the_notification_comes_first(void **state)
{
    vloop *v = *state;
    racer r;
    gate g;
    nap z;
    event e = {0};
    gate_init(&g, &r.fs[0]);
    nap_init(&z, &r.fs[1], 100);
    e.gates[0] = &g;
    e.items[0] = 5;
    event_at(v, &e, 30);
    racer_start(v, &r, 2, select_task);
    run_all(v);
    assert_string_equal(r.log, "selected@30 cleanup@30");
    assert_int_equal(r.which, 0);
    assert_int_equal(g.got, 5);
    assert_int_equal(r.fs[1].done, 0);
    assert_false(pawl_timer_active(&z.sleep.pawl__timer));
    assert_int_equal(v->vc.now_ns, 30u * MS);
}

static void select_as_a_timeout_time_runs_out_and_the_wait_is_released(void **state)
{
    vloop *v = *state;
    racer r;
    gate g;
    nap z;
    gate_init(&g, &r.fs[0]);
    nap_init(&z, &r.fs[1], 100);
    racer_start(v, &r, 2, select_task);
    run_all(v);
    assert_string_equal(r.log, "selected@100 cleanup@100");
    assert_int_equal(r.which, 1);
    assert_int_equal(r.fs[0].done, 0);
    assert_int_equal(r.fs[0].result, PAWL_ECANCELED);
    assert_int_equal(g.drops, 1);
    assert_false(g.waiting); /* no waker left behind */
}

static void canceled_select_drops_every_future(void **state)
{
    vloop *v = *state;
    racer r;
    nap z[2];
    gate g;
    event e = {0};
    nap_init(&z[0], &r.fs[0], 50);
    nap_init(&z[1], &r.fs[1], 80);
    gate_init(&g, &r.fs[2]);
    e.cancel = &r.task;
    event_at(v, &e, 10);
    racer_start(v, &r, 3, select_task);
    run_all(v);
    assert_string_equal(r.log, "cleanup@10");
    assert_int_equal(r.rc, PAWL_ECANCELED);
    assert_int_equal(r.which, 99); /* no winner: not written */
    for (int i = 0; i < 3; i++) {
        assert_int_equal(r.fs[i].done, 0);
        assert_int_equal(r.fs[i].result, PAWL_ECANCELED);
    }
    assert_false(pawl_timer_active(&z[0].sleep.pawl__timer));
    assert_false(pawl_timer_active(&z[1].sleep.pawl__timer));
    assert_int_equal(g.drops, 1);
    assert_false(g.waiting);
    assert_int_equal(v->vc.now_ns, 10u * MS);
}

static void select_counts_a_future_already_done_as_ready_without_polling_it(void **state)
{
    vloop *v = *state;
    racer r;
    gate g;
    eager e;
    memset(&e, 0, sizeof e);
    gate_init(&g, &r.fs[0]);
    pawl_future_init(&r.fs[1], eager_poll, &e);
    /* Done in an earlier select (it completed while being dropped). */
    r.fs[1].done = 1;
    r.fs[1].result = PAWL_EAGAIN;
    racer_start(v, &r, 2, select_task);
    run_all(v);
    assert_string_equal(r.log, "selected@0 cleanup@0");
    assert_int_equal(r.which, 1);
    assert_int_equal(r.fs[1].result, PAWL_EAGAIN);
    assert_int_equal(e.polls + e.drops, 0);
    /* The select polled the gate first, then dropped it. */
    assert_int_equal(g.polls, 1);
    assert_int_equal(g.drops, 1);
    assert_int_equal(r.fs[0].done, 0);
}

/* ---- with a real primitive: a channel receive against a sleep --------------------- */

typedef struct listener {
    pawl_task task;
    pawl_channel ch;
    int buf[4];
    nap z[3]; /* one per round: a sleep is never reset while armed */
    pawl_future fs[2];
    int got;
    int round;
    size_t which;
    int rc;
    char log[128];
} listener;

static pawl_poll recv_poll(void *arg, pawl_cx *cx)
{
    listener *l = arg;
    return pawl_channel_recv(&l->ch, cx, &l->got);
}

/* Three rounds of select(sleep, receive): the sleep is 20 ms in the
 * first, 100 ms in the others. */
static pawl_poll listener_task(pawl_task *t, pawl_cx *cx)
{
    listener *l = PAWL_CONTAINER_OF(t, listener, task);
    char what[32];
    PAWL_BEGIN(cx);
    for (l->round = 0; l->round < 3; l->round++) {
        nap_init(&l->z[l->round], &l->fs[0], l->round == 0 ? 20 : 100);
        pawl_future_init(&l->fs[1], recv_poll, l);
        l->got = -1;
        PAWL_AWAIT(cx, l->rc, pawl_select(l->fs, 2, cx, &l->which));
        assert_int_equal(l->rc, 0);
        if (l->which == 0)
            snprintf(what, sizeof what, "slept(len%zu)", pawl_channel_len(&l->ch));
        else
            snprintf(what, sizeof what, "got%d", l->got);
        log_event(l->log, sizeof l->log, what, pawl_loop_now(cx->loop));
        /* The loser of each round was released, not left done. */
        assert_int_equal(l->fs[1 - l->which].done, 0);
    }
    PAWL_END(cx);
}

static void select_between_a_channel_receive_and_a_sleep_loses_no_item(void **state)
{
    vloop *v = *state;
    listener l;
    memset(&l, 0, sizeof l);
    assert_int_equal(pawl_channel_init(&l.ch, l.buf, sizeof l.buf[0], 4), 0);
    /* At 20 an item is sent just before the 20 ms sleep fires (its timer
     * was armed first), so one poll of the select finds both ready: the
     * sleep wins (index 0) and the dropped receive leaves the item in the
     * channel.  The next round's receive takes it at once; the third
     * round's receive waits for the item sent at 30. */
    event a = {0}, b = {0};
    a.ch = b.ch = &l.ch;
    a.send = 7;
    b.send = 8;
    event_at(v, &a, 20);
    event_at(v, &b, 30);
    assert_int_equal(pawl_task_init(&l.task, listener_task), 0);
    assert_int_equal(pawl_task_spawn(&v->loop, &l.task), 0);
    run_all(v);
    assert_string_equal(l.log, "slept(len1)@20 got7@20 got8@30");
    assert_int_equal(pawl_channel_len(&l.ch), 0);
    /* The 100 ms sleeps were released: the loop ended at 30. */
    assert_false(pawl_timer_active(&l.z[1].sleep.pawl__timer));
    assert_false(pawl_timer_active(&l.z[2].sleep.pawl__timer));
    assert_int_equal(v->vc.now_ns, 30u * MS);
}

/* ---- the context, and bad input --------------------------------------------------- */

static void select_leaves_the_context_as_it_found_it(void **state)
{
    vloop *v = *state;
    pawl_task task;
    gate g[3];
    pawl_future fs[3];
    for (int i = 0; i < 3; i++)
        gate_init(&g[i], &fs[i]);
    gate_hand(&g[1], 1, PAWL_READY);
    pawl_cx cx = {&v->loop, &task, 3, 0u};
    size_t which = 99;
    assert_int_equal(pawl_select(fs, 3, &cx, &which), PAWL_READY);
    assert_int_equal(which, 1);
    /* The drops of 0 and 2 ran canceled, and then the flags came back;
     * the budget is the task's business: one await, whatever n is. */
    assert_int_equal(g[0].drops, 1);
    assert_int_equal(g[2].drops, 1);
    assert_int_equal(cx.pawl__flags, 0u);
    assert_int_equal(cx.pawl__budget, 3);
    /* A join of eager futures, polled directly, changes neither either. */
    eager e[3];
    memset(e, 0, sizeof e);
    for (int i = 0; i < 3; i++)
        pawl_future_init(&fs[i], eager_poll, &e[i]);
    assert_int_equal(pawl_join(fs, 3, &cx), PAWL_READY);
    assert_int_equal(e[2].polls, 1);
    assert_int_equal(cx.pawl__flags, 0u);
    assert_int_equal(cx.pawl__budget, 3);
}

static void join_and_select_reject_bad_input_and_poll_nothing(void **state)
{
    vloop *v = *state;
    pawl_task task;
    pawl_cx cx = {&v->loop, &task, 1, 0u};
    eager e;
    memset(&e, 0, sizeof e);
    pawl_future fs[2];
    pawl_future_init(&fs[0], eager_poll, &e);
    pawl_future_init(&fs[1], NULL, NULL); /* no poll function */
    size_t which = 99;
    assert_int_equal(pawl_join(NULL, 1, &cx), PAWL_EINVAL);
    assert_int_equal(pawl_join(fs, 0, &cx), PAWL_EINVAL);
    assert_int_equal(pawl_join(fs, 1, NULL), PAWL_EINVAL);
    assert_int_equal(pawl_join(fs, 2, &cx), PAWL_EINVAL);
    assert_int_equal(pawl_select(NULL, 1, &cx, &which), PAWL_EINVAL);
    assert_int_equal(pawl_select(fs, 0, &cx, &which), PAWL_EINVAL);
    assert_int_equal(pawl_select(fs, 1, NULL, &which), PAWL_EINVAL);
    assert_int_equal(pawl_select(fs, 1, &cx, NULL), PAWL_EINVAL);
    assert_int_equal(pawl_select(fs, 2, &cx, &which), PAWL_EINVAL);
    assert_int_equal(e.polls + e.drops, 0);
    assert_int_equal(fs[0].done, 0);
    assert_int_equal(which, 99);
    pawl_future_init(NULL, eager_poll, &e); /* does nothing */
    /* A future already done needs no poll function. */
    fs[1].done = 1;
    fs[1].result = 0;
    assert_int_equal(pawl_join(fs, 2, &cx), PAWL_READY);
    assert_int_equal(e.polls, 1);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, env_setup, vloop_delete)
    const struct CMUnitTest tests[] = {
        T(join_is_ready_when_the_last_future_is_and_polls_each_until_done),
        T(join_keeps_each_outcome_and_a_failure_does_not_end_it),
        T(canceled_join_drops_the_pending_futures_and_keeps_finished_ones),
        T(select_first_ready_wins_and_the_loser_releases_its_timer),
        T(select_tie_goes_to_the_lower_index_and_the_other_keeps_its_item),
        T(select_tie_between_sleeps_due_together_keeps_both_outcomes),
        T(select_drops_later_futures_without_polling_them_normally),
        T(select_as_a_timeout_the_notification_comes_first),
        T(select_as_a_timeout_time_runs_out_and_the_wait_is_released),
        T(canceled_select_drops_every_future),
        T(select_counts_a_future_already_done_as_ready_without_polling_it),
        T(select_between_a_channel_receive_and_a_sleep_loses_no_item),
        T(select_leaves_the_context_as_it_found_it),
        T(join_and_select_reject_bad_input_and_poll_nothing),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
