/* src/error.c -- names and messages, generated from PAWL_ERRNO_MAP. */
#include "pawl/error.h"

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
        return "unknown error";
    }
}
