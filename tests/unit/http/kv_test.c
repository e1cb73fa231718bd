#include <string.h>

#include "core/arena.h"
#include "http/header.h"
#include "http/kv.h"
#include "tap.h"

static const struct http_kv_limits lim = { 16, 32, 64 };

static int form(struct arena *a, const char *s, struct http_kv_list *out)
{
	return http_form_parse(a, s, strlen(s), &lim, out);
}

static int cookie(struct arena *a, const char *s, struct http_kv_list *out)
{
	return http_cookie_parse(a, s, strlen(s), &lim, out);
}

static void test_form_decoding(struct arena *a)
{
	struct http_kv_list l;
	struct str v;

	is_int(form(a, "q=hello+world&x=%41%42c&jp=%e3%81%82&raw=%E3%81%82", &l), HTTP_KV_OK,
	       "form: a well-formed query parses");
	is_int(l.count, 4, "form: four pairs");
	is_str(http_kv_get(&l, "q").ptr, "hello world", "form: '+' decodes to a space");
	is_str(http_kv_get(&l, "x").ptr, "ABc", "form: %41 decodes, case-insensitive hex");
	v = http_kv_get(&l, "jp");
	ok(v.len == 3 && memcmp(v.ptr, "\xe3\x81\x82", 3) == 0, "form: %e3%81%82 decodes to UTF-8");
	ok(v.ptr[v.len] == '\0', "form: values are NUL-terminated");
	ok(l.items[0].key.ptr[l.items[0].key.len] == '\0', "form: keys are NUL-terminated");
	is_str(l.items[3].key.ptr, "raw", "form: pairs keep their order");

	is_int(form(a, "a%20b%3Dc=d%26e", &l), HTTP_KV_OK, "form: escaped '=' and '&' parse");
	is_str(l.items[0].key.ptr, "a b=c", "form: %3D in a key is data, not a separator");
	is_str(l.items[0].value.ptr, "d&e", "form: %26 in a value is data");
	is_int(form(a, "a=b=c", &l), HTTP_KV_OK, "form: a second '=' is accepted");
	is_str(l.items[0].value.ptr, "b=c", "form: the value runs past a second '='");
	is_int(form(a, "\xe7\xbe\x8e=\xe5\xa5\xb3", &l), HTTP_KV_OK, "form: raw UTF-8 passes");
	is_str(http_kv_get(&l, "\xe7\xbe\x8e").ptr, "\xe5\xa5\xb3", "form: raw UTF-8 key found");
}

static void test_form_malformed(struct arena *a)
{
	struct http_kv_list l;

	is_int(form(a, "a=%4", &l), HTTP_KV_MALFORMED, "form: truncated escape %4 is malformed");
	ok(l.count == 0 && l.items == NULL, "form: output is empty after an error");
	is_int(form(a, "a=%4&b=1", &l), HTTP_KV_MALFORMED, "form: escape cut by '&' is malformed");
	is_int(form(a, "a=%zz", &l), HTTP_KV_MALFORMED, "form: non-hex escape %zz is malformed");
	is_int(form(a, "a=%", &l), HTTP_KV_MALFORMED, "form: a lone '%' is malformed");
	is_int(form(a, "%zz=1", &l), HTTP_KV_MALFORMED, "form: a bad escape in a key is malformed");
	is_int(form(a, "a=%00", &l), HTTP_KV_MALFORMED, "form: NUL via %00 is malformed");
	is_int(http_form_parse(a, "a=b\0c", 5, &lim, &l), HTTP_KV_MALFORMED,
	       "form: a raw NUL byte is malformed");
	is_int(form(a, "a=%ff", &l), HTTP_KV_MALFORMED, "form: invalid UTF-8 after decoding");
	is_int(form(a, "a=%c0%af", &l), HTTP_KV_MALFORMED, "form: overlong UTF-8 is malformed");
	is_int(form(a, "a=%e3%81", &l), HTTP_KV_MALFORMED, "form: truncated UTF-8 is malformed");
	is_int(form(a, "a=\xff", &l), HTTP_KV_MALFORMED, "form: raw invalid UTF-8 is malformed");
	is_int(form(a, "ok=1&a=%zz", &l), HTTP_KV_MALFORMED,
	       "form: a bad pair after good ones fails the whole input");
}

static void test_form_limits(struct arena *a)
{
	char many[256], key[64], val[128];
	struct http_kv_list l;
	size_t n = 0;

	for (int i = 0; i < 16; i++)
		n += (size_t)snprintf(many + n, sizeof(many) - n, "k%d=v&", i);
	is_int(form(a, many, &l), HTTP_KV_OK, "form: max_pairs pairs are accepted");
	is_int(l.count, 16, "form: all 16 kept");
	snprintf(many + n, sizeof(many) - n, "k=v");
	is_int(form(a, many, &l), HTTP_KV_TOO_MANY, "form: one pair past max_pairs is TOO_MANY");
	is_int(form(a, "&&&&&&&&&&&&&&&&&&&&&&&&a=1", &l), HTTP_KV_OK,
	       "form: empty pairs do not count against max_pairs");

	memset(key, 'k', 32);
	snprintf(key + 32, sizeof(key) - 32, "=1");
	is_int(form(a, key, &l), HTTP_KV_OK, "form: a key of max_key bytes is accepted");
	memset(key, 'k', 33);
	snprintf(key + 33, sizeof(key) - 33, "=1");
	is_int(form(a, key, &l), HTTP_KV_TOO_LONG, "form: a key past max_key is TOO_LONG");
	snprintf(val, sizeof(val), "v=");
	memset(val + 2, 'x', 64);
	val[66] = '\0';
	is_int(form(a, val, &l), HTTP_KV_OK, "form: a value of max_value bytes is accepted");
	snprintf(val, sizeof(val), "v=");
	memset(val + 2, 'x', 65);
	val[67] = '\0';
	is_int(form(a, val, &l), HTTP_KV_TOO_LONG, "form: a value past max_value is TOO_LONG");
	n = 0;
	for (int i = 0; i < 30; i++)
		n += (size_t)snprintf(val + n, sizeof(val) - n, "%%41");
	val[n] = '\0';
	memmove(val + 2, val, n + 1);
	memcpy(val, "v=", 2);
	is_int(form(a, val, &l), HTTP_KV_OK, "form: limits apply to decoded length (90 raw, 30 decoded)");
}

static void test_form_shapes(struct arena *a)
{
	struct http_kv_list l;
	struct str all[4];

	is_int(form(a, "a=1&&b=2&", &l), HTTP_KV_OK, "form: empty pairs parse");
	is_int(l.count, 2, "form: empty pairs and a trailing '&' are skipped");
	is_int(form(a, "flag&x=", &l), HTTP_KV_OK, "form: keys without values parse");
	ok(http_kv_get(&l, "flag").ptr && http_kv_get(&l, "flag").len == 0,
	   "form: a key without '=' has an empty, non-NULL value");
	is_str(http_kv_get(&l, "x").ptr, "", "form: 'x=' has an empty value");
	is_int(form(a, "=1&b=2", &l), HTTP_KV_OK, "form: an empty key parses");
	is_int(l.count, 1, "form: a pair with an empty key is skipped");
	is_int(form(a, "", &l), HTTP_KV_OK, "form: empty input is OK");
	ok(l.count == 0, "form: empty input has no pairs");
	is_int(http_form_parse(a, NULL, 0, &lim, &l), HTTP_KV_OK, "form: NULL with length 0 is OK");

	is_int(form(a, "ids[]=1&x=y&ids[]=2&ids[]=3", &l), HTTP_KV_OK, "form: repeated keys parse");
	is_str(http_kv_get(&l, "ids[]").ptr, "1", "form: get returns the first value");
	is_int(http_kv_get_all(&l, "ids[]", all, 4), 3, "form: get_all finds every value");
	ok(str_eq_c(all[0], "1") && str_eq_c(all[1], "2") && str_eq_c(all[2], "3"),
	   "form: get_all keeps order");
	is_int(http_kv_get_all(&l, "ids[]", all, 2), 2, "form: get_all stops at max");
	is_int(http_kv_get_all(&l, "none", all, 4), 0, "form: get_all of a missing key is 0");
	ok(http_kv_get(&l, "none").ptr == NULL, "form: get of a missing key is STR_NULL");
	ok(http_kv_get(&l, "ids").ptr == NULL, "form: keys match exactly, not by prefix");
}

static void test_cookies(struct arena *a)
{
	struct http_kv_list l;
	struct str all[4];
	char big[128];

	is_int(cookie(a, "sid=abc123; theme=dark", &l), HTTP_KV_OK, "cookie: two pairs parse");
	is_int(l.count, 2, "cookie: two pairs");
	is_str(http_kv_get(&l, "sid").ptr, "abc123", "cookie: first value");
	is_str(http_kv_get(&l, "theme").ptr, "dark", "cookie: second value");

	is_int(cookie(a, "  a = 1 ;b=2;\tc=3  ;;", &l), HTTP_KV_OK, "cookie: loose spacing parses");
	is_int(l.count, 3, "cookie: spaces, tabs and empty segments are tolerated");
	is_str(http_kv_get(&l, "a").ptr, "1", "cookie: blanks around name and value are trimmed");
	is_str(http_kv_get(&l, "c").ptr, "3", "cookie: trailing blanks trimmed");

	is_int(cookie(a, "q=\"quoted value\"; e=\"\"; half=\"x", &l), HTTP_KV_OK,
	       "cookie: quoted values parse");
	is_str(http_kv_get(&l, "q").ptr, "quoted value", "cookie: double quotes are stripped");
	is_str(http_kv_get(&l, "e").ptr, "", "cookie: \"\" is an empty value");
	is_str(http_kv_get(&l, "half").ptr, "\"x", "cookie: an unbalanced quote is kept");

	is_int(cookie(a, "a=b+c%41", &l), HTTP_KV_OK, "cookie: no decoding");
	is_str(http_kv_get(&l, "a").ptr, "b+c%41", "cookie: '+' and % are left alone");

	is_int(cookie(a, "novalue; x=1; =anon; bad name=2; y=a\x01z; z=\xff; w=1=2", &l), HTTP_KV_OK,
	       "cookie: malformed pairs are not fatal");
	is_int(l.count, 2, "cookie: pairs without '=', bad names, control bytes, bad UTF-8 skipped");
	is_str(http_kv_get(&l, "x").ptr, "1", "cookie: the good pair survives");
	is_str(http_kv_get(&l, "w").ptr, "1=2", "cookie: the value runs past a second '='");
	ok(http_kv_get(&l, "novalue").ptr == NULL, "cookie: a pair without '=' is skipped");

	is_int(cookie(a, "sid=new; sid=old", &l), HTTP_KV_OK, "cookie: duplicates parse");
	is_str(http_kv_get(&l, "sid").ptr, "new", "cookie: get returns the first duplicate");
	is_int(http_kv_get_all(&l, "sid", all, 4), 2, "cookie: get_all returns both duplicates");
	is_str(all[1].ptr, "old", "cookie: duplicates keep their order");

	memset(big, 'x', 100);
	memcpy(big, "big=", 4);
	snprintf(big + 100, sizeof(big) - 100, "; ok=1");
	is_int(cookie(a, big, &l), HTTP_KV_OK, "cookie: an over-long value does not fail the request");
	ok(l.count == 1 && http_kv_get(&l, "big").ptr == NULL, "cookie: the over-long pair is skipped");

	is_int(cookie(a, "a=1;b=2;c=3;d=4;e=5;f=6;g=7;h=8;i=9;j=10;k=11;l=12;m=13;n=14;o=15;p=16;q=17",
		      &l),
	       HTTP_KV_TOO_MANY, "cookie: more than max_pairs good pairs is TOO_MANY");
	ok(l.count == 0, "cookie: output is empty after TOO_MANY");
	is_int(cookie(a, "", &l), HTTP_KV_OK, "cookie: an empty header is OK");
}

static void test_header_param(struct arena *a)
{
	struct str v;
	struct str ct = STR_LIT("Multipart/Form-Data ; Boundary=\"a\\\"b c\"; charset=utf-8");

	ok(str_eq_c(http_header_base(ct), "Multipart/Form-Data"), "param: base value trimmed");
	is_int(http_header_param(ct, "boundary", a, &v), HTTP_HEADER_OK, "param: quoted parameter found");
	is_str(v.ptr, "a\"b c", "param: quotes removed and escapes resolved");
	is_int(http_header_param(ct, "charset", a, &v), HTTP_HEADER_OK, "param: token parameter found");
	is_str(v.ptr, "utf-8", "param: token value");
	is_int(http_header_param(ct, "name", a, &v), HTTP_HEADER_OK, "param: absent parameter is OK");
	ok(v.ptr == NULL, "param: absent parameter is STR_NULL");
	is_int(http_header_param(STR_LIT("form-data; name=a; NAME=b"), "name", a, &v),
	       HTTP_HEADER_MALFORMED, "param: a duplicate parameter is malformed");
	is_int(http_header_param(STR_LIT("form-data; name=\"a"), "name", a, &v),
	       HTTP_HEADER_MALFORMED, "param: an unterminated quote is malformed");
	is_int(http_header_param(STR_LIT("form-data; name"), "name", a, &v),
	       HTTP_HEADER_MALFORMED, "param: a parameter without '=' is malformed");
	is_int(http_header_param(STR_LIT("form-data; filename*=UTF-8''x; filename=\"y\""),
				 "filename", a, &v),
	       HTTP_HEADER_OK, "param: filename* is a different parameter");
	is_str(v.ptr, "y", "param: filename found beside filename*");
}

int main(void)
{
	struct arena *a = arena_new(4096);

	test_form_decoding(a);
	test_form_malformed(a);
	test_form_limits(a);
	test_form_shapes(a);
	test_cookies(a);
	test_header_param(a);
	arena_free(a);
	return done_testing();
}
