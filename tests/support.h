/*
 * tests/support.h -- the fixture most test files share: a loop on a
 * virtual clock.  Include after <cmocka.h> and "pawl/pawl.h".
 */
#ifndef PAWL_TESTS_SUPPORT_H
#define PAWL_TESTS_SUPPORT_H

typedef struct vloop {
    pawl_vclock vc;
    pawl_loop loop;
} vloop;

/* Open a loop on a virtual clock that starts at `start_ns`; `opts` is
 * used as given except for its platform. */
static inline void vloop_open(vloop *v, uint64_t start_ns, pawl_loop_opts opts)
{
    assert_int_equal(pawl_vclock_init(&v->vc, start_ns), 0);
    opts.platform = &v->vc.base;
    assert_int_equal(pawl_loop_init(&v->loop, &opts), 0);
}

/* Close it, failing the test if a task or handle was left behind. */
static inline void vloop_close(vloop *v)
{
    assert_int_equal(pawl_loop_close(&v->loop), 0);
}

/* The same as a cmocka fixture on the heap, for setup/teardown pairs. */
static inline vloop *vloop_new(uint64_t start_ns)
{
    vloop *v = test_calloc(1, sizeof *v);
    vloop_open(v, start_ns, (pawl_loop_opts){0});
    return v;
}

static inline int vloop_delete(void **state)
{
    vloop *v = *state;
    vloop_close(v);
    test_free(v);
    return 0;
}

#endif /* PAWL_TESTS_SUPPORT_H */
