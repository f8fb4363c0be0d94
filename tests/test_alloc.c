/*
 * tests/test_alloc.c -- the core never allocates, and what does allocate
 * goes through the loop's replaceable allocator and survives its failure.
 *
 * This test is linked with -Wl,--wrap=malloc,calloc,realloc,free: every call
 * to those from the pawl library objects (and from this file) lands in the
 * __wrap_ functions below, which count while a probe is armed.  cmocka's own
 * allocations happen in its shared library and are not wrapped.
 *
 * The probe is the one piece of file-level state: interposed functions have
 * no other way to report.  Each case arms it fresh (probe_arm) and reads it
 * before the next case starts.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pawl/pawl.h"

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t m);
void *__real_realloc(void *p, size_t n);
void __real_free(void *p);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t m);
void *__wrap_realloc(void *p, size_t n);
void __wrap_free(void *p);

/* volatile: the compiler must not assume malloc leaves it unchanged. */
static volatile struct {
    int armed;
    long libc_calls;
} probe;

static void probe_arm(void)
{
    probe.libc_calls = 0;
    probe.armed = 1;
}

static long probe_disarm(void)
{
    probe.armed = 0;
    return probe.libc_calls;
}

void *__wrap_malloc(size_t n)
{
    probe.libc_calls += probe.armed;
    return __real_malloc(n);
}

void *__wrap_calloc(size_t n, size_t m)
{
    probe.libc_calls += probe.armed;
    return __real_calloc(n, m);
}

void *__wrap_realloc(void *p, size_t n)
{
    probe.libc_calls += probe.armed;
    return __real_realloc(p, n);
}

void __wrap_free(void *p)
{
    probe.libc_calls += probe.armed && p != NULL;
    __real_free(p);
}

/* A pawl allocator that counts, and fails on demand. */
typedef struct counting_alloc {
    long allocs;
    long frees;
    long live_bytes;
    int fail;
} counting_alloc;

static void *counting_alloc_fn(void *ud, void *ptr, size_t old_size, size_t new_size)
{
    counting_alloc *c = ud;
    if (new_size == 0) {
        if (ptr != NULL) {
            c->frees++;
            c->live_bytes -= (long)old_size;
        }
        __real_free(ptr);
        return NULL;
    }
    if (c->fail)
        return NULL;
    c->allocs++;
    c->live_bytes += (long)new_size - (long)old_size;
    return __real_realloc(ptr, new_size);
}

/* ---- a workload that touches every core path ---------------------------- */

typedef struct event {
    int set;
    pawl_waker waiter;
} event;

static pawl_poll event_poll(event *ev, pawl_cx *cx)
{
    if (pawl_cx_canceled(cx)) {
        ev->waiter = (pawl_waker){0};
        return PAWL_ECANCELED;
    }
    if (ev->set) {
        ev->set = 0;
        return PAWL_READY;
    }
    ev->waiter = pawl_cx_waker(cx);
    return PAWL_PENDING;
}

typedef struct worker {
    pawl_task task;
    event ev;
    int i;
    int rc;
} worker;

static pawl_poll worker_poll(pawl_task *t, pawl_cx *cx)
{
    worker *w = PAWL_CONTAINER_OF(t, worker, task);
    PAWL_BEGIN(cx);
    for (w->i = 0; w->i < 3; w->i++) {
        PAWL_AWAIT(cx, w->rc, event_poll(&w->ev, cx));
        PAWL_YIELD(cx);
    }
    PAWL_CLEANUP(cx);
    PAWL_END(cx);
}

typedef struct boss {
    pawl_task task;
    worker *a, *b;
    int rc_a, rc_b;
} boss;

static pawl_poll boss_poll(pawl_task *t, pawl_cx *cx)
{
    boss *s = PAWL_CONTAINER_OF(t, boss, task);
    PAWL_BEGIN(cx);
    PAWL_AWAIT(cx, s->rc_a, pawl_task_join(&s->a->task, cx));
    assert_int_equal(pawl_task_cancel(cx->loop, &s->b->task), 0);
    PAWL_AWAIT(cx, s->rc_b, pawl_task_join(&s->b->task, cx));
    PAWL_END(cx);
}

/* spawn, poll, wake, yield, join, cancel, microtask (intrusive), remote. */
static void mt_fn(void *arg)
{
    (*(int *)arg)++;
}

static void run_workload(pawl_loop *loop)
{
    worker a, b;
    boss s = {.a = &a, .b = &b};
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    pawl_task_init(&a.task, worker_poll);
    pawl_task_init(&b.task, worker_poll);
    pawl_task_init(&s.task, boss_poll);
    assert_int_equal(pawl_task_spawn(loop, &a.task), 0);
    assert_int_equal(pawl_task_spawn(loop, &b.task), 0);
    assert_int_equal(pawl_task_spawn(loop, &s.task), 0);
    int mt_runs = 0;
    pawl_microtask m;
    pawl_microtask_init(&m, mt_fn, &mt_runs);
    assert_int_equal(pawl_microtask_queue(loop, &m), 0);
    pawl_remote r;
    assert_int_equal(pawl_remote_init(loop, &r, NULL, NULL), 0);
    assert_int_equal(pawl_wake_remote(&r), 0);
    for (int round = 0; round < 3; round++) {
        assert_int_equal(pawl_loop_run(loop, PAWL_RUN_NOWAIT), 1);
        a.ev.set = 1;
        pawl_wake(a.ev.waiter);
    }
    assert_int_equal(pawl_remote_close(&r), 0);
    assert_int_equal(pawl_loop_run(loop, PAWL_RUN_DEFAULT), 0);
    assert_int_equal(s.rc_a, 0);
    assert_int_equal(s.rc_b, PAWL_ECANCELED);
    assert_int_equal(mt_runs, 1);
}

static void core_makes_no_allocation_on_the_virtual_clock(void **state)
{
    (void)state;
    counting_alloc c = {0};
    pawl_vclock vc;
    pawl_vclock_init(&vc, 0);
    pawl_loop loop;
    probe_arm();
    assert_int_equal(pawl_loop_init(&loop, &(pawl_loop_opts){.platform = &vc.base,
                                                             .alloc = counting_alloc_fn,
                                                             .alloc_ud = &c}),
                     0);
    run_workload(&loop);
    assert_int_equal(pawl_loop_close(&loop), 0);
    assert_int_equal(probe_disarm(), 0);
    assert_int_equal(c.allocs, 0);
}

static void core_makes_no_allocation_on_the_posix_platform(void **state)
{
    (void)state;
    counting_alloc c = {0};
    pawl_loop loop;
    probe_arm();
    assert_int_equal(pawl_loop_init(&loop, &(pawl_loop_opts){.alloc = counting_alloc_fn,
                                                             .alloc_ud = &c}),
                     0);
    run_workload(&loop);
    assert_int_equal(pawl_loop_close(&loop), 0);
    assert_int_equal(probe_disarm(), 0);
    assert_int_equal(c.allocs, 0);
}

/* The probe itself works: a libc allocation while armed is counted. */
static void probe_counts_a_real_allocation(void **state)
{
    (void)state;
    probe_arm();
    void *p = malloc(16);
    free(p);
    assert_int_equal(probe_disarm(), 2);
}

/* ---- the allocating convenience ---------------------------------------- */

static void queue_microtask_allocates_once_and_frees_before_running(void **state)
{
    (void)state;
    counting_alloc c = {0};
    pawl_vclock vc;
    pawl_vclock_init(&vc, 0);
    pawl_loop loop;
    assert_int_equal(pawl_loop_init(&loop, &(pawl_loop_opts){.platform = &vc.base,
                                                             .alloc = counting_alloc_fn,
                                                             .alloc_ud = &c}),
                     0);
    probe_arm();
    int runs = 0;
    assert_int_equal(pawl_queue_microtask(&loop, mt_fn, &runs), 0);
    assert_int_equal(pawl_queue_microtask(&loop, mt_fn, &runs), 0);
    assert_int_equal(c.allocs, 2);
    assert_true(c.live_bytes > 0);
    assert_int_equal(pawl_loop_run(&loop, PAWL_RUN_NOWAIT), 0);
    assert_int_equal(runs, 2);
    assert_int_equal(c.frees, 2);
    assert_int_equal(c.live_bytes, 0);
    assert_int_equal(probe_disarm(), 0); /* through pawl's allocator only */
    assert_int_equal(pawl_loop_close(&loop), 0);
}

static void queue_microtask_reports_allocation_failure_and_never_calls(void **state)
{
    (void)state;
    counting_alloc c = {.fail = 1};
    pawl_vclock vc;
    pawl_vclock_init(&vc, 0);
    pawl_loop loop;
    assert_int_equal(pawl_loop_init(&loop, &(pawl_loop_opts){.platform = &vc.base,
                                                             .alloc = counting_alloc_fn,
                                                             .alloc_ud = &c}),
                     0);
    int runs = 0;
    assert_int_equal(pawl_queue_microtask(&loop, mt_fn, &runs), PAWL_ENOMEM);
    assert_int_equal(pawl_loop_alive(&loop), 0); /* nothing was queued */
    assert_int_equal(pawl_loop_run(&loop, PAWL_RUN_DEFAULT), 0);
    assert_int_equal(runs, 0);
    /* The loop is intact: once memory is back, the call works. */
    c.fail = 0;
    assert_int_equal(pawl_queue_microtask(&loop, mt_fn, &runs), 0);
    assert_int_equal(pawl_loop_run(&loop, PAWL_RUN_DEFAULT), 0);
    assert_int_equal(runs, 1);
    assert_int_equal(c.live_bytes, 0);
    assert_int_equal(pawl_loop_close(&loop), 0);
}

static void default_allocator_allocates_resizes_and_frees(void **state)
{
    (void)state;
    probe_arm();
    char *p = pawl_default_alloc(NULL, NULL, 0, 8);
    assert_non_null(p);
    memcpy(p, "pawl!!!", 8);
    p = pawl_default_alloc(NULL, p, 8, 64);
    assert_non_null(p);
    assert_string_equal(p, "pawl!!!");
    assert_null(pawl_default_alloc(NULL, p, 64, 0));
    assert_null(pawl_default_alloc(NULL, NULL, 0, 0)); /* free(NULL) */
    assert_int_equal(probe_disarm(), 3);
}

/* ---- pawl_arena ------------------------------------------------------------ */

#define ALIGN PAWL_ARENA_ALIGN

static void arena_init_rejects_null_and_too_small_memory(void **state)
{
    (void)state;
    _Alignas(16) unsigned char mem[4 * ALIGN];
    pawl_arena a;
    assert_int_equal(pawl_arena_init(NULL, mem, sizeof mem), PAWL_EINVAL);
    assert_int_equal(pawl_arena_init(&a, NULL, sizeof mem), PAWL_EINVAL);
    assert_int_equal(pawl_arena_init(&a, mem, ALIGN - 1), PAWL_EINVAL);
    /* Misaligned by one: the start is rounded up, so one block no longer
     * fits in ALIGN bytes, but does in 2 * ALIGN - 1. */
    assert_int_equal(pawl_arena_init(&a, mem + 1, ALIGN), PAWL_EINVAL);
    assert_int_equal(pawl_arena_init(&a, mem + 1, 2 * ALIGN - 1), 0);
    assert_int_equal(pawl_arena_used(&a), 0);
    assert_int_equal(pawl_arena_used(NULL), 0);
    assert_int_equal(pawl_arena_peak(NULL), 0);
}

static void arena_hands_out_aligned_disjoint_blocks_until_full(void **state)
{
    (void)state;
    _Alignas(16) unsigned char mem[8 * ALIGN + 3];
    pawl_arena a;
    assert_int_equal(pawl_arena_init(&a, mem + 3, sizeof mem - 3), 0);
    unsigned char *got[8];
    for (int i = 0; i < 7; i++) { /* 7 of 1 byte: 7 blocks */
        got[i] = pawl_arena_alloc(&a, NULL, 0, 1);
        assert_non_null(got[i]);
        assert_int_equal((uintptr_t)got[i] % ALIGN, 0);
        memset(got[i], 0xA0 + i, ALIGN); /* the whole rounded block is ours */
    }
    assert_int_equal(pawl_arena_used(&a), 7 * ALIGN);
    /* mem + 3 rounds up to mem + ALIGN: 7 blocks fit, not 8. */
    assert_null(pawl_arena_alloc(&a, NULL, 0, 1));
    for (int i = 0; i < 7; i++)
        for (size_t j = 0; j < ALIGN; j++)
            assert_int_equal(got[i][j], 0xA0 + i);
    /* Give one back: the next request gets exactly that block. */
    assert_null(pawl_arena_alloc(&a, got[3], 1, 0));
    assert_ptr_equal(pawl_arena_alloc(&a, NULL, 0, ALIGN), got[3]);
    assert_int_equal(pawl_arena_peak(&a), 7 * ALIGN);
    /* Sizes that cannot be rounded fail rather than wrap. */
    assert_null(pawl_arena_alloc(&a, NULL, 0, SIZE_MAX));
    assert_null(pawl_arena_alloc(NULL, NULL, 0, 8));
}

static void arena_merges_a_freed_block_with_its_neighbours(void **state)
{
    (void)state;
    _Alignas(16) unsigned char mem[6 * ALIGN];
    pawl_arena a;
    assert_int_equal(pawl_arena_init(&a, mem, sizeof mem), 0);
    void *x = pawl_arena_alloc(&a, NULL, 0, 2 * ALIGN);
    void *y = pawl_arena_alloc(&a, NULL, 0, 2 * ALIGN);
    void *z = pawl_arena_alloc(&a, NULL, 0, 2 * ALIGN);
    assert_true(x != NULL && y != NULL && z != NULL);
    pawl_arena_alloc(&a, x, 2 * ALIGN, 0);
    pawl_arena_alloc(&a, z, 2 * ALIGN, 0);
    /* Two free runs of 2, not adjacent: 3 blocks do not fit. */
    assert_null(pawl_arena_alloc(&a, NULL, 0, 3 * ALIGN));
    pawl_arena_alloc(&a, y, 2 * ALIGN, 0);
    /* y merged with both: the whole arena is one run again. */
    assert_int_equal(pawl_arena_used(&a), 0);
    assert_ptr_equal(pawl_arena_alloc(&a, NULL, 0, 6 * ALIGN), x);
    assert_int_equal(pawl_arena_peak(&a), 6 * ALIGN);
}

static void arena_resize_shrinks_in_place_and_grows_by_moving(void **state)
{
    (void)state;
    _Alignas(16) unsigned char mem[8 * ALIGN];
    pawl_arena a;
    assert_int_equal(pawl_arena_init(&a, mem, sizeof mem), 0);
    char *p = pawl_arena_alloc(&a, NULL, 0, 4 * ALIGN);
    assert_non_null(p);
    memcpy(p, "pawl", 5);
    /* Shrink: same block, the tail goes back. */
    assert_ptr_equal(pawl_arena_alloc(&a, p, 4 * ALIGN, ALIGN), p);
    assert_int_equal(pawl_arena_used(&a), ALIGN);
    char *q = pawl_arena_alloc(&a, NULL, 0, ALIGN); /* takes the freed tail */
    assert_ptr_equal(q, p + ALIGN);
    /* Grow: moved, contents kept, the old block given back. */
    char *r = pawl_arena_alloc(&a, p, ALIGN, 3 * ALIGN);
    assert_non_null(r);
    assert_ptr_not_equal(r, p);
    assert_string_equal(r, "pawl");
    assert_int_equal(pawl_arena_used(&a), 4 * ALIGN);
    /* A grow that cannot be met: NULL, and the block is still there. */
    assert_null(pawl_arena_alloc(&a, r, 3 * ALIGN, 8 * ALIGN));
    assert_string_equal(r, "pawl");
    assert_int_equal(pawl_arena_used(&a), 4 * ALIGN);
}

static void mt_count(void *arg)
{
    (*(int *)arg)++;
}

static void arena_serves_a_loop_and_runs_out_cleanly(void **state)
{
    (void)state;
    _Alignas(16) unsigned char mem[256];
    pawl_arena a;
    assert_int_equal(pawl_arena_init(&a, mem, sizeof mem), 0);
    pawl_vclock vc;
    pawl_vclock_init(&vc, 0);
    pawl_loop loop;
    pawl_loop_opts o = {.platform = &vc.base, .alloc = pawl_arena_alloc, .alloc_ud = &a};
    assert_int_equal(pawl_loop_init(&loop, &o), 0);
    probe_arm();
    int ran = 0, queued = 0;
    while (pawl_queue_microtask(&loop, mt_count, &ran) == 0)
        queued++;
    assert_true(queued > 0);
    assert_true(pawl_arena_used(&a) > sizeof mem / 2);
    assert_int_equal(pawl_loop_run(&loop, PAWL_RUN_DEFAULT), 0);
    assert_int_equal(ran, queued);         /* every one that was queued ran */
    assert_int_equal(pawl_arena_used(&a), 0); /* and gave its node back */
    assert_int_equal(probe_disarm(), 0);      /* never malloc */
    assert_int_equal(pawl_loop_close(&loop), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(probe_counts_a_real_allocation),
        cmocka_unit_test(core_makes_no_allocation_on_the_virtual_clock),
        cmocka_unit_test(core_makes_no_allocation_on_the_posix_platform),
        cmocka_unit_test(queue_microtask_allocates_once_and_frees_before_running),
        cmocka_unit_test(queue_microtask_reports_allocation_failure_and_never_calls),
        cmocka_unit_test(default_allocator_allocates_resizes_and_frees),
        cmocka_unit_test(arena_init_rejects_null_and_too_small_memory),
        cmocka_unit_test(arena_hands_out_aligned_disjoint_blocks_until_full),
        cmocka_unit_test(arena_merges_a_freed_block_with_its_neighbours),
        cmocka_unit_test(arena_resize_shrinks_in_place_and_grows_by_moving),
        cmocka_unit_test(arena_serves_a_loop_and_runs_out_cleanly),
    };
    return cmocka_run_group_tests_name("alloc", tests, NULL, NULL);
}
