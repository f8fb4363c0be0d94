/*
 * 62_delay_armed_after_busy: a delay promise armed at the end of a long
 * callback counts its delay from the moment it is armed, as the
 * setTimeout inside it does, not from the start of the pass.
 *
 * Why Node guarantees it: `delay` is a setTimeout that resolves a
 * promise, and setTimeout reads the clock when called, so the delay is
 * due 40 ms after B was armed and B 20 ms after (see the .js).
 * docs/promises.md documents pawl_promise_delay(loop, ms, v, &p) as
 * `new Promise(r => setTimeout(() => r(v), ms))`, and pawl's setTimeout
 * (pawl_set_timeout) reads the clock when it arms.
 */
#include "scenario.h"

static int timeout_a(void *arg)
{
    (void)arg;
    say("timeout A: arms B (20 ms), busy 30 ms, arms delay d (10 ms)");
    must(pawl_set_timeout(loop, print_text, TEXT("timeout B"), 20));
    busy_ms(30);
    pawl_promise *d;
    must(pawl_promise_delay(loop, 10, pawl_ptr(TEXT("d")), &d));
    must(pawl_promise_then(d, print_value, NULL, TEXT("then"), NULL));
    pawl_promise_release(d);
    return 0;
}

int main(void)
{
    scenario_open();
    must(pawl_set_timeout(loop, timeout_a, NULL, 1));
    return scenario_finish();
}
