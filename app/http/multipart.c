#include "http/multipart.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "core/buf.h"
#include "http/header.h"

#include "core/banned.h"

#define MP_BOUNDARY_MAX 70
#define MP_WBUF_SIZE ((size_t)64 * 1024)
#define MP_INITIAL_CAP 4

/*
 * Where the parser is in the body. The delimiter is "\r\n--" boundary;
 * after one comes either "--" (the close delimiter) or optional
 * transport padding and CRLF, then a part's headers and its data.
 */
enum mp_state {
	MP_S_PREAMBLE,
	MP_S_DELIM_TAIL, /* just after a delimiter */
	MP_S_DELIM_DASH, /* one '-' of a close delimiter seen */
	MP_S_PADDING,    /* spaces or tabs before the CRLF */
	MP_S_DELIM_LF,   /* CR seen, LF must follow */
	MP_S_HEADERS,
	MP_S_BODY,
	MP_S_EPILOGUE,
};

enum mp_part_kind {
	MP_PART_NONE, /* preamble: data is discarded */
	MP_PART_FIELD,
	MP_PART_FILE,
};

struct multipart {
	struct arena *arena;
	struct multipart_limits lim;
	char delim[4 + MP_BOUNDARY_MAX];
	size_t delim_len;
	size_t match; /* bytes of delim matched so far, maybe in earlier chunks */
	enum mp_state state;
	int err;
	size_t nparts;

	char *hdr; /* the current part's header block, max_header_size bytes */
	size_t hdr_len;

	enum mp_part_kind part;
	struct str field_name;
	struct buf value;       /* the current field's value, on malloc */
	unsigned char *wbuf;    /* batches file writes, MP_WBUF_SIZE bytes */
	size_t wlen;
	crypto_hash_sha256_state sha;

	struct http_kv *fields;
	size_t nfields, cap_fields;
	struct multipart_file *files;
	size_t nfiles, cap_files;
};

struct mp_headers {
	struct str name;
	struct str filename;
	struct str content_type;
};

static int mp_fail(struct multipart *mp, int code)
{
	if (!mp->err)
		mp->err = code;
	return mp->err;
}

/*
 * Arena cleanup: close and unlink every temp file the caller has not
 * taken over (see struct multipart_file), and free the value buffer.
 * Runs before the arena's memory is released, so mp is still valid.
 */
static void mp_cleanup(void *data)
{
	struct multipart *mp = data;

	for (size_t i = 0; i < mp->nfiles; i++) {
		struct multipart_file *f = &mp->files[i];

		if (f->fd >= 0)
			close(f->fd);
		if (f->path)
			unlink(f->path);
		f->fd = -1;
		f->path = NULL;
	}
	buf_release(&mp->value);
}

/*
 * RFC 2046 boundary: 1-70 of DIGIT ALPHA '()+_,-./:=? and space, not
 * ending in a space. The matcher in mp_scan_data relies on this: with no
 * CR in the boundary, '\r' occurs in the delimiter only at its start.
 */
static bool mp_boundary_ok(struct str b)
{
	if (b.len < 1 || b.len > MP_BOUNDARY_MAX || b.ptr[b.len - 1] == ' ')
		return false;
	for (size_t i = 0; i < b.len; i++) {
		unsigned char c = (unsigned char)b.ptr[i];

		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
		      (c >= 'A' && c <= 'Z') || memchr("'()+_,-./:=? ", c, 13)))
			return false;
	}
	return true;
}

struct multipart *multipart_new(struct arena *a, struct str content_type,
				const struct multipart_limits *lim)
{
	struct multipart *mp;
	struct str boundary;

	if (!str_eq_nocase(http_header_base(content_type), STR_LIT("multipart/form-data")))
		return NULL;
	if (http_header_param(content_type, "boundary", a, &boundary) != HTTP_HEADER_OK ||
	    !boundary.ptr || !mp_boundary_ok(boundary))
		return NULL;
	mp = arena_calloc(a, 1, sizeof(*mp));
	if (!mp)
		return NULL;
	mp->hdr = arena_alloc(a, lim->max_header_size);
	if (!mp->hdr)
		return NULL;
	mp->arena = a;
	mp->lim = *lim;
	if (!mp->lim.tmp_dir)
		mp->lim.tmp_dir = "/tmp";
	memcpy(mp->delim, "\r\n--", 4);
	memcpy(mp->delim + 4, boundary.ptr, boundary.len);
	mp->delim_len = 4 + boundary.len;
	/* The body may open with "--boundary" and no CRLF before it: start
	 * as if that CRLF had been seen. */
	mp->match = 2;
	mp->state = MP_S_PREAMBLE;
	mp->part = MP_PART_NONE;
	buf_init(&mp->value);
	if (arena_cleanup_add(a, mp_cleanup, mp) != 0)
		return NULL;
	return mp;
}

/*
 * Make room for one more element in an arena array of count elements,
 * doubling it; returns the (maybe moved) array or NULL when out of
 * memory. The old copy stays in the arena until reset.
 */
static void *mp_grow(struct arena *a, void *items, size_t count, size_t *cap, size_t size)
{
	size_t ncap;
	void *n;

	if (count < *cap)
		return items;
	ncap = *cap ? *cap * 2 : MP_INITIAL_CAP;
	n = arena_calloc(a, ncap, size);
	if (!n)
		return NULL;
	if (count)
		memcpy(n, items, count * size);
	*cap = ncap;
	return n;
}

static int mp_write_all(int fd, const unsigned char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Hash and write out the batched bytes of the current file. */
static int mp_file_flush(struct multipart *mp, struct multipart_file *f)
{
	crypto_hash_sha256_update(&mp->sha, mp->wbuf, mp->wlen);
	if (mp_write_all(f->fd, mp->wbuf, mp->wlen) != 0)
		return mp_fail(mp, MP_IO);
	mp->wlen = 0;
	return 0;
}

static void mp_file_write(struct multipart *mp, const char *p, size_t n)
{
	struct multipart_file *f = &mp->files[mp->nfiles - 1];

	if (n > mp->lim.max_file_size - f->size) {
		mp_fail(mp, MP_TOO_LARGE);
		return;
	}
	f->size += n;
	while (n > 0) {
		size_t room = MP_WBUF_SIZE - mp->wlen, k = n < room ? n : room;

		memcpy(mp->wbuf + mp->wlen, p, k);
		mp->wlen += k;
		p += k;
		n -= k;
		if (mp->wlen == MP_WBUF_SIZE && mp_file_flush(mp, f) != 0)
			return;
	}
}

/* Hand n bytes of part data to the current part. */
static void mp_emit(struct multipart *mp, const char *p, size_t n)
{
	if (n == 0 || mp->err)
		return;
	switch (mp->part) {
	case MP_PART_NONE:
		break;
	case MP_PART_FIELD:
		if (n > mp->lim.max_field_size - mp->value.len)
			mp_fail(mp, MP_TOO_LARGE);
		else if (buf_append(&mp->value, p, n) != 0)
			mp_fail(mp, MP_NOMEM);
		break;
	case MP_PART_FILE:
		mp_file_write(mp, p, n);
		break;
	}
}

static void mp_field_end(struct multipart *mp)
{
	struct buf *v = &mp->value;
	struct http_kv *fields;
	char *copy;

	if ((v->len && memchr(v->ptr, '\0', v->len)) || !str_utf8_valid(v->ptr, v->len)) {
		mp_fail(mp, MP_MALFORMED);
		return;
	}
	copy = arena_strndup(mp->arena, v->len ? v->ptr : "", v->len);
	fields = mp_grow(mp->arena, mp->fields, mp->nfields, &mp->cap_fields, sizeof(*fields));
	if (!copy || !fields) {
		mp_fail(mp, MP_NOMEM);
		return;
	}
	mp->fields = fields;
	fields[mp->nfields++] = (struct http_kv){ mp->field_name, { copy, v->len } };
	buf_clear(v);
}

/* Write what is left, finish the hash and rewind for the caller. */
static void mp_file_end(struct multipart *mp)
{
	struct multipart_file *f = &mp->files[mp->nfiles - 1];

	if (mp->wlen > 0 && mp_file_flush(mp, f) != 0)
		return;
	crypto_hash_sha256_final(&mp->sha, f->sha256);
	if (lseek(f->fd, 0, SEEK_SET) != 0)
		mp_fail(mp, MP_IO);
}

static void mp_part_end(struct multipart *mp)
{
	if (mp->err)
		return;
	if (mp->part == MP_PART_FIELD)
		mp_field_end(mp);
	else if (mp->part == MP_PART_FILE)
		mp_file_end(mp);
	mp->part = MP_PART_NONE;
}

/*
 * Look for the delimiter in p[0..n), passing the bytes that turn out to
 * be part data to mp_emit. A partial match at the end of a chunk is held
 * back (only its length is kept: its bytes are a prefix of mp->delim)
 * and released as data if the next chunk does not complete it. Returns
 * the bytes consumed: all of them, or up to the end of a delimiter, in
 * which case the current part is over.
 */
static size_t mp_scan_data(struct multipart *mp, const char *p, size_t n)
{
	size_t carry = mp->match, m = mp->match, i = 0;

	while (i < n) {
		if (m == 0) {
			const char *cr = memchr(p + i, '\r', n - i);

			if (!cr) {
				i = n;
				break;
			}
			i = (size_t)(cr - p) + 1;
			m = 1;
			continue;
		}
		if (p[i] == mp->delim[m]) {
			i++;
			if (++m == mp->delim_len) {
				mp_emit(mp, p, i - (m - carry));
				mp->match = 0;
				mp_part_end(mp);
				mp->state = MP_S_DELIM_TAIL;
				return i;
			}
			continue;
		}
		/* The partial match was data. No suffix of it can start a new
		 * match (its only '\r' is its first byte), so matching restarts
		 * at p[i] itself. */
		if (carry) {
			mp_emit(mp, mp->delim, carry);
			carry = 0;
		}
		m = 0;
	}
	mp_emit(mp, p, n - (m - carry));
	mp->match = m;
	return n;
}

/*
 * Split the header block into lines and pick out Content-Disposition
 * and Content-Type, each allowed once. Other headers are ignored
 * (RFC 7578 deprecates Content-Transfer-Encoding). Lines must end in
 * CRLF and folded lines are refused.
 */
static int mp_headers_split(struct multipart *mp, struct str *cd, struct str *ct)
{
	const char *p = mp->hdr, *end = mp->hdr + mp->hdr_len;

	*cd = *ct = STR_NULL;
	while (p < end) {
		const char *lf = memchr(p, '\n', (size_t)(end - p));
		const char *eol, *colon, *vs, *ve;
		struct str name, *slot;

		/* The block ends in CRLF, so a line without one is malformed. */
		if (!lf || lf == p || lf[-1] != '\r')
			return MP_MALFORMED;
		eol = lf - 1;
		if (eol == p)
			break;
		if (memchr(p, '\r', (size_t)(eol - p)))
			return MP_MALFORMED;
		colon = memchr(p, ':', (size_t)(eol - p));
		if (!colon || colon == p)
			return MP_MALFORMED;
		name = (struct str){ p, (size_t)(colon - p) };
		for (size_t i = 0; i < name.len; i++)
			if (!http_is_tchar((unsigned char)name.ptr[i]))
				return MP_MALFORMED;
		for (vs = colon + 1; vs < eol && (*vs == ' ' || *vs == '\t'); vs++)
			;
		for (ve = eol; ve > vs && (ve[-1] == ' ' || ve[-1] == '\t'); ve--)
			;
		for (const char *q = vs; q < ve; q++)
			if (((unsigned char)*q < 0x20 && *q != '\t') || *q == 0x7F)
				return MP_MALFORMED;
		p = eol + 2;
		if (str_eq_nocase(name, STR_LIT("Content-Disposition")))
			slot = cd;
		else if (str_eq_nocase(name, STR_LIT("Content-Type")))
			slot = ct;
		else
			continue;
		if (slot->ptr)
			return MP_MALFORMED;
		*slot = (struct str){ vs, (size_t)(ve - vs) };
	}
	return cd->ptr ? MP_OK : MP_MALFORMED;
}

static int mp_param_status(int rc)
{
	return rc == HTTP_HEADER_NOMEM ? MP_NOMEM : MP_MALFORMED;
}

/*
 * Parse the header block: `Content-Disposition: form-data; name="…"`
 * is required, a filename parameter (even empty, as browsers send when
 * no file was chosen) makes the part a file. Values are copied to the
 * arena, since the header buffer is reused by the next part.
 */
static int mp_headers_parse(struct multipart *mp, struct mp_headers *h)
{
	struct str cd, ct;
	int rc;

	*h = (struct mp_headers){ STR_NULL, STR_NULL, STR_NULL };
	rc = mp_headers_split(mp, &cd, &ct);
	if (rc != MP_OK)
		return rc;
	if (!str_eq_nocase(http_header_base(cd), STR_LIT("form-data")))
		return MP_MALFORMED;
	rc = http_header_param(cd, "name", mp->arena, &h->name);
	if (rc != HTTP_HEADER_OK)
		return mp_param_status(rc);
	if (h->name.len == 0 || !str_utf8_valid(h->name.ptr, h->name.len))
		return MP_MALFORMED;
	rc = http_header_param(cd, "filename", mp->arena, &h->filename);
	if (rc != HTTP_HEADER_OK)
		return mp_param_status(rc);
	if (h->filename.ptr && !str_utf8_valid(h->filename.ptr, h->filename.len))
		return MP_MALFORMED;
	if (!ct.ptr) {
		h->content_type = STR_LIT("application/octet-stream");
		return MP_OK;
	}
	if (!str_utf8_valid(ct.ptr, ct.len))
		return MP_MALFORMED;
	h->content_type.ptr = arena_strndup(mp->arena, ct.ptr, ct.len);
	h->content_type.len = ct.len;
	return h->content_type.ptr ? MP_OK : MP_NOMEM;
}

/*
 * Create the temp file for a file part: mkstemp gives mode 0600 and a
 * name nobody can predict; close-on-exec keeps it out of child processes.
 * The entry is counted before the file exists so the cleanup sees it,
 * and gets path and fd only once they are real.
 */
static int mp_file_open(struct multipart *mp, const struct mp_headers *h)
{
	struct multipart_file *files, *f;
	char *path;
	int fd;

	if (mp->nfiles >= mp->lim.max_files)
		return MP_TOO_MANY;
	if (!mp->wbuf && !(mp->wbuf = arena_alloc(mp->arena, MP_WBUF_SIZE)))
		return MP_NOMEM;
	files = mp_grow(mp->arena, mp->files, mp->nfiles, &mp->cap_files, sizeof(*files));
	path = arena_printf(mp->arena, "%s/bb-upload-XXXXXX", mp->lim.tmp_dir);
	if (!files || !path)
		return MP_NOMEM;
	mp->files = files;
	f = &files[mp->nfiles++];
	*f = (struct multipart_file){ .field = h->name, .filename = h->filename,
				      .content_type = h->content_type, .path = NULL, .fd = -1 };
	fd = mkstemp(path);
	if (fd < 0)
		return MP_IO;
	/* Workers are single-threaded, so nothing can fork in between. */
	fcntl(fd, F_SETFD, FD_CLOEXEC);
	f->fd = fd;
	f->path = path;
	crypto_hash_sha256_init(&mp->sha);
	mp->wlen = 0;
	return MP_OK;
}

/* The header block is complete: decide what the part is. */
static void mp_part_begin(struct multipart *mp)
{
	struct mp_headers h;
	int rc = mp_headers_parse(mp, &h);

	if (rc == MP_OK && h.filename.ptr)
		rc = mp_file_open(mp, &h);
	if (rc != MP_OK) {
		mp_fail(mp, rc);
		return;
	}
	if (h.filename.ptr) {
		mp->part = MP_PART_FILE;
	} else {
		mp->part = MP_PART_FIELD;
		mp->field_name = h.name;
		buf_clear(&mp->value);
	}
	mp->state = MP_S_BODY;
	mp->match = 0;
}

static bool mp_headers_done(const struct multipart *mp)
{
	const char *h = mp->hdr;
	size_t n = mp->hdr_len;

	return (n == 2 && memcmp(h, "\r\n", 2) == 0) ||
	       (n >= 4 && memcmp(h + n - 4, "\r\n\r\n", 4) == 0);
}

/* Collect header bytes until the blank line; returns bytes consumed. */
static size_t mp_scan_headers(struct multipart *mp, const char *p, size_t n)
{
	size_t i = 0;

	while (i < n) {
		if (mp->hdr_len == mp->lim.max_header_size) {
			mp_fail(mp, MP_TOO_LARGE);
			return n;
		}
		mp->hdr[mp->hdr_len++] = p[i++];
		if (mp_headers_done(mp)) {
			mp_part_begin(mp);
			break;
		}
	}
	return i;
}

static void mp_next_part(struct multipart *mp)
{
	if (++mp->nparts > mp->lim.max_parts) {
		mp_fail(mp, MP_TOO_MANY);
		return;
	}
	mp->hdr_len = 0;
	mp->state = MP_S_HEADERS;
}

/* One byte of what follows a delimiter: "--", or padding then CRLF. */
static void mp_delim_tail(struct multipart *mp, char c)
{
	bool blank = c == ' ' || c == '\t';

	switch (mp->state) {
	case MP_S_DELIM_TAIL:
	case MP_S_PADDING:
		if (c == '-' && mp->state == MP_S_DELIM_TAIL)
			mp->state = MP_S_DELIM_DASH;
		else if (blank)
			mp->state = MP_S_PADDING;
		else if (c == '\r')
			mp->state = MP_S_DELIM_LF;
		else
			mp_fail(mp, MP_MALFORMED);
		break;
	case MP_S_DELIM_DASH:
		if (c == '-')
			mp->state = MP_S_EPILOGUE;
		else
			mp_fail(mp, MP_MALFORMED);
		break;
	case MP_S_DELIM_LF:
		if (c == '\n')
			mp_next_part(mp);
		else
			mp_fail(mp, MP_MALFORMED);
		break;
	default:
		mp_fail(mp, MP_MALFORMED);
		break;
	}
}

int multipart_feed(struct multipart *mp, const char *data, size_t len)
{
	size_t i = 0;

	while (i < len && !mp->err) {
		switch (mp->state) {
		case MP_S_PREAMBLE:
		case MP_S_BODY:
			i += mp_scan_data(mp, data + i, len - i);
			break;
		case MP_S_HEADERS:
			i += mp_scan_headers(mp, data + i, len - i);
			break;
		case MP_S_EPILOGUE:
			/* Anything after the close delimiter is ignored. */
			i = len;
			break;
		default:
			mp_delim_tail(mp, data[i++]);
			break;
		}
	}
	return mp->err;
}

int multipart_finish(struct multipart *mp, struct multipart_result *out)
{
	*out = (struct multipart_result){ { NULL, 0 }, NULL, 0 };
	if (mp->state != MP_S_EPILOGUE)
		mp_fail(mp, MP_MALFORMED);
	if (mp->err)
		return mp->err;
	out->fields = (struct http_kv_list){ mp->fields, mp->nfields };
	out->files = mp->files;
	out->nfiles = mp->nfiles;
	return MP_OK;
}
