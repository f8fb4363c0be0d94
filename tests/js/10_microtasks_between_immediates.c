/*
 * 10_microtasks_between_immediates: microtasks queued by an immediate run
 * right after it, before the next immediate, and before an immediate it
 * queued itself.
 *
 * Why Node guarantees it: the check phase drains microtasks after every
 * immediate; immediates queued during the phase wait for the next one
 * (see the .js).
 */
#include "scenario.h"

static void micro_after_a(void *arg)
{
    (void)arg;
    say("micro after A");
    must(pawl_queue_microtask(loop, print_text_micro, TEXT("micro queued by micro after A")));
}

static int immediate_a(void *arg)
{
    (void)arg;
    say("immediate A");
    must(pawl_queue_microtask(loop, micro_after_a, NULL));
    must(pawl_set_immediate(loop, print_text, TEXT("immediate C (queued by A)")));
    return 0;
}

static int immediate_b(void *arg)
{
    (void)arg;
    say("immediate B");
    must(pawl_queue_microtask(loop, print_text_micro, TEXT("micro after B")));
    return 0;
}

int main(void)
{
    scenario_open();
    must(pawl_set_immediate(loop, immediate_a, NULL));
    must(pawl_set_immediate(loop, immediate_b, NULL));
    return scenario_finish();
}
