#ifndef BB_API_MEDIA_H
#define BB_API_MEDIA_H
/*
 * Media uploads in the Mastodon API: the image goes through the same
 * pipeline, rate limit and quota as the compose form, and becomes a
 * media row with no post yet, which POST /api/v1/statuses attaches.
 * Processing is synchronous, so uploads answer 200 with the URL set
 * (never the 202 of a deferred upload) and GET answers 200, never 206.
 * Only the uploader sees an upload, and only until it is posted; one
 * never posted is deleted after a day.
 */
struct request;

int api_media_create(struct request *r); /* POST /api/v2/media, /api/v1/media */
int api_media_show(struct request *r);   /* GET /api/v1/media/:id */
int api_media_update(struct request *r); /* PUT /api/v1/media/:id */

#endif
