#ifndef BB_MIDDLEWARE_H
#define BB_MIDDLEWARE_H
/*
 * What runs between routing and the handler. Each step returns 0 to go
 * on, or the HTTP status that answers the request instead.
 */
struct request;

/* Choose r->lang: ?lang=, then the lang cookie, then Accept-Language,
 * then the instance default. A ?lang= choice is remembered in a cookie. */
void middleware_language(struct request *r);
/* Read the body of unsafe methods under the route's limits. */
int middleware_before(struct request *r);

#endif
