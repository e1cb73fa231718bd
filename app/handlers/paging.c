#include "handlers/paging.h"

#include "http/request.h"
#include "core/banned.h"

int paging_max_id(struct request *r, unsigned long long *max_id)
{
	struct str v = http_kv_get(&r->query, "max_id");

	*max_id = 0;
	if (!v.ptr || v.len == 0)
		return 0;
	return str_to_u64(v, max_id);
}
