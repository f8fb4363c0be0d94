/*
 * 52_rejection_unhandled_then_handled: a rejection still unhandled when
 * the microtask queue drains is reported once, after that drain; when a
 * handler is attached in a later callback, the handler runs in that
 * callback's drain and 'rejectionHandled' is reported after it.
 *
 * Why Node guarantees it: Node emits 'unhandledRejection' and
 * 'rejectionHandled' from processPromiseRejections, which runs only once
 * the job queue is empty (see the .js).  pawl reports both through the
 * on_rejection hook (PAWL_REJECTION_UNHANDLED, then _HANDLED), which
 * scenario_open installs to print Node's lines.
 */
#include "scenario.h"

static pawl_promise *p;
static pawl_promise *q;

static int timeout_a(void *arg)
{
    (void)arg;
    say("timeout A rejects p");
    must(pawl_promise_rejected(loop, pawl_ptr(TEXT("p-reason")), &p));
    must(pawl_queue_microtask(loop, print_text_micro, TEXT("micro after A")));
    return 0;
}

static void micro_catch_q(void *arg)
{
    (void)arg;
    must(pawl_promise_catch(q, print_value, TEXT("catch"), NULL));
    pawl_promise_release(q);
}

static int timeout_b(void *arg)
{
    (void)arg;
    say("timeout B");
    must(pawl_promise_rejected(loop, pawl_ptr(TEXT("q-reason")), &q));
    must(pawl_queue_microtask(loop, micro_catch_q, NULL));
    return 0;
}

static int timeout_c(void *arg)
{
    (void)arg;
    say("timeout C attaches the catch");
    must(pawl_promise_catch(p, print_value, TEXT("catch"), NULL));
    pawl_promise_release(p);
    must(pawl_queue_microtask(loop, print_text_micro, TEXT("micro after C")));
    return 0;
}

int main(void)
{
    scenario_open();
    must(pawl_set_timeout(loop, timeout_a, NULL, 5));
    must(pawl_set_timeout(loop, timeout_b, NULL, 5));
    must(pawl_set_timeout(loop, timeout_c, NULL, 10));
    return scenario_finish();
}
