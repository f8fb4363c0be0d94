/*
 * 16_refresh_pending_moves_behind: refresh() of a pending timeout moves it
 * behind the timeouts of the same delay, from the main program and from a
 * timer callback.
 *
 * Why Node guarantees it: refresh() moves the timeout to the end of its
 * delay's list with a new start time (see the .js).  pawl: a refresh
 * counts as a new arm, behind every timer with the same deadline.
 */
#include "scenario.h"

static pawl_timer_id c;

static int timeout_b(void *arg)
{
    (void)arg;
    say("timeout B, refreshes C");
    must(pawl_timeout_refresh(loop, c));
    return 0;
}

int main(void)
{
    scenario_open();
    pawl_timer_id a = must(pawl_set_timeout(loop, print_text, TEXT("timeout A (refreshed)"), 10));
    must(pawl_set_timeout(loop, timeout_b, NULL, 10));
    must(pawl_timeout_refresh(loop, a));
    c = must(pawl_set_timeout(loop, print_text, TEXT("timeout C (refreshed by B)"), 10));
    must(pawl_set_timeout(loop, print_text, TEXT("timeout D"), 10));
    return scenario_finish();
}
