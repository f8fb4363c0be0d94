/*
 * src/reactor.h -- the interface between pawl_io (src/io.c) and the
 * readiness backends, one per file: reactor_epoll.c, reactor_poll.c,
 * reactor_uring.c.  Not installed.
 *
 * A backend keeps its state in loop->pawl__io.state (allocated through
 * the loop's allocator in init, freed in close) and reports readiness by
 * calling pawl__io_ready(io, events) from its wait.  Every system call
 * goes through the seam of src/sys.h, so that tests can inject failures.
 *
 *   init(loop, notify_fd)  set up; watch `notify_fd` (the platform's
 *                          notification descriptor, -1 if none) for
 *                          readability, and set loop->pawl__io.notified
 *                          when a wait sees it.  0 or -errno / PAWL_ENOMEM.
 *   close(loop)            release everything (no handle is open).
 *   add(loop, io)          start watching io->pawl__fd.  -errno on
 *                          failure; PAWL_EALREADY if the descriptor is
 *                          already watched by this loop.
 *   update(loop, io)       io->pawl__interest changed (the events a waiter
 *                          wants that are not cached).  Backends that
 *                          watch everything edge-triggered (epoll) ignore
 *                          it; level-triggered ones (poll, io_uring poll
 *                          requests) must ask for exactly the interest,
 *                          or a cached-ready descriptor would wake every
 *                          wait.  0 or -errno.
 *   remove(loop, io)       stop watching (before the descriptor is
 *                          closed).  Nothing may be reported for `io`
 *                          after it returns.
 *   wait(loop, timeout_ns) wait up to `timeout_ns` (0: do not block;
 *                          UINT64_MAX: no limit) for readiness or the
 *                          notification, deliver what came, and return
 *                          the number of handles reported (>= 0) or
 *                          -errno.  EINTR is not an error: return
 *                          -EINTR, which the caller takes as "look
 *                          again" (on the virtual clock, time must not
 *                          jump over readiness a signal hid).
 */
#ifndef PAWL_REACTOR_H
#define PAWL_REACTOR_H

#include "pawl/io.h"

struct pawl__reactor {
    const char *name;
    int (*init)(pawl_loop *loop, int notify_fd);
    void (*close)(pawl_loop *loop);
    int (*add)(pawl_loop *loop, pawl_io *io);
    int (*update)(pawl_loop *loop, pawl_io *io);
    void (*remove)(pawl_loop *loop, pawl_io *io);
    int (*wait)(pawl_loop *loop, uint64_t timeout_ns);
};

extern const struct pawl__reactor pawl__reactor_epoll;
extern const struct pawl__reactor pawl__reactor_poll;
extern const struct pawl__reactor pawl__reactor_uring;

/* A backend saw `events` (PAWL_IO_*) on `io`: cache them, wake the
 * waiters they concern, and call the watch callback. */
void pawl__io_ready(pawl_io *io, unsigned events);

/* The poll phase with descriptors (src/io.c): wait until `deadline` (ns
 * on the platform's clock; 0: do not block), delivering readiness and
 * draining the platform's notification.  0 or a negative error. */
int pawl__io_poll(pawl_loop *loop, uint64_t deadline);

/* Close the reactor when the loop closes (no handle is open then). */
void pawl__io_close_loop(pawl_loop *loop);

#endif /* PAWL_REACTOR_H */
