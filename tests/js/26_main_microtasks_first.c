/*
 * 26_main_microtasks_first: microtasks queued by the main program run when
 * it ends, before any timer, including the microtasks they queue.
 *
 * Why Node guarantees it: Node drains the microtask queue after the main
 * script, before the loop starts (see the .js).  pawl drains microtasks
 * queued before pawl_loop_run at the top of its first iteration.
 */
#include "scenario.h"

static void micro_m1(void *arg)
{
    (void)arg;
    say("micro m1");
    must(pawl_queue_microtask(loop, print_text_micro, TEXT("micro m2 (queued by m1)")));
}

int main(void)
{
    scenario_open();
    must(pawl_set_timeout(loop, print_text, TEXT("timeout 1 ms"), 1));
    must(pawl_queue_microtask(loop, micro_m1, NULL));
    must(pawl_queue_microtask(loop, print_text_micro, TEXT("micro p")));
    say("main end");
    return scenario_finish();
}
