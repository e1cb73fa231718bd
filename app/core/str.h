#ifndef BB_STR_H
#define BB_STR_H
/*
 * Length+pointer string views, as nginx's ngx_str_t: parsers hand out
 * slices of the request without copying or NUL-terminating.
 */
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

struct str {
	const char *ptr;
	size_t len;
};

#define STR_LIT(s) ((struct str){ (s), sizeof(s) - 1 })
#define STR_NULL ((struct str){ NULL, 0 })

/* The value of hex digit c (either case), or -1. */
static inline int str_hex_value(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static inline struct str str_from(const char *s)
{
	return (struct str){ s, s ? strlen(s) : 0 };
}

static inline bool str_eq(struct str a, struct str b)
{
	return a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0);
}

static inline bool str_eq_c(struct str a, const char *b)
{
	return str_eq(a, str_from(b));
}

bool str_eq_nocase(struct str a, struct str b);
bool str_has_prefix(struct str s, const char *prefix);
/* Valid UTF-8 without overlongs, surrogates or code points past U+10FFFF. */
bool str_utf8_valid(const char *p, size_t n);
/* Number of code points in valid UTF-8. */
size_t str_utf8_len(const char *p, size_t n);
/* Parse a non-negative decimal integer that fills s; -1 on anything else. */
int str_to_u64(struct str s, unsigned long long *out);

#endif
