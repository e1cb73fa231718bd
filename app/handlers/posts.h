#ifndef BB_HANDLERS_POSTS_H
#define BB_HANDLERS_POSTS_H
/* Posting an image, the post page, and deleting. */
struct request;

int posts_compose(struct request *r);        /* GET /new */
int posts_create_form(struct request *r);    /* POST /new */
int posts_show(struct request *r);           /* GET /p/:id */
int posts_delete_confirm(struct request *r); /* GET /p/:id/delete */
int posts_delete_form(struct request *r);    /* POST /p/:id/delete */

/* A fresh idempotency key for a rendered form (32 hex digits): a double
 * submit of the same form, or a retry after a timeout, makes one post. */
const char *posts_new_key(struct request *r);

#endif
