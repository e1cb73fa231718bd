-- Processed images and the posts that show them. Files live under the
-- media root, named by the SHA-256 of the uploaded bytes, so two rows
-- may share files: a file is deleted only when no row uses its hash.
CREATE TABLE IF NOT EXISTS media (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  owner_id BIGINT UNSIGNED NOT NULL,
  sha256 CHAR(64) CHARACTER SET ascii NOT NULL,
  kind ENUM('post', 'avatar') NOT NULL DEFAULT 'post',
  format VARCHAR(8) NOT NULL,
  width INT UNSIGNED NOT NULL,
  height INT UNSIGNED NOT NULL,
  frames INT UNSIGNED NOT NULL DEFAULT 1,
  feed_width INT UNSIGNED NOT NULL,
  feed_height INT UNSIGNED NOT NULL,
  thumb_width INT UNSIGNED NOT NULL,
  thumb_height INT UNSIGNED NOT NULL,
  bytes BIGINT UNSIGNED NOT NULL,
  blurhash VARCHAR(64) CHARACTER SET ascii NOT NULL DEFAULT '',
  description VARCHAR(1500) NOT NULL DEFAULT '',
  created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  PRIMARY KEY (id),
  KEY media_owner (owner_id, id),
  KEY media_sha256 (sha256),
  CONSTRAINT media_owner_fk FOREIGN KEY (owner_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A post is pending until moderation approves it; only approved posts
-- reach other people. idempotency_key makes a retried submission return
-- the post the first one created.
CREATE TABLE IF NOT EXISTS posts (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  user_id BIGINT UNSIGNED NOT NULL,
  media_id BIGINT UNSIGNED NOT NULL,
  caption VARCHAR(500) NOT NULL DEFAULT '',
  is_sensitive TINYINT(1) NOT NULL DEFAULT 0,
  state ENUM('pending', 'approved', 'rejected', 'review', 'removed') NOT NULL DEFAULT 'pending',
  state_reason VARCHAR(200) NULL,
  likes_count INT UNSIGNED NOT NULL DEFAULT 0,
  superlikes_count INT UNSIGNED NOT NULL DEFAULT 0,
  reposts_count INT UNSIGNED NOT NULL DEFAULT 0,
  idempotency_key VARCHAR(64) CHARACTER SET ascii NULL,
  created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
  PRIMARY KEY (id),
  UNIQUE KEY posts_idempotency (user_id, idempotency_key),
  KEY posts_user (user_id, state, id),
  KEY posts_state (state, id),
  CONSTRAINT posts_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
  CONSTRAINT posts_media_fk FOREIGN KEY (media_id) REFERENCES media (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS hashtags (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  name VARCHAR(100) NOT NULL,
  created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  PRIMARY KEY (id),
  UNIQUE KEY hashtags_name (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS post_hashtags (
  hashtag_id BIGINT UNSIGNED NOT NULL,
  post_id BIGINT UNSIGNED NOT NULL,
  PRIMARY KEY (hashtag_id, post_id),
  KEY post_hashtags_post (post_id),
  CONSTRAINT post_hashtags_tag_fk FOREIGN KEY (hashtag_id) REFERENCES hashtags (id) ON DELETE CASCADE,
  CONSTRAINT post_hashtags_post_fk FOREIGN KEY (post_id) REFERENCES posts (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
