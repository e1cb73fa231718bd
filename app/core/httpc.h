#ifndef BB_CORE_HTTPC_H
#define BB_CORE_HTTPC_H
/*
 * What every outbound HTTP client of BeauBelle shares (the remote
 * inference client, moderation/remote.c, and the object storage client,
 * media/s3.c): one libcurl start-up, the same time limits on every
 * attempt, the same idea of which failures are worth another attempt,
 * and the same backoff between attempts. Each client keeps its own
 * request and answer handling; only the policy lives here, so the two
 * cannot drift apart.
 */
#include <stddef.h>

#include <curl/curl.h>

struct buf;

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

#endif
