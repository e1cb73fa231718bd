#include "jobs/live.h"

#include <curl/curl.h>
#include <stdio.h>
#include <string.h>

#include "core/conf.h"
#include "core/log.h"
#include "core/banned.h"

static size_t live_discard(char *p, size_t size, size_t n, void *ud)
{
	(void)p;
	(void)ud;
	return size * n;
}

int live_publish(const struct conf *c, unsigned long long uid, const char *json)
{
	struct curl_slist *headers = NULL;
	char url[1024];
	long status = 0;
	CURLcode rc;
	CURL *curl;

	if (!c->live_publish_url[0])
		return 0;
	snprintf(url, sizeof(url), "%s/%llu", c->live_publish_url, uid);
	curl = curl_easy_init();
	if (!curl)
		return -1;
	headers = curl_slist_append(headers, "Content-Type: application/json");
	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_POSTFIELDS, json);
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(curl, CURLOPT_PROXY, "");
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, 1000L);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 2000L);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, live_discard);
	rc = curl_easy_perform(curl);
	if (rc == CURLE_OK)
		curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
	curl_slist_free_all(headers);
	curl_easy_cleanup(curl);
	if (rc != CURLE_OK || status < 200 || status >= 300) {
		log_warn("event=live_publish_failed user_id=%llu status=%ld error=\"%s\"", uid, status,
			 rc == CURLE_OK ? "" : curl_easy_strerror(rc));
		return -1;
	}
	return 0;
}
