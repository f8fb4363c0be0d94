/*
 * tests/test_net.c -- TCP and UDP futures (src/net.c, pawl/net.h) on the
 * loopback interface: addresses, listen / accept / connect, echo round
 * trips over IPv4 and IPv6, a transfer large enough that the writer must
 * wait for room, end of stream, refused and timed-out connects, UDP with
 * the sender's address, closing or canceling a waiting reader, resets,
 * and 100 connections served by one task each.
 *
 * The file runs once per Linux backend: ctest registers test_net_epoll,
 * test_net_poll (and test_net_uring when that backend is built) with
 * PAWL_TEST_BACKEND set, and the fixture asks its loop for that backend.
 *
 * Every loop runs on the virtual clock: the reactor then only looks at
 * the descriptors, and time jumps to the next timer only when nothing is
 * ready.  Loopback traffic is delivered inside the sending system call,
 * so a descriptor is ready by the time the loop looks, and a test's
 * outcome never depends on the machine's speed; a connect timeout of
 * 50 ms takes no real time at all.
 *
 * Tasks close the handles they own and the test unreferences those it
 * holds, so pawl_loop_run returns 0 exactly when the tasks are done; a
 * task left waiting for something that cannot happen shows as
 * PAWL_EDEADLK from the virtual clock instead of a hang.
 *
 * Each actor (server, client, reader...) keeps its own log, compared
 * whole: the order inside one actor is fixed, while the interleaving of
 * two actors may legitimately differ between backends.
 */
#define _GNU_SOURCE /* socket options, setenv-free getenv, SOCK_* flags */

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "pawl/net.h"
#include "pawl/pawl.h"
#include "net_support.h"
#include "support.h"

#define MS 1000000u

/* ---- the fixture: a loop on the virtual clock, on the backend asked for ---- */

typedef struct env {
    pawl_vclock vc;
    pawl_loop loop;
    const char *backend; /* its name as pawl_loop_backend says it */
} env;

static int env_setup(void **state)
{
    env *e = test_calloc(1, sizeof *e);
    pawl_loop_opts opts = {0};
    if (test_backend(&opts.backend, &e->backend) != 0) {
        test_free(e);
        return -1;
    }
    assert_int_equal(pawl_vclock_init(&e->vc, 0), 0);
    opts.platform = &e->vc.base;
    assert_int_equal(pawl_loop_init(&e->loop, &opts), 0);
    *state = e;
    return 0;
}

static int env_teardown(void **state)
{
    env *e = *state;
    /* Fails if a task or handle was left behind. */
    assert_int_equal(pawl_loop_close(&e->loop), 0);
    test_free(e);
    return 0;
}

static void run_all(env *e)
{
    assert_int_equal(pawl_loop_run(&e->loop, PAWL_RUN_DEFAULT), 0);
}

static void spawn(env *e, pawl_task *t, pawl_task_fn *fn)
{
    assert_int_equal(pawl_task_init(t, fn), 0);
    assert_int_equal(pawl_task_spawn(&e->loop, t), 0);
}

static pawl_addr addr(const char *host, uint16_t port)
{
    pawl_addr a;
    assert_int_equal(pawl_addr_parse(&a, host, port), 0);
    return a;
}

/* Is there an IPv6 loopback to test on?  Containers often have none. */
static bool have_ipv6_loopback(void)
{
    int fd = socket(AF_INET6, SOCK_STREAM, 0);
    if (fd < 0)
        return false;
    struct sockaddr_in6 a;
    memset(&a, 0, sizeof a);
    a.sin6_family = AF_INET6;
    a.sin6_addr = in6addr_loopback;
    bool ok = bind(fd, (struct sockaddr *)&a, sizeof a) == 0;
    close(fd);
    return ok;
}

#define SKIP_WITHOUT_IPV6()                                                  \
    do {                                                                     \
        if (!have_ipv6_loopback()) {                                         \
            print_message("skipped: this machine has no IPv6 loopback (::1)\n"); \
            skip();                                                          \
        }                                                                    \
    } while (0)

/* Small writes leave at once.  With Nagle's algorithm a small segment
 * waits for the peer's acknowledgement of the previous one, which a peer
 * that is not reading may delay by 40 ms of real time: the virtual clock's
 * loop would find nothing ready in the meantime. */
static void no_delay(int fd)
{
    int one = 1;
    assert_int_equal(setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one), 0);
}

/* A connected TCP pair, both ends opened on the loop and unreferenced,
 * made with plain blocking calls (the loopback handshake completes inside
 * connect). */
static void tcp_pair(env *e, int family, pawl_io *a, pawl_io *b)
{
    int l = socket(family, SOCK_STREAM, 0);
    assert_true(l >= 0);
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof ss);
    socklen_t len;
    if (family == AF_INET) {
        struct sockaddr_in *v4 = (struct sockaddr_in *)&ss;
        v4->sin_family = AF_INET;
        v4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        len = sizeof *v4;
    } else {
        struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&ss;
        v6->sin6_family = AF_INET6;
        v6->sin6_addr = in6addr_loopback;
        len = sizeof *v6;
    }
    assert_int_equal(bind(l, (struct sockaddr *)&ss, len), 0);
    assert_int_equal(listen(l, 1), 0);
    assert_int_equal(getsockname(l, (struct sockaddr *)&ss, &len), 0);
    int c = socket(family, SOCK_STREAM, 0);
    assert_true(c >= 0);
    assert_int_equal(connect(c, (struct sockaddr *)&ss, len), 0);
    int s = accept(l, NULL, NULL);
    assert_true(s >= 0);
    close(l);
    no_delay(c);
    no_delay(s);
    assert_int_equal(pawl_io_open(&e->loop, a, c), 0);
    assert_int_equal(pawl_io_open(&e->loop, b, s), 0);
    /* The test holds them: the tasks that use them keep the loop alive. */
    assert_int_equal(pawl_io_unref(a), 0);
    assert_int_equal(pawl_io_unref(b), 0);
}

/* ---- addresses ----------------------------------------------------------------- */

static void addresses_parse_and_format_ipv4_and_ipv6(void **state)
{
    (void)state;
    char buf[64];
    pawl_addr a = addr("127.0.0.1", 8080);
    assert_int_equal(pawl_addr_port(&a), 8080);
    assert_int_equal(pawl_addr_format(&a, buf, sizeof buf), 14);
    assert_string_equal(buf, "127.0.0.1:8080");

    a = addr("::1", 443);
    assert_int_equal(pawl_addr_port(&a), 443);
    assert_int_equal(pawl_addr_format(&a, buf, sizeof buf), 9);
    assert_string_equal(buf, "[::1]:443");

    /* Canonical text comes back, and a numeric zone is kept. */
    a = addr("2001:DB8:0:0::7", 0);
    pawl_addr_format(&a, buf, sizeof buf);
    assert_string_equal(buf, "[2001:db8::7]:0");
    a = addr("fe80::1%3", 9);
    pawl_addr_format(&a, buf, sizeof buf);
    assert_string_equal(buf, "[fe80::1%3]:9");
    a = addr("::ffff:10.0.0.1", 65535);
    pawl_addr_format(&a, buf, sizeof buf);
    assert_string_equal(buf, "[::ffff:10.0.0.1]:65535");

    /* snprintf's contract: the length it needed, even when cut short. */
    a = addr("10.1.2.3", 80);
    assert_int_equal(pawl_addr_format(&a, buf, 5), 11);
    assert_string_equal(buf, "10.1");
    assert_int_equal(pawl_addr_format(&a, NULL, 0), 11);
}

static void invalid_address_strings_are_einval(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "",         "localhost", "127.0.0",   "127.0.0.1 ", " 127.0.0.1", "256.0.0.1",
        "1.2.3.4.5", "::g",      ":::",       "[::1]",      "::1%",       "fe80::1%eth0",
        "fe80::1%99999999999",   "1.2.3.4%1", "127.0.0.1:80",
    };
    pawl_addr a;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (pawl_addr_parse(&a, bad[i], 1) != PAWL_EINVAL)
            fail_msg("\"%s\" parsed", bad[i]);
    }
    assert_int_equal(pawl_addr_parse(NULL, "127.0.0.1", 1), PAWL_EINVAL);
    assert_int_equal(pawl_addr_parse(&a, NULL, 1), PAWL_EINVAL);
    /* An address that was never parsed is not formatted or used. */
    pawl_addr zero;
    memset(&zero, 0, sizeof zero);
    char buf[32];
    assert_int_equal(pawl_addr_format(&zero, buf, sizeof buf), PAWL_EINVAL);
    assert_int_equal(pawl_addr_format(NULL, buf, sizeof buf), PAWL_EINVAL);
    assert_int_equal(pawl_addr_port(&zero), 0);
}

static void net_calls_reject_bad_arguments(void **state)
{
    env *e = *state;
    pawl_io io;
    memset(&io, 0, sizeof io);
    pawl_addr good = addr("127.0.0.1", 0), zero;
    memset(&zero, 0, sizeof zero);
    pawl_task task;
    pawl_cx cx = {&e->loop, &task, 0, 0u};
    char buf[4];
    size_t n = 0;
    int fd;
    pawl_connect c = {0};

    assert_int_equal(pawl_tcp_listen(NULL, &io, &good, 0, 0), PAWL_EINVAL);
    assert_int_equal(pawl_tcp_listen(&e->loop, NULL, &good, 0, 0), PAWL_EINVAL);
    assert_int_equal(pawl_tcp_listen(&e->loop, &io, NULL, 0, 0), PAWL_EINVAL);
    assert_int_equal(pawl_tcp_listen(&e->loop, &io, &zero, 0, 0), PAWL_EINVAL);
    assert_int_equal(pawl_tcp_listen(&e->loop, &io, &good, -1, 0), PAWL_EINVAL);
    assert_int_equal(pawl_tcp_listen(&e->loop, &io, &good, 0, 0x100), PAWL_EINVAL);
    assert_int_equal(pawl_udp_bind(&e->loop, &io, &zero), PAWL_EINVAL);
    assert_int_equal(pawl_udp_bind(NULL, &io, &good), PAWL_EINVAL);

    /* A handle never opened. */
    assert_int_equal(pawl_tcp_accept(&io, &cx, &fd), PAWL_EINVAL);
    assert_int_equal(pawl_net_read(&io, &cx, buf, sizeof buf, &n), PAWL_EINVAL);
    assert_int_equal(pawl_net_write_all(&io, &cx, buf, sizeof buf, &n), PAWL_EINVAL);
    assert_int_equal(pawl_tcp_shutdown(&io), PAWL_EINVAL);
    assert_int_equal(pawl_net_local_addr(&io, &good), PAWL_EINVAL);

    /* NULLs, a zero-length read, and progress past the end. */
    assert_int_equal(pawl_tcp_accept(NULL, &cx, &fd), PAWL_EINVAL);
    assert_int_equal(pawl_tcp_accept(&io, NULL, &fd), PAWL_EINVAL);
    assert_int_equal(pawl_tcp_accept(&io, &cx, NULL), PAWL_EINVAL);
    assert_int_equal(pawl_net_read(NULL, &cx, buf, 1, &n), PAWL_EINVAL);
    assert_int_equal(pawl_net_read(&io, &cx, NULL, 1, &n), PAWL_EINVAL);
    assert_int_equal(pawl_net_read(&io, &cx, buf, 0, &n), PAWL_EINVAL);
    assert_int_equal(pawl_net_read(&io, &cx, buf, 1, NULL), PAWL_EINVAL);
    n = 5;
    assert_int_equal(pawl_net_write_all(&io, &cx, buf, 4, &n), PAWL_EINVAL);
    assert_int_equal(pawl_net_write_all(&io, &cx, NULL, 4, &n), PAWL_EINVAL);
    assert_int_equal(pawl_net_write_all(&io, &cx, buf, 4, NULL), PAWL_EINVAL);
    assert_int_equal(pawl_tcp_connect(NULL, &io, &c, &good, &cx), PAWL_EINVAL);
    assert_int_equal(pawl_tcp_connect(&e->loop, NULL, &c, &good, &cx), PAWL_EINVAL);
    assert_int_equal(pawl_tcp_connect(&e->loop, &io, NULL, &good, &cx), PAWL_EINVAL);
    assert_int_equal(pawl_tcp_connect(&e->loop, &io, &c, NULL, &cx), PAWL_EINVAL);
    assert_int_equal(pawl_tcp_connect(&e->loop, &io, &c, &good, NULL), PAWL_EINVAL);
    assert_int_equal(pawl_tcp_connect(&e->loop, &io, &c, &zero, &cx), PAWL_EINVAL);
    assert_int_equal(pawl_udp_send(&io, &cx, buf, 1, &zero), PAWL_EINVAL);
    assert_int_equal(pawl_udp_send(&io, &cx, buf, 1, NULL), PAWL_EINVAL);
    assert_int_equal(pawl_udp_recv(&io, &cx, buf, 1, NULL, NULL), PAWL_EINVAL);
    assert_int_equal(pawl_net_local_addr(NULL, &good), PAWL_EINVAL);
    assert_int_equal(pawl_tcp_shutdown(NULL), PAWL_EINVAL);
    /* Nothing was opened by any of it. */
    assert_int_equal(pawl_io_fd(&io), -1);
    assert_int_equal(pawl_loop_alive(&e->loop), 0);

    /* An open handle is not opened again; a closed one says so. */
    assert_int_equal(pawl_tcp_listen(&e->loop, &io, &good, 0, 0), 0);
    assert_int_equal(pawl_tcp_listen(&e->loop, &io, &good, 0, 0), PAWL_EBUSY);
    assert_int_equal(pawl_udp_bind(&e->loop, &io, &good), PAWL_EBUSY);
    assert_int_equal(pawl_io_close(&io), 0);
    assert_int_equal(pawl_tcp_shutdown(&io), PAWL_ECLOSED);
    assert_int_equal(pawl_net_local_addr(&io, &good), PAWL_ECLOSED);
    assert_int_equal(pawl_tcp_accept(&io, &cx, &fd), PAWL_ECLOSED);
}

/* ---- listen, accept, connect: an echo round trip --------------------------------- */

typedef struct echo_server {
    pawl_task task;
    pawl_io *listener;
    pawl_io conn;
    actor_log log;
    int fd;
    int rc;
    char buf[64];
    size_t got, sent;
} echo_server;

/* Accept one connection (then close the listener) and echo what it
 * sends until end of stream. */
static pawl_poll echo_server_poll(pawl_task *t, pawl_cx *cx)
{
    echo_server *s = PAWL_CONTAINER_OF(t, echo_server, task);
    PAWL_BEGIN(cx);
    PAWL_AWAIT(cx, s->rc, pawl_tcp_accept(s->listener, cx, &s->fd));
    if (s->rc != 0) {
        note(&s->log, "accept:%s", err_name(s->rc));
        PAWL_EXIT(cx);
    }
    assert_int_equal(pawl_io_close(s->listener), 0); /* one connection only */
    assert_int_equal(pawl_io_open(cx->loop, &s->conn, s->fd), 0);
    note(&s->log, "accepted");
    for (;;) {
        PAWL_AWAIT(cx, s->rc, pawl_net_read(&s->conn, cx, s->buf, sizeof s->buf, &s->got));
        if (s->rc != 0)
            break;
        note(&s->log, "read:%.*s", (int)s->got, s->buf);
        s->sent = 0;
        PAWL_AWAIT(cx, s->rc, pawl_net_write_all(&s->conn, cx, s->buf, s->got, &s->sent));
        if (s->rc != 0)
            break;
    }
    note(&s->log, "%s", s->rc == PAWL_EOF ? "eof" : err_name(s->rc));
    assert_int_equal(pawl_io_close(&s->conn), 0);
    PAWL_END(cx);
}

typedef struct echo_client {
    pawl_task task;
    pawl_addr to;
    pawl_io io;
    pawl_connect connect;
    actor_log log;
    const char *msg;
    int rc;
    char buf[64];
    size_t have, got, sent;
} echo_client;

/* Connect, send `msg`, shut down writing, read until end of stream. */
static pawl_poll echo_client_poll(pawl_task *t, pawl_cx *cx)
{
    echo_client *c = PAWL_CONTAINER_OF(t, echo_client, task);
    PAWL_BEGIN(cx);
    PAWL_AWAIT(cx, c->rc, pawl_tcp_connect(cx->loop, &c->io, &c->connect, &c->to, cx));
    if (c->rc != 0) {
        note(&c->log, "connect:%s", err_name(c->rc));
        PAWL_EXIT(cx);
    }
    note(&c->log, "connected");
    c->sent = 0;
    PAWL_AWAIT(cx, c->rc, pawl_net_write_all(&c->io, cx, c->msg, strlen(c->msg), &c->sent));
    assert_int_equal(c->rc, 0);
    assert_int_equal(pawl_tcp_shutdown(&c->io), 0);
    for (;;) {
        PAWL_AWAIT(cx, c->rc, pawl_net_read(&c->io, cx, c->buf + c->have,
                                            sizeof c->buf - c->have - 1, &c->got));
        if (c->rc != 0)
            break;
        c->have += c->got;
    }
    c->buf[c->have] = '\0';
    note(&c->log, "echo:%s %s", c->buf, c->rc == PAWL_EOF ? "eof" : err_name(c->rc));
    assert_int_equal(pawl_io_close(&c->io), 0);
    PAWL_END(cx);
}

static void echo_round_trip(env *e, const char *host, const char *want_prefix)
{
    pawl_io listener;
    memset(&listener, 0, sizeof listener);
    pawl_addr where = addr(host, 0);
    assert_int_equal(pawl_tcp_listen(&e->loop, &listener, &where, 0, 0), 0);
    assert_string_equal(pawl_loop_backend(&e->loop), e->backend);
    assert_int_equal(pawl_net_local_addr(&listener, &where), 0);
    assert_true(pawl_addr_port(&where) != 0); /* the system picked one */
    char text[64], want[64];
    pawl_addr_format(&where, text, sizeof text);
    snprintf(want, sizeof want, "%s:%u", want_prefix, (unsigned)pawl_addr_port(&where));
    assert_string_equal(text, want);

    echo_server *s = test_calloc(1, sizeof *s);
    echo_client *c = test_calloc(1, sizeof *c);
    s->listener = &listener;
    c->to = where;
    c->msg = "hello, pawl";
    spawn(e, &s->task, echo_server_poll);
    spawn(e, &c->task, echo_client_poll);
    run_all(e);
    assert_string_equal(s->log.s, "accepted read:hello, pawl eof");
    assert_string_equal(c->log.s, "connected echo:hello, pawl eof");
    test_free(s);
    test_free(c);
}

static void tcp_echo_round_trip_ipv4(void **state)
{
    echo_round_trip(*state, "127.0.0.1", "127.0.0.1");
}

static void tcp_echo_round_trip_ipv6(void **state)
{
    SKIP_WITHOUT_IPV6();
    echo_round_trip(*state, "::1", "[::1]");
}

/* The accepted descriptor is non-blocking and close-on-exec before
 * pawl_io_open touches it. */
typedef struct acceptor1 {
    pawl_task task;
    pawl_io *listener;
    int fd;
    int rc;
} acceptor1;

static pawl_poll acceptor1_poll(pawl_task *t, pawl_cx *cx)
{
    acceptor1 *a = PAWL_CONTAINER_OF(t, acceptor1, task);
    PAWL_BEGIN(cx);
    PAWL_AWAIT(cx, a->rc, pawl_tcp_accept(a->listener, cx, &a->fd));
    assert_int_equal(pawl_io_close(a->listener), 0);
    PAWL_END(cx);
}

static void accepted_descriptor_is_nonblocking_and_cloexec(void **state)
{
    env *e = *state;
    pawl_io listener;
    memset(&listener, 0, sizeof listener);
    pawl_addr where = addr("127.0.0.1", 0);
    assert_int_equal(pawl_tcp_listen(&e->loop, &listener, &where, 0, 0), 0);
    assert_int_equal(pawl_net_local_addr(&listener, &where), 0);
    /* The listener itself too. */
    assert_true(fcntl(pawl_io_fd(&listener), F_GETFL) & O_NONBLOCK);
    assert_true(fcntl(pawl_io_fd(&listener), F_GETFD) & FD_CLOEXEC);
    int one = 0;
    socklen_t len = sizeof one;
    assert_int_equal(getsockopt(pawl_io_fd(&listener), SOL_SOCKET, SO_REUSEADDR, &one, &len), 0);
    assert_true(one != 0);

    int c = socket(AF_INET, SOCK_STREAM, 0);
    assert_int_equal(connect(c, (struct sockaddr *)(void *)&where.u, where.len), 0);
    acceptor1 a = {.listener = &listener, .fd = -7};
    spawn(e, &a.task, acceptor1_poll);
    run_all(e);
    assert_int_equal(a.rc, 0);
    assert_true(a.fd >= 0);
    assert_true(fcntl(a.fd, F_GETFL) & O_NONBLOCK);
    assert_true(fcntl(a.fd, F_GETFD) & FD_CLOEXEC);
    close(a.fd);
    close(c);
}

static void reuseport_lets_two_listeners_share_a_port(void **state)
{
    env *e = *state;
    pawl_io a, b, c;
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    memset(&c, 0, sizeof c);
    pawl_addr where = addr("127.0.0.1", 0);
    assert_int_equal(pawl_tcp_listen(&e->loop, &a, &where, 0, PAWL_NET_REUSEPORT), 0);
    assert_int_equal(pawl_net_local_addr(&a, &where), 0);
    assert_int_equal(pawl_tcp_listen(&e->loop, &b, &where, 0, PAWL_NET_REUSEPORT), 0);
    /* Without the flag the port is taken. */
    assert_int_equal(pawl_tcp_listen(&e->loop, &c, &where, 0, 0), -EADDRINUSE);
    assert_int_equal(pawl_io_fd(&c), -1);
    assert_int_equal(pawl_io_close(&a), 0);
    assert_int_equal(pawl_io_close(&b), 0);
}

/* ---- a large transfer: the writer waits for room and resumes ----------------------- */

#define BIG (16u << 20) /* far more than the socket buffers of both ends */

static unsigned char pattern(size_t i)
{
    return (unsigned char)(i * 131u + (i >> 12));
}

typedef struct big_writer {
    pawl_task task;
    pawl_io *io;
    unsigned char *data;
    size_t len, sent;
    int rc;
    int partial_waits; /* pending returns with some, but not all, written */
} big_writer;

static pawl_poll counting_write(big_writer *w, pawl_cx *cx)
{
    pawl_poll rc = pawl_net_write_all(w->io, cx, w->data, w->len, &w->sent);
    if (rc == PAWL_PENDING && w->sent > 0 && w->sent < w->len)
        w->partial_waits++;
    return rc;
}

static pawl_poll big_writer_poll(pawl_task *t, pawl_cx *cx)
{
    big_writer *w = PAWL_CONTAINER_OF(t, big_writer, task);
    PAWL_BEGIN(cx);
    w->sent = 0;
    PAWL_AWAIT(cx, w->rc, counting_write(w, cx));
    assert_int_equal(pawl_tcp_shutdown(w->io), 0); /* the reader sees the end */
    PAWL_END(cx);
}

typedef struct big_reader {
    pawl_task task;
    pawl_io *io;
    unsigned char buf[65536];
    size_t got, total;
    size_t bad_at; /* first byte that differs from the pattern, or SIZE_MAX */
    int rc;
    int reads;
} big_reader;

static pawl_poll big_reader_poll(pawl_task *t, pawl_cx *cx)
{
    big_reader *r = PAWL_CONTAINER_OF(t, big_reader, task);
    PAWL_BEGIN(cx);
    r->bad_at = SIZE_MAX;
    for (;;) {
        PAWL_AWAIT(cx, r->rc, pawl_net_read(r->io, cx, r->buf, sizeof r->buf, &r->got));
        if (r->rc != 0)
            break;
        r->reads++;
        for (size_t i = 0; i < r->got && r->bad_at == SIZE_MAX; i++) {
            if (r->buf[i] != pattern(r->total + i))
                r->bad_at = r->total + i;
        }
        r->total += r->got;
    }
    PAWL_END(cx);
}

static void large_write_all_waits_for_room_and_resumes(void **state)
{
    env *e = *state;
    pawl_io a, b;
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    tcp_pair(e, AF_INET, &a, &b);
    big_writer *w = test_calloc(1, sizeof *w);
    big_reader *r = test_calloc(1, sizeof *r);
    w->io = &a;
    w->len = BIG;
    w->data = test_malloc(BIG);
    for (size_t i = 0; i < BIG; i++)
        w->data[i] = pattern(i);
    r->io = &b;
    spawn(e, &w->task, big_writer_poll);
    spawn(e, &r->task, big_reader_poll);
    /* A few iterations in, the writer has filled the buffers. */
    for (int i = 0; i < 3; i++)
        assert_int_equal(pawl_loop_run(&e->loop, PAWL_RUN_NOWAIT), 1);
    assert_true(w->sent > 0 && w->sent < BIG);
    run_all(e);
    assert_int_equal(w->rc, 0);
    assert_int_equal(w->sent, BIG);
    assert_true(w->partial_waits >= 1);
    assert_int_equal(r->rc, PAWL_EOF);
    assert_int_equal(r->total, BIG);
    assert_int_equal(r->bad_at, SIZE_MAX);
    assert_true(r->reads > 1);
    assert_int_equal(pawl_io_close(&a), 0);
    assert_int_equal(pawl_io_close(&b), 0);
    test_free(w->data);
    test_free(w);
    test_free(r);
}

/* A peer that shut down its writing half still reads: a large write to it
 * completes (the hang-up it reported does not end the transfer). */
static void write_all_to_a_half_closed_peer_completes(void **state)
{
    env *e = *state;
    pawl_io a, b;
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    tcp_pair(e, AF_INET, &a, &b);
    assert_int_equal(pawl_tcp_shutdown(&b), 0); /* a sees end of stream, b still reads */
    big_writer *w = test_calloc(1, sizeof *w);
    big_reader *r = test_calloc(1, sizeof *r);
    w->io = &a;
    w->len = BIG;
    w->data = test_malloc(BIG);
    for (size_t i = 0; i < BIG; i++)
        w->data[i] = pattern(i);
    r->io = &b;
    spawn(e, &w->task, big_writer_poll);
    spawn(e, &r->task, big_reader_poll);
    run_all(e);
    assert_int_equal(w->rc, 0);
    assert_int_equal(r->total, BIG);
    assert_int_equal(r->bad_at, SIZE_MAX);
    assert_int_equal(pawl_io_close(&a), 0);
    assert_int_equal(pawl_io_close(&b), 0);
    test_free(w->data);
    test_free(w);
    test_free(r);
}

/* ---- end of stream, resets ----------------------------------------------------------- */

typedef struct reader {
    pawl_task task;
    pawl_io *io;
    actor_log log;
    char buf[32];
    size_t got;
    int rc;
    int times; /* reads to make */
} reader;

/* Read `times` times, logging each outcome. */
static pawl_poll reader_poll(pawl_task *t, pawl_cx *cx)
{
    reader *r = PAWL_CONTAINER_OF(t, reader, task);
    PAWL_BEGIN(cx);
    while (r->times-- > 0) {
        PAWL_AWAIT(cx, r->rc, pawl_net_read(r->io, cx, r->buf, sizeof r->buf, &r->got));
        if (r->rc == 0)
            note(&r->log, "read:%.*s", (int)r->got, r->buf);
        else
            note(&r->log, "%s/%zu", err_name(r->rc), r->got);
    }
    PAWL_CLEANUP(cx);
    if (r->rc == PAWL_ECANCELED)
        note(&r->log, "canceled");
    PAWL_END(cx);
}

static void read_returns_eof_after_peer_shutdown(void **state)
{
    env *e = *state;
    pawl_io a, b;
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    tcp_pair(e, AF_INET, &a, &b);
    assert_int_equal(write(pawl_io_fd(&a), "bye", 3), 3);
    assert_int_equal(pawl_tcp_shutdown(&a), 0);
    reader r = {.io = &b, .times = 3};
    spawn(e, &r.task, reader_poll);
    run_all(e);
    /* End of stream is reported with *got 0, and again on every read. */
    assert_string_equal(r.log.s, "read:bye EOF/0 EOF/0");
    assert_int_equal(pawl_io_close(&a), 0);
    assert_int_equal(pawl_io_close(&b), 0);
}

/* Close with a zero linger time: the peer gets a reset, not a FIN. */
static void reset_and_close(pawl_io *io)
{
    struct linger lg = {1, 0};
    assert_int_equal(setsockopt(pawl_io_fd(io), SOL_SOCKET, SO_LINGER, &lg, sizeof lg), 0);
    assert_int_equal(pawl_io_close(io), 0);
}

static void read_after_peer_reset_reports_econnreset(void **state)
{
    env *e = *state;
    pawl_io a, b;
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    tcp_pair(e, AF_INET, &a, &b);
    reader r = {.io = &b, .times = 1};
    spawn(e, &r.task, reader_poll);
    assert_int_equal(pawl_loop_run(&e->loop, PAWL_RUN_NOWAIT), 1);
    assert_int_equal(pawl_task_get_state(&r.task), PAWL_TASK_WAITING);
    reset_and_close(&a);
    run_all(e);
    assert_int_equal(r.rc, -ECONNRESET);
    assert_string_equal(r.log.s, "ECONNRESET/0");
    assert_int_equal(pawl_io_close(&b), 0); /* the handle stays closable */
}

typedef struct writer {
    pawl_task task;
    pawl_io *io;
    const char *data;
    size_t len, sent;
    int rc;
} writer;

static pawl_poll writer_poll(pawl_task *t, pawl_cx *cx)
{
    writer *w = PAWL_CONTAINER_OF(t, writer, task);
    PAWL_BEGIN(cx);
    w->sent = 0;
    PAWL_AWAIT(cx, w->rc, pawl_net_write_all(w->io, cx, w->data, w->len, &w->sent));
    PAWL_END(cx);
}

/* No SIGPIPE: if one were raised, its default action would end this
 * test program. */
static void write_to_a_reset_peer_fails_without_sigpipe(void **state)
{
    env *e = *state;
    pawl_io a, b;
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    tcp_pair(e, AF_INET, &a, &b);
    reset_and_close(&a);
    writer w = {.io = &b, .data = "are you there?", .len = 14};
    spawn(e, &w.task, writer_poll);
    run_all(e);
    if (w.rc != -ECONNRESET && w.rc != -EPIPE)
        fail_msg("write_all returned %d", w.rc);
    /* Once more, now that the reset has been reported: EPIPE. */
    w.len = 3;
    spawn(e, &w.task, writer_poll);
    run_all(e);
    assert_int_equal(w.rc, -EPIPE);
    assert_int_equal(w.sent, 0);
    assert_int_equal(pawl_io_close(&b), 0);
}

/* ---- connect: refused, timed out, canceled --------------------------------------------- */

static void connect_to_a_closed_port_is_refused(void **state)
{
    env *e = *state;
    /* A port that is bound but not listening stays ours and refuses. */
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(s, (struct sockaddr *)&sa, sizeof sa), 0);
    socklen_t len = sizeof sa;
    assert_int_equal(getsockname(s, (struct sockaddr *)&sa, &len), 0);
    echo_client *c = test_calloc(1, sizeof *c);
    c->to = addr("127.0.0.1", ntohs(sa.sin_port));
    c->msg = "unused";
    spawn(e, &c->task, echo_client_poll);
    run_all(e); /* ends: the failed connect closed its handle */
    assert_string_equal(c->log.s, "connect:ECONNREFUSED");
    assert_int_equal(c->rc, -ECONNREFUSED);
    assert_int_equal(pawl_io_fd(&c->io), -1);
    assert_int_equal(c->connect.pawl__state, 0); /* ready for another try */
    assert_int_equal(pawl_io_close(&c->io), PAWL_ECLOSED);
    close(s);
    test_free(c);
}

/*
 * A listener whose accept queue is full: the system drops further SYNs,
 * so a connect to it stays in progress (for a minute or more, retrying)
 * and nothing becomes ready.  The queue is filled by connecting until one
 * connect does not complete at once; on loopback a connect that will
 * complete has completed when connect() returns.
 */
typedef struct full_listener {
    pawl_io io;
    pawl_addr where;
    int fillers[16];
    int n;
} full_listener;

static void full_listener_open(env *e, full_listener *f)
{
    memset(f, 0, sizeof *f);
    f->where = addr("127.0.0.1", 0);
    assert_int_equal(pawl_tcp_listen(&e->loop, &f->io, &f->where, 1, 0), 0);
    assert_int_equal(pawl_net_local_addr(&f->io, &f->where), 0);
    assert_int_equal(pawl_io_unref(&f->io), 0);
    for (;;) {
        assert_true(f->n < 16);
        int c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
        f->fillers[f->n++] = c;
        int rc = connect(c, (struct sockaddr *)(void *)&f->where.u, f->where.len);
        assert_true(rc == 0 || errno == EINPROGRESS);
        int err = 0;
        socklen_t len = sizeof err;
        struct sockaddr_storage peer;
        socklen_t plen = sizeof peer;
        assert_int_equal(getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &len), 0);
        assert_int_equal(err, 0);
        if (getpeername(c, (struct sockaddr *)&peer, &plen) != 0)
            break; /* not connected: the queue is full */
    }
}

static void full_listener_close(full_listener *f)
{
    for (int i = 0; i < f->n; i++)
        close(f->fillers[i]);
    assert_int_equal(pawl_io_close(&f->io), 0);
}

typedef struct timed_connect {
    pawl_task task;
    pawl_addr to;
    pawl_io io;
    pawl_connect connect;
    pawl_sleep limit;
    actor_log log;
    uint32_t ms;
    int rc;
} timed_connect;

static pawl_poll timed_connect_poll(pawl_task *t, pawl_cx *cx)
{
    timed_connect *c = PAWL_CONTAINER_OF(t, timed_connect, task);
    PAWL_BEGIN(cx);
    c->rc = 1;
    PAWL_AWAIT(cx, c->rc,
               PAWL_TIMEOUT(&c->limit, cx, c->ms,
                            pawl_tcp_connect(cx->loop, &c->io, &c->connect, &c->to, cx)));
    note(&c->log, "%s@%llu", c->rc == 0 ? "connected" : err_name(c->rc),
         (unsigned long long)pawl_loop_now(cx->loop));
    if (c->rc == 0) {
        pawl_addr local;
        assert_int_equal(pawl_net_local_addr(&c->io, &local), 0);
        note(&c->log, "port:%s", pawl_addr_port(&local) != 0 ? "picked" : "none");
        assert_int_equal(pawl_io_close(&c->io), 0);
    }
    PAWL_CLEANUP(cx);
    if (c->rc == PAWL_ECANCELED)
        note(&c->log, "canceled@%llu", (unsigned long long)pawl_loop_now(cx->loop));
    PAWL_END(cx);
}

static void connect_timeout_closes_the_half_made_socket(void **state)
{
    env *e = *state;
    full_listener f;
    full_listener_open(e, &f);
    timed_connect c;
    memset(&c, 0, sizeof c);
    c.to = f.where;
    c.ms = 50;
    spawn(e, &c.task, timed_connect_poll);
    assert_int_equal(pawl_loop_run(&e->loop, PAWL_RUN_NOWAIT), 1);
    /* Started and in progress: the socket is open and the state says so. */
    assert_int_equal(c.connect.pawl__state, 1);
    assert_true(pawl_io_fd(&c.io) >= 0);
    run_all(e);
    assert_string_equal(c.log.s, "ETIMEDOUT@50");
    assert_int_equal(c.rc, PAWL_ETIMEDOUT);
    assert_int_equal(pawl_io_fd(&c.io), -1); /* closed by the timeout */
    assert_int_equal(c.connect.pawl__state, 0);
    assert_int_equal(e->vc.now_ns, 50u * MS);
    full_listener_close(&f);
}

static void canceling_a_connecting_task_closes_the_socket(void **state)
{
    env *e = *state;
    full_listener f;
    full_listener_open(e, &f);
    timed_connect c;
    memset(&c, 0, sizeof c);
    c.to = f.where;
    c.ms = 1000;
    spawn(e, &c.task, timed_connect_poll);
    assert_int_equal(pawl_loop_run(&e->loop, PAWL_RUN_NOWAIT), 1);
    assert_int_equal(c.connect.pawl__state, 1);
    pawl_vclock_advance(&e->vc, 10u * MS);
    assert_int_equal(pawl_task_cancel(&e->loop, &c.task), 0);
    run_all(e);
    assert_string_equal(c.log.s, "canceled@10");
    assert_int_equal(pawl_io_fd(&c.io), -1);
    assert_int_equal(c.connect.pawl__state, 0);
    assert_false(pawl_timer_active(&c.limit.pawl__timer));
    full_listener_close(&f);
}

/* A connect that beats its time limit keeps the connection. */
static void connect_within_its_time_limit_succeeds(void **state)
{
    env *e = *state;
    pawl_io listener;
    memset(&listener, 0, sizeof listener);
    pawl_addr where = addr("127.0.0.1", 0);
    assert_int_equal(pawl_tcp_listen(&e->loop, &listener, &where, 0, 0), 0);
    assert_int_equal(pawl_net_local_addr(&listener, &where), 0);
    assert_int_equal(pawl_io_unref(&listener), 0);
    timed_connect c;
    memset(&c, 0, sizeof c);
    c.to = where;
    c.ms = 50;
    spawn(e, &c.task, timed_connect_poll);
    run_all(e);
    assert_string_equal(c.log.s, "connected@0 port:picked");
    assert_int_equal(e->vc.now_ns, 0); /* the limit's timer was stopped */
    assert_int_equal(pawl_io_close(&listener), 0);
}

/* ---- UDP ----------------------------------------------------------------------------------- */

typedef struct udp_peer {
    pawl_task task;
    pawl_io io;
    pawl_addr to, from;
    actor_log log;
    char buf[32];
    size_t got;
    int rc;
} udp_peer;

/* Sends "ping" and a 10-byte datagram, then receives the reply. */
static pawl_poll udp_pinger_poll(pawl_task *t, pawl_cx *cx)
{
    udp_peer *p = PAWL_CONTAINER_OF(t, udp_peer, task);
    char text[64];
    PAWL_BEGIN(cx);
    PAWL_AWAIT(cx, p->rc, pawl_udp_send(&p->io, cx, "ping", 4, &p->to));
    assert_int_equal(p->rc, 0);
    PAWL_AWAIT(cx, p->rc, pawl_udp_send(&p->io, cx, "0123456789", 10, &p->to));
    assert_int_equal(p->rc, 0);
    PAWL_AWAIT(cx, p->rc, pawl_udp_recv(&p->io, cx, p->buf, sizeof p->buf, &p->got, &p->from));
    assert_int_equal(p->rc, 0);
    pawl_addr_format(&p->from, text, sizeof text);
    note(&p->log, "got:%.*s from:%s", (int)p->got, p->buf, text);
    assert_int_equal(pawl_io_close(&p->io), 0);
    PAWL_END(cx);
}

/* Receives two datagrams (the second into 4 bytes: cut short) and answers
 * the first to whoever sent it. */
static pawl_poll udp_ponger_poll(pawl_task *t, pawl_cx *cx)
{
    udp_peer *p = PAWL_CONTAINER_OF(t, udp_peer, task);
    char text[64];
    PAWL_BEGIN(cx);
    PAWL_AWAIT(cx, p->rc, pawl_udp_recv(&p->io, cx, p->buf, sizeof p->buf, &p->got, &p->from));
    assert_int_equal(p->rc, 0);
    pawl_addr_format(&p->from, text, sizeof text);
    note(&p->log, "got:%.*s from:%s", (int)p->got, p->buf, text);
    PAWL_AWAIT(cx, p->rc, pawl_udp_recv(&p->io, cx, p->buf, 4, &p->got, NULL));
    assert_int_equal(p->rc, 0);
    note(&p->log, "got:%.*s", (int)p->got, p->buf);
    PAWL_AWAIT(cx, p->rc, pawl_udp_send(&p->io, cx, "pong", 4, &p->from));
    assert_int_equal(p->rc, 0);
    assert_int_equal(pawl_io_close(&p->io), 0);
    PAWL_END(cx);
}

static void udp_round_trip(env *e, const char *host)
{
    udp_peer *a = test_calloc(1, sizeof *a), *b = test_calloc(1, sizeof *b);
    pawl_addr any = addr(host, 0), a_at, b_at;
    assert_int_equal(pawl_udp_bind(&e->loop, &a->io, &any), 0);
    assert_int_equal(pawl_udp_bind(&e->loop, &b->io, &any), 0);
    assert_int_equal(pawl_net_local_addr(&a->io, &a_at), 0);
    assert_int_equal(pawl_net_local_addr(&b->io, &b_at), 0);
    a->to = b_at;
    spawn(e, &b->task, udp_ponger_poll);
    spawn(e, &a->task, udp_pinger_poll);
    run_all(e);
    char want[128], a_text[64], b_text[64];
    pawl_addr_format(&a_at, a_text, sizeof a_text);
    pawl_addr_format(&b_at, b_text, sizeof b_text);
    snprintf(want, sizeof want, "got:ping from:%s got:0123", a_text);
    assert_string_equal(b->log.s, want);
    snprintf(want, sizeof want, "got:pong from:%s", b_text);
    assert_string_equal(a->log.s, want);
    test_free(a);
    test_free(b);
}

static void udp_send_and_receive_with_the_sender_address(void **state)
{
    udp_round_trip(*state, "127.0.0.1");
}

static void udp_send_and_receive_over_ipv6(void **state)
{
    SKIP_WITHOUT_IPV6();
    udp_round_trip(*state, "::1");
}

/* ---- closing and canceling a waiting reader --------------------------------------------- */

static void closing_the_handle_ends_a_waiting_read_with_eclosed(void **state)
{
    env *e = *state;
    pawl_io a, b;
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    tcp_pair(e, AF_INET, &a, &b);
    reader r = {.io = &b, .times = 2};
    spawn(e, &r.task, reader_poll);
    assert_int_equal(pawl_loop_run(&e->loop, PAWL_RUN_NOWAIT), 1);
    assert_int_equal(pawl_task_get_state(&r.task), PAWL_TASK_WAITING);
    assert_int_equal(pawl_io_close(&b), 0);
    assert_int_equal(pawl_io_close(&a), 0);
    run_all(e);
    /* And the next read on the closed handle says the same at once. */
    assert_string_equal(r.log.s, "ECLOSED/0 ECLOSED/0");
}

static void a_canceled_read_gives_its_place_to_the_next_reader(void **state)
{
    env *e = *state;
    pawl_io a, b;
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    tcp_pair(e, AF_INET, &a, &b);
    reader first = {.io = &b, .times = 1}, second = {.io = &b, .times = 1};
    spawn(e, &first.task, reader_poll);
    assert_int_equal(pawl_loop_run(&e->loop, PAWL_RUN_NOWAIT), 1);
    assert_int_equal(pawl_task_get_state(&first.task), PAWL_TASK_WAITING);
    assert_int_equal(pawl_task_cancel(&e->loop, &first.task), 0);
    run_all(e);
    assert_int_equal(pawl_task_get_state(&first.task), PAWL_TASK_DONE);
    spawn(e, &second.task, reader_poll);
    assert_int_equal(write(pawl_io_fd(&a), "next", 4), 4);
    run_all(e);
    assert_string_equal(first.log.s, "canceled");
    assert_string_equal(second.log.s, "read:next"); /* not EBUSY */
    assert_int_equal(pawl_io_close(&a), 0);
    assert_int_equal(pawl_io_close(&b), 0);
}

/* ---- 100 connections, one task each ----------------------------------------------------- */

#define NCONN 100
#define MSG_LEN 8

typedef struct hub {
    pawl_io listener;
    pawl_addr where;
    pawl_sem all_echoed; /* permits for the connections to close */
    int open, max_open, echoed, accepted, clients_ok;
} hub;

typedef struct conn {
    pawl_task task;
    hub *h;
    pawl_io io;
    pawl_waiter w;
    char buf[MSG_LEN];
    size_t have, got, sent;
    int rc;
} conn;

/* Read one message, echo it, and keep the connection until every
 * connection has echoed: so all of them are open at once. */
static pawl_poll conn_poll(pawl_task *t, pawl_cx *cx)
{
    conn *c = PAWL_CONTAINER_OF(t, conn, task);
    PAWL_BEGIN(cx);
    while (c->have < MSG_LEN) {
        PAWL_AWAIT(cx, c->rc, pawl_net_read(&c->io, cx, c->buf + c->have, MSG_LEN - c->have,
                                            &c->got));
        assert_int_equal(c->rc, 0);
        c->have += c->got;
    }
    c->sent = 0;
    PAWL_AWAIT(cx, c->rc, pawl_net_write_all(&c->io, cx, c->buf, MSG_LEN, &c->sent));
    assert_int_equal(c->rc, 0);
    if (++c->h->echoed == NCONN)
        assert_int_equal(pawl_sem_release(&c->h->all_echoed, NCONN), 0);
    PAWL_AWAIT(cx, c->rc, pawl_sem_acquire(&c->h->all_echoed, &c->w, cx));
    c->h->open--;
    assert_int_equal(pawl_io_close(&c->io), 0);
    PAWL_END(cx);
}

typedef struct server {
    pawl_task task;
    hub *h;
    conn *conns;
    int fd;
    int rc;
} server;

static pawl_poll server_poll(pawl_task *t, pawl_cx *cx)
{
    server *s = PAWL_CONTAINER_OF(t, server, task);
    PAWL_BEGIN(cx);
    while (s->h->accepted < NCONN) {
        PAWL_AWAIT(cx, s->rc, pawl_tcp_accept(&s->h->listener, cx, &s->fd));
        assert_int_equal(s->rc, 0);
        conn *c = &s->conns[s->h->accepted++];
        c->h = s->h;
        assert_int_equal(pawl_io_open(cx->loop, &c->io, s->fd), 0);
        if (++s->h->open > s->h->max_open)
            s->h->max_open = s->h->open;
        assert_int_equal(pawl_task_init(&c->task, conn_poll), 0);
        assert_int_equal(pawl_task_spawn(cx->loop, &c->task), 0);
    }
    assert_int_equal(pawl_io_close(&s->h->listener), 0);
    PAWL_END(cx);
}

typedef struct client {
    pawl_task task;
    hub *h;
    int id;
    pawl_io io;
    pawl_connect connect;
    char msg[MSG_LEN + 1], buf[MSG_LEN + 1];
    size_t have, got, sent;
    int rc;
} client;

static pawl_poll client_poll(pawl_task *t, pawl_cx *cx)
{
    client *c = PAWL_CONTAINER_OF(t, client, task);
    PAWL_BEGIN(cx);
    snprintf(c->msg, sizeof c->msg, "id:%05d", c->id);
    PAWL_AWAIT(cx, c->rc, pawl_tcp_connect(cx->loop, &c->io, &c->connect, &c->h->where, cx));
    assert_int_equal(c->rc, 0);
    c->sent = 0;
    PAWL_AWAIT(cx, c->rc, pawl_net_write_all(&c->io, cx, c->msg, MSG_LEN, &c->sent));
    assert_int_equal(c->rc, 0);
    while (c->have < MSG_LEN) {
        PAWL_AWAIT(cx, c->rc, pawl_net_read(&c->io, cx, c->buf + c->have, MSG_LEN - c->have,
                                            &c->got));
        assert_int_equal(c->rc, 0);
        c->have += c->got;
    }
    /* Then the server closes, once all have echoed. */
    PAWL_AWAIT(cx, c->rc, pawl_net_read(&c->io, cx, c->buf, MSG_LEN, &c->got));
    assert_int_equal(c->rc, PAWL_EOF);
    if (memcmp(c->buf, c->msg, MSG_LEN) != 0 || c->have != MSG_LEN)
        c->rc = -1;
    else
        c->h->clients_ok++;
    assert_int_equal(pawl_io_close(&c->io), 0);
    PAWL_END(cx);
}

static void hundred_connections_served_by_one_task_each(void **state)
{
    env *e = *state;
    hub *h = test_calloc(1, sizeof *h);
    server *s = test_calloc(1, sizeof *s);
    conn *conns = test_calloc(NCONN, sizeof *conns);
    client *clients = test_calloc(NCONN, sizeof *clients);
    assert_int_equal(pawl_sem_init(&h->all_echoed, 0), 0);
    h->where = addr("127.0.0.1", 0);
    assert_int_equal(pawl_tcp_listen(&e->loop, &h->listener, &h->where, 0, 0), 0);
    assert_int_equal(pawl_net_local_addr(&h->listener, &h->where), 0);
    s->h = h;
    s->conns = conns;
    spawn(e, &s->task, server_poll);
    for (int i = 0; i < NCONN; i++) {
        clients[i].h = h;
        clients[i].id = i;
        spawn(e, &clients[i].task, client_poll);
    }
    run_all(e);
    assert_int_equal(h->accepted, NCONN);
    assert_int_equal(h->echoed, NCONN);
    assert_int_equal(h->max_open, NCONN); /* all at once */
    assert_int_equal(h->open, 0);
    assert_int_equal(h->clients_ok, NCONN);
    test_free(clients);
    test_free(conns);
    test_free(s);
    test_free(h);
}

int main(void)
{
    const char *name = getenv("PAWL_TEST_BACKEND");
    print_message("backend: %s\n", name != NULL ? name : "(default)");
#define T(name) cmocka_unit_test_setup_teardown(name, env_setup, env_teardown)
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(addresses_parse_and_format_ipv4_and_ipv6),
        cmocka_unit_test(invalid_address_strings_are_einval),
        T(net_calls_reject_bad_arguments),
        T(tcp_echo_round_trip_ipv4),
        T(tcp_echo_round_trip_ipv6),
        T(accepted_descriptor_is_nonblocking_and_cloexec),
        T(reuseport_lets_two_listeners_share_a_port),
        T(large_write_all_waits_for_room_and_resumes),
        T(write_all_to_a_half_closed_peer_completes),
        T(read_returns_eof_after_peer_shutdown),
        T(read_after_peer_reset_reports_econnreset),
        T(write_to_a_reset_peer_fails_without_sigpipe),
        T(connect_to_a_closed_port_is_refused),
        T(connect_timeout_closes_the_half_made_socket),
        T(canceling_a_connecting_task_closes_the_socket),
        T(connect_within_its_time_limit_succeeds),
        T(udp_send_and_receive_with_the_sender_address),
        T(udp_send_and_receive_over_ipv6),
        T(closing_the_handle_ends_a_waiting_read_with_eclosed),
        T(a_canceled_read_gives_its_place_to_the_next_reader),
        T(hundred_connections_served_by_one_task_each),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
