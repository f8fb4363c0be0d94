/*
 * 14_clear_fired_keeps_newer: clearing a timeout that already fired, from
 * its own callback or later, never cancels a newer timeout with the same
 * delay (an old Node bug).
 *
 * Why Node guarantees it: a fired timeout is in no list any more (see the
 * .js).  pawl ids are never reused, so a stale id is simply unknown.
 */
#include "scenario.h"

static pawl_timer_id a, b;

static int timeout_b(void *arg)
{
    (void)arg;
    say("timeout B: clears A and B, arms C, clears B again");
    must(pawl_clear_timeout(loop, a));
    must(pawl_clear_timeout(loop, b));
    must(pawl_set_timeout(loop, print_text, TEXT("timeout C"), 5));
    must(pawl_clear_timeout(loop, b));
    must(pawl_clear_timeout(loop, a));
    return 0;
}

static int timeout_a(void *arg)
{
    (void)arg;
    say("timeout A: arms B, then clears A");
    b = must(pawl_set_timeout(loop, timeout_b, NULL, 5));
    must(pawl_clear_timeout(loop, a));
    return 0;
}

int main(void)
{
    scenario_open();
    a = must(pawl_set_timeout(loop, timeout_a, NULL, 5));
    return scenario_finish();
}
