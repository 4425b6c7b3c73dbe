/* test_pages.c - the HTML pages, through the router, on an in-memory
 * database: a few territories inserted by hand (Marseille and its old
 * arrondissement codes, Aix-en-Provence, the Bouches-du-Rhône, the
 * Vaucluse, Provence-Alpes-Côte d'Azur, the Métropole d'Aix-Marseille, with
 * square contours), the shipped demo places (data/demo/lieux-demo.csv, read
 * from the project root), and a second source holding a duplicate of a demo place and a
 * place whose name is an HTML injection attempt.
 *
 * Every page is checked for its status, its key content, the absence of
 * inline style and script (strict CSP), escaping of stored text, and its
 * size (< 50 KB); plus the 400/404 paths and the French formatting
 * helpers of web/layout.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "http/router.h"
#include "lieux/import.h"
#include "store/db.h"
#include "web/html.h"
#include "web/layout.h"

#define NBSP "\xc2\xa0"

static struct db db;
/* Monday 4 May 2026, 10:00 in Paris (08:00 UTC). */
static time_t now;

struct page {
    int status;
    char *body;
    size_t len;
    char ctype[64], location[256];
    const char *cache;
};

static void page_free(struct page *p)
{
    free(p->body);
    memset(p, 0, sizeof *p);
}

/* GET path?query through the router. */
static struct page get(const char *path, const char *query)
{
    struct request rq;
    memset(&rq, 0, sizeof rq);
    rq.method = "GET";
    rq.path = path;
    rq.db = &db;
    rq.now = now;
    query_parse(&rq.query, query ? query : "", query ? strlen(query) : 0);
    struct response rs;
    memset(&rs, 0, sizeof rs);
    router_dispatch(&rq, &rs);
    struct page p = {0};
    p.status = rs.status;
    p.len = rs.body.len;
    p.body = buf_take(&rs.body);
    snprintf(p.ctype, sizeof p.ctype, "%s", rs.content_type ? rs.content_type : "");
    snprintf(p.location, sizeof p.location, "%s", rs.location);
    p.cache = rs.cache_control;
    query_free(&rq.query);
    /* PAGES_DUMP=DIR keeps every page for a look (file name from the URL). */
    const char *dir = getenv("PAGES_DUMP");
    if (dir && p.body) {
        char name[512];
        int k = snprintf(name, sizeof name, "%s/", dir);
        for (const char *c = path; *c && k < 400; c++)
            name[k++] = (*c == '/' || *c == '?') ? '_' : *c;
        for (const char *c = query ? query : ""; *c && k < 480; c++)
            name[k++] = (*c == '/' || *c == '&' || *c == '%') ? '_' : *c;
        snprintf(name + k, sizeof name - (size_t)k, ".html");
        FILE *f = fopen(name, "wb");
        if (f) {
            fwrite(p.body, 1, p.len, f);
            fclose(f);
        }
    }
    return p;
}

static int has(const struct page *p, const char *s)
{
    return p->body && strstr(p->body, s) != NULL;
}

/* What every HTML page must be: complete, French, light, CSP-clean. */
static void check_html(const struct page *p)
{
    CHECK(strncmp(p->ctype, "text/html", 9) == 0);
    CHECK(has(p, "<!doctype html>"));
    CHECK(has(p, "<html lang=\"fr\">"));
    CHECK(has(p, "<main id=\"contenu\""));
    CHECK(has(p, "href=\"#contenu\">Aller au contenu</a>"));
    CHECK(has(p, "href=\"/static/style.css\""));
    CHECK(has(p, "</html>"));
    CHECK(!has(p, "style=\""));
    CHECK(!has(p, "<script"));
    CHECK(!has(p, "<style"));
    CHECK(p->len < PAGE_MAX_BYTES);
    if (p->len >= PAGE_MAX_BYTES)
        fprintf(stderr, "  page of %zu bytes\n", p->len);
}

static void exec(const char *sql)
{
    if (db_exec(&db, sql) < 0) {
        fprintf(stderr, "sql: %s\n", db.err);
        exit(1);
    }
}

static void import_text(const char *name, const char *text, size_t len, const char *source)
{
    struct import_opts o = {.source = source};
    struct import_stats st;
    char err[512];
    if (lieux_import_buffer(&db, name, text, len, &o, &st, err, sizeof err) < 0) {
        fprintf(stderr, "import %s: %s\n", name, err);
        exit(1);
    }
}

static long long lieu_id_of(const char *nom)
{
    sqlite3_stmt *st = db_prepare(&db, "SELECT pid FROM lieu WHERE nom = ?1");
    sqlite3_bind_text(st, 1, nom, -1, SQLITE_STATIC);
    long long id = st && sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    sqlite3_finalize(st);
    return id;
}

#define SQUARE(lon0, lat0, lon1, lat1)                                                        \
    "{\"type\":\"Polygon\",\"coordinates\":[[[" #lon0 "," #lat0 "],[" #lon1 "," #lat0 "],[" #lon1 \
    "," #lat1 "],[" #lon0 "," #lat1 "],[" #lon0 "," #lat0 "]]]}"

static void setup(void)
{
    struct tm tm = {.tm_year = 126, .tm_mon = 4, .tm_mday = 4, .tm_hour = 8};
    now = timegm(&tm);
    if (db_open(&db, ":memory:", 0) < 0) {
        fprintf(stderr, "db_open: %s\n", db.err);
        exit(1);
    }
    exec("INSERT INTO region VALUES ('93', 'Provence-Alpes-Côte d''Azur', '13055', 'metro');"
         "INSERT INTO departement VALUES ('13', 'Bouches-du-Rhône', '93', '13055', 'metro'),"
         " ('84', 'Vaucluse', '93', '84007', 'metro');"
         "INSERT INTO epci VALUES ('200054807', 'Métropole d''Aix-Marseille-Provence', 'METRO',"
         " 1900000);"
         "INSERT INTO commune VALUES"
         " ('13055', 'Marseille', 'marseille', '13', '93', '200054807', 870000, 43.2965, 5.3698,"
         "  'csv'),"
         " ('13001', 'Aix-en-Provence', 'aix en provence', '13', '93', '200054807', 145000,"
         "  43.5297, 5.4474, 'csv'),"
         " ('84007', 'Avignon', 'avignon', '84', '93', NULL, 90000, 43.9493, 4.8055, 'csv');"
         "INSERT INTO commune_code_postal VALUES ('13001', '13055'), ('13006', '13055'),"
         " ('13100', '13001'), ('84000', '84007');"
         "INSERT INTO commune_ancien_code VALUES ('13201', '13055', 'Marseille 1er',"
         " 'arrondissement-municipal'), ('13206', '13055', 'Marseille 6e',"
         " 'arrondissement-municipal');"
         "INSERT INTO contour VALUES"
         " ('commune', '13055', '" SQUARE(5.28, 43.17, 5.53, 43.39) "'),"
         " ('commune', '13001', '" SQUARE(5.30, 43.45, 5.55, 43.60) "'),"
         " ('commune', '84007', '" SQUARE(4.75, 43.90, 4.90, 43.99) "'),"
         " ('departement', '13', '" SQUARE(4.20, 43.15, 5.80, 43.95) "'),"
         " ('departement', '84', '" SQUARE(4.65, 43.70, 5.75, 44.40) "'),"
         " ('region', '93', '" SQUARE(4.20, 43.00, 7.70, 45.10) "');");
    FILE *f = fopen("data/demo/lieux-demo.csv", "rb");
    static char demo[1 << 20];
    size_t n = f ? fread(demo, 1, sizeof demo, f) : 0;
    if (f)
        fclose(f);
    if (n == 0 || n == sizeof demo) {
        fprintf(stderr, "cannot read data/demo/lieux-demo.csv (run from the project root)\n");
        exit(1);
    }
    import_text("lieux-demo.csv", demo, n, "demo");
    static const char other[] =
        "id,pivot,nom,commune,code_postal,code_insee,adresse,latitude,longitude,telephone,"
        "courriels,site_web,horaires,date_maj,services,prise_rdv\n"
        /* the same place as demo-001 */
        "x1,12345678901234,Association Clic Solidaire Marseille (démo 1),Marseille,13001,13201,"
        "7 avenue Jean Jaurès,43.30914,5.37960,04 50 56 87 49,,https://example.org/clic,,"
        "2026-03-01,Aide aux démarches administratives,\n"
        /* an injection attempt in every text field shown */
        "x2,12345678901234,<script>alert(1)</script>,Marseille,13006,13206,"
        "\"1 rue <b>gras</b> & \"\"quotes\"\"\",43.2870,5.3800,,\"a\"\"b@example.org\","
        "javascript:alert(2),n'importe quoi <i>,2022-05-02,,javascript:alert(3)\n"
        "x3,12345678901234,Maison des services d'Aix,Aix-en-Provence,13100,13001,"
        "2 place de l'Hôtel de Ville,43.5297,5.4474,+33442919191,,,\"Mo-Fr 09:00-17:00\","
        "2026-01-15,Aide aux démarches administratives,https://rdv.example.org/aix\n";
    import_text("autre.csv", other, sizeof other - 1, "autre");
    /* Hours the importer would drop, to see how the page shows them. */
    exec("UPDATE lieu SET horaires = 'n''importe quoi <i>' WHERE nom LIKE '<script>%'");
}

static void test_helpers(void)
{
    struct buf b = BUF_INIT;
    page_phone(&b, "+33450568749");
    CHECK_STR(b.s, "04" NBSP "50" NBSP "56" NBSP "87" NBSP "49");
    buf_reset(&b);
    page_phone(&b, "+262262123456");
    CHECK_STR(b.s, "02" NBSP "62" NBSP "12" NBSP "34" NBSP "56");
    buf_reset(&b);
    page_phone(&b, "+687271234");
    CHECK_STR(b.s, "+687" NBSP "27" NBSP "12" NBSP "34");
    buf_reset(&b);
    page_phone(&b, "<b>");
    CHECK_STR(b.s, "&lt;b&gt;");
    buf_reset(&b);
    page_date(&b, "2022-05-02");
    CHECK_STR(b.s, "2 mai 2022");
    buf_reset(&b);
    page_date(&b, "2024-12-01");
    CHECK_STR(b.s, "1er décembre 2024");
    buf_reset(&b);
    page_date(&b, "<hier>");
    CHECK_STR(b.s, "&lt;hier&gt;");
    buf_reset(&b);
    page_datetime(&b, "2026-11-24T09:30:00Z"); /* winter: UTC+1 */
    CHECK_STR(b.s, "24 novembre 2026 à 10" NBSP "h" NBSP "30");
    buf_reset(&b);
    page_datetime(&b, "2026-07-01T22:05:00Z"); /* summer: UTC+2, the next day */
    CHECK_STR(b.s, "2 juillet 2026 à 0" NBSP "h" NBSP "05");
    buf_reset(&b);
    page_datetime(&b, "2026-03-29T00:59:59Z"); /* the last second of winter time */
    CHECK_STR(b.s, "29 mars 2026 à 1" NBSP "h" NBSP "59");
    buf_reset(&b);
    page_datetime(&b, "2026-03-29T01:00:00Z"); /* summer time starts: 03:00 */
    CHECK_STR(b.s, "29 mars 2026 à 3" NBSP "h" NBSP "00");
    buf_reset(&b);
    page_datetime(&b, "<b>pas une date</b>");
    CHECK_STR(b.s, "&lt;b&gt;pas une date&lt;/b&gt;");
    buf_reset(&b);
    page_km(&b, 1.234);
    CHECK_STR(b.s, "1,2" NBSP "km");
    buf_reset(&b);
    page_km(&b, 0.349);
    CHECK_STR(b.s, "350" NBSP "m");
    buf_reset(&b);
    page_km(&b, 23.6);
    CHECK_STR(b.s, "24" NBSP "km");
    buf_reset(&b);
    page_int(&b, 1234567);
    CHECK_STR(b.s, "1" NBSP "234" NBSP "567");
    buf_reset(&b);
    page_count(&b, 1, "lieu", "lieux");
    page_count(&b, 0, " lieu", " lieux");
    page_count(&b, 12, " lieu", " lieux");
    CHECK_STR(b.s, "1 lieu0  lieu12  lieux");
    buf_reset(&b);
    page_rate_txt(&b, page_rate(3, 1000000), 3);
    CHECK_STR(b.s, "moins de 0,1");
    buf_reset(&b);
    page_rate_txt(&b, page_rate(18, 100000), 18);
    CHECK_STR(b.s, "1,8");
    buf_free(&b);

    /* Classes: equal-count classes on rounded values, 0 places apart. */
    double rates[] = {0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0};
    long places[] = {0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
    struct page_classes c;
    page_classes_make(&c, rates, places, 11);
    CHECK(c.n == 5);
    CHECK(page_class_of(&c, 0, 0) == 0);
    CHECK(page_class_of(&c, 0.5, 1) == 1);
    CHECK(page_class_of(&c, 5.0, 1) == 5);
    CHECK(page_class_of(&c, 99, 1) == 5);
    for (int i = 1; i < 11; i++)
        CHECK(page_class_of(&c, rates[i], 1) >= page_class_of(&c, rates[i - 1], places[i - 1]));
    double same[] = {1.0, 1.0, 1.0};
    long one[] = {1, 1, 1};
    page_classes_make(&c, same, one, 3);
    CHECK(c.n == 1);
    struct buf l = BUF_INIT;
    page_classes_legend(&l, &c, "Lieux pour 10 000 habitants");
    CHECK(strstr(l.s, "aucun lieu") && strstr(l.s, "class=\"swatch c1\""));
    buf_free(&l);

    long v;
    struct request rq;
    memset(&rq, 0, sizeof rq);
    query_parse(&rq.query, "page=3&x=0&y=abc&z=99999999999999999999", 39);
    CHECK(page_param_int(&rq, "page", 1, 100, &v) == 0 && v == 3);
    CHECK(page_param_int(&rq, "absent", 1, 100, &v) == 0 && v == 1);
    CHECK(page_param_int(&rq, "x", 1, 100, &v) < 0);
    CHECK(page_param_int(&rq, "y", 1, 100, &v) < 0);
    CHECK(page_param_int(&rq, "z", 1, 100, &v) < 0);
    query_free(&rq.query);
}

static void test_accueil(void)
{
    struct page p = get("/", NULL);
    CHECK(p.status == 200);
    check_html(&p);
    CHECK(has(&p, "action=\"/recherche\""));
    CHECK(has(&p, "<label for=\"ou\">Commune ou code postal</label>"));
    CHECK(has(&p, "<label for=\"q\">Nom ou adresse</label>"));
    CHECK(has(&p, "<summary>Plus de critères</summary>"));
    CHECK(has(&p, "name=\"services\" value=\"Aide aux démarches administratives\""));
    CHECK(has(&p, "name=\"modalites_accompagnement\""));
    CHECK(has(&p, "name=\"frais_a_charge\""));
    CHECK(has(&p, "name=\"publics_specifiquement_adresses\""));
    CHECK(has(&p, "name=\"prise_en_charge_specifique\""));
    CHECK(has(&p, "name=\"itinerance\""));
    CHECK(has(&p, "<option value=\"maintenant\">"));
    CHECK(has(&p, "<option value=\"apres-midi\">"));
    CHECK(has(&p, ">Chercher</button>"));
    CHECK(has(&p, "aria-current=\"page\">Chercher un lieu"));
    CHECK(has(&p, "/api/v1/export?format=csv"));
    CHECK(has(&p, "/api/openapi.json"));
    CHECK(!has(&p, "Données de démonstration"));
    page_free(&p);

    /* The demo banner on every page when the demo set is loaded. */
    db_meta_set(&db, "demo", "1");
    p = get("/", NULL);
    CHECK(has(&p, "Données de démonstration"));
    page_free(&p);
    p = get("/lieu/abc", NULL);
    CHECK(has(&p, "Données de démonstration"));
    page_free(&p);
    db_meta_set(&db, "demo", "0");
}

static void test_recherche(void)
{
    struct page p = get("/recherche", "ou=Marseille");
    CHECK(p.status == 200);
    check_html(&p);
    CHECK(has(&p, "près de Marseille (13055)</h1>"));
    CHECK(has(&p, "<ol class=\"resultats\" start=\"1\">"));
    CHECK(has(&p, "<a href=\"/lieu/"));
    CHECK(has(&p, "class=\"distance\">à "));
    CHECK(has(&p, NBSP "km</span>") || has(&p, NBSP "m</span>"));
    CHECK(has(&p, "Ouvert maintenant") || has(&p, "Fermé en ce moment"));
    CHECK(has(&p, "value=\"Marseille\""));
    CHECK(has(&p, "class=\"etiquettes\""));
    /* the injection attempt is listed, escaped */
    CHECK(has(&p, "&lt;script&gt;alert(1)&lt;/script&gt;"));
    CHECK(!has(&p, "<script>alert"));
    CHECK(has(&p, "1 rue &lt;b&gt;gras&lt;/b&gt; &amp; &quot;quotes&quot;"));
    page_free(&p);

    /* by postcode, with filters kept in the form */
    p = get("/recherche", "ou=13006&services=Aide+aux+d%C3%A9marches+administratives&ouvert="
                          "lundi&creneau=matin");
    CHECK(p.status == 200);
    check_html(&p);
    CHECK(has(&p, "value=\"Aide aux démarches administratives\" checked>"));
    CHECK(has(&p, "<option value=\"lundi\" selected>"));
    CHECK(has(&p, "<option value=\"matin\" selected>"));
    CHECK(has(&p, "Critères choisis : Aide aux démarches administratives, ouvert le lundi "
                  "le matin (8 h – 12 h)."));
    CHECK(!has(&p, "<details open>")); /* results first */
    page_free(&p);
    p = get("/recherche", "ouvert=mardi&creneau=nuit"); /* the error page opens them */
    CHECK(p.status == 400);
    CHECK(has(&p, "<details open>") || has(&p, "<option value=\"mardi\" selected>"));
    page_free(&p);

    /* pagination keeps the criteria */
    p = get("/recherche", "ou=Marseille&limite=2");
    CHECK(p.status == 200);
    CHECK(has(&p, "href=\"/recherche?ou=Marseille&amp;limite=2&amp;page=2\">Suivant</a>"));
    CHECK(has(&p, "<h1>Les lieux près de Marseille (13055)</h1>")); /* nearest: no total */
    CHECK(has(&p, "Page 1</li>"));
    CHECK(!has(&p, "Précédent"));
    page_free(&p);
    p = get("/recherche", "ou=Marseille&limite=2&page=2");
    CHECK(has(&p, "page=1\">Précédent</a>"));
    CHECK(has(&p, "start=\"3\""));
    page_free(&p);

    /* text only: sorted by name, no distance */
    p = get("/recherche", "q=script");
    CHECK(p.status == 200);
    check_html(&p);
    CHECK(has(&p, "&lt;script&gt;alert(1)&lt;/script&gt;"));
    CHECK(!has(&p, "<script>alert"));
    CHECK(has(&p, "classés par nom"));
    CHECK(has(&p, "<h1>1 lieu pour « script »</h1>"));
    CHECK(!has(&p, "class=\"distance\""));
    page_free(&p);

    /* territory */
    p = get("/recherche", "niveau=departement&code=13");
    CHECK(p.status == 200);
    CHECK(has(&p, "lieux dans le département Bouches-du-Rhône (13)</h1>"));
    page_free(&p);

    /* nothing asked: an invitation, no results */
    p = get("/recherche", NULL);
    CHECK(p.status == 200);
    check_html(&p);
    CHECK(has(&p, "Indiquez une commune"));
    CHECK(!has(&p, "class=\"resultats\""));
    page_free(&p);

    /* errors next to the form, escaped */
    p = get("/recherche", "ou=%3Cscript%3Ex%3C%2Fscript%3E");
    CHECK(p.status == 400);
    check_html(&p);
    CHECK(has(&p, "role=\"alert\""));
    CHECK(has(&p, "&lt;script&gt;x&lt;/script&gt;"));
    CHECK(!has(&p, "<script>x"));
    CHECK(has(&p, "value=\"&lt;script&gt;x&lt;/script&gt;\""));
    page_free(&p);
    p = get("/recherche", "ou=Marseille&page=abc");
    CHECK(p.status == 400);
    CHECK(has(&p, "role=\"alert\""));
    page_free(&p);
    p = get("/recherche", "ouvert=demain");
    CHECK(p.status == 400);
    page_free(&p);

    /* page size is capped on the HTML page */
    p = get("/recherche", "q=demo&limite=500");
    CHECK(p.status == 200);
    check_html(&p);
    page_free(&p);
}

static void test_lieu(void)
{
    long long id = lieu_id_of("Association Clic Solidaire Marseille (démo 1)");
    CHECK(id > 0);
    char path[64];
    snprintf(path, sizeof path, "/lieu/%lld", id);
    struct page p = get(path, NULL);
    CHECK(p.status == 200);
    check_html(&p);
    CHECK(has(&p, "<h1>Association Clic Solidaire Marseille (démo 1)</h1>"));
    CHECK(has(&p, "7 avenue Jean Jaurès"));
    CHECK(has(&p, "Horaires</h2>"));
    CHECK(has(&p, "<ul class=\"horaires\">"));
    CHECK(has(&p, "Lundi") || has(&p, "lundi"));
    CHECK(has(&p, "href=\"tel:+33"));
    CHECK(has(&p, "href=\"mailto:contact-demo-1@example.org\""));
    CHECK(has(&p, "rel=\"nofollow noopener\""));
    CHECK(has(&p, "Mis à jour le "));
    CHECK(!has(&p, "class=\"avertissement\"")); /* updated this year */
    CHECK(has(&p, "Sources</h2>"));
    CHECK(has(&p, "<th scope=\"col\">Champ</th><th scope=\"col\">Source</th>"));
    CHECK(has(&p, "réunit 2 fiches"));
    CHECK(has(&p, "<svg"));
    CHECK(has(&p, "class=\"pt\""));
    CHECK(has(&p, "href=\"/territoire/commune/13055\""));
    CHECK(has(&p, "href=\"/territoire/departement/13\""));
    CHECK(has(&p, "href=\"/territoire/epci/200054807\""));
    page_free(&p);

    /* phone in French grouping */
    id = lieu_id_of("Maison des services d'Aix");
    snprintf(path, sizeof path, "/lieu/%lld", id);
    p = get(path, NULL);
    CHECK(p.status == 200);
    CHECK(has(&p, ">04" NBSP "42" NBSP "91" NBSP "91" NBSP "91</a>"));
    CHECK(has(&p, "href=\"https://rdv.example.org/aix\" rel=\"nofollow noopener\">Prendre "
                  "rendez-vous en ligne</a>"));
    CHECK(has(&p, "Ouvert maintenant"));
    CHECK(has(&p, "réunit") == 0);
    page_free(&p);

    /* stored text is escaped everywhere; no javascript: link */
    id = lieu_id_of("<script>alert(1)</script>");
    CHECK(id > 0);
    snprintf(path, sizeof path, "/lieu/%lld", id);
    p = get(path, NULL);
    CHECK(p.status == 200);
    check_html(&p);
    CHECK(has(&p, "<h1>&lt;script&gt;alert(1)&lt;/script&gt;</h1>"));
    CHECK(has(&p, "<title>&lt;script&gt;alert(1)&lt;/script&gt; — Passerelle</title>"));
    CHECK(!has(&p, "<script>alert"));
    CHECK(!has(&p, "<b>gras"));
    CHECK(!has(&p, "href=\"javascript"));
    CHECK(has(&p, "horaires fournis tels quels") || has(&p, "Horaires fournis tels quels"));
    CHECK(has(&p, "n&#39;importe quoi &lt;i&gt;"));
    CHECK(has(&p, "Mis à jour le 2 mai 2022"));
    CHECK(has(&p, "Ces informations datent du 2 mai 2022, il y a plus de 4 ans."));
    page_free(&p);

    p = get("/lieu/abc", NULL);
    CHECK(p.status == 400);
    check_html(&p);
    page_free(&p);
    p = get("/lieu/12abc", NULL);
    CHECK(p.status == 400);
    page_free(&p);
    p = get("/lieu/999999", NULL);
    CHECK(p.status == 404);
    check_html(&p);
    CHECK(has(&p, "Lieu introuvable"));
    page_free(&p);
    p = get("/lieu/99999999999999999999999", NULL);
    CHECK(p.status == 400);
    page_free(&p);
}

static void test_territoire(void)
{
    struct page p = get("/territoire/commune/13055", NULL);
    CHECK(p.status == 200);
    check_html(&p);
    CHECK(has(&p, "<h1>Marseille <span class=\"niveau\">— commune (13055)</span></h1>"));
    CHECK(has(&p, "870" NBSP "000</strong> habitants"));
    CHECK(has(&p, "aria-label=\"Fil d&#39;Ariane\"") || has(&p, "aria-label=\"Fil d'Ariane\""));
    CHECK(has(&p, "href=\"/territoire/region/93\""));
    CHECK(has(&p, "href=\"/territoire/departement/13\""));
    CHECK(has(&p, "<svg"));
    CHECK(has(&p, "class=\"pt\""));
    CHECK(has(&p, "&lt;script&gt;alert(1)&lt;/script&gt;"));
    CHECK(!has(&p, "<script>alert"));
    CHECK(has(&p, "href=\"/recherche?niveau=commune&amp;code=13055\""));
    page_free(&p);

    p = get("/territoire/departement/13", NULL);
    CHECK(p.status == 200);
    check_html(&p);
    CHECK(has(&p, "Bouches-du-Rhône <span class=\"niveau\">— département (13)</span>"));
    CHECK(has(&p, "<path class=\"c3\"")); /* Marseille: 5 to 9 places */
    CHECK(has(&p, "<path class=\"c1\"")); /* Aix-en-Provence: 1 place */
    CHECK(has(&p, "Nombre de lieux par commune"));
    CHECK(has(&p, "href=\"/territoire/commune/13055\""));
    CHECK(has(&p, "<caption>Lieux par commune</caption>"));
    CHECK(has(&p, "Intercommunalités du département"));
    CHECK(has(&p, "href=\"/territoire/epci/200054807\""));
    page_free(&p);

    p = get("/territoire/region/93", NULL);
    CHECK(p.status == 200);
    check_html(&p);
    CHECK(has(&p, "Provence-Alpes-Côte d&#39;Azur <span class=\"niveau\">— région (93)</span>"));
    CHECK(has(&p, "<a href=\"/territoire/departement/84\"><path class=\"c0\""));
    CHECK(has(&p, "Bouches-du-Rhône : "));
    CHECK(has(&p, "pour 10" NBSP "000 habitants</title>"));
    CHECK(has(&p, "class=\"legende\""));
    CHECK(has(&p, "Départements de la région"));
    page_free(&p);

    p = get("/territoire/epci/200054807", NULL);
    CHECK(p.status == 200);
    check_html(&p);
    CHECK(has(&p, "— métropole</span>"));
    CHECK(has(&p, "<caption>Lieux par commune</caption>"));
    CHECK(has(&p, "href=\"/territoire/commune/13001\">Aix-en-Provence</a></th>"));
    page_free(&p);

    /* canonical addresses */
    p = get("/territoire/commune/13201", NULL);
    CHECK(p.status == 303);
    CHECK_STR(p.location, "/territoire/commune/13055");
    page_free(&p);
    p = get("/territoire/département/13", NULL);
    CHECK(p.status == 303);
    CHECK_STR(p.location, "/territoire/departement/13");
    page_free(&p);

    p = get("/territoire/pays/FR", NULL);
    CHECK(p.status == 404);
    check_html(&p);
    page_free(&p);
    p = get("/territoire/departement/99", NULL);
    CHECK(p.status == 404);
    page_free(&p);
    p = get("/territoire/commune/%3Cb%3E", NULL);
    CHECK(p.status == 404);
    page_free(&p);
}

/* A département of 200 communes, each with a place and a long name: the
 * page must fall back to its light caps and stay under 50 KB. */
static void test_territoire_big(void)
{
    exec("INSERT INTO departement VALUES ('04', 'Alpes-de-Haute-Provence', '93', '04070',"
         " 'metro');"
         "INSERT INTO contour VALUES ('departement', '04', '" SQUARE(5.0, 44.0, 7.0, 45.0) "');");
    char sql[1024];
    for (int i = 0; i < 200; i++) {
        double lon = 5.0 + (i % 20) * 0.1, lat = 44.0 + (i / 20) * 0.1;
        snprintf(sql, sizeof sql,
                 "INSERT INTO commune VALUES ('04%03d', 'Commune de test au nom assez long %d',"
                 " 'x', '04', '93', NULL, 1000, %f, %f, 'csv');"
                 "INSERT INTO contour VALUES ('commune', '04%03d', '{\"type\":\"Polygon\","
                 "\"coordinates\":[[[%f,%f],[%f,%f],[%f,%f],[%f,%f],[%f,%f]]]}');"
                 "INSERT INTO lieu(pid, nom, commune, code_postal, adresse, date_maj, lat, lon,"
                 " commune_code, departement, region) VALUES (%d, 'Lieu de test numéro %d',"
                 " 'Commune %d', '04000', '1 place de la Mairie', '2026-01-01', %f, %f,"
                 " '04%03d', '04', '93');",
                 i, i, lat + 0.05, lon + 0.05, i, lon, lat, lon + 0.1, lat, lon + 0.1, lat + 0.1,
                 lon, lat + 0.1, lon, lat, 100000 + i, i, i, lat + 0.05, lon + 0.05, i);
        exec(sql);
    }
    struct page p = get("/territoire/departement/04", NULL);
    CHECK(p.status == 200);
    check_html(&p);
    CHECK(has(&p, "<svg"));
    CHECK(has(&p, "Tableau limité aux 40 premières lignes."));
    page_free(&p);
    exec("DELETE FROM lieu WHERE departement = '04'");
}

static void test_carte(void)
{
    struct page p = get("/carte", NULL);
    CHECK(p.status == 200);
    check_html(&p);
    CHECK(has(&p, "<svg"));
    CHECK(has(&p, "href=\"/territoire/departement/13\"><path class=\"c"));
    CHECK(has(&p, "href=\"/territoire/departement/84\"><path class=\"c0\""));
    CHECK(has(&p, "class=\"legende\""));
    CHECK(has(&p, "<caption>Lieux par département</caption>"));
    CHECK(has(&p, "href=\"/territoire/region/93\""));
    CHECK(has(&p, "aria-current=\"page\">Carte"));
    page_free(&p);
}

static void test_doublons(void)
{
    struct page p = get("/doublons", NULL);
    CHECK(p.status == 200);
    check_html(&p);
    CHECK(has(&p, "passerelle lieux dedup --jamais SOURCE:ID SOURCE:ID"));
    CHECK(has(&p, "<code>demo:demo-001</code>"));
    CHECK(has(&p, "<code>autre:x1</code>"));
    CHECK(has(&p, "Réunis (même lieu)"));
    page_free(&p);
    p = get("/doublons", "page=0");
    CHECK(p.status == 400);
    page_free(&p);
    p = get("/doublons", "page=9");
    CHECK(p.status == 200);
    CHECK(has(&p, "Précédent"));
    page_free(&p);
}

static void test_imports(void)
{
    struct page p = get("/imports", NULL);
    CHECK(p.status == 200);
    check_html(&p);
    CHECK(has(&p, "lieux-demo.csv"));
    CHECK(has(&p, "autre.csv"));
    CHECK(has(&p, "href=\"/imports?run=2\""));
    page_free(&p);

    p = get("/imports", "run=2");
    CHECK(p.status == 200);
    check_html(&p);
    CHECK(has(&p, "Rapport de l&#39;import n° 2"));
    CHECK(has(&p, "<th scope=\"col\">Règle</th>"));
    CHECK(has(&p, "autre.csv"));
    /* the rejected value is shown escaped */
    CHECK(!has(&p, "<script>"));
    CHECK(!has(&p, "<i>"));
    page_free(&p);
    p = get("/imports", "run=2&rejets=1");
    CHECK(p.status == 200);
    CHECK(has(&p, "Seulement les lignes rejetées"));
    page_free(&p);

    p = get("/imports", "run=999");
    CHECK(p.status == 404);
    check_html(&p);
    page_free(&p);
    p = get("/imports", "run=abc");
    CHECK(p.status == 400);
    page_free(&p);
    p = get("/imports", "run=2&page=-1");
    CHECK(p.status == 400);
    page_free(&p);
}

static void test_static(void)
{
    struct page p = get("/static/style.css", NULL);
    CHECK(p.status == 200);
    CHECK_STR(p.ctype, "text/css; charset=utf-8");
    CHECK(p.cache && strcmp(p.cache, "public, max-age=3600") == 0);
    CHECK(has(&p, ".c5{"));
    CHECK(has(&p, ":focus-visible"));
    CHECK(p.len < 16384); /* one stylesheet for every page, cached an hour */
    page_free(&p);
    p = get("/static/absent.css", NULL);
    CHECK(p.status == 404);
    page_free(&p);
    p = get("/static/..", NULL);
    CHECK(p.status == 404);
    page_free(&p);
    p = get("/static/STYLE.CSS", NULL);
    CHECK(p.status == 404);
    page_free(&p);
    p = get("/static/style.css%00", NULL);
    CHECK(p.status == 404);
    page_free(&p);
}

static void test_errors(void)
{
    struct page p = get("/nulle-part", NULL);
    CHECK(p.status == 404);
    check_html(&p);
    CHECK(has(&p, "Page introuvable"));
    page_free(&p);

    struct request rq;
    memset(&rq, 0, sizeof rq);
    rq.method = "POST";
    rq.path = "/carte";
    rq.db = &db;
    struct response rs;
    memset(&rs, 0, sizeof rs);
    router_dispatch(&rq, &rs);
    CHECK(rs.status == 405);
    CHECK(rs.body.s && strstr(rs.body.s, "<html lang=\"fr\">"));
    buf_free(&rs.body);
}

int main(void)
{
    setup();
    RUN(test_helpers);
    RUN(test_accueil);
    RUN(test_recherche);
    RUN(test_lieu);
    RUN(test_territoire);
    RUN(test_territoire_big);
    RUN(test_carte);
    RUN(test_doublons);
    RUN(test_imports);
    RUN(test_static);
    RUN(test_errors);
    db_close(&db);
    return CHECK_DONE();
}
