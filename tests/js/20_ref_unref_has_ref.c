/*
 * 20_ref_unref_has_ref: hasRef() follows ref() and unref() on timeouts,
 * intervals and immediates; unref() twice and ref() once leaves a timer
 * referenced; timers ref'd again keep the loop alive and run.
 *
 * Why Node guarantees it: ref/unref set a flag that hasRef reads; the
 * setup runs in a timer callback, so the immediate comes first (see the
 * .js).
 */
#include "scenario.h"

static pawl_timer_id i;

static int interval_i(void *arg)
{
    (void)arg;
    say("interval I, clears itself");
    must(pawl_clear_interval(loop, i));
    return 0;
}

static int setup(void *arg)
{
    (void)arg;
    say("timeout setup");
    pawl_timer_id t = must(pawl_set_timeout(loop, print_text, TEXT("timeout T"), 5));
    say("T hasRef %s", has_ref(t));
    must(pawl_timeout_unref(loop, t));
    say("T after unref: hasRef %s", has_ref(t));
    must(pawl_timeout_ref(loop, t));
    say("T after ref: hasRef %s", has_ref(t));

    i = must(pawl_set_interval(loop, interval_i, NULL, 5));
    must(pawl_timeout_unref(loop, i));
    must(pawl_timeout_unref(loop, i));
    say("I after unref twice: hasRef %s", has_ref(i));
    must(pawl_timeout_ref(loop, i));
    say("I after ref: hasRef %s", has_ref(i));

    pawl_timer_id imm = must(pawl_set_immediate(loop, print_text, TEXT("immediate M")));
    say("M hasRef %s", has_ref(imm));
    must(pawl_timeout_unref(loop, imm));
    say("M after unref: hasRef %s", has_ref(imm));
    must(pawl_timeout_ref(loop, imm));
    say("M after ref: hasRef %s", has_ref(imm));
    return 0;
}

int main(void)
{
    scenario_open();
    must(pawl_set_timeout(loop, setup, NULL, 1));
    return scenario_finish();
}
