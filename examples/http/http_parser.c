/*
 * examples/http/http_parser.c -- the strict request-head parser described
 * in http_parser.h.
 *
 * Two passes over a head, each linear.  While the head arrives, each line
 * is checked once, as soon as its CRLF is there (the resume offset
 * `*scanned` is the start of the first incomplete line): line ends,
 * request-line syntax, field-line syntax.  When the empty line that ends
 * the head arrives, a second pass reads what the fields mean (Host,
 * Content-Length, Transfer-Encoding, Connection) and fills the request.
 */
#include "http_parser.h"

#include <string.h>

/* tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." /
 *         "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA   (RFC 9110 5.6.2) */
static bool is_tchar(unsigned char c)
{
    if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
        return true;
    return c != 0 && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

/* A byte allowed inside a field value: VCHAR, obs-text, SP, HTAB. */
static bool is_value_byte(unsigned char c)
{
    return c == ' ' || c == '\t' || (c >= 0x21 && c != 0x7f);
}

static bool is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

static unsigned char lower(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
}

/* Case-insensitive: the `len` bytes at `s` equal the lower-case `lit`. */
static bool equals_ci(const char *s, size_t len, const char *lit)
{
    size_t n = strlen(lit);
    if (len != n)
        return false;
    for (size_t i = 0; i < n; i++)
        if (lower((unsigned char)s[i]) != (unsigned char)lit[i])
            return false;
    return true;
}

bool http_token_is(const char *s, size_t len, const char *lit)
{
    size_t n = strlen(lit);
    return len == n && memcmp(s, lit, n) == 0;
}

/* The request line p[0 .. n), without its CRLF.  0 if well formed (and
 * *req's method, target and version set if req is not NULL), else the
 * status code. */
static int parse_request_line(const char *p, size_t n, http_request *req)
{
    const unsigned char *u = (const unsigned char *)p;
    size_t i = 0;
    while (i < n && is_tchar(u[i]))
        i++;
    if (i == 0 || i >= n || u[i] != ' ')
        return 400;
    size_t method_len = i++;
    size_t target = i;
    while (i < n && u[i] >= 0x21 && u[i] <= 0x7e)
        i++;
    if (i == target || i >= n || u[i] != ' ')
        return 400;
    size_t target_len = i++ - target;
    /* "HTTP/" DIGIT "." DIGIT, and nothing after it. */
    if (n - i != 8 || memcmp(p + i, "HTTP/", 5) != 0 || !is_digit(u[i + 5]) ||
        u[i + 6] != '.' || !is_digit(u[i + 7]))
        return 400;
    if (u[i + 5] != '1')
        return 505;
    if (req != NULL) {
        req->method = p;
        req->method_len = method_len;
        req->target = p + target;
        req->target_len = target_len;
        req->version = u[i + 7] == '0' ? 10 : 11;
    }
    return 0;
}

/* A field line p[0 .. n), without its CRLF: name, colon, value bytes.
 * A line that starts with whitespace (obs-fold), has no name, or has
 * whitespace before the colon fails the name loop. */
static int check_field_line(const char *p, size_t n)
{
    const unsigned char *u = (const unsigned char *)p;
    size_t i = 0;
    while (i < n && is_tchar(u[i]))
        i++;
    if (i == 0 || i >= n || u[i] != ':')
        return 400;
    for (i++; i < n; i++)
        if (!is_value_byte(u[i]))
            return 400;
    return 0;
}

/* Content-Length = 1*DIGIT, below 2^63. */
static int parse_length(const char *v, size_t n, uint64_t *out)
{
    if (n == 0)
        return 400;
    uint64_t x = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)v[i];
        if (!is_digit(c))
            return 400;
        if (x > (UINT64_C(1) << 63) / 10)
            return 400;
        x = x * 10 + (uint64_t)(c - '0');
        if (x >= UINT64_C(1) << 63)
            return 400;
    }
    *out = x;
    return 0;
}

/* The options of a Connection field: a comma-separated list of tokens. */
static void connection_options(const char *v, size_t n, bool *close, bool *keep_alive)
{
    size_t i = 0;
    while (i < n) {
        size_t j = i;
        while (j < n && v[j] != ',')
            j++;
        size_t a = i, b = j;
        while (a < b && (v[a] == ' ' || v[a] == '\t'))
            a++;
        while (b > a && (v[b - 1] == ' ' || v[b - 1] == '\t'))
            b--;
        if (equals_ci(v + a, b - a, "close"))
            *close = true;
        else if (equals_ci(v + a, b - a, "keep-alive"))
            *keep_alive = true;
        i = j + 1;
    }
}

/* The second pass, over a complete head whose every line the first pass
 * has checked: what the fields say. */
static int interpret(const char *buf, size_t head_len, http_request *req)
{
    size_t pos = 0;
    while (buf[pos] == '\r') /* leading empty lines */
        pos += 2;
    const char *eol = memchr(buf + pos, '\r', head_len - pos);
    int rc = parse_request_line(buf + pos, (size_t)(eol - (buf + pos)), req);
    if (rc != 0)
        return rc;
    pos = (size_t)(eol - buf) + 2;
    bool close = false, keep_alive = false, chunked = false, have_length = false;
    int hosts = 0;
    uint64_t length = 0;
    while (buf[pos] != '\r') { /* up to the empty line */
        const char *line = buf + pos;
        eol = memchr(line, '\r', head_len - pos);
        const char *colon = memchr(line, ':', (size_t)(eol - line));
        size_t name_len = (size_t)(colon - line);
        const char *v = colon + 1, *end = eol;
        while (v < end && (*v == ' ' || *v == '\t'))
            v++;
        while (end > v && (end[-1] == ' ' || end[-1] == '\t'))
            end--;
        size_t vlen = (size_t)(end - v);
        if (equals_ci(line, name_len, "content-length")) {
            if (have_length || parse_length(v, vlen, &length) != 0)
                return 400;
            have_length = true;
        } else if (equals_ci(line, name_len, "transfer-encoding")) {
            chunked = true;
        } else if (equals_ci(line, name_len, "host")) {
            hosts++;
        } else if (equals_ci(line, name_len, "connection")) {
            connection_options(v, vlen, &close, &keep_alive);
        }
        pos = (size_t)(eol - buf) + 2;
    }
    if (chunked)
        return have_length ? 400 : 501;
    if (hosts > 1 || (req->version == 11 && hosts == 0))
        return 400;
    req->keep_alive = req->version == 11 ? !close : keep_alive && !close;
    req->content_length = length;
    req->head_len = head_len;
    return HTTP_PARSE_DONE;
}

int http_parse_request(const char *buf, size_t len, size_t limit, size_t *scanned,
                       http_request *req)
{
    if (buf == NULL || req == NULL)
        return 400;
    size_t pos = scanned != NULL ? *scanned : 0;
    if (pos > len)
        pos = 0;
    /* Has a non-empty line (the request line) been seen before `pos`?
     * While the head is incomplete an empty line after the request line
     * would have ended it, so a completed empty line just before `pos`
     * means every line before it is one of the leading empty lines. */
    bool seen_line = pos > 0 && pos != 2 && !(pos >= 4 && memcmp(buf + pos - 4, "\r\n\r\n", 4) == 0);
    while (pos < len) {
        size_t i = pos;
        while (i < len && buf[i] != '\r' && buf[i] != '\n')
            i++;
        if (i == len || (buf[i] == '\r' && i + 1 == len))
            break; /* the line, or its CRLF, is still arriving */
        if (buf[i] == '\n' || buf[i + 1] != '\n')
            return 400; /* a bare LF, or a bare CR */
        size_t n = i - pos;
        if (n == 0 && seen_line) {
            if (i + 2 > limit)
                return 431;
            return interpret(buf, i + 2, req);
        }
        if (n > 0) {
            int rc = seen_line ? check_field_line(buf + pos, n)
                               : parse_request_line(buf + pos, n, NULL);
            if (rc != 0)
                return rc;
            seen_line = true;
        }
        pos = i + 2;
        if (scanned != NULL)
            *scanned = pos;
        if (pos > limit)
            return 431;
    }
    /* Incomplete: if `limit` bytes are here already, the head cannot fit. */
    return len >= limit ? 431 : HTTP_PARSE_INCOMPLETE;
}
