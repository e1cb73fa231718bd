#include "handlers/settings.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/arena.h"
#include "core/conf.h"
#include "core/password.h"
#include "handlers/accounts.h"
#include "handlers/form.h"
#include "handlers/oidc.h"
#include "handlers/uploads.h"
#include "store/attachments.h"
#include "store/identities.h"
#include "http/request.h"
#include "i18n/i18n.h"
#include "store/sessions.h"
#include "store/users.h"
#include "view/page.h"
#include "web/app.h"
#include "web/auth.h"
#include "core/banned.h"

#define SETTINGS_MAX_SESSIONS 50
#define SETTINGS_MAX_FILES 100000

static int settings_redirect(struct request *r, const char *path, const char *flash)
{
	response_header_add(&r->res, "Location",
			    arena_printf(r->arena, "%s%s%s%s", r->app->conf->base_url, path,
					 flash ? "?done=" : "", flash ? flash : ""));
	return 303;
}

/* The model every settings page starts from: which tab, and the message
 * of the change just made (?done=...). */
static struct json_object *settings_model(struct request *r, const char *title, const char *tab)
{
	struct json_object *m = page_model(r, title), *tabs = json_object_new_object();
	struct str done = http_kv_get(&r->query, "done");
	const char *msg = NULL;

	json_object_object_add(tabs, tab, json_object_new_boolean(1));
	json_object_object_add(m, "tab", tabs);
	if (str_eq_c(done, "profile"))
		msg = N_("Your profile was saved.");
	else if (str_eq_c(done, "email"))
		msg = N_("Your email address was changed.");
	else if (str_eq_c(done, "password"))
		msg = N_("Your password was changed. Every other session has been logged out.");
	else if (str_eq_c(done, "sessions"))
		msg = N_("The other sessions have been logged out.");
	else if (str_eq_c(done, "revoked"))
		msg = N_("The session has been logged out.");
	else if (str_eq_c(done, "linked"))
		msg = N_("The login was linked to your account.");
	else if (str_eq_c(done, "unlinked"))
		msg = N_("The login was unlinked from your account.");
	else if (str_eq_c(done, "password_set"))
		msg = N_("Your password was set. You can now log in with it too.");
	if (msg) {
		struct json_object *flash = json_object_new_object();

		json_object_object_add(flash, "kind", json_object_new_string("success"));
		json_object_object_add(flash, "message", json_object_new_string(page_t(r, msg)));
		json_object_object_add(m, "flash", flash);
	}
	return m;
}

static int settings_render_profile(struct request *r, int status, struct form *f)
{
	struct json_object *m = settings_model(r, page_t(r, N_("Edit profile")), "profile");
	struct json_object *lang = json_object_new_object();

	if (!f) {
		struct form fresh;

		form_init(&fresh, r);
		form_keep(&fresh, "display_name", r->user->display_name);
		form_keep(&fresh, "bio", r->user->bio);
		form_to_model(&fresh, m);
	} else {
		form_to_model(f, m);
	}
	json_object_object_add(lang, r->user->language ? r->user->language : "auto", json_object_new_boolean(1));
	json_object_object_add(m, "language", lang);
	json_object_object_add(m, "collection_public", json_object_new_boolean(r->user->collection_public));
	return page_render(r, status, "pages/settings/profile", m);
}

int settings_profile_form(struct request *r)
{
	int rc = auth_require(r);

	return rc ? rc : settings_render_profile(r, 200, NULL);
}

int settings_profile(struct request *r)
{
	const char *display_name, *bio, *language, *old_avatar;
	struct multipart_file *avatar;
	struct img_result img;
	struct form f;
	int rc = auth_require(r);

	if (rc)
		return rc;
	form_init(&f, r);
	display_name = form_text(&f, "display_name", 60, false);
	bio = form_text(&f, "bio", 500, false);
	language = form_text(&f, "language", 4, false);
	form_keep(&f, "display_name", display_name);
	form_keep(&f, "bio", bio);
	if (strcmp(language, "ja") && strcmp(language, "en") && strcmp(language, "auto") && language[0])
		form_fail(&f, "language", N_("Choose a language from the list."));
	if (f.failed)
		return settings_render_profile(r, 422, &f);
	avatar = uploads_file(r, "avatar");
	if (avatar) {
		const char *message = NULL;

		rc = uploads_image(r, avatar, &img, &message);
		if (rc) {
			form_fail(&f, "avatar", message);
			return settings_render_profile(r, rc, &f);
		}
		old_avatar = r->user->avatar_hash;
		rc = users_update_avatar(r->app->db, r->user->id, img.hash);
		if (rc != DB_OK) {
			uploads_forget_failed(r, img.hash, rc);
			return 503;
		}
		if (old_avatar && strcmp(old_avatar, img.hash) != 0)
			uploads_forget(r, old_avatar);
	}
	rc = users_update_profile(r->app->db, r->user->id, display_name, bio);
	if (rc == DB_OK)
		rc = users_update_collection_public(r->app->db, r->user->id,
						    http_kv_get(&r->form, "collection_public").ptr != NULL);
	if (rc == DB_OK)
		rc = users_update_language(r->app->db, r->user->id,
					   strcmp(language, "ja") == 0 || strcmp(language, "en") == 0 ? language : NULL);
	if (rc != DB_OK)
		return 503;
	/* The new language applies at once, whatever cookie the browser had. */
	if (strcmp(language, "ja") == 0 || strcmp(language, "en") == 0)
		auth_set_cookie(r, "lang", language, 31536000);
	return settings_redirect(r, "/settings", "profile");
}

static int settings_render_account(struct request *r, int status, struct form *f)
{
	struct json_object *m = settings_model(r, page_t(r, N_("Email and password")), "account");

	if (r->user->email)
		json_object_object_add(m, "email", json_object_new_string(r->user->email));
	json_object_object_add(m, "has_password", json_object_new_boolean(r->user->password_hash != NULL));
	if (oidc_model_logins(r, m) < 0) {
		json_object_put(m);
		return 503;
	}
	if (f)
		form_to_model(f, m);
	return page_render(r, status, "pages/settings/account", m);
}

int settings_account_form(struct request *r)
{
	int rc = auth_require(r);

	return rc ? rc : settings_render_account(r, 200, NULL);
}

/* Re-authentication for sensitive changes: the current password.
 * PW_MATCH, PW_MISMATCH (the field failed) or PW_BUSY (answer 503). */
static int settings_password_ok(struct request *r, struct form *f, const char *field)
{
	const char *current = form_text(f, field, 1024, true);
	int rc = r->user->password_hash ? pw_verify(r->user->password_hash, current, strlen(current)) : PW_MISMATCH;

	if (rc != PW_MISMATCH)
		return rc;
	auth_event(r, "reauth_failed", r->user->id, field);
	form_fail(f, field, N_("Your current password is not right."));
	return PW_MISMATCH;
}

int settings_email(struct request *r)
{
	const char *email;
	struct form f;
	int rc = auth_require(r);

	if (rc)
		return rc;
	form_init(&f, r);
	email = form_text(&f, "email", 254, false);
	form_keep(&f, "email", email);
	if (!strchr(email, '@') || strlen(email) < 3 || strchr(email, ' '))
		form_fail(&f, "email", N_("Enter a valid email address."));
	/* Without a password (a provider's account) the session is all there is. */
	if (!f.failed && r->user->password_hash && settings_password_ok(r, &f, "current_password") == PW_BUSY)
		return 503;
	if (f.failed)
		return settings_render_account(r, 422, &f);
	rc = users_update_email(r->app->db, r->user->id, email);
	if (rc == DB_DUPLICATE) {
		form_fail(&f, "email", N_("This email address cannot be used."));
		return settings_render_account(r, 422, &f);
	}
	if (rc != DB_OK)
		return 503;
	auth_event(r, "email_changed", r->user->id, NULL);
	return settings_redirect(r, "/settings/account", "email");
}

int settings_password(struct request *r)
{
	const struct conf *c = r->app->conf;
	char hash[PW_HASH_MAX];
	const char *fresh, *msg;
	struct form f;
	bool first;
	int rc = auth_require(r);

	if (rc)
		return rc;
	form_init(&f, r);
	fresh = form_text(&f, "new_password", 1024, true);
	msg = accounts_password_message(pw_check(r->app->pw, fresh, strlen(fresh), r->user->username));
	if (msg)
		form_fail(&f, "new_password", msg);
	/* An account made through a provider sets its first password with
	 * the session alone: it has no other secret to ask for. */
	first = r->user->password_hash == NULL;
	if (!first && settings_password_ok(r, &f, "current_password") == PW_BUSY)
		return 503;
	if (f.failed)
		return settings_render_account(r, 422, &f);
	if (pw_hash(hash, fresh, strlen(fresh), (unsigned long long)c->argon2_ops, c->argon2_memory) < 0)
		return 503;
	rc = users_update_password(r->app->db, r->user->id, hash);
	sodium_memzero(hash, sizeof(hash));
	if (rc != DB_OK)
		return 503;
	if (first) {
		auth_event(r, "password_set", r->user->id, NULL);
		return settings_redirect(r, "/settings/account", "password_set");
	}
	/* Whoever knew the old password is logged out everywhere else. */
	sess_destroy_all(r->app->rds, r->user->id, r->session->hash);
	auth_event(r, "password_changed", r->user->id, NULL);
	return settings_redirect(r, "/settings/account", "password");
}

/*
 * Removing a provider login. It asks for the password when the account
 * has one (like every change to how one logs in), and never removes the
 * last way to log in.
 */
int settings_logins_unlink(struct request *r)
{
	struct str name = req_param(r, "name");
	const char *provider;
	struct identity *ids;
	struct form f;
	size_t n = 0;
	int rc = auth_require(r);

	if (rc)
		return rc;
	provider = arena_strndup(r->arena, name.ptr, name.len);
	if (!provider)
		return 500;
	if (identities_of_user(r->app->db, r->arena, r->user->id, &ids, &n) != DB_OK)
		return 503;
	if (!r->user->password_hash && n <= 1) {
		r->error_message = page_t(r, N_("Set a password or link another login first: this is your only way to log in."));
		r->error_back = "/settings/account";
		r->error_back_label = page_t(r, N_("Back to settings"));
		return 409;
	}
	form_init(&f, r);
	if (r->user->password_hash && (rc = settings_password_ok(r, &f, "unlink_password")) != PW_MATCH)
		return rc == PW_BUSY ? 503 : settings_render_account(r, 422, &f);
	rc = identities_unlink(r->app->db, r->user->id, provider);
	if (rc == IDENTITIES_NOT_FOUND)
		return 404;
	if (rc != DB_OK)
		return 503;
	auth_event(r, "oidc_unlinked", r->user->id, provider);
	return settings_redirect(r, "/settings/account", "unlinked");
}

int settings_sessions(struct request *r)
{
	struct session *list = arena_calloc(r->arena, SETTINGS_MAX_SESSIONS, sizeof(*list));
	struct json_object *m, *arr;
	size_t n = 0;
	char when[32];
	int rc = auth_require(r);

	if (rc)
		return rc;
	if (!list || sess_list(r->app->rds, r->user->id, list, SETTINGS_MAX_SESSIONS, &n) < 0)
		return 503;
	m = settings_model(r, page_t(r, N_("Sessions")), "sessions");
	arr = json_object_new_array();
	for (size_t i = 0; i < n; i++) {
		struct json_object *s = json_object_new_object();

		json_object_object_add(s, "id", json_object_new_string(list[i].hash));
		json_object_object_add(s, "ip", json_object_new_string(list[i].ip));
		json_object_object_add(s, "user_agent", json_object_new_string(list[i].ua));
		i18n_format_reltime(page_catalog(r), (time_t)list[i].seen, time(NULL), 0, when, sizeof(when));
		json_object_object_add(s, "seen", json_object_new_string(when));
		json_object_object_add(s, "current",
				       json_object_new_boolean(strcmp(list[i].hash, r->session->hash) == 0));
		json_object_array_add(arr, s);
	}
	json_object_object_add(m, "sessions", arr);
	json_object_object_add(m, "has_others", json_object_new_boolean(n > 1));
	return page_render(r, 200, "pages/settings/sessions", m);
}

int settings_session_revoke(struct request *r)
{
	struct str id = http_kv_get(&r->form, "session");
	char hash[SESS_HASH_LEN + 1];
	int rc = auth_require(r);

	if (rc)
		return rc;
	if (id.len != SESS_HASH_LEN)
		return 422;
	memcpy(hash, id.ptr, SESS_HASH_LEN);
	hash[SESS_HASH_LEN] = '\0';
	/* Only the user's own sessions are in their list: sess_destroy
	 * removes bb:sess:<hash> only if it is listed under this user. */
	if (sess_destroy_owned(r->app->rds, r->user->id, hash) < 0)
		return 404;
	auth_event(r, "session_revoked", r->user->id, NULL);
	if (strcmp(hash, r->session->hash) == 0) {
		auth_logout(r);
		response_header_add(&r->res, "Location", arena_printf(r->arena, "%s/", r->app->conf->base_url));
		return 303;
	}
	return settings_redirect(r, "/settings/sessions", "revoked");
}

int settings_sessions_others(struct request *r)
{
	int rc = auth_require(r);

	if (rc)
		return rc;
	if (sess_destroy_all(r->app->rds, r->user->id, r->session->hash) < 0)
		return 503;
	auth_event(r, "sessions_revoked", r->user->id, "all others");
	return settings_redirect(r, "/settings/sessions", "sessions");
}

static int settings_render_delete(struct request *r, int status, struct form *f)
{
	struct json_object *m = settings_model(r, page_t(r, N_("Delete account")), "delete");

	json_object_object_add(m, "has_password", json_object_new_boolean(r->user->password_hash != NULL));
	json_object_object_add(m, "username", json_object_new_string(r->user->username));
	if (f)
		form_to_model(f, m);
	return page_render(r, status, "pages/settings/delete", m);
}

int settings_delete_form(struct request *r)
{
	int rc = auth_require(r);

	return rc ? rc : settings_render_delete(r, 200, NULL);
}

int settings_delete(struct request *r)
{
	unsigned long long uid;
	char **hashes = NULL;
	size_t nhashes = 0;
	struct form f;
	int rc = auth_require(r);

	if (rc)
		return rc;
	form_init(&f, r);
	if (r->user->password_hash) {
		rc = settings_password_ok(r, &f, "password");
		if (rc != PW_MATCH)
			return rc == PW_BUSY ? 503 : settings_render_delete(r, 422, &f);
	} else if (strcmp(form_text(&f, "confirm_username", 30, false), r->user->username) != 0) {
		/* An account without a password (a provider's) confirms with its name. */
		form_fail(&f, "confirm_username", N_("Type your username to confirm."));
		return settings_render_delete(r, 422, &f);
	}
	uid = r->user->id;
	/* The files go after the rows, each only when nothing else uses it. */
	if (attach_hashes_of_user(r->app->db, r->arena, uid, &hashes, &nhashes, SETTINGS_MAX_FILES) != DB_OK)
		return 503;
	rc = users_delete(r->app->db, uid);
	if (rc != DB_OK)
		return 503;
	for (size_t i = 0; i < nhashes; i++)
		uploads_forget(r, hashes[i]);
	sess_destroy_all(r->app->rds, uid, NULL);
	auth_event(r, "account_deleted", uid, NULL);
	auth_logout(r);
	response_header_add(&r->res, "Location", arena_printf(r->arena, "%s/", r->app->conf->base_url));
	return 303;
}
