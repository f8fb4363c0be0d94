/*
 * src/promise.c -- promises: settle, react, adopt, the combinators, await,
 * unhandled-rejection reports, and the memory they live in.
 *
 * A PROMISE (pawl/promise.h) is 48 bytes on x86-64: a word (reference
 * count << 8 | flags << 2 | state), its loop, a 16-byte union (the outcome
 * once settled; a derived promise's two handlers while it waits), a ctx
 * for the handlers, and `head`: its reactions while pending (newest
 * first), its link in the loop's rejection list once settled.
 *
 * A REACTION is 32 bytes: a link, a word (kind | index << 4), a source `a`
 * and a target `b`.  It sits in its source's list while the source is
 * pending; when the source settles it moves to the loop's microtask queue
 * (the queue link to it carries the low tag bit, so the drain calls
 * react() below), and it is freed after its job ran.
 *
 * REFERENCES
 *   - the caller's, one per promise handed out;
 *   - a reaction holds one on its target `b` for its whole life, and one
 *     on its source `a` while queued (a pending source owns its list and
 *     frees it, unrun, when it dies: nothing could settle it any more);
 *   - a task awaiting a pending promise holds one, given back at settle;
 *   - the rejection list holds one on each promise in it;
 *   - values of kind PROMISE hold one (and LIST / AGGREGATE / OBJ hold one
 *     on their object).
 *
 * JOBS AND THE ORDER OF ECMASCRIPT (ECMA-262, "Promise Jobs")
 *   THEN      PromiseReactionJob: run the handler (or pass through), then
 *             resolve the derived promise with what it returned.
 *   ADOPT_JOB NewPromiseResolveThenableJob: resolving a promise p with a
 *             promise q queues this; it registers ADOPT on q.
 *   ADOPT     q settled: settle p the same way.  So adoption costs two
 *             turns after q settles, as in JavaScript.  A step of race is
 *             an ADOPT too: the first input to settle settles the race.
 *   CALL      a job found in the target promise (u.h.err), so that only
 *             programs which call finally link these two:
 *     finally   runs the handler; then, as Promise.prototype.finally does,
 *               R = Promise.resolve(result), P2 = R.then(thunk), and the
 *               derived promise adopts P2.
 *     thunk     finally's valueThunk / thrower: P2 gets the original
 *               outcome (held in P2's ctx) unless R rejected.
 *   OBJ       a job found in the target's state (its first member), so
 *             that only programs which use them link these: one step of
 *             all, allSettled or any (the input's index in the word);
 *             with_timeout's source settled first.
 *   WAKE      a task awaiting the promise: woken at settle, never queued.
 *
 * Nothing recurses with the length of a chain: every step of settling and
 * adopting is a microtask, and releases go through the loop's dead list,
 * drained by the outermost release (promise_dead).
 */
#include "pawl/promise.h"

#include <assert.h>
#include <string.h>
#if !defined(PAWL_NO_OS)
#include <inttypes.h>
#include <stdio.h>
#endif

#include "internal.h"

/* ---- the promise word ----------------------------------------------------- */

/* The external definitions of the inline fast paths of pawl/promise.h. */
extern void pawl_promise_release(pawl_promise *p);
extern pawl_poll pawl_promise_await(pawl_promise *p, pawl_cx *cx, pawl_value *out);

enum {
    ST_MASK = PAWL__P_STATE,
    F_RESOLVED = 1u << 2,      /* settled, or locked in to a promise it adopts */
    F_HANDLED = PAWL__P_HANDLED, /* has had a reaction: no unhandled report */
    F_DERIVED = 1u << 4,  /* settles only from its reactions */
    F_LISTED = 1u << 5,   /* in the loop's rejection list */
    F_REPORTED = 1u << 6, /* reported unhandled, not handled since */
    F_CTX_REF = 1u << 7   /* ctx holds a reference to a promise */
};
#define REF_ONE PAWL__P_REF
#define REF_LIMIT 0xffffff00u /* the word at 2^24 - 1 references */

/* Reaction kinds.  react() knows the jobs that every program with a
 * `then` needs; the others are reached through a function pointer kept
 * where the reaction points, so that a program which never calls finally,
 * a combinator or with_timeout does not link their code (firmware counts
 * the bytes). */
enum {
    R_THEN,      /* b: the derived promise, with the handlers */
    R_ADOPT_JOB, /* b: the promise that adopts a */
    R_ADOPT,     /* b: settled as a is, if still pending (adopt, race) */
    R_CALL,      /* b: a derived promise whose u.h.err is the job
                    (promise_job_fn): finally's handler, its thunk */
    R_OBJ,       /* b: a state whose first member is the job (obj_job_fn):
                    a combinator's step, with_timeout's */
    R_WAKE,      /* a: the awaiting task, gen in the index bits */
    R_KIND_MASK = 15
};
#define R_INDEX_SHIFT 4

/* R_CALL's job: `src` settled; `d` is the reaction's target. */
typedef void promise_job_fn(pawl_promise *src, pawl_promise *d);

/* R_OBJ's job: `src` settled, or, if NULL, the reaction is dropped unrun
 * (its source died pending).  Either way it lets go of the reaction's
 * reference to its state. */
typedef void obj_job_fn(pawl_reaction *r, pawl_promise *src);

static inline unsigned state_of(const pawl_promise *p)
{
    return p->pawl__word & ST_MASK;
}

static inline void ref(pawl_promise *p)
{
    assert(p->pawl__word < REF_LIMIT);
    p->pawl__word += REF_ONE;
}

#if !defined(__OPTIMIZE_SIZE__)
/* Value kinds that hold a reference (at -Os, only value_ref looks). */
#define COUNTED_KINDS                                                        \
    ((1u << PAWL_V_OBJ) | (1u << PAWL_V_LIST) | (1u << PAWL_V_AGGREGATE) |   \
     (1u << PAWL_V_PROMISE))

static inline bool counted(pawl_value v)
{
    return v.kind < 16 && ((1u << v.kind) & COUNTED_KINDS) != 0;
}
#endif

static void value_ref(const pawl_value *v);

/* *to = *from, with a second reference (pawl_value_dup in place): the
 * plain kinds inline (at -Os, one copy of the test, in value_ref). */
static inline void copy_ref(pawl_value *to, const pawl_value *from)
{
    *to = *from;
#if !defined(__OPTIMIZE_SIZE__)
    if (counted(*to))
#endif
        value_ref(to);
}

static inline pawl_reaction *next_of(const pawl_reaction *r)
{
    return (pawl_reaction *)(void *)r->pawl__next;
}

/* ---- memory ---------------------------------------------------------------- */

/* A free block, linked through its first word. */
typedef union free_block {
    union free_block *next;
    pawl_promise promise;
    pawl_reaction reaction;
} free_block;

/* A slab from the allocator: this header, then its blocks.  The first
 * slab of each kind has SLAB_FIRST blocks and each next one twice as many,
 * up to SLAB_MAX: small programs stay small, and a program with 10^6
 * promises calls the allocator a few hundred times, not 10^6. */
typedef struct slab {
    struct slab *next;
    size_t bytes;
} slab;

#define SLAB_FIRST 16u
#define SLAB_MAX 1024u

static void react(pawl_loop *loop, void *node);
static void promises_close(pawl_loop *loop);
static void report_run(void *arg);

/* Set up the loop's promise state on first use. */
static int promises_ready(pawl_loop *loop)
{
    int rc = pawl__loop_check(loop);
    if (rc != 0)
        return rc;
    struct pawl__promises *ps = &loop->pawl__promises;
    if (PAWL__LIKELY(ps->ready))
        return 0;
    pawl_promise_pool *pool = ps->pool;
    if (pool != NULL) { /* carved like a slab, and never grown */
        if ((pool->promises == NULL && pool->n_promises != 0) ||
            (pool->reactions == NULL && pool->n_reactions != 0))
            return PAWL_EINVAL;
        ps->promise_blocks.carve = (char *)pool->promises;
        ps->promise_blocks.end = (char *)(pool->promises + pool->n_promises);
        ps->reaction_blocks.carve = (char *)pool->reactions;
        ps->reaction_blocks.end = (char *)(pool->reactions + pool->n_reactions);
    }
    ps->react = react;
    ps->close = promises_close;
    pawl_microtask_init(&ps->report, report_run, loop);
    ps->ready = 1;
    return 0;
}

/* A block of `size` bytes when both the free list and the carve are
 * empty: a fresh slab from the allocator, or NULL (no memory; a pool is
 * never grown). */
static PAWL__NOINLINE void *grow(pawl_loop *loop, struct pawl__blocks *bl, size_t size)
{
    struct pawl__promises *ps = &loop->pawl__promises;
#if defined(PAWL_NO_MALLOC)
    /* Promises come from the pool alone (pawl/config.h): slabs would
     * carve up the small static arena, and then whether a promise can be
     * made would depend on the program's history. */
    (void)ps;
    (void)bl;
    (void)size;
    return NULL;
#else
    if (ps->pool != NULL)
        return NULL;
    size_t n = bl->next_slab != 0 ? bl->next_slab : SLAB_FIRST;
    size_t bytes = sizeof(slab) + n * size;
    slab *s = pawl__alloc(loop, bytes);
    if (s == NULL)
        return NULL;
    bl->next_slab = n < SLAB_MAX ? 2 * n : SLAB_MAX;
    s->next = ps->slabs;
    s->bytes = bytes;
    ps->slabs = s;
    bl->carve = (char *)(s + 1) + size;
    bl->end = (char *)(s + 1) + bytes - sizeof(slab);
    return s + 1;
#endif
}

/* A block without calling anything: a freed one, else the next of the
 * slab; NULL if both are used up. */
static inline void *take_fast(struct pawl__blocks *bl, size_t size)
{
    free_block *f = bl->free;
    if (PAWL__LIKELY(f != NULL)) {
        bl->free = f->next;
        return f;
    }
    if (PAWL__LIKELY(bl->carve != bl->end)) {
        void *b = bl->carve;
        bl->carve += size;
        return b;
    }
    return NULL;
}

/* A block: a freed one, else the next of the slab, else a new slab. */
static inline void *take(pawl_loop *loop, struct pawl__blocks *bl, size_t size)
{
    void *b = take_fast(bl, size);
    return PAWL__LIKELY(b != NULL) ? b : grow(loop, bl, size);
}

static inline void give(struct pawl__blocks *bl, void *block)
{
    free_block *f = block;
    f->next = bl->free;
    bl->free = f;
}

/* The error a failed take reports: the pool's, or the allocator's.  Out
 * of line: it is only ever on a failure path, and a dozen of them share it. */
static PAWL__NOINLINE int no_memory(const pawl_loop *loop)
{
    return loop->pawl__promises.pool != NULL ? PAWL_ENOSPC : PAWL_ENOMEM;
}

static inline pawl_reaction *reaction_new(pawl_loop *loop)
{
    return take(loop, &loop->pawl__promises.reaction_blocks, sizeof(pawl_reaction));
}

static inline void reaction_free(pawl_loop *loop, pawl_reaction *r)
{
    give(&loop->pawl__promises.reaction_blocks, r);
}

/* Take `n` reactions, linked through pawl__next, or NULL (none taken). */
static pawl_reaction *reactions_take(pawl_loop *loop, size_t n)
{
    pawl_reaction *got = NULL;
    for (size_t i = 0; i < n; i++) {
        pawl_reaction *r = reaction_new(loop);
        if (r == NULL) {
            while (got != NULL) {
                pawl_reaction *next = next_of(got);
                reaction_free(loop, got);
                got = next;
            }
            return NULL;
        }
        r->pawl__next = (pawl_microtask *)(void *)got;
        got = r;
    }
    return got;
}

static inline void promise_init(pawl_promise *p, pawl_loop *loop, uint32_t flags, uint32_t refs)
{
    loop->pawl__promises.live_promises++;
    p->pawl__word = refs * REF_ONE | flags;
    p->pawl__loop = loop;
    p->pawl__u.value = pawl_undefined();
    p->pawl__ctx = NULL;
    p->pawl__head = NULL;
    PAWL__TRACE(loop, PROMISE_CREATED, p, 0u);
}

/* A pending promise with `refs` references and `flags`, or NULL. */
static inline pawl_promise *promise_make(pawl_loop *loop, uint32_t flags, uint32_t refs)
{
    pawl_promise *p = take(loop, &loop->pawl__promises.promise_blocks, sizeof(pawl_promise));
    if (PAWL__LIKELY(p != NULL))
        promise_init(p, loop, flags, refs);
    return p;
}

/* A pending promise as promise_make's and a reaction in *r, or NULL with
 * nothing taken. */
static pawl_promise *promise_make_with_reaction(pawl_loop *loop, uint32_t flags, uint32_t refs,
                                                pawl_reaction **r)
{
    pawl_promise *p = NULL;
    *r = reaction_new(loop);
    if (*r != NULL && (p = promise_make(loop, flags, refs)) == NULL)
        reaction_free(loop, *r);
    return p;
}

static inline void promise_free(pawl_loop *loop, pawl_promise *p)
{
    loop->pawl__promises.live_promises--;
    give(&loop->pawl__promises.promise_blocks, p);
}

static void promises_close(pawl_loop *loop)
{
    struct pawl__promises *ps = &loop->pawl__promises;
#if !defined(PAWL_NO_MALLOC)
    slab *s = ps->slabs;
    while (s != NULL) {
        slab *next = s->next;
        pawl__free(loop, s, s->bytes);
        s = next;
    }
#endif
    ps->slabs = NULL;
    memset(&ps->promise_blocks, 0, sizeof ps->promise_blocks);
    memset(&ps->reaction_blocks, 0, sizeof ps->reaction_blocks);
}

/* ---- objects and values ------------------------------------------------------ */

int pawl_obj_init(pawl_obj *obj, pawl_obj_free_fn *free_fn)
{
    if (obj == NULL)
        return PAWL_EINVAL;
    obj->pawl__refs = 1;
    obj->pawl__free = free_fn;
    return 0;
}

int pawl_obj_retain(pawl_obj *obj)
{
    if (obj == NULL)
        return PAWL_EINVAL;
    if (obj->pawl__refs == SIZE_MAX)
        return PAWL_EOVERFLOW;
    obj->pawl__refs++;
    return 0;
}

void pawl_obj_release(pawl_obj *obj)
{
    if (obj == NULL)
        return;
    assert(obj->pawl__refs > 0);
    if (--obj->pawl__refs == 0 && obj->pawl__free != NULL)
        obj->pawl__free(obj);
}

static pawl_obj *obj_of(pawl_value v)
{
    switch (v.kind) {
    case PAWL_V_OBJ:
        return v.u.obj;
    case PAWL_V_LIST:
    case PAWL_V_AGGREGATE:
        return v.u.list != NULL ? &v.u.list->pawl__obj : NULL;
    default:
        return NULL;
    }
}

/* One more reference to what *v points at (nothing for the plain kinds). */
static void value_ref(const pawl_value *v)
{
    pawl_obj *o = obj_of(*v);
    if (o != NULL) {
        assert(o->pawl__refs < SIZE_MAX);
        o->pawl__refs++;
    } else if (v->kind == PAWL_V_PROMISE && v->u.promise != NULL) {
        ref(v->u.promise);
    }
}

pawl_value pawl_value_dup(pawl_value v)
{
    value_ref(&v);
    return v;
}

static void value_release(pawl_value v)
{
    pawl_obj *o = obj_of(v);
    if (o != NULL)
        pawl_obj_release(o);
    else if (v.kind == PAWL_V_PROMISE)
        pawl_promise_release(v.u.promise);
}

void pawl_value_drop(pawl_value *v)
{
    if (v == NULL)
        return;
    pawl_value old = *v;
    *v = pawl_undefined();
    value_release(old);
}

#if !defined(PAWL_NO_OS)
int pawl_value_format(pawl_value v, char *buf, size_t size)
{
    switch (v.kind) {
    case PAWL_V_UNDEFINED:
        return snprintf(buf, size, "undefined");
    case PAWL_V_INT:
        return snprintf(buf, size, "int %" PRId64, v.u.i);
    case PAWL_V_DOUBLE:
        return snprintf(buf, size, "double %g", v.u.d);
    case PAWL_V_PTR:
        return snprintf(buf, size, "pointer %p", v.u.p);
    case PAWL_V_OBJ:
        return snprintf(buf, size, "object %p", (void *)v.u.obj);
    case PAWL_V_ERROR:
        return snprintf(buf, size, "error %s (%s)%s%s", pawl_err_name(v.code),
                        pawl_strerror(v.code), v.u.msg != NULL ? ": " : "",
                        v.u.msg != NULL ? v.u.msg : "");
    case PAWL_V_LIST:
    case PAWL_V_AGGREGATE:
        return snprintf(buf, size, "%s of %zu", v.kind == PAWL_V_LIST ? "list" : "aggregate",
                        v.u.list != NULL ? v.u.list->n : 0);
    case PAWL_V_PROMISE:
        return snprintf(buf, size, "promise %p", (void *)v.u.promise);
    default:
        return snprintf(buf, size, "value of unknown kind %u", (unsigned)v.kind);
    }
}
#else
/* No stdio: a writer of strings and decimal numbers with snprintf's
 * result (the length the whole text needs; the buffer is always
 * terminated when size > 0). */
typedef struct text {
    char *buf;
    size_t size, len;
} text;

static void put(text *t, const char *s)
{
    for (; *s != '\0'; s++, t->len++)
        if (t->len + 1 < t->size)
            t->buf[t->len] = *s;
}

/* *n / 10, returning the remainder: long division a byte at a time, so a
 * 32-bit core needs no 64-bit divide routine (see pawl__ns_to_ms_32). */
static unsigned div10(uint64_t *n)
{
    uint64_t q = 0;
    uint32_t r = 0;
    for (int shift = 56; shift >= 0; shift -= 8) {
        uint32_t d = r << 8 | (uint32_t)(*n >> shift & 0xFFu);
        q = q << 8 | d / 10u;
        r = d % 10u;
    }
    *n = q;
    return r;
}

static void put_u64(text *t, uint64_t n)
{
    char digits[21];
    char *d = digits + sizeof digits - 1;
    *d = '\0';
    do
        *--d = (char)('0' + div10(&n));
    while (n != 0);
    put(t, d);
}

int pawl_value_format(pawl_value v, char *buf, size_t size)
{
    text t = {buf, size, 0};
    switch (v.kind) {
    case PAWL_V_UNDEFINED:
        put(&t, "undefined");
        break;
    case PAWL_V_INT:
        put(&t, v.u.i < 0 ? "int -" : "int ");
        put_u64(&t, v.u.i < 0 ? 0u - (uint64_t)v.u.i : (uint64_t)v.u.i);
        break;
    case PAWL_V_DOUBLE:
        put(&t, "double"); /* no float formatting without a C library */
        break;
    case PAWL_V_PTR:
        put(&t, "pointer");
        break;
    case PAWL_V_OBJ:
        put(&t, "object");
        break;
    case PAWL_V_ERROR:
        put(&t, "error ");
        put(&t, pawl_err_name(v.code));
        put(&t, " (");
        put(&t, pawl_strerror(v.code));
        put(&t, ")");
        if (v.u.msg != NULL) {
            put(&t, ": ");
            put(&t, v.u.msg);
        }
        break;
    case PAWL_V_LIST:
    case PAWL_V_AGGREGATE:
        put(&t, v.kind == PAWL_V_LIST ? "list of " : "aggregate of ");
        put_u64(&t, v.u.list != NULL ? v.u.list->n : 0);
        break;
    case PAWL_V_PROMISE:
        put(&t, "promise");
        break;
    default:
        put(&t, "value of unknown kind ");
        put_u64(&t, v.kind);
        break;
    }
    if (size != 0)
        buf[t.len < size ? t.len : size - 1] = '\0';
    return (int)t.len;
}
#endif

/* ---- release: iterative ------------------------------------------------------ */

static void promise_destroy(pawl_loop *loop, pawl_promise *p);

/* `p` has no reference left: free it, and what only it kept alive, with the
 * outermost call draining the dead list so that stack use is constant. */
static PAWL__NOINLINE void promise_dead(pawl_loop *loop, pawl_promise *p)
{
    struct pawl__promises *ps = &loop->pawl__promises;
    p->pawl__loop = (pawl_loop *)(void *)ps->dead;
    ps->dead = p;
    if (ps->freeing)
        return;
    ps->freeing = 1;
    while ((p = ps->dead) != NULL) {
        ps->dead = (pawl_promise *)(void *)p->pawl__loop;
        promise_destroy(loop, p);
    }
    ps->freeing = 0;
}


/* `p` has just lost its last reference.  A settled promise with a plain
 * value is freed at once (the common case: nothing else to let go of),
 * anything else through the dead list (at -Os, everything: the dead list
 * frees that case too). */
static inline void last_ref(pawl_promise *p)
{
#if !defined(__OPTIMIZE_SIZE__)
    uint32_t w = p->pawl__word;
    if ((w & ST_MASK) != PAWL_PROMISE_PENDING && !(w & F_CTX_REF) &&
        !counted(p->pawl__u.value)) {
        promise_free(p->pawl__loop, p);
        return;
    }
#endif
    promise_dead(p->pawl__loop, p);
}

void pawl__promise_last_ref(pawl_promise *p)
{
    last_ref(p);
}

/* Drop one reference (pawl_promise_release, inline here; at -Os, that
 * very function). */
static inline void unref(pawl_promise *p)
{
    assert(p->pawl__word >= REF_ONE);
#if defined(__OPTIMIZE_SIZE__)
    pawl_promise_release(p);
#else
    uint32_t w = p->pawl__word - REF_ONE;
    p->pawl__word = w;
    if (PAWL__UNLIKELY(w < REF_ONE))
        last_ref(p);
#endif
}

int pawl_promise_retain(pawl_promise *p)
{
    if (p == NULL)
        return PAWL_EINVAL;
    if (p->pawl__word >= REF_LIMIT)
        return PAWL_EOVERFLOW;
    p->pawl__word += REF_ONE;
    return 0;
}

/* Free a reaction that will never run (its source died pending), and
 * let go of its reference to its target. */
static void reaction_drop(pawl_loop *loop, pawl_reaction *r)
{
    unsigned kind = r->pawl__word & R_KIND_MASK;
    if (kind == R_OBJ)
        (*(obj_job_fn **)r->pawl__b)(r, NULL);
    else if (kind != R_WAKE)
        unref(r->pawl__b);
    reaction_free(loop, r);
}

static void promise_destroy(pawl_loop *loop, pawl_promise *p)
{
    uint32_t w = p->pawl__word;
    if ((w & ST_MASK) == PAWL_PROMISE_PENDING) {
        pawl_reaction *r = p->pawl__head;
        while (r != NULL) {
            pawl_reaction *next = next_of(r);
            reaction_drop(loop, r);
            r = next;
        }
    } else {
        value_release(p->pawl__u.value);
    }
    if (w & F_CTX_REF)
        pawl_promise_release(p->pawl__ctx);
    promise_free(loop, p);
}

/* ---- unhandled rejections -------------------------------------------------- */

/* Put `p` on the loop's rejection list (one reference), to be looked at
 * once the microtask queue has drained. */
static void rejection_list(pawl_promise *p)
{
    pawl_loop *loop = p->pawl__loop;
    struct pawl__promises *ps = &loop->pawl__promises;
    ref(p);
    p->pawl__word |= F_LISTED;
    p->pawl__head = ps->rejections;
    ps->rejections = p;
    if (ps->report.pawl__next == NULL)
        pawl__microtask_push(loop, &ps->report, 0);
}

static inline void mark_handled(pawl_promise *p)
{
    uint32_t w = p->pawl__word;
    if (PAWL__LIKELY(w & F_HANDLED))
        return;
    p->pawl__word = w | F_HANDLED;
    if ((w & (F_REPORTED | F_LISTED)) == F_REPORTED)
        rejection_list(p); /* "handled later" */
}

#if defined(PAWL_NO_OS)
/* Nowhere to print: the report is dropped (pawl/config.h says to give
 * opts.on_rejection). */
static void report_default(pawl_promise *p, pawl_rejection_event ev, const pawl_value *reason)
{
    (void)p;
    (void)ev;
    (void)reason;
}
#else
static void report_default(pawl_promise *p, pawl_rejection_event ev, const pawl_value *reason)
{
    char text[160];
    pawl_value_format(*reason, text, sizeof text);
    fprintf(stderr, "pawl: %s promise %p: %s\n",
            ev == PAWL_REJECTION_UNHANDLED ? "unhandled rejection of" : "rejection handled late of",
            (void *)p, text);
}
#endif

/* Report each promise of `list` (linked through pawl__head) and let go
 * of the list's reference to it. */
static void report_list(pawl_loop *loop, pawl_promise *list)
{
    struct pawl__promises *ps = &loop->pawl__promises;
    while (list != NULL) {
        pawl_promise *p = list;
        list = p->pawl__head;
        p->pawl__head = NULL;
        uint32_t w = p->pawl__word & ~(uint32_t)F_LISTED;
        pawl_rejection_event ev = 0;
        if ((w & (F_HANDLED | F_REPORTED)) == (F_HANDLED | F_REPORTED)) {
            ev = PAWL_REJECTION_HANDLED;
            w &= ~(uint32_t)F_REPORTED;
        } else if (!(w & F_HANDLED)) {
            ev = PAWL_REJECTION_UNHANDLED;
            w |= F_REPORTED;
        }
        p->pawl__word = w;
        if (ev != 0) {
            if (ps->on_rejection != NULL)
                ps->on_rejection(ps->rejection_ud, loop, p, ev, &p->pawl__u.value);
            else
                report_default(p, ev, &p->pawl__u.value);
        }
        pawl_promise_release(p);
    }
}

/*
 * The report microtask: runs once nothing else is queued (it queues itself
 * again behind anything that is), i.e. when the queue has drained, which
 * is when Node processes its pending rejections.
 */
static void report_run(void *arg)
{
    pawl_loop *loop = arg;
    struct pawl__promises *ps = &loop->pawl__promises;
    if (loop->pawl__mt_head != NULL) {
        pawl__microtask_push(loop, &ps->report, 0);
        return;
    }
    /* Take the list (newest first) and split it, in arrival order, into
     * "handled late" events and the rest: Node emits its
     * 'rejectionHandled' events before the 'unhandledRejection' ones of
     * the same pass (processPromiseRejections). */
    pawl_promise *list = ps->rejections, *late = NULL, *rest = NULL;
    ps->rejections = NULL;
    while (list != NULL) {
        pawl_promise *next = list->pawl__head;
        uint32_t w = list->pawl__word;
        pawl_promise **to = (w & (F_HANDLED | F_REPORTED)) == (F_HANDLED | F_REPORTED) ? &late
                                                                                      : &rest;
        list->pawl__head = *to;
        *to = list;
        list = next;
    }
    report_list(loop, late);
    report_list(loop, rest);
}

/* ---- settling ---------------------------------------------------------------- */

/* Queue or run the reactions of `p`, which just settled; `r` is its list
 * (newest first). */
static PAWL__NOINLINE void settle_reactions(pawl_loop *loop, pawl_promise *p, pawl_reaction *r)
{
    /* Newest first: reverse into registration order. */
    pawl_reaction *fifo = NULL;
    while (r != NULL) {
        pawl_reaction *next = next_of(r);
        r->pawl__next = (pawl_microtask *)(void *)fifo;
        fifo = r;
        r = next;
    }
    unsigned awaited = 0;
    while (fifo != NULL) {
        r = fifo;
        fifo = next_of(r);
        if ((r->pawl__word & R_KIND_MASK) == R_WAKE) {
            pawl_waker w = {r->pawl__a, (pawl_gen)(r->pawl__word >> R_INDEX_SHIFT)};
            reaction_free(loop, r);
            pawl_wake(w);
            awaited++;
        } else {
            ref(p);
            pawl__microtask_push(loop, r, PAWL__MT_REACTION);
        }
    }
    /* Every reaction marked p handled when it was registered. */
    while (awaited-- > 0)
        pawl_promise_release(p); /* the awaits' references; the caller holds one */
}

/* Settle the pending promise `p` with `v` (moved in; its THROWN mark is
 * cleared): queue its reactions in registration order, wake its tasks.
 * Inline for the common case of one reaction that is not an await (at
 * -Os, settle_reactions does that too). */
static inline void settle(pawl_promise *p, unsigned state, const pawl_value *v)
{
    assert(state_of(p) == PAWL_PROMISE_PENDING);
    PAWL__TRACE(p->pawl__loop, PROMISE_SETTLED, p, state);
    pawl_reaction *r = p->pawl__head;
    p->pawl__u.value = *v; /* (v may be &p->pawl__u.value) */
    p->pawl__u.value.pawl__flags &= (uint16_t)~PAWL__V_THROWN;
    p->pawl__head = NULL;
    uint32_t w = (p->pawl__word & ~(uint32_t)ST_MASK) | state | F_RESOLVED;
    if (r == NULL) {
        p->pawl__word = w;
        if (state == PAWL_PROMISE_REJECTED && !(w & F_HANDLED))
            rejection_list(p);
#if !defined(__OPTIMIZE_SIZE__)
    } else if (r->pawl__next == NULL && (r->pawl__word & R_KIND_MASK) != R_WAKE) {
        p->pawl__word = w + REF_ONE; /* the queued reaction's */
        pawl__microtask_push(p->pawl__loop, r, PAWL__MT_REACTION);
#endif
    } else {
        p->pawl__word = w;
        settle_reactions(p->pawl__loop, p, r);
    }
}

/* Register `r` (source in r->pawl__a) on its source: queued now if the
 * source is settled, kept in its list if not. */
static inline void attach(pawl_promise *src, pawl_reaction *r)
{
    PAWL__TRACE(src->pawl__loop, PROMISE_HANDLED, src, (uintptr_t)r->pawl__b);
    uint32_t w = src->pawl__word;
    if (PAWL__UNLIKELY((w & (F_HANDLED | F_REPORTED | F_LISTED)) == F_REPORTED)) {
        mark_handled(src); /* reported unhandled: now "handled late" */
        w = src->pawl__word;
    }
    /* mark_handled and, if settled, ref(), in one store of the word */
    if ((w & ST_MASK) == PAWL_PROMISE_PENDING) {
        src->pawl__word = w | F_HANDLED;
        r->pawl__next = src->pawl__head;
        src->pawl__head = r;
    } else {
        assert(w < REF_LIMIT);
        src->pawl__word = (w + REF_ONE) | F_HANDLED;
        pawl__microtask_push(src->pawl__loop, r, PAWL__MT_REACTION);
    }
}

/* JavaScript's promise resolve function for `p`, which is pending and not
 * yet resolved: `*v` (moved in; it may be p's own value slot) fulfils it,
 * adopts it (a promise), or, if marked by pawl_throw, rejects it. */
static int resolve_with(pawl_promise *p, const pawl_value *v)
{
    unsigned state = PAWL_PROMISE_REJECTED;
    int rc = 0;
    pawl_value error;
    if (!(v->pawl__flags & PAWL__V_THROWN)) {
        state = PAWL_PROMISE_FULFILLED;
        if (PAWL__UNLIKELY(v->kind == PAWL_V_PROMISE)) {
            pawl_promise *q = v->u.promise;
            const char *why;
            if (q == NULL) {
                rc = PAWL_EINVAL;
                why = "resolved with a NULL promise";
            } else if (q == p) {
                rc = PAWL_ETYPE;
                why = "a promise cannot be resolved with itself";
            } else if (q->pawl__loop != p->pawl__loop) {
                rc = PAWL_EFOREIGN;
                why = "resolved with a promise of another loop";
            } else {
                pawl_reaction *r = reaction_new(p->pawl__loop);
                if (r != NULL) {
                    /* NewPromiseResolveThenableJob: q's reference moves to
                     * the job. */
                    r->pawl__word = R_ADOPT_JOB;
                    r->pawl__a = q;
                    r->pawl__b = p;
                    ref(p);
                    p->pawl__word |= F_RESOLVED;
                    pawl__microtask_push(p->pawl__loop, r, PAWL__MT_REACTION);
                    return 0;
                }
                rc = no_memory(p->pawl__loop);
                why = "no memory to adopt a promise";
            }
            pawl_promise_release(q);
            error = pawl_error(rc, why);
            v = &error;
            state = PAWL_PROMISE_REJECTED;
        }
    }
    settle(p, state, v);
    return rc;
}

/* *to = the outcome of settled `src` as a value to resolve with (a second
 * reference; marked thrown if it is a reason). */
static inline void outcome_of(pawl_value *to, const pawl_promise *src)
{
    uint16_t thrown = state_of(src) == PAWL_PROMISE_REJECTED ? PAWL__V_THROWN : 0;
    copy_ref(to, &src->pawl__u.value);
    to->pawl__flags |= thrown;
}

/* Settle `p` (pending) as `src` (settled) is. */
static inline void settle_as(pawl_promise *p, const pawl_promise *src)
{
    pawl_value v;
    copy_ref(&v, &src->pawl__u.value);
    settle(p, state_of(src), &v);
}

/* ---- the public constructors ------------------------------------------------ */

int pawl_promise_new(pawl_loop *loop, pawl_promise **out)
{
    if (out == NULL)
        return PAWL_EINVAL;
    int rc = promises_ready(loop);
    if (rc != 0)
        return rc;
    pawl_promise *p = promise_make(loop, 0, 1);
    if (p == NULL)
        return no_memory(loop);
    *out = p;
    return 0;
}

static int settle_check(pawl_promise *p, pawl_value *v)
{
    int rc = p == NULL || (p->pawl__word & F_DERIVED) ? PAWL_EINVAL
             : p->pawl__word & F_RESOLVED             ? PAWL_EALREADY
                                                      : 0;
    if (rc != 0)
        value_release(*v);
    else
        v->pawl__flags &= (uint16_t)~PAWL__V_THROWN;
    return rc;
}

int pawl_promise_resolve(pawl_promise *p, pawl_value v)
{
    int rc = settle_check(p, &v);
    return rc != 0 ? rc : resolve_with(p, &v);
}

int pawl_promise_reject(pawl_promise *p, pawl_value reason)
{
    int rc = settle_check(p, &reason);
    if (rc == 0)
        settle(p, PAWL_PROMISE_REJECTED, &reason);
    return rc;
}

int pawl_promise_resolved(pawl_loop *loop, pawl_value v, pawl_promise **out)
{
    int rc = out == NULL ? PAWL_EINVAL : promises_ready(loop);
    if (rc != 0) {
        value_release(v);
        return rc;
    }
    v.pawl__flags &= (uint16_t)~PAWL__V_THROWN;
    if (v.kind == PAWL_V_PROMISE && v.u.promise != NULL && v.u.promise->pawl__loop == loop) {
        *out = v.u.promise; /* Promise.resolve(p) is p */
        return 0;
    }
    pawl_promise *p = promise_make(loop, 0, 1);
    if (p == NULL) {
        value_release(v);
        return no_memory(loop);
    }
    resolve_with(p, &v);
    *out = p;
    return 0;
}

int pawl_promise_rejected(pawl_loop *loop, pawl_value reason, pawl_promise **out)
{
    int rc = out == NULL ? PAWL_EINVAL : promises_ready(loop);
    if (rc != 0) {
        value_release(reason);
        return rc;
    }
    pawl_promise *p = promise_make(loop, 0, 1);
    if (p == NULL) {
        value_release(reason);
        return no_memory(loop);
    }
    settle(p, PAWL_PROMISE_REJECTED, &reason);
    *out = p;
    return 0;
}

int pawl_promise_state_of(const pawl_promise *p)
{
    return p == NULL ? PAWL_EINVAL : (int)state_of(p);
}

int pawl_promise_result(const pawl_promise *p, pawl_value *out)
{
    if (p == NULL || out == NULL)
        return PAWL_EINVAL;
    unsigned st = state_of(p);
    if (st == PAWL_PROMISE_PENDING)
        return PAWL_EAGAIN;
    copy_ref(out, &p->pawl__u.value);
    return st == PAWL_PROMISE_FULFILLED ? 0 : PAWL_EREJECTED;
}

/* ---- then / catch / finally -------------------------------------------------- */

/* derive() when a block list needs a new slab (or is a spent pool), and
 * at -Os always. */
static PAWL__NOINLINE int derive_slow(pawl_promise *p, unsigned kind, pawl_handler_fn *h1,
                                      pawl_handler_fn *h2, void *ctx, pawl_promise **out)
{
    pawl_loop *loop = p->pawl__loop;
    pawl_reaction *r;
    pawl_promise *d = promise_make_with_reaction(loop, F_DERIVED, out != NULL ? 2u : 1u, &r);
    if (d == NULL)
        return no_memory(loop);
    d->pawl__u.h.ok = h1;
    d->pawl__u.h.err = h2;
    d->pawl__ctx = ctx;
    r->pawl__word = kind;
    r->pawl__a = p;
    r->pawl__b = d;
    attach(p, r);
    if (out != NULL)
        *out = d;
    return 0;
}

#if defined(__OPTIMIZE_SIZE__)
/* A derived promise of `p` and its reaction, registered: at -Os, the
 * general path alone (the fast path below repeats it for speed). */
static int derive(pawl_promise *p, unsigned kind, pawl_handler_fn *h1, pawl_handler_fn *h2,
                  void *ctx, pawl_promise **out)
{
    return p != NULL ? derive_slow(p, kind, h1, h2, ctx, out) : PAWL_EINVAL;
}
#else
/* derive_slow() with blocks at hand: the same, with promise_make's work
 * done here. */
static inline void derive_fill(pawl_promise *p, pawl_reaction *r, pawl_promise *d,
                               unsigned kind, pawl_handler_fn *h1, pawl_handler_fn *h2,
                               void *ctx, pawl_promise **out)
{
    pawl_loop *loop = p->pawl__loop;
    loop->pawl__promises.live_promises++;
    d->pawl__word = (out != NULL ? 2u * REF_ONE : REF_ONE) | F_DERIVED;
    d->pawl__loop = loop;
    d->pawl__u.h.ok = h1;
    d->pawl__u.h.err = h2;
    d->pawl__ctx = ctx;
    d->pawl__head = NULL;
    PAWL__TRACE(loop, PROMISE_CREATED, d, 0u);
    r->pawl__word = kind;
    r->pawl__a = p;
    r->pawl__b = d;
    attach(p, r);
    if (out != NULL)
        *out = d;
}

/* A derived promise of `p` and its reaction, registered.  `h1`, `h2` and
 * `ctx` are the handlers as the kind reads them.  Inline: it is `then`,
 * whose common case calls nothing. */
static inline int derive(pawl_promise *p, unsigned kind, pawl_handler_fn *h1,
                         pawl_handler_fn *h2, void *ctx, pawl_promise **out)
{
    if (PAWL__UNLIKELY(p == NULL))
        return PAWL_EINVAL;
    struct pawl__promises *ps = &p->pawl__loop->pawl__promises;
    pawl_reaction *r = take_fast(&ps->reaction_blocks, sizeof *r);
    if (PAWL__UNLIKELY(r == NULL))
        return derive_slow(p, kind, h1, h2, ctx, out);
    pawl_promise *d = take_fast(&ps->promise_blocks, sizeof *d);
    if (PAWL__UNLIKELY(d == NULL)) {
        give(&ps->reaction_blocks, r);
        return derive_slow(p, kind, h1, h2, ctx, out);
    }
    derive_fill(p, r, d, kind, h1, h2, ctx, out);
    return 0;
}
#endif

int pawl_promise_then(pawl_promise *p, pawl_handler_fn *on_fulfilled,
                      pawl_handler_fn *on_rejected, void *ctx, pawl_promise **out)
{
    return derive(p, R_THEN, on_fulfilled, on_rejected, ctx, out);
}

int pawl_promise_catch(pawl_promise *p, pawl_handler_fn *on_rejected, void *ctx,
                       pawl_promise **out)
{
    return derive(p, R_THEN, NULL, on_rejected, ctx, out);
}

static void finally_job(pawl_promise *src, pawl_promise *d);

int pawl_promise_finally(pawl_promise *p, pawl_finally_fn *fn, void *ctx, pawl_promise **out)
{
    if (fn == NULL) /* as then(undefined, undefined): pass through */
        return derive(p, R_THEN, NULL, NULL, NULL, out);
    /* The handler and the job are stored as pawl_handler_fn pointers and
     * converted back before the call (a round trip C allows). */
    return derive(p, R_CALL, (pawl_handler_fn *)(void (*)(void))fn,
                  (pawl_handler_fn *)(void (*)(void))finally_job, ctx, out);
}

/* THUNK (R_CALL on P2 = R.then(valueThunk, thrower)): R settled; P2 gets
 * the original outcome, kept in its ctx, unless R rejected. */
static void thunk_job(pawl_promise *src, pawl_promise *p2)
{
    pawl_promise *orig = p2->pawl__ctx;
    pawl_value out;
    outcome_of(&out, state_of(src) == PAWL_PROMISE_REJECTED ? src : orig);
    p2->pawl__ctx = NULL;
    p2->pawl__word &= ~(uint32_t)F_CTX_REF;
    pawl_promise_release(orig);
    resolve_with(p2, &out);
}

/* FINALLY (R_CALL): `src` settled; run the handler, then do what the
 * spec's thenFinally / catchFinally do with its result. */
static void finally_job(pawl_promise *src, pawl_promise *d)
{
    pawl_loop *loop = d->pawl__loop;
    pawl_finally_fn *fn = (pawl_finally_fn *)(void (*)(void))d->pawl__u.h.ok;
    pawl_value result = fn(d->pawl__ctx);
    if (!(result.pawl__flags & PAWL__V_THROWN)) {
        /* R = PromiseResolve(result) */
        pawl_promise *R;
        if (result.kind == PAWL_V_PROMISE && result.u.promise != NULL &&
            result.u.promise->pawl__loop == loop) {
            R = result.u.promise;
        } else if ((R = promise_make(loop, 0, 1)) != NULL) {
            resolve_with(R, &result);
        } else {
            value_release(result);
        }
        /* P2 = R.then(valueThunk, thrower): it carries the original outcome */
        pawl_reaction *r;
        pawl_promise *p2 =
            R != NULL ? promise_make_with_reaction(loop, F_DERIVED | F_CTX_REF, 2, &r) : NULL;
        if (p2 != NULL) {
            ref(src);
            p2->pawl__ctx = src;
            p2->pawl__u.h.err = (pawl_handler_fn *)(void (*)(void))thunk_job;
            r->pawl__word = R_CALL;
            r->pawl__a = R;
            r->pawl__b = p2;
            attach(R, r);
            pawl_promise_release(R);
            d->pawl__u.value = pawl_promise_value(p2); /* in place of the handlers */
            resolve_with(d, &d->pawl__u.value);
            return;
        }
        pawl_promise_release(R);
        result = pawl_error(no_memory(loop), "finally: no memory");
    }
    settle(d, PAWL_PROMISE_REJECTED, &result); /* onFinally threw, or no memory */
}

/* ---- combinators -------------------------------------------------------------- */

enum { C_ALL, C_SETTLED, C_ANY, C_RACE };

typedef struct combinator {
    obj_job_fn *run;        /* combinator_job: first, as R_OBJ reads it */
    pawl_list list;         /* the LIST / AGGREGATE value's object */
    pawl_loop *loop;
    pawl_promise *result;   /* NULL once settled */
    size_t remaining;
    size_t bytes;
    uint8_t settle_on;      /* the state of an input that settles it at once:
                               REJECTED (all), FULFILLED (any), or 3, which
                               no promise is in (allSettled) */
    uint8_t mark;           /* flags of a rejected input's item:
                               PAWL__V_REJECTED (allSettled), 0 */
    pawl_value items[];
} combinator;

static void combinator_free(pawl_obj *o)
{
    combinator *c = PAWL_CONTAINER_OF(o, combinator, list.pawl__obj);
    for (size_t i = 0; i < c->list.n; i++)
        value_release(c->items[i]);
    pawl_promise_release(c->result);
    pawl__free(c->loop, c, c->bytes);
}

/* Settle the combinator's promise (once) and let go of it. */
static void combinator_settle(combinator *c, unsigned state, const pawl_value *v)
{
    pawl_promise *res = c->result;
    c->result = NULL;
    settle(res, state, v);
    pawl_promise_release(res);
}

/* Every input has answered: all and allSettled fulfil with the list, any
 * rejects with the aggregate of the reasons. */
static void combinator_done(combinator *c)
{
    c->list.pawl__obj.pawl__refs++;
    bool any = c->settle_on == PAWL_PROMISE_FULFILLED;
    pawl_value v = pawl__value(any ? PAWL_V_AGGREGATE : PAWL_V_LIST);
    v.u.list = &c->list;
    combinator_settle(c, any ? PAWL_PROMISE_REJECTED : PAWL_PROMISE_FULFILLED, &v);
}

/* R_OBJ of all / allSettled / any: input i (the reaction's index) settled,
 * or the reaction is dropped (src NULL). */
static void combinator_job(pawl_reaction *r, pawl_promise *src)
{
    combinator *c = r->pawl__b;
    if (src != NULL && c->result != NULL) {
        unsigned st = state_of(src);
        if (st == c->settle_on) {
            pawl_value v;
            copy_ref(&v, &src->pawl__u.value);
            combinator_settle(c, st, &v);
        } else {
            pawl_value *item = &c->items[r->pawl__word >> R_INDEX_SHIFT];
            copy_ref(item, &src->pawl__u.value);
            if (st == PAWL_PROMISE_REJECTED)
                item->pawl__flags |= c->mark;
            if (--c->remaining == 0)
                combinator_done(c);
        }
    }
    assert(c->list.pawl__obj.pawl__refs > 0);
    if (--c->list.pawl__obj.pawl__refs == 0)
        combinator_free(&c->list.pawl__obj);
}

static int combine(pawl_loop *loop, pawl_promise *const *in, size_t n, pawl_promise **out,
                   unsigned kind)
{
    int rc = out == NULL || (in == NULL && n != 0) ? PAWL_EINVAL : promises_ready(loop);
    if (rc != 0)
        return rc;
    for (size_t i = 0; i < n; i++) {
        if (in[i] == NULL)
            return PAWL_EINVAL;
        if (in[i]->pawl__loop != loop)
            return PAWL_EFOREIGN;
    }
    combinator *c = NULL;
    if (kind != C_RACE) {
        if (n > (SIZE_MAX - sizeof *c) / sizeof(pawl_value))
            return PAWL_ENOMEM;
        size_t bytes = sizeof *c + n * sizeof(pawl_value);
        c = pawl__alloc(loop, bytes);
        if (c == NULL)
            return PAWL_ENOMEM;
        c->run = combinator_job;
        pawl_obj_init(&c->list.pawl__obj, combinator_free);
        c->list.n = n;
        c->list.items = c->items;
        c->loop = loop;
        c->result = NULL;
        c->remaining = n;
        c->bytes = bytes;
        c->settle_on = kind == C_ALL   ? PAWL_PROMISE_REJECTED
                       : kind == C_ANY ? PAWL_PROMISE_FULFILLED
                                       : 3;
        c->mark = kind == C_SETTLED ? PAWL__V_REJECTED : 0;
        for (size_t i = 0; i < n; i++)
            c->items[i] = pawl_undefined();
    }
    pawl_reaction *rs = n != 0 ? reactions_take(loop, n) : NULL;
    pawl_promise *res = NULL;
    if (n == 0 || rs != NULL)
        res = promise_make(loop, F_DERIVED, c != NULL ? 2u : 1u);
    if (res == NULL) {
        while (rs != NULL) {
            pawl_reaction *next = next_of(rs);
            reaction_free(loop, rs);
            rs = next;
        }
        pawl_obj_release(c != NULL ? &c->list.pawl__obj : NULL);
        return no_memory(loop);
    }
    if (c != NULL)
        c->result = res;
    for (size_t i = 0; i < n; i++) {
        pawl_reaction *r = rs;
        rs = next_of(r);
        r->pawl__a = in[i];
        if (c != NULL) {
            c->list.pawl__obj.pawl__refs++;
            r->pawl__word = R_OBJ | (uintptr_t)i << R_INDEX_SHIFT;
            r->pawl__b = c;
        } else { /* race: each input's step is an adoption */
            ref(res);
            r->pawl__word = R_ADOPT;
            r->pawl__b = res;
        }
        attach(in[i], r);
    }
    if (n == 0 && c != NULL) /* all([]), allSettled([]), any([]) settle now */
        combinator_done(c);
    if (c != NULL)
        pawl_obj_release(&c->list.pawl__obj); /* the reactions hold it now */
    *out = res;
    return 0;
}

int pawl_promise_all(pawl_loop *loop, pawl_promise *const *in, size_t n, pawl_promise **out)
{
    return combine(loop, in, n, out, C_ALL);
}

int pawl_promise_all_settled(pawl_loop *loop, pawl_promise *const *in, size_t n,
                             pawl_promise **out)
{
    return combine(loop, in, n, out, C_SETTLED);
}

int pawl_promise_any(pawl_loop *loop, pawl_promise *const *in, size_t n, pawl_promise **out)
{
    return combine(loop, in, n, out, C_ANY);
}

int pawl_promise_race(pawl_loop *loop, pawl_promise *const *in, size_t n, pawl_promise **out)
{
    return combine(loop, in, n, out, C_RACE);
}

/* ---- delay and with_timeout --------------------------------------------------- */

/* delay and with_timeout are what JavaScript writes with setTimeout, so
 * their timers are armed as setTimeout's are: from a fresh reading of the
 * clock, with Node's coercion of the delay (0 means 1 ms). */
static void arm_like_set_timeout(pawl_loop *loop, pawl_timer *t, uint32_t ms)
{
    pawl__timer_arm_from(loop, t, pawl__clock_ms(loop), pawl__js_delay(loop, ms));
}

typedef struct delay_state {
    pawl_timer timer;
    pawl_promise *p;
    pawl_value v;
} delay_state;

static int delay_fire(pawl_loop *loop, pawl_timer *t)
{
    delay_state *s = PAWL_CONTAINER_OF(t, delay_state, timer);
    pawl_promise *p = s->p;
    pawl_value v = s->v;
    pawl__free(loop, s, sizeof *s);
    resolve_with(p, &v);
    pawl_promise_release(p);
    return PAWL_TIMER_STOP;
}

int pawl_promise_delay(pawl_loop *loop, uint32_t ms, pawl_value v, pawl_promise **out)
{
    int rc = out == NULL ? PAWL_EINVAL : promises_ready(loop);
    if (rc != 0) {
        value_release(v);
        return rc;
    }
    delay_state *s = pawl__alloc(loop, sizeof *s);
    pawl_promise *p = s != NULL ? promise_make(loop, F_DERIVED, 2) : NULL;
    if (p == NULL) {
        pawl__free(loop, s, sizeof *s);
        value_release(v);
        return no_memory(loop);
    }
    v.pawl__flags &= (uint16_t)~PAWL__V_THROWN;
    s->p = p;
    s->v = v;
    pawl_timer_init(&s->timer, delay_fire);
    arm_like_set_timeout(loop, &s->timer, ms);
    *out = p;
    return 0;
}

typedef struct timeout_state {
    obj_job_fn *run;        /* timeout_job: first, as R_OBJ reads it */
    pawl_obj obj;           /* one reference per holder: reaction, timer */
    pawl_timer timer;
    pawl_loop *loop;
    pawl_promise *result;   /* NULL once settled */
} timeout_state;

static void timeout_free(pawl_obj *o)
{
    timeout_state *s = PAWL_CONTAINER_OF(o, timeout_state, obj);
    pawl_promise_release(s->result);
    pawl__free(s->loop, s, sizeof *s);
}

static int timeout_fire(pawl_loop *loop, pawl_timer *t)
{
    (void)loop;
    timeout_state *s = PAWL_CONTAINER_OF(t, timeout_state, timer);
    pawl_promise *res = s->result;
    if (res != NULL) {
        s->result = NULL;
        pawl_value e = pawl_error(PAWL_ETIMEDOUT, "promise timed out");
        settle(res, PAWL_PROMISE_REJECTED, &e);
        pawl_promise_release(res);
    }
    pawl_obj_release(&s->obj); /* the timer's */
    return PAWL_TIMER_STOP;
}

/* R_OBJ of with_timeout: the source settled (the timer may have fired
 * already), or the reaction is dropped (src NULL). */
static void timeout_job(pawl_reaction *r, pawl_promise *src)
{
    timeout_state *s = r->pawl__b;
    if (src != NULL) {
        if (pawl_timer_active(&s->timer)) {
            pawl_timer_stop(s->loop, &s->timer);
            pawl_obj_release(&s->obj); /* the timer's; the reaction still holds one */
        }
        pawl_promise *res = s->result;
        if (res != NULL) {
            s->result = NULL;
            settle_as(res, src);
            pawl_promise_release(res);
        }
    }
    pawl_obj_release(&s->obj); /* the reaction's */
}

int pawl_promise_with_timeout(pawl_promise *p, uint32_t ms, pawl_promise **out)
{
    if (p == NULL || out == NULL)
        return PAWL_EINVAL;
    pawl_loop *loop = p->pawl__loop;
    timeout_state *s = pawl__alloc(loop, sizeof *s);
    if (s == NULL)
        return PAWL_ENOMEM;
    pawl_reaction *r;
    pawl_promise *res = promise_make_with_reaction(loop, F_DERIVED, 2, &r);
    if (res == NULL) {
        pawl__free(loop, s, sizeof *s);
        return no_memory(loop);
    }
    s->run = timeout_job;
    pawl_obj_init(&s->obj, timeout_free); /* the reaction's reference */
    s->obj.pawl__refs = 2;                 /* ... and the armed timer's */
    s->loop = loop;
    s->result = res;
    pawl_timer_init(&s->timer, timeout_fire);
    arm_like_set_timeout(loop, &s->timer, ms);
    r->pawl__word = R_OBJ;
    r->pawl__a = p;
    r->pawl__b = s;
    attach(p, r);
    *out = res;
    return 0;
}

/* ---- running reactions --------------------------------------------------------- */

/* THEN: the PromiseReactionJob.  Returns the reaction to run next, in
 * place of queueing it, when it would be alone in an empty queue (the
 * next link of a chain); NULL otherwise. */
static inline pawl_reaction *then_job(pawl_promise *src, pawl_promise *d)
{
    unsigned st = state_of(src);
    pawl_handler_fn *fn = st == PAWL_PROMISE_FULFILLED ? d->pawl__u.h.ok : d->pawl__u.h.err;
    /* The result goes straight into d's value slot (its handlers are no
     * longer needed) and is examined there: cheaper than taking apart the
     * 16-byte value the call returned in two registers. */
    if (fn != NULL)
        d->pawl__u.value = fn(d->pawl__ctx, src->pawl__u.value);
    else
        outcome_of(&d->pawl__u.value, src);
#if defined(__OPTIMIZE_SIZE__)
    /* -Os: the general path alone (the fast path below repeats settle) */
    resolve_with(d, &d->pawl__u.value);
#else
    const pawl_value *out = &d->pawl__u.value;
    pawl_reaction *next = d->pawl__head;
    if (PAWL__LIKELY(!(out->pawl__flags & PAWL__V_THROWN) && out->kind != PAWL_V_PROMISE)) {
        if (PAWL__LIKELY(next != NULL && next->pawl__next == NULL &&
                         (next->pawl__word & R_KIND_MASK) != R_WAKE)) {
            /* The usual link of a chain: d is fulfilled and has one
             * reaction.  The job's reference to d passes to that
             * reaction, queued now (settle() with its ref() and our
             * unref() folded together). */
            d->pawl__head = NULL;
            d->pawl__word |= PAWL_PROMISE_FULFILLED | F_RESOLVED;
            pawl_loop *loop = d->pawl__loop;
            PAWL__TRACE(loop, PROMISE_SETTLED, d, PAWL_PROMISE_FULFILLED);
            if (loop->pawl__mt_head == NULL)
                return next; /* queued and popped at once: skip both */
            pawl__microtask_push(loop, next, PAWL__MT_REACTION);
            return NULL;
        }
        settle(d, PAWL_PROMISE_FULFILLED, out);
    } else {
        resolve_with(d, out);
    }
#endif
    unref(d);
    return NULL;
}

static pawl_reaction *react_one(pawl_loop *loop, pawl_reaction *r);

/* The microtask queue's entry point for a reaction (loop.c's drain): runs
 * it, and every reaction right behind it in the queue, in queue order (a
 * chain's next step is usually the only thing queued) without going back
 * to the drain for each. */
static void react(pawl_loop *loop, void *node)
{
    pawl_microtask *link;
    do {
        pawl_reaction *direct = react_one(loop, node);
        if (direct != NULL) {
            node = direct;
            continue;
        }
        link = loop->pawl__mt_head;
        if (((uintptr_t)link & PAWL__MT_REACTION) == 0)
            return; /* empty, or a plain microtask: the drain's */
        node = pawl__microtask_pop(loop, link);
    } while (1);
}

/* Run one reaction's job, then free it.  Returns a reaction to run next
 * that was not queued (then_job), or NULL. */
static inline pawl_reaction *react_one(pawl_loop *loop, pawl_reaction *r)
{
    pawl_promise *src = r->pawl__a;
    unsigned kind = r->pawl__word & R_KIND_MASK;
    PAWL__TRACE(loop, PROMISE_REACTION, src, (uintptr_t)r->pawl__b);
    if (PAWL__LIKELY(kind == R_THEN)) {
        pawl_promise *d = r->pawl__b;
        reaction_free(loop, r);
        pawl_reaction *next = then_job(src, d); /* consumes the reference to d */
        unref(src);
        return next;
    }
    void *b = r->pawl__b;
    switch (kind) {
    case R_ADOPT_JOB:
        /* q.then(resolve_p, reject_p): the same reaction, now ADOPT.  The
         * job's reference to q goes (attach takes one if q is settled). */
        r->pawl__word = R_ADOPT;
        attach(src, r);
        unref(src);
        return NULL;
    case R_CALL: {
        pawl_promise *d = b;
        ((promise_job_fn *)(void (*)(void))d->pawl__u.h.err)(src, d);
        unref(d);
        break;
    }
    case R_OBJ:
        (*(obj_job_fn **)b)(r, src); /* lets go of b itself */
        break;
    default: { /* R_ADOPT */
        assert(kind == R_ADOPT);
        pawl_promise *p = b;
        if (state_of(p) == PAWL_PROMISE_PENDING)
            settle_as(p, src);
        unref(p);
        break;
    }
    }
    reaction_free(loop, r);
    unref(src);
    return NULL;
}

/* ---- await ------------------------------------------------------------------------ */

/* The task's registration on pending `p`: its link, or NULL.  Out of
 * line: await's two uses of it are off its fast paths. */
static PAWL__NOINLINE pawl_reaction **find_wake(pawl_promise *p, const pawl_task *task)
{
    pawl_reaction **at = (pawl_reaction **)&p->pawl__head;
    while (*at != NULL) {
        pawl_reaction *r = *at;
        if ((r->pawl__word & R_KIND_MASK) == R_WAKE && r->pawl__a == task)
            return at;
        at = (pawl_reaction **)(void *)&r->pawl__next;
    }
    return NULL;
}

pawl_poll pawl__promise_await_slow(pawl_promise *p, pawl_cx *cx, pawl_value *out)
{
    if (p == NULL || cx == NULL || out == NULL)
        return PAWL_EINVAL;
    unsigned st = state_of(p);
    if (PAWL__UNLIKELY(pawl_cx_canceled(cx))) {
        pawl_reaction **at = st == PAWL_PROMISE_PENDING ? find_wake(p, cx->task) : NULL;
        if (at != NULL) {
            pawl_reaction *r = *at;
            *at = next_of(r);
            reaction_free(p->pawl__loop, r);
            pawl_promise_release(p); /* the await's */
        }
        return PAWL_ECANCELED;
    }
    if (PAWL__LIKELY(st != PAWL_PROMISE_PENDING)) {
        mark_handled(p);
        copy_ref(out, &p->pawl__u.value);
        return st == PAWL_PROMISE_FULFILLED ? 0 : PAWL_EREJECTED;
    }
    if (find_wake(p, cx->task) != NULL)
        return PAWL_PENDING; /* a spurious poll: still registered */
    if (p->pawl__loop != cx->loop)
        return PAWL_EFOREIGN;
    pawl_reaction *r = reaction_new(cx->loop);
    if (r == NULL)
        return no_memory(cx->loop);
    pawl_waker w = pawl_cx_waker(cx);
    r->pawl__word = R_WAKE | (uintptr_t)w.gen << R_INDEX_SHIFT;
    r->pawl__a = w.task;
    r->pawl__b = NULL;
    ref(p);
    attach(p, r);
    return PAWL_PENDING;
}

/* ---- a task as a promise ------------------------------------------------------------- */

typedef struct task_promise {
    pawl_task task;         /* joins `target` */
    pawl_task *target;
    pawl_promise *p;
    pawl_task_value_fn *value;
    pawl_microtask free_later;
    pawl_loop *loop;
} task_promise;

static void task_promise_free(void *arg)
{
    task_promise *tp = arg;
    pawl__free(tp->loop, tp, sizeof *tp);
}

static pawl_poll task_promise_poll(pawl_task *t, pawl_cx *cx)
{
    task_promise *tp = PAWL_CONTAINER_OF(t, task_promise, task);
    int rc;
    PAWL_BEGIN(cx);
    PAWL_AWAIT(cx, rc, pawl_task_join(tp->target, cx));
    {
        pawl_value v = rc != 0 ? pawl_throw(pawl_error(rc, rc == PAWL_ECANCELED
                                                               ? "task canceled"
                                                               : "task join failed"))
                       : tp->value != NULL ? tp->value(tp->target)
                                           : pawl_undefined();
        resolve_with(tp->p, &v);
    }
    pawl_promise_release(tp->p);
    tp->p = NULL;
    /* Freed once the executor is done with this task: after this poll. */
    pawl_microtask_init(&tp->free_later, task_promise_free, tp);
    pawl_microtask_queue(cx->loop, &tp->free_later);
    PAWL_END(cx);
}

int pawl_promise_from_task(pawl_loop *loop, pawl_task *task, pawl_task_value_fn *value,
                           pawl_promise **out)
{
    int rc = task == NULL || out == NULL ? PAWL_EINVAL : promises_ready(loop);
    if (rc != 0)
        return rc;
    if (task->pawl__link == 0 && !(task->pawl__state & PAWL__T_DONE))
        return PAWL_EINVAL; /* never spawned */
    if (task->pawl__link != 0 && pawl__task_loop(task) != loop)
        return PAWL_EFOREIGN;
    if (task->pawl__joiner != NULL)
        return PAWL_EBUSY;
    task_promise *tp = pawl__alloc(loop, sizeof *tp);
    pawl_promise *p = tp != NULL ? promise_make(loop, F_DERIVED, 2) : NULL;
    if (p == NULL) {
        pawl__free(loop, tp, sizeof *tp);
        return no_memory(loop);
    }
    tp->target = task;
    tp->p = p;
    tp->value = value;
    tp->loop = loop;
    pawl_task_init(&tp->task, task_promise_poll);
    pawl_task_spawn(loop, &tp->task);
    if (task->pawl__link != 0)
        task->pawl__joiner = &tp->task; /* joined from now on: EBUSY for others */
    *out = p;
    return 0;
}
