/*
 * 44_all_turns: Promise.all over fulfilled promises is fulfilled in the
 * turn after its inputs' reactions run, so its handler runs one turn later
 * than a then() on an input; all([]) is fulfilled at once; a rejected
 * input rejects it in the first turn; one pending input resolved by a
 * later timer fulfils it in that timer's drain.
 *
 * Why Node guarantees it: Promise.all calls then() on each input, and its
 * last resolve-element job fulfils the result, which queues the result's
 * handlers (see the .js).  pawl_promise_all registers one reaction per
 * input in the same way; all([]) is fulfilled with an empty list at once.
 */
#include "scenario.h"

static pawl_promise *p3;

static pawl_value all_empty(void *ctx, pawl_value v)
{
    (void)ctx;
    say("all([]) length %zu", v.kind == PAWL_V_LIST ? v.u.list->n : (size_t)999);
    return pawl_undefined();
}

static void micro_m1(void *arg)
{
    (void)arg;
    say("micro m1");
    must(pawl_queue_microtask(loop, print_text_micro, TEXT("micro m2")));
}

static int timeout_a(void *arg)
{
    (void)arg;
    say("timeout A");
    pawl_promise *r1, *r2, *no, *all_ok, *all_none, *all_bad, *all_pending;
    must(pawl_promise_resolved(loop, pawl_ptr(TEXT("a")), &r1));
    must(pawl_promise_resolved(loop, pawl_ptr(TEXT("b")), &r2));
    must(pawl_promise_new(loop, &p3));

    must(pawl_promise_all(loop, (pawl_promise *[]){r1, r2}, 2, &all_ok));
    must(pawl_promise_then(all_ok, print_value, NULL, TEXT("all(fulfilled)"), NULL));
    must(pawl_promise_all(loop, NULL, 0, &all_none));
    must(pawl_promise_then(all_none, all_empty, NULL, NULL, NULL));
    must(pawl_promise_rejected(loop, pawl_ptr(TEXT("no")), &no));
    must(pawl_promise_all(loop, (pawl_promise *[]){r1, no, r2}, 3, &all_bad));
    must(pawl_promise_catch(all_bad, print_value, TEXT("all(one rejected)"), NULL));
    must(pawl_promise_all(loop, (pawl_promise *[]){r1, p3}, 2, &all_pending));
    must(pawl_promise_then(all_pending, print_value, NULL, TEXT("all(pending)"), NULL));
    must(pawl_promise_then(r1, print_then, NULL, TEXT("then on input r1"), NULL));
    must(pawl_queue_microtask(loop, micro_m1, NULL));

    pawl_promise_release(r1);
    pawl_promise_release(r2);
    pawl_promise_release(no);
    pawl_promise_release(all_ok);
    pawl_promise_release(all_none);
    pawl_promise_release(all_bad);
    pawl_promise_release(all_pending);
    return 0;
}

static int timeout_c(void *arg)
{
    (void)arg;
    say("timeout C resolves p3");
    must(pawl_promise_resolve(p3, pawl_ptr(TEXT("c"))));
    pawl_promise_release(p3);
    must(pawl_queue_microtask(loop, print_text_micro, TEXT("micro after C")));
    return 0;
}

int main(void)
{
    scenario_open();
    must(pawl_set_timeout(loop, timeout_a, NULL, 5));
    must(pawl_set_timeout(loop, timeout_c, NULL, 10));
    must(pawl_set_timeout(loop, print_text, TEXT("timeout D"), 10));
    return scenario_finish();
}
