/* stats.h - aggregated statistics of finished diagnostics for the
 * observatory: how many, by autonomy step, level per domain, barriers and
 * needs, median duration, for all of France or a territory (commune of
 * the orientation, its EPCI, département, région) and a period.
 *
 * Small counts are suppressed (statistical secrecy): a count from 1 to
 * DIAG_STATS_MIN - 1 is not shown (-1, "moins de 10"); when a
 * distribution that adds up to the total (the autonomy steps, one domain's
 * levels) would have exactly one hidden cell, the smallest other non-zero
 * cell is hidden too, so that no hidden count can be found by
 * subtraction; below DIAG_STATS_MIN sessions in all, only that fact is
 * shown. Zeros are shown. */
#ifndef DIAGNOSTIC_STATS_H
#define DIAGNOSTIC_STATS_H
#include "diagnostic/diag_store.h"

#define DIAG_STATS_MIN 10

/* Counts after suppression (hidden cells are -1; when the total is below
 * the threshold, secret is set and every count is -1). */
struct diag_stats {
    struct diag_counts c;
    int secret;
};

/* The statistics of filter f, from the counters of diag_agregats.h (a
 * few rows whatever the number of diagnostics). 0 or -1. */
int diag_stats(struct db *d, const struct diag_filter *f, struct diag_stats *out);
/* Apply the suppression rules to raw counts (exposed for tests). */
void diag_stats_suppress(const struct diag_counts *raw, struct diag_stats *out);
/* The statistics as JSON (the API's body), appended to out. */
void diag_stats_json(const struct diag_ref *ref, const struct diag_filter *f,
                     const struct diag_stats *s, struct buf *out);

#endif
