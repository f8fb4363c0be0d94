/*
 * examples/http/http_server.c -- the HTTP/1.1 server of examples/http, on
 * a loop the caller runs (http_server.h): one task per connection,
 * keep-alive and pipelining, strict parsing, timeouts, and fixed memory
 * per connection.  examples/http/http.c runs one per thread; the tour
 * starts one next to its client.
 *
 * WHAT IT ANSWERS
 * ===============
 *
 *   GET / (or /?anything)   200, "hello from pawl\n"; HEAD: the same head
 *   other methods on /      405 with "Allow: GET, HEAD"
 *   any other path          404
 *   a malformed request     400, then the connection is closed; also 431
 *                           (head over 8 KiB), 501 (Transfer-Encoding),
 *                           505 (HTTP/2.0 and the like): see http_parser.h
 *                           for exactly what is accepted
 *   a request that stalls   408 after request_ms (default 5000) counted
 *                           from its first byte to its last (a client
 *                           that trickles bytes does not restart the
 *                           clock), then closed
 *   an idle connection      closed, without a word, after idle_ms
 *                           (default 10000) with no request in progress
 *
 * The responses are constants but for the Connection field, which is sent
 * only when the server does something the request did not imply: "close"
 * when the server ends the connection (after an error), "keep-alive" when
 * it keeps an HTTP/1.0 connection.  A client that asked for close gets its
 * answer and then end of stream.  Before closing, the server shuts down
 * its side and reads (and drops) what the client still sends for up to a
 * second, so that unread input does not turn the close into a reset that
 * could destroy the last response in the client's buffer.  No Date
 * field: the responses stay byte-for-byte constant, which is what
 * tools/bench/http compares with its libuv twin (a production server
 * would add one, formatted once a second).  A request body
 * (Content-Length) is read and dropped.
 *
 * MEMORY: WHERE THE BYTES ARE
 * ===========================
 *
 * An idle connection -- one with no partial request -- owns its struct
 * conn and nothing else: at most 512 bytes on 64-bit targets (the task
 * header 32, the pawl_io 80, the timeout's pawl_sleep 56, bookkeeping, and
 * `keep`, an inline buffer of 256 bytes; `http --help` prints the exact
 * figure), plus the allocator's header and the kernel's socket buffers.
 * No 8 KiB read buffer per connection:
 *
 *   - Each server (one per loop, so one per thread in http.c) has one
 *     16 KiB input buffer and one output buffer.  A connection's task
 *     reads into the server's input buffer, parses every complete request
 *     there, writes the responses to the server's output buffer and hands
 *     that to the socket, all in one poll, without an await in between:
 *     tasks on a loop never run at the same time, and nothing else can
 *     use the buffers until the task awaits again.
 *   - Only what must outlive the poll is copied out: the bytes of a
 *     request that is not complete yet.  Up to KEEP_BYTES (256) stay in
 *     the connection; more (a large head arriving in pieces) go to a
 *     16 KiB buffer borrowed from the server's pool while that request is
 *     incomplete.  Before the next read they are copied back to the start
 *     of the server's input buffer (inside the read's future, so at the
 *     poll where the read happens), and parsing resumes where it stopped.
 *   - Output the socket does not take at once (the client reads slowly)
 *     is copied to a pool buffer too, and reading stops until it is
 *     written: a client that never reads costs one pool buffer, for at
 *     most idle_ms.
 *   - The pool lends at most POOL_MAX buffers per server.  A connection
 *     whose partial request needs one when none is left gets a 503 and is
 *     closed; one whose unwritten answer needs one is closed without a
 *     word (its client is not reading: there is no room for a 503
 *     either).  It keeps
 *     at most POOL_KEEP free buffers and frees the rest, so memory goes
 *     down again after a burst.
 *
 * So the common small request -- read in one piece, answered at once --
 * copies nothing and borrows nothing.  Pipelined requests are answered in
 * batches of up to BATCH responses, in order, with one write each.
 *
 * STOPPING
 * ========
 *
 * http_server_stop cancels the acceptor, whose cleanup closes the
 * listener, and every connection that has been polled, whose cleanup
 * closes it; one not polled yet sees `stopping` at its first poll and
 * ends there.  The loop then runs out of the server's work.  A finished
 * connection cannot free itself (the loop still marks its task DONE after
 * its last poll), so it goes on the server's `dead` list, which a
 * microtask empties right after that poll.
 */
#define _POSIX_C_SOURCE 200809L

#include "http_server.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* ---- sizes, each derived from the one before ------------------------------- */

#define HEAD_LIMIT 8192u                 /* a request head; larger: 431 */
#define READ_SPACE 8192u                 /* at least this much room per read */
#define IN_CAP (HEAD_LIMIT + READ_SPACE) /* the server's input buffer: a
                                            partial head (< HEAD_LIMIT) plus
                                            a read */
#define BATCH 64u                        /* responses per write */
#define RESP_MAX 192u                    /* the longest response we make */
#define OUT_CAP ((BATCH + 1u) * RESP_MAX) /* a batch plus a final error */
#define BIG_SIZE IN_CAP                  /* a pool buffer: pending input
                                            (at most IN_CAP) or pending
                                            output (at most OUT_CAP) */
#define POOL_MAX 512u                    /* pool buffers lent per server */
#define POOL_KEEP 32u                    /* free pool buffers kept */
#define CONN_SIZE 512u                   /* sizeof(conn) at most, 64-bit */
#define LINGER_MS 1000u                  /* reading after our last response */
#define LINGER_MAX 65536u                /* ... at most this many bytes */

_Static_assert(BIG_SIZE >= OUT_CAP, "a pool buffer holds a batch of output");
_Static_assert(IN_CAP <= UINT16_MAX, "pending input counts fit in 16 bits");

/* Connection flags. */
enum {
    F_STARTED = 1u << 0,     /* polled at least once: cancel runs its cleanup */
    F_IN_REQUEST = 1u << 1,  /* bytes of a request (head or body) arrived and
                                it is not complete: `deadline` applies */
    F_MORE = 1u << 2,        /* the pending input holds complete requests
                                left over by a full batch: serve them before
                                reading again */
    F_CLOSE_AFTER = 1u << 3  /* close once the output is written */
};

/* A connection: at most CONN_SIZE bytes on 64-bit targets (the fields
 * take about 250, `keep` the rest; `http --help` prints the exact figure). */
#define KEEP_BYTES 256u

typedef struct conn {
    pawl_task task;     /* DONE: on its server's `dead` list until freed */
    pawl_io io;
    pawl_sleep limit;   /* the deadline of the await in progress */
    http_server *s;
    struct conn *prev, *next; /* s->conns while alive; next: s->dead after */
    char *big_in;       /* pool: pending input too long for `keep` */
    char *big_out;      /* pool: output the socket has not taken yet */
    uint64_t deadline;  /* loop ms: the request's (F_IN_REQUEST), or the
                           linger's end */
    uint64_t body_left; /* bytes of a request body still to drop */
    size_t got;         /* the last read */
    size_t sent;        /* the write's progress; the linger's byte count */
    uint16_t in_len;    /* pending input, in `keep` or (if big_in) there */
    uint16_t out_len;   /* bytes in big_out */
    uint16_t scanned;   /* the parser's resume offset in the pending input */
    uint8_t flags;      /* F_* */
    char keep[KEEP_BYTES]; /* pending input, when it fits */
} conn;

/* (Not in a PAWL_TRACE build, whose tasks carry 40 more bytes for the
 * task dump.) */
#if !defined(PAWL_TRACE)
_Static_assert(sizeof(void *) != 8 || sizeof(conn) <= CONN_SIZE,
               "a connection is at most CONN_SIZE bytes on 64-bit targets");
#endif

/* A pool buffer: free ones are linked through their first word. */
typedef union big {
    union big *next;
    char bytes[BIG_SIZE];
} big;

struct http_server {
    pawl_loop *loop;
    pawl_io listener;
    pawl_task acceptor;
    pawl_sleep backoff;     /* the acceptor's, when out of descriptors */
    int accepted;           /* the acceptor's accept result */
    bool accepting;         /* the acceptor was polled: its cleanup will
                               close the listener */
    bool stopping;
    uint32_t request_ms;    /* the options, defaults applied */
    uint32_t idle_ms;
    int sndbuf;
    http_request_fn *on_request;
    void *ud;
    pawl_addr bound;        /* the listener's address */
    conn *conns;            /* live connections */
    conn *dead;             /* finished, freed by `reaper` */
    pawl_microtask reaper;
    big *pool;              /* free pool buffers */
    unsigned pool_free;     /* on that list */
    unsigned pool_lent;     /* lent to connections */
    /* The server's buffers: used by one task at a time, within one poll. */
    char in[IN_CAP];
    char out[OUT_CAP];
};

/* pawl's message for its own codes; the system's for a -errno that pawl
 * passes through (ECONNREFUSED and the like), which pawl_strerror does
 * not know. */
const char *http_server_strerror(int rc)
{
    if (strcmp(pawl_err_name(rc), "UNKNOWN") == 0 && rc < 0 && rc > PAWL__ERR_BASE)
        return strerror(-rc);
    return pawl_strerror(rc);
}

/* ---- the pool ---------------------------------------------------------------- */

static char *pool_take(http_server *s)
{
    if (s->pool != NULL) {
        big *b = s->pool;
        s->pool = b->next;
        s->pool_free--;
        s->pool_lent++;
        return b->bytes;
    }
    if (s->pool_lent >= POOL_MAX)
        return NULL;
    big *b = malloc(sizeof *b);
    if (b == NULL)
        return NULL;
    s->pool_lent++;
    return b->bytes;
}

static void pool_give(http_server *s, char **slot)
{
    if (*slot == NULL)
        return;
    big *b = (big *)(void *)*slot;
    *slot = NULL;
    s->pool_lent--;
    if (s->pool_free >= POOL_KEEP) {
        free(b);
        return;
    }
    b->next = s->pool;
    s->pool = b;
    s->pool_free++;
}

static void pool_free_all(http_server *s)
{
    while (s->pool != NULL) {
        big *b = s->pool;
        s->pool = b->next;
        free(b);
    }
    s->pool_free = 0;
}

/* ---- responses ------------------------------------------------------------------ */

static const char BODY[] = "hello from pawl\n";

static const char *reason(int status)
{
    switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 431: return "Request Header Fields Too Large";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    case 505: return "HTTP Version Not Supported";
    default: return "Internal Server Error";
    }
}

/* Append one response to the server's output buffer at `at`; returns its
 * length.  `req` is the request it answers (NULL if none parsed), for the
 * on_request hook; `connection` is the Connection field's value or NULL. */
static size_t put_response(http_server *s, size_t at, const http_request *req, int status,
                           bool head_only, const char *connection)
{
    if (s->on_request != NULL)
        s->on_request(s->ud, req, status);
    if (status == 200 && connection == NULL) {
        /* The answer to nearly every request is always the same bytes:
         * copy them (formatting them cost half the server's user-space
         * instructions per request, by callgrind). */
        static const char OK[] = "HTTP/1.1 200 OK\r\n"
                                 "Content-Length: 16\r\n"
                                 "Content-Type: text/plain\r\n"
                                 "\r\n"
                                 "hello from pawl\n";
        _Static_assert(sizeof BODY - 1 == 16, "OK's Content-Length is BODY's length");
        size_t n = head_only ? sizeof OK - 1 - (sizeof BODY - 1) : sizeof OK - 1;
        memcpy(s->out + at, OK, n);
        return n;
    }
    char body[64];
    const char *b = BODY;
    if (status != 200) {
        /* "not found\n", "bad request\n", ...: the reason in lower case. */
        const char *r = reason(status);
        size_t i = 0;
        for (; r[i] != '\0' && i + 2 < sizeof body; i++)
            body[i] = (char)(r[i] >= 'A' && r[i] <= 'Z' ? r[i] - 'A' + 'a' : r[i]);
        body[i++] = '\n';
        body[i] = '\0';
        b = body;
    }
    size_t blen = strlen(b);
    int n = snprintf(s->out + at, OUT_CAP - at,
                     "HTTP/1.1 %d %s\r\n"
                     "Content-Length: %zu\r\n"
                     "Content-Type: text/plain\r\n"
                     "%s%s%s"
                     "%s"
                     "\r\n"
                     "%s",
                     status, reason(status), blen,
                     connection != NULL ? "Connection: " : "",
                     connection != NULL ? connection : "", connection != NULL ? "\r\n" : "",
                     status == 405 ? "Allow: GET, HEAD\r\n" : "", head_only ? "" : b);
    /* RESP_MAX bounds every response this function can make, and the
     * callers leave RESP_MAX bytes of room. */
    if (n < 0 || (size_t)n >= RESP_MAX)
        abort();
    return (size_t)n;
}

/* The answer to a well-formed request. */
static size_t respond(http_server *s, size_t at, const http_request *req)
{
    bool root = http_token_is(req->target, req->target_len, "/") ||
                (req->target_len >= 2 && req->target[0] == '/' && req->target[1] == '?');
    bool head = http_token_is(req->method, req->method_len, "HEAD");
    bool get = http_token_is(req->method, req->method_len, "GET");
    int status = !root ? 404 : (get || head) ? 200 : 405;
    const char *connection = req->version == 10 && req->keep_alive ? "keep-alive" : NULL;
    return put_response(s, at, req, status, head, connection);
}

/* ---- a connection ---------------------------------------------------------------- */

static void start_request(conn *c)
{
    c->flags |= F_IN_REQUEST;
    c->deadline = pawl_loop_now(c->s->loop) + c->s->request_ms;
}

/* Milliseconds left until `deadline` (0 if it has passed). */
static uint32_t remaining(const conn *c)
{
    uint64_t now = pawl_loop_now(c->s->loop);
    return c->deadline > now ? (uint32_t)(c->deadline - now) : 0;
}

/* The time limit of the next read: the request's, or the idle one. */
static uint32_t read_limit(const conn *c)
{
    return (c->flags & F_IN_REQUEST) ? remaining(c) : c->s->idle_ms;
}

/* Copy the pending input to the start of the server's input buffer. */
static void stage(conn *c)
{
    if (c->in_len > 0)
        memcpy(c->s->in, c->big_in != NULL ? c->big_in : c->keep, c->in_len);
}

/* Keep `n` bytes at `p` (in the server's input buffer) as pending input.
 * False if they need a pool buffer and none is left. */
static bool keep_input(conn *c, const char *p, size_t n)
{
    http_server *s = c->s;
    if (n <= sizeof c->keep) {
        pool_give(s, &c->big_in);
        memcpy(c->keep, p, n);
    } else {
        if (c->big_in == NULL && (c->big_in = pool_take(s)) == NULL)
            return false;
        memcpy(c->big_in, p, n);
    }
    c->in_len = (uint16_t)n;
    return true;
}

static void drop_input(conn *c)
{
    pool_give(c->s, &c->big_in);
    c->in_len = 0;
    c->scanned = 0;
    c->body_left = 0;
    c->flags &= (uint8_t) ~(F_IN_REQUEST | F_MORE);
}

/* The read, as a future: the pending input is staged again at every poll
 * (another connection may have used the buffer since the last one), so
 * that when the read completes the server's input buffer holds the whole
 * unparsed input, old bytes then new. */
static pawl_poll conn_read(conn *c, pawl_cx *cx)
{
    stage(c);
    return pawl_net_read(&c->io, cx, c->s->in + c->in_len, IN_CAP - c->in_len, &c->got);
}

/*
 * Serve the `total` bytes at the start of the server's input buffer: drop
 * body bytes, parse each complete head, put its response in the output
 * buffer; stop at an incomplete head, after BATCH responses (F_MORE), or
 * at a response after which the connection closes (F_CLOSE_AFTER).  What
 * is left is kept as pending input.  Returns the bytes of output.
 */
static size_t serve(conn *c, size_t total)
{
    http_server *s = c->s;
    size_t pos = 0, out = 0;
    unsigned answered = 0;
    c->flags &= (uint8_t)~F_MORE;
    if (!(c->flags & F_IN_REQUEST))
        start_request(c);
    while (pos < total) {
        if (c->body_left > 0) {
            size_t take = total - pos < c->body_left ? total - pos : (size_t)c->body_left;
            pos += take;
            c->body_left -= take;
            if (c->body_left > 0)
                break;
            c->flags &= (uint8_t)~F_IN_REQUEST;
            if (pos < total)
                start_request(c);
            continue;
        }
        if (answered == BATCH) {
            c->flags |= F_MORE;
            break;
        }
        size_t scanned = c->scanned;
        http_request req;
        int rc = http_parse_request(s->in + pos, total - pos, HEAD_LIMIT, &scanned, &req);
        c->scanned = (uint16_t)scanned;
        if (rc == HTTP_PARSE_INCOMPLETE)
            break;
        answered++;
        if (rc != HTTP_PARSE_DONE) {
            out += put_response(s, out, NULL, rc, false, "close");
            c->flags |= F_CLOSE_AFTER;
            pos = total;
            break;
        }
        out += respond(s, out, &req);
        pos += req.head_len;
        c->scanned = 0;
        if (!req.keep_alive) {
            c->flags |= F_CLOSE_AFTER;
            pos = total;
            break;
        }
        c->body_left = req.content_length;
        if (c->body_left == 0) {
            c->flags &= (uint8_t)~F_IN_REQUEST;
            if (pos < total)
                start_request(c);
        }
    }
    if (c->flags & F_CLOSE_AFTER) {
        drop_input(c);
    } else if (!keep_input(c, s->in + pos, total - pos)) {
        drop_input(c);
        out += put_response(s, out, NULL, 503, false, "close");
        c->flags |= F_CLOSE_AFTER;
    }
    return out;
}

static void reap(void *arg)
{
    http_server *s = arg;
    while (s->dead != NULL) {
        conn *c = s->dead;
        s->dead = c->next;
        free(c);
    }
}

static pawl_poll conn_poll(pawl_task *t, pawl_cx *cx)
{
    conn *c = PAWL_CONTAINER_OF(t, conn, task);
    http_server *s = c->s;
    int rc = 0;
    size_t n = 0;
    PAWL_BEGIN(cx);
    c->flags |= F_STARTED;
    if (s->stopping)
        PAWL_EXIT(cx);
    for (;;) {
        if (c->flags & F_MORE) {
            stage(c);
            n = serve(c, c->in_len);
        } else {
            PAWL_AWAIT(cx, rc, PAWL_TIMEOUT(&c->limit, cx, read_limit(c), conn_read(c, cx)));
            if (rc == PAWL_ETIMEDOUT) {
                if (!(c->flags & F_IN_REQUEST))
                    break; /* idle: close without a word */
                drop_input(c);
                n = put_response(s, 0, NULL, 408, false, "close");
                c->flags |= F_CLOSE_AFTER;
            } else if (rc != 0) {
                break; /* end of stream, reset, ... */
            } else {
                n = serve(c, (size_t)c->in_len + c->got);
            }
        }
        if (n > 0) {
            /* The common case: the socket takes it all now, from the
             * server's buffer.  If it does not, the rest moves to a pool
             * buffer before this poll ends, and the write goes on from
             * there. */
            c->sent = 0;
            rc = pawl_net_write_all(&c->io, cx, s->out, n, &c->sent);
            if (rc == PAWL_PENDING) {
                c->big_out = pool_take(s);
                if (c->big_out == NULL)
                    break; /* no buffer, and no room for a 503: close */
                c->out_len = (uint16_t)(n - c->sent);
                memcpy(c->big_out, s->out + c->sent, c->out_len);
                c->sent = 0;
                PAWL_AWAIT(cx, rc,
                           PAWL_TIMEOUT(&c->limit, cx, s->idle_ms,
                                        pawl_net_write_all(&c->io, cx, c->big_out, c->out_len,
                                                           &c->sent)));
                pool_give(s, &c->big_out);
            }
            if (rc != 0)
                break;
        }
        if (c->flags & F_CLOSE_AFTER) {
            /* Lingering close: end our side, then read (and drop) what the
             * client still sends, for a while, before closing.  Closing
             * with unread input would reset the connection, and a reset
             * can destroy the response in the client's receive buffer
             * before it has read it. */
            if (pawl_tcp_shutdown(&c->io) != 0)
                break;
            c->deadline = pawl_loop_now(s->loop) + LINGER_MS;
            c->sent = 0;
            for (;;) {
                PAWL_AWAIT(cx, rc,
                           PAWL_TIMEOUT(&c->limit, cx, remaining(c),
                                        pawl_net_read(&c->io, cx, s->in, IN_CAP, &c->got)));
                if (rc != 0)
                    break;
                c->sent += c->got;
                if (c->sent > LINGER_MAX)
                    break;
            }
            break;
        }
    }
    PAWL_CLEANUP(cx);
    pool_give(s, &c->big_in);
    pool_give(s, &c->big_out);
    (void)pawl_io_close(&c->io);
    if (c->prev != NULL)
        c->prev->next = c->next;
    else
        s->conns = c->next;
    if (c->next != NULL)
        c->next->prev = c->prev;
    /* Free it once its poll has returned: the loop still marks the task
     * DONE after this.  Microtasks run right after that poll, and one
     * per server serves every connection that ends in it. */
    c->next = s->dead;
    s->dead = c;
    (void)pawl_microtask_queue(s->loop, &s->reaper); /* EBUSY: queued already */
    PAWL_END(cx);
}

/* ---- accepting ---------------------------------------------------------------------- */

static void open_conn(http_server *s, int fd)
{
    conn *c = malloc(sizeof *c);
    if (c == NULL) {
        close(fd);
        return;
    }
    memset(c, 0, sizeof *c);
    c->s = s;
    if (s->sndbuf > 0)
        (void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &s->sndbuf, sizeof s->sndbuf);
    int rc = pawl_io_open(s->loop, &c->io, fd);
    if (rc == 0)
        rc = pawl_task_init(&c->task, conn_poll);
    if (rc == 0)
        rc = pawl_task_spawn(s->loop, &c->task);
    if (rc != 0) {
        fprintf(stderr, "http: connection: %s\n", http_server_strerror(rc));
        if (pawl_io_close(&c->io) != 0)
            close(fd);
        free(c);
        return;
    }
    c->next = s->conns;
    if (s->conns != NULL)
        s->conns->prev = c;
    s->conns = c;
}

static pawl_poll acceptor_poll(pawl_task *t, pawl_cx *cx)
{
    http_server *s = PAWL_CONTAINER_OF(t, http_server, acceptor);
    int rc;
    PAWL_BEGIN(cx);
    s->accepting = true;
    for (;;) {
        PAWL_AWAIT(cx, rc, pawl_tcp_accept(&s->listener, cx, &s->accepted));
        if (rc == 0) {
            open_conn(s, s->accepted);
        } else if (rc == PAWL_ECLOSED || rc == PAWL_EINVAL) {
            break;
        } else {
            /* Out of descriptors or memory (EMFILE, ENFILE, ENOBUFS):
             * accepting again at once would fail again.  Back off. */
            fprintf(stderr, "http: accept: %s\n", http_server_strerror(rc));
            PAWL_AWAIT(cx, rc, pawl_sleep_ms(&s->backoff, cx, 100));
        }
    }
    PAWL_CLEANUP(cx);
    (void)pawl_io_close(&s->listener);
    PAWL_END(cx);
}

/* ---- the module's interface -------------------------------------------------------- */

int http_server_start(pawl_loop *loop, const http_server_opts *o, http_server **out)
{
    if (out != NULL)
        *out = NULL;
    if (loop == NULL || o == NULL || out == NULL)
        return PAWL_EINVAL;
    http_server *s = calloc(1, sizeof *s);
    if (s == NULL)
        return PAWL_ENOMEM;
    s->loop = loop;
    s->request_ms = o->request_ms != 0 ? o->request_ms : 5000;
    s->idle_ms = o->idle_ms != 0 ? o->idle_ms : 10000;
    s->sndbuf = o->sndbuf;
    s->on_request = o->on_request;
    s->ud = o->ud;
    pawl_microtask_init(&s->reaper, reap, s);
    pawl_addr addr;
    int rc = pawl_addr_parse(&addr, o->host != NULL ? o->host : "127.0.0.1", o->port);
    if (rc == 0)
        rc = pawl_tcp_listen(loop, &s->listener, &addr, 0,
                             o->reuseport ? PAWL_NET_REUSEPORT : 0u);
    if (rc == 0)
        rc = pawl_net_local_addr(&s->listener, &s->bound);
    if (rc == 0)
        rc = pawl_task_init(&s->acceptor, acceptor_poll);
    if (rc == 0)
        rc = pawl_task_spawn(loop, &s->acceptor);
    if (rc != 0) {
        (void)pawl_io_close(&s->listener); /* PAWL_EINVAL if never opened */
        free(s);
        return rc;
    }
    *out = s;
    return 0;
}

const pawl_addr *http_server_addr(const http_server *s)
{
    return s != NULL ? &s->bound : NULL;
}

uint16_t http_server_port(const http_server *s)
{
    return s != NULL ? pawl_addr_port(&s->bound) : 0;
}

void http_server_stop(http_server *s)
{
    if (s == NULL || s->stopping)
        return;
    s->stopping = true;
    /* An acceptor canceled before its first poll never runs, not even its
     * cleanup: close the listener here then. */
    if (!s->accepting)
        (void)pawl_io_close(&s->listener);
    (void)pawl_task_cancel(s->loop, &s->acceptor);
    /* A connection not yet polled sees `stopping` at its first poll (a
     * cancel now would skip its cleanup section, which closes it). */
    for (conn *c = s->conns; c != NULL; c = c->next)
        if (c->flags & F_STARTED)
            (void)pawl_task_cancel(s->loop, &c->task);
}

int http_server_free(http_server *s)
{
    if (s == NULL)
        return 0;
    if (s->conns != NULL || pawl_task_get_state(&s->acceptor) != PAWL_TASK_DONE)
        return PAWL_EBUSY;
    reap(s); /* empty already when the loop has run its microtasks */
    pool_free_all(s);
    free(s);
    return 0;
}

void http_server_get_sizes(http_server_sizes *out)
{
    if (out == NULL)
        return;
    *out = (http_server_sizes){
        .conn = sizeof(conn),
        .conn_task = sizeof(pawl_task),
        .conn_io = sizeof(pawl_io),
        .conn_timeout = sizeof(pawl_sleep),
        .conn_keep = sizeof(((conn *)0)->keep),
        .buffers = (size_t)(IN_CAP + OUT_CAP),
        .pool_max = POOL_MAX,
        .pool_buffer = BIG_SIZE,
    };
}
