/* knn_bench.c - queries per second of lieux_search() for the nearest places,
 * in process, over a list of query points (bench/knn.sh compares it with
 * PostGIS).
 *
 * Usage: knn_bench DB POINTS.csv [--limit K] [--runs R] [--api] [--dump N]
 *
 * POINTS.csv has a header and rows "i,lat,lon" (bench/gen_lieux.py points).
 * The database is opened read-only. Each run queries every point once, in
 * file order, with has_point set and limit K (default 10), and prints
 *   run R queries Q seconds S qps X hits H
 * after one untimed warm-up pass over the first 1,000 points. Default: all
 * places (include_private = 1), the same set PostGIS gets from lieu_geo;
 * --api uses the API's defaults instead (places that do not receive the
 * public are left out, which joins the table lieu).
 * --dump N prints "i rank id km" for the first N points and no timing (the
 * correctness check of knn.sh compares it with PostGIS).
 *
 * Build (from the repository root, after make):
 *   cc -O2 -std=c11 -D_GNU_SOURCE -Isrc -Ibuild/gen bench/knn_bench.c \
 *      build/libpasserelle.a -lmicrohttpd -ljansson -lsqlite3 -lm -lpthread */
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
static long query(struct db *d, const struct pt *p, int limit, int api, FILE *dump)
{
    struct lieux_query q;
    memset(&q, 0, sizeof q);
    q.has_point = 1;
    q.lat = p->lat;
    q.lon = p->lon;
    q.limit = limit;
    q.include_private = !api;
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

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: knn_bench DB POINTS.csv [--limit K] [--runs R] [--api] "
                        "[--dump N]\n");
        return 2;
    }
    int limit = 10, runs = 1, api = 0;
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
        for (size_t k = 0; k < n; k++) {
            long h = query(&d, &pts[k], limit, api, NULL);
            if (h < 0) {
                rc = 1;
                goto out;
            }
            hits += h;
        }
        double s = now_s() - t0;
        printf("run %d queries %zu seconds %.4f qps %.0f hits %ld\n", run, n, s, (double)n / s,
               hits);
        fflush(stdout);
    }
out:
    db_close(&d);
    free(pts);
    return rc;
}
