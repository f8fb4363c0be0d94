/*
 * examples/firmware/main.c -- pawl on a bare Cortex-M3 (QEMU's mps2-an385):
 * no heap, no OS, four firmware patterns on one loop.
 *
 *   (a) blink     a task toggles an LED on a drift-free 100 ms schedule
 *                 (absolute deadlines: a late wake-up never shifts the
 *                 next one) and logs each toggle;
 *   (b) console   a task reads lines from the UART.  The receive interrupt
 *                 rings a remote (pawl_wake_remote), which wakes the task;
 *                 nothing polls the UART.  It answers each line;
 *   (c) sensor    a promise chain with a timeout: a simulated sensor
 *                 answers through a promise, then() converts the reading,
 *                 with_timeout() bounds it, and a task awaits the result;
 *   (d) watchdog  a supervisor cancels a worker task from another task;
 *                 the worker's cleanup section runs and the join reports
 *                 PAWL_ECANCELED.
 *
 * Memory: every task, the remote and the loop are static; promises come
 * from a static pool (PAWL_PROMISE_POOL_STATIC) and the two timers that
 * delay/with_timeout make come from the static arena of pawl/config.h.
 * Nothing prints but fw_printf over the UART, and the program ends through
 * semihosting: exit status 0 when every pattern did what it should.
 *
 * The transcript is deterministic under QEMU's -icount: times are the
 * loop's milliseconds since start.  The console waits for the blinker to
 * finish before it listens, so the moment the input bytes arrive (which
 * depends on the host) never changes the order of the lines.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h> /* strcmp: board/libc_min.c's, not a C library's */

#include "pawl/cortexm.h"
#include "pawl/pawl.h"

#include "board.h"
#include "fmt.h"

#define BLINK_PERIOD_MS 100u
#define BLINK_TOGGLES 8u
#define WORKER_STEP_MS 60u
#define WATCHDOG_MS 250u
#define SENSOR_TIMEOUT_MS 50u

static pawl_cortexm_platform port;
static pawl_loop loop;
static uint64_t start_ms;

/* Checks for the firmware's own exit status. */
static unsigned failures;
#define EXPECT(cond)                                                         \
    do {                                                                     \
        if (!(cond)) {                                                       \
            fw_printf("FAILED: %s (line %d)\n", #cond, __LINE__);            \
            failures++;                                                      \
        }                                                                    \
    } while (0)

/* The vector table (board/startup.c) points SysTick here. */
void SysTick_Handler(void)
{
    pawl_cortexm_tick();
}

static unsigned long now(void)
{
    return (unsigned long)(pawl_loop_now(&loop) - start_ms);
}

/* ---- (a) blink: a drift-free periodic task ------------------------------ */

/* The board's user LED 0 (the FPGA I/O block's LED register). */
#define FPGAIO_LED (*(volatile uint32_t *)0x40028000u)

typedef struct blinker {
    pawl_task task;
    pawl_sleep sleep;
    uint64_t next;    /* the next toggle's deadline: kept, not recomputed */
    unsigned toggles;
} blinker;

static pawl_poll blink_poll(pawl_task *t, pawl_cx *cx)
{
    blinker *b = PAWL_CONTAINER_OF(t, blinker, task);
    int rc;
    PAWL_BEGIN(cx);
    b->next = pawl_loop_now(cx->loop);
    while (b->toggles < BLINK_TOGGLES) {
        b->next += BLINK_PERIOD_MS;
        PAWL_AWAIT(cx, rc, pawl_sleep_until(&b->sleep, cx, b->next));
        (void)rc;
        FPGAIO_LED ^= 1u;
        b->toggles++;
        fw_printf("[%4lu] blink: led %s (toggle %u)\n", now(), (FPGAIO_LED & 1u) ? "on " : "off",
                  b->toggles);
    }
    PAWL_END(cx);
}

/* ---- (b) console: a task woken by the UART receive interrupt ------------ */

typedef struct console {
    pawl_task task;
    pawl_remote rx;     /* rung by the receive interrupt */
    blinker *wait_for;  /* listen once this task has finished */
    char line[48];
    unsigned len;
    unsigned lines;
    bool bye;
} console;

/* The UART receive interrupt handler's callback: the one call into pawl
 * that an interrupt handler may make. */
static void on_rx(void *arg)
{
    (void)pawl_wake_remote(arg);
}

static void answer(console *c)
{
    c->line[c->len] = '\0';
    c->lines++;
    fw_printf("console: got \"%s\"\n", c->line);
    if (strcmp(c->line, "blink") == 0)
        fw_printf("console: the led toggled %u times\n", c->wait_for->toggles);
    else if (strcmp(c->line, "bye") == 0)
        c->bye = true;
    else
        fw_printf("console: %u characters\n", c->len);
}

static pawl_poll console_poll(pawl_task *t, pawl_cx *cx)
{
    console *c = PAWL_CONTAINER_OF(t, console, task);
    int rc;
    PAWL_BEGIN(cx);
    PAWL_AWAIT(cx, rc, pawl_task_join(&c->wait_for->task, cx));
    fw_printf("[%4lu] console: listening\n", now());
    board_uart_rx_irq(on_rx, &c->rx);
    while (!c->bye) {
        /* Take every byte that is there, then sleep until the interrupt
         * rings.  A byte that lands after the last read rings the remote,
         * and a ring is kept until awaited: nothing is lost in between. */
        for (int ch; !c->bye && (ch = board_uart_getc()) >= 0;) {
            if (ch == '\r')
                continue;
            if (ch == '\n') {
                answer(c);
                c->len = 0;
            } else if (c->len + 1 < sizeof c->line) {
                c->line[c->len++] = (char)ch;
            }
        }
        if (!c->bye)
            PAWL_AWAIT(cx, rc, pawl_remote_wait(&c->rx, cx));
    }
    fw_printf("console: bye after %u lines\n", c->lines);
    PAWL_CLEANUP(cx);
    board_uart_rx_irq(NULL, NULL);
    (void)pawl_remote_close(&c->rx);
    PAWL_END(cx);
}

/* ---- (c) sensor: a promise chain with a timeout ------------------------- */

/* Promises and reactions for the whole program, in static arrays. */
PAWL_PROMISE_POOL_STATIC(promise_pool, 8, 8);

typedef struct sensor {
    pawl_task task;
    pawl_promise *result;
    pawl_value value;
    unsigned read;      /* which reading */
    unsigned ok, timed_out;
} sensor;

/* then(): tenths of a kelvin to whole degrees Celsius. */
static pawl_value to_celsius(void *ctx, pawl_value v)
{
    (void)ctx;
    /* 32-bit arithmetic: a Cortex-M3 divides 32 bits in hardware, while
     * an int64_t division would link a 700-byte library routine. */
    return pawl_int(((int32_t)v.u.i - 2732) / 10);
}

/* A reading: the sensor answers in tenths of a kelvin after `ms`;
 * delay(ms).then(to_celsius) bounded by with_timeout.  NULL if the pool
 * or the arena ran out. */
static pawl_promise *sensor_read(uint32_t ms, int64_t decikelvin)
{
    pawl_promise *raw = NULL, *celsius = NULL, *bounded = NULL;
    if (pawl_promise_delay(&loop, ms, pawl_int(decikelvin), &raw) != 0)
        return NULL;
    if (pawl_promise_then(raw, to_celsius, NULL, NULL, &celsius) == 0)
        (void)pawl_promise_with_timeout(celsius, SENSOR_TIMEOUT_MS, &bounded);
    pawl_promise_release(raw);
    if (celsius != NULL)
        pawl_promise_release(celsius);
    return bounded;
}

static pawl_poll sensor_poll(pawl_task *t, pawl_cx *cx)
{
    sensor *s = PAWL_CONTAINER_OF(t, sensor, task);
    int rc;
    PAWL_BEGIN(cx);
    for (s->read = 1; s->read <= 2; s->read++) {
        /* The first reading takes 30 ms, the second 80: past the limit. */
        s->result = sensor_read(s->read == 1 ? 30u : 80u, 2942);
        if (s->result == NULL) {
            fw_printf("sensor: out of promise memory\n");
            PAWL_EXIT(cx);
        }
        PAWL_AWAIT(cx, rc, pawl_promise_await(s->result, cx, &s->value));
        if (rc == 0) {
            s->ok++;
            fw_printf("[%4lu] sensor: reading %u: %ld C\n", now(), s->read, (long)s->value.u.i);
        } else if (rc == PAWL_EREJECTED && s->value.kind == PAWL_V_ERROR &&
                   s->value.code == PAWL_ETIMEDOUT) {
            s->timed_out++;
            fw_printf("[%4lu] sensor: reading %u: no answer within %u ms\n", now(), s->read,
                      SENSOR_TIMEOUT_MS);
        }
        pawl_value_drop(&s->value);
        pawl_promise_release(s->result);
        s->result = NULL;
    }
    PAWL_END(cx);
}

/* ---- (d) watchdog: one task cancels another ------------------------------ */

typedef struct worker {
    pawl_task task;
    pawl_sleep sleep;
    unsigned steps;
    bool cleaned_up;
} worker;

static pawl_poll worker_poll(pawl_task *t, pawl_cx *cx)
{
    worker *w = PAWL_CONTAINER_OF(t, worker, task);
    int rc;
    PAWL_BEGIN(cx);
    for (;;) {
        PAWL_AWAIT(cx, rc, pawl_sleep_ms(&w->sleep, cx, WORKER_STEP_MS));
        (void)rc;
        w->steps++;
        fw_printf("[%4lu] worker: step %u\n", now(), w->steps);
    }
    PAWL_CLEANUP(cx);
    w->cleaned_up = true;
    fw_printf("[%4lu] worker: cleanup after %u steps\n", now(), w->steps);
    PAWL_END(cx);
}

typedef struct supervisor {
    pawl_task task;
    pawl_sleep sleep;
    worker *worker;
    int join_result;
} supervisor;

static pawl_poll supervisor_poll(pawl_task *t, pawl_cx *cx)
{
    supervisor *s = PAWL_CONTAINER_OF(t, supervisor, task);
    int rc;
    PAWL_BEGIN(cx);
    PAWL_AWAIT(cx, rc, pawl_sleep_ms(&s->sleep, cx, WATCHDOG_MS));
    fw_printf("[%4lu] supervisor: worker overran %u ms, cancel it\n", now(), WATCHDOG_MS);
    (void)pawl_task_cancel(cx->loop, &s->worker->task);
    PAWL_AWAIT(cx, rc, pawl_task_join(&s->worker->task, cx));
    s->join_result = rc;
    fw_printf("[%4lu] supervisor: worker joined: %s\n", now(), pawl_err_name(rc));
    PAWL_END(cx);
}

/* ---- main ---------------------------------------------------------------- */

static void on_rejection(void *ud, pawl_loop *l, struct pawl_promise *p,
                         pawl_rejection_event event, const struct pawl_value *reason)
{
    (void)ud;
    (void)l;
    (void)p;
    (void)event;
    /* (pawl_value_format would describe any value, but it links every
     * error message: a firmware names the code and stays small.) */
    fw_printf("unhandled rejection: %s\n",
              reason->kind == PAWL_V_ERROR ? pawl_err_name(reason->code) : "not an error code");
    failures++;
}

static blinker blink;
static console con;
static sensor sens;
static worker work;
static supervisor super;

int main(void)
{
    board_init();
    fw_printf("pawl firmware example on mps2-an385 (Cortex-M3)\n");
    EXPECT(pawl_cortexm_init(&port, board_core_hz(), 0) == 0);
    pawl_loop_opts opts = {0};
    opts.platform = &port.base;
    opts.promise_pool = &promise_pool;
    opts.on_rejection = on_rejection;
    EXPECT(pawl_loop_init(&loop, &opts) == 0);
    start_ms = pawl_loop_now(&loop);

    pawl_task_init(&blink.task, blink_poll);
    pawl_task_init(&con.task, console_poll);
    pawl_task_init(&sens.task, sensor_poll);
    pawl_task_init(&work.task, worker_poll);
    pawl_task_init(&super.task, supervisor_poll);
    con.wait_for = &blink;
    super.worker = &work;
    EXPECT(pawl_remote_init(&loop, &con.rx, NULL, NULL) == 0);
    EXPECT(pawl_task_spawn(&loop, &blink.task) == 0);
    EXPECT(pawl_task_spawn(&loop, &con.task) == 0);
    EXPECT(pawl_task_spawn(&loop, &sens.task) == 0);
    EXPECT(pawl_task_spawn(&loop, &work.task) == 0);
    EXPECT(pawl_task_spawn(&loop, &super.task) == 0);

    int rc = pawl_loop_run(&loop, PAWL_RUN_DEFAULT);
    EXPECT(rc == 0);
    EXPECT(blink.toggles == BLINK_TOGGLES);
    EXPECT(sens.ok == 1 && sens.timed_out == 1);
    EXPECT(work.cleaned_up && work.steps == WATCHDOG_MS / WORKER_STEP_MS);
    EXPECT(super.join_result == PAWL_ECANCELED);
    EXPECT(con.bye);
    EXPECT(pawl_loop_close(&loop) == 0);
    /* (No time here: when the console's input arrives depends on the
     * host, so the end time is not part of the transcript.) */
    fw_printf("done: %s\n", failures == 0 ? "all patterns ran as expected" : "FAILED");
    return failures == 0 ? 0 : 1;
}
