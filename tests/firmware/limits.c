/*
 * tests/firmware/limits.c -- running out on a microcontroller is an error
 * code, never a crash, in the configuration firmware really uses
 * (PAWL_NO_OS, PAWL_NO_MALLOC, cross-compiled, run under QEMU).
 *
 *   - no platform: pawl_loop_init says PAWL_EINVAL (there is no default);
 *   - the promise pool: the ninth promise of an 8-promise pool is
 *     PAWL_ENOSPC, and every promise made before is intact;
 *   - no pool: a PAWL_NO_MALLOC loop makes no promise (PAWL_ENOMEM), since
 *     promises come from pools alone there;
 *   - the static arena (PAWL_CONFIG_HEAP_BYTES): setTimeout records until
 *     it is full, then PAWL_ENOMEM; the timers made before still fire,
 *     and once they have, the arena takes new ones again;
 *   - pawl_strerror in a PAWL_NO_OS build names pawl's codes and calls
 *     any other one "unknown error" (there is no C library to ask).
 *
 * Each check prints one line; the exit status is 0 only if all held.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h> /* strcmp: board/libc_min.c's */

#include "pawl/cortexm.h"
#include "pawl/pawl.h"

#include "board.h"
#include "fmt.h"

static pawl_cortexm_platform port;
static unsigned failures;

#define CHECK(cond)                                                          \
    do {                                                                     \
        bool ok_ = (cond);                                                   \
        fw_printf("%s: %s\n", ok_ ? "ok  " : "FAIL", #cond);                 \
        failures += !ok_;                                                    \
    } while (0)

void SysTick_Handler(void)
{
    pawl_cortexm_tick();
}

PAWL_PROMISE_POOL_STATIC(pool, 8, 8);

static int fired;

static int on_timeout(void *arg)
{
    (void)arg;
    fired++;
    return 0;
}

int main(void)
{
    board_init();
    fw_printf("pawl limits on a Cortex-M3 (no heap, no OS)\n");
    pawl_loop loop;
    CHECK(pawl_cortexm_init(&port, board_core_hz(), 0) == 0);
    CHECK(pawl_loop_init(&loop, NULL) == PAWL_EINVAL);

    /* The pool: eight promises, then PAWL_ENOSPC. */
    pawl_loop_opts opts = {.platform = &port.base, .promise_pool = &pool};
    CHECK(pawl_loop_init(&loop, &opts) == 0);
    pawl_promise *p[9] = {0};
    int made = 0, rc = 0;
    while (made < 9 && (rc = pawl_promise_new(&loop, &p[made])) == 0)
        made++;
    CHECK(made == 8 && rc == PAWL_ENOSPC && p[8] == NULL);
    for (int i = 0; i < made; i++)
        CHECK(pawl_promise_resolve(p[i], pawl_int(i)) == 0);
    pawl_value v;
    CHECK(pawl_promise_result(p[7], &v) == 0 && v.kind == PAWL_V_INT && v.u.i == 7);
    for (int i = 0; i < made; i++)
        pawl_promise_release(p[i]);
    CHECK(pawl_loop_run(&loop, PAWL_RUN_DEFAULT) == 0);
    CHECK(pawl_promise_new(&loop, &p[0]) == 0); /* given back: there again */
    pawl_promise_release(p[0]);
    CHECK(pawl_loop_close(&loop) == 0);

    /* No pool: no promise at all in a PAWL_NO_MALLOC build. */
    CHECK(pawl_loop_init(&loop, &(pawl_loop_opts){.platform = &port.base}) == 0);
    pawl_promise *q = NULL;
    CHECK(pawl_promise_new(&loop, &q) == PAWL_ENOMEM && q == NULL);

    /* The arena: setTimeout records until it is full. */
    int armed = 0;
    pawl_timer_id id;
    while ((id = pawl_set_timeout(&loop, on_timeout, NULL, 10)) > 0)
        armed++;
    fw_printf("      (the %u-byte arena held %d setTimeout records)\n",
              (unsigned)PAWL_CONFIG_HEAP_BYTES, armed);
    CHECK(armed > 0 && id == PAWL_ENOMEM);
    CHECK(pawl_loop_run(&loop, PAWL_RUN_DEFAULT) == 0);
    CHECK(fired == armed); /* every one made before the arena ran out */
    CHECK(pawl_set_timeout(&loop, on_timeout, NULL, 10) > 0); /* room again */
    CHECK(pawl_loop_run(&loop, PAWL_RUN_DEFAULT) == 0 && fired == armed + 1);
    CHECK(pawl_loop_close(&loop) == 0);

    /* Messages without a C library. */
    CHECK(strcmp(pawl_strerror(PAWL_ENOSPC), "no space left in pool") == 0);
    CHECK(strcmp(pawl_strerror(-1000), "unknown error") == 0);
    CHECK(strcmp(pawl_err_name(PAWL_ENOMEM), "ENOMEM") == 0);

    fw_printf("%s\n", failures == 0 ? "all limits held" : "FAILED");
    return failures == 0 ? 0 : 1;
}
