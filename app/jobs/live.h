#ifndef BB_LIVE_H
#define BB_LIVE_H
/*
 * Live events to browsers: the job worker POSTs a small JSON message to
 * nginx's nchan publisher location for the user's channel; nginx holds
 * the open Server-Sent Events connections, not the FastCGI workers.
 */
struct conf;

/* Publish json to uid's channel; 0, or -1 (logged) when nginx refused or
 * is unreachable. A lost live event only delays the badge until the
 * next page load or poll. */
int live_publish(const struct conf *c, unsigned long long uid, const char *json);

#endif
