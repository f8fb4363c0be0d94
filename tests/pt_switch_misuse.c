/*
 * tests/pt_switch_misuse.c -- with the switch implementation, an await
 * inside the user's own switch captures the resume case.  pt.h must stop
 * the program when that resume point is taken, instead of silently
 * skipping the rest of the body.
 *
 * ctest runs this through expect_abort.cmake: the abort is the pass.  If
 * the program reaches the end of main (the old silent behaviour), it exits
 * 0 and the test fails.
 */
#define PAWL_LC_SWITCH 1
#include <stdio.h>

#include "pawl/pt.h"

typedef struct misuse {
    pawl_lc lc;
    int mode;
    int after;
} misuse;

static pawl_poll misuse_poll(misuse *m)
{
    PAWL_PT_BEGIN(m->lc);
    switch (m->mode) {
    case 50:
        PAWL_PT_YIELD(m->lc); /* its case label lands in *this* switch */
        m->after = 1;
        break;
    default:
        break;
    }
    PAWL_PT_END(m->lc);
}

int main(void)
{
    misuse m = {.mode = 50};
    (void)misuse_poll(&m);
    (void)misuse_poll(&m); /* resume: must trap, not finish silently */
    printf("resumed without a check (after=%d)\n", m.after);
    return 0;
}
