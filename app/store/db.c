#include "store/db.h"

#include <errno.h>
#include <mysql.h>
#include <errmsg.h>
#include <mysqld_error.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/conf.h"
#include "core/log.h"
#include "core/banned.h"

#define DB_MAX_PARAMS 96 /* batches of 40 ids with a few leading values */
#define DB_MAX_COLS 64
#define DB_STMT_CACHE 256

struct db_stmt_slot {
	const char *sql;
	MYSQL_STMT *stmt;
};

struct db {
	MYSQL *mysql;
	const struct conf *conf;
	bool multi;
	struct db_stmt_slot cache[DB_STMT_CACHE];
	size_t ncache;
	unsigned long queries;
	char error[256];
};

static void db_set_error(struct db *db, const char *msg)
{
	snprintf(db->error, sizeof(db->error), "%s", msg ? msg : "unknown error");
}

static void db_disconnect(struct db *db)
{
	for (size_t i = 0; i < db->ncache; i++)
		mysql_stmt_close(db->cache[i].stmt);
	db->ncache = 0;
	if (db->mysql)
		mysql_close(db->mysql);
	db->mysql = NULL;
}

/* Session settings every connection must have: UTC, strict SQL. Our long
 * IN lists are batches of ids on unique keys (store/batch.h, 40 values):
 * an index dive per value cost more than the lookups themselves
 * (docs/performance.md), and key statistics estimate them as well. Short
 * lists and single equalities keep their dives: statistics would call
 * state = 'approved' all of posts and choose a full scan. */
static const char *const db_session_sql[] = {
	"SET time_zone = '+00:00'",
	("SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,"
	 "ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION'"),
	"SET SESSION eq_range_index_dive_limit = 10",
};

static int db_connect(struct db *db)
{
	const struct conf *c = db->conf;
	unsigned int timeout = (unsigned int)c->mysql_timeout;
	unsigned long flags = CLIENT_FOUND_ROWS;
	MYSQL *m;

	if (db->mysql)
		return DB_OK;
	m = mysql_init(NULL);
	if (!m)
		return DB_UNAVAILABLE;
	mysql_options(m, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
	mysql_options(m, MYSQL_OPT_READ_TIMEOUT, &timeout);
	mysql_options(m, MYSQL_OPT_WRITE_TIMEOUT, &timeout);
	mysql_options(m, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	if (db->multi)
		flags |= CLIENT_MULTI_STATEMENTS;
	if (!mysql_real_connect(m, c->mysql_socket[0] ? NULL : c->mysql_host, c->mysql_user,
				c->mysql_password, c->mysql_database,
				(unsigned int)c->mysql_port,
				c->mysql_socket[0] ? c->mysql_socket : NULL, flags)) {
		db_set_error(db, mysql_error(m));
		mysql_close(m);
		return DB_UNAVAILABLE;
	}
	for (size_t i = 0; i < sizeof(db_session_sql) / sizeof(db_session_sql[0]); i++) {
		if (mysql_query(m, db_session_sql[i]) != 0) {
			db_set_error(db, mysql_error(m));
			mysql_close(m);
			return DB_UNAVAILABLE;
		}
	}
	db->mysql = m;
	return DB_OK;
}

struct db *db_open(const struct conf *c, bool multi_statements, struct buf *err)
{
	struct db *db = calloc(1, sizeof(*db));

	if (!db)
		return NULL;
	db->conf = c;
	db->multi = multi_statements;
	/* A worker may start while MariaDB is down: it connects lazily on
	 * the first query and answers 503 until then. */
	if (db_connect(db) != DB_OK && err)
		buf_printf(err, "mysql: %s", db->error);
	return db;
}

void db_close(struct db *db)
{
	if (!db)
		return;
	db_disconnect(db);
	free(db);
}

int db_check(struct db *db)
{
	if (db_connect(db) != DB_OK)
		return DB_UNAVAILABLE;
	if (mysql_ping(db->mysql) != 0) {
		db_set_error(db, mysql_error(db->mysql));
		db_disconnect(db);
		if (db_connect(db) != DB_OK)
			return DB_UNAVAILABLE;
	}
	return DB_OK;
}

/* Errors after which the connection cannot be trusted: the server went
 * away, or the client library ran out of memory half-way through its
 * own state (allocation-failure injection left statements that no
 * longer matched their SQL). A fresh connection is made next time. */
static bool db_errno_gone(unsigned int e)
{
	return e == CR_SERVER_GONE_ERROR || e == CR_SERVER_LOST || e == CR_CONNECTION_ERROR ||
	       e == CR_CONN_HOST_ERROR || e == ER_CONNECTION_KILLED || e == CR_COMMANDS_OUT_OF_SYNC ||
	       e == CR_OUT_OF_MEMORY;
}

static int db_status_of(struct db *db, unsigned int e, const char *msg)
{
	db_set_error(db, msg);
	if (e == ER_DUP_ENTRY)
		return DB_DUPLICATE;
	/* Contention, not a fault: the client should retry shortly (503). */
	if (e == ER_LOCK_DEADLOCK || e == ER_LOCK_WAIT_TIMEOUT)
		return DB_UNAVAILABLE;
	if (db_errno_gone(e)) {
		db_disconnect(db);
		return DB_UNAVAILABLE;
	}
	return DB_ERR;
}

static MYSQL_STMT *db_prepare(struct db *db, const char *sql, unsigned int *err)
{
	MYSQL_STMT *stmt;

	for (size_t i = 0; i < db->ncache; i++)
		if (db->cache[i].sql == sql)
			return db->cache[i].stmt;
	stmt = mysql_stmt_init(db->mysql);
	if (!stmt) {
		*err = CR_OUT_OF_MEMORY;
		return NULL;
	}
	if (mysql_stmt_prepare(stmt, sql, strlen(sql)) != 0) {
		*err = mysql_stmt_errno(stmt);
		db_set_error(db, mysql_stmt_error(stmt));
		log_error("event=db_prepare_failed error=\"%s\"", db->error);
		mysql_stmt_close(stmt);
		return NULL;
	}
	if (db->ncache < DB_STMT_CACHE) {
		db->cache[db->ncache].sql = sql;
		db->cache[db->ncache].stmt = stmt;
		db->ncache++;
	}
	return stmt;
}

static void db_release_stmt(struct db *db, MYSQL_STMT *stmt)
{
	for (size_t i = 0; i < db->ncache; i++)
		if (db->cache[i].stmt == stmt) {
			mysql_stmt_free_result(stmt);
			return;
		}
	mysql_stmt_close(stmt);
}

struct db_params {
	MYSQL_BIND bind[DB_MAX_PARAMS];
	long long ints[DB_MAX_PARAMS];
	my_bool nulls[DB_MAX_PARAMS];
	size_t count;
};

/* Only the first n of each array are used: clearing and copying the
 * rest for every statement would cost more than binding them. */
static void db_params_clear(struct db_params *p, size_t n)
{
	memset(p->bind, 0, n * sizeof(*p->bind));
	memset(p->ints, 0, n * sizeof(*p->ints));
	memset(p->nulls, 0, n * sizeof(*p->nulls));
	p->count = n;
}

static int db_bind_params(struct db_params *p, const char *types, va_list ap)
{
	size_t n = strlen(types);

	if (n > DB_MAX_PARAMS)
		return -1;
	db_params_clear(p, n);
	for (size_t i = 0; i < n; i++) {
		MYSQL_BIND *b = &p->bind[i];

		switch (types[i]) {
		case 's': {
			const char *s = va_arg(ap, const char *);

			b->buffer_type = MYSQL_TYPE_STRING;
			b->buffer = (void *)s;
			b->buffer_length = s ? strlen(s) : 0;
			p->nulls[i] = s == NULL;
			b->is_null = &p->nulls[i];
			break;
		}
		case 'S': {
			const struct str *s = va_arg(ap, const struct str *);

			b->buffer_type = MYSQL_TYPE_STRING;
			b->buffer = (void *)(s ? s->ptr : NULL);
			b->buffer_length = s && s->ptr ? s->len : 0;
			p->nulls[i] = !s || !s->ptr;
			b->is_null = &p->nulls[i];
			break;
		}
		case 'i':
			p->ints[i] = va_arg(ap, long long);
			b->buffer_type = MYSQL_TYPE_LONGLONG;
			b->buffer = &p->ints[i];
			break;
		case 'u':
			p->ints[i] = (long long)va_arg(ap, unsigned long long);
			b->buffer_type = MYSQL_TYPE_LONGLONG;
			b->buffer = &p->ints[i];
			b->is_unsigned = 1;
			break;
		default:
			return -1;
		}
	}
	return 0;
}

/*
 * Fetch every row of an executed statement into the arena as text.
 * Rows past max_rows are read and dropped so the connection stays usable.
 */
static int db_fetch_rows(struct db *db, MYSQL_STMT *stmt, MYSQL_RES *meta, struct arena *a,
			 struct db_rows *out, size_t max_rows)
{
	MYSQL_BIND bind[DB_MAX_COLS];
	unsigned long lengths[DB_MAX_COLS];
	my_bool nulls[DB_MAX_COLS];
	MYSQL_FIELD *fields;
	size_t ncols = mysql_num_fields(meta);
	my_bool update_max = 1;
	size_t nrows, row = 0;
	int rc;

	if (ncols > DB_MAX_COLS)
		return DB_ERR;
	mysql_stmt_attr_set(stmt, STMT_ATTR_UPDATE_MAX_LENGTH, &update_max);
	if (mysql_stmt_store_result(stmt) != 0)
		return db_status_of(db, mysql_stmt_errno(stmt), mysql_stmt_error(stmt));
	fields = mysql_fetch_fields(meta);
	nrows = (size_t)mysql_stmt_num_rows(stmt);
	if (nrows > max_rows)
		nrows = max_rows;
	out->ncols = ncols;
	out->nrows = 0;
	out->cells = arena_calloc(a, nrows ? nrows * ncols : 1, sizeof(struct db_cell));
	if (!out->cells)
		return DB_ERR;
	memset(bind, 0, sizeof(bind));
	for (size_t c = 0; c < ncols; c++) {
		size_t cap = fields[c].max_length + 1;

		bind[c].buffer_type = MYSQL_TYPE_STRING;
		bind[c].buffer = arena_alloc(a, cap);
		bind[c].buffer_length = cap;
		bind[c].length = &lengths[c];
		bind[c].is_null = &nulls[c];
		if (!bind[c].buffer)
			return DB_ERR;
	}
	if (mysql_stmt_bind_result(stmt, bind) != 0)
		return db_status_of(db, mysql_stmt_errno(stmt), mysql_stmt_error(stmt));
	while ((rc = mysql_stmt_fetch(stmt)) == 0 || rc == MYSQL_DATA_TRUNCATED) {
		if (row >= nrows)
			continue;
		for (size_t c = 0; c < ncols; c++) {
			struct db_cell *cell = &out->cells[row * ncols + c];

			if (nulls[c]) {
				cell->ptr = NULL;
				cell->len = 0;
				continue;
			}
			cell->len = lengths[c] < bind[c].buffer_length ? lengths[c] : bind[c].buffer_length - 1;
			cell->ptr = arena_strndup(a, bind[c].buffer, cell->len);
			if (!cell->ptr)
				return DB_ERR;
		}
		row++;
	}
	if (rc == 1)
		return db_status_of(db, mysql_stmt_errno(stmt), mysql_stmt_error(stmt));
	out->nrows = row;
	return DB_OK;
}

static int db_run_params(struct db *db, struct arena *a, struct db_rows *out, size_t max_rows,
			 unsigned long long *affected, unsigned long long *insert_id, const char *sql,
			 struct db_params *pp);

static int db_run(struct db *db, struct arena *a, struct db_rows *out, size_t max_rows,
		  unsigned long long *affected, unsigned long long *insert_id, const char *sql,
		  const char *types, va_list ap)
{
	struct db_params params;

	if (db_bind_params(&params, types, ap) < 0) {
		db_set_error(db, "bad parameter types");
		return DB_ERR;
	}
	return db_run_params(db, a, out, max_rows, affected, insert_id, sql, &params);
}

int db_query_u64s(struct db *db, struct arena *a, struct db_rows *out, size_t max_rows, const char *sql,
		  const unsigned long long *vals, size_t n)
{
	struct db_params params;

	if (n > DB_MAX_PARAMS) {
		db_set_error(db, "too many parameters");
		return DB_ERR;
	}
	db_params_clear(&params, n);
	for (size_t i = 0; i < n; i++) {
		params.ints[i] = (long long)vals[i];
		params.bind[i].buffer_type = MYSQL_TYPE_LONGLONG;
		params.bind[i].buffer = &params.ints[i];
		params.bind[i].is_unsigned = 1;
	}
	return db_run_params(db, a, out, max_rows, NULL, NULL, sql, &params);
}

static int db_run_params(struct db *db, struct arena *a, struct db_rows *out, size_t max_rows,
			 unsigned long long *affected, unsigned long long *insert_id, const char *sql,
			 struct db_params *pp)
{
	struct db_params params;
	MYSQL_STMT *stmt = NULL;
	MYSQL_RES *meta;
	unsigned int e = 0;
	int rc;

	/* The binds point into the copy, not the caller's struct. */
	params.count = pp->count;
	memcpy(params.bind, pp->bind, pp->count * sizeof(*pp->bind));
	memcpy(params.ints, pp->ints, pp->count * sizeof(*pp->ints));
	memcpy(params.nulls, pp->nulls, pp->count * sizeof(*pp->nulls));
	for (size_t i = 0; i < params.count; i++) {
		if (params.bind[i].buffer == &pp->ints[i])
			params.bind[i].buffer = &params.ints[i];
		if (params.bind[i].is_null == &pp->nulls[i])
			params.bind[i].is_null = &params.nulls[i];
	}
	/* Two tries: the second only when the server was gone before the
	 * statement reached it (prepare failed or the connection was stale). */
	for (int attempt = 0; attempt < 2; attempt++) {
		if (db_connect(db) != DB_OK)
			return DB_UNAVAILABLE;
		stmt = db_prepare(db, sql, &e);
		if (!stmt) {
			rc = db_status_of(db, e, db->error);
			if (rc == DB_UNAVAILABLE)
				continue;
			return rc;
		}
		if (params.count != mysql_stmt_param_count(stmt)) {
			/* Our SQL and its parameters always agree: the cached
			 * statement is not the one prepared for sql any more. */
			db_set_error(db, "parameter count mismatch");
			log_error("event=db_param_mismatch sql=\"%.80s\"", sql);
			db_disconnect(db);
			return DB_ERR;
		}
		if (mysql_stmt_bind_param(stmt, params.bind) != 0)
			return db_status_of(db, mysql_stmt_errno(stmt), mysql_stmt_error(stmt));
		db->queries++;
		if (mysql_stmt_execute(stmt) == 0)
			break;
		e = mysql_stmt_errno(stmt);
		rc = db_status_of(db, e, mysql_stmt_error(stmt));
		if (rc == DB_UNAVAILABLE && e == CR_SERVER_GONE_ERROR && attempt == 0)
			continue;
		if (rc != DB_UNAVAILABLE)
			mysql_stmt_reset(stmt);
		return rc;
	}
	if (!db->mysql || !stmt)
		return DB_UNAVAILABLE;
	meta = mysql_stmt_result_metadata(stmt);
	if (!meta) {
		if (affected)
			*affected = mysql_stmt_affected_rows(stmt);
		if (insert_id)
			*insert_id = mysql_stmt_insert_id(stmt);
		if (out)
			memset(out, 0, sizeof(*out));
		db_release_stmt(db, stmt);
		return DB_OK;
	}
	if (!out || !a) {
		/* A statement run for its locks (SELECT ... FOR UPDATE): the
		 * rows are read and dropped so the connection stays usable. */
		rc = mysql_stmt_store_result(stmt) == 0 ? DB_OK
			: db_status_of(db, mysql_stmt_errno(stmt), mysql_stmt_error(stmt));
		mysql_free_result(meta);
		if (db->mysql)
			db_release_stmt(db, stmt);
		return rc;
	}
	rc = db_fetch_rows(db, stmt, meta, a, out, max_rows);
	mysql_free_result(meta);
	if (db->mysql)
		db_release_stmt(db, stmt);
	return rc;
}

int db_exec(struct db *db, const char *sql, unsigned long long *affected,
	    unsigned long long *insert_id, const char *types, ...)
{
	va_list ap;
	int rc;

	va_start(ap, types);
	rc = db_run(db, NULL, NULL, 0, affected, insert_id, sql, types, ap);
	va_end(ap);
	return rc;
}

int db_query(struct db *db, struct arena *a, struct db_rows *out, size_t max_rows,
	     const char *sql, const char *types, ...)
{
	va_list ap;
	int rc;

	va_start(ap, types);
	rc = db_run(db, a, out, max_rows, NULL, NULL, sql, types, ap);
	va_end(ap);
	return rc;
}

int db_exec_script(struct db *db, const char *sql, size_t len, struct buf *err)
{
	int status;

	if (db_connect(db) != DB_OK) {
		buf_printf(err, "%s", db->error);
		return DB_UNAVAILABLE;
	}
	db->queries++;
	if (mysql_real_query(db->mysql, sql, len) != 0)
		goto fail;
	do {
		MYSQL_RES *res = mysql_store_result(db->mysql);

		if (res)
			mysql_free_result(res);
		else if (mysql_field_count(db->mysql) != 0)
			goto fail;
		status = mysql_next_result(db->mysql);
		if (status > 0)
			goto fail;
	} while (status == 0);
	return DB_OK;
fail:
	buf_printf(err, "%s", mysql_error(db->mysql));
	return db_status_of(db, mysql_errno(db->mysql), mysql_error(db->mysql));
}

static int db_simple(struct db *db, const char *sql)
{
	if (db_connect(db) != DB_OK)
		return DB_UNAVAILABLE;
	db->queries++;
	if (mysql_query(db->mysql, sql) != 0)
		return db_status_of(db, mysql_errno(db->mysql), mysql_error(db->mysql));
	return DB_OK;
}

int db_begin(struct db *db)
{
	return db_simple(db, "START TRANSACTION");
}

int db_commit(struct db *db)
{
	return db_simple(db, "COMMIT");
}

int db_rollback(struct db *db)
{
	if (!db->mysql)
		return DB_OK;
	return db_simple(db, "ROLLBACK");
}

void db_settle(struct db *db)
{
	if (!db || !db->mysql || !(db->mysql->server_status & SERVER_STATUS_IN_TRANS))
		return;
	log_warn("event=db_transaction_left_open");
	if (db_simple(db, "ROLLBACK") != DB_OK)
		db_disconnect(db);
}

unsigned long long db_cell_u64(const struct db_rows *r, size_t row, size_t col)
{
	const struct db_cell *c = db_cell(r, row, col);

	return c->ptr ? strtoull(c->ptr, NULL, 10) : 0;
}

int db_rows_u64s(struct arena *a, const struct db_rows *r, size_t col, unsigned long long **out, size_t *n)
{
	*out = arena_calloc(a, r->nrows ? r->nrows : 1, sizeof(**out));
	if (!*out)
		return DB_ERR;
	for (size_t i = 0; i < r->nrows; i++)
		(*out)[i] = db_cell_u64(r, i, col);
	*n = r->nrows;
	return DB_OK;
}

long long db_cell_i64(const struct db_rows *r, size_t row, size_t col)
{
	const struct db_cell *c = db_cell(r, row, col);

	return c->ptr ? strtoll(c->ptr, NULL, 10) : 0;
}

const char *db_error(struct db *db)
{
	return db->error;
}

unsigned long db_query_count(const struct db *db)
{
	return db->queries;
}
