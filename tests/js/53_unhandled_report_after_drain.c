/*
 * 53_unhandled_report_after_drain: an unhandled rejection made early in a
 * long drain is reported only when the queue is empty, after jobs queued
 * later than the rejection; what the listener queues runs before the next
 * timer.
 *
 * Why Node guarantees it: processPromiseRejections runs only once the job
 * queue is empty, and processTicksAndRejections drains again after it if
 * the listener queued anything (see the .js).  pawl's contract: the
 * report comes "after the microtask queue drained".  The hook here is the
 * JS listener: it prints the report and queues a microtask.  The rejected
 * promise is released at once, as the JS side drops it: the report must
 * still come.
 */
#include "scenario.h"

static void report(void *ud, pawl_loop *l, struct pawl_promise *p, pawl_rejection_event event,
                   const struct pawl_value *reason)
{
    scenario_rejection(ud, l, p, event, reason);
    if (event == PAWL_REJECTION_UNHANDLED)
        must(pawl_queue_microtask(loop, print_text_micro, TEXT("micro queued by the report")));
}

static void micro_rejects(void *arg)
{
    (void)arg;
    say("micro rejects r");
    pawl_promise *r;
    must(pawl_promise_rejected(loop, pawl_ptr(TEXT("r")), &r));
    pawl_promise_release(r);
}

static int timeout_a(void *arg)
{
    (void)arg;
    say("timeout A");
    ticks(4);
    must(pawl_queue_microtask(loop, micro_rejects, NULL));
    return 0;
}

int main(void)
{
    pawl_loop_opts opts = {0};
    opts.on_rejection = report;
    scenario_open_opts(opts);
    must(pawl_set_timeout(loop, timeout_a, NULL, 5));
    must(pawl_set_timeout(loop, print_text, TEXT("timeout B"), 5));
    return scenario_finish();
}
