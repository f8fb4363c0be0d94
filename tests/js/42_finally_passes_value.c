/*
 * 42_finally_passes_value: finally() runs its callback in the same turn
 * a then() would, but passes the original value or reason on two turns
 * later than a then() chain would.
 *
 * Why Node guarantees it: Promise.prototype.finally is a then() whose
 * handler calls the callback and returns
 * PromiseResolve(result).then(valueThunk), a promise the derived promise
 * then adopts (see the .js for the turns).  pawl_promise_finally follows
 * the same steps, per its comment (three promises, three reactions).
 */
#include "scenario.h"

static int timeout_a(void *arg)
{
    (void)arg;
    say("timeout A");
    pawl_promise *f, *f1;
    must(pawl_promise_resolved(loop, pawl_ptr(TEXT("v")), &f));
    must(pawl_promise_finally(f, print_finally, TEXT("f1 finally"), &f1));
    must(pawl_promise_then(f1, print_value, NULL, TEXT("f2 then"), NULL));

    pawl_promise *g, *g1;
    must(pawl_promise_rejected(loop, pawl_ptr(TEXT("r")), &g));
    must(pawl_promise_finally(g, print_finally, TEXT("g1 finally"), &g1));
    must(pawl_promise_catch(g1, print_value, TEXT("g2 catch"), NULL));

    pawl_promise *b = resolved_undefined();
    chain_print(b, "b1", "b2", "b3", "b4", "b5", NULL);

    pawl_promise_release(f);
    pawl_promise_release(f1);
    pawl_promise_release(g);
    pawl_promise_release(g1);
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
