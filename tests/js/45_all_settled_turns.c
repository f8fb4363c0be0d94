/*
 * 45_all_settled_turns: Promise.allSettled waits for every input,
 * fulfilled or rejected, and is fulfilled one turn after the last input's
 * reaction; allSettled([]) is fulfilled at once.
 *
 * Why Node guarantees it: allSettled calls then() on each input, and the
 * last element job fulfils the result (see the .js).  pawl's list marks
 * the reasons with pawl_value_is_rejection, printed here as JS's
 * {status, value | reason} objects are by the .js.
 */
#include "scenario.h"

static pawl_value show_settled(void *ctx, pawl_value v)
{
    char line[256] = "";
    size_t len = 0;
    for (size_t i = 0; v.kind == PAWL_V_LIST && i < v.u.list->n; i++) {
        pawl_value item = v.u.list->items[i];
        len += (size_t)snprintf(line + len, sizeof line - len, "%s%s:%s", i ? "," : "",
                                pawl_value_is_rejection(item) ? "err" : "ok", value_text(item));
    }
    say("%s %s", (const char *)ctx, line);
    return pawl_undefined();
}

static pawl_value settled_empty(void *ctx, pawl_value v)
{
    (void)ctx;
    say("allSettled([]) length %zu", v.kind == PAWL_V_LIST ? v.u.list->n : (size_t)999);
    return pawl_undefined();
}

static pawl_value r1_throws(void *ctx, pawl_value v)
{
    (void)ctx;
    (void)v;
    say("r1 throws c");
    return pawl_throw(pawl_ptr(TEXT("c")));
}

static int immediate_a(void *arg)
{
    (void)arg;
    say("immediate A");
    pawl_promise *ok, *bad, *start, *later, *s1, *s2, *s3;
    must(pawl_promise_resolved(loop, pawl_ptr(TEXT("a")), &ok));
    must(pawl_promise_rejected(loop, pawl_ptr(TEXT("b")), &bad));
    start = resolved_undefined();
    later = then_do(start, r1_throws, NULL);
    must(pawl_promise_all_settled(loop, (pawl_promise *[]){ok, bad}, 2, &s1));
    must(pawl_promise_then(s1, show_settled, NULL, TEXT("allSettled(settled)"), NULL));
    must(pawl_promise_all_settled(loop, (pawl_promise *[]){ok, later}, 2, &s2));
    must(pawl_promise_then(s2, show_settled, NULL, TEXT("allSettled(later)"), NULL));
    must(pawl_promise_all_settled(loop, NULL, 0, &s3));
    must(pawl_promise_then(s3, settled_empty, NULL, NULL, NULL));
    pawl_promise *b = resolved_undefined();
    chain_print(b, "b1", "b2", "b3", "b4", NULL);

    pawl_promise_release(ok);
    pawl_promise_release(bad);
    pawl_promise_release(start);
    pawl_promise_release(later);
    pawl_promise_release(s1);
    pawl_promise_release(s2);
    pawl_promise_release(s3);
    pawl_promise_release(b);
    return 0;
}

int main(void)
{
    scenario_open();
    must(pawl_set_immediate(loop, immediate_a, NULL));
    must(pawl_set_immediate(loop, print_text, TEXT("immediate B")));
    return scenario_finish();
}
