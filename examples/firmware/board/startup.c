/* startup.c -- reset and vector table for mps2-an385 (Cortex-M3).
 *
 * On reset the core loads the stack pointer from word 0 of the vector table
 * and jumps to the address in word 1; the linker script puts the table at
 * address 0 (section .isr_vector).  Reset_Handler then builds the C run-time
 * state by hand, since the firmware links with -nostdlib and has no crt0:
 * it copies .data's initial values from flash to RAM, zeroes .bss, runs main
 * and hands main's return value to semihosting as QEMU's exit status.
 * Constructors (.init_array) are not run; the firmware has none.
 *
 * Every handler is a weak alias of fault_handler, so any file can define the
 * real one (SysTick_Handler in the Cortex-M port, UART0_RX_IRQHandler in
 * board.c).  An exception nobody handles prints "fault: exception N" on
 * UART0 (N as in IPSR: 2 NMI, 3 HardFault, ..., 16 + n for IRQ n) and exits
 * with status 2, so a stray fault ends a test run at once instead of at its
 * timeout.
 */
#include <string.h>

#include "board.h"

/* From the linker script (mps2_an385.ld). */
extern uint32_t __StackTop;
extern uint32_t __data_start__, __data_end__, __data_load__;
extern uint32_t __bss_start__, __bss_end__;

int main(void);

static void fault_handler(void)
{
    uint32_t n;
    __asm__ volatile("mrs %0, ipsr" : "=r"(n));
    n &= 0x1ffu; /* the exception number */
    char msg[] = "fault: exception ___\n";
    char *end = msg + sizeof msg - 2; /* the '\n' */
    char *p = end;
    do {
        *--p = (char)('0' + n % 10u);
        n /= 10u;
    } while (n != 0);
    memmove(msg + 17, p, (size_t)(end - p) + 2);
    board_init();
    board_puts(msg);
    board_exit(2);
}

void NMI_Handler(void) __attribute__((weak, alias("fault_handler")));
void HardFault_Handler(void) __attribute__((weak, alias("fault_handler")));
void MemManage_Handler(void) __attribute__((weak, alias("fault_handler")));
void BusFault_Handler(void) __attribute__((weak, alias("fault_handler")));
void UsageFault_Handler(void) __attribute__((weak, alias("fault_handler")));
void SVC_Handler(void) __attribute__((weak, alias("fault_handler")));
void DebugMon_Handler(void) __attribute__((weak, alias("fault_handler")));
void PendSV_Handler(void) __attribute__((weak, alias("fault_handler")));
void SysTick_Handler(void) __attribute__((weak, alias("fault_handler")));
void UART0_RX_IRQHandler(void) __attribute__((weak, alias("fault_handler")));
void UART0_TX_IRQHandler(void) __attribute__((weak, alias("fault_handler")));

void Reset_Handler(void)
{
    /* Plain calls to the firmware's own memcpy/memset (libc_min.c): a
     * hand-written copy loop here would be turned into the same calls. */
    memcpy(&__data_start__, &__data_load__,
           (size_t)((char *)&__data_end__ - (char *)&__data_start__));
    memset(&__bss_start__, 0, (size_t)((char *)&__bss_end__ - (char *)&__bss_start__));
    board_exit(main());
}

/* The Cortex-M3 table: the initial stack pointer, 15 system exception
 * slots (0 = reserved) and the 32 external interrupts of mps2-an385.
 * Checked on QEMU 7.2 by letting each one fire into fault_handler: 0 UART0
 * RX, 1 UART0 TX, 3 UART1 TX, 8 Timer0, 9 Timer1, 10 dual timer.  The
 * pattern continues for 2-5 (UART1/2 RX, TX), 12 is the UART0-2 overflow
 * interrupt and 18-21 UART3/4.  Only the UART0 lines have names here; the
 * others go straight to fault_handler. */
#define BOARD_NUM_IRQS 32
#define VECTOR(n) ((n) - 1) /* handler[] starts at vector 1 */

struct vector_table {
    uint32_t *initial_sp;
    void (*handler[15 + BOARD_NUM_IRQS])(void);
};

__attribute__((section(".isr_vector"), used)) static const struct vector_table vectors = {
    .initial_sp = &__StackTop,
    .handler = {
        Reset_Handler,         /*  1 */
        NMI_Handler,           /*  2 */
        HardFault_Handler,     /*  3 */
        MemManage_Handler,     /*  4 */
        BusFault_Handler,      /*  5 */
        UsageFault_Handler,    /*  6 */
        0, 0, 0, 0,            /*  7-10 reserved */
        SVC_Handler,           /* 11 */
        DebugMon_Handler,      /* 12 */
        0,                     /* 13 reserved */
        PendSV_Handler,        /* 14 */
        SysTick_Handler,       /* 15 */
        UART0_RX_IRQHandler,   /* 16 + 0 */
        UART0_TX_IRQHandler,   /* 16 + 1 */
        [VECTOR(18) ... VECTOR(15 + BOARD_NUM_IRQS)] = fault_handler,
    },
};
