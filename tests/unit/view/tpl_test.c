/*
 * The template engine beyond the Mustache spec: escaping, translation
 * sections, start-up checks, error messages, limits, loading a folder and
 * the render command.
 */
#include <fcntl.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/buf.h"
#include "tap.h"
#include "view/escape.h"
#include "view/render_cmd.h"
#include "view/tpl.h"

#include "core/banned.h"

/* Render src (added as "t" to a fresh set, with optional partials given
 * as name, source pairs) against the JSON text data. */
static char *render_with(const char *src, const char *data, const struct tpl_render_opts *opts,
			 const char *const *partials)
{
	struct tpl_set *set = tpl_set_new();
	struct json_object *ctx = json_tokener_parse(data);
	struct buf out = BUF_INIT, err = BUF_INIT;
	char *res = NULL;

	for (size_t i = 0; partials && partials[i]; i += 2) {
		if (tpl_set_add(set, partials[i], partials[i + 1], strlen(partials[i + 1]), &err) < 0)
			goto out;
	}
	if (tpl_set_add(set, "t", src, strlen(src), &err) == 0 &&
	    tpl_render(set, "t", ctx, opts, &out) == 0 && buf_append(&out, "", 0) == 0)
		res = buf_detach(&out, NULL);
out:
	if (err.len)
		printf("# %s\n", err.ptr);
	buf_release(&out);
	buf_release(&err);
	json_object_put(ctx);
	tpl_set_free(set);
	return res;
}

static void check_render(const char *src, const char *data, const char *want, const char *what)
{
	char *got = render_with(src, data, NULL, NULL);

	is_str(got, want, "%s", what);
	free(got);
}

/* The error text tpl_set_add gives for src, added under name. */
static char *add_error(const char *name, const char *src)
{
	struct tpl_set *set = tpl_set_new();
	struct buf err = BUF_INIT;
	char *res;

	if (tpl_set_add(set, name, src, strlen(src), &err) == 0)
		buf_puts(&err, "(accepted)");
	res = buf_detach(&err, NULL);
	tpl_set_free(set);
	return res;
}

static void test_escaping(void)
{
	struct buf b = BUF_INIT;

	ok(escape_html(&b, "<a href=\"x\">Tom & Jerry's</a>", 29) == 0, "escape_html succeeds");
	is_str(b.ptr, "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;",
	       "escape_html escapes & < > \" and ' (as &#39;)");
	buf_clear(&b);
	escape_html(&b, "caf\xc3\xa9 \xe7\xbe\x8e", 9);
	is_str(b.ptr, "caf\xc3\xa9 \xe7\xbe\x8e", "escape_html leaves UTF-8 alone");
	buf_release(&b);

	check_render("{{x}}", "{\"x\": \"<script>alert('hi') & \\\"bye\\\"</script>\"}",
		     "&lt;script&gt;alert(&#39;hi&#39;) &amp; &quot;bye&quot;&lt;/script&gt;",
		     "{{x}} is HTML-escaped, quotes included");
	check_render("{{{x}}}|{{&x}}", "{\"x\": \"<b>'</b>\"}", "<b>'</b>|<b>'</b>",
		     "{{{x}}} and {{&x}} are raw");
	check_render("{{#a}}[{{.}}]{{/a}}", "{\"a\": [\"<\", \"'\"]}", "[&lt;][&#39;]",
		     "the implicit iterator is escaped too");
}

static void test_values(void)
{
	check_render("{{a}} {{b}} {{c}} {{d}} {{e}} {{f}}",
		     "{\"a\": 0, \"b\": -12, \"c\": 0.5, \"d\": 18446744073709551615, \"e\": true, "
		     "\"f\": 1e21}",
		     "0 -12 0.5 18446744073709551615 true 1e+21", "numbers and booleans print plainly");
	check_render("[{{o}}][{{l}}]", "{\"o\": {\"k\": 1}, \"l\": [1, 2]}", "[][]",
		     "objects and arrays interpolate as nothing");
	check_render("{{#s}}S{{/s}}{{^s}}no s{{/s}} {{^z}}no z{{/z}}{{#f}}{{f}}{{/f}}{{#one}}{{one}}{{/one}}",
		     "{\"s\": \"\", \"z\": 0, \"f\": 0.0, \"one\": 1}", "no s no z1",
		     "the empty string and 0 are falsey, other numbers truthy");
	check_render("{{#a}}{{b}}{{/a}}", "{\"a\": {\"b\": null}, \"b\": \"outer\"}", "",
		     "a null found nearer hides the same name further down");
}

struct tr_calls {
	int calls;
	char last[256];
	const char *answer; /* NULL: no translation */
	struct buf fresh;   /* answers are copied here so the pointer changes */
};

static const char *tr_fn(void *ud, const char *msgid, size_t len, size_t *out_len)
{
	struct tr_calls *c = ud;

	c->calls++;
	snprintf(c->last, sizeof(c->last), "%.*s", (int)len, msgid);
	if (!c->answer)
		return NULL;
	/* A new buffer each call: the cache must not depend on addresses. */
	buf_release(&c->fresh);
	buf_puts(&c->fresh, c->answer);
	*out_len = c->fresh.len;
	return c->fresh.ptr;
}

static void test_translation(void)
{
	const char *src = "<p>{{#_}}\n  Hello,\n\t {{name}}!  \n{{/_}}</p>";
	struct tr_calls c = { 0 };
	struct tpl_render_opts opts = { tr_fn, &c };
	struct json_object *ctx = json_tokener_parse("{\"name\": \"<Ann>\"}");
	struct tpl_set *set = tpl_set_new();
	struct buf out = BUF_INIT, err = BUF_INIT;
	struct tpl_stats stats;
	char *got;

	ok(tpl_set_add(set, "t", src, strlen(src), &err) == 0, "a translation section compiles");
	c.answer = "Bonjour, {{name}} !";
	tpl_render(set, "t", ctx, &opts, &out);
	is_str(c.last, "Hello, {{name}}!", "the callback gets the msgid, whitespace normalized");
	is_str(out.ptr, "<p>Bonjour, &lt;Ann&gt; !</p>",
	       "the translation is rendered with the context, escaped");
	for (int i = 0; i < 3; i++) {
		buf_clear(&out);
		tpl_render(set, "t", ctx, &opts, &out);
	}
	tpl_set_stats(set, &stats);
	is_int(stats.translations_compiled, 1, "a translated string is compiled once");
	is_int(stats.translation_hits, 3, "later renders use the cached compilation");
	is_int(c.calls, 4, "the catalog is asked at every render");
	is_str(out.ptr, "<p>Bonjour, &lt;Ann&gt; !</p>", "the cached translation renders the same");

	buf_clear(&out);
	tpl_render(set, "t", ctx, NULL, &out);
	is_str(out.ptr, "<p>Hello, &lt;Ann&gt;!</p>", "without a callback the msgid is rendered");
	c.answer = NULL;
	buf_clear(&out);
	tpl_render(set, "t", ctx, &opts, &out);
	is_str(out.ptr, "<p>Hello, &lt;Ann&gt;!</p>", "a NULL translation renders the msgid");
	c.answer = "Broken {{#name}}";
	buf_clear(&out);
	tpl_render(set, "t", ctx, &opts, &out);
	is_str(out.ptr, "<p>Hello, &lt;Ann&gt;!</p>", "a translation that does not compile falls back");
	tpl_render(set, "t", ctx, &opts, &out);
	tpl_set_stats(set, &stats);
	is_int(stats.translation_errors, 1, "a bad translation is compiled once too");

	got = render_with("{{#items}}{{#_}}{{n}} item{{/_}},{{/items}}", "{\"items\":[{\"n\":1},{\"n\":2}]}",
			  NULL, NULL);
	is_str(got, "1 item,2 item,", "a translation sees the section's context");
	free(got);

	got = add_error("nest", "{{#_}}a {{#_}}b{{/_}}{{/_}}");
	is_str(got, "nest:1: translation sections cannot nest", "nested {{#_}} is a parse error");
	free(got);
	got = add_error("tp", "{{#_}}\nsee {{>p}}{{/_}}");
	is_str(got, "tp:2: '{{>p}}' is not allowed in a translation section",
	       "partials are refused inside a translation");
	free(got);
	got = add_error("empty", "{{#_}}  {{/_}}");
	is_str(got, "empty:1: empty translation section", "an empty msgid is refused");
	free(got);

	buf_release(&out);
	buf_release(&err);
	buf_release(&c.fresh);
	json_object_put(ctx);
	tpl_set_free(set);
}

static void collect_msgid(void *ud, const char *msgid, size_t len, const char *tmpl)
{
	buf_printf(ud, "%s:%.*s|", tmpl, (int)len, msgid);
}

static void test_msgids(void)
{
	struct tpl_set *set = tpl_set_new();
	struct buf err = BUF_INIT, got = BUF_INIT;
	const char *a = "{{#_}}Sign in{{/_}} {{#user}}{{#_}}Hi {{name}}{{/_}}{{/user}}";
	const char *b = "{{<a}}{{$x}}{{#_}}Deep\n  inside{{/_}}{{/x}}{{/a}}";

	tpl_set_add(set, "a", a, strlen(a), &err);
	tpl_set_add(set, "b", b, strlen(b), &err);
	tpl_set_msgids(set, collect_msgid, &got);
	is_str(got.ptr, "a:Sign in|a:Hi {{name}}|b:Deep inside|",
	       "tpl_set_msgids lists every msgid with its template, nested ones too");
	buf_release(&err);
	buf_release(&got);
	tpl_set_free(set);
}

static void test_check(void)
{
	struct tpl_set *set = tpl_set_new();
	struct buf err = BUF_INIT;
	const char *page = "{{<layout}}\n{{$body}}\n{{>header}}\n{{/body}}\n{{/layout}}\n";
	const char *orphan = "x\n{{#a}}{{>nope}}{{/a}}\n{{<gone}}{{/gone}}";

	tpl_set_add(set, "page", page, strlen(page), &err);
	tpl_set_add(set, "layout", "<main>{{$body}}{{/body}}</main>", 31, &err);
	tpl_set_add(set, "header", "<h1>hi</h1>", 11, &err);
	ok(tpl_set_check(set, &err) == 0 && err.len == 0, "a complete set passes the check");
	ok(tpl_set_has(set, "layout") && !tpl_set_has(set, "nope"), "tpl_set_has");
	tpl_set_add(set, "orphan", orphan, strlen(orphan), &err);
	ok(tpl_set_check(set, &err) < 0, "a missing partial or parent fails the check");
	is_str(err.ptr, "orphan:2: missing partial 'nope'\norphan:3: missing parent 'gone'",
	       "the check names template, line and the missing partial and parent");
	buf_clear(&err);
	ok(tpl_set_add(set, "page", "x", 1, &err) < 0, "a duplicate name is refused");
	is_str(err.ptr, "page: template already defined", "and says so");
	buf_clear(&err);
	{
		struct buf out = BUF_INIT;

		buf_puts(&out, "kept");
		ok(tpl_render(set, "missing", NULL, NULL, &out) < 0, "rendering an unknown name fails");
		is_str(out.ptr, "kept", "and leaves the output alone");
		buf_release(&out);
	}
	buf_release(&err);
	tpl_set_free(set);
}

static void test_syntax_errors(void)
{
	static const struct {
		const char *src, *want, *what;
	} cases[] = {
		{ "ok\n{{#a}}\n{{b}}\n", "t:2: unclosed section '{{#a}}'", "unclosed section" },
		{ "{{#a}}\n{{^b}}\n{{/a}}", "t:3: close tag '{{/a}}' does not match '{{^b}}' opened on line 2",
		  "mismatched close tag" },
		{ "a\nb {{/a}}", "t:2: close tag '{{/a}}' without an open section", "stray close tag" },
		{ "line\nline\nHello {{name", "t:3: unclosed tag: no '}}' after '{{'", "unclosed tag" },
		{ "{{{x}}", "t:1: unclosed tag: no '}}}' after '{{'", "unclosed triple mustache" },
		{ "{{}}", "t:1: empty tag name", "empty tag" },
		{ "{{a b}}", "t:1: tag name 'a b' contains whitespace", "name with a space" },
		{ "{{a..b}}", "t:1: bad name 'a..b'", "empty dotted segment" },
		{ "{{=<%>=}}", "t:1: bad set delimiters tag: want two delimiters of 1 to 16 characters "
				"without '=' or spaces", "bad delimiters" },
		{ "{{=<% %>=}}\n<%#a%>\n<%/b%>",
		  "t:3: close tag '<%/b%>' does not match '<%#a%>' opened on line 2",
		  "errors quote tags with the delimiters in force" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = add_error("t", cases[i].src);

		is_str(got, cases[i].want, "syntax error: %s", cases[i].what);
		free(got);
	}
	{
		struct buf big = BUF_INIT;
		char *got;

		buf_grow(&big, TPL_MAX_SIZE + 1);
		memset(big.ptr, 'x', TPL_MAX_SIZE + 1);
		big.len = TPL_MAX_SIZE + 1;
		big.ptr[big.len] = '\0';
		got = add_error("big", big.ptr);
		is_str(got, "big:1: template larger than 1048576 bytes", "template size is limited");
		free(got);
		buf_release(&big);
	}
}

static void test_limits(void)
{
	const char *const self[] = { "loop", "x{{>loop}}", NULL };
	const char *const twice[] = { "tw", "{{>tw}}{{>tw}}", NULL };
	struct buf deep = BUF_INIT;
	char *got;

	got = render_with("{{>loop}}", "{}", NULL, self);
	ok(got && strspn(got, "x") == strlen(got) && strlen(got) > 10 &&
		   strlen(got) <= TPL_MAX_DEPTH,
	   "a partial that includes itself stops at the depth limit (%zu levels)",
	   got ? strlen(got) : 0);
	free(got);
	got = render_with("{{>tw}}", "{}", NULL, twice);
	ok(got == NULL, "exponential recursion fails on the work limit instead of running for ever");
	free(got);
	{
		struct tpl_set *set = tpl_set_new();
		struct json_object *two = json_tokener_parse("{\"l\": [1, 2]}");
		struct json_object *three = json_tokener_parse("{\"l\": [1, 2, 3]}");
		struct buf out = BUF_INIT;

		tpl_set_add(set, "t", "{{#l}}0123456789{{/l}}", 22, NULL);
		tpl_set_limits(set, 0, 25);
		ok(tpl_render(set, "t", two, NULL, &out) == 0 && out.len == 20,
		   "output under the limit renders");
		buf_clear(&out);
		buf_puts(&out, "before");
		ok(tpl_render(set, "t", three, NULL, &out) < 0, "output past the limit fails");
		is_str(out.ptr, "before", "a failed render leaves the buffer as it was");
		buf_release(&out);
		json_object_put(two);
		json_object_put(three);
		tpl_set_free(set);
	}
	for (int i = 0; i <= TPL_MAX_DEPTH; i++)
		buf_puts(&deep, "{{#a}}");
	got = add_error("deep", deep.ptr);
	is_str(got, "deep:1: sections nested more than 64 deep", "source nesting is limited");
	free(got);
	buf_release(&deep);
}

static void test_inheritance(void)
{
	const char *const parts[] = {
		"layouts/base",
		"<html>\n<head><title>{{$title}}BeauBelle{{/title}}</title></head>\n<body>\n"
		"  <main>\n    {{$content}}\n    <p>nothing here</p>\n    {{/content}}\n  </main>\n"
		"</body>\n</html>\n",
		"card", "<div>{{name}}</div>\n",
		NULL,
	};
	const char *page = "{{<layouts/base}}\n"
			   "{{$title}}{{user.name}} - BeauBelle{{/title}}\n"
			   "{{$content}}\n"
			   "<h1>{{user.name}}</h1>\n"
			   "{{#posts}}\n"
			   "  {{>card}}\n"
			   "{{/posts}}\n"
			   "{{/content}}\n"
			   "{{/layouts/base}}\n";
	char *got = render_with(page, "{\"user\": {\"name\": \"Ann & co\"}, "
				      "\"posts\": [{\"name\": \"a\"}, {\"name\": \"b\"}]}",
				NULL, parts);

	is_str(got,
	       "<html>\n<head><title>Ann &amp; co - BeauBelle</title></head>\n<body>\n"
	       "  <main>\n    <h1>Ann &amp; co</h1>\n      <div>a</div>\n      <div>b</div>\n"
	       "  </main>\n</body>\n</html>\n",
	       "a page fills its layout's blocks, re-indented where the block stands");
	free(got);
}

/* Write s to dir/rel, creating dir/sub first if rel has one level. */
static void write_file(const char *dir, const char *rel, const char *s)
{
	char path[1024];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	f = fopen(path, "w");
	if (f) {
		fputs(s, f);
		fclose(f);
	}
}

/* Run render_cmd with stdout sent to a file; returns its output. */
static char *run_render(const char *dir, int argc, char **argv, int *status)
{
	char path[1024];
	struct buf out = BUF_INIT;
	int saved, fd;
	FILE *f;
	char chunk[4096];
	size_t n;

	snprintf(path, sizeof(path), "%s/stdout.txt", dir);
	fflush(stdout);
	saved = dup(STDOUT_FILENO);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	dup2(fd, STDOUT_FILENO);
	close(fd);
	*status = render_cmd(argc, argv);
	fflush(stdout);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	f = fopen(path, "r");
	while (f && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_append(&out, chunk, n);
	if (f)
		fclose(f);
	buf_append(&out, "", 0);
	return buf_detach(&out, NULL);
}

static void test_dir_and_command(void)
{
	char dir[] = "/tmp/tpl_test_XXXXXX", sub[1100], tpl[1100], data[1100], bad[1100];
	struct tpl_set *set;
	struct buf err = BUF_INIT, out = BUF_INIT;
	char *got;
	int status;

	if (!ok(mkdtemp(dir) != NULL, "temporary folder"))
		return;
	snprintf(sub, sizeof(sub), "%s/partials", dir);
	mkdir(sub, 0700);
	write_file(dir, "page.mustache", "<{{>partials/item}}>\n");
	write_file(dir, "partials/item.mustache", "{{word}}");
	write_file(dir, "notes.txt", "{{#not a template");
	write_file(dir, ".hidden.mustache", "{{#broken");
	write_file(dir, "data.json", "{\"word\": \"<hi>\"}\n");
	write_file(dir, "bad.json", "{\"word\": }");

	set = tpl_set_new();
	ok(tpl_set_load_dir(set, dir, &err) == 0, "tpl_set_load_dir loads a folder");
	ok(tpl_set_has(set, "page") && tpl_set_has(set, "partials/item") &&
		   !tpl_set_has(set, "notes") && !tpl_set_has(set, ".hidden"),
	   "names are relative paths without .mustache; other and hidden files are skipped");
	tpl_render(set, "page", NULL, NULL, &out);
	is_str(out.ptr, "<>\n", "a loaded template renders");
	tpl_set_free(set);

	snprintf(tpl, sizeof(tpl), "%s/page.mustache", dir);
	snprintf(data, sizeof(data), "%s/data.json", dir);
	snprintf(bad, sizeof(bad), "%s/bad.json", dir);
	{
		char *argv[] = { tpl, data, NULL };

		got = run_render(dir, 2, argv, &status);
		is_int(status, 0, "render command succeeds");
		is_str(got, "<&lt;hi&gt;>\n", "render command prints the page, partials from its folder");
		free(got);
	}
	{
		char *argv[] = { tpl, bad, NULL };

		got = run_render(dir, 2, argv, &status);
		is_int(status, 1, "render command fails on bad JSON");
		free(got);
	}
	{
		char *argv[] = { tpl, data, "--partials", "/nonexistent-dir", NULL };

		got = run_render(dir, 4, argv, &status);
		is_int(status, 1, "render command fails on an unreadable partials folder");
		free(got);
	}
	{
		char *argv[] = { tpl, NULL };

		got = run_render(dir, 1, argv, &status);
		is_int(status, 1, "render command without data is a usage error");
		free(got);
	}
	write_file(dir, "page.mustache", "{{#open}}\n");
	{
		char *argv[] = { tpl, data, NULL };

		got = run_render(dir, 2, argv, &status);
		is_int(status, 1, "render command fails on a syntax error");
		free(got);
	}
	{
		const char *files[] = { "page.mustache", "partials/item.mustache", "notes.txt",
					".hidden.mustache", "data.json", "bad.json", "stdout.txt" };
		char path[1200];

		for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
			snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
			unlink(path);
		}
		rmdir(sub);
		rmdir(dir);
	}
	buf_release(&err);
	buf_release(&out);
}

int main(void)
{
	test_escaping();
	test_values();
	test_translation();
	test_msgids();
	test_check();
	test_syntax_errors();
	test_limits();
	test_inheritance();
	test_dir_and_command();
	return done_testing();
}
