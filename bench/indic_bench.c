/* indic_bench.c - the territorial diagnostic's two heavy computations,
 * timed in process with build/libpasserelle.a, each by the recomputation's
 * own code (territoires/indicateurs.h):
 *
 *   indic_bench DB distances CAT [--dump FILE]
 *       distance from every commune's point to the nearest place of category
 *       CAT ("tous", "france-services"...): grid index within 60 km, else
 *       every place; prints "communes=N seconds=S".
 *   indic_bench DB ifn VARIANT [--dump FILE]
 *       the IFN of VARIANT aggregated to every territory (population-
 *       weighted means of the communes' sub-scores, total = mean of the
 *       sub-scores); prints "territoires=N seconds=S".
 *
 * --dump writes the results (code,km,id or niveau,code,total,5 sub-scores)
 * for bench/indicateurs.sh to compare with PostGIS and with SQLite's SQL.
 * Seconds include reading the database (territories, places or IFN rows). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/db.h"
#include "territoires/indicateurs.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: indic_bench DB distances CAT | ifn VARIANT [--dump FILE]\n");
        return 2;
    }
    const char *dump = argc == 6 && strcmp(argv[4], "--dump") == 0 ? argv[5] : NULL;
    struct db d;
    if (db_open(&d, argv[1], 1) < 0) {
        fprintf(stderr, "%s: %s\n", argv[1], d.err);
        return 1;
    }
    char err[512];
    int rc = 0;
    if (strcmp(argv[2], "distances") == 0) {
        int cat = indic_categorie_index(argv[3]);
        struct indic_distance *v;
        double t0 = now();
        long n = indic_distances(&d, cat, &v, err, sizeof err);
        double t1 = now();
        if (n < 0) {
            fprintf(stderr, "%s\n", err);
            rc = 1;
        } else {
            printf("communes=%ld seconds=%.6f\n", n, t1 - t0);
            FILE *f = dump ? fopen(dump, "w") : NULL;
            for (long i = 0; f && i < n; i++)
                if (!isnan(v[i].km))
                    fprintf(f, "%s %lld %.9f\n", v[i].code, v[i].lieu, v[i].km);
            if (f)
                fclose(f);
            free(v);
        }
    } else if (strcmp(argv[2], "ifn") == 0) {
        struct indic_ifn_agregat *v;
        double t0 = now();
        long n = indic_ifn_agreger(&d, argv[3], &v, err, sizeof err);
        double t1 = now();
        if (n < 0) {
            fprintf(stderr, "%s\n", err);
            rc = 1;
        } else {
            printf("territoires=%ld seconds=%.6f\n", n, t1 - t0);
            FILE *f = dump ? fopen(dump, "w") : NULL;
            for (long i = 0; f && i < n; i++) {
                fprintf(f, "%s|%s|%.9f", v[i].niveau, v[i].code, v[i].total);
                for (int a = 0; a < IFN__AXES; a++)
                    if (isnan(v[i].v[a]))
                        fprintf(f, "|");
                    else
                        fprintf(f, "|%.9f", v[i].v[a]);
                fprintf(f, "\n");
            }
            if (f)
                fclose(f);
            free(v);
        }
    } else {
        fprintf(stderr, "unknown mode %s\n", argv[2]);
        rc = 2;
    }
    db_close(&d);
    return rc;
}
