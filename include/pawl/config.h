/*
 * pawl/config.h -- the build configuration and the sizes fixed at compile
 * time.
 *
 * Two switches, each a compile definition that the library and every file
 * including pawl's headers must agree on (CMake passes them on to
 * consumers of the pawl targets; the pkg-config file's Cflags carry them):
 *
 *   PAWL_NO_MALLOC  pawl calls no malloc, realloc or free.  The default
 *                   allocator (pawl_default_alloc, what a loop uses when
 *                   pawl_loop_opts.alloc is NULL) serves the few
 *                   conveniences that allocate from one static arena of
 *                   PAWL_CONFIG_HEAP_BYTES, shared by every loop of the
 *                   program and not thread-safe (give each loop its own
 *                   pawl_arena when loops run on several threads).  When
 *                   it is used up they fail with PAWL_ENOMEM, as they do
 *                   when malloc fails; nothing else is ever touched.
 *                   Promises and reactions come only from the loop's
 *                   pawl_promise_pool (PAWL_ENOMEM without one): slabs
 *                   carved from a small arena would make whether a
 *                   promise can be made depend on the program's history.
 *
 *   PAWL_NO_OS      no operating system: no POSIX, no stdio.  There is no
 *                   default platform (pawl_loop_init needs
 *                   opts.platform, e.g. the Cortex-M port's, and gives
 *                   PAWL_EINVAL without one), no descriptor I/O
 *                   (pawl/io.h and pawl/net.h are not built; readiness
 *                   comes from interrupt handlers through remote wakes),
 *                   and nothing prints: the default unhandled-rejection
 *                   report is dropped, so give opts.on_rejection, and
 *                   pawl_strerror knows only pawl's own codes.
 *
 * A firmware build defines both (CMake does when cross-compiling for a
 * system named Generic; see docs/firmware.md).  Then the library links
 * with nothing from the C library but memcpy, memset and memmove (and the
 * compiler's own helpers, e.g. 64-bit division), which the firmware
 * example proves by linking with -nostdlib.
 *
 * Sizes (define before including, or with -D, to change them; the library
 * and its users must agree):
 *
 *   PAWL_CONFIG_HEAP_BYTES  the static arena of a PAWL_NO_MALLOC build
 *                           (default 1024; 0: none, every allocation
 *                           fails with PAWL_ENOMEM).
 *   PAWL_WHEEL_LEVELS       levels of the timer wheel (pawl/wheel.h;
 *                           default 6, 64 slots of two pointers each).
 *
 * Everything else is yours and sized by you: tasks, timers, remotes and
 * microtask nodes are caller-allocated, and promises can come from a
 * pawl_promise_pool of static arrays (pawl/promise.h,
 * PAWL_PROMISE_POOL_STATIC).
 */
#ifndef PAWL_CONFIG_H
#define PAWL_CONFIG_H

#ifndef PAWL_CONFIG_HEAP_BYTES
#define PAWL_CONFIG_HEAP_BYTES 1024
#endif

#endif /* PAWL_CONFIG_H */
