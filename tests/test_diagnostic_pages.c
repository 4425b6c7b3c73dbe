/* test_diagnostic_pages.c - the diagnostic's pages and API through the
 * router, on an in-memory database (Marseille's territories inserted by
 * hand, the shipped demo places, two structures), with a visitor cookie
 * and CSRF tokens as a browser sends them, and constructed actors for the
 * professional mode and the administration:
 *   - every page: complete, in its language (lang, dir="rtl" for Arabic),
 *     no inline style or script, the language switch, escaped input, light;
 *   - the self-diagnostic from start to result without JavaScript: CSRF
 *     refused without a token, errors next to the question, a double
 *     submit recorded once, "back", an unknown commune, the result with
 *     places and the referral sheet (consent, the mail in the outbox, once);
 *   - the professional mode: sign-in redirect, refusal outside the
 *     structure, observations with an override that needs a reason, the
 *     journal;
 *   - the question banks page (administrators only, multipart upload);
 *   - the API: the offline bundle, the idempotent PUT, statistics, the
 *     export's authorization. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "diag_fixture.h"
#include "comptes/authz.h"
#include "comptes/comptes.h"
#include "http/router.h"
#include "store/db.h"
#include "web/form.h"

static struct db db;
static time_t now = 1795516200; /* Tuesday 24 November 2026, 10:30 in Paris */
static const unsigned char secret[32] = "0123456789abcdef0123456789abcde";

struct page {
    int status;
    char *body;
    size_t len;
    char ctype[64], location[256], cookies[512];
};

static void page_free(struct page *p)
{
    free(p->body);
    memset(p, 0, sizeof *p);
}

/* One request through the router, as visitor "v1" (cookie), optionally
 * signed in as `actor`. form: urlencoded (POST) or query (GET). */
static struct page call(const char *method, const char *path, const char *form,
                        const struct actor *actor, const char *ctype, const char *body,
                        size_t body_len, const char *extra_header, const char *extra_value)
{
    struct http_header h[5] = {{"Cookie", "pl_visiteur=visiteur-un"}, {"Host", "localhost"}};
    int nh = 2;
    if (ctype)
        h[nh++] = (struct http_header){"Content-Type", ctype};
    if (extra_header)
        h[nh++] = (struct http_header){extra_header, extra_value};
    h[nh] = (struct http_header){NULL, NULL};
    struct request rq;
    memset(&rq, 0, sizeof rq);
    rq.method = method;
    rq.path = path;
    rq.db = &db;
    rq.now = now;
    rq.headers = h;
    rq.secret = secret;
    rq.actor = actor;
    rq.peer = "127.0.0.1";
    rq.body = body;
    rq.body_len = body_len;
    query_parse(&rq.query, form ? form : "", form ? strlen(form) : 0);
    struct response rs;
    memset(&rs, 0, sizeof rs);
    router_dispatch(&rq, &rs);
    struct page p = {0};
    p.status = rs.status;
    p.len = rs.body.len;
    p.body = buf_take(&rs.body);
    snprintf(p.ctype, sizeof p.ctype, "%s", rs.content_type ? rs.content_type : "");
    snprintf(p.location, sizeof p.location, "%s", rs.location);
    for (int i = 0; i < rs.nheaders; i++)
        if (strcmp(rs.headers[i].name, "Set-Cookie") == 0)
            snprintf(p.cookies + strlen(p.cookies), sizeof p.cookies - strlen(p.cookies), "%s\n",
                     rs.headers[i].value);
    query_free(&rq.query);
    return p;
}

static struct page get(const char *path, const char *query, const struct actor *a)
{
    return call("GET", path, query, a, NULL, NULL, 0, NULL, NULL);
}

/* The CSRF token of visitor "v1" (or of the signed-in session: the same
 * cookie is used for both in these tests). */
static const char *token(void)
{
    static char t[64];
    struct http_header h[] = {{"Cookie", "pl_visiteur=visiteur-un"}, {NULL, NULL}};
    struct request rq = {.headers = h, .secret = secret};
    form_csrf_token(&rq, t);
    return t;
}

static struct page post(const char *path, const char *form, const struct actor *a)
{
    char full[4096];
    snprintf(full, sizeof full, "%s%scsrf=%s", form, *form ? "&" : "", token());
    return call("POST", path, full, a, "application/x-www-form-urlencoded", NULL, 0, NULL, NULL);
}

static int has(const struct page *p, const char *s)
{
    return p->body && strstr(p->body, s) != NULL;
}

/* What every diagnostic page must be. */
static void check_page(const struct page *p, const char *lang)
{
    char want[64];
    snprintf(want, sizeof want, "<html lang=\"%s\" dir=\"%s\">", lang,
             strcmp(lang, "ar") == 0 ? "rtl" : "ltr");
    CHECK(strncmp(p->ctype, "text/html", 9) == 0);
    CHECK(has(p, want));
    if (!has(p, want))
        fprintf(stderr, "  wanted %s\n", want);
    CHECK(has(p, "<main id=\"contenu\""));
    CHECK(has(p, "class=\"langues\""));
    CHECK(has(p, "hreflang=\"ar\""));
    CHECK(!has(p, "style=\""));
    CHECK(!has(p, "<style"));
    /* scripts only by src */
    for (const char *s = p->body; s && (s = strstr(s, "<script")); s++)
        CHECK(strncmp(s, "<script src=\"/static/diagnostic.js\" defer></script>", 51) == 0);
    CHECK(p->len < 20 * 1024);
    if (p->len >= 20 * 1024)
        fprintf(stderr, "  page of %zu bytes\n", p->len);
}

static struct actor actor_of(long long id, const char *grant)
{
    struct actor a = {.compte_id = id, .ngrants = 1};
    snprintf(a.email, sizeof a.email, "compte%lld@example.fr", id);
    if (comptes_grant_parse(grant, &a.grants[0]) < 0)
        exit(1);
    return a;
}

static void setup(void)
{
    diag_fixture_open(&db);
    diag_fixture_exec(&db, "INSERT INTO structure (id, nom, commune_code, courriel, created_at) VALUES"
                           " (7, 'Centre social', '13055', 'cs@example.org', '2026-01-01'),"
                           " (8, 'Autre structure', '13055', 'as@example.org', '2026-01-01');");
}

static int count(const char *sql)
{
    sqlite3_stmt *st = db_prepare(&db, sql);
    int n = st && sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
    sqlite3_finalize(st);
    return n;
}

/* The value of name="NAME" value="..." in the page, or "". */
static const char *field(const struct page *p, const char *name)
{
    static char v[128];
    char pat[64];
    snprintf(pat, sizeof pat, "name=\"%s\" value=\"", name);
    const char *s = p->body ? strstr(p->body, pat) : NULL;
    v[0] = 0;
    if (s) {
        s += strlen(pat);
        const char *e = strchr(s, '"');
        snprintf(v, sizeof v, "%.*s", (int)(e - s), s);
    }
    return v;
}

/* The first option's value of a question page (name="o" ... value="X"). */
static const char *first_option(const struct page *p)
{
    static char v[64];
    const char *s = p->body ? strstr(p->body, "name=\"o\" id=\"o-") : NULL;
    v[0] = 0;
    if (s && (s = strstr(s, "value=\""))) {
        s += 7;
        const char *e = strchr(s, '"');
        snprintf(v, sizeof v, "%.*s", (int)(e - s), s);
    }
    return v;
}

static void test_start(void)
{
    struct page p = get("/diagnostic", NULL, NULL);
    CHECK(p.status == 200);
    check_page(&p, "fr");
    CHECK(has(&p, "Faire le point sur le numérique"));
    CHECK(has(&p, "action=\"/diagnostic\""));
    CHECK(has(&p, "<script src=\"/static/diagnostic.js\" defer></script>"));
    CHECK(has(&p, "data-csrf=\"") && strstr(p.body, token()));
    CHECK(has(&p, "href=\"/diagnostic/pro\""));
    page_free(&p);
    p = get("/diagnostic", "langue=ar", NULL);
    check_page(&p, "ar");
    CHECK(has(&p, "تقييم مهاراتك الرقمية"));
    CHECK(strstr(p.cookies, "pl_langue=ar") != NULL);
    CHECK(has(&p, "lang=\"ar\" dir=\"rtl\" aria-current=\"true\""));
    page_free(&p);
    p = get("/diagnostic", "langue=en", NULL);
    check_page(&p, "en");
    CHECK(has(&p, "Check your digital skills"));
    page_free(&p);
    p = get("/diagnostic", "langue=<b>", NULL);
    check_page(&p, "fr");
    page_free(&p);
    /* without a token: refused */
    p = call("POST", "/diagnostic", "langue=fr", NULL, "application/x-www-form-urlencoded", NULL,
             0, NULL, NULL);
    CHECK(p.status == 403);
    page_free(&p);
    /* with another site's Origin: refused */
    char form[200];
    snprintf(form, sizeof form, "langue=fr&csrf=%s", token());
    p = call("POST", "/diagnostic", form, NULL, "application/x-www-form-urlencoded", NULL, 0,
             "Origin", "https://evil.example");
    CHECK(p.status == 403);
    page_free(&p);
}

/* Start a session; returns its path "/diagnostic/s/KEY" (static). */
static const char *start(const char *lang)
{
    static char path[128];
    char form[32];
    snprintf(form, sizeof form, "langue=%s", lang);
    struct page p = post("/diagnostic", form, NULL);
    CHECK(p.status == 303 && strncmp(p.location, "/diagnostic/s/", 14) == 0);
    snprintf(path, sizeof path, "%s", p.location);
    page_free(&p);
    return path;
}

static void test_self_flow(void)
{
    const char *path = start("fr");
    char session[128], resultat[160];
    snprintf(session, sizeof session, "%s", path);
    snprintf(resultat, sizeof resultat, "%s/resultat", session);
    const char *key = session + 14;
    /* the result before the end: back to the questions */
    struct page p = get(resultat, NULL, NULL);
    CHECK(p.status == 303 && strcmp(p.location, session) == 0);
    page_free(&p);
    int questions = 0;
    for (;;) {
        p = get(session, NULL, NULL);
        CHECK(p.status == 200);
        if (!has(&p, "name=\"q\"")) {
            check_page(&p, "fr");
            CHECK(has(&p, "Où cherchez-vous de l&#39;aide ?"));
            page_free(&p);
            break;
        }
        check_page(&p, "fr");
        CHECK(has(&p, "<legend><h1>"));
        char q[64], form[256];
        snprintf(q, sizeof q, "%s", field(&p, "q"));
        if (questions == 0) {
            CHECK(strcmp(q, "materiel") == 0 && has(&p, "type=\"checkbox\""));
            /* nothing chosen: the error next to the question, 400 */
            snprintf(form, sizeof form, "q=%s", q);
            struct page e = post(session, form, NULL);
            CHECK(e.status == 400 && strstr(e.body, "role=\"alert\"") &&
                  strstr(e.body, "aria-describedby=\"q-aide q-erreur\"") &&
                  strstr(e.body, "Choisissez une réponse."));
            page_free(&e);
            /* an exclusive option with another */
            snprintf(form, sizeof form, "q=%s&o=smartphone&o=aucun", q);
            e = post(session, form, NULL);
            CHECK(e.status == 400 && strstr(e.body, "ne va pas avec") &&
                  strstr(e.body, "value=\"smartphone\" checked"));
            page_free(&e);
            /* an unknown option */
            snprintf(form, sizeof form, "q=%s&o=licorne", q);
            e = post(session, form, NULL);
            CHECK(e.status == 400);
            page_free(&e);
        }
        if (has(&p, "value=\"nsp\""))
            CHECK(has(&p, "Je ne sais pas") && has(&p, "type=\"radio\""));
        snprintf(form, sizeof form, "q=%s&o=%s", q, first_option(&p));
        page_free(&p);
        p = post(session, form, NULL);
        CHECK(p.status == 303 && strcmp(p.location, session) == 0);
        page_free(&p);
        questions++;
        if (questions == 2) {
            /* the same answer again (double click): ignored */
            int before = count("SELECT count(*) FROM diagnostic_reponse");
            p = post(session, form, NULL);
            CHECK(p.status == 303);
            page_free(&p);
            CHECK(count("SELECT count(*) FROM diagnostic_reponse") == before);
            /* back, then the same answer again */
            p = post(session, "action=retour", NULL);
            CHECK(p.status == 303);
            page_free(&p);
            CHECK(count("SELECT count(*) FROM diagnostic_reponse") == before - 1);
            p = post(session, form, NULL);
            page_free(&p);
            CHECK(count("SELECT count(*) FROM diagnostic_reponse") == before);
        }
        if (questions > 30)
            break;
    }
    CHECK(questions >= 13 && questions <= 20);
    /* an unknown commune: the error next to the field */
    p = post(session, "action=terminer&ou=Atlantide", NULL);
    CHECK(p.status == 400 && has(&p, "aria-invalid=\"true\"") && has(&p, "value=\"Atlantide\""));
    page_free(&p);
    p = post(session, "action=terminer&ou=13001", NULL);
    CHECK(p.status == 303 && strcmp(p.location, resultat) == 0);
    page_free(&p);
    /* finished: the session page goes to the result; answers are refused */
    p = get(session, NULL, NULL);
    CHECK(p.status == 303 && strcmp(p.location, resultat) == 0);
    page_free(&p);
    p = get(resultat, NULL, NULL);
    CHECK(p.status == 200);
    check_page(&p, "fr");
    CHECK(has(&p, "Votre niveau") && has(&p, "aria-current=\"step\""));
    CHECK(has(&p, "Ce que vous savez déjà faire") && has(&p, "Ce que vous pouvez apprendre"));
    CHECK(has(&p, "<caption>Votre niveau dans chaque domaine</caption>"));
    CHECK(has(&p, "Lieux proches de Marseille."));
    CHECK(has(&p, "<ol class=\"resultats diag-lieux\">"));
    CHECK(has(&p, "href=\"/lieu/"));
    CHECK(has(&p, "/envoyer/"));
    CHECK(count("SELECT count(*) FROM diagnostic_session WHERE commune = '13055' AND termine_at IS NOT NULL") == 1);
    page_free(&p);
    /* in Arabic, the places' French data is marked */
    p = get(resultat, "langue=ar", NULL);
    check_page(&p, "ar");
    CHECK(has(&p, "<span lang=\"fr\" dir=\"ltr\">"));
    page_free(&p);
    /* another commune, shown without being stored; escaped */
    p = get(resultat, "ou=%3Cscript%3Ex", NULL);
    CHECK(p.status == 200 && !has(&p, "<script>x") && has(&p, "&lt;script&gt;x"));
    page_free(&p);
    /* the API's view of the session */
    char api[160];
    snprintf(api, sizeof api, "/api/v1/diagnostic/sessions/%s", key);
    p = get(api, NULL, NULL);
    json_t *o = json_loads(p.body, 0, NULL);
    CHECK(p.status == 200 && o && json_is_true(json_object_get(o, "termine")) &&
          json_integer_value(json_object_get(o, "autonomie")) >= 1);
    CHECK(json_array_size(json_object_get(o, "reponses")) == (size_t)questions);
    json_decref(o);
    page_free(&p);
    p = get("/api/v1/diagnostic/sessions/inconnue-0123456789abcdef", NULL, NULL);
    CHECK(p.status == 404);
    page_free(&p);

    /* the referral sheet to the best place */
    long long lieu = 0;
    p = get(resultat, NULL, NULL);
    const char *s = strstr(p.body, "/envoyer/");
    if (s)
        lieu = atoll(s + 9);
    page_free(&p);
    CHECK(lieu > 0);
    char send[200];
    snprintf(send, sizeof send, "%s/envoyer/%lld", session, lieu);
    p = get(send, NULL, NULL);
    CHECK(p.status == 200 && has(&p, "name=\"accord\"") && has(&p, "required"));
    check_page(&p, "fr");
    page_free(&p);
    p = post(send, "prenom=Nadia", NULL);
    CHECK(p.status == 400 && has(&p, "Cochez la case"));
    page_free(&p);
    CHECK(count("SELECT count(*) FROM mail_sortant") == 0);
    p = post(send, "accord=oui&prenom=Nadia&contact=06+12+34+56+78", NULL);
    CHECK(p.status == 200 && has(&p, "Votre fiche est envoyée"));
    page_free(&p);
    CHECK(count("SELECT count(*) FROM mail_sortant WHERE objet = 'orientation' AND corps LIKE "
                "'%Niveau d''autonomie%' AND corps LIKE '%Prénom : Nadia%' AND corps NOT LIKE '%/diagnostic/s/%'") == 1);
    CHECK(count("SELECT count(*) FROM mail_sortant m JOIN lieu l ON l.courriels LIKE m.destinataire || '%'") == 1);
    CHECK(count("SELECT count(*) FROM diagnostic_orientation") == 1);
    p = post(send, "accord=oui", NULL);
    CHECK(p.status == 200 && has(&p, "déjà été envoyée"));
    page_free(&p);
    CHECK(count("SELECT count(*) FROM mail_sortant") == 1);
    p = get(send, NULL, NULL);
    CHECK(has(&p, "déjà été envoyée"));
    page_free(&p);
    /* a place that does not exist */
    snprintf(send, sizeof send, "%s/envoyer/999999", session);
    p = get(send, NULL, NULL);
    CHECK(p.status == 404);
    page_free(&p);
    /* anonymous sessions are not journaled */
    CHECK(count("SELECT count(*) FROM journal") == 0);
}

static void test_unknown(void)
{
    struct page p = get("/diagnostic/s/pas-une-vraie-cle-0123456789", NULL, NULL);
    CHECK(p.status == 404);
    check_page(&p, "fr");
    page_free(&p);
    p = get("/diagnostic/s/%3Cb%3E/resultat", NULL, NULL);
    CHECK(p.status == 404);
    page_free(&p);
    p = get("/diagnostic/sw.js", NULL, NULL);
    CHECK(p.status == 200 && strstr(p.ctype, "javascript"));
    page_free(&p);
}

static void test_pro(void)
{
    struct actor med = actor_of(42, "mediateur:structure:7");
    struct actor other = actor_of(43, "mediateur:structure:8");
    struct actor admin = actor_of(1, "admin:nation:");
    struct page p = get("/diagnostic/pro", NULL, NULL);
    CHECK(p.status == 303 && strcmp(p.location, "/connexion?suivant=%2Fdiagnostic%2Fpro") == 0);
    page_free(&p);
    p = get("/diagnostic/pro", NULL, &admin);
    CHECK(p.status == 403);
    page_free(&p);
    p = get("/diagnostic/pro", NULL, &med);
    CHECK(p.status == 200 && has(&p, "action=\"/diagnostic/pro\""));
    check_page(&p, "fr");
    page_free(&p);
    p = post("/diagnostic/pro", "langue=fr", NULL);
    CHECK(p.status == 403);
    page_free(&p);
    p = post("/diagnostic/pro", "langue=fr", &med);
    CHECK(p.status == 303);
    char session[128], obs[160], resultat[160];
    snprintf(session, sizeof session, "%s", p.location);
    snprintf(obs, sizeof obs, "%s/observations", session);
    snprintf(resultat, sizeof resultat, "%s/resultat", session);
    page_free(&p);
    CHECK(count("SELECT count(*) FROM journal WHERE action = 'diagnostic.creer' AND compte_id = 42 AND structure_id = 7") == 1);
    /* another structure's médiateur, and anonymous visitors: refused */
    p = get(session, NULL, &other);
    CHECK(p.status == 403);
    page_free(&p);
    p = get(session, NULL, NULL);
    CHECK(p.status == 303 && strncmp(p.location, "/connexion", 10) == 0);
    page_free(&p);
    /* three answers, then straight to the observations */
    for (int i = 0; i < 3; i++) {
        p = get(session, NULL, &med);
        CHECK(p.status == 200 && has(&p, "value=\"observations\""));
        char form[256];
        snprintf(form, sizeof form, "q=%s&o=%s", field(&p, "q"), first_option(&p));
        page_free(&p);
        p = post(session, form, &med);
        page_free(&p);
    }
    p = post(session, "action=observations", &med);
    CHECK(p.status == 303 && strcmp(p.location, obs) == 0);
    page_free(&p);
    p = get(obs, NULL, &other);
    CHECK(p.status == 403);
    page_free(&p);
    p = get(obs, NULL, &med);
    CHECK(p.status == 200 && has(&p, "name=\"d-appareil\"") && has(&p, "name=\"autonomie\"") &&
          has(&p, "name=\"motif\"") && has(&p, "value=\"peur_erreur\""));
    check_page(&p, "fr");
    page_free(&p);
    /* an override without a reason: refused with the error next to it */
    p = post(obs, "d-appareil=3&d-communication=3&d-information=3&d-securite=3&d-creation=3&autonomie=1", &med);
    CHECK(p.status == 400 && has(&p, "motif-erreur") && has(&p, "value=\"3\" checked"));
    page_free(&p);
    p = post(obs, "d-appareil=9", &med);
    CHECK(p.status == 400);
    page_free(&p);
    p = post(obs, "d-appareil=3&d-communication=3&d-information=3&d-securite=3&d-creation=3"
                  "&a=peur_erreur&f=lecture_ecriture&autonomie=2&motif=Lit+avec+difficult%C3%A9&ou=Marseille",
             &med);
    CHECK(p.status == 303 && strcmp(p.location, resultat) == 0);
    page_free(&p);
    CHECK(count("SELECT count(*) FROM diagnostic_session WHERE mode = 'pro' AND autonomie = 2 AND "
                "autonomie_calculee = 4 AND ajustement_motif = 'Lit avec difficulté' AND commune = '13055'") == 1);
    CHECK(count("SELECT count(*) FROM journal WHERE action = 'diagnostic.terminer' AND apres LIKE '%\"ajuste\":true%'") == 1);
    p = get(resultat, NULL, NULL); /* the result: for whoever holds the link */
    CHECK(p.status == 200 && has(&p, "Votre médiateur a ajusté ce niveau") &&
          has(&p, "Lit avec difficulté") && has(&p, "Lire et écrire est difficile"));
    page_free(&p);
    p = get("/diagnostic/pro", NULL, &med);
    CHECK(has(&p, "/resultat\">") && has(&p, "Terminé"));
    page_free(&p);
}

static void test_stats_page(void)
{
    struct page p = get("/diagnostic/statistiques", NULL, NULL);
    CHECK(p.status == 200 && has(&p, "moins de 10"));
    check_page(&p, "fr");
    page_free(&p);
    p = get("/diagnostic/statistiques", "niveau=departement&code=13&langue=en", NULL);
    CHECK(p.status == 200 && has(&p, "Bouches-du-Rhône"));
    check_page(&p, "en");
    page_free(&p);
    p = get("/diagnostic/statistiques", "niveau=departement&code=99", NULL);
    CHECK(p.status == 400);
    page_free(&p);
    p = get("/api/v1/diagnostic/statistiques", "niveau=departement&code=13", NULL);
    json_t *o = json_loads(p.body, 0, NULL);
    CHECK(p.status == 200 && o && json_is_true(json_object_get(o, "secret")));
    json_decref(o);
    page_free(&p);
    p = get("/api/v1/diagnostic/statistiques", "niveau=planete&code=1", NULL);
    CHECK(p.status == 400);
    page_free(&p);
    /* the export: coordinators of the territory and administrators */
    struct actor coord13 = actor_of(5, "coordinateur:departement:13");
    struct actor med = actor_of(42, "mediateur:structure:7");
    struct actor admin = actor_of(1, "admin:nation:");
    p = get("/api/v1/diagnostic/export", NULL, NULL);
    CHECK(p.status == 401);
    page_free(&p);
    p = get("/api/v1/diagnostic/export", "niveau=departement&code=13", &med);
    CHECK(p.status == 403);
    page_free(&p);
    p = get("/api/v1/diagnostic/export", NULL, &coord13);
    CHECK(p.status == 403);
    page_free(&p);
    p = get("/api/v1/diagnostic/export", "niveau=departement&code=13", &coord13);
    o = json_loads(p.body, 0, NULL);
    CHECK(p.status == 200 && o && json_integer_value(json_object_get(o, "nombre")) == 2);
    json_decref(o);
    page_free(&p);
    p = get("/api/v1/diagnostic/export", NULL, &admin);
    CHECK(p.status == 200);
    page_free(&p);
}

static void test_publish_page(void)
{
    struct actor admin = actor_of(1, "admin:nation:");
    struct actor coord = actor_of(5, "coordinateur:departement:13");
    struct page p = get("/diagnostic/publier", NULL, NULL);
    CHECK(p.status == 303);
    page_free(&p);
    p = get("/diagnostic/publier", NULL, &coord);
    CHECK(p.status == 403);
    page_free(&p);
    p = get("/diagnostic/publier", NULL, &admin);
    CHECK(p.status == 200 && has(&p, "enctype=\"multipart/form-data\"") && has(&p, "<strong>Active</strong>"));
    page_free(&p);
    /* upload: a broken file, then a good one */
    FILE *f = fopen("data/diagnostic/questions-v1.json", "rb");
    static char bank[1 << 17];
    size_t n = fread(bank, 1, sizeof bank - 1, f);
    fclose(f);
    bank[n] = 0;
    static char body[1 << 18];
    const char *ctype = "multipart/form-data; boundary=----limite";
    char url[200];
    snprintf(url, sizeof url, "csrf=%s", token());
    int len = snprintf(body, sizeof body,
                       "------limite\r\nContent-Disposition: form-data; name=\"fichier\"; "
                       "filename=\"v2.json\"\r\nContent-Type: application/json\r\n\r\n%s\r\n"
                       "------limite--\r\n",
                       "{\"format\": \"passerelle-diagnostic-questions\", \"version\": \"2\"}");
    p = call("POST", "/diagnostic/publier", url, &admin, ctype, body, (size_t)len, NULL, NULL);
    CHECK(p.status == 422 && has(&p, "v2.json: champ « referentiel » : obligatoire"));
    page_free(&p);
    char *v2 = strstr(bank, "\"version\": \"1\"");
    CHECK(v2 != NULL);
    v2[12] = '2';
    len = snprintf(body, sizeof body,
                   "------limite\r\nContent-Disposition: form-data; name=\"fichier\"; "
                   "filename=\"v2.json\"\r\nContent-Type: application/json\r\n\r\n%s\r\n"
                   "------limite--\r\n", bank);
    /* without the token: refused */
    p = call("POST", "/diagnostic/publier", NULL, &admin, ctype, body, (size_t)len, NULL, NULL);
    CHECK(p.status == 403);
    page_free(&p);
    p = call("POST", "/diagnostic/publier", url, &admin, ctype, body, (size_t)len, NULL, NULL);
    CHECK(p.status == 303 && strcmp(p.location, "/diagnostic/publier?publie=2") == 0);
    page_free(&p);
    CHECK(count("SELECT count(*) FROM diagnostic_banque WHERE version = '2' AND actif = 1") == 1);
    CHECK(count("SELECT count(*) FROM journal WHERE action = 'diagnostic.publier' AND objet_id = '2'") == 1);
    const char *path = start("fr");
    CHECK(count("SELECT count(*) FROM diagnostic_session WHERE banque_version = '2'") == 1);
    (void)path;
    /* again: the version exists */
    p = call("POST", "/diagnostic/publier", url, &admin, ctype, body, (size_t)len, NULL, NULL);
    CHECK(p.status == 422 && has(&p, "existe déjà"));
    page_free(&p);
    p = post("/diagnostic/publier/activer", "version=1", &admin);
    CHECK(p.status == 303);
    page_free(&p);
    CHECK(count("SELECT count(*) FROM diagnostic_banque WHERE version = '1' AND actif = 1") == 1);
    p = post("/diagnostic/publier/activer", "version=7", &admin);
    CHECK(p.status == 404);
    page_free(&p);
}

static void test_api(void)
{
    struct page p = get("/api/v1/diagnostic/paquet/ar", NULL, NULL);
    json_t *o = json_loads(p.body, 0, NULL);
    CHECK(p.status == 200 && o);
    CHECK(json_array_size(json_object_get(o, "questions")) == 23);
    CHECK(json_array_size(json_object_get(o, "domaines")) == 5);
    CHECK(json_is_string(json_object_get(json_object_get(o, "messages"), "hl_attente")));
    json_t *q0 = json_array_get(json_object_get(o, "questions"), 0);
    CHECK(strcmp(json_string_value(json_object_get(q0, "texte")), "ما هي الأجهزة التي لديك؟") == 0);
    json_decref(o);
    page_free(&p);
    p = get("/api/v1/diagnostic/paquet/de", NULL, NULL);
    CHECK(p.status == 404);
    page_free(&p);
    p = get("/api/v1/diagnostic/referentiel", NULL, NULL);
    CHECK(p.status == 200 && has(&p, "\"5.2\""));
    page_free(&p);
    p = get("/api/v1/diagnostic/banque", "version=1", NULL);
    CHECK(p.status == 200 && has(&p, "\"questions_max\": 20"));
    page_free(&p);
    p = get("/api/v1/diagnostic/banque", "version=..%2Fetc", NULL);
    CHECK(p.status == 400);
    page_free(&p);
    /* the offline submission */
    const char *body = "{\"version\":\"1\",\"langue\":\"fr\",\"revision\":1,\"reponses\":"
                       "[{\"question\":\"materiel\",\"options\":[\"smartphone\"]}]}";
    const char *path = "/api/v1/diagnostic/sessions/appareil-0123456789abcdefgh";
    p = call("PUT", path, NULL, NULL, "application/json", body, strlen(body), NULL, NULL);
    CHECK(p.status == 403);
    page_free(&p);
    p = call("PUT", path, NULL, NULL, "text/plain", body, strlen(body), "X-CSRF-Token", token());
    CHECK(p.status == 415);
    page_free(&p);
    p = call("PUT", path, NULL, NULL, "application/json", body, strlen(body), "X-CSRF-Token", token());
    CHECK(p.status == 201 && has(&p, "\"statut\":\"cree\"") && has(&p, "\"suivante\":\"connexion\""));
    page_free(&p);
    p = call("PUT", path, NULL, NULL, "application/json", body, strlen(body), "X-CSRF-Token", token());
    CHECK(p.status == 200 && has(&p, "\"statut\":\"inchange\""));
    page_free(&p);
    p = call("PUT", path, NULL, NULL, "application/json", "{", 1, "X-CSRF-Token", token());
    CHECK(p.status == 400 && has(&p, "JSON invalide"));
    page_free(&p);
    const char *wrong = "{\"version\":\"1\",\"langue\":\"fr\",\"revision\":2,\"reponses\":"
                        "[{\"question\":\"connexion\",\"options\":[\"maison\"]}]}";
    p = call("PUT", path, NULL, NULL, "application/json", wrong, strlen(wrong), "X-CSRF-Token", token());
    CHECK(p.status == 422 && has(&p, "attendue"));
    page_free(&p);
    p = call("PUT", "/api/v1/diagnostic/sessions/court", NULL, NULL, "application/json", body,
             strlen(body), "X-CSRF-Token", token());
    CHECK(p.status == 400);
    page_free(&p);
}

int main(void)
{
    setup();
    RUN(test_start);
    RUN(test_self_flow);
    RUN(test_unknown);
    RUN(test_pro);
    RUN(test_stats_page);
    RUN(test_publish_page);
    RUN(test_api);
    db_close(&db);
    return CHECK_DONE();
}
