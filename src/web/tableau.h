/* tableau.h - the dashboards of the territorial diagnostic: the figures of
 * one territory (nation, région, département, EPCI or commune) gathered
 * once from the precomputed indicators (territoires/indicateurs.h), and
 * rendered as the dashboard page, the printable report and the CSV file
 * of every figure (page_tableau.c serves them).
 *
 * A dashboard is a list of sections (tableau.c: `sections[]`), each a
 * title and a renderer; the report adds its own (roadmap figures, method).
 * A new kind of figures is one more entry of that list with its renderer
 * and its CSV writer, as "Activité et compétences" (tableau_activite.c,
 * fed by the activity records and the diagnostics).
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
#include "accompagnement/agregats.h"
#include "base/buf.h"
#include "diagnostic/stats.h"
#include "http/router.h"
#include "territoires/indicateurs.h"

#define TABLEAU_PRIO_PAGE 10      /* priority communes listed on the page */
#define TABLEAU_PRIO_RAPPORT 30   /* ... in the report */
#define TABLEAU_PRIO_MAX 30

/* Activity and skills of the last 12 months (tableau_activite.c): the
 * accompaniment statistics of the territory, its parent and France (read
 * from the aggregates of accompagnement/agregats.h) and the finished
 * diagnostics of the territory (diagnostic/stats.h, secrecy applied). */
struct tableau_activite {
    long du, au;                 /* days (base/jour.h), inclusive */
    struct stat_vec ici, parent, france;
    double comparables_mille;    /* median of the similar territories' people
                                    accompanied per 1,000 inhabitants, over
                                    those published; NAN when none */
    struct diag_stats diag;
};

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
    struct tableau_activite act;
};

/* Gather the figures of (niveau, code), canonical code in t->code
 * (an old commune code gives the current one). nprio: priority communes
 * to keep (<= TABLEAU_PRIO_MAX). The activity figures (t->act) are
 * loaded apart, by tableau_activite_charger(), for what shows them.
 * Returns 1, 0 when the territory is unknown, 2 when it exists but the
 * indicators were never computed, -1 on a database error. */
int tableau_charger(struct db *d, const char *niveau, const char *code, int nprio,
                    struct tableau *t);
void tableau_free(struct tableau *t);

/* Median of x[0..n) (NAN entries skipped; NAN when none). Sorts x. */
double tableau_mediane(double *x, size_t n);

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
 * "histogramme-distance.csv", "prioritaires.csv", "comparables.csv",
 * "activite.csv", "diagnostics.csv").
 * Returns 1, 0 when the name is unknown, -1 on a database error. */
int tableau_csv(struct buf *b, struct db *d, const struct tableau *t, const char *nom);

/* The standalone SVG document of the communes of a région or département
 * (too many shapes for a page), styled by /static/style.css and
 * /static/tableau.css. Returns 1, 0 when the territory has no such map (or
 * no contours are loaded), -1. */
int tableau_svg_communes(struct buf *b, struct db *d, const struct tableau *t,
                         enum tableau_carte carte);

/* ---- activity and skills (tableau_activite.c) ---- */

/* Fill t->act (after tableau_charger) for the 12 months ending on day
 * `au`: the page, the report and its PDF, activite.csv and
 * diagnostics.csv need it. 0 or -1 (t->act then empty). */
int tableau_activite_charger(struct db *d, struct tableau *t, long au);
void tableau_activite_free(struct tableau_activite *a);
/* The section "Activité et compétences" (a `sections[]` renderer). */
void tableau_activite_section(struct buf *b, const struct request *rq, const struct tableau *t,
                              int imp);
/* Whether nom is one of this section's files ("activite.csv",
 * "diagnostics.csv"). */
int tableau_activite_fichier(const char *nom);
/* Those files; 1, or 0 when nom is neither. */
int tableau_activite_csv(struct buf *b, const struct tableau *t, const char *nom);
/* A fingerprint of the figures, for the render cache's keys: changes
 * whenever any activity or diagnostic figure shown changes. */
unsigned long long tableau_activite_empreinte(const struct tableau *t);

#endif
