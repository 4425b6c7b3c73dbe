/* page_imports.c - GET /imports: the import runs and their reports.
 *
 *   /imports              runs, most recent first (50 per page): source,
 *                         file, date, rows read, imported, rejected, and a
 *                         link to the report;
 *   /imports?run=N        one run: its figures and its issues (row, line in
 *                         the file, field, value, rule, severity), 50 per
 *                         page; &rejets=1 keeps only the rejected rows.
 * A malformed run or page number is a 400, an unknown run a 404. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lieux/lieu.h"
#include "web/html.h"
#include "web/layout.h"
#include "lieux/listings.h"
#include "web/pages.h"

#define PER_PAGE 50

/* "2026-05-02T14:05:09Z" -> "2 mai 2026 à 14 h 05 (UTC)". */
static void timestamp(struct buf *b, const char *iso)
{
    char day[11];
    int h, m;
    if (strlen(iso) >= 16 && sscanf(iso + 11, "%2d:%2d", &h, &m) == 2) {
        memcpy(day, iso, 10);
        day[10] = 0;
        page_date(b, day);
        html_rawf(b, " à %d" "\xc2\xa0" "h" "\xc2\xa0" "%02d", h, m);
        if (iso[strlen(iso) - 1] == 'Z')
            html_raw(b, " (UTC)");
    } else {
        html_txt(b, iso);
    }
}

static void num_cell(struct buf *b, long n)
{
    html_raw(b, "<td>");
    if (n >= 0)
        page_int(b, n);
    html_raw(b, "</td>");
}

static void runs_list(const struct request *rq, struct response *rs)
{
    long page;
    if (page_param_int(rq, "page", 1, 100000, &page) < 0) {
        resp_html_error(rq, rs, 400, "Numéro de page incorrect",
                        "Le numéro de page doit être un nombre entier à partir de 1.");
        return;
    }
    long total = listing_runs_count(rq->db);
    struct listing_run *v = malloc(PER_PAGE * sizeof *v);
    int n = total < 0 || !v ? -1 : listing_runs(rq->db, (page - 1) * PER_PAGE, PER_PAGE, v);
    if (n < 0) {
        if (!v) {
            rs->body.oom = 1;
            page_finish(rs);
        } else {
            page_db_error(rq, rs);
        }
        free(v);
        return;
    }
    struct buf *b = &rs->body;
    page_begin(b, rq, "Imports");
    html_raw(b, "<h1>Imports</h1>\n<p>Chaque import lit le fichier d'une source. Les lignes "
                "qui ne respectent pas le standard sont rejetées, les valeurs corrigées ou "
                "écartées sont notées dans le rapport de l'import.</p>\n");
    if (total == 0) {
        html_raw(b, "<p>Aucun import pour le moment. Un opérateur importe un fichier avec "
                    "<code>passerelle lieux import FICHIER</code>.</p>\n");
    } else {
        html_raw(b, "<div class=\"defile\" role=\"region\" aria-labelledby=\"t-imports\" "
                    "tabindex=\"0\">\n<table>\n<caption id=\"t-imports\">Imports, du plus "
                    "récent au plus ancien</caption>\n<thead><tr><th scope=\"col\">N°</th>"
                    "<th scope=\"col\">Source</th><th scope=\"col\">Fichier</th>"
                    "<th scope=\"col\">Date</th><th scope=\"col\">Lignes lues</th>"
                    "<th scope=\"col\">Importées</th><th scope=\"col\">Rejetées</th>"
                    "<th scope=\"col\">Rapport</th></tr></thead>\n<tbody>\n");
        for (int i = 0; i < n; i++) {
            const struct listing_run *r = &v[i];
            html_rawf(b, "<tr><th scope=\"row\">%ld</th><td>", r->id);
            html_txt(b, r->source);
            html_raw(b, "</td><td class=\"coupe\">");
            html_txt(b, strrchr(r->file, '/') ? strrchr(r->file, '/') + 1 : r->file);
            html_raw(b, "</td><td>");
            timestamp(b, r->started_at);
            html_raw(b, "</td>");
            num_cell(b, r->rows);
            num_cell(b, r->imported);
            num_cell(b, r->rejected);
            html_rawf(b, "<td><a href=\"/imports?run=%ld\">", r->id);
            if (r->issues > 0) {
                page_count(b, r->issues, "remarque", "remarques");
            } else {
                html_raw(b, "Voir");
            }
            html_rawf(b, "<span class=\"visuellement-cache\"> de l'import %ld</span>", r->id);
            html_raw(b, "</a></td></tr>\n");
        }
        html_raw(b, "</tbody>\n</table>\n</div>\n");
    }
    page_pager(b, "/imports?", page, (total + PER_PAGE - 1) / PER_PAGE);
    page_end(b, rq);
    page_finish(rs);
    free(v);
}

static const char *field_label(const char *name)
{
    int f = name[0] ? lieu_field_by_name(name) : -1;
    return f >= 0 ? lieu_field_info((enum lieu_field)f)->label : name[0] ? name : "Ligne entière";
}

static void run_report(const struct request *rq, struct response *rs, long id)
{
    long page;
    const char *rj = query_get(&rq->query, "rejets");
    int rejected_only = rj && strcmp(rj, "1") == 0;
    if (page_param_int(rq, "page", 1, 1000000, &page) < 0) {
        resp_html_error(rq, rs, 400, "Numéro de page incorrect",
                        "Le numéro de page doit être un nombre entier à partir de 1.");
        return;
    }
    struct listing_run r;
    int got = listing_run_get(rq->db, id, &r);
    if (got < 0) {
        page_db_error(rq, rs);
        return;
    }
    if (got == 0) {
        resp_html_error(rq, rs, 404, "Import introuvable",
                        "Cet import n'existe pas. La liste des imports est sur la page Imports.");
        return;
    }
    long total = listing_issues_count(rq->db, id, rejected_only);
    struct listing_issue *v = malloc(PER_PAGE * sizeof *v);
    int n = total < 0 || !v ? -1
                            : listing_issues(rq->db, id, rejected_only, (page - 1) * PER_PAGE,
                                        PER_PAGE, v);
    if (n < 0) {
        if (!v) {
            rs->body.oom = 1;
            page_finish(rs);
        } else {
            page_db_error(rq, rs);
        }
        free(v);
        return;
    }
    struct buf *b = &rs->body;
    char title[64];
    snprintf(title, sizeof title, "Rapport de l'import n° %ld", id);
    page_begin(b, rq, title);
    html_raw(b, "<nav class=\"ariane\" aria-label=\"Fil d'Ariane\">\n<ol>\n"
                "<li><a href=\"/imports\">Imports</a></li>\n<li aria-current=\"page\">");
    html_txt(b, title);
    html_raw(b, "</li>\n</ol>\n</nav>\n<h1>");
    html_txt(b, title);
    html_raw(b, "</h1>\n<dl class=\"details\">\n<dt>Source</dt><dd>");
    html_txt(b, r.source);
    html_raw(b, "</dd>\n<dt>Fichier</dt><dd class=\"coupe\">");
    html_txt(b, strrchr(r.file, '/') ? strrchr(r.file, '/') + 1 : r.file);
    if (r.format[0]) {
        html_raw(b, " (");
        html_txt(b, r.format);
        html_raw(b, ")");
    }
    html_raw(b, "</dd>\n<dt>Commencé le</dt><dd>");
    timestamp(b, r.started_at);
    html_raw(b, "</dd>\n");
    if (!r.finished_at[0])
        html_raw(b, "<dt>État</dt><dd>Non terminé</dd>\n");
    html_raw(b, "</dl>\n<ul class=\"chiffres\">\n<li><strong>");
    page_int(b, r.rows);
    html_raw(b, "</strong> lignes lues</li>\n<li><strong>");
    page_int(b, r.imported);
    html_raw(b, "</strong> importées</li>\n<li><strong>");
    page_int(b, r.rejected);
    html_raw(b, "</strong> rejetées</li>\n");
    if (r.unchanged > 0) {
        html_raw(b, "<li><strong>");
        page_int(b, r.unchanged);
        html_raw(b, "</strong> inchangées</li>\n");
    }
    if (r.retired > 0) {
        html_raw(b, "<li><strong>");
        page_int(b, r.retired);
        html_raw(b, "</strong> retirées (absentes du fichier)</li>\n");
    }
    html_raw(b, "</ul>\n<h2>Remarques</h2>\n<p>");
    if (rejected_only)
        html_rawf(b, "Seulement les lignes rejetées. <a href=\"/imports?run=%ld\">Voir toutes "
                     "les remarques</a>.", id);
    else
        html_rawf(b, "Toutes les remarques. <a href=\"/imports?run=%ld&amp;rejets=1\">Voir "
                     "seulement les lignes rejetées</a>.", id);
    html_raw(b, "</p>\n");
    if (total == 0) {
        html_raw(b, "<p>Aucune remarque : toutes les valeurs respectaient le standard.</p>\n");
    } else {
        html_raw(b, "<div class=\"defile\" role=\"region\" aria-labelledby=\"t-remarques\" "
                    "tabindex=\"0\">\n<table>\n<caption id=\"t-remarques\">");
        page_count(b, total, "remarque", "remarques");
        html_raw(b, ", dans l'ordre du fichier</caption>\n<thead><tr>"
                    "<th scope=\"col\">Ligne de données</th><th scope=\"col\">Ligne du "
                    "fichier</th><th scope=\"col\">Identifiant</th><th scope=\"col\">Champ</th>"
                    "<th scope=\"col\">Valeur</th><th scope=\"col\">Règle</th>"
                    "<th scope=\"col\">Gravité</th></tr></thead>\n<tbody>\n");
        for (int i = 0; i < n; i++) {
            const struct listing_issue *is = &v[i];
            html_raw(b, "<tr>");
            num_cell(b, is->row);
            num_cell(b, is->line);
            html_raw(b, "<td class=\"coupe\">");
            html_txt(b, is->record_id);
            html_raw(b, "</td><td>");
            html_txt(b, field_label(is->field));
            html_raw(b, "</td><td class=\"coupe\">");
            html_txt(b, is->value);
            html_raw(b, "</td><td>");
            html_txt(b, is->rule);
            html_raw(b, strcmp(is->severity, "ligne rejetée") == 0 ? "</td><td class=\"grave\">"
                                                                     : "</td><td>");
            html_txt(b, is->severity);
            html_raw(b, "</td></tr>\n");
        }
        html_raw(b, "</tbody>\n</table>\n</div>\n");
    }
    char prefix[64];
    snprintf(prefix, sizeof prefix, "/imports?run=%ld&amp;%s", id,
             rejected_only ? "rejets=1&amp;" : "");
    page_pager(b, prefix, page, (total + PER_PAGE - 1) / PER_PAGE);
    page_end(b, rq);
    page_finish(rs);
    free(v);
}

void page_imports(const struct request *rq, struct response *rs)
{
    const char *run = query_get(&rq->query, "run");
    if (!run || !*run) {
        runs_list(rq, rs);
        return;
    }
    long id;
    if (page_param_int(rq, "run", 1, 1000000000L, &id) < 0) {
        resp_html_error(rq, rs, 400, "Numéro d'import incorrect",
                        "Le numéro d'import doit être un nombre entier, par exemple "
                        "/imports?run=3.");
        return;
    }
    run_report(rq, rs, id);
}
