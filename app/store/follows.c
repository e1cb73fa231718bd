#include "store/follows.h"

#include <string.h>

#include "core/arena.h"
#include "store/batch.h"
#include "core/banned.h"

static int follows_lock(struct db *db, unsigned long long a, unsigned long long b)
{
	return db_exec(db, "SELECT id FROM users WHERE id IN (?, ?) ORDER BY id FOR UPDATE", NULL, NULL, "uu", a, b);
}

int follows_create(struct db *db, unsigned long long follower, unsigned long long followee, bool *created)
{
	unsigned long long affected = 0;
	int rc = db_begin(db);

	/* Both accounts' rows are locked first, in id order, so concurrent
	 * follows queue instead of deadlocking on the counter updates. */
	if (rc == DB_OK)
		rc = follows_lock(db, follower, followee);
	if (rc == DB_OK)
		rc = db_exec(db, "INSERT IGNORE INTO follows (follower_id, followee_id) VALUES (?, ?)", &affected,
			     NULL, "uu", follower, followee);
	if (rc == DB_OK && affected)
		rc = db_exec(db, "UPDATE users SET following_count = following_count + 1 WHERE id = ?", NULL, NULL,
			     "u", follower);
	if (rc == DB_OK && affected)
		rc = db_exec(db, "UPDATE users SET followers_count = followers_count + 1 WHERE id = ?", NULL, NULL,
			     "u", followee);
	if (rc == DB_OK)
		rc = db_commit(db);
	if (rc != DB_OK) {
		db_rollback(db);
		return rc;
	}
	*created = affected != 0;
	return DB_OK;
}

int follows_delete(struct db *db, unsigned long long follower, unsigned long long followee, bool *deleted)
{
	unsigned long long affected = 0;
	int rc = db_begin(db);

	if (rc == DB_OK)
		rc = follows_lock(db, follower, followee);
	if (rc == DB_OK)
		rc = db_exec(db, "DELETE FROM follows WHERE follower_id = ? AND followee_id = ?", &affected, NULL,
			     "uu", follower, followee);
	if (rc == DB_OK && affected)
		rc = db_exec(db, "UPDATE users SET following_count = following_count - 1 WHERE id = ? AND following_count > 0",
			     NULL, NULL, "u", follower);
	if (rc == DB_OK && affected)
		rc = db_exec(db, "UPDATE users SET followers_count = followers_count - 1 WHERE id = ? AND followers_count > 0",
			     NULL, NULL, "u", followee);
	if (rc == DB_OK)
		rc = db_commit(db);
	if (rc != DB_OK) {
		db_rollback(db);
		return rc;
	}
	*deleted = affected != 0;
	return DB_OK;
}

int follows_exists(struct db *db, unsigned long long a, unsigned long long b, bool *out)
{
	struct arena *ar = arena_new(1024);
	struct db_rows rows;
	int rc;

	if (!ar)
		return DB_ERR;
	rc = db_query(db, ar, &rows, 1, "SELECT 1 FROM follows WHERE follower_id = ? AND followee_id = ?",
		      "uu", a, b);
	if (rc == DB_OK)
		*out = rows.nrows > 0;
	arena_free(ar);
	return rc;
}

int follows_page(struct db *db, struct arena *a, unsigned long long uid, bool following,
		 unsigned long long max_cursor, size_t limit, struct follow_entry **out, size_t *n)
{
	struct db_rows rows;
	int rc;

	if (limit > 100)
		limit = 100;
	if (!max_cursor)
		max_cursor = ~0ULL >> 1;
	if (following)
		rc = db_query(db, a, &rows, limit,
			      "SELECT f.id, u.id, u.username, u.display_name, u.avatar_hash FROM follows f "
			      "JOIN users u ON u.id = f.followee_id WHERE f.follower_id = ? AND f.id < ? "
			      "ORDER BY f.id DESC LIMIT ?", "uuu", uid, max_cursor, (unsigned long long)limit);
	else
		rc = db_query(db, a, &rows, limit,
			      "SELECT f.id, u.id, u.username, u.display_name, u.avatar_hash FROM follows f "
			      "JOIN users u ON u.id = f.follower_id WHERE f.followee_id = ? AND f.id < ? "
			      "ORDER BY f.id DESC LIMIT ?", "uuu", uid, max_cursor, (unsigned long long)limit);
	if (rc != DB_OK)
		return rc;
	*out = arena_calloc(a, rows.nrows ? rows.nrows : 1, sizeof(**out));
	if (!*out)
		return DB_ERR;
	for (size_t i = 0; i < rows.nrows; i++) {
		struct follow_entry *e = &(*out)[i];

		e->cursor = db_cell_u64(&rows, i, 0);
		users_person_from_row(&rows, i, 1, &e->who);
	}
	*n = rows.nrows;
	return DB_OK;
}

int follows_follower_ids(struct db *db, struct arena *a, unsigned long long uid, unsigned long long after,
			 size_t limit, unsigned long long **ids, size_t *n)
{
	struct db_rows rows;
	int rc = db_query(db, a, &rows, limit,
			  "SELECT follower_id FROM follows WHERE followee_id = ? AND follower_id > ? "
			  "ORDER BY follower_id LIMIT ?", "uuu", uid, after, (unsigned long long)limit);

	return rc == DB_OK ? db_rows_u64s(a, &rows, 0, ids, n) : rc;
}

int follows_among(struct db *db, struct arena *a, unsigned long long viewer, const unsigned long long *ids,
		  size_t n, bool *out)
{
	struct db_rows rows;
	int rc;

	memset(out, 0, n * sizeof(*out));
	if (n == 0)
		return DB_OK;
	rc = batch_query_ids(db, a, &rows,
			     "SELECT followee_id FROM follows WHERE follower_id = ? AND followee_id IN " BATCH_IN,
			     viewer, ids, n);
	if (rc != DB_OK)
		return rc;
	for (size_t r = 0; r < rows.nrows; r++)
		for (size_t i = 0; i < n; i++)
			if (ids[i] == db_cell_u64(&rows, r, 0))
				out[i] = true;
	return DB_OK;
}
