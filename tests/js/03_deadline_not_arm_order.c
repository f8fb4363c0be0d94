/*
 * 03_deadline_not_arm_order: timeouts armed longest first run shortest
 * first: the order is by deadline, not by arming.
 *
 * Why Node guarantees it: deadline order; the 100 ms between deadlines
 * covers the time between two adjacent statements (see the .js).
 */
#include "scenario.h"

int main(void)
{
    scenario_open();
    must(pawl_set_timeout(loop, print_text, TEXT("timeout 300 ms"), 300));
    must(pawl_set_timeout(loop, print_text, TEXT("timeout 100 ms"), 100));
    must(pawl_set_timeout(loop, print_text, TEXT("timeout 200 ms"), 200));
    return scenario_finish();
}
