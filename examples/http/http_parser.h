/*
 * examples/http/http_parser.h -- a strict parser for HTTP/1.x request heads.
 *
 * It takes the bytes a server has received so far and says one of three
 * things: the head of the first request is not complete yet; it is
 * complete (and here is what it says); or it is malformed (and here is the
 * status code to answer before closing the connection).  It allocates
 * nothing, keeps no state but one resume offset, and points into the
 * caller's bytes, so the server decides where those bytes live.
 *
 * WHAT IS ACCEPTED (RFC 9112 section 2-6, strictly)
 * ==================================================
 *
 *   request-line = method SP request-target SP HTTP-version CRLF
 *   method       = 1*tchar                     (case-sensitive)
 *   target       = 1*( %x21-7E )               (no spaces, no bytes >= 0x80)
 *   version      = "HTTP/" DIGIT "." DIGIT     (1.0 and 1.1; 1.2-1.9 are
 *                                               served as 1.1; any other
 *                                               major version: 505)
 *   field-line   = field-name ":" OWS field-value OWS CRLF
 *   field-name   = 1*tchar                     (no space before the colon)
 *   field-value  = VCHAR, obs-text, SP, HTAB   (no other control bytes)
 *
 * Up to any number of empty lines (CRLF) before the request line are
 * skipped, as RFC 9112 section 2.2 recommends (some clients send one after
 * a body); they count towards the size limit.
 *
 * POLICIES, where the RFC lets a server choose
 * ============================================
 *
 *   Line ends        CRLF only.  A bare LF or a bare CR anywhere in the head
 *                    is a 400.  RFC 9112 section 2.2 allows a recipient to
 *                    take a lone LF as a line end, but when a proxy in front
 *                    and the server behind disagree on that, one request
 *                    can be read as two (request smuggling); refusing it is
 *                    the safe reading, and clients do not send it.
 *   obs-fold         a field line that starts with SP or HTAB: 400 (allowed
 *                    by section 5.2).
 *   Content-Length   1*DIGIT, at most one header (a repeated one is a 400
 *                    even with equal values), value below 2^63.
 *   Transfer-Encoding with Content-Length: 400 (section 6.1, the smuggling
 *                    case).  Alone: 501, since this server decodes no
 *                    transfer coding (it would have to read a chunked body
 *                    to find the next request).
 *   Host             HTTP/1.1 requires exactly one (section 3.2): missing
 *                    or repeated is a 400.  HTTP/1.0 may omit it.
 *   Size             the head (leading empty lines, request line, fields,
 *                    final CRLF) must fit in `limit` bytes, else 431.  One
 *                    limit for the request line and the fields, so an
 *                    oversized target is a 431 too, not a 414.
 *   Connection       a comma-separated list; "close" and "keep-alive" are
 *                    recognised in any case.  HTTP/1.1 is kept alive unless
 *                    "close"; HTTP/1.0 only with "keep-alive" and no
 *                    "close".
 *
 * Errors are reported as early as they can be: a bad line end when it
 * arrives, a bad request line or field line as soon as its CRLF does, so a
 * client that sends garbage learns it without waiting for a timeout.
 */
#ifndef PAWL_EXAMPLE_HTTP_PARSER_H
#define PAWL_EXAMPLE_HTTP_PARSER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What a complete head says.  The pointers point into the buffer given to
 * http_parse_request and are valid as long as it is. */
typedef struct http_request {
    const char *method;
    size_t method_len;
    const char *target;
    size_t target_len;
    int version;             /* 10 or 11 (HTTP/1.0, HTTP/1.1) */
    bool keep_alive;         /* may the connection serve another request */
    uint64_t content_length; /* the body that follows the head; 0 if none */
    size_t head_len;         /* bytes of the head, from the buffer's start
                                to just past its final CRLF */
} http_request;

/* http_parse_request's results; an error is returned as its status code. */
enum {
    HTTP_PARSE_INCOMPLETE = 0, /* no complete head yet: read more */
    HTTP_PARSE_DONE = 1        /* *req describes the first request */
};

/*
 * Parse the request head at the start of buf[0 .. len).
 *
 * `*scanned` is how far an earlier call on the same (grown) buffer got: set
 * it to 0 for a new request, and pass it back unchanged while the same
 * request's head is still arriving, so each byte is looked at once.  It is
 * always the start of a line that is not complete yet.  NULL means 0 each
 * time (correct, but rescans from the start).
 *
 * Returns HTTP_PARSE_INCOMPLETE, HTTP_PARSE_DONE (and fills *req), or a
 * status code to answer with: 400 (malformed), 431 (the head exceeds
 * `limit` bytes), 501 (a transfer coding), 505 (an HTTP major version
 * other than 1).  After an error the connection cannot be read further:
 * where the next request would start is unknown.
 */
int http_parse_request(const char *buf, size_t len, size_t limit, size_t *scanned,
                       http_request *req);

/* True if the `len` bytes at `s` equal the NUL-terminated `lit` (exactly;
 * for the method, which is case-sensitive). */
bool http_token_is(const char *s, size_t len, const char *lit);

#endif /* PAWL_EXAMPLE_HTTP_PARSER_H */
