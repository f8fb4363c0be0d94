/*
 * src/io.c -- pawl_io handles on the loop's reactor, and the poll phase
 * when descriptors are open.
 *
 * A handle caches the events its backend reported (pawl__ready) until the
 * code that reads or writes sees EAGAIN and clears them.  What a backend
 * must still be asked for -- the interest -- is what a waiter or the watch
 * wants and the cache does not already have; it is recomputed after every
 * change, and the backend's update is called only when it differs from
 * what the backend was last asked (pawl__asked).  epoll, edge-triggered on
 * everything, ignores it; poll and io_uring ask for exactly that.
 *
 * Handle flags (pawl__flags):
 *   OPEN     registered with the reactor (pawl__loop set)
 *   REF      keeps the loop alive (counted in loop->pawl__refs)
 *   CLOSED   closed since it was opened: awaits return PAWL_ECLOSED
 *   PENDING  in the loop's list of watched handles with events to report
 *   NOT_SOCKET  the descriptor is not a socket (net.c learns this from
 *            the first ENOTSOCK and reads and writes it with read and
 *            write from then on; PAWL__IO_NOT_SOCKET in internal.h)
 *
 * THE POLL PHASE (pawl__io_poll)
 *   Real-time platform (one with a notification descriptor): the reactor
 *   waits for descriptors, the notification or the deadline, whichever
 *   comes first; a notification is then consumed with the platform's
 *   wait(0).  Virtual clock: the reactor only looks (timeout 0); if
 *   nothing is ready, the platform's wait moves the clock to the deadline
 *   (or reports PAWL_EDEADLK), as with no descriptors at all.
 */
#include "pawl/io.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "internal.h"
#include "reactor.h"
#include "sys.h"

enum {
    F_OPEN = 1u << 0,
    F_REF = 1u << 1,
    F_CLOSED = 1u << 2,
    F_PENDING = 1u << 3,
    F_NOT_SOCKET = PAWL__IO_NOT_SOCKET
};

/* What makes each future ready.  A hang-up ends reading (the read sees
 * end of stream); writing is ended only by a full hang-up, which the
 * backends report as HUP | WRITABLE (the write then fails with EPIPE):
 * a peer that only shut down its writing half still reads. */
#define READ_LIKE (PAWL_IO_READABLE | PAWL_IO_HUP | PAWL_IO_ERROR)
#define WRITE_LIKE (PAWL_IO_WRITABLE | PAWL_IO_ERROR)

#if !defined(PAWL_DEFAULT_BACKEND)
#  if defined(__linux__)
#    define PAWL_DEFAULT_BACKEND PAWL_BACKEND_EPOLL
#  else
#    define PAWL_DEFAULT_BACKEND PAWL_BACKEND_POLL
#  endif
#endif

static int io_poll_phase(pawl_loop *loop, uint64_t deadline);
static void io_close_loop(pawl_loop *loop);

/* ---- the reactor ------------------------------------------------------------ */

static const struct pawl__reactor *backend_ops(unsigned which)
{
    if (which == PAWL_BACKEND_DEFAULT)
        which = PAWL_DEFAULT_BACKEND;
    switch (which) {
#if defined(__linux__)
    case PAWL_BACKEND_EPOLL:
        return &pawl__reactor_epoll;
#endif
    case PAWL_BACKEND_POLL:
        return &pawl__reactor_poll;
#if defined(PAWL_HAVE_URING)
    case PAWL_BACKEND_URING:
        return &pawl__reactor_uring;
#endif
    default:
        return NULL;
    }
}

/* Set up the loop's reactor on first use. */
static int reactor_ready(pawl_loop *loop)
{
    struct pawl__io_loop *st = &loop->pawl__io;
    if (st->ops != NULL)
        return 0;
    const struct pawl__reactor *ops = backend_ops(st->backend);
    if (ops == NULL)
        return PAWL_ENOSYS; /* not built in, or not on this system */
    pawl_platform *p = loop->pawl__platform;
    int nfd = p->ops->notify_fd != NULL ? p->ops->notify_fd(p) : -1;
    int rc = ops->init(loop, nfd);
    if (rc != 0)
        return rc;
    st->ops = ops;
    st->notify_fd = nfd;
    st->poll = io_poll_phase;
    st->close = io_close_loop;
    return 0;
}

static void io_close_loop(pawl_loop *loop)
{
    struct pawl__io_loop *st = &loop->pawl__io;
    if (st->ops != NULL)
        st->ops->close(loop);
    st->ops = NULL;
    st->state = NULL;
}

const char *pawl_loop_backend(const pawl_loop *loop)
{
    if (pawl__loop_check(loop) != 0 || loop->pawl__io.ops == NULL)
        return "none";
    return loop->pawl__io.ops->name;
}

/* ---- interest ------------------------------------------------------------------ */

/* What the backend must watch for: what is waited for or watched and not
 * cached. */
static unsigned wanted(const pawl_io *io)
{
    unsigned want = io->pawl__watch;
    if (io->pawl__reader.task != NULL)
        want |= PAWL_IO_READABLE;
    if (io->pawl__writer.task != NULL)
        want |= PAWL_IO_WRITABLE;
    return want & ~(unsigned)io->pawl__ready;
}

static int interest_update(pawl_io *io)
{
    unsigned want = wanted(io);
    io->pawl__interest = (uint8_t)want;
    if (want == io->pawl__asked)
        return 0;
    io->pawl__asked = (uint8_t)want;
    return io->pawl__loop->pawl__io.ops->update(io->pawl__loop, io);
}

/* Queue a watched handle whose cache has watched events for its callback
 * in the next poll phase. */
static void pending_push(pawl_io *io)
{
    if ((io->pawl__flags & F_PENDING) || io->pawl__fn == NULL ||
        !(io->pawl__ready & (io->pawl__watch | PAWL_IO_HUP | PAWL_IO_ERROR)))
        return;
    struct pawl__io_loop *st = &io->pawl__loop->pawl__io;
    io->pawl__flags |= F_PENDING;
    io->pawl__next_pending = st->pending;
    st->pending = io;
}

/* ---- open / close ----------------------------------------------------------------- */

int pawl_io_open(pawl_loop *loop, pawl_io *io, int fd)
{
    int rc = pawl__loop_check(loop);
    if (rc != 0)
        return rc;
    if (io == NULL || fd < 0)
        return PAWL_EINVAL;
    if (io->pawl__flags & F_OPEN)
        return PAWL_EBUSY;
    rc = reactor_ready(loop);
    if (rc != 0)
        return rc;
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0)
        return -errno;
    if (!(fl & O_NONBLOCK) && fcntl(fd, F_SETFL, fl | O_NONBLOCK) != 0)
        return -errno;
    (void)fcntl(fd, F_SETFD, FD_CLOEXEC);
    io->pawl__loop = loop;
    io->pawl__fd = fd;
    io->pawl__ready = 0;
    io->pawl__interest = 0;
    io->pawl__asked = 0;
    io->pawl__flags = F_OPEN | F_REF;
    io->pawl__watch = 0;
    io->pawl__reader = (pawl_waker){NULL, 0};
    io->pawl__writer = (pawl_waker){NULL, 0};
    io->pawl__fn = NULL;
    io->pawl__arg = NULL;
    io->pawl__slot = 0;
    io->pawl__next_pending = NULL;
    rc = loop->pawl__io.ops->add(loop, io);
    if (rc != 0) {
        io->pawl__loop = NULL;
        io->pawl__flags = 0;
        return rc;
    }
    loop->pawl__io.open++;
    loop->pawl__handles++;
    loop->pawl__refs++;
    return 0;
}

int pawl_io_fd(const pawl_io *io)
{
    return io != NULL && (io->pawl__flags & F_OPEN) ? io->pawl__fd : -1;
}

unsigned pawl_io_events(const pawl_io *io)
{
    return io != NULL && (io->pawl__flags & F_OPEN) ? io->pawl__ready : 0;
}

/* Take the handle off its reactor and its loop's books; wake its waiters
 * (they will read F_CLOSED). */
static int io_release(pawl_io *io)
{
    if (io == NULL)
        return PAWL_EINVAL;
    if (!(io->pawl__flags & F_OPEN))
        return (io->pawl__flags & F_CLOSED) ? PAWL_ECLOSED : PAWL_EINVAL;
    pawl_loop *loop = io->pawl__loop;
    struct pawl__io_loop *st = &loop->pawl__io;
    st->ops->remove(loop, io);
    if (io->pawl__flags & F_PENDING) { /* out of whichever pending list */
        pawl_io **at = &st->pending;
        while (*at != NULL && *at != io)
            at = &(*at)->pawl__next_pending;
        if (*at == NULL) {
            at = &st->pending_later;
            while (*at != io)
                at = &(*at)->pawl__next_pending;
        }
        *at = io->pawl__next_pending;
    }
    if (io->pawl__flags & F_REF)
        loop->pawl__refs--;
    loop->pawl__handles--;
    st->open--;
    pawl_waker r = io->pawl__reader, w = io->pawl__writer;
    io->pawl__reader = (pawl_waker){NULL, 0};
    io->pawl__writer = (pawl_waker){NULL, 0};
    io->pawl__flags = F_CLOSED;
    io->pawl__loop = NULL;
    io->pawl__fn = NULL;
    io->pawl__watch = 0;
    io->pawl__ready = 0;
    pawl_wake(r);
    pawl_wake(w);
    return 0;
}

int pawl_io_close(pawl_io *io)
{
    int fd = io != NULL ? io->pawl__fd : -1;
    int rc = io_release(io);
    if (rc == 0)
        (void)pawl__sys->close(fd); /* EINTR: the descriptor is gone anyway */
    return rc;
}

int pawl_io_detach(pawl_io *io)
{
    return io_release(io);
}

/* ---- readiness ------------------------------------------------------------------- */

void pawl__io_ready(pawl_io *io, unsigned events)
{
    PAWL__TRACE(io->pawl__loop, IO_READY, io, events);
    io->pawl__ready |= (uint8_t)events;
    if ((events & READ_LIKE) && io->pawl__reader.task != NULL) {
        pawl_waker w = io->pawl__reader;
        io->pawl__reader = (pawl_waker){NULL, 0};
        pawl_wake(w);
    }
    if ((events & WRITE_LIKE) && io->pawl__writer.task != NULL) {
        pawl_waker w = io->pawl__writer;
        io->pawl__writer = (pawl_waker){NULL, 0};
        pawl_wake(w);
    }
    pending_push(io);
    (void)interest_update(io); /* an error here shows at the next wait */
}

void pawl_io_clear(pawl_io *io, unsigned events)
{
    if (io == NULL || !(io->pawl__flags & F_OPEN))
        return;
    io->pawl__ready &= (uint8_t) ~(events & (PAWL_IO_READABLE | PAWL_IO_WRITABLE));
    (void)interest_update(io);
}

/* The two futures, one direction each. */
static pawl_poll io_await(pawl_io *io, pawl_cx *cx, pawl_waker *slot, unsigned like)
{
    if (pawl_cx_canceled(cx)) {
        if (slot->task == cx->task) {
            *slot = (pawl_waker){NULL, 0};
            (void)interest_update(io);
        }
        return PAWL_ECANCELED;
    }
    if (!(io->pawl__flags & F_OPEN))
        return (io->pawl__flags & F_CLOSED) ? PAWL_ECLOSED : PAWL_EINVAL;
    if (io->pawl__ready & like) {
        if (slot->task == cx->task)
            *slot = (pawl_waker){NULL, 0};
        return 0;
    }
    if (slot->task != NULL && slot->task != cx->task)
        return PAWL_EBUSY;
    *slot = pawl_cx_waker(cx);
    int rc = interest_update(io);
    if (rc != 0) {
        *slot = (pawl_waker){NULL, 0};
        return rc;
    }
    return PAWL_PENDING;
}

pawl_poll pawl_io_readable(pawl_io *io, pawl_cx *cx)
{
    if (io == NULL || cx == NULL)
        return PAWL_EINVAL;
    return io_await(io, cx, &io->pawl__reader, READ_LIKE);
}

pawl_poll pawl_io_writable(pawl_io *io, pawl_cx *cx)
{
    if (io == NULL || cx == NULL)
        return PAWL_EINVAL;
    return io_await(io, cx, &io->pawl__writer, WRITE_LIKE);
}

int pawl_io_watch(pawl_io *io, unsigned events, pawl_io_fn *fn, void *arg)
{
    if (io == NULL || (events & ~(unsigned)(PAWL_IO_READABLE | PAWL_IO_WRITABLE)) != 0 ||
        (events != 0 && fn == NULL))
        return PAWL_EINVAL;
    if (!(io->pawl__flags & F_OPEN))
        return (io->pawl__flags & F_CLOSED) ? PAWL_ECLOSED : PAWL_EINVAL;
    io->pawl__watch = (uint8_t)events;
    io->pawl__fn = events != 0 ? fn : NULL;
    io->pawl__arg = events != 0 ? arg : NULL;
    pending_push(io);
    return interest_update(io);
}

int pawl_io_error(pawl_io *io)
{
    if (io == NULL || !(io->pawl__flags & F_OPEN))
        return PAWL_EINVAL;
    int err = 0;
    socklen_t len = sizeof err;
    if (getsockopt(io->pawl__fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0)
        return -errno;
    return -err;
}

static int set_ref(pawl_io *io, bool ref)
{
    if (io == NULL)
        return PAWL_EINVAL;
    if (!(io->pawl__flags & F_OPEN))
        return (io->pawl__flags & F_CLOSED) ? PAWL_ECLOSED : PAWL_EINVAL;
    if (!!(io->pawl__flags & F_REF) == ref)
        return 0;
    if (ref) {
        io->pawl__flags |= F_REF;
        io->pawl__loop->pawl__refs++;
    } else {
        io->pawl__flags &= (uint8_t)~F_REF;
        io->pawl__loop->pawl__refs--;
    }
    return 0;
}

int pawl_io_unref(pawl_io *io)
{
    return set_ref(io, false);
}

int pawl_io_ref(pawl_io *io)
{
    return set_ref(io, true);
}

/* ---- the poll phase --------------------------------------------------------------- */

/* Call the watch callbacks of the handles with cached events; those still
 * ready afterwards (the callback did not read to EAGAIN) stay for the next
 * phase, as a level-triggered watch would report them again.  Each handle
 * is taken off the list before its callback runs and the ones to report
 * again wait in pending_later, so a callback may close any handle, its own
 * or one still listed. */
static void pending_run(pawl_loop *loop)
{
    struct pawl__io_loop *st = &loop->pawl__io;
    pawl_io *io;
    while ((io = st->pending) != NULL) {
        st->pending = io->pawl__next_pending;
        io->pawl__flags &= (uint8_t)~F_PENDING;
        unsigned ev = io->pawl__ready & (io->pawl__watch | PAWL_IO_HUP | PAWL_IO_ERROR);
        if (ev == 0 || io->pawl__fn == NULL)
            continue;
        PAWL__TRACE_ORIGIN(loop, IO, io); /* what its callback wakes */
        io->pawl__fn(io, ev, io->pawl__arg);
        if (loop->pawl__mt_head != NULL)
            pawl__microtasks_drain(loop);
        if ((io->pawl__flags & (F_OPEN | F_PENDING)) == F_OPEN && io->pawl__fn != NULL &&
            (io->pawl__ready & (io->pawl__watch | PAWL_IO_HUP | PAWL_IO_ERROR))) {
            io->pawl__flags |= F_PENDING;
            io->pawl__next_pending = st->pending_later;
            st->pending_later = io;
        }
    }
    st->pending = st->pending_later;
    st->pending_later = NULL;
}

static int io_poll_phase(pawl_loop *loop, uint64_t deadline)
{
    struct pawl__io_loop *st = &loop->pawl__io;
    pawl_platform *p = loop->pawl__platform;
    int n;
    if (deadline == 0 || st->pending != NULL) {
        n = st->ops->wait(loop, 0);
    } else if (st->notify_fd >= 0) {
        uint64_t ns = deadline == PAWL_FOREVER ? UINT64_MAX
                                               : pawl__wait_ns(deadline, p->ops->now_ns(p));
        n = st->ops->wait(loop, ns);
    } else {
        /* The virtual clock: look, and let time jump only if nothing is
         * ready. */
        n = st->ops->wait(loop, 0);
        if (n == 0) {
            int rc = p->ops->wait(p, deadline);
            if (rc != 0)
                return rc;
        }
    }
    if (n == -EINTR)
        n = 0; /* a signal: nothing was delivered; the next iteration looks
                  again (on the virtual clock the branch above did not let
                  time jump) */
    if (n < 0)
        return n;
    if (st->notified) {
        st->notified = 0;
        int rc = p->ops->wait(p, 0); /* consume the notification */
        if (rc != 0)
            return rc;
    }
    if (st->pending != NULL)
        pending_run(loop);
    return 0;
}
