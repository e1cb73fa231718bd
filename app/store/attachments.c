#include "store/attachments.h"

#include "core/arena.h"
#include "store/db.h"
#include "store/posts.h"
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

int attach_draft_create(struct db *db, unsigned long long owner, const struct post_media *m,
			unsigned long long bytes, unsigned long long *id)
{
	return db_exec(db,
		       "INSERT INTO media (owner_id, sha256, kind, format, width, height, frames, "
		       "feed_width, feed_height, thumb_width, thumb_height, bytes, blurhash, description) "
		       "VALUES (?, ?, 'post', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		       NULL, id, "ussiiiiiiiuss", owner, m->sha256, m->format, (long long)m->width, (long long)m->height,
		       (long long)m->frames, (long long)m->feed_width, (long long)m->feed_height,
		       (long long)m->thumb_width, (long long)m->thumb_height, bytes, m->blurhash, m->description);
}

int attach_draft_find(struct db *db, struct arena *a, unsigned long long owner, unsigned long long id,
		      struct post_media *out, unsigned long long *post_id)
{
	struct db_rows rows;
	int rc = db_query(db, a, &rows, 1,
			  "SELECT m.id, m.sha256, m.format, m.width, m.height, m.frames, m.feed_width, m.feed_height, "
			  "m.thumb_width, m.thumb_height, m.blurhash, m.description, "
			  "(SELECT MIN(p.id) FROM posts p WHERE p.media_id = m.id) "
			  "FROM media m WHERE m.id = ? AND m.owner_id = ? AND m.kind = 'post'",
			  "uu", id, owner);

	if (rc != DB_OK)
		return rc;
	if (rows.nrows == 0)
		return ATTACH_NOT_FOUND;
	out->id = db_cell_u64(&rows, 0, 0);
	out->sha256 = db_cell(&rows, 0, 1)->ptr;
	out->format = db_cell(&rows, 0, 2)->ptr;
	out->width = (int)db_cell_i64(&rows, 0, 3);
	out->height = (int)db_cell_i64(&rows, 0, 4);
	out->frames = (int)db_cell_i64(&rows, 0, 5);
	out->feed_width = (int)db_cell_i64(&rows, 0, 6);
	out->feed_height = (int)db_cell_i64(&rows, 0, 7);
	out->thumb_width = (int)db_cell_i64(&rows, 0, 8);
	out->thumb_height = (int)db_cell_i64(&rows, 0, 9);
	out->blurhash = db_cell(&rows, 0, 10)->ptr;
	out->description = db_cell(&rows, 0, 11)->ptr;
	*post_id = db_cell_u64(&rows, 0, 12);
	return DB_OK;
}

int attach_draft_describe(struct db *db, unsigned long long owner, unsigned long long id, const char *description)
{
	return db_exec(db,
		       "UPDATE media m SET m.description = ? WHERE m.id = ? AND m.owner_id = ? AND m.kind = 'post' "
		       "AND NOT EXISTS (SELECT 1 FROM posts p WHERE p.media_id = m.id)",
		       NULL, NULL, "suu", description, id, owner);
}

int attach_delete_unposted(struct db *db, struct arena *a, const struct db_rows *rows, char ***hashes, size_t *n)
{
	size_t k = 0;
	int rc = DB_OK;

	*n = 0;
	*hashes = arena_calloc(a, rows->nrows ? rows->nrows : 1, sizeof(char *));
	if (!*hashes)
		return DB_ERR;
	for (size_t i = 0; i < rows->nrows && rc == DB_OK; i++) {
		unsigned long long affected = 0;

		/* Checked again as it goes: a post may have taken it since. */
		rc = db_exec(db,
			     "DELETE m FROM media m WHERE m.id = ? "
			     "AND NOT EXISTS (SELECT 1 FROM posts p WHERE p.media_id = m.id)",
			     &affected, NULL, "u", db_cell_u64(rows, i, 0));
		if (rc == DB_OK && affected)
			(*hashes)[k++] = db_cell(rows, i, 1)->ptr;
	}
	*n = k;
	return rc;
}

int attach_drafts_expire(struct db *db, struct arena *a, unsigned long long owner, int max_age, size_t max,
			 char ***hashes, size_t *n)
{
	struct db_rows rows;
	int rc = db_query(db, a, &rows, max,
			  "SELECT m.id, m.sha256 FROM media m WHERE m.owner_id = ? AND m.kind = 'post' "
			  "AND m.created_at < NOW(3) - INTERVAL ? SECOND "
			  "AND NOT EXISTS (SELECT 1 FROM posts p WHERE p.media_id = m.id) LIMIT ?",
			  "uuu", owner, (unsigned long long)max_age, (unsigned long long)max);

	*n = 0;
	return rc == DB_OK ? attach_delete_unposted(db, a, &rows, hashes, n) : rc;
}
