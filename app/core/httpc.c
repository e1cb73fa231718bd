/*
 * The shared outbound HTTP policy; see httpc.h.
 */
#include <time.h>

#include "core/buf.h"
#include "core/httpc.h"

#include "core/banned.h"

int httpc_global_init(struct buf *err)
{
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		buf_puts(err, "libcurl failed to start");
		return -1;
	}
	return 0;
}

void httpc_limits(CURL *h, long timeout_ms, char *msg, const char *agent)
{
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout_ms);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
			 timeout_ms < HTTPC_CONNECT_MS ? timeout_ms : HTTPC_CONNECT_MS);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, msg);
	curl_easy_setopt(h, CURLOPT_USERAGENT, agent);
}

int httpc_transient(CURLcode c)
{
	switch (c) {
	case CURLE_COULDNT_CONNECT:
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_GOT_NOTHING:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_PARTIAL_FILE:
	case CURLE_SSL_CONNECT_ERROR:
		return 1;
	default:
		return 0;
	}
}

int httpc_retryable(CURLcode c, long status)
{
	return c != CURLE_OK ? httpc_transient(c) : status >= 500;
}

long httpc_backoff(long ms)
{
	struct timespec t = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&t, &t) != 0)
		;
	return ms * 2 > HTTPC_BACKOFF_MAX_MS ? HTTPC_BACKOFF_MAX_MS : ms * 2;
}

void httpc_quote(struct buf *err, const char *p, size_t n, size_t max)
{
	for (size_t i = 0; i < n && i < max; i++) {
		unsigned char ch = (unsigned char)p[i];

		buf_putc(err, ch >= 0x20 && ch < 0x7f && ch != '"' ? (char)ch : '?');
	}
}
