#ifndef BB_OIDC_PROVIDER_H
#define BB_OIDC_PROVIDER_H
/*
 * The configured OpenID Connect providers and what each process knows of
 * them: the endpoints of the issuer's discovery document and its signing
 * keys. The pool's master discovers every provider at start, so workers
 * begin with both; a provider that was down is discovered again on use
 * (at most every OIDC_RETRY_AFTER seconds), and the key set is fetched
 * again when a token names a key it lacks (at most every
 * OIDC_KEYS_MIN_INTERVAL seconds, so forged kids cannot make us hammer
 * the provider).
 */
#include <stdbool.h>

#include "oidc/jwks.h"

struct buf;
struct conf;
struct conf_oidc;

#define OIDC_RETRY_AFTER 5
#define OIDC_KEYS_MIN_INTERVAL 60
#define OIDC_TIMEOUT_MS 5000L

struct oidc_provider {
	const struct conf_oidc *conf;
	bool ready;              /* discovered and keys loaded */
	long long tried_at;      /* last discovery attempt */
	long long keys_at;       /* last key set fetch */
	char *authorization_endpoint;
	char *token_endpoint;
	char *jwks_uri;
	char *userinfo_endpoint; /* NULL when the provider has none */
	bool secret_post;        /* the provider takes client_secret_post only */
	struct jwks keys;
	char error[256];         /* why it is not ready, for logs */
};

struct oidc_set {
	struct oidc_provider *providers;
	int n;
};

struct oidc_set *oidc_set_new(const struct conf *c);
void oidc_set_free(struct oidc_set *s);
/* Discover every provider now, logging each result. */
void oidc_set_discover(struct oidc_set *s);
struct oidc_provider *oidc_find(struct oidc_set *s, const char *name);

/* 0 when the provider is ready, discovering it if it is not and the
 * last attempt is old enough; -1 (reason in p->error) otherwise. */
int oidc_provider_ready(struct oidc_provider *p, long long now);
/* Fetch the key set again unless that was done too recently; 0 when a
 * new key set was loaded. */
int oidc_provider_refresh_keys(struct oidc_provider *p, long long now);

/* Parse a discovery document into p after checking it is the
 * configured issuer's; exposed for tests and fuzzing. */
int oidc_discovery_parse(struct oidc_provider *p, const char *json, size_t len, struct buf *err);

#endif
