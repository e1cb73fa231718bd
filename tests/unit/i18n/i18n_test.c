#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "i18n/i18n.h"
#include "tap.h"

#define JA_HEADER                                                   \
	"msgid \"\"\n"                                              \
	"msgstr \"\"\n"                                             \
	"\"Language: ja\\n\"\n"                                     \
	"\"Content-Type: text/plain; charset=UTF-8\\n\"\n"          \
	"\"Plural-Forms: nplurals=1; plural=0;\\n\"\n\n"

static const char ja_po[] = JA_HEADER
	"msgid \"Hello\"\nmsgstr \"こんにちは\"\n\n"
	"msgid \"{{n}} post\"\nmsgid_plural \"{{n}} posts\"\nmsgstr[0] \"{{n}}件\"\n\n"
	"#, fuzzy\nmsgid \"Old\"\nmsgstr \"古い訳\"\n\n"
	"msgid \"Empty\"\nmsgstr \"\"\n\n"
	"msgctxt \"month\"\nmsgid \"May\"\nmsgstr \"5月\"\n\n"
	"msgid \"May\"\nmsgstr \"かもしれない\"\n";

static const char en_po[] =
	"msgid \"\"\nmsgstr \"Language: en\\nPlural-Forms: nplurals=2; plural=(n != 1);\\n\"\n\n"
	"msgid \"{{n}} post\"\nmsgid_plural \"{{n}} posts\"\n"
	"msgstr[0] \"{{n}} post\"\nmsgstr[1] \"{{n}} posts\"\n";

static const char fr_po[] =
	"msgid \"\"\nmsgstr \"Language: fr\\nPlural-Forms: nplurals=2; plural=n>1;\\n\"\n\n"
	"msgid \"{{n}} post\"\nmsgid_plural \"{{n}} posts\"\n"
	"msgstr[0] \"{{n}} publication\"\nmsgstr[1] \"{{n}} publications\"\n";

static struct i18n *catalog(const char *name, const char *text)
{
	struct i18n *cat = NULL;
	char err[256];

	if (i18n_parse(name, text, strlen(text), &cat, err, sizeof(err)) != 0)
		printf("# %s\n", err);
	return cat;
}

/* True when text is refused with an error containing want. */
static int refused(const char *text, const char *want)
{
	struct i18n *cat = NULL;
	char err[256] = "";
	int rc = i18n_parse("t.po", text, strlen(text), &cat, err, sizeof(err));

	i18n_free(cat);
	if (rc == 0 || !strstr(err, want)) {
		printf("#   got:  '%s'\n#   want: '...%s...'\n", rc == 0 ? "(loaded)" : err, want);
		return 0;
	}
	return 1;
}

static void test_lookup(void)
{
	struct i18n *ja = catalog("ja.po", ja_po);
	size_t len = 0;
	const char *s;

	ok(ja != NULL, "inline Japanese catalog loads");
	is_str(i18n_lang(ja), "ja", "Language header read");
	is_str(i18n_gettext(ja, "Hello"), "こんにちは", "gettext finds a translation");
	is_str(i18n_gettext(ja, "Missing"), "Missing", "gettext falls back to the msgid");
	is_str(i18n_gettext(ja, "Old"), "Old", "fuzzy entries are ignored");
	is_str(i18n_gettext(ja, "Empty"), "Empty", "untranslated entries fall back");
	ok(i18n_lookup(ja, "Empty", 5, NULL) == NULL, "lookup reports untranslated as NULL");
	is_str(i18n_pgettext(ja, "month", "May"), "5月", "pgettext uses the context");
	is_str(i18n_gettext(ja, "May"), "かもしれない", "context entries do not shadow plain ones");
	is_str(i18n_pgettext(ja, "verb", "May"), "May", "unknown context falls back");

	s = i18n_tpl_translate(ja, "Hello, world", 5, &len);
	ok(s && len == strlen("こんにちは") && memcmp(s, "こんにちは", len) == 0,
	   "tpl hook looks up a length-delimited msgid and gives the length");
	ok(i18n_tpl_translate(ja, "Nope", 4, &len) == NULL, "tpl hook: NULL means use the msgid");
	ok(i18n_tpl_translate(NULL, "Hello", 5, &len) == NULL, "tpl hook with no catalog");
	is_str(i18n_gettext(NULL, "Hello"), "Hello", "NULL catalog is the English source");

	is_str(i18n_ngettext(ja, "{{n}} post", "{{n}} posts", 0), "{{n}}件", "ja: 0 uses the only form");
	is_str(i18n_ngettext(ja, "{{n}} post", "{{n}} posts", 1), "{{n}}件", "ja: 1 uses the only form");
	is_str(i18n_ngettext(ja, "{{n}} post", "{{n}} posts", 7), "{{n}}件", "ja: 7 uses the only form");
	is_str(i18n_ngettext(ja, "{{n}} cat", "{{n}} cats", 1), "{{n}} cat", "missing: singular for 1");
	is_str(i18n_ngettext(ja, "{{n}} cat", "{{n}} cats", 2), "{{n}} cats", "missing: plural otherwise");
	is_str(i18n_ngettext(ja, "Hello", "Hellos", 3), "こんにちは", "singular entry serves any n");
	i18n_free(ja);
}

static void test_plural_rules(void)
{
	struct i18n *en = catalog("en.po", en_po), *fr = catalog("fr.po", fr_po);

	ok(en && fr, "English and French-rule catalogs load");
	is_str(i18n_ngettext(en, "{{n}} post", "{{n}} posts", 0), "{{n}} posts", "en: 0 is plural");
	is_str(i18n_ngettext(en, "{{n}} post", "{{n}} posts", 1), "{{n}} post", "en: 1 is singular");
	is_str(i18n_ngettext(en, "{{n}} post", "{{n}} posts", 2), "{{n}} posts", "en: 2 is plural");
	is_str(i18n_ngettext(fr, "{{n}} post", "{{n}} posts", 0), "{{n}} publication", "n>1: 0 is singular");
	is_str(i18n_ngettext(fr, "{{n}} post", "{{n}} posts", 2), "{{n}} publications", "n>1: 2 is plural");
	i18n_free(en);
	i18n_free(fr);

	ok(refused("msgid \"\"\nmsgstr \"Language: ru\\nPlural-Forms: nplurals=3; plural=(n%10==1 && "
		   "n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);\\n\"\n",
		   "t.po: cannot evaluate Plural-Forms 'nplurals=3;"),
	   "a Plural-Forms we cannot evaluate is refused, not guessed");
	ok(refused("msgid \"\"\nmsgstr \"Language: en\\nPlural-Forms: nplurals=1; plural=(n != 1);\\n\"\n",
		   "cannot evaluate Plural-Forms"),
	   "a rule that disagrees with nplurals is refused");
	ok(refused("msgid \"\"\nmsgstr \"Language: en\\nPlural-Forms: nplurals=2; plural=(n != 1);\\n\"\n\n"
		   "msgid \"a\"\nmsgid_plural \"as\"\nmsgstr[0] \"x\"\n",
		   "t.po:4: 1 plural forms, Plural-Forms says 2"),
	   "a plural entry with the wrong number of forms is refused");
	ok(refused("msgid \"\"\nmsgstr \"Language: en\\n\"\n\nmsgid \"a\"\nmsgid_plural \"as\"\nmsgstr[0] \"x\"\n",
		   "t.po:4: plural entry but the header has no Plural-Forms"),
	   "a plural entry without Plural-Forms is refused");
	ok(refused("msgid \"a\"\nmsgstr \"b\"\n", "t.po: the header has no Language field"),
	   "a catalog must name its language");
	ok(refused("msgid \"\"\nmsgstr \"Language: en\\n\"\n\nmsgid \"a\"\nmsgstr \"b\"\n\nmsgid \"a\"\nmsgstr \"c\"\n",
		   "t.po:7: duplicate msgid (first at line 4)"),
	   "duplicate msgids are refused");
	ok(refused("msgid \"a\"\nmsgstr \"b\\x\"\n", "t.po:2: bad escape sequence \\x"),
	   "parse errors pass through with their line");
}

static void test_expand(void)
{
	struct buf b = BUF_INIT;

	ok(i18n_expand(&b, "{{a}} and {{ b }} and {{c}}", (const char *[]){ "a", "1", "b", "2" }, 2) == 0,
	   "expand succeeds");
	is_str(b.ptr, "1 and 2 and {{c}}", "known keys filled, unknown ones kept visible");
	buf_clear(&b);
	i18n_expand(&b, "tail {{x", NULL, 0);
	is_str(b.ptr, "tail {{x", "an unterminated tag is literal");
	buf_clear(&b);
	i18n_expand(&b, "", NULL, 0);
	is_str(b.ptr, "", "empty template gives an empty string");
	buf_release(&b);
}

static void test_negotiate(void)
{
	is_str(i18n_negotiate("ja-JP,ja;q=0.9,en;q=0.8", NULL, "en"), "ja", "ja-JP browser gets ja");
	is_str(i18n_negotiate("en-US,en;q=0.9", NULL, "ja"), "en", "en-US browser gets en");
	is_str(i18n_negotiate("fr", NULL, "ja"), "ja", "unknown language: instance default ja");
	is_str(i18n_negotiate("fr", NULL, "en"), "en", "unknown language: instance default en");
	is_str(i18n_negotiate("ja;q=0,en", NULL, "ja"), "en", "q=0 excludes a language");
	is_str(i18n_negotiate("ja", "en", "ja"), "en", "the user's setting wins");
	is_str(i18n_negotiate("en", "ja-JP", "en"), "ja", "a user setting with a region counts");
	is_str(i18n_negotiate("en", "fr", "ja"), "en", "an unsupported user setting is ignored");
	is_str(i18n_negotiate(NULL, NULL, "ja"), "ja", "no header: instance default");
	is_str(i18n_negotiate("en;q=0.5, ja;q=0.8", NULL, "en"), "ja", "higher q wins over order");
	is_str(i18n_negotiate("en, ja", NULL, "ja"), "en", "equal q: the earlier range wins");
	is_str(i18n_negotiate("fr;q=0.9, *;q=0.5", NULL, "ja"), "ja", "* stands for the default");
	is_str(i18n_negotiate("*", NULL, "en"), "en", "* alone gives the default");
	is_str(i18n_negotiate("ja;q=0, *", NULL, "ja"), "en", "* with the default excluded");
	is_str(i18n_negotiate("EN-gb", NULL, "ja"), "en", "tags compare case-insensitively");
	is_str(i18n_negotiate("en;q=abc, ja", NULL, "en"), "ja", "a malformed q skips the item");
	is_str(i18n_negotiate("en;q=1.5,ja;q=0.1", NULL, "en"), "ja", "q above 1 is malformed");
	is_str(i18n_negotiate(" en ; q = 0.3 ,ja ; q=0.2", NULL, "ja"), "en", "blanks around parts");
	is_str(i18n_negotiate(",,,;;;q=", NULL, "ja"), "ja", "garbage gives the default");
	is_str(i18n_negotiate("en;qs=1;q=0.2, ja;q=0.5", NULL, "en"), "ja",
	       "other parameters are ignored, q still read");
	is_str(i18n_negotiate("", NULL, "xx"), "en", "an unsupported default becomes en");
	is_str(i18n_negotiate("ja", NULL, NULL), "ja", "NULL default is allowed");
}

/* Format with catalog cat and compare; reports the case's name. */
static void reltime_is(const struct i18n *cat, time_t t, time_t now, long off,
		       const char *want, const char *name)
{
	char out[64];

	ok(i18n_format_reltime(cat, t, now, off, out, sizeof(out)) == 0, "%s: fits", name);
	is_str(out, want, "%s", name);
}

static void count_is(const struct i18n *cat, unsigned long long n, const char *want)
{
	char out[24];

	ok(i18n_format_count(cat, n, out, sizeof(out)) == 0, "count %llu fits", n);
	is_str(out, want, "count %llu -> %s", n, want);
}

static void test_real_catalogs(void)
{
	struct i18n_set *set = NULL;
	const struct i18n *ja, *en;
	char err[512] = "";
	const time_t now = 1732968000; /* 2024-11-30 12:00:00 UTC, 21:00 in Japan */
	const long jst = 9 * 3600;
	char small[4];

	if (!ok(i18n_set_load(SRCDIR "/locale", &set, err, sizeof(err)) == 0,
		"locale/ja.po and locale/en.po load")) {
		printf("#   %s\n", err);
		return;
	}
	ja = i18n_set_get(set, "ja");
	en = i18n_set_get(set, "en");
	is_str(i18n_lang(ja), "ja", "ja catalog");
	is_str(i18n_lang(en), "en", "en catalog");
	ok(i18n_set_get(set, "fr") == en, "an unknown language gets the English catalog");
	is_str(i18n_gettext(ja, "Deck"), "ビジョコレ", "ja: Deck");
	is_str(i18n_gettext(ja, "New post"), "ビジョシェア", "ja: New post");
	is_str(i18n_gettext(ja, "Collection"), "美女図鑑", "ja: Collection");
	is_str(i18n_gettext(ja, "Follow"), "フォロー", "ja: Follow");
	is_str(i18n_gettext(ja, "Moderation"), "BeauBelle AI による公序良俗チェック", "ja: Moderation");
	is_str(i18n_gettext(en, "Deck"), "Deck", "en: Deck is its own msgid");
	is_str(i18n_ngettext(en, "{{n}} minute ago", "{{n}} minutes ago", 1), "{{n}} minute ago",
	       "en: plural entry, singular");
	is_str(i18n_ngettext(ja, "{{n}} minute ago", "{{n}} minutes ago", 3), "{{n}}分前",
	       "ja: plural entry");

	reltime_is(en, now - 10, now, 0, "just now", "en: seconds ago");
	reltime_is(en, now + 300, now, 0, "just now", "en: a future instant");
	reltime_is(en, now - 60, now, 0, "1 minute ago", "en: one minute");
	reltime_is(en, now - 180, now, 0, "3 minutes ago", "en: three minutes");
	reltime_is(en, now - 3599, now, 0, "59 minutes ago", "en: just under an hour");
	reltime_is(en, now - 3600, now, 0, "1 hour ago", "en: one hour");
	reltime_is(en, now - 86399, now, 0, "23 hours ago", "en: just under a day");
	reltime_is(en, now - 86400, now, 0, "yesterday", "en: a day ago");
	reltime_is(en, now - 36 * 3600, now, 0, "yesterday", "en: yesterday at midnight");
	reltime_is(en, now - 36 * 3600 - 1, now, 0, "Nov 28", "en: the day before yesterday");
	reltime_is(en, 1701162000, now, 0, "Nov 28, 2023", "en: another year shows it");
	reltime_is(ja, now - 10, now, jst, "たった今", "ja: seconds ago");
	reltime_is(ja, now - 180, now, jst, "3分前", "ja: three minutes");
	reltime_is(ja, now - 5 * 3600, now, jst, "5時間前", "ja: five hours");
	reltime_is(ja, now - 30 * 3600, now, jst, "昨日", "ja: yesterday");
	reltime_is(ja, 1732755600, now, jst, "11月28日", "ja: a date this year");
	reltime_is(ja, 1672887600, now, jst, "2023年1月5日", "ja: a date in another year");
	/* 2024-11-29 14:30 UTC seen at 2024-11-30 16:00 UTC: yesterday in
	 * London, but 23:30 on the 29th seen at 01:00 on 1 Dec in Tokyo. */
	reltime_is(en, 1732890600, 1732982400, 0, "yesterday", "calendar days at UTC");
	reltime_is(ja, 1732890600, 1732982400, jst, "11月29日", "calendar days in Japan");
	ok(i18n_format_reltime(ja, now - 180, now, jst, small, sizeof(small)) == -1 && small[0] == '\0',
	   "a result that does not fit is refused and left empty");
	ok(i18n_format_reltime(en, (time_t)LLONG_MAX, now, 0, small, sizeof(small)) == -1,
	   "absurd instants are refused");

	count_is(en, 0, "0");
	count_is(en, 999, "999");
	count_is(en, 1234, "1,234");
	count_is(en, 9999, "9,999");
	count_is(en, 10000, "10K");
	count_is(en, 12345, "12.3K");
	count_is(en, 12399, "12.3K");
	count_is(en, 123456, "123K");
	count_is(en, 999999, "999K");
	count_is(en, 1000000, "1M");
	count_is(en, 1234567, "1.2M");
	count_is(en, 3456789012ULL, "3.4B");
	count_is(en, ULLONG_MAX, "18,446,744,073B");
	count_is(ja, 1234, "1,234");
	count_is(ja, 12345, "1.2万");
	count_is(ja, 123456, "12.3万");
	count_is(ja, 1234567, "123万");
	count_is(ja, 99999999, "9,999万");
	count_is(ja, 123456789, "1.2億");
	count_is(ja, 1000000000000ULL, "1兆");
	ok(i18n_format_count(ja, 12345, small, sizeof(small)) == -1 && small[0] == '\0',
	   "count too long for the buffer is refused");

	i18n_set_free(set);
	ok(i18n_set_load("/nonexistent", &set, err, sizeof(err)) == -1 && !set &&
		   strstr(err, "/nonexistent/ja.po"),
	   "a missing catalog fails start-up with its path");
}

int main(void)
{
	test_lookup();
	test_plural_rules();
	test_expand();
	test_negotiate();
	test_real_catalogs();
	return done_testing();
}
