/*
 * src/alloc.c -- the one file of the library that may call malloc.
 *
 * Everything in pawl that allocates goes through the loop's pawl_alloc_fn;
 * this file holds the default one and the two helpers the rest of the
 * library uses.  The build checks that no other object file references
 * malloc, calloc, realloc or free (tests/check_no_malloc.cmake).
 */
#include <stdlib.h>

#include "internal.h"

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

void *pawl__alloc(pawl_loop *loop, size_t size)
{
    return loop->pawl__alloc(loop->pawl__alloc_ud, NULL, 0, size);
}

void pawl__free(pawl_loop *loop, void *ptr, size_t size)
{
    if (ptr != NULL)
        (void)loop->pawl__alloc(loop->pawl__alloc_ud, ptr, size, 0);
}
