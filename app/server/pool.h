#ifndef BB_POOL_H
#define BB_POOL_H
/*
 * The FastCGI worker pool: `beaubelle serve`. A master process binds the
 * socket, loads configuration and templates, forks the workers and keeps
 * their number up; each worker accepts requests on the shared socket.
 *
 * Signals to the master: TERM/INT stop gracefully (in-flight requests
 * finish, up to shutdown_timeout), HUP reloads (a new generation of
 * workers starts with the new configuration before the old one retires,
 * so no request is refused), a dead worker is replaced at once, and with
 * a growing delay if workers keep dying.
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
	char method[8];             /* of the current (or last) request */
	char uri[POOL_SLOT_URI_MAX]; /* its path, without the query string */
};

/* The pool's shared slots as the workers see them (POOL_MAX_WORKERS * 2
 * of them) and when the pool started; NULL outside `beaubelle serve`. */
const struct pool_slot *pool_slots(size_t *n, int64_t *started_unix);

struct app;
struct listen_socket;

int pool_serve(const char *config_path, const char *listen_override);
/* The worker side: accept and answer until told to stop or recycled. */
int pool_worker_main(struct app *app, int listen_fd, struct pool_slot *slot);
int64_t pool_now_ms(void);
int64_t pool_now_us(void);

#endif
