-- Notifications: written by the job worker from the events that happen
-- (likes, super likes, reposts, follows, mentions, moderation outcomes).
-- dedupe makes each event notify once however often its job runs.
CREATE TABLE IF NOT EXISTS notifications (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  user_id BIGINT UNSIGNED NOT NULL,
  kind ENUM('like', 'superlike', 'repost', 'follow', 'mention', 'moderation') NOT NULL,
  actor_id BIGINT UNSIGNED NULL,
  post_id BIGINT UNSIGNED NULL,
  detail VARCHAR(32) CHARACTER SET ascii NOT NULL DEFAULT '',
  created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  read_at DATETIME(3) NULL,
  dedupe VARCHAR(96) CHARACTER SET ascii AS
    (CONCAT(kind, ':', COALESCE(actor_id, 0), ':', COALESCE(post_id, 0), ':', detail)) STORED,
  PRIMARY KEY (id),
  UNIQUE KEY notifications_once (user_id, dedupe),
  KEY notifications_user (user_id, id),
  KEY notifications_unread (user_id, read_at),
  KEY notifications_post (post_id),
  CONSTRAINT notifications_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
  CONSTRAINT notifications_actor_fk FOREIGN KEY (actor_id) REFERENCES users (id) ON DELETE CASCADE,
  CONSTRAINT notifications_post_fk FOREIGN KEY (post_id) REFERENCES posts (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Which kinds a person wants to hear about: one bit per kind, in the
-- order of the kind ENUM above (like = 1, superlike = 2, repost = 4,
-- follow = 8, mention = 16, moderation = 32).
ALTER TABLE users ADD COLUMN IF NOT EXISTS notify_mask INT UNSIGNED NOT NULL DEFAULT 63 AFTER language;
