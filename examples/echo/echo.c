/*
 * examples/echo/echo.c -- a TCP echo server: one task per connection.
 *
 *     echo [--host ADDR] PORT      (PORT 0: any; ADDR default 127.0.0.1)
 *
 * It prints "listening on 127.0.0.1:PORT" with the port it got, sends back
 * every byte it receives, and on SIGINT or SIGTERM stops accepting, closes
 * every connection and exits with 0.  Try it with examples/client:
 *
 *     $ echo 0 &
 *     listening on 127.0.0.1:40123
 *     $ client 40123 "hello"
 *     hello
 *
 * THE SHAPE OF IT
 * ===============
 *
 * One task accepts; for each connection it allocates a `conn` (malloc:
 * this is an example; examples/http shows a server that counts its bytes)
 * and spawns its task, which reads and writes back until end of stream.
 * The connection's cleanup section closes the socket and queues a
 * microtask that frees the struct: the task's memory must outlive its
 * last poll (the loop marks it DONE after the poll returns), and
 * microtasks run right after that poll.
 *
 * The signal handler does one thing: it rings a pawl_remote, the one pawl
 * call that is safe in a signal handler.  The remote's callback, on the
 * loop's thread, cancels the acceptor and every connection; their cleanup
 * sections close the sockets, nothing is left alive, pawl_loop_run
 * returns, and main closes the loop.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pawl/net.h"
#include "pawl/pawl.h"

/* pawl's message for its own codes; the system's for a -errno that pawl
 * passes through (ECONNREFUSED and the like), which pawl_strerror does
 * not know. */
static const char *err_text(int rc)
{
    if (strcmp(pawl_err_name(rc), "UNKNOWN") == 0 && rc < 0 && rc > PAWL__ERR_BASE)
        return strerror(-rc);
    return pawl_strerror(rc);
}

typedef struct conn conn;

typedef struct server {
    pawl_loop loop;
    pawl_remote stop;   /* rung by the signal handler */
    pawl_io listener;
    pawl_task acceptor;
    pawl_sleep backoff; /* the acceptor's, when out of descriptors */
    int accepted;       /* the acceptor's accept result */
    bool stopping;
    conn *conns;        /* live connections */
} server;

struct conn {
    pawl_task task;
    pawl_io io;
    pawl_microtask reap; /* frees this struct after the task's last poll */
    server *srv;
    conn *prev, *next;   /* srv->conns */
    bool started;        /* polled once: a cancel now runs its cleanup */
    size_t got;          /* the last read */
    size_t sent;         /* the write's progress */
    char buf[4096];
};

static void conn_free(void *arg)
{
    free(arg);
}

static pawl_poll conn_poll(pawl_task *t, pawl_cx *cx)
{
    conn *c = PAWL_CONTAINER_OF(t, conn, task);
    int rc = 0;
    PAWL_BEGIN(cx);
    c->started = true;
    if (c->srv->stopping)
        PAWL_EXIT(cx);
    for (;;) {
        PAWL_AWAIT(cx, rc, pawl_net_read(&c->io, cx, c->buf, sizeof c->buf, &c->got));
        if (rc != 0)
            break; /* PAWL_EOF: the client is done; or an error */
        c->sent = 0;
        PAWL_AWAIT(cx, rc, pawl_net_write_all(&c->io, cx, c->buf, c->got, &c->sent));
        if (rc != 0)
            break;
    }
    PAWL_CLEANUP(cx);
    (void)pawl_io_close(&c->io);
    if (c->prev != NULL)
        c->prev->next = c->next;
    else
        c->srv->conns = c->next;
    if (c->next != NULL)
        c->next->prev = c->prev;
    pawl_microtask_init(&c->reap, conn_free, c);
    (void)pawl_microtask_queue(cx->loop, &c->reap);
    PAWL_END(cx);
}

static void open_conn(server *s, int fd)
{
    conn *c = calloc(1, sizeof *c);
    if (c == NULL) {
        close(fd);
        return;
    }
    c->srv = s;
    int rc = pawl_io_open(&s->loop, &c->io, fd);
    if (rc == 0)
        rc = pawl_task_init(&c->task, conn_poll);
    if (rc == 0)
        rc = pawl_task_spawn(&s->loop, &c->task);
    if (rc != 0) {
        fprintf(stderr, "echo: connection: %s\n", err_text(rc));
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
    server *s = PAWL_CONTAINER_OF(t, server, acceptor);
    int rc = 0;
    PAWL_BEGIN(cx);
    for (;;) {
        PAWL_AWAIT(cx, rc, pawl_tcp_accept(&s->listener, cx, &s->accepted));
        if (rc == 0) {
            open_conn(s, s->accepted);
        } else if (rc == PAWL_ECLOSED || rc == PAWL_EINVAL) {
            break;
        } else {
            /* EMFILE and friends: accepting again at once would fail
             * again, so wait a little. */
            fprintf(stderr, "echo: accept: %s\n", err_text(rc));
            PAWL_AWAIT(cx, rc, pawl_sleep_ms(&s->backoff, cx, 100));
        }
    }
    PAWL_CLEANUP(cx);
    (void)pawl_io_close(&s->listener);
    PAWL_END(cx);
}

/* The remote's delivery, on the loop's thread. */
static void on_stop(pawl_remote *r, void *arg)
{
    server *s = arg;
    s->stopping = true;
    (void)pawl_task_cancel(&s->loop, &s->acceptor);
    /* A task canceled before its first poll would skip its cleanup
     * section; those see `stopping` when they start instead. */
    for (conn *c = s->conns; c != NULL; c = c->next)
        if (c->started)
            (void)pawl_task_cancel(&s->loop, &c->task);
    (void)pawl_remote_close(r);
}

static pawl_remote *volatile g_stop;
static volatile sig_atomic_t g_rung;

static void on_signal(int sig)
{
    (void)sig;
    if (g_rung || g_stop == NULL)
        return; /* one ring is enough: the server is on its way out */
    g_rung = 1;
    (void)pawl_wake_remote(g_stop);
}

static int usage(void)
{
    fprintf(stderr, "usage: echo [--host ADDR] PORT   (PORT 0: any free port)\n");
    return 2;
}

static int fail(const char *what, int rc)
{
    fprintf(stderr, "echo: %s: %s\n", what, err_text(rc));
    return 1;
}

int main(int argc, char **argv)
{
    const char *host = "127.0.0.1";
    const char *port_arg = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--host") == 0 && i + 1 < argc)
            host = argv[++i];
        else if (port_arg == NULL && argv[i][0] != '-')
            port_arg = argv[i];
        else
            return usage();
    }
    char *end;
    unsigned long port = port_arg != NULL ? strtoul(port_arg, &end, 10) : 0;
    if (port_arg == NULL || *port_arg == '\0' || *end != '\0' || port > 65535)
        return usage();

    static server s; /* the loop holds a 6 KiB wheel: not on the stack */
    int rc = pawl_loop_init(&s.loop, NULL);
    if (rc != 0)
        return fail("loop", rc);
    pawl_addr addr;
    rc = pawl_addr_parse(&addr, host, (uint16_t)port);
    if (rc != 0)
        return fail(host, rc);
    rc = pawl_tcp_listen(&s.loop, &s.listener, &addr, 0, 0);
    if (rc != 0)
        return fail("listen", rc);
    pawl_addr bound;
    rc = pawl_net_local_addr(&s.listener, &bound);
    if (rc != 0)
        return fail("local address", rc);
    rc = pawl_remote_init(&s.loop, &s.stop, on_stop, &s);
    if (rc == 0)
        rc = pawl_task_init(&s.acceptor, acceptor_poll);
    if (rc == 0)
        rc = pawl_task_spawn(&s.loop, &s.acceptor);
    if (rc != 0)
        return fail("start", rc);

    g_stop = &s.stop;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    sigaddset(&sa.sa_mask, SIGINT);
    sigaddset(&sa.sa_mask, SIGTERM);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    char where[64];
    pawl_addr_format(&bound, where, sizeof where);
    printf("listening on %s\n", where);
    fflush(stdout);

    rc = pawl_loop_run(&s.loop, PAWL_RUN_DEFAULT);
    if (rc < 0)
        return fail("loop", rc);
    rc = pawl_loop_close(&s.loop);
    if (rc != 0)
        return fail("close", rc);
    return 0;
}
