/*
 * tools/bench/bench_util.h -- what every benchmark program here shares:
 * the attribute that keeps a measured section a function of its own (so
 * callgrind can count it alone), clocks, peak memory, and dying with a
 * message.  Define BENCH_NAME (the program's name) before including it.
 */
#ifndef PAWL_BENCH_UTIL_H
#define PAWL_BENCH_UTIL_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#if defined(__GNUC__) && !defined(__clang__)
#  define BENCH_MEASURED __attribute__((__noinline__, __noclone__))
#elif defined(__GNUC__)
#  define BENCH_MEASURED __attribute__((__noinline__))
#else
#  define BENCH_MEASURED
#endif

static inline uint64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static inline uint64_t cpu_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static inline long max_rss_kib(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss; /* KiB on Linux */
}

static inline void die(const char *what)
{
    fprintf(stderr, BENCH_NAME ": %s\n", what);
    exit(2);
}

/* calloc, or die; every page is touched now, so that page faults are not
 * counted as work in the measured sections. */
static inline void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n, size);
    if (p == NULL) {
        fprintf(stderr, BENCH_NAME ": out of memory (%zu x %zu bytes)\n", n, size);
        exit(2);
    }
    memset(p, 0, n * size);
    return p;
}

#endif /* PAWL_BENCH_UTIL_H */
