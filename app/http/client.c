#include "http/client.h"

#include <curl/curl.h>
#include <stdio.h>
#include <string.h>

#include "core/httpc.h"
#include "core/banned.h"

struct http_sink {
	struct buf *body;
	size_t max;
	int too_large;
};

static size_t http_call_write(char *p, size_t size, size_t n, void *ud)
{
	struct http_sink *s = ud;
	size_t len = size * n;

	if (s->body->len + len > s->max) {
		s->too_large = 1;
		return 0;
	}
	return buf_append(s->body, p, len) < 0 ? 0 : len;
}

int http_call_run(const struct http_call *call, struct http_answer *answer, struct buf *err)
{
	char msg[CURL_ERROR_SIZE] = "";
	struct http_sink sink = { &answer->body, call->max_response, 0 };
	struct curl_slist *hdr = NULL, *tmp;
	const char *ctype = NULL;
	char line[192];
	CURLcode rc;
	CURL *h;

	answer->status = 0;
	answer->content_type[0] = '\0';
	buf_init(&answer->body);
	h = curl_easy_init();
	if (!h) {
		buf_puts(err, "libcurl: cannot make a handle");
		return -1;
	}
	snprintf(line, sizeof(line), "Accept: %s", call->accept ? call->accept : "application/json");
	hdr = curl_slist_append(NULL, line);
	if (hdr && call->content_type) {
		snprintf(line, sizeof(line), "Content-Type: %s", call->content_type);
		tmp = curl_slist_append(hdr, line);
		hdr = tmp ? curl_slist_append(tmp, "Expect:") : NULL;
		if (!hdr)
			curl_slist_free_all(tmp);
	}
	if (hdr && call->bearer) {
		struct buf auth = BUF_INIT;

		tmp = buf_printf(&auth, "Authorization: Bearer %s", call->bearer) >= 0 ?
			curl_slist_append(hdr, auth.ptr) : NULL;
		buf_release(&auth);
		if (!tmp)
			curl_slist_free_all(hdr);
		hdr = tmp;
	}
	if (!hdr) {
		curl_easy_cleanup(h);
		buf_puts(err, "out of memory");
		return -1;
	}
	curl_easy_setopt(h, CURLOPT_URL, call->url);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_PROXY, "");
	httpc_limits(h, call->timeout_ms, msg, "BeauBelle");
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, http_call_write);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &sink);
	if (call->content_type) {
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, call->body ? call->body : "");
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)call->body_len);
	}
	if (call->user) {
		curl_easy_setopt(h, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		curl_easy_setopt(h, CURLOPT_USERNAME, call->user);
		curl_easy_setopt(h, CURLOPT_PASSWORD, call->password ? call->password : "");
	}
	rc = curl_easy_perform(h);
	if (rc == CURLE_OK) {
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &answer->status);
		if (curl_easy_getinfo(h, CURLINFO_CONTENT_TYPE, &ctype) == CURLE_OK && ctype)
			snprintf(answer->content_type, sizeof(answer->content_type), "%s", ctype);
	} else if (sink.too_large) {
		buf_printf(err, "the answer is larger than %zu bytes", call->max_response);
	} else {
		buf_puts(err, msg[0] ? msg : curl_easy_strerror(rc));
	}
	curl_slist_free_all(hdr);
	curl_easy_cleanup(h);
	if (rc != CURLE_OK) {
		buf_release(&answer->body);
		return -1;
	}
	return 0;
}
