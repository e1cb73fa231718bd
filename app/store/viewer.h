#ifndef BB_VIEWER_H
#define BB_VIEWER_H
/*
 * What a logged-in viewer's feed needs besides the posts (which carry the
 * viewer's likes and reposts, posts_by_ids()), in one statement: whose
 * posts leave the page (blocked either way, or muted) and how many super
 * likes they used in the last day.
 */
#include <stddef.h>

struct arena;
struct db;

struct viewer_marks {
	unsigned long long *hidden; /* authors to leave out, at most BLOCKS_HIDDEN_MAX */
	size_t nhidden;
	int supers_today;
};

int viewer_marks_load(struct db *db, struct arena *a, unsigned long long viewer, struct viewer_marks *out);

#endif
