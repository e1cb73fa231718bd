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

/* Shared with workers: what each is doing, for timeouts and /status. */
struct pool_slot {
	pid_t pid;
	int64_t request_started_ms; /* 0 when idle */
	uint64_t requests;
};

struct app;
struct listen_socket;

int pool_serve(const char *config_path, const char *listen_override);
/* The worker side: accept and answer until told to stop or recycled. */
int pool_worker_main(struct app *app, int listen_fd, struct pool_slot *slot);
int64_t pool_now_ms(void);

#endif
