/* listings.h - read-only listings of the lieux domain shaped for the HTML
 * pages: counts of published places per territory, the list of
 * départements with their figures, the deduplication review pairs and the
 * import reports, with paging. (reports.h holds the API's listings.)
 *
 * Every statement is parameterised; column names come from fixed tables,
 * never from the request. Counts leave out places that do not receive the
 * public (lieu.prive = 1), like the search does.
 *
 * Errors: functions return -1 with an English message in d->err. Text
 * columns are copied into fixed buffers, cut on a UTF-8 boundary when too
 * long. Arrays filled by these functions are malloc'd and released with
 * free(). */
#ifndef LIEUX_LISTINGS_H
#define LIEUX_LISTINGS_H
#include <stddef.h>

#include "store/db.h"
#include "territoires/territoires.h"

/* Published places in (niveau, code). Returns the count, or -1. */
long listing_count_lieux(struct db *d, enum territoire_niveau niveau, const char *code);

struct listing_count {
    char code[10];
    long n;
};
struct listing_counts {
    struct listing_count *v; /* sorted by code */
    size_t n;
};

/* Published places per territory of level `child`, inside (parent, code),
 * or in all of France when parent_code is NULL. Territories without places
 * are absent. Returns 0 (out filled) or -1 (out empty). */
int listing_counts_by(struct db *d, enum territoire_niveau child, enum territoire_niveau parent,
                 const char *parent_code, struct listing_counts *out);
/* Count for `code` (0 when absent). */
long listing_counts_get(const struct listing_counts *c, const char *code);
void listing_counts_free(struct listing_counts *c);

struct listing_departement {
    char code[4];
    char nom[128];
    char zone[8];        /* metro, drom, com */
    char region[4];
    long population;     /* sum of its communes, -1 unknown */
    long lieux;          /* published places */
};
/* Every département, by code. *out is malloc'd (free()). Returns 0 or -1. */
int listing_departements(struct db *d, struct listing_departement **out, size_t *n);

/* ---- deduplication review ---- */

struct listing_pair_side {
    long long rowid;     /* lieu_source.rowid */
    long long lieu_id;   /* published place holding it, 0 when none */
    int retired;
    char source[96];
    char source_id[128];
    char nom[192];
    char adresse[192];
    char commune[96];
};
struct listing_pair {
    struct listing_pair_side a, b;
    int score, nom, voie, distance;
    char decision[48];
};

/* Number of pairs of the last deduplication, or -1. */
long listing_pairs_count(struct db *d);
/* Pairs by descending score (then a, b), at most `limit` from `offset`,
 * into out[limit]. Returns how many, or -1. */
int listing_pairs(struct db *d, long offset, int limit, struct listing_pair *out);

/* ---- import reports ---- */

struct listing_run {
    long id;
    char source[128];
    char file[256];
    char format[16];
    char started_at[32];
    char finished_at[32];
    long rows, imported, rejected, unchanged, retired;
    long issues;         /* rows of import_issue */
};

long listing_runs_count(struct db *d);
/* Runs, most recent first. Returns how many (<= limit), or -1. */
int listing_runs(struct db *d, long offset, int limit, struct listing_run *out);
/* One run: 1 found, 0 not, -1 error. */
int listing_run_get(struct db *d, long id, struct listing_run *out);

struct listing_issue {
    long row, line;
    char record_id[96];
    char field[64];
    char value[208];
    char rule[208];
    char severity[32];
};

/* Issues of a run, rejected rows only when `rejected_only`. */
long listing_issues_count(struct db *d, long run, int rejected_only);
/* In file order (row, then insertion). Returns how many, or -1. */
int listing_issues(struct db *d, long run, int rejected_only, long offset, int limit,
              struct listing_issue *out);

#endif
