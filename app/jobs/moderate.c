#include "jobs/moderate.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/conf.h"
#include "core/log.h"
#include "i18n/i18n.h"
#include "jobs/kinds.h"
#include "jobs/notify.h"
#include "media/storage.h"
#include "moderation/moderate.h"
#include "moderation/policy.h"
#include "store/jobs_store.h"
#include "store/db.h"
#include "store/posts.h"
#include "web/app.h"
#include "core/banned.h"

#define RESWEEP_BATCH 500

void moderate_resweep(struct app *app, struct arena *a)
{
	const struct conf *c = app->conf;
	unsigned long long *ids;
	size_t n;

	if (posts_stale_pending(app->db, a, (unsigned long long)c->mod_resweep_after, RESWEEP_BATCH, &ids, &n) != DB_OK)
		return;
	jobs_store_enqueue_ids(app->rds, c->jobs_stream, "moderate", ids, n);
	if (n)
		log_info("event=moderation_resweep posts=%zu", n);
}

/* The configured policy (percent keys) as the engine's numbers. */
static void moderate_policy(const struct conf *c, struct mod_policy *p)
{
	mod_policy_defaults(p);
	p->require_face = c->mod_require_face != 0;
	p->require_woman = c->mod_require_woman != 0;
	p->check_explicit = c->mod_check_explicit != 0;
	p->female_accept = (float)c->mod_female_accept / 100.0f;
	p->female_review = (float)c->mod_female_review / 100.0f;
	p->explicit_reject = (float)c->mod_explicit_reject / 100.0f;
	p->explicit_review = (float)c->mod_explicit_review / 100.0f;
	p->suggestive_review = (float)c->mod_suggestive_review / 100.0f;
}

/* The scores as a moderator reads them (and the API may show). */
static char *moderate_scores(struct arena *a, const struct mod_result *r, enum mod_decision d, enum mod_reason why)
{
	struct json_object *o = json_object_new_object(), *faces = json_object_new_array(), *nsfw = json_object_new_object();
	char *text;

	for (int i = 0; i < r->nfaces; i++) {
		struct json_object *f = json_object_new_object();

		json_object_object_add(f, "score", json_object_new_double(r->faces[i].score));
		json_object_object_add(f, "female", json_object_new_double(r->faces[i].female));
		json_object_object_add(f, "age", json_object_new_double(r->faces[i].age));
		json_object_array_add(faces, f);
	}
	for (int k = 0; k < MOD_NCLASSES; k++)
		json_object_object_add(nsfw, mod_class_names[k], json_object_new_double(r->nsfw[k]));
	json_object_object_add(o, "faces", faces);
	json_object_object_add(o, "nsfw", nsfw);
	json_object_object_add(o, "decision", json_object_new_string(mod_decision_name(d)));
	json_object_object_add(o, "reason", json_object_new_string(mod_reason_key(why)));
	json_object_object_add(o, "ms", json_object_new_double(r->ms_total));
	text = arena_strdup(a, json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
	return text;
}

/* The reason as the author reads it (a msgid, translated on display). */
static const char *moderate_reason_msgid(enum mod_reason r)
{
	switch (r) {
	case MOD_REASON_NO_FACE: return N_("No face was found in the image.");
	case MOD_REASON_NOT_WOMAN: return N_("The person does not appear to be a woman.");
	case MOD_REASON_EXPLICIT: return N_("The image looks explicit.");
	case MOD_REASON_UNSURE_WOMAN: return N_("BeauBelle AI was not sure the person is a woman; a moderator will decide.");
	case MOD_REASON_MAYBE_EXPLICIT: return N_("The image may be explicit; a moderator will decide.");
	case MOD_REASON_SUGGESTIVE: return N_("The image looks suggestive; a moderator will decide.");
	default: return NULL;
	}
}

/* An approved post's delivery, as if it had been posted approved (a
 * lost one is queued again by the delivery sweep). */
static void moderate_release(struct job_ctx *ctx, const struct post *p)
{
	char id[32];

	snprintf(id, sizeof(id), "%llu", p->id);
	jobs_store_enqueue(ctx->app->rds, ctx->app->conf->jobs_stream, "deliver", id);
}

int job_moderate(struct job_ctx *ctx, const struct job *job, struct buf *why)
{
	struct app *app = ctx->app;
	unsigned long long id = strtoull(job->args, NULL, 10);
	enum mod_reason reason = MOD_REASON_NONE;
	enum mod_decision decision;
	struct mod_policy policy;
	struct mod_result result;
	struct buf err = BUF_INIT;
	const char *state;
	char path[4096], *scores;
	bool temp = false;
	bool changed = false;
	struct post p;
	int rc;

	if (!id) {
		buf_puts(why, "bad post id");
		return JOB_FAILED;
	}
	rc = posts_find(app->db, ctx->arena, id, &p);
	if (rc == POSTS_NOT_FOUND)
		return JOB_DONE;
	if (rc != DB_OK) {
		buf_puts(why, "database unavailable");
		return JOB_RETRY;
	}
	if (strcmp(p.state, "pending") != 0)
		return JOB_DONE;
	if (!app->mod) {
		buf_puts(why, "the moderation models are not loaded (moderation mode is off in this worker)");
		return JOB_RETRY;
	}
	if (storage_open_file(app->media, p.media.sha256, "orig", app->conf->tmp_dir, path, sizeof(path),
			      &temp, &err) != 0) {
		/* A store that is down (or a bad hash, which cannot be: the row is ours) */
		buf_printf(why, "cannot read the image: %s", err.ptr ? err.ptr : "");
		buf_release(&err);
		return JOB_RETRY;
	}
	rc = mod_analyze_file(app->mod, path, &result, &err);
	if (temp)
		unlink(path);
	/* A remote server down or confused is no verdict: try again later. */
	if (rc == MOD_EINTERNAL || rc == MOD_EREMOTE) {
		buf_printf(why, "analysis failed: %s", err.ptr ? err.ptr : "");
		buf_release(&err);
		return JOB_RETRY;
	}
	if (rc == MOD_EIMAGE) {
		/* The stored file is ours; if even it cannot be read, a person decides. */
		decision = MOD_REVIEW;
		memset(&result, 0, sizeof(result));
	} else {
		moderate_policy(app->conf, &policy);
		decision = mod_decide(&result, &policy, &reason);
	}
	buf_release(&err);
	state = decision == MOD_APPROVE ? "approved" : decision == MOD_REJECT ? "rejected" : "review";
	scores = moderate_scores(ctx->arena, &result, decision, reason);
	rc = posts_moderate(app->db, id, state, moderate_reason_msgid(reason), scores, &changed);
	if (rc != DB_OK) {
		buf_puts(why, "database unavailable");
		return JOB_RETRY;
	}
	if (!changed)
		return JOB_DONE;
	log_info("event=moderated post_id=%llu decision=%s reason=%s ms=%.0f", id, state, mod_reason_key(reason),
		 result.ms_total);
	if (decision == MOD_APPROVE)
		moderate_release(ctx, &p);
	return notify_moderation(ctx, p.user_id, p.id, state);
}

int job_moderated(struct job_ctx *ctx, const struct job *job, struct buf *why)
{
	char *sep;
	unsigned long long id = strtoull(job->args, &sep, 10);
	const char *state = *sep == ':' ? sep + 1 : "";
	struct post p;
	int rc;

	if (!id || (strcmp(state, "approved") && strcmp(state, "rejected") && strcmp(state, "removed"))) {
		buf_puts(why, "expected POST_ID:approved|rejected|removed");
		return JOB_FAILED;
	}
	rc = posts_find(ctx->app->db, ctx->arena, id, &p);
	if (rc == POSTS_NOT_FOUND)
		return JOB_DONE;
	if (rc != DB_OK) {
		buf_puts(why, "database unavailable");
		return JOB_RETRY;
	}
	/* The decision may have changed again since; act on the current one. */
	if (strcmp(p.state, state) != 0)
		return JOB_DONE;
	if (strcmp(state, "approved") == 0)
		moderate_release(ctx, &p);
	return notify_moderation(ctx, p.user_id, p.id, state);
}
