/*
 * src/ring.h -- the circular doubly-linked list through a head that the
 * wheel's slots, the timers' staging ring, the queued immediates and the
 * sync primitives' wait queues all are.  Not installed.
 *
 * A ring's head is a pawl_wheel_link inside its owner; an empty ring's
 * head points at itself, so an element leaves without knowing which ring
 * it is in.  An element in no ring has a NULL next link (its prev is
 * stale and never read).
 */
#ifndef PAWL_RING_H
#define PAWL_RING_H

#include <stdbool.h>
#include <stddef.h>

#include "pawl/wheel.h"

static inline void pawl__ring_init(pawl_wheel_link *head)
{
    head->pawl__next = head->pawl__prev = head;
}

static inline bool pawl__ring_empty(const pawl_wheel_link *head)
{
    return head->pawl__next == head;
}

/* Append `l` at the tail.  The stores are in this order so that gcc does
 * not pair l's two through a vector register (four instructions for two,
 * and no faster). */
static inline void pawl__ring_append(pawl_wheel_link *head, pawl_wheel_link *l)
{
    pawl_wheel_link *tail = head->pawl__prev;
    l->pawl__next = head;
    tail->pawl__next = l;
    l->pawl__prev = tail;
    head->pawl__prev = l;
}

/* Take `l` out of its ring: five memory operations, no branch. */
static inline void pawl__ring_unlink(pawl_wheel_link *l)
{
    pawl_wheel_link *next = l->pawl__next;
    pawl_wheel_link *prev = l->pawl__prev;
    prev->pawl__next = next;
    next->pawl__prev = prev;
    l->pawl__next = NULL;
}

/* Move every element of `from` to the empty ring `to`, in order. */
static inline void pawl__ring_move(pawl_wheel_link *from, pawl_wheel_link *to)
{
    if (pawl__ring_empty(from)) {
        pawl__ring_init(to);
        return;
    }
    to->pawl__next = from->pawl__next;
    to->pawl__prev = from->pawl__prev;
    to->pawl__next->pawl__prev = to;
    to->pawl__prev->pawl__next = to;
    pawl__ring_init(from);
}

#endif /* PAWL_RING_H */
