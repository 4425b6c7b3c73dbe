/* knn_bench.c - queries per second of lieux_search() for the nearest places,
 * in process, over a list of query points (bench/knn.sh compares it with
 * PostGIS).
 *
 * Usage: knn_bench DB POINTS.csv [--limit K] [--runs R] [--api] [--ids] [--dump N]
 *                  [--txn | --sketch] [--stats]
 *
 * POINTS.csv has a header and rows "i,lat,lon" (bench/gen_lieux.py points).
 * The database is opened read-only. Each run queries every point once, in
 * file order, with has_point set and limit K (default 10), and prints
 *   run R queries Q seconds S qps X hits H
 * after one untimed warm-up pass over the first 1,000 points. Default: all
 * places (include_private = 1), the same set PostGIS gets from lieu_geo;
 * --api uses the API's defaults instead (places that do not receive the
 * public are left out). --ids sets ids_only: only ids and distances, no
 * row read (what the PostGIS query of knn.sh returns).
 * --dump N prints "i rank id km" for the first N points and no timing (the
 * correctness check of knn.sh compares it with PostGIS).
 *
 * Diagnostics (bench only, not the product; they tell where the time goes):
 *   --txn     lieux_search() unchanged, but each run holds one read
 *             transaction (BEGIN ... COMMIT around the run), so SQLite does
 *             not take and release the WAL read lock for every statement.
 *   --sketch  nearest places with the SQLite R*Tree (the approach
 *             lieux_search() used before its in-memory grid): boxes of
 *             growing radius, exact haversine, sort, with ONE statement
 *             prepared once, bound parameters, one read transaction per run,
 *             ids only (no row fetch).
 *   --stats   count the box scans and row fetches per query (sqlite3_trace_v2).
 *
 * Build (from the repository root, after make):
 *   cc -O2 -std=c11 -D_GNU_SOURCE -Isrc -Ibuild/gen bench/knn_bench.c \
 *      build/libpasserelle.a -lmicrohttpd -ljansson -lsqlite3 -lm -lpthread */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lieux/search.h"
#include "store/db.h"

struct pt {
    double lat, lon;
    long i;
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static struct pt *load_points(const char *path, size_t *n)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        perror(path);
        return NULL;
    }
    size_t cap = 16384, k = 0;
    struct pt *v = malloc(cap * sizeof *v);
    char line[256];
    while (v && fgets(line, sizeof line, f)) {
        struct pt p;
        if (sscanf(line, "%ld,%lf,%lf", &p.i, &p.lat, &p.lon) != 3)
            continue; /* header */
        if (k == cap) {
            cap *= 2;
            struct pt *w = realloc(v, cap * sizeof *v);
            if (!w) {
                free(v);
                v = NULL;
                break;
            }
            v = w;
        }
        v[k++] = p;
    }
    fclose(f);
    *n = k;
    return v;
}

/* Query one point; returns the number of hits or -1. */
static int ids_only;

static long query(struct db *d, const struct pt *p, int limit, int api, FILE *dump)
{
    struct lieux_query q;
    memset(&q, 0, sizeof q);
    q.has_point = 1;
    q.lat = p->lat;
    q.lon = p->lon;
    q.limit = limit;
    q.include_private = !api;
    q.ids_only = ids_only;
    struct lieux_results r;
    if (lieux_search(d, &q, &r) < 0) {
        fprintf(stderr, "knn_bench: lieux_search: %s\n", d->err);
        return -1;
    }
    long n = (long)r.n;
    for (size_t j = 0; dump && j < r.n; j++)
        fprintf(dump, "%ld %zu %lld %.9f\n", p->i, j + 1, r.v[j].id, r.v[j].km);
    lieux_results_free(&r);
    return n;
}

/* --sketch: nearest `limit` ids with one prepared R*Tree statement. */
struct cand {
    long long id;
    double km;
};

static int cmp_cand(const void *a, const void *b)
{
    const struct cand *x = a, *y = b;
    if (x->km != y->km)
        return x->km < y->km ? -1 : 1;
    return x->id < y->id ? -1 : x->id > y->id;
}

static long sketch(sqlite3_stmt *st, const struct pt *p, int limit, struct cand **v, size_t *cap)
{
    const double deg = 3.14159265358979323846 / 180.0;
    size_t n = 0;
    for (double r = 4;; r *= 2) {
        int last = r > 2500;
        double dlat = last ? 1e9 : r / 111.19 + 1e-6;
        double c = cos(p->lat * deg);
        double dlon = !last && c > 0.01 ? r / (111.19 * c) + 1e-6 : 360;
        if (dlon >= 180)
            dlon = 1e9;
        sqlite3_reset(st);
        sqlite3_bind_double(st, 1, p->lat - dlat);
        sqlite3_bind_double(st, 2, p->lat + dlat);
        sqlite3_bind_double(st, 3, p->lon - dlon);
        sqlite3_bind_double(st, 4, p->lon + dlon);
        n = 0;
        int rc;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            double km = lieux_haversine_km(p->lat, p->lon, sqlite3_column_double(st, 1),
                                           sqlite3_column_double(st, 2));
            if (!last && km > r)
                continue;
            if (n == *cap) {
                size_t nc = *cap ? *cap * 2 : 1024;
                struct cand *w = realloc(*v, nc * sizeof *w);
                if (!w)
                    return -1;
                *v = w;
                *cap = nc;
            }
            (*v)[n++] = (struct cand){sqlite3_column_int64(st, 0), km};
        }
        if (rc != SQLITE_DONE)
            return -1;
        if (n >= (size_t)limit || last)
            break;
    }
    sqlite3_reset(st);
    qsort(*v, n, sizeof **v, cmp_cand);
    return n < (size_t)limit ? (long)n : limit;
}

/* --stats: box scans (statements on lieu_geo) and row fetches run; the
 * R*Tree's own statements on its shadow tables are not counted. */
static long n_scans, n_fetches;
static int count_stmt(unsigned type, void *ctx, void *p, void *x)
{
    (void)type, (void)ctx, (void)p;
    const char *sql = x;
    if (sql && strncmp(sql, "SELECT", 6) == 0) {
        if (strstr(sql, "FROM lieu_geo"))
            n_scans++;
        else if (strstr(sql, "FROM lieu WHERE pid"))
            n_fetches++;
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: knn_bench DB POINTS.csv [--limit K] [--runs R] [--api] [--ids] "
                        "[--dump N] [--txn | --sketch] [--stats]\n");
        return 2;
    }
    int limit = 10, runs = 1, api = 0, txn = 0, sk = 0, stats = 0;
    long dump = 0;
    for (int i = 3; i < argc; i++) {
        if (strcmp(argv[i], "--limit") == 0 && i + 1 < argc)
            limit = atoi(argv[++i]);
        else if (strcmp(argv[i], "--runs") == 0 && i + 1 < argc)
            runs = atoi(argv[++i]);
        else if (strcmp(argv[i], "--dump") == 0 && i + 1 < argc)
            dump = atol(argv[++i]);
        else if (strcmp(argv[i], "--api") == 0)
            api = 1;
        else if (strcmp(argv[i], "--ids") == 0)
            ids_only = 1;
        else if (strcmp(argv[i], "--txn") == 0)
            txn = 1;
        else if (strcmp(argv[i], "--sketch") == 0)
            sk = 1;
        else if (strcmp(argv[i], "--stats") == 0)
            stats = 1;
        else {
            fprintf(stderr, "knn_bench: unknown option %s\n", argv[i]);
            return 2;
        }
    }
    size_t n;
    struct pt *pts = load_points(argv[2], &n);
    if (!pts || !n) {
        fprintf(stderr, "knn_bench: no points in %s\n", argv[2]);
        return 1;
    }
    struct db d;
    if (db_open(&d, argv[1], 1) < 0) {
        fprintf(stderr, "knn_bench: %s: %s\n", argv[1], d.err);
        return 1;
    }
    int rc = 0;
    sqlite3_stmt *skst = NULL;
    struct cand *cv = NULL;
    size_t ccap = 0;
    if (sk && sqlite3_prepare_v2(d.h, "SELECT id, lat, lon FROM lieu_geo WHERE max_lat >= ?1 "
                                      "AND min_lat <= ?2 AND max_lon >= ?3 AND min_lon <= ?4",
                                 -1, &skst, NULL) != SQLITE_OK) {
        fprintf(stderr, "knn_bench: %s\n", sqlite3_errmsg(d.h));
        rc = 1;
        goto out;
    }
    if (stats) {
        sqlite3_trace_v2(d.h, SQLITE_TRACE_STMT, count_stmt, NULL);
        long hits = 0;
        for (size_t k = 0; k < n; k++)
            hits += sk ? sketch(skst, &pts[k], limit, &cv, &ccap)
                       : query(&d, &pts[k], limit, api, NULL);
        printf("per query: R*Tree box scans %.2f, row fetches %.2f (hits %ld, queries %zu)\n",
               (double)n_scans / (double)n, (double)n_fetches / (double)n, hits, n);
        goto out;
    }
    if (dump) {
        for (size_t k = 0; k < n && (long)k < dump; k++)
            if (query(&d, &pts[k], limit, api, stdout) < 0)
                rc = 1;
        goto out;
    }
    for (size_t k = 0; k < n && k < 1000; k++)
        if (query(&d, &pts[k], limit, api, NULL) < 0) {
            rc = 1;
            goto out;
        }
    for (int run = 1; run <= runs; run++) {
        long hits = 0;
        double t0 = now_s();
        if ((txn || sk) && db_exec(&d, "BEGIN") < 0) {
            fprintf(stderr, "knn_bench: %s\n", d.err);
            rc = 1;
            goto out;
        }
        for (size_t k = 0; k < n; k++) {
            long h = sk ? sketch(skst, &pts[k], limit, &cv, &ccap)
                        : query(&d, &pts[k], limit, api, NULL);
            if (h < 0) {
                rc = 1;
                goto out;
            }
            hits += h;
        }
        if (txn || sk)
            db_exec(&d, "COMMIT");
        double s = now_s() - t0;
        printf("run %d queries %zu seconds %.4f qps %.0f hits %ld\n", run, n, s, (double)n / s,
               hits);
        fflush(stdout);
    }
out:
    sqlite3_finalize(skst);
    free(cv);
    db_close(&d);
    free(pts);
    return rc;
}
