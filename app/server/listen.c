#include "server/listen.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "core/log.h"
#include "core/banned.h"

#define LISTEN_SD_FD 3

/* systemd passes sockets from fd 3 on, for our pid only, in the order of
 * the socket unit's ListenStream lines. */
static bool listen_from_systemd(struct listen_socket *ls, int nth)
{
	const char *fds = getenv("LISTEN_FDS"), *pid = getenv("LISTEN_PID");

	if (!fds || !pid || atoi(fds) <= nth || atoi(pid) != (int)getpid())
		return false;
	ls->fd = LISTEN_SD_FD + nth;
	ls->activated = true;
	fcntl(ls->fd, F_SETFD, FD_CLOEXEC);
	return true;
}

void listen_activation_done(void)
{
	unsetenv("LISTEN_FDS");
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDNAMES");
}

static int listen_tcp(struct listen_socket *ls, const char *address, int backlog)
{
	char host[64];
	const char *colon = strrchr(address, ':');
	struct sockaddr_in sa;
	int one = 1;
	size_t hl;

	if (!colon || (hl = (size_t)(colon - address)) >= sizeof(host)) {
		log_error("event=listen_failed address=%s error=\"expected HOST:PORT or a path\"", address);
		return -1;
	}
	memcpy(host, address, hl);
	host[hl] = '\0';
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((unsigned short)atoi(colon + 1));
	if (inet_pton(AF_INET, host, &sa.sin_addr) != 1 || sa.sin_port == 0) {
		log_error("event=listen_failed address=%s error=\"bad IPv4 address or port\"", address);
		return -1;
	}
	ls->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (ls->fd < 0)
		return -1;
	setsockopt(ls->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(ls->fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 || listen(ls->fd, backlog) != 0) {
		log_error("event=listen_failed address=%s error=\"%s\"", address, strerror(errno));
		close(ls->fd);
		ls->fd = -1;
		return -1;
	}
	return 0;
}

static bool listen_unix_in_use(const struct sockaddr_un *sa)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	bool used;

	if (fd < 0)
		return false;
	used = connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) == 0 || errno == EAGAIN;
	close(fd);
	return used;
}

static int listen_unix(struct listen_socket *ls, const char *path, int mode, int backlog)
{
	struct sockaddr_un sa;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		log_error("event=listen_failed address=%s error=\"path too long\"", path);
		return -1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	/* A socket file left by a crashed master would make bind fail; it is
	 * ours to replace, unless a live pool still listens on it (a full
	 * listen queue says so too). */
	if (listen_unix_in_use(&sa)) {
		log_error("event=listen_failed address=%s error=\"in use by a running pool\"", path);
		return -1;
	}
	ls->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (ls->fd < 0)
		return -1;
	unlink(path);
	if (bind(ls->fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 || chmod(path, (mode_t)mode) != 0 ||
	    listen(ls->fd, backlog) != 0) {
		log_error("event=listen_failed address=%s error=\"%s\"", path, strerror(errno));
		close(ls->fd);
		ls->fd = -1;
		return -1;
	}
	snprintf(ls->path, sizeof(ls->path), "%s", path);
	return 0;
}

int listen_open(struct listen_socket *ls, int nth, const char *address, int mode, int backlog)
{
	memset(ls, 0, sizeof(*ls));
	ls->fd = -1;
	if (listen_from_systemd(ls, nth))
		return 0;
	if (address[0] == '/' || address[0] == '.' || strchr(address, '/'))
		return listen_unix(ls, address, mode, backlog);
	return listen_tcp(ls, address, backlog);
}

void listen_close(struct listen_socket *ls)
{
	if (ls->fd >= 0)
		close(ls->fd);
	if (ls->path[0])
		unlink(ls->path);
	ls->fd = -1;
	ls->path[0] = '\0';
}
