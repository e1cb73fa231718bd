#ifndef BB_IDENTITIES_H
#define BB_IDENTITIES_H
/*
 * The user_identities table: which account an external provider's
 * (issuer, subject) logs in to. Strings live in the caller's arena.
 */
#include "store/db.h"

struct arena;

#define IDENTITIES_NOT_FOUND 1
#define IDENTITIES_MAX 16

struct identity {
	unsigned long long id;
	unsigned long long user_id;
	char *provider;
	char *issuer;
	char *subject;
	char *created_at;
	char *last_login_at; /* NULL: linked but never used to log in */
};

/* DB_OK and *user_id, IDENTITIES_NOT_FOUND, or a DB_ error. */
int identities_find(struct db *db, const char *issuer, const char *subject, unsigned long long *user_id);
/* DB_OK, DB_DUPLICATE when (issuer, subject) belongs to an account
 * already, or a DB_ error. */
int identities_link(struct db *db, unsigned long long user_id, const char *provider, const char *issuer,
		    const char *subject);
int identities_touch(struct db *db, const char *issuer, const char *subject);
/* The identities of an account, oldest first (at most IDENTITIES_MAX). */
int identities_of_user(struct db *db, struct arena *a, unsigned long long user_id, struct identity **out,
		       size_t *n);
/* Remove the account's identity of provider; DB_OK, IDENTITIES_NOT_FOUND
 * or a DB_ error. */
int identities_unlink(struct db *db, unsigned long long user_id, const char *provider);

#endif
