/*
 * 13_clear_noop: clearing what is not a live timer changes nothing:
 * unknown ids, an id cleared twice, a timeout that already fired (from its
 * own callback), and clearTimeout on an immediate (it clears only timers).
 * clearInterval clears a timeout.
 *
 * Why Node guarantees it: clearTimeout ignores anything but a pending
 * timeout; the setup runs in a timer callback, so the immediate comes
 * first (see the .js).  pawl ids: 0, negative and unknown ids are no-ops
 * that return 0.
 */
#include "scenario.h"

static pawl_timer_id a;

static int timeout_a(void *arg)
{
    (void)arg;
    say("timeout A, clears itself twice");
    must(pawl_clear_timeout(loop, a));
    must(pawl_clear_interval(loop, a));
    return 0;
}

static int setup(void *arg)
{
    (void)arg;
    say("timeout setup");
    a = must(pawl_set_timeout(loop, timeout_a, NULL, 5));
    pawl_timer_id b = must(pawl_set_timeout(loop, print_text, TEXT("timeout B"), 5));
    must(pawl_set_timeout(loop, print_text, TEXT("timeout D"), 5));
    pawl_timer_id imm = must(pawl_set_immediate(loop, print_text,
                                                TEXT("immediate (clearTimeout did not clear it)")));
    must(pawl_clear_timeout(loop, imm));
    must(pawl_clear_interval(loop, b));
    must(pawl_clear_timeout(loop, b));
    must(pawl_clear_timeout(loop, 0));
    must(pawl_clear_timeout(loop, -1));
    must(pawl_clear_timeout(loop, 12345));
    must(pawl_clear_interval(loop, 12345));
    return 0;
}

int main(void)
{
    scenario_open();
    must(pawl_set_timeout(loop, setup, NULL, 1));
    return scenario_finish();
}
