#ifndef BB_RICHTEXT_H
#define BB_RICHTEXT_H
/*
 * Captions and bios as HTML: the text is escaped piece by piece and only
 * links we make ourselves are added (#hashtags to /tags/NAME, @mentions
 * to /@NAME), so user text can never become markup. Hashtags may be in
 * any script (#美女 is a tag); a tag ends at a space or punctuation.
 */
#include <stddef.h>

struct buf;

#define RICHTEXT_TAG_MAX 100 /* bytes */

/* Append the HTML for text (len bytes of valid UTF-8) to out. */
int richtext_html(struct buf *out, const char *text, size_t len);
/*
 * Call fn for each distinct hashtag in text (without '#'), at most max
 * of them, in order of first appearance. Returns how many were found.
 */
size_t richtext_hashtags(const char *text, size_t len, size_t max,
			 void (*fn)(void *ud, const char *tag, size_t n), void *ud);
/* A valid tag name: 1..RICHTEXT_TAG_MAX bytes of tag characters. */
int richtext_tag_valid(const char *tag, size_t n);

#endif
