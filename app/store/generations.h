#ifndef BB_STORE_GENERATIONS_H
#define BB_STORE_GENERATIONS_H
/*
 * Generation requests (sql/0010_generation.sql) and their results: media
 * rows no post shows yet, pointing back with media.generation_id. A
 * request is created pending with the quota checked under the author's
 * row lock; the job worker settles it done (with its results, in one
 * transaction) or failed (with an error code, and nothing else).
 */
#include <stdbool.h>
#include <stddef.h>

#include "store/db.h"

struct arena;
struct post_media;

#define GENS_NOT_FOUND 1
#define GENS_QUOTA 2 /* the daily quota is used */
#define GENS_BUSY 3  /* another request of this person is still running */

struct generation {
	unsigned long long id;
	unsigned long long user_id;
	char *status; /* pending, running, done, failed */
	char *error;  /* NULL, or a code: engine_down, timeout, refused, not_image, internal, lost */
	char *prompt;
	char *negative_prompt;
	char *style;
	int images;
	char *engine;
	char *model;
	long long age_s; /* seconds since it was asked for */
};

struct gen_new {
	unsigned long long user_id;
	const char *prompt, *negative_prompt, *style;
	int images;
	const char *engine, *model;
	int daily_quota;
};

/* A new pending request: DB_OK with *id; GENS_QUOTA when the author has
 * made daily_quota requests (failed ones not counted) in 24 hours;
 * GENS_BUSY with *id of the request still pending or running (younger
 * than busy_s seconds). */
int gens_create(struct db *db, const struct gen_new *g, int busy_s, unsigned long long *id);
/* Requests of the last 24 hours that count in the quota. */
int gens_count_today(struct db *db, unsigned long long user_id, int *n);
/* DB_OK, GENS_NOT_FOUND or a DB_ error. */
int gens_find(struct db *db, struct arena *a, unsigned long long id, struct generation *out);
/* pending -> running, or running again when the run before started
 * more than running_s seconds ago (its worker died). *ok says whether
 * this run may go on: not when the request is settled, nor while another
 * run may still be at work (a job taken over by a second worker while
 * the first waits on a slow engine must not ask the engine twice). */
int gens_start(struct db *db, unsigned long long id, int running_s, bool *ok);
/* Settle a running request as failed with the error code. */
int gens_fail(struct db *db, unsigned long long id, const char *code);
/* Store the n processed results as media of owner and settle the request
 * done, in one transaction. */
int gens_finish(struct db *db, unsigned long long id, unsigned long long owner, const struct post_media *m,
		const unsigned long long *bytes, size_t n);
/* The results of a request that no post shows (arena), oldest first. */
int gens_results(struct db *db, struct arena *a, unsigned long long id, struct post_media **out, size_t *n);
/* The request whose result media_id is, when it is owner's and not yet
 * posted; GENS_NOT_FOUND otherwise. */
int gens_of_media(struct db *db, struct arena *a, unsigned long long owner, unsigned long long media_id,
		  struct generation *out);
/* Delete the results of request id that no post shows; *hashes (arena)
 * gets their file hashes for clean-up. */
int gens_discard_results(struct db *db, struct arena *a, unsigned long long id, char ***hashes, size_t *n);

#endif
