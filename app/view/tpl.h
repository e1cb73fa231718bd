#ifndef BB_TPL_H
#define BB_TPL_H
/*
 * Mustache templates, compiled once at start-up and rendered against
 * json-c view models.
 *
 * The language is Mustache as the spec defines it (interpolation,
 * sections, inverted sections, comments, partials, set delimiters) plus
 * the inheritance module: {{$name}}default{{/name}} is a block a parent
 * exposes and {{<parent}}{{$name}}...{{/name}}{{/parent}} renders the
 * parent with blocks overridden. Lambdas are not supported: view models
 * are plain JSON.
 *
 * Our choices where the spec leaves room:
 * - {{x}} escapes & < > " and ' (escape_html); {{{x}}} and {{&x}} are raw.
 * - Falsey values are: missing, null, false, "", 0 and the empty array
 *   (as in mustache.js: {{#count}}...{{/count}} hides a zero count).
 * - Objects and arrays interpolate as nothing (never as JSON).
 * - Numbers print as integers, or as the shortest decimal that reads back
 *   to the same double (1.21, not 1.2099999999999999).
 * - A missing partial or parent renders as nothing (as the spec says);
 *   tpl_set_check() finds them at start-up instead.
 * - {{#_}}Some text with {{name}}{{/_}} is a translation section (see
 *   struct tpl_render_opts).
 *
 * Limits: a template is at most TPL_MAX_SIZE bytes, sections nest at most
 * TPL_MAX_DEPTH deep in one template, and rendering stops descending at
 * TPL_MAX_DEPTH nested sections, partials, parents and blocks, so a
 * partial that includes itself forever renders a finite page. A render
 * that would produce more than TPL_MAX_OUTPUT bytes or visit more than
 * TPL_MAX_STEPS nodes fails (see tpl_set_limits()).
 *
 * A tpl_set is not safe for concurrent use by several threads: rendering
 * fills its translation cache. Each FastCGI worker process has its own copy.
 */
#include <stdbool.h>
#include <stddef.h>

struct buf;
struct json_object;

#define TPL_MAX_SIZE ((size_t)1 << 20)
#define TPL_MAX_DEPTH 64
#define TPL_MAX_OUTPUT ((size_t)32 << 20)
#define TPL_MAX_STEPS ((size_t)16 << 20)

/* Named compiled templates; names are like "layouts/base". */
struct tpl_set;

/* An empty set, or NULL when out of memory. */
struct tpl_set *tpl_set_new(void);

/* Free the set and every compiled template and translation. NULL is fine. */
void tpl_set_free(struct tpl_set *set);

/*
 * Compile src[0..len) and store it under name (copied; the set does not
 * keep src). Returns 0, or -1 with "name:line: message" appended to err
 * (err may be NULL) on a syntax error, a duplicate or invalid name, a
 * template over TPL_MAX_SIZE, or out of memory.
 */
int tpl_set_add(struct tpl_set *set, const char *name, const char *src, size_t len,
		struct buf *err);

/*
 * Add every *.mustache file under dir, recursively, in a stable (sorted)
 * order. A file's name is its path relative to dir without the extension:
 * dir/layouts/base.mustache is "layouts/base". Files and folders whose
 * names start with a dot are skipped. Returns 0, or -1 with a message in
 * err for the first unreadable file or template that does not compile
 * (templates added before it stay in the set).
 */
int tpl_set_load_dir(struct tpl_set *set, const char *dir, struct buf *err);

bool tpl_set_has(const struct tpl_set *set, const char *name);

/*
 * Check that every partial ({{>x}}) and parent ({{<x}}) that a template
 * names is in the set. Run it once everything is loaded so a missing
 * template fails at start-up, not at the first request. Returns 0, or -1
 * with one line per problem ("name:line: missing partial 'x'") in err.
 */
int tpl_set_check(const struct tpl_set *set, struct buf *err);

/*
 * Call fn once per translation section in every template, in the order
 * templates were added and sections appear; the same msgid may be
 * reported by several templates. msgid is NUL-terminated and lives as long
 * as the set. Returns 0.
 */
int tpl_set_msgids(const struct tpl_set *set,
		   void (*fn)(void *ud, const char *msgid, size_t len, const char *template_name),
		   void *ud);

/*
 * Lower (or raise) the render limits of this set: nodes visited and bytes
 * written per tpl_render(); 0 keeps a limit as it is. The defaults,
 * TPL_MAX_STEPS and TPL_MAX_OUTPUT, suit pages; tests and fuzzing use
 * smaller ones to fail fast.
 */
void tpl_set_limits(struct tpl_set *set, size_t max_steps, size_t max_output);

/* Counters for metrics and tests. */
struct tpl_stats {
	size_t templates;
	size_t translations_compiled; /* distinct translated strings compiled */
	size_t translation_hits;      /* renders served by an already compiled one */
	size_t translation_errors;    /* translated strings that did not compile */
};

void tpl_set_stats(const struct tpl_set *set, struct tpl_stats *out);

/*
 * Translation hook. msgid is the translation section's inner text with
 * leading and trailing whitespace removed and every other run of
 * whitespace turned into one space, e.g. "Hello, {{name}}!". Return the
 * translated text (a Mustache template using the same variables) and set
 * *out_len, or return NULL to keep the msgid. The returned text need only
 * live until the call returns: the set keeps its own compiled copy, keyed
 * by content, and compiles each distinct text once. A translation that
 * does not compile falls back to the msgid.
 */
typedef const char *(*tpl_translate_fn)(void *ud, const char *msgid, size_t len,
					size_t *out_len);

struct tpl_render_opts {
	tpl_translate_fn translate; /* NULL: render msgids as they are */
	void *translate_ud;
};

/*
 * Render template name with ctx (any JSON value, NULL for none) as the
 * bottom of the context stack, appending to out. opts may be NULL.
 * Returns 0, or -1 when name is unknown, on out of memory, or past
 * TPL_MAX_OUTPUT / TPL_MAX_STEPS; out then has its previous contents.
 * ctx is only read.
 */
int tpl_render(const struct tpl_set *set, const char *name, struct json_object *ctx,
	       const struct tpl_render_opts *opts, struct buf *out);

#endif
