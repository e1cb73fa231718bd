#ifndef BB_HANDLERS_SOCIAL_H
#define BB_HANDLERS_SOCIAL_H
/*
 * What one person does to a post or an account: like, super like,
 * repost, follow, block, mute, and their undoing; and the lists they
 * make (followers, following, liked by). Each action is a form POST that
 * works without JavaScript (it redirects back) and answers JSON to the
 * page script that updates buttons in place.
 */
struct request;

int social_like(struct request *r);        /* POST /p/:id/like */
int social_superlike(struct request *r);   /* POST /p/:id/superlike */
int social_unlike(struct request *r);      /* POST /p/:id/unlike */
int social_repost(struct request *r);      /* POST /p/:id/repost */
int social_unrepost(struct request *r);    /* POST /p/:id/unrepost */
int social_likers(struct request *r);      /* GET /p/:id/likes */
int social_follow(struct request *r);      /* POST /@:username/follow */
int social_unfollow(struct request *r);    /* POST /@:username/unfollow */
int social_block(struct request *r);       /* POST /@:username/block */
int social_unblock(struct request *r);     /* POST /@:username/unblock */
int social_mute(struct request *r);        /* POST /@:username/mute */
int social_unmute(struct request *r);      /* POST /@:username/unmute */
int social_followers(struct request *r);   /* GET /@:username/followers */
int social_following(struct request *r);   /* GET /@:username/following */
int social_blocks_page(struct request *r); /* GET /settings/blocks */

#endif
