/*
 * Fuzz the SigV4 query canonicalizer (the one parser in media/sigv4.c)
 * and, through it, a whole canonical request and presigned URL.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "media/sigv4.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sigv4_scope scope = { "AKIDEXAMPLE", "secret", "us-east-1", "s3", "20150830T123600Z" };
	struct sigv4_header h[2] = { { "host", "example.com" }, { "x-amz-date", "20150830T123600Z" } };
	struct buf out = BUF_INIT, sh = BUF_INIT;
	char *s = malloc(size + 1);
	char sig[SIGV4_HEX_LEN + 1];

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	sigv4_canonical_query(&out, (const char *)data, size);
	buf_clear(&out);
	{
		struct sigv4_request req = { "GET", "/", s, h, 2, SIGV4_EMPTY_SHA256 };

		sigv4_sign(&scope, &req, sig, &sh);
	}
	if (size > 0 && s[0] == '/')
		sigv4_presign(&scope, "PUT", "http://127.0.0.1:9000", s, 300, h + 1, 1, &out);
	buf_release(&out);
	buf_release(&sh);
	free(s);
	return 0;
}
