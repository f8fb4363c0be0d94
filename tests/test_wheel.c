/*
 * tests/test_wheel.c -- the timer wheel (pawl/wheel.h) as a pure data
 * structure: it is told the time, so every case runs on ticks chosen
 * here, with no clock.
 *
 * The edge cases come first; the last case drives the wheel and a
 * deliberately simple model (a sorted array of (deadline, seq, id)) with
 * the same million random operations and compares every answer.  It is
 * seeded from PAWL_WHEEL_SEED when set, so a failure is reproducible from
 * the seed and the operation index it prints.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pawl/error.h"
#include "pawl/wheel.h"

/* 64^k, the level boundaries. */
static uint64_t pow64(unsigned k)
{
    return UINT64_C(1) << (6 * k);
}

/* The wheel's elapsed tick, observed through the public API: a node
 * inserted with a deadline of 0 is clamped to it. */
static uint64_t observed_elapsed(pawl_wheel *w)
{
    pawl_wheel_node probe;
    pawl_wheel_node_init(&probe);
    assert_int_equal(pawl_wheel_insert(w, &probe, 0), 0);
    uint64_t e = pawl_wheel_node_deadline(&probe);
    assert_int_equal(pawl_wheel_remove(w, &probe), 0);
    return e;
}

/* ---- argument checks and states ----------------------------------------- */

static void wheel_empty_has_no_deadline_and_expires_nothing(void **state)
{
    (void)state;
    pawl_wheel w;
    pawl_wheel_init(&w, 1000);
    assert_int_equal(pawl_wheel_count(&w), 0);
    assert_true(pawl_wheel_next_deadline(&w) == PAWL_FOREVER);
    assert_null(pawl_wheel_expire(&w, 5000));
    assert_int_equal(observed_elapsed(&w), 5000);
}

static void wheel_null_arguments_are_einval(void **state)
{
    (void)state;
    pawl_wheel w;
    pawl_wheel_node n;
    pawl_wheel_init(&w, 0);
    pawl_wheel_node_init(&n);
    assert_int_equal(pawl_wheel_insert(&w, NULL, 5), PAWL_EINVAL);
    assert_int_equal(pawl_wheel_insert(NULL, &n, 5), PAWL_EINVAL);
    assert_int_equal(pawl_wheel_remove(&w, NULL), PAWL_EINVAL);
    assert_int_equal(pawl_wheel_remove(NULL, &n), PAWL_EINVAL);
    assert_false(pawl_wheel_node_armed(&n));
    assert_int_equal(pawl_wheel_count(&w), 0);
}

static void wheel_insert_twice_is_ealready(void **state)
{
    (void)state;
    pawl_wheel w;
    pawl_wheel_node n;
    pawl_wheel_init(&w, 0);
    pawl_wheel_node_init(&n);
    assert_int_equal(pawl_wheel_insert(&w, &n, 10), 0);
    assert_int_equal(pawl_wheel_insert(&w, &n, 20), PAWL_EALREADY);
    assert_int_equal(pawl_wheel_node_deadline(&n), 10);
    assert_int_equal(pawl_wheel_count(&w), 1);
    assert_null(pawl_wheel_expire(&w, 9));
    assert_ptr_equal(pawl_wheel_expire(&w, 20), &n);
    assert_null(pawl_wheel_expire(&w, 20));
}

static void wheel_remove_unarmed_is_a_noop(void **state)
{
    (void)state;
    pawl_wheel w;
    pawl_wheel_node a, b;
    pawl_wheel_init(&w, 0);
    pawl_wheel_node_init(&a);
    pawl_wheel_node_init(&b);
    assert_int_equal(pawl_wheel_insert(&w, &b, 3), 0);
    assert_int_equal(pawl_wheel_remove(&w, &a), 0);
    assert_int_equal(pawl_wheel_count(&w), 1);
    assert_int_equal(pawl_wheel_remove(&w, &b), 0);
    assert_int_equal(pawl_wheel_remove(&w, &b), 0); /* twice */
    assert_int_equal(pawl_wheel_count(&w), 0);
    assert_null(pawl_wheel_expire(&w, 100));
}

static void wheel_count_and_armed_follow_each_transition(void **state)
{
    (void)state;
    pawl_wheel w;
    pawl_wheel_node n[3];
    pawl_wheel_init(&w, 0);
    for (int i = 0; i < 3; i++) {
        pawl_wheel_node_init(&n[i]);
        assert_false(pawl_wheel_node_armed(&n[i]));
    }
    assert_int_equal(pawl_wheel_insert(&w, &n[0], 5), 0);
    assert_int_equal(pawl_wheel_insert(&w, &n[1], 5000), 0);
    assert_int_equal(pawl_wheel_insert(&w, &n[2], 500000), 0);
    assert_int_equal(pawl_wheel_count(&w), 3);
    for (int i = 0; i < 3; i++)
        assert_true(pawl_wheel_node_armed(&n[i]));
    assert_int_equal(pawl_wheel_remove(&w, &n[1]), 0);
    assert_false(pawl_wheel_node_armed(&n[1]));
    assert_int_equal(pawl_wheel_count(&w), 2);
    assert_ptr_equal(pawl_wheel_expire(&w, 1000000), &n[0]);
    assert_false(pawl_wheel_node_armed(&n[0]));
    assert_int_equal(pawl_wheel_count(&w), 1);
    assert_ptr_equal(pawl_wheel_expire(&w, 1000000), &n[2]);
    assert_int_equal(pawl_wheel_count(&w), 0);
    assert_null(pawl_wheel_expire(&w, 1000000));
}

/* ---- when nodes fire ---------------------------------------------------- */

static void wheel_zero_delay_fires_on_next_expire_at_elapsed(void **state)
{
    (void)state;
    pawl_wheel w;
    pawl_wheel_node n;
    pawl_wheel_init(&w, 777);
    pawl_wheel_node_init(&n);
    assert_int_equal(pawl_wheel_insert(&w, &n, 777), 0);
    assert_int_equal(pawl_wheel_next_deadline(&w), 777);
    assert_ptr_equal(pawl_wheel_expire(&w, 777), &n);
    assert_null(pawl_wheel_expire(&w, 777));
}

static void wheel_past_deadline_is_clamped_and_fires_at_once(void **state)
{
    (void)state;
    pawl_wheel w;
    pawl_wheel_node n;
    pawl_wheel_init(&w, 100000);
    pawl_wheel_node_init(&n);
    assert_int_equal(pawl_wheel_insert(&w, &n, 3), 0);
    assert_int_equal(pawl_wheel_node_deadline(&n), 100000);
    assert_int_equal(pawl_wheel_next_deadline(&w), 100000);
    assert_ptr_equal(pawl_wheel_expire(&w, 100000), &n);
}

/* For several starting ticks, a delay on each side of every level
 * boundary fires exactly at its tick: not at tick-1, and at tick. */
static void wheel_level_boundaries_fire_exactly_at_their_tick(void **state)
{
    (void)state;
    static const uint64_t starts[] = {
        0, 1, 63, 64, 4095, 12345, (UINT64_C(1) << 36) - 1, UINT64_C(1) << 36,
        (UINT64_C(1) << 40) + 4097, UINT64_C(0x123456789abcdef),
    };
    for (size_t s = 0; s < sizeof starts / sizeof starts[0]; s++) {
        for (unsigned k = 1; k <= 7; k++) {
            for (int adj = -1; adj <= 1; adj++) {
                uint64_t delay = pow64(k) + (uint64_t)(int64_t)adj;
                uint64_t start = starts[s];
                uint64_t due = start + delay;
                pawl_wheel w;
                pawl_wheel_node n;
                pawl_wheel_init(&w, start);
                pawl_wheel_node_init(&n);
                assert_int_equal(pawl_wheel_insert(&w, &n, due), 0);
                assert_int_equal(pawl_wheel_next_deadline(&w), due);
                /* Walk up in uneven steps, never reaching the tick. */
                for (uint64_t t = start + 1; t < due - 1; t += (due - t) / 3 + 1) {
                    assert_null(pawl_wheel_expire(&w, t));
                    assert_int_equal(pawl_wheel_next_deadline(&w), due);
                }
                assert_null(pawl_wheel_expire(&w, due - 1));
                assert_int_equal(pawl_wheel_next_deadline(&w), due);
                assert_ptr_equal(pawl_wheel_expire(&w, due), &n);
                assert_int_equal(pawl_wheel_count(&w), 0);
            }
        }
    }
}

/* The same boundaries reached in one jump from the start: the node fires
 * at the right tick even when every cascade happens in one call. */
static void wheel_level_boundaries_fire_after_one_jump(void **state)
{
    (void)state;
    for (unsigned k = 1; k <= 7; k++) {
        for (int adj = -1; adj <= 1; adj++) {
            uint64_t due = 5 + pow64(k) + (uint64_t)(int64_t)adj;
            pawl_wheel w;
            pawl_wheel_node n;
            pawl_wheel_init(&w, 5);
            pawl_wheel_node_init(&n);
            assert_int_equal(pawl_wheel_insert(&w, &n, due), 0);
            assert_null(pawl_wheel_expire(&w, due - 1));
            assert_ptr_equal(pawl_wheel_expire(&w, due), &n);
            assert_int_equal(observed_elapsed(&w), due);
        }
    }
}

static void wheel_far_future_beyond_range_never_fires_early(void **state)
{
    (void)state;
    pawl_wheel w;
    pawl_wheel_node n;
    uint64_t due = (UINT64_C(1) << 40) + 5;
    pawl_wheel_init(&w, 0);
    pawl_wheel_node_init(&n);
    assert_int_equal(pawl_wheel_insert(&w, &n, due), 0);
    assert_int_equal(pawl_wheel_next_deadline(&w), due);
    /* Through every 2^36 block boundary on the way, and just before. */
    for (uint64_t t = UINT64_C(1) << 36; t < due; t += UINT64_C(1) << 36) {
        assert_null(pawl_wheel_expire(&w, t - 1));
        assert_null(pawl_wheel_expire(&w, t));
        assert_int_equal(pawl_wheel_next_deadline(&w), due);
    }
    assert_null(pawl_wheel_expire(&w, due - 1));
    assert_ptr_equal(pawl_wheel_expire(&w, due), &n);
}

static void wheel_huge_deadlines_saturate_near_the_end_of_time(void **state)
{
    (void)state;
    pawl_wheel w;
    pawl_wheel_node a, b;
    pawl_wheel_init(&w, UINT64_MAX - 1000);
    pawl_wheel_node_init(&a);
    pawl_wheel_node_init(&b);
    assert_int_equal(pawl_wheel_insert(&w, &b, UINT64_MAX), 0);
    assert_int_equal(pawl_wheel_insert(&w, &a, UINT64_MAX - 1), 0);
    assert_true(pawl_wheel_next_deadline(&w) == UINT64_MAX - 1);
    assert_null(pawl_wheel_expire(&w, UINT64_MAX - 2));
    assert_ptr_equal(pawl_wheel_expire(&w, UINT64_MAX - 1), &a);
    assert_null(pawl_wheel_expire(&w, UINT64_MAX - 1));
    assert_true(pawl_wheel_next_deadline(&w) == UINT64_MAX);
    assert_ptr_equal(pawl_wheel_expire(&w, UINT64_MAX), &b);
    assert_null(pawl_wheel_expire(&w, UINT64_MAX));
    assert_true(observed_elapsed(&w) == UINT64_MAX);
    assert_int_equal(pawl_wheel_count(&w), 0);

    /* At the very end, anything inserted is due at once. */
    assert_int_equal(pawl_wheel_insert(&w, &a, 5), 0);
    assert_ptr_equal(pawl_wheel_expire(&w, UINT64_MAX), &a);
}

static void wheel_deadline_forever_from_zero_is_parked_until_the_end(void **state)
{
    (void)state;
    pawl_wheel w;
    pawl_wheel_node n;
    pawl_wheel_init(&w, 0);
    pawl_wheel_node_init(&n);
    assert_int_equal(pawl_wheel_insert(&w, &n, UINT64_MAX), 0);
    assert_true(pawl_wheel_next_deadline(&w) == UINT64_MAX);
    assert_int_equal(pawl_wheel_count(&w), 1);
    assert_null(pawl_wheel_expire(&w, UINT64_MAX / 2));
    assert_null(pawl_wheel_expire(&w, UINT64_MAX - (UINT64_C(1) << 36)));
    assert_null(pawl_wheel_expire(&w, UINT64_MAX - 1));
    assert_true(pawl_wheel_next_deadline(&w) == UINT64_MAX);
    assert_ptr_equal(pawl_wheel_expire(&w, UINT64_MAX), &n);
}

static void wheel_next_deadline_is_exact_in_higher_levels(void **state)
{
    (void)state;
    pawl_wheel w;
    pawl_wheel_node a, b, c;
    pawl_wheel_init(&w, 0);
    pawl_wheel_node_init(&a);
    pawl_wheel_node_init(&b);
    pawl_wheel_node_init(&c);
    assert_int_equal(pawl_wheel_insert(&w, &a, 100000), 0);
    assert_int_equal(pawl_wheel_next_deadline(&w), 100000);
    /* Same coarse slot, earlier deadline, inserted later. */
    assert_int_equal(pawl_wheel_insert(&w, &b, 99000), 0);
    assert_int_equal(pawl_wheel_next_deadline(&w), 99000);
    /* A much later one changes nothing. */
    assert_int_equal(pawl_wheel_insert(&w, &c, UINT64_C(1) << 38), 0);
    assert_int_equal(pawl_wheel_next_deadline(&w), 99000);
    assert_int_equal(pawl_wheel_remove(&w, &b), 0);
    assert_int_equal(pawl_wheel_next_deadline(&w), 100000);
    assert_int_equal(pawl_wheel_remove(&w, &a), 0);
    assert_true(pawl_wheel_next_deadline(&w) == UINT64_C(1) << 38);
}

/* ---- order -------------------------------------------------------------- */

static void wheel_equal_deadlines_fire_in_insertion_order_across_cascades(void **state)
{
    (void)state;
    pawl_wheel w;
    pawl_wheel_node n[6];
    pawl_wheel_init(&w, 0);
    for (int i = 0; i < 6; i++)
        pawl_wheel_node_init(&n[i]);
    uint64_t due = 3 * pow64(3) + 2 * pow64(2) + 70;
    /* Inserted at three different elapsed ticks, so each lands at a
     * different level and is cascaded a different number of times. */
    assert_int_equal(pawl_wheel_insert(&w, &n[0], due), 0);
    assert_int_equal(pawl_wheel_insert(&w, &n[1], due), 0);
    assert_null(pawl_wheel_expire(&w, 3 * pow64(3)));
    assert_int_equal(pawl_wheel_insert(&w, &n[2], due), 0);
    assert_null(pawl_wheel_expire(&w, 3 * pow64(3) + 2 * pow64(2)));
    assert_int_equal(pawl_wheel_insert(&w, &n[3], due), 0);
    assert_null(pawl_wheel_expire(&w, due - 3));
    assert_int_equal(pawl_wheel_insert(&w, &n[4], due), 0);
    assert_int_equal(pawl_wheel_insert(&w, &n[5], due - 1), 0);
    assert_ptr_equal(pawl_wheel_expire(&w, due + 1000), &n[5]);
    for (int i = 0; i < 5; i++)
        assert_ptr_equal(pawl_wheel_expire(&w, due + 1000), &n[i]);
    assert_null(pawl_wheel_expire(&w, due + 1000));
}

static void wheel_cancel_in_middle_of_slot_keeps_the_others_in_order(void **state)
{
    (void)state;
    pawl_wheel w;
    pawl_wheel_node n[3];
    pawl_wheel_init(&w, 0);
    for (int i = 0; i < 3; i++) {
        pawl_wheel_node_init(&n[i]);
        assert_int_equal(pawl_wheel_insert(&w, &n[i], 20), 0);
    }
    assert_int_equal(pawl_wheel_remove(&w, &n[1]), 0);
    assert_int_equal(pawl_wheel_count(&w), 2);
    assert_ptr_equal(pawl_wheel_expire(&w, 20), &n[0]);
    assert_ptr_equal(pawl_wheel_expire(&w, 20), &n[2]);
    assert_null(pawl_wheel_expire(&w, 20));

    /* The same in a coarse slot, before it cascades. */
    for (int i = 0; i < 3; i++)
        assert_int_equal(pawl_wheel_insert(&w, &n[i], 50000), 0);
    assert_int_equal(pawl_wheel_remove(&w, &n[1]), 0);
    assert_ptr_equal(pawl_wheel_expire(&w, 60000), &n[0]);
    assert_ptr_equal(pawl_wheel_expire(&w, 60000), &n[2]);
    assert_null(pawl_wheel_expire(&w, 60000));
}

static void wheel_cancel_during_expiry_prevents_firing(void **state)
{
    (void)state;
    pawl_wheel w;
    pawl_wheel_node a, b, c;
    pawl_wheel_init(&w, 0);
    pawl_wheel_node_init(&a);
    pawl_wheel_node_init(&b);
    pawl_wheel_node_init(&c);
    assert_int_equal(pawl_wheel_insert(&w, &a, 9000), 0);
    assert_int_equal(pawl_wheel_insert(&w, &b, 9000), 0);
    assert_int_equal(pawl_wheel_insert(&w, &c, 9000), 0);
    assert_ptr_equal(pawl_wheel_expire(&w, 10000), &a);
    assert_int_equal(pawl_wheel_remove(&w, &b), 0); /* A's callback */
    assert_false(pawl_wheel_node_armed(&b));
    assert_ptr_equal(pawl_wheel_expire(&w, 10000), &c);
    assert_null(pawl_wheel_expire(&w, 10000));
    assert_int_equal(pawl_wheel_count(&w), 0);
}

static void wheel_reinsert_during_expiry_fires_after_nodes_already_due(void **state)
{
    (void)state;
    pawl_wheel w;
    pawl_wheel_node a, b, c;
    pawl_wheel_init(&w, 0);
    pawl_wheel_node_init(&a);
    pawl_wheel_node_init(&b);
    pawl_wheel_node_init(&c);
    assert_int_equal(pawl_wheel_insert(&w, &a, 300), 0);
    assert_int_equal(pawl_wheel_insert(&w, &b, 300), 0);
    assert_int_equal(pawl_wheel_insert(&w, &c, 301), 0);
    assert_ptr_equal(pawl_wheel_expire(&w, 400), &a);
    /* A re-arms itself for "now": the tick the wheel is at, 300, behind
     * B (already due at 300) but before C (due at 301). */
    assert_int_equal(pawl_wheel_insert(&w, &a, 400), 0);
    assert_int_equal(pawl_wheel_remove(&w, &a), 0);
    assert_int_equal(pawl_wheel_insert(&w, &a, 300), 0);
    assert_int_equal(pawl_wheel_node_deadline(&a), 300);
    assert_ptr_equal(pawl_wheel_expire(&w, 400), &b);
    assert_ptr_equal(pawl_wheel_expire(&w, 400), &a);
    assert_ptr_equal(pawl_wheel_expire(&w, 400), &c);
    assert_null(pawl_wheel_expire(&w, 400));

    /* Re-armed with a deadline before the wheel's tick: clamped to it. */
    assert_int_equal(pawl_wheel_insert(&w, &a, 500), 0);
    assert_int_equal(pawl_wheel_insert(&w, &b, 500), 0);
    assert_ptr_equal(pawl_wheel_expire(&w, 600), &a);
    assert_int_equal(pawl_wheel_insert(&w, &a, 0), 0);
    assert_int_equal(pawl_wheel_node_deadline(&a), 500);
    assert_ptr_equal(pawl_wheel_expire(&w, 600), &b);
    assert_ptr_equal(pawl_wheel_expire(&w, 600), &a);
    assert_null(pawl_wheel_expire(&w, 600));
}

static void wheel_expire_before_elapsed_changes_nothing(void **state)
{
    (void)state;
    pawl_wheel w;
    pawl_wheel_node n;
    pawl_wheel_init(&w, 1000);
    pawl_wheel_node_init(&n);
    assert_int_equal(pawl_wheel_insert(&w, &n, 1000), 0);
    assert_null(pawl_wheel_expire(&w, 999));
    assert_int_equal(pawl_wheel_next_deadline(&w), 1000);
    assert_ptr_equal(pawl_wheel_expire(&w, 1000), &n);
    assert_null(pawl_wheel_expire(&w, 10));
    assert_int_equal(observed_elapsed(&w), 1000);
}

/* ---- randomized differential test --------------------------------------- */

#define POOL 4096
#define DIFF_OPS 1000000

/* The model: every armed node as (deadline, seq, id), sorted by
 * (deadline, seq) DEscending so the next due is at the end. */
typedef struct ref_entry {
    uint64_t deadline;
    uint32_t seq;
    uint32_t id;
} ref_entry;

typedef struct diff {
    uint64_t seed;
    uint64_t rng;
    long op;          /* index of the current operation */
    const char *what; /* its kind, for the failure message */
    pawl_wheel w;
    pawl_wheel_node nodes[POOL];
    ref_entry ref[POOL];
    size_t nref;
    uint64_t ref_elapsed;
    uint32_t seq;
    uint32_t node_seq[POOL];      /* the model's key of each armed node */
    uint64_t node_deadline[POOL];
} diff;

#define CHECK(d, cond, ...)                                                  \
    do {                                                                     \
        if (!(cond)) {                                                       \
            print_error("wheel diff: seed %llu, operation %ld (%s):\n",      \
                        (unsigned long long)(d)->seed, (d)->op, (d)->what);  \
            fail_msg(__VA_ARGS__);                                           \
        }                                                                    \
    } while (0)

static uint64_t rnd(diff *d) /* splitmix64 */
{
    uint64_t z = (d->rng += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

static uint64_t rnd_below(diff *d, uint64_t n) /* n > 0 */
{
    return rnd(d) % n;
}

static uint64_t sat_add(uint64_t a, uint64_t b)
{
    return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

/* (ad, as) is due before (bd, bs). */
static bool key_before(uint64_t ad, uint32_t as, uint64_t bd, uint32_t bs)
{
    return ad < bd || (ad == bd && as < bs);
}

/* Index of the first entry that is not due after (deadline, seq): where
 * that key is, or would be inserted. */
static size_t ref_lower(const diff *d, uint64_t deadline, uint32_t seq)
{
    size_t lo = 0, hi = d->nref;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (!key_before(deadline, seq, d->ref[mid].deadline, d->ref[mid].seq))
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

static void ref_insert(diff *d, uint32_t id, uint64_t deadline)
{
    if (deadline < d->ref_elapsed)
        deadline = d->ref_elapsed;
    uint32_t seq = d->seq++;
    size_t at = ref_lower(d, deadline, seq);
    memmove(&d->ref[at + 1], &d->ref[at], (d->nref - at) * sizeof d->ref[0]);
    d->ref[at] = (ref_entry){deadline, seq, id};
    d->nref++;
    d->node_seq[id] = seq;
    d->node_deadline[id] = deadline;
}

static void ref_remove(diff *d, uint32_t id)
{
    size_t at = ref_lower(d, d->node_deadline[id], d->node_seq[id]);
    CHECK(d, at < d->nref && d->ref[at].id == id, "node %u missing from the model", id);
    memmove(&d->ref[at], &d->ref[at + 1], (d->nref - at - 1) * sizeof d->ref[0]);
    d->nref--;
}

static uint64_t random_deadline(diff *d)
{
    uint64_t e = d->ref_elapsed;
    uint64_t r = rnd_below(d, 100);
    if (r < 40)
        return sat_add(e, rnd_below(d, 71));
    if (r < 70)
        return sat_add(e, rnd_below(d, 100001));
    if (r < 90)
        return sat_add(e, rnd_below(d, UINT64_C(1) << 40));
    if (r < 95)
        return UINT64_MAX - rnd_below(d, 2000);
    return e - (e < 1000 ? e : rnd_below(d, 1000)); /* in the past */
}

static void op_insert(diff *d, uint32_t id, uint64_t deadline)
{
    pawl_wheel_node *n = &d->nodes[id];
    if (pawl_wheel_node_armed(n)) {
        CHECK(d, pawl_wheel_insert(&d->w, n, deadline) == PAWL_EALREADY,
              "second insert of node %u not refused", id);
        return;
    }
    CHECK(d, pawl_wheel_insert(&d->w, n, deadline) == 0, "insert failed");
    ref_insert(d, id, deadline);
    uint64_t want = deadline < d->ref_elapsed ? d->ref_elapsed : deadline;
    CHECK(d, pawl_wheel_node_deadline(n) == want, "stored deadline %llu, model %llu",
          (unsigned long long)pawl_wheel_node_deadline(n), (unsigned long long)want);
}

static void op_cancel(diff *d, uint32_t id)
{
    pawl_wheel_node *n = &d->nodes[id];
    bool armed = pawl_wheel_node_armed(n);
    if (armed)
        ref_remove(d, id);
    CHECK(d, pawl_wheel_remove(&d->w, n) == 0, "remove failed");
    CHECK(d, !pawl_wheel_node_armed(n), "still armed after remove");
}

static void check_next_deadline(diff *d)
{
    uint64_t want = d->nref ? d->ref[d->nref - 1].deadline : PAWL_FOREVER;
    uint64_t got = pawl_wheel_next_deadline(&d->w);
    CHECK(d, got == want, "next_deadline %llu, model %llu", (unsigned long long)got,
          (unsigned long long)want);
    CHECK(d, pawl_wheel_count(&d->w) == d->nref, "count %zu, model %zu",
          pawl_wheel_count(&d->w), d->nref);
}

static void op_advance(diff *d, uint64_t now)
{
    for (;;) {
        pawl_wheel_node *got = pawl_wheel_expire(&d->w, now);
        bool due = d->nref && d->ref[d->nref - 1].deadline <= now;
        if (!due) {
            CHECK(d, got == NULL, "node %ld fired at now %llu, model has none due",
                  (long)(got - d->nodes), (unsigned long long)now);
            if (now > d->ref_elapsed)
                d->ref_elapsed = now;
            return;
        }
        ref_entry want = d->ref[d->nref - 1];
        CHECK(d, got != NULL, "nothing fired at now %llu, model has node %u due at %llu",
              (unsigned long long)now, want.id, (unsigned long long)want.deadline);
        CHECK(d, got == &d->nodes[want.id],
              "node %ld (deadline %llu) fired, model wants node %u (deadline %llu seq %u)",
              (long)(got - d->nodes), (unsigned long long)pawl_wheel_node_deadline(got), want.id,
              (unsigned long long)want.deadline, want.seq);
        CHECK(d, !pawl_wheel_node_armed(got), "expired node still armed");
        d->nref--;
        d->ref_elapsed = want.deadline;
        /* Now and then, act from the "callback": re-arm the node that
         * just fired, or arm or cancel another one. */
        uint64_t r = rnd_below(d, 100);
        if (r < 4)
            op_insert(d, want.id, r < 2 ? now : random_deadline(d));
        else if (r < 7)
            op_insert(d, (uint32_t)rnd_below(d, POOL), random_deadline(d));
        else if (r < 10)
            op_cancel(d, (uint32_t)rnd_below(d, POOL));
    }
}

static uint64_t random_step(diff *d)
{
    uint64_t r = rnd_below(d, 100);
    if (r < 60)
        return rnd_below(d, 71);
    if (r < 90)
        return rnd_below(d, 100001);
    if (r < 99)
        return rnd_below(d, UINT64_C(1) << 37);
    return rnd_below(d, UINT64_C(1) << 42);
}

/* One run of `ops` operations with the wheel starting at `start`. */
static void diff_run(diff *d, uint64_t start, long first_op, long ops)
{
    pawl_wheel_init(&d->w, start);
    for (int i = 0; i < POOL; i++)
        pawl_wheel_node_init(&d->nodes[i]);
    d->nref = 0;
    d->ref_elapsed = start;
    for (long k = 0; k < ops; k++) {
        d->op = first_op + k;
        uint64_t r = rnd_below(d, 100);
        uint32_t id = (uint32_t)rnd_below(d, POOL);
        if (r < 40) {
            d->what = "insert";
            op_insert(d, id, random_deadline(d));
        } else if (r < 55) {
            d->what = "cancel";
            op_cancel(d, id);
        } else if (r < 90) {
            d->what = "advance";
            op_advance(d, sat_add(d->ref_elapsed, random_step(d)));
            check_next_deadline(d);
        } else {
            d->what = "next_deadline";
            check_next_deadline(d);
        }
    }
    /* Drain: everything left fires, in order, by the end of time. */
    d->what = "drain";
    op_advance(d, UINT64_MAX);
    check_next_deadline(d);
    CHECK(d, d->nref == 0, "model not empty after drain");
}

static void wheel_matches_sorted_model_on_random_operations(void **state)
{
    (void)state;
    diff *d = test_calloc(1, sizeof *d);
    const char *env = getenv("PAWL_WHEEL_SEED");
    d->seed = env && *env ? strtoull(env, NULL, 0) : UINT64_C(20260101);
    d->rng = d->seed;
    print_message("wheel diff seed %llu (set PAWL_WHEEL_SEED to change)\n",
                  (unsigned long long)d->seed);
    /* Three starts: time 0; just before a 2^36 boundary, so parked nodes
     * are re-filed early on; and 2^40 before the end of time, so advances
     * reach UINT64_MAX and deadlines saturate. */
    diff_run(d, 0, 0, DIFF_OPS * 6 / 10);
    diff_run(d, (UINT64_C(3) << 36) - 5000, DIFF_OPS * 6 / 10, DIFF_OPS * 2 / 10);
    diff_run(d, UINT64_MAX - (UINT64_C(1) << 40), DIFF_OPS * 8 / 10, DIFF_OPS * 2 / 10);
    test_free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(wheel_empty_has_no_deadline_and_expires_nothing),
        cmocka_unit_test(wheel_null_arguments_are_einval),
        cmocka_unit_test(wheel_insert_twice_is_ealready),
        cmocka_unit_test(wheel_remove_unarmed_is_a_noop),
        cmocka_unit_test(wheel_count_and_armed_follow_each_transition),
        cmocka_unit_test(wheel_zero_delay_fires_on_next_expire_at_elapsed),
        cmocka_unit_test(wheel_past_deadline_is_clamped_and_fires_at_once),
        cmocka_unit_test(wheel_level_boundaries_fire_exactly_at_their_tick),
        cmocka_unit_test(wheel_level_boundaries_fire_after_one_jump),
        cmocka_unit_test(wheel_far_future_beyond_range_never_fires_early),
        cmocka_unit_test(wheel_huge_deadlines_saturate_near_the_end_of_time),
        cmocka_unit_test(wheel_deadline_forever_from_zero_is_parked_until_the_end),
        cmocka_unit_test(wheel_next_deadline_is_exact_in_higher_levels),
        cmocka_unit_test(wheel_equal_deadlines_fire_in_insertion_order_across_cascades),
        cmocka_unit_test(wheel_cancel_in_middle_of_slot_keeps_the_others_in_order),
        cmocka_unit_test(wheel_cancel_during_expiry_prevents_firing),
        cmocka_unit_test(wheel_reinsert_during_expiry_fires_after_nodes_already_due),
        cmocka_unit_test(wheel_expire_before_elapsed_changes_nothing),
        cmocka_unit_test(wheel_matches_sorted_model_on_random_operations),
    };
    return cmocka_run_group_tests_name("wheel", tests, NULL, NULL);
}
