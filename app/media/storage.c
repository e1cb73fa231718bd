/*
 * The media storage interface and its two backends; see storage.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "core/buf.h"
#include "core/conf.h"
#include "core/log.h"
#include "media/s3.h"
#include "media/storage.h"
#include "media/store.h"

#include "core/banned.h"

static const char *const storage_variants[] = { "orig", "feed", "thumb" };
#define STORAGE_NVARIANTS (sizeof(storage_variants) / sizeof(storage_variants[0]))
/* A stored variant is never larger than this; a download that is was
 * not written by us. */
#define STORAGE_MAX_OBJECT ((size_t)64 << 20)

struct storage {
	char *root;     /* local */
	char *url_base; /* local: [media] url; s3: public base */
	struct s3 *s3;  /* s3 */
	char *describe;
};

struct storage *storage_local(const char *root, const char *url)
{
	struct storage *st = calloc(1, sizeof(*st));
	size_t n;

	if (!st || !(st->root = strdup(root)) || !(st->url_base = strdup(url ? url : "")) ||
	    !(st->describe = strdup(root))) {
		storage_free(st);
		return NULL;
	}
	n = strlen(st->url_base);
	while (n > 0 && st->url_base[n - 1] == '/')
		st->url_base[--n] = '\0';
	return st;
}

int storage_open(const struct conf *c, struct storage **out, struct buf *err)
{
	struct s3_conf sc;
	struct storage *st;
	const char *key = c->s3_access_key, *secret = c->s3_secret_key;

	*out = NULL;
	if (strcmp(c->media_backend, "s3") != 0) {
		*out = storage_local(c->media_root, c->media_url);
		if (!*out)
			buf_puts(err, "out of memory");
		return *out ? 0 : -1;
	}
	/* The keys may stay out of the file: the usual AWS variables work. */
	if (!*key && getenv("AWS_ACCESS_KEY_ID"))
		key = getenv("AWS_ACCESS_KEY_ID");
	if (!*secret && getenv("AWS_SECRET_ACCESS_KEY"))
		secret = getenv("AWS_SECRET_ACCESS_KEY");
	sc = (struct s3_conf){ c->s3_endpoint, c->s3_region, c->s3_bucket, c->s3_path_style != 0,
			       key, secret, c->s3_public_url, c->s3_timeout, c->s3_retries };
	st = calloc(1, sizeof(*st));
	if (!st) {
		buf_puts(err, "out of memory");
		return -1;
	}
	if (s3_new(&sc, &st->s3, err) < 0) {
		free(st);
		return -1;
	}
	st->url_base = strdup(s3_public_base(st->s3));
	st->describe = strdup(s3_public_base(st->s3));
	if (!st->url_base || !st->describe) {
		storage_free(st);
		buf_puts(err, "out of memory");
		return -1;
	}
	*out = st;
	return 0;
}

void storage_free(struct storage *st)
{
	if (!st)
		return;
	free(st->root);
	free(st->url_base);
	free(st->describe);
	s3_free(st->s3);
	free(st);
}

bool storage_is_s3(const struct storage *st)
{
	return st && st->s3;
}

const struct s3 *storage_s3(const struct storage *st)
{
	return st ? st->s3 : NULL;
}

const char *storage_url_base(const struct storage *st)
{
	return st->url_base;
}

const char *storage_describe(const struct storage *st)
{
	return st->describe;
}

int storage_put(const struct storage *st, const char *hash, const char *variant,
		const void *data, size_t len)
{
	char key[MEDIA_STORE_REL_MAX];
	struct buf err = BUF_INIT;
	int rc;

	if (!st->s3) {
		rc = media_store_put(st->root, hash, variant, data, len);
		if (rc == MEDIA_STORE_EIO)
			log_error("event=media_store_failed variant=%s hash=%s error=\"%s\"", variant, hash,
				  strerror(errno));
		return rc;
	}
	if (media_store_url(hash, variant, key, sizeof(key)) < 0)
		return MEDIA_STORE_EINVAL;
	rc = s3_put(st->s3, key, data, len, "image/webp", &err);
	if (rc != S3_OK)
		log_error("event=media_store_failed variant=%s hash=%s error=\"%s\"", variant, hash,
			  err.ptr ? err.ptr : "");
	buf_release(&err);
	return rc == S3_OK ? MEDIA_STORE_OK : rc == S3_EINVAL ? MEDIA_STORE_EINVAL : MEDIA_STORE_EIO;
}

int storage_has(const struct storage *st, const char *hash, const char *variant)
{
	char rel[MEDIA_STORE_REL_MAX], path[4096];
	struct stat sb;
	int rc;

	if (!st->s3) {
		if (media_store_path(st->root, hash, variant, path, sizeof(path)) < 0)
			return -1;
		return stat(path, &sb) == 0 ? 1 : errno == ENOENT ? 0 : -1;
	}
	if (media_store_url(hash, variant, rel, sizeof(rel)) < 0)
		return -1;
	rc = s3_head(st->s3, rel, NULL, NULL);
	return rc == S3_OK ? 1 : rc == S3_ENOTFOUND ? 0 : -1;
}

int storage_remove(const struct storage *st, const char *hash)
{
	char key[MEDIA_STORE_REL_MAX];
	struct buf err = BUF_INIT;
	int rc = 0;

	if (!st->s3)
		return media_store_remove(st->root, hash) == MEDIA_STORE_OK ? 0 : -1;
	/* orig last in writing, first in removing: a set without orig is
	 * never taken for whole by storage_has() */
	for (size_t i = 0; i < STORAGE_NVARIANTS; i++) {
		if (media_store_url(hash, storage_variants[i], key, sizeof(key)) < 0)
			return -1;
		if (s3_delete(st->s3, key, &err) != S3_OK) {
			log_warn("event=media_remove_failed hash=%s variant=%s error=\"%s\"", hash,
				 storage_variants[i], err.ptr ? err.ptr : "");
			buf_clear(&err);
			rc = -1;
		}
	}
	buf_release(&err);
	return rc;
}

int storage_open_file(const struct storage *st, const char *hash, const char *variant,
		      const char *tmp_dir, char *path, size_t pathlen, bool *temp, struct buf *err)
{
	char key[MEDIA_STORE_REL_MAX];
	int fd, n, rc;

	*temp = false;
	if (!st->s3) {
		if (media_store_path(st->root, hash, variant, path, pathlen) < 0) {
			buf_puts(err, "bad media hash");
			return -1;
		}
		return 0;
	}
	if (media_store_url(hash, variant, key, sizeof(key)) < 0) {
		buf_puts(err, "bad media hash");
		return -1;
	}
	n = snprintf(path, pathlen, "%s/media-%.16s-XXXXXX", tmp_dir, hash);
	if (n < 0 || (size_t)n >= pathlen) {
		buf_puts(err, "tmp_dir path too long");
		return -1;
	}
	fd = mkostemp(path, O_CLOEXEC);
	if (fd < 0) {
		buf_printf(err, "%s: %s", tmp_dir, strerror(errno));
		return -1;
	}
	rc = s3_get_file(st->s3, key, fd, STORAGE_MAX_OBJECT, NULL, NULL, err);
	close(fd);
	if (rc != S3_OK) {
		unlink(path);
		return -1;
	}
	*temp = true;
	return 0;
}

void storage_staging_key(unsigned long long user, char *key)
{
	unsigned char raw[16];
	char hex[33];

	randombytes_buf(raw, sizeof(raw));
	sodium_bin2hex(hex, sizeof(hex), raw, sizeof(raw));
	snprintf(key, STORAGE_STAGING_KEY_MAX + 1, STORAGE_STAGING_PREFIX "%llu/%s", user, hex);
}

bool storage_staging_key_ok(const char *key, unsigned long long user)
{
	char prefix[48];
	size_t n = (size_t)snprintf(prefix, sizeof(prefix), STORAGE_STAGING_PREFIX "%llu/", user);

	if (!key || strncmp(key, prefix, n) != 0 || strlen(key + n) != 32)
		return false;
	for (const char *p = key + n; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
			return false;
	return true;
}
