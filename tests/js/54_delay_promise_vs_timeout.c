/*
 * 54_delay_promise_vs_timeout: a promise fulfilled by a timer (a "delay")
 * runs its handler right after that timer's callback, before a timeout of
 * the same delay armed after it; a handler that arms another delay waits
 * for it in a later pass.
 *
 * Why Node guarantees it: the delay's timer is armed first in the 5 ms
 * list, its callback fulfils the promise, and the job queue is drained
 * before the next timer; a timer armed during a pass waits for a later
 * one, after the check phase (see the .js).  pawl_promise_delay is the
 * .js's delay(): a timer of the loop that fulfils a promise.
 */
#include "scenario.h"

static pawl_value then_d1(void *ctx, pawl_value v)
{
    (void)ctx;
    say("then %s", value_text(v));
    pawl_promise *d2;
    must(pawl_promise_delay(loop, 10, pawl_ptr(TEXT("d2")), &d2));
    must(pawl_promise_then(d2, print_value, NULL, TEXT("then"), NULL));
    pawl_promise_release(d2);
    must(pawl_queue_microtask(loop, print_text_micro, TEXT("micro after then d1")));
    return pawl_undefined();
}

static int timeout_t(void *arg)
{
    (void)arg;
    say("timeout T (5 ms)");
    must(pawl_set_immediate(loop, print_text, TEXT("immediate I (armed by T)")));
    return 0;
}

int main(void)
{
    scenario_open();
    pawl_promise *d1;
    must(pawl_promise_delay(loop, 5, pawl_ptr(TEXT("d1")), &d1));
    must(pawl_promise_then(d1, then_d1, NULL, NULL, NULL));
    pawl_promise_release(d1);
    must(pawl_set_timeout(loop, timeout_t, NULL, 5));
    return scenario_finish();
}
