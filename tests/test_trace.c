/*
 * tests/test_trace.c -- tracing (pawl/trace.h): the events of small
 * scenarios in their exact order, with exact virtual times and origins;
 * the ring's overwrite and dropped count; the hook; the dump format,
 * read back field by field; the task list.
 *
 * Built against pawl_trace_static, the library compiled with PAWL_TRACE
 * (tests/CMakeLists.txt), whatever this build's own setting.  That the
 * library built without it has no trace symbol is the ctest
 * trace_absent_when_off; that its API is then stubs, and a task four
 * words, is this file built without PAWL_TRACE (test_trace_off, at the
 * top).
 */
#define _POSIX_C_SOURCE 200809L /* pipe */

#include <errno.h>
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "pawl/pawl.h"
#include "support.h"

/* A writer for calls that must not write (stubs, bad arguments). */
static int no_write(void *ctx, const void *data, size_t len)
{
    (void)ctx;
    (void)data;
    (void)len;
    fail_msg("nothing should be written");
    return 0;
}

#if !defined(PAWL_TRACE)
/*
 * Built without PAWL_TRACE (test_trace_off, against the build's own
 * library): the API is there as stubs that do nothing, and a task is
 * still four words.
 */
static void trace_off_stubs_do_nothing(void **state)
{
    (void)state;
    vloop v;
    vloop_open(&v, 0, (pawl_loop_opts){0});
    pawl_trace_event ring[4], e;
    assert_int_equal(pawl_trace_start(&v.loop, ring, 4), PAWL_ENOSYS);
    assert_int_equal(pawl_trace_stop(&v.loop), PAWL_ENOSYS);
    assert_int_equal(pawl_trace_set_hook(&v.loop, NULL, NULL), PAWL_ENOSYS);
    assert_int_equal(pawl_trace_count(&v.loop), 0);
    assert_int_equal(pawl_trace_dropped(&v.loop), 0);
    assert_int_equal(pawl_trace_recorded(&v.loop), 0);
    assert_int_equal(pawl_trace_get(&v.loop, 0, &e), PAWL_ENOSYS);
    assert_int_equal(pawl_trace_write(&v.loop, no_write, NULL), PAWL_ENOSYS);
    assert_int_equal(pawl_trace_write_header(&v.loop, no_write, NULL), PAWL_ENOSYS);
    assert_int_equal(pawl_trace_write_event(&e, no_write, NULL), PAWL_ENOSYS);
    assert_int_equal(pawl_loop_dump(&v.loop, no_write, NULL), PAWL_ENOSYS);
    assert_int_equal(pawl_loop_dump(&v.loop, pawl_trace_fd_writer, (void *)2), PAWL_ENOSYS);
    assert_string_equal(pawl_trace_kind_name(PAWL_TRACE_TASK_SPAWN), "unknown");
    pawl_task t;
    assert_int_equal(pawl_task_init(&t, NULL), PAWL_EINVAL);
    PAWL_TRACE_NAME(&t, "nothing");
    vloop_close(&v);
}

_Static_assert(sizeof(pawl_task) == 4 * sizeof(void *), "a task is four words without tracing");

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(trace_off_stubs_do_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

#else /* PAWL_TRACE: the suite */

#define MS 1000000u /* ns */

/* ---- checking events ------------------------------------------------------ */

/* What an event should be; `value` is checked unless ANY. */
typedef struct want {
    unsigned kind;
    const void *id;
    uint64_t time_ns;
    unsigned origin_kind;
    const void *origin;
    uint64_t value;
    unsigned flags;
} want;

#define ANY UINT64_MAX

static void print_event(const char *tag, size_t i, const pawl_trace_event *e)
{
    print_message("%s %2zu: %-16s id %p at %" PRIu64 " ns, from %s %p, value %" PRIu64
                  ", flags %u\n",
                  tag, i, pawl_trace_kind_name(e->kind), e->id, e->time_ns,
                  pawl_trace_origin_name(e->origin_kind), e->origin, e->value, e->flags);
}

/* The loop's ring holds exactly `n` events, equal to `w`. */
static void check_events(const pawl_loop *loop, const want *w, size_t n)
{
    size_t got = pawl_trace_count(loop);
    bool ok = got == n;
    for (size_t i = 0; ok && i < n; i++) {
        pawl_trace_event e;
        assert_int_equal(pawl_trace_get(loop, i, &e), 0);
        ok = e.kind == w[i].kind && e.id == w[i].id && e.time_ns == w[i].time_ns &&
             e.origin_kind == w[i].origin_kind && e.origin == w[i].origin &&
             (w[i].value == ANY || e.value == w[i].value) && e.flags == w[i].flags;
    }
    if (ok)
        return;
    for (size_t i = 0; i < got; i++) {
        pawl_trace_event e;
        assert_int_equal(pawl_trace_get(loop, i, &e), 0);
        print_event("got ", i, &e);
    }
    for (size_t i = 0; i < n; i++) {
        pawl_trace_event e = {.kind = (uint8_t)w[i].kind,
                              .id = w[i].id,
                              .time_ns = w[i].time_ns,
                              .origin_kind = (uint8_t)w[i].origin_kind,
                              .origin = w[i].origin,
                              .value = w[i].value,
                              .flags = (uint8_t)w[i].flags};
        print_event("want", i, &e);
    }
    fail_msg("the trace differs (%zu events, %zu wanted)", got, n);
}

/* ---- tasks ------------------------------------------------------------------ */

/* Sleeps `ms`, then finishes. */
typedef struct sleeper {
    pawl_task task;
    pawl_sleep sleep;
    uint32_t ms;
    int line; /* of the await */
} sleeper;

static pawl_poll sleeper_poll(pawl_task *t, pawl_cx *cx)
{
    sleeper *s = PAWL_CONTAINER_OF(t, sleeper, task);
    int rc;
    PAWL_BEGIN(cx);
    s->line = __LINE__; PAWL_AWAIT(cx, rc, pawl_sleep_ms(&s->sleep, cx, s->ms));
    (void)rc;
    PAWL_END(cx);
}

/* Spawns a sleeper and joins it. */
typedef struct parent {
    pawl_task task;
    sleeper child;
    int line; /* of the join */
    int rc;
} parent;

static pawl_poll parent_poll(pawl_task *t, pawl_cx *cx)
{
    parent *p = PAWL_CONTAINER_OF(t, parent, task);
    PAWL_BEGIN(cx);
    p->child.ms = 10;
    pawl_task_init(&p->child.task, sleeper_poll);
    PAWL_TRACE_NAME(&p->child.task, "child");
    pawl_task_spawn(cx->loop, &p->child.task);
    p->line = __LINE__; PAWL_AWAIT(cx, p->rc, pawl_task_join(&p->child.task, cx));
    PAWL_END(cx);
}

/* Spawn `p` on `loop`, named `name` unless that is NULL, and run the loop
 * until the parent has joined its child. */
static void spawn_parent_and_run(pawl_loop *loop, parent *p, const char *name)
{
    assert_int_equal(pawl_task_init(&p->task, parent_poll), 0);
    if (name != NULL)
        PAWL_TRACE_NAME(&p->task, name);
    assert_int_equal(pawl_task_spawn(loop, &p->task), 0);
    assert_int_equal(pawl_loop_run(loop, PAWL_RUN_DEFAULT), 0);
}

/* ---- the order of events ---------------------------------------------------- */

/* A parent spawns a child, which sleeps 10 ms; the parent joins it.  Every
 * event, in order, at its virtual time, with who caused it. */
static void trace_spawn_poll_timer_wake_finish_in_order(void **state)
{
    (void)state;
    vloop v;
    vloop_open(&v, 1 * MS, (pawl_loop_opts){0});
    pawl_trace_event ring[64];
    assert_int_equal(pawl_trace_start(&v.loop, ring, 64), 0);

    parent p = {0};
    spawn_parent_and_run(&v.loop, &p, "parent");
    assert_int_equal(p.rc, 0);

    pawl_task *pt = &p.task, *ct = &p.child.task;
    const void *timer = &p.child.sleep.pawl__timer;
    const want w[] = {
        {PAWL_TRACE_TASK_SPAWN, pt, 1 * MS, 0, NULL, (uintptr_t)parent_poll, 0},
        {PAWL_TRACE_LOOP_ITERATION, &v.loop, 1 * MS, 0, NULL, 1, 0},
        {PAWL_TRACE_TASK_POLL, pt, 1 * MS, 0, NULL, 0, 0},
        {PAWL_TRACE_TASK_SPAWN, ct, 1 * MS, PAWL_TRACE_FROM_TASK, pt, (uintptr_t)sleeper_poll, 0},
        {PAWL_TRACE_TASK_PENDING, pt, 1 * MS, PAWL_TRACE_FROM_TASK, pt, (uint64_t)p.line, 0},
        {PAWL_TRACE_TASK_POLL, ct, 1 * MS, 0, NULL, 0, 0},
        {PAWL_TRACE_TIMER_ARMED, timer, 1 * MS, PAWL_TRACE_FROM_TASK, ct, 11, 0},
        {PAWL_TRACE_TASK_PENDING, ct, 1 * MS, PAWL_TRACE_FROM_TASK, ct, (uint64_t)p.child.line, 0},
        {PAWL_TRACE_LOOP_ITERATION, &v.loop, 11 * MS, 0, NULL, 2, 0},
        {PAWL_TRACE_TIMER_FIRED, timer, 11 * MS, 0, NULL, 11, 0},
        {PAWL_TRACE_TASK_WOKEN, ct, 11 * MS, PAWL_TRACE_FROM_TIMER, timer, 0, 0},
        {PAWL_TRACE_TASK_POLL, ct, 11 * MS, 0, NULL, 0, 0},
        {PAWL_TRACE_TASK_FINISHED, ct, 11 * MS, 0, NULL, 0, 0},
        {PAWL_TRACE_TASK_WOKEN, pt, 11 * MS, PAWL_TRACE_FROM_TASK, ct, 0, 0},
        {PAWL_TRACE_TASK_POLL, pt, 11 * MS, 0, NULL, 0, 0},
        {PAWL_TRACE_TASK_FINISHED, pt, 11 * MS, 0, NULL, 0, 0},
    };
    check_events(&v.loop, w, sizeof w / sizeof w[0]);
    assert_int_equal(pawl_trace_dropped(&v.loop), 0);
    assert_int_equal(pawl_trace_recorded(&v.loop), sizeof w / sizeof w[0]);

    /* The strings behind the events: names on spawn and poll, the await's
     * site on pending. */
    pawl_trace_event e;
    assert_int_equal(pawl_trace_get(&v.loop, 0, &e), 0);
    assert_string_equal(e.ref.name, "parent");
    assert_int_equal(pawl_trace_get(&v.loop, 5, &e), 0);
    assert_string_equal(e.ref.name, "child");
    assert_int_equal(pawl_trace_get(&v.loop, 7, &e), 0);
    assert_non_null(e.ref.site);
    assert_string_equal(e.ref.site->file, __FILE__);
    assert_int_equal(e.ref.site->line, p.child.line);
    assert_string_equal(e.ref.site->expr, "pawl_sleep_ms(&s->sleep, cx, s->ms)");

    /* Outside pawl_loop_run nothing is running: a spawn from here has no
     * origin, not the last task the loop polled. */
    assert_int_equal(pawl_task_spawn(&v.loop, &p.child.task), 0);
    assert_int_equal(pawl_trace_get(&v.loop, 16, &e), 0);
    assert_int_equal(e.kind, PAWL_TRACE_TASK_SPAWN);
    assert_int_equal(e.origin_kind, PAWL_TRACE_FROM_NONE);
    assert_null(e.origin);
    assert_int_equal(pawl_loop_run(&v.loop, PAWL_RUN_DEFAULT), 0);
    vloop_close(&v);
}

/* Wakes from the other places a wake can come from: a microtask that
 * settles an awaited promise, a remote delivered by the loop, and a task
 * calling pawl_wake. */
typedef struct promise_waiter {
    pawl_task task;
    pawl_promise *p;
    pawl_value v;
    int rc;
} promise_waiter;

static pawl_poll promise_waiter_poll(pawl_task *t, pawl_cx *cx)
{
    promise_waiter *w = PAWL_CONTAINER_OF(t, promise_waiter, task);
    PAWL_BEGIN(cx);
    PAWL_AWAIT(cx, w->rc, pawl_promise_await(w->p, cx, &w->v));
    PAWL_END(cx);
}

static void resolve_job(void *arg)
{
    pawl_promise_resolve(arg, pawl_int(7));
}

typedef struct remote_waiter {
    pawl_task task;
    pawl_remote *r;
    int rc;
} remote_waiter;

static pawl_poll remote_waiter_poll(pawl_task *t, pawl_cx *cx)
{
    remote_waiter *w = PAWL_CONTAINER_OF(t, remote_waiter, task);
    PAWL_BEGIN(cx);
    PAWL_AWAIT(cx, w->rc, pawl_remote_wait(w->r, cx));
    pawl_remote_close(w->r);
    PAWL_END(cx);
}

static void trace_wake_origins_microtask_promise_remote(void **state)
{
    (void)state;
    vloop v;
    vloop_open(&v, 0, (pawl_loop_opts){0});
    pawl_trace_event ring[64];
    pawl_promise *p;
    assert_int_equal(pawl_promise_new(&v.loop, &p), 0);
    promise_waiter pw = {.p = p};
    assert_int_equal(pawl_task_init(&pw.task, promise_waiter_poll), 0);
    pawl_remote r;
    assert_int_equal(pawl_remote_init(&v.loop, &r, NULL, NULL), 0);
    remote_waiter rw = {.r = &r};
    assert_int_equal(pawl_task_init(&rw.task, remote_waiter_poll), 0);
    assert_int_equal(pawl_task_spawn(&v.loop, &pw.task), 0);
    assert_int_equal(pawl_task_spawn(&v.loop, &rw.task), 0);
    /* First iteration: both tasks wait. */
    assert_int_equal(pawl_loop_run(&v.loop, PAWL_RUN_NOWAIT), 1);

    assert_int_equal(pawl_trace_start(&v.loop, ring, 64), 0);
    pawl_microtask m;
    assert_int_equal(pawl_microtask_init(&m, resolve_job, p), 0);
    assert_int_equal(pawl_microtask_queue(&v.loop, &m), 0);
    assert_int_equal(pawl_wake_remote(&r), 0);
    assert_int_equal(pawl_loop_run(&v.loop, PAWL_RUN_DEFAULT), 0);
    assert_int_equal(pw.rc, 0);
    assert_int_equal(rw.rc, 0);

    const want w[] = {
        {PAWL_TRACE_LOOP_ITERATION, &v.loop, 0, 0, NULL, 2, 0},
        /* Microtasks queued from outside run first: this one settles p,
         * which wakes the task awaiting it. */
        {PAWL_TRACE_MICROTASK_RUN, &m, 0, 0, NULL, (uintptr_t)resolve_job, 0},
        {PAWL_TRACE_PROMISE_SETTLED, p, 0, PAWL_TRACE_FROM_MICROTASK, &m, 1, 0},
        {PAWL_TRACE_TASK_WOKEN, &pw.task, 0, PAWL_TRACE_FROM_MICROTASK, &m, 0, 0},
        {PAWL_TRACE_TASK_POLL, &pw.task, 0, 0, NULL, 0, 0},
        {PAWL_TRACE_TASK_FINISHED, &pw.task, 0, 0, NULL, 0, 0},
        /* The poll phase delivers the ring. */
        {PAWL_TRACE_REMOTE_DELIVERED, &r, 0, 0, NULL, 0, 0},
        {PAWL_TRACE_TASK_WOKEN, &rw.task, 0, PAWL_TRACE_FROM_REMOTE, &r, 0, 0},
        {PAWL_TRACE_LOOP_ITERATION, &v.loop, 0, 0, NULL, 3, 0},
        {PAWL_TRACE_TASK_POLL, &rw.task, 0, 0, NULL, 0, 0},
        {PAWL_TRACE_TASK_FINISHED, &rw.task, 0, 0, NULL, 0, 0},
    };
    check_events(&v.loop, w, sizeof w / sizeof w[0]);
    pawl_value_drop(&pw.v);
    pawl_promise_release(p);
    vloop_close(&v);
}

/* then(): the derived promise is created, registered on its source, and
 * settled by the reaction that runs as a microtask. */
static pawl_value plus_one(void *ctx, pawl_value v)
{
    (void)ctx;
    return pawl_int(v.u.i + 1);
}

static void trace_promise_created_handled_reaction_settled(void **state)
{
    (void)state;
    vloop v;
    vloop_open(&v, 0, (pawl_loop_opts){0});
    pawl_trace_event ring[32];
    assert_int_equal(pawl_trace_start(&v.loop, ring, 32), 0);
    pawl_promise *p, *d;
    assert_int_equal(pawl_promise_new(&v.loop, &p), 0);
    assert_int_equal(pawl_promise_then(p, plus_one, NULL, NULL, &d), 0);
    assert_int_equal(pawl_promise_resolve(p, pawl_int(1)), 0);
    assert_int_equal(pawl_loop_run(&v.loop, PAWL_RUN_DEFAULT), 0);
    pawl_value out;
    assert_int_equal(pawl_promise_result(d, &out), 0);
    assert_int_equal(out.u.i, 2);
    const want w[] = {
        {PAWL_TRACE_PROMISE_CREATED, p, 0, 0, NULL, 0, 0},
        {PAWL_TRACE_PROMISE_CREATED, d, 0, 0, NULL, 0, 0},
        {PAWL_TRACE_PROMISE_HANDLED, p, 0, 0, NULL, (uintptr_t)d, 0},
        {PAWL_TRACE_PROMISE_SETTLED, p, 0, 0, NULL, 1, 0},
        {PAWL_TRACE_LOOP_ITERATION, &v.loop, 0, 0, NULL, 1, 0},
        {PAWL_TRACE_PROMISE_REACTION, p, 0, 0, NULL, (uintptr_t)d, 0},
        {PAWL_TRACE_PROMISE_SETTLED, d, 0, PAWL_TRACE_FROM_PROMISE, p, 1, 0},
    };
    check_events(&v.loop, w, sizeof w / sizeof w[0]);
    pawl_promise_release(p);
    pawl_promise_release(d);
    vloop_close(&v);
}

/* Cancel a sleeping task from another task: the request and its wake come
 * from the canceller; the canceled poll clears the timer and unwinds. */
typedef struct canceller {
    pawl_task task;
    pawl_task *victim;
} canceller;

static pawl_poll canceller_poll(pawl_task *t, pawl_cx *cx)
{
    canceller *c = PAWL_CONTAINER_OF(t, canceller, task);
    PAWL_BEGIN(cx);
    pawl_task_cancel(cx->loop, c->victim);
    PAWL_END(cx);
}

static void trace_cancel_unwinds_and_clears_timer(void **state)
{
    (void)state;
    vloop v;
    vloop_open(&v, 0, (pawl_loop_opts){0});
    sleeper s = {.ms = 50};
    assert_int_equal(pawl_task_init(&s.task, sleeper_poll), 0);
    assert_int_equal(pawl_task_spawn(&v.loop, &s.task), 0);
    assert_int_equal(pawl_loop_run(&v.loop, PAWL_RUN_NOWAIT), 1); /* s sleeps */

    pawl_trace_event ring[32];
    assert_int_equal(pawl_trace_start(&v.loop, ring, 32), 0);
    canceller c = {.victim = &s.task};
    assert_int_equal(pawl_task_init(&c.task, canceller_poll), 0);
    assert_int_equal(pawl_task_spawn(&v.loop, &c.task), 0);
    assert_int_equal(pawl_loop_run(&v.loop, PAWL_RUN_DEFAULT), 0);
    assert_int_equal(pawl_task_get_state(&s.task), PAWL_TASK_DONE);

    const void *timer = &s.sleep.pawl__timer;
    const want w[] = {
        {PAWL_TRACE_TASK_SPAWN, &c.task, 0, 0, NULL, (uintptr_t)canceller_poll, 0},
        {PAWL_TRACE_LOOP_ITERATION, &v.loop, 0, 0, NULL, 2, 0},
        {PAWL_TRACE_TASK_POLL, &c.task, 0, 0, NULL, 0, 0},
        {PAWL_TRACE_TASK_CANCEL, &s.task, 0, PAWL_TRACE_FROM_TASK, &c.task, 0, 0},
        {PAWL_TRACE_TASK_WOKEN, &s.task, 0, PAWL_TRACE_FROM_TASK, &c.task, 0, 0},
        {PAWL_TRACE_TASK_FINISHED, &c.task, 0, 0, NULL, 0, 0},
        {PAWL_TRACE_TASK_POLL, &s.task, 0, 0, NULL, 0, PAWL_TRACE_F_CANCELED},
        {PAWL_TRACE_TIMER_CLEARED, timer, 0, PAWL_TRACE_FROM_TASK, &s.task, 50, 0},
        {PAWL_TRACE_TASK_PENDING, &s.task, 0, PAWL_TRACE_FROM_TASK, &s.task, (uint64_t)s.line,
         PAWL_TRACE_F_UNWIND},
        {PAWL_TRACE_TASK_POLL, &s.task, 0, 0, NULL, 0, 0},
        {PAWL_TRACE_TASK_FINISHED, &s.task, 0, 0, NULL, (uint64_t)(int64_t)PAWL_ECANCELED, 0},
    };
    check_events(&v.loop, w, sizeof w / sizeof w[0]);
    vloop_close(&v);
}

/* A yield is pending and queued again at once; its site is the yield. */
typedef struct yielder {
    pawl_task task;
    int line;
} yielder;

static pawl_poll yielder_poll(pawl_task *t, pawl_cx *cx)
{
    yielder *y = PAWL_CONTAINER_OF(t, yielder, task);
    PAWL_BEGIN(cx);
    y->line = __LINE__; PAWL_YIELD(cx);
    PAWL_END(cx);
}

static void trace_yield_is_pending_requeued(void **state)
{
    (void)state;
    vloop v;
    vloop_open(&v, 0, (pawl_loop_opts){0});
    pawl_trace_event ring[16];
    assert_int_equal(pawl_trace_start(&v.loop, ring, 16), 0);
    yielder y = {0};
    assert_int_equal(pawl_task_init(&y.task, yielder_poll), 0);
    assert_int_equal(pawl_task_spawn(&v.loop, &y.task), 0);
    assert_int_equal(pawl_loop_run(&v.loop, PAWL_RUN_DEFAULT), 0);
    const want w[] = {
        {PAWL_TRACE_TASK_SPAWN, &y.task, 0, 0, NULL, (uintptr_t)yielder_poll, 0},
        {PAWL_TRACE_LOOP_ITERATION, &v.loop, 0, 0, NULL, 1, 0},
        {PAWL_TRACE_TASK_POLL, &y.task, 0, 0, NULL, 0, 0},
        {PAWL_TRACE_TASK_PENDING, &y.task, 0, PAWL_TRACE_FROM_TASK, &y.task, (uint64_t)y.line,
         PAWL_TRACE_F_REQUEUED},
        {PAWL_TRACE_TASK_POLL, &y.task, 0, 0, NULL, 0, 0},
        {PAWL_TRACE_TASK_FINISHED, &y.task, 0, 0, NULL, 0, 0},
    };
    check_events(&v.loop, w, sizeof w / sizeof w[0]);
    pawl_trace_event e;
    assert_int_equal(pawl_trace_get(&v.loop, 3, &e), 0);
    assert_string_equal(e.ref.site->expr, "PAWL_YIELD");
    vloop_close(&v);
}

/* setTimeout: armed, fired (its callback is the origin of what it does),
 * and clearTimeout of another one. */
typedef struct js_state {
    pawl_loop *loop;
    pawl_timer_id other;
    sleeper *s;
} js_state;

static int js_callback(void *arg)
{
    js_state *js = arg;
    pawl_clear_timeout(js->loop, js->other);
    pawl_task_spawn(js->loop, &js->s->task);
    return 0;
}

static int js_never(void *arg)
{
    (void)arg;
    fail_msg("a cleared timeout ran");
    return 0;
}

static void trace_set_timeout_armed_fired_cleared(void **state)
{
    (void)state;
    vloop v;
    vloop_open(&v, 0, (pawl_loop_opts){0});
    pawl_trace_event ring[32];
    assert_int_equal(pawl_trace_start(&v.loop, ring, 32), 0);
    sleeper s = {.ms = 0};
    assert_int_equal(pawl_task_init(&s.task, sleeper_poll), 0);
    js_state js = {.loop = &v.loop, .s = &s};
    pawl_timer_id a = pawl_set_timeout(&v.loop, js_callback, &js, 5);
    assert_true(a > 0);
    js.other = pawl_set_timeout(&v.loop, js_never, NULL, 7);
    assert_true(js.other > 0);
    assert_int_equal(pawl_loop_run(&v.loop, PAWL_RUN_ONCE), 1); /* to 5 ms */
    assert_int_equal(pawl_loop_run(&v.loop, PAWL_RUN_ONCE), 1); /* the timers pass */
    /* The first two events arm the two timers: their ids are their
     * records' addresses, which only the trace knows. */
    pawl_trace_event e0, e1;
    assert_int_equal(pawl_trace_get(&v.loop, 0, &e0), 0);
    assert_int_equal(pawl_trace_get(&v.loop, 1, &e1), 0);
    const want w[] = {
        {PAWL_TRACE_TIMER_ARMED, e0.id, 0, 0, NULL, 5, 0},
        {PAWL_TRACE_TIMER_ARMED, e1.id, 0, 0, NULL, 7, 0},
        {PAWL_TRACE_LOOP_ITERATION, &v.loop, 0, 0, NULL, 1, 0},
        {PAWL_TRACE_LOOP_ITERATION, &v.loop, 5 * MS, 0, NULL, 2, 0},
        {PAWL_TRACE_TIMER_FIRED, e0.id, 5 * MS, 0, NULL, 5, 0},
        {PAWL_TRACE_TIMER_CLEARED, e1.id, 5 * MS, PAWL_TRACE_FROM_TIMER, e0.id, 7, 0},
        {PAWL_TRACE_TASK_SPAWN, &s.task, 5 * MS, PAWL_TRACE_FROM_TIMER, e0.id,
         (uintptr_t)sleeper_poll, 0},
        {PAWL_TRACE_TASK_POLL, &s.task, 5 * MS, 0, NULL, 0, 0},
        {PAWL_TRACE_TIMER_ARMED, &s.sleep.pawl__timer, 5 * MS, PAWL_TRACE_FROM_TASK, &s.task, 5,
         0},
        {PAWL_TRACE_TASK_PENDING, &s.task, 5 * MS, PAWL_TRACE_FROM_TASK, &s.task, (uint64_t)s.line,
         0},
    };
    check_events(&v.loop, w, sizeof w / sizeof w[0]);
    assert_int_equal(pawl_loop_run(&v.loop, PAWL_RUN_DEFAULT), 0);
    vloop_close(&v);
}

/* ---- the ring and the hook --------------------------------------------------- */

typedef struct collected {
    pawl_trace_event ev[256];
    size_t n;
    pawl_loop *loop;
    int nested; /* call into the loop from the hook, once */
    pawl_timer *timer;
} collected;

static void collect(void *ud, pawl_loop *loop, const pawl_trace_event *ev)
{
    collected *c = ud;
    assert_ptr_equal(loop, c->loop);
    assert_true(c->n < sizeof c->ev / sizeof c->ev[0]);
    c->ev[c->n++] = *ev;
    if (c->nested && ev->kind == PAWL_TRACE_TASK_FINISHED) {
        c->nested = 0;
        /* Recorded, not handed to the hook while it runs. */
        assert_int_equal(pawl_timer_start_at(loop, c->timer, 1000), 0);
        /* (unreferenced, the stop takes the traced path: pawl/trace.h) */
        assert_int_equal(pawl_timer_unref(loop, c->timer), 0);
        assert_int_equal(pawl_timer_stop(loop, c->timer), 0);
    }
}

static int timer_unused(pawl_loop *loop, pawl_timer *t)
{
    (void)loop;
    (void)t;
    return PAWL_TIMER_STOP;
}

static void run_parent(vloop *v)
{
    parent p = {0};
    spawn_parent_and_run(&v->loop, &p, NULL);
}

static bool same_event(const pawl_trace_event *a, const pawl_trace_event *b)
{
    return a->time_ns == b->time_ns && a->value == b->value && a->id == b->id &&
           a->origin == b->origin && a->ref.name == b->ref.name && a->kind == b->kind &&
           a->origin_kind == b->origin_kind && a->flags == b->flags;
}

/* A ring of 4 keeps the newest 4 events in order; the rest are dropped
 * and counted.  The hook sees every event once, the dropped ones too. */
static void trace_ring_overwrites_oldest_and_counts_dropped(void **state)
{
    (void)state;
    vloop v;
    vloop_open(&v, 0, (pawl_loop_opts){0});
    collected *all = test_calloc(1, sizeof *all);
    all->loop = &v.loop;
    pawl_trace_event ring[4];
    assert_int_equal(pawl_trace_set_hook(&v.loop, collect, all), 0);
    assert_int_equal(pawl_trace_start(&v.loop, ring, 4), 0);
    run_parent(&v);
    assert_int_equal(all->n, 16); /* the scenario of the first test */
    assert_int_equal(pawl_trace_count(&v.loop), 4);
    assert_int_equal(pawl_trace_recorded(&v.loop), 16);
    assert_int_equal(pawl_trace_dropped(&v.loop), 12);
    for (size_t i = 0; i < 4; i++) {
        pawl_trace_event e;
        assert_int_equal(pawl_trace_get(&v.loop, i, &e), 0);
        assert_true(same_event(&e, &all->ev[12 + i]));
    }
    pawl_trace_event e;
    assert_int_equal(pawl_trace_get(&v.loop, 4, &e), PAWL_ENOENT);

    /* Stopped: the ring keeps what it has, the hook goes on. */
    assert_int_equal(pawl_trace_stop(&v.loop), 0);
    run_parent(&v);
    assert_int_equal(all->n, 32);
    assert_int_equal(pawl_trace_count(&v.loop), 4);
    assert_int_equal(pawl_trace_get(&v.loop, 3, &e), 0);
    assert_true(same_event(&e, &all->ev[15]));

    /* Started again: empty, counts back at 0.  No hook: nothing more
     * reaches it. */
    assert_int_equal(pawl_trace_set_hook(&v.loop, NULL, NULL), 0);
    assert_int_equal(pawl_trace_start(&v.loop, ring, 4), 0);
    assert_int_equal(pawl_trace_count(&v.loop), 0);
    assert_int_equal(pawl_trace_dropped(&v.loop), 0);
    run_parent(&v);
    assert_int_equal(all->n, 32);
    assert_int_equal(pawl_trace_recorded(&v.loop), 16);
    test_free(all);
    vloop_close(&v);
}

/* A hook with no ring streams every event; an event caused from inside
 * the hook is not handed to it again (no recursion), but a ring gets it. */
static void trace_hook_streams_events_without_recursion(void **state)
{
    (void)state;
    vloop v;
    vloop_open(&v, 0, (pawl_loop_opts){0});
    collected *c = test_calloc(1, sizeof *c);
    c->loop = &v.loop;
    assert_int_equal(pawl_trace_set_hook(&v.loop, collect, c), 0);
    run_parent(&v);
    assert_int_equal(c->n, 16);
    assert_int_equal(pawl_trace_count(&v.loop), 0); /* no ring */
    assert_int_equal(c->ev[0].kind, PAWL_TRACE_TASK_SPAWN);
    assert_int_equal(c->ev[15].kind, PAWL_TRACE_TASK_FINISHED);

    pawl_timer t;
    assert_int_equal(pawl_timer_init(&t, timer_unused), 0);
    pawl_trace_event ring[64];
    assert_int_equal(pawl_trace_start(&v.loop, ring, 64), 0);
    c->n = 0;
    c->nested = 1;
    c->timer = &t;
    run_parent(&v);
    /* The first FINISHED (the child's) armed and stopped a timer from the
     * hook: two more events in the ring, right after it, none in the hook. */
    assert_int_equal(c->n, 16);
    assert_int_equal(pawl_trace_count(&v.loop), 18);
    pawl_trace_event e;
    assert_int_equal(pawl_trace_get(&v.loop, 12, &e), 0);
    assert_int_equal(e.kind, PAWL_TRACE_TASK_FINISHED);
    assert_int_equal(pawl_trace_get(&v.loop, 13, &e), 0);
    assert_int_equal(e.kind, PAWL_TRACE_TIMER_ARMED);
    assert_ptr_equal(e.id, &t);
    assert_int_equal(pawl_trace_get(&v.loop, 14, &e), 0);
    assert_int_equal(e.kind, PAWL_TRACE_TIMER_CLEARED);
    test_free(c);
    vloop_close(&v);
}

/* ---- the dump format ------------------------------------------------------------ */

typedef struct membuf {
    unsigned char *data;
    size_t len, cap;
    int fail_after; /* calls left before failing with -5; < 0: never */
} membuf;

static int mem_write(void *ctx, const void *data, size_t len)
{
    membuf *m = ctx;
    if (m->fail_after == 0)
        return -5;
    if (m->fail_after > 0)
        m->fail_after--;
    assert_true(m->len + len <= m->cap);
    memcpy(m->data + m->len, data, len);
    m->len += len;
    return 0;
}

static uint64_t get_le(const unsigned char *p, unsigned n)
{
    uint64_t v = 0;
    for (unsigned i = n; i-- > 0;)
        v = v << 8 | p[i];
    return v;
}

/* A reader written from the format's description in pawl/trace.h alone:
 * one record at `at` (returns the offset after it, or 0 if it does not
 * fit), its strings copied out. */
typedef struct record {
    uint64_t time, id, origin, value;
    unsigned kind, origin_kind, flags, reserved;
    char a[256], b[256];
} record;

static size_t read_record(const membuf *m, size_t at, record *r)
{
    if (at + 40 > m->len)
        return 0;
    const unsigned char *p = m->data + at;
    r->time = get_le(p, 8);
    r->id = get_le(p + 8, 8);
    r->origin = get_le(p + 16, 8);
    r->value = get_le(p + 24, 8);
    r->kind = p[32];
    r->origin_kind = p[33];
    r->flags = p[34];
    r->reserved = p[35];
    size_t la = (size_t)get_le(p + 36, 2), lb = (size_t)get_le(p + 38, 2);
    size_t size = 40 + (la + lb + 7) / 8 * 8;
    if (at + size > m->len || la > 255 || lb > 255)
        return 0;
    memcpy(r->a, p + 40, la);
    r->a[la] = '\0';
    memcpy(r->b, p + 40 + la, lb);
    r->b[lb] = '\0';
    for (size_t i = 40 + la + lb; i < size; i++)
        assert_int_equal(p[i], 0); /* the padding is zeros */
    return at + size;
}

static void trace_write_header_and_records_round_trip(void **state)
{
    (void)state;
    vloop v;
    vloop_open(&v, 3 * MS, (pawl_loop_opts){0});
    pawl_trace_event ring[12];
    assert_int_equal(pawl_trace_start(&v.loop, ring, 12), 0);
    parent p = {0};
    spawn_parent_and_run(&v.loop, &p, "parent");
    assert_int_equal(pawl_trace_count(&v.loop), 12); /* 16 recorded, 4 dropped */

    membuf m = {.data = test_malloc(4096), .cap = 4096, .fail_after = -1};
    assert_int_equal(pawl_trace_write(&v.loop, mem_write, &m), 0);

    assert_true(m.len >= 48);
    const unsigned char magic[8] = {'P', 'A', 'W', 'L', 'T', 'R', 'C', 0};
    assert_memory_equal(m.data, magic, 8);
    assert_int_equal(get_le(m.data + 8, 2), 1);   /* version */
    assert_int_equal(get_le(m.data + 10, 2), 48); /* header size */
    assert_int_equal(get_le(m.data + 12, 2), 40); /* record size */
    assert_int_equal(m.data[14], sizeof(void *));
    assert_int_equal(m.data[15], 0); /* not a stream */
    assert_int_equal(get_le(m.data + 16, 4), 12);
    assert_int_equal(get_le(m.data + 20, 4), 0);
    assert_int_equal(get_le(m.data + 24, 8), 4);  /* dropped */
    assert_int_equal(get_le(m.data + 32, 8), 16); /* recorded */
    assert_int_equal(get_le(m.data + 40, 8), 13 * MS);

    size_t at = get_le(m.data + 10, 2);
    int pending = 0;
    for (size_t i = 0; i < 12; i++) {
        record r;
        at = read_record(&m, at, &r);
        assert_true(at != 0);
        pawl_trace_event e;
        assert_int_equal(pawl_trace_get(&v.loop, i, &e), 0);
        assert_int_equal(r.time, e.time_ns);
        assert_int_equal(r.id, (uintptr_t)e.id);
        assert_int_equal(r.origin, (uintptr_t)e.origin);
        assert_int_equal(r.value, e.value);
        assert_int_equal(r.kind, e.kind);
        assert_int_equal(r.origin_kind, e.origin_kind);
        assert_int_equal(r.flags, e.flags);
        assert_int_equal(r.reserved, 0);
        if (e.kind == PAWL_TRACE_TASK_POLL) {
            assert_string_equal(r.a, e.id == &p.task ? "parent" : "child");
            assert_string_equal(r.b, "");
        } else if (e.kind == PAWL_TRACE_TASK_PENDING) {
            pending++;
            assert_string_equal(r.a, __FILE__);
            assert_string_equal(r.b, e.id == &p.task ? "pawl_task_join(&p->child.task, cx)"
                                                     : "pawl_sleep_ms(&s->sleep, cx, s->ms)");
        } else {
            assert_string_equal(r.a, "");
            assert_string_equal(r.b, "");
        }
    }
    assert_int_equal(at, m.len); /* nothing after the last record */
    assert_int_equal(pending, 2);

    /* The newest 12 of the scenario: from the parent's pending. */
    record r;
    assert_int_not_equal(read_record(&m, 48, &r), 0);
    assert_int_equal(r.kind, PAWL_TRACE_TASK_PENDING);
    assert_int_equal(r.id, (uintptr_t)&p.task);
    assert_int_equal(r.value, p.line);

    /* The writer's error stops the writing and is returned. */
    m.len = 0;
    m.fail_after = 3;
    assert_int_equal(pawl_trace_write(&v.loop, mem_write, &m), -5);

    /* A stream: the header says so, and records follow one by one. */
    m.len = 0;
    m.fail_after = -1;
    assert_int_equal(pawl_trace_write_header(&v.loop, mem_write, &m), 0);
    assert_int_equal(m.len, 48);
    assert_int_equal(m.data[15], PAWL_TRACE_STREAM);
    assert_int_equal(get_le(m.data + 16, 4), 0);
    assert_int_equal(get_le(m.data + 24, 8), 0);
    pawl_trace_event e;
    assert_int_equal(pawl_trace_get(&v.loop, 11, &e), 0);
    assert_int_equal(pawl_trace_write_event(&e, mem_write, &m), 0);
    assert_int_equal(m.len, 48 + 40);
    assert_int_equal(read_record(&m, 48, &r), 88);
    assert_int_equal(r.kind, PAWL_TRACE_TASK_FINISHED);
    assert_int_equal(r.id, (uintptr_t)&p.task);

    test_free(m.data);
    vloop_close(&v);
}

/* ---- the task list ----------------------------------------------------------------- */

typedef struct textbuf {
    char text[4096];
    size_t len;
    int calls;
} textbuf;

static int text_write(void *ctx, const void *data, size_t len)
{
    textbuf *t = ctx;
    assert_true(t->len + len < sizeof t->text);
    memcpy(t->text + t->len, data, len);
    t->len += len;
    t->text[t->len] = '\0';
    t->calls++;
    return 0;
}

/* The i-th line (from 0) of `text`, without its newline, in `out`. */
static const char *line_of(const char *text, int i, char *out, size_t size)
{
    for (; i > 0; i--) {
        text = strchr(text, '\n');
        assert_non_null(text);
        text++;
    }
    const char *end = strchr(text, '\n');
    assert_non_null(end);
    size_t n = (size_t)(end - text);
    assert_true(n < size);
    memcpy(out, text, n);
    out[n] = '\0';
    return out;
}

/* Sleeps 5 ms, then cancels `victim`, spawns `late`, and lists the tasks
 * from inside its own poll. */
typedef struct lister {
    pawl_task task;
    pawl_sleep sleep;
    pawl_task *victim, *late;
    textbuf *out;
    int line;
} lister;

static pawl_poll lister_poll(pawl_task *t, pawl_cx *cx)
{
    lister *l = PAWL_CONTAINER_OF(t, lister, task);
    int rc;
    PAWL_BEGIN(cx);
    l->line = __LINE__; PAWL_AWAIT(cx, rc, pawl_sleep_ms(&l->sleep, cx, 5));
    (void)rc;
    pawl_task_cancel(cx->loop, l->victim);
    pawl_task_spawn(cx->loop, l->late);
    pawl_loop_dump(cx->loop, text_write, l->out);
    PAWL_END(cx);
}

static void dump_lists_each_task_with_state_site_and_time(void **state)
{
    (void)state;
    vloop v;
    vloop_open(&v, 0, (pawl_loop_opts){0});
    textbuf *out = test_calloc(1, sizeof *out);
    sleeper w = {.ms = 100}, c = {.ms = 100}, q = {.ms = 1};
    lister l = {.victim = &c.task, .late = &q.task, .out = out};
    assert_int_equal(pawl_task_init(&w.task, sleeper_poll), 0);
    PAWL_TRACE_NAME(&w.task, "sleepy");
    assert_int_equal(pawl_task_init(&c.task, sleeper_poll), 0);
    assert_int_equal(pawl_task_init(&q.task, sleeper_poll), 0);
    assert_int_equal(pawl_task_init(&l.task, lister_poll), 0);
    PAWL_TRACE_NAME(&l.task, "lister");
    assert_int_equal(pawl_task_spawn(&v.loop, &w.task), 0);
    assert_int_equal(pawl_task_spawn(&v.loop, &c.task), 0);
    assert_int_equal(pawl_task_spawn(&v.loop, &l.task), 0);
    /* Before anything ran (tracing never started: the list is kept
     * anyway). */
    assert_int_equal(pawl_loop_dump(&v.loop, text_write, out), 0);
    char buf[300], want_line[300];
    assert_string_equal(line_of(out->text, 0, buf, sizeof buf), "pawl: 3 live tasks at 0.000 ms");
    snprintf(want_line, sizeof want_line,
             "task 0x%" PRIxPTR " \"sleepy\" queued for 0.000 ms (not started)",
             (uintptr_t)&w.task);
    assert_string_equal(line_of(out->text, 1, buf, sizeof buf), want_line);
    assert_int_equal(out->calls, 4); /* one call per line */

    out->len = 0;
    out->calls = 0;
    assert_int_equal(pawl_loop_run(&v.loop, PAWL_RUN_DEFAULT), 0);
    /* Listed at 5 ms, from inside the lister's poll. */
    assert_int_equal(out->calls, 5);
    assert_string_equal(line_of(out->text, 0, buf, sizeof buf), "pawl: 4 live tasks at 5.000 ms");
    snprintf(want_line, sizeof want_line,
             "task 0x%" PRIxPTR " \"sleepy\" waiting for 5.000 ms at %s:%d on "
             "pawl_sleep_ms(&s->sleep, cx, s->ms)",
             (uintptr_t)&w.task, __FILE__, w.line);
    assert_string_equal(line_of(out->text, 1, buf, sizeof buf), want_line);
    snprintf(want_line, sizeof want_line,
             "task 0x%" PRIxPTR " cancelling for 0.000 ms at %s:%d on "
             "pawl_sleep_ms(&s->sleep, cx, s->ms)",
             (uintptr_t)&c.task, __FILE__, w.line);
    assert_string_equal(line_of(out->text, 2, buf, sizeof buf), want_line);
    snprintf(want_line, sizeof want_line,
             "task 0x%" PRIxPTR " \"lister\" running for 0.000 ms at %s:%d on "
             "pawl_sleep_ms(&l->sleep, cx, 5)",
             (uintptr_t)&l.task, __FILE__, l.line);
    assert_string_equal(line_of(out->text, 3, buf, sizeof buf), want_line);
    snprintf(want_line, sizeof want_line,
             "task 0x%" PRIxPTR " queued for 0.000 ms (not started)", (uintptr_t)&q.task);
    assert_string_equal(line_of(out->text, 4, buf, sizeof buf), want_line);
    assert_int_equal(out->len, strlen(out->text));

    /* All done at 100 ms: nothing is listed. */
    out->len = 0;
    assert_int_equal(pawl_loop_dump(&v.loop, text_write, out), 0);
    assert_string_equal(out->text, "pawl: 0 live tasks at 100.000 ms\n");
    test_free(out);
    vloop_close(&v);
}

/* A task in its cleanup section says so; a very long expression is cut,
 * the note is not; and the writer's error is returned. */
typedef struct cleaner {
    pawl_task task;
    pawl_sleep sleep;
    int line;
} cleaner;

#define A_VERY_LONG_NAME_FOR_A_DELAY_IN_MILLISECONDS_THAT_GOES_ON_AND_ON 7

static pawl_poll cleaner_poll(pawl_task *t, pawl_cx *cx)
{
    cleaner *k = PAWL_CONTAINER_OF(t, cleaner, task);
    int rc;
    PAWL_BEGIN(cx);
    PAWL_CLEANUP(cx);
    /* One line, so that __LINE__ is the await's whatever the compiler. */
    k->line = __LINE__; PAWL_AWAIT(cx, rc, pawl_sleep_ms(&k->sleep, cx, A_VERY_LONG_NAME_FOR_A_DELAY_IN_MILLISECONDS_THAT_GOES_ON_AND_ON + A_VERY_LONG_NAME_FOR_A_DELAY_IN_MILLISECONDS_THAT_GOES_ON_AND_ON + A_VERY_LONG_NAME_FOR_A_DELAY_IN_MILLISECONDS_THAT_GOES_ON_AND_ON));
    (void)rc;
    PAWL_END(cx);
}

static void dump_notes_cleanup_and_cuts_long_lines(void **state)
{
    (void)state;
    vloop v;
    vloop_open(&v, 1234567, (pawl_loop_opts){0}); /* odd times: the decimals */
    cleaner k = {0};
    assert_int_equal(pawl_task_init(&k.task, cleaner_poll), 0);
    assert_int_equal(pawl_task_spawn(&v.loop, &k.task), 0);
    assert_int_equal(pawl_loop_run(&v.loop, PAWL_RUN_NOWAIT), 1);
    assert_int_equal(pawl_vclock_advance(&v.vc, 45000), 0); /* 0.045 ms of work */
    textbuf *out = test_calloc(1, sizeof *out);
    assert_int_equal(pawl_loop_dump(&v.loop, text_write, out), 0);
    char buf[300];
    assert_string_equal(line_of(out->text, 0, buf, sizeof buf), "pawl: 1 live task at 1.279 ms");
    const char *l1 = line_of(out->text, 1, buf, sizeof buf);
    assert_int_equal(strlen(l1), 255); /* then its newline */
    const char *note = " (in cleanup)";
    assert_string_equal(l1 + strlen(l1) - strlen(note), note);
    char head[200];
    snprintf(head, sizeof head,
             " waiting for 0.045 ms at %s:%d on pawl_sleep_ms(&k->sleep, cx, A_VERY", __FILE__,
             k.line);
    assert_non_null(strstr(l1, head));

    membuf m = {.data = test_malloc(512), .cap = 512, .fail_after = 1};
    assert_int_equal(pawl_loop_dump(&v.loop, mem_write, &m), -5);
    assert_int_equal(m.len, strlen("pawl: 1 live task at 1.279 ms\n"));
    test_free(m.data);
    test_free(out);
    assert_int_equal(pawl_loop_run(&v.loop, PAWL_RUN_DEFAULT), 0);
    vloop_close(&v);
}

/* The writer for file descriptors (a debugger's `call pawl_loop_dump(&loop,
 * pawl_trace_fd_writer, (void *)2)`): what reaches the descriptor is the
 * text the other writers get; a closed one is an error. */
static void dump_to_a_descriptor(void **state)
{
    (void)state;
    vloop v;
    vloop_open(&v, 2 * MS, (pawl_loop_opts){0});
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    assert_int_equal(pawl_loop_dump(&v.loop, pawl_trace_fd_writer, (void *)(intptr_t)fds[1]), 0);
    char got[64] = {0};
    const char *want_text = "pawl: 0 live tasks at 2.000 ms\n";
    assert_int_equal(read(fds[0], got, sizeof got - 1), (ssize_t)strlen(want_text));
    assert_string_equal(got, want_text);
    close(fds[0]);
    close(fds[1]);
    assert_int_equal(pawl_loop_dump(&v.loop, pawl_trace_fd_writer, (void *)(intptr_t)fds[1]),
                     -EBADF); /* a negative errno */
    vloop_close(&v);
}

/* ---- bad input ------------------------------------------------------------------- */

static void trace_bad_arguments(void **state)
{
    (void)state;
    pawl_trace_event ring[2], e;
    assert_int_equal(pawl_trace_start(NULL, ring, 2), PAWL_EINVAL);
    pawl_loop zeroed;
    memset(&zeroed, 0, sizeof zeroed);
    assert_int_equal(pawl_trace_start(&zeroed, ring, 2), PAWL_EUNINIT);
    assert_int_equal(pawl_trace_stop(&zeroed), PAWL_EUNINIT);
    assert_int_equal(pawl_trace_set_hook(NULL, NULL, NULL), PAWL_EINVAL);
    assert_int_equal(pawl_trace_count(NULL), 0);
    assert_int_equal(pawl_trace_dropped(&zeroed), 0);
    assert_int_equal(pawl_loop_dump(NULL, no_write, NULL), PAWL_EINVAL);
    assert_int_equal(pawl_trace_write(&zeroed, no_write, NULL), PAWL_EUNINIT);

    vloop v;
    vloop_open(&v, 0, (pawl_loop_opts){0});
    assert_int_equal(pawl_trace_start(&v.loop, NULL, 2), PAWL_EINVAL);
    assert_int_equal(pawl_trace_start(&v.loop, ring, 0), PAWL_EINVAL);
    assert_int_equal(pawl_trace_get(&v.loop, 0, &e), PAWL_ENOENT);
    assert_int_equal(pawl_trace_get(&v.loop, 0, NULL), PAWL_EINVAL);
    assert_int_equal(pawl_trace_write(&v.loop, NULL, NULL), PAWL_EINVAL);
    assert_int_equal(pawl_trace_write_header(&v.loop, NULL, NULL), PAWL_EINVAL);
    assert_int_equal(pawl_trace_write_event(NULL, no_write, NULL), PAWL_EINVAL);
    assert_int_equal(pawl_loop_dump(&v.loop, NULL, NULL), PAWL_EINVAL);
    assert_string_equal(pawl_trace_kind_name(PAWL_TRACE_TIMER_FIRED), "timer_fired");
    assert_string_equal(pawl_trace_kind_name(PAWL_TRACE_LOOP_ITERATION), "loop_iteration");
    assert_string_equal(pawl_trace_kind_name(0), "unknown");
    assert_string_equal(pawl_trace_kind_name(99), "unknown");
    assert_string_equal(pawl_trace_origin_name(PAWL_TRACE_FROM_IMMEDIATE), "immediate");
    assert_string_equal(pawl_trace_origin_name(8), "unknown");
    vloop_close(&v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(trace_spawn_poll_timer_wake_finish_in_order),
        cmocka_unit_test(trace_wake_origins_microtask_promise_remote),
        cmocka_unit_test(trace_promise_created_handled_reaction_settled),
        cmocka_unit_test(trace_cancel_unwinds_and_clears_timer),
        cmocka_unit_test(trace_yield_is_pending_requeued),
        cmocka_unit_test(trace_set_timeout_armed_fired_cleared),
        cmocka_unit_test(trace_ring_overwrites_oldest_and_counts_dropped),
        cmocka_unit_test(trace_hook_streams_events_without_recursion),
        cmocka_unit_test(trace_write_header_and_records_round_trip),
        cmocka_unit_test(dump_lists_each_task_with_state_site_and_time),
        cmocka_unit_test(dump_notes_cleanup_and_cuts_long_lines),
        cmocka_unit_test(dump_to_a_descriptor),
        cmocka_unit_test(trace_bad_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

#endif /* PAWL_TRACE */
