#ifndef BB_MEDIA_SIGV4_H
#define BB_MEDIA_SIGV4_H
/*
 * AWS Signature Version 4, the parts libcurl does not do for us.
 *
 * Server-side requests to the bucket are signed by libcurl itself
 * (CURLOPT_AWS_SIGV4, media/s3.c). What is left here is query-string
 * signing: a presigned URL that lets a browser PUT one object of an
 * exact size and type for a few minutes, without ever seeing a key.
 * The canonical request, string to sign and signing key are exposed so
 * the unit test can hold them against the published AWS test-suite
 * vectors (tests/unit/media/sigv4_test.c).
 *
 * Pure code: no I/O, no clock (the caller passes the time), HMAC-SHA256
 * and SHA-256 from libsodium.
 */
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

struct buf;

#define SIGV4_HEX_LEN 64
#define SIGV4_UNSIGNED_PAYLOAD "UNSIGNED-PAYLOAD"
/* The SHA-256 of no bytes: the payload hash of a GET, HEAD or DELETE. */
#define SIGV4_EMPTY_SHA256 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
/* The most headers one request may sign. */
#define SIGV4_MAX_HEADERS 16

struct sigv4_header {
	const char *name;  /* any case; lowercased when signed */
	const char *value; /* trimmed, inner runs of spaces folded, when signed */
};

struct sigv4_request {
	const char *method;  /* "GET", "PUT"… */
	const char *path;    /* not encoded: "/bucket/ab/cd/x.webp"; encoded here */
	const char *query;   /* the raw query without "?" (may be NULL): "b=2&a=1" */
	const struct sigv4_header *headers; /* every header to sign, host included */
	size_t nheaders;
	const char *payload_hash; /* lowercase hex SHA-256, or SIGV4_UNSIGNED_PAYLOAD */
};

struct sigv4_scope {
	const char *access_key;
	const char *secret_key;
	const char *region;  /* "us-east-1" */
	const char *service; /* "s3" */
	char amz_date[17];   /* "20150830T123600Z" */
};

/* Set scope->amz_date from t (UTC). */
void sigv4_scope_time(struct sigv4_scope *scope, time_t t);

/*
 * Append s (n bytes) to out URI-encoded as SigV4 wants: every byte but
 * A-Z a-z 0-9 - . _ ~ as %XY (uppercase hex), and '/' kept when
 * keep_slash. Returns 0, or -1 when out of memory.
 */
int sigv4_uri_encode(struct buf *out, const char *s, size_t n, bool keep_slash);

/*
 * The canonical query of a raw query string: each name and value
 * percent-decoded, then encoded as sigv4_uri_encode() does, the pairs
 * sorted by name and then value, a missing '=' taken as an empty value.
 * Appended to out. Returns 0, or -1 when out of memory or the query has
 * more than 64 pairs.
 */
int sigv4_canonical_query(struct buf *out, const char *query, size_t len);

/*
 * The canonical request of req into out, and its signed-header list
 * ("content-type;host;x-amz-date") into signed_headers. Returns 0, or
 * -1 (out of memory, too many headers, a header name or value with a
 * control character, no method or path).
 */
int sigv4_canonical_request(const struct sigv4_request *req, struct buf *out,
			    struct buf *signed_headers);

/* The string to sign of a canonical request (len bytes) into out. */
int sigv4_string_to_sign(const struct sigv4_scope *scope, const char *canonical, size_t len,
			 struct buf *out);

/* The derived signing key of scope's secret, date, region and service. */
void sigv4_signing_key(const struct sigv4_scope *scope, unsigned char key[32]);

/*
 * Sign req: its lowercase hex signature into sig and its signed-header
 * list into signed_headers. Returns 0 or -1 as sigv4_canonical_request().
 */
int sigv4_sign(const struct sigv4_scope *scope, const struct sigv4_request *req,
	       char sig[SIGV4_HEX_LEN + 1], struct buf *signed_headers);

/*
 * A presigned URL: scheme_host ("https://bucket.s3.example.com", no
 * trailing slash) + path (not encoded), valid expires seconds from
 * scope's time, for method with the given headers bound into the
 * signature (host is added from scheme_host; pass e.g. content-length
 * and content-type to pin an upload's size and type). The payload is
 * UNSIGNED-PAYLOAD, as for every presigned S3 request. Appended to out.
 * Returns 0, or -1 (out of memory, bad arguments).
 */
int sigv4_presign(const struct sigv4_scope *scope, const char *method, const char *scheme_host,
		  const char *path, long expires, const struct sigv4_header *headers,
		  size_t nheaders, struct buf *out);

/* Lowercase hex SHA-256 of n bytes into out. */
void sigv4_sha256_hex(const void *p, size_t n, char out[SIGV4_HEX_LEN + 1]);

#endif
