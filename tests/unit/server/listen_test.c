#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "server/listen.h"
#include "tap.h"

/* A socket file with nobody listening: what a master killed outright
 * leaves behind. */
static void leave_stale_socket(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	if (fd >= 0 && bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
		listen(fd, 1);
	close(fd);
}

int main(void)
{
	char dir[] = "/tmp/bb-listen-XXXXXX", path[64];
	struct listen_socket a, b;
	struct stat st;

	unsetenv("LISTEN_FDS");
	if (!mkdtemp(dir))
		return 1;
	snprintf(path, sizeof(path), "%s/pool.sock", dir);

	is_int(listen_open(&a, 0, path, 0660, 16), 0, "a pool binds its socket");
	ok(stat(path, &st) == 0 && (st.st_mode & 0777) == 0660, "with the configured mode");
	is_int(listen_open(&b, 0, path, 0660, 16), -1, "a second pool does not take over a socket a live pool listens on");
	ok(stat(path, &st) == 0, "and leaves it in place");
	listen_close(&a);
	ok(stat(path, &st) != 0, "a pool that stops removes its socket");

	leave_stale_socket(path);
	ok(stat(path, &st) == 0, "a stale socket file is there");
	is_int(listen_open(&b, 0, path, 0660, 16), 0, "and is replaced by the next pool");
	listen_close(&b);

	snprintf(path, sizeof(path), "%s/missing/pool.sock", dir);
	is_int(listen_open(&b, 0, path, 0660, 16), -1, "a socket in a folder that does not exist fails");
	is_int(b.fd, -1, "and leaves no descriptor behind to accept on");

	rmdir(dir);
	return done_testing();
}
