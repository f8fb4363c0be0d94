/*
 * 32_refresh_then_clear_in_own_callback: a timeout that refreshes itself
 * and then clears itself in the same callback does not run again; the
 * clear wins because it comes last.
 *
 * Why Node guarantees it: the clear takes the refreshed timeout out of its
 * list for good (see the .js).
 */
#include "scenario.h"

static pawl_timer_id t1, t2;

static int timeout_t1(void *arg)
{
    int *n = arg;
    ++*n;
    say("timeout T1 call %d: refresh, then clear", *n);
    must(pawl_timeout_refresh(loop, t1));
    must(pawl_clear_timeout(loop, t1));
    return 0;
}

static int timeout_t2(void *arg)
{
    int *n = arg;
    ++*n;
    say("timeout T2 call %d", *n);
    if (*n == 1)
        must(pawl_timeout_refresh(loop, t2));
    return 0;
}

int main(void)
{
    scenario_open();
    int n1 = 0, n2 = 0;
    t1 = must(pawl_set_timeout(loop, timeout_t1, &n1, 5));
    t2 = must(pawl_set_timeout(loop, timeout_t2, &n2, 5));
    return scenario_finish();
}
