/* tableau_activite.c - the dashboards' section "Activité et compétences":
 * what the médiateurs recorded (accompaniments per 1,000 inhabitants,
 * themes, autonomy reached) and what the finished diagnostics say (autonomy
 * steps, levels per domain, barriers), for one territory over the last 12
 * months, with its CSV files. Data entered once in the activity records and the diagnostic
 * feed this section directly ("dites-le-nous une fois"): nothing is
 * re-entered or copied.
 *
 * Sources: accompagnement/agregats.h (stat_query on the territory, its
 * parent and France: a few dozen aggregate rows each) and
 * diagnostic/stats.h (diag_stats, secrecy already applied there).
 *
 * Secrecy: these pages are public while the statistics pages of
 * /statistiques are for signed-in professionals. Counts of people (the
 * accompaniments) and every count of a breakdown from 1 to SECRET_SEUIL - 1
 * are not shown ("moins de 11"), nor a rate computed from a hidden count;
 * the autonomy reached, a distribution of the individual accompaniments,
 * gets the secondary suppression of territoires/secret.h so that no hidden
 * cell can be found by subtraction. Activity counts (the work done) are
 * shown as they are. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "accompagnement/referentiel.h"
#include "base/csv.h"
#include "base/jour.h"
#include "diagnostic/catalogue.h"
#include "diagnostic/referentiel.h"
#include "territoires/secret.h"
#include "web/html.h"
#include "web/layout.h"
#include "web/svgchart.h"
#include "web/tableau.h"

#define NBSP "\xc2\xa0"
#define CACHE -1LL            /* a suppressed count */
#define NTHEMES_PAGE 8        /* themes drawn on the page (all in the CSV) */
#define NFREINS_PAGE 5

/* ---- loading ---- */

static double pour_mille(const struct stat_vec *v, long population);

static int portee_de(const char *niveau)
{
    static const struct {
        const char *n;
        enum stat_portee p;
    } m[] = {{"nation", SP_NATION}, {"region", SP_REGION}, {"departement", SP_DEPARTEMENT},
             {"epci", SP_EPCI}, {"commune", SP_COMMUNE}};
    for (size_t i = 0; i < sizeof m / sizeof *m; i++)
        if (strcmp(m[i].n, niveau) == 0)
            return (int)m[i].p;
    return -1;
}

static int charger_portee(struct db *d, const char *niveau, const char *code, long du, long au,
                          struct stat_vec *out)
{
    int p = portee_de(niveau);
    if (p < 0)
        return 0; /* nothing to compare with */
    return stat_query(d, (enum stat_portee)p, p == SP_NATION ? "" : code, du, au, out, NULL);
}

int tableau_activite_charger(struct db *d, struct tableau *t, long au)
{
    struct tableau_activite *a = &t->act;
    memset(a, 0, sizeof *a);
    a->au = au;
    a->du = au - 364;
    if (charger_portee(d, t->niveau, t->code, a->du, a->au, &a->ici) < 0 ||
        (t->has_parent && charger_portee(d, t->parent_niveau, t->parent.l.code, a->du, a->au,
                                         &a->parent) < 0) ||
        charger_portee(d, "nation", "", a->du, a->au, &a->france) < 0) {
        tableau_activite_free(a);
        return -1;
    }
    /* the similar territories (same level): the median of their rates */
    double x[64];
    size_t nx = 0;
    a->comparables_mille = NAN;
    for (size_t k = 0; k < t->comparables.n && nx < sizeof x / sizeof *x; k++) {
        const struct indic_ligne *l = &t->comparables.v[k];
        struct stat_vec v = {0};
        if (charger_portee(d, l->niveau, l->code, a->du, a->au, &v) < 0) {
            stat_vec_free(&v);
            tableau_activite_free(a);
            return -1;
        }
        x[nx++] = pour_mille(&v, l->population); /* NAN when hidden: left out */
        stat_vec_free(&v);
    }
    a->comparables_mille = tableau_mediane(x, nx);
    char du_iso[11], au_iso[11];
    jour_format(a->du, du_iso);
    jour_format(a->au, au_iso);
    int nation = strcmp(t->niveau, "nation") == 0;
    struct diag_filter f = {nation ? NULL : t->niveau, nation ? NULL : t->code, du_iso, au_iso};
    if (diag_stats(d, &f, &a->diag) < 0) {
        tableau_activite_free(a);
        return -1;
    }
    return 0;
}

void tableau_activite_free(struct tableau_activite *a)
{
    stat_vec_free(&a->ici);
    stat_vec_free(&a->parent);
    stat_vec_free(&a->france);
}

static unsigned long long fnv(unsigned long long h, const void *p, size_t n)
{
    const unsigned char *c = p;
    for (size_t k = 0; k < n; k++)
        h = (h ^ c[k]) * 1099511628211ULL;
    return h;
}

unsigned long long tableau_activite_empreinte(const struct tableau *t)
{
    /* FNV-1a over every figure the section shows */
    const struct tableau_activite *a = &t->act;
    unsigned long long h = 1469598103934665603ULL;
    const struct stat_vec *v[3] = {&a->ici, &a->parent, &a->france};
    for (int i = 0; i < 3; i++)
        for (size_t k = 0; k < v[i]->n; k++) {
            unsigned long long x[2] = {v[i]->v[k].key, (unsigned long long)v[i]->v[k].n};
            h = fnv(h, x, sizeof x);
        }
    h = fnv(h, &a->comparables_mille, sizeof a->comparables_mille);
    h = fnv(h, &a->diag, sizeof a->diag);
    return h ^ (unsigned long long)a->au;
}

/* ---- the figures, with secrecy ---- */

static long long total(const struct stat_vec *v, enum stat_total k)
{
    return stat_vec_get(v, STAT_KEY(SD_TOTAL, k));
}

/* A count of people as published. */
static long long publie(long long n)
{
    return n > 0 && n < SECRET_SEUIL ? CACHE : n;
}

/* Accompaniments per 1,000 inhabitants, NAN when unknown or hidden. */
static double pour_mille(const struct stat_vec *v, long population)
{
    long long n = publie(total(v, STT_ACCOMPAGNEMENTS));
    return n < 0 || population <= 0 ? NAN : (double)n * 1000.0 / (double)population;
}

/* The autonomy reached of the individual accompaniments of v, published:
 * out[k] for each value of AV_AUTONOMIE (CACHE when suppressed). The
 * published total of the distribution in *somme. */
static int autonomie(const struct stat_vec *v, long long *out, long long *somme)
{
    int n = accomp_voc(AV_AUTONOMIE)->n;
    long val[16];
    unsigned char masque[16];
    size_t enfants[16], parent = 0, debut[2] = {0, 0};
    if (n > 15)
        n = 15;
    val[0] = 0;
    for (int k = 0; k < n; k++) {
        val[k + 1] = (long)stat_vec_get(v, STAT_KEY(SD_AUTONOMIE, k));
        val[0] += val[k + 1];
        enfants[k] = (size_t)k + 1;
    }
    debut[1] = (size_t)n;
    struct secret_table tab = {(size_t)n + 1, val, masque, 1, &parent, debut, enfants};
    if (secret_appliquer(&tab, SECRET_SEUIL) < 0)
        return -1;
    for (int k = 0; k < n; k++)
        out[k] = masque[k + 1] ? CACHE : val[k + 1];
    *somme = masque[0] ? CACHE : val[0];
    return n;
}

/* ---- page ---- */

static void nombre(struct buf *b, long long n)
{
    if (n == CACHE)
        html_raw(b, "moins de 11");
    else
        page_int(b, (long)n);
}

static void taux(struct buf *b, double v)
{
    if (isnan(v)) {
        html_raw(b, "non publié");
        return;
    }
    char s[32];
    snprintf(s, sizeof s, v < 10 ? "%.2f" : "%.1f", v); /* big cities: 0,02 rather than 0,0 */
    for (char *c = s; *c; c++)
        if (*c == '.')
            *c = ',';
    html_txt(b, s);
}

static int est_nation(const struct tableau *t)
{
    return strcmp(t->niveau, "nation") == 0;
}

/* The columns compared: the territory, its parent, France. */
struct colonne {
    const char *nom;
    const struct stat_vec *v;
    long population;
};

static int colonnes(const struct tableau *t, struct colonne c[3])
{
    int n = 0;
    c[n++] = (struct colonne){est_nation(t) ? "France" : t->t.l.nom, &t->act.ici,
                              t->t.l.population};
    if (t->has_parent && !est_nation(t) && strcmp(t->parent_niveau, "nation") != 0)
        c[n++] = (struct colonne){t->parent.l.nom, &t->act.parent, t->parent.l.population};
    if (!est_nation(t))
        c[n++] = (struct colonne){"France", &t->act.france, t->france.l.population};
    return n;
}

static void periode(struct buf *b, const struct tableau_activite *a)
{
    char d1[11], d2[11];
    jour_format(a->du, d1);
    jour_format(a->au, d2);
    html_raw(b, "du ");
    page_date(b, d1);
    html_raw(b, " au ");
    page_date(b, d2);
}

static void chiffres_activite(struct buf *b, const struct tableau *t)
{
    struct colonne c[3];
    int n = colonnes(t, c);
    html_raw(b, "<div class=\"defile\"><table>\n<caption>Accompagnements des 12 derniers mois"
                "</caption>\n<thead><tr><th scope=\"col\">Chiffre</th>");
    for (int i = 0; i < n; i++) {
        html_raw(b, "<th scope=\"col\">");
        html_txt(b, c[i].nom);
        html_raw(b, "</th>");
    }
    html_raw(b, "</tr></thead>\n<tbody>\n<tr><th scope=\"row\">Activités enregistrées</th>");
    for (int i = 0; i < n; i++) {
        html_raw(b, "<td>");
        page_int(b, (long)total(c[i].v, STT_ACTIVITES));
        html_raw(b, "</td>");
    }
    html_raw(b, "</tr>\n<tr><th scope=\"row\">Personnes accompagnées</th>");
    for (int i = 0; i < n; i++) {
        html_raw(b, "<td>");
        nombre(b, publie(total(c[i].v, STT_ACCOMPAGNEMENTS)));
        html_raw(b, "</td>");
    }
    html_raw(b, "</tr>\n<tr><th scope=\"row\">Pour 1" NBSP "000 habitants</th>");
    for (int i = 0; i < n; i++) {
        html_raw(b, "<td>");
        taux(b, pour_mille(c[i].v, c[i].population));
        html_raw(b, "</td>");
    }
    html_raw(b, "</tr>\n</tbody>\n</table></div>\n");
    if (!isnan(t->act.comparables_mille)) {
        html_raw(b, "<p>Territoires comparables (médiane) : ");
        taux(b, t->act.comparables_mille);
        html_raw(b, " personnes accompagnées pour 1" NBSP "000 habitants.</p>\n");
    }
}

struct theme {
    int k;
    long long n;
};

static int par_nombre(const void *x, const void *y)
{
    const struct theme *a = x, *b = y;
    return a->n != b->n ? (a->n < b->n ? 1 : -1) : a->k - b->k;
}

/* The themes of v by decreasing count (zeros left out); returns how many. */
static int themes(const struct stat_vec *v, struct theme *out, int max)
{
    const struct accomp_vocabulaire *voc = accomp_voc(AV_THEME);
    int n = 0;
    for (int k = 0; k < voc->n && n < max; k++) {
        long long x = stat_vec_get(v, STAT_KEY(SD_THEME, k));
        if (x > 0)
            out[n++] = (struct theme){k, x};
    }
    qsort(out, (size_t)n, sizeof *out, par_nombre);
    return n;
}

static void graphe_themes(struct buf *b, const struct tableau *t)
{
    struct theme th[64];
    int n = themes(&t->act.ici, th, 64);
    if (n == 0)
        return;
    int m = n < NTHEMES_PAGE ? n : NTHEMES_PAGE;
    struct svgchart_barre barres[NTHEMES_PAGE];
    char txt[NTHEMES_PAGE][32];
    double max = 0;
    for (int i = 0; i < m; i++) {
        long long p = publie(th[i].n);
        if (p < 0)
            snprintf(txt[i], sizeof txt[i], "moins de 11");
        else
            snprintf(txt[i], sizeof txt[i], "%lld", p);
        barres[i] = (struct svgchart_barre){accomp_label(AV_THEME, th[i].k),
                                            p < 0 ? NAN : (double)p, txt[i], NAN, NULL};
        if (p > max)
            max = (double)p;
    }
    html_raw(b, "<figure class=\"graphe\">\n");
    svgchart_barres(b, "g-themes", "Thèmes les plus fréquents des activités", barres,
                    (size_t)m, max > 0 ? max : 1, NULL);
    html_raw(b, "<figcaption>Nombre d'activités par thème (une activité peut avoir plusieurs "
                "thèmes)");
    if (n > m) {
        html_raw(b, " ; les ");
        page_int(b, m);
        html_raw(b, " premiers sur ");
        page_int(b, n);
        html_raw(b, ", tous dans le fichier CSV");
    }
    html_raw(b, ".</figcaption>\n</figure>\n");
}

static void table_autonomie(struct buf *b, const struct tableau *t)
{
    long long v[16], somme;
    int n = autonomie(&t->act.ici, v, &somme);
    if (n <= 0 || (somme == 0))
        return;
    html_raw(b, "<div class=\"defile\"><table>\n<caption>Autonomie atteinte à la fin des "
                "accompagnements individuels</caption>\n<thead><tr><th scope=\"col\">Autonomie"
                "</th><th scope=\"col\">Accompagnements</th></tr></thead>\n<tbody>\n");
    for (int k = 0; k < n; k++) {
        html_raw(b, "<tr><th scope=\"row\">");
        html_txt(b, accomp_label(AV_AUTONOMIE, k));
        html_raw(b, "</th><td>");
        nombre(b, v[k]);
        html_raw(b, "</td></tr>\n");
    }
    html_raw(b, "</tbody>\n</table></div>\n");
}

static void compte_diag(struct buf *b, long n)
{
    if (n < 0)
        html_raw(b, "moins de 10");
    else
        page_int(b, n);
}

/* The level reached in each domain of the referential. */
static void niveaux(struct buf *b, const struct diag_ref *ref, const struct diag_stats *s)
{
    html_raw(b, "<div class=\"defile\"><table>\n<caption>Niveau atteint par domaine de "
                "compétences</caption>\n<thead><tr><th scope=\"col\">Domaine</th>");
    for (int lv = 0; lv <= DIAG_LEVELS; lv++) {
        html_raw(b, "<th scope=\"col\">");
        html_txt(b, diag_tr(&ref->niveaux[lv].nom, DIAG_FR));
        html_raw(b, "</th>");
    }
    html_raw(b, "</tr></thead>\n<tbody>\n");
    for (size_t d = 0; d < ref->ndomaines; d++) {
        int k = 0;
        while (k < s->c.ndom && strcmp(s->c.dom[k].id, ref->domaines[d].id) != 0)
            k++;
        html_raw(b, "<tr><th scope=\"row\">");
        html_txt(b, diag_tr(&ref->domaines[d].nom, DIAG_FR));
        html_raw(b, "</th>");
        for (int lv = 0; lv <= DIAG_LEVELS; lv++) {
            html_raw(b, "<td>");
            compte_diag(b, k < s->c.ndom ? s->c.dom[k].niveau[lv] : 0);
            html_raw(b, "</td>");
        }
        html_raw(b, "</tr>\n");
    }
    html_raw(b, "</tbody>\n</table></div>\n");
}

/* The finished diagnostics: how many, autonomy steps, levels per domain,
 * main barriers. */
static void diagnostics(struct buf *b, const struct request *rq, const struct tableau *t)
{
    const struct diag_stats *s = &t->act.diag;
    const struct diag_ref *ref = diag_referentiel(rq->db);
    html_raw(b, "<h3>Diagnostics des compétences numériques</h3>\n");
    if (s->c.total == 0) {
        html_raw(b, "<p>Aucun diagnostic terminé sur ce territoire pendant ces 12 mois.</p>\n");
    } else if (s->secret || !ref) {
        html_raw(b, "<p>Moins de ");
        page_int(b, DIAG_STATS_MIN);
        html_raw(b, " diagnostics terminés sur ce territoire pendant ces 12 mois : le détail "
                    "n'est pas publié pour que personne ne puisse être reconnu.</p>\n");
    } else {
        html_raw(b, "<p>");
        page_count(b, s->c.total, "diagnostic terminé", "diagnostics terminés");
        html_raw(b, " par des personnes de ce territoire.</p>\n<div class=\"defile\"><table>\n"
                    "<caption>Résultat des diagnostics : étape d'autonomie</caption>\n<thead><tr>"
                    "<th scope=\"col\">Étape</th><th scope=\"col\">Diagnostics</th></tr></thead>"
                    "\n<tbody>\n");
        for (int k = 1; k <= DIAG_STEPS; k++) {
            html_raw(b, "<tr><th scope=\"row\">");
            html_txt(b, diag_tr(&ref->autonomie[k - 1].nom, DIAG_FR));
            html_raw(b, "</th><td>");
            compte_diag(b, s->c.autonomie[k]);
            html_raw(b, "</td></tr>\n");
        }
        html_raw(b, "</tbody>\n</table></div>\n");
        niveaux(b, ref, s);
        /* the most frequent barriers among those published */
        int ordre[DIAG_MAX_TAGS], m = 0;
        for (int i = 0; i < s->c.nfreins && m < DIAG_MAX_TAGS; i++)
            if (s->c.freins[i].n > 0)
                ordre[m++] = i;
        for (int i = 1; i < m; i++)
            for (int j = i; j > 0 && s->c.freins[ordre[j]].n > s->c.freins[ordre[j - 1]].n; j--) {
                int x = ordre[j];
                ordre[j] = ordre[j - 1];
                ordre[j - 1] = x;
            }
        if (m > 0) {
            html_raw(b, "<p>Freins les plus cités :</p>\n<ul>\n");
            for (int i = 0; i < m && i < NFREINS_PAGE; i++) {
                int f = diag_ref_frein(ref, s->c.freins[ordre[i]].id);
                html_raw(b, "<li>");
                html_txt(b, f >= 0 ? diag_tr(&ref->freins[f].nom, DIAG_FR)
                                   : s->c.freins[ordre[i]].id);
                html_raw(b, " : ");
                page_count(b, s->c.freins[ordre[i]].n, "diagnostic", "diagnostics");
                html_raw(b, "</li>\n");
            }
            html_raw(b, "</ul>\n");
        }
    }
    html_raw(b, "<p><a href=\"/diagnostic/statistiques");
    if (!est_nation(t)) {
        html_raw(b, "?niveau=");
        html_url_arg(b, t->niveau);
        html_raw(b, "&amp;code=");
        html_url_arg(b, t->code);
    }
    html_raw(b, "\">Toutes les statistiques des diagnostics (avec les besoins déclarés)</a>"
                "</p>\n");
}

void tableau_activite_section(struct buf *b, const struct request *rq, const struct tableau *t,
                              int imp)
{
    (void)imp;
    const struct tableau_activite *a = &t->act;
    html_raw(b, "<p>Ce que les médiateurs et conseillers numériques ont enregistré dans leurs "
                "comptes rendus d'activité, et ce que disent les diagnostics terminés, ");
    periode(b, a);
    html_raw(b, ". Les chiffres viennent directement des saisies : rien n'est ressaisi. Les "
                "nombres de personnes de 1 à 10 ne sont pas publiés.</p>\n");
    if (total(&a->france, STT_ACTIVITES) == 0) {
        html_raw(b, "<p>Aucun compte rendu d'activité n'a été enregistré sur ce serveur pendant "
                    "ces 12 mois.</p>\n");
    } else if (total(&a->ici, STT_ACTIVITES) == 0) {
        html_raw(b, "<p>Aucune activité enregistrée sur ce territoire pendant ces 12 mois.</p>\n");
        chiffres_activite(b, t);
    } else {
        chiffres_activite(b, t);
        graphe_themes(b, t);
        table_autonomie(b, t);
    }
    diagnostics(b, rq, t);
    struct buf pre = BUF_INIT;
    tableau_href(&pre, t->niveau, t->code);
    html_raw(b, "<p><a href=\"");
    html_raw(b, pre.s ? pre.s : "");
    html_raw(b, "/activite.csv\">Activités, thèmes et autonomie (CSV)</a> · <a href=\"");
    html_raw(b, pre.s ? pre.s : "");
    html_raw(b, "/diagnostics.csv\">Diagnostics (CSV)</a></p>\n");
    buf_free(&pre);
}

/* ---- CSV ---- */

static void cell_n(struct buf *b, long long n)
{
    buf_putc(b, ',');
    if (n != CACHE)
        buf_printf(b, "%lld", n);
}

static void cell_taux(struct buf *b, double v)
{
    buf_putc(b, ',');
    if (!isnan(v))
        buf_printf(b, "%.3f", v);
}

static void debut_ligne(struct buf *b, const char *mesure, const char *code, const char *libelle)
{
    csv_write_field(b, mesure);
    buf_putc(b, ',');
    csv_write_cell(b, code);
    buf_putc(b, ',');
    csv_write_cell(b, libelle);
}

/* One line per figure; a column per compared territory; an empty cell is
 * a figure not published (secrecy). */
static void csv_activite(struct buf *b, const struct tableau *t)
{
    struct colonne c[3];
    int n = colonnes(t, c);
    char d1[11], d2[11];
    jour_format(t->act.du, d1);
    jour_format(t->act.au, d2);
    buf_puts(b, "mesure,code,libelle");
    for (int i = 0; i < n; i++) {
        buf_putc(b, ',');
        csv_write_cell(b, c[i].nom);
    }
    buf_printf(b, ",du,au\r\n");
    debut_ligne(b, "activites", "", "Activités enregistrées");
    for (int i = 0; i < n; i++)
        cell_n(b, total(c[i].v, STT_ACTIVITES));
    buf_printf(b, ",%s,%s\r\n", d1, d2);
    debut_ligne(b, "personnes_accompagnees", "", "Personnes accompagnées");
    for (int i = 0; i < n; i++)
        cell_n(b, publie(total(c[i].v, STT_ACCOMPAGNEMENTS)));
    buf_printf(b, ",%s,%s\r\n", d1, d2);
    debut_ligne(b, "pour_1000_habitants", "", "Personnes accompagnées pour 1 000 habitants");
    for (int i = 0; i < n; i++)
        cell_taux(b, pour_mille(c[i].v, c[i].population));
    buf_printf(b, ",%s,%s\r\n", d1, d2);
    debut_ligne(b, "pour_1000_habitants_comparables", "",
                "Médiane des territoires comparables, pour 1 000 habitants");
    cell_taux(b, t->act.comparables_mille);
    for (int i = 1; i < n; i++)
        buf_putc(b, ',');
    buf_printf(b, ",%s,%s\r\n", d1, d2);
    const struct accomp_vocabulaire *voc = accomp_voc(AV_THEME);
    for (int k = 0; k < voc->n; k++) {
        debut_ligne(b, "theme", voc->v[k].code, voc->v[k].label);
        for (int i = 0; i < n; i++)
            cell_n(b, publie(stat_vec_get(c[i].v, STAT_KEY(SD_THEME, k))));
        buf_printf(b, ",%s,%s\r\n", d1, d2);
    }
    long long au[3][16], somme[3];
    int na = 0;
    for (int i = 0; i < n; i++)
        na = autonomie(c[i].v, au[i], &somme[i]);
    for (int k = 0; k < na; k++) {
        debut_ligne(b, "autonomie", accomp_code_of(AV_AUTONOMIE, k),
                    accomp_label(AV_AUTONOMIE, k));
        for (int i = 0; i < n; i++)
            cell_n(b, au[i][k]);
        buf_printf(b, ",%s,%s\r\n", d1, d2);
    }
}

static void csv_diagnostics(struct buf *b, const struct tableau *t)
{
    const struct diag_stats *s = &t->act.diag;
    char d1[11], d2[11];
    jour_format(t->act.du, d1);
    jour_format(t->act.au, d2);
    buf_printf(b, "mesure,code,nombre,du,au\r\n");
    buf_puts(b, "diagnostics,");
    cell_n(b, s->c.total < 0 ? CACHE : s->c.total);
    buf_printf(b, ",%s,%s\r\n", d1, d2);
    if (s->secret)
        return;
    for (int k = 1; k <= DIAG_STEPS; k++) {
        buf_printf(b, "etape_autonomie,%d", k);
        cell_n(b, s->c.autonomie[k] < 0 ? CACHE : s->c.autonomie[k]);
        buf_printf(b, ",%s,%s\r\n", d1, d2);
    }
    for (int i = 0; i < s->c.ndom; i++)
        for (int lv = 0; lv <= DIAG_LEVELS; lv++) {
            char code[DIAG_TAG_MAX + 8];
            snprintf(code, sizeof code, "%s/%d", s->c.dom[i].id, lv);
            buf_puts(b, "niveau_domaine,");
            csv_write_cell(b, code);
            cell_n(b, s->c.dom[i].niveau[lv] < 0 ? CACHE : s->c.dom[i].niveau[lv]);
            buf_printf(b, ",%s,%s\r\n", d1, d2);
        }
    for (int i = 0; i < s->c.nfreins; i++) {
        buf_puts(b, "frein,");
        csv_write_cell(b, s->c.freins[i].id);
        cell_n(b, s->c.freins[i].n < 0 ? CACHE : s->c.freins[i].n);
        buf_printf(b, ",%s,%s\r\n", d1, d2);
    }
}

int tableau_activite_fichier(const char *nom)
{
    return strcmp(nom, "activite.csv") == 0 || strcmp(nom, "diagnostics.csv") == 0;
}

int tableau_activite_csv(struct buf *b, const struct tableau *t, const char *nom)
{
    if (!tableau_activite_fichier(nom))
        return 0;
    if (strcmp(nom, "activite.csv") == 0)
        csv_activite(b, t);
    else
        csv_diagnostics(b, t);
    return 1;
}
