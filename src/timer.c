/*
 * src/timer.c -- the intrusive timer on the loop's wheel, the timers
 * phase, sleep and timeout futures, and 32-bit tick extension.
 *
 * Arm and cancel are the hot operations (a server arms and cancels a
 * timeout per request and almost never lets one fire).  Arming appends to
 * a staging ring that the loop files into the wheel before it next reads
 * the wheel (see timer_arm below), and cancel unlinks from whichever ring
 * the timer is in; the common case of both is inline in pawl/timer.h.
 * The wheel's count is the number of armed timers, staged or filed; those
 * unreferenced are counted apart, so that liveness is "count > unref".
 *
 * THE TIMERS PASS
 * ===============
 *
 * At the start of a pass the loop arms its own mark node for "now".  Due
 * nodes come out of the wheel in (deadline, arm order) until the mark
 * does: everything armed before the pass and due by now precedes it, and
 * anything armed during the pass is due no earlier than now (start
 * computes now + ms, start_at clamps to now) and so lands behind it.  This
 * is how a callback that re-arms itself for 0 ms waits for the next pass
 * without the wheel knowing about passes.  The one node that may be filed
 * before the mark during a pass is a PERIODIC re-arm whose next deadline
 * is already past: it catches up in deadline order, by design.
 */
#include "pawl/timer.h"

#include <assert.h>

#include "internal.h"
#include "wheel_impl.h"

#define DELAY_MASK 0x7fffffffu
#define UNREF_BIT PAWL__TIMER_UNREF

/* The external definitions of the inline fast paths of pawl/timer.h. */
extern int pawl_timer_start(pawl_loop *loop, pawl_timer *t, uint32_t ms);
extern int pawl_timer_stop(pawl_loop *loop, pawl_timer *t);

static uint64_t add_sat(uint64_t a, uint64_t b)
{
    return a > PAWL_FOREVER - b ? PAWL_FOREVER : a + b;
}

/* ---- arm / disarm with the loop's accounting ---------------------------- */

/*
 * Arming does not file a timer into the wheel: it appends it to the loop's
 * staging ring, a plain FIFO, and counts it.  The ring is filed into the
 * wheel, in order, before the wheel is next read (the timers pass, the
 * wait's deadline) or written (a re-arm during the pass).  Filing in arm
 * order after everything already in the wheel keeps (deadline, arm order)
 * exact.  A timer canceled before then -- the usual fate of a request
 * timeout -- never touches the wheel: cancel unlinks it from whichever
 * ring it is in, which the ring-through-head lists make the same code.
 *
 * `deadline` must be >= the loop's now, which is >= the wheel's elapsed
 * tick: every caller arms for now or later.
 */
/* Stage a node for `deadline` and count it (the wheel's count includes
 * staged nodes): the timers and the pass's mark. */
static void stage(pawl_loop *loop, pawl_wheel_node *n, uint64_t deadline)
{
    n->pawl__deadline = deadline;
    pawl__ring_append(&loop->pawl__timers_staged, &n->pawl__link);
    loop->pawl__wheel.pawl__count++;
}

static inline void timer_arm(pawl_loop *loop, pawl_timer *t, uint64_t deadline)
{
    stage(loop, &t->pawl__node, deadline);
    if (PAWL__UNLIKELY(t->pawl__word & UNREF_BIT))
        loop->pawl__timers_unref++;
    PAWL__TRACE(loop, TIMER_ARMED, t, deadline);
}

/* File the staging ring into the wheel, in arm order.  Every staged
 * deadline is >= the now of its arm, which is >= the wheel's elapsed tick
 * then and now (only a timers pass moves it, and never beyond now). */
static inline void timers_flush(pawl_loop *loop)
{
    if (!pawl__ring_empty(&loop->pawl__timers_staged))
        pawl__wheel_file_ring(&loop->pawl__wheel, &loop->pawl__timers_staged);
}

/* Arm straight into the wheel (a re-arm during the timers pass, which may
 * have to land before the pass's mark): staged behind the timers armed
 * before it, and filed with them, to keep arm order. */
static void timer_arm_now(pawl_loop *loop, pawl_timer *t, uint64_t deadline)
{
    timer_arm(loop, t, deadline);
    pawl__wheel_file_ring(&loop->pawl__wheel, &loop->pawl__timers_staged);
}

/* Unlink from the wheel or the staging ring alike. */
static inline void timer_disarm(pawl_loop *loop, pawl_timer *t)
{
    pawl__wheel_remove(&loop->pawl__wheel, &t->pawl__node);
    if (PAWL__UNLIKELY(t->pawl__word & UNREF_BIT))
        loop->pawl__timers_unref--;
}

static inline bool armed(const pawl_timer *t)
{
    return t->pawl__node.pawl__link.pawl__next != NULL;
}

/* ---- the intrusive timer ------------------------------------------------ */

int pawl_timer_init(pawl_timer *t, pawl_timer_fn *fn)
{
    if (t == NULL || fn == NULL)
        return PAWL_EINVAL;
    pawl_wheel_node_init(&t->pawl__node);
    t->pawl__fn = fn;
    t->pawl__word = 0;
    return 0;
}

int pawl__timer_start_slow(pawl_loop *loop, pawl_timer *t, uint32_t ms)
{
    if (PAWL__UNLIKELY(t == NULL || t->pawl__fn == NULL || ms > PAWL_TIMER_MAX_DELAY))
        return PAWL_EINVAL;
    int rc = pawl__loop_check(loop);
    if (PAWL__UNLIKELY(rc != 0))
        return rc;
    pawl__timer_arm_from(loop, t, loop->pawl__now_ms, ms);
    return 0;
}

int pawl_timer_start_at(pawl_loop *loop, pawl_timer *t, uint64_t deadline_ms)
{
    if (t == NULL || t->pawl__fn == NULL)
        return PAWL_EINVAL;
    int rc = pawl__loop_check(loop);
    if (rc != 0)
        return rc;
    if (armed(t))
        timer_disarm(loop, t);
    /* A past deadline means the next pass: behind the mark, see above. */
    if (deadline_ms < loop->pawl__now_ms)
        deadline_ms = loop->pawl__now_ms;
    timer_arm(loop, t, deadline_ms);
    return 0;
}

int pawl__timer_stop_slow(pawl_loop *loop, pawl_timer *t)
{
    if (PAWL__UNLIKELY(t == NULL))
        return PAWL_EINVAL;
    int rc = pawl__loop_check(loop);
    if (PAWL__UNLIKELY(rc != 0))
        return rc;
    if (armed(t)) {
        PAWL__TRACE(loop, TIMER_CLEARED, t, t->pawl__node.pawl__deadline);
        timer_disarm(loop, t);
    } else if (loop->pawl__timer_running == t)
        loop->pawl__timer_running = NULL; /* cancels AGAIN / PERIODIC */
    return 0;
}

void pawl__timer_arm_from(pawl_loop *loop, pawl_timer *t, uint64_t base_ms, uint32_t ms)
{
    if (armed(t))
        timer_disarm(loop, t);
    t->pawl__word = (t->pawl__word & UNREF_BIT) | ms;
    /* base_ms is now, or a fresh clock reading: never before now */
    timer_arm(loop, t, (base_ms > loop->pawl__now_ms ? base_ms : loop->pawl__now_ms) + ms);
}

int pawl_timer_refresh(pawl_loop *loop, pawl_timer *t)
{
    if (t == NULL)
        return PAWL_EINVAL;
    return pawl__timer_start_slow(loop, t, t->pawl__word & DELAY_MASK);
}

static int set_ref(pawl_loop *loop, pawl_timer *t, bool ref)
{
    if (t == NULL)
        return PAWL_EINVAL;
    int rc = pawl__loop_check(loop);
    if (rc != 0)
        return rc;
    bool was = !(t->pawl__word & UNREF_BIT);
    if (was == ref)
        return 0;
    if (armed(t)) {
        if (ref)
            loop->pawl__timers_unref--;
        else
            loop->pawl__timers_unref++;
    }
    t->pawl__word ^= UNREF_BIT;
    return 0;
}

int pawl_timer_ref(pawl_loop *loop, pawl_timer *t)
{
    return set_ref(loop, t, true);
}

int pawl_timer_unref(pawl_loop *loop, pawl_timer *t)
{
    return set_ref(loop, t, false);
}

bool pawl_timer_has_ref(const pawl_timer *t)
{
    return t != NULL && !(t->pawl__word & UNREF_BIT);
}

bool pawl_timer_active(const pawl_timer *t)
{
    return t != NULL && armed(t);
}

uint64_t pawl_timer_deadline(const pawl_timer *t)
{
    return t != NULL ? t->pawl__node.pawl__deadline : 0;
}

uint32_t pawl_timer_delay(const pawl_timer *t)
{
    return t != NULL ? t->pawl__word & DELAY_MASK : 0;
}

/* ---- the timers phase ---------------------------------------------------- */

/*
 * ARMED --due--> (callback running: IDLE) --> IDLE, or ARMED again if the
 * callback asked for it and did not arm or stop the timer itself.  The
 * timer is not read after a STOP: the callback may have freed it.
 */
static void run_timer(pawl_loop *loop, pawl_timer *t, uint64_t now)
{
    if (PAWL__UNLIKELY(t->pawl__word & UNREF_BIT))
        loop->pawl__timers_unref--;
    PAWL__TRACE(loop, TIMER_FIRED, t, t->pawl__node.pawl__deadline);
    loop->pawl__timer_running = t;
    int again = t->pawl__fn(loop, t);
    if (again != PAWL_TIMER_STOP && loop->pawl__timer_running == t && !armed(t)) {
        uint32_t delay = t->pawl__word & DELAY_MASK;
        if (again == PAWL_TIMER_PERIODIC)
            timer_arm_now(loop, t, add_sat(t->pawl__node.pawl__deadline, delay ? delay : 1));
        else
            timer_arm_now(loop, t, now + delay);
    }
    loop->pawl__timer_running = NULL; /* its microtasks are not "inside" */
    if (loop->pawl__mt_head != NULL)
        pawl__microtasks_drain(loop);
}

void pawl__timers_run(pawl_loop *loop)
{
    pawl_wheel *w = &loop->pawl__wheel;
    uint64_t now = loop->pawl__now_ms;
    if (w->pawl__count == 0) {
        /* Nothing armed: only the elapsed tick moves (occupancy bits left
         * set by cancels name empty slots, which every search skips).
         * now >= elapsed: the platform's clock never goes back. */
        w->pawl__elapsed = now;
        return;
    }
    /* The mark goes behind every timer armed before the pass. */
    pawl_wheel_node *mark = &loop->pawl__timer_mark;
    stage(loop, mark, now);
    pawl__wheel_file_ring(w, &loop->pawl__timers_staged);
    /* The level-0 slot of the elapsed tick holds exactly the nodes due at
     * that tick, which are the earliest there can be: pop them straight
     * off (the slot stays the same until the wheel is asked again); ask
     * the wheel (which also cascades) only when it is empty. */
    pawl_wheel_link *head = &w->pawl__heads[w->pawl__elapsed & WHEEL_MASK];
    for (;;) {
        pawl_wheel_link *l = head->pawl__next;
        pawl_wheel_node *n;
        if (l != head) {
            n = (pawl_wheel_node *)(void *)l; /* the link is the first member */
            pawl__wheel_remove(w, n);
        } else {
            n = pawl_wheel_expire(w, now);
            assert(n != NULL); /* the mark is due now */
            head = &w->pawl__heads[w->pawl__elapsed & WHEEL_MASK];
        }
        if (n == mark)
            return;
        run_timer(loop, PAWL_CONTAINER_OF(n, pawl_timer, pawl__node), now);
    }
}

uint64_t pawl__timers_next_ns(pawl_loop *loop)
{
    timers_flush(loop);
    uint64_t ms = pawl__wheel_next_wake(&loop->pawl__wheel);
    if (ms > PAWL_FOREVER / 1000000u)
        return PAWL_FOREVER;
    return ms * 1000000u;
}

/* ---- sleep and timeout futures ------------------------------------------ */

static int sleep_fire(pawl_loop *loop, pawl_timer *t)
{
    (void)loop;
    pawl_sleep *s = PAWL_CONTAINER_OF(t, pawl_sleep, pawl__timer);
    s->pawl__state = PAWL__SLEEP_FIRED;
    pawl_waker w = {s->pawl__task, s->pawl__gen};
    pawl_wake(w);
    return PAWL_TIMER_STOP;
}

/* Internal state of a timeout whose time ran out during this poll: the
 * inner future is being polled with a context canceled by the timeout. */
enum { SLEEP_EXPIRING = PAWL__SLEEP_FIRED + 1 };

/* Keep the polling task's waker. */
static void sleep_hold(pawl_sleep *s, const pawl_cx *cx)
{
    pawl_waker w = pawl_cx_waker(cx);
    s->pawl__task = w.task;
    s->pawl__gen = w.gen;
}

/* IDLE --first poll--> ARMED.  `deadline` is absolute loop ms. */
static void sleep_arm(pawl_sleep *s, pawl_cx *cx, uint64_t deadline, uint32_t delay)
{
    pawl_loop *loop = cx->loop;
    s->pawl__timer.pawl__fn = sleep_fire;
    s->pawl__timer.pawl__word = (s->pawl__timer.pawl__word & UNREF_BIT) | delay;
    if (deadline < loop->pawl__now_ms)
        deadline = loop->pawl__now_ms;
    timer_arm(loop, &s->pawl__timer, deadline);
    sleep_hold(s, cx);
    s->pawl__state = PAWL__SLEEP_ARMED;
}

/* Back to IDLE, the timer stopped if it still runs. */
static void sleep_reset(pawl_sleep *s, pawl_loop *loop)
{
    if (armed(&s->pawl__timer)) {
        PAWL__TRACE(loop, TIMER_CLEARED, &s->pawl__timer, s->pawl__timer.pawl__node.pawl__deadline);
        timer_disarm(loop, &s->pawl__timer);
    }
    s->pawl__state = PAWL__SLEEP_IDLE;
}

static pawl_poll sleep_poll(pawl_sleep *s, pawl_cx *cx, uint64_t deadline, uint32_t delay)
{
    switch (s->pawl__state) {
    case PAWL__SLEEP_IDLE:
        if (pawl_cx_canceled(cx))
            return PAWL_ECANCELED;
        sleep_arm(s, cx, deadline, delay);
        return PAWL_PENDING;
    case PAWL__SLEEP_ARMED:
        if (pawl_cx_canceled(cx)) {
            sleep_reset(s, cx->loop);
            return PAWL_ECANCELED;
        }
        sleep_hold(s, cx);
        return PAWL_PENDING;
    default: /* FIRED: the time has come (even if canceled just now) */
        s->pawl__state = PAWL__SLEEP_IDLE;
        return PAWL_READY;
    }
}

pawl_poll pawl_sleep_ms(pawl_sleep *s, pawl_cx *cx, uint32_t ms)
{
    if (s == NULL || cx == NULL || ms > PAWL_TIMER_MAX_DELAY)
        return PAWL_EINVAL;
    return sleep_poll(s, cx, cx->loop->pawl__now_ms + ms, ms);
}

pawl_poll pawl_sleep_until(pawl_sleep *s, pawl_cx *cx, uint64_t deadline_ms)
{
    if (s == NULL || cx == NULL)
        return PAWL_EINVAL;
    return sleep_poll(s, cx, deadline_ms, s->pawl__timer.pawl__word & DELAY_MASK);
}

/*
 * Before the inner future is polled: arm on the first poll; when the time
 * is up (and the task is not being canceled anyway), cancel the context
 * for this one evaluation of the inner future.
 */
void pawl__timeout_enter(pawl_sleep *s, pawl_cx *cx, uint32_t ms)
{
    if (s->pawl__state == PAWL__SLEEP_IDLE) {
        if (!pawl_cx_canceled(cx)) {
            if (ms > PAWL_TIMER_MAX_DELAY)
                ms = PAWL_TIMER_MAX_DELAY;
            sleep_arm(s, cx, cx->loop->pawl__now_ms + ms, ms);
        }
    } else if (s->pawl__state == PAWL__SLEEP_ARMED) {
        sleep_hold(s, cx);
    } else if (s->pawl__state == PAWL__SLEEP_FIRED && !pawl_cx_canceled(cx)) {
        s->pawl__state = SLEEP_EXPIRING;
        cx->pawl__flags |= PAWL__CX_CANCEL;
    }
}

/*
 * After: a timed-out inner future that released (ECANCELED, or PENDING
 * from a future that ignores cancellation) makes PAWL_ETIMEDOUT; one that
 * completed anyway keeps its result, so nothing it took is lost.  Any
 * other completion, and the task's own cancellation, stop the timer.
 */
pawl_poll pawl__timeout_leave(pawl_sleep *s, pawl_cx *cx, pawl_poll inner)
{
    if (s->pawl__state == SLEEP_EXPIRING) {
        cx->pawl__flags &= ~(unsigned)PAWL__CX_CANCEL;
        s->pawl__state = PAWL__SLEEP_IDLE;
        return inner == PAWL_PENDING || inner == PAWL_ECANCELED ? PAWL_ETIMEDOUT : inner;
    }
    if (inner != PAWL_PENDING || pawl_cx_canceled(cx)) {
        sleep_reset(s, cx->loop);
        return inner;
    }
    return PAWL_PENDING;
}

/* ---- 32-bit tick sources ------------------------------------------------ */

void pawl_tick32_init(pawl_tick32 *e, uint32_t raw)
{
    e->pawl__last = raw;
    e->pawl__high = 0;
}

uint64_t pawl_tick32_extend(pawl_tick32 *e, uint32_t raw)
{
    if (raw < e->pawl__last)
        e->pawl__high++; /* wrapped since the last call */
    e->pawl__last = raw;
    return ((uint64_t)e->pawl__high << 32) | raw;
}
