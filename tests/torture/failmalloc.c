/*
 * Allocation-failure injection for a FastCGI worker (R46), in the manner
 * of curl's torture tests. LD_PRELOAD it into `beaubelle serve`: each time
 * a request arrives (FCGX_Accept_r returns), the worker reads N from
 * $FAILMALLOC_FILE, and the Nth call to malloc, calloc or realloc while
 * that request is handled returns NULL (0: none fails). The number of
 * calls the previous request made is written to $FAILMALLOC_FILE.count,
 * so a clean run tells the test how many there are to fail.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcgiapp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void *(*real_malloc)(size_t);
static void *(*real_calloc)(size_t, size_t);
static void *(*real_realloc)(void *, size_t);
static void (*real_free)(void *);
static int (*real_accept)(FCGX_Request *);

/* dlsym() allocates before the real calloc is known: serve it from here. */
static unsigned char boot[8192] __attribute__((aligned(16)));
static size_t boot_used;
static int resolving;

static unsigned long calls, fail_at;
static int armed;

static void resolve(void)
{
	if (real_malloc || resolving)
		return;
	resolving = 1;
	real_calloc = dlsym(RTLD_NEXT, "calloc");
	real_malloc = dlsym(RTLD_NEXT, "malloc");
	real_realloc = dlsym(RTLD_NEXT, "realloc");
	real_free = dlsym(RTLD_NEXT, "free");
	real_accept = dlsym(RTLD_NEXT, "FCGX_Accept_r");
	resolving = 0;
}

static void *boot_alloc(size_t n)
{
	size_t at = (boot_used + 15) & ~(size_t)15;

	if (at + n > sizeof(boot))
		return NULL;
	boot_used = at + n;
	return boot + at;
}

static int from_boot(const void *p)
{
	return (const unsigned char *)p >= boot && (const unsigned char *)p < boot + sizeof(boot);
}

static int injected(void)
{
	if (!armed)
		return 0;
	calls++;
	if (fail_at && calls == fail_at) {
		errno = ENOMEM;
		return 1;
	}
	return 0;
}

void *malloc(size_t n)
{
	resolve();
	if (!real_malloc)
		return boot_alloc(n);
	return injected() ? NULL : real_malloc(n);
}

void *calloc(size_t a, size_t b)
{
	resolve();
	if (!real_calloc) {
		void *p = b && a > SIZE_MAX / b ? NULL : boot_alloc(a * b);

		if (p)
			memset(p, 0, a * b);
		return p;
	}
	return injected() ? NULL : real_calloc(a, b);
}

void *realloc(void *p, size_t n)
{
	resolve();
	if (from_boot(p)) {
		void *q = malloc(n);

		if (q)
			memcpy(q, p, n < sizeof(boot) - (size_t)((unsigned char *)p - boot) ? n : sizeof(boot) - (size_t)((unsigned char *)p - boot));
		return q;
	}
	return injected() ? NULL : real_realloc(p, n);
}

void free(void *p)
{
	if (!p || from_boot(p))
		return;
	resolve();
	real_free(p);
}

int FCGX_Accept_r(FCGX_Request *req)
{
	const char *file = getenv("FAILMALLOC_FILE");
	char path[4096];
	FILE *f;
	int rc;

	resolve();
	armed = 0;
	if (file && snprintf(path, sizeof(path), "%s.count", file) < (int)sizeof(path) && (f = fopen(path, "w"))) {
		fprintf(f, "%lu\n", calls);
		fclose(f);
	}
	rc = real_accept(req);
	fail_at = 0;
	if (file && (f = fopen(file, "r"))) {
		if (fscanf(f, "%lu", &fail_at) != 1)
			fail_at = 0;
		fclose(f);
	}
	calls = 0;
	armed = 1;
	return rc;
}
