/*
 * Template compiler: source text to the node tree of tpl_impl.h.
 *
 * Three passes over a flat token list, because the standalone rules look
 * at a whole line at once and a line may hold several tags:
 *   1. tokenize: text (split after each newline) and tags, following set
 *      delimiter tags, matching every close tag to its opener, checking
 *      names and the translation-section rules;
 *   2. standalone: mark the whitespace and newline of lines that hold
 *      only a standalone tag for removal;
 *   3. build: turn the surviving tokens into nodes, adding a TPL_BOL node
 *      at the start of every line.
 */
#include "view/tpl_impl.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "core/arena.h"
#include "core/buf.h"

#include "core/banned.h"

#define TPL_MAX_DELIM 16
#define TPL_MAX_NAME 256
#define TPL_NONE SIZE_MAX
/* Quote at most this much of a tag in a message: a tag can be a long
 * multi-line comment. */
#define TPL_SHOW(n) ((int)((n) < 120 ? (n) : 120))

enum tpl_tok_kind {
	TK_TEXT,
	TK_VAR,
	TK_RAW,
	TK_SECTION,
	TK_INVERTED,
	TK_CLOSE,
	TK_COMMENT,
	TK_PARTIAL,
	TK_DELIM,
	TK_PARENT,
	TK_BLOCK,
};

/* What the standalone rules decided for a token. */
enum tpl_tok_fate {
	TF_KEEP,       /* rendered where it stands */
	TF_REMOVED,    /* whitespace or newline of a standalone line */
	TF_STANDALONE, /* a tag on a removed line */
	TF_PAIR,       /* {{$b}}{{/b}} alone on a line: indentation removed, newline kept */
};

struct tpl_tok {
	enum tpl_tok_kind kind;
	enum tpl_tok_fate fate;
	size_t start, end;        /* source bytes; the whole tag for tags */
	size_t name_off, name_len; /* trimmed tag content */
	size_t match;             /* opener <-> its close tag */
	size_t ws_off, ws_len;    /* whitespace before a standalone tag */
	unsigned line;
};

struct tpl_parser {
	struct arena *a;
	const char *name;
	const char *src; /* lives in the arena: nodes point into it */
	size_t len;
	bool translation;
	struct buf *err;
	struct tpl_tok *toks;
	size_t ntoks, cap;
	bool at_ls; /* build: the next kept token starts a line */
};

/* A growable node array on malloc; build copies it into the arena. */
struct tpl_vec {
	struct tpl_node *v;
	size_t n, cap;
};

static const struct tpl_tmpl *tpl_compile_src(struct arena *a, const char *name, const char *src,
					      size_t len, bool translation, unsigned first_line,
					      struct buf *err);

static int tpl_error(struct tpl_parser *p, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Append "name:line: message" to the caller's error buffer; returns -1. */
static int tpl_error(struct tpl_parser *p, unsigned line, const char *fmt, ...)
{
	va_list ap;

	if (!p->err)
		return -1;
	buf_printf(p->err, "%s:%u: ", p->name, line);
	va_start(ap, fmt);
	buf_vprintf(p->err, fmt, ap);
	va_end(ap);
	return -1;
}

static bool tpl_is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static bool tpl_is_indent(char c)
{
	return c == ' ' || c == '\t';
}

/* First occurrence of needle in hay, or NULL; memmem without _GNU_SOURCE. */
static const char *tpl_find(const char *hay, size_t hlen, const char *needle, size_t nlen)
{
	const char *p = hay, *last;

	if (nlen == 0 || hlen < nlen)
		return NULL;
	last = hay + (hlen - nlen);
	while (p <= last) {
		p = memchr(p, needle[0], (size_t)(last - p) + 1);
		if (!p)
			return NULL;
		if (memcmp(p, needle, nlen) == 0)
			return p;
		p++;
	}
	return NULL;
}

static unsigned tpl_count_lines(const char *s, size_t n)
{
	unsigned lines = 0;

	for (size_t i = 0; i < n; i++)
		lines += s[i] == '\n';
	return lines;
}

static struct tpl_tok *tpl_tok_push(struct tpl_parser *p)
{
	if (p->ntoks == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 64;
		struct tpl_tok *t = realloc(p->toks, cap * sizeof(*t));

		if (!t)
			return NULL;
		p->toks = t;
		p->cap = cap;
	}
	memset(&p->toks[p->ntoks], 0, sizeof(p->toks[0]));
	p->toks[p->ntoks].match = TPL_NONE;
	return &p->toks[p->ntoks++];
}

/*
 * Add src[from..to) as text tokens, one per line, so that the standalone
 * pass can find line ends by looking at the last byte of text tokens.
 */
static int tpl_push_text(struct tpl_parser *p, size_t from, size_t to, unsigned *line)
{
	while (from < to) {
		const char *nl = memchr(p->src + from, '\n', to - from);
		size_t end = nl ? (size_t)(nl - p->src) + 1 : to;
		struct tpl_tok *t = tpl_tok_push(p);

		if (!t)
			return tpl_error(p, *line, "out of memory");
		t->kind = TK_TEXT;
		t->start = from;
		t->end = end;
		t->line = *line;
		if (nl)
			(*line)++;
		from = end;
	}
	return 0;
}

static enum tpl_tok_kind tpl_sigil_kind(char c)
{
	switch (c) {
	case '#': return TK_SECTION;
	case '^': return TK_INVERTED;
	case '/': return TK_CLOSE;
	case '!': return TK_COMMENT;
	case '>': return TK_PARTIAL;
	case '&': return TK_RAW;
	case '<': return TK_PARENT;
	case '$': return TK_BLOCK;
	default: return TK_VAR;
	}
}

/*
 * Scan the tag whose opening delimiter is at s into t: kind, extent and
 * trimmed content. Only finds the closing delimiter; names are checked by
 * the caller.
 */
static int tpl_scan_tag(struct tpl_parser *p, size_t s, const char *otag, size_t olen,
			const char *ctag, size_t clen, unsigned line, struct tpl_tok *t)
{
	char needle[TPL_MAX_DELIM + 2];
	size_t q = s + olen, nlen = 0, from;
	const char *found;
	char c = q < p->len ? p->src[q] : '\0';

	t->line = line;
	t->start = s;
	if (c == '{' || c == '=') {
		/* {{{x}}} and {{=a b=}} end with their own character before
		 * the closing delimiter. */
		t->kind = c == '{' ? TK_RAW : TK_DELIM;
		needle[nlen++] = c == '{' ? '}' : '=';
		from = q + 1;
	} else {
		t->kind = c ? tpl_sigil_kind(c) : TK_VAR;
		from = t->kind == TK_VAR ? q : q + 1;
	}
	memcpy(needle + nlen, ctag, clen);
	nlen += clen;
	found = tpl_find(p->src + from, p->len - from, needle, nlen);
	if (!found)
		return tpl_error(p, line, "unclosed tag: no '%.*s' after '%.*s'", (int)nlen, needle,
				 (int)olen, otag);
	t->end = (size_t)(found - p->src) + nlen;
	t->name_off = from;
	t->name_len = (size_t)(found - p->src) - from;
	while (t->name_len && tpl_is_space(p->src[t->name_off])) {
		t->name_off++;
		t->name_len--;
	}
	while (t->name_len && tpl_is_space(p->src[t->name_off + t->name_len - 1]))
		t->name_len--;
	return 0;
}

/* Check a tag's name: present, no whitespace, and for keys no empty segment. */
static int tpl_check_name(struct tpl_parser *p, const struct tpl_tok *t)
{
	const char *n = p->src + t->name_off;
	size_t len = t->name_len;
	bool key = t->kind == TK_VAR || t->kind == TK_RAW || t->kind == TK_SECTION ||
		   t->kind == TK_INVERTED;

	if (len == 0)
		return tpl_error(p, t->line, "empty tag name");
	if (len > TPL_MAX_NAME)
		return tpl_error(p, t->line, "tag name longer than %d bytes", TPL_MAX_NAME);
	for (size_t i = 0; i < len; i++) {
		if (tpl_is_space(n[i]) || n[i] == '\0')
			return tpl_error(p, t->line, "tag name '%.*s' contains whitespace", (int)len, n);
	}
	if (!key || (len == 1 && n[0] == '.'))
		return 0;
	/* "a..b", ".a" and "a." name nothing; say so now rather than
	 * render an empty string forever. */
	if (n[0] == '.' || n[len - 1] == '.')
		return tpl_error(p, t->line, "bad name '%.*s'", (int)len, n);
	for (size_t i = 1; i < len; i++) {
		if (n[i] == '.' && n[i - 1] == '.')
			return tpl_error(p, t->line, "bad name '%.*s'", (int)len, n);
	}
	return 0;
}

/* Parse the content of {{=open close=}} into the two delimiters. */
static int tpl_set_delims(struct tpl_parser *p, const struct tpl_tok *t, char *otag, size_t *olen,
			  char *ctag, size_t *clen)
{
	const char *s = p->src + t->name_off, *e = s + t->name_len;
	const char *o = s, *oe, *c, *ce;

	oe = o;
	while (oe < e && !tpl_is_space(*oe))
		oe++;
	c = oe;
	while (c < e && tpl_is_space(*c))
		c++;
	ce = c;
	while (ce < e && !tpl_is_space(*ce))
		ce++;
	if (oe == o || ce == c || ce != e || oe - o > TPL_MAX_DELIM || ce - c > TPL_MAX_DELIM ||
	    memchr(o, '=', (size_t)(oe - o)) || memchr(c, '=', (size_t)(ce - c)))
		return tpl_error(p, t->line,
				 "bad set delimiters tag: want two delimiters of 1 to %d characters "
				 "without '=' or spaces",
				 TPL_MAX_DELIM);
	*olen = (size_t)(oe - o);
	memcpy(otag, o, *olen);
	*clen = (size_t)(ce - c);
	memcpy(ctag, c, *clen);
	return 0;
}

static bool tpl_tok_is(const struct tpl_parser *p, const struct tpl_tok *t, const char *name)
{
	size_t n = strlen(name);

	return t->name_len == n && memcmp(p->src + t->name_off, name, n) == 0;
}

/*
 * Pass 1. Besides splitting, this is where every syntax error is found:
 * unclosed tags and sections, mismatched close tags, bad names and
 * delimiters, nesting past TPL_MAX_DEPTH, and tags that a translation
 * section cannot hold (partials, parents, blocks, delimiters: a translator
 * edits the msgid text and should only see variables and sections).
 */
static int tpl_tokenize(struct tpl_parser *p, unsigned first_line)
{
	char otag[TPL_MAX_DELIM] = "{{", ctag[TPL_MAX_DELIM] = "}}";
	size_t olen = 2, clen = 2, depth = 0, trans = TPL_NONE, pos = 0;
	size_t stack[TPL_MAX_DEPTH];
	unsigned line = first_line;

	while (pos < p->len) {
		const char *o = tpl_find(p->src + pos, p->len - pos, otag, olen);
		size_t s = o ? (size_t)(o - p->src) : p->len;
		struct tpl_tok tag = { 0 }, *t;
		bool in_trans = p->translation || trans != TPL_NONE;

		if (tpl_push_text(p, pos, s, &line) < 0)
			return -1;
		if (!o)
			break;
		tag.match = TPL_NONE;
		if (tpl_scan_tag(p, s, otag, olen, ctag, clen, line, &tag) < 0)
			return -1;
		if (tag.kind != TK_COMMENT && tag.kind != TK_DELIM && tpl_check_name(p, &tag) < 0)
			return -1;
		if (in_trans && (tag.kind == TK_PARTIAL || tag.kind == TK_PARENT ||
				 tag.kind == TK_BLOCK || tag.kind == TK_DELIM))
			return tpl_error(p, line, "'%.*s' is not allowed in a translation section",
					 TPL_SHOW(tag.end - tag.start), p->src + tag.start);
		if (tag.kind == TK_SECTION && tpl_tok_is(p, &tag, "_")) {
			if (in_trans)
				return tpl_error(p, line, "translation sections cannot nest");
			if (olen != 2 || clen != 2 || memcmp(otag, "{{", 2) || memcmp(ctag, "}}", 2))
				return tpl_error(p, line,
						 "translation sections need the default {{ }} delimiters");
			trans = p->ntoks;
		}
		if (tag.kind == TK_DELIM && tpl_set_delims(p, &tag, otag, &olen, ctag, &clen) < 0)
			return -1;
		if (tag.kind == TK_CLOSE) {
			struct tpl_tok *open;

			if (depth == 0)
				return tpl_error(p, line, "close tag '%.*s' without an open section",
						 TPL_SHOW(tag.end - tag.start), p->src + tag.start);
			open = &p->toks[stack[depth - 1]];
			if (open->name_len != tag.name_len ||
			    memcmp(p->src + open->name_off, p->src + tag.name_off, tag.name_len))
				return tpl_error(p, line,
						 "close tag '%.*s' does not match '%.*s' opened on line %u",
						 TPL_SHOW(tag.end - tag.start), p->src + tag.start,
						 TPL_SHOW(open->end - open->start), p->src + open->start,
						 open->line);
			tag.match = stack[--depth];
			open->match = p->ntoks;
			if (tag.match == trans)
				trans = TPL_NONE;
		}
		if (tag.kind == TK_SECTION || tag.kind == TK_INVERTED || tag.kind == TK_PARENT ||
		    tag.kind == TK_BLOCK) {
			if (depth == TPL_MAX_DEPTH)
				return tpl_error(p, line, "sections nested more than %d deep",
						 TPL_MAX_DEPTH);
			stack[depth++] = p->ntoks;
		}
		t = tpl_tok_push(p);
		if (!t)
			return tpl_error(p, line, "out of memory");
		*t = tag;
		line += tpl_count_lines(p->src + tag.start, tag.end - tag.start);
		pos = tag.end;
	}
	if (depth) {
		const struct tpl_tok *open = &p->toks[stack[depth - 1]];

		return tpl_error(p, open->line, "unclosed section '%.*s'",
				 TPL_SHOW(open->end - open->start), p->src + open->start);
	}
	return 0;
}

static bool tpl_text_ends_line(const struct tpl_parser *p, const struct tpl_tok *t)
{
	return t->kind == TK_TEXT && t->end > t->start && p->src[t->end - 1] == '\n';
}

/* Spaces and tabs only, then optionally the line's \n or \r\n. */
static bool tpl_text_blank(const struct tpl_parser *p, const struct tpl_tok *t)
{
	size_t i = t->start, e = t->end;

	if (e > i && p->src[e - 1] == '\n') {
		e--;
		if (e > i && p->src[e - 1] == '\r')
			e--;
	}
	for (; i < e; i++) {
		if (!tpl_is_indent(p->src[i]))
			return false;
	}
	return true;
}

static bool tpl_tok_can_stand_alone(enum tpl_tok_kind k)
{
	return k != TK_TEXT && k != TK_VAR && k != TK_RAW;
}

/* Parent and block tags, open or close. */
static bool tpl_tok_inherits(const struct tpl_parser *p, const struct tpl_tok *t)
{
	if (t->kind == TK_CLOSE)
		t = &p->toks[t->match];
	return t->kind == TK_PARENT || t->kind == TK_BLOCK;
}

/*
 * Pass 2, for the tokens toks[a..b) of one line. The spec's rule: a line
 * holding one non-interpolating tag and otherwise only whitespace is
 * removed, whitespace and newline included. The inheritance spec extends
 * it to lines holding only parent and block tags ("{{<page}}{{$body}}",
 * "{{/body}}{{/page}}"), with one twist: an empty block "{{$b}}{{/b}}"
 * alone on its line loses its indentation but keeps its newline, so an
 * overriding body that lacks a final newline still ends the line.
 */
static void tpl_mark_line(struct tpl_parser *p, size_t a, size_t b)
{
	size_t ntags = 0, first = TPL_NONE, second = TPL_NONE;
	bool inherit_only = true;

	for (size_t i = a; i < b; i++) {
		const struct tpl_tok *t = &p->toks[i];

		if (t->kind == TK_TEXT) {
			if (!tpl_text_blank(p, t))
				return;
			continue;
		}
		if (!tpl_tok_can_stand_alone(t->kind))
			return;
		inherit_only = inherit_only && tpl_tok_inherits(p, t);
		if (ntags == 0)
			first = i;
		else if (ntags == 1)
			second = i;
		ntags++;
	}
	if (ntags == 0 || (ntags > 1 && !inherit_only))
		return;
	/* Text is split only after newlines, so at most one text token
	 * precedes the first tag on a line. */
	if (first > a) {
		p->toks[first].ws_off = p->toks[a].start;
		p->toks[first].ws_len = p->toks[a].end - p->toks[a].start;
	}
	if (ntags == 2 && p->toks[first].kind == TK_BLOCK && second == first + 1 &&
	    p->toks[second].match == first) {
		if (first > a)
			p->toks[a].fate = TF_REMOVED;
		p->toks[first].fate = TF_PAIR;
		return;
	}
	for (size_t i = a; i < b; i++)
		p->toks[i].fate = p->toks[i].kind == TK_TEXT ? TF_REMOVED : TF_STANDALONE;
}

static void tpl_mark_standalone(struct tpl_parser *p)
{
	size_t a = 0;

	for (size_t i = 0; i < p->ntoks; i++) {
		if (tpl_text_ends_line(p, &p->toks[i])) {
			tpl_mark_line(p, a, i + 1);
			a = i + 1;
		}
	}
	if (a < p->ntoks)
		tpl_mark_line(p, a, p->ntoks);
}

static struct tpl_node *tpl_vec_push(struct tpl_vec *v, enum tpl_kind kind, unsigned line)
{
	if (v->n == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 8;
		struct tpl_node *n = realloc(v->v, cap * sizeof(*n));

		if (!n)
			return NULL;
		v->v = n;
		v->cap = cap;
	}
	memset(&v->v[v->n], 0, sizeof(v->v[0]));
	v->v[v->n].kind = kind;
	v->v[v->n].line = line;
	return &v->v[v->n++];
}

/* Copy the collected nodes into the arena; frees the vector. */
static int tpl_vec_finish(struct tpl_parser *p, struct tpl_vec *v, struct tpl_node **kids,
			  size_t *nkids)
{
	int rc = 0;

	*kids = NULL;
	*nkids = v->n;
	if (v->n) {
		*kids = arena_alloc(p->a, v->n * sizeof(v->v[0]));
		if (*kids)
			memcpy(*kids, v->v, v->n * sizeof(v->v[0]));
		else
			rc = -1;
	}
	free(v->v);
	v->v = NULL;
	v->n = v->cap = 0;
	return rc;
}

/*
 * The line-start node for a text token at the start of a line: its
 * leading whitespace becomes the TPL_BOL node and the rest, if any, a
 * TPL_TEXT node.
 */
static int tpl_push_line_text(struct tpl_parser *p, struct tpl_vec *v, const struct tpl_tok *t,
			      bool bol)
{
	const char *s = p->src + t->start;
	size_t n = t->end - t->start, ws = 0;
	struct tpl_node *node;

	if (bol) {
		while (ws < n && tpl_is_indent(s[ws]))
			ws++;
		node = tpl_vec_push(v, TPL_BOL, t->line);
		if (!node)
			return -1;
		node->text = s;
		node->len = ws;
		node->blank_line = ws < n && (s[ws] == '\n' || (s[ws] == '\r' && ws + 1 < n && s[ws + 1] == '\n'));
		node->empty_line = node->blank_line && ws == 0;
	}
	if (ws == n)
		return 0;
	node = tpl_vec_push(v, TPL_TEXT, t->line);
	if (!node)
		return -1;
	node->text = s + ws;
	node->len = n - ws;
	return 0;
}

/* Every json-c object table hashes keys with the same function (and,
 * after fork, the same seed): an empty object's table works it out. */
static int tpl_key_hash(struct tpl_key *k)
{
	struct json_object *o = json_object_new_object();

	if (!o)
		return -1;
	k->hash = lh_get_hash(json_object_get_object(o), k->seg);
	json_object_put(o);
	return 0;
}

/* Split a dotted name into NUL-separated segments in the arena. */
static int tpl_make_key(struct tpl_parser *p, const struct tpl_tok *t, struct tpl_key *k)
{
	char *s;

	if (t->name_len == 1 && p->src[t->name_off] == '.') {
		k->seg = "";
		k->nseg = 0;
		return 0;
	}
	s = arena_strndup(p->a, p->src + t->name_off, t->name_len);
	if (!s)
		return -1;
	k->seg = s;
	k->nseg = 1;
	for (; *s; s++) {
		if (*s == '.') {
			*s = '\0';
			k->nseg++;
		}
	}
	return tpl_key_hash(k);
}

/*
 * Keep at_ls (does the next kept token start a line?) in step with the
 * tokens of a translation section, whose tokens build no nodes.
 */
static void tpl_skip_tokens(struct tpl_parser *p, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++) {
		const struct tpl_tok *t = &p->toks[i];

		if (t->fate == TF_REMOVED) {
			if (tpl_text_ends_line(p, t))
				p->at_ls = true;
		} else if (t->fate == TF_KEEP) {
			p->at_ls = tpl_text_ends_line(p, t);
		} else if (t->fate == TF_PAIR) {
			p->at_ls = false;
		}
	}
}

/*
 * The msgid of a translation section: its inner text with the ends
 * trimmed and inner whitespace runs collapsed to one space, so that
 * re-wrapping a template does not change the strings translators see.
 */
static char *tpl_normalize_msgid(struct tpl_parser *p, const char *s, size_t n, size_t *out_len)
{
	char *out = arena_alloc(p->a, n + 1);
	size_t j = 0;
	bool space = false;

	if (!out)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (tpl_is_space(s[i])) {
			space = j > 0;
			continue;
		}
		if (space)
			out[j++] = ' ';
		space = false;
		out[j++] = s[i];
	}
	out[j] = '\0';
	*out_len = j;
	return out;
}

/*
 * Turn the {{#_}} token at *i into a TPL_TRANSLATE node: the msgid taken
 * from the raw source between the tags, compiled on its own (it is what
 * renders when there is no translation). The tokens inside build no
 * nodes; *i moves past the close tag.
 */
static int tpl_build_translation(struct tpl_parser *p, size_t *i, struct tpl_node *node)
{
	const struct tpl_tok *open = &p->toks[*i], *close = &p->toks[open->match];
	size_t len;
	char *msgid = tpl_normalize_msgid(p, p->src + open->end, close->start - open->end, &len);

	if (!msgid)
		return tpl_error(p, open->line, "out of memory");
	if (len == 0)
		return tpl_error(p, open->line, "empty translation section");
	node->kind = TPL_TRANSLATE;
	node->text = msgid;
	node->len = len;
	node->msg = tpl_compile_src(p->a, p->name, msgid, len, true, open->line, p->err);
	if (!node->msg)
		return -1;
	tpl_skip_tokens(p, *i + 1, open->match + 1);
	*i = open->match + 1;
	return 0;
}

/* Merge one line's indentation into the block's common indentation. */
static void tpl_indent_merge(struct tpl_node *blk, const char *s, size_t n)
{
	size_t k = 0;

	if (!blk->has_lines) {
		blk->indent = s;
		blk->indent_len = n;
		blk->has_lines = true;
		return;
	}
	while (k < blk->indent_len && k < n && blk->indent[k] == s[k])
		k++;
	blk->indent_len = k;
}

/*
 * The indentation a block body has of its own: the whitespace common to
 * the start of its lines (empty and blank lines aside), looking into
 * sections and nested blocks, which are lines of the same text. This is
 * what the renderer removes before re-indenting an overriding body at the
 * place of the block it replaces.
 */
static void tpl_measure_indent(struct tpl_node *blk, const struct tpl_node *kids, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct tpl_node *k = &kids[i];

		switch (k->kind) {
		case TPL_BOL:
			if (!k->blank_line)
				tpl_indent_merge(blk, k->text, k->len);
			break;
		case TPL_PARTIAL:
		case TPL_PARENT:
			if (k->standalone)
				tpl_indent_merge(blk, k->text, k->len);
			break;
		case TPL_BLOCK:
			if (k->standalone)
				tpl_indent_merge(blk, k->text, k->len);
			tpl_measure_indent(blk, k->kids, k->nkids);
			break;
		case TPL_SECTION:
		case TPL_INVERTED:
			tpl_measure_indent(blk, k->kids, k->nkids);
			break;
		default:
			break;
		}
	}
}

/* A parent tag's body matters only for its blocks: drop everything else. */
static void tpl_keep_blocks(struct tpl_node *parent)
{
	size_t n = 0;

	for (size_t i = 0; i < parent->nkids; i++) {
		if (parent->kids[i].kind == TPL_BLOCK)
			parent->kids[n++] = parent->kids[i];
	}
	parent->nkids = n;
}

static int tpl_build_list(struct tpl_parser *p, size_t *i, struct tpl_node **kids, size_t *nkids);

/* Build the node for the tag token at *i and advance past it (and its body). */
static int tpl_build_tag(struct tpl_parser *p, size_t *i, struct tpl_vec *v)
{
	const struct tpl_tok *t = &p->toks[*i];
	static const enum tpl_kind kinds[] = {
		[TK_VAR] = TPL_VAR,       [TK_RAW] = TPL_RAW,
		[TK_SECTION] = TPL_SECTION, [TK_INVERTED] = TPL_INVERTED,
		[TK_PARTIAL] = TPL_PARTIAL, [TK_PARENT] = TPL_PARENT,
		[TK_BLOCK] = TPL_BLOCK,
	};
	struct tpl_node *node;
	struct tpl_node *kids;
	size_t nkids;

	if (t->kind == TK_COMMENT || t->kind == TK_DELIM) {
		(*i)++;
		return 0;
	}
	node = tpl_vec_push(v, kinds[t->kind], t->line);
	if (!node)
		return tpl_error(p, t->line, "out of memory");
	node->standalone = t->fate == TF_STANDALONE || t->fate == TF_PAIR;
	if (t->kind == TK_SECTION && !p->translation && tpl_tok_is(p, t, "_"))
		return tpl_build_translation(p, i, node);
	switch (t->kind) {
	case TK_VAR:
	case TK_RAW:
	case TK_SECTION:
	case TK_INVERTED:
		if (tpl_make_key(p, t, &node->key) < 0)
			return tpl_error(p, t->line, "out of memory");
		break;
	default:
		node->name = arena_strndup(p->a, p->src + t->name_off, t->name_len);
		if (!node->name)
			return tpl_error(p, t->line, "out of memory");
		node->text = p->src + t->ws_off;
		node->len = t->ws_len;
		break;
	}
	(*i)++;
	if (t->kind != TK_SECTION && t->kind != TK_INVERTED && t->kind != TK_PARENT &&
	    t->kind != TK_BLOCK)
		return 0;
	/* The vector may move while the body is built: fill a copy. */
	{
		struct tpl_node copy = *node;
		size_t at = (size_t)(node - v->v);

		if (tpl_build_list(p, i, &kids, &nkids) < 0)
			return -1;
		(*i)++; /* the close tag */
		copy.kids = kids;
		copy.nkids = nkids;
		if (copy.kind == TPL_PARENT)
			tpl_keep_blocks(&copy);
		if (copy.kind == TPL_BLOCK) {
			copy.body_bol = t->fate == TF_STANDALONE || t->fate == TF_PAIR;
			if (copy.body_bol)
				tpl_measure_indent(&copy, copy.kids, copy.nkids);
		}
		v->v[at] = copy;
	}
	return 0;
}

/*
 * Pass 3: build nodes from toks[*i] up to the next close tag (left at *i
 * for the caller) or the end. Recursion follows section nesting, which the
 * tokenizer bounded by TPL_MAX_DEPTH.
 */
static int tpl_build_list(struct tpl_parser *p, size_t *i, struct tpl_node **kids, size_t *nkids)
{
	struct tpl_vec v = { 0 };

	while (*i < p->ntoks) {
		const struct tpl_tok *t = &p->toks[*i];
		bool bol = false;

		if (t->fate == TF_REMOVED) {
			if (tpl_text_ends_line(p, t))
				p->at_ls = true;
			(*i)++;
			continue;
		}
		if (t->fate == TF_KEEP) {
			bol = p->at_ls;
			p->at_ls = tpl_text_ends_line(p, t);
		} else if (t->fate == TF_PAIR) {
			p->at_ls = false;
		}
		if (t->kind == TK_TEXT) {
			if (tpl_push_line_text(p, &v, t, bol) < 0)
				goto oom;
			(*i)++;
			continue;
		}
		if (bol) {
			struct tpl_node *n = tpl_vec_push(&v, TPL_BOL, t->line);

			if (!n)
				goto oom;
			n->text = p->src + t->start;
		}
		if (t->kind == TK_CLOSE)
			break;
		if (tpl_build_tag(p, i, &v) < 0)
			goto fail;
	}
	if (tpl_vec_finish(p, &v, kids, nkids) < 0)
		return tpl_error(p, 1, "out of memory");
	return 0;
oom:
	tpl_error(p, p->toks[*i].line, "out of memory");
fail:
	free(v.v);
	return -1;
}

/* tpl_compile() for a source and name already in the arena. */
static const struct tpl_tmpl *tpl_compile_src(struct arena *a, const char *name, const char *src,
					      size_t len, bool translation, unsigned first_line,
					      struct buf *err)
{
	struct tpl_parser p = {
		.a = a, .name = name, .src = src, .len = len, .translation = translation,
		.err = err, .at_ls = true,
	};
	struct tpl_tmpl *t = NULL;
	size_t i = 0;

	if (tpl_tokenize(&p, first_line) < 0)
		goto out;
	tpl_mark_standalone(&p);
	t = arena_calloc(a, 1, sizeof(*t));
	if (!t) {
		tpl_error(&p, first_line, "out of memory");
		goto out;
	}
	t->name = name;
	if (tpl_build_list(&p, &i, &t->kids, &t->nkids) < 0)
		t = NULL;
out:
	free(p.toks);
	return t;
}

const struct tpl_tmpl *tpl_compile(struct arena *a, const char *name, const char *src,
				   size_t len, bool translation, unsigned first_line,
				   struct buf *err)
{
	struct tpl_parser p = { .name = name, .err = err };
	char *copy, *name_copy;

	if (len > TPL_MAX_SIZE) {
		tpl_error(&p, first_line, "template larger than %zu bytes", TPL_MAX_SIZE);
		return NULL;
	}
	copy = arena_strndup(a, src, len);
	name_copy = arena_strdup(a, name);
	if (!copy || !name_copy) {
		tpl_error(&p, first_line, "out of memory");
		return NULL;
	}
	return tpl_compile_src(a, name_copy, copy, len, translation, first_line, err);
}
