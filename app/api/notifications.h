#ifndef BB_API_NOTIFICATIONS_H
#define BB_API_NOTIFICATIONS_H
/*
 * Notifications in the Mastodon API: the list (types[] and
 * exclude_types[] in Mastodon's names: a like and a super like are both
 * "favourite"), one, the unread count, dismissing one and clearing all.
 * Moderation outcomes have no Mastodon type and stay on the site.
 */
struct request;

int api_notifications_list(struct request *r);    /* GET /api/v1/notifications */
int api_notifications_show(struct request *r);    /* GET /api/v1/notifications/:id */
int api_notifications_unread(struct request *r);  /* GET /api/v1/notifications/unread_count */
int api_notifications_clear(struct request *r);   /* POST /api/v1/notifications/clear */
int api_notifications_dismiss(struct request *r); /* POST /api/v1/notifications/:id/dismiss */

#endif
