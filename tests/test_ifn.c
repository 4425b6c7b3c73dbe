/* test_ifn.c - the territorial diagnostic without the real data: the IFN
 * file parser (every rule, encodings, the report), deciles, statistical
 * secrecy, the dissolution of outlines, the charts, and the whole
 * recomputation on a small synthetic country (a COG written here, places
 * inserted here), checked against computations done here: distances equal
 * brute force for every commune and category (ties included), aggregates
 * equal population-weighted means, totals equal the mean of sub-scores at
 * every level, populations beyond 5/10/20 km, priority communes, secrecy
 * leaves no group recomputable. The real-data checks are in
 * tests/http/test_indicateurs.py. */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "store/db.h"
#include "territoires/geo.h"
#include "territoires/ifn.h"
#include "territoires/indicateurs.h"
#include "territoires/secret.h"
#include "territoires/territoires.h"
#include "web/svgchart.h"

/* ---- parser ---- */

struct collecte {
    int lignes, rejets, corrections, manquants;
    struct ifn_ligne dernier;
    char regles[2048];
};

static int cb_ligne(void *ctx, const struct ifn_ligne *l)
{
    struct collecte *c = ctx;
    c->lignes++;
    c->dernier = *l;
    return 0;
}

static int cb_probleme(void *ctx, const struct ifn_probleme *p)
{
    struct collecte *c = ctx;
    if (p->gravite == IFN_REJET)
        c->rejets++;
    else if (p->gravite == IFN_CORRIGE)
        c->corrections++;
    else
        c->manquants++;
    size_t n = strlen(c->regles);
    snprintf(c->regles + n, sizeof c->regles - n, "%zu:%s:%s|", p->ligne, p->champ, p->regle);
    return 0;
}

static int analyser(const char *text, enum ifn_mode mode, struct collecte *c, long *lignes)
{
    memset(c, 0, sizeof *c);
    struct ifn_parse_cb cb = {cb_ligne, cb_probleme, c};
    char err[256] = "";
    return ifn_parse(text, strlen(text), mode, &cb, lignes, err, sizeof err);
}

static void test_parse_regles(void)
{
    const char *f =
        "name,division,code,no_thd_coverage_rate,no_4g_coverage_rate,poverty_rate,older_65_rate,nscol15p_rate,total\n"
        "A,city,01001,10.0,7.0,2.0,5.0,6.0,6.0\n"        /* good */
        "B,city,1002,6,8,2,4,2,4.4\n"                    /* lost leading zero */
        "C,city,01003,0,0,0,0,0,0\n"                     /* all missing: rejected */
        "D,city,13055,,,,,,\n"                           /* blank: rejected */
        "E,city,01004,11,5,5,5,5,6.2\n"                  /* out of range */
        "F,city,01005,abc,5,5,5,5,5\n"                   /* not a number */
        "G,city,01001,5,5,5,5,5,5\n"                     /* duplicate */
        "H,city,01006,5,5,5,5,5,9\n"                     /* wrong total: corrected */
        "I,city,0100X,5,5,5,5,5,5\n"                     /* malformed code */
        "J,ville,01007,5,5,5,5,5,5\n"                    /* unknown division */
        "K,city,,5,5,5,5,5,5\n"                          /* no code */
        "L,city,2a004,4,0,6,,8,6\n";                     /* 0 and empty: missing */
    struct collecte c;
    long lignes;
    CHECK(analyser(f, IFN_SOUS_INDICES, &c, &lignes) == 0);
    CHECK(lignes == 12);
    CHECK(c.lignes + c.rejets == 12);
    CHECK(c.lignes == 4);
    CHECK(c.rejets == 8);
    CHECK(c.corrections == 1);
    CHECK(strstr(c.regles, "aucun sous-indice") != NULL);
    CHECK(strstr(c.regles, "entre 1 et 10") != NULL);
    CHECK(strstr(c.regles, "nombre attendu") != NULL);
    CHECK(strstr(c.regles, "code déjà donné ligne 2") != NULL);
    CHECK(strstr(c.regles, "recalculé") != NULL);
    CHECK(strstr(c.regles, "division inconnue") != NULL);
    CHECK(strstr(c.regles, "code manquant") != NULL);
    CHECK(strstr(c.regles, "code mal formé") != NULL);
    /* the last good row: 2A004 with two sub-scores missing, total = mean of 3 */
    CHECK_STR(c.dernier.code, "2A004");
    CHECK(isnan(c.dernier.v[IFN_MOBILE]) && isnan(c.dernier.v[IFN_AGE]));
    CHECK(fabs(c.dernier.total - 6.0) < 1e-12);
    CHECK(c.dernier.ligne == 13);
}

static void test_parse_formats(void)
{
    struct collecte c;
    long lignes;
    /* BOM, semicolons, decimal commas, CRLF, our short column names */
    const char *f = "\xef\xbb\xbf" "code;thd;mobile;pauvrete;age;diplome\r\n"
                    "01001;6,5;7;2;5,5;6\r\n";
    CHECK(analyser(f, IFN_SOUS_INDICES, &c, &lignes) == 0);
    CHECK(c.lignes == 1 && fabs(c.dernier.v[IFN_THD] - 6.5) < 1e-12);
    CHECK(fabs(c.dernier.total - 5.4) < 1e-12);
    /* Windows-1252 text in a name column is converted, not an error */
    const char *l1 = "name,code,total,poverty_rate\n\xc9vian,74119,3,3\n";
    CHECK(analyser(l1, IFN_SOUS_INDICES, &c, &lignes) == 0 && c.lignes == 1);
    /* IRIS and EPCI codes without a division column; population weights */
    const char *g = "code,population,poverty_rate\n751010101,1200,3\n200054781,,4\n01001,x,5\n";
    CHECK(analyser(g, IFN_SOUS_INDICES, &c, &lignes) == 0);
    CHECK(c.lignes == 3 && c.corrections == 1); /* population "x" dropped */
    /* raw mode: 0 is a value, percentages up to 100 */
    const char *r = "code,taux_pauvrete,part_65_ans_plus\n01001,0,25.5\n01002,101,3\n";
    CHECK(analyser(r, IFN_BRUT, &c, &lignes) == 0);
    CHECK(c.lignes == 1 && c.rejets == 1 && c.dernier.v[IFN_PAUVRETE] == 0);
    /* an unterminated quote: that record is rejected, nothing crashes */
    const char *q = "code,total,thd\n\"01001,5,5\n";
    CHECK(analyser(q, IFN_SOUS_INDICES, &c, &lignes) == 0 && c.rejets == 1);
    /* whole-file errors */
    CHECK(analyser("nom,valeur\nx,1\n", IFN_SOUS_INDICES, &c, &lignes) < 0);
    CHECK(analyser("code,autre\n01001,1\n", IFN_SOUS_INDICES, &c, &lignes) < 0);
    CHECK(analyser("", IFN_SOUS_INDICES, &c, &lignes) < 0);
}

/* ---- deciles ---- */

static void test_classer(void)
{
    double x[20], out[20], w[20];
    int g[20];
    for (int i = 0; i < 20; i++) {
        x[i] = i;
        g[i] = 0;
        w[i] = 1;
    }
    CHECK(ifn_classer(x, NULL, g, 1, 20, out) == 0);
    /* 20 distinct values: two per class, 1..10 in order */
    for (int i = 0; i < 20; i++)
        CHECK(out[i] == 1 + i / 2);
    /* ties share a class; NAN stays NAN */
    double y[6] = {0, 0, 0, 0, 5, NAN};
    CHECK(ifn_classer(y, NULL, NULL, 1, 6, out) == 0);
    CHECK(out[0] == out[3] && out[0] == 1 + floor(10 * (2.0 / 5)) && out[4] == 10 && isnan(out[5]));
    /* two groups are ranked apart */
    for (int i = 0; i < 20; i++)
        g[i] = i % 2;
    CHECK(ifn_classer(x, NULL, g, 2, 20, out) == 0);
    CHECK(out[0] == 1 && out[1] == 1 && out[18] == 10 && out[19] == 10);
    /* population deciles: one heavy unit covers the top half */
    for (int i = 0; i < 20; i++) {
        g[i] = 0;
        w[i] = i == 19 ? 19 : 1;
    }
    CHECK(ifn_classer(x, w, g, 1, 20, out) == 0);
    CHECK(out[19] == 8 && out[0] == 1 && out[18] <= 5);
}

/* ---- secrecy ---- */

static unsigned long graine = 12345;
static unsigned long alea(void)
{
    graine = graine * 6364136223846793005UL + 1442695040888963407UL;
    return graine >> 33;
}

/* No group may have exactly one hidden cell, nor hidden children adding
 * up to less than the threshold under a published parent; primary cells
 * are hidden. */
static int protege(const struct secret_table *t, long seuil)
{
    for (size_t i = 0; i < t->n; i++)
        if (t->valeur[i] > 0 && t->valeur[i] < seuil && !t->masque[i])
            return 0;
    for (size_t g = 0; g < t->ngroupes; g++) {
        long nb = t->masque[t->parent[g]], somme = 0;
        for (size_t k = t->debut[g]; k < t->debut[g + 1]; k++)
            if (t->masque[t->enfants[k]]) {
                nb++;
                somme += t->valeur[t->enfants[k]];
            }
        if (nb == 1 || (!t->masque[t->parent[g]] && nb >= 2 && somme < seuil))
            return 0;
    }
    return 1;
}

static void test_secret(void)
{
    /* parent 0 = 1 + 2 + 3; 1 = 4 + 5; small cells 4 (3 inhabitants) */
    long v[6] = {100, 53, 47, 0, 3, 50};
    unsigned char m[6];
    size_t parent[2] = {0, 1}, debut[3] = {0, 3, 5}, enf[5] = {1, 2, 3, 4, 5};
    struct secret_table t = {6, v, m, 2, parent, debut, enf};
    CHECK(secret_appliquer(&t, 11) >= 2);
    CHECK(m[4] && m[5]);         /* 5 hidden too, else 4 = 53 - 50 */
    CHECK(!m[3]);                /* zeros are published */
    CHECK(protege(&t, 11));
    /* random hierarchies: nation > 5 régions > 40 communes each, plus
     * 30 overlapping groups (EPCI) of 7 communes */
    for (int essai = 0; essai < 30; essai++) {
        enum { NR = 5, NC = 40 };
        size_t n = 1 + NR + NR * NC;
        long *val = calloc(n, sizeof *val);
        unsigned char *mask = calloc(n, 1);
        size_t ng = 1 + NR + 30, *par = calloc(ng, sizeof *par), *deb = calloc(ng + 1, sizeof *deb);
        size_t *en = calloc(NR + NR * NC + 30 * 7, sizeof *en), e = 0, gi = 0;
        for (size_t c = 1 + NR; c < n; c++)
            val[c] = alea() % 4 == 0 ? 0 : (long)(alea() % (essai % 2 ? 15 : 200));
        for (int r = 0; r < NR; r++)
            for (int c = 0; c < NC; c++)
                val[1 + r] += val[1 + NR + r * NC + c];
        for (int r = 0; r < NR; r++)
            val[0] += val[1 + r];
        par[gi] = 0;
        deb[gi] = e;
        for (int r = 0; r < NR; r++)
            en[e++] = 1 + (size_t)r;
        gi++;
        for (int r = 0; r < NR; r++) {
            par[gi] = 1 + (size_t)r;
            deb[gi] = e;
            for (int c = 0; c < NC; c++)
                en[e++] = 1 + NR + (size_t)(r * NC + c);
            gi++;
        }
        /* EPCI-like groups: their total is a cell of its own? Here the
         * group's parent is the first member's région (any published
         * cell would do: the rule is checked on every group). */
        (void)ng;
        deb[gi] = e;
        struct secret_table tt = {n, val, mask, gi, par, deb, en};
        CHECK(secret_appliquer(&tt, 11) >= 0);
        CHECK(protege(&tt, 11));
        free(val);
        free(mask);
        free(par);
        free(deb);
        free(en);
    }
}

/* ---- outlines ---- */

static void test_dissolve(void)
{
    const char *a = "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}";
    const char *b = "{\"type\":\"Polygon\",\"coordinates\":[[[1,0],[2,0],[2,1],[1,1],[1,0]]]}";
    json_t *g[9];
    g[0] = json_loads(a, 0, NULL);
    g[1] = json_loads(b, 0, NULL);
    json_t *d = geo_dissolve((const json_t *const *)g, 2);
    CHECK(d != NULL);
    json_t *polys = json_object_get(d, "coordinates");
    CHECK(json_array_size(polys) == 1);
    json_t *ring = json_array_get(json_array_get(polys, 0), 0);
    CHECK(json_array_size(ring) == 7); /* 6 corners, closed */
    double lat, lon;
    CHECK(geo_centroid(d, &lat, &lon) == 0 && fabs(lon - 1) < 1e-9 && fabs(lat - 0.5) < 1e-9);
    json_decref(d);
    json_decref(g[0]);
    json_decref(g[1]);
    /* a 3x3 block without its centre: one exterior with one hole */
    int k = 0;
    for (int x = 0; x < 3; x++)
        for (int y = 0; y < 3; y++) {
            if (x == 1 && y == 1)
                continue;
            char s[200];
            snprintf(s, sizeof s, "{\"type\":\"MultiPolygon\",\"coordinates\":[[[[%d,%d],[%d,%d],"
                     "[%d,%d],[%d,%d],[%d,%d]]]]}", x, y, x + 1, y, x + 1, y + 1, x, y + 1, x, y);
            g[k++] = json_loads(s, 0, NULL);
        }
    d = geo_dissolve((const json_t *const *)g, (size_t)k);
    CHECK(d != NULL);
    polys = json_object_get(d, "coordinates");
    CHECK(json_array_size(polys) == 1 && json_array_size(json_array_get(polys, 0)) == 2);
    CHECK(geo_contains(d, 0.5, 0.5) == 1 && geo_contains(d, 1.5, 1.5) == 0);
    json_decref(d);
    for (int i = 0; i < k; i++)
        json_decref(g[i]);
    CHECK(geo_dissolve(NULL, 0) == NULL);
}

/* ---- charts ---- */

static int compter(const char *s, const char *motif)
{
    int n = 0;
    for (const char *p = s; (p = strstr(p, motif)); p++)
        n++;
    return n;
}

static void test_graphes(void)
{
    struct buf b = BUF_INIT;
    struct svgchart_barre v[3] = {{"Très haut débit", 6.2, "6,2", 5.1, "5,1"},
                                  {"Pauvreté <b>", 3, "3,0", NAN, NULL},
                                  {"Âge", NAN, "", 4, "4,0"}};
    CHECK(svgchart_barres(&b, "g1", "Sous-indices", v, 3, 10, "France") == 0);
    CHECK(strstr(b.s, "role=\"img\"") && strstr(b.s, "aria-labelledby=\"g1-t\" aria-describedby=\"g1-d\""));
    CHECK(compter(b.s, "<rect class=\"barre\"") == 2);
    CHECK(compter(b.s, "class=\"repere\"") == 3); /* two marks and the legend */
    CHECK(strstr(b.s, "Pauvreté &lt;b&gt;") && !strstr(b.s, "<b>"));
    CHECK(strstr(b.s, "Très haut débit : 6,2 (France : 5,1)") != NULL);
    CHECK(strstr(b.s, "Âge : non disponible") != NULL);
    buf_reset(&b);
    const char *lab[3] = {"a", "b", "c"}, *tx[3] = {"1", "2", "0"};
    double h[3] = {1, 2, 0};
    CHECK(svgchart_histo(&b, "g2", "Histo", lab, h, tx, 3, "Communes") == 0);
    CHECK(compter(b.s, "<rect class=\"barre\"") == 2 && strstr(b.s, "Communes par classe : a : 1"));
    CHECK(svgchart_histo(&b, "g2", "Histo", lab, h, tx, 0, NULL) < 0);
    CHECK(svgchart_barres(&b, "g1", "x", v, 3, 0, NULL) < 0);
    buf_free(&b);
}

/* ---- the whole recomputation on a synthetic country ---- */

#define NCOM 240
#define NLIEUX 160

struct commune_s {
    char code[6], dep[4], reg[4], epci[10];
    long pop;
    double lat, lon;
    double v[IFN__AXES];
};
static struct commune_s com[NCOM];

struct lieu_s {
    long long id;
    double lat, lon;
    int cat[INDIC_NCAT];
};
static struct lieu_s lieux[NLIEUX];

static void ecrire(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

static double unif(double a, double b)
{
    return a + (b - a) * (double)(alea() % 1000000) / 1e6;
}

/* Two régions, three départements, four EPCI (one spanning two
 * départements), 240 communes in a small box, some without coordinates;
 * commune 0 carries an old code merged into it. */
static int pays(const char *dir)
{
    char p[256];
    json_t *regs = json_pack("[{s:s,s:s,s:s},{s:s,s:s,s:s}]", "code", "11", "nom", "Île-Est",
                             "zone", "metro", "code", "84", "nom", "Sud-Ouest", "zone", "metro");
    json_t *deps = json_pack("[{s:s,s:s,s:s,s:s},{s:s,s:s,s:s,s:s},{s:s,s:s,s:s,s:s}]", "code",
                             "75", "nom", "Ville", "region", "11", "zone", "metro", "code", "01",
                             "nom", "Ain", "region", "84", "zone", "metro", "code", "03", "nom",
                             "Allier", "region", "84", "zone", "metro");
    json_t *coms = json_array(), *epcis = json_array();
    const char *epci_codes[4] = {"200000001", "200000002", "200000003", "200000004"};
    json_t *membres[4];
    for (int e = 0; e < 4; e++)
        membres[e] = json_array();
    for (int i = 0; i < NCOM; i++) {
        struct commune_s *c = &com[i];
        const char *dep = i < 40 ? "75" : i < 160 ? "01" : "03";
        snprintf(c->code, sizeof c->code, "%s%03d", dep, i + 1);
        snprintf(c->dep, sizeof c->dep, "%s", dep);
        snprintf(c->reg, sizeof c->reg, "%s", i < 40 ? "11" : "84");
        int e = i < 40 ? 0 : i < 100 ? 1 : i < 170 ? 2 : i < 230 ? 3 : -1;
        snprintf(c->epci, sizeof c->epci, "%s", e >= 0 ? epci_codes[e] : "");
        c->pop = i % 17 == 0 ? 0 : (long)(alea() % 5000) + (i % 5 == 0 ? 3000 : 5);
        /* 6 decimals, as written to the coordinates file */
        c->lat = round(unif(45, 46.5) * 1e6) / 1e6;
        c->lon = round(unif(3, 5) * 1e6) / 1e6;
        json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:I,s:[s]}", "code", c->code, "nom", c->code,
                              "type", "commune-actuelle", "departement", dep, "region", c->reg,
                              "population", (json_int_t)c->pop, "codesPostaux", "01000");
        if (i == 0)
            json_object_set_new(o, "anciensCodes", json_pack("[s]", "75999"));
        json_array_append_new(coms, o);
        if (e >= 0)
            json_array_append_new(membres[e], json_pack("{s:s}", "code", c->code));
    }
    for (int e = 0; e < 4; e++)
        json_array_append_new(epcis, json_pack("{s:s,s:s,s:s,s:o}", "code", epci_codes[e], "nom",
                                               epci_codes[e], "type", "CC", "membres", membres[e]));
    const char *noms[4] = {"regions.json", "departements.json", "communes.json", "epci.json"};
    json_t *docs[4] = {regs, deps, coms, epcis};
    int rc = 0;
    for (int k = 0; k < 4; k++) {
        snprintf(p, sizeof p, "%s/%s", dir, noms[k]);
        rc |= json_dump_file(docs[k], p, 0);
        json_decref(docs[k]);
    }
    /* coordinates for all but every 23rd commune */
    struct buf csv = BUF_INIT;
    buf_puts(&csv, "insee_com,lat,lng\n");
    for (int i = 0; i < NCOM; i++)
        if (i % 23 != 7)
            buf_printf(&csv, "%s,%.6f,%.6f\n", com[i].code, com[i].lat, com[i].lon);
    snprintf(p, sizeof p, "%s/coords.csv", dir);
    ecrire(p, csv.s);
    buf_free(&csv);
    return rc;
}

static double brute(int cat, double lat, double lon, long long *id)
{
    double best = INFINITY;
    *id = 0;
    for (int j = 0; j < NLIEUX; j++) {
        if (!lieux[j].cat[cat])
            continue;
        double km = geo_haversine_km(lat, lon, lieux[j].lat, lieux[j].lon);
        if (km < best || (km == best && lieux[j].id < *id)) {
            best = km;
            *id = lieux[j].id;
        }
    }
    return best;
}

static void inserer_lieux(struct db *d)
{
    sqlite3_stmt *st = db_prepare(d, "INSERT INTO lieu(pid, nom, lat, lon, commune_code, "
                                     "departement, region, epci, services, "
                                     "dispositif_programmes_nationaux, prive) "
                                     "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 0)");
    CHECK(st != NULL);
    for (int j = 0; j < NLIEUX && st; j++) {
        struct lieu_s *l = &lieux[j];
        l->id = 1000 + j;
        int c = (int)(alea() % NCOM);
        /* a few places share a point: ties broken by id */
        l->lat = j % 40 == 39 ? lieux[j - 1].lat : com[c].lat + unif(-0.02, 0.02);
        l->lon = j % 40 == 39 ? lieux[j - 1].lon : com[c].lon + unif(-0.02, 0.02);
        struct buf sv = BUF_INIT, pg = BUF_INIT;
        memset(l->cat, 0, sizeof l->cat);
        l->cat[0] = 1;
        for (int k = 1; k < INDIC_NCAT; k++) {
            const struct indic_categorie *ca = indic_categorie(k);
            /* "materiel": a single place; "pix": none */
            int on = k == indic_categorie_index("materiel") ? j == 77
                     : k == indic_categorie_index("pix") ? 0 : alea() % (k < 10 ? 3 : 5) == 0;
            if (!on)
                continue;
            l->cat[k] = 1;
            struct buf *b = ca->famille == INDIC_FAM_SERVICE ? &sv : &pg;
            buf_printf(b, "%s%s", b->len ? "|" : "", ca->valeur);
        }
        sqlite3_bind_int64(st, 1, l->id);
        sqlite3_bind_text(st, 2, "Lieu", -1, SQLITE_STATIC);
        sqlite3_bind_double(st, 3, l->lat);
        sqlite3_bind_double(st, 4, l->lon);
        sqlite3_bind_text(st, 5, com[c].code, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 6, com[c].dep, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 7, com[c].reg, -1, SQLITE_TRANSIENT);
        db_bind_text(st, 8, com[c].epci);
        db_bind_text(st, 9, sv.s);
        db_bind_text(st, 10, pg.s);
        CHECK(sqlite3_step(st) == SQLITE_DONE);
        sqlite3_reset(st);
        buf_free(&sv);
        buf_free(&pg);
    }
    sqlite3_finalize(st);
}

/* The IFN file: one row per commune (the old code 75999 as a second piece
 * of commune 0, with population weights), random missing sub-scores. */
static void fichier_ifn(const char *path)
{
    struct buf f = BUF_INIT;
    buf_puts(&f, "code,population,no_thd_coverage_rate,no_4g_coverage_rate,poverty_rate,"
                 "older_65_rate,nscol15p_rate\n");
    for (int i = 0; i < NCOM; i++) {
        if (i == 2) {
            /* commune 2 given by two IRIS of 100 and 300 inhabitants */
            buf_printf(&f, "%s0101,100,2,2,2,2,\n%s0102,300,6,6,6,6,6\n", com[i].code, com[i].code);
            for (int a = 0; a < IFN__AXES; a++)
                com[i].v[a] = a == IFN__AXES - 1 ? 6 : (2 * 100 + 6 * 300) / 400.0;
            continue;
        }
        buf_printf(&f, "%s,%s", com[i].code, i == 0 ? "300" : "");
        for (int a = 0; a < IFN__AXES; a++) {
            com[i].v[a] = alea() % 9 == 0 ? NAN : 1 + (double)(alea() % 90) / 10;
            if (isnan(com[i].v[a]))
                buf_puts(&f, ",");
            else
                buf_printf(&f, ",%.1f", com[i].v[a]);
        }
        buf_puts(&f, "\n");
    }
    buf_puts(&f, "75999,100,2,2,2,2,2\n");
    /* a reference EPCI value and an unknown commune */
    buf_puts(&f, "200000001,,5,5,5,5,5\n99999,,5,5,5,5,5\n");
    ecrire(path, f.s);
    buf_free(&f);
    /* commune 0 combines (its own row, weight 300) and 75999 (weight 100) */
    for (int a = 0; a < IFN__AXES; a++)
        com[0].v[a] = isnan(com[0].v[a]) ? 2 : (com[0].v[a] * 300 + 2 * 100) / 400;
}

struct agg {
    double s[IFN__AXES], w[IFN__AXES];
};

static double lire_reel(struct db *d, const char *sql, const char *a, const char *b, const char *c)
{
    sqlite3_stmt *st = db_prepare(d, sql);
    double v = NAN;
    if (st) {
        db_bind_text(st, 1, a);
        db_bind_text(st, 2, b);
        db_bind_text(st, 3, c);
        if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
            v = sqlite3_column_double(st, 0);
        sqlite3_finalize(st);
    }
    return v;
}

static int groupe_de(const struct commune_s *c, const char *niveau, const char *code)
{
    return strcmp(niveau, "nation") == 0 || (strcmp(niveau, "region") == 0 && !strcmp(c->reg, code)) ||
           (strcmp(niveau, "departement") == 0 && !strcmp(c->dep, code)) ||
           (strcmp(niveau, "epci") == 0 && !strcmp(c->epci, code)) ||
           (strcmp(niveau, "commune") == 0 && !strcmp(c->code, code));
}

static void verifier_agregats(struct db *d)
{
    static const char *const t[][2] = {{"nation", "FR"},      {"region", "11"},
                                       {"region", "84"},      {"departement", "01"},
                                       {"departement", "03"}, {"epci", "200000002"},
                                       {"epci", "200000003"}, {"commune", "01051"}};
    int ok_ifn = 1, ok_total = 1, ok_pop = 1;
    for (size_t k = 0; k < sizeof t / sizeof *t; k++) {
        double v[IFN__AXES];
        for (int a = 0; a < IFN__AXES; a++) {
            double s = 0, w = 0, su = 0;
            long nu = 0;
            for (int i = 0; i < NCOM; i++) {
                if (!groupe_de(&com[i], t[k][0], t[k][1]) || isnan(com[i].v[a]))
                    continue;
                s += com[i].v[a] * com[i].pop;
                w += com[i].pop;
                su += com[i].v[a];
                nu++;
            }
            v[a] = w > 0 ? s / w : nu ? su / nu : NAN;
            char sql[200];
            snprintf(sql, sizeof sql, "SELECT %s FROM ifn_territoire WHERE variante = 'publie' "
                     "AND niveau = ?1 AND code = ?2 AND ?3 IS NULL", ifn_axe((enum ifn_axe)a)->cle);
            double got = lire_reel(d, sql, t[k][0], t[k][1], NULL);
            if (!(fabs(got - v[a]) < 1e-9)) {
                ok_ifn = 0;
                fprintf(stderr, "%s %s %s: %.12f != %.12f\n", t[k][0], t[k][1],
                        ifn_axe((enum ifn_axe)a)->cle, got, v[a]);
            }
        }
        double total = lire_reel(d, "SELECT total FROM ifn_territoire WHERE variante = 'publie' "
                                    "AND niveau = ?1 AND code = ?2 AND ?3 IS NULL",
                                 t[k][0], t[k][1], NULL);
        ok_total &= fabs(total - ifn_moyenne(v)) < 1e-9;
        /* population beyond 10 km and the weighted mean distance */
        long p10 = 0;
        double kw = 0, ww = 0;
        for (int i = 0; i < NCOM; i++) {
            if (!groupe_de(&com[i], t[k][0], t[k][1]) || i % 23 == 7)
                continue;
            long long id;
            double km = brute(0, com[i].lat, com[i].lon, &id);
            p10 += km > 10 ? com[i].pop : 0;
            kw += km * com[i].pop;
            ww += com[i].pop;
        }
        double got10 = lire_reel(d, "SELECT pop_10 FROM couverture_territoire WHERE niveau = ?1 "
                                    "AND code = ?2 AND categorie = ?3", t[k][0], t[k][1], "tous");
        double gotkm = lire_reel(d, "SELECT km_moyen FROM couverture_territoire WHERE niveau = ?1 "
                                    "AND code = ?2 AND categorie = ?3", t[k][0], t[k][1], "tous");
        ok_pop &= got10 == (double)p10 && (ww == 0 || fabs(gotkm - kw / ww) < 1e-9);
    }
    CHECK(ok_ifn);
    CHECK(ok_total);
    CHECK(ok_pop);
}

static void verifier_distances(struct db *d)
{
    sqlite3_stmt *st = db_prepare(d, "SELECT km_moyen, lieu FROM couverture_territoire "
                                     "WHERE niveau = 'commune' AND code = ?1 AND categorie = ?2");
    int ok = 1, compares = 0, absents = 0;
    for (int i = 0; i < NCOM && st; i++)
        for (int k = 0; k < INDIC_NCAT; k++) {
            long long id;
            double km = brute(k, com[i].lat, com[i].lon, &id);
            sqlite3_bind_text(st, 1, com[i].code, -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 2, indic_categorie(k)->cle, -1, SQLITE_STATIC);
            int rc = sqlite3_step(st);
            if (isinf(km)) {
                absents += rc != SQLITE_ROW; /* no place of that category at all */
            } else if (i % 23 == 7) {
                ok &= rc == SQLITE_ROW && sqlite3_column_type(st, 0) == SQLITE_NULL;
            } else {
                int bon = rc == SQLITE_ROW && fabs(sqlite3_column_double(st, 0) - km) < 1e-9 &&
                          sqlite3_column_int64(st, 1) == id;
                if (!bon && ok)
                    fprintf(stderr, "commune %s %s: %d %.9f/%lld vs %.9f/%lld\n", com[i].code,
                            indic_categorie(k)->cle, rc, sqlite3_column_double(st, 0),
                            sqlite3_column_int64(st, 1), km, id);
                ok &= bon;
                compares++;
            }
            sqlite3_reset(st);
        }
    sqlite3_finalize(st);
    CHECK(ok);
    CHECK(compares > NCOM * 10);
    CHECK(absents == NCOM); /* "pix": no place, no rows */
}

static long compte(struct db *d, const char *sql)
{
    sqlite3_stmt *st = db_prepare(d, sql);
    long n = st && sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    sqlite3_finalize(st);
    return n;
}

static void test_recalcul(void)
{
    char dir[] = "/tmp/test_ifn_XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char p[256], coords[256], dbp[256], err[512];
    CHECK(pays(dir) == 0);
    snprintf(coords, sizeof coords, "%s/coords.csv", dir);
    snprintf(dbp, sizeof dbp, "%s/t.db", dir);
    struct db d;
    CHECK(db_open(&d, dbp, 0) == 0);
    CHECK(territoires_import(&d, dir, coords, NULL, NULL, err, sizeof err) == 0);
    inserer_lieux(&d);
    snprintf(p, sizeof p, "%s/ifn.csv", dir);
    fichier_ifn(p);
    struct ifn_bilan b;
    FILE *rapport = tmpfile();
    CHECK(ifn_importer(&d, p, NULL, NULL, &b, rapport, err, sizeof err) == 0);
    CHECK(b.lignes == NCOM + 4 && b.rejetees == 1 && b.communes == NCOM && b.references == 1);
    CHECK(b.regroupees == 2 && b.ponderees == 2);
    char line[512] = "";
    rewind(rapport);
    CHECK(fgets(line, sizeof line, rapport) && strstr(line, "99999") &&
          strstr(line, "commune inconnue"));
    fclose(rapport);
    struct indic_stats st;
    CHECK(indicateurs_recalculer(&d, 0, &st, err, sizeof err) == 0);
    CHECK(st.communes == NCOM && st.lieux == NLIEUX);
    verifier_distances(&d);
    verifier_agregats(&d);
    /* priority communes: counted the same way here */
    long prio = 0;
    for (int i = 0; i < NCOM; i++) {
        long long id;
        double km = brute(0, com[i].lat, com[i].lon, &id);
        prio += i % 23 != 7 && ifn_moyenne(com[i].v) >= INDIC_PRIO_IFN && km >= INDIC_PRIO_KM;
    }
    CHECK(compte(&d, "SELECT prioritaires FROM territoire_indicateur WHERE niveau = 'nation'") == prio);
    struct indic_prio pv[5];
    long total;
    CHECK(indic_prioritaires(&d, "nation", "FR", NULL, 0, 5, pv, &total) >= 0 && total == prio);
    /* histograms of a département, counted here */
    long hc[10] = {0}, hp[10] = {0}, kc[6] = {0}, kp[6] = {0};
    long gc[10], gp[10], gkc[6], gkp[6];
    for (int i = 0; i < NCOM; i++) {
        if (strcmp(com[i].dep, "01") != 0)
            continue;
        double tot = ifn_moyenne(com[i].v);
        int k = tot >= 9 ? 8 : (int)tot - 1;
        hc[k]++;
        hp[k] += com[i].pop;
        long long id;
        double km = i % 23 == 7 ? NAN : brute(0, com[i].lat, com[i].lon, &id);
        int b = isnan(km) ? 5 : km < 2 ? 0 : km < 5 ? 1 : km < 10 ? 2 : km < 20 ? 3 : 4;
        kc[b]++;
        kp[b] += com[i].pop;
    }
    CHECK(indic_histogrammes(&d, "departement", "01", gc, gp, gkc, gkp) == 1);
    CHECK(memcmp(hc, gc, sizeof hc) == 0 && memcmp(hp, gp, sizeof hp) == 0);
    CHECK(memcmp(kc, gkc, sizeof kc) == 0 && memcmp(kp, gkp, sizeof kp) == 0);
    CHECK(indic_histogrammes(&d, "departement", "99", gc, gp, gkc, gkp) == 0 && gc[0] == 0);
    /* similar territories: the other EPCI of the same zone, closest first */
    struct indic_liste l;
    CHECK(indic_comparables(&d, "epci", "200000002", NULL, &l) == 0 && l.n == 3);
    indic_liste_free(&l);
    CHECK(compte(&d, "SELECT count(*) FROM territoire_comparable WHERE niveau = 'commune' "
                     "AND code = '01051'") == INDIC_COMPARABLES);
    /* children */
    CHECK(indic_enfants(&d, "departement", "01", "commune", NULL, &l) == 0 && l.n == 120);
    indic_liste_free(&l);
    CHECK(indic_enfants(&d, "epci", "200000002", "commune", NULL, &l) == 0 && l.n == 60);
    indic_liste_free(&l);
    /* one EPCI spans two départements: its main one has most communes */
    CHECK(compte(&d, "SELECT count(*) FROM territoire_indicateur WHERE niveau = 'epci' AND "
                     "code = '200000003' AND parent = '01'") == 1);
    /* dissolved outlines need contours: none here */
    CHECK(compte(&d, "SELECT count(*) FROM contour_dissous") == 0);
    /* secrecy: the flags respect the rules on the département > commune groups */
    CHECK(compte(&d, "SELECT count(*) FROM territoire_indicateur t JOIN couverture_territoire c "
                     "ON c.niveau = t.niveau AND c.code = t.code AND c.categorie = 'tous' WHERE "
                     "c.pop_10 BETWEEN 1 AND 10 AND (t.secret & 2) = 0") == 0);
    /* the export and the comparison with the reference value */
    struct buf out = BUF_INIT;
    CHECK(ifn_exporter(&d, "publie", "epci", 0, &out) == 4);
    CHECK(strncmp(out.s, "code,nom,total,no_thd_coverage_rate", 35) == 0);
    buf_reset(&out);
    CHECK(indic_exporter(&d, "commune", "departement", "03", NULL, 1, &out) == 80);
    json_t *j = json_loads(out.s, 0, NULL);
    CHECK(j && json_array_size(json_object_get(j, "territoires")) == 80);
    json_decref(j);
    buf_free(&out);
    struct ifn_accord a;
    CHECK(ifn_comparer(&d, "publie", "epci", &a) == 0 && a.n == 1);
    /* a second import replaces the values; an EPCI-only file keeps the communes */
    snprintf(p, sizeof p, "%s/epci.csv", dir);
    ecrire(p, "code,division,total,poverty_rate\n200000002,epci,4,4\n");
    CHECK(ifn_importer(&d, p, NULL, NULL, &b, NULL, err, sizeof err) == 0 && b.references == 1);
    CHECK(compte(&d, "SELECT count(*) FROM ifn_commune WHERE variante = 'publie'") == NCOM);
    CHECK(compte(&d, "SELECT count(*) FROM ifn_reference WHERE variante = 'publie'") == 1);
    /* staleness: a new place makes the figures stale */
    char when[32];
    int stale = -1;
    CHECK(indicateurs_etat(&d, when, sizeof when, &stale) == 0 && stale == 1);
    CHECK(indicateurs_recalculer(&d, 0, &st, err, sizeof err) == 0);
    CHECK(indicateurs_etat(&d, when, sizeof when, &stale) == 0 && stale == 0 && when[0]);
    CHECK(db_exec(&d, "UPDATE lieu SET lat = lat + 0.01 WHERE pid = 1000") == 0);
    CHECK(indicateurs_etat(&d, when, sizeof when, &stale) == 0 && stale == 1);
    /* computing from raw indicators */
    snprintf(p, sizeof p, "%s/brut.csv", dir);
    struct buf r = BUF_INIT;
    buf_puts(&r, "code,taux_pauvrete,part_65_ans_plus\n");
    for (int i = 0; i < NCOM; i++)
        buf_printf(&r, "%s,%d,%d\n", com[i].code, i % 50, (i * 7) % 31);
    ecrire(p, r.s);
    buf_free(&r);
    CHECK(ifn_calculer(&d, p, NULL, IFN_REF_DEPARTEMENT, IFN_CLASSES_COMMUNES, NULL, &b, NULL, err,
                       sizeof err) == 0 && b.communes == NCOM);
    CHECK(compte(&d, "SELECT count(*) FROM ifn_commune WHERE variante = "
                     "'calcul-departement-communes' AND thd IS NULL AND pauvrete BETWEEN 1 AND 10 "
                     "AND pauvrete = CAST(pauvrete AS INTEGER)") == NCOM);
    /* within each département the classes spread over 1..10 */
    CHECK(compte(&d, "SELECT count(DISTINCT c.departement || ':' || i.pauvrete) FROM ifn_commune i "
                     "JOIN commune c ON c.code = i.code WHERE i.variante = "
                     "'calcul-departement-communes'") == 30);
    CHECK(indicateurs_recalculer(&d, 0, &st, err, sizeof err) == 0);
    CHECK(compte(&d, "SELECT count(DISTINCT variante) FROM ifn_territoire") == 2);
    db_close(&d);
    snprintf(p, sizeof p, "rm -rf %s", dir);
    CHECK(system(p) == 0);
}

int main(void)
{
    RUN(test_parse_regles);
    RUN(test_parse_formats);
    RUN(test_classer);
    RUN(test_secret);
    RUN(test_dissolve);
    RUN(test_graphes);
    RUN(test_recalcul);
    return CHECK_DONE();
}
