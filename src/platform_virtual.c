/*
 * src/platform_virtual.c -- a clock that moves only when the loop waits.
 *
 * Tests and simulations use it so that nothing depends on how fast the
 * machine is: a wait with a deadline jumps the clock to the deadline, and
 * a wait that could never end returns PAWL_EDEADLK instead of hanging.
 */
#include "internal.h"

/* The clock around its platform (its first member). */
static pawl_vclock *vclock_of(pawl_platform *p)
{
    return PAWL_CONTAINER_OF(p, pawl_vclock, base);
}

static uint64_t vclock_now_ns(pawl_platform *p)
{
    return vclock_of(p)->now_ns;
}

static int vclock_wait(pawl_platform *p, uint64_t deadline_ns)
{
    pawl_vclock *vc = vclock_of(p);
    vc->waits++;
    if (atomic_exchange_explicit(&vc->pawl__notified, 0, memory_order_acq_rel) != 0)
        return 0;
    if (deadline_ns == PAWL_FOREVER)
        return PAWL_EDEADLK;
    if (deadline_ns > vc->now_ns)
        vc->now_ns = deadline_ns;
    return 0;
}

static void vclock_notify(pawl_platform *p)
{
    atomic_store_explicit(&vclock_of(p)->pawl__notified, 1, memory_order_release);
}

static void vclock_close(pawl_platform *p)
{
    (void)p;
}

static const pawl_platform_ops vclock_ops = {
    .name = "virtual",
    .now_ns = vclock_now_ns,
    .wait = vclock_wait,
    .notify = vclock_notify,
    .close = vclock_close,
};

int pawl_vclock_init(pawl_vclock *vc, uint64_t start_ns)
{
    if (vc == NULL)
        return PAWL_EINVAL;
    vc->base.ops = &vclock_ops;
    vc->now_ns = start_ns;
    vc->waits = 0;
    atomic_init(&vc->pawl__notified, 0);
    return 0;
}

int pawl_vclock_advance(pawl_vclock *vc, uint64_t ns)
{
    if (vc == NULL)
        return PAWL_EINVAL;
    uint64_t room = PAWL_FOREVER - 1 - vc->now_ns;
    vc->now_ns += ns < room ? ns : room;
    return 0;
}
