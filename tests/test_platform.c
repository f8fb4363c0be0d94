/*
 * tests/test_platform.c -- the platform seam: the virtual clock, the POSIX
 * platform, and the loop's cached clock on top of them.
 *
 * Nothing here waits on the wall clock.  Every POSIX wait that could block
 * is either a zero deadline or is preceded by a notify that the case has
 * checked is pending (by polling the descriptor), so a broken notify fails
 * an assertion instead of hanging.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "pawl/pawl.h"
#include "internal.h" /* pawl__wait_ns, pawl__wait_ms */

/* ---- the virtual clock --------------------------------------------------- */

static uint64_t vnow(pawl_vclock *vc)
{
    return vc->base.ops->now_ns(&vc->base);
}

static int vwait(pawl_vclock *vc, uint64_t deadline_ns)
{
    return vc->base.ops->wait(&vc->base, deadline_ns);
}

static void vnotify(pawl_vclock *vc)
{
    vc->base.ops->notify(&vc->base);
}

static void vclock_starts_at_start_ns(void **state)
{
    (void)state;
    pawl_vclock vc;
    pawl_vclock_init(&vc, 123456789);
    assert_non_null(vc.base.ops);
    assert_string_equal(vc.base.ops->name, "virtual");
    assert_int_equal(vnow(&vc), 123456789);
    assert_int_equal(vc.now_ns, 123456789);
    assert_int_equal(vc.waits, 0);
    /* Reading the time does not move it. */
    assert_int_equal(vnow(&vc), 123456789);
    vc.base.ops->close(&vc.base);
}

static void vclock_advance_moves_time_forward(void **state)
{
    (void)state;
    pawl_vclock vc;
    pawl_vclock_init(&vc, 1000);
    pawl_vclock_advance(&vc, 500);
    assert_int_equal(vnow(&vc), 1500);
    pawl_vclock_advance(&vc, 0);
    assert_int_equal(vnow(&vc), 1500);
    pawl_vclock_advance(&vc, 3600ull * 1000000000ull); /* an hour, at once */
    assert_int_equal(vnow(&vc), 1500 + 3600ull * 1000000000ull);
    assert_int_equal(vc.waits, 0); /* advancing is not waiting */
}

static void vclock_advance_saturates_below_forever(void **state)
{
    (void)state;
    pawl_vclock vc;
    assert_int_equal(pawl_vclock_init(&vc, PAWL_FOREVER - 10), 0);
    assert_int_equal(pawl_vclock_advance(&vc, 100), 0);
    assert_int_equal(vnow(&vc), PAWL_FOREVER - 1); /* no wrap to the past */
    assert_int_equal(pawl_vclock_advance(&vc, UINT64_MAX), 0);
    assert_int_equal(vnow(&vc), PAWL_FOREVER - 1);
}

static void vclock_rejects_null(void **state)
{
    (void)state;
    assert_int_equal(pawl_vclock_init(NULL, 0), PAWL_EINVAL);
    assert_int_equal(pawl_vclock_advance(NULL, 1), PAWL_EINVAL);
}

static void vclock_wait_with_deadline_jumps_exactly_there(void **state)
{
    (void)state;
    pawl_vclock vc;
    pawl_vclock_init(&vc, 1000);
    assert_int_equal(vwait(&vc, 5000), 0);
    assert_int_equal(vnow(&vc), 5000);
    assert_int_equal(vwait(&vc, 5001), 0);
    assert_int_equal(vnow(&vc), 5001);
}

static void vclock_wait_with_past_deadline_never_moves_back(void **state)
{
    (void)state;
    pawl_vclock vc;
    pawl_vclock_init(&vc, 1000);
    assert_int_equal(vwait(&vc, 999), 0);
    assert_int_equal(vnow(&vc), 1000);
    assert_int_equal(vwait(&vc, 1000), 0); /* due right now */
    assert_int_equal(vnow(&vc), 1000);
    assert_int_equal(vwait(&vc, 1), 0);
    assert_int_equal(vnow(&vc), 1000);
}

static void vclock_wait_zero_does_not_move_clock(void **state)
{
    (void)state;
    pawl_vclock vc;
    pawl_vclock_init(&vc, 1000);
    assert_int_equal(vwait(&vc, 0), 0);
    assert_int_equal(vnow(&vc), 1000);
}

static void vclock_wait_forever_without_notify_returns_edeadlk(void **state)
{
    (void)state;
    pawl_vclock vc;
    pawl_vclock_init(&vc, 1000);
    assert_int_equal(vwait(&vc, PAWL_FOREVER), PAWL_EDEADLK);
    assert_int_equal(vnow(&vc), 1000);
}

static void vclock_wait_forever_consumes_one_notify(void **state)
{
    (void)state;
    pawl_vclock vc;
    pawl_vclock_init(&vc, 1000);
    vnotify(&vc);
    assert_int_equal(vwait(&vc, PAWL_FOREVER), 0);
    assert_int_equal(vnow(&vc), 1000);
    /* Consumed: the next wait has nothing to return for. */
    assert_int_equal(vwait(&vc, PAWL_FOREVER), PAWL_EDEADLK);
}

static void vclock_two_notifies_are_consumed_by_one_wait(void **state)
{
    (void)state;
    pawl_vclock vc;
    pawl_vclock_init(&vc, 1000);
    vnotify(&vc);
    vnotify(&vc);
    assert_int_equal(vwait(&vc, PAWL_FOREVER), 0);
    assert_int_equal(vwait(&vc, PAWL_FOREVER), PAWL_EDEADLK);
}

static void vclock_notified_wait_returns_before_its_deadline(void **state)
{
    (void)state;
    pawl_vclock vc;
    pawl_vclock_init(&vc, 1000);
    vnotify(&vc);
    /* A notify ends the wait early: the clock does not jump. */
    assert_int_equal(vwait(&vc, 9000), 0);
    assert_int_equal(vnow(&vc), 1000);
    /* Without one, the same deadline is reached. */
    assert_int_equal(vwait(&vc, 9000), 0);
    assert_int_equal(vnow(&vc), 9000);
}

static void vclock_waits_counts_every_wait(void **state)
{
    (void)state;
    pawl_vclock vc;
    pawl_vclock_init(&vc, 0);
    assert_int_equal(vwait(&vc, 0), 0);
    assert_int_equal(vc.waits, 1);
    assert_int_equal(vwait(&vc, 10), 0);
    assert_int_equal(vc.waits, 2);
    assert_int_equal(vwait(&vc, PAWL_FOREVER), PAWL_EDEADLK);
    assert_int_equal(vc.waits, 3);
    vnotify(&vc);
    assert_int_equal(vc.waits, 3); /* notify is not a wait */
    assert_int_equal(vwait(&vc, PAWL_FOREVER), 0);
    assert_int_equal(vc.waits, 4);
}

/* ---- POSIX --------------------------------------------------------------- */

/* Whether the platform's notification descriptor is readable right now,
 * i.e. a notify is pending.  Reaches into the private descriptor: the
 * public API has no "is a notify pending" query, and this is what lets the
 * cases below prove a wait will not block before they call it. */
static int notify_pending(const pawl_posix_platform *p)
{
    struct pollfd pfd = {.fd = p->pawl__fds[0], .events = POLLIN, .revents = 0};
    int n = poll(&pfd, 1, 0);
    assert_int_not_equal(n, -1);
    return n > 0 && (pfd.revents & POLLIN) != 0;
}

static int posix_setup(void **state)
{
    pawl_posix_platform *p = test_calloc(1, sizeof *p);
    assert_int_equal(pawl_posix_platform_init(p), 0);
    *state = p;
    return 0;
}

static int posix_teardown(void **state)
{
    pawl_posix_platform *p = *state;
    p->base.ops->close(&p->base);
    test_free(p);
    return 0;
}

static void posix_init_null_returns_einval(void **state)
{
    (void)state;
    assert_int_equal(pawl_posix_platform_init(NULL), PAWL_EINVAL);
}

static void posix_platform_is_named_posix(void **state)
{
    pawl_posix_platform *p = *state;
    assert_non_null(p->base.ops);
    assert_string_equal(p->base.ops->name, "posix");
}

static void posix_now_is_monotonic_non_decreasing(void **state)
{
    pawl_posix_platform *p = *state;
    uint64_t prev = p->base.ops->now_ns(&p->base);
    assert_int_not_equal(prev, 0);
    for (int i = 0; i < 100000; i++) {
        uint64_t now = p->base.ops->now_ns(&p->base);
        assert_in_range(now, prev, UINT64_MAX);
        prev = now;
    }
}

static void posix_starts_with_no_notify_pending(void **state)
{
    pawl_posix_platform *p = *state;
    assert_int_equal(notify_pending(p), 0);
}

static void posix_notify_then_wait_forever_returns_at_once(void **state)
{
    pawl_posix_platform *p = *state;
    p->base.ops->notify(&p->base);
    assert_int_equal(notify_pending(p), 1); /* so the wait cannot block */
    assert_int_equal(p->base.ops->wait(&p->base, PAWL_FOREVER), 0);
    assert_int_equal(notify_pending(p), 0);
}

static void posix_notify_then_wait_with_far_deadline_returns_at_once(void **state)
{
    pawl_posix_platform *p = *state;
    uint64_t now = p->base.ops->now_ns(&p->base);
    p->base.ops->notify(&p->base);
    assert_int_equal(notify_pending(p), 1);
    /* An hour away: the notify, not the deadline, ends it. */
    assert_int_equal(p->base.ops->wait(&p->base, now + 3600ull * 1000000000ull), 0);
    assert_int_equal(notify_pending(p), 0);
    /* The largest deadline short of "forever" is still a valid timeout. */
    p->base.ops->notify(&p->base);
    assert_int_equal(p->base.ops->wait(&p->base, PAWL_FOREVER - 1), 0);
    assert_int_equal(notify_pending(p), 0);
}

static void posix_wait_zero_returns_without_blocking(void **state)
{
    pawl_posix_platform *p = *state;
    /* Nothing is pending: a blocking wait here would hang the case. */
    assert_int_equal(notify_pending(p), 0);
    assert_int_equal(p->base.ops->wait(&p->base, 0), 0);
    /* A deadline already in the past does not block either. */
    assert_int_equal(p->base.ops->wait(&p->base, 1), 0);
    uint64_t now = p->base.ops->now_ns(&p->base);
    assert_int_equal(p->base.ops->wait(&p->base, now), 0);
}

static void posix_wait_zero_consumes_pending_notify(void **state)
{
    pawl_posix_platform *p = *state;
    p->base.ops->notify(&p->base);
    assert_int_equal(p->base.ops->wait(&p->base, 0), 0);
    assert_int_equal(notify_pending(p), 0);
}

static void posix_two_notifies_are_consumed_by_one_wait(void **state)
{
    pawl_posix_platform *p = *state;
    p->base.ops->notify(&p->base);
    p->base.ops->notify(&p->base);
    assert_int_equal(notify_pending(p), 1);
    assert_int_equal(p->base.ops->wait(&p->base, PAWL_FOREVER), 0);
    /* Both are gone: nothing is left to end a later wait. */
    assert_int_equal(notify_pending(p), 0);
    assert_int_equal(p->base.ops->wait(&p->base, 0), 0);
    assert_int_equal(notify_pending(p), 0);
}

static void posix_notify_preserves_errno(void **state)
{
    pawl_posix_platform *p = *state;
    errno = EDOM;
    p->base.ops->notify(&p->base);
    assert_int_equal(errno, EDOM);
    assert_int_equal(notify_pending(p), 1);
}

/* The write in notify succeeds above, so errno would survive anyway.  Fill
 * the eventfd counter to its maximum first (through the private write
 * end), so notify's write fails with EAGAIN: errno survives only because
 * notify restores it.  The descriptor stays readable, so the loop is still
 * woken, and one wait empties it. */
static void posix_notify_preserves_errno_when_its_write_fails(void **state)
{
    pawl_posix_platform *p = *state;
    uint64_t full = UINT64_MAX - 1; /* the largest value an eventfd holds */
    assert_int_equal(write(p->pawl__fds[1], &full, sizeof full), (ssize_t)sizeof full);
    uint64_t one = 1;
    assert_int_equal(write(p->pawl__fds[1], &one, sizeof one), -1); /* it is full */
    errno = EDOM;
    p->base.ops->notify(&p->base);
    assert_int_equal(errno, EDOM);
    assert_int_equal(notify_pending(p), 1);
    assert_int_equal(p->base.ops->wait(&p->base, PAWL_FOREVER), 0);
    assert_int_equal(notify_pending(p), 0);
}

/* A deadline 0.4 ms away must not become a 0 ms timeout (a busy spin until
 * it comes): exact where the wait takes nanoseconds, rounded up where it
 * takes milliseconds. */
static void wait_length_is_exact_in_ns_and_rounded_up_in_ms(void **state)
{
    (void)state;
    uint64_t now = 5000000000u;
    assert_int_equal(pawl__wait_ns(now + 400000u, now), 400000u);
    assert_int_equal(pawl__wait_ms(now + 400000u, now), 1);
    assert_int_equal(pawl__wait_ms(now + 1u, now), 1);
    assert_int_equal(pawl__wait_ms(now + 2000000u, now), 2);
    assert_int_equal(pawl__wait_ms(now + 2000001u, now), 3);
    /* Past or present deadlines: no wait at all. */
    assert_int_equal(pawl__wait_ns(now - 1u, now), 0);
    assert_int_equal(pawl__wait_ms(now, now), 0);
    /* No deadline. */
    assert_int_equal(pawl__wait_ns(PAWL_FOREVER, now), UINT64_MAX);
    assert_int_equal(pawl__wait_ms(PAWL_FOREVER, now), -1);
    /* Far deadlines saturate instead of wrapping to a short timeout. */
    assert_int_equal(pawl__wait_ms(PAWL_FOREVER - 1u, 0), INT_MAX);
}

static void posix_close_releases_descriptors(void **state)
{
    (void)state;
    pawl_posix_platform p;
    assert_int_equal(pawl_posix_platform_init(&p), 0);
    int fds[2] = {p.pawl__fds[0], p.pawl__fds[1]};
    assert_int_not_equal(fcntl(fds[0], F_GETFD), -1);
    p.base.ops->close(&p.base);
    assert_int_equal(p.pawl__fds[0], -1);
    assert_int_equal(p.pawl__fds[1], -1);
    for (int i = 0; i < 2; i++) {
        errno = 0;
        assert_int_equal(fcntl(fds[i], F_GETFD), -1);
        assert_int_equal(errno, EBADF);
    }
}

static void posix_descriptors_are_close_on_exec_and_nonblocking(void **state)
{
    pawl_posix_platform *p = *state;
    for (int i = 0; i < 2; i++) {
        int fd_flags = fcntl(p->pawl__fds[i], F_GETFD);
        int fl_flags = fcntl(p->pawl__fds[i], F_GETFL);
        assert_int_not_equal(fd_flags, -1);
        assert_int_not_equal(fl_flags, -1);
        assert_int_equal(fd_flags & FD_CLOEXEC, FD_CLOEXEC);
        assert_int_equal(fl_flags & O_NONBLOCK, O_NONBLOCK);
    }
}

/* ---- the loop's cached clock --------------------------------------------- */

typedef struct vloop {
    pawl_vclock vc;
    pawl_loop loop;
} vloop;

#define START_NS 5123456789ull /* 5123 ms and a bit */

static int vloop_setup(void **state)
{
    vloop *v = test_calloc(1, sizeof *v);
    pawl_vclock_init(&v->vc, START_NS);
    assert_int_equal(pawl_loop_init(&v->loop, &(pawl_loop_opts){.platform = &v->vc.base}), 0);
    *state = v;
    return 0;
}

static int vloop_teardown(void **state)
{
    vloop *v = *state;
    assert_int_equal(pawl_loop_close(&v->loop), 0);
    test_free(v);
    return 0;
}

static void loop_now_reads_vclock_at_init(void **state)
{
    vloop *v = *state;
    assert_int_equal(pawl_loop_now_ns(&v->loop), START_NS);
    assert_int_equal(pawl_loop_now(&v->loop), START_NS / 1000000u);
    assert_int_equal(pawl_loop_now(&v->loop), 5123);
}

static void loop_now_is_cached_until_next_iteration(void **state)
{
    vloop *v = *state;
    pawl_vclock_advance(&v->vc, 2500000); /* 2.5 ms */
    /* The loop has not looked yet. */
    assert_int_equal(pawl_loop_now_ns(&v->loop), START_NS);
    assert_int_equal(pawl_loop_run(&v->loop, PAWL_RUN_NOWAIT), 0);
    assert_int_equal(pawl_loop_now_ns(&v->loop), START_NS + 2500000);
    assert_int_equal(pawl_loop_now(&v->loop), (START_NS + 2500000) / 1000000u);
    assert_int_equal(pawl_loop_now(&v->loop), 5125);
    pawl_vclock_advance(&v->vc, 1);
    assert_int_equal(pawl_loop_run(&v->loop, PAWL_RUN_NOWAIT), 0);
    assert_int_equal(pawl_loop_now_ns(&v->loop), START_NS + 2500001);
}

/* Reads the loop's clock, then burns virtual time ("busy" for 1 us). */
typedef struct clock_reader {
    pawl_task task;
    pawl_vclock *vc;
    int polls;
    uint64_t seen_ns;
    uint64_t seen_iteration;
    uint64_t after_advance_ns;
} clock_reader;

static pawl_poll clock_reader_poll(pawl_task *t, pawl_cx *cx)
{
    clock_reader *c = PAWL_CONTAINER_OF(t, clock_reader, task);
    c->polls++;
    c->seen_ns = pawl_loop_now_ns(cx->loop);
    c->seen_iteration = pawl_loop_iterations(cx->loop);
    pawl_vclock_advance(c->vc, 1000);
    c->after_advance_ns = pawl_loop_now_ns(cx->loop);
    return PAWL_READY;
}

static void loop_now_is_the_same_within_one_iteration(void **state)
{
    vloop *v = *state;
    clock_reader a = {.vc = &v->vc}, b = {.vc = &v->vc};
    assert_int_equal(pawl_task_init(&a.task, clock_reader_poll), 0);
    assert_int_equal(pawl_task_init(&b.task, clock_reader_poll), 0);
    assert_int_equal(pawl_task_spawn(&v->loop, &a.task), 0);
    assert_int_equal(pawl_task_spawn(&v->loop, &b.task), 0);
    assert_int_equal(pawl_loop_run(&v->loop, PAWL_RUN_NOWAIT), 0);
    assert_int_equal(a.polls, 1);
    assert_int_equal(b.polls, 1);
    /* Both ran in the same task phase, and the time did not follow the
     * virtual clock forward within it: not after a's own advance, and not
     * in b, polled after a had moved the clock. */
    assert_int_equal(a.seen_iteration, b.seen_iteration);
    assert_int_equal(a.seen_ns, START_NS);
    assert_int_equal(a.after_advance_ns, START_NS);
    assert_int_equal(b.seen_ns, START_NS);
    assert_int_equal(v->vc.now_ns, START_NS + 2000);
    /* The next iteration reads it once, at the top. */
    assert_int_equal(pawl_loop_run(&v->loop, PAWL_RUN_NOWAIT), 0);
    assert_int_equal(pawl_loop_now_ns(&v->loop), START_NS + 2000);
}

/* A future that nothing ever completes (it does not even keep a waker:
 * nothing could use it); it gives up only when canceled. */
static pawl_poll never_ready(const pawl_cx *cx)
{
    return pawl_cx_canceled(cx) ? PAWL_ECANCELED : PAWL_PENDING;
}

/* A task that waits for a wake nothing will ever give. */
typedef struct sleeper {
    pawl_task task;
    int polls;
} sleeper;

static pawl_poll sleeper_poll(pawl_task *t, pawl_cx *cx)
{
    sleeper *s = PAWL_CONTAINER_OF(t, sleeper, task);
    int rc;
    s->polls++;
    PAWL_BEGIN(cx);
    PAWL_AWAIT(cx, rc, never_ready(cx));
    (void)rc;
    PAWL_END(cx);
}

static void loop_on_vclock_that_would_block_forever_returns_edeadlk(void **state)
{
    vloop *v = *state;
    sleeper s = {0};
    assert_int_equal(pawl_task_init(&s.task, sleeper_poll), 0);
    assert_int_equal(pawl_task_spawn(&v->loop, &s.task), 0);
    assert_int_equal(pawl_loop_run(&v->loop, PAWL_RUN_DEFAULT), PAWL_EDEADLK);
    assert_int_equal(s.polls, 1);
    assert_int_equal(v->vc.waits, 1);
    assert_int_equal(v->vc.now_ns, START_NS); /* no deadline: no jump */
    assert_int_equal(pawl_task_cancel(&v->loop, &s.task), 0);
    assert_int_equal(pawl_loop_run(&v->loop, PAWL_RUN_DEFAULT), 0);
    assert_int_equal(pawl_task_get_state(&s.task), PAWL_TASK_DONE);
}

static void loop_run_nowait_never_waits_on_the_platform(void **state)
{
    vloop *v = *state;
    sleeper s = {0};
    assert_int_equal(pawl_task_init(&s.task, sleeper_poll), 0);
    assert_int_equal(pawl_task_spawn(&v->loop, &s.task), 0);
    assert_int_equal(pawl_loop_run(&v->loop, PAWL_RUN_NOWAIT), 1);
    assert_int_equal(pawl_loop_run(&v->loop, PAWL_RUN_NOWAIT), 1);
    assert_int_equal(v->vc.waits, 0);
    assert_int_equal(pawl_task_cancel(&v->loop, &s.task), 0);
    assert_int_equal(pawl_loop_run(&v->loop, PAWL_RUN_NOWAIT), 0);
}

int main(void)
{
#define P(name) cmocka_unit_test_setup_teardown(name, posix_setup, posix_teardown)
#define L(name) cmocka_unit_test_setup_teardown(name, vloop_setup, vloop_teardown)
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(vclock_starts_at_start_ns),
        cmocka_unit_test(wait_length_is_exact_in_ns_and_rounded_up_in_ms),
        cmocka_unit_test(vclock_advance_moves_time_forward),
        cmocka_unit_test(vclock_advance_saturates_below_forever),
        cmocka_unit_test(vclock_rejects_null),
        cmocka_unit_test(vclock_wait_with_deadline_jumps_exactly_there),
        cmocka_unit_test(vclock_wait_with_past_deadline_never_moves_back),
        cmocka_unit_test(vclock_wait_zero_does_not_move_clock),
        cmocka_unit_test(vclock_wait_forever_without_notify_returns_edeadlk),
        cmocka_unit_test(vclock_wait_forever_consumes_one_notify),
        cmocka_unit_test(vclock_two_notifies_are_consumed_by_one_wait),
        cmocka_unit_test(vclock_notified_wait_returns_before_its_deadline),
        cmocka_unit_test(vclock_waits_counts_every_wait),
        cmocka_unit_test(posix_init_null_returns_einval),
        P(posix_platform_is_named_posix),
        P(posix_now_is_monotonic_non_decreasing),
        P(posix_starts_with_no_notify_pending),
        P(posix_notify_then_wait_forever_returns_at_once),
        P(posix_notify_then_wait_with_far_deadline_returns_at_once),
        P(posix_wait_zero_returns_without_blocking),
        P(posix_wait_zero_consumes_pending_notify),
        P(posix_two_notifies_are_consumed_by_one_wait),
        P(posix_notify_preserves_errno),
        P(posix_notify_preserves_errno_when_its_write_fails),
        cmocka_unit_test(posix_close_releases_descriptors),
        P(posix_descriptors_are_close_on_exec_and_nonblocking),
        L(loop_now_reads_vclock_at_init),
        L(loop_now_is_cached_until_next_iteration),
        L(loop_now_is_the_same_within_one_iteration),
        L(loop_on_vclock_that_would_block_forever_returns_edeadlk),
        L(loop_run_nowait_never_waits_on_the_platform),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
