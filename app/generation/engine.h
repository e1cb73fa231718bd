#ifndef BB_GENERATION_ENGINE_H
#define BB_GENERATION_ENGINE_H
/*
 * A client of a text-to-image engine speaking the OpenAI images API
 * (OpenAI itself, LocalAI and other self-hosted servers):
 *
 *   POST {url}/v1/images/generations
 *   {"model":M,"prompt":P,"n":N,"size":"WxH","response_format":"b64_json"}
 *   -> {"created":T,"data":[{"b64_json":"..."} | {"url":"..."}, ...]}
 *
 * Images come back base64 in the answer; an engine that answers with
 * URLs anyway is followed only to its own host or a host of
 * [generation] allowed_hosts. Every image is checked to start like an
 * image before it is handed on; the caller then runs the upload
 * pipeline on it, which decides for good.
 *
 * A struct gen_engine is read-only after gen_engine_new().
 */
#include <stddef.h>

struct buf;
struct conf;
struct gen_engine;

#define GEN_MAX_IMAGES 4
/* Four large PNGs in base64, and the JSON around them. */
#define GEN_MAX_RESPONSE ((size_t)64 << 20)
#define GEN_MAX_IMAGE_BYTES ((size_t)24 << 20)

enum gen_status {
	GEN_OK = 0,
	GEN_EDOWN = -1,    /* the engine could not be reached or failed (5xx), after retries */
	GEN_ETIMEOUT = -2, /* the engine took longer than [generation] timeout */
	GEN_EREFUSED = -3, /* a 4xx: the engine refused the request (content policy, bad key, ...) */
	GEN_EANSWER = -4,  /* the answer is not images */
	GEN_ENOMEM = -5,
};

/* What a person asked for. style is a key of gen_styles ("" for none). */
struct gen_prompt {
	const char *prompt;
	const char *negative;
	const char *style;
	int n;
};

/* An image of the answer (data, malloc'd), or before fetching, its URL. */
struct gen_image {
	unsigned char *data;
	size_t len;
	char *url;
};

struct gen_images {
	struct gen_image img[GEN_MAX_IMAGES];
	int n;
};

struct gen_style {
	const char *key;   /* form value */
	const char *label; /* msgid */
	const char *text;  /* added to the prompt */
};
extern const struct gen_style gen_styles[];
extern const size_t gen_nstyles;
/* The style called key, or NULL. */
const struct gen_style *gen_style_find(const char *key);

/* A client for the configuration's [generation]; -1 with the reason in
 * err when it names no usable engine. Call before any thread starts. */
int gen_engine_new(const struct conf *c, struct gen_engine **out, struct buf *err);
void gen_engine_free(struct gen_engine *e);
/* The engine's host, as posts record it. */
const char *gen_engine_host(const struct gen_engine *e);

/*
 * Ask for p->n images. GEN_OK with out->n >= 1 images in memory (the
 * caller releases out), or a negative gen_status with the reason in err
 * (out holds nothing then).
 */
int gen_engine_run(const struct gen_engine *e, const struct gen_prompt *p, struct gen_images *out,
		   struct buf *err);
void gen_images_release(struct gen_images *out);

/* The prompt text sent: the prompt, the style, and the negative prompt
 * folded in as negative_mode (text, localai or off) says. */
int gen_prompt_text(const struct gen_prompt *p, const char *negative_mode, struct buf *out);
/* The JSON request body. 0, or -1 when out of memory. */
int gen_request_body(const char *model, const char *size, const char *prompt_text, int n, struct buf *out);
/*
 * Parse an answer of len bytes (any bytes: it comes from the network)
 * into at most max images: b64_json decoded, url kept for fetching.
 * GEN_OK with out->n >= 1, or GEN_EANSWER / GEN_ENOMEM with the reason
 * in err (out holds nothing then).
 */
int gen_response_parse(const char *body, size_t len, int max, struct gen_images *out, struct buf *err);

#endif
