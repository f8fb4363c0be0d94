/*
 * 17_unref_never_runs: unref'd timers alone do not keep the program
 * alive: they never run, even with a delay of 1 ms.
 *
 * Why Node guarantees it: with only unreferenced handles the loop is not
 * alive and exits before its first timers phase (see the .js).  pawl's
 * first iteration finds nothing due at its start time and nothing alive.
 */
#include "scenario.h"

int main(void)
{
    scenario_open();
    pawl_timer_id t = must(pawl_set_timeout(loop, print_text, TEXT("timeout (never)"), 1));
    must(pawl_timeout_unref(loop, t));
    pawl_timer_id i = must(pawl_set_interval(loop, print_text, TEXT("interval (never)"), 1));
    must(pawl_timeout_unref(loop, i));
    say("timeout hasRef %s", has_ref(t));
    say("interval hasRef %s", has_ref(i));
    return scenario_finish();
}
