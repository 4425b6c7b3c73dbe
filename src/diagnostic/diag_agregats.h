/* diag_agregats.h - the statistics of finished diagnostics served from
 * counters kept per territory and calendar bucket (store/compteurs.h,
 * scopes STAT_PORTEE_DIAGNOSTIC + 0 France, 1 région, 2 département,
 * 3 EPCI, 4 commune where help is sought), so that France over four years
 * reads a few dozen rows whatever the number of diagnostics.
 *
 * A finished session is added once, in the transaction that finishes it
 * (it never changes afterwards and is never deleted alone): one counter
 * per key (all, professional mode, autonomy step, level of each domain,
 * each barrier and need, the duration to the minute) in its day, month
 * and year buckets of each scope. Domain, barrier and need ids are
 * numbered in table diag_etiquette. A period is cut into whole years,
 * months and days (jour_decoupe). The figures equal
 * diag_store_counts_sql(), which counts the sessions themselves (tested on
 * random sessions; compared at scale by bench/diagnostic_stats.sh).
 *
 * A database that had finished diagnostics before migration 009 is
 * counted from the sessions until its counters are built: by the server
 * when it starts, or by `passerelle diagnostic stats-reconstruire`
 * (meta diag_agregats = 1 once they are). */
#ifndef DIAGNOSTIC_DIAG_AGREGATS_H
#define DIAGNOSTIC_DIAG_AGREGATS_H
#include "diagnostic/diag_store.h"

/* Add finished session `session_id` to the counters, in the caller's
 * transaction (nothing while they are not built). 0 or -1 (d->err). */
int diag_agregats_add(struct db *d, long long session_id);
/* Recompute every counter from the finished sessions (upgrades, repairs,
 * bulk loads), in one transaction (the caller's when one is open).
 * *buckets (when not NULL): the buckets written. 0 or -1. */
int diag_agregats_rebuild(struct db *d, long *buckets);
/* Rebuild only when the counters were never built (*buckets -1 when
 * nothing was done). 0 or -1. */
int diag_agregats_ensure(struct db *d, long *buckets);
/* The raw counts of filter f from the counters: 1 done; 0 when f's dates
 * are not plain days YYYY-MM-DD or the counters are not built (the caller
 * counts the sessions instead); -1 on error. */
int diag_agregats_counts(struct db *d, const struct diag_filter *f, struct diag_counts *out);

#endif
