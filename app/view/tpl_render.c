/*
 * Renderer: walks a compiled template with a context stack of json-c
 * values. Nothing here parses template text, except a translated string
 * met for the first time (then cached in the set).
 *
 * Indentation. Every line of a template starts with a TPL_BOL node. The
 * renderer carries a policy for the lines it is emitting: a prefix to
 * write before each line and a number of leading whitespace bytes to drop
 * from it. A standalone partial "  {{>p}}" renders p with the prefix
 * grown by "  ", as the spec asks. A block body moved into a parent has
 * its own indentation dropped and the indentation of the block it
 * replaces added ("Block reindentation" in the inheritance spec). Prefixes
 * live in one buffer used as a stack, so nesting costs no allocation once
 * the buffer has grown.
 */
#include "view/tpl_impl.h"

#include <inttypes.h>
#include <json-c/json.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/buf.h"
#include "view/escape.h"

#include "core/banned.h"

/* Longest prefix kept; deeper indentation stops growing rather than fail. */
#define TPL_MAX_PREFIX 4096

struct tpl_frame {
	struct json_object *val;
	const struct tpl_frame *up;
};

/* The parent tags being rendered, innermost first: where blocks look for
 * their overrides. */
struct tpl_scope {
	const struct tpl_node *parent;
	const struct tpl_scope *outer;
};

/* Line policy: prefix is pfx.ptr[off..off+len); strip leading whitespace bytes. */
struct tpl_pol {
	size_t off, len, strip;
};

struct tpl_rstate {
	const struct tpl_set *set;
	const struct tpl_render_opts *opts;
	struct buf *out;
	size_t start;   /* out->len before the render */
	struct buf pfx; /* prefixes of the open levels, as a stack */
	size_t steps, max_steps, max_output;
	unsigned depth;
	/* The next line start is really the middle of a line (a block body
	 * or translation placed after other text): skip its prefix once. */
	bool no_prefix_once;
};

static int tpl_render_nodes(struct tpl_rstate *st, const struct tpl_node *kids, size_t n,
			    const struct tpl_frame *ctx, const struct tpl_scope *sc,
			    struct tpl_pol pol);

/* Append to the output within the render's output limit. */
static int tpl_emit(struct tpl_rstate *st, const char *s, size_t n)
{
	if (n == 0)
		return 0;
	st->no_prefix_once = false;
	if (n > st->max_output - (st->out->len - st->start))
		return -1;
	return buf_append(st->out, s, n);
}

static int tpl_emit_escaped(struct tpl_rstate *st, const char *s, size_t n)
{
	if (n == 0)
		return 0;
	st->no_prefix_once = false;
	if (escape_html(st->out, s, n) < 0)
		return -1;
	return st->out->len - st->start > st->max_output ? -1 : 0;
}

/*
 * The shortest "%g" text that reads back as d: 1.21 rather than
 * 1.2099999999999999. Returns the length, 0 for NaN and infinities
 * (which JSON cannot carry and a page should not show).
 */
static size_t tpl_format_double(double d, char *out, size_t cap)
{
	int n = 0;

	if (!isfinite(d))
		return 0;
	for (int prec = 1; prec <= 17; prec++) {
		n = snprintf(out, cap, "%.*g", prec, d);
		if (strtod(out, NULL) == d)
			break;
	}
	return n > 0 && (size_t)n < cap ? (size_t)n : 0;
}

/* Write a scalar; null, objects and arrays write nothing. */
static int tpl_emit_value(struct tpl_rstate *st, struct json_object *v, bool escape)
{
	char num[64];
	const char *s = num;
	size_t n = 0;
	int64_t i;

	switch (json_object_get_type(v)) {
	case json_type_string:
		s = json_object_get_string(v);
		n = (size_t)json_object_get_string_len(v);
		break;
	case json_type_boolean:
		s = json_object_get_boolean(v) ? "true" : "false";
		n = strlen(s);
		break;
	case json_type_int:
		/* json-c keeps integers past INT64_MAX as uint64. */
		i = json_object_get_int64(v);
		if (i == INT64_MAX)
			n = (size_t)snprintf(num, sizeof(num), "%" PRIu64, json_object_get_uint64(v));
		else
			n = (size_t)snprintf(num, sizeof(num), "%" PRId64, i);
		break;
	case json_type_double:
		n = tpl_format_double(json_object_get_double(v), num, sizeof(num));
		break;
	default:
		return 0;
	}
	return escape ? tpl_emit_escaped(st, s, n) : tpl_emit(st, s, n);
}

/*
 * Resolve a name against the context stack, as the spec says: the first
 * segment is looked up from the top of the stack down, the others only
 * inside what the first found ("{{a.b}}" never finds a "b" further
 * down once "a" is found). Returns whether the name resolved; *out may
 * then be NULL, json-c's JSON null.
 */
static bool tpl_lookup(const struct tpl_frame *f, const struct tpl_key *k, struct json_object **out)
{
	const char *seg = k->seg;
	struct json_object *v = NULL;

	if (k->nseg == 0) {
		*out = f ? f->val : NULL;
		return f != NULL;
	}
	for (; f; f = f->up) {
		struct lh_entry *e;

		if (!json_object_is_type(f->val, json_type_object))
			continue;
		e = lh_table_lookup_entry_w_hash(json_object_get_object(f->val), seg, k->hash);
		if (e) {
			v = (struct json_object *)lh_entry_v(e);
			break;
		}
	}
	if (!f)
		return false;
	for (unsigned i = 1; i < k->nseg; i++) {
		seg += strlen(seg) + 1;
		if (!json_object_is_type(v, json_type_object) || !json_object_object_get_ex(v, seg, &v))
			return false;
	}
	*out = v;
	return true;
}

/*
 * Falsey: null, false, "", [] and 0, as in mustache.js, so that
 * {{#unread_count}}badge{{/unread_count}} hides a zero count.
 */
static bool tpl_truthy(struct json_object *v)
{
	switch (json_object_get_type(v)) {
	case json_type_null:
		return false;
	case json_type_boolean:
		return json_object_get_boolean(v);
	case json_type_string:
		return json_object_get_string_len(v) > 0;
	case json_type_array:
		return json_object_array_length(v) > 0;
	case json_type_int:
		return json_object_get_int64(v) != 0;
	case json_type_double:
		return json_object_get_double(v) != 0.0;
	default:
		return true;
	}
}

/*
 * A policy for the lines under a standalone tag indented by ind: the
 * current prefix, then ind without the bytes the current policy strips
 * (ind is in source coordinates). strip is the new policy's strip. The
 * caller pops by restoring st->pfx.len.
 */
static int tpl_pol_push(struct tpl_rstate *st, struct tpl_pol cur, const char *ind, size_t ind_len,
			size_t strip, struct tpl_pol *out)
{
	size_t skip = ind_len < cur.strip ? ind_len : cur.strip, extra = ind_len - skip;

	*out = (struct tpl_pol){ cur.off, cur.len, strip };
	if (extra == 0 || cur.len + extra > TPL_MAX_PREFIX)
		return 0;
	if (buf_grow(&st->pfx, cur.len + extra) < 0)
		return -1;
	/* Both copies land past pfx.len, so they never overlap their source. */
	memcpy(st->pfx.ptr + st->pfx.len, st->pfx.ptr + cur.off, cur.len);
	memcpy(st->pfx.ptr + st->pfx.len + cur.len, ind + skip, extra);
	out->off = st->pfx.len;
	out->len = cur.len + extra;
	st->pfx.len += cur.len + extra;
	return 0;
}

static int tpl_emit_prefix(struct tpl_rstate *st, struct tpl_pol pol)
{
	return pol.len ? tpl_emit(st, st->pfx.ptr + pol.off, pol.len) : 0;
}

/*
 * A line start: the policy's prefix (not on empty lines, so indenting
 * adds no trailing whitespace), then the line's own indentation less what
 * the policy strips.
 */
static int tpl_render_bol(struct tpl_rstate *st, const struct tpl_node *k, struct tpl_pol pol)
{
	size_t skip = k->len < pol.strip ? k->len : pol.strip;

	if (st->no_prefix_once)
		st->no_prefix_once = false;
	else if (!k->empty_line && tpl_emit_prefix(st, pol) < 0)
		return -1;
	return tpl_emit(st, k->text + skip, k->len - skip);
}

/*
 * {{#x}} renders its body once per element of a non-empty array, else
 * once with x pushed on the context stack when x is truthy; {{^x}}
 * renders it once, with the stack as it is, when x is falsey or missing.
 */
static int tpl_render_section(struct tpl_rstate *st, const struct tpl_node *k,
			      const struct tpl_frame *ctx, const struct tpl_scope *sc,
			      struct tpl_pol pol)
{
	struct json_object *v = NULL;
	bool truthy = tpl_lookup(ctx, &k->key, &v) && tpl_truthy(v);
	int rc = 0;

	if (k->kind == TPL_INVERTED)
		return truthy ? 0 : tpl_render_nodes(st, k->kids, k->nkids, ctx, sc, pol);
	if (!truthy)
		return 0;
	if (json_object_is_type(v, json_type_array)) {
		size_t len = json_object_array_length(v);

		for (size_t i = 0; i < len && rc == 0; i++) {
			struct tpl_frame f = { json_object_array_get_idx(v, i), ctx };

			rc = ++st->steps > st->max_steps
				     ? -1
				     : tpl_render_nodes(st, k->kids, k->nkids, &f, sc, pol);
		}
		return rc;
	}
	{
		struct tpl_frame f = { v, ctx };

		return tpl_render_nodes(st, k->kids, k->nkids, &f, sc, pol);
	}
}

/*
 * Partials and parents. The spec indents a standalone partial's lines by
 * the whitespace before its tag; an inline one gets no indentation at all.
 * A parent also opens a block scope holding its overriding blocks.
 */
static int tpl_render_include(struct tpl_rstate *st, const struct tpl_node *k,
			      const struct tpl_frame *ctx, const struct tpl_scope *sc,
			      struct tpl_pol pol)
{
	const struct tpl_tmpl *t = tpl_set_find(st->set, k->name);
	struct tpl_scope inner = { k, sc };
	struct tpl_pol p2 = { 0, 0, 0 };
	size_t mark = st->pfx.len;
	int rc;

	if (!t)
		return 0;
	if (k->standalone && tpl_pol_push(st, pol, k->text, k->len, 0, &p2) < 0)
		return -1;
	rc = tpl_render_nodes(st, t->kids, t->nkids, ctx, k->kind == TPL_PARENT ? &inner : sc, p2);
	st->pfx.len = mark;
	return rc;
}

/*
 * The override for block name: the outermost parent tag that defines it
 * wins, so a page overrides its layout's own choices for the layout's
 * parent ("multi-level inheritance").
 */
static const struct tpl_node *tpl_scope_find(const struct tpl_scope *sc, const char *name)
{
	const struct tpl_node *found = NULL;

	for (; sc; sc = sc->outer) {
		for (size_t i = 0; i < sc->parent->nkids; i++) {
			if (strcmp(sc->parent->kids[i].name, name) == 0) {
				found = &sc->parent->kids[i];
				break;
			}
		}
	}
	return found;
}

/*
 * A block renders its default body, or the overriding body from a parent
 * tag. An overriding body loses its own indentation and, where the block
 * stood alone on its line, gains the block's: that of its default body,
 * or of the tag when the default is empty. Where the block stood inline,
 * the body's first line continues the line.
 */
static int tpl_render_block(struct tpl_rstate *st, const struct tpl_node *k,
			    const struct tpl_frame *ctx, const struct tpl_scope *sc,
			    struct tpl_pol pol)
{
	const struct tpl_node *def = tpl_scope_find(sc, k->name);
	size_t mark = st->pfx.len, strip;
	struct tpl_pol p2;
	int rc;

	if (!def)
		return tpl_render_nodes(st, k->kids, k->nkids, ctx, sc, pol);
	strip = def->has_lines ? def->indent_len : 0;
	if (!k->standalone) {
		p2 = (struct tpl_pol){ pol.off, pol.len, strip };
		st->no_prefix_once = def->body_bol;
		rc = tpl_render_nodes(st, def->kids, def->nkids, ctx, sc, p2);
		st->no_prefix_once = false;
		return rc;
	}
	if (k->has_lines)
		rc = tpl_pol_push(st, pol, k->indent, k->indent_len, strip, &p2);
	else
		rc = tpl_pol_push(st, pol, k->text, k->len, strip, &p2);
	/* A body that began inline has no line start of its own to carry
	 * the prefix. */
	if (rc == 0 && !def->body_bol)
		rc = tpl_emit_prefix(st, p2);
	if (rc == 0)
		rc = tpl_render_nodes(st, def->kids, def->nkids, ctx, sc, p2);
	st->pfx.len = mark;
	return rc;
}

/*
 * {{#_}}msgid{{/_}}: ask the catalog, then render its text (compiled once
 * and cached) or the msgid against the current context. The text sits
 * inline: its first line continues the current one.
 */
static int tpl_render_translation(struct tpl_rstate *st, const struct tpl_node *k,
				  const struct tpl_frame *ctx, const struct tpl_scope *sc,
				  struct tpl_pol pol)
{
	const struct tpl_render_opts *o = st->opts;
	const struct tpl_tmpl *t = k->msg;
	struct arena *tmp = NULL;
	int rc;

	if (o && o->translate) {
		size_t len = 0;
		const char *tr = o->translate(o->translate_ud, k->text, k->len, &len);

		/* The msgid is already compiled: no need to cache a copy. */
		if (tr && len <= TPL_MAX_SIZE && !(len == k->len && memcmp(tr, k->text, len) == 0)) {
			const struct tpl_tmpl *ct = tpl_set_translation(st->set, tr, len, &tmp);

			if (ct)
				t = ct;
		}
	}
	st->no_prefix_once = true;
	rc = tpl_render_nodes(st, t->kids, t->nkids, ctx, sc, (struct tpl_pol){ pol.off, pol.len, 0 });
	st->no_prefix_once = false;
	arena_free(tmp);
	return rc;
}

/*
 * Render one node. Nesting (sections, partials, parents, blocks,
 * translations) stops at TPL_MAX_DEPTH: past it a node renders nothing,
 * so a partial that includes itself forever ends instead of overflowing
 * the stack.
 */
static int tpl_render_node(struct tpl_rstate *st, const struct tpl_node *k,
			   const struct tpl_frame *ctx, const struct tpl_scope *sc,
			   struct tpl_pol pol)
{
	struct json_object *v = NULL;
	int rc;

	switch (k->kind) {
	case TPL_TEXT:
		return tpl_emit(st, k->text, k->len);
	case TPL_BOL:
		return tpl_render_bol(st, k, pol);
	case TPL_VAR:
	case TPL_RAW:
		if (!tpl_lookup(ctx, &k->key, &v))
			return 0;
		return tpl_emit_value(st, v, k->kind == TPL_VAR);
	default:
		break;
	}
	if (st->depth >= TPL_MAX_DEPTH)
		return 0;
	st->depth++;
	switch (k->kind) {
	case TPL_SECTION:
	case TPL_INVERTED:
		rc = tpl_render_section(st, k, ctx, sc, pol);
		break;
	case TPL_PARTIAL:
	case TPL_PARENT:
		rc = tpl_render_include(st, k, ctx, sc, pol);
		break;
	case TPL_BLOCK:
		rc = tpl_render_block(st, k, ctx, sc, pol);
		break;
	case TPL_TRANSLATE:
		rc = tpl_render_translation(st, k, ctx, sc, pol);
		break;
	default:
		rc = 0;
		break;
	}
	st->depth--;
	return rc;
}

static int tpl_render_nodes(struct tpl_rstate *st, const struct tpl_node *kids, size_t n,
			    const struct tpl_frame *ctx, const struct tpl_scope *sc,
			    struct tpl_pol pol)
{
	for (size_t i = 0; i < n; i++) {
		if (++st->steps > st->max_steps)
			return -1;
		if (tpl_render_node(st, &kids[i], ctx, sc, pol) < 0)
			return -1;
	}
	return 0;
}

int tpl_render(const struct tpl_set *set, const char *name, struct json_object *ctx,
	       const struct tpl_render_opts *opts, struct buf *out)
{
	const struct tpl_tmpl *t = tpl_set_find(set, name);
	struct tpl_rstate st = { .set = set, .opts = opts, .out = out, .start = out->len };
	struct tpl_frame root = { ctx, NULL };
	int rc;

	if (!t)
		return -1;
	buf_init(&st.pfx);
	tpl_set_get_limits(set, &st.max_steps, &st.max_output);
	rc = tpl_render_nodes(&st, t->kids, t->nkids, &root, NULL, (struct tpl_pol){ 0, 0, 0 });
	buf_release(&st.pfx);
	if (rc < 0 && out->ptr) {
		out->len = st.start;
		out->ptr[out->len] = '\0';
	}
	return rc;
}
