#include "store/blocks.h"

#include "core/arena.h"
#include "core/banned.h"

/* End the follow of a by b if there is one, with its counters. */
static int blocks_unfollow(struct db *db, unsigned long long a, unsigned long long b)
{
	unsigned long long affected = 0;
	int rc = db_exec(db, "DELETE FROM follows WHERE follower_id = ? AND followee_id = ?", &affected, NULL,
			 "uu", a, b);

	if (rc == DB_OK && affected)
		rc = db_exec(db, "UPDATE users SET following_count = following_count - 1 WHERE id = ? AND following_count > 0",
			     NULL, NULL, "u", a);
	if (rc == DB_OK && affected)
		rc = db_exec(db, "UPDATE users SET followers_count = followers_count - 1 WHERE id = ? AND followers_count > 0",
			     NULL, NULL, "u", b);
	return rc;
}

int blocks_create(struct db *db, unsigned long long blocker, unsigned long long blocked)
{
	int rc = db_begin(db);

	if (rc == DB_OK)
		rc = db_exec(db, "SELECT id FROM users WHERE id IN (?, ?) ORDER BY id FOR UPDATE", NULL, NULL, "uu",
			     blocker, blocked);
	if (rc == DB_OK)
		rc = db_exec(db, "INSERT IGNORE INTO blocks (blocker_id, blocked_id) VALUES (?, ?)", NULL, NULL, "uu",
			     blocker, blocked);
	if (rc == DB_OK)
		rc = blocks_unfollow(db, blocker, blocked);
	if (rc == DB_OK)
		rc = blocks_unfollow(db, blocked, blocker);
	/* What each did to the other stops showing in their notifications. */
	if (rc == DB_OK)
		rc = db_exec(db,
			     "DELETE FROM notifications WHERE (user_id = ? AND actor_id = ?) OR (user_id = ? AND actor_id = ?)",
			     NULL, NULL, "uuuu", blocker, blocked, blocked, blocker);
	if (rc == DB_OK)
		rc = db_commit(db);
	else
		db_rollback(db);
	return rc;
}

int blocks_delete(struct db *db, unsigned long long blocker, unsigned long long blocked)
{
	return db_exec(db, "DELETE FROM blocks WHERE blocker_id = ? AND blocked_id = ?", NULL, NULL, "uu", blocker,
		       blocked);
}

int mutes_create(struct db *db, unsigned long long muter, unsigned long long muted)
{
	return db_exec(db, "INSERT IGNORE INTO mutes (muter_id, muted_id) VALUES (?, ?)", NULL, NULL, "uu", muter,
		       muted);
}

int mutes_delete(struct db *db, unsigned long long muter, unsigned long long muted)
{
	return db_exec(db, "DELETE FROM mutes WHERE muter_id = ? AND muted_id = ?", NULL, NULL, "uu", muter, muted);
}

int blocks_between(struct db *db, unsigned long long a, unsigned long long b, bool *out)
{
	struct arena *ar = arena_new(1024);
	struct db_rows rows;
	int rc;

	if (!ar)
		return DB_ERR;
	rc = db_query(db, ar, &rows, 1,
		      "SELECT 1 FROM blocks WHERE (blocker_id = ? AND blocked_id = ?) OR (blocker_id = ? AND blocked_id = ?)",
		      "uuuu", a, b, b, a);
	if (rc == DB_OK)
		*out = rows.nrows > 0;
	arena_free(ar);
	return rc;
}

int blocks_state(struct db *db, unsigned long long viewer, unsigned long long target, bool *blocking,
		 bool *muting)
{
	struct arena *ar = arena_new(1024);
	struct db_rows rows;
	int rc;

	if (!ar)
		return DB_ERR;
	rc = db_query(db, ar, &rows, 1,
		      "SELECT EXISTS (SELECT 1 FROM blocks WHERE blocker_id = ? AND blocked_id = ?), "
		      "EXISTS (SELECT 1 FROM mutes WHERE muter_id = ? AND muted_id = ?)",
		      "uuuu", viewer, target, viewer, target);
	if (rc == DB_OK) {
		*blocking = db_cell_i64(&rows, 0, 0) != 0;
		*muting = db_cell_i64(&rows, 0, 1) != 0;
	}
	arena_free(ar);
	return rc;
}

int blocks_list(struct db *db, struct arena *a, unsigned long long viewer, bool muted, size_t limit,
		struct block_entry **out, size_t *n)
{
	struct db_rows rows;
	int rc;

	if (muted)
		rc = db_query(db, a, &rows, limit,
			      "SELECT u.id, u.username, u.display_name FROM mutes m JOIN users u ON u.id = m.muted_id "
			      "WHERE m.muter_id = ? ORDER BY m.id DESC LIMIT ?", "uu", viewer, (unsigned long long)limit);
	else
		rc = db_query(db, a, &rows, limit,
			      "SELECT u.id, u.username, u.display_name FROM blocks b JOIN users u ON u.id = b.blocked_id "
			      "WHERE b.blocker_id = ? ORDER BY b.id DESC LIMIT ?", "uu", viewer, (unsigned long long)limit);
	if (rc != DB_OK)
		return rc;
	*out = arena_calloc(a, rows.nrows ? rows.nrows : 1, sizeof(**out));
	if (!*out)
		return DB_ERR;
	for (size_t i = 0; i < rows.nrows; i++) {
		(*out)[i].user_id = db_cell_u64(&rows, i, 0);
		(*out)[i].username = db_cell(&rows, i, 1)->ptr;
		(*out)[i].display_name = db_cell(&rows, i, 2)->ptr;
	}
	*n = rows.nrows;
	return DB_OK;
}
