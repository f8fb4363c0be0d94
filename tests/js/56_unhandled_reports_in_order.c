/*
 * 56_unhandled_reports_in_order: several rejections left unhandled in one
 * drain are reported in the order they were rejected, once each, and only
 * the promise at the end of a chain is reported: a rejection passed on by
 * then() or finally() counts as handled where it was passed on.
 *
 * Why Node guarantees it: Node appends each rejection without a handler
 * to a list, forgets those that get a handler before the drain ends, and
 * reports the rest in list order (see the .js).  In pawl, q is rejected
 * by pawl_promise_rejected in A, e's derived promise by its reaction in
 * turn 1, f's finally promise in turn 4; the promises this program
 * releases at once must still be reported.
 */
#include "scenario.h"

static int timeout_a(void *arg)
{
    (void)arg;
    say("timeout A");
    pawl_promise *f, *e, *q;
    must(pawl_promise_rejected(loop, pawl_ptr(TEXT("f")), &f));
    must(pawl_promise_finally(f, print_finally, TEXT("finally runs"), NULL));
    must(pawl_promise_rejected(loop, pawl_ptr(TEXT("e")), &e));
    must(pawl_promise_then(e, print_then, NULL, TEXT("then (not called)"), NULL));
    must(pawl_promise_rejected(loop, pawl_ptr(TEXT("q")), &q));
    must(pawl_queue_microtask(loop, print_text_micro, TEXT("micro m")));
    pawl_promise_release(f);
    pawl_promise_release(e);
    pawl_promise_release(q);
    return 0;
}

int main(void)
{
    scenario_open();
    must(pawl_set_timeout(loop, timeout_a, NULL, 5));
    must(pawl_set_timeout(loop, print_text, TEXT("timeout B"), 5));
    return scenario_finish();
}
