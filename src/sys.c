/*
 * src/sys.c -- the real system calls behind the seam of src/sys.h.
 */
#define _GNU_SOURCE /* accept4, ppoll, epoll_pwait2; cpu_set_t for liburing.h */

#include "sys.h"

#include <errno.h>
#include <limits.h>
#include <unistd.h>

#if defined(__linux__)
#include <sys/syscall.h>

static int sys_epoll_create1(int flags)
{
    return epoll_create1(flags);
}

static int sys_epoll_ctl(int epfd, int op, int fd, struct epoll_event *ev)
{
    return epoll_ctl(epfd, op, fd, ev);
}

/* Whole milliseconds, rounded up (a wait never ends early); -1: none. */
static int timeout_ms(const struct timespec *ts)
{
    if (ts == NULL)
        return -1;
    long long ms = (long long)ts->tv_sec * 1000 + (ts->tv_nsec + 999999) / 1000000;
    return ms > INT_MAX ? INT_MAX : (int)ms;
}

static int sys_epoll_wait(int epfd, struct epoll_event *evs, int max, const struct timespec *ts)
{
#if defined(SYS_epoll_pwait2)
    /* Nanosecond timeouts (Linux 5.11); remembered once the kernel says
     * it has none. */
    static int no_pwait2;
    if (!no_pwait2) {
        long n = syscall(SYS_epoll_pwait2, epfd, evs, max, ts, NULL, (size_t)8);
        if (n >= 0 || errno != ENOSYS)
            return (int)n;
        no_pwait2 = 1;
    }
#endif
    return epoll_wait(epfd, evs, max, timeout_ms(ts));
}
#endif

static int sys_poll(struct pollfd *fds, nfds_t n, const struct timespec *ts)
{
#if defined(__linux__)
    return ppoll(fds, n, ts, NULL);
#else
    int ms = -1;
    if (ts != NULL) {
        long long v = (long long)ts->tv_sec * 1000 + (ts->tv_nsec + 999999) / 1000000;
        ms = v > INT_MAX ? INT_MAX : (int)v;
    }
    return poll(fds, n, ms);
#endif
}

static ssize_t sys_read(int fd, void *buf, size_t len)
{
    return read(fd, buf, len);
}

static ssize_t sys_write(int fd, const void *buf, size_t len)
{
    return write(fd, buf, len);
}

static int sys_accept(int fd, struct sockaddr *addr, socklen_t *len)
{
#if defined(__linux__)
    return accept4(fd, addr, len, SOCK_NONBLOCK | SOCK_CLOEXEC);
#else
    return accept(fd, addr, len); /* src/net.c sets the flags */
#endif
}

static int sys_connect(int fd, const struct sockaddr *addr, socklen_t len)
{
    return connect(fd, addr, len);
}

static ssize_t sys_sendto(int fd, const void *buf, size_t len, int flags,
                          const struct sockaddr *to, socklen_t tolen)
{
    return sendto(fd, buf, len, flags, to, tolen);
}

static ssize_t sys_recvfrom(int fd, void *buf, size_t len, int flags, struct sockaddr *from,
                            socklen_t *fromlen)
{
    return recvfrom(fd, buf, len, flags, from, fromlen);
}

static int sys_close(int fd)
{
    return close(fd);
}

#if defined(PAWL_HAVE_URING)
#include <liburing.h>

static int sys_uring_queue_init(unsigned entries, struct io_uring *ring,
                                struct io_uring_params *params)
{
    return io_uring_queue_init_params(entries, ring, params);
}

static void sys_uring_queue_exit(struct io_uring *ring)
{
    io_uring_queue_exit(ring);
}

static int sys_uring_register_probe(struct io_uring *ring, struct io_uring_probe *probe,
                                    unsigned nr)
{
    return io_uring_register_probe(ring, probe, nr);
}

static int sys_uring_submit(struct io_uring *ring)
{
    return io_uring_submit(ring);
}

static int sys_uring_submit_and_get_events(struct io_uring *ring)
{
    return io_uring_submit_and_get_events(ring);
}

static int sys_uring_submit_and_wait_timeout(struct io_uring *ring, struct io_uring_cqe **cqe,
                                             unsigned wait_nr, struct __kernel_timespec *ts,
                                             sigset_t *sigmask)
{
    return io_uring_submit_and_wait_timeout(ring, cqe, wait_nr, ts, sigmask);
}
#endif

const struct pawl__sys pawl__sys_default = {
#if defined(__linux__)
    .epoll_create1 = sys_epoll_create1,
    .epoll_ctl = sys_epoll_ctl,
    .epoll_wait = sys_epoll_wait,
#endif
    .poll = sys_poll,
    .read = sys_read,
    .write = sys_write,
    .accept = sys_accept,
    .connect = sys_connect,
    .sendto = sys_sendto,
    .recvfrom = sys_recvfrom,
    .close = sys_close,
#if defined(PAWL_HAVE_URING)
    .uring_queue_init = sys_uring_queue_init,
    .uring_queue_exit = sys_uring_queue_exit,
    .uring_register_probe = sys_uring_register_probe,
    .uring_submit = sys_uring_submit,
    .uring_submit_and_get_events = sys_uring_submit_and_get_events,
    .uring_submit_and_wait_timeout = sys_uring_submit_and_wait_timeout,
#endif
};

const struct pawl__sys *pawl__sys = &pawl__sys_default;
