#ifndef BB_HANDLERS_SETTINGS_H
#define BB_HANDLERS_SETTINGS_H
/* /settings: profile, account (email and password), sessions, deletion. */
struct request;

int settings_profile_form(struct request *r);  /* GET /settings */
int settings_profile(struct request *r);       /* POST /settings */
int settings_account_form(struct request *r);  /* GET /settings/account */
int settings_email(struct request *r);         /* POST /settings/email */
int settings_password(struct request *r);      /* POST /settings/password */
int settings_logins_unlink(struct request *r); /* POST /settings/logins/:name/unlink */
int settings_sessions(struct request *r);      /* GET /settings/sessions */
int settings_session_revoke(struct request *r); /* POST /settings/sessions/revoke */
int settings_sessions_others(struct request *r); /* POST /settings/sessions/others */
int settings_delete_form(struct request *r);   /* GET /settings/delete */
int settings_delete(struct request *r);        /* POST /settings/delete */

#endif
