#ifndef BB_HANDLERS_LANGUAGE_H
#define BB_HANDLERS_LANGUAGE_H
struct request;

/* POST /language: remember the chosen language (form field lang: ja or
 * en) in a cookie and go back to return_to, a local path. */
int language_set(struct request *r);

#endif
