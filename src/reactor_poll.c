/*
 * src/reactor_poll.c -- the portable reactor: poll(2) (ppoll on Linux).
 *
 * A pollfd array, one entry per open handle (the handle's pawl__slot is
 * its index; the last entry moves into a removed one's place), plus the
 * platform's notification descriptor at index 0 if there is one.  poll is
 * level-triggered, so an entry asks only for the handle's interest (what a
 * waiter or watch wants and the cache does not have): a descriptor known
 * readable is not polled for reading again until its reader saw EAGAIN.
 * Entries with no interest still report HUP and ERR (poll always does),
 * which io.c caches; an entry is then parked (fd negated) until its
 * interest changes, so that a hung-up descriptor nobody reads does not
 * make every wait return at once.
 *
 * The array grows by doubling through the loop's allocator.  Which
 * descriptors are open is found by a scan for a duplicate at add (O(n);
 * poll itself is O(n) per wait anyway).
 */
#include <errno.h>
#include <poll.h>

#include "internal.h"
#include "reactor.h"
#include "sys.h"

typedef struct poll_state {
    struct pollfd *fds;
    pawl_io **ios;     /* ios[i] owns fds[i]; NULL for the notification */
    uint32_t n, cap;
    uint32_t fetched;  /* entries of the wait being delivered */
} poll_state;

static int pl_grow(pawl_loop *loop, poll_state *s)
{
    uint32_t cap = s->cap != 0 ? s->cap * 2 : 16;
    struct pollfd *fds = pawl__alloc(loop, cap * sizeof *fds);
    pawl_io **ios = pawl__alloc(loop, cap * sizeof *ios);
    if (fds == NULL || ios == NULL) {
        pawl__free(loop, fds, cap * sizeof *fds);
        pawl__free(loop, ios, cap * sizeof *ios);
        return PAWL_ENOMEM;
    }
    for (uint32_t i = 0; i < s->n; i++) {
        fds[i] = s->fds[i];
        ios[i] = s->ios[i];
    }
    pawl__free(loop, s->fds, s->cap * sizeof *s->fds);
    pawl__free(loop, s->ios, s->cap * sizeof *s->ios);
    s->fds = fds;
    s->ios = ios;
    s->cap = cap;
    return 0;
}

static int pl_init(pawl_loop *loop, int notify_fd)
{
    poll_state *s = pawl__alloc(loop, sizeof *s);
    if (s == NULL)
        return PAWL_ENOMEM;
    *s = (poll_state){NULL, NULL, 0, 0, 0};
    if (pl_grow(loop, s) != 0) {
        pawl__free(loop, s, sizeof *s);
        return PAWL_ENOMEM;
    }
    if (notify_fd >= 0) {
        s->fds[0] = (struct pollfd){.fd = notify_fd, .events = POLLIN, .revents = 0};
        s->ios[0] = NULL;
        s->n = 1;
    }
    loop->pawl__io.state = s;
    return 0;
}

static void pl_close(pawl_loop *loop)
{
    poll_state *s = loop->pawl__io.state;
    pawl__free(loop, s->fds, s->cap * sizeof *s->fds);
    pawl__free(loop, s->ios, s->cap * sizeof *s->ios);
    pawl__free(loop, s, sizeof *s);
}

static short to_poll(unsigned interest)
{
    short e = 0;
    if (interest & PAWL_IO_READABLE)
        e |= POLLIN;
    if (interest & PAWL_IO_WRITABLE)
        e |= POLLOUT;
    return e;
}

/* Park an entry with nothing to ask (see the top of the file), or not. */
static void pl_set(poll_state *s, uint32_t i, const pawl_io *io)
{
    short e = to_poll(io->pawl__interest);
    s->fds[i].events = e;
    s->fds[i].fd = (e == 0 && (io->pawl__ready & (PAWL_IO_HUP | PAWL_IO_ERROR)))
                       ? -1 - io->pawl__fd
                       : io->pawl__fd;
}

static int pl_add(pawl_loop *loop, pawl_io *io)
{
    poll_state *s = loop->pawl__io.state;
    for (uint32_t i = 0; i < s->n; i++) {
        int fd = s->fds[i].fd < 0 ? -1 - s->fds[i].fd : s->fds[i].fd;
        if (s->ios[i] != NULL && fd == io->pawl__fd)
            return PAWL_EALREADY;
    }
    /* A descriptor that is not open would only show as POLLNVAL later:
     * say so now, as epoll_ctl does. */
    struct pollfd probe = {.fd = io->pawl__fd, .events = 0, .revents = 0};
    struct timespec zero = {0, 0};
    if (pawl__sys->poll(&probe, 1, &zero) < 0)
        return errno == EINTR ? PAWL_EAGAIN : -errno;
    if (probe.revents & POLLNVAL)
        return -EBADF;
    if (s->n == s->cap && pl_grow(loop, s) != 0)
        return PAWL_ENOMEM;
    uint32_t i = s->n++;
    s->ios[i] = io;
    s->fds[i].revents = 0;
    io->pawl__slot = i;
    pl_set(s, i, io);
    return 0;
}

static int pl_update(pawl_loop *loop, pawl_io *io)
{
    poll_state *s = loop->pawl__io.state;
    pl_set(s, io->pawl__slot, io);
    return 0;
}

static void pl_remove(pawl_loop *loop, pawl_io *io)
{
    poll_state *s = loop->pawl__io.state;
    uint32_t i = io->pawl__slot;
    uint32_t last = --s->n;
    if (i != last) {
        s->fds[i] = s->fds[last];
        s->ios[i] = s->ios[last];
        s->ios[i]->pawl__slot = i;
    }
    /* During delivery, the moved entry's results travel with it; the
     * entry at `last` is gone, so delivery must not reach it. */
    if (s->fetched > s->n)
        s->fetched = s->n;
}

static unsigned to_pawl(short r)
{
    unsigned ev = 0;
    if (r & POLLIN)
        ev |= PAWL_IO_READABLE;
    if (r & POLLOUT)
        ev |= PAWL_IO_WRITABLE;
    if (r & POLLHUP) /* hung up for good: writes fail at once too */
        ev |= PAWL_IO_HUP | PAWL_IO_WRITABLE;
    if (r & (POLLERR | POLLNVAL))
        ev |= PAWL_IO_ERROR;
    return ev;
}

static int pl_wait(pawl_loop *loop, uint64_t timeout_ns)
{
    poll_state *s = loop->pawl__io.state;
    struct timespec ts, *tsp = NULL;
    if (timeout_ns != UINT64_MAX) {
        ts.tv_sec = (time_t)(timeout_ns / 1000000000u);
        ts.tv_nsec = (long)(timeout_ns % 1000000000u);
        tsp = &ts;
    }
    int n = pawl__sys->poll(s->fds, s->n, tsp);
    if (n < 0)
        return -errno; /* -EINTR included: io.c looks again */
    int reported = 0;
    s->fetched = s->n;
    for (uint32_t i = 0; i < s->fetched && n > 0; i++) {
        short r = s->fds[i].revents;
        if (r == 0)
            continue;
        n--;
        s->fds[i].revents = 0;
        pawl_io *io = s->ios[i];
        if (io == NULL) {
            loop->pawl__io.notified = 1;
            continue;
        }
        pawl__io_ready(io, to_pawl(r));
        /* A hang-up or error nobody waits for must park the entry even
         * when the interest did not change (io.c calls update only on a
         * change), or every later wait would return at once. */
        if (s->ios[i] == io)
            pl_set(s, i, io);
        reported++;
    }
    s->fetched = 0;
    return reported;
}

const struct pawl__reactor pawl__reactor_poll = {
    .name = "poll",
    .init = pl_init,
    .close = pl_close,
    .add = pl_add,
    .update = pl_update,
    .remove = pl_remove,
    .wait = pl_wait,
};
