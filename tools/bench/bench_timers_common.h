/*
 * tools/bench/bench_timers_common.h -- what bench_timers.c (pawl) and
 * bench_timers_uv.c (libuv) share, so that both run exactly the same
 * workloads: the workload constants, the random sequence, the clocks,
 * and the lateness figures.  Include after defining BENCH_NAME (the
 * program's name, for messages).
 */
#ifndef PAWL_BENCH_TIMERS_COMMON_H
#define PAWL_BENCH_TIMERS_COMMON_H

#include <stdint.h>
#include <stdlib.h>

#include "bench_util.h"

#define W1_MAX_DELAY 3600000u /* live timers: up to 1 hour away */
#define W1_TABLE 4096u        /* delays cycled through by the measured pairs */
#define W2_SPREAD 1000u       /* W2 deadlines: 1 .. 1000 ms */
#define RNG_SEED 0x9e3779b97f4a7c15ull

/* splitmix64: small, fast, and the same sequence in both programs. */
static uint64_t rng_state = RNG_SEED;

static uint64_t rng_next(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static uint32_t rng_delay(uint32_t max) /* 1 .. max */
{
    return 1u + (uint32_t)(rng_next() % max);
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* Median, 99th percentile and maximum of `n` lateness samples (ns), in
 * microseconds; the samples are sorted in place. */
typedef struct lateness {
    double med_us, p99_us, max_us;
} lateness;

static lateness lateness_of(uint32_t *ns, size_t n)
{
    lateness l = {0.0, 0.0, 0.0};
    if (n == 0)
        return l;
    qsort(ns, n, sizeof *ns, cmp_u32);
    l.med_us = ns[n / 2] / 1e3;
    l.p99_us = ns[(n * 99) / 100] / 1e3;
    l.max_us = ns[n - 1] / 1e3;
    return l;
}

#endif /* PAWL_BENCH_TIMERS_COMMON_H */
