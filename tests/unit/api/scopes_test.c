/*
 * OAuth scopes: parsing what clients send, and what a granted list
 * covers (top-level over granular, the legacy follow scope).
 */
#include <string.h>

#include "api/scopes.h"
#include "core/arena.h"
#include "tap.h"

#include "core/banned.h"

static const char *parse(struct arena *a, const char *s)
{
	return api_scopes_parse(a, s, s ? strlen(s) : 0, "read");
}

int main(void)
{
	struct arena *a = arena_new(4096);
	char big[API_SCOPES_MAX + 64];

	is_str(parse(a, "read write follow"), "read write follow", "spaces");
	is_str(parse(a, "read+write:statuses"), "read write:statuses", "'+' as the raw form encoding sends it");
	is_str(parse(a, "  read   read write  "), "read write", "blanks and duplicates dropped, order kept");
	is_str(parse(a, NULL), "read", "absent: the default");
	is_str(parse(a, "   "), "read", "blank: the default");
	ok(parse(a, "read admin:read") == NULL, "an unknown scope refuses the list");
	ok(parse(a, "reads") == NULL, "a prefix of a known scope is not one");
	ok(parse(a, "read:") == NULL, "an empty granular scope is unknown");
	size_t n = (sizeof(big) - 1) / 5 * 5; /* whole "read " words */
	for (size_t i = 0; i < n; i += 5)
		memcpy(big + i, "read ", 5);
	big[n] = '\0';
	is_str(parse(a, big), "read", "a list longer than a stored one, all duplicates");
	for (size_t i = 0; api_scopes_known[i]; i++)
		is_str(parse(a, api_scopes_known[i]), api_scopes_known[i], "%s is known", api_scopes_known[i]);

	ok(api_scope_granted("read", "read:statuses"), "read covers read:statuses");
	ok(api_scope_granted("read write", "write:media"), "write covers write:media");
	ok(!api_scope_granted("read", "write:statuses"), "read does not cover write:statuses");
	ok(!api_scope_granted("read:accounts", "read:statuses"), "one granular scope does not cover another");
	ok(api_scope_granted("read:statuses", "read:statuses"), "a granular scope covers itself");
	ok(!api_scope_granted("read:statuses", "read"), "a granular scope does not cover its top level");
	ok(api_scope_granted("follow", "write:blocks"), "follow covers write:blocks");
	ok(api_scope_granted("follow", "read:follows"), "follow covers read:follows");
	ok(!api_scope_granted("follow", "write:statuses"), "follow does not cover write:statuses");
	ok(!api_scope_granted("", "read"), "nothing granted covers nothing");
	ok(!api_scope_granted("readwrite", "read"), "scopes are whole words");

	ok(api_scopes_subset("read write:statuses", "read write"), "a subset of what the app may ask");
	ok(!api_scopes_subset("read write", "read"), "more than the app registered");
	ok(api_scopes_subset("read:accounts", "read"), "granular inside top level");
	arena_free(a);
	return done_testing();
}
