#include "core/conf.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/banned.h"

#define CONF_MAX_FILE (1 << 20)
#define CONF_MAX_LINE 4096

enum conf_type { CONF_STR, CONF_INT, CONF_SIZE, CONF_MODE, CONF_DURATION };

struct conf_key {
	const char *section;
	const char *key;
	enum conf_type type;
	size_t offset;
	const char *def;
	long long min, max;
	const char *doc;
};

#define F(field) offsetof(struct conf, field)
#define KIB 1024LL
#define MIB (1024LL * 1024)

/*
 * The one place where every key is defined. Order is the order of
 * `beaubelle config`; docs are written for operators.
 */
static const struct conf_key conf_keys[] = {
	{ "server", "base_url", CONF_STR, F(base_url), "http://127.0.0.1:8080", 0, 0,
	  "Public URL of the site. Every absolute URL is built from it, never from the Host header." },
	{ "server", "listen", CONF_STR, F(listen), "var/run/beaubelle.sock", 0, 0,
	  "FastCGI socket: a unix socket path, or 127.0.0.1:PORT for TCP. Ignored under systemd socket activation." },
	{ "server", "socket_mode", CONF_MODE, F(socket_mode), "0660", 0, 0777,
	  "Permissions of the unix socket (octal)." },
	{ "server", "backlog", CONF_INT, F(backlog), "1024", 16, 65535,
	  "Listen queue length of the FastCGI socket." },
	{ "server", "workers", CONF_INT, F(workers), "0", 0, 256,
	  "Number of FastCGI worker processes; 0 means one per CPU core." },
	{ "server", "image_listen", CONF_STR, F(image_listen), "auto", 0, 0,
	  "FastCGI socket of the image workers, which take the requests that upload images (nginx sends them there) so a burst of uploads never keeps a page waiting. auto: beaubelle-images.sock in the folder of a unix listen socket (none beside a TCP one); empty: the page workers take uploads too. The second socket under systemd socket activation." },
	{ "server", "image_workers", CONF_INT, F(image_workers), "0", 0, 256,
	  "Number of image worker processes; 0 means one per CPU core." },
	{ "server", "image_nice", CONF_INT, F(image_nice), "10", 0, 19,
	  "Scheduling niceness of the image workers: pages get the CPU first." },
	{ "server", "image_memory_limit", CONF_SIZE, F(image_memory_limit), "2G", 0, 1024 * 1024 * MIB,
	  "Address space an image worker may use (RLIMIT_AS): an image that got past the pixel limits and needs more fails instead of taking the machine's memory. 0: no limit." },
	{ "server", "max_requests", CONF_INT, F(max_requests), "10000", 0, 100000000,
	  "Recycle a worker after this many requests (0: never)." },
	{ "server", "shutdown_timeout", CONF_INT, F(shutdown_timeout), "10", 1, 3600,
	  "Seconds in-flight requests get to finish on stop or reload before workers are killed." },
	{ "server", "request_timeout", CONF_INT, F(request_timeout), "30", 0, 3600,
	  "Kill a worker whose request runs longer than this many seconds (0: off)." },
	{ "server", "slow_request_ms", CONF_INT, F(slow_request_ms), "1000", 0, 3600000,
	  "Requests taking at least this long count as slow on /status and in beaubelle_slow_requests_total (0: none)." },
	{ "server", "templates_dir", CONF_STR, F(templates_dir), "templates", 0, 0,
	  "Folder of Mustache templates, read at start and on reload." },
	{ "server", "locale_dir", CONF_STR, F(locale_dir), "locale", 0, 0,
	  "Folder of gettext catalogs (ja.po, en.po)." },
	{ "server", "migrations_dir", CONF_STR, F(migrations_dir), "sql", 0, 0,
	  "Folder of numbered SQL migrations applied by `beaubelle migrate`." },
	{ "server", "static_dir", CONF_STR, F(static_dir), "static", 0, 0,
	  "Folder of CSS, JavaScript and icons; its contents decide the version in static URLs." },
	{ "server", "static_url", CONF_STR, F(static_url), "/static", 0, 0,
	  "URL prefix under which nginx serves static/." },
	{ "server", "default_language", CONF_STR, F(default_language), "ja", 0, 0,
	  "Language when neither the user nor the browser chooses one: ja or en." },
	{ "server", "log_level", CONF_STR, F(log_level), "info", 0, 0,
	  "error, warn, info or debug." },

	{ "mysql", "host", CONF_STR, F(mysql_host), "127.0.0.1", 0, 0,
	  "MariaDB host (ignored when socket is set)." },
	{ "mysql", "port", CONF_INT, F(mysql_port), "3306", 1, 65535, "MariaDB TCP port." },
	{ "mysql", "socket", CONF_STR, F(mysql_socket), "", 0, 0,
	  "MariaDB unix socket path; empty to use host and port." },
	{ "mysql", "user", CONF_STR, F(mysql_user), "beaubelle", 0, 0, "MariaDB user." },
	{ "mysql", "password", CONF_STR, F(mysql_password), "", 0, 0, "MariaDB password." },
	{ "mysql", "database", CONF_STR, F(mysql_database), "beaubelle", 0, 0, "Database name." },
	{ "mysql", "timeout", CONF_INT, F(mysql_timeout), "5", 1, 300,
	  "Seconds for connecting, reading and writing before a query fails." },

	{ "redis", "host", CONF_STR, F(redis_host), "127.0.0.1", 0, 0,
	  "Redis host (ignored when socket is set)." },
	{ "redis", "port", CONF_INT, F(redis_port), "6379", 1, 65535, "Redis TCP port." },
	{ "redis", "socket", CONF_STR, F(redis_socket), "", 0, 0,
	  "Redis unix socket path; empty to use host and port." },
	{ "redis", "password", CONF_STR, F(redis_password), "", 0, 0, "Redis AUTH password." },
	{ "redis", "db", CONF_INT, F(redis_db), "0", 0, 15, "Redis database number." },
	{ "redis", "timeout_ms", CONF_INT, F(redis_timeout_ms), "500", 10, 60000,
	  "Milliseconds before a Redis command fails; a worker then does without Redis for the rest of the request and tries again a second later." },

	{ "media", "root", CONF_STR, F(media_root), "var/media", 0, 0,
	  "Folder where processed images are stored; nginx serves it as media_url." },
	{ "media", "url", CONF_STR, F(media_url), "/media", 0, 0, "URL prefix of the media folder." },
	{ "media", "tmp_dir", CONF_STR, F(tmp_dir), "var/tmp", 0, 0,
	  "Folder for uploads being received; on the same file system as root." },

	{ "media", "quota_bytes", CONF_SIZE, F(quota_bytes), "1G", 1 * MIB, 1024LL * 1024 * MIB,
	  "Most bytes of processed images one account may store." },
	{ "media", "backend", CONF_STR, F(media_backend), "local", 0, 0,
	  "local keeps images under root, served by nginx as url; s3 keeps them in the bucket of [s3], served from its public_url." },

	{ "s3", "endpoint", CONF_STR, F(s3_endpoint), "", 0, 0,
	  "backend = s3: the S3-compatible server, http(s)://host[:port] (https://s3.eu-west-1.amazonaws.com, http://127.0.0.1:9000 for MinIO)." },
	{ "s3", "region", CONF_STR, F(s3_region), "us-east-1", 0, 0,
	  "Region the requests are signed for (MinIO and most others accept us-east-1)." },
	{ "s3", "bucket", CONF_STR, F(s3_bucket), "", 0, 0, "Bucket holding the images and the staging uploads." },
	{ "s3", "path_style", CONF_INT, F(s3_path_style), "1", 0, 1,
	  "1: endpoint/bucket/key (MinIO, most self-hosted servers); 0: virtual-host style, bucket.endpoint/key (AWS)." },
	{ "s3", "access_key", CONF_STR, F(s3_access_key), "", 0, 0,
	  "Access key id; empty takes AWS_ACCESS_KEY_ID from the environment (or set BEAUBELLE_S3_ACCESS_KEY)." },
	{ "s3", "secret_key", CONF_STR, F(s3_secret_key), "", 0, 0,
	  "Secret key; empty takes AWS_SECRET_ACCESS_KEY from the environment (or set BEAUBELLE_S3_SECRET_KEY)." },
	{ "s3", "public_url", CONF_STR, F(s3_public_url), "", 0, 0,
	  "Base URL browsers load images from: the bucket's own URL or a CDN in front of it; empty means the bucket URL." },
	{ "s3", "timeout", CONF_DURATION, F(s3_timeout), "10s", 1, 600,
	  "Longest one request to the bucket may take, per attempt (connecting gets at most 3 seconds of it)." },
	{ "s3", "retries", CONF_INT, F(s3_retries), "2", 0, 10,
	  "Attempts after the first on a connection error, a timeout or a 5xx answer, with backoff." },
	{ "s3", "presign_expiry", CONF_DURATION, F(s3_presign_expiry), "5m", 10, 3600,
	  "How long a presigned direct-upload URL handed to a browser stays valid." },

	{ "limits", "max_body_bytes", CONF_SIZE, F(max_body_bytes), "64K", 1 * KIB, 64 * MIB,
	  "Largest request body that is not a file upload." },
	{ "limits", "max_upload_bytes", CONF_SIZE, F(max_upload_bytes), "16M", 1 * KIB, 1024 * MIB,
	  "Largest upload body; nginx's client_max_body_size must match." },
	{ "limits", "max_form_fields", CONF_INT, F(max_form_fields), "64", 1, 10000,
	  "Most fields a form or query string may have." },
	{ "limits", "max_field_bytes", CONF_SIZE, F(max_field_bytes), "16K", 256, 16 * MIB,
	  "Largest single form field." },
	{ "limits", "max_upload_files", CONF_INT, F(max_upload_files), "4", 1, 100,
	  "Most files in one upload." },

	{ "limits", "login_ip_limit", CONF_INT, F(login_ip_limit), "25", 1, 1000000,
	  "Login attempts allowed per IP address per login_ip_window." },
	{ "limits", "login_ip_window", CONF_DURATION, F(login_ip_window), "5m", 1, 86400,
	  "Window of login_ip_limit (a number with s, m, h or d)." },
	{ "limits", "login_account_limit", CONF_INT, F(login_account_limit), "25", 1, 1000000,
	  "Login attempts allowed per account name per login_account_window." },
	{ "limits", "login_account_window", CONF_DURATION, F(login_account_window), "1h", 1, 604800,
	  "Window of login_account_limit." },
	{ "limits", "signup_ip_limit", CONF_INT, F(signup_ip_limit), "5", 1, 1000000,
	  "Sign-up attempts allowed per IP address per signup_ip_window." },
	{ "limits", "signup_ip_window", CONF_DURATION, F(signup_ip_window), "30m", 1, 604800,
	  "Window of signup_ip_limit." },

	{ "limits", "api_token_limit", CONF_INT, F(api_token_limit), "300", 1, 100000000,
	  "API requests allowed per access token (per user) in 5 minutes, as Mastodon allows." },
	{ "limits", "api_address_limit", CONF_INT, F(api_address_limit), "1500", 1, 100000000,
	  "API requests allowed per address without a token in 5 minutes." },
	{ "limits", "upload_limit", CONF_INT, F(upload_limit), "30", 1, 1000000,
	  "Image uploads allowed per account per upload_window." },
	{ "limits", "upload_window", CONF_DURATION, F(upload_window), "30m", 1, 604800,
	  "Window of upload_limit." },

	{ "security", "session_idle", CONF_DURATION, F(session_idle), "12h", 60, 31536000,
	  "A session not used for this long ends (without \"remember me\")." },
	{ "security", "session_lifetime", CONF_DURATION, F(session_lifetime), "1d", 60, 31536000,
	  "A session ends this long after login whatever its use (without \"remember me\")." },
	{ "security", "remember_idle", CONF_DURATION, F(remember_idle), "30d", 60, 31536000,
	  "Idle limit of a \"remember me\" session." },
	{ "security", "remember_lifetime", CONF_DURATION, F(remember_lifetime), "90d", 60, 31536000,
	  "Absolute limit of a \"remember me\" session." },
	{ "security", "argon2_ops", CONF_INT, F(argon2_ops), "2", 2, 10,
	  "Argon2id passes for new password hashes; older hashes are upgraded at login." },
	{ "security", "argon2_memory", CONF_SIZE, F(argon2_memory), "64M", 19 * MIB, 1024 * MIB,
	  "Argon2id memory for new password hashes (at least 19M)." },
	{ "security", "argon2_concurrency", CONF_INT, F(argon2_concurrency), "0", 0, 256,
	  "Most password hashes running at once on this host, across every worker (0: one per core); each takes argon2_memory." },
	{ "security", "argon2_wait_ms", CONF_INT, F(argon2_wait_ms), "5000", 1, 60000,
	  "How long a login waits for a free hashing slot before it gets 503 and Retry-After." },
	{ "security", "common_passwords", CONF_STR, F(common_passwords), "data/common-passwords.txt", 0, 0,
	  "List of common passwords refused at sign-up and password change (one per line)." },
	{ "security", "password_signup", CONF_INT, F(password_signup), "1", 0, 1,
	  "1 lets people sign up with a password; 0 leaves sign-up to external providers." },

	{ "jobs", "stream", CONF_STR, F(jobs_stream), "bb:jobs", 0, 0, "Redis stream of background jobs." },
	{ "jobs", "max_attempts", CONF_INT, F(jobs_max_attempts), "5", 1, 100,
	  "Attempts before a failing job is parked in the dead-letter stream." },
	{ "jobs", "retry_base_ms", CONF_INT, F(jobs_retry_base_ms), "1000", 1, 3600000,
	  "First retry delay; doubles with each attempt." },
	{ "jobs", "claim_idle_ms", CONF_INT, F(jobs_claim_idle_ms), "60000", 100, 86400000,
	  "A job pending this long on a consumer that stopped is taken over by another." },
	{ "jobs", "block_ms", CONF_INT, F(jobs_block_ms), "2000", 10, 60000,
	  "How long a worker waits for new jobs before checking retries and stop requests." },
	{ "jobs", "redeliver_after", CONF_DURATION, F(jobs_redeliver_after), "1m", 1, 86400,
	  "An approved post not yet delivered to its followers' timelines this long is queued for delivery again (its job may have been lost with Redis)." },

	{ "outbound", "breaker_failures", CONF_INT, F(breaker_failures), "5", 0, 1000,
	  "Failed calls in a row (no connection, a timeout, a 5xx) after which a worker stops calling that host:port for breaker_cooldown, failing at once instead; 0: never." },
	{ "outbound", "breaker_cooldown", CONF_DURATION, F(breaker_cooldown), "30s", 1, 3600,
	  "How long calls to a failing host are refused before one is let through to see whether it is back." },

	{ "live", "publish_url", CONF_STR, F(live_publish_url), "", 0, 0,
	  "nchan publisher location the job worker posts live events to (the user id is appended); empty: no live updates." },

	{ "moderation", "mode", CONF_STR, F(moderation_mode), "builtin", 0, 0,
	  "builtin runs the models in the job worker; remote sends their tensors to a KServe v2 inference server (remote_url); off approves every post at once (tests, private instances)." },
	{ "moderation", "models_dir", CONF_STR, F(models_dir), ".cache/models", 0, 0,
	  "Folder of the converted models that scripts/fetch-models writes (docs/models.md)." },
	{ "moderation", "remote_url", CONF_STR, F(mod_remote_url), "", 0, 0,
	  "mode = remote: base URL of the KServe v2 REST server (http:// or https://); the worker POSTs to URL/v2/models/NAME/infer (docs/models.md)." },
	{ "moderation", "remote_timeout", CONF_DURATION, F(mod_remote_timeout), "10s", 1, 600,
	  "mode = remote: longest an inference request may take, per attempt (connecting gets at most 3 seconds of it)." },
	{ "moderation", "remote_retries", CONF_INT, F(mod_remote_retries), "2", 0, 10,
	  "mode = remote: attempts after the first on a connection error, a timeout or a 5xx answer, with backoff; after them the job is retried later." },
	{ "moderation", "require_face", CONF_INT, F(mod_require_face), "1", 0, 1,
	  "1: an image without a detected face is rejected." },
	{ "moderation", "require_woman", CONF_INT, F(mod_require_woman), "1", 0, 1,
	  "1: the largest face must appear to be a woman's (see female_accept)." },
	{ "moderation", "check_explicit", CONF_INT, F(mod_check_explicit), "1", 0, 1,
	  "1: explicit images are rejected or sent to review." },
	{ "moderation", "female_accept", CONF_INT, F(mod_female_accept), "70", 0, 100,
	  "Percent probability of a woman at or above which the gender phase passes." },
	{ "moderation", "female_review", CONF_INT, F(mod_female_review), "50", 0, 100,
	  "Percent at or above which (and below female_accept) a person reviews the post; below it is rejected." },
	{ "moderation", "explicit_reject", CONF_INT, F(mod_explicit_reject), "70", 0, 100,
	  "Percent Porn + Hentai at or above which the post is rejected." },
	{ "moderation", "explicit_review", CONF_INT, F(mod_explicit_review), "30", 0, 100,
	  "Percent Porn + Hentai at or above which the post goes to review." },
	{ "moderation", "suggestive_review", CONF_INT, F(mod_suggestive_review), "90", 0, 100,
	  "Percent Sexy at or above which the post goes to review." },
	{ "moderation", "resweep_after", CONF_DURATION, F(mod_resweep_after), "10m", 1, 86400,
	  "A post still pending this long is queued for screening again (its job may have been lost with Redis)." },

	{ "generation", "url", CONF_STR, F(gen_url), "", 0, 0,
	  "Base URL of a text-to-image engine speaking the OpenAI images API (https://api.openai.com, or a LocalAI server like http://127.0.0.1:8080); the worker POSTs to URL/v1/images/generations. Empty: no generation anywhere." },
	{ "generation", "api_key", CONF_STR, F(gen_api_key), "", 0, 0,
	  "Bearer token sent to the engine (better set as BEAUBELLE_GENERATION_API_KEY); empty sends none." },
	{ "generation", "model", CONF_STR, F(gen_model), "dall-e-3", 0, 0,
	  "Model name sent with each request and shown on generated posts." },
	{ "generation", "size", CONF_STR, F(gen_size), "1024x1024", 0, 0,
	  "Image size asked of the engine, WIDTHxHEIGHT." },
	{ "generation", "max_images", CONF_INT, F(gen_max_images), "4", 1, 4,
	  "Most images one request may ask for (the person picks one to post)." },
	{ "generation", "negative_prompt", CONF_STR, F(gen_negative_prompt), "text", 0, 0,
	  "How a negative prompt reaches the engine: text appends \"Avoid: ...\" to the prompt (OpenAI), localai sends \"prompt|negative\" (LocalAI's diffusers backends), off hides the field." },
	{ "generation", "timeout", CONF_DURATION, F(gen_timeout), "120s", 1, 1800,
	  "Longest one request to the engine may take, per attempt." },
	{ "generation", "retries", CONF_INT, F(gen_retries), "1", 0, 5,
	  "Attempts after the first on a connection error, a timeout or a 5xx answer." },
	{ "generation", "allowed_hosts", CONF_STR, F(gen_allowed_hosts), "", 0, 0,
	  "Hosts (comma-separated) the worker may fetch image URLs from when the engine answers with url instead of b64_json; the engine's own host is always allowed." },
	{ "generation", "daily_quota", CONF_INT, F(gen_daily_quota), "20", 0, 100000,
	  "Generation requests one account may make in 24 hours (failed ones do not count); 0 lets nobody generate." },
	{ "generation", "rate_limit", CONF_INT, F(gen_rate_limit), "5", 1, 1000000,
	  "Generation requests allowed per account per rate_window." },
	{ "generation", "rate_window", CONF_DURATION, F(gen_rate_window), "1m", 1, 86400,
	  "Window of rate_limit." },
	{ "generation", "max_prompt", CONF_INT, F(gen_max_prompt), "1000", 10, 4000,
	  "Longest prompt, in characters." },
};

#define CONF_NKEYS (sizeof(conf_keys) / sizeof(conf_keys[0]))

static char **conf_str_field(struct conf *c, const struct conf_key *k)
{
	return (char **)((char *)c + k->offset);
}

static int conf_parse_size(const char *v, long long *out)
{
	char *end;
	long long n;

	errno = 0;
	n = strtoll(v, &end, 10);
	if (errno || end == v || n < 0)
		return -1;
	if (*end == 'K' || *end == 'k')
		n *= KIB, end++;
	else if (*end == 'M' || *end == 'm')
		n *= MIB, end++;
	else if (*end == 'G' || *end == 'g')
		n *= 1024 * MIB, end++;
	if (*end != '\0')
		return -1;
	*out = n;
	return 0;
}

/* Seconds from "90", "90s", "5m", "12h" or "30d". */
static int conf_parse_duration(const char *v, long long *out)
{
	char *end;
	long long n;

	errno = 0;
	n = strtoll(v, &end, 10);
	if (errno || end == v || n < 0 || n > 10LL * 365 * 86400)
		return -1;
	if (*end == 's')
		end++;
	else if (*end == 'm')
		n *= 60, end++;
	else if (*end == 'h')
		n *= 3600, end++;
	else if (*end == 'd')
		n *= 86400, end++;
	if (*end != '\0')
		return -1;
	*out = n;
	return 0;
}

/*
 * Set one key from its text form. Returns 0, or -1 with a message in err
 * naming where the value came from (origin) and what was expected.
 */
static int conf_set(struct conf *c, const struct conf_key *k, const char *value,
		    const char *origin, struct buf *err)
{
	long long n = 0;
	char *end;

	switch (k->type) {
	case CONF_STR: {
		char **field = conf_str_field(c, k);
		char *copy = strdup(value);

		if (!copy)
			return -1;
		free(*field);
		*field = copy;
		return 0;
	}
	case CONF_INT:
		errno = 0;
		n = strtoll(value, &end, 10);
		if (errno || end == value || *end != '\0')
			goto bad;
		break;
	case CONF_SIZE:
		if (conf_parse_size(value, &n) < 0)
			goto bad;
		break;
	case CONF_DURATION:
		if (conf_parse_duration(value, &n) < 0)
			goto bad;
		break;
	case CONF_MODE:
		errno = 0;
		n = strtoll(value, &end, 8);
		if (errno || end == value || *end != '\0')
			goto bad;
		break;
	}
	if (n < k->min || n > k->max) {
		buf_printf(err, "%s: [%s] %s = %s is out of range (%lld to %lld)", origin,
			   k->section, k->key, value, k->min, k->max);
		return -1;
	}
	if (k->type == CONF_SIZE)
		*(size_t *)((char *)c + k->offset) = (size_t)n;
	else
		*(int *)((char *)c + k->offset) = (int)n;
	return 0;
bad:
	buf_printf(err, "%s: [%s] %s = %s is not a valid %s", origin, k->section, k->key, value,
		   k->type == CONF_SIZE ? "size (like 512K or 16M)" :
		   k->type == CONF_DURATION ? "duration (like 30s, 5m, 12h or 30d)" :
		   k->type == CONF_MODE ? "octal mode" : "integer");
	return -1;
}

static const struct conf_key *conf_find(const char *section, const char *key)
{
	for (size_t i = 0; i < CONF_NKEYS; i++)
		if (strcmp(conf_keys[i].section, section) == 0 && strcmp(conf_keys[i].key, key) == 0)
			return &conf_keys[i];
	return NULL;
}

static bool conf_find_section(const char *section)
{
	for (size_t i = 0; i < CONF_NKEYS; i++)
		if (strcmp(conf_keys[i].section, section) == 0)
			return true;
	return false;
}

struct conf *conf_defaults(void)
{
	struct conf *c = calloc(1, sizeof(*c));
	struct buf err = BUF_INIT;

	if (!c)
		return NULL;
	for (size_t i = 0; i < CONF_NKEYS; i++) {
		if (conf_set(c, &conf_keys[i], conf_keys[i].def, "defaults", &err) < 0) {
			buf_release(&err);
			conf_free(c);
			return NULL;
		}
	}
	buf_release(&err);
	return c;
}

static void conf_oidc_free(struct conf_oidc *o)
{
	free(o->display_name);
	free(o->issuer);
	free(o->client_id);
	free(o->client_secret);
	free(o->scopes);
}

void conf_free(struct conf *c)
{
	if (!c)
		return;
	for (int i = 0; i < c->n_oidc; i++)
		conf_oidc_free(&c->oidc[i]);
	for (size_t i = 0; i < CONF_NKEYS; i++)
		if (conf_keys[i].type == CONF_STR)
			free(*conf_str_field(c, &conf_keys[i]));
	free(c->path);
	free(c);
}

/* --- [oidc.NAME] sections */

static bool conf_oidc_name_valid(const char *n)
{
	size_t len = strlen(n);

	if (len < 1 || len > CONF_OIDC_NAME_MAX)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!islower((unsigned char)n[i]) && !isdigit((unsigned char)n[i]) && n[i] != '_' && n[i] != '-')
			return false;
	return true;
}

/* The provider of section [oidc.NAME], added on first sight; NULL with a
 * message when the name is not valid or there are too many. */
static struct conf_oidc *conf_oidc_section(struct conf *c, const char *name, const char *origin,
					   struct buf *err)
{
	struct conf_oidc *o;

	if (!conf_oidc_name_valid(name) || strcmp(name, "signup") == 0 || strcmp(name, "callback") == 0) {
		buf_printf(err, "%s: [oidc.%s]: a provider name is 1 to %d of a-z, 0-9, _ and - (not signup or callback)",
			   origin, name, CONF_OIDC_NAME_MAX);
		return NULL;
	}
	for (int i = 0; i < c->n_oidc; i++)
		if (strcmp(c->oidc[i].name, name) == 0)
			return &c->oidc[i];
	if (c->n_oidc == CONF_OIDC_MAX) {
		buf_printf(err, "%s: at most %d [oidc.NAME] sections", origin, CONF_OIDC_MAX);
		return NULL;
	}
	o = &c->oidc[c->n_oidc++];
	memset(o, 0, sizeof(*o));
	memcpy(o->name, name, strlen(name) + 1);
	return o;
}

static int conf_oidc_set(struct conf_oidc *o, const char *key, const char *value, const char *origin,
			 struct buf *err)
{
	char **field = NULL, *copy;

	if (!o)
		return -1;
	if (strcmp(key, "display_name") == 0)
		field = &o->display_name;
	else if (strcmp(key, "issuer") == 0)
		field = &o->issuer;
	else if (strcmp(key, "client_id") == 0)
		field = &o->client_id;
	else if (strcmp(key, "client_secret") == 0)
		field = &o->client_secret;
	else if (strcmp(key, "scopes") == 0)
		field = &o->scopes;
	if (!field) {
		buf_printf(err, "%s: unknown key %s in [oidc.%s]", origin, key, o->name);
		return -1;
	}
	copy = strdup(value);
	if (!copy)
		return -1;
	free(*field);
	*field = copy;
	return 0;
}

/* http:// is only for a provider on this machine (development, tests). */
static bool conf_oidc_issuer_valid(const char *iss)
{
	static const char *const loopback[] = { "http://127.0.0.1", "http://localhost", "http://[::1]" };

	if (strncmp(iss, "https://", 8) == 0)
		return iss[8] != '\0' && !strchr(iss, '?') && !strchr(iss, '#');
	for (size_t i = 0; i < sizeof(loopback) / sizeof(loopback[0]); i++) {
		size_t n = strlen(loopback[i]);

		if (strncmp(iss, loopback[i], n) == 0 && (iss[n] == ':' || iss[n] == '/' || iss[n] == '\0'))
			return !strchr(iss, '?') && !strchr(iss, '#');
	}
	return false;
}

static bool conf_has_word(const char *list, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = list; (p = strstr(p, word)); p += n)
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
			return true;
	return false;
}

/* BEAUBELLE_OIDC_<NAME>_CLIENT_SECRET keeps the secret out of the file. */
static int conf_oidc_env(struct conf *c)
{
	for (int i = 0; i < c->n_oidc; i++) {
		struct conf_oidc *o = &c->oidc[i];
		char name[96];
		const char *v;
		size_t n = (size_t)snprintf(name, sizeof(name), "BEAUBELLE_OIDC_%s_CLIENT_SECRET", o->name);

		for (size_t j = 0; j < n && j < sizeof(name); j++)
			name[j] = name[j] == '-' ? '_' : (char)toupper((unsigned char)name[j]);
		v = getenv(name);
		if (v && conf_oidc_set(o, "client_secret", v, name, NULL) < 0)
			return -1;
	}
	return 0;
}

static int conf_oidc_validate(struct conf *c, struct buf *err)
{
	for (int i = 0; i < c->n_oidc; i++) {
		struct conf_oidc *o = &c->oidc[i];

		if (!o->issuer || !conf_oidc_issuer_valid(o->issuer)) {
			buf_printf(err, "[oidc.%s] issuer must be an https:// URL (http:// only on 127.0.0.1 or localhost)",
				   o->name);
			return -1;
		}
		if (!o->client_id || !o->client_id[0] || !o->client_secret || !o->client_secret[0]) {
			buf_printf(err, "[oidc.%s] needs client_id and client_secret", o->name);
			return -1;
		}
		if ((!o->display_name && !(o->display_name = strdup(o->name))) ||
		    (!o->scopes && !(o->scopes = strdup("openid profile email"))))
			return -1;
		if (!conf_has_word(o->scopes, "openid")) {
			buf_printf(err, "[oidc.%s] scopes must include openid", o->name);
			return -1;
		}
	}
	return 0;
}

static char *conf_trim(char *s, char *end)
{
	while (s < end && isspace((unsigned char)*s))
		s++;
	while (end > s && isspace((unsigned char)end[-1]))
		end--;
	*end = '\0';
	return s;
}

/*
 * INI: [section] headers, key = value lines, ; or # comments on their own
 * line. A value may be double-quoted to keep leading or trailing spaces or
 * a # character. Unknown sections and keys are errors: a typo must not be
 * silently ignored. [oidc.NAME] sections each describe one provider.
 */
int conf_parse_ini(struct conf *c, const char *name, const char *text, size_t len, struct buf *err)
{
	char section[64] = "";
	char line[CONF_MAX_LINE + 1];
	size_t pos = 0;
	int lineno = 0;

	if (len > CONF_MAX_FILE) {
		buf_printf(err, "%s: file too large", name);
		return -1;
	}
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;
		char *s, *eq, *key, *value, origin[256];
		const struct conf_key *k;

		lineno++;
		if (n > CONF_MAX_LINE) {
			buf_printf(err, "%s:%d: line too long", name, lineno);
			return -1;
		}
		memcpy(line, text + pos, n);
		line[n] = '\0';
		pos += n + (nl ? 1 : 0);
		if (memchr(line, '\0', n)) {
			buf_printf(err, "%s:%d: NUL byte", name, lineno);
			return -1;
		}
		s = conf_trim(line, line + n);
		if (*s == '\0' || *s == ';' || *s == '#')
			continue;
		if (*s == '[') {
			size_t sl = strlen(s);

			if (s[sl - 1] != ']' || sl - 2 >= sizeof(section) || sl < 3) {
				buf_printf(err, "%s:%d: bad section header", name, lineno);
				return -1;
			}
			memcpy(section, s + 1, sl - 2);
			section[sl - 2] = '\0';
			if (strncmp(section, "oidc.", 5) == 0) {
				snprintf(origin, sizeof(origin), "%s:%d", name, lineno);
				if (!conf_oidc_section(c, section + 5, origin, err))
					return -1;
				continue;
			}
			if (!conf_find_section(section)) {
				buf_printf(err, "%s:%d: unknown section [%s]", name, lineno, section);
				return -1;
			}
			continue;
		}
		eq = strchr(s, '=');
		if (!eq || !section[0]) {
			buf_printf(err, "%s:%d: expected key = value inside a [section]", name, lineno);
			return -1;
		}
		key = conf_trim(s, eq);
		value = conf_trim(eq + 1, eq + 1 + strlen(eq + 1));
		if (value[0] == '"') {
			size_t vl = strlen(value);

			if (vl < 2 || value[vl - 1] != '"') {
				buf_printf(err, "%s:%d: unterminated quoted value", name, lineno);
				return -1;
			}
			value[vl - 1] = '\0';
			value++;
		}
		snprintf(origin, sizeof(origin), "%s:%d", name, lineno);
		if (strncmp(section, "oidc.", 5) == 0) {
			if (conf_oidc_set(conf_oidc_section(c, section + 5, origin, err), key, value, origin,
					  err) < 0)
				return -1;
			continue;
		}
		k = conf_find(section, key);
		if (!k) {
			buf_printf(err, "%s:%d: unknown key %s in [%s]", name, lineno, key, section);
			return -1;
		}
		if (conf_set(c, k, value, origin, err) < 0)
			return -1;
	}
	return 0;
}

/*
 * BEAUBELLE_<SECTION>_<KEY> overrides the file, e.g. BEAUBELLE_SERVER_WORKERS=4
 * or BEAUBELLE_MYSQL_PASSWORD, so secrets can stay out of the file.
 */
static int conf_apply_env(struct conf *c, struct buf *err)
{
	for (size_t i = 0; i < CONF_NKEYS; i++) {
		const struct conf_key *k = &conf_keys[i];
		char name[128];
		const char *v;
		size_t n;

		n = (size_t)snprintf(name, sizeof(name), "BEAUBELLE_%s_%s", k->section, k->key);
		for (size_t j = 0; j < n && j < sizeof(name); j++)
			name[j] = (char)toupper((unsigned char)name[j]);
		v = getenv(name);
		if (v && conf_set(c, k, v, name, err) < 0)
			return -1;
	}
	return 0;
}

static int conf_read_file(const char *path, struct buf *out, struct buf *err)
{
	if (buf_read_file(out, path, CONF_MAX_FILE) == 0)
		return 0;
	buf_printf(err, "%s: %s", path, errno == EFBIG ? "file too large" : strerror(errno));
	return -1;
}

/* "WIDTHxHEIGHT" with both between 64 and 4096. */
static int conf_size_valid(const char *s)
{
	char *end;
	long w, h;

	errno = 0;
	w = strtol(s, &end, 10);
	if (errno || end == s || *end != 'x')
		return -1;
	s = end + 1;
	h = strtol(s, &end, 10);
	if (errno || end == s || *end != '\0')
		return -1;
	return w >= 64 && w <= 4096 && h >= 64 && h <= 4096 ? 0 : -1;
}

/* image_listen = auto: beaubelle-images.sock in the folder of a unix
 * listen socket; none beside a TCP one, whose port is the operator's to
 * choose. */
static int conf_image_listen_auto(struct conf *c)
{
	const char *slash = strrchr(c->listen, '/');
	const char *name = "beaubelle-images.sock";
	size_t dir = slash ? (size_t)(slash - c->listen) + 1 : 0;
	char *path;

	if (strcmp(c->image_listen, "auto") != 0)
		return 0;
	path = malloc(slash ? dir + strlen(name) + 1 : 1);
	if (!path)
		return -1;
	path[0] = '\0';
	if (slash) {
		memcpy(path, c->listen, dir);
		memcpy(path + dir, name, strlen(name) + 1);
	}
	free(c->image_listen);
	c->image_listen = path;
	return 0;
}

int conf_validate(struct conf *c, struct buf *err)
{
	size_t n = strlen(c->base_url);

	if (strncmp(c->base_url, "http://", 7) != 0 && strncmp(c->base_url, "https://", 8) != 0) {
		buf_printf(err, "[server] base_url must start with http:// or https://");
		return -1;
	}
	if (n > 0 && c->base_url[n - 1] == '/')
		c->base_url[n - 1] = '\0';
	c->secure = strncmp(c->base_url, "https://", 8) == 0;
	if (strcmp(c->default_language, "ja") != 0 && strcmp(c->default_language, "en") != 0) {
		buf_printf(err, "[server] default_language must be ja or en");
		return -1;
	}
	if (strcmp(c->log_level, "error") && strcmp(c->log_level, "warn") &&
	    strcmp(c->log_level, "info") && strcmp(c->log_level, "debug")) {
		buf_printf(err, "[server] log_level must be error, warn, info or debug");
		return -1;
	}
	if (strcmp(c->moderation_mode, "off") != 0 && strcmp(c->moderation_mode, "builtin") != 0 &&
	    strcmp(c->moderation_mode, "remote") != 0) {
		buf_printf(err, "[moderation] mode must be off, builtin or remote");
		return -1;
	}
	if (c->gen_url[0] && strncmp(c->gen_url, "http://", 7) != 0 && strncmp(c->gen_url, "https://", 8) != 0) {
		buf_printf(err, "[generation] url must be empty or an http:// or https:// URL");
		return -1;
	}
	if (conf_size_valid(c->gen_size) < 0) {
		buf_printf(err, "[generation] size must be WIDTHxHEIGHT, like 1024x1024");
		return -1;
	}
	if (strcmp(c->gen_negative_prompt, "text") != 0 && strcmp(c->gen_negative_prompt, "localai") != 0 &&
	    strcmp(c->gen_negative_prompt, "off") != 0) {
		buf_printf(err, "[generation] negative_prompt must be text, localai or off");
		return -1;
	}
	if (strcmp(c->moderation_mode, "remote") == 0 && strncmp(c->mod_remote_url, "http://", 7) != 0 &&
	    strncmp(c->mod_remote_url, "https://", 8) != 0) {
		buf_printf(err, "[moderation] mode = remote needs remote_url, an http:// or https:// URL");
		return -1;
	}
	if (strcmp(c->media_backend, "local") != 0 && strcmp(c->media_backend, "s3") != 0) {
		buf_printf(err, "[media] backend must be local or s3");
		return -1;
	}
	if (strcmp(c->media_backend, "s3") == 0 &&
	    ((strncmp(c->s3_endpoint, "http://", 7) != 0 && strncmp(c->s3_endpoint, "https://", 8) != 0) ||
	     !c->s3_bucket[0] || strpbrk(c->s3_bucket, "/?# "))) {
		buf_printf(err, "[media] backend = s3 needs [s3] endpoint (an http:// or https:// URL) and bucket");
		return -1;
	}
	if (!c->listen[0]) {
		buf_printf(err, "[server] listen must not be empty");
		return -1;
	}
	if (conf_image_listen_auto(c) < 0) {
		buf_printf(err, "out of memory");
		return -1;
	}
	if (!c->mysql_database[0] || !c->mysql_user[0]) {
		buf_printf(err, "[mysql] user and database must not be empty");
		return -1;
	}
	if (c->max_upload_bytes < c->max_body_bytes) {
		buf_printf(err, "[limits] max_upload_bytes must be at least max_body_bytes");
		return -1;
	}
	return conf_oidc_validate(c, err);
}

struct conf *conf_load(const char *path, struct buf *err)
{
	struct conf *c = conf_defaults();
	struct buf text = BUF_INIT;

	if (!c) {
		buf_puts(err, "out of memory");
		return NULL;
	}
	if (!path || !path[0])
		path = getenv("BEAUBELLE_CONFIG");
	if (path && path[0]) {
		c->path = strdup(path);
		if (!c->path || conf_read_file(path, &text, err) < 0 ||
		    conf_parse_ini(c, path, text.ptr ? text.ptr : "", text.len, err) < 0)
			goto fail;
	}
	if (conf_apply_env(c, err) < 0 || conf_oidc_env(c) < 0 || conf_validate(c, err) < 0)
		goto fail;
	buf_release(&text);
	return c;
fail:
	buf_release(&text);
	conf_free(c);
	return NULL;
}

int conf_value(const struct conf *c, const char *section, const char *key, struct buf *out)
{
	const struct conf_key *k = conf_find(section, key);
	const char *p = k ? (const char *)c + k->offset : NULL;

	if (!k)
		return -1;
	switch (k->type) {
	case CONF_STR:
		return buf_puts(out, *(char *const *)p ? *(char *const *)p : "");
	case CONF_SIZE:
		return buf_printf(out, "%zu", *(const size_t *)p);
	case CONF_MODE:
		return buf_printf(out, "%04o", *(const int *)p);
	default:
		return buf_printf(out, "%d", *(const int *)p);
	}
}

int conf_write_defaults(struct buf *out)
{
	const char *section = "";

	buf_puts(out, "; beaubelle.conf: every key with its default. Each can also be set\n"
		      "; in the environment as BEAUBELLE_<SECTION>_<KEY>.\n");
	for (size_t i = 0; i < CONF_NKEYS; i++) {
		const struct conf_key *k = &conf_keys[i];

		if (strcmp(section, k->section) != 0) {
			section = k->section;
			buf_printf(out, "\n[%s]\n", section);
		}
		buf_printf(out, "; %s\n%s = %s\n", k->doc, k->key, k->def);
	}
	buf_puts(out, "\n; One section per OpenID Connect provider people may log in with (README:\n"
		      "; \"Log in with an OpenID Connect provider\"); NAME is a-z, 0-9, _ and -.\n"
		      "; [oidc.NAME]\n; display_name = Example ID\n; issuer = https://id.example.com\n"
		      "; client_id = beaubelle\n; client_secret = (or BEAUBELLE_OIDC_NAME_CLIENT_SECRET)\n"
		      "; scopes = openid profile email\n");
	return out->len > 0 ? 0 : -1;
}
