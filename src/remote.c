/*
 * src/remote.c -- remote wakes: the one path into a loop from other
 * threads, signal handlers and interrupt handlers.
 *
 * The inbox is a Treiber stack (lock-free LIFO) of remotes.  Producers push
 * with a compare-and-swap; the loop takes the whole stack with one
 * exchange, so it never pops single nodes and the ABA problem cannot
 * arise.  Each remote's `pending` flag keeps it on the stack at most once:
 * only the ring that turns it from 0 to 1 pushes, later rings coalesce.
 *
 *   idle --ring (pending 0->1)--> inbox --collect--> ready list
 *        <------------- deliver (pending 1->0, then callback/waker) -----
 *
 * The loop clears `pending` *before* it delivers, with an exchange, so a
 * ring that coalesced into this delivery happened before the delivery
 * runs (and what the ringing thread wrote before ringing is visible to the
 * callback), and a ring after the clear pushes again.
 */
#include "internal.h"

/* The poll phase's part (loop->pawl__remote_pass): take the inbox if a
 * ring notified the loop, then deliver what is ready. */
static void remote_pass(pawl_loop *loop, int rang)
{
    if (rang)
        pawl__remote_collect(loop);
    if (loop->pawl__remote_ready != NULL)
        pawl__remote_deliver(loop);
}

int pawl_remote_init(pawl_loop *loop, pawl_remote *r, pawl_remote_fn *fn, void *arg)
{
    int rc = pawl__loop_check(loop);
    if (rc != 0)
        return rc;
    if (r == NULL)
        return PAWL_EINVAL;
    atomic_init(&r->pawl__next, NULL);
    atomic_init(&r->pawl__pending, 0);
    r->pawl__loop = loop;
    r->pawl__ready_next = NULL;
    r->pawl__fn = fn;
    r->pawl__arg = arg;
    r->pawl__waiter = (pawl_waker){0};
    r->pawl__rung = 0;
    r->pawl__ref = 1;
    loop->pawl__refs++;
    loop->pawl__handles++;
    loop->pawl__remote_pass = remote_pass;
    return 0;
}

int pawl_wake_remote(pawl_remote *r)
{
    if (r == NULL)
        return PAWL_EINVAL;
    pawl_loop *loop = r->pawl__loop;
    if (loop == NULL)
        return PAWL_ECLOSED;
    if (atomic_exchange_explicit(&r->pawl__pending, 1, memory_order_acq_rel) != 0)
        return 0; /* coalesced into the delivery already on its way */
    pawl_remote *head = atomic_load_explicit(&loop->pawl__remote_inbox, memory_order_relaxed);
    do {
        atomic_store_explicit(&r->pawl__next, head, memory_order_relaxed);
    } while (!atomic_compare_exchange_weak_explicit(&loop->pawl__remote_inbox, &head, r,
                                                    memory_order_release,
                                                    memory_order_relaxed));
    if (atomic_exchange_explicit(&loop->pawl__notified, 1, memory_order_acq_rel) == 0)
        loop->pawl__platform->ops->notify(loop->pawl__platform);
    return 0;
}

void pawl__remote_collect(pawl_loop *loop)
{
    pawl_remote *r = atomic_exchange_explicit(&loop->pawl__remote_inbox, NULL,
                                              memory_order_acquire);
    /* The stack is newest-first; reverse it so remotes are delivered in
     * the order they first rang. */
    pawl_remote *fifo = NULL;
    while (r != NULL) {
        pawl_remote *next = atomic_load_explicit(&r->pawl__next, memory_order_relaxed);
        r->pawl__ready_next = fifo;
        fifo = r;
        r = next;
    }
    if (fifo == NULL)
        return;
    pawl_remote **tail = &loop->pawl__remote_ready;
    while (*tail != NULL)
        tail = &(*tail)->pawl__ready_next;
    *tail = fifo;
}

void pawl__remote_deliver(pawl_loop *loop)
{
    /* Deliver a snapshot: a callback that closes a remote collects the
     * inbox onto the ready list, and what it collects waits for the next
     * poll phase, so a callback that rings and closes cannot keep the loop
     * in this phase for ever.  pawl_remote_close also searches the
     * snapshot, so a remote closed (and freed) by an earlier callback is
     * never delivered. */
    loop->pawl__remote_delivering = loop->pawl__remote_ready;
    loop->pawl__remote_ready = NULL;
    pawl_remote *r;
    while ((r = loop->pawl__remote_delivering) != NULL) {
        loop->pawl__remote_delivering = r->pawl__ready_next;
        r->pawl__ready_next = NULL;
        atomic_exchange_explicit(&r->pawl__pending, 0, memory_order_acq_rel);
        r->pawl__rung = 1;
        PAWL__TRACE(loop, REMOTE_DELIVERED, r, 0u);
        /* The waiter stays registered until it takes the ring: no other
         * task polled before it can take it from under it. */
        if (r->pawl__waiter.task != NULL)
            pawl_wake(r->pawl__waiter);
        if (r->pawl__fn != NULL) {
            r->pawl__fn(r, r->pawl__arg);
            if (loop->pawl__mt_head != NULL)
                pawl__microtasks_drain(loop);
        }
    }
}

/* The waiter is another task that is still alive and in the same run: it
 * has the remote (a waiter that finished is simply replaced). */
static bool held_by_other(const pawl_remote *r, const pawl_task *self)
{
    const pawl_task *other = r->pawl__waiter.task;
    return other != NULL && other != self &&
           (other->pawl__state & PAWL__T_GEN_MASK) == r->pawl__waiter.gen &&
           other->pawl__link != 0;
}

void pawl__remote_forget(pawl_remote *r, const pawl_task *task)
{
    if (r->pawl__waiter.task == task)
        r->pawl__waiter = (pawl_waker){0};
}

pawl_poll pawl_remote_wait(pawl_remote *r, pawl_cx *cx)
{
    if (r == NULL || cx == NULL)
        return PAWL_EINVAL;
    if (pawl_cx_canceled(cx)) {
        pawl__remote_forget(r, cx->task);
        return PAWL_ECANCELED;
    }
    if (r->pawl__loop == NULL)
        return PAWL_ECLOSED;
    if (r->pawl__loop != cx->loop)
        return PAWL_EFOREIGN;
    if (held_by_other(r, cx->task))
        return PAWL_EBUSY;
    if (r->pawl__rung) {
        r->pawl__rung = 0;
        r->pawl__waiter = (pawl_waker){0};
        return PAWL_READY;
    }
    r->pawl__waiter = pawl_cx_waker(cx);
    return PAWL_PENDING;
}

int pawl_remote_unref(pawl_remote *r)
{
    if (r == NULL)
        return PAWL_EINVAL;
    if (r->pawl__loop == NULL)
        return PAWL_ECLOSED;
    if (r->pawl__ref) {
        r->pawl__ref = 0;
        r->pawl__loop->pawl__refs--;
    }
    return 0;
}

int pawl_remote_ref(pawl_remote *r)
{
    if (r == NULL)
        return PAWL_EINVAL;
    if (r->pawl__loop == NULL)
        return PAWL_ECLOSED;
    if (!r->pawl__ref) {
        r->pawl__ref = 1;
        r->pawl__loop->pawl__refs++;
    }
    return 0;
}

int pawl_remote_close(pawl_remote *r)
{
    if (r == NULL)
        return PAWL_EINVAL;
    pawl_loop *loop = r->pawl__loop;
    if (loop == NULL)
        return PAWL_ECLOSED;
    /* Take it off the inbox, the ready list and the list being delivered,
     * whichever it is on. */
    pawl__remote_collect(loop);
    pawl_remote **lists[] = {&loop->pawl__remote_ready, &loop->pawl__remote_delivering};
    for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++) {
        for (pawl_remote **p = lists[i]; *p != NULL; p = &(*p)->pawl__ready_next) {
            if (*p == r) {
                *p = r->pawl__ready_next;
                break;
            }
        }
    }
    r->pawl__ready_next = NULL;
    atomic_store_explicit(&r->pawl__pending, 0, memory_order_relaxed);
    if (r->pawl__ref)
        loop->pawl__refs--;
    loop->pawl__handles--;
    r->pawl__loop = NULL;
    if (r->pawl__waiter.task != NULL) {
        pawl_waker w = r->pawl__waiter;
        r->pawl__waiter = (pawl_waker){0};
        pawl_wake(w); /* its wait now returns PAWL_ECLOSED */
    }
    return 0;
}
