/*
 * 61_handled_reported_before_unhandled: when one drain both handles an
 * already reported rejection and leaves a new one unhandled, the
 * 'rejectionHandled' report comes first, even if the new rejection
 * happened before the late handler was attached.
 *
 * Why Node guarantees it: Node reports the late-handled promises of a
 * drain before the new unhandled ones, from two separate lists (see the
 * .js).  pawl reports both through the on_rejection hook, which
 * scenario_open installs to print Node's lines.
 */
#include "scenario.h"

static pawl_promise *p;

static int timeout_a(void *arg)
{
    (void)arg;
    say("timeout A rejects p");
    must(pawl_promise_rejected(loop, pawl_ptr(TEXT("p-reason")), &p));
    return 0;
}

static int timeout_c(void *arg)
{
    (void)arg;
    say("timeout C rejects r, then handles p");
    pawl_promise *r;
    must(pawl_promise_rejected(loop, pawl_ptr(TEXT("r-reason")), &r));
    pawl_promise_release(r);
    must(pawl_promise_catch(p, print_value, TEXT("catch"), NULL));
    pawl_promise_release(p);
    return 0;
}

int main(void)
{
    scenario_open();
    must(pawl_set_timeout(loop, timeout_a, NULL, 5));
    must(pawl_set_timeout(loop, timeout_c, NULL, 10));
    return scenario_finish();
}
