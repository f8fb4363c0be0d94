/*
 * pawl/promise.h -- promises: Promises/A+ chains in C, the ES combinators,
 * and await inside tasks.
 *
 * See docs/promises.md: it sets every call here next to the JavaScript it
 * mirrors and lists every difference from JavaScript with its reason.
 *
 *     JavaScript                              pawl
 *     ----------                              ----
 *     new Promise(...)                        pawl_promise_new
 *     resolve(v) / reject(e)                  pawl_promise_resolve / _reject
 *     p.then(f, r)                            pawl_promise_then(p, f, r, ctx, &q)
 *     p.catch(r) / p.finally(f)               pawl_promise_catch / _finally
 *     Promise.resolve(v) / Promise.reject(e)  pawl_promise_resolved / _rejected
 *     Promise.all / allSettled / any / race   pawl_promise_all / ...
 *     await p   (in an async function)        PAWL_AWAIT(cx, rc,
 *                                               pawl_promise_await(p, cx, &v))
 *     throw e   (in a handler)                return pawl_throw(e);
 *
 * STATES
 * ======
 *
 *   PENDING ──fulfil──▶ FULFILLED        A promise settles at most once.
 *      │                                 Once resolved (settled, or locked
 *      └─────reject───▶ REJECTED         in to another promise it adopts)
 *                                        every further resolve or reject
 *                                        is ignored and returns
 *                                        PAWL_EALREADY.
 *
 * WHEN THINGS RUN
 * ===============
 *
 * Reactions (then / catch / finally handlers, and the steps of the
 * combinators) run as microtasks of the promise's loop, in the order they
 * were registered, each at most once, never inside the call that
 * registered or settled them.  The number of microtask turns every step
 * takes is the ECMAScript specification's, so a program ported from
 * JavaScript keeps its order (tests/js compares pawl's order with Node's).
 * A task awaiting a promise is woken when the promise settles and resumes
 * in the loop's task phase.
 *
 * OWNERSHIP (the rules, stated once)
 * ==================================
 *
 *  1. Promises are reference counted.  Every call that gives you a promise
 *     (`pawl_promise **out`) gives you one reference: drop it with
 *     pawl_promise_release when you are done.  Calls that take a promise
 *     argument borrow it; they take their own references where they need
 *     one.  A pending promise may be released while reactions on it wait:
 *     it lives as long as something that can still settle it does.
 *  2. Values (pawl_value) of kind OBJ, LIST, AGGREGATE and PROMISE hold one
 *     reference to what they point at; the other kinds hold nothing.  A
 *     value you pass INTO pawl (resolve, reject, a handler's return value,
 *     pawl_promise_resolved, ...) is moved: the reference is pawl's now,
 *     even when the call fails.  A value pawl passes TO a handler is
 *     borrowed for the call: return pawl_value_dup(v) to pass it on.  A
 *     value pawl RETURNS through `pawl_value *out` is yours: drop it with
 *     pawl_value_drop.
 *  3. An object's free function runs exactly once, when the last reference
 *     to it is dropped, wherever that happens.
 *  4. Every promise of a chain belongs to one loop, and every call here is
 *     made on that loop's thread.  Release every promise before closing
 *     the loop: pawl_loop_close returns PAWL_EBUSY while any is alive.
 *
 * MEMORY
 * ======
 *
 * A promise is sizeof(pawl_promise) bytes (48 on x86-64, 32 on 32-bit
 * targets) and a reaction sizeof(pawl_reaction) (32 and 16).  `then`,
 * `catch` and `new` take one promise and (then, catch) one reaction;
 * `finally` takes three promises and three reactions over its life; a
 * task awaiting a pending promise holds one reaction while it waits.
 * They come from the loop's pawl_promise_pool if it was given one
 * (pawl_loop_opts.promise_pool: fixed arrays of yours, nothing else is
 * used, exhaustion is PAWL_ENOSPC), otherwise from the loop's allocator in
 * slabs (16 blocks, doubling to 1024; exhaustion is PAWL_ENOMEM).  A
 * PAWL_NO_MALLOC build uses the pool alone (pawl/config.h).  Freed blocks are kept for
 * reuse until the loop closes.  The combinators, delay, with_timeout and
 * pawl_promise_from_task also allocate one block of their own through the
 * loop's allocator, as their comments say.  A call that fails for want of
 * memory changes nothing: every existing promise is intact.
 */
#ifndef PAWL_PROMISE_H
#define PAWL_PROMISE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pawl/error.h"
#include "pawl/loop.h"
#include "pawl/task.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pawl_promise pawl_promise;
typedef struct pawl_reaction pawl_reaction;
typedef struct pawl_list pawl_list;

/* ---- objects: a pointer with a destructor -------------------------------- */
/*
 * A value that owns memory (or anything else) points at a pawl_obj
 * embedded in your struct: a reference count and the function that frees
 * your struct when the count reaches zero.  The count lives in the object,
 * so a value that is copied from promise to promise never allocates.
 *
 *     typedef struct reply { pawl_obj obj; char text[64]; } reply;
 *     static void reply_free(pawl_obj *o) { free(PAWL_CONTAINER_OF(o, reply, obj)); }
 *     reply *r = malloc(sizeof *r);
 *     pawl_obj_init(&r->obj, reply_free);          // one reference: yours
 *     pawl_promise_resolve(p, pawl_obj_value(&r->obj)); // ... now the promise's
 */
typedef struct pawl_obj pawl_obj;
typedef void pawl_obj_free_fn(pawl_obj *obj);

struct pawl_obj {
    size_t pawl__refs;
    pawl_obj_free_fn *pawl__free;
};

/* One reference, the caller's.  `free_fn` may be NULL (nothing to free:
 * a static object).  PAWL_EINVAL for a NULL `obj`. */
int pawl_obj_init(pawl_obj *obj, pawl_obj_free_fn *free_fn);

/* Add a reference.  PAWL_EINVAL for NULL, PAWL_EOVERFLOW at SIZE_MAX. */
int pawl_obj_retain(pawl_obj *obj);

/* Drop a reference; the last one calls the free function.  NULL is
 * ignored. */
void pawl_obj_release(pawl_obj *obj);

/* ---- values ---------------------------------------------------------------- */
/*
 * What a promise is fulfilled or rejected with: 16 bytes, passed by value,
 * no allocation for any kind.  Build values with the constructors below and
 * read them through the fields `kind`, `code` and `u`.
 */
typedef enum pawl_value_kind {
    PAWL_V_UNDEFINED = 0, /* no value (zeroed memory is this) */
    PAWL_V_INT,           /* u.i */
    PAWL_V_DOUBLE,        /* u.d */
    PAWL_V_PTR,           /* u.p: a pointer pawl never frees */
    PAWL_V_OBJ,           /* u.obj: a counted object (see above) */
    PAWL_V_ERROR,         /* code (a pawl or errno-style code), u.msg: a
                             static message or NULL */
    PAWL_V_LIST,          /* u.list: the result of all / allSettled */
    PAWL_V_AGGREGATE,     /* u.list: the reasons `any` rejects with (JS:
                             AggregateError.errors) */
    PAWL_V_PROMISE        /* u.promise: resolving with it adopts it */
} pawl_value_kind;

/* A value, 16 bytes, copied freely.  `kind` says which member of `u`
 * holds it; `code` is set for PAWL_V_ERROR only.  A value holding a
 * counted object (PAWL_V_OBJ, LIST, AGGREGATE) is a reference: whoever
 * holds the value holds the reference (see each call for who that is). */
typedef struct pawl_value {
    union {
        int64_t i;
        double d;
        void *p;
        pawl_obj *obj;
        const char *msg;
        pawl_list *list;
        pawl_promise *promise;
    } u;
    int32_t code;         /* PAWL_V_ERROR: the error code */
    uint16_t kind;        /* a pawl_value_kind */
    uint16_t pawl__flags; /* PAWL__V_* */
} pawl_value;

enum {
    PAWL__V_THROWN = 1u,  /* made by pawl_throw: a handler's rejection */
    PAWL__V_REJECTED = 2u /* a rejected item of an allSettled list */
};

/* The list of all / allSettled / any: `n` values in input order.  For
 * allSettled, pawl_value_is_rejection tells which items are reasons. */
struct pawl_list {
    pawl_obj pawl__obj;
    size_t n;
    pawl_value *items;
};

static inline pawl_value pawl__value(uint16_t kind)
{
    pawl_value v;
    v.u.i = 0;
    v.code = 0;
    v.kind = kind;
    v.pawl__flags = 0;
    return v;
}

/* The value of no value (JS: undefined).  This constructor and the three
 * below allocate nothing and are safe on any thread. */
static inline pawl_value pawl_undefined(void) { return pawl__value(PAWL_V_UNDEFINED); }

/* An integer value. */
static inline pawl_value pawl_int(int64_t i)
{
    pawl_value v = pawl__value(PAWL_V_INT);
    v.u.i = i;
    return v;
}

/* A double value. */
static inline pawl_value pawl_double(double d)
{
    pawl_value v = pawl__value(PAWL_V_DOUBLE);
    v.u.d = d;
    return v;
}

/* A pointer value: pawl passes it along and never frees it. */
static inline pawl_value pawl_ptr(void *p)
{
    pawl_value v = pawl__value(PAWL_V_PTR);
    v.u.p = p;
    return v;
}

/* Takes over one reference the caller holds on `obj`. */
static inline pawl_value pawl_obj_value(pawl_obj *obj)
{
    pawl_value v = pawl__value(PAWL_V_OBJ);
    v.u.obj = obj;
    return v;
}

/* An error: `code` is a pawl code or a negative errno; `msg` a static
 * string (pawl never frees it) or NULL. */
static inline pawl_value pawl_error(int code, const char *msg)
{
    pawl_value v = pawl__value(PAWL_V_ERROR);
    v.u.msg = msg;
    v.code = code;
    return v;
}

/* Takes over one reference the caller holds on `p` (returned from a
 * handler, the derived promise adopts `p`). */
static inline pawl_value pawl_promise_value(pawl_promise *p)
{
    pawl_value v = pawl__value(PAWL_V_PROMISE);
    v.u.promise = p;
    return v;
}

/* The C form of `throw`: a handler that returns pawl_throw(e) rejects its
 * derived promise with `e`. */
static inline pawl_value pawl_throw(pawl_value reason)
{
    reason.pawl__flags |= PAWL__V_THROWN;
    return reason;
}

/* True for the rejected items of an allSettled list (JavaScript's
 * {status: 'rejected', reason}).  Only the value a handler returns is
 * looked at for pawl_throw's mark: passing such an item on from a
 * handler fulfils with it, as returning the {status, reason} object does
 * in JavaScript; pawl_promise_resolve ignores pawl_throw's mark. */
static inline bool pawl_value_is_rejection(pawl_value v)
{
    return (v.pawl__flags & PAWL__V_REJECTED) != 0;
}

/* A second reference to what `v` points at (nothing for the plain
 * kinds); returns `v`.  Reference counts cannot overflow in practice
 * (size_t objects, 2^24 promises): dup asserts it. */
pawl_value pawl_value_dup(pawl_value v);

/* Drop the reference `*v` holds and make it PAWL_V_UNDEFINED.  NULL is
 * ignored. */
void pawl_value_drop(pawl_value *v);

/* Describe `v` in `buf` as snprintf does ("int 42", "error ETIMEDOUT
 * (timed out): no reply", "list of 3", ...).  Returns the length the full
 * text needs. */
int pawl_value_format(pawl_value v, char *buf, size_t size);

/* ---- the promise ------------------------------------------------------------ */

/* A promise's state (pawl_promise_state_of): pending until it is settled,
 * then fulfilled or rejected for good. */
typedef enum pawl_promise_state {
    PAWL_PROMISE_PENDING = 0,
    PAWL_PROMISE_FULFILLED = 1,
    PAWL_PROMISE_REJECTED = 2
} pawl_promise_state;

/*
 * A handler: `then` calls it with the value (on_fulfilled) or the reason
 * (on_rejected), borrowed for the call.  It returns exactly one of:
 *   - a value: the derived promise is fulfilled with it;
 *   - pawl_throw(reason): the derived promise is rejected with it;
 *   - pawl_promise_value(q): the derived promise adopts q's eventual state.
 * A handler may call any function here, on any promise, including the one
 * it is attached to.
 */
typedef pawl_value pawl_handler_fn(void *ctx, pawl_value value);

/* finally's handler: no argument.  Return pawl_undefined() (or any
 * value, or a promise to wait for) to pass the original outcome through,
 * pawl_throw(e) to reject with e instead. */
typedef pawl_value pawl_finally_fn(void *ctx);

/* All fields private.  Exposed so that sizeof works, pools can be
 * declared as arrays, and the common cases of release and await are
 * inline below.  pawl__word: reference count << 8 | flags << 2 | state.
 * pawl__u: the outcome once settled; a derived promise's handlers (for
 * finally's, the handler and the job that runs it) while it waits for its
 * source.  pawl__head: pending, its reactions (newest first); settled,
 * its link in the loop's list of rejections to report.  pawl__loop: while
 * being freed, the next promise to free. */
struct pawl_promise {
    uint32_t pawl__word;
    pawl_loop *pawl__loop;
    union {
        pawl_value value;
        struct {
            pawl_handler_fn *ok;
            pawl_handler_fn *err;
        } h;
    } pawl__u;
    void *pawl__ctx;
    void *pawl__head;
};

/* pawl__word, as the inline fast paths read it (src/promise.c has the
 * other flags). */
enum {
    PAWL__P_STATE = 3u,        /* a pawl_promise_state */
    PAWL__P_HANDLED = 1u << 3, /* has had a reaction */
    PAWL__P_REF = 1u << 8      /* one reference */
};

/* A reaction: one registration on a promise (a then, a combinator step, an
 * adoption, an awaiting task).  All fields private.  pawl__next links it
 * into a promise's reactions and then into the microtask queue. */
struct pawl_reaction {
    pawl_microtask *pawl__next;
    uintptr_t pawl__word;
    void *pawl__a;
    void *pawl__b;
};

/* Fixed memory for the promises of a loop that must not allocate
 * (firmware): arrays of yours, handed over in pawl_loop_opts.promise_pool
 * before pawl_loop_init and untouched by you afterwards.  A loop with a
 * pool never uses its allocator for promises or reactions. */
typedef struct pawl_promise_pool {
    pawl_promise *promises;
    size_t n_promises;
    pawl_reaction *reactions;
    size_t n_reactions;
} pawl_promise_pool;

/* A pool over static arrays, sized at compile time, at file scope:
 *   PAWL_PROMISE_POOL_STATIC(app_pool, 8, 16);   ...   opts.promise_pool = &app_pool;
 * One pool serves one loop at a time. */
#define PAWL_PROMISE_POOL_STATIC(name, n_promises, n_reactions)              \
    static pawl_promise name##_promises[(n_promises)];                        \
    static pawl_reaction name##_reactions[(n_reactions)];                     \
    static pawl_promise_pool name = {name##_promises, (n_promises), name##_reactions, \
                                     (n_reactions)}

/* A new pending promise on `loop`: *out holds one reference.  Errors:
 * PAWL_EINVAL (NULL), PAWL_EUNINIT / PAWL_ECLOSED (the loop),
 * PAWL_ENOMEM / PAWL_ENOSPC (no memory; *out is left alone). */
int pawl_promise_new(pawl_loop *loop, pawl_promise **out);

/*
 * The resolve and reject functions of a promise made by pawl_promise_new
 * (JavaScript's executor arguments).  `v` is moved in (rule 2), always.
 *
 * resolve: a value of kind PAWL_V_PROMISE makes `p` adopt that promise's
 * eventual state (two microtask turns after it settles, as in ES); any
 * other value fulfils `p`.  Resolving `p` with itself rejects it with
 * pawl_error(PAWL_ETYPE, ...) and returns PAWL_ETYPE.
 *
 * Errors: PAWL_EINVAL (NULL, or a promise made by then / catch / finally /
 * a combinator: those settle only from their reactions), PAWL_EALREADY
 * (already resolved: nothing changes), PAWL_EFOREIGN (adopting a promise
 * of another loop: `p` is rejected with that error), PAWL_ENOMEM /
 * PAWL_ENOSPC (adopting needs a reaction and none could be had: `p` is
 * rejected with that error, so that nothing waits forever).
 */
int pawl_promise_resolve(pawl_promise *p, pawl_value v);
int pawl_promise_reject(pawl_promise *p, pawl_value reason);

/* Promise.resolve(v): a promise fulfilled with `v`, or, if `v` is a
 * promise value, that very promise (its reference moves to *out).
 * Promise.reject(e): a promise rejected with `e`.  Both return 0 with
 * *out set (one reference); PAWL_EINVAL for a NULL loop or out (or a bad
 * promise pool), PAWL_EUNINIT / PAWL_ECLOSED for the loop, PAWL_ENOMEM /
 * PAWL_ENOSPC for no memory (*out is left alone): as pawl_promise_new, and
 * on any error `v` is dropped. */
int pawl_promise_resolved(pawl_loop *loop, pawl_value v, pawl_promise **out);
int pawl_promise_rejected(pawl_loop *loop, pawl_value reason, pawl_promise **out);

/* One more reference / one fewer (the last frees the promise, its value
 * and whatever only it kept alive, iteratively: a chain of any length is
 * freed in constant stack).  NULL is ignored by release.
 * retain: PAWL_EINVAL for NULL, PAWL_EOVERFLOW at 2^24 - 1 references. */
int pawl_promise_retain(pawl_promise *p);
inline void pawl_promise_release(pawl_promise *p);

/* A pawl_promise_state, or PAWL_EINVAL for NULL. */
int pawl_promise_state_of(const pawl_promise *p);

/* The outcome of a settled promise, without waiting: 0 and *out = the
 * value (yours), PAWL_EREJECTED and *out = the reason (yours; reading it
 * does not count as handling the rejection), PAWL_EAGAIN while pending
 * (*out untouched), PAWL_EINVAL for NULL. */
int pawl_promise_result(const pawl_promise *p, pawl_value *out);

/*
 * p.then(on_fulfilled, on_rejected): register handlers and get the derived
 * promise in *out (one reference), or pass `out` NULL if you do not want
 * it (it still exists, and reports its rejection if nobody handles it).
 * Either handler may be NULL: the value or reason passes through to the
 * derived promise.  `ctx` is handed to the handler; pawl never frees it.
 * Registering marks `p` handled (no unhandled-rejection report for it).
 * Errors: PAWL_EINVAL (NULL p), PAWL_ENOMEM / PAWL_ENOSPC (nothing was
 * registered).
 */
int pawl_promise_then(pawl_promise *p, pawl_handler_fn *on_fulfilled,
                      pawl_handler_fn *on_rejected, void *ctx, pawl_promise **out);

/* p.catch(on_rejected) == then(p, NULL, on_rejected, ...).  Returns 0;
 * PAWL_EINVAL for a NULL p, PAWL_ENOMEM / PAWL_ENOSPC (nothing was
 * registered), as pawl_promise_then. */
int pawl_promise_catch(pawl_promise *p, pawl_handler_fn *on_rejected, void *ctx,
                       pawl_promise **out);

/* p.finally(fn): `fn` runs on either outcome; the derived promise gets
 * the original outcome, unless `fn` throws (returns pawl_throw(e)) or
 * returns a promise that rejects, which rejects it instead.  A promise `fn`
 * returns is waited for first.  Errors as pawl_promise_then. */
int pawl_promise_finally(pawl_promise *p, pawl_finally_fn *fn, void *ctx, pawl_promise **out);

/* ---- combinators ------------------------------------------------------------ */
/*
 * ES semantics and names, over `n` promises of `loop` (`in` may be NULL
 * when n is 0).  Each allocates one block through the loop's allocator for
 * its n results (about 16 bytes each), besides a promise and n reactions.
 *
 *   all         fulfils with a PAWL_V_LIST of the values in input order;
 *               rejects with the first rejection.  all([]) is fulfilled
 *               with an empty list at once.
 *   all_settled never rejects: a PAWL_V_LIST with one item per input,
 *               the value or (pawl_value_is_rejection) the reason.
 *   any         fulfils with the first fulfilment; if every input rejects,
 *               rejects with a PAWL_V_AGGREGATE of the reasons in input
 *               order.  any([]) is rejected with an empty aggregate at once.
 *   race        settles as the first input to settle.  race([]) stays
 *               pending forever.
 *
 * Errors: PAWL_EINVAL (NULL loop or out, NULL `in` with n > 0, a NULL
 * input), PAWL_EFOREIGN (an input of another loop), PAWL_ENOMEM /
 * PAWL_ENOSPC.  On error nothing was registered.
 */
int pawl_promise_all(pawl_loop *loop, pawl_promise *const *in, size_t n, pawl_promise **out);
int pawl_promise_all_settled(pawl_loop *loop, pawl_promise *const *in, size_t n,
                             pawl_promise **out);
int pawl_promise_any(pawl_loop *loop, pawl_promise *const *in, size_t n, pawl_promise **out);
int pawl_promise_race(pawl_loop *loop, pawl_promise *const *in, size_t n, pawl_promise **out);

/* A promise fulfilled with `v` (moved in) `ms` milliseconds from now:
 * `new Promise(r => setTimeout(() => r(v), ms))`.  Its timer is armed as
 * setTimeout's is (from a fresh clock reading; 0 means 1 ms; above
 * 2^31 - 1 means 1 ms and warns) and keeps the loop alive as setTimeout's
 * does.  Allocates its timer through the loop's allocator.  Returns 0
 * with *out set (one reference); PAWL_EINVAL for a NULL loop or out (or a
 * bad promise pool), PAWL_EUNINIT / PAWL_ECLOSED for the loop, PAWL_ENOMEM
 * / PAWL_ENOSPC for no memory; on any error `v` is dropped. */
int pawl_promise_delay(pawl_loop *loop, uint32_t ms, pawl_value v, pawl_promise **out);

/* A promise that settles as `p` does, or is rejected with
 * pawl_error(PAWL_ETIMEDOUT, ...) if `p` has not settled within `ms`
 * (a timer armed as pawl_promise_delay's).
 * Once `p` settles first, the timer is stopped (it does not keep the loop
 * alive).  Allocates its timer through the loop's allocator. */
int pawl_promise_with_timeout(pawl_promise *p, uint32_t ms, pawl_promise **out);

/* ---- tasks and promises ------------------------------------------------------ */

/*
 * Await a promise in a task:
 *     PAWL_AWAIT(cx, rc, pawl_promise_await(s->p, cx, &s->value));
 *     // rc == 0: s->value is the value; rc == PAWL_EREJECTED: the reason
 * Ready at once if `p` is settled; otherwise the task is woken when it
 * settles.  The value or reason is yours (drop it).  Awaiting marks `p`
 * handled.  While pending, the await holds a reference to `p` and one
 * reaction (PAWL_ENOMEM / PAWL_ENOSPC if none could be had).  Canceled:
 * the registration is removed, PAWL_ECANCELED.  PAWL_EINVAL for NULL.
 */
inline pawl_poll pawl_promise_await(pawl_promise *p, pawl_cx *cx, pawl_value *out);

/* The value a finished task's promise is fulfilled with: called once,
 * when the task finished normally (not when canceled); returns a value
 * moved into the promise. */
typedef pawl_value pawl_task_value_fn(pawl_task *task);

/*
 * A promise for a task's completion: fulfilled with `value(task)` (or
 * undefined if `value` is NULL) when the task finishes, rejected with
 * pawl_error(PAWL_ECANCELED, ...) if it is canceled.  The task must have
 * been spawned on `loop`; if it is already DONE, its kept result settles
 * the promise in the next task phase.  A live task is joined at once (so
 * nothing else may: PAWL_EBUSY if something already does).  Allocates a small joining task
 * through the loop's allocator.  Errors: PAWL_EINVAL, PAWL_EFOREIGN,
 * PAWL_EBUSY, PAWL_ENOMEM / PAWL_ENOSPC.
 */
int pawl_promise_from_task(pawl_loop *loop, pawl_task *task, pawl_task_value_fn *value,
                           pawl_promise **out);

/* ---- unhandled rejections ---------------------------------------------------- */
/*
 * A promise rejected with no rejection handler (no then / catch / finally,
 * no combinator, no awaiting task) by the time the microtask queue next
 * drains is reported once with PAWL_REJECTION_UNHANDLED; if a handler is
 * attached to it later, PAWL_REJECTION_HANDLED follows at the next drain
 * (Node's 'unhandledRejection' and 'rejectionHandled').  The hook is
 * pawl_loop_opts.on_rejection (type pawl_rejection_fn in pawl/loop.h); by
 * default each report is printed to stderr with its reason.  The promise
 * and reason are borrowed for the call.
 */

/* ---- inline fast paths -------------------------------------------------------- */
/*
 * C99 `inline` with one external definition in src/promise.c, as the fast
 * paths of pawl/timer.h and pawl/sync.h: releasing a reference that is not
 * the last, and awaiting a promise that is settled, handled and holds a
 * value without a reference, touch one word and return.
 */
void pawl__promise_last_ref(pawl_promise *p);
pawl_poll pawl__promise_await_slow(pawl_promise *p, pawl_cx *cx, pawl_value *out);

inline void pawl_promise_release(pawl_promise *p)
{
    if (p != NULL && (p->pawl__word -= PAWL__P_REF) < PAWL__P_REF)
        pawl__promise_last_ref(p);
}

inline pawl_poll pawl_promise_await(pawl_promise *p, pawl_cx *cx, pawl_value *out)
{
#if !defined(__OPTIMIZE_SIZE__) /* at -Os, the general path alone: it does this too */
    if (p != NULL && cx != NULL && out != NULL && !(cx->pawl__flags & PAWL__CX_CANCEL)) {
        uint32_t w = p->pawl__word;
        unsigned kind = p->pawl__u.value.kind;
        if ((w & PAWL__P_STATE) != PAWL_PROMISE_PENDING && (w & PAWL__P_HANDLED) &&
            (kind < PAWL_V_OBJ || kind == PAWL_V_ERROR)) {
            *out = p->pawl__u.value;
            return (w & PAWL__P_STATE) == PAWL_PROMISE_FULFILLED ? 0 : PAWL_EREJECTED;
        }
    }
#endif
    return pawl__promise_await_slow(p, cx, out);
}

#ifdef __cplusplus
}
#endif

#endif /* PAWL_PROMISE_H */
