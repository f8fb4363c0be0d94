/*
 * src/loop.c -- the executor: the run queue, the iteration, microtasks.
 *
 * The run queue is an intrusive singly linked FIFO threaded through
 * pawl_task.pawl__link (see pawl/task.h for the tagging).  A task is on it
 * at most once; waking a queued task costs one load and one test.
 *
 * The task phase polls from the front until the queue is empty or
 * `poll_budget` polls have run.  A task woken during the phase goes to the
 * back and can run again in the same phase while the budget lasts: a
 * wake-to-poll hop costs a push, a pop and a call, not a loop iteration.
 * The budget is what keeps timers and I/O from starving (docs/design.md
 * explains why this replaced the brief's "each task woken before the phase,
 * once").
 */
#include <assert.h>
#include <limits.h>
#include <string.h>

#include "internal.h"

/* pawl__loop_check of src/internal.h, out of line. */
int pawl__loop_validate(const pawl_loop *loop)
{
    if (loop == NULL)
        return PAWL_EINVAL;
    if (loop->pawl__magic == PAWL__LOOP_OPEN)
        return 0;
    return loop->pawl__magic == PAWL__LOOP_CLOSED ? PAWL_ECLOSED : PAWL_EUNINIT;
}

/* Read the platform's clock into the iteration's cached time (one place,
 * so that a 32-bit core has one copy of the ns -> ms conversion). */
static void loop_read_clock(pawl_loop *loop)
{
    pawl_platform *p = loop->pawl__platform;
    uint64_t ns = p->ops->now_ns(p);
    loop->pawl__now_ns = ns;
    loop->pawl__now_ms = pawl__ns_to_ms(ns);
}

int pawl_loop_init(pawl_loop *loop, const pawl_loop_opts *opts)
{
    if (loop == NULL || (opts != NULL && (opts->await_budget > INT_MAX ||
                                          (unsigned)opts->backend > PAWL_BACKEND_URING)))
        return PAWL_EINVAL;
    /* Zero is every field's initial value, and each option's default but
     * those of the platform and the budgets (and the timer mark is an
     * unarmed wheel node). */
    memset(loop, 0, sizeof *loop);
    loop->pawl__run_tail = &loop->pawl__run_head;
    atomic_init(&loop->pawl__remote_inbox, NULL);
    atomic_init(&loop->pawl__notified, 0);
    if (opts != NULL) {
        loop->pawl__platform = opts->platform;
        /* NULL stands for pawl_default_alloc (src/alloc.c), so that a
         * program that never allocates links no allocator (nor, in a
         * PAWL_NO_MALLOC build, the static arena). */
        loop->pawl__alloc = opts->alloc;
        loop->pawl__alloc_ud = opts->alloc_ud;
        loop->pawl__poll_budget = opts->poll_budget;
        loop->pawl__await_budget = (int)opts->await_budget;
        loop->pawl__warn = opts->warn;
        loop->pawl__warn_ud = opts->warn_ud;
        loop->pawl__promises.on_rejection = opts->on_rejection;
        loop->pawl__promises.rejection_ud = opts->rejection_ud;
        loop->pawl__promises.pool = opts->promise_pool;
        loop->pawl__io.backend = (unsigned)opts->backend;
    }
    if (loop->pawl__platform != NULL) {
        if (loop->pawl__platform->ops == NULL)
            return PAWL_EINVAL;
    } else {
#if defined(PAWL_NO_OS)
        return PAWL_EINVAL; /* no system to take a clock from */
#else
        int rc = pawl_posix_platform_init(&loop->pawl__default_platform);
        if (rc != 0)
            return rc;
        loop->pawl__platform = &loop->pawl__default_platform.base;
#endif
    }
    if (loop->pawl__poll_budget == 0)
        loop->pawl__poll_budget = PAWL_DEFAULT_POLL_BUDGET;
    if (loop->pawl__await_budget == 0)
        loop->pawl__await_budget = (int)PAWL_DEFAULT_AWAIT_BUDGET;
    loop->pawl__io.notify_fd = -1;
    loop_read_clock(loop);
    pawl_wheel_init(&loop->pawl__wheel, loop->pawl__now_ms);
    pawl__ring_init(&loop->pawl__immediates);
    pawl__ring_init(&loop->pawl__immediates_running);
    pawl__ring_init(&loop->pawl__timers_staged);
    loop->pawl__magic = PAWL__LOOP_OPEN;
    return 0;
}

int pawl_loop_close(pawl_loop *loop)
{
    int rc = pawl__loop_check(loop);
    if (rc != 0)
        return rc;
    /* Busy while running or while anything of yours is alive (one test of
     * the flag, the counts and the queue OR-ed together).  The JavaScript
     * API's timers are the loop's own: they are dropped (as Node drops
     * pending timers at exit); anything of yours is not. */
    const struct pawl__js_ops *js = loop->pawl__js_ops;
    if (((loop->pawl__flags & PAWL__L_RUNNING) | loop->pawl__live_tasks | loop->pawl__handles |
         (uintptr_t)loop->pawl__mt_head | loop->pawl__promises.live_promises) != 0 ||
        pawl_wheel_count(&loop->pawl__wheel) != (js != NULL ? js->armed(loop) : 0))
        return PAWL_EBUSY;
    if (js != NULL)
        js->close(loop);
    if (loop->pawl__promises.close != NULL)
        loop->pawl__promises.close(loop);
    if (loop->pawl__io.close != NULL)
        loop->pawl__io.close(loop); /* the reactor: no handle is open */
#if !defined(PAWL_NO_OS)
    if (loop->pawl__platform == &loop->pawl__default_platform.base)
        loop->pawl__platform->ops->close(loop->pawl__platform);
#endif
    loop->pawl__magic = PAWL__LOOP_CLOSED;
    return 0;
}

/* pawl_loop_alive for a loop known to be open. */
static int loop_alive(const pawl_loop *loop)
{
    return loop->pawl__live_tasks != 0 || loop->pawl__refs != 0 ||
           pawl_wheel_count(&loop->pawl__wheel) > loop->pawl__timers_unref ||
           loop->pawl__mt_head != NULL;
}

int pawl_loop_alive(const pawl_loop *loop)
{
    return pawl__loop_check(loop) == 0 && loop_alive(loop);
}

uint64_t pawl_loop_now_ns(const pawl_loop *loop)
{
    return pawl__loop_check(loop) == 0 ? loop->pawl__now_ns : 0;
}

uint64_t pawl_loop_now(const pawl_loop *loop)
{
    return pawl__loop_check(loop) == 0 ? loop->pawl__now_ms : 0;
}

void pawl__warn(pawl_loop *loop, pawl_warning what, int64_t value, const char *message)
{
    if (loop->pawl__warn != NULL)
        loop->pawl__warn(loop->pawl__warn_ud, loop, what, value, message);
}

uint64_t pawl_loop_iterations(const pawl_loop *loop)
{
    return pawl__loop_check(loop) == 0 ? loop->pawl__iterations : 0;
}

int pawl_loop_stop(pawl_loop *loop)
{
    int rc = pawl__loop_check(loop);
    if (rc != 0)
        return rc;
    loop->pawl__flags |= PAWL__L_STOP;
    return 0;
}

/* ---- microtasks -------------------------------------------------------- */

int pawl_microtask_init(pawl_microtask *m, pawl_microtask_fn *fn, void *arg)
{
    if (m == NULL || fn == NULL)
        return PAWL_EINVAL;
    m->pawl__next = NULL;
    m->pawl__fn = fn;
    m->pawl__arg = arg;
    return 0;
}

int pawl_microtask_queue(pawl_loop *loop, pawl_microtask *m)
{
    int rc = pawl__loop_check(loop);
    if (rc != 0)
        return rc;
    if (m == NULL || m->pawl__fn == NULL)
        return PAWL_EINVAL;
    if (m->pawl__next != NULL)
        return PAWL_EBUSY;
    pawl__microtask_push(loop, m, 0);
    return 0;
}

/* The node of pawl_queue_microtask: freed before the user's function runs,
 * so that function may queue another without the two coexisting. */
typedef struct owned_microtask {
    pawl_microtask node;
    pawl_loop *loop;
    pawl_microtask_fn *fn;
    void *arg;
} owned_microtask;

static void owned_microtask_run(void *p)
{
    owned_microtask *o = p;
    pawl_microtask_fn *fn = o->fn;
    void *arg = o->arg;
    pawl__free(o->loop, o, sizeof *o);
    fn(arg);
}

int pawl_queue_microtask(pawl_loop *loop, pawl_microtask_fn *fn, void *arg)
{
    int rc = pawl__loop_check(loop);
    if (rc != 0)
        return rc;
    if (fn == NULL)
        return PAWL_EINVAL;
    owned_microtask *o = pawl__alloc(loop, sizeof *o);
    if (o == NULL)
        return PAWL_ENOMEM;
    o->loop = loop;
    o->fn = fn;
    o->arg = arg;
    pawl_microtask_init(&o->node, owned_microtask_run, o);
    return pawl_microtask_queue(loop, &o->node);
}

void pawl__microtasks_drain(pawl_loop *loop)
{
    pawl_microtask *link;
    while ((link = loop->pawl__mt_head) != NULL) {
        /* A link with the low bit set is a promise reaction (src/promise.c),
         * which has the same `next` field first.  react() goes on with the
         * reactions that follow it in the queue itself. */
        void *node = pawl__microtask_pop(loop, link);
        if ((uintptr_t)link & PAWL__MT_REACTION) {
            loop->pawl__promises.react(loop, node);
        } else {
            pawl_microtask *m = node;
            PAWL__TRACE(loop, MICROTASK_RUN, m, (uintptr_t)m->pawl__fn);
            m->pawl__fn(m->pawl__arg);
        }
    }
}

/* ---- the task phase ---------------------------------------------------- */

/*
 *   RUNNING --READY--> DONE   result stored, generation advanced (every
 *                             waker handed out so far goes stale), the
 *                             joiner woken.
 */
static void task_complete(pawl_loop *loop, pawl_task *t)
{
    pawl_gen st = t->pawl__state;
    t->pawl__lc = (st & PAWL__T_CANCEL) ? (pawl_lc)PAWL_ECANCELED : 0;
    t->pawl__link = 0;
    t->pawl__state = (pawl_gen)(((unsigned long)(st & PAWL__T_GEN_MASK) +
                                 (1ul << PAWL__T_GEN_SHIFT)) &
                                PAWL__T_GEN_MASK) |
                     PAWL__T_DONE;
    loop->pawl__live_tasks--;
    PAWL__TRACE_FINISHED(loop, t);
    pawl_task *joiner = t->pawl__joiner;
    if (joiner != NULL) {
        t->pawl__joiner = NULL;
        /* The joiner is on this loop (pawl_task_join checks), and it is not
         * RUNNING, since `t` is the one task that is: so it is WAITING and
         * joins the run queue, or is QUEUED already, or has left the loop. */
        uintptr_t link = joiner->pawl__link;
        assert((link & PAWL__LINK_TAG) != PAWL__LINK_RUNNING);
        if ((link & PAWL__LINK_TAG) == PAWL__LINK_WAITING) {
#if defined(PAWL_TRACE)
            PAWL__TRACE_WOKEN(loop, joiner);
#endif
            pawl__run_push(loop, joiner);
        }
    }
}

/*
 * After a poll returned PENDING (`st` is the task's state word now).  True
 * if the task is unwinding and must be polled again at once (its resume
 * point is the cleanup or finish marker); otherwise it goes back on the run
 * queue if it was woken while running, and is WAITING if not.
 */
static inline bool task_settle(pawl_loop *loop, pawl_task *t, pawl_gen st)
{
    /* Unwinding always sets CLEANUP, so the flag guards the two compares. */
    if ((st & PAWL__T_CLEANUP) &&
        (t->pawl__lc == PAWL__LC_CLEANUP || t->pawl__lc == PAWL__LC_FINISH)) {
        PAWL__TRACE_PENDING(loop, t, PAWL_TRACE_F_UNWIND);
        return true;
    }
    if (st & PAWL__T_WOKEN) {
        t->pawl__state = (pawl_gen)(st & ~(pawl_gen)PAWL__T_WOKEN);
        pawl__run_push(loop, t);
        PAWL__TRACE_PENDING(loop, t, PAWL_TRACE_F_REQUEUED);
    } else {
        t->pawl__link = (uintptr_t)loop | PAWL__LINK_WAITING;
        PAWL__TRACE_PENDING(loop, t, 0u);
    }
    return false;
}

/*
 * The general case of a poll: a first poll, cancellation, the cleanup
 * section.
 *
 *   QUEUED --poll--> RUNNING --PENDING--> WAITING, or QUEUED if woken
 *                                         while running
 *                            --PENDING at the cleanup marker--> poll again
 *                            --READY--> DONE
 */
static PAWL__NOINLINE void task_poll_slow(pawl_loop *loop, pawl_task *t)
{
    pawl_cx cx;
    cx.loop = loop;
    cx.task = t;
    pawl_gen st = t->pawl__state;
    /* Canceled before it ever ran: it never runs, not even its cleanup
     * section, which may rely on what the body would have set up. */
    if ((st & (PAWL__T_CANCEL | PAWL__T_UNSTARTED)) != (PAWL__T_CANCEL | PAWL__T_UNSTARTED)) {
        t->pawl__state = (pawl_gen)(st & ~(pawl_gen)PAWL__T_UNSTARTED);
        for (;;) {
            cx.pawl__budget = loop->pawl__await_budget;
            cx.pawl__flags =
                (t->pawl__state & (PAWL__T_CANCEL | PAWL__T_CLEANUP)) == PAWL__T_CANCEL
                    ? PAWL__CX_CANCEL
                    : 0u;
            t->pawl__link = (uintptr_t)loop | PAWL__LINK_RUNNING;
            PAWL__TRACE_POLL(loop, t,
                             cx.pawl__flags & PAWL__CX_CANCEL ? PAWL_TRACE_F_CANCELED : 0u);
            pawl_poll r = t->pawl__poll(t, &cx);
            if (r != PAWL_PENDING) {
                /* A task leaves through PAWL_END or PAWL_EXIT, never by
                 * returning an error code (its results live in its
                 * struct). */
                assert(r == PAWL_READY);
                break;
            }
            if (!task_settle(loop, t, t->pawl__state))
                return;
        }
    }
    task_complete(loop, t);
}

/*
 * The common case, kept small: a task that is not being canceled or
 * cleaned up.  After the poll, a task with none of CANCEL, CLEANUP, WOKEN
 * is simply WAITING; otherwise task_settle decides, and an unwinding task
 * (unwinding sets CLEANUP) continues in the general case, which skips the
 * cancel-before-start check since the task has started.
 */
#if !defined(__OPTIMIZE_SIZE__)
static inline void task_poll(pawl_loop *loop, pawl_cx *cx, pawl_task *t, int await_budget,
                             uintptr_t running, uintptr_t waiting)
{
    enum {
        SLOW_BEFORE = PAWL__T_CANCEL | PAWL__T_CLEANUP | PAWL__T_UNSTARTED,
        SLOW_AFTER = PAWL__T_CANCEL | PAWL__T_CLEANUP | PAWL__T_WOKEN
    };
    /* One test of the state word for the common case; a first poll that
     * nothing disturbed only clears UNSTARTED and goes on here. */
    pawl_gen st = t->pawl__state;
    if (PAWL__UNLIKELY(st & SLOW_BEFORE)) {
        if (st & (PAWL__T_CANCEL | PAWL__T_CLEANUP)) {
            task_poll_slow(loop, t);
            goto polled;
        }
        t->pawl__state = (pawl_gen)(st & ~(pawl_gen)PAWL__T_UNSTARTED);
    }
    cx->task = t;
    cx->pawl__budget = await_budget;
    t->pawl__link = running;
    PAWL__TRACE_POLL(loop, t, 0u);
    pawl_poll r = t->pawl__poll(t, cx);
    if (r != PAWL_PENDING) {
        assert(r == PAWL_READY);
        task_complete(loop, t);
    } else {
        pawl_gen after = t->pawl__state;
        if (PAWL__LIKELY(!(after & SLOW_AFTER))) {
            t->pawl__link = waiting;
            PAWL__TRACE_PENDING(loop, t, 0u);
        } else if (task_settle(loop, t, after))
            task_poll_slow(loop, t);
    }
polled:
    if (loop->pawl__mt_head != NULL)
        pawl__microtasks_drain(loop);
}
#endif

/* Out of line, so that its registers serve the polls rather than the
 * iteration around them (gcc on x86-64 then keeps one more of the values
 * hoisted out of the loop in a register: one load less per hop). */
static PAWL__NOINLINE void phase_tasks(pawl_loop *loop)
{
    pawl_task *t;
#if defined(__OPTIMIZE_SIZE__)
    /* Compiled for size, every poll takes the general path, task_poll_slow:
     * the fast path saves a few cycles a poll and costs more flash than
     * the general path itself. */
    for (unsigned budget = loop->pawl__poll_budget; budget != 0; budget--) {
        if ((t = pawl__run_pop(loop)) == NULL)
            break;
        task_poll_slow(loop, t);
        if (loop->pawl__mt_head != NULL)
            pawl__microtasks_drain(loop);
    }
#else
    /* One context for the fast path's polls; each poll sets its task and a
     * fresh budget, and nothing else in it changes (flags stay 0: canceled
     * polls take the slow path, which has its own context). */
    pawl_cx cx = {loop, NULL, 0, 0u};
    /* Fixed while the loop runs; kept in registers across the polls. */
    int await_budget = loop->pawl__await_budget;
    uintptr_t running = (uintptr_t)loop | PAWL__LINK_RUNNING;
    uintptr_t waiting = (uintptr_t)loop | PAWL__LINK_WAITING;
    for (unsigned budget = loop->pawl__poll_budget; budget != 0; budget--) {
        if ((t = pawl__run_pop(loop)) == NULL)
            break;
        task_poll(loop, &cx, t, await_budget, running, waiting);
    }
#endif
}

/* ---- the other phases -------------------------------------------------- */

/* Wait on the platform (or the reactor) until the next timer is due or a
 * remote wake arrives, and not at all if something is ready to run (or
 * `mode` says never to block); then deliver remote wakes.  Order matters
 * against pawl_wake_remote: the platform drains its notification first,
 * then `notified` is cleared, then the inbox is taken; so a ring that
 * lands after the inbox was taken finds `notified` clear and notifies
 * again, and no ring is ever left waiting. */
static int phase_poll(pawl_loop *loop, pawl_run_mode mode)
{
    /* Referenced immediates keep it from blocking; unreferenced ones wait
     * for a reason to wake, as in Node. */
    uint64_t deadline = 0; /* do not block */
    if (mode != PAWL_RUN_NOWAIT && !(loop->pawl__flags & PAWL__L_STOP) &&
        loop->pawl__run_head == 0 && loop->pawl__remote_ready == NULL &&
        loop->pawl__immediates_ref == 0) {
        deadline = pawl__timers_next_ns(loop);
        if (deadline == 0)
            deadline = 1; /* due now: look, but do not block */
    } else if (loop->pawl__io.open == 0 && loop->pawl__remote_ready == NULL &&
               atomic_load_explicit(&loop->pawl__notified, memory_order_acquire) == 0) {
        return 0; /* no descriptors, nothing rang, nothing left over */
    }
    /* With descriptors open, the reactor waits (src/io.c), and looks at
     * them even when it must not block. */
    pawl_platform *p = loop->pawl__platform;
    int rc = loop->pawl__io.open != 0 ? loop->pawl__io.poll(loop, deadline)
                                      : p->ops->wait(p, deadline);
    if (rc != 0)
        return rc;
    /* Only pawl_wake_remote sets `notified`, and only delivery fills the
     * ready list, so both imply a remote was opened, which set the hook
     * (a program without remotes links none of src/remote.c). */
    int rang = atomic_exchange_explicit(&loop->pawl__notified, 0, memory_order_acq_rel) != 0;
    if (rang || loop->pawl__remote_ready != NULL)
        loop->pawl__remote_pass(loop, rang);
    return 0;
}

int pawl_loop_run(pawl_loop *loop, pawl_run_mode mode)
{
    int rc = pawl__loop_check(loop);
    if (rc != 0)
        return rc;
    if ((unsigned)mode > PAWL_RUN_NOWAIT)
        return PAWL_EINVAL;
    if (loop->pawl__flags & PAWL__L_RUNNING)
        return PAWL_EBUSY;
    loop->pawl__flags |= PAWL__L_RUNNING;
    /* As libuv: a loop with nothing alive runs no phase at all (it only
     * reads the clock), so an unreferenced timer or immediate never runs
     * on its own.  After the first pass, `result` is 1 here. */
    int result = loop_alive(loop);
    for (;;) {
        loop_read_clock(loop);
        if (result == 0)
            break;
        loop->pawl__iterations++;
        PAWL__TRACE(loop, LOOP_ITERATION, loop, loop->pawl__iterations);
        /* Microtasks queued from outside the loop (Node's "main script")
         * run before anything else, as Node drains them before its first
         * timer. */
        if (loop->pawl__mt_head != NULL)
            pawl__microtasks_drain(loop);
        pawl__timers_run(loop);
        phase_tasks(loop);
        /* Nothing left alive: end here, before the poll and check phases,
         * as libuv checks after its timers; so an unreferenced immediate
         * queued by the last timer does not run, as in Node. */
        if (!loop_alive(loop)) {
            result = 0;
            break;
        }
        rc = phase_poll(loop, mode);
        if (rc < 0) {
            result = rc;
            break;
        }
        if (loop->pawl__js_ops != NULL) /* the check phase */
            loop->pawl__js_ops->check(loop);
        result = loop_alive(loop); /* a queued task is a live one */
        if (mode != PAWL_RUN_DEFAULT || (loop->pawl__flags & PAWL__L_STOP) || !result)
            break;
    }
    loop->pawl__flags &= ~(uint32_t)(PAWL__L_RUNNING | PAWL__L_STOP);
    PAWL__TRACE_ORIGIN(loop, NONE, NULL); /* what follows is outside the loop */
    return result;
}
