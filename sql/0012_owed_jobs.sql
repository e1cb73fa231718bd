-- Jobs a request could not queue because Redis was unreachable or timed
-- out (notifications of a like or a follow, a repost's removal from
-- timelines, ...): what the request wrote is in MariaDB already, so the
-- job that follows from it is kept here, and the job worker moves it
-- into the stream, oldest first, once Redis answers again. Without this
-- a Redis that stalls without restarting (SIGSTOP, a network cut to a
-- remote Redis, a timeout under load) would lose them: the replay after
-- a restart (jobs/redis_watch.c) sees only restarts.
CREATE TABLE IF NOT EXISTS owed_jobs (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  kind VARCHAR(64) NOT NULL,
  args VARCHAR(512) NOT NULL,
  created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  PRIMARY KEY (id)
) ENGINE=InnoDB;
