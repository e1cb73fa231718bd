#include "http/url.h"

#include "core/arena.h"
#include "core/banned.h"

char *url_encode(struct arena *a, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	char *out = arena_alloc(a, n * 3 + 1), *p = out;

	if (!out)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '.' || c == '_' || c == '~' || c == '/') {
			*p++ = (char)c;
		} else {
			*p++ = '%';
			*p++ = hex[c >> 4];
			*p++ = hex[c & 15];
		}
	}
	*p = '\0';
	return out;
}

bool url_is_local_path(struct str p)
{
	if (p.len == 0 || p.len > 2048 || p.ptr[0] != '/')
		return false;
	if (p.len > 1 && (p.ptr[1] == '/' || p.ptr[1] == '\\'))
		return false;
	for (size_t i = 0; i < p.len; i++)
		if ((unsigned char)p.ptr[i] < 0x20 || p.ptr[i] == 0x7f || p.ptr[i] == '\\')
			return false;
	return true;
}
