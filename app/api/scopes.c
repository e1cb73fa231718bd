#include "api/scopes.h"

#include <string.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/banned.h"

const char *const api_scopes_known[] = {
	"read", "write", "follow", "push", "profile",
	"read:accounts", "read:blocks", "read:bookmarks", "read:favourites", "read:filters",
	"read:follows", "read:lists", "read:mutes", "read:notifications", "read:search",
	"read:statuses",
	"write:accounts", "write:blocks", "write:bookmarks", "write:conversations", "write:favourites",
	"write:filters", "write:follows", "write:lists", "write:media", "write:mutes",
	"write:notifications", "write:reports", "write:statuses",
	NULL,
};

/* What the legacy "follow" scope has always meant. */
static const char *const api_scopes_follow[] = {
	"read:follows", "write:follows", "read:blocks", "write:blocks", "read:mutes", "write:mutes", NULL,
};

static bool api_scope_in(const char *const *list, const char *s, size_t n)
{
	for (size_t i = 0; list[i]; i++)
		if (strlen(list[i]) == n && memcmp(list[i], s, n) == 0)
			return true;
	return false;
}

/* Whether the list (separated by spaces) holds the n bytes of s exactly. */
static bool api_scope_listed(const char *list, const char *s, size_t n)
{
	const char *p = list;

	while (p && *p) {
		const char *end = strchr(p, ' ');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		if (len == n && memcmp(p, s, n) == 0)
			return true;
		p = end ? end + 1 : NULL;
	}
	return false;
}

char *api_scopes_parse(struct arena *a, const char *s, size_t len, const char *dflt)
{
	struct buf out = BUF_INIT;
	size_t i = 0;
	char *result;

	while (s && i < len) {
		size_t start, n;

		while (i < len && (s[i] == ' ' || s[i] == '+'))
			i++;
		start = i;
		while (i < len && s[i] != ' ' && s[i] != '+')
			i++;
		n = i - start;
		if (n == 0)
			continue;
		if (!api_scope_in(api_scopes_known, s + start, n)) {
			buf_release(&out);
			return NULL;
		}
		if (out.ptr && api_scope_listed(out.ptr, s + start, n))
			continue;
		if ((out.len && buf_putc(&out, ' ') < 0) || buf_append(&out, s + start, n) < 0) {
			buf_release(&out);
			return NULL;
		}
	}
	if (out.len == 0) {
		buf_release(&out);
		return dflt ? arena_strdup(a, dflt) : NULL;
	}
	result = out.len <= API_SCOPES_MAX ? arena_strndup(a, out.ptr, out.len) : NULL;
	buf_release(&out);
	return result;
}

bool api_scope_granted(const char *granted, const char *scope)
{
	const char *colon = strchr(scope, ':');

	if (!granted)
		return false;
	if (api_scope_listed(granted, scope, strlen(scope)))
		return true;
	if (colon && api_scope_listed(granted, scope, (size_t)(colon - scope)))
		return true;
	return api_scope_in(api_scopes_follow, scope, strlen(scope)) && api_scope_listed(granted, "follow", 6);
}

bool api_scopes_subset(const char *requested, const char *allowed)
{
	const char *p = requested;
	char one[64];

	while (p && *p) {
		const char *end = strchr(p, ' ');
		size_t n = end ? (size_t)(end - p) : strlen(p);

		if (n == 0 || n >= sizeof(one))
			return false;
		memcpy(one, p, n);
		one[n] = '\0';
		if (!api_scope_granted(allowed, one))
			return false;
		p = end ? end + 1 : NULL;
	}
	return true;
}
