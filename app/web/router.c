#include "web/router.h"

#include <string.h>

#include "core/arena.h"
#include "core/buf.h"
#include "http/request.h"
#include "core/banned.h"

/*
 * Match one pattern against path; on success the parameters are written
 * to r (their values point into the path, which lives in the arena).
 */
static int route_match_pattern(const char *pattern, struct str path, struct request *r)
{
	const char *p = pattern, *s = path.ptr, *end = path.ptr + path.len;
	size_t nparams = 0;

	while (*p && s < end) {
		if (*p == ':') {
			const char *name = ++p, *seg = s;

			while (*p && *p != '/')
				p++;
			while (s < end && *s != '/')
				s++;
			if (s == seg || nparams >= REQUEST_MAX_PARAMS)
				return -1;
			r->param_names[nparams] = arena_strndup(r->arena, name, (size_t)(p - name));
			r->params[nparams].ptr = arena_strndup(r->arena, seg, (size_t)(s - seg));
			r->params[nparams].len = (size_t)(s - seg);
			if (!r->param_names[nparams] || !r->params[nparams].ptr)
				return -1;
			nparams++;
			continue;
		}
		if (*p != *s)
			return -1;
		p++;
		s++;
	}
	if (*p || s != end)
		return -1;
	r->nparams = nparams;
	return 0;
}

int route_match(struct request *r, const char **allow)
{
	const char *method = strcmp(r->method, "HEAD") == 0 ? "GET" : r->method;
	struct buf methods = BUF_INIT;
	int found = -1;

	for (size_t i = 0; i < routes_count; i++) {
		if (route_match_pattern(routes[i].pattern, r->path, r) < 0)
			continue;
		if (strcmp(routes[i].method, method) == 0) {
			found = (int)i;
			break;
		}
		if (!strstr(methods.ptr ? methods.ptr : "", routes[i].method)) {
			if (methods.len)
				buf_puts(&methods, ", ");
			buf_puts(&methods, routes[i].method);
			if (strcmp(routes[i].method, "GET") == 0)
				buf_puts(&methods, ", HEAD");
		}
	}
	if (found >= 0) {
		/* Parameters of the successful match (an earlier pattern that
		 * matched another method may have overwritten them). */
		route_match_pattern(routes[found].pattern, r->path, r);
		r->route = &routes[found];
		r->route_index = found;
		buf_release(&methods);
		return 0;
	}
	r->route = NULL;
	r->route_index = -1;
	if (methods.len) {
		*allow = arena_strndup(r->arena, methods.ptr, methods.len);
		buf_release(&methods);
		return 405;
	}
	buf_release(&methods);
	return 404;
}
