/*
 * 33_interval_cleared_by_its_microtask: an interval cleared by a microtask
 * that its own callback queued runs once; the timer behind it in the same
 * pass still runs, after the microtask.
 *
 * Why Node guarantees it: microtasks drain after the interval's callback,
 * before the next timer, and the clear stops the interval (see the .js).
 */
#include "scenario.h"

static pawl_timer_id tick;

static void micro_after_i(void *arg)
{
    (void)arg;
    say("micro after I: clears I");
    must(pawl_clear_interval(loop, tick));
}

static int on_tick(void *arg)
{
    (void)arg;
    say("interval I call 1");
    must(pawl_queue_microtask(loop, micro_after_i, NULL));
    return 0;
}

int main(void)
{
    scenario_open();
    tick = must(pawl_set_interval(loop, on_tick, NULL, 5));
    must(pawl_set_timeout(loop, print_text, TEXT("timeout T"), 5));
    return scenario_finish();
}
