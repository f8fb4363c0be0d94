/*
 * tools/bench/bench_pawl.h -- what the benchmarks of pawl share beyond
 * bench_util.h: dying on a pawl error, and a loop on the virtual clock
 * (no system call on any path a benchmark takes) whose allocator counts
 * its calls, so a run can show that its measured section allocated
 * nothing.  Define BENCH_NAME before including it.
 */
#ifndef PAWL_BENCH_PAWL_H
#define PAWL_BENCH_PAWL_H

#include "pawl/pawl.h"

#include "bench_util.h"

static inline void check(int rc, const char *what)
{
    if (rc < 0) {
        fprintf(stderr, BENCH_NAME ": %s: %s (%s)\n", what, pawl_strerror(rc),
                pawl_err_name(rc));
        exit(2);
    }
}

typedef struct alloc_counter {
    unsigned long calls;
} alloc_counter;

static inline void *counting_alloc(void *ud, void *ptr, size_t old_size, size_t new_size)
{
    ((alloc_counter *)ud)->calls++;
    return pawl_default_alloc(NULL, ptr, old_size, new_size);
}

static inline void vloop_init(pawl_loop *loop, pawl_vclock *vc, alloc_counter *ac)
{
    check(pawl_vclock_init(vc, 0), "pawl_vclock_init");
    pawl_loop_opts opts = {0};
    opts.platform = &vc->base;
    opts.alloc = counting_alloc;
    opts.alloc_ud = ac;
    check(pawl_loop_init(loop, &opts), "pawl_loop_init");
}

#endif /* PAWL_BENCH_PAWL_H */
