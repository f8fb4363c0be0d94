/*
 * 55_unhandled_rejection_in_main: a rejection left unhandled by the main
 * program is reported after the main program's microtasks, before any
 * timer; a handler attached by the first timer then brings the
 * 'rejectionHandled' report, after that timer's drain.
 *
 * Why Node guarantees it: Node drains the job queue after the main script
 * and then reports, before the event loop starts (see the .js).  pawl
 * drains the microtasks queued before pawl_loop_run at the top of its
 * first iteration, before the timers, and reports when that drain ends.
 */
#include "scenario.h"

static pawl_promise *p;

static int timeout_1(void *arg)
{
    (void)arg;
    say("timeout 1 ms attaches the catch");
    must(pawl_promise_catch(p, print_value, TEXT("catch"), NULL));
    pawl_promise_release(p);
    return 0;
}

int main(void)
{
    scenario_open();
    must(pawl_promise_rejected(loop, pawl_ptr(TEXT("main-reason")), &p));
    must(pawl_set_timeout(loop, timeout_1, NULL, 1));
    must(pawl_queue_microtask(loop, print_text_micro, TEXT("micro m")));
    pawl_promise *s = resolved_undefined();
    chain_print(s, "then t", NULL);
    pawl_promise_release(s);
    say("main end");
    return scenario_finish();
}
