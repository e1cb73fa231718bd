#ifndef BB_HANDLERS_OIDC_H
#define BB_HANDLERS_OIDC_H
struct json_object;
struct request;

int oidc_start(struct request *r);        /* POST /auth/oidc/:name */
int oidc_callback(struct request *r);     /* GET /auth/oidc/callback */
int oidc_signup_form(struct request *r);  /* GET /auth/oidc/signup */
int oidc_signup(struct request *r);       /* POST /auth/oidc/signup */
int oidc_link_start(struct request *r);   /* POST /settings/logins/:name/link */

/* "providers" (name, display_name) and "has_providers" for the login
 * and sign-up pages. */
void oidc_model_providers(struct request *r, struct json_object *m);
/* "logins" (each provider: linked or not), "has_providers" and
 * "can_unlink" for the account settings of r->user; -1 on a DB error. */
int oidc_model_logins(struct request *r, struct json_object *m);

#endif
