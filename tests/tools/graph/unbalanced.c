/*
 * tests/tools/graph/unbalanced.c -- a pawl-graph fixture that does not
 * compile: the `while` block's brace (line 23) is never closed, so the
 * function's last '}' closes it and the function's own brace (line 17) is
 * left open.  pawl-graph must say so, name line 17, and point at line 23
 * by the indentation, instead of drawing something wrong.
 */
#include "pawl/pawl.h"

typedef struct broken {
    pawl_task task;
    pawl_sleep nap;
    int n;
} broken;

static pawl_poll broken_poll(pawl_task *t, pawl_cx *cx)
{
    broken *b = PAWL_CONTAINER_OF(t, broken, task);
    int rc;

    PAWL_BEGIN(cx);
    /* "}" in a comment or a string does not count: '}' */
    while (b->n < 3) {
        PAWL_AWAIT(cx, rc, pawl_sleep_ms(&b->nap, cx, 10));
        b->n++;
    PAWL_END(cx);
}
