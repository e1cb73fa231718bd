#ifndef BB_HANDLERS_HEALTH_H
#define BB_HANDLERS_HEALTH_H
struct request;

/* GET /healthz: the process answers. */
int health_live(struct request *r);
/* GET /readyz: MariaDB and Redis answer and the schema is current. */
int health_ready(struct request *r);
/* GET /metrics: Prometheus text format (nginx limits it to localhost). */
int health_metrics(struct request *r);

#endif
