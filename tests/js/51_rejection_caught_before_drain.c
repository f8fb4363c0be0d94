/*
 * 51_rejection_caught_before_drain: a rejection whose handler is attached
 * later, but before the microtask queue drains, is never reported as
 * unhandled, however many turns later that is.
 *
 * Why Node guarantees it: Node looks at the rejections still without a
 * handler only once the job queue is empty (see the .js).  pawl's contract
 * is the same ("by the time the microtask queue next drains"); the
 * on_rejection hook that scenario_open installs prints what Node's
 * listeners print, so a report here would show as a difference.
 */
#include "scenario.h"

static pawl_promise *p;
static pawl_promise *d;

static pawl_value then_throws(void *ctx, pawl_value v)
{
    (void)ctx;
    (void)v;
    say("then throws d-reason");
    return pawl_throw(pawl_ptr(TEXT("d-reason")));
}

static void micro_m3(void *arg)
{
    (void)arg;
    say("micro m3 attaches the catches");
    must(pawl_promise_catch(p, print_value, TEXT("catch"), NULL));
    must(pawl_promise_catch(d, print_value, TEXT("catch"), NULL));
    pawl_promise_release(p);
    pawl_promise_release(d);
}

static void micro_m2(void *arg)
{
    (void)arg;
    say("micro m2");
    must(pawl_queue_microtask(loop, micro_m3, NULL));
}

static void micro_m1(void *arg)
{
    (void)arg;
    say("micro m1");
    must(pawl_queue_microtask(loop, micro_m2, NULL));
}

static int timeout_a(void *arg)
{
    (void)arg;
    say("timeout A");
    must(pawl_promise_rejected(loop, pawl_ptr(TEXT("p-reason")), &p));
    pawl_promise *s = resolved_undefined();
    d = then_do(s, then_throws, NULL);
    pawl_promise_release(s);
    must(pawl_queue_microtask(loop, micro_m1, NULL));
    return 0;
}

int main(void)
{
    scenario_open();
    must(pawl_set_timeout(loop, timeout_a, NULL, 5));
    must(pawl_set_timeout(loop, print_text, TEXT("timeout B"), 5));
    return scenario_finish();
}
