/*
 * src/task.c -- spawn, wake, cancel, join: the calls that move a task
 * between the states charted in pawl/task.h.  The executor that polls
 * tasks is in loop.c.
 */
#include "internal.h"

int pawl_task_init(pawl_task *task, pawl_task_fn *fn)
{
    if (task == NULL || fn == NULL)
        return PAWL_EINVAL;
    *task = (pawl_task)PAWL_TASK_INIT(fn);
    return 0;
}

pawl_loop *pawl__task_loop(const pawl_task *t)
{
    uintptr_t link = t->pawl__link;
    /* QUEUED tasks point at the next one; the last points at the loop. */
    while (link != 0 && (link & PAWL__LINK_TAG) == 0)
        link = ((const pawl_task *)link)->pawl__link;
    return (pawl_loop *)(link & ~(uintptr_t)PAWL__LINK_TAG);
}

/*
 *   INIT/DONE --spawn--> QUEUED     (DONE: resume point reset, flags
 *                                    cleared, generation kept: it already
 *                                    advanced when the task finished)
 */
int pawl_task_spawn(pawl_loop *loop, pawl_task *task)
{
    int rc = pawl__loop_check(loop);
    if (rc != 0)
        return rc;
    if (task == NULL || task->pawl__poll == NULL)
        return PAWL_EINVAL;
    if (task->pawl__link != 0)
        return PAWL_EALREADY;
    task->pawl__lc = 0;
    task->pawl__joiner = NULL;
    /* UNSTARTED sends the first poll down the executor's general path,
     * which knows what a cancel before the first poll means; every later
     * poll of an undisturbed task takes the fast path, which then need not
     * write the state word at all. */
    task->pawl__state = (pawl_gen)((task->pawl__state & PAWL__T_GEN_MASK) | PAWL__T_UNSTARTED);
    loop->pawl__live_tasks++;
    pawl__run_push(loop, task);
    PAWL__TRACE_SPAWN(loop, task);
    return 0;
}

/* The external definition of the inline pawl_wake of pawl/loop.h. */
extern void pawl_wake(pawl_waker waker);

/*
 *   QUEUED/WAITING/RUNNING --cancel--> same state, CANCEL set; a WAITING
 *   task is queued, a RUNNING one re-queued after its poll.  The executor
 *   then polls it with a canceled context (or, if it never ran, finishes it
 *   without polling).
 */
int pawl_task_cancel(pawl_loop *loop, pawl_task *task)
{
    int rc = pawl__loop_check(loop);
    if (rc != 0)
        return rc;
    if (task == NULL)
        return PAWL_EINVAL;
    if (task->pawl__link == 0)
        return (task->pawl__state & PAWL__T_DONE) ? 0 : PAWL_EINVAL;
    if (pawl__task_loop(task) != loop)
        return PAWL_EFOREIGN;
    if (task->pawl__state & PAWL__T_CANCEL)
        return PAWL_EALREADY;
    if (task->pawl__state & PAWL__T_CLEANUP)
        return 0; /* already finishing: too late to change its result */
    task->pawl__state |= PAWL__T_CANCEL;
    PAWL__TRACE(loop, TASK_CANCEL, task, 0u);
    pawl__wake_task(task);
    return 0;
}

pawl_poll pawl__task_unwind(pawl_cx *cx)
{
    pawl_task *t = cx->task;
    /* From the body: go to the cleanup section.  From inside the cleanup
     * section (PAWL_EXIT there): go past it to the end. */
    pawl_gen st = t->pawl__state;
    t->pawl__lc = (pawl_lc)(PAWL__LC_CLEANUP + (st / PAWL__T_CLEANUP & 1u)); /* FINISH is CLEANUP + 1 */
    t->pawl__state = (pawl_gen)(st | PAWL__T_CLEANUP);
    cx->pawl__flags &= ~(unsigned)PAWL__CX_CANCEL;
    return PAWL_PENDING; /* the executor sees the marker and polls again */
}

pawl_poll pawl_task_join(pawl_task *target, pawl_cx *cx)
{
    if (target == NULL || cx == NULL || target == cx->task)
        return PAWL_EINVAL;
    pawl_task *self = cx->task;
    if (pawl_cx_canceled(cx)) {
        if (target->pawl__joiner == self)
            target->pawl__joiner = NULL; /* give the registration back */
        return PAWL_ECANCELED;
    }
    if (target->pawl__link == 0) {
        if (!(target->pawl__state & PAWL__T_DONE))
            return PAWL_EINVAL; /* never spawned */
        return target->pawl__lc; /* 0 or PAWL_ECANCELED */
    }
    if (target->pawl__joiner == self)
        return PAWL_PENDING;
    if (pawl__task_loop(target) != cx->loop)
        return PAWL_EFOREIGN;
    if (target->pawl__joiner != NULL)
        return PAWL_EBUSY;
    target->pawl__joiner = self;
    return PAWL_PENDING;
}

int pawl_task_get_state(const pawl_task *task)
{
    if (task == NULL)
        return PAWL_EINVAL;
    uintptr_t link = task->pawl__link;
    if (link == 0)
        return (task->pawl__state & PAWL__T_DONE) ? PAWL_TASK_DONE : PAWL_TASK_INIT;
    switch (link & PAWL__LINK_TAG) {
    case PAWL__LINK_WAITING:
        return PAWL_TASK_WAITING;
    case PAWL__LINK_RUNNING:
        return PAWL_TASK_RUNNING;
    default:
        return PAWL_TASK_QUEUED;
    }
}
