#ifndef BB_API_API_H
#define BB_API_API_H
/*
 * What every Mastodon API handler shares: reading parameters the way
 * clients send them (query, urlencoded or multipart form, or a JSON
 * object body; Rails-style arrays `ids[]=1&ids[]=2` or JSON arrays;
 * booleans as true/false/1/0), authorizing the bearer token for a scope,
 * and answering JSON, errors included ({"error": "..."}).
 *
 * Strings returned here live in the request arena.
 */
#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/str.h"

struct oauth_token;
struct request;

/* How an endpoint uses the token (api_auth flags). */
enum api_auth_flags {
	API_PUBLIC = 0,         /* works without a token; a token that is sent must be valid */
	API_TOKEN = 1 << 0,     /* a token with the scope is required */
	API_USER = 1 << 1,      /* ...and it must act for a user (not an app token) */
};

/*
 * Authorize the request for scope (NULL: any valid token). Returns 0,
 * or the status to answer with its message set: 401 without a usable
 * token, 403 when the token lacks the scope, 422 when an app token is
 * used where a user is needed, 503 when the database cannot tell.
 */
int api_auth(struct request *r, const char *scope, unsigned flags);
/* The token row of the request, or NULL. */
const struct oauth_token *api_token(const struct request *r);

/* Answer {"error": message} with status (a client-facing English text). */
int api_error(struct request *r, int status, const char *message);
/* Answer obj (reference taken) as JSON with status. */
int api_json(struct request *r, int status, struct json_object *obj);

/*
 * A parameter from the JSON body, the form body or the query string, in
 * that order. JSON numbers and booleans come back as their text; other
 * JSON types count as absent. STR_NULL when absent.
 */
struct str api_param(const struct request *r, const char *name);
/* As api_param(), NUL-terminated and trimmed; "" when absent. */
const char *api_text(const struct request *r, const char *name);
/*
 * The values of an array parameter, up to max: "name[]" repeated in a
 * form or query string, a JSON array "name", or a single "name" value.
 * Returns how many were stored in out.
 */
size_t api_params(const struct request *r, const char *name, struct str *out, size_t max);
/* A boolean parameter: true/1/on/yes or false/0/off/no; dflt when absent or unclear. */
bool api_bool(const struct request *r, const char *name, bool dflt);
/* An id from a path parameter or a value: 0 when not a positive number. */
unsigned long long api_id(struct str s);
/* The :id path parameter as a number (0 when not a number). */
unsigned long long api_param_id(const struct request *r);

/* The absolute form of a URL that may be a path ("/media/x" -> base_url + it). */
const char *api_absolute(struct request *r, const char *url);

#endif
