#ifndef BB_DELIVERIES_H
#define BB_DELIVERIES_H
/*
 * Posts whose delivery (fan-out and the notifications and trends that
 * follow it) is still owed: a row in post_deliveries from the
 * transaction that approves a post until the job worker has delivered
 * it. A row left behind means a lost job, queued again by the sweep.
 */
#include <stdbool.h>
#include <stddef.h>

#include "store/db.h"

struct arena;

/* Record that post_id is owed a delivery; call inside the transaction
 * that makes it approved. */
int deliveries_owe(struct db *db, unsigned long long post_id);
/* Whether post_id is still owed one. */
int deliveries_owed(struct db *db, struct arena *a, unsigned long long post_id, bool *owed);
/* Delivered (or no longer to be delivered). */
int deliveries_done(struct db *db, unsigned long long post_id);
/* Up to limit posts owed for more than older_s seconds, oldest first;
 * each is made due again in older_s so one sweep queues it once. */
int deliveries_overdue(struct db *db, struct arena *a, unsigned long long older_s, size_t limit,
		       unsigned long long **ids, size_t *n);

#endif
