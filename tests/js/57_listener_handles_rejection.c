/*
 * 57_listener_handles_rejection: a rejection listener that attaches a
 * handler to the promise it is told about, and rejects another promise:
 * the handler runs, 'rejectionHandled' follows, then the new rejection is
 * reported, all before the next timer.
 *
 * Why Node guarantees it: the promise counts as reported when the
 * listener runs, and Node drains the job queue and looks at the
 * rejections again until there is nothing left to do (see the .js).
 * Here the on_rejection hook is the listener: it may call any promise
 * function, on the promise it borrows too (pawl/promise.h).
 */
#include <string.h>

#include "scenario.h"

static pawl_value catch_p(void *ctx, pawl_value e)
{
    (void)ctx;
    say("catch %s (attached by the listener)", value_text(e));
    return pawl_undefined();
}

static void listener(void *ud, pawl_loop *l, struct pawl_promise *p, pawl_rejection_event event,
                     const struct pawl_value *reason)
{
    scenario_rejection(ud, l, p, event, reason);
    if (event == PAWL_REJECTION_UNHANDLED && strcmp(value_text(*reason), "p-reason") == 0) {
        must(pawl_promise_catch(p, catch_p, NULL, NULL));
        pawl_promise *second;
        must(pawl_promise_rejected(loop, pawl_ptr(TEXT("second")), &second));
        pawl_promise_release(second);
    }
}

static int timeout_a(void *arg)
{
    (void)arg;
    say("timeout A rejects p");
    pawl_promise *p;
    must(pawl_promise_rejected(loop, pawl_ptr(TEXT("p-reason")), &p));
    pawl_promise_release(p);
    return 0;
}

int main(void)
{
    pawl_loop_opts opts = {0};
    opts.on_rejection = listener;
    scenario_open_opts(opts);
    must(pawl_set_timeout(loop, timeout_a, NULL, 5));
    must(pawl_set_timeout(loop, print_text, TEXT("timeout B"), 5));
    return scenario_finish();
}
