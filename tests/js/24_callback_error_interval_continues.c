/*
 * 24_callback_error_interval_continues: an interval whose callback fails
 * keeps running, and the timers due after it in the same pass still run.
 *
 * Why Node guarantees it: a thrown error goes to the 'uncaughtException'
 * listener, the interval is re-armed in a finally block and the pass
 * resumes (see the .js).  Here the callback returns non-zero instead of
 * throwing, and the warning hook plays the listener.
 */
#include "scenario.h"

static pawl_timer_id tick;
static int calls;

static void caught(void *ud, pawl_loop *l, pawl_warning what, int64_t value, const char *message)
{
    (void)ud;
    (void)l;
    (void)message;
    if (what == PAWL_WARN_CALLBACK_ERROR && value == -1)
        say("caught: interval call %d failed", calls);
    else
        scenario_warn(ud, l, what, value, message);
}

static int on_tick(void *arg)
{
    (void)arg;
    calls++;
    say("interval call %d", calls);
    if (calls == 1)
        return -1; /* throw */
    if (calls == 3)
        must(pawl_clear_interval(loop, tick));
    return 0;
}

int main(void)
{
    scenario_open_with(caught);
    tick = must(pawl_set_interval(loop, on_tick, NULL, 5));
    must(pawl_set_timeout(loop, print_text, TEXT("timeout T"), 5));
    return scenario_finish();
}
