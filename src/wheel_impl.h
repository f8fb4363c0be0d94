/*
 * src/wheel_impl.h -- what src/timer.c needs of the timer wheel beyond its
 * public API: the constants, the inline unlink (so that canceling a timer
 * costs no call), and the filing of a whole ring of nodes (the timers'
 * staging ring) with one call.  Not installed.  The design is described
 * at the top of src/wheel.c.
 */
#ifndef PAWL_WHEEL_IMPL_H
#define PAWL_WHEEL_IMPL_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pawl/wheel.h"
#include "ring.h"

#define WHEEL_BITS 6                                  /* digit width */
#define WHEEL_SLOTS (1u << WHEEL_BITS)                /* 64 slots a level */
#define WHEEL_MASK (WHEEL_SLOTS - 1)                  /* one digit */
#define WHEEL_TOP (PAWL_WHEEL_LEVELS - 1)             /* top level index */
#define WHEEL_RANGE_BITS (WHEEL_BITS * PAWL_WHEEL_LEVELS) /* 36: span 2^36 */
#define WHEEL_PARK_SLOT 0u                            /* out-of-range nodes */
#define WHEEL_PARK_INDEX (WHEEL_TOP * WHEEL_SLOTS + WHEEL_PARK_SLOT)
/* The occupancy bitmaps are machine words: one per level on a 64-bit
 * target, two on a 32-bit one. */
#define WHEEL_WORD_BITS ((unsigned)(sizeof(pawl__wheel_word) * CHAR_BIT))

_Static_assert(PAWL_WHEEL_LEVELS >= 2 && WHEEL_RANGE_BITS < 64,
               "PAWL_WHEEL_LEVELS must be 2..10");
_Static_assert(WHEEL_SLOTS % WHEEL_WORD_BITS == 0 &&
                   sizeof(((pawl_wheel *)0)->pawl__occupied) * CHAR_BIT ==
                       PAWL_WHEEL_LEVELS * WHEEL_SLOTS,
               "a level's slots fill whole words of the occupancy bitmap");

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

/* File every node of the ring `head` where it belongs relative to the
 * elapsed tick, in ring order, leaving `head` empty: the timers' staging
 * ring, and (in src/wheel.c) a slot being cascaded.  Every deadline must
 * be >= the elapsed tick; the nodes are already counted.  One loop for
 * both, out of line: the call is per ring, not per node. */
void pawl__wheel_file_ring(pawl_wheel *w, pawl_wheel_link *head);

/* A tick at which to look again: the start of the earliest non-empty slot
 * (PAWL_FOREVER if none).  Never after the earliest deadline, and O(1),
 * where pawl_wheel_next_deadline may scan a long coarse slot: a loop that
 * wakes here finds the slot cascaded and the exact deadline in level 0. */
uint64_t pawl__wheel_next_wake(const pawl_wheel *w);

#endif /* PAWL_WHEEL_IMPL_H */
