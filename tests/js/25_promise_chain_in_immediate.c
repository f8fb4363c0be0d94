/*
 * 25_promise_chain_in_immediate: a promise chain and queueMicrotask inside
 * an immediate interleave in one FIFO microtask queue, all before the next
 * immediate.
 *
 * Why Node guarantees it: p1 is queued at once, q1 next, and p2 only when
 * p1 has run (see the .js).  Here p1 queues p2, as a resolved .then does.
 */
#include "scenario.h"

static void micro_p1(void *arg)
{
    (void)arg;
    say("micro p1 (then)");
    must(pawl_queue_microtask(loop, print_text_micro, TEXT("micro p2 (then after p1)")));
}

static int immediate_a(void *arg)
{
    (void)arg;
    say("immediate A");
    must(pawl_queue_microtask(loop, micro_p1, NULL));
    must(pawl_queue_microtask(loop, print_text_micro, TEXT("micro q1 (queueMicrotask)")));
    return 0;
}

int main(void)
{
    scenario_open();
    must(pawl_set_immediate(loop, immediate_a, NULL));
    must(pawl_set_immediate(loop, print_text, TEXT("immediate B")));
    return scenario_finish();
}
