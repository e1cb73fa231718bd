#include "store/likes.h"

#include <string.h>

#include "core/arena.h"
#include "store/batch.h"
#include "core/banned.h"

/*
 * The current like of uid on post_id. The caller holds the post's row
 * lock, which every change to the post's likes takes first, so a plain
 * read is current. A locking read would take a gap lock on the user's
 * likes when there is none yet, and two likes by one user on different
 * posts then deadlock on each other's gap when both insert.
 */
static int likes_current(struct db *db, struct arena *a, unsigned long long uid, unsigned long long post_id,
			 enum like_kind *kind)
{
	struct db_rows rows;
	int rc = db_query(db, a, &rows, 1, "SELECT kind FROM likes WHERE user_id = ? AND post_id = ?",
			  "uu", uid, post_id);

	if (rc != DB_OK)
		return rc;
	*kind = rows.nrows == 0 ? LIKE_NONE : strcmp(db_cell(&rows, 0, 0)->ptr, "superlike") == 0 ? LIKE_SUPER : LIKE_NORMAL;
	return DB_OK;
}

static int likes_supers_today(struct db *db, struct arena *a, unsigned long long uid, int *count)
{
	struct db_rows rows;
	int rc = db_query(db, a, &rows, 1,
			  "SELECT COUNT(*) FROM likes WHERE user_id = ? AND kind = 'superlike' "
			  "AND created_at > NOW(3) - INTERVAL 1 DAY", "u", uid);

	if (rc == DB_OK)
		*count = (int)db_cell_i64(&rows, 0, 0);
	return rc;
}

/*
 * The work of likes_set inside its transaction. The post's row is locked
 * first: likes of one post queue there instead of deadlocking between the
 * foreign-key lock of the insert and the counter update. A super like
 * then locks the user's row, so two at once cannot both pass the daily
 * check.
 */
static int likes_set_tx(struct db *db, struct arena *a, unsigned long long uid, unsigned long long post_id,
			enum like_kind kind, int super_limit, bool *changed)
{
	struct db_rows rows;
	enum like_kind cur;
	int used = 0, rc;

	rc = db_query(db, a, &rows, 1, "SELECT id FROM posts WHERE id = ? FOR UPDATE", "u", post_id);
	if (rc == DB_OK)
		rc = likes_current(db, a, uid, post_id, &cur);
	if (rc != DB_OK)
		return rc;
	if (cur == LIKE_SUPER || cur == kind)
		return DB_OK; /* a super like already is a like */
	if (kind == LIKE_SUPER) {
		rc = db_query(db, a, &rows, 1, "SELECT id FROM users WHERE id = ? FOR UPDATE", "u", uid);
		if (rc == DB_OK)
			rc = likes_supers_today(db, a, uid, &used);
		if (rc != DB_OK)
			return rc;
		if (used >= super_limit)
			return LIKES_OVER_LIMIT;
	}
	if (cur == LIKE_NONE) {
		rc = db_exec(db, "INSERT INTO likes (user_id, post_id, kind) VALUES (?, ?, ?)", NULL, NULL, "uus",
			     uid, post_id, kind == LIKE_SUPER ? "superlike" : "like");
		if (rc == DB_OK)
			rc = db_exec(db,
				     "UPDATE posts SET likes_count = likes_count + 1, "
				     "superlikes_count = superlikes_count + ? WHERE id = ?",
				     NULL, NULL, "uu", (unsigned long long)(kind == LIKE_SUPER), post_id);
	} else {
		/* like -> super like: the like stays counted; the super like is new,
		 * and its time starts the 24-hour window. */
		rc = db_exec(db, "UPDATE likes SET kind = 'superlike', created_at = NOW(3) WHERE user_id = ? AND post_id = ?",
			     NULL, NULL, "uu", uid, post_id);
		if (rc == DB_OK)
			rc = db_exec(db, "UPDATE posts SET superlikes_count = superlikes_count + 1 WHERE id = ?", NULL,
				     NULL, "u", post_id);
	}
	if (rc == DB_OK)
		*changed = true;
	return rc;
}

int likes_set(struct db *db, unsigned long long uid, unsigned long long post_id, enum like_kind kind,
	      int super_limit, bool *changed)
{
	struct arena *a = arena_new(1024);
	int rc;

	*changed = false;
	if (!a)
		return DB_ERR;
	rc = db_begin(db);
	if (rc == DB_OK)
		rc = likes_set_tx(db, a, uid, post_id, kind, super_limit, changed);
	if (rc == DB_OK)
		rc = db_commit(db);
	else
		db_rollback(db);
	arena_free(a);
	if (rc != DB_OK)
		*changed = false;
	return rc;
}

int likes_unset(struct db *db, unsigned long long uid, unsigned long long post_id, enum like_kind *kind_removed)
{
	struct arena *a = arena_new(1024);
	enum like_kind cur = LIKE_NONE;
	int rc;

	if (!a)
		return DB_ERR;
	rc = db_begin(db);
	if (rc == DB_OK)
		rc = db_exec(db, "SELECT id FROM posts WHERE id = ? FOR UPDATE", NULL, NULL, "u", post_id);
	if (rc == DB_OK)
		rc = likes_current(db, a, uid, post_id, &cur);
	if (rc == DB_OK && cur != LIKE_NONE)
		rc = db_exec(db, "DELETE FROM likes WHERE user_id = ? AND post_id = ?", NULL, NULL, "uu", uid, post_id);
	if (rc == DB_OK && cur != LIKE_NONE)
		rc = db_exec(db,
			     "UPDATE posts SET likes_count = likes_count - 1, "
			     "superlikes_count = superlikes_count - ? WHERE id = ? AND likes_count > 0",
			     NULL, NULL, "uu", (unsigned long long)(cur == LIKE_SUPER), post_id);
	if (rc == DB_OK)
		rc = db_commit(db);
	else
		db_rollback(db);
	arena_free(a);
	*kind_removed = rc == DB_OK ? cur : LIKE_NONE;
	return rc;
}

int likes_super_remaining(struct db *db, unsigned long long uid, int super_limit, int *remaining)
{
	struct arena *a = arena_new(1024);
	int used = 0, rc;

	if (!a)
		return DB_ERR;
	rc = likes_supers_today(db, a, uid, &used);
	arena_free(a);
	*remaining = super_limit - used > 0 ? super_limit - used : 0;
	return rc;
}

int likes_among(struct db *db, struct arena *a, unsigned long long uid, const unsigned long long *ids,
		size_t n, enum like_kind *out)
{
	struct db_rows rows;
	int rc;

	memset(out, 0, n * sizeof(*out));
	if (n == 0)
		return DB_OK;
	rc = batch_query_ids(db, a, &rows, "SELECT post_id, kind FROM likes WHERE user_id = ? AND post_id IN " BATCH_IN,
			     uid, ids, n);
	if (rc != DB_OK)
		return rc;
	for (size_t r = 0; r < rows.nrows; r++)
		for (size_t i = 0; i < n; i++)
			if (ids[i] == db_cell_u64(&rows, r, 0))
				out[i] = strcmp(db_cell(&rows, r, 1)->ptr, "superlike") == 0 ? LIKE_SUPER : LIKE_NORMAL;
	return DB_OK;
}

int likes_page(struct db *db, struct arena *a, unsigned long long post_id, unsigned long long max_cursor,
	       size_t limit, struct liker **out, size_t *n)
{
	struct db_rows rows;
	int rc;

	if (limit > 100)
		limit = 100;
	if (!max_cursor)
		max_cursor = ~0ULL >> 1;
	rc = db_query(db, a, &rows, limit,
		      "SELECT l.id, u.id, u.username, u.display_name, u.avatar_hash, l.kind FROM likes l "
		      "JOIN users u ON u.id = l.user_id WHERE l.post_id = ? AND l.id < ? "
		      "ORDER BY l.id DESC LIMIT ?", "uuu", post_id, max_cursor, (unsigned long long)limit);
	if (rc != DB_OK)
		return rc;
	*out = arena_calloc(a, rows.nrows ? rows.nrows : 1, sizeof(**out));
	if (!*out)
		return DB_ERR;
	for (size_t i = 0; i < rows.nrows; i++) {
		struct liker *l = &(*out)[i];

		l->cursor = db_cell_u64(&rows, i, 0);
		users_person_from_row(&rows, i, 1, &l->who);
		l->super = strcmp(db_cell(&rows, i, 5)->ptr, "superlike") == 0;
	}
	*n = rows.nrows;
	return DB_OK;
}

int likes_get(struct db *db, unsigned long long uid, unsigned long long post_id, enum like_kind *kind)
{
	struct arena *a = arena_new(1024);
	struct db_rows rows;
	int rc;

	if (!a)
		return DB_ERR;
	rc = db_query(db, a, &rows, 1, "SELECT kind FROM likes WHERE user_id = ? AND post_id = ?", "uu", uid, post_id);
	if (rc == DB_OK)
		*kind = rows.nrows == 0 ? LIKE_NONE
			: strcmp(db_cell(&rows, 0, 0)->ptr, "superlike") == 0 ? LIKE_SUPER : LIKE_NORMAL;
	arena_free(a);
	return rc;
}

int likes_by_user(struct db *db, struct arena *a, unsigned long long uid, unsigned long long before, size_t limit,
		  unsigned long long **cursors, unsigned long long **post_ids, size_t *n)
{
	struct db_rows rows;
	size_t k = 0;
	int rc;

	if (!before)
		before = ~0ULL >> 1;
	rc = db_query(db, a, &rows, limit,
		      "SELECT id, post_id FROM likes WHERE user_id = ? AND id < ? ORDER BY id DESC LIMIT ?", "uuu", uid,
		      before, (unsigned long long)limit);
	if (rc == DB_OK)
		rc = db_rows_u64s(a, &rows, 0, cursors, n);
	if (rc == DB_OK)
		rc = db_rows_u64s(a, &rows, 1, post_ids, &k);
	return rc;
}
