/*
 * examples/pipeline/pipeline.c -- three tasks joined by two bounded
 * channels, and what backpressure looks like.
 *
 *     producer --[ch1: 2 items]--> middle --[ch2: 2 items]--> consumer
 *       fast                     10 ms per item                 fast
 *
 * The producer could make all its items at once, but ch1 holds two.  When
 * it is full the producer's send waits, and it waits until the middle
 * stage's receive makes room: that receive moves the waiting item into the
 * channel and wakes the producer.  So the producer is never more than
 * three items ahead of the one the middle stage works on (two in the
 * channel, one waiting to go in), whatever the speeds: a slow stage slows
 * everything upstream of it, and nothing piles up in memory.  The middle stage sleeps 10 ms per
 * item on a virtual clock, so the times printed are the same at every run.
 *
 * When the producer is done it closes ch1.  The middle stage still
 * receives the items left in it, then PAWL_EOF; it closes ch2 in turn, and
 * the consumer sees the end of the stream the same way.
 *
 * Every line is printed by the task named at its start, at the loop time
 * shown in front of it.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "pawl/pawl.h"

#define ITEMS 8       /* items the producer makes */
#define CAPACITY 2    /* items each channel holds */
#define WORK_MS 10    /* the middle stage's time per item */

/* What travels through the channels: copied in by a send, out by a
 * receive, so a plain struct of values. */
typedef struct item {
    int seq;   /* 1, 2, 3, ... in the order produced */
    int value; /* the producer's number, then the middle stage's result */
} item;

/* ---- output and error checking ------------------------------------------ */

static pawl_loop *g_loop; /* for the time stamps only */

static void say(const char *who, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    printf("%3llu ms  %-9s", (unsigned long long)pawl_loop_now(g_loop), who);
    vprintf(fmt, ap);
    putchar('\n');
    va_end(ap);
}

/* Every fallible pawl call returns 0 (or a count) or a negative error
 * code: print its name and stop. */
static void fail(const char *what, int rc)
{
    fflush(stdout);
    fprintf(stderr, "pipeline: %s: %s (%s)\n", what, pawl_err_name(rc), pawl_strerror(rc));
    exit(EXIT_FAILURE);
}

static int check(int rc, const char *what)
{
    if (rc < 0)
        fail(what, rc);
    return rc;
}
#define CHECK(call) check((call), #call)

/* ---- the producer: fast, blocked by a full channel ---------------------- */

typedef struct producer {
    pawl_task task;
    pawl_channel *out;
    pawl_waiter send;  /* state of the send that waits: a field */
    item next;         /* the item being sent; stays valid while it waits */
    uint64_t since;    /* when the current wait began */
    int waits;         /* how many sends had to wait */
    size_t most;       /* the most items seen in ch1 after a send */
} producer;

static pawl_poll producer_poll(pawl_task *t, pawl_cx *cx)
{
    producer *p = PAWL_CONTAINER_OF(t, producer, task);
    int rc;
    PAWL_BEGIN(cx);
    for (p->next.seq = 1; p->next.seq <= ITEMS; p->next.seq++) {
        p->next.value = p->next.seq;
        /* A send that has room completes at once, without waiting; try
         * first only to be able to say which sends had to wait. */
        rc = pawl_channel_try_send(p->out, &p->next);
        if (rc == 0) {
            if (pawl_channel_len(p->out) > p->most)
                p->most = pawl_channel_len(p->out);
            say("producer", "sent #%d (ch1: %zu of %d)", p->next.seq,
                pawl_channel_len(p->out), CAPACITY);
            continue;
        }
        if (rc != PAWL_EAGAIN)
            fail("pawl_channel_try_send", rc);
        say("producer", "ch1 full, waiting to send #%d", p->next.seq);
        p->waits++;
        p->since = pawl_loop_now(cx->loop);
        PAWL_AWAIT(cx, rc, pawl_channel_send(p->out, &p->send, cx, &p->next));
        check(rc, "pawl_channel_send");
        if (pawl_channel_len(p->out) > p->most)
            p->most = pawl_channel_len(p->out);
        say("producer", "sent #%d after %llu ms (ch1: %zu of %d)", p->next.seq,
            (unsigned long long)(pawl_loop_now(cx->loop) - p->since),
            pawl_channel_len(p->out), CAPACITY);
    }
    CHECK(pawl_channel_close(p->out));
    say("producer", "done: closed ch1 with %zu items still in it", pawl_channel_len(p->out));
    PAWL_END(cx);
}

/* ---- the middle stage: slow --------------------------------------------- */

typedef struct middle {
    pawl_task task;
    pawl_channel *in, *out;
    pawl_waiter send;
    pawl_sleep work;  /* the 10 ms of "work" per item */
    item it;          /* received into, worked on, sent from */
} middle;

static pawl_poll middle_poll(pawl_task *t, pawl_cx *cx)
{
    middle *m = PAWL_CONTAINER_OF(t, middle, task);
    int rc;
    PAWL_BEGIN(cx);
    for (;;) {
        PAWL_AWAIT(cx, rc, pawl_channel_recv(m->in, cx, &m->it));
        if (rc == PAWL_EOF)
            break;
        check(rc, "pawl_channel_recv");
        /* If the producer was waiting, this receive moved its item into
         * the slot it freed: ch1 is as full as before. */
        say("middle", "got #%d (ch1: %zu of %d), working %d ms", m->it.seq,
            pawl_channel_len(m->in), CAPACITY, WORK_MS);
        PAWL_AWAIT(cx, rc, pawl_sleep_ms(&m->work, cx, WORK_MS));
        check(rc, "pawl_sleep_ms");
        m->it.value *= m->it.value;
        PAWL_AWAIT(cx, rc, pawl_channel_send(m->out, &m->send, cx, &m->it));
        check(rc, "pawl_channel_send");
        say("middle", "sent #%d on (ch2: %zu of %d)", m->it.seq,
            pawl_channel_len(m->out), CAPACITY);
    }
    say("middle", "ch1 ended (PAWL_EOF): closing ch2");
    CHECK(pawl_channel_close(m->out));
    PAWL_END(cx);
}

/* ---- the consumer ------------------------------------------------------- */

typedef struct consumer {
    pawl_task task;
    pawl_channel *in;
    item it;
    int received;
    int in_order;  /* 1 while every item came in the order produced */
    int total;     /* sum of the values */
} consumer;

static pawl_poll consumer_poll(pawl_task *t, pawl_cx *cx)
{
    consumer *c = PAWL_CONTAINER_OF(t, consumer, task);
    int rc;
    PAWL_BEGIN(cx);
    c->in_order = 1;
    for (;;) {
        PAWL_AWAIT(cx, rc, pawl_channel_recv(c->in, cx, &c->it));
        if (rc == PAWL_EOF)
            break;
        check(rc, "pawl_channel_recv");
        c->received++;
        if (c->it.seq != c->received)
            c->in_order = 0;
        c->total += c->it.value;
        say("consumer", "got #%d = %d", c->it.seq, c->it.value);
    }
    say("consumer", "ch2 ended (PAWL_EOF) after %d items", c->received);
    PAWL_END(cx);
}

/* ---- main ---------------------------------------------------------------- */

int main(void)
{
    /* A virtual clock: time moves only when every task waits, straight to
     * the next deadline, so the 10 ms sleeps take no real time and the
     * transcript is the same at every run. */
    pawl_vclock vc;
    pawl_loop loop;
    CHECK(pawl_vclock_init(&vc, 0));
    CHECK(pawl_loop_init(&loop, &(pawl_loop_opts){.platform = &vc.base}));
    g_loop = &loop;

    /* The channels' buffers are ours, like everything else here. */
    static item buf1[CAPACITY], buf2[CAPACITY];
    pawl_channel ch1, ch2;
    CHECK(pawl_channel_init(&ch1, buf1, sizeof(item), CAPACITY));
    CHECK(pawl_channel_init(&ch2, buf2, sizeof(item), CAPACITY));

    producer p = {.out = &ch1};
    middle m = {.in = &ch1, .out = &ch2};
    consumer c = {.in = &ch2};
    CHECK(pawl_task_init(&p.task, producer_poll));
    CHECK(pawl_task_init(&m.task, middle_poll));
    CHECK(pawl_task_init(&c.task, consumer_poll));

    printf("pipeline: producer -> ch1 (%d items) -> middle (%d ms per item) -> ch2 (%d items)"
           " -> consumer\n",
           CAPACITY, WORK_MS, CAPACITY);
    printf("pipeline: a send that finds its channel full waits; the receive that frees a slot"
           " moves the\n          waiting item in and wakes the sender\n\n");
    CHECK(pawl_task_spawn(&loop, &p.task));
    CHECK(pawl_task_spawn(&loop, &m.task));
    CHECK(pawl_task_spawn(&loop, &c.task));
    CHECK(pawl_loop_run(&loop, PAWL_RUN_DEFAULT));

    uint64_t elapsed = pawl_loop_now(&loop);
    printf("\nsummary: %d of %d items arrived, %s; sum of squares %d\n", c.received, ITEMS,
           c.in_order ? "in order" : "OUT OF ORDER", c.total);
    printf("summary: %llu ms of loop time for %d items at %d ms each: the slow stage sets the"
           " pace\n",
           (unsigned long long)elapsed, ITEMS, WORK_MS);
    printf("summary: the producer waited for room %d times; ch1 held at most %zu items\n",
           p.waits, p.most);
    CHECK(pawl_loop_close(&loop));
    return c.received == ITEMS && c.in_order ? EXIT_SUCCESS : EXIT_FAILURE;
}
