/*
 * 11_interval_clears_itself: an interval that clears itself from inside
 * its third call runs exactly three times, and the program then ends.
 *
 * Why Node guarantees it: an interval is re-armed after its callback
 * returns, unless the callback cleared it (see the .js).
 */
#include "scenario.h"

static pawl_timer_id tick;

static int on_tick(void *arg)
{
    int *n = arg;
    ++*n;
    say("interval call %d", *n);
    if (*n == 3) {
        must(pawl_clear_interval(loop, tick));
        say("interval cleared");
    }
    return 0;
}

int main(void)
{
    scenario_open();
    int n = 0;
    tick = must(pawl_set_interval(loop, on_tick, &n, 5));
    return scenario_finish();
}
