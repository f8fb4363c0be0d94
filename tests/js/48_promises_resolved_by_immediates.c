/*
 * 48_promises_resolved_by_immediates: a promise resolved by an immediate
 * runs its handlers before the next immediate; an immediate queued by a
 * handler waits for the next check phase; a promise rejected by an
 * immediate and caught in its drain is not reported.
 *
 * Why Node guarantees it: the check phase drains the job queue after each
 * immediate, and immediates queued during the phase wait for the next one
 * (see the .js).  pawl's check phase does both; q's rejection is handled
 * before the drain ends, so the on_rejection hook is not called.
 */
#include "scenario.h"

static pawl_promise *p;
static pawl_promise *q;

static pawl_value then_1(void *ctx, pawl_value v)
{
    (void)ctx;
    say("then 1 %s", value_text(v));
    must(pawl_set_immediate(loop, print_text, TEXT("immediate C (queued by then 1)")));
    return pawl_undefined();
}

static int immediate_a(void *arg)
{
    (void)arg;
    say("immediate A resolves p");
    must(pawl_promise_resolve(p, pawl_ptr(TEXT("a"))));
    pawl_promise_release(p);
    must(pawl_queue_microtask(loop, print_text_micro, TEXT("micro after A")));
    return 0;
}

static int immediate_b(void *arg)
{
    (void)arg;
    say("immediate B rejects q");
    must(pawl_promise_reject(q, pawl_ptr(TEXT("q-reason"))));
    must(pawl_promise_catch(q, print_value, TEXT("catch"), NULL));
    pawl_promise_release(q);
    return 0;
}

int main(void)
{
    scenario_open();
    must(pawl_promise_new(loop, &p));
    must(pawl_promise_new(loop, &q));
    pawl_promise *t1 = then_do(p, then_1, NULL);
    must(pawl_promise_then(t1, print_then, NULL, TEXT("then 2"), NULL));
    pawl_promise_release(t1);
    must(pawl_set_immediate(loop, immediate_a, NULL));
    must(pawl_set_immediate(loop, immediate_b, NULL));
    return scenario_finish();
}
