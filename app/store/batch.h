#ifndef BB_BATCH_H
#define BB_BATCH_H
/*
 * Queries over a set of ids with one prepared statement: the set is
 * always bound as BATCH_MAX placeholders, padded with 0 (never an id),
 * so one cached statement serves every page instead of one per size.
 */
#include <stddef.h>

#include "store/db.h"

#define BATCH_MAX 40
#define BATCH_IN                                                                                  \
	"(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"

/* Run sql, whose parameters are the nlead values of lead (at most
 * BATCH_LEAD_MAX) and then the BATCH_IN list, for up to BATCH_MAX ids
 * (more are ignored). */
#define BATCH_LEAD_MAX 4
int batch_query_lead_ids(struct db *db, struct arena *a, struct db_rows *out, const char *sql,
			 const unsigned long long *lead, size_t nlead, const unsigned long long *ids, size_t n);
/* As batch_query_lead_ids() with one leading parameter. */
int batch_query_ids(struct db *db, struct arena *a, struct db_rows *out, const char *sql,
		    unsigned long long first, const unsigned long long *ids, size_t n);
/* As batch_query_ids() without the leading parameter. */
int batch_query_only_ids(struct db *db, struct arena *a, struct db_rows *out, const char *sql,
			 const unsigned long long *ids, size_t n);

#endif
