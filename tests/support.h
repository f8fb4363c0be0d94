/*
 * tests/support.h -- the fixture most test files share: a loop on a
 * virtual clock.  Include after <cmocka.h> and "pawl/pawl.h".
 */
#ifndef PAWL_TESTS_SUPPORT_H
#define PAWL_TESTS_SUPPORT_H

#include <stdlib.h>
#include <string.h>

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

/* The backend of the suites that run once per backend: PAWL_TEST_BACKEND,
 * set by tests/CMakeLists.txt (pawl_backend_test), is epoll (also when
 * unset, for running by hand), poll or uring.  *name is what
 * pawl_loop_backend says for it.  0, or -1 (printed) for another value. */
static inline int test_backend(pawl_backend *backend, const char **name)
{
    const char *b = getenv("PAWL_TEST_BACKEND");
    if (b == NULL || strcmp(b, "epoll") == 0) {
        *backend = PAWL_BACKEND_EPOLL;
        *name = "epoll";
    } else if (strcmp(b, "poll") == 0) {
        *backend = PAWL_BACKEND_POLL;
        *name = "poll";
    } else if (strcmp(b, "uring") == 0) {
        *backend = PAWL_BACKEND_URING;
        *name = "io_uring";
    } else {
        print_error("PAWL_TEST_BACKEND must be epoll, poll or uring, not '%s'\n", b);
        return -1;
    }
    return 0;
}

#endif /* PAWL_TESTS_SUPPORT_H */
