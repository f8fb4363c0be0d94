/*
 * 59_adoption_chains: adoption through two levels (a promise resolved
 * with a promise that is itself resolved with a pending one) costs two
 * turns per level once the innermost is fulfilled; adopting a rejected
 * promise rejects two turns later and reports only the adopting promise;
 * a handler that returns a pending promise waits for it to reject.
 *
 * Why Node guarantees it: every adoption is a NewPromiseResolveThenableJob
 * whose then() registers on the adopted promise, and the reaction that
 * settles the adopting promise is queued when the adopted one settles
 * (see the .js for the turns).  Here adoption is pawl_promise_resolve with
 * a PAWL_V_PROMISE value, or a handler returning pawl_promise_value(); the
 * ticks are a pawl_queue_microtask chain that settles `inner` and `later`.
 */
#include "scenario.h"

static pawl_promise *inner;
static pawl_promise *later;

static void tick(void *arg)
{
    unsigned n = (unsigned)(uintptr_t)arg;
    say("tick %u", n);
    if (n == 1) {
        must(pawl_promise_resolve(inner, pawl_ptr(TEXT("in"))));
        pawl_promise_release(inner);
    }
    if (n == 2) {
        must(pawl_promise_reject(later, pawl_ptr(TEXT("later"))));
        pawl_promise_release(later);
    }
    if (n < 6)
        must(pawl_queue_microtask(loop, tick, (void *)(uintptr_t)(n + 1)));
}

static pawl_value ret_returns_later(void *ctx, pawl_value v)
{
    (void)ctx;
    (void)v;
    say("ret returns a pending promise");
    must(pawl_promise_retain(later));
    return pawl_promise_value(later);
}

/* new Promise((r) => r(adopted)): one reference, yours. */
static pawl_promise *adopting(pawl_promise *adopted)
{
    pawl_promise *p;
    must(pawl_promise_new(loop, &p));
    must(pawl_promise_retain(adopted));
    must(pawl_promise_resolve(p, pawl_promise_value(adopted)));
    return p;
}

static int timeout_a(void *arg)
{
    (void)arg;
    say("timeout A");
    must(pawl_promise_new(loop, &inner));
    must(pawl_promise_new(loop, &later));
    pawl_promise *mid = adopting(inner);
    pawl_promise *outer = adopting(mid);
    pawl_promise *x;
    must(pawl_promise_rejected(loop, pawl_ptr(TEXT("x")), &x));
    pawl_promise *rej = adopting(x);
    pawl_promise_release(x);
    must(pawl_queue_microtask(loop, tick, (void *)(uintptr_t)1));
    must(pawl_promise_then(outer, print_value, NULL, TEXT("outer then"), NULL));
    must(pawl_promise_then(mid, print_value, NULL, TEXT("mid then"), NULL));
    must(pawl_promise_then(inner, print_value, NULL, TEXT("inner then"), NULL));
    pawl_promise *s = resolved_undefined();
    pawl_promise *ret = then_do(s, ret_returns_later, NULL);
    must(pawl_promise_catch(ret, print_value, TEXT("ret catch"), NULL));
    pawl_promise_release(mid);
    pawl_promise_release(outer);
    pawl_promise_release(rej);
    pawl_promise_release(s);
    pawl_promise_release(ret);
    return 0;
}

int main(void)
{
    scenario_open();
    must(pawl_set_timeout(loop, timeout_a, NULL, 5));
    must(pawl_set_timeout(loop, print_text, TEXT("timeout B"), 5));
    return scenario_finish();
}
