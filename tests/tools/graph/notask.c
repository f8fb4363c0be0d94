/*
 * tests/tools/graph/notask.c -- a pawl-graph fixture with no poll
 * function.  PAWL_BEGIN(cx) appears only in this comment and in a string,
 * which pawl-graph must not take for code: it reports that the file has
 * no task.
 */
const char *graph_fixture_notask(void);

const char *graph_fixture_notask(void)
{
    return "PAWL_BEGIN(cx); PAWL_AWAIT(cx, rc, f()); PAWL_END(cx);";
}
