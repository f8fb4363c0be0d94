/*
 * tools/bench/http_idle.c -- the client side of tools/bench/http's checks
 * that wrk does not make.
 *
 *   http_idle check PORT
 *       One connection; three requests in one write (pipelined), the third
 *       with "Connection: close".  Writes the bytes received, exactly, to
 *       stdout (the script compares them between servers) and says on
 *       stderr how many responses came, their lengths ("lengths=81,81,81")
 *       and whether the server closed the connection after the third.  Exit 0 if 3 responses came and the
 *       connection was closed within 2 s, 1 otherwise.
 *
 *   http_idle idle PORT PID [N [HOLD_MS]]
 *       N (default 10000) concurrent keep-alive connections to the server
 *       whose process id is PID: each is opened, sends one request and
 *       reads its response; then all are held, idle, for HOLD_MS (default
 *       2000) ms; then every one is checked: not closed by the server (no
 *       end of stream, no reset), and still answering a second request.
 *       The server's VmRSS (from /proc/PID/status) is read before the
 *       first connection, once all N are open and idle, and after they are
 *       closed; the increase divided by N is the server's user-space memory
 *       per idle connection (VmRSS counts no kernel socket buffers).  One
 *       result line:
 *
 *         idle: connections=N served=.. closed=.. second_ok=.. hold_ms=..
 *               rss_before_kib=.. rss_idle_kib=.. rss_closed_kib=..
 *               bytes_per_conn=.. open_s=..
 *
 *       Exit 0 if all N were served, none was closed, and all answered the
 *       second request; 1 otherwise.  Needs N + 16 descriptors (ulimit -n)
 *       in this process and in the server.
 *
 * A response is read by its Content-Length.  The client is blocking and
 * works in waves of WAVE connections: it connects all of a wave and sends
 * each its request, then reads the wave's responses, so that the server
 * finds many connections ready at once (as it would under real load)
 * rather than one per turn of its loop, which would make a poll(2)-based
 * server quadratic in the number of connections.
 */
#define _GNU_SOURCE

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <time.h>
#include <unistd.h>

#define BENCH_NAME "http_idle"

#ifndef POLLRDHUP
#  define POLLRDHUP 0 /* Linux's; elsewhere POLLIN and POLLHUP say it */
#endif

static void die_errno(const char *what)
{
    fprintf(stderr, BENCH_NAME ": %s: %s\n", what, strerror(errno));
    exit(2);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int dial(uint16_t port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return -errno;
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    while (connect(fd, (struct sockaddr *)&a, sizeof a) < 0) {
        if (errno == EINTR)
            continue;
        int e = errno;
        close(fd);
        return -e;
    }
    return fd;
}

static bool send_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return false;
        p += w;
        n -= (size_t)w;
    }
    return true;
}

/* Read into buf (appending at *len) with a deadline; returns bytes read,
 * 0 at end of stream, -1 on error or timeout. */
static ssize_t read_some(int fd, char *buf, size_t cap, size_t *len, int timeout_ms)
{
    struct pollfd p = {.fd = fd, .events = POLLIN};
    int r;
    do
        r = poll(&p, 1, timeout_ms);
    while (r < 0 && errno == EINTR);
    if (r <= 0)
        return -1;
    ssize_t n;
    do
        n = recv(fd, buf + *len, cap - *len, 0);
    while (n < 0 && errno == EINTR);
    if (n > 0)
        *len += (size_t)n;
    return n;
}

/* The length of the first complete response in [buf, buf + len), or 0 if
 * it is not complete yet, or -1 if it is not one (no Content-Length). */
static long response_len(const char *buf, size_t len)
{
    const char *he = memmem(buf, len, "\r\n\r\n", 4);
    if (he == NULL)
        return 0;
    size_t head = (size_t)(he - buf) + 4;
    long body = -1;
    for (const char *p = buf; p < he;) {
        const char *eol = memmem(p, (size_t)(he + 2 - p), "\r\n", 2);
        if (strncasecmp(p, "Content-Length:", 15) == 0)
            body = strtol(p + 15, NULL, 10);
        p = eol + 2;
    }
    if (body < 0)
        return -1;
    return head + (size_t)body <= len ? (long)(head + (size_t)body) : 0;
}

#define WAVE 256

/* Read one whole response; 0 if it is a 200 and nothing follows it. */
static int read_response(int fd)
{
    char buf[1024];
    size_t len = 0;
    for (;;) {
        long n = response_len(buf, len);
        if (n < 0)
            return -1;
        if (n > 0)
            return (size_t)n == len && memcmp(buf, "HTTP/1.1 200 ", 13) == 0 ? 0 : -1;
        if (read_some(fd, buf, sizeof buf, &len, 5000) <= 0)
            return -1;
    }
}

static long vmrss_kib(long pid)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%ld/status", pid);
    FILE *f = fopen(path, "r");
    if (f == NULL)
        die_errno(path);
    char line[256];
    long kib = -1;
    while (fgets(line, sizeof line, f) != NULL)
        if (strncmp(line, "VmRSS:", 6) == 0)
            kib = strtol(line + 6, NULL, 10);
    fclose(f);
    if (kib < 0) {
        fprintf(stderr, BENCH_NAME ": no VmRSS in %s\n", path);
        exit(2);
    }
    return kib;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR) {
    }
}

static uint16_t parse_port(const char *s)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (*end != '\0' || v <= 0 || v > 65535) {
        fprintf(stderr, BENCH_NAME ": bad port '%s'\n", s);
        exit(2);
    }
    return (uint16_t)v;
}

static int check(uint16_t port)
{
    int fd = dial(port);
    if (fd < 0) {
        errno = -fd;
        die_errno("connect");
    }
    char req[512];
    int n = snprintf(req, sizeof req,
                     "GET / HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n\r\n"
                     "GET / HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n\r\n"
                     "GET / HTTP/1.1\r\nHost: 127.0.0.1:%u\r\nConnection: close\r\n\r\n",
                     port, port, port);
    if (!send_all(fd, req, (size_t)n))
        die_errno("send");
    static char buf[65536];
    size_t len = 0;
    bool closed = false;
    double deadline = now_s() + 2.0;
    while (len < sizeof buf) {
        int left = (int)((deadline - now_s()) * 1000);
        if (left <= 0)
            break;
        ssize_t r = read_some(fd, buf, sizeof buf, &len, left);
        if (r == 0) {
            closed = true;
            break;
        }
        if (r < 0)
            break;
    }
    close(fd);
    fwrite(buf, 1, len, stdout);
    int responses = 0;
    char lengths[128] = "";
    size_t lo = 0;
    for (size_t off = 0; off < len && lo < sizeof lengths - 24; responses++) {
        long m = response_len(buf + off, len - off);
        if (m <= 0)
            break;
        lo += (size_t)snprintf(lengths + lo, sizeof lengths - lo, "%s%ld", lo ? "," : "", m);
        off += (size_t)m;
    }
    fprintf(stderr, "%d responses to 3 pipelined requests, lengths=%s; %s\n", responses,
            lengths,
            closed ? "closed after the one with Connection: close"
                   : "NOT closed within 2 s after the one with Connection: close");
    return responses == 3 && closed ? 0 : 1;
}

static int idle(uint16_t port, long pid, long n, long hold_ms)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
        die_errno("getrlimit");
    if (rl.rlim_cur < (rlim_t)n + 16) {
        fprintf(stderr, BENCH_NAME ": ulimit -n is %llu, %ld connections need %ld\n",
                (unsigned long long)rl.rlim_cur, n, n + 16);
        exit(2);
    }
    int *fds = calloc((size_t)n, sizeof *fds);
    if (fds == NULL)
        die_errno("calloc");
    char req[128];
    int req_len = snprintf(req, sizeof req, "GET / HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n\r\n", port);

    long rss_before = vmrss_kib(pid);
    double t0 = now_s();
    long served = 0;
    for (long w = 0; w < n && served == w; w += WAVE) {
        long end = w + WAVE < n ? w + WAVE : n, opened = w;
        for (long i = w; i < end; i++, opened++) {
            fds[i] = dial(port);
            if (fds[i] < 0) {
                fprintf(stderr, BENCH_NAME ": connection %ld: connect: %s\n", i,
                        strerror(-fds[i]));
                break;
            }
            if (!send_all(fds[i], req, (size_t)req_len)) {
                fprintf(stderr, BENCH_NAME ": connection %ld: send: %s\n", i, strerror(errno));
                opened++;
                break;
            }
        }
        for (long i = w; i < opened; i++) {
            if (read_response(fds[i]) < 0) {
                fprintf(stderr, BENCH_NAME ": connection %ld: no valid response\n", i);
                break;
            }
            served++;
        }
    }
    double open_s = now_s() - t0;
    sleep_ms(100); /* let the server finish whatever follows a response */
    long rss_idle = vmrss_kib(pid);
    sleep_ms(hold_ms);

    /* Closed by the server: readable with end of stream or an error. */
    long closed = 0;
    for (long i = 0; i < served; i++) {
        struct pollfd p = {.fd = fds[i], .events = POLLIN | POLLRDHUP};
        if (poll(&p, 1, 0) > 0 && (p.revents & (POLLIN | POLLRDHUP | POLLHUP | POLLERR)))
            closed++;
    }
    long second_ok = 0;
    for (long w = 0; w < served; w += WAVE) {
        long end = w + WAVE < served ? w + WAVE : served;
        bool sent[WAVE];
        for (long i = w; i < end; i++)
            sent[i - w] = send_all(fds[i], req, (size_t)req_len);
        for (long i = w; i < end; i++)
            if (sent[i - w] && read_response(fds[i]) == 0)
                second_ok++;
    }
    for (long i = 0; i < n; i++)
        if (fds[i] > 0)
            close(fds[i]);
    sleep_ms(500);
    long rss_closed = vmrss_kib(pid);
    free(fds);

    printf("idle: connections=%ld served=%ld closed=%ld second_ok=%ld hold_ms=%ld "
           "rss_before_kib=%ld rss_idle_kib=%ld rss_closed_kib=%ld bytes_per_conn=%.0f "
           "open_s=%.2f\n",
           n, served, closed, second_ok, hold_ms, rss_before, rss_idle, rss_closed,
           served > 0 ? (double)(rss_idle - rss_before) * 1024.0 / (double)served : 0.0, open_s);
    return served == n && closed == 0 && second_ok == n ? 0 : 1;
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "check") == 0)
        return check(parse_port(argv[2]));
    if (argc >= 4 && argc <= 6 && strcmp(argv[1], "idle") == 0) {
        long n = argc > 4 ? strtol(argv[4], NULL, 10) : 10000;
        long hold = argc > 5 ? strtol(argv[5], NULL, 10) : 2000;
        if (n <= 0 || hold < 0) {
            fprintf(stderr, BENCH_NAME ": bad N or HOLD_MS\n");
            return 2;
        }
        return idle(parse_port(argv[2]), strtol(argv[3], NULL, 10), n, hold);
    }
    fprintf(stderr, "usage: http_idle check PORT\n"
                    "       http_idle idle PORT PID [N [HOLD_MS]]\n");
    return 2;
}
