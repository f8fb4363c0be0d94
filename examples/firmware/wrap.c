/*
 * examples/firmware/wrap.c -- the clock crosses 2^32 ms with timers,
 * intervals and sleeps live.
 *
 * The Cortex-M port counts milliseconds in a 32-bit word that SysTick
 * increments and carries into a second word (pawl/cortexm.h).  This
 * program starts that counter 300 ms below 2^32, so that the carry happens
 * while every kind of timer is armed:
 *
 *   periodic   a pawl_timer returning PAWL_TIMER_PERIODIC, every 100 ms
 *   interval   pawl_set_interval, every 70 ms (cleared after 13)
 *   sleeps     a task sleeping 250 ms four times
 *   one-shots  pawl_timer_start for 299, 300 and 301 ms (the last tick
 *              before the carry, the carry itself, the tick after) and a
 *              setTimeout of 450 ms
 *
 * Each event checks that it came at exactly its due time (not early, not
 * late) and no more times than due, and prints the time since start and
 * the port's raw counter words.  Exit status 0 only if every event came
 * once, on time.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pawl/cortexm.h"
#include "pawl/pawl.h"

#include "board.h"
#include "fmt.h"

#define START_MS (((uint64_t)1 << 32) - 300u)

static pawl_cortexm_platform port;
static pawl_loop loop;
static unsigned failures;

/* The vector table (board/startup.c) points SysTick here. */
void SysTick_Handler(void)
{
    pawl_cortexm_tick();
}

/* One kind of event: when it is due (ms since start), and how many came. */
typedef struct series {
    const char *name;
    const uint32_t *due;
    unsigned n_due;
    unsigned seen;
} series;

static void event(series *s)
{
    uint64_t now = pawl_loop_now(&loop);
    uint64_t raw = pawl_cortexm_now_ms(&port);
    unsigned long at = (unsigned long)(now - START_MS);
    s->seen++;
    fw_printf("[+%4lu] %-9s #%u  clock %08lx:%08lx", at, s->name, s->seen,
              (unsigned long)(raw >> 32), (unsigned long)(raw & 0xFFFFFFFFu));
    if (s->seen > s->n_due) {
        fw_printf("  EXTRA: only %u due\n", s->n_due);
        failures++;
    } else if (at != s->due[s->seen - 1]) {
        fw_printf("  %s: due at +%lu\n", at < s->due[s->seen - 1] ? "EARLY" : "LATE",
                  (unsigned long)s->due[s->seen - 1]);
        failures++;
    } else {
        fw_printf("\n");
    }
}

static const uint32_t periodic_due[] = {100, 200, 300, 400, 500, 600, 700, 800, 900, 1000};
static const uint32_t interval_due[] = {70,  140, 210, 280, 350, 420, 490,
                                        560, 630, 700, 770, 840, 910};
static const uint32_t sleep_due[] = {250, 500, 750, 1000};
static const uint32_t t299_due[] = {299};
static const uint32_t t300_due[] = {300};
static const uint32_t t301_due[] = {301};
static const uint32_t timeout_due[] = {450};

#define SERIES(name, due) {name, due, sizeof due / sizeof due[0], 0}
static series periodic = SERIES("periodic", periodic_due);
static series interval = SERIES("interval", interval_due);
static series sleeps = SERIES("sleep", sleep_due);
static series t299 = SERIES("once 299", t299_due);
static series t300 = SERIES("once 300", t300_due);
static series t301 = SERIES("once 301", t301_due);
static series timeout = SERIES("timeout", timeout_due);

static int on_periodic(pawl_loop *l, pawl_timer *t)
{
    (void)l;
    (void)t;
    event(&periodic);
    return periodic.seen < periodic.n_due ? PAWL_TIMER_PERIODIC : PAWL_TIMER_STOP;
}

static pawl_timer_id interval_id;

static int on_interval(void *arg)
{
    (void)arg;
    event(&interval);
    if (interval.seen == interval.n_due)
        (void)pawl_clear_interval(&loop, interval_id);
    return 0;
}

static int on_timeout(void *arg)
{
    (void)arg;
    event(&timeout);
    return 0;
}

static int on_once(pawl_loop *l, pawl_timer *t)
{
    (void)l;
    uint64_t due = pawl_timer_deadline(t) - START_MS;
    event(due == 299u ? &t299 : due == 300u ? &t300 : &t301);
    return PAWL_TIMER_STOP;
}

typedef struct sleeper {
    pawl_task task;
    pawl_sleep sleep;
    unsigned i;
} sleeper;

static pawl_poll sleeper_poll(pawl_task *t, pawl_cx *cx)
{
    sleeper *s = PAWL_CONTAINER_OF(t, sleeper, task);
    int rc;
    PAWL_BEGIN(cx);
    for (s->i = 0; s->i < 4; s->i++) {
        PAWL_AWAIT(cx, rc, pawl_sleep_ms(&s->sleep, cx, 250));
        (void)rc;
        event(&sleeps);
    }
    PAWL_END(cx);
}

static pawl_timer tick, once[3];
static sleeper sleepy;

int main(void)
{
    board_init();
    fw_printf("pawl clock wrap test: start 300 ms below 2^32 ms\n");
    if (pawl_cortexm_init(&port, board_core_hz(), START_MS) != 0 ||
        pawl_loop_init(&loop, &(pawl_loop_opts){.platform = &port.base}) != 0) {
        fw_printf("FAILED: init\n");
        return 1;
    }
    pawl_timer_init(&tick, on_periodic);
    pawl_timer_start(&loop, &tick, 100);
    interval_id = pawl_set_interval(&loop, on_interval, NULL, 70);
    (void)pawl_set_timeout(&loop, on_timeout, NULL, 450);
    for (unsigned i = 0; i < 3; i++) {
        pawl_timer_init(&once[i], on_once);
        pawl_timer_start(&loop, &once[i], 299 + i);
    }
    pawl_task_init(&sleepy.task, sleeper_poll);
    pawl_task_spawn(&loop, &sleepy.task);

    int rc = pawl_loop_run(&loop, PAWL_RUN_DEFAULT);
    series *all[] = {&periodic, &interval, &sleeps, &t299, &t300, &t301, &timeout};
    for (unsigned i = 0; i < sizeof all / sizeof all[0]; i++) {
        if (all[i]->seen != all[i]->n_due) {
            fw_printf("FAILED: %s came %u times of %u\n", all[i]->name, all[i]->seen,
                      all[i]->n_due);
            failures++;
        }
    }
    if (rc != 0 || pawl_loop_close(&loop) != 0) {
        fw_printf("FAILED: run %d\n", rc);
        failures++;
    }
    uint64_t end = pawl_cortexm_now_ms(&port);
    fw_printf("end: clock %08lx:%08lx, %s\n", (unsigned long)(end >> 32),
              (unsigned long)(end & 0xFFFFFFFFu), failures == 0 ? "every event once, on time" : "FAILED");
    return failures == 0 ? 0 : 1;
}
