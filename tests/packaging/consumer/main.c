/*
 * A downstream program: one task on a loop driven by the virtual clock.
 * It exits 0 only if the task really ran to its end, so a library that
 * links but does nothing still fails the packaging test.
 */
#include <pawl/pawl.h>
#include <stdio.h>

typedef struct hello {
    pawl_task task;
    int steps; /* lives across the yield, so it is a field */
} hello;

static pawl_poll hello_poll(pawl_task *t, pawl_cx *cx)
{
    hello *h = PAWL_CONTAINER_OF(t, hello, task);
    PAWL_BEGIN(cx);
    h->steps = 1;
    PAWL_YIELD(cx);
    h->steps = 2;
    PAWL_END(cx);
}

int main(void)
{
    pawl_vclock vc;
    pawl_vclock_init(&vc, 0);

    pawl_loop loop;
    int rc = pawl_loop_init(&loop, &(pawl_loop_opts){.platform = &vc.base});
    if (rc != 0) {
        fprintf(stderr, "consumer: pawl_loop_init: %s\n", pawl_strerror(rc));
        return 1;
    }

    hello h = {0};
    if ((rc = pawl_task_init(&h.task, hello_poll)) != 0 ||
        (rc = pawl_task_spawn(&loop, &h.task)) != 0) {
        fprintf(stderr, "consumer: spawn: %s\n", pawl_strerror(rc));
        return 1;
    }
    rc = pawl_loop_run(&loop, PAWL_RUN_DEFAULT);
    if (rc != 0) {
        fprintf(stderr, "consumer: pawl_loop_run returned %d (%s)\n", rc,
                pawl_err_name(rc));
        return 1;
    }
    if (h.steps != 2 || pawl_task_get_state(&h.task) != PAWL_TASK_DONE) {
        fprintf(stderr, "consumer: the task did not run to its end (steps %d)\n",
                h.steps);
        return 1;
    }
    if ((rc = pawl_loop_close(&loop)) != 0) {
        fprintf(stderr, "consumer: pawl_loop_close: %s\n", pawl_strerror(rc));
        return 1;
    }
    printf("consumer: task ran to its end (%s resume points)\n", PAWL_LC_IMPL);
    return 0;
}
