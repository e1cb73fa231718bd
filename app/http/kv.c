#include "http/kv.h"

#include <string.h>

#include "http/header.h"

#include "core/str.h"
#include "core/banned.h"

/*
 * Decode p[0..n) in place ('+' to space, %XX to a byte) and return the
 * decoded length, or -1 on a truncated or non-hex escape or a NUL byte.
 * Writing never overtakes reading, so one buffer serves both.
 */
static long http_url_decode(char *p, size_t n)
{
	size_t r = 0, w = 0;

	while (r < n) {
		unsigned char c = (unsigned char)p[r];

		if (c == '%') {
			int hi, lo;

			if (n - r < 3)
				return -1;
			hi = str_hex_value((unsigned char)p[r + 1]);
			lo = str_hex_value((unsigned char)p[r + 2]);
			if (hi < 0 || lo < 0)
				return -1;
			c = (unsigned char)(hi << 4 | lo);
			r += 3;
		} else {
			if (c == '+')
				c = ' ';
			r++;
		}
		if (c == '\0')
			return -1;
		p[w++] = (char)c;
	}
	return (long)w;
}

/* Number of non-empty segments of p[0..n) separated by sep. */
static size_t http_count_segments(const char *p, size_t n, char sep)
{
	size_t count = 0;

	for (size_t i = 0; i < n; i++)
		if (p[i] != sep && (i + 1 == n || p[i + 1] == sep))
			count++;
	return count;
}

/*
 * Decode one raw span of the arena copy in place, NUL-terminate it and
 * check it against max. The terminator lands inside the raw span or on
 * the separator after it, which has already been read.
 */
static int http_form_decode_span(char *p, size_t n, size_t max, struct str *out)
{
	long dec = http_url_decode(p, n);

	if (dec < 0)
		return HTTP_KV_MALFORMED;
	if ((size_t)dec > max)
		return HTTP_KV_TOO_LONG;
	if (!str_utf8_valid(p, (size_t)dec))
		return HTTP_KV_MALFORMED;
	p[dec] = '\0';
	*out = (struct str){ p, (size_t)dec };
	return HTTP_KV_OK;
}

int http_form_parse(struct arena *a, const char *data, size_t len,
		    const struct http_kv_limits *lim, struct http_kv_list *out)
{
	struct http_kv *items;
	size_t npairs, count = 0, pos = 0;
	char *buf;
	int rc;

	*out = (struct http_kv_list){ NULL, 0 };
	npairs = http_count_segments(data, len, '&');
	if (npairs == 0)
		return HTTP_KV_OK;
	if (npairs > lim->max_pairs)
		return HTTP_KV_TOO_MANY;
	buf = arena_strndup(a, data, len);
	items = arena_calloc(a, npairs, sizeof(*items));
	if (!buf || !items)
		return HTTP_KV_NOMEM;
	while (pos < len) {
		char *amp = memchr(buf + pos, '&', len - pos);
		size_t end = amp ? (size_t)(amp - buf) : len;
		char *eq = memchr(buf + pos, '=', end - pos);
		size_t key_end = eq ? (size_t)(eq - buf) : end;
		struct http_kv kv = { STR_NULL, STR_LIT("") };

		if (end == pos) {
			pos++;
			continue;
		}
		rc = http_form_decode_span(buf + pos, key_end - pos, lim->max_key, &kv.key);
		if (rc == HTTP_KV_OK && eq)
			rc = http_form_decode_span(eq + 1, end - key_end - 1, lim->max_value,
						   &kv.value);
		if (rc != HTTP_KV_OK)
			return rc;
		if (kv.key.len > 0)
			items[count++] = kv;
		pos = end + 1;
	}
	*out = (struct http_kv_list){ items, count };
	return HTTP_KV_OK;
}

static bool http_is_ows_byte(char c)
{
	return c == ' ' || c == '\t';
}

/* Cookie values may not carry control bytes; everything else must be UTF-8. */
static bool http_cookie_value_ok(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c < 0x20 || c == 0x7F)
			return false;
	}
	return str_utf8_valid(p, n);
}

static bool http_cookie_name_ok(const char *p, size_t n)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!http_is_tchar((unsigned char)p[i]))
			return false;
	return true;
}

/*
 * Split one cookie segment buf[s..e) into a name and a value, or return
 * false when the pair is to be skipped. On success both are
 * NUL-terminated in place: the name where its '=' or trailing blank was,
 * the value on its closing quote, trailing blank or the ';' after it.
 */
static bool http_cookie_pair(char *buf, size_t s, size_t e,
			     const struct http_kv_limits *lim, struct http_kv *kv)
{
	char *eq = memchr(buf + s, '=', e - s);
	size_t ne, vs;

	if (!eq)
		return false;
	while (s < e && http_is_ows_byte(buf[s]))
		s++;
	while (e > s && http_is_ows_byte(buf[e - 1]))
		e--;
	ne = (size_t)(eq - buf);
	vs = ne + 1;
	while (ne > s && http_is_ows_byte(buf[ne - 1]))
		ne--;
	while (vs < e && http_is_ows_byte(buf[vs]))
		vs++;
	if (e - vs >= 2 && buf[vs] == '"' && buf[e - 1] == '"') {
		vs++;
		e--;
	}
	if (!http_cookie_name_ok(buf + s, ne - s) || ne - s > lim->max_key ||
	    e - vs > lim->max_value || !http_cookie_value_ok(buf + vs, e - vs))
		return false;
	buf[ne] = '\0';
	buf[e] = '\0';
	kv->key = (struct str){ buf + s, ne - s };
	kv->value = (struct str){ buf + vs, e - vs };
	return true;
}

int http_cookie_parse(struct arena *a, const char *data, size_t len,
		      const struct http_kv_limits *lim, struct http_kv_list *out)
{
	struct http_kv *items;
	size_t nseg, cap, count = 0, pos = 0;
	char *buf;

	*out = (struct http_kv_list){ NULL, 0 };
	nseg = http_count_segments(data, len, ';');
	if (nseg == 0)
		return HTTP_KV_OK;
	/* Skipped pairs do not count, so the limit is checked as pairs are
	 * kept; the array never needs more than max_pairs slots. */
	cap = nseg < lim->max_pairs ? nseg : lim->max_pairs;
	buf = arena_strndup(a, data, len);
	items = arena_calloc(a, cap ? cap : 1, sizeof(*items));
	if (!buf || !items)
		return HTTP_KV_NOMEM;
	while (pos < len) {
		char *semi = memchr(buf + pos, ';', len - pos);
		size_t end = semi ? (size_t)(semi - buf) : len;
		struct http_kv kv;

		if (http_cookie_pair(buf, pos, end, lim, &kv)) {
			if (count == cap)
				return HTTP_KV_TOO_MANY;
			items[count++] = kv;
		}
		pos = end + 1;
	}
	if (count)
		*out = (struct http_kv_list){ items, count };
	return HTTP_KV_OK;
}

struct str http_kv_get(const struct http_kv_list *list, const char *key)
{
	struct str k = str_from(key);

	for (size_t i = 0; list && i < list->count; i++)
		if (str_eq(list->items[i].key, k))
			return list->items[i].value;
	return STR_NULL;
}

size_t http_kv_get_all(const struct http_kv_list *list, const char *key,
		       struct str *out, size_t max)
{
	struct str k = str_from(key);
	size_t n = 0;

	for (size_t i = 0; list && i < list->count && n < max; i++)
		if (str_eq(list->items[i].key, k))
			out[n++] = list->items[i].value;
	return n;
}
