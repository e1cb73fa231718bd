#include "store/posts.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/arena.h"
#include "store/batch.h"
#include "store/deliveries.h"
#include "core/banned.h"

#define POSTS_COLUMNS                                                                           \
	"p.id, p.user_id, p.repost_of_id, p.caption, p.is_sensitive, p.state, p.state_reason, p.likes_count, "        \
	"p.superlikes_count, p.reposts_count, "                                                    \
	"DATE_FORMAT(p.created_at, '%Y-%m-%dT%H:%i:%s.%f'), "                                     \
	"u.username, u.display_name, u.avatar_hash, "                                              \
	"m.id, m.sha256, m.format, m.width, m.height, m.frames, m.feed_width, m.feed_height, "     \
	"m.thumb_width, m.thumb_height, m.blurhash, m.description, "                                \
	"p.provenance, p.ai_engine, p.ai_model, p.ai_prompt"
#define POSTS_NCOLUMNS 30

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
	size_t c = 0;

	p->id = db_cell_u64(r, i, c++);
	p->user_id = db_cell_u64(r, i, c++);
	p->repost_of_id = db_cell_u64(r, i, c++);
	p->caption = db_cell(r, i, c++)->ptr;
	p->sensitive = db_cell_i64(r, i, c++) != 0;
	p->state = db_cell(r, i, c++)->ptr;
	p->state_reason = db_cell(r, i, c++)->ptr;
	p->likes_count = db_cell_u64(r, i, c++);
	p->superlikes_count = db_cell_u64(r, i, c++);
	p->reposts_count = db_cell_u64(r, i, c++);
	p->created_at = posts_iso(db_cell(r, i, c++)->ptr);
	p->username = db_cell(r, i, c++)->ptr;
	p->display_name = db_cell(r, i, c++)->ptr;
	p->avatar_hash = db_cell(r, i, c++)->ptr;
	p->media.id = db_cell_u64(r, i, c++);
	p->media.sha256 = db_cell(r, i, c++)->ptr;
	p->media.format = db_cell(r, i, c++)->ptr;
	p->media.width = posts_int(r, i, c++);
	p->media.height = posts_int(r, i, c++);
	p->media.frames = posts_int(r, i, c++);
	p->media.feed_width = posts_int(r, i, c++);
	p->media.feed_height = posts_int(r, i, c++);
	p->media.thumb_width = posts_int(r, i, c++);
	p->media.thumb_height = posts_int(r, i, c++);
	p->media.blurhash = db_cell(r, i, c++)->ptr;
	p->media.description = db_cell(r, i, c++)->ptr;
	p->provenance = db_cell(r, i, c++)->ptr;
	p->ai_engine = db_cell(r, i, c++)->ptr;
	p->ai_model = db_cell(r, i, c++)->ptr;
	p->ai_prompt = db_cell(r, i, c++)->ptr;
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
			      " WHERE p.user_id = ? AND p.id < ? AND p.state <> 'removed' AND p.repost_of_id IS NULL"
			      " ORDER BY p.id DESC LIMIT ?", "uuu", user_id, max_id, (unsigned long long)limit);
	else
		rc = db_query(db, a, &rows, limit,
			      "SELECT " POSTS_COLUMNS POSTS_FROM
			      " WHERE p.user_id = ? AND p.state = 'approved' AND p.id < ? AND p.repost_of_id IS NULL"
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

int posts_by_key(struct db *db, unsigned long long user_id, const char *key,
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
	const char *provenance = p->provenance ? p->provenance : "unmarked";
	const char *engine = p->ai_engine, *model = p->ai_model, *prompt = p->ai_prompt;
	struct arena *ma = NULL; /* the draft media row's */
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
	if (rc == DB_OK && p->media_id) {
		/* An upload made before its post: the author's, and not shown
		 * by another post yet. Locked, so two posts cannot take it. */
		ma = arena_new(1024);
		if (!ma)
			return DB_ERR;
		rc = db_query(db, ma, &rows, 1,
			      "SELECT m.id, g.engine, g.model FROM media m LEFT JOIN generations g ON g.id = m.generation_id "
			      "WHERE m.id = ? AND m.owner_id = ? AND m.kind = 'post' "
			      "AND NOT EXISTS (SELECT 1 FROM posts p WHERE p.media_id = m.id) FOR UPDATE",
			      "uu", p->media_id, p->user_id);
		if (rc == DB_OK && rows.nrows == 0)
			rc = POSTS_MEDIA_UNAVAILABLE;
		media_id = p->media_id;
		/* An image generated here is labelled so whichever way it is
		 * posted (the API's media_ids too); its prompt only when the
		 * author chose to share it. */
		if (rc == DB_OK && db_cell(&rows, 0, 1)->ptr) {
			if (strcmp(provenance, "generated") != 0)
				prompt = NULL;
			provenance = "generated";
			engine = db_cell(&rows, 0, 1)->ptr;
			model = db_cell(&rows, 0, 2)->ptr;
		}
	} else if (rc == DB_OK)
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
			     "INSERT INTO posts (user_id, media_id, caption, is_sensitive, state, idempotency_key, "
			     "provenance, ai_engine, ai_model, ai_prompt) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			     NULL, id, "uusissssss", p->user_id, media_id, p->caption, (long long)p->sensitive,
			     p->approved ? "approved" : "pending", p->idempotency_key, provenance, engine, model, prompt);
	arena_free(ma); /* after the insert: engine and model may point into it */
	if (rc == DB_OK)
		rc = posts_insert_tags(db, p, *id);
	if (rc == DB_OK && p->approved)
		rc = db_exec(db, "UPDATE users SET posts_count = posts_count + 1 WHERE id = ?", NULL, NULL,
			     "u", p->user_id);
	if (rc == DB_OK && p->approved)
		rc = deliveries_owe(db, *id);
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

int posts_repost(struct db *db, unsigned long long uid, unsigned long long original_id, unsigned long long *id,
		 bool *created)
{
	struct arena *a = arena_new(1024);
	unsigned long long affected = 0;
	struct db_rows rows;
	int rc;

	*created = false;
	if (!a)
		return DB_ERR;
	rc = db_begin(db);
	/* The original's row first: reposts of one post queue there. */
	if (rc == DB_OK)
		rc = db_query(db, a, &rows, 1,
			      "SELECT media_id FROM posts WHERE id = ? AND state = 'approved' AND repost_of_id IS NULL FOR UPDATE",
			      "u", original_id);
	if (rc == DB_OK && rows.nrows == 0)
		rc = POSTS_NOT_FOUND;
	if (rc == DB_OK)
		rc = db_exec(db,
			     "INSERT IGNORE INTO posts (user_id, media_id, repost_of_id, state) VALUES (?, ?, ?, 'approved')",
			     &affected, id, "uuu", uid, db_cell_u64(&rows, 0, 0), original_id);
	if (rc == DB_OK && affected)
		rc = db_exec(db, "UPDATE posts SET reposts_count = reposts_count + 1 WHERE id = ?", NULL, NULL, "u",
			     original_id);
	if (rc == DB_OK && affected)
		rc = deliveries_owe(db, *id);
	if (rc == DB_OK && !affected) {
		rc = db_query(db, a, &rows, 1, "SELECT id FROM posts WHERE user_id = ? AND repost_of_id = ?", "uu", uid,
			      original_id);
		if (rc == DB_OK && rows.nrows)
			*id = db_cell_u64(&rows, 0, 0);
	}
	if (rc == DB_OK)
		rc = db_commit(db);
	else
		db_rollback(db);
	arena_free(a);
	*created = rc == DB_OK && affected;
	return rc;
}

int posts_unrepost(struct db *db, unsigned long long uid, unsigned long long original_id, unsigned long long *id)
{
	struct arena *a = arena_new(1024);
	struct db_rows rows;
	int rc;

	*id = 0;
	if (!a)
		return DB_ERR;
	rc = db_begin(db);
	if (rc == DB_OK)
		rc = db_exec(db, "SELECT id FROM posts WHERE id = ? FOR UPDATE", NULL, NULL, "u", original_id);
	if (rc == DB_OK)
		rc = db_query(db, a, &rows, 1, "SELECT id FROM posts WHERE user_id = ? AND repost_of_id = ? FOR UPDATE",
			      "uu", uid, original_id);
	if (rc == DB_OK && rows.nrows) {
		*id = db_cell_u64(&rows, 0, 0);
		rc = db_exec(db, "DELETE FROM posts WHERE id = ?", NULL, NULL, "u", *id);
		if (rc == DB_OK)
			rc = db_exec(db, "UPDATE posts SET reposts_count = reposts_count - 1 WHERE id = ? AND reposts_count > 0",
				     NULL, NULL, "u", original_id);
	}
	if (rc == DB_OK)
		rc = db_commit(db);
	else
		db_rollback(db);
	arena_free(a);
	return rc;
}

int posts_reposted_among(struct db *db, struct arena *a, unsigned long long uid, const unsigned long long *ids,
			 size_t n, bool *out)
{
	struct db_rows rows;
	int rc;

	memset(out, 0, n * sizeof(*out));
	if (n == 0)
		return DB_OK;
	rc = batch_query_ids(db, a, &rows, "SELECT repost_of_id FROM posts WHERE user_id = ? AND repost_of_id IN " BATCH_IN,
			     uid, ids, n);
	if (rc != DB_OK)
		return rc;
	for (size_t r = 0; r < rows.nrows; r++)
		for (size_t i = 0; i < n; i++)
			if (ids[i] == db_cell_u64(&rows, r, 0))
				out[i] = true;
	return DB_OK;
}

#define POSTS_BATCH_FROM                                                                               \
	" FROM posts p FORCE INDEX (PRIMARY) JOIN users u ON u.id = p.user_id JOIN media m ON m.id = p.media_id "
#define POSTS_BATCH_WHERE "WHERE p.state = 'approved' AND p.id IN " BATCH_IN

/* The columns a viewer's posts_fetch() adds after POSTS_COLUMNS: the
 * viewer's like, their repost, and the author's row. */
static int posts_viewer_from_row(struct arena *a, const struct db_rows *rows, size_t i, struct post *p)
{
	const char *kind = db_cell(rows, i, POSTS_NCOLUMNS)->ptr;

	if (kind)
		p->viewer_like = strcmp(kind, "superlike") == 0 ? LIKE_SUPER : LIKE_NORMAL;
	p->viewer_reposted = db_cell(rows, i, POSTS_NCOLUMNS + 1)->ptr != NULL;
	p->author = arena_alloc(a, sizeof(*p->author));
	if (!p->author)
		return DB_ERR;
	users_from_row(rows, i, POSTS_NCOLUMNS + 2, p->author);
	return DB_OK;
}

/* Rows of the given ids (approved only), unordered. The ids are primary
 * keys: weighing posts' eight other indexes for each batch took a fifth
 * of the statement's time (docs/performance.md). A viewer's like and
 * repost of each row come from two unique-key lookups per row, cheaper
 * than a statement of their own with the same id list; so does the
 * author's whole row, which the API shows. */
static int posts_fetch(struct db *db, struct arena *a, unsigned long long viewer, const unsigned long long *ids,
		       size_t n, struct post **out, size_t *count)
{
	const unsigned long long lead[2] = { viewer, viewer };
	struct db_rows rows;
	int rc = viewer ? batch_query_lead_ids(db, a, &rows,
					       "SELECT " POSTS_COLUMNS ", vl.kind, vr.id, " USERS_COLUMNS POSTS_BATCH_FROM
					       "LEFT JOIN likes vl FORCE INDEX (likes_pair) ON vl.user_id = ? AND vl.post_id = p.id "
					       "LEFT JOIN posts vr FORCE INDEX (posts_repost) ON vr.user_id = ? AND vr.repost_of_id = p.id "
					       POSTS_BATCH_WHERE,
					       lead, 2, ids, n)
			: batch_query_only_ids(db, a, &rows, "SELECT " POSTS_COLUMNS POSTS_BATCH_FROM POSTS_BATCH_WHERE,
					       ids, n);

	if (rc != DB_OK)
		return rc;
	*out = arena_calloc(a, rows.nrows ? rows.nrows : 1, sizeof(**out));
	if (!*out)
		return DB_ERR;
	for (size_t i = 0; i < rows.nrows; i++) {
		posts_from_row(&rows, i, &(*out)[i]);
		if (viewer && posts_viewer_from_row(a, &rows, i, &(*out)[i]) != DB_OK)
			return DB_ERR;
	}
	*count = rows.nrows;
	return DB_OK;
}

static struct post *posts_pick(struct post *rows, size_t n, unsigned long long id)
{
	for (size_t i = 0; i < n; i++)
		if (rows[i].id == id)
			return &rows[i];
	return NULL;
}

int posts_by_ids(struct db *db, struct arena *a, unsigned long long viewer, const unsigned long long *ids, size_t n,
		 struct post **out, struct post ***originals, size_t *count)
{
	struct post *rows = NULL, *orig_rows = NULL;
	unsigned long long orig_ids[BATCH_MAX];
	size_t nrows = 0, norig = 0, k = 0;
	int rc;

	if (n > BATCH_MAX)
		n = BATCH_MAX;
	rc = posts_fetch(db, a, viewer, ids, n, &rows, &nrows);
	if (rc != DB_OK)
		return rc;
	for (size_t i = 0; i < nrows; i++)
		if (rows[i].repost_of_id)
			orig_ids[norig++] = rows[i].repost_of_id;
	if (norig) {
		size_t got = 0;

		rc = posts_fetch(db, a, viewer, orig_ids, norig, &orig_rows, &got);
		if (rc != DB_OK)
			return rc;
		norig = got;
	}
	*out = arena_calloc(a, n ? n : 1, sizeof(**out));
	*originals = arena_calloc(a, n ? n : 1, sizeof(**originals));
	if (!*out || !*originals)
		return DB_ERR;
	for (size_t i = 0; i < n; i++) {
		struct post *p = posts_pick(rows, nrows, ids[i]), *o = NULL;

		if (!p)
			continue;
		if (p->repost_of_id) {
			o = posts_pick(orig_rows, norig, p->repost_of_id);
			if (!o)
				continue; /* the original is gone or hidden */
		}
		(*out)[k] = *p;
		(*originals)[k] = o;
		k++;
	}
	*count = k;
	return DB_OK;
}

int posts_home_ids(struct db *db, struct arena *a, unsigned long long uid, size_t limit, unsigned long long **ids,
		   size_t *n)
{
	struct db_rows rows;
	int rc = db_query(db, a, &rows, limit,
			  "SELECT id FROM ("
			  " (SELECT p.id FROM follows f JOIN posts p ON p.user_id = f.followee_id"
			  "  WHERE f.follower_id = ? AND p.state = 'approved' ORDER BY p.id DESC LIMIT ?)"
			  " UNION ALL"
			  " (SELECT id FROM posts WHERE user_id = ? AND state = 'approved' ORDER BY id DESC LIMIT ?)"
			  ") t ORDER BY id DESC LIMIT ?",
			  "uuuuu", uid, (unsigned long long)limit, uid, (unsigned long long)limit, (unsigned long long)limit);

	return rc == DB_OK ? db_rows_u64s(a, &rows, 0, ids, n) : rc;
}

int posts_recent_ids(struct db *db, struct arena *a, unsigned long long max_id, size_t limit,
		     unsigned long long **ids, size_t *n)
{
	struct db_rows rows;
	int rc;

	if (!max_id)
		max_id = ~0ULL >> 1;
	rc = db_query(db, a, &rows, limit,
		      "SELECT id FROM posts FORCE INDEX (posts_originals) WHERE state = 'approved' AND id < ? AND repost_of_id IS NULL "
		      "ORDER BY id DESC LIMIT ?", "uu", max_id, (unsigned long long)limit);
	return rc == DB_OK ? db_rows_u64s(a, &rows, 0, ids, n) : rc;
}

int posts_recent_ids_ai(struct db *db, struct arena *a, enum posts_ai ai, unsigned long long max_id, size_t limit,
			unsigned long long **ids, size_t *n)
{
	struct db_rows rows;
	int rc;

	if (ai == POSTS_AI_ALL)
		return posts_recent_ids(db, a, max_id, limit, ids, n);
	if (!max_id)
		max_id = ~0ULL >> 1;
	if (ai == POSTS_AI_ONLY)
		rc = db_query(db, a, &rows, limit,
			      "SELECT id FROM posts WHERE state = 'approved' AND provenance IN ('uploaded_ai', 'generated') "
			      "AND id < ? AND repost_of_id IS NULL ORDER BY id DESC LIMIT ?",
			      "uu", max_id, (unsigned long long)limit);
	else
		rc = db_query(db, a, &rows, limit,
			      "SELECT id FROM posts FORCE INDEX (posts_originals) WHERE state = 'approved' AND id < ? "
			      "AND repost_of_id IS NULL AND provenance = 'unmarked' ORDER BY id DESC LIMIT ?",
			      "uu", max_id, (unsigned long long)limit);
	return rc == DB_OK ? db_rows_u64s(a, &rows, 0, ids, n) : rc;
}

static int posts_top_query(struct db *db, struct arena *a, int hours, size_t limit, unsigned long long **ids,
			   size_t *n)
{
	struct db_rows rows;
	int rc = db_query(db, a, &rows, limit,
			  "SELECT id FROM posts WHERE state = 'approved' AND created_at > NOW(3) - INTERVAL ? HOUR "
			  "AND repost_of_id IS NULL AND likes_count > 0 ORDER BY likes_count DESC, id DESC LIMIT ?",
			  "uu", (unsigned long long)hours, (unsigned long long)limit);

	return rc == DB_OK ? db_rows_u64s(a, &rows, 0, ids, n) : rc;
}

/* Sorting the day's posts by likes took 31 ms on the bench data, and the
 * answer only changes when someone likes: each process keeps it until
 * the newest like's id moves (one index read) or POSTS_TOP_MAX_AGE
 * passes, which also covers unlikes and the window moving on. */
#define POSTS_TOP_CACHE BATCH_MAX
#define POSTS_TOP_MAX_AGE 60

static struct {
	int hours;
	time_t at;
	unsigned long long newest_like;
	size_t n;
	unsigned long long ids[POSTS_TOP_CACHE];
} posts_top_cache;

int posts_top_ids(struct db *db, struct arena *a, int hours, size_t limit, unsigned long long **ids, size_t *n)
{
	struct db_rows rows;
	unsigned long long newest, *fresh;
	time_t now = time(NULL);
	int rc;

	if (limit > POSTS_TOP_CACHE)
		return posts_top_query(db, a, hours, limit, ids, n);
	rc = db_query(db, a, &rows, 1, "SELECT IFNULL(MAX(id), 0) FROM likes", "");
	if (rc != DB_OK)
		return rc;
	newest = db_cell_u64(&rows, 0, 0);
	if (posts_top_cache.hours != hours || posts_top_cache.newest_like != newest ||
	    now - posts_top_cache.at >= POSTS_TOP_MAX_AGE || now < posts_top_cache.at) {
		rc = posts_top_query(db, a, hours, POSTS_TOP_CACHE, &fresh, &posts_top_cache.n);
		if (rc != DB_OK) {
			posts_top_cache.hours = 0;
			return rc;
		}
		memcpy(posts_top_cache.ids, fresh, posts_top_cache.n * sizeof(*fresh));
		posts_top_cache.hours = hours;
		posts_top_cache.at = now;
		posts_top_cache.newest_like = newest;
	}
	*n = posts_top_cache.n < limit ? posts_top_cache.n : limit;
	*ids = arena_calloc(a, *n ? *n : 1, sizeof(**ids));
	if (!*ids)
		return DB_ERR;
	memcpy(*ids, posts_top_cache.ids, *n * sizeof(**ids));
	return DB_OK;
}

int posts_tag_ids(struct db *db, struct arena *a, const char *tag, unsigned long long max_id, size_t limit,
		  unsigned long long **ids, size_t *n)
{
	struct db_rows rows;
	int rc;

	if (!max_id)
		max_id = ~0ULL >> 1;
	rc = db_query(db, a, &rows, limit,
		      "SELECT ph.post_id FROM hashtags h JOIN post_hashtags ph ON ph.hashtag_id = h.id "
		      "JOIN posts p ON p.id = ph.post_id "
		      "WHERE h.name = ? AND ph.post_id < ? AND p.state = 'approved' "
		      "ORDER BY ph.post_id DESC LIMIT ?", "suu", tag, max_id, (unsigned long long)limit);
	return rc == DB_OK ? db_rows_u64s(a, &rows, 0, ids, n) : rc;
}

int posts_recent_ids_after(struct db *db, struct arena *a, unsigned long long after, size_t limit,
			   unsigned long long **ids, size_t *n)
{
	struct db_rows rows;
	int rc = db_query(db, a, &rows, limit,
			  "SELECT id FROM posts FORCE INDEX (posts_originals) WHERE state = 'approved' AND id > ? "
			  "AND repost_of_id IS NULL ORDER BY id ASC LIMIT ?", "uu", after, (unsigned long long)limit);

	return rc == DB_OK ? db_rows_u64s(a, &rows, 0, ids, n) : rc;
}

int posts_tag_ids_after(struct db *db, struct arena *a, const char *tag, unsigned long long after, size_t limit,
			unsigned long long **ids, size_t *n)
{
	struct db_rows rows;
	int rc = db_query(db, a, &rows, limit,
			  "SELECT ph.post_id FROM hashtags h JOIN post_hashtags ph ON ph.hashtag_id = h.id "
			  "JOIN posts p ON p.id = ph.post_id "
			  "WHERE h.name = ? AND ph.post_id > ? AND p.state = 'approved' "
			  "ORDER BY ph.post_id ASC LIMIT ?", "suu", tag, after, (unsigned long long)limit);

	return rc == DB_OK ? db_rows_u64s(a, &rows, 0, ids, n) : rc;
}

int posts_user_ids(struct db *db, struct arena *a, unsigned long long uid, bool with_reposts,
		   unsigned long long before, unsigned long long after, size_t limit, unsigned long long **ids,
		   size_t *n)
{
	struct db_rows rows;
	int rc;

	if (!before)
		before = ~0ULL >> 1;
	if (after && with_reposts)
		rc = db_query(db, a, &rows, limit,
			      "SELECT id FROM posts WHERE user_id = ? AND state = 'approved' AND id > ? AND id < ? "
			      "ORDER BY id ASC LIMIT ?", "uuuu", uid, after, before, (unsigned long long)limit);
	else if (after)
		rc = db_query(db, a, &rows, limit,
			      "SELECT id FROM posts WHERE user_id = ? AND state = 'approved' AND id > ? AND id < ? "
			      "AND repost_of_id IS NULL ORDER BY id ASC LIMIT ?", "uuuu", uid, after, before,
			      (unsigned long long)limit);
	else if (with_reposts)
		rc = db_query(db, a, &rows, limit,
			      "SELECT id FROM posts WHERE user_id = ? AND state = 'approved' AND id < ? "
			      "ORDER BY id DESC LIMIT ?", "uuu", uid, before, (unsigned long long)limit);
	else
		rc = db_query(db, a, &rows, limit,
			      "SELECT id FROM posts WHERE user_id = ? AND state = 'approved' AND id < ? "
			      "AND repost_of_id IS NULL ORDER BY id DESC LIMIT ?", "uuu", uid, before,
			      (unsigned long long)limit);
	return rc == DB_OK ? db_rows_u64s(a, &rows, 0, ids, n) : rc;
}

int posts_reposters(struct db *db, struct arena *a, unsigned long long post_id, unsigned long long before,
		    size_t limit, unsigned long long **cursors, unsigned long long **user_ids, size_t *n)
{
	struct db_rows rows;
	size_t k = 0;
	int rc;

	if (!before)
		before = ~0ULL >> 1;
	rc = db_query(db, a, &rows, limit,
		      "SELECT id, user_id FROM posts WHERE repost_of_id = ? AND id < ? ORDER BY id DESC LIMIT ?",
		      "uuu", post_id, before, (unsigned long long)limit);
	if (rc == DB_OK)
		rc = db_rows_u64s(a, &rows, 0, cursors, n);
	if (rc == DB_OK)
		rc = db_rows_u64s(a, &rows, 1, user_ids, &k);
	return rc;
}

int posts_tags(struct db *db, struct arena *a, unsigned long long post_id, size_t max, const char ***tags, size_t *n)
{
	struct db_rows rows;
	int rc = db_query(db, a, &rows, max,
			  "SELECT h.name FROM post_hashtags ph JOIN hashtags h ON h.id = ph.hashtag_id WHERE ph.post_id = ?",
			  "u", post_id);

	if (rc != DB_OK)
		return rc;
	*tags = arena_calloc(a, rows.nrows ? rows.nrows : 1, sizeof(char *));
	if (!*tags)
		return DB_ERR;
	for (size_t i = 0; i < rows.nrows; i++)
		(*tags)[i] = db_cell(&rows, i, 0)->ptr;
	*n = rows.nrows;
	return DB_OK;
}

int posts_moderate(struct db *db, unsigned long long id, const char *state, const char *reason,
		   const char *scores, bool *changed)
{
	unsigned long long affected = 0;
	int rc = db_begin(db);

	if (rc == DB_OK)
		rc = db_exec(db, "SELECT id FROM posts WHERE id = ? FOR UPDATE", NULL, NULL, "u", id);
	if (rc == DB_OK && strcmp(state, "approved") == 0)
		rc = db_exec(db,
			     "UPDATE users u JOIN posts p ON p.user_id = u.id SET u.posts_count = u.posts_count + 1 "
			     "WHERE p.id = ? AND p.state IN ('pending', 'review')", NULL, NULL, "u", id);
	if (rc == DB_OK)
		rc = db_exec(db,
			     "UPDATE posts SET state = ?, state_reason = ?, moderation_scores = COALESCE(?, moderation_scores), "
			     "moderated_at = NOW(3) WHERE id = ? AND state IN ('pending', 'review')",
			     &affected, NULL, "sssu", state, reason, scores, id);
	if (rc == DB_OK && affected && strcmp(state, "approved") == 0)
		rc = deliveries_owe(db, id);
	if (rc == DB_OK)
		rc = db_commit(db);
	else
		db_rollback(db);
	*changed = rc == DB_OK && affected > 0;
	return rc;
}

int posts_request_review(struct db *db, unsigned long long id, unsigned long long author, bool *changed)
{
	unsigned long long affected = 0;
	int rc = db_exec(db,
			 "UPDATE posts SET state = 'review', review_requested = 1 "
			 "WHERE id = ? AND user_id = ? AND state = 'rejected' AND review_requested = 0",
			 &affected, NULL, "uu", id, author);

	*changed = rc == DB_OK && affected > 0;
	return rc;
}

int posts_mod_queue(struct db *db, struct arena *a, size_t limit, struct mod_queue_entry **out, size_t *n)
{
	struct db_rows rows;
	int rc = db_query(db, a, &rows, limit,
			  "SELECT p.id, p.user_id, u.username, p.state, p.state_reason, p.moderation_scores, m.sha256, "
			  "p.review_requested, (SELECT COUNT(*) FROM reports r WHERE r.post_id = p.id AND r.resolved_at IS NULL) "
			  "FROM posts p JOIN users u ON u.id = p.user_id JOIN media m ON m.id = p.media_id "
			  "WHERE p.repost_of_id IS NULL AND (p.state = 'review' "
			  " OR (p.state = 'rejected' AND p.moderated_at > NOW(3) - INTERVAL 7 DAY) "
			  " OR (p.state = 'approved' AND EXISTS (SELECT 1 FROM reports r WHERE r.post_id = p.id AND r.resolved_at IS NULL))) "
			  "ORDER BY (p.state = 'review') DESC, p.id DESC LIMIT ?",
			  "u", (unsigned long long)limit);

	if (rc != DB_OK)
		return rc;
	*out = arena_calloc(a, rows.nrows ? rows.nrows : 1, sizeof(**out));
	if (!*out)
		return DB_ERR;
	for (size_t i = 0; i < rows.nrows; i++) {
		struct mod_queue_entry *e = &(*out)[i];

		e->post_id = db_cell_u64(&rows, i, 0);
		e->user_id = db_cell_u64(&rows, i, 1);
		e->username = db_cell(&rows, i, 2)->ptr;
		e->state = db_cell(&rows, i, 3)->ptr;
		e->reason = db_cell(&rows, i, 4)->ptr;
		e->scores = db_cell(&rows, i, 5)->ptr;
		e->sha256 = db_cell(&rows, i, 6)->ptr;
		e->review_requested = db_cell_i64(&rows, i, 7) != 0;
		e->reports = db_cell_u64(&rows, i, 8);
	}
	*n = rows.nrows;
	return DB_OK;
}

int posts_report(struct db *db, unsigned long long post_id, unsigned long long reporter, const char *reason,
		 bool *created)
{
	unsigned long long affected = 0;
	int rc = db_exec(db, "INSERT IGNORE INTO reports (post_id, reporter_id, reason) VALUES (?, ?, ?)", &affected,
			 NULL, "uus", post_id, reporter, reason);

	*created = rc == DB_OK && affected > 0;
	return rc;
}

int posts_stale_pending(struct db *db, struct arena *a, unsigned long long older_s, size_t limit,
			unsigned long long **ids, size_t *n)
{
	struct db_rows rows;
	int rc = db_query(db, a, &rows, limit,
			  "SELECT id FROM posts WHERE state = 'pending' AND created_at < NOW(3) - INTERVAL ? SECOND"
			  " ORDER BY created_at LIMIT ?", "uu", older_s, (unsigned long long)limit);

	if (rc != DB_OK)
		return rc;
	return db_rows_u64s(a, &rows, 0, ids, n);
}

int posts_reports_resolve(struct db *db, unsigned long long post_id)
{
	return db_exec(db, "UPDATE reports SET resolved_at = NOW(3) WHERE post_id = ? AND resolved_at IS NULL", NULL,
		       NULL, "u", post_id);
}
