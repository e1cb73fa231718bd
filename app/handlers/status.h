#ifndef BB_HANDLERS_STATUS_H
#define BB_HANDLERS_STATUS_H
struct request;

/* GET /status: workers busy and idle, requests accepted, slow requests
 * (?json, ?full); nginx allows it from localhost only. */
int health_status(struct request *r);

#endif
