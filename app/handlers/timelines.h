#ifndef BB_HANDLERS_TIMELINES_H
#define BB_HANDLERS_TIMELINES_H
/* The feed pages: home, Explore and tags. */
struct request;

int timelines_home(struct request *r);    /* GET / */
int timelines_explore(struct request *r); /* GET /explore */
int timelines_tag(struct request *r);     /* GET /tags/:name */

#endif
