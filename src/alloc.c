/*
 * src/alloc.c -- the one file of the library that may call malloc.
 *
 * Everything in pawl that allocates goes through the loop's pawl_alloc_fn;
 * this file holds the default one and the two helpers the rest of the
 * library uses.  The build checks that no other object file references
 * malloc, calloc, realloc or free (tests/check_no_malloc.cmake).
 *
 * In a PAWL_NO_MALLOC build the default allocator is instead a static
 * arena of PAWL_CONFIG_HEAP_BYTES (pawl/config.h), set up on first use, and
 * this file calls nothing either.
 */
#include "pawl/config.h"
#include "internal.h"

#if !defined(PAWL_NO_MALLOC)
#include <stdlib.h>

void *pawl_default_alloc(void *ud, void *ptr, size_t old_size, size_t new_size)
{
    (void)ud;
    (void)old_size;
    if (new_size == 0) {
        free(ptr);
        return NULL;
    }
    return realloc(ptr, new_size);
}

#elif PAWL_CONFIG_HEAP_BYTES > 0
static _Alignas(PAWL_ARENA_ALIGN) unsigned char heap[PAWL_CONFIG_HEAP_BYTES];
static pawl_arena arena;

void *pawl_default_alloc(void *ud, void *ptr, size_t old_size, size_t new_size)
{
    (void)ud;
    if (arena.pawl__base == NULL && pawl_arena_init(&arena, heap, sizeof heap) != 0)
        return NULL;
    return pawl_arena_alloc(&arena, ptr, old_size, new_size);
}

#else
void *pawl_default_alloc(void *ud, void *ptr, size_t old_size, size_t new_size)
{
    (void)ud;
    (void)ptr;
    (void)old_size;
    (void)new_size;
    return NULL; /* no heap configured: every allocation is PAWL_ENOMEM */
}
#endif

/* The loop's allocator; NULL there means the default (src/loop.c). */
static pawl_alloc_fn *allocator(const pawl_loop *loop)
{
    return loop->pawl__alloc != NULL ? loop->pawl__alloc : pawl_default_alloc;
}

void *pawl__alloc(pawl_loop *loop, size_t size)
{
    return allocator(loop)(loop->pawl__alloc_ud, NULL, 0, size);
}

void pawl__free(pawl_loop *loop, void *ptr, size_t size)
{
    if (ptr != NULL)
        (void)allocator(loop)(loop->pawl__alloc_ud, ptr, size, 0);
}
