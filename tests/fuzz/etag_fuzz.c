/*
 * conditional_none_match on arbitrary If-None-Match values: no crash, no
 * read past the header, and a header that is exactly our tag matches.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/conditional.h"

#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char etag[CONDITIONAL_ETAG_SIZE];
	char *header = malloc(size + 1);

	if (!header)
		return 0;
	memcpy(header, data, size);
	header[size] = '\0';
	conditional_etag(data, size, etag);
	(void)conditional_none_match(header, etag);
	if (!conditional_none_match(etag, etag))
		abort();
	free(header);
	return 0;
}
