/*
 * 38_then_settled_vs_pending: then() on a settled promise queues its
 * handler at once; then() on a pending promise queues it when the promise
 * is resolved, wherever that happens; queueMicrotask queues at once.
 *
 * Why Node guarantees it: PerformPromiseThen queues a reaction job at once
 * for a fulfilled promise and only records the reaction for a pending one;
 * resolve() queues the recorded reactions (see the .js).  Here the
 * executor's resolve function is pawl_promise_resolve on a promise made by
 * pawl_promise_new.
 */
#include "scenario.h"

static pawl_promise *p2;

static void micro_m1(void *arg)
{
    (void)arg;
    say("micro m1: resolves p2");
    must(pawl_promise_resolve(p2, pawl_undefined()));
    pawl_promise_release(p2);
}

static int timeout_a(void *arg)
{
    (void)arg;
    say("timeout A");
    pawl_promise *p1;
    must(pawl_promise_new(loop, &p1));
    must(pawl_promise_new(loop, &p2));
    pawl_promise *settled = resolved_undefined();
    chain_print(p2, "then on pending p2 (resolved by m1)", NULL);
    chain_print(p1, "then on pending p1 (resolved in A)", NULL);
    must(pawl_queue_microtask(loop, micro_m1, NULL));
    chain_print(settled, "then on settled", NULL);
    must(pawl_promise_resolve(p1, pawl_undefined()));
    must(pawl_queue_microtask(loop, print_text_micro, TEXT("micro m2")));
    pawl_promise_release(p1);
    pawl_promise_release(settled);
    return 0;
}

int main(void)
{
    scenario_open();
    must(pawl_set_timeout(loop, timeout_a, NULL, 5));
    must(pawl_set_timeout(loop, print_text, TEXT("timeout B"), 5));
    return scenario_finish();
}
