/*
 * 09_microtasks_after_each_timer: the microtask queue is drained after
 * every timer callback, including the microtasks those microtasks queue,
 * before the next timer runs.
 *
 * Why Node guarantees it: Node drains the microtask queue (one FIFO for
 * queueMicrotask and promise reactions) between two timer callbacks (see
 * the .js).  pawl_queue_microtask is that queue.
 */
#include "scenario.h"

static void micro_m2(void *arg)
{
    (void)arg;
    say("micro m2 (queued by m1)");
    must(pawl_queue_microtask(loop, print_text_micro, TEXT("micro m3 (queued by m2)")));
}

static void micro_m1(void *arg)
{
    (void)arg;
    say("micro m1 (queued by A)");
    must(pawl_queue_microtask(loop, micro_m2, NULL));
}

static int timeout_a(void *arg)
{
    (void)arg;
    say("timeout A");
    must(pawl_queue_microtask(loop, micro_m1, NULL));
    must(pawl_queue_microtask(loop, print_text_micro, TEXT("micro p (queued by A)")));
    return 0;
}

static int timeout_b(void *arg)
{
    (void)arg;
    say("timeout B");
    must(pawl_queue_microtask(loop, print_text_micro, TEXT("micro after B")));
    return 0;
}

int main(void)
{
    scenario_open();
    must(pawl_set_timeout(loop, timeout_a, NULL, 5));
    must(pawl_set_timeout(loop, timeout_b, NULL, 5));
    return scenario_finish();
}
