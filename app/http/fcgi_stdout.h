#ifndef BB_FCGI_STDOUT_H
#define BB_FCGI_STDOUT_H
/*
 * A response body written straight to the web server as FastCGI stdout
 * records of up to 64 KB, rather than through libfcgi's stream, whose
 * 8 KB buffer sends a 46 KB page as six records in six writes, each
 * waking nginx (docs/performance.md). The stream must have been flushed
 * first; FCGX_Finish_r() ends the stream after these records as usual.
 */
#include <stddef.h>

/* The largest content a record carries: 65535 rounded down to the
 * 8-byte alignment the specification recommends. */
#define FCGI_STDOUT_MAX 65528

/* Write n bytes as stdout records of request_id on fd; 0, or -1 when the
 * connection failed (the request is over). */
int fcgi_stdout_write(int fd, int request_id, const char *p, size_t n);

#endif
