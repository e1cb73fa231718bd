#ifndef BB_ENTITIES_H
#define BB_ENTITIES_H
/*
 * The Mastodon API's entities, built in one place: Account,
 * CredentialAccount, MediaAttachment, Status, Relationship and
 * Notification. Their JSON types never change with the data: ids are
 * strings, times ISO 8601 UTC with milliseconds, lists are [] when
 * empty and optional objects null, as clients (mastodon-android,
 * megalodon) require. URLs are absolute.
 *
 * Our own meanings travel in a "beaubelle" object that clients ignore:
 * a super like is a favourite to Mastodon clients, and
 * beaubelle.super_liked / beaubelle.superlikes_count say which.
 *
 * Builders take the request (for the viewer and its arena) and return a
 * new json_object the caller owns; the ones that read the database
 * return NULL when it cannot answer.
 */
#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>

#include "store/likes.h"

struct notif;
struct post;
struct post_media;
struct request;
struct user;

/* The string form of an id, in the request arena. */
const char *entity_id(struct request *r, unsigned long long id);

struct json_object *entity_account(struct request *r, const struct user *u);
/* The viewer's own account, with the source of their profile. */
struct json_object *entity_credential_account(struct request *r, const struct user *u);
/* Accounts of ids in that order (ids that no longer exist are left
 * out); an array, or NULL when the database fails. */
struct json_object *entity_accounts(struct request *r, const unsigned long long *ids, size_t n);

struct json_object *entity_media(struct request *r, const struct post_media *m);

/*
 * Statuses for posts[i], each a post, or a repost whose original is
 * originals[i] (the reblog wrapper then holds it): authors loaded in
 * one query and the viewer's favourite, super like and reblog state in
 * two. Any state is accepted (an author sees their pending post).
 */
struct json_object *entity_statuses(struct request *r, const struct post *posts, struct post *const *originals,
				    size_t n);
/* As entity_statuses() with the viewer's marks already known (a feed
 * page's, one for each status's shown post). */
struct json_object *entity_statuses_marked(struct request *r, const struct post *posts, struct post *const *originals,
					   size_t n, const enum like_kind *likes, const bool *reposted);
/* One status, as entity_statuses() for one post. */
struct json_object *entity_status(struct request *r, const struct post *p, const struct post *original);

/* The viewer's relationship with target. */
struct json_object *entity_relationship(struct request *r, unsigned long long target);

/* Notifications with their accounts and statuses; entries whose actor
 * or post is gone are left out. */
struct json_object *entity_notifications(struct request *r, const struct notif *list, size_t n);
/* The Mastodon type of one of our notification kinds ("favourite" for a
 * like or a super like); NULL for kinds the API does not show. */
const char *entity_notification_type(int kind);

#endif
