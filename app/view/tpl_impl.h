#ifndef BB_TPL_IMPL_H
#define BB_TPL_IMPL_H
/*
 * The compiled form of a template, shared by the parser (tpl_parse.c),
 * the set (tpl_set.c) and the renderer (tpl_render.c). Not for other
 * modules: they use tpl.h.
 *
 * A template is a tree of nodes. Text is split into lines, and every line
 * that survives the standalone rules starts with a TPL_BOL node holding
 * its leading whitespace: that is where the renderer adds the indentation
 * of a standalone partial, and removes or adds the indentation of a block
 * moved from one template into another. Standalone lines (a lone section,
 * comment, partial... tag) are removed at compile time.
 */
#include <stdbool.h>
#include <stddef.h>

#include "view/tpl.h"

struct arena;

enum tpl_kind {
	TPL_TEXT,      /* text: bytes to copy */
	TPL_BOL,       /* start of a line: text is its leading whitespace */
	TPL_VAR,       /* {{x}}: escaped */
	TPL_RAW,       /* {{{x}}} and {{&x}} */
	TPL_SECTION,   /* {{#x}}kids{{/x}} */
	TPL_INVERTED,  /* {{^x}}kids{{/x}} */
	TPL_PARTIAL,   /* {{>name}} */
	TPL_PARENT,    /* {{<name}}blocks{{/name}}: kids are TPL_BLOCK only */
	TPL_BLOCK,     /* {{$name}}default{{/name}} */
	TPL_TRANSLATE, /* {{#_}}msgid{{/_}}: text is the msgid, msg its template */
};

/*
 * A dotted name: "a.b.c" is three NUL-terminated segments stored back to
 * back in seg; the implicit iterator "." has no segment.
 */
struct tpl_key {
	const char *seg;
	unsigned nseg;
	/* The first segment's hash as json-c's object tables compute it,
	 * worked out once when parsing instead of at each lookup in each
	 * frame of the context stack. */
	unsigned long hash;
};

struct tpl_tmpl;

struct tpl_node {
	enum tpl_kind kind;
	/* PARTIAL, PARENT, BLOCK: the tag stood alone on its line, so text
	 * holds the whitespace before it (the indentation it passes on). */
	bool standalone;
	/* BOL: the line is empty (newline right after the start) or holds
	 * only whitespace; empty lines get no indentation, whitespace-only
	 * lines do not count when measuring a block's indentation. */
	bool empty_line;
	bool blank_line;
	/* BLOCK: the body starts at the beginning of a line, so it has an
	 * indentation of its own (indent/indent_len, common to its lines). */
	bool body_bol;
	bool has_lines;
	unsigned line; /* source line of the tag, for messages */
	const char *text;
	size_t len;
	struct tpl_key key;   /* VAR, RAW, SECTION, INVERTED */
	const char *name;     /* PARTIAL, PARENT, BLOCK (NUL-terminated) */
	struct tpl_node *kids;
	size_t nkids;
	const char *indent;   /* BLOCK */
	size_t indent_len;
	const struct tpl_tmpl *msg; /* TRANSLATE */
};

struct tpl_tmpl {
	const char *name;
	struct tpl_node *kids;
	size_t nkids;
};

/*
 * Compile src[0..len) into a (allocated from a, as is everything it
 * points to, including a copy of src). translation restricts the tags to
 * variables, sections, inverted sections and comments, as for the inside
 * of a {{#_}} section. first_line numbers the first line in messages.
 * Returns NULL with "name:line: message" appended to err (may be NULL)
 * on a syntax error or out of memory.
 */
const struct tpl_tmpl *tpl_compile(struct arena *a, const char *name, const char *src,
				   size_t len, bool translation, unsigned first_line,
				   struct buf *err);

/* The render limits in force for set. */
void tpl_set_get_limits(const struct tpl_set *set, size_t *max_steps, size_t *max_output);

/* The template called name, or NULL. */
const struct tpl_tmpl *tpl_set_find(const struct tpl_set *set, const char *name);

/*
 * The compiled form of the translated text s[0..n), compiled on first use
 * and cached in the set. When the cache is full the text is compiled into
 * a fresh arena returned in *tmp, which the caller frees after rendering.
 * NULL when the text does not compile or memory ran out.
 */
const struct tpl_tmpl *tpl_set_translation(const struct tpl_set *set, const char *s, size_t n,
					   struct arena **tmp);

#endif
