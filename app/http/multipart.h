#ifndef BB_HTTP_MULTIPART_H
#define BB_HTTP_MULTIPART_H
/*
 * A streaming multipart/form-data parser (RFC 7578, RFC 2046 framing).
 * The worker feeds the body in whatever chunks FastCGI hands it; file
 * parts (those with a filename parameter) go straight to a temp file,
 * SHA-256 computed on the way, so an upload never sits whole in memory.
 * Other fields are kept in the arena, each up to a size limit.
 *
 * Everything belongs to the request arena: the parser, the results, and
 * the temp files, which an arena cleanup closes and unlinks at reset.
 * crypto_hash_sha256 needs sodium_init() to have run at start-up.
 */
#include <stddef.h>

#include "core/arena.h"
#include "core/str.h"
#include "http/kv.h"

struct multipart_limits {
	size_t max_parts;       /* fields and files together */
	size_t max_field_size;  /* bytes of one non-file value */
	size_t max_file_size;   /* bytes of one file */
	size_t max_files;
	size_t max_header_size; /* bytes of one part's header block, final CRLF included */
	const char *tmp_dir;    /* where temp files go; NULL means /tmp */
};

/*
 * One uploaded file. field, filename and content_type are what the
 * client sent (UTF-8, NUL-terminated; content_type is
 * "application/octet-stream" when absent): never use filename as a path.
 * fd is open for reading at offset 0 on the temp file at path. Both
 * belong to the arena: to keep the file, rename() it and set path to
 * NULL; to keep the descriptor, set fd to -1 (and close it yourself).
 */
struct multipart_file {
	struct str field;
	struct str filename;
	struct str content_type;
	char *path;
	int fd;
	size_t size;
	unsigned char sha256[32];
};

struct multipart_result {
	struct http_kv_list fields; /* non-file parts, in body order */
	struct multipart_file *files;
	size_t nfiles;
};

enum multipart_status {
	MP_OK = 0,
	MP_MALFORMED = -1,
	MP_TOO_LARGE = -2,
	MP_TOO_MANY = -3,
	MP_IO = -4,
	MP_NOMEM = -5,
};

struct multipart;

/*
 * Start parsing a body whose Content-Type header value is content_type.
 * NULL when that is not multipart/form-data with a valid boundary
 * parameter (1-70 characters of RFC 2046 bchars, quoted or not), or when
 * out of memory. lim is copied; lim->tmp_dir must stay valid until the
 * last feed.
 */
struct multipart *multipart_new(struct arena *a, struct str content_type,
				const struct multipart_limits *lim);

/*
 * Consume the next len bytes of the body. Returns MP_OK or a negative
 * multipart_status; the result does not depend on how the body is cut
 * into chunks. Errors are sticky: once one is returned, every later
 * feed and multipart_finish return it too.
 */
int multipart_feed(struct multipart *mp, const char *data, size_t len);

/*
 * End of body. MP_OK and *out filled when the closing boundary was seen
 * and no error happened; otherwise the error (MP_MALFORMED for a
 * truncated body) and *out empty. The result stays valid until the arena
 * is reset.
 */
int multipart_finish(struct multipart *mp, struct multipart_result *out);

#endif
