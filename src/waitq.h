/*
 * src/waitq.h -- the FIFO of pawl_waiters that the sync primitives share
 * (src/sync.c, src/channel.c).  Not installed.
 *
 * A queue is a ring through a head (a pawl_wheel_link in the primitive),
 * so a waiter leaves it, on cancellation, without a search.  A waiter not
 * in any queue has a NULL next link.
 */
#ifndef PAWL_WAITQ_H
#define PAWL_WAITQ_H

#include "internal.h"

static inline void pawl__waitq_init(pawl_wheel_link *q)
{
    pawl__ring_init(q);
}

static inline bool pawl__waitq_empty(const pawl_wheel_link *q)
{
    return pawl__ring_empty(q);
}

/* Keep the polling task's waker in `w`. */
static inline void pawl__waiter_hold(pawl_waiter *w, const pawl_cx *cx)
{
    pawl_waker k = pawl_cx_waker(cx);
    w->pawl__task = k.task;
    w->pawl__gen = k.gen;
}

/* Queue `w` at the tail, QUEUED, with the polling task's waker. */
static inline void pawl__waitq_push(pawl_wheel_link *q, pawl_waiter *w, const pawl_cx *cx)
{
    pawl__ring_append(q, &w->pawl__link);
    w->pawl__state = PAWL__W_QUEUED;
    pawl__waiter_hold(w, cx);
}

/* Take `w` out of whatever queue it is in. */
static inline void pawl__waitq_remove(pawl_waiter *w)
{
    pawl__ring_unlink(&w->pawl__link);
}

/* The first waiter, out of the queue; NULL if it is empty. */
static inline pawl_waiter *pawl__waitq_pop(pawl_wheel_link *q)
{
    if (pawl__ring_empty(q))
        return NULL;
    pawl_waiter *w = PAWL_CONTAINER_OF(q->pawl__next, pawl_waiter, pawl__link);
    pawl__waitq_remove(w);
    return w;
}

/* Mark a waiter (already out of its queue) with `state` and wake it. */
static inline void pawl__waiter_wake(pawl_waiter *w, unsigned char state)
{
    w->pawl__state = state;
    pawl_waker k = {w->pawl__task, w->pawl__gen};
    pawl_wake(k);
}

#endif /* PAWL_WAITQ_H */
