/*
 * The OpenAI images API client (engine.h): JSON out with json-c, JSON in
 * with json-c, HTTP with core/httpc.
 */
#include "generation/engine.h"

#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <sodium.h>

#include "core/buf.h"
#include "core/json_write.h"
#include "core/conf.h"
#include "i18n/i18n.h"
#include "media/image.h"
#include "core/httpc.h"
#include "core/banned.h"

#define GEN_HOST_MAX 256
#define GEN_MAX_HOSTS 16
#define GEN_MAX_NEST 8

const struct gen_style gen_styles[] = {
	{ "photo", N_("Photo"), "photorealistic portrait photograph, soft natural light, 85mm lens" },
	{ "film", N_("Film"), "analog film portrait, 35mm film grain, warm tones" },
	{ "painting", N_("Painting"), "oil painting portrait, visible brush strokes, classical lighting" },
	{ "anime", N_("Anime"), "anime style portrait illustration, clean line art, soft colours" },
};
const size_t gen_nstyles = sizeof(gen_styles) / sizeof(gen_styles[0]);

const struct gen_style *gen_style_find(const char *key)
{
	for (size_t i = 0; i < gen_nstyles; i++)
		if (strcmp(gen_styles[i].key, key) == 0)
			return &gen_styles[i];
	return NULL;
}

struct gen_engine {
	char *url; /* base, without a trailing slash */
	char *api_key;
	char *model;
	char *size;
	char *negative_mode;
	long timeout_ms;
	int retries;
	size_t max_image;
	char host[GEN_HOST_MAX];
	char hosts[GEN_MAX_HOSTS][GEN_HOST_MAX]; /* allowed for image URLs */
	int nhosts;
};

/* The comma-separated hosts of list into e->hosts. */
static void gen_engine_hosts(struct gen_engine *e, const char *list)
{
	while (*list && e->nhosts < GEN_MAX_HOSTS) {
		size_t n = strcspn(list, ",");
		size_t a = 0, b = n;

		while (a < b && (list[a] == ' ' || list[a] == '\t'))
			a++;
		while (b > a && (list[b - 1] == ' ' || list[b - 1] == '\t'))
			b--;
		if (b > a && b - a < GEN_HOST_MAX) {
			for (size_t i = a; i < b; i++)
				e->hosts[e->nhosts][i - a] = (char)(list[i] >= 'A' && list[i] <= 'Z' ? list[i] + 32 : list[i]);
			e->hosts[e->nhosts][b - a] = '\0';
			e->nhosts++;
		}
		list += n;
		if (*list == ',')
			list++;
	}
}

int gen_engine_new(const struct conf *c, struct gen_engine **out, struct buf *err)
{
	struct gen_engine *e;
	size_t n;

	*out = NULL;
	if (httpc_global_init(err) < 0)
		return -1;
	e = calloc(1, sizeof(*e));
	if (!e)
		goto nomem;
	if (!(e->url = strdup(c->gen_url)) || !(e->api_key = strdup(c->gen_api_key)) ||
	    !(e->model = strdup(c->gen_model)) || !(e->size = strdup(c->gen_size)) ||
	    !(e->negative_mode = strdup(c->gen_negative_prompt)))
		goto nomem;
	n = strlen(e->url);
	while (n > 0 && e->url[n - 1] == '/')
		e->url[--n] = '\0';
	/* A base URL given with the path is fine too. */
	if (n >= 22 && strcmp(e->url + n - 22, "/v1/images/generations") == 0)
		e->url[n - 22] = '\0';
	else if (n >= 3 && strcmp(e->url + n - 3, "/v1") == 0)
		e->url[n - 3] = '\0';
	if (httpc_url_host(e->url, e->host, sizeof(e->host)) < 0) {
		buf_puts(err, "[generation] url must be an http:// or https:// URL");
		gen_engine_free(e);
		return -1;
	}
	memcpy(e->hosts[0], e->host, sizeof(e->host));
	e->nhosts = 1;
	gen_engine_hosts(e, c->gen_allowed_hosts);
	e->timeout_ms = (long)c->gen_timeout * 1000L;
	e->retries = c->gen_retries;
	e->max_image = c->max_upload_bytes < GEN_MAX_IMAGE_BYTES ? c->max_upload_bytes : GEN_MAX_IMAGE_BYTES;
	*out = e;
	return 0;
nomem:
	gen_engine_free(e);
	buf_puts(err, "out of memory");
	return -1;
}

void gen_engine_free(struct gen_engine *e)
{
	if (!e)
		return;
	free(e->url);
	free(e->api_key);
	free(e->model);
	free(e->size);
	free(e->negative_mode);
	free(e);
}

const char *gen_engine_host(const struct gen_engine *e)
{
	return e->host;
}

void gen_images_release(struct gen_images *out)
{
	for (int i = 0; i < out->n && i < GEN_MAX_IMAGES; i++) {
		free(out->img[i].data);
		free(out->img[i].url);
	}
	memset(out, 0, sizeof(*out));
}

/* Append s with every '|' made a space (LocalAI splits on it). */
static int gen_put_plain(struct buf *out, const char *s, int keep_bars)
{
	for (; *s; s++)
		if (buf_putc(out, *s == '|' && !keep_bars ? ' ' : *s) < 0)
			return -1;
	return 0;
}

int gen_prompt_text(const struct gen_prompt *p, const char *negative_mode, struct buf *out)
{
	const struct gen_style *st = p->style ? gen_style_find(p->style) : NULL;
	int localai = strcmp(negative_mode, "localai") == 0;
	int rc = gen_put_plain(out, p->prompt, !localai);

	if (rc == 0 && st)
		rc = buf_printf(out, ". %s", st->text);
	if (rc < 0 || !p->negative || !p->negative[0] || strcmp(negative_mode, "off") == 0)
		return rc;
	if (localai)
		return buf_putc(out, '|') < 0 ? -1 : gen_put_plain(out, p->negative, 0);
	return buf_puts(out, ". Avoid: ") < 0 ? -1 : gen_put_plain(out, p->negative, 1);
}

int gen_request_body(const char *model, const char *size, const char *prompt_text, int n, struct buf *out)
{
	struct json_object *o = json_object_new_object();
	int rc = -1;

	if (!o)
		return -1;
	if (json_object_object_add(o, "model", json_object_new_string(model)) == 0 &&
	    json_object_object_add(o, "prompt", json_object_new_string(prompt_text)) == 0 &&
	    json_object_object_add(o, "n", json_object_new_int(n)) == 0 &&
	    json_object_object_add(o, "size", json_object_new_string(size)) == 0 &&
	    json_object_object_add(o, "response_format", json_object_new_string("b64_json")) == 0)
		rc = json_write(out, o);
	json_object_put(o);
	return rc;
}

/* One item of "data" into img. */
static int gen_parse_item(json_object *item, struct gen_image *img, struct buf *err)
{
	json_object *v;

	if (!json_object_is_type(item, json_type_object)) {
		buf_puts(err, "an item of \"data\" is not an object");
		return GEN_EANSWER;
	}
	if (json_object_object_get_ex(item, "b64_json", &v) && json_object_is_type(v, json_type_string)) {
		const char *s = json_object_get_string(v);
		size_t n = (size_t)json_object_get_string_len(v), cap = n / 4 * 3 + 3, got = 0;

		if (n == 0) {
			buf_puts(err, "an image is empty");
			return GEN_EANSWER;
		}
		img->data = malloc(cap);
		if (!img->data) {
			buf_puts(err, "out of memory");
			return GEN_ENOMEM;
		}
		if (sodium_base642bin(img->data, cap, s, n, " \r\n", &got, NULL, sodium_base64_VARIANT_ORIGINAL) != 0 ||
		    got == 0) {
			buf_puts(err, "an image is not valid base64");
			return GEN_EANSWER;
		}
		img->len = got;
		return GEN_OK;
	}
	if (json_object_object_get_ex(item, "url", &v) && json_object_is_type(v, json_type_string)) {
		img->url = strdup(json_object_get_string(v));
		if (!img->url) {
			buf_puts(err, "out of memory");
			return GEN_ENOMEM;
		}
		return GEN_OK;
	}
	buf_puts(err, "an item of \"data\" has neither b64_json nor url");
	return GEN_EANSWER;
}

int gen_response_parse(const char *body, size_t len, int max, struct gen_images *out, struct buf *err)
{
	struct json_tokener *tok;
	json_object *root = NULL, *data;
	int rc = GEN_EANSWER;
	size_t n;

	memset(out, 0, sizeof(*out));
	if (max > GEN_MAX_IMAGES)
		max = GEN_MAX_IMAGES;
	if (len > GEN_MAX_RESPONSE || len > INT32_MAX) {
		buf_puts(err, "the answer is too large");
		return GEN_EANSWER;
	}
	tok = json_tokener_new_ex(GEN_MAX_NEST);
	if (!tok) {
		buf_puts(err, "out of memory");
		return GEN_ENOMEM;
	}
	root = json_tokener_parse_ex(tok, body, (int)len);
	if (!root || json_tokener_get_error(tok) != json_tokener_success || json_tokener_get_parse_end(tok) != len) {
		buf_puts(err, "the answer is not one JSON document");
		goto out;
	}
	if (!json_object_is_type(root, json_type_object) || !json_object_object_get_ex(root, "data", &data) ||
	    !json_object_is_type(data, json_type_array)) {
		buf_puts(err, "the answer has no \"data\" array");
		goto out;
	}
	n = json_object_array_length(data);
	if (n == 0) {
		buf_puts(err, "the answer holds no image");
		goto out;
	}
	for (size_t i = 0; i < n && out->n < max; i++) {
		rc = gen_parse_item(json_object_array_get_idx(data, i), &out->img[out->n], err);
		out->n++;
		if (rc != GEN_OK)
			goto out;
	}
	rc = GEN_OK;
out:
	if (rc != GEN_OK)
		gen_images_release(out);
	json_object_put(root);
	json_tokener_free(tok);
	return rc;
}

/* --- HTTP */

static int gen_status_of(int httpc)
{
	switch (httpc) {
	case HTTPC_OK: return GEN_OK;
	case HTTPC_EDOWN: return GEN_EDOWN;
	case HTTPC_ETIMEOUT: return GEN_ETIMEOUT;
	case HTTPC_ENOMEM: return GEN_ENOMEM;
	case HTTPC_ETOOBIG: return GEN_EANSWER;
	default: return GEN_EREFUSED;
	}
}

static int gen_host_allowed(const struct gen_engine *e, const char *url)
{
	char host[GEN_HOST_MAX];

	if (httpc_url_host(url, host, sizeof(host)) < 0)
		return 0;
	for (int i = 0; i < e->nhosts; i++)
		if (strcmp(e->hosts[i], host) == 0)
			return 1;
	return 0;
}

/* Replace img's URL by the bytes it names. */
static int gen_fetch_url(const struct gen_engine *e, struct gen_image *img, struct buf *err)
{
	struct httpc_request q = { 0 };
	struct httpc_response res = { 0, BUF_INIT, 0 };
	int rc;

	if (!gen_host_allowed(e, img->url)) {
		buf_puts(err, "an image URL is on a host that is not in [generation] allowed_hosts");
		return GEN_EANSWER;
	}
	q.method = "GET";
	q.url = img->url;
	q.user_agent = "BeauBelle-generation";
	q.timeout_ms = e->timeout_ms;
	q.retries = e->retries;
	q.max_response = e->max_image;
	rc = gen_status_of(httpc_fetch(&q, &res, err));
	if (rc == GEN_EREFUSED)
		rc = GEN_EANSWER; /* a missing file is a bad answer, not a refusal */
	if (rc == GEN_OK) {
		img->data = (unsigned char *)res.body.ptr;
		img->len = res.body.len;
		res.body.ptr = NULL; /* now img's */
		free(img->url);
		img->url = NULL;
	}
	buf_release(&res.body);
	return rc;
}

int gen_engine_run(const struct gen_engine *e, const struct gen_prompt *p, struct gen_images *out, struct buf *err)
{
	struct buf url = BUF_INIT, text = BUF_INIT, body = BUF_INIT;
	struct httpc_request q = { 0 };
	struct httpc_response res = { 0, BUF_INIT, 0 };
	int rc = GEN_ENOMEM;

	memset(out, 0, sizeof(*out));
	if (buf_printf(&url, "%s/v1/images/generations", e->url) < 0 || gen_prompt_text(p, e->negative_mode, &text) < 0 ||
	    gen_request_body(e->model, e->size, text.ptr ? text.ptr : "", p->n, &body) < 0) {
		buf_puts(err, "out of memory");
		goto out;
	}
	q.method = "POST";
	q.url = url.ptr;
	q.content_type = "application/json";
	q.bearer = e->api_key;
	q.user_agent = "BeauBelle-generation";
	q.body = body.ptr;
	q.body_len = body.len;
	q.timeout_ms = e->timeout_ms;
	q.retries = e->retries;
	q.max_response = GEN_MAX_RESPONSE;
	rc = gen_status_of(httpc_fetch(&q, &res, err));
	if (rc != GEN_OK)
		goto out;
	rc = gen_response_parse(res.body.ptr ? res.body.ptr : "", res.body.len, p->n, out, err);
	for (int i = 0; rc == GEN_OK && i < out->n; i++) {
		struct gen_image *img = &out->img[i];

		if (img->url)
			rc = gen_fetch_url(e, img, err);
		if (rc == GEN_OK && (img->len > e->max_image || img_sniff(img->data, img->len) == IMG_FORMAT_NONE)) {
			buf_printf(err, "image %d is not an image (or is too large)", i + 1);
			rc = GEN_EANSWER;
		}
	}
	if (rc != GEN_OK)
		gen_images_release(out);
out:
	buf_release(&url);
	buf_release(&text);
	buf_release(&body);
	buf_release(&res.body);
	return rc;
}
