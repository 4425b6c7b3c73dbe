/* diag_stats_bench.c - the diagnostic statistics at scale, linked with the
 * library (bench/diagnostic_stats.sh builds and runs it).
 *
 *   diag_stats_bench load DB N   N synthetic finished diagnostics on the
 *                                real communes of DB (bulk SQL), then the
 *                                counters rebuilt (diag_agregats_rebuild);
 *                                prints timings and sizes
 *   diag_stats_bench stats DB    a mix of requests (France, régions,
 *                                départements, EPCI, communes; all time,
 *                                years, months, arbitrary periods): the
 *                                counters (diag_store_counts) against
 *                                counting the sessions with their indexes
 *                                (diag_store_counts_sql), side by side,
 *                                every result checked equal
 * The cost of keeping the counters when a session is finished is measured
 * end to end by bench/diagnostic.sh (offline submissions per second).
 *
 * Synthetic data: finished between 2024-01-01 and 2026-11-24; communes
 * weighted by population (the commune of a session is the one where help
 * is sought); 10 % without a commune; a third in professional mode; 5
 * domains with levels 0-3, 0-3 barriers among 8, 0-3 needs among 10;
 * durations of 4 to 25 minutes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/jour.h"
#include "diagnostic/diag_agregats.h"
#include "diagnostic/diag_store.h"
#include "store/db.h"

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void die(struct db *d, const char *what)
{
    fprintf(stderr, "diag_stats_bench: %s: %s\n", what, d->err);
    exit(1);
}

static void exec_or_die(struct db *d, const char *sql, const char *what)
{
    if (db_exec(d, sql) < 0)
        die(d, what);
}

static long long one(struct db *d, const char *sql)
{
    sqlite3_stmt *st = db_prepare(d, sql);
    if (!st)
        die(d, sql);
    long long v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    sqlite3_finalize(st);
    return v;
}

/* Sessions i in [1, n]: everything derived from i by SQL arithmetic
 * (deterministic), communes drawn by cumulative population. */
static void load(struct db *d, long n)
{
    double t0 = now_s();
    exec_or_die(d, "DROP TABLE IF EXISTS temp.w;"
                   "CREATE TEMP TABLE w AS SELECT code, departement, region, epci, "
                   "sum(population) OVER (ORDER BY code) AS hi FROM commune WHERE population > 0;"
                   "CREATE INDEX temp.w_hi ON w(hi)", "communes");
    long long total = one(d, "SELECT max(hi) FROM temp.w");
    if (total <= 0) {
        fprintf(stderr, "diag_stats_bench: no commune with a population in this database\n");
        exit(1);
    }
    char sql[4096];
    snprintf(sql, sizeof sql,
             "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %ld), "
             "r AS (SELECT i, (i * 2654435761) %% 4294967291 AS h, "
             " 1704067200 + (i * 40503) %% 90374400 AS t FROM n) "
             "INSERT INTO diagnostic_session (cle, banque_version, mode, langue, revision, "
             "created_at, updated_at, termine_at, commune, departement, region, epci, score, "
             "autonomie_calculee, autonomie) "
             "SELECT 'bench-' || i || '-0123456789abcdef', '1', "
             "CASE WHEN h %% 3 = 0 THEN 'pro' ELSE 'autonome' END, 'fr', 1, "
             "strftime('%%Y-%%m-%%dT%%H:%%M:%%SZ', t - 240 - h %% 1260, 'unixepoch'), "
             "strftime('%%Y-%%m-%%dT%%H:%%M:%%SZ', t, 'unixepoch'), "
             "strftime('%%Y-%%m-%%dT%%H:%%M:%%SZ', t, 'unixepoch'), "
             "c.code, c.departement, c.region, c.epci, h %% 101, 1 + h %% 4, 1 + (h / 7) %% 4 "
             "FROM r LEFT JOIN temp.w c ON h %% 10 <> 0 AND c.hi = (SELECT min(hi) FROM temp.w "
             " WHERE hi > (h * 7) %% %lld)",
             n, total);
    if (db_begin(d) < 0)
        die(d, "begin");
    exec_or_die(d, sql, "sessions");
    exec_or_die(d,
                "WITH RECURSIVE k(j) AS (SELECT 0 UNION ALL SELECT j + 1 FROM k WHERE j < 4) "
                "INSERT INTO diagnostic_domaine SELECT s.id, 'domaine-' || k.j, "
                "(s.id * 31 + k.j * 7) % 4 FROM diagnostic_session s, k WHERE s.cle LIKE 'bench-%';"
                "WITH RECURSIVE k(j) AS (SELECT 0 UNION ALL SELECT j + 1 FROM k WHERE j < 2) "
                "INSERT OR IGNORE INTO diagnostic_frein SELECT s.id, 'frein-' || ((s.id * 13 + k.j * 5) % 8) "
                "FROM diagnostic_session s, k WHERE s.cle LIKE 'bench-%' AND (s.id + k.j) % 3 = 0;"
                "WITH RECURSIVE k(j) AS (SELECT 0 UNION ALL SELECT j + 1 FROM k WHERE j < 2) "
                "INSERT OR IGNORE INTO diagnostic_besoin SELECT s.id, 'besoin-' || ((s.id * 17 + k.j * 3) % 10) "
                "FROM diagnostic_session s, k WHERE s.cle LIKE 'bench-%' AND (s.id + k.j) % 2 = 0",
                "results");
    if (db_commit(d) < 0)
        die(d, "commit");
    double t1 = now_s();
    long buckets;
    if (diag_agregats_rebuild(d, &buckets) < 0)
        die(d, "rebuild");
    double t2 = now_s();
    exec_or_die(d, "ANALYZE", "analyze");
    printf("load: %ld sessions in %.1f s; counters rebuilt in %.1f s: %ld buckets, %lld bytes\n", n,
           t1 - t0, t2 - t1, buckets, one(d, "SELECT sum(length(v)) FROM stat_agregat WHERE portee >= 16"));
}

struct query {
    const char *label, *niveau, *code, *depuis, *jusqu;
};

static double best_of(struct db *d, const struct diag_filter *f, int sql, int runs,
                      struct diag_counts *out)
{
    double best = 1e9;
    for (int i = 0; i < runs; i++) {
        double t0 = now_s();
        int r = sql ? diag_store_counts_sql(d, f, out) : diag_store_counts(d, f, out);
        double t = now_s() - t0;
        if (r < 0)
            die(d, "counts");
        if (t < best)
            best = t;
    }
    return best;
}

static int stats(struct db *d)
{
    /* the largest région, département, EPCI and commune by sessions, and a
     * small commune */
    char reg[8], dep[8], epci[16], big[8], small[8];
    static const char *const pick[] = {
        "SELECT region FROM diagnostic_session WHERE region IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC LIMIT 1",
        "SELECT departement FROM diagnostic_session WHERE departement IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC LIMIT 1",
        "SELECT epci FROM diagnostic_session WHERE epci IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC LIMIT 1",
        "SELECT commune FROM diagnostic_session WHERE commune IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC LIMIT 1",
        "SELECT commune FROM diagnostic_session WHERE commune IS NOT NULL GROUP BY 1 HAVING count(*) >= 20 ORDER BY count(*) LIMIT 1",
    };
    char *dst[] = {reg, dep, epci, big, small};
    size_t dn[] = {sizeof reg, sizeof dep, sizeof epci, sizeof big, sizeof small};
    for (int i = 0; i < 5; i++) {
        sqlite3_stmt *st = db_prepare(d, pick[i]);
        if (!st || sqlite3_step(st) != SQLITE_ROW)
            die(d, pick[i]);
        db_col_copy(st, 0, dst[i], dn[i]);
        sqlite3_finalize(st);
    }
    const struct query q[] = {
        {"France, all time", NULL, NULL, NULL, NULL},
        {"France, 12 months", NULL, NULL, "2025-12-01", "2026-11-30"},
        {"France, 2025-03-17..2026-02-08", NULL, NULL, "2025-03-17", "2026-02-08"},
        {"région, a year", "region", reg, "2025-01-01", "2025-12-31"},
        {"département, 12 months", "departement", dep, "2025-12-01", "2026-11-30"},
        {"département, a month", "departement", dep, "2026-10-01", "2026-10-31"},
        {"EPCI, 2026-02-10..2026-05-20", "epci", epci, "2026-02-10", "2026-05-20"},
        {"largest commune, a year", "commune", big, "2025-01-01", "2025-12-31"},
        {"small commune, all time", "commune", small, NULL, NULL},
    };
    printf("%-34s %10s %10s %12s %10s %6s\n", "request", "sessions", "counters", "count rows", "ratio",
           "equal");
    int bad = 0;
    double sum_a = 0, sum_b = 0;
    for (size_t i = 0; i < sizeof q / sizeof *q; i++) {
        struct diag_filter f = {.niveau = q[i].niveau, .code = q[i].code, .depuis = q[i].depuis,
                                .jusqu = q[i].jusqu};
        struct diag_counts a, b;
        double ta = best_of(d, &f, 0, 30, &a), tb = best_of(d, &f, 1, 3, &b);
        int eq = memcmp(&a, &b, sizeof a) == 0;
        bad += !eq;
        sum_a += ta;
        sum_b += tb;
        printf("%-34s %10ld %8.2f ms %9.1f ms %9.0fx %6s\n", q[i].label, b.total, ta * 1e3,
               tb * 1e3, tb / ta, eq ? "yes" : "NO");
    }
    printf("all %zu requests: counters %.2f ms, counting %.1f ms, ratio %.0fx; %s\n",
           sizeof q / sizeof *q, sum_a * 1e3, sum_b * 1e3, sum_b / sum_a,
           bad ? "SOME RESULTS DIFFER" : "every result equal");
    return bad ? 1 : 0;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: diag_stats_bench load DB N | stats DB\n");
        return 2;
    }
    struct db d;
    if (db_open(&d, argv[2], 0) < 0)
        die(&d, argv[2]);
    int r = 0;
    if (strcmp(argv[1], "load") == 0 && argc == 4)
        load(&d, atol(argv[3]));
    else if (strcmp(argv[1], "stats") == 0)
        r = stats(&d);
    else
        r = 2;
    db_close(&d);
    return r;
}
