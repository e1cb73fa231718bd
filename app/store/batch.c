#include "store/batch.h"

#include <string.h>

#include "core/banned.h"

int batch_query_ids(struct db *db, struct arena *a, struct db_rows *out, const char *sql,
		    unsigned long long first, const unsigned long long *ids, size_t n)
{
	unsigned long long vals[BATCH_MAX + 1];

	if (n > BATCH_MAX)
		n = BATCH_MAX;
	memset(vals, 0, sizeof(vals));
	vals[0] = first;
	memcpy(vals + 1, ids, n * sizeof(*ids));
	return db_query_u64s(db, a, out, BATCH_MAX * 4, sql, vals, BATCH_MAX + 1);
}

int batch_query_only_ids(struct db *db, struct arena *a, struct db_rows *out, const char *sql,
			 const unsigned long long *ids, size_t n)
{
	unsigned long long vals[BATCH_MAX];

	if (n > BATCH_MAX)
		n = BATCH_MAX;
	memset(vals, 0, sizeof(vals));
	memcpy(vals, ids, n * sizeof(*ids));
	return db_query_u64s(db, a, out, BATCH_MAX * 4, sql, vals, BATCH_MAX);
}
