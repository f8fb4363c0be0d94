/*
 * tests/tools/graph/branches.c -- a pawl-graph fixture: awaits in the
 * branches of an if / else if / else.
 *
 * Each branch awaits something different (a sleep, a join, a sleep under
 * PAWL_TIMEOUT); all three meet again at one `if` that decides whether
 * to yield.  A switch with no await in it leaves early by PAWL_EXIT.  The
 * tests compare its drawing with branches.dot; the build compiles it.
 */
#include <stddef.h>

#include "pawl/pawl.h"

typedef struct chooser {
    pawl_task task;
    pawl_task *helper; /* a task to join, or NULL */
    pawl_sleep nap;
    pawl_sleep limit;
    int mode;
    int fast;
    int result;
} chooser;

pawl_task_fn *graph_fixture_branches(void);

static pawl_poll chooser_poll(pawl_task *t, pawl_cx *cx)
{
    chooser *c = PAWL_CONTAINER_OF(t, chooser, task);
    int rc;

    PAWL_BEGIN(cx);
    switch (c->mode) {
    case 0:
        PAWL_EXIT(cx);
    default:
        break;
    }
    if (c->fast) {
        PAWL_AWAIT(cx, rc, pawl_sleep_ms(&c->nap, cx, 1));
    } else if (c->helper != NULL) {
        PAWL_AWAIT(cx, rc, pawl_task_join(c->helper, cx));
    } else {
        PAWL_AWAIT(cx, rc, PAWL_TIMEOUT(&c->limit, cx, 50, pawl_sleep_ms(&c->nap, cx, 100)));
    }
    c->result = rc;
    if (rc == 0)
        PAWL_YIELD(cx);
    PAWL_END(cx);
}

pawl_task_fn *graph_fixture_branches(void)
{
    return chooser_poll;
}
