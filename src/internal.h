/*
 * src/internal.h -- what the loop, task and remote files share.  Not
 * installed.  Internal non-static names start with pawl__.
 */
#ifndef PAWL_INTERNAL_H
#define PAWL_INTERNAL_H

#include "pawl/pawl.h"
#include "ring.h"


/* pawl_loop.pawl__flags */
enum {
    PAWL__L_RUNNING = 1u << 0, /* inside pawl_loop_run */
    PAWL__L_STOP = 1u << 1     /* pawl_loop_stop was called */
};

/* The two low bits of pawl_task.pawl__link (see pawl/task.h; the inline
 * pawl_wake of pawl/loop.h spells them as numbers). */
enum {
    PAWL__LINK_TAG = 3u,
    PAWL__LINK_WAITING = 1u,
    PAWL__LINK_TAIL = 2u,
    PAWL__LINK_RUNNING = 3u
};

#if defined(__GNUC__)
#  define PAWL__LIKELY(x) __builtin_expect(!!(x), 1)
#  define PAWL__UNLIKELY(x) __builtin_expect(!!(x), 0)
#  define PAWL__NOINLINE __attribute__((__noinline__))
#else
#  define PAWL__LIKELY(x) (x)
#  define PAWL__UNLIKELY(x) (x)
#  define PAWL__NOINLINE
#endif

/*
 * Trace points (pawl/trace.h).  Without PAWL_TRACE every one of them is
 * ((void)0): its arguments are not even evaluated, so the library's code
 * is the same as if they were not written.  With it, each tests the
 * loop's `on` flag and calls src/trace.c only while the loop traces.
 *
 *   PAWL__TRACE(loop, kind, id, value)      an event (PAWL_TRACE_<kind>)
 *   PAWL__TRACE_ORIGIN(loop, kind, id)      what runs from now on, with no
 *                                           event (PAWL_TRACE_FROM_<kind>)
 *   PAWL__TRACE_SPAWN / _POLL / _PENDING / _FINISHED (loop, task, ...)
 *                                           a task's changes of state: they
 *                                           also keep the live-task list and
 *                                           the task's since_ns, tracing or
 *                                           not, for pawl_loop_dump
 */
#if defined(PAWL_TRACE)
#include "pawl/trace.h"

void pawl__trace_emit(pawl_loop *loop, unsigned kind, const void *id, uint64_t value,
                      unsigned flags, const void *ref);
void pawl__trace_spawn(pawl_loop *loop, pawl_task *t);
void pawl__trace_finished(pawl_loop *loop, pawl_task *t);

#  define PAWL__TRACE(loop, kind, id, value)                                 \
    do {                                                                     \
        if (PAWL__UNLIKELY((loop)->pawl__trace.on))                          \
            pawl__trace_emit((loop), PAWL_TRACE_##kind, (id), (uint64_t)(value), 0u, NULL); \
    } while (0)
#  define PAWL__TRACE_ORIGIN(loop, kind, id)                                 \
    do {                                                                     \
        (loop)->pawl__trace.origin_kind = PAWL_TRACE_FROM_##kind;            \
        (loop)->pawl__trace.origin = (id);                                   \
    } while (0)
#  define PAWL__TRACE_SPAWN(loop, t) pawl__trace_spawn((loop), (t))
#  define PAWL__TRACE_FINISHED(loop, t) pawl__trace_finished((loop), (t))
/* A poll begins; `flags` has PAWL_TRACE_F_CANCELED for a canceled one. */
#  define PAWL__TRACE_POLL(loop, t, flags)                                   \
    do {                                                                     \
        (t)->pawl__trace.since_ns = (loop)->pawl__now_ns;                    \
        if (PAWL__UNLIKELY((loop)->pawl__trace.on))                          \
            pawl__trace_emit((loop), PAWL_TRACE_TASK_POLL, (t), 0u, (flags), \
                             (t)->pawl__trace.name);                         \
    } while (0)
/* A poll returned PENDING; `flags`: 0, PAWL_TRACE_F_REQUEUED or _UNWIND.
 * (The task's since_ns stays the poll's: the cached clock has not moved.) */
#  define PAWL__TRACE_PENDING(loop, t, flags)                                \
    do {                                                                     \
        if (PAWL__UNLIKELY((loop)->pawl__trace.on))                          \
            pawl__trace_emit((loop), PAWL_TRACE_TASK_PENDING, (t),           \
                             (t)->pawl__trace.site != NULL ? (t)->pawl__trace.site->line : 0u, \
                             (flags), (t)->pawl__trace.site);                \
    } while (0)
#else
#  define PAWL__TRACE(loop, kind, id, value) ((void)0)
#  define PAWL__TRACE_ORIGIN(loop, kind, id) ((void)0)
#  define PAWL__TRACE_SPAWN(loop, t) ((void)0)
#  define PAWL__TRACE_FINISHED(loop, t) ((void)0)
#  define PAWL__TRACE_POLL(loop, t, flags) ((void)0)
#  define PAWL__TRACE_PENDING(loop, t, flags) ((void)0)
#endif

/* 0 for an open loop, else PAWL_EINVAL (NULL), PAWL_ECLOSED or
 * PAWL_EUNINIT: what every call that takes a loop checks first.
 * pawl__loop_validate (src/loop.c) is the same check out of line.
 * Compiled for size, every check is a call to it, which is smaller than
 * the test inline (gcc would keep an out-of-line copy of that in every
 * file anyway); otherwise the test is inline. */
int pawl__loop_validate(const pawl_loop *loop);

static inline int pawl__loop_check(const pawl_loop *loop)
{
#if defined(__OPTIMIZE_SIZE__)
    return pawl__loop_validate(loop);
#else
    if (loop == NULL)
        return PAWL_EINVAL;
    if (loop->pawl__magic == PAWL__LOOP_OPEN)
        return 0;
    return loop->pawl__magic == PAWL__LOOP_CLOSED ? PAWL_ECLOSED : PAWL_EUNINIT;
#endif
}

/* Append to the run queue: three stores, no branch.  The task must not be
 * queued already. */
static inline void pawl__run_push(pawl_loop *loop, pawl_task *t)
{
    t->pawl__link = (uintptr_t)loop | PAWL__LINK_TAIL;
    *loop->pawl__run_tail = (uintptr_t)t;
    loop->pawl__run_tail = &t->pawl__link;
}

/* Take the first task off the run queue, or NULL. */
static inline pawl_task *pawl__run_pop(pawl_loop *loop)
{
    pawl_task *t = (pawl_task *)loop->pawl__run_head;
    if (t == NULL)
        return NULL;
    uintptr_t next = t->pawl__link;
    if (next & PAWL__LINK_TAIL) {
        loop->pawl__run_head = 0;
        loop->pawl__run_tail = &loop->pawl__run_head;
    } else {
        loop->pawl__run_head = next;
    }
    return t;
}

/* Put a task that is WAITING on the run queue; anything else is left as it
 * is (QUEUED: already there; RUNNING: noted, re-queued after its poll;
 * not on a loop: nothing to do). */
static inline void pawl__wake_task(pawl_task *t)
{
    uintptr_t link = t->pawl__link;
#if defined(PAWL_TRACE)
    /* The same wakes, through pawl_wake's trace point. */
    if ((link & PAWL__LINK_TAG) == PAWL__LINK_WAITING ||
        ((link & PAWL__LINK_TAG) == PAWL__LINK_RUNNING && !(t->pawl__state & PAWL__T_WOKEN)))
        PAWL__TRACE_WOKEN((pawl_loop *)(link & ~(uintptr_t)PAWL__LINK_TAG), t);
#endif
    if ((link & PAWL__LINK_TAG) == PAWL__LINK_WAITING)
        pawl__run_push((pawl_loop *)(link & ~(uintptr_t)PAWL__LINK_TAG), t);
    else if ((link & PAWL__LINK_TAG) == PAWL__LINK_RUNNING)
        t->pawl__state |= PAWL__T_WOKEN;
}

/* The loop a live task belongs to, or NULL if it is not on one.  O(1)
 * unless the task is QUEUED, when the queue is followed to its tail,
 * which carries the loop. */
pawl_loop *pawl__task_loop(const pawl_task *t);

void pawl__microtasks_drain(pawl_loop *loop);

/* A pawl_io flag (pawl__flags; io.c keeps the others): the descriptor is
 * not a socket.  net.c reads and writes sockets with recv and send, which
 * skip the file layer that read and write go through; a pipe or a
 * terminal answers ENOTSOCK once, this is set, and read and write are
 * used until the handle is closed. */
#define PAWL__IO_NOT_SOCKET (1u << 4)

/* The tag bit of a microtask queue link that points at a promise reaction
 * (src/promise.c), which the drain hands to loop->pawl__promises.react. */
#define PAWL__MT_REACTION ((uintptr_t)1)

/* The `next` link of a queued node: the first field of both a
 * pawl_microtask and a pawl_reaction, read through its own type (never
 * through the other struct) so that either may be at hand. */
static inline pawl_microtask **pawl__mt_next(void *node)
{
    return (pawl_microtask **)node;
}

/* Take the first node off the microtask queue, whose head is `link` (not
 * NULL; tag bit included), and return it untagged. */
static inline void *pawl__microtask_pop(pawl_loop *loop, pawl_microtask *link)
{
    void *node = (void *)((uintptr_t)link & ~PAWL__MT_REACTION);
    pawl_microtask *next = *pawl__mt_next(node);
    if (next == (pawl_microtask *)(void *)loop) { /* the end mark */
        loop->pawl__mt_head = NULL;
        loop->pawl__mt_tail = NULL;
    } else {
        loop->pawl__mt_head = next;
    }
    *pawl__mt_next(node) = NULL; /* may be queued again from its fn */
    return node;
}

/* Append `node` (a pawl_microtask or a pawl_reaction, not queued) to the
 * microtask queue; `tag` is 0 or PAWL__MT_REACTION. */
static inline void pawl__microtask_push(pawl_loop *loop, void *node, uintptr_t tag)
{
    pawl_microtask *link = (pawl_microtask *)((uintptr_t)node | tag);
    *pawl__mt_next(node) = (pawl_microtask *)(void *)loop; /* the end mark */
    if (loop->pawl__mt_tail != NULL)
        *pawl__mt_next(loop->pawl__mt_tail) = link;
    else
        loop->pawl__mt_head = link;
    loop->pawl__mt_tail = (pawl_microtask *)node;
}

/* Remote wakes: move the inbox (filled by other threads) to the ready
 * list, and deliver the ready list. */
void pawl__remote_collect(pawl_loop *loop);
void pawl__remote_deliver(pawl_loop *loop);

/* If `task` is the remote's waiter, it is not any more (a ring not taken
 * stays for the next wait).  What a canceled pawl_remote_wait does, for a
 * waiter that got what it waited for some other way (src/spsc.c). */
void pawl__remote_forget(pawl_remote *r, const pawl_task *task);

/* Timers (src/timer.c): the timers phase, and the time the poll phase
 * must wake up for (ns; PAWL_FOREVER if no timer is armed). */
void pawl__timers_run(pawl_loop *loop);
/* Arm (or re-arm) `t` for `ms` after `base_ms` (the loop's now, or a fresh
 * clock reading of the JavaScript layer), remembering `ms` as its delay. */
void pawl__timer_arm_from(pawl_loop *loop, struct pawl_timer *t, uint64_t base_ms, uint32_t ms);
uint64_t pawl__timers_next_ns(pawl_loop *loop);

/* The JavaScript API (src/timers_js.c): the check phase; how many armed
 * timers belong to it; and freeing what is left at close.  (The poll
 * phase must not block while pawl__immediates_ref is not 0.) */
void pawl__immediates_run(pawl_loop *loop);
/* ns / 10^6 by long division in 32-bit steps.  A 32-bit core has no
 * 64-bit divide, and the library routine it would call instead is 700
 * bytes of flash on a Cortex-M3.  10^6 = 2^6 * 15625: after the shift, the
 * 58 bits left are divided by 15625 (< 2^14) in three steps: the top 26
 * bits, then 16 bits at a time, so each step's dividend, remainder * 2^16
 * + the next 16 bits, fits in 32 bits, and so does each quotient digit. */
static inline uint64_t pawl__ns_to_ms_32(uint64_t ns)
{
    uint32_t hi = (uint32_t)(ns >> 38); /* (ns >> 6) >> 32 */
    uint32_t lo = (uint32_t)(ns >> 6);
    uint32_t d = (hi % 15625u) << 16 | lo >> 16;
    uint32_t q = d / 15625u << 16;
    d = (d % 15625u) << 16 | (lo & 0xFFFFu);
    return (uint64_t)(hi / 15625u) << 32 | (q | d / 15625u);
}

/* The clock's nanoseconds in milliseconds (the timers' unit). */
static inline uint64_t pawl__ns_to_ms(uint64_t ns)
{
#if UINTPTR_MAX > 0xFFFFFFFFu
    return ns / 1000000u; /* one multiply on a 64-bit core */
#else
    return pawl__ns_to_ms_32(ns);
#endif
}

/* Read the platform's clock now (ms), not the iteration's cached time. */
static inline uint64_t pawl__clock_ms(pawl_loop *loop)
{
    return pawl__ns_to_ms(loop->pawl__platform->ops->now_ns(loop->pawl__platform));
}
size_t pawl__js_armed(const pawl_loop *loop);
/* setTimeout's delay: `ms` coerced as Node does (0, negative or above
 * 2^31 - 1 mean 1 ms; the last two warn). */
uint32_t pawl__js_delay(pawl_loop *loop, int64_t ms);
void pawl__js_close(pawl_loop *loop);
/* The three above, as loop->pawl__js_ops, set when the first JavaScript
 * timer or immediate is made: the loop calls them through it, so a
 * program that never uses that API links none of its code. */
struct pawl__js_ops {
    void (*check)(pawl_loop *loop);
    size_t (*armed)(const pawl_loop *loop);
    void (*close)(pawl_loop *loop);
};
extern const struct pawl__js_ops pawl__js_ops;

/* Report a warning to the loop's hook, if any. */
void pawl__warn(pawl_loop *loop, pawl_warning what, int64_t value, const char *message);

/* The POSIX platform's wait length for a deadline (src/platform_posix.c):
 * exact nanoseconds (UINT64_MAX: no limit), or milliseconds rounded up
 * (-1: no limit) for systems that wait in milliseconds. */
uint64_t pawl__wait_ns(uint64_t deadline_ns, uint64_t now_ns);
int pawl__wait_ms(uint64_t deadline_ns, uint64_t now_ns);

void *pawl__alloc(pawl_loop *loop, size_t size);
void pawl__free(pawl_loop *loop, void *ptr, size_t size);

#endif /* PAWL_INTERNAL_H */
