/*
 * tests/test_timers_js.c -- the JavaScript timer API (src/timers_js.c):
 * setTimeout, setInterval, setImmediate, their clear / refresh / ref /
 * unref / hasRef, delay coercion and the warning hook, ordering against
 * the loop's phases and microtasks, what pawl_loop_close does with
 * pending records, and allocation (and its failure) through the loop's
 * allocator.
 *
 * Everything runs on the virtual clock: a wait jumps to its deadline, so
 * the times in the logs below are exact.  Callbacks append "name@ms" to a
 * log, and each test compares the whole log.  Every case runs with a
 * counting allocator and a recording warning hook; the teardown closes the
 * loop and fails the case if an allocation was left behind.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
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

/* ---- the counting allocator ------------------------------------------------ */

/* A pawl allocator that counts what it hands out and gets back, and fails
 * one chosen allocation call (or all of them) on demand. */
typedef struct counting_alloc {
    long calls;      /* allocation calls (new_size > 0), failed ones too */
    long allocs;     /* fresh blocks handed out */
    long frees;      /* blocks given back */
    long live_bytes; /* by the sizes the library states */
    long fail_at;    /* fail the call with this number (1-based); 0: none */
} counting_alloc;

static void *counting_alloc_fn(void *ud, void *ptr, size_t old_size, size_t new_size)
{
    counting_alloc *c = ud;
    if (new_size == 0) {
        if (ptr != NULL) {
            c->frees++;
            c->live_bytes -= (long)old_size;
        }
        free(ptr);
        return NULL;
    }
    c->calls++;
    if (c->calls == c->fail_at)
        return NULL;
    if (ptr == NULL)
        c->allocs++;
    c->live_bytes += (long)new_size - (long)old_size;
    return realloc(ptr, new_size);
}

/* Make the next allocation call (or the one `n` calls from now) fail. */
static void fail_call(counting_alloc *c, long n)
{
    c->fail_at = c->calls + n;
}

static void assert_balanced(const counting_alloc *c)
{
    assert_int_equal(c->allocs, c->frees);
    assert_int_equal(c->live_bytes, 0);
}

/* ---- the warning recorder -------------------------------------------------- */

#define WARN_MAGIC 0x7761726eu /* "warn": proves the hook got our ud */

typedef struct warn_rec {
    unsigned magic;
    pawl_loop *loop; /* the loop the hook must be called with */
    int count;
    pawl_warning what[16];
    int64_t value[16];
} warn_rec;

static void record_warning(void *ud, pawl_loop *loop, pawl_warning what, int64_t value,
                           const char *message)
{
    warn_rec *w = ud;
    assert_int_equal(w->magic, WARN_MAGIC);
    assert_ptr_equal(loop, w->loop);
    assert_non_null(message);
    assert_true(w->count < 16);
    w->what[w->count] = what;
    w->value[w->count] = value;
    w->count++;
}

/* ---- the fixture ----------------------------------------------------------- */

typedef struct env {
    vloop v;
    counting_alloc alloc;
    warn_rec warn;
    int closed; /* the case closed the loop itself */
} env;

static int env_setup(void **state)
{
    g_log[0] = '\0';
    env *e = test_calloc(1, sizeof *e);
    e->warn.magic = WARN_MAGIC;
    e->warn.loop = &e->v.loop;
    vloop_open(&e->v, 0,
               (pawl_loop_opts){.alloc = counting_alloc_fn, .alloc_ud = &e->alloc,
                                .warn = record_warning, .warn_ud = &e->warn});
    *state = e;
    return 0;
}

static int env_teardown(void **state)
{
    env *e = *state;
    if (!e->closed)
        vloop_close(&e->v);
    assert_balanced(&e->alloc);
    test_free(e);
    return 0;
}

static void run_all(env *e)
{
    assert_int_equal(pawl_loop_run(&e->v.loop, PAWL_RUN_DEFAULT), 0);
}

/* ---- the probe ------------------------------------------------------------- */

/* The argument of a JS callback: logs its name and does what it is told. */
typedef struct jp {
    env *e;
    const char *name;
    pawl_timer_id id;    /* its own id, once set */
    int calls;
    int ret;             /* what the callback returns */
    int clear_at;        /* clear its own id on this call (1-based); 0: never */
    uint64_t busy_ms;    /* advance the virtual clock this much inside */
    uint64_t iteration;  /* pawl_loop_iterations at the last call */
    void (*action)(struct jp *p);
    struct jp *other;
    void *ctx;
} jp;

static int jp_fire(void *arg)
{
    jp *p = arg;
    pawl_loop *loop = &p->e->v.loop;
    p->calls++;
    assert_true(p->calls <= 1000); /* a runaway interval fails, not hangs */
    p->iteration = pawl_loop_iterations(loop);
    log_event(p->name, pawl_loop_now(loop));
    if (p->busy_ms)
        pawl_vclock_advance(&p->e->v.vc, p->busy_ms * MS);
    if (p->action)
        p->action(p);
    if (p->clear_at && p->calls == p->clear_at)
        assert_int_equal(pawl_clear_interval(loop, p->id), 0);
    return p->ret;
}

static jp probe(env *e, const char *name)
{
    return (jp){.e = e, .name = name};
}

static pawl_timer_id timeout(jp *p, int64_t ms)
{
    p->id = pawl_set_timeout(&p->e->v.loop, jp_fire, p, ms);
    assert_true(p->id > 0);
    return p->id;
}

static pawl_timer_id interval(jp *p, int64_t ms)
{
    p->id = pawl_set_interval(&p->e->v.loop, jp_fire, p, ms);
    assert_true(p->id > 0);
    return p->id;
}

static pawl_timer_id immediate(jp *p)
{
    p->id = pawl_set_immediate(&p->e->v.loop, jp_fire, p);
    assert_true(p->id > 0);
    return p->id;
}

/* A microtask that logs its name. */
typedef struct mt_probe {
    pawl_loop *loop;
    const char *name;
} mt_probe;

static void mt_log(void *arg)
{
    mt_probe *m = arg;
    log_event(m->name, pawl_loop_now(m->loop));
}

/* ---- ids and bad input ----------------------------------------------------- */

static void ids_are_positive_increasing_and_never_reused(void **state)
{
    env *e = *state;
    pawl_loop *loop = &e->v.loop;
    jp a = probe(e, "a"), b = probe(e, "b"), c = probe(e, "c"), d = probe(e, "d");
    pawl_timer_id ia = timeout(&a, 10);
    pawl_timer_id ib = interval(&b, 10);
    pawl_timer_id ic = immediate(&c);
    assert_true(ia > 0);
    assert_true(ib > ia);
    assert_true(ic > ib);
    assert_int_equal(pawl_clear_timeout(loop, ia), 0);
    assert_int_equal(pawl_clear_interval(loop, ib), 0);
    assert_int_equal(pawl_clear_immediate(loop, ic), 0);
    /* Everything is gone; the next id is still a new one. */
    assert_int_equal(pawl_loop_alive(loop), 0);
    assert_true(timeout(&d, 1) > ic);
    run_all(e);
    assert_string_equal(g_log, "d@1");
}

static void null_callback_is_einval_and_arms_nothing(void **state)
{
    env *e = *state;
    pawl_loop *loop = &e->v.loop;
    assert_int_equal(pawl_set_timeout(loop, NULL, NULL, 5), PAWL_EINVAL);
    assert_int_equal(pawl_set_interval(loop, NULL, NULL, 5), PAWL_EINVAL);
    assert_int_equal(pawl_set_immediate(loop, NULL, NULL), PAWL_EINVAL);
    assert_int_equal(pawl_loop_alive(loop), 0);
    assert_int_equal(e->alloc.calls, 0);
    /* No id was used up either: the first real one is 1. */
    jp a = probe(e, "a");
    assert_int_equal(timeout(&a, 1), 1);
    run_all(e);
    assert_string_equal(g_log, "a@1");
}

/* Every function of the API on a loop that is not usable. */
static void assert_all_fail_with(pawl_loop *loop, int want)
{
    assert_int_equal(pawl_set_timeout(loop, jp_fire, NULL, 1), want);
    assert_int_equal(pawl_set_interval(loop, jp_fire, NULL, 1), want);
    assert_int_equal(pawl_set_immediate(loop, jp_fire, NULL), want);
    assert_int_equal(pawl_clear_timeout(loop, 1), want);
    assert_int_equal(pawl_clear_interval(loop, 1), want);
    assert_int_equal(pawl_clear_immediate(loop, 1), want);
    assert_int_equal(pawl_timeout_refresh(loop, 1), want);
    assert_int_equal(pawl_timeout_ref(loop, 1), want);
    assert_int_equal(pawl_timeout_unref(loop, 1), want);
    assert_int_equal(pawl_timeout_has_ref(loop, 1), want);
}

static void null_zeroed_and_closed_loops_are_rejected_by_every_function(void **state)
{
    (void)state;
    assert_all_fail_with(NULL, PAWL_EINVAL);
    pawl_loop zeroed;
    memset(&zeroed, 0, sizeof zeroed);
    assert_all_fail_with(&zeroed, PAWL_EUNINIT);
    /* A closed loop that had a timer with id 1. */
    pawl_vclock vc;
    pawl_vclock_init(&vc, 0);
    pawl_loop closed;
    assert_int_equal(pawl_loop_init(&closed, &(pawl_loop_opts){.platform = &vc.base}), 0);
    assert_int_equal(pawl_set_timeout(&closed, jp_fire, NULL, 50), 1);
    assert_int_equal(pawl_loop_close(&closed), 0);
    assert_all_fail_with(&closed, PAWL_ECLOSED);
}

/* ---- delay coercion and warnings ------------------------------------------- */

static void zero_delay_becomes_one_ms_without_a_warning(void **state)
{
    env *e = *state;
    jp a = probe(e, "a");
    timeout(&a, 0);
    run_all(e);
    assert_string_equal(g_log, "a@1");
    assert_int_equal(e->warn.count, 0);
}

static void negative_delay_becomes_one_ms_and_warns_with_the_value(void **state)
{
    env *e = *state;
    jp a = probe(e, "a"), b = probe(e, "b");
    timeout(&a, -5);
    timeout(&b, INT64_MIN);
    assert_int_equal(e->warn.count, 2);
    assert_int_equal(e->warn.what[0], PAWL_WARN_TIMEOUT_NEGATIVE);
    assert_int_equal(e->warn.value[0], -5);
    assert_int_equal(e->warn.what[1], PAWL_WARN_TIMEOUT_NEGATIVE);
    assert_true(e->warn.value[1] == INT64_MIN);
    run_all(e);
    assert_string_equal(g_log, "a@1 b@1");
}

static void delay_above_the_maximum_becomes_one_ms_and_warns_overflow(void **state)
{
    env *e = *state;
    jp a = probe(e, "a"), b = probe(e, "b");
    timeout(&a, INT64_C(2147483648)); /* 2^31 */
    timeout(&b, INT64_MAX);
    assert_int_equal(e->warn.count, 2);
    assert_int_equal(e->warn.what[0], PAWL_WARN_TIMEOUT_OVERFLOW);
    assert_int_equal(e->warn.value[0], INT64_C(2147483648));
    assert_int_equal(e->warn.what[1], PAWL_WARN_TIMEOUT_OVERFLOW);
    assert_true(e->warn.value[1] == INT64_MAX);
    run_all(e);
    assert_string_equal(g_log, "a@1 b@1");
}

static void maximum_delay_is_kept_exactly_without_a_warning(void **state)
{
    env *e = *state;
    jp a = probe(e, "a");
    timeout(&a, INT64_C(2147483647)); /* 2^31 - 1 */
    run_all(e);
    assert_string_equal(g_log, "a@2147483647");
    assert_int_equal(e->v.vc.now_ns, UINT64_C(2147483647) * MS);
    assert_int_equal(e->warn.count, 0);
}

static void interval_delay_is_coerced_like_a_timeout(void **state)
{
    env *e = *state;
    jp a = probe(e, "a"), b = probe(e, "b");
    a.clear_at = 2;
    b.clear_at = 2;
    interval(&a, -1);
    interval(&b, INT64_C(2147483648));
    assert_int_equal(e->warn.count, 2);
    assert_int_equal(e->warn.what[0], PAWL_WARN_TIMEOUT_NEGATIVE);
    assert_int_equal(e->warn.value[0], -1);
    assert_int_equal(e->warn.what[1], PAWL_WARN_TIMEOUT_OVERFLOW);
    assert_int_equal(e->warn.value[1], INT64_C(2147483648));
    run_all(e);
    assert_string_equal(g_log, "a@1 b@1 a@2 b@2");
}

static void without_a_hook_out_of_range_delays_are_silently_coerced(void **state)
{
    (void)state;
    g_log[0] = '\0';
    env e = {0};
    vloop_open(&e.v, 0, (pawl_loop_opts){0}); /* no warn hook */
    jp a = probe(&e, "a"), b = probe(&e, "b");
    timeout(&a, -5);
    timeout(&b, INT64_C(2147483648));
    jp c = probe(&e, "c");
    c.ret = -1; /* a callback error, with no one to tell */
    timeout(&c, 2);
    assert_int_equal(pawl_loop_run(&e.v.loop, PAWL_RUN_DEFAULT), 0);
    assert_string_equal(g_log, "a@1 b@1 c@2");
    vloop_close(&e.v);
}

/* ---- order ------------------------------------------------------------------ */

static void arm_d_for_3(jp *p)
{
    timeout(p->other, 3);
}

static void equal_deadlines_run_in_arm_order(void **state)
{
    env *e = *state;
    jp a = probe(e, "a"), b = probe(e, "b"), c = probe(e, "c"), d = probe(e, "d"),
       x = probe(e, "x");
    x.action = arm_d_for_3; /* at 2: d due at 5, armed after a, b, c */
    x.other = &d;
    timeout(&a, 5);
    interval(&b, 5);
    b.clear_at = 1;
    timeout(&c, 5);
    timeout(&x, 2);
    run_all(e);
    assert_string_equal(g_log, "x@2 a@5 b@5 c@5 d@5");
}

static void arm_zero(jp *p)
{
    timeout(p->other, 0);
}

static void timeout_zero_armed_in_a_callback_runs_after_the_timers_already_due(void **state)
{
    env *e = *state;
    jp a = probe(e, "A"), b = probe(e, "B"), c = probe(e, "C"), n = probe(e, "N");
    a.action = arm_zero;
    a.other = &n;
    a.busy_ms = 5; /* N (due at 2) is overdue when the next pass starts */
    timeout(&a, 1);
    timeout(&b, 1);
    timeout(&c, 2);
    run_all(e);
    /* B was due in A's pass and runs in it.  N was armed when A's busy
     * callback ended (the clock read 6, as Node reads it), so it is due at
     * 7: the next pass at 6 runs C alone. */
    assert_string_equal(g_log, "A@1 B@1 C@6 N@7");
    assert_true(n.iteration > a.iteration);
    assert_int_equal(b.iteration, a.iteration);
}

static void arm_timeout_zero_then_immediate(jp *p)
{
    jp *pair = p->ctx;
    timeout(&pair[0], 0);
    immediate(&pair[1]);
}

static void immediate_set_in_a_timer_callback_runs_before_timeout_zero(void **state)
{
    env *e = *state;
    jp a = probe(e, "A");
    jp pair[2] = {probe(e, "T"), probe(e, "I")};
    a.action = arm_timeout_zero_then_immediate;
    a.ctx = pair;
    timeout(&a, 1);
    run_all(e);
    assert_string_equal(g_log, "A@1 I@1 T@2");
    assert_int_equal(pair[1].iteration, a.iteration);
}

/* ---- intervals -------------------------------------------------------------- */

static void interval_rearms_from_the_start_of_its_own_callback(void **state)
{
    env *e = *state;
    jp i = probe(e, "i"), slow = probe(e, "slow");
    i.busy_ms = 3; /* each call takes 3 ms: the period must not grow */
    i.clear_at = 3;
    interval(&i, 10);
    run_all(e);
    assert_string_equal(g_log, "i@10 i@20 i@30");
    /* The clock now reads 33.  A callback that runs before the interval
     * in the same pass (at 43) takes 4 ms: the interval's callback starts
     * at 47, not at the pass's 43, and the next one is due 10 ms after
     * that, as Node reads the clock when the callback starts. */
    g_log[0] = '\0';
    jp j = probe(e, "j");
    j.clear_at = 2;
    slow.busy_ms = 4;
    timeout(&slow, 10); /* due at 43, armed first */
    interval(&j, 10);   /* due at 43 */
    run_all(e);
    assert_string_equal(g_log, "slow@43 j@43 j@57");
}

static void interval_cleared_in_own_callback_stops_and_is_freed(void **state)
{
    env *e = *state;
    pawl_loop *loop = &e->v.loop;
    jp i = probe(e, "i");
    i.clear_at = 3;
    interval(&i, 5);
    assert_true(e->alloc.live_bytes > 0);
    run_all(e);
    assert_string_equal(g_log, "i@5 i@10 i@15");
    assert_int_equal(i.calls, 3);
    /* Freed at the clear, not left for close: the table went too. */
    assert_balanced(&e->alloc);
    assert_int_equal(pawl_timeout_has_ref(loop, i.id), PAWL_ENOENT);
    assert_int_equal(pawl_timeout_refresh(loop, i.id), PAWL_ENOENT);
    assert_int_equal(pawl_clear_interval(loop, i.id), 0);
}

static void clear_other_interval(jp *p)
{
    assert_int_equal(pawl_clear_timeout(&p->e->v.loop, p->other->id), 0);
}

static void clear_timeout_stops_an_interval_and_clear_interval_a_timeout(void **state)
{
    env *e = *state;
    pawl_loop *loop = &e->v.loop;
    jp i = probe(e, "i"), t = probe(e, "t"), x = probe(e, "x"), j = probe(e, "j");
    interval(&i, 5);
    timeout(&t, 7);
    interval(&j, 3);
    x.action = clear_other_interval; /* clear_timeout(i) at 12 */
    x.other = &i;
    timeout(&x, 12);
    assert_int_equal(pawl_clear_interval(loop, t.id), 0);
    assert_int_equal(pawl_clear_timeout(loop, j.id), 0);
    run_all(e);
    assert_string_equal(g_log, "i@5 i@10 x@12");
    assert_int_equal(t.calls, 0);
    assert_int_equal(j.calls, 0);
    assert_balanced(&e->alloc);
}

static void queue_clear_microtask(jp *p);

static void clear_self_from_microtask(void *arg)
{
    jp *p = arg;
    log_event("m", pawl_loop_now(&p->e->v.loop));
    assert_int_equal(pawl_clear_interval(&p->e->v.loop, p->id), 0);
}

static void queue_clear_microtask(jp *p)
{
    if (p->calls == 2)
        assert_int_equal(pawl_queue_microtask(&p->e->v.loop, clear_self_from_microtask, p), 0);
}

static void interval_cleared_by_a_microtask_of_its_own_callback_stops(void **state)
{
    env *e = *state;
    jp i = probe(e, "i");
    i.action = queue_clear_microtask;
    interval(&i, 5);
    run_all(e);
    assert_string_equal(g_log, "i@5 i@10 m@10");
    assert_balanced(&e->alloc);
}

static void callback_errors_warn_and_an_interval_keeps_going(void **state)
{
    env *e = *state;
    jp i = probe(e, "i"), t = probe(e, "t"), m = probe(e, "m");
    i.ret = -42;
    i.clear_at = 3;
    t.ret = 7;
    m.ret = PAWL_ENOMEM;
    interval(&i, 5);
    timeout(&t, 12);
    immediate(&m);
    run_all(e);
    assert_string_equal(g_log, "m@0 i@5 i@10 t@12 i@15");
    assert_int_equal(e->warn.count, 5);
    const int64_t want[5] = {PAWL_ENOMEM, -42, -42, 7, -42};
    for (int k = 0; k < 5; k++) {
        assert_int_equal(e->warn.what[k], PAWL_WARN_CALLBACK_ERROR);
        assert_int_equal(e->warn.value[k], want[k]);
    }
}

static void unref_self_on_second_call(jp *p)
{
    if (p->calls == 2)
        assert_int_equal(pawl_timeout_unref(&p->e->v.loop, p->id), 0);
}

static void interval_unref_inside_own_callback_lets_the_loop_end(void **state)
{
    env *e = *state;
    jp i = probe(e, "i");
    i.action = unref_self_on_second_call;
    interval(&i, 5);
    run_all(e);
    assert_string_equal(g_log, "i@5 i@10");
    /* Still armed, unreferenced: close frees it. */
    assert_int_equal(pawl_timeout_has_ref(&e->v.loop, i.id), 0);
    assert_int_equal(pawl_loop_alive(&e->v.loop), 0);
}

static void refresh_of_an_interval_restarts_its_period(void **state)
{
    env *e = *state;
    jp i = probe(e, "i"), x = probe(e, "x");
    i.clear_at = 2;
    interval(&i, 10);
    timeout(&x, 4);
    pawl_vclock_advance(&e->v.vc, 4u * MS);
    assert_int_equal(pawl_loop_run(&e->v.loop, PAWL_RUN_NOWAIT), 1); /* x@4 */
    assert_int_equal(pawl_timeout_refresh(&e->v.loop, i.id), 0);
    run_all(e);
    assert_string_equal(g_log, "x@4 i@14 i@24");
}

static void refresh_self(jp *p)
{
    if (p->calls == 1)
        assert_int_equal(pawl_timeout_refresh(&p->e->v.loop, p->id), 0);
}

/* Node re-inserts an interval from its callback's start once the callback
 * returns, whatever the callback did: a refresh from inside (here after
 * 3 ms of work) does not push the next call back. */
static void interval_refreshed_inside_its_callback_counts_from_the_callback_start(void **state)
{
    env *e = *state;
    jp i = probe(e, "i");
    i.busy_ms = 3;
    i.action = refresh_self;
    i.clear_at = 2;
    interval(&i, 50);
    run_all(e);
    assert_string_equal(g_log, "i@50 i@100");
}

static void queue_unref_immediate(jp *p)
{
    immediate(p->other);
    assert_int_equal(pawl_timeout_unref(&p->e->v.loop, p->other->id), 0);
}

/* As in Node (libuv checks liveness right after its timers): once the
 * last referenced timer has run, the loop ends before the check phase, so
 * an unreferenced immediate that timer queued does not run. */
static void unref_immediate_queued_by_the_last_timer_does_not_run(void **state)
{
    env *e = *state;
    jp t = probe(e, "t"), m = probe(e, "m");
    t.action = queue_unref_immediate;
    t.other = &m;
    timeout(&t, 5);
    run_all(e);
    assert_string_equal(g_log, "t@5");
    assert_int_equal(m.calls, 0);
}

/* ---- clear edge cases ------------------------------------------------------- */

static void clearing_unknown_zero_negative_fired_or_cleared_ids_is_a_noop(void **state)
{
    env *e = *state;
    pawl_loop *loop = &e->v.loop;
    jp f = probe(e, "f"), c = probe(e, "c"), p = probe(e, "p"), m = probe(e, "m");
    timeout(&f, 1);
    timeout(&p, 20);
    interval(&m, 7);
    m.clear_at = 2;
    pawl_vclock_advance(&e->v.vc, 1u * MS);
    assert_int_equal(pawl_loop_run(loop, PAWL_RUN_NOWAIT), 1); /* f fires */
    assert_string_equal(g_log, "f@1");
    timeout(&c, 5);
    assert_int_equal(pawl_clear_timeout(loop, c.id), 0);
    const pawl_timer_id ids[] = {0, -1, INT64_MIN, f.id, c.id, c.id + 1000, INT64_MAX};
    for (size_t k = 0; k < sizeof ids / sizeof ids[0]; k++) {
        assert_int_equal(pawl_clear_timeout(loop, ids[k]), 0);
        assert_int_equal(pawl_clear_interval(loop, ids[k]), 0);
        assert_int_equal(pawl_clear_immediate(loop, ids[k]), 0);
    }
    assert_int_equal(pawl_loop_alive(loop), 1);
    run_all(e);
    assert_string_equal(g_log, "f@1 m@7 m@14 p@20");
    assert_int_equal(c.calls, 0);
}

static void clear_immediate_ignores_timers_and_clear_timeout_ignores_immediates(void **state)
{
    env *e = *state;
    pawl_loop *loop = &e->v.loop;
    jp t = probe(e, "t"), i = probe(e, "i"), m = probe(e, "m");
    timeout(&t, 5);
    interval(&i, 3);
    i.clear_at = 1;
    immediate(&m);
    assert_int_equal(pawl_clear_immediate(loop, t.id), 0);
    assert_int_equal(pawl_clear_immediate(loop, i.id), 0);
    assert_int_equal(pawl_clear_timeout(loop, m.id), 0);
    assert_int_equal(pawl_clear_interval(loop, m.id), 0);
    run_all(e);
    assert_string_equal(g_log, "m@0 i@3 t@5");
}

static void set_b_and_clear_self(jp *p)
{
    timeout(p->other, 5);
    assert_int_equal(pawl_clear_timeout(&p->e->v.loop, p->id), 0);
    assert_int_equal(pawl_clear_timeout(&p->e->v.loop, p->id), 0); /* twice */
}

/* Node once let clearTimeout of a timer whose callback was running remove
 * the list a new timer with the same delay had just joined. */
static void clearing_own_id_inside_a_timeout_keeps_a_new_one_with_the_same_delay(void **state)
{
    env *e = *state;
    jp a = probe(e, "A"), b = probe(e, "B");
    a.action = set_b_and_clear_self;
    a.other = &b;
    timeout(&a, 5);
    run_all(e);
    assert_string_equal(g_log, "A@5 B@10");
    assert_int_equal(a.calls, 1);
    assert_balanced(&e->alloc);
}

static void set_c_and_clear_stale(jp *p)
{
    jp *old = p->ctx;
    timeout(p->other, 5); /* likely reuses A's freed record */
    assert_int_equal(pawl_clear_timeout(&p->e->v.loop, old->id), 0);
    assert_int_equal(pawl_timeout_unref(&p->e->v.loop, old->id), PAWL_ENOENT);
    assert_int_equal(pawl_timeout_refresh(&p->e->v.loop, old->id), PAWL_ENOENT);
}

static void a_stale_id_cannot_affect_a_newer_timer(void **state)
{
    env *e = *state;
    pawl_loop *loop = &e->v.loop;
    /* Cleared: its id stays dead while a new timer takes its place. */
    jp x = probe(e, "x"), y = probe(e, "y");
    timeout(&x, 5);
    assert_int_equal(pawl_clear_timeout(loop, x.id), 0);
    timeout(&y, 5);
    assert_true(y.id != x.id);
    assert_int_equal(pawl_clear_timeout(loop, x.id), 0);
    assert_int_equal(pawl_timeout_unref(loop, x.id), PAWL_ENOENT);
    assert_int_equal(pawl_timeout_has_ref(loop, y.id), 1);
    /* Fired: B clears A's id after C (same size record) was set. */
    jp a = probe(e, "a"), b = probe(e, "b"), c = probe(e, "c");
    timeout(&a, 2);
    b.action = set_c_and_clear_stale;
    b.other = &c;
    b.ctx = &a;
    timeout(&b, 3);
    run_all(e);
    assert_string_equal(g_log, "a@2 b@3 y@5 c@8");
    assert_balanced(&e->alloc);
}

/* ---- refresh ---------------------------------------------------------------- */

static void refresh_self_once(jp *p)
{
    if (p->calls == 1)
        assert_int_equal(pawl_timeout_refresh(&p->e->v.loop, p->id), 0);
}

static void refresh_inside_own_callback_rearms_a_one_shot_then_frees_it(void **state)
{
    env *e = *state;
    jp a = probe(e, "a");
    a.action = refresh_self_once;
    timeout(&a, 4);
    run_all(e);
    assert_string_equal(g_log, "a@4 a@8");
    assert_balanced(&e->alloc);
    assert_int_equal(pawl_timeout_refresh(&e->v.loop, a.id), PAWL_ENOENT);
}

static void refresh_other(jp *p)
{
    assert_int_equal(pawl_timeout_refresh(&p->e->v.loop, p->other->id), 0);
}

static void refresh_moves_a_pending_timeout_behind_equal_deadlines(void **state)
{
    env *e = *state;
    jp a = probe(e, "a"), b = probe(e, "b"), c = probe(e, "c"), x = probe(e, "x");
    timeout(&a, 5);
    timeout(&b, 5);
    timeout(&c, 5);
    assert_int_equal(pawl_timeout_refresh(&e->v.loop, a.id), 0); /* now: behind c */
    x.action = refresh_other; /* at 2: b is due at 7 */
    x.other = &b;
    timeout(&x, 2);
    run_all(e);
    assert_string_equal(g_log, "x@2 c@5 a@5 b@7");
}

static void refresh_of_unknown_fired_cleared_or_immediate_ids_is_enoent(void **state)
{
    env *e = *state;
    pawl_loop *loop = &e->v.loop;
    jp f = probe(e, "f"), c = probe(e, "c"), m = probe(e, "m");
    timeout(&f, 1);
    assert_int_equal(pawl_loop_run(loop, PAWL_RUN_DEFAULT), 0);
    timeout(&c, 5);
    assert_int_equal(pawl_clear_timeout(loop, c.id), 0);
    immediate(&m);
    const pawl_timer_id ids[] = {0, -3, f.id, c.id, m.id, m.id + 1, INT64_MAX};
    for (size_t k = 0; k < sizeof ids / sizeof ids[0]; k++)
        assert_int_equal(pawl_timeout_refresh(loop, ids[k]), PAWL_ENOENT);
    run_all(e);
    assert_string_equal(g_log, "f@1 m@1"); /* the immediate is untouched */
}

/* ---- ref / unref / has_ref -------------------------------------------------- */

static void unref_timeout_alone_does_not_keep_the_loop_alive(void **state)
{
    env *e = *state;
    pawl_loop *loop = &e->v.loop;
    jp a = probe(e, "a");
    timeout(&a, 10);
    assert_int_equal(pawl_timeout_unref(loop, a.id), 0);
    assert_int_equal(pawl_loop_alive(loop), 0);
    assert_int_equal(pawl_loop_run(loop, PAWL_RUN_DEFAULT), 0);
    assert_int_equal(a.calls, 0);
    assert_int_equal(e->v.vc.now_ns, 0); /* it did not wait for it */
    assert_string_equal(g_log, "");
}

static void unref_timeout_and_interval_fire_while_a_ref_timer_keeps_the_loop_alive(void **state)
{
    env *e = *state;
    pawl_loop *loop = &e->v.loop;
    jp u = probe(e, "u"), i = probe(e, "i"), r = probe(e, "r"), late = probe(e, "late");
    timeout(&u, 10);
    interval(&i, 8);
    timeout(&r, 25);
    timeout(&late, 40);
    assert_int_equal(pawl_timeout_unref(loop, u.id), 0);
    assert_int_equal(pawl_timeout_unref(loop, i.id), 0);
    assert_int_equal(pawl_timeout_unref(loop, late.id), 0);
    run_all(e);
    assert_string_equal(g_log, "i@8 u@10 i@16 i@24 r@25");
    assert_int_equal(e->v.vc.now_ns, 25u * MS);
    /* late is still pending, unreferenced; ref it and it runs. */
    assert_int_equal(pawl_timeout_ref(loop, late.id), 0);
    assert_int_equal(pawl_timeout_unref(loop, i.id), 0); /* idempotent */
    assert_int_equal(pawl_clear_interval(loop, i.id), 0);
    run_all(e);
    assert_string_equal(g_log, "i@8 u@10 i@16 i@24 r@25 late@40");
}

static void has_ref_reports_the_state_of_each_kind_and_enoent_for_unknown_ids(void **state)
{
    env *e = *state;
    pawl_loop *loop = &e->v.loop;
    jp t = probe(e, "t"), i = probe(e, "i"), m = probe(e, "m");
    const pawl_timer_id ids[3] = {timeout(&t, 5), interval(&i, 5), immediate(&m)};
    for (int k = 0; k < 3; k++) {
        assert_int_equal(pawl_timeout_has_ref(loop, ids[k]), 1);
        assert_int_equal(pawl_timeout_unref(loop, ids[k]), 0);
        assert_int_equal(pawl_timeout_has_ref(loop, ids[k]), 0);
        assert_int_equal(pawl_timeout_unref(loop, ids[k]), 0);
        assert_int_equal(pawl_timeout_has_ref(loop, ids[k]), 0);
        assert_int_equal(pawl_timeout_ref(loop, ids[k]), 0);
        assert_int_equal(pawl_timeout_ref(loop, ids[k]), 0);
        assert_int_equal(pawl_timeout_has_ref(loop, ids[k]), 1);
    }
    const pawl_timer_id bad[] = {0, -1, ids[2] + 1, INT64_MAX};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        assert_int_equal(pawl_timeout_has_ref(loop, bad[k]), PAWL_ENOENT);
        assert_int_equal(pawl_timeout_ref(loop, bad[k]), PAWL_ENOENT);
        assert_int_equal(pawl_timeout_unref(loop, bad[k]), PAWL_ENOENT);
    }
    /* Balanced ref / unref left each one referenced exactly once: the
     * loop ends as soon as all three are done or cleared. */
    i.clear_at = 1;
    run_all(e);
    assert_string_equal(g_log, "m@0 t@5 i@5");
    for (int k = 0; k < 3; k++)
        assert_int_equal(pawl_timeout_has_ref(loop, ids[k]), PAWL_ENOENT);
}

static void unref_immediate_does_not_keep_the_loop_alive_and_ref_again_does(void **state)
{
    env *e = *state;
    pawl_loop *loop = &e->v.loop;
    jp m = probe(e, "m"), n = probe(e, "n");
    immediate(&m);
    immediate(&n);
    assert_int_equal(pawl_loop_alive(loop), 1);
    assert_int_equal(pawl_timeout_unref(loop, m.id), 0);
    assert_int_equal(pawl_loop_alive(loop), 1); /* n still holds it */
    assert_int_equal(pawl_timeout_unref(loop, n.id), 0);
    assert_int_equal(pawl_loop_alive(loop), 0);
    assert_int_equal(pawl_timeout_ref(loop, n.id), 0);
    assert_int_equal(pawl_loop_alive(loop), 1);
    /* Clearing the unreferenced one must not take n's reference. */
    assert_int_equal(pawl_clear_immediate(loop, m.id), 0);
    assert_int_equal(pawl_loop_alive(loop), 1);
    run_all(e);
    assert_string_equal(g_log, "n@0");
    assert_int_equal(pawl_loop_alive(loop), 0);
}

static void unref_immediate_waits_for_a_ref_timer_that_keeps_the_loop_alive(void **state)
{
    env *e = *state;
    pawl_loop *loop = &e->v.loop;
    jp m = probe(e, "m"), t = probe(e, "t");
    immediate(&m);
    timeout(&t, 5);
    assert_int_equal(pawl_timeout_unref(loop, m.id), 0);
    run_all(e);
    assert_string_equal(g_log, "m@0 t@5");
    /* As in Node, the unreferenced immediate did not stop the first
     * iteration's wait for t: it ran after that wait, and t in the very
     * next iteration. */
    assert_int_equal(t.iteration, m.iteration + 1);
}

/* As in Node (and libuv): a loop with nothing referenced does not start,
 * so an unreferenced immediate or due timeout alone never runs. */
static void nothing_runs_when_only_unreferenced_timers_and_immediates_are_left(void **state)
{
    env *e = *state;
    pawl_loop *loop = &e->v.loop;
    jp m = probe(e, "m"), t = probe(e, "t"), later = probe(e, "later");
    immediate(&m);
    timeout(&t, 1);
    timeout(&later, 5);
    assert_int_equal(pawl_timeout_unref(loop, m.id), 0);
    assert_int_equal(pawl_timeout_unref(loop, t.id), 0);
    assert_int_equal(pawl_timeout_unref(loop, later.id), 0);
    assert_int_equal(pawl_loop_alive(loop), 0);
    pawl_vclock_advance(&e->v.vc, 1u * MS); /* t is due when run starts */
    assert_int_equal(pawl_loop_run(loop, PAWL_RUN_DEFAULT), 0);
    assert_int_equal(pawl_loop_run(loop, PAWL_RUN_NOWAIT), 0);
    assert_string_equal(g_log, "");
    assert_int_equal(pawl_loop_iterations(loop), 0);
    assert_int_equal(e->v.vc.now_ns, 1u * MS);
    /* The loop's clock was still read: now is 1. */
    assert_int_equal(pawl_loop_now(loop), 1);
}

/* ---- immediates ------------------------------------------------------------- */

static void immediates_run_in_fifo_order(void **state)
{
    env *e = *state;
    jp a = probe(e, "a"), b = probe(e, "b"), c = probe(e, "c");
    immediate(&a);
    immediate(&b);
    immediate(&c);
    run_all(e);
    assert_string_equal(g_log, "a@0 b@0 c@0");
    assert_int_equal(a.iteration, c.iteration);
    assert_balanced(&e->alloc);
}

static void queue_other_immediate(jp *p)
{
    immediate(p->other);
}

static void immediates_queued_by_an_immediate_run_in_the_next_iteration(void **state)
{
    env *e = *state;
    jp a = probe(e, "a"), b = probe(e, "b"), c = probe(e, "c");
    a.action = queue_other_immediate;
    a.other = &c;
    immediate(&a);
    immediate(&b);
    run_all(e);
    assert_string_equal(g_log, "a@0 b@0 c@0");
    assert_int_equal(b.iteration, a.iteration);
    assert_int_equal(c.iteration, a.iteration + 1);
}

static void clear_other_immediate(jp *p)
{
    assert_int_equal(pawl_clear_immediate(&p->e->v.loop, p->other->id), 0);
    assert_int_equal(pawl_clear_immediate(&p->e->v.loop, p->id), 0); /* itself: done */
}

static void clearing_a_later_immediate_of_the_same_batch_prevents_it(void **state)
{
    env *e = *state;
    jp a = probe(e, "a"), b = probe(e, "b"), c = probe(e, "c");
    a.action = clear_other_immediate;
    a.other = &b;
    immediate(&a);
    immediate(&b);
    immediate(&c);
    run_all(e);
    assert_string_equal(g_log, "a@0 c@0");
    assert_int_equal(b.calls, 0);
    assert_balanced(&e->alloc);
}

static void pending_immediate_keeps_the_poll_phase_from_waiting(void **state)
{
    env *e = *state;
    jp t = probe(e, "t"), m = probe(e, "m");
    timeout(&t, 1000);
    immediate(&m);
    run_all(e);
    assert_string_equal(g_log, "m@0 t@1000");
    assert_int_equal(m.iteration, 1);
}

static void queue_log_microtask(jp *p)
{
    assert_int_equal(pawl_queue_microtask(&p->e->v.loop, mt_log, p->ctx), 0);
}

static void microtasks_of_an_immediate_run_before_the_next_immediate(void **state)
{
    env *e = *state;
    jp a = probe(e, "a"), b = probe(e, "b");
    mt_probe ma = {&e->v.loop, "ma"};
    a.action = queue_log_microtask;
    a.ctx = &ma;
    immediate(&a);
    immediate(&b);
    run_all(e);
    assert_string_equal(g_log, "a@0 ma@0 b@0");
}

static void microtasks_of_a_timer_run_before_the_next_timer_of_the_pass(void **state)
{
    env *e = *state;
    jp a = probe(e, "A"), b = probe(e, "B"), i = probe(e, "I");
    mt_probe ma = {&e->v.loop, "mA"}, mi = {&e->v.loop, "mI"};
    a.action = queue_log_microtask;
    a.ctx = &ma;
    i.action = queue_log_microtask;
    i.ctx = &mi;
    i.clear_at = 1;
    timeout(&a, 5);
    interval(&i, 5);
    timeout(&b, 5);
    run_all(e);
    assert_string_equal(g_log, "A@5 mA@5 I@5 mI@5 B@5");
    assert_int_equal(a.iteration, b.iteration);
}

/* ---- close ------------------------------------------------------------------ */

static void stop_loop(jp *p)
{
    assert_int_equal(pawl_loop_stop(&p->e->v.loop), 0);
}

static void close_after_stop_frees_pending_js_timers_without_calling_them(void **state)
{
    env *e = *state;
    pawl_loop *loop = &e->v.loop;
    jp x = probe(e, "x"), t = probe(e, "t"), i = probe(e, "i"), m = probe(e, "m"),
       r = probe(e, "r");
    x.action = stop_loop;
    timeout(&x, 5);
    timeout(&t, 10);
    interval(&i, 7);
    timeout(&r, 6);
    assert_int_equal(pawl_timeout_refresh(loop, r.id), 0);
    assert_int_equal(pawl_loop_run(loop, PAWL_RUN_DEFAULT), 1);
    assert_string_equal(g_log, "x@5");
    immediate(&m);
    assert_true(e->alloc.live_bytes > 0);
    assert_int_equal(pawl_loop_close(loop), 0);
    e->closed = 1;
    assert_balanced(&e->alloc);
    assert_int_equal(t.calls + i.calls + m.calls + r.calls, 0);
    assert_string_equal(g_log, "x@5");
    assert_int_equal(pawl_timeout_has_ref(loop, t.id), PAWL_ECLOSED);
}

static void close_frees_unref_timers_and_immediates_that_never_ran(void **state)
{
    env *e = *state;
    pawl_loop *loop = &e->v.loop;
    jp t = probe(e, "t"), i = probe(e, "i"), m = probe(e, "m");
    timeout(&t, 10);
    interval(&i, 10);
    assert_int_equal(pawl_timeout_unref(loop, t.id), 0);
    assert_int_equal(pawl_timeout_unref(loop, i.id), 0);
    assert_int_equal(pawl_loop_run(loop, PAWL_RUN_DEFAULT), 0);
    immediate(&m); /* queued, never run */
    assert_int_equal(pawl_timeout_unref(loop, m.id), 0);
    assert_int_equal(pawl_loop_close(loop), 0);
    e->closed = 1;
    assert_balanced(&e->alloc);
    assert_int_equal(t.calls + i.calls + m.calls, 0);
}

static int intrusive_fire(pawl_loop *loop, pawl_timer *timer)
{
    (void)timer;
    log_event("intrusive", pawl_loop_now(loop));
    return PAWL_TIMER_STOP;
}

static void close_is_busy_while_an_intrusive_timer_is_armed(void **state)
{
    env *e = *state;
    pawl_loop *loop = &e->v.loop;
    jp t = probe(e, "t");
    pawl_timer own;
    assert_int_equal(pawl_timer_init(&own, intrusive_fire), 0);
    timeout(&t, 5);
    assert_int_equal(pawl_timer_start(loop, &own, 8), 0);
    assert_int_equal(pawl_loop_close(loop), PAWL_EBUSY);
    /* Nothing was changed: the JS timer is still there and runs. */
    assert_int_equal(pawl_timeout_has_ref(loop, t.id), 1);
    run_all(e);
    assert_string_equal(g_log, "t@5 intrusive@8");
    /* Again with the intrusive timer unreferenced and a JS one pending. */
    jp u = probe(e, "u");
    timeout(&u, 5);
    assert_int_equal(pawl_timer_unref(loop, &own), 0);
    assert_int_equal(pawl_timer_start(loop, &own, 50), 0);
    assert_int_equal(pawl_loop_close(loop), PAWL_EBUSY);
    assert_int_equal(pawl_timeout_has_ref(loop, u.id), 1);
    assert_int_equal(pawl_timer_stop(loop, &own), 0);
    assert_int_equal(pawl_loop_close(loop), 0);
    e->closed = 1;
    assert_int_equal(u.calls, 0);
}

/* ---- allocation ------------------------------------------------------------- */

static void each_timer_allocates_through_the_loop_allocator_and_frees_when_done(void **state)
{
    env *e = *state;
    jp t = probe(e, "t"), i = probe(e, "i"), m = probe(e, "m");
    timeout(&t, 1);
    long first = e->alloc.allocs; /* the record and the table */
    assert_true(first >= 2);
    interval(&i, 1);
    i.clear_at = 1;
    immediate(&m);
    assert_int_equal(e->alloc.allocs, first + 2); /* one record each */
    run_all(e);
    assert_string_equal(g_log, "m@0 t@1 i@1");
    assert_balanced(&e->alloc);
}

/* Each setter, with the allocation call `n` calls from now failing: the
 * first add to an empty table allocates the record (1), then uthash's
 * table (2) and its buckets (3). */
static void assert_setters_fail_cleanly(env *e, long n)
{
    pawl_loop *loop = &e->v.loop;
    for (int kind = 0; kind < 3; kind++) {
        long live = e->alloc.live_bytes;
        fail_call(&e->alloc, n);
        pawl_timer_id id = kind == 0   ? pawl_set_timeout(loop, jp_fire, NULL, 5)
                           : kind == 1 ? pawl_set_interval(loop, jp_fire, NULL, 5)
                                       : pawl_set_immediate(loop, jp_fire, NULL);
        assert_int_equal(id, PAWL_ENOMEM);
        assert_int_equal(e->alloc.calls, e->alloc.fail_at); /* it was reached */
        assert_int_equal(e->alloc.live_bytes, live);
        assert_int_equal(pawl_loop_alive(loop), 0);
    }
    assert_balanced(&e->alloc);
}

static void failed_record_allocation_is_enomem_and_arms_nothing(void **state)
{
    env *e = *state;
    assert_setters_fail_cleanly(e, 1);
    /* The loop is intact: with memory back, each works. */
    jp t = probe(e, "t"), i = probe(e, "i"), m = probe(e, "m");
    timeout(&t, 2);
    interval(&i, 3);
    i.clear_at = 1;
    immediate(&m);
    run_all(e);
    assert_string_equal(g_log, "m@0 t@2 i@3");
    assert_int_equal(e->warn.count, 0);
}

static void failed_table_allocation_is_enomem_and_leaks_nothing(void **state)
{
    env *e = *state;
    assert_setters_fail_cleanly(e, 2); /* the table */
    assert_setters_fail_cleanly(e, 3); /* its buckets */
    jp t = probe(e, "t"), m = probe(e, "m");
    timeout(&t, 2);
    immediate(&m);
    assert_true(t.id > 0 && m.id > t.id);
    run_all(e);
    assert_string_equal(g_log, "m@0 t@2");
}

static int count_call(void *arg)
{
    (*(int *)arg)++;
    return 0;
}

/* How many timers a fresh loop holds before the next add grows the table
 * (one allocation more than the record), or -1 if none within `max`. */
static int adds_before_table_growth(int max)
{
    counting_alloc c = {0};
    pawl_vclock vc;
    pawl_vclock_init(&vc, 0);
    pawl_loop loop;
    assert_int_equal(pawl_loop_init(&loop, &(pawl_loop_opts){.platform = &vc.base,
                                                             .alloc = counting_alloc_fn,
                                                             .alloc_ud = &c}),
                     0);
    int found = -1;
    for (int k = 0; k < max && found < 0; k++) {
        long before = c.calls;
        assert_true(pawl_set_timeout(&loop, count_call, NULL, 100) > 0);
        if (k > 0 && c.calls - before > 1)
            found = k;
    }
    assert_int_equal(pawl_loop_close(&loop), 0);
    assert_balanced(&c);
    return found;
}

static void failed_table_growth_is_enomem_and_keeps_every_timer(void **state)
{
    env *e = *state;
    pawl_loop *loop = &e->v.loop;
    enum { MAX = 4096 };
    int k = adds_before_table_growth(MAX);
    assert_true(k > 0);
    int *calls = test_calloc(MAX, sizeof *calls);
    pawl_timer_id *ids = test_calloc(MAX, sizeof *ids);
    for (int n = 0; n < k; n++) {
        ids[n] = pawl_set_timeout(loop, count_call, &calls[n], 10);
        assert_int_equal(ids[n], n + 1); /* the same ids as the probe loop's */
    }
    long live = e->alloc.live_bytes;
    fail_call(&e->alloc, 2); /* the record succeeds, the growth fails */
    assert_int_equal(pawl_set_timeout(loop, count_call, &calls[k], 10), PAWL_ENOMEM);
    assert_int_equal(e->alloc.calls, e->alloc.fail_at);
    assert_int_equal(e->alloc.live_bytes, live);
    /* Every earlier timer is still found by its id. */
    for (int n = 0; n < k; n++)
        assert_int_equal(pawl_timeout_has_ref(loop, ids[n]), 1);
    /* With memory back the same add grows the table and succeeds. */
    ids[k] = pawl_set_timeout(loop, count_call, &calls[k], 10);
    assert_true(ids[k] > ids[k - 1]);
    for (int n = 0; n <= k; n++)
        assert_int_equal(pawl_timeout_has_ref(loop, ids[n]), 1);
    run_all(e);
    for (int n = 0; n <= k; n++)
        assert_int_equal(calls[n], 1);
    assert_balanced(&e->alloc);
    test_free(calls);
    test_free(ids);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, env_setup, env_teardown)
    const struct CMUnitTest tests[] = {
        T(ids_are_positive_increasing_and_never_reused),
        T(null_callback_is_einval_and_arms_nothing),
        T(null_zeroed_and_closed_loops_are_rejected_by_every_function),
        T(zero_delay_becomes_one_ms_without_a_warning),
        T(negative_delay_becomes_one_ms_and_warns_with_the_value),
        T(delay_above_the_maximum_becomes_one_ms_and_warns_overflow),
        T(maximum_delay_is_kept_exactly_without_a_warning),
        T(interval_delay_is_coerced_like_a_timeout),
        T(without_a_hook_out_of_range_delays_are_silently_coerced),
        T(equal_deadlines_run_in_arm_order),
        T(timeout_zero_armed_in_a_callback_runs_after_the_timers_already_due),
        T(immediate_set_in_a_timer_callback_runs_before_timeout_zero),
        T(interval_rearms_from_the_start_of_its_own_callback),
        T(interval_cleared_in_own_callback_stops_and_is_freed),
        T(clear_timeout_stops_an_interval_and_clear_interval_a_timeout),
        T(interval_cleared_by_a_microtask_of_its_own_callback_stops),
        T(callback_errors_warn_and_an_interval_keeps_going),
        T(interval_unref_inside_own_callback_lets_the_loop_end),
        T(refresh_of_an_interval_restarts_its_period),
        T(interval_refreshed_inside_its_callback_counts_from_the_callback_start),
        T(unref_immediate_queued_by_the_last_timer_does_not_run),
        T(clearing_unknown_zero_negative_fired_or_cleared_ids_is_a_noop),
        T(clear_immediate_ignores_timers_and_clear_timeout_ignores_immediates),
        T(clearing_own_id_inside_a_timeout_keeps_a_new_one_with_the_same_delay),
        T(a_stale_id_cannot_affect_a_newer_timer),
        T(refresh_inside_own_callback_rearms_a_one_shot_then_frees_it),
        T(refresh_moves_a_pending_timeout_behind_equal_deadlines),
        T(refresh_of_unknown_fired_cleared_or_immediate_ids_is_enoent),
        T(unref_timeout_alone_does_not_keep_the_loop_alive),
        T(unref_timeout_and_interval_fire_while_a_ref_timer_keeps_the_loop_alive),
        T(has_ref_reports_the_state_of_each_kind_and_enoent_for_unknown_ids),
        T(unref_immediate_does_not_keep_the_loop_alive_and_ref_again_does),
        T(unref_immediate_waits_for_a_ref_timer_that_keeps_the_loop_alive),
        T(nothing_runs_when_only_unreferenced_timers_and_immediates_are_left),
        T(immediates_run_in_fifo_order),
        T(immediates_queued_by_an_immediate_run_in_the_next_iteration),
        T(clearing_a_later_immediate_of_the_same_batch_prevents_it),
        T(pending_immediate_keeps_the_poll_phase_from_waiting),
        T(microtasks_of_an_immediate_run_before_the_next_immediate),
        T(microtasks_of_a_timer_run_before_the_next_timer_of_the_pass),
        T(close_after_stop_frees_pending_js_timers_without_calling_them),
        T(close_frees_unref_timers_and_immediates_that_never_ran),
        T(close_is_busy_while_an_intrusive_timer_is_armed),
        T(each_timer_allocates_through_the_loop_allocator_and_frees_when_done),
        T(failed_record_allocation_is_enomem_and_arms_nothing),
        T(failed_table_allocation_is_enomem_and_leaks_nothing),
        T(failed_table_growth_is_enomem_and_keeps_every_timer),
    };
#undef T
    return cmocka_run_group_tests_name("timers_js", tests, NULL, NULL);
}
