#ifndef BB_HANDLERS_UPLOADS_H
#define BB_HANDLERS_UPLOADS_H
/*
 * An image upload from a form, end to end short of the database: the
 * per-account rate limit and storage quota, then the image pipeline.
 * Used by the compose form and the avatar setting.
 */
#include "media/image.h"

struct request;
struct multipart_file;

/* The uploaded file of the form field name, or NULL. */
struct multipart_file *uploads_file(struct request *r, const char *name);
/*
 * Process file into stored images. Returns 0 with *out filled, or the
 * HTTP status to answer with *message (translated) saying why.
 */
int uploads_image(struct request *r, struct multipart_file *file, struct img_result *out,
		  const char **message);
/* Total bytes of a result's stored files, for the quota. */
unsigned long long uploads_bytes(const struct img_result *res);
/* Delete the files of hash unless a row still uses them. */
void uploads_forget(struct request *r, const char *hash);
/*
 * After the write meant to use hash failed with rc (a store's status):
 * uploads_forget, unless rc is DB_UNAVAILABLE. Then the connection went
 * away with the statement, or its COMMIT, already sent: MariaDB may still
 * apply it after our check that nothing uses the files has said so
 * (an ambiguous commit). A file no row names is litter; a row whose
 * files are gone is a broken image for good.
 */
void uploads_forget_failed(struct request *r, const char *hash, int rc);

/*
 * POST /new/presign (s3 backend; 404 otherwise): form fields size and
 * type of the file the person chose. Answers JSON {url, key, method,
 * headers, expires_in}: a presigned PUT valid [s3] presign_expiry
 * seconds for exactly size bytes of type to a fresh staging key of this
 * user, after the same size, rate and quota checks as an upload; or
 * {"error"} with 400, 413, 415, 422 or 429.
 */
int uploads_presign(struct request *r);
/*
 * The staged upload key (see uploads_presign) fetched into a temp file
 * that lives as long as the request, as *out, with its size and SHA-256
 * as the multipart parser would give them. Refuses a key that is not a
 * staging key of this user (422). Returns 0, or the HTTP status with
 * *message (413 too large, 422 not there, 503 store unreachable).
 */
int uploads_staged(struct request *r, const char *key, struct multipart_file **out,
		   const char **message);
/* Delete the staging object key (once processed, kept or refused). */
void uploads_staged_forget(struct request *r, const char *key);

#endif
