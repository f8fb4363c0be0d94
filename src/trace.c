/*
 * src/trace.c -- tracing (pawl/trace.h): the ring of events, the origin
 * of each event, the list of live tasks, the dump file and the task list.
 *
 * Built only with PAWL_TRACE (CMake -DPAWL_TRACE=ON); without it the
 * library has no trace code at all (src/internal.h turns every trace
 * point into ((void)0)).
 *
 * THE RING
 * ========
 *
 * `cap` slots of the caller's memory; `next` is the slot the next event
 * takes, `count` how many slots hold an event.  While count < cap the
 * events are in slots 0 .. count-1; once the ring is full, `next` is also
 * the oldest event, which the next one overwrites (and `dropped` counts).
 * So the oldest is always at (next - count) modulo cap, and recording is
 * a store, an increment and a compare: no division.
 *
 * THE ORIGIN
 * ==========
 *
 * The loop remembers what runs now (a task's poll, a timer's callback, a
 * reaction, ...): the events that begin something set it, every other
 * event copies it as its origin.  Nothing resets it when the thing ends:
 * whatever the loop does next that can wake or spawn anything begins with
 * an event of its own (the next poll, timer, microtask, I/O delivery,
 * immediate or iteration), and pawl_loop_run resets it on the way out.
 * The one exception, the callback of an I/O watch, is marked by
 * PAWL__TRACE_ORIGIN in src/io.c.
 *
 * THE LIVE-TASK LIST
 * ==================
 *
 * A doubly linked list through each task's pawl__trace.next / .prev, in
 * spawn order: a task joins it at spawn and leaves it when it is DONE,
 * both O(1).  It is kept whether or not the loop is recording (a dump of
 * the tasks is most wanted in a program nobody thought of tracing), as are
 * the tasks' since_ns and sites: the cost of a PAWL_TRACE build.
 */
#if !defined(PAWL_TRACE)
#error "src/trace.c is part of a PAWL_TRACE build only (CMake -DPAWL_TRACE=ON)"
#endif

#if !defined(PAWL_NO_OS)
#include <errno.h>
#include <unistd.h>
#endif
#include <string.h>

#include "internal.h"

/* ---- recording ------------------------------------------------------------ */

/* The origin each kind of event begins (BEGINS_NOT: it begins nothing, and
 * takes the current origin as its own).  Indexed by pawl_trace_kind. */
enum { BEGINS_NOT = 0xff, KIND_MAX = PAWL_TRACE_LOOP_ITERATION };

static const unsigned char begins[KIND_MAX + 1] = {
    [0] = BEGINS_NOT,
    [PAWL_TRACE_TASK_SPAWN] = BEGINS_NOT,
    [PAWL_TRACE_TASK_POLL] = PAWL_TRACE_FROM_TASK,
    [PAWL_TRACE_TASK_PENDING] = BEGINS_NOT,
    [PAWL_TRACE_TASK_WOKEN] = BEGINS_NOT,
    /* A task that finishes wakes its joiner: the joiner's wake comes from
     * it (also when it is canceled before its first poll, with no poll
     * event before). */
    [PAWL_TRACE_TASK_FINISHED] = PAWL_TRACE_FROM_TASK,
    [PAWL_TRACE_TASK_CANCEL] = BEGINS_NOT,
    [PAWL_TRACE_TIMER_ARMED] = BEGINS_NOT,
    [PAWL_TRACE_TIMER_FIRED] = PAWL_TRACE_FROM_TIMER,
    [PAWL_TRACE_TIMER_CLEARED] = BEGINS_NOT,
    [PAWL_TRACE_IO_READY] = PAWL_TRACE_FROM_IO,
    [PAWL_TRACE_PROMISE_CREATED] = BEGINS_NOT,
    [PAWL_TRACE_PROMISE_SETTLED] = BEGINS_NOT,
    [PAWL_TRACE_PROMISE_HANDLED] = BEGINS_NOT,
    [PAWL_TRACE_PROMISE_REACTION] = PAWL_TRACE_FROM_PROMISE,
    [PAWL_TRACE_MICROTASK_RUN] = PAWL_TRACE_FROM_MICROTASK,
    [PAWL_TRACE_REMOTE_DELIVERED] = PAWL_TRACE_FROM_REMOTE,
    [PAWL_TRACE_IMMEDIATE_RUN] = PAWL_TRACE_FROM_IMMEDIATE,
    [PAWL_TRACE_LOOP_ITERATION] = PAWL_TRACE_FROM_NONE,
};

static uint64_t clock_ns(const pawl_loop *loop)
{
    pawl_platform *p = loop->pawl__platform;
    return p->ops->now_ns(p);
}

void pawl__trace_emit(pawl_loop *loop, unsigned kind, const void *id, uint64_t value,
                      unsigned flags, const void *ref)
{
    struct pawl__trace_loop *tr = &loop->pawl__trace;
    pawl_trace_event hooked;
    pawl_trace_event *ev = &hooked;
    if (tr->recording) {
        ev = &tr->buf[tr->next];
        if (++tr->next == tr->cap)
            tr->next = 0;
        if (tr->count < tr->cap)
            tr->count++;
        else
            tr->dropped++;
        tr->recorded++;
    }
    ev->time_ns = clock_ns(loop);
    ev->value = value;
    ev->id = id;
    if (kind == PAWL_TRACE_TASK_PENDING)
        ev->ref.site = ref;
    else
        ev->ref.name = ref;
    ev->kind = (uint8_t)kind;
    ev->flags = (uint8_t)flags;
    unsigned b = kind <= KIND_MAX ? begins[kind] : BEGINS_NOT;
    if (b == BEGINS_NOT) {
        ev->origin = tr->origin;
        ev->origin_kind = tr->origin_kind;
    } else {
        ev->origin = NULL;
        ev->origin_kind = PAWL_TRACE_FROM_NONE;
        tr->origin = b == PAWL_TRACE_FROM_NONE ? NULL : id;
        tr->origin_kind = (unsigned char)b;
    }
    if (tr->hook != NULL && !tr->in_hook) {
        tr->in_hook = 1;
        tr->hook(tr->hook_ud, loop, ev);
        tr->in_hook = 0;
    }
}

/* ---- the task trace points ------------------------------------------------ */

void pawl__trace_spawn(pawl_loop *loop, pawl_task *t)
{
    struct pawl__trace_loop *tr = &loop->pawl__trace;
    t->pawl__trace.next = NULL;
    t->pawl__trace.prev = tr->tasks_tail;
    if (tr->tasks_tail != NULL)
        tr->tasks_tail->pawl__trace.next = t;
    else
        tr->tasks = t;
    tr->tasks_tail = t;
    t->pawl__trace.site = NULL; /* a new run: no await reached yet */
    t->pawl__trace.since_ns = loop->pawl__now_ns;
    if (tr->on)
        pawl__trace_emit(loop, PAWL_TRACE_TASK_SPAWN, t, (uint64_t)(uintptr_t)t->pawl__poll, 0u,
                         t->pawl__trace.name);
}

void pawl__trace_finished(pawl_loop *loop, pawl_task *t)
{
    struct pawl__trace_loop *tr = &loop->pawl__trace;
    pawl_task *next = t->pawl__trace.next, *prev = t->pawl__trace.prev;
    if (prev != NULL)
        prev->pawl__trace.next = next;
    else
        tr->tasks = next;
    if (next != NULL)
        next->pawl__trace.prev = prev;
    else
        tr->tasks_tail = prev;
    t->pawl__trace.next = t->pawl__trace.prev = NULL;
    if (tr->on) /* the join result is where the resume point was */
        pawl__trace_emit(loop, PAWL_TRACE_TASK_FINISHED, t, (uint64_t)(int64_t)t->pawl__lc, 0u,
                         NULL);
}

void pawl__trace_woken(pawl_loop *loop, pawl_task *t)
{
    pawl__trace_emit(loop, PAWL_TRACE_TASK_WOKEN, t, 0u, 0u, NULL);
}

/* ---- control ---------------------------------------------------------------- */

static void trace_switch(struct pawl__trace_loop *tr)
{
    if (!tr->on) /* what was noted last is stale: nothing noted since */
        tr->origin = NULL, tr->origin_kind = PAWL_TRACE_FROM_NONE;
    tr->on = tr->recording || tr->hook != NULL;
}

int pawl_trace_start(pawl_loop *loop, pawl_trace_event *buf, size_t n)
{
    int rc = pawl__loop_check(loop);
    if (rc != 0)
        return rc;
    if (buf == NULL || n == 0)
        return PAWL_EINVAL;
#if SIZE_MAX > UINT32_MAX
    if (n > UINT32_MAX)
        return PAWL_EINVAL; /* the dump's count is 32 bits */
#endif
    struct pawl__trace_loop *tr = &loop->pawl__trace;
    tr->buf = buf;
    tr->cap = n;
    tr->next = 0;
    tr->count = 0;
    tr->dropped = 0;
    tr->recorded = 0;
    tr->recording = 1;
    trace_switch(tr);
    return 0;
}

int pawl_trace_stop(pawl_loop *loop)
{
    int rc = pawl__loop_check(loop);
    if (rc != 0)
        return rc;
    loop->pawl__trace.recording = 0;
    trace_switch(&loop->pawl__trace);
    return 0;
}

int pawl_trace_set_hook(pawl_loop *loop, pawl_trace_hook *fn, void *ud)
{
    int rc = pawl__loop_check(loop);
    if (rc != 0)
        return rc;
    loop->pawl__trace.hook = fn;
    loop->pawl__trace.hook_ud = ud;
    trace_switch(&loop->pawl__trace);
    return 0;
}

size_t pawl_trace_count(const pawl_loop *loop)
{
    return pawl__loop_check(loop) == 0 ? loop->pawl__trace.count : 0;
}

uint64_t pawl_trace_dropped(const pawl_loop *loop)
{
    return pawl__loop_check(loop) == 0 ? loop->pawl__trace.dropped : 0;
}

uint64_t pawl_trace_recorded(const pawl_loop *loop)
{
    return pawl__loop_check(loop) == 0 ? loop->pawl__trace.recorded : 0;
}

/* The i-th event, oldest first (i < count). */
static const pawl_trace_event *event_at(const struct pawl__trace_loop *tr, size_t i)
{
    size_t oldest = tr->next >= tr->count ? tr->next - tr->count : tr->next + tr->cap - tr->count;
    size_t at = oldest + i;
    if (at >= tr->cap)
        at -= tr->cap;
    return &tr->buf[at];
}

int pawl_trace_get(const pawl_loop *loop, size_t i, pawl_trace_event *out)
{
    int rc = pawl__loop_check(loop);
    if (rc != 0)
        return rc;
    if (out == NULL)
        return PAWL_EINVAL;
    if (i >= loop->pawl__trace.count)
        return PAWL_ENOENT;
    *out = *event_at(&loop->pawl__trace, i);
    return 0;
}

/* ---- the dump format ---------------------------------------------------------- */

static void put16(unsigned char *p, uint16_t v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
}

static void put32(unsigned char *p, uint32_t v)
{
    put16(p, (uint16_t)v);
    put16(p + 2, (uint16_t)(v >> 16));
}

static void put64(unsigned char *p, uint64_t v)
{
    put32(p, (uint32_t)v);
    put32(p + 4, (uint32_t)(v >> 32));
}

static int write_header(const pawl_loop *loop, pawl_trace_write_fn *fn, void *ctx,
                        unsigned flags, uint32_t count)
{
    const struct pawl__trace_loop *tr = &loop->pawl__trace;
    bool stream = (flags & PAWL_TRACE_STREAM) != 0;
    unsigned char h[PAWL_TRACE_HEADER_SIZE];
    memset(h, 0, sizeof h);
    memcpy(h, PAWL_TRACE_MAGIC, sizeof PAWL_TRACE_MAGIC); /* with its zero byte */
    put16(h + 8, PAWL_TRACE_VERSION);
    put16(h + 10, PAWL_TRACE_HEADER_SIZE);
    put16(h + 12, PAWL_TRACE_RECORD_SIZE);
    h[14] = (unsigned char)sizeof(void *);
    h[15] = (unsigned char)flags;
    put32(h + 16, count);
    put64(h + 24, stream ? 0 : tr->dropped);
    put64(h + 32, stream ? 0 : tr->recorded);
    put64(h + 40, clock_ns(loop));
    return fn(ctx, h, sizeof h);
}

/* The two strings of an event's record (see the format in trace.h). */
static void record_strings(const pawl_trace_event *ev, const char **a, const char **b)
{
    *a = *b = NULL;
    if (ev->kind == PAWL_TRACE_TASK_SPAWN || ev->kind == PAWL_TRACE_TASK_POLL) {
        *a = ev->ref.name;
    } else if (ev->kind == PAWL_TRACE_TASK_PENDING && ev->ref.site != NULL) {
        *a = ev->ref.site->file;
        *b = ev->ref.site->expr;
    }
}

static uint16_t string_length(const char *s)
{
    size_t n = s != NULL ? strlen(s) : 0;
    return (uint16_t)(n > UINT16_MAX ? UINT16_MAX : n);
}

int pawl_trace_write_event(const pawl_trace_event *ev, pawl_trace_write_fn *fn, void *ctx)
{
    if (ev == NULL || fn == NULL)
        return PAWL_EINVAL;
    const char *a, *b;
    record_strings(ev, &a, &b);
    uint16_t la = string_length(a), lb = string_length(b);
    unsigned char r[PAWL_TRACE_RECORD_SIZE];
    put64(r, ev->time_ns);
    put64(r + 8, (uint64_t)(uintptr_t)ev->id);
    put64(r + 16, (uint64_t)(uintptr_t)ev->origin);
    put64(r + 24, ev->value);
    r[32] = ev->kind;
    r[33] = ev->origin_kind;
    r[34] = ev->flags;
    r[35] = 0;
    put16(r + 36, la);
    put16(r + 38, lb);
    int rc = fn(ctx, r, sizeof r);
    if (rc == 0 && la != 0)
        rc = fn(ctx, a, la);
    if (rc == 0 && lb != 0)
        rc = fn(ctx, b, lb);
    static const unsigned char zeros[8];
    size_t pad = (8u - ((size_t)la + lb) % 8u) % 8u;
    if (rc == 0 && pad != 0)
        rc = fn(ctx, zeros, pad);
    return rc;
}

int pawl_trace_write(const pawl_loop *loop, pawl_trace_write_fn *fn, void *ctx)
{
    int rc = pawl__loop_check(loop);
    if (rc != 0)
        return rc;
    if (fn == NULL)
        return PAWL_EINVAL;
    const struct pawl__trace_loop *tr = &loop->pawl__trace;
    rc = write_header(loop, fn, ctx, 0u, (uint32_t)tr->count);
    for (size_t i = 0; rc == 0 && i < tr->count; i++)
        rc = pawl_trace_write_event(event_at(tr, i), fn, ctx);
    return rc;
}

int pawl_trace_write_header(const pawl_loop *loop, pawl_trace_write_fn *fn, void *ctx)
{
    int rc = pawl__loop_check(loop);
    if (rc != 0)
        return rc;
    if (fn == NULL)
        return PAWL_EINVAL;
    return write_header(loop, fn, ctx, PAWL_TRACE_STREAM, 0u);
}

const char *pawl_trace_kind_name(unsigned kind)
{
    static const char *const names[KIND_MAX + 1] = {
        [PAWL_TRACE_TASK_SPAWN] = "task_spawn",
        [PAWL_TRACE_TASK_POLL] = "task_poll",
        [PAWL_TRACE_TASK_PENDING] = "task_pending",
        [PAWL_TRACE_TASK_WOKEN] = "task_woken",
        [PAWL_TRACE_TASK_FINISHED] = "task_finished",
        [PAWL_TRACE_TASK_CANCEL] = "task_cancel",
        [PAWL_TRACE_TIMER_ARMED] = "timer_armed",
        [PAWL_TRACE_TIMER_FIRED] = "timer_fired",
        [PAWL_TRACE_TIMER_CLEARED] = "timer_cleared",
        [PAWL_TRACE_IO_READY] = "io_ready",
        [PAWL_TRACE_PROMISE_CREATED] = "promise_created",
        [PAWL_TRACE_PROMISE_SETTLED] = "promise_settled",
        [PAWL_TRACE_PROMISE_HANDLED] = "promise_handled",
        [PAWL_TRACE_PROMISE_REACTION] = "promise_reaction",
        [PAWL_TRACE_MICROTASK_RUN] = "microtask_run",
        [PAWL_TRACE_REMOTE_DELIVERED] = "remote_delivered",
        [PAWL_TRACE_IMMEDIATE_RUN] = "immediate_run",
        [PAWL_TRACE_LOOP_ITERATION] = "loop_iteration",
    };
    return kind <= KIND_MAX && names[kind] != NULL ? names[kind] : "unknown";
}

const char *pawl_trace_origin_name(unsigned origin_kind)
{
    static const char *const names[] = {"none",   "task",      "timer",   "io",
                                        "remote", "microtask", "promise", "immediate"};
    return origin_kind < sizeof names / sizeof names[0] ? names[origin_kind] : "unknown";
}

/* ---- the task list --------------------------------------------------------- */

/* A line of text in a fixed buffer: what does not fit is cut. */
enum { DUMP_LINE_MAX = 255 };

typedef struct line {
    char buf[DUMP_LINE_MAX + 1];
    size_t len;
    size_t limit; /* <= DUMP_LINE_MAX: where put() stops */
} line;

static void put(line *l, const char *s)
{
    for (; *s != '\0' && l->len < l->limit; s++)
        l->buf[l->len++] = *s;
}

/* *n / 10, returning the remainder, in 32-bit steps (a 32-bit core then
 * links no 64-bit division routine for a debugging aid). */
static unsigned div10(uint64_t *n)
{
    uint32_t hi = (uint32_t)(*n >> 32), lo = (uint32_t)*n;
    uint32_t r = hi % 10u;
    uint32_t d = r << 16 | lo >> 16;
    uint32_t q1 = d / 10u;
    d = (d % 10u) << 16 | (lo & 0xFFFFu);
    uint32_t q0 = d / 10u;
    *n = (uint64_t)(hi / 10u) << 32 | (q1 << 16 | q0);
    return d % 10u;
}

static void put_dec(line *l, uint64_t n)
{
    char digits[21];
    char *d = digits + sizeof digits - 1;
    *d = '\0';
    do
        *--d = (char)('0' + div10(&n));
    while (n != 0);
    put(l, d);
}

/* Nanoseconds as milliseconds with three decimals. */
static void put_ms(line *l, uint64_t ns)
{
    uint64_t ms = pawl__ns_to_ms(ns);
    uint32_t us = (uint32_t)(ns - ms * 1000000u) / 1000u;
    put_dec(l, ms);
    char frac[5] = {'.', (char)('0' + us / 100u), (char)('0' + us / 10u % 10u),
                    (char)('0' + us % 10u), '\0'};
    put(l, frac);
}

static void put_hex(line *l, uintptr_t v)
{
    char digits[2 * sizeof v + 3];
    char *d = digits + sizeof digits - 1;
    *d = '\0';
    do {
        *--d = "0123456789abcdef"[v & 15u];
        v >>= 4;
    } while (v != 0);
    *--d = 'x';
    *--d = '0';
    put(l, d);
}

static int line_write(line *l, pawl_trace_write_fn *fn, void *ctx)
{
    l->buf[l->len++] = '\n'; /* the one byte past DUMP_LINE_MAX is kept for it */
    return fn(ctx, l->buf, l->len);
}

static void line_start(line *l)
{
    l->len = 0;
    l->limit = DUMP_LINE_MAX;
}

static const char *state_name(const pawl_task *t)
{
    if (t->pawl__state & PAWL__T_CANCEL)
        return "cancelling";
    switch (t->pawl__link & PAWL__LINK_TAG) {
    case PAWL__LINK_WAITING:
        return "waiting";
    case PAWL__LINK_RUNNING:
        return "running";
    default:
        return "queued";
    }
}

static void put_task(line *l, const pawl_task *t, uint64_t now)
{
    put(l, "task ");
    put_hex(l, (uintptr_t)t);
    if (t->pawl__trace.name != NULL) {
        put(l, " \"");
        put(l, t->pawl__trace.name);
        put(l, "\"");
    }
    put(l, " ");
    put(l, state_name(t));
    put(l, " for ");
    uint64_t since = t->pawl__trace.since_ns;
    put_ms(l, now > since ? now - since : 0);
    put(l, " ms");
    const char *note = (t->pawl__state & PAWL__T_UNSTARTED) ? " (not started)"
                       : (t->pawl__state & PAWL__T_CLEANUP)  ? " (in cleanup)"
                                                             : "";
    const pawl_trace_site *site = t->pawl__trace.site;
    if (site != NULL) {
        put(l, " at ");
        put(l, site->file);
        put(l, ":");
        put_dec(l, site->line);
        put(l, " on ");
        size_t keep = strlen(note);
        l->limit = keep < DUMP_LINE_MAX ? DUMP_LINE_MAX - keep : 0; /* cut the expression, */
        put(l, site->expr);
        l->limit = DUMP_LINE_MAX;                              /* not the note */
    }
    put(l, note);
}

int pawl_loop_dump(const pawl_loop *loop, pawl_trace_write_fn *fn, void *ctx)
{
    int rc = pawl__loop_check(loop);
    if (rc != 0)
        return rc;
    if (fn == NULL)
        return PAWL_EINVAL;
    uint64_t now = clock_ns(loop);
    size_t n = 0;
    for (const pawl_task *t = loop->pawl__trace.tasks; t != NULL; t = t->pawl__trace.next)
        n++;
    line l;
    line_start(&l);
    put(&l, "pawl: ");
    put_dec(&l, n);
    put(&l, n == 1 ? " live task at " : " live tasks at ");
    put_ms(&l, now);
    put(&l, " ms");
    rc = line_write(&l, fn, ctx);
    for (const pawl_task *t = loop->pawl__trace.tasks; rc == 0 && t != NULL;
         t = t->pawl__trace.next) {
        line_start(&l);
        put_task(&l, t, now);
        rc = line_write(&l, fn, ctx);
    }
    return rc;
}

#if !defined(PAWL_NO_OS)
int pawl_trace_fd_writer(void *ctx, const void *data, size_t len)
{
    int fd = (int)(intptr_t)ctx;
    const char *p = data;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        if (n == 0)
            return -EIO; /* nothing taken: it would never finish */
        p += n;
        len -= (size_t)n;
    }
    return 0;
}
#endif
