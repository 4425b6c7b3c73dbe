/* backup.h - copies of the database file while it is in use, and their
 * restoration, with SQLite's online backup API.
 *
 * db_backup() copies the live database (pages in steps, so the server
 * keeps serving and writing meanwhile; a step that meets a write in
 * progress waits and retries) into a new file, then checks the copy with
 * PRAGMA integrity_check. db_restore() checks a copy (integrity, schema
 * not newer than this binary's) and replaces the database's content with
 * it, in one step: readers see the old content or the new, never a mix.
 * Stop the server before restoring (its caches would hold the old data).
 * Errors: -1 with d->err. */
#ifndef STORE_BACKUP_H
#define STORE_BACKUP_H
#include "store/db.h"

/* Copy d into `path` (which must not exist). *pages gets the page count. */
int db_backup(struct db *d, const char *path, int *pages);
/* Check the copy at `path`: 0 when sound, -1 with d->err saying why. */
int db_check_copy(struct db *d, const char *path);
/* Replace d's content with the copy at `path` (checked first). */
int db_restore(struct db *d, const char *path);

#endif
