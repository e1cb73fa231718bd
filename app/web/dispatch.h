#ifndef BB_DISPATCH_H
#define BB_DISPATCH_H
#include <fcgiapp.h>

struct app;
struct arena;

/*
 * Answer one accepted FastCGI request: parse, route, run the middleware
 * and the handler, render an error page when the handler fails, write the
 * response and record metrics. Never fails: every path ends in a response.
 */
void dispatch(struct app *app, FCGX_Request *fcgi, struct arena *arena);

#endif
