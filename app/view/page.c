#include "view/page.h"

#include <string.h>

#include "core/arena.h"
#include "core/conf.h"
#include "core/json_write.h"
#include "core/log.h"
#include "http/request.h"
#include "i18n/i18n.h"
#include "view/models.h"
#include "view/tpl.h"
#include "store/notifications.h"
#include "store/users.h"
#include "web/app.h"
#include "core/banned.h"

static void page_json_put(void *p)
{
	json_object_put(p);
}

const struct i18n *page_catalog(struct request *r)
{
	return i18n_set_get(r->app->i18n, r->lang ? r->lang : r->app->conf->default_language);
}

const char *page_t(struct request *r, const char *msgid)
{
	return i18n_gettext(page_catalog(r), msgid);
}

struct json_object *page_model(struct request *r, const char *title)
{
	const struct conf *c = r->app->conf;
	struct json_object *m = json_object_new_object();
	long long unread = 0;

	if (!m)
		return NULL;
	arena_cleanup_add(r->arena, page_json_put, m);
	json_object_object_add(m, "lang", json_object_new_string(r->lang ? r->lang : c->default_language));
	json_object_object_add(m, "static_url", json_object_new_string(r->app->static_url));
	json_object_object_add(m, "base_url", json_object_new_string(c->base_url));
	if (title)
		json_object_object_add(m, "title", json_object_new_string(title));
	if (r->user) {
		struct json_object *u = json_object_new_object();

		json_object_object_add(u, "id", json_object_new_int64((int64_t)r->user->id));
		json_object_object_add(u, "username", json_object_new_string(r->user->username));
		json_object_object_add(u, "display_name", json_object_new_string(r->user->display_name));
		if (r->user->avatar_hash)
			json_object_object_add(u, "avatar_url",
					       json_object_new_string(model_media_url(r, r->user->avatar_hash, "thumb")));
		json_object_object_add(u, "is_moderator", json_object_new_boolean(user_is_moderator(r->user)));
		json_object_object_add(m, "user", u);
		json_object_object_add(m, "csrf_token", json_object_new_string(r->csrf_token));
		if (notif_unread(r->app->db, r->app->rds, r->user->id, &unread) == DB_OK && unread > 0)
			json_object_object_add(m, "unread_count", json_object_new_int64(unread));
	}
	return m;
}

int page_render(struct request *r, int status, const char *template, struct json_object *model)
{
	struct tpl_render_opts opts = { i18n_tpl_translate, (void *)page_catalog(r) };

	buf_clear(&r->res.body);
	if (tpl_render(r->app->tpl, template, model, &opts, &r->res.body) < 0) {
		log_error("event=render_failed template=%s", template);
		buf_clear(&r->res.body);
		return 500;
	}
	r->res.content_type = "text/html; charset=utf-8";
	r->res.status = status;
	return status;
}

int page_json(struct request *r, int status, struct json_object *obj)
{
	buf_clear(&r->res.body);
	if (json_write(&r->res.body, obj) < 0) {
		/* Out of memory half-way: a short fixed answer, not half a text. */
		buf_clear(&r->res.body);
		buf_puts(&r->res.body, "{\"error\":\"Internal server error\"}");
		status = 500;
	}
	json_object_put(obj);
	r->res.content_type = "application/json; charset=utf-8";
	r->res.status = status;
	return status;
}

/* Messages shown for each error status; translated per request. */
static const char *page_error_message(int status)
{
	switch (status) {
	case 400: return N_("The request could not be understood.");
	case 401: return N_("You need to log in to do that.");
	case 403: return N_("You are not allowed to do that.");
	case 404: return N_("This page does not exist.");
	case 405: return N_("This address does not accept that kind of request.");
	case 413: return N_("What you sent is too large.");
	case 414: return N_("The address is too long.");
	case 415: return N_("This kind of content is not accepted here.");
	case 422: return N_("Some of what you sent is not valid.");
	case 429: return N_("Too many requests. Please wait a moment and try again.");
	case 503: return N_("The service is busy or under maintenance. Please try again shortly.");
	default: return N_("Something went wrong on our side.");
	}
}

static const char *page_error_title(int status)
{
	switch (status) {
	case 404: return N_("Not found");
	case 403: return N_("Forbidden");
	case 429: return N_("Slow down");
	default: return status >= 500 ? N_("Server error") : N_("Request error");
	}
}

void page_error(struct request *r, int status)
{
	const char *message = r->error_message ? r->error_message : page_t(r, page_error_message(status));
	struct json_object *m;

	if (status == 503 && !response_header_get(&r->res, "Retry-After"))
		response_header_add(&r->res, "Retry-After", "5");
	if (r->is_api) {
		struct json_object *e = json_object_new_object();

		json_object_object_add(e, "error", json_object_new_string(message));
		page_json(r, status, e);
		return;
	}
	m = page_model(r, page_t(r, page_error_title(status)));
	if (m) {
		json_object_object_add(m, "status", json_object_new_int(status));
		json_object_object_add(m, "error_title", json_object_new_string(page_t(r, page_error_title(status))));
		json_object_object_add(m, "error_message", json_object_new_string(message));
		json_object_object_add(m, "back_url", json_object_new_string(r->error_back ? r->error_back : "/"));
		json_object_object_add(m, "back_label", json_object_new_string(
			r->error_back ? r->error_back_label : page_t(r, N_("Back to home"))));
	}
	if (!m || page_render(r, status, "pages/error", m) != status) {
		/* The error page itself failed: plain text still answers. */
		buf_clear(&r->res.body);
		buf_printf(&r->res.body, "%d %s\n", status, response_reason(status));
		r->res.content_type = "text/plain; charset=utf-8";
	}
	r->res.status = status;
}
