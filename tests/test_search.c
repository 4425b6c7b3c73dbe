/* test_search.c - search results equal brute force.
 *
 * Loads real places (../shared/data/lieux/cnfs.json and the France services
 * list when present, else the demo set), then for many random points
 * compares lieux_search() with an exhaustive computation done here: every
 * published place, haversine distance, filters checked by hand, sorted by
 * (distance, id). Also territory, text and opening-hours filters. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "lieux/horaires.h"
#include "lieux/import.h"
#include "lieux/publish.h"
#include "lieux/search.h"
#include "store/db.h"

struct row {
    long long id;
    double lat, lon, km;
    char services[400], horaires[200], dep[4], itin[40];
};

static struct row *rows;
static size_t nrows;

static int import_file(struct db *d, const char *path)
{
    struct import_opts o = {.no_publish = 1};
    struct import_stats st;
    char err[512];
    if (lieux_import_file(d, path, &o, &st, err, sizeof err) < 0) {
        fprintf(stderr, "%s\n", err);
        return -1;
    }
    return 0;
}

static void load_rows(struct db *d)
{
    sqlite3_stmt *st = db_prepare(d, "SELECT pid, lat, lon, coalesce(services, ''), "
                                     "coalesce(horaires, ''), coalesce(departement, ''), "
                                     "coalesce(itinerance, '') FROM lieu "
                                     "WHERE prive = 0 AND lat IS NOT NULL");
    size_t cap = 0;
    while (st && sqlite3_step(st) == SQLITE_ROW) {
        if (nrows == cap) {
            cap = cap ? cap * 2 : 1024;
            rows = realloc(rows, cap * sizeof *rows);
        }
        struct row *r = &rows[nrows++];
        r->id = sqlite3_column_int64(st, 0);
        r->lat = sqlite3_column_double(st, 1);
        r->lon = sqlite3_column_double(st, 2);
        snprintf(r->services, sizeof r->services, "%s", sqlite3_column_text(st, 3));
        snprintf(r->horaires, sizeof r->horaires, "%s", sqlite3_column_text(st, 4));
        snprintf(r->dep, sizeof r->dep, "%s", sqlite3_column_text(st, 5));
        snprintf(r->itin, sizeof r->itin, "%s", sqlite3_column_text(st, 6));
    }
    sqlite3_finalize(st);
}

static int cmp_row(const void *a, const void *b)
{
    const struct row *x = a, *y = b;
    if (x->km != y->km)
        return x->km < y->km ? -1 : 1;
    return x->id < y->id ? -1 : x->id > y->id;
}

static int has_value(const char *list, const char *v)
{
    size_t n = strlen(v);
    for (const char *p = list; (p = strstr(p, v)); p++)
        if ((p == list || p[-1] == '|') && (p[n] == 0 || p[n] == '|'))
            return 1;
    return 0;
}

static int open_saturday_morning(const char *h)
{
    struct horaires *p = *h ? horaires_parse(h, NULL) : NULL;
    int ok = p && horaires_open_during(p, 6, 8 * 60, 12 * 60);
    horaires_free(p);
    return ok;
}

/* Brute force: nearest k with optional service / itinerance / Saturday filters. */
static size_t brute(double lat, double lon, const char *service, const char *itin, int saturday,
                    double max_km, struct row *out, size_t k)
{
    size_t m = 0;
    static struct row *tmp;
    tmp = realloc(tmp, (nrows ? nrows : 1) * sizeof *tmp);
    for (size_t i = 0; i < nrows; i++) {
        struct row r = rows[i];
        if (service && !has_value(r.services, service))
            continue;
        if (itin && !has_value(r.itin, itin))
            continue;
        if (saturday && !open_saturday_morning(r.horaires))
            continue;
        r.km = lieux_haversine_km(lat, lon, r.lat, r.lon);
        if (max_km > 0 && r.km > max_km)
            continue;
        tmp[m++] = r;
    }
    qsort(tmp, m, sizeof *tmp, cmp_row);
    size_t n = m < k ? m : k;
    memcpy(out, tmp, n * sizeof *out);
    return n;
}

static unsigned long long rng = 88172645463325252ULL;
static double rnd(double lo, double hi)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return lo + (hi - lo) * (double)(rng % 1000000) / 1e6;
}

static int same(const struct lieux_results *r, const struct row *b, size_t nb)
{
    if (r->n != nb) {
        fprintf(stderr, "  got %zu results, brute force %zu\n", r->n, nb);
        return 0;
    }
    for (size_t i = 0; i < nb; i++) {
        if (r->v[i].id != b[i].id || fabs(r->v[i].km - b[i].km) > 1e-9) {
            fprintf(stderr, "  #%zu: got %lld at %.6f km, brute force %lld at %.6f km\n", i,
                    r->v[i].id, r->v[i].km, b[i].id, b[i].km);
            return 0;
        }
    }
    return 1;
}

static struct db d;

static void test_nearest_equals_brute_force(void)
{
    struct row expect[50];
    /* A point where an early stop once missed a nearer place to the east
     * (found by the PostGIS comparison of bench/knn.sh). */
    {
        struct lieux_query q = {.has_point = 1, .lat = 46.362246, .lon = 3.024061, .limit = 10};
        struct lieux_results r;
        if (lieux_search(&d, &q, &r) == 0) {
            size_t nb = brute(q.lat, q.lon, NULL, NULL, 0, 0, expect, 10);
            CHECK(same(&r, expect, nb));
            lieux_results_free(&r);
        }
    }
    int ok = 0, total = 600;
    for (int i = 0; i < total; i++) {
        /* mostly metropolitan France, some overseas and far away points */
        double lat = i % 10 == 9 ? rnd(-25, 20) : rnd(42, 51);
        double lon = i % 10 == 9 ? rnd(-65, 170) : rnd(-5, 8);
        struct lieux_query q = {.has_point = 1, .lat = lat, .lon = lon, .limit = 10};
        if (i % 3 == 1)
            q.limit = 1 + i % 40, q.offset = i % 7;
        if (i % 5 == 2)
            q.max_km = 20;
        struct lieux_results r;
        if (lieux_search(&d, &q, &r) < 0)
            break;
        size_t nb = brute(lat, lon, NULL, NULL, 0, q.max_km, expect, (size_t)(q.limit + q.offset));
        size_t off = (size_t)q.offset < nb ? (size_t)q.offset : nb;
        ok += same(&r, expect + off, nb - off);
        lieux_results_free(&r);
    }
    CHECK(ok == total);
}

static void test_filters_equal_brute_force(void)
{
    const char *services[] = {"Aide aux démarches administratives",
                              "Maîtrise des outils numériques du quotidien",
                              "Compréhension du monde numérique"};
    struct row expect[20];
    int ok = 0, total = 90;
    for (int i = 0; i < total; i++) {
        double lat = rnd(43, 50), lon = rnd(-2, 7);
        struct lieux_query q = {.has_point = 1, .lat = lat, .lon = lon, .limit = 20};
        const char *svc = services[i % 3];
        const char *itin = i % 5 == 0 ? "Itinérant" : NULL;
        int sat = i % 2;
        double km = i % 4 == 0 ? 30 : 0;
        lieux_query_filter(&q, LF_SERVICES, svc);
        if (itin)
            lieux_query_filter(&q, LF_ITINERANCE, itin);
        if (sat)
            q.open = SEARCH_OPEN_DURING, q.wday = 6, q.from_min = 8 * 60, q.to_min = 12 * 60;
        q.max_km = km;
        struct lieux_results r;
        if (lieux_search(&d, &q, &r) < 0)
            break;
        size_t nb = brute(lat, lon, svc, itin, sat, km, expect, 20);
        ok += same(&r, expect, nb);
        lieux_results_free(&r);
    }
    CHECK(ok == total);
}

static void test_territory_and_text(void)
{
    /* places of a département, by name: count equals the table's */
    struct lieux_query q = {.niveau = "departement", .code = "13", .limit = 500};
    struct lieux_results r;
    CHECK(lieux_search(&d, &q, &r) == 0);
    long expect = 0;
    for (size_t i = 0; i < nrows; i++)
        expect += strcmp(rows[i].dep, "13") == 0;
    sqlite3_stmt *st = db_prepare(&d, "SELECT count(*) FROM lieu WHERE prive = 0 AND departement = '13'");
    long all = st && sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
    sqlite3_finalize(st);
    CHECK(r.total == all);
    CHECK(all >= expect);
    for (size_t i = 1; i < r.n; i++)
        CHECK(strcasecmp(lieu_get(&r.v[i - 1].l, LF_NOM), lieu_get(&r.v[i].l, LF_NOM)) <= 0);
    lieux_results_free(&r);

    /* full text: every result contains the word in name, address or commune */
    struct lieux_query t = {.text = "mediatheque", .limit = 50};
    CHECK(lieux_search(&d, &t, &r) == 0);
    CHECK(r.total > 0);
    int all_match = 1;
    for (size_t i = 0; i < r.n; i++) {
        char hay[1024];
        snprintf(hay, sizeof hay, "%s %s %s", lieu_get(&r.v[i].l, LF_NOM),
                 lieu_get(&r.v[i].l, LF_ADRESSE), lieu_get(&r.v[i].l, LF_COMMUNE));
        all_match &= strcasestr(hay, "diath") != NULL;
    }
    CHECK(all_match);
    lieux_results_free(&r);
    /* hostile text does not break the FTS syntax */
    struct lieux_query h = {.text = "\"* OR NEAR( ) AND -", .limit = 5};
    CHECK(lieux_search(&d, &h, &r) == 0);
    lieux_results_free(&r);
}

/* More than 20,000 places: the grid uses finer cells; still exact. */
static void test_dense_grid_equals_brute_force(void)
{
    struct db m;
    if (db_open(&m, ":memory:", 0) < 0)
        return;
    enum { N = 30000 };
    static double plat[N], plon[N];
    db_exec(&m, "BEGIN");
    sqlite3_stmt *a = db_prepare(&m, "INSERT INTO lieu(pid, id, nom, prive) VALUES (?1, ?1, 'x', ?2)");
    sqlite3_stmt *g = db_prepare(&m, "INSERT INTO lieu_geo VALUES (?1, ?2, ?2, ?3, ?3, ?2, ?3)");
    for (int i = 0; i < N; i++) {
        /* dense around Lyon, sparse elsewhere, some in Réunion */
        plat[i] = i % 10 == 0 ? rnd(-21.4, -20.9) : i % 3 ? rnd(45.6, 45.9) : rnd(42, 51);
        plon[i] = i % 10 == 0 ? rnd(55.2, 55.8) : i % 3 ? rnd(4.7, 5.0) : rnd(-4, 8);
        if (i % 101 == 0) /* New Caledonia, Wallis, Polynesia: a grid wider than 180 degrees */
            plat[i] = rnd(-22.5, -13), plon[i] = i % 2 ? rnd(164, 168) : rnd(-178, -140);
        sqlite3_reset(a);
        sqlite3_bind_int(a, 1, i + 1);
        sqlite3_bind_int(a, 2, i % 17 == 0);
        sqlite3_step(a);
        sqlite3_reset(g);
        sqlite3_bind_int(g, 1, i + 1);
        sqlite3_bind_double(g, 2, plat[i]);
        sqlite3_bind_double(g, 3, plon[i]);
        sqlite3_step(g);
    }
    sqlite3_finalize(a);
    sqlite3_finalize(g);
    db_exec(&m, "COMMIT");
    int ok = 0, total = 200;
    for (int t = 0; t < total; t++) {
        double lat = t % 4 == 0 ? rnd(-22, -20) : rnd(44, 47), lon = t % 4 == 0 ? rnd(55, 56) : rnd(3, 6);
        if (t % 9 == 0) /* near the antimeridian */
            lat = rnd(-20, -14), lon = t % 2 ? rnd(175, 180) : rnd(-180, -175);
        struct lieux_query q = {.has_point = 1, .lat = lat, .lon = lon, .limit = 15, .ids_only = 1,
                                .include_private = t % 2, .max_km = t % 5 == 0 ? 3 : 0};
        struct lieux_results r;
        if (lieux_search(&m, &q, &r) < 0)
            break;
        struct row best[15];
        size_t nb = 0;
        for (int i = 0; i < N; i++) {
            if (!q.include_private && i % 17 == 0)
                continue;
            struct row x = {.id = i + 1, .km = lieux_haversine_km(lat, lon, plat[i], plon[i])};
            if (q.max_km > 0 && x.km > q.max_km)
                continue;
            size_t j;
            if (nb < 15) {
                j = nb++;
            } else {
                if (cmp_row(&x, &best[14]) >= 0)
                    continue;
                j = 14;
            }
            while (j > 0 && cmp_row(&x, &best[j - 1]) < 0) {
                best[j] = best[j - 1];
                j--;
            }
            best[j] = x;
        }
        ok += same(&r, best, nb);
        lieux_results_free(&r);
    }
    CHECK(ok == total);
    db_close(&m);
}

/* "Open now" in the place's local time: Paris summer time switches on the
 * last Sundays of March and October; La Réunion is UTC+4 all year. */
static void test_open_at_local_time(void)
{
    struct lieu l = {0};
    l.f[LF_CODE_INSEE] = "75056";
    l.f[LF_HORAIRES] = "Mo-Su 10:00-11:00";
    struct tm summer = {.tm_year = 126, .tm_mon = 2, .tm_mday = 29, .tm_hour = 8, .tm_min = 30};
    struct tm winter = {.tm_year = 126, .tm_mon = 2, .tm_mday = 28, .tm_hour = 8, .tm_min = 30};
    struct tm back = {.tm_year = 126, .tm_mon = 9, .tm_mday = 25, .tm_hour = 9, .tm_min = 30};
    CHECK(lieux_open_at(&l, timegm(&summer)) == 1); /* 10:30 CEST */
    CHECK(lieux_open_at(&l, timegm(&winter)) == 0); /* 09:30 CET */
    CHECK(lieux_open_at(&l, timegm(&back)) == 1);   /* 10:30 CET */
    l.f[LF_CODE_INSEE] = "97411";
    struct tm reunion = {.tm_year = 126, .tm_mon = 5, .tm_mday = 1, .tm_hour = 6, .tm_min = 30};
    CHECK(lieux_open_at(&l, timegm(&reunion)) == 1); /* 10:30 at UTC+4 */
    l.f[LF_HORAIRES] = NULL;
    CHECK(lieux_open_at(&l, timegm(&reunion)) == -1);
}

int main(void)
{
    if (db_open(&d, ":memory:", 0) < 0)
        return 1;
    int real = 0;
    if (import_file(&d, "../shared/data/lieux/cnfs.json") == 0 &&
        import_file(&d, "../shared/data/lieux/liste-fs-20221201.csv") == 0) {
        real = 1;
    } else if (import_file(&d, "data/demo/lieux-demo.csv") < 0) {
        return 1;
    }
    struct publish_stats ps;
    printf("%s data\n", real ? "real" : "demo");
    if (lieux_publish(&d, &ps) < 0)
        return 1;
    load_rows(&d);
    printf("%zu places with coordinates\n", nrows);
    RUN(test_nearest_equals_brute_force);
    RUN(test_filters_equal_brute_force);
    RUN(test_territory_and_text);
    RUN(test_dense_grid_equals_brute_force);
    RUN(test_open_at_local_time);
    db_close(&d);
    free(rows);
    return CHECK_DONE();
}
