#include "core/json_write.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "core/banned.h"

#define JSON_WRITE_FLAGS (JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)

/* Room for n more bytes and the NUL after them; then json_put() and
 * json_putc() write without checking again. */
static int json_room(struct buf *b, size_t n)
{
	return b->len + n < b->cap ? 0 : buf_grow(b, n);
}

static void json_put(struct buf *b, const char *p, size_t n)
{
	memcpy(b->ptr + b->len, p, n);
	b->len += n;
}

static void json_putc(struct buf *b, char c)
{
	b->ptr[b->len++] = c;
}

/* Whether any of the 8 bytes at p is a control character, '"' or '\\'
 * (the classic bit tricks for "has a byte less than" and "has a zero
 * byte"), so plain text is skipped a word at a time. */
static bool json_word_needs_escape(const char *p)
{
	const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
	uint64_t w, quote, backslash;

	memcpy(&w, p, 8);
	quote = w ^ (ones * '"');
	backslash = w ^ (ones * '\\');
	return (((w - ones * 0x20) & ~w) | ((quote - ones) & ~quote) | ((backslash - ones) & ~backslash)) & highs;
}

/* A string with json-c's escapes: the two that must be, the five short
 * control ones, and \u00xx for the other control characters. */
static int json_write_str(struct buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t start = 0;

	if (json_room(b, n + 2) < 0)
		return -1;
	json_putc(b, '"');
	for (size_t i = 0; i < n; i++) {
		unsigned char c;
		char esc[6] = { '\\', 0, 0, 0, 0, 0 };
		size_t elen = 2;

		while (n - i >= 8 && !json_word_needs_escape(s + i))
			i += 8;
		if (i >= n)
			break;
		c = (unsigned char)s[i];
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		switch (c) {
		case '"': esc[1] = '"'; break;
		case '\\': esc[1] = '\\'; break;
		case '\b': esc[1] = 'b'; break;
		case '\f': esc[1] = 'f'; break;
		case '\n': esc[1] = 'n'; break;
		case '\r': esc[1] = 'r'; break;
		case '\t': esc[1] = 't'; break;
		default:
			memcpy(esc + 1, "u00", 3);
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 15];
			elen = 6;
		}
		/* The rest of the string still needs its room after this. */
		if (json_room(b, (i - start) + elen + (n - i) + 1) < 0)
			return -1;
		json_put(b, s + start, i - start);
		json_put(b, esc, elen);
		start = i + 1;
	}
	json_put(b, s + start, n - start);
	json_putc(b, '"');
	b->ptr[b->len] = '\0';
	return 0;
}

/* One character of punctuation, the text kept NUL-terminated. */
static int json_punct(struct buf *b, char c)
{
	if (json_room(b, 1) < 0)
		return -1;
	json_putc(b, c);
	b->ptr[b->len] = '\0';
	return 0;
}

static int json_write_int(struct buf *b, struct json_object *o)
{
	char text[24];
	int64_t v = json_object_get_int64(o);
	int n;

	/* A number above INT64_MAX was kept unsigned by json-c. */
	if (v == INT64_MAX)
		n = snprintf(text, sizeof(text), "%" PRIu64, json_object_get_uint64(o));
	else
		n = snprintf(text, sizeof(text), "%" PRId64, v);
	return buf_append(b, text, (size_t)n);
}

int json_write(struct buf *b, struct json_object *o)
{
	switch (json_object_get_type(o)) {
	case json_type_null:
		return buf_append(b, "null", 4);
	case json_type_boolean:
		return json_object_get_boolean(o) ? buf_append(b, "true", 4) : buf_append(b, "false", 5);
	case json_type_int:
		return json_write_int(b, o);
	case json_type_double:
		/* Rare in our answers, and json-c's rules for them (the ".0", a
		 * number kept as its own text) are worth reusing as they are. */
		return buf_puts(b, json_object_to_json_string_ext(o, JSON_WRITE_FLAGS));
	case json_type_string:
		return json_write_str(b, json_object_get_string(o), (size_t)json_object_get_string_len(o));
	case json_type_array: {
		size_t n = json_object_array_length(o);

		if (json_punct(b, '[') < 0)
			return -1;
		for (size_t i = 0; i < n; i++)
			if ((i && json_punct(b, ',') < 0) || json_write(b, json_object_array_get_idx(o, i)) < 0)
				return -1;
		return json_punct(b, ']');
	}
	case json_type_object: {
		bool first = true;

		if (json_punct(b, '{') < 0)
			return -1;
		json_object_object_foreach(o, key, val) {
			if ((!first && json_punct(b, ',') < 0) || json_write_str(b, key, strlen(key)) < 0 ||
			    json_punct(b, ':') < 0 || json_write(b, val) < 0)
				return -1;
			first = false;
		}
		return json_punct(b, '}');
	}
	}
	return -1;
}
