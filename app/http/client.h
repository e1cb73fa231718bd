#ifndef BB_HTTP_CLIENT_H
#define BB_HTTP_CLIENT_H
/*
 * One outgoing HTTP request through libcurl, for the services BeauBelle
 * calls once per request (identity providers): http and https only, no
 * redirects followed, no proxy from the environment, the time limits of
 * core/httpc.h, a bounded answer. No retries: a person is waiting.
 */
#include <stddef.h>

#include "core/buf.h"

struct http_call {
	const char *url;
	/* NULL: GET. Otherwise POST of body with this Content-Type. */
	const char *content_type;
	const char *body;
	size_t body_len;
	/* HTTP Basic credentials, sent as given (callers encode them). */
	const char *user, *password;
	const char *bearer; /* "Authorization: Bearer <bearer>" when set */
	const char *accept;
	long timeout_ms;         /* whole request; connecting gets at most HTTPC_CONNECT_MS of it */
	size_t max_response;     /* bigger answers fail */
};

struct http_answer {
	long status;        /* 0 when no answer came */
	struct buf body;
	char content_type[128];
};

/* 0 when an answer came (any status), -1 with a reason in err when none
 * did: connection refused, timeout, too large. Release answer->body. */
int http_call_run(const struct http_call *call, struct http_answer *answer, struct buf *err);

#endif
