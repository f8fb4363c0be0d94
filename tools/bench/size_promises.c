/*
 * tools/bench/size_promises.c -- size_core.c's program plus promises, for
 * tools/bench/size: a pool of static arrays, new / resolve / then /
 * catch / finally, and a task awaiting a promise that a timer resolves.
 * (No combinators, delay or with_timeout: those add the allocator.)
 */
#include "pawl/cortexm.h"
#include "pawl/pawl.h"

static pawl_cortexm_platform port;
static pawl_loop loop;
PAWL_PROMISE_POOL_STATIC(pool, 4, 4);

static pawl_promise *answer;
static pawl_timer later;

static int on_later(pawl_loop *l, pawl_timer *t)
{
    (void)l;
    (void)t;
    pawl_promise_resolve(answer, pawl_int(41));
    return PAWL_TIMER_STOP;
}

static pawl_value plus_one(void *ctx, pawl_value v)
{
    (void)ctx;
    return pawl_int(v.u.i + 1);
}

static pawl_value on_error(void *ctx, pawl_value v)
{
    (void)ctx;
    return v;
}

static pawl_value done(void *ctx)
{
    (void)ctx;
    return pawl_undefined();
}

typedef struct waiter {
    pawl_task task;
    pawl_promise *p;
    pawl_value v;
} waiter;

static waiter w;

static pawl_poll waiter_poll(pawl_task *t, pawl_cx *cx)
{
    waiter *s = PAWL_CONTAINER_OF(t, waiter, task);
    int rc;
    PAWL_BEGIN(cx);
    PAWL_AWAIT(cx, rc, pawl_promise_await(s->p, cx, &s->v));
    (void)rc;
    pawl_value_drop(&s->v);
    pawl_promise_release(s->p);
    PAWL_END(cx);
}

void SysTick_Handler(void);
void SysTick_Handler(void)
{
    pawl_cortexm_tick();
}

int main(void);
int main(void)
{
    pawl_loop_opts o = {.platform = &port.base, .promise_pool = &pool};
    if (pawl_cortexm_init(&port, 25000000u, 0) != 0 || pawl_loop_init(&loop, &o) != 0)
        return 1;
    pawl_promise *a, *b;
    if (pawl_promise_new(&loop, &answer) != 0 ||
        pawl_promise_then(answer, plus_one, NULL, NULL, &a) != 0 ||
        pawl_promise_catch(a, on_error, NULL, &b) != 0 ||
        pawl_promise_finally(b, done, NULL, &w.p) != 0)
        return 1;
    pawl_promise_release(a);
    pawl_promise_release(b);
    pawl_timer_init(&later, on_later);
    pawl_timer_start(&loop, &later, 5);
    pawl_task_init(&w.task, waiter_poll);
    pawl_task_spawn(&loop, &w.task);
    int rc = pawl_loop_run(&loop, PAWL_RUN_DEFAULT);
    pawl_promise_release(answer);
    return rc != 0 || pawl_loop_close(&loop) != 0;
}
