#ifndef BB_API_TIMELINES_H
#define BB_API_TIMELINES_H
/*
 * Timelines in the Mastodon API: home (the Redis timeline the site
 * shows, rebuilt from MariaDB when missing), public and hashtag, paged
 * by max_id/since_id/min_id with Link headers; and trending tags.
 */
#include <stddef.h>

struct api_page;
struct request;

int api_timelines_home(struct request *r);   /* GET /api/v1/timelines/home */
int api_timelines_public(struct request *r); /* GET /api/v1/timelines/public */
int api_timelines_tag(struct request *r);    /* GET /api/v1/timelines/tag/:hashtag */
int api_trends_tags(struct request *r);      /* GET /api/v1/trends/tags */
int api_trends_statuses(struct request *r);  /* GET /api/v1/trends/statuses */

/*
 * Answer a page of post ids (newest first, as paged): the posts the
 * viewer may see as Statuses, with the Link header of the page's
 * cursors (the ids asked for, so hidden posts never stall paging).
 */
int api_timeline_answer(struct request *r, const struct api_page *p, const unsigned long long *ids, size_t n);

#endif
