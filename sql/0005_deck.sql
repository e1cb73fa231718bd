-- The deck: every card a person has swiped, so it never comes back.
-- A like or super like from the deck is also a row of likes; the swipe
-- row only remembers that the card was seen and what was done.
CREATE TABLE IF NOT EXISTS deck_swipes (
  user_id BIGINT UNSIGNED NOT NULL,
  post_id BIGINT UNSIGNED NOT NULL,
  action ENUM('like', 'superlike', 'pass') NOT NULL,
  created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  PRIMARY KEY (user_id, post_id),
  CONSTRAINT deck_swipes_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
  CONSTRAINT deck_swipes_post_fk FOREIGN KEY (post_id) REFERENCES posts (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Whether /@username/collection is visible to others.
ALTER TABLE users ADD COLUMN IF NOT EXISTS collection_public TINYINT(1) NOT NULL DEFAULT 0 AFTER notify_mask;
