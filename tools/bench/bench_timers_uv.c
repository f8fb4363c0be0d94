/*
 * tools/bench/bench_timers_uv.c -- the timer workloads of bench_timers.c,
 * on libuv, for a side-by-side comparison (tools/bench/timers runs both).
 *
 *   bench_timers_uv sizes
 *   bench_timers_uv w1 LIVE PAIRS    arm + cancel with LIVE live timers
 *   bench_timers_uv w2 N             arm N timers over 1 s, fire them all
 *   bench_timers_uv w3 [K] [MS]      K intervals of 1 ms for MS ms
 *
 * The workloads, the random numbers (the same generator and seed) and the
 * output lines are those of bench_timers.c; see there for what each one
 * measures and why.  Each measured section is a function of its own
 * (bench_w1_pairs, bench_w2_arm, bench_w2_fire) so that callgrind can
 * report its inclusive instruction count alone.
 *
 * libuv's timers are a binary min-heap of uv_timer_t handles keyed on
 * (timeout, start_id); uv_timer_start inserts, uv_timer_stop removes, and
 * a repeating timer is re-armed from the loop's time of the current pass
 * (uv_timer_again) before its callback runs.
 */
#define _POSIX_C_SOURCE 200809L

#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <uv.h>

#define BENCH_NAME "bench_timers_uv"
#include "bench_timers_common.h"

static void check(int rc, const char *what)
{
    if (rc < 0) {
        fprintf(stderr, "bench_timers_uv: %s: %s\n", what, uv_strerror(rc));
        exit(2);
    }
}

static void never_cb(uv_timer_t *h)
{
    (void)h;
    fprintf(stderr, "bench_timers_uv: a timer that should never fire fired\n");
    exit(2);
}

/* ---- W1: arm + cancel with LIVE live timers ----------------------------- */

BENCH_MEASURED int bench_w1_pairs(uv_timer_t *t, const uint32_t *delays, uint64_t pairs);

BENCH_MEASURED int bench_w1_pairs(uv_timer_t *t, const uint32_t *delays, uint64_t pairs)
{
    int rc = 0;
    for (uint64_t i = 0; i < pairs; i++) {
        rc |= uv_timer_start(t, never_cb, delays[i & (W1_TABLE - 1)], 0);
        rc |= uv_timer_stop(t);
    }
    return rc;
}

static void w1(uint64_t live, uint64_t pairs)
{
    static uv_loop_t loop;
    check(uv_loop_init(&loop), "uv_loop_init");
    uv_timer_t *set = xcalloc(live ? live : 1, sizeof *set);
    for (uint64_t i = 0; i < live; i++) {
        check(uv_timer_init(&loop, &set[i]), "uv_timer_init");
        check(uv_timer_start(&set[i], never_cb, rng_delay(W1_MAX_DELAY), 0), "uv_timer_start");
    }
    static uint32_t delays[W1_TABLE];
    for (unsigned i = 0; i < W1_TABLE; i++)
        delays[i] = rng_delay(W1_MAX_DELAY);
    uv_timer_t t;
    check(uv_timer_init(&loop, &t), "uv_timer_init");

    uint64_t t0 = mono_ns();
    int rc = bench_w1_pairs(&t, delays, pairs);
    uint64_t t1 = mono_ns();
    check(rc, "arm/cancel");

    printf("w1: impl=libuv live=%" PRIu64 " pairs=%" PRIu64 " ns/pair=%.2f bytes/timer=%zu "
           "maxrss_kib=%ld\n",
           live, pairs, pairs ? (double)(t1 - t0) / (double)pairs : 0.0, sizeof(uv_timer_t),
           max_rss_kib());
    /* The live timers would keep the loop alive: the process just exits. */
}

/* ---- W2: arm N timers over 1 s and fire them all ------------------------ */

static uint64_t w2_fired;

static void w2_cb(uv_timer_t *h)
{
    (void)h;
    w2_fired++;
}

BENCH_MEASURED int bench_w2_arm(uv_loop_t *loop, uv_timer_t *timers, const uint32_t *delays,
                                uint64_t n);
BENCH_MEASURED int bench_w2_fire(uv_loop_t *loop);

BENCH_MEASURED int bench_w2_arm(uv_loop_t *loop, uv_timer_t *timers, const uint32_t *delays,
                                uint64_t n)
{
    int rc = 0;
    for (uint64_t i = 0; i < n; i++) {
        rc |= uv_timer_init(loop, &timers[i]);
        rc |= uv_timer_start(&timers[i], w2_cb, delays[i], 0);
    }
    return rc;
}

BENCH_MEASURED int bench_w2_fire(uv_loop_t *loop)
{
    return uv_run(loop, UV_RUN_DEFAULT);
}

static void w2(uint64_t n)
{
    static uv_loop_t loop;
    check(uv_loop_init(&loop), "uv_loop_init");
    uv_timer_t *timers = xcalloc(n ? n : 1, sizeof *timers);
    uint32_t *delays = xcalloc(n ? n : 1, sizeof *delays);
    for (uint64_t i = 0; i < n; i++)
        delays[i] = rng_delay(W2_SPREAD);

    uint64_t w0 = mono_ns(), c0 = cpu_ns();
    check(bench_w2_arm(&loop, timers, delays, n), "arm");
    uint64_t w1_ = mono_ns(), c1 = cpu_ns();
    check(bench_w2_fire(&loop), "uv_run");
    uint64_t w2_ = mono_ns(), c2 = cpu_ns();
    if (w2_fired != n) {
        fprintf(stderr, "bench_timers_uv: w2: %" PRIu64 " of %" PRIu64 " fired\n", w2_fired, n);
        exit(2);
    }
    double dn = n ? (double)n : 1.0;
    printf("w2: impl=libuv clock=real timers=%" PRIu64 " arm_cpu_ns/timer=%.1f "
           "fire_cpu_ns/timer=%.1f cpu_ms=%.1f wall_ms=%.1f arm_wall_ms=%.1f maxrss_kib=%ld "
           "bytes/timer=%zu\n",
           n, (double)(c1 - c0) / dn, (double)(c2 - c1) / dn, (double)(c2 - c0) / 1e6,
           (double)(w2_ - w0) / 1e6, (double)(w1_ - w0) / 1e6, max_rss_kib(),
           sizeof(uv_timer_t));
    uv_loop_close(&loop);
    free(delays);
    free(timers);
}

/* ---- W3: K intervals of 1 ms for MS ms ---------------------------------- */
/*
 * uv_timer_start(h, cb, 1, 1): libuv's setInterval.  Before the callback
 * runs, libuv has already re-armed the timer for (the loop's time at the
 * start of this timers pass) + 1 ms, so at callback entry the deadline
 * just served is the one recorded at the previous callback (or at start),
 * and the next one is uv_now() + uv_timer_get_due_in().  Lateness is the
 * CLOCK_MONOTONIC time at callback entry minus the deadline served
 * (libuv's loop time is CLOCK_MONOTONIC in ms here: it would use the
 * coarse clock only if that had 1 ms resolution).  Callbacks whose
 * deadline lies beyond the window stop their interval and are not counted.
 */
typedef struct w3_interval {
    uv_timer_t h;
    uint64_t due_ms; /* the deadline the next callback serves */
    uint32_t count;
} w3_interval;

static struct {
    uint64_t end_ms;
    uint32_t *lateness_ns;
    uint64_t n, cap;
} w3s;

static void w3_cb(uv_timer_t *h)
{
    uint64_t now = mono_ns();
    w3_interval *iv = (w3_interval *)(void *)h;
    if (iv->due_ms > w3s.end_ms) {
        uv_timer_stop(h);
        return;
    }
    uint64_t due_ns = iv->due_ms * 1000000u;
    uint64_t late = now > due_ns ? now - due_ns : 0;
    if (w3s.n < w3s.cap)
        w3s.lateness_ns[w3s.n++] = late > UINT32_MAX ? UINT32_MAX : (uint32_t)late;
    iv->count++;
    iv->due_ms = uv_now(h->loop) + uv_timer_get_due_in(h);
}

static void w3(uint32_t k, uint32_t window_ms)
{
    static uv_loop_t loop;
    check(uv_loop_init(&loop), "uv_loop_init");
    w3_interval *ivs = xcalloc(k ? k : 1, sizeof *ivs);
    w3s.cap = (uint64_t)k * (window_ms + 16u) + 16u;
    w3s.lateness_ns = xcalloc(w3s.cap, sizeof *w3s.lateness_ns);
    uv_update_time(&loop);
    uint64_t start_ms = uv_now(&loop);
    w3s.end_ms = start_ms + window_ms;
    for (uint32_t i = 0; i < k; i++) {
        check(uv_timer_init(&loop, &ivs[i].h), "uv_timer_init");
        check(uv_timer_start(&ivs[i].h, w3_cb, 1, 1), "uv_timer_start");
        ivs[i].due_ms = start_ms + 1;
    }
    uint64_t c0 = cpu_ns(), w0 = mono_ns();
    check(uv_run(&loop, UV_RUN_DEFAULT), "uv_run");
    uint64_t c1 = cpu_ns(), w1_ = mono_ns();

    uint64_t total = 0;
    uint32_t lo = UINT32_MAX, hi = 0;
    for (uint32_t i = 0; i < k; i++) {
        total += ivs[i].count;
        lo = ivs[i].count < lo ? ivs[i].count : lo;
        hi = ivs[i].count > hi ? ivs[i].count : hi;
    }
    lateness l = lateness_of(w3s.lateness_ns, w3s.n);
    printf("w3: impl=libuv mode=repeat intervals=%" PRIu32 " window_ms=%" PRIu32
           " callbacks/interval=%.1f min=%" PRIu32 " max=%" PRIu32 " late_median_us=%.1f "
           "late_p99_us=%.1f late_max_us=%.1f cpu_ms=%.1f wall_ms=%.1f\n",
           k, window_ms, k ? (double)total / k : 0.0, k ? lo : 0, hi, l.med_us, l.p99_us, l.max_us,
           (double)(c1 - c0) / 1e6, (double)(w1_ - w0) / 1e6);
    uv_loop_close(&loop);
    free(w3s.lateness_ns);
    free(ivs);
}

/* ---- main -------------------------------------------------------------- */

static void usage(void)
{
    fprintf(stderr, "usage: bench_timers_uv sizes\n"
                    "       bench_timers_uv w1 LIVE PAIRS\n"
                    "       bench_timers_uv w2 N\n"
                    "       bench_timers_uv w3 [INTERVALS] [WINDOW_MS]\n");
    exit(2);
}

static uint64_t arg_u64(const char *s)
{
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    if (*s == '\0' || *end != '\0')
        usage();
    return v;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        usage();
    const char *w = argv[1];
    if (strcmp(w, "sizes") == 0 && argc == 2) {
        printf("sizes: impl=libuv version=%s uv_timer_t=%zu uv_loop_t=%zu\n", uv_version_string(),
               sizeof(uv_timer_t), sizeof(uv_loop_t));
    } else if (strcmp(w, "w1") == 0 && argc == 4) {
        w1(arg_u64(argv[2]), arg_u64(argv[3]));
    } else if (strcmp(w, "w2") == 0 && argc == 3) {
        w2(arg_u64(argv[2]));
    } else if (strcmp(w, "w3") == 0 && argc <= 4) {
        uint64_t k = argc > 2 ? arg_u64(argv[2]) : 1000;
        uint64_t ms = argc > 3 ? arg_u64(argv[3]) : 1000;
        if (k > UINT32_MAX || ms == 0 || ms > 3600000)
            usage();
        w3((uint32_t)k, (uint32_t)ms);
    } else {
        usage();
    }
    return 0;
}
