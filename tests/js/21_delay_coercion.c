/*
 * 21_delay_coercion: delays of 0, below 0 and above 2^31 - 1 ms all become
 * 1 ms (the too-large ones with a TimeoutOverflowWarning), while 2^31 - 1
 * itself is kept.
 *
 * Why Node guarantees it: coerced timers share the 1 ms list in arm order;
 * D (2 ms) is armed after them (see the .js).  The warning hook of
 * scenario.h prints overflow warnings while arming, before any timer, as
 * Node's warning listener does from process.nextTick.
 */
#include "scenario.h"

static pawl_timer_id e, f;

static int interval_f(void *arg)
{
    (void)arg;
    say("interval F (2^40 ms), clears itself");
    must(pawl_clear_interval(loop, f));
    return 0;
}

static int timeout_d(void *arg)
{
    (void)arg;
    say("timeout D (2 ms), clears E");
    must(pawl_clear_timeout(loop, e));
    return 0;
}

int main(void)
{
    scenario_open();
    must(pawl_set_timeout(loop, print_text, TEXT("timeout A (0 ms)"), 0));
    must(pawl_set_timeout(loop, print_text, TEXT("timeout B (-5 ms)"), -5));
    must(pawl_set_timeout(loop, print_text, TEXT("timeout C (2^31 ms)"), INT64_C(1) << 31));
    f = must(pawl_set_interval(loop, interval_f, NULL, INT64_C(1) << 40));
    e = must(pawl_set_timeout(loop, print_text, TEXT("timeout E (never)"), (INT64_C(1) << 31) - 1));
    must(pawl_set_timeout(loop, timeout_d, NULL, 2));
    return scenario_finish();
}
