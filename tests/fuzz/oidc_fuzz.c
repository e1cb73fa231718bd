/*
 * Fuzz what an identity provider sends us: the first byte picks the
 * parser (id_token against a fixed key set, JWKS document, discovery
 * document), the rest is its input.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/conf.h"
#include "oidc/idtoken.h"
#include "oidc/jwks.h"
#include "oidc/provider.h"
#include "../unit/oidc/fixtures.h"

static struct jwks keys;

static void fuzz_token(const uint8_t *data, size_t size)
{
	struct idtoken_expect want = { FIX_ISS, FIX_AUD, FIX_NONCE, FIX_IAT + 100, 60 };
	struct idtoken_claims c;
	char *token = malloc(size + 1);

	if (!token)
		return;
	memcpy(token, data, size);
	token[size] = '\0';
	idtoken_verify(token, &keys, &want, &c);
	free(token);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf err = BUF_INIT;

	if (size < 1)
		return 0;
	if (keys.n == 0 && jwks_parse(FIX_JWKS, strlen(FIX_JWKS), &keys, &err) < 0)
		abort();
	switch (data[0] % 3) {
	case 0:
		fuzz_token(data + 1, size - 1);
		break;
	case 1: {
		struct jwks k;

		if (jwks_parse((const char *)data + 1, size - 1, &k, &err) == 0)
			jwks_clear(&k);
		break;
	}
	default: {
		struct conf_oidc c = { .issuer = (char *)"https://id.example.com" };
		struct oidc_provider p = { .conf = &c };

		oidc_discovery_parse(&p, (const char *)data + 1, size - 1, &err);
		free(p.authorization_endpoint);
		free(p.token_endpoint);
		free(p.jwks_uri);
		free(p.userinfo_endpoint);
		break;
	}
	}
	buf_release(&err);
	return 0;
}
