#ifndef BB_MODELS_H
#define BB_MODELS_H
/*
 * View models of the things pages show, built in one place so every page
 * (and later the API) presents an account or a post the same way. Only
 * fields the viewer may see are included: never an email, a role or a
 * password hash of someone else.
 */
#include <json-c/json.h>

struct post;
struct request;
struct user;

/* URL of variant ("orig", "feed", "thumb") of the image stored under hash. */
const char *model_media_url(struct request *r, const char *hash, const char *variant);
struct json_object *model_account(struct request *r, const struct user *u);
/* A post with its author, image (sizes, srcset, blurhash), caption as
 * safe HTML, counts, time, and what the viewer may do with it. */
struct json_object *model_post(struct request *r, const struct post *p);

#endif
