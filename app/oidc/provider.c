#include "oidc/provider.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/buf.h"
#include "core/conf.h"
#include "core/log.h"
#include "core/httpc.h"
#include "core/json.h"
#include "core/banned.h"

#define OIDC_MAX_DISCOVERY (64 * 1024)
#define OIDC_URL_MAX 2048

struct oidc_set *oidc_set_new(const struct conf *c)
{
	struct oidc_set *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->providers = calloc((size_t)(c->n_oidc ? c->n_oidc : 1), sizeof(*s->providers));
	if (!s->providers) {
		free(s);
		return NULL;
	}
	s->n = c->n_oidc;
	for (int i = 0; i < s->n; i++) {
		s->providers[i].conf = &c->oidc[i];
		snprintf(s->providers[i].error, sizeof(s->providers[i].error), "not discovered yet");
	}
	return s;
}

static void oidc_provider_clear(struct oidc_provider *p)
{
	free(p->authorization_endpoint);
	free(p->token_endpoint);
	free(p->jwks_uri);
	free(p->userinfo_endpoint);
	p->authorization_endpoint = p->token_endpoint = p->jwks_uri = p->userinfo_endpoint = NULL;
	jwks_clear(&p->keys);
	p->ready = false;
}

void oidc_set_free(struct oidc_set *s)
{
	if (!s)
		return;
	for (int i = 0; i < s->n; i++)
		oidc_provider_clear(&s->providers[i]);
	free(s->providers);
	free(s);
}

struct oidc_provider *oidc_find(struct oidc_set *s, const char *name)
{
	for (int i = 0; s && i < s->n; i++)
		if (strcmp(s->providers[i].conf->name, name) == 0)
			return &s->providers[i];
	return NULL;
}

/* Whether array key of o lists word; absent arrays list everything. */
static bool oidc_json_lists(json_object *o, const char *key, const char *word)
{
	json_object *a;

	if (!json_object_object_get_ex(o, key, &a))
		return true;
	if (!json_object_is_type(a, json_type_array))
		return false;
	for (size_t i = 0; i < json_object_array_length(a); i++) {
		json_object *v = json_object_array_get_idx(a, i);

		if (json_object_is_type(v, json_type_string) && strcmp(json_object_get_string(v), word) == 0)
			return true;
	}
	return false;
}

/* An endpoint of the document: https, or http when the issuer is. */
static char *oidc_endpoint(json_object *doc, const char *key, const char *issuer, struct buf *err)
{
	const char *v = json_str(doc, key);
	bool plain = strncmp(issuer, "http://", 7) == 0;
	char *copy;

	if (!v || strlen(v) > OIDC_URL_MAX ||
	    (strncmp(v, "https://", 8) != 0 && !(plain && strncmp(v, "http://", 7) == 0))) {
		buf_printf(err, "%s is missing or not an %s URL", key, plain ? "http(s)" : "https");
		return NULL;
	}
	copy = strdup(v);
	if (!copy)
		buf_puts(err, "out of memory");
	return copy;
}

int oidc_discovery_parse(struct oidc_provider *p, const char *json, size_t len, struct buf *err)
{
	const char *issuer = p->conf->issuer, *got;
	json_object *doc;
	int rc = -1;

	if (len > OIDC_MAX_DISCOVERY) {
		buf_puts(err, "the discovery document is too large");
		return -1;
	}
	doc = json_parse_exact(json, len, 16);
	if (doc && !json_object_is_type(doc, json_type_object)) {
		json_object_put(doc);
		doc = NULL;
	}
	if (!doc) {
		buf_puts(err, "the discovery document is not a JSON object");
		return -1;
	}
	got = json_str(doc, "issuer");
	if (!got || strcmp(got, issuer) != 0) {
		buf_printf(err, "the discovery document is for issuer \"%.200s\", not \"%s\"", got ? got : "", issuer);
		goto done;
	}
	if (!oidc_json_lists(doc, "response_types_supported", "code")) {
		buf_puts(err, "the provider does not offer the authorization code flow");
		goto done;
	}
	if (!oidc_json_lists(doc, "code_challenge_methods_supported", "S256")) {
		buf_puts(err, "the provider does not offer PKCE with S256");
		goto done;
	}
	if (!oidc_json_lists(doc, "id_token_signing_alg_values_supported", "RS256") &&
	    !oidc_json_lists(doc, "id_token_signing_alg_values_supported", "ES256")) {
		buf_puts(err, "the provider signs id_tokens with neither RS256 nor ES256");
		goto done;
	}
	oidc_provider_clear(p);
	p->authorization_endpoint = oidc_endpoint(doc, "authorization_endpoint", issuer, err);
	p->token_endpoint = p->authorization_endpoint ? oidc_endpoint(doc, "token_endpoint", issuer, err) : NULL;
	p->jwks_uri = p->token_endpoint ? oidc_endpoint(doc, "jwks_uri", issuer, err) : NULL;
	if (!p->jwks_uri) {
		oidc_provider_clear(p);
		goto done;
	}
	if (json_str(doc, "userinfo_endpoint")) {
		p->userinfo_endpoint = oidc_endpoint(doc, "userinfo_endpoint", issuer, err);
		if (!p->userinfo_endpoint) {
			oidc_provider_clear(p);
			goto done;
		}
	}
	p->secret_post = !oidc_json_lists(doc, "token_endpoint_auth_methods_supported", "client_secret_basic") &&
			 oidc_json_lists(doc, "token_endpoint_auth_methods_supported", "client_secret_post");
	rc = 0;
done:
	json_object_put(doc);
	return rc;
}

static int oidc_get(const char *url, size_t max, struct buf *body, struct buf *err)
{
	struct httpc_request req = { .method = "GET", .url = url, .timeout_ms = OIDC_TIMEOUT_MS, .max_response = max };
	struct httpc_response res = { 0, BUF_INIT, 0 };

	if (httpc_fetch(&req, &res, err) != HTTPC_OK) {
		buf_release(&res.body);
		return -1;
	}
	*body = res.body;
	return 0;
}

static int oidc_fetch_keys(struct oidc_provider *p, long long now, struct buf *err)
{
	struct buf body = BUF_INIT;
	struct jwks fresh;
	int rc;

	p->keys_at = now;
	if (oidc_get(p->jwks_uri, JWKS_MAX_DOCUMENT, &body, err) < 0)
		return -1;
	rc = jwks_parse(body.ptr ? body.ptr : "", body.len, &fresh, err);
	buf_release(&body);
	if (rc < 0)
		return -1;
	jwks_clear(&p->keys);
	p->keys = fresh;
	return 0;
}

static int oidc_discover(struct oidc_provider *p, long long now)
{
	struct buf url = BUF_INIT, body = BUF_INIT, err = BUF_INIT;
	size_t n = strlen(p->conf->issuer);
	int rc = -1;

	p->tried_at = now;
	if (n > 0 && p->conf->issuer[n - 1] == '/')
		n--;
	if (buf_printf(&url, "%.*s/.well-known/openid-configuration", (int)n, p->conf->issuer) < 0)
		goto done;
	if (oidc_get(url.ptr, OIDC_MAX_DISCOVERY, &body, &err) < 0 ||
	    oidc_discovery_parse(p, body.ptr ? body.ptr : "", body.len, &err) < 0 ||
	    oidc_fetch_keys(p, now, &err) < 0)
		goto done;
	p->ready = true;
	p->error[0] = '\0';
	rc = 0;
done:
	if (rc < 0) {
		oidc_provider_clear(p);
		snprintf(p->error, sizeof(p->error), "%s", err.ptr ? err.ptr : "out of memory");
	}
	buf_release(&url);
	buf_release(&body);
	buf_release(&err);
	return rc;
}

void oidc_set_discover(struct oidc_set *s)
{
	struct buf err = BUF_INIT;

	if (s && s->n && httpc_global_init(&err) < 0)
		log_error("event=oidc_discovery_failed error=\"%s\"", err.ptr ? err.ptr : "");
	buf_release(&err);
	for (int i = 0; s && i < s->n; i++) {
		struct oidc_provider *p = &s->providers[i];

		if (oidc_discover(p, (long long)time(NULL)) == 0)
			log_info("event=oidc_discovered provider=%s issuer=\"%s\" keys=%zu", p->conf->name,
				 p->conf->issuer, p->keys.n);
		else
			log_warn("event=oidc_discovery_failed provider=%s issuer=\"%s\" error=\"%s\"", p->conf->name,
				 p->conf->issuer, p->error);
	}
}

int oidc_provider_ready(struct oidc_provider *p, long long now)
{
	if (p->ready)
		return 0;
	if (now - p->tried_at < OIDC_RETRY_AFTER)
		return -1;
	if (oidc_discover(p, now) < 0) {
		log_warn("event=oidc_discovery_failed provider=%s issuer=\"%s\" error=\"%s\"", p->conf->name,
			 p->conf->issuer, p->error);
		return -1;
	}
	log_info("event=oidc_discovered provider=%s issuer=\"%s\" keys=%zu", p->conf->name, p->conf->issuer,
		 p->keys.n);
	return 0;
}

int oidc_provider_refresh_keys(struct oidc_provider *p, long long now)
{
	struct buf err = BUF_INIT;
	int rc;

	if (!p->ready || now - p->keys_at < OIDC_KEYS_MIN_INTERVAL)
		return -1;
	rc = oidc_fetch_keys(p, now, &err);
	if (rc < 0)
		log_warn("event=oidc_keys_failed provider=%s error=\"%s\"", p->conf->name, err.ptr ? err.ptr : "");
	else
		log_info("event=oidc_keys_refreshed provider=%s keys=%zu", p->conf->name, p->keys.n);
	buf_release(&err);
	return rc;
}
