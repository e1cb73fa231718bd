-- Follows, likes (super likes are likes of another kind), reposts, blocks
-- and mutes. A repost is a row of posts pointing at the original, so
-- timelines and the API page through one id space; it shares the
-- original's media row and disappears with it.
ALTER TABLE posts
  ADD COLUMN IF NOT EXISTS repost_of_id BIGINT UNSIGNED NULL AFTER media_id,
  ADD UNIQUE KEY IF NOT EXISTS posts_repost (user_id, repost_of_id),
  ADD KEY IF NOT EXISTS posts_reposts_of (repost_of_id, id),
  ADD KEY IF NOT EXISTS posts_recent (state, created_at);
ALTER TABLE posts
  ADD CONSTRAINT posts_repost_fk FOREIGN KEY IF NOT EXISTS (repost_of_id) REFERENCES posts (id) ON DELETE CASCADE;

CREATE TABLE IF NOT EXISTS follows (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  follower_id BIGINT UNSIGNED NOT NULL,
  followee_id BIGINT UNSIGNED NOT NULL,
  created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  PRIMARY KEY (id),
  UNIQUE KEY follows_pair (follower_id, followee_id),
  KEY follows_followee (followee_id, id),
  CONSTRAINT follows_follower_fk FOREIGN KEY (follower_id) REFERENCES users (id) ON DELETE CASCADE,
  CONSTRAINT follows_followee_fk FOREIGN KEY (followee_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS likes (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  user_id BIGINT UNSIGNED NOT NULL,
  post_id BIGINT UNSIGNED NOT NULL,
  kind ENUM('like', 'superlike') NOT NULL DEFAULT 'like',
  created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  PRIMARY KEY (id),
  UNIQUE KEY likes_pair (user_id, post_id),
  KEY likes_post (post_id, id),
  KEY likes_user (user_id, id),
  KEY likes_super (user_id, kind, created_at),
  CONSTRAINT likes_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
  CONSTRAINT likes_post_fk FOREIGN KEY (post_id) REFERENCES posts (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS blocks (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  blocker_id BIGINT UNSIGNED NOT NULL,
  blocked_id BIGINT UNSIGNED NOT NULL,
  created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  PRIMARY KEY (id),
  UNIQUE KEY blocks_pair (blocker_id, blocked_id),
  KEY blocks_blocked (blocked_id),
  CONSTRAINT blocks_blocker_fk FOREIGN KEY (blocker_id) REFERENCES users (id) ON DELETE CASCADE,
  CONSTRAINT blocks_blocked_fk FOREIGN KEY (blocked_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS mutes (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  muter_id BIGINT UNSIGNED NOT NULL,
  muted_id BIGINT UNSIGNED NOT NULL,
  created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  PRIMARY KEY (id),
  UNIQUE KEY mutes_pair (muter_id, muted_id),
  CONSTRAINT mutes_muter_fk FOREIGN KEY (muter_id) REFERENCES users (id) ON DELETE CASCADE,
  CONSTRAINT mutes_muted_fk FOREIGN KEY (muted_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
