/* fmt.h -- a small printf for the firmware's transcript, with no stdio.
 *
 * fw_printf formats straight to UART0 (board_uart_write) and returns the
 * number of bytes written.  Conversions:
 *
 *   %d %u %x    int, unsigned, unsigned in lower-case hex
 *   %ld %lu %lx long forms; %lld %llu %llx long long forms
 *   %s %c %%    string (NULL prints "(null)"), character, a '%'
 *
 * each with an optional width, a '0' flag to pad numbers with zeros ("%08x",
 * "%05d" gives -0042) and a '-' flag to pad on the right ("%-8s").  Nothing
 * else: no precision, no floating point, no %p, no %n.  An unknown
 * conversion is printed as it stands.  64-bit numbers are converted with
 * 32-bit divisions only, so %llu does not pull libgcc's 64-bit division in.
 */
#ifndef PAWL_FIRMWARE_FMT_H
#define PAWL_FIRMWARE_FMT_H

#include <stdarg.h>

int fw_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int fw_vprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

#endif /* PAWL_FIRMWARE_FMT_H */
