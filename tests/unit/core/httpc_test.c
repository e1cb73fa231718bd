#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "core/httpc.h"
#include "tap.h"

static int events[3];

static void count_event(enum httpc_breaker_event ev)
{
	events[ev]++;
}

static void test_authority(void)
{
	static const struct {
		const char *url, *want, *name;
	} cases[] = {
		{ "http://Models.Example/v2", "models.example:80", "a URL without a port: http gets 80, lowercase" },
		{ "https://id.example", "id.example:443", "https without a path gets 443" },
		{ "http://127.0.0.1:9000/bucket/key?x=1", "127.0.0.1:9000", "the port is kept" },
		{ "http://user:pw@h.example:81/p", "h.example:81", "user info is dropped, the port kept" },
		{ "http://user:pw@h.example/p", "h.example:80", "the password's colon is not a port" },
		{ "http://[::1]:8080/", "[::1]:8080", "IPv6 with a port: brackets kept" },
		{ "https://[::1]/", "[::1]:443", "IPv6 without a port: the scheme's port after the bracket" },
	};
	char out[HTTPC_AUTHORITY_MAX];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ok(httpc_url_authority(cases[i].url, out, sizeof(out)) == 0, "%s: parses", cases[i].name);
		is_str(out, cases[i].want, "%s", cases[i].name);
	}
	ok(httpc_url_authority("http://h.example:80x/", out, sizeof(out)) == -1, "a port that is not digits");
	ok(httpc_url_authority("ftp://h.example/", out, sizeof(out)) == -1, "not http(s)");
	ok(httpc_url_authority("http://h.example/", out, 8) == -1, "too small a buffer");
}

static void test_breaker(void)
{
	struct buf err = BUF_INIT;
	const char *k = "svc.example:443";
	long long t = 1000000;

	httpc_breaker_reset();
	httpc_breaker_configure(5, 2000);
	httpc_breaker_observe(count_event);
	ok(httpc_breaker_allow_at(k, t, NULL) == 0, "an unknown host is called");
	for (int i = 0; i < 4; i++)
		httpc_breaker_record_at(k, 1, t);
	ok(httpc_breaker_allow_at(k, t, NULL) == 0, "four failures in a row: still called");
	httpc_breaker_record_at(k, 0, t);
	for (int i = 0; i < 4; i++)
		httpc_breaker_record_at(k, 1, t);
	ok(httpc_breaker_allow_at(k, t, NULL) == 0, "a success in between starts the count again");
	httpc_breaker_record_at(k, 1, t);
	is_int(events[HTTPC_BREAKER_OPENED], 1, "the fifth failure in a row opens the circuit");
	ok(httpc_breaker_allow_at(k, t + 10, &err) == -1, "open: the call is refused");
	ok(err.ptr && strstr(err.ptr, "svc.example:443") && strstr(err.ptr, "5 calls in a row failed"),
	   "the reason names the host and the failures: %s", err.ptr ? err.ptr : "");
	is_int(events[HTTPC_BREAKER_SHORT_CIRCUIT], 1, "a short circuit is counted");
	ok(httpc_breaker_allow_at("other.example:443", t + 10, NULL) == 0, "other hosts are not affected");
	ok(httpc_breaker_allow_at(k, t + 1999, NULL) == -1, "refused until the cool-down ends");

	ok(httpc_breaker_allow_at(k, t + 2000, NULL) == 0, "after the cool-down one probe goes out");
	ok(httpc_breaker_allow_at(k, t + 2001, NULL) == -1, "while the probe is out, the others wait");
	httpc_breaker_record_at(k, 1, t + 2100);
	ok(httpc_breaker_allow_at(k, t + 3000, NULL) == -1, "a failed probe: another cool-down");
	is_int(events[HTTPC_BREAKER_OPENED], 1, "a failed probe does not count as a new opening");
	ok(httpc_breaker_allow_at(k, t + 4100, NULL) == 0, "the next probe");
	httpc_breaker_record_at(k, 0, t + 4150);
	is_int(events[HTTPC_BREAKER_CLOSED], 1, "a probe that succeeds closes the circuit");
	ok(httpc_breaker_allow_at(k, t + 4151, NULL) == 0, "closed: calls go out again");
	for (int i = 0; i < 4; i++)
		httpc_breaker_record_at(k, 1, t + 4200);
	ok(httpc_breaker_allow_at(k, t + 4200, NULL) == 0, "closing forgot the old failures");

	/* A probe whose outcome never comes back cannot shut the host out forever. */
	httpc_breaker_record_at(k, 1, t + 5000);
	ok(httpc_breaker_allow_at(k, t + 5001, NULL) == -1, "open again");
	ok(httpc_breaker_allow_at(k, t + 7001, NULL) == 0, "a probe that never reports...");
	ok(httpc_breaker_allow_at(k, t + 9001, NULL) == 0, "...is followed by another after a cool-down");

	/* More hosts than slots: the one unused longest is forgotten. */
	httpc_breaker_reset();
	for (int h = 0; h < 20; h++) {
		char key[32];

		snprintf(key, sizeof(key), "h%d.example:80", h);
		for (int i = 0; i < 5; i++)
			httpc_breaker_record_at(key, 1, t + h);
	}
	ok(httpc_breaker_allow_at("h19.example:80", t + 30, NULL) == -1, "the newest host's circuit is kept");
	ok(httpc_breaker_allow_at("h0.example:80", t + 30, NULL) == 0, "the oldest host's was dropped");

	httpc_breaker_reset();
	httpc_breaker_configure(0, 2000);
	for (int i = 0; i < 50; i++)
		httpc_breaker_record_at(k, 1, t);
	ok(httpc_breaker_allow_at(k, t, NULL) == 0, "breaker_failures = 0 never opens");

	httpc_breaker_reset();
	httpc_breaker_configure(5, 2000);
	for (int i = 0; i < 5; i++)
		httpc_breaker_record("http://down.example:8081/v2/models/x/infer", 1);
	ok(httpc_breaker_allow("http://down.example:8081/other", NULL) == -1, "URLs are keyed by host:port");
	ok(httpc_breaker_allow("http://down.example:8082/v2", NULL) == 0, "another port is another service");
	httpc_breaker_observe(NULL);
	buf_release(&err);
}

int main(void)
{
	test_authority();
	test_breaker();
	return done_testing();
}
