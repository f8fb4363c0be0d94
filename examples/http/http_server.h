/*
 * examples/http/http_server.h -- the HTTP/1.1 server of examples/http as a
 * module: one listening socket and its connections on a loop the caller
 * owns and runs.
 *
 * examples/http/http.c runs one per thread (its own loop each, the port
 * shared with SO_REUSEPORT); the tour (examples/tour, stop 9) starts one
 * on a loop of its own, next to a client task.  What the server answers,
 * and where its memory goes, is described at the top of http_server.c.
 *
 *     http_server *srv;
 *     rc = http_server_start(&loop, &(http_server_opts){.port = 0}, &srv);
 *     ... http_server_port(srv) is the port the system chose ...
 *     pawl_loop_run(&loop, ...);      // serves; returns after a stop
 *     http_server_free(srv);
 *
 * LIFECYCLE
 * =========
 *
 *   start   listens and spawns the acceptor task on the loop; from then
 *           on the loop is kept alive by the listener and each
 *           connection.  On failure nothing is left behind.
 *   stop    (on the loop's thread, from a task, a callback or a remote's
 *           delivery) stops accepting and cancels every connection; the
 *           loop then runs their cleanup, which closes them, and
 *           pawl_loop_run returns once nothing else is alive.  Calling it
 *           again does nothing.
 *   free    once the loop has finished the server's tasks (after a stop,
 *           when pawl_loop_run has returned): gives back its memory.
 *
 * Everything is called on the loop's thread; nothing here is thread-safe.
 * The server allocates with malloc (it is an example program, not the
 * library): itself at start, a connection per accept, and pool buffers.
 */
#ifndef PAWL_EXAMPLE_HTTP_SERVER_H
#define PAWL_EXAMPLE_HTTP_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "http_parser.h"
#include "pawl/net.h"
#include "pawl/pawl.h"

typedef struct http_server http_server;

/*
 * Called for every response the server makes, just before it is written,
 * with the request it answers and the status: `req` points into the
 * server's input buffer and is valid only during the call; it is NULL when
 * there is no well-formed request to describe (400, 431, 501, 505: the
 * head did not parse; 408: it did not arrive in time; 503: no pool buffer
 * was left).  It runs inside a connection task's poll: it must not await,
 * and must not call http_server_stop or free.
 */
typedef void http_request_fn(void *ud, const http_request *req, int status);

/* Options; zero means the default for every field. */
typedef struct http_server_opts {
    const char *host;        /* numeric IPv4 or IPv6 address; NULL: 127.0.0.1;
                                read only by start */
    uint16_t port;           /* 0: one the system chooses */
    bool reuseport;          /* SO_REUSEPORT: several servers (one loop per
                                thread) share the port */
    uint32_t request_ms;     /* a request must arrive whole within this
                                many ms of its first byte, else 408; 0: 5000 */
    uint32_t idle_ms;        /* a connection with no request in progress is
                                closed after this many ms; 0: 10000 */
    int sndbuf;              /* SO_SNDBUF of each connection; 0: the system's */
    http_request_fn *on_request; /* NULL: none */
    void *ud;                /* passed to on_request */
} http_server_opts;

/*
 * Listen on o->host:o->port and spawn the acceptor task on `loop`.  On
 * success *out is the server; on failure it is NULL and the return value
 * says why: PAWL_EINVAL (NULL argument, a host that does not parse),
 * PAWL_ENOMEM, a loop error (PAWL_ENOSYS for a backend that is not built
 * in), or the system's -errno (EADDRINUSE, ...).
 */
int http_server_start(pawl_loop *loop, const http_server_opts *o, http_server **out);

/* The address it listens on, with the port the system chose for port 0
 * (NULL, 0 for a NULL server). */
const pawl_addr *http_server_addr(const http_server *s);
uint16_t http_server_port(const http_server *s);

/* Stop accepting and cancel every connection (their cleanup closes them
 * once the loop polls them).  NULL and a second call are ignored. */
void http_server_stop(http_server *s);

/* Free the server once the loop has finished its tasks: 0, or PAWL_EBUSY
 * (nothing freed) while its acceptor or a connection is still alive.
 * NULL: 0. */
int http_server_free(http_server *s);

/* pawl's message for its own codes; the system's for a -errno that pawl
 * passes through (ECONNREFUSED and the like), which pawl_strerror does
 * not know. */
const char *http_server_strerror(int rc);

/* Where the memory goes, for --help: the sizes of this build. */
typedef struct http_server_sizes {
    size_t conn;         /* an idle connection: its struct, all it owns */
    size_t conn_task;    /* ... of which the task header */
    size_t conn_io;      /* ... the pawl_io */
    size_t conn_timeout; /* ... the timeout's pawl_sleep */
    size_t conn_keep;    /* ... the inline request buffer */
    size_t buffers;      /* each server's input and output buffers */
    unsigned pool_max;   /* pool buffers lent at most, per server */
    size_t pool_buffer;  /* bytes each */
} http_server_sizes;

void http_server_get_sizes(http_server_sizes *out); /* NULL: ignored */

#endif /* PAWL_EXAMPLE_HTTP_SERVER_H */
