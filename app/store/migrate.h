#ifndef BB_MIGRATE_H
#define BB_MIGRATE_H
/*
 * Schema migrations: sql/NNNN_name.sql files applied in order, each
 * recorded in schema_migrations. Applying is idempotent and serialised by
 * a MariaDB named lock, so two hosts starting at once do not race.
 */
struct buf;
struct db;

/* Highest NNNN among the files in dir; 0 when none; -1 if unreadable. */
long migrate_latest(const char *dir);
/* Highest applied version, 0 when the table does not exist yet. */
int migrate_current(struct db *db, long *version);
/* Apply every pending file; prints one line per file applied to out. */
int migrate_apply(struct db *db, const char *dir, struct buf *out, struct buf *err);

#endif
