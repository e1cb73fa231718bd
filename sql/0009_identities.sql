-- Logins through external OpenID Connect providers. An identity is the
-- pair (issuer, subject) the provider vouches for; it is never matched by
-- email. Both are compared byte for byte, as OpenID Connect requires.
CREATE TABLE IF NOT EXISTS user_identities (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  user_id BIGINT UNSIGNED NOT NULL,
  provider VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  issuer VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  subject VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  last_login_at DATETIME(3) NULL,
  PRIMARY KEY (id),
  UNIQUE KEY user_identities_subject (issuer, subject),
  KEY user_identities_user (user_id, provider),
  CONSTRAINT user_identities_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- An account made through a provider has no email until its owner adds
-- one; a unique key allows any number of NULLs.
ALTER TABLE users MODIFY email VARCHAR(254) NULL;
