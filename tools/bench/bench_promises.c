/*
 * tools/bench/bench_promises.c -- the promise benchmark, pawl's side
 * (tools/bench/promises runs it beside bench_promises.js on Node.js).
 *
 *   bench_promises chain N [pool]    (a) a chain of N `then` handlers
 *   bench_promises await N [BUDGET]  (b) N awaits of a resolved promise
 *   bench_promises all N R           (c) R rounds of `all` over N promises
 *   bench_promises sizes             sizeof the promise structs
 *
 *   chain  The JavaScript
 *              let p = Promise.resolve(0);
 *              for (let i = 0; i < n; i++) p = p.then(v => v + 1);
 *          in C: pawl_promise_resolved, then N pawl_promise_then whose
 *          handler returns pawl_int(v + 1), each intermediate reference
 *          released as soon as the next `then` is registered on it (the
 *          chain keeps alive what it needs), then pawl_loop_run, which
 *          runs the N handlers as microtasks.  The time covers building
 *          the chain and running it, and is divided by N.  The final
 *          value must be N: it is printed, and a wrong one is an error
 *          (exit status 2).
 *          With "pool", the loop is given a pawl_promise_pool whose arrays
 *          hold exactly what the chain needs (N + 1 promises, N
 *          reactions), so the promise code must not call the allocator at
 *          all; without it, promises and reactions come from the loop's
 *          allocator in slabs.  Either way the allocator counts its calls,
 *          and the count made while building and running the chain is
 *          printed (per `then` as well).
 *   await  One task awaits an already fulfilled promise N times,
 *          PAWL_AWAIT(cx, rc, pawl_promise_await(p, cx, &v)) in a loop.
 *          Each await is ready at once, so the task never waits; but every
 *          await spends one unit of the loop's await budget, and when it
 *          runs out the task yields to the loop and is polled again.
 *          BUDGET sets pawl_loop_opts.await_budget: 0 (the default, 128)
 *          or "max" (INT_MAX: no yield in the run, the figure of the
 *          await itself).  The time covers pawl_loop_run from the task's
 *          first poll to its end, divided by N.
 *   all    N promises fulfilled with 0 .. N-1 are made once (not timed);
 *          then R times: pawl_promise_all over them, pawl_loop_run until
 *          it settles, the list checked (N items, the last N-1) and
 *          dropped, the promise released.  The time covers the R rounds,
 *          divided by N * R (per input promise).
 *
 * Everything runs on a loop on the virtual clock (no system call on any
 * path taken).  Wall-clock figures use CLOCK_MONOTONIC around the measured
 * section.  For figures that do not move with the machine,
 * tools/bench/promises runs each workload under callgrind at two sizes
 * and takes the slope (instructions per operation; start-up, loop set-up
 * and the untimed input promises of `all` cancel out).  Nothing here
 * passes or fails on speed; a run fails only when a call fails or a
 * result is wrong.
 */
#define _POSIX_C_SOURCE 200809L

#include <inttypes.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BENCH_NAME "bench_promises"
#include "bench_pawl.h"

#define USAGE                                                                \
    "usage: bench_promises chain N [pool] | await N [0|max] | all N R | sizes"

/* A loop on the virtual clock with the counting allocator, an await
 * budget (0: the default) and, optionally, a promise pool. */
static void promise_loop_init(pawl_loop *loop, pawl_vclock *vc, alloc_counter *ac,
                              unsigned await_budget, pawl_promise_pool *pool)
{
    check(pawl_vclock_init(vc, 0), "pawl_vclock_init");
    pawl_loop_opts opts = {0};
    opts.platform = &vc->base;
    opts.alloc = counting_alloc;
    opts.alloc_ud = ac;
    opts.await_budget = await_budget;
    opts.promise_pool = pool;
    check(pawl_loop_init(loop, &opts), "pawl_loop_init");
}

/* ---- (a) chain ------------------------------------------------------------ */

/* v => v + 1 */
static pawl_value add_one(void *ctx, pawl_value v)
{
    (void)ctx;
    return pawl_int(v.u.i + 1);
}

/* Build the chain; returns the last promise (one reference, the caller's).
 * Every other reference is released as soon as the next `then` holds on
 * to its promise. */
BENCH_MEASURED pawl_promise *bench_chain_build(pawl_loop *loop, uint64_t n);
BENCH_MEASURED pawl_promise *bench_chain_build(pawl_loop *loop, uint64_t n)
{
    pawl_promise *p;
    check(pawl_promise_resolved(loop, pawl_int(0), &p), "pawl_promise_resolved");
    for (uint64_t i = 0; i < n; i++) {
        pawl_promise *q;
        check(pawl_promise_then(p, add_one, NULL, NULL, &q), "pawl_promise_then");
        pawl_promise_release(p);
        p = q;
    }
    return p;
}

static void bench_chain(uint64_t n, int use_pool)
{
    pawl_promise_pool pool = {0};
    if (use_pool) {
        pool.n_promises = (size_t)n + 1;
        pool.n_reactions = n > 0 ? (size_t)n : 1;
        pool.promises = xcalloc(pool.n_promises, sizeof *pool.promises);
        pool.reactions = xcalloc(pool.n_reactions, sizeof *pool.reactions);
    }
    pawl_vclock vc;
    pawl_loop loop;
    alloc_counter ac = {0};
    promise_loop_init(&loop, &vc, &ac, 0, use_pool ? &pool : NULL);

    unsigned long allocs0 = ac.calls;
    uint64_t t0 = mono_ns();
    pawl_promise *last = bench_chain_build(&loop, n);
    uint64_t t1 = mono_ns();
    int rc = pawl_loop_run(&loop, PAWL_RUN_DEFAULT);
    uint64_t t2 = mono_ns();
    unsigned long allocs = ac.calls - allocs0;
    check(rc, "pawl_loop_run");

    pawl_value v;
    rc = pawl_promise_result(last, &v);
    if (rc == PAWL_EAGAIN)
        die("chain: the last promise is still pending after the run");
    if (rc != 0 || v.kind != PAWL_V_INT) {
        char buf[128];
        pawl_value_format(v, buf, sizeof buf);
        fprintf(stderr, BENCH_NAME ": chain: the last promise holds %s (rc %d)\n", buf, rc);
        exit(2);
    }
    int64_t final = v.u.i;
    pawl_value_drop(&v);
    pawl_promise_release(last);
    check(pawl_loop_close(&loop), "pawl_loop_close (a promise or reaction leaked?)");

    double dn = n ? (double)n : 1.0;
    printf("chain: mode=%s handlers=%" PRIu64 " final=%" PRId64 " ns/handler=%.2f "
           "build_ns/handler=%.2f run_ns/handler=%.2f allocs=%lu allocs/then=%.4f",
           use_pool ? "pool" : "alloc", n, final, (double)(t2 - t0) / dn, (double)(t1 - t0) / dn,
           (double)(t2 - t1) / dn, allocs, (double)allocs / dn);
    if (use_pool)
        printf(" pool_bytes=%zu", pool.n_promises * sizeof *pool.promises +
                                      pool.n_reactions * sizeof *pool.reactions);
    printf(" maxrss_kib=%ld\n", max_rss_kib());
    if (final < 0 || (uint64_t)final != n) {
        fprintf(stderr, BENCH_NAME ": chain: final value %" PRId64 ", expected %" PRIu64 "\n",
                final, n);
        exit(2);
    }
    free(pool.promises);
    free(pool.reactions);
}

/* ---- (b) await ------------------------------------------------------------ */

typedef struct await_task {
    pawl_task task;
    pawl_promise *p;  /* fulfilled with 1 */
    pawl_value v;
    uint64_t i;
    uint64_t n;
    int64_t sum;      /* of the values awaited: must come to n */
    uint64_t polls;
    int err;
} await_task;

static pawl_poll await_poll(pawl_task *t, pawl_cx *cx)
{
    await_task *a = PAWL_CONTAINER_OF(t, await_task, task);
    int rc;
    a->polls++;
    PAWL_BEGIN(cx);
    for (a->i = 0; a->i < a->n; a->i++) {
        PAWL_AWAIT(cx, rc, pawl_promise_await(a->p, cx, &a->v));
        if (rc != 0) {
            a->err = rc;
            PAWL_EXIT(cx);
        }
        /* An int holds no reference (promise.h, rule 2): nothing to drop. */
        a->sum += a->v.u.i;
    }
    PAWL_END(cx);
}

static void bench_await(uint64_t n, unsigned budget)
{
    pawl_vclock vc;
    pawl_loop loop;
    alloc_counter ac = {0};
    promise_loop_init(&loop, &vc, &ac, budget, NULL);

    static await_task a;
    memset(&a, 0, sizeof a);
    a.n = n;
    check(pawl_promise_resolved(&loop, pawl_int(1), &a.p), "pawl_promise_resolved");
    check(pawl_task_init(&a.task, await_poll), "pawl_task_init");
    check(pawl_task_spawn(&loop, &a.task), "pawl_task_spawn");

    unsigned long allocs0 = ac.calls;
    uint64_t t0 = mono_ns();
    int rc = pawl_loop_run(&loop, PAWL_RUN_DEFAULT);
    uint64_t t1 = mono_ns();
    unsigned long allocs = ac.calls - allocs0;
    check(rc, "pawl_loop_run");
    check(a.err, "pawl_promise_await");
    if (a.sum < 0 || (uint64_t)a.sum != n)
        die("await: the awaited values do not add up to N");
    uint64_t iterations = pawl_loop_iterations(&loop);
    pawl_promise_release(a.p);
    check(pawl_loop_close(&loop), "pawl_loop_close");

    printf("await: budget=%u budget_kind=%s awaits=%" PRIu64 " sum=%" PRId64 " ns/await=%.2f "
           "polls=%" PRIu64 " iterations=%" PRIu64 " allocs=%lu\n",
           budget == 0 ? PAWL_DEFAULT_AWAIT_BUDGET : budget, budget == 0 ? "default" : "max", n,
           a.sum, n ? (double)(t1 - t0) / (double)n : 0.0, a.polls, iterations, allocs);
}

/* ---- (c) all ---------------------------------------------------------------- */

/* R rounds of all over `in`, each run to completion and checked; returns
 * the number of rounds whose result was wrong. */
BENCH_MEASURED uint64_t bench_all_rounds(pawl_loop *loop, pawl_promise *const *in, size_t n,
                                         uint64_t rounds);
BENCH_MEASURED uint64_t bench_all_rounds(pawl_loop *loop, pawl_promise *const *in, size_t n,
                                         uint64_t rounds)
{
    uint64_t wrong = 0;
    for (uint64_t r = 0; r < rounds; r++) {
        pawl_promise *out;
        check(pawl_promise_all(loop, in, n, &out), "pawl_promise_all");
        check(pawl_loop_run(loop, PAWL_RUN_DEFAULT), "pawl_loop_run");
        pawl_value v;
        int rc = pawl_promise_result(out, &v);
        if (rc != 0 || v.kind != PAWL_V_LIST || v.u.list->n != n ||
            (n > 0 && v.u.list->items[n - 1].u.i != (int64_t)(n - 1)))
            wrong++;
        if (rc != PAWL_EAGAIN)
            pawl_value_drop(&v);
        pawl_promise_release(out);
    }
    return wrong;
}

static void bench_all(uint64_t n, uint64_t rounds)
{
    pawl_vclock vc;
    pawl_loop loop;
    alloc_counter ac = {0};
    promise_loop_init(&loop, &vc, &ac, 0, NULL);

    pawl_promise **in = xcalloc(n > 0 ? (size_t)n : 1, sizeof *in);
    for (uint64_t i = 0; i < n; i++)
        check(pawl_promise_resolved(&loop, pawl_int((int64_t)i), &in[i]),
              "pawl_promise_resolved");

    unsigned long allocs0 = ac.calls;
    uint64_t t0 = mono_ns();
    uint64_t wrong = bench_all_rounds(&loop, in, (size_t)n, rounds);
    uint64_t t1 = mono_ns();
    unsigned long allocs = ac.calls - allocs0;
    if (wrong != 0)
        die("all: a round did not fulfil with the list of the N values");
    for (uint64_t i = 0; i < n; i++)
        pawl_promise_release(in[i]);
    free(in);
    check(pawl_loop_close(&loop), "pawl_loop_close");

    double ops = (double)n * (double)rounds;
    printf("all: inputs=%" PRIu64 " rounds=%" PRIu64 " ns/input=%.2f ns/round=%.0f "
           "allocs=%lu allocs/round=%.2f\n",
           n, rounds, ops > 0 ? (double)(t1 - t0) / ops : 0.0,
           rounds ? (double)(t1 - t0) / (double)rounds : 0.0, allocs,
           rounds ? (double)allocs / (double)rounds : 0.0);
}

/* ---- sizes ------------------------------------------------------------------ */

static void print_sizes(void)
{
    printf("sizes: pawl_promise %zu, pawl_reaction %zu, pawl_value %zu, pawl_loop %zu\n",
           sizeof(pawl_promise), sizeof(pawl_reaction), sizeof(pawl_value), sizeof(pawl_loop));
}

/* ---- main ------------------------------------------------------------------- */

static uint64_t parse_count(const char *s)
{
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    if (*s == '\0' || *end != '\0' || *s == '-')
        die(USAGE);
    return v;
}

int main(int argc, char **argv)
{
    const char *which = argc > 1 ? argv[1] : "";
    if (strcmp(which, "chain") == 0 && (argc == 3 || argc == 4)) {
        int pool = argc == 4;
        if (pool && strcmp(argv[3], "pool") != 0)
            die(USAGE);
        bench_chain(parse_count(argv[2]), pool);
    } else if (strcmp(which, "await") == 0 && (argc == 3 || argc == 4)) {
        unsigned budget = 0;
        if (argc == 4) {
            if (strcmp(argv[3], "max") == 0)
                budget = INT_MAX;
            else if (strcmp(argv[3], "0") != 0)
                die(USAGE);
        }
        bench_await(parse_count(argv[2]), budget);
    } else if (strcmp(which, "all") == 0 && argc == 4) {
        bench_all(parse_count(argv[2]), parse_count(argv[3]));
    } else if (strcmp(which, "sizes") == 0 && argc == 2) {
        print_sizes();
    } else {
        die(USAGE);
    }
    return 0;
}
