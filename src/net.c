/*
 * src/net.c -- TCP and UDP futures (pawl/net.h) on pawl_io handles.
 *
 * Every future here has the same shape: await the direction it needs
 * (pawl_io_readable / pawl_io_writable, which is ready at once while the
 * handle's cache says so), make the system call, and then
 *
 *   success          ready with 0 (write_all: go on until all is written)
 *   EINTR            make the call again: the caller never sees it
 *   EAGAIN           the cache was stale: pawl_io_clear that direction and
 *                    await again, still inside this call, so the await
 *                    returns PAWL_PENDING and the task sleeps until the
 *                    reactor's next report
 *   anything else    ready with -errno
 *
 * Reads and accepts await before the first call, rather than trying the
 * call first: that is what the cache is for, a descriptor not known ready
 * costs no system call that would only say EAGAIN, and one known ready
 * costs no wait.  Writes are the exception: a socket almost always has
 * room, and the backends that report only what is asked for (poll,
 * io_uring) cannot know that until someone waits, so write_all tries
 * first and awaits after EAGAIN.
 *
 * State that must survive a PAWL_PENDING lives in the caller's struct
 * (write_all's `*done`, connect's pawl_connect), so every future is
 * resumable after any poll, and a canceled context is passed down to the
 * direction's await first, which gives the task's waker back.
 *
 * A hang-up or an error stays in the cache when the rest is cleared
 * (pawl/io.h: a hang-up keeps `readable` ready, an error both).  A call
 * can still say EAGAIN with one cached: a datagram socket that reported a
 * hang-up, or whose error the previous call consumed.  The await would
 * then be ready at once, forever; instead of spinning inside the call,
 * the future wakes its own task and returns PAWL_PENDING, so the loop
 * runs everything else before the call is tried again.
 *
 * System calls: read, write, accept, connect, sendto, recvfrom and close
 * go through the seam of src/sys.h (tests inject EINTR, EAGAIN storms,
 * ECONNRESET, EMFILE there); socket, bind, listen, shutdown and the
 * socket options are called directly.  Reads on sockets use recvfrom (as
 * recv) rather than read: it skips the file layer.  Writes on sockets use
 * sendto with no address and MSG_NOSIGNAL, so a write to a closed
 * connection returns EPIPE instead of raising SIGPIPE.  A descriptor that
 * is not a socket (a pipe handed to pawl_net_read or pawl_net_write_all)
 * answers the first of them with ENOTSOCK; the handle remembers that, and
 * read and write are used for it from then on.
 */
#define _GNU_SOURCE /* SOCK_NONBLOCK, SOCK_CLOEXEC, MSG_NOSIGNAL */

#include "pawl/net.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "internal.h"
#include "sys.h"

#if !defined(MSG_NOSIGNAL)
#  define MSG_NOSIGNAL 0 /* the socket gets SO_NOSIGPIPE instead */
#endif

enum { CONNECT_IDLE = 0, CONNECT_IN_PROGRESS = 1 };

_Static_assert(sizeof(struct sockaddr_in6) <= sizeof(((pawl_addr *)0)->u.raw),
               "pawl_addr holds an IPv6 socket address");

/* ---- handles ---------------------------------------------------------------- */

/* For the calls that are not futures: 0 for an open handle, PAWL_ECLOSED
 * for one that was closed (pawl_io_close leaves a non-zero mark in its
 * flags, which pawl_io_open resets), PAWL_EINVAL for NULL or one never
 * opened. */
static int io_check(const pawl_io *io)
{
    if (io == NULL)
        return PAWL_EINVAL;
    if (pawl_io_fd(io) >= 0)
        return 0;
    return io->pawl__flags != 0 ? PAWL_ECLOSED : PAWL_EINVAL;
}

/* Non-blocking and close-on-exec, for systems whose socket() and accept()
 * cannot be asked for both. */
#if !defined(__linux__) || !defined(SOCK_NONBLOCK) || !defined(SOCK_CLOEXEC)
#  define NET_SET_FLAGS 1
static int set_flags(int fd)
{
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) != 0)
        return -errno;
    if (fcntl(fd, F_SETFD, FD_CLOEXEC) != 0)
        return -errno;
    return 0;
}
#endif

/* A non-blocking, close-on-exec socket, or -errno. */
static int make_socket(int family, int type)
{
#if !defined(NET_SET_FLAGS)
    int fd = socket(family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -errno;
#else
    int fd = socket(family, type, 0);
    if (fd < 0)
        return -errno;
    int rc = set_flags(fd);
    if (rc != 0) {
        (void)pawl__sys->close(fd);
        return rc;
    }
#endif
#if defined(SO_NOSIGPIPE)
    int one = 1;
    (void)setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &one, sizeof one);
#endif
    return fd;
}

/* Open `fd` as `io`, closing the descriptor if that fails. */
static int open_or_close(pawl_loop *loop, pawl_io *io, int fd)
{
    int rc = pawl_io_open(loop, io, fd);
    if (rc != 0)
        (void)pawl__sys->close(fd);
    return rc;
}

/* After EAGAIN in direction `dir`: forget the stale readiness.  Returns 0
 * if the caller should await again (which will be PAWL_PENDING until the
 * next report), or PAWL_PENDING with the task woken when a cached hang-up
 * or error would make that await ready at once (see the top of the file). */
static pawl_poll wait_again(pawl_io *io, pawl_cx *cx, unsigned dir)
{
    pawl_io_clear(io, dir);
    /* What keeps this direction's await ready although the call said
     * EAGAIN: a hang-up for reading (a datagram socket), an error for
     * both (pawl/io.h). */
    unsigned sticky = dir == PAWL_IO_READABLE ? PAWL_IO_HUP | PAWL_IO_ERROR : PAWL_IO_ERROR;
    if (pawl_io_events(io) & sticky) {
        pawl_wake(pawl_cx_waker(cx));
        return PAWL_PENDING;
    }
    return 0;
}

static int would_block(int err)
{
    return err == EAGAIN || err == EWOULDBLOCK;
}

/* ---- addresses --------------------------------------------------------------- */

/* The socket address inside (the union is aligned for any sockaddr). */
static const struct sockaddr *sa_of(const pawl_addr *a)
{
    return (const struct sockaddr *)(const void *)&a->u;
}

/* The family of a well-formed address (AF_INET or AF_INET6), or 0. */
static int addr_family(const pawl_addr *a)
{
    if (a == NULL)
        return 0;
    sa_family_t f;
    memcpy(&f, a->u.raw + offsetof(struct sockaddr, sa_family), sizeof f);
    if (f == AF_INET && a->len == sizeof(struct sockaddr_in))
        return AF_INET;
    if (f == AF_INET6 && a->len == sizeof(struct sockaddr_in6))
        return AF_INET6;
    return 0;
}

/* An optional IPv6 zone: "%" and a decimal interface index.  Names are
 * not looked up (if_nametoindex reads system tables; keep parsing pure). */
static int parse_scope(const char *s, uint32_t *scope)
{
    if (*s == '\0')
        return PAWL_EINVAL;
    uint64_t v = 0;
    for (; *s != '\0'; s++) {
        if (*s < '0' || *s > '9')
            return PAWL_EINVAL;
        v = v * 10 + (uint64_t)(*s - '0');
        if (v > UINT32_MAX)
            return PAWL_EINVAL;
    }
    *scope = (uint32_t)v;
    return 0;
}

int pawl_addr_parse(pawl_addr *a, const char *host, uint16_t port)
{
    if (a == NULL || host == NULL)
        return PAWL_EINVAL;
    struct sockaddr_in v4;
    memset(&v4, 0, sizeof v4);
    if (inet_pton(AF_INET, host, &v4.sin_addr) == 1) {
        v4.sin_family = AF_INET;
        v4.sin_port = htons(port);
        memset(a, 0, sizeof *a);
        memcpy(a->u.raw, &v4, sizeof v4);
        a->len = sizeof v4;
        return 0;
    }
    /* IPv6, with an optional "%zone". */
    char text[INET6_ADDRSTRLEN];
    const char *pct = strchr(host, '%');
    size_t n = pct != NULL ? (size_t)(pct - host) : strlen(host);
    if (n == 0 || n >= sizeof text)
        return PAWL_EINVAL;
    memcpy(text, host, n);
    text[n] = '\0';
    struct sockaddr_in6 v6;
    memset(&v6, 0, sizeof v6);
    if (inet_pton(AF_INET6, text, &v6.sin6_addr) != 1)
        return PAWL_EINVAL;
    uint32_t scope = 0;
    if (pct != NULL && parse_scope(pct + 1, &scope) != 0)
        return PAWL_EINVAL;
    v6.sin6_family = AF_INET6;
    v6.sin6_port = htons(port);
    v6.sin6_scope_id = scope;
    memset(a, 0, sizeof *a);
    memcpy(a->u.raw, &v6, sizeof v6);
    a->len = sizeof v6;
    return 0;
}

int pawl_addr_format(const pawl_addr *a, char *buf, size_t size)
{
    if (buf == NULL && size != 0)
        return PAWL_EINVAL;
    char host[INET6_ADDRSTRLEN];
    switch (addr_family(a)) {
    case AF_INET: {
        struct sockaddr_in v4;
        memcpy(&v4, a->u.raw, sizeof v4);
        if (inet_ntop(AF_INET, &v4.sin_addr, host, sizeof host) == NULL)
            return -errno;
        return snprintf(buf, size, "%s:%u", host, (unsigned)ntohs(v4.sin_port));
    }
    case AF_INET6: {
        struct sockaddr_in6 v6;
        memcpy(&v6, a->u.raw, sizeof v6);
        if (inet_ntop(AF_INET6, &v6.sin6_addr, host, sizeof host) == NULL)
            return -errno;
        if (v6.sin6_scope_id != 0)
            return snprintf(buf, size, "[%s%%%lu]:%u", host, (unsigned long)v6.sin6_scope_id,
                            (unsigned)ntohs(v6.sin6_port));
        return snprintf(buf, size, "[%s]:%u", host, (unsigned)ntohs(v6.sin6_port));
    }
    default:
        return PAWL_EINVAL;
    }
}

uint16_t pawl_addr_port(const pawl_addr *a)
{
    switch (addr_family(a)) {
    case AF_INET: {
        struct sockaddr_in v4;
        memcpy(&v4, a->u.raw, sizeof v4);
        return ntohs(v4.sin_port);
    }
    case AF_INET6: {
        struct sockaddr_in6 v6;
        memcpy(&v6, a->u.raw, sizeof v6);
        return ntohs(v6.sin6_port);
    }
    default:
        return 0;
    }
}

/* Fill `out` from what getsockname / recvfrom wrote into `ss`. */
static int addr_from(pawl_addr *out, const struct sockaddr_storage *ss, socklen_t len)
{
    if (len > sizeof out->u.raw)
        return PAWL_EINVAL; /* not IPv4 or IPv6 */
    memset(out, 0, sizeof *out);
    memcpy(out->u.raw, ss, len);
    out->len = len;
    return 0;
}

int pawl_net_local_addr(pawl_io *io, pawl_addr *out)
{
    if (out == NULL)
        return PAWL_EINVAL;
    int rc = io_check(io);
    if (rc != 0)
        return rc;
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    if (getsockname(pawl_io_fd(io), (struct sockaddr *)&ss, &len) != 0)
        return -errno;
    return addr_from(out, &ss, len);
}

/* ---- TCP --------------------------------------------------------------------- */

int pawl_tcp_listen(pawl_loop *loop, pawl_io *io, const pawl_addr *addr, int backlog,
                    unsigned flags)
{
    int rc = pawl__loop_check(loop);
    if (rc != 0)
        return rc;
    int family = addr_family(addr);
    if (io == NULL || family == 0 || backlog < 0 || (flags & ~(unsigned)PAWL_NET_REUSEPORT))
        return PAWL_EINVAL;
    if (pawl_io_fd(io) >= 0)
        return PAWL_EBUSY; /* as pawl_io_open would say, before a socket is made */
    int fd = make_socket(family, SOCK_STREAM);
    if (fd < 0)
        return fd;
    int one = 1;
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0)
        goto fail;
    if (flags & PAWL_NET_REUSEPORT) {
#if defined(SO_REUSEPORT)
        if (setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) != 0)
            goto fail;
#else
        (void)pawl__sys->close(fd);
        return PAWL_ENOSYS;
#endif
    }
    if (bind(fd, sa_of(addr), (socklen_t)addr->len) != 0)
        goto fail;
    if (listen(fd, backlog != 0 ? backlog : SOMAXCONN) != 0)
        goto fail;
    return open_or_close(loop, io, fd);
fail:
    rc = -errno;
    (void)pawl__sys->close(fd);
    return rc;
}

pawl_poll pawl_tcp_accept(pawl_io *listener, pawl_cx *cx, int *fd)
{
    if (listener == NULL || cx == NULL || fd == NULL)
        return PAWL_EINVAL;
    *fd = -1;
    for (;;) {
        pawl_poll rc = pawl_io_readable(listener, cx);
        if (rc != 0)
            return rc; /* PAWL_PENDING, canceled, closed, ... */
        int c = pawl__sys->accept(pawl_io_fd(listener), NULL, NULL);
        if (c >= 0) {
#if defined(NET_SET_FLAGS)
            int frc = set_flags(c); /* accept4 did this on Linux */
            if (frc != 0) {
                (void)pawl__sys->close(c);
                return frc;
            }
#endif
            *fd = c;
            return 0;
        }
        int err = errno;
        if (err == EINTR || err == ECONNABORTED || err == EPROTO)
            continue; /* that connection is gone; the next may be there */
        if (would_block(err)) {
            rc = wait_again(listener, cx, PAWL_IO_READABLE);
            if (rc != 0)
                return rc;
            continue;
        }
        /* EMFILE, ENFILE, ENOBUFS, ENOMEM: the connection stays queued
         * and the listener stays readable; the caller backs off. */
        return -err;
    }
}

/*
 * CONNECT, across polls (c->pawl__state):
 *
 *            first poll: socket, connect(), open as `io`
 *   IDLE ----------------------------------------------+---> ready 0
 *    ^  ^                                               |    (connected at once)
 *    |  |                                               | EINPROGRESS
 *    |  |  writable, SO_ERROR 0: ready 0                v
 *    |  +----------------------------------------- IN_PROGRESS
 *    |     SO_ERROR set: close io, ready -err           |
 *    |     canceled (task or PAWL_TIMEOUT): close io,   |
 *    +-------------------------------- PAWL_ECANCELED --+
 *
 * A failure at any step closes what this call made (the socket, and `io`
 * once it is open), so on every non-zero result the handle is closed (or
 * was never opened) and the pawl_connect is IDLE again, ready for the
 * next attempt.
 *
 * The handle is opened after connect() has started: a TCP socket that is
 * not connecting yet polls as hung up and writable, which a reactor that
 * looks at once (epoll reports the state at registration) could cache as
 * "the connect finished".
 */
static pawl_poll connect_start(pawl_loop *loop, pawl_io *io, pawl_connect *c,
                               const pawl_addr *addr)
{
    int family = addr_family(addr);
    if (family == 0)
        return PAWL_EINVAL;
    if (pawl_io_fd(io) >= 0)
        return PAWL_EBUSY;
    int fd = make_socket(family, SOCK_STREAM);
    if (fd < 0)
        return fd;
    pawl_poll rc;
    for (;;) {
        if (pawl__sys->connect(fd, sa_of(addr), (socklen_t)addr->len) == 0) {
            rc = 0;
            break;
        }
        int err = errno;
        /* After EINTR the connection goes on in the background (POSIX);
         * calling again says how far it got: EALREADY (still going) or
         * EISCONN (done).  If the call never reached the system, the
         * second one simply starts it. */
        if (err == EINTR)
            continue;
        if (err == EISCONN) {
            rc = 0;
            break;
        }
        if (err == EINPROGRESS || err == EALREADY) {
            rc = PAWL_PENDING;
            break;
        }
        (void)pawl__sys->close(fd);
        return -err;
    }
    int orc = open_or_close(loop, io, fd);
    if (orc != 0)
        return orc;
    if (rc == PAWL_PENDING)
        c->pawl__state = CONNECT_IN_PROGRESS;
    return rc;
}

pawl_poll pawl_tcp_connect(pawl_loop *loop, pawl_io *io, pawl_connect *c, const pawl_addr *addr,
                           pawl_cx *cx)
{
    if (loop == NULL || io == NULL || c == NULL || addr == NULL || cx == NULL)
        return PAWL_EINVAL;
    if (c->pawl__state == CONNECT_IDLE) {
        if (pawl_cx_canceled(cx))
            return PAWL_ECANCELED; /* nothing made yet, nothing to give back */
        int rc = pawl__loop_check(loop);
        if (rc != 0)
            return rc;
        rc = connect_start(loop, io, c, addr);
        if (rc != PAWL_PENDING)
            return rc;
    } else if (c->pawl__state != CONNECT_IN_PROGRESS) {
        return PAWL_EINVAL; /* not a pawl_connect that was zeroed */
    }
    /* IN_PROGRESS: the socket says it is done by becoming writable. */
    pawl_poll rc = pawl_io_writable(io, cx);
    if (rc == PAWL_PENDING)
        return PAWL_PENDING;
    c->pawl__state = CONNECT_IDLE;
    if (rc == 0)
        rc = pawl_io_error(io);
    if (rc != 0) /* canceled, failed, or closed by someone else */
        (void)pawl_io_close(io);
    return rc;
}

pawl_poll pawl_net_read(pawl_io *io, pawl_cx *cx, void *buf, size_t len, size_t *got)
{
    if (io == NULL || cx == NULL || buf == NULL || len == 0 || got == NULL)
        return PAWL_EINVAL;
    *got = 0;
    if (len > SSIZE_MAX)
        len = SSIZE_MAX;
    for (;;) {
        pawl_poll rc = pawl_io_readable(io, cx);
        if (rc != 0)
            return rc;
        /* recv on a socket: it skips the file layer that read goes
         * through (a few per cent of a small request's CPU). */
        int fd = pawl_io_fd(io);
        ssize_t n = (io->pawl__flags & PAWL__IO_NOT_SOCKET)
                        ? pawl__sys->read(fd, buf, len)
                        : pawl__sys->recvfrom(fd, buf, len, 0, NULL, NULL);
        if (n > 0) {
            /* A stream read that did not fill the buffer emptied the
             * socket: forget the readiness now, and the next read waits
             * for the reactor's next report instead of making a system
             * call that would only say EAGAIN.  (Data that arrives after
             * this is a new report: an edge for epoll, a level for the
             * others.) */
            if ((size_t)n < len)
                pawl_io_clear(io, PAWL_IO_READABLE);
            *got = (size_t)n;
            return 0;
        }
        if (n == 0)
            return PAWL_EOF;
        int err = errno;
        if (err == EINTR)
            continue;
        if (err == ENOTSOCK && !(io->pawl__flags & PAWL__IO_NOT_SOCKET)) {
            io->pawl__flags |= PAWL__IO_NOT_SOCKET; /* a pipe or a terminal */
            continue;
        }
        if (!would_block(err))
            return -err;
        rc = wait_again(io, cx, PAWL_IO_READABLE);
        if (rc != 0)
            return rc;
    }
}

pawl_poll pawl_net_write_all(pawl_io *io, pawl_cx *cx, const void *buf, size_t len,
                             size_t *done)
{
    if (io == NULL || cx == NULL || (buf == NULL && len != 0) || done == NULL || *done > len)
        return PAWL_EINVAL;
    if (pawl_cx_canceled(cx))
        return pawl_io_writable(io, cx); /* gives the waker back */
    /* Writes are tried before any await: a socket almost always has room,
     * and the backends that report only what is asked for (poll,
     * io_uring) do not know that until someone waits.  The await comes
     * after EAGAIN. */
    while (*done < len) {
        pawl_poll rc;
        int fd = pawl_io_fd(io);
        if (fd < 0)
            return pawl_io_writable(io, cx); /* PAWL_ECLOSED / PAWL_EINVAL */
        const char *p = (const char *)buf + *done;
        size_t n = len - *done;
        if (n > SSIZE_MAX)
            n = SSIZE_MAX;
        ssize_t w = (io->pawl__flags & PAWL__IO_NOT_SOCKET)
                        ? pawl__sys->write(fd, p, n)
                        : pawl__sys->sendto(fd, p, n, MSG_NOSIGNAL, NULL, 0);
        if (w >= 0) {
            *done += (size_t)w;
            continue;
        }
        int err = errno;
        if (err == EINTR)
            continue;
        if (err == ENOTSOCK && !(io->pawl__flags & PAWL__IO_NOT_SOCKET)) {
            io->pawl__flags |= PAWL__IO_NOT_SOCKET; /* a pipe or a terminal */
            continue;
        }
        if (!would_block(err))
            return -err;
        rc = wait_again(io, cx, PAWL_IO_WRITABLE);
        if (rc == 0)
            rc = pawl_io_writable(io, cx);
        if (rc != 0)
            return rc;
    }
    return 0;
}

int pawl_tcp_shutdown(pawl_io *io)
{
    int rc = io_check(io);
    if (rc != 0)
        return rc;
    return shutdown(pawl_io_fd(io), SHUT_WR) == 0 ? 0 : -errno;
}

/* ---- UDP ----------------------------------------------------------------------- */

int pawl_udp_bind(pawl_loop *loop, pawl_io *io, const pawl_addr *addr)
{
    int rc = pawl__loop_check(loop);
    if (rc != 0)
        return rc;
    int family = addr_family(addr);
    if (io == NULL || family == 0)
        return PAWL_EINVAL;
    if (pawl_io_fd(io) >= 0)
        return PAWL_EBUSY;
    int fd = make_socket(family, SOCK_DGRAM);
    if (fd < 0)
        return fd;
    if (bind(fd, sa_of(addr), (socklen_t)addr->len) != 0) {
        rc = -errno;
        (void)pawl__sys->close(fd);
        return rc;
    }
    return open_or_close(loop, io, fd);
}

pawl_poll pawl_udp_send(pawl_io *io, pawl_cx *cx, const void *buf, size_t len,
                        const pawl_addr *to)
{
    if (io == NULL || cx == NULL || (buf == NULL && len != 0) || addr_family(to) == 0)
        return PAWL_EINVAL;
    for (;;) {
        pawl_poll rc = pawl_io_writable(io, cx);
        if (rc != 0)
            return rc;
        ssize_t w = pawl__sys->sendto(pawl_io_fd(io), buf, len, MSG_NOSIGNAL,
                                      sa_of(to), (socklen_t)to->len);
        if (w >= 0)
            return 0; /* a datagram goes whole or not at all */
        int err = errno;
        if (err == EINTR)
            continue;
        if (!would_block(err))
            return -err;
        rc = wait_again(io, cx, PAWL_IO_WRITABLE);
        if (rc != 0)
            return rc;
    }
}

pawl_poll pawl_udp_recv(pawl_io *io, pawl_cx *cx, void *buf, size_t len, size_t *got,
                        pawl_addr *from)
{
    if (io == NULL || cx == NULL || (buf == NULL && len != 0) || got == NULL)
        return PAWL_EINVAL;
    *got = 0;
    for (;;) {
        pawl_poll rc = pawl_io_readable(io, cx);
        if (rc != 0)
            return rc;
        struct sockaddr_storage ss;
        socklen_t sslen = sizeof ss;
        ssize_t n = pawl__sys->recvfrom(pawl_io_fd(io), buf, len, 0,
                                        from != NULL ? (struct sockaddr *)&ss : NULL,
                                        from != NULL ? &sslen : NULL);
        if (n >= 0) {
            *got = (size_t)n; /* what fit: the rest of a longer datagram is gone */
            if (from != NULL && addr_from(from, &ss, sslen) != 0)
                memset(from, 0, sizeof *from);
            return 0;
        }
        int err = errno;
        if (err == EINTR)
            continue;
        if (err == ENOTSOCK && !(io->pawl__flags & PAWL__IO_NOT_SOCKET)) {
            io->pawl__flags |= PAWL__IO_NOT_SOCKET; /* a pipe or a terminal */
            continue;
        }
        if (!would_block(err))
            return -err;
        rc = wait_again(io, cx, PAWL_IO_READABLE);
        if (rc != 0)
            return rc;
    }
}
