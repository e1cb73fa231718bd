#ifndef BB_HANDLERS_ACCOUNTS_H
#define BB_HANDLERS_ACCOUNTS_H
struct request;

int accounts_signup_form(struct request *r);   /* GET /signup */
int accounts_signup(struct request *r);        /* POST /signup */
int accounts_login_form(struct request *r);    /* GET /login */
int accounts_login(struct request *r);         /* POST /login */
int accounts_logout(struct request *r);        /* POST /logout */

#include "core/password.h"
/* Why a username cannot be chosen (a msgid), or NULL when it can. Whether
 * it is taken is for the database to say. */
const char *accounts_username_problem(const char *username);
/* The form message for a password the policy refused; NULL for PW_OK. */
const char *accounts_password_message(enum pw_verdict v);

#endif
