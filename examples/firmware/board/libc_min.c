/* libc_min.c -- the C library functions the firmware links with -nostdlib.
 *
 * GCC may emit calls to memcpy, memset, memmove and memcmp for struct
 * copies, zero initialisers and loops even in code that never names them,
 * so a freestanding program must provide them; strlen and strcmp are here
 * for the firmware's own use.  Byte loops: small at -Os, and fast enough for the
 * few short copies a firmware does.
 *
 * GCC recognises a loop that copies or fills memory and replaces it by a
 * call to memcpy or memset (-ftree-loop-distribute-patterns, on at -O2 and
 * above, and at -Os from GCC 10 on).  Inside memset that call would be
 * memset itself: infinite recursion.  NO_LIBCALL turns that one
 * optimisation off for these functions, so this file is correct with any
 * -O level and needs no special flag in the build.
 */
#include <stdint.h>
#include <string.h>

#define NO_LIBCALL __attribute__((optimize("no-tree-loop-distribute-patterns")))

NO_LIBCALL void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;
    while (n-- != 0) {
        *d++ = *s++;
    }
    return dst;
}

NO_LIBCALL void *memmove(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;
    /* Addresses compared as integers: ordering pointers into different
     * objects is undefined in C. */
    if ((uintptr_t)d <= (uintptr_t)s) {
        while (n-- != 0) {
            *d++ = *s++;
        }
    } else {
        while (n-- != 0) {
            d[n] = s[n];
        }
    }
    return dst;
}

NO_LIBCALL void *memset(void *dst, int c, size_t n)
{
    unsigned char *d = dst;
    while (n-- != 0) {
        *d++ = (unsigned char)c;
    }
    return dst;
}

NO_LIBCALL int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *p = a;
    const unsigned char *q = b;
    for (; n != 0; n--, p++, q++) {
        if (*p != *q) {
            return *p - *q;
        }
    }
    return 0;
}

NO_LIBCALL size_t strlen(const char *s)
{
    const char *p = s;
    while (*p != '\0') {
        p++;
    }
    return (size_t)(p - s);
}

NO_LIBCALL int strcmp(const char *a, const char *b)
{
    const unsigned char *p = (const unsigned char *)a;
    const unsigned char *q = (const unsigned char *)b;
    while (*p != '\0' && *p == *q) {
        p++;
        q++;
    }
    return *p - *q;
}
