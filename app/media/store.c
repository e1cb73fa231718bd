/*
 * Content-addressed media files; see store.h for the layout and the
 * crash-safety contract.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* mkostemp */
#endif
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "media/store.h"

#include "core/banned.h"

void media_store_hex(const unsigned char sha256[32], char out[MEDIA_STORE_HEX_LEN + 1])
{
	static const char hex[] = "0123456789abcdef";

	for (size_t i = 0; i < 32; i++) {
		out[2 * i] = hex[sha256[i] >> 4];
		out[2 * i + 1] = hex[sha256[i] & 15];
	}
	out[MEDIA_STORE_HEX_LEN] = '\0';
}

int media_store_hash_file(const char *path, unsigned char out[32])
{
	crypto_hash_sha256_state st;
	unsigned char chunk[65536];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	crypto_hash_sha256_init(&st);
	while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			close(fd);
			return -1;
		}
		crypto_hash_sha256_update(&st, chunk, (unsigned long long)n);
	}
	close(fd);
	crypto_hash_sha256_final(&st, out);
	return 0;
}

/* Uppercase hex would give a second name for the same content. */
static bool media_store_hash_ok(const char *hash)
{
	size_t i;

	if (!hash)
		return false;
	for (i = 0; i < MEDIA_STORE_HEX_LEN; i++)
		if (!((hash[i] >= '0' && hash[i] <= '9') || (hash[i] >= 'a' && hash[i] <= 'f')))
			return false;
	return hash[i] == '\0';
}

static bool media_store_variant_ok(const char *variant)
{
	size_t i;

	if (!variant)
		return false;
	for (i = 0; variant[i]; i++)
		if (i >= MEDIA_STORE_VARIANT_MAX ||
		    !((variant[i] >= 'a' && variant[i] <= 'z') || (variant[i] >= '0' && variant[i] <= '9')))
			return false;
	return i > 0;
}

int media_store_url(const char *hash, const char *variant, char *out, size_t outlen)
{
	int n;

	if (!media_store_hash_ok(hash) || !media_store_variant_ok(variant))
		return MEDIA_STORE_EINVAL;
	n = snprintf(out, outlen, "%.2s/%.2s/%s-%s.webp", hash, hash + 2, hash, variant);
	if (n < 0 || (size_t)n >= outlen)
		return MEDIA_STORE_EINVAL;
	return MEDIA_STORE_OK;
}

int media_store_path(const char *root, const char *hash, const char *variant,
		     char *out, size_t outlen)
{
	char rel[MEDIA_STORE_REL_MAX];
	int n;

	if (!root || !*root || media_store_url(hash, variant, rel, sizeof(rel)) < 0)
		return MEDIA_STORE_EINVAL;
	n = snprintf(out, outlen, "%s/%s", root, rel);
	if (n < 0 || (size_t)n >= outlen)
		return MEDIA_STORE_EINVAL;
	return MEDIA_STORE_OK;
}

/* fsync a directory so a rename or mkdir inside it survives a crash. */
static int media_store_sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int rc, saved;

	if (fd < 0)
		return -1;
	rc = fsync(fd);
	saved = errno;
	close(fd);
	errno = saved;
	return rc;
}

/* fsync the directory holding path, so a new entry in it is durable. */
static int media_store_sync_parent(char *path)
{
	char *slash = strrchr(path, '/');
	int rc;

	if (!slash)
		return media_store_sync_dir(".");
	if (slash == path)
		return media_store_sync_dir("/");
	*slash = '\0';
	rc = media_store_sync_dir(path);
	*slash = '/';
	return rc;
}

/*
 * mkdir -p: create path and its missing parents (mode 0755), each new
 * one made durable in its parent. path is cut while walking up and
 * restored before returning. An existing path is success.
 */
static int media_store_mkdir_p(char *path)
{
	char *slash;
	int rc;

	if (mkdir(path, 0755) == 0)
		return media_store_sync_parent(path);
	if (errno == EEXIST)
		return 0;
	if (errno != ENOENT)
		return -1;
	slash = strrchr(path, '/');
	if (!slash || slash == path)
		return -1;
	*slash = '\0';
	rc = media_store_mkdir_p(path);
	*slash = '/';
	if (rc != 0)
		return -1;
	if (mkdir(path, 0755) == 0)
		return media_store_sync_parent(path);
	return errno == EEXIST ? 0 : -1;
}

/* Create root/ab/cd (and whatever is missing above it); leave it in dir. */
static int media_store_make_dirs(const char *root, const char *hash, char *dir, size_t dirlen)
{
	int n = snprintf(dir, dirlen, "%s/%.2s/%.2s", root, hash, hash + 2);

	if (n < 0 || (size_t)n >= dirlen)
		return errno = ENAMETOOLONG, -1;
	return media_store_mkdir_p(dir);
}

/* write(2) until done; EINTR retried. */
static int media_store_write_all(int fd, const unsigned char *p, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int media_store_put(const char *root, const char *hash, const char *variant,
		    const void *data, size_t len)
{
	char dir[PATH_MAX], final[PATH_MAX], tmp[PATH_MAX];
	int fd = -1, n, saved;

	if (!root || !*root || !media_store_hash_ok(hash) || !media_store_variant_ok(variant) ||
	    (!data && len > 0))
		return MEDIA_STORE_EINVAL;
	if (media_store_path(root, hash, variant, final, sizeof(final)) < 0)
		return MEDIA_STORE_EINVAL;
	if (media_store_make_dirs(root, hash, dir, sizeof(dir)) != 0)
		return MEDIA_STORE_EIO;
	/* A dot name: never mistaken for a variant by a listing, and
	 * swept by media_store_remove() if a crash leaves it behind. */
	n = snprintf(tmp, sizeof(tmp), "%s/.%s-%s.webp.XXXXXX", dir, hash, variant);
	if (n < 0 || (size_t)n >= sizeof(tmp))
		return MEDIA_STORE_EINVAL;
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return MEDIA_STORE_EIO;
	if (media_store_write_all(fd, data, len) != 0 || fchmod(fd, 0644) != 0 ||
	    fsync(fd) != 0)
		goto fail;
	if (close(fd) != 0) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, final) != 0)
		goto fail;
	if (media_store_sync_dir(dir) != 0)
		return MEDIA_STORE_EIO; /* the file is whole; only durability is in doubt */
	return MEDIA_STORE_OK;
fail:
	saved = errno;
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	errno = saved;
	return MEDIA_STORE_EIO;
}

/* Remove dir if empty; a directory still in use is not an error. */
static int media_store_rmdir(const char *dir)
{
	if (rmdir(dir) == 0 || errno == ENOTEMPTY || errno == EEXIST || errno == ENOENT)
		return 0;
	return -1;
}

int media_store_remove(const char *root, const char *hash)
{
	char dir[PATH_MAX], path[PATH_MAX];
	struct dirent *e;
	DIR *d;
	int n, rc = MEDIA_STORE_OK;

	if (!root || !*root || !media_store_hash_ok(hash))
		return MEDIA_STORE_EINVAL;
	n = snprintf(dir, sizeof(dir), "%s/%.2s/%.2s", root, hash, hash + 2);
	if (n < 0 || (size_t)n >= sizeof(dir))
		return MEDIA_STORE_EINVAL;
	d = opendir(dir);
	if (!d)
		return errno == ENOENT ? MEDIA_STORE_OK : MEDIA_STORE_EIO;
	while ((e = readdir(d))) {
		const char *name = e->d_name + (e->d_name[0] == '.');

		if (strncmp(name, hash, MEDIA_STORE_HEX_LEN) != 0 || name[MEDIA_STORE_HEX_LEN] != '-')
			continue;
		n = snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (n < 0 || (size_t)n >= sizeof(path))
			continue;
		if (unlink(path) != 0 && errno != ENOENT)
			rc = MEDIA_STORE_EIO;
	}
	closedir(d);
	if (rc != MEDIA_STORE_OK)
		return rc;
	if (media_store_sync_dir(dir) != 0 && errno != ENOENT)
		return MEDIA_STORE_EIO;
	if (media_store_rmdir(dir) != 0)
		return MEDIA_STORE_EIO;
	snprintf(dir, sizeof(dir), "%s/%.2s", root, hash);
	if (media_store_rmdir(dir) != 0)
		return MEDIA_STORE_EIO;
	return MEDIA_STORE_OK;
}
