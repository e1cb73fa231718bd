#ifndef BB_NET_HTTPC_H
#define BB_NET_HTTPC_H
/*
 * Outbound HTTP for the job worker (libcurl): one request with a bounded
 * time per attempt, a bounded answer, no redirects, http and https only,
 * and retries with backoff when the other side may be back soon
 * (connection errors, timeouts, 5xx answers). The remote moderation
 * client and the image generation client share it.
 *
 * Error messages go into err as one line that names the URL; a server's
 * own words are quoted in printable ASCII only, since they reach logs
 * and job reasons.
 */
#include <stddef.h>

#include "core/buf.h"

enum httpc_status {
	HTTPC_OK = 0,
	HTTPC_EDOWN = -1,    /* could not connect, or 5xx, after the retries */
	HTTPC_ETIMEOUT = -2, /* the last attempt ran out of time */
	HTTPC_EANSWER = -3,  /* a 4xx or another answer not worth retrying */
	HTTPC_ENOMEM = -4,
	HTTPC_ETOOBIG = -5,  /* the answer is larger than max_response */
};

struct httpc_request {
	const char *method;       /* "GET" or "POST" */
	const char *url;
	const char *content_type; /* of body; NULL when none */
	const char *bearer;       /* Authorization: Bearer; NULL or "" for none */
	const char *user_agent;
	const char *body;
	size_t body_len;
	long timeout_ms;          /* per attempt; connecting gets at most 3 s of it */
	int retries;              /* attempts after the first */
	size_t max_response;      /* bytes */
};

struct httpc_response {
	long status;
	struct buf body;          /* the caller releases it */
	int attempts;
};

/* Start libcurl; once, at start-up, before any thread. 0 or -1. */
int httpc_global_init(void);

/*
 * Perform req. HTTPC_OK means a 2xx answer, whose body is in res->body
 * (the caller releases it, whatever the result). Otherwise a negative
 * httpc_status with the reason in err.
 */
int httpc_fetch(const struct httpc_request *req, struct httpc_response *res, struct buf *err);

/* The host of an http(s) URL into out (lowercase, without port or
 * user info). 0, or -1 when url is not one or out is too small. */
int httpc_url_host(const char *url, char *out, size_t cap);

#endif
