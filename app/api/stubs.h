#ifndef BB_API_STUBS_H
#define BB_API_STUBS_H
/*
 * Endpoints clients call right after logging in for features we do not
 * have (filters, lists, announcements, markers, bookmarks...). They
 * answer an empty list or object, as a server with nothing there would,
 * because a 404 makes several clients give up on the login. Scopes are
 * still enforced as for the real thing. Also the CORS preflight.
 */
struct request;

int api_stub_custom_emojis(struct request *r);  /* GET /api/v1/custom_emojis */
int api_stub_filters(struct request *r);        /* GET /api/v1/filters, /api/v2/filters */
int api_stub_lists(struct request *r);          /* GET /api/v1/lists */
int api_stub_announcements(struct request *r);  /* GET /api/v1/announcements */
int api_stub_followed_tags(struct request *r);  /* GET /api/v1/followed_tags */
int api_stub_follow_requests(struct request *r); /* GET /api/v1/follow_requests */
int api_stub_bookmarks(struct request *r);      /* GET /api/v1/bookmarks */
int api_stub_conversations(struct request *r);  /* GET /api/v1/conversations */
int api_stub_scheduled(struct request *r);      /* GET /api/v1/scheduled_statuses */
int api_stub_markers(struct request *r);        /* GET /api/v1/markers */
int api_stub_preferences(struct request *r);    /* GET /api/v1/preferences */
int api_stub_public_list(struct request *r);    /* GET /api/v1/instance/rules, peers, trends/links */
int api_preflight(struct request *r);           /* OPTIONS on the API: CORS preflight */

#endif
