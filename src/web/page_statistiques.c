/* page_statistiques.c - activity statistics for the médiateur, the
 * structure and the coordinator: the period and scope form, key figures,
 * one table per breakdown, the CSV export; printable (see
 * pages_accompagnement.h). Figures come from the aggregates
 * (accompagnement/agregats.h) through statistiques.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accompagnement/statistiques.h"
#include "base/jour.h"
#include "web/accomp_view.h"
#include "web/html.h"
#include "web/layout.h"
#include "web/pages_accompagnement.h"

static const char *param(const struct request *rq, const char *k)
{
    const char *v = query_get(&rq->query, k);
    return v ? v : "";
}

/* Read and authorize the request, and compute its figures into *t. 1, or
 * 0 answered. */
static int demande(const struct request *rq, struct response *rs, struct stat_demande *q,
                   struct stat_tableau *t)
{
    if (!page_require_actor(rq, rs))
        return 0;
    char msg[300];
    int k = stat_demande_lire(rq->db, rq->actor, param(rq, "portee"), param(rq, "code"),
                              param(rq, "du"), param(rq, "au"), rq->now, q, msg, sizeof msg);
    if (k == -2) {
        resp_html_error(rq, rs, 400, "Demande incorrecte", msg);
        return 0;
    }
    if (k < 0) {
        page_db_error(rq, rs);
        return 0;
    }
    if (k == 0) {
        page_forbidden(rq, rs, "Ces statistiques ne sont pas dans votre périmètre : chacun voit "
                               "les siennes, sa structure ou son territoire.");
        return 0;
    }
    if (stat_demande_tableau(rq->db, q, 0, t) < 0) {
        page_db_error(rq, rs);
        return 0;
    }
    return 1;
}

static void query_string(struct buf *b, const struct stat_demande *q)
{
    char du[11], au[11];
    jour_format(q->du, du);
    jour_format(q->au, au);
    html_raw(b, "portee=");
    html_url_arg(b, stat_portee_name(q->portee));
    if (q->code[0]) {
        html_raw(b, "&amp;code=");
        html_url_arg(b, q->code);
    }
    html_raw(b, "&amp;du=");
    html_raw(b, du);
    html_raw(b, "&amp;au=");
    html_raw(b, au);
}

static void period_form(struct buf *b, const struct stat_demande *q)
{
    char du[11], au[11];
    jour_format(q->du, du);
    jour_format(q->au, au);
    html_raw(b, "<form method=\"get\" class=\"recherche\" action=\"/statistiques\">\n"
                "<div class=\"champs-ligne\">\n<div class=\"champ\"><label for=\"portee\">Périmètre"
                "</label><select id=\"portee\" name=\"portee\">\n");
    static const struct { int p; const char *label; } opts[] = {
        {SP_COMPTE, "Mes activités"}, {SP_STRUCTURE, "Une structure (son numéro)"},
        {SP_COMMUNE, "Une commune (code INSEE)"}, {SP_EPCI, "Une intercommunalité (SIREN)"},
        {SP_DEPARTEMENT, "Un département (code)"}, {SP_REGION, "Une région (code)"},
        {SP_NATION, "France entière"}};
    for (size_t i = 0; i < sizeof opts / sizeof *opts; i++) {
        html_raw(b, "<option value=\"");
        html_raw(b, stat_portee_name((enum stat_portee)opts[i].p));
        html_raw(b, (int)q->portee == opts[i].p ? "\" selected>" : "\">");
        html_txt(b, opts[i].label);
        html_raw(b, "</option>\n");
    }
    html_raw(b, "</select></div>\n<div class=\"champ\"><label for=\"code\">Code</label>"
                "<input type=\"text\" id=\"code\" name=\"code\" value=\"");
    html_attr(b, q->portee == SP_COMPTE ? "" : q->code);
    html_raw(b, "\"></div>\n<div class=\"champ\"><label for=\"du\">Du</label><input type=\"date\" "
                "id=\"du\" name=\"du\" value=\"");
    html_raw(b, du);
    html_raw(b, "\"></div>\n<div class=\"champ\"><label for=\"au\">Au</label><input type=\"date\" "
                "id=\"au\" name=\"au\" value=\"");
    html_raw(b, au);
    html_raw(b, "\"></div>\n<div class=\"champ bouton\"><button type=\"submit\">Afficher</button>"
                "</div>\n</div>\n</form>\n");
}

static void figure(struct buf *b, long long n, const char *label)
{
    html_raw(b, "<li><strong>");
    page_int(b, (long)n);
    html_raw(b, "</strong> ");
    html_txt(b, label);
    html_raw(b, "</li>\n");
}

static void percent(struct buf *b, long long n, long long total)
{
    if (total <= 0) {
        html_raw(b, "—");
        return;
    }
    page_dec1(b, 100.0 * (double)n / (double)total);
    html_raw(b, "\xc2\xa0%");
}

/* One table for the rows of dimension d (at most `max` rows). */
static void dim_table(struct buf *b, const struct stat_tableau *t, enum stat_dim d, long long total,
                      size_t max, const char *unit)
{
    size_t first = t->n, count = 0;
    for (size_t i = 0; i < t->n; i++)
        if (t->v[i].dim == d) {
            if (first == t->n)
                first = i;
            count++;
        }
    if (!count)
        return;
    int terr = d == SD_COMMUNE || d == SD_DEPARTEMENT || d == SD_REGION;
    html_raw(b, "<div class=\"defile\"><table class=\"stats\">\n<caption>");
    html_txt(b, stat_dim_titre(d));
    if (count > max)
        html_rawf(b, " (les %zu premiers sur %zu : tous dans le fichier CSV)", max, count);
    html_raw(b, "</caption>\n<thead><tr><th scope=\"col\"></th><th scope=\"col\">");
    html_txt(b, unit);
    html_raw(b, "</th><th scope=\"col\">Part</th>");
    if (terr)
        html_raw(b, "<th scope=\"col\">Personnes</th>");
    html_raw(b, "</tr></thead>\n<tbody>\n");
    for (size_t i = first; i < t->n && i < first + max && t->v[i].dim == d; i++) {
        html_raw(b, "<tr><th scope=\"row\">");
        html_txt(b, t->v[i].libelle);
        html_raw(b, "</th><td>");
        page_int(b, (long)t->v[i].n);
        html_raw(b, "</td><td>");
        percent(b, t->v[i].n, total);
        if (terr) {
            html_raw(b, "</td><td>");
            page_int(b, (long)t->v[i].personnes);
        }
        html_raw(b, "</td></tr>\n");
    }
    html_raw(b, "</tbody></table></div>\n");
}

void page_statistiques(const struct request *rq, struct response *rs)
{
    struct stat_demande q;
    struct stat_tableau t;
    if (!demande(rq, rs, &q, &t))
        return;
    struct buf *b = &rs->body;
    page_begin(b, rq, "Statistiques d'activité");
    html_raw(b, "<h1>Statistiques d'activité <span class=\"niveau\">");
    html_txt(b, q.titre);
    html_raw(b, "</span></h1>\n<p>Du ");
    av_jour(b, q.du);
    html_raw(b, " au ");
    av_jour(b, q.au);
    html_raw(b, ".</p>\n");
    period_form(b, &q);
    long long act = t.total[STT_ACTIVITES], pers = t.total[STT_ACCOMPAGNEMENTS];
    html_raw(b, "<h2>Chiffres clés</h2>\n<ul class=\"chiffres\">\n");
    figure(b, act, act > 1 ? "activités" : "activité");
    for (size_t i = 0; i < t.n; i++)
        if (t.v[i].dim == SD_TYPE)
            figure(b, t.v[i].n, t.v[i].libelle);
    figure(b, pers, "personnes accompagnées (accompagnements)");
    figure(b, t.total[STT_PARTICIPANTS_COLLECTIFS], "participants aux ateliers");
    figure(b, t.total[STT_ANONYMES], "accompagnements anonymes");
    figure(b, t.total[STT_SUIVIS], "accompagnements de personnes suivies");
    figure(b, t.total[STT_NOUVEAUX], "nouvelles personnes suivies");
    figure(b, t.total[STT_MINUTES] / 60, "heures d'accompagnement");
    figure(b, t.total[STT_ORIENTES], "orientations vers une autre structure");
    html_raw(b, "</ul>\n");
    if (act == 0) {
        html_raw(b, "<p>Aucune activité sur cette période.</p>\n");
    } else {
        html_raw(b, "<h2>Activités</h2>\n");
        static const enum stat_dim acts[] = {SD_DUREE, SD_LIEU_TYPE, SD_THEME, SD_THEME_ADMIN,
                                             SD_MATERIEL, SD_AUTONOMIE, SD_REDIRECTION, SD_NIVEAU};
        for (size_t i = 0; i < sizeof acts / sizeof *acts; i++)
            dim_table(b, &t, acts[i], act, 40, "Activités");
        html_raw(b, "<h2>Personnes accompagnées</h2>\n");
        static const enum stat_dim people[] = {SD_GENRE, SD_AGE, SD_STATUT};
        for (size_t i = 0; i < sizeof people / sizeof *people; i++)
            dim_table(b, &t, people[i], pers, 40, "Personnes");
        html_raw(b, "<h2>Où</h2>\n");
        static const enum stat_dim where[] = {SD_REGION, SD_DEPARTEMENT, SD_COMMUNE, SD_LIEU};
        for (size_t i = 0; i < sizeof where / sizeof *where; i++)
            dim_table(b, &t, where[i], act, 30, "Activités");
    }
    html_raw(b, "<h2>Télécharger</h2>\n<ul class=\"actions\">\n<li><a href=\"/statistiques.csv?");
    query_string(b, &q);
    html_raw(b, "\">Tous les chiffres en CSV</a> (tableur)</li>\n<li><a href=\"/api/v1/statistiques?");
    query_string(b, &q);
    html_raw(b, "\">Les mêmes en JSON</a> (API)</li>\n<li>Pour imprimer : le menu Imprimer de votre "
                "navigateur (la page s'imprime sans le menu).</li>\n</ul>\n<p class=\"aide\">Une "
                "activité peut avoir plusieurs thématiques et plusieurs matériels : leurs parts "
                "dépassent alors 100 %. Genre, âge et statut comptent les personnes accompagnées, "
                "telles qu'enregistrées le jour de l'activité.</p>\n");
    stat_tableau_free(&t);
    page_end(b, rq);
    page_finish(rs);
}

void page_statistiques_csv(const struct request *rq, struct response *rs)
{
    struct stat_demande q;
    struct stat_tableau t;
    if (!demande(rq, rs, &q, &t))
        return;
    stat_tableau_csv(&t, &q, &rs->body);
    stat_tableau_free(&t);
    rs->content_type = "text/csv; charset=utf-8";
    snprintf(rs->disposition, sizeof rs->disposition,
             "attachment; filename=\"statistiques-%s%s%s.csv\"", stat_portee_name(q.portee),
             q.code[0] ? "-" : "", q.code);
}
