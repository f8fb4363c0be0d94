/*
 * 22_interval_missed_ticks_merged: an interval whose callback stays busy
 * for 3.5 periods runs once more as soon as it can, then keeps its period
 * from there: the missed ticks merge into one call instead of being made
 * up one by one.
 *
 * Why Node guarantees it: an interval is re-armed a period after its call
 * started; call 2 is due long before T, call 3 after it (see the .js).
 * pawl's JavaScript intervals re-arm from the start of their call too.
 */
#include "scenario.h"

static pawl_timer_id tick;

static int on_tick(void *arg)
{
    int *n = arg;
    ++*n;
    say("interval call %d", *n);
    if (*n == 1) {
        must(pawl_set_timeout(loop, print_text, TEXT("timeout T (30 ms, armed by call 1)"), 30));
        busy_ms(35);
    } else if (*n == 3) {
        must(pawl_clear_interval(loop, tick));
    }
    return 0;
}

int main(void)
{
    scenario_open();
    int n = 0;
    tick = must(pawl_set_interval(loop, on_tick, &n, 10));
    return scenario_finish();
}
