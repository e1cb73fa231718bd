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

struct conf {
	/* [server] */
	char *base_url;
	char *listen;
	int socket_mode;
	int backlog;
	int workers;
	int max_requests;
	int shutdown_timeout;
	int request_timeout;
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
	int upload_limit;
	int upload_window;
	/* [security] */
	int session_idle;
	int session_lifetime;
	int remember_idle;
	int remember_lifetime;
	int argon2_ops;
	size_t argon2_memory;
	int password_signup;
	char *common_passwords;
	/* [jobs] */
	char *jobs_stream;
	int jobs_max_attempts;
	int jobs_retry_base_ms;
	int jobs_claim_idle_ms;
	int jobs_block_ms;
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
/* The documented default file, as `beaubelle config` prints it. */
int conf_write_defaults(struct buf *out);
/* Parse an INI text into the conf; exposed for tests and fuzzing. */
int conf_parse_ini(struct conf *c, const char *name, const char *text, size_t len, struct buf *err);
struct conf *conf_defaults(void);
int conf_validate(struct conf *c, struct buf *err);

#endif
