/*
 * src/timers_js.c -- setTimeout, setInterval, setImmediate and their
 * clear / refresh / ref / unref / hasRef, with integer ids.
 *
 * Each timer is a record allocated through the loop's allocator: an
 * intrusive pawl_timer (timeouts and intervals) or a queue link
 * (immediates), the callback, and its id.  Ids map to records in a uthash
 * table (its allocations also go through the loop's allocator): ids are
 * sparse and unbounded, so a hash is the structure that gives O(1) lookup
 * without a table sized for the largest id.  A 64-bit id is never reused
 * by its loop, which is what makes a stale id harmless: it is unknown.
 *
 * A record lives while its id is live: a timeout until its callback
 * returned (unless the callback refreshed it), an interval or immediate
 * until cleared or run.  A record whose callback is running is freed by
 * the code that called it, never by a clear from inside the callback.
 */
#include "pawl/timer.h"

#include <string.h>

#include "internal.h"

/* uthash: allocate through the loop's allocator, and report out-of-memory
 * instead of exiting.  Every function using a HASH_* macro has `loop` in
 * scope, and those that add have `oom` too. */
#define HASH_NONFATAL_OOM 1
#define uthash_malloc(sz) pawl__alloc(loop, (sz))
#define uthash_free(ptr, sz) pawl__free(loop, (ptr), (sz))
#define uthash_nonfatal_oom(obj) (oom = 1)
/* The key is always an id this file made, and ids are consecutive: their
 * low bits spread them over the buckets evenly, and a new id lands next to
 * the one before, in memory the last call touched.  uthash's default hash
 * (Jenkins') scatters them instead, which with 10^5 live timers is a cache
 * miss per setTimeout and per clearTimeout.  Ids are never input that
 * chooses a bucket for a new record, so no caller can crowd one. */
#define HASH_FUNCTION(keyptr, keylen, hashv)                                  \
    ((void)(keylen), (hashv) = (unsigned)*(const pawl_timer_id *)(const void *)(keyptr))
#include <uthash.h>

enum { JS_TIMEOUT, JS_INTERVAL, JS_IMMEDIATE };

typedef struct js_timer {
    pawl_timer timer;      /* timeouts and intervals */
    pawl_wheel_link queue; /* immediates: link in a queue, next NULL if none */
    pawl_timeout_fn *fn;
    void *arg;
    pawl_timer_id id;
    unsigned char kind;    /* JS_* */
    unsigned char unref;   /* immediates (timers keep it in their word) */
    unsigned char dead;    /* cleared while its callback runs */
    UT_hash_handle hh;
} js_timer;

#define TABLE(loop) (*(js_timer **)(void *)&(loop)->pawl__js_table)

static js_timer *find(pawl_loop *loop, pawl_timer_id id)
{
    js_timer *j = NULL;
    if (id > 0)
        HASH_FIND(hh, TABLE(loop), &id, sizeof id, j);
    return j;
}

static void forget(pawl_loop *loop, js_timer *j)
{
    HASH_DELETE(hh, TABLE(loop), j);
}

static void discard(pawl_loop *loop, js_timer *j)
{
    pawl__free(loop, j, sizeof *j);
}

/* A new record with a fresh id, in the table, in *out: returns its id, or
 * a loop error, PAWL_EINVAL (no callback) or PAWL_ENOMEM. */
static pawl_timer_id create(pawl_loop *loop, pawl_timeout_fn *fn, void *arg, unsigned char kind,
                            js_timer **out)
{
    int rc = pawl__loop_check(loop);
    if (rc != 0)
        return rc;
    if (fn == NULL)
        return PAWL_EINVAL;
    js_timer *j = pawl__alloc(loop, sizeof *j);
    if (j == NULL)
        return PAWL_ENOMEM;
    memset(j, 0, sizeof *j);
    j->fn = fn;
    j->arg = arg;
    j->kind = kind;
    j->id = loop->pawl__js_last_id + 1;
    int oom = 0;
    HASH_ADD(hh, TABLE(loop), id, sizeof j->id, j);
    if (oom) {
        discard(loop, j);
        return PAWL_ENOMEM;
    }
    loop->pawl__js_last_id = j->id;
    loop->pawl__js_ops = &pawl__js_ops;
    *out = j;
    return j->id;
}

static void call(pawl_loop *loop, js_timer *j)
{
    int rc = j->fn(j->arg);
    if (rc != 0)
        pawl__warn(loop, PAWL_WARN_CALLBACK_ERROR, rc, "a timer callback returned an error");
}

/* ---- timeouts and intervals --------------------------------------------- */

/*
 * An interval is re-armed from the moment its callback started, read from
 * the clock as Node does (not the iteration's cached time), so a callback
 * that ran late or long is followed by a full period: missed ticks merge.
 */
static int js_fire(pawl_loop *loop, pawl_timer *t)
{
    js_timer *j = PAWL_CONTAINER_OF(t, js_timer, timer);
    uint64_t start = j->kind == JS_INTERVAL ? pawl__clock_ms(loop) : 0;
    call(loop, j);
    if (j->dead) { /* cleared from inside: already out of the table */
        discard(loop, j);
        return PAWL_TIMER_STOP;
    }
    if (j->kind == JS_INTERVAL) {
        /* Even if refreshed inside: Node re-inserts an interval from its
         * callback's start after the callback, whatever it did. */
        pawl__timer_arm_from(loop, t, start, pawl_timer_delay(t));
        return PAWL_TIMER_STOP;
    }
    if (pawl_timer_active(t))
        return PAWL_TIMER_STOP; /* a timeout refreshed inside: stays armed */
    forget(loop, j);
    discard(loop, j);
    return PAWL_TIMER_STOP;
}

/* Node's coercion: not in 1 .. 2^31 - 1 ms means 1 ms; out of range also
 * warns (0 does not). */
uint32_t pawl__js_delay(pawl_loop *loop, int64_t ms)
{
    if (ms > (int64_t)PAWL_TIMER_MAX_DELAY) {
        pawl__warn(loop, PAWL_WARN_TIMEOUT_OVERFLOW, ms,
                   "delay does not fit into a 32-bit signed integer: set to 1 ms");
        return 1;
    }
    if (ms < 0) {
        pawl__warn(loop, PAWL_WARN_TIMEOUT_NEGATIVE, ms, "delay is negative: set to 1 ms");
        return 1;
    }
    return ms == 0 ? 1 : (uint32_t)ms;
}

static pawl_timer_id set_timer(pawl_loop *loop, pawl_timeout_fn *fn, void *arg, int64_t ms,
                               unsigned char kind)
{
    js_timer *j;
    pawl_timer_id rc = create(loop, fn, arg, kind, &j);
    if (rc < 0)
        return rc;
    /* Warn only about a timer that exists. */
    uint32_t delay = pawl__js_delay(loop, ms);
    pawl_timer_init(&j->timer, js_fire);
    /* Node reads the clock when a timer is armed: a timer armed late in a
     * long callback counts from then, not from the iteration's start. */
    pawl__timer_arm_from(loop, &j->timer, pawl__clock_ms(loop), delay);
    return j->id;
}

pawl_timer_id pawl_set_timeout(pawl_loop *loop, pawl_timeout_fn *fn, void *arg, int64_t ms)
{
    return set_timer(loop, fn, arg, ms, JS_TIMEOUT);
}

pawl_timer_id pawl_set_interval(pawl_loop *loop, pawl_timeout_fn *fn, void *arg, int64_t ms)
{
    return set_timer(loop, fn, arg, ms, JS_INTERVAL);
}

int pawl_clear_timeout(pawl_loop *loop, pawl_timer_id id)
{
    int rc = pawl__loop_check(loop);
    if (rc != 0)
        return rc;
    js_timer *j = find(loop, id);
    if (j == NULL || j->kind == JS_IMMEDIATE)
        return 0;
    forget(loop, j);
    bool running = loop->pawl__timer_running == &j->timer;
    pawl_timer_stop(loop, &j->timer); /* also cancels an interval's re-arm */
    if (running)
        j->dead = 1; /* js_fire frees it when the callback returns */
    else
        discard(loop, j);
    return 0;
}

int pawl_clear_interval(pawl_loop *loop, pawl_timer_id id)
{
    return pawl_clear_timeout(loop, id);
}

int pawl_timeout_refresh(pawl_loop *loop, pawl_timer_id id)
{
    int rc = pawl__loop_check(loop);
    if (rc != 0)
        return rc;
    js_timer *j = find(loop, id);
    if (j == NULL || j->kind == JS_IMMEDIATE)
        return PAWL_ENOENT;
    pawl__timer_arm_from(loop, &j->timer, pawl__clock_ms(loop), pawl_timer_delay(&j->timer));
    return 0;
}

/* ---- immediates ---------------------------------------------------------- */

pawl_timer_id pawl_set_immediate(pawl_loop *loop, pawl_timeout_fn *fn, void *arg)
{
    js_timer *j;
    pawl_timer_id rc = create(loop, fn, arg, JS_IMMEDIATE, &j);
    if (rc < 0)
        return rc;
    pawl__ring_append(&loop->pawl__immediates, &j->queue);
    loop->pawl__refs++;
    loop->pawl__immediates_ref++;
    return j->id;
}

/* Out of its queue, with the loop's reference. */
static void immediate_dequeue(pawl_loop *loop, js_timer *j)
{
    pawl__ring_unlink(&j->queue);
    if (!j->unref) {
        loop->pawl__refs--;
        loop->pawl__immediates_ref--;
    }
}

int pawl_clear_immediate(pawl_loop *loop, pawl_timer_id id)
{
    int rc = pawl__loop_check(loop);
    if (rc != 0)
        return rc;
    js_timer *j = find(loop, id);
    if (j == NULL || j->kind != JS_IMMEDIATE)
        return 0;
    forget(loop, j);
    immediate_dequeue(loop, j);
    discard(loop, j);
    return 0;
}

/*
 * The check phase: the immediates queued before it began, in order.  They
 * are moved to a queue of their own first, so that those queued by the
 * callbacks wait for the next iteration, and a clear from a callback
 * still finds (and unlinks) one that has not run yet.
 */
void pawl__immediates_run(pawl_loop *loop)
{
    if (pawl__ring_empty(&loop->pawl__immediates))
        return;
    pawl_wheel_link *run = &loop->pawl__immediates_running;
    pawl__ring_move(&loop->pawl__immediates, run);
    while (!pawl__ring_empty(run)) {
        js_timer *j = PAWL_CONTAINER_OF(run->pawl__next, js_timer, queue);
        immediate_dequeue(loop, j);
        forget(loop, j); /* its id is finished once it runs */
        PAWL__TRACE(loop, IMMEDIATE_RUN, j, j->id);
        call(loop, j);
        discard(loop, j);
        if (loop->pawl__mt_head != NULL)
            pawl__microtasks_drain(loop);
    }
}

/* ---- ref / unref / hasRef ------------------------------------------------ */

static int js_set_ref(pawl_loop *loop, pawl_timer_id id, bool ref)
{
    int rc = pawl__loop_check(loop);
    if (rc != 0)
        return rc;
    js_timer *j = find(loop, id);
    if (j == NULL)
        return PAWL_ENOENT;
    if (j->kind != JS_IMMEDIATE)
        return ref ? pawl_timer_ref(loop, &j->timer) : pawl_timer_unref(loop, &j->timer);
    if (j->unref == !ref)
        return 0;
    j->unref = !ref;
    if (ref) {
        loop->pawl__refs++;
        loop->pawl__immediates_ref++;
    } else {
        loop->pawl__refs--;
        loop->pawl__immediates_ref--;
    }
    return 0;
}

int pawl_timeout_ref(pawl_loop *loop, pawl_timer_id id)
{
    return js_set_ref(loop, id, true);
}

int pawl_timeout_unref(pawl_loop *loop, pawl_timer_id id)
{
    return js_set_ref(loop, id, false);
}

int pawl_timeout_has_ref(pawl_loop *loop, pawl_timer_id id)
{
    int rc = pawl__loop_check(loop);
    if (rc != 0)
        return rc;
    js_timer *j = find(loop, id);
    if (j == NULL)
        return PAWL_ENOENT;
    if (j->kind == JS_IMMEDIATE)
        return !j->unref;
    return pawl_timer_has_ref(&j->timer);
}

/* ---- close ---------------------------------------------------------------- */

size_t pawl__js_armed(const pawl_loop *loop)
{
    size_t n = 0;
    for (const js_timer *j = loop->pawl__js_table; j != NULL; j = j->hh.next)
        n += j->kind != JS_IMMEDIATE && pawl_timer_active(&j->timer);
    return n;
}

void pawl__js_close(pawl_loop *loop)
{
    js_timer *j, *tmp;
    HASH_ITER(hh, TABLE(loop), j, tmp) {
        forget(loop, j);
        if (j->kind == JS_IMMEDIATE)
            immediate_dequeue(loop, j);
        else
            pawl_timer_stop(loop, &j->timer);
        discard(loop, j);
    }
}

/* What the loop calls back into (set by the first record made). */
const struct pawl__js_ops pawl__js_ops = {pawl__immediates_run, pawl__js_armed, pawl__js_close};
