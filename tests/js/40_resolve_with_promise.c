/*
 * 40_resolve_with_promise: resolving a promise with another promise adopts
 * it two microtask turns after that promise is fulfilled; Promise.resolve()
 * of a promise is that very promise, with no delay.
 *
 * Why Node guarantees it: the resolve function, given a thenable, queues a
 * NewPromiseResolveThenableJob whose then() on the adopted promise queues
 * the reaction that fulfils the outer one (see the .js).  Here
 * pawl_promise_resolve with a PAWL_V_PROMISE value adopts, and
 * pawl_promise_resolved with one returns that promise itself.  The ticks
 * are a pawl_queue_microtask chain; tick 2 resolves `pending`.
 */
#include "scenario.h"

static pawl_promise *pending;

static void tick(void *arg)
{
    unsigned n = (unsigned)(uintptr_t)arg;
    say("tick %u", n);
    if (n == 2) {
        must(pawl_promise_resolve(pending, pawl_ptr(TEXT("pending"))));
        pawl_promise_release(pending);
    }
    if (n < 5)
        must(pawl_queue_microtask(loop, tick, (void *)(uintptr_t)(n + 1)));
}

static int timeout_a(void *arg)
{
    (void)arg;
    say("timeout A");
    pawl_promise *inner;
    must(pawl_promise_resolved(loop, pawl_ptr(TEXT("inner")), &inner));
    must(pawl_promise_new(loop, &pending));
    pawl_promise *outer;
    must(pawl_promise_new(loop, &outer));
    must(pawl_promise_retain(inner));
    must(pawl_promise_resolve(outer, pawl_promise_value(inner)));
    pawl_promise *late;
    must(pawl_promise_new(loop, &late));
    must(pawl_promise_retain(pending));
    must(pawl_promise_resolve(late, pawl_promise_value(pending)));
    pawl_promise *plain;
    must(pawl_promise_new(loop, &plain));
    must(pawl_promise_resolve(plain, pawl_ptr(TEXT("plain"))));
    pawl_promise *same;
    must(pawl_promise_retain(inner));
    must(pawl_promise_resolved(loop, pawl_promise_value(inner), &same));
    say("Promise.resolve(inner) is inner: %s", same == inner ? "true" : "false");
    must(pawl_queue_microtask(loop, tick, (void *)(uintptr_t)1));
    must(pawl_promise_then(outer, print_value, NULL, TEXT("outer then"), NULL));
    must(pawl_promise_then(late, print_value, NULL, TEXT("late then"), NULL));
    must(pawl_promise_then(plain, print_value, NULL, TEXT("plain then"), NULL));
    must(pawl_promise_then(same, print_value, NULL, TEXT("same then"), NULL));
    pawl_promise_release(inner);
    pawl_promise_release(outer);
    pawl_promise_release(late);
    pawl_promise_release(plain);
    pawl_promise_release(same);
    return 0;
}

int main(void)
{
    scenario_open();
    must(pawl_set_timeout(loop, timeout_a, NULL, 5));
    must(pawl_set_timeout(loop, print_text, TEXT("timeout B"), 5));
    return scenario_finish();
}
