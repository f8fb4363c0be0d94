/* board.h -- board support for QEMU's mps2-an385 (Arm MPS2 FPGA image AN385,
 * one Cortex-M3 at 25 MHz), as far as the firmware example needs it: UART0
 * for the transcript and for input, its receive interrupt, the core clock,
 * and exit through semihosting.
 *
 * UART0 is an Arm CMSDK APB UART at 0x40004000.  QEMU connects it to its
 * standard input and output (tools/qemu-mps2), and its receive interrupt is
 * external interrupt 0 (the transmit interrupt is 1).  The UART holds one
 * received byte: until the firmware reads it, QEMU delivers no other.
 *
 * Nothing here allocates or needs a C library.  Every function except
 * board_uart_rx_irq's callback runs in thread mode (from main); the callback
 * runs in the UART0 receive interrupt handler.
 */
#ifndef PAWL_FIRMWARE_BOARD_H
#define PAWL_FIRMWARE_BOARD_H

#include <stddef.h>
#include <stdint.h>

/* External interrupt numbers (NVIC bit and vector 16 + n) on mps2-an385. */
#define BOARD_IRQ_UART0_RX 0
#define BOARD_IRQ_UART0_TX 1

/* Set up UART0: transmitter and receiver on, a baud divisor valid for the
 * 25 MHz APB clock (QEMU ignores the rate, but real CMSDK UARTs need a
 * divisor of at least 16).  Leaves the receive interrupt off.  Call it first;
 * calling it again is harmless (the fault handler does). */
void board_init(void);

/* Transmit n bytes as they are (no newline translation), waiting for room. */
void board_uart_write(const char *s, size_t n);

/* Transmit a NUL-terminated string; no newline is added. */
void board_puts(const char *s);

/* One received byte (0..255), or -1 when none is waiting.  Never blocks.
 * With a receive callback set, -1 also re-arms the receive interrupt: the
 * callback fires once per wake, and the next byte wakes again only after
 * this function has said -1 (read until -1 after every wake). */
int board_uart_getc(void);

/* Call fn(arg) from the UART0 receive interrupt when a byte arrives; fn == NULL
 * turns the interrupt off.  The handler does not read the byte: fn is meant to
 * wake the code that reads with board_uart_getc.  fn runs in handler mode, so
 * it must be interrupt-safe (pawl_wake_remote is).  If a byte is already
 * waiting when this is called, fn is called soon after, from the handler. */
void board_uart_rx_irq(void (*fn)(void *arg), void *arg);

/* End the program: QEMU exits with status & 0xff as its own exit status.
 * Waits for the UART to take the last byte first. */
_Noreturn void board_exit(int status);

/* The core clock, in Hz: 25000000.  It drives SysTick with CLKSOURCE = 1, so
 * RELOAD = board_core_hz() / 1000 - 1 gives a 1 kHz tick.  On QEMU with
 * -icount shift=3 (8 ns per instruction) that tick follows virtual time
 * exactly: 12.5 million instructions are 100 ticks, and a WFI with nothing
 * else pending sleeps exactly until the next tick.  SYST_CALIB reads
 * 0x0000270f: a 1 MHz reference clock (CLKSOURCE = 0) with TENMS = 9999. */
uint32_t board_core_hz(void);

/* Exception handlers named in startup.c's vector table.  Every one is weak
 * there and defaults to a handler that reports "fault: exception N" and exits
 * with status 2; define one anywhere (a port, board.c) to take it over. */
void Reset_Handler(void);
void NMI_Handler(void);
void HardFault_Handler(void);
void MemManage_Handler(void);
void BusFault_Handler(void);
void UsageFault_Handler(void);
void SVC_Handler(void);
void DebugMon_Handler(void);
void PendSV_Handler(void);
void SysTick_Handler(void);
void UART0_RX_IRQHandler(void);
void UART0_TX_IRQHandler(void);

#endif /* PAWL_FIRMWARE_BOARD_H */
