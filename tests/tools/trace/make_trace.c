/*
 * tests/tools/trace/make_trace.c -- writes the trace that tools/pawl-trace
 * is tested on (tests/tools/CMakeLists.txt, the pawl_trace_* tests).
 *
 * A small scenario on the virtual clock, so that the trace is the same on
 * every run: "producer" sleeps 5 ms (a timer), then resolves a promise
 * that "consumer" awaits (a wake from a promise reaction), then joins
 * "consumer", which yields once and finishes (a wake across tasks).
 *
 *     make_trace FILE      writes the dump (pawl/trace.h) to FILE
 *
 * Built against pawl_trace_static, the library compiled with PAWL_TRACE.
 */
#include <stdio.h>

#include "pawl/pawl.h"

#define MS 1000000ull

typedef struct consumer {
    pawl_task task;
    pawl_promise *p;
    pawl_value v;
    int rc;
} consumer;

static pawl_poll consumer_poll(pawl_task *t, pawl_cx *cx)
{
    consumer *c = PAWL_CONTAINER_OF(t, consumer, task);
    PAWL_BEGIN(cx);
    PAWL_AWAIT(cx, c->rc, pawl_promise_await(c->p, cx, &c->v));
    PAWL_YIELD(cx);
    PAWL_END(cx);
}

typedef struct producer {
    pawl_task task;
    pawl_sleep sleep;
    consumer *c;
    int rc;
} producer;

static pawl_poll producer_poll(pawl_task *t, pawl_cx *cx)
{
    producer *p = PAWL_CONTAINER_OF(t, producer, task);
    PAWL_BEGIN(cx);
    PAWL_AWAIT(cx, p->rc, pawl_sleep_ms(&p->sleep, cx, 5));
    pawl_promise_resolve(p->c->p, pawl_int(42));
    PAWL_AWAIT(cx, p->rc, pawl_task_join(&p->c->task, cx));
    PAWL_END(cx);
}

static int file_write(void *ctx, const void *data, size_t len)
{
    return fwrite(data, 1, len, ctx) == len ? 0 : -1;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: make_trace FILE\n");
        return 2;
    }
    pawl_vclock vc;
    pawl_loop loop;
    if (pawl_vclock_init(&vc, 1 * MS) != 0 ||
        pawl_loop_init(&loop, &(pawl_loop_opts){.platform = &vc.base}) != 0) {
        fprintf(stderr, "make_trace: cannot open the loop\n");
        return 1;
    }
    static pawl_trace_event ring[256];
    pawl_trace_start(&loop, ring, 256);

    consumer c = {0};
    producer p = {0};
    p.c = &c;
    if (pawl_promise_new(&loop, &c.p) != 0)
        return 1;
    pawl_task_init(&c.task, consumer_poll);
    PAWL_TRACE_NAME(&c.task, "consumer");
    pawl_task_init(&p.task, producer_poll);
    PAWL_TRACE_NAME(&p.task, "producer");
    pawl_task_spawn(&loop, &c.task);
    pawl_task_spawn(&loop, &p.task);
    int rc = pawl_loop_run(&loop, PAWL_RUN_DEFAULT);
    pawl_promise_release(c.p);

    FILE *f = fopen(argv[1], "wb");
    if (f == NULL) {
        perror(argv[1]);
        return 1;
    }
    int wrc = pawl_trace_write(&loop, file_write, f);
    if (fclose(f) != 0 || wrc != 0 || rc != 0 || p.rc != 0 || c.rc != 0) {
        fprintf(stderr, "make_trace: failed (run %d, write %d, producer %d, consumer %d)\n",
                rc, wrc, p.rc, c.rc);
        return 1;
    }
    pawl_trace_stop(&loop);
    return pawl_loop_close(&loop) == 0 ? 0 : 1;
}
