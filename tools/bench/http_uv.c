/*
 * tools/bench/http_uv.c -- the HTTP/1.1 keep-alive server of examples/http,
 * written on libuv, for a side-by-side comparison (tools/bench/http runs
 * both under wrk).
 *
 *   http_uv PORT        serve on 127.0.0.1:PORT until killed
 *
 * It prints "listening on 127.0.0.1:PORT" once it accepts, and answers
 * GET / with the same bytes as examples/http: the status line, the headers
 * and the body "hello from pawl\n" (RESPONSE below; tools/bench/http checks
 * that the two servers send identical bytes).  The same keep-alive
 * behaviour as examples/http with its default options:
 *   - HTTP/1.1 is kept alive unless the request says "Connection: close",
 *     HTTP/1.0 only with "Connection: keep-alive";
 *   - pipelined requests are all answered, in order, up to 64 responses
 *     per write (one writev);
 *   - a connection idle for 10 s (no request in progress) is closed; a
 *     request must arrive whole within 5 s of its first byte, else it gets
 *     a 408 (written if the socket takes it at once) and is closed; a
 *     response the client does not read within 10 s closes the connection;
 *   - after a request with "Connection: close": its response, then a
 *     lingering close: shutdown(SHUT_WR), then read and drop what the
 *     client still sends for up to 1 s or 64 KiB, then close.
 * Only what the benchmark sends is parsed: the end of each request head,
 * its HTTP version and its Connection field.  Unlike examples/http, every
 * request gets the 200 response (no 400/404/405/431), an HTTP/1.0
 * keep-alive response has no "Connection: keep-alive" field, and a request
 * body (Content-Length) is not skipped; wrk sends none of these.
 *
 * How it is written, so that it is the libuv server one would write for
 * speed and not a straw man:
 *   - one loop, one thread; reads go into one shared 16 KiB buffer (a read
 *     callback consumes its data before the next allocation; examples/http
 *     has one such buffer per thread too), so an idle connection owns only
 *     its struct conn;
 *   - a head split across reads is kept, in a buffer allocated only then,
 *     until it is complete;
 *   - the responses owed after a read go out in one uv_try_write (a
 *     writev); only what the socket does not take is queued with
 *     uv_write, on a request embedded in the connection, and reading
 *     stops until that write completes, which bounds what a client that
 *     does not read can make us hold;
 *   - one uv_timer_t per connection, restarted after each read, carries
 *     whichever time limit applies (examples/http arms one per read too).
 */
#define _POSIX_C_SOURCE 200809L

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include <uv.h>

/* The response of examples/http to GET /, byte for byte. */
static const char RESPONSE[] = "HTTP/1.1 200 OK\r\n"
                               "Content-Length: 16\r\n"
                               "Content-Type: text/plain\r\n"
                               "\r\n"
                               "hello from pawl\n";
#define RESPONSE_LEN (sizeof RESPONSE - 1)
static const char TIMEOUT_408[] = "HTTP/1.1 408 Request Timeout\r\n"
                                  "Content-Length: 16\r\n"
                                  "Content-Type: text/plain\r\n"
                                  "Connection: close\r\n"
                                  "\r\n"
                                  "request timeout\n";

/* The limits of examples/http (its defaults). */
#define HEAD_MAX 8192u       /* a request head; larger: closed */
#define READ_SIZE 16384u     /* the shared read buffer */
#define IOV_BATCH 64u        /* responses per writev */
#define IDLE_MS 10000u       /* no request in progress; a stalled write */
#define REQUEST_MS 5000u     /* from a request's first byte to its last */
#define LINGER_MS 1000u      /* reading after our last response */
#define LINGER_MAX 65536u    /* ... at most this many bytes */

typedef struct conn {
    uv_tcp_t tcp;
    uv_timer_t timer;  /* the time limit that applies now */
    uv_write_t req;
    char *pend;        /* an unfinished request head (HEAD_MAX bytes), or NULL */
    size_t pend_len;   /* bytes in pend */
    size_t owed;       /* responses not yet written */
    size_t done;       /* bytes of the first owed response already written */
    size_t lingered;   /* bytes dropped while lingering */
    unsigned queued;   /* responses in the uv_write in flight (0: none) */
    unsigned handles;  /* open handles (tcp, timer): freed at 0 */
    bool close_after;  /* shut down once the owed responses are written */
    bool in_request;   /* part of a request has arrived: REQUEST_MS applies */
    bool lingering;    /* shut down; reading and dropping until closed */
    bool reading;
} conn;

static uv_loop_t *loop;
static char rbuf[READ_SIZE];

static void fail(int rc, const char *what)
{
    fprintf(stderr, "http_uv: %s: %s\n", what, uv_strerror(rc));
    exit(2);
}

static void on_closed(uv_handle_t *h)
{
    conn *c = h->data;
    if (--c->handles == 0) {
        free(c->pend);
        free(c);
    }
}

static void conn_close(conn *c)
{
    if (!uv_is_closing((uv_handle_t *)&c->tcp)) {
        uv_close((uv_handle_t *)&c->tcp, on_closed);
        uv_close((uv_handle_t *)&c->timer, on_closed);
    }
}

static void on_alloc(uv_handle_t *h, size_t hint, uv_buf_t *buf)
{
    (void)h;
    (void)hint;
    buf->base = rbuf;
    buf->len = sizeof rbuf;
}

static void on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf);
static void on_written(uv_write_t *req, int status);

static void on_timeout(uv_timer_t *t)
{
    conn *c = t->data;
    if (c->in_request && !c->lingering && c->queued == 0) {
        /* Best effort, as the connection closes anyway. */
        uv_buf_t b = uv_buf_init((char *)TIMEOUT_408, sizeof TIMEOUT_408 - 1);
        (void)uv_try_write((uv_stream_t *)&c->tcp, &b, 1);
    }
    conn_close(c);
}

static void set_limit(conn *c, unsigned ms)
{
    if (uv_timer_start(&c->timer, on_timeout, ms, 0) < 0)
        conn_close(c);
}

static void on_shutdown(uv_shutdown_t *req, int status)
{
    conn *c = req->data;
    free(req);
    if (status < 0 || uv_is_closing((uv_handle_t *)&c->tcp)) {
        conn_close(c);
        return;
    }
    c->lingering = true;
    set_limit(c, LINGER_MS);
    if (uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read) < 0)
        conn_close(c);
    else
        c->reading = true;
}

/* After the last response: shutdown(SHUT_WR), then linger. */
static void conn_shutdown(conn *c)
{
    uv_shutdown_t *req = malloc(sizeof *req);
    if (req == NULL) {
        conn_close(c);
        return;
    }
    req->data = c;
    if (uv_shutdown(req, (uv_stream_t *)&c->tcp, on_shutdown) < 0) {
        free(req);
        conn_close(c);
    }
}

/* Fill `iov` with the owed responses (at most IOV_BATCH), the first one
 * from where the last partial write left it; returns the count. */
static unsigned owed_iov(const conn *c, uv_buf_t *iov, size_t *total)
{
    unsigned k = c->owed < IOV_BATCH ? (unsigned)c->owed : IOV_BATCH;
    *total = 0;
    for (unsigned i = 0; i < k; i++) {
        size_t skip = i == 0 ? c->done : 0;
        iov[i] = uv_buf_init((char *)RESPONSE + skip, (unsigned)(RESPONSE_LEN - skip));
        *total += RESPONSE_LEN - skip;
    }
    return k;
}

/* Account for `n` bytes written from the owed responses. */
static void advance(conn *c, size_t n)
{
    n += c->done;
    c->owed -= n / RESPONSE_LEN;
    c->done = n % RESPONSE_LEN;
}

/* Write what is owed: directly while the socket takes it, else queue the
 * rest with uv_write and stop reading until it is written. */
static void flush(conn *c)
{
    uv_buf_t iov[IOV_BATCH];
    while (c->queued == 0 && c->owed > 0) {
        size_t total;
        unsigned k = owed_iov(c, iov, &total);
        int rc = uv_try_write((uv_stream_t *)&c->tcp, iov, k);
        if (rc == UV_EAGAIN)
            rc = 0;
        if (rc < 0) {
            conn_close(c);
            return;
        }
        advance(c, (size_t)rc);
        if ((size_t)rc == total)
            continue;
        k = owed_iov(c, iov, &total);
        rc = uv_write(&c->req, (uv_stream_t *)&c->tcp, iov, k, on_written);
        if (rc < 0) {
            conn_close(c);
            return;
        }
        c->queued = k;
        set_limit(c, IDLE_MS);
        if (c->reading) {
            uv_read_stop((uv_stream_t *)&c->tcp);
            c->reading = false;
        }
    }
    if (c->queued != 0 || uv_is_closing((uv_handle_t *)&c->tcp))
        return;
    if (c->close_after) {
        conn_shutdown(c);
    } else if (!c->reading) {
        int rc = uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read);
        if (rc < 0)
            conn_close(c);
        else
            c->reading = true;
    }
}

static void on_written(uv_write_t *req, int status)
{
    conn *c = req->data;
    if (status < 0) {
        conn_close(c);
        return;
    }
    /* uv_write completes only when all of it is written. */
    c->owed -= c->queued;
    c->done = 0;
    c->queued = 0;
    set_limit(c, c->in_request ? REQUEST_MS : IDLE_MS);
    flush(c);
}

/* Does the header block [p, end) have a field `name` whose comma-separated
 * value lists `token` (both compared ignoring case)? */
static bool has_token(const char *p, const char *end, const char *name, const char *token)
{
    size_t nl = strlen(name), tl = strlen(token);
    while (p < end) {
        const char *eol = memchr(p, '\r', (size_t)(end - p));
        if (eol == NULL)
            eol = end;
        if ((size_t)(eol - p) > nl && p[nl] == ':' && strncasecmp(p, name, nl) == 0) {
            for (const char *v = p + nl + 1; v < eol;) {
                while (v < eol && (*v == ' ' || *v == '\t' || *v == ','))
                    v++;
                const char *e = v;
                while (e < eol && *e != ',')
                    e++;
                const char *te = e;
                while (te > v && (te[-1] == ' ' || te[-1] == '\t'))
                    te--;
                if ((size_t)(te - v) == tl && strncasecmp(v, token, tl) == 0)
                    return true;
                v = e;
            }
        }
        p = eol + 2;
    }
    return false;
}

/* The end of the first request head in [p, end) (just past its blank
 * line), or NULL if it is not complete. */
static const char *head_end(const char *p, const char *end)
{
    for (const char *q = p; end - q >= 4; q++) {
        q = memchr(q, '\r', (size_t)(end - q - 3));
        if (q == NULL)
            return NULL;
        if (q[1] == '\n' && q[2] == '\r' && q[3] == '\n')
            return q + 4;
    }
    return NULL;
}

/* Parse the complete requests in [p, end): count the responses owed; keep
 * a trailing partial head.  Returns false if the connection is to close
 * now (a malformed or oversized request). */
static bool parse(conn *c, const char *p, const char *end)
{
    while (p < end && !c->close_after) {
        while (end - p >= 2 && p[0] == '\r' && p[1] == '\n')
            p += 2; /* empty lines before a request line */
        const char *he = head_end(p, end);
        if (he == NULL)
            break;
        const char *line_end = memchr(p, '\r', (size_t)(he - p));
        /* "GET / HTTP/1.1": the version is the last 8 bytes of the line. */
        if (line_end - p < 14 || memcmp(line_end - 8, "HTTP/1.", 7) != 0)
            return false;
        bool http10 = line_end[-1] == '0';
        bool close = has_token(line_end + 2, he, "Connection", "close");
        c->owed++;
        if (close || (http10 && !has_token(line_end + 2, he, "Connection", "keep-alive")))
            c->close_after = true;
        p = he;
    }
    if (c->close_after) {
        c->pend_len = 0;
        c->in_request = false;
        return true;
    }
    size_t left = (size_t)(end - p);
    if (left >= HEAD_MAX)
        return false;
    if (left > 0) {
        if (c->pend == NULL && (c->pend = malloc(HEAD_MAX)) == NULL)
            return false;
        memmove(c->pend, p, left);
    }
    c->pend_len = left;
    return true;
}

static void on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
    conn *c = s->data;
    if (n == 0)
        return;
    if (c->lingering) {
        if (n < 0 || (c->lingered += (size_t)n) > LINGER_MAX)
            conn_close(c);
        return;
    }
    if (n < 0) {
        /* End of stream or an error: nothing is owed here (the responses
         * went out before reading again); close. */
        conn_close(c);
        return;
    }
    bool ok;
    if (c->pend_len == 0) {
        ok = parse(c, buf->base, buf->base + n);
    } else {
        /* A head split across reads: append to the kept part until the
         * head is complete, then parse the rest where it lies. */
        const char *src = buf->base, *end = buf->base + n;
        ok = true;
        while (ok && !c->close_after && c->pend_len > 0 && src < end) {
            size_t room = HEAD_MAX - c->pend_len, m = (size_t)(end - src);
            size_t take = m < room ? m : room;
            memcpy(c->pend + c->pend_len, src, take);
            src += take;
            ok = parse(c, c->pend, c->pend + c->pend_len + take);
        }
        if (ok && !c->close_after && src < end)
            ok = parse(c, src, end);
    }
    if (!ok) {
        conn_close(c);
        return;
    }
    /* The time limit of the next read: the request's, counted from its
     * first byte, or the idle one. */
    if (c->pend_len == 0) {
        c->in_request = false;
        set_limit(c, IDLE_MS);
    } else if (!c->in_request) {
        c->in_request = true;
        set_limit(c, REQUEST_MS);
    }
    if (c->close_after) {
        uv_read_stop(s);
        c->reading = false;
    }
    flush(c);
}

static void on_connection(uv_stream_t *server, int status)
{
    if (status < 0)
        return;
    conn *c = calloc(1, sizeof *c);
    if (c == NULL)
        return;
    c->tcp.data = c;
    c->timer.data = c;
    c->req.data = c;
    if (uv_tcp_init(loop, &c->tcp) < 0) {
        free(c);
        return;
    }
    c->handles = 1;
    if (uv_timer_init(loop, &c->timer) < 0) {
        uv_close((uv_handle_t *)&c->tcp, on_closed);
        return;
    }
    c->handles = 2;
    if (uv_accept(server, (uv_stream_t *)&c->tcp) < 0) {
        conn_close(c);
        return;
    }
    set_limit(c, IDLE_MS);
    c->reading = true;
    if (uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read) < 0)
        conn_close(c);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: http_uv PORT\n");
        return 2;
    }
    char *endp;
    long port = strtol(argv[1], &endp, 10);
    if (*endp != '\0' || port < 0 || port > 65535) {
        fprintf(stderr, "http_uv: bad port '%s'\n", argv[1]);
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    loop = uv_default_loop();
    uv_tcp_t server;
    int rc = uv_tcp_init(loop, &server);
    if (rc < 0)
        fail(rc, "uv_tcp_init");
    struct sockaddr_in addr;
    rc = uv_ip4_addr("127.0.0.1", (int)port, &addr);
    if (rc < 0)
        fail(rc, "uv_ip4_addr");
    rc = uv_tcp_bind(&server, (const struct sockaddr *)&addr, 0);
    if (rc < 0)
        fail(rc, "uv_tcp_bind");
    rc = uv_listen((uv_stream_t *)&server, SOMAXCONN, on_connection);
    if (rc < 0)
        fail(rc, "uv_listen");
    struct sockaddr_in got;
    int len = sizeof got;
    rc = uv_tcp_getsockname(&server, (struct sockaddr *)&got, &len);
    if (rc < 0)
        fail(rc, "uv_tcp_getsockname");
    printf("listening on 127.0.0.1:%u\n", (unsigned)ntohs(got.sin_port));
    fflush(stdout);
    fprintf(stderr, "http_uv: libuv %s, %zu bytes per idle connection (struct conn: "
            "uv_tcp_t %zu, uv_timer_t %zu, uv_write_t %zu), plus malloc's header; "
            "a partial request head borrows %u more\n",
            uv_version_string(), sizeof(conn), sizeof(uv_tcp_t), sizeof(uv_timer_t),
            sizeof(uv_write_t), HEAD_MAX);
    return uv_run(loop, UV_RUN_DEFAULT);
}
