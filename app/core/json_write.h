#ifndef BB_CORE_JSON_WRITE_H
#define BB_CORE_JSON_WRITE_H
/*
 * The JSON text of a json-c value appended to a buf: the same text as
 * json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
 * JSON_C_TO_STRING_NOSLASHESCAPE), without json-c's own print buffer,
 * which is allocated, grown and freed again for every answer (on a
 * 50 KB API timeline a fifth of the worker's time went there).
 */
#include <json-c/json.h>

struct buf;

/* 0, or -1 when the buf cannot grow (it then holds a partial text). */
int json_write(struct buf *b, struct json_object *o);

#endif
