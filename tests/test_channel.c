/*
 * tests/test_channel.c -- the bounded channel (src/channel.c): FIFO order,
 * a full channel making senders wait and queued senders served in order
 * with no barging, the receiver's wait and its one-receiver rule, close
 * (drain, then PAWL_EOF; queued senders get PAWL_ECLOSED), cancellation of
 * queued and served senders and of a waiting receiver, item sizes and the
 * ring's wrap-around.
 *
 * Real tasks on the virtual clock.  Senders log "name+item" for each item
 * sent, receivers "name<item" for each item received, and both
 * "name!ERROR" when an await ends with an error; "@ms" follows when the
 * loop's time is not 0.  Each test compares the whole log.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "pawl/pawl.h"
#include "support.h"

#define MS 1000000u

static char g_log[4096];

static void log_entry(const char *name, char sym, const char *what, uint64_t ms)
{
    size_t len = strlen(g_log);
    int n = snprintf(g_log + len, sizeof g_log - len, "%s%s%c%s", len ? " " : "", name, sym,
                     what);
    assert_true(n > 0 && (size_t)n < sizeof g_log - len);
    if (ms != 0) {
        len = strlen(g_log);
        snprintf(g_log + len, sizeof g_log - len, "@%llu", (unsigned long long)ms);
    }
}

/* An item in the log: a one-byte item is its byte, a larger one its first
 * eight bytes read as a uint64_t (every test item starts with its id). */
static void log_item(const char *name, char sym, const unsigned char *item, size_t size,
                     uint64_t ms)
{
    uint64_t v = item[0];
    if (size >= sizeof v)
        memcpy(&v, item, sizeof v);
    char buf[24];
    snprintf(buf, sizeof buf, "%llu", (unsigned long long)v);
    log_entry(name, sym, buf, ms);
}

static void log_error(const char *name, int rc, uint64_t ms)
{
    const char *e = pawl_err_name(rc);
    if (strncmp(e, "PAWL_", 5) == 0)
        e += 5;
    log_entry(name, '!', e, ms);
}

static int env_setup(void **state)
{
    g_log[0] = '\0';
    *state = vloop_new(0);
    return 0;
}

static void run_all(vloop *v)
{
    assert_int_equal(pawl_loop_run(&v->loop, PAWL_RUN_DEFAULT), 0);
}

/* One iteration that does not wait. */
static void run_once(vloop *v)
{
    assert_true(pawl_loop_run(&v->loop, PAWL_RUN_NOWAIT) >= 0);
}

/* Move the virtual clock to `ms`, then one iteration. */
static void run_at(vloop *v, uint64_t ms)
{
    uint64_t now = v->vc.now_ns;
    assert_true(ms * MS >= now);
    assert_int_equal(pawl_vclock_advance(&v->vc, ms * MS - now), 0);
    run_once(v);
}

/* ---- a sending task ---------------------------------------------------------- */

/* Sends items[0..n) in order (after delay_ms, each send limited to
 * timeout_ms if that is set) and stops at the first error. */
typedef struct sender {
    pawl_task task;
    pawl_waiter w;
    pawl_sleep sleep;
    pawl_channel *ch;
    const char *name;
    const unsigned char *items; /* n items of `size` bytes; stay valid */
    size_t size;
    int n;
    uint32_t delay_ms;
    uint32_t timeout_ms;
    int i;
    int sent;
    int rc; /* the last await's result */
} sender;

static pawl_poll sender_poll(pawl_task *t, pawl_cx *cx)
{
    sender *s = PAWL_CONTAINER_OF(t, sender, task);
    PAWL_BEGIN(cx);
    if (s->delay_ms != 0)
        PAWL_AWAIT(cx, s->rc, pawl_sleep_ms(&s->sleep, cx, s->delay_ms));
    for (s->i = 0; s->i < s->n; s->i++) {
        if (s->timeout_ms != 0)
            PAWL_AWAIT(cx, s->rc,
                       PAWL_TIMEOUT(&s->sleep, cx, s->timeout_ms,
                                    pawl_channel_send(s->ch, &s->w, cx,
                                                      s->items + (size_t)s->i * s->size)));
        else
            PAWL_AWAIT(cx, s->rc,
                       pawl_channel_send(s->ch, &s->w, cx, s->items + (size_t)s->i * s->size));
        if (s->rc != 0) {
            log_error(s->name, s->rc, pawl_loop_now(cx->loop));
            break;
        }
        s->sent++;
        log_item(s->name, '+', s->items + (size_t)s->i * s->size, s->size,
                 pawl_loop_now(cx->loop));
    }
    PAWL_CLEANUP(cx);
    if (s->rc == PAWL_ECANCELED)
        log_error(s->name, s->rc, pawl_loop_now(cx->loop));
    PAWL_END(cx);
}

static void sender_init(sender *s, const char *name, pawl_channel *ch, const void *items,
                        size_t size, int n)
{
    memset(s, 0, sizeof *s);
    s->name = name;
    s->ch = ch;
    s->items = items;
    s->size = size;
    s->n = n;
    assert_int_equal(pawl_task_init(&s->task, sender_poll), 0);
}

static void sender_spawn(vloop *v, sender *s, const char *name, pawl_channel *ch,
                         const uint64_t *items, int n)
{
    sender_init(s, name, ch, items, sizeof *items, n);
    assert_int_equal(pawl_task_spawn(&v->loop, &s->task), 0);
}

/* ---- a receiving task -------------------------------------------------------- */

/* Receives into out[] (after delay_ms, each receive limited to timeout_ms
 * if that is set) until it has `limit` items (0: no limit) or an error,
 * then sleeps linger_ms, still alive. */
typedef struct receiver {
    pawl_task task;
    pawl_sleep sleep;
    pawl_channel *ch;
    const char *name;
    unsigned char *out; /* room for out_cap items of `size` bytes */
    size_t size;
    int out_cap;
    int limit;
    uint32_t delay_ms;
    uint32_t timeout_ms;
    uint32_t linger_ms;
    int got;
    int rc;
} receiver;

static pawl_poll receiver_poll(pawl_task *t, pawl_cx *cx)
{
    receiver *r = PAWL_CONTAINER_OF(t, receiver, task);
    PAWL_BEGIN(cx);
    if (r->delay_ms != 0)
        PAWL_AWAIT(cx, r->rc, pawl_sleep_ms(&r->sleep, cx, r->delay_ms));
    while (r->limit == 0 || r->got < r->limit) {
        assert_true(r->got < r->out_cap);
        if (r->timeout_ms != 0)
            PAWL_AWAIT(cx, r->rc,
                       PAWL_TIMEOUT(&r->sleep, cx, r->timeout_ms,
                                    pawl_channel_recv(r->ch, cx,
                                                      r->out + (size_t)r->got * r->size)));
        else
            PAWL_AWAIT(cx, r->rc,
                       pawl_channel_recv(r->ch, cx, r->out + (size_t)r->got * r->size));
        if (r->rc != 0) {
            log_error(r->name, r->rc, pawl_loop_now(cx->loop));
            break;
        }
        log_item(r->name, '<', r->out + (size_t)r->got * r->size, r->size,
                 pawl_loop_now(cx->loop));
        r->got++;
    }
    if (r->linger_ms != 0)
        PAWL_AWAIT(cx, r->rc, pawl_sleep_ms(&r->sleep, cx, r->linger_ms));
    PAWL_CLEANUP(cx);
    if (r->rc == PAWL_ECANCELED)
        log_error(r->name, r->rc, pawl_loop_now(cx->loop));
    PAWL_END(cx);
}

static void receiver_init(receiver *r, const char *name, pawl_channel *ch, void *out,
                          size_t size, int out_cap, int limit)
{
    memset(r, 0, sizeof *r);
    r->name = name;
    r->ch = ch;
    r->out = out;
    r->size = size;
    r->out_cap = out_cap;
    r->limit = limit;
    assert_int_equal(pawl_task_init(&r->task, receiver_poll), 0);
}

static void receiver_spawn(vloop *v, receiver *r, const char *name, pawl_channel *ch,
                           uint64_t *out, int out_cap, int limit)
{
    receiver_init(r, name, ch, out, sizeof *out, out_cap, limit);
    assert_int_equal(pawl_task_spawn(&v->loop, &r->task), 0);
}

static void try_send_u64(pawl_channel *ch, uint64_t v, int expect)
{
    assert_int_equal(pawl_channel_try_send(ch, &v), expect);
}

static uint64_t try_recv_u64(pawl_channel *ch)
{
    uint64_t v = 0;
    assert_int_equal(pawl_channel_try_recv(ch, &v), 0);
    return v;
}

/* ---- bad input ------------------------------------------------------------- */

/* A zeroed channel that was never initialised is an error, not a crash. */
static void zeroed_channel_reports_euninit(void **state)
{
    (void)state;
    pawl_channel ch;
    memset(&ch, 0, sizeof ch);
    pawl_waiter w;
    memset(&w, 0, sizeof w);
    pawl_task task;
    memset(&task, 0, sizeof task);
    pawl_cx cx = {NULL, &task, 0, 0u};
    uint64_t item = 1, out = 0;
    assert_int_equal(pawl_channel_send(&ch, &w, &cx, &item), PAWL_EUNINIT);
    assert_int_equal(pawl_channel_recv(&ch, &cx, &out), PAWL_EUNINIT);
    assert_int_equal(pawl_channel_try_send(&ch, &item), PAWL_EUNINIT);
    assert_int_equal(pawl_channel_try_recv(&ch, &out), PAWL_EUNINIT);
    assert_int_equal(pawl_channel_close(&ch), PAWL_EUNINIT);
    assert_int_equal(w.pawl__state, PAWL__W_IDLE);
}

static void channel_rejects_bad_input(void **state)
{
    (void)state;
    pawl_channel ch;
    uint64_t buf[4];
    uint64_t item = 1;
    assert_int_equal(pawl_channel_init(NULL, buf, 8, 4), PAWL_EINVAL);
    assert_int_equal(pawl_channel_init(&ch, NULL, 8, 4), PAWL_EINVAL);
    assert_int_equal(pawl_channel_init(&ch, buf, 0, 4), PAWL_EINVAL);
    assert_int_equal(pawl_channel_init(&ch, buf, 8, 0), PAWL_EINVAL);
    /* A ring that could not fit in memory. */
    assert_int_equal(pawl_channel_init(&ch, buf, 8, SIZE_MAX / 4), PAWL_EINVAL);
    assert_int_equal(pawl_channel_init(&ch, buf, 1, SIZE_MAX), PAWL_EINVAL);

    assert_int_equal(pawl_channel_init(&ch, buf, sizeof item, 4), 0);
    pawl_waiter w = {0};
    pawl_cx cx = {0};
    assert_int_equal(pawl_channel_send(NULL, &w, &cx, &item), PAWL_EINVAL);
    assert_int_equal(pawl_channel_send(&ch, NULL, &cx, &item), PAWL_EINVAL);
    assert_int_equal(pawl_channel_send(&ch, &w, NULL, &item), PAWL_EINVAL);
    assert_int_equal(pawl_channel_send(&ch, &w, &cx, NULL), PAWL_EINVAL);
    assert_int_equal(pawl_channel_try_send(NULL, &item), PAWL_EINVAL);
    assert_int_equal(pawl_channel_try_send(&ch, NULL), PAWL_EINVAL);
    assert_int_equal(pawl_channel_recv(NULL, &cx, &item), PAWL_EINVAL);
    assert_int_equal(pawl_channel_recv(&ch, NULL, &item), PAWL_EINVAL);
    assert_int_equal(pawl_channel_recv(&ch, &cx, NULL), PAWL_EINVAL);
    assert_int_equal(pawl_channel_try_recv(NULL, &item), PAWL_EINVAL);
    assert_int_equal(pawl_channel_try_recv(&ch, NULL), PAWL_EINVAL);
    assert_int_equal(pawl_channel_close(NULL), PAWL_EINVAL);
    assert_int_equal(pawl_channel_len(NULL), 0);
    /* None of it touched the channel. */
    assert_int_equal(pawl_channel_len(&ch), 0);
    assert_int_equal(pawl_channel_try_recv(&ch, &item), PAWL_EAGAIN);
    assert_int_equal(w.pawl__state, PAWL__W_IDLE);
}

/* ---- order, capacity, waiting ---------------------------------------------- */

static void channel_items_come_out_in_fifo_order(void **state)
{
    vloop *v = *state;
    pawl_channel ch;
    uint64_t buf[8];
    assert_int_equal(pawl_channel_init(&ch, buf, sizeof buf[0], 8), 0);
    static const uint64_t items[] = {5, 3, 9, 1, 7};
    uint64_t out[5] = {0};
    sender s;
    receiver r;
    sender_spawn(v, &s, "s", &ch, items, 5);
    receiver_spawn(v, &r, "r", &ch, out, 5, 5);
    run_all(v);
    assert_string_equal(g_log, "s+5 s+3 s+9 s+1 s+7 r<5 r<3 r<9 r<1 r<7");
    assert_memory_equal(out, items, sizeof items);
    /* The try forms keep the same order. */
    try_send_u64(&ch, 4, 0);
    try_send_u64(&ch, 2, 0);
    assert_int_equal(pawl_channel_len(&ch), 2);
    assert_int_equal(try_recv_u64(&ch), 4);
    assert_int_equal(try_recv_u64(&ch), 2);
    assert_int_equal(pawl_channel_try_recv(&ch, out), PAWL_EAGAIN);
}

static void full_channel_makes_sender_wait_until_a_receive(void **state)
{
    vloop *v = *state;
    pawl_channel ch;
    uint64_t buf[2];
    assert_int_equal(pawl_channel_init(&ch, buf, sizeof buf[0], 2), 0);
    static const uint64_t items[] = {1, 2, 3};
    uint64_t out[3] = {0};
    sender s;
    receiver r;
    sender_spawn(v, &s, "s", &ch, items, 3);
    receiver_spawn(v, &r, "r", &ch, out, 3, 1);
    r.delay_ms = 10;
    run_once(v);
    /* Two items fill the channel; the third send waits. */
    assert_string_equal(g_log, "s+1 s+2");
    assert_int_equal(pawl_task_get_state(&s.task), PAWL_TASK_WAITING);
    assert_int_equal(pawl_channel_len(&ch), 2);
    assert_int_equal(pawl_channel_try_send(&ch, &items[0]), PAWL_EAGAIN);
    /* One receive at 10 ms makes room: the waiting item moves in at once
     * and the sender completes. */
    run_all(v);
    assert_string_equal(g_log, "s+1 s+2 r<1@10 s+3@10");
    assert_int_equal(pawl_channel_len(&ch), 2);
    assert_int_equal(try_recv_u64(&ch), 2);
    assert_int_equal(try_recv_u64(&ch), 3);
}

static void queued_senders_are_served_in_order_without_barging(void **state)
{
    vloop *v = *state;
    pawl_channel ch;
    uint64_t buf[1];
    assert_int_equal(pawl_channel_init(&ch, buf, sizeof buf[0], 1), 0);
    try_send_u64(&ch, 10, 0);
    static const uint64_t ia[] = {11}, ib[] = {12}, ic[] = {13};
    sender a, b, c;
    sender_spawn(v, &a, "a", &ch, ia, 1);
    sender_spawn(v, &b, "b", &ch, ib, 1);
    sender_spawn(v, &c, "c", &ch, ic, 1);
    run_once(v);
    assert_string_equal(g_log, "");
    /* A newcomer cannot overtake them, with the try form or a send. */
    try_send_u64(&ch, 99, PAWL_EAGAIN);
    static const uint64_t id[] = {14};
    sender d;
    sender_spawn(v, &d, "d", &ch, id, 1);
    run_once(v);
    assert_string_equal(g_log, "");
    /* Each receive moves the first queued item in and wakes its sender:
     * this one wakes a, before the receiver task is spawned. */
    assert_int_equal(try_recv_u64(&ch), 10);
    try_send_u64(&ch, 99, PAWL_EAGAIN);
    uint64_t out[4] = {0};
    receiver r;
    receiver_spawn(v, &r, "r", &ch, out, 4, 4);
    run_all(v);
    assert_string_equal(g_log, "a+11 r<11 r<12 r<13 r<14 b+12 c+13 d+14");
    assert_int_equal(pawl_channel_len(&ch), 0);
}

static void waiting_receiver_wakes_on_send(void **state)
{
    vloop *v = *state;
    pawl_channel ch;
    uint64_t buf[4];
    assert_int_equal(pawl_channel_init(&ch, buf, sizeof buf[0], 4), 0);
    uint64_t out[2] = {0};
    receiver r;
    receiver_spawn(v, &r, "r", &ch, out, 2, 2);
    run_once(v);
    assert_int_equal(pawl_task_get_state(&r.task), PAWL_TASK_WAITING);
    static const uint64_t items[] = {7};
    sender s;
    sender_spawn(v, &s, "s", &ch, items, 1);
    s.delay_ms = 5;
    run_once(v);
    assert_string_equal(g_log, "");
    run_at(v, 5); /* the send wakes the receiver */
    assert_string_equal(g_log, "s+7@5 r<7@5");
    assert_int_equal(pawl_task_get_state(&r.task), PAWL_TASK_WAITING);
    /* The try form wakes it too. */
    try_send_u64(&ch, 8, 0);
    run_all(v);
    assert_string_equal(g_log, "s+7@5 r<7@5 r<8@5");
}

/* ---- close ----------------------------------------------------------------- */

static void close_lets_receiver_drain_then_reports_eof(void **state)
{
    vloop *v = *state;
    pawl_channel ch;
    uint64_t buf[4];
    assert_int_equal(pawl_channel_init(&ch, buf, sizeof buf[0], 4), 0);
    try_send_u64(&ch, 1, 0);
    try_send_u64(&ch, 2, 0);
    try_send_u64(&ch, 3, 0);
    assert_int_equal(pawl_channel_close(&ch), 0);
    assert_int_equal(pawl_channel_len(&ch), 3);
    /* Closed, the items are still there for the try form and the task. */
    assert_int_equal(try_recv_u64(&ch), 1);
    uint64_t out[4] = {0};
    receiver r;
    receiver_spawn(v, &r, "r", &ch, out, 4, 0);
    run_all(v);
    assert_string_equal(g_log, "r<2 r<3 r!EOF");
    assert_int_equal(pawl_channel_try_recv(&ch, out), PAWL_EOF);
}

static void close_wakes_waiting_receiver_with_eof(void **state)
{
    vloop *v = *state;
    pawl_channel ch;
    uint64_t buf[4];
    assert_int_equal(pawl_channel_init(&ch, buf, sizeof buf[0], 4), 0);
    uint64_t out[1] = {0};
    receiver r;
    receiver_spawn(v, &r, "r", &ch, out, 1, 0);
    run_once(v);
    assert_int_equal(pawl_task_get_state(&r.task), PAWL_TASK_WAITING);
    assert_int_equal(pawl_channel_close(&ch), 0);
    run_all(v);
    assert_string_equal(g_log, "r!EOF");
}

static void close_wakes_queued_senders_and_drops_their_items(void **state)
{
    vloop *v = *state;
    pawl_channel ch;
    uint64_t buf[1];
    assert_int_equal(pawl_channel_init(&ch, buf, sizeof buf[0], 1), 0);
    try_send_u64(&ch, 1, 0);
    static const uint64_t ia[] = {2, 3}, ib[] = {4};
    sender a, b;
    sender_spawn(v, &a, "a", &ch, ia, 2);
    sender_spawn(v, &b, "b", &ch, ib, 1);
    run_once(v);
    assert_int_equal(pawl_channel_close(&ch), 0);
    uint64_t out[4] = {0};
    receiver r;
    receiver_spawn(v, &r, "r", &ch, out, 4, 0);
    run_all(v);
    assert_string_equal(g_log, "a!ECLOSED b!ECLOSED r<1 r!EOF");
    assert_int_equal(a.sent, 0);
    assert_int_equal(b.sent, 0);
    assert_int_equal(a.w.pawl__state, PAWL__W_IDLE);
}

static void send_after_close_reports_eclosed(void **state)
{
    vloop *v = *state;
    pawl_channel ch;
    uint64_t buf[4];
    assert_int_equal(pawl_channel_init(&ch, buf, sizeof buf[0], 4), 0);
    assert_int_equal(pawl_channel_close(&ch), 0);
    assert_int_equal(pawl_channel_close(&ch), PAWL_ECLOSED);
    try_send_u64(&ch, 1, PAWL_ECLOSED);
    static const uint64_t items[] = {2};
    sender s;
    sender_spawn(v, &s, "s", &ch, items, 1);
    run_all(v);
    assert_string_equal(g_log, "s!ECLOSED");
    assert_int_equal(pawl_channel_len(&ch), 0);
    uint64_t out;
    assert_int_equal(pawl_channel_try_recv(&ch, &out), PAWL_EOF);
}

/* Closed while queued, then canceled before it ran: the send had already
 * completed (unsent), so it reports that, not the cancellation. */
static void sender_closed_then_canceled_reports_eclosed(void **state)
{
    vloop *v = *state;
    pawl_channel ch;
    uint64_t buf[1];
    assert_int_equal(pawl_channel_init(&ch, buf, sizeof buf[0], 1), 0);
    try_send_u64(&ch, 1, 0);
    static const uint64_t items[] = {2};
    sender s;
    sender_spawn(v, &s, "s", &ch, items, 1);
    run_once(v);
    assert_int_equal(pawl_channel_close(&ch), 0);
    assert_int_equal(pawl_task_cancel(&v->loop, &s.task), 0);
    run_all(v);
    assert_int_equal(s.rc, PAWL_ECLOSED);
    assert_string_equal(g_log, "");
    assert_int_equal(pawl_channel_len(&ch), 1);
}

/* ---- one receiver ----------------------------------------------------------- */

static void second_receiver_gets_ebusy(void **state)
{
    vloop *v = *state;
    pawl_channel ch;
    uint64_t buf[4];
    assert_int_equal(pawl_channel_init(&ch, buf, sizeof buf[0], 4), 0);
    uint64_t out1[1] = {0}, out2[1] = {0}, out3[1] = {0};
    receiver r1, r2, r3;
    receiver_spawn(v, &r1, "r1", &ch, out1, 1, 1);
    r1.linger_ms = 100; /* stays alive after its receive */
    run_once(v);
    /* r1 waits: a second receiver is refused. */
    receiver_spawn(v, &r2, "r2", &ch, out2, 1, 1);
    run_once(v);
    assert_string_equal(g_log, "r2!EBUSY");
    /* Woken but not yet polled, r1 still holds the receive side. */
    receiver_spawn(v, &r2, "r2", &ch, out2, 1, 1);
    try_send_u64(&ch, 5, 0);
    run_once(v);
    assert_string_equal(g_log, "r2!EBUSY r2!EBUSY r1<5");
    /* Its receive done, r1 (alive, sleeping) no longer holds it. */
    receiver_spawn(v, &r3, "r3", &ch, out3, 1, 1);
    try_send_u64(&ch, 6, 0);
    run_all(v);
    assert_string_equal(g_log, "r2!EBUSY r2!EBUSY r1<5 r3<6");
}

/* ---- cancellation ----------------------------------------------------------- */

static void sender_canceled_in_queue_leaves_it_and_others_deliver(void **state)
{
    vloop *v = *state;
    pawl_channel ch;
    uint64_t buf[1];
    assert_int_equal(pawl_channel_init(&ch, buf, sizeof buf[0], 1), 0);
    try_send_u64(&ch, 10, 0);
    static const uint64_t ia[] = {11}, ib[] = {12}, ic[] = {13};
    sender a, b, c;
    sender_spawn(v, &a, "a", &ch, ia, 1);
    sender_spawn(v, &b, "b", &ch, ib, 1);
    sender_spawn(v, &c, "c", &ch, ic, 1);
    run_once(v);
    assert_int_equal(pawl_task_cancel(&v->loop, &b.task), 0);
    run_once(v);
    assert_string_equal(g_log, "b!ECANCELED");
    assert_int_equal(b.w.pawl__state, PAWL__W_IDLE);
    assert_null(b.w.pawl__link.pawl__next);
    assert_int_equal(pawl_task_get_state(&b.task), PAWL_TASK_DONE);
    uint64_t out[4] = {0};
    receiver r;
    receiver_spawn(v, &r, "r", &ch, out, 4, 3);
    run_all(v);
    assert_string_equal(g_log, "b!ECANCELED r<10 r<11 r<13 a+11 c+13");
    /* 12 never arrives. */
    assert_int_equal(pawl_channel_len(&ch), 0);
    assert_int_equal(pawl_channel_try_recv(&ch, out), PAWL_EAGAIN);
}

static void sender_canceled_after_being_served_still_delivers(void **state)
{
    vloop *v = *state;
    pawl_channel ch;
    uint64_t buf[1];
    assert_int_equal(pawl_channel_init(&ch, buf, sizeof buf[0], 1), 0);
    try_send_u64(&ch, 1, 0);
    static const uint64_t items[] = {2};
    sender s;
    sender_spawn(v, &s, "s", &ch, items, 1);
    run_once(v);
    /* This receive moves s's item in and wakes it; then s is canceled
     * before it could see that. */
    assert_int_equal(try_recv_u64(&ch), 1);
    assert_int_equal(s.w.pawl__state, PAWL__W_SERVED);
    assert_int_equal(pawl_task_cancel(&v->loop, &s.task), 0);
    run_all(v);
    assert_int_equal(s.rc, 0); /* the send's real result */
    assert_int_equal(s.w.pawl__state, PAWL__W_IDLE);
    assert_string_equal(g_log, "");
    assert_int_equal(try_recv_u64(&ch), 2);
}

/* The same through PAWL_TIMEOUT: the item moves in and the time limit
 * passes in the same iteration, before the sender runs. */
static void send_served_as_its_timeout_fires_reports_sent(void **state)
{
    vloop *v = *state;
    pawl_channel ch;
    uint64_t buf[1];
    assert_int_equal(pawl_channel_init(&ch, buf, sizeof buf[0], 1), 0);
    try_send_u64(&ch, 1, 0);
    /* r's sleep is armed first, s's limit next: both are due at 10 ms, and
     * r runs first, which moves 2 in and wakes s; s then runs with its
     * time up. */
    uint64_t out[1] = {0};
    receiver r;
    receiver_spawn(v, &r, "r", &ch, out, 1, 1);
    r.delay_ms = 10;
    static const uint64_t items[] = {2, 3};
    sender s;
    sender_spawn(v, &s, "s", &ch, items, 2);
    s.timeout_ms = 10;
    run_all(v);
    /* 2 was sent; 3 then waited 10 ms more and timed out, unsent. */
    assert_string_equal(g_log, "r<1@10 s+2@10 s!ETIMEDOUT@20");
    assert_int_equal(pawl_channel_len(&ch), 1);
    assert_int_equal(try_recv_u64(&ch), 2);
}

static void send_timed_out_in_queue_leaves_it(void **state)
{
    vloop *v = *state;
    pawl_channel ch;
    uint64_t buf[1];
    assert_int_equal(pawl_channel_init(&ch, buf, sizeof buf[0], 1), 0);
    try_send_u64(&ch, 1, 0);
    static const uint64_t ia[] = {2}, ib[] = {3};
    sender a, b;
    sender_spawn(v, &a, "a", &ch, ia, 1);
    a.timeout_ms = 5;
    sender_spawn(v, &b, "b", &ch, ib, 1);
    uint64_t out[3] = {0};
    receiver r;
    receiver_spawn(v, &r, "r", &ch, out, 3, 2);
    r.delay_ms = 10;
    run_all(v);
    assert_string_equal(g_log, "a!ETIMEDOUT@5 r<1@10 r<3@10 b+3@10");
}

static void receiver_canceled_while_waiting_then_new_receiver_gets_all(void **state)
{
    vloop *v = *state;
    pawl_channel ch;
    uint64_t buf[2];
    assert_int_equal(pawl_channel_init(&ch, buf, sizeof buf[0], 2), 0);
    uint64_t out1[4] = {0}, out2[4] = {0};
    receiver r1, r2;
    receiver_spawn(v, &r1, "r1", &ch, out1, 4, 0);
    run_once(v);
    assert_int_equal(pawl_task_get_state(&r1.task), PAWL_TASK_WAITING);
    assert_int_equal(pawl_task_cancel(&v->loop, &r1.task), 0);
    run_once(v);
    assert_string_equal(g_log, "r1!ECANCELED");
    /* Its registration is gone with it. */
    assert_null(ch.pawl__rtask);
    static const uint64_t items[] = {1, 2, 3};
    sender s;
    sender_spawn(v, &s, "s", &ch, items, 3);
    receiver_spawn(v, &r2, "r2", &ch, out2, 4, 3);
    run_all(v);
    assert_string_equal(g_log, "r1!ECANCELED s+1 s+2 r2<1 r2<2 r2<3 s+3");
    assert_int_equal(r1.got, 0);
    assert_memory_equal(out2, items, sizeof items);
}

/* Dropped by a time limit, the receive gives its registration back while
 * its task lives on: another task may receive, and gets every item. */
static void receiver_timed_out_releases_the_receive_side(void **state)
{
    vloop *v = *state;
    pawl_channel ch;
    uint64_t buf[2];
    assert_int_equal(pawl_channel_init(&ch, buf, sizeof buf[0], 2), 0);
    uint64_t out1[4] = {0}, out2[4] = {0};
    receiver r1, r2;
    receiver_spawn(v, &r1, "r1", &ch, out1, 4, 1);
    r1.timeout_ms = 5;
    r1.linger_ms = 100;
    receiver_spawn(v, &r2, "r2", &ch, out2, 4, 2);
    r2.delay_ms = 10;
    static const uint64_t items[] = {1, 2};
    sender s;
    sender_spawn(v, &s, "s", &ch, items, 2);
    s.delay_ms = 20;
    run_all(v);
    assert_string_equal(g_log, "r1!ETIMEDOUT@5 s+1@20 s+2@20 r2<1@20 r2<2@20");
    assert_int_equal(r1.got, 0);
}

/* Items stay for the next receive when a receiver is canceled with items
 * ready: a canceled receive takes nothing. */
static void receiver_canceled_with_items_ready_takes_none(void **state)
{
    vloop *v = *state;
    pawl_channel ch;
    uint64_t buf[2];
    assert_int_equal(pawl_channel_init(&ch, buf, sizeof buf[0], 2), 0);
    uint64_t out[2] = {0};
    receiver r;
    receiver_spawn(v, &r, "r", &ch, out, 2, 0);
    run_once(v);
    try_send_u64(&ch, 1, 0);
    assert_int_equal(pawl_task_cancel(&v->loop, &r.task), 0);
    run_all(v);
    assert_string_equal(g_log, "r!ECANCELED");
    assert_int_equal(try_recv_u64(&ch), 1);
}

/* A combinator that drops a send or a receive it has not polled yet polls
 * it once with a canceled context: nothing is sent or taken. */
static void dropped_before_first_poll_sends_and_takes_nothing(void **state)
{
    vloop *v = *state;
    pawl_channel ch;
    uint64_t buf[2];
    assert_int_equal(pawl_channel_init(&ch, buf, sizeof buf[0], 2), 0);
    pawl_task task;
    assert_int_equal(pawl_task_init(&task, sender_poll), 0);
    pawl_cx cx = {&v->loop, &task, 0, PAWL__CX_CANCEL};
    pawl_waiter w = {0};
    uint64_t item = 1;
    assert_int_equal(pawl_channel_send(&ch, &w, &cx, &item), PAWL_ECANCELED);
    assert_int_equal(pawl_channel_len(&ch), 0);
    assert_int_equal(w.pawl__state, PAWL__W_IDLE);
    try_send_u64(&ch, 2, 0);
    uint64_t out = 0;
    assert_int_equal(pawl_channel_recv(&ch, &cx, &out), PAWL_ECANCELED);
    assert_int_equal(out, 0);
    assert_int_equal(pawl_channel_len(&ch), 1);
    assert_null(ch.pawl__rtask);
    /* Closed, a dropped send still reports the cancellation. */
    assert_int_equal(pawl_channel_close(&ch), 0);
    assert_int_equal(pawl_channel_send(&ch, &w, &cx, &item), PAWL_ECANCELED);
    assert_int_equal(try_recv_u64(&ch), 2);
}

/* ---- sizes and the ring ---------------------------------------------------- */

/* n items of `size` bytes, each starting with its id (1..n) as far as it
 * fits, the rest a pattern, through a channel of `capacity` by tasks:
 * everything arrives, byte for byte, in order. */
static void pass_items(vloop *v, size_t size, size_t capacity, int n)
{
    unsigned char ring[8 * 24];
    unsigned char items[16 * 24];
    unsigned char out[16 * 24];
    assert_true(size * capacity <= sizeof ring && size * (size_t)n <= sizeof items);
    for (int i = 0; i < n; i++) {
        unsigned char *it = items + (size_t)i * size;
        for (size_t k = 0; k < size; k++)
            it[k] = (unsigned char)(0xa0 + 7 * i + (int)k);
        uint64_t id = (uint64_t)i + 1;
        memcpy(it, &id, size < sizeof id ? size : sizeof id);
    }
    memset(out, 0, sizeof out);
    pawl_channel ch;
    assert_int_equal(pawl_channel_init(&ch, ring, size, capacity), 0);
    sender s;
    receiver r;
    sender_init(&s, "s", &ch, items, size, n);
    receiver_init(&r, "r", &ch, out, size, n, n);
    assert_int_equal(pawl_task_spawn(&v->loop, &s.task), 0);
    assert_int_equal(pawl_task_spawn(&v->loop, &r.task), 0);
    run_all(v);
    assert_int_equal(s.sent, n);
    assert_int_equal(r.got, n);
    assert_memory_equal(out, items, size * (size_t)n);
    assert_int_equal(pawl_channel_len(&ch), 0);
}

static void one_byte_items_pass_intact(void **state)
{
    /* Capacity 3, 7 items: the fourth waits in the sender queue and is
     * moved in by the first receive; the ring wraps twice. */
    pass_items(*state, 1, 3, 7);
    assert_string_equal(g_log, "s+1 s+2 s+3 r<1 r<2 r<3 r<4 s+4 s+5 s+6 s+7 r<5 r<6 r<7");
}

static void eight_byte_items_pass_intact(void **state)
{
    pass_items(*state, 8, 3, 7);
    assert_string_equal(g_log, "s+1 s+2 s+3 r<1 r<2 r<3 r<4 s+4 s+5 s+6 s+7 r<5 r<6 r<7");
}

static void twenty_four_byte_items_pass_intact(void **state)
{
    pass_items(*state, 24, 3, 7);
    assert_string_equal(g_log, "s+1 s+2 s+3 r<1 r<2 r<3 r<4 s+4 s+5 s+6 s+7 r<5 r<6 r<7");
}

static void odd_sized_items_pass_intact(void **state)
{
    /* Sizes the fast paths do not special-case, around theirs. */
    static const size_t sizes[] = {2, 3, 4, 5, 7, 9, 16, 17};
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        g_log[0] = '\0';
        pass_items(*state, sizes[k], 2, 5);
    }
}

static void capacity_one_passes_items_one_at_a_time(void **state)
{
    pass_items(*state, 8, 1, 4);
    /* The receiver takes 1, which moves 2 in; takes 2 (s has not yet run
     * to send 3); then waits each time. */
    assert_string_equal(g_log, "s+1 r<1 r<2 s+2 s+3 r<3 r<4 s+4");
}

static void ring_wraps_around_many_times_in_order(void **state)
{
    vloop *v = *state;
    pawl_channel ch;
    /* Guards on both sides catch a slot index that runs off the ring. */
    struct {
        uint64_t before, buf[3], after;
    } g = {0x5a5a, {0}, 0xa5a5};
    assert_int_equal(pawl_channel_init(&ch, g.buf, sizeof g.buf[0], 3), 0);
    /* By hand: every starting position of head, partial fills. */
    uint64_t next_in = 0, next_out = 0;
    for (int round = 0; round < 12; round++) {
        int fill = 1 + round % 3;
        for (int k = 0; k < fill; k++)
            try_send_u64(&ch, next_in++, 0);
        assert_int_equal(pawl_channel_len(&ch), (size_t)fill);
        if (fill == 3)
            try_send_u64(&ch, 1000, PAWL_EAGAIN);
        for (int k = 0; k < fill; k++)
            assert_int_equal(try_recv_u64(&ch), next_out++);
        assert_int_equal(g.after, 0xa5a5);
    }
    /* By tasks: 200 items through the 3-slot ring. */
    static uint64_t items[200], out[200];
    for (int i = 0; i < 200; i++)
        items[i] = 1000u + (uint64_t)i;
    memset(out, 0, sizeof out);
    sender s;
    receiver r;
    sender_spawn(v, &s, "s", &ch, items, 200);
    receiver_spawn(v, &r, "r", &ch, out, 200, 200);
    run_all(v);
    assert_memory_equal(out, items, sizeof items);
    assert_int_equal(g.before, 0x5a5a);
    assert_int_equal(g.after, 0xa5a5);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, env_setup, vloop_delete)
    const struct CMUnitTest tests[] = {
        T(channel_rejects_bad_input),
        T(zeroed_channel_reports_euninit),
        T(channel_items_come_out_in_fifo_order),
        T(full_channel_makes_sender_wait_until_a_receive),
        T(queued_senders_are_served_in_order_without_barging),
        T(waiting_receiver_wakes_on_send),
        T(close_lets_receiver_drain_then_reports_eof),
        T(close_wakes_waiting_receiver_with_eof),
        T(close_wakes_queued_senders_and_drops_their_items),
        T(send_after_close_reports_eclosed),
        T(sender_closed_then_canceled_reports_eclosed),
        T(second_receiver_gets_ebusy),
        T(sender_canceled_in_queue_leaves_it_and_others_deliver),
        T(sender_canceled_after_being_served_still_delivers),
        T(send_served_as_its_timeout_fires_reports_sent),
        T(send_timed_out_in_queue_leaves_it),
        T(receiver_canceled_while_waiting_then_new_receiver_gets_all),
        T(receiver_timed_out_releases_the_receive_side),
        T(receiver_canceled_with_items_ready_takes_none),
        T(dropped_before_first_poll_sends_and_takes_nothing),
        T(one_byte_items_pass_intact),
        T(eight_byte_items_pass_intact),
        T(twenty_four_byte_items_pass_intact),
        T(odd_sized_items_pass_intact),
        T(capacity_one_passes_items_one_at_a_time),
        T(ring_wraps_around_many_times_in_order),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
