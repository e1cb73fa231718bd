#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/str.h"
#include "tap.h"

int main(void)
{
	struct buf b = BUF_INIT;
	unsigned long long v;
	char *p;
	size_t n;

	ok(buf_puts(&b, "ab") == 0 && buf_putc(&b, 'c') == 0, "append text");
	ok(buf_printf(&b, "%d", 123) == 0, "printf appends");
	is_str(b.ptr, "abc123", "contents are NUL-terminated");
	for (int i = 0; i < 1000; i++)
		buf_puts(&b, "0123456789");
	is_int(b.len, 10006, "grows past the first capacity");
	ok(buf_grow(&b, BUF_MAX) == -1, "refuses to grow past BUF_MAX");
	is_int(b.len, 10006, "a failed grow keeps the contents");
	p = buf_detach(&b, &n);
	is_int(n, 10006, "detach gives the length");
	ok(b.ptr == NULL && b.len == 0, "detach empties the buffer");
	free(p);
	buf_release(&b);

	ok(str_utf8_valid("h\xc3\xa9llo \xe7\xbe\x8e", 10), "valid UTF-8 accepted");
	ok(!str_utf8_valid("\xc0\xaf", 2), "overlong encoding refused");
	ok(!str_utf8_valid("\xed\xa0\x80", 3), "surrogate refused");
	ok(!str_utf8_valid("\xe7\xbe", 2), "truncated sequence refused");
	is_int(str_utf8_len("h\xc3\xa9\xe7\xbe\x8e", 6), 3, "code points counted");
	ok(str_to_u64(STR_LIT("18446744073709551615"), &v) == 0 && v == 18446744073709551615ULL,
	   "parses the largest u64");
	ok(str_to_u64(STR_LIT("18446744073709551616"), &v) == -1, "overflow refused");
	ok(str_to_u64(STR_LIT("12a"), &v) == -1, "trailing garbage refused");
	ok(str_eq_nocase(STR_LIT("Alice"), STR_LIT("aLICE")), "case-insensitive compare");
	return done_testing();
}
