/*
 * 04_nested_timeout_next_pass: a timeout armed from inside a timer
 * callback, even for 0 ms, runs after every timer that was already due,
 * in a later pass.
 *
 * Why Node guarantees it: a timeout armed during a pass starts at the
 * current time and is not due in that pass; all are in Node's 1 ms list,
 * in arm order (see the .js).  pawl: timers armed while the timers phase
 * runs wait for the next pass.
 */
#include "scenario.h"

static int timeout_n(void *arg)
{
    (void)arg;
    say("timeout N (armed by A)");
    must(pawl_set_timeout(loop, print_text, TEXT("timeout N2 (armed by N)"), 0));
    return 0;
}

static int timeout_a(void *arg)
{
    (void)arg;
    say("timeout A");
    must(pawl_set_timeout(loop, timeout_n, NULL, 0));
    return 0;
}

static int timeout_b(void *arg)
{
    (void)arg;
    say("timeout B");
    must(pawl_set_timeout(loop, print_text, TEXT("timeout M (armed by B)"), 1));
    return 0;
}

int main(void)
{
    scenario_open();
    must(pawl_set_timeout(loop, timeout_a, NULL, 1));
    must(pawl_set_timeout(loop, timeout_b, NULL, 1));
    return scenario_finish();
}
