/*
 * tests/test_promise.c -- promises beyond Promises/A+ (which
 * tests/test_promise_aplus.c covers): the ES combinators, delay and
 * with_timeout on the virtual clock, await in tasks and
 * pawl_promise_from_task, unhandled-rejection reports, memory (pools,
 * slabs, failing allocators, sizes), chains of a million promises on a
 * 64 KiB stack, and values.
 *
 * Every test has its own `world`: a virtual-clock loop whose allocator
 * counts calls (and can be told to fail), whose on_rejection hook writes
 * "unhandled(name):reason@ms" / "handled(name):reason@ms" to the world's
 * log, and whose handlers, timers, microtasks and tasks write to the same
 * log.  Each test compares the whole log, so an unexpected report, an
 * extra call or a wrong order fails it.  Where a test says "ES order" the
 * expected log is what Node prints for the same program (the JavaScript
 * is quoted next to the test); a "ticker" chain t1..t5 registered first
 * marks the microtask turns: tN runs on turn N.
 *
 * Every test ends with pawl_loop_close() == 0, which fails while a
 * promise (and so any reaction, which a promise owns) or a microtask is
 * left alive; ASan catches the rest.  Reactions a failed call took and
 * did not give back are caught with small pools instead.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L /* fileno, dup, PTHREAD_STACK_MIN */
#endif
#include <limits.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "pawl/pawl.h"
#include "support.h"

#define MS 1000000u

/* ---- the world of one test ------------------------------------------------ */

enum { W_DEFAULT_HOOK = 1u }; /* world_open: keep pawl's own stderr report */

typedef struct world {
    vloop v;
    char log[4096];
    int frees;              /* counted objects freed */
    size_t alloc_calls;     /* allocator calls for a new block */
    bool alloc_fail;        /* make every new block fail */
    const char *names[8];   /* promises the rejection hook names */
    const pawl_promise *named[8];
    size_t n_named;
} world;

static pawl_loop *L(world *w)
{
    return &w->v.loop;
}

static uint64_t now_ms(world *w)
{
    return pawl_loop_now(&w->v.loop);
}

static void log_add(world *w, const char *fmt, ...)
{
    size_t len = strlen(w->log);
    if (len != 0 && len < sizeof w->log - 1)
        w->log[len++] = ' ';
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(w->log + len, sizeof w->log - len, fmt, ap);
    va_end(ap);
}

static void *world_alloc(void *ud, void *ptr, size_t old_size, size_t new_size)
{
    world *w = ud;
    if (new_size > 0) {
        w->alloc_calls++;
        if (w->alloc_fail)
            return NULL;
    }
    return pawl_default_alloc(NULL, ptr, old_size, new_size);
}

/* A counted object: frees itself and counts the call. */
typedef struct counted {
    pawl_obj obj;
    world *w;
    const char *name;
} counted;

static void counted_free(pawl_obj *o)
{
    counted *c = PAWL_CONTAINER_OF(o, counted, obj);
    c->w->frees++;
    test_free(c);
}

static pawl_obj *counted_new(world *w, const char *name)
{
    counted *c = test_malloc(sizeof *c);
    c->w = w;
    c->name = name;
    assert_int_equal(pawl_obj_init(&c->obj, counted_free), 0);
    return &c->obj;
}

/* A short text for a value: 42, ETIMEDOUT, [1,!2] (allSettled marks
 * reasons with !), agg[1,2], the name of a counted object, ... */
static void describe(pawl_value v, char *buf, size_t size)
{
    const char *bang = pawl_value_is_rejection(v) ? "!" : "";
    switch (v.kind) {
    case PAWL_V_UNDEFINED:
        snprintf(buf, size, "%sundefined", bang);
        break;
    case PAWL_V_INT:
        snprintf(buf, size, "%s%lld", bang, (long long)v.u.i);
        break;
    case PAWL_V_DOUBLE:
        snprintf(buf, size, "%s%g", bang, v.u.d);
        break;
    case PAWL_V_PTR:
        snprintf(buf, size, "%sptr", bang);
        break;
    case PAWL_V_OBJ:
        snprintf(buf, size, "%s%s", bang, PAWL_CONTAINER_OF(v.u.obj, counted, obj)->name);
        break;
    case PAWL_V_ERROR:
        snprintf(buf, size, "%s%s", bang, pawl_err_name(v.code));
        break;
    case PAWL_V_LIST:
    case PAWL_V_AGGREGATE: {
        size_t len = (size_t)snprintf(buf, size, "%s%s[", bang,
                                      v.kind == PAWL_V_AGGREGATE ? "agg" : "");
        for (size_t i = 0; i < v.u.list->n && len < size; i++) {
            if (i != 0)
                len += (size_t)snprintf(buf + len, size - len, ",");
            if (len < size)
                describe(v.u.list->items[i], buf + len, size - len);
            len = strlen(buf);
        }
        if (len < size)
            snprintf(buf + len, size - len, "]");
        break;
    }
    case PAWL_V_PROMISE:
        snprintf(buf, size, "%spromise", bang);
        break;
    default:
        snprintf(buf, size, "?kind%u", (unsigned)v.kind);
        break;
    }
}

static const char *name_of(world *w, const pawl_promise *p)
{
    for (size_t i = 0; i < w->n_named; i++)
        if (w->named[i] == p)
            return w->names[i];
    return "?";
}

static void name(world *w, const pawl_promise *p, const char *n)
{
    assert_true(w->n_named < 8);
    w->names[w->n_named] = n;
    w->named[w->n_named++] = p;
}

static void record_rejection(void *ud, pawl_loop *loop, struct pawl_promise *p,
                             pawl_rejection_event event, const struct pawl_value *reason)
{
    world *w = ud;
    char text[128];
    describe(*reason, text, sizeof text);
    log_add(w, "%s(%s):%s@%llu", event == PAWL_REJECTION_UNHANDLED ? "unhandled" : "handled",
            name_of(w, p), text, (unsigned long long)pawl_loop_now(loop));
}

static world *world_open(pawl_loop_opts opts, unsigned flags)
{
    world *w = test_calloc(1, sizeof *w);
    if (opts.alloc == NULL) {
        opts.alloc = world_alloc;
        opts.alloc_ud = w;
    }
    if (!(flags & W_DEFAULT_HOOK)) {
        opts.on_rejection = record_rejection;
        opts.rejection_ud = w;
    }
    vloop_open(&w->v, 0, opts);
    return w;
}

/* For a test that closes its loop itself to check the result: open a
 * fresh one (default options) for the teardown. */
static void world_reopen(world *w)
{
    vloop_open(&w->v, 0, (pawl_loop_opts){.alloc = world_alloc, .alloc_ud = w,
                                          .on_rejection = record_rejection,
                                          .rejection_ud = w});
}

static void world_close(world *w)
{
    vloop_close(&w->v);
    test_free(w);
}

static int setup(void **state)
{
    *state = world_open((pawl_loop_opts){0}, 0);
    return 0;
}

static int teardown(void **state)
{
    world_close(*state);
    return 0;
}

static void run(world *w)
{
    assert_int_equal(pawl_loop_run(L(w), PAWL_RUN_DEFAULT), 0);
}

/* ---- promises and handlers -------------------------------------------------- */

static pawl_promise *pending(world *w)
{
    pawl_promise *p = NULL;
    assert_int_equal(pawl_promise_new(L(w), &p), 0);
    return p;
}

static pawl_promise *fulfilled(world *w, int64_t i)
{
    pawl_promise *p = NULL;
    assert_int_equal(pawl_promise_resolved(L(w), pawl_int(i), &p), 0);
    return p;
}

static pawl_promise *rejected(world *w, int64_t i)
{
    pawl_promise *p = NULL;
    assert_int_equal(pawl_promise_rejected(L(w), pawl_int(i), &p), 0);
    return p;
}

/* A handler's context: logs "name=value" (fulfilled) or "name!reason"
 * (rejected), with "@ms" if `timed`; `act`, if set, does more and gives
 * the handler's return value. */
typedef struct probe {
    world *w;
    const char *name;
    bool timed;
    int calls;
    pawl_value (*act)(struct probe *pr, pawl_value v);
    void *arg;
    void *arg2;
} probe;

static void probe_log(probe *pr, const char *sep, pawl_value v)
{
    char text[256];
    describe(v, text, sizeof text);
    pr->calls++;
    if (pr->timed)
        log_add(pr->w, "%s%s%s@%llu", pr->name, sep, text, (unsigned long long)now_ms(pr->w));
    else
        log_add(pr->w, "%s%s%s", pr->name, sep, text);
}

static pawl_value on_value(void *ctx, pawl_value v)
{
    probe *pr = ctx;
    probe_log(pr, "=", v);
    return pr->act != NULL ? pr->act(pr, v) : pawl_value_dup(v);
}

static pawl_value on_reason(void *ctx, pawl_value v)
{
    probe *pr = ctx;
    probe_log(pr, "!", v);
    return pr->act != NULL ? pr->act(pr, v) : pawl_undefined();
}

/* Both handlers on `p`; the derived promise is not kept (it is fulfilled
 * either way, so it reports nothing). */
static void watch(pawl_promise *p, probe *pr)
{
    assert_int_equal(pawl_promise_then(p, on_value, on_reason, pr, NULL), 0);
}

/* Logs the name only (the ticker's handler); runs `act` if set. */
static pawl_value tick(void *ctx, pawl_value v)
{
    probe *pr = ctx;
    log_add(pr->w, "%s", pr->name);
    return pr->act != NULL ? pr->act(pr, v) : pawl_undefined();
}

/* t1 -> t2 -> ... -> t5, registered now on a fulfilled promise: tN runs on
 * the N-th microtask turn from here. */
static void ticker(world *w, probe tk[5])
{
    static const char *const names[5] = {"t1", "t2", "t3", "t4", "t5"};
    pawl_promise *t = fulfilled(w, 0);
    for (int i = 0; i < 5; i++) {
        tk[i] = (probe){.w = w, .name = names[i]};
        pawl_promise *next = NULL;
        assert_int_equal(pawl_promise_then(t, tick, NULL, &tk[i], &next), 0);
        pawl_promise_release(t);
        t = next;
    }
    pawl_promise_release(t);
}

static void release_all(pawl_promise **ps, size_t n)
{
    for (size_t i = 0; i < n; i++)
        pawl_promise_release(ps[i]);
}

/* ---- timers and microtasks that act ------------------------------------------ */

typedef struct at_timer {
    pawl_timer timer;
    world *w;
    const char *name;
    void (*fn)(struct at_timer *a);
    void *arg;
    void *arg2;
    int64_t i;
} at_timer;

static int at_fire(pawl_loop *loop, pawl_timer *t)
{
    (void)loop;
    at_timer *a = PAWL_CONTAINER_OF(t, at_timer, timer);
    a->fn(a);
    return PAWL_TIMER_STOP;
}

static void at(world *w, at_timer *a, uint32_t ms, void (*fn)(at_timer *a), void *arg, int64_t i,
               const char *nm)
{
    *a = (at_timer){.w = w, .name = nm, .fn = fn, .arg = arg, .i = i};
    assert_int_equal(pawl_timer_init(&a->timer, at_fire), 0);
    assert_int_equal(pawl_timer_start(L(w), &a->timer, ms), 0);
}

static void do_resolve(at_timer *a)
{
    assert_int_equal(pawl_promise_resolve(a->arg, pawl_int(a->i)), 0);
}

static void do_reject(at_timer *a)
{
    assert_int_equal(pawl_promise_reject(a->arg, pawl_int(a->i)), 0);
}

static void do_log(at_timer *a)
{
    log_add(a->w, "%s@%llu", a->name, (unsigned long long)now_ms(a->w));
}

static void do_log_state(at_timer *a)
{
    static const char *const states[] = {"pending", "fulfilled", "rejected"};
    log_add(a->w, "%s:%s@%llu", a->name, states[pawl_promise_state_of(a->arg)],
            (unsigned long long)now_ms(a->w));
}

static void do_cancel(at_timer *a)
{
    assert_int_equal(pawl_task_cancel(L(a->w), a->arg), 0);
}

/* Settle `arg` and cancel the task `arg2` in one callback. */
static void do_resolve_and_cancel(at_timer *a)
{
    assert_int_equal(pawl_promise_resolve(a->arg, pawl_int(a->i)), 0);
    assert_int_equal(pawl_task_cancel(L(a->w), a->arg2), 0);
}

/* A microtask that logs its name, may act, and then queues `next`. */
typedef struct mtask {
    world *w;
    const char *name;
    struct mtask *next;
    void (*act)(struct mtask *m);
    pawl_promise *p;
    probe *pr;
} mtask;

static void mtask_run(void *arg)
{
    mtask *m = arg;
    log_add(m->w, "%s", m->name);
    if (m->act != NULL)
        m->act(m);
    if (m->next != NULL)
        assert_int_equal(pawl_queue_microtask(L(m->w), mtask_run, m->next), 0);
}

/* ==== 1. the combinators ======================================================== */

typedef int combinator_fn(pawl_loop *, pawl_promise *const *, size_t, pawl_promise **);

static void all_of_nothing_is_fulfilled_at_once_with_an_empty_list(void **state)
{
    /* Promise.all([]).then(v => log('all=[' + v + ']')): "t1 all=[] t2" */
    world *w = *state;
    probe tk[5], pr = {.w = w, .name = "all"};
    ticker(w, tk);
    pawl_promise *r = NULL;
    assert_int_equal(pawl_promise_all(L(w), NULL, 0, &r), 0);
    assert_int_equal(pawl_promise_state_of(r), PAWL_PROMISE_FULFILLED);
    pawl_value v;
    assert_int_equal(pawl_promise_result(r, &v), 0);
    assert_int_equal(v.kind, PAWL_V_LIST);
    assert_int_equal(v.u.list->n, 0);
    pawl_value_drop(&v);
    watch(r, &pr);
    pawl_promise_release(r);
    run(w);
    assert_string_equal(w->log, "t1 all=[] t2 t3 t4 t5");
}

static void all_settled_of_nothing_is_fulfilled_at_once_with_an_empty_list(void **state)
{
    world *w = *state;
    probe tk[5], pr = {.w = w, .name = "as"};
    ticker(w, tk);
    pawl_promise *in[1] = {NULL}; /* n == 0: `in` is not read */
    pawl_promise *r = NULL;
    assert_int_equal(pawl_promise_all_settled(L(w), in, 0, &r), 0);
    assert_int_equal(pawl_promise_state_of(r), PAWL_PROMISE_FULFILLED);
    pawl_value v;
    assert_int_equal(pawl_promise_result(r, &v), 0);
    assert_int_equal(v.kind, PAWL_V_LIST);
    assert_int_equal(v.u.list->n, 0);
    pawl_value_drop(&v);
    watch(r, &pr);
    pawl_promise_release(r);
    run(w);
    assert_string_equal(w->log, "t1 as=[] t2 t3 t4 t5");
}

static void any_of_nothing_is_rejected_at_once_with_an_empty_aggregate(void **state)
{
    /* Promise.any([]).catch(e => log('any![' + e.errors + ']')): "t1 any![] t2" */
    world *w = *state;
    probe tk[5], pr = {.w = w, .name = "any"};
    ticker(w, tk);
    pawl_promise *r = NULL;
    assert_int_equal(pawl_promise_any(L(w), NULL, 0, &r), 0);
    assert_int_equal(pawl_promise_state_of(r), PAWL_PROMISE_REJECTED);
    pawl_value v;
    assert_int_equal(pawl_promise_result(r, &v), PAWL_EREJECTED);
    assert_int_equal(v.kind, PAWL_V_AGGREGATE);
    assert_int_equal(v.u.list->n, 0);
    pawl_value_drop(&v);
    watch(r, &pr);
    pawl_promise_release(r);
    run(w);
    assert_string_equal(w->log, "t1 any!agg[] t2 t3 t4 t5");
}

static void any_of_nothing_unhandled_is_reported(void **state)
{
    world *w = *state;
    pawl_promise *r = NULL;
    assert_int_equal(pawl_promise_any(L(w), NULL, 0, &r), 0);
    name(w, r, "any");
    run(w);
    assert_string_equal(w->log, "unhandled(any):agg[]@0");
    pawl_promise_release(r);
}

static void race_of_nothing_stays_pending_forever(void **state)
{
    world *w = *state;
    probe pr = {.w = w, .name = "race"};
    pawl_promise *r = NULL;
    assert_int_equal(pawl_promise_race(L(w), NULL, 0, &r), 0);
    assert_int_equal(pawl_promise_state_of(r), PAWL_PROMISE_PENDING);
    watch(r, &pr);
    at_timer late;
    at(w, &late, 1000, do_log, NULL, 0, "late");
    run(w);
    assert_string_equal(w->log, "late@1000");
    assert_int_equal(pawl_promise_state_of(r), PAWL_PROMISE_PENDING);
    pawl_value v = pawl_int(-1);
    assert_int_equal(pawl_promise_result(r, &v), PAWL_EAGAIN);
    assert_int_equal(v.kind, PAWL_V_INT); /* untouched */
    pawl_promise_release(r); /* frees it and its waiting reaction */
}

static void combinators_of_one_input_settle_as_it(void **state)
{
    world *w = *state;
    pawl_promise *a = fulfilled(w, 1), *b = rejected(w, 2);
    combinator_fn *const fns[4] = {pawl_promise_all, pawl_promise_all_settled, pawl_promise_any,
                                   pawl_promise_race};
    static const char *const names[4] = {"all", "as", "any", "race"};
    probe pr[8];
    for (int k = 0; k < 8; k++) {
        pawl_promise *r = NULL;
        pr[k] = (probe){.w = w, .name = names[k % 4]};
        assert_int_equal(fns[k % 4](L(w), k < 4 ? &a : &b, 1, &r), 0);
        watch(r, &pr[k]);
        pawl_promise_release(r);
    }
    run(w);
    assert_string_equal(w->log,
                        "all=[1] as=[1] any=1 race=1 all!2 as=[!2] any!agg[2] race!2");
    pawl_promise_release(a);
    pawl_promise_release(b);
}

static void all_lists_values_in_input_order_when_inputs_settle_in_reverse(void **state)
{
    world *w = *state;
    probe pr = {.w = w, .name = "all"};
    pawl_promise *in[3] = {pending(w), pending(w), pending(w)};
    pawl_promise *r = NULL;
    assert_int_equal(pawl_promise_all(L(w), in, 3, &r), 0);
    watch(r, &pr);
    for (int i = 2; i >= 0; i--) {
        assert_int_equal(pawl_promise_state_of(r), PAWL_PROMISE_PENDING);
        assert_int_equal(pawl_promise_resolve(in[i], pawl_int(i + 1)), 0);
        run(w); /* each settles in a drain of its own */
    }
    assert_string_equal(w->log, "all=[1,2,3]");
    release_all(in, 3);
    pawl_promise_release(r);
}

static void all_mixes_settled_and_pending_inputs(void **state)
{
    world *w = *state;
    probe pr = {.w = w, .name = "all"};
    pawl_promise *in[3] = {fulfilled(w, 1), pending(w), fulfilled(w, 3)};
    pawl_promise *r = NULL;
    assert_int_equal(pawl_promise_all(L(w), in, 3, &r), 0);
    watch(r, &pr);
    run(w);
    assert_string_equal(w->log, ""); /* waits for the pending one */
    assert_int_equal(pawl_promise_state_of(r), PAWL_PROMISE_PENDING);
    assert_int_equal(pawl_promise_resolve(in[1], pawl_int(2)), 0);
    run(w);
    assert_string_equal(w->log, "all=[1,2,3]");
    release_all(in, 3);
    pawl_promise_release(r);
}

static void all_rejects_with_the_first_rejection(void **state)
{
    world *w = *state;
    probe pr = {.w = w, .name = "all"};
    pawl_promise *in[3] = {pending(w), pending(w), pending(w)};
    pawl_promise *r = NULL;
    assert_int_equal(pawl_promise_all(L(w), in, 3, &r), 0);
    watch(r, &pr);
    assert_int_equal(pawl_promise_reject(in[1], pawl_int(2)), 0);
    assert_int_equal(pawl_promise_reject(in[0], pawl_int(1)), 0);
    run(w);
    assert_int_equal(pawl_promise_resolve(in[2], pawl_int(3)), 0);
    run(w);
    /* Later rejections are handled (all registered on them): no report. */
    assert_string_equal(w->log, "all!2");
    release_all(in, 3);
    pawl_promise_release(r);
}

static void all_settled_lists_outcomes_in_input_order_marking_reasons(void **state)
{
    world *w = *state;
    probe pr = {.w = w, .name = "as"};
    pawl_promise *in[4] = {pending(w), pending(w), rejected(w, 3), pending(w)};
    pawl_promise *r = NULL;
    assert_int_equal(pawl_promise_all_settled(L(w), in, 4, &r), 0);
    watch(r, &pr);
    assert_int_equal(pawl_promise_resolve(in[3], pawl_int(4)), 0);
    run(w);
    assert_int_equal(pawl_promise_reject(in[1], pawl_int(2)), 0);
    run(w);
    assert_int_equal(pawl_promise_state_of(r), PAWL_PROMISE_PENDING);
    assert_int_equal(pawl_promise_resolve(in[0], pawl_int(1)), 0);
    run(w);
    assert_string_equal(w->log, "as=[1,!2,!3,4]");
    /* The list read back: the rejection marks are on the items. */
    pawl_value v;
    assert_int_equal(pawl_promise_result(r, &v), 0);
    assert_int_equal(v.kind, PAWL_V_LIST);
    assert_int_equal(v.u.list->n, 4);
    assert_false(pawl_value_is_rejection(v.u.list->items[0]));
    assert_true(pawl_value_is_rejection(v.u.list->items[1]));
    assert_true(pawl_value_is_rejection(v.u.list->items[2]));
    assert_false(pawl_value_is_rejection(v.u.list->items[3]));
    assert_int_equal(v.u.list->items[1].u.i, 2);
    pawl_value_drop(&v);
    release_all(in, 4);
    pawl_promise_release(r);
}

/* The handler passes on the list's rejected item: JavaScript's
 * `.then(list => list[0])` with a {status: 'rejected'} item fulfils. */
static pawl_value first_item(void *ctx, pawl_value v)
{
    (void)ctx;
    return pawl_value_dup(v.u.list->items[0]);
}

static void all_settled_rejected_item_passed_on_by_a_handler_fulfils(void **state)
{
    world *w = *state;
    pawl_promise *in[1] = {rejected(w, 7)};
    pawl_promise *r = NULL, *d = NULL;
    assert_int_equal(pawl_promise_all_settled(L(w), in, 1, &r), 0);
    assert_int_equal(pawl_promise_then(r, first_item, NULL, NULL, &d), 0);
    run(w);
    pawl_value v;
    assert_int_equal(pawl_promise_result(d, &v), 0); /* fulfilled, not rejected */
    assert_int_equal(v.u.i, 7);
    assert_true(pawl_value_is_rejection(v)); /* still says what it was */
    pawl_value_drop(&v);
    release_all(in, 1);
    pawl_promise_release(r);
    pawl_promise_release(d);
}

static void any_fulfils_with_the_first_fulfilment(void **state)
{
    world *w = *state;
    probe pr = {.w = w, .name = "any"};
    pawl_promise *in[4] = {rejected(w, 0), pending(w), pending(w), pending(w)};
    pawl_promise *r = NULL;
    assert_int_equal(pawl_promise_any(L(w), in, 4, &r), 0);
    watch(r, &pr);
    assert_int_equal(pawl_promise_reject(in[1], pawl_int(1)), 0);
    run(w);
    assert_int_equal(pawl_promise_state_of(r), PAWL_PROMISE_PENDING);
    assert_int_equal(pawl_promise_resolve(in[3], pawl_int(3)), 0);
    assert_int_equal(pawl_promise_resolve(in[2], pawl_int(2)), 0);
    run(w);
    assert_string_equal(w->log, "any=3");
    release_all(in, 4);
    pawl_promise_release(r);
}

static void any_rejects_with_the_reasons_in_input_order(void **state)
{
    world *w = *state;
    probe pr = {.w = w, .name = "any"};
    pawl_promise *in[3] = {pending(w), rejected(w, 2), pending(w)};
    pawl_promise *r = NULL;
    assert_int_equal(pawl_promise_any(L(w), in, 3, &r), 0);
    watch(r, &pr);
    assert_int_equal(pawl_promise_reject(in[2], pawl_int(3)), 0);
    run(w);
    assert_int_equal(pawl_promise_state_of(r), PAWL_PROMISE_PENDING);
    assert_int_equal(pawl_promise_reject(in[0], pawl_int(1)), 0);
    run(w);
    assert_string_equal(w->log, "any!agg[1,2,3]");
    pawl_value v;
    assert_int_equal(pawl_promise_result(r, &v), PAWL_EREJECTED);
    assert_int_equal(v.kind, PAWL_V_AGGREGATE);
    assert_int_equal(v.u.list->n, 3);
    pawl_value_drop(&v);
    release_all(in, 3);
    pawl_promise_release(r);
}

static void race_settles_as_the_first_input_to_settle(void **state)
{
    world *w = *state;
    probe p1 = {.w = w, .name = "r1"}, p2 = {.w = w, .name = "r2"}, p3 = {.w = w, .name = "r3"};
    /* A fulfilment first. */
    pawl_promise *a[2] = {pending(w), pending(w)};
    pawl_promise *r1 = NULL;
    assert_int_equal(pawl_promise_race(L(w), a, 2, &r1), 0);
    watch(r1, &p1);
    /* A rejection first. */
    pawl_promise *b[2] = {pending(w), pending(w)};
    pawl_promise *r2 = NULL;
    assert_int_equal(pawl_promise_race(L(w), b, 2, &r2), 0);
    watch(r2, &p2);
    /* An input settled already wins, wherever it is in the input. */
    pawl_promise *c[2] = {pending(w), fulfilled(w, 7)};
    pawl_promise *r3 = NULL;
    assert_int_equal(pawl_promise_race(L(w), c, 2, &r3), 0);
    watch(r3, &p3);
    run(w);
    assert_string_equal(w->log, "r3=7");
    assert_int_equal(pawl_promise_resolve(a[1], pawl_int(2)), 0);
    assert_int_equal(pawl_promise_reject(a[0], pawl_int(1)), 0);
    assert_int_equal(pawl_promise_reject(b[0], pawl_int(3)), 0);
    assert_int_equal(pawl_promise_resolve(b[1], pawl_int(4)), 0);
    assert_int_equal(pawl_promise_resolve(c[0], pawl_int(5)), 0);
    run(w);
    assert_string_equal(w->log, "r3=7 r1=2 r2!3");
    release_all(a, 2);
    release_all(b, 2);
    release_all(c, 2);
    pawl_promise_release(r1);
    pawl_promise_release(r2);
    pawl_promise_release(r3);
}

static void combinators_of_an_input_that_never_settles_free_everything(void **state)
{
    /* Each combinator gets a settled input (a counted value) and one that
     * never settles.  any and race settle with the value; all and
     * allSettled keep it in their lists and wait.  When the pending input
     * dies, its unrun reactions are dropped: every combinator lets go of
     * its state, so the value and the promises of all and allSettled
     * (which nothing can settle any more) are freed too. */
    world *w = *state;
    combinator_fn *const fns[4] = {pawl_promise_all, pawl_promise_all_settled, pawl_promise_any,
                                   pawl_promise_race};
    pawl_promise *settled = NULL;
    assert_int_equal(pawl_promise_resolved(L(w), pawl_obj_value(counted_new(w, "v")), &settled),
                     0);
    pawl_promise *in[2] = {settled, pending(w)};
    pawl_promise *r[4];
    for (int k = 0; k < 4; k++)
        assert_int_equal(fns[k](L(w), in, 2, &r[k]), 0);
    run(w);
    assert_int_equal(pawl_promise_state_of(r[0]), PAWL_PROMISE_PENDING);
    assert_int_equal(pawl_promise_state_of(r[1]), PAWL_PROMISE_PENDING);
    assert_int_equal(pawl_promise_state_of(r[2]), PAWL_PROMISE_FULFILLED);
    assert_int_equal(pawl_promise_state_of(r[3]), PAWL_PROMISE_FULFILLED);
    release_all(r, 4);
    pawl_promise_release(settled);
    assert_int_equal(w->frees, 0); /* still in the lists of all and allSettled */
    pawl_promise_release(in[1]);   /* dies pending, with four reactions on it */
    assert_int_equal(w->frees, 1);
    assert_string_equal(w->log, "");
}

static void combinators_refuse_null_and_foreign_inputs_and_register_nothing(void **state)
{
    world *w = *state;
    world *w2 = world_open((pawl_loop_opts){0}, 0);
    pawl_promise *a = rejected(w, 1); /* unhandled: any registration would hide it */
    name(w, a, "a");
    pawl_promise *f = fulfilled(w2, 2);
    pawl_promise *foreign_in[2] = {a, f};
    pawl_promise *null_in[2] = {a, NULL};
    combinator_fn *const fns[4] = {pawl_promise_all, pawl_promise_all_settled, pawl_promise_any,
                                   pawl_promise_race};
    for (int k = 0; k < 4; k++) {
        pawl_promise *r = (pawl_promise *)(void *)&r;
        assert_int_equal(fns[k](L(w), foreign_in, 2, &r), PAWL_EFOREIGN);
        assert_int_equal(fns[k](L(w), null_in, 2, &r), PAWL_EINVAL);
        assert_int_equal(fns[k](L(w), NULL, 2, &r), PAWL_EINVAL);
        assert_int_equal(fns[k](L(w), null_in, 1, NULL), PAWL_EINVAL);
        assert_int_equal(fns[k](NULL, null_in, 1, &r), PAWL_EINVAL);
        assert_ptr_equal(r, (pawl_promise *)(void *)&r);
    }
    run(w);
    assert_string_equal(w->log, "unhandled(a):1@0");
    pawl_promise_release(a);
    pawl_promise_release(f);
    assert_int_equal(pawl_loop_run(L(w2), PAWL_RUN_DEFAULT), 0);
    assert_string_equal(w2->log, "");
    world_close(w2);
}

/* ---- the microtask turn each combinator settles on (ES order) ------------------ */

static void all_of_settled_inputs_settles_on_es_turn(void **state)
{
    /* const a = Promise.resolve(1), b = Promise.resolve(2);
     * Promise.all([a, b]).then(v => log('all=' + v)); a.then(v => log('a=' + v));
     * Node: t1 a=1 t2 all=1,2 t3 t4 t5 */
    world *w = *state;
    probe tk[5], pall = {.w = w, .name = "all"}, pa = {.w = w, .name = "a"};
    ticker(w, tk);
    pawl_promise *in[2] = {fulfilled(w, 1), fulfilled(w, 2)};
    pawl_promise *r = NULL;
    assert_int_equal(pawl_promise_all(L(w), in, 2, &r), 0);
    watch(r, &pall);
    watch(in[0], &pa);
    run(w);
    assert_string_equal(w->log, "t1 a=1 t2 all=[1,2] t3 t4 t5");
    release_all(in, 2);
    pawl_promise_release(r);
}

static void all_settled_of_settled_inputs_settles_on_es_turn(void **state)
{
    /* a = Promise.resolve(1), b = Promise.reject(2); allSettled([a, b]).then(..);
     * a.then(..); b.catch(..)   Node: t1 a=1 b!2 t2 as=f1,r2 t3 t4 t5 */
    world *w = *state;
    probe tk[5], pas = {.w = w, .name = "as"}, pa = {.w = w, .name = "a"},
                 pb = {.w = w, .name = "b"};
    ticker(w, tk);
    pawl_promise *in[2] = {fulfilled(w, 1), rejected(w, 2)};
    pawl_promise *r = NULL;
    assert_int_equal(pawl_promise_all_settled(L(w), in, 2, &r), 0);
    watch(r, &pas);
    watch(in[0], &pa);
    watch(in[1], &pb);
    run(w);
    assert_string_equal(w->log, "t1 a=1 b!2 t2 as=[1,!2] t3 t4 t5");
    release_all(in, 2);
    pawl_promise_release(r);
}

static void any_of_settled_inputs_settles_on_es_turn(void **state)
{
    /* Node: fulfilled inputs "t1 a=1 t2 any=1 t3"; rejected inputs
     * "t1 a!1 t2 any!1,2 t3" (errors of the AggregateError). */
    world *w = *state;
    probe tk[5], p1 = {.w = w, .name = "any"}, p2 = {.w = w, .name = "a"};
    ticker(w, tk);
    pawl_promise *in[2] = {fulfilled(w, 1), fulfilled(w, 2)};
    pawl_promise *r = NULL;
    assert_int_equal(pawl_promise_any(L(w), in, 2, &r), 0);
    watch(r, &p1);
    watch(in[0], &p2);
    run(w);
    assert_string_equal(w->log, "t1 a=1 t2 any=1 t3 t4 t5");
    release_all(in, 2);
    pawl_promise_release(r);

    w->log[0] = '\0';
    probe tk2[5], p3 = {.w = w, .name = "any"}, p4 = {.w = w, .name = "a"};
    ticker(w, tk2);
    pawl_promise *rin[2] = {rejected(w, 1), rejected(w, 2)};
    assert_int_equal(pawl_promise_any(L(w), rin, 2, &r), 0);
    watch(r, &p3);
    watch(rin[0], &p4);
    run(w);
    assert_string_equal(w->log, "t1 a!1 t2 any!agg[1,2] t3 t4 t5");
    release_all(rin, 2);
    pawl_promise_release(r);
}

static void race_of_settled_inputs_settles_on_es_turn(void **state)
{
    /* Node: t1 a=1 t2 race=1 t3 t4 t5 */
    world *w = *state;
    probe tk[5], pr = {.w = w, .name = "race"}, pa = {.w = w, .name = "a"};
    ticker(w, tk);
    pawl_promise *in[2] = {fulfilled(w, 1), fulfilled(w, 2)};
    pawl_promise *r = NULL;
    assert_int_equal(pawl_promise_race(L(w), in, 2, &r), 0);
    watch(r, &pr);
    watch(in[0], &pa);
    run(w);
    assert_string_equal(w->log, "t1 a=1 t2 race=1 t3 t4 t5");
    release_all(in, 2);
    pawl_promise_release(r);
}

static void all_rejection_settles_on_es_turn(void **state)
{
    /* a = Promise.reject(1), b = Promise.resolve(2);
     * Promise.all([b, a]).catch(..); a.catch(..)   Node: t1 a!1 t2 all!1 t3 */
    world *w = *state;
    probe tk[5], pr = {.w = w, .name = "all"}, pa = {.w = w, .name = "a"};
    ticker(w, tk);
    pawl_promise *a = rejected(w, 1), *b = fulfilled(w, 2);
    pawl_promise *in[2] = {b, a};
    pawl_promise *r = NULL;
    assert_int_equal(pawl_promise_all(L(w), in, 2, &r), 0);
    watch(r, &pr);
    watch(a, &pa);
    run(w);
    assert_string_equal(w->log, "t1 a!1 t2 all!1 t3 t4 t5");
    release_all(in, 2);
    pawl_promise_release(r);
}

static pawl_value resolve_b_then_a(probe *pr, pawl_value v)
{
    (void)v;
    assert_int_equal(pawl_promise_resolve(pr->arg2, pawl_int(2)), 0);
    assert_int_equal(pawl_promise_resolve(pr->arg, pawl_int(1)), 0);
    return pawl_undefined();
}

static void all_of_inputs_settled_in_a_handler_settles_on_es_turn(void **state)
{
    /* let ra, rb; a = new Promise(r => ra = r), b = new Promise(r => rb = r);
     * Promise.all([a, b]).then(..);
     * Promise.resolve().then(() => { log('x'); rb(2); ra(1); });
     * Node: t1 x t2 t3 all=1,2 t4 t5 */
    world *w = *state;
    probe tk[5], pr = {.w = w, .name = "all"};
    ticker(w, tk);
    pawl_promise *in[2] = {pending(w), pending(w)};
    pawl_promise *r = NULL;
    assert_int_equal(pawl_promise_all(L(w), in, 2, &r), 0);
    watch(r, &pr);
    probe px = {.w = w, .name = "x", .act = resolve_b_then_a, .arg = in[0], .arg2 = in[1]};
    pawl_promise *z = fulfilled(w, 0);
    assert_int_equal(pawl_promise_then(z, tick, NULL, &px, NULL), 0);
    run(w);
    assert_string_equal(w->log, "t1 x t2 t3 all=[1,2] t4 t5");
    pawl_promise_release(z);
    release_all(in, 2);
    pawl_promise_release(r);
}

/* ==== 2. delay and with_timeout ================================================= */

static void delay_fulfils_exactly_at_its_deadline(void **state)
{
    world *w = *state;
    probe pd = {.w = w, .name = "d", .timed = true};
    pawl_promise *d = NULL;
    assert_int_equal(pawl_promise_delay(L(w), 10, pawl_int(7), &d), 0);
    watch(d, &pd);
    at_timer before, after;
    at(w, &before, 9, do_log_state, d, 0, "d");
    at(w, &after, 10, do_log_state, d, 0, "d"); /* armed after the delay's */
    run(w);
    assert_string_equal(w->log, "d:pending@9 d=7@10 d:fulfilled@10");
    assert_int_equal(w->v.vc.now_ns, 10u * MS);
    pawl_promise_release(d);
}

static void delay_keeps_the_loop_alive_and_moves_its_value_in(void **state)
{
    world *w = *state;
    pawl_promise *d = NULL;
    pawl_obj *o = counted_new(w, "o");
    assert_int_equal(pawl_promise_delay(L(w), 25, pawl_obj_value(o), &d), 0);
    assert_int_equal(pawl_loop_alive(L(w)), 1);
    pawl_promise_release(d); /* nobody watches it: it still fires */
    run(w);
    assert_int_equal(w->v.vc.now_ns, 25u * MS);
    assert_int_equal(w->frees, 1); /* freed once, with the promise */
    /* Errors drop the value too. */
    pawl_obj *o2 = counted_new(w, "o2");
    assert_int_equal(pawl_promise_delay(L(w), 1, pawl_obj_value(o2), NULL), PAWL_EINVAL);
    assert_int_equal(w->frees, 2);
}

static void delay_of_zero_waits_one_ms_as_set_timeout_does(void **state)
{
    world *w = *state;
    probe pd = {.w = w, .name = "d", .timed = true};
    pawl_promise *d = NULL;
    assert_int_equal(pawl_promise_delay(L(w), 0, pawl_int(1), &d), 0);
    watch(d, &pd);
    run(w);
    assert_string_equal(w->log, "d=1@1");
    pawl_promise_release(d);
}

/* In a timer callback: the program is busy for 5 ms, then asks for a
 * delay of 10 ms, which counts from the clock read now (15), not from the
 * iteration's start (10): setTimeout's rule. */
static void busy_then_delay(at_timer *a)
{
    assert_int_equal(pawl_vclock_advance(&a->w->v.vc, 5u * MS), 0);
    assert_int_equal(pawl_promise_delay(L(a->w), 10, pawl_int(2), (pawl_promise **)a->arg), 0);
    assert_int_equal(pawl_promise_then(*(pawl_promise **)a->arg, on_value, NULL, a->arg2, NULL),
                     0);
}

static void delay_counts_from_a_fresh_clock_reading(void **state)
{
    world *w = *state;
    probe pd = {.w = w, .name = "d", .timed = true};
    pawl_promise *d = NULL;
    at_timer t;
    at(w, &t, 10, busy_then_delay, &d, 0, NULL);
    t.arg2 = &pd;
    run(w);
    assert_string_equal(w->log, "d=2@25");
    pawl_promise_release(d);
}

static void with_timeout_rejects_with_etimedout_when_the_source_is_slow(void **state)
{
    world *w = *state;
    probe pt = {.w = w, .name = "t", .timed = true}, pp = {.w = w, .name = "p", .timed = true};
    pawl_promise *p = pending(w);
    pawl_promise *t = NULL;
    assert_int_equal(pawl_promise_with_timeout(p, 50, &t), 0);
    watch(t, &pt);
    watch(p, &pp);
    at_timer late;
    at(w, &late, 100, do_resolve, p, 1, NULL);
    run(w);
    assert_string_equal(w->log, "t!ETIMEDOUT@50 p=1@100");
    pawl_value v;
    assert_int_equal(pawl_promise_result(t, &v), PAWL_EREJECTED);
    assert_int_equal(v.kind, PAWL_V_ERROR);
    assert_int_equal(v.code, PAWL_ETIMEDOUT);
    pawl_value_drop(&v);
    pawl_promise_release(p);
    pawl_promise_release(t);
}

static void with_timeout_settles_as_the_source_when_it_is_first(void **state)
{
    world *w = *state;
    probe p1 = {.w = w, .name = "t1", .timed = true}, p2 = {.w = w, .name = "t2", .timed = true};
    pawl_promise *a = pending(w), *b = pending(w);
    pawl_promise *t1 = NULL, *t2 = NULL;
    assert_int_equal(pawl_promise_with_timeout(a, 50, &t1), 0);
    assert_int_equal(pawl_promise_with_timeout(b, 50, &t2), 0);
    watch(t1, &p1);
    watch(t2, &p2);
    at_timer ta, tb;
    at(w, &ta, 10, do_resolve, a, 1, NULL);
    at(w, &tb, 20, do_reject, b, 2, NULL);
    run(w);
    assert_string_equal(w->log, "t1=1@10 t2!2@20");
    /* The timers were stopped: the loop ended without waiting for them. */
    assert_int_equal(w->v.vc.now_ns, 20u * MS);
    assert_int_equal(pawl_loop_alive(L(w)), 0);
    pawl_promise_release(a);
    pawl_promise_release(b);
    pawl_promise_release(t1);
    pawl_promise_release(t2);
}

static void with_timeout_stops_its_timer_in_the_iteration_the_source_settles(void **state)
{
    world *w = *state;
    probe pt = {.w = w, .name = "t", .timed = true};
    pawl_promise *p = pending(w);
    pawl_promise *t = NULL;
    assert_int_equal(pawl_promise_with_timeout(p, 1000, &t), 0);
    watch(t, &pt);
    at_timer ta;
    at(w, &ta, 10, do_resolve, p, 1, NULL);
    /* The first iteration waits until 10 ms; the one at 10 ms settles p
     * and t, after which nothing is alive. */
    assert_int_equal(pawl_loop_run(L(w), PAWL_RUN_ONCE), 1);
    assert_int_equal(pawl_loop_run(L(w), PAWL_RUN_ONCE), 0);
    assert_string_equal(w->log, "t=1@10");
    assert_int_equal(pawl_loop_alive(L(w)), 0);
    assert_int_equal(w->v.vc.now_ns, 10u * MS);
    pawl_promise_release(p);
    pawl_promise_release(t);
}

static void with_timeout_of_a_settled_source_does_not_wait(void **state)
{
    world *w = *state;
    probe pt = {.w = w, .name = "t", .timed = true};
    pawl_promise *p = fulfilled(w, 3);
    pawl_promise *t = NULL;
    assert_int_equal(pawl_promise_with_timeout(p, 50, &t), 0);
    watch(t, &pt);
    run(w);
    assert_string_equal(w->log, "t=3@0");
    assert_int_equal(w->v.vc.now_ns, 0);
    assert_int_equal(pawl_promise_with_timeout(NULL, 50, &t), PAWL_EINVAL);
    assert_int_equal(pawl_promise_with_timeout(p, 50, NULL), PAWL_EINVAL);
    pawl_promise_release(p);
    pawl_promise_release(t);
}

static void with_timeout_of_a_source_that_never_settles_frees_everything(void **state)
{
    world *w = *state;
    pawl_promise *p = pending(w);
    pawl_promise *t = NULL;
    assert_int_equal(pawl_promise_with_timeout(p, 5, &t), 0);
    pawl_promise_release(t); /* unwatched: its rejection is reported */
    name(w, t, "t");
    run(w);
    assert_string_equal(w->log, "unhandled(t):ETIMEDOUT@5");
    pawl_promise_release(p); /* pending, with the timeout's reaction on it */
}

/* ==== 3. await in tasks ========================================================= */

typedef struct waiter {
    pawl_task task;
    world *w;
    const char *name;
    pawl_promise *p;
    pawl_value value;
    int rc;
    int polls;
    bool make_rejected; /* create p (rejected) inside the task first */
} waiter;

static pawl_poll waiter_poll(pawl_task *t, pawl_cx *cx)
{
    waiter *a = PAWL_CONTAINER_OF(t, waiter, task);
    char text[64];
    a->polls++;
    PAWL_BEGIN(cx);
    if (a->make_rejected)
        assert_int_equal(pawl_promise_rejected(cx->loop, pawl_int(9), &a->p), 0);
    PAWL_AWAIT(cx, a->rc, pawl_promise_await(a->p, cx, &a->value));
    describe(a->value, text, sizeof text);
    log_add(a->w, "%s%s%s@%llu", a->name, a->rc == 0 ? "=" : "!", text,
            (unsigned long long)pawl_loop_now(cx->loop));
    PAWL_CLEANUP(cx);
    if (a->rc == PAWL_ECANCELED)
        log_add(a->w, "%s:canceled@%llu", a->name, (unsigned long long)pawl_loop_now(cx->loop));
    if (a->make_rejected)
        pawl_promise_release(a->p);
    PAWL_END(cx);
}

static void waiter_start(world *w, waiter *a, const char *nm, pawl_promise *p)
{
    *a = (waiter){.w = w, .name = nm, .p = p};
    assert_int_equal(pawl_task_init(&a->task, waiter_poll), 0);
    assert_int_equal(pawl_task_spawn(L(w), &a->task), 0);
}

static void await_pending_resumes_with_the_value_when_fulfilled(void **state)
{
    world *w = *state;
    pawl_promise *p = pending(w);
    waiter a;
    waiter_start(w, &a, "a", p);
    at_timer t;
    at(w, &t, 10, do_resolve, p, 5, NULL);
    run(w);
    assert_string_equal(w->log, "a=5@10");
    assert_int_equal(a.rc, 0);
    assert_int_equal(a.value.kind, PAWL_V_INT);
    assert_int_equal(a.value.u.i, 5);
    assert_int_equal(a.polls, 2);
    pawl_value_drop(&a.value);
    pawl_promise_release(p);
}

static void await_pending_resumes_with_erejected_and_the_reason(void **state)
{
    world *w = *state;
    pawl_promise *p = pending(w);
    waiter a;
    waiter_start(w, &a, "a", p);
    at_timer t;
    at(w, &t, 10, do_reject, p, 6, NULL);
    run(w);
    assert_string_equal(w->log, "a!6@10"); /* and no unhandled report */
    assert_int_equal(a.rc, PAWL_EREJECTED);
    assert_int_equal(a.value.kind, PAWL_V_INT);
    assert_int_equal(a.value.u.i, 6);
    pawl_value_drop(&a.value);
    pawl_promise_release(p);
}

static void await_settled_is_ready_in_the_same_poll(void **state)
{
    world *w = *state;
    pawl_promise *p = fulfilled(w, 5), *q = rejected(w, 6);
    waiter a, b;
    waiter_start(w, &a, "a", p);
    waiter_start(w, &b, "b", q);
    /* q is handled by b's await before anything drains: no report. */
    assert_int_equal(pawl_promise_then(q, NULL, on_reason, &(probe){.w = w, .name = "c"}, NULL),
                     0);
    run(w);
    assert_int_equal(pawl_loop_iterations(L(w)), 1);
    assert_int_equal(a.polls, 1);
    assert_int_equal(b.polls, 1);
    assert_int_equal(a.rc, 0);
    assert_int_equal(b.rc, PAWL_EREJECTED);
    assert_string_equal(w->log, "c!6 a=5@0 b!6@0");
    pawl_value_drop(&a.value);
    pawl_value_drop(&b.value);
    pawl_promise_release(p);
    pawl_promise_release(q);
}

static void await_canceled_gives_back_its_registration(void **state)
{
    world *w = *state;
    probe ph = {.w = w, .name = "h", .timed = true};
    pawl_promise *p = pending(w);
    watch(p, &ph);
    waiter a, b, c;
    waiter_start(w, &a, "a", p);
    waiter_start(w, &b, "b", p);
    waiter_start(w, &c, "c", p);
    at_timer ta, tc, tr;
    at(w, &ta, 5, do_cancel, &a.task, 0, NULL); /* the oldest registration */
    at(w, &tc, 6, do_cancel, &c.task, 0, NULL); /* the newest */
    at(w, &tr, 10, do_resolve, p, 7, NULL);
    run(w);
    assert_string_equal(w->log, "a:canceled@5 c:canceled@6 h=7@10 b=7@10");
    assert_int_equal(pawl_task_get_state(&a.task), PAWL_TASK_DONE);
    assert_int_equal(pawl_task_get_state(&c.task), PAWL_TASK_DONE);
    assert_int_equal(a.value.kind, PAWL_V_UNDEFINED);
    pawl_value_drop(&b.value);
    /* The promise still works for others. */
    probe pl = {.w = w, .name = "late"};
    watch(p, &pl);
    run(w);
    assert_string_equal(w->log, "a:canceled@5 c:canceled@6 h=7@10 b=7@10 late=7");
    pawl_promise_release(p);
}

static void await_canceled_on_a_promise_never_settled_lets_it_be_freed(void **state)
{
    /* The await holds a reference to the pending promise; cancel must give
     * it back, or the promise outlives its last user and the teardown's
     * pawl_loop_close fails with PAWL_EBUSY. */
    world *w = *state;
    pawl_promise *p = pending(w);
    waiter a, b;
    waiter_start(w, &a, "a", p);
    waiter_start(w, &b, "b", p);
    at_timer ta, tb;
    at(w, &ta, 5, do_cancel, &a.task, 0, NULL);
    at(w, &tb, 6, do_cancel, &b.task, 0, NULL);
    run(w);
    assert_string_equal(w->log, "a:canceled@5 b:canceled@6");
    assert_int_equal(pawl_promise_state_of(p), PAWL_PROMISE_PENDING);
    pawl_promise_release(p);
    assert_int_equal(pawl_loop_close(L(w)), 0);
    world_reopen(w);
}

static void await_canceled_after_the_settle_woke_it_leaks_nothing(void **state)
{
    world *w = *state;
    pawl_promise *p = pending(w);
    waiter a;
    waiter_start(w, &a, "a", p);
    at_timer t;
    at(w, &t, 10, do_resolve_and_cancel, p, 4, NULL);
    t.arg2 = &a.task;
    run(w);
    assert_string_equal(w->log, "a:canceled@10");
    assert_int_equal(a.value.kind, PAWL_V_UNDEFINED);
    pawl_promise_release(p);
}

static void await_by_two_tasks_wakes_both(void **state)
{
    world *w = *state;
    pawl_promise *p = pending(w);
    waiter a, b;
    waiter_start(w, &a, "a", p);
    waiter_start(w, &b, "b", p);
    at_timer t;
    at(w, &t, 10, do_resolve, p, 3, NULL);
    run(w);
    assert_string_equal(w->log, "a=3@10 b=3@10");
    pawl_value_drop(&a.value);
    pawl_value_drop(&b.value);
    pawl_promise_release(p);
}

static void await_marks_the_promise_handled(void **state)
{
    world *w = *state;
    /* A promise rejected while awaited, and one rejected and awaited in
     * the same poll: neither is reported. */
    pawl_promise *p = pending(w);
    waiter a, b;
    waiter_start(w, &a, "a", p);
    waiter_start(w, &b, "b", NULL);
    b.make_rejected = true;
    at_timer t;
    at(w, &t, 10, do_reject, p, 2, NULL);
    run(w);
    assert_string_equal(w->log, "b!9@0 a!2@10");
    pawl_value_drop(&a.value);
    pawl_value_drop(&b.value);
    pawl_promise_release(p);
}

typedef struct worker {
    pawl_task task;
    pawl_promise *gate;
    pawl_value got;
    int rc;
    int64_t result;
} worker;

static pawl_poll worker_poll(pawl_task *t, pawl_cx *cx)
{
    worker *k = PAWL_CONTAINER_OF(t, worker, task);
    PAWL_BEGIN(cx);
    PAWL_AWAIT(cx, k->rc, pawl_promise_await(k->gate, cx, &k->got));
    k->result = k->got.u.i * 10;
    pawl_value_drop(&k->got);
    PAWL_END(cx);
}

static pawl_value worker_value(pawl_task *t)
{
    return pawl_int(PAWL_CONTAINER_OF(t, worker, task)->result);
}

static void worker_start(world *w, worker *k, pawl_promise *gate)
{
    *k = (worker){.gate = gate};
    assert_int_equal(pawl_task_init(&k->task, worker_poll), 0);
    assert_int_equal(pawl_task_spawn(L(w), &k->task), 0);
}

static void from_task_fulfils_with_the_value_of_the_finished_task(void **state)
{
    world *w = *state;
    probe p1 = {.w = w, .name = "tp", .timed = true}, p2 = {.w = w, .name = "tq", .timed = true};
    pawl_promise *gate = pending(w);
    worker k1, k2;
    worker_start(w, &k1, gate);
    worker_start(w, &k2, gate);
    pawl_promise *tp = NULL, *tq = NULL;
    assert_int_equal(pawl_promise_from_task(L(w), &k1.task, worker_value, &tp), 0);
    assert_int_equal(pawl_promise_from_task(L(w), &k2.task, NULL, &tq), 0);
    watch(tp, &p1);
    watch(tq, &p2);
    at_timer t;
    at(w, &t, 10, do_resolve, gate, 4, NULL);
    run(w);
    assert_string_equal(w->log, "tp=40@10 tq=undefined@10");
    pawl_promise_release(gate);
    pawl_promise_release(tp);
    pawl_promise_release(tq);
}

static void from_task_rejects_with_ecanceled_when_the_task_is_canceled(void **state)
{
    world *w = *state;
    probe pp = {.w = w, .name = "tp", .timed = true};
    pawl_promise *gate = pending(w);
    worker k;
    worker_start(w, &k, gate);
    pawl_promise *tp = NULL;
    assert_int_equal(pawl_promise_from_task(L(w), &k.task, worker_value, &tp), 0);
    watch(tp, &pp);
    at_timer t;
    at(w, &t, 10, do_cancel, &k.task, 0, NULL);
    run(w);
    assert_string_equal(w->log, "tp!ECANCELED@10");
    pawl_value v;
    assert_int_equal(pawl_promise_result(tp, &v), PAWL_EREJECTED);
    assert_int_equal(v.kind, PAWL_V_ERROR);
    assert_int_equal(v.code, PAWL_ECANCELED);
    pawl_promise_release(gate);
    pawl_promise_release(tp);
}

typedef struct joiner {
    pawl_task task;
    pawl_task *target;
    int rc;
} joiner;

static pawl_poll joiner_poll(pawl_task *t, pawl_cx *cx)
{
    joiner *j = PAWL_CONTAINER_OF(t, joiner, task);
    PAWL_BEGIN(cx);
    PAWL_AWAIT(cx, j->rc, pawl_task_join(j->target, cx));
    PAWL_END(cx);
}

static void from_task_is_ebusy_when_the_task_already_has_a_joiner(void **state)
{
    world *w = *state;
    pawl_promise *gate = pending(w);
    worker k;
    worker_start(w, &k, gate);
    joiner j = {.target = &k.task};
    assert_int_equal(pawl_task_init(&j.task, joiner_poll), 0);
    assert_int_equal(pawl_task_spawn(L(w), &j.task), 0);
    assert_int_equal(pawl_loop_run(L(w), PAWL_RUN_NOWAIT), 1); /* j now joins k */
    pawl_promise *tp = (pawl_promise *)(void *)&tp;
    assert_int_equal(pawl_promise_from_task(L(w), &k.task, worker_value, &tp), PAWL_EBUSY);
    assert_ptr_equal(tp, (pawl_promise *)(void *)&tp);
    assert_int_equal(pawl_promise_resolve(gate, pawl_int(1)), 0);
    run(w);
    assert_int_equal(j.rc, 0);
    assert_string_equal(w->log, "");
    pawl_promise_release(gate);
}

static void from_task_twice_on_one_task_is_ebusy(void **state)
{
    /* "this joins it (so nothing else may: PAWL_EBUSY if something already
     * does)": a second pawl_promise_from_task on the same task must fail
     * at the call, not later through a rejected promise. */
    world *w = *state;
    pawl_promise *gate = pending(w);
    worker k;
    worker_start(w, &k, gate);
    pawl_promise *tp = NULL, *tq = NULL;
    assert_int_equal(pawl_promise_from_task(L(w), &k.task, worker_value, &tp), 0);
    int rc = pawl_promise_from_task(L(w), &k.task, worker_value, &tq);
    assert_int_equal(pawl_promise_resolve(gate, pawl_int(1)), 0);
    if (rc == 0) { /* clean up before failing, so that the loop closes */
        probe pq = {.w = w, .name = "tq"};
        watch(tq, &pq);
        run(w);
        pawl_promise_release(tq);
    } else {
        run(w);
    }
    pawl_promise_release(gate);
    pawl_promise_release(tp);
    assert_int_equal(rc, PAWL_EBUSY);
}

static void from_task_joins_at_the_call_so_a_later_join_is_ebusy(void **state)
{
    world *w = *state;
    probe pp = {.w = w, .name = "tp"};
    pawl_promise *gate = pending(w);
    worker k;
    worker_start(w, &k, gate);
    pawl_promise *tp = NULL;
    assert_int_equal(pawl_promise_from_task(L(w), &k.task, worker_value, &tp), 0);
    watch(tp, &pp);
    joiner j = {.target = &k.task};
    assert_int_equal(pawl_task_init(&j.task, joiner_poll), 0);
    assert_int_equal(pawl_task_spawn(L(w), &j.task), 0);
    assert_int_equal(pawl_loop_run(L(w), PAWL_RUN_NOWAIT), 1);
    assert_int_equal(j.rc, PAWL_EBUSY);
    assert_int_equal(pawl_promise_resolve(gate, pawl_int(2)), 0);
    run(w);
    assert_string_equal(w->log, "tp=20");
    pawl_promise_release(gate);
    pawl_promise_release(tp);
}

static void from_task_refuses_bad_tasks(void **state)
{
    world *w = *state;
    world *w2 = world_open((pawl_loop_opts){0}, 0);
    worker never = {0};
    assert_int_equal(pawl_task_init(&never.task, worker_poll), 0);
    pawl_promise *tp = (pawl_promise *)(void *)&tp;
    assert_int_equal(pawl_promise_from_task(L(w), &never.task, NULL, &tp), PAWL_EINVAL);
    assert_int_equal(pawl_promise_from_task(L(w), NULL, NULL, &tp), PAWL_EINVAL);
    assert_ptr_equal(tp, (pawl_promise *)(void *)&tp);
    /* A task of another loop. */
    pawl_promise *gate = pending(w2);
    worker k;
    worker_start(w2, &k, gate);
    assert_int_equal(pawl_promise_from_task(L(w), &k.task, NULL, &tp), PAWL_EFOREIGN);
    assert_int_equal(pawl_promise_from_task(L(w2), &k.task, NULL, NULL), PAWL_EINVAL);
    assert_int_equal(pawl_promise_resolve(gate, pawl_int(1)), 0);
    assert_int_equal(pawl_loop_run(L(w2), PAWL_RUN_DEFAULT), 0);
    pawl_promise_release(gate);
    assert_int_equal(pawl_loop_alive(L(w)), 0);
    world_close(w2);
}

/* ==== 4. unhandled rejections ====================================================== */

/* Reject `arg` with `i`, then queue the microtask `arg2`. */
static void do_reject_and_queue(at_timer *a)
{
    assert_int_equal(pawl_promise_reject(a->arg, pawl_int(a->i)), 0);
    assert_int_equal(pawl_queue_microtask(L(a->w), mtask_run, a->arg2), 0);
}

/* Attach a catch (probe `arg2`) to `arg`. */
static void do_catch(at_timer *a)
{
    assert_int_equal(pawl_promise_catch(a->arg, on_reason, a->arg2, NULL), 0);
}

static void catch_now(mtask *m)
{
    assert_int_equal(pawl_promise_catch(m->p, on_reason, m->pr, NULL), 0);
}

static void unhandled_rejection_is_reported_once_after_the_queue_drains(void **state)
{
    world *w = *state;
    pawl_promise *p = pending(w);
    name(w, p, "p");
    mtask m2 = {.w = w, .name = "m2"};
    mtask m1 = {.w = w, .name = "m1", .next = &m2};
    at_timer t1, t2, t3;
    at(w, &t1, 10, do_reject_and_queue, p, 1, NULL);
    t1.arg2 = &m1;
    at(w, &t2, 20, do_log, NULL, 0, "t20");
    at(w, &t3, 30, do_log, NULL, 0, "t30");
    run(w);
    assert_string_equal(w->log, "m1 m2 unhandled(p):1@10 t20@20 t30@30");
    pawl_promise_release(p);
}

static void rejection_handled_later_in_the_same_drain_is_never_reported(void **state)
{
    world *w = *state;
    pawl_promise *p = pending(w);
    name(w, p, "p");
    probe pc = {.w = w, .name = "c"};
    mtask m2 = {.w = w, .name = "m2", .act = catch_now, .p = p, .pr = &pc};
    mtask m1 = {.w = w, .name = "m1", .next = &m2};
    at_timer t1, t2;
    at(w, &t1, 10, do_reject_and_queue, p, 1, NULL);
    t1.arg2 = &m1;
    at(w, &t2, 20, do_log, NULL, 0, "t20");
    run(w);
    assert_string_equal(w->log, "m1 m2 c!1 t20@20");
    pawl_promise_release(p);
}

static void rejection_handled_after_the_report_gets_a_handled_event(void **state)
{
    world *w = *state;
    pawl_promise *p = pending(w);
    name(w, p, "p");
    probe pc = {.w = w, .name = "c", .timed = true};
    at_timer t1, t2, t3;
    at(w, &t1, 10, do_reject, p, 1, NULL);
    at(w, &t2, 20, do_catch, p, 0, NULL);
    t2.arg2 = &pc;
    at(w, &t3, 30, do_log, NULL, 0, "t30");
    run(w);
    assert_string_equal(w->log, "unhandled(p):1@10 c!1@20 handled(p):1@20 t30@30");
    pawl_promise_release(p);
}

static void derived_promise_without_on_rejected_is_reported_and_its_source_not(void **state)
{
    world *w = *state;
    probe pok = {.w = w, .name = "ok"};
    pawl_promise *p = pending(w), *d = NULL;
    name(w, p, "p");
    assert_int_equal(pawl_promise_then(p, on_value, NULL, &pok, &d), 0);
    name(w, d, "d");
    /* A derived promise nobody kept is reported too. */
    assert_int_equal(pawl_promise_then(p, on_value, NULL, &pok, NULL), 0);
    assert_int_equal(pawl_promise_reject(p, pawl_int(1)), 0);
    run(w);
    assert_string_equal(w->log, "unhandled(d):1@0 unhandled(?):1@0");
    assert_int_equal(pok.calls, 0);
    pawl_promise_release(p);
    pawl_promise_release(d);
}

static void rejection_in_a_timer_callback_is_reported_before_the_next_callback(void **state)
{
    world *w = *state;
    pawl_promise *p = pending(w);
    name(w, p, "p");
    at_timer t1, t2;
    at(w, &t1, 10, do_reject, p, 1, NULL);
    at(w, &t2, 10, do_log, NULL, 0, "next"); /* same deadline, armed after */
    run(w);
    assert_string_equal(w->log, "unhandled(p):1@10 next@10");
    pawl_promise_release(p);
}

static size_t count_of(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *s = strstr(hay, needle); s != NULL; s = strstr(s + 1, needle))
        n++;
    return n;
}

static void default_hook_prints_each_report_with_its_reason_to_stderr(void **state)
{
    (void)state;
    world *w = world_open((pawl_loop_opts){0}, W_DEFAULT_HOOK);
    probe pc = {.w = w, .name = "c"};
    pawl_promise *p = pending(w);
    FILE *tmp = tmpfile();
    assert_non_null(tmp);
    fflush(stderr);
    int saved = dup(2);
    assert_true(saved >= 0);
    assert_int_equal(dup2(fileno(tmp), 2), 2);
    /* Nothing may assert while stderr is redirected: record, check later. */
    int rc1 = pawl_promise_reject(p, pawl_error(PAWL_ETIMEDOUT, "no reply from the peer"));
    int rc2 = pawl_loop_run(L(w), PAWL_RUN_DEFAULT);
    fflush(stderr);
    long after_unhandled = ftell(tmp);
    int rc3 = pawl_promise_catch(p, on_reason, &pc, NULL); /* handled late */
    int rc4 = pawl_loop_run(L(w), PAWL_RUN_DEFAULT);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    assert_int_equal(rc1, 0);
    assert_int_equal(rc2, 0);
    assert_int_equal(rc3, 0);
    assert_int_equal(rc4, 0);
    char text[1024] = {0};
    rewind(tmp);
    size_t got = fread(text, 1, sizeof text - 1, tmp);
    fclose(tmp);
    text[got] = '\0';
    assert_true(after_unhandled > 0);
    /* The first report, before the catch, names the reason; the late
     * handling is reported too, with the reason again. */
    assert_non_null(strstr(text, "no reply from the peer"));
    assert_true(strstr(text, "no reply from the peer") < text + after_unhandled);
    assert_non_null(strstr(text, "ETIMEDOUT"));
    assert_int_equal(count_of(text, "no reply from the peer"), 2);
    assert_int_equal(count_of(text, "\n"), 2);
    assert_string_equal(w->log, "c!ETIMEDOUT");
    pawl_promise_release(p);
    world_close(w);
}

/* ==== 5. memory ====================================================================== */

static bool in_pool(const pawl_promise *p, const pawl_promise *arr, size_t n)
{
    return p >= arr && p < arr + n;
}

static void pool_exhaustion_is_enospc_and_leaves_every_promise_intact(void **state)
{
    (void)state;
    pawl_promise parr[4];
    pawl_reaction rarr[4];
    pawl_promise_pool pool = {parr, 4, rarr, 4};
    world *w = world_open((pawl_loop_opts){.promise_pool = &pool}, 0);
    size_t calls = w->alloc_calls;
    probe h1 = {.w = w, .name = "h1"}, h2 = {.w = w, .name = "h2"}, h3 = {.w = w, .name = "h3"},
          h4 = {.w = w, .name = "h4"}, h5 = {.w = w, .name = "h5"};
    pawl_promise *p0 = pending(w), *d1 = NULL, *d2 = NULL;
    assert_int_equal(pawl_promise_then(p0, on_value, on_reason, &h1, &d1), 0);
    assert_int_equal(pawl_promise_then(p0, on_value, on_reason, &h2, &d2), 0);
    pawl_promise *p3 = pending(w); /* four promises: the pool is full */
    assert_true(in_pool(p0, parr, 4) && in_pool(d1, parr, 4) && in_pool(d2, parr, 4) &&
                in_pool(p3, parr, 4));
    pawl_promise *x = (pawl_promise *)(void *)&x;
    assert_int_equal(pawl_promise_new(L(w), &x), PAWL_ENOSPC);
    assert_ptr_equal(x, (pawl_promise *)(void *)&x); /* left alone */
    assert_int_equal(pawl_promise_then(p0, on_value, on_reason, &h3, NULL), PAWL_ENOSPC);
    assert_int_equal(pawl_promise_catch(p0, on_reason, &h3, NULL), PAWL_ENOSPC);
    pawl_obj *o = counted_new(w, "o");
    assert_int_equal(pawl_promise_resolved(L(w), pawl_obj_value(o), &x), PAWL_ENOSPC);
    assert_int_equal(w->frees, 1); /* moved in even on failure */
    assert_int_equal(pawl_promise_rejected(L(w), pawl_int(1), &x), PAWL_ENOSPC);
    /* Every existing promise still settles and runs its handlers. */
    assert_int_equal(pawl_promise_resolve(p0, pawl_int(5)), 0);
    run(w);
    assert_string_equal(w->log, "h1=5 h2=5");
    /* Freed blocks are reused. */
    pawl_promise_release(d1);
    pawl_promise_release(d2);
    pawl_promise *y = pending(w);
    assert_true(in_pool(y, parr, 4));
    assert_int_equal(pawl_promise_then(p3, on_value, on_reason, &h4, NULL), 0);
    assert_int_equal(pawl_promise_then(p3, on_value, on_reason, &h5, NULL), PAWL_ENOSPC);
    assert_int_equal(pawl_promise_resolve(p3, pawl_int(6)), 0);
    run(w);
    assert_string_equal(w->log, "h1=5 h2=5 h4=6");
    assert_int_equal(h3.calls + h5.calls, 0);
    pawl_promise_release(p0);
    pawl_promise_release(p3);
    pawl_promise_release(y);
    assert_int_equal(w->alloc_calls, calls); /* the pool only */
    world_close(w);
}

static void pool_without_reactions_is_enospc_and_registers_nothing(void **state)
{
    (void)state;
    pawl_promise parr[8];
    pawl_reaction rarr[3];
    pawl_promise_pool pool = {parr, 8, rarr, 3};
    world *w = world_open((pawl_loop_opts){.promise_pool = &pool}, 0);
    probe h[3] = {{.w = w, .name = "h1"}, {.w = w, .name = "h2"}, {.w = w, .name = "h3"}};
    probe pc = {.w = w, .name = "c"}, px = {.w = w, .name = "x"};
    pawl_promise *p = pending(w), *a = pending(w), *b = pending(w);
    name(w, a, "a");
    name(w, b, "b");
    for (int i = 0; i < 3; i++)
        assert_int_equal(pawl_promise_then(p, on_value, on_reason, &h[i], NULL), 0);
    /* No reaction left. */
    pawl_promise *x = (pawl_promise *)(void *)&x;
    assert_int_equal(pawl_promise_then(a, on_value, on_reason, &px, &x), PAWL_ENOSPC);
    assert_int_equal(pawl_promise_all(L(w), &a, 1, &x), PAWL_ENOSPC);
    assert_int_equal(pawl_promise_race(L(w), &a, 1, &x), PAWL_ENOSPC);
    assert_int_equal(pawl_promise_with_timeout(a, 5, &x), PAWL_ENOSPC);
    assert_ptr_equal(x, (pawl_promise *)(void *)&x);
    /* Adopting needs a reaction: b is rejected with the error instead. */
    assert_int_equal(pawl_promise_retain(p), 0);
    assert_int_equal(pawl_promise_resolve(b, pawl_promise_value(p)), PAWL_ENOSPC);
    assert_int_equal(pawl_promise_state_of(b), PAWL_PROMISE_REJECTED);
    assert_int_equal(pawl_promise_reject(a, pawl_int(1)), 0);
    assert_int_equal(pawl_promise_resolve(p, pawl_int(2)), 0);
    run(w);
    /* a was never registered on: it is reported. */
    assert_string_equal(w->log, "h1=2 h2=2 h3=2 unhandled(b):ENOSPC@0 unhandled(a):1@0");
    assert_int_equal(px.calls, 0);
    /* The reactions came back after they ran. */
    assert_int_equal(pawl_promise_catch(a, on_reason, &pc, NULL), 0);
    run(w);
    assert_string_equal(w->log,
                        "h1=2 h2=2 h3=2 unhandled(b):ENOSPC@0 unhandled(a):1@0 c!1 handled(a):1@0");
    pawl_promise_release(p);
    pawl_promise_release(a);
    pawl_promise_release(b);
    world_close(w);
}

static pawl_value finally_noop(void *ctx)
{
    (void)ctx;
    return pawl_undefined();
}

static void pool_failed_calls_give_back_what_they_took(void **state)
{
    (void)state;
    pawl_promise parr[3];
    pawl_reaction rarr[2];
    pawl_promise_pool pool = {parr, 3, rarr, 2};
    world *w = world_open((pawl_loop_opts){.promise_pool = &pool}, 0);
    probe pr = {.w = w, .name = "r"};
    pawl_promise *p = pending(w), *a = pending(w), *b = pending(w); /* no promise left */
    pawl_promise *pa[2] = {p, a}, *pab[3] = {p, a, p};
    pawl_promise *x = (pawl_promise *)(void *)&x;
    /* Each call gets its reactions, fails on its promise, and must give
     * the reactions back: the pool has two, so one leak shows below. */
    for (int i = 0; i < 3; i++) {
        assert_int_equal(pawl_promise_then(p, on_value, on_reason, &pr, &x), PAWL_ENOSPC);
        assert_int_equal(pawl_promise_catch(p, on_reason, &pr, &x), PAWL_ENOSPC);
        assert_int_equal(pawl_promise_finally(p, finally_noop, NULL, &x), PAWL_ENOSPC);
        assert_int_equal(pawl_promise_race(L(w), pa, 2, &x), PAWL_ENOSPC);
        assert_int_equal(pawl_promise_all(L(w), pa, 2, &x), PAWL_ENOSPC);
        assert_int_equal(pawl_promise_with_timeout(p, 5, &x), PAWL_ENOSPC);
    }
    pawl_promise_release(b); /* one promise free now */
    /* Three inputs need three reactions: the two taken go back. */
    assert_int_equal(pawl_promise_race(L(w), pab, 3, &x), PAWL_ENOSPC);
    assert_int_equal(pawl_promise_any(L(w), pab, 3, &x), PAWL_ENOSPC);
    assert_ptr_equal(x, (pawl_promise *)(void *)&x);
    assert_int_equal(pawl_loop_alive(L(w)), 0); /* no timer was left armed */
    /* Both reactions and the promise are there. */
    pawl_promise *r = NULL;
    assert_int_equal(pawl_promise_race(L(w), pa, 2, &r), 0);
    assert_int_equal(pawl_promise_resolve(p, pawl_int(1)), 0);
    run(w);
    pawl_value v;
    assert_int_equal(pawl_promise_result(r, &v), 0);
    assert_int_equal(v.u.i, 1);
    assert_string_equal(w->log, ""); /* none of the failed calls registered */
    assert_int_equal(pr.calls, 0);
    pawl_promise_release(r);
    pawl_promise_release(p);
    pawl_promise_release(a);
    world_close(w);
}

static pawl_value count_call(void *ctx, pawl_value v)
{
    (*(int *)ctx)++;
    return pawl_value_dup(v);
}

static void pool_then_makes_no_allocator_calls(void **state)
{
    (void)state;
    pawl_promise parr[64];
    pawl_reaction rarr[64];
    pawl_promise_pool pool = {parr, 64, rarr, 64};
    world *w = world_open((pawl_loop_opts){.promise_pool = &pool}, 0);
    size_t calls = w->alloc_calls;
    int ran = 0;
    for (int round = 0; round < 3; round++) {
        pawl_promise *p = pending(w);
        for (int i = 0; i < 40; i++) {
            assert_int_equal(pawl_promise_then(p, count_call, NULL, &ran, NULL), 0);
            assert_int_equal(w->alloc_calls, calls);
        }
        assert_int_equal(pawl_promise_resolve(p, pawl_int(round)), 0);
        pawl_promise_release(p);
        run(w);
    }
    assert_int_equal(ran, 120);
    assert_int_equal(w->alloc_calls, calls);
    world_close(w);
}

static void slab_thens_amortise_to_no_allocator_call_and_reuse_freed_blocks(void **state)
{
    /* Slabs of 16 blocks doubling to 1024 (pawl/promise.h): 10^4 thens
     * take some 15 slabs of each kind, not 10^4 blocks; once they are
     * freed, the next 10^4 thens take no allocator call at all. */
    world *w = *state;
    enum { N = 10000 };
    int ran = 0;
    pawl_promise *p = pending(w);
    size_t calls = w->alloc_calls;
    for (int i = 0; i < N; i++)
        assert_int_equal(pawl_promise_then(p, count_call, NULL, &ran, NULL), 0);
    size_t used = w->alloc_calls - calls;
    assert_true(used >= 2);
    assert_true(used <= 40);
    assert_int_equal(pawl_promise_resolve(p, pawl_int(1)), 0);
    run(w);
    assert_int_equal(ran, N);
    calls = w->alloc_calls;
    pawl_promise *q = pending(w);
    for (int i = 0; i < N; i++)
        assert_int_equal(pawl_promise_then(q, count_call, NULL, &ran, NULL), 0);
    assert_int_equal(w->alloc_calls, calls);
    assert_int_equal(pawl_promise_resolve(q, pawl_int(2)), 0);
    run(w);
    assert_int_equal(ran, 2 * N);
    pawl_promise_release(p);
    pawl_promise_release(q);
}

static void failing_allocator_gives_enomem_and_registers_nothing(void **state)
{
    world *w = *state;
    probe pr = {.w = w, .name = "h"};
    pawl_promise *x = (pawl_promise *)(void *)&x;
    w->alloc_fail = true;
    assert_int_equal(pawl_promise_new(L(w), &x), PAWL_ENOMEM);
    assert_ptr_equal(x, (pawl_promise *)(void *)&x);
    w->alloc_fail = false;
    pawl_promise *p = pending(w), *gate = pending(w); /* a promise slab, no reaction slab */
    name(w, p, "p");
    w->alloc_fail = true;
    assert_int_equal(pawl_promise_then(p, on_value, on_reason, &pr, &x), PAWL_ENOMEM);
    assert_int_equal(pawl_promise_catch(p, on_reason, &pr, &x), PAWL_ENOMEM);
    assert_int_equal(pawl_promise_all(L(w), &p, 1, &x), PAWL_ENOMEM);
    assert_int_equal(pawl_promise_all_settled(L(w), &p, 1, &x), PAWL_ENOMEM);
    assert_int_equal(pawl_promise_any(L(w), &p, 1, &x), PAWL_ENOMEM);
    assert_int_equal(pawl_promise_race(L(w), &p, 1, &x), PAWL_ENOMEM);
    assert_int_equal(pawl_promise_with_timeout(p, 5, &x), PAWL_ENOMEM);
    pawl_obj *o = counted_new(w, "o");
    assert_int_equal(pawl_promise_delay(L(w), 5, pawl_obj_value(o), &x), PAWL_ENOMEM);
    assert_int_equal(w->frees, 1); /* the value was moved in and dropped */
    worker k;
    worker_start(w, &k, gate);
    assert_int_equal(pawl_promise_from_task(L(w), &k.task, NULL, &x), PAWL_ENOMEM);
    assert_ptr_equal(x, (pawl_promise *)(void *)&x);
    assert_int_equal(pawl_loop_alive(L(w)), 1); /* the worker only: no timer was armed */
    w->alloc_fail = false;
    assert_int_equal(pawl_promise_reject(p, pawl_int(1)), 0);
    assert_int_equal(pawl_loop_run(L(w), PAWL_RUN_NOWAIT), 1); /* the worker waits */
    assert_string_equal(w->log, "unhandled(p):1@0");
    assert_int_equal(pr.calls, 0);
    /* Now a reaction slab exists (the worker's await); fill the promise
     * slabs with the allocator failing, so that then gets its reaction and
     * fails on its promise. */
    pawl_promise *fill[1100];
    size_t n_fill = 0;
    w->alloc_fail = true;
    while (n_fill < 1100 && pawl_promise_new(L(w), &fill[n_fill]) == 0)
        n_fill++;
    assert_true(n_fill < 1100);
    pawl_promise *q = gate;
    assert_int_equal(pawl_promise_then(q, on_value, on_reason, &pr, &x), PAWL_ENOMEM);
    assert_int_equal(pawl_promise_race(L(w), &q, 1, &x), PAWL_ENOMEM);
    assert_int_equal(pawl_promise_finally(q, NULL, NULL, &x), PAWL_ENOMEM);
    assert_ptr_equal(x, (pawl_promise *)(void *)&x);
    w->alloc_fail = false;
    release_all(fill, n_fill);
    assert_int_equal(pawl_promise_resolve(gate, pawl_int(1)), 0);
    run(w);
    assert_int_equal(pawl_task_get_state(&k.task), PAWL_TASK_DONE);
    assert_string_equal(w->log, "unhandled(p):1@0");
    assert_int_equal(pr.calls, 0);
    pawl_promise_release(p);
    pawl_promise_release(gate);
}

static void promise_and_reaction_sizes_are_within_budget(void **state)
{
    (void)state;
    assert_true(sizeof(pawl_promise) <= 64);
    assert_true(sizeof(pawl_reaction) <= 32);
#if defined(__x86_64__)
    assert_int_equal(sizeof(pawl_promise), 48);
    assert_int_equal(sizeof(pawl_reaction), 32);
#endif
    assert_int_equal(sizeof(pawl_value), 16);
}

static void loop_close_is_ebusy_while_a_promise_is_alive(void **state)
{
    world *w = *state;
    pawl_promise *p = pending(w), *d = NULL;
    assert_int_equal(pawl_loop_close(L(w)), PAWL_EBUSY);
    assert_int_equal(pawl_promise_then(p, on_value, NULL, NULL, &d), 0);
    pawl_promise_release(p); /* p is freed with its reaction; d is still mine */
    assert_int_equal(pawl_loop_close(L(w)), PAWL_EBUSY);
    pawl_promise_release(d);
    assert_int_equal(pawl_loop_close(L(w)), 0);
    world_reopen(w);
}

/* ==== 6. long chains on a small stack ========================================== */
/*
 * A chain of a million promises is settled, adopted and freed on a thread
 * with a 64 KiB stack: anything that recursed once per link would need
 * tens of megabytes.  Checks inside the thread are recorded (cmocka's
 * asserts must not longjmp across threads) and asserted after the join.
 * 64 KiB is enough under ASan and UBSan too (gcc and clang), so no
 * sanitizer gets a larger stack; each chain takes well under a second
 * there.
 */

#define CHAIN_N 1000000u
#define SMALL_STACK (64u * 1024u)

typedef struct chain_job {
    int kind;
    size_t n;
    const char *fail; /* the first check that failed, or NULL */
    int64_t last_seen;
    size_t calls;
} chain_job;

enum { CHAIN_THEN, CHAIN_ADOPT, CHAIN_FREE_PENDING };

#define CHECK(job, cond)                                                     \
    do {                                                                     \
        if (!(cond)) {                                                       \
            (job)->fail = #cond;                                             \
            goto out;                                                        \
        }                                                                    \
    } while (0)

static pawl_value chain_step(void *ctx, pawl_value v)
{
    chain_job *j = ctx;
    j->calls++;
    j->last_seen = v.u.i;
    return pawl_int(v.u.i + 1);
}

static void chain_then(chain_job *j, pawl_loop *loop)
{
    pawl_promise *head = NULL, *t = NULL;
    CHECK(j, pawl_promise_new(loop, &head) == 0);
    t = head;
    for (size_t i = 0; i < j->n; i++) {
        pawl_promise *next = NULL;
        CHECK(j, pawl_promise_then(t, chain_step, NULL, j, &next) == 0);
        if (t != head)
            pawl_promise_release(t); /* lives on: the reaction before holds it */
        t = next;
    }
    if (j->kind == CHAIN_FREE_PENDING) {
        pawl_promise_release(t);
        t = NULL;
        pawl_promise_release(head); /* frees the whole pending chain */
        head = NULL;
        CHECK(j, j->calls == 0);
        goto out;
    }
    CHECK(j, pawl_promise_resolve(head, pawl_int(1)) == 0);
    pawl_promise_release(head);
    head = NULL;
    CHECK(j, pawl_loop_run(loop, PAWL_RUN_DEFAULT) == 0);
    pawl_value v;
    CHECK(j, pawl_promise_result(t, &v) == 0);
    CHECK(j, v.kind == PAWL_V_INT && v.u.i == (int64_t)j->n + 1);
out:
    pawl_promise_release(head);
    pawl_promise_release(t);
}

static void chain_adopt(chain_job *j, pawl_loop *loop)
{
    size_t n = j->n;
    pawl_promise **p = calloc(n, sizeof *p);
    CHECK(j, p != NULL);
    for (size_t i = 0; i < n; i++)
        CHECK(j, pawl_promise_new(loop, &p[i]) == 0);
    for (size_t i = 0; i + 1 < n; i++) {
        CHECK(j, pawl_promise_retain(p[i + 1]) == 0);
        CHECK(j, pawl_promise_resolve(p[i], pawl_promise_value(p[i + 1])) == 0);
    }
    /* The middle of the chain lives on through the adoptions. */
    for (size_t i = 1; i + 1 < n; i++) {
        pawl_promise_release(p[i]);
        p[i] = NULL;
    }
    CHECK(j, pawl_loop_run(loop, PAWL_RUN_DEFAULT) == 0);
    CHECK(j, pawl_promise_state_of(p[0]) == PAWL_PROMISE_PENDING);
    CHECK(j, pawl_promise_resolve(p[n - 1], pawl_int(7)) == 0); /* from the end */
    CHECK(j, pawl_loop_run(loop, PAWL_RUN_DEFAULT) == 0);
    pawl_value v;
    CHECK(j, pawl_promise_result(p[0], &v) == 0);
    CHECK(j, v.kind == PAWL_V_INT && v.u.i == 7);
out:
    if (p != NULL) {
        for (size_t i = 0; i < n; i++)
            pawl_promise_release(p[i]);
        free(p);
    }
}

static void *chain_thread(void *arg)
{
    chain_job *j = arg;
    pawl_vclock vc;
    pawl_loop *loop = malloc(sizeof *loop);
    if (loop == NULL || pawl_vclock_init(&vc, 0) != 0 ||
        pawl_loop_init(loop, &(pawl_loop_opts){.platform = &vc.base}) != 0) {
        j->fail = "loop init";
        free(loop);
        return NULL;
    }
    if (j->kind == CHAIN_ADOPT)
        chain_adopt(j, loop);
    else
        chain_then(j, loop);
    if (pawl_loop_close(loop) != 0 && j->fail == NULL)
        j->fail = "pawl_loop_close(loop) == 0";
    free(loop);
    return NULL;
}

static void run_on_small_stack(chain_job *j)
{
    pthread_attr_t attr;
    assert_int_equal(pthread_attr_init(&attr), 0);
    size_t size = SMALL_STACK;
    if (size < (size_t)PTHREAD_STACK_MIN)
        size = (size_t)PTHREAD_STACK_MIN;
    assert_int_equal(pthread_attr_setstacksize(&attr, size), 0);
    pthread_t th;
    assert_int_equal(pthread_create(&th, &attr, chain_thread, j), 0);
    assert_int_equal(pthread_join(th, NULL), 0);
    pthread_attr_destroy(&attr);
    if (j->fail != NULL)
        fail_msg("on the small stack: %s", j->fail);
}

static void then_chain_of_a_million_settles_on_a_small_stack(void **state)
{
    (void)state;
    chain_job j = {.kind = CHAIN_THEN, .n = CHAIN_N};
    run_on_small_stack(&j);
    assert_int_equal(j.calls, CHAIN_N);
    assert_int_equal(j.last_seen, CHAIN_N); /* the last handler sees 10^6 */
}

static void adoption_chain_of_a_million_settles_from_the_end_on_a_small_stack(void **state)
{
    (void)state;
    chain_job j = {.kind = CHAIN_ADOPT, .n = CHAIN_N};
    run_on_small_stack(&j);
}

static void pending_chain_of_a_million_is_freed_by_releasing_its_head_on_a_small_stack(
    void **state)
{
    (void)state;
    chain_job j = {.kind = CHAIN_FREE_PENDING, .n = CHAIN_N};
    run_on_small_stack(&j);
}

/* ==== 7. values ==================================================================== */

static void value_format_describes_each_kind(void **state)
{
    world *w = *state;
    char buf[128], want[128];
    assert_int_equal(pawl_value_format(pawl_int(42), buf, sizeof buf), 6);
    assert_string_equal(buf, "int 42");
    pawl_value_format(pawl_int(-5), buf, sizeof buf);
    assert_string_equal(buf, "int -5");
    pawl_value_format(pawl_error(PAWL_ETIMEDOUT, "no reply"), buf, sizeof buf);
    assert_string_equal(buf, "error ETIMEDOUT (timed out): no reply");
    pawl_value_format(pawl_error(PAWL_ETIMEDOUT, NULL), buf, sizeof buf);
    assert_string_equal(buf, "error ETIMEDOUT (timed out)");
    pawl_value_format(pawl_undefined(), buf, sizeof buf);
    assert_string_equal(buf, "undefined");
    pawl_value_format(pawl_double(1.5), buf, sizeof buf);
    assert_non_null(strstr(buf, "double"));
    assert_non_null(strstr(buf, "1.5"));
    int local;
    pawl_value_format(pawl_ptr(&local), buf, sizeof buf);
    snprintf(want, sizeof want, "%p", (void *)&local);
    assert_non_null(strstr(buf, want));
    pawl_obj *o = counted_new(w, "o");
    pawl_value ov = pawl_obj_value(o);
    pawl_value_format(ov, buf, sizeof buf);
    snprintf(want, sizeof want, "%p", (void *)o);
    assert_non_null(strstr(buf, want));
    assert_null(strstr(buf, "pointer")); /* told apart from a plain pointer */
    pawl_value_drop(&ov);
    pawl_promise *p = pending(w);
    pawl_value_format(pawl_promise_value(p), buf, sizeof buf); /* borrowed here */
    snprintf(want, sizeof want, "%p", (void *)p);
    assert_non_null(strstr(buf, "promise"));
    assert_non_null(strstr(buf, want));
    pawl_promise_release(p);
    /* Lists and aggregates. */
    pawl_promise *in[3] = {fulfilled(w, 1), fulfilled(w, 2), rejected(w, 3)};
    pawl_promise *all = NULL, *any = NULL;
    assert_int_equal(pawl_promise_all_settled(L(w), in, 3, &all), 0);
    assert_int_equal(pawl_promise_any(L(w), in + 2, 1, &any), 0);
    assert_int_equal(pawl_promise_catch(any, on_reason, &(probe){.w = w, .name = "any"}, NULL),
                     0);
    run(w);
    pawl_value v;
    assert_int_equal(pawl_promise_result(all, &v), 0);
    pawl_value_format(v, buf, sizeof buf);
    assert_string_equal(buf, "list of 3");
    pawl_value_drop(&v);
    assert_int_equal(pawl_promise_result(any, &v), PAWL_EREJECTED);
    pawl_value_format(v, buf, sizeof buf);
    assert_non_null(strstr(buf, "aggregate"));
    assert_non_null(strstr(buf, "1"));
    pawl_value_drop(&v);
    /* snprintf's contract: truncated, terminated, full length returned. */
    assert_int_equal(pawl_value_format(pawl_int(42), buf, 4), 6);
    assert_string_equal(buf, "int");
    assert_int_equal(pawl_value_format(pawl_int(42), NULL, 0), 6);
    release_all(in, 3);
    pawl_promise_release(all);
    pawl_promise_release(any);
}

static void value_drop_releases_each_kind_once(void **state)
{
    world *w = *state;
    pawl_value plain[5] = {pawl_undefined(), pawl_int(3), pawl_double(2.5), pawl_ptr(w),
                           pawl_error(PAWL_EINVAL, "x")};
    for (int i = 0; i < 5; i++) {
        pawl_value_drop(&plain[i]);
        assert_int_equal(plain[i].kind, PAWL_V_UNDEFINED);
    }
    pawl_value_drop(NULL);
    /* OBJ */
    pawl_value ov = pawl_obj_value(counted_new(w, "o"));
    pawl_value_drop(&ov);
    assert_int_equal(ov.kind, PAWL_V_UNDEFINED);
    assert_int_equal(w->frees, 1);
    pawl_value_drop(&ov); /* now undefined: nothing happens */
    assert_int_equal(w->frees, 1);
    /* LIST: the list holds the object */
    pawl_promise *a = NULL, *r = NULL;
    assert_int_equal(pawl_promise_resolved(L(w), pawl_obj_value(counted_new(w, "o2")), &a), 0);
    assert_int_equal(pawl_promise_all(L(w), &a, 1, &r), 0);
    run(w);
    pawl_value lv;
    assert_int_equal(pawl_promise_result(r, &lv), 0);
    pawl_promise_release(a);
    pawl_promise_release(r);
    assert_int_equal(w->frees, 1);
    pawl_value_drop(&lv);
    assert_int_equal(lv.kind, PAWL_V_UNDEFINED);
    assert_int_equal(w->frees, 2);
    /* AGGREGATE */
    assert_int_equal(pawl_promise_rejected(L(w), pawl_obj_value(counted_new(w, "o3")), &a), 0);
    assert_int_equal(pawl_promise_any(L(w), &a, 1, &r), 0);
    probe pr = {.w = w, .name = "any"};
    watch(r, &pr);
    run(w);
    assert_string_equal(w->log, "any!agg[o3]");
    pawl_value av;
    assert_int_equal(pawl_promise_result(r, &av), PAWL_EREJECTED);
    pawl_promise_release(a);
    pawl_promise_release(r);
    assert_int_equal(w->frees, 2);
    pawl_value_drop(&av);
    assert_int_equal(w->frees, 3);
    /* PROMISE: the value's reference is the only one (teardown's close
     * fails if the drop did not release it). */
    pawl_value pv = pawl_promise_value(pending(w));
    pawl_value_drop(&pv);
    assert_int_equal(pv.kind, PAWL_V_UNDEFINED);
}

static pawl_value check_first_item(probe *pr, pawl_value v)
{
    assert_int_equal(v.kind, PAWL_V_LIST);
    assert_ptr_equal(v.u.list->items[0].u.obj, pr->arg);
    return pawl_value_dup(v);
}

static void obj_passed_through_all_is_freed_once_by_its_last_holder(void **state)
{
    world *w = *state;
    pawl_obj *o = counted_new(w, "o");
    probe pr = {.w = w, .name = "all", .act = check_first_item, .arg = o};
    pawl_promise *in[2] = {NULL, fulfilled(w, 2)};
    assert_int_equal(pawl_promise_resolved(L(w), pawl_obj_value(o), &in[0]), 0);
    pawl_promise *r = NULL, *d = NULL;
    assert_int_equal(pawl_promise_all(L(w), in, 2, &r), 0);
    assert_int_equal(pawl_promise_then(r, on_value, NULL, &pr, &d), 0);
    run(w);
    assert_string_equal(w->log, "all=[o,2]");
    release_all(in, 2);
    assert_int_equal(w->frees, 0); /* the list holds it */
    pawl_value v;
    assert_int_equal(pawl_promise_result(r, &v), 0);
    pawl_promise_release(r);
    assert_int_equal(w->frees, 0); /* d's value and v hold the list */
    pawl_promise_release(d);
    assert_int_equal(w->frees, 0);
    pawl_value_drop(&v);
    assert_int_equal(w->frees, 1);
}

static pawl_value release_own_promise(probe *pr, pawl_value v)
{
    pawl_promise_release(pr->arg); /* the last reference the test held */
    char text[64];
    describe(v, text, sizeof text); /* v is still valid for the call */
    log_add(pr->w, "after=%s", text);
    return pawl_value_dup(v);
}

static void handler_may_release_the_promise_it_is_attached_to(void **state)
{
    world *w = *state;
    pawl_obj *o = counted_new(w, "o");
    pawl_promise *p = pending(w), *d = NULL;
    probe pr = {.w = w, .name = "h", .act = release_own_promise, .arg = p};
    assert_int_equal(pawl_promise_then(p, on_value, NULL, &pr, &d), 0);
    assert_int_equal(pawl_promise_resolve(p, pawl_obj_value(o)), 0);
    run(w);
    assert_string_equal(w->log, "h=o after=o");
    assert_int_equal(w->frees, 0); /* d holds it */
    pawl_value v;
    assert_int_equal(pawl_promise_result(d, &v), 0);
    assert_ptr_equal(v.u.obj, o);
    pawl_value_drop(&v);
    pawl_promise_release(d);
    assert_int_equal(w->frees, 1);
}

static pawl_value then_on_own_promise(probe *pr, pawl_value v)
{
    assert_int_equal(pawl_promise_then(pr->arg, on_value, on_reason, pr->arg2, NULL), 0);
    return pawl_value_dup(v);
}

static void handler_may_call_then_on_the_promise_it_is_attached_to(void **state)
{
    world *w = *state;
    pawl_promise *p = pending(w), *q = pending(w);
    probe h2 = {.w = w, .name = "h2"}, c2 = {.w = w, .name = "c2"};
    probe h1 = {.w = w, .name = "h1", .act = then_on_own_promise, .arg = p, .arg2 = &h2};
    probe c1 = {.w = w, .name = "c1", .act = then_on_own_promise, .arg = q, .arg2 = &c2};
    assert_int_equal(pawl_promise_then(p, on_value, NULL, &h1, NULL), 0);
    assert_int_equal(pawl_promise_then(q, NULL, on_reason, &c1, NULL), 0);
    assert_int_equal(pawl_promise_resolve(p, pawl_int(5)), 0);
    assert_int_equal(pawl_promise_reject(q, pawl_int(6)), 0);
    run(w);
    /* c1 returns the reason unthrown: its derived promise is fulfilled. */
    assert_string_equal(w->log, "h1=5 c1!6 h2=5 c2!6");
    pawl_promise_release(p);
    pawl_promise_release(q);
}

/* ------------------------------------------------------------------------------------ */

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
#define U(name) cmocka_unit_test(name)

int main(void)
{
    const struct CMUnitTest tests[] = {
        /* 1. combinators */
        T(all_of_nothing_is_fulfilled_at_once_with_an_empty_list),
        T(all_settled_of_nothing_is_fulfilled_at_once_with_an_empty_list),
        T(any_of_nothing_is_rejected_at_once_with_an_empty_aggregate),
        T(any_of_nothing_unhandled_is_reported),
        T(race_of_nothing_stays_pending_forever),
        T(combinators_of_one_input_settle_as_it),
        T(all_lists_values_in_input_order_when_inputs_settle_in_reverse),
        T(all_mixes_settled_and_pending_inputs),
        T(all_rejects_with_the_first_rejection),
        T(all_settled_lists_outcomes_in_input_order_marking_reasons),
        T(all_settled_rejected_item_passed_on_by_a_handler_fulfils),
        T(any_fulfils_with_the_first_fulfilment),
        T(any_rejects_with_the_reasons_in_input_order),
        T(race_settles_as_the_first_input_to_settle),
        T(combinators_of_an_input_that_never_settles_free_everything),
        T(combinators_refuse_null_and_foreign_inputs_and_register_nothing),
        T(all_of_settled_inputs_settles_on_es_turn),
        T(all_settled_of_settled_inputs_settles_on_es_turn),
        T(any_of_settled_inputs_settles_on_es_turn),
        T(race_of_settled_inputs_settles_on_es_turn),
        T(all_rejection_settles_on_es_turn),
        T(all_of_inputs_settled_in_a_handler_settles_on_es_turn),
        /* 2. delay and with_timeout */
        T(delay_fulfils_exactly_at_its_deadline),
        T(delay_keeps_the_loop_alive_and_moves_its_value_in),
        T(delay_of_zero_waits_one_ms_as_set_timeout_does),
        T(delay_counts_from_a_fresh_clock_reading),
        T(with_timeout_rejects_with_etimedout_when_the_source_is_slow),
        T(with_timeout_settles_as_the_source_when_it_is_first),
        T(with_timeout_stops_its_timer_in_the_iteration_the_source_settles),
        T(with_timeout_of_a_settled_source_does_not_wait),
        T(with_timeout_of_a_source_that_never_settles_frees_everything),
        /* 3. await and tasks */
        T(await_pending_resumes_with_the_value_when_fulfilled),
        T(await_pending_resumes_with_erejected_and_the_reason),
        T(await_settled_is_ready_in_the_same_poll),
        T(await_canceled_gives_back_its_registration),
        T(await_canceled_on_a_promise_never_settled_lets_it_be_freed),
        T(await_canceled_after_the_settle_woke_it_leaks_nothing),
        T(await_by_two_tasks_wakes_both),
        T(await_marks_the_promise_handled),
        T(from_task_fulfils_with_the_value_of_the_finished_task),
        T(from_task_rejects_with_ecanceled_when_the_task_is_canceled),
        T(from_task_is_ebusy_when_the_task_already_has_a_joiner),
        T(from_task_twice_on_one_task_is_ebusy),
        T(from_task_joins_at_the_call_so_a_later_join_is_ebusy),
        T(from_task_refuses_bad_tasks),
        /* 4. unhandled rejections */
        T(unhandled_rejection_is_reported_once_after_the_queue_drains),
        T(rejection_handled_later_in_the_same_drain_is_never_reported),
        T(rejection_handled_after_the_report_gets_a_handled_event),
        T(derived_promise_without_on_rejected_is_reported_and_its_source_not),
        T(rejection_in_a_timer_callback_is_reported_before_the_next_callback),
        U(default_hook_prints_each_report_with_its_reason_to_stderr),
        /* 5. memory */
        U(pool_exhaustion_is_enospc_and_leaves_every_promise_intact),
        U(pool_without_reactions_is_enospc_and_registers_nothing),
        U(pool_failed_calls_give_back_what_they_took),
        U(pool_then_makes_no_allocator_calls),
        T(slab_thens_amortise_to_no_allocator_call_and_reuse_freed_blocks),
        T(failing_allocator_gives_enomem_and_registers_nothing),
        U(promise_and_reaction_sizes_are_within_budget),
        T(loop_close_is_ebusy_while_a_promise_is_alive),
        /* 6. long chains, small stack */
        U(then_chain_of_a_million_settles_on_a_small_stack),
        U(adoption_chain_of_a_million_settles_from_the_end_on_a_small_stack),
        U(pending_chain_of_a_million_is_freed_by_releasing_its_head_on_a_small_stack),
        /* 7. values */
        T(value_format_describes_each_kind),
        T(value_drop_releases_each_kind_once),
        T(obj_passed_through_all_is_freed_once_by_its_last_holder),
        T(handler_may_release_the_promise_it_is_attached_to),
        T(handler_may_call_then_on_the_promise_it_is_attached_to),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
