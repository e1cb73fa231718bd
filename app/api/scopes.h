#ifndef BB_API_SCOPES_H
#define BB_API_SCOPES_H
/*
 * OAuth scopes as Mastodon defines them: the top-level read, write,
 * follow (legacy), push and profile, and the granular read:* and
 * write:* ones. A top-level scope covers its granular ones ("read"
 * grants "read:statuses"); "follow" covers reading and changing follows,
 * blocks and mutes. Pure functions: no I/O, testable alone.
 */
#include <stdbool.h>
#include <stddef.h>

struct arena;

#define API_SCOPES_MAX 500 /* bytes of a stored scope list */

/*
 * Normalise a requested scope list: scopes separated by spaces or '+'
 * (some clients send the raw form encoding), duplicates dropped, order
 * kept, joined by single spaces. NULL when a scope is unknown, the list
 * is empty or too long. An absent list (s NULL or blank) gives dflt.
 */
char *api_scopes_parse(struct arena *a, const char *s, size_t len, const char *dflt);
/* Whether the space-separated list granted covers scope. */
bool api_scope_granted(const char *granted, const char *scope);
/* Whether every scope of requested is covered by allowed. */
bool api_scopes_subset(const char *requested, const char *allowed);
/* Every scope we accept, for discovery documents; NULL-terminated. */
extern const char *const api_scopes_known[];

#endif
