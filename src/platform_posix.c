/*
 * src/platform_posix.c -- CLOCK_MONOTONIC, and an eventfd (Linux) or a
 * self-pipe (other POSIX systems) for notify.
 *
 * notify() runs in other threads and in signal handlers: it only calls
 * write(2), which is async-signal-safe, and preserves errno.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1 /* ppoll */
#endif
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <time.h>
#include <unistd.h>
#if defined(__linux__)
#include <sys/eventfd.h>
#endif

#include "internal.h"

static uint64_t posix_now_ns(pawl_platform *p)
{
    (void)p;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void posix_drain(pawl_posix_platform *pp)
{
    char buf[64];
#if defined(__linux__)
    (void)read(pp->pawl__fds[0], buf, sizeof(uint64_t));
#else
    while (read(pp->pawl__fds[0], buf, sizeof buf) > 0) {
    }
#endif
}

/* How long a wait until `deadline_ns` lasts when it starts at `now_ns`:
 * nanoseconds where the system can wait that precisely (ppoll, and the
 * epoll reactor's epoll_pwait2 later), else whole milliseconds rounded UP,
 * so that a deadline 0.4 ms away waits 1 ms instead of spinning on 0 ms
 * timeouts until it comes.  Deadline 0: do not wait; PAWL_FOREVER: no
 * limit (-1 ms / UINT64_MAX ns). */
uint64_t pawl__wait_ns(uint64_t deadline_ns, uint64_t now_ns)
{
    if (deadline_ns == PAWL_FOREVER)
        return UINT64_MAX;
    return deadline_ns > now_ns ? deadline_ns - now_ns : 0;
}

int pawl__wait_ms(uint64_t deadline_ns, uint64_t now_ns)
{
    if (deadline_ns == PAWL_FOREVER)
        return -1;
    uint64_t ns = pawl__wait_ns(deadline_ns, now_ns);
    uint64_t ms = ns / 1000000u + (ns % 1000000u != 0);
    return ms > INT_MAX ? INT_MAX : (int)ms;
}

static int posix_wait(pawl_platform *p, uint64_t deadline_ns)
{
    pawl_posix_platform *pp = (pawl_posix_platform *)p;
    struct pollfd pfd = {.fd = pp->pawl__fds[0], .events = POLLIN, .revents = 0};
    uint64_t now = deadline_ns == 0 || deadline_ns == PAWL_FOREVER ? 0 : posix_now_ns(p);
    int n;
#if defined(__linux__)
    struct timespec ts = {0, 0};
    struct timespec *tsp = &ts;
    uint64_t ns = deadline_ns == 0 ? 0 : pawl__wait_ns(deadline_ns, now);
    if (ns == UINT64_MAX) {
        tsp = NULL;
    } else {
        ts.tv_sec = (time_t)(ns / 1000000000u);
        ts.tv_nsec = (long)(ns % 1000000000u);
    }
    n = ppoll(&pfd, 1, tsp, NULL);
#else
    n = poll(&pfd, 1, deadline_ns == 0 ? 0 : pawl__wait_ms(deadline_ns, now));
#endif
    if (n < 0)
        return errno == EINTR ? 0 : -errno; /* EINTR: the loop looks again */
    if (n > 0)
        posix_drain(pp);
    return 0;
}

static void posix_notify(pawl_platform *p)
{
    pawl_posix_platform *pp = (pawl_posix_platform *)p;
    int saved = errno;
#if defined(__linux__)
    uint64_t one = 1;
    (void)write(pp->pawl__fds[1], &one, sizeof one);
#else
    char one = 1;
    (void)write(pp->pawl__fds[1], &one, 1); /* EAGAIN: pipe full, still readable */
#endif
    errno = saved;
}

static void posix_close(pawl_platform *p)
{
    pawl_posix_platform *pp = (pawl_posix_platform *)p;
    close(pp->pawl__fds[0]);
    if (pp->pawl__fds[1] != pp->pawl__fds[0])
        close(pp->pawl__fds[1]);
    pp->pawl__fds[0] = pp->pawl__fds[1] = -1;
}

static int posix_notify_fd(pawl_platform *p)
{
    return ((pawl_posix_platform *)p)->pawl__fds[0];
}

static const pawl_platform_ops posix_ops = {
    .name = "posix",
    .now_ns = posix_now_ns,
    .wait = posix_wait,
    .notify = posix_notify,
    .close = posix_close,
    .notify_fd = posix_notify_fd,
};

int pawl_posix_platform_init(pawl_posix_platform *p)
{
    if (p == NULL)
        return PAWL_EINVAL;
#if defined(__linux__)
    int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (fd < 0)
        return -errno;
    p->pawl__fds[0] = p->pawl__fds[1] = fd;
#else
    if (pipe(p->pawl__fds) != 0)
        return -errno;
    for (int i = 0; i < 2; i++) {
        fcntl(p->pawl__fds[i], F_SETFL, fcntl(p->pawl__fds[i], F_GETFL) | O_NONBLOCK);
        fcntl(p->pawl__fds[i], F_SETFD, FD_CLOEXEC);
    }
#endif
    p->base.ops = &posix_ops;
    return 0;
}
