#include "store/posts.h"

#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/banned.h"

#define POSTS_COLUMNS                                                                           \
	"p.id, p.user_id, p.caption, p.is_sensitive, p.state, p.state_reason, p.likes_count, "        \
	"p.superlikes_count, p.reposts_count, "                                                    \
	"DATE_FORMAT(p.created_at, '%Y-%m-%dT%H:%i:%s.%f'), "                                     \
	"u.username, u.display_name, u.avatar_hash, "                                              \
	"m.id, m.sha256, m.format, m.width, m.height, m.frames, m.feed_width, m.feed_height, "     \
	"m.thumb_width, m.thumb_height, m.blurhash, m.description"
#define POSTS_FROM " FROM posts p JOIN users u ON u.id = p.user_id JOIN media m ON m.id = p.media_id"

/* "2026-11-28T12:00:00.123456" -> "2026-11-28T12:00:00.123Z" in place. */
static char *posts_iso(char *s)
{
	if (s && strlen(s) == 26) {
		s[23] = 'Z';
		s[24] = '\0';
	}
	return s;
}

static int posts_int(const struct db_rows *r, size_t row, size_t col)
{
	return (int)db_cell_i64(r, row, col);
}

static void posts_from_row(const struct db_rows *r, size_t i, struct post *p)
{
	memset(p, 0, sizeof(*p));
	p->id = db_cell_u64(r, i, 0);
	p->user_id = db_cell_u64(r, i, 1);
	p->caption = db_cell(r, i, 2)->ptr;
	p->sensitive = db_cell_i64(r, i, 3) != 0;
	p->state = db_cell(r, i, 4)->ptr;
	p->state_reason = db_cell(r, i, 5)->ptr;
	p->likes_count = db_cell_u64(r, i, 6);
	p->superlikes_count = db_cell_u64(r, i, 7);
	p->reposts_count = db_cell_u64(r, i, 8);
	p->created_at = posts_iso(db_cell(r, i, 9)->ptr);
	p->username = db_cell(r, i, 10)->ptr;
	p->display_name = db_cell(r, i, 11)->ptr;
	p->avatar_hash = db_cell(r, i, 12)->ptr;
	p->media.id = db_cell_u64(r, i, 13);
	p->media.sha256 = db_cell(r, i, 14)->ptr;
	p->media.format = db_cell(r, i, 15)->ptr;
	p->media.width = posts_int(r, i, 16);
	p->media.height = posts_int(r, i, 17);
	p->media.frames = posts_int(r, i, 18);
	p->media.feed_width = posts_int(r, i, 19);
	p->media.feed_height = posts_int(r, i, 20);
	p->media.thumb_width = posts_int(r, i, 21);
	p->media.thumb_height = posts_int(r, i, 22);
	p->media.blurhash = db_cell(r, i, 23)->ptr;
	p->media.description = db_cell(r, i, 24)->ptr;
}

int posts_find(struct db *db, struct arena *a, unsigned long long id, struct post *out)
{
	struct db_rows rows;
	int rc = db_query(db, a, &rows, 1, "SELECT " POSTS_COLUMNS POSTS_FROM " WHERE p.id = ?", "u", id);

	if (rc != DB_OK)
		return rc;
	if (rows.nrows == 0)
		return POSTS_NOT_FOUND;
	posts_from_row(&rows, 0, out);
	return DB_OK;
}

int posts_by_user(struct db *db, struct arena *a, unsigned long long user_id, bool include_hidden,
		  unsigned long long max_id, size_t limit, struct post **out, size_t *n)
{
	struct db_rows rows;
	int rc;

	if (limit > 100)
		limit = 100;
	if (max_id == 0)
		max_id = ~0ULL >> 1;
	if (include_hidden)
		rc = db_query(db, a, &rows, limit,
			      "SELECT " POSTS_COLUMNS POSTS_FROM
			      " WHERE p.user_id = ? AND p.id < ? AND p.state <> 'removed'"
			      " ORDER BY p.id DESC LIMIT ?", "uuu", user_id, max_id, (unsigned long long)limit);
	else
		rc = db_query(db, a, &rows, limit,
			      "SELECT " POSTS_COLUMNS POSTS_FROM
			      " WHERE p.user_id = ? AND p.state = 'approved' AND p.id < ?"
			      " ORDER BY p.id DESC LIMIT ?", "uuu", user_id, max_id, (unsigned long long)limit);
	if (rc != DB_OK)
		return rc;
	*n = rows.nrows;
	*out = arena_calloc(a, rows.nrows ? rows.nrows : 1, sizeof(**out));
	if (!*out)
		return DB_ERR;
	for (size_t i = 0; i < rows.nrows; i++)
		posts_from_row(&rows, i, &(*out)[i]);
	return DB_OK;
}

/* The post this user already made with key, if any. */
static int posts_by_key(struct db *db, unsigned long long user_id, const char *key,
			unsigned long long *id)
{
	struct arena *a = arena_new(1024);
	struct db_rows rows;
	int rc;

	if (!a)
		return DB_ERR;
	rc = db_query(db, a, &rows, 1, "SELECT id FROM posts WHERE user_id = ? AND idempotency_key = ?",
		      "us", user_id, key);
	if (rc == DB_OK)
		rc = rows.nrows ? DB_OK : POSTS_NOT_FOUND;
	if (rc == DB_OK)
		*id = db_cell_u64(&rows, 0, 0);
	arena_free(a);
	return rc;
}

static int posts_insert_tags(struct db *db, const struct post_new *p, unsigned long long post_id)
{
	for (size_t i = 0; i < p->ntags; i++) {
		struct str tag = { p->tags[i], p->tag_lens[i] };
		int rc = db_exec(db, "INSERT IGNORE INTO hashtags (name) VALUES (?)", NULL, NULL, "S", &tag);

		if (rc == DB_OK)
			rc = db_exec(db,
				     "INSERT IGNORE INTO post_hashtags (hashtag_id, post_id) "
				     "SELECT id, ? FROM hashtags WHERE name = ?",
				     NULL, NULL, "uS", post_id, &tag);
		if (rc != DB_OK)
			return rc;
	}
	return DB_OK;
}

/*
 * One attempt inside a transaction. The author's row is locked first:
 * posts by one person are created one at a time, so the idempotency key
 * can be checked under the lock and the counter update cannot deadlock
 * with the foreign-key locks of a concurrent insert.
 */
static int posts_create_once(struct db *db, const struct post_new *p, unsigned long long *id, bool *existed)
{
	const struct post_media *m = &p->media;
	struct arena *a = arena_new(1024);
	unsigned long long media_id = 0;
	struct db_rows rows;
	int rc;

	if (!a)
		return DB_ERR;
	rc = db_query(db, a, &rows, 1, "SELECT id FROM users WHERE id = ? FOR UPDATE", "u", p->user_id);
	arena_free(a);
	if (rc == DB_OK && p->idempotency_key && posts_by_key(db, p->user_id, p->idempotency_key, id) == DB_OK) {
		*existed = true;
		return DB_OK;
	}
	if (rc == DB_OK)
		rc = db_exec(db,
			     "INSERT INTO media (owner_id, sha256, kind, format, width, height, frames, "
			     "feed_width, feed_height, thumb_width, thumb_height, bytes, blurhash, description) "
			     "VALUES (?, ?, 'post', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			     NULL, &media_id, "ussiiiiiiiuss", p->user_id, m->sha256, m->format,
			     (long long)m->width, (long long)m->height, (long long)m->frames,
			     (long long)m->feed_width, (long long)m->feed_height, (long long)m->thumb_width,
			     (long long)m->thumb_height, p->media_bytes, m->blurhash, m->description);
	if (rc == DB_OK)
		rc = db_exec(db,
			     "INSERT INTO posts (user_id, media_id, caption, is_sensitive, state, idempotency_key) "
			     "VALUES (?, ?, ?, ?, ?, ?)",
			     NULL, id, "uusiss", p->user_id, media_id, p->caption, (long long)p->sensitive,
			     p->approved ? "approved" : "pending", p->idempotency_key);
	if (rc == DB_OK)
		rc = posts_insert_tags(db, p, *id);
	if (rc == DB_OK && p->approved)
		rc = db_exec(db, "UPDATE users SET posts_count = posts_count + 1 WHERE id = ?", NULL, NULL,
			     "u", p->user_id);
	return rc;
}

int posts_create(struct db *db, const struct post_new *p, unsigned long long *id, bool *existed)
{
	int rc;

	*existed = false;
	rc = db_begin(db);
	if (rc == DB_OK)
		rc = posts_create_once(db, p, id, existed);
	if (rc == DB_OK)
		rc = db_commit(db);
	if (rc != DB_OK)
		db_rollback(db);
	return rc;
}

int posts_delete(struct db *db, struct arena *a, unsigned long long id, char **sha256)
{
	struct db_rows rows;
	int rc = db_begin(db);

	if (rc == DB_OK)
		rc = db_query(db, a, &rows, 1,
			      "SELECT p.user_id, p.state, m.id, m.sha256 FROM posts p "
			      "JOIN media m ON m.id = p.media_id WHERE p.id = ? FOR UPDATE", "u", id);
	if (rc == DB_OK && rows.nrows == 0)
		rc = POSTS_NOT_FOUND;
	if (rc == DB_OK && strcmp(db_cell(&rows, 0, 1)->ptr, "approved") == 0)
		rc = db_exec(db, "UPDATE users SET posts_count = posts_count - 1 WHERE id = ? AND posts_count > 0",
			     NULL, NULL, "u", db_cell_u64(&rows, 0, 0));
	/* The media row cascades to the post, its hashtags and (later) its
	 * likes and notifications. */
	if (rc == DB_OK)
		rc = db_exec(db, "DELETE FROM media WHERE id = ?", NULL, NULL, "u", db_cell_u64(&rows, 0, 2));
	if (rc == DB_OK)
		rc = db_commit(db);
	if (rc != DB_OK) {
		db_rollback(db);
		return rc;
	}
	*sha256 = db_cell(&rows, 0, 3)->ptr;
	return DB_OK;
}

int posts_remove(struct db *db, unsigned long long id, const char *reason)
{
	unsigned long long affected = 0;
	int rc = db_begin(db);

	if (rc == DB_OK)
		rc = db_exec(db,
			     "UPDATE users u JOIN posts p ON p.user_id = u.id SET u.posts_count = u.posts_count - 1 "
			     "WHERE p.id = ? AND p.state = 'approved' AND u.posts_count > 0",
			     NULL, NULL, "u", id);
	if (rc == DB_OK)
		rc = db_exec(db, "UPDATE posts SET state = 'removed', state_reason = ? WHERE id = ? AND state <> 'removed'",
			     &affected, NULL, "su", reason, id);
	if (rc == DB_OK)
		rc = db_commit(db);
	if (rc != DB_OK) {
		db_rollback(db);
		return rc;
	}
	return affected ? DB_OK : POSTS_NOT_FOUND;
}
