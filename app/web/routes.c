/*
 * Every route the application answers. Order matters only where two
 * patterns can match the same path: the first wins.
 */
#include "web/router.h"

#include "handlers/health.h"
#include "handlers/home.h"
#include "handlers/language.h"
#include "handlers/accounts.h"
#include "handlers/posts.h"
#include "handlers/profile.h"
#include "handlers/settings.h"
#include "core/banned.h"

const struct route routes[] = {
	{ "GET", "/", home_show, 0 },
	{ "GET", "/healthz", health_live, 0 },
	{ "GET", "/readyz", health_ready, 0 },
	{ "GET", "/metrics", health_metrics, 0 },
	{ "POST", "/language", language_set, 0 },
	{ "GET", "/signup", accounts_signup_form, 0 },
	{ "POST", "/signup", accounts_signup, 0 },
	{ "GET", "/login", accounts_login_form, 0 },
	{ "POST", "/login", accounts_login, 0 },
	{ "POST", "/logout", accounts_logout, 0 },
	{ "GET", "/settings", settings_profile_form, 0 },
	{ "POST", "/settings", settings_profile, ROUTE_UPLOAD },
	{ "GET", "/settings/account", settings_account_form, 0 },
	{ "POST", "/settings/email", settings_email, 0 },
	{ "POST", "/settings/password", settings_password, 0 },
	{ "GET", "/settings/sessions", settings_sessions, 0 },
	{ "POST", "/settings/sessions/revoke", settings_session_revoke, 0 },
	{ "POST", "/settings/sessions/others", settings_sessions_others, 0 },
	{ "GET", "/settings/delete", settings_delete_form, 0 },
	{ "POST", "/settings/delete", settings_delete, 0 },
	{ "GET", "/@:username", profile_show, 0 },
	{ "GET", "/new", posts_compose, 0 },
	{ "POST", "/new", posts_create_form, ROUTE_UPLOAD },
	{ "GET", "/p/:id", posts_show, 0 },
	{ "GET", "/p/:id/delete", posts_delete_confirm, 0 },
	{ "POST", "/p/:id/delete", posts_delete_form, 0 },
};

const size_t routes_count = sizeof(routes) / sizeof(routes[0]);
