#include "view/escape.h"

#include <string.h>

#include "core/buf.h"

#include "core/banned.h"

static const char *escape_html_entity(unsigned char c)
{
	switch (c) {
	case '&': return "&amp;";
	case '<': return "&lt;";
	case '>': return "&gt;";
	case '"': return "&quot;";
	case '\'': return "&#39;";
	default: return NULL;
	}
}

int escape_html(struct buf *out, const char *s, size_t n)
{
	size_t run = 0; /* start of the pending stretch of safe bytes */

	for (size_t i = 0; i < n; i++) {
		const char *ent = escape_html_entity((unsigned char)s[i]);

		if (!ent)
			continue;
		/* Copy safe stretches in one append: most text has few
		 * special characters. */
		if (buf_append(out, s + run, i - run) < 0 || buf_puts(out, ent) < 0)
			return -1;
		run = i + 1;
	}
	return buf_append(out, s + run, n - run);
}
