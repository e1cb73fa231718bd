#ifndef BB_PO_H
#define BB_PO_H
/*
 * A parser for gettext .po catalogs, the format translators edit with
 * standard tools (Poedit, msgfmt, Weblate). It reads the whole file into
 * entries; it knows nothing of lookups or plural rules (see i18n.h).
 *
 * Accepted: comments (`#`, `#.`, `#:`, `#|`, obsolete `#~`), flags
 * (`#, fuzzy, c-format`), msgctxt, msgid, msgid_plural, msgstr and
 * msgstr[N], each followed by one or more "..." strings on the same and
 * following lines (concatenated), with the escapes \n \t \r \" \\ \a \b
 * \f \v. Text must be UTF-8 (the header may not declare another charset).
 * Everything else is an error reported as "NAME:LINE: what".
 */
#include <stdbool.h>
#include <stddef.h>

/* Limits: a catalog is start-up data, but the parser is also fuzzed and
 * must stay bounded whatever it is given. */
#define PO_MAX_SIZE ((size_t)8 << 20)
#define PO_MAX_ENTRIES 50000
/* gettext's own limit in practice: Arabic has six forms. */
#define PO_MAX_PLURALS 6

struct po_entry {
	const char *msgctxt;      /* NULL when the entry has no context */
	size_t msgctxt_len;
	const char *msgid;        /* "" for the header entry */
	size_t msgid_len;
	const char *msgid_plural; /* NULL for a singular entry */
	size_t msgid_plural_len;
	const char *msgstr[PO_MAX_PLURALS]; /* nstr of them, NUL-terminated */
	size_t msgstr_len[PO_MAX_PLURALS];
	size_t nstr;              /* 1 for a singular entry */
	bool fuzzy;               /* "#, fuzzy": the translation is unreviewed */
	int line;                 /* line of the msgid keyword, 1-based */
};

struct po_file {
	struct po_entry *entries; /* obsolete (#~) entries are not included */
	size_t n;
	/* The msgstr of the header entry (msgid ""), or NULL. Still set when
	 * the header is fuzzy: gettext ignores fuzziness there too. */
	const char *header;
	struct arena *arena; /* owns every string above */
};

/*
 * Parse len bytes of .po text; name is used in error messages only.
 * Returns 0 and a po_file the caller frees with po_free(), or -1 with a
 * message in err (always NUL-terminated when errlen > 0) and *out NULL.
 * The input need not be NUL-terminated and is not referenced afterwards.
 */
int po_parse(const char *name, const char *data, size_t len,
	     struct po_file **out, char *err, size_t errlen);

/* Read and parse a file (at most PO_MAX_SIZE bytes); as po_parse(). */
int po_load(const char *path, struct po_file **out, char *err, size_t errlen);

void po_free(struct po_file *f);

/*
 * The value of one header field ("Plural-Forms", "Language", ...) as a
 * slice of f->header, without the trailing newline. Field names compare
 * case-insensitively. Returns 0, or -1 when the header or field is absent.
 */
int po_header_get(const struct po_file *f, const char *field,
		  const char **value, size_t *len);

#endif
