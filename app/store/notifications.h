#ifndef BB_NOTIFICATIONS_H
#define BB_NOTIFICATIONS_H
/*
 * Notifications as rows in MariaDB, one per event (the dedupe key makes
 * creating one twice a no-op), and the unread count cached in Redis
 * (bb:unread:<uid>), dropped on every change and recounted from MariaDB
 * on the next read, so it is right after Redis loses it.
 */
#include <stdbool.h>
#include <stddef.h>

#include "store/db.h"

struct arena;
struct rds;

enum notif_kind {
	NOTIF_LIKE,
	NOTIF_SUPERLIKE,
	NOTIF_REPOST,
	NOTIF_FOLLOW,
	NOTIF_MENTION,
	NOTIF_MODERATION,
	NOTIF_NKINDS,
};

#define NOTIF_ALL_KINDS ((1u << NOTIF_NKINDS) - 1)

/* "like", "superlike", ... (the column's ENUM values). */
const char *notif_kind_name(enum notif_kind k);
int notif_kind_parse(const char *s, size_t n, enum notif_kind *out);

/* Create the notification unless it exists; actor and post may be 0. */
int notif_create(struct db *db, unsigned long long uid, enum notif_kind kind, unsigned long long actor,
		 unsigned long long post, const char *detail, bool *created);
/* Delete the matching notification (an undone like); *deleted if one was. */
int notif_delete(struct db *db, unsigned long long uid, enum notif_kind kind, unsigned long long actor,
		 unsigned long long post, bool *deleted);
int notif_mark_read(struct db *db, unsigned long long uid);
/* Delete every notification of uid. */
int notif_clear(struct db *db, unsigned long long uid);

struct notif {
	unsigned long long id;
	enum notif_kind kind;
	unsigned long long actor_id;
	char *actor_username;
	char *actor_display_name;
	char *actor_avatar_hash;
	unsigned long long post_id;
	char *post_sha256; /* the post's image, for a thumbnail */
	char *detail;
	char *created_at; /* ISO 8601 */
	bool unread;
};

/* Notifications of uid whose kind is in mask, newest first, id < max_id. */
int notif_page(struct db *db, struct arena *a, unsigned long long uid, unsigned kinds_mask,
	       unsigned long long max_id, size_t limit, struct notif **out, size_t *n);
/* As notif_page(), oldest first with id > after: paging towards newer ones. */
int notif_page_after(struct db *db, struct arena *a, unsigned long long uid, unsigned kinds_mask,
		     unsigned long long after, size_t limit, struct notif **out, size_t *n);
/* One notification of uid (DB_OK, 1 when there is none). */
int notif_get(struct db *db, struct arena *a, unsigned long long uid, unsigned long long id, struct notif *out);
int notif_dismiss(struct db *db, unsigned long long uid, unsigned long long id, bool *deleted);

/* What notifies someone, as the notify job's arguments: "like:ACTOR:POST",
 * "superlike:...", "repost:ACTOR:ORIGINAL", "follow:ACTOR:USER" and
 * "mention:POST". */
struct notif_event {
	char args[64];
};
/* The events of the last seconds, read back from the likes, follows and
 * posts themselves; at most max of each table, the newest. */
int notif_recent_events(struct db *db, struct arena *a, int seconds, size_t max, struct notif_event **out,
			size_t *n);

/* The unread count: Redis when it has it, else MariaDB (then cached). */
int notif_unread(struct db *db, struct rds *r, unsigned long long uid, long long *count);
/* Forget the cached count after a change. */
void notif_unread_forget(struct rds *r, unsigned long long uid);

#endif
