/* reports.h - read-only listings of the lieux domain for pages and API:
 * the source records merged into a place, counts per territory, the
 * candidate duplicate pairs of the last run, import runs and their issues.
 * Every result struct owns its strings; free with the matching *_free().
 * Functions return 0 (or a count) and -1 with d->err on database error. */
#ifndef LIEUX_REPORTS_H
#define LIEUX_REPORTS_H
#include <stddef.h>
#include <stdio.h>

#include "store/db.h"

struct lieux_member {
    char *source, *id, *date_maj;
};
struct lieux_members {
    struct lieux_member *v;
    size_t n;
};
/* Source records merged into published place `lieu_id`. */
int lieux_members(struct db *d, long long lieu_id, struct lieux_members *out);
void lieux_members_free(struct lieux_members *m);

/* Published places (receiving the public) in a territory (niveau: commune,
 * epci, departement, region), or all when niveau is NULL. -1 on error. */
long lieux_count_in(struct db *d, const char *niveau, const char *code);

/* Count of places per territory of a level, for maps: fills codes/counts
 * (malloc'd arrays, parallel; free with free()). Returns 0 or -1. */
int lieux_counts_by(struct db *d, const char *niveau, char (**codes)[10], long **counts,
                    size_t *n);

struct dedup_side {
    char *source, *id, *nom, *adresse;
    long long lieu_id;
};
struct dedup_pair_row {
    int score, nom, voie, distance;
    char *decision;
    struct dedup_side side[2];
};
struct dedup_pairs_page {
    struct dedup_pair_row *v;
    size_t n;
    long total;
};
/* Candidate pairs of the last deduplication, best score first. */
int lieux_dedup_pairs(struct db *d, int page, int per_page, struct dedup_pairs_page *out);
void lieux_dedup_pairs_free(struct dedup_pairs_page *p);

struct import_run_row {
    long long id;
    char *source, *file, *format, *encoding, *started_at;
    long rows, imported, rejected, unchanged, retired;
};
struct import_runs {
    struct import_run_row *v;
    size_t n;
};
/* The 200 most recent import runs. */
int lieux_import_runs(struct db *d, struct import_runs *out);
void lieux_import_runs_free(struct import_runs *r);

struct import_issue_row {
    long row, line;
    char *record_id, *field, *value, *rule, *severity;
};
struct import_issues {
    struct import_issue_row *v;
    size_t n;
    long total;
};
int lieux_import_issues(struct db *d, long long run, int page, int per_page,
                        struct import_issues *out);
void lieux_import_issues_free(struct import_issues *is);

/* The per-row report of import run `run` (0: the last run) as
 * tab-separated lines with a header, to `out`. Returns 0 or -1. */
int lieux_report_print(struct db *d, long run, FILE *out);

#endif
