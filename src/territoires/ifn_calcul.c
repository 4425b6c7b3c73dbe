/* ifn_calcul.c - the IFN computed from raw indicators: classes 1..10
 * against a reference (nation, région, département), deciles of units or
 * of population, and the THD non-coverage derived from ARCEP's FttH files
 * (see ifn.h). Pieces are classed at the finest level the file gives
 * (IRIS, old communes, communes), then combined per current commune like
 * an imported file, so that a computed variant and the published one are
 * built the same way. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/csv.h"
#include "base/file.h"
#include "base/text.h"
#include "territoires/ifn.h"
#include "territoires/ifn_interne.h"

const char *ifn_reference_nom(enum ifn_reference r)
{
    return r == IFN_REF_REGION ? "region" : r == IFN_REF_DEPARTEMENT ? "departement" : "nation";
}

const char *ifn_classes_nom(enum ifn_classes c)
{
    return c == IFN_CLASSES_POPULATION ? "population" : "communes";
}

struct rang {
    double x, w;
    int g;
    size_t i;
};

static int cmp_rang(const void *a, const void *b)
{
    const struct rang *p = a, *q = b;
    if (p->g != q->g)
        return p->g - q->g;
    if (p->x != q->x)
        return p->x < q->x ? -1 : 1;
    return p->i < q->i ? -1 : p->i > q->i;
}

int ifn_classer(const double *x, const double *w, const int *g, int ngroups, size_t n, double *out)
{
    (void)ngroups;
    struct rang *r = malloc((n ? n : 1) * sizeof *r);
    if (!r)
        return -1;
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        out[i] = NAN;
        if (isnan(x[i]))
            continue;
        r[m++] = (struct rang){x[i], w ? (w[i] > 0 ? w[i] : 0) : 1, g ? g[i] : 0, i};
    }
    qsort(r, m, sizeof *r, cmp_rang);
    for (size_t a = 0; a < m;) {
        size_t b = a;
        double total = 0;
        while (b < m && r[b].g == r[a].g)
            total += r[b++].w;
        double below = 0;
        for (size_t i = a; i < b;) {
            size_t j = i;
            double eq = 0;
            while (j < b && r[j].x == r[i].x)
                eq += r[j++].w;
            double q = total > 0 ? (below + eq / 2) / total : 0.5;
            double cls = 1 + floor(10 * q);
            if (cls > 10)
                cls = 10;
            for (size_t k = i; k < j; k++)
                out[r[k].i] = cls;
            below += eq;
            i = j;
        }
        a = b;
    }
    free(r);
    return 0;
}

/* The communes' reference groups and populations, by current code. */
struct commune_info {
    char code[6];
    char dep[4], reg[4];
    double pop;
};

static int cmp_info(const void *a, const void *b)
{
    return strcmp(((const struct commune_info *)a)->code, ((const struct commune_info *)b)->code);
}

static long charger_communes(struct db *d, struct commune_info **out)
{
    sqlite3_stmt *st = db_prepare(d, "SELECT code, coalesce(departement, ''), coalesce(region, ''), "
                                     "coalesce(population, -1) FROM commune ORDER BY code");
    if (!st)
        return -1;
    size_t cap = 0, n = 0;
    struct commune_info *v = NULL;
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (n == cap) {
            cap = cap ? cap * 2 : 40000;
            void *p = realloc(v, cap * sizeof *v);
            if (!p) {
                free(v);
                sqlite3_finalize(st);
                snprintf(d->err, sizeof d->err, "out of memory");
                return -1;
            }
            v = p;
        }
        snprintf(v[n].code, sizeof v[n].code, "%s", sqlite3_column_text(st, 0));
        snprintf(v[n].dep, sizeof v[n].dep, "%s", sqlite3_column_text(st, 1));
        snprintf(v[n].reg, sizeof v[n].reg, "%s", sqlite3_column_text(st, 2));
        v[n].pop = sqlite3_column_double(st, 3);
        n++;
    }
    sqlite3_finalize(st);
    *out = v;
    return (long)n;
}

/* Group index of a reference value (département or région code) in a
 * growing table of distinct codes. */
static int groupe_de(char (*codes)[4], int *n, const char *code)
{
    for (int i = 0; i < *n; i++)
        if (strcmp(codes[i], code) == 0)
            return i;
    snprintf(codes[*n], 4, "%s", code);
    return (*n)++;
}

int ifn_calculer(struct db *d, const char *path, const char *variante, enum ifn_reference ref,
                 enum ifn_classes classes, const char *populations, struct ifn_bilan *b,
                 FILE *rapport, char *err, size_t errlen)
{
    struct ifn_lecture lec;
    memset(&lec, 0, sizeof lec);
    memset(b, 0, sizeof *b);
    lec.sortie = rapport;
    struct commune_info *ci = NULL;
    struct ifn_resultat *res = NULL;
    double *x = NULL, *w = NULL, *cls = NULL;
    int *g = NULL, rc = -1;
    long nci = 0, nres;
    char (*codes)[4] = NULL;
    char nom[64];
    if (!variante || !variante[0]) {
        snprintf(nom, sizeof nom, "calcul-%s-%s", ifn_reference_nom(ref), ifn_classes_nom(classes));
        variante = nom;
    }
    if (ifn_lire(d, path, IFN_BRUT, &lec, err, errlen) < 0)
        goto out;
    if ((nci = charger_communes(d, &ci)) < 0) {
        snprintf(err, errlen, "%s", d->err);
        goto out;
    }
    size_t n = lec.n;
    x = malloc((n ? n : 1) * sizeof *x);
    w = malloc((n ? n : 1) * sizeof *w);
    cls = malloc((n ? n : 1) * sizeof *cls);
    g = malloc((n ? n : 1) * sizeof *g);
    codes = calloc(512, sizeof *codes);
    if (!x || !w || !cls || !g || !codes) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    /* reference rows (other levels) are not classed with the communes */
    int ngroups = 0;
    for (size_t i = 0; i < n; i++) {
        struct ifn_piece *p = &lec.p[i];
        struct commune_info key, *c = NULL;
        snprintf(key.code, sizeof key.code, "%s", p->cible);
        if (!p->niveau_ref)
            c = bsearch(&key, ci, (size_t)nci, sizeof *ci, cmp_info);
        p->groupe = -1;
        if (!c)
            continue;
        const char *gc = ref == IFN_REF_REGION ? c->reg : ref == IFN_REF_DEPARTEMENT ? c->dep : "FR";
        if (ngroups >= 512) {
            snprintf(err, errlen, "too many reference groups");
            goto out;
        }
        p->groupe = groupe_de(codes, &ngroups, gc);
        /* a piece's weight for population deciles: its own population, else
         * its commune's when it is the commune itself */
        w[i] = !isnan(p->l.population) ? p->l.population
               : strcmp(p->l.code, c->code) == 0 && c->pop > 0 ? c->pop : 0;
    }
    for (int a = 0; a < IFN__AXES; a++) {
        for (size_t i = 0; i < n; i++) {
            x[i] = lec.p[i].groupe >= 0 ? lec.p[i].l.v[a] : NAN;
            g[i] = lec.p[i].groupe >= 0 ? lec.p[i].groupe : 0;
        }
        if (ifn_classer(x, classes == IFN_CLASSES_POPULATION ? w : NULL, g, ngroups, n, cls) < 0) {
            snprintf(err, errlen, "out of memory");
            goto out;
        }
        for (size_t i = 0; i < n; i++)
            lec.p[i].l.v[a] = cls[i];
    }
    /* rows of other levels cannot be classed: leave them out */
    size_t keep = 0;
    for (size_t i = 0; i < n; i++)
        if (lec.p[i].groupe >= 0)
            lec.p[keep++] = lec.p[i];
    lec.n = keep;
    if ((nres = ifn_combiner(&lec, populations, &res, err, errlen)) < 0)
        goto out;
    char desc[320];
    snprintf(desc, sizeof desc, "calcul : référence %s, déciles de %s, fichier %s",
             ifn_reference_nom(ref), classes == IFN_CLASSES_POPULATION ? "population" : "communes",
             path);
    rc = ifn_ecrire(d, variante, "calcul", desc, &lec, res, nres, b, err, errlen);
out:
    free(ci);
    free(res);
    free(x);
    free(w);
    free(cls);
    free(g);
    free(codes);
    ifn_lecture_free(&lec);
    return rc;
}

/* ---- ARCEP FttH ---- */

/* A number of ARCEP's tables: " 81    ", " -    " (none), "1 234". */
static double arcep_nombre(const char *s)
{
    char b[48];
    size_t k = 0;
    for (; *s && k < sizeof b - 1; s++)
        if (*s >= '0' && *s <= '9')
            b[k++] = *s;
    b[k] = 0;
    return k ? strtod(b, NULL) : 0;
}

/* Open `path` as CSV and move past the title lines to the header (the
 * first record whose first field is "Code commune"). */
static char *arcep_ouvrir(const char *path, struct csv_reader *r, char *err, size_t errlen)
{
    size_t len;
    char *data = file_read(path, &len, err, errlen);
    if (!data)
        return NULL;
    size_t ulen;
    char *utf8 = text_to_utf8(data, len, &ulen, NULL);
    free(data);
    if (!utf8 || csv_open(r, utf8, ulen, ',') < 0) {
        free(utf8);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    for (int i = 0; i < 20; i++) {
        if (csv_next(r) != 1)
            break;
        char f[32];
        snprintf(f, sizeof f, "%s", r->fields[0]);
        text_trim(f);
        if (strcasecmp(f, "Code commune") == 0)
            return utf8;
    }
    csv_close(r);
    free(utf8);
    snprintf(err, errlen, "%s: no \"Code commune\" header in the first 20 lines", path);
    return NULL;
}

static int arcep_col(const struct csv_reader *r, const char *prefix)
{
    char f[64];
    for (size_t i = 0; i < r->nfields; i++) {
        char fold[64];
        snprintf(f, sizeof f, "%s", r->fields[i]);
        text_fold(f, fold, sizeof fold);
        if (strncmp(fold, prefix, strlen(prefix)) == 0)
            return (int)i;
    }
    return -1;
}

struct arcep_e {
    char code[6];
    double locaux, racc;
    int has_racc;
};

static int cmp_arcep(const void *a, const void *b)
{
    return strcmp(((const struct arcep_e *)a)->code, ((const struct arcep_e *)b)->code);
}

long ifn_arcep(const char *communes_csv, const char *ftth_csv, struct buf *out, char *err,
               size_t errlen)
{
    struct csv_reader r;
    char *data = arcep_ouvrir(communes_csv, &r, err, errlen);
    if (!data)
        return -1;
    int il = arcep_col(&r, "logements"), ie = arcep_col(&r, "etablissements");
    struct arcep_e *v = NULL;
    size_t n = 0, cap = 0;
    long written = -1;
    if (il < 0 || ie < 0) {
        snprintf(err, errlen, "%s: needs Logements and Établissements columns", communes_csv);
        goto out;
    }
    while (csv_next(&r) == 1) {
        if (r.nfields <= (size_t)(il > ie ? il : ie))
            continue;
        char code[8];
        snprintf(code, sizeof code, "%s", r.fields[0]);
        text_trim(code);
        if (strlen(code) != 5)
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 40000;
            void *p = realloc(v, cap * sizeof *v);
            if (!p) {
                snprintf(err, errlen, "out of memory");
                goto out;
            }
            v = p;
        }
        snprintf(v[n].code, sizeof v[n].code, "%s", code);
        v[n].locaux = arcep_nombre(r.fields[il]) + arcep_nombre(r.fields[ie]);
        v[n].has_racc = 0;
        v[n].racc = 0;
        n++;
    }
    csv_close(&r);
    free(data);
    qsort(v, n, sizeof *v, cmp_arcep);
    data = arcep_ouvrir(ftth_csv, &r, err, errlen);
    if (!data) {
        free(v);
        return -1;
    }
    int ichamp = arcep_col(&r, "champ");
    if (ichamp < 0) {
        snprintf(err, errlen, "%s: needs a Champ column", ftth_csv);
        goto out;
    }
    while (csv_next(&r) == 1) {
        if (r.nfields <= (size_t)ichamp + 1)
            continue;
        char champ[64], fold[64];
        snprintf(champ, sizeof champ, "%s", r.fields[ichamp]);
        text_fold(champ, fold, sizeof fold);
        if (strcmp(fold, "locaux raccordables") != 0)
            continue;
        /* the last quarter given */
        const char *last = NULL;
        for (size_t i = (size_t)ichamp + 1; i < r.nfields; i++) {
            char t[32];
            snprintf(t, sizeof t, "%s", r.fields[i]);
            if (text_trim(t)[0])
                last = r.fields[i];
        }
        struct arcep_e key, *e;
        snprintf(key.code, sizeof key.code, "%s", r.fields[0]);
        text_trim(key.code);
        if (!last || !(e = bsearch(&key, v, n, sizeof *v, cmp_arcep)))
            continue;
        e->racc = arcep_nombre(last);
        e->has_racc = 1;
    }
    buf_puts(out, "code,taux_non_couverture_thd\r\n");
    written = 0;
    for (size_t i = 0; i < n; i++) {
        if (!v[i].has_racc || v[i].locaux <= 0)
            continue;
        double t = 100 * (1 - v[i].racc / v[i].locaux);
        buf_printf(out, "%s,%.2f\r\n", v[i].code, t < 0 ? 0 : t > 100 ? 100 : t);
        written++;
    }
    if (out->oom) {
        snprintf(err, errlen, "out of memory");
        written = -1;
    }
out:
    csv_close(&r);
    free(data);
    free(v);
    return written;
}
