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

/* Shared with the API's deck (app/api/deck.c). */
#include <stdbool.h>

#include "core/str.h"
#include "store/deck.h"

struct feed_page;
/* The next cards for the viewer (at most want, and at most the 6 the
 * deck preloads): candidates minus hidden authors, ranked, best first. */
int deck_next(struct request *r, size_t want, struct feed_page *page);
/* "like", "superlike" or "pass"; -1 for anything else. */
int deck_parse_action(struct str s, enum deck_action *out);
/* Record one swipe of post id by the viewer, with its like: 0 (and
 * *created when the card was not swiped before), or the status to
 * answer with r->error_message set for a 422. */
int deck_swipe_apply(struct request *r, unsigned long long id, enum deck_action action, bool *created);

#endif
