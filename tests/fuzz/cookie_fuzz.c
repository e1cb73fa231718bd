/*
 * http_cookie_parse on arbitrary bytes: no crash, and every cookie it
 * returns has a token name, a NUL-terminated value without control bytes,
 * and fits the limits.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "http/header.h"
#include "http/kv.h"

#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct http_kv_limits lim = { 32, 64, 512 };
	struct arena *a = arena_new(4096);
	struct http_kv_list l;

	if (!a)
		return 0;
	if (http_cookie_parse(a, (const char *)data, size, &lim, &l) == HTTP_KV_OK) {
		if (l.count > lim.max_pairs)
			abort();
		for (size_t i = 0; i < l.count; i++) {
			struct http_kv *kv = &l.items[i];

			if (kv->key.len == 0 || kv->key.len > lim.max_key ||
			    kv->value.len > lim.max_value || strlen(kv->key.ptr) != kv->key.len ||
			    strlen(kv->value.ptr) != kv->value.len ||
			    !str_utf8_valid(kv->value.ptr, kv->value.len))
				abort();
			for (size_t k = 0; k < kv->key.len; k++)
				if (!http_is_tchar((unsigned char)kv->key.ptr[k]))
					abort();
			for (size_t k = 0; k < kv->value.len; k++)
				if ((unsigned char)kv->value.ptr[k] < 0x20 || kv->value.ptr[k] == 0x7F ||
				    kv->value.ptr[k] == ';')
					abort();
		}
	}
	arena_free(a);
	return 0;
}
