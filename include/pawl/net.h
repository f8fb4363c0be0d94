/*
 * pawl/net.h -- TCP and UDP as futures on pawl_io handles: listen, accept,
 * connect (with a timeout), read, write-all, shutdown, close; UDP send and
 * receive.  A server is one task per connection.
 *
 *     PAWL_AWAIT(cx, rc, pawl_tcp_accept(&s->listener, cx, &fd));
 *     ... spawn a connection task with pawl_io_open(loop, &c->io, fd) ...
 *
 *     PAWL_AWAIT(cx, rc, pawl_net_read(&c->io, cx, c->buf, sizeof c->buf, &c->got));
 *     // rc == 0: c->got bytes (> 0); PAWL_EOF: the peer closed; < 0: error
 *     PAWL_AWAIT(cx, rc, pawl_net_write_all(&c->io, cx, c->buf, c->got, &c->sent));
 *
 * Addresses are numeric IPv4 ("127.0.0.1") or IPv6 ("::1") text; names are
 * not resolved (that needs a resolver, which would block).  Every call
 * that fails returns a negative code: pawl's, or -errno from the system
 * (PAWL_EINVAL for an address that does not parse).  Reads and writes
 * retry EINTR themselves; EAGAIN clears the handle's cached readiness and
 * waits for the next report.
 *
 * The per-await state of read_all / write_all / connect lives in your
 * struct (the `size_t *` progress counters and the pawl_connect), so the
 * futures are resumable after every poll: set the counter to 0 before the
 * first await.
 */
#ifndef PAWL_NET_H
#define PAWL_NET_H

#include <stddef.h>
#include <stdint.h>

#include "pawl/io.h"
#include "pawl/timer.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- addresses ------------------------------------------------------------- */

/* Enough for an IPv4 or IPv6 socket address (struct sockaddr_storage is
 * larger than needed; this avoids pulling <sys/socket.h> in here). */
typedef struct pawl_addr {
    uint32_t len; /* bytes used in `raw` (a struct sockaddr_in / _in6) */
    union {
        unsigned char raw[28];
        uint64_t pawl__align;
    } u;
} pawl_addr;

/* Parse numeric `host` ("127.0.0.1", "::1") and `port` into `a`.
 * PAWL_EINVAL if it does not parse. */
int pawl_addr_parse(pawl_addr *a, const char *host, uint16_t port);

/* "127.0.0.1:8080" / "[::1]:8080" into `buf`; returns the length
 * snprintf would. */
int pawl_addr_format(const pawl_addr *a, char *buf, size_t size);

/* The port of an address, host order. */
uint16_t pawl_addr_port(const pawl_addr *a);

/* The local address of a socket (after listen on port 0: the port the
 * system picked).  Returns 0 with *out set; PAWL_EINVAL for a NULL out,
 * NULL io, a handle never opened or an address that is not IPv4 or IPv6,
 * PAWL_ECLOSED for a closed handle, or getsockname's error as -errno. */
int pawl_net_local_addr(pawl_io *io, pawl_addr *out);

/* ---- TCP -------------------------------------------------------------------- */

enum {
    PAWL_NET_REUSEPORT = 1u << 0 /* SO_REUSEPORT: several listeners (one
                                    loop per thread) share the port */
};

/* A listening socket on `addr`, opened as `io` (SO_REUSEADDR always;
 * `flags` may add PAWL_NET_REUSEPORT).  backlog 0 means SOMAXCONN.
 * Returns 0; for the loop PAWL_EINVAL (NULL), PAWL_EUNINIT (zeroed) or
 * PAWL_ECLOSED; PAWL_EINVAL for a NULL io, an address that is not IPv4
 * or IPv6, a negative backlog or unknown flags, PAWL_EBUSY if `io` is
 * open, PAWL_ENOSYS for PAWL_NET_REUSEPORT where there is no SO_REUSEPORT,
 * the system's error as -errno (socket, setsockopt, bind: EADDRINUSE ...,
 * listen), or an error of pawl_io_open; on failure the socket is closed. */
int pawl_tcp_listen(pawl_loop *loop, pawl_io *io, const pawl_addr *addr, int backlog,
                    unsigned flags);

/* Accept one connection: ready with 0 and *fd set (non-blocking,
 * close-on-exec; open it with pawl_io_open), or a negative error.
 * EMFILE / ENFILE (out of descriptors) are returned to the caller, who
 * should back off (sleep) rather than retry at once; ECONNABORTED and
 * EINTR are retried here. */
pawl_poll pawl_tcp_accept(pawl_io *listener, pawl_cx *cx, int *fd);

/* The state of a connect across polls: zero it before the first await. */
typedef struct pawl_connect {
    int pawl__state; /* 0: not started, 1: in progress */
} pawl_connect;

/* Connect `io` (not open) to `addr`: a non-blocking socket is made and
 * opened as `io` at the first poll; ready with 0 once connected, or with
 * the error (ECONNREFUSED, ...; `io` is then closed).  With PAWL_TIMEOUT
 * around it, a connect that takes too long is canceled (and `io`
 * closed). */
pawl_poll pawl_tcp_connect(pawl_loop *loop, pawl_io *io, pawl_connect *c, const pawl_addr *addr,
                           pawl_cx *cx);

/* Read up to `len` bytes: ready with 0 and *got > 0, PAWL_EOF at end of
 * stream (*got = 0), or -errno (ECONNRESET, ...).  For a stream (TCP, a
 * pipe): a read that does not fill `buf` has emptied the descriptor, so
 * the next one waits for the reactor without a system call. */
pawl_poll pawl_net_read(pawl_io *io, pawl_cx *cx, void *buf, size_t len, size_t *got);

/* Write all `len` bytes: *done counts what is written so far (set it to 0
 * before the first await; it is also how far a failed write got).  Ready
 * with 0 when *done == len, or -errno (EPIPE, ECONNRESET; no SIGPIPE is
 * raised).  PAWL_PENDING while the descriptor is full; PAWL_EINVAL for
 * NULL io, cx or done, NULL buf with len > 0, *done > len, or a handle
 * never opened; the errors of pawl_io_writable otherwise (PAWL_ECLOSED,
 * PAWL_EBUSY, PAWL_ECANCELED). */
pawl_poll pawl_net_write_all(pawl_io *io, pawl_cx *cx, const void *buf, size_t len,
                             size_t *done);

/* shutdown(SHUT_WR): the peer reads end of stream.  Returns 0;
 * PAWL_EINVAL for NULL or a handle never opened, PAWL_ECLOSED for a closed
 * one, or shutdown's error as -errno (ENOTCONN, ENOTSOCK ...). */
int pawl_tcp_shutdown(pawl_io *io);

/* ---- UDP -------------------------------------------------------------------- */

/* A UDP socket bound to `addr` (port 0: any), opened as `io`.  Returns
 * 0; for the loop PAWL_EINVAL (NULL), PAWL_EUNINIT (zeroed) or
 * PAWL_ECLOSED; PAWL_EINVAL for a NULL io or an address that is not IPv4 or
 * IPv6, PAWL_EBUSY if `io` is open, the system's error as -errno (socket,
 * bind: EADDRINUSE ...), or an error of pawl_io_open; on failure the
 * socket is closed. */
int pawl_udp_bind(pawl_loop *loop, pawl_io *io, const pawl_addr *addr);

/* Send one datagram to `to`: ready with 0 (sent whole), or sendto's error
 * as -errno (EMSGSIZE ...).  PAWL_PENDING while the socket is full;
 * PAWL_EINVAL for NULL io or cx, NULL buf with len > 0, or `to` not an
 * IPv4 or IPv6 address; the errors of pawl_io_writable otherwise
 * (PAWL_EINVAL for a handle never opened, PAWL_ECLOSED, PAWL_EBUSY,
 * PAWL_ECANCELED). */
pawl_poll pawl_udp_send(pawl_io *io, pawl_cx *cx, const void *buf, size_t len,
                        const pawl_addr *to);

/* Receive one datagram: ready with 0, *got its length (truncated to `len`)
 * and *from the sender (may be NULL; zeroed if the sender is not IPv4 or
 * IPv6), or recvfrom's error as -errno.  PAWL_PENDING while nothing has
 * arrived; PAWL_EINVAL for NULL io, cx or got, or NULL buf with len > 0;
 * the errors of pawl_io_readable otherwise (PAWL_EINVAL for a handle never
 * opened, PAWL_ECLOSED, PAWL_EBUSY, PAWL_ECANCELED). */
pawl_poll pawl_udp_recv(pawl_io *io, pawl_cx *cx, void *buf, size_t len, size_t *got,
                        pawl_addr *from);

#ifdef __cplusplus
}
#endif

#endif /* PAWL_NET_H */
