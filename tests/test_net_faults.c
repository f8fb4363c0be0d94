/*
 * tests/test_net_faults.c -- the net futures (src/net.c) under failures
 * injected through the system-call seam of src/sys.h: EINTR on read,
 * write, accept and connect (retried, never seen by the caller), an
 * EAGAIN storm (the read stays pending with the readiness cache cleared,
 * then data arrives), ECONNRESET on read and write (reported; the handle
 * stays closable), and EMFILE on accept (returned to the caller).
 *
 * It also holds THE BACKOFF PATTERN a server should follow when it runs
 * out of descriptors (backoff_server below), and checks on the virtual
 * clock that the pattern keeps serving existing connections and calls
 * accept a handful of times a second rather than thousands.
 *
 * The seam is one process-wide table: each test's setup points pawl__sys
 * at a copy of the real one whose entries consult `g_fault` (reset by the
 * setup), and its teardown puts the real table back.  The loop runs the
 * epoll backend on the virtual clock.
 */
#define _GNU_SOURCE /* SOCK_NONBLOCK */

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "pawl/net.h"
#include "pawl/pawl.h"
#include "net_support.h"
#include "sys.h"

#define MS 1000000u

/* ---- the faulty system calls ------------------------------------------------------ */

/* What to inject, and what was called.  "Next n" counters count down as
 * the faults are injected; `fd` (when >= 0) limits read and write faults
 * to one descriptor. */
static struct fault {
    int fd;
    int read_eintr;       /* the next n reads: EINTR */
    int read_eagain;      /* the next n reads: EAGAIN */
    int read_reset;       /* the next n reads: ECONNRESET */
    int write_eintr;      /* the next n sendto/write: EINTR */
    int write_short;      /* the next sendto/write sends at most this many bytes */
    int write_reset;      /* the next n sendto/write: ECONNRESET */
    int accept_eintr;     /* the next n accepts: EINTR */
    bool accept_emfile;   /* while set, every accept: EMFILE */
    int connect_eintr_before; /* the next n connects: EINTR, not started */
    int connect_eintr_after;  /* the next n connects: started, then EINTR */
    /* counts */
    int reads, writes, accepts, connects;
    int plain_reads, recvfroms, plain_writes, sendtos; /* calls, faulted or not */
    int emfile_accepts;
    int spin_limit;       /* accept calls that mean "spinning" (0: none) */
} g_fault;

static struct pawl__sys g_sys;

static bool targeted(int fd)
{
    return g_fault.fd < 0 || g_fault.fd == fd;
}

/* Shared by read and recvfrom (pawl_net_read uses recvfrom on sockets,
 * read on anything else): -2 means "go ahead". */
static ssize_t read_fault(int fd)
{
    if (targeted(fd)) {
        g_fault.reads++;
        if (g_fault.read_eintr > 0) {
            g_fault.read_eintr--;
            errno = EINTR;
            return -1;
        }
        if (g_fault.read_eagain > 0) {
            g_fault.read_eagain--;
            errno = EAGAIN;
            return -1;
        }
        if (g_fault.read_reset > 0) {
            g_fault.read_reset--;
            errno = ECONNRESET;
            return -1;
        }
    }
    return -2;
}

static ssize_t fault_read(int fd, void *buf, size_t len)
{
    g_fault.plain_reads++;
    ssize_t r = read_fault(fd);
    return r != -2 ? r : pawl__sys_default.read(fd, buf, len);
}

static ssize_t fault_recvfrom(int fd, void *buf, size_t len, int flags, struct sockaddr *from,
                              socklen_t *fromlen)
{
    g_fault.recvfroms++;
    ssize_t r = read_fault(fd);
    return r != -2 ? r : pawl__sys_default.recvfrom(fd, buf, len, flags, from, fromlen);
}

/* Shared by write and sendto: -2 means "go ahead", with *len cut short
 * if a short write was asked for. */
static ssize_t write_fault(int fd, size_t *len)
{
    if (!targeted(fd))
        return -2;
    g_fault.writes++;
    if (g_fault.write_eintr > 0) {
        g_fault.write_eintr--;
        errno = EINTR;
        return -1;
    }
    if (g_fault.write_short > 0) {
        if (*len > (size_t)g_fault.write_short)
            *len = (size_t)g_fault.write_short;
        g_fault.write_short = 0;
        return -2;
    }
    if (g_fault.write_reset > 0) {
        g_fault.write_reset--;
        errno = ECONNRESET;
        return -1;
    }
    return -2;
}

static ssize_t fault_write(int fd, const void *buf, size_t len)
{
    g_fault.plain_writes++;
    ssize_t r = write_fault(fd, &len);
    return r != -2 ? r : pawl__sys_default.write(fd, buf, len);
}

static ssize_t fault_sendto(int fd, const void *buf, size_t len, int flags,
                            const struct sockaddr *to, socklen_t tolen)
{
    g_fault.sendtos++;
    ssize_t r = write_fault(fd, &len);
    return r != -2 ? r : pawl__sys_default.sendto(fd, buf, len, flags, to, tolen);
}

static int fault_accept(int fd, struct sockaddr *addr, socklen_t *len)
{
    g_fault.accepts++;
    if (g_fault.spin_limit > 0 && g_fault.accepts > g_fault.spin_limit)
        fail_msg("accept called %d times: the server spins", g_fault.accepts);
    if (g_fault.accept_eintr > 0) {
        g_fault.accept_eintr--;
        errno = EINTR;
        return -1;
    }
    if (g_fault.accept_emfile) {
        g_fault.emfile_accepts++;
        errno = EMFILE;
        return -1;
    }
    return pawl__sys_default.accept(fd, addr, len);
}

static int fault_connect(int fd, const struct sockaddr *addr, socklen_t len)
{
    g_fault.connects++;
    if (g_fault.connect_eintr_before > 0) {
        g_fault.connect_eintr_before--;
        errno = EINTR;
        return -1;
    }
    if (g_fault.connect_eintr_after > 0) {
        g_fault.connect_eintr_after--;
        (void)pawl__sys_default.connect(fd, addr, len); /* it goes on */
        errno = EINTR;
        return -1;
    }
    return pawl__sys_default.connect(fd, addr, len);
}

/* ---- the fixture ------------------------------------------------------------------- */

typedef struct env {
    pawl_vclock vc;
    pawl_loop loop;
} env;

static int env_setup(void **state)
{
    memset(&g_fault, 0, sizeof g_fault);
    g_fault.fd = -1;
    g_sys = pawl__sys_default;
    g_sys.read = fault_read;
    g_sys.recvfrom = fault_recvfrom;
    g_sys.write = fault_write;
    g_sys.sendto = fault_sendto;
    g_sys.accept = fault_accept;
    g_sys.connect = fault_connect;
    pawl__sys = &g_sys;
    env *e = test_calloc(1, sizeof *e);
    assert_int_equal(pawl_vclock_init(&e->vc, 0), 0);
    pawl_loop_opts opts = {0};
    opts.platform = &e->vc.base;
    opts.backend = PAWL_BACKEND_EPOLL;
    assert_int_equal(pawl_loop_init(&e->loop, &opts), 0);
    *state = e;
    return 0;
}

static int env_teardown(void **state)
{
    env *e = *state;
    pawl__sys = &pawl__sys_default;
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

/* Small writes leave at once.  With Nagle's algorithm a small segment
 * waits for the peer's acknowledgement of the previous one, which a peer
 * that is not reading may delay by 40 ms of real time: the virtual clock's
 * loop would find nothing ready in the meantime. */
static void no_delay(int fd)
{
    int one = 1;
    assert_int_equal(setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one), 0);
}

/* A connected TCP pair, opened on the loop and unreferenced (the tasks
 * that use them keep the loop alive), made with plain calls. */
static void tcp_pair(env *e, pawl_io *a, pawl_io *b)
{
    memset(a, 0, sizeof *a);
    memset(b, 0, sizeof *b);
    int l = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof sa;
    assert_int_equal(bind(l, (struct sockaddr *)&sa, len), 0);
    assert_int_equal(listen(l, 1), 0);
    assert_int_equal(getsockname(l, (struct sockaddr *)&sa, &len), 0);
    int c = socket(AF_INET, SOCK_STREAM, 0);
    assert_int_equal(connect(c, (struct sockaddr *)&sa, len), 0);
    int s = accept(l, NULL, NULL);
    assert_true(s >= 0);
    close(l);
    no_delay(c);
    no_delay(s);
    assert_int_equal(pawl_io_open(&e->loop, a, c), 0);
    assert_int_equal(pawl_io_open(&e->loop, b, s), 0);
    assert_int_equal(pawl_io_unref(a), 0);
    assert_int_equal(pawl_io_unref(b), 0);
}

/* A listener on 127.0.0.1 (port picked by the system), unreferenced. */
static void listener_open(env *e, pawl_io *l, pawl_addr *where)
{
    memset(l, 0, sizeof *l);
    assert_int_equal(pawl_addr_parse(where, "127.0.0.1", 0), 0);
    assert_int_equal(pawl_tcp_listen(&e->loop, l, where, 0, 0), 0);
    assert_int_equal(pawl_net_local_addr(l, where), 0);
    assert_int_equal(pawl_io_unref(l), 0);
}

/* A plain blocking connect to `where`; the descriptor is the caller's. */
static int plain_connect(const pawl_addr *where)
{
    int c = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(c >= 0);
    assert_int_equal(connect(c, (const struct sockaddr *)(const void *)&where->u, where->len), 0);
    return c;
}

/* ---- small tasks ----------------------------------------------------------------------- */

typedef struct reader {
    pawl_task task;
    pawl_io *io;
    actor_log log;
    char buf[2048];
    size_t got;
    int rc;
    int polls;
} reader;

static pawl_poll reader_poll(pawl_task *t, pawl_cx *cx)
{
    reader *r = PAWL_CONTAINER_OF(t, reader, task);
    r->polls++;
    PAWL_BEGIN(cx);
    PAWL_AWAIT(cx, r->rc, pawl_net_read(r->io, cx, r->buf, sizeof r->buf, &r->got));
    if (r->rc == 0)
        note(&r->log, "read:%zu:%.*s", r->got, (int)(r->got < 8 ? r->got : 8), r->buf);
    else
        note(&r->log, "%s", err_name(r->rc));
    PAWL_END(cx);
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

typedef struct acceptor {
    pawl_task task;
    pawl_io *listener;
    int fd;
    int rc;
} acceptor;

static pawl_poll acceptor_poll(pawl_task *t, pawl_cx *cx)
{
    acceptor *a = PAWL_CONTAINER_OF(t, acceptor, task);
    PAWL_BEGIN(cx);
    PAWL_AWAIT(cx, a->rc, pawl_tcp_accept(a->listener, cx, &a->fd));
    PAWL_END(cx);
}

typedef struct connector {
    pawl_task task;
    pawl_addr to;
    pawl_io io;
    pawl_connect c;
    int rc;
} connector;

static pawl_poll connector_poll(pawl_task *t, pawl_cx *cx)
{
    connector *c = PAWL_CONTAINER_OF(t, connector, task);
    PAWL_BEGIN(cx);
    PAWL_AWAIT(cx, c->rc, pawl_tcp_connect(cx->loop, &c->io, &c->c, &c->to, cx));
    if (c->rc == 0)
        assert_int_equal(pawl_io_unref(&c->io), 0); /* the test closes it */
    PAWL_END(cx);
}

/* ---- EINTR ----------------------------------------------------------------------------- */

static void eintr_on_read_is_retried_transparently(void **state)
{
    env *e = *state;
    pawl_io a, b;
    tcp_pair(e, &a, &b);
    assert_int_equal(write(pawl_io_fd(&a), "data", 4), 4);
    g_fault.fd = pawl_io_fd(&b);
    g_fault.read_eintr = 3;
    reader r = {.io = &b};
    spawn(e, &r.task, reader_poll);
    run_all(e);
    assert_string_equal(r.log.s, "read:4:data");
    assert_int_equal(g_fault.reads, 4); /* three interrupted, then the real one */
    assert_int_equal(g_fault.read_eintr, 0);
    assert_int_equal(pawl_io_close(&a), 0);
    assert_int_equal(pawl_io_close(&b), 0);
}

/* Sockets are read with recv and written with send (both through the
 * seam's recvfrom and sendto), never through read and write. */
static void sockets_are_read_with_recv_and_written_with_send(void **state)
{
    env *e = *state;
    pawl_io a, b;
    tcp_pair(e, &a, &b);
    writer w = {.io = &a, .data = "hello", .len = 5};
    spawn(e, &w.task, writer_poll);
    run_all(e);
    assert_int_equal(w.rc, 0);
    reader r = {.io = &b};
    spawn(e, &r.task, reader_poll);
    run_all(e);
    assert_string_equal(r.log.s, "read:5:hello");
    assert_int_equal(g_fault.sendtos, 1);
    assert_int_equal(g_fault.recvfroms, 1);
    assert_int_equal(g_fault.plain_writes, 0);
    assert_int_equal(g_fault.plain_reads, 0);
    assert_int_equal(pawl_io_close(&a), 0);
    assert_int_equal(pawl_io_close(&b), 0);
}

/* A pipe answers recv and send with ENOTSOCK: the handle remembers it
 * after the first time, and every later read and write is a plain one. */
static void a_pipe_costs_one_enotsock_per_direction_then_plain_calls(void **state)
{
    env *e = *state;
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    pawl_io in = {0}, out = {0};
    assert_int_equal(pawl_io_open(&e->loop, &in, fds[0]), 0);
    assert_int_equal(pawl_io_open(&e->loop, &out, fds[1]), 0);
    assert_int_equal(pawl_io_unref(&in), 0); /* the loop runs until the tasks end */
    assert_int_equal(pawl_io_unref(&out), 0);
    static const char *const words[] = {"hello", "world"};
    for (int i = 0; i < 2; i++) {
        writer w = {.io = &out, .data = words[i], .len = 5};
        spawn(e, &w.task, writer_poll);
        run_all(e);
        assert_int_equal(w.rc, 0);
        assert_int_equal(w.sent, 5);
        reader r = {.io = &in};
        spawn(e, &r.task, reader_poll);
        run_all(e);
        char want[16];
        snprintf(want, sizeof want, "read:5:%s", words[i]);
        assert_string_equal(r.log.s, want);
    }
    assert_int_equal(g_fault.sendtos, 1);      /* the first write's ENOTSOCK */
    assert_int_equal(g_fault.plain_writes, 2); /* then both writes */
    assert_int_equal(g_fault.recvfroms, 1);
    assert_int_equal(g_fault.plain_reads, 2);
    assert_int_equal(pawl_io_close(&in), 0);
    assert_int_equal(pawl_io_close(&out), 0);
}

static void eintr_on_write_is_retried_transparently(void **state)
{
    env *e = *state;
    pawl_io a, b;
    tcp_pair(e, &a, &b);
    g_fault.fd = pawl_io_fd(&a);
    g_fault.write_eintr = 3;
    writer w = {.io = &a, .data = "hello", .len = 5};
    spawn(e, &w.task, writer_poll);
    run_all(e);
    assert_int_equal(w.rc, 0);
    assert_int_equal(w.sent, 5);
    assert_int_equal(g_fault.writes, 4);
    char buf[8];
    assert_int_equal(read(pawl_io_fd(&b), buf, sizeof buf), 5);
    assert_memory_equal(buf, "hello", 5);
    assert_int_equal(pawl_io_close(&a), 0);
    assert_int_equal(pawl_io_close(&b), 0);
}

static void eintr_on_accept_is_retried_transparently(void **state)
{
    env *e = *state;
    pawl_io l;
    pawl_addr where;
    listener_open(e, &l, &where);
    int c = plain_connect(&where);
    g_fault.accept_eintr = 2;
    acceptor a = {.listener = &l, .fd = -1};
    spawn(e, &a.task, acceptor_poll);
    run_all(e);
    assert_int_equal(a.rc, 0);
    assert_true(a.fd >= 0);
    assert_int_equal(g_fault.accepts, 3);
    close(a.fd);
    close(c);
    assert_int_equal(pawl_io_close(&l), 0);
}

/* Interrupted before the system started the connection: the retry starts
 * it. */
static void eintr_on_connect_is_retried_transparently(void **state)
{
    env *e = *state;
    pawl_io l;
    connector c;
    memset(&c, 0, sizeof c);
    listener_open(e, &l, &c.to);
    g_fault.connect_eintr_before = 1;
    spawn(e, &c.task, connector_poll);
    run_all(e);
    assert_int_equal(c.rc, 0);
    assert_int_equal(g_fault.connects, 2);
    assert_int_equal(c.c.pawl__state, 0);
    /* It really is connected: the listener has it. */
    int s = accept(pawl_io_fd(&l), NULL, NULL);
    assert_true(s >= 0);
    close(s);
    assert_int_equal(pawl_io_close(&c.io), 0);
    assert_int_equal(pawl_io_close(&l), 0);
}

/* Interrupted after the system started it (POSIX: it goes on in the
 * background): the retry learns how far it got (EALREADY / EISCONN). */
static void eintr_after_connect_started_still_connects(void **state)
{
    env *e = *state;
    pawl_io l;
    connector c;
    memset(&c, 0, sizeof c);
    listener_open(e, &l, &c.to);
    g_fault.connect_eintr_after = 1;
    spawn(e, &c.task, connector_poll);
    run_all(e);
    assert_int_equal(c.rc, 0);
    assert_int_equal(g_fault.connects, 2);
    assert_int_equal(pawl_io_error(&c.io), 0);
    int s = accept(pawl_io_fd(&l), NULL, NULL);
    assert_true(s >= 0);
    close(s);
    assert_int_equal(pawl_io_close(&c.io), 0);
    assert_int_equal(pawl_io_close(&l), 0);
}

/* ---- an EAGAIN storm ---------------------------------------------------------------------- */

/*
 * The reactor keeps saying "readable" and read keeps saying EAGAIN, 1000
 * times.  Every time, the future must clear the cached readiness and go
 * back to waiting -- not spin on the stale cache, not report anything to
 * the caller.  Epoll is edge-triggered: each report needs new data, so the
 * peer sends one byte per round, and the test takes it away again behind
 * the reader's back (as another process sharing the descriptor would).
 * When read stops lying, the next data is read.
 */
static void eagain_storm_leaves_the_read_pending_with_the_cache_cleared(void **state)
{
    env *e = *state;
    /* A socketpair: every byte written is a report at once.  (A TCP
     * sender would soon hold single bytes back, waiting for acknowledgements
     * that a receiver which never reads delays by real milliseconds.) */
    int sv[2];
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    pawl_io a, b;
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    assert_int_equal(pawl_io_open(&e->loop, &a, sv[0]), 0);
    assert_int_equal(pawl_io_open(&e->loop, &b, sv[1]), 0);
    assert_int_equal(pawl_io_unref(&a), 0);
    assert_int_equal(pawl_io_unref(&b), 0);
    g_fault.fd = pawl_io_fd(&b);
    g_fault.read_eagain = 1000;
    reader r = {.io = &b};
    spawn(e, &r.task, reader_poll);
    assert_int_equal(pawl_loop_run(&e->loop, PAWL_RUN_NOWAIT), 1);
    assert_int_equal(pawl_task_get_state(&r.task), PAWL_TASK_WAITING);
    for (int i = 0; i < 1000; i++) {
        assert_int_equal(write(pawl_io_fd(&a), "x", 1), 1);
        /* The report: cached, and the reader woken. */
        assert_int_equal(pawl_loop_run(&e->loop, PAWL_RUN_NOWAIT), 1);
        assert_true(pawl_io_events(&b) & PAWL_IO_READABLE);
        /* Its poll: EAGAIN, cache cleared, waiting again. */
        assert_int_equal(pawl_loop_run(&e->loop, PAWL_RUN_NOWAIT), 1);
        assert_int_equal(pawl_task_get_state(&r.task), PAWL_TASK_WAITING);
        assert_false(pawl_io_events(&b) & PAWL_IO_READABLE);
        assert_int_equal(g_fault.reads, i + 1);
        char x;
        assert_int_equal(read(pawl_io_fd(&b), &x, 1), 1); /* not through the seam */
    }
    assert_string_equal(r.log.s, ""); /* the caller saw nothing */
    assert_int_equal(g_fault.read_eagain, 0);
    assert_int_equal(write(pawl_io_fd(&a), "data", 4), 4);
    run_all(e);
    assert_string_equal(r.log.s, "read:4:data");
    assert_int_equal(g_fault.reads, 1001);
    /* One poll per report, plus the first: no busy loop. */
    assert_int_equal(r.polls, 1 + 1000 + 1);
    assert_int_equal(pawl_io_close(&a), 0);
    assert_int_equal(pawl_io_close(&b), 0);
}

/* ---- ECONNRESET ---------------------------------------------------------------------------- */

static void econnreset_on_read_is_reported_and_the_handle_stays_closable(void **state)
{
    env *e = *state;
    pawl_io a, b;
    tcp_pair(e, &a, &b);
    assert_int_equal(write(pawl_io_fd(&a), "x", 1), 1);
    g_fault.fd = pawl_io_fd(&b);
    g_fault.read_reset = 1;
    reader r = {.io = &b};
    spawn(e, &r.task, reader_poll);
    run_all(e);
    assert_string_equal(r.log.s, "ECONNRESET");
    assert_int_equal(r.rc, -ECONNRESET);
    assert_int_equal(r.got, 0);
    assert_int_equal(pawl_io_close(&b), 0);
    assert_int_equal(pawl_io_close(&b), PAWL_ECLOSED);
    assert_int_equal(pawl_io_close(&a), 0);
}

static void econnreset_on_write_is_reported_with_the_progress_made(void **state)
{
    env *e = *state;
    pawl_io a, b;
    tcp_pair(e, &a, &b);
    g_fault.fd = pawl_io_fd(&a);
    g_fault.write_short = 3; /* the first write takes 3 bytes, the next fails */
    g_fault.write_reset = 1;
    writer w = {.io = &a, .data = "hello world", .len = 11};
    spawn(e, &w.task, writer_poll);
    run_all(e);
    assert_int_equal(w.rc, -ECONNRESET);
    assert_int_equal(w.sent, 3);
    assert_int_equal(g_fault.writes, 2);
    assert_int_equal(pawl_io_close(&a), 0);
    assert_int_equal(pawl_io_close(&b), 0);
}

/* ---- EMFILE -------------------------------------------------------------------------------- */

static void emfile_on_accept_is_returned_to_the_caller(void **state)
{
    env *e = *state;
    pawl_io l;
    pawl_addr where;
    listener_open(e, &l, &where);
    int c = plain_connect(&where);
    g_fault.accept_emfile = true;
    acceptor a = {.listener = &l, .fd = 5};
    spawn(e, &a.task, acceptor_poll);
    run_all(e);
    assert_int_equal(a.rc, -EMFILE);
    assert_int_equal(a.fd, -1);
    /* The connection is still queued, and the listener known readable. */
    assert_true(pawl_io_events(&l) & PAWL_IO_READABLE);
    g_fault.accept_emfile = false;
    spawn(e, &a.task, acceptor_poll);
    run_all(e);
    assert_int_equal(a.rc, 0);
    assert_true(a.fd >= 0);
    close(a.fd);
    close(c);
    assert_int_equal(pawl_io_close(&l), 0);
}

/*
 * THE BACKOFF PATTERN: a server out of descriptors.
 *
 * When accept fails with EMFILE (this process has no descriptor left) or
 * ENFILE (the system has none), the connection stays in the listen queue
 * and the listener stays readable.  A server that simply awaits accept
 * again gets the same error at once, forever: it spins, calling accept
 * thousands of times a second, while the descriptors it waits for can
 * only come back when its own connections finish -- which the spinning
 * starves.  So:
 *
 *   - on EMFILE / ENFILE / ENOBUFS / ENOMEM, sleep, starting at 10 ms and
 *     doubling up to 1 s, and then try again;
 *   - reset the delay after a successful accept;
 *   - keep each connection in its own task, so that they are served
 *     while the acceptor sleeps (the acceptor holds nothing they need).
 *
 * Over a second of trouble that is 7 accept calls (at 0, 10, 30, 70, 150,
 * 310 and 630 ms), and the first connection after it recovers is taken
 * within the current delay.
 */
#define BACKOFF_MIN_MS 10u
#define BACKOFF_MAX_MS 1000u

typedef struct backoff_server backoff_server;

/* What to do with an accepted descriptor (it is the callee's). */
typedef void backoff_serve_fn(backoff_server *s, pawl_loop *loop, int fd);

struct backoff_server {
    pawl_task task;
    pawl_io *listener;
    pawl_sleep nap;
    uint32_t delay_ms;     /* the next backoff; 0 after a success */
    int fd, rc;
    int accepted, stop_after;
    backoff_serve_fn *serve;
    void *arg;
    actor_log log;
};

static bool out_of_descriptors(int rc)
{
    return rc == -EMFILE || rc == -ENFILE || rc == -ENOBUFS || rc == -ENOMEM;
}

static pawl_poll backoff_server_poll(pawl_task *t, pawl_cx *cx)
{
    backoff_server *s = PAWL_CONTAINER_OF(t, backoff_server, task);
    PAWL_BEGIN(cx);
    while (s->accepted < s->stop_after) {
        PAWL_AWAIT(cx, s->rc, pawl_tcp_accept(s->listener, cx, &s->fd));
        if (out_of_descriptors(s->rc)) {
            note(&s->log, "%s@%llu", err_name(s->rc), (unsigned long long)pawl_loop_now(cx->loop));
            s->delay_ms = s->delay_ms == 0 ? BACKOFF_MIN_MS : s->delay_ms * 2;
            if (s->delay_ms > BACKOFF_MAX_MS)
                s->delay_ms = BACKOFF_MAX_MS;
            PAWL_AWAIT(cx, s->rc, pawl_sleep_ms(&s->nap, cx, s->delay_ms));
            continue;
        }
        if (s->rc != 0) {
            note(&s->log, "%s", err_name(s->rc));
            break;
        }
        s->delay_ms = 0;
        s->accepted++;
        note(&s->log, "accepted@%llu", (unsigned long long)pawl_loop_now(cx->loop));
        s->serve(s, cx->loop, s->fd);
    }
    assert_int_equal(pawl_io_close(s->listener), 0);
    PAWL_END(cx);
}

/* The connections of the test: echo until end of stream. */
typedef struct echo_conn {
    pawl_task task;
    pawl_io io;
    char buf[64];
    size_t got, sent;
    int rc;
} echo_conn;

static pawl_poll echo_conn_poll(pawl_task *t, pawl_cx *cx)
{
    echo_conn *c = PAWL_CONTAINER_OF(t, echo_conn, task);
    PAWL_BEGIN(cx);
    for (;;) {
        PAWL_AWAIT(cx, c->rc, pawl_net_read(&c->io, cx, c->buf, sizeof c->buf, &c->got));
        if (c->rc != 0)
            break;
        c->sent = 0;
        PAWL_AWAIT(cx, c->rc, pawl_net_write_all(&c->io, cx, c->buf, c->got, &c->sent));
        if (c->rc != 0)
            break;
    }
    assert_int_equal(pawl_io_close(&c->io), 0);
    PAWL_END(cx);
}

static void serve_echo(backoff_server *s, pawl_loop *loop, int fd)
{
    echo_conn *conns = s->arg;
    echo_conn *c = &conns[s->accepted - 1];
    assert_int_equal(pawl_io_open(loop, &c->io, fd), 0);
    assert_int_equal(pawl_task_init(&c->task, echo_conn_poll), 0);
    assert_int_equal(pawl_task_spawn(loop, &c->task), 0);
}

/* A client that pings through its connection: `rounds` times, every
 * `every_ms`, logging when the echo came back.  After its first echo
 * (its connection is being served) it runs `after_first`. */
typedef struct pinger {
    pawl_task task;
    pawl_addr to;
    pawl_io io;
    pawl_connect c;
    pawl_sleep nap;
    int rounds, i;
    uint32_t every_ms;
    char buf[8];
    size_t got, sent, have;
    int rc;
    void (*after_first)(struct pinger *p, pawl_loop *loop);
    void (*at_end)(struct pinger *p, pawl_loop *loop);
    struct pinger *other;
    actor_log log;
} pinger;

static pawl_poll pinger_poll(pawl_task *t, pawl_cx *cx)
{
    pinger *p = PAWL_CONTAINER_OF(t, pinger, task);
    PAWL_BEGIN(cx);
    PAWL_AWAIT(cx, p->rc, pawl_tcp_connect(cx->loop, &p->io, &p->c, &p->to, cx));
    assert_int_equal(p->rc, 0);
    for (p->i = 0; p->i < p->rounds; p->i++) {
        if (p->i > 0)
            PAWL_AWAIT(cx, p->rc, pawl_sleep_ms(&p->nap, cx, p->every_ms));
        p->sent = 0;
        PAWL_AWAIT(cx, p->rc, pawl_net_write_all(&p->io, cx, "ping", 4, &p->sent));
        assert_int_equal(p->rc, 0);
        for (p->have = 0; p->have < 4; p->have += p->got) {
            PAWL_AWAIT(cx, p->rc, pawl_net_read(&p->io, cx, p->buf + p->have, 4 - p->have,
                                                &p->got));
            assert_int_equal(p->rc, 0);
        }
        note(&p->log, "echo@%llu", (unsigned long long)pawl_loop_now(cx->loop));
        if (p->i == 0 && p->after_first != NULL)
            p->after_first(p, cx->loop);
    }
    if (p->at_end != NULL)
        p->at_end(p, cx->loop);
    assert_int_equal(pawl_io_close(&p->io), 0);
    PAWL_END(cx);
}

static int g_accepts_in_trouble; /* accept calls from 0 to 1000 ms */

/* Connection 1 is served: from now on the process is out of descriptors,
 * and a second client knocks. */
static void run_out_of_descriptors(pinger *p, pawl_loop *loop)
{
    g_fault.accept_emfile = true;
    g_fault.accepts = 0;
    assert_int_equal(pawl_task_init(&p->other->task, pinger_poll), 0);
    assert_int_equal(pawl_task_spawn(loop, &p->other->task), 0);
}

/* A second later, the descriptors are back. */
static void descriptors_back(pinger *p, pawl_loop *loop)
{
    (void)p;
    (void)loop;
    g_accepts_in_trouble = g_fault.accepts;
    g_fault.accept_emfile = false;
}

static void emfile_backoff_server_sleeps_and_keeps_serving(void **state)
{
    env *e = *state;
    pawl_io l;
    pawl_addr where;
    listener_open(e, &l, &where);
    g_fault.spin_limit = 1000; /* a spinning server fails fast instead of hanging */
    g_accepts_in_trouble = -1;
    echo_conn conns[2];
    memset(conns, 0, sizeof conns);
    backoff_server s;
    memset(&s, 0, sizeof s);
    s.listener = &l;
    s.stop_after = 2;
    s.serve = serve_echo;
    s.arg = conns;
    pinger first, late;
    memset(&first, 0, sizeof first);
    memset(&late, 0, sizeof late);
    first.to = late.to = where;
    first.rounds = 11; /* at 0, then every 100 ms up to 1000 */
    first.every_ms = 100;
    first.after_first = run_out_of_descriptors;
    first.at_end = descriptors_back;
    first.other = &late;
    late.rounds = 1;
    spawn(e, &s.task, backoff_server_poll);
    spawn(e, &first.task, pinger_poll);
    run_all(e);
    /* The existing connection was served every 100 ms throughout. */
    assert_string_equal(first.log.s, "echo@0 echo@100 echo@200 echo@300 echo@400 echo@500 "
                                     "echo@600 echo@700 echo@800 echo@900 echo@1000");
    /* The acceptor backed off: a handful of calls in that second. */
    assert_string_equal(s.log.s, "accepted@0 EMFILE@0 EMFILE@10 EMFILE@30 EMFILE@70 "
                                 "EMFILE@150 EMFILE@310 EMFILE@630 accepted@1270");
    assert_int_equal(g_accepts_in_trouble, 7);
    /* And the waiting client was taken at the next try. */
    assert_string_equal(late.log.s, "echo@1270");
    assert_int_equal(e->vc.now_ns, 1270u * MS);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, env_setup, env_teardown)
    const struct CMUnitTest tests[] = {
        T(eintr_on_read_is_retried_transparently),
        T(eintr_on_write_is_retried_transparently),
        T(sockets_are_read_with_recv_and_written_with_send),
        T(a_pipe_costs_one_enotsock_per_direction_then_plain_calls),
        T(eintr_on_accept_is_retried_transparently),
        T(eintr_on_connect_is_retried_transparently),
        T(eintr_after_connect_started_still_connects),
        T(eagain_storm_leaves_the_read_pending_with_the_cache_cleared),
        T(econnreset_on_read_is_reported_and_the_handle_stays_closable),
        T(econnreset_on_write_is_reported_with_the_progress_made),
        T(emfile_on_accept_is_returned_to_the_caller),
        T(emfile_backoff_server_sleeps_and_keeps_serving),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
