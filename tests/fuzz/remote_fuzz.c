/* Fuzz the KServe v2 answer parser of the remote moderation engine. */
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "moderation/remote.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	float det[2 * 2 * 25], age[1], gender[2];
	struct mod_remote_tensor one = { NULL, 4, { 1, 2, 2, 25 }, det };
	struct mod_remote_tensor two[2] = { { "age", 2, { 1, 1 }, age }, { "gender", 2, { 1, 2 }, gender } };
	struct buf err = BUF_INIT;

	mod_remote_parse((const char *)data, size, &one, 1, &err);
	buf_clear(&err);
	mod_remote_parse((const char *)data, size, two, 2, &err);
	buf_release(&err);
	return 0;
}
