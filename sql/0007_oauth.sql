-- The OAuth 2 provider behind the Mastodon client API. Secrets (client
-- secrets, authorization codes, access tokens) are never stored: only
-- their SHA-256, so a copy of the database lets nobody act as anyone.
CREATE TABLE IF NOT EXISTS oauth_apps (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  client_id CHAR(43) CHARACTER SET ascii NOT NULL,
  secret_hash CHAR(64) CHARACTER SET ascii NOT NULL,
  name VARCHAR(100) NOT NULL,
  website VARCHAR(500) NULL,
  -- One absolute URI per line, as registered.
  redirect_uris VARCHAR(2000) NOT NULL,
  scopes VARCHAR(500) CHARACTER SET ascii NOT NULL,
  created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  PRIMARY KEY (id),
  UNIQUE KEY oauth_apps_client (client_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A code lives ten minutes and is exchanged once: the exchange deletes it.
CREATE TABLE IF NOT EXISTS oauth_codes (
  code_hash CHAR(64) CHARACTER SET ascii NOT NULL,
  app_id BIGINT UNSIGNED NOT NULL,
  user_id BIGINT UNSIGNED NOT NULL,
  redirect_uri VARCHAR(500) NOT NULL,
  scopes VARCHAR(500) CHARACTER SET ascii NOT NULL,
  -- PKCE (S256 only): BASE64URL(SHA-256(code_verifier)), or NULL.
  code_challenge VARCHAR(128) CHARACTER SET ascii NULL,
  expires_at DATETIME(3) NOT NULL,
  PRIMARY KEY (code_hash),
  KEY oauth_codes_expiry (expires_at),
  CONSTRAINT oauth_codes_app_fk FOREIGN KEY (app_id) REFERENCES oauth_apps (id) ON DELETE CASCADE,
  CONSTRAINT oauth_codes_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Access tokens do not expire (as Mastodon's); they end when revoked,
-- which deletes the row. user_id is NULL for an app's own token
-- (client_credentials).
CREATE TABLE IF NOT EXISTS oauth_tokens (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  token_hash CHAR(64) CHARACTER SET ascii NOT NULL,
  app_id BIGINT UNSIGNED NOT NULL,
  user_id BIGINT UNSIGNED NULL,
  scopes VARCHAR(500) CHARACTER SET ascii NOT NULL,
  created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  last_used_at DATETIME(3) NULL,
  PRIMARY KEY (id),
  UNIQUE KEY oauth_tokens_hash (token_hash),
  KEY oauth_tokens_user (user_id, app_id),
  CONSTRAINT oauth_tokens_app_fk FOREIGN KEY (app_id) REFERENCES oauth_apps (id) ON DELETE CASCADE,
  CONSTRAINT oauth_tokens_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

