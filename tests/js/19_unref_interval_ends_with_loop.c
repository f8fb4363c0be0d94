/*
 * 19_unref_interval_ends_with_loop: an unref'd interval ticks while a
 * referenced timeout keeps the loop alive, and the program ends as soon as
 * that timeout is cleared, in the middle of the interval's life.
 *
 * Why Node guarantees it: L is 100 s away; after the second tick clears
 * it, nothing referenced is left (see the .js).
 */
#include "scenario.h"

static pawl_timer_id l;

static int on_tick(void *arg)
{
    int *n = arg;
    ++*n;
    say("interval (unref) call %d", *n);
    if (*n == 2) {
        must(pawl_clear_timeout(loop, l));
        say("cleared L");
    }
    return 0;
}

int main(void)
{
    scenario_open();
    int n = 0;
    l = must(pawl_set_timeout(loop, print_text, TEXT("timeout L (never)"), 100000));
    pawl_timer_id tick = must(pawl_set_interval(loop, on_tick, &n, 10));
    must(pawl_timeout_unref(loop, tick));
    return scenario_finish();
}
