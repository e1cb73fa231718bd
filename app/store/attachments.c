#include "store/attachments.h"

#include "core/arena.h"
#include "store/db.h"
#include "core/banned.h"

int attach_bytes_of_user(struct db *db, unsigned long long user_id, unsigned long long *bytes)
{
	struct arena *a = arena_new(1024);
	struct db_rows rows;
	int rc;

	if (!a)
		return DB_ERR;
	rc = db_query(db, a, &rows, 1, "SELECT COALESCE(SUM(bytes), 0) FROM media WHERE owner_id = ?",
		      "u", user_id);
	if (rc == DB_OK)
		*bytes = db_cell_u64(&rows, 0, 0);
	arena_free(a);
	return rc;
}

int attach_hash_in_use(struct db *db, const char *hash)
{
	struct arena *a = arena_new(1024);
	struct db_rows rows;
	int rc;

	if (!a)
		return DB_ERR;
	rc = db_query(db, a, &rows, 1,
		      "SELECT EXISTS (SELECT 1 FROM media WHERE sha256 = ?) "
		      "OR EXISTS (SELECT 1 FROM users WHERE avatar_hash = ?)", "ss", hash, hash);
	if (rc == DB_OK)
		rc = db_cell_i64(&rows, 0, 0) ? 1 : 0;
	arena_free(a);
	return rc;
}

int attach_hash_shared(struct db *db, const char *hash, unsigned long long except_media_id)
{
	struct arena *a = arena_new(1024);
	struct db_rows rows;
	int rc;

	if (!a)
		return DB_ERR;
	rc = db_query(db, a, &rows, 1,
		      "SELECT EXISTS (SELECT 1 FROM media WHERE sha256 = ? AND id <> ?) "
		      "OR EXISTS (SELECT 1 FROM users WHERE avatar_hash = ?)", "sus", hash, except_media_id, hash);
	if (rc == DB_OK)
		rc = db_cell_i64(&rows, 0, 0) ? 1 : 0;
	arena_free(a);
	return rc;
}

int attach_hashes_of_user(struct db *db, struct arena *a, unsigned long long user_id, char ***out,
			  size_t *n, size_t max)
{
	struct db_rows rows;
	int rc = db_query(db, a, &rows, max,
			  "SELECT DISTINCT sha256 FROM media WHERE owner_id = ? "
			  "UNION SELECT avatar_hash FROM users WHERE id = ? AND avatar_hash IS NOT NULL",
			  "uu", user_id, user_id);

	if (rc != DB_OK)
		return rc;
	*out = arena_calloc(a, rows.nrows ? rows.nrows : 1, sizeof(char *));
	if (!*out)
		return DB_ERR;
	for (size_t i = 0; i < rows.nrows; i++)
		(*out)[i] = db_cell(&rows, i, 0)->ptr;
	*n = rows.nrows;
	return DB_OK;
}
