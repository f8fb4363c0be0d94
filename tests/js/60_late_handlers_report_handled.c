/*
 * 60_late_handlers_report_handled: a reported rejection that gets its
 * handler later from a combinator or from finally() is reported handled;
 * finally passes the rejection on to a new promise, which is reported
 * unhandled in turn; the reports come after the drain, handled ones first.
 *
 * Why Node guarantees it: a combinator or finally() calls then() on the
 * promise, which counts as handling it, and Node emits its reports after
 * the drain, the handled ones first (see the .js).  pawl's contract counts
 * combinators and finally as rejection handlers too.
 */
#include "scenario.h"

static pawl_promise *p;
static pawl_promise *q;

static int timeout_a(void *arg)
{
    (void)arg;
    say("timeout A rejects p and q");
    must(pawl_promise_rejected(loop, pawl_ptr(TEXT("p-reason")), &p));
    must(pawl_promise_rejected(loop, pawl_ptr(TEXT("q-reason")), &q));
    return 0;
}

static int timeout_c(void *arg)
{
    (void)arg;
    say("timeout C handles them");
    must(pawl_promise_finally(q, print_finally, TEXT("finally on q"), NULL));
    pawl_promise *all;
    must(pawl_promise_all(loop, &p, 1, &all));
    must(pawl_promise_catch(all, print_value, TEXT("all catch"), NULL));
    must(pawl_queue_microtask(loop, print_text_micro, TEXT("micro after C")));
    pawl_promise_release(all);
    pawl_promise_release(p);
    pawl_promise_release(q);
    return 0;
}

int main(void)
{
    scenario_open();
    must(pawl_set_timeout(loop, timeout_a, NULL, 5));
    must(pawl_set_timeout(loop, timeout_c, NULL, 10));
    return scenario_finish();
}
