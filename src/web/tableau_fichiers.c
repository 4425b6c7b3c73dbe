/* tableau_fichiers.c - every figure of a dashboard as a CSV file, and the
 * standalone SVG maps of the communes of a région or département (see
 * tableau.h). CSV: comma separator, decimal point, UTF-8, one header line,
 * French column names; free text goes through csv_write_cell (no formula
 * injection in spreadsheets). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/csv.h"
#include "store/cache.h"
#include "web/html.h"
#include "web/layout.h"
#include "web/svgmap.h"
#include "web/tableau.h"

static void num(struct buf *b, double v, const char *fmt)
{
    buf_putc(b, ',');
    if (!isnan(v))
        buf_printf(b, fmt, v);
}

static double taux(const struct indic_ligne *l)
{
    return l->population > 0 ? (double)l->tous.lieux * 10000.0 / (double)l->population : NAN;
}

static void cellule(struct buf *b, const char *s)
{
    buf_putc(b, ',');
    csv_write_cell(b, s);
}

/* One territory's line of the key figures. */
static void ligne_chiffres(struct buf *b, const char *role, const struct indic_ligne *l)
{
    csv_write_field(b, role);
    cellule(b, l->niveau);
    cellule(b, l->code);
    cellule(b, l->nom);
    buf_printf(b, ",%ld,%ld,%ld", l->population, l->communes, l->tous.lieux);
    num(b, taux(l), "%.3f");
    num(b, l->ifn_total, "%.4f");
    for (int a = 0; a < IFN__AXES; a++)
        num(b, l->ifn[a], "%.4f");
    num(b, l->tous.km, "%.3f");
    buf_printf(b, ",%ld,%ld,%ld,%ld\r\n", l->tous.pop_5, l->tous.pop_10, l->tous.pop_20,
               l->prioritaires);
}

static void csv_chiffres(struct buf *b, const struct tableau *t)
{
    buf_puts(b, "role,niveau,code,nom,population,communes,lieux,lieux_pour_10000_habitants,"
                "ifn_total");
    for (int a = 0; a < IFN__AXES; a++)
        buf_printf(b, ",ifn_%s", ifn_axe((enum ifn_axe)a)->cle);
    buf_puts(b, ",km_moyen_lieu_le_plus_proche,habitants_plus_5km,habitants_plus_10km,"
                "habitants_plus_20km,communes_prioritaires\r\n");
    ligne_chiffres(b, "territoire", &t->t.l);
    if (t->has_parent)
        ligne_chiffres(b, "parent", &t->parent.l);
    for (size_t i = 0; i < t->comparables.n; i++)
        ligne_chiffres(b, "comparable", &t->comparables.v[i]);
    if (strcmp(t->niveau, "nation") != 0)
        ligne_chiffres(b, "france", &t->france.l);
}

static void csv_liste(struct buf *b, const struct indic_liste *l)
{
    buf_puts(b, "niveau,code,nom,population,lieux,lieux_pour_10000_habitants,ifn_total,"
                "km_moyen_lieu_le_plus_proche,habitants_plus_10km,communes_prioritaires,"
                "part_rurale\r\n");
    for (size_t i = 0; i < l->n; i++) {
        const struct indic_ligne *x = &l->v[i];
        csv_write_field(b, x->niveau);
        cellule(b, x->code);
        cellule(b, x->nom);
        buf_printf(b, ",%ld,%ld", x->population, x->tous.lieux);
        num(b, taux(x), "%.3f");
        num(b, x->ifn_total, "%.4f");
        num(b, x->tous.km, "%.3f");
        buf_printf(b, ",%ld,%ld", x->tous.pop_10, x->prioritaires);
        num(b, x->part_rurale, "%.4f");
        buf_puts(b, "\r\n");
    }
}

static void csv_fragilite(struct buf *b, const struct tableau *t)
{
    buf_puts(b, "sous_indice,colonne_publiee,territoire,parent,france\r\n");
    for (int a = 0; a <= IFN__AXES; a++) {
        csv_write_field(b, a < IFN__AXES ? ifn_axe((enum ifn_axe)a)->cle : "total");
        cellule(b, a < IFN__AXES ? ifn_axe((enum ifn_axe)a)->publie : "total");
        double v = a < IFN__AXES ? t->t.l.ifn[a] : t->t.l.ifn_total;
        double p = !t->has_parent ? NAN : a < IFN__AXES ? t->parent.l.ifn[a] : t->parent.l.ifn_total;
        double f = a < IFN__AXES ? t->france.l.ifn[a] : t->france.l.ifn_total;
        num(b, v, "%.4f");
        num(b, p, "%.4f");
        num(b, f, "%.4f");
        buf_puts(b, "\r\n");
    }
}

static void csv_histo_ifn(struct buf *b, const struct tableau *t)
{
    buf_puts(b, "indice_de,indice_a,communes,habitants\r\n");
    for (int k = 0; k < 10; k++) {
        if (k < 9)
            buf_printf(b, "%d,%d", k + 1, k + 2);
        else
            buf_puts(b, ",");
        buf_printf(b, ",%ld,%ld\r\n", t->hifn_c[k], t->hifn_p[k]);
    }
}

static void csv_acces(struct buf *b, const struct tableau *t)
{
    buf_puts(b, "aide,famille,lieux,km_moyen_lieu_le_plus_proche,habitants_plus_5km,"
                "habitants_plus_10km,habitants_plus_20km,habitants_distance_inconnue,"
                "lieu_le_plus_proche\r\n");
    static const char *const fam[] = {"tous", "service", "programme"};
    for (int k = 0; k < INDIC_NCAT; k++) {
        const struct indic_couv *c = &t->t.couv[k];
        if (!c->present)
            continue;
        csv_write_field(b, indic_categorie(k)->cle);
        cellule(b, fam[indic_categorie(k)->famille]);
        buf_printf(b, ",%ld", c->lieux);
        num(b, c->km, "%.3f");
        buf_printf(b, ",%ld,%ld,%ld,%ld,", c->pop_5, c->pop_10, c->pop_20, c->pop_inconnue);
        if (c->lieu)
            buf_printf(b, "%lld", c->lieu);
        buf_puts(b, "\r\n");
    }
}

static void csv_histo_km(struct buf *b, const struct tableau *t)
{
    static const char *const bornes[6][2] = {{"0", "2"}, {"2", "5"}, {"5", "10"}, {"10", "20"},
                                             {"20", ""}, {"", ""}};
    buf_puts(b, "km_de,km_a,communes,habitants\r\n");
    for (int k = 0; k < 6; k++)
        buf_printf(b, "%s,%s,%ld,%ld\r\n", bornes[k][0], bornes[k][1], t->hkm_c[k], t->hkm_p[k]);
}

static int csv_prioritaires(struct buf *b, struct db *d, const struct tableau *t)
{
    buf_puts(b, "rang,code,nom,departement,population,ifn_total,km_lieu_le_plus_proche,"
                "lieu_le_plus_proche,nom_lieu,commune_lieu\r\n");
    enum { PAGE = 500 };
    struct indic_prio *v = malloc(PAGE * sizeof *v);
    if (!v)
        return -1;
    long total = 0, done = 0;
    for (;;) {
        int n = indic_prioritaires(d, t->niveau, t->code, NULL, done, PAGE, v, &total);
        if (n < 0) {
            free(v);
            return -1;
        }
        for (int i = 0; i < n; i++) {
            buf_printf(b, "%ld", done + i + 1);
            cellule(b, v[i].code);
            cellule(b, v[i].nom);
            cellule(b, v[i].departement);
            buf_printf(b, ",%ld,%.4f,%.3f,%lld", v[i].population, v[i].ifn, v[i].km, v[i].lieu);
            cellule(b, v[i].lieu_nom);
            cellule(b, v[i].lieu_commune);
            buf_puts(b, "\r\n");
        }
        done += n;
        if (n < PAGE || done >= total)
            break;
    }
    free(v);
    return 0;
}

int tableau_csv(struct buf *b, struct db *d, const struct tableau *t, const char *nom)
{
    if (strcmp(nom, "chiffres-cles.csv") == 0)
        csv_chiffres(b, t);
    else if (strcmp(nom, "carte.csv") == 0)
        csv_liste(b, &t->enfants);
    else if (strcmp(nom, "fragilite.csv") == 0)
        csv_fragilite(b, t);
    else if (strcmp(nom, "histogramme-ifn.csv") == 0)
        csv_histo_ifn(b, t);
    else if (strcmp(nom, "acces.csv") == 0)
        csv_acces(b, t);
    else if (strcmp(nom, "histogramme-distance.csv") == 0)
        csv_histo_km(b, t);
    else if (strcmp(nom, "comparables.csv") == 0)
        csv_liste(b, &t->comparables);
    else if (strcmp(nom, "prioritaires.csv") == 0)
        return csv_prioritaires(b, d, t) < 0 ? -1 : 1;
    else
        return tableau_activite_csv(b, t, nom);
    return 1;
}

/* ---- standalone commune maps ---- */

static int classe(const struct indic_ligne *l, enum tableau_carte c, const struct page_classes *cls)
{
    double v = c == CARTE_IFN ? l->ifn_total : l->tous.km;
    if (c == CARTE_DENSITE)
        return page_class_of(cls, taux(l), l->tous.lieux);
    if (isnan(v))
        return 0;
    return c == CARTE_IFN ? (v < 4 ? 1 : v < 5 ? 2 : v < 6 ? 3 : v < 7 ? 4 : 5)
                          : (v < 2 ? 1 : v < 5 ? 2 : v < 10 ? 3 : v < 20 ? 4 : 5);
}

int tableau_svg_communes(struct buf *b, struct db *d, const struct tableau *t,
                         enum tableau_carte c)
{
    if (strcmp(t->niveau, "departement") != 0 && strcmp(t->niveau, "region") != 0)
        return 0;
    char cle[96];
    snprintf(cle, sizeof cle, "tableau-svg/%s/%s/%s", t->niveau, t->code, tableau_carte_nom(c));
    size_t len;
    char *cached = cache_get(d, cle, &len);
    if (cached) {
        buf_add(b, cached, len);
        free(cached);
        return 1;
    }
    struct indic_liste l;
    if (indic_enfants(d, t->niveau, t->code, "commune", NULL, &l) < 0)
        return -1;
    double *r = malloc((l.n ? l.n : 1) * sizeof *r);
    long *n = malloc((l.n ? l.n : 1) * sizeof *n);
    struct page_classes cls;
    memset(&cls, 0, sizeof cls);
    if (r && n) {
        for (size_t i = 0; i < l.n; i++) {
            r[i] = taux(&l.v[i]);
            n[i] = l.v[i].tous.lieux;
        }
        page_classes_make(&cls, r, n, l.n);
    }
    free(r);
    free(n);
    static const char *const pre[3] = {"f", "c", "d"};
    static const char *const quoi[3] = {"indice de fragilité numérique",
                                        "lieux pour 10 000 habitants",
                                        "distance au lieu le plus proche"};
    struct buf titre = BUF_INIT, s = BUF_INIT, href = BUF_INIT;
    buf_puts(&titre, "Communes de ");
    buf_puts(&titre, t->t.l.nom);
    buf_puts(&titre, " : ");
    buf_puts(&titre, quoi[c]);
    struct svgmap *m = svgmap_new(1200, titre.s ? titre.s : "Communes", NULL);
    int rc = m ? 1 : -1, formes = 0;
    for (size_t i = 0; m && i < l.n; i++) {
        char *geo = indic_contour(d, "commune", l.v[i].code);
        if (!geo)
            continue;
        buf_reset(&s);
        buf_puts(&s, l.v[i].nom);
        buf_puts(&s, " : ");
        if (c == CARTE_IFN && l.v[i].has_ifn)
            page_dec1(&s, l.v[i].ifn_total), buf_puts(&s, " sur 10");
        else if (c == CARTE_DISTANCE && !isnan(l.v[i].tous.km))
            page_km(&s, l.v[i].tous.km);
        else if (c == CARTE_DENSITE)
            page_count(&s, l.v[i].tous.lieux, "lieu", "lieux");
        else
            buf_puts(&s, "non disponible");
        buf_reset(&href);
        tableau_href(&href, "commune", l.v[i].code);
        char css[8];
        snprintf(css, sizeof css, "%s%d", pre[c], classe(&l.v[i], c, &cls));
        if (!s.oom && !href.oom && svgmap_add_shape(m, geo, css, s.s, href.s, NULL) == 0)
            formes++;
        free(geo);
    }
    if (m && formes == 0)
        rc = 0; /* no contours loaded */
    if (m && formes > 0) {
        size_t start = b->len;
        html_raw(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                    "<?xml-stylesheet href=\"/static/style.css\" type=\"text/css\"?>\n"
                    "<?xml-stylesheet href=\"/static/tableau.css\" type=\"text/css\"?>\n");
        if (svgmap_render(m, b) < 0)
            rc = -1;
        else if (!b->oom)
            cache_put(d, cle, b->s + start, b->len - start);
    }
    svgmap_free(m);
    buf_free(&titre);
    buf_free(&s);
    buf_free(&href);
    indic_liste_free(&l);
    return b->oom ? -1 : rc;
}
