/*
 * The OpenAI images client's pure parts (generation/engine.h): the
 * request body, the prompt with its style and negative prompt folded in
 * each way, and the answer parser on good answers and every way an
 * answer can be wrong (an error with a reason, never images).
 */
#include <string.h>

#include <json-c/json.h>
#include <sodium.h>

#include "core/buf.h"
#include "generation/engine.h"
#include "core/httpc.h"
#include "tap.h"

#include "core/banned.h"

static void test_request(void)
{
	struct buf b = BUF_INIT;
	json_object *o, *v;

	ok(gen_request_body("dall-e-3", "1024x1536", "a \"quoted\" portrait / slash", 4, &b) == 0, "the body is written");
	o = json_tokener_parse(b.ptr);
	ok(o != NULL, "as JSON");
	ok(json_object_object_get_ex(o, "model", &v) && strcmp(json_object_get_string(v), "dall-e-3") == 0, "model");
	ok(json_object_object_get_ex(o, "prompt", &v) &&
		   strcmp(json_object_get_string(v), "a \"quoted\" portrait / slash") == 0,
	   "prompt, escaped and back");
	ok(json_object_object_get_ex(o, "n", &v) && json_object_get_int(v) == 4, "n");
	ok(json_object_object_get_ex(o, "size", &v) && strcmp(json_object_get_string(v), "1024x1536") == 0, "size");
	ok(json_object_object_get_ex(o, "response_format", &v) && strcmp(json_object_get_string(v), "b64_json") == 0,
	   "images come back as base64");
	json_object_put(o);
	buf_release(&b);
}

static void test_prompt(void)
{
	struct gen_prompt p = { "a woman | in rain", "blur | noise", "film", 1 };
	struct buf b = BUF_INIT;

	gen_prompt_text(&p, "text", &b);
	is_str(b.ptr, "a woman | in rain. analog film portrait, 35mm film grain, warm tones. Avoid: blur | noise",
	       "text: style and \"Avoid:\" appended");
	buf_clear(&b);
	gen_prompt_text(&p, "localai", &b);
	is_str(b.ptr, "a woman   in rain. analog film portrait, 35mm film grain, warm tones|blur   noise",
	       "localai: prompt|negative, bars inside either side removed");
	buf_clear(&b);
	gen_prompt_text(&p, "off", &b);
	is_str(b.ptr, "a woman | in rain. analog film portrait, 35mm film grain, warm tones", "off: no negative prompt");
	buf_clear(&b);
	p.style = "nonsense";
	p.negative = "";
	gen_prompt_text(&p, "text", &b);
	is_str(b.ptr, "a woman | in rain", "an unknown style and an empty negative add nothing");
	ok(gen_style_find("photo") && !gen_style_find("") && !gen_style_find("PHOTO"), "styles are found by key");
	buf_release(&b);
}

/* Parse body with at most max images; the status. */
static int parse(const char *body, int max, struct gen_images *out, struct buf *err)
{
	buf_clear(err);
	return gen_response_parse(body, strlen(body), max, out, err);
}

static void test_good(void)
{
	static const unsigned char png[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13 };
	char b64[64], body[512];
	struct gen_images imgs;
	struct buf err = BUF_INIT;

	sodium_bin2base64(b64, sizeof(b64), png, sizeof(png), sodium_base64_VARIANT_ORIGINAL);
	snprintf(body, sizeof(body), "{\"created\":1,\"data\":[{\"b64_json\":\"%s\",\"revised_prompt\":\"x\"},"
		 "{\"url\":\"http://127.0.0.1:9/files/0.png\"},{\"b64_json\":\"%s\"}]}", b64, b64);
	ok(parse(body, 4, &imgs, &err) == GEN_OK && imgs.n == 3, "three images");
	ok(imgs.img[0].len == sizeof(png) && memcmp(imgs.img[0].data, png, sizeof(png)) == 0, "b64_json is decoded");
	ok(imgs.img[1].url && strcmp(imgs.img[1].url, "http://127.0.0.1:9/files/0.png") == 0 && !imgs.img[1].data,
	   "a url is kept for fetching");
	gen_images_release(&imgs);
	ok(parse(body, 2, &imgs, &err) == GEN_OK && imgs.n == 2, "no more than asked for");
	gen_images_release(&imgs);
	ok(imgs.n == 0, "released");
	snprintf(body, sizeof(body), "{\"data\":[{\"b64_json\":\"%.8s\\n%s\"}]}", b64, b64 + 8);
	ok(parse(body, 1, &imgs, &err) == GEN_OK && imgs.img[0].len == sizeof(png), "line breaks in base64 are ignored");
	gen_images_release(&imgs);
	buf_release(&err);
}

static void test_bad(void)
{
	static const struct {
		const char *body, *why;
	} cases[] = {
		{ "", "empty" },
		{ "<html>Bad gateway</html>", "HTML" },
		{ "{\"data\":[]}", "no image" },
		{ "{\"created\":1}", "no data" },
		{ "{\"data\":{}}", "data not an array" },
		{ "[{\"b64_json\":\"AAAA\"}]", "not an object" },
		{ "{\"data\":[1]}", "an item not an object" },
		{ "{\"data\":[{}]}", "an item without an image" },
		{ "{\"data\":[{\"b64_json\":\"\"}]}", "an empty image" },
		{ "{\"data\":[{\"b64_json\":\"***\"}]}", "not base64" },
		{ "{\"data\":[{\"b64_json\":42}]}", "b64_json not a string" },
		{ "{\"data\":[{\"b64_json\":\"AAAA\"},{\"oops\":1}]}", "a bad second item" },
		{ "{\"data\":[{\"b64_json\":\"AAAA\"}]} trailing", "two documents" },
		{ "{\"data\":[[[[[[[[[[[[[1]]]]]]]]]]]]]}", "nested too deeply" },
		{ "{\"error\":{\"message\":\"bad key\"}}", "an error object" },
	};
	struct gen_images imgs;
	struct buf err = BUF_INIT;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc = parse(cases[i].body, 4, &imgs, &err);

		ok(rc == GEN_EANSWER && imgs.n == 0 && err.len > 0, "refused: %s (%s)", cases[i].why, err.ptr ? err.ptr : "");
	}
	buf_release(&err);
}

static void test_hosts(void)
{
	char h[64];

	ok(httpc_url_host("https://API.OpenAI.com/v1", h, sizeof(h)) == 0 && strcmp(h, "api.openai.com") == 0,
	   "the host, lowercase");
	ok(httpc_url_host("http://127.0.0.1:8080", h, sizeof(h)) == 0 && strcmp(h, "127.0.0.1") == 0, "without the port");
	ok(httpc_url_host("http://user:pw@example.org:81/x?y", h, sizeof(h)) == 0 && strcmp(h, "example.org") == 0,
	   "without user info");
	ok(httpc_url_host("http://[::1]:8080/", h, sizeof(h)) == 0 && strcmp(h, "[::1]") == 0, "an IPv6 literal");
	ok(httpc_url_host("http://evil.example@127.0.0.1/", h, sizeof(h)) == 0 && strcmp(h, "127.0.0.1") == 0,
	   "user info cannot pose as the host");
	ok(httpc_url_host("ftp://example.org/", h, sizeof(h)) < 0, "not http(s)");
	ok(httpc_url_host("http:///x", h, sizeof(h)) < 0, "no host");
	ok(httpc_url_host("http://a-very-long-host-name.example.org/", h, 8) < 0, "too long for the room");
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	test_request();
	test_prompt();
	test_good();
	test_bad();
	test_hosts();
	return done_testing();
}
