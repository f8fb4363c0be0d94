/*
 * 58_reactions_on_one_promise: the handlers attached to one pending
 * promise run in the order they were attached, whatever kind they are
 * (then, catch, finally), when it is settled; a handler that returns its
 * own derived promise rejects it with a TypeError.
 *
 * Why Node guarantees it: a pending promise keeps its reactions in attach
 * order and settling it queues one job per reaction in that order; a
 * handler returning its own promise fails the self-resolution check (see
 * the .js).  pawl keeps a pending promise's reactions newest first
 * (pawl_promise.pawl__head), so it must reverse them when it settles; its
 * TypeError is pawl_error(PAWL_ETYPE, ...).
 */
#include "scenario.h"

static pawl_promise *cycle;

static pawl_value returns_cycle(void *ctx, pawl_value v)
{
    (void)ctx;
    (void)v;
    say("cycle returns its own promise");
    must(pawl_promise_retain(cycle));
    return pawl_promise_value(cycle);
}

static pawl_value cycle_rejected(void *ctx, pawl_value e)
{
    (void)ctx;
    say("cycle rejected %s",
        e.kind == PAWL_V_ERROR && e.code == PAWL_ETYPE ? "TypeError" : value_text(e));
    return pawl_undefined();
}

static pawl_value r_then_3_rejected(void *ctx, pawl_value e)
{
    (void)ctx;
    say("r then 3 onRejected %s", value_text(e));
    return pawl_undefined();
}

static int immediate_a(void *arg)
{
    (void)arg;
    say("immediate A");
    pawl_promise *p, *r, *t;
    must(pawl_promise_new(loop, &p));
    must(pawl_promise_new(loop, &r));
    must(pawl_promise_then(p, print_value, NULL, TEXT("p then 1"), NULL));
    must(pawl_promise_catch(p, print_then, TEXT("p catch 2 (not called)"), &t));
    must(pawl_promise_then(t, print_value, NULL, TEXT("p catch 2 passed on"), NULL));
    pawl_promise_release(t);
    must(pawl_promise_finally(p, print_finally, TEXT("p finally 3"), NULL));
    must(pawl_promise_then(p, print_value, NULL, TEXT("p then 4"), NULL));

    t = then_do(r, print_then, "r then 1 (not called)");
    must(pawl_promise_catch(t, print_value, TEXT("r then 1 passed on"), NULL));
    pawl_promise_release(t);
    must(pawl_promise_catch(r, print_value, TEXT("r catch 2"), NULL));
    must(pawl_promise_then(r, print_then, r_then_3_rejected, TEXT("r then 3 (not called)"), NULL));

    pawl_promise *s = resolved_undefined();
    cycle = then_do(s, returns_cycle, NULL);
    must(pawl_promise_catch(cycle, cycle_rejected, NULL, NULL));
    pawl_promise_release(s);

    must(pawl_promise_reject(r, pawl_ptr(TEXT("r-reason"))));
    must(pawl_promise_resolve(p, pawl_ptr(TEXT("v"))));
    pawl_promise_release(p);
    pawl_promise_release(r);
    return 0;
}

static int immediate_b(void *arg)
{
    (void)arg;
    say("immediate B");
    pawl_promise_release(cycle);
    return 0;
}

int main(void)
{
    scenario_open();
    must(pawl_set_immediate(loop, immediate_a, NULL));
    must(pawl_set_immediate(loop, immediate_b, NULL));
    return scenario_finish();
}
