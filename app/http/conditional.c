#include "http/conditional.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/banned.h"

/* Eight bytes a step with a multiply-xorshift mix, finished as
 * MurmurHash3's fmix64: a 56 KB page hashes in a few microseconds,
 * where a byte-at-a-time hash took tens. */
static uint64_t conditional_hash(const unsigned char *p, size_t n)
{
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ (uint64_t)n, w;

	for (; n >= 8; p += 8, n -= 8) {
		memcpy(&w, p, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdULL;
		h ^= h >> 32;
	}
	w = 0;
	memcpy(&w, p, n);
	h = (h ^ w) * 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

void conditional_etag(const void *body, size_t len, char out[CONDITIONAL_ETAG_SIZE])
{
	snprintf(out, CONDITIONAL_ETAG_SIZE, "W/\"%016llx\"", (unsigned long long)conditional_hash(body, len));
}

/* The opaque part of a tag, quotes included: W/"x" and "x" compare alike. */
static void conditional_opaque(const char **p, size_t *n)
{
	if (*n >= 2 && (*p)[0] == 'W' && (*p)[1] == '/') {
		*p += 2;
		*n -= 2;
	}
}

bool conditional_none_match(const char *if_none_match, const char *etag)
{
	const char *ours = etag, *p = if_none_match;
	size_t ours_len = strlen(etag);

	if (!p)
		return false;
	conditional_opaque(&ours, &ours_len);
	while (*p) {
		const char *start, *end;
		size_t len;

		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (!*p)
			break;
		start = p;
		/* A tag runs to its closing quote; commas may sit inside one. */
		if (p[0] == 'W' && p[1] == '/')
			p += 2;
		if (*p == '"') {
			const char *close = strchr(p + 1, '"');

			if (!close)
				return false;
			p = close + 1;
		} else {
			while (*p && *p != ',' && *p != ' ' && *p != '\t')
				p++;
		}
		end = p;
		len = (size_t)(end - start);
		if (len == 1 && *start == '*')
			return true;
		conditional_opaque(&start, &len);
		if (len == ours_len && memcmp(start, ours, len) == 0)
			return true;
	}
	return false;
}
