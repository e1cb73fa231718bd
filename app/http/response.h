#ifndef BB_RESPONSE_H
#define BB_RESPONSE_H
/*
 * What a handler builds: status, headers and body. Nothing is sent until
 * response_send(), so a handler can still fail and have the core render
 * an error page instead.
 */
#include <fcgiapp.h>
#include <stdbool.h>

#include "core/buf.h"

struct arena;

struct arena;

#define RESPONSE_MAX_HEADERS 32

struct response_header {
	const char *name;
	const char *value;
};

struct response {
	int status;
	const char *content_type;
	struct response_header headers[RESPONSE_MAX_HEADERS];
	size_t nheaders;
	struct buf body;
	bool head_only; /* HEAD request: headers, no body */
};

void response_init(struct response *res);
void response_release(struct response *res);
/* Add a header; name and value must outlive the response (arena or static).
 * Values with CR or LF are refused (-1): no header injection. */
int response_header_add(struct response *res, const char *name, const char *value);
const char *response_header_get(const struct response *res, const char *name);
const char *response_reason(int status);
/*
 * The default Content-Security-Policy with more targets in form-action
 * (space-separated sources): browsers apply form-action to the redirects
 * that follow a form, so a form that sends the person to another site
 * (an app's redirect URI, an identity provider) needs its origin there.
 * NULL when sources holds characters that would change the policy.
 */
char *response_csp_with_form_targets(struct arena *a, const char *sources);
/* Write the whole response to the FastCGI request. secure adds HSTS. */
int response_send(struct response *res, FCGX_Request *req, bool secure);
/*
 * Widen the default Content-Security-Policy for media kept elsewhere:
 * img_origin is added to img-src (where images load from) and
 * connect_origin to connect-src (where direct uploads go); either may be
 * NULL. Call once at start-up, before workers fork.
 */
void response_csp_allow(const char *img_origin, const char *connect_origin);
/* The default Content-Security-Policy in force. */
const char *response_csp_value(void);

#endif
