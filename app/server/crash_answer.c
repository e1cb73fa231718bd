#include "server/crash_answer.h"

#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "core/banned.h"

static volatile sig_atomic_t crash_fd = -1;
static volatile sig_atomic_t crash_request_id;

#define FCGI_STDOUT 6
#define FCGI_END_REQUEST 3

static const char crash_body[] = "Status: 503 Service Unavailable\r\n"
				 "Content-Type: text/plain; charset=utf-8\r\n"
				 "Retry-After: 5\r\n"
				 "Cache-Control: no-store\r\n"
				 "\r\n"
				 "The service is busy or under maintenance. Please try again shortly.\n";

/* A FastCGI record header (version 1, no padding). */
static void crash_header(unsigned char *h, int type, int id, size_t len)
{
	h[0] = 1;
	h[1] = (unsigned char)type;
	h[2] = (unsigned char)((id >> 8) & 0xff);
	h[3] = (unsigned char)(id & 0xff);
	h[4] = (unsigned char)((len >> 8) & 0xff);
	h[5] = (unsigned char)(len & 0xff);
	h[6] = 0;
	h[7] = 0;
}

static void crash_write(int fd, const void *p, size_t n)
{
	const char *c = p;

	while (n > 0) {
		ssize_t w = write(fd, c, n);

		if (w <= 0)
			return;
		c += w;
		n -= (size_t)w;
	}
}

/* Only async-signal-safe calls from here: write(), signal(), raise(). */
static void crash_on_signal(int sig)
{
	static const char line[] = "event=worker_crashed answered=503\n";
	int fd = crash_fd, id = crash_request_id;
	unsigned char h[8], end[8] = { 0 };

	if (fd >= 0) {
		crash_fd = -1;
		crash_header(h, FCGI_STDOUT, id, sizeof(crash_body) - 1);
		crash_write(fd, h, sizeof(h));
		crash_write(fd, crash_body, sizeof(crash_body) - 1);
		crash_header(h, FCGI_STDOUT, id, 0);
		crash_write(fd, h, sizeof(h));
		crash_header(h, FCGI_END_REQUEST, id, sizeof(end));
		crash_write(fd, h, sizeof(h));
		crash_write(fd, end, sizeof(end)); /* app status 0, REQUEST_COMPLETE */
		crash_write(STDERR_FILENO, line, sizeof(line) - 1);
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

void crash_answer_install(void)
{
	static const int fatal[] = { SIGABRT, SIGSEGV, SIGBUS, SIGFPE, SIGILL };
	struct sigaction sa;

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_UNDEFINED__)
	/* The sanitizers' own handlers report these signals: keep them. */
	return;
#endif
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = crash_on_signal;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(fatal) / sizeof(fatal[0]); i++)
		sigaction(fatal[i], &sa, NULL);
}

void crash_answer_begin(int fd, int request_id)
{
	crash_request_id = request_id;
	crash_fd = fd;
}

void crash_answer_end(void)
{
	crash_fd = -1;
}
