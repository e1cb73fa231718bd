#include "api/authorized_apps.h"

#include "api/api.h"
#include "core/arena.h"
#include "core/conf.h"
#include "http/request.h"
#include "i18n/i18n.h"
#include "store/oauth.h"
#include "store/users.h"
#include "view/page.h"
#include "web/app.h"
#include "web/auth.h"
#include "core/banned.h"

#define APPS_SHOWN 100

int api_apps_settings(struct request *r)
{
	struct json_object *m, *tab, *list;
	struct oauth_grant *grants;
	size_t n = 0;
	int rc = auth_require(r);

	if (rc)
		return rc;
	if (oauth_grants_of_user(r->app->db, r->arena, r->user->id, APPS_SHOWN, &grants, &n) != DB_OK)
		return 503;
	m = page_model(r, page_t(r, N_("Authorized apps")));
	tab = json_object_new_object();
	json_object_object_add(tab, "apps", json_object_new_boolean(1));
	json_object_object_add(m, "tab", tab);
	if (str_eq_c(http_kv_get(&r->query, "done"), "revoked")) {
		struct json_object *flash = json_object_new_object();

		json_object_object_add(flash, "kind", json_object_new_string("success"));
		json_object_object_add(flash, "message", json_object_new_string(page_t(r, N_("The app's access has been revoked."))));
		json_object_object_add(m, "flash", flash);
	}
	list = json_object_new_array();
	for (size_t i = 0; i < n; i++) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "id", json_object_new_string(arena_printf(r->arena, "%llu", grants[i].app_id)));
		json_object_object_add(o, "name", json_object_new_string(grants[i].name));
		json_object_object_add(o, "scopes", json_object_new_string(grants[i].scopes ? grants[i].scopes : ""));
		json_object_object_add(o, "created_at", json_object_new_string(grants[i].created_at ? grants[i].created_at : ""));
		if (grants[i].last_used_at)
			json_object_object_add(o, "last_used_at", json_object_new_string(grants[i].last_used_at));
		json_object_array_add(list, o);
	}
	json_object_object_add(m, "apps", list);
	json_object_object_add(m, "has_apps", json_object_new_boolean(n > 0));
	return page_render(r, 200, "pages/settings/apps", m);
}

int api_apps_revoke(struct request *r)
{
	unsigned long long app_id = api_id(http_kv_get(&r->form, "app"));
	bool revoked = false;
	int rc = auth_require(r);

	if (rc)
		return rc;
	if (!app_id)
		return 422;
	if (oauth_grants_revoke(r->app->db, r->user->id, app_id, &revoked) != DB_OK)
		return 503;
	if (revoked)
		auth_event(r, "oauth_revoked", r->user->id, arena_printf(r->arena, "app %llu", app_id));
	response_header_add(&r->res, "Location", arena_printf(r->arena, "%s/settings/apps?done=revoked", r->app->conf->base_url));
	return 303;
}
