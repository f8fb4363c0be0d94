/*
 * 02_different_delays: timeouts and an interval with different delays run
 * in deadline order.
 *
 * Why Node guarantees it: they are armed in order of increasing delay, so
 * each deadline is strictly later than the one before (see the .js).
 */
#include "scenario.h"

static pawl_timer_id tick;

static int on_tick(void *arg)
{
    int *n = arg;
    ++*n;
    say("interval 25 ms, call %d", *n);
    if (*n == 3)
        must(pawl_clear_interval(loop, tick));
    return 0;
}

int main(void)
{
    scenario_open();
    must(pawl_set_timeout(loop, print_text, TEXT("timeout 1 ms"), 1));
    must(pawl_set_timeout(loop, print_text, TEXT("timeout 2 ms"), 2));
    must(pawl_set_timeout(loop, print_text, TEXT("timeout 3 ms"), 3));
    must(pawl_set_timeout(loop, print_text, TEXT("timeout 10 ms"), 10));
    int n = 0;
    tick = must(pawl_set_interval(loop, on_tick, &n, 25));
    return scenario_finish();
}
