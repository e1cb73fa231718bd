#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "core/arena.h"
#include "core/buf.h"
#include "http/multipart.h"
#include "tap.h"

#define BOUNDARY "----BBFormBoundary7MA4YWxk"
#define CT "multipart/form-data; boundary=" BOUNDARY
#define FILEPART_HEAD \
	"--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"big\"; filename=\"big.bin\"\r\n\r\n"

static char tmp_dir[] = "/tmp/bb-mp-test-XXXXXX";
static size_t file_limit = 4096;

static struct multipart_limits limits(void)
{
	return (struct multipart_limits){
		.max_parts = 8,
		.max_field_size = 256,
		.max_file_size = file_limit,
		.max_files = 2,
		.max_header_size = 512,
		.tmp_dir = tmp_dir,
	};
}

/* Files in tmp_dir, to prove temp files come and go. */
static int tmp_count(void)
{
	DIR *d = opendir(tmp_dir);
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

/* A file that is binary, holds CRLFs and near-misses of the delimiter. */
static void make_file(struct buf *f)
{
	static const char *tricky[] = {
		"\r\n", "\r\n--", "\r\n--" "----BBFormBoundary7MA4YWx", "--" BOUNDARY,
		"\r\r\n--", "\r\n-", "\n--" BOUNDARY, "\r", "\r\n\r\n",
	};

	for (int i = 0; i < 256; i++)
		buf_putc(f, (char)i);
	for (size_t i = 0; i < sizeof(tricky) / sizeof(tricky[0]); i++) {
		buf_puts(f, tricky[i]);
		buf_putc(f, (char)(0xF0 + i));
	}
	buf_puts(f, "\r\n--" "----BBFormBoundary7MA4YWx");
	buf_putc(f, '\0');
	buf_puts(f, "tail\r");
}

static void make_body(struct buf *b, const struct buf *file)
{
	buf_puts(b, "This is the preamble. It is to be ignored.\r\n");
	buf_puts(b, "--" BOUNDARY " \t\r\n");
	buf_puts(b, "Content-Disposition: form-data; name=\"caption\"\r\n\r\n");
	buf_puts(b, "\xe7\xbe\x8e\xe5\xa5\xb3 --" BOUNDARY " in text\r\nline two");
	buf_puts(b, "\r\n--" BOUNDARY "\r\n");
	buf_puts(b, "content-disposition: form-data; name=\"tags[]\"\r\nX-Other: 1\r\n\r\n");
	buf_puts(b, "a");
	buf_puts(b, "\r\n--" BOUNDARY "\r\n");
	buf_puts(b, "Content-Disposition: form-data; name=\"tags[]\"\r\n\r\n");
	buf_puts(b, "\r\n--" BOUNDARY "\r\n");
	buf_puts(b, "Content-Disposition: form-data; name=\"photo\"; "
		    "filename=\"my \\\"best\\\" \xe5\x86\x99.png\"\r\n");
	buf_puts(b, "Content-Type: image/png\r\n\r\n");
	buf_append(b, file->ptr, file->len);
	buf_puts(b, "\r\n--" BOUNDARY "--\r\nThis is the epilogue.\r\n--" BOUNDARY "\r\n");
}

static unsigned long rng_state;
static size_t rng(size_t max)
{
	rng_state = rng_state * 6364136223846793005UL + 1442695040888963407UL;
	return (size_t)(rng_state >> 33) % max + 1;
}

/*
 * Parse body fed in chunks (step 0: whole; 1: a byte at a time; other:
 * random sizes up to step) and describe the outcome as text, reading
 * each file back through its fd. Resets the arena afterwards.
 */
static int run(struct arena *a, const char *ct, const char *body, size_t len, size_t step,
	       struct buf *desc)
{
	struct multipart_limits lim = limits();
	struct multipart *mp = multipart_new(a, str_from(ct), &lim);
	struct multipart_result r;
	size_t pos = 0;
	int rc = MP_OK;

	buf_clear(desc);
	if (!mp)
		return 1;
	while (pos < len && rc == MP_OK) {
		size_t n = step == 0 ? len : step == 1 ? 1 : rng(step);

		if (n > len - pos)
			n = len - pos;
		rc = multipart_feed(mp, body + pos, n);
		pos += n;
	}
	if (rc == MP_OK)
		rc = multipart_finish(mp, &r);
	buf_printf(desc, "rc=%d\n", rc);
	for (size_t i = 0; rc == MP_OK && i < r.fields.count; i++) {
		buf_printf(desc, "field %s=", r.fields.items[i].key.ptr);
		buf_append(desc, r.fields.items[i].value.ptr, r.fields.items[i].value.len);
		buf_puts(desc, "\n");
	}
	for (size_t i = 0; rc == MP_OK && i < r.nfiles; i++) {
		struct multipart_file *f = &r.files[i];
		char chunk[1000];
		ssize_t got;
		struct stat st;

		fstat(f->fd, &st);
		buf_printf(desc, "file %s name=%s type=%s size=%zu mode=%o sha=", f->field.ptr,
			   f->filename.ptr, f->content_type.ptr, f->size, (unsigned)(st.st_mode & 0777));
		for (int k = 0; k < 32; k++)
			buf_printf(desc, "%02x", f->sha256[k]);
		buf_puts(desc, " data=");
		while ((got = read(f->fd, chunk, sizeof(chunk))) > 0)
			buf_append(desc, chunk, (size_t)got);
		buf_puts(desc, "\n");
	}
	arena_reset(a);
	return rc;
}

static void test_chunking(struct arena *a)
{
	struct buf file = BUF_INIT, body = BUF_INIT, whole = BUF_INIT, other = BUF_INIT;
	struct buf want = BUF_INIT;
	unsigned char sha[32];
	int same = 1;

	make_file(&file);
	make_body(&body, &file);
	is_int(run(a, CT, body.ptr, body.len, 0, &whole), MP_OK, "a real body fed whole parses");
	crypto_hash_sha256(sha, (unsigned char *)file.ptr, file.len);
	buf_puts(&want, "rc=0\nfield caption=\xe7\xbe\x8e\xe5\xa5\xb3 --" BOUNDARY
			" in text\r\nline two\nfield tags[]=a\nfield tags[]=\n");
	buf_printf(&want, "file photo name=my \"best\" \xe5\x86\x99.png type=image/png size=%zu "
			  "mode=600 sha=", file.len);
	for (int k = 0; k < 32; k++)
		buf_printf(&want, "%02x", sha[k]);
	buf_puts(&want, " data=");
	buf_append(&want, file.ptr, file.len);
	buf_puts(&want, "\n");
	ok(whole.len == want.len && memcmp(whole.ptr, want.ptr, want.len) == 0,
	   "fields, file name, type, size, mode 0600, SHA-256 and contents are right");
	if (whole.len != want.len || memcmp(whole.ptr, want.ptr, want.len) != 0)
		printf("# got:\n# %s\n", whole.ptr);
	is_int(tmp_count(), 0, "the temp file is gone after arena_reset");

	run(a, CT, body.ptr, body.len, 1, &other);
	ok(other.len == whole.len && memcmp(other.ptr, whole.ptr, whole.len) == 0,
	   "fed one byte at a time: identical result");
	for (unsigned long seed = 1; seed <= 200; seed++) {
		rng_state = seed;
		run(a, CT, body.ptr, body.len, seed % 3 ? 7 : 97, &other);
		if (other.len != whole.len || memcmp(other.ptr, whole.ptr, whole.len) != 0) {
			same = 0;
			printf("# differs with seed %lu\n", seed);
			break;
		}
	}
	ok(same, "fed in 200 random chunkings: identical results");
	buf_release(&file);
	buf_release(&body);
	buf_release(&whole);
	buf_release(&other);
	buf_release(&want);
}

/* A file several times the write batch, so the batching is exercised. */
static void test_large_file(struct arena *a)
{
	struct buf body = BUF_INIT, whole = BUF_INIT, other = BUF_INIT, want = BUF_INIT;
	unsigned char *data = malloc(300000), sha[32];

	for (size_t i = 0; i < 300000; i++)
		data[i] = (unsigned char)(i * 7 + (i >> 9));
	buf_puts(&body, FILEPART_HEAD);
	buf_append(&body, data, 300000);
	buf_puts(&body, "\r\n--" BOUNDARY "--");
	file_limit = 300000;
	is_int(run(a, CT, body.ptr, body.len, 0, &whole), MP_OK, "a 300000-byte file parses");
	crypto_hash_sha256(sha, data, 300000);
	buf_puts(&want, "sha=");
	for (int k = 0; k < 32; k++)
		buf_printf(&want, "%02x", sha[k]);
	buf_puts(&want, " data=");
	buf_append(&want, data, 300000);
	buf_puts(&want, "\n");
	ok(whole.len >= want.len && memcmp(whole.ptr + whole.len - want.len, want.ptr, want.len) == 0,
	   "its contents and SHA-256 are right");
	rng_state = 42;
	run(a, CT, body.ptr, body.len, 9000, &other);
	ok(other.len == whole.len && memcmp(other.ptr, whole.ptr, whole.len) == 0,
	   "random chunks give the same large file");
	file_limit = 299999;
	is_int(run(a, CT, body.ptr, body.len, 0, &other), MP_TOO_LARGE, "one byte under its size is TOO_LARGE");
	file_limit = 4096;
	free(data);
	buf_release(&body);
	buf_release(&whole);
	buf_release(&other);
	buf_release(&want);
}

/* Status of parsing body, whole and a byte at a time (they must agree). */
static int status_of(struct arena *a, const char *body)
{
	struct buf d = BUF_INIT;
	int whole = run(a, CT, body, strlen(body), 0, &d);
	int bytes = run(a, CT, body, strlen(body), 1, &d);

	buf_release(&d);
	return whole == bytes ? whole : 99;
}

#define PART(name, value) \
	"--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"" name "\"\r\n\r\n" value "\r\n"
#define FILEPART(name, value) \
	"--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"" name "\"; filename=\"f\"\r\n\r\n" \
	value "\r\n"
#define END "--" BOUNDARY "--"

static void test_errors(struct arena *a)
{
	struct multipart_limits lim = limits();
	struct multipart *mp;
	struct multipart_result r;
	char big[2048];

	is_int(status_of(a, PART("a", "1") END), MP_OK, "a minimal body parses");
	is_int(status_of(a, END), MP_OK, "a body with no parts parses");
	is_int(status_of(a, PART("a", "1")), MP_MALFORMED, "missing closing boundary is MALFORMED");
	is_int(status_of(a, PART("a", "1") "--" BOUNDARY), MP_MALFORMED,
	       "a body cut after the last boundary is MALFORMED");
	is_int(status_of(a, ""), MP_MALFORMED, "an empty body is MALFORMED");
	is_int(status_of(a, "--" BOUNDARY "\r\nContent-Type: text/plain\r\n\r\nx\r\n" END),
	       MP_MALFORMED, "a part without Content-Disposition is MALFORMED");
	is_int(status_of(a, "--" BOUNDARY "\r\n\r\nx\r\n" END), MP_MALFORMED,
	       "a part without headers is MALFORMED");
	is_int(status_of(a, "--" BOUNDARY "\r\nContent-Disposition: attachment; name=a\r\n\r\nx\r\n" END),
	       MP_MALFORMED, "a disposition other than form-data is MALFORMED");
	is_int(status_of(a, "--" BOUNDARY "\r\nContent-Disposition: form-data\r\n\r\nx\r\n" END),
	       MP_MALFORMED, "a part without a name is MALFORMED");
	is_int(status_of(a, "--" BOUNDARY "\r\nContent-Disposition: form-data; name=a; name=b\r\n\r\nx\r\n" END),
	       MP_MALFORMED, "a duplicate name parameter is MALFORMED");
	is_int(status_of(a, "--" BOUNDARY "\nContent-Disposition: form-data; name=a\n\nx\n" END),
	       MP_MALFORMED, "bare LF line endings are MALFORMED");
	is_int(status_of(a, "--" BOUNDARY "\r\nContent-Disposition: form-data;\r\n name=a\r\n\r\nx\r\n" END),
	       MP_MALFORMED, "folded header lines are MALFORMED");
	is_int(status_of(a, "--" BOUNDARY "junk\r\n" PART("a", "1") END), MP_MALFORMED,
	       "text after a boundary on its line is MALFORMED");
	is_int(status_of(a, PART("a", "\xff") END), MP_MALFORMED, "a field with invalid UTF-8 is MALFORMED");
	is_int(status_of(a, "--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"\xff\"\r\n\r\nx\r\n" END),
	       MP_MALFORMED, "a field name with invalid UTF-8 is MALFORMED");
	is_int(status_of(a, FILEPART("f", "\xff\x01\xfe") END), MP_OK, "file data may be any bytes");

	is_int(status_of(a, PART("a", "1") PART("a", "2") PART("a", "3") PART("a", "4") PART("a", "5")
				    PART("a", "6") PART("a", "7") PART("a", "8") END),
	       MP_OK, "max_parts parts are accepted");
	is_int(status_of(a, PART("a", "1") PART("a", "2") PART("a", "3") PART("a", "4") PART("a", "5")
				    PART("a", "6") PART("a", "7") PART("a", "8") PART("a", "9") END),
	       MP_TOO_MANY, "one part past max_parts is TOO_MANY");
	is_int(status_of(a, FILEPART("f", "1") FILEPART("f", "2") FILEPART("f", "3") END), MP_TOO_MANY,
	       "one file past max_files is TOO_MANY");
	is_int(tmp_count(), 0, "no temp file is left after TOO_MANY");

	memset(big, 'x', sizeof(big));
	mp = multipart_new(a, STR_LIT(CT), &lim);
	multipart_feed(mp, PART("a", ""), strlen(PART("a", "")) - 2);
	is_int(multipart_feed(mp, big, 256), MP_OK, "a field of max_field_size bytes is accepted");
	is_int(multipart_feed(mp, "y", 1), MP_TOO_LARGE, "a field past max_field_size is TOO_LARGE");
	is_int(multipart_feed(mp, "\r\n" END, strlen(END) + 2), MP_TOO_LARGE,
	       "after an error, feeds return the same error");
	is_int(multipart_finish(mp, &r), MP_TOO_LARGE, "and so does finish");
	ok(r.nfiles == 0 && r.fields.count == 0, "the result is empty after an error");
	arena_reset(a);

	mp = multipart_new(a, STR_LIT(CT), &lim);
	multipart_feed(mp, FILEPART("f", ""), strlen(FILEPART("f", "")) - 2);
	for (int i = 0; i < 4; i++)
		multipart_feed(mp, big, 1024);
	is_int(tmp_count(), 1, "a file part creates one temp file");
	is_int(multipart_feed(mp, "z", 1), MP_TOO_LARGE, "a file past max_file_size is TOO_LARGE");
	arena_reset(a);
	is_int(tmp_count(), 0, "the too-large file's temp file is removed by arena_reset");

	{
		char hdr[700];
		int n = snprintf(hdr, sizeof(hdr), "--%s\r\nContent-Disposition: form-data; name=a\r\nX: ",
				 BOUNDARY);

		memset(hdr + n, 'h', 600);
		hdr[n + 600] = '\0';
		is_int(status_of(a, hdr), MP_TOO_LARGE, "a header block past max_header_size is TOO_LARGE");
	}

	lim.tmp_dir = "/nonexistent/dir";
	mp = multipart_new(a, STR_LIT(CT), &lim);
	is_int(multipart_feed(mp, FILEPART("f", "x"), strlen(FILEPART("f", "x"))), MP_IO,
	       "an unusable tmp_dir is MP_IO");
	arena_reset(a);
}

static void test_content_type(struct arena *a)
{
	struct multipart_limits lim = limits();
	char b70[128], b71[128];

	ok(multipart_new(a, STR_LIT("multipart/form-data; boundary=abc"), &lim) != NULL,
	   "unquoted boundary accepted");
	ok(multipart_new(a, STR_LIT("Multipart/Form-Data; charset=utf-8; boundary=\"a b:c\""), &lim) != NULL,
	   "quoted boundary with space and colon accepted, type is case-insensitive");
	ok(multipart_new(a, STR_LIT("multipart/form-data"), &lim) == NULL, "missing boundary → NULL");
	ok(multipart_new(a, STR_LIT("multipart/form-data; boundary="), &lim) == NULL, "empty boundary → NULL");
	ok(multipart_new(a, STR_LIT("multipart/form-data; boundary=\"\""), &lim) == NULL,
	   "empty quoted boundary → NULL");
	ok(multipart_new(a, STR_LIT("multipart/form-data; boundary=\"ab \""), &lim) == NULL,
	   "boundary ending in a space → NULL");
	ok(multipart_new(a, STR_LIT("multipart/form-data; boundary=\"a\\rb\""), &lim) != NULL,
	   "an escaped letter is just the letter");
	ok(multipart_new(a, STR_LIT("multipart/form-data; boundary=\"a\rb\""), &lim) == NULL,
	   "boundary with CR → NULL");
	ok(multipart_new(a, STR_LIT("multipart/form-data; boundary=\"a;b\""), &lim) == NULL,
	   "boundary with ';' → NULL");
	ok(multipart_new(a, STR_LIT("multipart/form-data; boundary=a; boundary=b"), &lim) == NULL,
	   "two boundaries → NULL");
	ok(multipart_new(a, STR_LIT("multipart/mixed; boundary=abc"), &lim) == NULL,
	   "multipart/mixed → NULL");
	ok(multipart_new(a, STR_LIT("application/x-www-form-urlencoded"), &lim) == NULL,
	   "urlencoded → NULL");
	ok(multipart_new(a, STR_NULL, &lim) == NULL, "no Content-Type → NULL");
	memset(b70, 'b', 70);
	b70[70] = '\0';
	memset(b71, 'b', 71);
	b71[71] = '\0';
	ok(multipart_new(a, str_from(arena_printf(a, "multipart/form-data; boundary=%s", b70)), &lim)
		   != NULL, "a 70-character boundary accepted");
	ok(multipart_new(a, str_from(arena_printf(a, "multipart/form-data; boundary=%s", b71)), &lim)
		   == NULL, "a 71-character boundary → NULL");
	arena_reset(a);
}

static void test_shapes(struct arena *a)
{
	struct buf d = BUF_INIT;

	run(a, CT, "--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"up\"; filename=\"\"\r\n\r\n\r\n" END,
	    strlen("--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"up\"; filename=\"\"\r\n\r\n\r\n" END),
	    0, &d);
	ok(strstr(d.ptr, "rc=0\nfile up name= type=application/octet-stream size=0 ") != NULL,
	   "an empty filename is an empty file with the default type");
	run(a, CT, "\r\n" PART("a", "\r\n") END "\r\n", strlen("\r\n" PART("a", "\r\n") END "\r\n"), 1, &d);
	is_str(d.ptr, "rc=0\nfield a=\r\n\n", "a body opening with CRLF; a value that is just CRLF");
	run(a, "multipart/form-data; boundary=--", "----\r\nContent-Disposition: form-data; name=a\r\n\r\n-\r\n------",
	    strlen("----\r\nContent-Disposition: form-data; name=a\r\n\r\n-\r\n------"), 1, &d);
	is_str(d.ptr, "rc=0\nfield a=-\n", "a boundary of dashes");
	buf_release(&d);
}

int main(void)
{
	struct arena *a;

	if (sodium_init() < 0 || !mkdtemp(tmp_dir)) {
		printf("Bail out! cannot set up\n");
		return 1;
	}
	a = arena_new(4096);
	test_chunking(a);
	test_large_file(a);
	test_errors(a);
	test_content_type(a);
	test_shapes(a);
	is_int(tmp_count(), 0, "no temp file is left behind");
	arena_free(a);
	rmdir(tmp_dir);
	return done_testing();
}
