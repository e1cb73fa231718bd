#ifndef BB_SEED_STORE_H
#define BB_SEED_STORE_H
/*
 * Bulk writes for `beaubelle seed`: users, follows, media, posts,
 * hashtags and likes, inserted many rows per statement.
 *
 * The seeder computes every row and every counter in memory first; this
 * store only writes them. Rows go in as multi-row INSERTs bound through
 * prepared statements of SEED_STORE_BATCH rows (a shorter last batch
 * gets a statement of its exact size), on a connection of its own: the
 * shared db layer binds at most a few dozen parameters per statement,
 * and a batch here binds thousands.
 *
 * Ids: each multi-row INSERT gets consecutive auto-increment values
 * starting at its insert id. MariaDB guarantees that for "simple
 * inserts" when innodb_autoinc_lock_mode is 0 or 1 and
 * auto_increment_increment is 1; seed_store_open() checks both, so the
 * seeder can compute every row's id without reading it back.
 *
 * Functions return DB_OK or a negative DB_ status (store/db.h);
 * seed_store_error() says what went wrong.
 */
#include <stdbool.h>
#include <stddef.h>

#include "store/db.h"

struct conf;
struct buf;
struct rds;
struct seed_store;

#define SEED_STORE_BATCH 500
#define SEED_STORE_MAX_TAGS 4
#define SEED_STORE_NONE ((size_t)-1)

struct seed_user {
	const char *username;
	const char *email;
	const char *display_name;
	const char *bio;
	const char *language; /* "ja" or "en" */
	long long created_ms; /* Unix time in milliseconds, UTC */
	unsigned int posts_count, followers_count, following_count;
};

struct seed_follow {
	unsigned long long follower_id, followee_id;
	long long created_ms;
};

/* One processed image, shared by every media row that shows it. */
struct seed_media {
	const char *sha256; /* 64 lowercase hex digits */
	const char *format; /* of the upload: jpeg, png, webp, gif */
	unsigned int width, height, frames;
	unsigned int feed_width, feed_height, thumb_width, thumb_height;
	unsigned long long bytes; /* all stored variants */
	const char *blurhash;
};

/*
 * A post or a repost. An original has its own media row (made from
 * media) and hashtags; a repost has original set to the index of its
 * original in the same array, which must come earlier, and shares that
 * post's media row.
 */
struct seed_post {
	unsigned long long user_id;
	size_t original;               /* SEED_STORE_NONE for an original */
	const struct seed_media *media; /* originals only */
	const char *caption;           /* originals only */
	const char *alt;               /* the image description, "" for none */
	long long created_ms;
	unsigned int likes_count, superlikes_count, reposts_count;
	unsigned short tags[SEED_STORE_MAX_TAGS]; /* indexes into the tag ids */
	unsigned char ntags;
};

struct seed_like {
	unsigned long long user_id, post_id;
	long long created_ms;
	bool super;
};

/* Connect and check that multi-row inserts get consecutive ids. NULL
 * with a message in err when MariaDB is unreachable or set up otherwise. */
struct seed_store *seed_store_open(const struct conf *c, struct buf *err);
void seed_store_close(struct seed_store *s);
const char *seed_store_error(struct seed_store *s);

/*
 * Look for an existing account whose username sorts between first and
 * last (the seeder's names are fixed-width, so that range holds all of
 * them). 1 with its name in found, 0 when there is none, or a DB_ error.
 */
int seed_store_find_user(struct seed_store *s, const char *first, const char *last, char *found,
			 size_t found_len);

/* The id of each hashtag in names, created when missing (existing rows
 * are left as they are). */
int seed_store_hashtags(struct seed_store *s, const char *const *names, size_t n, unsigned long long *ids);

/* Insert every user in one transaction, all with password_hash; ids[i]
 * gets users[i]'s id. Nothing is left behind on failure. */
int seed_store_users(struct seed_store *s, const struct seed_user *users, size_t n,
		     const char *password_hash, unsigned long long *ids);

/*
 * Delete the accounts ids[0..n) made by seed_store_users(), and with
 * them (the foreign keys cascade) everything seeded for them: used when
 * a later step fails, so the same names can be seeded again. Only ranges
 * of consecutive ids that are all in ids are deleted.
 */
int seed_store_remove_users(struct seed_store *s, const unsigned long long *ids, size_t n);

/* Insert follows[0..n) in one transaction. */
int seed_store_follows(struct seed_store *s, const struct seed_follow *follows, size_t n);

/*
 * Insert posts[from..to) in one transaction, each original with its
 * media row and hashtags. post_ids and media_ids are indexed like posts
 * and cover the whole array: they are filled for [from, to) and read for
 * the originals of reposts, which may be in an earlier range.
 */
int seed_store_posts(struct seed_store *s, const struct seed_post *posts, size_t from, size_t to,
		     const unsigned long long *tag_ids, unsigned long long *post_ids,
		     unsigned long long *media_ids);

/* Insert likes[0..n) in one transaction. */
int seed_store_likes(struct seed_store *s, const struct seed_like *likes, size_t n);

/*
 * Delete every home timeline (bb:tl:home:*, see store/timelines.h) with
 * SCAN and UNLINK, so none keeps ids from before the seed; each is
 * rebuilt from MariaDB on its next read. 0 with the count in *dropped,
 * or -1 when Redis is unavailable.
 */
int seed_store_drop_timelines(struct rds *r, unsigned long long *dropped);

#endif
