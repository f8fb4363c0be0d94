/*
 * size32.c -- the task header is four words and a waker two, on every
 * target.  Compile-only: the build checks this file with clang for 32-bit
 * targets that have no C library (-ffreestanding, no system headers), and
 * with the host compiler for the 64-bit case, in both resume-point modes.
 *
 * It includes pawl/task.h, pawl/wheel.h and pawl/timer.h (and, where
 * <errno.h> exists, pawl/promise.h; see below): the task
 * header, pawl/pt.h, the timer wheel and the timers must need nothing
 * beyond the freestanding C11 headers, or they cannot be used on a bare
 * microcontroller.  The timer's bounds are the memory targets: 24
 * bytes on 32-bit targets, 48 on 64-bit ones.
 *
 * PAWL_EXPECT_PTR_BYTES, if given, is the pointer size the build meant to
 * target, so a target flag that silently did nothing is caught too.
 */
#include "pawl/task.h"
#include "pawl/timer.h"
#include "pawl/wheel.h"

/* Promises need pawl/error.h, hence <errno.h>, which the freestanding
 * checks (no C library at all) lack: they are checked in hosted
 * compilations, the host's and the firmware build's (arm-none-eabi-gcc
 * with newlib's headers, which compiles this file with
 * PAWL_SIZE_CHECK_PROMISES and PAWL_EXPECT_PTR_BYTES=4). */
#if defined(PAWL_SIZE_CHECK_PROMISES) || (defined(__STDC_HOSTED__) && __STDC_HOSTED__)
#  define PAWL_SIZE_PROMISES 1
#  include "pawl/promise.h"
#endif

#if defined(PAWL_EXPECT_PTR_BYTES)
_Static_assert(sizeof(void *) == PAWL_EXPECT_PTR_BYTES,
               "compiled for a different pointer size than intended");
#endif

#if UINTPTR_MAX == 0xFFFFFFFFu
#  if !defined(PAWL_TRACE) /* a traced task carries its await site and list links */
_Static_assert(sizeof(pawl_task) <= 16,
               "pawl_task must be at most 16 bytes (four words) on 32-bit targets");
#  endif
_Static_assert(sizeof(pawl_waker) <= 8,
               "pawl_waker must be at most 8 bytes (two words) on 32-bit targets");
_Static_assert(sizeof(pawl_wheel_node) <= 16,
               "pawl_wheel_node must be at most 16 bytes on 32-bit targets");
_Static_assert(sizeof(pawl_timer) <= 24,
               "pawl_timer must be at most 24 bytes on 32-bit targets");
#  if defined(PAWL_SIZE_PROMISES)
_Static_assert(sizeof(pawl_promise) <= 32,
               "pawl_promise must be at most 32 bytes on 32-bit targets");
_Static_assert(sizeof(pawl_reaction) <= 16,
               "pawl_reaction must be at most 16 bytes on 32-bit targets");
#  endif
#elif UINTPTR_MAX == 0xFFFFFFFFFFFFFFFFu
#  if !defined(PAWL_TRACE)
_Static_assert(sizeof(pawl_task) <= 32,
               "pawl_task must be at most 32 bytes (four words) on 64-bit targets");
#  endif
_Static_assert(sizeof(pawl_waker) <= 16,
               "pawl_waker must be at most 16 bytes (two words) on 64-bit targets");
_Static_assert(sizeof(pawl_wheel_node) <= 24,
               "pawl_wheel_node must be at most 24 bytes on 64-bit targets");
_Static_assert(sizeof(pawl_timer) <= 48,
               "pawl_timer must be at most 48 bytes on 64-bit targets");
#  if defined(PAWL_SIZE_PROMISES)
_Static_assert(sizeof(pawl_promise) <= 64,
               "pawl_promise must be at most 64 bytes on 64-bit targets");
_Static_assert(sizeof(pawl_reaction) <= 32,
               "pawl_reaction must be at most 32 bytes on 64-bit targets");
#  endif
#else
#error "size32.c: pointers are neither 32 nor 64 bits; add the bounds for this target"
#endif

/* An ISO C translation unit must declare something; this also checks that
 * the typedefs are usable as objects. */
extern pawl_task pawl_size_check_task;
extern pawl_waker pawl_size_check_waker;
extern pawl_wheel_node pawl_size_check_wheel_node;
extern pawl_timer pawl_size_check_timer;
#if defined(PAWL_SIZE_PROMISES)
extern pawl_promise pawl_size_check_promise;
#endif
