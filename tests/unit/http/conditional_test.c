#include <string.h>

#include "http/conditional.h"
#include "tap.h"

static void test_etag(void)
{
	char a[CONDITIONAL_ETAG_SIZE], b[CONDITIONAL_ETAG_SIZE], c[CONDITIONAL_ETAG_SIZE];
	char page[4096];

	memset(page, 'x', sizeof(page));
	conditional_etag(page, sizeof(page), a);
	conditional_etag(page, sizeof(page), b);
	is_str(a, b, "etag: the same body, the same tag");
	ok(strlen(a) == CONDITIONAL_ETAG_SIZE - 1 && strncmp(a, "W/\"", 3) == 0 && a[strlen(a) - 1] == '"',
	   "etag: a weak tag of 16 hex digits");
	page[2047] = 'y';
	conditional_etag(page, sizeof(page), c);
	ok(strcmp(a, c) != 0, "etag: one byte changed in the middle changes the tag");
	page[2047] = 'x';
	conditional_etag(page, sizeof(page) - 1, c);
	ok(strcmp(a, c) != 0, "etag: one byte less changes the tag");
	conditional_etag("abcdefghi", 9, a);
	conditional_etag("abcdefghj", 9, b);
	ok(strcmp(a, b) != 0, "etag: the tail after the last 8-byte word counts");
	conditional_etag("", 0, a);
	conditional_etag("\0", 1, b);
	ok(strcmp(a, b) != 0, "etag: an empty body and one NUL byte differ");
}

static void test_none_match(void)
{
	const char *tag = "W/\"0123456789abcdef\"";

	ok(conditional_none_match("W/\"0123456789abcdef\"", tag), "match: the same weak tag");
	ok(conditional_none_match("\"0123456789abcdef\"", tag), "match: weak comparison ignores W/");
	ok(conditional_none_match("W/\"other\", W/\"0123456789abcdef\"", tag), "match: found in a list");
	ok(conditional_none_match("\"a,b\",W/\"0123456789abcdef\"", tag), "match: a comma inside a quoted tag");
	ok(conditional_none_match("  *  ", tag), "match: * holds any");
	ok(!conditional_none_match("W/\"0123456789abcde\"", tag), "no match: one digit short");
	ok(!conditional_none_match("W/\"0123456789abcdef", tag), "no match: an unclosed quote");
	ok(!conditional_none_match("0123456789abcdef", tag), "no match: without quotes");
	ok(!conditional_none_match("", tag), "no match: empty");
	ok(!conditional_none_match(NULL, tag), "no match: no header");
	ok(!conditional_none_match("**", tag), "no match: ** is not *");
	ok(!conditional_none_match(",,, ,", tag), "no match: only separators");
}

int main(void)
{
	test_etag();
	test_none_match();
	return done_testing();
}
