/*
 * 08_clear_due_timer_from_callback: timers due in the same pass can be
 * cleared by an earlier one, directly or from a microtask it queued.
 *
 * Why Node guarantees it: one list, run in order, microtasks drained
 * between two callbacks, cleared timers skipped (see the .js).
 */
#include "scenario.h"

static pawl_timer_id b, c;

static void micro_after_a(void *arg)
{
    (void)arg;
    say("micro after A, clears B");
    must(pawl_clear_timeout(loop, b));
}

static int timeout_a(void *arg)
{
    (void)arg;
    say("timeout A, clears C");
    must(pawl_clear_timeout(loop, c));
    must(pawl_queue_microtask(loop, micro_after_a, NULL));
    return 0;
}

int main(void)
{
    scenario_open();
    must(pawl_set_timeout(loop, timeout_a, NULL, 5));
    b = must(pawl_set_timeout(loop, print_text, TEXT("timeout B"), 5));
    c = must(pawl_set_timeout(loop, print_text, TEXT("timeout C"), 5));
    must(pawl_set_timeout(loop, print_text, TEXT("timeout D"), 5));
    return scenario_finish();
}
