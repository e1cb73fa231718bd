#ifndef BB_HANDLERS_PROFILE_H
#define BB_HANDLERS_PROFILE_H
struct request;

/* GET /@:username: the account and a grid of its posts, newest first,
 * paginated by ?max_id= (the author also sees posts under review). */
int profile_show(struct request *r);

#endif
