#ifndef BB_ATTACHMENTS_H
#define BB_ATTACHMENTS_H
/*
 * Questions about stored images as a whole: how much a user stores (the
 * quota), whether any row still uses a file hash (before deleting the
 * files), and which hashes an account owns (when it is deleted).
 */
#include <stdbool.h>
#include <stddef.h>

struct arena;
struct db;
struct db_rows;
struct post_media;

#define ATTACH_NOT_FOUND 1

/* Total stored bytes of user's media. */
int attach_bytes_of_user(struct db *db, unsigned long long user_id, unsigned long long *bytes);
/* 1 when a media row or an avatar uses hash, 0 when none, or a DB_ error. */
int attach_hash_in_use(struct db *db, const char *hash);
/* As attach_hash_in_use(), not counting the media row except_media_id. */
int attach_hash_shared(struct db *db, const char *hash, unsigned long long except_media_id);
/* Hashes of the user's media and avatar (arena), at most max. */
int attach_hashes_of_user(struct db *db, struct arena *a, unsigned long long user_id, char ***out,
			  size_t *n, size_t max);

/*
 * Uploads made before their post (the API's media endpoints): a media
 * row that no post points at yet. It counts in the owner's quota from
 * the start; posts_create() attaches it.
 */
int attach_draft_create(struct db *db, unsigned long long owner, const struct post_media *m,
			unsigned long long bytes, unsigned long long *id);
/*
 * The owner's media row id (ATTACH_NOT_FOUND when it is someone else's
 * or gone): its fields in *out (arena strings) and in *post_id the post
 * showing it, 0 while unattached.
 */
int attach_draft_find(struct db *db, struct arena *a, unsigned long long owner, unsigned long long id,
		      struct post_media *out, unsigned long long *post_id);
/*
 * Delete up to max of owner's uploads left unattached for longer than
 * max_age seconds; *hashes (arena) gets their file hashes for clean-up.
 * An upload being posted at the same moment is never taken.
 */
/* Delete the media rows of rows (columns id, sha256) that no post uses,
 * each checked as it goes; their hashes (files to forget) in *hashes. */
int attach_delete_unposted(struct db *db, struct arena *a, const struct db_rows *rows, char ***hashes, size_t *n);
int attach_drafts_expire(struct db *db, struct arena *a, unsigned long long owner, int max_age, size_t max,
			 char ***hashes, size_t *n);
/* Change the alt text of the owner's upload while it is unattached
 * (a no-op otherwise). */
int attach_draft_describe(struct db *db, unsigned long long owner, unsigned long long id, const char *description);

#endif
