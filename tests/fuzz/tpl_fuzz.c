/*
 * Fuzz target for the template engine: compile and render must never
 * crash, leak or run away, whatever the templates and data.
 *
 * Input: templates separated by 0x1E bytes, then a NUL byte, then JSON
 * data. The templates are named "a", "b", "c"... so that {{>b}} and
 * {{<a}} find each other; "a" is rendered. Without a NUL there is no
 * data (the context is null). Translation sections are answered with
 * "[msgid]", or with a broken template for odd-length msgids so the
 * fallback path runs too.
 */
#include <json-c/json.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/buf.h"
#include "view/tpl.h"

#include "core/banned.h"

#define FUZZ_MAX_TEMPLATES 8

static const char *fuzz_translate(void *ud, const char *msgid, size_t len, size_t *out_len)
{
	struct buf *b = ud;

	buf_clear(b);
	if (buf_putc(b, '[') < 0 || buf_append(b, msgid, len) < 0 ||
	    buf_puts(b, len % 2 ? "{{#" : "]") < 0)
		return NULL;
	*out_len = b->len;
	return b->ptr;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *nul = memchr(p, '\0', size);
	size_t tlen = nul ? (size_t)(nul - p) : size, pos = 0;
	struct json_object *ctx = NULL;
	struct tpl_set *set = tpl_set_new();
	struct buf out = BUF_INIT, err = BUF_INIT, tr = BUF_INIT;
	struct tpl_render_opts opts = { fuzz_translate, &tr };
	bool json_ok = true;

	if (!set)
		return 0;
	/* Small limits: an input that hits them is as interesting at a
	 * thousandth of the cost. */
	tpl_set_limits(set, 100000, 1 << 20);
	for (int i = 0; i < FUZZ_MAX_TEMPLATES && pos <= tlen; i++) {
		const char *sep = memchr(p + pos, 0x1e, tlen - pos);
		size_t end = sep ? (size_t)(sep - p) : tlen;
		char name[2] = { (char)('a' + i), '\0' };

		/* A template that does not compile is simply absent. */
		tpl_set_add(set, name, p + pos, end - pos, &err);
		pos = end + 1;
		if (!sep)
			break;
	}
	if (nul) {
		struct json_tokener *tok = json_tokener_new();

		if (tok) {
			ctx = json_tokener_parse_ex(tok, nul + 1, (int)(size - tlen - 1));
			if (json_tokener_get_error(tok) != json_tokener_success) {
				json_object_put(ctx);
				ctx = NULL;
				json_ok = false;
			}
			json_tokener_free(tok);
		}
	}
	if (json_ok && tpl_set_has(set, "a")) {
		tpl_set_check(set, &err);
		tpl_render(set, "a", ctx, &opts, &out);
		/* A second render runs from the translation cache. */
		buf_clear(&out);
		tpl_render(set, "a", ctx, &opts, &out);
	}
	json_object_put(ctx);
	tpl_set_free(set);
	buf_release(&out);
	buf_release(&err);
	buf_release(&tr);
	return 0;
}
