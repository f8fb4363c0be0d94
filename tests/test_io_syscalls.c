/*
 * tests/test_io_syscalls.c -- what the reactors ask of the system, seen
 * through the syscall seam of src/sys.h: the epoll backend registers a
 * descriptor once when it is opened and deregisters it once when it is
 * closed, and makes no epoll_ctl call at all while tasks read, write,
 * await, watch and cancel; and an EINTR from epoll_wait or poll is not an
 * error, for either backend: the loop goes on.
 *
 * The seam's table is process-wide: each case installs its spy in the
 * setup and puts the real table back in the teardown.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "pawl/io.h"
#include "pawl/pawl.h"
#include "support.h"
#include "sys.h"

/* ---- the spy -------------------------------------------------------------------- */

typedef struct spy {
    struct pawl__sys sys; /* the table installed: the real one, spied on */
    int add, mod, del;    /* epoll_ctl calls by operation */
    int waits;            /* epoll_wait and poll calls */
    int eintr_left;       /* waits still to fail with EINTR */
    int eintr_given;
} spy;

/* The seam has no user pointer: the one spy in use. */
static spy *g_spy;

static int spy_epoll_ctl(int epfd, int op, int fd, struct epoll_event *ev)
{
    if (op == EPOLL_CTL_ADD)
        g_spy->add++;
    else if (op == EPOLL_CTL_MOD)
        g_spy->mod++;
    else if (op == EPOLL_CTL_DEL)
        g_spy->del++;
    return pawl__sys_default.epoll_ctl(epfd, op, fd, ev);
}

static bool spy_interrupt(void)
{
    g_spy->waits++;
    if (g_spy->eintr_left == 0)
        return false;
    g_spy->eintr_left--;
    g_spy->eintr_given++;
    errno = EINTR;
    return true;
}

static int spy_epoll_wait(int epfd, struct epoll_event *evs, int max, const struct timespec *ts)
{
    if (spy_interrupt())
        return -1;
    return pawl__sys_default.epoll_wait(epfd, evs, max, ts);
}

static int spy_poll(struct pollfd *fds, nfds_t n, const struct timespec *ts)
{
    if (spy_interrupt())
        return -1;
    return pawl__sys_default.poll(fds, n, ts);
}

typedef struct fix {
    vloop v;  /* the virtual-clock cases */
    pawl_loop real; /* the real-platform cases */
    bool real_open;
    spy spy;
} fix;

static int fix_setup(void **state)
{
    fix *f = test_calloc(1, sizeof *f);
    if (f == NULL)
        return -1;
    f->spy.sys = pawl__sys_default;
    f->spy.sys.epoll_ctl = spy_epoll_ctl;
    f->spy.sys.epoll_wait = spy_epoll_wait;
    f->spy.sys.poll = spy_poll;
    g_spy = &f->spy;
    pawl__sys = &f->spy.sys;
    *state = f;
    return 0;
}

static int fix_teardown(void **state)
{
    fix *f = *state;
    pawl__sys = &pawl__sys_default;
    g_spy = NULL;
    if (f->real_open)
        assert_int_equal(pawl_loop_close(&f->real), 0);
    else
        vloop_close(&f->v);
    test_free(f);
    return 0;
}

static pawl_loop *vloop_epoll(fix *f)
{
    vloop_open(&f->v, 0, (pawl_loop_opts){.backend = PAWL_BACKEND_EPOLL});
    return &f->v.loop;
}

static pawl_loop *real_loop(fix *f, pawl_backend backend)
{
    assert_int_equal(pawl_loop_init(&f->real, &(pawl_loop_opts){.backend = backend}), 0);
    f->real_open = true;
    return &f->real;
}

static void make_pair(int sv[2])
{
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
}

/* ---- epoll_ctl per change of interest --------------------------------------------- */

#define MESSAGES 1000

/* One side of a ping-pong: the pinger sends, then both read until a
 * message comes (read to EAGAIN, clear, await), and the ponger answers. */
typedef struct side {
    pawl_task task;
    pawl_io io;
    bool pinger;
    int rounds;
    int rc;
    int polls;   /* times the task was polled */
    uint32_t got;
} side;

static pawl_poll side_poll(pawl_task *t, pawl_cx *cx)
{
    side *s = PAWL_CONTAINER_OF(t, side, task);
    s->polls++;
    PAWL_BEGIN(cx);
    while (s->rounds < MESSAGES) {
        if (s->pinger)
            assert_int_equal(write(pawl_io_fd(&s->io), &s->rounds, sizeof s->rounds),
                             (ssize_t)sizeof s->rounds);
        for (;;) {
            ssize_t n = read(pawl_io_fd(&s->io), &s->got, sizeof s->got);
            if (n == (ssize_t)sizeof s->got)
                break;
            assert_true(n < 0 && errno == EAGAIN);
            pawl_io_clear(&s->io, PAWL_IO_READABLE);
            PAWL_AWAIT(cx, s->rc, pawl_io_readable(&s->io, cx));
            assert_int_equal(s->rc, 0);
        }
        assert_int_equal(s->got, (uint32_t)s->rounds);
        if (!s->pinger)
            assert_int_equal(write(pawl_io_fd(&s->io), &s->rounds, sizeof s->rounds),
                             (ssize_t)sizeof s->rounds);
        s->rounds++;
    }
    PAWL_END(cx);
}

static void epoll_ctl_once_per_open_and_close_and_never_per_message(void **state)
{
    fix *f = *state;
    pawl_loop *loop = vloop_epoll(f);
    int sv[2];
    make_pair(sv);
    side a = {.pinger = true}, b = {.pinger = false};
    /* The virtual clock has no notification descriptor: the handles are
     * all the reactor registers. */
    assert_int_equal(pawl_io_open(loop, &a.io, sv[0]), 0);
    assert_string_equal(pawl_loop_backend(loop), "epoll");
    assert_int_equal(f->spy.add, 1);
    assert_int_equal(pawl_io_open(loop, &b.io, sv[1]), 0);
    assert_int_equal(f->spy.add, 2);
    assert_int_equal(pawl_io_unref(&a.io), 0); /* the tasks keep the loop */
    assert_int_equal(pawl_io_unref(&b.io), 0);
    assert_int_equal(pawl_task_init(&a.task, side_poll), 0);
    assert_int_equal(pawl_task_init(&b.task, side_poll), 0);
    assert_int_equal(pawl_task_spawn(loop, &a.task), 0);
    assert_int_equal(pawl_task_spawn(loop, &b.task), 0);
    assert_int_equal(pawl_loop_run(loop, PAWL_RUN_DEFAULT), 0);
    assert_int_equal(a.rounds, MESSAGES);
    assert_int_equal(b.rounds, MESSAGES);
    /* Every message was awaited for real (each side suspended for each
     * message but the ponger's first, sent before it first ran), and none
     * of it touched the registration. */
    assert_int_equal(a.polls, MESSAGES + 1);
    assert_int_equal(b.polls, MESSAGES);
    assert_true(f->spy.waits >= MESSAGES);
    assert_int_equal(f->spy.add, 2);
    assert_int_equal(f->spy.mod, 0);
    assert_int_equal(f->spy.del, 0);
    assert_int_equal(pawl_io_close(&a.io), 0);
    assert_int_equal(f->spy.del, 1);
    assert_int_equal(pawl_io_detach(&b.io), 0);
    assert_int_equal(f->spy.del, 2);
    assert_int_equal(f->spy.add, 2);
    assert_int_equal(f->spy.mod, 0);
    assert_int_equal(close(sv[1]), 0);
}

/* Awaits readable; canceled by the test. */
typedef struct idle_reader {
    pawl_task task;
    pawl_io *io;
    int rc;
} idle_reader;

static pawl_poll idle_reader_poll(pawl_task *t, pawl_cx *cx)
{
    idle_reader *r = PAWL_CONTAINER_OF(t, idle_reader, task);
    PAWL_BEGIN(cx);
    PAWL_AWAIT(cx, r->rc, pawl_io_readable(r->io, cx));
    PAWL_END(cx);
}

static void count_cb(pawl_io *io, unsigned events, void *arg)
{
    (void)io;
    (void)events;
    ++*(int *)arg;
    /* Leaves the cache as it is: the watch would be called again next
     * iteration; the case stops it before. */
}

static void watch_await_and_cancel_cost_no_epoll_ctl(void **state)
{
    fix *f = *state;
    pawl_loop *loop = vloop_epoll(f);
    int sv[2];
    make_pair(sv);
    pawl_io io = {0};
    assert_int_equal(pawl_io_open(loop, &io, sv[0]), 0);
    assert_int_equal(f->spy.add, 1);
    idle_reader r = {.io = &io};
    assert_int_equal(pawl_task_init(&r.task, idle_reader_poll), 0);
    assert_int_equal(pawl_task_spawn(loop, &r.task), 0);
    assert_int_equal(pawl_loop_run(loop, PAWL_RUN_NOWAIT), 1);
    assert_int_equal(pawl_task_get_state(&r.task), PAWL_TASK_WAITING);
    assert_int_equal(pawl_task_cancel(loop, &r.task), 0);
    assert_int_equal(pawl_loop_run(loop, PAWL_RUN_NOWAIT), 1);
    assert_int_equal(r.rc, PAWL_ECANCELED);
    assert_int_equal(pawl_task_get_state(&r.task), PAWL_TASK_DONE);
    int calls = 0;
    assert_int_equal(pawl_io_watch(&io, PAWL_IO_READABLE | PAWL_IO_WRITABLE, count_cb, &calls),
                     0);
    assert_int_equal(pawl_loop_run(loop, PAWL_RUN_NOWAIT), 1);
    assert_int_equal(calls, 1); /* writable (cached since the first wait) */
    assert_int_equal(pawl_io_watch(&io, 0, NULL, NULL), 0);
    pawl_io_clear(&io, PAWL_IO_READABLE | PAWL_IO_WRITABLE);
    assert_int_equal(pawl_loop_run(loop, PAWL_RUN_NOWAIT), 1);
    assert_int_equal(f->spy.add, 1);
    assert_int_equal(f->spy.mod, 0);
    assert_int_equal(f->spy.del, 0);
    assert_int_equal(pawl_io_close(&io), 0);
    assert_int_equal(f->spy.del, 1);
    assert_int_equal(close(sv[1]), 0);
}

static void real_platform_registers_its_notification_once(void **state)
{
    fix *f = *state;
    pawl_loop *loop = real_loop(f, PAWL_BACKEND_EPOLL);
    int a[2], b[2];
    make_pair(a);
    make_pair(b);
    pawl_io ia = {0}, ib = {0};
    /* The first open sets the reactor up: the notification descriptor
     * and the handle; every later open costs one. */
    assert_int_equal(pawl_io_open(loop, &ia, a[0]), 0);
    assert_int_equal(f->spy.add, 2);
    assert_int_equal(pawl_io_open(loop, &ib, b[0]), 0);
    assert_int_equal(f->spy.add, 3);
    assert_int_equal(pawl_io_close(&ia), 0);
    assert_int_equal(pawl_io_close(&ib), 0);
    assert_int_equal(f->spy.del, 2);
    assert_int_equal(f->spy.mod, 0);
    assert_int_equal(close(a[1]), 0);
    assert_int_equal(close(b[1]), 0);
}

/* ---- EINTR ---------------------------------------------------------------------------- */

/* Awaits readable once, then closes its handle and the bound. */
typedef struct eintr_reader {
    pawl_task task;
    pawl_io io;
    pawl_timer bound;
    int rc;
    bool bound_fired;
} eintr_reader;

static pawl_poll eintr_reader_poll(pawl_task *t, pawl_cx *cx)
{
    eintr_reader *r = PAWL_CONTAINER_OF(t, eintr_reader, task);
    PAWL_BEGIN(cx);
    PAWL_AWAIT(cx, r->rc, pawl_io_readable(&r->io, cx));
    assert_int_equal(pawl_timer_stop(cx->loop, &r->bound), 0);
    if (r->rc == 0)
        assert_int_equal(pawl_io_close(&r->io), 0);
    PAWL_END(cx);
}

/* Fails the case: the data never arrived. */
static int eintr_bound(pawl_loop *loop, pawl_timer *t)
{
    (void)loop;
    eintr_reader *r = PAWL_CONTAINER_OF(t, eintr_reader, bound);
    r->bound_fired = true;
    (void)pawl_io_close(&r->io);
    return PAWL_TIMER_STOP;
}

/* On the real platform: the reactor's wait fails with EINTR three times
 * (a signal arrived), and the loop simply waits again. */
static void eintr_is_not_an_error(fix *f, pawl_backend backend, const char *name)
{
    pawl_loop *loop = real_loop(f, backend);
    int sv[2];
    make_pair(sv);
    eintr_reader r;
    memset(&r, 0, sizeof r);
    assert_int_equal(pawl_io_open(loop, &r.io, sv[0]), 0);
    assert_string_equal(pawl_loop_backend(loop), name);
    assert_int_equal(pawl_task_init(&r.task, eintr_reader_poll), 0);
    assert_int_equal(pawl_task_spawn(loop, &r.task), 0);
    assert_int_equal(pawl_timer_init(&r.bound, eintr_bound), 0);
    assert_int_equal(pawl_timer_start(loop, &r.bound, 10000), 0);
    assert_int_equal(write(sv[1], "x", 1), 1);
    f->spy.eintr_left = 3; /* from now on: open's own probe is done */
    assert_int_equal(pawl_loop_run(loop, PAWL_RUN_DEFAULT), 0);
    assert_int_equal(f->spy.eintr_given, 3);
    assert_true(f->spy.waits > 3);
    assert_false(r.bound_fired);
    assert_int_equal(r.rc, 0);
    assert_int_equal(close(sv[1]), 0);
}

static void eintr_from_epoll_wait_is_not_an_error(void **state)
{
    eintr_is_not_an_error(*state, PAWL_BACKEND_EPOLL, "epoll");
}

static void eintr_from_poll_is_not_an_error(void **state)
{
    eintr_is_not_an_error(*state, PAWL_BACKEND_POLL, "poll");
}

/* On the virtual clock: data is already there, and the first look at the
 * descriptors is interrupted by a signal.  The loop must look again, not
 * let the clock jump to the next timer (a second away) as if nothing were
 * ready: the reader gets its data at 0 ms. */
static void eintr_on_the_virtual_clock_does_not_let_time_jump(void **state)
{
    fix *f = *state;
    pawl_loop *loop = vloop_epoll(f);
    int sv[2];
    make_pair(sv);
    eintr_reader r;
    memset(&r, 0, sizeof r);
    assert_int_equal(pawl_io_open(loop, &r.io, sv[0]), 0);
    assert_int_equal(pawl_task_init(&r.task, eintr_reader_poll), 0);
    assert_int_equal(pawl_task_spawn(loop, &r.task), 0);
    assert_int_equal(pawl_timer_init(&r.bound, eintr_bound), 0);
    assert_int_equal(pawl_timer_start(loop, &r.bound, 1000), 0);
    assert_int_equal(write(sv[1], "x", 1), 1);
    f->spy.eintr_left = 1;
    assert_int_equal(pawl_loop_run(loop, PAWL_RUN_DEFAULT), 0);
    assert_int_equal(f->spy.eintr_given, 1);
    assert_false(r.bound_fired);
    assert_int_equal(r.rc, 0);
    assert_int_equal(pawl_loop_now(loop), 0); /* no jump */
    assert_int_equal(close(sv[1]), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, fix_setup, fix_teardown)
        T(epoll_ctl_once_per_open_and_close_and_never_per_message),
        T(watch_await_and_cancel_cost_no_epoll_ctl),
        T(real_platform_registers_its_notification_once),
        T(eintr_from_epoll_wait_is_not_an_error),
        T(eintr_from_poll_is_not_an_error),
        T(eintr_on_the_virtual_clock_does_not_let_time_jump),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
