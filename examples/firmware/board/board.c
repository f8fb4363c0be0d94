/* board.c -- mps2-an385 board support: UART0, its receive interrupt, exit.
 *
 * The CMSDK APB UART, as QEMU 7.2 models it (hw/char/cmsdk-apb-uart.c):
 *
 *   DATA      0x00  write: send a byte; read: take the received byte
 *   STATE     0x04  bit 0 TX buffer full, bit 1 RX buffer full (+ overruns)
 *   CTRL      0x08  bit 0 TX enable, bit 1 RX enable, bit 3 RX interrupt enable
 *   INTSTATUS 0x0c  read: pending interrupts (bit 1 RX); write 1s: clear them
 *   BAUDDIV   0x10  APB clock / baud rate, at least 16
 *
 * Receive interrupt, and why the handler masks it.  A byte that arrives
 * while CTRL.RX_INTEN is set latches INTSTATUS.RX, and the interrupt line
 * follows INTSTATUS: it stays high, and the NVIC re-enters the handler
 * after every return, until INTSTATUS.RX is written back as 1.  Reading DATA
 * does not clear it.  The handler must therefore clear INTSTATUS.RX itself,
 * and it does so without reading the byte: the byte belongs to the code that
 * the callback wakes.  The receive buffer holds one byte and QEMU sends the
 * next only after DATA is read, so there is one interrupt per byte.
 *
 * The handler also masks the interrupt in the NVIC, and board_uart_getc
 * unmasks it when it finds the buffer empty.  On QEMU this only limits the
 * callback to one per wake; it keeps the same code right on a UART whose
 * receive interrupt is a level that stays up while a byte sits unread.  No
 * byte can be missed: INTSTATUS.RX still latches while the NVIC line is
 * masked, so a byte that arrives then leaves the interrupt pending, and it
 * fires as soon as board_uart_getc unmasks it.  The NVIC's set-enable and
 * clear-enable registers take single-bit writes, so the handler and
 * board_uart_getc never race on a read-modify-write.
 */
#include "board.h"

/* Peripheral registers. */
#define REG32(addr) (*(volatile uint32_t *)(addr))

#define UART0_BASE 0x40004000u
#define UART_DATA REG32(UART0_BASE + 0x00u)
#define UART_STATE REG32(UART0_BASE + 0x04u)
#define UART_CTRL REG32(UART0_BASE + 0x08u)
#define UART_INTSTATUS REG32(UART0_BASE + 0x0cu)
#define UART_BAUDDIV REG32(UART0_BASE + 0x10u)

#define UART_STATE_TXFULL (1u << 0)
#define UART_STATE_RXFULL (1u << 1)
#define UART_CTRL_TX_EN (1u << 0)
#define UART_CTRL_RX_EN (1u << 1)
#define UART_CTRL_RX_INTEN (1u << 3)
#define UART_INT_RX (1u << 1)

#define NVIC_ISER0 REG32(0xe000e100u) /* write 1: enable an interrupt */
#define NVIC_ICER0 REG32(0xe000e180u) /* write 1: disable */
#define NVIC_ISPR0 REG32(0xe000e200u) /* write 1: make pending */
#define NVIC_ICPR0 REG32(0xe000e280u) /* write 1: clear pending */
#define UART0_RX_BIT (1u << BOARD_IRQ_UART0_RX)

#define CORE_HZ 25000000u
#define BAUD 115200u

/* Semihosting (Arm "Semihosting for AArch32 and AArch64", v2.0). */
#define SEMIHOSTING_SYS_EXIT_EXTENDED 0x20
#define ADP_STOPPED_APPLICATION_EXIT 0x20026u

/* Set in thread mode while the interrupt is off, read by the handler. */
static void (*volatile rx_fn)(void *arg);
static void *volatile rx_arg;

void board_init(void)
{
    UART_CTRL = 0;
    UART_BAUDDIV = CORE_HZ / BAUD; /* 217 */
    UART_INTSTATUS = 0xfu;         /* drop stale interrupt and overrun bits */
    UART_CTRL = UART_CTRL_TX_EN | UART_CTRL_RX_EN;
}

void board_uart_write(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        while (UART_STATE & UART_STATE_TXFULL) {
        }
        UART_DATA = (uint8_t)s[i];
    }
}

void board_puts(const char *s)
{
    while (*s != '\0') {
        board_uart_write(s++, 1);
    }
}

int board_uart_getc(void)
{
    if (UART_STATE & UART_STATE_RXFULL) {
        return (int)(UART_DATA & 0xffu);
    }
    if (rx_fn == NULL) {
        return -1;
    }
    /* Empty: re-arm the wake.  A byte that came between the test above and
     * this line is returned now; its interrupt may still fire afterwards,
     * which costs one spurious wake and loses nothing. */
    NVIC_ISER0 = UART0_RX_BIT;
    if (UART_STATE & UART_STATE_RXFULL) {
        return (int)(UART_DATA & 0xffu);
    }
    return -1;
}

void board_uart_rx_irq(void (*fn)(void *arg), void *arg)
{
    NVIC_ICER0 = UART0_RX_BIT;
    UART_CTRL &= ~UART_CTRL_RX_INTEN;
    UART_INTSTATUS = UART_INT_RX;
    NVIC_ICPR0 = UART0_RX_BIT;
    rx_fn = fn;
    rx_arg = arg;
    if (fn == NULL) {
        return;
    }
    UART_CTRL |= UART_CTRL_RX_INTEN;
    NVIC_ISER0 = UART0_RX_BIT;
    /* A byte that arrived before RX_INTEN was set latched no interrupt:
     * pend one by hand so the callback still runs for it. */
    if (UART_STATE & UART_STATE_RXFULL) {
        NVIC_ISPR0 = UART0_RX_BIT;
    }
}

void UART0_RX_IRQHandler(void)
{
    UART_INTSTATUS = UART_INT_RX;
    NVIC_ICER0 = UART0_RX_BIT;
    void (*fn)(void *arg) = rx_fn;
    if (fn != NULL) {
        fn(rx_arg);
    }
}

/* Wait (bounded) until the UART has taken the last byte, so that QEMU
 * writes it out before semihosting ends the process. */
static void uart_drain(void)
{
    for (uint32_t spins = 0; spins < 1000000u; spins++) {
        if (!(UART_STATE & UART_STATE_TXFULL)) {
            return;
        }
    }
}

_Noreturn void board_exit(int status)
{
    uart_drain();
    /* SYS_EXIT_EXTENDED takes a block {reason, subcode}; with reason
     * ApplicationExit QEMU exits with the subcode as its status.  Plain
     * SYS_EXIT on 32-bit Arm carries only the reason, which QEMU maps to
     * 0 or 1, so it cannot report a status like 3. */
    uint32_t block[2] = {ADP_STOPPED_APPLICATION_EXIT, (uint32_t)status};
    register uint32_t r0 __asm__("r0") = SEMIHOSTING_SYS_EXIT_EXTENDED;
    register uint32_t *r1 __asm__("r1") = block;
    __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
    /* Only without a semihosting host (a debugger-less board) do we get
     * here, if the BKPT did not fault: stop. */
    for (;;) {
        __asm__ volatile("wfi");
    }
}

uint32_t board_core_hz(void)
{
    return CORE_HZ;
}
