/*
 * src/reactor_uring.c -- the io_uring reactor (liburing): readiness from
 * poll requests, at most one system call per loop iteration.
 *
 * REQUESTS
 * ========
 *
 * Each open handle owns a slot in a table (io->pawl__slot is its index;
 * slot 0 is the platform's notification descriptor).  A slot has at most
 * one poll request in the kernel, IORING_OP_POLL_ADD for `armed` (POLLIN
 * and/or POLLOUT, plus POLLRDHUP; the kernel adds POLLERR and POLLHUP by
 * itself).  The request is multishot (IORING_POLL_ADD_MULTI) where the
 * kernel has it: it stays armed and posts a completion each time the
 * descriptor's wait queue is woken with one of its events.  Otherwise it
 * is one-shot, and re-armed after each completion.  Either way a new
 * request first reports the descriptor's current state, so arming one is
 * as good as a poll(2) of that moment: nothing that happened before is
 * lost.  A request is withdrawn with IORING_OP_ASYNC_CANCEL (POLL_REMOVE
 * on kernels without it; see disarm).
 *
 * A request's user_data is (generation << 32 | slot).  The slot's
 * generation changes whenever its request is replaced or its handle
 * removed, so a completion of an old request -- the -ECANCELED of a
 * removal, or an event posted before the removal was seen -- names a
 * generation that is no longer the slot's and is dropped without touching
 * any handle: the completion of a removed request never reaches freed
 * memory.  user_data 0 (slot 0, generation 0, which the notification's
 * request never has) marks the cancellations, whose completions mean
 * nothing.
 *
 * WHAT IS ASKED
 * =============
 *
 * The handle's interest (src/io.c: what a waiter or the watch wants and
 * the cache does not have) decides, with reactor_poll.c's parking rule: a
 * handle with no interest is still watched for HUP and ERR, until one of
 * them is cached.  A request is replaced (a cancellation and a POLL_ADD)
 * when the interest grows beyond it.  One that covers the interest is kept
 * even if it asks for more: the interest shrinks each time an event is
 * cached and grows again when the reader sees EAGAIN, and keeping the
 * request then costs nothing, where replacing it would cost two SQEs
 * twice per message.  Nothing is lost by this: the request was armed
 * before the EAGAIN, so whatever arrives after it wakes the request.  An
 * event outside the interest can then be reported; it is true readiness,
 * is cached like any other, and makes the slot trim its request to the
 * exact interest, so that an idle descriptor stops waking the loop.
 * (A multishot request reports on wake-ups, not for as long as the
 * descriptor is ready, so a cached-ready descriptor does not wake every
 * wait the way it would with poll(2).)
 *
 * BATCHING
 * ========
 *
 * add and update only mark the slot dirty (a list); wait turns the dirty
 * slots into SQEs (several changes of one slot in an iteration cost
 * nothing more), submits them and waits in one io_uring_enter
 * (io_uring_submit_and_wait_timeout), then reaps the completion ring in
 * user space.  No enter at all when nothing is to be submitted and
 * completions are already there, or for wait(0) when the kernel holds no
 * pending work.  remove is the exception: it submits its cancellation at
 * once, because the request holds a reference to the file, and a
 * descriptor the caller closes next must really close now (the peer sees
 * the FIN, the port is free), as with epoll -- one system call per
 * removal, like epoll_ctl(EPOLL_CTL_DEL).
 *
 * The tables grow by doubling through the loop's allocator: slots, and a
 * map from descriptor to slot that tells PAWL_EALREADY in O(1).
 */
#define _GNU_SOURCE /* POLLRDHUP; cpu_set_t in liburing.h */

#include <errno.h>
#include <liburing.h>
#include <poll.h>
#include <stdbool.h>
#include <string.h>

#include "internal.h"
#include "reactor.h"
#include "sys.h"

#define SQ_ENTRIES 256u                /* SQEs per submission before a flush */
#define CQ_ENTRIES (4u * SQ_ENTRIES)   /* completions reaped per wait */
#define FIRST_SLOTS 64u                /* the table's first size */
#define NONE UINT32_MAX                /* end of a slot list */
#define PROBE_OPS 256u                 /* opcodes a probe can describe */
#define REAP_ROUNDS 4                  /* CQ overflow flushes per wait */

/* uring_slot.flags */
enum {
    S_LIVE = 1u << 0,   /* a request (queued or in the kernel) for `armed` */
    S_MULTI = 1u << 1,  /* ... and it is multishot */
    S_DIRTY = 1u << 2,  /* on the dirty list: look at it before submitting */
    S_EXACT = 1u << 3,  /* it reported events nobody wanted: trim it */
    S_FAILED = 1u << 4, /* its request failed: re-arm only on an update */
    S_ZOMBIE = 1u << 5  /* removed, but its request is still to be
                           cancelled: free once that is queued */
};

typedef struct uring_slot {
    pawl_io *io;          /* NULL: free or S_ZOMBIE (slot 0: the
                             notification) */
    uint32_t gen;         /* generation of the current request, never 0 */
    uint32_t next_dirty;  /* the dirty list while S_DIRTY */
    uint32_t next_free;   /* the free list while free */
    uint8_t armed;        /* PAWL_IO_READABLE / WRITABLE asked, if S_LIVE */
    uint8_t flags;        /* S_* */
} uring_slot;

typedef struct uring_state {
    struct io_uring ring;
    uring_slot *slots;    /* [0]: the notification descriptor */
    uint32_t nslots;      /* slots in use or on the free list */
    uint32_t cap;
    uint32_t free_head;   /* free slots, NONE-terminated */
    uint32_t dirty_head;  /* dirty slots, NONE-terminated */
    uint32_t *fdmap;      /* fd -> slot, 0 if the descriptor is not open */
    uint32_t fdcap;
    int notify_fd;        /* -1 if none */
    bool multishot;       /* the kernel takes IORING_POLL_ADD_MULTI */
    bool skip_success;    /* ... and IOSQE_CQE_SKIP_SUCCESS */
    bool async_cancel;    /* ... and IORING_OP_ASYNC_CANCEL */
} uring_state;

/* ---- internal view, for the tests ---------------------------------------- */

/* Whether the loop's io_uring reactor uses multishot poll requests: 1 or
 * 0, -1 if the loop does not run this backend.  For tests only (declare it
 * yourself). */
int pawl__reactor_uring_multishot(const pawl_loop *loop);

int pawl__reactor_uring_multishot(const pawl_loop *loop)
{
    if (loop == NULL || loop->pawl__io.ops != &pawl__reactor_uring)
        return -1;
    const uring_state *s = loop->pawl__io.state;
    return s->multishot ? 1 : 0;
}

/* ---- slots ------------------------------------------------------------------ */

static uint64_t user_data(const uring_state *s, uint32_t i)
{
    return (uint64_t)s->slots[i].gen << 32 | i;
}

static void next_gen(uring_slot *sl)
{
    if (++sl->gen == 0)
        sl->gen = 1;
}

static void mark_dirty(uring_state *s, uint32_t i)
{
    uring_slot *sl = &s->slots[i];
    if (sl->flags & S_DIRTY)
        return;
    sl->flags |= S_DIRTY;
    sl->next_dirty = s->dirty_head;
    s->dirty_head = i;
}

static int grow_slots(pawl_loop *loop, uring_state *s)
{
    uint32_t cap = s->cap != 0 ? s->cap * 2 : FIRST_SLOTS;
    if (cap <= s->cap)
        return PAWL_ENOMEM;
    uring_slot *slots = pawl__alloc(loop, (size_t)cap * sizeof *slots);
    if (slots == NULL)
        return PAWL_ENOMEM;
    if (s->nslots != 0)
        memcpy(slots, s->slots, (size_t)s->nslots * sizeof *slots);
    pawl__free(loop, s->slots, (size_t)s->cap * sizeof *s->slots);
    s->slots = slots;
    s->cap = cap;
    return 0;
}

/* Make fdmap cover `fd`. */
static int grow_fdmap(pawl_loop *loop, uring_state *s, int fd)
{
    if ((uint32_t)fd < s->fdcap)
        return 0;
    uint32_t cap = s->fdcap != 0 ? s->fdcap : 64;
    while (cap <= (uint32_t)fd) {
        if (cap > UINT32_MAX / 2)
            return PAWL_ENOMEM;
        cap *= 2;
    }
    uint32_t *map = pawl__alloc(loop, (size_t)cap * sizeof *map);
    if (map == NULL)
        return PAWL_ENOMEM;
    memset(map, 0, (size_t)cap * sizeof *map);
    if (s->fdcap != 0)
        memcpy(map, s->fdmap, (size_t)s->fdcap * sizeof *map);
    pawl__free(loop, s->fdmap, (size_t)s->fdcap * sizeof *s->fdmap);
    s->fdmap = map;
    s->fdcap = cap;
    return 0;
}

/* ---- SQEs --------------------------------------------------------------------- */

/* A free SQE, submitting what is queued first if the ring is full. */
static int get_sqe(uring_state *s, struct io_uring_sqe **out)
{
    struct io_uring_sqe *sqe = io_uring_get_sqe(&s->ring);
    if (sqe == NULL) {
        int rc = pawl__sys->uring_submit(&s->ring);
        if (rc < 0)
            return rc;
        sqe = io_uring_get_sqe(&s->ring);
        if (sqe == NULL)
            return PAWL_EAGAIN;
    }
    *out = sqe;
    return 0;
}

static unsigned to_poll(unsigned armed)
{
    unsigned m = POLLRDHUP;
    if (armed & PAWL_IO_READABLE)
        m |= POLLIN;
    if (armed & PAWL_IO_WRITABLE)
        m |= POLLOUT;
    return m;
}

/* Queue the cancellation of slot i's request; its completions are stale
 * from here on. */
static int disarm(uring_state *s, uint32_t i)
{
    uring_slot *sl = &s->slots[i];
    struct io_uring_sqe *sqe;
    int rc = get_sqe(s, &sqe);
    if (rc != 0)
        return rc;
    /* ASYNC_CANCEL, not POLL_REMOVE: a POLL_REMOVE that meets the request
     * while a wake-up of it is being handled fails with EALREADY and
     * leaves it armed, holding its file; a cancellation always lands. */
    if (s->async_cancel)
        io_uring_prep_cancel64(sqe, user_data(s, i), 0);
    else
        io_uring_prep_poll_remove(sqe, user_data(s, i));
    io_uring_sqe_set_data64(sqe, 0);
    if (s->skip_success)
        io_uring_sqe_set_flags(sqe, IOSQE_CQE_SKIP_SUCCESS);
    next_gen(sl);
    sl->flags &= (uint8_t) ~(S_LIVE | S_MULTI);
    sl->armed = 0;
    return 0;
}

/* Queue a request for `armed` on slot i's descriptor. */
static int arm(uring_state *s, uint32_t i, int fd, unsigned armed)
{
    uring_slot *sl = &s->slots[i];
    struct io_uring_sqe *sqe;
    int rc = get_sqe(s, &sqe);
    if (rc != 0)
        return rc;
    next_gen(sl);
    if (s->multishot)
        io_uring_prep_poll_multishot(sqe, fd, i == 0 ? POLLIN : to_poll(armed));
    else
        io_uring_prep_poll_add(sqe, fd, i == 0 ? POLLIN : to_poll(armed));
    io_uring_sqe_set_data64(sqe, user_data(s, i));
    sl->flags = (uint8_t)((sl->flags & ~S_FAILED) | S_LIVE | (s->multishot ? S_MULTI : 0));
    sl->armed = (uint8_t)armed;
    return 0;
}

/* Put slot i on the free list; completions of its requests are stale
 * from here on. */
static void free_slot(uring_state *s, uint32_t i)
{
    uring_slot *sl = &s->slots[i];
    next_gen(sl);
    sl->io = NULL;
    sl->armed = 0;
    sl->flags &= S_DIRTY; /* it may still be on the dirty list */
    sl->next_free = s->free_head;
    s->free_head = i;
}

/* Bring slot i's request in line with what is wanted (see the top of the
 * file). */
static int settle(uring_state *s, uint32_t i)
{
    uring_slot *sl = &s->slots[i];
    if (i == 0) /* the notification: always armed */
        return (sl->flags & S_LIVE) ? 0 : arm(s, 0, s->notify_fd, PAWL_IO_READABLE);
    pawl_io *io = sl->io;
    if (io == NULL) {
        if (!(sl->flags & S_ZOMBIE))
            return 0; /* freed while it was on the dirty list */
        if (sl->flags & S_LIVE) {
            int rc = disarm(s, i);
            if (rc != 0)
                return rc;
        }
        free_slot(s, i);
        return 0;
    }
    unsigned want = io->pawl__interest & (PAWL_IO_READABLE | PAWL_IO_WRITABLE);
    bool park = want == 0 && (io->pawl__ready & (PAWL_IO_HUP | PAWL_IO_ERROR));
    bool exact = (sl->flags & S_EXACT) != 0;
    sl->flags &= (uint8_t)~S_EXACT;
    if (sl->flags & S_LIVE) {
        if (!(want & ~sl->armed) && !(exact && want != sl->armed))
            return 0; /* it covers the interest */
        int rc = disarm(s, i);
        if (rc != 0) {
            sl->flags |= exact ? S_EXACT : 0; /* for the next try */
            return rc;
        }
    }
    if (park || (sl->flags & S_FAILED))
        return 0;
    return arm(s, i, io->pawl__fd, want);
}

/* Turn the dirty list into SQEs. */
static int flush(uring_state *s)
{
    while (s->dirty_head != NONE) {
        uint32_t i = s->dirty_head;
        uring_slot *sl = &s->slots[i];
        s->dirty_head = sl->next_dirty;
        sl->flags &= (uint8_t)~S_DIRTY;
        int rc = settle(s, i);
        if (rc != 0) {
            mark_dirty(s, i); /* try again at the next wait */
            return rc;
        }
    }
    return 0;
}

/* ---- the interface -------------------------------------------------------------- */

static int ur_setup(uring_state *s)
{
    /* The newest flags first; a kernel that does not know one says
     * EINVAL.  COOP_TASKRUN spares an interrupt per completion (the loop
     * enters the kernel every iteration anyway); TASKRUN_FLAG then tells a
     * non-blocking wait when it must enter to see completions. */
    static const unsigned flag_sets[] = {
        IORING_SETUP_CQSIZE | IORING_SETUP_SUBMIT_ALL | IORING_SETUP_COOP_TASKRUN |
            IORING_SETUP_TASKRUN_FLAG,
        IORING_SETUP_CQSIZE,
        0,
    };
    int rc = PAWL_EINVAL;
    for (size_t k = 0; k < sizeof flag_sets / sizeof flag_sets[0]; k++) {
        struct io_uring_params p;
        memset(&p, 0, sizeof p);
        p.flags = flag_sets[k];
        p.cq_entries = CQ_ENTRIES;
        rc = pawl__sys->uring_queue_init(SQ_ENTRIES, &s->ring, &p);
        if (rc != -EINVAL)
            break;
    }
    return rc;
}

/* What the kernel can do.  POLL_ADD and POLL_REMOVE are required (the
 * probe itself came with 5.6, after both: a kernel that cannot answer has
 * them); ASYNC_CANCEL (5.5) is used where the probe shows it.  Multishot
 * poll requests are a flag, not an opcode, so the probe cannot tell them:
 * they came in 5.13 with IORING_FEAT_RSRC_TAGS, which is the sign taken,
 * and a kernel that still refuses them answers EINVAL to the first one
 * (see complete), which turns them off. */
static int ur_probe(pawl_loop *loop, uring_state *s)
{
    size_t size = sizeof(struct io_uring_probe) + PROBE_OPS * sizeof(struct io_uring_probe_op);
    struct io_uring_probe *probe = pawl__alloc(loop, size);
    if (probe == NULL)
        return PAWL_ENOMEM;
    memset(probe, 0, size);
    int rc = pawl__sys->uring_register_probe(&s->ring, probe, PROBE_OPS);
    bool have_poll = rc < 0 || (io_uring_opcode_supported(probe, IORING_OP_POLL_ADD) &&
                                io_uring_opcode_supported(probe, IORING_OP_POLL_REMOVE));
    s->async_cancel = rc == 0 && io_uring_opcode_supported(probe, IORING_OP_ASYNC_CANCEL);
    pawl__free(loop, probe, size);
    if (!have_poll)
        return PAWL_ENOSYS;
    s->multishot = rc == 0 && (s->ring.features & IORING_FEAT_RSRC_TAGS) != 0;
    s->skip_success = (s->ring.features & IORING_FEAT_CQE_SKIP) != 0;
    return 0;
}

static int ur_init(pawl_loop *loop, int notify_fd)
{
    uring_state *s = pawl__alloc(loop, sizeof *s);
    if (s == NULL)
        return PAWL_ENOMEM;
    memset(s, 0, sizeof *s);
    s->free_head = NONE;
    s->dirty_head = NONE;
    s->notify_fd = notify_fd;
    int rc = grow_slots(loop, s);
    if (rc != 0) {
        pawl__free(loop, s, sizeof *s);
        return rc;
    }
    rc = ur_setup(s);
    if (rc < 0) {
        pawl__free(loop, s->slots, (size_t)s->cap * sizeof *s->slots);
        pawl__free(loop, s, sizeof *s);
        return rc;
    }
    rc = ur_probe(loop, s);
    if (rc != 0) {
        pawl__sys->uring_queue_exit(&s->ring);
        pawl__free(loop, s->slots, (size_t)s->cap * sizeof *s->slots);
        pawl__free(loop, s, sizeof *s);
        return rc;
    }
    s->slots[0] = (uring_slot){NULL, 1, NONE, NONE, 0, 0};
    s->nslots = 1;
    if (notify_fd >= 0)
        mark_dirty(s, 0); /* armed with the first wait's submission */
    loop->pawl__io.state = s;
    return 0;
}

static void ur_close(pawl_loop *loop)
{
    uring_state *s = loop->pawl__io.state;
    /* Closing the ring cancels every request and drops their files. */
    pawl__sys->uring_queue_exit(&s->ring);
    pawl__free(loop, s->fdmap, (size_t)s->fdcap * sizeof *s->fdmap);
    pawl__free(loop, s->slots, (size_t)s->cap * sizeof *s->slots);
    pawl__free(loop, s, sizeof *s);
}

static int ur_add(pawl_loop *loop, pawl_io *io)
{
    uring_state *s = loop->pawl__io.state;
    int fd = io->pawl__fd;
    if ((uint32_t)fd < s->fdcap && s->fdmap[fd] != 0)
        return PAWL_EALREADY;
    int rc = grow_fdmap(loop, s, fd);
    if (rc != 0)
        return rc;
    uint32_t i = s->free_head;
    if (i != NONE) {
        s->free_head = s->slots[i].next_free;
    } else {
        if (s->nslots == s->cap && (rc = grow_slots(loop, s)) != 0)
            return rc;
        i = s->nslots++;
        s->slots[i] = (uring_slot){NULL, 1, NONE, NONE, 0, 0};
    }
    uring_slot *sl = &s->slots[i];
    sl->io = io;
    sl->armed = 0;
    sl->flags &= S_DIRTY; /* a freed slot may still be on the dirty list */
    next_gen(sl);
    s->fdmap[fd] = i;
    io->pawl__slot = i;
    mark_dirty(s, i); /* armed with the next wait's submission */
    return 0;
}

static int ur_update(pawl_loop *loop, pawl_io *io)
{
    uring_state *s = loop->pawl__io.state;
    uint32_t i = io->pawl__slot;
    s->slots[i].flags &= (uint8_t)~S_FAILED; /* worth another try */
    mark_dirty(s, i);
    return 0;
}

static void ur_remove(pawl_loop *loop, pawl_io *io)
{
    uring_state *s = loop->pawl__io.state;
    uint32_t i = io->pawl__slot;
    uring_slot *sl = &s->slots[i];
    s->fdmap[io->pawl__fd] = 0;
    if (sl->flags & S_LIVE) {
        if (disarm(s, i) != 0) {
            /* No room to queue the cancellation: the slot forgets the
             * handle now (its completions are dropped) and is freed once
             * the next wait has queued it. */
            sl->io = NULL;
            sl->flags |= S_ZOMBIE;
            mark_dirty(s, i);
            return;
        }
        /* Now, not at the next wait: the request holds the file (see the
         * top of the file).  If this fails, the cancellation stays queued
         * for the next wait; the generation keeps its completions away
         * from the handle either way. */
        (void)pawl__sys->uring_submit(&s->ring);
    }
    free_slot(s, i);
}

static unsigned to_pawl(int res)
{
    unsigned ev = 0;
    if (res & POLLIN)
        ev |= PAWL_IO_READABLE;
    if (res & POLLOUT)
        ev |= PAWL_IO_WRITABLE;
    if (res & (POLLHUP | POLLRDHUP))
        ev |= PAWL_IO_HUP;
    if (res & (POLLERR | POLLNVAL))
        ev |= PAWL_IO_ERROR;
    return ev;
}

/* One completion.  Returns 1 if a handle was reported, 0 if not, or a
 * negative error of the notification's request. */
static int complete(pawl_loop *loop, uring_state *s, uint64_t ud, int res, unsigned cflags)
{
    uint32_t i = (uint32_t)ud;
    uint32_t gen = (uint32_t)(ud >> 32);
    if (ud == 0 || i >= s->nslots || s->slots[i].gen != gen)
        return 0; /* a removal's, or a request replaced since */
    uring_slot *sl = &s->slots[i];
    if (i != 0 && sl->io == NULL) {
        /* A zombie's (see ur_remove): its end spares the cancellation. */
        if ((sl->flags & S_ZOMBIE) && !(cflags & IORING_CQE_F_MORE))
            sl->flags &= (uint8_t)~S_LIVE;
        return 0;
    }
    bool multi = (sl->flags & S_MULTI) != 0;
    if (!(cflags & IORING_CQE_F_MORE)) {
        /* The request is over: re-armed at the next submission if it is
         * still wanted. */
        sl->flags &= (uint8_t) ~(S_LIVE | S_MULTI);
        sl->armed = 0;
        if (res >= 0 || res == -ECANCELED || (res == -EINVAL && multi))
            mark_dirty(s, i);
    }
    if (res < 0) {
        if (res == -EINVAL && multi) {
            s->multishot = false; /* the kernel refuses them after all */
            return 0;
        }
        if (res == -ECANCELED)
            return 0;
        if (i == 0) {
            mark_dirty(s, 0);
            return res;
        }
        /* The descriptor cannot be polled (it was closed behind our back,
         * or the kernel is short of memory): say so, and do not ask again
         * until the interest changes, or every wait would fail the same
         * way. */
        sl->flags |= S_FAILED;
        pawl__io_ready(sl->io, PAWL_IO_ERROR);
        return 1;
    }
    if (i == 0) {
        loop->pawl__io.notified = 1;
        return 0;
    }
    unsigned ev = to_pawl(res);
    if (ev == 0)
        return 0;
    if (ev & ~(unsigned)sl->io->pawl__interest & (PAWL_IO_READABLE | PAWL_IO_WRITABLE)) {
        sl->flags |= S_EXACT; /* reported what nobody asked: trim it */
        mark_dirty(s, i);
    }
    pawl__io_ready(sl->io, ev);
    return 1;
}

/* Deliver what the completion ring holds.  The slot table is looked up
 * again for every completion: a delivery may change it. */
static int reap(pawl_loop *loop, uring_state *s)
{
    int reported = 0, err = 0;
    for (int round = 0; round < REAP_ROUNDS; round++) {
        /* What is there now, not what deliveries let the kernel post
         * meanwhile: those wait for the next wait. */
        unsigned n = io_uring_cq_ready(&s->ring);
        while (n-- > 0) {
            /* One entry at a time, copied and consumed before delivery
             * (liburing's peek could enter the kernel). */
            struct io_uring_cq *cq = &s->ring.cq;
            unsigned head = *cq->khead;
            const struct io_uring_cqe *cqe = &cq->cqes[head & cq->ring_mask];
            uint64_t ud = cqe->user_data;
            int res = cqe->res;
            unsigned cflags = cqe->flags;
            io_uring_cq_advance(&s->ring, 1);
            int rc = complete(loop, s, ud, res, cflags);
            if (rc > 0)
                reported += rc;
            else if (rc < 0)
                err = rc;
        }
        /* Completions the ring had no room for wait in the kernel. */
        if (!io_uring_cq_has_overflow(&s->ring))
            break;
        int rc = pawl__sys->uring_submit_and_get_events(&s->ring);
        if (rc < 0 && rc != -EINTR && rc != -EAGAIN && rc != -EBUSY)
            return reported > 0 ? reported : rc;
    }
    return err != 0 && reported == 0 ? err : reported;
}

/* Submit what is queued and wait for completions up to `timeout_ns`
 * (0: only look).  0, or a negative error. */
static int ur_enter(uring_state *s, uint64_t timeout_ns)
{
    int rc = 0;
    if (timeout_ns == 0) {
        /* Enter only if there is something to submit, or completions the
         * kernel has not posted yet (task work, an overflow). */
        unsigned kflags = IO_URING_READ_ONCE(*s->ring.sq.kflags);
        if (io_uring_sq_ready(&s->ring) != 0 ||
            (kflags & (IORING_SQ_TASKRUN | IORING_SQ_CQ_OVERFLOW)) != 0)
            rc = pawl__sys->uring_submit_and_get_events(&s->ring);
    } else {
        struct __kernel_timespec ts, *tsp = NULL;
        if (timeout_ns != UINT64_MAX) {
            ts.tv_sec = (long long)(timeout_ns / 1000000000u);
            ts.tv_nsec = (long long)(timeout_ns % 1000000000u);
            tsp = &ts;
        }
        struct io_uring_cqe *cqe;
        rc = pawl__sys->uring_submit_and_wait_timeout(&s->ring, &cqe, 1, tsp, NULL);
    }
    /* A timeout or a signal is no error, nor a kernel short of room for
     * completions (reaping makes some). */
    if (rc < 0 && rc != -ETIME && rc != -EINTR && rc != -EAGAIN && rc != -EBUSY)
        return rc;
    return 0;
}

static int ur_wait(pawl_loop *loop, uint64_t timeout_ns)
{
    uring_state *s = loop->pawl__io.state;
    int rc = flush(s);
    if (rc == 0)
        rc = ur_enter(s, timeout_ns);
    if (rc != 0)
        return rc;
    int n = reap(loop, s);
    /* Completions that reported nothing but must be answered with a new
     * request (a multishot refused, a request the kernel ended): its
     * answer may be "ready now", which a wait that must not block should
     * not miss (on the virtual clock, time would jump over it).  Once, so
     * a kernel that keeps refusing cannot hold the loop here. */
    if (n == 0 && s->dirty_head != NONE && !loop->pawl__io.notified) {
        rc = flush(s);
        if (rc == 0)
            rc = ur_enter(s, 0);
        if (rc != 0)
            return rc;
        n = reap(loop, s);
    }
    return n;
}

const struct pawl__reactor pawl__reactor_uring = {
    .name = "io_uring",
    .init = ur_init,
    .close = ur_close,
    .add = ur_add,
    .update = ur_update,
    .remove = ur_remove,
    .wait = ur_wait,
};
