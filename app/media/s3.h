#ifndef BB_MEDIA_S3_H
#define BB_MEDIA_S3_H
/*
 * A client of an S3-compatible object store (AWS S3, MinIO, Ceph RGW,
 * R2…), just the operations the media store needs: PUT, HEAD, GET into
 * a file, DELETE, and a presigned PUT URL for direct uploads from a
 * browser.
 *
 * Requests are signed by libcurl (CURLOPT_AWS_SIGV4, "aws:amz:REGION:s3")
 * with the payload's SHA-256 in x-amz-content-sha256: libcurl 7.88 does
 * not add that header for S3 by itself, S3 requires it, and with the
 * real hash the server refuses a body damaged on the way. Each attempt
 * is bounded by the configured timeout; connection errors, timeouts and
 * 5xx answers are retried with the backoff of core/httpc.h.
 *
 * A PUT is atomic on S3: the object becomes visible only once the whole
 * body arrived and matched its hash, and a failed PUT leaves no object
 * (and leaves an earlier one of the same key as it was). So no put goes
 * to a temporary key first: a copy would add a request and a window of
 * its own without making anything more atomic.
 *
 * A struct s3 is read-only after s3_new(); each call uses its own curl
 * handle.
 */
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

struct buf;
struct s3;

struct s3_conf {
	const char *endpoint;   /* http(s)://host[:port] */
	const char *region;
	const char *bucket;
	bool path_style;
	const char *access_key;
	const char *secret_key;
	const char *public_url; /* "" or NULL: the bucket's own URL */
	int timeout_s;
	int retries;
};

enum s3_status {
	S3_OK = 0,
	S3_EFAIL = -1,     /* the store failed or could not be reached, after retries */
	S3_EDENIED = -2,   /* a 4xx answer other than 404: keys, bucket, signature */
	S3_ENOTFOUND = -3, /* no such key */
	S3_ETOOBIG = -4,   /* s3_get_file: larger than allowed */
	S3_ENOMEM = -5,
	S3_EINVAL = -6,    /* a bad key or argument */
};

/* A client for c (copied). 0 with *out, or -1 with a reason in err.
 * Calls curl_global_init: at start-up, before any thread. */
int s3_new(const struct s3_conf *c, struct s3 **out, struct buf *err);
void s3_free(struct s3 *s);

/*
 * Store len bytes at key with content_type (and a year of public
 * caching: keys are content-addressed). S3_OK or a negative s3_status
 * with the reason in err (may be NULL).
 */
int s3_put(const struct s3 *s, const char *key, const void *data, size_t len,
	   const char *content_type, struct buf *err);

/* S3_OK with *size set (size may be NULL) when key exists, S3_ENOTFOUND,
 * or another negative s3_status. */
int s3_head(const struct s3 *s, const char *key, long long *size, struct buf *err);

/*
 * Write the object at key to the open file descriptor fd, refusing
 * more than max bytes (S3_ETOOBIG), and its SHA-256 into sha256 (may
 * be NULL). fd is truncated before each attempt.
 */
int s3_get_file(const struct s3 *s, const char *key, int fd, size_t max, size_t *len,
		unsigned char sha256[32], struct buf *err);

/* Remove key; S3_OK also when it was not there. */
int s3_delete(const struct s3 *s, const char *key, struct buf *err);

/*
 * A URL through which a browser may PUT exactly length bytes of
 * content_type to key until now + expires seconds, appended to url.
 * S3_OK, S3_EINVAL or S3_ENOMEM.
 */
int s3_presign_put(const struct s3 *s, const char *key, size_t length, const char *content_type,
		   time_t now, long expires, struct buf *url);

/* The base URL objects are read from by browsers (public_url, else the
 * bucket's own URL), without a trailing slash. */
const char *s3_public_base(const struct s3 *s);

/* The origin (scheme://host[:port]) browsers send presigned uploads to. */
const char *s3_upload_origin(const struct s3 *s);

/* A key as stored: 1-1024 bytes of [A-Za-z0-9/._-], no "//" or "..". */
bool s3_key_ok(const char *key);

#endif
