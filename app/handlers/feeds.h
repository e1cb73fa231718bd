#ifndef BB_HANDLERS_FEEDS_H
#define BB_HANDLERS_FEEDS_H
/*
 * Reading feeds: the home timeline (from Redis, rebuilt from MariaDB when
 * missing), Explore and tag timelines (from MariaDB), paged by id. The
 * HTML pages and the API share these and the card models built here.
 */
#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>

#include "store/likes.h"

struct post;
struct request;
struct viewer_marks;

struct feed_page {
	struct post *posts;      /* what the feed lists: a post or a repost */
	struct post **originals; /* for a repost its original, else NULL */
	size_t n;
	unsigned long long next_max_id; /* cursor for the next page; 0 when none */
	/* The home timeline: the newest and oldest ids the page looked at
	 * (the API's Link cursors; the posts may be fewer). */
	unsigned long long newest_id, oldest_id;
	/* The viewer's marks on each shown post (the original of a repost),
	 * loaded with the page for a logged-in viewer; NULL otherwise. */
	enum like_kind *likes;
	bool *reposted;
	int super_remaining;
};

/* The viewer's home timeline: up to limit posts older than max_id and
 * newer than since_id (0: no bound), past any ids that show nothing. */
int feed_home(struct request *r, unsigned long long max_id, unsigned long long since_id, size_t limit,
	      struct feed_page *out);
/* The newest count ids of the viewer's home timeline (count 0: all of
 * it), newest first: from Redis, or rebuilt from MariaDB when missing
 * (the API pages it by max_id, since_id and min_id). */
int feed_home_ids(struct request *r, size_t count, unsigned long long **ids, size_t *n);
int feed_explore(struct request *r, unsigned long long max_id, size_t limit, struct feed_page *out);
/* The provenance filter a feed page was asked for: ?ai=only or ?ai=hide
 * (any other value shows everything); an int of enum posts_ai. */
int feed_ai_filter(struct request *r);
/* The filter as a query value ("only", "hide", or "" for everything). */
const char *feed_ai_param(int ai);
/* Add "ai_filter" (the toggle's links, the current one marked) and
 * "ai_param" to a page model; base is the page's path. */
void feed_ai_model(struct request *r, struct json_object *m, const char *base, int ai);
int feed_tag(struct request *r, const char *tag, unsigned long long max_id, size_t limit, struct feed_page *out);
/* Load the given ids as a page (hidden authors dropped). */
int feed_from_ids(struct request *r, const unsigned long long *ids, size_t n, struct feed_page *out);
/* The same with the viewer's marks already loaded (NULL: a visitor). */
int feed_from_ids_marked(struct request *r, const unsigned long long *ids, size_t n, const struct viewer_marks *marks,
			 struct feed_page *out);
/* Whether uid is among the hidden accounts of a viewer's marks. */
bool feed_hidden(const unsigned long long *hidden, size_t nhidden, unsigned long long uid);
/* Cards for a page: each post's model plus who reposted it and the
 * viewer's like, super like and repost state. */
struct json_object *feed_cards(struct request *r, const struct feed_page *page);
/* The viewer's super likes left today (for the star button). */
int feed_super_remaining(struct request *r);
/* The same, from the page's marks when it has them. */
int feed_page_super_remaining(struct request *r, const struct feed_page *page);

#endif
