/*
 * tools/bench/http_floor.c -- the floor: about the least a server can do
 * per keep-alive request on this kernel, for tools/bench/http to run
 * beside examples/http and the libuv server.
 *
 *   http_floor [--uring] PORT     serve on 127.0.0.1:PORT until killed
 *
 * It prints "listening on 127.0.0.1:PORT" and answers every request head
 * with the response bytes of examples/http and http_uv.c.  What a server
 * spends per request is the floor's cost plus what the server adds, so
 * the floor says how much of a server's CPU time is the kernel's and how
 * much any server could still save.
 *
 * It is not a server to run.  It parses nothing but the blank line that
 * ends a request head (across reads) and a "Connection: close" field (in
 * one read); it has no time limits and no checks on input; a response the
 * socket does not take whole is cut short.  After a request with
 * "Connection: close" it answers, shuts down its side, and closes when
 * the client does (tools/bench/http checks that before loading a server).
 *
 * Two ways to wait, as the two models pawl's backends stand on:
 *
 *   epoll (default)  readiness: edge-triggered epoll_wait, then per ready
 *                    connection one recv (more only if it filled the
 *                    buffer) and one send: the system calls examples/http
 *                    and libuv make, without anything around them.
 *   --uring          completion: one multishot accept, one multishot recv
 *                    per connection into a ring of buffers the kernel
 *                    picks from, and each send an SQE; every submission
 *                    of an iteration goes into the kernel with its wait in
 *                    one io_uring_enter (DEFER_TASKRUN where the kernel
 *                    has it).  No readiness, no recv or send system call.
 *
 * All responses are the same bytes, so one static block of them serves
 * every send, and a connection owns two bytes of state.
 */
#define _GNU_SOURCE /* accept4, memmem */

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#if defined(HTTP_FLOOR_URING)
#  include <liburing.h>
#  include <sys/mman.h>
#endif

static const char RESPONSE[] = "HTTP/1.1 200 OK\r\n"
                               "Content-Length: 16\r\n"
                               "Content-Type: text/plain\r\n"
                               "\r\n"
                               "hello from pawl\n";
#define RLEN (sizeof RESPONSE - 1)
#define BLOCK 64        /* responses in the static block: the most per send */
#define MAX_FD 131072   /* connections are indexed by descriptor */
#define IN_CAP 16384

static char block[BLOCK * RLEN];

/* Per connection: how much of "\r\n\r\n" the input has matched so far,
 * and whether a request asked to close. */
static struct conn {
    uint8_t match;
    uint8_t close;
} conns[MAX_FD];

static void die(const char *what)
{
    fprintf(stderr, "http_floor: %s: %s\n", what, strerror(errno));
    exit(1);
}

/* Count the request heads that `len` bytes complete. */
static unsigned heads(struct conn *c, const char *p, size_t len)
{
    static const char end[4] = {'\r', '\n', '\r', '\n'};
    unsigned n = 0;
    for (size_t i = 0; i < len; i++) {
        if (p[i] == end[c->match]) {
            if (++c->match == 4) {
                n++;
                c->match = 0;
            }
        } else {
            c->match = p[i] == '\r';
        }
    }
    if (memmem(p, len, "\r\nConnection: close\r\n", 21) != NULL)
        c->close = 1;
    return n;
}

static int listen_on(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), one = 1;
    if (fd < 0)
        die("socket");
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0)
        die("SO_REUSEADDR");
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t alen = sizeof a;
    if (bind(fd, (struct sockaddr *)&a, sizeof a) < 0 || listen(fd, 4096) < 0 ||
        getsockname(fd, (struct sockaddr *)&a, &alen) < 0)
        die("listen");
    printf("listening on 127.0.0.1:%u\n", ntohs(a.sin_port));
    fflush(stdout);
    return fd;
}

static void new_conn(int fd)
{
    int one = 1;
    (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    conns[fd].match = 0;
    conns[fd].close = 0;
}

/* ---- readiness: epoll ---------------------------------------------------- */

static void send_heads(int fd, unsigned n)
{
    while (n > 0) {
        unsigned k = n < BLOCK ? n : BLOCK;
        if (send(fd, block, k * RLEN, MSG_NOSIGNAL) < 0)
            return; /* the next recv sees the error */
        n -= k;
    }
}

static void serve_epoll(int lfd)
{
    int ep = epoll_create1(EPOLL_CLOEXEC);
    if (ep < 0)
        die("epoll_create1");
    struct epoll_event ev = {.events = EPOLLIN, .data.fd = lfd};
    if (epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev) < 0)
        die("epoll_ctl");
    static struct epoll_event evs[1024];
    static char in[IN_CAP];
    for (;;) {
        int n = epoll_wait(ep, evs, 1024, -1);
        if (n < 0 && errno != EINTR)
            die("epoll_wait");
        for (int i = 0; i < n; i++) {
            int fd = evs[i].data.fd;
            if (fd == lfd) {
                int c;
                while ((c = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
                    if (c >= MAX_FD) {
                        close(c);
                        continue;
                    }
                    new_conn(c);
                    struct epoll_event e = {.events = EPOLLIN | EPOLLRDHUP | EPOLLET, .data.fd = c};
                    if (epoll_ctl(ep, EPOLL_CTL_ADD, c, &e) < 0)
                        close(c);
                }
                continue;
            }
            for (;;) {
                ssize_t r = recv(fd, in, sizeof in, 0);
                if (r < 0 && errno == EAGAIN)
                    break;
                if (r <= 0) {
                    close(fd); /* end of stream or an error */
                    break;
                }
                struct conn *c = &conns[fd];
                send_heads(fd, heads(c, in, (size_t)r));
                if (c->close == 1) {
                    (void)shutdown(fd, SHUT_WR);
                    c->close = 2; /* answered: wait for the client to close */
                }
                if ((size_t)r < sizeof in)
                    break;
            }
        }
    }
}

/* ---- completion: io_uring ------------------------------------------------ */

#if defined(HTTP_FLOOR_URING)
enum { K_ACCEPT = 1, K_RECV, K_SEND, K_SHUT };
#  define NBUF 4096u
#  define BUFSZ 2048u
#  define BGID 1

static struct io_uring ring;
static struct io_uring_buf_ring *bufring;
static char *bufs;

static uint64_t tag(unsigned kind, int fd)
{
    return (uint64_t)kind << 32 | (uint32_t)fd;
}

static struct io_uring_sqe *sqe(void)
{
    struct io_uring_sqe *s = io_uring_get_sqe(&ring);
    if (s == NULL) { /* the queue is full: hand it to the kernel first */
        io_uring_submit(&ring);
        s = io_uring_get_sqe(&ring);
        if (s == NULL)
            die("io_uring_get_sqe");
    }
    return s;
}

static void arm_accept(int lfd)
{
    struct io_uring_sqe *s = sqe();
    io_uring_prep_multishot_accept(s, lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    io_uring_sqe_set_data64(s, tag(K_ACCEPT, lfd));
}

static void arm_recv(int fd)
{
    struct io_uring_sqe *s = sqe();
    io_uring_prep_recv_multishot(s, fd, NULL, 0, 0);
    s->flags |= IOSQE_BUFFER_SELECT;
    s->buf_group = BGID;
    io_uring_sqe_set_data64(s, tag(K_RECV, fd));
}

/* The responses to `n` heads; with the close after them when asked. */
static void queue_sends(int fd, unsigned n, int then_shut)
{
    while (n > 0) {
        unsigned k = n < BLOCK ? n : BLOCK;
        n -= k;
        struct io_uring_sqe *s = sqe();
        io_uring_prep_send(s, fd, block, k * RLEN, MSG_NOSIGNAL);
        io_uring_sqe_set_data64(s, tag(K_SEND, fd));
        if (n == 0 && then_shut)
            s->flags |= IOSQE_IO_LINK; /* the shutdown waits for this send */
    }
    if (then_shut) {
        struct io_uring_sqe *s = sqe();
        io_uring_prep_shutdown(s, fd, SHUT_WR);
        io_uring_sqe_set_data64(s, tag(K_SHUT, fd));
    }
}

static void serve_uring(int lfd)
{
    struct io_uring_params p;
    memset(&p, 0, sizeof p);
    p.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_CQSIZE;
    p.cq_entries = 16384;
    int rc = io_uring_queue_init_params(4096, &ring, &p);
    if (rc == -EINVAL) { /* a kernel before 6.1: no DEFER_TASKRUN */
        memset(&p, 0, sizeof p);
        p.flags = IORING_SETUP_CQSIZE;
        p.cq_entries = 16384;
        rc = io_uring_queue_init_params(4096, &ring, &p);
    }
    if (rc < 0) {
        errno = -rc;
        die("io_uring_queue_init_params");
    }
    bufring = mmap(NULL, NBUF * sizeof(struct io_uring_buf), PROT_READ | PROT_WRITE,
                   MAP_ANONYMOUS | MAP_PRIVATE, -1, 0);
    bufs = malloc((size_t)NBUF * BUFSZ);
    if (bufring == MAP_FAILED || bufs == NULL)
        die("buffers");
    io_uring_buf_ring_init(bufring);
    struct io_uring_buf_reg reg;
    memset(&reg, 0, sizeof reg);
    reg.ring_addr = (unsigned long)bufring;
    reg.ring_entries = NBUF;
    reg.bgid = BGID;
    rc = io_uring_register_buf_ring(&ring, &reg, 0);
    if (rc < 0) {
        errno = -rc;
        die("io_uring_register_buf_ring");
    }
    for (unsigned i = 0; i < NBUF; i++)
        io_uring_buf_ring_add(bufring, bufs + (size_t)i * BUFSZ, BUFSZ, (unsigned short)i,
                              io_uring_buf_ring_mask(NBUF), (int)i);
    io_uring_buf_ring_advance(bufring, (int)NBUF);
    arm_accept(lfd);
    for (;;) {
        rc = io_uring_submit_and_wait(&ring, 1);
        if (rc < 0 && rc != -EINTR && rc != -EAGAIN) {
            errno = -rc;
            die("io_uring_submit_and_wait");
        }
        struct io_uring_cqe *cqe;
        unsigned head, seen = 0;
        int given_back = 0;
        io_uring_for_each_cqe(&ring, head, cqe) {
            seen++;
            unsigned kind = (unsigned)(cqe->user_data >> 32);
            int fd = (int)(uint32_t)cqe->user_data;
            int more = (cqe->flags & IORING_CQE_F_MORE) != 0;
            if (kind == K_ACCEPT) {
                if (cqe->res >= 0) {
                    if (cqe->res >= MAX_FD) {
                        close(cqe->res);
                    } else {
                        new_conn(cqe->res);
                        arm_recv(cqe->res);
                    }
                }
                if (!more)
                    arm_accept(lfd);
            } else if (kind == K_RECV) {
                if (cqe->res > 0) {
                    unsigned bid = cqe->flags >> IORING_CQE_BUFFER_SHIFT;
                    char *b = bufs + (size_t)bid * BUFSZ;
                    struct conn *c = &conns[fd];
                    unsigned n = heads(c, b, (size_t)cqe->res);
                    io_uring_buf_ring_add(bufring, b, BUFSZ, (unsigned short)bid,
                                          io_uring_buf_ring_mask(NBUF), given_back++);
                    int shut = c->close == 1;
                    if (shut)
                        c->close = 2;
                    queue_sends(fd, n, shut);
                    if (!more)
                        arm_recv(fd);
                } else if (cqe->res == -ENOBUFS) {
                    arm_recv(fd); /* every buffer was taken: ask again */
                } else {
                    close(fd); /* end of stream or an error; the recv has ended */
                }
            }
            /* K_SEND, K_SHUT: nothing to do; a failure shows in the recv. */
        }
        io_uring_cq_advance(&ring, seen);
        if (given_back > 0)
            io_uring_buf_ring_advance(bufring, given_back);
    }
}
#endif

int main(int argc, char **argv)
{
    int uring = argc == 3 && strcmp(argv[1], "--uring") == 0;
    if (argc != 2 + uring) {
        fprintf(stderr, "usage: http_floor [--uring] PORT\n");
        return 2;
    }
    char *end;
    long port = strtol(argv[argc - 1], &end, 10);
    if (*end != '\0' || port < 0 || port > 65535) {
        fprintf(stderr, "http_floor: bad port '%s'\n", argv[argc - 1]);
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    for (unsigned i = 0; i < BLOCK; i++)
        memcpy(block + i * RLEN, RESPONSE, RLEN);
    int lfd = listen_on((int)port);
    if (uring) {
#if defined(HTTP_FLOOR_URING)
        serve_uring(lfd);
#else
        fprintf(stderr, "http_floor: built without liburing: no --uring\n");
        return 1;
#endif
    }
    serve_epoll(lfd);
    return 0;
}
