/*
 * The KServe v2 REST client (remote.h): JSON out with buf, JSON in with
 * json-c, HTTP with libcurl.
 */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "core/buf.h"
#include "moderation/remote.h"
#include "core/httpc.h"

#include "core/banned.h"

#define MOD_REMOTE_MAX_COUNT ((size_t)1 << 26)
/* Nested "data" arrays deeper than this are refused (json-c's own
 * limit on nesting is 32). */
#define MOD_REMOTE_MAX_NEST 8

struct mod_remote {
	char *url; /* without a trailing slash */
	long timeout_ms;
	int retries;
};

int mod_remote_new(const char *url, int timeout_s, int retries, struct mod_remote **out,
		   struct buf *err)
{
	struct mod_remote *r;
	size_t n = strlen(url);

	*out = NULL;
	if (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0) {
		buf_puts(err, "remote_url must be an http:// or https:// URL");
		return -1;
	}
	/* at start-up, before any thread: curl_global_init is not thread-safe */
	if (httpc_global_init(err) < 0)
		return -1;
	r = calloc(1, sizeof(*r));
	if (!r || !(r->url = strdup(url))) {
		free(r);
		buf_puts(err, "out of memory");
		return -1;
	}
	while (n > 0 && r->url[n - 1] == '/')
		r->url[--n] = '\0';
	r->timeout_ms = (long)timeout_s * 1000L;
	r->retries = retries < 0 ? 0 : retries;
	*out = r;
	return 0;
}

void mod_remote_free(struct mod_remote *r)
{
	if (!r)
		return;
	free(r->url);
	free(r);
}

size_t mod_remote_count(const struct mod_remote_tensor *t)
{
	size_t n = 1;

	if (t->ndim < 1 || t->ndim > MOD_REMOTE_MAX_DIMS)
		return 0;
	for (int i = 0; i < t->ndim; i++) {
		if (t->shape[i] <= 0 || (uint64_t)t->shape[i] > MOD_REMOTE_MAX_COUNT)
			return 0;
		n *= (size_t)t->shape[i];
		if (n > MOD_REMOTE_MAX_COUNT)
			return 0;
	}
	return n;
}

int mod_remote_request(const struct mod_remote_tensor *in, struct buf *body)
{
	size_t n = mod_remote_count(in);
	char num[32];

	if (n == 0 || buf_printf(body, "{\"inputs\":[{\"name\":\"%s\",\"shape\":[",
				 in->name ? in->name : "input") < 0)
		return -1;
	for (int i = 0; i < in->ndim; i++)
		if (buf_printf(body, i ? ",%lld" : "%lld", (long long)in->shape[i]) < 0)
			return -1;
	if (buf_puts(body, "],\"datatype\":\"FP32\",\"data\":[") < 0 || buf_grow(body, n * 12) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		/* nine significant digits bring a float back bit for bit */
		int len = snprintf(num, sizeof(num), i ? ",%.9g" : "%.9g", (double)in->data[i]);

		if (len <= 0 || (size_t)len >= sizeof(num) || buf_append(body, num, (size_t)len) < 0)
			return -1;
	}
	return buf_puts(body, "]}]}");
}

/* --- parsing the answer */

/* Append the numbers of a (possibly nested) JSON array to dst. */
static int mod_remote_flatten(json_object *a, int depth, float *dst, size_t cap, size_t *n,
			      struct buf *err)
{
	size_t len = json_object_array_length(a);

	if (depth > MOD_REMOTE_MAX_NEST) {
		buf_puts(err, "\"data\" is nested too deeply");
		return -1;
	}
	for (size_t i = 0; i < len; i++) {
		json_object *v = json_object_array_get_idx(a, i);
		enum json_type t = json_object_get_type(v);
		double d;

		if (t == json_type_array) {
			if (mod_remote_flatten(v, depth + 1, dst, cap, n, err) < 0)
				return -1;
			continue;
		}
		if (t != json_type_double && t != json_type_int) {
			buf_puts(err, "\"data\" holds something that is not a number");
			return -1;
		}
		d = json_object_get_double(v);
		if (!isfinite(d) || fabs(d) > FLT_MAX) {
			buf_puts(err, "\"data\" holds a number that is not a finite float");
			return -1;
		}
		if (*n >= cap) {
			buf_puts(err, "\"data\" has more elements than the shape");
			return -1;
		}
		dst[(*n)++] = (float)d;
	}
	return 0;
}

static const char *mod_remote_shape_str(const struct mod_remote_tensor *t, char *s, size_t cap)
{
	size_t off = 0;

	s[0] = '\0';
	for (int i = 0; i < t->ndim && off < cap; i++) {
		int w = snprintf(s + off, cap - off, i ? ",%lld" : "%lld", (long long)t->shape[i]);

		if (w < 0)
			break;
		off += (size_t)w;
	}
	return s;
}

/* One output object o checked against and read into t. */
static int mod_remote_output(json_object *o, struct mod_remote_tensor *t, struct buf *err)
{
	json_object *shape, *dtype, *data;
	size_t n = mod_remote_count(t), got = 0;
	char want[64];

	if (!json_object_object_get_ex(o, "shape", &shape) ||
	    !json_object_is_type(shape, json_type_array) ||
	    !json_object_object_get_ex(o, "datatype", &dtype) ||
	    !json_object_is_type(dtype, json_type_string) ||
	    !json_object_object_get_ex(o, "data", &data) ||
	    !json_object_is_type(data, json_type_array)) {
		buf_puts(err, "an output lacks shape, datatype or data");
		return -1;
	}
	if (strcmp(json_object_get_string(dtype), "FP32") != 0) {
		buf_printf(err, "output datatype is %.32s, not FP32", json_object_get_string(dtype));
		return -1;
	}
	mod_remote_shape_str(t, want, sizeof(want));
	if (json_object_array_length(shape) != (size_t)t->ndim) {
		buf_printf(err, "output shape is not [%s]", want);
		return -1;
	}
	for (int i = 0; i < t->ndim; i++) {
		json_object *d = json_object_array_get_idx(shape, (size_t)i);

		if (!json_object_is_type(d, json_type_int) || json_object_get_int64(d) != t->shape[i]) {
			buf_printf(err, "output shape is not [%s]", want);
			return -1;
		}
	}
	if (mod_remote_flatten(data, 0, t->data, n, &got, err) < 0)
		return -1;
	if (got != n) {
		buf_printf(err, "output data has %zu elements, not %zu", got, n);
		return -1;
	}
	return 0;
}

/* The output called name, or with name NULL the only one. */
static json_object *mod_remote_find(json_object *outputs, const char *name)
{
	size_t len = json_object_array_length(outputs);

	if (!name)
		return len == 1 ? json_object_array_get_idx(outputs, 0) : NULL;
	for (size_t i = 0; i < len; i++) {
		json_object *o = json_object_array_get_idx(outputs, i), *nm;

		if (json_object_is_type(o, json_type_object) &&
		    json_object_object_get_ex(o, "name", &nm) &&
		    json_object_is_type(nm, json_type_string) &&
		    strcmp(json_object_get_string(nm), name) == 0)
			return o;
	}
	return NULL;
}

int mod_remote_parse(const char *body, size_t len, struct mod_remote_tensor *out, int nout,
		     struct buf *err)
{
	struct json_tokener *tok;
	json_object *root = NULL, *outputs;
	int rc = MOD_REMOTE_EANSWER;

	if (len > MOD_REMOTE_MAX_RESPONSE || len > INT32_MAX) {
		buf_puts(err, "the answer is too large");
		return MOD_REMOTE_EANSWER;
	}
	tok = json_tokener_new_ex(MOD_REMOTE_MAX_NEST + 4);
	if (!tok) {
		buf_puts(err, "out of memory");
		return MOD_REMOTE_ENOMEM;
	}
	root = json_tokener_parse_ex(tok, body, (int)len);
	if (!root || json_tokener_get_error(tok) != json_tokener_success ||
	    json_tokener_get_parse_end(tok) != len) {
		buf_puts(err, "the answer is not one JSON document");
		goto out;
	}
	if (!json_object_is_type(root, json_type_object) ||
	    !json_object_object_get_ex(root, "outputs", &outputs) ||
	    !json_object_is_type(outputs, json_type_array)) {
		buf_puts(err, "the answer has no \"outputs\" array");
		goto out;
	}
	for (int i = 0; i < nout; i++) {
		json_object *o = mod_remote_find(outputs, out[i].name);

		if (!o || !json_object_is_type(o, json_type_object)) {
			buf_printf(err, "the answer has no output %s",
				   out[i].name ? out[i].name : "(a single one)");
			goto out;
		}
		if (mod_remote_output(o, &out[i], err) < 0)
			goto out;
	}
	rc = MOD_REMOTE_OK;
out:
	json_object_put(root);
	json_tokener_free(tok);
	return rc;
}

/* --- HTTP (core/httpc.h) */

int mod_remote_infer(const struct mod_remote *r, const char *model,
		     const struct mod_remote_tensor *in, struct mod_remote_tensor *out, int nout,
		     struct buf *err)
{
	struct buf url = BUF_INIT, body = BUF_INIT, why = BUF_INIT;
	struct httpc_response res = { 0, BUF_INIT, 0 };
	struct httpc_request req = { 0 };
	int rc = MOD_REMOTE_ENOMEM;

	if (buf_printf(&url, "%s/v2/models/%s/infer", r->url, model) < 0 ||
	    mod_remote_request(in, &body) < 0) {
		buf_puts(err, "out of memory");
		goto out;
	}
	req.method = "POST";
	req.url = url.ptr;
	req.content_type = "application/json";
	req.user_agent = "BeauBelle-moderation";
	req.body = body.ptr;
	req.body_len = body.len;
	req.timeout_ms = r->timeout_ms;
	req.retries = r->retries;
	req.max_response = MOD_REMOTE_MAX_RESPONSE;
	switch (httpc_fetch(&req, &res, &why)) {
	case HTTPC_OK:
		rc = mod_remote_parse(res.body.ptr ? res.body.ptr : "", res.body.len, out, nout, &why);
		if (rc != MOD_REMOTE_OK)
			buf_printf(err, "%s: ", model);
		break;
	case HTTPC_EDOWN:
	case HTTPC_ETIMEOUT:
		rc = MOD_REMOTE_EFAIL;
		break;
	case HTTPC_ENOMEM:
		rc = MOD_REMOTE_ENOMEM;
		break;
	default:
		rc = MOD_REMOTE_EANSWER;
		break;
	}
	if (rc != MOD_REMOTE_OK)
		buf_puts(err, why.ptr ? why.ptr : "failed");
out:
	buf_release(&url);
	buf_release(&body);
	buf_release(&why);
	buf_release(&res.body);
	return rc;
}
