/*
 * tests/test_sync.c -- semaphore, mutex, notify and oneshot (src/sync.c):
 * first come first served, no barging, what is stored and what is not,
 * waiter reuse, bad input, and above all cancellation: a task canceled
 * while it waits leaves the queue, and what was already handed to it goes
 * to the next waiter (or back), never lost and never twice.
 *
 * Everything runs on the virtual clock.  Tasks ("actors") await one
 * primitive and append "name@ms" to the fixture's log when the await
 * completes ("name:ERROR@ms" when it fails, "name=VALUE@ms" for a oneshot
 * value); each test compares the whole log.
 */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "pawl/pawl.h"
#include "support.h"

/* ---- fixture ---------------------------------------------------------------- */

typedef struct env {
    vloop v;
    char log[1024];
    pawl_sem sem;
    pawl_mutex mutex;
    pawl_notify notify;
    pawl_oneshot oneshot;
} env;

static int env_setup(void **state)
{
    env *e = test_calloc(1, sizeof *e);
    vloop_open(&e->v, 0, (pawl_loop_opts){0});
    assert_int_equal(pawl_sem_init(&e->sem, 0), 0);
    assert_int_equal(pawl_mutex_init(&e->mutex), 0);
    assert_int_equal(pawl_notify_init(&e->notify), 0);
    assert_int_equal(pawl_oneshot_init(&e->oneshot), 0);
    *state = e;
    return 0;
}

static int env_teardown(void **state)
{
    env *e = *state;
    vloop_close(&e->v);
    test_free(e);
    return 0;
}

enum kind { SEM, MUTEX, NOTIFY, ONESHOT };

/*
 * A task that awaits its primitive `rounds` times (1 if 0).  After each
 * successful await it holds what it got (a permit, the lock) for `hold_ms`
 * and gives it back, unless `keep` is set.
 */
typedef struct actor {
    pawl_task task;
    env *e;
    const char *name;
    enum kind kind;
    int rounds;
    uint32_t hold_ms;
    bool keep;
    pawl_waiter w;   /* zeroed by spawn: no init call */
    pawl_sleep sleep;
    int i;
    int rc;          /* of the last await on the primitive */
    int sleep_rc;
    int got;         /* awaits that completed with 0 */
    bool holding;
    void *value;     /* oneshot */
} actor;

static void note(actor *a, pawl_loop *loop)
{
    char *log = a->e->log;
    size_t len = strlen(log);
    const char *sep = len ? " " : "";
    unsigned long long ms = (unsigned long long)pawl_loop_now(loop);
    if (a->rc != 0)
        snprintf(log + len, sizeof a->e->log - len, "%s%s:%s@%llu", sep, a->name,
                 pawl_err_name(a->rc), ms);
    else if (a->kind == ONESHOT)
        snprintf(log + len, sizeof a->e->log - len, "%s%s=%d@%llu", sep, a->name,
                 *(const int *)a->value, ms);
    else
        snprintf(log + len, sizeof a->e->log - len, "%s%s@%llu", sep, a->name, ms);
}

static pawl_poll actor_wait(actor *a, pawl_cx *cx)
{
    switch (a->kind) {
    case SEM:
        return pawl_sem_acquire(&a->e->sem, &a->w, cx);
    case MUTEX:
        return pawl_mutex_lock(&a->e->mutex, &a->w, cx);
    case NOTIFY:
        return pawl_notify_wait(&a->e->notify, &a->w, cx);
    default:
        return pawl_oneshot_recv(&a->e->oneshot, cx, &a->value);
    }
}

static void actor_give(actor *a)
{
    a->holding = false;
    if (a->kind == SEM)
        assert_int_equal(pawl_sem_release(&a->e->sem, 1), 0);
    else if (a->kind == MUTEX)
        assert_int_equal(pawl_mutex_unlock(&a->e->mutex), 0);
}

static pawl_poll actor_poll(pawl_task *t, pawl_cx *cx)
{
    actor *a = PAWL_CONTAINER_OF(t, actor, task);
    PAWL_BEGIN(cx);
    for (a->i = 0; a->i < (a->rounds ? a->rounds : 1); a->i++) {
        a->rc = PAWL_PENDING;
        PAWL_AWAIT(cx, a->rc, actor_wait(a, cx));
        note(a, cx->loop);
        if (a->rc != 0)
            PAWL_EXIT(cx);
        a->got++;
        a->holding = !a->keep;
        if (a->hold_ms)
            PAWL_AWAIT(cx, a->sleep_rc, pawl_sleep_ms(&a->sleep, cx, a->hold_ms));
        if (a->holding)
            actor_give(a);
    }
    PAWL_CLEANUP(cx);
    if (a->rc == PAWL_ECANCELED)
        note(a, cx->loop);
    if (a->holding)
        actor_give(a);
    PAWL_END(cx);
}

/* A fresh actor (zeroed, so its waiter is idle), spawned: it first runs at
 * the next step.  Set its fields before then. */
static actor *spawn(env *e, actor *a, const char *name, enum kind kind)
{
    memset(a, 0, sizeof *a);
    a->e = e;
    a->name = name;
    a->kind = kind;
    assert_int_equal(pawl_task_init(&a->task, actor_poll), 0);
    assert_int_equal(pawl_task_spawn(&e->v.loop, &a->task), 0);
    return a;
}

static void cancel(env *e, actor *a)
{
    assert_int_equal(pawl_task_cancel(&e->v.loop, &a->task), 0);
}

/* One loop iteration without waiting: runs every task that can run now. */
static void step(env *e)
{
    assert_true(pawl_loop_run(&e->v.loop, PAWL_RUN_NOWAIT) >= 0);
}

/* Until every task is done (a task left waiting fails with EDEADLK). */
static void run_all(env *e)
{
    assert_int_equal(pawl_loop_run(&e->v.loop, PAWL_RUN_DEFAULT), 0);
}

static bool done(const actor *a)
{
    return pawl_task_get_state(&a->task) == PAWL_TASK_DONE;
}

/* The state of a waiter after its await: idle and in no queue. */
static void assert_idle(const pawl_waiter *w)
{
    assert_int_equal(w->pawl__state, PAWL__W_IDLE);
    assert_null(w->pawl__link.pawl__next);
}

/* A poll context that is canceled, as a combinator's drop uses. */
static pawl_cx canceled_cx(env *e, pawl_task *task)
{
    pawl_cx cx = {&e->v.loop, task, 0, PAWL__CX_CANCEL};
    return cx;
}

/* ---- semaphore ---------------------------------------------------------------- */

static void sem_acquire_takes_a_free_permit_at_once(void **state)
{
    env *e = *state;
    actor a, b;
    assert_int_equal(pawl_sem_init(&e->sem, 2), 0);
    spawn(e, &a, "a", SEM)->keep = true;
    spawn(e, &b, "b", SEM)->keep = true;
    step(e);
    assert_string_equal(e->log, "a@0 b@0");
    assert_true(done(&a) && done(&b));
    assert_idle(&a.w);
    assert_int_equal(pawl_sem_available(&e->sem), 0);
    assert_int_equal(pawl_sem_try_acquire(&e->sem), PAWL_EAGAIN);
    assert_int_equal(pawl_sem_release(&e->sem, 2), 0);
    assert_int_equal(pawl_sem_available(&e->sem), 2);
    assert_int_equal(pawl_sem_try_acquire(&e->sem), 0);
    assert_int_equal(pawl_sem_available(&e->sem), 1);
}

static void sem_waiters_are_served_in_fifo_order(void **state)
{
    env *e = *state;
    actor h, a, b, c;
    assert_int_equal(pawl_sem_init(&e->sem, 1), 0);
    spawn(e, &h, "h", SEM)->hold_ms = 10;
    spawn(e, &c, "c", SEM)->hold_ms = 1;
    spawn(e, &a, "a", SEM)->hold_ms = 1;
    spawn(e, &b, "b", SEM)->hold_ms = 1;
    run_all(e);
    assert_string_equal(e->log, "h@0 c@10 a@11 b@12");
    assert_int_equal(pawl_sem_available(&e->sem), 1);
}

/* A released permit goes to the queued waiter before its task even runs:
 * neither try_acquire nor a newcomer polled first can take it. */
static void sem_no_barging_a_newcomer_queues_behind_the_waiters(void **state)
{
    env *e = *state;
    actor a, b, d;
    spawn(e, &a, "a", SEM);
    spawn(e, &b, "b", SEM);
    step(e); /* both queued */
    spawn(e, &d, "d", SEM); /* polled before a wakes up */
    assert_int_equal(pawl_sem_release(&e->sem, 1), 0);
    assert_int_equal(a.w.pawl__state, PAWL__W_SERVED);
    assert_int_equal(pawl_sem_available(&e->sem), 0);
    assert_int_equal(pawl_sem_try_acquire(&e->sem), PAWL_EAGAIN);
    step(e);
    /* a gives its permit back to b, b to d: d came last. */
    assert_string_equal(e->log, "a@0 b@0 d@0");
    assert_true(done(&d));
    assert_int_equal(pawl_sem_available(&e->sem), 1);
}

static void sem_release_n_serves_that_many_waiters_and_keeps_the_rest(void **state)
{
    env *e = *state;
    actor a, b, c;
    spawn(e, &a, "a", SEM)->keep = true;
    spawn(e, &b, "b", SEM)->keep = true;
    spawn(e, &c, "c", SEM)->keep = true;
    step(e);
    assert_int_equal(pawl_sem_release(&e->sem, 2), 0); /* a and b, not c */
    assert_int_equal(pawl_sem_available(&e->sem), 0);
    step(e);
    assert_string_equal(e->log, "a@0 b@0");
    assert_false(done(&c));
    assert_int_equal(pawl_sem_release(&e->sem, 5), 0); /* c, and 4 kept */
    assert_int_equal(pawl_sem_available(&e->sem), 4);
    step(e);
    assert_string_equal(e->log, "a@0 b@0 c@0");
    assert_int_equal(pawl_sem_available(&e->sem), 4);
    assert_int_equal(pawl_sem_release(&e->sem, 0), 0);
    assert_int_equal(pawl_sem_available(&e->sem), 4);
}

/* The same zeroed waiter serves three awaits, and a task that gives its
 * permit back and asks again queues behind the one already waiting. */
static void sem_waiter_is_reused_across_awaits(void **state)
{
    env *e = *state;
    actor a, b;
    assert_int_equal(pawl_sem_init(&e->sem, 1), 0);
    spawn(e, &a, "a", SEM);
    a.rounds = 3;
    a.hold_ms = 1;
    spawn(e, &b, "b", SEM);
    b.rounds = 3;
    b.hold_ms = 1;
    run_all(e);
    assert_string_equal(e->log, "a@0 b@1 a@2 b@3 a@4 b@5");
    assert_int_equal(a.got, 3);
    assert_idle(&a.w);
    assert_int_equal(pawl_sem_available(&e->sem), 1);
}

static void sem_canceled_queued_waiter_leaves_the_queue(void **state)
{
    env *e = *state;
    actor a, b, c;
    spawn(e, &a, "a", SEM)->hold_ms = 1;
    spawn(e, &b, "b", SEM)->hold_ms = 1;
    spawn(e, &c, "c", SEM)->hold_ms = 1;
    step(e);
    cancel(e, &b); /* the middle one of three */
    step(e);
    assert_string_equal(e->log, "b:ECANCELED@0");
    assert_idle(&b.w);
    assert_int_equal(pawl_sem_release(&e->sem, 1), 0);
    run_all(e);
    assert_string_equal(e->log, "b:ECANCELED@0 a@0 c@1");
    assert_int_equal(b.got, 0);
    /* The one permit went round once and came back. */
    assert_int_equal(pawl_sem_available(&e->sem), 1);
}

static void sem_canceled_served_waiter_passes_its_permit_on(void **state)
{
    env *e = *state;
    actor a, b, c;
    spawn(e, &a, "a", SEM)->hold_ms = 1;
    spawn(e, &b, "b", SEM)->hold_ms = 1;
    spawn(e, &c, "c", SEM)->hold_ms = 1;
    step(e);
    assert_int_equal(pawl_sem_release(&e->sem, 1), 0);
    assert_int_equal(a.w.pawl__state, PAWL__W_SERVED);
    cancel(e, &a); /* woken with the permit, not yet run */
    run_all(e);
    assert_string_equal(e->log, "a:ECANCELED@0 b@0 c@1");
    assert_int_equal(a.got + b.got + c.got, 2);
    assert_idle(&a.w);
    assert_int_equal(pawl_sem_available(&e->sem), 1);

    /* With nobody else waiting the permit goes back to the count. */
    e->log[0] = '\0';
    assert_int_equal(pawl_sem_init(&e->sem, 0), 0);
    spawn(e, &a, "a", SEM);
    step(e);
    assert_int_equal(pawl_sem_release(&e->sem, 1), 0);
    assert_int_equal(pawl_sem_available(&e->sem), 0);
    cancel(e, &a);
    step(e);
    assert_string_equal(e->log, "a:ECANCELED@2");
    assert_int_equal(pawl_sem_available(&e->sem), 1);
}

static void sem_canceled_first_poll_takes_nothing(void **state)
{
    env *e = *state;
    pawl_task task = {0};
    pawl_waiter w = {0};
    pawl_cx cx = canceled_cx(e, &task);
    assert_int_equal(pawl_sem_init(&e->sem, 1), 0);
    assert_int_equal(pawl_sem_acquire(&e->sem, &w, &cx), PAWL_ECANCELED);
    assert_int_equal(pawl_sem_available(&e->sem), 1);
    assert_idle(&w);
    /* None free: it does not queue either. */
    assert_int_equal(pawl_sem_init(&e->sem, 0), 0);
    assert_int_equal(pawl_sem_acquire(&e->sem, &w, &cx), PAWL_ECANCELED);
    assert_idle(&w);
    assert_int_equal(pawl_sem_release(&e->sem, 1), 0);
    assert_int_equal(pawl_sem_available(&e->sem), 1);
}

static void sem_rejects_bad_input(void **state)
{
    env *e = *state;
    pawl_task task = {0};
    pawl_waiter w = {0};
    pawl_cx cx = {&e->v.loop, &task, 0, 0u};
    assert_int_equal(pawl_sem_init(NULL, 1), PAWL_EINVAL);
    assert_int_equal(pawl_sem_acquire(NULL, &w, &cx), PAWL_EINVAL);
    assert_int_equal(pawl_sem_acquire(&e->sem, NULL, &cx), PAWL_EINVAL);
    assert_int_equal(pawl_sem_acquire(&e->sem, &w, NULL), PAWL_EINVAL);
    assert_int_equal(pawl_sem_try_acquire(NULL), PAWL_EINVAL);
    assert_int_equal(pawl_sem_release(NULL, 1), PAWL_EINVAL);
    assert_int_equal(pawl_sem_available(NULL), 0);
    assert_idle(&w);
    /* Never initialised: reported, not crashed on. */
    pawl_sem zero;
    memset(&zero, 0, sizeof zero);
    assert_int_equal(pawl_sem_acquire(&zero, &w, &cx), PAWL_EUNINIT);
    assert_int_equal(pawl_sem_release(&zero, 1), PAWL_EUNINIT);
    assert_idle(&w);
    /* A count that would wrap: nothing is released. */
    assert_int_equal(pawl_sem_init(&e->sem, SIZE_MAX - 1), 0);
    assert_int_equal(pawl_sem_release(&e->sem, 2), PAWL_EINVAL);
    assert_int_equal(pawl_sem_available(&e->sem), SIZE_MAX - 1);
    assert_int_equal(pawl_sem_release(&e->sem, 1), 0);
    assert_int_equal(pawl_sem_available(&e->sem), SIZE_MAX);
}

/* ---- mutex ---------------------------------------------------------------------- */

static void mutex_held_across_an_await_keeps_others_out(void **state)
{
    env *e = *state;
    actor a, b, c;
    spawn(e, &a, "a", MUTEX)->hold_ms = 10; /* sleeps while it holds the lock */
    spawn(e, &b, "b", MUTEX)->hold_ms = 5;
    spawn(e, &c, "c", MUTEX)->hold_ms = 5;
    step(e);
    assert_string_equal(e->log, "a@0");
    assert_int_equal(pawl_mutex_try_lock(&e->mutex), PAWL_EBUSY);
    run_all(e);
    assert_string_equal(e->log, "a@0 b@10 c@15");
    assert_int_equal(pawl_mutex_try_lock(&e->mutex), 0);
    assert_int_equal(pawl_mutex_unlock(&e->mutex), 0);
}

/* Unlock hands the lock over, FIFO: it stays locked, and neither try_lock
 * nor a newcomer polled before the new owner can take it. */
static void mutex_unlock_hands_the_lock_to_the_first_waiter(void **state)
{
    env *e = *state;
    actor a, b, d;
    assert_int_equal(pawl_mutex_try_lock(&e->mutex), 0);
    spawn(e, &a, "a", MUTEX);
    spawn(e, &b, "b", MUTEX);
    step(e);
    assert_string_equal(e->log, "");
    spawn(e, &d, "d", MUTEX);
    assert_int_equal(pawl_mutex_unlock(&e->mutex), 0);
    assert_int_equal(a.w.pawl__state, PAWL__W_SERVED);
    assert_int_equal(pawl_mutex_try_lock(&e->mutex), PAWL_EBUSY);
    step(e);
    assert_string_equal(e->log, "a@0 b@0 d@0");
    assert_true(done(&d));
    assert_idle(&a.w);
    /* The last one unlocked it. */
    assert_int_equal(pawl_mutex_try_lock(&e->mutex), 0);
    assert_int_equal(pawl_mutex_unlock(&e->mutex), 0);
}

static void mutex_canceled_queued_waiter_leaves_the_queue(void **state)
{
    env *e = *state;
    actor a, b, c;
    assert_int_equal(pawl_mutex_try_lock(&e->mutex), 0);
    spawn(e, &a, "a", MUTEX)->hold_ms = 1;
    spawn(e, &b, "b", MUTEX)->hold_ms = 1;
    spawn(e, &c, "c", MUTEX)->hold_ms = 1;
    step(e);
    cancel(e, &b); /* the middle one of three */
    step(e);
    assert_string_equal(e->log, "b:ECANCELED@0");
    assert_idle(&b.w);
    assert_int_equal(pawl_mutex_unlock(&e->mutex), 0);
    run_all(e);
    assert_string_equal(e->log, "b:ECANCELED@0 a@0 c@1");
    assert_int_equal(pawl_mutex_try_lock(&e->mutex), 0);
    assert_int_equal(pawl_mutex_unlock(&e->mutex), 0);
}

static void mutex_canceled_served_waiter_hands_the_lock_on(void **state)
{
    env *e = *state;
    actor a, b, c;
    assert_int_equal(pawl_mutex_try_lock(&e->mutex), 0);
    spawn(e, &a, "a", MUTEX)->hold_ms = 1;
    spawn(e, &b, "b", MUTEX)->hold_ms = 1;
    spawn(e, &c, "c", MUTEX)->hold_ms = 1;
    step(e);
    assert_int_equal(pawl_mutex_unlock(&e->mutex), 0);
    assert_int_equal(a.w.pawl__state, PAWL__W_SERVED);
    cancel(e, &a); /* woken as the owner, not yet run */
    run_all(e);
    assert_string_equal(e->log, "a:ECANCELED@0 b@0 c@1");
    assert_int_equal(a.got, 0);
    assert_int_equal(pawl_mutex_try_lock(&e->mutex), 0);

    /* With nobody else waiting it ends up unlocked. */
    e->log[0] = '\0';
    spawn(e, &a, "a", MUTEX);
    step(e);
    assert_int_equal(pawl_mutex_unlock(&e->mutex), 0);
    assert_int_equal(pawl_mutex_try_lock(&e->mutex), PAWL_EBUSY); /* a owns it */
    cancel(e, &a);
    step(e);
    assert_string_equal(e->log, "a:ECANCELED@2");
    assert_int_equal(pawl_mutex_try_lock(&e->mutex), 0);
    assert_int_equal(pawl_mutex_unlock(&e->mutex), 0);
}

static void mutex_canceled_first_poll_takes_nothing(void **state)
{
    env *e = *state;
    pawl_task task = {0};
    pawl_waiter w = {0};
    pawl_cx cx = canceled_cx(e, &task);
    assert_int_equal(pawl_mutex_lock(&e->mutex, &w, &cx), PAWL_ECANCELED);
    assert_idle(&w);
    assert_int_equal(pawl_mutex_unlock(&e->mutex), PAWL_EINVAL); /* not locked */
    assert_int_equal(pawl_mutex_try_lock(&e->mutex), 0);
    /* Held: it does not queue either. */
    assert_int_equal(pawl_mutex_lock(&e->mutex, &w, &cx), PAWL_ECANCELED);
    assert_idle(&w);
    assert_int_equal(pawl_mutex_unlock(&e->mutex), 0);
    assert_int_equal(pawl_mutex_try_lock(&e->mutex), 0);
    assert_int_equal(pawl_mutex_unlock(&e->mutex), 0);
}

static void mutex_rejects_bad_input(void **state)
{
    env *e = *state;
    pawl_task task = {0};
    pawl_waiter w = {0};
    pawl_cx cx = {&e->v.loop, &task, 0, 0u};
    assert_int_equal(pawl_mutex_init(NULL), PAWL_EINVAL);
    assert_int_equal(pawl_mutex_lock(NULL, &w, &cx), PAWL_EINVAL);
    assert_int_equal(pawl_mutex_lock(&e->mutex, NULL, &cx), PAWL_EINVAL);
    assert_int_equal(pawl_mutex_lock(&e->mutex, &w, NULL), PAWL_EINVAL);
    assert_int_equal(pawl_mutex_try_lock(NULL), PAWL_EINVAL);
    assert_int_equal(pawl_mutex_unlock(NULL), PAWL_EINVAL);
    assert_int_equal(pawl_mutex_unlock(&e->mutex), PAWL_EINVAL);
    pawl_mutex zero;
    memset(&zero, 0, sizeof zero);
    assert_int_equal(pawl_mutex_lock(&zero, &w, &cx), PAWL_EUNINIT);
    assert_idle(&w);
    /* Nothing above locked it. */
    assert_int_equal(pawl_mutex_try_lock(&e->mutex), 0);
    assert_int_equal(pawl_mutex_unlock(&e->mutex), 0);
}

/* ---- notify ---------------------------------------------------------------------- */

static void notify_one_wakes_the_first_waiter_only(void **state)
{
    env *e = *state;
    actor a, b, c;
    spawn(e, &b, "b", NOTIFY);
    spawn(e, &a, "a", NOTIFY);
    spawn(e, &c, "c", NOTIFY);
    step(e);
    assert_string_equal(e->log, "");
    assert_int_equal(pawl_notify_one(&e->notify), 0);
    step(e);
    assert_string_equal(e->log, "b@0");
    assert_int_equal(pawl_notify_one(&e->notify), 0);
    step(e);
    assert_string_equal(e->log, "b@0 a@0");
    assert_int_equal(pawl_notify_one(&e->notify), 0);
    step(e);
    assert_string_equal(e->log, "b@0 a@0 c@0");
    assert_idle(&c.w);
    /* Nobody waited for the last one: nothing was stored by the others. */
    assert_int_equal(e->notify.pawl__permit, 0);
}

static void notify_one_with_nobody_waiting_stores_one_permit(void **state)
{
    env *e = *state;
    actor a, b;
    assert_int_equal(pawl_notify_one(&e->notify), 0);
    assert_int_equal(pawl_notify_one(&e->notify), 0); /* does not add up */
    spawn(e, &a, "a", NOTIFY);
    spawn(e, &b, "b", NOTIFY);
    step(e);
    assert_string_equal(e->log, "a@0");
    assert_false(done(&b));
    assert_int_equal(pawl_notify_one(&e->notify), 0);
    step(e);
    assert_string_equal(e->log, "a@0 b@0");
}

static void notify_all_wakes_every_waiter_and_stores_nothing(void **state)
{
    env *e = *state;
    actor a, b, c;
    spawn(e, &a, "a", NOTIFY);
    spawn(e, &b, "b", NOTIFY);
    step(e);
    assert_int_equal(pawl_notify_all(&e->notify), 0);
    assert_int_equal(pawl_notify_all(&e->notify), 0); /* nobody waits now */
    spawn(e, &c, "c", NOTIFY);
    step(e);
    /* c came after the notify_all: it waits. */
    assert_string_equal(e->log, "a@0 b@0");
    assert_false(done(&c));
    step(e);
    assert_false(done(&c));
    assert_int_equal(pawl_notify_one(&e->notify), 0);
    step(e);
    assert_string_equal(e->log, "a@0 b@0 c@0");
}

static void notify_canceled_queued_waiter_leaves_the_queue(void **state)
{
    env *e = *state;
    actor a, b, c;
    spawn(e, &a, "a", NOTIFY);
    spawn(e, &b, "b", NOTIFY);
    spawn(e, &c, "c", NOTIFY);
    step(e);
    cancel(e, &b); /* the middle one of three */
    step(e);
    assert_string_equal(e->log, "b:ECANCELED@0");
    assert_idle(&b.w);
    assert_int_equal(pawl_notify_one(&e->notify), 0);
    assert_int_equal(pawl_notify_one(&e->notify), 0);
    step(e);
    assert_string_equal(e->log, "b:ECANCELED@0 a@0 c@0");
    /* Two notifications, two waiters: none left over. */
    assert_int_equal(e->notify.pawl__permit, 0);
}

static void notify_canceled_waiter_passes_a_notify_one_on(void **state)
{
    env *e = *state;
    actor a, b, c, d;
    spawn(e, &a, "a", NOTIFY);
    spawn(e, &b, "b", NOTIFY);
    spawn(e, &c, "c", NOTIFY);
    step(e);
    assert_int_equal(pawl_notify_one(&e->notify), 0);
    assert_int_equal(a.w.pawl__state, PAWL__W_SERVED);
    cancel(e, &a); /* woken, not yet run */
    step(e);
    /* b has it; c does not (one notification, passed on once). */
    assert_string_equal(e->log, "a:ECANCELED@0 b@0");
    assert_false(done(&c));
    assert_int_equal(e->notify.pawl__permit, 0);

    /* The last waiter canceled after its wake: the permit is stored again. */
    assert_int_equal(pawl_notify_one(&e->notify), 0);
    cancel(e, &c);
    step(e);
    assert_string_equal(e->log, "a:ECANCELED@0 b@0 c:ECANCELED@0");
    spawn(e, &d, "d", NOTIFY);
    step(e);
    assert_string_equal(e->log, "a:ECANCELED@0 b@0 c:ECANCELED@0 d@0");
}

/* A notify_all was for everyone waiting then, and the others had it: a
 * waiter canceled after it passes nothing to a newcomer. */
static void notify_canceled_waiter_passes_no_notify_all_on(void **state)
{
    env *e = *state;
    actor a, b, c;
    spawn(e, &a, "a", NOTIFY);
    spawn(e, &b, "b", NOTIFY);
    step(e);
    assert_int_equal(pawl_notify_all(&e->notify), 0);
    cancel(e, &a);
    spawn(e, &c, "c", NOTIFY); /* polled after a's cancellation */
    step(e);
    assert_string_equal(e->log, "a:ECANCELED@0 b@0");
    assert_false(done(&c));
    assert_int_equal(e->notify.pawl__permit, 0);
    assert_int_equal(pawl_notify_one(&e->notify), 0);
    step(e);
    assert_string_equal(e->log, "a:ECANCELED@0 b@0 c@0");
}

static void notify_canceled_first_poll_takes_nothing(void **state)
{
    env *e = *state;
    pawl_task task = {0};
    pawl_waiter w = {0};
    pawl_cx cx = canceled_cx(e, &task);
    assert_int_equal(pawl_notify_wait(&e->notify, &w, &cx), PAWL_ECANCELED);
    assert_idle(&w);
    assert_int_equal(pawl_notify_one(&e->notify), 0); /* stored */
    assert_int_equal(pawl_notify_wait(&e->notify, &w, &cx), PAWL_ECANCELED);
    assert_idle(&w);
    assert_int_equal(e->notify.pawl__permit, 1);
    actor a;
    spawn(e, &a, "a", NOTIFY);
    step(e);
    assert_string_equal(e->log, "a@0");
}

static void notify_rejects_bad_input(void **state)
{
    env *e = *state;
    pawl_task task = {0};
    pawl_waiter w = {0};
    pawl_cx cx = {&e->v.loop, &task, 0, 0u};
    assert_int_equal(pawl_notify_init(NULL), PAWL_EINVAL);
    assert_int_equal(pawl_notify_wait(NULL, &w, &cx), PAWL_EINVAL);
    assert_int_equal(pawl_notify_wait(&e->notify, NULL, &cx), PAWL_EINVAL);
    assert_int_equal(pawl_notify_wait(&e->notify, &w, NULL), PAWL_EINVAL);
    assert_int_equal(pawl_notify_one(NULL), PAWL_EINVAL);
    assert_int_equal(pawl_notify_all(NULL), PAWL_EINVAL);
    pawl_notify zero;
    memset(&zero, 0, sizeof zero);
    assert_int_equal(pawl_notify_wait(&zero, &w, &cx), PAWL_EUNINIT);
    assert_int_equal(pawl_notify_one(&zero), PAWL_EUNINIT);
    assert_int_equal(pawl_notify_all(&zero), PAWL_EUNINIT);
    assert_idle(&w);
    assert_int_equal(e->notify.pawl__permit, 0);
}

/* ---- oneshot ---------------------------------------------------------------------- */

static int seven = 7;

static void oneshot_delivers_the_value_to_the_waiting_receiver(void **state)
{
    env *e = *state;
    actor r;
    spawn(e, &r, "r", ONESHOT);
    step(e);
    assert_false(done(&r));
    assert_int_equal(pawl_oneshot_send(&e->oneshot, &seven), 0);
    step(e);
    assert_string_equal(e->log, "r=7@0");
    assert_ptr_equal(r.value, &seven);
}

static void oneshot_value_sent_first_is_received_at_once_and_once_only(void **state)
{
    env *e = *state;
    actor r, s;
    int other = 8;
    assert_int_equal(pawl_oneshot_send(&e->oneshot, &seven), 0);
    assert_int_equal(pawl_oneshot_send(&e->oneshot, &other), PAWL_EALREADY);
    spawn(e, &r, "r", ONESHOT);
    step(e);
    assert_string_equal(e->log, "r=7@0");
    spawn(e, &s, "s", ONESHOT);
    step(e);
    assert_string_equal(e->log, "r=7@0 s:EALREADY@0");
    assert_int_equal(pawl_oneshot_send(&e->oneshot, &other), PAWL_EALREADY);
    assert_int_equal(pawl_oneshot_close(&e->oneshot), 0);
}

static void oneshot_close_wakes_the_receiver_with_eclosed(void **state)
{
    env *e = *state;
    actor r;
    spawn(e, &r, "r", ONESHOT);
    step(e);
    assert_int_equal(pawl_oneshot_close(&e->oneshot), 0);
    step(e);
    assert_string_equal(e->log, "r:ECLOSED@0");
    assert_int_equal(pawl_oneshot_send(&e->oneshot, &seven), PAWL_ECLOSED);
    assert_int_equal(pawl_oneshot_close(&e->oneshot), 0);
}

static void oneshot_close_after_send_still_delivers(void **state)
{
    env *e = *state;
    actor r;
    assert_int_equal(pawl_oneshot_send(&e->oneshot, &seven), 0);
    assert_int_equal(pawl_oneshot_close(&e->oneshot), 0);
    spawn(e, &r, "r", ONESHOT);
    step(e);
    assert_string_equal(e->log, "r=7@0");
}

static void oneshot_second_receiver_is_busy(void **state)
{
    env *e = *state;
    actor r, s;
    spawn(e, &r, "r", ONESHOT);
    spawn(e, &s, "s", ONESHOT);
    step(e);
    assert_string_equal(e->log, "s:EBUSY@0");
    assert_int_equal(pawl_oneshot_send(&e->oneshot, &seven), 0);
    step(e);
    assert_string_equal(e->log, "s:EBUSY@0 r=7@0");
}

static void oneshot_canceled_receiver_gives_its_place_back_and_loses_no_value(void **state)
{
    env *e = *state;
    actor r, s;
    /* Canceled while it waits: the place is free for another receiver. */
    spawn(e, &r, "r", ONESHOT);
    step(e);
    cancel(e, &r);
    spawn(e, &s, "s", ONESHOT);
    step(e);
    assert_string_equal(e->log, "r:ECANCELED@0");
    assert_false(done(&s));
    assert_int_equal(pawl_oneshot_send(&e->oneshot, &seven), 0);
    step(e);
    assert_string_equal(e->log, "r:ECANCELED@0 s=7@0");

    /* Canceled after the value was sent, before it took it: the value
     * stays for the next receiver. */
    e->log[0] = '\0';
    assert_int_equal(pawl_oneshot_init(&e->oneshot), 0);
    spawn(e, &r, "r", ONESHOT);
    step(e);
    assert_int_equal(pawl_oneshot_send(&e->oneshot, &seven), 0);
    cancel(e, &r);
    step(e);
    assert_string_equal(e->log, "r:ECANCELED@0");
    spawn(e, &s, "s", ONESHOT);
    step(e);
    assert_string_equal(e->log, "r:ECANCELED@0 s=7@0");
}

static void oneshot_canceled_first_poll_takes_nothing(void **state)
{
    env *e = *state;
    pawl_task task = {0};
    pawl_cx cx = canceled_cx(e, &task);
    void *value = NULL;
    assert_int_equal(pawl_oneshot_send(&e->oneshot, &seven), 0);
    assert_int_equal(pawl_oneshot_recv(&e->oneshot, &cx, &value), PAWL_ECANCELED);
    assert_null(value);
    actor r;
    spawn(e, &r, "r", ONESHOT);
    step(e);
    assert_string_equal(e->log, "r=7@0");
}

static void oneshot_rejects_bad_input(void **state)
{
    env *e = *state;
    pawl_task task = {0};
    pawl_cx cx = {&e->v.loop, &task, 0, 0u};
    void *value = NULL;
    assert_int_equal(pawl_oneshot_init(NULL), PAWL_EINVAL);
    assert_int_equal(pawl_oneshot_send(NULL, &seven), PAWL_EINVAL);
    assert_int_equal(pawl_oneshot_close(NULL), PAWL_EINVAL);
    assert_int_equal(pawl_oneshot_recv(NULL, &cx, &value), PAWL_EINVAL);
    assert_int_equal(pawl_oneshot_recv(&e->oneshot, NULL, &value), PAWL_EINVAL);
    assert_int_equal(pawl_oneshot_recv(&e->oneshot, &cx, NULL), PAWL_EINVAL);
    /* None of it registered a receiver or changed the state. */
    assert_null(e->oneshot.pawl__task);
    assert_int_equal(pawl_oneshot_send(&e->oneshot, &seven), 0);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, env_setup, env_teardown)
    const struct CMUnitTest tests[] = {
        T(sem_acquire_takes_a_free_permit_at_once),
        T(sem_waiters_are_served_in_fifo_order),
        T(sem_no_barging_a_newcomer_queues_behind_the_waiters),
        T(sem_release_n_serves_that_many_waiters_and_keeps_the_rest),
        T(sem_waiter_is_reused_across_awaits),
        T(sem_canceled_queued_waiter_leaves_the_queue),
        T(sem_canceled_served_waiter_passes_its_permit_on),
        T(sem_canceled_first_poll_takes_nothing),
        T(sem_rejects_bad_input),
        T(mutex_held_across_an_await_keeps_others_out),
        T(mutex_unlock_hands_the_lock_to_the_first_waiter),
        T(mutex_canceled_queued_waiter_leaves_the_queue),
        T(mutex_canceled_served_waiter_hands_the_lock_on),
        T(mutex_canceled_first_poll_takes_nothing),
        T(mutex_rejects_bad_input),
        T(notify_one_wakes_the_first_waiter_only),
        T(notify_one_with_nobody_waiting_stores_one_permit),
        T(notify_all_wakes_every_waiter_and_stores_nothing),
        T(notify_canceled_queued_waiter_leaves_the_queue),
        T(notify_canceled_waiter_passes_a_notify_one_on),
        T(notify_canceled_waiter_passes_no_notify_all_on),
        T(notify_canceled_first_poll_takes_nothing),
        T(notify_rejects_bad_input),
        T(oneshot_delivers_the_value_to_the_waiting_receiver),
        T(oneshot_value_sent_first_is_received_at_once_and_once_only),
        T(oneshot_close_wakes_the_receiver_with_eclosed),
        T(oneshot_close_after_send_still_delivers),
        T(oneshot_second_receiver_is_busy),
        T(oneshot_canceled_receiver_gives_its_place_back_and_loses_no_value),
        T(oneshot_canceled_first_poll_takes_nothing),
        T(oneshot_rejects_bad_input),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
