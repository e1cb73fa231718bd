#ifndef BB_HANDLERS_NOTIFICATIONS_H
#define BB_HANDLERS_NOTIFICATIONS_H
/* The notifications page, its live and polled counts, and the settings. */
struct request;

int notifications_page(struct request *r);      /* GET /notifications */
int notifications_read_all(struct request *r);  /* POST /notifications/read */
int notifications_unread(struct request *r);    /* GET /notifications/unread.json */
int notifications_live_auth(struct request *r); /* GET /_live/check (nginx subrequest) */
int notifications_settings(struct request *r);  /* GET /settings/notifications */
int notifications_settings_save(struct request *r); /* POST /settings/notifications */

#endif
