#include "handlers/language.h"

#include <string.h>

#include "core/arena.h"
#include "core/conf.h"
#include "http/request.h"
#include "http/url.h"
#include "i18n/i18n.h"
#include "view/page.h"
#include "web/app.h"
#include "web/auth.h"
#include "core/banned.h"

int language_set(struct request *r)
{
	const struct conf *c = r->app->conf;
	struct str lang = http_kv_get(&r->form, "lang");
	struct str back = http_kv_get(&r->form, "return_to");
	const char *chosen;

	if (str_eq_c(lang, "ja"))
		chosen = "ja";
	else if (str_eq_c(lang, "en"))
		chosen = "en";
	else {
		r->error_message = page_t(r, N_("Choose Japanese or English."));
		return 422;
	}
	r->lang = chosen;
	auth_set_cookie(r, "lang", chosen, 31536000);
	response_header_add(&r->res, "Location",
			    arena_printf(r->arena, "%s%.*s", c->base_url,
					 url_is_local_path(back) ? (int)back.len : 1,
					 url_is_local_path(back) ? back.ptr : "/"));
	return 303;
}
