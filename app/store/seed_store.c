#include "store/seed_store.h"

#include <errmsg.h>
#include <mysql.h>
#include <mysqld_error.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/conf.h"
#include "store/rds.h"
#include "core/banned.h"

/* A bulk statement may legitimately run longer than a page's query. */
#define SEED_STORE_TIMEOUT 300
#define SEED_STORE_TIMELINES "bb:tl:home:*"

struct seed_store {
	MYSQL *mysql;  /* bulk inserts, bound by hand */
	struct db *db; /* the few lookups, through the shared layer */
	MYSQL_STMT *link; /* seed_store_link_repost's, prepared on first use */
	char error[512];
};

/*
 * Rows of one multi-row INSERT being bound. The setters fill the next
 * parameter; a string is bound by pointer, so it must stay valid until
 * the batch is flushed. The full-size statement is prepared once and
 * reused; a shorter batch gets a statement of its exact size.
 */
struct seed_bulk {
	struct seed_store *s;
	const char *head; /* "INSERT INTO t (a, b) VALUES " */
	const char *row;  /* "(?, ?)" */
	size_t ncols;
	size_t n;         /* parameters bound so far */
	MYSQL_STMT *full;
	MYSQL_BIND *bind;
	unsigned long long *u;
	MYSQL_TIME *t;
	unsigned long *len;
	my_bool *null;
};

static void seed_store_set_error(struct seed_store *s, const char *what, const char *msg)
{
	snprintf(s->error, sizeof(s->error), "%s: %s", what, msg ? msg : "unknown error");
}

/* The DB_ status for a MariaDB error number. */
static int seed_store_status(unsigned int e)
{
	if (e == ER_DUP_ENTRY)
		return DB_DUPLICATE;
	if (e == CR_SERVER_GONE_ERROR || e == CR_SERVER_LOST || e == CR_CONNECTION_ERROR ||
	    e == CR_CONN_HOST_ERROR || e == ER_LOCK_DEADLOCK || e == ER_LOCK_WAIT_TIMEOUT)
		return DB_UNAVAILABLE;
	return DB_ERR;
}

/* Run constant SQL (session settings, transaction control) on the bulk
 * connection. */
static int seed_store_simple(struct seed_store *s, const char *sql)
{
	if (mysql_query(s->mysql, sql) == 0)
		return DB_OK;
	seed_store_set_error(s, sql, mysql_error(s->mysql));
	return seed_store_status(mysql_errno(s->mysql));
}

/*
 * Open the bulk connection with the settings every connection of ours
 * has (UTC, strict SQL; the same as store/db.c), so stored times and
 * refused values behave as they do for the application.
 */
static int seed_store_connect(struct seed_store *s, const struct conf *c)
{
	static const char *const session[] = {
		"SET time_zone = '+00:00'",
		"SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,"
		"ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION'",
	};
	unsigned int connect_timeout = (unsigned int)c->mysql_timeout;
	unsigned int timeout = SEED_STORE_TIMEOUT;

	s->mysql = mysql_init(NULL);
	if (!s->mysql) {
		seed_store_set_error(s, "mysql", "out of memory");
		return DB_ERR;
	}
	mysql_options(s->mysql, MYSQL_OPT_CONNECT_TIMEOUT, &connect_timeout);
	mysql_options(s->mysql, MYSQL_OPT_READ_TIMEOUT, &timeout);
	mysql_options(s->mysql, MYSQL_OPT_WRITE_TIMEOUT, &timeout);
	mysql_options(s->mysql, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	if (!mysql_real_connect(s->mysql, c->mysql_socket[0] ? NULL : c->mysql_host, c->mysql_user,
				c->mysql_password, c->mysql_database, (unsigned int)c->mysql_port,
				c->mysql_socket[0] ? c->mysql_socket : NULL, 0)) {
		seed_store_set_error(s, "cannot reach MariaDB", mysql_error(s->mysql));
		return DB_UNAVAILABLE;
	}
	for (size_t i = 0; i < sizeof(session) / sizeof(session[0]); i++)
		if (seed_store_simple(s, session[i]) != DB_OK)
			return DB_ERR;
	return DB_OK;
}

/* Refuse a server on which a multi-row INSERT may get non-consecutive
 * ids (interleaved lock mode, or an increment other than 1). */
static int seed_store_check_autoinc(struct seed_store *s)
{
	struct arena *a = arena_new(1024);
	struct db_rows rows;
	int rc;

	if (!a)
		return DB_ERR;
	rc = db_query(s->db, a, &rows, 1, "SELECT @@innodb_autoinc_lock_mode, @@auto_increment_increment", "");
	if (rc != DB_OK) {
		seed_store_set_error(s, "cannot reach MariaDB", db_error(s->db));
	} else if (rows.nrows != 1 || db_cell_u64(&rows, 0, 0) > 1 || db_cell_u64(&rows, 0, 1) != 1) {
		seed_store_set_error(s, "unsupported server settings",
				     "seed needs innodb_autoinc_lock_mode 0 or 1 and auto_increment_increment 1, "
				     "so that a multi-row INSERT gets consecutive ids");
		rc = DB_ERR;
	}
	arena_free(a);
	return rc;
}

struct seed_store *seed_store_open(const struct conf *c, struct buf *err)
{
	struct seed_store *s = calloc(1, sizeof(*s));

	if (!s) {
		buf_puts(err, "out of memory");
		return NULL;
	}
	s->db = db_open(c, false, NULL);
	if (!s->db || seed_store_connect(s, c) != DB_OK || seed_store_check_autoinc(s) != DB_OK) {
		buf_puts(err, s->error[0] ? s->error : "out of memory");
		seed_store_close(s);
		return NULL;
	}
	return s;
}

void seed_store_close(struct seed_store *s)
{
	if (!s)
		return;
	if (s->link)
		mysql_stmt_close(s->link);
	if (s->mysql)
		mysql_close(s->mysql);
	db_close(s->db);
	free(s);
}

const char *seed_store_error(struct seed_store *s)
{
	return s->error;
}

/* --- bulk statements */

static int seed_bulk_init(struct seed_bulk *b, struct seed_store *s, const char *head, const char *row,
			  size_t ncols)
{
	size_t cells = SEED_STORE_BATCH * ncols;

	memset(b, 0, sizeof(*b));
	b->s = s;
	b->head = head;
	b->row = row;
	b->ncols = ncols;
	b->bind = calloc(cells, sizeof(*b->bind));
	b->u = calloc(cells, sizeof(*b->u));
	b->t = calloc(cells, sizeof(*b->t));
	b->len = calloc(cells, sizeof(*b->len));
	b->null = calloc(cells, sizeof(*b->null));
	if (!b->bind || !b->u || !b->t || !b->len || !b->null) {
		seed_store_set_error(s, "bulk insert", "out of memory");
		return DB_ERR;
	}
	return DB_OK;
}

static void seed_bulk_release(struct seed_bulk *b)
{
	if (b->full)
		mysql_stmt_close(b->full);
	free(b->bind);
	free(b->u);
	free(b->t);
	free(b->len);
	free(b->null);
	memset(b, 0, sizeof(*b));
}

static size_t seed_bulk_rows(const struct seed_bulk *b)
{
	return b->n / b->ncols;
}

static MYSQL_BIND *seed_bulk_next(struct seed_bulk *b)
{
	MYSQL_BIND *p = &b->bind[b->n];

	memset(p, 0, sizeof(*p));
	b->null[b->n] = 0;
	p->is_null = &b->null[b->n];
	return p;
}

static void seed_bulk_u64(struct seed_bulk *b, unsigned long long v)
{
	MYSQL_BIND *p = seed_bulk_next(b);

	b->u[b->n] = v;
	p->buffer_type = MYSQL_TYPE_LONGLONG;
	p->buffer = &b->u[b->n];
	p->is_unsigned = 1;
	b->n++;
}

static void seed_bulk_null(struct seed_bulk *b)
{
	MYSQL_BIND *p = seed_bulk_next(b);

	p->buffer_type = MYSQL_TYPE_LONGLONG;
	p->buffer = &b->u[b->n];
	b->null[b->n] = 1;
	b->n++;
}

static void seed_bulk_str(struct seed_bulk *b, const char *s)
{
	MYSQL_BIND *p = seed_bulk_next(b);

	b->len[b->n] = (unsigned long)strlen(s);
	p->buffer_type = MYSQL_TYPE_STRING;
	p->buffer = (void *)s;
	p->buffer_length = b->len[b->n];
	p->length = &b->len[b->n];
	b->n++;
}

/* A DATETIME(3) from Unix milliseconds; the session's zone is UTC. */
static void seed_bulk_time(struct seed_bulk *b, long long ms)
{
	MYSQL_BIND *p = seed_bulk_next(b);
	MYSQL_TIME *t = &b->t[b->n];
	time_t secs = (time_t)(ms / 1000);
	struct tm tm;

	gmtime_r(&secs, &tm);
	memset(t, 0, sizeof(*t));
	t->year = (unsigned int)tm.tm_year + 1900;
	t->month = (unsigned int)tm.tm_mon + 1;
	t->day = (unsigned int)tm.tm_mday;
	t->hour = (unsigned int)tm.tm_hour;
	t->minute = (unsigned int)tm.tm_min;
	t->second = (unsigned int)tm.tm_sec;
	t->second_part = (unsigned long)(ms % 1000) * 1000;
	t->time_type = MYSQL_TIMESTAMP_DATETIME;
	p->buffer_type = MYSQL_TYPE_DATETIME;
	p->buffer = t;
	b->n++;
}

/* Prepare head + rows copies of row; NULL with the error recorded. */
static MYSQL_STMT *seed_bulk_prepare(struct seed_bulk *b, size_t rows)
{
	struct buf sql = BUF_INIT;
	MYSQL_STMT *stmt = mysql_stmt_init(b->s->mysql);
	int ok;

	if (!stmt) {
		seed_store_set_error(b->s, b->head, "out of memory");
		return NULL;
	}
	ok = buf_puts(&sql, b->head) == 0;
	for (size_t i = 0; ok && i < rows; i++)
		ok = (i == 0 || buf_putc(&sql, ',') == 0) && buf_puts(&sql, b->row) == 0;
	if (!ok || mysql_stmt_prepare(stmt, sql.ptr, sql.len) != 0) {
		seed_store_set_error(b->s, b->head, ok ? mysql_stmt_error(stmt) : "out of memory");
		mysql_stmt_close(stmt);
		stmt = NULL;
	}
	buf_release(&sql);
	return stmt;
}

/*
 * Execute the bound rows as one INSERT. *first_id gets the id of the
 * first row (the others follow it consecutively, see seed_store.h); it
 * may be NULL for tables whose ids nobody needs.
 */
static int seed_bulk_flush(struct seed_bulk *b, unsigned long long *first_id)
{
	size_t rows = seed_bulk_rows(b);
	MYSQL_STMT *stmt;
	int rc = DB_OK;

	if (rows == 0)
		return DB_OK;
	if (rows == SEED_STORE_BATCH) {
		if (!b->full)
			b->full = seed_bulk_prepare(b, rows);
		stmt = b->full;
	} else {
		stmt = seed_bulk_prepare(b, rows);
	}
	if (!stmt)
		return DB_ERR;
	if (mysql_stmt_bind_param(stmt, b->bind) != 0 || mysql_stmt_execute(stmt) != 0) {
		seed_store_set_error(b->s, b->head, mysql_stmt_error(stmt));
		rc = seed_store_status(mysql_stmt_errno(stmt));
	} else if (mysql_stmt_affected_rows(stmt) != rows) {
		seed_store_set_error(b->s, b->head, "fewer rows inserted than sent");
		rc = DB_ERR;
	} else if (first_id) {
		*first_id = mysql_stmt_insert_id(stmt);
	}
	if (stmt != b->full)
		mysql_stmt_close(stmt);
	b->n = 0;
	return rc;
}

/* Flush when the batch is full or row i is the last of n; ids (may be
 * NULL) get the ids of the rows flushed, which started at *start. */
static int seed_bulk_row_done(struct seed_bulk *b, size_t i, size_t n, size_t *start, unsigned long long *ids)
{
	unsigned long long first = 0;
	int rc;

	if (seed_bulk_rows(b) < SEED_STORE_BATCH && i + 1 < n)
		return DB_OK;
	rc = seed_bulk_flush(b, ids ? &first : NULL);
	if (rc == DB_OK && ids)
		for (size_t k = *start; k <= i; k++)
			ids[k] = first + (k - *start);
	*start = i + 1;
	return rc;
}

/* Transactions on the bulk connection: every public insert function is
 * one, so a failure leaves none of its rows behind. */
static int seed_store_tx_begin(struct seed_store *s)
{
	return seed_store_simple(s, "START TRANSACTION");
}

/* Commit when rc is DB_OK, else roll back; the final status. */
static int seed_store_tx_end(struct seed_store *s, int rc)
{
	if (rc == DB_OK)
		return seed_store_simple(s, "COMMIT");
	mysql_query(s->mysql, "ROLLBACK");
	return rc;
}

/* --- lookups */

int seed_store_find_user(struct seed_store *s, const char *first, const char *last, char *found,
			 size_t found_len)
{
	struct arena *a = arena_new(1024);
	struct db_rows rows;
	int rc;

	if (!a)
		return DB_ERR;
	rc = db_query(s->db, a, &rows, 1, "SELECT username FROM users WHERE username BETWEEN ? AND ? LIMIT 1",
		      "ss", first, last);
	if (rc != DB_OK)
		seed_store_set_error(s, "users", db_error(s->db));
	else if (rows.nrows) {
		snprintf(found, found_len, "%s", db_cell(&rows, 0, 0)->ptr);
		rc = 1;
	}
	arena_free(a);
	return rc;
}

int seed_store_hashtags(struct seed_store *s, const char *const *names, size_t n, unsigned long long *ids)
{
	struct arena *a = arena_new(1024);
	struct db_rows rows;
	int rc = DB_OK;

	if (!a)
		return DB_ERR;
	for (size_t i = 0; rc == DB_OK && i < n; i++) {
		rc = db_exec(s->db, "INSERT IGNORE INTO hashtags (name) VALUES (?)", NULL, NULL, "s", names[i]);
		if (rc == DB_OK)
			rc = db_query(s->db, a, &rows, 1, "SELECT id FROM hashtags WHERE name = ?", "s", names[i]);
		if (rc == DB_OK && rows.nrows == 0)
			rc = DB_ERR;
		if (rc == DB_OK)
			ids[i] = db_cell_u64(&rows, 0, 0);
		else
			seed_store_set_error(s, "hashtags", db_error(s->db));
	}
	arena_free(a);
	return rc;
}

/* --- inserts */

int seed_store_users(struct seed_store *s, const struct seed_user *users, size_t n,
		     const char *password_hash, unsigned long long *ids)
{
	struct seed_bulk b;
	size_t start = 0;
	int rc = seed_bulk_init(&b, s,
				"INSERT INTO users (username, email, password_hash, display_name, bio, language, "
				"posts_count, followers_count, following_count, created_at, updated_at) VALUES ",
				"(?,?,?,?,?,?,?,?,?,?,?)", 11);

	if (rc == DB_OK)
		rc = seed_store_tx_begin(s);
	for (size_t i = 0; rc == DB_OK && i < n; i++) {
		const struct seed_user *u = &users[i];

		seed_bulk_str(&b, u->username);
		seed_bulk_str(&b, u->email);
		seed_bulk_str(&b, password_hash);
		seed_bulk_str(&b, u->display_name);
		seed_bulk_str(&b, u->bio);
		seed_bulk_str(&b, u->language);
		seed_bulk_u64(&b, u->posts_count);
		seed_bulk_u64(&b, u->followers_count);
		seed_bulk_u64(&b, u->following_count);
		seed_bulk_time(&b, u->created_ms);
		seed_bulk_time(&b, u->created_ms);
		rc = seed_bulk_row_done(&b, i, n, &start, ids);
	}
	rc = seed_store_tx_end(s, rc);
	seed_bulk_release(&b);
	return rc;
}

int seed_store_remove_users(struct seed_store *s, const unsigned long long *ids, size_t n)
{
	size_t i = 0;

	while (i < n) {
		size_t j = i;
		int rc;

		/* A run of consecutive ids, at most a batch long so each DELETE
		 * and its cascades stay a modest transaction. */
		while (j + 1 < n && ids[j + 1] == ids[j] + 1 && j + 1 - i < SEED_STORE_BATCH)
			j++;
		rc = db_exec(s->db, "DELETE FROM users WHERE id BETWEEN ? AND ?", NULL, NULL, "uu", ids[i], ids[j]);
		if (rc != DB_OK) {
			seed_store_set_error(s, "removing the seeded accounts", db_error(s->db));
			return rc;
		}
		i = j + 1;
	}
	return DB_OK;
}

int seed_store_follows(struct seed_store *s, const struct seed_follow *follows, size_t n)
{
	struct seed_bulk b;
	size_t start = 0;
	int rc = seed_bulk_init(&b, s, "INSERT INTO follows (follower_id, followee_id, created_at) VALUES ",
				"(?,?,?)", 3);

	if (rc == DB_OK)
		rc = seed_store_tx_begin(s);
	for (size_t i = 0; rc == DB_OK && i < n; i++) {
		seed_bulk_u64(&b, follows[i].follower_id);
		seed_bulk_u64(&b, follows[i].followee_id);
		seed_bulk_time(&b, follows[i].created_ms);
		rc = seed_bulk_row_done(&b, i, n, &start, NULL);
	}
	rc = seed_store_tx_end(s, rc);
	seed_bulk_release(&b);
	return rc;
}

int seed_store_likes(struct seed_store *s, const struct seed_like *likes, size_t n)
{
	struct seed_bulk b;
	size_t start = 0;
	int rc = seed_bulk_init(&b, s, "INSERT INTO likes (user_id, post_id, kind, created_at) VALUES ",
				"(?,?,?,?)", 4);

	if (rc == DB_OK)
		rc = seed_store_tx_begin(s);
	for (size_t i = 0; rc == DB_OK && i < n; i++) {
		seed_bulk_u64(&b, likes[i].user_id);
		seed_bulk_u64(&b, likes[i].post_id);
		seed_bulk_str(&b, likes[i].super ? "superlike" : "like");
		seed_bulk_time(&b, likes[i].created_ms);
		rc = seed_bulk_row_done(&b, i, n, &start, NULL);
	}
	rc = seed_store_tx_end(s, rc);
	seed_bulk_release(&b);
	return rc;
}

/* The media rows of the originals in posts[from..to), in order. */
static int seed_store_media_rows(struct seed_store *s, const struct seed_post *posts, size_t from, size_t to,
				 unsigned long long *media_ids)
{
	struct seed_bulk b;
	size_t *idx = calloc(to - from + 1, sizeof(*idx));
	size_t n = 0, start = 0;
	unsigned long long *ids = calloc(to - from + 1, sizeof(*ids));
	int rc = seed_bulk_init(&b, s,
				"INSERT INTO media (owner_id, sha256, kind, format, width, height, frames, "
				"feed_width, feed_height, thumb_width, thumb_height, bytes, blurhash, description, "
				"created_at) VALUES ",
				"(?,?,'post',?,?,?,?,?,?,?,?,?,?,?,?)", 14);

	if (rc == DB_OK && (!idx || !ids)) {
		seed_store_set_error(s, "media", "out of memory");
		rc = DB_ERR;
	}
	for (size_t i = from; i < to; i++)
		if (posts[i].original == SEED_STORE_NONE)
			idx[n++] = i;
	for (size_t k = 0; rc == DB_OK && k < n; k++) {
		const struct seed_post *p = &posts[idx[k]];
		const struct seed_media *m = p->media;

		seed_bulk_u64(&b, p->user_id);
		seed_bulk_str(&b, m->sha256);
		seed_bulk_str(&b, m->format);
		seed_bulk_u64(&b, m->width);
		seed_bulk_u64(&b, m->height);
		seed_bulk_u64(&b, m->frames);
		seed_bulk_u64(&b, m->feed_width);
		seed_bulk_u64(&b, m->feed_height);
		seed_bulk_u64(&b, m->thumb_width);
		seed_bulk_u64(&b, m->thumb_height);
		seed_bulk_u64(&b, m->bytes);
		seed_bulk_str(&b, m->blurhash);
		seed_bulk_str(&b, p->alt);
		seed_bulk_time(&b, p->created_ms);
		rc = seed_bulk_row_done(&b, k, n, &start, ids);
	}
	for (size_t k = 0; rc == DB_OK && k < n; k++)
		media_ids[idx[k]] = ids[k];
	seed_bulk_release(&b);
	free(idx);
	free(ids);
	return rc;
}

/*
 * Point the repost at post_id to its original. A repost is inserted with
 * no original when that post is in the same INSERT, whose ids are known
 * only once it has run; this fills the link in before the commit, so no
 * one ever sees the row without it.
 */
static int seed_store_link_repost(struct seed_store *s, unsigned long long post_id, unsigned long long original_id)
{
	static const char sql[] = "UPDATE posts SET repost_of_id = ? WHERE id = ?";
	unsigned long long vals[2] = { original_id, post_id };
	MYSQL_BIND bind[2];

	if (!s->link) {
		s->link = mysql_stmt_init(s->mysql);
		if (!s->link || mysql_stmt_prepare(s->link, sql, sizeof(sql) - 1) != 0) {
			seed_store_set_error(s, sql, s->link ? mysql_stmt_error(s->link) : "out of memory");
			if (s->link)
				mysql_stmt_close(s->link);
			s->link = NULL;
			return DB_ERR;
		}
	}
	memset(bind, 0, sizeof(bind));
	for (int i = 0; i < 2; i++) {
		bind[i].buffer_type = MYSQL_TYPE_LONGLONG;
		bind[i].buffer = &vals[i];
		bind[i].is_unsigned = 1;
	}
	if (mysql_stmt_bind_param(s->link, bind) != 0 || mysql_stmt_execute(s->link) != 0) {
		seed_store_set_error(s, sql, mysql_stmt_error(s->link));
		return seed_store_status(mysql_stmt_errno(s->link));
	}
	return DB_OK;
}

/* The post rows of posts[from..to); media_ids must be known for every
 * original they show. Reposts whose original is in the same INSERT are
 * listed in late[] (their count in *nlate) for seed_store_link_repost. */
static int seed_store_post_rows(struct seed_store *s, const struct seed_post *posts, size_t from, size_t to,
				unsigned long long *post_ids, const unsigned long long *media_ids, size_t *late,
				size_t *nlate)
{
	struct seed_bulk b;
	size_t start = 0; /* of the batch being bound, relative to from */
	int rc = seed_bulk_init(&b, s,
				"INSERT INTO posts (user_id, media_id, repost_of_id, caption, state, likes_count, "
				"superlikes_count, reposts_count, created_at, updated_at) VALUES ",
				"(?,?,?,?,'approved',?,?,?,?,?)", 9);

	*nlate = 0;
	for (size_t i = from; rc == DB_OK && i < to; i++) {
		const struct seed_post *p = &posts[i];
		bool repost = p->original != SEED_STORE_NONE;

		seed_bulk_u64(&b, p->user_id);
		seed_bulk_u64(&b, media_ids[repost ? p->original : i]);
		if (!repost) {
			seed_bulk_null(&b);
		} else if (p->original >= from + start) {
			seed_bulk_null(&b);
			late[(*nlate)++] = i;
		} else {
			seed_bulk_u64(&b, post_ids[p->original]);
		}
		seed_bulk_str(&b, repost ? "" : p->caption);
		seed_bulk_u64(&b, p->likes_count);
		seed_bulk_u64(&b, p->superlikes_count);
		seed_bulk_u64(&b, p->reposts_count);
		seed_bulk_time(&b, p->created_ms);
		seed_bulk_time(&b, p->created_ms);
		rc = seed_bulk_row_done(&b, i - from, to - from, &start, post_ids + from);
	}
	seed_bulk_release(&b);
	return rc;
}

/* The post_hashtags rows of the originals in posts[from..to). */
static int seed_store_tag_rows(struct seed_store *s, const struct seed_post *posts, size_t from, size_t to,
			       const unsigned long long *tag_ids, const unsigned long long *post_ids)
{
	struct seed_bulk b;
	size_t n = 0, k = 0, start = 0;
	int rc = seed_bulk_init(&b, s, "INSERT INTO post_hashtags (hashtag_id, post_id) VALUES ", "(?,?)", 2);

	for (size_t i = from; i < to; i++)
		n += posts[i].ntags;
	for (size_t i = from; rc == DB_OK && i < to; i++) {
		for (size_t t = 0; rc == DB_OK && t < posts[i].ntags; t++, k++) {
			seed_bulk_u64(&b, tag_ids[posts[i].tags[t]]);
			seed_bulk_u64(&b, post_ids[i]);
			rc = seed_bulk_row_done(&b, k, n, &start, NULL);
		}
	}
	seed_bulk_release(&b);
	return rc;
}

int seed_store_posts(struct seed_store *s, const struct seed_post *posts, size_t from, size_t to,
		     const unsigned long long *tag_ids, unsigned long long *post_ids,
		     unsigned long long *media_ids)
{
	size_t *late = calloc(to - from + 1, sizeof(*late));
	size_t nlate = 0;
	int rc = DB_ERR;

	if (late)
		rc = seed_store_tx_begin(s);
	else
		seed_store_set_error(s, "posts", "out of memory");
	if (rc == DB_OK)
		rc = seed_store_media_rows(s, posts, from, to, media_ids);
	if (rc == DB_OK)
		rc = seed_store_post_rows(s, posts, from, to, post_ids, media_ids, late, &nlate);
	for (size_t k = 0; rc == DB_OK && k < nlate; k++)
		rc = seed_store_link_repost(s, post_ids[late[k]], post_ids[posts[late[k]].original]);
	if (rc == DB_OK)
		rc = seed_store_tag_rows(s, posts, from, to, tag_ids, post_ids);
	rc = seed_store_tx_end(s, rc);
	free(late);
	return rc;
}

/* --- Redis */

int seed_store_drop_timelines(struct rds *r, unsigned long long *dropped)
{
	char cursor[32] = "0";

	*dropped = 0;
	do {
		redisReply *page = rds_cmd(r, "SCAN %s MATCH %s COUNT %d", cursor, SEED_STORE_TIMELINES, 1000);
		redisReply *keys, *del;
		const char **argv;
		size_t *lens;

		if (!page)
			return -1;
		if (page->type != REDIS_REPLY_ARRAY || page->elements != 2 ||
		    page->element[0]->type != REDIS_REPLY_STRING || page->element[1]->type != REDIS_REPLY_ARRAY) {
			freeReplyObject(page);
			return -1;
		}
		snprintf(cursor, sizeof(cursor), "%s", page->element[0]->str);
		keys = page->element[1];
		if (keys->elements == 0) {
			freeReplyObject(page);
			continue;
		}
		argv = calloc(keys->elements + 1, sizeof(*argv));
		lens = calloc(keys->elements + 1, sizeof(*lens));
		del = NULL;
		if (argv && lens) {
			argv[0] = "UNLINK";
			lens[0] = 6;
			for (size_t i = 0; i < keys->elements; i++) {
				argv[i + 1] = keys->element[i]->str;
				lens[i + 1] = keys->element[i]->len;
			}
			del = rds_cmd_argv(r, (int)keys->elements + 1, argv, lens);
		}
		free(argv);
		free(lens);
		freeReplyObject(page);
		if (!del)
			return -1;
		if (del->type == REDIS_REPLY_INTEGER)
			*dropped += (unsigned long long)del->integer;
		freeReplyObject(del);
	} while (strcmp(cursor, "0") != 0);
	return 0;
}
