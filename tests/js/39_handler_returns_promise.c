/*
 * 39_handler_returns_promise: a then handler that returns a promise delays
 * its chain by two microtask turns against a plain chain, even when the
 * returned promise is already fulfilled.
 *
 * Why Node guarantees it: resolving the derived promise with a thenable
 * costs a NewPromiseResolveThenableJob and then a reaction job on the
 * returned promise before the derived promise is fulfilled (see the .js).
 * Here a1 returns pawl_promise_value(x), which pawl's contract says is
 * adopted with the ES number of turns.
 */
#include "scenario.h"

static pawl_value a1_returns_promise(void *ctx, pawl_value v)
{
    (void)ctx;
    (void)v;
    say("a1 returns a fulfilled promise");
    pawl_promise *x;
    must(pawl_promise_resolved(loop, pawl_ptr(TEXT("x")), &x));
    return pawl_promise_value(x);
}

static pawl_value c1_returns_value(void *ctx, pawl_value v)
{
    (void)ctx;
    (void)v;
    say("c1 returns a plain value");
    return pawl_ptr(TEXT("y"));
}

static int immediate_a(void *arg)
{
    (void)arg;
    say("immediate A");
    pawl_promise *a = resolved_undefined();
    pawl_promise *a1 = then_do(a, a1_returns_promise, NULL);
    must(pawl_promise_then(a1, print_value, NULL, TEXT("a2"), NULL));
    pawl_promise *b = resolved_undefined();
    chain_print(b, "b1", "b2", "b3", "b4", "b5", NULL);
    pawl_promise *c = resolved_undefined();
    pawl_promise *c1 = then_do(c, c1_returns_value, NULL);
    must(pawl_promise_then(c1, print_value, NULL, TEXT("c2"), NULL));
    pawl_promise_release(a);
    pawl_promise_release(a1);
    pawl_promise_release(b);
    pawl_promise_release(c);
    pawl_promise_release(c1);
    return 0;
}

int main(void)
{
    scenario_open();
    must(pawl_set_immediate(loop, immediate_a, NULL));
    must(pawl_set_immediate(loop, print_text, TEXT("immediate B")));
    return scenario_finish();
}
