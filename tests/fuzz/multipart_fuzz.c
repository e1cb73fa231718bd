/*
 * The multipart parser on arbitrary bodies. Input: the Content-Type on
 * the first line, then the body. Chunk sizes are taken from the body's
 * own bytes, so the fuzzer explores chunk edges too; the same body is
 * then parsed whole and a byte at a time, and all three runs must give
 * the same status, fields and files. Temp files go to /tmp and must be
 * gone after the arena is reset.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "core/arena.h"
#include "http/multipart.h"

#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* What a run produced, kept past the arena reset for comparison. */
struct outcome {
	int rc;
	size_t nfields, nfiles;
	size_t bytes;           /* field names, values and file sizes summed */
	unsigned char sum[32];  /* hash over all of them */
	char paths[8][64];
};

static int run(const char *ct, size_t ct_len, const uint8_t *body, size_t len, int mode,
	       struct outcome *o)
{
	static const struct multipart_limits lim = {
		.max_parts = 16, .max_field_size = 512, .max_file_size = 4096,
		.max_files = 4, .max_header_size = 256, .tmp_dir = "/tmp",
	};
	struct arena *a = arena_new(4096);
	struct multipart *mp;
	struct multipart_result r;
	crypto_hash_sha256_state st;
	size_t pos = 0;

	memset(o, 0, sizeof(*o));
	if (!a)
		return -1;
	mp = multipart_new(a, (struct str){ ct, ct_len }, &lim);
	if (!mp) {
		arena_free(a);
		return -1;
	}
	o->rc = MP_OK;
	while (pos < len && o->rc == MP_OK) {
		size_t n = mode == 0 ? len : mode == 1 ? 1 : (size_t)body[pos] % 17 + 1;

		if (n > len - pos)
			n = len - pos;
		o->rc = multipart_feed(mp, (const char *)body + pos, n);
		pos += n;
	}
	if (multipart_feed(mp, "", 0) != o->rc)
		abort();
	if (o->rc == MP_OK)
		o->rc = multipart_finish(mp, &r);
	else if (multipart_finish(mp, &r) != o->rc)
		abort();
	crypto_hash_sha256_init(&st);
	if (o->rc == MP_OK) {
		o->nfields = r.fields.count;
		o->nfiles = r.nfiles;
		for (size_t i = 0; i < r.fields.count; i++) {
			struct http_kv *kv = &r.fields.items[i];

			if (!str_utf8_valid(kv->value.ptr, kv->value.len) || kv->value.len > 512 ||
			    kv->value.ptr[kv->value.len] != '\0')
				abort();
			crypto_hash_sha256_update(&st, (const unsigned char *)kv->key.ptr, kv->key.len + 1);
			crypto_hash_sha256_update(&st, (const unsigned char *)kv->value.ptr,
						  kv->value.len + 1);
			o->bytes += kv->key.len + kv->value.len;
		}
		for (size_t i = 0; i < r.nfiles; i++) {
			struct multipart_file *f = &r.files[i];
			struct stat sb;

			if (fstat(f->fd, &sb) != 0 || (size_t)sb.st_size != f->size ||
			    lseek(f->fd, 0, SEEK_CUR) != 0 || i >= 8)
				abort();
			crypto_hash_sha256_update(&st, f->sha256, 32);
			o->bytes += f->size;
			if (strlen(f->path) < sizeof(o->paths[i]))
				memcpy(o->paths[i], f->path, strlen(f->path) + 1);
		}
	}
	crypto_hash_sha256_final(&st, o->sum);
	arena_free(a);
	for (size_t i = 0; i < o->nfiles && i < 8; i++)
		if (o->paths[i][0] && access(o->paths[i], F_OK) == 0)
			abort();
	return 0;
}

static int same(const struct outcome *x, const struct outcome *y)
{
	return x->rc == y->rc && x->nfields == y->nfields && x->nfiles == y->nfiles &&
	       x->bytes == y->bytes && memcmp(x->sum, y->sum, 32) == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	struct outcome chunked, whole, bytes;
	size_t ct_len, off;

	if (!nl || sodium_init() < 0)
		return 0;
	ct_len = (size_t)(nl - data);
	off = ct_len + 1;
	if (run((const char *)data, ct_len, data + off, size - off, 2, &chunked) != 0)
		return 0;
	run((const char *)data, ct_len, data + off, size - off, 0, &whole);
	run((const char *)data, ct_len, data + off, size - off, 1, &bytes);
	if (!same(&chunked, &whole) || !same(&whole, &bytes))
		abort();
	return 0;
}
