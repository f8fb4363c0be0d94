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
 * but for one branch each (wheel_index below, src/wheel_impl.h).  The
 * price is next_deadline, exact only after scanning the one earliest slot
 * when it is above level 0 (O(k) in that slot's length), and the
 * cascades.
 *
 * The bitmaps are machine words, one a level on a 64-bit core and two on
 * a 32-bit one, so that a microcontroller never does 64-bit bit
 * arithmetic; ticks stay 64-bit.  One loop (pawl__wheel_file_ring) files
 * both a cascaded slot and the timers' staging ring (src/timer.c), so a
 * small build has one copy of it.
 */
#include "pawl/wheel.h"

#include <assert.h>

#include "pawl/error.h"
#include "wheel_impl.h"

/* pawl__heads index of no slot: what the searches return when they find
 * none. */
#define WHEEL_NONE (PAWL_WHEEL_LEVELS * WHEEL_SLOTS)

/* ---- bits --------------------------------------------------------------- */

static inline unsigned ctz_word(pawl__wheel_word x) /* x != 0 */
{
#if defined(__GNUC__) && PAWL_WHEEL_WORD_MAX == UINT_MAX
    return (unsigned)__builtin_ctz(x);
#elif defined(__GNUC__) && PAWL_WHEEL_WORD_MAX == ULONG_MAX
    return (unsigned)__builtin_ctzl(x);
#elif defined(__GNUC__)
    return (unsigned)__builtin_ctzll(x);
#else
    unsigned n = 0;
    for (unsigned shift = WHEEL_WORD_BITS / 2; shift > 0; shift >>= 1) {
        if ((x & (((pawl__wheel_word)1 << shift) - 1)) == 0) {
            x >>= shift;
            n += shift;
        }
    }
    return n;
#endif
}

/* The occupancy word of slot `i`, and its bit there. */
#define OCC_WORD(w, i) ((w)->pawl__occupied[(i) / WHEEL_WORD_BITS])
#define OCC_BIT(i) ((pawl__wheel_word)1 << ((i) % WHEEL_WORD_BITS))

/* ---- where a node goes -------------------------------------------------- */

/* Where a deadline (>= elapsed) is filed: 64 * level + slot.  The level is
 * the highest base-64 digit in which deadline and elapsed differ (0 if
 * none); the slot is that digit of the deadline; out-of-range deadlines
 * are parked. */
#if defined(__OPTIMIZE_SIZE__)

/* Small (-Os, a microcontroller): digit by digit, at most LEVELS rounds of
 * shifts by a constant, which a 32-bit core does in a few instructions
 * (by a variable amount, it does not). */
static inline unsigned wheel_index(uint64_t elapsed, uint64_t deadline)
{
    unsigned i = 0;
    for (uint64_t x = (deadline ^ elapsed) >> WHEEL_BITS; x != 0; x >>= WHEEL_BITS) {
        deadline >>= WHEEL_BITS;
        i += WHEEL_SLOTS;
        if (i == PAWL_WHEEL_LEVELS * WHEEL_SLOTS)
            return WHEEL_PARK_INDEX;
    }
    return i + ((unsigned)deadline & WHEEL_MASK);
}

#else

/* Fast: no loop.  The top set bit of (deadline ^ elapsed) | WHEEL_MASK
 * (or-ing in WHEEL_MASK makes it at least 5, which is level 0) indexes two
 * tables: the shift of the level's digit (6 * level) and the level's first
 * index in pawl__heads (64 * level).  Bits at or above WHEEL_RANGE_BITS
 * are out of range (parked) and never looked up.  Two loads instead of a
 * division by 6 and two multiplications. */
#define PAWL__R6(x) x, x, x, x, x, x
static const unsigned char wheel_shift[64] = {
    PAWL__R6(0), PAWL__R6(6), PAWL__R6(12), PAWL__R6(18), PAWL__R6(24),
    PAWL__R6(30), PAWL__R6(36), PAWL__R6(42), PAWL__R6(48), PAWL__R6(54), 60, 60, 60, 60};
static const unsigned short wheel_base[64] = {
    PAWL__R6(0), PAWL__R6(64), PAWL__R6(128), PAWL__R6(192), PAWL__R6(256),
    PAWL__R6(320), PAWL__R6(384), PAWL__R6(448), PAWL__R6(512), PAWL__R6(576),
    640, 640, 640, 640};
#undef PAWL__R6

static inline unsigned highbit64(uint64_t x) /* x != 0: top set bit */
{
#if defined(__GNUC__)
    return 63u ^ (unsigned)__builtin_clzll(x); /* one bsr on x86-64 */
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

static inline unsigned wheel_index(uint64_t elapsed, uint64_t deadline)
{
    unsigned top = highbit64((deadline ^ elapsed) | WHEEL_MASK);
    if (top >= WHEEL_RANGE_BITS)
        return WHEEL_PARK_INDEX;
    return wheel_base[top] + ((unsigned)(deadline >> wheel_shift[top]) & WHEEL_MASK);
}

#endif

/* Append `n` to the list of slot `i`. */
static inline void wheel_link(pawl_wheel *w, pawl_wheel_node *n, unsigned i)
{
    pawl__ring_append(&w->pawl__heads[i], &n->pawl__link);
    OCC_WORD(w, i) |= OCC_BIT(i);
}

void pawl__wheel_file_ring(pawl_wheel *w, pawl_wheel_link *head)
{
    pawl_wheel_link *l = head->pawl__next;
    pawl__ring_init(head);
    /* (The list detached from `head` still ends at `head`: a node of a
     * cascaded parking slot that is parked again is appended to `head`
     * after its successor was read.) */
    uint64_t elapsed = w->pawl__elapsed;
    while (l != head) {
        pawl_wheel_link *next = l->pawl__next;
        pawl_wheel_node *n = (pawl_wheel_node *)(void *)l; /* link first */
        assert(n->pawl__deadline >= elapsed);
        wheel_link(w, n, wheel_index(elapsed, n->pawl__deadline));
        l = next;
    }
}

/* ---- the earliest slot -------------------------------------------------- */

/* The first non-empty slot among pawl__heads[from .. to - 1], which lie in
 * one level, or WHEEL_NONE.  Bits of slots emptied by cancels, pops and
 * cascades are stale (see pawl__wheel_unlink): they are skipped, and
 * cleared in `clean` if it is not NULL. */
static unsigned first_in(const pawl_wheel *w, pawl_wheel *clean, unsigned from, unsigned to)
{
    while (from < to) {
        pawl__wheel_word bits = OCC_WORD(w, from) >> (from % WHEEL_WORD_BITS);
        if (bits == 0) {
            from = (from / WHEEL_WORD_BITS + 1) * WHEEL_WORD_BITS; /* next word */
            continue;
        }
        from += ctz_word(bits);
        if (from >= to)
            break;
        if (!pawl__ring_empty(&w->pawl__heads[from]))
            return from;
        if (clean != NULL)
            OCC_WORD(clean, from) &= ~OCC_BIT(from);
        from++;
    }
    return WHEEL_NONE;
}

/* The earliest non-empty slot: the lowest level with an occupied slot at
 * or after elapsed's digit (every level-L slot precedes every level-L+1
 * slot), then the parking slot; WHEEL_NONE if the wheel is empty.  Its
 * first tick goes to *start (PAWL_FOREVER for none).  `clean` is `w`
 * itself or NULL (for the const callers, which leave stale bits). */
static unsigned earliest(const pawl_wheel *w, pawl_wheel *clean, uint64_t *start)
{
    uint64_t e = w->pawl__elapsed; /* shifted down to the level's digit */
    uint64_t unit = 1;             /* the level's slot granularity, 64^L */
    unsigned from = (unsigned)e & WHEEL_MASK; /* level 0: at or after */
    for (unsigned base = 0; base < PAWL_WHEEL_LEVELS * WHEEL_SLOTS; base += WHEEL_SLOTS) {
        unsigned i = first_in(w, clean, base + from, base + WHEEL_SLOTS);
        if (i != WHEEL_NONE) {
            /* elapsed with this level's digit replaced by the slot, and
             * the lower digits zeroed */
            *start = (w->pawl__elapsed & ~(unit * WHEEL_SLOTS - 1)) + (i - base) * unit;
            return i;
        }
        e >>= WHEEL_BITS;
        unit <<= WHEEL_BITS;
        from = ((unsigned)e & WHEEL_MASK) + 1; /* levels >= 1: strictly after */
    }
    /* The parking slot starts at the next 2^36 block (e is elapsed's block
     * now).  In the last block nothing is out of range (the slot is never
     * occupied): the shift wraps to 0 there. */
    unsigned i = first_in(w, clean, WHEEL_PARK_INDEX, WHEEL_PARK_INDEX + 1);
    uint64_t next = (e + 1) << WHEEL_RANGE_BITS;
    *start = i != WHEEL_NONE && next != 0 ? next : PAWL_FOREVER;
    return i;
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
    for (unsigned k = 0; k < sizeof w->pawl__occupied / sizeof w->pawl__occupied[0]; k++)
        w->pawl__occupied[k] = 0;
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
    n->pawl__deadline = deadline < w->pawl__elapsed ? w->pawl__elapsed : deadline;
    wheel_link(w, n, wheel_index(w->pawl__elapsed, n->pawl__deadline));
    w->pawl__count++;
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
    uint64_t start;
    unsigned i = earliest(w, NULL, &start);
    if (i < WHEEL_SLOTS || i == WHEEL_NONE)
        return start;
    /* A coarse slot: the earliest block, but not sorted within. */
    return min_deadline(&w->pawl__heads[i]);
}

uint64_t pawl__wheel_next_wake(const pawl_wheel *w)
{
    uint64_t start;
    earliest(w, NULL, &start);
    return start;
}

/*
 * ARMED --expire--> UNARMED for the head of the earliest level-0 slot
 * once its tick is <= now; coarser slots met on the way are cascaded.
 */
pawl_wheel_node *pawl_wheel_expire(pawl_wheel *w, uint64_t now)
{
    for (;;) {
        uint64_t start;
        unsigned i = earliest(w, w, &start);
        if (i == WHEEL_NONE || start > now) {
            if (now > w->pawl__elapsed)
                w->pawl__elapsed = now;
            return NULL;
        }
        pawl_wheel_link *head = &w->pawl__heads[i];
        if (i == WHEEL_PARK_INDEX) {
            /* Only parked nodes are left (every other slot precedes this
             * one): skip the empty blocks in one step, to the earliest
             * parked deadline or to now. */
            uint64_t first = min_deadline(head);
            start = first < now ? first : now;
        }
        w->pawl__elapsed = start;
        if (i < WHEEL_SLOTS) {
            pawl_wheel_node *n = (pawl_wheel_node *)(void *)head->pawl__next;
            pawl__wheel_remove(w, n);
            return n;
        }
        /* Cascade: re-file the list, in order, relative to the new elapsed
         * tick (the slot's bit goes stale, like a pop's or a cancel's). */
        pawl__wheel_file_ring(w, head);
    }
}
