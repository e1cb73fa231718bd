#ifndef BB_I18N_H
#define BB_I18N_H
/*
 * Translations: one catalog per shipped language, loaded from
 * locale/LANG.po at start-up and read-only afterwards, so workers share
 * it without locks. msgids are the English source text (the gettext
 * convention); a missing or untranslated entry falls back to the msgid.
 *
 * Placeholders inside catalog strings are written {{name}}, as in the
 * templates, and are filled by i18n_expand(); catalog text is never
 * used as a printf format, so a translator's typo cannot crash a worker.
 *
 * A NULL catalog is accepted everywhere and means "the English source".
 */
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

struct buf;

/* Marks a C string literal as a msgid for scripts/i18n-check without
 * translating it; the code hands it to i18n_gettext() and friends. */
#define N_(s) (s)
/* Marks the msgid_plural given to i18n_ngettext(). */
#define NP_(s) (s)

struct i18n;
struct i18n_set;

/* The languages BeauBelle ships, in a fixed order: "ja", "en". */
extern const char *const i18n_languages[];
extern const size_t i18n_nlanguages;

/*
 * Load one catalog from a .po file (po_load) and index it. The header
 * must name a Language and, when any entry is plural, a Plural-Forms
 * this module can evaluate (nplurals=1; plural=0 — Japanese; nplurals=2;
 * plural=(n != 1) — English; nplurals=2; plural=(n > 1)); any other rule
 * is refused rather than guessed. Fuzzy and untranslated entries are
 * left out. Returns 0 and a catalog freed with i18n_free(), or
 * -1 with "FILE:LINE: what" in err.
 */
int i18n_load(const char *path, struct i18n **out,
		      char *err, size_t errlen);
/* As i18n_load() from bytes in memory; name labels errors. */
int i18n_parse(const char *name, const char *data, size_t len,
		       struct i18n **out, char *err, size_t errlen);
void i18n_free(struct i18n *cat);

/* The catalog's "Language:" header, e.g. "ja"; "en" for NULL. */
const char *i18n_lang(const struct i18n *cat);

/*
 * Load DIR/LANG.po for every shipped language; all must be present and
 * valid (start-up fails loudly otherwise). Free with i18n_free().
 */
int i18n_set_load(const char *dir, struct i18n_set **out, char *err, size_t errlen);
void i18n_set_free(struct i18n_set *set);
/* The catalog for a language from i18n_negotiate(); the English one
 * when lang is unknown. NULL only when set is NULL. */
const struct i18n *i18n_set_get(const struct i18n_set *set, const char *lang);

/*
 * The translation of msgid (len bytes, no context), or NULL when the
 * catalog has no translated entry. For a plural entry this is the first
 * form. The result lives as long as the catalog; *out_len may be NULL.
 */
const char *i18n_lookup(const struct i18n *cat, const char *msgid, size_t len,
			size_t *out_len);

/* The translation of msgid, or msgid itself. */
const char *i18n_gettext(const struct i18n *cat, const char *msgid);
/* As i18n_gettext() for the entry with msgctxt ctxt. */
const char *i18n_pgettext(const struct i18n *cat, const char *ctxt, const char *msgid);
/*
 * The form of msgid/msgid_plural for the count n, chosen by the
 * catalog's plural rule; without a translated entry, msgid when n == 1
 * and msgid_plural otherwise (the English rule, as gettext does).
 */
const char *i18n_ngettext(const struct i18n *cat, const char *msgid,
			  const char *msgid_plural, unsigned long long n);

/*
 * A tpl_translate_fn: ud is a const struct i18n *. Returns the
 * translation and its length, or NULL to have the engine use the msgid.
 */
const char *i18n_tpl_translate(void *ud, const char *msgid, size_t len, size_t *out_len);

/*
 * Append tmpl to out with each {{key}} replaced by the value paired with
 * it in kv (key0, value0, key1, value1, ...; nkv counts pairs). Values are
 * copied as they are (the caller escapes for its output); an unknown
 * {{key}} is copied literally so a mistake shows instead of vanishing.
 * Returns 0 or -1 when out of memory.
 */
int i18n_expand(struct buf *out, const char *tmpl, const char *const *kv, size_t nkv);

/*
 * Choose the page language: a valid user setting wins; then the
 * Accept-Language header (q-values honoured, q=0 excludes, "ja-JP"
 * counts as "ja", "*" as the instance default, ties go to the earlier
 * range); then instance_default. Any argument may be NULL. Returns one
 * of i18n_languages (a static string), "en" when the default is not one.
 */
const char *i18n_negotiate(const char *accept_language, const char *user_setting,
			   const char *instance_default);

/*
 * "just now", "3 minutes ago", "5 hours ago", "yesterday", "Nov 28",
 * "Nov 28, 2023" (and their translations) for the instant t seen at now.
 * Calendar days are taken at UTC offset utc_offset seconds (the reader's
 * time zone; +32400 for Japan). A t in the future reads "just now".
 * Writes a NUL-terminated string into out; returns 0, or -1 when it
 * does not fit (out then holds "").
 */
int i18n_format_reltime(const struct i18n *cat, time_t t, time_t now,
			long utc_offset, char *out, size_t size);

/*
 * A count for buttons and profiles: "1,234" up to 9,999, then compact:
 * "12.3K", "123K", "1.2M", "3.4B" in English; "1.2万", "123万", "9,999万", "1.2億"
 * in Japanese (myriad units). Digits are truncated, not rounded, so a
 * count never reads higher than it is. Returns 0, or -1 when out is too
 * small (24 bytes always suffice).
 */
int i18n_format_count(const struct i18n *cat, unsigned long long n,
		      char *out, size_t size);

#endif
