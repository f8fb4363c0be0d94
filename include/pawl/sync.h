/*
 * pawl/sync.h -- coordination between tasks: semaphore, mutex, notify,
 * oneshot, a bounded channel, an interrupt-safe single-producer channel,
 * and join / select over futures.
 *
 * Everything here is caller-allocated and never allocates.  Every
 * primitive belongs to one loop and is used on that loop's thread, except
 * pawl_spsc_push, which any one producer (a thread, a signal or interrupt
 * handler) may call.  See docs/sync.md for the wait-queue discipline of
 * each primitive.
 *
 * WAITERS
 * =======
 *
 * An await on a primitive that may have to queue takes a pawl_waiter: the
 * state of that one await, kept in the task's struct (zeroed memory is an
 * idle waiter; no init call).  Queues are first come, first served, and a
 * newcomer never overtakes a queued waiter (no barging).  When a waiter is
 * served, what it waited for (a permit, the lock, a notification, a slot
 * for its item) is handed to it at once and it is woken; its next poll
 * takes it.  The waiter is idle again once the await completes.
 *
 * CANCELLATION
 * ============
 *
 * Polled with a canceled context (the task is being canceled, or a
 * combinator such as pawl_select or PAWL_TIMEOUT drops the future), every
 * future here leaves the primitive consistent: a queued waiter leaves the
 * queue; something already handed to it but not yet taken is passed on to
 * the next waiter (or put back), never lost; and it returns
 * PAWL_ECANCELED.  If the await had in fact completed (a channel send whose
 * item was already moved into the channel), it returns its real result
 * instead, so that nothing is lost either way.
 */
#ifndef PAWL_SYNC_H
#define PAWL_SYNC_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pawl/loop.h"
#include "pawl/task.h"
#include "pawl/wheel.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- waiters ------------------------------------------------------------ */

/* One await's place in a primitive's queue (see WAITERS above): put one
 * in the task's struct per await that may queue, zeroed.  Fields private.
 * It must stay where it is while the await is pending. */
typedef struct pawl_waiter {
    pawl_wheel_link pawl__link; /* in a primitive's FIFO; next NULL if not */
    pawl_task *pawl__task;      /* the waiting task's waker */
    pawl_gen pawl__gen;
    unsigned char pawl__state;  /* PAWL__W_* */
    unsigned char pawl__how;    /* how it was served (primitive-specific) */
    const void *pawl__item;     /* channel send: the item to move in */
} pawl_waiter;

enum {
    PAWL__W_IDLE = 0,   /* not in an await */
    PAWL__W_QUEUED,     /* in the primitive's queue, not yet served */
    PAWL__W_SERVED,     /* served: what it waited for is handed to it */
    PAWL__W_CLOSED      /* the primitive was closed while it waited */
};

/* ---- semaphore ---------------------------------------------------------- */
/*
 * Permits, and a FIFO of tasks waiting for one.  release() hands permits to
 * queued waiters in order, as many as it releases; only what is left over
 * is kept.  An acquire with permits available but waiters queued queues
 * too (no barging).  So permits are kept only while no task waits: the
 * count is 0 whenever the queue is not empty, which is what lets the fast
 * paths below look at one of the two only.
 */
typedef struct pawl_sem {
    pawl_wheel_link pawl__waiters; /* FIFO of QUEUED waiters (src/waitq.h) */
    size_t pawl__permits;          /* free permits; 0 while waiters queue */
} pawl_sem;

/* PAWL_EINVAL for NULL.  The semaphore holds pointers into itself (its
 * queue head): do not move it while waiters are queued.  A zeroed, never
 * initialised semaphore is reported as PAWL_EUNINIT by the calls below
 * that would have to use its queue. */
int pawl_sem_init(pawl_sem *s, size_t permits);

/* Ready with 0 once a permit is the caller's (give it back with release).
 * PAWL_EINVAL for NULL.  (Inline, below.) */
inline pawl_poll pawl_sem_acquire(pawl_sem *s, pawl_waiter *w, pawl_cx *cx);

/* 0 and a permit, or PAWL_EAGAIN (none free, or waiters queued first).
 * PAWL_EINVAL for NULL. */
int pawl_sem_try_acquire(pawl_sem *s);

/* Give back `n` permits: queued waiters are served first, in order.
 * PAWL_EINVAL for NULL, or if the count of free permits would pass
 * SIZE_MAX (then nothing is released).  (Inline, below.) */
inline int pawl_sem_release(pawl_sem *s, size_t n);

/* Permits free now (not counting those handed to woken waiters); 0 for
 * NULL. */
size_t pawl_sem_available(const pawl_sem *s);

/*
 * The fast paths, inline so that an uncontended acquire and release cost
 * about 19 instructions together and no call: an idle waiter, a context
 * not canceled and a free permit (which implies an empty queue); a release
 * with nobody queued.  Everything else, errors included, goes to the
 * out-of-line versions in src/sync.c, which also holds the external
 * definitions.  The slow branches are marked unlikely so that compilers
 * lay the fast path out straight.
 */
pawl_poll pawl__sem_acquire_slow(pawl_sem *s, pawl_waiter *w, pawl_cx *cx);
int pawl__sem_release_slow(pawl_sem *s, size_t n);

#if defined(__GNUC__)
#  define PAWL__SYNC_UNLIKELY(x) __builtin_expect(!!(x), 0)
#  define PAWL__SYNC_MEMCPY __builtin_memcpy
#else
#  include <string.h>
#  define PAWL__SYNC_UNLIKELY(x) (x)
#  define PAWL__SYNC_MEMCPY memcpy
#endif

inline pawl_poll pawl_sem_acquire(pawl_sem *s, pawl_waiter *w, pawl_cx *cx)
{
    if (PAWL__SYNC_UNLIKELY(s == NULL || w == NULL || cx == NULL ||
                           w->pawl__state != PAWL__W_IDLE ||
                           (cx->pawl__flags & PAWL__CX_CANCEL) != 0 || s->pawl__permits == 0))
        return pawl__sem_acquire_slow(s, w, cx);
    s->pawl__permits--;
    return PAWL_READY;
}

inline int pawl_sem_release(pawl_sem *s, size_t n)
{
    if (PAWL__SYNC_UNLIKELY(s == NULL || s->pawl__waiters.pawl__next != &s->pawl__waiters))
        return pawl__sem_release_slow(s, n);
    size_t permits = s->pawl__permits + n;
    if (PAWL__SYNC_UNLIKELY(permits < n)) /* wrapped past SIZE_MAX */
        return pawl__sem_release_slow(s, n);
    s->pawl__permits = permits;
    return 0;
}

/* ---- mutex -------------------------------------------------------------- */
/*
 * An async lock that may be held across awaits.  Unlocking with waiters
 * queued hands the lock to the first of them: FIFO, no barging.
 */
typedef struct pawl_mutex {
    pawl_wheel_link pawl__waiters;
    unsigned char pawl__locked;
} pawl_mutex;

/* An unlocked mutex with no waiters.  PAWL_EINVAL for NULL.  Must not be
 * called while it is locked or has waiters. */
int pawl_mutex_init(pawl_mutex *m);

/* Ready with 0 once the caller holds the lock; PAWL_PENDING while it
 * waits (queued FIFO in `w`).  PAWL_EINVAL for NULL m, w or cx, or a
 * waiter in another primitive's state; PAWL_EUNINIT for a zeroed, never
 * initialised mutex; PAWL_ECANCELED on a canceled context (the waiter
 * leaves the queue, and a lock handed to it is passed on). */
pawl_poll pawl_mutex_lock(pawl_mutex *m, pawl_waiter *w, pawl_cx *cx);

/* 0 (locked), or PAWL_EBUSY (held, or waiters queued). */
int pawl_mutex_try_lock(pawl_mutex *m);

/* PAWL_EINVAL if it is not locked.  (A zeroed, never initialised mutex
 * reports PAWL_EUNINIT wherever it would use its queue; the same holds for
 * the semaphore and notify.) */
int pawl_mutex_unlock(pawl_mutex *m);

/* ---- notify -------------------------------------------------------------- */
/*
 * Wake waiting tasks.  notify_one wakes the first waiter, or, if none
 * waits, stores one permit that the next wait takes at once (a notify
 * that comes before the wait is not lost; permits do not add up).
 * notify_all wakes every task waiting now and stores nothing.
 */
typedef struct pawl_notify {
    pawl_wheel_link pawl__waiters;
    unsigned char pawl__permit;
} pawl_notify;

/* init: no permit, no waiters (PAWL_EINVAL for NULL).  wait: ready with 0
 * once notified (or at once, taking a stored permit); PAWL_ECANCELED if
 * polled with a canceled context, a notification already handed to it
 * passing to the next waiter.  one, all: as described above; return 0.
 * Every call returns PAWL_EINVAL for NULL and PAWL_EUNINIT for a zeroed,
 * never initialised notify.  Loop thread only. */
int pawl_notify_init(pawl_notify *n);
pawl_poll pawl_notify_wait(pawl_notify *n, pawl_waiter *w, pawl_cx *cx);
int pawl_notify_one(pawl_notify *n);
int pawl_notify_all(pawl_notify *n);

/* ---- oneshot -------------------------------------------------------------- */
/*
 * One value (a pointer) from one task, or callback, to one task.
 */
typedef struct pawl_oneshot {
    pawl_task *pawl__task; /* the waiting receiver's waker */
    pawl_gen pawl__gen;
    unsigned char pawl__state; /* PAWL__ONESHOT_* */
    void *pawl__value;
} pawl_oneshot;

enum { PAWL__ONESHOT_EMPTY, PAWL__ONESHOT_SENT, PAWL__ONESHOT_CLOSED, PAWL__ONESHOT_TAKEN };

/* Empty and open, with no receiver.  PAWL_EINVAL for NULL.  Not while a
 * task waits on it. */
int pawl_oneshot_init(pawl_oneshot *o);

/* Send the value, once.  PAWL_EALREADY if a value was sent already,
 * PAWL_ECLOSED if the oneshot was closed. */
int pawl_oneshot_send(pawl_oneshot *o, void *value);

/* The sender gives up: the receiver's await reports PAWL_ECLOSED.  A value
 * already sent is still received.  Returns 0, also after a send and when
 * called again. */
int pawl_oneshot_close(pawl_oneshot *o);

/* Ready with 0 and *value set once the value is sent; PAWL_ECLOSED if the
 * sender closed it without sending; PAWL_EALREADY if the value was already
 * received; PAWL_EBUSY if another task is waiting on it. */
pawl_poll pawl_oneshot_recv(pawl_oneshot *o, pawl_cx *cx, void **value);

/* ---- channel ---------------------------------------------------------------- */
/*
 * Bounded, many senders, one receiver, within one loop.  Items are
 * `item_size` bytes, copied into and out of a ring buffer of `capacity`
 * items that you provide.  A send waits while the channel is full; queued
 * senders are served in order, each with its item moved into the channel
 * by the receive that makes room (so the item must stay valid while its
 * send waits).  Closing wakes every waiting sender with PAWL_ECLOSED (their
 * items are not sent) and the receiver; the items already in the channel
 * are still received, and after them every receive reports PAWL_EOF.
 */
typedef struct pawl_channel {
    unsigned char *pawl__buf;
    size_t pawl__item_size;
    size_t pawl__capacity;
    size_t pawl__head;  /* index of the oldest item */
    size_t pawl__count; /* items in the buffer */
    pawl_wheel_link pawl__senders;
    pawl_task *pawl__rtask; /* the waiting receiver's waker, or NULL */
    pawl_gen pawl__rgen;
    unsigned char pawl__closed;
} pawl_channel;

/* PAWL_EINVAL for NULL, item_size 0, capacity 0 or above SIZE_MAX / 2,
 * or a buffer size that overflows.  Every other channel function returns
 * PAWL_EUNINIT for a zeroed channel that was never initialised. */
int pawl_channel_init(pawl_channel *ch, void *buf, size_t item_size, size_t capacity);

/* Ready with 0 once the item is in the channel; PAWL_ECLOSED if the
 * channel is (or gets) closed first.  (Inline, below.) */
inline pawl_poll pawl_channel_send(pawl_channel *ch, pawl_waiter *w, pawl_cx *cx,
                                   const void *item);

/* 0, PAWL_EAGAIN (full, or senders queued first), or PAWL_ECLOSED. */
int pawl_channel_try_send(pawl_channel *ch, const void *item);

/* Ready with 0 and the oldest item copied to `out`; PAWL_EOF once the
 * channel is closed and empty; PAWL_EBUSY if another task is waiting to
 * receive (there is one receiver).  (Inline, below.) */
inline pawl_poll pawl_channel_recv(pawl_channel *ch, pawl_cx *cx, void *out);

/* 0, PAWL_EAGAIN (empty) or PAWL_EOF (closed and empty). */
int pawl_channel_try_recv(pawl_channel *ch, void *out);

/* PAWL_ECLOSED if it was closed already. */
int pawl_channel_close(pawl_channel *ch);

/* Items in the channel now. */
size_t pawl_channel_len(const pawl_channel *ch);

/*
 * The fast paths, inline: a send that finds room and nobody to wake, a
 * receive that finds an item and no sender to move in, for items of 4 or
 * 8 bytes (a load and a store each).  Everything else, errors included,
 * goes to the out-of-line versions in src/channel.c, which also holds the
 * external definitions.  "Not full" implies "no sender queued" (the
 * invariant of src/channel.c), so the send needs no test of the queue.
 */
pawl_poll pawl__channel_send_slow(pawl_channel *ch, pawl_waiter *w, pawl_cx *cx,
                                  const void *item);
pawl_poll pawl__channel_recv_slow(pawl_channel *ch, pawl_cx *cx, void *out);

inline pawl_poll pawl_channel_send(pawl_channel *ch, pawl_waiter *w, pawl_cx *cx,
                                   const void *item)
{
    if (PAWL__SYNC_UNLIKELY(ch == NULL || w == NULL || cx == NULL || item == NULL ||
                            w->pawl__state != PAWL__W_IDLE ||
                            (cx->pawl__flags & PAWL__CX_CANCEL) != 0 || ch->pawl__closed ||
                            ch->pawl__count == ch->pawl__capacity ||
                            (ch->pawl__rtask != NULL && ch->pawl__count == 0)))
        return pawl__channel_send_slow(ch, w, cx, item);
    /* (A registered receiver with items queued was woken by the send that
     * made the ring non-empty: nothing to wake here.) */
    size_t slot = ch->pawl__head + ch->pawl__count;
    if (slot >= ch->pawl__capacity)
        slot -= ch->pawl__capacity;
    if (ch->pawl__item_size == 8)
        PAWL__SYNC_MEMCPY(ch->pawl__buf + slot * 8, item, 8);
    else if (ch->pawl__item_size == 4)
        PAWL__SYNC_MEMCPY(ch->pawl__buf + slot * 4, item, 4);
    else
        return pawl__channel_send_slow(ch, w, cx, item);
    ch->pawl__count++;
    return PAWL_READY;
}

inline pawl_poll pawl_channel_recv(pawl_channel *ch, pawl_cx *cx, void *out)
{
    if (PAWL__SYNC_UNLIKELY(ch == NULL || cx == NULL || out == NULL || ch->pawl__rtask != NULL ||
                            (cx->pawl__flags & PAWL__CX_CANCEL) != 0 || ch->pawl__count == 0 ||
                            ch->pawl__senders.pawl__next != &ch->pawl__senders))
        return pawl__channel_recv_slow(ch, cx, out);
    size_t head = ch->pawl__head;
    if (ch->pawl__item_size == 8)
        PAWL__SYNC_MEMCPY(out, ch->pawl__buf + head * 8, 8);
    else if (ch->pawl__item_size == 4)
        PAWL__SYNC_MEMCPY(out, ch->pawl__buf + head * 4, 4);
    else
        return pawl__channel_recv_slow(ch, cx, out);
    ch->pawl__head = head + 1 == ch->pawl__capacity ? 0 : head + 1;
    ch->pawl__count--;
    return PAWL_READY;
}

/* ---- interrupt-safe single-producer channel -------------------------------- */
/*
 * A lock-free single-producer, single-consumer ring.  The producer (one
 * thread, or interrupt or signal handler, at a time) pushes without ever
 * blocking: a full ring is reported, not waited out.  The consumer is a
 * task on the loop, woken through a pawl_remote (pawl_wake_remote).
 * `capacity` must be a power of two.
 */
typedef struct pawl_spsc {
    pawl_remote pawl__remote;
    unsigned char *pawl__buf;
    size_t pawl__item_size;
    size_t pawl__mask;           /* capacity - 1 */
    atomic_size_t pawl__head;    /* next to take (consumer) */
    atomic_size_t pawl__tail;    /* next to fill (producer) */
} pawl_spsc;

/* On the loop's thread.  PAWL_EINVAL for NULL, item_size 0, a capacity
 * that is not a power of two, or a buffer size that overflows; the loop
 * errors of pawl/loop.h.  Like a pawl_remote (it contains one), an open
 * queue keeps the loop alive until it is closed. */
int pawl_spsc_init(pawl_loop *loop, pawl_spsc *q, void *buf, size_t item_size, size_t capacity);

/* Producer side, any one context: 0, PAWL_EAGAIN if full, PAWL_ECLOSED
 * after close, PAWL_EINVAL for NULL.  Interrupt-safe where atomic_size_t
 * is lock-free (it is on every target pawl supports). */
int pawl_spsc_push(pawl_spsc *q, const void *item);

/* Consumer side: ready with 0 and the oldest item in `out`; PAWL_ECLOSED
 * once closed and empty; PAWL_EBUSY if another task is waiting on it;
 * PAWL_EFOREIGN from a task of another loop; PAWL_ECANCELED on a canceled
 * context (no item is taken). */
pawl_poll pawl_spsc_recv(pawl_spsc *q, pawl_cx *cx, void *out);

/* 0, or PAWL_EAGAIN if empty. */
int pawl_spsc_try_recv(pawl_spsc *q, void *out);

/* On the loop's thread, once the producer has stopped.  Items still in the
 * ring can be received after it.  Returns 0; PAWL_EINVAL for NULL,
 * PAWL_ECLOSED if already closed (as pawl_remote_close). */
int pawl_spsc_close(pawl_spsc *q);

/* Stop keeping the loop alive / keep it alive again (the default), as
 * pawl_remote_unref / pawl_remote_ref.  Loop thread.  PAWL_EINVAL for
 * NULL, PAWL_ECLOSED once closed. */
int pawl_spsc_unref(pawl_spsc *q);
int pawl_spsc_ref(pawl_spsc *q);

/* ---- join and select over futures ------------------------------------------- */
/*
 * A future as a value: a poll function and its argument.  The poll
 * function evaluates one await's future, e.g.
 *
 *     static pawl_poll recv_item(void *arg, pawl_cx *cx)
 *     {
 *         struct worker *w = arg;
 *         return pawl_channel_recv(&w->jobs, cx, &w->job);
 *     }
 *
 * After a join or select:
 *
 *   done 1, result R      it completed with R (an item, a permit, an
 *                         error): handle it, even if it was being dropped;
 *   done 0, PAWL_ECANCELED  it was dropped and released what it held;
 *   done 0, PAWL_PENDING  not finished (a join still in progress).
 *
 * Call pawl_future_init again before reusing a future in another join or
 * select: one already done counts as ready and is not polled again.
 */
typedef pawl_poll pawl_future_fn(void *arg, pawl_cx *cx);

/* A future for join and select: its poll function and argument (yours),
 * and what the combinator found (read-only: `result` and `done`, see
 * above).  Caller-allocated; set it up with pawl_future_init. */
typedef struct pawl_future {
    pawl_future_fn *poll;
    void *arg;
    pawl_poll result;      /* see above */
    unsigned char done;
} pawl_future;

/* Prepare `f` for a join or select (before the first poll). */
void pawl_future_init(pawl_future *f, pawl_future_fn *poll, void *arg);

/* Ready with 0 when every future is done (each outcome in its `result`).
 * Polls, each time, the futures not done yet, in order.  Canceled: drops
 * the unfinished ones (polls each once with the canceled context) and
 * returns PAWL_ECANCELED.  PAWL_EINVAL for NULL or n == 0. */
pawl_poll pawl_join(pawl_future *fs, size_t n, pawl_cx *cx);

/* Ready with 0 when one future is done: *which is its index (the lowest if
 * several are ready in the same poll), its outcome in its `result`.  The
 * others are dropped at once (polled once with a canceled context, which
 * releases their timers, queue places and registrations); one that
 * completes anyway while being dropped keeps its outcome in its `result`
 * with `done` set, so nothing is lost.  Canceled: drops them all and
 * returns PAWL_ECANCELED.  PAWL_EINVAL for NULL or n == 0. */
pawl_poll pawl_select(pawl_future *fs, size_t n, pawl_cx *cx, size_t *which);

#ifdef __cplusplus
}
#endif

#endif /* PAWL_SYNC_H */
