/*
 * tests/tools/graph/cleanup.c -- a pawl-graph fixture: a cleanup section.
 *
 * PAWL_EXIT in the body and cancellation both go to PAWL_CLEANUP; the
 * body falls into it too.  Inside the cleanup section, PAWL_EXIT goes
 * straight to the end, and an await there cannot be canceled (no cancel
 * edge).  The tests compare its drawing with cleanup.dot; the build
 * compiles it.
 */
#include <stdbool.h>

#include "pawl/pawl.h"

typedef struct closer {
    pawl_task task;
    pawl_sleep nap;
    pawl_sleep flush;
    bool skip;
    bool slept;
    bool flushed;
} closer;

pawl_task_fn *graph_fixture_cleanup(void);

static pawl_poll closer_poll(pawl_task *t, pawl_cx *cx)
{
    closer *c = PAWL_CONTAINER_OF(t, closer, task);
    int rc;

    PAWL_BEGIN(cx);
    if (c->skip)
        PAWL_EXIT(cx);
    PAWL_AWAIT(cx, rc, pawl_sleep_ms(&c->nap, cx, 20));
    c->slept = rc == 0;
    PAWL_CLEANUP(cx);
    if (!c->slept)
        PAWL_EXIT(cx); /* from the cleanup section: to the end */
    PAWL_AWAIT(cx, rc, pawl_sleep_ms(&c->flush, cx, 5));
    c->flushed = rc == 0;
    PAWL_END(cx);
}

pawl_task_fn *graph_fixture_cleanup(void)
{
    return closer_poll;
}
