#ifndef BB_ESCAPE_H
#define BB_ESCAPE_H
/*
 * Escaping for text that goes into HTML. Templates call it for every
 * {{x}}; handlers that build HTML by hand call it too, so there is one
 * definition of "safe in HTML" in the program.
 */
#include <stddef.h>

struct buf;

/*
 * Append s[0..n) to out with & < > " ' replaced by entities (' becomes
 * &#39;, which every HTML version understands, unlike &apos;). The result
 * is safe in element content and in quoted attribute values; it is not
 * enough for unquoted attributes, URLs or script. Bytes are copied as is
 * otherwise, so valid UTF-8 stays valid. Returns 0, or -1 when out of
 * memory (out then holds a prefix of the escaped text).
 */
int escape_html(struct buf *out, const char *s, size_t n);

#endif
