/* page_diagnostic_publier.c - the question banks for administrators
 * (AZ_DIAGNOSTIC_PUBLISH), in French like the other administration pages:
 *   GET  /diagnostic/publier          the versions (published and built in),
 *                                     which one is active, how many sessions
 *                                     used each; the upload form
 *   POST /diagnostic/publier          upload a bank file (multipart/form-data,
 *                                     the CSRF token in the action's query):
 *                                     checked, every problem listed, else
 *                                     published and made active
 *   POST /diagnostic/publier/activer  make another version active
 * The rules are in diagnostic/publish.h; `passerelle diagnostic publier`
 * does the same from the command line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diagnostic/catalogue.h"
#include "diagnostic/diag_store.h"
#include "diagnostic/publish.h"
#include "web/form.h"
#include "web/html.h"
#include "web/layout.h"
#include "web/multipart.h"
#include "web/pages_diagnostic.h"

static int allowed(const struct request *rq, struct response *rs)
{
    if (!page_require_actor(rq, rs))
        return 0;
    int ok = authz_allowed(rq->db, rq->actor, AZ_DIAGNOSTIC_PUBLISH, NULL);
    if (ok < 0)
        page_db_error(rq, rs);
    else if (!ok)
        page_forbidden(rq, rs, "Seuls les administrateurs nationaux publient les banques de "
                               "questions du diagnostic.");
    return ok > 0;
}

struct builtin_rows {
    struct buf *b;
    const struct request *rq;
    const char *active;
    const struct diag_bank_row *published;
    int npublished;
};

static void activate_form(struct buf *b, const struct request *rq, const char *version)
{
    char token[64] = "";
    form_csrf_token(rq, token);
    html_raw(b, "<form method=\"post\" action=\"/diagnostic/publier/activer\" class=\"enligne\">"
                "<input type=\"hidden\" name=\"csrf\" value=\"");
    html_attr(b, token);
    html_raw(b, "\"><input type=\"hidden\" name=\"version\" value=\"");
    html_attr(b, version);
    html_raw(b, "\"><button type=\"submit\" class=\"secondaire petit\">Rendre active"
                "<span class=\"visuellement-cache\"> la version ");
    html_txt(b, version);
    html_raw(b, "</span></button></form>");
}

static void row(struct buf *b, const struct request *rq, const char *version, const char *origin,
                long sessions, int active)
{
    html_raw(b, "<tr><th scope=\"row\">");
    html_txt(b, version);
    html_raw(b, "</th><td>");
    html_txt(b, origin);
    html_raw(b, "</td><td>");
    page_int(b, sessions);
    html_raw(b, "</td><td>");
    if (active)
        html_raw(b, "<strong>Active</strong>");
    else
        activate_form(b, rq, version);
    html_raw(b, "</td></tr>\n");
}

static void builtin_row(const char *version, void *arg)
{
    struct builtin_rows *r = arg;
    for (int i = 0; i < r->npublished; i++)
        if (strcmp(r->published[i].version, version) == 0)
            return; /* re-activated: listed with the published ones */
    long n = diag_store_bank_sessions(r->rq->db, version);
    row(r->b, r->rq, version, "intégrée au programme", n < 0 ? 0 : n,
        strcmp(version, r->active) == 0);
}

static void page(const struct request *rq, struct response *rs, const char *errors,
                 const char *file)
{
    struct buf *b = &rs->body;
    char active[DIAG_VERSION_MAX];
    struct diag_bank_row rows[50];
    int n = diag_store_bank_list(rq->db, rows, 50);
    if (n < 0 || diag_bank_active(rq->db, active) < 0) {
        page_db_error(rq, rs);
        return;
    }
    page_begin(b, rq, "Banques de questions du diagnostic");
    html_raw(b, "<h1>Banques de questions du diagnostic</h1>\n");
    const char *done = query_get(&rq->query, "publie");
    const char *act = query_get(&rq->query, "active");
    if (!errors && (done || act)) {
        html_raw(b, "<p class=\"succes\" role=\"status\">La version « ");
        html_txt(b, done ? done : act);
        html_raw(b, done ? " » est publiée. Les nouveaux diagnostics l'utilisent.</p>\n"
                         : " » est active. Les nouveaux diagnostics l'utilisent.</p>\n");
    }
    if (errors) {
        html_raw(b, "<div class=\"erreurs\" role=\"alert\" id=\"erreurs\">\n<h2>Le fichier « ");
        html_txt(b, file && *file ? file : "?");
        html_raw(b, " » n'est pas publié</h2>\n<ul>\n");
        for (const char *p = errors; *p;) {
            const char *e = strchr(p, '\n');
            size_t len = e ? (size_t)(e - p) : strlen(p);
            html_raw(b, "<li>");
            html_ntxt(b, p, len);
            html_raw(b, "</li>\n");
            p += len + (e != NULL);
        }
        html_raw(b, "</ul>\n</div>\n");
    }
    html_raw(b, "<p>Chaque diagnostic garde la version avec laquelle il a commencé. Le format "
                "des fichiers est décrit dans <code>docs/diagnostic.md</code> ; partez de la "
                "<a href=\"/api/v1/diagnostic/banque\">banque active (JSON)</a>.</p>\n"
                "<div class=\"tableau\"><table class=\"liste\">\n<caption>Versions</caption>\n"
                "<thead><tr><th scope=\"col\">Version</th><th scope=\"col\">Origine</th>"
                "<th scope=\"col\">Diagnostics</th><th scope=\"col\">État</th></tr></thead>\n"
                "<tbody>\n");
    for (int i = 0; i < n; i++) {
        char origin[256];
        snprintf(origin, sizeof origin, "publiée le %.10s par %s", rows[i].publie_at,
                 rows[i].publie_par);
        row(b, rq, rows[i].version, origin, rows[i].sessions, rows[i].actif);
    }
    struct builtin_rows br = {b, rq, active, rows, n};
    diag_bank_builtins(builtin_row, &br);
    char token[64] = "";
    form_csrf_token(rq, token);
    html_raw(b, "</tbody>\n</table></div>\n<h2>Publier une nouvelle version</h2>\n"
                "<form method=\"post\" enctype=\"multipart/form-data\" class=\"formulaire\" "
                "action=\"/diagnostic/publier?csrf=");
    html_url_arg(b, token);
    html_raw(b, "\">\n<div class=\"champ\"><label for=\"fichier\">Fichier JSON de la banque "
                "<span class=\"requis\">(obligatoire)</span></label>\n<p class=\"aide\" "
                "id=\"fichier-aide\">Son champ « version » doit être nouveau. Le fichier est "
                "vérifié avant la publication : chaque erreur est listée.</p>\n<input type=\"file\" "
                "id=\"fichier\" name=\"fichier\" accept=\".json,application/json\" required "
                "aria-describedby=\"fichier-aide\"></div>\n"
                "<button type=\"submit\">Vérifier et publier</button>\n</form>\n");
    page_end(b, rq);
    page_finish(rs);
}

void page_diagnostic_publier(const struct request *rq, struct response *rs)
{
    if (!allowed(rq, rs))
        return;
    if (strcmp(rq->method, "POST") != 0) {
        page(rq, rs, NULL, NULL);
        return;
    }
    if (!page_check_csrf(rq, rs))
        return;
    struct multipart_part part;
    int r = multipart_find(request_header(rq, "Content-Type"), rq->body, rq->body_len, "fichier",
                           &part);
    struct buf errors = BUF_INIT;
    char version[DIAG_VERSION_MAX] = "";
    if (r <= 0 || part.len == 0) {
        buf_puts(&errors, r < 0 ? "Le formulaire envoyé est illisible. Rechargez la page.\n"
                                : "Choisissez un fichier JSON.\n");
        rs->status = 400;
        page(rq, rs, errors.s, part.filename);
    } else {
        struct diag_publisher p = {.actor = rq->actor, .peer = rq->peer, .now = rq->now};
        int k = diag_publish(rq->db, part.data, part.len,
                             part.filename[0] ? part.filename : "fichier", 1, &p, &errors, version);
        if (k < 0) {
            page_db_error(rq, rs);
        } else if (k > 0) {
            rs->status = 422;
            page(rq, rs, errors.s ? errors.s : "Fichier refusé.\n", part.filename);
        } else {
            struct buf loc = BUF_INIT;
            buf_puts(&loc, "/diagnostic/publier?publie=");
            html_url_arg(&loc, version);
            resp_redirect(rs, loc.oom ? "/diagnostic/publier" : loc.s);
            buf_free(&loc);
        }
    }
    buf_free(&errors);
}

void page_diagnostic_activer(const struct request *rq, struct response *rs)
{
    if (!allowed(rq, rs) || !page_check_csrf(rq, rs))
        return;
    const char *v = query_get(&rq->query, "version");
    struct diag_publisher p = {.actor = rq->actor, .peer = rq->peer, .now = rq->now};
    int r = v && diag_version_ok(v) ? diag_activate(rq->db, v, &p) : 1;
    if (r < 0) {
        page_db_error(rq, rs);
    } else if (r > 0) {
        resp_html_error(rq, rs, 404, "Version inconnue", "Cette version de la banque n'existe pas.");
    } else {
        struct buf loc = BUF_INIT;
        buf_puts(&loc, "/diagnostic/publier?active=");
        html_url_arg(&loc, v);
        resp_redirect(rs, loc.oom ? "/diagnostic/publier" : loc.s);
        buf_free(&loc);
    }
}
