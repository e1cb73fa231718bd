/* Fuzz the INI configuration parser. */
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/conf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct conf *c = conf_defaults();
	struct buf err = BUF_INIT;

	if (!c)
		return 0;
	if (conf_parse_ini(c, "fuzz.conf", (const char *)data, size, &err) == 0)
		conf_validate(c, &err);
	buf_release(&err);
	conf_free(c);
	return 0;
}
