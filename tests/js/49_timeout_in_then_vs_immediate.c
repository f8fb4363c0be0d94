/*
 * 49_timeout_in_then_vs_immediate: a setTimeout(0) and a setImmediate
 * armed by then handlers of a timer callback's drain: the immediates run
 * first, in arm order, then the timeout, in the next timers pass.
 *
 * Why Node guarantees it: the handlers run in the timers phase, so the
 * check phase comes before the next timers pass, and a timer armed during
 * a pass does not run in it (see the .js).  pawl runs reactions in the
 * drain after the timer callback, still inside its timers phase.
 */
#include "scenario.h"

static pawl_value then_1(void *ctx, pawl_value v)
{
    (void)ctx;
    (void)v;
    say("then 1 arms timeout T and immediate I1");
    must(pawl_set_timeout(loop, print_text, TEXT("timeout T (armed in then 1)"), 0));
    must(pawl_set_immediate(loop, print_text, TEXT("immediate I1 (armed in then 1)")));
    return pawl_undefined();
}

static int immediate_i2(void *arg)
{
    (void)arg;
    say("immediate I2 (armed in then 2)");
    pawl_promise *s = resolved_undefined();
    chain_print(s, "then in I2", NULL);
    pawl_promise_release(s);
    return 0;
}

static pawl_value then_2(void *ctx, pawl_value v)
{
    (void)ctx;
    (void)v;
    say("then 2 arms immediate I2");
    must(pawl_set_immediate(loop, immediate_i2, NULL));
    return pawl_undefined();
}

static int timeout_a(void *arg)
{
    (void)arg;
    say("timeout A");
    pawl_promise *s = resolved_undefined();
    pawl_promise *t1 = then_do(s, then_1, NULL);
    must(pawl_promise_then(t1, then_2, NULL, NULL, NULL));
    pawl_promise_release(s);
    pawl_promise_release(t1);
    return 0;
}

int main(void)
{
    scenario_open();
    must(pawl_set_timeout(loop, timeout_a, NULL, 1));
    return scenario_finish();
}
