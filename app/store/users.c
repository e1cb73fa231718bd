#include "store/users.h"

#include <string.h>

#include "core/arena.h"
#include "core/str.h"
#include "store/batch.h"
#include "core/banned.h"

void users_person_from_row(const struct db_rows *rows, size_t row, size_t col, struct person *p)
{
	p->id = db_cell_u64(rows, row, col);
	p->username = db_cell(rows, row, col + 1)->ptr;
	p->display_name = db_cell(rows, row, col + 2)->ptr;
	p->avatar_hash = db_cell(rows, row, col + 3)->ptr;
}


void users_from_row(const struct db_rows *rows, size_t i, size_t col, struct user *u)
{
	memset(u, 0, sizeof(*u));
	u->id = db_cell_u64(rows, i, col + 0);
	u->username = db_cell(rows, i, col + 1)->ptr;
	u->email = db_cell(rows, i, col + 2)->ptr;
	u->password_hash = db_cell(rows, i, col + 3)->ptr;
	u->display_name = db_cell(rows, i, col + 4)->ptr;
	u->bio = db_cell(rows, i, col + 5)->ptr;
	u->role = db_cell(rows, i, col + 6)->ptr;
	u->language = db_cell(rows, i, col + 7)->ptr;
	u->avatar_hash = db_cell(rows, i, col + 8)->ptr;
	u->posts_count = db_cell_u64(rows, i, col + 9);
	u->followers_count = db_cell_u64(rows, i, col + 10);
	u->following_count = db_cell_u64(rows, i, col + 11);
	u->notify_mask = (unsigned)db_cell_u64(rows, i, col + 12);
	u->collection_public = db_cell_u64(rows, i, col + 13) != 0;
	u->created_at = db_cell(rows, i, col + 14)->ptr;
	/* DATE_FORMAT's %f gives microseconds; the API wants milliseconds. */
	if (u->created_at && strlen(u->created_at) == 27) {
		u->created_at[23] = 'Z';
		u->created_at[24] = '\0';
	}
}

static int users_one(struct db *db, struct arena *a, struct user *out, int rc, struct db_rows *rows)
{
	(void)db;
	(void)a;
	if (rc != DB_OK)
		return rc;
	if (rows->nrows == 0)
		return USERS_NOT_FOUND;
	users_from_row(rows, 0, 0, out);
	return DB_OK;
}

int users_find_by_id(struct db *db, struct arena *a, unsigned long long id, struct user *out)
{
	struct db_rows rows;
	int rc = db_query(db, a, &rows, 1, "SELECT " USERS_COLUMNS " FROM users u WHERE id = ?", "u", id);

	return users_one(db, a, out, rc, &rows);
}

int users_find_by_username(struct db *db, struct arena *a, const char *username, struct user *out)
{
	struct db_rows rows;
	int rc = db_query(db, a, &rows, 1, "SELECT " USERS_COLUMNS " FROM users u WHERE username = ?",
			  "s", username);

	return users_one(db, a, out, rc, &rows);
}

int users_find_by_login(struct db *db, struct arena *a, const char *login, struct user *out)
{
	struct db_rows rows;
	int rc;

	if (strchr(login, '@'))
		rc = db_query(db, a, &rows, 1, "SELECT " USERS_COLUMNS " FROM users u WHERE email = ?",
			      "s", login);
	else
		rc = db_query(db, a, &rows, 1,
			      "SELECT " USERS_COLUMNS " FROM users u WHERE username = ?", "s", login);
	return users_one(db, a, out, rc, &rows);
}

int users_create(struct db *db, const char *username, const char *email, const char *hash,
		 unsigned long long *id, const char **taken)
{
	int rc = db_exec(db,
			 "INSERT INTO users (username, email, password_hash, display_name) "
			 "VALUES (?, ?, ?, ?)",
			 NULL, id, "ssss", username, email, hash, username);

	if (rc == DB_DUPLICATE && taken)
		*taken = strstr(db_error(db), "users_email") ? "email" : "username";
	return rc;
}

int users_update_profile(struct db *db, unsigned long long id, const char *display_name,
			 const char *bio)
{
	return db_exec(db, "UPDATE users SET display_name = ?, bio = ? WHERE id = ?", NULL, NULL,
		       "ssu", display_name, bio, id);
}

int users_update_avatar(struct db *db, unsigned long long id, const char *avatar_hash)
{
	return db_exec(db, "UPDATE users SET avatar_hash = ? WHERE id = ?", NULL, NULL, "su",
		       avatar_hash, id);
}

int users_update_password(struct db *db, unsigned long long id, const char *hash)
{
	return db_exec(db, "UPDATE users SET password_hash = ? WHERE id = ?", NULL, NULL, "su", hash,
		       id);
}

int users_update_email(struct db *db, unsigned long long id, const char *email)
{
	return db_exec(db, "UPDATE users SET email = ? WHERE id = ?", NULL, NULL, "su", email, id);
}

int users_update_language(struct db *db, unsigned long long id, const char *language)
{
	return db_exec(db, "UPDATE users SET language = ? WHERE id = ?", NULL, NULL, "su", language,
		       id);
}

int users_set_role(struct db *db, const char *username, const char *role)
{
	unsigned long long affected = 0;
	int rc = db_exec(db, "UPDATE users SET role = ? WHERE username = ?", &affected, NULL, "ss",
			 role, username);

	if (rc == DB_OK && affected == 0)
		return USERS_NOT_FOUND;
	return rc;
}

int users_delete(struct db *db, unsigned long long id)
{
	return db_exec(db, "DELETE FROM users WHERE id = ?", NULL, NULL, "u", id);
}

int users_update_notify_mask(struct db *db, unsigned long long id, unsigned mask)
{
	return db_exec(db, "UPDATE users SET notify_mask = ? WHERE id = ?", NULL, NULL, "uu",
		       (unsigned long long)mask, id);
}

int users_update_collection_public(struct db *db, unsigned long long id, bool public_)
{
	return db_exec(db, "UPDATE users SET collection_public = ? WHERE id = ?", NULL, NULL, "uu",
		       (unsigned long long)public_, id);
}

int users_stats(struct db *db, struct users_stats *out)
{
	struct arena *a = arena_new(1024);
	struct db_rows rows;
	int rc;

	if (!a)
		return DB_ERR;
	/* Active: posted in the window. Logins are not recorded anywhere
	 * that would outlive Redis, and posting is what others see. */
	rc = db_query(db, a, &rows, 1,
		      "SELECT (SELECT COUNT(*) FROM users), "
		      "(SELECT COUNT(DISTINCT user_id) FROM posts WHERE state = 'approved' AND created_at > NOW(3) - INTERVAL 30 DAY), "
		      "(SELECT COUNT(DISTINCT user_id) FROM posts WHERE state = 'approved' AND created_at > NOW(3) - INTERVAL 180 DAY), "
		      "(SELECT COUNT(*) FROM posts WHERE state = 'approved' AND repost_of_id IS NULL)", "");
	if (rc == DB_OK) {
		out->total = db_cell_u64(&rows, 0, 0);
		out->active_month = db_cell_u64(&rows, 0, 1);
		out->active_halfyear = db_cell_u64(&rows, 0, 2);
		out->posts = db_cell_u64(&rows, 0, 3);
	}
	arena_free(a);
	return rc;
}

int users_by_ids(struct db *db, struct arena *a, const unsigned long long *ids, size_t n, struct user **out,
		 size_t *count)
{
	struct db_rows rows;
	int rc = batch_query_only_ids(db, a, &rows, "SELECT " USERS_COLUMNS " FROM users u WHERE id IN " BATCH_IN, ids, n);

	if (rc != DB_OK)
		return rc;
	*out = arena_calloc(a, rows.nrows ? rows.nrows : 1, sizeof(**out));
	if (!*out)
		return DB_ERR;
	for (size_t i = 0; i < rows.nrows; i++)
		users_from_row(&rows, i, 0, &(*out)[i]);
	*count = rows.nrows;
	return DB_OK;
}
