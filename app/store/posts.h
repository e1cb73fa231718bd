#ifndef BB_POSTS_H
#define BB_POSTS_H
/*
 * Posts with their image and author, as pages and the API show them.
 * A post and its media row are created in one transaction, with the
 * hashtags and the author's count, so a failure leaves nothing behind.
 */
#include <stdbool.h>
#include <stddef.h>

#include "store/db.h"
#include "store/likes.h"
#include "store/users.h"

struct arena;

#define POSTS_NOT_FOUND 1
#define POSTS_MEDIA_UNAVAILABLE 2 /* post_new.media_id is not the author's unattached upload */

struct post_media {
	unsigned long long id;
	char *sha256;
	char *format;
	int width, height, frames;
	int feed_width, feed_height, thumb_width, thumb_height;
	char *blurhash;
	char *description;
};

struct post {
	unsigned long long id;
	unsigned long long user_id;
	unsigned long long repost_of_id; /* 0 unless this row is a repost */
	char *caption;
	bool sensitive;
	char *state;        /* pending, approved, rejected, review, removed */
	char *state_reason; /* NULL unless rejected or removed */
	unsigned long long likes_count, superlikes_count, reposts_count;
	char *created_at;   /* ISO 8601 UTC with milliseconds */
	/* The author. */
	char *username;
	char *display_name;
	char *avatar_hash;
	struct post_media media;
	/* Where the image came from: provenance is unmarked, uploaded_ai or
	 * generated; for generated, the engine and model, and the prompt
	 * when the author shared it (NULL otherwise). */
	char *provenance;
	char *ai_engine;
	char *ai_model;
	char *ai_prompt;
	/* What the viewer given to posts_by_ids() did to this post; none
	 * without a viewer and from the other lookups. */
	enum like_kind viewer_like;
	bool viewer_reposted;
	/* The author's whole row, loaded with a viewer's posts_by_ids() for
	 * the API's Account entities; NULL otherwise. */
	struct user *author;
};

/* What a new post is made of; the media fields come from the pipeline. */
struct post_new {
	unsigned long long user_id;
	const char *caption;
	bool sensitive;
	bool approved; /* moderation off: visible at once */
	const char *idempotency_key; /* NULL when none */
	const char *const *tags;
	const size_t *tag_lens;
	size_t ntags;
	struct post_media media;
	unsigned long long media_bytes;
	unsigned long long media_id; /* an upload made before the post (the API), or 0 for the fields above */
	const char *provenance; /* NULL: unmarked */
	const char *ai_engine, *ai_model, *ai_prompt; /* NULL unless generated (ai_prompt: when shared) */
};

/* The post this user already made with idempotency key, if any:
 * DB_OK with *id, POSTS_NOT_FOUND, or a DB error. */
int posts_by_key(struct db *db, unsigned long long user_id, const char *key,
		 unsigned long long *id);
/* DB_OK with *id; when idempotency_key was used before by this user,
 * DB_OK with *id of that post and *existed set (checked first, so a
 * retry finds its post even though its upload is now attached).
 * POSTS_MEDIA_UNAVAILABLE when p->media_id cannot be used. */
int posts_create(struct db *db, const struct post_new *p, unsigned long long *id, bool *existed);
/* DB_OK, POSTS_NOT_FOUND or a DB_ error. */
int posts_find(struct db *db, struct arena *a, unsigned long long id, struct post *out);
/*
 * A user's posts, newest first, with id < max_id (0: from the newest),
 * at most limit. Only approved ones unless include_hidden (the author).
 */
int posts_by_user(struct db *db, struct arena *a, unsigned long long user_id, bool include_hidden,
		  unsigned long long max_id, size_t limit, struct post **out, size_t *n);
/* Delete the post and its media row (and the author's count when it was
 * approved). *sha256 (arena) gets the image's hash for file clean-up. */
int posts_delete(struct db *db, struct arena *a, unsigned long long id, char **sha256);
/* Repost original_id as uid (idempotent); *id is the repost's row. */
int posts_repost(struct db *db, unsigned long long uid, unsigned long long original_id, unsigned long long *id,
		 bool *created);
/* Undo uid's repost of original_id; *id is the removed row (0 if none). */
int posts_unrepost(struct db *db, unsigned long long uid, unsigned long long original_id, unsigned long long *id);
/* Which of ids uid has reposted. */
int posts_reposted_among(struct db *db, struct arena *a, unsigned long long uid, const unsigned long long *ids,
			 size_t n, bool *out);
/*
 * The approved posts among ids (at most BATCH_MAX), in the order of ids;
 * ids that are gone or hidden are skipped. Reposts come with their
 * original in *originals (same index; NULL for plain posts). A viewer
 * (0: none) gets each row's viewer_like, viewer_reposted and author
 * filled in the same statement.
 */
int posts_by_ids(struct db *db, struct arena *a, unsigned long long viewer, const unsigned long long *ids, size_t n,
		 struct post **out, struct post ***originals, size_t *count);
/* Ids of the newest approved posts and reposts by uid and the accounts
 * uid follows, newest first, at most limit: a home timeline from scratch. */
int posts_home_ids(struct db *db, struct arena *a, unsigned long long uid, size_t limit, unsigned long long **ids,
		   size_t *n);
/* Newest approved original posts by everyone, id < max_id. */
int posts_recent_ids(struct db *db, struct arena *a, unsigned long long max_id, size_t limit,
		     unsigned long long **ids, size_t *n);
/* Which posts a feed shows by provenance (Explore and the deck's ?ai=). */
enum posts_ai { POSTS_AI_ALL = 0, POSTS_AI_ONLY, POSTS_AI_HIDE };
/* As posts_recent_ids(), keeping only AI-made posts (generated here or
 * marked by their author) or only the others. */
int posts_recent_ids_ai(struct db *db, struct arena *a, enum posts_ai ai, unsigned long long max_id, size_t limit,
			unsigned long long **ids, size_t *n);
/* The most liked approved posts of the last hours, most liked first. */
int posts_top_ids(struct db *db, struct arena *a, int hours, size_t limit, unsigned long long **ids, size_t *n);
/* Approved posts with the hashtag, id < max_id. */
int posts_tag_ids(struct db *db, struct arena *a, const char *tag, unsigned long long max_id, size_t limit,
		  unsigned long long **ids, size_t *n);
/* Ids of approved original posts with id > after, oldest first: paging
 * towards newer posts (the API's min_id). */
int posts_recent_ids_after(struct db *db, struct arena *a, unsigned long long after, size_t limit,
			   unsigned long long **ids, size_t *n);
/* As posts_tag_ids(), oldest first after the given id. */
int posts_tag_ids_after(struct db *db, struct arena *a, const char *tag, unsigned long long after, size_t limit,
			unsigned long long **ids, size_t *n);
/*
 * Ids of uid's approved posts (and reposts when with_reposts) with
 * after < id < before (0: unbounded): newest first, or oldest first
 * when after is given.
 */
int posts_user_ids(struct db *db, struct arena *a, unsigned long long uid, bool with_reposts,
		   unsigned long long before, unsigned long long after, size_t limit, unsigned long long **ids,
		   size_t *n);
/* Who reposted post_id, newest first, repost id < before (0: start):
 * the repost ids (cursors) and their authors. */
int posts_reposters(struct db *db, struct arena *a, unsigned long long post_id, unsigned long long before,
		    size_t limit, unsigned long long **cursors, unsigned long long **user_ids, size_t *n);
/* The hashtags of post_id (arena), at most max. */
int posts_tags(struct db *db, struct arena *a, unsigned long long post_id, size_t max, const char ***tags, size_t *n);
/*
 * Settle a post's moderation: state (approved, rejected or review), the
 * reason (a msgid, or NULL) and the scores JSON. Becoming approved counts
 * in the author's posts. Only a pending or review post changes (so a job
 * that runs twice does nothing the second time); *changed says whether
 * this one did.
 */
int posts_moderate(struct db *db, unsigned long long id, const char *state, const char *reason,
		   const char *scores, bool *changed);
/* The author asks for a person to look at a rejected post, once. */
int posts_request_review(struct db *db, unsigned long long id, unsigned long long author, bool *changed);

struct mod_queue_entry {
	unsigned long long post_id;
	unsigned long long user_id;
	char *username;
	char *state;
	char *reason;
	char *scores;
	char *sha256;
	bool review_requested;
	unsigned long long reports;
};
/* Posts waiting for a person (review), reported ones, and recent
 * rejections, newest first, at most limit. */
int posts_mod_queue(struct db *db, struct arena *a, size_t limit, struct mod_queue_entry **out, size_t *n);
/* A report of post_id by reporter (once per person). */
int posts_report(struct db *db, unsigned long long post_id, unsigned long long reporter, const char *reason,
		 bool *created);
/* Up to limit posts pending for more than older_s seconds, oldest first. */
int posts_stale_pending(struct db *db, struct arena *a, unsigned long long older_s, size_t limit,
			unsigned long long **ids, size_t *n);
/* Close the open reports of post_id. */
int posts_reports_resolve(struct db *db, unsigned long long post_id);
/* Mark removed by a moderator: hidden from everyone but kept for the record. */
int posts_remove(struct db *db, unsigned long long id, const char *reason);

#endif
