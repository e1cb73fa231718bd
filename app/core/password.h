#ifndef BB_PASSWORD_H
#define BB_PASSWORD_H
/*
 * Password hashing with Argon2id (libsodium crypto_pwhash_str) and the
 * password policy: 8 to 256 characters, checked exactly as typed (no
 * trimming or case folding), not one of the common passwords.
 */
#include <stdbool.h>
#include <stddef.h>

struct pw_policy;

enum pw_verdict {
	PW_OK = 0,
	PW_TOO_SHORT,
	PW_TOO_LONG,
	PW_COMMON,
	PW_SAME_AS_NAME,
	PW_INVALID, /* not UTF-8, or contains NUL */
};

#define PW_HASH_MAX 128

/* Load the common-password list (one per line, "#!" comments). */
struct pw_policy *pw_policy_load(const char *path, char *err, size_t errlen);
void pw_policy_free(struct pw_policy *p);
enum pw_verdict pw_check(const struct pw_policy *p, const char *password, size_t len,
			 const char *username);

/* What a verification found. PW_BUSY: every hashing slot of the host
 * stayed busy (core/pwgate.h); answer 503 and let the person retry. */
enum { PW_BUSY = -1, PW_MISMATCH = 0, PW_MATCH = 1 };

/* Hash with the given cost; out gets a NUL-terminated $argon2id$ string.
 * Returns 0, or -1 when out of memory or PW_BUSY. */
int pw_hash(char out[PW_HASH_MAX], const char *password, size_t len, unsigned long long ops,
	    size_t mem);
/* Constant-time check of password against a stored hash: PW_MATCH,
 * PW_MISMATCH or PW_BUSY. */
int pw_verify(const char *hash, const char *password, size_t len);
/* The stored hash used weaker parameters than the configured ones. */
bool pw_needs_rehash(const char *hash, unsigned long long ops, size_t mem);
/* Spend the time of a verification without a real hash, so a login for
 * an unknown account takes as long as one with a wrong password.
 * PW_MISMATCH, or PW_BUSY. */
int pw_verify_dummy(const char *password, size_t len, unsigned long long ops, size_t mem);

#endif
