/* test_territoires.c - geo helpers, and the territories import and lookups
 * against the real data (COG from node_modules, coordinates and contours
 * from ../shared/data). Run from the project root. Data-dependent tests
 * print a "skip" line when the data is absent. */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "store/db.h"
#include "territoires/geo.h"
#include "territoires/territoires.h"

#define COG_DIR "node_modules/@etalab/decoupage-administratif/data"
#define COORDS_CSV "../shared/data/communes/communes.csv"
#define CONTOURS_DIR "../shared/data/boundaries"

static struct db db;
static char db_path[64];
static int have_db, have_shared;

/* ---- geo, no data needed ---- */

static json_t *parse(const char *s)
{
    json_t *j = json_loads(s, 0, NULL);
    CHECK(j != NULL);
    return j;
}

static void test_haversine(void)
{
    /* Paris (Hôtel de Ville) – Marseille (Vieux-Port): 660.5 km. */
    double km = geo_haversine_km(48.8566, 2.3522, 43.2965, 5.3698);
    CHECK(fabs(km - 661) < 5);
    CHECK(geo_haversine_km(45, 5, 45, 5) == 0);
    /* One degree of latitude is about 111.2 km. */
    CHECK(fabs(geo_haversine_km(0, 0, 1, 0) - 111.195) < 0.01);
    /* Antipodes: half the circumference. */
    CHECK(fabs(geo_haversine_km(0, 0, 0, 180) - M_PI * GEO_EARTH_RADIUS_KM) < 0.001);
}

static void test_centroid(void)
{
    double lat, lon;
    /* A square, counter-clockwise then clockwise: same centroid. */
    json_t *g = parse("{\"type\":\"Polygon\",\"coordinates\":[[[2,46],[3,46],[3,47],[2,47],[2,46]]]}");
    CHECK(geo_centroid(g, &lat, &lon) == 0);
    CHECK(fabs(lat - 46.5) < 1e-9 && fabs(lon - 2.5) < 1e-9);
    json_decref(g);
    CHECK(geo_centroid_text("{\"type\":\"Polygon\",\"coordinates\":[[[2,46],[2,47],[3,47],[3,46]]]}",
                            &lat, &lon) == 0);
    CHECK(fabs(lat - 46.5) < 1e-9 && fabs(lon - 2.5) < 1e-9);

    /* A hole in the east half pulls the centroid west, whatever the
     * orientation of the hole (here same as the exterior). */
    CHECK(geo_centroid_text("{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[4,0],[4,4],[0,4],[0,0]],"
                            "[[2,1],[3,1],[3,3],[2,3],[2,1]]]}", &lat, &lon) == 0);
    /* Areas (equator, cos ≈ 1 near lat 0): 16 at x=2, minus 2 at x=2.5 -> x = 27/14. */
    CHECK(fabs(lon - 27.0 / 14.0) < 1e-3);
    CHECK(fabs(lat - 2) < 1e-9);

    /* Exterior listed after the hole: the largest ring is the exterior. */
    CHECK(geo_centroid_text("{\"type\":\"Polygon\",\"coordinates\":[[[2,1],[3,1],[3,3],[2,3],[2,1]],"
                            "[[0,0],[0,4],[4,4],[4,0],[0,0]]]}", &lat, &lon) == 0);
    CHECK(fabs(lon - 27.0 / 14.0) < 1e-3);

    /* MultiPolygon: area-weighted (a 1x1 and a 3x3 square on the equator). */
    CHECK(geo_centroid_text("{\"type\":\"MultiPolygon\",\"coordinates\":["
                            "[[[0,0],[1,0],[1,1],[0,1],[0,0]]],"
                            "[[[10,0],[13,0],[13,3],[10,3],[10,0]]]]}", &lat, &lon) == 0);
    CHECK(fabs(lon - (0.5 * 1 + 11.5 * 9) / 10) < 1e-2);

    /* Accumulator over two pieces = the MultiPolygon. */
    struct geo_centroid acc = GEO_CENTROID_INIT;
    json_t *a = parse("{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}");
    json_t *b = parse("{\"type\":\"Feature\",\"properties\":{},\"geometry\":{\"type\":\"Polygon\","
                      "\"coordinates\":[[[10,0],[13,0],[13,3],[10,3],[10,0]]]}}");
    CHECK(geo_centroid_add(&acc, a) == 0);
    CHECK(geo_centroid_add(&acc, b) == 0);
    double lat2, lon2;
    CHECK(geo_centroid_get(&acc, &lat2, &lon2) == 0);
    CHECK(fabs(lat2 - lat) < 1e-9 && fabs(lon2 - lon) < 1e-9);
    json_decref(a);
    json_decref(b);

    /* Across the antimeridian (179°E .. 179°W): centroid at ±180. */
    CHECK(geo_centroid_text("{\"type\":\"Polygon\",\"coordinates\":[[[179,-1],[-179,-1],[-179,1],"
                            "[179,1],[179,-1]]]}", &lat, &lon) == 0);
    CHECK(fabs(fabs(lon) - 180) < 1e-6 && fabs(lat) < 1e-6);

    /* Degenerate ring: mean of vertices. Garbage: -1. */
    CHECK(geo_centroid_text("{\"type\":\"Polygon\",\"coordinates\":[[[1,1],[3,3],[1,1]]]}",
                            &lat, &lon) == 0);
    CHECK(fabs(lat - 5.0 / 3) < 1e-9);
    CHECK(geo_centroid_text("{\"type\":\"Point\",\"coordinates\":[1,1]}", &lat, &lon) < 0);
    CHECK(geo_centroid_text("{\"type\":\"Polygon\",\"coordinates\":[[[1,\"x\"]]]}", &lat, &lon) < 0);
    CHECK(geo_centroid_text("not json", &lat, &lon) < 0);
    CHECK(geo_centroid_text(NULL, &lat, &lon) < 0);
}

static void test_bbox(void)
{
    struct geo_bbox bb;
    CHECK(geo_bbox_text("{\"type\":\"MultiPolygon\",\"coordinates\":[[[[2,46],[3,46],[3,47],[2,46]]],"
                        "[[[-1,44],[0,44],[0,45.5],[-1,44]]]]}", &bb) == 0);
    CHECK(bb.min_lat == 44 && bb.max_lat == 47 && bb.min_lon == -1 && bb.max_lon == 3);
    CHECK(geo_bbox_text("{\"type\":\"Point\",\"coordinates\":[5.4,43.3]}", &bb) == 0);
    CHECK(bb.min_lat == 43.3 && bb.max_lon == 5.4);
    CHECK(geo_bbox_text("{\"type\":\"Polygon\",\"coordinates\":[]}", &bb) < 0);
    CHECK(geo_bbox_text("[]", &bb) < 0);
}

/* ---- import and lookups on the real data ---- */

static long count(const char *sql)
{
    sqlite3_stmt *st = db_prepare(&db, sql);
    long n = -1;
    if (st && sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}

static double elapsed(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

static void test_import_full(void)
{
    char err[256];
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int rc = territoires_import(&db, COG_DIR, COORDS_CSV, CONTOURS_DIR, stdout, err, sizeof err);
    printf("territoires: import COG + coordinates + contours: %.2f s\n", elapsed(&t0));
    CHECK(rc == 0);
    if (rc < 0)
        fprintf(stderr, "import: %s\n", err);
}

static void test_import_cog_only(void)
{
    char err[256];
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int rc = territoires_import(&db, COG_DIR, NULL, NULL, stdout, err, sizeof err);
    printf("territoires: import COG only: %.2f s\n", elapsed(&t0));
    CHECK(rc == 0);
    if (rc < 0)
        fprintf(stderr, "import: %s\n", err);
}

static void test_counts(void)
{
    CHECK(count("SELECT count(*) FROM commune") == 34969);
    CHECK(count("SELECT count(*) FROM region WHERE zone <> 'com'") == 18);
    CHECK(count("SELECT count(*) FROM departement WHERE zone <> 'com'") == 101);
    CHECK(count("SELECT count(*) FROM epci") == 1255);
    CHECK(count("SELECT count(*) FROM commune WHERE epci IS NOT NULL") == 34871);
    CHECK(count("SELECT count(*) FROM commune_code_postal") > 35000);
    CHECK(count("SELECT count(*) FROM commune_ancien_code") > 4000);
    CHECK(count("SELECT count(*) FROM commune_ancien_code WHERE type = 'arrondissement-municipal'") == 45);
    /* Every commune is attached to known département and région. */
    CHECK(count("SELECT count(*) FROM commune c WHERE NOT EXISTS"
                " (SELECT 1 FROM departement d WHERE d.code = c.departement AND d.region = c.region)") == 0);
    CHECK(count("SELECT count(*) FROM commune WHERE nom_fold = '' OR nom_fold IS NULL") == 0);
    char *s = db_meta_get(&db, "territoires.summary");
    CHECK(s != NULL && strstr(s, "34969 communes"));
    free(s);
}

static void test_coordinates(void)
{
    long csv = count("SELECT count(*) FROM commune WHERE coord_source = 'csv'");
    long contour = count("SELECT count(*) FROM commune WHERE coord_source = 'contour'");
    long none = count("SELECT count(*) FROM commune WHERE lat IS NULL");
    long none_fr = count("SELECT count(*) FROM commune c JOIN departement d ON d.code = c.departement"
                         " WHERE c.lat IS NULL AND d.zone <> 'com'");
    printf("territoires: coordinates csv %ld, contour %ld, none %ld (outside overseas"
           " collectivities: %ld)\n", csv, contour, none, none_fr);
    CHECK(csv > 34800);
    CHECK(contour > 0);
    CHECK(csv + contour + none == 34969);
    /* Without coordinates: overseas collectivities (no source covers them),
     * the 4 Cantal communes re-created in 2025 (after both sources) and 2
     * Vendée communes whose CSV row has no coordinates and that have no
     * 2018 contour (re-created since). */
    CHECK(none_fr <= 6);
    CHECK(count("SELECT count(*) FROM commune WHERE lat IS NOT NULL AND"
                " (lat NOT BETWEEN -90 AND 90 OR lon NOT BETWEEN -180 AND 180)") == 0);
    /* Metropolitan communes lie in metropolitan France. */
    CHECK(count("SELECT count(*) FROM commune c JOIN departement d ON d.code = c.departement"
                " WHERE d.zone = 'metro' AND (c.lat NOT BETWEEN 41.3 AND 51.1"
                " OR c.lon NOT BETWEEN -5.2 AND 9.6)") == 0);
}

/* Centroids we compute from the stored contours are within 5 km of the
 * CSV coordinates of the same communes (a sample of 200: every k-th). */
#define SAMPLE 200
static void test_centroid_vs_csv(void)
{
    long total = count("SELECT count(*) FROM commune c JOIN contour t ON t.niveau = 'commune'"
                       " AND t.code = c.code WHERE c.coord_source = 'csv'");
    CHECK(total > 34000);
    if (total < SAMPLE)
        return;
    sqlite3_stmt *st = db_prepare(&db, "SELECT c.code, c.nom, c.lat, c.lon, t.geojson FROM commune c"
                                       " JOIN contour t ON t.niveau = 'commune' AND t.code = c.code"
                                       " WHERE c.coord_source = 'csv' ORDER BY c.code");
    long i = 0, step = total / SAMPLE;
    int compared = 0, close = 0;
    double worst = 0;
    while (st && sqlite3_step(st) == SQLITE_ROW && compared < SAMPLE) {
        if (i++ % step)
            continue;
        double lat, lon;
        compared++;
        if (geo_centroid_text((const char *)sqlite3_column_text(st, 4), &lat, &lon) < 0)
            continue;
        double km = geo_haversine_km(lat, lon, sqlite3_column_double(st, 2),
                                     sqlite3_column_double(st, 3));
        if (km < 5)
            close++;
        else
            fprintf(stderr, "centroid of %s %s is %.1f km from the csv point\n",
                    (const char *)sqlite3_column_text(st, 0),
                    (const char *)sqlite3_column_text(st, 1), km);
        if (km > worst)
            worst = km;
    }
    sqlite3_finalize(st);
    printf("territoires: %d/%d contour centroids within 5 km of the csv point (worst %.2f km)\n",
           close, compared, worst);
    CHECK(compared == SAMPLE);
    CHECK(close == compared);
}

static void test_communes(void)
{
    struct territoire_commune c;
    char code[6];
    CHECK(territoires_commune(&db, "13055", &c) == 1);
    CHECK_STR(c.nom, "Marseille");
    CHECK(c.population > 800000);
    CHECK_STR(c.departement, "13");
    CHECK_STR(c.region, "93");
    CHECK_STR(c.epci, "200054807");
    CHECK(c.has_coords && fabs(c.lat - 43.3) < 0.2 && fabs(c.lon - 5.4) < 0.2);

    CHECK(territoires_resolve(&db, "13211", code) == 1);
    CHECK_STR(code, "13055");
    CHECK(territoires_resolve(&db, "01340", code) == 1);
    CHECK_STR(code, "01015");
    CHECK(territoires_resolve(&db, "1340", code) == 1); /* leading zero lost */
    CHECK_STR(code, "01015");
    CHECK(territoires_resolve(&db, " 75056 ", code) == 1);
    CHECK_STR(code, "75056");
    CHECK(territoires_resolve(&db, "75116", code) == 1);
    CHECK_STR(code, "75056");
    CHECK(territoires_resolve(&db, "69381", code) == 1);
    CHECK_STR(code, "69123");
    CHECK(territoires_resolve(&db, "2a004", code) == 1);
    CHECK_STR(code, "2A004");
    /* A commune déléguée -> its commune nouvelle (Bellegarde -> Valserhône). */
    CHECK(territoires_resolve(&db, "01091", code) == 1);
    CHECK_STR(code, "01033");
    CHECK(territoires_resolve(&db, "99999", code) == 0);
    CHECK(territoires_resolve(&db, "abc", code) == 0);
    CHECK(territoires_resolve(&db, "", code) == 0);
    CHECK(territoires_resolve(&db, "13055'; DROP TABLE commune; --", code) == 0);

    CHECK(territoires_commune(&db, "75056", &c) == 1);
    CHECK_STR(c.nom, "Paris");
    CHECK(c.population > 2000000);
    CHECK(c.has_coords && fabs(c.lat - 48.86) < 0.05 && fabs(c.lon - 2.35) < 0.05);
    CHECK(territoires_commune(&db, "13211", &c) == 1);
    CHECK_STR(c.code, "13055");
    /* EPCI membership of a known commune: Bourg-en-Bresse. */
    CHECK(territoires_commune(&db, "01053", &c) == 1);
    CHECK_STR(c.epci, "200071751");
    /* Overseas collectivity: a 3-character région code. */
    CHECK(territoires_commune(&db, "98818", &c) == 1);
    CHECK_STR(c.region, "988");
    CHECK_STR(c.epci, "");
}

static void test_postcodes(void)
{
    struct territoire_commune out[20];
    int n = territoires_communes_by_postcode(&db, "13011", out, 20);
    CHECK(n == 1);
    CHECK(n >= 1 && !strcmp(out[0].code, "13055"));
    n = territoires_communes_by_postcode(&db, "01300", out, 20);
    CHECK(n > 5);
    for (int i = 1; i < n; i++)
        CHECK(out[i - 1].population >= out[i].population);
    CHECK(territoires_communes_by_postcode(&db, "01300", out, 2) == 2);
    CHECK(territoires_communes_by_postcode(&db, "1300", out, 20) == n);
    CHECK(territoires_communes_by_postcode(&db, "00000", out, 20) == 0);
    CHECK(territoires_communes_by_postcode(&db, "x", out, 20) == 0);
}

static void test_search(void)
{
    struct territoire_commune out[10];
    int n = territoires_search_communes(&db, "Marseille", out, 10);
    CHECK(n >= 1 && !strcmp(out[0].code, "13055"));
    n = territoires_search_communes(&db, "marseille 13", out, 10);
    CHECK(n == 1 && !strcmp(out[0].code, "13055"));
    n = territoires_search_communes(&db, "MARSEILLE", out, 10);
    CHECK(n >= 1 && !strcmp(out[0].code, "13055"));
    /* Postcode first, then the INSEE code (13001 is Aix-en-Provence). */
    n = territoires_search_communes(&db, "13001", out, 10);
    CHECK(n == 2);
    CHECK(n >= 1 && !strcmp(out[0].code, "13055"));
    CHECK(n >= 2 && !strcmp(out[1].code, "13001"));
    n = territoires_search_communes(&db, "saint-etienne", out, 10);
    CHECK(n >= 1 && !strcmp(out[0].code, "42218"));
    n = territoires_search_communes(&db, "Saint Étienne", out, 10);
    CHECK(n >= 1 && !strcmp(out[0].code, "42218"));
    /* Word prefix inside the name, after exact and prefix matches. */
    n = territoires_search_communes(&db, "etienne", out, 10);
    CHECK(n == 10 && !strcmp(out[0].code, "42218"));
    /* Prefix, by population: "bordea" -> Bordeaux first. */
    n = territoires_search_communes(&db, "bordea", out, 10);
    CHECK(n >= 1 && !strcmp(out[0].code, "33063"));
    /* Exact names before longer ones: the two "Bourg", then Bourges. */
    n = territoires_search_communes(&db, "bourg", out, 3);
    CHECK(n == 3 && !strcmp(out[0].code, "33067") && !strcmp(out[1].code, "52062") &&
          !strcmp(out[2].code, "18033"));
    n = territoires_search_communes(&db, "paris 75011", out, 10);
    CHECK(n == 1 && !strcmp(out[0].code, "75056"));
    /* A trailing number is a département: "lyon 3" is Cognat-Lyonne (Allier)... */
    n = territoires_search_communes(&db, "lyon 3", out, 10);
    CHECK(n == 1 && !strcmp(out[0].code, "03080"));
    /* ... and when nothing matches in it, the name alone is searched. */
    n = territoires_search_communes(&db, "lyon 13", out, 10);
    CHECK(n >= 1 && !strcmp(out[0].code, "69123"));
    n = territoires_search_communes(&db, "lyon 69", out, 10);
    CHECK(n >= 2 && !strcmp(out[0].code, "69123") && !strcmp(out[1].code, "69202"));
    n = territoires_search_communes(&db, "ajaccio 2a", out, 10);
    CHECK(n == 1 && !strcmp(out[0].code, "2A004"));
    n = territoires_search_communes(&db, "13", out, 3); /* a département alone */
    CHECK(n == 3 && !strcmp(out[0].code, "13055"));
    CHECK(territoires_search_communes(&db, "", out, 10) == 0);
    CHECK(territoires_search_communes(&db, "   ", out, 10) == 0);
    CHECK(territoires_search_communes(&db, "zzzzzz", out, 10) == 0);
    CHECK(territoires_search_communes(&db, "%", out, 10) == 0);
    CHECK(territoires_search_communes(&db, "'", out, 10) == 0);

    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int i = 0; i < 50; i++)
        territoires_search_communes(&db, "saint", out, 10);
    double ms = elapsed(&t0) * 1000 / 50;
    printf("territoires: search \"saint\": %.2f ms\n", ms);
}

/* The word index (commune_mot) finds exactly what LIKE '% word%' over
 * every name finds, in the same order: 400 queries made of a later word
 * of real names, cut at random lengths, some with the next word too. */
static void test_search_words(void)
{
    sqlite3_stmt *pick = db_prepare(&db, "SELECT nom_fold FROM commune WHERE instr(nom_fold, ' ') > 0 "
                                         "ORDER BY code");
    sqlite3_stmt *want = db_prepare(
        &db, "SELECT code FROM commune c WHERE c.nom_fold >= ?1 AND c.nom_fold < ?2 "
             "OR c.nom_fold LIKE ?3 ORDER BY CASE WHEN c.nom_fold = ?1 THEN 0 "
             "WHEN c.nom_fold >= ?1 AND c.nom_fold < ?2 THEN 1 ELSE 2 END, "
             "c.population DESC, c.code LIMIT 10");
    CHECK(pick && want);
    if (!pick || !want)
        return;
    srand(7);
    int row = 0, done = 0, same = 0;
    while (sqlite3_step(pick) == SQLITE_ROW && done < 400) {
        if (row++ % 40 != 0)
            continue;
        const char *name = (const char *)sqlite3_column_text(pick, 0);
        const char *w = strchr(name, ' ') + 1;
        for (int k = rand() % 3; k > 0 && strchr(w, ' '); k--)
            w = strchr(w, ' ') + 1;
        char q[128], hi[128], like[140];
        size_t len = strlen(w);
        size_t cut = len <= 3 ? len : 3 + (size_t)rand() % (len - 2);
        snprintf(q, sizeof q, "%.*s", (int)cut, w);
        if (q[strlen(q) - 1] == ' ')
            q[strlen(q) - 1] = 0;
        snprintf(hi, sizeof hi, "%s", q);
        hi[strlen(hi) - 1]++;
        snprintf(like, sizeof like, "%% %s%%", q);
        sqlite3_reset(want);
        sqlite3_bind_text(want, 1, q, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(want, 2, hi, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(want, 3, like, -1, SQLITE_TRANSIENT);
        char codes[10][6];
        int nw = 0;
        while (nw < 10 && sqlite3_step(want) == SQLITE_ROW)
            snprintf(codes[nw++], 6, "%s", (const char *)sqlite3_column_text(want, 0));
        struct territoire_commune out[10];
        int n = territoires_search_communes(&db, q, out, 10);
        int ok = n == nw;
        for (int i = 0; ok && i < n; i++)
            ok = strcmp(out[i].code, codes[i]) == 0;
        if (!ok)
            fprintf(stderr, "  search \"%s\": %d results, %d by LIKE\n", q, n, nw);
        same += ok;
        done++;
    }
    sqlite3_finalize(pick);
    sqlite3_finalize(want);
    printf("territoires: %d word searches equal to LIKE over every name\n", same);
    CHECK(done >= 300 && same == done);
}

static void test_levels(void)
{
    struct territoire t;
    CHECK(territoires_get(&db, TERRITOIRE_DEPARTEMENT, "2A", &t) == 1);
    CHECK_STR(t.nom, "Corse-du-Sud");
    CHECK_STR(t.region, "94");
    CHECK(territoires_get(&db, TERRITOIRE_DEPARTEMENT, "2a", &t) == 1);
    CHECK(territoires_get(&db, TERRITOIRE_DEPARTEMENT, "1", &t) == 1);
    CHECK_STR(t.code, "01");
    CHECK(territoires_get(&db, TERRITOIRE_DEPARTEMENT, "13", &t) == 1);
    CHECK(t.communes == 119);
    CHECK(t.population > 1900000);
    CHECK_STR(t.chef_lieu, "13055");
    CHECK_STR(t.zone, "metro");
    if (access("../shared/data/communes/communes.csv", R_OK) == 0) /* coordinates loaded */
        CHECK(t.has_bbox && t.min_lat < 43.3 && t.max_lat > 43.8);

    CHECK(territoires_get(&db, TERRITOIRE_REGION, "84", &t) == 1);
    CHECK_STR(t.nom, "Auvergne-Rhône-Alpes");
    CHECK(t.population > 7500000);
    struct territoire_list l;
    CHECK(territoires_children(&db, TERRITOIRE_REGION, "84", TERRITOIRE_DEPARTEMENT, &l) == 0);
    CHECK(l.n == 12);
    CHECK(l.n == 12 && !strcmp(l.v[0].code, "01") && l.v[0].population > 600000);
    territoire_list_free(&l);

    CHECK(territoires_get(&db, TERRITOIRE_EPCI, "200054807", &t) == 1);
    CHECK_STR(t.type, "METRO");
    CHECK(t.population > 1800000);
    CHECK(t.communes == 92);
    CHECK_STR(t.departement, "13");
    CHECK_STR(t.region, "93");
    CHECK(territoires_children(&db, TERRITOIRE_EPCI, "200054807", TERRITOIRE_COMMUNE, &l) == 0);
    CHECK(l.n == 92);
    territoire_list_free(&l);
    CHECK(territoires_children(&db, TERRITOIRE_DEPARTEMENT, "13", TERRITOIRE_EPCI, &l) == 0);
    int found = 0;
    for (size_t i = 0; i < l.n; i++)
        found |= !strcmp(l.v[i].code, "200054807");
    CHECK(found);
    territoire_list_free(&l);
    CHECK(territoires_children(&db, TERRITOIRE_DEPARTEMENT, "13", TERRITOIRE_COMMUNE, &l) == 0);
    CHECK(l.n == 119);
    territoire_list_free(&l);
    CHECK(territoires_children(&db, TERRITOIRE_COMMUNE, "13055", TERRITOIRE_COMMUNE, &l) < 0);
    CHECK(territoires_children(&db, TERRITOIRE_DEPARTEMENT, "13", TERRITOIRE_REGION, &l) < 0);
    CHECK(territoires_children(&db, TERRITOIRE_REGION, "xx", TERRITOIRE_COMMUNE, &l) == 0 && l.n == 0);

    CHECK(territoires_get(&db, TERRITOIRE_COMMUNE, "13211", &t) == 1);
    CHECK_STR(t.code, "13055");
    CHECK_STR(t.epci, "200054807");
    CHECK(territoires_get(&db, TERRITOIRE_REGION, "99", &t) == 0);
    CHECK(territoires_get(&db, TERRITOIRE_EPCI, "", &t) == 0);

    char(*codes)[6];
    size_t n;
    CHECK(territoires_commune_codes(&db, TERRITOIRE_EPCI, "200054807", &codes, &n) == 0);
    CHECK(n == 92);
    int has = 0;
    for (size_t i = 0; i < n; i++)
        has |= !strcmp(codes[i], "13055");
    CHECK(has);
    free(codes);
    CHECK(territoires_commune_codes(&db, TERRITOIRE_REGION, "84", &codes, &n) == 0);
    CHECK(n > 4000);
    free(codes);
    CHECK(territoires_commune_codes(&db, TERRITOIRE_COMMUNE, "13211", &codes, &n) == 0);
    CHECK(n == 1 && !strcmp(codes[0], "13055"));
    free(codes);
    CHECK(territoires_commune_codes(&db, TERRITOIRE_COMMUNE, "00000", &codes, &n) == 0);
    CHECK(n == 0 && codes == NULL);

    CHECK(territoire_niveau_parse("Département") == TERRITOIRE_DEPARTEMENT);
    CHECK(territoire_niveau_parse("region") == TERRITOIRE_REGION);
    CHECK(territoire_niveau_parse("canton") == -1);
    CHECK_STR(territoire_niveau_nom(TERRITOIRE_EPCI), "epci");
}

static void test_contours(void)
{
    double lat, lon;
    char *g = territoires_contour(&db, TERRITOIRE_COMMUNE, "13211");
    CHECK(g && !strncmp(g, "{\"type\":", 8));
    CHECK(geo_centroid_text(g, &lat, &lon) == 0);
    CHECK(geo_haversine_km(lat, lon, 43.30, 5.42) < 10);
    free(g);
    /* Valserhône (2019) = 01033 + 01091 + 01205 of the 2018 contours:
     * merged into a MultiPolygon. */
    g = territoires_contour(&db, TERRITOIRE_COMMUNE, "01033");
    CHECK(g && !strncmp(g, "{\"type\":\"MultiPolygon\"", 22));
    json_t *j = g ? json_loads(g, 0, NULL) : NULL;
    CHECK(j && json_array_size(json_object_get(j, "coordinates")) >= 3);
    json_decref(j);
    free(g);
    g = territoires_contour(&db, TERRITOIRE_DEPARTEMENT, "2A");
    struct geo_bbox bb;
    CHECK(g && geo_bbox_text(g, &bb) == 0 && bb.min_lat > 41 && bb.max_lat < 42.5);
    free(g);
    g = territoires_contour(&db, TERRITOIRE_REGION, "84");
    CHECK(g && geo_centroid_text(g, &lat, &lon) == 0 && geo_haversine_km(lat, lon, 45.5, 4.5) < 100);
    free(g);
    g = territoires_contour(&db, TERRITOIRE_EPCI, "200054807");
    CHECK(g && !strncmp(g, "{\"type\":\"MultiPolygon\"", 22));
    CHECK(g && geo_bbox_text(g, &bb) == 0 && bb.min_lat > 43 && bb.max_lat < 44);
    free(g);
    CHECK(territoires_contour(&db, TERRITOIRE_COMMUNE, "99999") == NULL && db.err[0] == 0);
    CHECK(territoires_contour(&db, TERRITOIRE_EPCI, "123") == NULL && db.err[0] == 0);
    CHECK(count("SELECT count(*) FROM contour WHERE niveau = 'departement'") == 101);
    CHECK(count("SELECT count(*) FROM contour WHERE niveau = 'region'") == 18);
    CHECK(count("SELECT count(*) FROM contour WHERE niveau = 'commune'") > 34800);
}

static void test_cli(void)
{
    FILE *out = tmpfile(), *err = tmpfile();
    char buf[8192];
    CHECK(out && err);
    if (!out || !err)
        return;
    char *a1[] = {"territoires", "show", "13055"};
    CHECK(territoires_cli(&db, 3, a1, out, err) == 0);
    char *a2[] = {"show", "departement", "13"};
    CHECK(territoires_cli(&db, 3, a2, out, err) == 0);
    char *a3[] = {"show", "84"}; /* both a département and a région */
    CHECK(territoires_cli(&db, 2, a3, out, err) == 0);
    char *a4[] = {"show", "nowhere"};
    CHECK(territoires_cli(&db, 2, a4, out, err) == 1);
    char *a5[] = {"frobnicate"};
    CHECK(territoires_cli(&db, 1, a5, out, err) == 2);
    char *a6[] = {"import", "--cog"};
    CHECK(territoires_cli(&db, 2, a6, out, err) == 2);
    char *a7[] = {"import", "--cog", "/nonexistent"};
    CHECK(territoires_cli(&db, 3, a7, out, err) == 1);
    rewind(out);
    size_t n = fread(buf, 1, sizeof buf - 1, out);
    buf[n] = 0;
    CHECK(strstr(buf, "Commune 13055 Marseille") != NULL);
    CHECK(strstr(buf, "13001, 13002") != NULL);
    CHECK(strstr(buf, "13211 Marseille 11e Arrondissement") != NULL);
    CHECK(strstr(buf, "Département 13 Bouches-du-Rhône") != NULL);
    CHECK(strstr(buf, "Département 84 Vaucluse") != NULL);
    CHECK(strstr(buf, "Région 84 Auvergne-Rhône-Alpes") != NULL);
    rewind(err);
    n = fread(buf, 1, sizeof buf - 1, err);
    buf[n] = 0;
    CHECK(strstr(buf, "échec de l'import") != NULL);
    fclose(out);
    fclose(err);
}

/* A failed import leaves the previous data untouched. */
static void test_import_errors(void)
{
    char err[256];
    CHECK(territoires_import(&db, "/nonexistent", NULL, NULL, NULL, err, sizeof err) < 0);
    CHECK(strstr(err, "/nonexistent") != NULL);
    CHECK(territoires_import(&db, COG_DIR, "/nonexistent.csv", NULL, NULL, err, sizeof err) < 0);
    CHECK(strstr(err, "nonexistent.csv") != NULL);
    CHECK(territoires_import(&db, COG_DIR, NULL, "/nonexistent", NULL, err, sizeof err) < 0);
    CHECK(territoires_import(&db, COG_DIR, COG_DIR "/communes.json", NULL, NULL, err, sizeof err) < 0);
    CHECK(count("SELECT count(*) FROM commune") == 34969);
    CHECK(count("SELECT count(*) FROM commune WHERE coord_source = 'csv'") > 34800);
}

int main(void)
{
    RUN(test_haversine);
    RUN(test_centroid);
    RUN(test_bbox);

    if (access(COG_DIR "/communes.json", R_OK) != 0) {
        printf("skip: test_territoires import tests: %s absent (make setup)\n", COG_DIR);
        return CHECK_DONE();
    }
    have_shared = access(COORDS_CSV, R_OK) == 0 && access(CONTOURS_DIR, R_OK) == 0;
    snprintf(db_path, sizeof db_path, "/tmp/test_territoires_XXXXXX");
    int fd = mkstemp(db_path);
    CHECK(fd >= 0);
    if (fd >= 0)
        close(fd);
    have_db = fd >= 0 && db_open(&db, db_path, 0) == 0;
    CHECK(have_db);
    if (!have_db) {
        fprintf(stderr, "db_open: %s\n", db.err);
    } else if (have_shared) {
        RUN(test_import_full);
        RUN(test_counts);
        RUN(test_coordinates);
        RUN(test_centroid_vs_csv);
        RUN(test_communes);
        RUN(test_postcodes);
        RUN(test_search);
        RUN(test_search_words);
        RUN(test_levels);
        RUN(test_contours);
        RUN(test_cli);
        RUN(test_import_errors);
        /* Re-import without files: stored contours are kept and give the
         * coordinates of communes (no csv this time). */
        RUN(test_import_cog_only);
        CHECK(count("SELECT count(*) FROM contour WHERE niveau = 'commune'") > 34800);
        CHECK(count("SELECT count(*) FROM commune WHERE coord_source = 'contour'") > 34800);
    } else {
        printf("skip: test_territoires coordinates/contours tests: ../shared/data absent\n");
        RUN(test_import_cog_only);
        RUN(test_postcodes);
        RUN(test_levels);
    }
    if (have_db)
        db_close(&db);
    if (fd >= 0) {
        char p[80];
        unlink(db_path);
        snprintf(p, sizeof p, "%s-wal", db_path);
        unlink(p);
        snprintf(p, sizeof p, "%s-shm", db_path);
        unlink(p);
    }
    return CHECK_DONE();
}
