#include <stdlib.h>
#include <string.h>

#include "i18n/po.h"
#include "tap.h"

/* Parse a NUL-terminated snippet; the error text lands in err. */
static struct po_file *parse(const char *text, char *err, size_t errlen)
{
	struct po_file *f = NULL;

	if (po_parse("t.po", text, strlen(text), &f, err, errlen) != 0)
		return NULL;
	return f;
}

/* True when text fails to parse with exactly the message want. */
static int fails_with(const char *text, const char *want)
{
	char err[256];
	struct po_file *f = parse(text, err, sizeof(err));

	if (f) {
		po_free(f);
		printf("#   parsed, expected '%s'\n", want);
		return 0;
	}
	if (strcmp(err, want) != 0) {
		printf("#   got:  '%s'\n#   want: '%s'\n", err, want);
		return 0;
	}
	return 1;
}

static void test_entries(void)
{
	const char *text =
		"# translator comment\n"
		"msgid \"\"\n"
		"msgstr \"\"\n"
		"\"Language: ja\\n\"\n"
		"\"Content-Type: text/plain; charset=UTF-8\\n\"\n"
		"\"Plural-Forms: nplurals=1; plural=0;\\n\"\n"
		"\n"
		"#: templates/x.mustache:3\n"
		"#, c-format\n"
		"msgid \"Tab\\there \\\"quoted\\\" back\\\\slash\\nnext\"\n"
		"msgstr \"タブ\\t\"\n"
		"\"続き\"\n"
		"\n"
		"msgctxt \"month\"\n"
		"msgid \"May\"\n"
		"msgstr \"5月\"\n"
		"\n"
		"#, fuzzy\n"
		"msgid \"Old\"\n"
		"msgstr \"古い\"\n"
		"\n"
		"msgid \"{{n}} post\"\n"
		"msgid_plural \"{{n}} posts\"\n"
		"msgstr[0] \"{{n}}件\"\n"
		"\n"
		"#~ msgid \"Obsolete\"\n"
		"#~ msgstr \"廃止\"\n"
		"msgid \"\"\n"
		"\"Long \"\n"
		"  \"text\"\r\n"
		"msgstr \"\"\n";
	char err[256] = "";
	struct po_file *f = parse(text, err, sizeof(err));
	const char *v;
	size_t n;

	if (!ok(f != NULL, "a catalog with every construct parses")) {
		printf("#   %s\n", err);
		return;
	}
	is_int(f->n, 5, "five entries; header and obsolete entries are not among them");
	is_str(f->entries[0].msgid, "Tab\there \"quoted\" back\\slash\nnext", "escapes decoded");
	is_str(f->entries[0].msgstr[0], "タブ\t続き", "continuation lines concatenated");
	is_int(f->entries[0].line, 10, "entry line is the msgid line");
	ok(!f->entries[0].fuzzy, "c-format alone is not fuzzy");
	is_str(f->entries[1].msgctxt, "month", "msgctxt kept");
	is_str(f->entries[1].msgstr[0], "5月", "UTF-8 text kept");
	ok(f->entries[2].fuzzy, "fuzzy flag recorded");
	ok(!f->entries[3].fuzzy, "fuzzy flag does not leak to the next entry");
	is_str(f->entries[3].msgid_plural, "{{n}} posts", "msgid_plural");
	is_int(f->entries[3].nstr, 1, "one plural form");
	is_str(f->entries[3].msgstr[0], "{{n}}件", "msgstr[0]");
	is_str(f->entries[4].msgid, "Long text", "msgid \"\" continued, CRLF and indentation tolerated");
	is_int(f->entries[4].msgstr_len[0], 0, "untranslated entry kept with an empty msgstr");
	ok(po_header_get(f, "plural-forms", &v, &n) == 0 &&
		   n == strlen("nplurals=1; plural=0;") && memcmp(v, "nplurals=1; plural=0;", n) == 0,
	   "header field found case-insensitively, newline stripped");
	ok(po_header_get(f, "Language-Team", &v, &n) == -1, "absent header field");
	po_free(f);
}

static void test_fuzzy_header(void)
{
	char err[256] = "";
	struct po_file *f = parse("#, fuzzy\nmsgid \"\"\nmsgstr \"Language: en\\n\"\n"
				  "msgid \"a\"\nmsgstr \"b\"\n",
				  err, sizeof(err));

	ok(f && f->header && strcmp(f->header, "Language: en\n") == 0,
	   "a fuzzy header is still the header");
	po_free(f);
	f = parse("", err, sizeof(err));
	ok(f && f->n == 0 && !f->header, "an empty file is an empty catalog");
	po_free(f);
	f = parse("\xEF\xBB\xBFmsgid \"a\"\nmsgstr \"b\"", err, sizeof(err));
	ok(f && f->n == 1, "BOM skipped, last line without newline");
	po_free(f);
}

static void test_errors(void)
{
	ok(fails_with("msgid \"a\"\nmsgstr \"b\n", "t.po:2: unterminated string"),
	   "unterminated string names its line");
	ok(fails_with("msgid \"a\\\"\nmsgstr \"b\"\n", "t.po:1: unterminated string"),
	   "escaped quote at the end is unterminated");
	ok(fails_with("\n\nmsgstr \"b\"\n", "t.po:3: msgstr without msgid"),
	   "msgstr without msgid");
	ok(fails_with("msgid \"a\"\nmsgstr \"b\\q\"\n", "t.po:2: bad escape sequence \\q"),
	   "bad escape");
	ok(fails_with("msgid \"a\"\n\nmsgid \"b\"\nmsgstr \"c\"\n", "t.po:1: msgid without msgstr"),
	   "msgid without msgstr");
	ok(fails_with("msgid \"a\"\n", "t.po:1: msgid without msgstr"),
	   "msgid without msgstr at the end of the file");
	ok(fails_with("msgid \"a\"\nmsgstr \"b\" x\n", "t.po:2: unexpected text after the closing quote"),
	   "garbage after a string");
	ok(fails_with("msgid \"a\"\nmsgstr b\n", "t.po:2: expected a quoted string"),
	   "keyword without a string");
	ok(fails_with("msgid \"a\"\nmsgtxt \"b\"\n", "t.po:2: unknown keyword 'msgtxt'"),
	   "unknown keyword");
	ok(fails_with("\"a\"\n", "t.po:1: string without a keyword"), "stray string");
	ok(fails_with("msgid \"a\"\nmsgstr[0] \"b\"\n", "t.po:2: msgstr[0] without msgid_plural"),
	   "indexed msgstr on a singular entry");
	ok(fails_with("msgid \"a\"\nmsgid_plural \"as\"\nmsgstr \"b\"\n",
		      "t.po:3: plural entry needs msgstr[0], not msgstr"),
	   "plain msgstr on a plural entry");
	ok(fails_with("msgid \"a\"\nmsgid_plural \"as\"\nmsgstr[1] \"b\"\n",
		      "t.po:3: msgstr[1] out of order (expected msgstr[0])"),
	   "plural forms out of order");
	ok(fails_with("msgid \"a\"\nmsgid_plural \"as\"\nmsgstr[9] \"b\"\n",
		      "t.po:3: msgstr[9]: at most 6 plural forms"),
	   "too many plural forms");
	ok(fails_with("msgid \"a\"\nmsgstr \"b\"\nmsgstr \"c\"\n", "t.po:3: duplicate msgstr"),
	   "duplicate msgstr");
	ok(fails_with("msgctxt \"x\"\nmsgstr \"c\"\n", "t.po:2: msgstr without msgid"),
	   "msgctxt then msgstr");
	ok(fails_with("msgctxt \"x\"\n", "t.po:1: msgctxt without msgid"), "dangling msgctxt");
	ok(fails_with("msgid \"\"\nmsgstr \"x\"\nmsgid \"\"\nmsgstr \"y\"\n",
		      "t.po:3: duplicate header entry (msgid \"\")"),
	   "two headers");
	ok(fails_with("msgid \"\"\nmsgstr \"Content-Type: text/plain; charset=ISO-8859-1\\n\"\n",
		      "t.po:1: charset 'ISO-8859-1' is not supported, use UTF-8"),
	   "non-UTF-8 charset refused");
	ok(fails_with("msgid \"a\"\nmsgstr \"\xff\"\n", "t.po:2: invalid UTF-8"),
	   "invalid UTF-8 refused");
	{
		const char nul[] = "msgid \"a\"\nmsgstr \"\0\"\n";
		struct po_file *f = NULL;
		char err[128];

		ok(po_parse("t.po", nul, sizeof(nul) - 1, &f, err, sizeof(err)) == -1 &&
			   strcmp(err, "t.po:2: NUL byte") == 0,
		   "NUL byte refused");
	}
	{
		struct po_file *f = (struct po_file *)1;
		char err[8];

		ok(po_parse("long-name.po", "\"", 1, &f, err, sizeof(err)) == -1 && f == NULL &&
			   strlen(err) == 7,
		   "a short error buffer is truncated, never overrun");
	}
}

static void test_limits(void)
{
	struct po_file *f = NULL;
	char err[128];
	char *big = malloc(PO_MAX_SIZE + 1);

	ok(big && po_parse("big.po", big, PO_MAX_SIZE + 1, &f, err, sizeof(err)) == -1 && !f,
	   "input larger than PO_MAX_SIZE refused before parsing");
	free(big);
	ok(po_load("/nonexistent/x.po", &f, err, sizeof(err)) == -1 &&
		   strstr(err, "/nonexistent/x.po") != NULL,
	   "a missing file is an error naming it");
}

int main(void)
{
	test_entries();
	test_fuzzy_header();
	test_errors();
	test_limits();
	return done_testing();
}
