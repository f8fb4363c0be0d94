/*
 * tests/net_support.h -- what the socket suites (test_net, test_net_faults)
 * share: a per-actor log and names for the system errors the net helpers
 * pass through.  Include after <cmocka.h> and "pawl/pawl.h".
 */
#ifndef PAWL_TESTS_NET_SUPPORT_H
#define PAWL_TESTS_NET_SUPPORT_H

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* One actor's log: "what" entries separated by spaces. */
typedef struct actor_log {
    char s[512];
} actor_log;

static inline void note(actor_log *l, const char *fmt, ...)
{
    size_t len = strlen(l->s);
    if (len != 0 && len + 1 < sizeof l->s)
        l->s[len++] = ' ';
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(l->s + len, sizeof l->s - len, fmt, ap);
    va_end(ap);
}

/* pawl's name for a code, or the errno's for the system errors pawl has
 * no name of its own for. */
static inline const char *err_name(int rc)
{
    switch (rc) {
    case -ECONNRESET:
        return "ECONNRESET";
    case -ECONNREFUSED:
        return "ECONNREFUSED";
    case -EPIPE:
        return "EPIPE";
    case -EMFILE:
        return "EMFILE";
    case -EINTR:
        return "EINTR";
    default:
        return pawl_err_name(rc);
    }
}

#endif /* PAWL_TESTS_NET_SUPPORT_H */
