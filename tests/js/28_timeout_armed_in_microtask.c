/*
 * 28_timeout_armed_in_microtask: a timeout armed for 0 ms by a microtask
 * of a timer callback waits for a later pass, behind the timers already
 * armed.
 *
 * Why Node guarantees it: X is appended to the 1 ms list behind B during
 * the pass (see the .js).  pawl: a microtask drained in the timers phase
 * is part of that phase, so X waits for the next pass.
 */
#include "scenario.h"

static void micro_after_a(void *arg)
{
    (void)arg;
    say("micro after A: arms X");
    must(pawl_set_timeout(loop, print_text, TEXT("timeout X (armed by the micro)"), 0));
}

static int timeout_a(void *arg)
{
    (void)arg;
    say("timeout A");
    must(pawl_queue_microtask(loop, micro_after_a, NULL));
    return 0;
}

int main(void)
{
    scenario_open();
    must(pawl_set_timeout(loop, timeout_a, NULL, 1));
    must(pawl_set_timeout(loop, print_text, TEXT("timeout B"), 1));
    return scenario_finish();
}
