#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "core/arena.h"
#include "tap.h"

static int cleanup_calls;
static void count_cleanup(void *p)
{
	cleanup_calls += *(int *)p;
}

int main(void)
{
	struct arena *a = arena_new(1024);
	char *s, *big;
	int weight = 1;

	ok(a != NULL, "arena_new returns an arena");
	s = arena_strdup(a, "hello");
	is_str(s, "hello", "arena_strdup copies the string");
	ok(((uintptr_t)arena_alloc(a, 3) & 15) == 0, "allocations are 16-byte aligned");
	big = arena_alloc(a, 100000);
	ok(big != NULL, "an allocation larger than a block gets its own block");
	memset(big, 'x', 100000);
	is_str(arena_printf(a, "%d-%s", 42, "x"), "42-x", "arena_printf formats");
	big[99999] = '\0';
	s = arena_printf(a, "<%s>", big + 99000);
	ok(s && strlen(s) == 1001 && s[0] == '<' && s[1000] == '>' && s[500] == 'x',
	   "arena_printf formats a text longer than its stack buffer");
	s = arena_printf(a, "%0255d", 7);
	ok(s && strlen(s) == 255 && s[254] == '7', "arena_printf formats a text that just fits its stack buffer");
	s = arena_printf(a, "%0256d", 7);
	ok(s && strlen(s) == 256 && s[255] == '7', "arena_printf formats a text one byte too long for it");
	ok(arena_calloc(a, SIZE_MAX / 2, 4) == NULL, "arena_calloc refuses an overflowing size");
	arena_cleanup_add(a, count_cleanup, &weight);
	arena_cleanup_add(a, count_cleanup, &weight);
	arena_reset(a);
	is_int(cleanup_calls, 2, "reset runs every registered cleanup");
	is_int(arena_used(a), 0, "reset returns the memory");
	arena_reset(a);
	is_int(cleanup_calls, 2, "cleanups run once");
	is_str(arena_strndup(a, "abcdef", 3), "abc", "arena_strndup copies n bytes");
	arena_free(a);

	/* Blocks kept by a reset serve the next round, each one whole. */
	a = arena_new(1024);
	for (int round = 0; round < 3; round++) {
		char *parts[20];
		bool intact = true;

		for (int i = 0; i < 20; i++) {
			parts[i] = arena_alloc(a, 1000);
			memset(parts[i], 'a' + i, 1000);
		}
		for (int i = 0; i < 20; i++)
			for (int k = 0; k < 1000; k++)
				intact = intact && parts[i][k] == 'a' + i;
		ok(intact, "round %d: twenty blocks, none overlapping another", round);
		arena_reset(a);
	}
	arena_free(a);
	return done_testing();
}
