/*
 * src/platform_cortexm.c -- the Cortex-M port: SysTick, WFI and an
 * interrupt-safe notify (pawl/cortexm.h).  Built only by a cross build for
 * a system with no OS (CMake: CMAKE_SYSTEM_NAME Generic, processor arm).
 *
 * Why the wait cannot lose a wake.  An interrupt handler wakes the loop
 * with pawl_wake_remote: it pushes its remote on the loop's inbox and
 * calls notify, which sets `notified`.  The wait is
 *
 *     1. mask interrupts (PRIMASK = 1)
 *     2. if notified or the deadline has passed: unmask, return
 *     3. WFI
 *     4. unmask (the pending handler, if any, runs here), go to 1
 *
 * A handler that runs before 1 has set the flag, which 2 sees.  One that
 * fires after 1 cannot run yet: it stays pending, and WFI does not sleep
 * while an interrupt is pending that would be taken were PRIMASK clear
 * (ARMv6-M and ARMv7-M both define it so), so 3 returns at once and the
 * handler runs at 4, before the next check.  There is no window in which
 * the flag can be set after the check and the core still sleep.  A
 * handler that preempts another (nested interrupts) only adds stores that
 * are themselves atomic: the flag is one word written with one store, the
 * inbox push is a compare-and-swap (LDREX/STREX on ARMv7-M, whose
 * exclusive monitor an exception entry or return clears, so an
 * interrupted STREX fails and retries; on ARMv6-M, which has no exclusive
 * access, the __atomic helpers below mask interrupts around the update).
 *
 * SysTick wakes the core every millisecond, so the wait re-reads the
 * clock at least that often; a port for a tickless timer would program
 * the compare register for the deadline here instead.
 */
#include "pawl/cortexm.h"

#include <stdbool.h>

#include "internal.h"

/* System control space: SysTick. */
#define SYST_CSR (*(volatile uint32_t *)0xE000E010u)
#define SYST_RVR (*(volatile uint32_t *)0xE000E014u)
#define SYST_CVR (*(volatile uint32_t *)0xE000E018u)
#define SYST_CSR_ENABLE (1u << 0)
#define SYST_CSR_TICKINT (1u << 1)
#define SYST_CSR_CLKSOURCE (1u << 2) /* the core clock */

/* The port SysTick advances (there is one SysTick per core). */
static pawl_cortexm_platform *active;

/* Mask interrupts; the previous PRIMASK, to restore. */
static inline uint32_t irq_save(void)
{
    uint32_t primask;
    __asm volatile("mrs %0, primask\n\tcpsid i" : "=r"(primask) : : "memory");
    return primask;
}

static inline void irq_restore(uint32_t primask)
{
    __asm volatile("msr primask, %0\n\tisb" : : "r"(primask) : "memory");
}

void pawl_cortexm_tick(void)
{
    pawl_cortexm_platform *p = active;
    if (p == NULL)
        return;
    uint32_t low = p->pawl__ms_low + 1u;
    if (low != 0) {
        p->pawl__ms_low = low;
        return;
    }
    /* The carry: both words change.  Masked, so that a handler of higher
     * priority than SysTick's cannot read the pair half-updated (thread
     * mode cannot anyway: it never runs inside this handler). */
    uint32_t primask = irq_save();
    p->pawl__ms_low = 0;
    p->pawl__ms_high = p->pawl__ms_high + 1u;
    irq_restore(primask);
}

uint64_t pawl_cortexm_now_ms(const pawl_cortexm_platform *p)
{
    /* The two words are read without masking interrupts: if the high
     * word changed while the low one was read, a carry happened in
     * between and the pair is read again.  (The carry itself is made
     * under a mask, so no context sees the pair half-updated.) */
    uint32_t high, low;
    do {
        high = p->pawl__ms_high;
        low = p->pawl__ms_low;
    } while (high != p->pawl__ms_high);
    return (uint64_t)high << 32 | low;
}

static uint64_t cm_now_ns(pawl_platform *base)
{
    return pawl_cortexm_now_ms((const pawl_cortexm_platform *)base) * 1000000u;
}

static int cm_wait(pawl_platform *base, uint64_t deadline_ns)
{
    pawl_cortexm_platform *p = (pawl_cortexm_platform *)base;
    for (;;) {
        uint32_t primask = irq_save();
        if (p->pawl__notified) {
            p->pawl__notified = 0;
            irq_restore(primask);
            return 0;
        }
        if (deadline_ns == 0 || cm_now_ns(base) >= deadline_ns) {
            irq_restore(primask);
            return 0;
        }
        if (primask & 1u) {
            /* Called with interrupts masked: no handler, SysTick's
             * included, could ever run, so this would sleep for ever. */
            irq_restore(primask);
            return PAWL_EDEADLK;
        }
        __asm volatile("dsb\n\twfi" : : : "memory");
        irq_restore(primask); /* a pending handler runs now */
    }
}

static void cm_notify(pawl_platform *base)
{
    ((pawl_cortexm_platform *)base)->pawl__notified = 1;
}

static void cm_close(pawl_platform *base)
{
    if (active == (pawl_cortexm_platform *)base) {
        SYST_CSR = 0;
        active = NULL;
    }
}

static const pawl_platform_ops cm_ops = {
    "cortex-m", cm_now_ns, cm_wait, cm_notify, cm_close, NULL,
};

int pawl_cortexm_init(pawl_cortexm_platform *p, uint32_t core_hz, uint64_t start_ms)
{
    if (p == NULL || core_hz < 1000u || core_hz / 1000u - 1u > 0xFFFFFFu)
        return PAWL_EINVAL;
    SYST_CSR = 0; /* stopped while the clock is set */
    p->base.ops = &cm_ops;
    p->pawl__ms_low = (uint32_t)start_ms;
    p->pawl__ms_high = (uint32_t)(start_ms >> 32);
    p->pawl__notified = 0;
    active = p;
    SYST_RVR = core_hz / 1000u - 1u;
    SYST_CVR = 0;
    SYST_CSR = SYST_CSR_CLKSOURCE | SYST_CSR_TICKINT | SYST_CSR_ENABLE;
    return 0;
}

/*
 * ARMv6-M (Cortex-M0/M0+) has no exclusive loads and stores, so the
 * compiler turns C11 read-modify-write atomics into calls to these
 * library helpers, which a bare-metal toolchain does not provide.  With a
 * single core, masking interrupts around the update makes it atomic
 * against every handler.  (ARMv7-M compiles them inline.)
 */
#if defined(__ARM_ARCH_6M__)
unsigned int __atomic_exchange_4(volatile void *mem, unsigned int val, int model);
bool __atomic_compare_exchange_4(volatile void *mem, void *expected, unsigned int desired,
                                 bool weak, int success, int failure);
unsigned int __atomic_fetch_add_4(volatile void *mem, unsigned int val, int model);
unsigned int __atomic_fetch_sub_4(volatile void *mem, unsigned int val, int model);
unsigned int __atomic_fetch_and_4(volatile void *mem, unsigned int val, int model);
unsigned int __atomic_fetch_or_4(volatile void *mem, unsigned int val, int model);

unsigned int __atomic_exchange_4(volatile void *mem, unsigned int val, int model)
{
    (void)model;
    volatile unsigned int *m = mem;
    uint32_t primask = irq_save();
    unsigned int old = *m;
    *m = val;
    irq_restore(primask);
    return old;
}

bool __atomic_compare_exchange_4(volatile void *mem, void *expected, unsigned int desired,
                                 bool weak, int success, int failure)
{
    (void)weak;
    (void)success;
    (void)failure;
    volatile unsigned int *m = mem;
    unsigned int *e = expected;
    uint32_t primask = irq_save();
    unsigned int old = *m;
    bool same = old == *e;
    if (same)
        *m = desired;
    irq_restore(primask);
    if (!same)
        *e = old;
    return same;
}

#define PAWL__ATOMIC_FETCH(name, op)                                          \
    unsigned int __atomic_fetch_##name##_4(volatile void *mem, unsigned int val, int model) \
    {                                                                         \
        (void)model;                                                          \
        volatile unsigned int *m = mem;                                       \
        uint32_t primask = irq_save();                                        \
        unsigned int old = *m;                                                \
        *m = old op val;                                                      \
        irq_restore(primask);                                                 \
        return old;                                                           \
    }
PAWL__ATOMIC_FETCH(add, +)
PAWL__ATOMIC_FETCH(sub, -)
PAWL__ATOMIC_FETCH(and, &)
PAWL__ATOMIC_FETCH(or, |)
#undef PAWL__ATOMIC_FETCH
#endif
