/*
 * src/reactor_epoll.c -- the Linux reactor: epoll, edge-triggered.
 *
 * Every descriptor is registered once, for everything (EPOLLIN | EPOLLOUT
 * | EPOLLRDHUP | EPOLLET), and never modified: the handle's readiness
 * cache (src/io.c) remembers what epoll reported until a read or write
 * sees EAGAIN, so there is nothing to change when a task starts or stops
 * waiting.  That is zero epoll_ctl calls per change of interest (the brief
 * allows one), at the price of one wake-up for an edge nobody waits for.
 *
 * The platform's notification descriptor is registered with a NULL data
 * pointer, which no handle has.
 */
#if defined(__linux__)

#include <errno.h>
#include <sys/epoll.h>

#include "internal.h"
#include "reactor.h"
#include "sys.h"

#define EVENTS_PER_WAIT 256

typedef struct epoll_state {
    int epfd;
    int fetched; /* events of the wait being delivered, 0 otherwise */
    struct epoll_event events[EVENTS_PER_WAIT];
} epoll_state;

static int ep_init(pawl_loop *loop, int notify_fd)
{
    epoll_state *s = pawl__alloc(loop, sizeof *s);
    if (s == NULL)
        return PAWL_ENOMEM;
    s->fetched = 0;
    s->epfd = pawl__sys->epoll_create1(EPOLL_CLOEXEC);
    if (s->epfd < 0) {
        int err = -errno;
        pawl__free(loop, s, sizeof *s);
        return err;
    }
    if (notify_fd >= 0) {
        struct epoll_event ev = {.events = EPOLLIN, .data.ptr = NULL};
        if (pawl__sys->epoll_ctl(s->epfd, EPOLL_CTL_ADD, notify_fd, &ev) != 0) {
            int err = -errno;
            (void)pawl__sys->close(s->epfd);
            pawl__free(loop, s, sizeof *s);
            return err;
        }
    }
    loop->pawl__io.state = s;
    return 0;
}

static void ep_close(pawl_loop *loop)
{
    epoll_state *s = loop->pawl__io.state;
    (void)pawl__sys->close(s->epfd);
    pawl__free(loop, s, sizeof *s);
}

static int ep_add(pawl_loop *loop, pawl_io *io)
{
    epoll_state *s = loop->pawl__io.state;
    struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET,
                             .data.ptr = io};
    if (pawl__sys->epoll_ctl(s->epfd, EPOLL_CTL_ADD, io->pawl__fd, &ev) == 0)
        return 0;
    return errno == EEXIST ? PAWL_EALREADY : -errno;
}

static int ep_update(pawl_loop *loop, pawl_io *io)
{
    (void)loop;
    (void)io;
    return 0; /* registered for everything, edge-triggered */
}

static void ep_remove(pawl_loop *loop, pawl_io *io)
{
    epoll_state *s = loop->pawl__io.state;
    /* Before the descriptor is closed: a closed descriptor leaves epoll by
     * itself only once no duplicate of it is open anywhere. */
    (void)pawl__sys->epoll_ctl(s->epfd, EPOLL_CTL_DEL, io->pawl__fd, NULL);
    /* Closed from a callback or a wake while this wait's events are being
     * delivered: its events still to come must not be. */
    for (int i = 0; i < s->fetched; i++) {
        if (s->events[i].data.ptr == io) {
            s->events[i].data.ptr = NULL;
            s->events[i].events = 0;
        }
    }
}

static unsigned to_pawl(uint32_t e)
{
    unsigned ev = 0;
    if (e & EPOLLIN)
        ev |= PAWL_IO_READABLE;
    if (e & EPOLLOUT)
        ev |= PAWL_IO_WRITABLE;
    if (e & EPOLLRDHUP) /* the peer will send nothing more */
        ev |= PAWL_IO_HUP;
    if (e & EPOLLHUP)   /* both directions are gone: writes fail at once */
        ev |= PAWL_IO_HUP | PAWL_IO_WRITABLE;
    if (e & EPOLLERR)
        ev |= PAWL_IO_ERROR;
    return ev;
}

static int ep_wait(pawl_loop *loop, uint64_t timeout_ns)
{
    epoll_state *s = loop->pawl__io.state;
    struct timespec ts, *tsp = NULL;
    if (timeout_ns != UINT64_MAX) {
        ts.tv_sec = (time_t)(timeout_ns / 1000000000u);
        ts.tv_nsec = (long)(timeout_ns % 1000000000u);
        tsp = &ts;
    }
    int n = pawl__sys->epoll_wait(s->epfd, s->events, EVENTS_PER_WAIT, tsp);
    if (n < 0)
        return -errno; /* -EINTR included: io.c looks again */
    int reported = 0;
    s->fetched = n;
    for (int i = 0; i < n; i++) {
        pawl_io *io = s->events[i].data.ptr;
        uint32_t e = s->events[i].events;
        if (io == NULL) {
            if (e != 0)
                loop->pawl__io.notified = 1;
            continue;
        }
        s->events[i].data.ptr = NULL; /* delivered */
        pawl__io_ready(io, to_pawl(e));
        reported++;
    }
    s->fetched = 0;
    return reported;
}

const struct pawl__reactor pawl__reactor_epoll = {
    .name = "epoll",
    .init = ep_init,
    .close = ep_close,
    .add = ep_add,
    .update = ep_update,
    .remove = ep_remove,
    .wait = ep_wait,
};

#else
typedef int pawl__reactor_epoll_not_on_this_system;
#endif
