/* src/error.c -- names and messages, generated from PAWL_ERRNO_MAP. */
#include "pawl/error.h"

#include "pawl/config.h"

#if !defined(PAWL_NO_OS)
#include <string.h>
#endif

const char *pawl_err_name(int err)
{
    switch (err) {
    case 0:
        return "OK";
#define PAWL__ERR_NAME(name, value, msg) \
    case (value):                        \
        return #name;
        PAWL_ERRNO_MAP(PAWL__ERR_NAME)
#undef PAWL__ERR_NAME
    default:
        return "UNKNOWN";
    }
}

const char *pawl_strerror(int err)
{
    switch (err) {
    case 0:
        return "ok";
#define PAWL__ERR_MSG(name, value, msg) \
    case (value):                       \
        return msg;
        PAWL_ERRNO_MAP(PAWL__ERR_MSG)
#undef PAWL__ERR_MSG
    default:
        /* The net helpers pass the system's errors through as -errno
         * (ECONNREFUSED, ECONNRESET, ...): the C library names them.
         * Codes at or below pawl's own base are not errno values. */
#if !defined(PAWL_NO_OS)
        if (err < 0 && err > PAWL__ERR_BASE)
            return strerror(-err);
#endif
        return "unknown error";
    }
}
