#ifndef BB_POOL_H
#define BB_POOL_H
/*
 * The FastCGI worker pool: `beaubelle serve`. A master process binds the
 * socket, loads configuration and templates, forks the workers and keeps
 * their number up; each worker accepts requests on the shared socket.
 *
 * Signals to the master: TERM/INT stop gracefully (in-flight requests
 * finish, up to shutdown_timeout), HUP reloads (a new generation of
 * workers starts with the new configuration, and the old one is asked to
 * retire only once every new worker is accepting, so no request is
 * refused and none waits for a generation that is still connecting), a
 * dead worker is replaced at once, and with a growing delay if workers
 * keep dying.
 */
#include <stdint.h>
#include <sys/types.h>

#define POOL_MAX_WORKERS 256

#define POOL_SLOT_URI_MAX 96

/* Shared with workers: what each is doing, for timeouts and /status. A
 * slot whose pid is 0 holds no worker. */
struct pool_slot {
	pid_t pid;
	int generation;
	int64_t started_unix;       /* when the worker started */
	int64_t request_started_ms; /* 0 when idle */
	uint64_t requests;
	int64_t last_duration_us;   /* of the last request answered */
	int ready;                  /* 1 once connected and accepting */
	int images;                 /* 1 in an image worker */
	char method[8];             /* of the current (or last) request */
	char uri[POOL_SLOT_URI_MAX]; /* its path, without the query string */
};

/* The pool's shared slots as the workers see them (POOL_MAX_WORKERS * 2
 * of them) and when the pool started; NULL outside `beaubelle serve`. */
const struct pool_slot *pool_slots(size_t *n, int64_t *started_unix);

struct app;
struct listen_socket;

/* listen_override and image_override (NULL: the configuration's) are
 * serve's --listen and --image-listen. */
int pool_serve(const char *config_path, const char *listen_override, const char *image_override);
/* The worker side: accept and answer until told to stop, or recycled
 * after max_requests requests (0: never). */
int pool_worker_main(struct app *app, int listen_fd, struct pool_slot *slot, uint64_t max_requests);
/*
 * How many requests one worker serves before it is recycled: max_requests
 * give or take 10%, picked by `random` (any 32-bit value; the master
 * passes a random one). Workers started together then recycle at
 * different times instead of all at once (php-fpm's
 * pm.max_requests_jitter does the same). 0 stays 0 (never recycle).
 */
uint64_t pool_recycle_after(uint64_t max_requests, uint32_t random);
int64_t pool_now_ms(void);
int64_t pool_now_us(void);

#endif
