#ifndef BB_CORE_JSON_H
#define BB_CORE_JSON_H
/*
 * Small json-c helpers for documents other services send us: a whole
 * text that must be one JSON value and nothing after it, and a member
 * that must be a string.
 */
#include <stddef.h>

#include <json-c/json.h>

/* text[0..len) parsed as exactly one JSON value nested at most depth
 * deep; NULL when it is not (the caller puts the result). */
json_object *json_parse_exact(const char *text, size_t len, int depth);
/* The string member key of object o, or NULL when absent or not a string. */
const char *json_str(json_object *o, const char *key);

#endif
