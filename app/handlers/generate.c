#include "handlers/generate.h"

#include <sodium.h>
#include <string.h>

#include "core/arena.h"
#include "core/conf.h"
#include "core/log.h"
#include "generation/engine.h"
#include "handlers/form.h"
#include "handlers/uploads.h"
#include "http/request.h"
#include "i18n/i18n.h"
#include "core/httpc.h"
#include "store/attachments.h"
#include "store/generations.h"
#include "store/jobs_store.h"
#include "store/posts.h"
#include "store/ratelimit.h"
#include "store/users.h"
#include "view/models.h"
#include "view/page.h"
#include "web/app.h"
#include "web/auth.h"
#include "handlers/posts.h"
#include "core/banned.h"

#define GEN_NEGATIVE_MAX 500 /* characters */
/* Added to the longest a job may take with its retries: time in the job
 * queue behind other jobs. */
#define GEN_QUEUE_SLACK_S 300
/* Unposted uploads and results are deleted after a day, a few per request. */
#define GEN_DRAFT_TTL (24 * 3600)
#define GEN_DRAFT_SWEEP 20

/*
 * After how long a request still pending or running is given up: its
 * job was lost with Redis, or no worker runs. It then no longer blocks a
 * new request, and shows as failed rather than spinning forever.
 */
static int generate_stale_s(const struct conf *c)
{
	return c->gen_timeout * (c->gen_retries + 1) + 2 * c->gen_retries + GEN_QUEUE_SLACK_S;
}

bool generate_enabled(const struct request *r)
{
	return r->app->conf->gen_url[0] != '\0';
}

/* The engine's host, as generation rows and posts record it. */
static const char *generate_engine(struct request *r)
{
	char host[256];

	if (httpc_url_host(r->app->conf->gen_url, host, sizeof(host)) < 0)
		return "";
	return arena_strdup(r->arena, host);
}

/* The person-facing message of an error code (a msgid). */
static const char *generate_error_msgid(const char *code)
{
	if (!code)
		return N_("The images could not be made. Please try again.");
	if (strcmp(code, "engine_down") == 0)
		return N_("The image generator is not available right now. Please try again later.");
	if (strcmp(code, "timeout") == 0)
		return N_("The image generator took too long to answer. Please try again later.");
	if (strcmp(code, "refused") == 0)
		return N_("The image generator refused this prompt. Try describing it differently.");
	if (strcmp(code, "not_image") == 0)
		return N_("The image generator did not send back a usable image. Please try again.");
	return N_("The images could not be made. Please try again.");
}

/* The tabs, the limits and the style choices every state of the page shows. */
static struct json_object *generate_model(struct request *r, const char *title, const char *style)
{
	const struct conf *c = r->app->conf;
	struct json_object *m = page_model(r, title), *nav = json_object_new_object(), *styles = json_object_new_array();
	struct json_object *counts = json_object_new_array();
	int used = 0;

	json_object_object_add(nav, "new", json_object_new_boolean(1));
	json_object_object_add(m, "nav", nav);
	json_object_object_add(m, "generation_enabled", json_object_new_boolean(1));
	json_object_object_add(m, "tab_generate", json_object_new_boolean(1));
	json_object_object_add(m, "max_prompt", json_object_new_int(c->gen_max_prompt));
	json_object_object_add(m, "negative_enabled", json_object_new_boolean(strcmp(c->gen_negative_prompt, "off") != 0));
	json_object_object_add(m, "model_name", json_object_new_string(c->gen_model));
	for (size_t i = 0; i < gen_nstyles; i++) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "key", json_object_new_string(gen_styles[i].key));
		json_object_object_add(o, "label", json_object_new_string(page_t(r, gen_styles[i].label)));
		json_object_object_add(o, "checked", json_object_new_boolean(style && strcmp(style, gen_styles[i].key) == 0));
		json_object_array_add(styles, o);
	}
	json_object_object_add(m, "styles", styles);
	json_object_object_add(m, "no_style", json_object_new_boolean(!style || !gen_style_find(style)));
	for (int i = 1; i <= c->gen_max_images; i++) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "n", json_object_new_int(i));
		json_object_object_add(o, "selected", json_object_new_boolean(i == c->gen_max_images));
		json_object_array_add(counts, o);
	}
	json_object_object_add(m, "counts", counts);
	if (gens_count_today(r->app->db, r->user->id, &used) == DB_OK) {
		int left = c->gen_daily_quota - used;

		json_object_object_add(m, "remaining", json_object_new_string(arena_printf(r->arena, "%d", left > 0 ? left : 0)));
		if (left <= 0)
			json_object_object_add(m, "quota_used", json_object_new_boolean(1));
	}
	return m;
}

static int generate_render_form(struct request *r, int status, struct form *f, const char *flash)
{
	struct str style = http_kv_get(&r->form, "style");
	struct json_object *m = generate_model(r, page_t(r, N_("Generate a portrait")),
					       style.ptr ? arena_strndup(r->arena, style.ptr, style.len) : NULL);

	if (f)
		form_to_model(f, m);
	if (flash)
		json_object_object_add(m, "flash_error", json_object_new_string(page_t(r, flash)));
	return page_render(r, status, "pages/generate", m);
}

int generate_form(struct request *r)
{
	int rc = auth_require(r);

	if (rc)
		return rc;
	if (!generate_enabled(r))
		return 404;
	return generate_render_form(r, 200, NULL, NULL);
}

/* Unposted uploads and results older than a day: a bounded amount of
 * clean-up paid by the person who left them. */
static void generate_sweep(struct request *r)
{
	char **hashes = NULL;
	size_t n = 0;

	if (attach_drafts_expire(r->app->db, r->arena, r->user->id, GEN_DRAFT_TTL, GEN_DRAFT_SWEEP, &hashes, &n) != DB_OK)
		return;
	for (size_t i = 0; i < n; i++)
		uploads_forget(r, hashes[i]);
}

int generate_create(struct request *r)
{
	const struct conf *c = r->app->conf;
	const char *prompt, *negative, *style;
	unsigned long long id = 0, count = 0, used = 0;
	struct gen_new g;
	struct form f;
	int retry = 0, rc = auth_require(r);

	if (rc)
		return rc;
	if (!generate_enabled(r))
		return 404;
	form_init(&f, r);
	prompt = form_text(&f, "prompt", (size_t)c->gen_max_prompt, false);
	negative = form_text(&f, "negative_prompt", GEN_NEGATIVE_MAX, false);
	style = form_text(&f, "style", 32, false);
	form_keep(&f, "prompt", prompt);
	form_keep(&f, "negative_prompt", negative);
	form_keep(&f, "style", style);
	if (!prompt[0])
		form_fail(&f, "prompt", N_("Describe the portrait you want."));
	if (style[0] && !gen_style_find(style))
		style = "";
	if (str_to_u64(http_kv_get(&r->form, "n"), &count) < 0 || count < 1 || count > (unsigned long long)c->gen_max_images)
		count = (unsigned long long)c->gen_max_images;
	if (f.failed)
		return generate_render_form(r, 422, &f, NULL);
	rc = ratelimit_hit(r->app->rds, "generate", arena_printf(r->arena, "%llu", r->user->id), c->gen_rate_limit,
			   c->gen_rate_window, &retry);
	if (rc == RATELIMIT_OVER) {
		response_header_add(&r->res, "Retry-After", arena_printf(r->arena, "%d", retry));
		return generate_render_form(r, 429, &f, N_("You are generating images quickly. Please wait a minute."));
	}
	if (attach_bytes_of_user(r->app->db, r->user->id, &used) != DB_OK)
		return 503;
	if (used >= c->quota_bytes)
		return generate_render_form(r, 422, &f, N_("Your storage is full. Delete some posts to upload more."));
	generate_sweep(r);
	memset(&g, 0, sizeof(g));
	g.user_id = r->user->id;
	g.prompt = prompt;
	g.negative_prompt = strcmp(c->gen_negative_prompt, "off") == 0 ? "" : negative;
	g.style = style;
	g.images = (int)count;
	g.engine = generate_engine(r);
	g.model = c->gen_model;
	g.daily_quota = c->gen_daily_quota;
	rc = gens_create(r->app->db, &g, generate_stale_s(c), &id);
	if (rc == GENS_QUOTA)
		return generate_render_form(r, 429, &f,
					    N_("You have used all of today's generations. You can generate again tomorrow."));
	if (rc != DB_OK && rc != GENS_BUSY)
		return rc == DB_UNAVAILABLE ? 503 : 500;
	if (rc == DB_OK) {
		if (jobs_store_enqueue(r->app->rds, c->jobs_stream, "generate", arena_printf(r->arena, "%llu", id)) < 0) {
			/* Nobody would run it: settle it now rather than leave it spinning. */
			gens_fail(r->app->db, id, "engine_down");
			log_warn("event=enqueue_failed kind=generate args=%llu", id);
		}
		auth_event(r, "generation_requested", r->user->id, arena_printf(r->arena, "generation %llu", id));
	}
	/* A request still running is shown instead of starting a second one. */
	response_header_add(&r->res, "Location", arena_printf(r->arena, "%s/new/generate/%llu", c->base_url, id));
	return 303;
}

/* The viewer's own generation of the :id parameter (anyone else's is a 404). */
static int generate_load(struct request *r, unsigned long long id, struct generation *g)
{
	int rc;

	if (!generate_enabled(r))
		return 404;
	rc = gens_find(r->app->db, r->arena, id, g);
	if (rc == GENS_NOT_FOUND || (rc == DB_OK && g->user_id != r->user->id))
		return 404;
	if (rc != DB_OK)
		return 503;
	if ((strcmp(g->status, "pending") == 0 || strcmp(g->status, "running") == 0) &&
	    g->age_s > generate_stale_s(r->app->conf) && gens_fail(r->app->db, id, "lost") == DB_OK) {
		log_warn("event=generation_lost id=%llu age_s=%lld", id, g->age_s);
		g->status = "failed";
		g->error = "lost";
	}
	return 0;
}

static bool generate_waiting(const struct generation *g)
{
	return strcmp(g->status, "pending") == 0 || strcmp(g->status, "running") == 0;
}

int generate_render_result(struct request *r, int status, unsigned long long gen_id, struct form *f, const char *key)
{
	struct json_object *m, *gm, *results;
	struct post_media *media = NULL;
	struct generation g;
	size_t n = 0;
	int rc = generate_load(r, gen_id, &g);

	if (rc)
		return rc;
	m = generate_model(r, page_t(r, N_("Generate a portrait")), g.style);
	gm = json_object_new_object();
	json_object_object_add(gm, "id", json_object_new_string(arena_printf(r->arena, "%llu", g.id)));
	json_object_object_add(gm, "status", json_object_new_string(g.status));
	json_object_object_add(gm, "prompt", json_object_new_string(g.prompt));
	json_object_object_add(gm, "model", json_object_new_string(g.model));
	json_object_object_add(m, "generation", gm);
	if (generate_waiting(&g)) {
		json_object_object_add(m, "waiting", json_object_new_boolean(1));
	} else if (strcmp(g.status, "failed") == 0) {
		struct form again;

		json_object_object_add(m, "failed", json_object_new_boolean(1));
		json_object_object_add(m, "flash_error", json_object_new_string(page_t(r, generate_error_msgid(g.error))));
		/* The form again, filled in, to try once more. */
		form_init(&again, r);
		form_keep(&again, "prompt", g.prompt);
		form_keep(&again, "negative_prompt", g.negative_prompt);
		form_keep(&again, "style", g.style);
		form_to_model(&again, m);
	} else {
		if (gens_results(r->app->db, r->arena, g.id, &media, &n) != DB_OK)
			return 503;
		struct str picked = http_kv_get(&r->form, "media_id");
		bool any = false;

		/* The one picked before a refused post, else the first. */
		for (size_t i = 0; i < n && picked.ptr; i++)
			any = any || str_eq_c(picked, arena_printf(r->arena, "%llu", media[i].id));
		results = json_object_new_array();
		for (size_t i = 0; i < n; i++) {
			struct json_object *o = json_object_new_object();
			const char *mid = arena_printf(r->arena, "%llu", media[i].id);

			json_object_object_add(o, "media_id", json_object_new_string(mid));
			json_object_object_add(o, "number", json_object_new_int((int)i + 1));
			json_object_object_add(o, "feed_url", json_object_new_string(model_media_url(r, media[i].sha256, "feed")));
			json_object_object_add(o, "width", json_object_new_int(media[i].feed_width));
			json_object_object_add(o, "height", json_object_new_int(media[i].feed_height));
			json_object_object_add(o, "checked", json_object_new_boolean(any ? str_eq_c(picked, mid) : i == 0));
			json_object_array_add(results, o);
		}
		json_object_object_add(m, "results", results);
		json_object_object_add(m, n ? "done" : "gone", json_object_new_boolean(1));
		json_object_object_add(m, "idempotency_key", json_object_new_string(key && key[0] ? key : posts_new_key(r)));
		if (f)
			form_to_model(f, m);
	}
	return page_render(r, status, "pages/generate", m);
}

int generate_show(struct request *r)
{
	unsigned long long id;
	int rc = auth_require(r);

	if (rc)
		return rc;
	if (str_to_u64(req_param(r, "id"), &id) < 0)
		return 404;
	return generate_render_result(r, 200, id, NULL, NULL);
}

int generate_status(struct request *r)
{
	struct json_object *o;
	struct generation g;
	unsigned long long id;
	int rc = auth_require(r);

	if (rc)
		return rc;
	if (str_to_u64(req_param(r, "id"), &id) < 0)
		return 404;
	rc = generate_load(r, id, &g);
	if (rc)
		return rc;
	o = json_object_new_object();
	json_object_object_add(o, "status", json_object_new_string(g.status));
	if (g.error)
		json_object_object_add(o, "error", json_object_new_string(g.error));
	response_header_add(&r->res, "Cache-Control", "no-store");
	return page_json(r, 200, o);
}
