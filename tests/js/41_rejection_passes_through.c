/*
 * 41_rejection_passes_through: a rejection passes through then() calls
 * that have no rejection handler, one microtask turn per then(), until a
 * catch handles it; what catch returns fulfils the rest of the chain; a
 * rejection handler that throws rejects the next promise.
 *
 * Why Node guarantees it: a then() without onRejected rejects its derived
 * promise from its reaction job, one turn per step (see the .js).  Here a
 * NULL on_rejected passes the reason through, and returning pawl_throw()
 * is the handler's throw.
 */
#include "scenario.h"

static pawl_value r3_catch(void *ctx, pawl_value e)
{
    (void)ctx;
    say("r3 catch %s", value_text(e));
    return pawl_ptr(TEXT("recovered"));
}

static pawl_value s1_on_rejected(void *ctx, pawl_value e)
{
    (void)ctx;
    say("s1 onRejected %s, throws e3", value_text(e));
    return pawl_throw(pawl_ptr(TEXT("e3")));
}

static int immediate_a(void *arg)
{
    (void)arg;
    say("immediate A");
    pawl_promise *e1, *r1, *r2, *r3;
    must(pawl_promise_rejected(loop, pawl_ptr(TEXT("e1")), &e1));
    r1 = then_do(e1, print_then, "r1 (not called)");
    r2 = then_do(r1, print_then, "r2 (not called)");
    must(pawl_promise_catch(r2, r3_catch, NULL, &r3));
    must(pawl_promise_then(r3, print_value, NULL, TEXT("r4 then"), NULL));

    pawl_promise *e2, *s1;
    must(pawl_promise_rejected(loop, pawl_ptr(TEXT("e2")), &e2));
    must(pawl_promise_then(e2, print_then, s1_on_rejected, TEXT("s1 (not called)"), &s1));
    must(pawl_promise_catch(s1, print_value, TEXT("s2 catch"), NULL));

    pawl_promise *b = resolved_undefined();
    chain_print(b, "b1", "b2", "b3", "b4", "b5", NULL);

    pawl_promise_release(e1);
    pawl_promise_release(r1);
    pawl_promise_release(r2);
    pawl_promise_release(r3);
    pawl_promise_release(e2);
    pawl_promise_release(s1);
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
