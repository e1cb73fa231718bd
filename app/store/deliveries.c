#include "store/deliveries.h"

#include "store/batch.h"
#include "core/banned.h"

int deliveries_owe(struct db *db, unsigned long long post_id)
{
	return db_exec(db, "INSERT IGNORE INTO post_deliveries (post_id) VALUES (?)", NULL, NULL, "u", post_id);
}

int deliveries_owed(struct db *db, struct arena *a, unsigned long long post_id, bool *owed)
{
	struct db_rows rows;
	int rc = db_query_u64s(db, a, &rows, 1, "SELECT 1 FROM post_deliveries WHERE post_id = ?", &post_id, 1);

	*owed = rc == DB_OK && rows.nrows > 0;
	return rc;
}

int deliveries_done(struct db *db, unsigned long long post_id)
{
	return db_exec(db, "DELETE FROM post_deliveries WHERE post_id = ?", NULL, NULL, "u", post_id);
}

int deliveries_overdue(struct db *db, struct arena *a, unsigned long long older_s, size_t limit,
		       unsigned long long **ids, size_t *n)
{
	struct db_rows rows;
	int rc = db_query(db, a, &rows, limit,
			  "SELECT post_id FROM post_deliveries WHERE due_at < NOW(3) - INTERVAL ? SECOND"
			  " ORDER BY due_at LIMIT ?", "uu", older_s, (unsigned long long)limit);

	if (rc == DB_OK)
		rc = db_rows_u64s(a, &rows, 0, ids, n);
	for (size_t i = 0; rc == DB_OK && i < *n; i += BATCH_MAX)
		rc = batch_query_only_ids(db, a, &rows, "UPDATE post_deliveries SET due_at = NOW(3) WHERE post_id IN " BATCH_IN,
					  *ids + i, *n - i);
	return rc;
}
