/*
 * pawl/pawl.h -- everything.  Include this, or the one module you need.
 *
 *   pawl/pt.h        resume points and protothreads (header-only)
 *   pawl/error.h     error codes, pawl_strerror, pawl_err_name
 *   pawl/task.h      tasks, poll context, wakers, join, the task macros
 *   pawl/loop.h      the loop, microtasks, remote wakes, the allocator
 *   pawl/platform.h  the platform seam, the virtual clock, POSIX
 *   pawl/wheel.h     the hierarchical timer wheel (a pure data structure)
 *   pawl/timer.h     timers, setTimeout & co., sleep and timeout futures
 *   pawl/sync.h      semaphore, mutex, notify, oneshot, channels, join/select
 *   pawl/promise.h   JavaScript-style promises
 *   pawl/io.h        readiness of descriptors (not in a PAWL_NO_OS build)
 *   pawl/net.h       TCP and UDP futures (not in a PAWL_NO_OS build)
 *   pawl/trace.h     event tracing and the task list (PAWL_TRACE builds;
 *                    stubs otherwise)
 *   pawl/config.h    the build switches and compile-time sizes
 */
#ifndef PAWL_PAWL_H
#define PAWL_PAWL_H

#include "pawl/config.h"
#include "pawl/error.h"
#if !defined(PAWL_NO_OS)
#include "pawl/io.h"
#endif
#include "pawl/loop.h"
#if !defined(PAWL_NO_OS)
#include "pawl/net.h"
#endif
#include "pawl/platform.h"
#include "pawl/promise.h"
#include "pawl/pt.h"
#include "pawl/sync.h"
#include "pawl/task.h"
#include "pawl/timer.h"
#include "pawl/trace.h"
#include "pawl/wheel.h"

#define PAWL_VERSION_MAJOR 0
#define PAWL_VERSION_MINOR 1
#define PAWL_VERSION_PATCH 0

#endif /* PAWL_PAWL_H */
