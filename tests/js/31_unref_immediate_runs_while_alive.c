/*
 * 31_unref_immediate_runs_while_alive: an unref'd immediate runs in the
 * next check phase when something else keeps the loop alive, before a
 * timeout armed with it.
 *
 * Why Node guarantees it: the check phase runs every queued immediate,
 * and from a timer callback it comes before the next timers phase (see
 * the .js).
 */
#include "scenario.h"

static int setup(void *arg)
{
    (void)arg;
    say("timeout setup");
    pawl_timer_id u = must(pawl_set_immediate(loop, print_text, TEXT("immediate U (unref)")));
    must(pawl_timeout_unref(loop, u));
    must(pawl_set_timeout(loop, print_text, TEXT("timeout K (ref, 10 ms)"), 10));
    return 0;
}

int main(void)
{
    scenario_open();
    must(pawl_set_timeout(loop, setup, NULL, 1));
    return scenario_finish();
}
