/* import.h - import a producer's file of places into the registry.
 *
 * One call imports one file, CSV or JSON, in the standard or through a
 * declared mapping (mapping.h), as ONE transaction: a crash or a kill
 * leaves the database as it was before. Every data row ends up either
 * imported or rejected; every rejected row and every corrected or dropped
 * value is recorded in import_issue (file, row, line, field, value, rule)
 * and rejected rows are also printed to the log. Re-importing the same
 * source is idempotent: rows are keyed on (source, id); unchanged rows are
 * only touched; rows missing from the new file are retired. After the rows
 * the registry is republished (deduplication and merge, publish.h). */
#ifndef LIEUX_IMPORT_H
#define LIEUX_IMPORT_H
#include <stdio.h>

#include "store/db.h"

struct import_opts {
    const char *source;   /* source name; NULL: the mapping's, else the file's base name */
    const char *mapping;  /* mapping name or file; NULL: detect from the columns */
    FILE *log;            /* report lines (rejections, summary); NULL: silent */
    int progress;         /* draw a progress bar on stderr (when it is a terminal) */
    int verbose;          /* also print every corrected or dropped value */
    int no_publish;       /* skip republication (bulk loads of several files) */
    int keep_unseen;      /* do not retire the source's rows missing from this file
                             (producers' API upserts) */
    const char *file_label; /* what import_run.file records (default: the name) */
};

struct import_stats {
    long run_id;
    long rows, imported, rejected, added, updated, unchanged, retired;
    long fixed, dropped;  /* values corrected / dropped in imported rows */
    long unresolved;      /* imported rows whose commune could not be found */
    char format[8], encoding[16], mapping[64], source[128];
};

/* When called inside an open transaction, the import runs in it (the
 * caller commits or rolls back: the producers' API checks its
 * preconditions and writes the journal in the same transaction); otherwise
 * it opens and commits its own. The source name "passerelle" is reserved
 * for the structures' own edits (publish.h, LIEUX_EDIT_SOURCE): an import
 * under it is refused. */

/* Import `path`. Returns 0 (even when rows were rejected), or -1 when the
 * file cannot be read or understood at all, or on a database error; err
 * then says what, where and why. */
int lieux_import_file(struct db *d, const char *path, const struct import_opts *o,
                      struct import_stats *st, char *err, size_t errlen);

/* Same, from a buffer already in memory (`name` is used in reports). */
int lieux_import_buffer(struct db *d, const char *name, const char *data, size_t len,
                        const struct import_opts *o, struct import_stats *st, char *err,
                        size_t errlen);

/* Check a place's OSM hours and store their canonical form: unreadable
 * hours are dropped with a LIEU_DROPPED issue saying where and why, a
 * rewrite that changes more than spacing is reported as LIEU_FIXED.
 * Returns 0, or -1 on OOM. */
struct lieu;
struct lieu_issues;
int lieux_check_horaires(struct lieu *l, struct lieu_issues *is);

#endif
