#include "i18n/po.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/str.h"

#include "core/banned.h"

/*
 * The parser reads one line at a time. A keyword line starts a field and
 * later lines holding only a "..." string continue it; a field's text is
 * accumulated in a buf and copied into the file's arena when the entry
 * is complete (at the next msgctxt/msgid or at the end of the file).
 */
struct po_parser {
	const char *name;
	char *err;
	size_t errlen;
	struct po_file *f;
	size_t cap;
	int line;

	/* the entry being read */
	struct buf ctxt, id, plural, str[PO_MAX_PLURALS];
	bool has_ctxt, has_id, has_plural, has_str, str_indexed;
	size_t nstr;
	bool fuzzy;
	int entry_line;
	struct buf *field; /* where a continuation string goes; NULL: none */

	bool pending_fuzzy; /* a "#, fuzzy" seen for the next entry */
	bool seen_header;
};

static int po_err(struct po_parser *p, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Format "NAME:LINE: message" into the caller's buffer; returns -1 so
 * callers can `return po_err(...)`. */
static int po_err(struct po_parser *p, int line, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!p->err || p->errlen == 0)
		return -1;
	n = snprintf(p->err, p->errlen, "%s:%d: ", p->name, line);
	if (n < 0 || (size_t)n >= p->errlen)
		return -1;
	va_start(ap, fmt);
	vsnprintf(p->err + n, p->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

static void po_entry_reset(struct po_parser *p)
{
	buf_clear(&p->ctxt);
	buf_clear(&p->id);
	buf_clear(&p->plural);
	for (size_t i = 0; i < PO_MAX_PLURALS; i++)
		buf_clear(&p->str[i]);
	p->has_ctxt = p->has_id = p->has_plural = false;
	p->has_str = p->str_indexed = false;
	p->nstr = 0;
	p->fuzzy = false;
	p->entry_line = 0;
	p->field = NULL;
}

static const char *po_dup(struct po_parser *p, const struct buf *b)
{
	return arena_strndup(p->f->arena, b->ptr ? b->ptr : "", b->len);
}

/*
 * Move the entry being read into the file. Checks what can only be
 * checked once the entry is whole; a no-op when no entry was started.
 */
static int po_entry_finish(struct po_parser *p)
{
	struct po_entry *e;

	if (!p->has_id) {
		if (p->has_ctxt)
			return po_err(p, p->entry_line, "msgctxt without msgid");
		return 0;
	}
	if (!p->has_str)
		return po_err(p, p->entry_line, "msgid without msgstr");
	if (p->has_plural && !p->str_indexed)
		return po_err(p, p->entry_line, "msgid_plural without msgstr[0]");

	if (!p->has_ctxt && p->id.len == 0) {
		if (p->seen_header)
			return po_err(p, p->entry_line, "duplicate header entry (msgid \"\")");
		if (p->has_plural)
			return po_err(p, p->entry_line, "the header entry cannot be plural");
		p->seen_header = true;
		p->f->header = po_dup(p, &p->str[0]);
		if (!p->f->header)
			return po_err(p, p->entry_line, "out of memory");
		po_entry_reset(p);
		return 0;
	}

	if (p->f->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 64;
		struct po_entry *n;

		if (p->f->n >= PO_MAX_ENTRIES)
			return po_err(p, p->entry_line, "too many entries (limit %d)",
				      PO_MAX_ENTRIES);
		if (cap > PO_MAX_ENTRIES)
			cap = PO_MAX_ENTRIES;
		n = realloc(p->f->entries, cap * sizeof(*n));
		if (!n)
			return po_err(p, p->entry_line, "out of memory");
		p->f->entries = n;
		p->cap = cap;
	}
	e = &p->f->entries[p->f->n];
	memset(e, 0, sizeof(*e));
	if (p->has_ctxt) {
		e->msgctxt = po_dup(p, &p->ctxt);
		e->msgctxt_len = p->ctxt.len;
	}
	e->msgid = po_dup(p, &p->id);
	e->msgid_len = p->id.len;
	if (p->has_plural) {
		e->msgid_plural = po_dup(p, &p->plural);
		e->msgid_plural_len = p->plural.len;
	}
	e->nstr = p->nstr;
	for (size_t i = 0; i < p->nstr; i++) {
		e->msgstr[i] = po_dup(p, &p->str[i]);
		e->msgstr_len[i] = p->str[i].len;
		if (!e->msgstr[i])
			return po_err(p, p->entry_line, "out of memory");
	}
	e->fuzzy = p->fuzzy;
	e->line = p->entry_line;
	if (!e->msgid || (p->has_ctxt && !e->msgctxt) || (p->has_plural && !e->msgid_plural))
		return po_err(p, p->entry_line, "out of memory");
	p->f->n++;
	po_entry_reset(p);
	return 0;
}

/*
 * Decode one "..." string starting at s (which must point at the quote)
 * and append its text to dst. The rest of the line after the closing
 * quote may hold only blanks.
 */
static int po_string(struct po_parser *p, const char *s, const char *end, struct buf *dst)
{
	const char *q;

	if (s == end || *s != '"')
		return po_err(p, p->line, "expected a quoted string");
	s++;
	for (;;) {
		char c;

		/* Copy the run of plain characters at once. */
		for (q = s; q < end && *q != '"' && *q != '\\'; q++)
			;
		if (q > s && buf_append(dst, s, (size_t)(q - s)) != 0)
			return po_err(p, p->line, "out of memory");
		if (q == end)
			return po_err(p, p->line, "unterminated string");
		if (*q == '"') {
			s = q + 1;
			break;
		}
		if (q + 1 == end)
			return po_err(p, p->line, "unterminated string");
		switch (q[1]) {
		case 'n': c = '\n'; break;
		case 't': c = '\t'; break;
		case 'r': c = '\r'; break;
		case '"': c = '"'; break;
		case '\\': c = '\\'; break;
		case 'a': c = '\a'; break;
		case 'b': c = '\b'; break;
		case 'f': c = '\f'; break;
		case 'v': c = '\v'; break;
		default:
			if ((unsigned char)q[1] >= 0x20 && (unsigned char)q[1] < 0x7f)
				return po_err(p, p->line, "bad escape sequence \\%c", q[1]);
			return po_err(p, p->line, "bad escape sequence");
		}
		if (buf_putc(dst, c) != 0)
			return po_err(p, p->line, "out of memory");
		s = q + 2;
	}
	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	if (s != end)
		return po_err(p, p->line, "unexpected text after the closing quote");
	return 0;
}

/* "#, fuzzy, c-format": only fuzzy matters to us. */
static void po_flags(struct po_parser *p, const char *s, const char *end)
{
	while (s < end) {
		const char *t;

		while (s < end && (*s == ' ' || *s == '\t' || *s == ','))
			s++;
		for (t = s; t < end && *t != ',' && *t != ' ' && *t != '\t'; t++)
			;
		if (t - s == 5 && memcmp(s, "fuzzy", 5) == 0)
			p->pending_fuzzy = true;
		s = t;
	}
}

/* Start a new entry at a msgctxt or msgid keyword, finishing the one
 * before it if it is complete. */
static int po_entry_begin(struct po_parser *p)
{
	if (p->has_str) {
		if (po_entry_finish(p) != 0)
			return -1;
	}
	if (!p->has_ctxt) {
		p->entry_line = p->line;
		p->fuzzy = p->pending_fuzzy;
		p->pending_fuzzy = false;
	}
	return 0;
}

/* One keyword line: KEYWORD[ [N]] "string". */
static int po_keyword(struct po_parser *p, const char *s, const char *end)
{
	const char *k = s;
	size_t klen;

	while (s < end && ((*s >= 'a' && *s <= 'z') || *s == '_'))
		s++;
	klen = (size_t)(s - k);

	if (klen == 7 && memcmp(k, "msgctxt", 7) == 0) {
		if (p->has_id && !p->has_str)
			return po_err(p, p->entry_line, "msgid without msgstr");
		if (p->has_ctxt && !p->has_id)
			return po_err(p, p->line, "duplicate msgctxt");
		if (po_entry_begin(p) != 0)
			return -1;
		p->has_ctxt = true;
		p->field = &p->ctxt;
	} else if (klen == 5 && memcmp(k, "msgid", 5) == 0) {
		if (p->has_id && !p->has_str)
			return po_err(p, p->entry_line, "msgid without msgstr");
		if (po_entry_begin(p) != 0)
			return -1;
		p->has_id = true;
		p->entry_line = p->line;
		p->field = &p->id;
	} else if (klen == 12 && memcmp(k, "msgid_plural", 12) == 0) {
		if (!p->has_id || p->has_str)
			return po_err(p, p->line, "msgid_plural without msgid");
		if (p->has_plural)
			return po_err(p, p->line, "duplicate msgid_plural");
		p->has_plural = true;
		p->field = &p->plural;
	} else if (klen == 6 && memcmp(k, "msgstr", 6) == 0) {
		if (!p->has_id)
			return po_err(p, p->line, "msgstr without msgid");
		if (s < end && *s == '[') {
			size_t idx = 0, digits = 0;

			for (s++; s < end && *s >= '0' && *s <= '9' && digits < 3; s++, digits++)
				idx = idx * 10 + (size_t)(*s - '0');
			if (digits == 0 || s == end || *s != ']')
				return po_err(p, p->line, "bad msgstr index");
			s++;
			if (!p->has_plural)
				return po_err(p, p->line, "msgstr[%zu] without msgid_plural", idx);
			if (p->has_str && !p->str_indexed)
				return po_err(p, p->line, "msgstr[%zu] after msgstr", idx);
			if (idx >= PO_MAX_PLURALS)
				return po_err(p, p->line, "msgstr[%zu]: at most %d plural forms",
					      idx, PO_MAX_PLURALS);
			if (idx != p->nstr)
				return po_err(p, p->line, "msgstr[%zu] out of order (expected msgstr[%zu])",
					      idx, p->nstr);
			p->str_indexed = true;
			p->field = &p->str[p->nstr++];
		} else {
			if (p->has_plural)
				return po_err(p, p->line, "plural entry needs msgstr[0], not msgstr");
			if (p->has_str)
				return po_err(p, p->line, "duplicate msgstr");
			p->nstr = 1;
			p->field = &p->str[0];
		}
		p->has_str = true;
	} else {
		if (klen == 0)
			return po_err(p, p->line, "expected a keyword or a quoted string");
		return po_err(p, p->line, "unknown keyword '%.*s'", (int)klen, k);
	}
	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	return po_string(p, s, end, p->field);
}

static int po_line(struct po_parser *p, const char *s, const char *end)
{
	if (memchr(s, '\0', (size_t)(end - s)))
		return po_err(p, p->line, "NUL byte");
	if (!str_utf8_valid(s, (size_t)(end - s)))
		return po_err(p, p->line, "invalid UTF-8");
	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	if (s == end)
		return 0;
	if (*s == '#') {
		/* Comments end a field: a string after one would be ambiguous. */
		p->field = NULL;
		if (end - s >= 2 && s[1] == ',')
			po_flags(p, s + 2, end);
		return 0;
	}
	if (*s == '"') {
		if (!p->field)
			return po_err(p, p->line, "string without a keyword");
		return po_string(p, s, end, p->field);
	}
	return po_keyword(p, s, end);
}

/* The header may only declare UTF-8: we never convert. */
static int po_check_charset(struct po_parser *p)
{
	const char *v, *cs;
	size_t n, rest;

	if (po_header_get(p->f, "Content-Type", &v, &n) != 0)
		return 0;
	for (cs = v; (size_t)(cs - v) + 8 <= n; cs++)
		if (strncasecmp(cs, "charset=", 8) == 0)
			break;
	if ((size_t)(cs - v) + 8 > n)
		return 0;
	cs += 8;
	rest = n - (size_t)(cs - v);
	while (rest > 0 && (cs[rest - 1] == ' ' || cs[rest - 1] == ';'))
		rest--;
	if ((rest == 5 && strncasecmp(cs, "UTF-8", 5) == 0) ||
	    (rest == 4 && strncasecmp(cs, "UTF8", 4) == 0))
		return 0;
	return po_err(p, 1, "charset '%.*s' is not supported, use UTF-8",
		      (int)(rest > 40 ? 40 : rest), cs);
}

static void po_parser_release(struct po_parser *p)
{
	buf_release(&p->ctxt);
	buf_release(&p->id);
	buf_release(&p->plural);
	for (size_t i = 0; i < PO_MAX_PLURALS; i++)
		buf_release(&p->str[i]);
}

int po_parse(const char *name, const char *data, size_t len,
	     struct po_file **out, char *err, size_t errlen)
{
	struct po_parser p;
	const char *s = data, *end = data + len;
	int rc = -1;

	memset(&p, 0, sizeof(p));
	p.name = name ? name : "(po)";
	p.err = err;
	p.errlen = errlen;
	if (err && errlen)
		err[0] = '\0';
	*out = NULL;
	if (len > PO_MAX_SIZE)
		return po_err(&p, 0, "file larger than %zu bytes", PO_MAX_SIZE);
	p.f = calloc(1, sizeof(*p.f));
	if (!p.f || !(p.f->arena = arena_new(len < 65536 ? 4096 : 65536))) {
		free(p.f);
		return po_err(&p, 0, "out of memory");
	}
	if (len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
		s += 3;
	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		const char *eol = nl ? nl : end;

		p.line++;
		if (eol > s && eol[-1] == '\r')
			eol--;
		if (po_line(&p, s, eol) != 0)
			goto out;
		s = nl ? nl + 1 : end;
	}
	p.line++;
	if (p.has_id && !p.has_str) {
		po_err(&p, p.entry_line, "msgid without msgstr");
		goto out;
	}
	if (po_entry_finish(&p) != 0 || po_check_charset(&p) != 0)
		goto out;
	*out = p.f;
	p.f = NULL;
	rc = 0;
out:
	po_parser_release(&p);
	po_free(p.f);
	return rc;
}

int po_load(const char *path, struct po_file **out, char *err, size_t errlen)
{
	struct buf b = BUF_INIT;
	char chunk[16384];
	FILE *fp;
	size_t n;
	int rc;

	*out = NULL;
	fp = fopen(path, "rb");
	if (!fp) {
		if (err && errlen)
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0) {
		if (b.len + n > PO_MAX_SIZE || buf_append(&b, chunk, n) != 0) {
			if (err && errlen)
				snprintf(err, errlen, "%s: larger than %zu bytes or out of memory",
					 path, PO_MAX_SIZE);
			buf_release(&b);
			fclose(fp);
			return -1;
		}
	}
	if (ferror(fp)) {
		if (err && errlen)
			snprintf(err, errlen, "%s: read error", path);
		buf_release(&b);
		fclose(fp);
		return -1;
	}
	fclose(fp);
	rc = po_parse(path, b.ptr ? b.ptr : "", b.len, out, err, errlen);
	buf_release(&b);
	return rc;
}

void po_free(struct po_file *f)
{
	if (!f)
		return;
	free(f->entries);
	arena_free(f->arena);
	free(f);
}

int po_header_get(const struct po_file *f, const char *field,
		  const char **value, size_t *len)
{
	size_t flen = strlen(field);
	const char *s;

	if (!f || !f->header)
		return -1;
	for (s = f->header; *s;) {
		const char *eol = strchr(s, '\n');
		const char *colon;

		if (!eol)
			eol = s + strlen(s);
		colon = memchr(s, ':', (size_t)(eol - s));
		if (colon && (size_t)(colon - s) == flen && strncasecmp(s, field, flen) == 0) {
			const char *v = colon + 1;
			const char *e = eol;

			while (v < e && (*v == ' ' || *v == '\t'))
				v++;
			while (e > v && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
				e--;
			*value = v;
			*len = (size_t)(e - v);
			return 0;
		}
		s = *eol ? eol + 1 : eol;
	}
	return -1;
}
