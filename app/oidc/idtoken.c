#include "oidc/idtoken.h"

#include <json-c/json.h>
#include <jwt.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "core/json.h"
#include "oidc/jwks.h"
#include "core/banned.h"

#define IDTOKEN_PART_MAX 12288

const char *idtoken_reason(enum idtoken_status s)
{
	switch (s) {
	case IDTOKEN_OK: return "ok";
	case IDTOKEN_MALFORMED: return "malformed token";
	case IDTOKEN_BAD_ALG: return "algorithm not allowed";
	case IDTOKEN_UNKNOWN_KEY: return "unknown signing key";
	case IDTOKEN_BAD_SIGNATURE: return "bad signature";
	case IDTOKEN_BAD_ISSUER: return "wrong issuer";
	case IDTOKEN_BAD_AUDIENCE: return "wrong audience";
	case IDTOKEN_EXPIRED: return "expired";
	case IDTOKEN_NOT_YET_VALID: return "issued in the future";
	case IDTOKEN_BAD_NONCE: return "nonce mismatch";
	case IDTOKEN_BAD_SUBJECT: return "missing or bad subject";
	}
	return "?";
}

/* One base64url part of the token, decoded and parsed as a JSON object. */
static json_object *idtoken_part(const char *s, size_t len)
{
	unsigned char raw[IDTOKEN_PART_MAX];
	json_object *o;
	long n = jwks_b64url_decode(s, len, raw, sizeof(raw));

	if (n <= 0 || !(o = json_parse_exact((const char *)raw, (size_t)n, 8)))
		return NULL;
	if (!json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

/* A NumericDate claim; false when absent or not a number. */
static bool idtoken_time(json_object *o, const char *key, long long *out)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v) ||
	    (!json_object_is_type(v, json_type_int) && !json_object_is_type(v, json_type_double)))
		return false;
	*out = json_object_is_type(v, json_type_int) ? json_object_get_int64(v) : (long long)json_object_get_double(v);
	return true;
}

static bool idtoken_equal(const char *a, const char *b)
{
	size_t n = strlen(a);

	return n == strlen(b) && sodium_memcmp(a, b, n) == 0;
}

static enum idtoken_status idtoken_audience(json_object *payload, const char *client_id)
{
	const char *azp = json_str(payload, "azp");
	json_object *aud;
	bool found = false;
	size_t n = 1;

	if (!json_object_object_get_ex(payload, "aud", &aud))
		return IDTOKEN_BAD_AUDIENCE;
	if (json_object_is_type(aud, json_type_string)) {
		found = strcmp(json_object_get_string(aud), client_id) == 0;
	} else if (json_object_is_type(aud, json_type_array)) {
		n = json_object_array_length(aud);
		for (size_t i = 0; i < n; i++) {
			json_object *v = json_object_array_get_idx(aud, i);

			if (json_object_is_type(v, json_type_string) && strcmp(json_object_get_string(v), client_id) == 0)
				found = true;
		}
	}
	/* Several audiences: the token must say it was issued to us (azp). */
	if (!found || (n > 1 && !azp) || (azp && strcmp(azp, client_id) != 0))
		return IDTOKEN_BAD_AUDIENCE;
	return IDTOKEN_OK;
}

static bool idtoken_subject_valid(const char *sub)
{
	size_t n = sub ? strlen(sub) : 0;

	if (n < 1 || n > IDTOKEN_SUB_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)sub[i] < 0x21 || (unsigned char)sub[i] > 0x7e)
			return false;
	return true;
}

static void idtoken_copy(char *dst, size_t cap, const char *src)
{
	snprintf(dst, cap, "%s", src ? src : "");
}

static enum idtoken_status idtoken_claims_check(json_object *payload, const struct idtoken_expect *want,
						struct idtoken_claims *out)
{
	const char *iss = json_str(payload, "iss"), *nonce = json_str(payload, "nonce");
	long long exp, iat, nbf;
	enum idtoken_status s;
	json_object *v;

	if (!iss || strcmp(iss, want->issuer) != 0)
		return IDTOKEN_BAD_ISSUER;
	s = idtoken_audience(payload, want->client_id);
	if (s != IDTOKEN_OK)
		return s;
	if (!idtoken_time(payload, "exp", &exp) || want->now > exp + want->leeway)
		return IDTOKEN_EXPIRED;
	if (!idtoken_time(payload, "iat", &iat) || iat > want->now + want->leeway)
		return IDTOKEN_NOT_YET_VALID;
	if (idtoken_time(payload, "nbf", &nbf) && nbf > want->now + want->leeway)
		return IDTOKEN_NOT_YET_VALID;
	if (!nonce || !want->nonce || !idtoken_equal(nonce, want->nonce))
		return IDTOKEN_BAD_NONCE;
	if (!idtoken_subject_valid(json_str(payload, "sub")))
		return IDTOKEN_BAD_SUBJECT;
	idtoken_copy(out->sub, sizeof(out->sub), json_str(payload, "sub"));
	idtoken_copy(out->preferred_username, sizeof(out->preferred_username),
		     json_str(payload, "preferred_username"));
	idtoken_copy(out->name, sizeof(out->name), json_str(payload, "name"));
	idtoken_copy(out->email, sizeof(out->email), json_str(payload, "email"));
	out->email_verified = json_object_object_get_ex(payload, "email_verified", &v) &&
			      json_object_is_type(v, json_type_boolean) && json_object_get_boolean(v);
	return IDTOKEN_OK;
}

/* The key the header asks for, after the algorithm allowlist. */
static enum idtoken_status idtoken_key(json_object *header, const struct jwks *keys, const struct jwk **key,
				       jwt_alg_t *alg)
{
	const char *name = json_str(header, "alg");
	json_object *crit;

	if (!name)
		return IDTOKEN_MALFORMED;
	/* Extensions we do not know must not be ignored (RFC 7515 §4.1.11). */
	if (json_object_object_get_ex(header, "crit", &crit))
		return IDTOKEN_BAD_ALG;
	if (strcmp(name, "RS256") == 0)
		*alg = JWT_ALG_RS256;
	else if (strcmp(name, "ES256") == 0)
		*alg = JWT_ALG_ES256;
	else
		return IDTOKEN_BAD_ALG;
	*key = jwks_find(keys, json_str(header, "kid"), *alg == JWT_ALG_RS256 ? JWK_RSA : JWK_EC_P256);
	return *key ? IDTOKEN_OK : IDTOKEN_UNKNOWN_KEY;
}

enum idtoken_status idtoken_verify(const char *token, const struct jwks *keys, const struct idtoken_expect *want,
				   struct idtoken_claims *out)
{
	const char *dot1, *dot2;
	json_object *header = NULL, *payload = NULL;
	const struct jwk *key = NULL;
	enum idtoken_status s;
	jwt_alg_t alg = JWT_ALG_NONE;
	jwt_t *jwt = NULL;
	size_t len = strnlen(token, IDTOKEN_MAX_LEN + 1);

	memset(out, 0, sizeof(*out));
	if (len > IDTOKEN_MAX_LEN || !(dot1 = strchr(token, '.')) || !(dot2 = strchr(dot1 + 1, '.')) ||
	    strchr(dot2 + 1, '.'))
		return IDTOKEN_MALFORMED;
	header = idtoken_part(token, (size_t)(dot1 - token));
	payload = idtoken_part(dot1 + 1, (size_t)(dot2 - dot1 - 1));
	if (!header || !payload) {
		s = IDTOKEN_MALFORMED;
		goto done;
	}
	s = idtoken_key(header, keys, &key, &alg);
	if (s != IDTOKEN_OK)
		goto done;
	if (jwt_decode(&jwt, token, (const unsigned char *)key->pem, (int)key->pem_len) != 0 || !jwt) {
		s = IDTOKEN_BAD_SIGNATURE;
		goto done;
	}
	/* libjwt picks the algorithm from the header it parsed itself. */
	if (jwt_get_alg(jwt) != alg) {
		s = IDTOKEN_BAD_ALG;
		goto done;
	}
	s = idtoken_claims_check(payload, want, out);
done:
	if (s != IDTOKEN_OK)
		memset(out, 0, sizeof(*out));
	jwt_free(jwt);
	json_object_put(header);
	json_object_put(payload);
	return s;
}
