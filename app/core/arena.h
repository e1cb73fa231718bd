#ifndef BB_ARENA_H
#define BB_ARENA_H
/*
 * A region allocator: many small allocations, freed together in one call.
 * Each request owns one arena; arena_reset() after the response runs the
 * registered cleanups (newest first) and returns the memory, keeping the
 * first block so the next request allocates nothing from malloc.
 */
#include <stdarg.h>
#include <stddef.h>

struct arena;

struct arena *arena_new(size_t block_size);
void arena_free(struct arena *a);
void arena_reset(struct arena *a);

/* Aligned to 16 bytes. NULL when out of memory or n is absurd. */
void *arena_alloc(struct arena *a, size_t n);
void *arena_calloc(struct arena *a, size_t count, size_t size);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_strdup(struct arena *a, const char *s);
char *arena_printf(struct arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
char *arena_vprintf(struct arena *a, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

/*
 * Run fn(data) when the arena is reset or freed. Used for foreign
 * resources (MYSQL_STMT, json_object, temp files) that live one request.
 * Returns 0, or -1 when out of memory (fn is then called at once).
 */
int arena_cleanup_add(struct arena *a, void (*fn)(void *), void *data);

/* Bytes handed out since the last reset; for tests and metrics. */
size_t arena_used(const struct arena *a);

#endif
