#ifndef BB_API_DECK_H
#define BB_API_DECK_H
/*
 * BeauBelle's own features as extensions of the Mastodon API, under
 * /api/v1/beaubelle/: the swipe deck (the next ranked cards, and a
 * swipe: like, super like or pass) and people's collections (the posts
 * they liked, when they share it). Same stores, ranking and jobs as the
 * site's deck.
 */
struct request;

int api_deck_cards(struct request *r);      /* GET /api/v1/beaubelle/deck */
int api_deck_swipe(struct request *r);      /* POST /api/v1/beaubelle/deck/swipe */
int api_deck_collection(struct request *r); /* GET /api/v1/beaubelle/accounts/:id/collection */

#endif
