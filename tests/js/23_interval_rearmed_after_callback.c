/*
 * 23_interval_rearmed_after_callback: a timeout that an interval's
 * callback arms with the interval's own period runs before the interval's
 * next call: the interval is re-armed only when its callback returns.
 *
 * Why Node guarantees it: Node appends an interval to its list again
 * after the callback returns, behind what the callback armed (see the
 * .js).  In pawl, T and I get the same deadline and T was armed first.
 */
#include "scenario.h"

static pawl_timer_id tick_i, tick_j;

static int on_tick_i(void *arg)
{
    int *i = arg;
    ++*i;
    say("interval I call %d", *i);
    if (*i == 1)
        must(pawl_set_timeout(loop, print_text, TEXT("timeout T (armed by I call 1)"), 10));
    else
        must(pawl_clear_interval(loop, tick_i));
    return 0;
}

static int on_tick_j(void *arg)
{
    int *j = arg;
    ++*j;
    say("interval J call %d", *j);
    if (*j == 2)
        must(pawl_clear_interval(loop, tick_j));
    return 0;
}

int main(void)
{
    scenario_open();
    int i = 0, j = 0;
    tick_i = must(pawl_set_interval(loop, on_tick_i, &i, 10));
    tick_j = must(pawl_set_interval(loop, on_tick_j, &j, 10));
    return scenario_finish();
}
