/* svgchart.h - accessible SVG charts drawn by the server: horizontal bar
 * charts (a value per label, with an optional reference mark per bar,
 * e.g. the national value) and vertical histograms (a count per class).
 *
 * Each chart is one <svg class="graphe" role="img"> whose accessible name
 * is its <title> and whose description (<desc>, aria-describedby) states
 * every value in words, so that a screen reader gets the whole figure; the visible labels and values are
 * real <text> (not glyph paths). Like svgmap.h: no style attribute, no
 * <style> element, no script (strict CSP); the looks come from the
 * stylesheet (.graphe .barre, .graphe .repere, .graphe text). Pages also
 * give the same figures as a table and a CSV file.
 *
 * Every string is plain text, escaped here through web/html.h. The
 * functions append to `out` and return 0, or -1 on a bad argument or when
 * memory ran out (out->oom). */
#ifndef WEB_SVGCHART_H
#define WEB_SVGCHART_H
#include <stddef.h>

#include "base/buf.h"

struct svgchart_barre {
    const char *libelle;   /* "Très haut débit" */
    double valeur;         /* >= 0; NAN: no bar */
    const char *texte;     /* the value as shown: "6,2"; with no bar, NULL or ""
                              gives "non disponible" */
    double repere;         /* NAN: none; else a mark at that value */
    const char *repere_texte; /* the mark's value as shown ("5,1"), when repere */
};

/* Horizontal bars on a scale 0..max. id: prefix of the ids of <title>
 * and <desc> (distinct per chart on a page). repere_libelle names the
 * marks in the legend and in the description ("France"), NULL when no
 * bar has one. */
int svgchart_barres(struct buf *out, const char *id, const char *titre,
                    const struct svgchart_barre *b, size_t n, double max,
                    const char *repere_libelle);

/* Vertical bars of counts per class: libelles[i] under each bar,
 * textes[i] above it ("1 234"), heights proportional to valeurs[i]
 * (>= 0). unite names what is counted in the description ("communes"). */
int svgchart_histo(struct buf *out, const char *id, const char *titre,
                   const char *const *libelles, const double *valeurs,
                   const char *const *textes, size_t n, const char *unite);

#endif
