#ifndef BB_HTTP_KV_H
#define BB_HTTP_KV_H
/*
 * One key/value parser for query strings, urlencoded bodies and Cookie
 * headers, as lwan does it: the input is copied once into the request
 * arena and decoded in place, and the pairs are slices of that copy.
 * Keys and values are NUL-terminated as well as length-counted, and live
 * until the arena is reset.
 */
#include <stddef.h>

#include "core/arena.h"
#include "core/str.h"

struct http_kv {
	struct str key;
	struct str value;
};

struct http_kv_list {
	struct http_kv *items;
	size_t count;
};

enum http_kv_status {
	HTTP_KV_OK = 0,
	HTTP_KV_MALFORMED = -1,
	HTTP_KV_TOO_MANY = -2,
	HTTP_KV_TOO_LONG = -3,
	HTTP_KV_NOMEM = -4,
};

/* Lengths are in bytes after decoding. A zero allows nothing. */
struct http_kv_limits {
	size_t max_pairs;
	size_t max_key;
	size_t max_value;
};

/*
 * Parse a query string or an application/x-www-form-urlencoded body:
 * '&'-separated pairs, '+' is a space, %XX is decoded. Empty pairs
 * ("a=1&&b=2", a trailing '&') and pairs with an empty key are skipped;
 * a key without '=' gets an empty value. A bad %-escape, a NUL byte
 * (raw or %00) or invalid UTF-8 after decoding is HTTP_KV_MALFORMED, more
 * than lim->max_pairs non-empty pairs HTTP_KV_TOO_MANY, a key or value
 * past its limit HTTP_KV_TOO_LONG. Pairs keep their order. On any error
 * *out is empty. lim must not be NULL.
 */
int http_form_parse(struct arena *a, const char *data, size_t len,
		    const struct http_kv_limits *lim, struct http_kv_list *out);

/*
 * Parse a Cookie header: ';'-separated name=value pairs (RFC 6265), with
 * spaces and tabs around names and values trimmed and one pair of double
 * quotes around a value removed; no '+' or % decoding. Pairs a server
 * could not have set are skipped rather than failing the request, since
 * other sites on a parent domain can leave such cookies in the browser:
 * no '=', a name that is not a token, a value with control bytes or
 * invalid UTF-8, a name or value past its limit. More than
 * lim->max_pairs remaining pairs is HTTP_KV_TOO_MANY (and *out empty).
 * Duplicates are kept in order; browsers send the most specific first.
 */
int http_cookie_parse(struct arena *a, const char *data, size_t len,
		      const struct http_kv_limits *lim, struct http_kv_list *out);

/* The first value for key, or STR_NULL (ptr NULL) when there is none. */
struct str http_kv_get(const struct http_kv_list *list, const char *key);

/*
 * Store up to max values for key in out, in order, and return how many
 * were stored. Repeated keys are how arrays arrive (`ids[]=1&ids[]=2`);
 * the brackets are part of the key.
 */
size_t http_kv_get_all(const struct http_kv_list *list, const char *key,
		       struct str *out, size_t max);

#endif
