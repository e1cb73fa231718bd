#ifndef BB_API_ACCOUNTS_H
#define BB_API_ACCOUNTS_H
/*
 * Accounts in the Mastodon API: the viewer's own (verify and update
 * credentials), anyone's profile, posts, followers and following, the
 * viewer's relationships, and follow, block and mute with their undoing
 * (the same stores and jobs as the site's buttons).
 */
struct request;

int api_accounts_verify(struct request *r);        /* GET /api/v1/accounts/verify_credentials */
int api_accounts_update(struct request *r);        /* PATCH /api/v1/accounts/update_credentials */
int api_accounts_show(struct request *r);          /* GET /api/v1/accounts/:id */
int api_accounts_lookup(struct request *r);        /* GET /api/v1/accounts/lookup */
int api_accounts_statuses(struct request *r);      /* GET /api/v1/accounts/:id/statuses */
int api_accounts_followers(struct request *r);     /* GET /api/v1/accounts/:id/followers */
int api_accounts_following(struct request *r);     /* GET /api/v1/accounts/:id/following */
int api_accounts_relationships(struct request *r); /* GET /api/v1/accounts/relationships */
int api_accounts_follow(struct request *r);        /* POST /api/v1/accounts/:id/follow */
int api_accounts_unfollow(struct request *r);      /* POST /api/v1/accounts/:id/unfollow */
int api_accounts_block(struct request *r);         /* POST /api/v1/accounts/:id/block */
int api_accounts_unblock(struct request *r);       /* POST /api/v1/accounts/:id/unblock */
int api_accounts_mute(struct request *r);          /* POST /api/v1/accounts/:id/mute */
int api_accounts_unmute(struct request *r);        /* POST /api/v1/accounts/:id/unmute */

#endif
