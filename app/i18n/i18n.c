#include "i18n/i18n.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/buf.h"
#include "i18n/po.h"

#include "core/banned.h"

const char *const i18n_languages[] = { "ja", "en" };
const size_t i18n_nlanguages = sizeof(i18n_languages) / sizeof(i18n_languages[0]);

#define I18N_NLANG (sizeof(i18n_languages) / sizeof(i18n_languages[0]))
#define I18N_FALLBACK "en"

/* The plural rules we can evaluate. Anything else is refused at load. */
enum i18n_rule {
	I18N_RULE_NONE,    /* no Plural-Forms header */
	I18N_RULE_ZERO,    /* nplurals=1; plural=0 (ja, zh, ko, ...) */
	I18N_RULE_NOT_ONE, /* nplurals=2; plural=(n != 1) (en, de, ...) */
	I18N_RULE_GT_ONE,  /* nplurals=2; plural=(n > 1) (fr, pt_BR, ...) */
};

struct i18n {
	struct po_file *po;
	char lang[16];
	enum i18n_rule rule;
	size_t nplurals;
	/* Open addressing with linear probing; size is a power of two at
	 * least twice the entry count, so probes stay short. */
	const struct po_entry **slots;
	size_t mask;
};

struct i18n_set {
	struct i18n *cats[I18N_NLANG];
};

/* FNV-1a: short keys, no adversary (catalogs are ours), good spread. */
static uint64_t i18n_hash_update(uint64_t h, const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)p[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

/* Context and msgid hash as gettext's "CTXT\004MSGID" key would. */
static uint64_t i18n_hash(const char *ctxt, size_t clen, const char *id, size_t idlen)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	if (ctxt) {
		h = i18n_hash_update(h, ctxt, clen);
		h = i18n_hash_update(h, "\004", 1);
	}
	return i18n_hash_update(h, id, idlen);
}

static bool i18n_entry_is(const struct po_entry *e, const char *ctxt, size_t clen,
			  const char *id, size_t idlen)
{
	if (!ctxt != !e->msgctxt)
		return false;
	if (ctxt && (e->msgctxt_len != clen || memcmp(e->msgctxt, ctxt, clen) != 0))
		return false;
	return e->msgid_len == idlen && memcmp(e->msgid, id, idlen) == 0;
}

static const struct po_entry *i18n_find(const struct i18n *cat, const char *ctxt,
					size_t clen, const char *id, size_t idlen)
{
	size_t i;

	if (!cat || !cat->slots || !id)
		return NULL;
	i = (size_t)i18n_hash(ctxt, clen, id, idlen) & cat->mask;
	for (; cat->slots[i]; i = (i + 1) & cat->mask)
		if (i18n_entry_is(cat->slots[i], ctxt, clen, id, idlen))
			return cat->slots[i];
	return NULL;
}

static int i18n_fail(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int i18n_fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/*
 * Recognise the Plural-Forms value, comparing with blanks removed and
 * outer parentheses dropped, so "nplurals=2; plural=(n != 1);" and
 * "nplurals=2; plural=n!=1" agree. Returns 0 and the rule, or -1.
 */
static int i18n_plural_rule(const char *v, size_t n, enum i18n_rule *rule, size_t *nplurals)
{
	char s[128], *expr, *semi;
	size_t len = 0, elen;

	for (size_t i = 0; i < n; i++) {
		if (v[i] == ' ' || v[i] == '\t')
			continue;
		if (len + 1 >= sizeof(s))
			return -1;
		s[len++] = v[i];
	}
	s[len] = '\0';
	if (strncmp(s, "nplurals=", 9) != 0 || s[9] < '1' || s[9] > '9' || s[10] != ';' ||
	    strncmp(s + 11, "plural=", 7) != 0)
		return -1;
	*nplurals = (size_t)(s[9] - '0');
	expr = s + 18;
	semi = strchr(expr, ';');
	if (semi) {
		if (semi[1] != '\0')
			return -1;
		*semi = '\0';
	}
	elen = strlen(expr);
	while (elen >= 2 && expr[0] == '(' && expr[elen - 1] == ')') {
		expr[--elen] = '\0';
		expr++;
		elen--;
	}
	if (*nplurals == 1 && strcmp(expr, "0") == 0)
		*rule = I18N_RULE_ZERO;
	else if (*nplurals == 2 && strcmp(expr, "n!=1") == 0)
		*rule = I18N_RULE_NOT_ONE;
	else if (*nplurals == 2 && strcmp(expr, "n>1") == 0)
		*rule = I18N_RULE_GT_ONE;
	else
		return -1;
	return 0;
}

static size_t i18n_plural_index(enum i18n_rule rule, unsigned long long n)
{
	switch (rule) {
	case I18N_RULE_NOT_ONE:
		return n != 1;
	case I18N_RULE_GT_ONE:
		return n > 1;
	default:
		return 0;
	}
}

/* An entry the catalog serves: reviewed and actually translated. */
static bool i18n_entry_usable(const struct po_entry *e)
{
	return !e->fuzzy && e->nstr > 0 && e->msgstr_len[0] > 0;
}

/* Read the header fields the catalog depends on. */
static int i18n_read_header(struct i18n *cat, const char *name,
			       char *err, size_t errlen)
{
	const char *v;
	size_t n;

	if (po_header_get(cat->po, "Language", &v, &n) != 0 || n == 0)
		return i18n_fail(err, errlen, "%s: the header has no Language field", name);
	if (n >= sizeof(cat->lang))
		return i18n_fail(err, errlen, "%s: Language '%.*s' is too long", name,
				 (int)(sizeof(cat->lang) - 1), v);
	memcpy(cat->lang, v, n);
	cat->lang[n] = '\0';

	if (po_header_get(cat->po, "Plural-Forms", &v, &n) != 0)
		return 0;
	if (i18n_plural_rule(v, n, &cat->rule, &cat->nplurals) != 0)
		return i18n_fail(err, errlen,
				 "%s: cannot evaluate Plural-Forms '%.*s' (supported: "
				 "nplurals=1; plural=0 / nplurals=2; plural=(n != 1) / "
				 "nplurals=2; plural=(n > 1))",
				 name, (int)(n > 80 ? 80 : n), v);
	return 0;
}

/* Build the hash table over the usable entries; reject duplicates and
 * plural entries whose form count disagrees with the header. */
static int i18n_index(struct i18n *cat, const char *name,
			      char *err, size_t errlen)
{
	size_t size = 16;

	while (size < cat->po->n * 2)
		size *= 2;
	cat->slots = calloc(size, sizeof(*cat->slots));
	if (!cat->slots)
		return i18n_fail(err, errlen, "%s: out of memory", name);
	cat->mask = size - 1;
	for (size_t k = 0; k < cat->po->n; k++) {
		const struct po_entry *e = &cat->po->entries[k];
		const struct po_entry *dup;
		size_t i;

		if (!i18n_entry_usable(e))
			continue;
		if (e->msgid_plural) {
			if (cat->rule == I18N_RULE_NONE)
				return i18n_fail(err, errlen,
						 "%s:%d: plural entry but the header has no Plural-Forms",
						 name, e->line);
			if (e->nstr != cat->nplurals)
				return i18n_fail(err, errlen,
						 "%s:%d: %zu plural forms, Plural-Forms says %zu",
						 name, e->line, e->nstr, cat->nplurals);
		}
		dup = i18n_find(cat, e->msgctxt, e->msgctxt_len, e->msgid, e->msgid_len);
		if (dup)
			return i18n_fail(err, errlen, "%s:%d: duplicate msgid (first at line %d)",
					 name, e->line, dup->line);
		i = (size_t)i18n_hash(e->msgctxt, e->msgctxt_len, e->msgid, e->msgid_len) &
		    cat->mask;
		while (cat->slots[i])
			i = (i + 1) & cat->mask;
		cat->slots[i] = e;
	}
	return 0;
}

int i18n_parse(const char *name, const char *data, size_t len,
		       struct i18n **out, char *err, size_t errlen)
{
	struct i18n *cat;

	*out = NULL;
	cat = calloc(1, sizeof(*cat));
	if (!cat)
		return i18n_fail(err, errlen, "%s: out of memory", name);
	if (po_parse(name, data, len, &cat->po, err, errlen) != 0 ||
	    i18n_read_header(cat, name, err, errlen) != 0 ||
	    i18n_index(cat, name, err, errlen) != 0) {
		i18n_free(cat);
		return -1;
	}
	*out = cat;
	return 0;
}

int i18n_load(const char *path, struct i18n **out, char *err, size_t errlen)
{
	struct i18n *cat;

	*out = NULL;
	cat = calloc(1, sizeof(*cat));
	if (!cat)
		return i18n_fail(err, errlen, "%s: out of memory", path);
	if (po_load(path, &cat->po, err, errlen) != 0 ||
	    i18n_read_header(cat, path, err, errlen) != 0 ||
	    i18n_index(cat, path, err, errlen) != 0) {
		i18n_free(cat);
		return -1;
	}
	*out = cat;
	return 0;
}

void i18n_free(struct i18n *cat)
{
	if (!cat)
		return;
	free(cat->slots);
	po_free(cat->po);
	free(cat);
}

const char *i18n_lang(const struct i18n *cat)
{
	return cat ? cat->lang : I18N_FALLBACK;
}

/* Index of the shipped language whose code is the primary subtag of
 * tag ("ja", "JA-jp", "en_US"), or -1. */
static int i18n_lang_index(const char *tag, size_t len)
{
	size_t primary = 0;

	while (primary < len && tag[primary] != '-' && tag[primary] != '_')
		primary++;
	for (size_t i = 0; i < I18N_NLANG; i++)
		if (strlen(i18n_languages[i]) == primary &&
		    strncasecmp(tag, i18n_languages[i], primary) == 0)
			return (int)i;
	return -1;
}

int i18n_set_load(const char *dir, struct i18n_set **out, char *err, size_t errlen)
{
	struct i18n_set *set;

	*out = NULL;
	set = calloc(1, sizeof(*set));
	if (!set)
		return i18n_fail(err, errlen, "%s: out of memory", dir);
	for (size_t i = 0; i < I18N_NLANG; i++) {
		char path[4096];
		const char *lang;
		int n = snprintf(path, sizeof(path), "%s/%s.po", dir, i18n_languages[i]);

		if (n < 0 || (size_t)n >= sizeof(path)) {
			i18n_set_free(set);
			return i18n_fail(err, errlen, "%s: path too long", dir);
		}
		if (i18n_load(path, &set->cats[i], err, errlen) != 0) {
			i18n_set_free(set);
			return -1;
		}
		/* A file under the wrong name would serve the wrong language
		 * to everyone; catch it at start. */
		lang = set->cats[i]->lang;
		if (i18n_lang_index(lang, strlen(lang)) != (int)i) {
			i18n_fail(err, errlen, "%s: Language is '%s', expected '%s'", path, lang,
				  i18n_languages[i]);
			i18n_set_free(set);
			return -1;
		}
	}
	*out = set;
	return 0;
}

void i18n_set_free(struct i18n_set *set)
{
	if (!set)
		return;
	for (size_t i = 0; i < I18N_NLANG; i++)
		i18n_free(set->cats[i]);
	free(set);
}

const struct i18n *i18n_set_get(const struct i18n_set *set, const char *lang)
{
	int i;

	if (!set)
		return NULL;
	i = lang ? i18n_lang_index(lang, strlen(lang)) : -1;
	if (i < 0)
		i = i18n_lang_index(I18N_FALLBACK, strlen(I18N_FALLBACK));
	return set->cats[i];
}

const char *i18n_lookup(const struct i18n *cat, const char *msgid, size_t len,
			size_t *out_len)
{
	const struct po_entry *e = i18n_find(cat, NULL, 0, msgid, len);

	if (!e)
		return NULL;
	if (out_len)
		*out_len = e->msgstr_len[0];
	return e->msgstr[0];
}

const char *i18n_gettext(const struct i18n *cat, const char *msgid)
{
	const char *s;

	if (!msgid)
		return "";
	s = i18n_lookup(cat, msgid, strlen(msgid), NULL);
	return s ? s : msgid;
}

const char *i18n_pgettext(const struct i18n *cat, const char *ctxt, const char *msgid)
{
	const struct po_entry *e;

	if (!msgid)
		return "";
	e = i18n_find(cat, ctxt, ctxt ? strlen(ctxt) : 0, msgid, strlen(msgid));
	return e ? e->msgstr[0] : msgid;
}

const char *i18n_ngettext(const struct i18n *cat, const char *msgid,
			  const char *msgid_plural, unsigned long long n)
{
	const struct po_entry *e = msgid ? i18n_find(cat, NULL, 0, msgid, strlen(msgid)) : NULL;

	if (e) {
		size_t i;

		/* gettext serves a singular entry whatever n is. */
		if (!e->msgid_plural)
			return e->msgstr[0];
		i = i18n_plural_index(cat->rule, n);
		if (i < e->nstr && e->msgstr_len[i] > 0)
			return e->msgstr[i];
	}
	return n == 1 ? msgid : msgid_plural;
}

const char *i18n_tpl_translate(void *ud, const char *msgid, size_t len, size_t *out_len)
{
	return i18n_lookup(ud, msgid, len, out_len);
}

int i18n_expand(struct buf *out, const char *tmpl, const char *const *kv, size_t nkv)
{
	const char *s = tmpl;

	while (*s) {
		const char *open = strstr(s, "{{"), *close, *k, *ke;
		size_t i;

		if (!open)
			return buf_puts(out, s);
		if (buf_append(out, s, (size_t)(open - s)) != 0)
			return -1;
		close = strstr(open + 2, "}}");
		if (!close)
			return buf_puts(out, open);
		for (k = open + 2; k < close && *k == ' '; k++)
			;
		for (ke = close; ke > k && ke[-1] == ' '; ke--)
			;
		for (i = 0; i < nkv; i++) {
			const char *key = kv[2 * i];

			if (strlen(key) == (size_t)(ke - k) && memcmp(key, k, (size_t)(ke - k)) == 0)
				break;
		}
		if (i < nkv) {
			if (buf_puts(out, kv[2 * i + 1] ? kv[2 * i + 1] : "") != 0)
				return -1;
		} else if (buf_append(out, open, (size_t)(close + 2 - open)) != 0) {
			return -1;
		}
		s = close + 2;
	}
	/* An empty template still leaves a NUL-terminated buffer. */
	return buf_append(out, "", 0);
}

/*
 * Parse an Accept-Language qvalue ("0", "0.8", "1", "1.000") into
 * thousandths. Returns 0, or -1 when it is not a valid qvalue.
 */
static int i18n_qvalue(const char *s, size_t n, int *q)
{
	size_t i = 1;
	int v, scale = 100;

	if (n == 0 || (s[0] != '0' && s[0] != '1'))
		return -1;
	v = (s[0] - '0') * 1000;
	if (n > 1) {
		if (s[1] != '.' || n > 5)
			return -1;
		for (i = 2; i < n; i++, scale /= 10) {
			if (s[i] < '0' || s[i] > '9')
				return -1;
			v += (s[i] - '0') * scale;
		}
	}
	if (v > 1000)
		return -1;
	*q = v;
	return 0;
}

/* Trim blanks from both ends of [*s, *e). */
static void i18n_trim(const char **s, const char **e)
{
	while (*s < *e && (**s == ' ' || **s == '\t'))
		(*s)++;
	while (*e > *s && ((*e)[-1] == ' ' || (*e)[-1] == '\t'))
		(*e)--;
}

/*
 * One Accept-Language item "range[;q=x][;other=y]": its range and q.
 * Returns 0, or -1 for an item to skip (empty, malformed q).
 */
static int i18n_al_item(const char *s, const char *e, const char **range,
			size_t *rlen, int *q)
{
	const char *semi = memchr(s, ';', (size_t)(e - s));
	const char *re = semi ? semi : e;

	*q = 1000;
	i18n_trim(&s, &re);
	if (s == re)
		return -1;
	*range = s;
	*rlen = (size_t)(re - s);
	while (semi) {
		const char *p = semi + 1, *pe;

		semi = memchr(p, ';', (size_t)(e - p));
		pe = semi ? semi : e;
		i18n_trim(&p, &pe);
		if (pe - p >= 2 && (p[0] == 'q' || p[0] == 'Q')) {
			const char *v = p + 1;

			while (v < pe && (*v == ' ' || *v == '\t'))
				v++;
			if (v == pe || *v != '=')
				continue; /* some other parameter, e.g. "qs=" */
			v++;
			while (v < pe && (*v == ' ' || *v == '\t'))
				v++;
			if (i18n_qvalue(v, (size_t)(pe - v), q) != 0)
				return -1;
		}
	}
	return 0;
}

/* How many Accept-Language bytes and items we look at: a real browser
 * sends a handful; the rest is noise we need not pay for. */
#define I18N_AL_MAX_BYTES 1024
#define I18N_AL_MAX_ITEMS 32

const char *i18n_negotiate(const char *accept_language, const char *user_setting,
			   const char *instance_default)
{
	int q[I18N_NLANG], pos[I18N_NLANG], def, star_q = -1, star_pos = 0, best = -1;
	const char *s, *end;
	int item = 0;

	if (user_setting) {
		int i = i18n_lang_index(user_setting, strlen(user_setting));

		if (i >= 0)
			return i18n_languages[i];
	}
	def = instance_default ? i18n_lang_index(instance_default, strlen(instance_default)) : -1;
	if (def < 0)
		def = i18n_lang_index(I18N_FALLBACK, strlen(I18N_FALLBACK));
	if (!accept_language)
		return i18n_languages[def];

	for (size_t i = 0; i < I18N_NLANG; i++) {
		q[i] = -1;
		pos[i] = 0;
	}
	s = accept_language;
	end = s + strnlen(s, I18N_AL_MAX_BYTES);
	while (s < end && item < I18N_AL_MAX_ITEMS) {
		const char *comma = memchr(s, ',', (size_t)(end - s));
		const char *ie = comma ? comma : end, *range;
		size_t rlen;
		int iq, li;

		if (i18n_al_item(s, ie, &range, &rlen, &iq) == 0) {
			item++;
			if (rlen == 1 && range[0] == '*') {
				if (iq > star_q) {
					star_q = iq;
					star_pos = item;
				}
			} else if ((li = i18n_lang_index(range, rlen)) >= 0 && iq > q[li]) {
				q[li] = iq;
				pos[li] = item;
			}
		}
		s = comma ? comma + 1 : end;
	}
	/* "*" stands for every language not named explicitly. */
	for (size_t i = 0; i < I18N_NLANG; i++)
		if (q[i] < 0 && star_q >= 0) {
			q[i] = star_q;
			pos[i] = star_pos;
		}
	/* Visit the default first so it wins ties that "*" creates. */
	for (size_t k = 0; k <= I18N_NLANG; k++) {
		int i = k == 0 ? def : (int)k - 1;

		if (k > 0 && i == def)
			continue;
		if (q[i] <= 0)
			continue;
		if (best < 0 || q[i] > q[best] || (q[i] == q[best] && pos[i] < pos[best]))
			best = i;
	}
	return i18n_languages[best >= 0 ? best : def];
}

/* The abbreviated month names, translated through the catalog. */
static const char *const i18n_months[12] = {
	N_("Jan"), N_("Feb"), N_("Mar"), N_("Apr"), N_("May"), N_("Jun"),
	N_("Jul"), N_("Aug"), N_("Sep"), N_("Oct"), N_("Nov"), N_("Dec"),
};

/* Copy a finished buf into the caller's array: 0, or -1 (and "") when
 * it does not fit or building it ran out of memory. */
static int i18n_out(struct buf *b, int rc, char *out, size_t size)
{
	if (size > 0)
		out[0] = '\0';
	if (rc == 0 && b->ptr && b->len < size) {
		memcpy(out, b->ptr, b->len + 1);
	} else {
		rc = -1;
	}
	buf_release(b);
	return rc;
}

/* floor(a / b) for b > 0, also for negative a (instants before 1970). */
static long long i18n_floor_div(long long a, long long b)
{
	return a / b - (a % b < 0);
}

/* Far enough for any real post (about 35,000 years either way) and
 * small enough that adding an offset can never overflow. */
#define I18N_TIME_LIMIT ((long long)1 << 40)

int i18n_format_reltime(const struct i18n *cat, time_t t, time_t now,
			long utc_offset, char *out, size_t size)
{
	struct buf b = BUF_INIT;
	long long tt = (long long)t, nn = (long long)now, d, off = utc_offset;
	char num[24];
	int rc;

	if (tt > I18N_TIME_LIMIT || tt < -I18N_TIME_LIMIT || nn > I18N_TIME_LIMIT ||
	    nn < -I18N_TIME_LIMIT || off > 86400 || off < -86400)
		return i18n_out(&b, -1, out, size);
	d = nn - tt;
	if (d < 60) {
		rc = buf_puts(&b, i18n_gettext(cat, N_("just now")));
	} else if (d < 3600) {
		snprintf(num, sizeof(num), "%lld", d / 60);
		rc = i18n_expand(&b,
				 i18n_ngettext(cat, N_("{{n}} minute ago"),
					       NP_("{{n}} minutes ago"), (unsigned long long)(d / 60)),
				 (const char *[]){ "n", num }, 1);
	} else if (d < 86400) {
		snprintf(num, sizeof(num), "%lld", d / 3600);
		rc = i18n_expand(&b,
				 i18n_ngettext(cat, N_("{{n}} hour ago"),
					       NP_("{{n}} hours ago"), (unsigned long long)(d / 3600)),
				 (const char *[]){ "n", num }, 1);
	} else if (i18n_floor_div(nn + off, 86400) - i18n_floor_div(tt + off, 86400) == 1) {
		rc = buf_puts(&b, i18n_gettext(cat, N_("yesterday")));
	} else {
		time_t lt = (time_t)(tt + off), ln = (time_t)(nn + off);
		struct tm tm_t, tm_n;
		char day[8], year[16];
		const char *fmt;

		if (!gmtime_r(&lt, &tm_t) || !gmtime_r(&ln, &tm_n))
			return i18n_out(&b, -1, out, size);
		snprintf(day, sizeof(day), "%d", tm_t.tm_mday);
		snprintf(year, sizeof(year), "%lld", (long long)tm_t.tm_year + 1900);
		fmt = tm_t.tm_year == tm_n.tm_year
			      ? i18n_gettext(cat, N_("{{mon}} {{day}}"))
			      : i18n_gettext(cat, N_("{{mon}} {{day}}, {{year}}"));
		rc = i18n_expand(&b, fmt,
				 (const char *[]){ "mon", i18n_gettext(cat, i18n_months[tm_t.tm_mon]),
						   "day", day, "year", year },
				 3);
	}
	return i18n_out(&b, rc, out, size);
}

/* n with a comma every three digits ("1,234,567") into dst, which has
 * room for 32 bytes; returns the length. */
static size_t i18n_group(char *dst, unsigned long long n)
{
	char digits[24];
	int len = snprintf(digits, sizeof(digits), "%llu", n);
	size_t o = 0;

	for (int i = 0; i < len; i++) {
		if (i > 0 && (len - i) % 3 == 0)
			dst[o++] = ',';
		dst[o++] = digits[i];
	}
	dst[o] = '\0';
	return o;
}

/* n in units of unit with one truncated decimal below 100 units
 * ("12.3K", "123K"); a ".0" is dropped ("10K"). dst has 48 bytes. */
static void i18n_compact(char *dst, unsigned long long n, unsigned long long unit,
			 const char *suffix)
{
	unsigned long long whole = n / unit, tenth = (n % unit) / (unit / 10);
	size_t len = i18n_group(dst, whole);

	if (whole < 100 && tenth > 0)
		snprintf(dst + len, 48 - len, ".%llu%s", tenth, suffix);
	else
		snprintf(dst + len, 48 - len, "%s", suffix);
}

int i18n_format_count(const struct i18n *cat, unsigned long long n,
		      char *out, size_t size)
{
	/* East Asian languages count in myriads (万 = 10^4, 億 = 10^8). */
	bool myriad = strncmp(i18n_lang(cat), "ja", 2) == 0;
	char s[48];
	size_t len;

	if (n < 10000)
		i18n_group(s, n);
	else if (myriad && n < 100000000ULL)
		i18n_compact(s, n, 10000ULL, "万");
	else if (myriad && n < 1000000000000ULL)
		i18n_compact(s, n, 100000000ULL, "億");
	else if (myriad)
		i18n_compact(s, n, 1000000000000ULL, "兆");
	else if (n < 1000000ULL)
		i18n_compact(s, n, 1000ULL, "K");
	else if (n < 1000000000ULL)
		i18n_compact(s, n, 1000000ULL, "M");
	else
		i18n_compact(s, n, 1000000000ULL, "B");
	len = strlen(s);
	if (len >= size) {
		if (size > 0)
			out[0] = '\0';
		return -1;
	}
	memcpy(out, s, len + 1);
	return 0;
}
