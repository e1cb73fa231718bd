#ifndef BB_API_PAGING_H
#define BB_API_PAGING_H
/*
 * Mastodon's cursor paging: max_id (strictly older than), since_id
 * (newer than, newest first), min_id (the page just newer than the
 * cursor, for filling gaps) and limit; and the Link header that is the
 * only way through lists keyed by hidden ids (favourites, followers,
 * notifications): rel="next" (older) on every non-empty page, rel="prev"
 * (newer) on every page, empty ones included, each carrying the
 * request's other parameters. The rel values are quoted and the URLs
 * percent-encoded (no raw commas), as masto.js parses them.
 */
#include <stddef.h>

struct request;

struct api_page {
	unsigned long long max_id, since_id, min_id; /* 0: not given */
	size_t limit;
};

/* Read the cursors and the limit (dflt when absent, clamped to 1..max).
 * 0, or 400 (answered) when a cursor is not a number. */
int api_page_args(struct request *r, size_t dflt, size_t max, struct api_page *p);

/* Where a list's ids come from: newest first below before (0: from the
 * newest), and optionally oldest first above after (for min_id). */
struct api_id_source {
	int (*older)(struct request *r, void *ctx, unsigned long long before, size_t limit, unsigned long long **ids,
		     size_t *n);
	int (*newer)(struct request *r, void *ctx, unsigned long long after, size_t limit, unsigned long long **ids,
		     size_t *n);
	void *ctx;
};

/* The ids of the page p asks for, newest first (arena). DB_OK or a DB_ error. */
int api_page_ids(struct request *r, const struct api_page *p, const struct api_id_source *src,
		 unsigned long long **ids, size_t *n);
/* The same over a whole list already in memory, newest first. */
int api_page_slice(struct request *r, const struct api_page *p, const unsigned long long *all, size_t n_all,
		   unsigned long long **ids, size_t *n);
/* Set the Link header of a page whose cursors run from newest to oldest
 * (both 0 for an empty page). */
void api_page_link(struct request *r, const struct api_page *p, unsigned long long newest, unsigned long long oldest);

#endif
