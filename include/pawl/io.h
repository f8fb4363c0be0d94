/*
 * pawl/io.h -- readiness of file descriptors: one pawl_io per descriptor,
 * `readable` / `writable` futures and callbacks, on the loop's reactor.
 *
 * See docs/io.md for the model.  In short:
 *
 * READINESS, CACHED
 * =================
 *
 * The reactor (epoll, poll or io_uring, chosen when pawl is built or per
 * loop in pawl_loop_opts.backend) tells pawl when a descriptor becomes
 * readable or writable, and pawl remembers it in the handle.  A
 * `readable` await is ready at once while the handle is known readable;
 * the code that then reads until the system says EAGAIN calls
 * pawl_io_clear(io, PAWL_IO_READABLE), and the next await waits for the
 * reactor's next report.  So a descriptor that stays readable costs no
 * system call to wait on, and one that is not costs exactly one report.
 * The net helpers of pawl/net.h do all of this for you.
 *
 * EVENTS
 * ======
 *
 *   PAWL_IO_READABLE  data (or a connection, or end of stream) to read
 *   PAWL_IO_WRITABLE  room to write
 *   PAWL_IO_HUP       the peer hung up (it will send nothing more)
 *   PAWL_IO_ERROR     the descriptor has a pending error (read it with
 *                     pawl_io_error, or by the next read / write)
 *
 * A HUP makes `readable` ready (the read sees end of stream), an ERROR
 * both futures, so that no waiter sleeps through the end of its
 * connection; pawl_io_events tells which.  A peer that only shut down its
 * writing half still reads what is sent to it: `writable` is not made
 * ready by that hang-up, only by room to write or by the peer being gone
 * altogether (then reported as HUP | WRITABLE, and the write fails with
 * EPIPE).
 *
 * OWNERSHIP AND THREADS
 * =====================
 *
 * The pawl_io is yours (it lives in your task's struct or next to your
 * socket); pawl never allocates one.  The descriptor stays yours until
 * pawl_io_close, which closes it.  Every call is made on the loop's
 * thread.  One task at a time may await each direction (a reader and a
 * writer may wait at once); a second gets PAWL_EBUSY.
 *
 * Like a timer or a remote, an open handle keeps the loop alive until it
 * is closed or unreferenced (pawl_io_unref).
 */
#ifndef PAWL_IO_H
#define PAWL_IO_H

#include <stdint.h>

#include "pawl/loop.h"
#include "pawl/task.h"

#ifdef __cplusplus
extern "C" {
#endif

enum {
    PAWL_IO_READABLE = 1u << 0,
    PAWL_IO_WRITABLE = 1u << 1,
    PAWL_IO_HUP = 1u << 2,
    PAWL_IO_ERROR = 1u << 3
};

typedef struct pawl_io pawl_io;

/* The callback form: called on the loop's thread with the events that
 * arrived (a subset of what was watched, plus HUP / ERROR).  It may call
 * anything here, including pawl_io_close on its own handle. */
typedef void pawl_io_fn(pawl_io *io, unsigned events, void *arg);

/* All fields private. */
struct pawl_io {
    pawl_loop *pawl__loop;     /* NULL when closed or never opened */
    int pawl__fd;
    uint32_t pawl__slot;       /* the backend's index for it (poll: the
                                  pollfd; io_uring: request bookkeeping) */
    uint8_t pawl__ready;       /* cached events (PAWL_IO_*) */
    uint8_t pawl__interest;    /* events someone waits for and that are not
                                  cached: what poll / io_uring ask for */
    uint8_t pawl__asked;       /* what the backend was last asked for */
    uint8_t pawl__flags;       /* PAWL__IO_* */
    uint8_t pawl__watch;       /* events the callback wants */
    pawl_waker pawl__reader;   /* task awaiting readable */
    pawl_waker pawl__writer;   /* task awaiting writable */
    pawl_io_fn *pawl__fn;
    void *pawl__arg;
    pawl_io *pawl__next_pending; /* in the loop's list of watched handles
                                    with events to report */
};

/* Take `fd` into the loop: set it non-blocking and close-on-exec, and
 * register it with the reactor (whose state is allocated through the
 * loop's allocator the first time).  `io` must not be open.  Errors:
 * PAWL_EINVAL (NULL, negative fd), PAWL_EUNINIT / PAWL_ECLOSED (the
 * loop), PAWL_EALREADY (the descriptor is already registered on this
 * loop), PAWL_ENOMEM, or the system's error as -errno (EBADF for a
 * descriptor that is not open, EPERM for one epoll cannot watch, such as
 * a regular file). */
int pawl_io_open(pawl_loop *loop, pawl_io *io, int fd);

/* Returns the descriptor, or -1 for NULL or a handle that is not open
 * (never opened, closed or detached). */
int pawl_io_fd(const pawl_io *io);

/* The cached events (PAWL_IO_*), 0 for a handle that is not open. */
unsigned pawl_io_events(const pawl_io *io);

/*
 * The futures: ready (0) when the descriptor is known readable (writable),
 * or has hung up or failed; PAWL_PENDING otherwise, with the task's waker
 * kept in the handle.  PAWL_ECLOSED once the handle is closed (also for a
 * task that was waiting when it was), PAWL_EBUSY if another task waits in
 * the same direction, PAWL_ECANCELED on a canceled context (the waker is
 * given back), PAWL_EINVAL for NULL or a handle never opened.
 */
pawl_poll pawl_io_readable(pawl_io *io, pawl_cx *cx);
pawl_poll pawl_io_writable(pawl_io *io, pawl_cx *cx);

/* Forget cached readiness: call after a read or write returned EAGAIN.
 * The next await then waits for the reactor's next report.  NULL and
 * closed handles are ignored. */
void pawl_io_clear(pawl_io *io, unsigned events);

/* The callback form: call `fn` whenever one of `events` (READABLE and/or
 * WRITABLE) arrives, until pawl_io_watch(io, 0, NULL, NULL).  Events
 * already cached are reported in the next poll phase.  Errors: PAWL_EINVAL
 * (NULL io, events outside READABLE | WRITABLE, fn NULL with events),
 * PAWL_ECLOSED. */
int pawl_io_watch(pawl_io *io, unsigned events, pawl_io_fn *fn, void *arg);

/* The pending error of the socket (SO_ERROR) as -errno, 0 if none;
 * -ENOTSOCK for a descriptor that is not a socket. */
int pawl_io_error(pawl_io *io);

/* Stop keeping the loop alive / keep it alive again (the default).
 * Return 0, also when the handle already was in that state; PAWL_EINVAL
 * for NULL or a handle never opened, PAWL_ECLOSED for a closed one. */
int pawl_io_unref(pawl_io *io);
int pawl_io_ref(pawl_io *io);

/* Deregister and close the descriptor.  Tasks waiting on the handle are
 * woken and their await returns PAWL_ECLOSED; a watch is dropped.  The
 * woken tasks read the handle once more to learn that, so keep its
 * memory until they have run (as for pawl_remote_close; with no waiter,
 * it may go at once).  PAWL_EINVAL for NULL or a handle never opened,
 * PAWL_ECLOSED for one already closed. */
int pawl_io_close(pawl_io *io);

/* Deregister without closing: the descriptor is yours again.  Waiters
 * and a watch are treated as by pawl_io_close.  Returns 0, PAWL_EINVAL for
 * NULL or a handle never opened, PAWL_ECLOSED for one already closed or
 * detached. */
int pawl_io_detach(pawl_io *io);

/* The reactor a loop runs: "epoll", "poll", "io_uring" (or "none" before
 * the first handle is opened, and on a platform without descriptors). */
const char *pawl_loop_backend(const pawl_loop *loop);

#ifdef __cplusplus
}
#endif

#endif /* PAWL_IO_H */
