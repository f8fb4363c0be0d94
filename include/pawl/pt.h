/*
 * pawl/pt.h -- resume points and protothreads.  Header-only; depends on
 * nothing else in pawl.
 *
 * WHAT A PROTOTHREAD IS
 * =====================
 *
 * A thread keeps its place in a program on its own stack: when it blocks,
 * every local variable and every return address waits there until it runs
 * again.  A protothread has no stack of its own.  It is an ordinary C
 * function that is called again and again, and that remembers only one
 * thing between calls: *where it stopped*.  That place is a small integer,
 * the "resume point" (a local continuation, in Dunkels' words), kept in a
 * variable that outlives the call.
 *
 * Every call jumps to the saved resume point and runs forward until it
 * must wait for something that has not happened yet.  Then it saves a new
 * resume point and returns PAWL_PENDING.  Whoever polls it calls it again
 * later; the function jumps straight back to where it stopped and checks
 * again.  When it reaches its end it returns PAWL_READY (or a result).
 *
 * That is the whole trick, and it is also what `await` is in JavaScript,
 * Rust and C#: the compiler turns an async function into a state machine
 * whose state is "which await am I stopped at", plus the variables that
 * must survive the wait.  Here the C preprocessor does the turning.
 *
 * THE ONE RULE: LOCALS DO NOT SURVIVE AN AWAIT
 * ============================================
 *
 * Because each resume is a fresh call, *automatic (local) variables are
 * not preserved across a wait*.  Their values are whatever happens to be
 * in that stack slot now: garbage.  Anything that must live across an
 * await belongs in a struct that outlives the call -- a field of the task
 * or future the function belongs to.  What is preserved:
 *
 *   - the resume point (kept by these macros in the `pawl_lc` you pass);
 *   - everything reachable through the function's arguments (the struct);
 *   - static and global variables.
 *
 * What is NOT preserved:
 *
 *   - local variables, including loop counters declared in `for (int i..`;
 *   - the position inside an expression (an await is a whole statement).
 *
 * A worked example.  A protothread that prints three numbers, one per
 * poll:
 *
 *     typedef struct counter { pawl_lc lc; int i; } counter;
 *
 *     static pawl_poll counter_poll(counter *c)
 *     {
 *         PAWL_PT_BEGIN(c->lc);
 *         for (c->i = 0; c->i < 3; c->i++) {     // c->i, not a local
 *             printf("%d\n", c->i);
 *             PAWL_PT_YIELD(c->lc);              // return; resume here
 *         }
 *         PAWL_PT_END(c->lc);                    // READY; lc reset
 *     }
 *
 *     counter c = {0};
 *     while (counter_poll(&c) == PAWL_PENDING) {}   // prints 0 1 2
 *
 * The preprocessor turns that body (switch implementation) into:
 *
 *     switch (c->lc) {
 *     case 0:
 *         for (c->i = 0; c->i < 3; c->i++) {
 *             printf("%d\n", c->i);
 *             c->lc = 1; return PAWL_PENDING;
 *     case 1: ;
 *         }
 *     }
 *     c->lc = 0; return PAWL_READY;
 *
 * The `case 1:` sits *inside* the for loop: C allows a case label anywhere
 * inside its switch, even in a nested block (Duff's device).  On the second
 * call `switch (c->lc)` jumps into the middle of the loop, `c->i++` runs,
 * and the loop goes on.  Had the counter been a local `int i`, the jump
 * would land in the loop with `i` uninitialised.
 *
 * TWO IMPLEMENTATIONS OF THE RESUME POINT
 * =======================================
 *
 * switch/case (portable ISO C).  The resume point is a case number.  Its
 * limit: a `switch` statement written by you inside the body captures the
 * case labels of any await inside it, so *do not await inside a switch*
 * (a switch with no await in it is fine).
 *
 * labels-as-values (GNU C: gcc, clang).  The resume point is the distance
 * from a base label to the label after the await, and resuming is a
 * computed `goto`.  You may await inside your own switch statements.
 *
 * The labels implementation is selected automatically where the compiler
 * is GNU-compatible.  Force either with -DPAWL_LC_SWITCH or
 * -DPAWL_LC_LABELS.  The choice is per translation unit: a resume point is
 * only ever interpreted by the function that stored it, so files compiled
 * either way link together.
 *
 * Both implementations store the resume point in a `pawl_lc`, a 32-bit
 * integer on 64-bit targets and a 16-bit one on 32-bit targets (so that a
 * task header stays four words).  Zero means "at the beginning".
 *
 * HYGIENE
 * =======
 *
 * Every macro argument is parenthesised and evaluated where you would
 * expect; statement macros are single statements (`do { } while (0)`) that
 * need your semicolon; no macro declares a hidden variable.  Resume labels
 * are made unique with __COUNTER__, so two awaits on one line work.
 *
 * Two macros are not `do/while` statements because they cannot be:
 * PAWL_PT_BEGIN opens a block that PAWL_PT_END closes.  Put nothing but
 * declarations-free code between them at the top level, and do not
 * `break` out of the top level of the body (it would leave the hidden
 * switch and end the protothread).
 *
 * Return values: a protothread function returns a `pawl_poll`: PAWL_PENDING
 * while it waits, PAWL_READY (zero) when it has finished, or a negative
 * error code when it finishes with an error.  Futures in pawl use the same
 * convention, which is why PAWL_PT_AWAIT can await any of them.
 */
#ifndef PAWL_PT_H
#define PAWL_PT_H

#include <stddef.h>
#include <stdint.h>

/* Checks that stay on in release builds: a broken resume point would
 * otherwise jump into the middle of nowhere.  pt.h must also compile
 * freestanding (a firmware build may have no <assert.h>), and a PAWL_NO_OS
 * build links no abort(): there, a failed check traps (on a Cortex-M, a
 * HardFault).  In a hosted debug build assert() names the check first. */
#if defined(__STDC_HOSTED__) && __STDC_HOSTED__ && !defined(PAWL_NO_OS)
#  include <assert.h>
#  include <stdlib.h>
#  define PAWL__CHECK(x) ((x) ? (void)0 : (assert(x), abort()))
#elif defined(__GNUC__)
#  define PAWL__CHECK(x) ((x) ? (void)0 : __builtin_trap())
#else
#  define PAWL__CHECK(x) ((void)0)
#endif

/* ---- poll results ------------------------------------------------------ */

/* What a poll function returns: PAWL_PENDING, or "ready" with a status
 * that is PAWL_READY (0) on success and a negative error code on failure. */
typedef int pawl_poll;

enum {
    PAWL_READY = 0,   /* finished; the value, if any, is in the struct */
    PAWL_PENDING = 1  /* not finished; poll me again after a wake-up */
};

/* ---- the resume point -------------------------------------------------- */

#if !defined(PAWL_LC_BITS)
#  if UINTPTR_MAX > 0xFFFFFFFFu
#    define PAWL_LC_BITS 32
#  else
#    define PAWL_LC_BITS 16
#  endif
#endif

/* The resume point: 0 before the first poll, then the await the body
 * stopped at (see "two implementations" above).  A field of your struct
 * that only these macros write; zero it to start over. */
#if PAWL_LC_BITS == 32
typedef int32_t pawl_lc;
#  define PAWL__LC_MAX INT32_MAX
#  define PAWL__LC_CLEANUP INT32_MIN
#elif PAWL_LC_BITS == 16
typedef int16_t pawl_lc;
#  define PAWL__LC_MAX INT16_MAX
#  define PAWL__LC_CLEANUP INT16_MIN
#else
#  error "PAWL_LC_BITS must be 16 or 32"
#endif
/* Two reserved resume points that no await can produce: CLEANUP lands on
 * the task's cleanup section (pawl/task.h), FINISH lands past the body. */
#define PAWL__LC_FINISH (PAWL__LC_CLEANUP + 1)

#if defined(PAWL_LC_SWITCH) && defined(PAWL_LC_LABELS)
#  error "define at most one of PAWL_LC_SWITCH and PAWL_LC_LABELS"
#endif
#if !defined(PAWL_LC_SWITCH) && !defined(PAWL_LC_LABELS)
#  if defined(__GNUC__)
#    define PAWL_LC_LABELS 1
#  else
#    define PAWL_LC_SWITCH 1
#  endif
#endif
#if defined(PAWL_LC_LABELS) && !defined(__GNUC__)
#  error "PAWL_LC_LABELS needs a GNU C compiler (labels as values)"
#endif

#define PAWL__CAT2(a, b) a##b
#define PAWL__CAT(a, b) PAWL__CAT2(a, b)

/* A fresh number at every use: each await gets its own resume label. */
#if defined(__COUNTER__)
#  define PAWL__ID __COUNTER__
#else
#  define PAWL__ID __LINE__ /* then two awaits on one line do not compile */
#endif

/* Silences -Wimplicit-fallthrough where code runs on into a resume case. */
#if defined(__GNUC__) && __GNUC__ >= 7
#  define PAWL__FALLTHROUGH __attribute__((__fallthrough__));
#elif defined(__clang__)
#  define PAWL__FALLTHROUGH __attribute__((__fallthrough__));
#else
#  define PAWL__FALLTHROUGH
#endif

/* Set the resume point to "start over". */
#define PAWL_LC_INIT(lc) ((lc) = 0)

#if defined(PAWL_LC_SWITCH)

#  define PAWL_LC_IMPL "switch"

/* Resume points are case numbers n + 1 (0 is "from the top"); a number
 * that does not fit the resume point type is a compile error, never a
 * silent wrap.  A value with no case (except the two reserved ones) means
 * an await was written inside the user's own switch, which captured its
 * case label: the default case stops the program instead of silently
 * skipping the body. */
#  define PAWL__LC_BEGIN(lc)                                                 \
    switch (lc) {                                                            \
    default:                                                                 \
        /* No case for it: an await inside your own switch (not allowed    \
         * with this implementation), or memory corruption. */              \
        PAWL__CHECK((lc) == PAWL__LC_CLEANUP || (lc) == PAWL__LC_FINISH);    \
        break;                                                               \
    case 0:
#  define PAWL__LC_SAVE(lc, n)                                               \
    _Static_assert((n) + 1 < PAWL__LC_MAX, "too many resume points");       \
    (lc) = (pawl_lc)((n) + 1)
#  define PAWL__LC_LABEL(lc, n) PAWL__FALLTHROUGH case (n) + 1:
#  define PAWL__LC_CLEANUP_LABEL(lc) PAWL__FALLTHROUGH case PAWL__LC_CLEANUP:
#  define PAWL__LC_END(lc) }

#else /* PAWL_LC_LABELS */

#  define PAWL_LC_IMPL "labels"

/* The resume point is the distance in bytes from pawl__lc_base to the
 * label after the await.  An outer switch on the two reserved values gives
 * PAWL_CLEANUP a place to land (case 1), and sends FINISH -- or CLEANUP in
 * a body with no cleanup section -- past the body to the end, exactly as
 * the switch version does with a value that has no case. */
static inline pawl_lc pawl__lc_offset(ptrdiff_t d)
{
#if PAWL_LC_BITS == 16
    /* A task body larger than a 16-bit resume point can address (32 KiB,
     * on a 32-bit target) would be silently corrupted: refuse loudly, in
     * release builds too.  (A 32-bit resume point cannot overflow: no
     * function is 2 GiB long.) */
    PAWL__CHECK(d <= PAWL__LC_MAX && d > PAWL__LC_FINISH);
#endif
    return (pawl_lc)d;
}

/* `goto *` is GNU C: keep -Wpedantic quiet about the one we mean to use. */
#  if defined(__clang__)
#    define PAWL__PEDANTIC_OFF                                               \
        _Pragma("clang diagnostic push")                                     \
        _Pragma("clang diagnostic ignored \"-Wgnu-label-as-value\"")
#    define PAWL__PEDANTIC_ON _Pragma("clang diagnostic pop")
#  else
#    define PAWL__PEDANTIC_OFF                                               \
        _Pragma("GCC diagnostic push")                                       \
        _Pragma("GCC diagnostic ignored \"-Wpedantic\"")
#    define PAWL__PEDANTIC_ON _Pragma("GCC diagnostic pop")
#  endif

#  define PAWL__LC_BEGIN(lc)                                                 \
    switch ((lc) > PAWL__LC_FINISH ? 0 : (lc) == PAWL__LC_CLEANUP ? 1 : 2) { \
    case 0:                                                                  \
        /* One compare on the common path; offset 0 is the base itself. */  \
        PAWL__PEDANTIC_OFF                                                   \
        goto *(__extension__(void *)((char *)&&pawl__lc_base + (lc)));       \
        PAWL__PEDANTIC_ON                                                    \
    pawl__lc_base:
#  define PAWL__LC_SAVE(lc, n)                                               \
    (lc) = pawl__lc_offset(__extension__((char *)&&PAWL__CAT(pawl__lc_, n) - \
                                         (char *)&&pawl__lc_base))
#  define PAWL__LC_LABEL(lc, n) PAWL__CAT(pawl__lc_, n):
#  define PAWL__LC_CLEANUP_LABEL(lc) PAWL__FALLTHROUGH case 1:
#  define PAWL__LC_END(lc) }

#endif

/* ---- protothread macros ------------------------------------------------ */
/*
 * These work on any `pawl_lc` lvalue and are for functions that return a
 * pawl_poll: helpers that a task awaits ("sub-futures"), or protothreads
 * driven by a plain loop.  Tasks use the PAWL_BEGIN family in
 * pawl/task.h, which adds cancellation and a cleanup section on top.
 */

/* PAWL_PT_BEGIN(lc): first statement of the body.  Jumps to the saved
 * resume point.  Must be matched by PAWL_PT_END in the same function. */
#define PAWL_PT_BEGIN(lc) PAWL__LC_BEGIN(lc)

/* PAWL_PT_END(lc): last statement.  Resets the resume point (so the next
 * call starts over) and returns PAWL_READY. */
#define PAWL_PT_END(lc)                                                      \
    PAWL__LC_END(lc)                                                         \
    PAWL_LC_INIT(lc);                                                        \
    return PAWL_READY

/* PAWL_PT_WAIT_UNTIL(lc, cond): return PAWL_PENDING until `cond` is true.
 * `cond` is evaluated again at every call while waiting. */
#define PAWL_PT_WAIT_UNTIL(lc, cond) PAWL__PT_WAIT_UNTIL(lc, cond, PAWL__ID)
#define PAWL__PT_WAIT_UNTIL(lc, cond, n)                                     \
    do {                                                                     \
        PAWL__LC_SAVE(lc, n);                                                \
        PAWL__LC_LABEL(lc, n)                                                \
        if (!(cond))                                                         \
            return PAWL_PENDING;                                             \
    } while (0)

/* PAWL_PT_AWAIT(lc, rc, poll_expr): evaluate `poll_expr` (a call that
 * returns a pawl_poll, typically a future's poll function) at every call
 * until it is not PAWL_PENDING, then store its result in the int lvalue
 * `rc` and go on.  `rc` is assigned after the wait, so it may be a local. */
#define PAWL_PT_AWAIT(lc, rc, poll_expr)                                     \
    PAWL__PT_AWAIT(lc, rc, poll_expr, PAWL__ID)
#define PAWL__PT_AWAIT(lc, rc, poll_expr, n)                                 \
    do {                                                                     \
        PAWL__LC_SAVE(lc, n);                                                \
        PAWL__LC_LABEL(lc, n)                                                \
        if (((rc) = (poll_expr)) == PAWL_PENDING)                            \
            return PAWL_PENDING;                                             \
    } while (0)

/* PAWL_PT_YIELD(lc): return PAWL_PENDING once; the next call goes on
 * after this statement.  (Nothing arranges that next call: the caller
 * must poll again.  Tasks use PAWL_YIELD, which does.) */
#define PAWL_PT_YIELD(lc) PAWL__PT_YIELD(lc, PAWL__ID)
#define PAWL__PT_YIELD(lc, n)                                                \
    do {                                                                     \
        PAWL__LC_SAVE(lc, n);                                                \
        return PAWL_PENDING;                                                 \
        PAWL__LC_LABEL(lc, n);                                               \
    } while (0)

/* PAWL_PT_RETURN(lc, status): finish now with `status` (PAWL_READY or a
 * negative error code).  Resets the resume point. */
#define PAWL_PT_RETURN(lc, status)                                           \
    do {                                                                     \
        PAWL_LC_INIT(lc);                                                    \
        return (status);                                                     \
    } while (0)

/* PAWL_PT_RESTART(lc): start over from the top at the next call. */
#define PAWL_PT_RESTART(lc)                                                  \
    do {                                                                     \
        PAWL_LC_INIT(lc);                                                    \
        return PAWL_PENDING;                                                 \
    } while (0)

#endif /* PAWL_PT_H */
