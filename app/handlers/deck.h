#ifndef BB_HANDLERS_DECK_H
#define BB_HANDLERS_DECK_H
/* The swipe deck, the collection of what one liked, and trending tags. */
struct request;

int deck_page(struct request *r);          /* GET /deck (?cards=1: just the next cards) */
int deck_swipe_form(struct request *r);    /* POST /deck/swipe */
int deck_collection_mine(struct request *r);   /* GET /collection */
int deck_collection_public(struct request *r); /* GET /@:username/collection */
int deck_trends(struct request *r);        /* GET /explore/tags */

#include <json-c/json.h>
/* The trending tags with their sparklines, for Explore's side panel. */
struct json_object *deck_trends_model(struct request *r, size_t max);

#endif
