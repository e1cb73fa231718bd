#include "store/notifications.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "store/rds.h"
#include "core/banned.h"

#define NOTIF_UNREAD_TTL 300 /* bounds how long a count read during a change can be off */

static const char *const notif_names[NOTIF_NKINDS] = {
	"like", "superlike", "repost", "follow", "mention", "moderation",
};

const char *notif_kind_name(enum notif_kind k)
{
	return k < NOTIF_NKINDS ? notif_names[k] : "like";
}

int notif_kind_parse(const char *s, size_t n, enum notif_kind *out)
{
	for (int k = 0; k < NOTIF_NKINDS; k++) {
		if (strlen(notif_names[k]) == n && memcmp(notif_names[k], s, n) == 0) {
			*out = (enum notif_kind)k;
			return 0;
		}
	}
	return -1;
}

/* NULL binds for the optional ids: 0 means none. */
static const char *notif_id_text(struct arena *a, unsigned long long v)
{
	return v ? arena_printf(a, "%llu", v) : NULL;
}

int notif_create(struct db *db, unsigned long long uid, enum notif_kind kind, unsigned long long actor,
		 unsigned long long post, const char *detail, bool *created)
{
	struct arena *a = arena_new(1024);
	unsigned long long affected = 0;
	int rc;

	if (!a)
		return DB_ERR;
	rc = db_exec(db,
		     "INSERT IGNORE INTO notifications (user_id, kind, actor_id, post_id, detail) VALUES (?, ?, ?, ?, ?)",
		     &affected, NULL, "ussss", uid, notif_kind_name(kind), notif_id_text(a, actor),
		     notif_id_text(a, post), detail ? detail : "");
	arena_free(a);
	*created = rc == DB_OK && affected > 0;
	return rc;
}

int notif_delete(struct db *db, unsigned long long uid, enum notif_kind kind, unsigned long long actor,
		 unsigned long long post, bool *deleted)
{
	unsigned long long affected = 0;
	int rc = db_exec(db,
			 "DELETE FROM notifications WHERE user_id = ? AND kind = ? "
			 "AND COALESCE(actor_id, 0) = ? AND COALESCE(post_id, 0) = ?",
			 &affected, NULL, "usuu", uid, notif_kind_name(kind), actor, post);

	*deleted = rc == DB_OK && affected > 0;
	return rc;
}

int notif_mark_read(struct db *db, unsigned long long uid)
{
	return db_exec(db, "UPDATE notifications SET read_at = NOW(3) WHERE user_id = ? AND read_at IS NULL", NULL, NULL,
		       "u", uid);
}

int notif_clear(struct db *db, unsigned long long uid)
{
	return db_exec(db, "DELETE FROM notifications WHERE user_id = ?", NULL, NULL, "u", uid);
}

#define NOTIF_COLUMNS                                                                                \
	"n.id, n.kind, n.actor_id, u.username, u.display_name, u.avatar_hash, n.post_id, m.sha256, n.detail, " \
	"DATE_FORMAT(n.created_at, '%Y-%m-%dT%H:%i:%s.%f'), n.read_at IS NULL"
#define NOTIF_FROM                                                                                   \
	" FROM notifications n LEFT JOIN users u ON u.id = n.actor_id "                            \
	"LEFT JOIN posts p ON p.id = n.post_id LEFT JOIN media m ON m.id = p.media_id"

static void notif_from_row(const struct db_rows *r, size_t i, struct notif *n)
{
	struct db_cell *kind = db_cell(r, i, 1);
	char *t;

	memset(n, 0, sizeof(*n));
	n->id = db_cell_u64(r, i, 0);
	notif_kind_parse(kind->ptr, kind->len, &n->kind);
	n->actor_id = db_cell_u64(r, i, 2);
	n->actor_username = db_cell(r, i, 3)->ptr;
	n->actor_display_name = db_cell(r, i, 4)->ptr;
	n->actor_avatar_hash = db_cell(r, i, 5)->ptr;
	n->post_id = db_cell_u64(r, i, 6);
	n->post_sha256 = db_cell(r, i, 7)->ptr;
	n->detail = db_cell(r, i, 8)->ptr;
	t = db_cell(r, i, 9)->ptr;
	if (t && strlen(t) == 26) {
		t[23] = 'Z';
		t[24] = '\0';
	}
	n->created_at = t;
	n->unread = db_cell_i64(r, i, 10) != 0;
}

/* The notifications of a page query's rows (arena). */
static int notif_rows(struct arena *a, const struct db_rows *rows, int rc, struct notif **out, size_t *n)
{
	if (rc != DB_OK)
		return rc;
	*out = arena_calloc(a, rows->nrows ? rows->nrows : 1, sizeof(**out));
	if (!*out)
		return DB_ERR;
	for (size_t i = 0; i < rows->nrows; i++)
		notif_from_row(rows, i, &(*out)[i]);
	*n = rows->nrows;
	return DB_OK;
}

/* The kinds of mask as "like,superlike,...": FIND_IN_SET over it keeps
 * one prepared statement for every filter. */
static void notif_kinds_csv(unsigned mask, char *out, size_t cap)
{
	size_t len = 0;

	out[0] = '\0';
	for (int k = 0; k < NOTIF_NKINDS && len < cap; k++)
		if (mask & (1u << k))
			len += (size_t)snprintf(out + len, cap - len, "%s%s", len ? "," : "", notif_names[k]);
}

int notif_page(struct db *db, struct arena *a, unsigned long long uid, unsigned kinds_mask,
	       unsigned long long max_id, size_t limit, struct notif **out, size_t *n)
{
	struct db_rows rows;
	char kinds[128];
	int rc;

	if (limit > 100)
		limit = 100;
	if (!max_id)
		max_id = ~0ULL >> 1;
	notif_kinds_csv(kinds_mask, kinds, sizeof(kinds));
	rc = db_query(db, a, &rows, limit,
		      "SELECT " NOTIF_COLUMNS NOTIF_FROM
		      " WHERE n.user_id = ? AND n.id < ? AND FIND_IN_SET(n.kind, ?) ORDER BY n.id DESC LIMIT ?",
		      "uusu", uid, max_id, kinds, (unsigned long long)limit);
	return notif_rows(a, &rows, rc, out, n);
}

int notif_page_after(struct db *db, struct arena *a, unsigned long long uid, unsigned kinds_mask,
		     unsigned long long after, size_t limit, struct notif **out, size_t *n)
{
	struct db_rows rows;
	char kinds[128];
	int rc;

	if (limit > 100)
		limit = 100;
	notif_kinds_csv(kinds_mask, kinds, sizeof(kinds));
	rc = db_query(db, a, &rows, limit,
		      "SELECT " NOTIF_COLUMNS NOTIF_FROM
		      " WHERE n.user_id = ? AND n.id > ? AND FIND_IN_SET(n.kind, ?) ORDER BY n.id ASC LIMIT ?",
		      "uusu", uid, after, kinds, (unsigned long long)limit);
	return notif_rows(a, &rows, rc, out, n);
}

int notif_get(struct db *db, struct arena *a, unsigned long long uid, unsigned long long id, struct notif *out)
{
	struct db_rows rows;
	int rc = db_query(db, a, &rows, 1, "SELECT " NOTIF_COLUMNS NOTIF_FROM " WHERE n.user_id = ? AND n.id = ?",
			  "uu", uid, id);

	if (rc != DB_OK)
		return rc;
	if (rows.nrows == 0)
		return 1;
	notif_from_row(&rows, 0, out);
	return DB_OK;
}

int notif_dismiss(struct db *db, unsigned long long uid, unsigned long long id, bool *deleted)
{
	unsigned long long affected = 0;
	int rc = db_exec(db, "DELETE FROM notifications WHERE user_id = ? AND id = ?", &affected, NULL, "uu", uid, id);

	*deleted = rc == DB_OK && affected > 0;
	return rc;
}

int notif_unread(struct db *db, struct rds *r, unsigned long long uid, long long *count)
{
	redisReply *reply = rds_cmd(r, "GET bb:unread:%llu", uid);
	struct arena *a;
	struct db_rows rows;
	int rc;

	if (reply && reply->type == REDIS_REPLY_STRING) {
		*count = strtoll(reply->str, NULL, 10);
		freeReplyObject(reply);
		return DB_OK;
	}
	if (reply)
		freeReplyObject(reply);
	a = arena_new(1024);
	if (!a)
		return DB_ERR;
	rc = db_query(db, a, &rows, 1, "SELECT COUNT(*) FROM notifications WHERE user_id = ? AND read_at IS NULL", "u",
		      uid);
	if (rc == DB_OK) {
		*count = db_cell_i64(&rows, 0, 0);
		reply = rds_cmd(r, "SET bb:unread:%llu %lld EX %d", uid, *count, NOTIF_UNREAD_TTL);
		if (reply)
			freeReplyObject(reply);
	}
	arena_free(a);
	return rc;
}

void notif_unread_forget(struct rds *r, unsigned long long uid)
{
	redisReply *reply = rds_cmd(r, "DEL bb:unread:%llu", uid);

	if (reply)
		freeReplyObject(reply);
}

int notif_recent_events(struct db *db, struct arena *a, int seconds, size_t max, struct notif_event **out,
			size_t *n)
{
	struct db_rows last, rows;
	unsigned long long from[3];
	int rc;

	*out = NULL;
	*n = 0;
	/* created_at has no index of its own: look only at the newest max
	 * rows of each table, by primary key. */
	rc = db_query(db, a, &last, 1,
		      "SELECT (SELECT IFNULL(MAX(id), 0) FROM likes), (SELECT IFNULL(MAX(id), 0) FROM posts), "
		      "(SELECT IFNULL(MAX(id), 0) FROM follows)", "");
	if (rc != DB_OK)
		return rc;
	for (size_t i = 0; i < 3; i++) {
		unsigned long long top = db_cell_u64(&last, 0, i);

		from[i] = top > max ? top - max : 0;
	}
	rc = db_query(db, a, &rows, 4 * max,
		      "SELECT kind, user_id, post_id FROM likes "
		      "WHERE id > ? AND created_at > NOW(3) - INTERVAL ? SECOND "
		      "UNION ALL SELECT 'repost', user_id, repost_of_id FROM posts "
		      "WHERE id > ? AND repost_of_id IS NOT NULL AND created_at > NOW(3) - INTERVAL ? SECOND "
		      "UNION ALL SELECT 'follow', follower_id, followee_id FROM follows "
		      "WHERE id > ? AND created_at > NOW(3) - INTERVAL ? SECOND "
		      "UNION ALL SELECT 'mention', 0, id FROM posts "
		      "WHERE id > ? AND repost_of_id IS NULL AND state = 'approved' AND caption LIKE '%@%' "
		      "AND created_at > NOW(3) - INTERVAL ? SECOND",
		      "uuuuuuuu", from[0], (unsigned long long)seconds, from[1], (unsigned long long)seconds, from[2],
		      (unsigned long long)seconds, from[1], (unsigned long long)seconds);
	if (rc != DB_OK)
		return rc;
	*out = arena_calloc(a, rows.nrows + 1, sizeof(**out));
	if (!*out)
		return DB_ERR;
	for (size_t i = 0; i < rows.nrows; i++) {
		const char *kind = db_cell(&rows, i, 0)->ptr;

		if (strcmp(kind, "mention") == 0)
			snprintf((*out)[*n].args, sizeof((*out)[*n].args), "mention:%llu", db_cell_u64(&rows, i, 2));
		else
			snprintf((*out)[*n].args, sizeof((*out)[*n].args), "%s:%llu:%llu", kind, db_cell_u64(&rows, i, 1),
				 db_cell_u64(&rows, i, 2));
		(*n)++;
	}
	return DB_OK;
}
