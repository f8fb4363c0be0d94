/*
 * src/arena.c -- a first-fit allocator over memory the caller gives it.
 *
 * Free runs form a list in address order, each run holding its own link
 * and size in its first two words (so the alignment, two words, is also
 * the smallest run).  Every size is a multiple of the alignment, so what
 * is left after cutting a block off a run is either nothing or a run.
 * Giving a block back merges it with the runs just before and after, so
 * the arena never holds two adjacent free runs.
 */
#include <assert.h>
#include <stdint.h>
#include <string.h>

#include "internal.h"

typedef struct run {
    struct run *next;
    size_t size;
} run;

_Static_assert(sizeof(run) <= PAWL_ARENA_ALIGN, "a free run must fit the smallest block");

#define ALIGN ((size_t)PAWL_ARENA_ALIGN)

/* n rounded up to the alignment, or 0 if that overflows (or n is 0). */
static size_t round_size(size_t n)
{
    if (n == 0 || n > SIZE_MAX - (ALIGN - 1))
        return 0;
    return (n + ALIGN - 1) & ~(ALIGN - 1);
}

int pawl_arena_init(pawl_arena *a, void *mem, size_t size)
{
    if (a == NULL || mem == NULL)
        return PAWL_EINVAL;
    uintptr_t start = (uintptr_t)mem;
    uintptr_t base = (start + ALIGN - 1) & ~(uintptr_t)(ALIGN - 1);
    size_t skip = (size_t)(base - start);
    if (size < skip + ALIGN)
        return PAWL_EINVAL;
    size_t usable = (size - skip) & ~(ALIGN - 1);
    run *r = (run *)base;
    r->next = NULL;
    r->size = usable;
    a->pawl__base = (unsigned char *)base;
    a->pawl__size = usable;
    a->pawl__free = r;
    a->pawl__used = 0;
    a->pawl__peak = 0;
    return 0;
}

/* Cut `size` (rounded) bytes off the first run that has them. */
static void *take(pawl_arena *a, size_t size)
{
    for (run **link = (run **)&a->pawl__free; *link != NULL; link = &(*link)->next) {
        run *r = *link;
        if (r->size < size)
            continue;
        if (r->size == size) {
            *link = r->next;
        } else {
            run *rest = (run *)(void *)((unsigned char *)r + size);
            rest->next = r->next;
            rest->size = r->size - size;
            *link = rest;
        }
        a->pawl__used += size;
        if (a->pawl__used > a->pawl__peak)
            a->pawl__peak = a->pawl__used;
        return r;
    }
    return NULL;
}

/* Give back `size` (rounded) bytes at `p`, merging with its neighbours. */
static void give(pawl_arena *a, void *p, size_t size)
{
    unsigned char *b = p;
    assert(b >= a->pawl__base && b + size <= a->pawl__base + a->pawl__size);
    run *prev = NULL;
    run *next = a->pawl__free;
    while (next != NULL && (unsigned char *)next < b) {
        prev = next;
        next = next->next;
    }
    run *r = (run *)(void *)b;
    r->size = size;
    r->next = next;
    if (next != NULL && b + size == (unsigned char *)next) {
        r->size += next->size;
        r->next = next->next;
    }
    if (prev != NULL && (unsigned char *)prev + prev->size == b) {
        prev->size += r->size;
        prev->next = r->next;
    } else if (prev != NULL) {
        prev->next = r;
    } else {
        a->pawl__free = r;
    }
    a->pawl__used -= size;
}

void *pawl_arena_alloc(void *ud, void *ptr, size_t old_size, size_t new_size)
{
    pawl_arena *a = ud;
    if (a == NULL)
        return NULL;
    size_t have = ptr != NULL ? round_size(old_size) : 0;
    if (new_size == 0) {
        if (ptr != NULL && have != 0)
            give(a, ptr, have);
        return NULL;
    }
    size_t want = round_size(new_size);
    if (want == 0)
        return NULL; /* too large to round */
    if (ptr == NULL)
        return take(a, want);
    if (want <= have) { /* shrink in place: the tail goes back */
        if (want < have)
            give(a, (unsigned char *)ptr + want, have - want);
        return ptr;
    }
    void *q = take(a, want);
    if (q == NULL)
        return NULL; /* the old block is still yours */
    memcpy(q, ptr, old_size);
    give(a, ptr, have);
    return q;
}

size_t pawl_arena_used(const pawl_arena *a)
{
    return a != NULL ? a->pawl__used : 0;
}

size_t pawl_arena_peak(const pawl_arena *a)
{
    return a != NULL ? a->pawl__peak : 0;
}
