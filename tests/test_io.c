/*
 * tests/test_io.c -- pawl_io (pawl/io.h) on each Linux backend: readiness
 * futures and their cache, hang-up and error, close and detach, bad
 * registrations, one waiter per direction, cancellation, ref / unref, the
 * watch callback, many handles at once, remote wakes while the reactor
 * blocks, and the virtual clock with descriptors open.
 *
 * One executable, run once per backend: ctest sets PAWL_TEST_BACKEND to
 * epoll, poll or uring (tests/CMakeLists.txt, pawl_backend_test), and the
 * fixture opens its loop with that backend; every case that opens a
 * handle also checks that pawl_loop_backend names it.
 *
 * Descriptors are socketpairs and pipes, whose readiness changes inside
 * the system call that causes it, so most cases run on the virtual clock:
 * the loop looks at its descriptors without blocking and lets time jump
 * to the next timer only when none is ready.  Timers are the bounds ("at
 * 50 ms the reader is still waiting"), and actions the timers perform
 * (a write, a close) log themselves, so each case compares one whole log
 * of "what@ms" entries.  The cases that need a real wait (TCP on
 * loopback, a remote wake from another thread) run on the POSIX platform,
 * bounded by a pawl timer that fails the case if it fires first.
 */
#define _GNU_SOURCE /* gettid via syscall, MSG_NOSIGNAL */

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cmocka.h>

#include "pawl/io.h"
#include "pawl/pawl.h"
#include "support.h"
#include "sys.h"

#define MS 1000000ull

/* ---- the fixture ------------------------------------------------------------ */

typedef struct fix {
    pawl_vclock vc;
    pawl_loop loop;
    pawl_backend backend;  /* from PAWL_TEST_BACKEND */
    const char *name;      /* what pawl_loop_backend must say for it */
    bool closed;           /* the case closed the loop itself */
    char log[4096];
} fix;

/* Open the fixture's loop with its backend, on the virtual clock (time 0)
 * or on the POSIX platform. */
static int loop_open(fix *f, bool real)
{
    pawl_loop_opts o = {0};
    o.backend = f->backend;
    if (!real) {
        if (pawl_vclock_init(&f->vc, 0) != 0)
            return -1;
        o.platform = &f->vc.base;
    }
    return pawl_loop_init(&f->loop, &o);
}

static void spy_install(void);
static void spy_remove(void);
static void spy_refuse_blocking(bool refuse);

/* Every case runs with the spy of the reactor's waits installed (below):
 * a case whose loop spins -- a wake that never stops coming, a clock that
 * never moves -- then fails at once instead of running into ctest's time
 * limit. */
static int fix_setup(void **state)
{
    fix *f = test_calloc(1, sizeof *f);
    if (f == NULL || test_backend(&f->backend, &f->name) != 0 || loop_open(f, false) != 0) {
        test_free(f);
        return -1;
    }
    spy_install();
    spy_refuse_blocking(true); /* the virtual clock never waits for real */
    *state = f;
    return 0;
}

/* Fails the case if it left a task alive or a handle open. */
static int fix_teardown(void **state)
{
    fix *f = *state;
    spy_remove();
    if (!f->closed)
        assert_int_equal(pawl_loop_close(&f->loop), 0);
    test_free(f);
    return 0;
}

/* For the cases that need a real wait: reopen the loop on the POSIX
 * platform. */
static void use_real_clock(fix *f)
{
    assert_int_equal(pawl_loop_close(&f->loop), 0);
    assert_int_equal(loop_open(f, true), 0);
    spy_refuse_blocking(false);
}

static uint64_t now(fix *f)
{
    return pawl_loop_now(&f->loop);
}

static void log_add(fix *f, const char *fmt, ...)
{
    size_t len = strlen(f->log);
    if (len != 0 && len + 1 < sizeof f->log)
        f->log[len++] = ' ';
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f->log + len, sizeof f->log - len, fmt, ap);
    va_end(ap);
}

/* "0" for success, the code's name otherwise. */
static const char *rc_name(int rc)
{
    return rc == 0 ? "0" : pawl_err_name(rc);
}

/* Open `io` on `fd` and check the backend it runs on. */
static void io_open_ok(fix *f, pawl_io *io, int fd)
{
    assert_int_equal(pawl_io_open(&f->loop, io, fd), 0);
    assert_string_equal(pawl_loop_backend(&f->loop), f->name);
}

static void make_pair(int sv[2])
{
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
}

static void put(int fd, const char *s)
{
    assert_int_equal(send(fd, s, strlen(s), MSG_DONTWAIT | MSG_NOSIGNAL), (ssize_t)strlen(s));
}

/* Write until the socket buffer is full; the bytes written. */
static size_t fill(int fd)
{
    static const char chunk[16384];
    size_t total = 0;
    for (;;) {
        ssize_t n = send(fd, chunk, sizeof chunk, MSG_DONTWAIT | MSG_NOSIGNAL);
        if (n < 0) {
            assert_int_equal(errno, EAGAIN);
            return total;
        }
        total += (size_t)n;
    }
}

/* Read until EAGAIN (or end of stream); the bytes read. */
static size_t drain(int fd)
{
    char buf[16384];
    size_t total = 0;
    for (;;) {
        ssize_t n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
        if (n < 0) {
            assert_int_equal(errno, EAGAIN);
            return total;
        }
        if (n == 0)
            return total;
        total += (size_t)n;
    }
}

static bool fd_is_open(int fd)
{
    return fcntl(fd, F_GETFD) != -1;
}

static bool fd_is_closed(int fd)
{
    return fcntl(fd, F_GETFD) == -1 && errno == EBADF;
}

static void run_all(fix *f)
{
    assert_int_equal(pawl_loop_run(&f->loop, PAWL_RUN_DEFAULT), 0);
}

/* ---- an awaiting task ------------------------------------------------------- */

/* Awaits one direction of a handle `times` times, logging
 * "name=result@ms" for each, or "name!cancel@ms" if canceled first. */
typedef struct awaiter {
    pawl_task task;
    fix *f;
    pawl_io *io;
    const char *name;
    unsigned dir;   /* PAWL_IO_READABLE or PAWL_IO_WRITABLE */
    int times;
    int done;       /* awaits completed */
    int rc;         /* the last one's result */
    int polls;      /* times the poll function ran */
} awaiter;

static pawl_poll awaiter_poll(pawl_task *t, pawl_cx *cx)
{
    awaiter *a = PAWL_CONTAINER_OF(t, awaiter, task);
    a->polls++;
    PAWL_BEGIN(cx);
    while (a->done < a->times) {
        PAWL_AWAIT(cx, a->rc,
                   a->dir == PAWL_IO_READABLE ? pawl_io_readable(a->io, cx)
                                              : pawl_io_writable(a->io, cx));
        a->done++;
        log_add(a->f, "%s=%s@%llu", a->name, rc_name(a->rc), (unsigned long long)now(a->f));
    }
    PAWL_CLEANUP(cx);
    if (a->done < a->times)
        log_add(a->f, "%s!cancel@%llu", a->name, (unsigned long long)now(a->f));
    PAWL_END(cx);
}

static void awaiter_init(fix *f, awaiter *a, const char *name, pawl_io *io, unsigned dir,
                         int times)
{
    memset(a, 0, sizeof *a);
    a->f = f;
    a->name = name;
    a->io = io;
    a->dir = dir;
    a->times = times;
    assert_int_equal(pawl_task_init(&a->task, awaiter_poll), 0);
}

static void awaiter_start(fix *f, awaiter *a, const char *name, pawl_io *io, unsigned dir,
                          int times)
{
    awaiter_init(f, a, name, io, dir, times);
    assert_int_equal(pawl_task_spawn(&f->loop, &a->task), 0);
}

/* ---- timed actions ----------------------------------------------------------- */

/* A timer that, when it fires, notes the state of `task` and the events of
 * `io`, then performs its action. */
typedef struct at at;
typedef void at_fn(at *a);
struct at {
    pawl_timer timer;
    fix *f;
    at_fn *fn;
    int fd;              /* the descriptor the action uses */
    pawl_io *io;         /* the handle it uses or looks at */
    pawl_task *task;     /* the task it acts on or looks at */
    int seen_state;      /* pawl_task_get_state(task) when it fired */
    unsigned seen_events; /* pawl_io_events(io) when it fired */
    int rc;              /* what the action's call returned */
    bool fired;
};

static int at_fire(pawl_loop *loop, pawl_timer *t)
{
    (void)loop;
    at *a = PAWL_CONTAINER_OF(t, at, timer);
    a->fired = true;
    if (a->task != NULL)
        a->seen_state = pawl_task_get_state(a->task);
    if (a->io != NULL)
        a->seen_events = pawl_io_events(a->io);
    a->fn(a);
    return PAWL_TIMER_STOP;
}

static void at_start(fix *f, at *a, uint32_t ms, at_fn *fn, int fd, pawl_io *io, pawl_task *task)
{
    memset(a, 0, sizeof *a);
    a->f = f;
    a->fn = fn;
    a->fd = fd;
    a->io = io;
    a->task = task;
    a->seen_state = -1;
    assert_int_equal(pawl_timer_init(&a->timer, at_fire), 0);
    assert_int_equal(pawl_timer_start(&f->loop, &a->timer, ms), 0);
}

static void act_write(at *a)
{
    put(a->fd, "x");
    log_add(a->f, "w@%llu", (unsigned long long)now(a->f));
}

static void act_hang_up(at *a)
{
    assert_int_equal(close(a->fd), 0);
    log_add(a->f, "hup@%llu", (unsigned long long)now(a->f));
}

static void act_drain(at *a)
{
    assert_true(drain(a->fd) > 0);
    log_add(a->f, "drain@%llu", (unsigned long long)now(a->f));
}

static void act_io_close(at *a)
{
    a->rc = pawl_io_close(a->io);
    log_add(a->f, "close@%llu", (unsigned long long)now(a->f));
}

static void act_cancel(at *a)
{
    a->rc = pawl_task_cancel(&a->f->loop, a->task);
    log_add(a->f, "cancel@%llu", (unsigned long long)now(a->f));
}

static void act_spawn(at *a)
{
    a->rc = pawl_task_spawn(&a->f->loop, a->task);
    log_add(a->f, "spawn@%llu", (unsigned long long)now(a->f));
}

static void act_note(at *a)
{
    log_add(a->f, "t@%llu", (unsigned long long)now(a->f));
}

/* ---- the backend --------------------------------------------------------------- */

static void loop_names_the_backend_asked_for(void **state)
{
    fix *f = *state;
    /* No reactor before the first handle. */
    assert_string_equal(pawl_loop_backend(&f->loop), "none");
    int sv[2];
    make_pair(sv);
    pawl_io io = {0};
    io_open_ok(f, &io, sv[0]);
    assert_int_equal(pawl_io_fd(&io), sv[0]);
    /* Open made the descriptor non-blocking and close-on-exec. */
    assert_true(fcntl(sv[0], F_GETFL) & O_NONBLOCK);
    assert_true(fcntl(sv[0], F_GETFD) & FD_CLOEXEC);
    assert_int_equal(pawl_io_close(&io), 0);
    assert_int_equal(close(sv[1]), 0);
}

/* ---- readable and writable -------------------------------------------------------- */

/* Awaits readable, then again at once (cached), reads to EAGAIN and
 * clears, then awaits a third time. */
typedef struct cycle {
    pawl_task task;
    fix *f;
    pawl_io *io;
    int rc;
    int polls;
} cycle;

static pawl_poll reader_cycle_poll(pawl_task *t, pawl_cx *cx)
{
    cycle *c = PAWL_CONTAINER_OF(t, cycle, task);
    fix *f = c->f;
    c->polls++;
    PAWL_BEGIN(cx);
    PAWL_AWAIT(cx, c->rc, pawl_io_readable(c->io, cx));
    log_add(f, "r=%s@%llu", rc_name(c->rc), (unsigned long long)now(f));
    PAWL_AWAIT(cx, c->rc, pawl_io_readable(c->io, cx));
    log_add(f, "cached=%s@%llu", rc_name(c->rc), (unsigned long long)now(f));
    log_add(f, "read=%zu", drain(pawl_io_fd(c->io)));
    pawl_io_clear(c->io, PAWL_IO_READABLE);
    assert_int_equal(pawl_io_events(c->io) & PAWL_IO_READABLE, 0);
    PAWL_AWAIT(cx, c->rc, pawl_io_readable(c->io, cx));
    log_add(f, "r=%s@%llu read=%zu", rc_name(c->rc), (unsigned long long)now(f),
            drain(pawl_io_fd(c->io)));
    assert_int_equal(pawl_io_close(c->io), 0);
    PAWL_END(cx);
}

static void readable_wakes_on_peer_write_only_then_and_clear_rearms(void **state)
{
    fix *f = *state;
    int sv[2];
    make_pair(sv);
    pawl_io io = {0};
    io_open_ok(f, &io, sv[0]);
    cycle c = {.f = f, .io = &io};
    assert_int_equal(pawl_task_init(&c.task, reader_cycle_poll), 0);
    assert_int_equal(pawl_task_spawn(&f->loop, &c.task), 0);
    at w1, w2;
    at_start(f, &w1, 50, act_write, sv[1], &io, &c.task);
    at_start(f, &w2, 80, act_write, sv[1], &io, &c.task);
    run_all(f);
    /* Nothing before the writes: at 50 ms (the loop having run with no
     * writer), the reader still waited and nothing was readable. */
    assert_int_equal(w1.seen_state, PAWL_TASK_WAITING);
    assert_int_equal(w1.seen_events & PAWL_IO_READABLE, 0);
    /* After the clear, the third await waited for the next write. */
    assert_int_equal(w2.seen_state, PAWL_TASK_WAITING);
    assert_string_equal(f->log, "w@50 r=0@50 cached=0@50 read=1 w@80 r=0@80 read=1");
    /* Polled once to start and once per write: the cached await did not
     * suspend, and nothing else woke it. */
    assert_int_equal(c.polls, 3);
    assert_int_equal(close(sv[1]), 0);
}

static pawl_poll writer_cycle_poll(pawl_task *t, pawl_cx *cx)
{
    cycle *c = PAWL_CONTAINER_OF(t, cycle, task);
    fix *f = c->f;
    c->polls++;
    PAWL_BEGIN(cx);
    PAWL_AWAIT(cx, c->rc, pawl_io_writable(c->io, cx));
    log_add(f, "w=%s@%llu", rc_name(c->rc), (unsigned long long)now(f));
    PAWL_AWAIT(cx, c->rc, pawl_io_writable(c->io, cx));
    log_add(f, "cached=%s@%llu", rc_name(c->rc), (unsigned long long)now(f));
    assert_true(fill(pawl_io_fd(c->io)) > 0);
    log_add(f, "full");
    pawl_io_clear(c->io, PAWL_IO_WRITABLE);
    assert_int_equal(pawl_io_events(c->io) & PAWL_IO_WRITABLE, 0);
    PAWL_AWAIT(cx, c->rc, pawl_io_writable(c->io, cx));
    log_add(f, "w=%s@%llu", rc_name(c->rc), (unsigned long long)now(f));
    assert_int_equal(pawl_io_close(c->io), 0);
    PAWL_END(cx);
}

static void writable_waits_while_full_until_the_peer_drains(void **state)
{
    fix *f = *state;
    int sv[2];
    make_pair(sv);
    pawl_io io = {0};
    io_open_ok(f, &io, sv[0]);
    cycle c = {.f = f, .io = &io};
    assert_int_equal(pawl_task_init(&c.task, writer_cycle_poll), 0);
    assert_int_equal(pawl_task_spawn(&f->loop, &c.task), 0);
    at d;
    at_start(f, &d, 50, act_drain, sv[1], &io, &c.task);
    run_all(f);
    assert_int_equal(d.seen_state, PAWL_TASK_WAITING);
    assert_int_equal(d.seen_events & PAWL_IO_WRITABLE, 0);
    assert_string_equal(f->log, "w=0@0 cached=0@0 full drain@50 w=0@50");
    /* A fresh socket is writable at the backend's first report; the
     * cached await did not suspend; the full socket waited for the drain. */
    assert_int_equal(c.polls, 3);
    assert_int_equal(close(sv[1]), 0);
}

/* ---- hang-up and error ---------------------------------------------------------- */

static void peer_close_reports_hup_and_wakes_the_reader_to_read_eof(void **state)
{
    fix *f = *state;
    int sv[2];
    make_pair(sv);
    pawl_io io = {0};
    io_open_ok(f, &io, sv[0]);
    assert_int_equal(pawl_io_unref(&io), 0); /* the loop runs while r does */
    awaiter r;
    awaiter_start(f, &r, "r", &io, PAWL_IO_READABLE, 1);
    at h;
    at_start(f, &h, 10, act_hang_up, sv[1], &io, &r.task);
    run_all(f);
    assert_int_equal(h.seen_state, PAWL_TASK_WAITING);
    assert_string_equal(f->log, "hup@10 r=0@10");
    unsigned ev = pawl_io_events(&io);
    assert_int_equal(ev & PAWL_IO_HUP, PAWL_IO_HUP);
    assert_int_equal(ev & PAWL_IO_ERROR, 0); /* a clean close is no error */
    assert_int_equal(pawl_io_error(&io), 0);
    char c;
    assert_int_equal(read(sv[0], &c, 1), 0); /* end of stream */
    assert_int_equal(pawl_io_close(&io), 0);
}

static void act_shut_wr(at *a)
{
    assert_int_equal(shutdown(a->fd, SHUT_WR), 0);
    log_add(a->f, "shut@%llu", (unsigned long long)now(a->f));
}

/* Logs "eof" if reading finds the end of the stream. */
static void act_read_eof(at *a)
{
    char c;
    ssize_t n = recv(a->fd, &c, 1, MSG_DONTWAIT);
    log_add(a->f, "%s@%llu", n == 0 ? "eof" : "no-eof", (unsigned long long)now(a->f));
}

/* A peer that shuts down only its writing half ends our reading (end of
 * stream) but still reads what we send: a writer waiting for room is not
 * woken by that, only by the peer's full close. */
static void half_close_wakes_the_reader_not_a_blocked_writer(void **state)
{
    fix *f = *state;
    int sv[2];
    make_pair(sv);
    assert_true(fill(sv[0]) > 0); /* so that the writer waits */
    pawl_io io = {0};
    io_open_ok(f, &io, sv[0]);
    assert_int_equal(pawl_io_unref(&io), 0); /* the loop runs while r, w do */
    awaiter r, w;
    awaiter_start(f, &r, "r", &io, PAWL_IO_READABLE, 1);
    awaiter_start(f, &w, "w", &io, PAWL_IO_WRITABLE, 1);
    at shut, look, hup;
    at_start(f, &shut, 10, act_shut_wr, sv[1], &io, NULL);
    at_start(f, &look, 20, act_read_eof, sv[0], &io, &w.task);
    at_start(f, &hup, 30, act_hang_up, sv[1], &io, &w.task);
    run_all(f);
    assert_string_equal(f->log, "shut@10 r=0@10 eof@20 hup@30 w=0@30");
    assert_int_equal(look.seen_state, PAWL_TASK_WAITING);
    assert_int_equal(look.seen_events & (PAWL_IO_WRITABLE | PAWL_IO_ERROR), 0);
    assert_int_equal(pawl_io_close(&io), 0);
}

/* A stream socket closed with bytes unread in its receive queue resets
 * its peer: the peer gets ECONNRESET as its pending error. */
static void peer_reset_reports_error_and_wakes_a_blocked_writer(void **state)
{
    fix *f = *state;
    int sv[2];
    make_pair(sv);
    assert_true(fill(sv[0]) > 0); /* before open: no writable edge at all */
    pawl_io io = {0};
    io_open_ok(f, &io, sv[0]);
    assert_int_equal(pawl_io_unref(&io), 0); /* the loop runs while w does */
    awaiter w;
    awaiter_start(f, &w, "w", &io, PAWL_IO_WRITABLE, 1);
    at h;
    at_start(f, &h, 10, act_hang_up, sv[1], &io, &w.task);
    run_all(f);
    assert_int_equal(h.seen_state, PAWL_TASK_WAITING);
    assert_int_equal(h.seen_events & (PAWL_IO_WRITABLE | PAWL_IO_ERROR), 0);
    assert_string_equal(f->log, "hup@10 w=0@10");
    unsigned ev = pawl_io_events(&io);
    assert_int_equal(ev & PAWL_IO_ERROR, PAWL_IO_ERROR);
    assert_int_equal(pawl_io_error(&io), -ECONNRESET);
    assert_int_equal(pawl_io_error(&io), 0); /* reading SO_ERROR clears it */
    assert_int_equal(pawl_io_close(&io), 0);
}

/* Pipes report a hang-up or an error with nothing to read or write: the
 * read end of an empty pipe whose writer closed has a hang-up and nothing
 * readable, and the write end of a full pipe whose reader closed has an
 * error and no room.  Each still wakes its waiter. */
static void hang_up_or_error_alone_wakes_the_waiter(void **state)
{
    fix *f = *state;
    int p[2], q[2];
    assert_int_equal(pipe2(p, O_CLOEXEC), 0);
    assert_int_equal(pipe2(q, O_CLOEXEC | O_NONBLOCK), 0);
    static const char chunk[4096];
    while (write(q[1], chunk, sizeof chunk) > 0) {
    }
    assert_int_equal(errno, EAGAIN);
    pawl_io rd = {0}, wr = {0};
    io_open_ok(f, &rd, p[0]);
    io_open_ok(f, &wr, q[1]);
    assert_int_equal(pawl_io_unref(&rd), 0); /* the loop runs while r, w do */
    assert_int_equal(pawl_io_unref(&wr), 0);
    awaiter r, w;
    awaiter_start(f, &r, "r", &rd, PAWL_IO_READABLE, 1);
    awaiter_start(f, &w, "w", &wr, PAWL_IO_WRITABLE, 1);
    at h1, h2;
    at_start(f, &h1, 10, act_hang_up, p[1], &rd, &r.task);
    at_start(f, &h2, 20, act_hang_up, q[0], &wr, &w.task);
    run_all(f);
    assert_int_equal(h1.seen_state, PAWL_TASK_WAITING);
    assert_int_equal(h2.seen_state, PAWL_TASK_WAITING);
    assert_string_equal(f->log, "hup@10 r=0@10 hup@20 w=0@20");
    unsigned ev = pawl_io_events(&rd);
    assert_int_equal(ev & PAWL_IO_HUP, PAWL_IO_HUP);
    assert_int_equal(ev & (PAWL_IO_READABLE | PAWL_IO_ERROR), 0);
    assert_int_equal(pawl_io_events(&wr), PAWL_IO_ERROR);
    char c;
    assert_int_equal(read(p[0], &c, 1), 0);
    assert_int_equal(pawl_io_close(&rd), 0);
    assert_int_equal(pawl_io_close(&wr), 0);
}

/* The real-platform cases end through a bound: a timer that fails the
 * case if it fires before the thing awaited happened. */
static void act_fail_bound(at *a)
{
    log_add(a->f, "BOUND@%llu", (unsigned long long)now(a->f));
    if (a->io != NULL)
        (void)pawl_io_close(a->io);
}

/* Awaits one direction, then stops the bound and closes the handle. */
typedef struct bounded {
    awaiter a;
    at *bound;
    unsigned events; /* pawl_io_events after the await */
    int error;       /* pawl_io_error after the await */
} bounded;

static pawl_poll bounded_poll(pawl_task *t, pawl_cx *cx)
{
    bounded *b = PAWL_CONTAINER_OF(t, bounded, a.task);
    PAWL_BEGIN(cx);
    PAWL_AWAIT(cx, b->a.rc,
               b->a.dir == PAWL_IO_READABLE ? pawl_io_readable(b->a.io, cx)
                                            : pawl_io_writable(b->a.io, cx));
    log_add(b->a.f, "%s=%s", b->a.name, rc_name(b->a.rc));
    b->events = pawl_io_events(b->a.io);
    b->error = pawl_io_error(b->a.io);
    assert_int_equal(pawl_timer_stop(&b->a.f->loop, &b->bound->timer), 0);
    if (b->a.rc == 0)
        assert_int_equal(pawl_io_close(b->a.io), 0);
    PAWL_END(cx);
}

static void bounded_start(fix *f, bounded *b, const char *name, pawl_io *io, unsigned dir,
                          at *bound)
{
    awaiter_init(f, &b->a, name, io, dir, 1);
    b->bound = bound;
    assert_int_equal(pawl_task_init(&b->a.task, bounded_poll), 0);
    assert_int_equal(pawl_task_spawn(&f->loop, &b->a.task), 0);
    at_start(f, bound, 10000, act_fail_bound, -1, io, NULL);
}

static struct sockaddr_in loopback_any(void)
{
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return a;
}

static void refused_connect_reports_error_with_econnrefused(void **state)
{
    fix *f = *state;
    use_real_clock(f);
    /* A loopback port nobody listens on: bound, never listened, closed. */
    struct sockaddr_in addr = loopback_any();
    socklen_t len = sizeof addr;
    int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    assert_true(s >= 0);
    assert_int_equal(bind(s, (struct sockaddr *)&addr, sizeof addr), 0);
    assert_int_equal(getsockname(s, (struct sockaddr *)&addr, &len), 0);
    assert_int_equal(close(s), 0);
    int c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    assert_true(c >= 0);
    int rc = connect(c, (struct sockaddr *)&addr, sizeof addr);
    assert_true(rc == -1 && (errno == EINPROGRESS || errno == ECONNREFUSED));
    pawl_io io = {0};
    io_open_ok(f, &io, c);
    bounded b;
    at bound;
    bounded_start(f, &b, "w", &io, PAWL_IO_WRITABLE, &bound);
    run_all(f);
    assert_string_equal(f->log, "w=0");
    assert_int_equal(b.events & PAWL_IO_ERROR, PAWL_IO_ERROR);
    assert_int_equal(b.error, -ECONNREFUSED);
}

static void tcp_reset_by_linger_zero_reports_error_with_econnreset(void **state)
{
    fix *f = *state;
    use_real_clock(f);
    struct sockaddr_in addr = loopback_any();
    socklen_t len = sizeof addr;
    int l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    assert_true(l >= 0);
    assert_int_equal(bind(l, (struct sockaddr *)&addr, sizeof addr), 0);
    assert_int_equal(getsockname(l, (struct sockaddr *)&addr, &len), 0);
    assert_int_equal(listen(l, 1), 0);
    int c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    assert_true(c >= 0);
    assert_int_equal(connect(c, (struct sockaddr *)&addr, sizeof addr), 0);
    int s = accept(l, NULL, NULL);
    assert_true(s >= 0);
    assert_int_equal(close(l), 0);
    pawl_io io = {0};
    io_open_ok(f, &io, c);
    bounded b;
    at bound;
    bounded_start(f, &b, "r", &io, PAWL_IO_READABLE, &bound);
    /* The reader waits first; then the peer resets the connection. */
    assert_int_equal(pawl_loop_run(&f->loop, PAWL_RUN_NOWAIT), 1);
    assert_int_equal(pawl_task_get_state(&b.a.task), PAWL_TASK_WAITING);
    struct linger lg = {.l_onoff = 1, .l_linger = 0};
    assert_int_equal(setsockopt(s, SOL_SOCKET, SO_LINGER, &lg, sizeof lg), 0);
    assert_int_equal(close(s), 0);
    run_all(f);
    assert_string_equal(f->log, "r=0");
    assert_int_equal(b.events & PAWL_IO_ERROR, PAWL_IO_ERROR);
    assert_int_equal(b.error, -ECONNRESET);
}

/* ---- close --------------------------------------------------------------------------- */

static void close_wakes_reader_and_writer_with_eclosed_and_closes_the_fd(void **state)
{
    fix *f = *state;
    int sv[2];
    make_pair(sv);
    assert_true(fill(sv[0]) > 0); /* so that the writer waits */
    pawl_io io = {0};
    io_open_ok(f, &io, sv[0]);
    awaiter r, w;
    awaiter_start(f, &r, "r", &io, PAWL_IO_READABLE, 1);
    awaiter_start(f, &w, "w", &io, PAWL_IO_WRITABLE, 1);
    at c;
    at_start(f, &c, 10, act_io_close, -1, &io, &r.task);
    run_all(f);
    assert_int_equal(c.rc, 0);
    assert_int_equal(c.seen_state, PAWL_TASK_WAITING);
    assert_int_equal(pawl_task_get_state(&w.task), PAWL_TASK_DONE);
    assert_string_equal(f->log, "close@10 r=ECLOSED@10 w=ECLOSED@10");
    assert_true(fd_is_closed(sv[0]));
    assert_int_equal(pawl_io_fd(&io), -1);
    assert_int_equal(pawl_io_events(&io), 0);
    assert_int_equal(pawl_io_close(&io), PAWL_ECLOSED);
    assert_int_equal(pawl_io_close(NULL), PAWL_EINVAL);
    assert_int_equal(close(sv[1]), 0);
}

static void await_on_closed_handle_is_eclosed_and_on_unopened_einval(void **state)
{
    fix *f = *state;
    int sv[2];
    make_pair(sv);
    pawl_io io = {0}, never = {0};
    io_open_ok(f, &io, sv[0]);
    assert_int_equal(pawl_io_close(&io), 0);
    awaiter r, w, z, zw;
    awaiter_start(f, &r, "r", &io, PAWL_IO_READABLE, 1);
    awaiter_start(f, &w, "w", &io, PAWL_IO_WRITABLE, 1);
    awaiter_start(f, &z, "z", &never, PAWL_IO_READABLE, 1);
    awaiter_start(f, &zw, "zw", &never, PAWL_IO_WRITABLE, 1);
    run_all(f);
    assert_string_equal(f->log, "r=ECLOSED@0 w=ECLOSED@0 z=EINVAL@0 zw=EINVAL@0");
    /* The other calls on handles that are not open. */
    assert_int_equal(pawl_io_fd(&never), -1);
    assert_int_equal(pawl_io_events(&never), 0);
    assert_int_equal(pawl_io_close(&never), PAWL_EINVAL);
    assert_int_equal(pawl_io_detach(&never), PAWL_EINVAL);
    assert_int_equal(pawl_io_error(&never), PAWL_EINVAL);
    assert_int_equal(pawl_io_error(NULL), PAWL_EINVAL);
    pawl_io_clear(&never, PAWL_IO_READABLE); /* ignored */
    pawl_io_clear(NULL, PAWL_IO_READABLE);
    assert_int_equal(close(sv[1]), 0);
}

/* ---- registration errors ------------------------------------------------------------ */

static void open_rejects_bad_descriptors_duplicates_and_busy_handles(void **state)
{
    fix *f = *state;
    int sv[2];
    make_pair(sv);
    pawl_io io = {0}, other = {0};
    pawl_loop zeroed;
    memset(&zeroed, 0, sizeof zeroed);
    assert_int_equal(pawl_io_open(NULL, &io, sv[0]), PAWL_EINVAL);
    assert_int_equal(pawl_io_open(&zeroed, &io, sv[0]), PAWL_EUNINIT);
    assert_int_equal(pawl_io_open(&f->loop, NULL, sv[0]), PAWL_EINVAL);
    assert_int_equal(pawl_io_open(&f->loop, &io, -1), PAWL_EINVAL);

    io_open_ok(f, &io, sv[0]);
    /* A descriptor number that is not open (made after the first open,
     * which may create the reactor's own descriptor: that could take the
     * freed number). */
    int p[2];
    assert_int_equal(pipe(p), 0);
    assert_int_equal(close(p[0]), 0);
    assert_int_equal(close(p[1]), 0);
    assert_int_equal(pawl_io_open(&f->loop, &other, p[0]), -EBADF);
    assert_int_equal(pawl_io_fd(&other), -1);
    /* The same descriptor again on the same loop. */
    assert_int_equal(pawl_io_open(&f->loop, &other, sv[0]), PAWL_EALREADY);
    assert_int_equal(pawl_io_fd(&other), -1);
    /* A handle that is open already. */
    assert_int_equal(pawl_io_open(&f->loop, &io, sv[1]), PAWL_EBUSY);
    assert_int_equal(pawl_io_fd(&io), sv[0]);
    /* The failures left the loop's books alone: the second end can still
     * be opened and everything closes (the teardown closes the loop). */
    io_open_ok(f, &other, sv[1]);
    assert_int_equal(pawl_io_close(&io), 0);
    assert_int_equal(pawl_io_close(&other), 0);
}

/* epoll cannot watch a regular file (EPERM); poll and io_uring's poll
 * requests accept one and find it always ready, as poll(2) does. */
static void regular_file_is_eperm_on_epoll_and_always_ready_elsewhere(void **state)
{
    fix *f = *state;
    char path[] = "/tmp/pawl-test-io-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(unlink(path), 0);
    pawl_io io = {0};
    int rc = pawl_io_open(&f->loop, &io, fd);
    assert_string_equal(pawl_loop_backend(&f->loop), f->name); /* set up either way */
    if (f->backend == PAWL_BACKEND_EPOLL) {
        assert_int_equal(rc, -EPERM);
        assert_int_equal(pawl_io_fd(&io), -1);
        assert_int_equal(close(fd), 0);
        return;
    }
    assert_int_equal(rc, 0);
    awaiter r, w;
    awaiter_start(f, &r, "r", &io, PAWL_IO_READABLE, 1);
    awaiter_start(f, &w, "w", &io, PAWL_IO_WRITABLE, 1);
    at c;
    at_start(f, &c, 100, act_io_close, -1, &io, NULL);
    run_all(f);
    assert_string_equal(f->log, "r=0@0 w=0@0 close@100");
}

/* ---- one waiter per direction, cancellation ----------------------------------------- */

static void second_task_awaiting_the_same_direction_gets_ebusy(void **state)
{
    fix *f = *state;
    int sv[2];
    make_pair(sv);
    pawl_io io = {0};
    io_open_ok(f, &io, sv[0]);
    awaiter a, b;
    awaiter_start(f, &a, "a", &io, PAWL_IO_READABLE, 1);
    awaiter_start(f, &b, "b", &io, PAWL_IO_READABLE, 1);
    at wr, c;
    at_start(f, &wr, 10, act_write, sv[1], NULL, NULL);
    at_start(f, &c, 20, act_io_close, -1, &io, NULL);
    run_all(f);
    assert_string_equal(f->log, "b=EBUSY@0 w@10 a=0@10 close@20");
    assert_int_equal(close(sv[1]), 0);
}

static void cancel_of_a_reader_gives_its_waker_back(void **state)
{
    fix *f = *state;
    int sv[2];
    make_pair(sv);
    pawl_io io = {0};
    io_open_ok(f, &io, sv[0]);
    awaiter a, b;
    awaiter_start(f, &a, "a", &io, PAWL_IO_READABLE, 1);
    awaiter_init(f, &b, "b", &io, PAWL_IO_READABLE, 1);
    at cancel, spawn, wr, c;
    at_start(f, &cancel, 10, act_cancel, -1, NULL, &a.task);
    at_start(f, &spawn, 20, act_spawn, -1, NULL, &b.task);
    at_start(f, &wr, 30, act_write, sv[1], NULL, NULL);
    at_start(f, &c, 40, act_io_close, -1, &io, NULL);
    run_all(f);
    assert_int_equal(cancel.rc, 0);
    assert_int_equal(cancel.seen_state, PAWL_TASK_WAITING);
    /* b could wait (a no longer held the reader's place) and got the
     * write; a was not polled again after its cancellation. */
    assert_string_equal(f->log, "cancel@10 a!cancel@10 spawn@20 w@30 b=0@30 close@40");
    assert_int_equal(a.polls, 3); /* start, the canceled await, its cleanup */
    assert_int_equal(b.polls, 2);
    assert_int_equal(close(sv[1]), 0);
}

/* ---- ref / unref, loop close, detach ------------------------------------------------ */

static void unreferenced_handle_does_not_keep_the_loop_alive(void **state)
{
    fix *f = *state;
    int sv[2];
    make_pair(sv);
    pawl_io io = {0};
    io_open_ok(f, &io, sv[0]);
    assert_int_equal(pawl_loop_alive(&f->loop), 1);
    assert_int_equal(pawl_io_unref(&io), 0);
    assert_int_equal(pawl_io_unref(&io), 0); /* idempotent */
    assert_int_equal(pawl_loop_alive(&f->loop), 0);
    uint64_t it = pawl_loop_iterations(&f->loop);
    assert_int_equal(pawl_loop_run(&f->loop, PAWL_RUN_DEFAULT), 0);
    assert_int_equal(pawl_loop_iterations(&f->loop), it); /* not one iteration */
    /* Open, referenced or not: the loop cannot close. */
    assert_int_equal(pawl_loop_close(&f->loop), PAWL_EBUSY);

    /* Referenced again, it keeps the loop going until an unreferenced
     * timer (which cannot keep it going itself) closes it at 100 ms. */
    assert_int_equal(pawl_io_ref(&io), 0);
    assert_int_equal(pawl_io_ref(&io), 0);
    assert_int_equal(pawl_loop_alive(&f->loop), 1);
    at c;
    at_start(f, &c, 100, act_io_close, -1, &io, NULL);
    assert_int_equal(pawl_timer_unref(&f->loop, &c.timer), 0);
    run_all(f);
    assert_string_equal(f->log, "close@100");
    assert_int_equal(now(f), 100);

    assert_int_equal(pawl_io_ref(&io), PAWL_ECLOSED);
    assert_int_equal(pawl_io_unref(&io), PAWL_ECLOSED);
    assert_int_equal(pawl_io_ref(NULL), PAWL_EINVAL);
    assert_int_equal(pawl_io_unref(NULL), PAWL_EINVAL);
    assert_int_equal(close(sv[1]), 0);
}

static void loop_close_is_ebusy_while_a_handle_is_open(void **state)
{
    fix *f = *state;
    int sv[2];
    make_pair(sv);
    pawl_io a = {0}, b = {0};
    io_open_ok(f, &a, sv[0]);
    io_open_ok(f, &b, sv[1]);
    assert_int_equal(pawl_loop_close(&f->loop), PAWL_EBUSY);
    assert_int_equal(pawl_io_close(&a), 0);
    assert_int_equal(pawl_loop_close(&f->loop), PAWL_EBUSY);
    assert_int_equal(pawl_io_detach(&b), 0);
    assert_int_equal(pawl_loop_close(&f->loop), 0);
    f->closed = true;
    assert_true(fd_is_closed(sv[0]));
    assert_true(fd_is_open(sv[1]));
    assert_int_equal(close(sv[1]), 0);
}

static void detach_leaves_the_descriptor_open_and_registrable_again(void **state)
{
    fix *f = *state;
    int sv[2];
    make_pair(sv);
    pawl_io io = {0}, again = {0};
    io_open_ok(f, &io, sv[0]);
    assert_int_equal(pawl_io_detach(&io), 0);
    assert_int_equal(pawl_io_detach(&io), PAWL_ECLOSED);
    assert_int_equal(pawl_io_detach(NULL), PAWL_EINVAL);
    assert_true(fd_is_open(sv[0]));
    assert_int_equal(pawl_io_fd(&io), -1);
    /* The descriptor still works, and the reactor forgot it: it can be
     * taken in again, and then closing the handle closes it. */
    put(sv[1], "y");
    char c = 0;
    assert_int_equal(read(sv[0], &c, 1), 1);
    assert_int_equal(c, 'y');
    io_open_ok(f, &again, sv[0]);
    awaiter r;
    awaiter_start(f, &r, "r", &again, PAWL_IO_READABLE, 1);
    at w, cl;
    at_start(f, &w, 10, act_write, sv[1], NULL, NULL);
    at_start(f, &cl, 20, act_io_close, -1, &again, NULL);
    run_all(f);
    assert_string_equal(f->log, "w@10 r=0@10 close@20");
    assert_true(fd_is_closed(sv[0]));
    assert_int_equal(close(sv[1]), 0);
}

/* ---- the watch callback --------------------------------------------------------------- */

typedef struct watcher {
    fix *f;
    const char *name;
    int calls;
    int drain_from;     /* from this call on, read to EAGAIN and clear */
    int stop_at;        /* stop the watch at this call */
    int close_at;       /* close the handle at this call */
    pawl_io *close_too; /* and this one */
    struct watcher *peer; /* close peer_io once peer was called */
    pawl_io *peer_io;
    uint64_t iteration[8];
} watcher;

static const char *ev_str(unsigned ev, char buf[8])
{
    char *p = buf;
    if (ev & PAWL_IO_READABLE)
        *p++ = 'R';
    if (ev & PAWL_IO_WRITABLE)
        *p++ = 'W';
    if (ev & PAWL_IO_HUP)
        *p++ = 'H';
    if (ev & PAWL_IO_ERROR)
        *p++ = 'E';
    if (p == buf)
        *p++ = '-';
    *p = '\0';
    return buf;
}

static void watch_cb(pawl_io *io, unsigned events, void *arg)
{
    watcher *w = arg;
    fix *f = w->f;
    char buf[8];
    if (w->calls < 8)
        w->iteration[w->calls] = pawl_loop_iterations(&f->loop);
    w->calls++;
    log_add(f, "%s=%s@%llu", w->name, ev_str(events, buf), (unsigned long long)now(f));
    if (w->drain_from != 0 && w->calls >= w->drain_from) {
        drain(pawl_io_fd(io));
        pawl_io_clear(io, PAWL_IO_READABLE);
        log_add(f, "drained");
    }
    if (w->calls == w->stop_at) {
        assert_int_equal(pawl_io_watch(io, 0, NULL, NULL), 0);
        log_add(f, "stop");
    }
    if (w->peer != NULL && w->peer->calls > 0 && pawl_io_fd(w->peer_io) != -1)
        log_add(f, "close-peer=%s", rc_name(pawl_io_close(w->peer_io)));
    if (w->calls == w->close_at) {
        if (w->close_too != NULL)
            log_add(f, "close-other=%s", rc_name(pawl_io_close(w->close_too)));
        log_add(f, "close=%s", rc_name(pawl_io_close(io)));
    }
}

static void watch_reports_readable_each_iteration_until_cleared(void **state)
{
    fix *f = *state;
    int sv[2];
    make_pair(sv);
    pawl_io io = {0};
    io_open_ok(f, &io, sv[0]);
    watcher w = {.f = f, .name = "cb", .drain_from = 3};
    assert_int_equal(pawl_io_watch(&io, PAWL_IO_READABLE, watch_cb, &w), 0);
    at w1, w2, end;
    at_start(f, &w1, 10, act_write, sv[1], NULL, NULL);
    at_start(f, &w2, 50, act_write, sv[1], NULL, NULL);
    at_start(f, &end, 100, act_io_close, -1, &io, NULL);
    run_all(f);
    /* Level behaviour: called again while the cache holds the event, in
     * consecutive iterations and without time passing; not after the
     * clear; and again for the next write. */
    assert_string_equal(f->log,
                        "w@10 cb=R@10 cb=R@10 cb=R@10 drained w@50 cb=R@50 drained close@100");
    assert_int_equal(w.iteration[1], w.iteration[0] + 1);
    assert_int_equal(w.iteration[2], w.iteration[1] + 1);
    assert_int_equal(close(sv[1]), 0);
}

static void watch_stopped_in_its_callback_is_not_called_again(void **state)
{
    fix *f = *state;
    int sv[2];
    make_pair(sv);
    pawl_io io = {0};
    io_open_ok(f, &io, sv[0]);
    watcher w = {.f = f, .name = "cb", .stop_at = 1};
    assert_int_equal(pawl_io_watch(&io, PAWL_IO_READABLE, watch_cb, &w), 0);
    at w1, w2, end;
    at_start(f, &w1, 10, act_write, sv[1], NULL, NULL);
    at_start(f, &w2, 20, act_write, sv[1], NULL, NULL);
    at_start(f, &end, 100, act_io_close, -1, &io, NULL);
    run_all(f);
    assert_string_equal(f->log, "w@10 cb=R@10 stop w@20 close@100");
    assert_int_equal(close(sv[1]), 0);
}

static void watch_stopped_from_outside_and_bad_arguments(void **state)
{
    fix *f = *state;
    int sv[2];
    make_pair(sv);
    pawl_io io = {0}, never = {0};
    watcher w = {.f = f, .name = "cb"};
    assert_int_equal(pawl_io_watch(&never, PAWL_IO_READABLE, watch_cb, &w), PAWL_EINVAL);
    io_open_ok(f, &io, sv[0]);
    assert_int_equal(pawl_io_watch(NULL, PAWL_IO_READABLE, watch_cb, &w), PAWL_EINVAL);
    assert_int_equal(pawl_io_watch(&io, PAWL_IO_HUP, watch_cb, &w), PAWL_EINVAL);
    assert_int_equal(pawl_io_watch(&io, PAWL_IO_READABLE, NULL, &w), PAWL_EINVAL);
    assert_int_equal(pawl_io_watch(&io, PAWL_IO_READABLE, watch_cb, &w), 0);
    assert_int_equal(pawl_io_watch(&io, 0, NULL, NULL), 0);
    put(sv[1], "x");
    at end;
    at_start(f, &end, 100, act_io_close, -1, &io, NULL);
    run_all(f);
    assert_string_equal(f->log, "close@100");
    assert_int_equal(pawl_io_watch(&io, PAWL_IO_READABLE, watch_cb, &w), PAWL_ECLOSED);
    assert_int_equal(close(sv[1]), 0);
}

static void watch_set_on_cached_readiness_is_called_in_the_next_poll_phase(void **state)
{
    fix *f = *state;
    int sv[2];
    make_pair(sv);
    pawl_io io = {0};
    io_open_ok(f, &io, sv[0]);
    assert_int_equal(pawl_io_unref(&io), 0); /* the loop runs while r does */
    put(sv[1], "x");
    awaiter r;
    awaiter_start(f, &r, "r", &io, PAWL_IO_READABLE, 1);
    /* The reader sees it and leaves it cached (it does not read). */
    run_all(f);
    assert_int_equal(pawl_io_ref(&io), 0);
    assert_int_equal(pawl_io_events(&io) & PAWL_IO_READABLE, PAWL_IO_READABLE);
    watcher w = {.f = f, .name = "cb", .drain_from = 1, .close_at = 1};
    assert_int_equal(pawl_io_watch(&io, PAWL_IO_READABLE, watch_cb, &w), 0);
    run_all(f);
    assert_string_equal(f->log, "r=0@0 cb=R@0 drained close=0");
    assert_int_equal(close(sv[1]), 0);
}

static void watch_callback_closing_its_own_handle(void **state)
{
    fix *f = *state;
    int sv[2];
    make_pair(sv);
    pawl_io io = {0};
    io_open_ok(f, &io, sv[0]);
    watcher w = {.f = f, .name = "cb", .close_at = 1};
    assert_int_equal(pawl_io_watch(&io, PAWL_IO_READABLE, watch_cb, &w), 0);
    at w1;
    at_start(f, &w1, 10, act_write, sv[1], NULL, NULL);
    /* The handle was all that kept the loop going: it ends at once. */
    run_all(f);
    assert_string_equal(f->log, "w@10 cb=R@10 close=0");
    assert_true(fd_is_closed(sv[0]));
    assert_int_equal(close(sv[1]), 0);
}

/* Two handles ready in the same poll phase, each callback closing the
 * other and itself: whichever runs first, the other is never called. */
static void watch_callback_closing_another_ready_handle(void **state)
{
    fix *f = *state;
    int a[2], b[2];
    make_pair(a);
    make_pair(b);
    pawl_io ia = {0}, ib = {0};
    io_open_ok(f, &ia, a[0]);
    io_open_ok(f, &ib, b[0]);
    watcher wa = {.f = f, .name = "a", .close_at = 1, .close_too = &ib};
    watcher wb = {.f = f, .name = "b", .close_at = 1, .close_too = &ia};
    assert_int_equal(pawl_io_watch(&ia, PAWL_IO_READABLE, watch_cb, &wa), 0);
    assert_int_equal(pawl_io_watch(&ib, PAWL_IO_READABLE, watch_cb, &wb), 0);
    put(a[1], "x");
    put(b[1], "x");
    run_all(f);
    assert_int_equal(wa.calls + wb.calls, 1);
    if (wa.calls == 1)
        assert_string_equal(f->log, "a=R@0 close-other=0 close=0");
    else
        assert_string_equal(f->log, "b=R@0 close-other=0 close=0");
    assert_true(fd_is_closed(a[0]));
    assert_true(fd_is_closed(b[0]));
    assert_int_equal(close(a[1]), 0);
    assert_int_equal(close(b[1]), 0);
}

/* Two handles ready in the same poll phase, neither callback reading: the
 * second to run closes the first, which is then waiting for its level
 * report in the next phase; it never comes, and the second keeps being
 * called until it closes itself. */
static void watch_callback_closing_a_handle_already_called_this_phase(void **state)
{
    fix *f = *state;
    int a[2], b[2];
    make_pair(a);
    make_pair(b);
    pawl_io ia = {0}, ib = {0};
    io_open_ok(f, &ia, a[0]);
    io_open_ok(f, &ib, b[0]);
    watcher wa = {.f = f, .name = "a", .close_at = 2}, wb = {.f = f, .name = "b", .close_at = 2};
    wa.peer = &wb;
    wa.peer_io = &ib;
    wb.peer = &wa;
    wb.peer_io = &ia;
    assert_int_equal(pawl_io_watch(&ia, PAWL_IO_READABLE, watch_cb, &wa), 0);
    assert_int_equal(pawl_io_watch(&ib, PAWL_IO_READABLE, watch_cb, &wb), 0);
    put(a[1], "x");
    put(b[1], "x");
    run_all(f);
    watcher *first = wa.calls == 1 ? &wa : &wb, *second = first == &wa ? &wb : &wa;
    assert_int_equal(first->calls, 1);
    assert_int_equal(second->calls, 2);
    char want[128];
    snprintf(want, sizeof want, "%s=R@0 %s=R@0 close-peer=0 %s=R@0 close=0", first->name,
             second->name, second->name);
    assert_string_equal(f->log, want);
    assert_true(fd_is_closed(a[0]));
    assert_true(fd_is_closed(b[0]));
    assert_int_equal(close(a[1]), 0);
    assert_int_equal(close(b[1]), 0);
}

/* ---- many handles ------------------------------------------------------------------------ */

#define MANY 200

/* Reads 4-byte messages until its handle is closed. */
typedef struct many_reader {
    pawl_task task;
    fix *f;
    pawl_io io;
    int peer;
    uint32_t id;
    int rc;
    int wakes;       /* awaits that returned 0 */
    int messages;
    int wrong;       /* messages that were not `id` */
    uint64_t at;     /* loop time of the first message */
} many_reader;

static pawl_poll many_reader_poll(pawl_task *t, pawl_cx *cx)
{
    many_reader *m = PAWL_CONTAINER_OF(t, many_reader, task);
    PAWL_BEGIN(cx);
    for (;;) {
        PAWL_AWAIT(cx, m->rc, pawl_io_readable(&m->io, cx));
        if (m->rc != 0)
            break;
        if (++m->wakes > 3)
            break; /* woken for nothing again and again: fail, do not spin */
        uint32_t v;
        ssize_t n;
        while ((n = read(pawl_io_fd(&m->io), &v, sizeof v)) == (ssize_t)sizeof v) {
            if (m->messages++ == 0)
                m->at = now(m->f);
            if (v != m->id)
                m->wrong++;
        }
        assert_true(n < 0 && errno == EAGAIN);
        pawl_io_clear(&m->io, PAWL_IO_READABLE);
    }
    PAWL_END(cx);
}

typedef struct many_writer {
    pawl_timer timer;
    many_reader *readers;
    uint32_t order[MANY];
    int next;
} many_writer;

/* Every millisecond, write one reader's message, in the shuffled order. */
static int many_write(pawl_loop *loop, pawl_timer *t)
{
    (void)loop;
    many_writer *w = PAWL_CONTAINER_OF(t, many_writer, timer);
    many_reader *m = &w->readers[w->order[w->next++]];
    assert_int_equal(write(m->peer, &m->id, sizeof m->id), (ssize_t)sizeof m->id);
    return w->next < MANY ? PAWL_TIMER_AGAIN : PAWL_TIMER_STOP;
}

typedef struct many_closer {
    pawl_timer timer;
    many_reader *readers;
} many_closer;

static int many_close(pawl_loop *loop, pawl_timer *t)
{
    (void)loop;
    many_closer *c = PAWL_CONTAINER_OF(t, many_closer, timer);
    for (int i = 0; i < MANY; i++)
        assert_int_equal(pawl_io_close(&c->readers[i].io), 0);
    return PAWL_TIMER_STOP;
}

static void many_handles_each_get_their_message_exactly_once(void **state)
{
    fix *f = *state;
    many_reader *rs = test_calloc(MANY, sizeof *rs);
    assert_non_null(rs);
    many_writer *w = test_calloc(1, sizeof *w);
    assert_non_null(w);
    for (uint32_t i = 0; i < MANY; i++) {
        many_reader *m = &rs[i];
        int sv[2];
        make_pair(sv);
        m->f = f;
        m->id = 1000 + i;
        m->peer = sv[1];
        io_open_ok(f, &m->io, sv[0]);
        assert_int_equal(pawl_task_init(&m->task, many_reader_poll), 0);
        assert_int_equal(pawl_task_spawn(&f->loop, &m->task), 0);
        w->order[i] = i;
    }
    /* A seeded shuffle (xorshift32, Fisher-Yates): random, yet the same
     * order every run. */
    uint32_t x = 0x9e3779b9u;
    for (uint32_t i = MANY - 1; i > 0; i--) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        uint32_t j = x % (i + 1);
        uint32_t tmp = w->order[i];
        w->order[i] = w->order[j];
        w->order[j] = tmp;
    }
    w->readers = rs;
    assert_int_equal(pawl_timer_init(&w->timer, many_write), 0);
    assert_int_equal(pawl_timer_start(&f->loop, &w->timer, 1), 0);
    many_closer c = {.readers = rs};
    assert_int_equal(pawl_timer_init(&c.timer, many_close), 0);
    assert_int_equal(pawl_timer_start(&f->loop, &c.timer, 1000), 0);
    run_all(f);
    for (int k = 0; k < MANY; k++) {
        many_reader *m = &rs[w->order[k]];
        assert_int_equal(m->messages, 1);
        assert_int_equal(m->wrong, 0);
        assert_int_equal(m->wakes, 1);
        /* Delivered in the millisecond it was written: k + 1. */
        assert_int_equal(m->at, (uint64_t)k + 1);
        assert_int_equal(m->rc, PAWL_ECLOSED);
        assert_int_equal(close(m->peer), 0);
    }
    test_free(w);
    test_free(rs);
}

/* ---- a spy on the reactor's waits -------------------------------------------------- */
/*
 * Through the syscall seam (src/sys.h; process-wide, so each case that
 * installs it puts the real table back): the reactor's waits, whether
 * each would block, and what it returned.  Blocking waits are epoll_wait
 * and poll with a timeout other than zero, and io_uring's submit-and-wait
 * (its wait(0) never waits).
 */
typedef struct wait_spy {
    struct pawl__sys sys;
    int waits;
    int blocking;       /* waits that could block */
    int timed_out;      /* blocking waits that ended by their timeout */
    int last_n;         /* what the last epoll_wait / poll returned */
    bool refuse_blocking; /* fail blocking waits with EIO */
    int limit;          /* fail every wait after this many with EIO */
} wait_spy;

/* Far more waits than any case needs (the many-handles case, the most,
 * about three per message). */
#define SPY_LIMIT 10000

static wait_spy g_spy;

static bool spy_blocks(const struct timespec *ts)
{
    return ts == NULL || ts->tv_sec != 0 || ts->tv_nsec != 0;
}

/* Count the wait; true if it must fail with EIO. */
static bool spy_refuse(bool blocking)
{
    g_spy.waits++;
    g_spy.blocking += blocking;
    if ((blocking && g_spy.refuse_blocking) || g_spy.waits > g_spy.limit) {
        errno = EIO;
        return true;
    }
    return false;
}

static int spy_epoll_wait(int epfd, struct epoll_event *evs, int max, const struct timespec *ts)
{
    if (spy_refuse(spy_blocks(ts)))
        return -1;
    int n = pawl__sys_default.epoll_wait(epfd, evs, max, ts);
    g_spy.last_n = n;
    g_spy.timed_out += spy_blocks(ts) && n == 0;
    return n;
}

static int spy_poll(struct pollfd *fds, nfds_t nfds, const struct timespec *ts)
{
    if (spy_refuse(spy_blocks(ts)))
        return -1;
    int n = pawl__sys_default.poll(fds, nfds, ts);
    g_spy.last_n = n;
    g_spy.timed_out += spy_blocks(ts) && n == 0;
    return n;
}

#if defined(PAWL_HAVE_URING)
static int spy_uring_wait(struct io_uring *ring, struct io_uring_cqe **cqe, unsigned wait_nr,
                          struct __kernel_timespec *ts, sigset_t *sigmask)
{
    if (spy_refuse(true))
        return -EIO;
    int rc = pawl__sys_default.uring_submit_and_wait_timeout(ring, cqe, wait_nr, ts, sigmask);
    g_spy.timed_out += rc == -ETIME;
    return rc;
}
#endif

static void spy_install(void)
{
    memset(&g_spy, 0, sizeof g_spy);
    g_spy.limit = SPY_LIMIT;
    g_spy.sys = pawl__sys_default;
    g_spy.sys.epoll_wait = spy_epoll_wait;
    g_spy.sys.poll = spy_poll;
#if defined(PAWL_HAVE_URING)
    g_spy.sys.uring_submit_and_wait_timeout = spy_uring_wait;
#endif
    pawl__sys = &g_spy.sys;
}

static void spy_remove(void)
{
    pawl__sys = &pawl__sys_default;
}

static void spy_refuse_blocking(bool refuse)
{
    g_spy.refuse_blocking = refuse;
}

/* ---- a remote wake while the reactor blocks ---------------------------------------- */

typedef struct remote_case {
    pawl_loop *loop;
    pawl_remote remote;
    pawl_timer bound;
    pid_t loop_tid;
    atomic_int give_up;   /* the bound fired: the thread must stop waiting */
    atomic_int saw_asleep; /* the thread saw the loop thread blocked */
    int ring_rc;
    int calls;
    int bound_fired;
} remote_case;

/* The scheduler state of a thread of this process ('S': asleep in a
 * system call), or 0 if it cannot be read. */
static char thread_state(pid_t tid)
{
    char path[64], buf[512];
    snprintf(path, sizeof path, "/proc/self/task/%d/stat", (int)tid);
    FILE *fp = fopen(path, "r");
    if (fp == NULL)
        return 0;
    size_t n = fread(buf, 1, sizeof buf - 1, fp);
    fclose(fp);
    buf[n] = '\0';
    const char *paren = strrchr(buf, ')'); /* the name may hold spaces */
    return paren != NULL && paren[1] == ' ' ? paren[2] : 0;
}

/* Wait (without sleeping) until the loop's thread is blocked, then ring. */
static void *ringer(void *arg)
{
    remote_case *rc = arg;
    while (!atomic_load(&rc->give_up)) {
        if (thread_state(rc->loop_tid) == 'S') {
            atomic_store(&rc->saw_asleep, 1);
            break;
        }
        sched_yield();
    }
    rc->ring_rc = pawl_wake_remote(&rc->remote);
    return NULL;
}

static void remote_rang(pawl_remote *r, void *arg)
{
    remote_case *rc = arg;
    (void)r;
    rc->calls++;
    assert_int_equal(pawl_timer_stop(rc->loop, &rc->bound), 0);
    assert_int_equal(pawl_loop_stop(rc->loop), 0);
}

static int remote_bound(pawl_loop *loop, pawl_timer *t)
{
    remote_case *rc = PAWL_CONTAINER_OF(t, remote_case, bound);
    rc->bound_fired = 1;
    atomic_store(&rc->give_up, 1);
    assert_int_equal(pawl_loop_stop(loop), 0);
    return PAWL_TIMER_STOP;
}

/* On the POSIX platform, with an idle socket open, the loop blocks in the
 * reactor; another thread rings a remote once it sees the loop's thread
 * asleep.  The wait must end by the platform's notification: not by a
 * timeout (the timer wheel may wake the loop early to move the bound
 * between its levels, which would deliver the ring late but in time), and
 * the notification must be consumed, or every later wait would return at
 * once. */
static void remote_wake_interrupts_a_reactor_blocked_on_descriptors(void **state)
{
    fix *f = *state;
    use_real_clock(f);
    int sv[2];
    make_pair(sv);
    pawl_io io = {0};
    io_open_ok(f, &io, sv[0]); /* idle: the wait blocks in the reactor */
    remote_case rc;
    memset(&rc, 0, sizeof rc);
    rc.loop = &f->loop;
    rc.loop_tid = (pid_t)syscall(SYS_gettid);
    assert_int_equal(pawl_remote_init(&f->loop, &rc.remote, remote_rang, &rc), 0);
    assert_int_equal(pawl_timer_init(&rc.bound, remote_bound), 0);
    assert_int_equal(pawl_timer_start(&f->loop, &rc.bound, 10000), 0);
    g_spy.waits = g_spy.blocking = g_spy.timed_out = 0;
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, ringer, &rc), 0);
    int run = pawl_loop_run(&f->loop, PAWL_RUN_DEFAULT);
    assert_int_equal(pthread_join(th, NULL), 0);
    wait_spy during = g_spy;
    /* Nothing is ready now: one more look finds nothing, not even the
     * notification. */
    int again = pawl_loop_run(&f->loop, PAWL_RUN_NOWAIT);
    wait_spy after = g_spy;
    assert_int_equal(run, 1); /* stopped, with the handle still open */
    assert_int_equal(rc.bound_fired, 0);
    assert_int_equal(rc.calls, 1);
    assert_int_equal(rc.ring_rc, 0);
    assert_int_equal(atomic_load(&rc.saw_asleep), 1);
    assert_true(during.blocking >= 1);
    assert_int_equal(during.timed_out, 0);
    assert_int_equal(again, 1);
    if (f->backend != PAWL_BACKEND_URING) {
        assert_int_equal(after.waits, during.waits + 1);
        assert_int_equal(after.last_n, 0);
    }
    assert_int_equal(pawl_remote_close(&rc.remote), 0);
    assert_int_equal(pawl_timer_stop(&f->loop, &rc.bound), 0);
    assert_int_equal(pawl_io_close(&io), 0);
    assert_int_equal(close(sv[1]), 0);
    run_all(f);
}

/* ---- the virtual clock with descriptors -------------------------------------------- */

/* No real waiting: on the virtual clock the reactor only looks (the spy,
 * installed by the fixture, refuses any wait that would block), and a
 * handful of looks take the clock an hour ahead. */
static void hour_long_timer_fires_at_once_with_an_idle_socket_open(void **state)
{
    fix *f = *state;
    int sv[2];
    make_pair(sv);
    pawl_io io = {0};
    io_open_ok(f, &io, sv[0]);
    at t;
    at_start(f, &t, 3600u * 1000u, act_note, -1, NULL, NULL);
    at c;
    at_start(f, &c, 3600u * 1000u, act_io_close, -1, &io, NULL);
    g_spy.waits = g_spy.blocking = 0;
    g_spy.limit = 100;
    int rc = pawl_loop_run(&f->loop, PAWL_RUN_DEFAULT);
    wait_spy seen = g_spy;
    assert_int_equal(rc, 0);
    assert_string_equal(f->log, "t@3600000 close@3600000");
    assert_int_equal(f->vc.now_ns, 3600ull * 1000 * MS);
    assert_int_equal(seen.blocking, 0);
    assert_true(seen.waits <= 100);
    assert_int_equal(close(sv[1]), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, fix_setup, fix_teardown)
        T(loop_names_the_backend_asked_for),
        T(readable_wakes_on_peer_write_only_then_and_clear_rearms),
        T(writable_waits_while_full_until_the_peer_drains),
        T(peer_close_reports_hup_and_wakes_the_reader_to_read_eof),
        T(half_close_wakes_the_reader_not_a_blocked_writer),
        T(peer_reset_reports_error_and_wakes_a_blocked_writer),
        T(hang_up_or_error_alone_wakes_the_waiter),
        T(refused_connect_reports_error_with_econnrefused),
        T(tcp_reset_by_linger_zero_reports_error_with_econnreset),
        T(close_wakes_reader_and_writer_with_eclosed_and_closes_the_fd),
        T(await_on_closed_handle_is_eclosed_and_on_unopened_einval),
        T(open_rejects_bad_descriptors_duplicates_and_busy_handles),
        T(regular_file_is_eperm_on_epoll_and_always_ready_elsewhere),
        T(second_task_awaiting_the_same_direction_gets_ebusy),
        T(cancel_of_a_reader_gives_its_waker_back),
        T(unreferenced_handle_does_not_keep_the_loop_alive),
        T(loop_close_is_ebusy_while_a_handle_is_open),
        T(detach_leaves_the_descriptor_open_and_registrable_again),
        T(watch_reports_readable_each_iteration_until_cleared),
        T(watch_stopped_in_its_callback_is_not_called_again),
        T(watch_stopped_from_outside_and_bad_arguments),
        T(watch_set_on_cached_readiness_is_called_in_the_next_poll_phase),
        T(watch_callback_closing_its_own_handle),
        T(watch_callback_closing_another_ready_handle),
        T(watch_callback_closing_a_handle_already_called_this_phase),
        T(many_handles_each_get_their_message_exactly_once),
        T(remote_wake_interrupts_a_reactor_blocked_on_descriptors),
        T(hour_long_timer_fires_at_once_with_an_idle_socket_open),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
