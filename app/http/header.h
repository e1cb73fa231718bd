#ifndef BB_HTTP_HEADER_H
#define BB_HTTP_HEADER_H
/*
 * Structured header values of the form `base; name=value; name="quoted"`
 * (Content-Type, Content-Disposition): the base value and one parameter
 * at a time. Used by the multipart parser and by anything that needs a
 * Content-Type charset.
 */
#include <stdbool.h>

#include "core/arena.h"
#include "core/str.h"

enum http_header_status {
	HTTP_HEADER_OK = 0,
	HTTP_HEADER_MALFORMED = -1,
	HTTP_HEADER_NOMEM = -2,
};

/* RFC 9110 tchar: the bytes a header name or an unquoted token may hold. */
static inline bool http_is_tchar(unsigned char c)
{
	if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
		return true;
	return c != '\0' && memchr("!#$%&'*+-.^_`|~", c, 15) != NULL;
}

/*
 * The value before the first ';', without surrounding spaces or tabs:
 * "multipart/form-data" for "multipart/form-data; boundary=x". A slice
 * of v; nothing is copied.
 */
struct str http_header_base(struct str v);

/*
 * Find parameter `name` (case-insensitive) after the base value of v.
 * On HTTP_HEADER_OK *out is the value with quotes removed and backslash
 * escapes resolved, copied into the arena and NUL-terminated, or STR_NULL
 * when the parameter is absent. A parameter list that does not follow
 * RFC 9110 (`;` OWS token "=" (token / quoted-string)), or that names the
 * parameter twice, is HTTP_HEADER_MALFORMED: a duplicate could be read
 * differently by a proxy in front of us, so we refuse to choose.
 */
int http_header_param(struct str v, const char *name, struct arena *a, struct str *out);

#endif
