#ifndef BB_JOBS_REDIS_WATCH_H
#define BB_JOBS_REDIS_WATCH_H
/*
 * What Redis holds beyond sessions and the queue is derived from MariaDB:
 * home timelines, unread counts, trend buckets. A Redis that restarted
 * may have come back with them a second old (the append-only file is
 * fsynced every second) while the fan-out jobs of that second are gone,
 * so its timelines could miss posts for good. The job worker therefore
 * watches Redis' run_id (new at every start) against a marker kept in
 * Redis itself: when they differ (a restart, a wipe, or the very first
 * run), it drops the derived keys, which rebuild from MariaDB on their
 * next read, and recounts the trends.
 */
struct app;

/* Check once; 1 when Redis had restarted and derived state was dropped,
 * 0 when nothing changed, -1 when Redis cannot be asked. */
int redis_watch_check(struct app *app);

#endif
