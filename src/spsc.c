/*
 * src/spsc.c -- the interrupt-safe single-producer, single-consumer
 * channel: a lock-free ring that one thread, signal handler or interrupt
 * handler fills and one task on the loop empties.
 *
 * THE RING
 * ========
 *
 * `head` (the next item to take) is written only by the consumer, `tail`
 * (the next slot to fill) only by the producer.  Both count items since
 * init and run freely, wrapping at SIZE_MAX + 1; an index's slot is
 * `index & mask`.  Because the capacity is a power of two it divides
 * SIZE_MAX + 1, so the slot sequence is unbroken across the wrap, and
 * because it is at most 2^(bits-1), `tail - head` (unsigned) is always the
 * exact number of items, 0 to capacity:
 *
 *   empty  tail == head           full  tail - head == capacity
 *
 * No slot is sacrificed to tell full from empty.  There is no ABA: the
 * counters never go back, no read-modify-write is needed (each side loads
 * and stores, and writes only its own counter), and each side compares
 * the other's counter only with its own, which it is never more than
 * `capacity` ahead of or behind.  A stale read of the other side's
 * counter only underestimates: the producer sees less room, the consumer
 * fewer items; the next call sees more.
 *
 * MEMORY ORDER
 * ============
 *
 *   producer (push)                        consumer (try_recv)
 *   load head, acquire  <---- pairs ----   store head + 1, release,
 *   copy the item into slot tail             after copying slot head out
 *   store tail + 1, release  -- pairs -->  load tail, acquire,
 *   ring the remote                          before copying slot head out
 *
 * The release of `tail` publishes the bytes copied into the slot to the
 * consumer's copy out.  The release of `head` orders the consumer's copy
 * out of a slot before the producer, having acquired that `head`, copies
 * a new item over it.  Each side loads its own counter relaxed: only it
 * writes it.
 *
 * WAKING THE CONSUMER
 * ===================
 *
 * Every push rings the queue's pawl_remote, after its release of `tail`.
 * Rings coalesce in the remote (one atomic exchange when a delivery is
 * already on its way), so this is cheap, and it must be every push: a
 * producer that rang only on "empty -> not empty" could see the ring
 * non-empty, then the consumer drain it and wait, then its own item go in
 * with no ring at all.
 *
 * pawl_spsc_recv is try_recv, then pawl_remote_wait, then try_recv
 * again.  No push is lost between the consumer's "empty" and its wait:
 * the push's ring comes after its store of `tail`, and pawl/loop.h
 * guarantees a delivery on the loop thread after every ring, whose
 * acquire of the remote's pending flag makes that `tail` visible.  That
 * delivery sets the remote's `rung` flag and wakes the waiter, both on
 * the loop thread, so it falls either before the wait (which then finds
 * `rung`, returns ready, and the second try_recv sees the item) or after
 * it (and wakes the task, whose next poll sees the item).  And if that
 * delivery came even before the "empty" check (its `rung` taken by an
 * earlier wait), the store of `tail` came before the check too, which
 * then saw the item: the push did not land in between after all.
 *
 * A ready wait may find the ring empty (the item was taken by an earlier
 * receive, or by try_recv from a callback, and its rings coalesced):
 * then it waits again.  That happens at most once per poll, since the
 * second wait can only be ready after a delivery, and deliveries happen
 * in the poll phase, not during a task's poll.
 *
 * Like a libuv async handle, the queue's remote keeps the loop alive
 * while it is open: PAWL_RUN_DEFAULT does not return until the queue is
 * closed (or the loop stopped).
 */
#include <string.h>

#include "internal.h"

int pawl_spsc_init(pawl_loop *loop, pawl_spsc *q, void *buf, size_t item_size, size_t capacity)
{
    if (q == NULL || buf == NULL || item_size == 0)
        return PAWL_EINVAL;
    /* A power of two, and a buffer that can exist (the product fits). */
    if (capacity == 0 || (capacity & (capacity - 1)) != 0 || capacity > SIZE_MAX / item_size)
        return PAWL_EINVAL;
    int rc = pawl_remote_init(loop, &q->pawl__remote, NULL, NULL); /* checks `loop` */
    if (rc != 0)
        return rc;
    q->pawl__buf = buf;
    q->pawl__item_size = item_size;
    q->pawl__mask = capacity - 1;
    /* Plain initialisation: the producer is started after init returns,
     * and whatever starts it (pthread_create, enabling the interrupt)
     * orders these stores before its first push. */
    atomic_init(&q->pawl__head, 0);
    atomic_init(&q->pawl__tail, 0);
    return 0;
}

/*
 * Producer side.  Only loads, one memcpy, one store and pawl_wake_remote
 * (itself lock-free and async-signal-safe), so it may run in a signal or
 * interrupt handler, provided atomic_size_t is lock-free on the target
 * (were it not, a handler interrupting the loop thread inside try_recv
 * could wait for ever on the lock that thread holds).  One producer at a
 * time: two would both fill slot `tail`.  A handler that interrupts the
 * consumer is fine: the consumer releases `head` only after its copy, so
 * the handler never sees that slot as free.
 */
int pawl_spsc_push(pawl_spsc *q, const void *item)
{
    if (q == NULL || item == NULL)
        return PAWL_EINVAL;
    /* Closed (or never initialised).  A plain read: closing while a push
     * may run is outside the contract, so this only catches a push after
     * the close, before it touches the ring. */
    if (q->pawl__remote.pawl__loop == NULL)
        return PAWL_ECLOSED;
    /* Relaxed: only this side writes `tail`. */
    size_t tail = atomic_load_explicit(&q->pawl__tail, memory_order_relaxed);
    /* Acquire: pairs with the consumer's release of `head`, so its copy
     * out of the slot we are about to reuse is complete. */
    size_t head = atomic_load_explicit(&q->pawl__head, memory_order_acquire);
    if (tail - head == q->pawl__mask + 1)
        return PAWL_EAGAIN;
    memcpy(q->pawl__buf + (tail & q->pawl__mask) * q->pawl__item_size, item,
           q->pawl__item_size);
    /* Release: publishes the item's bytes to the consumer's acquire. */
    atomic_store_explicit(&q->pawl__tail, tail + 1, memory_order_release);
    /* After the store, never before: see WAKING THE CONSUMER.  It cannot
     * fail here (the remote is open, checked above, and stays so while
     * the producer runs). */
    (void)pawl_wake_remote(&q->pawl__remote);
    return 0;
}

int pawl_spsc_try_recv(pawl_spsc *q, void *out)
{
    if (q == NULL || out == NULL)
        return PAWL_EINVAL;
    /* Relaxed: only this side writes `head`. */
    size_t head = atomic_load_explicit(&q->pawl__head, memory_order_relaxed);
    /* Acquire: pairs with the producer's release of `tail`, so the item
     * bytes below are the ones it copied in. */
    size_t tail = atomic_load_explicit(&q->pawl__tail, memory_order_acquire);
    if (tail == head)
        return PAWL_EAGAIN;
    memcpy(out, q->pawl__buf + (head & q->pawl__mask) * q->pawl__item_size,
           q->pawl__item_size);
    /* Release: the copy out is done before the producer may reuse the
     * slot. */
    atomic_store_explicit(&q->pawl__head, head + 1, memory_order_release);
    return 0;
}

/*
 * The receive future:
 *
 *   try_recv --item--> READY (0)
 *      | empty
 *      v
 *   remote wait --ready--> try_recv again (at most once more per poll)
 *      | pending: WAITING, the task is the remote's waiter
 *      | ECLOSED (closed and empty), EBUSY (another task receives)
 *
 * Canceled: the registration is given back (pawl_remote_wait with the
 * canceled context), no item is taken, and it returns PAWL_ECANCELED.  A
 * ring delivered but not yet taken stays on the remote, so the next
 * receive looks at the ring at once: nothing is lost.
 */
pawl_poll pawl_spsc_recv(pawl_spsc *q, pawl_cx *cx, void *out)
{
    if (q == NULL || cx == NULL || out == NULL)
        return PAWL_EINVAL;
    pawl_remote *r = &q->pawl__remote;
    if (pawl_cx_canceled(cx))
        return pawl_remote_wait(r, cx); /* gives the wait back: ECANCELED */
    if (r->pawl__loop != NULL && r->pawl__loop != cx->loop)
        return PAWL_EFOREIGN;
    for (;;) {
        if (pawl_spsc_try_recv(q, out) == 0) {
            /* Woken and served: stop being the remote's waiter, or a later
             * receive from another task would be turned away (EBUSY) while
             * this one lives.  A ring not taken stays in `rung`. */
            pawl__remote_forget(r, cx->task);
            return 0;
        }
        pawl_poll rc = pawl_remote_wait(r, cx);
        if (rc != PAWL_READY)
            return rc; /* PENDING, or ECLOSED / EBUSY */
    }
}

/*
 * Items still in the ring stay there: try_recv and recv take them after
 * the close, and then recv reports PAWL_ECLOSED.  A task waiting in recv
 * is woken and gets PAWL_ECLOSED.
 */
int pawl_spsc_close(pawl_spsc *q)
{
    if (q == NULL)
        return PAWL_EINVAL;
    return pawl_remote_close(&q->pawl__remote);
}

int pawl_spsc_unref(pawl_spsc *q)
{
    return q == NULL ? PAWL_EINVAL : pawl_remote_unref(&q->pawl__remote);
}

int pawl_spsc_ref(pawl_spsc *q)
{
    return q == NULL ? PAWL_EINVAL : pawl_remote_ref(&q->pawl__remote);
}
