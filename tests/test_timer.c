/*
 * tests/test_timer.c -- the intrusive timer on the loop (src/timer.c): when
 * callbacks run and in what order, AGAIN / PERIODIC re-arming, stop and
 * refresh from inside callbacks, ref / unref and liveness, the loop's
 * wait, the sleep and timeout futures, and 32-bit tick extension.
 *
 * Everything runs on the virtual clock: a wait jumps to its deadline, so
 * the times in the logs below are exact.  Callbacks append "name@ms" to a
 * log, and each test compares the whole log.
 */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "pawl/pawl.h"
#include "support.h"

#define MS 1000000u

static char g_log[2048];

static void log_event(const char *name, uint64_t ms)
{
    size_t len = strlen(g_log);
    snprintf(g_log + len, sizeof g_log - len, "%s%s@%llu", len ? " " : "", name,
             (unsigned long long)ms);
}

static int env_setup(void **state)
{
    g_log[0] = '\0';
    *state = vloop_new(0);
    return 0;
}

/* A timer that logs its name and does what `again` / `action` say. */
typedef struct probe {
    pawl_timer timer;
    const char *name;
    int again;               /* what the callback returns */
    int calls;
    int limit;               /* stop returning `again` after this many calls */
    uint64_t busy_ms;        /* advance the virtual clock this much inside */
    pawl_vclock *vc;
    void (*action)(pawl_loop *loop, struct probe *p);
    struct probe *other;
} probe;

static int probe_fire(pawl_loop *loop, pawl_timer *t)
{
    probe *p = PAWL_CONTAINER_OF(t, probe, timer);
    p->calls++;
    log_event(p->name, pawl_loop_now(loop));
    if (p->busy_ms)
        pawl_vclock_advance(p->vc, p->busy_ms * MS);
    if (p->action)
        p->action(loop, p);
    if (p->limit && p->calls >= p->limit)
        return PAWL_TIMER_STOP;
    return p->again;
}

static void probe_init(probe *p, const char *name)
{
    memset(p, 0, sizeof *p);
    p->name = name;
    assert_int_equal(pawl_timer_init(&p->timer, probe_fire), 0);
}

static void run_all(vloop *v)
{
    assert_int_equal(pawl_loop_run(&v->loop, PAWL_RUN_DEFAULT), 0);
}

/* ---- bad input ------------------------------------------------------------ */

static void timer_rejects_bad_input(void **state)
{
    vloop *v = *state;
    probe p;
    probe_init(&p, "p");
    pawl_timer zero = {0};
    assert_int_equal(pawl_timer_init(NULL, probe_fire), PAWL_EINVAL);
    assert_int_equal(pawl_timer_init(&p.timer, NULL), PAWL_EINVAL);
    assert_int_equal(pawl_timer_start(&v->loop, NULL, 1), PAWL_EINVAL);
    assert_int_equal(pawl_timer_start(&v->loop, &zero, 1), PAWL_EINVAL); /* no callback */
    assert_int_equal(pawl_timer_start(&v->loop, &p.timer, PAWL_TIMER_MAX_DELAY + 1u),
                     PAWL_EINVAL);
    assert_int_equal(pawl_timer_start(NULL, &p.timer, 1), PAWL_EINVAL);
    pawl_loop zeroed;
    memset(&zeroed, 0, sizeof zeroed);
    assert_int_equal(pawl_timer_start(&zeroed, &p.timer, 1), PAWL_EUNINIT);
    assert_int_equal(pawl_timer_stop(&zeroed, &p.timer), PAWL_EUNINIT);
    assert_int_equal(pawl_timer_stop(&v->loop, NULL), PAWL_EINVAL);
    assert_int_equal(pawl_timer_refresh(&v->loop, NULL), PAWL_EINVAL);
    assert_int_equal(pawl_timer_unref(&v->loop, NULL), PAWL_EINVAL);
    assert_int_equal(pawl_timer_start_at(&v->loop, &zero, 1), PAWL_EINVAL);
    assert_false(pawl_timer_active(&p.timer));
    assert_false(pawl_timer_active(NULL));
    assert_false(pawl_timer_has_ref(NULL));
    /* Nothing was armed by the failures. */
    assert_int_equal(pawl_loop_alive(&v->loop), 0);
}

static void timer_size_is_within_budget(void **state)
{
    (void)state;
    /* 48 bytes on 64-bit targets, 24 on 32-bit ones (the latter is checked
     * by tests/packaging/size32.c with a 32-bit compiler). */
    assert_true(sizeof(pawl_timer) <= (sizeof(void *) == 8 ? 48 : 24));
    /* A sleeping task: header, sleep (timer included) and a little state
     * within 100 bytes on 64-bit targets. */
    struct small_sleeper {
        pawl_task task;
        pawl_sleep sleep;
        uint32_t state;
    };
#if !defined(PAWL_TRACE) /* a traced task is larger */
    assert_true(sizeof(struct small_sleeper) <= 100);
#endif
}

/* ---- order and time -------------------------------------------------------- */

static void timers_fire_at_their_deadline_in_deadline_then_arm_order(void **state)
{
    vloop *v = *state;
    probe a, b, c, d;
    probe_init(&a, "a");
    probe_init(&b, "b");
    probe_init(&c, "c");
    probe_init(&d, "d");
    assert_int_equal(pawl_timer_start(&v->loop, &a.timer, 20), 0);
    assert_int_equal(pawl_timer_start(&v->loop, &b.timer, 10), 0);
    assert_int_equal(pawl_timer_start(&v->loop, &c.timer, 20), 0); /* same as a: after a */
    assert_int_equal(pawl_timer_start_at(&v->loop, &d.timer, 10), 0); /* same as b */
    assert_true(pawl_timer_active(&a.timer));
    assert_int_equal(pawl_timer_deadline(&a.timer), 20);
    assert_int_equal(pawl_timer_delay(&a.timer), 20);
    run_all(v);
    assert_string_equal(g_log, "b@10 d@10 a@20 c@20");
    assert_false(pawl_timer_active(&a.timer));
    /* The wait went straight to each deadline: exact nanoseconds. */
    assert_int_equal(v->vc.now_ns, 20u * MS);
}

static void equal_deadlines_keep_arm_order_across_different_delays(void **state)
{
    vloop *v = *state;
    probe a, b;
    probe_init(&a, "a");
    probe_init(&b, "b");
    pawl_vclock_advance(&v->vc, 0);
    assert_int_equal(pawl_timer_start(&v->loop, &a.timer, 300), 0); /* due 300 */
    /* 100 ms later, b for 200 ms: due 300 too, armed later: runs after a. */
    pawl_vclock_advance(&v->vc, 100u * MS);
    assert_int_equal(pawl_loop_run(&v->loop, PAWL_RUN_NOWAIT), 1);
    assert_int_equal(pawl_timer_start(&v->loop, &b.timer, 200), 0);
    run_all(v);
    assert_string_equal(g_log, "a@300 b@300");
}

static void restarting_an_armed_timer_moves_it_behind_equal_deadlines(void **state)
{
    vloop *v = *state;
    probe a, b;
    probe_init(&a, "a");
    probe_init(&b, "b");
    assert_int_equal(pawl_timer_start(&v->loop, &a.timer, 5), 0);
    assert_int_equal(pawl_timer_start(&v->loop, &b.timer, 5), 0);
    assert_int_equal(pawl_timer_refresh(&v->loop, &a.timer), 0);
    run_all(v);
    assert_string_equal(g_log, "b@5 a@5");
}

static void stopped_timer_never_fires_and_stop_is_idempotent(void **state)
{
    vloop *v = *state;
    probe a, b;
    probe_init(&a, "a");
    probe_init(&b, "b");
    assert_int_equal(pawl_timer_stop(&v->loop, &a.timer), 0); /* idle: no-op */
    assert_int_equal(pawl_timer_start(&v->loop, &a.timer, 5), 0);
    assert_int_equal(pawl_timer_start(&v->loop, &b.timer, 7), 0);
    assert_int_equal(pawl_timer_stop(&v->loop, &a.timer), 0);
    assert_int_equal(pawl_timer_stop(&v->loop, &a.timer), 0);
    run_all(v);
    assert_string_equal(g_log, "b@7");
    assert_int_equal(a.calls, 0);
}

static void stop_other(pawl_loop *loop, probe *p)
{
    assert_int_equal(pawl_timer_stop(loop, &p->other->timer), 0);
}

typedef struct mt_stop {
    pawl_loop *loop;
    pawl_timer *victim;
} mt_stop;

static void mt_stop_fn(void *arg)
{
    mt_stop *m = arg;
    log_event("micro", pawl_loop_now(m->loop));
    assert_int_equal(pawl_timer_stop(m->loop, m->victim), 0);
}

static mt_stop g_mt;

static void queue_stop_microtask(pawl_loop *loop, probe *p)
{
    g_mt.loop = loop;
    g_mt.victim = &p->other->timer;
    assert_int_equal(pawl_queue_microtask(loop, mt_stop_fn, &g_mt), 0);
}

static void a_callback_or_its_microtask_can_stop_a_timer_due_in_the_same_pass(void **state)
{
    vloop *v = *state;
    probe a, b, c, d;
    probe_init(&a, "a");
    probe_init(&b, "b");
    probe_init(&c, "c");
    probe_init(&d, "d");
    a.action = stop_other;
    a.other = &b;
    c.action = queue_stop_microtask;
    c.other = &d;
    assert_int_equal(pawl_timer_start(&v->loop, &a.timer, 5), 0);
    assert_int_equal(pawl_timer_start(&v->loop, &b.timer, 5), 0);
    assert_int_equal(pawl_timer_start(&v->loop, &c.timer, 9), 0);
    assert_int_equal(pawl_timer_start(&v->loop, &d.timer, 9), 0);
    run_all(v);
    /* The microtask ran right after c, before d's turn. */
    assert_string_equal(g_log, "a@5 c@9 micro@9");
}

/* ---- arming during the pass --------------------------------------------------- */

static void rearm_zero(pawl_loop *loop, probe *p)
{
    if (p->calls < 3)
        assert_int_equal(pawl_timer_start(loop, &p->timer, 0), 0);
}

static void a_timer_armed_during_the_pass_waits_for_the_next_pass(void **state)
{
    vloop *v = *state;
    probe a, b;
    probe_init(&a, "a");
    probe_init(&b, "b");
    a.action = rearm_zero; /* re-arms itself for 0 ms, twice */
    assert_int_equal(pawl_timer_start(&v->loop, &a.timer, 2), 0);
    assert_int_equal(pawl_timer_start(&v->loop, &b.timer, 2), 0);
    uint64_t before = pawl_loop_iterations(&v->loop);
    /* One iteration runs a and b once each: a's 0 ms re-arm waits. */
    pawl_vclock_advance(&v->vc, 2u * MS);
    assert_int_equal(pawl_loop_run(&v->loop, PAWL_RUN_NOWAIT), 1);
    assert_string_equal(g_log, "a@2 b@2");
    run_all(v);
    assert_string_equal(g_log, "a@2 b@2 a@2 a@2");
    assert_int_equal(pawl_loop_iterations(&v->loop) - before, 3);
}

static void start_other_for_5(pawl_loop *loop, probe *p)
{
    if (p->calls == 1)
        assert_int_equal(pawl_timer_start(loop, &p->other->timer, 5), 0);
}

/* A timer armed by one callback of a pass (x, from a's callback) and one
 * re-armed by a later callback's AGAIN (b) share a deadline: they run in
 * that order, the order they were armed in. */
static void timers_armed_during_a_pass_keep_arm_order_with_rearms(void **state)
{
    vloop *v = *state;
    probe a, b, x;
    probe_init(&a, "a");
    probe_init(&b, "b");
    probe_init(&x, "x");
    a.action = start_other_for_5;
    a.other = &x;
    b.again = PAWL_TIMER_AGAIN;
    b.limit = 2;
    assert_int_equal(pawl_timer_start(&v->loop, &a.timer, 10), 0);
    assert_int_equal(pawl_timer_start(&v->loop, &b.timer, 5), 0);
    /* b is due at 5 first; re-armed for 10 it ties with a, armed earlier. */
    run_all(v);
    assert_string_equal(g_log, "b@5 a@10 b@10 x@15");
    /* And at 20: x (armed by a at 10 for 5 -> 15) came before any re-arm
     * of b; now the other way round in one pass. */
    g_log[0] = '\0';
    probe c, y;
    probe_init(&c, "c");
    probe_init(&y, "y");
    c.action = start_other_for_5;
    c.other = &y;
    b.calls = 0;
    b.limit = 2;
    assert_int_equal(pawl_timer_start(&v->loop, &c.timer, 5), 0); /* 20 */
    assert_int_equal(pawl_timer_start(&v->loop, &b.timer, 5), 0); /* 20 */
    run_all(v);
    /* At 20: c arms y for 25, then b returns AGAIN for 25: y first. */
    assert_string_equal(g_log, "c@20 b@20 y@25 b@25");
}

static void again_rearms_from_the_pass_start_and_merges_missed_ticks(void **state)
{
    vloop *v = *state;
    probe a;
    probe_init(&a, "a");
    a.again = PAWL_TIMER_AGAIN;
    a.limit = 4;
    a.vc = &v->vc;
    a.busy_ms = 0;
    assert_int_equal(pawl_timer_start(&v->loop, &a.timer, 10), 0);
    /* Block the loop for 35 ms before it first runs: the three ticks at
     * 10, 20, 30 become one call at 35, and the next is 10 ms after. */
    pawl_vclock_advance(&v->vc, 35u * MS);
    run_all(v);
    assert_string_equal(g_log, "a@35 a@45 a@55 a@65");
}

static void busy(pawl_loop *loop, probe *p)
{
    (void)loop;
    if (p->calls == 2)
        pawl_vclock_advance(p->vc, 35u * MS);
}

static void periodic_never_drifts_and_catches_up_in_order(void **state)
{
    vloop *v = *state;
    probe a, b;
    probe_init(&a, "a");
    probe_init(&b, "b");
    a.again = PAWL_TIMER_PERIODIC;
    a.limit = 7;
    a.vc = &v->vc;
    a.action = busy; /* the 2nd call takes 35 ms */
    assert_int_equal(pawl_timer_start(&v->loop, &a.timer, 10), 0);
    assert_int_equal(pawl_timer_start(&v->loop, &b.timer, 55), 0);
    run_all(v);
    /* Deadlines 30, 40, 50 were missed while the 2nd call ran (20 -> 55);
     * they are served at once, in deadline order (before b's 55), and the
     * schedule stays on multiples of 10. */
    assert_string_equal(g_log, "a@10 a@20 a@55 a@55 a@55 b@55 a@60 a@70");
}

static void stop_inside_own_callback_cancels_again(void **state)
{
    vloop *v = *state;
    probe a;
    probe_init(&a, "a");
    a.again = PAWL_TIMER_AGAIN;
    a.action = stop_other;
    a.other = &a;
    assert_int_equal(pawl_timer_start(&v->loop, &a.timer, 3), 0);
    run_all(v);
    assert_string_equal(g_log, "a@3");
    assert_false(pawl_timer_active(&a.timer));
}

static void refresh_self(pawl_loop *loop, probe *p)
{
    if (p->calls == 1)
        assert_int_equal(pawl_timer_refresh(loop, &p->timer), 0);
}

static void refresh_inside_own_callback_rearms_a_one_shot(void **state)
{
    vloop *v = *state;
    probe a;
    probe_init(&a, "a");
    a.action = refresh_self;
    assert_int_equal(pawl_timer_start(&v->loop, &a.timer, 4), 0);
    run_all(v);
    assert_string_equal(g_log, "a@4 a@8");
}

static void start_at_the_past_runs_in_the_next_pass_and_forever_saturates(void **state)
{
    vloop *v = *state;
    probe a, b, c;
    probe_init(&a, "a");
    probe_init(&b, "b");
    probe_init(&c, "c");
    pawl_vclock_advance(&v->vc, 50u * MS);
    assert_int_equal(pawl_loop_run(&v->loop, PAWL_RUN_NOWAIT), 0);
    assert_int_equal(pawl_timer_start(&v->loop, &b.timer, 0), 0);   /* due 50 */
    assert_int_equal(pawl_timer_start_at(&v->loop, &a.timer, 7), 0); /* past: 50 */
    assert_int_equal(pawl_timer_deadline(&a.timer), 50);
    assert_int_equal(pawl_timer_start_at(&v->loop, &c.timer, PAWL_FOREVER), 0);
    assert_int_equal(pawl_timer_unref(&v->loop, &c.timer), 0);
    run_all(v);
    assert_string_equal(g_log, "b@50 a@50");
    assert_true(pawl_timer_active(&c.timer)); /* armed for ever, unreferenced */
    assert_int_equal(pawl_loop_close(&v->loop), PAWL_EBUSY);
    assert_int_equal(pawl_timer_stop(&v->loop, &c.timer), 0);
}

/* ---- liveness ------------------------------------------------------------------ */

static void unref_timer_does_not_keep_the_loop_alive_but_fires_while_it_is(void **state)
{
    vloop *v = *state;
    probe a, b, c;
    probe_init(&a, "a");
    probe_init(&b, "b");
    probe_init(&c, "c");
    assert_true(pawl_timer_has_ref(&a.timer));
    assert_int_equal(pawl_timer_unref(&v->loop, &a.timer), 0);
    assert_false(pawl_timer_has_ref(&a.timer));
    assert_int_equal(pawl_timer_start(&v->loop, &a.timer, 10), 0);
    assert_int_equal(pawl_loop_alive(&v->loop), 0);
    assert_int_equal(pawl_timer_start(&v->loop, &b.timer, 30), 0); /* referenced */
    assert_int_equal(pawl_loop_alive(&v->loop), 1);
    /* c is armed unreferenced for after b: it never runs. */
    assert_int_equal(pawl_timer_unref(&v->loop, &c.timer), 0);
    assert_int_equal(pawl_timer_start(&v->loop, &c.timer, 40), 0);
    run_all(v);
    /* The wait stopped at a's deadline even though only b kept the loop
     * alive. */
    assert_string_equal(g_log, "a@10 b@30");
    assert_int_equal(v->vc.now_ns, 30u * MS);
    assert_true(pawl_timer_active(&c.timer));
    /* ref again: now it keeps the loop alive and runs. */
    assert_int_equal(pawl_timer_ref(&v->loop, &c.timer), 0);
    assert_int_equal(pawl_timer_ref(&v->loop, &c.timer), 0); /* idempotent */
    assert_int_equal(pawl_loop_alive(&v->loop), 1);
    run_all(v);
    assert_string_equal(g_log, "a@10 b@30 c@40");
}

static void armed_timer_keeps_close_busy_until_stopped(void **state)
{
    vloop *v = *state;
    probe a;
    probe_init(&a, "a");
    assert_int_equal(pawl_timer_start(&v->loop, &a.timer, 10), 0);
    assert_int_equal(pawl_loop_close(&v->loop), PAWL_EBUSY);
    assert_int_equal(pawl_timer_stop(&v->loop, &a.timer), 0);
    assert_int_equal(pawl_loop_alive(&v->loop), 0);
}

static void far_timer_wakes_the_loop_a_few_times_and_fires_exactly(void **state)
{
    vloop *v = *state;
    probe a;
    probe_init(&a, "a");
    /* 3 h 25 min: in a coarse slot.  The loop may wake at slot starts on
     * the way (one per level at most), but the callback runs at its tick. */
    uint32_t ms = 12345678u;
    assert_int_equal(pawl_timer_start(&v->loop, &a.timer, ms), 0);
    uint64_t waits = v->vc.waits;
    run_all(v);
    char want[32];
    snprintf(want, sizeof want, "a@%u", ms);
    assert_string_equal(g_log, want);
    assert_true(v->vc.waits - waits <= PAWL_WHEEL_LEVELS);
}

/* ---- sleep and timeout futures ------------------------------------------------ */

typedef struct sleeper {
    pawl_task task;
    pawl_sleep sleep;
    pawl_sleep limit;
    pawl_sleep inner;
    int i;
    int rc;
    int rcs[4];
    uint32_t ms;
    uint32_t limit_ms;
    uint64_t until;
} sleeper;

static pawl_poll sleep_three_times(pawl_task *t, pawl_cx *cx)
{
    sleeper *s = PAWL_CONTAINER_OF(t, sleeper, task);
    PAWL_BEGIN(cx);
    for (s->i = 0; s->i < 3; s->i++) {
        PAWL_AWAIT(cx, s->rc, pawl_sleep_ms(&s->sleep, cx, s->ms));
        s->rcs[s->i] = s->rc;
        log_event("woke", pawl_loop_now(cx->loop));
    }
    PAWL_END(cx);
}

static void sleep_is_reusable_and_exact(void **state)
{
    vloop *v = *state;
    sleeper s;
    memset(&s, 0, sizeof s); /* a zeroed pawl_sleep needs no init */
    s.ms = 7;
    assert_int_equal(pawl_task_init(&s.task, sleep_three_times), 0);
    assert_int_equal(pawl_task_spawn(&v->loop, &s.task), 0);
    run_all(v);
    assert_string_equal(g_log, "woke@7 woke@14 woke@21");
    assert_int_equal(s.rcs[0], 0);
    assert_int_equal(s.rcs[2], 0);
}

static pawl_poll sleep_once_cleanup(pawl_task *t, pawl_cx *cx)
{
    sleeper *s = PAWL_CONTAINER_OF(t, sleeper, task);
    PAWL_BEGIN(cx);
    s->rc = 1;
    PAWL_AWAIT(cx, s->rc, pawl_sleep_ms(&s->sleep, cx, s->ms));
    log_event("woke", pawl_loop_now(cx->loop));
    PAWL_CLEANUP(cx);
    log_event("cleanup", pawl_loop_now(cx->loop));
    PAWL_END(cx);
}

static void canceled_sleep_stops_its_timer_and_reports_cancellation(void **state)
{
    vloop *v = *state;
    sleeper s;
    memset(&s, 0, sizeof s);
    s.ms = 1000;
    assert_int_equal(pawl_task_init(&s.task, sleep_once_cleanup), 0);
    assert_int_equal(pawl_task_spawn(&v->loop, &s.task), 0);
    assert_int_equal(pawl_loop_run(&v->loop, PAWL_RUN_NOWAIT), 1);
    assert_true(pawl_timer_active(&s.sleep.pawl__timer));
    assert_int_equal(pawl_task_cancel(&v->loop, &s.task), 0);
    run_all(v);
    assert_string_equal(g_log, "cleanup@0");
    assert_int_equal(s.rc, PAWL_ECANCELED);
    assert_false(pawl_timer_active(&s.sleep.pawl__timer));
    /* The loop ended at once: the canceled sleep's timer is gone. */
    assert_int_equal(v->vc.now_ns, 0);
}

static pawl_poll sleep_until_task(pawl_task *t, pawl_cx *cx)
{
    sleeper *s = PAWL_CONTAINER_OF(t, sleeper, task);
    PAWL_BEGIN(cx);
    PAWL_AWAIT(cx, s->rc, pawl_sleep_until(&s->sleep, cx, s->until));
    log_event("woke", pawl_loop_now(cx->loop));
    PAWL_AWAIT(cx, s->rc, pawl_sleep_until(&s->sleep, cx, 3)); /* past */
    log_event("again", pawl_loop_now(cx->loop));
    PAWL_END(cx);
}

static void sleep_until_is_absolute_and_a_past_time_is_the_next_pass(void **state)
{
    vloop *v = *state;
    sleeper s;
    memset(&s, 0, sizeof s);
    s.until = 40;
    assert_int_equal(pawl_task_init(&s.task, sleep_until_task), 0);
    assert_int_equal(pawl_task_spawn(&v->loop, &s.task), 0);
    run_all(v);
    assert_string_equal(g_log, "woke@40 again@40");
}

static void sleep_rejects_bad_input(void **state)
{
    vloop *v = *state;
    pawl_sleep s = {0};
    pawl_task task;
    pawl_cx cx = {&v->loop, &task, 0, 0u};
    assert_int_equal(pawl_sleep_ms(NULL, &cx, 1), PAWL_EINVAL);
    assert_int_equal(pawl_sleep_ms(&s, NULL, 1), PAWL_EINVAL);
    assert_int_equal(pawl_sleep_ms(&s, &cx, PAWL_TIMER_MAX_DELAY + 1u), PAWL_EINVAL);
    assert_int_equal(pawl_sleep_until(NULL, &cx, 1), PAWL_EINVAL);
}

static pawl_poll timeout_task(pawl_task *t, pawl_cx *cx)
{
    sleeper *s = PAWL_CONTAINER_OF(t, sleeper, task);
    PAWL_BEGIN(cx);
    s->rc = 1;
    PAWL_AWAIT(cx, s->rc,
               PAWL_TIMEOUT(&s->limit, cx, s->limit_ms, pawl_sleep_ms(&s->inner, cx, s->ms)));
    log_event(s->rc == PAWL_ETIMEDOUT ? "timedout" : "done", pawl_loop_now(cx->loop));
    PAWL_CLEANUP(cx);
    log_event("cleanup", pawl_loop_now(cx->loop));
    PAWL_END(cx);
}

static void timeout_passes_the_inner_result_when_it_is_first(void **state)
{
    vloop *v = *state;
    sleeper s;
    memset(&s, 0, sizeof s);
    s.ms = 10;
    s.limit_ms = 50;
    assert_int_equal(pawl_task_init(&s.task, timeout_task), 0);
    assert_int_equal(pawl_task_spawn(&v->loop, &s.task), 0);
    run_all(v);
    assert_string_equal(g_log, "done@10 cleanup@10");
    assert_int_equal(s.rc, 0);
    /* The limit's timer was stopped: the loop ended at 10, not 50. */
    assert_int_equal(v->vc.now_ns, 10u * MS);
    assert_false(pawl_timer_active(&s.limit.pawl__timer));
}

static void timeout_cancels_the_inner_future_when_time_runs_out(void **state)
{
    vloop *v = *state;
    sleeper s;
    memset(&s, 0, sizeof s);
    s.ms = 500;
    s.limit_ms = 20;
    assert_int_equal(pawl_task_init(&s.task, timeout_task), 0);
    assert_int_equal(pawl_task_spawn(&v->loop, &s.task), 0);
    run_all(v);
    assert_string_equal(g_log, "timedout@20 cleanup@20");
    assert_int_equal(s.rc, PAWL_ETIMEDOUT);
    /* The inner sleep released its timer: the loop ended at 20, not 500. */
    assert_false(pawl_timer_active(&s.inner.pawl__timer));
    assert_int_equal(v->vc.now_ns, 20u * MS);
    /* And the task's context is not left canceled: it finished normally. */
    assert_int_equal(pawl_task_get_state(&s.task), PAWL_TASK_DONE);
}

static void canceling_the_task_releases_timeout_and_inner(void **state)
{
    vloop *v = *state;
    sleeper s;
    memset(&s, 0, sizeof s);
    s.ms = 500;
    s.limit_ms = 200;
    assert_int_equal(pawl_task_init(&s.task, timeout_task), 0);
    assert_int_equal(pawl_task_spawn(&v->loop, &s.task), 0);
    assert_int_equal(pawl_loop_run(&v->loop, PAWL_RUN_NOWAIT), 1);
    assert_int_equal(pawl_task_cancel(&v->loop, &s.task), 0);
    run_all(v);
    assert_string_equal(g_log, "cleanup@0");
    assert_int_equal(s.rc, PAWL_ECANCELED);
    assert_false(pawl_timer_active(&s.inner.pawl__timer));
    assert_false(pawl_timer_active(&s.limit.pawl__timer));
}

/* ---- 32-bit tick sources ------------------------------------------------------- */

static void tick32_extends_across_wraps(void **state)
{
    (void)state;
    pawl_tick32 e;
    pawl_tick32_init(&e, UINT32_MAX - 1);
    assert_int_equal(pawl_tick32_extend(&e, UINT32_MAX - 1), UINT32_MAX - 1);
    assert_int_equal(pawl_tick32_extend(&e, UINT32_MAX), UINT32_MAX);
    assert_int_equal(pawl_tick32_extend(&e, 3), (UINT64_C(1) << 32) + 3);
    assert_int_equal(pawl_tick32_extend(&e, 3), (UINT64_C(1) << 32) + 3);
    assert_int_equal(pawl_tick32_extend(&e, 0x80000000u), (UINT64_C(1) << 32) + 0x80000000u);
    assert_int_equal(pawl_tick32_extend(&e, 1), (UINT64_C(2) << 32) + 1);
}

/* A platform whose clock is a 32-bit millisecond counter (as a SysTick
 * count is), wrapped around a virtual clock and extended by pawl_tick32. */
typedef struct tick32_platform {
    pawl_platform base;
    pawl_vclock *vc;
    pawl_tick32 ext;
} tick32_platform;

static uint32_t raw_ms(const tick32_platform *p)
{
    return (uint32_t)(p->vc->now_ns / MS);
}

static uint64_t t32_now(pawl_platform *pp)
{
    tick32_platform *p = (tick32_platform *)pp;
    return pawl_tick32_extend(&p->ext, raw_ms(p)) * MS;
}

static int t32_wait(pawl_platform *pp, uint64_t deadline_ns)
{
    tick32_platform *p = (tick32_platform *)pp;
    /* Deadlines come in extended time: convert to the raw clock's. */
    uint64_t now = t32_now(pp);
    uint64_t raw_deadline = deadline_ns == PAWL_FOREVER || deadline_ns == 0
                                ? deadline_ns
                                : p->vc->now_ns + (deadline_ns > now ? deadline_ns - now : 0);
    return p->vc->base.ops->wait(&p->vc->base, raw_deadline);
}

static void t32_notify(pawl_platform *pp)
{
    tick32_platform *p = (tick32_platform *)pp;
    p->vc->base.ops->notify(&p->vc->base);
}

static void t32_close(pawl_platform *pp)
{
    (void)pp;
}

static const pawl_platform_ops t32_ops = {"tick32", t32_now, t32_wait, t32_notify, t32_close, NULL};

static void timers_run_in_order_across_a_32_bit_tick_wrap(void **state)
{
    (void)state;
    pawl_vclock vc;
    /* The raw millisecond counter starts 10 ms before it wraps. */
    uint64_t start_ms = (UINT64_C(1) << 32) - 10;
    pawl_vclock_init(&vc, start_ms * MS);
    tick32_platform p = {{&t32_ops}, &vc, {0, 0}};
    pawl_tick32_init(&p.ext, raw_ms(&p));
    pawl_loop loop;
    assert_int_equal(pawl_loop_init(&loop, &(pawl_loop_opts){.platform = &p.base}), 0);
    uint64_t t0 = pawl_loop_now(&loop);
    assert_int_equal(t0, start_ms);
    probe a, b, c, d;
    probe_init(&a, "a");
    probe_init(&b, "b");
    probe_init(&c, "c");
    probe_init(&d, "d");
    d.again = PAWL_TIMER_PERIODIC;
    d.limit = 4;
    assert_int_equal(pawl_timer_start(&loop, &c.timer, 25), 0);
    assert_int_equal(pawl_timer_start(&loop, &a.timer, 5), 0);
    assert_int_equal(pawl_timer_start(&loop, &b.timer, 10), 0); /* at the wrap */
    assert_int_equal(pawl_timer_start(&loop, &d.timer, 4), 0);
    assert_int_equal(pawl_loop_run(&loop, PAWL_RUN_DEFAULT), 0);
    /* Times are printed as offsets from the start to keep them short. */
    char want[128];
    snprintf(want, sizeof want, "d@%llu a@%llu d@%llu b@%llu d@%llu d@%llu c@%llu",
             (unsigned long long)(t0 + 4), (unsigned long long)(t0 + 5),
             (unsigned long long)(t0 + 8), (unsigned long long)(t0 + 10),
             (unsigned long long)(t0 + 12), (unsigned long long)(t0 + 16),
             (unsigned long long)(t0 + 25));
    assert_string_equal(g_log, want);
    /* The raw clock did wrap, and the loop's time kept going up. */
    assert_true(raw_ms(&p) < 100);
    assert_int_equal(pawl_loop_now(&loop), t0 + 25);
    assert_int_equal(pawl_loop_close(&loop), 0);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, env_setup, vloop_delete)
    const struct CMUnitTest tests[] = {
        T(timer_rejects_bad_input),
        T(timer_size_is_within_budget),
        T(timers_fire_at_their_deadline_in_deadline_then_arm_order),
        T(equal_deadlines_keep_arm_order_across_different_delays),
        T(restarting_an_armed_timer_moves_it_behind_equal_deadlines),
        T(stopped_timer_never_fires_and_stop_is_idempotent),
        T(a_callback_or_its_microtask_can_stop_a_timer_due_in_the_same_pass),
        T(a_timer_armed_during_the_pass_waits_for_the_next_pass),
        T(timers_armed_during_a_pass_keep_arm_order_with_rearms),
        T(again_rearms_from_the_pass_start_and_merges_missed_ticks),
        T(periodic_never_drifts_and_catches_up_in_order),
        T(stop_inside_own_callback_cancels_again),
        T(refresh_inside_own_callback_rearms_a_one_shot),
        T(start_at_the_past_runs_in_the_next_pass_and_forever_saturates),
        T(unref_timer_does_not_keep_the_loop_alive_but_fires_while_it_is),
        T(armed_timer_keeps_close_busy_until_stopped),
        T(far_timer_wakes_the_loop_a_few_times_and_fires_exactly),
        T(sleep_is_reusable_and_exact),
        T(canceled_sleep_stops_its_timer_and_reports_cancellation),
        T(sleep_until_is_absolute_and_a_past_time_is_the_next_pass),
        T(sleep_rejects_bad_input),
        T(timeout_passes_the_inner_result_when_it_is_first),
        T(timeout_cancels_the_inner_future_when_time_runs_out),
        T(canceling_the_task_releases_timeout_and_inner),
        T(tick32_extends_across_wraps),
        T(timers_run_in_order_across_a_32_bit_tick_wrap),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
