#ifndef BB_MIDDLEWARE_H
#define BB_MIDDLEWARE_H
/*
 * What runs between routing and the handler. Each step returns 0 to go
 * on, or the HTTP status that answers the request instead.
 */
struct request;

/* Choose r->lang: ?lang=, then the lang cookie, then the user's setting,
 * then Accept-Language, then the instance default. A ?lang= choice is remembered in a cookie. */
void middleware_language(struct request *r);
/* Load the session, read the body of unsafe methods under the route's
 * limits, and check CSRF on them. */
int middleware_before(struct request *r);
/* Conditional GET on the handler's answer: its ETag, and 304 when the
 * client has it already. */
void middleware_after(struct request *r);

#endif
