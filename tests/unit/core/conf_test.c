#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/conf.h"
#include "tap.h"

static int parse(struct conf *c, const char *text, struct buf *err)
{
	buf_clear(err);
	return conf_parse_ini(c, "test.conf", text, strlen(text), err);
}

/* A fresh conf with text parsed and validated: 0, or -1 with err. */
static int load(const char *text, struct conf **out, struct buf *err)
{
	struct conf *c = conf_defaults();
	int rc = parse(c, text, err);

	if (rc == 0)
		rc = conf_validate(c, err);
	*out = c;
	return rc;
}

#define PROVIDER "[oidc.corp-id]\nissuer = https://id.example.com/realms/a\nclient_id = bb\nclient_secret = s3cret\n"

static void test_oidc(void)
{
	struct buf err = BUF_INIT;
	struct conf *c;
	char many[2048] = "";

	ok(load(PROVIDER "display_name = Corp ID\n[oidc.dev]\nissuer = http://127.0.0.1:9000\nclient_id = x\n"
		"client_secret = y\nscopes = openid email\n", &c, &err) == 0 && c->n_oidc == 2,
	   "two providers are read: %s", err.ptr ? err.ptr : "");
	ok(strcmp(c->oidc[0].name, "corp-id") == 0 && strcmp(c->oidc[0].display_name, "Corp ID") == 0 &&
		   strcmp(c->oidc[0].scopes, "openid profile email") == 0 && strcmp(c->oidc[1].display_name, "dev") == 0,
	   "names, display names and default scopes");
	conf_free(c);
	ok(load("[oidc.a]\nissuer = http://id.example.com\nclient_id = x\nclient_secret = y\n", &c, &err) < 0 &&
		   strstr(err.ptr, "issuer"), "a plain http issuer off this machine is refused");
	conf_free(c);
	ok(load("[oidc.a]\nissuer = http://127.0.0.1.evil.example\nclient_id = x\nclient_secret = y\n", &c, &err) < 0,
	   "a host that only starts like 127.0.0.1 is refused");
	conf_free(c);
	ok(load("[oidc.a]\nissuer = https://id.example.com\nclient_id = x\n", &c, &err) < 0 &&
		   strstr(err.ptr, "client_secret"), "a provider needs a client secret");
	conf_free(c);
	ok(load(PROVIDER "scopes = profile email\n", &c, &err) < 0 && strstr(err.ptr, "openid"),
	   "scopes without openid are refused");
	conf_free(c);
	ok(load("[oidc.Bad Name]\n", &c, &err) < 0 && strstr(err.ptr, "provider name"), "a bad name is refused");
	conf_free(c);
	ok(load("[oidc.signup]\n", &c, &err) < 0, "a name that is a route is refused");
	conf_free(c);
	ok(load(PROVIDER "secret = x\n", &c, &err) < 0 && strstr(err.ptr, "secret"), "unknown keys are refused");
	conf_free(c);
	{
		char path[] = "/tmp/bb-conf-test-XXXXXX";
		int fd = mkstemp(path);
		const char *text = "[oidc.corp-id]\nissuer = https://id.example.com\nclient_id = bb\n";

		ok(fd >= 0 && write(fd, text, strlen(text)) == (ssize_t)strlen(text), "temp config written");
		setenv("BEAUBELLE_OIDC_CORP_ID_CLIENT_SECRET", "from-env", 1);
		buf_clear(&err);
		c = conf_load(path, &err);
		ok(c && strcmp(c->oidc[0].client_secret, "from-env") == 0,
		   "BEAUBELLE_OIDC_<NAME>_CLIENT_SECRET gives the secret: %s", err.ptr ? err.ptr : "");
		unsetenv("BEAUBELLE_OIDC_CORP_ID_CLIENT_SECRET");
		conf_free(c);
		if (fd >= 0)
			close(fd);
		unlink(path);
	}
	for (int i = 0; i <= CONF_OIDC_MAX; i++)
		snprintf(many + strlen(many), sizeof(many) - strlen(many), "[oidc.p%d]\n", i);
	ok(load(many, &c, &err) < 0 && strstr(err.ptr, "at most"), "too many providers are refused");
	conf_free(c);
	buf_release(&err);
}

static void test_image_listen(void)
{
	struct buf err = BUF_INIT;
	struct conf *c;

	ok(load("[server]\nlisten = /run/bb/pool.sock\n", &c, &err) == 0, "a unix listen socket");
	is_str(c->image_listen, "/run/bb/beaubelle-images.sock", "image_listen auto: the image socket beside it");
	conf_free(c);
	ok(load("[server]\nlisten = 127.0.0.1:9000\n", &c, &err) == 0, "a TCP listen socket");
	is_str(c->image_listen, "", "image_listen auto: no image workers (their port is the operator's choice)");
	conf_free(c);
	ok(load("[server]\nlisten = 127.0.0.1:9000\nimage_listen = 127.0.0.1:9001\n", &c, &err) == 0, "a set image_listen");
	is_str(c->image_listen, "127.0.0.1:9001", "is kept as it is");
	conf_free(c);
	buf_release(&err);
}

int main(void)
{
	struct conf *c = conf_defaults();
	struct buf err = BUF_INIT, out = BUF_INIT;

	ok(c != NULL, "defaults load");
	test_image_listen();
	is_int(c->max_upload_bytes, 16 * 1024 * 1024, "size default 16M parsed");
	is_int(c->socket_mode, 0660, "mode default is octal");
	ok(parse(c, "; comment\n[server]\nworkers = 3\nbase_url = \"https://example.org/\"\n\n[limits]\nmax_body_bytes=128K\n", &err) == 0,
	   "a valid file parses");
	is_int(c->workers, 3, "integer set");
	is_int(c->max_body_bytes, 128 * 1024, "size with suffix set");
	ok(conf_validate(c, &err) == 0 && c->secure, "https base_url marks the site secure");
	is_str(c->base_url, "https://example.org", "trailing slash of base_url dropped");

	ok(parse(c, "[server]\nworkerz = 3\n", &err) < 0, "unknown key refused");
	ok(strstr(err.ptr, "test.conf:2") && strstr(err.ptr, "workerz"), "message names file, line and key: %s", err.ptr);
	ok(parse(c, "[servre]\n", &err) < 0 && strstr(err.ptr, "servre"), "unknown section refused");
	ok(parse(c, "[server]\nworkers = many\n", &err) < 0 && strstr(err.ptr, "workers"), "bad integer refused");
	ok(parse(c, "[server]\nworkers = 100000\n", &err) < 0 && strstr(err.ptr, "out of range"), "out of range refused");
	ok(parse(c, "[limits]\nmax_body_bytes = 12Q\n", &err) < 0, "bad size suffix refused");
	ok(parse(c, "workers = 1\n", &err) < 0, "key outside a section refused");
	ok(parse(c, "[oidc.keycloak]\nissuer = https://id.example\nclient_id = x\nclient_secret = y\n", &err) == 0, "oidc sections accepted");
	test_oidc();

	/* [generation]: off by default, checked when set. */
	ok(c->gen_url[0] == '\0' && c->gen_max_images == 4, "generation is off by default, up to 4 images");
	ok(parse(c, "[generation]\nurl = http://127.0.0.1:8080\nsize = 768x1024\nmax_images = 2\n", &err) == 0 &&
		   conf_validate(c, &err) == 0, "a generation section parses and validates");
	ok(parse(c, "[generation]\nmax_images = 5\n", &err) < 0, "more than 4 images refused");
	ok(parse(c, "[generation]\nsize = large\n", &err) == 0 && conf_validate(c, &err) < 0 && strstr(err.ptr, "size"),
	   "a size that is not WxH refused at validation");
	ok(parse(c, "[generation]\nsize = 1024x1024\nurl = file:///etc/passwd\n", &err) == 0 && conf_validate(c, &err) < 0 &&
		   strstr(err.ptr, "[generation] url"), "a url that is not http(s) refused");
	ok(parse(c, "[generation]\nurl = \nnegative_prompt = pipe\n", &err) == 0 && conf_validate(c, &err) < 0 &&
		   strstr(err.ptr, "negative_prompt"), "negative_prompt must be text, localai or off");
	ok(parse(c, "[generation]\nnegative_prompt = text\n", &err) == 0 && conf_validate(c, &err) == 0, "and back to valid");

	setenv("BEAUBELLE_SERVER_WORKERS", "7", 1);
	conf_free(c);
	buf_clear(&err);
	c = conf_load(NULL, &err);
	ok(c && c->workers == 7, "environment overrides the defaults");
	setenv("BEAUBELLE_SERVER_BASE_URL", "ftp://nope", 1);
	conf_free(c);
	buf_clear(&err);
	c = conf_load(NULL, &err);
	ok(!c && strstr(err.ptr, "base_url"), "validation names the bad key: %s", err.ptr ? err.ptr : "");
	unsetenv("BEAUBELLE_SERVER_BASE_URL");
	unsetenv("BEAUBELLE_SERVER_WORKERS");

	ok(conf_write_defaults(&out) == 0 && strstr(out.ptr, "[mysql]") && strstr(out.ptr, "max_upload_bytes = 16M"),
	   "documented defaults printed");
	conf_free(c);
	buf_release(&err);
	buf_release(&out);
	return done_testing();
}
