/*
 * src/channel.c -- the bounded channel: many senders, one receiver, one
 * loop, items copied through a ring buffer the caller provides.
 *
 * THE RING
 * ========
 *
 * `count` items of `item_size` bytes, the oldest at slot `head`; slot i
 * is at buf + i * item_size, and the next free slot is head + count,
 * wrapped once (head < capacity and count <= capacity, so one subtraction
 * wraps it; init rejects capacities above SIZE_MAX / 2, where the sum
 * could overflow).
 *
 * THE SENDER QUEUE
 * ================
 *
 * A send that finds the ring full queues its pawl_waiter (src/waitq.h)
 * with a pointer to its item.  The receive that frees a slot moves the
 * first queued sender's item into it at once and wakes that sender, so
 *
 *     INVARIANT: senders are queued only while the ring is full.
 *
 * So "not full" already means "nobody queued" (debug builds assert it),
 * and a newcomer cannot overtake a queued sender without any test of the
 * queue.  A queued sender that is canceled leaves the queue; count is not
 * touched, so the invariant holds.  Close empties the queue.
 *
 * A SEND'S WAITER
 * ===============
 *
 *              full                   a receive moved its item in
 *     IDLE ──────────▶ QUEUED ───────────────────────────▶ SERVED
 *      ▲                 │  │                                 │
 *      │    canceled:    │  │ close                           │ next poll:
 *      │    ECANCELED    │  ▼                                 │ 0 (even if
 *      ├─────────────────┘ CLOSED ──next poll: ECLOSED──┐     │ canceled)
 *      └────────────────────────────────────────────────┴─────┘
 *
 * A CLOSED waiter reports PAWL_ECLOSED even on a canceled poll: its await
 * had already completed (without sending) before the cancel, and that is
 * its real result.
 *
 * THE RECEIVER
 * ============
 *
 * A receive that finds the ring empty (and the channel open) registers
 * its task's waker in rtask/rgen.  The registration stays until that
 * receive's await completes (an item, PAWL_EOF) or is canceled, so while a
 * receiver waits, and after a send or close has woken it until it has
 * polled, another task's receive gets PAWL_EBUSY.  A registration whose
 * task has finished or was spawned again is stale and simply replaced.
 * A send wakes the receiver only when it makes the ring non-empty: the
 * receiver registers only on an empty ring, so a later send finds it
 * woken already.
 *
 * FAST PATHS
 * ==========
 *
 * A send that does not wait: the argument checks, four tests (idle
 * waiter, not canceled, open, not full) that send everything else to
 * send_slow, the slot, the copy and the wake test.  A receive that does
 * not wait: the argument checks, three tests (no registration, not
 * canceled, not empty) that send everything else to recv_slow, the copy
 * and the sender queue test.  Neither needs a stack frame.  Items of 8
 * and 4 bytes are copied inline, a load and a store; other sizes take one
 * call (put_any, take_any) and a few loads and stores (copy_any), and
 * those above 32 bytes a memcpy.
 */
#include <assert.h>
#include <string.h>

#include "internal.h"
#include "waitq.h"

/* The external definitions of the inline fast paths of pawl/sync.h. */
extern pawl_poll pawl_channel_send(pawl_channel *ch, pawl_waiter *w, pawl_cx *cx,
                                   const void *item);
extern pawl_poll pawl_channel_recv(pawl_channel *ch, pawl_cx *cx, void *out);

/* ---- helpers -------------------------------------------------------------- */

/* A zeroed channel that was never initialised: its queue head is unset. */
static inline bool uninit(const pawl_channel *ch)
{
    return ch->pawl__senders.pawl__next == NULL;
}

static inline bool full(const pawl_channel *ch)
{
    return ch->pawl__count == ch->pawl__capacity;
}

/* Items above 32 bytes: memcpy, returning 0 for a tail call. */
static PAWL__NOINLINE int copy_big(void *restrict dst, const void *restrict src, size_t n)
{
    memcpy(dst, src, n);
    return 0;
}

/*
 * Copy an item of any size between buffers that do not overlap, and
 * return 0 (so that callers can end with it as a tail call).  Up to 32
 * bytes this is two fixed-size copies that may overlap each other in the
 * destination (both write the same bytes there): a few loads and stores
 * for every size, with no call.
 */
static inline int copy_any(void *restrict dst, const void *restrict src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;
    if (n < 4) { /* 1, 2, 3: first, middle, last byte */
        d[0] = s[0];
        d[n / 2] = s[n / 2];
        d[n - 1] = s[n - 1];
    } else if (n <= 8) {
        memcpy(d, s, 4);
        memcpy(d + n - 4, s + n - 4, 4);
    } else if (n <= 16) {
        memcpy(d, s, 8);
        memcpy(d + n - 8, s + n - 8, 8);
    } else if (n <= 32) {
        memcpy(d, s, 16);
        memcpy(d + n - 16, s + n - 16, 16);
    } else {
        return copy_big(d, s, n);
    }
    return 0;
}

/* Wake the registered receiver, if any; the registration stays until its
 * receive completes. */
static inline void wake_receiver(pawl_channel *ch)
{
    if (ch->pawl__rtask != NULL) {
        pawl_waker k = {ch->pawl__rtask, ch->pawl__rgen};
        pawl_wake(k);
    }
}

/*
 * Copy `item` into the free slot after the newest item, and wake the
 * receiver if the ring was empty.  Not full.  Returns 0.
 *
 * The fast paths inline this and ring_take with the item size `n` a
 * constant, 8 or 4; other sizes go through put_any and take_any.  Each
 * ends in the copy or another call whose 0 it returns: tail calls, so
 * the fast paths need no stack frame.  Hence the wake comes before the
 * copy here (nothing runs in between: the receiver only runs once this
 * poll has returned).
 */
static inline int put_n(pawl_channel *ch, const void *item, size_t n)
{
    size_t c = ch->pawl__count;
    size_t i = ch->pawl__head + c;
    if (i >= ch->pawl__capacity)
        i -= ch->pawl__capacity;
    ch->pawl__count = c + 1;
    if (c == 0)
        wake_receiver(ch);
    return copy_any(ch->pawl__buf + i * n, item, n);
}

static PAWL__NOINLINE int put_any(pawl_channel *ch, const void *item)
{
    return put_n(ch, item, ch->pawl__item_size);
}

static inline int ring_put(pawl_channel *ch, const void *item)
{
    size_t n = ch->pawl__item_size;
    if (PAWL__LIKELY(n == 8))
        return put_n(ch, item, 8);
    if (n == 4)
        return put_n(ch, item, 4);
    return put_any(ch, item);
}

/* Move the first queued sender's item into the slot a receive has just
 * freed, and wake it SERVED.  Returns 0. */
static PAWL__NOINLINE int serve_sender(pawl_channel *ch)
{
    pawl_waiter *w = pawl__waitq_pop(&ch->pawl__senders);
    ring_put(ch, w->pawl__item);
    w->pawl__item = NULL;
    pawl__waiter_wake(w, PAWL__W_SERVED);
    return 0;
}

/* A receive from a full ring with a sender queued: the sender's item goes
 * into the very slot this receive frees, so the slot's item is copied
 * out first. */
static PAWL__NOINLINE int take_and_serve(pawl_channel *ch, void *out, const void *slot)
{
    copy_any(out, slot, ch->pawl__item_size);
    return serve_sender(ch);
}

/* Copy the oldest item to `out`, then refill the freed slot from the
 * sender queue.  Not empty.  Returns 0.  `n` as for put_n. */
static inline int take_n(pawl_channel *ch, void *out, size_t n)
{
    size_t h = ch->pawl__head;
    const unsigned char *slot = ch->pawl__buf + h * n;
    ch->pawl__head = h + 1 == ch->pawl__capacity ? 0 : h + 1;
    ch->pawl__count--;
    if (PAWL__UNLIKELY(!pawl__waitq_empty(&ch->pawl__senders)))
        return take_and_serve(ch, out, slot);
    return copy_any(out, slot, n);
}

static PAWL__NOINLINE int take_any(pawl_channel *ch, void *out)
{
    return take_n(ch, out, ch->pawl__item_size);
}

static inline int ring_take(pawl_channel *ch, void *out)
{
    size_t n = ch->pawl__item_size;
    if (PAWL__LIKELY(n == 8))
        return take_n(ch, out, 8);
    if (n == 4)
        return take_n(ch, out, 4);
    return take_any(ch, out);
}

/* The registered receiver is another task that is still in the same run:
 * it holds the receive side (a finished one is simply replaced). */
static bool held_by_other(const pawl_channel *ch, const pawl_task *self)
{
    const pawl_task *other = ch->pawl__rtask;
    return other != NULL && other != self &&
           (other->pawl__state & PAWL__T_GEN_MASK) == ch->pawl__rgen && other->pawl__link != 0;
}

/* ---- init / close ----------------------------------------------------------- */

int pawl_channel_init(pawl_channel *ch, void *buf, size_t item_size, size_t capacity)
{
    if (ch == NULL || buf == NULL || item_size == 0 || capacity == 0)
        return PAWL_EINVAL;
    /* The buffer could not exist, and head + count must not overflow. */
    if (capacity > SIZE_MAX / 2 || capacity > SIZE_MAX / item_size)
        return PAWL_EINVAL;
    ch->pawl__buf = buf;
    ch->pawl__item_size = item_size;
    ch->pawl__capacity = capacity;
    ch->pawl__head = 0;
    ch->pawl__count = 0;
    pawl__waitq_init(&ch->pawl__senders);
    ch->pawl__rtask = NULL;
    ch->pawl__rgen = 0;
    ch->pawl__closed = 0;
    return 0;
}

/*
 * open --close--> closed: every queued sender is woken CLOSED (its item
 * is not sent), and the receiver is woken; the items in the ring stay to
 * be received, then receives report PAWL_EOF.
 */
int pawl_channel_close(pawl_channel *ch)
{
    if (ch == NULL)
        return PAWL_EINVAL;
    if (uninit(ch))
        return PAWL_EUNINIT;
    if (ch->pawl__closed)
        return PAWL_ECLOSED;
    ch->pawl__closed = 1;
    pawl_waiter *w;
    while ((w = pawl__waitq_pop(&ch->pawl__senders)) != NULL) {
        w->pawl__item = NULL;
        pawl__waiter_wake(w, PAWL__W_CLOSED);
    }
    wake_receiver(ch);
    return 0;
}

size_t pawl_channel_len(const pawl_channel *ch)
{
    return ch != NULL ? ch->pawl__count : 0;
}

/* ---- send ------------------------------------------------------------------- */

/* Everything but an open channel, an idle waiter and an undisturbed
 * context: see the waiter's chart at the top. */
static PAWL__NOINLINE pawl_poll send_slow(pawl_channel *ch, pawl_waiter *w, pawl_cx *cx,
                                          const void *item)
{
    switch (w->pawl__state) {
    case PAWL__W_SERVED:
        w->pawl__state = PAWL__W_IDLE;
        return PAWL_READY; /* the item is in the channel, canceled or not */
    case PAWL__W_CLOSED:
        w->pawl__state = PAWL__W_IDLE;
        return PAWL_ECLOSED;
    case PAWL__W_QUEUED:
        if (pawl_cx_canceled(cx)) {
            pawl__waitq_remove(w);
            w->pawl__item = NULL;
            w->pawl__state = PAWL__W_IDLE;
            return PAWL_ECANCELED;
        }
        pawl__waiter_hold(w, cx);
        return PAWL_PENDING;
    default: /* IDLE */
        break;
    }
    if (pawl_cx_canceled(cx))
        return PAWL_ECANCELED;
    if (ch->pawl__closed)
        return PAWL_ECLOSED;
    assert(full(ch)); /* pawl_channel_send sends at once otherwise */
    w->pawl__item = item;
    pawl__waitq_push(&ch->pawl__senders, w, cx);
    return PAWL_PENDING;
}

pawl_poll pawl__channel_send_slow(pawl_channel *ch, pawl_waiter *w, pawl_cx *cx, const void *item)
{
    if (PAWL__UNLIKELY(ch == NULL || w == NULL || cx == NULL || item == NULL))
        return PAWL_EINVAL;
    if (PAWL__UNLIKELY(uninit(ch)))
        return PAWL_EUNINIT;
    /* Not full implies no sender queued (the invariant at the top). */
    assert(full(ch) || pawl__waitq_empty(&ch->pawl__senders));
    if (PAWL__LIKELY(w->pawl__state == PAWL__W_IDLE) && PAWL__LIKELY(!pawl_cx_canceled(cx)) &&
        PAWL__LIKELY(!ch->pawl__closed) && PAWL__LIKELY(!full(ch)))
        return ring_put(ch, item);
    return send_slow(ch, w, cx, item);
}

int pawl_channel_try_send(pawl_channel *ch, const void *item)
{
    if (ch == NULL || item == NULL)
        return PAWL_EINVAL;
    if (uninit(ch))
        return PAWL_EUNINIT;
    if (ch->pawl__closed)
        return PAWL_ECLOSED;
    if (full(ch)) /* also whenever senders are queued: no barging */
        return PAWL_EAGAIN;
    return ring_put(ch, item);
}

/* ---- receive ---------------------------------------------------------------- */

/*
 * Everything but an unregistered receive of a non-empty ring with an
 * undisturbed context:
 *
 *   canceled             give the registration back (if it is ours);
 *                        the items stay: PAWL_ECANCELED
 *   another receiver     PAWL_EBUSY
 *   items                take the oldest, drop our registration: 0
 *   closed and empty     drop our registration: PAWL_EOF
 *   empty                register (or refresh) our waker: PAWL_PENDING
 */
static PAWL__NOINLINE pawl_poll recv_slow(pawl_channel *ch, pawl_cx *cx, void *out)
{
    const pawl_task *self = cx->task;
    if (pawl_cx_canceled(cx)) {
        if (ch->pawl__rtask == self)
            ch->pawl__rtask = NULL;
        return PAWL_ECANCELED;
    }
    if (held_by_other(ch, self))
        return PAWL_EBUSY;
    if (ch->pawl__count != 0) {
        ch->pawl__rtask = NULL;
        return ring_take(ch, out);
    }
    if (ch->pawl__closed) {
        ch->pawl__rtask = NULL;
        return PAWL_EOF;
    }
    pawl_waker k = pawl_cx_waker(cx);
    ch->pawl__rtask = k.task;
    ch->pawl__rgen = k.gen;
    return PAWL_PENDING;
}

pawl_poll pawl__channel_recv_slow(pawl_channel *ch, pawl_cx *cx, void *out)
{
    if (PAWL__UNLIKELY(ch == NULL || cx == NULL || out == NULL))
        return PAWL_EINVAL;
    if (PAWL__UNLIKELY(uninit(ch)))
        return PAWL_EUNINIT;
    if (PAWL__LIKELY(ch->pawl__rtask == NULL) && PAWL__LIKELY(!pawl_cx_canceled(cx)) &&
        PAWL__LIKELY(ch->pawl__count != 0))
        return ring_take(ch, out);
    return recv_slow(ch, cx, out);
}

int pawl_channel_try_recv(pawl_channel *ch, void *out)
{
    if (ch == NULL || out == NULL)
        return PAWL_EINVAL;
    if (uninit(ch))
        return PAWL_EUNINIT;
    if (ch->pawl__count != 0)
        return ring_take(ch, out);
    return ch->pawl__closed ? PAWL_EOF : PAWL_EAGAIN;
}
