#ifndef BB_ROUTER_H
#define BB_ROUTER_H
/*
 * The route table: method + path pattern -> handler. A pattern segment is
 * a literal ("explore"), a parameter (":id"), or a literal prefix and a
 * parameter ("@:username"). Parameters never match an empty string or
 * span a '/'. The pattern doubles as the low-cardinality metrics label.
 */
#include <stddef.h>

struct request;

typedef int (*route_handler)(struct request *r);

enum route_flags {
	ROUTE_UPLOAD = 1 << 0,  /* the body may carry files */
	ROUTE_NO_CSRF = 1 << 1, /* e.g. token-authenticated API writes */
	ROUTE_HEALTH = 1 << 2,  /* answers whoever asks, even when sessions cannot be read */
};

struct route {
	const char *method;
	const char *pattern;
	route_handler handler;
	unsigned flags;
};

extern const struct route routes[];
extern const size_t routes_count;

/*
 * Match the request's method and path against the table and fill the
 * request's route and parameters. Returns 0, 404 (no pattern matches) or
 * 405 (a pattern matches under another method; *allow lists them).
 * HEAD matches GET routes.
 */
int route_match(struct request *r, const char **allow);

#endif
