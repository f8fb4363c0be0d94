/*
 * 37_two_then_chains_interleave: two independent then-chains on settled
 * promises advance one step per microtask turn each, in turn, with a
 * queueMicrotask fitting in where it was queued; all of it runs before the
 * next timer.
 *
 * Why Node guarantees it: a then() on a fulfilled promise queues its
 * reaction job at once, and each step queues the next when its handler
 * returns, at the tail of the one FIFO job queue, which is drained after
 * each timer callback (see the .js).  pawl's reactions are microtasks of
 * the same queue as pawl_queue_microtask, queued at the same moments.
 */
#include "scenario.h"

static int timeout_a(void *arg)
{
    (void)arg;
    say("timeout A");
    pawl_promise *a = resolved_undefined();
    pawl_promise *b = resolved_undefined();
    chain_print(a, "a1", "a2", "a3", NULL);
    chain_print(b, "b1", "b2", "b3", NULL);
    must(pawl_queue_microtask(loop, print_text_micro, TEXT("micro m (queued after both chains)")));
    pawl_promise_release(a);
    pawl_promise_release(b);
    return 0;
}

int main(void)
{
    scenario_open();
    must(pawl_set_timeout(loop, timeout_a, NULL, 5));
    must(pawl_set_timeout(loop, print_text, TEXT("timeout B"), 5));
    return scenario_finish();
}
