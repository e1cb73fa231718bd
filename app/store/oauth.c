#include "store/oauth.h"

#include <sodium.h>
#include <string.h>

#include "core/arena.h"
#include "store/users.h"
#include "core/banned.h"

void oauth_new_secret(char out[OAUTH_SECRET_LEN + 1])
{
	unsigned char raw[32];

	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(out, OAUTH_SECRET_LEN + 1, raw, sizeof(raw), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof(raw));
}

void oauth_hash(const char *secret, size_t len, char out[OAUTH_HASH_LEN + 1])
{
	unsigned char digest[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(digest, (const unsigned char *)secret, len);
	sodium_bin2hex(out, OAUTH_HASH_LEN + 1, digest, sizeof(digest));
}

int oauth_app_create(struct db *db, const struct oauth_app *app, unsigned long long *id)
{
	return db_exec(db,
		       "INSERT INTO oauth_apps (client_id, secret_hash, name, website, redirect_uris, scopes) "
		       "VALUES (?, ?, ?, ?, ?, ?)",
		       NULL, id, "ssssss", app->client_id, app->secret_hash, app->name, app->website,
		       app->redirect_uris, app->scopes);
}

int oauth_app_find(struct db *db, struct arena *a, const char *client_id, struct oauth_app *out)
{
	struct db_rows rows;
	int rc = db_query(db, a, &rows, 1,
			  "SELECT id, client_id, secret_hash, name, website, redirect_uris, scopes "
			  "FROM oauth_apps WHERE client_id = ?", "s", client_id);

	if (rc != DB_OK)
		return rc;
	if (rows.nrows == 0)
		return OAUTH_NOT_FOUND;
	out->id = db_cell_u64(&rows, 0, 0);
	out->client_id = db_cell(&rows, 0, 1)->ptr;
	out->secret_hash = db_cell(&rows, 0, 2)->ptr;
	out->name = db_cell(&rows, 0, 3)->ptr;
	out->website = db_cell(&rows, 0, 4)->ptr;
	out->redirect_uris = db_cell(&rows, 0, 5)->ptr;
	out->scopes = db_cell(&rows, 0, 6)->ptr;
	return DB_OK;
}

int oauth_code_create(struct db *db, const char *code_hash, const struct oauth_code *c, int ttl)
{
	return db_exec(db,
		       "INSERT INTO oauth_codes (code_hash, app_id, user_id, redirect_uri, scopes, code_challenge, expires_at) "
		       "VALUES (?, ?, ?, ?, ?, ?, NOW(3) + INTERVAL ? SECOND)",
		       NULL, NULL, "suusssi", code_hash, c->app_id, c->user_id, c->redirect_uri, c->scopes,
		       c->code_challenge, (long long)ttl);
}

int oauth_code_take(struct db *db, struct arena *a, const char *code_hash, struct oauth_code *out)
{
	struct db_rows rows;
	int rc = db_begin(db);

	if (rc == DB_OK)
		rc = db_query(db, a, &rows, 1,
			      "SELECT app_id, user_id, redirect_uri, scopes, code_challenge, expires_at > NOW(3) "
			      "FROM oauth_codes WHERE code_hash = ? FOR UPDATE", "s", code_hash);
	if (rc == DB_OK && rows.nrows)
		rc = db_exec(db, "DELETE FROM oauth_codes WHERE code_hash = ?", NULL, NULL, "s", code_hash);
	if (rc == DB_OK)
		rc = db_commit(db);
	if (rc != DB_OK) {
		db_rollback(db);
		return rc;
	}
	/* Expired codes of everyone go too, after the commit: inside it the
	 * range's gap locks deadlocked concurrent exchanges. Best effort. */
	db_exec(db, "DELETE FROM oauth_codes WHERE expires_at < NOW(3) - INTERVAL 1 HOUR", NULL, NULL, "");
	if (rows.nrows == 0 || db_cell_i64(&rows, 0, 5) == 0)
		return OAUTH_NOT_FOUND;
	out->app_id = db_cell_u64(&rows, 0, 0);
	out->user_id = db_cell_u64(&rows, 0, 1);
	out->redirect_uri = db_cell(&rows, 0, 2)->ptr;
	out->scopes = db_cell(&rows, 0, 3)->ptr;
	out->code_challenge = db_cell(&rows, 0, 4)->ptr;
	return DB_OK;
}

int oauth_token_create(struct db *db, const char *token_hash, unsigned long long app_id,
		       unsigned long long user_id, const char *scopes, unsigned long long *id)
{
	struct arena *a = arena_new(256);
	int rc;

	if (!a)
		return DB_ERR;
	/* A NULL user binds as SQL NULL through the string type. */
	rc = db_exec(db, "INSERT INTO oauth_tokens (token_hash, app_id, user_id, scopes) VALUES (?, ?, ?, ?)", NULL,
		     id, "suss", token_hash, app_id, user_id ? arena_printf(a, "%llu", user_id) : NULL, scopes);
	arena_free(a);
	return rc;
}

int oauth_token_find(struct db *db, struct arena *a, const char *token_hash, struct oauth_token *out,
		     struct user *user)
{
	struct db_rows rows;
	/* The token's user comes with it: one round trip for every API
	 * request instead of two. */
	int rc = db_query(db, a, &rows, 1,
			  "SELECT t.id, t.app_id, t.user_id, t.scopes, a.name, a.website, a.scopes, a.redirect_uris, "
			  "COALESCE(TIMESTAMPDIFF(SECOND, t.last_used_at, NOW(3)), -1), " USERS_COLUMNS " "
			  "FROM oauth_tokens t JOIN oauth_apps a ON a.id = t.app_id LEFT JOIN users u ON u.id = t.user_id "
			  "WHERE t.token_hash = ?",
			  "s", token_hash);

	if (rc != DB_OK)
		return rc;
	if (rows.nrows == 0)
		return OAUTH_NOT_FOUND;
	memset(user, 0, sizeof(*user));
	if (db_cell(&rows, 0, 9)->ptr)
		users_from_row(&rows, 0, 9, user);
	out->id = db_cell_u64(&rows, 0, 0);
	out->app_id = db_cell_u64(&rows, 0, 1);
	out->user_id = db_cell_u64(&rows, 0, 2);
	out->scopes = db_cell(&rows, 0, 3)->ptr;
	out->app_name = db_cell(&rows, 0, 4)->ptr;
	out->app_website = db_cell(&rows, 0, 5)->ptr;
	out->app_scopes = db_cell(&rows, 0, 6)->ptr;
	out->app_redirect_uris = db_cell(&rows, 0, 7)->ptr;
	out->idle = db_cell_i64(&rows, 0, 8);
	return DB_OK;
}

int oauth_token_touch(struct db *db, unsigned long long id)
{
	return db_exec(db, "UPDATE oauth_tokens SET last_used_at = NOW(3) WHERE id = ?", NULL, NULL, "u", id);
}

int oauth_token_revoke(struct db *db, const char *token_hash, unsigned long long app_id, bool *found,
		       bool *deleted)
{
	struct arena *a = arena_new(256);
	unsigned long long affected = 0;
	struct db_rows rows;
	int rc;

	*found = *deleted = false;
	if (!a)
		return DB_ERR;
	rc = db_query(db, a, &rows, 1, "SELECT app_id FROM oauth_tokens WHERE token_hash = ?", "s", token_hash);
	if (rc == DB_OK && rows.nrows) {
		*found = true;
		if (db_cell_u64(&rows, 0, 0) == app_id) {
			rc = db_exec(db, "DELETE FROM oauth_tokens WHERE token_hash = ? AND app_id = ?", &affected, NULL,
				     "su", token_hash, app_id);
			*deleted = rc == DB_OK && affected > 0;
		}
	}
	arena_free(a);
	return rc;
}

int oauth_grants_of_user(struct db *db, struct arena *a, unsigned long long uid, size_t max,
			 struct oauth_grant **out, size_t *n)
{
	struct db_rows rows;
	int rc = db_query(db, a, &rows, max,
			  "SELECT a.id, a.name, a.website, "
			  "(SELECT t2.scopes FROM oauth_tokens t2 WHERE t2.user_id = t.user_id AND t2.app_id = a.id "
			  " ORDER BY t2.id DESC LIMIT 1), "
			  "DATE_FORMAT(MIN(t.created_at), '%Y-%m-%d'), "
			  "DATE_FORMAT(MAX(t.last_used_at), '%Y-%m-%d') "
			  "FROM oauth_tokens t JOIN oauth_apps a ON a.id = t.app_id WHERE t.user_id = ? "
			  "GROUP BY a.id, a.name, a.website, t.user_id ORDER BY MAX(t.id) DESC LIMIT ?",
			  "uu", uid, (unsigned long long)max);

	if (rc != DB_OK)
		return rc;
	*out = arena_calloc(a, rows.nrows ? rows.nrows : 1, sizeof(**out));
	if (!*out)
		return DB_ERR;
	for (size_t i = 0; i < rows.nrows; i++) {
		struct oauth_grant *g = &(*out)[i];

		g->app_id = db_cell_u64(&rows, i, 0);
		g->name = db_cell(&rows, i, 1)->ptr;
		g->website = db_cell(&rows, i, 2)->ptr;
		g->scopes = db_cell(&rows, i, 3)->ptr;
		g->created_at = db_cell(&rows, i, 4)->ptr;
		g->last_used_at = db_cell(&rows, i, 5)->ptr;
	}
	*n = rows.nrows;
	return DB_OK;
}

int oauth_grants_revoke(struct db *db, unsigned long long uid, unsigned long long app_id, bool *revoked)
{
	unsigned long long tokens = 0;
	int rc = db_exec(db, "DELETE FROM oauth_tokens WHERE user_id = ? AND app_id = ?", &tokens, NULL, "uu", uid,
			 app_id);

	if (rc == DB_OK)
		rc = db_exec(db, "DELETE FROM oauth_codes WHERE user_id = ? AND app_id = ?", NULL, NULL, "uu", uid,
			     app_id);
	*revoked = rc == DB_OK && tokens > 0;
	return rc;
}
