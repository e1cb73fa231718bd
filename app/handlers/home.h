#ifndef BB_HANDLERS_HOME_H
#define BB_HANDLERS_HOME_H
struct request;

/* GET /: the landing page (the home timeline once logged in). */
int home_show(struct request *r);

#endif
