/*
 * src/sys.h -- the system-call seam: every system call of the reactors
 * and the net helpers goes through this one table, so that tests can
 * replace an entry to inject EINTR, EAGAIN storms, ECONNRESET or EMFILE
 * (tests/test_io_faults.c).  Not installed.  The table is process-wide
 * and meant to be changed only by tests, between loop runs.
 */
#ifndef PAWL_SYS_H
#define PAWL_SYS_H

#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>

#if defined(__linux__)
#include <sys/epoll.h>
#endif

#if defined(PAWL_HAVE_URING)
struct io_uring;
struct io_uring_params;
struct io_uring_probe;
struct io_uring_cqe;
struct __kernel_timespec;
#endif

struct pawl__sys {
#if defined(__linux__)
    int (*epoll_create1)(int flags);
    int (*epoll_ctl)(int epfd, int op, int fd, struct epoll_event *ev);
    /* epoll_pwait2 where the kernel has it, else epoll_wait with the
     * timeout rounded up to whole milliseconds; ts NULL: no limit. */
    int (*epoll_wait)(int epfd, struct epoll_event *evs, int max, const struct timespec *ts);
#endif
    /* ppoll on Linux, poll elsewhere (timeout rounded up to ms); ts NULL:
     * no limit. */
    int (*poll)(struct pollfd *fds, nfds_t n, const struct timespec *ts);
    ssize_t (*read)(int fd, void *buf, size_t len);
    ssize_t (*write)(int fd, const void *buf, size_t len);
    /* accept4 with SOCK_NONBLOCK | SOCK_CLOEXEC where there is one. */
    int (*accept)(int fd, struct sockaddr *addr, socklen_t *len);
    int (*connect)(int fd, const struct sockaddr *addr, socklen_t len);
    ssize_t (*sendto)(int fd, const void *buf, size_t len, int flags,
                      const struct sockaddr *to, socklen_t tolen);
    ssize_t (*recvfrom)(int fd, void *buf, size_t len, int flags, struct sockaddr *from,
                        socklen_t *fromlen);
    int (*close)(int fd);
#if defined(PAWL_HAVE_URING)
    /* liburing (src/reactor_uring.c).  Unlike the entries above, these
     * return 0 or a count, or -errno, as liburing does (errno is not
     * used).  They sit last, behind PAWL_HAVE_URING, which the build
     * defines for the library and for the targets of this build tree
     * that link it (so that a test sees the table as the library does);
     * the structs are only named here, so that a file including this one
     * needs <liburing.h> only if it calls them. */
    /* io_uring_queue_init_params: -ENOSYS / -EPERM where the kernel has
     * no io_uring or refuses it. */
    int (*uring_queue_init)(unsigned entries, struct io_uring *ring,
                            struct io_uring_params *params);
    void (*uring_queue_exit)(struct io_uring *ring);
    int (*uring_register_probe)(struct io_uring *ring, struct io_uring_probe *probe,
                                unsigned nr);
    /* Submit what is queued; nothing else. */
    int (*uring_submit)(struct io_uring *ring);
    /* Submit what is queued and flush completions the kernel holds
     * (task work, a CQ overflow), without waiting. */
    int (*uring_submit_and_get_events)(struct io_uring *ring);
    /* Submit, then wait for `wait_nr` completions or `ts` (NULL: no
     * limit): 0, -ETIME, -EINTR or -errno. */
    int (*uring_submit_and_wait_timeout)(struct io_uring *ring, struct io_uring_cqe **cqe,
                                         unsigned wait_nr, struct __kernel_timespec *ts,
                                         sigset_t *sigmask);
#endif
};

/* The table in use (src/sys.c): &pawl__sys_default, the real calls,
 * unless a test points it at its own (copy the default, replace entries). */
extern const struct pawl__sys *pawl__sys;
extern const struct pawl__sys pawl__sys_default;

#endif /* PAWL_SYS_H */
