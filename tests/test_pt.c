/*
 * tests/test_pt.c -- resume points and protothread macros (pawl/pt.h),
 * with no executor: a plain loop polls each protothread.
 *
 * This file is compiled twice, with -DPAWL_LC_SWITCH and -DPAWL_LC_LABELS;
 * the first case checks that the build really selected the implementation
 * it was asked for.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "pawl/pt.h"

/* A record of what a protothread did, in order. */
typedef struct trace {
    int ev[64];
    int n;
} trace;

static void note(trace *tr, int v)
{
    assert_true(tr->n < 64);
    tr->ev[tr->n++] = v;
}

static void assert_trace(const trace *tr, const int *want, int n)
{
    assert_int_equal(tr->n, n);
    for (int i = 0; i < n; i++)
        assert_int_equal(tr->ev[i], want[i]);
}

/* Poll until not PAWL_PENDING; return the final result and count polls. */
#define RUN_TO_END(call, polls_out)                                          \
    do {                                                                     \
        int r_;                                                              \
        (polls_out) = 0;                                                     \
        do {                                                                 \
            r_ = (call);                                                     \
            (polls_out)++;                                                   \
            assert_true((polls_out) < 10000);                                \
        } while (r_ == PAWL_PENDING);                                        \
        result = r_;                                                         \
    } while (0)

/* ---- the implementation really is the one the build asked for ---------- */

static void pt_implementation_is_the_requested_one(void **state)
{
    (void)state;
#if defined(PAWL_LC_SWITCH)
    assert_string_equal(PAWL_LC_IMPL, "switch");
#elif defined(PAWL_LC_LABELS)
    assert_string_equal(PAWL_LC_IMPL, "labels");
#endif
    assert_int_equal(sizeof(pawl_lc) * 8, PAWL_LC_BITS);
}

/* ---- sequential awaits ------------------------------------------------- */

typedef struct seq {
    pawl_lc lc;
    int gate; /* how many gates are open */
    trace tr;
} seq;

static pawl_poll seq_poll(seq *s)
{
    PAWL_PT_BEGIN(s->lc);
    note(&s->tr, 1);
    PAWL_PT_WAIT_UNTIL(s->lc, s->gate >= 1);
    note(&s->tr, 2);
    PAWL_PT_WAIT_UNTIL(s->lc, s->gate >= 2);
    note(&s->tr, 3);
    PAWL_PT_WAIT_UNTIL(s->lc, s->gate >= 3);
    note(&s->tr, 4);
    PAWL_PT_END(s->lc);
}

static void pt_sequential_waits_resume_in_order(void **state)
{
    (void)state;
    seq s = {0};
    assert_int_equal(seq_poll(&s), PAWL_PENDING);
    assert_int_equal(seq_poll(&s), PAWL_PENDING); /* gate still shut */
    s.gate = 1;
    assert_int_equal(seq_poll(&s), PAWL_PENDING);
    s.gate = 3; /* both remaining gates open: runs to the end in one poll */
    assert_int_equal(seq_poll(&s), PAWL_READY);
    static const int want[] = {1, 2, 3, 4};
    assert_trace(&s.tr, want, 4);
    assert_int_equal(s.lc, 0); /* reset by END */
}

/* ---- awaits inside loops and nested blocks ----------------------------- */

typedef struct nest {
    pawl_lc lc;
    int i, j;
    trace tr;
} nest;

static pawl_poll nest_poll(nest *s)
{
    PAWL_PT_BEGIN(s->lc);
    for (s->i = 0; s->i < 3; s->i++) {
        if (s->i % 2 == 0) {
            for (s->j = 0; s->j < 2; s->j++) {
                {
                    note(&s->tr, 10 * s->i + s->j);
                    PAWL_PT_YIELD(s->lc);
                }
            }
        } else {
            while (s->j > 0) {
                s->j--;
                PAWL_PT_YIELD(s->lc);
                note(&s->tr, 100 + s->j);
            }
        }
    }
    PAWL_PT_END(s->lc);
}

static void pt_awaits_in_loops_and_nested_blocks(void **state)
{
    (void)state;
    nest s = {0};
    int polls, result;
    RUN_TO_END(nest_poll(&s), polls);
    assert_int_equal(result, PAWL_READY);
    /* i=0: 0,1 (2 yields); i=1: j 2->1 yield, 101, j->0 yield, 100;
     * i=2: 20, 21 (2 yields).  6 yields -> 7 polls. */
    static const int want[] = {0, 1, 101, 100, 20, 21};
    assert_trace(&s.tr, want, 6);
    assert_int_equal(polls, 7);
}

/* ---- locals are not preserved; fields are ------------------------------ */

typedef struct keep {
    pawl_lc lc;
    int field;
    int seen_field;
} keep;

static pawl_poll keep_poll(keep *s, int arg)
{
    PAWL_PT_BEGIN(s->lc);
    s->field = arg;
    PAWL_PT_YIELD(s->lc);
    s->seen_field = s->field; /* a field set before the yield survives it */
    PAWL_PT_END(s->lc);
}

static void pt_struct_fields_survive_a_yield(void **state)
{
    (void)state;
    keep s = {0};
    assert_int_equal(keep_poll(&s, 41), PAWL_PENDING);
    assert_int_equal(keep_poll(&s, 99), PAWL_READY); /* arg differs now */
    assert_int_equal(s.seen_field, 41);
}

/* ---- two awaits on one line --------------------------------------------- */

typedef struct twice {
    pawl_lc lc;
    int steps;
} twice;

static pawl_poll twice_poll(twice *s)
{
    PAWL_PT_BEGIN(s->lc);
    /* clang-format off */
    PAWL_PT_YIELD(s->lc); s->steps++; PAWL_PT_YIELD(s->lc); s->steps++;
    /* clang-format on */
    PAWL_PT_END(s->lc);
}

static void pt_two_awaits_on_one_line_are_distinct(void **state)
{
    (void)state;
    twice s = {0};
    assert_int_equal(twice_poll(&s), PAWL_PENDING);
    assert_int_equal(s.steps, 0);
    assert_int_equal(twice_poll(&s), PAWL_PENDING);
    assert_int_equal(s.steps, 1);
    assert_int_equal(twice_poll(&s), PAWL_READY);
    assert_int_equal(s.steps, 2);
}

/* ---- early return ------------------------------------------------------- */

typedef struct early {
    pawl_lc lc;
    int fail_at;
    int i;
    trace tr;
} early;

static pawl_poll early_poll(early *s)
{
    PAWL_PT_BEGIN(s->lc);
    for (s->i = 0; s->i < 5; s->i++) {
        if (s->i == s->fail_at)
            PAWL_PT_RETURN(s->lc, -5);
        note(&s->tr, s->i);
        PAWL_PT_YIELD(s->lc);
    }
    PAWL_PT_END(s->lc);
}

static void pt_early_return_stops_with_its_status(void **state)
{
    (void)state;
    early s = {.fail_at = 2};
    int polls, result;
    RUN_TO_END(early_poll(&s), polls);
    assert_int_equal(result, -5);
    assert_int_equal(polls, 3);
    static const int want[] = {0, 1};
    assert_trace(&s.tr, want, 2);
    assert_int_equal(s.lc, 0); /* next poll starts over */
}

/* ---- restart after completion, and PAWL_PT_RESTART --------------------- */

static void pt_restarts_from_the_top_after_completion(void **state)
{
    (void)state;
    seq s = {.gate = 3};
    assert_int_equal(seq_poll(&s), PAWL_READY);
    assert_int_equal(seq_poll(&s), PAWL_READY); /* ran the whole body again */
    static const int want[] = {1, 2, 3, 4, 1, 2, 3, 4};
    assert_trace(&s.tr, want, 8);
}

typedef struct restart {
    pawl_lc lc;
    int rounds;
    trace tr;
} restart;

static pawl_poll restart_poll(restart *s)
{
    PAWL_PT_BEGIN(s->lc);
    note(&s->tr, s->rounds);
    if (++s->rounds < 3)
        PAWL_PT_RESTART(s->lc);
    PAWL_PT_END(s->lc);
}

static void pt_restart_goes_back_to_the_top(void **state)
{
    (void)state;
    restart s = {0};
    assert_int_equal(restart_poll(&s), PAWL_PENDING);
    assert_int_equal(restart_poll(&s), PAWL_PENDING);
    assert_int_equal(restart_poll(&s), PAWL_READY);
    static const int want[] = {0, 1, 2};
    assert_trace(&s.tr, want, 3);
}

/* ---- awaiting a sub-protothread (a future written with the macros) ----- */

typedef struct child {
    pawl_lc lc;
    int ticks_left;
    int fail;
} child;

static pawl_poll child_poll(child *c)
{
    PAWL_PT_BEGIN(c->lc);
    while (c->ticks_left > 0) {
        c->ticks_left--;
        PAWL_PT_YIELD(c->lc);
    }
    if (c->fail)
        PAWL_PT_RETURN(c->lc, -7);
    PAWL_PT_END(c->lc);
}

typedef struct parent {
    pawl_lc lc;
    child a, b;
    int rc_a, rc_b;
} parent;

static pawl_poll parent_poll(parent *p)
{
    PAWL_PT_BEGIN(p->lc);
    PAWL_PT_AWAIT(p->lc, p->rc_a, child_poll(&p->a));
    PAWL_PT_AWAIT(p->lc, p->rc_b, child_poll(&p->b));
    PAWL_PT_RETURN(p->lc, p->rc_a + p->rc_b);
    PAWL_PT_END(p->lc);
}

static void pt_await_polls_a_sub_protothread_to_completion(void **state)
{
    (void)state;
    parent p = {.a = {.ticks_left = 2}, .b = {.ticks_left = 3, .fail = 1}};
    int polls, result;
    RUN_TO_END(parent_poll(&p), polls);
    assert_int_equal(p.rc_a, PAWL_READY);
    assert_int_equal(p.rc_b, -7);
    assert_int_equal(result, -7);
    assert_int_equal(polls, 6); /* 2 + 3 yields, then the final poll */
}

/* ---- many resume points in one function -------------------------------- */

typedef struct many {
    pawl_lc lc;
    int n;
} many;

#define Y10(s)                                                               \
    PAWL_PT_YIELD((s)->lc); (s)->n++; PAWL_PT_YIELD((s)->lc); (s)->n++;       \
    PAWL_PT_YIELD((s)->lc); (s)->n++; PAWL_PT_YIELD((s)->lc); (s)->n++;       \
    PAWL_PT_YIELD((s)->lc); (s)->n++; PAWL_PT_YIELD((s)->lc); (s)->n++;       \
    PAWL_PT_YIELD((s)->lc); (s)->n++; PAWL_PT_YIELD((s)->lc); (s)->n++;       \
    PAWL_PT_YIELD((s)->lc); (s)->n++; PAWL_PT_YIELD((s)->lc); (s)->n++

static pawl_poll many_poll(many *s)
{
    PAWL_PT_BEGIN(s->lc);
    Y10(s);
    Y10(s);
    Y10(s);
    Y10(s);
    PAWL_PT_END(s->lc);
}

static void pt_forty_resume_points_each_resume_once(void **state)
{
    (void)state;
    many s = {0};
    int polls, result;
    RUN_TO_END(many_poll(&s), polls);
    assert_int_equal(result, PAWL_READY);
    assert_int_equal(s.n, 40);
    assert_int_equal(polls, 41);
}

#if defined(PAWL_LC_LABELS)
/* ---- labels only: an await inside the user's own switch ---------------- */

typedef struct sw {
    pawl_lc lc;
    int mode;
    trace tr;
} sw;

static pawl_poll sw_poll(sw *s)
{
    PAWL_PT_BEGIN(s->lc);
    switch (s->mode) {
    case 1:
        note(&s->tr, 1);
        PAWL_PT_YIELD(s->lc);
        note(&s->tr, 2);
        break;
    default:
        note(&s->tr, 9);
        break;
    }
    note(&s->tr, 3);
    PAWL_PT_END(s->lc);
}

static void pt_labels_allow_await_inside_a_switch(void **state)
{
    (void)state;
    sw s = {.mode = 1};
    assert_int_equal(sw_poll(&s), PAWL_PENDING);
    s.mode = 0; /* the switch is not re-evaluated on resume */
    assert_int_equal(sw_poll(&s), PAWL_READY);
    static const int want[] = {1, 2, 3};
    assert_trace(&s.tr, want, 3);
}
#endif

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pt_implementation_is_the_requested_one),
        cmocka_unit_test(pt_sequential_waits_resume_in_order),
        cmocka_unit_test(pt_awaits_in_loops_and_nested_blocks),
        cmocka_unit_test(pt_struct_fields_survive_a_yield),
        cmocka_unit_test(pt_two_awaits_on_one_line_are_distinct),
        cmocka_unit_test(pt_early_return_stops_with_its_status),
        cmocka_unit_test(pt_restarts_from_the_top_after_completion),
        cmocka_unit_test(pt_restart_goes_back_to_the_top),
        cmocka_unit_test(pt_await_polls_a_sub_protothread_to_completion),
        cmocka_unit_test(pt_forty_resume_points_each_resume_once),
#if defined(PAWL_LC_LABELS)
        cmocka_unit_test(pt_labels_allow_await_inside_a_switch),
#endif
    };
    return cmocka_run_group_tests_name("pt_" PAWL_LC_IMPL, tests, NULL, NULL);
}
