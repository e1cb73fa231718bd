/*
 * The parts of media/storage.h and media/s3.h that need no server:
 * staging keys bound to their user, the keys the S3 client accepts, the
 * local backend behind the interface, and the presigned PUT of the s3
 * client (URL shape, bound headers) on a configuration that is never
 * contacted. The requests themselves are tested against a real
 * S3-compatible server in tests/http/media-s3.test.js.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "core/buf.h"
#include "media/s3.h"
#include "media/storage.h"
#include "media/store.h"
#include "tap.h"

#include "core/banned.h"

static void test_staging_keys(void)
{
	char key[STORAGE_STAGING_KEY_MAX + 1], other[STORAGE_STAGING_KEY_MAX + 1];

	storage_staging_key(42, key);
	storage_staging_key(42, other);
	ok(strncmp(key, "staging/42/", 11) == 0 && strlen(key) == 11 + 32, "a staging key is staging/<user>/<32 hex>: %s", key);
	ok(strcmp(key, other) != 0, "two keys differ (random)");
	ok(storage_staging_key_ok(key, 42), "the key belongs to its user");
	ok(!storage_staging_key_ok(key, 4), "not to another user, even one whose id is a prefix");
	ok(!storage_staging_key_ok(key, 420), "nor to one whose id extends it");
	ok(!storage_staging_key_ok("staging/42/../../ab/cd/x", 42), "no path tricks");
	ok(!storage_staging_key_ok("staging/42/0123456789ABCDEF0123456789abcdef", 42), "lowercase hex only");
	ok(!storage_staging_key_ok("staging/42/0123456789abcdef0123456789abcde", 42), "exactly 32 digits");
	ok(!storage_staging_key_ok("ab/cd/0123456789abcdef0123456789abcdef", 42), "a media key is not a staging key");
	ok(!storage_staging_key_ok(NULL, 42), "NULL refused");
}

static void test_s3_keys(void)
{
	ok(s3_key_ok("ab/cd/0123-feed.webp"), "a media key is accepted");
	ok(s3_key_ok("staging/1/abc"), "a staging key is accepted");
	ok(!s3_key_ok(""), "empty refused");
	ok(!s3_key_ok("/ab"), "a leading slash refused");
	ok(!s3_key_ok("a//b"), "an empty segment refused");
	ok(!s3_key_ok("a/../b"), "dot-dot refused");
	ok(!s3_key_ok("a b"), "a space refused");
	ok(!s3_key_ok("a?x=1"), "a query refused");
}

static void test_s3_presign(void)
{
	struct s3_conf path_style = { "http://127.0.0.1:9", "us-east-1", "bb", true, "AK", "SK", "", 1, 0 };
	struct s3_conf vhost = { "https://s3.eu-west-1.amazonaws.com", "eu-west-1", "bb", false, "AK", "SK",
				 "https://cdn.example.org/", 1, 0 };
	struct s3 *a = NULL, *b = NULL;
	struct buf err = BUF_INIT, url = BUF_INIT;

	ok(s3_new(&path_style, &a, &err) == 0 && s3_new(&vhost, &b, &err) == 0, "clients made");
	if (!a || !b)
		return;
	is_str(s3_public_base(a), "http://127.0.0.1:9/bb", "path style: the bucket URL is endpoint/bucket");
	is_str(s3_upload_origin(a), "http://127.0.0.1:9", "path style: uploads go to the endpoint");
	is_str(s3_public_base(b), "https://cdn.example.org", "public_url wins, without its trailing slash");
	is_str(s3_upload_origin(b), "https://bb.s3.eu-west-1.amazonaws.com", "virtual-host style: bucket.endpoint");
	ok(s3_presign_put(a, "staging/1/abc", 1234, "image/png", 1700000000, 300, &url) == S3_OK, "presigned");
	ok(strncmp(url.ptr, "http://127.0.0.1:9/bb/staging/1/abc?X-Amz-Algorithm=AWS4-HMAC-SHA256&", 68) == 0,
	   "the URL is the object's, path style");
	ok(strstr(url.ptr, "X-Amz-Credential=AK%2F20231114%2Fus-east-1%2Fs3%2Faws4_request") &&
		   strstr(url.ptr, "X-Amz-Expires=300") &&
		   strstr(url.ptr, "X-Amz-SignedHeaders=content-length%3Bcontent-type%3Bhost"),
	   "scope, expiry and the bound headers are in the query");
	buf_clear(&url);
	ok(s3_presign_put(b, "staging/1/abc", 1, "image/png", 1700000000, 300, &url) == S3_OK &&
		   strncmp(url.ptr, "https://bb.s3.eu-west-1.amazonaws.com/staging/1/abc?", 52) == 0,
	   "virtual-host style URL");
	ok(s3_presign_put(a, "../x", 1, "image/png", 1700000000, 300, &url) == S3_EINVAL, "a bad key refused");
	ok(s3_presign_put(a, "x", 1, "image/png\r\nX: y", 1700000000, 300, &url) == S3_EINVAL,
	   "a type with a line break refused");
	buf_clear(&err);
	s3_free(a);
	a = NULL;
	path_style.endpoint = "ftp://x";
	ok(s3_new(&path_style, &a, &err) < 0 || (s3_free(a), 0), "an endpoint that is not http(s) refused");
	s3_free(b);
	buf_release(&err);
	buf_release(&url);
}

static void test_local_backend(void)
{
	char root[] = "/tmp/bb-storage-test-XXXXXX", path[4096];
	const char *hash = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
	struct storage *st;
	bool temp = true;
	struct buf err = BUF_INIT;

	if (!mkdtemp(root)) {
		ok(0, "temp dir");
		return;
	}
	st = storage_local(root, "/media/");
	ok(st && !storage_is_s3(st) && !storage_s3(st), "a local backend");
	is_str(storage_url_base(st), "/media", "its URL base, without the trailing slash");
	ok(storage_has(st, hash, "orig") == 0, "nothing stored yet");
	ok(storage_put(st, hash, "orig", "abc", 3) == 0 && storage_has(st, hash, "orig") == 1, "stored");
	ok(storage_open_file(st, hash, "orig", "/tmp", path, sizeof(path), &temp, &err) == 0 && !temp &&
		   access(path, R_OK) == 0,
	   "the stored file itself is opened, not a copy");
	ok(storage_remove(st, hash) == 0 && storage_has(st, hash, "orig") == 0, "removed");
	storage_free(st);
	rmdir(root);
	buf_release(&err);
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	test_staging_keys();
	test_s3_keys();
	test_s3_presign();
	test_local_backend();
	return done_testing();
}
