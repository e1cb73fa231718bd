#ifndef BB_BLOCKS_H
#define BB_BLOCKS_H
/*
 * Blocks and mutes. A block ends follows both ways (with their counters)
 * and hides each account from the other; a mute hides an account's posts
 * from the muter only, without telling anyone.
 */
#include <stdbool.h>
#include <stddef.h>

#include "store/db.h"

struct arena;

int blocks_create(struct db *db, unsigned long long blocker, unsigned long long blocked);
int blocks_delete(struct db *db, unsigned long long blocker, unsigned long long blocked);
int mutes_create(struct db *db, unsigned long long muter, unsigned long long muted);
int mutes_delete(struct db *db, unsigned long long muter, unsigned long long muted);
/* A block in either direction between a and b. */
int blocks_between(struct db *db, unsigned long long a, unsigned long long b, bool *out);
/* Whether viewer blocks or mutes target. */
int blocks_state(struct db *db, unsigned long long viewer, unsigned long long target, bool *blocking,
		 bool *muting);

struct block_entry {
	unsigned long long user_id;
	char *username;
	char *display_name;
};
/* The accounts viewer blocks (mutes when muted), newest first, at most limit. */
int blocks_list(struct db *db, struct arena *a, unsigned long long viewer, bool muted, size_t limit,
		struct block_entry **out, size_t *n);

/* The most accounts of each kind (blocking, blocked, muted) a viewer's
 * hidden set holds (store/viewer.c). */
#define BLOCKS_HIDDEN_MAX 10000

#endif
