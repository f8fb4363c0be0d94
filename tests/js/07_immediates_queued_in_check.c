/*
 * 07_immediates_queued_in_check: immediates queued while the check phase
 * runs wait for the next iteration, after its timers.
 *
 * Why Node guarantees it: the check phase runs only the immediates queued
 * before it began; the next timers phase, 5 ms later, comes first (see
 * the .js).
 */
#include "scenario.h"

static int immediate_a(void *arg)
{
    (void)arg;
    say("immediate A");
    must(pawl_set_immediate(loop, print_text, TEXT("immediate C (queued by A)")));
    must(pawl_set_timeout(loop, print_text, TEXT("timeout T (armed by A)"), 0));
    busy_ms(5);
    return 0;
}

static int immediate_b(void *arg)
{
    (void)arg;
    say("immediate B");
    must(pawl_set_immediate(loop, print_text, TEXT("immediate D (queued by B)")));
    return 0;
}

int main(void)
{
    scenario_open();
    must(pawl_set_immediate(loop, immediate_a, NULL));
    must(pawl_set_immediate(loop, immediate_b, NULL));
    return scenario_finish();
}
