#include "http/fcgi_stdout.h"

#include <errno.h>
#include <string.h>
#include <sys/uio.h>

#include "core/banned.h"

#define FCGI_VERSION_1 1
#define FCGI_STDOUT 6
#define FCGI_RECORDS_PER_WRITE 8

/* writev until every byte went, across short writes and signals. */
static int fcgi_writev_all(int fd, struct iovec *iov, int iovcnt)
{
	while (iovcnt > 0) {
		ssize_t w = writev(fd, iov, iovcnt);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		while (iovcnt > 0 && (size_t)w >= iov->iov_len) {
			w -= (ssize_t)iov->iov_len;
			iov++;
			iovcnt--;
		}
		if (iovcnt > 0) {
			iov->iov_base = (char *)iov->iov_base + w;
			iov->iov_len -= (size_t)w;
		}
	}
	return 0;
}

int fcgi_stdout_write(int fd, int request_id, const char *p, size_t n)
{
	static const char padding[8];
	unsigned char headers[FCGI_RECORDS_PER_WRITE][8];
	struct iovec iov[FCGI_RECORDS_PER_WRITE * 3];

	while (n > 0) {
		int iovcnt = 0;

		for (int r = 0; r < FCGI_RECORDS_PER_WRITE && n > 0; r++) {
			size_t len = n < FCGI_STDOUT_MAX ? n : FCGI_STDOUT_MAX;
			unsigned char pad = (unsigned char)((8 - len % 8) % 8);
			unsigned char *h = headers[r];

			h[0] = FCGI_VERSION_1;
			h[1] = FCGI_STDOUT;
			h[2] = (unsigned char)((request_id >> 8) & 0xff);
			h[3] = (unsigned char)(request_id & 0xff);
			h[4] = (unsigned char)(len >> 8);
			h[5] = (unsigned char)(len & 0xff);
			h[6] = pad;
			h[7] = 0;
			iov[iovcnt++] = (struct iovec){ h, 8 };
			iov[iovcnt++] = (struct iovec){ (void *)p, len };
			if (pad)
				iov[iovcnt++] = (struct iovec){ (void *)padding, pad };
			p += len;
			n -= len;
		}
		if (fcgi_writev_all(fd, iov, iovcnt) < 0)
			return -1;
	}
	return 0;
}
