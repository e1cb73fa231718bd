#ifndef BB_USERS_H
#define BB_USERS_H
/*
 * The users table. Strings in struct user live in the arena given to the
 * lookup. Usernames and emails are unique case-insensitively (the
 * columns' collation), so lookups ignore case too.
 */
#include <stdbool.h>
#include <stddef.h>

#include "store/db.h"

struct arena;

#define USERS_NOT_FOUND 1

/* Who someone is, as lists of people (followers, likers) show them. */
struct person {
	unsigned long long id;
	char *username;
	char *display_name;
	char *avatar_hash;
};
/* The person in four columns of row, from col on: id, username,
 * display_name, avatar_hash. */
void users_person_from_row(const struct db_rows *rows, size_t row, size_t col, struct person *p);

struct user {
	unsigned long long id;
	char *username;
	char *email;
	char *password_hash; /* NULL for accounts that log in elsewhere only */
	char *display_name;
	char *bio;
	char *role; /* "user", "moderator", "admin" */
	char *language; /* NULL: follow the browser */
	char *avatar_hash; /* NULL: no avatar */
	unsigned long long posts_count, followers_count, following_count;
	unsigned notify_mask; /* bit (1 << enum notif_kind) set: notify that kind */
	bool collection_public;
	char *created_at;
};

/* The columns a struct user is read from, of users aliased u, and the
 * reading of them from column col of a row. */
#define USERS_COLUMNS                                                                                 \
	"u.id, u.username, u.email, u.password_hash, u.display_name, u.bio, u.role, u.language, "      \
	"u.avatar_hash, u.posts_count, u.followers_count, u.following_count, u.notify_mask, "          \
	"u.collection_public, DATE_FORMAT(u.created_at, '%Y-%m-%dT%H:%i:%s.%fZ')"
#define USERS_NCOLUMNS 15
void users_from_row(const struct db_rows *rows, size_t i, size_t col, struct user *u);

static inline bool user_is_moderator(const struct user *u)
{
	return u && u->role && (u->role[0] == 'm' || u->role[0] == 'a');
}

/* DB_OK and *id, DB_DUPLICATE when the username or email is taken (which
 * one in *taken: "username" or "email"), or another DB_ status. */
int users_create(struct db *db, const char *username, const char *email, const char *hash,
		 unsigned long long *id, const char **taken);
/* DB_OK, USERS_NOT_FOUND, or a DB_ error. */
int users_find_by_id(struct db *db, struct arena *a, unsigned long long id, struct user *out);
int users_find_by_username(struct db *db, struct arena *a, const char *username, struct user *out);
/* The accounts among ids (at most BATCH_MAX), in no particular order. */
int users_by_ids(struct db *db, struct arena *a, const unsigned long long *ids, size_t n, struct user **out,
		 size_t *count);
/* By username, or by email when login contains '@'. */
int users_find_by_login(struct db *db, struct arena *a, const char *login, struct user *out);
int users_update_profile(struct db *db, unsigned long long id, const char *display_name,
			 const char *bio);
int users_update_avatar(struct db *db, unsigned long long id, const char *avatar_hash);
int users_update_password(struct db *db, unsigned long long id, const char *hash);
/* DB_DUPLICATE when another account has the email. */
int users_update_email(struct db *db, unsigned long long id, const char *email);
int users_update_language(struct db *db, unsigned long long id, const char *language);
int users_update_notify_mask(struct db *db, unsigned long long id, unsigned mask);
int users_update_collection_public(struct db *db, unsigned long long id, bool public_);
int users_set_role(struct db *db, const char *username, const char *role);
int users_delete(struct db *db, unsigned long long id);

/* Instance-wide counts for discovery documents (nodeinfo, the API's instance). */
struct users_stats {
	unsigned long long total;
	unsigned long long active_month;    /* accounts with an approved post in 30 days */
	unsigned long long active_halfyear; /* ... in 180 days */
	unsigned long long posts;           /* approved original posts */
};
int users_stats(struct db *db, struct users_stats *out);

#endif
