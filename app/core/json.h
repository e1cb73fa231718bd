#ifndef BB_CORE_JSON_H
#define BB_CORE_JSON_H
/*
 * Small json-c helpers: for documents other services send us, a whole
 * text that must be one JSON value and nothing after it, and a member
 * that must be a string; for the objects we build, adding a member.
 */
#include <stddef.h>

#include <json-c/json.h>

/* text[0..len) parsed as exactly one JSON value nested at most depth
 * deep; NULL when it is not (the caller puts the result). */
json_object *json_parse_exact(const char *text, size_t len, int depth);
/* The string member key of object o, or NULL when absent or not a string. */
const char *json_str(json_object *o, const char *key);

/* Add member key (a string literal, not yet in o) to o: json-c then
 * neither looks for it first nor copies it. API entities and card
 * models add some 1,600 members a page, and these two steps were a
 * tenth of an API timeline's time (docs/performance.md). */
static inline void json_add_new(json_object *o, const char *key, json_object *v)
{
	json_object_object_add_ex(o, key, v, JSON_C_OBJECT_ADD_KEY_IS_NEW | JSON_C_OBJECT_KEY_IS_CONSTANT);
}

#endif
