/*
 * 30_refresh_keeps_unref: refresh() of an unref'd timeout keeps it
 * unref'd: refreshed by the last referenced timer, it never runs.
 *
 * Why Node guarantees it: K runs first (armed first, shorter delay); the
 * refresh moves U's deadline past K's pass, and U stays unreferenced, so
 * nothing keeps the loop alive after K (see the .js).
 */
#include "scenario.h"

static pawl_timer_id u;

static int timeout_k(void *arg)
{
    (void)arg;
    say("timeout K: refreshes U");
    must(pawl_timeout_refresh(loop, u));
    say("U hasRef %s", has_ref(u));
    return 0;
}

int main(void)
{
    scenario_open();
    must(pawl_set_timeout(loop, timeout_k, NULL, 10));
    u = must(pawl_set_timeout(loop, print_text, TEXT("timeout U (never)"), 30));
    must(pawl_timeout_unref(loop, u));
    return scenario_finish();
}
