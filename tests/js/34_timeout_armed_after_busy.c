/*
 * 34_timeout_armed_after_busy: a timeout armed at the end of a long
 * callback counts its delay from the moment it is armed, not from the
 * start of the pass.
 *
 * Why Node guarantees it: setTimeout reads the clock when called, so T is
 * due 40 ms after B was armed and B 20 ms after (see the .js).  pawl's
 * JavaScript API reads the clock when it arms, too.
 */
#include "scenario.h"

static int timeout_a(void *arg)
{
    (void)arg;
    say("timeout A: arms B (20 ms), busy 30 ms, arms T (10 ms)");
    must(pawl_set_timeout(loop, print_text, TEXT("timeout B"), 20));
    busy_ms(30);
    must(pawl_set_timeout(loop, print_text, TEXT("timeout T"), 10));
    return 0;
}

int main(void)
{
    scenario_open();
    must(pawl_set_timeout(loop, timeout_a, NULL, 1));
    return scenario_finish();
}
