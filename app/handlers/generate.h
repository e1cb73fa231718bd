#ifndef BB_HANDLERS_GENERATE_H
#define BB_HANDLERS_GENERATE_H
/*
 * The compose page's "Generate" tab: a prompt becomes a generation
 * request, a job of the worker asks the engine, the page polls until the
 * images are there, and the person picks one and posts it with the
 * normal post form (POST /new, handlers/posts.c). Every route is a 404
 * when [generation] url is empty.
 */
#include <stdbool.h>

struct form;
struct request;

int generate_form(struct request *r);   /* GET /new/generate */
int generate_create(struct request *r); /* POST /new/generate */
int generate_show(struct request *r);   /* GET /new/generate/:id */
int generate_status(struct request *r); /* GET /new/generate/:id/status (JSON) */

/* Whether generation is configured. */
bool generate_enabled(const struct request *r);
/* The page of request gen_id again (for POST /new refusing a pick),
 * with f's values and errors. */
int generate_render_result(struct request *r, int status, unsigned long long gen_id, struct form *f,
			   const char *key);
/* Post the picked result of a generation (POST /new with generation_id):
 * the caption, alt and flags of the post form are read here. */
int generate_post(struct request *r);

#endif
