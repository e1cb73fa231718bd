/*
 * The shared outbound HTTP policy; see httpc.h.
 */
#include <ctype.h>
#include <string.h>
#include <time.h>

#include "core/buf.h"
#include "core/httpc.h"
#include "core/log.h"

#include "core/banned.h"

int httpc_global_init(struct buf *err)
{
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		buf_puts(err, "libcurl failed to start");
		return -1;
	}
	return 0;
}

void httpc_limits(CURL *h, long timeout_ms, char *msg, const char *agent)
{
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout_ms);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
			 timeout_ms < HTTPC_CONNECT_MS ? timeout_ms : HTTPC_CONNECT_MS);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, msg);
	curl_easy_setopt(h, CURLOPT_USERAGENT, agent);
}

int httpc_transient(CURLcode c)
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

int httpc_retryable(CURLcode c, long status)
{
	return c != CURLE_OK ? httpc_transient(c) : status >= 500;
}

long httpc_backoff(long ms)
{
	struct timespec t = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&t, &t) != 0)
		;
	return ms * 2 > HTTPC_BACKOFF_MAX_MS ? HTTPC_BACKOFF_MAX_MS : ms * 2;
}

void httpc_quote(struct buf *err, const char *p, size_t n, size_t max)
{
	for (size_t i = 0; i < n && i < max; i++) {
		unsigned char ch = (unsigned char)p[i];

		buf_putc(err, ch >= 0x20 && ch < 0x7f && ch != '"' ? (char)ch : '?');
	}
}

/* --- the circuit breaker */

/* A process talks to a handful of services; a host beyond this many
 * takes the slot used longest ago. */
#define HTTPC_BREAKER_SLOTS 16

struct httpc_circuit {
	char key[HTTPC_AUTHORITY_MAX];
	int failures;        /* attempts in a row that failed */
	int open;            /* 1 from the failure that opened it to the next success */
	long long opened_at; /* ms; when it opened, or when its last probe went out */
	long long used_at;   /* ms; for the choice of a slot */
};

static struct httpc_circuit httpc_circuits[HTTPC_BREAKER_SLOTS];
static int httpc_breaker_failures = HTTPC_BREAKER_FAILURES;
static long httpc_breaker_cooldown_ms = HTTPC_BREAKER_COOLDOWN_MS;
static void (*httpc_breaker_observer)(enum httpc_breaker_event ev);

void httpc_breaker_configure(int failures, long cooldown_ms)
{
	httpc_breaker_failures = failures < 0 ? 0 : failures;
	httpc_breaker_cooldown_ms = cooldown_ms < 1 ? 1 : cooldown_ms;
}

void httpc_breaker_observe(void (*fn)(enum httpc_breaker_event ev))
{
	httpc_breaker_observer = fn;
}

void httpc_breaker_reset(void)
{
	memset(httpc_circuits, 0, sizeof(httpc_circuits));
}

static void httpc_breaker_tell(enum httpc_breaker_event ev)
{
	if (httpc_breaker_observer)
		httpc_breaker_observer(ev);
}

/* The circuit of key, or NULL when there is none and create is 0. */
static struct httpc_circuit *httpc_circuit_find(const char *key, int create, long long now_ms)
{
	struct httpc_circuit *oldest = &httpc_circuits[0];

	for (int i = 0; i < HTTPC_BREAKER_SLOTS; i++) {
		struct httpc_circuit *c = &httpc_circuits[i];

		if (c->key[0] && strcmp(c->key, key) == 0)
			return c;
		if (!c->key[0] || (oldest->key[0] && c->used_at < oldest->used_at))
			oldest = c;
	}
	if (!create || strlen(key) >= sizeof(oldest->key))
		return NULL;
	memset(oldest, 0, sizeof(*oldest));
	memcpy(oldest->key, key, strlen(key) + 1);
	oldest->used_at = now_ms;
	return oldest;
}

int httpc_breaker_allow_at(const char *key, long long now_ms, struct buf *err)
{
	struct httpc_circuit *c = httpc_circuit_find(key, 0, now_ms);
	long long wait;

	if (!c || !c->open || httpc_breaker_failures == 0)
		return 0;
	c->used_at = now_ms;
	wait = c->opened_at + httpc_breaker_cooldown_ms - now_ms;
	if (wait <= 0) {
		/* Half-open: this call is the probe. Until it reports, the
		 * next calls wait another cool-down (a probe whose outcome
		 * is never recorded cannot keep the circuit shut forever). */
		c->opened_at = now_ms;
		return 0;
	}
	httpc_breaker_tell(HTTPC_BREAKER_SHORT_CIRCUIT);
	if (err)
		buf_printf(err, "%s: not called, %d calls in a row failed (next try in %lld ms)", key, c->failures,
			   wait);
	return -1;
}

void httpc_breaker_record_at(const char *key, int failed, long long now_ms)
{
	struct httpc_circuit *c = httpc_circuit_find(key, failed, now_ms);

	if (!c)
		return; /* a success on a host that never failed */
	c->used_at = now_ms;
	if (!failed) {
		if (c->open) {
			log_info("event=circuit_closed host=%s", key);
			httpc_breaker_tell(HTTPC_BREAKER_CLOSED);
		}
		c->failures = 0;
		c->open = 0;
		return;
	}
	if (c->failures < 1000000)
		c->failures++;
	if (c->open) {
		c->opened_at = now_ms; /* the probe failed: another cool-down */
	} else if (httpc_breaker_failures > 0 && c->failures >= httpc_breaker_failures) {
		c->open = 1;
		c->opened_at = now_ms;
		log_warn("event=circuit_opened host=%s failures=%d cooldown_ms=%ld", key, c->failures,
			 httpc_breaker_cooldown_ms);
		httpc_breaker_tell(HTTPC_BREAKER_OPENED);
	}
}

static long long httpc_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int httpc_breaker_allow(const char *url, struct buf *err)
{
	char key[HTTPC_AUTHORITY_MAX];

	if (httpc_url_authority(url, key, sizeof(key)) < 0)
		return 0; /* not a URL this breaker knows; the call will say why */
	return httpc_breaker_allow_at(key, httpc_now_ms(), err);
}

void httpc_breaker_record(const char *url, int failed)
{
	char key[HTTPC_AUTHORITY_MAX];

	if (httpc_url_authority(url, key, sizeof(key)) == 0)
		httpc_breaker_record_at(key, failed, httpc_now_ms());
}

/* --- whole requests */

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

static struct curl_slist *httpc_header(struct curl_slist *hdr, const char *name, const char *value)
{
	struct buf line = BUF_INIT;
	struct curl_slist *tmp = NULL;

	if (hdr && buf_printf(&line, "%s: %s", name, value) >= 0)
		tmp = curl_slist_append(hdr, line.ptr);
	buf_release(&line);
	if (!tmp)
		curl_slist_free_all(hdr);
	return tmp;
}

/* One attempt; the answer in res->body, the reason in err. */
static int httpc_once(const struct httpc_request *q, struct httpc_response *res, struct buf *err)
{
	CURL *h = curl_easy_init();
	struct curl_slist *hdr;
	struct httpc_sink sink = { &res->body, q->max_response, 0 };
	char msg[CURL_ERROR_SIZE] = "";
	CURLcode c;
	int rc;

	if (!h) {
		buf_puts(err, "libcurl: cannot make a handle");
		return HTTPC_ENOMEM;
	}
	hdr = curl_slist_append(NULL, "Expect:"); /* no 100-continue round trip */
	if (q->content_type)
		hdr = httpc_header(hdr, "Content-Type", q->content_type);
	if (q->bearer && q->bearer[0]) {
		struct buf v = BUF_INIT;

		if (buf_printf(&v, "Bearer %s", q->bearer) >= 0) {
			hdr = httpc_header(hdr, "Authorization", v.ptr);
		} else {
			curl_slist_free_all(hdr);
			hdr = NULL;
		}
		buf_release(&v);
	}
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
	if (q->user) {
		curl_easy_setopt(h, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		curl_easy_setopt(h, CURLOPT_USERNAME, q->user);
		curl_easy_setopt(h, CURLOPT_PASSWORD, q->password ? q->password : "");
	}
	/* A service's URL is configuration; where it sends us is not. */
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_PROXY, "");
	httpc_limits(h, q->timeout_ms, msg, q->user_agent ? q->user_agent : "BeauBelle");
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, httpc_write);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &sink);
	c = curl_easy_perform(h);
	res->status = 0;
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &res->status);
	if (c != CURLE_OK) {
		buf_printf(err, "%s: %s", q->url, sink.too_big ? "the answer is too large" : msg[0] ? msg : curl_easy_strerror(c));
		rc = sink.too_big ? HTTPC_ETOOBIG : c == CURLE_OPERATION_TIMEDOUT ? HTTPC_ETIMEOUT :
		     httpc_transient(c) ? HTTPC_EDOWN : HTTPC_EANSWER;
	} else if (res->status < 200 || res->status > 299) {
		buf_printf(err, "%s: HTTP %ld: ", q->url, res->status);
		httpc_quote(err, res->body.ptr, res->body.len, 200);
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
	res->status = 0;
	for (int attempt = 0;; attempt++) {
		buf_clear(&res->body);
		buf_clear(&why);
		if (httpc_breaker_allow(q->url, &why) < 0) {
			rc = HTTPC_EDOWN;
			break;
		}
		res->attempts++;
		rc = httpc_once(q, res, &why);
		if (rc != HTTPC_ENOMEM) /* our own failure says nothing of the host */
			httpc_breaker_record(q->url, rc == HTTPC_EDOWN || rc == HTTPC_ETIMEOUT);
		if ((rc != HTTPC_EDOWN && rc != HTTPC_ETIMEOUT) || attempt >= q->retries)
			break;
		backoff = httpc_backoff(backoff);
	}
	if (rc != HTTPC_OK) {
		if ((rc == HTTPC_EDOWN || rc == HTTPC_ETIMEOUT) && res->attempts > 1)
			buf_printf(err, "after %d attempts: ", res->attempts);
		buf_puts(err, why.ptr ? why.ptr : "failed");
	}
	buf_release(&why);
	return rc;
}

int httpc_url_authority(const char *url, char *out, size_t cap)
{
	const char *p, *end, *port;
	size_t n;

	if (httpc_url_host(url, out, cap) < 0)
		return -1;
	p = url + (url[4] == 's' ? 8 : 7);
	end = p + strcspn(p, "/?#");
	n = strlen(out);
	/* The port follows the host's last character: after "]" or ":". */
	port = NULL;
	for (const char *c = end; c > p; c--)
		if (c[-1] == ':' || c[-1] == ']' || c[-1] == '@') {
			port = c[-1] == ':' ? c : NULL;
			break;
		}
	if (port && port < end) {
		size_t digits = (size_t)(end - port);

		if (digits > 5 || strspn(port, "0123456789") < digits || n + 1 + digits >= cap)
			return -1;
		out[n] = ':';
		memcpy(out + n + 1, port, digits);
		out[n + 1 + digits] = '\0';
		return 0;
	}
	if (n + 1 + 3 >= cap)
		return -1;
	memcpy(out + n, url[4] == 's' ? ":443" : ":80", url[4] == 's' ? 5 : 4);
	return 0;
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
