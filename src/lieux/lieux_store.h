/* lieux_store.h - all SQL of the lieux domain (SQLite implementation).
 *
 * The import, publication, search and export code of src/lieux/ reach the
 * database only through these functions; a PostgreSQL backend would
 * provide the same functions in another file. Every statement is
 * parameterised. Functions return 0 on success and -1 with d->err set.
 *
 * struct lieux_writer caches the prepared statements of one import; open it
 * inside the import's transaction and close it before committing. */
#ifndef LIEUX_LIEUX_STORE_H
#define LIEUX_LIEUX_STORE_H
#include <sqlite3.h>

#include "lieux/lieu.h"
#include "store/db.h"

struct lieux_writer {
    struct db *d;
    long run_id;
    const char *source;
    char now[32];     /* ISO timestamp of the run (copied) */
    sqlite3_stmt *get_hash, *upsert, *touch, *issue;
};

enum lieux_upsert_result { LIEUX_UNCHANGED, LIEUX_NEW, LIEUX_UPDATED };

/* Start an import run row; fills w (statements prepared). */
int lieux_writer_open(struct lieux_writer *w, struct db *d, const char *source, const char *file,
                      const char *format, const char *encoding, const char *now);
/* Insert or update one place of the run's source, keyed on (source, id),
 * with its current commune when already known (NULL: resolved later by
 * lieux_writer_resolve_communes()). */
int lieux_writer_upsert(struct lieux_writer *w, const struct lieu *l, const char *hash,
                        const char *commune_code, enum lieux_upsert_result *res);
/* Record one issue of row `row` (1-based data row) at input line `line`. */
int lieux_writer_issue(struct lieux_writer *w, long row, long line, const char *record_id,
                       const struct lieu_issue *is);
/* Mark the source's places absent from this run as retired; *n gets count. */
int lieux_writer_retire_unseen(struct lieux_writer *w, long *n);
/* Number of this run's rows still without a commune (the import resolves
 * communes in memory, see territoires_resolver_find()). */
int lieux_writer_count_unresolved(struct lieux_writer *w, long *unresolved);
/* A row of this run still without a commune. has_coords says whether
 * lat/lon are set. */
struct unresolved_row {
    long long rowid;
    const char *commune, *code_postal;
    double lat, lon;
    int has_coords;
};
/* Calls fn(ctx, row) for each such row; fn returns 0 to go on, -1 to stop. */
int lieux_writer_each_unresolved(struct lieux_writer *w,
                                 int (*fn)(void *ctx, const struct unresolved_row *row),
                                 void *ctx);
/* Set the commune of one row. */
int lieux_writer_set_commune(struct lieux_writer *w, long long rowid, const char *code);
/* Release the statements without writing anything (the import failed). */
void lieux_writer_discard(struct lieux_writer *w);
/* Write the run's counters and finish time, and release the statements. */
int lieux_writer_close(struct lieux_writer *w, long rows, long imported, long rejected,
                       long unchanged, long retired);

/* The 32 standard columns, in the standard's order, for SELECT lists. */
#define LIEUX_COLUMNS \
    "id, pivot, nom, commune, code_postal, code_insee, adresse, complement_adresse, " \
    "latitude, longitude, typologie, telephone, courriels, site_web, horaires, " \
    "presentation_resume, presentation_detail, source, itinerance, structure_parente, " \
    "date_maj, services, publics_specifiquement_adresses, prise_en_charge_specifique, " \
    "frais_a_charge, dispositif_programmes_nationaux, formations_labels, " \
    "autres_formations_labels, modalites_acces, modalites_accompagnement, " \
    "fiche_acces_libre, prise_rdv"
/* Fill a struct lieu from 32 consecutive columns starting at `col`. */
int lieux_store_read_row(sqlite3_stmt *st, int col, struct lieu *l);

/* Retire every live place of a source (a producer that stopped
 * publishing); *n gets how many. Republish afterwards. */
int lieux_store_retire_source(struct db *d, const char *source, long *n);

#endif
