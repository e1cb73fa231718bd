#ifndef BB_CRASH_ANSWER_H
#define BB_CRASH_ANSWER_H
/*
 * A worker that dies in the middle of a request would leave nginx to
 * answer 502 and the client to guess. Out of memory, libraries do: json-c
 * asserts (SIGABRT) when an object could not be allocated, and hiredis
 * 0.14 dereferences the output buffer it failed to allocate (SIGSEGV in
 * redisBufferWrite). The worker's handler for those signals first answers
 * the request in flight itself, 503 with Retry-After, written straight to
 * its FastCGI socket, logs one line, and then lets the signal take its
 * course (a core dump, the master's worker_died line and a new worker).
 */

/* Install the handler (once, in the worker). */
void crash_answer_install(void);
/* The request now being handled: its FastCGI socket and request id. */
void crash_answer_begin(int fd, int request_id);
/* It was answered: an abort from here on has nobody to answer. */
void crash_answer_end(void);

#endif
