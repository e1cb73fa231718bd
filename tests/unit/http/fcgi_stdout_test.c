#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "http/fcgi_stdout.h"
#include "tap.h"

/* Reads the records written to the other end back into one body,
 * checking each record's header; the number of records, or -1. */
static int read_records(int fd, int request_id, char *out, size_t cap, size_t *len)
{
	unsigned char h[8];
	int records = 0;

	*len = 0;
	while (read(fd, h, 8) == 8) {
		size_t n = ((size_t)h[4] << 8) | h[5], got = 0;
		char pad[8];

		if (h[0] != 1 || h[1] != 6 || (((int)h[2] << 8) | h[3]) != request_id || h[6] != (8 - n % 8) % 8 ||
		    *len + n > cap)
			return -1;
		while (got < n) {
			ssize_t r = read(fd, out + *len + got, n - got);

			if (r <= 0)
				return -1;
			got += (size_t)r;
		}
		if (h[6] && read(fd, pad, h[6]) != h[6])
			return -1;
		*len += n;
		records++;
	}
	return records;
}

/* Writes n bytes from a writer process (a socket buffer holds less than
 * the larger bodies) and reads them back. */
static void roundtrip(size_t n, int request_id, int want_records)
{
	char *body = malloc(n + 1), *back = malloc(n + 1);
	int sv[2], status = -1;
	size_t len = 0;
	int records;
	pid_t pid;

	for (size_t i = 0; i < n; i++)
		body[i] = (char)(i * 31 + 7);
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	pid = fork();
	if (pid == 0) {
		close(sv[0]);
		_exit(fcgi_stdout_write(sv[1], request_id, body, n) == 0 ? 0 : 1);
	}
	close(sv[1]);
	records = read_records(sv[0], request_id, back, n + 1, &len);
	close(sv[0]);
	waitpid(pid, &status, 0);
	ok(WIFEXITED(status) && WEXITSTATUS(status) == 0, "%zu bytes: the writer reports success", n);
	is_int(records, want_records, "%zu bytes: %d records", n, want_records);
	ok(len == n && memcmp(body, back, n) == 0, "%zu bytes: the body arrives whole and in order", n);
	free(body);
	free(back);
}

/* The web server gone mid-body (the visitor left): -1, not a hang. */
static void peer_closed(void)
{
	static char body[FCGI_STDOUT_MAX * 4];
	int sv[2];

	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	close(sv[0]);
	is_int(fcgi_stdout_write(sv[1], 1, body, sizeof(body)), -1, "a closed connection fails the write");
	close(sv[1]);
}

int main(void)
{
	signal(SIGPIPE, SIG_IGN); /* as the workers do */
	roundtrip(0, 1, 0);
	roundtrip(1, 1, 1);
	roundtrip(8, 300, 1);
	roundtrip(46219, 65535, 1);
	roundtrip(FCGI_STDOUT_MAX, 2, 1);
	roundtrip(FCGI_STDOUT_MAX + 1, 2, 2);
	/* More records than one writev takes. */
	roundtrip((size_t)FCGI_STDOUT_MAX * 9 + 5, 7, 10);
	peer_closed();
	return done_testing();
}
