#include "core/password.h"

#include <ctype.h>
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/str.h"
#include "core/pwgate.h"
#include "core/banned.h"

#define PW_MIN_CHARS 8
#define PW_MAX_CHARS 256
#define PW_MAX_BYTES 1024
#define PW_LIST_MAX 100000

struct pw_policy {
	char **common; /* sorted, lowercase */
	size_t ncommon;
};

static int pw_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

struct pw_policy *pw_policy_load(const char *path, char *err, size_t errlen)
{
	struct pw_policy *p = calloc(1, sizeof(*p));
	FILE *f = fopen(path, "r");
	char line[512];
	size_t cap = 0;

	if (!p || !f) {
		snprintf(err, errlen, "%s: %s", path, f ? "out of memory" : strerror(errno));
		if (f)
			fclose(f);
		free(p);
		return NULL;
	}
	while (fgets(line, sizeof(line), f) && p->ncommon < PW_LIST_MAX) {
		size_t n = strcspn(line, "\r\n");

		line[n] = '\0';
		if (n == 0 || strncmp(line, "#!", 2) == 0)
			continue;
		for (size_t i = 0; i < n; i++)
			line[i] = (char)tolower((unsigned char)line[i]);
		if (p->ncommon == cap) {
			char **grown;

			cap = cap ? cap * 2 : 4096;
			grown = realloc(p->common, cap * sizeof(*grown));
			if (!grown)
				break;
			p->common = grown;
		}
		p->common[p->ncommon] = strdup(line);
		if (p->common[p->ncommon])
			p->ncommon++;
	}
	fclose(f);
	qsort(p->common, p->ncommon, sizeof(*p->common), pw_cmp);
	return p;
}

void pw_policy_free(struct pw_policy *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->ncommon; i++)
		free(p->common[i]);
	free(p->common);
	free(p);
}

/* Common passwords are compared case-insensitively: "Password1" is as
 * guessable as "password1". */
static bool pw_is_common(const struct pw_policy *p, const char *password, size_t len)
{
	char lower[PW_MAX_BYTES + 1];
	const char *key = lower;

	if (!p || len > PW_MAX_BYTES)
		return false;
	for (size_t i = 0; i < len; i++)
		lower[i] = (char)tolower((unsigned char)password[i]);
	lower[len] = '\0';
	return bsearch(&key, p->common, p->ncommon, sizeof(*p->common), pw_cmp) != NULL;
}

enum pw_verdict pw_check(const struct pw_policy *p, const char *password, size_t len,
			 const char *username)
{
	size_t chars;

	if (len > PW_MAX_BYTES)
		return PW_TOO_LONG;
	if (memchr(password, '\0', len) || !str_utf8_valid(password, len))
		return PW_INVALID;
	chars = str_utf8_len(password, len);
	if (chars < PW_MIN_CHARS)
		return PW_TOO_SHORT;
	if (chars > PW_MAX_CHARS)
		return PW_TOO_LONG;
	if (username && strlen(username) == len && strncasecmp(username, password, len) == 0)
		return PW_SAME_AS_NAME;
	if (pw_is_common(p, password, len))
		return PW_COMMON;
	return PW_OK;
}

int pw_hash(char out[PW_HASH_MAX], const char *password, size_t len, unsigned long long ops,
	    size_t mem)
{
	int rc;

	if (pw_gate_enter() < 0)
		return -1;
	rc = crypto_pwhash_str(out, password, len, ops, mem) == 0 ? 0 : -1;
	pw_gate_leave();
	return rc;
}

int pw_verify(const char *hash, const char *password, size_t len)
{
	int rc;

	if (!hash || strncmp(hash, "$argon2id$", 10) != 0)
		return PW_MISMATCH;
	if (pw_gate_enter() < 0)
		return PW_BUSY;
	rc = crypto_pwhash_str_verify(hash, password, len) == 0 ? PW_MATCH : PW_MISMATCH;
	pw_gate_leave();
	return rc;
}

bool pw_needs_rehash(const char *hash, unsigned long long ops, size_t mem)
{
	return crypto_pwhash_str_needs_rehash(hash, ops, mem) != 0;
}

int pw_verify_dummy(const char *password, size_t len, unsigned long long ops, size_t mem)
{
	/* Hashing costs what verifying a hash of the same parameters does. */
	char out[PW_HASH_MAX];

	if (pw_gate_enter() < 0)
		return PW_BUSY;
	if (crypto_pwhash_str(out, password, len, ops, mem) == 0)
		sodium_memzero(out, sizeof(out));
	pw_gate_leave();
	return PW_MISMATCH;
}
