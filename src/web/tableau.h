/* tableau.h - the dashboards of the territorial diagnostic: the figures of
 * one territory (nation, région, département, EPCI or commune) gathered
 * once from the precomputed indicators (territoires/indicateurs.h), and
 * rendered as the dashboard page, the printable report and the CSV file
 * of every figure (page_tableau.c serves them).
 *
 * A dashboard is a list of sections (tableau.c: `sections[]`), each a
 * title and a renderer; the report adds its own (roadmap figures, method).
 * A new kind of figures (e.g. "Activité et compétences" when activity and
 * diagnostic data exist) is one more entry of that list with its renderer
 * and its CSV writer: nothing else changes.
 *
 * Comparisons: every key figure is shown with the parent territory
 * (région of a département, département of an EPCI, EPCI of a commune,
 * nation of a région), the median of the similar territories
 * (indicateurs.h: same level and zone, closest in size and rurality) and
 * France.
 *
 * Ownership: tableau_charger() fills a struct released by tableau_free().
 * Rendering appends to a struct buf (out-of-memory in buf.oom); all text
 * goes through web/html.h. */
#ifndef WEB_TABLEAU_H
#define WEB_TABLEAU_H
#include "base/buf.h"
#include "http/router.h"
#include "territoires/indicateurs.h"

#define TABLEAU_PRIO_PAGE 10      /* priority communes listed on the page */
#define TABLEAU_PRIO_RAPPORT 30   /* ... in the report */
#define TABLEAU_PRIO_MAX 30

struct tableau {
    char niveau[12];             /* nation, region, departement, epci, commune */
    char code[10];
    struct indic_territoire t;
    int has_parent;
    char parent_niveau[12];
    struct indic_territoire parent;
    struct indic_territoire france;
    struct indic_liste comparables;
    struct indic_liste enfants;  /* the territories drawn on the map */
    char enfant_niveau[12];
    long hifn_c[10], hifn_p[10]; /* communes, population by IFN class */
    long hkm_c[6], hkm_p[6];     /* by distance band to the nearest place */
    struct indic_prio prio[TABLEAU_PRIO_MAX];
    int nprio;
    long prio_total;
    char variante[64];           /* active IFN variant ("" when none) */
    char calcule_le[32];
    int stale;                   /* places, territories or IFN changed since */
    char epci_type[8];
    char crumbs[4][2][128];      /* breadcrumb: niveau/code and name of parents */
    int ncrumbs;
};

/* Gather the figures of (niveau, code), canonical code in t->code
 * (an old commune code gives the current one). nprio: priority communes
 * to keep (<= TABLEAU_PRIO_MAX). Returns 1, 0 when the territory is
 * unknown, 2 when it exists but the indicators were never computed, -1
 * on a database error. */
int tableau_charger(struct db *d, const char *niveau, const char *code, int nprio,
                    struct tableau *t);
void tableau_free(struct tableau *t);

/* The territory's name with its kind: "Bouches-du-Rhône (département)". */
void tableau_nom(struct buf *b, const struct tableau *t);
/* "/tableau/departement/13" (escaped for an attribute). */
void tableau_href(struct buf *b, const char *niveau, const char *code);

enum tableau_carte { CARTE_IFN, CARTE_DENSITE, CARTE_DISTANCE, CARTE__N };
/* "ifn", "densite", "distance"; parse returns -1 when unknown. */
const char *tableau_carte_nom(enum tableau_carte c);
int tableau_carte_parse(const char *s);

/* The dashboard's body (after page_begin): breadcrumb, heading, every
 * section; `carte` is the map shown. */
void tableau_page(struct buf *b, const struct request *rq, const struct tableau *t,
                  enum tableau_carte carte);
/* The printable report's body: the same figures, all three maps, the
 * figures a roadmap needs, the method and sources. */
void tableau_rapport(struct buf *b, const struct request *rq, const struct tableau *t);

/* A figure as CSV, by file name ("chiffres-cles.csv", "carte.csv",
 * "fragilite.csv", "histogramme-ifn.csv", "acces.csv",
 * "histogramme-distance.csv", "prioritaires.csv", "comparables.csv").
 * Returns 1, 0 when the name is unknown, -1 on a database error. */
int tableau_csv(struct buf *b, struct db *d, const struct tableau *t, const char *nom);

/* The standalone SVG document of the communes of a région or département
 * (too many shapes for a page), styled by /static/style.css and
 * /static/tableau.css. Returns 1, 0 when the territory has no such map (or
 * no contours are loaded), -1. */
int tableau_svg_communes(struct buf *b, struct db *d, const struct tableau *t,
                         enum tableau_carte carte);

#endif
