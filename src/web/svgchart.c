/* svgchart.c - bar charts and histograms in SVG (see svgchart.h). The
 * coordinates are in a fixed viewBox (640 units wide) scaled by the page's
 * stylesheet to the width of their container. */
#include "web/svgchart.h"

#include <math.h>
#include <string.h>

#include "web/html.h"

#define LARGEUR 640
#define COL_LIBELLE 250   /* labels end at COL_LIBELLE - 10 */
#define LONG_BARRE 300
#define LIGNE 30

/* The value as written: its text, or "non disponible" for a missing value
 * given no text of its own ("moins de 11" for a hidden count). */
static const char *shown(const struct svgchart_barre *b)
{
    if (b->texte && *b->texte)
        return b->texte;
    return isnan(b->valeur) ? "non disponible" : "";
}

static void debut(struct buf *out, const char *id, const char *titre, int h)
{
    html_raw(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"graphe\" role=\"img\" viewBox=\"0 0 ");
    html_rawf(out, "%d %d\" aria-labelledby=\"", LARGEUR, h);
    html_attr(out, id);
    html_raw(out, "-t\" aria-describedby=\"");
    html_attr(out, id);
    html_raw(out, "-d\"><title id=\"");
    html_attr(out, id);
    html_raw(out, "-t\">");
    html_txt(out, titre);
    html_raw(out, "</title><desc id=\"");
    html_attr(out, id);
    html_raw(out, "-d\">");
}

int svgchart_barres(struct buf *out, const char *id, const char *titre,
                    const struct svgchart_barre *b, size_t n, double max,
                    const char *repere_libelle)
{
    if (!id || !titre || (n && !b) || !(max > 0))
        return -1;
    int reperes = 0;
    for (size_t i = 0; i < n; i++)
        reperes |= !isnan(b[i].repere);
    int h = 8 + (int)n * LIGNE + (reperes && repere_libelle ? 28 : 0);
    debut(out, id, titre, h);
    for (size_t i = 0; i < n; i++) {
        html_txt(out, b[i].libelle);
        html_raw(out, " : ");
        html_txt(out, shown(&b[i]));
        if (!isnan(b[i].repere) && repere_libelle && b[i].repere_texte) {
            html_raw(out, " (");
            html_txt(out, repere_libelle);
            html_raw(out, " : ");
            html_txt(out, b[i].repere_texte);
            html_raw(out, ")");
        }
        html_raw(out, i + 1 < n ? " ; " : ".");
    }
    html_raw(out, "</desc>\n");
    for (size_t i = 0; i < n; i++) {
        int y = 8 + (int)i * LIGNE;
        html_rawf(out, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">", COL_LIBELLE - 10, y + 15);
        html_txt(out, b[i].libelle);
        html_raw(out, "</text>");
        double v = isnan(b[i].valeur) ? 0 : fmin(fmax(b[i].valeur, 0), max);
        double w = v / max * LONG_BARRE;
        if (!isnan(b[i].valeur))
            html_rawf(out, "<rect class=\"barre\" x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"18\"/>",
                      COL_LIBELLE, y + 2, w);
        html_rawf(out, "<text x=\"%.1f\" y=\"%d\">", COL_LIBELLE + w + 8, y + 15);
        html_txt(out, shown(&b[i]));
        html_raw(out, "</text>");
        if (!isnan(b[i].repere)) {
            double x = COL_LIBELLE + fmin(fmax(b[i].repere, 0), max) / max * LONG_BARRE;
            html_rawf(out, "<line class=\"repere\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\"/>", x, x,
                      y - 1, y + 23);
        }
        html_raw(out, "\n");
    }
    if (reperes && repere_libelle) {
        int y = 8 + (int)n * LIGNE + 6;
        html_rawf(out, "<line class=\"repere\" x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\"/>", COL_LIBELLE,
                  COL_LIBELLE, y, y + 18);
        html_rawf(out, "<text x=\"%d\" y=\"%d\">", COL_LIBELLE + 10, y + 14);
        html_txt(out, repere_libelle);
        html_raw(out, "</text>\n");
    }
    html_raw(out, "</svg>\n");
    return out->oom ? -1 : 0;
}

int svgchart_histo(struct buf *out, const char *id, const char *titre,
                   const char *const *libelles, const double *valeurs,
                   const char *const *textes, size_t n, const char *unite)
{
    if (!id || !titre || n == 0 || !libelles || !valeurs || !textes)
        return -1;
    const int h = 240, haut = 30, bas = 200, gauche = 10, droite = LARGEUR - 10;
    double max = 0;
    for (size_t i = 0; i < n; i++)
        if (valeurs[i] > max)
            max = valeurs[i];
    debut(out, id, titre, h);
    if (unite) {
        html_txt(out, unite);
        html_raw(out, " par classe : ");
    }
    for (size_t i = 0; i < n; i++) {
        html_txt(out, libelles[i]);
        html_raw(out, " : ");
        html_txt(out, textes[i]);
        html_raw(out, i + 1 < n ? " ; " : ".");
    }
    html_raw(out, "</desc>\n");
    double pas = (double)(droite - gauche) / (double)n, large = pas - 8;
    html_rawf(out, "<line class=\"axe\" x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\"/>\n", gauche, droite,
              bas, bas);
    for (size_t i = 0; i < n; i++) {
        double x = gauche + (double)i * pas + 4;
        double v = valeurs[i] > 0 ? valeurs[i] : 0;
        double hh = max > 0 ? v / max * (bas - haut - 10) : 0;
        if (hh > 0)
            html_rawf(out, "<rect class=\"barre\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"/>",
                      x, bas - hh, large, hh);
        html_rawf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">", x + large / 2,
                  bas - hh - 6);
        html_txt(out, textes[i]);
        html_raw(out, "</text>");
        html_rawf(out, "<text class=\"petit\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">",
                  x + large / 2, bas + 20);
        html_txt(out, libelles[i]);
        html_raw(out, "</text>\n");
    }
    html_raw(out, "</svg>\n");
    return out->oom ? -1 : 0;
}
