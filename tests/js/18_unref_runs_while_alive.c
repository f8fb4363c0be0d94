/*
 * 18_unref_runs_while_alive: an unref'd timeout still runs when its time
 * comes while a referenced one keeps the loop alive; once nothing
 * referenced is left, the program ends without waiting for unref'd ones.
 *
 * Why Node guarantees it: the loop wakes for the earliest deadline of all
 * timers, referenced or not; L is armed in the last referenced timer's
 * callback and cannot run in that pass (see the .js).
 */
#include "scenario.h"

static int timeout_k(void *arg)
{
    (void)arg;
    say("timeout K (ref), arms unref L");
    pawl_timer_id l = must(pawl_set_timeout(loop, print_text, TEXT("timeout L (never)"), 1));
    must(pawl_timeout_unref(loop, l));
    return 0;
}

int main(void)
{
    scenario_open();
    pawl_timer_id u = must(pawl_set_timeout(loop, print_text, TEXT("timeout U (unref)"), 5));
    must(pawl_timeout_unref(loop, u));
    must(pawl_set_timeout(loop, timeout_k, NULL, 20));
    return scenario_finish();
}
