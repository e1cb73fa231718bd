#include "store/identities.h"

#include "core/arena.h"
#include "core/banned.h"

int identities_find(struct db *db, const char *issuer, const char *subject, unsigned long long *user_id)
{
	struct arena *a = arena_new(1024);
	struct db_rows rows;
	int rc;

	if (!a)
		return DB_ERR;
	rc = db_query(db, a, &rows, 1, "SELECT user_id FROM user_identities WHERE issuer = ? AND subject = ?",
		      "ss", issuer, subject);
	if (rc == DB_OK && rows.nrows == 0)
		rc = IDENTITIES_NOT_FOUND;
	else if (rc == DB_OK)
		*user_id = db_cell_u64(&rows, 0, 0);
	arena_free(a);
	return rc;
}

int identities_link(struct db *db, unsigned long long user_id, const char *provider, const char *issuer,
		    const char *subject)
{
	return db_exec(db,
		       "INSERT INTO user_identities (user_id, provider, issuer, subject) VALUES (?, ?, ?, ?)",
		       NULL, NULL, "usss", user_id, provider, issuer, subject);
}

int identities_touch(struct db *db, const char *issuer, const char *subject)
{
	return db_exec(db,
		       "UPDATE user_identities SET last_login_at = CURRENT_TIMESTAMP(3) "
		       "WHERE issuer = ? AND subject = ?",
		       NULL, NULL, "ss", issuer, subject);
}

int identities_of_user(struct db *db, struct arena *a, unsigned long long user_id, struct identity **out,
		       size_t *n)
{
	struct db_rows rows;
	struct identity *ids;
	int rc;

	*out = NULL;
	*n = 0;
	rc = db_query(db, a, &rows, IDENTITIES_MAX,
		      "SELECT id, user_id, provider, issuer, subject, "
		      "DATE_FORMAT(created_at, '%Y-%m-%d'), DATE_FORMAT(last_login_at, '%Y-%m-%d') "
		      "FROM user_identities WHERE user_id = ? ORDER BY id",
		      "u", user_id);
	if (rc != DB_OK)
		return rc;
	ids = arena_alloc(a, (rows.nrows ? rows.nrows : 1) * sizeof(*ids));
	if (!ids)
		return DB_ERR;
	for (size_t i = 0; i < rows.nrows; i++) {
		ids[i].id = db_cell_u64(&rows, i, 0);
		ids[i].user_id = db_cell_u64(&rows, i, 1);
		ids[i].provider = db_cell(&rows, i, 2)->ptr;
		ids[i].issuer = db_cell(&rows, i, 3)->ptr;
		ids[i].subject = db_cell(&rows, i, 4)->ptr;
		ids[i].created_at = db_cell(&rows, i, 5)->ptr;
		ids[i].last_login_at = db_cell(&rows, i, 6)->ptr;
	}
	*out = ids;
	*n = rows.nrows;
	return DB_OK;
}

int identities_unlink(struct db *db, unsigned long long user_id, const char *provider)
{
	unsigned long long affected = 0;
	int rc = db_exec(db, "DELETE FROM user_identities WHERE user_id = ? AND provider = ?", &affected, NULL,
			 "us", user_id, provider);

	if (rc == DB_OK && affected == 0)
		return IDENTITIES_NOT_FOUND;
	return rc;
}
