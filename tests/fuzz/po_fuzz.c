/*
 * Fuzz target for the .po parser and the catalog built on it: any input
 * must either load or be refused with a message, never crash, leak or
 * read out of bounds. A loaded catalog is then queried for each of its
 * own msgids. The same bytes also go through Accept-Language negotiation
 * and placeholder expansion, two more parsers of untrusted text here.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "i18n/i18n.h"
#include "i18n/po.h"

#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct po_file *f = NULL;
	struct i18n *cat = NULL;
	struct buf b = BUF_INIT;
	char err[256], out[64];
	char *s;

	if (po_parse("fuzz.po", (const char *)data, size, &f, err, sizeof(err)) == 0) {
		for (size_t i = 0; i < f->n; i++) {
			const struct po_entry *e = &f->entries[i];

			if (strlen(e->msgid) != e->msgid_len || e->nstr == 0 || e->nstr > PO_MAX_PLURALS)
				abort();
		}
		po_free(f);
	}
	if (i18n_parse("fuzz.po", (const char *)data, size, &cat, err, sizeof(err)) == 0) {
		const char *v;

		v = i18n_gettext(cat, "Hello");
		v = i18n_ngettext(cat, "{{n}} post", "{{n}} posts", 2);
		(void)v;
		i18n_format_reltime(cat, 1000000, 1000000 + 3 * 86400, 32400, out, sizeof(out));
		i18n_format_count(cat, (unsigned long long)size * 12345, out, sizeof(out));
		i18n_free(cat);
	}

	/* Text parsers that take a C string: give them one. */
	s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	i18n_negotiate(s, NULL, "ja");
	i18n_expand(&b, s, (const char *[]){ "n", "3", "name", "x" }, 2);
	buf_release(&b);
	free(s);
	return 0;
}
