/*
 * JWK to PEM with OpenSSL 3's EVP_PKEY_fromdata: libjwt 1.10 reads keys
 * only as PEM, and providers publish them as JWK.
 */
#include "oidc/jwks.h"

#include <json-c/json.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/json.h"
#include "core/banned.h"

#define JWK_RSA_MIN_BITS 2048
#define JWK_RSA_MAX_BYTES 1024 /* 8192-bit moduli */

long jwks_b64url_decode(const char *s, size_t len, unsigned char *out, size_t cap)
{
	size_t n = 0;

	if (sodium_base642bin(out, cap, s, len, NULL, &n, NULL, sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0)
		return -1;
	return (long)n;
}

/* A field of the key, base64url-decoded; -1 when absent or bad. */
static long jwk_bytes(json_object *o, const char *key, unsigned char *out, size_t cap)
{
	const char *s = json_str(o, key);

	return s ? jwks_b64url_decode(s, strlen(s), out, cap) : -1;
}

static char *jwk_pem_of(EVP_PKEY *pkey, size_t *len)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *data = NULL, *pem = NULL;
	long n;

	if (bio && PEM_write_bio_PUBKEY(bio, pkey) == 1 && (n = BIO_get_mem_data(bio, &data)) > 0 &&
	    (pem = malloc((size_t)n + 1))) {
		memcpy(pem, data, (size_t)n);
		pem[n] = '\0';
		*len = (size_t)n;
	}
	BIO_free(bio);
	return pem;
}

/* The public key of params as PEM, or NULL. */
static char *jwk_build(const char *algorithm, OSSL_PARAM_BLD *bld, size_t *len)
{
	OSSL_PARAM *params = OSSL_PARAM_BLD_to_param(bld);
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, algorithm, NULL);
	EVP_PKEY *pkey = NULL;
	char *pem = NULL;

	if (params && ctx && EVP_PKEY_fromdata_init(ctx) == 1 &&
	    EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) == 1)
		pem = jwk_pem_of(pkey, len);
	EVP_PKEY_free(pkey);
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	return pem;
}

static char *jwk_rsa_pem(json_object *o, size_t *len)
{
	unsigned char nb[JWK_RSA_MAX_BYTES], eb[8];
	long nl = jwk_bytes(o, "n", nb, sizeof(nb)), el = jwk_bytes(o, "e", eb, sizeof(eb));
	BIGNUM *n = NULL, *e = NULL;
	OSSL_PARAM_BLD *bld;
	char *pem = NULL;

	if (nl <= 0 || el <= 0 || nb[0] == 0)
		return NULL;
	n = BN_bin2bn(nb, (int)nl, NULL);
	e = BN_bin2bn(eb, (int)el, NULL);
	bld = OSSL_PARAM_BLD_new();
	if (n && e && bld && BN_num_bits(n) >= JWK_RSA_MIN_BITS &&
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n) == 1 &&
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e) == 1)
		pem = jwk_build("RSA", bld, len);
	OSSL_PARAM_BLD_free(bld);
	BN_free(n);
	BN_free(e);
	return pem;
}

static char *jwk_ec_pem(json_object *o, size_t *len)
{
	unsigned char point[65];
	const char *crv = json_str(o, "crv");
	OSSL_PARAM_BLD *bld;
	char *pem = NULL;

	if (!crv || strcmp(crv, "P-256") != 0)
		return NULL;
	point[0] = 0x04; /* uncompressed: x then y */
	if (jwk_bytes(o, "x", point + 1, 32) != 32 || jwk_bytes(o, "y", point + 33, 32) != 32)
		return NULL;
	bld = OSSL_PARAM_BLD_new();
	if (bld && OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) == 1 &&
	    OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, point, sizeof(point)) == 1)
		pem = jwk_build("EC", bld, len);
	OSSL_PARAM_BLD_free(bld);
	return pem;
}

/* Keep key o when it is a signing key of a kind we accept. */
static void jwks_add(struct jwks *k, json_object *o)
{
	const char *kty = json_str(o, "kty"), *use = json_str(o, "use"), *kid = json_str(o, "kid");
	struct jwk *key = &k->keys[k->n];

	if (!kty || (use && strcmp(use, "sig") != 0) || (kid && strlen(kid) > JWKS_KID_MAX))
		return;
	memset(key, 0, sizeof(*key));
	if (strcmp(kty, "RSA") == 0) {
		key->type = JWK_RSA;
		key->pem = jwk_rsa_pem(o, &key->pem_len);
	} else if (strcmp(kty, "EC") == 0) {
		key->type = JWK_EC_P256;
		key->pem = jwk_ec_pem(o, &key->pem_len);
	}
	if (!key->pem)
		return;
	memcpy(key->kid, kid ? kid : "", strlen(kid ? kid : "") + 1);
	k->n++;
}

int jwks_parse(const char *json, size_t len, struct jwks *out, struct buf *err)
{
	json_object *doc, *keys;

	memset(out, 0, sizeof(*out));
	if (len > JWKS_MAX_DOCUMENT) {
		buf_puts(err, "the key set is too large");
		return -1;
	}
	doc = json_parse_exact(json, len, 16);
	if (!doc || !json_object_object_get_ex(doc, "keys", &keys) || !json_object_is_type(keys, json_type_array)) {
		json_object_put(doc);
		buf_puts(err, "the key set is not a JWKS document");
		return -1;
	}
	for (size_t i = 0; i < json_object_array_length(keys) && out->n < JWKS_MAX_KEYS; i++) {
		json_object *o = json_object_array_get_idx(keys, i);

		if (json_object_is_type(o, json_type_object))
			jwks_add(out, o);
	}
	json_object_put(doc);
	if (out->n == 0) {
		buf_puts(err, "the key set holds no RSA (2048 bits or more) or P-256 signing key");
		return -1;
	}
	return 0;
}

void jwks_clear(struct jwks *k)
{
	for (size_t i = 0; i < k->n; i++)
		free(k->keys[i].pem);
	memset(k, 0, sizeof(*k));
}

const struct jwk *jwks_find(const struct jwks *k, const char *kid, enum jwk_type type)
{
	const struct jwk *only = NULL;
	size_t of_type = 0;

	for (size_t i = 0; i < k->n; i++) {
		if (k->keys[i].type != type)
			continue;
		if (kid && strcmp(k->keys[i].kid, kid) == 0)
			return &k->keys[i];
		only = &k->keys[i];
		of_type++;
	}
	return !kid && of_type == 1 ? only : NULL;
}
