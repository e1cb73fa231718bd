/*
 * Outbound HTTP with libcurl (httpc.h).
 */
#include "net/httpc.h"

#include <ctype.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

#include "core/banned.h"

#define HTTPC_CONNECT_MS 3000L
#define HTTPC_BACKOFF_MS 200L
#define HTTPC_BACKOFF_MAX_MS 2000L

int httpc_global_init(void)
{
	return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 0 : -1;
}

struct httpc_sink {
	struct buf *body;
	size_t max;
	int too_big;
};

static size_t httpc_write(char *p, size_t size, size_t nmemb, void *userdata)
{
	struct httpc_sink *s = userdata;
	size_t n = size * nmemb;

	if (n > s->max - s->body->len) {
		s->too_big = 1;
		return 0;
	}
	return buf_append(s->body, p, n) < 0 ? 0 : n;
}

/* Up to max bytes of what a server said, printable ASCII only. */
static void httpc_quote(struct buf *err, const struct buf *body, size_t max)
{
	for (size_t i = 0; i < body->len && i < max; i++) {
		unsigned char ch = (unsigned char)body->ptr[i];

		buf_putc(err, ch >= 0x20 && ch < 0x7f && ch != '"' ? (char)ch : '?');
	}
}

/* A transport error worth another attempt: the server may be back. */
static int httpc_transient(CURLcode c)
{
	switch (c) {
	case CURLE_COULDNT_CONNECT:
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_GOT_NOTHING:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_PARTIAL_FILE:
	case CURLE_SSL_CONNECT_ERROR:
		return 1;
	default:
		return 0;
	}
}

static void httpc_sleep_ms(long ms)
{
	struct timespec t = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&t, &t) != 0)
		;
}

/* One attempt; the answer in res->body, the reason in err. */
static int httpc_once(const struct httpc_request *q, struct httpc_response *res, struct buf *err)
{
	CURL *h = curl_easy_init();
	struct curl_slist *hdr = NULL, *tmp;
	struct httpc_sink sink = { &res->body, q->max_response, 0 };
	struct buf line = BUF_INIT;
	char msg[CURL_ERROR_SIZE] = "";
	CURLcode c;
	int rc;

	if (!h) {
		buf_puts(err, "libcurl: cannot make a handle");
		return HTTPC_ENOMEM;
	}
	hdr = curl_slist_append(NULL, "Expect:"); /* no 100-continue round trip */
	if (hdr && q->content_type && buf_printf(&line, "Content-Type: %s", q->content_type) == 0) {
		tmp = curl_slist_append(hdr, line.ptr);
		hdr = tmp ? tmp : (curl_slist_free_all(hdr), NULL);
	}
	buf_clear(&line);
	if (hdr && q->bearer && q->bearer[0] && buf_printf(&line, "Authorization: Bearer %s", q->bearer) == 0) {
		tmp = curl_slist_append(hdr, line.ptr);
		hdr = tmp ? tmp : (curl_slist_free_all(hdr), NULL);
	}
	buf_release(&line);
	if (!hdr) {
		curl_easy_cleanup(h);
		buf_puts(err, "out of memory");
		return HTTPC_ENOMEM;
	}
	curl_easy_setopt(h, CURLOPT_URL, q->url);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
	if (strcmp(q->method, "POST") == 0) {
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, q->body ? q->body : "");
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)(q->body ? q->body_len : 0));
	}
	/* An engine's URL is configuration; where it sends us is not. */
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
#else
	curl_easy_setopt(h, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, q->timeout_ms);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, q->timeout_ms < HTTPC_CONNECT_MS ? q->timeout_ms : HTTPC_CONNECT_MS);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, httpc_write);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &sink);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, msg);
	curl_easy_setopt(h, CURLOPT_USERAGENT, q->user_agent ? q->user_agent : "BeauBelle");
	c = curl_easy_perform(h);
	res->status = 0;
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &res->status);
	if (c != CURLE_OK) {
		buf_printf(err, "%s: %s", q->url, sink.too_big ? "the answer is too large" : msg[0] ? msg : curl_easy_strerror(c));
		rc = sink.too_big ? HTTPC_ETOOBIG : c == CURLE_OPERATION_TIMEDOUT ? HTTPC_ETIMEOUT :
		     httpc_transient(c) ? HTTPC_EDOWN : HTTPC_EANSWER;
	} else if (res->status < 200 || res->status > 299) {
		buf_printf(err, "%s: HTTP %ld: ", q->url, res->status);
		httpc_quote(err, &res->body, 200);
		rc = res->status >= 500 ? HTTPC_EDOWN : HTTPC_EANSWER;
	} else {
		rc = HTTPC_OK;
	}
	curl_slist_free_all(hdr);
	curl_easy_cleanup(h);
	return rc;
}

int httpc_fetch(const struct httpc_request *q, struct httpc_response *res, struct buf *err)
{
	struct buf why = BUF_INIT;
	long backoff = HTTPC_BACKOFF_MS;
	int rc;

	res->attempts = 0;
	for (int attempt = 0;; attempt++) {
		buf_clear(&res->body);
		buf_clear(&why);
		res->attempts++;
		rc = httpc_once(q, res, &why);
		if ((rc != HTTPC_EDOWN && rc != HTTPC_ETIMEOUT) || attempt >= q->retries)
			break;
		httpc_sleep_ms(backoff);
		backoff = backoff * 2 > HTTPC_BACKOFF_MAX_MS ? HTTPC_BACKOFF_MAX_MS : backoff * 2;
	}
	if (rc != HTTPC_OK) {
		if ((rc == HTTPC_EDOWN || rc == HTTPC_ETIMEOUT) && q->retries > 0)
			buf_printf(err, "after %d attempts: ", q->retries + 1);
		buf_puts(err, why.ptr ? why.ptr : "failed");
	}
	buf_release(&why);
	return rc;
}

int httpc_url_host(const char *url, char *out, size_t cap)
{
	const char *p, *end, *at;
	size_t n;

	if (strncmp(url, "http://", 7) == 0)
		p = url + 7;
	else if (strncmp(url, "https://", 8) == 0)
		p = url + 8;
	else
		return -1;
	end = p + strcspn(p, "/?#");
	at = memchr(p, '@', (size_t)(end - p));
	if (at)
		p = at + 1;
	if (*p == '[') { /* an IPv6 literal keeps its brackets */
		const char *close = memchr(p, ']', (size_t)(end - p));

		if (!close)
			return -1;
		n = (size_t)(close - p) + 1;
	} else {
		const char *colon = memchr(p, ':', (size_t)(end - p));

		n = (size_t)((colon ? colon : end) - p);
	}
	if (n == 0 || n >= cap)
		return -1;
	for (size_t i = 0; i < n; i++)
		out[i] = (char)tolower((unsigned char)p[i]);
	out[n] = '\0';
	return 0;
}
