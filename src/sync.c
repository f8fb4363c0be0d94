/*
 * src/sync.c -- semaphore, mutex, notify and oneshot (pawl/sync.h).
 *
 * The first three share one design: a count or flag, and a FIFO of
 * pawl_waiters (src/waitq.h) that is served strictly in order.  Serving a
 * waiter hands it what it waited for at once (a permit, the lock, a
 * notification): the waiter leaves the queue, is marked SERVED and its task
 * is woken; the next poll of its await takes it.  Nothing stays free while
 * a task waits, so no newcomer can barge in between the wake and that
 * poll.  Hence the invariants, which the fast paths rely on:
 *
 *   semaphore  permits != 0  implies  the queue is empty
 *   mutex      the queue is not empty  implies  locked
 *   notify     permit set  implies  the queue is empty
 *
 * A WAITER'S AWAIT (every primitive here)
 * =======================================
 *
 *              first poll: free now -> take it, ready 0
 *     IDLE ------------------------------------------------> IDLE
 *       |  first poll: must wait
 *       v
 *     QUEUED --- serve (release / unlock / notify) ---> SERVED
 *       |                                                  |
 *       | polled canceled: leave the queue,                | next poll: take it,
 *       | PAWL_ECANCELED                                   | ready 0
 *       v                                                  v
 *     IDLE <------- polled canceled: pass it on, ------- IDLE
 *                   PAWL_ECANCELED
 *
 * A canceled first poll takes nothing and returns PAWL_ECANCELED.  "Pass
 * it on" is what the owner would have done with it: the semaphore
 * releases one permit and the mutex unlocks (either serves the next
 * waiter, if any), and a notify_one is notified again (the next waiter, or
 * the stored permit).  A waiter woken by notify_all is not passed on: that
 * notification was for every waiter of the moment, and the others have it;
 * pawl__how records which of the two served it.
 *
 * THE ONESHOT
 * ===========
 *
 *     EMPTY --send--> SENT --recv--> TAKEN
 *       |               (close: stays SENT; the value is still received)
 *       +--close--> CLOSED
 *
 * At most one receiver waits, its waker kept in the oneshot.  The value
 * stays in the oneshot until a recv takes it, so a receiver canceled after
 * the send only gives up its registration: a later recv still gets it.
 */
#include "pawl/sync.h"

#include <assert.h>

#include "internal.h"
#include "waitq.h"

/* The external definitions of the inline fast paths of pawl/sync.h. */
extern pawl_poll pawl_sem_acquire(pawl_sem *s, pawl_waiter *w, pawl_cx *cx);
extern int pawl_sem_release(pawl_sem *s, size_t n);

/* pawl_waiter.pawl__how for a notify waiter. */
enum { HOW_ONE = 1, HOW_ALL = 2 };

/* A zeroed primitive has a NULL queue head: it was never initialised. */
static inline bool waitq_uninit(const pawl_wheel_link *q)
{
    return q->pawl__next == NULL;
}

/*
 * The part of an await that is the same for every queue: a QUEUED waiter
 * polled again.  Canceled: out of the queue, PAWL_ECANCELED.  Otherwise
 * (a spurious poll) it keeps waiting, with the waker of this poll.
 */
static pawl_poll queued_poll(pawl_waiter *w, pawl_cx *cx)
{
    if (pawl_cx_canceled(cx)) {
        pawl__waitq_remove(w);
        w->pawl__state = PAWL__W_IDLE;
        return PAWL_ECANCELED;
    }
    pawl__waiter_hold(w, cx);
    return PAWL_PENDING;
}

/* ---- semaphore ---------------------------------------------------------- */

int pawl_sem_init(pawl_sem *s, size_t permits)
{
    if (s == NULL)
        return PAWL_EINVAL;
    pawl__waitq_init(&s->pawl__waiters);
    s->pawl__permits = permits;
    return 0;
}

/* Give `n` permits: to queued waiters first, the rest to the count.  The
 * caller has checked that the count cannot overflow. */
static void sem_give(pawl_sem *s, size_t n)
{
    for (; n != 0; n--) {
        pawl_waiter *w = pawl__waitq_pop(&s->pawl__waiters);
        if (w == NULL)
            break;
        pawl__waiter_wake(w, PAWL__W_SERVED);
    }
    s->pawl__permits += n;
}

pawl_poll pawl__sem_acquire_slow(pawl_sem *s, pawl_waiter *w, pawl_cx *cx)
{
    if (s == NULL || w == NULL || cx == NULL)
        return PAWL_EINVAL;
    if (waitq_uninit(&s->pawl__waiters))
        return PAWL_EUNINIT;
    switch (w->pawl__state) {
    case PAWL__W_IDLE:
        if (pawl_cx_canceled(cx))
            return PAWL_ECANCELED;
        if (s->pawl__permits != 0) {
            assert(pawl__waitq_empty(&s->pawl__waiters));
            s->pawl__permits--;
            return 0;
        }
        pawl__waitq_push(&s->pawl__waiters, w, cx);
        return PAWL_PENDING;
    case PAWL__W_QUEUED:
        return queued_poll(w, cx);
    case PAWL__W_SERVED:
        w->pawl__state = PAWL__W_IDLE;
        if (pawl_cx_canceled(cx)) {
            sem_give(s, 1); /* the count is 0 here: no overflow */
            return PAWL_ECANCELED;
        }
        return 0;
    default:
        return PAWL_EINVAL; /* not a semaphore waiter's state */
    }
}

int pawl_sem_try_acquire(pawl_sem *s)
{
    if (s == NULL)
        return PAWL_EINVAL;
    /* A free permit means nobody is queued (see the top of this file). */
    if (s->pawl__permits == 0)
        return PAWL_EAGAIN;
    s->pawl__permits--;
    return 0;
}

int pawl__sem_release_slow(pawl_sem *s, size_t n)
{
    if (s == NULL)
        return PAWL_EINVAL;
    if (waitq_uninit(&s->pawl__waiters))
        return PAWL_EUNINIT;
    /* With waiters queued the count is 0, and it stays below n. */
    if (pawl__waitq_empty(&s->pawl__waiters) && n > SIZE_MAX - s->pawl__permits)
        return PAWL_EINVAL;
    sem_give(s, n);
    return 0;
}

size_t pawl_sem_available(const pawl_sem *s)
{
    return s != NULL ? s->pawl__permits : 0;
}

/* ---- mutex -------------------------------------------------------------- */

int pawl_mutex_init(pawl_mutex *m)
{
    if (m == NULL)
        return PAWL_EINVAL;
    pawl__waitq_init(&m->pawl__waiters);
    m->pawl__locked = 0;
    return 0;
}

/* Hand the lock to the first waiter (it stays locked), or unlock. */
static void mutex_give(pawl_mutex *m)
{
    pawl_waiter *w = pawl__waitq_pop(&m->pawl__waiters);
    if (w != NULL)
        pawl__waiter_wake(w, PAWL__W_SERVED);
    else
        m->pawl__locked = 0;
}

pawl_poll pawl_mutex_lock(pawl_mutex *m, pawl_waiter *w, pawl_cx *cx)
{
    if (m == NULL || w == NULL || cx == NULL)
        return PAWL_EINVAL;
    if (waitq_uninit(&m->pawl__waiters))
        return PAWL_EUNINIT;
    switch (w->pawl__state) {
    case PAWL__W_IDLE:
        if (pawl_cx_canceled(cx))
            return PAWL_ECANCELED;
        if (!m->pawl__locked) {
            assert(pawl__waitq_empty(&m->pawl__waiters));
            m->pawl__locked = 1;
            return 0;
        }
        pawl__waitq_push(&m->pawl__waiters, w, cx);
        return PAWL_PENDING;
    case PAWL__W_QUEUED:
        return queued_poll(w, cx);
    case PAWL__W_SERVED:
        w->pawl__state = PAWL__W_IDLE;
        if (pawl_cx_canceled(cx)) {
            mutex_give(m);
            return PAWL_ECANCELED;
        }
        return 0;
    default:
        return PAWL_EINVAL;
    }
}

int pawl_mutex_try_lock(pawl_mutex *m)
{
    if (m == NULL)
        return PAWL_EINVAL;
    /* Waiters queued means locked (see the top of this file). */
    if (m->pawl__locked)
        return PAWL_EBUSY;
    m->pawl__locked = 1;
    return 0;
}

int pawl_mutex_unlock(pawl_mutex *m)
{
    if (m == NULL || !m->pawl__locked)
        return PAWL_EINVAL;
    mutex_give(m);
    return 0;
}

/* ---- notify -------------------------------------------------------------- */

int pawl_notify_init(pawl_notify *n)
{
    if (n == NULL)
        return PAWL_EINVAL;
    pawl__waitq_init(&n->pawl__waiters);
    n->pawl__permit = 0;
    return 0;
}

/* notify_one: the first waiter, or the stored permit. */
static void notify_give(pawl_notify *n)
{
    pawl_waiter *w = pawl__waitq_pop(&n->pawl__waiters);
    if (w != NULL) {
        w->pawl__how = HOW_ONE;
        pawl__waiter_wake(w, PAWL__W_SERVED);
    } else {
        n->pawl__permit = 1;
    }
}

pawl_poll pawl_notify_wait(pawl_notify *n, pawl_waiter *w, pawl_cx *cx)
{
    if (n == NULL || w == NULL || cx == NULL)
        return PAWL_EINVAL;
    if (waitq_uninit(&n->pawl__waiters))
        return PAWL_EUNINIT;
    switch (w->pawl__state) {
    case PAWL__W_IDLE:
        if (pawl_cx_canceled(cx))
            return PAWL_ECANCELED;
        if (n->pawl__permit) {
            assert(pawl__waitq_empty(&n->pawl__waiters));
            n->pawl__permit = 0;
            return 0;
        }
        pawl__waitq_push(&n->pawl__waiters, w, cx);
        return PAWL_PENDING;
    case PAWL__W_QUEUED:
        return queued_poll(w, cx);
    case PAWL__W_SERVED:
        w->pawl__state = PAWL__W_IDLE;
        if (pawl_cx_canceled(cx)) {
            if (w->pawl__how == HOW_ONE)
                notify_give(n);
            return PAWL_ECANCELED;
        }
        return 0;
    default:
        return PAWL_EINVAL;
    }
}

int pawl_notify_one(pawl_notify *n)
{
    if (n == NULL)
        return PAWL_EINVAL;
    if (waitq_uninit(&n->pawl__waiters))
        return PAWL_EUNINIT;
    notify_give(n);
    return 0;
}

int pawl_notify_all(pawl_notify *n)
{
    if (n == NULL)
        return PAWL_EINVAL;
    if (waitq_uninit(&n->pawl__waiters))
        return PAWL_EUNINIT;
    /* Exactly those waiting now: a woken waiter cannot queue again before
     * its task runs, which is after this loop. */
    pawl_waiter *w;
    while ((w = pawl__waitq_pop(&n->pawl__waiters)) != NULL) {
        w->pawl__how = HOW_ALL;
        pawl__waiter_wake(w, PAWL__W_SERVED);
    }
    return 0;
}

/* ---- oneshot -------------------------------------------------------------- */

int pawl_oneshot_init(pawl_oneshot *o)
{
    if (o == NULL)
        return PAWL_EINVAL;
    o->pawl__task = NULL;
    o->pawl__gen = 0;
    o->pawl__state = PAWL__ONESHOT_EMPTY;
    o->pawl__value = NULL;
    return 0;
}

/* Wake the waiting receiver, if any; it is no longer registered. */
static void oneshot_wake(pawl_oneshot *o)
{
    pawl_waker k = {o->pawl__task, o->pawl__gen};
    o->pawl__task = NULL;
    pawl_wake(k);
}

int pawl_oneshot_send(pawl_oneshot *o, void *value)
{
    if (o == NULL)
        return PAWL_EINVAL;
    switch (o->pawl__state) {
    case PAWL__ONESHOT_EMPTY:
        o->pawl__value = value;
        o->pawl__state = PAWL__ONESHOT_SENT;
        oneshot_wake(o);
        return 0;
    case PAWL__ONESHOT_CLOSED:
        return PAWL_ECLOSED;
    default: /* SENT or TAKEN */
        return PAWL_EALREADY;
    }
}

int pawl_oneshot_close(pawl_oneshot *o)
{
    if (o == NULL)
        return PAWL_EINVAL;
    if (o->pawl__state == PAWL__ONESHOT_EMPTY) {
        o->pawl__state = PAWL__ONESHOT_CLOSED;
        oneshot_wake(o);
    }
    return 0; /* closing after a send, or twice, changes nothing */
}

pawl_poll pawl_oneshot_recv(pawl_oneshot *o, pawl_cx *cx, void **value)
{
    if (o == NULL || cx == NULL || value == NULL)
        return PAWL_EINVAL;
    pawl_waker me = pawl_cx_waker(cx);
    /* Registered: this task (with this generation), or another one.  The
     * same task of an earlier generation left a stale registration behind
     * only if it was never polled again, which cancellation rules out; it
     * is simply replaced. */
    bool mine = o->pawl__task == me.task && o->pawl__gen == me.gen;
    if (pawl_cx_canceled(cx)) {
        if (mine)
            o->pawl__task = NULL; /* give the registration back */
        return PAWL_ECANCELED;
    }
    if (o->pawl__task != NULL && o->pawl__task != me.task)
        return PAWL_EBUSY;
    switch (o->pawl__state) {
    case PAWL__ONESHOT_EMPTY:
        o->pawl__task = me.task;
        o->pawl__gen = me.gen;
        return PAWL_PENDING;
    case PAWL__ONESHOT_SENT:
        o->pawl__task = NULL;
        o->pawl__state = PAWL__ONESHOT_TAKEN;
        *value = o->pawl__value;
        return 0;
    case PAWL__ONESHOT_CLOSED:
        o->pawl__task = NULL;
        return PAWL_ECLOSED;
    default: /* TAKEN */
        o->pawl__task = NULL;
        return PAWL_EALREADY;
    }
}
