/* arena.h - a region allocator: many small allocations released at once.
 *
 * Used for parsed documents whose pieces all live as long as the whole
 * (a question bank, the referential). arena_alloc() returns zeroed memory
 * or NULL when memory runs out; nothing is freed until arena_free(), which
 * releases every block. A zeroed struct arena is a valid empty arena. */
#ifndef BASE_ARENA_H
#define BASE_ARENA_H
#include <stddef.h>

struct arena_block;
struct arena {
    struct arena_block *head;
};

void *arena_alloc(struct arena *a, size_t n);
/* A copy of s (NULL for NULL), or NULL when memory runs out. */
char *arena_strdup(struct arena *a, const char *s);
void arena_free(struct arena *a);

#endif
