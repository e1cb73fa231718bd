#ifndef BB_PAGE_H
#define BB_PAGE_H
/*
 * Turning a handler's view model into a response: HTML pages through the
 * templates (with the keys every page has), JSON for the API, and the
 * error page or {"error": ...} body for a failed request.
 */
#include <json-c/json.h>

struct request;

/*
 * A new view model with the keys the base layout needs: lang,
 * static_url, base_url, title (when given), and later the user, CSRF
 * token and unread count. The model belongs to the request's arena.
 */
struct json_object *page_model(struct request *r, const char *title);
/* Render template with model as the HTML response body; returns status,
 * or 500 when the template fails. */
int page_render(struct request *r, int status, const char *template, struct json_object *model);
/* Serialise obj as the JSON response body; takes the caller's reference. */
int page_json(struct request *r, int status, struct json_object *obj);
/* The error response for status: JSON for the API, the error page else. */
void page_error(struct request *r, int status);
struct i18n;
/* The catalog of the request's language. */
const struct i18n *page_catalog(struct request *r);
/* Translate msgid for the request's language (C-side strings). */
const char *page_t(struct request *r, const char *msgid);

#endif
