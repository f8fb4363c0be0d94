/*
 * src/wheel_impl.h -- the timer wheel's hot operations, inline, for
 * src/wheel.c (the public pawl_wheel_* functions) and src/timer.c (which
 * arms and cancels on the loop's wheel without a call per operation).
 * Not installed.  The design is described at the top of src/wheel.c.
 */
#ifndef PAWL_WHEEL_IMPL_H
#define PAWL_WHEEL_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pawl/wheel.h"
#include "ring.h"

#define WHEEL_BITS 6                                  /* digit width */
#define WHEEL_SLOTS (1u << WHEEL_BITS)                /* 64 slots a level */
#define WHEEL_MASK ((uint64_t)WHEEL_SLOTS - 1)        /* one digit */
#define WHEEL_TOP (PAWL_WHEEL_LEVELS - 1)             /* top level index */
#define WHEEL_RANGE_BITS (WHEEL_BITS * PAWL_WHEEL_LEVELS) /* 36: span 2^36 */
#define WHEEL_PARK_SLOT 0u                            /* out-of-range nodes */
#define WHEEL_PARK_INDEX (WHEEL_TOP * WHEEL_SLOTS + WHEEL_PARK_SLOT)

_Static_assert(WHEEL_SLOTS == 64, "the bitmaps are uint64_t");
_Static_assert(PAWL_WHEEL_LEVELS >= 2 && WHEEL_RANGE_BITS < 64,
               "PAWL_WHEEL_LEVELS must be 2..10");

static inline unsigned pawl__ctz64(uint64_t x) /* x != 0 */
{
#if defined(__GNUC__)
    return (unsigned)__builtin_ctzll(x);
#else
    unsigned n = 0;
    for (unsigned shift = 32; shift > 0; shift >>= 1) {
        uint64_t low = x & ((UINT64_C(1) << shift) - 1);
        if (low == 0) {
            x >>= shift;
            n += shift;
        }
    }
    return n;
#endif
}

static inline unsigned pawl__highbit64(uint64_t x) /* x != 0: top set bit */
{
#if defined(__GNUC__)
    return 63u - (unsigned)__builtin_clzll(x);
#else
    unsigned n = 0;
    for (unsigned shift = 32; shift > 0; shift >>= 1) {
        if (x >> shift) {
            x >>= shift;
            n += shift;
        }
    }
    return n;
#endif
}

/* Indexed by the top set bit of (deadline ^ elapsed) | WHEEL_MASK, which is
 * 5..63: the shift of the level's digit (6 * level) and the level's first
 * index in pawl__heads (64 * level).  Bits at or above WHEEL_RANGE_BITS
 * are out of range (parked) and never looked up. */
/* (Defined once, in src/wheel.c, not once per file that includes this
 * one; hidden, so that a shared library reads them as directly as it would
 * a static table.) */
#if defined(__GNUC__) && !defined(_WIN32)
#  define PAWL__WHEEL_HIDDEN __attribute__((__visibility__("hidden")))
#else
#  define PAWL__WHEEL_HIDDEN
#endif
extern PAWL__WHEEL_HIDDEN const unsigned char pawl__wheel_shift[64];
extern PAWL__WHEEL_HIDDEN const unsigned short pawl__wheel_base[64];

/* Where a deadline (>= elapsed) is filed: 64 * level + slot.  The level is
 * the highest base-64 digit in which deadline and elapsed differ (0 if
 * none: or-ing in WHEEL_MASK makes the top bit at least 5, which is level
 * 0); out-of-range deadlines are parked. */
static inline unsigned pawl__wheel_index(uint64_t elapsed, uint64_t deadline)
{
    unsigned top = pawl__highbit64((deadline ^ elapsed) | WHEEL_MASK);
    if (top >= WHEEL_RANGE_BITS)
        return WHEEL_PARK_INDEX;
    return pawl__wheel_base[top] +
           (unsigned)((deadline >> pawl__wheel_shift[top]) & WHEEL_MASK);
}

/* Append `n` to the list of slot `index`. */
static inline void pawl__wheel_link(pawl_wheel *w, pawl_wheel_node *n, unsigned index)
{
    pawl__ring_append(&w->pawl__heads[index], &n->pawl__link);
    w->pawl__occupied[index / WHEEL_SLOTS] |= UINT64_C(1) << (index % WHEEL_SLOTS);
}

/* File `n` (unarmed, deadline >= elapsed already) where it belongs. */
static inline void pawl__wheel_file(pawl_wheel *w, pawl_wheel_node *n)
{
    pawl__wheel_link(w, n, pawl__wheel_index(w->pawl__elapsed, n->pawl__deadline));
}

/* Arm an unarmed node: clamp, file, count. */
static inline void pawl__wheel_insert(pawl_wheel *w, pawl_wheel_node *n, uint64_t deadline)
{
    n->pawl__deadline = deadline < w->pawl__elapsed ? w->pawl__elapsed : deadline;
    pawl__wheel_file(w, n);
    w->pawl__count++;
}

/*
 * Unlink an armed node.  Its slot need not be known: the list is a ring
 * through the slot's head.  The slot's occupancy bit is left set even if
 * the slot is now empty: the search for the earliest slot clears such
 * stale bits when it meets them, which keeps cancel to five memory
 * operations and no branch.
 */
static inline void pawl__wheel_unlink(pawl_wheel_node *n)
{
    pawl__ring_unlink(&n->pawl__link);
}

static inline void pawl__wheel_remove(pawl_wheel *w, pawl_wheel_node *n)
{
    pawl__wheel_unlink(n);
    w->pawl__count--;
}

/* A tick at which to look again: the start of the earliest non-empty slot
 * (PAWL_FOREVER if none).  Never after the earliest deadline, and O(1),
 * where pawl_wheel_next_deadline may scan a long coarse slot: a loop that
 * wakes here finds the slot cascaded and the exact deadline in level 0. */
uint64_t pawl__wheel_next_wake(const pawl_wheel *w);

#endif /* PAWL_WHEEL_IMPL_H */
