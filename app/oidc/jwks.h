#ifndef BB_OIDC_JWKS_H
#define BB_OIDC_JWKS_H
/*
 * A provider's signing keys (its JWKS document, RFC 7517), turned into
 * PEM public keys that libjwt verifies with. Only keys BeauBelle accepts
 * are kept: RSA of 2048 bits or more and EC on P-256, meant for
 * signatures (use "sig" or no use at all).
 */
#include <stddef.h>

struct buf;

#define JWKS_MAX_KEYS 16
#define JWKS_KID_MAX 128
#define JWKS_MAX_DOCUMENT (256 * 1024)

enum jwk_type { JWK_RSA, JWK_EC_P256 };

struct jwk {
	char kid[JWKS_KID_MAX + 1]; /* "" when the key has none */
	enum jwk_type type;
	char *pem;  /* SubjectPublicKeyInfo, NUL-terminated */
	size_t pem_len;
};

struct jwks {
	struct jwk keys[JWKS_MAX_KEYS];
	size_t n;
};

/* Parse a JWKS document into out (which the caller frees with
 * jwks_clear); -1 with a reason in err when it is not one or holds no
 * usable key. Keys of other kinds are skipped. */
int jwks_parse(const char *json, size_t len, struct jwks *out, struct buf *err);
void jwks_clear(struct jwks *k);
/* The key a token names: by kid, or the only key of the type when the
 * token names none. NULL when there is no such key. */
const struct jwk *jwks_find(const struct jwks *k, const char *kid, enum jwk_type type);

/* Base64url without padding (RFC 7515 §2) into out; the decoded length,
 * or -1 when s is not that or does not fit. */
long jwks_b64url_decode(const char *s, size_t len, unsigned char *out, size_t cap);

#endif
