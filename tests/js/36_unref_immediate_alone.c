/*
 * 36_unref_immediate_alone: an unref'd immediate alone does not keep the
 * program alive: it never runs.
 *
 * Why Node guarantees it: with nothing referenced the loop is not alive
 * and exits before its first iteration (see the .js).  pawl_loop_run with
 * nothing alive runs no phase either.
 */
#include "scenario.h"

int main(void)
{
    scenario_open();
    pawl_timer_id imm = must(pawl_set_immediate(loop, print_text, TEXT("immediate (never)")));
    must(pawl_timeout_unref(loop, imm));
    say("hasRef %s", has_ref(imm));
    return scenario_finish();
}
