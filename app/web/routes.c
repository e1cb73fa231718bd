/*
 * Every route the application answers. Order matters only where two
 * patterns can match the same path: the first wins.
 */
#include "web/router.h"

#include "api/accounts.h"
#include "api/authorized_apps.h"
#include "api/deck.h"
#include "api/instance.h"
#include "api/media.h"
#include "api/notifications.h"
#include "api/oauth.h"
#include "api/statuses.h"
#include "api/stubs.h"
#include "api/timelines.h"
#include "handlers/health.h"
#include "handlers/status.h"
#include "handlers/deck.h"
#include "handlers/generate.h"
#include "handlers/language.h"
#include "handlers/moderation.h"
#include "handlers/notifications.h"
#include "handlers/oidc.h"
#include "handlers/accounts.h"
#include "handlers/posts.h"
#include "handlers/profile.h"
#include "handlers/settings.h"
#include "handlers/social.h"
#include "handlers/timelines.h"
#include "handlers/uploads.h"
#include "core/banned.h"

/* An API route and its CORS preflight (OPTIONS on the same path). */
#define API(method, pattern, handler, flags) \
	{ method, pattern, handler, flags }, { "OPTIONS", pattern, api_preflight, 0 }

const struct route routes[] = {
	{ "GET", "/", timelines_home, 0 },
	{ "GET", "/explore", timelines_explore, 0 },
	{ "GET", "/tags/:name", timelines_tag, 0 },
	{ "GET", "/explore/tags", deck_trends, 0 },
	{ "GET", "/deck", deck_page, 0 },
	{ "POST", "/deck/swipe", deck_swipe_form, 0 },
	{ "GET", "/collection", deck_collection_mine, 0 },
	{ "GET", "/healthz", health_live, ROUTE_HEALTH },
	{ "GET", "/readyz", health_ready, ROUTE_HEALTH },
	{ "GET", "/metrics", health_metrics, ROUTE_HEALTH },
	{ "GET", "/status", health_status, ROUTE_HEALTH },
	{ "POST", "/language", language_set, 0 },
	{ "GET", "/signup", accounts_signup_form, 0 },
	{ "POST", "/signup", accounts_signup, 0 },
	{ "GET", "/login", accounts_login_form, 0 },
	{ "POST", "/login", accounts_login, 0 },
	{ "POST", "/logout", accounts_logout, 0 },
	{ "GET", "/auth/oidc/callback", oidc_callback, 0 },
	{ "GET", "/auth/oidc/signup", oidc_signup_form, 0 },
	{ "POST", "/auth/oidc/signup", oidc_signup, 0 },
	{ "POST", "/auth/oidc/:name", oidc_start, 0 },
	{ "POST", "/settings/logins/:name/link", oidc_link_start, 0 },
	{ "POST", "/settings/logins/:name/unlink", settings_logins_unlink, 0 },
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
	{ "POST", "/new/presign", uploads_presign, 0 },
	{ "GET", "/new/generate", generate_form, 0 },
	{ "POST", "/new/generate", generate_create, 0 },
	{ "GET", "/new/generate/:id", generate_show, 0 },
	{ "GET", "/new/generate/:id/status", generate_status, 0 },
	{ "GET", "/p/:id", posts_show, 0 },
	{ "GET", "/p/:id/delete", posts_delete_confirm, 0 },
	{ "POST", "/p/:id/delete", posts_delete_form, 0 },
	{ "POST", "/p/:id/like", social_like, 0 },
	{ "POST", "/p/:id/superlike", social_superlike, 0 },
	{ "POST", "/p/:id/unlike", social_unlike, 0 },
	{ "POST", "/p/:id/repost", social_repost, 0 },
	{ "POST", "/p/:id/unrepost", social_unrepost, 0 },
	{ "GET", "/p/:id/likes", social_likers, 0 },
	{ "POST", "/p/:id/report", moderation_report, 0 },
	{ "POST", "/p/:id/appeal", moderation_appeal, 0 },
	{ "GET", "/admin/moderation", moderation_queue, 0 },
	{ "POST", "/admin/moderation/:id/approve", moderation_approve, 0 },
	{ "POST", "/admin/moderation/:id/reject", moderation_reject, 0 },
	{ "GET", "/@:username/followers", social_followers, 0 },
	{ "GET", "/@:username/following", social_following, 0 },
	{ "GET", "/@:username/collection", deck_collection_public, 0 },
	{ "POST", "/@:username/follow", social_follow, 0 },
	{ "POST", "/@:username/unfollow", social_unfollow, 0 },
	{ "POST", "/@:username/block", social_block, 0 },
	{ "POST", "/@:username/unblock", social_unblock, 0 },
	{ "POST", "/@:username/mute", social_mute, 0 },
	{ "POST", "/@:username/unmute", social_unmute, 0 },
	{ "GET", "/settings/blocks", social_blocks_page, 0 },
	{ "GET", "/notifications", notifications_page, 0 },
	{ "POST", "/notifications/read", notifications_read_all, 0 },
	{ "GET", "/notifications/unread.json", notifications_unread, 0 },
	{ "GET", "/_live/check", notifications_live_auth, 0 },
	{ "GET", "/settings/notifications", notifications_settings, 0 },
	{ "POST", "/settings/notifications", notifications_settings_save, 0 },
	{ "GET", "/settings/apps", api_apps_settings, 0 },
	{ "POST", "/settings/apps/revoke", api_apps_revoke, 0 },

	/* The OAuth 2 provider. The consent page is a cookie page with CSRF
	 * (see auth_load); the rest authenticate clients and tokens instead. */
	{ "GET", "/oauth/authorize", api_oauth_authorize_form, 0 },
	{ "POST", "/oauth/authorize", api_oauth_authorize, 0 },
	API("POST", "/oauth/token", api_oauth_token, ROUTE_NO_CSRF),
	API("POST", "/oauth/revoke", api_oauth_revoke, ROUTE_NO_CSRF),
	API("GET", "/.well-known/oauth-authorization-server", api_oauth_metadata, 0),

	/* Discovery. */
	API("GET", "/.well-known/nodeinfo", api_instance_nodeinfo_links, 0),
	API("GET", "/nodeinfo/2.0", api_instance_nodeinfo, 0),
	API("GET", "/.well-known/webfinger", api_instance_webfinger, 0),
	{ "GET", "/avatars/missing.png", api_instance_missing_avatar, 0 },

	/* The Mastodon client API: bearer tokens only, never the cookie. */
	API("POST", "/api/v1/apps", api_oauth_apps_create, ROUTE_NO_CSRF),
	API("GET", "/api/v1/apps/verify_credentials", api_oauth_apps_verify, 0),
	API("GET", "/api/v1/instance", api_instance_v1, 0),
	API("GET", "/api/v2/instance", api_instance_v2, 0),
	API("GET", "/api/v1/instance/rules", api_stub_public_list, 0),
	API("GET", "/api/v1/instance/peers", api_stub_public_list, 0),
	API("GET", "/api/v1/custom_emojis", api_stub_custom_emojis, 0),
	API("GET", "/api/v1/filters", api_stub_filters, 0),
	API("GET", "/api/v2/filters", api_stub_filters, 0),
	API("GET", "/api/v1/lists", api_stub_lists, 0),
	API("GET", "/api/v1/announcements", api_stub_announcements, 0),
	API("GET", "/api/v1/followed_tags", api_stub_followed_tags, 0),
	API("GET", "/api/v1/follow_requests", api_stub_follow_requests, 0),
	API("GET", "/api/v1/bookmarks", api_stub_bookmarks, 0),
	API("GET", "/api/v1/conversations", api_stub_conversations, 0),
	API("GET", "/api/v1/scheduled_statuses", api_stub_scheduled, 0),
	API("GET", "/api/v1/markers", api_stub_markers, 0),
	API("GET", "/api/v1/preferences", api_stub_preferences, 0),
	API("GET", "/api/v1/trends/links", api_stub_public_list, 0),
	API("GET", "/api/v1/trends/tags", api_trends_tags, 0),
	API("GET", "/api/v1/trends/statuses", api_trends_statuses, 0),

	API("GET", "/api/v1/accounts/verify_credentials", api_accounts_verify, 0),
	API("PATCH", "/api/v1/accounts/update_credentials", api_accounts_update, ROUTE_UPLOAD | ROUTE_NO_CSRF),
	API("GET", "/api/v1/accounts/relationships", api_accounts_relationships, 0),
	API("GET", "/api/v1/accounts/lookup", api_accounts_lookup, 0),
	API("GET", "/api/v1/accounts/:id", api_accounts_show, 0),
	API("GET", "/api/v1/accounts/:id/statuses", api_accounts_statuses, 0),
	API("GET", "/api/v1/accounts/:id/followers", api_accounts_followers, 0),
	API("GET", "/api/v1/accounts/:id/following", api_accounts_following, 0),
	API("POST", "/api/v1/accounts/:id/follow", api_accounts_follow, ROUTE_NO_CSRF),
	API("POST", "/api/v1/accounts/:id/unfollow", api_accounts_unfollow, ROUTE_NO_CSRF),
	API("POST", "/api/v1/accounts/:id/block", api_accounts_block, ROUTE_NO_CSRF),
	API("POST", "/api/v1/accounts/:id/unblock", api_accounts_unblock, ROUTE_NO_CSRF),
	API("POST", "/api/v1/accounts/:id/mute", api_accounts_mute, ROUTE_NO_CSRF),
	API("POST", "/api/v1/accounts/:id/unmute", api_accounts_unmute, ROUTE_NO_CSRF),

	API("POST", "/api/v2/media", api_media_create, ROUTE_UPLOAD | ROUTE_NO_CSRF),
	API("POST", "/api/v1/media", api_media_create, ROUTE_UPLOAD | ROUTE_NO_CSRF),
	API("GET", "/api/v1/media/:id", api_media_show, 0),
	API("PUT", "/api/v1/media/:id", api_media_update, ROUTE_UPLOAD | ROUTE_NO_CSRF),

	API("POST", "/api/v1/statuses", api_statuses_create, ROUTE_NO_CSRF),
	API("GET", "/api/v1/statuses/:id", api_statuses_show, 0),
	API("DELETE", "/api/v1/statuses/:id", api_statuses_delete, ROUTE_NO_CSRF),
	API("GET", "/api/v1/statuses/:id/context", api_statuses_context, 0),
	API("GET", "/api/v1/statuses/:id/source", api_statuses_source, 0),
	API("POST", "/api/v1/statuses/:id/favourite", api_statuses_favourite, ROUTE_NO_CSRF),
	API("POST", "/api/v1/statuses/:id/unfavourite", api_statuses_unfavourite, ROUTE_NO_CSRF),
	API("POST", "/api/v1/statuses/:id/reblog", api_statuses_reblog, ROUTE_NO_CSRF),
	API("POST", "/api/v1/statuses/:id/unreblog", api_statuses_unreblog, ROUTE_NO_CSRF),
	API("GET", "/api/v1/statuses/:id/favourited_by", api_statuses_favourited_by, 0),
	API("GET", "/api/v1/statuses/:id/reblogged_by", api_statuses_reblogged_by, 0),
	API("POST", "/api/v1/beaubelle/statuses/:id/superlike", api_statuses_superlike, ROUTE_NO_CSRF),
	API("GET", "/api/v1/beaubelle/deck", api_deck_cards, 0),
	API("POST", "/api/v1/beaubelle/deck/swipe", api_deck_swipe, ROUTE_NO_CSRF),
	API("GET", "/api/v1/beaubelle/accounts/:id/collection", api_deck_collection, 0),
	API("GET", "/api/v1/favourites", api_statuses_favourites, 0),

	API("GET", "/api/v1/timelines/home", api_timelines_home, 0),
	API("GET", "/api/v1/timelines/public", api_timelines_public, 0),
	API("GET", "/api/v1/timelines/tag/:hashtag", api_timelines_tag, 0),

	API("GET", "/api/v1/notifications", api_notifications_list, 0),
	API("GET", "/api/v1/notifications/unread_count", api_notifications_unread, 0),
	API("POST", "/api/v1/notifications/clear", api_notifications_clear, ROUTE_NO_CSRF),
	API("GET", "/api/v1/notifications/:id", api_notifications_show, 0),
	API("POST", "/api/v1/notifications/:id/dismiss", api_notifications_dismiss, ROUTE_NO_CSRF),
};

const size_t routes_count = sizeof(routes) / sizeof(routes[0]);
