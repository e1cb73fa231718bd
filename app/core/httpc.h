#ifndef BB_CORE_HTTPC_H
#define BB_CORE_HTTPC_H
/*
 * Outbound HTTP, one policy for every client of BeauBelle: one libcurl
 * start-up, the same time limits on every attempt, the same idea of
 * which failures are worth another attempt, the same backoff between
 * attempts. httpc_fetch() runs a whole request with it (remote
 * moderation, image generation, identity providers); the object storage
 * client (media/s3.c) signs and streams its own requests with the same
 * policy functions.
 */
#include <stddef.h>

#include <curl/curl.h>

#include "core/buf.h"


#define HTTPC_CONNECT_MS 3000L
#define HTTPC_BACKOFF_MS 200L
#define HTTPC_BACKOFF_MAX_MS 2000L

/* curl_global_init, once, at start-up before any thread (it is not
 * thread-safe). 0, or -1 with a reason in err. */
int httpc_global_init(struct buf *err);

/* The limits of one attempt on h: timeout_ms in all, connecting within
 * HTTPC_CONNECT_MS of it, no signals, the error text into msg
 * (CURL_ERROR_SIZE bytes), and the user agent. */
void httpc_limits(CURL *h, long timeout_ms, char *msg, const char *agent);

/* A transport error worth another attempt: the server may be back. */
int httpc_transient(CURLcode c);

/* Whether an attempt that ended with c and HTTP status is retried:
 * a transient transport error or a 5xx answer. */
int httpc_retryable(CURLcode c, long status);

/* Sleep before the next attempt and return the wait after that:
 * HTTPC_BACKOFF_MS doubling up to HTTPC_BACKOFF_MAX_MS. */
long httpc_backoff(long ms);

/* Up to max bytes of what a server said, printable ASCII only, appended
 * to err: it goes to logs and to job reasons. */
void httpc_quote(struct buf *err, const char *p, size_t n, size_t max);

/* --- whole requests */

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
	const char *user, *password; /* HTTP Basic, sent as given; NULL for none */
	const char *user_agent;
	const char *body;
	size_t body_len;
	long timeout_ms;          /* per attempt; connecting gets at most HTTPC_CONNECT_MS of it */
	int retries;              /* attempts after the first */
	size_t max_response;      /* bytes */
};

struct httpc_response {
	long status;              /* 0 when no answer came */
	struct buf body;          /* whatever the result; the caller releases it */
	int attempts;
};

/*
 * Perform req: http and https only, no redirects followed, no proxy from
 * the environment. HTTPC_OK means a 2xx answer; otherwise a negative
 * httpc_status with one line naming the URL in err (a server's own words
 * quoted in printable ASCII), and the answer, if one came, in res.
 */
int httpc_fetch(const struct httpc_request *req, struct httpc_response *res, struct buf *err);

/* The host of an http(s) URL into out (lowercase, without port or
 * user info). 0, or -1 when url is not one or out is too small. */
int httpc_url_host(const char *url, char *out, size_t cap);

#endif
