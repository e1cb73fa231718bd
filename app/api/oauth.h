#ifndef BB_API_OAUTH_H
#define BB_API_OAUTH_H
/*
 * The OAuth 2 provider Mastodon clients log in through: app
 * registration, the consent page (for the person logged in with the
 * site's cookie), the token and revocation endpoints (RFC 6749, PKCE
 * S256 of RFC 7636, RFC 7009) and the server metadata (RFC 8414).
 */
struct request;

int api_oauth_apps_create(struct request *r);   /* POST /api/v1/apps */
int api_oauth_apps_verify(struct request *r);   /* GET /api/v1/apps/verify_credentials */
int api_oauth_authorize_form(struct request *r); /* GET /oauth/authorize (HTML) */
int api_oauth_authorize(struct request *r);     /* POST /oauth/authorize (HTML form) */
int api_oauth_token(struct request *r);         /* POST /oauth/token */
int api_oauth_revoke(struct request *r);        /* POST /oauth/revoke */
int api_oauth_metadata(struct request *r);      /* GET /.well-known/oauth-authorization-server */

#endif
