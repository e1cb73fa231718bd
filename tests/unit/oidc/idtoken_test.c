/*
 * The id_token verifier and the JWKS reader (oidc/idtoken.h, oidc/jwks.h)
 * on keys and tokens made by Node's crypto (fixtures.h): genuine RS256 and
 * ES256 tokens pass with their claims; each way a token can be forged or
 * misdirected fails with its own reason.
 */
#include <string.h>

#include "core/buf.h"
#include "oidc/idtoken.h"
#include "oidc/jwks.h"
#include "tap.h"
#include "fixtures.h"

#include "core/banned.h"

static struct jwks keys;

static enum idtoken_status verify_at(const char *token, long long now, const char *nonce)
{
	struct idtoken_expect want = { FIX_ISS, FIX_AUD, nonce, now, 60 };
	struct idtoken_claims c;

	return idtoken_verify(token, &keys, &want, &c);
}

static enum idtoken_status verify(const char *token)
{
	return verify_at(token, FIX_IAT + 100, FIX_NONCE);
}

static void test_jwks(void)
{
	struct buf err = BUF_INIT;
	struct jwks one;

	ok(jwks_parse(FIX_JWKS, strlen(FIX_JWKS), &keys, &err) == 0, "the key set is read");
	ok(keys.n == 2, "an RSA and an EC key are kept; the shared secret and the encryption key are not");
	ok(jwks_find(&keys, "rsa-1", JWK_RSA) && jwks_find(&keys, "ec-1", JWK_EC_P256), "keys are found by kid");
	ok(!jwks_find(&keys, "ec-1", JWK_RSA), "a kid of the other type finds nothing");
	ok(!jwks_find(&keys, NULL, JWK_RSA) || keys.n == 2, "no kid finds the only key of the type");
	ok(strstr(jwks_find(&keys, "rsa-1", JWK_RSA)->pem, "BEGIN PUBLIC KEY") != NULL, "keys become PEM");
	buf_clear(&err);
	ok(jwks_parse(FIX_JWKS_SMALL_RSA, strlen(FIX_JWKS_SMALL_RSA), &one, &err) < 0 && err.len > 0,
	   "a 1024-bit RSA key is refused");
	buf_clear(&err);
	ok(jwks_parse("{\"keys\":3}", 10, &one, &err) < 0, "keys must be an array");
	buf_clear(&err);
	ok(jwks_parse("[]", 2, &one, &err) < 0, "a document must be an object");
	buf_clear(&err);
	ok(jwks_parse("{\"keys\":[]} x", 13, &one, &err) < 0, "trailing bytes are refused");
	buf_clear(&err);
	ok(jwks_parse(FIX_JWKS_ONE_NO_KID, strlen(FIX_JWKS_ONE_NO_KID), &one, &err) == 0 && one.n == 1,
	   "a single key without kid is read");
	ok(jwks_find(&one, NULL, JWK_RSA) != NULL, "and found by a token that names no kid");
	jwks_clear(&one);
	buf_release(&err);
}

static void test_good(void)
{
	struct idtoken_expect want = { FIX_ISS, FIX_AUD, FIX_NONCE, FIX_IAT + 100, 60 };
	struct idtoken_claims c;

	ok(idtoken_verify(FIX_TOKEN_GOOD, &keys, &want, &c) == IDTOKEN_OK, "a genuine RS256 token passes");
	ok(strcmp(c.sub, "user-42") == 0 && strcmp(c.preferred_username, "aiko") == 0 &&
		   strcmp(c.name, "Aiko Example") == 0 && strcmp(c.email, "aiko@id.example") == 0 && c.email_verified,
	   "its claims are read");
	ok(verify(FIX_TOKEN_ES256) == IDTOKEN_OK, "a genuine ES256 token passes (P-256, JOSE signature form)");
	ok(verify(FIX_TOKEN_AUD_ARRAY_AZP) == IDTOKEN_OK, "several audiences with azp = client pass");
	ok(verify_at(FIX_TOKEN_GOOD, FIX_IAT + 600 + 59, FIX_NONCE) == IDTOKEN_OK, "expiry within the leeway passes");
	ok(verify_at(FIX_TOKEN_GOOD, FIX_IAT - 59, FIX_NONCE) == IDTOKEN_OK, "a clock slightly behind passes");
}

static void test_forged(void)
{
	struct jwks one;
	struct buf err = BUF_INIT;
	struct idtoken_expect want = { FIX_ISS, FIX_AUD, FIX_NONCE, FIX_IAT + 100, 60 };
	struct idtoken_claims c;

	ok(verify(FIX_TOKEN_NONE) == IDTOKEN_BAD_ALG, "alg none is refused");
	ok(verify(FIX_TOKEN_HS256_PUBKEY) == IDTOKEN_BAD_ALG, "HS256 keyed with the public key is refused");
	ok(verify(FIX_TOKEN_PAYLOAD_CHANGED) == IDTOKEN_BAD_SIGNATURE, "a changed payload fails the signature");
	ok(verify(FIX_TOKEN_UNKNOWN_KID) == IDTOKEN_UNKNOWN_KEY, "an unknown kid asks for the keys again");
	ok(verify(FIX_TOKEN_RS256_EC_KID) == IDTOKEN_UNKNOWN_KEY, "RS256 naming the EC key finds no key");
	ok(verify(FIX_TOKEN_CRIT) == IDTOKEN_BAD_ALG, "a crit header is refused");
	ok(jwks_parse(FIX_JWKS_ONE_NO_KID, strlen(FIX_JWKS_ONE_NO_KID), &one, &err) == 0 &&
		   idtoken_verify(FIX_TOKEN_ES256, &one, &want, &c) == IDTOKEN_UNKNOWN_KEY,
	   "ES256 against a set of only RSA keys finds no key");
	ok(idtoken_verify(FIX_TOKEN_NO_KID, &one, &want, &c) == IDTOKEN_OK, "no kid uses the only RSA key");
	ok(idtoken_verify(FIX_TOKEN_NO_KID, &keys, &want, &c) == IDTOKEN_OK, "no kid, one RSA key among others");
	jwks_clear(&one);
	buf_release(&err);
}

static void test_claims(void)
{
	struct idtoken_claims c;
	struct idtoken_expect want = { FIX_ISS, "another", FIX_NONCE, FIX_IAT + 100, 60 };

	ok(verify(FIX_TOKEN_WRONG_AUD) == IDTOKEN_BAD_AUDIENCE, "another audience is refused");
	ok(idtoken_verify(FIX_TOKEN_GOOD, &keys, &want, &c) == IDTOKEN_BAD_AUDIENCE && c.sub[0] == '\0',
	   "a client that is not the audience is refused, and nothing is filled in");
	ok(verify(FIX_TOKEN_AUD_ARRAY_NO_AZP) == IDTOKEN_BAD_AUDIENCE, "several audiences without azp are refused");
	ok(verify(FIX_TOKEN_AZP_OTHER) == IDTOKEN_BAD_AUDIENCE, "azp of another client is refused");
	ok(verify(FIX_TOKEN_WRONG_ISS) == IDTOKEN_BAD_ISSUER, "another issuer is refused");
	ok(verify_at(FIX_TOKEN_GOOD, FIX_IAT + 600 + 61, FIX_NONCE) == IDTOKEN_EXPIRED, "expired is refused");
	ok(verify(FIX_TOKEN_STRING_EXP) == IDTOKEN_EXPIRED, "an exp that is not a number is refused");
	ok(verify_at(FIX_TOKEN_GOOD, FIX_IAT - 61, FIX_NONCE) == IDTOKEN_NOT_YET_VALID, "issued in the future is refused");
	ok(verify(FIX_TOKEN_NBF_LATER) == IDTOKEN_NOT_YET_VALID, "nbf in the future is refused");
	ok(verify_at(FIX_TOKEN_GOOD, FIX_IAT + 100, "n-0123456780") == IDTOKEN_BAD_NONCE, "another nonce is refused");
	ok(verify_at(FIX_TOKEN_GOOD, FIX_IAT + 100, "n-012345678") == IDTOKEN_BAD_NONCE, "a prefix of the nonce is refused");
	ok(verify(FIX_TOKEN_NO_NONCE) == IDTOKEN_BAD_NONCE, "a token without nonce is refused");
	ok(verify(FIX_TOKEN_NO_SUB) == IDTOKEN_BAD_SUBJECT, "a token without sub is refused");
	ok(verify(FIX_TOKEN_SUB_SPACE) == IDTOKEN_BAD_SUBJECT, "a sub with a space is refused");
}

static void test_malformed(void)
{
	static const char *const bad[] = { "", "abc", "a.b", "a.b.c.d", "!!!.###.$$$", "e30.e30.", "e30.e30.e30" };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ok(verify(bad[i]) == IDTOKEN_MALFORMED || verify(bad[i]) == IDTOKEN_BAD_ALG, "malformed token %zu refused", i);
	ok(strcmp(idtoken_reason(IDTOKEN_BAD_AUDIENCE), "wrong audience") == 0, "reasons are readable");
}

int main(void)
{
	test_jwks();
	test_good();
	test_forged();
	test_claims();
	test_malformed();
	jwks_clear(&keys);
	return done_testing();
}
