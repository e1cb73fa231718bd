#ifndef BB_MODERATION_POLICY_H
#define BB_MODERATION_POLICY_H
/*
 * From the models' numbers to a decision: approve, send to a person for
 * review, or reject with a reason the author can read. The thresholds
 * are configuration (the defaults below follow the seed product: a
 * face is required, the person must appear to be a woman, explicit
 * images are rejected); they are bands rather than single cut-offs
 * because the models are wrong often enough that the uncertain middle
 * belongs to a human (see docs/models.md for what they got wrong).
 */
#include <stdbool.h>

struct mod_result;

struct mod_policy {
	bool require_face;
	bool require_woman;
	bool check_explicit;
	/* P(female) of the largest face: >= accept passes, >= review goes
	 * to review, below is rejected. */
	float female_accept, female_review;
	/* Porn + Hentai: >= reject is rejected, >= review goes to review. */
	float explicit_reject, explicit_review;
	/* Sexy: >= review goes to review (glamour portraits score high). */
	float suggestive_review;
};

enum mod_decision {
	MOD_APPROVE,
	MOD_REVIEW,
	MOD_REJECT,
};

enum mod_reason {
	MOD_REASON_NONE,
	MOD_REASON_NO_FACE,
	MOD_REASON_NOT_WOMAN,
	MOD_REASON_EXPLICIT,
	MOD_REASON_UNSURE_WOMAN,
	MOD_REASON_MAYBE_EXPLICIT,
	MOD_REASON_SUGGESTIVE,
};

void mod_policy_defaults(struct mod_policy *p);

/*
 * The decision on r under p, and why (*reason). A rejection wins over a
 * review; among reasons of one kind the cheapest phase's comes first.
 * Phases that did not run (no face score, nsfw of -1) decide nothing.
 */
enum mod_decision mod_decide(const struct mod_result *r, const struct mod_policy *p,
			     enum mod_reason *reason);

/* "approve", "review", "reject". */
const char *mod_decision_name(enum mod_decision d);
/* A short key ("no_face", …) and an English sentence for the author
 * (a msgid for translation; "" for MOD_REASON_NONE). */
const char *mod_reason_key(enum mod_reason r);
const char *mod_reason_text(enum mod_reason r);

#endif
