#include "store/generations.h"

#include "core/arena.h"
#include "store/posts.h"
#include "store/attachments.h"
#include "core/banned.h"

#define GENS_COLUMNS \
	"id, user_id, status, error, prompt, negative_prompt, style, images, engine, model, " \
	"TIMESTAMPDIFF(SECOND, created_at, NOW(3))"

/* One transaction's work for gens_create(). */
static int gens_create_once(struct db *db, const struct gen_new *g, int busy_s, unsigned long long *id)
{
	struct arena *a = arena_new(1024);
	struct db_rows rows;
	int rc;

	if (!a)
		return DB_ERR;
	/* Requests of one person are counted one at a time. */
	rc = db_query(db, a, &rows, 1, "SELECT id FROM users WHERE id = ? FOR UPDATE", "u", g->user_id);
	if (rc == DB_OK)
		rc = db_query(db, a, &rows, 1,
			      "SELECT id FROM generations WHERE user_id = ? AND status IN ('pending', 'running') "
			      "AND created_at > NOW(3) - INTERVAL ? SECOND ORDER BY id DESC LIMIT 1",
			      "uu", g->user_id, (unsigned long long)busy_s);
	if (rc == DB_OK && rows.nrows) {
		*id = db_cell_u64(&rows, 0, 0);
		rc = GENS_BUSY;
	}
	if (rc == DB_OK)
		rc = db_query(db, a, &rows, 1,
			      "SELECT COUNT(*) FROM generations WHERE user_id = ? AND status <> 'failed' "
			      "AND created_at > NOW(3) - INTERVAL 1 DAY", "u", g->user_id);
	if (rc == DB_OK && db_cell_i64(&rows, 0, 0) >= g->daily_quota)
		rc = GENS_QUOTA;
	if (rc == DB_OK)
		rc = db_exec(db,
			     "INSERT INTO generations (user_id, prompt, negative_prompt, style, images, engine, model) "
			     "VALUES (?, ?, ?, ?, ?, ?, ?)",
			     NULL, id, "usssiss", g->user_id, g->prompt, g->negative_prompt, g->style,
			     (long long)g->images, g->engine, g->model);
	arena_free(a);
	return rc;
}

int gens_create(struct db *db, const struct gen_new *g, int busy_s, unsigned long long *id)
{
	int rc = db_begin(db);

	if (rc == DB_OK)
		rc = gens_create_once(db, g, busy_s, id);
	if (rc == DB_OK)
		rc = db_commit(db);
	if (rc != DB_OK)
		db_rollback(db);
	return rc;
}

int gens_count_today(struct db *db, unsigned long long user_id, int *n)
{
	struct arena *a = arena_new(512);
	struct db_rows rows;
	int rc;

	if (!a)
		return DB_ERR;
	rc = db_query(db, a, &rows, 1,
		      "SELECT COUNT(*) FROM generations WHERE user_id = ? AND status <> 'failed' "
		      "AND created_at > NOW(3) - INTERVAL 1 DAY", "u", user_id);
	if (rc == DB_OK)
		*n = (int)db_cell_i64(&rows, 0, 0);
	arena_free(a);
	return rc;
}

int gens_find(struct db *db, struct arena *a, unsigned long long id, struct generation *out)
{
	struct db_rows rows;
	size_t c = 0;
	int rc = db_query(db, a, &rows, 1, "SELECT " GENS_COLUMNS " FROM generations WHERE id = ?", "u", id);

	if (rc != DB_OK)
		return rc;
	if (rows.nrows == 0)
		return GENS_NOT_FOUND;
	out->id = db_cell_u64(&rows, 0, c++);
	out->user_id = db_cell_u64(&rows, 0, c++);
	out->status = db_cell(&rows, 0, c++)->ptr;
	out->error = db_cell(&rows, 0, c++)->ptr;
	out->prompt = db_cell(&rows, 0, c++)->ptr;
	out->negative_prompt = db_cell(&rows, 0, c++)->ptr;
	out->style = db_cell(&rows, 0, c++)->ptr;
	out->images = (int)db_cell_i64(&rows, 0, c++);
	out->engine = db_cell(&rows, 0, c++)->ptr;
	out->model = db_cell(&rows, 0, c++)->ptr;
	out->age_s = db_cell_i64(&rows, 0, c++);
	return DB_OK;
}

int gens_start(struct db *db, unsigned long long id, int running_s, bool *ok)
{
	unsigned long long affected = 0;
	int rc = db_exec(db,
			 "UPDATE generations SET status = 'running', started_at = NOW(3) WHERE id = ? "
			 "AND (status = 'pending' OR (status = 'running' AND started_at < NOW(3) - INTERVAL ? SECOND))",
			 &affected, NULL, "uu", id, (unsigned long long)running_s);

	*ok = rc == DB_OK && affected > 0;
	return rc;
}

int gens_fail(struct db *db, unsigned long long id, const char *code)
{
	return db_exec(db,
		       "UPDATE generations SET status = 'failed', error = ?, finished_at = NOW(3) "
		       "WHERE id = ? AND status IN ('pending', 'running')",
		       NULL, NULL, "su", code, id);
}

int gens_finish(struct db *db, unsigned long long id, unsigned long long owner, const struct post_media *m,
		const unsigned long long *bytes, size_t n)
{
	unsigned long long affected = 0;
	int rc = db_begin(db);

	if (rc == DB_OK)
		rc = db_exec(db,
			     "UPDATE generations SET status = 'done', finished_at = NOW(3) "
			     "WHERE id = ? AND status = 'running'", &affected, NULL, "u", id);
	if (rc == DB_OK && !affected)
		rc = GENS_NOT_FOUND; /* settled meanwhile (or gone with its author) */
	for (size_t i = 0; i < n && rc == DB_OK; i++)
		rc = db_exec(db,
			     "INSERT INTO media (owner_id, sha256, kind, format, width, height, frames, "
			     "feed_width, feed_height, thumb_width, thumb_height, bytes, blurhash, description, generation_id) "
			     "VALUES (?, ?, 'post', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', ?)",
			     NULL, NULL, "ussiiiiiiiusu", owner, m[i].sha256, m[i].format, (long long)m[i].width,
			     (long long)m[i].height, (long long)m[i].frames, (long long)m[i].feed_width,
			     (long long)m[i].feed_height, (long long)m[i].thumb_width, (long long)m[i].thumb_height,
			     bytes[i], m[i].blurhash, id);
	if (rc == DB_OK)
		rc = db_commit(db);
	if (rc != DB_OK)
		db_rollback(db);
	return rc;
}

#define GENS_MEDIA_COLUMNS \
	"m.id, m.sha256, m.format, m.width, m.height, m.frames, m.feed_width, m.feed_height, " \
	"m.thumb_width, m.thumb_height, m.blurhash, m.description"

static void gens_media_from_row(const struct db_rows *rows, size_t i, struct post_media *o)
{
	o->id = db_cell_u64(rows, i, 0);
	o->sha256 = db_cell(rows, i, 1)->ptr;
	o->format = db_cell(rows, i, 2)->ptr;
	o->width = (int)db_cell_i64(rows, i, 3);
	o->height = (int)db_cell_i64(rows, i, 4);
	o->frames = (int)db_cell_i64(rows, i, 5);
	o->feed_width = (int)db_cell_i64(rows, i, 6);
	o->feed_height = (int)db_cell_i64(rows, i, 7);
	o->thumb_width = (int)db_cell_i64(rows, i, 8);
	o->thumb_height = (int)db_cell_i64(rows, i, 9);
	o->blurhash = db_cell(rows, i, 10)->ptr;
	o->description = db_cell(rows, i, 11)->ptr;
}

int gens_results(struct db *db, struct arena *a, unsigned long long id, struct post_media **out, size_t *n)
{
	struct db_rows rows;
	int rc = db_query(db, a, &rows, 8,
			  "SELECT " GENS_MEDIA_COLUMNS " FROM media m WHERE m.generation_id = ? "
			  "AND NOT EXISTS (SELECT 1 FROM posts p WHERE p.media_id = m.id) ORDER BY m.id",
			  "u", id);

	if (rc != DB_OK)
		return rc;
	*out = arena_calloc(a, rows.nrows ? rows.nrows : 1, sizeof(**out));
	if (!*out)
		return DB_ERR;
	for (size_t i = 0; i < rows.nrows; i++)
		gens_media_from_row(&rows, i, &(*out)[i]);
	*n = rows.nrows;
	return DB_OK;
}

int gens_of_media(struct db *db, struct arena *a, unsigned long long owner, unsigned long long media_id,
		  struct generation *out)
{
	struct db_rows rows;
	int rc = db_query(db, a, &rows, 1,
			  "SELECT m.generation_id FROM media m WHERE m.id = ? AND m.owner_id = ? AND m.kind = 'post' "
			  "AND m.generation_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM posts p WHERE p.media_id = m.id)",
			  "uu", media_id, owner);

	if (rc != DB_OK)
		return rc;
	if (rows.nrows == 0)
		return GENS_NOT_FOUND;
	rc = gens_find(db, a, db_cell_u64(&rows, 0, 0), out);
	if (rc == DB_OK && out->user_id != owner)
		rc = GENS_NOT_FOUND;
	return rc;
}

int gens_discard_results(struct db *db, struct arena *a, unsigned long long id, char ***hashes, size_t *n)
{
	struct db_rows rows;
	int rc = db_query(db, a, &rows, 8,
			  "SELECT m.id, m.sha256 FROM media m WHERE m.generation_id = ? "
			  "AND NOT EXISTS (SELECT 1 FROM posts p WHERE p.media_id = m.id)", "u", id);

	*n = 0;
	return rc == DB_OK ? attach_delete_unposted(db, a, &rows, hashes, n) : rc;
}
