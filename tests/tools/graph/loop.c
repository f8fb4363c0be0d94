/*
 * tests/tools/graph/loop.c -- a pawl-graph fixture: awaits inside loops.
 *
 * A `while` loop around an await (its "ready" edge comes back to it), a
 * `for` loop around a yield with a `continue` and a `break` in it, and a
 * `do ... while` whose test runs after its await.  The tests draw it and
 * compare the drawing with loop.dot; the build compiles it, so it stays
 * real pawl code.
 */
#include "pawl/pawl.h"

typedef struct poller {
    pawl_task task;
    pawl_sleep nap;
    int rounds; /* lives across awaits: a field */
    int i;      /* the for loop's counter: a field too */
    int done;
} poller;

pawl_task_fn *graph_fixture_loop(void);

static pawl_poll poller_poll(pawl_task *t, pawl_cx *cx)
{
    poller *p = PAWL_CONTAINER_OF(t, poller, task);
    int rc;

    PAWL_BEGIN(cx);
    while (p->rounds < 3) {
        PAWL_AWAIT(cx, rc, pawl_sleep_ms(&p->nap, cx, 10));
        if (rc != 0)
            break;
        p->rounds++;
    }
    for (p->i = 0; p->i < 4; p->i++) {
        if (p->i == 1)
            continue;
        if (p->done)
            break;
        PAWL_YIELD(cx);
    }
    do {
        PAWL_AWAIT(cx, rc, pawl_sleep_ms(&p->nap, cx, 5));
    } while (--p->rounds > 0);
    PAWL_END(cx);
}

pawl_task_fn *graph_fixture_loop(void)
{
    return poller_poll;
}
