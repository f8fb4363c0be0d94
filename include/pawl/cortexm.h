/*
 * pawl/cortexm.h -- the platform port for ARM Cortex-M (ARMv6-M and
 * ARMv7-M: M0, M0+, M3, M4, M7), with no operating system.
 *
 *   tick    SysTick interrupts at 1 kHz from the core clock.  The handler
 *           counts milliseconds in a 32-bit word and carries into a
 *           second word when it wraps, so the loop's clock is 64 bits and
 *           never wraps (2^32 ms is only 49.7 days).
 *   wait    WFI with interrupts masked until the deadline passes or a
 *           wake arrives (src/platform_cortexm.c explains why no wake can
 *           be lost between the check and the WFI).
 *   notify  one store to a flag: safe from any interrupt handler, at any
 *           priority, nested or not.  Interrupt handlers do not call it
 *           themselves; they call pawl_wake_remote (pawl/loop.h), which
 *           calls it.
 *
 * Use:
 *
 *   static pawl_cortexm_platform port;
 *   void SysTick_Handler(void) { pawl_cortexm_tick(); }
 *
 *   pawl_cortexm_init(&port, 25000000u, 0);   // core clock in Hz
 *   pawl_loop_init(&loop, &(pawl_loop_opts){.platform = &port.base});
 *
 * The clock moves in whole milliseconds (the timers' unit).  There is one
 * SysTick per core, so one port is active at a time: the last one
 * initialised is the one pawl_cortexm_tick advances.
 */
#ifndef PAWL_CORTEXM_H
#define PAWL_CORTEXM_H

#include <stdint.h>

#include "pawl/platform.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The port's state: allocate one (static, since SysTick_Handler reaches it
 * through pawl_cortexm_tick) and pass &port.base as opts.platform.  The
 * pawl__ fields are written by the SysTick handler and by notify from any
 * interrupt; they are private. */
typedef struct pawl_cortexm_platform {
    pawl_platform base;                /* pass &port.base as opts.platform */
    volatile uint32_t pawl__ms_low;    /* written by the SysTick handler */
    volatile uint32_t pawl__ms_high;   /* carries of pawl__ms_low */
    volatile uint32_t pawl__notified;  /* set by notify, taken by wait */
} pawl_cortexm_platform;

/* Set the clock to `start_ms` and start SysTick at 1 kHz from a core
 * clock of `core_hz`, with its interrupt enabled.  PAWL_EINVAL for NULL,
 * or for a clock whose millisecond does not fit SysTick's 24-bit reload
 * (below 1 kHz or above 16.7 GHz).  `start_ms` is for tests of the
 * clock's wrap (examples/firmware); a program passes 0. */
int pawl_cortexm_init(pawl_cortexm_platform *p, uint32_t core_hz, uint64_t start_ms);

/* Call from SysTick_Handler: one millisecond has passed. */
void pawl_cortexm_tick(void);

/* The clock in milliseconds, as the loop reads it (any context). */
uint64_t pawl_cortexm_now_ms(const pawl_cortexm_platform *p);

#ifdef __cplusplus
}
#endif

#endif /* PAWL_CORTEXM_H */
