#ifndef BB_MEDIA_STORE_H
#define BB_MEDIA_STORE_H
/*
 * Content-addressed storage of processed images on the local disk.
 *
 * A file's name is derived from the SHA-256 of the bytes the user
 * uploaded and the variant name: ROOT/ab/cd/<sha256hex>-<variant>.webp
 * where ab and cd are the first four hex digits (so no directory grows
 * past 65,536 entries per 2^32 files). The same relative path is the URL
 * path below the configured media URL prefix, which nginx serves straight
 * from ROOT. Nothing the user sent (file name, type) ever reaches a path.
 *
 * Writes are crash-safe: the bytes go to a temp file in the target
 * directory, which is fsynced, renamed over the final name, and the
 * directory fsynced (Redis rdb.c's sequence), so a visible name always
 * holds a whole file. Storing the same hash again replaces each file
 * atomically with the same bytes: it is harmless, and so is removing a
 * hash that is not there. This module knows nothing about images.
 */
#include <stddef.h>

/* Longest relative path: "ab/cd/" + 64 hex + "-" + variant + ".webp". */
#define MEDIA_STORE_VARIANT_MAX 16
#define MEDIA_STORE_REL_MAX (6 + 64 + 1 + MEDIA_STORE_VARIANT_MAX + 5 + 1)
#define MEDIA_STORE_HEX_LEN 64

enum media_store_status {
	MEDIA_STORE_OK = 0,
	MEDIA_STORE_EINVAL = -1, /* not a 64-digit lowercase hex hash, bad variant, path too long */
	MEDIA_STORE_EIO = -2,    /* the file system failed (errno says how: ENOSPC, EACCES…) */
};

/* Lowercase hex of a 32-byte digest into out (65 bytes, NUL-terminated). */
void media_store_hex(const unsigned char sha256[32], char out[MEDIA_STORE_HEX_LEN + 1]);

/* SHA-256 of a whole file (the bytes a store name is derived from), read
 * in chunks; 0, or -1 when it cannot be read. */
int media_store_hash_file(const char *path, unsigned char out[32]);

/*
 * The path of (hash, variant) relative to the media root and to the
 * media URL prefix, e.g. "ab/cd/abcd…-feed.webp", into out (outlen
 * bytes; MEDIA_STORE_REL_MAX is always enough). hash must be 64
 * lowercase hex digits and variant 1 to MEDIA_STORE_VARIANT_MAX of
 * [a-z0-9]. Returns 0 or MEDIA_STORE_EINVAL.
 */
int media_store_url(const char *hash, const char *variant, char *out, size_t outlen);

/* As media_store_url() prefixed with root and "/": the file's path. */
int media_store_path(const char *root, const char *hash, const char *variant,
		     char *out, size_t outlen);

/*
 * Store len bytes as (hash, variant) under root, creating root and the
 * two directory levels as needed (mode 0755; files 0644 so nginx can
 * read them). Returns 0, MEDIA_STORE_EINVAL, or MEDIA_STORE_EIO with
 * errno set and no temp file left behind.
 */
int media_store_put(const char *root, const char *hash, const char *variant,
		    const void *data, size_t len);

/*
 * Remove every variant of hash (every "<hash>-*" file in its directory,
 * temp files a crash left included), then the two directory levels if
 * they became empty. Returns 0 (also when nothing was there),
 * MEDIA_STORE_EINVAL, or MEDIA_STORE_EIO with errno set.
 */
int media_store_remove(const char *root, const char *hash);

#endif
