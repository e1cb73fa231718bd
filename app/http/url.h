#ifndef BB_URL_H
#define BB_URL_H
/*
 * Small URL helpers: percent-encoding a value for a query string, and
 * deciding whether a user-supplied "next" or "return_to" is a safe local
 * path (never an open redirect).
 */
#include <stdbool.h>
#include <stddef.h>

#include "core/str.h"

struct arena;

/* RFC 3986 unreserved characters stay, everything else becomes %XX. */
char *url_encode(struct arena *a, const char *s, size_t n);
/* "/x..." but not "//host" or "/\host", no control characters, bounded. */
bool url_is_local_path(struct str p);

#endif
