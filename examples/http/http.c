/*
 * examples/http/http.c -- an HTTP/1.1 server: one task per connection,
 * keep-alive and pipelining, strict parsing, timeouts, fixed memory per
 * connection, and one loop per thread.
 *
 *     http [--host ADDR] [--threads N] [--backend epoll|poll|uring]
 *          [--request-timeout MS] [--idle-timeout MS] [--sndbuf BYTES] [PORT]
 *
 * It prints "listening on 127.0.0.1:PORT" (the port the system chose, for
 * port 0) once every thread accepts, and runs until SIGINT or SIGTERM.
 *
 * The server itself -- what it answers, its timeouts, where its memory
 * goes -- is the module http_server.c (http_server.h), which the tour
 * also uses.  This file is the program around it: the command line, the
 * threads and the signals.
 *
 * THREADS
 * =======
 *
 * --threads N runs N threads, each with its own pawl_loop and its own
 * http_server: its own listening socket (SO_REUSEPORT on the same port,
 * so the kernel spreads the connections) and its own buffers and pool:
 * nothing is shared, and no lock is taken, while serving.  The main
 * thread only starts them and waits.  SIGINT and SIGTERM are blocked in
 * every thread but the main one, whose handler rings each loop's
 * pawl_remote (async-signal-safe); each loop then stops its server
 * (http_server_stop: no more accepting, its connections canceled, their
 * cleanup closes them) and runs out of work, and the process exits with 0.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http_server.h"
#include "pawl/net.h"
#include "pawl/pawl.h"

#define MAX_THREADS 256

typedef struct options {
    const char *host;
    uint16_t port;
    int threads;
    pawl_backend backend;
    const char *backend_name;
    uint32_t request_ms;
    uint32_t idle_ms;
    int sndbuf;             /* SO_SNDBUF of each connection; 0: the system's */
} options;

/* A thread: its loop and its server. */
typedef struct worker {
    pawl_loop loop;
    pawl_remote stop;       /* rung by the signal handler */
    http_server *server;
    const options *opt;
    /* Start-up, under g_start.lock. */
    pthread_t thread;
    int index;
    uint16_t port;          /* to listen on (the first worker's, for the rest) */
    bool ready;
    int status;             /* 0, or why start-up failed */
    pawl_addr bound;
    const char *backend;    /* its loop's, once it listens */
} worker;

/* The stop remote's delivery, on the worker's thread. */
static void on_stop(pawl_remote *r, void *arg)
{
    worker *w = arg;
    http_server_stop(w->server);
    (void)pawl_remote_close(r);
}

/* ---- threads ------------------------------------------------------------------------- */

static struct {
    pthread_mutex_t lock;
    pthread_cond_t changed;
} g_start = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER};

static worker **g_workers;
static int g_nworkers; /* those whose remote is open */
static volatile sig_atomic_t g_stopping;

static int worker_start(worker *w)
{
    pawl_loop_opts lo = {0};
    lo.backend = w->opt->backend;
    int rc = pawl_loop_init(&w->loop, &lo);
    if (rc != 0)
        return rc;
    rc = pawl_remote_init(&w->loop, &w->stop, on_stop, w);
    if (rc != 0) {
        (void)pawl_loop_close(&w->loop);
        return rc;
    }
    http_server_opts so = {
        .host = w->opt->host,
        .port = w->port,
        .reuseport = w->opt->threads > 1,
        .request_ms = w->opt->request_ms,
        .idle_ms = w->opt->idle_ms,
        .sndbuf = w->opt->sndbuf,
    };
    rc = http_server_start(&w->loop, &so, &w->server);
    if (rc != 0) {
        (void)pawl_remote_close(&w->stop);
        (void)pawl_loop_close(&w->loop);
        return rc;
    }
    w->bound = *http_server_addr(w->server);
    w->backend = pawl_loop_backend(&w->loop);
    return 0;
}

static void *worker_main(void *arg)
{
    worker *w = arg;
    int rc = worker_start(w);
    pthread_mutex_lock(&g_start.lock);
    w->status = rc;
    w->ready = true;
    pthread_cond_broadcast(&g_start.changed);
    pthread_mutex_unlock(&g_start.lock);
    if (rc != 0)
        return NULL;
    rc = pawl_loop_run(&w->loop, PAWL_RUN_DEFAULT);
    if (rc < 0) {
        fprintf(stderr, "http: thread %d: loop: %s\n", w->index, http_server_strerror(rc));
        w->status = rc;
        return NULL; /* the process exits with an error; the loop is left */
    }
    rc = pawl_loop_close(&w->loop);
    if (rc != 0) {
        fprintf(stderr, "http: thread %d: close: %s\n", w->index, http_server_strerror(rc));
        w->status = rc;
    }
    rc = http_server_free(w->server);
    if (rc != 0) {
        fprintf(stderr, "http: thread %d: server: %s\n", w->index, http_server_strerror(rc));
        w->status = rc;
    }
    return NULL;
}

/* Start worker `w` and wait until it listens or failed: its status. */
static int worker_launch(worker *w)
{
    int err = pthread_create(&w->thread, NULL, worker_main, w);
    if (err != 0)
        return -err;
    pthread_mutex_lock(&g_start.lock);
    while (!w->ready)
        pthread_cond_wait(&g_start.changed, &g_start.lock);
    pthread_mutex_unlock(&g_start.lock);
    return w->status;
}

static void on_signal(int sig)
{
    (void)sig;
    if (g_stopping)
        return; /* rung once; every loop is on its way out */
    g_stopping = 1;
    for (int i = 0; i < g_nworkers; i++)
        (void)pawl_wake_remote(&g_workers[i]->stop);
}

/* ---- the command line --------------------------------------------------------------- */

static void usage(FILE *f)
{
    http_server_sizes z;
    http_server_get_sizes(&z);
    fprintf(f,
            "usage: http [--host ADDR] [--threads N] [--backend epoll|poll|uring]\n"
            "            [--request-timeout MS] [--idle-timeout MS] [--sndbuf BYTES] [PORT]\n"
            "\n"
            "  PORT                  TCP port, 0 for any (default 8080)\n"
            "  --host ADDR           numeric IPv4 or IPv6 address (default 127.0.0.1)\n"
            "  --threads N           N threads, one loop and listener each (default 1)\n"
            "  --backend NAME        the loops' I/O backend (default: the build's)\n"
            "  --request-timeout MS  a request must arrive whole within MS ms of its\n"
            "                        first byte, else 408 (default 5000)\n"
            "  --idle-timeout MS     a kept-alive connection with no request in\n"
            "                        progress is closed after MS ms (default 10000)\n"
            "  --sndbuf BYTES        each connection's kernel send buffer (SO_SNDBUF);\n"
            "                        small values make slow readers visible sooner\n"
            "\n"
            "memory: %zu bytes per idle connection (struct conn: task %zu, pawl_io %zu,\n"
            "timeout %zu, inline request buffer %zu), plus the allocator's header and the\n"
            "kernel's socket buffers; per thread %zu bytes of buffers, and up to %u pool\n"
            "buffers of %u bytes lent while large requests or slow readers need them.\n",
            z.conn, z.conn_task, z.conn_io, z.conn_timeout, z.conn_keep, z.buffers, z.pool_max,
            (unsigned)z.pool_buffer);
}

static bool parse_uint(const char *s, unsigned long max, unsigned long *out)
{
    if (s == NULL || *s < '0' || *s > '9')
        return false;
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (errno != 0 || *end != '\0' || v > max)
        return false;
    *out = v;
    return true;
}

static int parse_args(int argc, char **argv, options *o)
{
    *o = (options){"127.0.0.1", 8080, 1, PAWL_BACKEND_DEFAULT, NULL, 5000, 10000, 0};
    bool have_port = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        unsigned long x;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            exit(EXIT_SUCCESS);
        } else if (strcmp(a, "--host") == 0 && v != NULL) {
            o->host = v;
            i++;
        } else if (strcmp(a, "--threads") == 0 && parse_uint(v, MAX_THREADS, &x) && x > 0) {
            o->threads = (int)x;
            i++;
        } else if (strcmp(a, "--backend") == 0 && v != NULL) {
            if (strcmp(v, "epoll") == 0)
                o->backend = PAWL_BACKEND_EPOLL;
            else if (strcmp(v, "poll") == 0)
                o->backend = PAWL_BACKEND_POLL;
            else if (strcmp(v, "uring") == 0)
                o->backend = PAWL_BACKEND_URING;
            else
                return -1;
            o->backend_name = v;
            i++;
        } else if (strcmp(a, "--request-timeout") == 0 &&
                   parse_uint(v, PAWL_TIMER_MAX_DELAY, &x) && x > 0) {
            o->request_ms = (uint32_t)x;
            i++;
        } else if (strcmp(a, "--idle-timeout") == 0 &&
                   parse_uint(v, PAWL_TIMER_MAX_DELAY, &x) && x > 0) {
            o->idle_ms = (uint32_t)x;
            i++;
        } else if (strcmp(a, "--sndbuf") == 0 && parse_uint(v, INT_MAX, &x) && x > 0) {
            o->sndbuf = (int)x;
            i++;
        } else if (!have_port && a[0] != '-' && parse_uint(a, 65535, &x)) {
            o->port = (uint16_t)x;
            have_port = true;
        } else {
            return -1;
        }
    }
    return 0;
}

int main(int argc, char **argv)
{
    options opt;
    if (parse_args(argc, argv, &opt) != 0) {
        usage(stderr);
        return 2;
    }
    /* The workers inherit a mask with SIGINT and SIGTERM blocked: only
     * the main thread takes them, once every remote is open. */
    sigset_t stop_signals, old_mask;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop_signals, &old_mask);

    g_workers = calloc((size_t)opt.threads, sizeof *g_workers);
    if (g_workers == NULL) {
        fprintf(stderr, "http: out of memory\n");
        return 1;
    }
    int rc = 0, started = 0;
    for (int i = 0; i < opt.threads && rc == 0; i++) {
        worker *w = calloc(1, sizeof *w);
        if (w == NULL) {
            rc = PAWL_ENOMEM;
            break;
        }
        w->opt = &opt;
        w->index = i;
        /* The first listens on the port asked for (0: any); the others
         * join it on the port it got. */
        w->port = i == 0 ? opt.port : pawl_addr_port(&g_workers[0]->bound);
        g_workers[i] = w;
        rc = worker_launch(w);
        if (w->ready)
            started = i + 1;
        if (rc == 0)
            g_nworkers = i + 1;
    }
    if (rc != 0) {
        const char *what = opt.backend_name != NULL && rc == PAWL_ENOSYS
                               ? " (is that backend built in?)"
                               : "";
        fprintf(stderr, "http: cannot listen on %s port %u: %s%s\n", opt.host,
                (unsigned)opt.port, http_server_strerror(rc), what);
    } else {
        char where[64];
        pawl_addr_format(&g_workers[0]->bound, where, sizeof where);
        printf("listening on %s\n", where);
        fflush(stdout);
        http_server_sizes z;
        http_server_get_sizes(&z);
        fprintf(stderr, "http: %d thread%s, backend %s, %zu bytes per idle connection\n",
                opt.threads, opt.threads == 1 ? "" : "s", g_workers[0]->backend,
                z.conn);
    }

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_RESTART;
    sa.sa_mask = stop_signals;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    if (rc != 0)
        on_signal(0); /* a start-up failure stops the workers already running */
    pthread_sigmask(SIG_SETMASK, &old_mask, NULL);

    int status = rc != 0 ? 1 : 0;
    for (int i = 0; i < started; i++) {
        pthread_join(g_workers[i]->thread, NULL);
        if (g_workers[i]->status != 0)
            status = 1;
    }
    for (int i = 0; i < opt.threads; i++)
        free(g_workers[i]);
    free(g_workers);
    return status;
}
