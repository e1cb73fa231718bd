#include "store/deck.h"

#include <string.h>

#include "core/arena.h"
#include "store/batch.h"
#include "core/banned.h"

int deck_candidates(struct db *db, struct arena *a, unsigned long long uid, enum posts_ai ai, size_t limit,
		    struct deck_candidate **out, size_t *n)
{
	struct db_rows rows;
	int rc;

	/* One literal per filter: statements are cached by their text. */
	if (ai == POSTS_AI_ONLY)
		rc = db_query(db, a, &rows, limit,
			      "SELECT p.id, p.user_id, p.likes_count, p.superlikes_count, UNIX_TIMESTAMP(p.created_at) "
			      "FROM posts p FORCE INDEX (posts_originals) LEFT JOIN deck_swipes s ON s.user_id = ? AND s.post_id = p.id "
			      "WHERE p.state = 'approved' AND p.repost_of_id IS NULL AND p.user_id <> ? AND s.post_id IS NULL "
			      "AND p.provenance <> 'unmarked' ORDER BY p.id DESC LIMIT ?",
			      "uuu", uid, uid, (unsigned long long)limit);
	else if (ai == POSTS_AI_HIDE)
		rc = db_query(db, a, &rows, limit,
			      "SELECT p.id, p.user_id, p.likes_count, p.superlikes_count, UNIX_TIMESTAMP(p.created_at) "
			      "FROM posts p FORCE INDEX (posts_originals) LEFT JOIN deck_swipes s ON s.user_id = ? AND s.post_id = p.id "
			      "WHERE p.state = 'approved' AND p.repost_of_id IS NULL AND p.user_id <> ? AND s.post_id IS NULL "
			      "AND p.provenance = 'unmarked' ORDER BY p.id DESC LIMIT ?",
			      "uuu", uid, uid, (unsigned long long)limit);
	else
		rc = db_query(db, a, &rows, limit,
			      "SELECT p.id, p.user_id, p.likes_count, p.superlikes_count, UNIX_TIMESTAMP(p.created_at) "
			      "FROM posts p FORCE INDEX (posts_originals) LEFT JOIN deck_swipes s ON s.user_id = ? AND s.post_id = p.id "
			      "WHERE p.state = 'approved' AND p.repost_of_id IS NULL AND p.user_id <> ? AND s.post_id IS NULL "
			      "ORDER BY p.id DESC LIMIT ?",
			      "uuu", uid, uid, (unsigned long long)limit);

	if (rc != DB_OK)
		return rc;
	*out = arena_calloc(a, rows.nrows ? rows.nrows : 1, sizeof(**out));
	if (!*out)
		return DB_ERR;
	for (size_t i = 0; i < rows.nrows; i++) {
		struct deck_candidate *c = &(*out)[i];

		c->id = db_cell_u64(&rows, i, 0);
		c->author_id = db_cell_u64(&rows, i, 1);
		c->likes = db_cell_u64(&rows, i, 2);
		c->superlikes = db_cell_u64(&rows, i, 3);
		c->created = db_cell_i64(&rows, i, 4);
	}
	*n = rows.nrows;
	return DB_OK;
}

int deck_social(struct db *db, struct arena *a, unsigned long long uid, struct deck_candidate *c, size_t n)
{
	for (size_t off = 0; off < n; off += BATCH_MAX) {
		unsigned long long ids[BATCH_MAX];
		size_t k = n - off < BATCH_MAX ? n - off : BATCH_MAX;
		struct db_rows rows;
		int rc;

		for (size_t i = 0; i < k; i++)
			ids[i] = c[off + i].id;
		rc = batch_query_ids(db, a, &rows,
				     "SELECT l.post_id, COUNT(*) FROM likes l JOIN follows f "
				     "ON f.followee_id = l.user_id AND f.follower_id = ? "
				     "WHERE l.post_id IN " BATCH_IN " GROUP BY l.post_id",
				     uid, ids, k);
		if (rc != DB_OK)
			return rc;
		for (size_t r = 0; r < rows.nrows; r++)
			for (size_t i = 0; i < k; i++)
				if (c[off + i].id == db_cell_u64(&rows, r, 0))
					c[off + i].social = (unsigned)db_cell_u64(&rows, r, 1);
	}
	return DB_OK;
}

int deck_swipe(struct db *db, unsigned long long uid, unsigned long long post_id, enum deck_action action,
	       bool *created)
{
	static const char *const names[] = { "like", "superlike", "pass" };
	unsigned long long affected = 0;
	int rc = db_exec(db, "INSERT IGNORE INTO deck_swipes (user_id, post_id, action) VALUES (?, ?, ?)", &affected,
			 NULL, "uus", uid, post_id, names[action]);

	*created = rc == DB_OK && affected > 0;
	return rc;
}

int deck_collection(struct db *db, struct arena *a, unsigned long long uid, unsigned long long max_cursor,
		    size_t limit, struct collection_entry **out, size_t *n)
{
	struct db_rows rows;
	int rc;

	if (!max_cursor)
		max_cursor = ~0ULL >> 1;
	if (limit > BATCH_MAX)
		limit = BATCH_MAX;
	rc = db_query(db, a, &rows, limit,
		      "SELECT l.id, l.post_id, l.kind FROM likes l JOIN posts p ON p.id = l.post_id "
		      "WHERE l.user_id = ? AND l.id < ? AND p.state = 'approved' ORDER BY l.id DESC LIMIT ?",
		      "uuu", uid, max_cursor, (unsigned long long)limit);
	if (rc != DB_OK)
		return rc;
	*out = arena_calloc(a, rows.nrows ? rows.nrows : 1, sizeof(**out));
	if (!*out)
		return DB_ERR;
	for (size_t i = 0; i < rows.nrows; i++) {
		(*out)[i].cursor = db_cell_u64(&rows, i, 0);
		(*out)[i].post_id = db_cell_u64(&rows, i, 1);
		(*out)[i].super = strcmp(db_cell(&rows, i, 2)->ptr, "superlike") == 0;
	}
	*n = rows.nrows;
	return DB_OK;
}
