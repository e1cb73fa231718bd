#include "store/batch.h"

#include <string.h>

#include "core/banned.h"

int batch_query_lead_ids(struct db *db, struct arena *a, struct db_rows *out, const char *sql,
			 const unsigned long long *lead, size_t nlead, const unsigned long long *ids, size_t n)
{
	unsigned long long vals[BATCH_LEAD_MAX + BATCH_MAX];

	if (nlead > BATCH_LEAD_MAX)
		return DB_ERR;
	if (n > BATCH_MAX)
		n = BATCH_MAX;
	memset(vals, 0, sizeof(vals));
	if (nlead)
		memcpy(vals, lead, nlead * sizeof(*lead));
	memcpy(vals + nlead, ids, n * sizeof(*ids));
	return db_query_u64s(db, a, out, BATCH_MAX * 4, sql, vals, nlead + BATCH_MAX);
}

int batch_query_ids(struct db *db, struct arena *a, struct db_rows *out, const char *sql,
		    unsigned long long first, const unsigned long long *ids, size_t n)
{
	return batch_query_lead_ids(db, a, out, sql, &first, 1, ids, n);
}

int batch_query_only_ids(struct db *db, struct arena *a, struct db_rows *out, const char *sql,
			 const unsigned long long *ids, size_t n)
{
	return batch_query_lead_ids(db, a, out, sql, NULL, 0, ids, n);
}
