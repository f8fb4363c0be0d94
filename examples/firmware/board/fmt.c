/* fmt.c -- fw_printf: the conversions in fmt.h, written to UART0 as they are
 * formatted (no buffer for the whole line, one for a number's digits).
 */
#include "fmt.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "board.h"

/* Divide *v by base (2..16) in place and return the remainder, with 32-bit
 * divisions only: long division by 16-bit digits, where (remainder << 16 |
 * next digit) < base << 16 always fits in 32 bits.  libgcc's 64-bit division
 * would add about a kilobyte of flash for %llu alone. */
static unsigned divmod(uint64_t *v, unsigned base)
{
    uint32_t half[2] = {(uint32_t)(*v >> 32), (uint32_t)*v};
    uint32_t r = 0;
    for (int i = 0; i < 2; i++) {
        uint32_t cur = r << 16 | half[i] >> 16;
        uint32_t q = cur / base;
        r = cur % base;
        cur = r << 16 | (half[i] & 0xffffu);
        half[i] = q << 16 | cur / base;
        r = cur % base;
    }
    *v = (uint64_t)half[0] << 32 | half[1];
    return r;
}

static void pad(char c, int n)
{
    for (; n > 0; n--) {
        board_uart_write(&c, 1);
    }
}

int fw_vprintf(const char *fmt, va_list ap)
{
    int count = 0;
    for (;;) {
        const char *lit = fmt;
        while (*fmt != '\0' && *fmt != '%') {
            fmt++;
        }
        board_uart_write(lit, (size_t)(fmt - lit));
        count += (int)(fmt - lit);
        if (*fmt == '\0') {
            return count;
        }

        const char *spec = fmt++; /* the '%' */
        bool zero = false, left = false;
        for (;; fmt++) {
            if (*fmt == '0') {
                zero = true;
            } else if (*fmt == '-') {
                left = true;
            } else {
                break;
            }
        }
        int width = 0;
        while (*fmt >= '0' && *fmt <= '9') {
            width = width * 10 + (*fmt++ - '0');
        }
        int longs = 0;
        while (*fmt == 'l' && longs < 2) {
            longs++;
            fmt++;
        }

        char digits[20]; /* UINT64_MAX has 20 decimal digits */
        char ch;
        const char *str;
        size_t len;
        const char *sign = "";
        bool number = false;
        switch (*fmt) {
        case 'd':
        case 'u':
        case 'x': {
            uint64_t v;
            if (*fmt == 'd') {
                int64_t s = longs == 2 ? va_arg(ap, long long)
                            : longs == 1 ? va_arg(ap, long)
                                         : va_arg(ap, int);
                /* Negate in unsigned arithmetic: -INT64_MIN overflows. */
                v = s < 0 ? 0 - (uint64_t)s : (uint64_t)s;
                sign = s < 0 ? "-" : "";
            } else {
                v = longs == 2 ? va_arg(ap, unsigned long long)
                    : longs == 1 ? va_arg(ap, unsigned long)
                                 : va_arg(ap, unsigned);
            }
            unsigned base = *fmt == 'x' ? 16u : 10u;
            char *p = digits + sizeof digits;
            do {
                *--p = "0123456789abcdef"[divmod(&v, base)];
            } while (v != 0);
            str = p;
            len = (size_t)(digits + sizeof digits - p);
            number = true;
            break;
        }
        case 's':
            str = va_arg(ap, const char *);
            if (str == NULL) {
                str = "(null)";
            }
            len = strlen(str);
            break;
        case 'c':
            ch = (char)va_arg(ap, int);
            str = &ch;
            len = 1;
            break;
        case '%':
            str = "%";
            len = 1;
            width = 0;
            break;
        default:
            /* Unknown or cut short: print the spec as written. */
            if (*fmt != '\0') {
                fmt++;
            }
            board_uart_write(spec, (size_t)(fmt - spec));
            count += (int)(fmt - spec);
            continue;
        }
        fmt++;

        size_t sign_len = strlen(sign);
        int fill = width - (int)(len + sign_len);
        if (fill < 0) {
            fill = 0;
        }
        if (!left && !(zero && number)) {
            pad(' ', fill);
        }
        board_uart_write(sign, sign_len);
        if (!left && zero && number) {
            pad('0', fill);
        }
        board_uart_write(str, len);
        if (left) {
            pad(' ', fill);
        }
        count += (int)(len + sign_len) + fill;
    }
}

int fw_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = fw_vprintf(fmt, ap);
    va_end(ap);
    return n;
}
