/*
 * 15_refresh_in_own_callback: timeout.refresh() inside the timeout's own
 * callback arms the one-shot again, behind a timeout of the same delay
 * armed just before.
 *
 * Why Node guarantees it: refresh appends the timeout to its delay's list
 * again, after B (see the .js).
 */
#include "scenario.h"

static pawl_timer_id t;

static int timeout_t(void *arg)
{
    int *n = arg;
    ++*n;
    say("timeout T call %d", *n);
    if (*n == 1)
        must(pawl_set_timeout(loop, print_text, TEXT("timeout B (armed by T call 1)"), 5));
    if (*n < 3)
        must(pawl_timeout_refresh(loop, t));
    return 0;
}

int main(void)
{
    scenario_open();
    int n = 0;
    t = must(pawl_set_timeout(loop, timeout_t, &n, 5));
    return scenario_finish();
}
