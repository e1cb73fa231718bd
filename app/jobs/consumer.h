#ifndef BB_JOBS_CONSUMER_H
#define BB_JOBS_CONSUMER_H
struct app;

/*
 * `beaubelle worker`: consume jobs until SIGTERM or SIGINT, then finish
 * the job in hand and return 0. Runs in the calling process; app must be
 * loaded and connected.
 */
int jobs_consume(struct app *app);

#endif
