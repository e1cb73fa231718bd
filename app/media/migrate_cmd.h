#ifndef BB_MEDIA_MIGRATE_CMD_H
#define BB_MEDIA_MIGRATE_CMD_H
/*
 * `beaubelle admin media-migrate [--verify-only]`: copy the local media
 * store ([media] root) into the bucket of [s3], then check it.
 *
 * Every stored file (ROOT/ab/cd/<sha256>-<variant>.webp; temp files
 * left by a crash are skipped) is put under the same key, with its
 * SHA-256 in x-amz-content-sha256 so the store refuses a damaged body.
 * A key already in the bucket with the same size is not sent again, so
 * an interrupted run is simply run again: it resumes where it stopped.
 * Then every file is read back from the bucket and its SHA-256 compared
 * with the local file's. The last line gives the counts; the exit status
 * is 0 only when every file is in the bucket with the same bytes, and
 * only then does it tell the operator to switch ([media] backend = s3
 * and a reload). --verify-only skips the copy.
 */
struct conf;

int media_migrate_cmd(const struct conf *c, int argc, char **argv);

#endif
