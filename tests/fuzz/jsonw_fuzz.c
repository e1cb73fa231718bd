/*
 * json_write on whatever json-c parses from arbitrary bytes: no crash,
 * and the very text json-c writes for the same value.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "core/buf.h"
#include "core/json_write.h"

#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *o;
	struct buf b = BUF_INIT;

	if (!tok)
		return 0;
	o = json_tokener_parse_ex(tok, (const char *)data, (int)(size > INT32_MAX ? INT32_MAX : size));
	if (o) {
		const char *want = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
								      JSON_C_TO_STRING_NOSLASHESCAPE);

		if (json_write(&b, o) < 0 || strlen(want) != b.len || memcmp(want, b.ptr, b.len) != 0)
			abort();
	}
	buf_release(&b);
	json_object_put(o);
	json_tokener_free(tok);
	return 0;
}
