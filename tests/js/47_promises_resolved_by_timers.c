/*
 * 47_promises_resolved_by_timers: a promise resolved by a timer callback
 * runs its handlers, and the handlers those queue, right after that
 * callback and before the next timer of the same pass; an interval that
 * resolves a promise on each call gets each handler before its next call.
 *
 * Why Node guarantees it: resolve() queues the reaction jobs at once, and
 * Node drains the whole job queue after each timer callback (see the .js).
 * pawl drains its microtask queue, reactions included, after each timer
 * callback.
 */
#include "scenario.h"

static pawl_promise *p;
static pawl_timer_id tick;
static int calls;

static int timeout_a(void *arg)
{
    (void)arg;
    say("timeout A resolves p");
    must(pawl_promise_resolve(p, pawl_ptr(TEXT("a"))));
    must(pawl_queue_microtask(loop, print_text_micro, TEXT("micro after A")));
    return 0;
}

static int timeout_b(void *arg)
{
    (void)arg;
    say("timeout B");
    must(pawl_promise_then(p, print_value, NULL, TEXT("then 3 (added in B)"), NULL));
    pawl_promise_release(p);
    return 0;
}

static pawl_value interval_finally(void *ctx)
{
    (void)ctx;
    say("interval finally %d", calls);
    if (calls == 2)
        must(pawl_clear_interval(loop, tick));
    return pawl_undefined();
}

static int on_tick(void *arg)
{
    (void)arg;
    calls++;
    say("interval call %d", calls);
    pawl_promise *n, *t;
    must(pawl_promise_new(loop, &n));
    must(pawl_promise_resolve(n, pawl_int(calls)));
    t = then_do(n, print_value, "interval then");
    must(pawl_promise_finally(t, interval_finally, NULL, NULL));
    pawl_promise_release(n);
    pawl_promise_release(t);
    return 0;
}

int main(void)
{
    scenario_open();
    must(pawl_promise_new(loop, &p));
    pawl_promise *t1 = then_do(p, print_value, "then 1");
    must(pawl_promise_then(t1, print_then, NULL, TEXT("then 2"), NULL));
    pawl_promise_release(t1);
    must(pawl_set_timeout(loop, timeout_a, NULL, 5));
    must(pawl_set_timeout(loop, timeout_b, NULL, 5));
    tick = must(pawl_set_interval(loop, on_tick, NULL, 5));
    return scenario_finish();
}
