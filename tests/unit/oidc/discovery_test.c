/*
 * The discovery document check (oidc/provider.h): the document must be
 * the configured issuer's, offer the code flow with PKCE S256 and id_tokens
 * we can verify, and name https endpoints (http only for an http issuer,
 * which the configuration allows on loopback only).
 */
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/conf.h"
#include "oidc/provider.h"
#include "tap.h"

#include "core/banned.h"

#define ENDPOINTS "\"authorization_endpoint\":\"https://id.example.com/auth\"," \
		  "\"token_endpoint\":\"https://id.example.com/token\","        \
		  "\"jwks_uri\":\"https://id.example.com/jwks\""

static int parse(const char *issuer, const char *doc, struct oidc_provider *p)
{
	static struct conf_oidc c;
	struct buf err = BUF_INIT;
	int rc;

	memset(p, 0, sizeof(*p));
	c.issuer = (char *)issuer;
	p->conf = &c;
	rc = oidc_discovery_parse(p, doc, strlen(doc), &err);
	ok(rc == 0 || err.len > 0, "a refusal says why");
	buf_release(&err);
	return rc;
}

static void clear(struct oidc_provider *p)
{
	free(p->authorization_endpoint);
	free(p->token_endpoint);
	free(p->jwks_uri);
	free(p->userinfo_endpoint);
}

int main(void)
{
	struct oidc_provider p;

	ok(parse("https://id.example.com", "{\"issuer\":\"https://id.example.com\"," ENDPOINTS ","
		 "\"userinfo_endpoint\":\"https://id.example.com/me\",\"code_challenge_methods_supported\":[\"S256\"],"
		 "\"id_token_signing_alg_values_supported\":[\"RS256\"]}", &p) == 0 &&
		   strcmp(p.token_endpoint, "https://id.example.com/token") == 0 && p.userinfo_endpoint && !p.secret_post,
	   "a complete document is read");
	clear(&p);
	ok(parse("https://id.example.com", "{\"issuer\":\"https://id.example.com\"," ENDPOINTS ","
		 "\"token_endpoint_auth_methods_supported\":[\"client_secret_post\"]}", &p) == 0 && p.secret_post,
	   "a provider that takes only client_secret_post gets it");
	clear(&p);
	ok(parse("https://id.example.com", "{\"issuer\":\"https://id.example.com/\"," ENDPOINTS "}", &p) < 0,
	   "another issuer (even by a slash) is refused");
	ok(parse("https://id.example.com", "{\"issuer\":\"https://evil.example\"," ENDPOINTS "}", &p) < 0,
	   "another issuer is refused");
	ok(parse("https://id.example.com", "{\"issuer\":\"https://id.example.com\"," ENDPOINTS ","
		 "\"code_challenge_methods_supported\":[\"plain\"]}", &p) < 0, "no S256 is refused");
	ok(parse("https://id.example.com", "{\"issuer\":\"https://id.example.com\"," ENDPOINTS ","
		 "\"id_token_signing_alg_values_supported\":[\"HS256\",\"none\"]}", &p) < 0,
	   "id_tokens we cannot verify are refused");
	ok(parse("https://id.example.com", "{\"issuer\":\"https://id.example.com\","
		 "\"authorization_endpoint\":\"http://id.example.com/auth\",\"token_endpoint\":\"https://id.example.com/t\","
		 "\"jwks_uri\":\"https://id.example.com/jwks\"}", &p) < 0, "a plain http endpoint of an https issuer is refused");
	ok(parse("https://id.example.com", "{\"issuer\":\"https://id.example.com\","
		 "\"authorization_endpoint\":\"https://id.example.com/auth\"}", &p) < 0, "missing endpoints are refused");
	ok(parse("http://127.0.0.1:9", "{\"issuer\":\"http://127.0.0.1:9\",\"authorization_endpoint\":\"http://127.0.0.1:9/a\","
		 "\"token_endpoint\":\"http://127.0.0.1:9/t\",\"jwks_uri\":\"http://127.0.0.1:9/k\"}", &p) == 0,
	   "an http issuer may have http endpoints");
	clear(&p);
	ok(parse("https://id.example.com", "[1]", &p) < 0, "an array is refused");
	ok(parse("https://id.example.com", "{\"issuer\":", &p) < 0, "truncated JSON is refused");
	return done_testing();
}
