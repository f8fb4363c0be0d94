/*
 * 05_immediate_before_timeout_in_timer: inside a timer callback,
 * setImmediate runs before setTimeout(0), whichever was armed first.
 *
 * Why Node guarantees it: from the timers phase the loop reaches the check
 * phase (immediates) before the next timers phase (see the .js; from the
 * main program this pair would be a race in Node).
 */
#include "scenario.h"

static int outer(void *arg)
{
    (void)arg;
    say("timeout outer");
    must(pawl_set_timeout(loop, print_text, TEXT("timeout 0 (armed first)"), 0));
    must(pawl_set_immediate(loop, print_text, TEXT("immediate 1")));
    must(pawl_set_immediate(loop, print_text, TEXT("immediate 2")));
    must(pawl_set_timeout(loop, print_text, TEXT("timeout 0 (armed last)"), 0));
    return 0;
}

int main(void)
{
    scenario_open();
    must(pawl_set_timeout(loop, outer, NULL, 1));
    return scenario_finish();
}
