/*
 * pawl/error.h -- error codes.
 *
 * Every fallible pawl function returns 0 (or a non-negative count) on
 * success and a negative code on failure.  Where a POSIX errno exists for
 * the condition the code is its negation (PAWL_EINVAL == -EINVAL), so the
 * codes compose with system calls; conditions POSIX has no name for get
 * codes below PAWL__ERR_BASE, well away from any errno.
 *
 * If a call that takes a callback fails, the callback is never called.
 *
 * The list below is the only place a code is defined: the enum, the names
 * (pawl_err_name) and the messages (pawl_strerror) are all generated from
 * it.
 */
#ifndef PAWL_ERROR_H
#define PAWL_ERROR_H

#include <errno.h>

#define PAWL__ERR_BASE (-4000)

/* X(NAME, value, message) */
#define PAWL_ERRNO_MAP(X)                                                    \
    X(EINVAL, -EINVAL, "invalid argument")                                   \
    X(ENOMEM, -ENOMEM, "out of memory")                                      \
    X(EBUSY, -EBUSY, "resource busy")                                        \
    X(EALREADY, -EALREADY, "already started")                                \
    X(ECANCELED, -ECANCELED, "operation canceled")                           \
    X(EDEADLK, -EDEADLK, "loop would block forever: nothing can wake it")    \
    X(EAGAIN, -EAGAIN, "resource temporarily unavailable")                   \
    X(ETIMEDOUT, -ETIMEDOUT, "timed out")                                    \
    X(ENOSPC, -ENOSPC, "no space left in pool")                              \
    X(ENOSYS, -ENOSYS, "not supported by this platform")                     \
    X(ENOENT, -ENOENT, "no such object (unknown or finished id)")            \
    X(ECLOSED, PAWL__ERR_BASE - 1, "loop or handle is closed")               \
    X(EFOREIGN, PAWL__ERR_BASE - 2, "object belongs to another loop")        \
    X(EUNINIT, PAWL__ERR_BASE - 3, "object was never initialised")            \
    X(EOF, PAWL__ERR_BASE - 4, "end of stream: closed and drained")          \
    X(EREJECTED, PAWL__ERR_BASE - 5, "promise rejected (the reason is in the value)") \
    X(ETYPE, PAWL__ERR_BASE - 6, "type error: a promise resolved with itself") \
    X(EOVERFLOW, -EOVERFLOW, "reference count would overflow")

/* The codes, PAWL_EINVAL ... PAWL_EOVERFLOW, generated from the list
 * above.  Every pawl function that fails returns one of them (or, from the
 * net helpers, another negative errno) as a plain int. */
enum pawl_errno {
#define PAWL__ERR_ENUM(name, value, msg) PAWL_##name = (value),
    PAWL_ERRNO_MAP(PAWL__ERR_ENUM)
#undef PAWL__ERR_ENUM
};

/* "EINVAL" for PAWL_EINVAL; "UNKNOWN" for a value that is no pawl code. */
const char *pawl_err_name(int err);

/* A one-line human message: the listed one for pawl's codes, the C
 * library's (strerror) for any other -errno value (the net helpers pass
 * the system's errors through), "unknown error" for anything else, "ok"
 * for 0. */
const char *pawl_strerror(int err);

#endif /* PAWL_ERROR_H */
