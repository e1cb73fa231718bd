#ifndef BB_OIDC_IDTOKEN_H
#define BB_OIDC_IDTOKEN_H
/*
 * Verification of an OpenID Connect id_token (OpenID Connect Core 1.0
 * §3.1.3.7). The algorithm is taken from an allowlist (RS256, ES256)
 * before anything is verified, the key must be of that algorithm's type,
 * and libjwt's own reading of the algorithm is checked again afterwards:
 * "none" and HMAC (which would turn a public key into a shared secret)
 * can never pass. Then iss exactly, aud containing the client (and azp
 * being the client when present), exp/iat/nbf within the leeway, and
 * the nonce sent with the request.
 */
#include <stdbool.h>

struct jwks;

#define IDTOKEN_MAX_LEN 16384
#define IDTOKEN_SUB_MAX 255

enum idtoken_status {
	IDTOKEN_OK = 0,
	IDTOKEN_MALFORMED,     /* not three base64url parts of JSON */
	IDTOKEN_BAD_ALG,       /* not RS256/ES256, or a key of another type */
	IDTOKEN_UNKNOWN_KEY,   /* no key with that kid: refresh the JWKS and retry */
	IDTOKEN_BAD_SIGNATURE,
	IDTOKEN_BAD_ISSUER,
	IDTOKEN_BAD_AUDIENCE,
	IDTOKEN_EXPIRED,
	IDTOKEN_NOT_YET_VALID, /* iat or nbf in the future */
	IDTOKEN_BAD_NONCE,
	IDTOKEN_BAD_SUBJECT,
};

struct idtoken_expect {
	const char *issuer;
	const char *client_id;
	const char *nonce;
	long long now;   /* Unix seconds */
	int leeway;      /* seconds of clock difference allowed */
};

struct idtoken_claims {
	char sub[IDTOKEN_SUB_MAX + 1];
	char preferred_username[64];
	char name[128];
	char email[256];
	bool email_verified;
};

enum idtoken_status idtoken_verify(const char *token, const struct jwks *keys, const struct idtoken_expect *want,
				   struct idtoken_claims *out);
/* A short English reason for logs, e.g. "wrong audience". */
const char *idtoken_reason(enum idtoken_status s);

#endif
