#include "store/viewer.h"

#include <string.h>

#include "core/arena.h"
#include "store/blocks.h"
#include "store/db.h"
#include "core/banned.h"

/* Each row is (what, id): h an author to hide, s the super likes of the
 * day. Each of the three hidden sets is bounded by BLOCKS_HIDDEN_MAX. */
#define VIEWER_MARKS_SQL                                                                                  \
	"(SELECT 'h', blocked_id FROM blocks WHERE blocker_id = ? LIMIT " VIEWER_HIDDEN_MAX ") "         \
	"UNION ALL (SELECT 'h', blocker_id FROM blocks WHERE blocked_id = ? LIMIT " VIEWER_HIDDEN_MAX ") " \
	"UNION ALL (SELECT 'h', muted_id FROM mutes WHERE muter_id = ? LIMIT " VIEWER_HIDDEN_MAX ") "     \
	"UNION ALL SELECT 's', COUNT(*) FROM likes WHERE user_id = ? AND kind = 'superlike' "               \
	"AND created_at > NOW(3) - INTERVAL 1 DAY"
#define VIEWER_HIDDEN_MAX "10000"

_Static_assert(BLOCKS_HIDDEN_MAX == 10000, "VIEWER_HIDDEN_MAX follows BLOCKS_HIDDEN_MAX");

int viewer_marks_load(struct db *db, struct arena *a, unsigned long long viewer, struct viewer_marks *out)
{
	const unsigned long long vals[4] = { viewer, viewer, viewer, viewer };
	struct db_rows rows;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = db_query_u64s(db, a, &rows, 3 * BLOCKS_HIDDEN_MAX + 1, VIEWER_MARKS_SQL, vals, 4);
	if (rc != DB_OK)
		return rc;
	out->hidden = arena_calloc(a, rows.nrows + 1, sizeof(*out->hidden));
	if (!out->hidden)
		return DB_ERR;
	for (size_t i = 0; i < rows.nrows; i++) {
		unsigned long long id = db_cell_u64(&rows, i, 1);

		if (db_cell(&rows, i, 0)->ptr[0] == 's')
			out->supers_today = (int)id;
		else if (out->nhidden < BLOCKS_HIDDEN_MAX)
			out->hidden[out->nhidden++] = id;
	}
	return DB_OK;
}
