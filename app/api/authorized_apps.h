#ifndef BB_API_AUTHORIZED_APPS_H
#define BB_API_AUTHORIZED_APPS_H
/*
 * The settings page where a person sees the apps holding a token for
 * their account and revokes them (every token and pending code of that
 * app ends at once).
 */
struct request;

int api_apps_settings(struct request *r); /* GET /settings/apps */
int api_apps_revoke(struct request *r);   /* POST /settings/apps/revoke */

#endif
