/*
 * The media-migrate command; see migrate_cmd.h.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "core/buf.h"
#include "core/conf.h"
#include "media/migrate_cmd.h"
#include "media/s3.h"
#include "media/store.h"

#include "core/banned.h"

#define MIGRATE_MAX_FILE ((size_t)64 << 20)
/* This many failures in a row and the store is taken for down: stop
 * rather than spend the retries of every remaining file. */
#define MIGRATE_MAX_STREAK 20

struct migrate {
	const struct conf *c;
	struct s3 *s3;
	bool copy;
	int tmp_fd;
	unsigned long long files, copied, present, verified, failed, bytes;
	unsigned streak; /* failures in a row */
	struct timespec t0;
};

static double migrate_secs(const struct migrate *m)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - m->t0.tv_sec) + (double)(t.tv_nsec - m->t0.tv_nsec) / 1e9;
}

/* A stored file's name: 64 lowercase hex, '-', a variant, ".webp". */
static bool migrate_name_ok(const char *name, const char *dir1, const char *dir2)
{
	size_t n = strlen(name);

	if (n < MEDIA_STORE_HEX_LEN + 7 || name[MEDIA_STORE_HEX_LEN] != '-' ||
	    strcmp(name + n - 5, ".webp") != 0 || strncmp(name, dir1, 2) != 0 ||
	    strncmp(name + 2, dir2, 2) != 0)
		return false;
	for (size_t i = 0; i < MEDIA_STORE_HEX_LEN; i++)
		if (!((name[i] >= '0' && name[i] <= '9') || (name[i] >= 'a' && name[i] <= 'f')))
			return false;
	return true;
}

static bool migrate_hex2(const char *s)
{
	return strlen(s) == 2 && strspn(s, "0123456789abcdef") == 2;
}

/* One file: copy it unless the bucket has it, then read it back. */
static void migrate_one(struct migrate *m, const char *rel, const char *path)
{
	struct buf data = BUF_INIT, err = BUF_INIT;
	unsigned char want[32], got[32];
	long long size = -1;
	size_t len = 0;
	bool sent = false;
	int rc;

	m->files++;
	if (buf_read_file(&data, path, MIGRATE_MAX_FILE) != 0) {
		fprintf(stderr, "media-migrate: %s: %s\n", path, strerror(errno));
		m->failed++;
		return;
	}
	crypto_hash_sha256(want, (const unsigned char *)(data.ptr ? data.ptr : ""), data.len);
	if (m->copy) {
		rc = s3_head(m->s3, rel, &size, &err);
		if (rc == S3_OK && size == (long long)data.len)
			m->present++;
		else if (rc == S3_OK || rc == S3_ENOTFOUND)
			sent = true;
		else
			goto fail;
	}
	for (;;) {
		if (sent) {
			buf_clear(&err);
			rc = s3_put(m->s3, rel, data.ptr ? data.ptr : "", data.len, "image/webp", &err);
			if (rc != S3_OK)
				goto fail;
			m->copied++;
			m->bytes += data.len;
		}
		buf_clear(&err);
		rc = s3_get_file(m->s3, rel, m->tmp_fd, MIGRATE_MAX_FILE, &len, got, &err);
		if (rc != S3_OK && !(rc == S3_ENOTFOUND && m->copy && !sent))
			goto fail;
		if (rc == S3_OK && len == data.len && sodium_memcmp(got, want, 32) == 0)
			break;
		/* A copy of the right size but other bytes (a run cut short by
		 * a crash of the store, a hand-made object): copy it again, once. */
		if (m->copy && !sent) {
			m->present--;
			sent = true;
			continue;
		}
		fprintf(stderr, "media-migrate: %s: the bucket's copy differs (%zu bytes, %zu here)\n", rel, len,
			data.len);
		m->failed++;
		goto out;
	}
	m->verified++;
	m->streak = 0;
	goto out;
fail:
	fprintf(stderr, "media-migrate: %s: %s\n", rel, err.ptr ? err.ptr : "failed");
	m->failed++;
	m->streak++;
out:
	buf_release(&data);
	buf_release(&err);
	if (m->files % 500 == 0)
		fprintf(stderr, "media-migrate: %llu files, %.1f s\n", m->files, migrate_secs(m));
}

/* Walk ROOT/ab/cd/ in name order. Returns -1 when root cannot be read. */
static int migrate_walk(struct migrate *m, const char *root)
{
	struct dirent **l1 = NULL, **l2 = NULL, **l3 = NULL;
	int n1, n2, n3;
	char dir[4096], path[4096], rel[MEDIA_STORE_REL_MAX];

	n1 = scandir(root, &l1, NULL, alphasort);
	if (n1 < 0)
		return -1;
	for (int i = 0; i < n1; i++) {
		if (migrate_hex2(l1[i]->d_name)) {
			snprintf(dir, sizeof(dir), "%s/%s", root, l1[i]->d_name);
			l2 = NULL;
			n2 = scandir(dir, &l2, NULL, alphasort);
			for (int j = 0; j < n2; j++) {
				if (migrate_hex2(l2[j]->d_name)) {
					snprintf(path, sizeof(path), "%s/%s/%s", root, l1[i]->d_name, l2[j]->d_name);
					l3 = NULL;
					n3 = scandir(path, &l3, NULL, alphasort);
					for (int k = 0; k < n3; k++) {
						const char *name = l3[k]->d_name;

						if (m->streak < MIGRATE_MAX_STREAK &&
						    migrate_name_ok(name, l1[i]->d_name, l2[j]->d_name) &&
						    (size_t)snprintf(rel, sizeof(rel), "%s/%s/%s", l1[i]->d_name,
								     l2[j]->d_name, name) < sizeof(rel) &&
						    (size_t)snprintf(dir, sizeof(dir), "%s/%s", path, name) < sizeof(dir))
							migrate_one(m, rel, dir);
						free(l3[k]);
					}
					free(l3);
				}
				free(l2[j]);
			}
			free(l2);
		}
		free(l1[i]);
	}
	free(l1);
	return 0;
}

int media_migrate_cmd(const struct conf *c, int argc, char **argv)
{
	struct migrate m = { .c = c, .copy = true, .tmp_fd = -1 };
	struct s3_conf sc;
	struct buf err = BUF_INIT;
	const char *key = c->s3_access_key, *secret = c->s3_secret_key;
	char tmp[4096];
	int rc = 1;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--verify-only") == 0) {
			m.copy = false;
		} else {
			fprintf(stderr, "usage: beaubelle admin media-migrate [--verify-only]\n");
			return 2;
		}
	}
	if (!*key && getenv("AWS_ACCESS_KEY_ID"))
		key = getenv("AWS_ACCESS_KEY_ID");
	if (!*secret && getenv("AWS_SECRET_ACCESS_KEY"))
		secret = getenv("AWS_SECRET_ACCESS_KEY");
	sc = (struct s3_conf){ c->s3_endpoint, c->s3_region, c->s3_bucket, c->s3_path_style != 0,
			       key, secret, c->s3_public_url, c->s3_timeout, c->s3_retries };
	if (s3_new(&sc, &m.s3, &err) < 0) {
		fprintf(stderr, "beaubelle admin media-migrate: %s\n", err.ptr ? err.ptr : "no bucket");
		buf_release(&err);
		return 1;
	}
	snprintf(tmp, sizeof(tmp), "%s/media-migrate-XXXXXX", c->tmp_dir);
	m.tmp_fd = mkostemp(tmp, O_CLOEXEC);
	if (m.tmp_fd < 0) {
		fprintf(stderr, "beaubelle admin media-migrate: %s: %s\n", c->tmp_dir, strerror(errno));
		goto out;
	}
	unlink(tmp); /* only the descriptor is used */
	clock_gettime(CLOCK_MONOTONIC, &m.t0);
	printf("media-migrate: %s %s into %s\n", m.copy ? "copying" : "verifying", c->media_root,
	       s3_public_base(m.s3));
	if (migrate_walk(&m, c->media_root) != 0) {
		fprintf(stderr, "beaubelle admin media-migrate: cannot read %s: %s\n", c->media_root,
			strerror(errno));
		goto out;
	}
	if (m.streak >= MIGRATE_MAX_STREAK)
		fprintf(stderr, "media-migrate: %d failures in a row: the bucket seems down, stopping\n",
			MIGRATE_MAX_STREAK);
	printf("media-migrate: %llu files, %llu copied (%llu bytes), %llu already there, "
	       "%llu verified by SHA-256, %llu failed, %.1f s\n",
	       m.files, m.copied, m.bytes, m.present, m.verified, m.failed, migrate_secs(&m));
	if (m.failed == 0 && m.verified == m.files) {
		printf("media-migrate: the bucket holds every image; switch with [media] backend = s3 "
		       "(BEAUBELLE_MEDIA_BACKEND=s3) and reload\n");
		rc = 0;
	} else {
		printf("media-migrate: incomplete; run it again to resume\n");
	}
out:
	if (m.tmp_fd >= 0)
		close(m.tmp_fd);
	s3_free(m.s3);
	buf_release(&err);
	return rc;
}
