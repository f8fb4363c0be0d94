/*
 * tests/test_error.c -- error codes, pawl_err_name and pawl_strerror.
 *
 * The expected table is generated from PAWL_ERRNO_MAP itself, so a code
 * added to the list is checked here without touching this file.
 */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "pawl/error.h"

typedef struct code {
    int value;
    const char *name;
    const char *message;
} code;

static const code codes[] = {
#define EXPECT(name, value, msg) {PAWL_##name, #name, msg},
    PAWL_ERRNO_MAP(EXPECT)
#undef EXPECT
};

#define NCODES (sizeof codes / sizeof codes[0])

static void error_every_code_is_negative(void **state)
{
    (void)state;
    for (size_t i = 0; i < NCODES; i++)
        assert_in_range(codes[i].value, INT_MIN, -1);
}

static void error_every_code_is_distinct(void **state)
{
    (void)state;
    for (size_t i = 0; i < NCODES; i++)
        for (size_t j = i + 1; j < NCODES; j++)
            assert_int_not_equal(codes[i].value, codes[j].value);
}

static void error_name_is_the_identifier(void **state)
{
    (void)state;
    for (size_t i = 0; i < NCODES; i++)
        assert_string_equal(pawl_err_name(codes[i].value), codes[i].name);
}

static void error_message_is_the_listed_one_and_not_empty(void **state)
{
    (void)state;
    for (size_t i = 0; i < NCODES; i++) {
        const char *msg = pawl_strerror(codes[i].value);
        assert_non_null(msg);
        assert_string_equal(msg, codes[i].message);
        assert_int_not_equal(strlen(msg), 0);
        assert_string_not_equal(msg, "unknown error");
        assert_string_not_equal(msg, "ok");
    }
}

static void error_every_message_is_distinct(void **state)
{
    (void)state;
    for (size_t i = 0; i < NCODES; i++)
        for (size_t j = i + 1; j < NCODES; j++)
            assert_string_not_equal(pawl_strerror(codes[i].value),
                                    pawl_strerror(codes[j].value));
}

static void error_zero_is_ok(void **state)
{
    (void)state;
    assert_string_equal(pawl_err_name(0), "OK");
    assert_string_equal(pawl_strerror(0), "ok");
}

static void error_unknown_values_are_unknown(void **state)
{
    (void)state;
    /* 1 is PAWL_PENDING, a poll result and no error; a positive errno is
     * a sign mistake; the others are simply not codes. */
    const int unknown[] = {1, EINVAL, -99999, PAWL__ERR_BASE, PAWL__ERR_BASE - 1000,
                           INT_MIN, INT_MAX};
    for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
        assert_string_equal(pawl_err_name(unknown[i]), "UNKNOWN");
        assert_string_equal(pawl_strerror(unknown[i]), "unknown error");
    }
}

static void error_other_negated_errno_gets_the_c_library_message(void **state)
{
    (void)state;
    /* The net helpers pass system errors through as -errno. */
    assert_string_equal(pawl_strerror(-ECONNREFUSED), strerror(ECONNREFUSED));
    assert_string_equal(pawl_strerror(-ECONNRESET), strerror(ECONNRESET));
    assert_string_not_equal(pawl_strerror(-ECONNRESET), "unknown error");
    assert_string_equal(pawl_err_name(-ECONNRESET), "UNKNOWN");
}

static void error_errno_backed_codes_equal_negated_errno(void **state)
{
    (void)state;
    assert_int_equal(PAWL_EINVAL, -EINVAL);
    assert_int_equal(PAWL_ENOMEM, -ENOMEM);
    assert_int_equal(PAWL_EBUSY, -EBUSY);
    assert_int_equal(PAWL_EALREADY, -EALREADY);
    assert_int_equal(PAWL_ECANCELED, -ECANCELED);
    assert_int_equal(PAWL_EDEADLK, -EDEADLK);
    assert_int_equal(PAWL_EAGAIN, -EAGAIN);
    assert_int_equal(PAWL_ETIMEDOUT, -ETIMEDOUT);
    assert_int_equal(PAWL_ENOSPC, -ENOSPC);
    assert_int_equal(PAWL_ENOSYS, -ENOSYS);
    assert_int_equal(PAWL_ENOENT, -ENOENT);
    assert_int_equal(PAWL_EOVERFLOW, -EOVERFLOW);
}

static void error_pawl_only_codes_lie_below_the_base(void **state)
{
    (void)state;
    /* POSIX has no name for these, so they keep well away from errno. */
    const int own[] = {PAWL_ECLOSED, PAWL_EFOREIGN, PAWL_EUNINIT, PAWL_EOF,
                       PAWL_EREJECTED, PAWL_ETYPE};
    for (size_t i = 0; i < sizeof own / sizeof own[0]; i++)
        assert_in_range(own[i], INT_MIN, PAWL__ERR_BASE - 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(error_every_code_is_negative),
        cmocka_unit_test(error_every_code_is_distinct),
        cmocka_unit_test(error_name_is_the_identifier),
        cmocka_unit_test(error_message_is_the_listed_one_and_not_empty),
        cmocka_unit_test(error_every_message_is_distinct),
        cmocka_unit_test(error_zero_is_ok),
        cmocka_unit_test(error_unknown_values_are_unknown),
        cmocka_unit_test(error_other_negated_errno_gets_the_c_library_message),
        cmocka_unit_test(error_errno_backed_codes_equal_negated_errno),
        cmocka_unit_test(error_pawl_only_codes_lie_below_the_base),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
