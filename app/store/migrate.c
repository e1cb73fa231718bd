#include "store/migrate.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/buf.h"
#include "store/db.h"
#include "core/banned.h"

#define MIGRATE_MAX_FILES 1000
#define MIGRATE_MAX_SIZE (4 << 20)

struct migrate_file {
	long version;
	char name[256];
};

/* NNNN_name.sql with at least four digits; returns the number or -1. */
static long migrate_version_of(const char *name)
{
	size_t n = strlen(name), digits = 0;
	long v = 0;

	if (n < 10 || strcmp(name + n - 4, ".sql") != 0)
		return -1;
	while (name[digits] >= '0' && name[digits] <= '9' && digits < 9)
		v = v * 10 + (name[digits++] - '0');
	if (digits < 4 || name[digits] != '_' || v == 0)
		return -1;
	return v;
}

static int migrate_cmp(const void *a, const void *b)
{
	const struct migrate_file *x = a, *y = b;

	return (x->version > y->version) - (x->version < y->version);
}

/* The migration files of dir sorted by version; -1 on a duplicate number. */
static int migrate_scan(const char *dir, struct migrate_file *files, size_t *count, struct buf *err)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0;

	if (!d) {
		if (err)
			buf_printf(err, "%s: %s", dir, strerror(errno));
		return -1;
	}
	while ((e = readdir(d)) && n < MIGRATE_MAX_FILES) {
		long v = migrate_version_of(e->d_name);

		if (v < 0 || strlen(e->d_name) >= sizeof(files[n].name))
			continue;
		files[n].version = v;
		snprintf(files[n].name, sizeof(files[n].name), "%s", e->d_name);
		n++;
	}
	closedir(d);
	qsort(files, n, sizeof(files[0]), migrate_cmp);
	for (size_t i = 1; i < n; i++) {
		if (files[i].version == files[i - 1].version) {
			if (err)
				buf_printf(err, "%s and %s share a version number", files[i - 1].name,
					   files[i].name);
			return -1;
		}
	}
	*count = n;
	return 0;
}

long migrate_latest(const char *dir)
{
	static struct migrate_file files[MIGRATE_MAX_FILES];
	size_t n = 0;

	if (migrate_scan(dir, files, &n, NULL) < 0)
		return -1;
	return n ? files[n - 1].version : 0;
}

int migrate_current(struct db *db, long *version)
{
	struct arena *a = arena_new(1024);
	struct db_rows rows;
	int rc;

	if (!a)
		return DB_ERR;
	rc = db_query(db, a, &rows, 1,
		      "SELECT COALESCE(MAX(version), 0) FROM schema_migrations", "");
	if (rc == DB_OK)
		*version = (long)db_cell_i64(&rows, 0, 0);
	else if (rc == DB_ERR)
		*version = 0; /* no table yet: nothing applied */
	arena_free(a);
	return rc == DB_UNAVAILABLE ? rc : DB_OK;
}

static int migrate_read(const char *path, struct buf *out, struct buf *err)
{
	if (buf_read_file(out, path, MIGRATE_MAX_SIZE) == 0)
		return 0;
	buf_printf(err, "%s: %s", path, errno == EFBIG ? "too large" : strerror(errno));
	return -1;
}

static int migrate_lock(struct db *db, struct arena *a, struct buf *err)
{
	struct db_rows rows;

	if (db_query(db, a, &rows, 1, "SELECT GET_LOCK('beaubelle_migrate', 60)", "") != DB_OK ||
	    rows.nrows != 1 || db_cell_i64(&rows, 0, 0) != 1) {
		buf_printf(err, "could not take the migration lock: %s", db_error(db));
		return -1;
	}
	return 0;
}

static const char migrate_table_sql[] =
	"CREATE TABLE IF NOT EXISTS schema_migrations ("
	" version INT UNSIGNED NOT NULL PRIMARY KEY,"
	" name VARCHAR(255) NOT NULL,"
	" applied_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)"
	") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci";
static const char migrate_unlock_sql[] = "DO RELEASE_LOCK('beaubelle_migrate')";

int migrate_apply(struct db *db, const char *dir, struct buf *out, struct buf *err)
{
	static struct migrate_file files[MIGRATE_MAX_FILES];
	struct arena *a = arena_new(4096);
	struct buf sql = BUF_INIT;
	size_t n = 0;
	long current = 0;
	int rc = -1;

	if (!a)
		return -1;
	if (migrate_scan(dir, files, &n, err) < 0 || migrate_lock(db, a, err) < 0)
		goto out;
	if (db_exec_script(db, migrate_table_sql, strlen(migrate_table_sql), err) < 0)
		goto unlock;
	if (migrate_current(db, &current) != DB_OK)
		goto unlock;
	for (size_t i = 0; i < n; i++) {
		char path[1024];

		if (files[i].version <= current)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, files[i].name);
		buf_clear(&sql);
		if (migrate_read(path, &sql, err) < 0)
			goto unlock;
		if (db_exec_script(db, sql.ptr ? sql.ptr : "", sql.len, err) != DB_OK) {
			buf_printf(err, " (in %s)", files[i].name);
			goto unlock;
		}
		if (db_exec(db, "INSERT INTO schema_migrations (version, name) VALUES (?, ?)", NULL,
			    NULL, "is", (long long)files[i].version, files[i].name) != DB_OK) {
			buf_printf(err, "recording %s: %s", files[i].name, db_error(db));
			goto unlock;
		}
		buf_printf(out, "applied %s\n", files[i].name);
	}
	rc = 0;
unlock:
	buf_clear(&sql);
	db_exec_script(db, migrate_unlock_sql, strlen(migrate_unlock_sql), &sql);
out:
	buf_release(&sql);
	arena_free(a);
	return rc;
}
