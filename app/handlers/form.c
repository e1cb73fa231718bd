#include "handlers/form.h"

#include <ctype.h>
#include <string.h>

#include "core/arena.h"
#include "http/request.h"
#include "i18n/i18n.h"
#include "view/page.h"
#include "core/banned.h"

static void form_put(void *p)
{
	json_object_put(p);
}

void form_init(struct form *f, struct request *r)
{
	f->r = r;
	f->values = json_object_new_object();
	f->errors = json_object_new_object();
	f->failed = false;
	arena_cleanup_add(r->arena, form_put, f->values);
	arena_cleanup_add(r->arena, form_put, f->errors);
}

void form_keep(struct form *f, const char *name, const char *value)
{
	json_object_object_add(f->values, name, json_object_new_string(value));
}

void form_fail(struct form *f, const char *name, const char *msgid)
{
	if (!json_object_object_get_ex(f->errors, name, NULL))
		json_object_object_add(f->errors, name, json_object_new_string(page_t(f->r, msgid)));
	f->failed = true;
}

const char *form_text(struct form *f, const char *name, size_t max_chars, bool raw)
{
	struct str v = http_kv_get(&f->r->form, name);
	const char *s = v.ptr, *e = v.ptr + v.len;
	char *out;

	if (!v.ptr)
		return "";
	if (!raw) {
		while (s < e && isspace((unsigned char)*s))
			s++;
		while (e > s && isspace((unsigned char)e[-1]))
			e--;
	}
	out = arena_strndup(f->r->arena, s, (size_t)(e - s));
	if (!out)
		return "";
	if (str_utf8_len(out, (size_t)(e - s)) > max_chars)
		form_fail(f, name, N_("This is too long."));
	return out;
}

void form_to_model(struct form *f, struct json_object *model)
{
	json_object_object_add(model, "form", json_object_get(f->values));
	json_object_object_add(model, "errors", json_object_get(f->errors));
	json_object_object_add(model, "has_errors", json_object_new_boolean(f->failed));
}
