/*
 * pawl/wheel.h -- a hierarchical hashed timer wheel, as a pure data
 * structure.
 *
 * The wheel has no clock and no loop and never allocates: it is told the
 * time (in ticks, a 64-bit count whose unit is the caller's) and hands
 * back the nodes that are due.  The loop embeds one; tests drive one by
 * hand.  See src/wheel.c for the design, the level table and why due
 * nodes come out in strict (deadline, insertion) order.
 *
 * Needs only the freestanding C11 headers.
 *
 * NODE STATES
 *
 *     pawl_wheel_node_init        pawl_wheel_insert
 *   ------------------> UNARMED ------------------> ARMED
 *                          ^                          |
 *                          |   pawl_wheel_remove, or  |
 *                          +--- returned by expire ---+
 *
 * An unarmed node belongs to nobody and may be freed or reused.  An armed
 * node is linked into the wheel and must not be freed or moved until it
 * is removed or returned by pawl_wheel_expire.
 */
#ifndef PAWL_WHEEL_H
#define PAWL_WHEEL_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifndef PAWL_FOREVER
#define PAWL_FOREVER UINT64_MAX
#endif

/* A link of a circular, doubly-linked slot list.  Private. */
typedef struct pawl_wheel_link {
    struct pawl_wheel_link *pawl__next;
    struct pawl_wheel_link *pawl__prev;
} pawl_wheel_link;

/* A timer node, allocated by the caller and embedded in its own object
 * (recover the object with container_of).  All fields are private. */
typedef struct pawl_wheel_node {
    /* next is NULL when unarmed.  When armed: the neighbours on the list
     * of exactly one slot, whose head lives in the wheel. */
    pawl_wheel_link pawl__link;
    /* The tick at which the node is due, already clamped to the wheel's
     * elapsed tick at insertion.  Meaningful only when armed (kept after
     * expiry for pawl_wheel_node_deadline). */
    uint64_t pawl__deadline;
} pawl_wheel_node;

/* Levels of 64 slots each; the wheel spans 2^(6 * LEVELS) ticks around
 * its elapsed tick, and anything farther is parked and re-filed later
 * (never fired early).  2..10. */
#ifndef PAWL_WHEEL_LEVELS
#define PAWL_WHEEL_LEVELS 6
#endif

/* The wheel holds pointers into itself (each empty slot's head points at
 * itself): it must not be copied or moved after pawl_wheel_init. */
/* The occupancy bitmaps' word: the machine word, so that a 32-bit core
 * never works on 64-bit values.  (Define both only to build the wheel
 * with narrower words than the machine's, as tests/CMakeLists.txt does to
 * run the 32-bit path on a 64-bit host; the wheel and everything that
 * includes this header must then agree.) */
#ifndef PAWL_WHEEL_WORD
#  define PAWL_WHEEL_WORD uintptr_t
#  define PAWL_WHEEL_WORD_MAX UINTPTR_MAX
#endif
typedef PAWL_WHEEL_WORD pawl__wheel_word;

/* The wheel: caller-allocated, about 6 KiB with the default levels on
 * 64-bit targets.  Fields private.  Not thread-safe. */
typedef struct pawl_wheel {
    /* The wheel's current tick.  Every armed node's deadline is >= it. */
    uint64_t pawl__elapsed;
    /* Occupancy, one bit a slot, in machine words (so that a 32-bit core
     * never works on 64-bit values): bit b of word k stands for slot
     * pawl__heads[k * bits-per-word + b], and is set while that slot is
     * non-empty (and maybe after, see src/wheel_impl.h). */
    pawl__wheel_word pawl__occupied[PAWL_WHEEL_LEVELS * 64 / (sizeof(pawl__wheel_word) * CHAR_BIT)];
    /* The head of slot i of level L is pawl__heads[64 * L + i]: a ring
     * with the head in it, so that a node is unlinked without knowing its
     * slot.  Lists are FIFO: insertion appends before the head. */
    pawl_wheel_link pawl__heads[PAWL_WHEEL_LEVELS * 64];
    /* Number of armed nodes. */
    size_t pawl__count;
} pawl_wheel;

/* An empty wheel whose elapsed tick is `now`. */
void pawl_wheel_init(pawl_wheel *w, uint64_t now);

/* Make `n` an unarmed node.  Call once before first use. */
void pawl_wheel_node_init(pawl_wheel_node *n);

/* Is `n` linked into a wheel? */
bool pawl_wheel_node_armed(const pawl_wheel_node *n);

/* The deadline the node was (or is) armed with, after clamping. */
uint64_t pawl_wheel_node_deadline(const pawl_wheel_node *n);

/* Arm `n` to be due at tick `deadline`.  A deadline before the wheel's
 * elapsed tick is stored as the elapsed tick: due at once, after every
 * node already due then.  O(1).  PAWL_EINVAL for NULL, PAWL_EALREADY if
 * `n` is armed. */
int pawl_wheel_insert(pawl_wheel *w, pawl_wheel_node *n, uint64_t deadline);

/* Disarm `n`.  O(1).  Removing an unarmed node does nothing and returns
 * 0.  PAWL_EINVAL for NULL. */
int pawl_wheel_remove(pawl_wheel *w, pawl_wheel_node *n);

/* The exact earliest deadline of any armed node, or PAWL_FOREVER if none.
 * O(1) when that node is within 64 ticks of the elapsed tick, otherwise
 * O(k) in the number of nodes in one slot. */
uint64_t pawl_wheel_next_deadline(const pawl_wheel *w);

/* Remove and return the next node due at or before `now`, in strict
 * (deadline, insertion order); NULL when none is.  The elapsed tick
 * advances as it goes, never beyond `now`: after a node is returned it is
 * that node's deadline; after NULL it is max(elapsed, now). */
pawl_wheel_node *pawl_wheel_expire(pawl_wheel *w, uint64_t now);

/* Number of armed nodes. */
size_t pawl_wheel_count(const pawl_wheel *w);

#ifdef __cplusplus
}
#endif

#endif /* PAWL_WHEEL_H */
