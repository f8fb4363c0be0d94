/*
 * pawl/timer.h -- timers on the loop: an intrusive timer that never
 * allocates, the JavaScript API (setTimeout, setInterval, setImmediate and
 * friends) on top of it, and sleep / timeout futures for tasks.
 *
 * See docs/timers.md for the semantics, each one set against Node.js.
 *
 * TIME
 * ====
 *
 * Timers count in milliseconds of the loop's clock, pawl_loop_now(): the
 * platform's monotonic time, read once at the top of each iteration.  A
 * timer armed for `ms` at loop time T is due at T + ms and never runs
 * before the loop's clock reaches that; the loop's wait is exact to the
 * nanosecond where the platform can wait that precisely (Linux), and
 * rounded up to the next millisecond where it cannot.
 *
 * WHEN CALLBACKS RUN (the timers phase of pawl/loop.h)
 * ====================================================
 *
 *   - Due timers run in (deadline, arm order): equal deadlines first in,
 *     first out; pawl_timer_refresh counts as a new arm.
 *   - Microtasks are drained after each timer callback.
 *   - A timer armed while the timers phase runs (even for 0 ms) waits for
 *     the next pass, so a callback that re-arms itself cannot starve the
 *     loop.  One exception, by design: a drift-free (PERIODIC) timer that
 *     fell behind serves its missed deadlines in order, in this pass.
 *   - setImmediate callbacks run in the check phase, after the wait; those
 *     queued while the phase runs wait for the next iteration.  A queued,
 *     referenced immediate keeps the wait from blocking; an unreferenced
 *     one waits for whatever wakes the loop next, as in Node.
 *   - A loop with nothing alive (no live task, queued microtask or
 *     referenced handle) runs no phase: pawl_loop_run reads the clock and
 *     returns 0.  And an iteration after which nothing is alive ends
 *     before its poll and check phases.  So unreferenced timers and
 *     immediates never run on their own, as in Node.
 *
 * THREADS
 * =======
 *
 * Everything here is for the loop's thread only.  From another thread or
 * an interrupt handler, ring a pawl_remote and arm timers in its callback.
 */
#ifndef PAWL_TIMER_H
#define PAWL_TIMER_H

#include <stdbool.h>
#include <stdint.h>

#include "pawl/loop.h"
#include "pawl/task.h"
#include "pawl/wheel.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ==== the intrusive timer ================================================
 *
 * A caller-allocated handle: 40 bytes on 64-bit targets, 24 on 32-bit.  It
 * does not record its loop, so every call that may touch the loop takes
 * it; pass the loop the timer was started on (a timer armed on one loop
 * and stopped through another corrupts both, and is not detected).
 *
 *              pawl_timer_init
 *   (memory) -----------------> IDLE <-------------------------+
 *                                | start / start_at / refresh   |
 *                                v                              | stop, or the
 *                              ARMED -- due: callback runs ---> + callback
 *                                ^                              | returned
 *                                +-- callback returned AGAIN ---+ STOP
 *                                    or PERIODIC
 *
 * A zeroed pawl_timer is IDLE with no callback: pawl_timer_init it, or use
 * it only through pawl_sleep (which sets its own).  An IDLE timer is yours
 * to free or reuse; an ARMED one must stay where it is until stopped or
 * fired.  While its callback runs the timer is IDLE and the callback may
 * do anything with it: start, refresh, stop or free it.
 */
typedef struct pawl_timer pawl_timer;

/*
 * The callback.  Its return value says what happens next:
 *
 *   PAWL_TIMER_STOP      nothing: the timer stays IDLE.  Return this if the
 *                        callback freed the timer: the loop does not
 *                        touch it again.
 *   PAWL_TIMER_AGAIN     re-arm for `delay` ms after the iteration's cached
 *                        time, pawl_loop_now() (as libuv's repeat does:
 *                        ticks missed while the loop was busy merge into
 *                        this one call).
 *   PAWL_TIMER_PERIODIC  re-arm for `delay` ms after the deadline just
 *                        served, so the schedule never drifts (for
 *                        firmware: an LED blinking at 1 Hz for a year
 *                        blinks 31,536,000 times).  Missed deadlines are
 *                        served one call each, in deadline order, as soon
 *                        as possible.  A delay of 0 counts as 1 here.
 *
 * `delay` is the one of the last pawl_timer_start.  If the callback armed
 * or stopped the timer itself, that wins and the return value is ignored
 * (so an interval that stops itself needs no special return).
 */
typedef int pawl_timer_fn(pawl_loop *loop, pawl_timer *timer);

enum {
    PAWL_TIMER_STOP = 0,
    PAWL_TIMER_AGAIN = 1,
    PAWL_TIMER_PERIODIC = 2
};

/* The longest delay a timer remembers (for AGAIN, PERIODIC and refresh):
 * 2^31 - 1 ms, 24.8 days, the same limit as Node's.  Use
 * pawl_timer_start_at for deadlines farther away. */
#define PAWL_TIMER_MAX_DELAY 2147483647u

struct pawl_timer {
    pawl_wheel_node pawl__node; /* armed <=> linked into the loop's wheel */
    pawl_timer_fn *pawl__fn;
    uint32_t pawl__word;        /* bits 0..30: delay (ms); bit 31: unref'd */
};

/* Make `t` an IDLE, referenced timer that calls `fn`.  PAWL_EINVAL for
 * NULL.  Must not be called on an armed timer. */
int pawl_timer_init(pawl_timer *t, pawl_timer_fn *fn);

/* Arm `t` to run `ms` milliseconds from now (loop time).  An armed timer is
 * re-armed (it goes behind every timer with the same deadline).  Errors:
 * PAWL_EINVAL (NULL, no callback, ms > PAWL_TIMER_MAX_DELAY), and the loop
 * errors of pawl/loop.h.  (Inline, below.) */
inline int pawl_timer_start(pawl_loop *loop, pawl_timer *t, uint32_t ms);

/* Arm `t` for an absolute loop time in ms (a time already past means: at
 * the next timers pass).  The remembered delay is unchanged.  Deadlines
 * saturate: PAWL_FOREVER is "never", yet the timer counts as armed.
 * Returns 0; PAWL_EINVAL for a NULL timer or one with no callback, and for
 * the loop PAWL_EINVAL (NULL), PAWL_EUNINIT (zeroed) or PAWL_ECLOSED. */
int pawl_timer_start_at(pawl_loop *loop, pawl_timer *t, uint64_t deadline_ms);

/* Disarm.  Stopping an IDLE timer does nothing and returns 0; inside the
 * timer's own callback it cancels the callback's AGAIN / PERIODIC.
 * (Inline, below.) */
inline int pawl_timer_stop(pawl_loop *loop, pawl_timer *t);

/* Node's timeout.refresh(): re-arm for the remembered delay from now,
 * behind every timer with the same deadline; IDLE or ARMED alike (so
 * inside its own callback it re-arms a one-shot).  Returns 0; errors as
 * pawl_timer_start: PAWL_EINVAL (NULL timer, no callback; NULL loop),
 * PAWL_EUNINIT / PAWL_ECLOSED for the loop. */
int pawl_timer_refresh(pawl_loop *loop, pawl_timer *t);

/* An unreferenced timer does not keep pawl_loop_run going, but it does
 * run when its time comes while something else keeps the loop alive, and
 * the loop's wait accounts for it.  Timers start referenced.  ref / unref
 * return 0, also when the timer already was in that state; PAWL_EINVAL for
 * a NULL timer or loop, PAWL_EUNINIT / PAWL_ECLOSED for a zeroed or closed
 * loop. */
int pawl_timer_ref(pawl_loop *loop, pawl_timer *t);
int pawl_timer_unref(pawl_loop *loop, pawl_timer *t);
bool pawl_timer_has_ref(const pawl_timer *t);

/* ARMED?  (false inside its own callback until it is re-armed) */
bool pawl_timer_active(const pawl_timer *t);

/* The deadline (loop ms) it is or was last armed for. */
uint64_t pawl_timer_deadline(const pawl_timer *t);

/* The remembered delay (ms). */
uint32_t pawl_timer_delay(const pawl_timer *t);

/*
 * The fast paths of start and stop, inline so that arming and canceling a
 * request's timeout costs a few dozen instructions and no call: an open
 * loop and an idle (start) or armed (stop) referenced timer.  Everything
 * else, errors included, goes to the out-of-line versions in src/timer.c,
 * which also holds the external definitions (for callers that do not
 * inline, and for other languages).  Arming appends the timer to the
 * loop's staging ring; the loop files it into the wheel, in arm order,
 * before it next looks at the wheel (see src/timer.c).
 */
#define PAWL__TIMER_UNREF 0x80000000u

int pawl__timer_start_slow(pawl_loop *loop, pawl_timer *t, uint32_t ms);
int pawl__timer_stop_slow(pawl_loop *loop, pawl_timer *t);

inline int pawl_timer_start(pawl_loop *loop, pawl_timer *t, uint32_t ms)
{
#if defined(PAWL_TRACE)
    return pawl__timer_start_slow(loop, t, ms); /* which records the event */
#endif
    /* (t->pawl__word | ms) has its top bit set if the timer is unreferenced
     * or ms > PAWL_TIMER_MAX_DELAY (2^31 - 1): one test for both. */
    if (loop == NULL || t == NULL || loop->pawl__magic != PAWL__LOOP_OPEN ||
        t->pawl__fn == NULL || t->pawl__node.pawl__link.pawl__next != NULL ||
        ((t->pawl__word | ms) & PAWL__TIMER_UNREF) != 0)
        return pawl__timer_start_slow(loop, t, ms);
    pawl_wheel_link *head = &loop->pawl__timers_staged;
    pawl_wheel_link *tail = head->pawl__prev;
    t->pawl__word = ms;
    t->pawl__node.pawl__deadline = loop->pawl__now_ms + ms;
    t->pawl__node.pawl__link.pawl__next = head;
    tail->pawl__next = &t->pawl__node.pawl__link;
    t->pawl__node.pawl__link.pawl__prev = tail;
    head->pawl__prev = &t->pawl__node.pawl__link;
    loop->pawl__wheel.pawl__count++;
    return 0;
}

inline int pawl_timer_stop(pawl_loop *loop, pawl_timer *t)
{
#if defined(PAWL_TRACE)
    return pawl__timer_stop_slow(loop, t); /* which records the event */
#endif
    if (loop == NULL || t == NULL || loop->pawl__magic != PAWL__LOOP_OPEN ||
        t->pawl__node.pawl__link.pawl__next == NULL ||
        (t->pawl__word & PAWL__TIMER_UNREF) != 0)
        return pawl__timer_stop_slow(loop, t);
    pawl_wheel_link *next = t->pawl__node.pawl__link.pawl__next;
    pawl_wheel_link *prev = t->pawl__node.pawl__link.pawl__prev;
    prev->pawl__next = next;
    next->pawl__prev = prev;
    t->pawl__node.pawl__link.pawl__next = NULL;
    loop->pawl__wheel.pawl__count--;
    return 0;
}

/* ==== the JavaScript API =================================================
 *
 * setTimeout and friends, with ids.  Each call allocates one record
 * through the loop's allocator (pawl_loop_opts.alloc) and the id table
 * grows through it too; the record is freed when the timer is done: a
 * timeout after its callback (unless the callback refreshed it), an
 * interval when cleared, an immediate when it has run or was cleared.  pawl_loop_close frees the records
 * of timers that never ran, without calling them, as Node drops its
 * pending timers at exit.
 *
 * Ids are positive and never reused by a loop (a 64-bit count: a stale id
 * is simply unknown, so it can never clear a newer timer).  Functions that
 * return an id return a negative error instead on failure:
 * PAWL_ENOMEM, PAWL_EINVAL (NULL callback) or a loop error.
 *
 * Delay coercion, as Node: a delay below 1 or above 2^31 - 1 ms becomes
 * 1 ms.  Out-of-range delays (negative, or above 2^31 - 1) are reported
 * to the loop's warning hook (pawl_loop_opts.warn).
 *
 * The clock, as Node reads it: a timer is armed (and refreshed) from a
 * fresh reading of the platform's clock, not the iteration's cached time,
 * so one armed at the end of a long callback counts from then; and an
 * interval is re-armed from the clock reading taken as its callback
 * starts, so ticks missed while the loop was busy merge into one call.
 */
typedef int64_t pawl_timer_id;

/* The callback: `arg` is what was passed in.  A non-zero return is an
 * error: it goes to the warning hook (PAWL_WARN_CALLBACK_ERROR) and
 * changes nothing else, so an interval keeps going. */
typedef int pawl_timeout_fn(void *arg);

/* setTimeout, setInterval and setImmediate: call `fn(arg)` once after
 * `ms` (coerced as above), every `ms`, or once in the next check phase.
 * Return the new timer's id, or a negative error (PAWL_ENOMEM, PAWL_EINVAL
 * for a NULL callback, or a loop error).  `arg` stays yours. */
pawl_timer_id pawl_set_timeout(pawl_loop *loop, pawl_timeout_fn *fn, void *arg, int64_t ms);
pawl_timer_id pawl_set_interval(pawl_loop *loop, pawl_timeout_fn *fn, void *arg, int64_t ms);
pawl_timer_id pawl_set_immediate(pawl_loop *loop, pawl_timeout_fn *fn, void *arg);

/* Clear.  An unknown, finished or already cleared id is a no-op that
 * returns 0, as is an id <= 0.  clear_timeout and clear_interval are the
 * same function (as in Node); clear_immediate clears only immediates and
 * the other two only timers.  Inside an interval's own callback, clearing
 * it stops it. */
int pawl_clear_timeout(pawl_loop *loop, pawl_timer_id id);
int pawl_clear_interval(pawl_loop *loop, pawl_timer_id id);
int pawl_clear_immediate(pawl_loop *loop, pawl_timer_id id);

/* timeout.refresh(): re-arm from now with the original delay, behind the
 * timers with the same deadline.  PAWL_ENOENT for an id that is not a
 * live timeout or interval. */
int pawl_timeout_refresh(pawl_loop *loop, pawl_timer_id id);

/* ref / unref / hasRef, for timeouts, intervals and immediates.
 * has_ref returns 1 or 0, or PAWL_ENOENT for an id that is not live. */
int pawl_timeout_ref(pawl_loop *loop, pawl_timer_id id);
int pawl_timeout_unref(pawl_loop *loop, pawl_timer_id id);
int pawl_timeout_has_ref(pawl_loop *loop, pawl_timer_id id);

/* ==== futures for tasks ==================================================
 *
 * A pawl_sleep is the state of one sleep or timeout at a time: keep it in
 * the task's struct.  Zeroed memory is a valid, idle pawl_sleep (no init
 * call needed).  It goes back to idle when the await completes, so it can
 * be reused by the next await.  If the task is canceled while it sleeps
 * the timer is stopped and the await reports PAWL_ECANCELED.
 */
typedef struct pawl_sleep {
    pawl_timer pawl__timer;
    /* The sleeping task's waker, spelled out so that the state byte fits
     * in what would be its padding: 56 bytes on 64-bit targets. */
    pawl_task *pawl__task;
    pawl_gen pawl__gen;
    unsigned char pawl__state; /* PAWL__SLEEP_* */
} pawl_sleep;

enum { PAWL__SLEEP_IDLE, PAWL__SLEEP_ARMED, PAWL__SLEEP_FIRED };

/* PAWL_AWAIT(cx, rc, pawl_sleep_ms(&self->sleep, cx, 250)): ready with 0
 * once 250 ms of loop time have passed.  PAWL_EINVAL for a NULL argument
 * or ms > PAWL_TIMER_MAX_DELAY. */
pawl_poll pawl_sleep_ms(pawl_sleep *s, pawl_cx *cx, uint32_t ms);

/* The same, until the loop's clock reaches `deadline_ms` (one already past:
 * at the next timers pass): ready with 0 then, PAWL_PENDING before;
 * PAWL_EINVAL for a NULL argument, PAWL_ECANCELED on a canceled context
 * (an armed sleep is disarmed). */
pawl_poll pawl_sleep_until(pawl_sleep *s, pawl_cx *cx, uint64_t deadline_ms);

/*
 * PAWL_TIMEOUT(s, cx, ms, poll_expr): the future `poll_expr`, with a time
 * limit.  It is an expression usable as the future of PAWL_AWAIT:
 *
 *     PAWL_AWAIT(cx, rc, PAWL_TIMEOUT(&self->limit, cx, 500,
 *                                     pawl_task_join(&self->worker, cx)));
 *
 * Each poll evaluates `poll_expr` exactly once.  Ready with the inner
 * result if the inner future is ready before `ms` ms have passed (the
 * timer is stopped).  When the time is up, `poll_expr` is evaluated once
 * more with a canceled context, so the inner future releases what it
 * holds (its timers, its place in a queue) exactly as it does when the
 * task is canceled, and the result is PAWL_ETIMEDOUT.  Cancelling the task
 * cancels both.  A limit above PAWL_TIMER_MAX_DELAY is clamped to it.
 */
#define PAWL_TIMEOUT(s, cx, ms, poll_expr)                                   \
    (pawl__timeout_enter((s), (cx), (ms)),                                   \
     pawl__timeout_leave((s), (cx), (poll_expr)))

void pawl__timeout_enter(pawl_sleep *s, pawl_cx *cx, uint32_t ms);
pawl_poll pawl__timeout_leave(pawl_sleep *s, pawl_cx *cx, pawl_poll inner);

/* ==== 32-bit tick sources ================================================
 *
 * Extends a free-running 32-bit counter (a SysTick millisecond count, a
 * hardware timer) to 64 bits.  Call it at least once per wrap of the
 * counter (every 49.7 days at 1 kHz); the loop calls its platform's clock
 * every iteration, and a loop that sleeps wakes at least once per wrap
 * when its platform arms a deadline no farther than that.  Not
 * reentrant: call it from one context only (the loop's).
 */
typedef struct pawl_tick32 {
    uint32_t pawl__last;
    uint32_t pawl__high;
} pawl_tick32;

/* Start at a raw counter value of `raw` (it need not be 0). */
void pawl_tick32_init(pawl_tick32 *e, uint32_t raw);
uint64_t pawl_tick32_extend(pawl_tick32 *e, uint32_t raw);

#ifdef __cplusplus
}
#endif

#endif /* PAWL_TIMER_H */
