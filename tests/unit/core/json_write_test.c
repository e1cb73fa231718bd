#include <math.h>
#include <stdint.h>
#include <string.h>

#include <json-c/json.h>

#include "core/buf.h"
#include "core/json_write.h"
#include "tap.h"

/* json_write must give json-c's own text of o. */
static void same_as_json_c(struct json_object *o, const char *what)
{
	struct buf b = BUF_INIT;
	const char *want = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);

	ok(json_write(&b, o) == 0, "%s: written", what);
	is_str(b.ptr ? b.ptr : "", want, "%s: the same text as json-c", what);
	buf_release(&b);
}

int main(void)
{
	struct json_object *o = json_object_new_object(), *arr = json_object_new_array(), *nested;
	char every_control[40];
	struct buf b = BUF_INIT;

	for (int c = 1; c < 0x20; c++)
		every_control[c - 1] = (char)c;
	memcpy(every_control + 31, "\"\\/\x7f", 5);
	json_object_object_add(o, "controls", json_object_new_string(every_control));
	json_object_object_add(o, "nul inside", json_object_new_string_len("a\0b", 3));
	json_object_object_add(o, "utf-8 \xe7\xbe\x8e", json_object_new_string("\xe7\xbe\x8e\xe5\xa5\xb3 </script>"));
	json_object_object_add(o, "key \"quoted\"\n", json_object_new_string(""));
	json_object_object_add(o, "null", NULL);
	json_object_object_add(o, "true", json_object_new_boolean(1));
	json_object_object_add(o, "false", json_object_new_boolean(0));
	json_object_object_add(o, "min", json_object_new_int64(INT64_MIN));
	json_object_object_add(o, "max", json_object_new_int64(INT64_MAX));
	json_object_object_add(o, "umax", json_object_new_uint64(UINT64_MAX));
	json_object_object_add(o, "zero", json_object_new_int(0));
	json_object_object_add(o, "whole double", json_object_new_double(2.0));
	json_object_object_add(o, "aspect", json_object_new_double(2.0 / 3.0));
	json_object_object_add(o, "huge", json_object_new_double(1e300));
	json_object_object_add(o, "nan", json_object_new_double(NAN));
	json_object_array_add(arr, json_object_new_object());
	json_object_array_add(arr, json_object_new_array());
	json_object_array_add(arr, NULL);
	json_object_array_add(arr, json_object_new_int(-7));
	json_object_object_add(o, "list", arr);
	same_as_json_c(o, "every kind of value");
	same_as_json_c(json_object_array_get_idx(arr, 0), "an empty object");
	same_as_json_c(arr, "an array");

	nested = json_tokener_parse("{\"a\":[1,{\"b\":[[],{}]},\"x\\u0001y\"],\"c\":1.5e-7,\"d\":12345678901234567890}");
	ok(nested != NULL, "a parsed document");
	same_as_json_c(nested, "a parsed document");
	json_object_put(nested);

	ok(json_write(&b, NULL) == 0, "NULL is written");
	is_str(b.ptr, "null", "as null");
	ok(json_write(&b, o) == 0 && strncmp(b.ptr, "null{", 5) == 0, "writing appends");
	buf_release(&b);
	json_object_put(o);
	return done_testing();
}
