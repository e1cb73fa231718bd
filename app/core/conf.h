#ifndef BB_CONF_H
#define BB_CONF_H
/*
 * Configuration: one INI file (beaubelle.conf) plus BEAUBELLE_SECTION_KEY
 * environment overrides. Every key, its type, default and documentation
 * live in one table in conf.c; `beaubelle config` prints that table as a
 * commented file. Loading validates every value and names the bad key.
 */
#include <stdbool.h>
#include <stddef.h>

struct buf;

#define CONF_OIDC_MAX 8
#define CONF_OIDC_NAME_MAX 32

/* One [oidc.NAME] section: an OpenID Connect provider people may log in with. */
struct conf_oidc {
	char name[CONF_OIDC_NAME_MAX + 1]; /* [a-z0-9_-], the NAME of the section */
	char *display_name;  /* "Log in with <display_name>" */
	char *issuer;        /* exactly as the provider's discovery document states it */
	char *client_id;
	char *client_secret; /* or BEAUBELLE_OIDC_<NAME>_CLIENT_SECRET */
	char *scopes;        /* space-separated, must include openid */
};

struct conf {
	/* [server] */
	char *base_url;
	char *listen;
	int socket_mode;
	int backlog;
	int workers;
	char *image_listen;
	int image_workers;
	int image_nice;
	size_t image_memory_limit;
	int max_requests;
	int shutdown_timeout;
	int request_timeout;
	int slow_request_ms;
	char *templates_dir;
	char *locale_dir;
	char *migrations_dir;
	char *static_dir;
	char *static_url;
	char *default_language;
	char *log_level;
	/* [mysql] */
	char *mysql_host;
	int mysql_port;
	char *mysql_socket;
	char *mysql_user;
	char *mysql_password;
	char *mysql_database;
	int mysql_timeout;
	/* [redis] */
	char *redis_host;
	int redis_port;
	char *redis_socket;
	char *redis_password;
	int redis_db;
	int redis_timeout_ms;
	/* [media] */
	char *media_root;
	char *media_url;
	char *tmp_dir;
	size_t quota_bytes;
	char *media_backend;     /* "local" or "s3" */
	/* [s3] (media backend = s3) */
	char *s3_endpoint;       /* http(s)://host[:port], no path */
	char *s3_region;
	char *s3_bucket;
	int s3_path_style;
	char *s3_access_key;
	char *s3_secret_key;
	char *s3_public_url;     /* where browsers fetch objects: bucket URL or a CDN */
	int s3_timeout;          /* seconds, per attempt */
	int s3_retries;
	int s3_presign_expiry;   /* seconds a presigned upload URL stays valid */
	/* [limits] */
	size_t max_body_bytes;
	size_t max_upload_bytes;
	int max_form_fields;
	size_t max_field_bytes;
	int max_upload_files;
	int login_ip_limit;
	int login_ip_window;
	int login_account_limit;
	int login_account_window;
	int signup_ip_limit;
	int signup_ip_window;
	int api_token_limit;
	int api_address_limit;
	int upload_limit;
	int upload_window;
	/* [security] */
	int session_idle;
	int session_lifetime;
	int remember_idle;
	int remember_lifetime;
	int argon2_ops;
	size_t argon2_memory;
	int argon2_concurrency; /* 0: one per core */
	int argon2_wait_ms;
	int password_signup;
	char *common_passwords;
	/* [jobs] */
	char *jobs_stream;
	int jobs_max_attempts;
	int jobs_retry_base_ms;
	int jobs_claim_idle_ms;
	int jobs_block_ms;
	int jobs_redeliver_after;                        /* seconds */
	/* [outbound] (calls to other services, core/httpc.h) */
	int breaker_failures;    /* 0: no circuit breaker */
	int breaker_cooldown;    /* seconds */
	/* [live] */
	char *live_publish_url;
	/* [moderation] */
	char *moderation_mode;
	int mod_require_face, mod_require_woman, mod_check_explicit;
	int mod_female_accept, mod_female_review;        /* percent */
	int mod_explicit_reject, mod_explicit_review;    /* percent */
	int mod_suggestive_review;                       /* percent */
	int mod_resweep_after;                           /* seconds */
	char *models_dir;
	char *mod_remote_url;    /* remote mode: the KServe v2 server */
	int mod_remote_timeout;  /* seconds, per attempt */
	int mod_remote_retries;
	/* [generation] */
	char *gen_url;           /* empty: the feature is off */
	char *gen_api_key;
	char *gen_model;
	char *gen_size;          /* WIDTHxHEIGHT */
	int gen_max_images;
	char *gen_negative_prompt; /* text, localai or off */
	int gen_timeout;         /* seconds, per attempt */
	int gen_retries;
	char *gen_allowed_hosts; /* comma-separated */
	int gen_daily_quota;
	int gen_rate_limit;
	int gen_rate_window;
	int gen_max_prompt;      /* characters */

	/* [oidc.NAME] sections, in file order */
	struct conf_oidc oidc[CONF_OIDC_MAX];
	int n_oidc;

	/* Where the values came from, for messages. */
	char *path;
	/* Derived: base_url starts with https:// */
	bool secure;
};

/*
 * Load defaults, then path (NULL: BEAUBELLE_CONFIG, else no file), then
 * the environment. Returns a new conf, or NULL with a message in err that
 * names the file, line and key.
 */
struct conf *conf_load(const char *path, struct buf *err);
void conf_free(struct conf *c);
/* The value of [section] key as text (sizes in bytes, durations in
 * seconds), as `beaubelle config get` prints it; -1 for an unknown key. */
int conf_value(const struct conf *c, const char *section, const char *key, struct buf *out);
/* The documented default file, as `beaubelle config` prints it. */
int conf_write_defaults(struct buf *out);
/* Parse an INI text into the conf; exposed for tests and fuzzing. */
int conf_parse_ini(struct conf *c, const char *name, const char *text, size_t len, struct buf *err);
struct conf *conf_defaults(void);
int conf_validate(struct conf *c, struct buf *err);

#endif
