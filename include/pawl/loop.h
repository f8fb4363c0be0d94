/*
 * pawl/loop.h -- the loop: executor, microtasks, remote wakes, allocator.
 *
 * ONE ITERATION (the ordering contract; see docs/design.md)
 * =========================================================
 *
 *   1. now      read the platform clock once; every callback in this
 *               iteration sees the same pawl_loop_now().  Microtasks queued
 *               from outside the loop (before run) are drained here.
 *   2. timers   due timers run in (deadline, arm order), microtasks drained
 *               after each; timers armed meanwhile wait for the next pass
 *               (pawl/timer.h).
 *   3. tasks    poll queued tasks in FIFO order, microtasks drained after
 *               each poll, until the queue is empty or `poll_budget` polls
 *               have run; whatever is left waits for the next iteration.
 *   4. poll     wait on the platform (later: the reactor) until the next
 *               deadline, not at all if work is queued; deliver remote
 *               wakes (and, later, I/O readiness) to wakers and callbacks.
 *   5. check    setImmediate callbacks queued before the phase began, in
 *               order, microtasks drained after each.
 *   6. The loop is alive while a task is alive or a handle (a remote, an
 *      armed timer, a queued immediate, later an I/O watcher) is referenced.
 *
 * LIFECYCLE
 * =========
 *
 *   pawl_loop_init -> (spawn, run, ...) -> pawl_loop_close
 *
 * The pawl_loop struct is yours (static, stack or heap).  It may be freed
 * after pawl_loop_close returned 0.  Every function taking a loop returns
 * PAWL_EUNINIT for a loop that was zeroed but never initialised and
 * PAWL_ECLOSED for a closed one.  One loop per thread; a program may have
 * several.
 */
#ifndef PAWL_LOOP_H
#define PAWL_LOOP_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "pawl/config.h"
#include "pawl/platform.h"
#include "pawl/task.h"
#include "pawl/wheel.h"

/* pawl_wake here, and the fast paths of pawl/timer.h and pawl/sync.h, are
 * C99 `inline` functions with one external definition in the library.
 * Under GNU89 inline rules (-std=gnu89, -fgnu89-inline) every file that
 * includes them would define them again: refuse clearly instead of
 * failing at link time. */
#if defined(__GNUC_GNU_INLINE__)
#  error "pawl needs C99 inline semantics: compile with -std=c99 or later, without -fgnu89-inline"
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ---- the allocator ----------------------------------------------------- */
/*
 * The core never allocates: tasks, remotes and intrusive microtasks are
 * yours.  The few conveniences that do allocate (pawl_queue_microtask, and
 * later the JS-style timer ids and promises) say so in their comments and
 * go through this one function, in the manner of Lua's lua_Alloc:
 *
 *   new_size > 0:  return a block of new_size bytes, or NULL on failure
 *                  (ptr is NULL for a fresh block, else resize it);
 *   new_size == 0: free ptr (may be NULL) and return NULL.
 *
 * `old_size` is the size the block was allocated with (0 for a fresh one).
 * Zero in the options means the default, pawl_default_alloc.
 */
typedef void *pawl_alloc_fn(void *ud, void *ptr, size_t old_size, size_t new_size);

/* The default allocator: malloc/realloc/free, or in a PAWL_NO_MALLOC build
 * the static arena of pawl/config.h (`ud` is ignored either way). */
void *pawl_default_alloc(void *ud, void *ptr, size_t old_size, size_t new_size);

/*
 * An arena: a pawl_alloc_fn over one block of memory you give it (a static
 * array on a microcontroller), with no header per allocation.
 *
 *   static unsigned char heap[2048];
 *   static pawl_arena arena;
 *   pawl_arena_init(&arena, heap, sizeof heap);
 *   opts.alloc = pawl_arena_alloc;  opts.alloc_ud = &arena;
 *
 * Free space is kept in address order and merged with its neighbours when
 * a block is given back; an allocation takes the first free run that is
 * large enough (first fit).  Sizes are rounded up to PAWL_ARENA_ALIGN, the
 * alignment of every block.  Running out gives NULL, which pawl reports as
 * PAWL_ENOMEM.  Not thread-safe: one arena per loop, or your own lock.
 *
 * Because pawl_alloc_fn passes the size on every free, the arena keeps no
 * header: `old_size` must be the size the block was asked with (pawl's
 * own callers always pass it).  Fields are private; read them with the
 * accessors.
 */
#define PAWL_ARENA_ALIGN (2 * sizeof(void *))

/* The arena's state, caller-allocated (it does not own the memory given
 * to pawl_arena_init).  Not thread-safe. */
typedef struct pawl_arena {
    unsigned char *pawl__base; /* aligned start of the usable memory */
    size_t pawl__size;         /* usable bytes, a multiple of the alignment */
    void *pawl__free;          /* free runs in address order */
    size_t pawl__used;         /* bytes handed out (rounded sizes) */
    size_t pawl__peak;         /* the most pawl__used has been */
} pawl_arena;

/* Use `size` bytes at `mem` (any alignment; the start is rounded up).
 * PAWL_EINVAL for NULL, or for memory too small to hold one block. */
int pawl_arena_init(pawl_arena *a, void *mem, size_t size);

/* The pawl_alloc_fn: `ud` is the pawl_arena.  A resize that grows moves
 * the block (copying old_size bytes) and keeps the old one on failure. */
void *pawl_arena_alloc(void *ud, void *ptr, size_t old_size, size_t new_size);

/* Bytes handed out now, and the most ever at once (0 for NULL). */
size_t pawl_arena_used(const pawl_arena *a);
size_t pawl_arena_peak(const pawl_arena *a);

/* ---- warnings ---------------------------------------------------------- */
/*
 * Things worth telling a person about that are not errors of the call that
 * found them (Node prints these as process warnings).  pawl prints nothing
 * itself: install a hook to see them.  `value` is the number in question
 * (the delay that was coerced, the error code a callback returned).
 */
typedef enum pawl_warning {
    PAWL_WARN_TIMEOUT_OVERFLOW = 1, /* delay > 2^31 - 1 ms: 1 ms used */
    PAWL_WARN_TIMEOUT_NEGATIVE = 2, /* delay < 0: 1 ms used */
    PAWL_WARN_CALLBACK_ERROR = 3    /* a timer callback returned an error */
} pawl_warning;

/* The warning hook (pawl_loop_opts.warn), called on the loop's thread as
 * the condition is found; `message` is a static string, `ud` is
 * opts.warn_ud.  It may not close the loop. */
typedef void pawl_warn_fn(void *ud, pawl_loop *loop, pawl_warning what, int64_t value,
                          const char *message);

/* ---- unhandled promise rejections --------------------------------------- */
/*
 * The hook of pawl/promise.h ("unhandled rejections"): `event` says whether
 * `p` was rejected with no handler (reported once, after the microtask
 * queue drained) or got one after that report.  `p` and `reason` are
 * borrowed for the call.
 */
struct pawl_promise;
struct pawl_promise_pool;
struct pawl_value;

/* What a call of the rejection hook reports. */
typedef enum pawl_rejection_event {
    PAWL_REJECTION_UNHANDLED = 1, /* Node: 'unhandledRejection' */
    PAWL_REJECTION_HANDLED = 2    /* Node: 'rejectionHandled' */
} pawl_rejection_event;

/* The rejection hook (pawl_loop_opts.on_rejection), called on the loop's
 * thread; `ud` is opts.rejection_ud.  It may take its own reference to `p`
 * (pawl/promise.h) to keep it past the call. */
typedef void pawl_rejection_fn(void *ud, pawl_loop *loop, struct pawl_promise *p,
                               pawl_rejection_event event, const struct pawl_value *reason);

/* ---- the reactor (pawl/io.h) -------------------------------------------- */

/* Which readiness backend a loop uses for its descriptors.  DEFAULT is the
 * one pawl was built with (CMake PAWL_BACKEND: epoll on Linux, poll
 * elsewhere). */
typedef enum pawl_backend {
    PAWL_BACKEND_DEFAULT = 0,
    PAWL_BACKEND_EPOLL,
    PAWL_BACKEND_POLL,
    PAWL_BACKEND_URING
} pawl_backend;

/* ---- options ----------------------------------------------------------- */

/* Zero means default for every field:
 * `pawl_loop_init(&loop, &(pawl_loop_opts){0})` or just NULL. */
typedef struct pawl_loop_opts {
    pawl_platform *platform; /* default: a POSIX platform inside the loop;
                                required in a PAWL_NO_OS build */
    pawl_alloc_fn *alloc;    /* default: pawl_default_alloc */
    void *alloc_ud;
    unsigned poll_budget;    /* task polls per iteration; default 128 */
    unsigned await_budget;   /* ready awaits per poll before a forced
                                yield; default 128 */
    pawl_warn_fn *warn;      /* default: none (warnings are dropped) */
    void *warn_ud;
    pawl_rejection_fn *on_rejection; /* default: print to stderr */
    void *rejection_ud;
    struct pawl_promise_pool *promise_pool; /* default: none, promises come
                                               from `alloc` (pawl/promise.h) */
    pawl_backend backend;    /* default: PAWL_BACKEND_DEFAULT */
} pawl_loop_opts;

#define PAWL_DEFAULT_POLL_BUDGET 128u
#define PAWL_DEFAULT_AWAIT_BUDGET 128u

/* A microtask (see "microtasks" below): a caller-allocated node and the
 * function it runs with its `arg`, on the loop's thread, once per queueing. */
typedef struct pawl_microtask pawl_microtask;
typedef void pawl_microtask_fn(void *arg);

/* A microtask node (see "microtasks" below).  Fields private. */
struct pawl_microtask {
    pawl_microtask *pawl__next; /* NULL when not queued */
    pawl_microtask_fn *pawl__fn;
    void *pawl__arg;
};
typedef struct pawl_remote pawl_remote;
struct pawl_timer;

/* pawl_loop.pawl__magic: a zeroed loop reads as "never initialised".
 * (Public only for the inline fast paths of pawl/timer.h.) */
#define PAWL__LOOP_OPEN 0x7061776cu   /* "pawl" */
#define PAWL__LOOP_CLOSED 0x636c6f73u /* "clos" */

/* The loop.  Every field is private. */
struct pawl_loop {
    uint32_t pawl__magic;       /* PAWL__LOOP_OPEN / _CLOSED; else never init */
    uint32_t pawl__flags;       /* PAWL__L_* */
    uintptr_t pawl__run_head;   /* first QUEUED task, 0 when empty */
    uintptr_t *pawl__run_tail;  /* the link to fill on the next push: the
                                   last task's pawl__link, or &run_head when
                                   the queue is empty (so a loop must not be
                                   moved after init) */
    pawl_microtask *pawl__mt_head; /* FIFO of queued microtasks */
    pawl_microtask *pawl__mt_tail;
    _Atomic(pawl_remote *) pawl__remote_inbox; /* LIFO pushed by any thread */
    pawl_remote *pawl__remote_ready;           /* loop-owned, FIFO: next pass */
    pawl_remote *pawl__remote_delivering;      /* the pass being delivered */
    void (*pawl__remote_pass)(pawl_loop *, int); /* set by the first remote
                                                    (src/remote.c) */
    atomic_int pawl__notified;  /* a platform notify is in flight */
    pawl_platform *pawl__platform;
    pawl_alloc_fn *pawl__alloc; /* NULL: pawl_default_alloc */
    void *pawl__alloc_ud;
    uint64_t pawl__now_ns;      /* cached at the top of each iteration */
    uint64_t pawl__now_ms;      /* the same in ms: the timers' clock */
    uint64_t pawl__iterations;
    size_t pawl__live_tasks;    /* spawned and not DONE */
    size_t pawl__refs;          /* referenced handles but timers */
    size_t pawl__handles;       /* open handles, referenced or not, but
                                   timers: armed timers are counted by
                                   the wheel, and those unreferenced in
                                   pawl__timers_unref, so arming touches
                                   one counter */
    size_t pawl__timers_unref;
    size_t pawl__immediates_ref; /* queued, referenced immediates */
    unsigned pawl__poll_budget;
    int pawl__await_budget;
    pawl_warn_fn *pawl__warn;
    void *pawl__warn_ud;
    /* Timers (src/timer.c).  The mark is a wheel node armed for "now" at
     * the start of each timers pass: timers armed during the pass land
     * behind it and wait for the next pass. */
    struct pawl_timer *pawl__timer_running; /* whose callback runs now */
    pawl_wheel_node pawl__timer_mark;
    /* Timers armed since the wheel was last brought up to date, in arm
     * order; filed into the wheel before it is next read (src/timer.c). */
    pawl_wheel_link pawl__timers_staged;
    /* The JavaScript API (src/timers_js.c): the id table (uthash), the
     * last id handed out, the functions the loop calls back (so it
     * links none of them unless they are used), immediates queued, and
     * those of the check phase that is running (new ones wait for the
     * next). */
    void *pawl__js_table;
    int64_t pawl__js_last_id;
    const struct pawl__js_ops *pawl__js_ops; /* NULL until first used */
    pawl_wheel_link pawl__immediates;
    pawl_wheel_link pawl__immediates_running;
    /* Promises (src/promise.c): zero until the loop makes its first one.
     * `react` runs a reaction taken off the microtask queue (queue links
     * to reactions carry a low tag bit), so the loop does not link the
     * promise code unless a program uses promises. */
    struct pawl__promises {
        void (*react)(pawl_loop *loop, void *reaction);
        void (*close)(pawl_loop *loop); /* frees the slabs */
        struct pawl__blocks {
            void *free;               /* freed blocks, linked through word 0 */
            char *carve, *end;        /* never used yet: the slab's rest */
            size_t next_slab;         /* blocks in the next slab (doubles) */
        } promise_blocks, reaction_blocks;
        void *slabs;                  /* allocated slabs, freed at close */
        struct pawl_promise_pool *pool;
        size_t live_promises;         /* (reactions always belong to a
                                         promise, a queued microtask or a
                                         live task) */
        struct pawl_promise *rejections; /* to report when the queue drains */
        struct pawl_promise *dead;    /* being freed (iteratively) */
        pawl_microtask report;        /* queued while `rejections` is not empty */
        pawl_rejection_fn *on_rejection;
        void *rejection_ud;
        unsigned char ready;          /* the fields above are set up */
        unsigned char freeing;        /* a release is draining `dead` */
    } pawl__promises;
    /* I/O (src/io.c): the reactor, set up when the first handle opens. */
    struct pawl__io_loop {
        const struct pawl__reactor *ops; /* NULL until then */
        int (*poll)(pawl_loop *loop, uint64_t deadline); /* the poll phase
                                            with descriptors (src/io.c),
                                            so that the loop links no I/O
                                            code of its own */
        void (*close)(pawl_loop *loop);
        void *state;                     /* the backend's (allocated) */
        struct pawl_io *pending;         /* watched handles with cached
                                            events to report */
        struct pawl_io *pending_later;   /* those reported in this phase
                                            that are still ready: the next
                                            phase's */
        size_t open;                     /* open handles */
        unsigned backend;                /* pawl_backend asked for */
        int notify_fd;                   /* the platform's, or -1 */
        unsigned char notified;          /* it fired in the last wait */
    } pawl__io;
#if !defined(PAWL_NO_OS)
    pawl_posix_platform pawl__default_platform;
#endif
#if defined(PAWL_TRACE)
    /* Tracing (pawl/trace.h, src/trace.c), in a PAWL_TRACE build only. */
    struct pawl__trace_loop {
        struct pawl_trace_event *buf; /* the ring (the caller's), or NULL */
        size_t cap;                   /* its length */
        size_t next;                  /* the slot the next event goes to */
        size_t count;                 /* events in it (<= cap) */
        uint64_t dropped;             /* overwritten since start */
        uint64_t recorded;            /* recorded since start */
        void (*hook)(void *, pawl_loop *, const struct pawl_trace_event *);
        void *hook_ud;
        const void *origin;           /* what runs now (see trace.h) */
        unsigned char origin_kind;    /* pawl_trace_origin */
        unsigned char recording;      /* into buf */
        unsigned char on;             /* recording || hook: the one test
                                         every trace point makes */
        unsigned char in_hook;        /* the hook is running */
        pawl_task *tasks;             /* live tasks, spawn order (their */
        pawl_task *tasks_tail;        /* pawl__trace.next / .prev) */
    } pawl__trace;
#endif
    pawl_wheel pawl__wheel;     /* last: it is large (6 KiB on 64-bit) */
};

#if defined(PAWL_TRACE)
/* pawl_wake's trace point: `t` was woken on `loop`.  The task's time
 * of change is noted inline (the task list reads it); the event is
 * recorded out of line (src/trace.c) while the loop traces.  A macro, as
 * pawl_wake, an inline function with external linkage, may not call a
 * static one. */
void pawl__trace_woken(pawl_loop *loop, pawl_task *t);
#define PAWL__TRACE_WOKEN(loop, t)                                           \
    do {                                                                     \
        (t)->pawl__trace.since_ns = (loop)->pawl__now_ns;                    \
        if ((loop)->pawl__trace.on)                                          \
            pawl__trace_woken((loop), (t));                                  \
    } while (0)
#endif

/* ---- waking a task ----------------------------------------------------- */
/*
 * Wake the task (see pawl_waker in pawl/task.h).  Loop thread only.  A
 * stale waker (the task finished or was spawned again since) and a zeroed
 * one do nothing; a task already queued stays where it is; a task being
 * polled is queued again after its poll.
 *
 * Inline (C99 `inline`; the external definition is in src/task.c), since
 * a wake and the poll it causes are the executor's hottest path: the tag
 * bits of the task's link say where it is (pawl/task.h), and a WAITING
 * task's link carries its loop, whose run queue it joins at the tail.
 */
inline void pawl_wake(pawl_waker waker)
{
    pawl_task *t = waker.task;
    if (t == NULL || ((t->pawl__state ^ waker.gen) & PAWL__T_GEN_MASK) != 0)
        return; /* stale: the task finished or was spawned again */
    uintptr_t link = t->pawl__link;
    uintptr_t at = link - 1u; /* the loop, if the tag is 1 */
    if ((at & 3u) == 0u) { /* WAITING on the loop at link - 1 */
        pawl_loop *loop = (pawl_loop *)at;
        t->pawl__link = link + 1u; /* loop | 2: the new tail */
        *loop->pawl__run_tail = (uintptr_t)t;
        loop->pawl__run_tail = &t->pawl__link;
#if defined(PAWL_TRACE)
        PAWL__TRACE_WOKEN(loop, t);
#endif
    } else if ((link & 3u) == 3u) { /* RUNNING: queued after its poll */
#if defined(PAWL_TRACE)
        if (!(t->pawl__state & PAWL__T_WOKEN))
            PAWL__TRACE_WOKEN((pawl_loop *)(link & ~(uintptr_t)3u), t);
#endif
        t->pawl__state |= PAWL__T_WOKEN;
    }
}

/* ---- the loop ---------------------------------------------------------- */

/* Errors: PAWL_EINVAL (NULL loop, await_budget above INT_MAX, an unknown
 * backend, a platform with no ops), or the default platform's init error
 * (a negative errno, e.g. when no eventfd can be made).  A backend that
 * was not built in is reported by the first pawl_io_open (PAWL_ENOSYS). */
int pawl_loop_init(pawl_loop *loop, const pawl_loop_opts *opts);

/* PAWL_EBUSY while tasks are alive or handles are open (nothing is
 * changed); then the loop may be freed. */
int pawl_loop_close(pawl_loop *loop);

/* How long pawl_loop_run runs. */
typedef enum pawl_run_mode {
    PAWL_RUN_DEFAULT, /* until nothing is alive, or pawl_loop_stop */
    PAWL_RUN_ONCE,    /* one iteration; block in the poll phase if idle */
    PAWL_RUN_NOWAIT   /* one iteration; never block */
} pawl_run_mode;

/*
 * Run the loop.  Returns 1 if something is still alive (stopped, or a
 * single iteration), 0 if nothing is, or a negative error.  A loop with
 * nothing alive when it is called runs no iteration at all (it only reads
 * the clock), in every mode, as libuv's does.  Errors:
 * PAWL_EBUSY when called from inside the loop's own callbacks or tasks,
 * PAWL_EINVAL for an unknown mode, PAWL_EDEADLK when the platform reports
 * that it would block forever (the virtual clock with live tasks that
 * nothing can wake), or a platform error.
 */
int pawl_loop_run(pawl_loop *loop, pawl_run_mode mode);

/* Make pawl_loop_run return after the current iteration, without
 * blocking in it.  Safe to call from a task or callback of this loop. */
int pawl_loop_stop(pawl_loop *loop);

/* The time cached at the top of the iteration: milliseconds and
 * nanoseconds on the platform's monotonic clock.  0 for a NULL, zeroed or
 * closed loop (these three getters cannot report an error code). */
uint64_t pawl_loop_now(const pawl_loop *loop);
uint64_t pawl_loop_now_ns(const pawl_loop *loop);

/* How many iterations have run (for tests and the curious); 0 for a NULL,
 * zeroed or closed loop. */
uint64_t pawl_loop_iterations(const pawl_loop *loop);

/* Returns 1 while a task is alive, a referenced handle or timer is open
 * or a microtask is queued, 0 otherwise; 0 for a NULL, zeroed or closed
 * loop. */
int pawl_loop_alive(const pawl_loop *loop);

/* ---- microtasks -------------------------------------------------------- */
/*
 * queueMicrotask semantics: a microtask runs after the task poll or
 * callback that queued it returns, before anything else happens; the
 * queue is drained completely after every task poll and every callback,
 * and microtasks queued while draining run in the same drain (so a
 * microtask that queues itself forever starves the loop, exactly as in
 * JavaScript).
 *
 * The intrusive form does not allocate: the node is yours and must stay
 * valid until its function has been called.  It may be queued again from
 * inside its own function.
 */
/* struct pawl_microtask is defined above, before the loop that embeds one. */

/* PAWL_EINVAL for NULL `m` or `fn`. */
int pawl_microtask_init(pawl_microtask *m, pawl_microtask_fn *fn, void *arg);

/* PAWL_EBUSY if `m` is already queued. */
int pawl_microtask_queue(pawl_loop *loop, pawl_microtask *m);

/* The JavaScript shape: allocates one small node through the loop's
 * allocator and frees it before calling `fn`.  PAWL_ENOMEM if the
 * allocator fails (then `fn` is never called). */
int pawl_queue_microtask(pawl_loop *loop, pawl_microtask_fn *fn, void *arg);

/* ---- remote wakes ------------------------------------------------------ */
/*
 * A remote is a doorbell that other threads, signal handlers and interrupt
 * handlers may ring.  It is the one object in pawl that may be touched off
 * the loop's thread, and only through pawl_wake_remote.
 *
 * Ringing is lock-free and async-signal-safe: an atomic flag, a lock-free
 * push onto the loop's inbox, and (for the first ring since the loop last
 * looked) one platform notify, which interrupts a blocked loop.  Rings that
 * arrive before the loop has delivered the previous one are coalesced into
 * it: every ring is followed by at least one delivery that happens after
 * it, and there is never a delivery without a ring.
 *
 * Delivery happens on the loop thread in the poll phase: the callback, if
 * any, is called, and a task awaiting pawl_remote_wait is woken.
 *
 * Like a libuv async handle, an open remote keeps the loop alive until it
 * is closed or unreferenced.
 */
typedef void pawl_remote_fn(pawl_remote *r, void *arg);

struct pawl_remote {
    _Atomic(pawl_remote *) pawl__next; /* inbox link (any thread) */
    atomic_int pawl__pending;          /* 1 from ring until delivery */
    pawl_loop *pawl__loop;             /* NULL when closed */
    pawl_remote *pawl__ready_next;     /* loop-owned ready list */
    pawl_remote_fn *pawl__fn;
    void *pawl__arg;
    pawl_waker pawl__waiter;           /* task in pawl_remote_wait */
    unsigned char pawl__rung;          /* delivered, not yet awaited */
    unsigned char pawl__ref;
};

/* Open a remote on `loop`, on the loop's thread.  `fn` may be NULL (then
 * only pawl_remote_wait observes rings).  PAWL_EINVAL for NULL. */
int pawl_remote_init(pawl_loop *loop, pawl_remote *r, pawl_remote_fn *fn, void *arg);

/* Ring it.  Any thread, any signal or interrupt handler.  Returns 0, or
 * PAWL_EINVAL / PAWL_ECLOSED for a NULL or closed remote. */
int pawl_wake_remote(pawl_remote *r);

/* The future: ready (0) if the remote was delivered since the last time
 * this was ready (deliveries coalesce: two with no one waiting make one
 * READY), PAWL_PENDING otherwise.  One task may wait at a time: while it
 * waits, and after it was woken until it has taken the ring, another
 * task's wait returns PAWL_EBUSY.  PAWL_ECANCELED on a canceled context. */
pawl_poll pawl_remote_wait(pawl_remote *r, pawl_cx *cx);

/* Stop keeping the loop alive / keep it alive again (the default).
 * Return 0, also when the remote already was in that state; PAWL_EINVAL
 * for NULL, PAWL_ECLOSED for a closed (or zeroed, never initialized)
 * remote. */
int pawl_remote_unref(pawl_remote *r);
int pawl_remote_ref(pawl_remote *r);

/* Close, on the loop's thread, after every thread that may ring it has
 * stopped ringing.  A ring not yet delivered is dropped.  A task waiting
 * on it is woken and its wait returns PAWL_ECLOSED; it reads the remote
 * once more to learn that, so free the memory only after no task is left
 * awaiting it (with no waiter, at once). */
int pawl_remote_close(pawl_remote *r);

#ifdef __cplusplus
}
#endif

#endif /* PAWL_LOOP_H */
