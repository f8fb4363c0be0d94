/*
 * 35_interval_rearmed_from_call_start: an interval whose call starts late,
 * because an earlier callback of the same pass was busy, counts its next
 * period from the start of its own call.
 *
 * Why Node guarantees it: Node re-arms an interval a period after its call
 * started, here after T (see the .js).  pawl's JavaScript intervals read
 * the clock as their callback starts, too.
 */
#include "scenario.h"

static pawl_timer_id tick;

static int timeout_x(void *arg)
{
    (void)arg;
    say("timeout X: arms T (60 ms), busy 100 ms");
    must(pawl_set_timeout(loop, print_text, TEXT("timeout T"), 60));
    busy_ms(100);
    return 0;
}

static int on_tick(void *arg)
{
    int *n = arg;
    ++*n;
    say("interval I call %d", *n);
    if (*n == 2)
        must(pawl_clear_interval(loop, tick));
    return 0;
}

int main(void)
{
    scenario_open();
    must(pawl_set_timeout(loop, timeout_x, NULL, 10));
    int n = 0;
    tick = must(pawl_set_interval(loop, on_tick, &n, 10));
    return scenario_finish();
}
