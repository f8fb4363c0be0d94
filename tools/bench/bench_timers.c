/*
 * tools/bench/bench_timers.c -- the timer workloads, on pawl.
 * tools/bench/bench_timers_uv.c runs the same ones on libuv, and
 * tools/bench/timers runs both (and Node for W3 and W4) and prints the
 * figures side by side.
 *
 *   bench_timers sizes
 *   bench_timers w1 LIVE PAIRS [intrusive|js]
 *   bench_timers w2 N [real|virtual]
 *   bench_timers w3 [again|periodic|js|floor] [K] [MS]
 *   bench_timers w4 N [real|virtual]
 *
 *   w1  arm + cancel.  LIVE timers are armed for random delays of up to an
 *       hour (so they sit on every level of the wheel), then one more timer
 *       is started and stopped PAIRS times, its delay cycling through a
 *       table of random delays of up to an hour.  `intrusive`: pawl_timer
 *       with pawl_timer_start / pawl_timer_stop (no allocation).  `js`: the
 *       live set and the pairs use pawl_set_timeout / pawl_clear_timeout
 *       (one record allocated and freed per pair, ids in the id table).
 *       The loop never runs: starting and stopping only reads its cached
 *       time.
 *   w2  N timers armed for random delays of 1 .. 1000 ms (drawn before
 *       the measured section: arming is init + start), then the loop runs
 *       until all of them have fired.  CPU time of the two phases.
 *       `real`: the POSIX platform, so the loop sleeps between deadlines
 *       as it would in production; `virtual`: the virtual clock (no system
 *       calls, the same work on every run: for instruction counts).
 *   w3  K intervals of 1 ms on the real clock, for a window of MS ms.
 *       `again`: the callback returns PAWL_TIMER_AGAIN (Node's setInterval:
 *       the next deadline is 1 ms after the timers pass started);
 *       `periodic`: PAWL_TIMER_PERIODIC (drift-free: 1 ms after the
 *       deadline just served).  Lateness = CLOCK_MONOTONIC at callback
 *       entry minus the deadline served (pawl_timer_deadline, in the
 *       loop's ms, which are CLOCK_MONOTONIC ms on the POSIX platform).
 *       Callbacks whose deadline lies beyond the window stop their timer
 *       and are not counted, so a drift-free interval counts exactly MS.
 *       `js`: pawl_set_interval(fn, arg, 1), counted the way
 *       timers_w3.js counts Node's (by the time of the call; the JS API
 *       has no deadline getter, so no lateness).  `floor`: no loop and no
 *       timers, one thread sleeping with clock_nanosleep to each deadline
 *       of a 1 ms grid for MS ms: the operating system's own wake-up
 *       lateness, which no event loop can beat (K is ignored).
 *   w4  N tasks, each awaiting one pawl_sleep_ms of 0 .. 1000 ms (a hash
 *       of its index), all completing.  Peak RSS and CPU time of the whole
 *       process (as timers_w4.js reports Node's), and the size of the
 *       task struct: header + pawl_sleep + its delay.
 *
 * Each measured section is a function of its own (bench_w1_pairs,
 * bench_w2_arm, bench_w2_fire, bench_w4_spawn, bench_w4_run) so that
 * callgrind can report its inclusive instruction count alone; the script
 * divides that by the operations it performed.
 *
 * Every workload prints one line "wN: impl=... key=value ..." that the
 * script reads.  Nothing here passes or fails on speed; a run fails only
 * when a call fails or a timer is lost.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "pawl/pawl.h"

#define BENCH_NAME "bench_timers"
#include "bench_pawl.h"
#include "bench_timers_common.h"

/* User + system time of the whole process so far. */
static double process_cpu_ms(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
           (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
}

/* A loop on the POSIX platform (`vc` NULL) or on the virtual clock. */
static void loop_init(pawl_loop *loop, pawl_vclock *vc)
{
    pawl_loop_opts opts = {0};
    if (vc != NULL) {
        check(pawl_vclock_init(vc, 0), "pawl_vclock_init");
        opts.platform = &vc->base;
    }
    check(pawl_loop_init(loop, &opts), "pawl_loop_init");
}

static int never_fn(pawl_loop *loop, pawl_timer *t)
{
    (void)loop;
    (void)t;
    fprintf(stderr, "bench_timers: a timer that should never fire fired\n");
    exit(2);
}

static int never_js(void *arg)
{
    (void)arg;
    fprintf(stderr, "bench_timers: a timeout that should never fire fired\n");
    exit(2);
}

/* ---- W1: arm + cancel with LIVE live timers ----------------------------- */

/* The measured loop's own skeleton: the same loads, the same loop, and no
 * timer calls (the asm makes the compiler keep the delay and the
 * pointers as if something used them).  pawl_timer_start/stop are inline,
 * so the library's share of bench_w1_pairs is its count minus this one. */
BENCH_MEASURED int bench_w1_skeleton(pawl_loop *loop, pawl_timer *t, const uint32_t *delays,
                                     uint64_t pairs);
BENCH_MEASURED int bench_w1_skeleton(pawl_loop *loop, pawl_timer *t, const uint32_t *delays,
                                     uint64_t pairs)
{
    int rc = 0;
    for (uint64_t i = 0; i < pairs; i++) {
        uint32_t d = delays[i & (W1_TABLE - 1)];
#if defined(__GNUC__)
        __asm__ volatile("" : "+r"(rc) : "r"(d), "r"(loop), "r"(t));
#else
        rc |= (int)(d >> 31);
#endif
    }
    return rc;
}

BENCH_MEASURED int bench_w1_pairs(pawl_loop *loop, pawl_timer *t, const uint32_t *delays,
                                  uint64_t pairs);
BENCH_MEASURED int bench_w1_pairs_js(pawl_loop *loop, const uint32_t *delays, uint64_t pairs);

/* The library is a separate translation unit (no LTO), so neither call
 * can be elided; the results are folded into one value checked after the
 * loop, which costs an OR per call. */
BENCH_MEASURED int bench_w1_pairs(pawl_loop *loop, pawl_timer *t, const uint32_t *delays,
                                  uint64_t pairs)
{
    int rc = 0;
    for (uint64_t i = 0; i < pairs; i++) {
        rc |= pawl_timer_start(loop, t, delays[i & (W1_TABLE - 1)]);
        rc |= pawl_timer_stop(loop, t);
    }
    return rc;
}

BENCH_MEASURED int bench_w1_pairs_js(pawl_loop *loop, const uint32_t *delays, uint64_t pairs)
{
    int rc = 0;
    for (uint64_t i = 0; i < pairs; i++) {
        pawl_timer_id id = pawl_set_timeout(loop, never_js, NULL, delays[i & (W1_TABLE - 1)]);
        rc |= id < 0 ? (int)id : 0;
        rc |= pawl_clear_timeout(loop, id);
    }
    return rc;
}

static void w1(uint64_t live, uint64_t pairs, bool js)
{
    /* A virtual clock: arming 10^6 live timers takes real milliseconds,
     * and none of them may come due when the loop files them. */
    static pawl_loop loop;
    static pawl_vclock vc;
    loop_init(&loop, &vc);
    pawl_timer *set = NULL;
    if (js) {
        for (uint64_t i = 0; i < live; i++) {
            pawl_timer_id id = pawl_set_timeout(&loop, never_js, NULL, rng_delay(W1_MAX_DELAY));
            check(id < 0 ? (int)id : 0, "pawl_set_timeout");
        }
    } else {
        set = xcalloc(live ? live : 1, sizeof *set);
        for (uint64_t i = 0; i < live; i++) {
            check(pawl_timer_init(&set[i], never_fn), "pawl_timer_init");
            check(pawl_timer_start(&loop, &set[i], rng_delay(W1_MAX_DELAY)), "pawl_timer_start");
        }
    }
    static uint32_t delays[W1_TABLE];
    for (unsigned i = 0; i < W1_TABLE; i++)
        delays[i] = rng_delay(W1_MAX_DELAY);
    pawl_timer t;
    check(pawl_timer_init(&t, never_fn), "pawl_timer_init");
    /* One iteration files the live timers into the wheel (arming only
     * stages them), so the pairs run against a populated wheel. */
    check(pawl_loop_run(&loop, PAWL_RUN_NOWAIT) < 0 ? -1 : 0, "pawl_loop_run");
    if (!js)
        check(bench_w1_skeleton(&loop, &t, delays, pairs), "skeleton");

    uint64_t t0 = mono_ns();
    int rc = js ? bench_w1_pairs_js(&loop, delays, pairs)
                : bench_w1_pairs(&loop, &t, delays, pairs);
    uint64_t t1 = mono_ns();
    check(rc, "arm/cancel");

    printf("w1: impl=%s live=%" PRIu64 " pairs=%" PRIu64 " ns/pair=%.2f bytes/timer=%zu "
           "maxrss_kib=%ld\n",
           js ? "pawl-js" : "pawl", live, pairs,
           pairs ? (double)(t1 - t0) / (double)pairs : 0.0, sizeof(pawl_timer), max_rss_kib());
    /* The live timers would keep the loop open: the process just exits. */
}

/* ---- W2: arm N timers over 1 s and fire them all ------------------------ */

static uint64_t w2_fired;

static int w2_fn(pawl_loop *loop, pawl_timer *t)
{
    (void)loop;
    (void)t;
    w2_fired++;
    return PAWL_TIMER_STOP;
}

BENCH_MEASURED int bench_w2_arm(pawl_loop *loop, pawl_timer *timers, const uint32_t *delays,
                                uint64_t n);
BENCH_MEASURED int bench_w2_fire(pawl_loop *loop);

BENCH_MEASURED int bench_w2_arm(pawl_loop *loop, pawl_timer *timers, const uint32_t *delays,
                                uint64_t n)
{
    int rc = 0;
    for (uint64_t i = 0; i < n; i++) {
        rc |= pawl_timer_init(&timers[i], w2_fn);
        rc |= pawl_timer_start(loop, &timers[i], delays[i]);
    }
    return rc;
}

BENCH_MEASURED int bench_w2_fire(pawl_loop *loop)
{
    return pawl_loop_run(loop, PAWL_RUN_DEFAULT);
}

static void w2(uint64_t n, bool virt)
{
    static pawl_loop loop;
    static pawl_vclock vc;
    loop_init(&loop, virt ? &vc : NULL);
    pawl_timer *timers = xcalloc(n ? n : 1, sizeof *timers);
    uint32_t *delays = xcalloc(n ? n : 1, sizeof *delays);
    for (uint64_t i = 0; i < n; i++)
        delays[i] = rng_delay(W2_SPREAD);

    uint64_t w0 = mono_ns(), c0 = cpu_ns();
    check(bench_w2_arm(&loop, timers, delays, n), "arm");
    uint64_t w1_ = mono_ns(), c1 = cpu_ns();
    check(bench_w2_fire(&loop), "pawl_loop_run");
    uint64_t w2_ = mono_ns(), c2 = cpu_ns();
    if (w2_fired != n) {
        fprintf(stderr, "bench_timers: w2: %" PRIu64 " of %" PRIu64 " fired\n", w2_fired, n);
        exit(2);
    }
    double dn = n ? (double)n : 1.0;
    printf("w2: impl=pawl clock=%s timers=%" PRIu64 " arm_cpu_ns/timer=%.1f "
           "fire_cpu_ns/timer=%.1f cpu_ms=%.1f wall_ms=%.1f arm_wall_ms=%.1f maxrss_kib=%ld "
           "bytes/timer=%zu iterations=%" PRIu64 "\n",
           virt ? "virtual" : "real", n, (double)(c1 - c0) / dn, (double)(c2 - c1) / dn,
           (double)(c2 - c0) / 1e6, (double)(w2_ - w0) / 1e6, (double)(w1_ - w0) / 1e6,
           max_rss_kib(), sizeof(pawl_timer), pawl_loop_iterations(&loop));
    check(pawl_loop_close(&loop), "pawl_loop_close");
    free(delays);
    free(timers);
}

/* ---- W3: K intervals of 1 ms for MS ms ---------------------------------- */

typedef enum w3_mode { W3_AGAIN, W3_PERIODIC, W3_JS, W3_FLOOR } w3_mode;

typedef struct w3_interval {
    pawl_timer timer;   /* AGAIN / PERIODIC */
    pawl_timer_id id;   /* js */
    pawl_loop *loop;    /* js: to clear itself */
    uint32_t count;     /* callbacks inside the window */
} w3_interval;

static struct {
    int again_or_periodic; /* the callback's return value */
    uint64_t end_ms;       /* AGAIN / PERIODIC: last deadline counted */
    uint64_t end_ns;       /* js: calls at or after this are not counted */
    uint32_t *lateness_ns;
    uint64_t n, cap;
} w3s;

static int w3_fn(pawl_loop *loop, pawl_timer *t)
{
    uint64_t now = mono_ns();
    (void)loop;
    uint64_t due_ms = pawl_timer_deadline(t);
    if (due_ms > w3s.end_ms)
        return PAWL_TIMER_STOP;
    uint64_t due_ns = due_ms * 1000000u;
    uint64_t late = now > due_ns ? now - due_ns : 0;
    if (w3s.n < w3s.cap)
        w3s.lateness_ns[w3s.n++] = late > UINT32_MAX ? UINT32_MAX : (uint32_t)late;
    PAWL_CONTAINER_OF(t, w3_interval, timer)->count++;
    return w3s.again_or_periodic;
}

static int w3_js(void *arg)
{
    w3_interval *iv = arg;
    if (mono_ns() >= w3s.end_ns)
        return pawl_clear_interval(iv->loop, iv->id);
    iv->count++;
    return 0;
}

/* Lateness percentiles of the recorded calls, sorted in place. */
static void w3_print_lateness(void)
{
    lateness l = lateness_of(w3s.lateness_ns, w3s.n);
    printf(" late_median_us=%.1f late_p99_us=%.1f late_max_us=%.1f", l.med_us, l.p99_us,
           l.max_us);
}

/* The floor: sleep to each deadline of a 1 ms grid, nothing else. */
static void w3_floor(uint32_t window_ms)
{
    w3s.cap = window_ms;
    w3s.lateness_ns = xcalloc(w3s.cap, sizeof *w3s.lateness_ns);
    uint64_t c0 = cpu_ns(), w0 = mono_ns();
    uint64_t due = w0;
    for (uint32_t i = 0; i < window_ms; i++) {
        due += 1000000u;
        struct timespec ts = {(time_t)(due / 1000000000u), (long)(due % 1000000000u)};
        int rc;
        while ((rc = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL)) == EINTR) {
        }
        if (rc != 0) {
            fprintf(stderr, "bench_timers: clock_nanosleep: error %d\n", rc);
            exit(2);
        }
        uint64_t late = mono_ns() - due;
        w3s.lateness_ns[w3s.n++] = late > UINT32_MAX ? UINT32_MAX : (uint32_t)late;
    }
    uint64_t c1 = cpu_ns(), w1_ = mono_ns();
    printf("w3: impl=os mode=floor intervals=1 window_ms=%" PRIu32 " callbacks/interval=%" PRIu32
           " min=%" PRIu32 " max=%" PRIu32,
           window_ms, window_ms, window_ms, window_ms);
    w3_print_lateness();
    printf(" cpu_ms=%.1f wall_ms=%.1f\n", (double)(c1 - c0) / 1e6, (double)(w1_ - w0) / 1e6);
    free(w3s.lateness_ns);
}

static void w3(w3_mode mode, uint32_t k, uint32_t window_ms)
{
    if (mode == W3_FLOOR) {
        w3_floor(window_ms);
        return;
    }
    static pawl_loop loop;
    loop_init(&loop, NULL);
    w3_interval *ivs = xcalloc(k ? k : 1, sizeof *ivs);
    w3s.cap = (uint64_t)k * (window_ms + 16u) + 16u;
    w3s.lateness_ns = mode == W3_JS ? NULL : xcalloc(w3s.cap, sizeof *w3s.lateness_ns);
    w3s.again_or_periodic = mode == W3_PERIODIC ? PAWL_TIMER_PERIODIC : PAWL_TIMER_AGAIN;
    w3s.end_ms = pawl_loop_now(&loop) + window_ms;
    w3s.end_ns = mono_ns() + (uint64_t)window_ms * 1000000u;
    for (uint32_t i = 0; i < k; i++) {
        if (mode == W3_JS) {
            ivs[i].loop = &loop;
            ivs[i].id = pawl_set_interval(&loop, w3_js, &ivs[i], 1);
            check(ivs[i].id < 0 ? (int)ivs[i].id : 0, "pawl_set_interval");
        } else {
            check(pawl_timer_init(&ivs[i].timer, w3_fn), "pawl_timer_init");
            check(pawl_timer_start(&loop, &ivs[i].timer, 1), "pawl_timer_start");
        }
    }
    uint64_t c0 = cpu_ns(), w0 = mono_ns();
    check(pawl_loop_run(&loop, PAWL_RUN_DEFAULT), "pawl_loop_run");
    uint64_t c1 = cpu_ns(), w1_ = mono_ns();

    uint64_t total = 0;
    uint32_t lo = UINT32_MAX, hi = 0;
    for (uint32_t i = 0; i < k; i++) {
        total += ivs[i].count;
        lo = ivs[i].count < lo ? ivs[i].count : lo;
        hi = ivs[i].count > hi ? ivs[i].count : hi;
    }
    const char *name = mode == W3_AGAIN ? "again" : mode == W3_PERIODIC ? "periodic" : "js";
    printf("w3: impl=%s mode=%s intervals=%" PRIu32 " window_ms=%" PRIu32
           " callbacks/interval=%.1f min=%" PRIu32 " max=%" PRIu32,
           mode == W3_JS ? "pawl-js" : "pawl", name, k, window_ms,
           k ? (double)total / k : 0.0, k ? lo : 0, hi);
    if (mode == W3_JS) {
        printf(" late_median_us=- late_p99_us=- late_max_us=-");
    } else {
        w3_print_lateness();
    }
    printf(" cpu_ms=%.1f wall_ms=%.1f iterations=%" PRIu64 "\n", (double)(c1 - c0) / 1e6,
           (double)(w1_ - w0) / 1e6, pawl_loop_iterations(&loop));
    check(pawl_loop_close(&loop), "pawl_loop_close");
    free(w3s.lateness_ns);
    free(ivs);
}

/* ---- W4: N tasks each sleeping 0 .. 1000 ms ----------------------------- */

/* The whole task: the header, its sleep and a little state. */
typedef struct sleeper {
    pawl_task task;
    pawl_sleep sleep;
    uint32_t delay_ms;
} sleeper;

static uint64_t w4_done;

/* 0 .. 1000 ms from the task's index (lowbias32, a 32-bit integer hash;
 * timers_w4.js uses the same one). */
static uint32_t w4_delay(uint32_t i)
{
    i ^= i >> 16;
    i *= 0x7feb352du;
    i ^= i >> 15;
    i *= 0x846ca68bu;
    i ^= i >> 16;
    return i % 1001u;
}

static pawl_poll sleeper_poll(pawl_task *t, pawl_cx *cx)
{
    sleeper *s = PAWL_CONTAINER_OF(t, sleeper, task);
    int rc;
    PAWL_BEGIN(cx);
    PAWL_AWAIT(cx, rc, pawl_sleep_ms(&s->sleep, cx, s->delay_ms));
    if (rc == 0)
        w4_done++;
    PAWL_END(cx);
}

BENCH_MEASURED int bench_w4_spawn(pawl_loop *loop, sleeper *tasks, uint64_t n);
BENCH_MEASURED int bench_w4_run(pawl_loop *loop);

BENCH_MEASURED int bench_w4_spawn(pawl_loop *loop, sleeper *tasks, uint64_t n)
{
    int rc = 0;
    for (uint64_t i = 0; i < n; i++) {
        tasks[i].delay_ms = w4_delay((uint32_t)i);
        rc |= pawl_task_init(&tasks[i].task, sleeper_poll);
        rc |= pawl_task_spawn(loop, &tasks[i].task);
    }
    return rc;
}

BENCH_MEASURED int bench_w4_run(pawl_loop *loop)
{
    return pawl_loop_run(loop, PAWL_RUN_DEFAULT);
}

static void w4(uint64_t n, bool virt)
{
    static pawl_loop loop;
    static pawl_vclock vc;
    loop_init(&loop, virt ? &vc : NULL);
    sleeper *tasks = xcalloc(n ? n : 1, sizeof *tasks);

    uint64_t w0 = mono_ns();
    check(bench_w4_spawn(&loop, tasks, n), "spawn");
    uint64_t w1_ = mono_ns();
    check(bench_w4_run(&loop), "pawl_loop_run");
    uint64_t w2_ = mono_ns();
    if (w4_done != n) {
        fprintf(stderr, "bench_timers: w4: %" PRIu64 " of %" PRIu64 " completed\n", w4_done, n);
        exit(2);
    }
    double cpu = process_cpu_ms();
    long rss = max_rss_kib();
    printf("w4: impl=pawl clock=%s tasks=%" PRIu64 " maxrss_kib=%ld bytes/task=%.1f "
           "cpu_ms=%.1f cpu_ns/task=%.1f wall_ms=%.1f spawn_wall_ms=%.1f sizeof_task=%zu "
           "iterations=%" PRIu64 "\n",
           virt ? "virtual" : "real", n, rss, n ? (double)rss * 1024.0 / (double)n : 0.0, cpu,
           n ? cpu * 1e6 / (double)n : 0.0, (double)(w2_ - w0) / 1e6,
           (double)(w1_ - w0) / 1e6, sizeof(sleeper), pawl_loop_iterations(&loop));
    check(pawl_loop_close(&loop), "pawl_loop_close");
    free(tasks);
}

/* ---- main -------------------------------------------------------------- */

static void usage(void)
{
    fprintf(stderr, "usage: bench_timers sizes\n"
                    "       bench_timers w1 LIVE PAIRS [intrusive|js]\n"
                    "       bench_timers w2 N [real|virtual]\n"
                    "       bench_timers w3 [again|periodic|js|floor] [INTERVALS] [WINDOW_MS]\n"
                    "       bench_timers w4 N [real|virtual]\n");
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

/* argv[i], if present, must be `a` or `b`: true for `b`, false for `a`
 * or when absent. */
static bool arg_choice(int argc, char **argv, int i, const char *a, const char *b)
{
    if (i >= argc || strcmp(argv[i], a) == 0)
        return false;
    if (strcmp(argv[i], b) == 0)
        return true;
    usage();
    return false;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        usage();
    const char *w = argv[1];
    if (strcmp(w, "sizes") == 0 && argc == 2) {
        printf("sizes: impl=pawl pawl_timer=%zu pawl_sleep=%zu pawl_task=%zu w4_task=%zu "
               "pawl_wheel_node=%zu pawl_loop=%zu\n",
               sizeof(pawl_timer), sizeof(pawl_sleep), sizeof(pawl_task), sizeof(sleeper),
               sizeof(pawl_wheel_node), sizeof(pawl_loop));
    } else if (strcmp(w, "w1") == 0 && (argc == 4 || argc == 5)) {
        w1(arg_u64(argv[2]), arg_u64(argv[3]), arg_choice(argc, argv, 4, "intrusive", "js"));
    } else if (strcmp(w, "w2") == 0 && (argc == 3 || argc == 4)) {
        w2(arg_u64(argv[2]), arg_choice(argc, argv, 3, "real", "virtual"));
    } else if (strcmp(w, "w3") == 0 && argc <= 5) {
        w3_mode mode = W3_AGAIN;
        if (argc > 2) {
            if (strcmp(argv[2], "periodic") == 0)
                mode = W3_PERIODIC;
            else if (strcmp(argv[2], "js") == 0)
                mode = W3_JS;
            else if (strcmp(argv[2], "floor") == 0)
                mode = W3_FLOOR;
            else if (strcmp(argv[2], "again") != 0)
                usage();
        }
        uint64_t k = argc > 3 ? arg_u64(argv[3]) : 1000;
        uint64_t ms = argc > 4 ? arg_u64(argv[4]) : 1000;
        if (k > UINT32_MAX || ms == 0 || ms > 3600000)
            usage();
        w3(mode, (uint32_t)k, (uint32_t)ms);
    } else if (strcmp(w, "w4") == 0 && (argc == 3 || argc == 4)) {
        uint64_t n = arg_u64(argv[2]);
        if (n > UINT32_MAX)
            usage();
        w4(n, arg_choice(argc, argv, 3, "real", "virtual"));
    } else {
        usage();
    }
    return 0;
}
