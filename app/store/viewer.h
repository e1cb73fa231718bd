#ifndef BB_VIEWER_H
#define BB_VIEWER_H
/*
 * What a logged-in viewer's feed needs to know about a batch of posts,
 * in one statement instead of four round trips: whose posts leave the
 * page (blocked either way, or muted), which posts the viewer liked or
 * super liked, which they reposted, and how many super likes they used
 * in the last day.
 */
#include <stdbool.h>
#include <stddef.h>

#include "store/likes.h"

struct arena;
struct db;

struct viewer_marks {
	unsigned long long *hidden; /* authors to leave out, at most BLOCKS_HIDDEN_MAX */
	size_t nhidden;
	enum like_kind *likes; /* for each id */
	bool *reposted;        /* for each id */
	int supers_today;
};

/* Marks for up to BATCH_MAX ids (more are left unmarked). */
int viewer_marks_load(struct db *db, struct arena *a, unsigned long long viewer, const unsigned long long *ids,
		      size_t n, struct viewer_marks *out);

#endif
