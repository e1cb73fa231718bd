#include "jobs/queue.h"

#include "core/arena.h"
#include "core/conf.h"
#include "core/log.h"
#include "store/jobs_store.h"
#include "store/owed_jobs.h"
#include "web/app.h"
#include "core/banned.h"

#define OWED_BATCH 200 /* jobs queued per transaction */

int jobs_queue(struct app *app, const char *kind, const char *args)
{
	if (jobs_store_enqueue(app->rds, app->conf->jobs_stream, kind, args) == 0)
		return 0;
	if (owed_jobs_add(app->db, kind, args) == DB_OK) {
		log_warn("event=enqueue_owed kind=%s args=%s", kind, args);
		return 1;
	}
	log_error("event=enqueue_failed kind=%s args=%s", kind, args);
	return -1;
}

/* One batch in one transaction: the rows stay locked until each is
 * queued and deleted, so two job workers never queue the same one. */
static int jobs_owed_batch(struct app *app, struct arena *a, size_t *queued, size_t *taken)
{
	struct owed_job *jobs;
	size_t n = 0;
	int rc = db_begin(app->db);

	*queued = *taken = 0;
	if (rc == DB_OK)
		rc = owed_jobs_lock_oldest(app->db, a, OWED_BATCH, &jobs, &n);
	for (size_t i = 0; rc == DB_OK && i < n; i++) {
		if (jobs_store_enqueue(app->rds, app->conf->jobs_stream, jobs[i].kind, jobs[i].args) < 0)
			break; /* Redis still away: the rest waits, in order */
		rc = owed_jobs_delete(app->db, jobs[i].id);
		if (rc == DB_OK)
			(*queued)++;
	}
	*taken = n;
	if (rc == DB_OK && db_commit(app->db) == DB_OK)
		return 0;
	/* A job queued whose row could not be deleted is queued again later:
	 * every job kind tolerates running twice. */
	db_rollback(app->db);
	*queued = 0;
	return -1;
}

long long jobs_owed_resweep(struct app *app, struct arena *a)
{
	long long total = 0;
	size_t queued, taken;

	do {
		if (jobs_owed_batch(app, a, &queued, &taken) < 0)
			return -1;
		total += (long long)queued;
		arena_reset(a);
	} while (taken == OWED_BATCH && queued == taken);
	if (total)
		log_info("event=owed_jobs_queued jobs=%lld", total);
	return total;
}
