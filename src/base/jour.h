/* jour.h - calendar days as integers, for records dated by the day
 * (activities, statistics buckets).
 *
 * A day is the number of days since 1970-01-01 in the proleptic Gregorian
 * calendar (negative before). Dates are written "YYYY-MM-DD". The local
 * date of an instant is the one of metropolitan France (Europe/Paris:
 * UTC+1, +2 in summer by the EU rule), computed arithmetically so that it
 * does not depend on the process's TZ. None of these functions allocate;
 * none can fail but jour_parse(). */
#ifndef BASE_JOUR_H
#define BASE_JOUR_H
#include <time.h>

/* Days since 1970-01-01 of (y, m, d); m 1..12, d 1..31 (not checked). */
long jour_from_civil(int y, int m, int d);
/* The civil date of day j. */
void jour_to_civil(long j, int *y, int *m, int *d);
/* "YYYY-MM-DD" (exactly, a real date between 1900 and 2199) -> 0 and *j,
 * or -1. */
int jour_parse(const char *s, long *j);
/* Day j as "YYYY-MM-DD" into out[11]. */
void jour_format(long j, char out[11]);
/* The Europe/Paris local date of instant t. */
long jour_local(time_t t);
/* Number of days of month m of year y. */
int jour_month_days(int y, int m);

/* Calendar buckets of a period, for aggregates kept per day, month and
 * year: days [du, au] are cut into whole years where they fit, else whole
 * months, else single days, and fn(grain, from, to, arg) is called once
 * per run of consecutive buckets of one grain (JOUR_GRAIN_*), from and to
 * being the first days of the run's first and last buckets. A period of
 * any length gives at most five runs. Returns 0 or the first non-zero
 * value fn returned (the walk then stops). */
enum { JOUR_GRAIN_JOUR, JOUR_GRAIN_MOIS, JOUR_GRAIN_AN };
int jour_decoupe(long du, long au, int (*fn)(int grain, long from, long to, void *arg), void *arg);
/* The first day of the bucket of `grain` that holds day j. */
long jour_debut(int grain, long j);

#endif
