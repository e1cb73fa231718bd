-- What BeauBelle AI found on each post, the decision, and people's
-- reports. The scores are kept as the JSON `beaubelle moderate` prints,
-- for moderators to read, not for queries.
ALTER TABLE posts
  ADD COLUMN IF NOT EXISTS moderation_scores TEXT NULL AFTER state_reason,
  ADD COLUMN IF NOT EXISTS review_requested TINYINT(1) NOT NULL DEFAULT 0 AFTER moderation_scores,
  ADD COLUMN IF NOT EXISTS moderated_at DATETIME(3) NULL AFTER review_requested;

CREATE TABLE IF NOT EXISTS reports (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  post_id BIGINT UNSIGNED NOT NULL,
  reporter_id BIGINT UNSIGNED NOT NULL,
  reason ENUM('not_a_woman', 'explicit', 'minor', 'spam', 'stolen', 'other') NOT NULL,
  created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  resolved_at DATETIME(3) NULL,
  PRIMARY KEY (id),
  UNIQUE KEY reports_once (post_id, reporter_id),
  KEY reports_open (resolved_at, id),
  CONSTRAINT reports_post_fk FOREIGN KEY (post_id) REFERENCES posts (id) ON DELETE CASCADE,
  CONSTRAINT reports_reporter_fk FOREIGN KEY (reporter_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
