/*
 * tests/test_promise_aplus.c -- pawl's promises against the Promises/A+
 * specification (version 1.1), one case per requirement, each named after
 * the requirement's number: aplus_2_2_6_1_... tests requirement 2.2.6.1.
 *
 * The cases restate the specification in C terms:
 *
 *   - "a function" is a non-NULL pawl_handler_fn; "not a function" is NULL;
 *   - "returns a value x" is a handler returning x; "throws e" is a handler
 *     returning pawl_throw(e);
 *   - "the execution context stack contains only platform code" means: the
 *     handler runs as a microtask of the loop, never inside the call to
 *     then, resolve or reject that made it due, nor inside another handler;
 *   - "with value" / "with reason" is checked exactly: the same kind and
 *     payload, and for objects the same pointer (JavaScript's ===).
 *
 * WHAT IS NOT HERE, AND WHY
 * =========================
 *
 * 2.3.3 (thenables) has no C counterpart.  In JavaScript any object or
 * function with a `then` property is treated as a promise from some other
 * library: the resolution procedure reads `then` once, calls it with a
 * pair of one-shot resolve / reject functions, and guards against it
 * throwing or calling back twice.  All of that exists because JavaScript
 * has no common promise type and objects are duck-typed.  C has neither
 * property lookup nor duck typing: a pawl_value says what it is in its
 * `kind`, and the only thing resolve adopts is a value of kind
 * PAWL_V_PROMISE.  Any other value, including a struct that happens to
 * hold a function pointer named `then`, is a plain value that fulfils the
 * promise (2.3.4); aplus_2_3_3_not_applicable_... shows exactly that.
 *
 * 2.3.2 (x is a promise) is how pawl adopts another pawl promise: resolving
 * with pawl_promise_value(q), or returning it from a handler, makes the
 * promise follow q's eventual state.
 *
 * Everything runs on a virtual-clock loop.  Handlers append "name=value"
 * (on_fulfilled) or "name!reason" (on_rejected) to the test's own log, and
 * each test compares the whole log.  Every test ends with
 * pawl_loop_close() == 0, which fails while any promise, reaction or
 * microtask is left alive; ASan catches the rest.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "pawl/pawl.h"
#include "support.h"

/* ---- the world of one test ------------------------------------------------ */

typedef struct world {
    vloop v;
    char log[1024];
    int drains;           /* times run() saw the microtask queue drain */
    int unhandled;        /* on_rejection reports, by kind */
    int handled;
    int frees;            /* counted objects freed */
    void *seen[8];        /* ctx pointers recorded by record_ctx */
    size_t n_seen;
} world;

static void on_rejection(void *ud, pawl_loop *loop, struct pawl_promise *p,
                         pawl_rejection_event event, const struct pawl_value *reason)
{
    (void)loop;
    (void)p;
    (void)reason;
    world *w = ud;
    if (event == PAWL_REJECTION_UNHANDLED)
        w->unhandled++;
    else
        w->handled++;
}

static world *world_open(void)
{
    world *w = test_calloc(1, sizeof *w);
    vloop_open(&w->v, 0,
               (pawl_loop_opts){.on_rejection = on_rejection, .rejection_ud = w});
    return w;
}

static void log_add(world *w, const char *fmt, ...)
{
    size_t len = strlen(w->log);
    if (len != 0 && len + 1 < sizeof w->log) {
        w->log[len++] = ' ';
        w->log[len] = '\0';
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(w->log + len, sizeof w->log - len, fmt, ap);
    va_end(ap);
}

static void mark_drain(void *arg)
{
    world *w = arg;
    w->drains++;
}

/* Run the loop until nothing is alive.  A marker microtask is queued
 * first, so the loop really drains its queue even when nothing else is
 * due, and we check that it did. */
static void run(world *w)
{
    int before = w->drains;
    assert_int_equal(pawl_queue_microtask(&w->v.loop, mark_drain, w), 0);
    assert_int_equal(pawl_loop_run(&w->v.loop, PAWL_RUN_DEFAULT), 0);
    assert_int_equal(w->drains, before + 1);
}

/* Drain what is left (reports of rejections, say), then close: the close
 * fails while any promise or reaction is alive. */
static void world_close(world *w)
{
    run(w);
    assert_int_equal(pawl_loop_close(&w->v.loop), 0);
    test_free(w);
}

/* A short, exact description of a value for the logs. */
static void describe(pawl_value v, char *buf, size_t size)
{
    switch ((pawl_value_kind)v.kind) {
    case PAWL_V_UNDEFINED:
        snprintf(buf, size, "undefined");
        return;
    case PAWL_V_INT:
        snprintf(buf, size, "%lld", (long long)v.u.i);
        return;
    case PAWL_V_DOUBLE:
        snprintf(buf, size, "%g", v.u.d);
        return;
    case PAWL_V_PTR:
        snprintf(buf, size, "ptr");
        return;
    case PAWL_V_OBJ:
        snprintf(buf, size, "obj");
        return;
    case PAWL_V_ERROR:
        snprintf(buf, size, "%s", pawl_err_name(v.code));
        return;
    case PAWL_V_LIST:
    case PAWL_V_AGGREGATE:
        snprintf(buf, size, "list");
        return;
    case PAWL_V_PROMISE:
        snprintf(buf, size, "promise");
        return;
    }
    snprintf(buf, size, "kind%u", (unsigned)v.kind);
}

/* ---- counted objects ------------------------------------------------------- */

/* An object whose free function counts into its test's world, so a test
 * sees exactly when (and how often) the last reference went. */
typedef struct counted {
    pawl_obj obj;
    world *w;
} counted;

static void counted_free(pawl_obj *o)
{
    counted *c = PAWL_CONTAINER_OF(o, counted, obj);
    c->w->frees++;
    test_free(c);
}

static pawl_obj *counted_new(world *w)
{
    counted *c = test_calloc(1, sizeof *c);
    c->w = w;
    assert_int_equal(pawl_obj_init(&c->obj, counted_free), 0);
    return &c->obj;
}

/* ---- handlers -------------------------------------------------------------- */

typedef enum probe_mode {
    RET_UNDEFINED, /* return pawl_undefined() */
    RET_VALUE,     /* return `ret` (moved out on the first call) */
    RET_THROW,     /* return pawl_throw(ret) (likewise) */
    RET_ECHO,      /* return pawl_value_dup(v): pass the argument on */
    RET_PROMISE,   /* return pawl_promise_value(adopt) (the reference moves) */
    RET_KEEP       /* keep pawl_value_dup(v) in `kept`, return undefined */
} probe_mode;

/* The ctx of probe_ok / probe_err: one per then, or shared. */
typedef struct probe {
    world *w;
    const char *name;
    probe_mode mode;
    int calls;
    pawl_value got;          /* the last argument, shallow (no reference) */
    pawl_promise *source;    /* if set: its state is read during the call */
    int state_seen;
    pawl_value ret;
    pawl_promise *adopt;
    pawl_value kept;
    void (*also)(struct probe *pr); /* more work inside the handler */
    void *also_arg;
} probe;

static probe probe_make(world *w, const char *name, probe_mode mode)
{
    probe pr;
    memset(&pr, 0, sizeof pr);
    pr.w = w;
    pr.name = name;
    pr.mode = mode;
    pr.state_seen = -1;
    return pr;
}

static pawl_value probe_call(probe *pr, char tag, pawl_value v)
{
    char d[48];
    describe(v, d, sizeof d);
    log_add(pr->w, "%s%c%s", pr->name, tag, d);
    pr->calls++;
    pr->got = v;
    if (pr->source != NULL)
        pr->state_seen = pawl_promise_state_of(pr->source);
    if (pr->also != NULL)
        pr->also(pr);
    pawl_value out = pawl_undefined();
    switch (pr->mode) {
    case RET_UNDEFINED:
        break;
    case RET_VALUE:
        out = pr->ret;
        pr->ret = pawl_undefined();
        break;
    case RET_THROW:
        out = pawl_throw(pr->ret);
        pr->ret = pawl_undefined();
        break;
    case RET_ECHO:
        out = pawl_value_dup(v);
        break;
    case RET_PROMISE:
        if (pr->adopt != NULL)
            out = pawl_promise_value(pr->adopt);
        pr->adopt = NULL;
        break;
    case RET_KEEP:
        pawl_value_drop(&pr->kept);
        pr->kept = pawl_value_dup(v);
        break;
    }
    return out;
}

static pawl_value probe_ok(void *ctx, pawl_value v) { return probe_call(ctx, '=', v); }
static pawl_value probe_err(void *ctx, pawl_value v) { return probe_call(ctx, '!', v); }

enum { OK = 1, ERR = 2 };

/* then(p, ...) with probe_ok and/or probe_err; the derived promise. */
static pawl_promise *then_(pawl_promise *p, int which, probe *pr)
{
    pawl_promise *q = NULL;
    assert_int_equal(pawl_promise_then(p, (which & OK) ? probe_ok : NULL,
                                       (which & ERR) ? probe_err : NULL, pr, &q),
                     0);
    assert_non_null(q);
    return q;
}

/* ---- promises and what they hold ------------------------------------------- */

static pawl_promise *pending(world *w)
{
    pawl_promise *p = NULL;
    assert_int_equal(pawl_promise_new(&w->v.loop, &p), 0);
    assert_non_null(p);
    return p;
}

static pawl_promise *fulfilled(world *w, pawl_value v)
{
    pawl_promise *p = pending(w);
    assert_int_equal(pawl_promise_resolve(p, v), 0);
    return p;
}

static pawl_promise *rejected(world *w, pawl_value reason)
{
    pawl_promise *p = pending(w);
    assert_int_equal(pawl_promise_reject(p, reason), 0);
    return p;
}

/* A second reference to `p`, as a value to move into resolve or out of a
 * handler. */
static pawl_value promise_ref(pawl_promise *p)
{
    assert_int_equal(pawl_promise_retain(p), 0);
    return pawl_promise_value(p);
}

static void expect_pending(pawl_promise *p)
{
    assert_int_equal(pawl_promise_state_of(p), PAWL_PROMISE_PENDING);
    pawl_value v = pawl_int(-1);
    assert_int_equal(pawl_promise_result(p, &v), PAWL_EAGAIN);
    assert_int_equal(v.kind, PAWL_V_INT); /* untouched */
}

static void expect_fulfilled_int(pawl_promise *p, int64_t i)
{
    assert_int_equal(pawl_promise_state_of(p), PAWL_PROMISE_FULFILLED);
    pawl_value v;
    assert_int_equal(pawl_promise_result(p, &v), 0);
    assert_int_equal(v.kind, PAWL_V_INT);
    assert_int_equal(v.u.i, i);
    pawl_value_drop(&v);
}

static void expect_fulfilled_undefined(pawl_promise *p)
{
    assert_int_equal(pawl_promise_state_of(p), PAWL_PROMISE_FULFILLED);
    pawl_value v;
    assert_int_equal(pawl_promise_result(p, &v), 0);
    assert_int_equal(v.kind, PAWL_V_UNDEFINED);
}

static void expect_fulfilled_obj(pawl_promise *p, pawl_obj *o)
{
    assert_int_equal(pawl_promise_state_of(p), PAWL_PROMISE_FULFILLED);
    pawl_value v;
    assert_int_equal(pawl_promise_result(p, &v), 0);
    assert_int_equal(v.kind, PAWL_V_OBJ);
    assert_ptr_equal(v.u.obj, o);
    pawl_value_drop(&v);
}

static void expect_rejected_error(pawl_promise *p, int code)
{
    assert_int_equal(pawl_promise_state_of(p), PAWL_PROMISE_REJECTED);
    pawl_value v;
    assert_int_equal(pawl_promise_result(p, &v), PAWL_EREJECTED);
    assert_int_equal(v.kind, PAWL_V_ERROR);
    assert_int_equal(v.code, code);
    pawl_value_drop(&v);
}

static void expect_rejected_obj(pawl_promise *p, pawl_obj *o)
{
    assert_int_equal(pawl_promise_state_of(p), PAWL_PROMISE_REJECTED);
    pawl_value v;
    assert_int_equal(pawl_promise_result(p, &v), PAWL_EREJECTED);
    assert_int_equal(v.kind, PAWL_V_OBJ);
    assert_ptr_equal(v.u.obj, o);
    pawl_value_drop(&v);
}

static void release_all(pawl_promise **ps, size_t n)
{
    for (size_t i = 0; i < n; i++)
        pawl_promise_release(ps[i]);
}
#define RELEASE(...)                                                                 \
    release_all((pawl_promise *[]){__VA_ARGS__},                                     \
                sizeof((pawl_promise *[]){__VA_ARGS__}) / sizeof(pawl_promise *))

/* ==== 2.1 Promise states ===================================================== */

/* 2.1.1.1: a pending promise may become fulfilled. */
static void aplus_2_1_1_1_pending_may_transition_to_fulfilled(void **state)
{
    (void)state;
    world *w = world_open();
    pawl_promise *p = pending(w);
    expect_pending(p);
    assert_int_equal(pawl_promise_resolve(p, pawl_int(1)), 0);
    expect_fulfilled_int(p, 1);
    pawl_promise_release(p);
    world_close(w);
}

/* 2.1.1.1: ... or rejected. */
static void aplus_2_1_1_1_pending_may_transition_to_rejected(void **state)
{
    (void)state;
    world *w = world_open();
    pawl_promise *p = pending(w);
    expect_pending(p);
    assert_int_equal(pawl_promise_reject(p, pawl_error(PAWL_ETIMEDOUT, "late")), 0);
    expect_rejected_error(p, PAWL_ETIMEDOUT);
    pawl_promise_release(p);
    world_close(w);
}

/* 2.1.2.1: a fulfilled promise must not move to any other state: every
 * later resolve or reject returns PAWL_EALREADY and changes nothing. */
static void aplus_2_1_2_1_fulfilled_must_not_transition(void **state)
{
    (void)state;
    world *w = world_open();
    probe a = probe_make(w, "a", RET_UNDEFINED);
    pawl_promise *p = pending(w);
    pawl_promise *d = then_(p, OK | ERR, &a);
    pawl_promise *other = pending(w);
    assert_int_equal(pawl_promise_resolve(p, pawl_int(1)), 0);

    assert_int_equal(pawl_promise_reject(p, pawl_error(PAWL_ETIMEDOUT, NULL)), PAWL_EALREADY);
    assert_int_equal(pawl_promise_resolve(p, pawl_int(2)), PAWL_EALREADY);
    assert_int_equal(pawl_promise_resolve(p, promise_ref(other)), PAWL_EALREADY);
    expect_fulfilled_int(p, 1);
    run(w);
    assert_string_equal(w->log, "a=1");
    /* Still so after the reactions ran. */
    assert_int_equal(pawl_promise_reject(p, pawl_error(PAWL_ECANCELED, NULL)), PAWL_EALREADY);
    expect_fulfilled_int(p, 1);
    run(w);
    assert_string_equal(w->log, "a=1");
    RELEASE(p, d, other);
    world_close(w);
}

/* 2.1.2.2: a fulfilled promise's value must not change: the same object
 * (by pointer) before and after attempts to settle it again. */
static void aplus_2_1_2_2_fulfilled_value_must_not_change(void **state)
{
    (void)state;
    world *w = world_open();
    probe a = probe_make(w, "a", RET_UNDEFINED);
    probe b = probe_make(w, "b", RET_UNDEFINED);
    pawl_obj *first = counted_new(w);
    pawl_promise *p = pending(w);
    pawl_promise *da = then_(p, OK | ERR, &a);
    assert_int_equal(pawl_promise_resolve(p, pawl_obj_value(first)), 0);
    expect_fulfilled_obj(p, first);

    assert_int_equal(pawl_promise_resolve(p, pawl_obj_value(counted_new(w))), PAWL_EALREADY);
    assert_int_equal(pawl_promise_reject(p, pawl_int(3)), PAWL_EALREADY);
    expect_fulfilled_obj(p, first);
    pawl_promise *db = then_(p, OK | ERR, &b);
    run(w);
    assert_string_equal(w->log, "a=obj b=obj");
    assert_ptr_equal(a.got.u.obj, first);
    assert_ptr_equal(b.got.u.obj, first);
    expect_fulfilled_obj(p, first);
    assert_int_equal(w->frees, 1); /* only the refused second object */
    RELEASE(p, da, db);
    assert_int_equal(w->frees, 2);
    world_close(w);
}

/* 2.1.3.1: a rejected promise must not move to any other state. */
static void aplus_2_1_3_1_rejected_must_not_transition(void **state)
{
    (void)state;
    world *w = world_open();
    probe a = probe_make(w, "a", RET_UNDEFINED);
    pawl_promise *p = pending(w);
    pawl_promise *d = then_(p, OK | ERR, &a);
    pawl_promise *other = fulfilled(w, pawl_int(9));
    assert_int_equal(pawl_promise_reject(p, pawl_error(PAWL_ETIMEDOUT, NULL)), 0);

    assert_int_equal(pawl_promise_resolve(p, pawl_int(1)), PAWL_EALREADY);
    assert_int_equal(pawl_promise_reject(p, pawl_error(PAWL_ECANCELED, NULL)), PAWL_EALREADY);
    assert_int_equal(pawl_promise_resolve(p, promise_ref(other)), PAWL_EALREADY);
    expect_rejected_error(p, PAWL_ETIMEDOUT);
    run(w);
    assert_string_equal(w->log, "a!ETIMEDOUT");
    assert_int_equal(pawl_promise_resolve(p, pawl_int(2)), PAWL_EALREADY);
    expect_rejected_error(p, PAWL_ETIMEDOUT);
    run(w);
    assert_string_equal(w->log, "a!ETIMEDOUT");
    RELEASE(p, d, other);
    world_close(w);
}

/* 2.1.3.2: a rejected promise's reason must not change. */
static void aplus_2_1_3_2_rejected_reason_must_not_change(void **state)
{
    (void)state;
    world *w = world_open();
    probe a = probe_make(w, "a", RET_UNDEFINED);
    pawl_obj *first = counted_new(w);
    pawl_promise *p = pending(w);
    pawl_promise *d = then_(p, OK | ERR, &a);
    assert_int_equal(pawl_promise_reject(p, pawl_obj_value(first)), 0);

    assert_int_equal(pawl_promise_reject(p, pawl_obj_value(counted_new(w))), PAWL_EALREADY);
    assert_int_equal(pawl_promise_resolve(p, pawl_obj_value(counted_new(w))), PAWL_EALREADY);
    expect_rejected_obj(p, first);
    assert_int_equal(w->frees, 2); /* the two refused objects */
    run(w);
    assert_string_equal(w->log, "a!obj");
    assert_ptr_equal(a.got.u.obj, first);
    expect_rejected_obj(p, first);
    RELEASE(p, d);
    assert_int_equal(w->frees, 3);
    world_close(w);
}

/* ==== 2.2 The then method ==================================================== */

/* 2.2.1.1: an on_fulfilled that is not a function (NULL) is ignored:
 * then accepts it, nothing is called, and the value goes on. */
static void aplus_2_2_1_1_null_on_fulfilled_is_ignored(void **state)
{
    (void)state;
    world *w = world_open();
    probe a = probe_make(w, "a", RET_VALUE);
    a.ret = pawl_int(100);
    pawl_promise *p = pending(w);
    pawl_promise *d1 = then_(p, ERR, &a);
    pawl_promise *d2 = NULL;
    assert_int_equal(pawl_promise_then(p, NULL, NULL, NULL, &d2), 0);
    assert_int_equal(pawl_promise_resolve(p, pawl_int(5)), 0);
    run(w);
    assert_string_equal(w->log, "");
    assert_int_equal(a.calls, 0);
    expect_fulfilled_int(d1, 5);
    expect_fulfilled_int(d2, 5);
    RELEASE(p, d1, d2);
    world_close(w);
}

/* 2.2.1.2: an on_rejected that is not a function (NULL) is ignored. */
static void aplus_2_2_1_2_null_on_rejected_is_ignored(void **state)
{
    (void)state;
    world *w = world_open();
    probe a = probe_make(w, "a", RET_VALUE);
    a.ret = pawl_int(100);
    pawl_promise *p = pending(w);
    pawl_promise *d1 = then_(p, OK, &a);
    pawl_promise *d2 = NULL;
    assert_int_equal(pawl_promise_then(p, NULL, NULL, NULL, &d2), 0);
    assert_int_equal(pawl_promise_reject(p, pawl_error(PAWL_ECANCELED, NULL)), 0);
    run(w);
    assert_string_equal(w->log, "");
    assert_int_equal(a.calls, 0);
    expect_rejected_error(d1, PAWL_ECANCELED);
    expect_rejected_error(d2, PAWL_ECANCELED);
    RELEASE(p, d1, d2);
    world_close(w);
}

/* 2.2.2.1: on_fulfilled is called after the promise is fulfilled, with
 * its value as the argument. */
static void aplus_2_2_2_1_on_fulfilled_called_after_fulfilled_with_value(void **state)
{
    (void)state;
    world *w = world_open();
    pawl_promise *p = pending(w);
    probe a = probe_make(w, "a", RET_UNDEFINED);
    a.source = p;
    pawl_promise *d = then_(p, OK | ERR, &a);
    assert_int_equal(pawl_promise_resolve(p, pawl_int(42)), 0);
    run(w);
    assert_string_equal(w->log, "a=42");
    assert_int_equal(a.calls, 1);
    assert_int_equal(a.state_seen, PAWL_PROMISE_FULFILLED);
    assert_int_equal(a.got.kind, PAWL_V_INT);
    assert_int_equal(a.got.u.i, 42);
    RELEASE(p, d);
    world_close(w);
}

/* 2.2.2.2: on_fulfilled is not called before the promise is fulfilled,
 * however often the loop drains its microtasks or time passes. */
static void aplus_2_2_2_2_on_fulfilled_not_called_before_fulfilled(void **state)
{
    (void)state;
    world *w = world_open();
    pawl_promise *p = pending(w);
    probe a = probe_make(w, "a", RET_UNDEFINED);
    pawl_promise *d = then_(p, OK | ERR, &a);
    run(w);
    assert_int_equal(pawl_vclock_advance(&w->v.vc, 1000000000u), 0);
    run(w);
    assert_string_equal(w->log, "");
    assert_int_equal(a.calls, 0);
    expect_pending(d);
    assert_int_equal(pawl_promise_resolve(p, pawl_int(7)), 0);
    run(w);
    assert_string_equal(w->log, "a=7");
    RELEASE(p, d);
    world_close(w);
}

/* Inside a handler: try to settle the handler's own promise again. */
static void settle_source_again(probe *pr)
{
    assert_int_equal(pawl_promise_resolve(pr->source, pawl_int(99)), PAWL_EALREADY);
    assert_int_equal(pawl_promise_reject(pr->source, pawl_int(98)), PAWL_EALREADY);
}

/* 2.2.2.3: on_fulfilled is called at most once: a second resolve, a
 * reject after the fulfilment, and a resolve from inside the handler
 * itself call nothing more. */
static void aplus_2_2_2_3_on_fulfilled_not_called_more_than_once(void **state)
{
    (void)state;
    world *w = world_open();
    pawl_promise *p = pending(w);
    probe a = probe_make(w, "a", RET_UNDEFINED);
    a.source = p;
    a.also = settle_source_again;
    pawl_promise *d = then_(p, OK | ERR, &a);
    assert_int_equal(pawl_promise_resolve(p, pawl_int(1)), 0);
    assert_int_equal(pawl_promise_resolve(p, pawl_int(2)), PAWL_EALREADY);
    assert_int_equal(pawl_promise_reject(p, pawl_error(PAWL_ECANCELED, NULL)), PAWL_EALREADY);
    run(w);
    run(w);
    assert_int_equal(pawl_promise_resolve(p, pawl_int(3)), PAWL_EALREADY);
    run(w);
    assert_string_equal(w->log, "a=1");
    assert_int_equal(a.calls, 1);
    RELEASE(p, d);
    world_close(w);
}

/* 2.2.3.1: on_rejected is called after the promise is rejected, with its
 * reason as the argument. */
static void aplus_2_2_3_1_on_rejected_called_after_rejected_with_reason(void **state)
{
    (void)state;
    world *w = world_open();
    pawl_promise *p = pending(w);
    probe a = probe_make(w, "a", RET_UNDEFINED);
    a.source = p;
    pawl_promise *d = then_(p, OK | ERR, &a);
    assert_int_equal(pawl_promise_reject(p, pawl_error(PAWL_ETIMEDOUT, "slow")), 0);
    run(w);
    assert_string_equal(w->log, "a!ETIMEDOUT");
    assert_int_equal(a.calls, 1);
    assert_int_equal(a.state_seen, PAWL_PROMISE_REJECTED);
    assert_int_equal(a.got.kind, PAWL_V_ERROR);
    assert_int_equal(a.got.code, PAWL_ETIMEDOUT);
    assert_string_equal(a.got.u.msg, "slow");
    RELEASE(p, d);
    world_close(w);
}

/* 2.2.3.2: on_rejected is not called before the promise is rejected. */
static void aplus_2_2_3_2_on_rejected_not_called_before_rejected(void **state)
{
    (void)state;
    world *w = world_open();
    pawl_promise *p = pending(w);
    probe a = probe_make(w, "a", RET_UNDEFINED);
    pawl_promise *d = then_(p, OK | ERR, &a);
    run(w);
    assert_int_equal(pawl_vclock_advance(&w->v.vc, 1000000000u), 0);
    run(w);
    assert_string_equal(w->log, "");
    assert_int_equal(a.calls, 0);
    expect_pending(d);
    assert_int_equal(pawl_promise_reject(p, pawl_error(PAWL_ECANCELED, NULL)), 0);
    run(w);
    assert_string_equal(w->log, "a!ECANCELED");
    RELEASE(p, d);
    world_close(w);
}

/* 2.2.3.3: on_rejected is called at most once. */
static void aplus_2_2_3_3_on_rejected_not_called_more_than_once(void **state)
{
    (void)state;
    world *w = world_open();
    pawl_promise *p = pending(w);
    probe a = probe_make(w, "a", RET_UNDEFINED);
    a.source = p;
    a.also = settle_source_again;
    pawl_promise *d = then_(p, OK | ERR, &a);
    assert_int_equal(pawl_promise_reject(p, pawl_error(PAWL_ECANCELED, NULL)), 0);
    assert_int_equal(pawl_promise_reject(p, pawl_error(PAWL_ETIMEDOUT, NULL)), PAWL_EALREADY);
    assert_int_equal(pawl_promise_resolve(p, pawl_int(2)), PAWL_EALREADY);
    run(w);
    run(w);
    assert_int_equal(pawl_promise_reject(p, pawl_int(3)), PAWL_EALREADY);
    run(w);
    assert_string_equal(w->log, "a!ECANCELED");
    assert_int_equal(a.calls, 1);
    RELEASE(p, d);
    world_close(w);
}

/* What handler c of the 2.2.4 case does inside itself. */
typedef struct nested {
    pawl_promise *settled;   /* already fulfilled: then on it from inside c */
    pawl_promise *waiting;   /* pending, with handler e: resolved inside c */
    probe *d;
    pawl_promise *dd;        /* the promise then returned inside c */
} nested;

static void nested_work(probe *pr)
{
    nested *n = pr->also_arg;
    n->dd = then_(n->settled, OK | ERR, n->d);
    assert_int_equal(pawl_promise_resolve(n->waiting, pawl_int(4)), 0);
    log_add(pr->w, "%s-returns", pr->name);
}

/* 2.2.4: handlers run only once the stack holds nothing but the loop: not
 * inside the then that registered them on a settled promise, not inside
 * the resolve that settled their promise, and not inside another handler
 * (that makes them due, and they run after it returns). */
static void aplus_2_2_4_handlers_not_called_until_stack_clears(void **state)
{
    (void)state;
    world *w = world_open();
    probe a = probe_make(w, "a", RET_UNDEFINED);
    probe b = probe_make(w, "b", RET_UNDEFINED);
    probe c = probe_make(w, "c", RET_UNDEFINED);
    probe d = probe_make(w, "d", RET_UNDEFINED);
    probe e = probe_make(w, "e", RET_UNDEFINED);

    /* then on a promise that is already fulfilled. */
    pawl_promise *p = NULL;
    assert_int_equal(pawl_promise_resolved(&w->v.loop, pawl_int(1), &p), 0);
    pawl_promise *da = then_(p, OK | ERR, &a);
    assert_string_equal(w->log, "");

    /* resolve of a promise that has a handler. */
    pawl_promise *q = pending(w);
    pawl_promise *db = then_(q, OK | ERR, &b);
    assert_int_equal(pawl_promise_resolve(q, pawl_int(2)), 0);
    assert_string_equal(w->log, "");

    /* Both, from inside a handler. */
    pawl_promise *s = pending(w);
    pawl_promise *de = then_(s, OK | ERR, &e);
    nested n = {.settled = p, .waiting = s, .d = &d, .dd = NULL};
    c.also = nested_work;
    c.also_arg = &n;
    pawl_promise *r = pending(w);
    pawl_promise *dc = then_(r, OK | ERR, &c);
    assert_int_equal(pawl_promise_resolve(r, pawl_int(3)), 0);
    assert_string_equal(w->log, "");

    run(w);
    assert_string_equal(w->log, "a=1 b=2 c=3 c-returns d=1 e=4");
    RELEASE(p, q, r, s, da, db, dc, n.dd, de);
    world_close(w);
}

/* Record the ctx a handler got, in the world the value points at (so a
 * wrong ctx is recorded, not dereferenced). */
static pawl_value record_ctx(void *ctx, pawl_value v)
{
    assert_int_equal(v.kind, PAWL_V_PTR);
    world *w = v.u.p;
    assert_true(w->n_seen < sizeof w->seen / sizeof w->seen[0]);
    w->seen[w->n_seen++] = ctx;
    return pawl_undefined();
}

/* 2.2.5: handlers must be called as functions, with no `this`.  C has no
 * `this`: the nearest thing is the ctx pointer, and the requirement
 * becomes "the handler gets exactly the ctx given to the then that
 * registered it" -- not another registration's, not the promise, and NULL
 * stays NULL. */
static void aplus_2_2_5_handler_gets_exactly_its_ctx(void **state)
{
    (void)state;
    world *w = world_open();
    char tokens[3];
    pawl_promise *p = fulfilled(w, pawl_ptr(w));
    pawl_promise *r = rejected(w, pawl_ptr(w));
    pawl_promise *d[4];
    assert_int_equal(pawl_promise_then(p, record_ctx, record_ctx, &tokens[0], &d[0]), 0);
    assert_int_equal(pawl_promise_then(p, record_ctx, record_ctx, &tokens[1], &d[1]), 0);
    assert_int_equal(pawl_promise_then(p, record_ctx, NULL, NULL, &d[2]), 0);
    assert_int_equal(pawl_promise_then(r, record_ctx, record_ctx, &tokens[2], &d[3]), 0);
    run(w);
    assert_int_equal(w->n_seen, 4);
    assert_ptr_equal(w->seen[0], &tokens[0]);
    assert_ptr_equal(w->seen[1], &tokens[1]);
    assert_null(w->seen[2]);
    assert_ptr_equal(w->seen[3], &tokens[2]);
    RELEASE(p, r, d[0], d[1], d[2], d[3]);
    world_close(w);
}

/* Inside handler a of 2.2.6: one more then on the same promise. */
typedef struct late_then {
    pawl_promise *p;
    probe *pr;
    pawl_promise *derived;
} late_then;

static void register_late(probe *pr)
{
    late_then *l = pr->also_arg;
    l->derived = then_(l->p, OK | ERR, l->pr);
}

/* 2.2.6.1: the on_fulfilled handlers of one promise run in the order of
 * their thens: those registered while pending, then those registered
 * after the fulfilment (before the loop ran, and from inside a handler).
 * A then with only on_rejected in between does not disturb the order. */
static void aplus_2_2_6_1_fulfilled_handlers_in_registration_order(void **state)
{
    (void)state;
    world *w = world_open();
    probe a = probe_make(w, "a", RET_UNDEFINED);
    probe x = probe_make(w, "x", RET_UNDEFINED);
    probe b = probe_make(w, "b", RET_UNDEFINED);
    probe c = probe_make(w, "c", RET_UNDEFINED);
    probe d = probe_make(w, "d", RET_UNDEFINED);
    probe e = probe_make(w, "e", RET_UNDEFINED);
    pawl_promise *p = pending(w);
    late_then l = {.p = p, .pr = &e, .derived = NULL};
    a.also = register_late;
    a.also_arg = &l;
    pawl_promise *da = then_(p, OK | ERR, &a);
    pawl_promise *dx = then_(p, ERR, &x);
    pawl_promise *db = then_(p, OK, &b);
    pawl_promise *dc = then_(p, OK | ERR, &c);
    assert_int_equal(pawl_promise_resolve(p, pawl_int(1)), 0);
    pawl_promise *dd = then_(p, OK | ERR, &d);
    run(w);
    assert_string_equal(w->log, "a=1 b=1 c=1 d=1 e=1");
    RELEASE(p, da, dx, db, dc, dd, l.derived);
    world_close(w);
}

/* 2.2.6.2: the on_rejected handlers of one promise run in the order of
 * their thens. */
static void aplus_2_2_6_2_rejected_handlers_in_registration_order(void **state)
{
    (void)state;
    world *w = world_open();
    probe a = probe_make(w, "a", RET_UNDEFINED);
    probe x = probe_make(w, "x", RET_UNDEFINED);
    probe b = probe_make(w, "b", RET_UNDEFINED);
    probe c = probe_make(w, "c", RET_UNDEFINED);
    probe d = probe_make(w, "d", RET_UNDEFINED);
    probe e = probe_make(w, "e", RET_UNDEFINED);
    pawl_promise *p = pending(w);
    late_then l = {.p = p, .pr = &e, .derived = NULL};
    a.also = register_late;
    a.also_arg = &l;
    pawl_promise *da = then_(p, OK | ERR, &a);
    pawl_promise *dx = then_(p, OK, &x);
    pawl_promise *db = then_(p, ERR, &b);
    pawl_promise *dc = then_(p, OK | ERR, &c);
    assert_int_equal(pawl_promise_reject(p, pawl_error(PAWL_ECANCELED, NULL)), 0);
    pawl_promise *dd = then_(p, OK | ERR, &d);
    run(w);
    assert_string_equal(w->log, "a!ECANCELED b!ECANCELED c!ECANCELED d!ECANCELED e!ECANCELED");
    RELEASE(p, da, dx, db, dc, dd, l.derived);
    world_close(w);
}

/* 2.2.7: then returns a promise: a new one, distinct from its source and
 * from every other then's, and pending when then returns even if the
 * source was settled (its handler has not run yet). */
static void aplus_2_2_7_then_returns_a_promise(void **state)
{
    (void)state;
    world *w = world_open();
    probe a = probe_make(w, "a", RET_UNDEFINED);
    pawl_promise *p = pending(w);
    pawl_promise *f = fulfilled(w, pawl_int(1));
    pawl_promise *r = rejected(w, pawl_error(PAWL_ECANCELED, NULL));
    pawl_promise *d1 = then_(p, OK | ERR, &a);
    pawl_promise *d2 = then_(p, OK | ERR, &a);
    pawl_promise *d3 = then_(f, OK | ERR, &a);
    pawl_promise *d4 = then_(r, OK | ERR, &a);
    assert_ptr_not_equal(d1, p);
    assert_ptr_not_equal(d2, p);
    assert_ptr_not_equal(d1, d2);
    assert_ptr_not_equal(d3, f);
    assert_ptr_not_equal(d4, r);
    expect_pending(d1);
    expect_pending(d2);
    expect_pending(d3);
    expect_pending(d4);
    run(w);
    assert_string_equal(w->log, "a=1 a!ECANCELED");
    expect_pending(d1);
    expect_fulfilled_undefined(d3);
    expect_fulfilled_undefined(d4);
    RELEASE(p, f, r, d1, d2, d3, d4);
    world_close(w);
}

/* 2.2.7.1: a handler that returns a value x resolves the derived promise
 * with x: from on_fulfilled, from on_rejected (recovery), and when x is a
 * promise the derived one follows it (the resolution procedure). */
static void aplus_2_2_7_1_handler_value_resolves_derived(void **state)
{
    (void)state;
    world *w = world_open();
    probe a = probe_make(w, "a", RET_VALUE);
    a.ret = pawl_int(10);
    probe b = probe_make(w, "b", RET_VALUE);
    b.ret = pawl_int(20);
    probe c = probe_make(w, "c", RET_PROMISE);
    pawl_promise *f = fulfilled(w, pawl_int(1));
    pawl_promise *r = rejected(w, pawl_error(PAWL_ECANCELED, NULL));
    pawl_promise *later = pending(w);
    c.adopt = later;
    assert_int_equal(pawl_promise_retain(later), 0); /* c's, moved out by c */
    pawl_promise *d1 = then_(f, OK | ERR, &a);
    pawl_promise *d2 = then_(r, OK | ERR, &b);
    pawl_promise *d3 = then_(f, OK | ERR, &c);
    run(w);
    assert_string_equal(w->log, "a=1 b!ECANCELED c=1");
    expect_fulfilled_int(d1, 10);
    expect_fulfilled_int(d2, 20);
    expect_pending(d3);
    assert_int_equal(pawl_promise_resolve(later, pawl_int(30)), 0);
    run(w);
    expect_fulfilled_int(d3, 30);
    RELEASE(f, r, later, d1, d2, d3);
    world_close(w);
}

/* 2.2.7.2: a handler that throws e rejects the derived promise with e,
 * from on_fulfilled and from on_rejected. */
static void aplus_2_2_7_2_handler_throw_rejects_derived(void **state)
{
    (void)state;
    world *w = world_open();
    pawl_obj *thrown = counted_new(w);
    probe a = probe_make(w, "a", RET_THROW);
    a.ret = pawl_error(PAWL_ETIMEDOUT, "from a");
    probe b = probe_make(w, "b", RET_THROW);
    b.ret = pawl_obj_value(thrown);
    pawl_promise *f = fulfilled(w, pawl_int(1));
    pawl_promise *r = rejected(w, pawl_error(PAWL_ECANCELED, NULL));
    pawl_promise *d1 = then_(f, OK | ERR, &a);
    pawl_promise *d2 = then_(r, OK | ERR, &b);
    run(w);
    assert_string_equal(w->log, "a=1 b!ECANCELED");
    expect_rejected_error(d1, PAWL_ETIMEDOUT);
    expect_rejected_obj(d2, thrown);
    assert_int_equal(w->frees, 0);
    RELEASE(f, r, d1, d2);
    assert_int_equal(w->frees, 1);
    world_close(w);
}

/* 2.2.7.3: with no on_fulfilled, the derived promise is fulfilled with the
 * same value -- along a chain of such thens, the very same object. */
static void aplus_2_2_7_3_absent_on_fulfilled_passes_value_through(void **state)
{
    (void)state;
    world *w = world_open();
    probe a = probe_make(w, "a", RET_UNDEFINED);
    pawl_obj *o = counted_new(w);
    pawl_promise *p = pending(w);
    pawl_promise *d1 = then_(p, ERR, &a);
    pawl_promise *d2 = NULL;
    assert_int_equal(pawl_promise_then(d1, NULL, NULL, NULL, &d2), 0);
    pawl_promise *d3 = then_(d2, ERR, &a);
    assert_int_equal(pawl_promise_resolve(p, pawl_obj_value(o)), 0);
    run(w);
    assert_string_equal(w->log, "");
    expect_fulfilled_obj(d1, o);
    expect_fulfilled_obj(d2, o);
    expect_fulfilled_obj(d3, o);
    RELEASE(p, d1, d2, d3);
    assert_int_equal(w->frees, 1);
    world_close(w);
}

/* 2.2.7.4: with no on_rejected, the derived promise is rejected with the
 * same reason. */
static void aplus_2_2_7_4_absent_on_rejected_passes_reason_through(void **state)
{
    (void)state;
    world *w = world_open();
    probe a = probe_make(w, "a", RET_UNDEFINED);
    pawl_obj *o = counted_new(w);
    pawl_promise *p = pending(w);
    pawl_promise *d1 = then_(p, OK, &a);
    pawl_promise *d2 = NULL;
    assert_int_equal(pawl_promise_then(d1, NULL, NULL, NULL, &d2), 0);
    pawl_promise *d3 = then_(d2, OK, &a);
    assert_int_equal(pawl_promise_reject(p, pawl_obj_value(o)), 0);
    run(w);
    assert_string_equal(w->log, "");
    expect_rejected_obj(d1, o);
    expect_rejected_obj(d2, o);
    expect_rejected_obj(d3, o);
    RELEASE(p, d1, d2, d3);
    assert_int_equal(w->frees, 1);
    world_close(w);
}

/* ==== 2.3 The promise resolution procedure ================================== */

/* 2.3.1: resolving a promise with itself rejects it with a type error
 * (PAWL_ETYPE), by resolve and by a handler returning its own derived
 * promise. */
static void aplus_2_3_1_resolve_with_itself_rejects_with_type_error(void **state)
{
    (void)state;
    world *w = world_open();
    probe x = probe_make(w, "x", RET_UNDEFINED);
    pawl_promise *p = pending(w);
    pawl_promise *dx = then_(p, OK | ERR, &x);
    assert_int_equal(pawl_promise_resolve(p, promise_ref(p)), PAWL_ETYPE);
    expect_rejected_error(p, PAWL_ETYPE);
    assert_int_equal(pawl_promise_resolve(p, pawl_int(1)), PAWL_EALREADY);

    /* then(() => derived): the handler returns the promise it resolves. */
    probe c = probe_make(w, "c", RET_PROMISE);
    probe y = probe_make(w, "y", RET_UNDEFINED);
    pawl_promise *f = fulfilled(w, pawl_int(1));
    pawl_promise *d = then_(f, OK | ERR, &c);
    c.adopt = d;
    assert_int_equal(pawl_promise_retain(d), 0); /* c's, moved out by c */
    pawl_promise *dy = then_(d, OK | ERR, &y);
    run(w);
    assert_string_equal(w->log, "x!ETYPE c=1 y!ETYPE");
    expect_rejected_error(d, PAWL_ETYPE);
    RELEASE(p, dx, f, d, dy);
    world_close(w);
}

/* 2.3.2.1: a promise that adopts a pending promise stays pending (and
 * cannot be settled by anything else) until that one settles. */
static void aplus_2_3_2_1_adopts_pending_stays_pending(void **state)
{
    (void)state;
    world *w = world_open();
    probe a = probe_make(w, "a", RET_UNDEFINED);
    probe c = probe_make(w, "c", RET_PROMISE);
    probe b = probe_make(w, "b", RET_UNDEFINED);
    pawl_promise *q = pending(w);
    pawl_promise *p = pending(w);
    pawl_promise *da = then_(p, OK | ERR, &a);
    assert_int_equal(pawl_promise_resolve(p, promise_ref(q)), 0);
    /* The same through a handler returning q. */
    pawl_promise *f = fulfilled(w, pawl_int(1));
    c.adopt = q;
    assert_int_equal(pawl_promise_retain(q), 0);
    pawl_promise *dc = then_(f, OK | ERR, &c);
    pawl_promise *db = then_(dc, OK | ERR, &b);

    run(w);
    assert_int_equal(pawl_vclock_advance(&w->v.vc, 1000000000u), 0);
    run(w);
    expect_pending(p);
    expect_pending(dc);
    assert_string_equal(w->log, "c=1");
    assert_int_equal(pawl_promise_resolve(p, pawl_int(5)), PAWL_EALREADY);
    assert_int_equal(pawl_promise_reject(p, pawl_error(PAWL_ECANCELED, NULL)), PAWL_EALREADY);
    run(w);
    expect_pending(p);
    assert_string_equal(w->log, "c=1");

    /* Until q settles. */
    assert_int_equal(pawl_promise_resolve(q, pawl_int(6)), 0);
    run(w);
    assert_string_equal(w->log, "c=1 a=6 b=6");
    expect_fulfilled_int(p, 6);
    RELEASE(q, p, da, f, dc, db);
    world_close(w);
}

/* 2.3.2.2: when the adopted promise is fulfilled, the adopting one is
 * fulfilled with the same value: adopting a pending promise, an already
 * fulfilled one, and one returned by a handler. */
static void aplus_2_3_2_2_adopts_fulfilment_with_same_value(void **state)
{
    (void)state;
    world *w = world_open();
    probe a = probe_make(w, "a", RET_UNDEFINED);
    probe b = probe_make(w, "b", RET_UNDEFINED);
    probe c = probe_make(w, "c", RET_PROMISE);
    pawl_obj *o = counted_new(w);

    pawl_promise *q = pending(w);
    pawl_promise *p = pending(w);
    pawl_promise *da = then_(p, OK | ERR, &a);
    assert_int_equal(pawl_promise_resolve(p, promise_ref(q)), 0);

    pawl_promise *done = fulfilled(w, pawl_int(9));
    pawl_promise *p2 = pending(w);
    pawl_promise *db = then_(p2, OK | ERR, &b);
    assert_int_equal(pawl_promise_resolve(p2, promise_ref(done)), 0);

    pawl_promise *f = fulfilled(w, pawl_int(1));
    c.adopt = q;
    assert_int_equal(pawl_promise_retain(q), 0);
    pawl_promise *dc = then_(f, OK | ERR, &c);

    run(w);
    assert_string_equal(w->log, "c=1 b=9");
    expect_fulfilled_int(p2, 9);
    assert_int_equal(pawl_promise_resolve(q, pawl_obj_value(o)), 0);
    run(w);
    assert_string_equal(w->log, "c=1 b=9 a=obj");
    assert_ptr_equal(a.got.u.obj, o);
    expect_fulfilled_obj(p, o);
    expect_fulfilled_obj(dc, o);
    RELEASE(q, p, da, done, p2, db, f, dc);
    assert_int_equal(w->frees, 1);
    world_close(w);
}

/* 2.3.2.3: when the adopted promise is rejected, the adopting one is
 * rejected with the same reason. */
static void aplus_2_3_2_3_adopts_rejection_with_same_reason(void **state)
{
    (void)state;
    world *w = world_open();
    probe a = probe_make(w, "a", RET_UNDEFINED);
    probe b = probe_make(w, "b", RET_UNDEFINED);
    probe c = probe_make(w, "c", RET_PROMISE);
    pawl_obj *o = counted_new(w);

    pawl_promise *q = pending(w);
    pawl_promise *p = pending(w);
    pawl_promise *da = then_(p, OK | ERR, &a);
    assert_int_equal(pawl_promise_resolve(p, promise_ref(q)), 0);

    pawl_promise *done = rejected(w, pawl_error(PAWL_ETIMEDOUT, NULL));
    pawl_promise *p2 = pending(w);
    pawl_promise *db = then_(p2, OK | ERR, &b);
    assert_int_equal(pawl_promise_resolve(p2, promise_ref(done)), 0);

    pawl_promise *f = fulfilled(w, pawl_int(1));
    c.adopt = q;
    assert_int_equal(pawl_promise_retain(q), 0);
    pawl_promise *dc = then_(f, OK | ERR, &c);
    probe y = probe_make(w, "y", RET_UNDEFINED);
    pawl_promise *dy = then_(dc, ERR, &y);

    run(w);
    assert_string_equal(w->log, "c=1 b!ETIMEDOUT");
    expect_rejected_error(p2, PAWL_ETIMEDOUT);
    assert_int_equal(pawl_promise_reject(q, pawl_obj_value(o)), 0);
    run(w);
    assert_string_equal(w->log, "c=1 b!ETIMEDOUT a!obj y!obj");
    assert_ptr_equal(a.got.u.obj, o);
    assert_ptr_equal(y.got.u.obj, o);
    expect_rejected_obj(p, o);
    expect_rejected_obj(dc, o);
    RELEASE(q, p, da, done, p2, db, f, dc, dy);
    assert_int_equal(w->frees, 1);
    world_close(w);
}

/* An object shaped like a JavaScript thenable: a `then` member. */
typedef struct thenable {
    pawl_obj obj;
    void (*then)(struct thenable *self);
    int then_calls;
} thenable;

static void thenable_then(thenable *self)
{
    self->then_calls++;
}

/* 2.3.3 does not apply (see the top of the file): an object with a `then`
 * member is a plain value.  The promise is fulfilled with it at once, and
 * its `then` is never looked at. */
static void aplus_2_3_3_not_applicable_object_with_then_member_is_plain_value(void **state)
{
    (void)state;
    world *w = world_open();
    thenable t = {.then = thenable_then, .then_calls = 0};
    assert_int_equal(pawl_obj_init(&t.obj, NULL), 0); /* static: nothing to free */
    probe a = probe_make(w, "a", RET_UNDEFINED);
    pawl_promise *p = pending(w);
    pawl_promise *d = then_(p, OK | ERR, &a);
    assert_int_equal(pawl_promise_resolve(p, pawl_obj_value(&t.obj)), 0);
    expect_fulfilled_obj(p, &t.obj);
    run(w);
    assert_string_equal(w->log, "a=obj");
    assert_ptr_equal(a.got.u.obj, &t.obj);
    assert_int_equal(t.then_calls, 0);
    RELEASE(p, d);
    world_close(w);
}

/* 2.3.4: any value that is not a promise fulfils the promise with itself,
 * whatever its kind -- an error value too: it is a value, not a
 * rejection. */
static void aplus_2_3_4_non_promise_value_fulfils(void **state)
{
    (void)state;
    world *w = world_open();
    int target = 0;
    pawl_obj *o = counted_new(w);
    pawl_value in[] = {
        pawl_undefined(),
        pawl_int(-7),
        pawl_double(2.5),
        pawl_ptr(&target),
        pawl_error(PAWL_ECANCELED, "a value"),
        pawl_obj_value(o),
    };
    for (size_t i = 0; i < sizeof in / sizeof in[0]; i++) {
        pawl_promise *p = pending(w);
        assert_int_equal(pawl_promise_resolve(p, in[i]), 0);
        assert_int_equal(pawl_promise_state_of(p), PAWL_PROMISE_FULFILLED);
        pawl_value v;
        assert_int_equal(pawl_promise_result(p, &v), 0);
        assert_int_equal(v.kind, in[i].kind);
        assert_int_equal(v.code, in[i].code);
        assert_memory_equal(&v.u, &in[i].u, sizeof v.u);
        pawl_value_drop(&v);
        pawl_promise_release(p);
    }
    assert_int_equal(w->frees, 1);
    world_close(w);
}

/* ==== values ================================================================= */

/* An object's free function runs exactly once, when the last holder lets
 * go: several derived promises passing it through, a handler that passes
 * it on, and a handler that keeps a reference and drops it later.  Never
 * before. */
static void value_obj_freed_once_after_the_last_holder(void **state)
{
    (void)state;
    world *w = world_open();
    pawl_obj *o = counted_new(w);
    probe look = probe_make(w, "look", RET_UNDEFINED); /* borrows only */
    probe echo = probe_make(w, "echo", RET_ECHO);
    probe keep = probe_make(w, "keep", RET_KEEP);
    pawl_promise *p = pending(w);
    pawl_promise *d1 = NULL, *d2 = NULL;
    assert_int_equal(pawl_promise_then(p, NULL, NULL, NULL, &d1), 0);
    assert_int_equal(pawl_promise_then(d1, NULL, NULL, NULL, &d2), 0);
    pawl_promise *d3 = then_(d2, OK | ERR, &look);
    pawl_promise *d4 = then_(d2, OK | ERR, &echo);
    pawl_promise *d5 = then_(d4, OK | ERR, &keep);
    assert_int_equal(pawl_promise_resolve(p, pawl_obj_value(o)), 0);
    run(w);
    assert_string_equal(w->log, "look=obj echo=obj keep=obj");
    assert_int_equal(keep.kept.kind, PAWL_V_OBJ);
    assert_ptr_equal(keep.kept.u.obj, o);
    expect_fulfilled_obj(d4, o);
    expect_fulfilled_undefined(d5);

    pawl_promise *order[] = {p, d1, d2, d3, d4, d5};
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
        pawl_promise_release(order[i]);
        run(w);
        assert_int_equal(w->frees, 0);
    }
    pawl_value_drop(&keep.kept);
    assert_int_equal(keep.kept.kind, PAWL_V_UNDEFINED);
    assert_int_equal(w->frees, 1);
    world_close(w);
}

/* The same for a reason: rejected, passed through, re-thrown by a handler
 * (pawl_throw(pawl_value_dup(v))), freed once with the last promise. */
typedef struct rethrow {
    int calls;
} rethrow;

static pawl_value rethrow_dup(void *ctx, pawl_value v)
{
    rethrow *r = ctx;
    r->calls++;
    return pawl_throw(pawl_value_dup(v));
}

static void value_obj_reason_freed_once_after_the_last_holder(void **state)
{
    (void)state;
    world *w = world_open();
    pawl_obj *o = counted_new(w);
    rethrow rt = {0};
    pawl_promise *p = pending(w);
    pawl_promise *d1 = NULL, *d2 = NULL, *d3 = NULL;
    assert_int_equal(pawl_promise_then(p, NULL, NULL, NULL, &d1), 0);
    assert_int_equal(pawl_promise_catch(d1, rethrow_dup, &rt, &d2), 0);
    assert_int_equal(pawl_promise_then(d2, NULL, NULL, NULL, &d3), 0);
    assert_int_equal(pawl_promise_reject(p, pawl_obj_value(o)), 0);
    run(w);
    assert_int_equal(rt.calls, 1);
    expect_rejected_obj(d3, o);
    /* Release in an order where the source goes last. */
    pawl_promise *order[] = {d3, d1, d2};
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
        pawl_promise_release(order[i]);
        run(w);
        assert_int_equal(w->frees, 0);
    }
    pawl_promise_release(p);
    assert_int_equal(w->frees, 1);
    world_close(w);
}

/* A value moved into resolve / reject is pawl's even when the call fails:
 * an object refused with PAWL_EALREADY or PAWL_EINVAL is freed at once,
 * once. */
static void value_obj_moved_in_is_freed_once_when_settle_fails(void **state)
{
    (void)state;
    world *w = world_open();
    pawl_promise *p = fulfilled(w, pawl_int(1));
    assert_int_equal(pawl_promise_resolve(p, pawl_obj_value(counted_new(w))), PAWL_EALREADY);
    assert_int_equal(w->frees, 1);
    assert_int_equal(pawl_promise_reject(p, pawl_obj_value(counted_new(w))), PAWL_EALREADY);
    assert_int_equal(w->frees, 2);
    assert_int_equal(pawl_promise_resolve(NULL, pawl_obj_value(counted_new(w))), PAWL_EINVAL);
    assert_int_equal(w->frees, 3);
    assert_int_equal(pawl_promise_reject(NULL, pawl_obj_value(counted_new(w))), PAWL_EINVAL);
    assert_int_equal(w->frees, 4);
    expect_fulfilled_int(p, 1);
    pawl_promise_release(p);
    assert_int_equal(w->frees, 4);
    world_close(w);
}

/* A value nobody looked at goes with its promise: not before the last
 * reference, and exactly once. */
static void value_obj_unobserved_is_freed_with_its_promise(void **state)
{
    (void)state;
    world *w = world_open();
    pawl_obj *o = counted_new(w);
    pawl_promise *p = fulfilled(w, pawl_obj_value(o));
    assert_int_equal(pawl_promise_retain(p), 0);
    run(w);
    pawl_promise_release(p);
    assert_int_equal(w->frees, 0);
    pawl_promise_release(p);
    assert_int_equal(w->frees, 1);
    world_close(w);
}

int main(void)
{
#define T(name) cmocka_unit_test(name)
    const struct CMUnitTest tests[] = {
        T(aplus_2_1_1_1_pending_may_transition_to_fulfilled),
        T(aplus_2_1_1_1_pending_may_transition_to_rejected),
        T(aplus_2_1_2_1_fulfilled_must_not_transition),
        T(aplus_2_1_2_2_fulfilled_value_must_not_change),
        T(aplus_2_1_3_1_rejected_must_not_transition),
        T(aplus_2_1_3_2_rejected_reason_must_not_change),
        T(aplus_2_2_1_1_null_on_fulfilled_is_ignored),
        T(aplus_2_2_1_2_null_on_rejected_is_ignored),
        T(aplus_2_2_2_1_on_fulfilled_called_after_fulfilled_with_value),
        T(aplus_2_2_2_2_on_fulfilled_not_called_before_fulfilled),
        T(aplus_2_2_2_3_on_fulfilled_not_called_more_than_once),
        T(aplus_2_2_3_1_on_rejected_called_after_rejected_with_reason),
        T(aplus_2_2_3_2_on_rejected_not_called_before_rejected),
        T(aplus_2_2_3_3_on_rejected_not_called_more_than_once),
        T(aplus_2_2_4_handlers_not_called_until_stack_clears),
        T(aplus_2_2_5_handler_gets_exactly_its_ctx),
        T(aplus_2_2_6_1_fulfilled_handlers_in_registration_order),
        T(aplus_2_2_6_2_rejected_handlers_in_registration_order),
        T(aplus_2_2_7_then_returns_a_promise),
        T(aplus_2_2_7_1_handler_value_resolves_derived),
        T(aplus_2_2_7_2_handler_throw_rejects_derived),
        T(aplus_2_2_7_3_absent_on_fulfilled_passes_value_through),
        T(aplus_2_2_7_4_absent_on_rejected_passes_reason_through),
        T(aplus_2_3_1_resolve_with_itself_rejects_with_type_error),
        T(aplus_2_3_2_1_adopts_pending_stays_pending),
        T(aplus_2_3_2_2_adopts_fulfilment_with_same_value),
        T(aplus_2_3_2_3_adopts_rejection_with_same_reason),
        T(aplus_2_3_3_not_applicable_object_with_then_member_is_plain_value),
        T(aplus_2_3_4_non_promise_value_fulfils),
        T(value_obj_freed_once_after_the_last_holder),
        T(value_obj_reason_freed_once_after_the_last_holder),
        T(value_obj_moved_in_is_freed_once_when_settle_fails),
        T(value_obj_unobserved_is_freed_with_its_promise),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
