#include "http/header.h"

#include <string.h>

#include "core/banned.h"

static bool http_is_ows(char c)
{
	return c == ' ' || c == '\t';
}

struct str http_header_base(struct str v)
{
	const char *semi = v.len ? memchr(v.ptr, ';', v.len) : NULL;
	size_t s = 0, e = semi ? (size_t)(semi - v.ptr) : v.len;

	while (s < e && http_is_ows(v.ptr[s]))
		s++;
	while (e > s && http_is_ows(v.ptr[e - 1]))
		e--;
	return (struct str){ v.ptr + s, e - s };
}

/* qdtext and quoted-pair bytes: HTAB, SP, VCHAR and obs-text, not DEL. */
static bool http_is_qtext(unsigned char c)
{
	return c == '\t' || (c >= 0x20 && c != 0x7F);
}

/*
 * Scan a quoted-string starting at v[*i] == '"'. On success *i is just
 * past the closing quote and the unescaped length is returned through
 * *n; when dst is not NULL the unescaped bytes are written there. -1 when
 * the string is unterminated or holds a control byte.
 */
static int http_quoted_scan(struct str v, size_t *i, char *dst, size_t *n)
{
	size_t k = *i + 1, len = 0;

	while (k < v.len) {
		unsigned char c = (unsigned char)v.ptr[k];

		if (c == '"') {
			*i = k + 1;
			*n = len;
			return 0;
		}
		if (c == '\\') {
			if (++k >= v.len)
				return -1;
			c = (unsigned char)v.ptr[k];
		}
		if (!http_is_qtext(c))
			return -1;
		if (dst)
			dst[len] = (char)c;
		len++;
		k++;
	}
	return -1;
}

int http_header_param(struct str v, const char *name, struct arena *a, struct str *out)
{
	struct str want = str_from(name);
	const char *semi = v.len ? memchr(v.ptr, ';', v.len) : NULL;
	size_t i = semi ? (size_t)(semi - v.ptr) : v.len;
	size_t found_at = 0, found_end = 0;
	bool found = false;

	*out = STR_NULL;
	while (i < v.len) {
		struct str pname;
		size_t vstart;

		/* v[i] is ';' here; empty parameters (";;") are tolerated. */
		i++;
		while (i < v.len && http_is_ows(v.ptr[i]))
			i++;
		if (i == v.len)
			break;
		if (v.ptr[i] == ';')
			continue;
		pname.ptr = v.ptr + i;
		while (i < v.len && http_is_tchar((unsigned char)v.ptr[i]))
			i++;
		pname.len = (size_t)(v.ptr + i - pname.ptr);
		if (pname.len == 0 || i == v.len || v.ptr[i] != '=')
			return HTTP_HEADER_MALFORMED;
		vstart = ++i;
		if (i < v.len && v.ptr[i] == '"') {
			size_t n;

			if (http_quoted_scan(v, &i, NULL, &n) != 0)
				return HTTP_HEADER_MALFORMED;
		} else {
			while (i < v.len && http_is_tchar((unsigned char)v.ptr[i]))
				i++;
			if (i == vstart)
				return HTTP_HEADER_MALFORMED;
		}
		if (str_eq_nocase(pname, want)) {
			if (found)
				return HTTP_HEADER_MALFORMED;
			found = true;
			found_at = vstart;
			found_end = i;
		}
		while (i < v.len && http_is_ows(v.ptr[i]))
			i++;
		if (i < v.len && v.ptr[i] != ';')
			return HTTP_HEADER_MALFORMED;
	}
	if (!found)
		return HTTP_HEADER_OK;
	if (v.ptr[found_at] == '"') {
		size_t k = found_at, n;
		char *dst = arena_alloc(a, found_end - found_at);

		if (!dst)
			return HTTP_HEADER_NOMEM;
		http_quoted_scan(v, &k, dst, &n);
		dst[n] = '\0';
		*out = (struct str){ dst, n };
	} else {
		char *dst = arena_strndup(a, v.ptr + found_at, found_end - found_at);

		if (!dst)
			return HTTP_HEADER_NOMEM;
		*out = (struct str){ dst, found_end - found_at };
	}
	return HTTP_HEADER_OK;
}
