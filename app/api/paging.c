#include "api/paging.h"

#include <string.h>

#include "api/api.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/conf.h"
#include "http/request.h"
#include "http/url.h"
#include "store/db.h"
#include "web/app.h"
#include "core/banned.h"

/* A cursor parameter: 0 when absent or empty, -1 when not a number. */
static int api_page_cursor(struct request *r, const char *name, unsigned long long *out)
{
	struct str v = http_kv_get(&r->query, name);

	*out = 0;
	if (!v.ptr || v.len == 0)
		return 0;
	return v.len <= 20 && str_to_u64(v, out) == 0 ? 0 : -1;
}

int api_page_args(struct request *r, size_t dflt, size_t max, struct api_page *p)
{
	struct str limit = http_kv_get(&r->query, "limit");
	unsigned long long l = 0;

	memset(p, 0, sizeof(*p));
	if (api_page_cursor(r, "max_id", &p->max_id) < 0 || api_page_cursor(r, "since_id", &p->since_id) < 0 ||
	    api_page_cursor(r, "min_id", &p->min_id) < 0)
		return api_error(r, 400, "max_id, since_id and min_id must be ids");
	p->limit = dflt;
	if (limit.ptr && limit.len && limit.len <= 6 && str_to_u64(limit, &l) == 0)
		p->limit = l < 1 ? 1 : l > max ? max : (size_t)l;
	return 0;
}

/* Keep the ids strictly between lower and upper (0: unbounded). */
static size_t api_page_bound(unsigned long long *ids, size_t n, unsigned long long lower, unsigned long long upper)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		if ((!lower || ids[i] > lower) && (!upper || ids[i] < upper))
			ids[k++] = ids[i];
	return k;
}

static void api_page_reverse(unsigned long long *ids, size_t n)
{
	for (size_t i = 0; i < n / 2; i++) {
		unsigned long long t = ids[i];

		ids[i] = ids[n - 1 - i];
		ids[n - 1 - i] = t;
	}
}

int api_page_ids(struct request *r, const struct api_page *p, const struct api_id_source *src,
		 unsigned long long **ids, size_t *n)
{
	int rc;

	*ids = NULL;
	*n = 0;
	if (p->min_id && src->newer) {
		rc = src->newer(r, src->ctx, p->min_id, p->limit, ids, n);
		if (rc != DB_OK)
			return rc;
		*n = api_page_bound(*ids, *n, p->min_id, p->max_id);
		api_page_reverse(*ids, *n);
		return DB_OK;
	}
	/* since_id (or min_id where the source cannot page upwards): the
	 * newest page, cut at the cursor. */
	rc = src->older(r, src->ctx, p->max_id, p->limit, ids, n);
	if (rc != DB_OK)
		return rc;
	*n = api_page_bound(*ids, *n, p->min_id ? p->min_id : p->since_id, p->max_id);
	return DB_OK;
}

int api_page_slice(struct request *r, const struct api_page *p, const unsigned long long *all, size_t n_all,
		   unsigned long long **ids, size_t *n)
{
	unsigned long long lower = p->min_id ? p->min_id : p->since_id;
	size_t first = 0, end = n_all, count;

	/* all is newest first: [first, end) is what lies between the cursors. */
	while (first < n_all && p->max_id && all[first] >= p->max_id)
		first++;
	while (end > first && lower && all[end - 1] <= lower)
		end--;
	count = end - first < p->limit ? end - first : p->limit;
	/* min_id wants the page next to the cursor: the oldest ones. */
	if (p->min_id)
		first = end - count;
	*ids = arena_calloc(r->arena, count ? count : 1, sizeof(**ids));
	if (!*ids)
		return DB_ERR;
	memcpy(*ids, all + first, count * sizeof(**ids));
	*n = count;
	return DB_OK;
}

/* The request's URL with its query minus the cursors, plus one cursor. */
static void api_page_url(struct request *r, struct buf *b, const char *cursor, unsigned long long value)
{
	buf_printf(b, "<%s%.*s?", r->app->conf->base_url, (int)r->path.len, r->path.ptr);
	for (size_t i = 0; i < r->query.count; i++) {
		const struct http_kv *kv = &r->query.items[i];

		if (str_eq_c(kv->key, "max_id") || str_eq_c(kv->key, "since_id") || str_eq_c(kv->key, "min_id"))
			continue;
		buf_printf(b, "%s=%s&", url_encode(r->arena, kv->key.ptr, kv->key.len),
			   url_encode(r->arena, kv->value.ptr, kv->value.len));
	}
	buf_printf(b, "%s=%llu>", cursor, value);
}

void api_page_link(struct request *r, const struct api_page *p, unsigned long long newest, unsigned long long oldest)
{
	struct buf b = BUF_INIT;
	unsigned long long prev = newest;

	if (oldest) {
		api_page_url(r, &b, "max_id", oldest);
		buf_puts(&b, "; rel=\"next\", ");
	} else {
		/* An empty page still says where newer items will appear. */
		prev = p->min_id ? p->min_id : p->since_id ? p->since_id : p->max_id ? p->max_id - 1 : 0;
	}
	api_page_url(r, &b, "min_id", prev);
	buf_puts(&b, "; rel=\"prev\"");
	if (b.ptr)
		response_header_add(&r->res, "Link", arena_strndup(r->arena, b.ptr, b.len));
	buf_release(&b);
}
