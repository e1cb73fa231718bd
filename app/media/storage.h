#ifndef BB_MEDIA_STORAGE_H
#define BB_MEDIA_STORAGE_H
/*
 * Where processed images live, behind one interface with two backends
 * chosen by [media] backend:
 *
 *   local  today's content-addressed files under [media] root
 *          (media/store.h), served by nginx under [media] url;
 *   s3     the same names as keys of an S3-compatible bucket
 *          (media/s3.h), served from [s3] public_url (the bucket or a
 *          CDN), so app hosts share nothing.
 *
 * Either way an image is (hash, variant) and its URL is
 * storage_url_base() + "/" + media_store_url(hash, variant). Writes are
 * all-or-nothing per object (rename on disk, atomic PUT on S3); the
 * pipeline writes the "orig" variant last, so its presence means the
 * whole set is there.
 *
 * The s3 backend also takes direct uploads: a browser PUTs the original
 * through a presigned URL to staging/<user id>/<random>, the app fetches
 * it into a temp file, runs the normal pipeline and deletes the staging
 * object.
 *
 * A struct storage is read-only after storage_open() and lives as long
 * as the process.
 */
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

struct buf;
struct conf;
struct s3;
struct storage;

#define STORAGE_STAGING_PREFIX "staging/"
/* "staging/" + 20 digits + "/" + 32 hex */
#define STORAGE_STAGING_KEY_MAX 64

/* The backend of c ([media] backend, [s3]). 0 with *out, or -1 with a
 * reason in err (fail at start-up). */
int storage_open(const struct conf *c, struct storage **out, struct buf *err);
/* A local backend on root (the image command, tests). NULL when out of memory. */
struct storage *storage_local(const char *root, const char *url);
void storage_free(struct storage *st);

bool storage_is_s3(const struct storage *st);
/* The s3 client, or NULL for the local backend. */
const struct s3 *storage_s3(const struct storage *st);
/* Where browsers load images from, no trailing slash: "/media" or a URL. */
const char *storage_url_base(const struct storage *st);
/* What the images are kept in, for messages: a folder or a bucket URL. */
const char *storage_describe(const struct storage *st);

/* Store one variant; MEDIA_STORE_OK, MEDIA_STORE_EINVAL or MEDIA_STORE_EIO
 * (the reason logged). */
int storage_put(const struct storage *st, const char *hash, const char *variant,
		const void *data, size_t len);
/* 1 when (hash, variant) is stored, 0 when not, -1 when it cannot be told. */
int storage_has(const struct storage *st, const char *hash, const char *variant);
/* Remove every variant of hash; 0 also when none was there, else -1. */
int storage_remove(const struct storage *st, const char *hash);

/*
 * A local file holding (hash, variant) for reading, into path (pathlen
 * bytes): the stored file itself for local, a download into tmp_dir for
 * s3 with *temp set (the caller unlinks it). 0, or -1 (reason in err).
 */
int storage_open_file(const struct storage *st, const char *hash, const char *variant,
		      const char *tmp_dir, char *path, size_t pathlen, bool *temp, struct buf *err);

/* A fresh staging key of user into key (STORAGE_STAGING_KEY_MAX + 1 bytes). */
void storage_staging_key(unsigned long long user, char *key);
/* Whether key is a staging key that storage_staging_key() made for user. */
bool storage_staging_key_ok(const char *key, unsigned long long user);

#endif
