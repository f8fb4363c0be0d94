/*
 * tools/bench/size_core.c -- the smallest program that uses the executor,
 * the wheel and the timers, for tools/bench/size: a loop on the Cortex-M
 * port, a task that sleeps three times, a periodic timer, run, close.
 */
#include "pawl/cortexm.h"
#include "pawl/pawl.h"

static pawl_cortexm_platform port;
static pawl_loop loop;

typedef struct sleeper {
    pawl_task task;
    pawl_sleep sleep;
    unsigned n;
} sleeper;

static sleeper sl;
static pawl_timer tick;
static unsigned ticks;

static int on_tick(pawl_loop *l, pawl_timer *t)
{
    (void)l;
    (void)t;
    return ++ticks < 3 ? PAWL_TIMER_PERIODIC : PAWL_TIMER_STOP;
}

static pawl_poll sleeper_poll(pawl_task *t, pawl_cx *cx)
{
    sleeper *s = PAWL_CONTAINER_OF(t, sleeper, task);
    int rc;
    PAWL_BEGIN(cx);
    for (s->n = 0; s->n < 3; s->n++)
        PAWL_AWAIT(cx, rc, pawl_sleep_ms(&s->sleep, cx, 10));
    (void)rc;
    PAWL_END(cx);
}

void SysTick_Handler(void);
void SysTick_Handler(void)
{
    pawl_cortexm_tick();
}

int main(void);
int main(void)
{
    if (pawl_cortexm_init(&port, 25000000u, 0) != 0 ||
        pawl_loop_init(&loop, &(pawl_loop_opts){.platform = &port.base}) != 0)
        return 1;
    pawl_timer_init(&tick, on_tick);
    pawl_timer_start(&loop, &tick, 5);
    pawl_task_init(&sl.task, sleeper_poll);
    pawl_task_spawn(&loop, &sl.task);
    int rc = pawl_loop_run(&loop, PAWL_RUN_DEFAULT);
    return rc != 0 || pawl_loop_close(&loop) != 0;
}
