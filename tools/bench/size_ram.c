/*
 * tools/bench/size_ram.c -- the RAM each object takes, for
 * tools/bench/size: one array per type, as large as the type, whose
 * symbol size `nm -S` reads off the compiled object (nothing is linked
 * or run, so it works for any target).
 */
#include "pawl/cortexm.h"
#include "pawl/pawl.h"

#define SIZE_OF(type) const char size_of_##type[sizeof(type)] = {0}
SIZE_OF(pawl_task);
SIZE_OF(pawl_timer);
SIZE_OF(pawl_sleep);
SIZE_OF(pawl_remote);
SIZE_OF(pawl_promise);
SIZE_OF(pawl_reaction);
SIZE_OF(pawl_microtask);
SIZE_OF(pawl_wheel);
SIZE_OF(pawl_loop);
SIZE_OF(pawl_cortexm_platform);
SIZE_OF(pawl_arena);
