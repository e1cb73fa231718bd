/*
 * A set of named compiled templates, and the cache of compiled
 * translations that rendering fills. Everything a set holds lives in its
 * own arena and goes in tpl_set_free().
 */
#include "view/tpl_impl.h"

#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/arena.h"
#include "core/buf.h"

#include "core/banned.h"

#define TPL_NAME_MAX 1024
#define TPL_DIR_DEPTH 16
/* Distinct translated strings kept compiled; past this a catalog is
 * almost certainly returning generated text, and each render compiles
 * its own copy instead of growing the set without bound. */
#define TPL_TCACHE_MAX 8192

struct tpl_tentry {
	uint64_t hash;
	const char *text; /* our copy: the key must outlive the catalog */
	size_t len;
	const struct tpl_tmpl *tmpl; /* NULL: did not compile */
};

/* Reached through a pointer so rendering can fill it through a const set. */
struct tpl_tcache {
	struct tpl_tentry *slots; /* open addressing, cap a power of two */
	size_t cap, count;
	size_t compiled, hits, errors;
};

struct tpl_set {
	struct arena *arena;
	const struct tpl_tmpl **list; /* in the order added */
	size_t n, cap;
	size_t *index; /* open addressing: 1 + position in list, 0 empty */
	size_t index_cap;
	struct tpl_tcache *tcache;
	size_t max_steps, max_output;
};

static uint64_t tpl_hash(const char *s, size_t n)
{
	uint64_t h = 14695981039346656037ULL; /* FNV-1a */

	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	return h;
}

struct tpl_set *tpl_set_new(void)
{
	struct tpl_set *set = calloc(1, sizeof(*set));

	if (!set)
		return NULL;
	set->max_steps = TPL_MAX_STEPS;
	set->max_output = TPL_MAX_OUTPUT;
	set->arena = arena_new(64 * 1024);
	set->tcache = calloc(1, sizeof(*set->tcache));
	if (!set->arena || !set->tcache) {
		tpl_set_free(set);
		return NULL;
	}
	return set;
}

void tpl_set_free(struct tpl_set *set)
{
	if (!set)
		return;
	arena_free(set->arena);
	free(set->list);
	free(set->index);
	if (set->tcache)
		free(set->tcache->slots);
	free(set->tcache);
	free(set);
}

const struct tpl_tmpl *tpl_set_find(const struct tpl_set *set, const char *name)
{
	size_t mask, i;

	if (!set->index_cap)
		return NULL;
	mask = set->index_cap - 1;
	for (i = tpl_hash(name, strlen(name)) & mask; set->index[i]; i = (i + 1) & mask) {
		const struct tpl_tmpl *t = set->list[set->index[i] - 1];

		if (strcmp(t->name, name) == 0)
			return t;
	}
	return NULL;
}

bool tpl_set_has(const struct tpl_set *set, const char *name)
{
	return tpl_set_find(set, name) != NULL;
}

/* Rebuild the name index at twice the size; keeps it at most half full. */
static int tpl_index_grow(struct tpl_set *set)
{
	size_t cap = set->index_cap ? set->index_cap * 2 : 64, mask = cap - 1;
	size_t *index = calloc(cap, sizeof(*index));

	if (!index)
		return -1;
	for (size_t k = 0; k < set->n; k++) {
		size_t i = tpl_hash(set->list[k]->name, strlen(set->list[k]->name)) & mask;

		while (index[i])
			i = (i + 1) & mask;
		index[i] = k + 1;
	}
	free(set->index);
	set->index = index;
	set->index_cap = cap;
	return 0;
}

/* Append t to the list and the name index; -1 when out of memory. */
static int tpl_set_insert(struct tpl_set *set, const struct tpl_tmpl *t)
{
	if (set->n == set->cap) {
		size_t cap = set->cap ? set->cap * 2 : 32;
		const struct tpl_tmpl **list = realloc(set->list, cap * sizeof(*list));

		if (!list)
			return -1;
		set->list = list;
		set->cap = cap;
	}
	set->list[set->n++] = t;
	if (set->n * 2 > set->index_cap) {
		/* Growing rebuilds the index from the list, t included. */
		if (tpl_index_grow(set) < 0) {
			set->n--;
			return -1;
		}
		return 0;
	}
	{
		size_t mask = set->index_cap - 1, i = tpl_hash(t->name, strlen(t->name)) & mask;

		while (set->index[i])
			i = (i + 1) & mask;
		set->index[i] = set->n;
	}
	return 0;
}

int tpl_set_add(struct tpl_set *set, const char *name, const char *src, size_t len,
		struct buf *err)
{
	const struct tpl_tmpl *t;
	size_t nlen = strlen(name);

	if (nlen == 0 || nlen > TPL_NAME_MAX) {
		if (err)
			buf_printf(err, "%.64s: template names are 1 to %d bytes", name, TPL_NAME_MAX);
		return -1;
	}
	if (tpl_set_find(set, name)) {
		if (err)
			buf_printf(err, "%s: template already defined", name);
		return -1;
	}
	t = tpl_compile(set->arena, name, src, len, false, 1, err);
	if (!t)
		return -1;
	if (tpl_set_insert(set, t) < 0) {
		if (err)
			buf_printf(err, "%s: out of memory", name);
		return -1;
	}
	return 0;
}

/* Read a whole file of at most TPL_MAX_SIZE bytes into out. */
static int tpl_read_file(const char *path, struct buf *out, struct buf *err)
{
	char chunk[16384];
	FILE *f = fopen(path, "rb");
	size_t n;
	int rc = -1;

	if (!f) {
		if (err)
			buf_printf(err, "%s: %s", path, strerror(errno));
		return -1;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (out->len + n > TPL_MAX_SIZE) {
			if (err)
				buf_printf(err, "%s: template larger than %zu bytes", path, TPL_MAX_SIZE);
			goto out;
		}
		if (buf_append(out, chunk, n) < 0) {
			if (err)
				buf_printf(err, "%s: out of memory", path);
			goto out;
		}
	}
	if (ferror(f)) {
		if (err)
			buf_printf(err, "%s: read error", path);
		goto out;
	}
	rc = 0;
out:
	fclose(f);
	return rc;
}

static int tpl_cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The entries of dir except dot files, sorted, as a malloc'ed array. */
static int tpl_list_dir(const char *dir, char ***names, size_t *n, struct buf *err)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t cap = 0;

	*names = NULL;
	*n = 0;
	if (!d) {
		if (err)
			buf_printf(err, "%s: %s", dir, strerror(errno));
		return -1;
	}
	while ((e = readdir(d))) {
		char *copy;

		if (e->d_name[0] == '.')
			continue;
		if (*n == cap) {
			size_t ncap = cap ? cap * 2 : 32;
			char **grown = realloc(*names, ncap * sizeof(*grown));

			if (!grown)
				goto oom;
			*names = grown;
			cap = ncap;
		}
		copy = strdup(e->d_name);
		if (!copy)
			goto oom;
		(*names)[(*n)++] = copy;
	}
	closedir(d);
	if (*n)
		qsort(*names, *n, sizeof(**names), tpl_cmp_names);
	return 0;
oom:
	closedir(d);
	if (err)
		buf_printf(err, "%s: out of memory", dir);
	return -1;
}

static void tpl_free_names(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

static bool tpl_ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n > k && memcmp(s + n - k, suffix, k) == 0;
}

/*
 * Load root/rel recursively; rel is "" or ends with "/" and prefixes the
 * names. Depth is bounded so a symlink loop ends in an error, not a hang.
 */
static int tpl_load_rec(struct tpl_set *set, const char *root, const char *rel, int depth,
			struct buf *err)
{
	struct buf path = BUF_INIT, sub = BUF_INIT, src = BUF_INIT;
	char **names = NULL;
	size_t n = 0;
	int rc = -1;

	if (depth > TPL_DIR_DEPTH) {
		if (err)
			buf_printf(err, "%s/%s: folders nested too deep", root, rel);
		return -1;
	}
	if (buf_printf(&path, "%s%s%s", root, *rel ? "/" : "", rel) < 0)
		goto oom;
	if (tpl_list_dir(path.ptr, &names, &n, err) < 0)
		goto out;
	for (size_t i = 0; i < n; i++) {
		struct stat st;

		buf_clear(&path);
		buf_clear(&sub);
		if (buf_printf(&path, "%s/%s%s", root, rel, names[i]) < 0 ||
		    buf_printf(&sub, "%s%s", rel, names[i]) < 0)
			goto oom;
		if (stat(path.ptr, &st) != 0) {
			if (err)
				buf_printf(err, "%s: %s", path.ptr, strerror(errno));
			goto out;
		}
		if (S_ISDIR(st.st_mode)) {
			if (buf_putc(&sub, '/') < 0)
				goto oom;
			if (tpl_load_rec(set, root, sub.ptr, depth + 1, err) < 0)
				goto out;
			continue;
		}
		if (!S_ISREG(st.st_mode) || !tpl_ends_with(names[i], ".mustache"))
			continue;
		buf_clear(&src);
		if (tpl_read_file(path.ptr, &src, err) < 0)
			goto out;
		sub.len -= strlen(".mustache");
		sub.ptr[sub.len] = '\0';
		if (tpl_set_add(set, sub.ptr, src.ptr ? src.ptr : "", src.len, err) < 0)
			goto out;
	}
	rc = 0;
	goto out;
oom:
	if (err)
		buf_printf(err, "%s: out of memory", root);
out:
	tpl_free_names(names, n);
	buf_release(&path);
	buf_release(&sub);
	buf_release(&src);
	return rc;
}

int tpl_set_load_dir(struct tpl_set *set, const char *dir, struct buf *err)
{
	return tpl_load_rec(set, dir, "", 0, err);
}

struct tpl_check {
	const struct tpl_set *set;
	const struct tpl_tmpl *tmpl;
	struct buf *err;
	size_t problems;
};

/* Report every partial and parent under kids that the set lacks. */
static void tpl_check_nodes(struct tpl_check *c, const struct tpl_node *kids, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct tpl_node *k = &kids[i];

		if ((k->kind == TPL_PARTIAL || k->kind == TPL_PARENT) &&
		    !tpl_set_find(c->set, k->name)) {
			if (c->err) {
				if (c->problems)
					buf_putc(c->err, '\n');
				buf_printf(c->err, "%s:%u: missing %s '%s'", c->tmpl->name, k->line,
					   k->kind == TPL_PARTIAL ? "partial" : "parent", k->name);
			}
			c->problems++;
		}
		tpl_check_nodes(c, k->kids, k->nkids);
	}
}

int tpl_set_check(const struct tpl_set *set, struct buf *err)
{
	struct tpl_check c = { .set = set, .err = err };

	for (size_t i = 0; i < set->n; i++) {
		c.tmpl = set->list[i];
		tpl_check_nodes(&c, c.tmpl->kids, c.tmpl->nkids);
	}
	return c.problems ? -1 : 0;
}

static void tpl_msgids_nodes(const struct tpl_node *kids, size_t n, const char *tmpl_name,
			     void (*fn)(void *, const char *, size_t, const char *), void *ud)
{
	for (size_t i = 0; i < n; i++) {
		if (kids[i].kind == TPL_TRANSLATE)
			fn(ud, kids[i].text, kids[i].len, tmpl_name);
		tpl_msgids_nodes(kids[i].kids, kids[i].nkids, tmpl_name, fn, ud);
	}
}

int tpl_set_msgids(const struct tpl_set *set,
		   void (*fn)(void *ud, const char *msgid, size_t len, const char *template_name),
		   void *ud)
{
	for (size_t i = 0; i < set->n; i++)
		tpl_msgids_nodes(set->list[i]->kids, set->list[i]->nkids, set->list[i]->name, fn, ud);
	return 0;
}

void tpl_set_limits(struct tpl_set *set, size_t max_steps, size_t max_output)
{
	if (max_steps)
		set->max_steps = max_steps;
	if (max_output)
		set->max_output = max_output;
}

void tpl_set_get_limits(const struct tpl_set *set, size_t *max_steps, size_t *max_output)
{
	*max_steps = set->max_steps;
	*max_output = set->max_output;
}

void tpl_set_stats(const struct tpl_set *set, struct tpl_stats *out)
{
	out->templates = set->n;
	out->translations_compiled = set->tcache->compiled;
	out->translation_hits = set->tcache->hits;
	out->translation_errors = set->tcache->errors;
}

static int tpl_tcache_grow(struct tpl_tcache *tc)
{
	size_t cap = tc->cap ? tc->cap * 2 : 64, mask = cap - 1;
	struct tpl_tentry *slots = calloc(cap, sizeof(*slots));

	if (!slots)
		return -1;
	for (size_t k = 0; k < tc->cap; k++) {
		size_t i;

		if (!tc->slots[k].text)
			continue;
		for (i = tc->slots[k].hash & mask; slots[i].text; i = (i + 1) & mask)
			;
		slots[i] = tc->slots[k];
	}
	free(tc->slots);
	tc->slots = slots;
	tc->cap = cap;
	return 0;
}

/*
 * Keyed by content rather than by the catalog's pointer: a reloaded
 * catalog may hand out the same address for a different string, and a
 * content key costs one pass over a short string.
 */
const struct tpl_tmpl *tpl_set_translation(const struct tpl_set *set, const char *s, size_t n,
					   struct arena **tmp)
{
	struct tpl_tcache *tc = set->tcache;
	uint64_t h = tpl_hash(s, n);
	struct tpl_tentry *e = NULL;
	const struct tpl_tmpl *t;
	char *copy;

	*tmp = NULL;
	if (tc->cap) {
		size_t mask = tc->cap - 1;

		for (size_t i = h & mask; tc->slots[i].text; i = (i + 1) & mask) {
			e = &tc->slots[i];
			if (e->hash == h && e->len == n && memcmp(e->text, s, n) == 0) {
				tc->hits++;
				return e->tmpl;
			}
		}
	}
	if (tc->count >= TPL_TCACHE_MAX) {
		*tmp = arena_new(4096);
		if (!*tmp)
			return NULL;
		t = tpl_compile(*tmp, "translation", s, n, true, 1, NULL);
		tc->errors += t == NULL;
		return t;
	}
	if ((tc->count + 1) * 2 > tc->cap && tpl_tcache_grow(tc) < 0)
		return NULL;
	copy = arena_strndup(set->arena, s, n);
	if (!copy)
		return NULL;
	t = tpl_compile(set->arena, "translation", copy, n, true, 1, NULL);
	if (t)
		tc->compiled++;
	else
		tc->errors++;
	{
		size_t mask = tc->cap - 1, i = h & mask;

		while (tc->slots[i].text)
			i = (i + 1) & mask;
		tc->slots[i] = (struct tpl_tentry){ h, copy, n, t };
		tc->count++;
	}
	return t;
}
