#include "store/viewer.h"

#include <string.h>

#include "core/arena.h"
#include "store/batch.h"
#include "store/blocks.h"
#include "store/db.h"
#include "core/banned.h"

/* Each row is (what, id, kind): h an author to hide, l a like of a post
 * (kind says which), r a repost of a post, s the super likes of the day.
 * The three hidden sets keep blocks_hidden_ids()' bound each. */
#define VIEWER_MARKS_SQL                                                                                  \
	"(SELECT 'h', blocked_id, '' FROM blocks WHERE blocker_id = ? LIMIT " VIEWER_HIDDEN_MAX ") "     \
	"UNION ALL (SELECT 'h', blocker_id, '' FROM blocks WHERE blocked_id = ? LIMIT " VIEWER_HIDDEN_MAX ") " \
	"UNION ALL (SELECT 'h', muted_id, '' FROM mutes WHERE muter_id = ? LIMIT " VIEWER_HIDDEN_MAX ") " \
	"UNION ALL SELECT 'l', post_id, kind FROM likes WHERE user_id = ? AND post_id IN " BATCH_IN " "     \
	"UNION ALL SELECT 'r', repost_of_id, '' FROM posts WHERE user_id = ? AND repost_of_id IN " BATCH_IN " " \
	"UNION ALL SELECT 's', COUNT(*), '' FROM likes WHERE user_id = ? AND kind = 'superlike' "           \
	"AND created_at > NOW(3) - INTERVAL 1 DAY"
#define VIEWER_HIDDEN_MAX "10000"
#define VIEWER_PARAMS (6 + 2 * BATCH_MAX)

_Static_assert(BLOCKS_HIDDEN_MAX == 10000, "VIEWER_HIDDEN_MAX follows BLOCKS_HIDDEN_MAX");

static void viewer_mark(struct viewer_marks *out, const unsigned long long *ids, size_t n, char what,
			unsigned long long id, const char *kind)
{
	if (what == 'h' && out->nhidden < BLOCKS_HIDDEN_MAX) {
		out->hidden[out->nhidden++] = id;
		return;
	}
	if (what == 's') {
		out->supers_today = (int)id;
		return;
	}
	for (size_t i = 0; i < n; i++) {
		if (ids[i] != id)
			continue;
		if (what == 'l')
			out->likes[i] = strcmp(kind, "superlike") == 0 ? LIKE_SUPER : LIKE_NORMAL;
		else if (what == 'r')
			out->reposted[i] = true;
	}
}

int viewer_marks_load(struct db *db, struct arena *a, unsigned long long viewer, const unsigned long long *ids,
		      size_t n, struct viewer_marks *out)
{
	unsigned long long vals[VIEWER_PARAMS];
	struct db_rows rows;
	size_t k = 0;
	int rc;

	if (n > BATCH_MAX)
		n = BATCH_MAX;
	memset(out, 0, sizeof(*out));
	out->likes = arena_calloc(a, n + 1, sizeof(*out->likes));
	out->reposted = arena_calloc(a, n + 1, sizeof(*out->reposted));
	if (!out->likes || !out->reposted)
		return DB_ERR;
	memset(vals, 0, sizeof(vals));
	vals[k++] = viewer;
	vals[k++] = viewer;
	vals[k++] = viewer;
	vals[k++] = viewer;
	memcpy(vals + k, ids, n * sizeof(*ids));
	k += BATCH_MAX;
	vals[k++] = viewer;
	memcpy(vals + k, ids, n * sizeof(*ids));
	k += BATCH_MAX;
	vals[k++] = viewer;
	rc = db_query_u64s(db, a, &rows, 3 * BLOCKS_HIDDEN_MAX + 2 * BATCH_MAX + 1, VIEWER_MARKS_SQL, vals, k);
	if (rc != DB_OK)
		return rc;
	out->hidden = arena_calloc(a, rows.nrows + 1, sizeof(*out->hidden));
	if (!out->hidden)
		return DB_ERR;
	for (size_t i = 0; i < rows.nrows; i++)
		viewer_mark(out, ids, n, db_cell(&rows, i, 0)->ptr[0], db_cell_u64(&rows, i, 1),
			    db_cell(&rows, i, 2)->ptr ? db_cell(&rows, i, 2)->ptr : "");
	return DB_OK;
}
