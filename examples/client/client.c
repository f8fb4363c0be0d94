/*
 * examples/client/client.c -- connect, send one line, print the reply.
 *
 *     client [--host ADDR] [--timeout MS] PORT LINE
 *
 * Connects to ADDR:PORT (default 127.0.0.1; numeric IPv4 or IPv6), sends
 * LINE and a newline, reads the reply up to its first newline (or end of
 * stream) and prints it.  Exit status 0 on success; 1 with a message on
 * stderr if the connection is refused, anything takes longer than MS ms
 * (default 2000: the connect, then the reply), or the server closes
 * without answering.  Against examples/echo it prints LINE back.
 *
 * One task does it all, and every wait has a limit: PAWL_TIMEOUT around
 * pawl_tcp_connect (a connect that times out is canceled and its socket
 * closed), and around each read of the reply.  The write is not limited
 * separately: one line fits in the socket's buffer.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

typedef struct client {
    pawl_task task;
    pawl_io io;
    pawl_connect connect; /* the connect's state across polls */
    pawl_sleep limit;
    pawl_addr addr;
    const char *where;    /* "127.0.0.1:PORT", for messages */
    uint32_t timeout_ms;
    uint64_t deadline;    /* loop ms: the reply must be in by then */
    char *line;           /* LINE and "\n" */
    size_t line_len;
    size_t sent;
    size_t got;           /* the last read */
    size_t have;          /* reply bytes in `reply` */
    char reply[4096];
    int status;           /* the exit status */
} client;

static uint32_t left(const client *c, pawl_loop *loop)
{
    uint64_t now = pawl_loop_now(loop);
    return c->deadline > now ? (uint32_t)(c->deadline - now) : 0;
}

static const char *why(int rc)
{
    if (rc == PAWL_ETIMEDOUT)
        return "timed out";
    if (rc == PAWL_EOF)
        return "closed by the server";
    return err_text(rc); /* "Connection refused" and so on */
}

static pawl_poll client_poll(pawl_task *t, pawl_cx *cx)
{
    client *c = PAWL_CONTAINER_OF(t, client, task);
    int rc = 0;
    PAWL_BEGIN(cx);
    c->status = 1;
    PAWL_AWAIT(cx, rc, PAWL_TIMEOUT(&c->limit, cx, c->timeout_ms,
                                    pawl_tcp_connect(cx->loop, &c->io, &c->connect, &c->addr,
                                                     cx)));
    if (rc != 0) {
        fprintf(stderr, "client: connect to %s: %s\n", c->where, why(rc));
        PAWL_EXIT(cx); /* a failed connect leaves the handle closed */
    }
    c->sent = 0;
    PAWL_AWAIT(cx, rc, pawl_net_write_all(&c->io, cx, c->line, c->line_len, &c->sent));
    if (rc != 0) {
        fprintf(stderr, "client: send to %s: %s\n", c->where, why(rc));
        PAWL_EXIT(cx);
    }
    c->deadline = pawl_loop_now(cx->loop) + c->timeout_ms;
    while (c->have < sizeof c->reply && memchr(c->reply, '\n', c->have) == NULL) {
        PAWL_AWAIT(cx, rc, PAWL_TIMEOUT(&c->limit, cx, left(c, cx->loop),
                                        pawl_net_read(&c->io, cx, c->reply + c->have,
                                                      sizeof c->reply - c->have, &c->got)));
        if (rc == PAWL_EOF && c->have > 0)
            break; /* a reply without a newline, then end of stream */
        if (rc != 0) {
            fprintf(stderr, "client: reply from %s: %s\n", c->where, why(rc));
            PAWL_EXIT(cx);
        }
        c->have += c->got;
    }
    {
        char *nl = memchr(c->reply, '\n', c->have);
        size_t n = nl != NULL ? (size_t)(nl - c->reply) : c->have;
        printf("%.*s\n", (int)n, c->reply);
        fflush(stdout);
    }
    c->status = 0;
    PAWL_CLEANUP(cx);
    (void)pawl_io_close(&c->io); /* PAWL_ECLOSED if connect failed: fine */
    PAWL_END(cx);
}

static int usage(void)
{
    fprintf(stderr, "usage: client [--host ADDR] [--timeout MS] PORT LINE\n");
    return 2;
}

int main(int argc, char **argv)
{
    const char *host = "127.0.0.1";
    const char *pos[2] = {NULL, NULL};
    int npos = 0;
    unsigned long timeout = 2000;
    char *end;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--host") == 0 && i + 1 < argc) {
            host = argv[++i];
        } else if (strcmp(argv[i], "--timeout") == 0 && i + 1 < argc) {
            timeout = strtoul(argv[++i], &end, 10);
            if (*end != '\0' || timeout == 0 || timeout > PAWL_TIMER_MAX_DELAY)
                return usage();
        } else if (npos < 2 && (argv[i][0] != '-' || npos == 1)) {
            pos[npos++] = argv[i];
        } else {
            return usage();
        }
    }
    if (npos != 2)
        return usage();
    unsigned long port = strtoul(pos[0], &end, 10);
    if (*pos[0] == '\0' || *end != '\0' || port == 0 || port > 65535)
        return usage();

    static client c; /* with its loop, below: too large for the stack */
    static pawl_loop loop;
    c.timeout_ms = (uint32_t)timeout;
    if (pawl_addr_parse(&c.addr, host, (uint16_t)port) != 0) {
        fprintf(stderr, "client: not a numeric address: %s\n", host);
        return 2;
    }
    char where[64];
    pawl_addr_format(&c.addr, where, sizeof where);
    c.where = where;
    c.line_len = strlen(pos[1]) + 1;
    c.line = malloc(c.line_len);
    if (c.line == NULL) {
        fprintf(stderr, "client: out of memory\n");
        return 1;
    }
    memcpy(c.line, pos[1], c.line_len - 1);
    c.line[c.line_len - 1] = '\n';

    int rc = pawl_loop_init(&loop, NULL);
    if (rc == 0)
        rc = pawl_task_init(&c.task, client_poll);
    if (rc == 0)
        rc = pawl_task_spawn(&loop, &c.task);
    if (rc == 0)
        rc = pawl_loop_run(&loop, PAWL_RUN_DEFAULT);
    if (rc >= 0)
        rc = pawl_loop_close(&loop);
    free(c.line);
    if (rc != 0) {
        fprintf(stderr, "client: %s\n", err_text(rc));
        return 1;
    }
    return c.status;
}
