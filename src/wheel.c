/*
 * src/wheel.c -- a hierarchical hashed timer wheel.
 *
 * WHAT IT IS
 * ==========
 *
 * PAWL_WHEEL_LEVELS levels (default 6) of WHEEL_SLOTS = 64 slots.  A slot
 * of level L stands for an aligned block of 64^L ticks; the 64 slots of
 * level L together tile one aligned block of 64^(L+1) ticks -- the one
 * that contains the wheel's elapsed tick.  Ticks are 64-bit; the loop's
 * tick is 1 ms, so for the default constants:
 *
 *   level  slot granularity (ticks)  level span (ticks)       at 1 ms/tick
 *   -----  ------------------------  -----------------------  ---------------------
 *     0    1           = 64^0        64           = 64^1      1 ms   / 64 ms
 *     1    64          = 64^1        4096         = 64^2      64 ms  / 4.1 s
 *     2    4096        = 64^2        262144       = 64^3      4.1 s  / 4.4 min
 *     3    262144      = 64^3        16777216     = 64^4      4.4 min/ 4.7 h
 *     4    16777216    = 64^4        1073741824   = 64^5      4.7 h  / 12.4 days
 *     5    1073741824  = 64^5        68719476736  = 64^6      12.4 d / 2.18 years
 *   (beyond: parked in level 5, slot 0, re-filed every 2^36 ticks)
 *
 * "Granularity" is only where a node waits, never when it fires: a node
 * is moved down level by level (cascaded) as the elapsed tick reaches its
 * block, and fires from level 0, whose slots are single ticks.  Unlike the
 * Linux kernel's wheel, which fires a coarse timer late rather than pay
 * for cascading, this wheel is exact: a node fires at its own tick.
 *
 * WHERE A NODE GOES
 * =================
 *
 * Write ticks in base 64: digit L of a tick is bits 6L..6L+5.  A node's
 * level is the highest digit in which its deadline differs from the
 * elapsed tick (0 if they differ only in digit 0, or not at all); its
 * slot is that digit of the deadline.  So a level-L node lies in the
 * elapsed tick's current 64^(L+1) block but a later 64^L block, and the
 * level and slot are a pure function of (deadline, elapsed).  Every armed deadline is >= elapsed, hence:
 *
 *   - level 0 slots hold exactly one deadline each, at or after elapsed's
 *     digit 0; level L >= 1 slots are strictly after elapsed's digit L.
 *     There is no wrap-around: the slots "before" elapsed are empty,
 *   - every level-L slot precedes every level-(L+1) slot in time, so the
 *     earliest non-empty slot is the first occupied bit at or after the
 *     elapsed digit (count-trailing-zeros on the bitmap) of the lowest
 *     level that has one.
 *
 * A deadline that differs from elapsed above digit LEVELS-1 (more than
 * 2^36 ticks away, or in the next 2^36 block) is out of range.  It is
 * parked in the top level's slot 0, which no in-range node ever uses (an
 * in-range top-level slot is strictly after elapsed's top digit >= 0).
 * That slot is taken to start at the next 2^36 block; when the elapsed
 * tick gets there its nodes are re-filed relative to it, never fired, so
 * they cannot fire early.  When the parking slot is the earliest, every
 * other slot is empty, so the elapsed tick jumps straight to the earliest
 * parked deadline (or to now, if sooner) instead of stopping at each
 * empty 2^36 block on the way: a jump to the end of time costs one
 * re-file, not 2^28 of them.  Everything is bitwise on the two ticks, so
 * deadlines up to UINT64_MAX saturate instead of overflowing: the last
 * 2^36 block simply has no "next block" and nothing is ever out of range
 * there.
 *
 * EXPIRY
 * ======
 *
 * expire(now) takes the earliest non-empty slot.  If it starts after now,
 * nothing is due: elapsed becomes now.  If it is a level-0 slot, elapsed
 * becomes its tick and its head is popped.  Otherwise elapsed becomes the
 * slot's start and the whole list is re-filed, in list order, relative to
 * the new elapsed tick: each node lands one or more levels lower.  Each
 * node is cascaded at most LEVELS-1 times (plus once per 2^36 ticks while
 * parked), so expiry is amortised O(LEVELS) per node.
 *
 * WHY DUE NODES COME OUT IN (DEADLINE, INSERTION) ORDER WITH NO SEQUENCE
 * ======================================================================
 *
 * Nodes with equal deadlines are always in the same slot, since the slot
 * is a function of (deadline, elapsed).  Slots are FIFO, so it is enough
 * that every list keeps equal-deadline nodes in insertion order.  Direct
 * insertion appends, which is right: the new node is the newest.  A
 * cascade re-files a list in order into lower slots; the danger is a
 * newer node already waiting there.  But a level-L slot for block B is
 * cascaded at the very moment elapsed enters B (elapsed never passes the
 * start of a non-empty slot without processing it, and it does so inside
 * one expire call, before the caller can insert).  Until then elapsed
 * lies outside B, so any node inserted with a deadline in B went to that
 * same level-L slot, behind the older ones.  Hence the lower slots of B
 * are empty when the cascade fills them, and list order stays insertion
 * order.  A node inserted with a past deadline is clamped to elapsed and
 * appended to elapsed's level-0 slot, after the nodes already due then.
 * tests/test_wheel.c checks this against a sorted-list model with a
 * million random operations.
 *
 * WHY THIS DESIGN
 * ===============
 *
 * A binary heap gives exact order but costs O(log n) per insert and
 * cancel and needs an index field in every node.  A single hashed wheel
 * is O(1) but rescans long slots for far timers.  The hierarchy gives O(1)
 * insert and cancel, O(1) search for the next due slot with the occupancy
 * bitmaps, nodes of three words, and no allocation.  Each slot's list is a
 * ring through a head kept in the wheel, so cancel unlinks a node without
 * finding its slot (the head's position in the array gives the bit to
 * clear when the slot empties): insert and cancel are straight-line code
 * but for one branch each (src/wheel_impl.h).  The price is
 * next_deadline, exact only after scanning the one earliest slot when it
 * is above level 0 (O(k) in that slot's length), and the cascades.
 */
#include "pawl/wheel.h"

#include "pawl/error.h"
#include "wheel_impl.h"

/* The level tables of wheel_impl.h. */
#define PAWL__R6(x) x, x, x, x, x, x
const unsigned char pawl__wheel_shift[64] = {
    PAWL__R6(0), PAWL__R6(6), PAWL__R6(12), PAWL__R6(18), PAWL__R6(24),
    PAWL__R6(30), PAWL__R6(36), PAWL__R6(42), PAWL__R6(48), PAWL__R6(54), 60, 60, 60, 60};
const unsigned short pawl__wheel_base[64] = {
    PAWL__R6(0), PAWL__R6(64), PAWL__R6(128), PAWL__R6(192), PAWL__R6(256),
    PAWL__R6(320), PAWL__R6(384), PAWL__R6(448), PAWL__R6(512), PAWL__R6(576),
    640, 640, 640, 640};
#undef PAWL__R6

/* ---- helpers ------------------------------------------------------------ */

/* Bits strictly above `i` (0..63). */
static uint64_t bits_above(unsigned i)
{
    return i >= 63 ? 0 : ~UINT64_C(0) << (i + 1);
}

static unsigned digit(uint64_t tick, unsigned level)
{
    return (unsigned)((tick >> (WHEEL_BITS * level)) & WHEEL_MASK);
}

/* The first tick of slot `slot` of `level`, relative to `elapsed`. */
static uint64_t slot_start(uint64_t elapsed, unsigned level, unsigned slot)
{
    if (level == WHEEL_TOP && slot == WHEEL_PARK_SLOT) {
        uint64_t block = elapsed >> WHEEL_RANGE_BITS;
        /* In the last block nothing is out of range: never occupied. */
        if (block == (UINT64_MAX >> WHEEL_RANGE_BITS))
            return PAWL_FOREVER;
        return (block + 1) << WHEEL_RANGE_BITS;
    }
    unsigned shift = WHEEL_BITS * level;
    uint64_t outer = ~((UINT64_C(1) << (shift + WHEEL_BITS)) - 1);
    return (elapsed & outer) | ((uint64_t)slot << shift);
}

static bool slot_empty(const pawl_wheel *w, unsigned level, unsigned slot)
{
    return pawl__ring_empty(&w->pawl__heads[level * WHEEL_SLOTS + slot]);
}

/* The first non-empty slot among `bits` of `level`, or false.  Bits of
 * slots emptied by cancels are stale (see pawl__wheel_unlink): they are
 * skipped, and cleared in `clean` if it is not NULL. */
static bool first_in(const pawl_wheel *w, pawl_wheel *clean, unsigned level, uint64_t bits,
                     unsigned *slot)
{
    for (; bits != 0; bits &= bits - 1) {
        unsigned s = pawl__ctz64(bits);
        if (!slot_empty(w, level, s)) {
            *slot = s;
            return true;
        }
        if (clean != NULL)
            clean->pawl__occupied[level] &= ~(UINT64_C(1) << s);
    }
    return false;
}

/* The earliest non-empty slot: the lowest level with an occupied slot at
 * or after elapsed's digit (every level-L slot precedes every level-L+1
 * slot), then the parking slot.  False if the wheel is empty.  `clean` is
 * `w` itself or NULL (for the const callers, which leave stale bits). */
static bool earliest(const pawl_wheel *w, pawl_wheel *clean, unsigned *level, unsigned *slot)
{
    uint64_t e = w->pawl__elapsed;
    if (first_in(w, clean, 0, w->pawl__occupied[0] & (~UINT64_C(0) << digit(e, 0)), slot)) {
        *level = 0;
        return true;
    }
    for (unsigned l = 1; l < PAWL_WHEEL_LEVELS; l++) {
        if (first_in(w, clean, l, w->pawl__occupied[l] & bits_above(digit(e, l)), slot)) {
            *level = l;
            return true;
        }
    }
    if (first_in(w, clean, WHEEL_TOP,
                 w->pawl__occupied[WHEEL_TOP] & (UINT64_C(1) << WHEEL_PARK_SLOT), slot)) {
        *level = WHEEL_TOP;
        return true;
    }
    return false;
}

static pawl_wheel_node *node_of(pawl_wheel_link *l)
{
    return (pawl_wheel_node *)(void *)l; /* the link is the first member */
}

/* The smallest deadline on a non-empty slot's list. */
static uint64_t min_deadline(const pawl_wheel_link *head)
{
    uint64_t best = PAWL_FOREVER;
    for (const pawl_wheel_link *l = head->pawl__next; l != head; l = l->pawl__next) {
        uint64_t d = ((const pawl_wheel_node *)(const void *)l)->pawl__deadline;
        if (d < best)
            best = d;
    }
    return best;
}

/* ---- public ------------------------------------------------------------- */

void pawl_wheel_init(pawl_wheel *w, uint64_t now)
{
    w->pawl__elapsed = now;
    w->pawl__count = 0;
    for (unsigned l = 0; l < PAWL_WHEEL_LEVELS; l++)
        w->pawl__occupied[l] = 0;
    for (unsigned i = 0; i < PAWL_WHEEL_LEVELS * WHEEL_SLOTS; i++)
        pawl__ring_init(&w->pawl__heads[i]);
}

void pawl_wheel_node_init(pawl_wheel_node *n)
{
    *n = (pawl_wheel_node){{NULL, NULL}, 0};
}

bool pawl_wheel_node_armed(const pawl_wheel_node *n)
{
    return n->pawl__link.pawl__next != NULL;
}

uint64_t pawl_wheel_node_deadline(const pawl_wheel_node *n)
{
    return n->pawl__deadline;
}

size_t pawl_wheel_count(const pawl_wheel *w)
{
    return w->pawl__count;
}

/*
 * UNARMED --insert--> ARMED: filed by (deadline, elapsed) at the tail of
 * its slot.
 */
int pawl_wheel_insert(pawl_wheel *w, pawl_wheel_node *n, uint64_t deadline)
{
    if (w == NULL || n == NULL)
        return PAWL_EINVAL;
    if (n->pawl__link.pawl__next != NULL)
        return PAWL_EALREADY;
    pawl__wheel_insert(w, n, deadline);
    return 0;
}

/* ARMED --remove--> UNARMED. */
int pawl_wheel_remove(pawl_wheel *w, pawl_wheel_node *n)
{
    if (w == NULL || n == NULL)
        return PAWL_EINVAL;
    if (n->pawl__link.pawl__next != NULL)
        pawl__wheel_remove(w, n);
    return 0;
}

uint64_t pawl_wheel_next_deadline(const pawl_wheel *w)
{
    unsigned level, slot;
    if (!earliest(w, NULL, &level, &slot))
        return PAWL_FOREVER;
    if (level == 0)
        return slot_start(w->pawl__elapsed, 0, slot);
    /* A coarse slot: the earliest block, but not sorted within. */
    return min_deadline(&w->pawl__heads[level * WHEEL_SLOTS + slot]);
}

uint64_t pawl__wheel_next_wake(const pawl_wheel *w)
{
    unsigned level, slot;
    if (!earliest(w, NULL, &level, &slot))
        return PAWL_FOREVER;
    return slot_start(w->pawl__elapsed, level, slot);
}

/*
 * ARMED --expire--> UNARMED for the head of the earliest level-0 slot
 * once its tick is <= now; coarser slots met on the way are cascaded.
 */
pawl_wheel_node *pawl_wheel_expire(pawl_wheel *w, uint64_t now)
{
    for (;;) {
        unsigned level, slot;
        uint64_t start = PAWL_FOREVER;
        bool any = earliest(w, w, &level, &slot);
        if (any)
            start = slot_start(w->pawl__elapsed, level, slot);
        if (!any || start > now) {
            if (now > w->pawl__elapsed)
                w->pawl__elapsed = now;
            return NULL;
        }
        pawl_wheel_link *head = &w->pawl__heads[level * WHEEL_SLOTS + slot];
        if (level == WHEEL_TOP && slot == WHEEL_PARK_SLOT) {
            /* Only parked nodes are left (every other slot precedes this
             * one): skip the empty blocks in one step, to the earliest
             * parked deadline or to now. */
            uint64_t first = min_deadline(head);
            start = first < now ? first : now;
        }
        w->pawl__elapsed = start;
        if (level == 0) {
            pawl_wheel_node *n = node_of(head->pawl__next);
            pawl__wheel_remove(w, n);
            return n;
        }
        /* Cascade: detach the list, re-file each node in list order. */
        pawl_wheel_link *l = head->pawl__next;
        pawl__ring_init(head);
        w->pawl__occupied[level] &= ~(UINT64_C(1) << slot);
        while (l != head) {
            pawl_wheel_link *next = l->pawl__next;
            pawl_wheel_node *n = node_of(l);
            pawl__wheel_link(w, n, pawl__wheel_index(start, n->pawl__deadline));
            l = next;
        }
    }
}
