/*
 * pawl/platform.h -- the platform seam: a clock, a way to wait, and a way
 * to be woken from elsewhere.
 *
 * The loop knows nothing about the operating system.  Everything it needs
 * from below is these four operations, so a port to a new system (or to a
 * microcontroller with no system at all) is one small file, and tests can
 * swap in a virtual clock on which time moves only when the loop would
 * otherwise block.
 *
 *   now_ns(p)            monotonic time in nanoseconds.  Never goes back.
 *   wait(p, deadline)    block until now_ns() >= deadline or notify() was
 *                        called since the last wait.  deadline 0 means
 *                        "do not block"; PAWL_FOREVER means no deadline.
 *                        Returns 0, or a negative error (PAWL_EDEADLK from
 *                        the virtual clock, which would wait forever).
 *   notify(p)            make the current or next wait return.  The only
 *                        operation called from other threads and from
 *                        signal or interrupt handlers; it must be safe
 *                        there (the POSIX one writes an eventfd).
 *   close(p)             release what init acquired.
 *   notify_fd(p)         optional: a descriptor that becomes readable when
 *                        notify() is called, so that a reactor waiting on
 *                        descriptors (pawl/io.h) is woken by it too; the
 *                        next wait(p, 0) consumes the notification.  NULL
 *                        (or -1) for a platform without one: the virtual
 *                        clock, on which the loop then only polls its
 *                        descriptors without blocking and lets the clock
 *                        jump when none is ready.
 */
#ifndef PAWL_PLATFORM_H
#define PAWL_PLATFORM_H

#include <stdatomic.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PAWL_FOREVER UINT64_MAX

typedef struct pawl_platform pawl_platform;

/* The operations of a platform, described at the top of this file; a
 * port keeps one static const table of them.  `name` is for messages
 * ("posix", "virtual"). */
typedef struct pawl_platform_ops {
    const char *name;
    uint64_t (*now_ns)(pawl_platform *p);
    int (*wait)(pawl_platform *p, uint64_t deadline_ns);
    void (*notify)(pawl_platform *p);
    void (*close)(pawl_platform *p);
    int (*notify_fd)(pawl_platform *p); /* optional */
} pawl_platform_ops;

/* Embed this first in a platform's own struct. */
struct pawl_platform {
    const pawl_platform_ops *ops;
};

/* ---- the virtual clock (tests, simulations) ---------------------------- */
/*
 * Time starts at `start_ns` and moves only when the loop waits: a wait
 * with a deadline jumps the clock to that deadline at once (as tokio's
 * paused clock does), so a test of a one-hour timeout takes microseconds
 * and always sees the same times.  A wait with no deadline and no pending
 * notify can never end in a single-threaded program, so it returns
 * PAWL_EDEADLK instead of hanging, and pawl_loop_run reports it.
 */
typedef struct pawl_vclock {
    pawl_platform base;       /* public: pass &vc.base as opts.platform */
    uint64_t now_ns;          /* read-only */
    uint64_t waits;           /* read-only: how many times the loop waited */
    atomic_int pawl__notified;
} pawl_vclock;

/* PAWL_EINVAL for NULL. */
int pawl_vclock_init(pawl_vclock *vc, uint64_t start_ns);

/* Move time forward by `ns` (as if the program was busy that long).  Time
 * saturates just below PAWL_FOREVER instead of wrapping.  PAWL_EINVAL for
 * NULL. */
int pawl_vclock_advance(pawl_vclock *vc, uint64_t ns);

/* ---- POSIX ------------------------------------------------------------- */
/*
 * CLOCK_MONOTONIC, and an eventfd (Linux) or a non-blocking pipe
 * (elsewhere) that notify() writes and wait() polls.  A loop initialised
 * without a platform embeds and uses one of these.
 */
typedef struct pawl_posix_platform {
    pawl_platform base;
    int pawl__fds[2]; /* [0] read end, [1] write end (equal for eventfd) */
} pawl_posix_platform;

/* Returns 0 or a negative error (the descriptors could not be made). */
int pawl_posix_platform_init(pawl_posix_platform *p);

#ifdef __cplusplus
}
#endif

#endif /* PAWL_PLATFORM_H */
