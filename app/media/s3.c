/*
 * The S3 client (s3.h): libcurl for transport and server-side SigV4,
 * media/sigv4.c for presigned URLs, core/httpc.c for the retry policy.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "core/buf.h"
#include "core/httpc.h"
#include "media/s3.h"
#include "media/sigv4.h"

#include "core/banned.h"

#define S3_MAX_ERROR_BODY 4096
#define S3_KEY_MAX 1024

struct s3 {
	char *bucket_base;   /* scheme://host[/bucket]: object URLs are this + "/" + key */
	char *scheme_host;   /* scheme://host[:port] presigned URLs go to */
	char *path_prefix;   /* "/bucket" path-style, "" virtual-host */
	char *public_base;
	char *region, *access_key, *secret_key;
	char sigv4[128];     /* "aws:amz:REGION:s3" */
	long timeout_ms;
	int retries;
};

static char *s3_strip_slash(char *s)
{
	size_t n = s ? strlen(s) : 0;

	while (n > 0 && s[n - 1] == '/')
		s[--n] = '\0';
	return s;
}

int s3_new(const struct s3_conf *c, struct s3 **out, struct buf *err)
{
	struct s3 *s;
	const char *host;
	char *endpoint = NULL;
	struct buf b = BUF_INIT;

	*out = NULL;
	if (!c->endpoint || (strncmp(c->endpoint, "http://", 7) && strncmp(c->endpoint, "https://", 8))) {
		buf_puts(err, "[s3] endpoint must be an http:// or https:// URL");
		return -1;
	}
	if (!c->bucket || !*c->bucket || !c->access_key || !*c->access_key || !c->secret_key ||
	    !*c->secret_key) {
		buf_puts(err, "[s3] needs bucket, access_key and secret_key");
		return -1;
	}
	if (strlen(c->region) + 16 > sizeof(s->sigv4) || strpbrk(c->region, ":/ ")) {
		buf_puts(err, "[s3] region is not a region name");
		return -1;
	}
	if (httpc_global_init(err) < 0)
		return -1;
	s = calloc(1, sizeof(*s));
	endpoint = s3_strip_slash(strdup(c->endpoint));
	if (!s || !endpoint)
		goto oom;
	host = strstr(endpoint, "://") + 3;
	if (strchr(host, '/')) {
		buf_puts(err, "[s3] endpoint must not have a path: put the bucket in bucket");
		free(endpoint);
		free(s);
		return -1;
	}
	if (c->path_style) {
		if (buf_printf(&b, "/%s", c->bucket) < 0 || !(s->path_prefix = buf_detach(&b, NULL)) ||
		    !(s->scheme_host = strdup(endpoint)))
			goto oom;
	} else {
		if (!(s->path_prefix = strdup("")) ||
		    buf_printf(&b, "%.*s%s.%s", (int)(host - endpoint), endpoint, c->bucket, host) < 0 ||
		    !(s->scheme_host = buf_detach(&b, NULL)))
			goto oom;
	}
	if (buf_printf(&b, "%s%s", s->scheme_host, s->path_prefix) < 0 ||
	    !(s->bucket_base = buf_detach(&b, NULL)))
		goto oom;
	s->public_base = s3_strip_slash(strdup(c->public_url && *c->public_url ? c->public_url
										: s->bucket_base));
	s->region = strdup(c->region);
	s->access_key = strdup(c->access_key);
	s->secret_key = strdup(c->secret_key);
	if (!s->public_base || !s->region || !s->access_key || !s->secret_key)
		goto oom;
	snprintf(s->sigv4, sizeof(s->sigv4), "aws:amz:%s:s3", c->region);
	s->timeout_ms = (long)c->timeout_s * 1000L;
	s->retries = c->retries < 0 ? 0 : c->retries;
	free(endpoint);
	*out = s;
	return 0;
oom:
	buf_release(&b);
	free(endpoint);
	s3_free(s);
	buf_puts(err, "out of memory");
	return -1;
}

void s3_free(struct s3 *s)
{
	if (!s)
		return;
	free(s->bucket_base);
	free(s->scheme_host);
	free(s->path_prefix);
	free(s->public_base);
	free(s->region);
	free(s->access_key);
	if (s->secret_key)
		sodium_memzero(s->secret_key, strlen(s->secret_key));
	free(s->secret_key);
	free(s);
}

const char *s3_public_base(const struct s3 *s)
{
	return s->public_base;
}

const char *s3_upload_origin(const struct s3 *s)
{
	return s->scheme_host;
}

bool s3_key_ok(const char *key)
{
	size_t n = key ? strlen(key) : 0;

	if (n == 0 || n > S3_KEY_MAX || key[0] == '/' || strstr(key, "//") || strstr(key, ".."))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((key[i] >= 'a' && key[i] <= 'z') || (key[i] >= 'A' && key[i] <= 'Z') ||
		      (key[i] >= '0' && key[i] <= '9') || key[i] == '/' || key[i] == '.' ||
		      key[i] == '_' || key[i] == '-'))
			return false;
	return true;
}

/* --- one request */

struct s3_body {
	const unsigned char *p; /* a PUT's body */
	size_t len, off;
};

struct s3_sink {
	int fd;                  /* >= 0: a GET into this file */
	size_t max, len;
	int too_big, io_error;
	int error_answer;        /* the status line was not 2xx: the body is an error text */
	crypto_hash_sha256_state sha;
	struct buf text;         /* otherwise: an error answer, bounded */
};

static size_t s3_read(char *dst, size_t size, size_t nmemb, void *userdata)
{
	struct s3_body *b = userdata;
	size_t n = size * nmemb, left = b->len - b->off;

	if (n > left)
		n = left;
	memcpy(dst, b->p + b->off, n);
	b->off += n;
	return n;
}

static size_t s3_write(char *p, size_t size, size_t nmemb, void *userdata)
{
	struct s3_sink *s = userdata;
	size_t n = size * nmemb;

	if (s->fd < 0 || s->error_answer) {
		if (s->text.len < S3_MAX_ERROR_BODY)
			buf_append(&s->text, p, n < S3_MAX_ERROR_BODY ? n : S3_MAX_ERROR_BODY);
		return n;
	}
	if (n > s->max - s->len) {
		s->too_big = 1;
		return 0;
	}
	for (size_t off = 0; off < n;) {
		ssize_t w = write(s->fd, p + off, n - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			s->io_error = 1;
			return 0;
		}
		off += (size_t)w;
	}
	crypto_hash_sha256_update(&s->sha, (const unsigned char *)p, n);
	s->len += n;
	return n;
}

/* Watch the status line: the body of a non-2xx answer is an error
 * text, which must not end up in a GET's file. */
static size_t s3_header(char *p, size_t size, size_t nmemb, void *userdata)
{
	struct s3_sink *s = userdata;
	size_t n = size * nmemb;

	if (n > 12 && strncmp(p, "HTTP/", 5) == 0) {
		const char *sp = memchr(p, ' ', n);
		long code = sp ? strtol(sp + 1, NULL, 10) : 0;

		s->error_answer = code < 200 || code > 299;
	}
	return n;
}

/*
 * One attempt of method on key. Returns the HTTP status (> 0), or
 * -CURLcode when the transport failed, the reason in err.
 */
static long s3_attempt(const struct s3 *s, const char *method, const char *key,
		       struct s3_body *body, const char *content_type, struct s3_sink *sink,
		       long long *length, struct buf *err)
{
	CURL *h = curl_easy_init();
	struct curl_slist *hdr, *t;
	char msg[CURL_ERROR_SIZE] = "", hash[SIGV4_HEX_LEN + 1], line[128];
	struct buf url = BUF_INIT;
	long status = 0;
	CURLcode c;

	if (!h)
		return -CURLE_OUT_OF_MEMORY;
	if (body)
		sigv4_sha256_hex(body->p, body->len, hash);
	snprintf(line, sizeof(line), "x-amz-content-sha256: %s", body ? hash : SIGV4_EMPTY_SHA256);
	/* curl_slist_append returns the same head, or NULL leaving the list as it was */
	/* No "Expect:" to skip the 100-continue round trip, as remote.c
	 * does: libcurl 7.88 then signs an empty expect header that it does
	 * not send, and every request fails with SignatureDoesNotMatch. */
	hdr = t = curl_slist_append(NULL, line);
	if (t && content_type) {
		snprintf(line, sizeof(line), "Content-Type: %s", content_type);
		t = curl_slist_append(hdr, line);
		t = t ? curl_slist_append(hdr, "Cache-Control: public, max-age=31536000, immutable") : NULL;
	}
	if (!t || buf_printf(&url, "%s/%s", s->bucket_base, key) < 0) {
		curl_slist_free_all(hdr);
		curl_easy_cleanup(h);
		buf_release(&url);
		return -CURLE_OUT_OF_MEMORY;
	}
	curl_easy_setopt(h, CURLOPT_URL, url.ptr);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(h, CURLOPT_AWS_SIGV4, s->sigv4);
	curl_easy_setopt(h, CURLOPT_USERNAME, s->access_key);
	curl_easy_setopt(h, CURLOPT_PASSWORD, s->secret_key);
	httpc_limits(h, s->timeout_ms, msg, "BeauBelle-media");
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, s3_write);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, sink);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, s3_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, sink);
	if (body) {
		curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
		curl_easy_setopt(h, CURLOPT_READFUNCTION, s3_read);
		curl_easy_setopt(h, CURLOPT_READDATA, body);
		curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)body->len);
	} else if (strcmp(method, "HEAD") == 0) {
		curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
	} else if (strcmp(method, "GET") != 0) {
		curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
	}
	c = curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	if (length) {
		curl_off_t cl = -1;

		curl_easy_getinfo(h, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &cl);
		*length = (long long)cl;
	}
	if (c != CURLE_OK) {
		buf_clear(err);
		buf_printf(err, "%s %s: %s", method, url.ptr,
			   sink->too_big ? "larger than allowed" : msg[0] ? msg : curl_easy_strerror(c));
		status = -(long)c;
	} else if (status < 200 || status > 299) {
		buf_clear(err);
		buf_printf(err, "%s %s: HTTP %ld: ", method, url.ptr, status);
		httpc_quote(err, sink->text.ptr, sink->text.len, 300);
	}
	curl_slist_free_all(hdr);
	curl_easy_cleanup(h);
	buf_release(&url);
	return status;
}

/* method on key with retries; S3_OK on 2xx, else an s3_status. */
static int s3_request(const struct s3 *s, const char *method, const char *key,
		      const void *data, size_t len, const char *content_type, struct s3_sink *sink,
		      long long *length, struct buf *err)
{
	struct buf why = BUF_INIT;
	long backoff = HTTPC_BACKOFF_MS, st = 0;
	int rc, attempts = 0;

	if (!s3_key_ok(key))
		return S3_EINVAL;
	for (int attempt = 0;; attempt++) {
		struct s3_body body = { data, len, 0 };
		int failed;

		if (httpc_breaker_allow(s->bucket_base, NULL) < 0) {
			if (attempts == 0) /* else the last attempt's reason stands */
				buf_printf(&why, "%s: not called, its last calls failed", s->bucket_base);
			st = 0; /* not called: the store is known to be down */
			break;
		}

		buf_clear(&sink->text);
		sink->len = 0;
		sink->too_big = sink->io_error = sink->error_answer = 0;
		if (sink->fd >= 0) {
			if (ftruncate(sink->fd, 0) != 0 || lseek(sink->fd, 0, SEEK_SET) != 0) {
				buf_release(&why);
				return S3_EFAIL;
			}
			crypto_hash_sha256_init(&sink->sha);
		}
		st = s3_attempt(s, method, key, data || strcmp(method, "PUT") == 0 ? &body : NULL,
				content_type, sink, length, &why);
		attempts++;
		failed = httpc_retryable(st < 0 ? (CURLcode)-st : CURLE_OK, st < 0 ? 0 : st);
		if (st != -(long)CURLE_OUT_OF_MEMORY)
			httpc_breaker_record(s->bucket_base, failed);
		if (sink->too_big || attempt >= s->retries || !failed)
			break;
		backoff = httpc_backoff(backoff);
	}
	if (sink->too_big)
		rc = S3_ETOOBIG;
	else if (st >= 200 && st <= 299)
		rc = sink->io_error ? S3_EFAIL : S3_OK;
	else if (st == 404)
		rc = S3_ENOTFOUND;
	else if (st >= 400 && st < 500)
		rc = S3_EDENIED;
	else
		rc = S3_EFAIL;
	if (rc != S3_OK && err) {
		if (rc == S3_EFAIL && attempts > 1)
			buf_printf(err, "after %d attempts: ", attempts);
		buf_puts(err, why.ptr ? why.ptr : "failed");
	}
	buf_release(&why);
	return rc;
}

int s3_put(const struct s3 *s, const char *key, const void *data, size_t len,
	   const char *content_type, struct buf *err)
{
	struct s3_sink sink = { .fd = -1 };
	int rc;

	if (!data && len)
		return S3_EINVAL;
	rc = s3_request(s, "PUT", key, data ? data : "", len,
			content_type ? content_type : "application/octet-stream", &sink, NULL, err);
	buf_release(&sink.text);
	return rc;
}

int s3_head(const struct s3 *s, const char *key, long long *size, struct buf *err)
{
	struct s3_sink sink = { .fd = -1 };
	long long len = -1;
	int rc = s3_request(s, "HEAD", key, NULL, 0, NULL, &sink, &len, err);

	if (rc == S3_OK && size)
		*size = len;
	buf_release(&sink.text);
	return rc;
}

int s3_get_file(const struct s3 *s, const char *key, int fd, size_t max, size_t *len,
		unsigned char sha256[32], struct buf *err)
{
	struct s3_sink sink = { .fd = fd, .max = max };
	int rc;

	if (fd < 0)
		return S3_EINVAL;
	rc = s3_request(s, "GET", key, NULL, 0, NULL, &sink, NULL, err);
	if (rc == S3_OK) {
		if (len)
			*len = sink.len;
		if (sha256)
			crypto_hash_sha256_final(&sink.sha, sha256);
	}
	buf_release(&sink.text);
	return rc;
}

int s3_delete(const struct s3 *s, const char *key, struct buf *err)
{
	struct s3_sink sink = { .fd = -1 };
	int rc = s3_request(s, "DELETE", key, NULL, 0, NULL, &sink, NULL, err);

	buf_release(&sink.text);
	return rc == S3_ENOTFOUND ? S3_OK : rc;
}

int s3_presign_put(const struct s3 *s, const char *key, size_t length, const char *content_type,
		   time_t now, long expires, struct buf *url)
{
	struct sigv4_scope scope = { s->access_key, s->secret_key, s->region, "s3", "" };
	char lenstr[32], path[S3_KEY_MAX + 256];
	struct sigv4_header h[2] = { { "content-length", lenstr }, { "content-type", content_type } };
	int n;

	if (!s3_key_ok(key) || !content_type || strpbrk(content_type, "\r\n"))
		return S3_EINVAL;
	n = snprintf(path, sizeof(path), "%s/%s", s->path_prefix, key);
	if (n < 0 || (size_t)n >= sizeof(path))
		return S3_EINVAL;
	snprintf(lenstr, sizeof(lenstr), "%zu", length);
	sigv4_scope_time(&scope, now);
	if (sigv4_presign(&scope, "PUT", s->scheme_host, path, expires, h, 2, url) < 0)
		return S3_ENOMEM;
	return S3_OK;
}
