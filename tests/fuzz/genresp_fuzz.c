/* Fuzz the OpenAI images answer parser of the generation client. */
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "generation/engine.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct gen_images imgs;
	struct buf err = BUF_INIT;

	if (gen_response_parse((const char *)data, size, GEN_MAX_IMAGES, &imgs, &err) == GEN_OK)
		gen_images_release(&imgs);
	buf_release(&err);
	return 0;
}
