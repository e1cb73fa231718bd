#include "view/richtext.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "core/buf.h"
#include "view/escape.h"
#include "core/banned.h"

/* Decode one UTF-8 code point at s (valid input assumed); sets *n. */
static uint32_t richtext_cp(const unsigned char *s, size_t len, size_t *n)
{
	if (s[0] < 0x80 || len < 2) {
		*n = 1;
		return s[0];
	}
	if (s[0] < 0xE0 || len < 3) {
		*n = 2;
		return ((uint32_t)(s[0] & 0x1F) << 6) | (s[1] & 0x3F);
	}
	if (s[0] < 0xF0 || len < 4) {
		*n = 3;
		return ((uint32_t)(s[0] & 0x0F) << 12) | ((uint32_t)(s[1] & 0x3F) << 6) | (s[2] & 0x3F);
	}
	*n = 4;
	return ((uint32_t)(s[0] & 0x07) << 18) | ((uint32_t)(s[1] & 0x3F) << 12) |
	       ((uint32_t)(s[2] & 0x3F) << 6) | (s[3] & 0x3F);
}

/*
 * Letters and digits of any script belong in a tag; spaces, ASCII
 * punctuation and the CJK and full-width punctuation blocks end it.
 */
static bool richtext_tag_char(uint32_t c)
{
	if (c < 0x80)
		return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
	if (c == 0x3000 || (c >= 0x3001 && c <= 0x303F))
		return c >= 0x3005 && c <= 0x3007; /* 々〆〇 are letters */
	if (c >= 0xFF01 && c <= 0xFF0F)
		return false;
	if (c >= 0xFF1A && c <= 0xFF20)
		return false;
	if (c >= 0x2000 && c <= 0x206F)
		return false; /* general punctuation, spaces */
	if (c == 0x00A0 || c == 0xFEFF || (c >= 0x00A1 && c <= 0x00BF))
		return false;
	return true;
}

static bool richtext_name_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* Length of the tag starting at s (after '#'), 0 when none. */
static size_t richtext_tag_len(const unsigned char *s, size_t len)
{
	size_t i = 0, n;

	while (i < len) {
		uint32_t c = richtext_cp(s + i, len - i, &n);

		if (!richtext_tag_char(c) || i + n > RICHTEXT_TAG_MAX)
			break;
		i += n;
	}
	return i;
}

static size_t richtext_name_len(const unsigned char *s, size_t len)
{
	size_t i = 0;

	while (i < len && i < 30 && richtext_name_char(s[i]))
		i++;
	return i < len && richtext_name_char(s[i]) ? 0 : i;
}

/* A '#' or '@' starts a link only at the start or after a non-name byte,
 * so "mail@example.org" and "a#b" stay plain text. */
static bool richtext_boundary(const unsigned char *s, size_t i)
{
	return i == 0 || !(richtext_name_char(s[i - 1]) || s[i - 1] >= 0x80);
}

int richtext_tag_valid(const char *tag, size_t n)
{
	return n > 0 && n <= RICHTEXT_TAG_MAX && richtext_tag_len((const unsigned char *)tag, n) == n;
}

int richtext_html(struct buf *out, const char *text, size_t len)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t start = 0, i = 0;

	while (i < len) {
		size_t n = 0;

		if ((s[i] == '#' || s[i] == '@') && richtext_boundary(s, i))
			n = s[i] == '#' ? richtext_tag_len(s + i + 1, len - i - 1)
					: richtext_name_len(s + i + 1, len - i - 1);
		if (n == 0 || (s[i] == '@' && n < 3)) {
			i++;
			continue;
		}
		if (escape_html(out, text + start, i - start) < 0)
			return -1;
		if (s[i] == '#') {
			buf_puts(out, "<a class=\"tag\" href=\"/tags/");
			escape_html(out, text + i + 1, n);
			buf_puts(out, "\">#");
		} else {
			buf_puts(out, "<a class=\"mention\" href=\"/@");
			escape_html(out, text + i + 1, n);
			buf_puts(out, "\">@");
		}
		escape_html(out, text + i + 1, n);
		if (buf_puts(out, "</a>") < 0)
			return -1;
		i += n + 1;
		start = i;
	}
	return escape_html(out, text + start, len - start);
}

size_t richtext_hashtags(const char *text, size_t len, size_t max,
			 void (*fn)(void *ud, const char *tag, size_t n), void *ud)
{
	const unsigned char *s = (const unsigned char *)text;
	const char *seen[64];
	size_t seen_len[64], count = 0;

	if (max > 64)
		max = 64;
	for (size_t i = 0; i < len && count < max; i++) {
		size_t n;
		bool dup = false;

		if (s[i] != '#' || !richtext_boundary(s, i))
			continue;
		n = richtext_tag_len(s + i + 1, len - i - 1);
		if (n == 0)
			continue;
		for (size_t k = 0; k < count && !dup; k++) {
			if (seen_len[k] != n)
				continue;
			dup = true;
			/* ASCII case does not make another tag. */
			for (size_t j = 0; j < n && dup; j++) {
				unsigned char a = (unsigned char)seen[k][j], b = s[i + 1 + j];

				if (a >= 'A' && a <= 'Z')
					a = (unsigned char)(a + 32);
				if (b >= 'A' && b <= 'Z')
					b = (unsigned char)(b + 32);
				dup = a == b;
			}
		}
		if (!dup) {
			seen[count] = text + i + 1;
			seen_len[count] = n;
			count++;
			fn(ud, text + i + 1, n);
		}
		i += n;
	}
	return count;
}
