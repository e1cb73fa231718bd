#include "store/owed_jobs.h"

#include "core/arena.h"
#include "core/banned.h"

int owed_jobs_add(struct db *db, const char *kind, const char *args)
{
	return db_exec(db, "INSERT INTO owed_jobs (kind, args) VALUES (?, ?)", NULL, NULL, "ss", kind, args);
}

int owed_jobs_lock_oldest(struct db *db, struct arena *a, size_t limit, struct owed_job **jobs, size_t *n)
{
	struct db_rows rows;
	int rc = db_query(db, a, &rows, limit,
			  "SELECT id, kind, args FROM owed_jobs ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED", "u",
			  (unsigned long long)limit);

	*n = 0;
	if (rc != DB_OK)
		return rc;
	*jobs = arena_alloc(a, (rows.nrows ? rows.nrows : 1) * sizeof(**jobs));
	if (!*jobs)
		return DB_ERR;
	for (size_t i = 0; i < rows.nrows; i++) {
		(*jobs)[i].id = db_cell_u64(&rows, i, 0);
		(*jobs)[i].kind = db_cell(&rows, i, 1)->ptr;
		(*jobs)[i].args = db_cell(&rows, i, 2)->ptr;
	}
	*n = rows.nrows;
	return DB_OK;
}

long long owed_jobs_count(struct db *db, struct arena *a)
{
	struct db_rows rows;

	if (db_query(db, a, &rows, 1, "SELECT COUNT(*) FROM owed_jobs", "") != DB_OK || rows.nrows != 1)
		return -1;
	return db_cell_i64(&rows, 0, 0);
}

int owed_jobs_delete(struct db *db, unsigned long long id)
{
	return db_exec(db, "DELETE FROM owed_jobs WHERE id = ?", NULL, NULL, "u", id);
}
