#ifndef BB_CORE_HTTPC_H
#define BB_CORE_HTTPC_H
/*
 * Outbound HTTP, one policy for every client of BeauBelle: one libcurl
 * start-up, the same time limits on every attempt, the same idea of
 * which failures are worth another attempt, the same backoff between
 * attempts. httpc_fetch() runs a whole request with it (remote
 * moderation, image generation, identity providers); the object storage
 * client (media/s3.c) signs and streams its own requests with the same
 * policy functions, the circuit breaker included.
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

/* --- the circuit breaker
 *
 * Per process and per host:port. After `failures` attempts in a row that
 * failed (no connection, a timeout, a 5xx), the circuit opens: calls to
 * that host fail at once, without touching the network, for `cooldown_ms`.
 * Then one call goes through as a probe (half-open); if it succeeds the
 * circuit closes, if it fails it stays open for another cool-down. Why:
 * a worker that waits out a timeout on a service known to be down is a
 * worker not serving anyone, and the service gets no breathing room.
 * Not thread-safe: every caller is a single-threaded worker process.
 */

#define HTTPC_BREAKER_FAILURES 5
#define HTTPC_BREAKER_COOLDOWN_MS 30000L
#define HTTPC_AUTHORITY_MAX 272 /* a host name, ':' and a port */

enum httpc_breaker_event {
	HTTPC_BREAKER_OPENED,        /* closed -> open */
	HTTPC_BREAKER_CLOSED,        /* a probe succeeded */
	HTTPC_BREAKER_SHORT_CIRCUIT, /* a call refused without a network call */
};

/* Failures in a row that open a circuit (0 turns the breaker off) and
 * how long it stays open; HTTPC_BREAKER_* until called. At start-up. */
void httpc_breaker_configure(int failures, long cooldown_ms);

/* Told of every event, e.g. to count it in metrics; NULL for none. */
void httpc_breaker_observe(void (*fn)(enum httpc_breaker_event ev));

/* Whether a call to url may go out now: 0, or -1 when its circuit is
 * open, with one line saying so in err (which may be NULL). */
int httpc_breaker_allow(const char *url, struct buf *err);

/* The outcome of an attempt on url: failed is 1 for a transport error or
 * a 5xx (httpc_retryable), 0 for any other answer. */
void httpc_breaker_record(const char *url, int failed);

/* The same two on a host:port key at now_ms (a monotonic clock): what the
 * two above call, and what the unit tests drive. */
int httpc_breaker_allow_at(const char *key, long long now_ms, struct buf *err);
void httpc_breaker_record_at(const char *key, int failed, long long now_ms);

/* Forget every circuit (tests). */
void httpc_breaker_reset(void);

/* --- whole requests */

enum httpc_status {
	HTTPC_OK = 0,
	HTTPC_EDOWN = -1,    /* could not connect, or 5xx, after the retries; or
			      * not tried, the host's circuit being open */
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

/* "host:port" of an http(s) URL into out, lowercase, with the scheme's
 * port when the URL names none. 0, or -1 as httpc_url_host. */
int httpc_url_authority(const char *url, char *out, size_t cap);

#endif
