/*
 * The moderation policy on made-up scores: each band edge of the
 * defaults, the order in which reasons win, phases that did not run,
 * and checks turned off.
 */
#include <string.h>

#include "moderation/moderate.h"
#include "moderation/policy.h"
#include "tap.h"

#include "core/banned.h"

/* A result with one face of P(female) female (or none when female is
 * below -1) and the NSFW classes given (all -1: phase 3 did not run). */
static struct mod_result result(float female, float porn, float hentai, float sexy)
{
	struct mod_result r;

	memset(&r, 0, sizeof(r));
	if (female >= -1) {
		r.nfaces = 1;
		r.faces[0] = (struct mod_face){ 10, 10, 100, 100, 0.9f, female, 30 };
	}
	for (int i = 0; i < MOD_NCLASSES; i++)
		r.nsfw[i] = porn < 0 ? -1 : 0;
	if (porn >= 0) {
		r.nsfw[MOD_PORN] = porn;
		r.nsfw[MOD_HENTAI] = hentai;
		r.nsfw[MOD_SEXY] = sexy;
		r.nsfw[MOD_NEUTRAL] = 1 - porn - hentai - sexy;
	}
	return r;
}

static void check(const struct mod_result *r, const struct mod_policy *p, enum mod_decision want_d,
		  const char *want_reason, const char *name)
{
	enum mod_reason reason;
	enum mod_decision d = mod_decide(r, p, &reason);

	is_str(mod_decision_name(d), mod_decision_name(want_d), "%s: decision", name);
	is_str(mod_reason_key(reason), want_reason, "%s: reason", name);
}

int main(void)
{
	struct mod_policy p;
	struct mod_result r;

	mod_policy_defaults(&p);
	r = result(0.95f, 0.01f, 0.01f, 0.05f);
	check(&r, &p, MOD_APPROVE, "", "a clear, decent portrait of a woman");
	r = result(-2, 0.01f, 0.01f, 0.05f);
	check(&r, &p, MOD_REJECT, "no_face", "no face");
	r = result(0.2f, 0.01f, 0.01f, 0.05f);
	check(&r, &p, MOD_REJECT, "not_woman", "P(female) 0.2");
	r = result(0.6f, 0.01f, 0.01f, 0.05f);
	check(&r, &p, MOD_REVIEW, "unsure_woman", "P(female) 0.6 is in the review band");
	r = result(p.female_accept, 0.01f, 0.01f, 0.05f);
	check(&r, &p, MOD_APPROVE, "", "P(female) exactly at female_accept passes");
	r = result(p.female_review, 0.01f, 0.01f, 0.05f);
	check(&r, &p, MOD_REVIEW, "unsure_woman", "P(female) exactly at female_review is reviewed");
	r = result(0.95f, 0.5f, 0.3f, 0.1f);
	check(&r, &p, MOD_REJECT, "explicit", "Porn + Hentai 0.8");
	r = result(0.95f, 0.2f, 0.15f, 0.1f);
	check(&r, &p, MOD_REVIEW, "maybe_explicit", "Porn + Hentai 0.35");
	r = result(0.95f, 0.01f, 0.01f, 0.95f);
	check(&r, &p, MOD_REVIEW, "suggestive", "Sexy 0.95");
	r = result(0.6f, 0.5f, 0.3f, 0.1f);
	check(&r, &p, MOD_REJECT, "explicit", "a rejection wins over a review");
	r = result(0.6f, 0.2f, 0.15f, 0.95f);
	check(&r, &p, MOD_REVIEW, "unsure_woman", "the cheapest phase's review reason comes first");
	r = result(0.95f, -1, 0, 0);
	check(&r, &p, MOD_APPROVE, "", "NSFW not run decides nothing");
	r = result(-1, 0.01f, 0.01f, 0.05f);
	check(&r, &p, MOD_APPROVE, "", "gender not run decides nothing");

	/* The largest face is the subject. */
	r = result(0.95f, 0.01f, 0.01f, 0.05f);
	r.faces[1] = (struct mod_face){ 0, 0, 300, 300, 0.8f, 0.1f, 40 };
	r.nfaces = 2;
	check(&r, &p, MOD_REJECT, "not_woman", "judged on the largest face");

	p.require_face = false;
	p.require_woman = false;
	r = result(-2, 0.01f, 0.01f, 0.05f);
	check(&r, &p, MOD_APPROVE, "", "no face is fine when faces are not required");
	r = result(0.1f, 0.01f, 0.01f, 0.05f);
	check(&r, &p, MOD_APPROVE, "", "a man is fine when women are not required");
	p.check_explicit = false;
	r = result(0.95f, 0.9f, 0.05f, 0.0f);
	check(&r, &p, MOD_APPROVE, "", "explicit passes when the check is off");

	for (int i = MOD_REASON_NO_FACE; i <= MOD_REASON_SUGGESTIVE; i++)
		ok(mod_reason_text((enum mod_reason)i)[0] != '\0', "reason %s has a sentence", mod_reason_key((enum mod_reason)i));
	return done_testing();
}
