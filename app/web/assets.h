#ifndef BB_ASSETS_H
#define BB_ASSETS_H
/*
 * Versioned static URLs. The version is a hash of the names, sizes and
 * modification times of the files under static_dir, computed at start and
 * on reload, so "/static/v<hash>/css/app.css" changes exactly when a file
 * does and nginx can cache it for a year.
 */
#include <stddef.h>

/* Writes 12 hex digits and a NUL to out (cap >= 13). -1 if unreadable. */
int assets_version(const char *static_dir, char *out, size_t cap);

#endif
