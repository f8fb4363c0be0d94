/*
 * 43_finally_throws: a finally() callback that throws rejects the derived
 * promise at once, replacing the original outcome; one that returns a
 * rejected promise rejects it after the adoption turns; one that returns a
 * fulfilled promise leaves the original rejection in place.
 *
 * Why Node guarantees it: finally's handler calls the callback first and
 * lets its throw reject the derived promise in the same reaction job;
 * a returned promise is waited for through then() and adoption (see the
 * .js for the turns).  Here the callback returns pawl_throw() to throw and
 * pawl_promise_value() to return a promise.
 */
#include "scenario.h"

static pawl_value f1_throws(void *ctx)
{
    (void)ctx;
    say("f1 finally throws boom");
    return pawl_throw(pawl_ptr(TEXT("boom")));
}

static pawl_value g1_returns_rejected(void *ctx)
{
    (void)ctx;
    say("g1 finally returns a rejected promise");
    pawl_promise *bad;
    must(pawl_promise_rejected(loop, pawl_ptr(TEXT("bad")), &bad));
    return pawl_promise_value(bad);
}

static pawl_value h1_returns_fulfilled(void *ctx)
{
    (void)ctx;
    say("h1 finally returns a fulfilled promise");
    pawl_promise *ignored;
    must(pawl_promise_resolved(loop, pawl_ptr(TEXT("ignored")), &ignored));
    return pawl_promise_value(ignored);
}

static pawl_value f2_fulfilled(void *ctx, pawl_value v)
{
    (void)ctx;
    say("f2 (not called) %s", value_text(v));
    return pawl_undefined();
}

static pawl_value f2_rejected(void *ctx, pawl_value e)
{
    (void)ctx;
    say("f2 rejected %s", value_text(e));
    return pawl_undefined();
}

static int timeout_a(void *arg)
{
    (void)arg;
    say("timeout A");
    pawl_promise *f, *f1;
    must(pawl_promise_resolved(loop, pawl_ptr(TEXT("v")), &f));
    must(pawl_promise_finally(f, f1_throws, NULL, &f1));
    must(pawl_promise_then(f1, f2_fulfilled, f2_rejected, NULL, NULL));

    pawl_promise *g, *g1;
    must(pawl_promise_resolved(loop, pawl_ptr(TEXT("v")), &g));
    must(pawl_promise_finally(g, g1_returns_rejected, NULL, &g1));
    must(pawl_promise_catch(g1, print_value, TEXT("g2 catch"), NULL));

    pawl_promise *h, *h1;
    must(pawl_promise_rejected(loop, pawl_ptr(TEXT("r")), &h));
    must(pawl_promise_finally(h, h1_returns_fulfilled, NULL, &h1));
    must(pawl_promise_catch(h1, print_value, TEXT("h2 catch"), NULL));

    pawl_promise *b = resolved_undefined();
    chain_print(b, "b1", "b2", "b3", "b4", "b5", NULL);

    pawl_promise_release(f);
    pawl_promise_release(f1);
    pawl_promise_release(g);
    pawl_promise_release(g1);
    pawl_promise_release(h);
    pawl_promise_release(h1);
    pawl_promise_release(b);
    return 0;
}

int main(void)
{
    scenario_open();
    must(pawl_set_timeout(loop, timeout_a, NULL, 5));
    must(pawl_set_timeout(loop, print_text, TEXT("timeout B"), 5));
    return scenario_finish();
}
