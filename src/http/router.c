/* router.c - URL table and dispatch (see router.h). Patterns are literal
 * paths where '*' matches one path segment, captured for the handler. */
#include "http/router.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "http/api.h"
#include "http/api_diagnostic.h"
#include "http/api_indicateurs.h"
#include "http/api_accompagnement.h"
#include "web/html.h"
#include "web/pages.h"
#include "web/pages_accompagnement.h"
#include "web/pages_comptes.h"
#include "web/pages_diagnostic.h"
#include "web/pages_territoires.h"

/* Methods a route answers. GET routes also answer HEAD. */
enum { M_GET = 1, M_POST = 2, M_PUT = 4, M_DELETE = 8 };

struct route {
    unsigned methods;
    const char *pattern;
    handler_fn fn;
};

/* One line per (methods, path). A path may appear on several lines with
 * different methods and handlers; a path matched with no line for the
 * method answers 405 with an Allow header. */
static const struct route routes[] = {
    {M_GET, "/", page_accueil},
    {M_GET, "/recherche", page_recherche},
    {M_GET, "/lieu/*", page_lieu},
    {M_GET | M_POST, "/lieu/*/modifier", page_lieu_modifier},
    {M_GET, "/territoire/*/*", page_territoire},
    {M_GET, "/carte", page_carte},
    {M_GET | M_POST, "/doublons", page_doublons},
    {M_GET, "/imports", page_imports},
    {M_GET, "/static/*", page_static},
    {M_GET, "/api/v1/lieux", api_lieux},
    {M_GET, "/api/v1/lieux/*", api_lieu},
    {M_GET, "/api/v1/export", api_export},
    {M_GET, "/api/v1/communes", api_communes},
    {M_GET, "/api/v1/territoires/*/*", api_territoire},
    {M_GET, "/api/v1/doublons", api_doublons},
    {M_GET, "/api/v1/imports", api_imports},
    {M_GET, "/api/v1/imports/*", api_import},
    {M_GET | M_PUT | M_DELETE, "/api/v1/sources/*/lieux/*", api_source_lieu},
    {M_PUT, "/api/v1/sources/*/lieux", api_source_lieux},
    {M_GET, "/api/openapi.json", api_openapi},
    /* comptes: accounts, structures, tokens, journal */
    {M_GET | M_POST, "/connexion", page_connexion},
    {M_GET | M_POST, "/connexion/code", page_connexion_code},
    {M_POST, "/deconnexion", page_deconnexion},
    {M_GET | M_POST, "/invitation/*", page_invitation},
    {M_GET | M_POST, "/mot-de-passe-oublie", page_oubli},
    {M_GET | M_POST, "/reinitialisation/*", page_reinitialisation},
    {M_GET, "/espace", page_espace},
    {M_GET, "/compte", page_compte},
    {M_POST, "/compte/mot-de-passe", page_compte_mot_de_passe},
    {M_GET | M_POST, "/compte/second-facteur", page_compte_totp},
    {M_GET | M_POST, "/admin/comptes", page_admin_comptes},
    {M_POST, "/admin/comptes/*", page_admin_compte},
    {M_GET | M_POST, "/admin/structures", page_admin_structures},
    {M_GET | M_POST, "/admin/structures/*", page_admin_structure},
    {M_GET | M_POST, "/admin/jetons", page_admin_jetons},
    {M_GET, "/journal", page_journal},
    {M_GET, "/journal.csv", page_journal_csv},
    /* diagnostic */
    {M_GET, "/diagnostic", page_diagnostic},
    {M_POST, "/diagnostic", page_diagnostic_start},
    {M_GET, "/diagnostic/sw.js", page_diagnostic_sw},
    {M_GET, "/diagnostic/pro", page_diagnostic_pro},
    {M_POST, "/diagnostic/pro", page_diagnostic_pro_start},
    {M_GET, "/diagnostic/statistiques", page_diagnostic_stats},
    {M_GET | M_POST, "/diagnostic/publier", page_diagnostic_publier},
    {M_POST, "/diagnostic/publier/activer", page_diagnostic_activer},
    {M_GET, "/diagnostic/s/*", page_diagnostic_session},
    {M_POST, "/diagnostic/s/*", page_diagnostic_answer},
    {M_GET, "/diagnostic/s/*/resultat", page_diagnostic_result},
    {M_GET | M_POST, "/diagnostic/s/*/envoyer/*", page_diagnostic_send},
    {M_GET | M_POST, "/diagnostic/s/*/observations", page_diagnostic_observations},
    {M_GET, "/api/v1/diagnostic/referentiel", api_diagnostic_referentiel},
    {M_GET, "/api/v1/diagnostic/banque", api_diagnostic_banque},
    {M_GET, "/api/v1/diagnostic/paquet/*", api_diagnostic_paquet},
    {M_GET, "/api/v1/diagnostic/sessions/*", api_diagnostic_session_get},
    {M_PUT, "/api/v1/diagnostic/sessions/*", api_diagnostic_session_put},
    {M_GET, "/api/v1/diagnostic/statistiques", api_diagnostic_stats},
    {M_GET, "/api/v1/diagnostic/export", api_diagnostic_export},
    {M_GET, "/sante", api_sante},
    /* territoires: the territorial diagnostic (issue 6) */
    {M_GET, "/tableau", page_tableau_france},
    {M_GET, "/tableau/*/*", page_tableau},
    {M_GET, "/tableau/*/*/*", page_tableau_fichier},
    {M_GET, "/api/v1/indicateurs", api_indicateurs},
    {M_GET, "/api/v1/indicateurs/*/*", api_indicateurs_territoire},
    {M_GET, "/api/v1/communes-prioritaires", api_communes_prioritaires},
    /* accompagnement: activities, followed people, referrals, statistics */
    {M_GET, "/activites", page_activites},
    {M_GET | M_POST, "/activites/nouvelle", page_activite_nouvelle},
    {M_GET, "/activites/*", page_activite},
    {M_GET | M_POST, "/activites/*/modifier", page_activite_modifier},
    {M_POST, "/activites/*/supprimer", page_activite_supprimer},
    {M_POST, "/activites/*/participants", page_activite_participants},
    {M_GET, "/beneficiaires", page_beneficiaires},
    {M_GET | M_POST, "/beneficiaires/nouveau", page_beneficiaire_nouveau},
    {M_GET, "/beneficiaires/doublons", page_beneficiaires_doublons},
    {M_POST, "/beneficiaires/fusionner", page_beneficiaires_fusionner},
    {M_GET, "/beneficiaires/*", page_beneficiaire},
    {M_GET | M_POST, "/beneficiaires/*/modifier", page_beneficiaire_modifier},
    {M_POST, "/beneficiaires/*/diagnostic", page_beneficiaire_diagnostic},
    {M_GET, "/beneficiaires/*/export", page_beneficiaire_export},
    {M_GET, "/beneficiaires/*/export.json", page_beneficiaire_export_json},
    {M_GET | M_POST, "/beneficiaires/*/effacer", page_beneficiaire_effacer},
    {M_GET, "/orientations", page_orientations},
    {M_GET | M_POST, "/orientations/nouvelle", page_orientation_nouvelle},
    {M_GET | M_POST, "/orientations/*", page_orientation},
    {M_GET | M_POST, "/orientation/lien/*", page_orientation_lien},
    {M_GET, "/statistiques", page_statistiques},
    {M_GET, "/statistiques.csv", page_statistiques_csv},
    {M_GET, "/api/v1/activites", api_activites},
    {M_GET, "/api/v1/activites/*", api_activite},
    {M_GET, "/api/v1/statistiques", api_statistiques},
};

#define MAX_CAPTURES 4
#define CAPTURE_LEN 128

/* Match path against pattern; fills caps. Returns number of captures or -1. */
static int match(const char *pattern, const char *path, char caps[MAX_CAPTURES][CAPTURE_LEN])
{
    int n = 0;
    while (*pattern && *path) {
        if (*pattern == '*') {
            const char *end = strchr(path, '/');
            size_t len = end ? (size_t)(end - path) : strlen(path);
            if (len == 0 || len >= CAPTURE_LEN || n >= MAX_CAPTURES)
                return -1;
            memcpy(caps[n], path, len);
            caps[n][len] = 0;
            n++;
            path += len;
            pattern++;
        } else if (*pattern++ != *path++) {
            return -1;
        }
    }
    return *pattern || *path ? -1 : n;
}

static unsigned method_bit(const char *m)
{
    if (strcmp(m, "GET") == 0 || strcmp(m, "HEAD") == 0)
        return M_GET;
    if (strcmp(m, "POST") == 0)
        return M_POST;
    if (strcmp(m, "PUT") == 0)
        return M_PUT;
    if (strcmp(m, "DELETE") == 0)
        return M_DELETE;
    return 0;
}

static void method_not_allowed(const struct request *rq, struct response *rs, unsigned allowed)
{
    char allow[48] = "";
    static const struct {
        unsigned bit;
        const char *names;
    } m[] = {{M_GET, "GET, HEAD"}, {M_POST, "POST"}, {M_PUT, "PUT"}, {M_DELETE, "DELETE"}};
    for (size_t i = 0; i < sizeof m / sizeof *m; i++)
        if (allowed & m[i].bit)
            snprintf(allow + strlen(allow), sizeof allow - strlen(allow), "%s%s",
                     allow[0] ? ", " : "", m[i].names);
    if (strncmp(rq->path, "/api/", 5) == 0)
        resp_json_error(rs, 405, "methode", "Méthode non permise sur cette adresse.");
    else
        resp_html_error(rq, rs, 405, "Méthode non permise",
                        allowed == M_GET ? "Cette adresse ne se consulte qu'en lecture."
                                         : "Cette adresse n'accepte pas cette méthode.");
    resp_header(rs, "Allow", allow);
}

void router_dispatch(struct request *rq, struct response *rs)
{
    char caps[MAX_CAPTURES][CAPTURE_LEN];
    const char *capp[MAX_CAPTURES];
    unsigned want = method_bit(rq->method), allowed = 0;
    for (size_t i = 0; i < sizeof routes / sizeof *routes; i++) {
        int n = match(routes[i].pattern, rq->path, caps);
        if (n < 0)
            continue;
        if (!(routes[i].methods & want)) {
            allowed |= routes[i].methods;
            continue;
        }
        for (int k = 0; k < n; k++)
            capp[k] = caps[k];
        rq->captures = capp;
        rq->ncaptures = n;
        rs->status = 200;
        routes[i].fn(rq, rs);
        rq->captures = NULL;
        rq->ncaptures = 0;
        return;
    }
    if (allowed) {
        method_not_allowed(rq, rs, allowed);
        return;
    }
    if (strncmp(rq->path, "/api/", 5) == 0)
        resp_json_error(rs, 404, "introuvable", "Aucune ressource à cette adresse.");
    else
        resp_html_error(rq, rs, 404, "Page introuvable",
                        "Cette page n'existe pas. Vous pouvez chercher un lieu depuis l'accueil.");
}

const char *request_header(const struct request *rq, const char *name)
{
    if (!rq->headers)
        return NULL;
    for (const struct http_header *h = rq->headers; h->name; h++)
        if (strcasecmp(h->name, name) == 0)
            return h->value;
    return NULL;
}

const char *request_cookie(const struct request *rq, const char *name, char *out, size_t n)
{
    size_t nl = strlen(name);
    /* Several Cookie headers are possible (HTTP/2 proxies split them). */
    for (const struct http_header *h = rq->headers; h && h->name; h++) {
        if (strcasecmp(h->name, "Cookie") != 0 || !h->value)
            continue;
        const char *p = h->value;
        while (*p) {
            while (*p == ' ' || *p == ';')
                p++;
            const char *end = strchr(p, ';');
            size_t len = end ? (size_t)(end - p) : strlen(p);
            if (len > nl && strncmp(p, name, nl) == 0 && p[nl] == '=') {
                size_t vl = len - nl - 1;
                if (vl == 0 || vl >= n)
                    return NULL;
                memcpy(out, p + nl + 1, vl);
                out[vl] = 0;
                return out;
            }
            p += len;
        }
    }
    return NULL;
}

int resp_header(struct response *rs, const char *name, const char *value)
{
    if (rs->nheaders >= (int)(sizeof rs->headers / sizeof *rs->headers) ||
        strlen(name) >= sizeof rs->headers[0].name || strlen(value) >= sizeof rs->headers[0].value)
        return -1;
    /* Header injection: no control characters in what we send. */
    for (const char *p = value; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            return -1;
    struct resp_header *h = &rs->headers[rs->nheaders++];
    snprintf(h->name, sizeof h->name, "%s", name);
    snprintf(h->value, sizeof h->value, "%s", value);
    return 0;
}

void resp_json_error(struct response *rs, int status, const char *code, const char *message)
{
    rs->status = status;
    rs->content_type = "application/json";
    buf_reset(&rs->body);
    /* code and message are literals or French text without quotes/backslashes
     * from our own code; escape anyway. */
    buf_puts(&rs->body, "{\"erreur\":{\"code\":\"");
    for (const char *p = code; *p; p++)
        if (*p != '"' && *p != '\\' && (unsigned char)*p >= 0x20)
            buf_putc(&rs->body, *p);
    buf_puts(&rs->body, "\",\"message\":\"");
    for (const char *p = message; *p; p++) {
        if (*p == '"' || *p == '\\')
            buf_putc(&rs->body, '\\');
        if ((unsigned char)*p >= 0x20)
            buf_putc(&rs->body, *p);
    }
    buf_puts(&rs->body, "\"}}\n");
}

void resp_redirect(struct response *rs, const char *location)
{
    rs->status = 303;
    snprintf(rs->location, sizeof rs->location, "%s", location);
    rs->content_type = "text/plain; charset=utf-8";
    buf_reset(&rs->body);
}

int resp_cookie(struct response *rs, const struct request *rq, const char *name,
                const char *value, long max_age)
{
    for (const char *p = value; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              *p == '-' || *p == '_' || *p == '.'))
            return -1;
    char v[sizeof rs->headers[0].value], age[32] = "";
    if (max_age >= 0)
        snprintf(age, sizeof age, "; Max-Age=%ld", max_age);
    int n = snprintf(v, sizeof v, "%s=%s; Path=/; HttpOnly; SameSite=Lax%s%s", name, value, age,
                     rq->secure ? "; Secure" : "");
    if (n < 0 || (size_t)n >= sizeof v)
        return -1;
    return resp_header(rs, "Set-Cookie", v);
}
