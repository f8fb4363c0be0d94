/*
 * tests/test_loop.c -- the loop: init options, run modes, stop, close,
 * liveness, the cached clock, microtask semantics, and bad input.
 */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "pawl/pawl.h"
#include "internal.h" /* pawl__ns_to_ms_32 */
#include "support.h"

typedef vloop env;

static int env_setup(void **state)
{
    *state = vloop_new(5000000); /* 5 ms */
    return 0;
}

/* A task that yields `times` times, counting its polls. */
typedef struct ticker {
    pawl_task task;
    int times;
    int i;
    int polls;
    int stop_at; /* call pawl_loop_stop on this poll (1-based), or 0 */
    int run_rc;  /* pawl_loop_run called from inside the task */
} ticker;

static pawl_poll ticker_poll(pawl_task *t, pawl_cx *cx)
{
    ticker *k = PAWL_CONTAINER_OF(t, ticker, task);
    k->polls++;
    if (k->polls == k->stop_at)
        assert_int_equal(pawl_loop_stop(cx->loop), 0);
    k->run_rc = pawl_loop_run(cx->loop, PAWL_RUN_NOWAIT);
    PAWL_BEGIN(cx);
    for (k->i = 0; k->i < k->times; k->i++)
        PAWL_YIELD(cx);
    PAWL_END(cx);
}

static void ticker_start(pawl_loop *loop, ticker *k, int times)
{
    memset(k, 0, sizeof *k);
    k->times = times;
    assert_int_equal(pawl_task_init(&k->task, ticker_poll), 0);
    assert_int_equal(pawl_task_spawn(loop, &k->task), 0);
}

/* ---- init and options ------------------------------------------------------ */

static void loop_init_accepts_null_options_and_uses_posix(void **state)
{
    (void)state;
    pawl_loop loop;
    assert_int_equal(pawl_loop_init(&loop, NULL), 0);
    assert_int_equal(pawl_loop_alive(&loop), 0);
    assert_int_equal(pawl_loop_run(&loop, PAWL_RUN_DEFAULT), 0); /* nothing to do */
    assert_int_equal(pawl_loop_close(&loop), 0);
}

static void noop_mt(void *arg)
{
    (void)arg;
}

static void loop_init_rejects_bad_options(void **state)
{
    (void)state;
    pawl_loop loop;
    assert_int_equal(pawl_loop_init(NULL, NULL), PAWL_EINVAL);
    pawl_vclock vc;
    pawl_vclock_init(&vc, 0);
    pawl_loop_opts o = {.platform = &vc.base, .await_budget = (unsigned)INT_MAX + 1u};
    assert_int_equal(pawl_loop_init(&loop, &o), PAWL_EINVAL);
    pawl_platform bare = {.ops = NULL};
    assert_int_equal(pawl_loop_init(&loop, &(pawl_loop_opts){.platform = &bare}), PAWL_EINVAL);
}

static void loop_reads_the_clock_once_per_iteration(void **state)
{
    env *e = *state;
    assert_int_equal(pawl_loop_now_ns(&e->loop), 5000000u);
    assert_int_equal(pawl_loop_now(&e->loop), 5u);
    pawl_vclock_advance(&e->vc, 2500000);
    assert_int_equal(pawl_loop_now(&e->loop), 5u); /* cached until it runs */
    assert_int_equal(pawl_loop_run(&e->loop, PAWL_RUN_NOWAIT), 0);
    assert_int_equal(pawl_loop_now_ns(&e->loop), 7500000u);
    assert_int_equal(pawl_loop_now(&e->loop), 7u);
}

/* ---- run modes ------------------------------------------------------------- */

static void run_nowait_does_one_iteration_and_never_blocks(void **state)
{
    env *e = *state;
    ticker k;
    ticker_start(&e->loop, &k, 1);
    /* poll_budget (128) lets a yielding task run twice in one iteration. */
    assert_int_equal(pawl_loop_run(&e->loop, PAWL_RUN_NOWAIT), 0);
    assert_int_equal(k.polls, 2);
    assert_int_equal(pawl_loop_iterations(&e->loop), 1);
    assert_int_equal(e->vc.waits, 0u); /* no wait was needed */
}

typedef struct parked {
    pawl_task task;
    pawl_remote *r;
    int rc;
    int polls;
} parked;

static pawl_poll parked_poll(pawl_task *t, pawl_cx *cx)
{
    parked *p = PAWL_CONTAINER_OF(t, parked, task);
    p->polls++;
    PAWL_BEGIN(cx);
    PAWL_AWAIT(cx, p->rc, pawl_remote_wait(p->r, cx));
    PAWL_END(cx);
}

static void run_once_blocks_in_poll_when_idle(void **state)
{
    env *e = *state;
    pawl_remote r;
    assert_int_equal(pawl_remote_init(&e->loop, &r, NULL, NULL), 0);
    parked p = {.r = &r};
    pawl_task_init(&p.task, parked_poll);
    assert_int_equal(pawl_task_spawn(&e->loop, &p.task), 0);
    /* ONCE: the task runs, then the poll phase waits (and the virtual clock
     * reports that nothing can ever end that wait). */
    assert_int_equal(pawl_loop_run(&e->loop, PAWL_RUN_ONCE), PAWL_EDEADLK);
    assert_int_equal(e->vc.waits, 1u);
    /* A ring first: the wait returns at once and delivers it. */
    assert_int_equal(pawl_wake_remote(&r), 0);
    assert_int_equal(pawl_loop_run(&e->loop, PAWL_RUN_ONCE), 1);
    assert_int_equal(pawl_task_get_state(&p.task), PAWL_TASK_QUEUED);
    assert_int_equal(pawl_loop_run(&e->loop, PAWL_RUN_NOWAIT), 1); /* remote still open */
    assert_int_equal(p.rc, 0);
    assert_int_equal(pawl_task_get_state(&p.task), PAWL_TASK_DONE);
    assert_int_equal(pawl_remote_close(&r), 0);
    assert_int_equal(pawl_loop_run(&e->loop, PAWL_RUN_DEFAULT), 0);
}

static void run_default_returns_when_nothing_is_alive(void **state)
{
    env *e = *state;
    ticker a, b;
    ticker_start(&e->loop, &a, 300);
    ticker_start(&e->loop, &b, 5);
    assert_int_equal(pawl_loop_alive(&e->loop), 1);
    assert_int_equal(pawl_loop_run(&e->loop, PAWL_RUN_DEFAULT), 0);
    assert_int_equal(a.polls, 301);
    assert_int_equal(b.polls, 6);
    assert_int_equal(pawl_loop_alive(&e->loop), 0);
    assert_true(pawl_loop_iterations(&e->loop) > 1); /* the budget split it */
}

static void run_rejects_an_unknown_mode(void **state)
{
    env *e = *state;
    assert_int_equal(pawl_loop_run(&e->loop, (pawl_run_mode)7), PAWL_EINVAL);
    assert_int_equal(pawl_loop_iterations(&e->loop), 0);
}

static void run_from_inside_the_loop_is_busy(void **state)
{
    env *e = *state;
    ticker k;
    ticker_start(&e->loop, &k, 0);
    assert_int_equal(pawl_loop_run(&e->loop, PAWL_RUN_DEFAULT), 0);
    assert_int_equal(k.run_rc, PAWL_EBUSY);
}

/* ---- stop -------------------------------------------------------------------- */

static void stop_from_a_task_ends_run_after_the_iteration(void **state)
{
    env *e = *state;
    pawl_loop_opts o = {.platform = &e->vc.base, .poll_budget = 1};
    assert_int_equal(pawl_loop_close(&e->loop), 0);
    assert_int_equal(pawl_loop_init(&e->loop, &o), 0);
    ticker k;
    ticker_start(&e->loop, &k, 10);
    k.stop_at = 3;
    assert_int_equal(pawl_loop_run(&e->loop, PAWL_RUN_DEFAULT), 1); /* still alive */
    assert_int_equal(k.polls, 3);
    assert_int_equal(pawl_loop_iterations(&e->loop), 3);
    /* The stop was consumed: the next run goes on to the end. */
    assert_int_equal(pawl_loop_run(&e->loop, PAWL_RUN_DEFAULT), 0);
    assert_int_equal(k.polls, 11);
}

static void stop_before_run_makes_it_do_one_iteration(void **state)
{
    env *e = *state;
    ticker k;
    ticker_start(&e->loop, &k, 1000);
    assert_int_equal(pawl_loop_stop(&e->loop), 0);
    assert_int_equal(pawl_loop_run(&e->loop, PAWL_RUN_DEFAULT), 1);
    assert_int_equal(pawl_loop_iterations(&e->loop), 1);
    assert_int_equal(pawl_loop_run(&e->loop, PAWL_RUN_DEFAULT), 0);
}

/* ---- close ------------------------------------------------------------------- */

static void close_refuses_while_a_task_is_alive(void **state)
{
    env *e = *state;
    ticker k;
    ticker_start(&e->loop, &k, 2);
    assert_int_equal(pawl_loop_close(&e->loop), PAWL_EBUSY);
    /* Nothing was disturbed: the loop still runs the task to the end. */
    assert_int_equal(pawl_loop_run(&e->loop, PAWL_RUN_DEFAULT), 0);
    assert_int_equal(k.polls, 3);
}

static void close_refuses_while_a_remote_is_open(void **state)
{
    env *e = *state;
    pawl_remote r;
    assert_int_equal(pawl_remote_init(&e->loop, &r, NULL, NULL), 0);
    assert_int_equal(pawl_remote_unref(&r), 0); /* unref'd still counts */
    assert_int_equal(pawl_loop_close(&e->loop), PAWL_EBUSY);
    assert_int_equal(pawl_remote_close(&r), 0);
}

static void closed_or_zeroed_loop_rejects_every_call(void **state)
{
    (void)state;
    pawl_vclock vc;
    pawl_vclock_init(&vc, 0);
    pawl_loop loop;
    assert_int_equal(pawl_loop_init(&loop, &(pawl_loop_opts){.platform = &vc.base}), 0);
    assert_int_equal(pawl_loop_close(&loop), 0);
    assert_int_equal(pawl_loop_close(&loop), PAWL_ECLOSED);
    assert_int_equal(pawl_loop_run(&loop, PAWL_RUN_DEFAULT), PAWL_ECLOSED);
    assert_int_equal(pawl_loop_stop(&loop), PAWL_ECLOSED);
    pawl_microtask m;
    assert_int_equal(pawl_microtask_init(&m, noop_mt, NULL), 0);
    assert_int_equal(pawl_microtask_queue(&loop, &m), PAWL_ECLOSED);
    assert_int_equal(pawl_queue_microtask(&loop, noop_mt, NULL), PAWL_ECLOSED);
    pawl_remote r;
    assert_int_equal(pawl_remote_init(&loop, &r, NULL, NULL), PAWL_ECLOSED);
    assert_int_equal(pawl_loop_alive(&loop), 0);

    pawl_loop zeroed;
    memset(&zeroed, 0, sizeof zeroed);
    assert_int_equal(pawl_loop_run(&zeroed, PAWL_RUN_DEFAULT), PAWL_EUNINIT);
    assert_int_equal(pawl_loop_close(&zeroed), PAWL_EUNINIT);
    assert_int_equal(pawl_loop_stop(&zeroed), PAWL_EUNINIT);
    assert_int_equal(pawl_loop_run(NULL, PAWL_RUN_DEFAULT), PAWL_EINVAL);
    /* Getters that cannot return an error code answer 0. */
    assert_int_equal(pawl_loop_now(NULL), 0u);
    assert_int_equal(pawl_loop_now_ns(&zeroed), 0u);
    assert_int_equal(pawl_loop_iterations(&loop), 0u);
    assert_int_equal(pawl_loop_alive(NULL), 0);
    assert_int_equal(pawl_loop_stop(NULL), PAWL_EINVAL);
    assert_int_equal(pawl_loop_close(NULL), PAWL_EINVAL);
}

/* ---- microtasks -------------------------------------------------------------- */

typedef struct mlog {
    int ev[32];
    int n;
    pawl_loop *loop;
    pawl_microtask nodes[4];
    int requeue_left;
} mlog;

static void ml_push(mlog *l, int v)
{
    assert_true(l->n < 32);
    l->ev[l->n++] = v;
}

static void mt_second(void *arg)
{
    ml_push(arg, 2);
}

/* Queues another microtask while the queue is draining. */
static void mt_first(void *arg)
{
    mlog *l = arg;
    ml_push(l, 1);
    assert_int_equal(pawl_queue_microtask(l->loop, mt_second, l), 0);
}

static void mt_after(void *arg)
{
    ml_push(arg, 3);
}

/* The intrusive node queues itself again from its own function. */
static void mt_self(void *arg)
{
    mlog *l = arg;
    ml_push(l, 10 + l->requeue_left);
    if (l->requeue_left-- > 0)
        assert_int_equal(pawl_microtask_queue(l->loop, &l->nodes[0]), 0);
}

typedef struct mt_poster {
    pawl_task task;
    mlog *log;
} mt_poster;

static pawl_poll mt_poster_poll(pawl_task *t, pawl_cx *cx)
{
    mt_poster *p = PAWL_CONTAINER_OF(t, mt_poster, task);
    PAWL_BEGIN(cx);
    assert_int_equal(pawl_queue_microtask(cx->loop, mt_first, p->log), 0);
    assert_int_equal(pawl_queue_microtask(cx->loop, mt_after, p->log), 0);
    ml_push(p->log, 0); /* the poll itself finishes first */
    PAWL_END(cx);
}

static void microtasks_queued_while_draining_run_in_the_same_drain(void **state)
{
    env *e = *state;
    mlog l = {.loop = &e->loop};
    mt_poster p = {.log = &l};
    pawl_task_init(&p.task, mt_poster_poll);
    assert_int_equal(pawl_task_spawn(&e->loop, &p.task), 0);
    assert_int_equal(pawl_loop_run(&e->loop, PAWL_RUN_NOWAIT), 0);
    /* 0: the poll; 1, 3: queued by it, FIFO; 2: queued by 1, after 3. */
    static const int want[] = {0, 1, 3, 2};
    assert_int_equal(l.n, 4);
    for (int i = 0; i < 4; i++)
        assert_int_equal(l.ev[i], want[i]);
}

static void microtask_may_queue_itself_again(void **state)
{
    env *e = *state;
    mlog l = {.loop = &e->loop, .requeue_left = 2};
    assert_int_equal(pawl_microtask_init(&l.nodes[0], mt_self, &l), 0);
    assert_int_equal(pawl_microtask_queue(&e->loop, &l.nodes[0]), 0);
    assert_int_equal(pawl_microtask_queue(&e->loop, &l.nodes[0]), PAWL_EBUSY);
    assert_int_equal(pawl_loop_alive(&e->loop), 1); /* queued work is alive */
    assert_int_equal(pawl_loop_run(&e->loop, PAWL_RUN_NOWAIT), 0);
    static const int want[] = {12, 11, 10};
    assert_int_equal(l.n, 3);
    for (int i = 0; i < 3; i++)
        assert_int_equal(l.ev[i], want[i]);
}

static void microtask_rejects_bad_input(void **state)
{
    env *e = *state;
    pawl_microtask m;
    assert_int_equal(pawl_microtask_init(NULL, mt_after, NULL), PAWL_EINVAL);
    assert_int_equal(pawl_microtask_init(&m, NULL, NULL), PAWL_EINVAL);
    assert_int_equal(pawl_microtask_queue(&e->loop, NULL), PAWL_EINVAL);
    assert_int_equal(pawl_queue_microtask(&e->loop, NULL, NULL), PAWL_EINVAL);
    assert_int_equal(pawl_queue_microtask(NULL, mt_after, NULL), PAWL_EINVAL);
    assert_int_equal(pawl_loop_alive(&e->loop), 0);
}

/* A remote callback counts as a callback: microtasks drain after it. */
static void rcb_queue(pawl_remote *r, void *arg)
{
    (void)r;
    mlog *l = arg;
    ml_push(l, 7);
    assert_int_equal(pawl_queue_microtask(l->loop, mt_after, l), 0);
}

static void rcb_second(pawl_remote *r, void *arg)
{
    (void)r;
    ml_push(arg, 8);
}

static void microtasks_drain_after_each_remote_callback(void **state)
{
    env *e = *state;
    mlog l = {.loop = &e->loop};
    pawl_remote r1, r2;
    assert_int_equal(pawl_remote_init(&e->loop, &r1, rcb_queue, &l), 0);
    assert_int_equal(pawl_remote_init(&e->loop, &r2, rcb_second, &l), 0);
    assert_int_equal(pawl_wake_remote(&r1), 0);
    assert_int_equal(pawl_wake_remote(&r2), 0);
    assert_int_equal(pawl_loop_run(&e->loop, PAWL_RUN_NOWAIT), 1);
    static const int want[] = {7, 3, 8}; /* 3 (microtask) before 8 */
    assert_int_equal(l.n, 3);
    for (int i = 0; i < 3; i++)
        assert_int_equal(l.ev[i], want[i]);
    assert_int_equal(pawl_remote_close(&r1), 0);
    assert_int_equal(pawl_remote_close(&r2), 0);
}

/* The 32-bit cores' ns -> ms conversion (long division in 32-bit steps)
 * agrees with a plain 64-bit division everywhere it can go wrong: around
 * every bit (so around each of its digit boundaries), where every step
 * leaves the largest remainder, at millisecond edges, at the top of the
 * range, and at a spread of other values. */
static void ns_to_ms_in_32_bit_steps_matches_division(void **state)
{
    (void)state;
    uint64_t edge[] = {0, 1, 999999, 1000000, 1000001, UINT64_MAX, UINT64_MAX - 1,
                       UINT64_MAX / 1000000u * 1000000u, UINT64_MAX / 1000000u * 1000000u - 1,
                       (uint64_t)UINT32_MAX * 1000000u, ((uint64_t)1 << 32) * 1000000u};
    for (size_t i = 0; i < sizeof edge / sizeof edge[0]; i++)
        assert_int_equal(pawl__ns_to_ms_32(edge[i]), edge[i] / 1000000u);
    /* The top digit is ns >> 38; the next two are 16 bits each.  A top
     * digit of 15625 k + 15624 and all ones below leave remainder 15624
     * (the largest) at every step. */
    uint32_t top[] = {0, 15624, 2 * 15625 - 1, 15625, (1u << 26) - 1,
                      (1u << 26) / 15625 * 15625 - 1};
    for (size_t i = 0; i < sizeof top / sizeof top[0]; i++) {
        uint64_t v = (uint64_t)top[i] << 38 | (((uint64_t)1 << 38) - 1);
        assert_int_equal(pawl__ns_to_ms_32(v), v / 1000000u);
        v &= ~(uint64_t)0x3FFFFFu; /* the last digit 0 */
        assert_int_equal(pawl__ns_to_ms_32(v), v / 1000000u);
    }
    for (int bit = 0; bit < 64; bit++) {
        uint64_t b = (uint64_t)1 << bit;
        uint64_t around[] = {b - 1, b, b + 1, b | (b - 1), b * 3 / 2};
        for (size_t i = 0; i < sizeof around / sizeof around[0]; i++)
            assert_int_equal(pawl__ns_to_ms_32(around[i]), around[i] / 1000000u);
    }
    uint64_t x = 0x9E3779B97F4A7C15u; /* xorshift: a fixed spread */
    for (int i = 0; i < 100000; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        uint64_t v = x >> (i % 64);
        assert_int_equal(pawl__ns_to_ms_32(v), v / 1000000u);
    }
}


int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, env_setup, vloop_delete)
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(loop_init_accepts_null_options_and_uses_posix),
        cmocka_unit_test(loop_init_rejects_bad_options),
        cmocka_unit_test(ns_to_ms_in_32_bit_steps_matches_division),
        T(loop_reads_the_clock_once_per_iteration),
        T(run_nowait_does_one_iteration_and_never_blocks),
        T(run_once_blocks_in_poll_when_idle),
        T(run_default_returns_when_nothing_is_alive),
        T(run_rejects_an_unknown_mode),
        T(run_from_inside_the_loop_is_busy),
        T(stop_from_a_task_ends_run_after_the_iteration),
        T(stop_before_run_makes_it_do_one_iteration),
        T(close_refuses_while_a_task_is_alive),
        T(close_refuses_while_a_remote_is_open),
        cmocka_unit_test(closed_or_zeroed_loop_rejects_every_call),
        T(microtasks_queued_while_draining_run_in_the_same_drain),
        T(microtask_may_queue_itself_again),
        T(microtask_rejects_bad_input),
        T(microtasks_drain_after_each_remote_callback),
    };
    return cmocka_run_group_tests_name("loop", tests, NULL, NULL);
}
