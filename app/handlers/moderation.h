#ifndef BB_HANDLERS_MODERATION_H
#define BB_HANDLERS_MODERATION_H
/* People's side of moderation: the review queue for moderators, reports
 * of approved posts, and an author's request for a review. */
struct request;

int moderation_queue(struct request *r);   /* GET /admin/moderation */
int moderation_approve(struct request *r); /* POST /admin/moderation/:id/approve */
int moderation_reject(struct request *r);  /* POST /admin/moderation/:id/reject */
int moderation_report(struct request *r);  /* POST /p/:id/report */
int moderation_appeal(struct request *r);  /* POST /p/:id/appeal */

#endif
