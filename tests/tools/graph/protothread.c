/*
 * tests/tools/graph/protothread.c -- a pawl-graph fixture: a protothread
 * (PAWL_PT_BEGIN), the way a hand-written future is built.
 *
 * It waits for a flag, awaits a sleep, starts over until its third round
 * (PAWL_PT_RESTART), yields once and finishes (PAWL_PT_RETURN); an error
 * jumps by goto to a PAWL_PT_RETURN of its own.  No cancel edges and no
 * cleanup section: those belong to tasks.  The tests compare its drawing
 * with protothread.dot; the build compiles it.
 */
#include "pawl/pawl.h"

typedef struct reader {
    pawl_lc lc; /* the resume point */
    pawl_sleep nap;
    int ready;
    int tries;
} reader;

pawl_poll graph_fixture_reader(reader *r, pawl_cx *cx);

pawl_poll graph_fixture_reader(reader *r, pawl_cx *cx)
{
    int rc; /* set by the await and read right after it: a local is fine */

    PAWL_PT_BEGIN(r->lc);
    PAWL_PT_WAIT_UNTIL(r->lc, r->ready);
    PAWL_PT_AWAIT(r->lc, rc, pawl_sleep_ms(&r->nap, cx, 5));
    if (rc != 0)
        goto failed;
    if (++r->tries < 3)
        PAWL_PT_RESTART(r->lc);
    PAWL_PT_YIELD(r->lc);
    PAWL_PT_RETURN(r->lc, 0);
failed:
    r->tries = 0;
    PAWL_PT_RETURN(r->lc, rc);
    PAWL_PT_END(r->lc);
}
