#ifndef BB_HANDLERS_PROFILE_H
#define BB_HANDLERS_PROFILE_H
struct request;

int profile_show(struct request *r); /* GET /@:username */

#include <json-c/json.h>
struct user;
/* The public fields of an account for templates; never email or role. */
struct json_object *profile_account_json(struct request *r, const struct user *u);

#endif
