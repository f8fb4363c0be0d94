/*
 * 01_equal_delays_fifo: timeouts with equal delays run in the order they
 * were armed, and a delay of 0 is the same as 1.
 *
 * Why Node guarantees it: see 01_equal_delays_fifo.js (one list per delay,
 * appended in arm order, 0 coerced to 1 before filing).  pawl: equal
 * deadlines run first in, first out.
 */
#include "scenario.h"

int main(void)
{
    scenario_open();
    must(pawl_set_timeout(loop, print_text, TEXT("timeout A"), 1));
    must(pawl_set_timeout(loop, print_text, TEXT("timeout B"), 0));
    must(pawl_set_timeout(loop, print_text, TEXT("timeout C"), 1));
    must(pawl_set_timeout(loop, print_text, TEXT("timeout D"), 0));
    must(pawl_set_timeout(loop, print_text, TEXT("timeout E"), 7));
    must(pawl_set_timeout(loop, print_text, TEXT("timeout F"), 7));
    return scenario_finish();
}
