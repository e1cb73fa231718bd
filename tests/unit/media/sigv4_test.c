/*
 * SigV4 (media/sigv4.h) against published vectors: cases of the AWS
 * Signature Version 4 test suite (aws-sig-v4-test-suite: get-vanilla,
 * get-vanilla-query-order-key-case, get-utf8, post-vanilla,
 * post-x-www-form-urlencoded), and the presigned GET example of the S3
 * documentation ("Authenticating Requests: Using Query Parameters").
 */
#include <string.h>

#include "core/buf.h"
#include "media/sigv4.h"
#include "tap.h"

#include "core/banned.h"

/* The test suite's credentials, scope and time. */
static struct sigv4_scope suite = {
	"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "us-east-1", "service",
	"20150830T123600Z"
};

static const struct sigv4_header vanilla[] = {
	{ "Host", "example.amazonaws.com" },
	{ "X-Amz-Date", "20150830T123600Z" },
};

static void check(const char *name, const char *method, const char *path, const char *query,
		  const struct sigv4_header *h, size_t nh, const char *payload, const char *canon_want,
		  const char *sts_hash_want, const char *sig_want)
{
	struct sigv4_request req = { method, path, query, h, nh, payload };
	struct buf canon = BUF_INIT, sh = BUF_INIT, sh2 = BUF_INIT, sts = BUF_INIT;
	char sig[SIGV4_HEX_LEN + 1] = "", hash[SIGV4_HEX_LEN + 1];

	ok(sigv4_canonical_request(&req, &canon, &sh) == 0, "%s: canonical request built", name);
	if (canon_want)
		is_str(canon.ptr, canon_want, "%s: canonical request", name);
	sigv4_sha256_hex(canon.ptr, canon.len, hash);
	if (sts_hash_want)
		is_str(hash, sts_hash_want, "%s: hash of the canonical request (string to sign, line 4)", name);
	ok(sigv4_string_to_sign(&suite, canon.ptr, canon.len, &sts) == 0 &&
		   strncmp(sts.ptr, "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n", 73) == 0,
	   "%s: string to sign starts with algorithm, time and scope", name);
	ok(sigv4_sign(&suite, &req, sig, &sh2) == 0, "%s: signed", name);
	is_str(sig, sig_want, "%s: signature", name);
	buf_release(&canon);
	buf_release(&sh);
	buf_release(&sh2);
	buf_release(&sts);
}

static void test_suite_vectors(void)
{
	const struct sigv4_header form[] = {
		{ "Content-Type", "application/x-www-form-urlencoded" },
		{ "Host", "example.amazonaws.com" },
		{ "X-Amz-Date", "20150830T123600Z" },
	};
	char body_hash[SIGV4_HEX_LEN + 1];

	check("get-vanilla", "GET", "/", NULL, vanilla, 2, SIGV4_EMPTY_SHA256,
	      "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n"
	      SIGV4_EMPTY_SHA256,
	      "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63",
	      "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
	check("get-vanilla-query-order-key-case", "GET", "/", "Param2=value2&Param1=value1", vanilla, 2,
	      SIGV4_EMPTY_SHA256,
	      "GET\n/\nParam1=value1&Param2=value2\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\n"
	      "host;x-amz-date\n" SIGV4_EMPTY_SHA256,
	      NULL, "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500");
	check("get-utf8", "GET", "/\xe1\x88\xb4", NULL, vanilla, 2, SIGV4_EMPTY_SHA256,
	      "GET\n/%E1%88%B4\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n"
	      SIGV4_EMPTY_SHA256,
	      NULL, "8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85");
	check("post-vanilla", "POST", "/", NULL, vanilla, 2, SIGV4_EMPTY_SHA256, NULL, NULL,
	      "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b");
	sigv4_sha256_hex("Param1=value1", 13, body_hash);
	is_str(body_hash, "9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e",
	       "post-x-www-form-urlencoded: body hash");
	check("post-x-www-form-urlencoded", "POST", "/", NULL, form, 3, body_hash,
	      "POST\n/\n\ncontent-type:application/x-www-form-urlencoded\nhost:example.amazonaws.com\n"
	      "x-amz-date:20150830T123600Z\n\ncontent-type;host;x-amz-date\n"
	      "9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e",
	      "42a5e5bb34198acb3e84da4f085bb7927f2bc277ca766e6d19c73c2154021281",
	      "ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a");
}

static void test_presign_example(void)
{
	struct sigv4_scope s = { "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
				 "us-east-1", "s3", "" };
	struct buf url = BUF_INIT;

	sigv4_scope_time(&s, 1369353600); /* 2013-05-24T00:00:00Z */
	is_str(s.amz_date, "20130524T000000Z", "the time is written as ISO 8601 basic, UTC");
	ok(sigv4_presign(&s, "GET", "https://examplebucket.s3.amazonaws.com", "/test.txt", 86400, NULL, 0,
			 &url) == 0,
	   "the S3 documentation's presigned GET is built");
	is_str(url.ptr,
	       "https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256"
	       "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
	       "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host"
	       "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404",
	       "the presigned URL is the documented one, signature included");
	buf_release(&url);
}

static void test_presign_binds_headers(void)
{
	struct sigv4_scope s = { "K", "S", "us-east-1", "s3", "" };
	const struct sigv4_header a[] = { { "content-length", "1000" }, { "content-type", "image/png" } };
	const struct sigv4_header b[] = { { "content-length", "1001" }, { "content-type", "image/png" } };
	const struct sigv4_header c[] = { { "content-length", "1000" }, { "content-type", "image/gif" } };
	struct buf ua = BUF_INIT, ub = BUF_INIT, uc = BUF_INIT;
	const char *sa, *sb, *sc;

	sigv4_scope_time(&s, 1700000000);
	ok(sigv4_presign(&s, "PUT", "http://127.0.0.1:9000", "/bb/staging/1/x", 300, a, 2, &ua) == 0 &&
		   sigv4_presign(&s, "PUT", "http://127.0.0.1:9000", "/bb/staging/1/x", 300, b, 2, &ub) == 0 &&
		   sigv4_presign(&s, "PUT", "http://127.0.0.1:9000", "/bb/staging/1/x", 300, c, 2, &uc) == 0,
	   "PUT URLs presigned with a length and a type");
	ok(strstr(ua.ptr, "X-Amz-SignedHeaders=content-length%3Bcontent-type%3Bhost") != NULL,
	   "the length and the type are signed headers");
	sa = strstr(ua.ptr, "X-Amz-Signature=");
	sb = strstr(ub.ptr, "X-Amz-Signature=");
	sc = strstr(uc.ptr, "X-Amz-Signature=");
	ok(sa && sb && sc && strcmp(sa, sb) != 0 && strcmp(sa, sc) != 0,
	   "another length or another type gives another signature");
	ok(sigv4_presign(&s, "PUT", "http://h", "/x", 0, NULL, 0, &ua) < 0 &&
		   sigv4_presign(&s, "PUT", "http://h", "/x", 604801, NULL, 0, &ua) < 0 &&
		   sigv4_presign(&s, "PUT", "h", "/x", 60, NULL, 0, &ua) < 0,
	   "no expiry, more than a week, or no scheme is refused");
	buf_release(&ua);
	buf_release(&ub);
	buf_release(&uc);
}

static void test_canonical_pieces(void)
{
	struct buf b = BUF_INIT;
	const struct sigv4_header bad[] = { { "x-a", "line\nbreak" } };
	const struct sigv4_header spaced[] = { { "My-Header1", "  value1   with  spaces " } };
	struct sigv4_request req = { "GET", "/", NULL, bad, 1, SIGV4_EMPTY_SHA256 };
	struct buf sh = BUF_INIT;

	sigv4_canonical_query(&b, "b=2&a=%7e&a=1&c&%41=x+y", 23);
	is_str(b.ptr, "A=x%20y&a=1&a=~&b=2&c=", "query: decoded, re-encoded, sorted by name then value, empty value kept");
	buf_clear(&b);
	sigv4_uri_encode(&b, "a b/c~d!*", 9, true);
	is_str(b.ptr, "a%20b/c~d%21%2A", "path: reserved characters encoded in uppercase hex, slashes kept");
	buf_clear(&b);
	ok(sigv4_canonical_request(&req, &b, &sh) < 0, "a header value with a line break is refused");
	buf_clear(&b);
	buf_clear(&sh);
	req.headers = spaced;
	ok(sigv4_canonical_request(&req, &b, &sh) == 0 && strstr(b.ptr, "\nmy-header1:value1 with spaces\n"),
	   "header values are trimmed and inner spaces folded (get-header-value-trim)");
	buf_release(&b);
	buf_release(&sh);
}

int main(void)
{
	test_suite_vectors();
	test_presign_example();
	test_presign_binds_headers();
	test_canonical_pieces();
	return done_testing();
}
