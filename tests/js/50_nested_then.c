/*
 * 50_nested_then: a then() made inside a handler is queued behind what is
 * already queued but ahead of the outer chain's next step; an inner chain
 * returned by the handler holds the outer chain back until it is done,
 * plus the two adoption turns.
 *
 * Why Node guarantees it: the inner then() on a fulfilled promise queues
 * its job at once, while the outer chain's next job is queued only when
 * the handler returns; a returned promise is adopted through a
 * NewPromiseResolveThenableJob and a reaction job (see the .js).  Here
 * ret 1 returns pawl_promise_value() of its inner chain's last promise.
 */
#include "scenario.h"

static pawl_value outer_1(void *ctx, pawl_value v)
{
    (void)ctx;
    (void)v;
    say("outer 1");
    pawl_promise *s = resolved_undefined();
    chain_print(s, "inner 1", "inner 2", NULL);
    pawl_promise_release(s);
    return pawl_undefined();
}

static pawl_value ret_inner_2(void *ctx, pawl_value v)
{
    (void)ctx;
    (void)v;
    say("ret inner 2");
    return pawl_ptr(TEXT("done"));
}

static pawl_value ret_1(void *ctx, pawl_value v)
{
    (void)ctx;
    (void)v;
    say("ret 1 returns its inner chain");
    pawl_promise *s = resolved_undefined();
    pawl_promise *i1 = then_do(s, print_then, "ret inner 1");
    pawl_promise *i2 = then_do(i1, ret_inner_2, NULL);
    pawl_promise_release(s);
    pawl_promise_release(i1);
    return pawl_promise_value(i2);
}

static int immediate_a(void *arg)
{
    (void)arg;
    say("immediate A");
    pawl_promise *s1 = resolved_undefined();
    pawl_promise *o1 = then_do(s1, outer_1, NULL);
    chain_print(o1, "outer 2", "outer 3", NULL);
    pawl_promise *s2 = resolved_undefined();
    pawl_promise *r1 = then_do(s2, ret_1, NULL);
    must(pawl_promise_then(r1, print_value, NULL, TEXT("ret 2"), NULL));
    pawl_promise *b = resolved_undefined();
    chain_print(b, "b1", "b2", "b3", "b4", "b5", "b6", NULL);
    pawl_promise_release(s1);
    pawl_promise_release(o1);
    pawl_promise_release(s2);
    pawl_promise_release(r1);
    pawl_promise_release(b);
    return 0;
}

int main(void)
{
    scenario_open();
    must(pawl_set_immediate(loop, immediate_a, NULL));
    must(pawl_set_immediate(loop, print_text, TEXT("immediate B")));
    return scenario_finish();
}
