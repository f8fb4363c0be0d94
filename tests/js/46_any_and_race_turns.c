/*
 * 46_any_and_race_turns: Promise.any is fulfilled by its first fulfilled
 * input and rejected with an AggregateError only when every input has
 * rejected; Promise.race settles as its first settled input; both take
 * one turn for the input's reaction and one for the handler.  any([]) is
 * rejected at once; race([]) never settles.
 *
 * Why Node guarantees it: any and race call then() on each input in
 * order, and the element jobs settle the result (see the .js).  pawl's
 * any rejects with a PAWL_V_AGGREGATE of the reasons in input order (JS:
 * AggregateError.errors).  race([]) stays pending; nothing can settle it,
 * so releasing it must free it (or pawl_loop_close fails).
 */
#include "scenario.h"

static pawl_value r1_throws_z(void *ctx, pawl_value v)
{
    (void)ctx;
    (void)v;
    say("r1 throws z");
    return pawl_throw(pawl_ptr(TEXT("z")));
}

/* (e) => console.log(`${ctx} ${e.name} [${e.errors}]`) */
static pawl_value print_aggregate(void *ctx, pawl_value e)
{
    say("%s %s [%s]", (const char *)ctx,
        e.kind == PAWL_V_AGGREGATE ? "AggregateError" : "(not an aggregate)", value_text(e));
    return pawl_undefined();
}

static pawl_promise *rejected(const char *reason)
{
    pawl_promise *p;
    must(pawl_promise_rejected(loop, pawl_ptr(TEXT(reason)), &p));
    return p;
}

static pawl_promise *fulfilled(const char *value)
{
    pawl_promise *p;
    must(pawl_promise_resolved(loop, pawl_ptr(TEXT(value)), &p));
    return p;
}

static int timeout_a(void *arg)
{
    (void)arg;
    say("timeout A");
    pawl_promise *never, *start, *z, *out;
    must(pawl_promise_new(loop, &never));
    start = resolved_undefined();
    z = then_do(start, r1_throws_z, NULL);

    pawl_promise *in1[] = {rejected("x"), fulfilled("ok")};
    must(pawl_promise_any(loop, in1, 2, &out));
    must(pawl_promise_then(out, print_value, NULL, TEXT("any(x, ok)"), NULL));
    pawl_promise_release(out);

    pawl_promise *in2[] = {z, rejected("y")};
    must(pawl_promise_any(loop, in2, 2, &out));
    must(pawl_promise_catch(out, print_aggregate, TEXT("any(all rejected)"), NULL));
    pawl_promise_release(out);

    pawl_promise *in3[] = {rejected("x"), rejected("y")};
    must(pawl_promise_any(loop, in3, 2, &out));
    must(pawl_promise_catch(out, print_aggregate, TEXT("any(x, y)"), NULL));
    pawl_promise_release(out);

    must(pawl_promise_any(loop, NULL, 0, &out));
    must(pawl_promise_catch(out, print_aggregate, TEXT("any([])"), NULL));
    pawl_promise_release(out);

    pawl_promise *in4[] = {never, fulfilled("fast")};
    must(pawl_promise_race(loop, in4, 2, &out));
    must(pawl_promise_then(out, print_value, NULL, TEXT("race(never, fast)"), NULL));
    pawl_promise_release(out);

    pawl_promise *in5[] = {rejected("first"), fulfilled("second")};
    must(pawl_promise_race(loop, in5, 2, &out));
    must(pawl_promise_catch(out, print_value, TEXT("race(rejected, fulfilled)"), NULL));
    pawl_promise_release(out);

    must(pawl_promise_race(loop, NULL, 0, &out));
    must(pawl_promise_then(out, print_then, NULL, TEXT("race([]) (never)"), NULL));
    pawl_promise_release(out);

    pawl_promise *b = resolved_undefined();
    chain_print(b, "b1", "b2", "b3", "b4", NULL);

    pawl_promise *mine[] = {never, start, z, in1[0], in1[1], in2[1], in3[0], in3[1],
                            in4[1], in5[0], in5[1], b};
    for (size_t i = 0; i < sizeof mine / sizeof mine[0]; i++)
        pawl_promise_release(mine[i]);
    return 0;
}

int main(void)
{
    scenario_open();
    must(pawl_set_timeout(loop, timeout_a, NULL, 5));
    must(pawl_set_timeout(loop, print_text, TEXT("timeout B"), 5));
    return scenario_finish();
}
