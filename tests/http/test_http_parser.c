/*
 * tests/http/test_http_parser.c -- the strict request-head parser of
 * examples/http (http_parser.c): what a complete head says, every policy
 * of http_parser.h (line ends, obs-fold, Content-Length, Transfer-Encoding,
 * Host, Connection, the size limit), that errors come as early as their
 * line, and that resuming with `scanned` gives the same answers as
 * parsing from the start.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "http_parser.h"

#define LIMIT 8192u

static int parse(const char *s, http_request *req)
{
    size_t scanned = 0;
    return http_parse_request(s, strlen(s), LIMIT, &scanned, req);
}

static int status_of(const char *s)
{
    http_request req;
    return parse(s, &req);
}

static void simple_get_fills_every_field(void **state)
{
    (void)state;
    const char *s = "GET /index.html HTTP/1.1\r\nHost: example\r\nAccept: */*\r\n\r\nNEXT";
    http_request req;
    assert_int_equal(parse(s, &req), HTTP_PARSE_DONE);
    assert_true(http_token_is(req.method, req.method_len, "GET"));
    assert_true(http_token_is(req.target, req.target_len, "/index.html"));
    assert_int_equal(req.version, 11);
    assert_true(req.keep_alive);
    assert_int_equal(req.content_length, 0);
    assert_int_equal(req.head_len, strlen(s) - 4); /* up to "NEXT" */
}

static void head_arriving_byte_by_byte_is_incomplete_until_its_end(void **state)
{
    (void)state;
    const char *s = "POST /a HTTP/1.1\r\nHost: h\r\nContent-Length: 12\r\n\r\n";
    size_t n = strlen(s), scanned = 0, last = 0;
    http_request req;
    for (size_t len = 1; len < n; len++) {
        assert_int_equal(http_parse_request(s, len, LIMIT, &scanned, &req), HTTP_PARSE_INCOMPLETE);
        assert_true(scanned >= last && scanned <= len); /* monotone, a line start */
        last = scanned;
    }
    assert_int_equal(http_parse_request(s, n, LIMIT, &scanned, &req), HTTP_PARSE_DONE);
    assert_int_equal(req.content_length, 12);
    assert_int_equal(req.head_len, n);
}

static void resuming_matches_parsing_from_the_start(void **state)
{
    (void)state;
    /* Good and bad heads alike, each cut at every length. */
    const char *heads[] = {
        "GET / HTTP/1.1\r\nHost: a\r\n\r\n",
        "\r\n\r\nGET / HTTP/1.0\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: a\r\nX: 1\nY: 2\r\n\r\n",
        "GET / HTTP/1.1\r\nHost : a\r\n\r\n",
    };
    for (size_t h = 0; h < sizeof heads / sizeof heads[0]; h++) {
        size_t n = strlen(heads[h]), scanned = 0;
        for (size_t len = 1; len <= n; len++) {
            http_request a, b;
            int resumed = http_parse_request(heads[h], len, LIMIT, &scanned, &a);
            int fresh = http_parse_request(heads[h], len, LIMIT, NULL, &b);
            assert_int_equal(resumed, fresh);
            if (resumed != HTTP_PARSE_INCOMPLETE)
                break;
        }
    }
}

static void leading_empty_lines_are_skipped(void **state)
{
    (void)state;
    const char *s = "\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n";
    http_request req;
    assert_int_equal(parse(s, &req), HTTP_PARSE_DONE);
    assert_int_equal(req.head_len, strlen(s));
    assert_true(http_token_is(req.target, req.target_len, "/"));
    assert_int_equal(status_of("\r\n"), HTTP_PARSE_INCOMPLETE);
    assert_int_equal(status_of("\r"), HTTP_PARSE_INCOMPLETE);
}

static void bare_lf_is_refused_as_soon_as_it_arrives(void **state)
{
    (void)state;
    assert_int_equal(status_of("GET / HTTP/1.1\n"), 400);
    assert_int_equal(status_of("GET / HTTP/1.1\r\nHost: a\n"), 400);
    assert_int_equal(status_of("GET / HTTP/1.1\r\nHost: a\r\n\n"), 400);
    assert_int_equal(status_of("\n"), 400);
}

static void bare_cr_is_refused(void **state)
{
    (void)state;
    assert_int_equal(status_of("GET / HTTP/1.1\rX"), 400);
    assert_int_equal(status_of("GET / HTTP/1.1\r\nHost: a\rb\r\n\r\n"), 400);
    /* A CR at the very end may be the start of a CRLF: wait for it. */
    assert_int_equal(status_of("GET / HTTP/1.1\r"), HTTP_PARSE_INCOMPLETE);
}

static void bad_request_lines_are_refused_before_the_head_ends(void **state)
{
    (void)state;
    const char *bad[] = {
        "GET\r\n",                   /* no target, no version */
        "GET /\r\n",                 /* no version */
        "GET  / HTTP/1.1\r\n",       /* two spaces */
        "GET / HTTP/1.1 \r\n",       /* trailing space */
        " GET / HTTP/1.1\r\n",       /* leading space */
        "G(T / HTTP/1.1\r\n",        /* not a token */
        "GET /a b HTTP/1.1\r\n",     /* space in the target */
        "GET /\x80 HTTP/1.1\r\n",    /* non-ASCII target */
        "GET / HTTP/1.1x\r\n",       /* junk after the version */
        "GET / http/1.1\r\n",        /* the name is case-sensitive */
        "GET / HTTP/11\r\n",         /* no dot */
        "GET / HTTP/1.10\r\n",       /* two digits */
        "GET / HTTPS/1.1\r\n",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int rc = status_of(bad[i]);
        if (rc != 400)
            fail_msg("\"%s\": %d, want 400", bad[i], rc);
    }
}

static void versions(void **state)
{
    (void)state;
    http_request req;
    assert_int_equal(parse("GET / HTTP/1.0\r\n\r\n", &req), HTTP_PARSE_DONE);
    assert_int_equal(req.version, 10);
    assert_int_equal(parse("GET / HTTP/1.9\r\nHost: a\r\n\r\n", &req), HTTP_PARSE_DONE);
    assert_int_equal(req.version, 11); /* a later 1.x is served as 1.1 */
    assert_int_equal(status_of("GET / HTTP/2.0\r\n"), 505);
    assert_int_equal(status_of("GET / HTTP/0.9\r\n"), 505);
}

static void bad_field_lines_are_refused(void **state)
{
    (void)state;
    const char *bad[] = {
        "GET / HTTP/1.1\r\nHost a\r\n",           /* no colon */
        "GET / HTTP/1.1\r\nHost : a\r\n",         /* space before the colon */
        "GET / HTTP/1.1\r\nHost\t: a\r\n",
        "GET / HTTP/1.1\r\n: a\r\n",              /* no name */
        "GET / HTTP/1.1\r\n Host: a\r\n",         /* whitespace first */
        "GET / HTTP/1.1\r\nHost: a\r\n\tb\r\n",   /* obs-fold */
        "GET / HTTP/1.1\r\nX-A: a\x01z\r\n",      /* a control byte */
        "GET / HTTP/1.1\r\nX-A: a\x7fz\r\n",      /* DEL */
        "GET / HTTP/1.1\r\nX(A): a\r\n",          /* not a token */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int rc = status_of(bad[i]);
        if (rc != 400)
            fail_msg("case %zu: %d, want 400", i, rc);
    }
    /* A NUL in a value. */
    static const char nul[] = "GET / HTTP/1.1\r\nX-A: a\0z\r\n\r\n";
    size_t scanned = 0;
    http_request req;
    assert_int_equal(http_parse_request(nul, sizeof nul - 1, LIMIT, &scanned, &req), 400);
}

static void field_values_may_hold_tabs_spaces_and_obs_text(void **state)
{
    (void)state;
    http_request req;
    assert_int_equal(parse("GET / HTTP/1.1\r\nHost:\r\nX-A: \ta b\xe9\t \r\n\r\n", &req),
                     HTTP_PARSE_DONE);
}

static void content_length(void **state)
{
    (void)state;
    http_request req;
    assert_int_equal(parse("POST / HTTP/1.1\r\nHost: a\r\nContent-Length:  42 \r\n\r\n", &req),
                     HTTP_PARSE_DONE);
    assert_int_equal(req.content_length, 42);
    assert_int_equal(parse("POST / HTTP/1.1\r\nHost: a\r\ncontent-length: 9223372036854775807\r\n\r\n",
                           &req),
                     HTTP_PARSE_DONE);
    assert_true(req.content_length == UINT64_C(9223372036854775807));
    const char *bad[] = {
        "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 9223372036854775808\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999999\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +1\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1 2\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0x10\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: a\r\nContent-Length:\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1,1\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\n",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int rc = status_of(bad[i]);
        if (rc != 400)
            fail_msg("case %zu: %d, want 400", i, rc);
    }
}

static void transfer_encoding(void **state)
{
    (void)state;
    assert_int_equal(
        status_of("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n"
                  "Content-Length: 3\r\n\r\n"),
        400);
    assert_int_equal(
        status_of("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n"
                  "transfer-encoding: gzip, chunked\r\n\r\n"),
        400);
    assert_int_equal(status_of("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"),
                     501);
}

static void host_is_required_once_in_http11(void **state)
{
    (void)state;
    assert_int_equal(status_of("GET / HTTP/1.1\r\n\r\n"), 400);
    assert_int_equal(status_of("GET / HTTP/1.1\r\nHost: a\r\nhost: b\r\n\r\n"), 400);
    assert_int_equal(status_of("GET / HTTP/1.0\r\n\r\n"), HTTP_PARSE_DONE);
    assert_int_equal(status_of("GET / HTTP/1.0\r\nHost: a\r\nHost: a\r\n\r\n"), 400);
}

static void connection_decides_keep_alive(void **state)
{
    (void)state;
    struct {
        const char *head;
        bool keep_alive;
    } cases[] = {
        {"GET / HTTP/1.1\r\nHost: a\r\n\r\n", true},
        {"GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", false},
        {"GET / HTTP/1.1\r\nHost: a\r\nConnection: Upgrade,  CLOSE \r\n\r\n", false},
        {"GET / HTTP/1.1\r\nHost: a\r\nConnection: closed\r\n\r\n", true},
        {"GET / HTTP/1.1\r\nHost: a\r\nConnection: keep-alive\r\n\r\n", true},
        {"GET / HTTP/1.0\r\n\r\n", false},
        {"GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", true},
        {"GET / HTTP/1.0\r\nConnection: keep-alive, close\r\n\r\n", false},
        {"GET / HTTP/1.0\r\nConnection: x\r\nConnection: keep-alive\r\n\r\n", true},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        http_request req;
        assert_int_equal(parse(cases[i].head, &req), HTTP_PARSE_DONE);
        if (req.keep_alive != cases[i].keep_alive)
            fail_msg("case %zu: keep_alive %d", i, req.keep_alive);
    }
}

/* A head of exactly `size` bytes: the request line, Host, and one field
 * padded to fit. */
static size_t make_head(char *buf, size_t size)
{
    const char *front = "GET / HTTP/1.1\r\nHost: a\r\nX-Pad: ";
    size_t f = strlen(front);
    memcpy(buf, front, f);
    memset(buf + f, 'p', size - f - 4);
    memcpy(buf + size - 4, "\r\n\r\n", 4);
    return size;
}

static void size_limit(void **state)
{
    (void)state;
    static char buf[LIMIT + 64];
    http_request req;
    size_t n = make_head(buf, LIMIT);
    assert_int_equal(http_parse_request(buf, n, LIMIT, NULL, &req), HTTP_PARSE_DONE);
    assert_int_equal(req.head_len, LIMIT);
    n = make_head(buf, LIMIT + 1);
    assert_int_equal(http_parse_request(buf, n, LIMIT, NULL, &req), 431);
    /* Incomplete: fine below the limit, 431 once the limit is reached. */
    assert_int_equal(http_parse_request(buf, LIMIT - 1, LIMIT, NULL, &req), HTTP_PARSE_INCOMPLETE);
    assert_int_equal(http_parse_request(buf, LIMIT, LIMIT, NULL, &req), 431);
    /* The limit counts the request line too. */
    memset(buf, 'a', LIMIT);
    memcpy(buf, "GET /", 5);
    assert_int_equal(http_parse_request(buf, LIMIT, LIMIT, NULL, &req), 431);
}

static void pipelined_heads_parse_one_after_the_other(void **state)
{
    (void)state;
    const char *s = "GET /1 HTTP/1.1\r\nHost: a\r\n\r\n"
                    "HEAD /2 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"
                    "GET /3 HTTP/1.1\r\nHo";
    size_t len = strlen(s), at = 0, scanned = 0;
    http_request req;
    assert_int_equal(http_parse_request(s + at, len - at, LIMIT, &scanned, &req), HTTP_PARSE_DONE);
    assert_true(http_token_is(req.target, req.target_len, "/1"));
    at += req.head_len;
    scanned = 0;
    assert_int_equal(http_parse_request(s + at, len - at, LIMIT, &scanned, &req), HTTP_PARSE_DONE);
    assert_true(http_token_is(req.method, req.method_len, "HEAD"));
    assert_false(req.keep_alive);
    at += req.head_len;
    scanned = 0;
    assert_int_equal(http_parse_request(s + at, len - at, LIMIT, &scanned, &req),
                     HTTP_PARSE_INCOMPLETE);
    assert_int_equal(scanned, strlen("GET /3 HTTP/1.1\r\n"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(simple_get_fills_every_field),
        cmocka_unit_test(head_arriving_byte_by_byte_is_incomplete_until_its_end),
        cmocka_unit_test(resuming_matches_parsing_from_the_start),
        cmocka_unit_test(leading_empty_lines_are_skipped),
        cmocka_unit_test(bare_lf_is_refused_as_soon_as_it_arrives),
        cmocka_unit_test(bare_cr_is_refused),
        cmocka_unit_test(bad_request_lines_are_refused_before_the_head_ends),
        cmocka_unit_test(versions),
        cmocka_unit_test(bad_field_lines_are_refused),
        cmocka_unit_test(field_values_may_hold_tabs_spaces_and_obs_text),
        cmocka_unit_test(content_length),
        cmocka_unit_test(transfer_encoding),
        cmocka_unit_test(host_is_required_once_in_http11),
        cmocka_unit_test(connection_decides_keep_alive),
        cmocka_unit_test(size_limit),
        cmocka_unit_test(pipelined_heads_parse_one_after_the_other),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
