/* src/error.c -- names and messages, generated from PAWL_ERRNO_MAP.
 *
 * Tables searched in order: 19 rows, so a search costs less than the call,
 * and on a microcontroller they take a third of the flash that two
 * generated switch statements did. */
#include "pawl/error.h"

#include "pawl/config.h"

#if !defined(PAWL_NO_OS)
#include <string.h>
#endif

/* Three parallel arrays rather than one of rows, so that a program that
 * only names codes (a firmware, say) links no message text. */
static const short codes[] = {
    0,
#define PAWL__ERR_CODE(name, value, msg) (value),
    PAWL_ERRNO_MAP(PAWL__ERR_CODE)
#undef PAWL__ERR_CODE
};
static const char *const names[] = {
    "OK",
#define PAWL__ERR_NAME(name, value, msg) #name,
    PAWL_ERRNO_MAP(PAWL__ERR_NAME)
#undef PAWL__ERR_NAME
};
/* Each message its own array: string literals share one section per
 * file, which the linker keeps whole if any of them is used. */
static const char msg_OK[] = "ok";
#define PAWL__ERR_MSG_TEXT(name, value, msg) static const char msg_##name[] = msg;
PAWL_ERRNO_MAP(PAWL__ERR_MSG_TEXT)
#undef PAWL__ERR_MSG_TEXT
static const char *const messages[] = {
    msg_OK,
#define PAWL__ERR_MSG(name, value, msg) msg_##name,
    PAWL_ERRNO_MAP(PAWL__ERR_MSG)
#undef PAWL__ERR_MSG
};
_Static_assert(sizeof codes / sizeof codes[0] == sizeof names / sizeof names[0] &&
                   sizeof names / sizeof names[0] == sizeof messages / sizeof messages[0],
               "one name and one message per code");

/* The row of `err`, or -1. */
static int find(int err)
{
    for (int i = 0; i < (int)(sizeof codes / sizeof codes[0]); i++)
        if (codes[i] == err)
            return i;
    return -1;
}

const char *pawl_err_name(int err)
{
    int i = find(err);
    return i >= 0 ? names[i] : "UNKNOWN";
}

const char *pawl_strerror(int err)
{
    int i = find(err);
    if (i >= 0)
        return messages[i];
#if !defined(PAWL_NO_OS)
    /* The net helpers pass the system's errors through as -errno
     * (ECONNREFUSED, ECONNRESET, ...): the C library names them.
     * Codes at or below pawl's own base are not errno values. */
    if (err < 0 && err > PAWL__ERR_BASE)
        return strerror(-err);
#endif
    return "unknown error";
}
