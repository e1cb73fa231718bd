/*
 * The least a FastCGI page can cost: workers that do nothing but answer,
 * for bench/page-ceiling. What each answer holds comes from the query:
 *
 *   ?fixed=N       N bytes from memory;
 *   ?cached=N      N bytes read from Redis with one GET, a page cached
 *                  whole and served without any check;
 *   ?validated=N   the same page after the round trips a per-viewer
 *                  page cache needs to know it is still right: the
 *                  session, then the timeline head, the viewer's version
 *                  and the page in one pipeline, then the versions of the
 *                  20 posts' authors;
 *   ?scripted=N    the same checks made inside Redis by one script, so
 *                  the page costs a single round trip;
 *   ?local=N       the page kept in the worker's memory, its checks (the
 *                  session, timeline head and versions) in one pipeline.
 *
 *   ceiling SOCKET WORKERS REDIS_SOCKET
 */
#include <fcgiapp.h>
#include <hiredis/hiredis.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define CEILING_MAX_BYTES (256 * 1024)
#define CEILING_KEY "bench:ceiling:page"

/* ceiling_checks (below) in one call: what a page cache's script would
 * read before returning the page. */
static const char ceiling_script[] =
	"redis.call('GET', 'bench:ceiling:session') "
	"redis.call('LRANGE', 'bench:ceiling:timeline', 0, 39) "
	"redis.call('GET', 'bench:ceiling:viewer') "
	"local v = redis.call('MGET', 'bench:ceiling:a1', 'bench:ceiling:a2', 'bench:ceiling:a3', 'bench:ceiling:a4', "
	"'bench:ceiling:a5', 'bench:ceiling:a6', 'bench:ceiling:a7', 'bench:ceiling:a8', 'bench:ceiling:a9', "
	"'bench:ceiling:a10', 'bench:ceiling:a11', 'bench:ceiling:a12', 'bench:ceiling:a13', 'bench:ceiling:a14', "
	"'bench:ceiling:a15', 'bench:ceiling:a16', 'bench:ceiling:a17', 'bench:ceiling:a18', 'bench:ceiling:a19', "
	"'bench:ceiling:a20') "
	"for i = 1, #v do if v[i] then return false end end "
	"return redis.call('GETRANGE', KEYS[1], 0, tonumber(ARGV[1]) - 1)";
static char script_sha[48];

static char body[CEILING_MAX_BYTES];

static void answer(FCGX_Request *req, const char *p, size_t n)
{
	FCGX_FPrintF(req->out, "Status: 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: %lu\r\n\r\n",
		     (unsigned long)n);
	FCGX_PutStr(p, (int)n, req->out);
}

static void free_reply(void *reply)
{
	if (reply)
		freeReplyObject(reply);
}

/* What a per-viewer page cache reads to know its page is still right:
 * the session, the timeline's head, the viewer's version and the
 * versions of the page's 20 authors. */
static const char *const ceiling_checks[] = {
	"GET bench:ceiling:session",
	"LRANGE bench:ceiling:timeline 0 39",
	"GET bench:ceiling:viewer",
	"MGET bench:ceiling:a1 bench:ceiling:a2 bench:ceiling:a3 bench:ceiling:a4 bench:ceiling:a5 "
	"bench:ceiling:a6 bench:ceiling:a7 bench:ceiling:a8 bench:ceiling:a9 bench:ceiling:a10 "
	"bench:ceiling:a11 bench:ceiling:a12 bench:ceiling:a13 bench:ceiling:a14 bench:ceiling:a15 "
	"bench:ceiling:a16 bench:ceiling:a17 bench:ceiling:a18 bench:ceiling:a19 bench:ceiling:a20",
};

/* Commands queued with redisAppendCommand: take and drop count replies. */
static int drop_replies(redisContext *rc, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		void *reply;

		if (redisGetReply(rc, &reply) != REDIS_OK)
			return -1;
		free_reply(reply);
	}
	return 0;
}

/* The cached page of n bytes, after `trips` round trips (1 or 3; 0 for
 * one call of the script). */
static int answer_from_redis(FCGX_Request *req, redisContext *rc, size_t n, int trips)
{
	redisReply *page = NULL;

	if (trips == 3) {
		/* The session; then the head, the viewer's version and the page;
		 * then the authors' versions, which the page names. */
		redisAppendCommand(rc, ceiling_checks[0]);
		if (drop_replies(rc, 1) < 0)
			return -1;
		redisAppendCommand(rc, ceiling_checks[1]);
		redisAppendCommand(rc, ceiling_checks[2]);
		redisAppendCommand(rc, "GETRANGE %s 0 %lld", CEILING_KEY, (long long)n - 1);
		if (drop_replies(rc, 2) < 0 || redisGetReply(rc, (void **)&page) != REDIS_OK)
			return -1;
		redisAppendCommand(rc, ceiling_checks[3]);
		if (drop_replies(rc, 1) < 0) {
			free_reply(page);
			return -1;
		}
	} else if (trips == 0) {
		page = redisCommand(rc, "EVALSHA %s 1 %s %lld", script_sha, CEILING_KEY, (long long)n);
	} else {
		page = redisCommand(rc, "GETRANGE %s 0 %lld", CEILING_KEY, (long long)n - 1);
	}
	if (!page || page->type != REDIS_REPLY_STRING) {
		free_reply(page);
		return -1;
	}
	answer(req, page->str, page->len);
	free_reply(page);
	return 0;
}

/* The checks of a page kept in memory: one pipeline of small reads. */
static int answer_from_memory(FCGX_Request *req, redisContext *rc, size_t n)
{
	size_t count = sizeof(ceiling_checks) / sizeof(ceiling_checks[0]);

	for (size_t i = 0; i < count; i++)
		redisAppendCommand(rc, ceiling_checks[i]);
	if (drop_replies(rc, count) < 0)
		return -1;
	answer(req, body, n);
	return 0;
}

static void serve(int fd, const char *redis_socket)
{
	redisContext *rc = redisConnectUnix(redis_socket);
	FCGX_Request req;

	if (!rc || rc->err || FCGX_Init() != 0 || FCGX_InitRequest(&req, fd, 0) != 0)
		_exit(1);
	while (FCGX_Accept_r(&req) >= 0) {
		const char *q = FCGX_GetParam("QUERY_STRING", req.envp);
		const char *eq = q ? strchr(q, '=') : NULL;
		long n = eq ? strtol(eq + 1, NULL, 10) : 0;
		int rc_answer = 0;

		if (n < 1 || n > CEILING_MAX_BYTES)
			n = 2;
		if (q && strncmp(q, "cached=", 7) == 0)
			rc_answer = answer_from_redis(&req, rc, (size_t)n, 1);
		else if (q && strncmp(q, "local=", 6) == 0)
			rc_answer = answer_from_memory(&req, rc, (size_t)n);
		else if (q && strncmp(q, "scripted=", 9) == 0)
			rc_answer = answer_from_redis(&req, rc, (size_t)n, 0);
		else if (q && strncmp(q, "validated=", 10) == 0)
			rc_answer = answer_from_redis(&req, rc, (size_t)n, 3);
		else
			answer(&req, body, (size_t)n);
		if (rc_answer != 0)
			FCGX_FPrintF(req.out, "Status: 503 Service Unavailable\r\n\r\n");
		FCGX_Finish_r(&req);
	}
	_exit(0);
}

int main(int argc, char **argv)
{
	redisContext *rc;
	redisReply *sha;
	int fd, workers;

	if (argc != 4 || (workers = atoi(argv[2])) < 1) {
		fprintf(stderr, "usage: ceiling SOCKET WORKERS REDIS_SOCKET\n");
		return 2;
	}
	for (size_t i = 0; i < sizeof(body); i++)
		body[i] = (char)('a' + i % 26);
	rc = redisConnectUnix(argv[3]);
	if (!rc || rc->err) {
		fprintf(stderr, "ceiling: cannot reach Redis at %s\n", argv[3]);
		return 1;
	}
	free_reply(redisCommand(rc, "SET %s %b EX 3600", CEILING_KEY, body, sizeof(body)));
	sha = redisCommand(rc, "SCRIPT LOAD %s", ceiling_script);
	if (!sha || sha->type != REDIS_REPLY_STRING || sha->len >= sizeof(script_sha)) {
		fprintf(stderr, "ceiling: cannot load the script\n");
		return 1;
	}
	memcpy(script_sha, sha->str, sha->len + 1);
	free_reply(sha);
	redisFree(rc);
	fd = FCGX_OpenSocket(argv[1], 1024);
	if (fd < 0) {
		fprintf(stderr, "ceiling: cannot listen on %s\n", argv[1]);
		return 1;
	}
	for (int i = 0; i < workers; i++)
		if (fork() == 0)
			serve(fd, argv[3]);
	while (wait(NULL) > 0)
		;
	return 0;
}
