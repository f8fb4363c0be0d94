/*
 * pawl/task.h -- tasks, the poll context, wakers and join.
 *
 * A task is a stackless coroutine: a struct of yours that embeds a
 * pawl_task, and a poll function written with the PAWL_BEGIN family of
 * macros below.  Everything the task needs across an await is a field of
 * your struct; locals do not survive an await (see pawl/pt.h).
 *
 *     typedef struct greeter {
 *         pawl_task task;          // the header: four words
 *         pawl_remote *bell;       // what we wait on
 *         int rings;               // a "local" that lives across awaits
 *     } greeter;
 *
 *     static pawl_poll greeter_poll(pawl_task *t, pawl_cx *cx)
 *     {
 *         greeter *g = PAWL_CONTAINER_OF(t, greeter, task);
 *         int rc;
 *         PAWL_BEGIN(cx);
 *         while (g->rings < 3) {
 *             PAWL_AWAIT(cx, rc, pawl_remote_wait(g->bell, cx));
 *             g->rings++;
 *         }
 *         PAWL_CLEANUP(cx);           // optional; runs on every exit
 *         printf("rang %d times\n", g->rings);
 *         PAWL_END(cx);
 *     }
 *
 *     pawl_task_init(&g.task, greeter_poll);
 *     pawl_task_spawn(&loop, &g.task);
 *
 * TASK STATES
 * ===========
 *
 *                 spawn                       poll
 *     (init) ──────────────▶ QUEUED ─────────────────▶ RUNNING
 *                              ▲                      │   │   │
 *                        wake  │         PAWL_PENDING │   │   │ PAWL_READY
 *                              │                      ▼   │   ▼
 *                            WAITING ◀────────────────┘   │  DONE ──spawn──▶ QUEUED
 *                                                         │   ▲     (next generation)
 *       cancel (QUEUED, WAITING or RUNNING):              │   │
 *         the task is polled once more with a canceled    └───┘
 *         context; its pending await gives back what it   cleanup section,
 *         held and the task jumps to PAWL_CLEANUP (or     then PAWL_END
 *         its end); the join result is PAWL_ECANCELED.
 *         Canceled before its first poll: DONE at once, never polled.
 *
 *   QUEUED   on the loop's run queue, exactly once.
 *   RUNNING  its poll function is on the stack.  A wake now (including its
 *            own PAWL_YIELD) re-queues it after the poll returns.
 *   WAITING  returned PAWL_PENDING; some future holds its waker.
 *   DONE     finished or canceled; the join result is kept until the task
 *            is spawned again.  Its generation has advanced, so every waker
 *            handed out before is now stale and waking it does nothing.
 *
 * OWNERSHIP AND LIFETIME
 * ======================
 *
 * You allocate the task (statically, on a stack that outlives the loop
 * run, or on the heap); pawl never allocates or frees it.  Its memory
 * must stay valid from spawn until it is DONE and, if anything may still
 * call pawl_wake with one of its wakers, for as long as that may happen.
 * pawl's own futures give a waker back when the task that holds it is
 * canceled or finishes its await, so in practice: keep the task alive
 * until DONE, then free it.
 *
 * A task belongs to the loop it was spawned on; every function here must
 * be called on that loop's thread.  The only call that is safe from
 * another thread or a signal handler is pawl_wake_remote (pawl/loop.h).
 */
#ifndef PAWL_TASK_H
#define PAWL_TASK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pawl/pt.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The loop (pawl/loop.h), a task header (below: embed one first in your
 * task's struct), and the context a poll function is given (its waker and
 * whether it is being canceled; see pawl_cx_* below). */
typedef struct pawl_loop pawl_loop;
typedef struct pawl_task pawl_task;
typedef struct pawl_cx pawl_cx;

/* The poll function of a task.  Returns PAWL_PENDING or PAWL_READY and
 * nothing else: write the body with the macros below, and leave it through
 * PAWL_END or PAWL_EXIT, never with `return <error>` (a task reports
 * errors in its own struct; debug builds assert this). */
typedef pawl_poll pawl_task_fn(pawl_task *task, pawl_cx *cx);

/* The state word is as wide as the resume point, so that the header is
 * four words: 32 bytes on 64-bit targets and 16 bytes on 32-bit ones. */
#if PAWL_LC_BITS == 32
typedef uint32_t pawl_gen;
#else
typedef uint16_t pawl_gen;
#endif

/*
 * The task header.  Every field is private: use the functions below.
 *
 * pawl__link   where the task is, by the two low bits (the loop and all
 *              tasks are at least 4-byte aligned):
 *                0                 not on a loop: never spawned, or DONE;
 *                ptr|0 (ptr != 0)  QUEUED; ptr is the next queued task, or
 *                                  the loop tagged |2 if this is the last;
 *                loop|1            WAITING on `loop`;
 *                loop|3            RUNNING on `loop`.
 *              So a wake finds the loop without a separate field, and
 *              "already queued" costs one test.  Alive == (link != 0).
 * pawl__poll   the poll function; set by init, never changed.
 * pawl__joiner the task awaiting this one's completion, or NULL.
 * pawl__lc     the resume point while the task is alive; its join result
 *              (0 or PAWL_ECANCELED) once it is DONE.
 * pawl__state  PAWL__T_* flag bits below PAWL__T_GEN_SHIFT, the
 *              generation above: it advances when the task finishes, which
 *              makes every earlier waker stale (11 bits on 32-bit targets,
 *              27 on 64-bit; a waker that survives a full wrap of them can
 *              only cause a spurious poll, which every future tolerates).
 */
#if defined(PAWL_TRACE)
/* Where an await is: one static const per PAWL_AWAIT / PAWL_YIELD in a
 * PAWL_TRACE build (pawl/trace.h). */
typedef struct pawl_trace_site {
    const char *file; /* __FILE__ */
    const char *expr; /* the awaited expression as written, or "PAWL_YIELD" */
    uint32_t line;    /* __LINE__ */
} pawl_trace_site;
#endif

struct pawl_task {
    uintptr_t pawl__link;
    pawl_task_fn *pawl__poll;
    pawl_task *pawl__joiner;
    pawl_lc pawl__lc;
    pawl_gen pawl__state;
#if defined(PAWL_TRACE)
    /* Only with PAWL_TRACE (pawl/trace.h), after the four words:
     *   next, prev  the loop's list of live tasks (spawn order), from
     *               spawn until DONE; NULL otherwise
     *   site        the await the resume point is at, or last passed
     *               (NULL before the first); set by the macros
     *   name        PAWL_TRACE_NAME's, or NULL
     *   since_ns    the loop's cached time (ns) at its last change of
     *               state: spawned, woken, polled (a poll ends in the
     *               iteration it began, at the same cached time) */
    struct pawl__task_trace {
        pawl_task *next, *prev;
        const pawl_trace_site *site;
        const char *name;
        uint64_t since_ns;
    } pawl__trace;
#endif
};

/* Flag bits of pawl__state. */
enum {
    PAWL__T_DONE = 1u << 0,    /* finished at least once; result in lc */
    PAWL__T_CANCEL = 1u << 1,  /* cancel requested */
    PAWL__T_CLEANUP = 1u << 2, /* in the cleanup section: not cancelable */
    PAWL__T_WOKEN = 1u << 3,   /* woken while RUNNING: re-queue after poll */
    PAWL__T_UNSTARTED = 1u << 4, /* spawned and not yet polled */
    PAWL__T_GEN_SHIFT = 5
};
#define PAWL__T_GEN_MASK ((pawl_gen) ~(pawl_gen)((1u << PAWL__T_GEN_SHIFT) - 1))

/* A statically initialised task, ready to spawn (for firmware that keeps
 * its tasks in .data): `static my_task t = { .task = PAWL_TASK_INIT(f) };` */
#if defined(PAWL_TRACE)
#define PAWL_TASK_INIT(fn) { 0, (fn), NULL, 0, 0, { NULL, NULL, NULL, NULL, 0 } }
#else
#define PAWL_TASK_INIT(fn) { 0, (fn), NULL, 0, 0 }
#endif

/* Recover your struct from the embedded header. */
#define PAWL_CONTAINER_OF(ptr, type, member)                                 \
    ((type *)(void *)((char *)(ptr) - offsetof(type, member)))

/*
 * The poll context, handed to every poll.  `loop` and `task` are public and
 * read-only; the rest is private.  It lives only for the duration of one
 * poll: never keep a pointer to it, take a waker instead.
 */
struct pawl_cx {
    pawl_loop *loop;      /* read-only: the loop polling this task */
    pawl_task *task;      /* read-only: the task being polled */
    int pawl__budget;     /* awaits left before a forced yield */
    unsigned pawl__flags; /* PAWL__CX_* */
};

enum { PAWL__CX_CANCEL = 1u };

/*
 * A waker wakes one task, once: it puts the task on its loop's run queue
 * unless it is already there.  O(1), no allocation, idempotent.  A waker
 * taken before the task finished (or before it was spawned again) is stale:
 * waking it does nothing.  Copy it freely; a zeroed waker wakes nothing.
 */
typedef struct pawl_waker {
    pawl_task *task;
    pawl_gen gen;
} pawl_waker;

/* ---- lifecycle --------------------------------------------------------- */

/* Prepare fresh memory as a task that will run `fn`.  Does not read the
 * struct.  To run a finished task again, spawn it again instead (init
 * would reset its generation).  PAWL_EINVAL if `task` or `fn` is NULL. */
int pawl_task_init(pawl_task *task, pawl_task_fn *fn);

/* Put the task on the loop's run queue; it is polled in the loop's next
 * task phase.  A DONE task starts over from the top with a new generation.
 * Errors: PAWL_EINVAL (NULL, or a task never initialised),
 * PAWL_EUNINIT / PAWL_ECLOSED (the loop), PAWL_EALREADY (still alive). */
int pawl_task_spawn(pawl_loop *loop, pawl_task *task);

/* Ask a task to stop.  Its pending await reports cancellation (the future
 * gives back what it holds), its cleanup section runs, and its join
 * result becomes PAWL_ECANCELED.  Takes effect when the loop next polls
 * it: cancel is a request, and returns at once.  A task canceled before
 * its first poll never runs at all, not even its cleanup section (which
 * may rely on what the body would have set up).  A cancel requested
 * before the task finished makes its result PAWL_ECANCELED even if the
 * body happens to complete in the same poll.
 * Returns 0; also 0, doing nothing, for a DONE task or one already in its
 * cleanup section.  Errors: PAWL_EINVAL (NULL or never spawned),
 * PAWL_EUNINIT / PAWL_ECLOSED (the loop), PAWL_EFOREIGN (the task runs on
 * another loop), PAWL_EALREADY (cancel was already requested). */
int pawl_task_cancel(pawl_loop *loop, pawl_task *task);

/* Where the task is in the state chart above. */
typedef enum pawl_task_state {
    PAWL_TASK_INIT,    /* initialised, never spawned */
    PAWL_TASK_QUEUED,
    PAWL_TASK_RUNNING,
    PAWL_TASK_WAITING,
    PAWL_TASK_DONE
} pawl_task_state;

/* A pawl_task_state, or PAWL_EINVAL for a NULL task. */
int pawl_task_get_state(const pawl_task *task);

/* ---- the join future --------------------------------------------------- */

/*
 * Await another task's completion:
 *
 *     PAWL_AWAIT(cx, rc, pawl_task_join(&child->task, cx));
 *     // rc: 0 if the child finished, PAWL_ECANCELED if it was canceled
 *
 * A task's results live in its own struct, which the joiner owns and reads
 * after the join.  One task at a time may await a given task (PAWL_EBUSY
 * for a second).  The result is kept until the target is spawned again:
 * spawning it again before its joiner has seen the result makes the
 * joiner wait for the new run instead.  Errors: PAWL_EINVAL (NULL, never
 * spawned, or a task joining itself), PAWL_EFOREIGN (the target runs on
 * another loop).
 */
pawl_poll pawl_task_join(pawl_task *target, pawl_cx *cx);

/* ---- wakers ------------------------------------------------------------ */

/* The waker of the task being polled. */
static inline pawl_waker pawl_cx_waker(const pawl_cx *cx)
{
    pawl_waker w = {cx->task, (pawl_gen)(cx->task->pawl__state & PAWL__T_GEN_MASK)};
    return w;
}

/* True while the task being polled is being canceled.  A future that sees
 * this must give back whatever it holds (registrations, permits, items not
 * yet taken) and return PAWL_ECANCELED, checking it before anything
 * else.  Polling a future once with a canceled context is also how a
 * combinator drops a future it no longer wants: it is the one uniform
 * "drop" in pawl. */
static inline bool pawl_cx_canceled(const pawl_cx *cx)
{
    return (cx->pawl__flags & PAWL__CX_CANCEL) != 0;
}

/* pawl_wake(waker), which wakes the task, is in pawl/loop.h: its common
 * case is inline there, where the run queue it appends to is defined. */

/* ---- task macros ------------------------------------------------------- */
/*
 * The body of a task's poll function:
 *
 *     PAWL_BEGIN(cx);
 *       ... awaits ...
 *     PAWL_CLEANUP(cx);      // optional
 *       ... runs after normal completion, PAWL_EXIT, and cancellation ...
 *     PAWL_END(cx);
 *
 * All of them take the poll context `cx`; the task is cx->task.
 */

/* First statement of the task body. */
#define PAWL_BEGIN(cx) PAWL__LC_BEGIN((cx)->task->pawl__lc)

/* Last statement: the task is finished (PAWL_READY). */
#define PAWL_END(cx)                                                         \
    PAWL__LC_END((cx)->task->pawl__lc)                                       \
    return PAWL_READY

/*
 * PAWL_AWAIT(cx, rc, poll_expr): suspend until `poll_expr` is ready and
 * store its result (0 or a negative error code) in the int lvalue `rc`.
 *
 * `poll_expr` is evaluated at every poll of the task while it waits; it
 * must return PAWL_PENDING only after arranging a wake (storing
 * pawl_cx_waker(cx) somewhere).  Every pawl future's poll function does.
 *
 * If the task is canceled while waiting, `poll_expr` is evaluated once
 * more with a canceled context (so the future releases what it holds) and
 * control goes to the cleanup section.
 *
 * Each await also spends one unit of the cooperative budget: a task whose
 * awaits are all immediately ready still yields to the loop every
 * `await_budget` awaits (pawl_loop_opts), so it cannot starve other tasks,
 * timers or I/O.
 */
#if defined(PAWL_TRACE)
/* With PAWL_TRACE, the await first notes where it is (pawl/trace.h); the
 * text of the expression is taken here, before it is macro-expanded. */
#define PAWL_AWAIT(cx, rc, poll_expr)                                        \
    PAWL__TRACE_AT(cx, #poll_expr, PAWL__AWAIT(cx, rc, poll_expr, PAWL__ID))
#else
#define PAWL_AWAIT(cx, rc, poll_expr) PAWL__AWAIT(cx, rc, poll_expr, PAWL__ID)
#endif
#define PAWL__AWAIT(cx, rc, poll_expr, n)                                    \
    do {                                                                     \
        PAWL__LC_SAVE((cx)->task->pawl__lc, n);                              \
        PAWL__LC_LABEL((cx)->task->pawl__lc, n)                              \
        if (--(cx)->pawl__budget < 0 && !pawl_cx_canceled(cx))               \
            return pawl__task_yield(cx);                                     \
        (rc) = (poll_expr);                                                  \
        if (pawl_cx_canceled(cx))                                            \
            return pawl__task_unwind(cx);                                    \
        if ((rc) == PAWL_PENDING)                                            \
            return PAWL_PENDING;                                             \
    } while (0)

/* PAWL_YIELD(cx): go to the back of the run queue, letting every other
 * runnable task (and, once the budget is spent, timers and I/O) run. */
#if defined(PAWL_TRACE)
#define PAWL_YIELD(cx) PAWL__TRACE_AT(cx, "PAWL_YIELD", PAWL__YIELD(cx, PAWL__ID))
#else
#define PAWL_YIELD(cx) PAWL__YIELD(cx, PAWL__ID)
#endif
#define PAWL__YIELD(cx, n)                                                   \
    do {                                                                     \
        PAWL__LC_SAVE((cx)->task->pawl__lc, n);                              \
        return pawl__task_yield(cx);                                         \
        PAWL__LC_LABEL((cx)->task->pawl__lc, n)                              \
        if (pawl_cx_canceled(cx))                                            \
            return pawl__task_unwind(cx);                                    \
    } while (0)

/* PAWL_EXIT(cx): leave the body now; the cleanup section still runs. */
#define PAWL_EXIT(cx) return pawl__task_unwind(cx)

/* PAWL_CLEANUP(cx): start of the cleanup section.  Reached by falling
 * through from the body, by PAWL_EXIT, or by cancellation.  The cleanup
 * section may await; it is not interrupted by a further cancel.  Write it
 * at the top level of the body (not inside a block), at most once. */
#define PAWL_CLEANUP(cx)                                                     \
    PAWL__LC_CLEANUP_LABEL((cx)->task->pawl__lc)                             \
    pawl__task_cleanup_enter(cx)

/* ---- internals used by the macros -------------------------------------- */

#if defined(PAWL_TRACE)
/* Run `stmt` (an await or a yield) after recording its site in the task:
 * one store when control first reaches the await, none when a poll
 * resumes there (the resume label is inside `stmt`).  The site is a
 * static const, so it outlives the task (C11 allows one in an inline
 * function too: it is not modifiable). */
#define PAWL__TRACE_AT(cx, text, stmt)                                       \
    do {                                                                     \
        static const pawl_trace_site pawl__site = {__FILE__, text, __LINE__}; \
        (cx)->task->pawl__trace.site = &pawl__site;                          \
        stmt;                                                                \
    } while (0)
#endif

static inline pawl_poll pawl__task_yield(pawl_cx *cx)
{
    cx->task->pawl__state |= PAWL__T_WOKEN;
    return PAWL_PENDING;
}

static inline void pawl__task_cleanup_enter(pawl_cx *cx)
{
    cx->task->pawl__state |= PAWL__T_CLEANUP;
    cx->pawl__flags &= ~(unsigned)PAWL__CX_CANCEL;
}

pawl_poll pawl__task_unwind(pawl_cx *cx);

#ifdef __cplusplus
}
#endif

#endif /* PAWL_TASK_H */
