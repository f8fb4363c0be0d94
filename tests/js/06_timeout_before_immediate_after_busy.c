/*
 * 06_timeout_before_immediate_after_busy: inside an immediate callback that
 * then stays busy for 5 ms, setTimeout(0) runs before setImmediate.
 *
 * Why Node guarantees it: the inner immediate waits for the next check
 * phase; the next timers phase comes first and reads the clock 5 ms later,
 * when the timeout is due (see the .js).
 */
#include "scenario.h"

static int outer(void *arg)
{
    (void)arg;
    say("immediate outer");
    must(pawl_set_immediate(loop, print_text, TEXT("immediate inner")));
    must(pawl_set_timeout(loop, print_text, TEXT("timeout 0"), 0));
    busy_ms(5);
    return 0;
}

int main(void)
{
    scenario_open();
    must(pawl_set_immediate(loop, outer, NULL));
    return scenario_finish();
}
