#include "http/response.h"

#include <stdarg.h>
#include <stdio.h>
#include <strings.h>
#include <string.h>

#include "core/arena.h"
#include "http/fcgi_stdout.h"
#include "core/banned.h"

/* Bodies up to this size go through libfcgi's 8 KB buffer with the
 * headers, one write in all; larger ones are written as whole records. */
#define RESPONSE_SMALL_BODY 4096

void response_init(struct response *res)
{
	memset(res, 0, sizeof(*res));
	res->status = 200;
	buf_init(&res->body);
}

void response_release(struct response *res)
{
	buf_release(&res->body);
	res->nheaders = 0;
}

int response_header_add(struct response *res, const char *name, const char *value)
{
	if (res->nheaders >= RESPONSE_MAX_HEADERS || strpbrk(name, "\r\n:") || strpbrk(value, "\r\n"))
		return -1;
	res->headers[res->nheaders].name = name;
	res->headers[res->nheaders].value = value;
	res->nheaders++;
	return 0;
}

const char *response_header_get(const struct response *res, const char *name)
{
	for (size_t i = 0; i < res->nheaders; i++)
		if (strcasecmp(res->headers[i].name, name) == 0)
			return res->headers[i].value;
	return NULL;
}

const char *response_reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 202: return "Accepted";
	case 204: return "No Content";
	case 206: return "Partial Content";
	case 301: return "Moved Permanently";
	case 302: return "Found";
	case 303: return "See Other";
	case 304: return "Not Modified";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 410: return "Gone";
	case 413: return "Content Too Large";
	case 415: return "Unsupported Media Type";
	case 422: return "Unprocessable Content";
	case 429: return "Too Many Requests";
	case 500: return "Internal Server Error";
	case 502: return "Bad Gateway";
	case 503: return "Service Unavailable";
	default: return "Unknown";
	}
}

/*
 * Headers every response carries unless the handler set its own. The CSP
 * allows only our own scripts and styles: no inline script, so an
 * escaping bug elsewhere still cannot run injected code.
 */
#define RESPONSE_CSP_FMT                                                                  \
	"default-src 'self'; img-src 'self' data: blob:%s%s; media-src 'self'; "           \
	"style-src 'self'; script-src 'self'; connect-src 'self'%s%s; object-src 'none'; " \
	"base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

/* Set once at start-up (response_csp_allow), before workers fork. */
static char response_csp[2048];

void response_csp_allow(const char *img_origin, const char *connect_origin)
{
	int n = snprintf(response_csp, sizeof(response_csp), RESPONSE_CSP_FMT,
			 img_origin ? " " : "", img_origin ? img_origin : "",
			 connect_origin ? " " : "", connect_origin ? connect_origin : "");

	if (n < 0 || (size_t)n >= sizeof(response_csp))
		response_csp[0] = '\0';
}

const char *response_csp_value(void)
{
	if (!response_csp[0])
		response_csp_allow(NULL, NULL);
	return response_csp;
}

static const struct response_header response_defaults[] = {
	{ "Content-Security-Policy", NULL /* response_csp_value() */ },
	{ "X-Content-Type-Options", "nosniff" },
	{ "Referrer-Policy", "strict-origin-when-cross-origin" },
	{ "X-Frame-Options", "DENY" },
	{ "Cross-Origin-Opener-Policy", "same-origin" },
	{ "Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()" },
};

char *response_csp_with_form_targets(struct arena *a, const char *sources)
{
	const char *csp = response_csp_value(), *fa = strstr(csp, "form-action 'self'");

	if (!fa || strpbrk(sources, ";,'\r\n"))
		return NULL;
	fa += strlen("form-action 'self'");
	return arena_printf(a, "%.*s %s%s", (int)(fa - csp), csp, sources, fa);
}

/* libfcgi's own printf lacks some conversions (%zu); format with libc. */
static void response_printf(FCGX_Stream *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void response_printf(FCGX_Stream *out, const char *fmt, ...)
{
	char line[4096];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n > 0)
		FCGX_PutStr(line, n < (int)sizeof(line) ? n : (int)sizeof(line) - 1, out);
}

int response_send(struct response *res, FCGX_Request *req, bool secure)
{
	FCGX_Stream *out = req->out;

	response_printf(out, "Status: %d %s\r\n", res->status, response_reason(res->status));
	if (res->content_type)
		response_printf(out, "Content-Type: %s\r\n", res->content_type);
	for (size_t i = 0; i < sizeof(response_defaults) / sizeof(response_defaults[0]); i++)
		if (!response_header_get(res, response_defaults[i].name))
			response_printf(out, "%s: %s\r\n", response_defaults[i].name,
				     response_defaults[i].value ? response_defaults[i].value
								: response_csp_value());
	if (secure && !response_header_get(res, "Strict-Transport-Security"))
		FCGX_PutS("Strict-Transport-Security: max-age=31536000; includeSubDomains\r\n", out);
	if (!response_header_get(res, "Cache-Control"))
		FCGX_PutS("Cache-Control: no-store\r\n", out);
	for (size_t i = 0; i < res->nheaders; i++)
		response_printf(out, "%s: %s\r\n", res->headers[i].name, res->headers[i].value);
	if (res->status != 204 && res->status != 304)
		response_printf(out, "Content-Length: %zu\r\n", res->body.len);
	FCGX_PutS("\r\n", out);
	if (res->head_only || !res->body.len || res->status == 204 || res->status == 304)
		return FCGX_GetError(out) ? -1 : 0;
	/* What fits libfcgi's buffer with the headers leaves in one record. */
	if (res->body.len <= RESPONSE_SMALL_BODY) {
		FCGX_PutStr(res->body.ptr, (int)res->body.len, out);
		return FCGX_GetError(out) ? -1 : 0;
	}
	if (FCGX_FFlush(out) != 0 || FCGX_GetError(out))
		return -1;
	return fcgi_stdout_write(req->ipcFd, req->requestId, res->body.ptr, res->body.len);
}
