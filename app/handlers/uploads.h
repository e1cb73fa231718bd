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

#endif
