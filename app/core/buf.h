#ifndef BB_BUF_H
#define BB_BUF_H
/*
 * A growable byte buffer on malloc, for output whose size is not known in
 * advance (rendered pages, JSON, SQL-free text). The contents are always
 * NUL-terminated after a successful append, so b->ptr can be used as a C
 * string when no NUL was appended. Functions return 0 or -1 when out of
 * memory or past BUF_MAX; after a failure the buffer keeps its old
 * contents and stays usable.
 */
#include <stdarg.h>
#include <stddef.h>

#define BUF_MAX ((size_t)1 << 30)

struct buf {
	char *ptr;
	size_t len;
	size_t cap;
};

#define BUF_INIT { NULL, 0, 0 }

void buf_init(struct buf *b);
void buf_release(struct buf *b);
void buf_clear(struct buf *b);
int buf_grow(struct buf *b, size_t extra);
int buf_append(struct buf *b, const void *p, size_t n);
int buf_puts(struct buf *b, const char *s);
int buf_putc(struct buf *b, char c);
int buf_printf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
int buf_vprintf(struct buf *b, const char *fmt, va_list ap);
/* Append the whole file at path, refusing files larger than max bytes.
 * Returns 0, or -1 with errno set (EFBIG when too large). */
int buf_read_file(struct buf *b, const char *path, size_t max);
/* Take the contents: the caller frees the result; b is empty after. */
char *buf_detach(struct buf *b, size_t *len);

#endif
