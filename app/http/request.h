#ifndef BB_REQUEST_H
#define BB_REQUEST_H
/*
 * One request as a handler sees it: the FastCGI parameters parsed into
 * the request arena, the body (form, multipart or JSON) read under the
 * configured limits, the route's path parameters, and the response being
 * built. Everything here lives until the arena is reset.
 */
#include <fcgiapp.h>
#include <json-c/json.h>
#include <stdbool.h>
#include <time.h>

#include "core/str.h"
#include "http/kv.h"
#include "http/multipart.h"
#include "http/response.h"

struct app;
struct arena;
struct route;
struct session;
struct user;

#define REQUEST_MAX_PARAMS 8

struct request {
	struct arena *arena;
	FCGX_Request *fcgi;
	struct app *app;

	const char *method;
	struct str path;
	const char *query_string;
	struct http_kv_list query;
	struct http_kv_list cookies;
	struct http_kv_list form;
	struct multipart_file *files;
	size_t nfiles;
	struct json_object *json; /* a JSON object body, released with the arena */
	const char *content_type;
	size_t content_length;
	const char *request_id;
	const char *remote_addr;

	const struct route *route;
	int route_index;
	const char *param_names[REQUEST_MAX_PARAMS];
	struct str params[REQUEST_MAX_PARAMS];
	size_t nparams;
	bool is_api;

	/* Filled by the middleware: who is asking, in which language, and
	 * the CSRF token their forms must carry. */
	struct session *session;
	struct user *user;
	const char *csrf_token;
	/* A session cookie came but Redis or MariaDB could not say whose it
	 * is: the person is not anonymous, the site is unwell (answer 503). */
	bool auth_unknown;
	const char *lang;

	struct response res;
	const char *error_message; /* shown on the error page when set */
	const char *error_back;       /* the error page's way back (a local path); NULL: home */
	const char *error_back_label; /* its label, translated; with error_back */
	struct timespec started;
};

/* A FastCGI parameter such as "HTTP_USER_AGENT"; NULL when absent. */
const char *req_env(const struct request *r, const char *name);
/*
 * Parse method, path, query string and cookies. Returns 0 or an HTTP
 * status (400) when the request line itself is unusable.
 */
int req_parse(struct request *r);
/*
 * Read and parse the body by Content-Type: urlencoded and multipart into
 * r->form (files into r->files when allow_files), JSON objects into
 * r->json. Returns 0 or the status to answer: 400 malformed, 413 too
 * large, 415 unsupported type.
 */
int req_read_body(struct request *r, bool allow_files);
/* A path parameter of the matched route, e.g. "id" of /p/:id. */
struct str req_param(const struct request *r, const char *name);
/* A query or form value (form first), STR_NULL when absent. */
struct str req_value(const struct request *r, const char *name);
bool req_is_safe_method(const struct request *r);

#endif
