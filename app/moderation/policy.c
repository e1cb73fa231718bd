/*
 * Decisions from scores (policy.h).
 */
#include <stddef.h>

#include "moderation/moderate.h"
#include "moderation/policy.h"

#include "core/banned.h"

void mod_policy_defaults(struct mod_policy *p)
{
	p->require_face = true;
	p->require_woman = true;
	p->check_explicit = true;
	/* A clear studio portrait of a woman scored 0.85 as a PNG and 0.76
	 * after our WebP encoding, which is what the pipeline reads: 0.8 would
	 * send ordinary portraits to people. */
	p->female_accept = 0.7f;
	p->female_review = 0.5f;
	p->explicit_reject = 0.7f;
	p->explicit_review = 0.3f;
	p->suggestive_review = 0.9f;
}

/* The face with the largest box: the subject of a portrait. */
static const struct mod_face *mod_main_face(const struct mod_result *r)
{
	const struct mod_face *best = NULL;

	for (int i = 0; i < r->nfaces; i++)
		if (!best || r->faces[i].w * r->faces[i].h > best->w * best->h)
			best = &r->faces[i];
	return best;
}

enum mod_decision mod_decide(const struct mod_result *r, const struct mod_policy *p,
			     enum mod_reason *reason)
{
	const struct mod_face *face = mod_main_face(r);
	float expl = r->nsfw[MOD_PORN] + r->nsfw[MOD_HENTAI];
	bool nsfw_ran = r->nsfw[MOD_PORN] >= 0;
	enum mod_reason review = MOD_REASON_NONE;

	*reason = MOD_REASON_NONE;
	if (p->require_face && !face) {
		*reason = MOD_REASON_NO_FACE;
		return MOD_REJECT;
	}
	if (p->require_woman && face && face->female >= 0) {
		if (face->female < p->female_review) {
			*reason = MOD_REASON_NOT_WOMAN;
			return MOD_REJECT;
		}
		if (face->female < p->female_accept)
			review = MOD_REASON_UNSURE_WOMAN;
	}
	if (p->check_explicit && nsfw_ran) {
		if (expl >= p->explicit_reject) {
			*reason = MOD_REASON_EXPLICIT;
			return MOD_REJECT;
		}
		if (review == MOD_REASON_NONE && expl >= p->explicit_review)
			review = MOD_REASON_MAYBE_EXPLICIT;
		if (review == MOD_REASON_NONE && r->nsfw[MOD_SEXY] >= p->suggestive_review)
			review = MOD_REASON_SUGGESTIVE;
	}
	*reason = review;
	return review == MOD_REASON_NONE ? MOD_APPROVE : MOD_REVIEW;
}

const char *mod_decision_name(enum mod_decision d)
{
	switch (d) {
	case MOD_APPROVE: return "approve";
	case MOD_REVIEW: return "review";
	case MOD_REJECT: return "reject";
	}
	return "review";
}

const char *mod_reason_key(enum mod_reason r)
{
	switch (r) {
	case MOD_REASON_NONE: return "";
	case MOD_REASON_NO_FACE: return "no_face";
	case MOD_REASON_NOT_WOMAN: return "not_woman";
	case MOD_REASON_EXPLICIT: return "explicit";
	case MOD_REASON_UNSURE_WOMAN: return "unsure_woman";
	case MOD_REASON_MAYBE_EXPLICIT: return "maybe_explicit";
	case MOD_REASON_SUGGESTIVE: return "suggestive";
	}
	return "";
}

const char *mod_reason_text(enum mod_reason r)
{
	switch (r) {
	case MOD_REASON_NONE: return "";
	case MOD_REASON_NO_FACE: return "no face found";
	case MOD_REASON_NOT_WOMAN: return "the person does not appear to be a woman";
	case MOD_REASON_EXPLICIT: return "the image looks explicit";
	case MOD_REASON_UNSURE_WOMAN: return "the person may not be a woman";
	case MOD_REASON_MAYBE_EXPLICIT: return "the image may be explicit";
	case MOD_REASON_SUGGESTIVE: return "the image looks suggestive";
	}
	return "";
}
