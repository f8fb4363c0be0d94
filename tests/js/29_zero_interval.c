/*
 * 29_zero_interval: setInterval(fn, 0) repeats every 1 ms, once per timers
 * pass; an immediate and a timeout armed by its first call run before its
 * second call, the immediate first.
 *
 * Why Node guarantees it: 0 becomes 1 ms, an interval never runs twice in
 * one pass, the check phase follows the pass, and T is armed before the
 * interval re-arms (see the .js).
 */
#include "scenario.h"

static pawl_timer_id tick;

static int on_tick(void *arg)
{
    int *n = arg;
    ++*n;
    say("interval call %d", *n);
    if (*n == 1) {
        must(pawl_set_immediate(loop, print_text, TEXT("immediate M (armed by call 1)")));
        must(pawl_set_timeout(loop, print_text, TEXT("timeout T (armed by call 1)"), 0));
    } else if (*n == 3) {
        must(pawl_clear_interval(loop, tick));
    }
    return 0;
}

int main(void)
{
    scenario_open();
    int n = 0;
    tick = must(pawl_set_interval(loop, on_tick, &n, 0));
    return scenario_finish();
}
