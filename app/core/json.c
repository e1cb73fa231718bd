#include "core/json.h"

#include <stdint.h>

#include "core/banned.h"

json_object *json_parse_exact(const char *text, size_t len, int depth)
{
	struct json_tokener *tok;
	json_object *o;

	if (len > INT32_MAX || !(tok = json_tokener_new_ex(depth)))
		return NULL;
	o = json_tokener_parse_ex(tok, text, (int)len);
	if (o && (json_tokener_get_error(tok) != json_tokener_success || json_tokener_get_parse_end(tok) != len)) {
		json_object_put(o);
		o = NULL;
	}
	json_tokener_free(tok);
	return o;
}

const char *json_str(json_object *o, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}
