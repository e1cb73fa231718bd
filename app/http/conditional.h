#ifndef BB_CONDITIONAL_H
#define BB_CONDITIONAL_H
/*
 * Conditional GET (RFC 9110 section 13.1.2): a weak entity tag computed
 * from a response body, and the If-None-Match test against it. The tag
 * only tells one body from another; it is not a secret and not a MAC.
 */
#include <stdbool.h>
#include <stddef.h>

/* W/"<16 hex digits>" and its terminating NUL. */
#define CONDITIONAL_ETAG_SIZE 21

void conditional_etag(const void *body, size_t len, char out[CONDITIONAL_ETAG_SIZE]);
/* Whether an If-None-Match value (a comma-separated list of tags, weak
 * or strong, or "*") holds etag, compared weakly. NULL holds nothing. */
bool conditional_none_match(const char *if_none_match, const char *etag);

#endif
