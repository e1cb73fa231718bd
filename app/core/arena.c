#include "core/arena.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/banned.h"

#define ARENA_ALIGN 16
#define ARENA_MAX_ALLOC ((size_t)1 << 31)

struct arena_block {
	struct arena_block *next;
	size_t size; /* usable bytes after the header */
	size_t used;
	_Alignas(ARENA_ALIGN) unsigned char data[];
};

struct arena_cleanup {
	struct arena_cleanup *next;
	void (*fn)(void *);
	void *data;
};

/* Normal blocks a reset keeps for the next use instead of freeing:
 * a worker's request arena grows by a few each request, and giving
 * 64 KB blocks back to malloc made it consolidate its free lists every
 * time (docs/performance.md). */
#define ARENA_SPARE_MAX 8

struct arena {
	struct arena_block *head; /* current block; the first block is last */
	struct arena_block *spare; /* normal-sized blocks kept by arena_reset */
	unsigned nspare;
	struct arena_cleanup *cleanups;
	size_t block_size;
	size_t used;
};

static struct arena_block *arena_block_new(size_t size)
{
	struct arena_block *b = malloc(sizeof(*b) + size);

	if (!b)
		return NULL;
	b->next = NULL;
	b->size = size;
	b->used = 0;
	return b;
}

struct arena *arena_new(size_t block_size)
{
	struct arena *a = malloc(sizeof(*a));

	if (!a)
		return NULL;
	if (block_size < 1024)
		block_size = 1024;
	a->block_size = block_size;
	a->spare = NULL;
	a->nspare = 0;
	a->cleanups = NULL;
	a->used = 0;
	a->head = arena_block_new(block_size);
	if (!a->head) {
		free(a);
		return NULL;
	}
	return a;
}

static void arena_run_cleanups(struct arena *a)
{
	while (a->cleanups) {
		struct arena_cleanup *c = a->cleanups;

		a->cleanups = c->next;
		c->fn(c->data);
	}
}

void arena_reset(struct arena *a)
{
	arena_run_cleanups(a);
	while (a->head->next) {
		struct arena_block *b = a->head;

		a->head = b->next;
		if (b->size == a->block_size && a->nspare < ARENA_SPARE_MAX) {
			memset(b->data, 0xA5, b->used);
			b->used = 0;
			b->next = a->spare;
			a->spare = b;
			a->nspare++;
		} else {
			free(b);
		}
	}
	/* Poison what the last request used so a stale pointer reads garbage
	 * rather than plausible old data. */
	memset(a->head->data, 0xA5, a->head->used);
	a->head->used = 0;
	a->used = 0;
}

void arena_free(struct arena *a)
{
	if (!a)
		return;
	arena_reset(a);
	while (a->spare) {
		struct arena_block *b = a->spare;

		a->spare = b->next;
		free(b);
	}
	free(a->head);
	free(a);
}

void *arena_alloc(struct arena *a, size_t n)
{
	struct arena_block *b = a->head;
	size_t start;

	if (n == 0)
		n = 1;
	if (n > ARENA_MAX_ALLOC)
		return NULL;
	start = (b->used + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
	if (start > b->size || b->size - start < n) {
		/* Big allocations get a block of their own, so one large
		 * body does not waste the rest of a fresh normal block. */
		size_t size = n > a->block_size / 4 ? n : a->block_size;

		if (size == a->block_size && a->spare) {
			b = a->spare;
			a->spare = b->next;
			a->nspare--;
		} else {
			b = arena_block_new(size);
		}
		if (!b)
			return NULL;
		b->next = a->head;
		a->head = b;
		start = 0;
	}
	b->used = start + n;
	a->used += n;
	return b->data + start;
}

void *arena_calloc(struct arena *a, size_t count, size_t size)
{
	void *p;

	if (size && count > SIZE_MAX / size)
		return NULL;
	p = arena_alloc(a, count * size);
	if (p)
		memset(p, 0, count * size);
	return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1);

	if (!p)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

/* Most results are short: formatted once on the stack and copied, the
 * longer ones measured first and formatted a second time. */
char *arena_vprintf(struct arena *a, const char *fmt, va_list ap)
{
	char small[256];
	va_list cp;
	int n;
	char *p;

	va_copy(cp, ap);
	n = vsnprintf(small, sizeof(small), fmt, cp);
	va_end(cp);
	if (n < 0)
		return NULL;
	if ((size_t)n < sizeof(small))
		return arena_strndup(a, small, (size_t)n);
	p = arena_alloc(a, (size_t)n + 1);
	if (!p)
		return NULL;
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	p = arena_vprintf(a, fmt, ap);
	va_end(ap);
	return p;
}

int arena_cleanup_add(struct arena *a, void (*fn)(void *), void *data)
{
	struct arena_cleanup *c = arena_alloc(a, sizeof(*c));

	if (!c) {
		fn(data);
		return -1;
	}
	c->fn = fn;
	c->data = data;
	c->next = a->cleanups;
	a->cleanups = c;
	return 0;
}

size_t arena_used(const struct arena *a)
{
	return a->used;
}
