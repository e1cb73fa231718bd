/*
 * http_form_parse on arbitrary bytes: no crash, and every pair it
 * returns is NUL-terminated, UTF-8, within limits and findable.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "http/kv.h"

#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct http_kv_limits lim = { 64, 64, 1024 };
	struct arena *a = arena_new(4096);
	struct http_kv_list l;
	struct str all[4];

	if (!a)
		return 0;
	if (http_form_parse(a, (const char *)data, size, &lim, &l) == HTTP_KV_OK) {
		if (l.count > lim.max_pairs)
			abort();
		for (size_t i = 0; i < l.count; i++) {
			struct http_kv *kv = &l.items[i];

			if (kv->key.len == 0 || kv->key.len > lim.max_key ||
			    kv->value.len > lim.max_value || kv->key.ptr[kv->key.len] != '\0' ||
			    kv->value.ptr[kv->value.len] != '\0' ||
			    strlen(kv->key.ptr) != kv->key.len ||
			    strlen(kv->value.ptr) != kv->value.len ||
			    !str_utf8_valid(kv->key.ptr, kv->key.len) ||
			    !str_utf8_valid(kv->value.ptr, kv->value.len))
				abort();
			if (http_kv_get(&l, kv->key.ptr).ptr == NULL ||
			    http_kv_get_all(&l, kv->key.ptr, all, 4) == 0)
				abort();
		}
	}
	arena_free(a);
	return 0;
}
