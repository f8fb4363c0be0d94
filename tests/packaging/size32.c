/*
 * size32.c -- the task header is four words and a waker two, on every
 * target.  Compile-only: the build checks this file with clang for 32-bit
 * targets that have no C library (-ffreestanding, no system headers), and
 * with the host compiler for the 64-bit case, in both resume-point modes.
 *
 * It includes pawl/task.h, pawl/wheel.h and pawl/timer.h alone: the task
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

#if defined(PAWL_EXPECT_PTR_BYTES)
_Static_assert(sizeof(void *) == PAWL_EXPECT_PTR_BYTES,
               "compiled for a different pointer size than intended");
#endif

#if UINTPTR_MAX == 0xFFFFFFFFu
_Static_assert(sizeof(pawl_task) <= 16,
               "pawl_task must be at most 16 bytes (four words) on 32-bit targets");
_Static_assert(sizeof(pawl_waker) <= 8,
               "pawl_waker must be at most 8 bytes (two words) on 32-bit targets");
_Static_assert(sizeof(pawl_wheel_node) <= 16,
               "pawl_wheel_node must be at most 16 bytes on 32-bit targets");
_Static_assert(sizeof(pawl_timer) <= 24,
               "pawl_timer must be at most 24 bytes on 32-bit targets");
#elif UINTPTR_MAX == 0xFFFFFFFFFFFFFFFFu
_Static_assert(sizeof(pawl_task) <= 32,
               "pawl_task must be at most 32 bytes (four words) on 64-bit targets");
_Static_assert(sizeof(pawl_waker) <= 16,
               "pawl_waker must be at most 16 bytes (two words) on 64-bit targets");
_Static_assert(sizeof(pawl_wheel_node) <= 24,
               "pawl_wheel_node must be at most 24 bytes on 64-bit targets");
_Static_assert(sizeof(pawl_timer) <= 48,
               "pawl_timer must be at most 48 bytes on 64-bit targets");
#else
#error "size32.c: pointers are neither 32 nor 64 bits; add the bounds for this target"
#endif

/* An ISO C translation unit must declare something; this also checks that
 * the typedefs are usable as objects. */
extern pawl_task pawl_size_check_task;
extern pawl_waker pawl_size_check_waker;
extern pawl_wheel_node pawl_size_check_wheel_node;
extern pawl_timer pawl_size_check_timer;
