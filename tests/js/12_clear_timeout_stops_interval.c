/*
 * 12_clear_timeout_stops_interval: clearTimeout stops an interval (the
 * clear functions are interchangeable), from another interval's callback
 * and from the interval's own.
 *
 * Why Node guarantees it: I and J share the 5 ms list and are re-appended
 * after each call, so each pass runs I, then J (see the .js).
 */
#include "scenario.h"

static pawl_timer_id tick_i, tick_j;

static int on_tick_i(void *arg)
{
    int *i = arg;
    ++*i;
    say("interval I call %d", *i);
    return 0;
}

static int on_tick_j(void *arg)
{
    int *j = arg;
    ++*j;
    say("interval J call %d", *j);
    if (*j == 2) {
        must(pawl_clear_timeout(loop, tick_i));
        say("clearTimeout(I)");
    } else if (*j == 3) {
        must(pawl_clear_timeout(loop, tick_j));
        say("clearTimeout(J)");
    }
    return 0;
}

int main(void)
{
    scenario_open();
    int i = 0, j = 0;
    tick_i = must(pawl_set_interval(loop, on_tick_i, &i, 5));
    tick_j = must(pawl_set_interval(loop, on_tick_j, &j, 5));
    return scenario_finish();
}
