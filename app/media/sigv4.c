/*
 * SigV4 canonicalization, signing and presigned URLs; see sigv4.h.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/buf.h"
#include "media/sigv4.h"

#include "core/str.h"
#include "core/banned.h"

#define SIGV4_MAX_PAIRS 64

void sigv4_scope_time(struct sigv4_scope *scope, time_t t)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(scope->amz_date, sizeof(scope->amz_date), "%Y%m%dT%H%M%SZ", &tm);
}

static void sigv4_hex(const unsigned char *p, size_t n, char *out)
{
	static const char hex[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = hex[p[i] >> 4];
		out[2 * i + 1] = hex[p[i] & 15];
	}
	out[2 * n] = '\0';
}

void sigv4_sha256_hex(const void *p, size_t n, char out[SIGV4_HEX_LEN + 1])
{
	unsigned char d[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(d, p, n);
	sigv4_hex(d, sizeof(d), out);
}

static void sigv4_hmac(const unsigned char *key, size_t keylen, const char *msg, size_t n,
		       unsigned char out[32])
{
	crypto_auth_hmacsha256_state st;

	crypto_auth_hmacsha256_init(&st, key, keylen);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)msg, n);
	crypto_auth_hmacsha256_final(&st, out);
	sodium_memzero(&st, sizeof(st));
}

static bool sigv4_unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '.' || c == '_' || c == '~';
}

int sigv4_uri_encode(struct buf *out, const char *s, size_t n, bool keep_slash)
{
	static const char hex[] = "0123456789ABCDEF";

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char esc[3] = { '%', hex[c >> 4], hex[c & 15] };

		if (sigv4_unreserved(c) || (keep_slash && c == '/')) {
			if (buf_putc(out, (char)c) < 0)
				return -1;
		} else if (buf_append(out, esc, 3) < 0) {
			return -1;
		}
	}
	return 0;
}

/* Percent-decode s (n bytes) and encode it again the canonical way. A
 * '%' not followed by two hex digits stands for itself. */
static int sigv4_recode(struct buf *out, const char *s, size_t n)
{
	struct buf raw = BUF_INIT;
	int rc;

	for (size_t i = 0; i < n; i++) {
		int hi, lo;
		char c = s[i];

		if (c == '%' && i + 2 < n && (hi = str_hex_value((unsigned char)s[i + 1])) >= 0 &&
		    (lo = str_hex_value((unsigned char)s[i + 2])) >= 0) {
			c = (char)(hi * 16 + lo);
			i += 2;
		} else if (c == '+') {
			/* form encoding's space; S3 clients send %20, but a '+'
			 * must still not sign as itself */
			c = ' ';
		}
		if (buf_putc(&raw, c) < 0) {
			buf_release(&raw);
			return -1;
		}
	}
	rc = sigv4_uri_encode(out, raw.ptr ? raw.ptr : "", raw.len, false);
	buf_release(&raw);
	return rc;
}

struct sigv4_pair {
	char *name, *value; /* encoded, NUL-terminated */
};

static int sigv4_pair_cmp(const void *a, const void *b)
{
	const struct sigv4_pair *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	return c ? c : strcmp(x->value, y->value);
}

int sigv4_canonical_query(struct buf *out, const char *query, size_t len)
{
	struct sigv4_pair pairs[SIGV4_MAX_PAIRS];
	size_t n = 0, i = 0;
	int rc = -1;

	while (query && i < len) {
		size_t end = i, eq;
		struct buf name = BUF_INIT, value = BUF_INIT;

		while (end < len && query[end] != '&')
			end++;
		if (end > i) {
			for (eq = i; eq < end && query[eq] != '='; eq++)
				;
			if (n == SIGV4_MAX_PAIRS ||
			    sigv4_recode(&name, query + i, eq - i) < 0 || buf_putc(&name, '\0') < 0 ||
			    sigv4_recode(&value, query + (eq < end ? eq + 1 : end),
					 eq < end ? end - eq - 1 : 0) < 0 ||
			    buf_putc(&value, '\0') < 0) {
				buf_release(&name);
				buf_release(&value);
				goto out;
			}
			pairs[n].name = buf_detach(&name, NULL);
			pairs[n].value = buf_detach(&value, NULL);
			n++;
		}
		i = end + 1;
	}
	qsort(pairs, n, sizeof(pairs[0]), sigv4_pair_cmp);
	for (i = 0; i < n; i++)
		if (buf_printf(out, "%s%s=%s", i ? "&" : "", pairs[i].name, pairs[i].value) < 0)
			goto out;
	if (buf_putc(out, '\0') < 0)
		goto out;
	out->len--; /* a terminated string, not counted */
	rc = 0;
out:
	for (i = 0; i < n; i++) {
		free(pairs[i].name);
		free(pairs[i].value);
	}
	return rc;
}

struct sigv4_hdr {
	char name[64];
	const char *value;
};

static int sigv4_hdr_cmp(const void *a, const void *b)
{
	return strcmp(((const struct sigv4_hdr *)a)->name, ((const struct sigv4_hdr *)b)->name);
}

/* A value as it is signed: no leading or trailing space, inner runs
 * of spaces and tabs folded to one space. */
static int sigv4_put_value(struct buf *out, const char *v)
{
	bool space = false, any = false;

	for (; *v; v++) {
		unsigned char c = (unsigned char)*v;

		if (c == ' ' || c == '\t') {
			space = any;
			continue;
		}
		if (c < 0x20 || c == 0x7f)
			return -1;
		if (space && buf_putc(out, ' ') < 0)
			return -1;
		space = false;
		any = true;
		if (buf_putc(out, (char)c) < 0)
			return -1;
	}
	return 0;
}

int sigv4_canonical_request(const struct sigv4_request *req, struct buf *out,
			    struct buf *signed_headers)
{
	struct sigv4_hdr h[SIGV4_MAX_HEADERS];
	const char *q = req->query ? req->query : "";

	if (!req->method || !req->path || req->path[0] != '/' || !req->payload_hash ||
	    req->nheaders > SIGV4_MAX_HEADERS)
		return -1;
	for (size_t i = 0; i < req->nheaders; i++) {
		const char *n = req->headers[i].name;
		size_t len = n ? strlen(n) : 0;

		if (len == 0 || len >= sizeof(h[i].name) || !req->headers[i].value)
			return -1;
		for (size_t k = 0; k <= len; k++) {
			char c = n[k];

			if (k < len && ((unsigned char)c <= 0x20 || c == ':' || c == 0x7f))
				return -1;
			h[i].name[k] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
		}
		h[i].value = req->headers[i].value;
	}
	qsort(h, req->nheaders, sizeof(h[0]), sigv4_hdr_cmp);
	if (buf_printf(out, "%s\n", req->method) < 0 ||
	    sigv4_uri_encode(out, req->path, strlen(req->path), true) < 0 || buf_putc(out, '\n') < 0 ||
	    sigv4_canonical_query(out, q, strlen(q)) < 0 || buf_putc(out, '\n') < 0)
		return -1;
	for (size_t i = 0; i < req->nheaders; i++) {
		if (buf_printf(out, "%s:", h[i].name) < 0 || sigv4_put_value(out, h[i].value) < 0 ||
		    buf_putc(out, '\n') < 0)
			return -1;
		if (buf_printf(signed_headers, "%s%s", i ? ";" : "", h[i].name) < 0)
			return -1;
	}
	if (buf_printf(out, "\n%s\n%s", signed_headers->ptr ? signed_headers->ptr : "",
		       req->payload_hash) < 0)
		return -1;
	return 0;
}

int sigv4_string_to_sign(const struct sigv4_scope *scope, const char *canonical, size_t len,
			 struct buf *out)
{
	char hash[SIGV4_HEX_LEN + 1];

	sigv4_sha256_hex(canonical, len, hash);
	return buf_printf(out, "AWS4-HMAC-SHA256\n%s\n%.8s/%s/%s/aws4_request\n%s", scope->amz_date,
			  scope->amz_date, scope->region, scope->service, hash);
}

void sigv4_signing_key(const struct sigv4_scope *scope, unsigned char key[32])
{
	struct buf k = BUF_INIT;
	unsigned char a[32], b[32];

	/* "AWS4" + secret; a secret too long for memory cannot sign anyway */
	if (buf_printf(&k, "AWS4%s", scope->secret_key) < 0) {
		memset(key, 0, 32);
		return;
	}
	sigv4_hmac((const unsigned char *)k.ptr, k.len, scope->amz_date, 8, a);
	sigv4_hmac(a, 32, scope->region, strlen(scope->region), b);
	sigv4_hmac(b, 32, scope->service, strlen(scope->service), a);
	sigv4_hmac(a, 32, "aws4_request", 12, key);
	sodium_memzero(k.ptr, k.len);
	sodium_memzero(a, sizeof(a));
	sodium_memzero(b, sizeof(b));
	buf_release(&k);
}

int sigv4_sign(const struct sigv4_scope *scope, const struct sigv4_request *req,
	       char sig[SIGV4_HEX_LEN + 1], struct buf *signed_headers)
{
	struct buf canon = BUF_INIT, sts = BUF_INIT;
	unsigned char key[32], mac[32];
	int rc = -1;

	if (sigv4_canonical_request(req, &canon, signed_headers) < 0 ||
	    sigv4_string_to_sign(scope, canon.ptr, canon.len, &sts) < 0)
		goto out;
	sigv4_signing_key(scope, key);
	sigv4_hmac(key, sizeof(key), sts.ptr, sts.len, mac);
	sigv4_hex(mac, sizeof(mac), sig);
	sodium_memzero(key, sizeof(key));
	rc = 0;
out:
	buf_release(&canon);
	buf_release(&sts);
	return rc;
}

/* The signed-header list of req ("content-length;content-type;host") into names. */
static int sigv4_signed_names(const struct sigv4_request *req, struct buf *names)
{
	struct buf canon = BUF_INIT;
	int rc = sigv4_canonical_request(req, &canon, names);

	buf_release(&canon);
	return rc;
}

int sigv4_presign(const struct sigv4_scope *scope, const char *method, const char *scheme_host,
		  const char *path, long expires, const struct sigv4_header *headers,
		  size_t nheaders, struct buf *out)
{
	struct sigv4_header h[SIGV4_MAX_HEADERS];
	struct buf query = BUF_INIT, names = BUF_INIT, canonq = BUF_INIT, sh = BUF_INIT;
	const char *host = scheme_host ? strstr(scheme_host, "://") : NULL;
	char sig[SIGV4_HEX_LEN + 1];
	struct sigv4_request req;
	int rc = -1;

	if (!host || !path || path[0] != '/' || expires < 1 || expires > 604800 ||
	    nheaders + 1 > SIGV4_MAX_HEADERS)
		return -1;
	host += 3;
	h[0].name = "host";
	h[0].value = host;
	for (size_t i = 0; i < nheaders; i++)
		h[i + 1] = headers[i];
	/* The signed-header list goes into the query, so it is known first. */
	req = (struct sigv4_request){ method, path, NULL, h, nheaders + 1, SIGV4_UNSIGNED_PAYLOAD };
	if (sigv4_signed_names(&req, &names) < 0)
		goto out;
	if (buf_puts(&query, "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=") < 0 ||
	    sigv4_uri_encode(&query, scope->access_key, strlen(scope->access_key), false) < 0 ||
	    buf_printf(&query, "%%2F%.8s%%2F", scope->amz_date) < 0 ||
	    sigv4_uri_encode(&query, scope->region, strlen(scope->region), false) < 0 ||
	    buf_printf(&query, "%%2F%s%%2Faws4_request&X-Amz-Date=%s&X-Amz-Expires=%ld&X-Amz-SignedHeaders=",
		       scope->service, scope->amz_date, expires) < 0 ||
	    sigv4_uri_encode(&query, names.ptr, names.len, false) < 0 || buf_putc(&query, '\0') < 0)
		goto out;
	req.query = query.ptr;
	if (sigv4_sign(scope, &req, sig, &sh) < 0 ||
	    sigv4_canonical_query(&canonq, query.ptr, strlen(query.ptr)) < 0)
		goto out;
	if (buf_puts(out, scheme_host) < 0 || sigv4_uri_encode(out, path, strlen(path), true) < 0 ||
	    buf_printf(out, "?%s&X-Amz-Signature=%s", canonq.ptr ? canonq.ptr : "", sig) < 0)
		goto out;
	rc = 0;
out:
	buf_release(&query);
	buf_release(&names);
	buf_release(&canonq);
	buf_release(&sh);
	return rc;
}
