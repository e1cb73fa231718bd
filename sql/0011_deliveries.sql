-- Approved posts and reposts whose delivery has not finished: fan-out to
-- the timelines and what follows it (mention and repost notifications,
-- trending tags). The row is written in the transaction that makes the
-- post visible, so it exists exactly when the post does, and the job
-- worker deletes it once delivery is done. A delivery job lost on the
-- way (Redis restarted or unreachable when it was queued, or a COMMIT
-- that landed after the request had given up on it) leaves its row
-- behind, and the worker's sweep queues it again after
-- [jobs] redeliver_after.
CREATE TABLE IF NOT EXISTS post_deliveries (
  post_id BIGINT UNSIGNED NOT NULL,
  due_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  PRIMARY KEY (post_id),
  KEY post_deliveries_due (due_at),
  CONSTRAINT post_deliveries_post_fk FOREIGN KEY (post_id) REFERENCES posts (id) ON DELETE CASCADE
) ENGINE=InnoDB;
