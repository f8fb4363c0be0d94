/*
 * pawl/trace.h -- what the loop did: a ring of events, a hook that streams
 * them, a dump file for tools, and a list of the live tasks.
 *
 * TRACING IS A BUILD SWITCH
 * =========================
 *
 * Everything here works only in a library built with PAWL_TRACE (CMake
 * -DPAWL_TRACE=ON, which also defines PAWL_TRACE for every program that
 * uses the library, as PAWL_NO_OS is).  In a build without it, every
 * trace point in the library compiles to nothing -- no code, no data, no
 * field in any struct, no symbol (a test runs nm on the library to keep
 * it so) -- and the functions below are static inline stubs that return
 * PAWL_ENOSYS (0 for the counters, "unknown" for the names), so code that
 * calls them builds both ways without an #ifdef; PAWL_TRACE_NAME is then
 * nothing.
 *
 * With PAWL_TRACE, and only then:
 *
 *   - a task is larger: the four-word header gains a link in the loop's
 *     list of live tasks, its name, the await it is at and the time of
 *     its last change of state (72 bytes on 64-bit targets instead of
 *     32; 40 on 32-bit ones instead of 16), and the loop by 96 bytes (64-bit);
 *   - PAWL_AWAIT and PAWL_YIELD record where they are (__FILE__,
 *     __LINE__ and the text of the awaited expression, in a static
 *     const pawl_trace_site: one store per await reached);
 *   - the loop keeps the list of its live tasks (O(1) at spawn and at
 *     finish), which is what pawl_loop_dump prints;
 *   - every trace point tests one flag of the loop, and records an event
 *     only while the loop is tracing (pawl_trace_start, or a hook).
 *
 * RECORDING
 * =========
 *
 *     static pawl_trace_event ring[1024];          // yours: pawl never allocates
 *     pawl_trace_start(&loop, ring, 1024);
 *     ... run ...
 *     pawl_trace_write(&loop, my_write, my_file);   // the dump format below
 *
 * The ring is caller-allocated rather than a fixed array inside the loop,
 * for the reasons the rest of pawl is: the core allocates nothing, a
 * microcontroller chooses where 2 KiB go (or whether), a host can keep a
 * million events, and a loop that does not trace carries no buffer.  When
 * the ring is full the oldest event is overwritten and counted as dropped.
 *
 * A hook (pawl_trace_set_hook) sees every event as it is recorded, with or
 * without a ring: print it, send it down a UART, or write it to a file in
 * the dump format (pawl_trace_write_header, then pawl_trace_write_event per
 * event) for a trace as long as the program runs.
 *
 * EVENTS
 * ======
 *
 * Each event has a time, a kind, the object it is about (`id`), a number
 * (`value`) and an origin.  Times are the loop's platform clock in
 * nanoseconds, read when the event is recorded (the virtual clock's time in
 * a test).  Ids are the addresses of the objects (tasks, timers, promises,
 * I/O handles, remotes, microtasks): stable while the object lives, and
 * reused by a later object in the same memory.
 *
 * The ORIGIN is what was running when the event was recorded: the task
 * being polled, the timer whose callback runs, the I/O handle whose
 * readiness is being delivered, the remote being delivered, the microtask
 * or promise reaction that runs, the immediate that runs, or nothing (the
 * loop itself, or code outside pawl_loop_run).  So a WOKEN event says who
 * woke the task -- a viewer draws an arrow from the origin to the woken
 * task -- and SPAWN, TIMER_ARMED, PROMISE_SETTLED say who did it.  The
 * events marked "begins" below start a new origin; their own origin field
 * is NONE.
 *
 *   kind                  id         value                         notes
 *   --------------------  ---------  ----------------------------  ------
 *    1 TASK_SPAWN          task       the poll function's address   name
 *    2 TASK_POLL           task       0                             begins;
 *                                                                   name; flag
 *                                                                   CANCELED
 *    3 TASK_PENDING        task       the line of the await         site; flag
 *                                     (0: none reached yet)         REQUEUED or
 *                                                                   UNWIND
 *    4 TASK_WOKEN          task       0
 *    5 TASK_FINISHED       task       join result: 0 or             begins (4)
 *                                     PAWL_ECANCELED (signed)
 *    6 TASK_CANCEL         task       0                             (requested)
 *    7 TIMER_ARMED         timer      deadline (loop ms)            (5)
 *    8 TIMER_FIRED         timer      deadline (loop ms)            begins
 *    9 TIMER_CLEARED       timer      the deadline it had
 *   10 IO_READY            pawl_io    PAWL_IO_* event bits          begins (6)
 *   11 PROMISE_CREATED     promise    0
 *   12 PROMISE_SETTLED     promise    1 fulfilled, 2 rejected
 *   13 PROMISE_HANDLED     promise    the reaction's target         (1)
 *   14 PROMISE_REACTION    promise    the reaction's target         begins (2)
 *   15 MICROTASK_RUN       microtask  the function's address        begins (3)
 *   16 REMOTE_DELIVERED    remote     0                             begins
 *   17 IMMEDIATE_RUN       record     the setImmediate id           begins (7)
 *   18 LOOP_ITERATION      loop       the iteration's number        begins
 *                                                                   (origin
 *                                                                   NONE)
 *
 * (1) A reaction was registered on the promise (then, catch, finally, an
 *     awaiting task, a combinator's input, an adoption).  Its target is
 *     the address of what it settles: the derived promise of then / catch
 *     / finally, the adopting promise, the internal state of all /
 *     allSettled / any / with_timeout, or 0 for an awaiting task (whose
 *     poll is the origin).  So PROMISE_CREATED d followed by
 *     PROMISE_HANDLED p with value d is `d = p.then(...)`.
 * (2) A reaction of the promise runs, as a microtask (value as (1)).
 *     The first step of an adoption (a promise resolved with promise q)
 *     is a reaction of q that runs while q may still be pending.
 * (3) A plain microtask (pawl_microtask_queue; for pawl_queue_microtask,
 *     the function is the library's wrapper around yours).
 * (4) A task canceled before its first poll finishes with no TASK_POLL:
 *     it never runs.  Its origin for what follows (its joiner's wake) is
 *     the task itself.
 * (5) Arming a timer that is armed already (a re-arm, a refresh, an
 *     interval's next period) is one more TIMER_ARMED, with no
 *     TIMER_CLEARED before it.  A timer that fires is not armed any more
 *     unless a TIMER_ARMED follows.
 * (6) Readiness delivered by the reactor, waking the tasks that await it;
 *     the callback of a watched handle (pawl_io_watch) runs later in the
 *     same poll phase with that handle as its origin, without an event.
 * (7) The record is the library's own memory for that setImmediate.
 *
 * Origin kinds: 0 NONE, 1 TASK, 2 TIMER, 3 IO, 4 REMOTE, 5 MICROTASK,
 * 6 PROMISE (a reaction of that promise), 7 IMMEDIATE.
 *
 * Flags: TASK_POLL has PAWL_TRACE_F_CANCELED when the poll carries a
 * canceled context (the task is being canceled).  TASK_PENDING has none
 * (the task is WAITING), PAWL_TRACE_F_REQUEUED (it was woken or yielded
 * during the poll and is QUEUED again) or PAWL_TRACE_F_UNWIND (it is being
 * canceled or left through PAWL_EXIT, and is polled again at once to run
 * its cleanup).
 *
 * Every timer is traced: in a PAWL_TRACE build pawl_timer_start and
 * pawl_timer_stop (pawl/timer.h) skip their inline fast paths and take the
 * library's, which record the event.
 *
 * THE DUMP FORMAT, VERSION 1
 * ==========================
 *
 * What pawl_trace_write produces, and pawl_trace_write_header +
 * pawl_trace_write_event for a stream.  Every integer is little-endian,
 * whatever the machine that wrote it; there is no padding but the one
 * stated.  A file is a header, then records.
 *
 * Header, 48 bytes:
 *
 *   offset size  field
 *    0      8    magic: the bytes 'P' 'A' 'W' 'L' 'T' 'R' 'C' 0x00
 *    8      2    version: 1.  A reader refuses any other version.
 *   10      2    header size in bytes: 48.  (A reader of version 1 may skip
 *                to this offset to read the first record.)
 *   12      2    record size: 40, the fixed part of each record below
 *   14      1    pointer size of the writer, 4 or 8 (ids are addresses
 *                widened to 64 bits)
 *   15      1    flags: bit 0 set = a stream, whose event count is not
 *                known: records follow until the end of the file.  Other
 *                bits are 0.
 *   16      4    event count: the number of records that follow (0 in a
 *                stream)
 *   20      4    reserved, 0
 *   24      8    dropped: events overwritten in the ring before this dump
 *                (they happened before the first record; 0 in a stream)
 *   32      8    recorded: events recorded since pawl_trace_start, the
 *                dropped ones included (0 in a stream)
 *   40      8    the loop's clock (ns) when the file was written
 *
 * Then `event count` records, oldest first, each made of a fixed part of
 * 40 bytes and a variable part:
 *
 *   offset size  field
 *    0      8    time (ns, the loop's platform clock)
 *    8      8    id (the address of the object; see EVENTS)
 *   16      8    origin (an address, 0 for NONE)
 *   24      8    value (two's complement where the kind says it is signed:
 *                TASK_FINISHED)
 *   32      1    kind (1..18, see EVENTS; a reader shows unknown kinds as
 *                numbers rather than failing)
 *   33      1    origin kind (0..7)
 *   34      1    flags (PAWL_TRACE_F_*)
 *   35      1    reserved, 0
 *   36      2    length A of string A, in bytes
 *   38      2    length B of string B, in bytes
 *   40      A    string A, then
 *   40+A    B    string B (both UTF-8, not terminated), then
 *                zero bytes up to the next multiple of 8 (counted from the
 *                start of the record)
 *
 * So a record is 40 + ((A + B + 7) / 8) * 8 bytes.  The strings:
 *
 *   TASK_SPAWN, TASK_POLL   A: the task's name (PAWL_TRACE_NAME), or empty
 *   TASK_PENDING            A: the source file of the await (its __FILE__),
 *                           B: the awaited expression as written
 *                           (`pawl_sleep_ms(&s->sleep, cx, 100)`), or
 *                           "PAWL_YIELD"; both empty if the task has not
 *                           reached an await yet; its line is the value
 *   every other kind        none (A = B = 0)
 *
 * A reader must check that a file is at least 48 bytes, the magic, the
 * version, and that each record (fixed part, then its strings and padding)
 * lies inside the file: a file cut short ends in the middle of a record.
 *
 * THREADS
 * =======
 *
 * Events are recorded on the loop's thread only (a remote ringing from
 * another thread is traced when the loop delivers it).  Every function
 * here is for the loop's thread; the hook is called on it.
 */
#ifndef PAWL_TRACE_H
#define PAWL_TRACE_H

#include <stddef.h>
#include <stdint.h>

#include "pawl/error.h"
#include "pawl/loop.h"
#include "pawl/task.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Event kinds: the numbers are part of the dump format. */
typedef enum pawl_trace_kind {
    PAWL_TRACE_TASK_SPAWN = 1,
    PAWL_TRACE_TASK_POLL = 2,
    PAWL_TRACE_TASK_PENDING = 3,
    PAWL_TRACE_TASK_WOKEN = 4,
    PAWL_TRACE_TASK_FINISHED = 5,
    PAWL_TRACE_TASK_CANCEL = 6,
    PAWL_TRACE_TIMER_ARMED = 7,
    PAWL_TRACE_TIMER_FIRED = 8,
    PAWL_TRACE_TIMER_CLEARED = 9,
    PAWL_TRACE_IO_READY = 10,
    PAWL_TRACE_PROMISE_CREATED = 11,
    PAWL_TRACE_PROMISE_SETTLED = 12,
    PAWL_TRACE_PROMISE_HANDLED = 13,
    PAWL_TRACE_PROMISE_REACTION = 14,
    PAWL_TRACE_MICROTASK_RUN = 15,
    PAWL_TRACE_REMOTE_DELIVERED = 16,
    PAWL_TRACE_IMMEDIATE_RUN = 17,
    PAWL_TRACE_LOOP_ITERATION = 18
} pawl_trace_kind;

/* Origin kinds: what was running when an event was recorded. */
typedef enum pawl_trace_origin {
    PAWL_TRACE_FROM_NONE = 0,
    PAWL_TRACE_FROM_TASK = 1,
    PAWL_TRACE_FROM_TIMER = 2,
    PAWL_TRACE_FROM_IO = 3,
    PAWL_TRACE_FROM_REMOTE = 4,
    PAWL_TRACE_FROM_MICROTASK = 5,
    PAWL_TRACE_FROM_PROMISE = 6,
    PAWL_TRACE_FROM_IMMEDIATE = 7
} pawl_trace_origin;

/* Event flags (see EVENTS above). */
enum {
    PAWL_TRACE_F_CANCELED = 1u << 0, /* TASK_POLL */
    PAWL_TRACE_F_REQUEUED = 1u << 1, /* TASK_PENDING */
    PAWL_TRACE_F_UNWIND = 1u << 2    /* TASK_PENDING */
};

/* The dump format's constants. */
#define PAWL_TRACE_MAGIC "PAWLTRC" /* and a zero byte: 8 bytes */
#define PAWL_TRACE_VERSION 1u
#define PAWL_TRACE_HEADER_SIZE 48u
#define PAWL_TRACE_RECORD_SIZE 40u
#define PAWL_TRACE_STREAM 1u /* header flag: event count unknown */

/* Where an await is (pawl/task.h defines it in a PAWL_TRACE build; the
 * macros make one static const per await). */
typedef struct pawl_trace_site pawl_trace_site;

/*
 * One event in memory (the hook's argument, the ring's element).  In
 * memory the ids are pointers; the dump widens them to 64 bits.  `ref` is
 * what the strings of the dump come from: the task's name for TASK_SPAWN
 * and TASK_POLL, the await's site for TASK_PENDING, NULL otherwise.  Both
 * point at static data (string literals), so an event stays readable
 * after its task is gone.  48 bytes on 64-bit targets, 32 on 32-bit ones.
 */
typedef struct pawl_trace_event {
    uint64_t time_ns;
    uint64_t value;
    const void *id;
    const void *origin;
    union {
        const char *name;            /* TASK_SPAWN, TASK_POLL (may be NULL) */
        const pawl_trace_site *site; /* TASK_PENDING (may be NULL) */
    } ref;
    uint8_t kind;        /* pawl_trace_kind */
    uint8_t origin_kind; /* pawl_trace_origin */
    uint8_t flags;       /* PAWL_TRACE_F_* */
} pawl_trace_event;

/* Called for every event as it is recorded, on the loop's thread.  `ev`
 * is valid for the call only.  The hook must not call into the loop;
 * events that it causes anyway go to the ring, not to the hook. */
typedef void pawl_trace_hook(void *ud, pawl_loop *loop, const pawl_trace_event *ev);

/* Where the dump and the task list go: write `len` bytes, return 0, or a
 * negative error code, which stops the writing and is returned by the
 * call that was writing.  Called on the caller's thread, several times
 * per record of the dump (its fixed part, each string, the padding) and
 * once per line of the task list. */
typedef int pawl_trace_write_fn(void *ctx, const void *data, size_t len);

#if defined(PAWL_TRACE)

/* Record into `buf` (n events, n >= 1), from now on, in place of any
 * earlier ring: the count, the dropped count and the recorded count start
 * over at 0.  The memory is yours and must stay valid until
 * pawl_trace_stop, another pawl_trace_start, or pawl_loop_close.
 * Errors: PAWL_EINVAL (NULL buf, n == 0), the loop errors. */
int pawl_trace_start(pawl_loop *loop, pawl_trace_event *buf, size_t n);

/* Stop recording into the ring.  What it holds stays readable
 * (pawl_trace_count, _get, _write) until the next start.  The hook, if
 * any, keeps receiving events.  0, or the loop errors. */
int pawl_trace_stop(pawl_loop *loop);

/* Call `fn(ud, loop, ev)` for every event from now on; NULL removes the
 * hook.  0, or the loop errors. */
int pawl_trace_set_hook(pawl_loop *loop, pawl_trace_hook *fn, void *ud);

/* Events in the ring now; events overwritten because it was full; all
 * events recorded since pawl_trace_start.  0 for a bad loop. */
size_t pawl_trace_count(const pawl_loop *loop);
uint64_t pawl_trace_dropped(const pawl_loop *loop);
uint64_t pawl_trace_recorded(const pawl_loop *loop);

/* Copy the i-th event of the ring, oldest first, to *out.  PAWL_ENOENT if
 * i >= pawl_trace_count(loop); PAWL_EINVAL for NULL out; the loop errors. */
int pawl_trace_get(const pawl_loop *loop, size_t i, pawl_trace_event *out);

/* Write the ring in the dump format: the header, then every event oldest
 * first.  Returns 0, the loop errors, PAWL_EINVAL for NULL fn, or the
 * first error fn returned (then the output is incomplete). */
int pawl_trace_write(const pawl_loop *loop, pawl_trace_write_fn *fn, void *ctx);

/* A stream: a header with the STREAM flag (written once, first), then one
 * record per event (typically from a hook).  Both return 0 once `fn`
 * took everything, or the first error `fn` returned (the output is then
 * incomplete); PAWL_EINVAL for NULL fn, and for a NULL ev (write_event);
 * write_header also the loop errors (PAWL_EINVAL for NULL, PAWL_EUNINIT,
 * PAWL_ECLOSED). */
int pawl_trace_write_header(const pawl_loop *loop, pawl_trace_write_fn *fn, void *ctx);
int pawl_trace_write_event(const pawl_trace_event *ev, pawl_trace_write_fn *fn, void *ctx);

/* "task_spawn", "timer_fired", ... (the kind names of EVENTS, lower case),
 * or "unknown". */
const char *pawl_trace_kind_name(unsigned kind);

/* "none", "task", "timer", "io", "remote", "microtask", "promise",
 * "immediate", or "unknown". */
const char *pawl_trace_origin_name(unsigned origin_kind);

/*
 * THE TASK LIST
 * =============
 *
 * pawl_loop_dump writes one line of text per live task (spawned and not
 * DONE), in spawn order, after a first line that counts them:
 *
 *     pawl: 3 live tasks at 1250.000 ms
 *     task 0x5581c2a0 "fetcher" waiting for 150.000 ms at tour.c:42 on pawl_sleep_ms(&f->sleep, cx, 200)
 *     task 0x5581c340 queued for 0.000 ms (not started)
 *     task 0x5581c3e0 "main" running for 0.000 ms at tour.c:90 on pawl_task_join(&m->child.task, cx)
 *
 * Each line is
 *
 *     task ADDRESS ["NAME"] STATE for MS ms[ at FILE:LINE on EXPRESSION][ NOTE]
 *
 *   STATE  queued | waiting | running | cancelling (a cancel was requested
 *          and the task has not finished its cleanup yet)
 *   MS     milliseconds, three decimals (truncated), since the task's
 *          last change of state: since it was spawned or woken (queued),
 *          since its last poll (waiting), since its poll began (running).
 *          The change is dated with the loop's cached clock (the time at
 *          the top of that iteration, pawl_loop_now_ns), and "now" is read
 *          from the platform clock, so a task that waits while the loop is
 *          stuck somewhere shows the whole wait.
 *   at ... where its resume point is: the await (or yield) it waits at,
 *          or last passed; absent before its first await
 *   NOTE   "(not started)" before its first poll, "(in cleanup)" while it
 *          runs its cleanup section
 *
 * Each line is written with one call of `fn`, ending in '\n'; its text
 * is cut at 255 bytes before the '\n' (the expression is the part that
 * gets cut).  The first line's time is the platform clock's.  Call it
 * on the loop's thread, from a task or callback too -- not from a signal
 * handler (ring a pawl_remote there and dump from its callback).  Returns
 * 0, PAWL_EINVAL for NULL fn, the loop errors, or fn's first error.
 */
int pawl_loop_dump(const pawl_loop *loop, pawl_trace_write_fn *fn, void *ctx);

/* A pawl_trace_write_fn that writes to the file descriptor (intptr_t)ctx:
 * `pawl_loop_dump(&loop, pawl_trace_fd_writer, (void *)2)` prints to
 * stderr, from a debugger too.  Not in a PAWL_NO_OS build.  Returns 0 once
 * all `len` bytes are written (short writes and EINTR are retried), or
 * write's error as -errno (EBADF, EPIPE ...), or -EIO if write takes nothing. */
#if !defined(PAWL_NO_OS)
int pawl_trace_fd_writer(void *ctx, const void *data, size_t len);
#endif

/* Give a task a name for the trace and the task list (a string that
 * outlives the task, usually a literal).  Set it after pawl_task_init,
 * which clears it. */
#define PAWL_TRACE_NAME(task, text) ((void)((task)->pawl__trace.name = (text)))

#else /* !PAWL_TRACE: stubs, so that callers need no #ifdef */

static inline int pawl_trace_start(pawl_loop *loop, pawl_trace_event *buf, size_t n)
{
    (void)loop;
    (void)buf;
    (void)n;
    return PAWL_ENOSYS;
}

static inline int pawl_trace_stop(pawl_loop *loop)
{
    (void)loop;
    return PAWL_ENOSYS;
}

static inline int pawl_trace_set_hook(pawl_loop *loop, pawl_trace_hook *fn, void *ud)
{
    (void)loop;
    (void)fn;
    (void)ud;
    return PAWL_ENOSYS;
}

static inline size_t pawl_trace_count(const pawl_loop *loop)
{
    (void)loop;
    return 0;
}

static inline uint64_t pawl_trace_dropped(const pawl_loop *loop)
{
    (void)loop;
    return 0;
}

static inline uint64_t pawl_trace_recorded(const pawl_loop *loop)
{
    (void)loop;
    return 0;
}

static inline int pawl_trace_get(const pawl_loop *loop, size_t i, pawl_trace_event *out)
{
    (void)loop;
    (void)i;
    (void)out;
    return PAWL_ENOSYS;
}

static inline int pawl_trace_write(const pawl_loop *loop, pawl_trace_write_fn *fn, void *ctx)
{
    (void)loop;
    (void)fn;
    (void)ctx;
    return PAWL_ENOSYS;
}

static inline int pawl_trace_write_header(const pawl_loop *loop, pawl_trace_write_fn *fn,
                                          void *ctx)
{
    (void)loop;
    (void)fn;
    (void)ctx;
    return PAWL_ENOSYS;
}

static inline int pawl_trace_write_event(const pawl_trace_event *ev, pawl_trace_write_fn *fn,
                                         void *ctx)
{
    (void)ev;
    (void)fn;
    (void)ctx;
    return PAWL_ENOSYS;
}

static inline const char *pawl_trace_kind_name(unsigned kind)
{
    (void)kind;
    return "unknown";
}

static inline const char *pawl_trace_origin_name(unsigned origin_kind)
{
    (void)origin_kind;
    return "unknown";
}

static inline int pawl_loop_dump(const pawl_loop *loop, pawl_trace_write_fn *fn, void *ctx)
{
    (void)loop;
    (void)fn;
    (void)ctx;
    return PAWL_ENOSYS;
}

#if !defined(PAWL_NO_OS)
static inline int pawl_trace_fd_writer(void *ctx, const void *data, size_t len)
{
    (void)ctx;
    (void)data;
    (void)len;
    return PAWL_ENOSYS;
}
#endif

#define PAWL_TRACE_NAME(task, text) ((void)(task), (void)(text))

#endif /* PAWL_TRACE */

#ifdef __cplusplus
}
#endif

#endif /* PAWL_TRACE_H */
