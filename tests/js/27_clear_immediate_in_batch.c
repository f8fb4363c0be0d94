/*
 * 27_clear_immediate_in_batch: an immediate cleared by an earlier one of
 * the same check phase, directly or from a microtask, never runs; clearing
 * one that already ran, or nothing, is a no-op.
 *
 * Why Node guarantees it: the check phase runs its queue in order, skips
 * cleared entries and drains microtasks after each immediate (see the
 * .js).
 */
#include "scenario.h"

static pawl_timer_id a, b, d;

static int immediate_a(void *arg)
{
    (void)arg;
    say("immediate A: clears B, itself, and a new E");
    must(pawl_clear_immediate(loop, b));
    must(pawl_clear_immediate(loop, a));
    pawl_timer_id e = must(pawl_set_immediate(loop, print_text, TEXT("immediate E (never)")));
    must(pawl_clear_immediate(loop, e));
    must(pawl_clear_immediate(loop, 0));
    return 0;
}

static void micro_after_c(void *arg)
{
    (void)arg;
    say("micro after C: clears D");
    must(pawl_clear_immediate(loop, d));
}

static int immediate_c(void *arg)
{
    (void)arg;
    say("immediate C");
    must(pawl_queue_microtask(loop, micro_after_c, NULL));
    return 0;
}

int main(void)
{
    scenario_open();
    a = must(pawl_set_immediate(loop, immediate_a, NULL));
    b = must(pawl_set_immediate(loop, print_text, TEXT("immediate B (never)")));
    must(pawl_set_immediate(loop, immediate_c, NULL));
    d = must(pawl_set_immediate(loop, print_text, TEXT("immediate D (never)")));
    return scenario_finish();
}
