/*
 * examples/lowering/traced.c -- records a trace of state_machine.c's run,
 * without a line of state_machine.c changed.
 *
 * The target lowering_state_machine_traced (CMakeLists.txt here) compiles
 * state_machine.c against the library built with PAWL_TRACE, with three
 * of its calls renamed on the command line:
 *
 *     -Dpawl_loop_init=lowering_traced_loop_init
 *     -Dpawl_loop_close=lowering_traced_loop_close
 *     -Dpawl_task_spawn=lowering_traced_task_spawn
 *
 * and links this file, which defines the three and calls the real ones
 * (this file is compiled without the renames).  So the program does what
 * state_machine.c says, prints the same transcript, and also:
 *
 *   - init starts recording into a static ring, right after the loop is
 *     initialised;
 *   - spawn names the task "job", for the trace (PAWL_TRACE_NAME);
 *   - close writes the dump (pawl/trace.h) to the file named by the
 *     environment variable PAWL_LOWERING_TRACE, if it is set, and then
 *     closes the loop.
 *
 * tools/pawl-trace draws docs/img/lowering-sequence.svg from that dump
 * (`tools/pawl-trace --help` gives the command).
 */
#include <stdio.h>
#include <stdlib.h>

#include "pawl/pawl.h"

/* The renamed calls: state_machine.c sees these names in pawl's headers. */
int lowering_traced_loop_init(pawl_loop *loop, const pawl_loop_opts *opts);
int lowering_traced_loop_close(pawl_loop *loop);
int lowering_traced_task_spawn(pawl_loop *loop, pawl_task *t);

/* state_machine.c's run records about 30 events. */
static pawl_trace_event ring[1024];

int lowering_traced_loop_init(pawl_loop *loop, const pawl_loop_opts *opts)
{
    int rc = pawl_loop_init(loop, opts);
    if (rc != 0)
        return rc;
    return pawl_trace_start(loop, ring, sizeof ring / sizeof ring[0]);
}

int lowering_traced_task_spawn(pawl_loop *loop, pawl_task *t)
{
    PAWL_TRACE_NAME(t, "job");
    return pawl_task_spawn(loop, t);
}

static int file_write(void *ctx, const void *data, size_t len)
{
    return fwrite(data, 1, len, ctx) == len ? 0 : PAWL_ENOSPC;
}

/* A trace that cannot be written is an error of the close, so the program
 * fails as it does for any failed call: PAWL_EINVAL for a file that cannot
 * be opened (perror says why), PAWL_ENOSPC for one that cannot be written. */
int lowering_traced_loop_close(pawl_loop *loop)
{
    const char *path = getenv("PAWL_LOWERING_TRACE");
    if (path != NULL) {
        FILE *f = fopen(path, "wb");
        if (f == NULL) {
            perror(path);
            return PAWL_EINVAL;
        }
        int rc = pawl_trace_write(loop, file_write, f);
        if (fclose(f) != 0 && rc == 0)
            rc = PAWL_ENOSPC;
        if (rc != 0)
            return rc;
    }
    int rc = pawl_trace_stop(loop);
    if (rc != 0)
        return rc;
    return pawl_loop_close(loop);
}
