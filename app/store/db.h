#ifndef BB_DB_H
#define BB_DB_H
/*
 * MariaDB access through the MySQL C API, prepared statements only.
 *
 * Parameters are described by a type string, one letter each:
 *   s  const char * (NUL-terminated; NULL binds SQL NULL)
 *   S  struct str *   (length + pointer; ptr NULL binds SQL NULL)
 *   i  long long
 *   u  unsigned long long
 * Result columns are fetched as text into the caller's arena: a row is an
 * array of struct db_cell, NULL columns have ptr == NULL.
 *
 * Statements are prepared once per connection and cached by their SQL
 * pointer (callers pass string literals). A lost connection is reopened
 * on the next call; a statement is retried only when the server was gone
 * before it was sent, so a write is never applied twice.
 */
#include <stdbool.h>
#include <stddef.h>

#include "core/str.h"

struct arena;
struct buf;
struct conf;
struct db;

struct db_cell {
	char *ptr;
	size_t len;
};

struct db_rows {
	size_t nrows;
	size_t ncols;
	struct db_cell *cells; /* nrows * ncols, row-major */
};

enum db_status {
	DB_OK = 0,
	DB_ERR = -1,       /* server-side error (syntax, constraint) */
	DB_DUPLICATE = -2, /* unique key violation */
	DB_UNAVAILABLE = -3, /* cannot reach the server: answer 503 */
};

struct db *db_open(const struct conf *c, bool multi_statements, struct buf *err);
void db_close(struct db *db);
/* Reconnect if needed and ping; DB_OK or DB_UNAVAILABLE. */
int db_check(struct db *db);
/* After a request or a job: a transaction still open (a path that
 * returned between begin and commit) would keep its locks and its old
 * snapshot for the next request on this connection; it is rolled back,
 * or the connection is dropped. */
void db_settle(struct db *db);

/* Run a statement that returns no rows; affected rows and the insert id
 * are given when the pointers are not NULL. */
int db_exec(struct db *db, const char *sql, unsigned long long *affected,
	    unsigned long long *insert_id, const char *types, ...);
/* Run a query; rows are allocated in a and are valid until its reset.
 * max_rows bounds what is read; later rows are discarded. */
int db_query(struct db *db, struct arena *a, struct db_rows *out, size_t max_rows,
	     const char *sql, const char *types, ...);
/* A query whose parameters are all unsigned integers (id batches). */
int db_query_u64s(struct db *db, struct arena *a, struct db_rows *out, size_t max_rows, const char *sql,
		  const unsigned long long *vals, size_t n);
/* Run SQL text with no parameters and no result (migrations, DDL). */
int db_exec_script(struct db *db, const char *sql, size_t len, struct buf *err);

int db_begin(struct db *db);
int db_commit(struct db *db);
int db_rollback(struct db *db);

static inline struct db_cell *db_cell(const struct db_rows *r, size_t row, size_t col)
{
	return &r->cells[row * r->ncols + col];
}
/* Column col of every row as numbers, in an arena array (never NULL). */
int db_rows_u64s(struct arena *a, const struct db_rows *r, size_t col, unsigned long long **out, size_t *n);
unsigned long long db_cell_u64(const struct db_rows *r, size_t row, size_t col);
long long db_cell_i64(const struct db_rows *r, size_t row, size_t col);

/* The last error message, for logs (never shown to users). */
const char *db_error(struct db *db);
/* Queries run on this connection since open; for metrics and tests. */
unsigned long db_query_count(const struct db *db);

#endif
