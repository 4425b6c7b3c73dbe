/* tableau.c - the dashboards' figures and sections (see tableau.h): the
 * loading of a territory's figures, the comparison table, the maps (drawn
 * once per data version and kept in the render cache), the charts and the
 * report. The CSV files and the standalone commune maps are in
 * tableau_fichiers.c. */
#include "web/tableau.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "store/cache.h"
#include "territoires/territoires.h"
#include "web/html.h"
#include "web/layout.h"
#include "web/svgchart.h"
#include "web/svgmap.h"

#define NBSP "\xc2\xa0"
#define TABLE_MAX 40          /* rows of a map's table on the page (all in the CSV) */
#define TABLE_LEGER 10        /* ... when the page is drawn light */
#define PRIO_LEGER 5          /* priority communes on the light page */
#define PAGE_CORPS_MAX (32 * 1024) /* the dashboard in a page: frame and stylesheet add ~11 KB */

/* How sections are drawn: the page, the printed report, or the page
 * drawn again lighter (coarser map, shorter tables) when it came out over
 * PAGE_CORPS_MAX (the largest EPCI have ~150 communes on their map). */
enum { MODE_PAGE = 0, MODE_RAPPORT = 1, MODE_LEGER = 2 };

/* ---- loading ---- */

static int niveau_enum(const char *niveau)
{
    return strcmp(niveau, "nation") == 0 ? -1 : territoire_niveau_parse(niveau);
}

static void crumb(struct tableau *t, enum territoire_niveau n, const char *code, struct db *d)
{
    struct territoire p;
    if (!code[0] || t->ncrumbs >= 4 || territoires_get(d, n, code, &p) != 1)
        return;
    snprintf(t->crumbs[t->ncrumbs][0], 128, "%s/%s", territoire_niveau_nom(n), p.code);
    snprintf(t->crumbs[t->ncrumbs][1], 128, "%s", p.nom);
    t->ncrumbs++;
}

int tableau_charger(struct db *d, const char *niveau, const char *code, int nprio,
                    struct tableau *t)
{
    memset(t, 0, sizeof *t);
    int n = niveau_enum(niveau);
    if (n < -1 || (n < 0 && strcmp(niveau, "nation") != 0))
        return 0;
    snprintf(t->niveau, sizeof t->niveau, "%s", n < 0 ? "nation" : territoire_niveau_nom(n));
    struct territoire terr;
    const char *parent_code = NULL;
    if (n < 0) {
        if (strcmp(code, "FR") != 0)
            return 0;
        snprintf(t->code, sizeof t->code, "FR");
    } else {
        int got = territoires_get(d, (enum territoire_niveau)n, code, &terr);
        if (got <= 0)
            return got;
        snprintf(t->code, sizeof t->code, "%s", terr.code);
        snprintf(t->epci_type, sizeof t->epci_type, "%s", terr.type);
        if (n <= TERRITOIRE_DEPARTEMENT)
            crumb(t, TERRITOIRE_REGION, terr.region, d);
        if (n <= TERRITOIRE_EPCI)
            crumb(t, TERRITOIRE_DEPARTEMENT, terr.departement, d);
        if (n == TERRITOIRE_COMMUNE)
            crumb(t, TERRITOIRE_EPCI, terr.epci, d);
    }
    if (ifn_variante_active(d, t->variante, sizeof t->variante) < 0 ||
        indicateurs_etat(d, t->calcule_le, sizeof t->calcule_le, &t->stale) < 0)
        return -1;
    int got = indic_get(d, t->niveau, t->code, NULL, &t->t);
    if (got <= 0)
        return got < 0 ? -1 : 2;
    if (indic_get(d, "nation", "FR", NULL, &t->france) < 0)
        return -1;
    /* the parent compared with */
    const char *pn = NULL;
    if (n == TERRITOIRE_REGION) {
        pn = "nation";
        parent_code = "FR";
    } else if (n == TERRITOIRE_DEPARTEMENT) {
        pn = "region";
        parent_code = terr.region;
    } else if (n == TERRITOIRE_EPCI) {
        pn = "departement";
        parent_code = t->t.l.parent;
    } else if (n == TERRITOIRE_COMMUNE) {
        pn = terr.epci[0] ? "epci" : "departement";
        parent_code = terr.epci[0] ? terr.epci : terr.departement;
    }
    if (pn) {
        int pg = indic_get(d, pn, parent_code, NULL, &t->parent);
        if (pg < 0)
            return -1;
        t->has_parent = pg == 1;
        snprintf(t->parent_niveau, sizeof t->parent_niveau, "%s", pn);
    }
    static const char *const enfants[] = {"departement", "departement", "epci", "commune",
                                          "commune"};
    /* index: nation, region, departement, epci, commune */
    int idx = n < 0 ? 0 : n == TERRITOIRE_REGION ? 1 : n == TERRITOIRE_DEPARTEMENT ? 2
                                                     : n == TERRITOIRE_EPCI ? 3 : 4;
    snprintf(t->enfant_niveau, sizeof t->enfant_niveau, "%s", enfants[idx]);
    if (indic_enfants(d, t->niveau, t->code, t->enfant_niveau, NULL, &t->enfants) < 0 ||
        indic_comparables(d, t->niveau, t->code, NULL, &t->comparables) < 0 ||
        indic_histogrammes(d, t->niveau, t->code, t->hifn_c, t->hifn_p, t->hkm_c, t->hkm_p) < 0) {
        tableau_free(t);
        return -1;
    }
    if (nprio > TABLEAU_PRIO_MAX)
        nprio = TABLEAU_PRIO_MAX;
    t->nprio = indic_prioritaires(d, t->niveau, t->code, NULL, 0, nprio, t->prio, &t->prio_total);
    if (t->nprio < 0) {
        tableau_free(t);
        return -1;
    }
    return 1;
}

void tableau_free(struct tableau *t)
{
    indic_liste_free(&t->comparables);
    indic_liste_free(&t->enfants);
    tableau_activite_free(&t->act);
}

/* ---- formatting ---- */

static const char *niveau_label(const char *niveau)
{
    return strcmp(niveau, "region") == 0 ? "région"
           : strcmp(niveau, "departement") == 0 ? "département"
           : strcmp(niveau, "epci") == 0 ? "intercommunalité"
           : strcmp(niveau, "commune") == 0 ? "commune" : "pays";
}

/* The plural of a level for texts: "les départements". */
static const char *niveau_pluriel(const char *niveau)
{
    return strcmp(niveau, "region") == 0 ? "régions"
           : strcmp(niveau, "departement") == 0 ? "départements"
           : strcmp(niveau, "epci") == 0 ? "intercommunalités" : "communes";
}

void tableau_nom(struct buf *b, const struct tableau *t)
{
    buf_puts(b, t->t.l.nom[0] ? t->t.l.nom : "France");
    if (strcmp(t->niveau, "nation") == 0)
        return;
    buf_puts(b, " (");
    buf_puts(b, strcmp(t->niveau, "epci") == 0 ? page_epci_type(t->epci_type)
                                               : niveau_label(t->niveau));
    buf_puts(b, ")");
}

void tableau_href(struct buf *b, const char *niveau, const char *code)
{
    html_raw(b, "/tableau/");
    html_url_arg(b, niveau);
    html_raw(b, "/");
    html_url_arg(b, code);
}

const char *tableau_carte_nom(enum tableau_carte c)
{
    return c == CARTE_DENSITE ? "densite" : c == CARTE_DISTANCE ? "distance" : "ifn";
}

int tableau_carte_parse(const char *s)
{
    for (int c = 0; c < CARTE__N; c++)
        if (strcmp(s, tableau_carte_nom((enum tableau_carte)c)) == 0)
            return c;
    return -1;
}

static void dec1_ou(struct buf *b, double v)
{
    if (isnan(v))
        html_raw(b, "non disponible");
    else
        page_dec1(b, v);
}

static void km_ou(struct buf *b, double v)
{
    if (isnan(v))
        html_raw(b, "non disponible");
    else
        page_km(b, v);
}

static double taux10k(const struct indic_ligne *l)
{
    return page_rate(l->tous.lieux, l->population);
}

/* Share of the population (0..100), NAN when unknown. */
static double part(long n, long pop)
{
    return pop > 0 ? 100.0 * (double)n / (double)pop : NAN;
}

static void pct_ou(struct buf *b, double v)
{
    if (isnan(v)) {
        html_raw(b, "non disponible");
        return;
    }
    if (v > 0 && v < 0.05)
        html_raw(b, "moins de 0,1");
    else
        page_dec1(b, v);
    html_raw(b, NBSP "%");
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

double tableau_mediane(double *x, size_t n)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(x[i]))
            x[m++] = x[i];
    if (m == 0)
        return NAN;
    qsort(x, m, sizeof *x, cmp_d);
    return m % 2 ? x[m / 2] : (x[m / 2 - 1] + x[m / 2]) / 2;
}

/* ---- the key figures ---- */

enum chiffre_fmt { F_INT, F_DEC1, F_KM, F_PCT };

struct chiffre {
    const char *libelle;
    enum chiffre_fmt fmt;
    double (*val)(const struct indic_ligne *l);
};

static double c_pop(const struct indic_ligne *l) { return (double)l->population; }
static double c_lieux(const struct indic_ligne *l) { return (double)l->tous.lieux; }
static double c_taux(const struct indic_ligne *l) { return taux10k(l); }
static double c_ifn(const struct indic_ligne *l) { return l->ifn_total; }
static double c_thd(const struct indic_ligne *l) { return l->ifn[IFN_THD]; }
static double c_mob(const struct indic_ligne *l) { return l->ifn[IFN_MOBILE]; }
static double c_pauv(const struct indic_ligne *l) { return l->ifn[IFN_PAUVRETE]; }
static double c_age(const struct indic_ligne *l) { return l->ifn[IFN_AGE]; }
static double c_dipl(const struct indic_ligne *l) { return l->ifn[IFN_DIPLOME]; }
static double c_km(const struct indic_ligne *l) { return l->tous.km; }
static double c_p5(const struct indic_ligne *l) { return part(l->tous.pop_5, l->population); }
static double c_p10(const struct indic_ligne *l) { return part(l->tous.pop_10, l->population); }
static double c_p20(const struct indic_ligne *l) { return part(l->tous.pop_20, l->population); }
static double c_prio(const struct indic_ligne *l) { return (double)l->prioritaires; }

static const struct chiffre chiffres[] = {
    {"Habitants", F_INT, c_pop},
    {"Lieux d'aide au numérique", F_INT, c_lieux},
    {"Lieux pour 10" NBSP "000 habitants", F_DEC1, c_taux},
    {"Indice de fragilité numérique (sur 10)", F_DEC1, c_ifn},
    {"… très haut débit (sur 10)", F_DEC1, c_thd},
    {"… réseau mobile 4G (sur 10)", F_DEC1, c_mob},
    {"… pauvreté (sur 10)", F_DEC1, c_pauv},
    {"… âge (sur 10)", F_DEC1, c_age},
    {"… diplôme (sur 10)", F_DEC1, c_dipl},
    {"Distance moyenne au lieu le plus proche", F_KM, c_km},
    {"Habitants à plus de 5" NBSP "km d'un lieu", F_PCT, c_p5},
    {"Habitants à plus de 10" NBSP "km d'un lieu", F_PCT, c_p10},
    {"Habitants à plus de 20" NBSP "km d'un lieu", F_PCT, c_p20},
    {"Communes prioritaires", F_INT, c_prio},
};
#define NCHIFFRES (sizeof chiffres / sizeof *chiffres)

static void valeur(struct buf *b, enum chiffre_fmt f, double v)
{
    if (isnan(v))
        html_raw(b, "non disponible");
    else if (f == F_INT)
        page_int(b, lround(v));
    else if (f == F_KM)
        page_km(b, v);
    else if (f == F_PCT)
        pct_ou(b, v);
    else
        page_dec1(b, v);
}

/* The median of the similar territories for chiffre i. */
static double comparables_mediane(const struct tableau *t, size_t i)
{
    double x[INDIC_COMPARABLES + 1];
    size_t n = 0;
    for (size_t k = 0; k < t->comparables.n && n < INDIC_COMPARABLES; k++)
        x[n++] = chiffres[i].val(&t->comparables.v[k]);
    return tableau_mediane(x, n);
}

static int est_nation(const struct tableau *t)
{
    return strcmp(t->niveau, "nation") == 0;
}

static void s_chiffres(struct buf *b, const struct request *rq, const struct tableau *t, int imp)
{
    (void)rq;
    (void)imp;
    int parent = t->has_parent && strcmp(t->parent_niveau, "nation") != 0;
    int comp = t->comparables.n > 0, nation = est_nation(t);
    html_raw(b, "<div class=\"defile\"><table class=\"chiffres-cles\">\n<caption>Chiffres clés : ");
    html_txt(b, t->t.l.nom);
    html_raw(b, "</caption>\n<thead><tr><th scope=\"col\">Indicateur</th><th scope=\"col\">");
    html_txt(b, t->t.l.nom);
    html_raw(b, "</th>");
    if (parent) {
        html_raw(b, "<th scope=\"col\">");
        html_txt(b, t->parent.l.nom);
        html_raw(b, "</th>");
    }
    if (comp)
        html_raw(b, "<th scope=\"col\">Territoires comparables (médiane)</th>");
    if (!nation)
        html_raw(b, "<th scope=\"col\">France</th>");
    html_raw(b, "</tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < NCHIFFRES; i++) {
        html_raw(b, "<tr><th scope=\"row\">");
        html_txt(b, chiffres[i].libelle);
        html_raw(b, "</th><td>");
        valeur(b, chiffres[i].fmt, chiffres[i].val(&t->t.l));
        html_raw(b, "</td>");
        if (parent) {
            html_raw(b, "<td>");
            valeur(b, chiffres[i].fmt, chiffres[i].val(&t->parent.l));
            html_raw(b, "</td>");
        }
        if (comp) {
            html_raw(b, "<td>");
            valeur(b, chiffres[i].fmt, comparables_mediane(t, i));
            html_raw(b, "</td>");
        }
        if (!nation) {
            html_raw(b, "<td>");
            valeur(b, chiffres[i].fmt, chiffres[i].val(&t->france.l));
            html_raw(b, "</td>");
        }
        html_raw(b, "</tr>\n");
    }
    html_raw(b, "</tbody>\n</table></div>\n");
    html_raw(b, "<p class=\"aide\">L'indice va de 1 (peu de risque) à 10 (risque le plus "
                "fort d'être éloigné du numérique). Les distances sont à vol d'oiseau, depuis "
                "le centre de chaque commune.");
    if (comp) {
        html_raw(b, " Territoires comparables : les ");
        page_int(b, (long)t->comparables.n);
        html_raw(b, " ");
        html_txt(b, niveau_pluriel(t->niveau));
        if (strcmp(t->niveau, "commune") == 0)
            html_raw(b, " du même département dont le nombre d'habitants est le plus proche.");
        else
            html_raw(b, " dont la taille (nombre d'habitants) et la part d'habitants vivant "
                        "dans une commune de moins de 2" NBSP "000 habitants sont les plus "
                        "proches.");
    }
    html_raw(b, "</p>\n");
}

/* ---- "En bref" ---- */

static void comparer(struct buf *b, double v, double ref, double seuil)
{
    if (isnan(v) || isnan(ref))
        return;
    if (v > ref + seuil)
        html_raw(b, "plus élevé que");
    else if (v < ref - seuil)
        html_raw(b, "plus bas que");
    else
        html_raw(b, "proche de");
}

static void s_bref(struct buf *b, const struct request *rq, const struct tableau *t, int imp)
{
    (void)rq;
    (void)imp;
    const struct indic_ligne *l = &t->t.l, *f = &t->france.l;
    int nation = est_nation(t);
    html_raw(b, "<ul class=\"bref\">\n");
    if (l->has_ifn) {
        html_raw(b, "<li>Indice de fragilité numérique : <strong>");
        page_dec1(b, l->ifn_total);
        html_raw(b, " sur 10</strong>");
        if (!nation && f->has_ifn) {
            html_raw(b, ", ");
            comparer(b, l->ifn_total, f->ifn_total, 0.25);
            html_raw(b, " la moyenne de la France (");
            page_dec1(b, f->ifn_total);
            html_raw(b, ")");
        }
        html_raw(b, ".</li>\n");
    } else {
        html_raw(b, "<li>L'indice de fragilité numérique n'est pas connu pour ce territoire.</li>\n");
    }
    html_raw(b, "<li><strong>");
    page_count(b, l->tous.lieux, "lieu", "lieux");
    html_raw(b, "</strong> d'aide au numérique");
    double r = taux10k(l);
    if (r >= 0) {
        html_raw(b, ", soit ");
        page_rate_txt(b, r, l->tous.lieux);
        html_raw(b, " pour 10" NBSP "000 habitants");
        if (!nation && taux10k(f) >= 0) {
            html_raw(b, " (France : ");
            page_rate_txt(b, taux10k(f), f->tous.lieux);
            html_raw(b, ")");
        }
    }
    html_raw(b, ".</li>\n");
    if (l->tous.present && !isnan(l->tous.km)) {
        if (strcmp(t->niveau, "commune") == 0) {
            html_raw(b, "<li>Le lieu le plus proche est à <strong>");
            page_km(b, l->tous.km);
            html_raw(b, "</strong> du centre de la commune.</li>\n");
        } else {
            html_raw(b, "<li><strong>");
            page_count(b, l->tous.pop_10, "habitant", "habitants");
            html_raw(b, "</strong> (");
            pct_ou(b, part(l->tous.pop_10, l->population));
            html_raw(b, ") vivent à plus de 10" NBSP "km du lieu le plus proche.</li>\n");
        }
    }
    if (strcmp(t->niveau, "commune") == 0) {
        html_raw(b, l->prioritaires ? "<li><strong>Commune prioritaire</strong> : "
                                    : "<li>Commune non prioritaire (une commune l'est quand ");
        html_raw(b, l->prioritaires ? "la fragilité y est forte (indice de 7 ou plus) et l'aide "
                                      "loin (10" NBSP "km ou plus).</li>\n</ul>\n"
                                    : "son indice est de 7 ou plus et l'aide à 10" NBSP
                                      "km ou plus).</li>\n</ul>\n");
        return;
    }
    html_raw(b, "<li><strong>");
    page_count(b, l->prioritaires, "commune prioritaire", "communes prioritaires");
    html_raw(b, "</strong> : la fragilité y est forte (indice de 7 ou plus) et l'aide loin "
                "(10" NBSP "km ou plus).</li>\n</ul>\n");
}

/* ---- maps ---- */

static int classe_ifn(double v)
{
    return isnan(v) ? 0 : v < 4 ? 1 : v < 5 ? 2 : v < 6 ? 3 : v < 7 ? 4 : 5;
}

static int classe_km(double v)
{
    return isnan(v) ? 0 : v < 2 ? 1 : v < 5 ? 2 : v < 10 ? 3 : v < 20 ? 4 : 5;
}

static const char *const css_ifn[6] = {"f0", "f1", "f2", "f3", "f4", "f5"};
static const char *const css_km[6] = {"d0", "d1", "d2", "d3", "d4", "d5"};

static const char *const lab_ifn[6] = {"non disponible", "moins de 4", "de 4 à 5", "de 5 à 6",
                                       "de 6 à 7", "7 ou plus (fragilité forte)"};
static const char *const lab_km[6] = {"non disponible", "moins de 2 km", "de 2 à 5 km",
                                      "de 5 à 10 km", "de 10 à 20 km", "20 km ou plus"};

static void legende(struct buf *b, enum tableau_carte c, const struct page_classes *cls)
{
    if (c == CARTE_IFN) {
        svgmap_legend_html(b, lab_ifn, css_ifn, 6, "Indice de fragilité numérique (sur 10)");
    } else if (c == CARTE_DISTANCE) {
        svgmap_legend_html(b, lab_km, css_km, 6, "Distance moyenne au lieu le plus proche");
    } else {
        page_classes_legend(b, cls, "Lieux pour 10 000 habitants");
    }
}

static void titre_forme(struct buf *s, const struct indic_ligne *l, enum tableau_carte c)
{
    buf_reset(s);
    buf_puts(s, l->nom);
    buf_puts(s, " : ");
    if (c == CARTE_IFN) {
        if (l->has_ifn) {
            page_dec1(s, l->ifn_total);
            buf_puts(s, " sur 10");
        } else {
            buf_puts(s, "indice non disponible");
        }
    } else if (c == CARTE_DISTANCE) {
        if (isnan(l->tous.km)) {
            buf_puts(s, "distance non disponible");
        } else {
            buf_puts(s, strcmp(l->niveau, "commune") == 0 ? "lieu à " : "en moyenne ");
            page_km(s, l->tous.km);
        }
    } else if (taux10k(l) >= 0) {
        page_rate_txt(s, taux10k(l), l->tous.lieux);
        buf_puts(s, " pour 10" NBSP "000 hab.");
    } else {
        page_count(s, l->tous.lieux, "lieu", "lieux");
    }
}

static void classes_densite(const struct indic_liste *v, struct page_classes *cls)
{
    double *r = malloc((v->n ? v->n : 1) * sizeof *r);
    long *n = malloc((v->n ? v->n : 1) * sizeof *n);
    if (r && n) {
        for (size_t i = 0; i < v->n; i++) {
            r[i] = taux10k(&v->v[i]);
            n[i] = v->v[i].tous.lieux;
        }
        page_classes_make(cls, r, n, v->n);
    } else {
        memset(cls, 0, sizeof *cls);
    }
    free(r);
    free(n);
}

static const char *css_de(const struct indic_ligne *l, enum tableau_carte c,
                          const struct page_classes *cls)
{
    if (c == CARTE_IFN)
        return css_ifn[classe_ifn(l->ifn_total)];
    if (c == CARTE_DISTANCE)
        return css_km[classe_km(l->tous.km)];
    return page_class_css(page_class_of(cls, taux10k(l), l->tous.lieux));
}

static const char *carte_titre(enum tableau_carte c)
{
    return c == CARTE_IFN ? "indice de fragilité numérique"
           : c == CARTE_DENSITE ? "lieux pour 10 000 habitants"
                                : "distance moyenne au lieu le plus proche";
}

/* Above this many shapes, the light page groups the shapes of each class
 * of the legend into one (the choropleth looks the same; the figures of
 * each territory stay in the table and the CSV file). */
#define GROUPER_MIN 110

/* Append the polygons of GeoJSON text `geo` to the array `polys`. */
static void ajouter_polygones(json_t *polys, const char *geo)
{
    json_t *g = json_loads(geo, 0, NULL);
    const char *type = json_string_value(json_object_get(g, "type"));
    json_t *c = json_object_get(g, "coordinates");
    if (type && json_is_array(c)) {
        if (strcmp(type, "Polygon") == 0) {
            json_array_append(polys, c);
        } else if (strcmp(type, "MultiPolygon") == 0) {
            size_t i;
            json_t *p;
            json_array_foreach(c, i, p)
                json_array_append(polys, p);
        }
    }
    json_decref(g);
}


/* Draw the map of the children (cached per data version). */
static void carte(struct buf *b, const struct request *rq, const struct tableau *t,
                  enum tableau_carte c, int largeur, size_t octets, int leger)
{
    int grouper = leger && t->enfants.n > GROUPER_MIN;
    char cle[96];
    snprintf(cle, sizeof cle, "tableau/%s/%s/%s/%d/%zu%s", t->niveau, t->code,
             tableau_carte_nom(c), largeur, octets, grouper ? "/g" : "");
    size_t len = 0;
    char *cached = cache_get(rq->db, cle, &len);
    if (cached) {
        buf_add(b, cached, len);
        free(cached);
        return;
    }
    struct page_classes cls;
    classes_densite(&t->enfants, &cls);
    struct buf titre = BUF_INIT, href = BUF_INIT, s = BUF_INIT;
    buf_puts(&titre, "Carte des ");
    buf_puts(&titre, niveau_pluriel(t->enfant_niveau));
    buf_puts(&titre, strcmp(t->niveau, "commune") == 0 ? " voisines (même intercommunalité)"
                                                       : " de : ");
    if (strcmp(t->niveau, "commune") != 0)
        buf_puts(&titre, est_nation(t) ? "France" : t->t.l.nom);
    buf_puts(&titre, " — ");
    buf_puts(&titre, carte_titre(c));
    char id[24];
    snprintf(id, sizeof id, "carte-%s", tableau_carte_nom(c));
    struct svgmap *m = titre.oom ? NULL : svgmap_new(largeur, titre.s, grouper
        ? "Chaque couleur regroupe les territoires d'une même classe de la légende ; les chiffres "
          "de chacun sont dans le tableau sous la carte et dans le fichier CSV." : NULL);
    json_t *groupes[6] = {NULL};
    long nb[6] = {0};
    if (!m) {
        b->oom = 1;
        goto out;
    }
    svgmap_set_id(m, id);
    svgmap_set_max_bytes(m, octets);
    if (est_nation(t))
        svgmap_set_overseas_insets(m, 1);
    int n = 0;
    for (size_t i = 0; i < t->enfants.n; i++) {
        const struct indic_ligne *l = &t->enfants.v[i];
        if (strcmp(l->zone, "com") == 0)
            continue;
        char *geo = indic_contour(rq->db, l->niveau, l->code);
        if (!geo)
            continue;
        const char *cl = css_de(l, c, &cls);
        int actif = strcmp(l->code, t->code) == 0;
        int k = cl[1] - '0';
        if (grouper && !actif && k >= 0 && k < 6) {
            if (!groupes[k])
                groupes[k] = json_array();
            ajouter_polygones(groupes[k], geo);
            nb[k]++;
            free(geo);
            continue;
        }
        titre_forme(&s, l, c);
        buf_reset(&href);
        tableau_href(&href, l->niveau, l->code);
        char css[24];
        snprintf(css, sizeof css, "%s%s", cl, actif ? " actif" : "");
        if (!s.oom && !href.oom &&
            svgmap_add_shape(m, geo, css, s.s, grouper ? NULL : href.s, NULL) == 0)
            n++;
        free(geo);
    }
    for (int k = 0; k < 6; k++) {
        if (!groupes[k] || json_array_size(groupes[k]) == 0)
            continue;
        json_t *g = json_pack("{s:s, s:O}", "type", "MultiPolygon", "coordinates", groupes[k]);
        buf_reset(&s);
        if (c == CARTE_DENSITE) {
            buf_printf(&s, "Classe %d de la légende", k);
        } else {
            buf_puts(&s, c == CARTE_IFN ? "Indice " : "Distance ");
            buf_puts(&s, c == CARTE_IFN ? lab_ifn[k] : lab_km[k]);
        }
        buf_puts(&s, " : ");
        page_count(&s, nb[k], "territoire", "territoires");
        char css[8];
        snprintf(css, sizeof css, "%c%d", c == CARTE_IFN ? 'f' : c == CARTE_DISTANCE ? 'd' : 'c', k);
        if (g && !s.oom && svgmap_add_shape_json(m, g, css, s.s, NULL, NULL) == 0)
            n++;
        json_decref(g);
    }
    size_t start = b->len;
    if (n == 0) {
        html_raw(b, "<p>Pas de carte : les contours de ces territoires ne sont pas chargés.</p>\n");
    } else {
        html_raw(b, "<div class=\"carte\">\n");
        if (svgmap_render(m, b) < 0)
            b->oom = 1;
        html_raw(b, "</div>\n");
        legende(b, c, &cls);
        if (strcmp(t->niveau, "commune") == 0)
            html_raw(b, "<p class=\"aide\">La commune est entourée d'un trait épais.</p>\n");
    }
    if (!b->oom)
        cache_put(rq->db, cle, b->s + start, b->len - start);
out:
    for (int k = 0; k < 6; k++)
        json_decref(groupes[k]);
    svgmap_free(m);
    buf_free(&titre);
    buf_free(&href);
    buf_free(&s);
}

/* The figures of the map's territories as a table (the map's text alternative). */
static void table_enfants(struct buf *b, const struct tableau *t, int imp, const char *csv)
{
    size_t max = imp == MODE_RAPPORT ? t->enfants.n : imp == MODE_LEGER ? TABLE_LEGER : TABLE_MAX;
    if (imp != MODE_RAPPORT)
        html_raw(b, "<details class=\"tableau\">\n<summary>Voir les chiffres de la carte sous "
                    "forme de tableau</summary>\n");
    html_raw(b, "<div class=\"defile\"><table>\n<caption>");
    html_txt(b, strcmp(t->enfant_niveau, "commune") == 0 ? "Communes" : niveau_pluriel(t->enfant_niveau));
    html_raw(b, " : fragilité, lieux et distance</caption>\n<thead><tr><th scope=\"col\">Nom</th>"
                "<th scope=\"col\">Indice (sur 10)</th><th scope=\"col\">Lieux pour 10" NBSP
                "000 hab.</th><th scope=\"col\">Distance moyenne</th>");
    if (imp == MODE_RAPPORT)
        html_raw(b, "<th scope=\"col\">Habitants</th><th scope=\"col\">Communes prioritaires</th>");
    html_raw(b, "</tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < t->enfants.n && i < max; i++) {
        const struct indic_ligne *l = &t->enfants.v[i];
        html_raw(b, "<tr><th scope=\"row\"><a href=\"");
        tableau_href(b, l->niveau, l->code);
        html_raw(b, "\">");
        html_txt(b, l->nom);
        html_raw(b, "</a></th><td>");
        dec1_ou(b, l->ifn_total);
        html_raw(b, "</td><td>");
        page_rate_txt(b, taux10k(l), l->tous.lieux);
        html_raw(b, "</td><td>");
        km_ou(b, l->tous.km);
        if (imp == MODE_RAPPORT) {
            html_raw(b, "</td><td>");
            page_int(b, l->population);
            html_raw(b, "</td><td>");
            page_int(b, l->prioritaires);
        }
        html_raw(b, "</td></tr>\n");
    }
    html_raw(b, "</tbody>\n</table></div>\n");
    if (t->enfants.n > max) {
        html_raw(b, "<p>Tableau limité aux ");
        page_int(b, (long)max);
        html_raw(b, " premières lignes sur ");
        page_int(b, (long)t->enfants.n);
        html_raw(b, " : toutes sont dans le fichier CSV.</p>\n");
    }
    if (imp != MODE_RAPPORT)
        html_raw(b, "</details>\n");
    html_raw(b, "<p><a href=\"");
    html_raw(b, csv);
    html_raw(b, "carte.csv\">Télécharger les chiffres de la carte (CSV)</a></p>\n");
}

/* The links to figures' files, prefixed by the dashboard's address. */
static void prefixe(struct buf *p, const struct tableau *t)
{
    tableau_href(p, t->niveau, t->code);
    html_raw(p, "/");
}

static void s_carte(struct buf *b, const struct request *rq, const struct tableau *t,
                    enum tableau_carte c, int imp)
{
    struct buf pre = BUF_INIT;
    prefixe(&pre, t);
    const char *csv = pre.s ? pre.s : "";
    if (imp != MODE_RAPPORT) {
        html_raw(b, "<nav aria-label=\"Choisir la carte\"><ul class=\"onglets\">\n");
        for (int k = 0; k < CARTE__N; k++) {
            static const char *const noms[] = {"Fragilité numérique", "Lieux pour 10 000 habitants",
                                               "Distance à l'aide"};
            html_raw(b, "<li><a href=\"?carte=");
            html_raw(b, tableau_carte_nom((enum tableau_carte)k));
            html_raw(b, (int)c == k ? "#carte\" aria-current=\"true\">" : "#carte\">");
            html_txt(b, noms[k]);
            html_raw(b, "</a></li>\n");
        }
        html_raw(b, "</ul></nav>\n");
        carte(b, rq, t, c, 600, imp == MODE_LEGER ? 8000 : est_nation(t) ? 15000 : 12000,
              imp == MODE_LEGER);
    } else {
        for (int k = 0; k < CARTE__N; k++) {
            html_raw(b, "<h3>");
            html_txt(b, carte_titre((enum tableau_carte)k));
            html_raw(b, "</h3>\n");
            carte(b, rq, t, (enum tableau_carte)k, 500, 12000, 0);
        }
    }
    table_enfants(b, t, imp, csv);
    if (imp != MODE_RAPPORT && (strcmp(t->niveau, "departement") == 0 || strcmp(t->niveau, "region") == 0)) {
        html_raw(b, "<p><a href=\"");
        html_raw(b, csv);
        html_raw(b, "carte-communes-");
        html_raw(b, tableau_carte_nom(c));
        html_raw(b, ".svg\">Carte détaillée par commune (image SVG de ");
        page_int(b, t->t.l.communes);
        html_raw(b, " communes, à agrandir)</a></p>\n");
    }
    buf_free(&pre);
}

/* ---- fragility ---- */

static void s_fragilite(struct buf *b, const struct request *rq, const struct tableau *t, int imp)
{
    (void)rq;
    const struct indic_ligne *l = &t->t.l, *f = &t->france.l;
    struct buf pre = BUF_INIT;
    prefixe(&pre, t);
    if (!l->has_ifn) {
        html_raw(b, "<p>L'indice de fragilité numérique n'est pas connu ici : importez le fichier "
                    "publié par La Mednum (commande <code>passerelle ifn import</code>).</p>\n");
        buf_free(&pre);
        return;
    }
    html_raw(b, "<p>L'indice est la moyenne de cinq sous-indices notés de 1 à 10 ; plus la note "
                "est haute, plus les habitants risquent d'être éloignés du numérique.</p>\n");
    struct svgchart_barre bars[IFN__AXES + 1];
    struct buf txt[IFN__AXES + 1][2];
    memset(txt, 0, sizeof txt);
    int nation = est_nation(t);
    for (int a = 0; a <= IFN__AXES; a++) {
        double v = a < IFN__AXES ? l->ifn[a] : l->ifn_total;
        double r = a < IFN__AXES ? f->ifn[a] : f->ifn_total;
        if (!isnan(v))
            page_dec1(&txt[a][0], v);
        if (!isnan(r))
            page_dec1(&txt[a][1], r);
        bars[a] = (struct svgchart_barre){a < IFN__AXES ? ifn_axe((enum ifn_axe)a)->libelle
                                                        : "Indice (moyenne)",
                                          v, txt[a][0].s ? txt[a][0].s : "",
                                          nation ? NAN : r, txt[a][1].s ? txt[a][1].s : ""};
    }
    struct buf titre = BUF_INIT;
    buf_puts(&titre, "Sous-indices de fragilité numérique : ");
    buf_puts(&titre, l->nom);
    if (!nation)
        buf_puts(&titre, " (barres) et France (traits)");
    html_raw(b, "<figure class=\"graphe\">\n");
    svgchart_barres(b, "g-sous-indices", titre.s ? titre.s : "", bars, IFN__AXES + 1, 10,
                    nation ? NULL : "France");
    html_raw(b, "</figure>\n");
    /* the charts' descriptions give every value: the light page leaves the tables out */
    int tables = imp != MODE_LEGER;
    struct buf jet = BUF_INIT, *tb = tables ? b : &jet;
    if (imp != MODE_RAPPORT)
        html_raw(tb, "<details class=\"tableau\"><summary>Voir les sous-indices sous forme de "
                    "tableau</summary>\n");
    html_raw(tb, "<div class=\"defile\"><table>\n<caption>Sous-indices (sur 10)</caption>\n"
                "<thead><tr><th scope=\"col\">Sous-indice</th><th scope=\"col\">Ce qu'il "
                "mesure</th><th scope=\"col\">");
    html_txt(tb, l->nom);
    html_raw(tb, "</th>");
    if (!nation)
        html_raw(tb, "<th scope=\"col\">France</th>");
    html_raw(tb, "</tr></thead>\n<tbody>\n");
    for (int a = 0; a < IFN__AXES; a++) {
        html_raw(tb, "<tr><th scope=\"row\">");
        html_txt(tb, ifn_axe((enum ifn_axe)a)->libelle);
        html_raw(tb, "</th><td>");
        html_txt(tb, ifn_axe((enum ifn_axe)a)->phrase);
        html_raw(tb, "</td><td>");
        dec1_ou(tb, l->ifn[a]);
        if (!nation) {
            html_raw(tb, "</td><td>");
            dec1_ou(tb, f->ifn[a]);
        }
        html_raw(tb, "</td></tr>\n");
    }
    html_raw(tb, "</tbody>\n</table></div>\n");
    if (imp != MODE_RAPPORT)
        html_raw(tb, "</details>\n");
    for (int a = 0; a <= IFN__AXES; a++) {
        buf_free(&txt[a][0]);
        buf_free(&txt[a][1]);
    }
    /* histogram of the communes */
    if (l->communes > 1) {
        static const char *const lab[9] = {"1 à 2", "2 à 3", "3 à 4", "4 à 5", "5 à 6",
                                           "6 à 7", "7 à 8", "8 à 9", "9 à 10"};
        double v[9];
        struct buf tx[9];
        const char *tp[9];
        memset(tx, 0, sizeof tx);
        for (int k = 0; k < 9; k++) {
            v[k] = (double)t->hifn_c[k];
            page_int(&tx[k], t->hifn_c[k]);
            tp[k] = tx[k].s ? tx[k].s : "0";
        }
        buf_reset(&titre);
        buf_puts(&titre, "Nombre de communes selon leur indice de fragilité numérique");
        html_raw(b, "<figure class=\"graphe\">\n");
        svgchart_histo(b, "g-histo-ifn", titre.s ? titre.s : "", lab, v, tp, 9, "Communes");
        html_raw(b, "<figcaption>Communes selon leur indice (de 1 à 10)");
        if (t->hifn_c[9] > 0) {
            html_raw(b, " ; ");
            page_count(b, t->hifn_c[9], "commune sans indice", "communes sans indice");
        }
        html_raw(b, ".</figcaption>\n</figure>\n");
        if (imp != MODE_RAPPORT)
            html_raw(tb, "<details class=\"tableau\"><summary>Voir ces nombres sous forme de "
                        "tableau</summary>\n");
        html_raw(tb, "<div class=\"defile\"><table>\n<caption>Communes et habitants par classe "
                    "d'indice</caption>\n<thead><tr><th scope=\"col\">Indice</th><th scope=\"col\">"
                    "Communes</th><th scope=\"col\">Habitants</th></tr></thead>\n<tbody>\n");
        for (int k = 0; k < 10; k++) {
            html_raw(tb, "<tr><th scope=\"row\">");
            html_txt(tb, k < 9 ? lab[k] : "sans indice");
            html_raw(tb, "</th><td>");
            page_int(tb, t->hifn_c[k]);
            html_raw(tb, "</td><td>");
            page_int(tb, t->hifn_p[k]);
            html_raw(tb, "</td></tr>\n");
        }
        html_raw(tb, "</tbody>\n</table></div>\n");
        if (imp != MODE_RAPPORT)
            html_raw(tb, "</details>\n");
        for (int k = 0; k < 9; k++)
            buf_free(&tx[k]);
    }
    html_raw(b, "<p><a href=\"");
    html_raw(b, pre.s ? pre.s : "");
    html_raw(b, "fragilite.csv\">Sous-indices (CSV)</a> · <a href=\"");
    html_raw(b, pre.s ? pre.s : "");
    html_raw(b, "histogramme-ifn.csv\">Communes par classe d'indice (CSV)</a></p>\n");
    buf_free(&jet);
    buf_free(&titre);
    buf_free(&pre);
}

/* ---- access to help ---- */

static void s_acces(struct buf *b, const struct request *rq, const struct tableau *t, int imp)
{
    (void)rq;
    const struct indic_territoire *x = &t->t;
    int commune = strcmp(t->niveau, "commune") == 0;
    struct buf pre = BUF_INIT;
    prefixe(&pre, t);
    if (!commune) {
        static const char *const lab[5] = {"moins de 2 km", "2 à 5 km", "5 à 10 km",
                                           "10 à 20 km", "20 km ou plus"};
        double v[5];
        struct buf tx[5];
        const char *tp[5];
        memset(tx, 0, sizeof tx);
        for (int k = 0; k < 5; k++) {
            v[k] = (double)t->hkm_p[k];
            pct_ou(&tx[k], part(t->hkm_p[k], x->l.population));
            tp[k] = tx[k].s ? tx[k].s : "";
        }
        html_raw(b, "<figure class=\"graphe\">\n");
        svgchart_histo(b, "g-histo-km", "Part des habitants selon la distance au lieu le plus "
                                        "proche", lab, v, tp, 5, "Habitants");
        html_raw(b, "<figcaption>Part des habitants selon la distance, à vol d'oiseau, entre le "
                    "centre de leur commune et le lieu le plus proche");
        if (t->hkm_p[5] > 0) {
            html_raw(b, " (");
            page_count(b, t->hkm_p[5], "habitant", "habitants");
            html_raw(b, " dans des communes sans coordonnées ne sont pas comptés)");
        }
        html_raw(b, ".</figcaption>\n</figure>\n");
        for (int k = 0; k < 5; k++)
            buf_free(&tx[k]);
    }
    html_raw(b, "<div class=\"defile\"><table>\n<caption>Lieux et distance par service et par "
                "programme national</caption>\n<thead><tr><th scope=\"col\">Aide</th>"
                "<th scope=\"col\">Lieux ici</th><th scope=\"col\">");
    html_raw(b, commune ? "Lieu le plus proche</th><th scope=\"col\">Distance</th>"
                        : "Distance moyenne</th><th scope=\"col\">Habitants à plus de 10" NBSP
                          "km</th>");
    html_raw(b, "</tr></thead>\n<tbody>\n");
    for (int k = 0; k < INDIC_NCAT; k++) {
        const struct indic_couv *c = &x->couv[k];
        if (!c->present)
            continue;
        html_raw(b, "<tr><th scope=\"row\">");
        html_txt(b, indic_categorie(k)->libelle);
        html_raw(b, "</th><td>");
        page_int(b, c->lieux);
        html_raw(b, "</td><td>");
        if (commune) {
            if (c->lieu) {
                html_rawf(b, "<a href=\"/lieu/%lld\">voir le lieu</a>", c->lieu);
            } else {
                html_raw(b, "non disponible");
            }
            html_raw(b, "</td><td>");
            km_ou(b, c->km);
        } else {
            km_ou(b, c->km);
            html_raw(b, "</td><td>");
            pct_ou(b, part(c->pop_10, x->l.population));
        }
        html_raw(b, "</td></tr>\n");
    }
    html_raw(b, "</tbody>\n</table></div>\n<p><a href=\"");
    html_raw(b, pre.s ? pre.s : "");
    html_raw(b, "acces.csv\">Lieux et distances par aide (CSV)</a>");
    if (!commune) {
        html_raw(b, " · <a href=\"");
        html_raw(b, pre.s ? pre.s : "");
        html_raw(b, "histogramme-distance.csv\">Habitants par distance (CSV)</a>");
    }
    html_raw(b, "</p>\n");
    (void)imp;
    buf_free(&pre);
}

/* ---- priority communes ---- */

static void s_prioritaires(struct buf *b, const struct request *rq, const struct tableau *t,
                           int imp)
{
    (void)rq;
    struct buf pre = BUF_INIT;
    prefixe(&pre, t);
    html_raw(b, "<p>Une commune est prioritaire quand son indice de fragilité numérique est de "
                "7 ou plus et que le lieu d'aide le plus proche est à 10" NBSP "km ou plus de "
                "son centre. Elles sont classées par indice multiplié par la distance : en "
                "premier, les plus fragiles et les plus loin de l'aide.</p>\n");
    if (t->prio_total == 0) {
        html_raw(b, "<p>Aucune commune prioritaire ici.</p>\n");
        buf_free(&pre);
        return;
    }
    int lim = imp == MODE_RAPPORT ? TABLEAU_PRIO_RAPPORT : imp == MODE_LEGER ? PRIO_LEGER
                                                                         : TABLEAU_PRIO_PAGE;
    int n = t->nprio < lim ? t->nprio : lim;
    html_raw(b, "<div class=\"defile\"><table>\n<caption>");
    page_count(b, t->prio_total, "commune prioritaire", "communes prioritaires");
    if (t->prio_total > n) {
        html_raw(b, " (les ");
        page_int(b, n);
        html_raw(b, " premières)");
    }
    html_raw(b, "</caption>\n<thead><tr><th scope=\"col\">Commune</th><th scope=\"col\">"
                "Habitants</th><th scope=\"col\">Indice (sur 10)</th><th scope=\"col\">Distance "
                "au lieu le plus proche</th><th scope=\"col\">Lieu le plus proche</th></tr>"
                "</thead>\n<tbody>\n");
    for (int i = 0; i < n; i++) {
        const struct indic_prio *p = &t->prio[i];
        html_raw(b, "<tr><th scope=\"row\"><a href=\"");
        tableau_href(b, "commune", p->code);
        html_raw(b, "\">");
        html_txt(b, p->nom);
        html_raw(b, "</a></th><td>");
        page_int(b, p->population);
        html_raw(b, "</td><td>");
        page_dec1(b, p->ifn);
        html_raw(b, "</td><td>");
        page_km(b, p->km);
        html_raw(b, "</td><td>");
        if (p->lieu) {
            html_rawf(b, "<a href=\"/lieu/%lld\">", p->lieu);
            html_txt(b, p->lieu_nom);
            html_raw(b, "</a>");
            if (p->lieu_commune[0]) {
                html_raw(b, " (");
                html_txt(b, p->lieu_commune);
                html_raw(b, ")");
            }
        }
        html_raw(b, "</td></tr>\n");
    }
    html_raw(b, "</tbody>\n</table></div>\n<p><a href=\"");
    html_raw(b, pre.s ? pre.s : "");
    html_raw(b, "prioritaires.csv\">Toutes les communes prioritaires (CSV)</a></p>\n");
    buf_free(&pre);
}

/* ---- similar territories ---- */

static void s_comparables(struct buf *b, const struct request *rq, const struct tableau *t,
                          int imp)
{
    (void)rq;
    (void)imp;
    if (t->comparables.n == 0) {
        html_raw(b, "<p>Pas de territoire comparable à ce niveau.</p>\n");
        return;
    }
    struct buf pre = BUF_INIT;
    prefixe(&pre, t);
    html_raw(b, "<div class=\"defile\"><table>\n<caption>Territoires comparables, du plus proche "
                "au moins proche</caption>\n<thead><tr><th scope=\"col\">Territoire</th>"
                "<th scope=\"col\">Habitants</th><th scope=\"col\">Part rurale</th>"
                "<th scope=\"col\">Indice (sur 10)</th><th scope=\"col\">Pour 10" NBSP
                "000 hab.</th><th scope=\"col\">Distance moyenne</th></tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < t->comparables.n; i++) {
        const struct indic_ligne *l = &t->comparables.v[i];
        html_raw(b, "<tr><th scope=\"row\"><a href=\"");
        tableau_href(b, l->niveau, l->code);
        html_raw(b, "\">");
        html_txt(b, l->nom);
        html_raw(b, "</a></th><td>");
        page_int(b, l->population);
        html_raw(b, "</td><td>");
        pct_ou(b, isnan(l->part_rurale) ? NAN : 100 * l->part_rurale);
        html_raw(b, "</td><td>");
        dec1_ou(b, l->ifn_total);
        html_raw(b, "</td><td>");
        page_rate_txt(b, taux10k(l), l->tous.lieux);
        html_raw(b, "</td><td>");
        km_ou(b, l->tous.km);
        html_raw(b, "</td></tr>\n");
    }
    html_raw(b, "</tbody>\n</table></div>\n<p class=\"aide\">Part rurale : part des habitants qui "
                "vivent dans une commune de moins de 2" NBSP "000 habitants.</p>\n<p><a href=\"");
    html_raw(b, pre.s ? pre.s : "");
    html_raw(b, "comparables.csv\">Territoires comparables (CSV)</a></p>\n");
    buf_free(&pre);
}

/* ---- the list of sections ---- */

struct section {
    const char *id;
    const char *titre;
    void (*rendre)(struct buf *b, const struct request *rq, const struct tableau *t, int imp);
};

/* The dashboard's sections, in order. The map (id "carte") is drawn
 * apart: the page shows one map chosen by the visitor. */
static const struct section sections[] = {
    {"en-bref", "En bref", s_bref},
    {"chiffres", "Chiffres clés", s_chiffres},
    {"carte", "Carte", NULL},
    {"fragilite", "Fragilité numérique", s_fragilite},
    {"acces", "Accès à l'aide", s_acces},
    {"activite", "Activité et compétences", tableau_activite_section},
    {"prioritaires", "Communes prioritaires", s_prioritaires},
    {"comparables", "Territoires comparables", s_comparables},
};
#define NSECTIONS (sizeof sections / sizeof *sections)

static void entete(struct buf *b, const struct tableau *t, int imp)
{
    /* the dashboards' own rules, kept out of the stylesheet every page loads */
    html_raw(b, "<link rel=\"stylesheet\" href=\"/static/tableau.css\">\n"
                "<nav class=\"ariane\" aria-label=\"Fil d'Ariane\">\n<ol>\n");
    if (!est_nation(t))
        html_raw(b, "<li><a href=\"/tableau\">France</a></li>\n");
    for (int i = 0; i < t->ncrumbs; i++) {
        const char *slash = strchr(t->crumbs[i][0], '/');
        char nv[16];
        snprintf(nv, sizeof nv, "%.*s", (int)(slash ? slash - t->crumbs[i][0] : 0), t->crumbs[i][0]);
        html_raw(b, "<li><a href=\"");
        tableau_href(b, nv, slash ? slash + 1 : "");
        html_raw(b, "\">");
        html_txt(b, t->crumbs[i][1]);
        html_raw(b, "</a></li>\n");
    }
    html_raw(b, "<li aria-current=\"page\">");
    html_txt(b, est_nation(t) ? "France" : t->t.l.nom);
    html_raw(b, "</li>\n</ol>\n</nav>\n<h1>");
    html_raw(b, imp ? "Diagnostic territorial du numérique : " : "Diagnostic numérique : ");
    html_txt(b, est_nation(t) ? "France" : t->t.l.nom);
    if (!est_nation(t)) {
        html_raw(b, " <span class=\"niveau\">— ");
        html_txt(b, strcmp(t->niveau, "epci") == 0 ? page_epci_type(t->epci_type)
                                                   : niveau_label(t->niveau));
        if (strcmp(t->niveau, "epci") != 0) {
            html_raw(b, " (");
            html_txt(b, t->code);
            html_raw(b, ")");
        }
        html_raw(b, "</span>");
    }
    html_raw(b, "</h1>\n<p class=\"aide\">Chiffres calculés le ");
    char day[16];
    snprintf(day, sizeof day, "%.10s", t->calcule_le);
    page_date(b, day);
    html_raw(b, ". Indice de fragilité numérique : ");
    if (t->variante[0]) {
        html_raw(b, "variante « ");
        html_txt(b, t->variante);
        html_raw(b, strcmp(t->variante, "publie") == 0 ? " » (publiée par La Mednum)" : " »");
    } else {
        html_raw(b, "non importé");
    }
    html_raw(b, ". Lieux : registre de Passerelle. Habitants : code officiel géographique.");
    if (!est_nation(t) && !imp) {
        html_raw(b, " <a href=\"/territoire/");
        html_url_arg(b, t->niveau);
        html_raw(b, "/");
        html_url_arg(b, t->code);
        html_raw(b, "\">Voir les lieux de ce territoire</a>.");
    }
    html_raw(b, "</p>\n");
    if (t->stale)
        html_raw(b, "<p class=\"avertissement\" role=\"note\">Les lieux, les territoires ou "
                    "l'indice ont changé depuis ce calcul : ces chiffres seront à jour après la "
                    "commande <code>passerelle indicateurs recalculer</code>.</p>\n");
}

static void section_debut(struct buf *b, const struct section *s)
{
    html_raw(b, "<section aria-labelledby=\"t-");
    html_raw(b, s->id);
    html_raw(b, "\" id=\"");
    html_raw(b, s->id);
    html_raw(b, "\">\n<h2 id=\"t-");
    html_raw(b, s->id);
    html_raw(b, "\">");
    html_txt(b, s->titre);
    html_raw(b, "</h2>\n");
}

static void page_mode(struct buf *b, const struct request *rq, const struct tableau *t,
                      enum tableau_carte carte_vue, int mode)
{
    entete(b, t, 0);
    html_raw(b, "<nav class=\"sommaire\" aria-label=\"Sommaire du diagnostic\"><ul>\n");
    for (size_t i = 0; i < NSECTIONS; i++) {
        html_raw(b, "<li><a href=\"#");
        html_raw(b, sections[i].id);
        html_raw(b, "\">");
        html_txt(b, sections[i].titre);
        html_raw(b, "</a></li>\n");
    }
    html_raw(b, "<li><a href=\"#telecharger\">Télécharger, imprimer</a></li>\n</ul></nav>\n");
    for (size_t i = 0; i < NSECTIONS; i++) {
        section_debut(b, &sections[i]);
        if (sections[i].rendre)
            sections[i].rendre(b, rq, t, mode);
        else
            s_carte(b, rq, t, carte_vue, mode);
        html_raw(b, "</section>\n");
    }
    struct buf pre = BUF_INIT;
    prefixe(&pre, t);
    const char *p = pre.s ? pre.s : "";
    html_raw(b, "<section aria-labelledby=\"t-telecharger\" id=\"telecharger\">\n"
                "<h2 id=\"t-telecharger\">Télécharger, imprimer</h2>\n<ul class=\"fichiers\">\n"
                "<li><a href=\"");
    html_raw(b, p);
    html_raw(b, "rapport\">Rapport de diagnostic à imprimer</a> (page à imprimer, avec les trois "
                "cartes et les chiffres pour préparer une feuille de route)</li>\n<li><a href=\"");
    html_raw(b, p);
    html_raw(b, "rapport.pdf\">Le même rapport en PDF</a></li>\n<li><a href=\"");
    html_raw(b, p);
    html_raw(b, "chiffres-cles.csv\">Chiffres clés (CSV)</a></li>\n<li><a href=\"/api/v1/indicateurs/");
    html_url_arg(b, t->niveau);
    html_raw(b, "/");
    html_url_arg(b, t->code);
    html_raw(b, "\">Tous les chiffres de ce territoire (JSON, API)</a></li>\n<li><a href=\""
                "/api/v1/indicateurs?niveau=");
    html_url_arg(b, t->enfant_niveau);
    if (!est_nation(t)) {
        html_raw(b, "&amp;dans=");
        html_url_arg(b, t->niveau);
        html_raw(b, ":");
        html_url_arg(b, t->code);
    }
    html_raw(b, "&amp;format=csv\">Données ouvertes des ");
    html_txt(b, niveau_pluriel(t->enfant_niveau));
    html_raw(b, " (CSV)</a></li>\n</ul>\n</section>\n");
    buf_free(&pre);
}

void tableau_page(struct buf *b, const struct request *rq, const struct tableau *t,
                  enum tableau_carte carte_vue)
{
    size_t start = b->len;
    page_mode(b, rq, t, carte_vue, MODE_PAGE);
    if (b->len - start > PAGE_CORPS_MAX && !b->oom) {
        b->len = start;
        b->s[start] = 0;
        page_mode(b, rq, t, carte_vue, MODE_LEGER);
    }
}

/* ---- the report ---- */

static void r_feuille(struct buf *b, const struct tableau *t)
{
    const struct indic_territoire *x = &t->t;
    html_raw(b, "<p>Une feuille de route territoriale part de ce diagnostic. Voici les chiffres "
                "à reprendre pour fixer les priorités et les objectifs.</p>\n<ul>\n<li>Où la "
                "fragilité est forte : ");
    page_count(b, t->hifn_c[6] + t->hifn_c[7] + t->hifn_c[8], "commune", "communes");
    html_raw(b, " ont un indice de 7 ou plus (");
    page_count(b, t->hifn_p[6] + t->hifn_p[7] + t->hifn_p[8], "habitant", "habitants");
    html_raw(b, ").</li>\n<li>Où l'aide est loin : ");
    page_count(b, x->l.tous.pop_10, "habitant vit", "habitants vivent");
    html_raw(b, " à plus de 10" NBSP "km d'un lieu, dont ");
    page_int(b, x->l.tous.pop_20);
    html_raw(b, " à plus de 20" NBSP "km.</li>\n<li>Les deux à la fois : ");
    page_count(b, t->prio_total, "commune prioritaire", "communes prioritaires");
    html_raw(b, " (liste ci-dessus et dans le fichier CSV).</li>\n");
    for (int k = 0; k < INDIC_NCAT; k++) {
        const struct indic_couv *c = &x->couv[k];
        if (!c->present || indic_categorie(k)->famille != INDIC_FAM_PROGRAMME || k > 12)
            continue;
        html_raw(b, "<li>");
        html_txt(b, indic_categorie(k)->libelle);
        html_raw(b, " : ");
        page_count(b, c->lieux, "lieu", "lieux");
        html_raw(b, " sur le territoire ; ");
        page_count(b, c->pop_10, "habitant", "habitants");
        html_raw(b, " à plus de 10" NBSP "km du plus proche.</li>\n");
    }
    html_raw(b, "</ul>\n<p>La rédaction et le suivi des feuilles de route se feront dans Passerelle "
                "avec le module de gouvernance, qui n'existe pas encore : en attendant, ces "
                "chiffres et leurs fichiers CSV peuvent être repris dans votre document.</p>\n");
}

static void r_methode(struct buf *b)
{
    html_raw(b, "<ul>\n<li>Indice de fragilité numérique : La Mednum (cinq sous-indices de 1 à 10 "
                "par commune), regroupé pour chaque territoire par une moyenne pondérée par le "
                "nombre d'habitants des communes.</li>\n<li>Lieux : les lieux de médiation "
                "numérique du registre qui reçoivent du public, au standard national.</li>\n"
                "<li>Distances : à vol d'oiseau, du centre de chaque commune au lieu le plus "
                "proche, même s'il est dans un autre territoire ; tous les habitants d'une "
                "commune sont comptés en son centre, ce qui sous-estime les distances dans les "
                "grandes communes. Ce ne sont pas des temps de trajet.</li>\n<li>Secret "
                "statistique : les données ouvertes ne publient pas les nombres d'habitants de "
                "1 à 10 (ni ceux qui permettraient de les retrouver).</li>\n</ul>\n");
}

void tableau_rapport(struct buf *b, const struct request *rq, const struct tableau *t)
{
    entete(b, t, 1);
    for (size_t i = 0; i < NSECTIONS; i++) {
        section_debut(b, &sections[i]);
        if (sections[i].rendre)
            sections[i].rendre(b, rq, t, 1);
        else
            s_carte(b, rq, t, CARTE_IFN, 1);
        html_raw(b, "</section>\n");
    }
    static const struct section fr = {"feuille-de-route", "Pour préparer la feuille de route", NULL};
    static const struct section me = {"methode", "Méthode et sources", NULL};
    section_debut(b, &fr);
    r_feuille(b, t);
    html_raw(b, "</section>\n");
    section_debut(b, &me);
    r_methode(b);
    html_raw(b, "</section>\n");
}
