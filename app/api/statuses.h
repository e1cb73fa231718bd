#ifndef BB_API_STATUSES_H
#define BB_API_STATUSES_H
/*
 * Statuses (our posts) in the Mastodon API: posting an uploaded image
 * (Idempotency-Key honoured through the posts' unique key, so a retry
 * never makes a second post), reading, deleting, favourites (likes; the
 * super like is our extension) and reblogs (reposts), who did them, and
 * the viewer's favourites. Every change enqueues the same fan-out and
 * notification jobs as the site's buttons.
 */
struct request;

int api_statuses_create(struct request *r);        /* POST /api/v1/statuses */
int api_statuses_show(struct request *r);          /* GET /api/v1/statuses/:id */
int api_statuses_delete(struct request *r);        /* DELETE /api/v1/statuses/:id */
int api_statuses_context(struct request *r);       /* GET /api/v1/statuses/:id/context */
int api_statuses_source(struct request *r);        /* GET /api/v1/statuses/:id/source */
int api_statuses_favourite(struct request *r);     /* POST /api/v1/statuses/:id/favourite */
int api_statuses_unfavourite(struct request *r);   /* POST /api/v1/statuses/:id/unfavourite */
int api_statuses_superlike(struct request *r);     /* POST /api/v1/beaubelle/statuses/:id/superlike */
int api_statuses_reblog(struct request *r);        /* POST /api/v1/statuses/:id/reblog */
int api_statuses_unreblog(struct request *r);      /* POST /api/v1/statuses/:id/unreblog */
int api_statuses_favourited_by(struct request *r); /* GET /api/v1/statuses/:id/favourited_by */
int api_statuses_reblogged_by(struct request *r);  /* GET /api/v1/statuses/:id/reblogged_by */
int api_statuses_favourites(struct request *r);    /* GET /api/v1/favourites */

#endif
