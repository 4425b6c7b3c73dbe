/* ifn.c - the IFN file parser, the import of published files, the
 * combination of pieces into current communes, variants, exports and the
 * comparison with published aggregates (see ifn.h). The computation from
 * raw indicators is in ifn_calcul.c. All SQL of the IFN tables is here. */
#include "territoires/ifn.h"

#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "base/csv.h"
#include "base/file.h"
#include "base/jsonw.h"
#include "base/text.h"
#include "territoires/ifn_interne.h"
#include "territoires/territoires.h"

static const struct ifn_axe_info axes[IFN__AXES] = {
    {"thd", "no_thd_coverage_rate", "taux_non_couverture_thd", "Très haut débit",
     "part des locaux qui n'ont pas accès au très haut débit (internet rapide)"},
    {"mobile", "no_4g_coverage_rate", "taux_non_couverture_4g", "Réseau mobile 4G",
     "part du territoire qui n'est pas couverte par la 4G"},
    {"pauvrete", "poverty_rate", "taux_pauvrete", "Pauvreté",
     "part des habitants qui vivent sous le seuil de pauvreté"},
    {"age", "older_65_rate", "part_65_ans_plus", "Âge",
     "part des habitants qui ont 65 ans ou plus"},
    {"diplome", "nscol15p_rate", "part_peu_diplomes", "Diplôme",
     "part des personnes de 15 ans ou plus sans diplôme ou peu diplômées"},
};

const struct ifn_axe_info *ifn_axe(enum ifn_axe a)
{
    return a >= 0 && a < IFN__AXES ? &axes[a] : &axes[0];
}

double ifn_moyenne(const double v[IFN__AXES])
{
    double s = 0;
    int n = 0;
    for (int i = 0; i < IFN__AXES; i++)
        if (!isnan(v[i])) {
            s += v[i];
            n++;
        }
    return n ? s / n : NAN;
}

const char *ifn_division_nom(enum ifn_division d)
{
    static const char *const noms[] = {"commune", "iris", "epci", "departement", "region"};
    return d >= 0 && d <= IFN_DIV_REGION ? noms[d] : "commune";
}

const char *ifn_gravite_nom(enum ifn_gravite g)
{
    return g == IFN_REJET ? "ligne rejetée" : g == IFN_CORRIGE ? "corrigé" : "valeur manquante";
}

/* ---- parser ---- */

/* A set of (division, code) strings with the line they were first seen on. */
struct vus {
    struct vu {
        char cle[20];
        size_t ligne;
    } *v;
    size_t n, cap;
};

static uint32_t fnv(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

/* Returns 0 when added, the line of the first occurrence when already
 * there, or (size_t)-1 when memory runs out. */
static size_t vus_ajouter(struct vus *s, const char *cle, size_t ligne)
{
    if (s->n * 2 >= s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 4096;
        struct vu *v = calloc(cap, sizeof *v);
        if (!v)
            return (size_t)-1;
        for (size_t i = 0; i < s->cap; i++)
            if (s->v[i].cle[0]) {
                size_t k = fnv(s->v[i].cle) & (cap - 1);
                while (v[k].cle[0])
                    k = (k + 1) & (cap - 1);
                v[k] = s->v[i];
            }
        free(s->v);
        s->v = v;
        s->cap = cap;
    }
    size_t k = fnv(cle) & (s->cap - 1);
    while (s->v[k].cle[0]) {
        if (strcmp(s->v[k].cle, cle) == 0)
            return s->v[k].ligne;
        k = (k + 1) & (s->cap - 1);
    }
    snprintf(s->v[k].cle, sizeof s->v[k].cle, "%s", cle);
    s->v[k].ligne = ligne;
    s->n++;
    return 0;
}

static int col_is(const char *name, const char *want)
{
    char a[64];
    snprintf(a, sizeof a, "%s", name);
    text_trim(a);
    return strcasecmp(a, want) == 0;
}

static int find_col(const struct csv_reader *r, const char *const *names)
{
    for (const char *const *nm = names; *nm; nm++)
        for (size_t i = 0; i < r->nfields; i++)
            if (col_is(r->fields[i], *nm))
                return (int)i;
    return -1;
}

/* Parse a decimal number (point or comma). Returns 1 with *v, 0 when
 * empty or a "missing" marker, -1 when not a number. */
static int parse_nombre(const char *s, double *v)
{
    char b[64];
    snprintf(b, sizeof b, "%s", s ? s : "");
    text_trim(b);
    if (!b[0] || strcmp(b, "-") == 0 || strcasecmp(b, "NA") == 0 || strcasecmp(b, "nan") == 0 ||
        strcasecmp(b, "null") == 0)
        return 0;
    if (strlen(s) >= sizeof b - 1)
        return -1;
    for (char *p = b; *p; p++)
        if (*p == ',')
            *p = '.';
    char *end;
    double x = strtod(b, &end);
    if (end == b || *end || !isfinite(x))
        return -1;
    *v = x;
    return 1;
}

static int all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]))
            return 0;
    return 1;
}

/* A commune code: 5 characters, digits but 2A/2B. */
static int commune_code_ok(const char *c)
{
    if (strlen(c) < 5)
        return 0;
    if (c[0] == '2' && (c[1] == 'A' || c[1] == 'B'))
        return all_digits(c + 2, 3);
    return all_digits(c, 5);
}

static int division_from_text(const char *s, enum ifn_division *d)
{
    static const struct {
        const char *nom;
        enum ifn_division d;
    } t[] = {{"city", IFN_DIV_COMMUNE},      {"commune", IFN_DIV_COMMUNE},
             {"com", IFN_DIV_COMMUNE},       {"iris", IFN_DIV_IRIS},
             {"epci", IFN_DIV_EPCI},         {"department", IFN_DIV_DEPARTEMENT},
             {"departement", IFN_DIV_DEPARTEMENT}, {"département", IFN_DIV_DEPARTEMENT},
             {"dep", IFN_DIV_DEPARTEMENT},   {"region", IFN_DIV_REGION},
             {"région", IFN_DIV_REGION},     {"reg", IFN_DIV_REGION}};
    char b[32];
    snprintf(b, sizeof b, "%s", s);
    text_trim(b);
    for (size_t i = 0; i < sizeof t / sizeof *t; i++)
        if (strcasecmp(b, t[i].nom) == 0) {
            *d = t[i].d;
            return 0;
        }
    return -1;
}

/* Normalise and check a code for its division (or guess the division when
 * `known` is 0). Returns 0 or -1 (malformed). */
static int normalise_code(const char *in, char out[16], enum ifn_division *d, int known)
{
    char c[32];
    snprintf(c, sizeof c, "%s", in);
    text_trim(c);
    size_t n = strlen(c);
    if (n == 0 || n > 9)
        return -1;
    for (size_t i = 0; i < n; i++)
        c[i] = (char)toupper((unsigned char)c[i]);
    if (!known) {
        /* 4 or 5 characters: a commune (a lost leading zero comes back);
         * 9 digits starting with 2: an EPCI (SIREN) or an IRIS of a
         * département 2x, told apart with the database (ifn_lire: an
         * unknown EPCI is read as an IRIS); 8-9 others: an IRIS; 1-3: a
         * département. */
        if (n <= 5 && n >= 4)
            *d = IFN_DIV_COMMUNE;
        else if (n == 9 || n == 8)
            *d = all_digits(c, n) && n == 9 && (c[0] == '2') ? IFN_DIV_EPCI : IFN_DIV_IRIS;
        else
            *d = IFN_DIV_DEPARTEMENT;
    }
    switch (*d) {
    case IFN_DIV_COMMUNE:
        if (n == 4 && all_digits(c, 4)) {
            memmove(c + 1, c, 5);
            c[0] = '0';
            n = 5;
        }
        if (n != 5 || !commune_code_ok(c))
            return -1;
        break;
    case IFN_DIV_IRIS:
        if (n == 8 && all_digits(c, 8)) {
            memmove(c + 1, c, 9);
            c[0] = '0';
            n = 9;
        }
        if (n != 9 || !commune_code_ok(c) || !all_digits(c + 5, 4))
            return -1;
        break;
    case IFN_DIV_EPCI:
        if (n != 9 || !all_digits(c, 9))
            return -1;
        break;
    case IFN_DIV_DEPARTEMENT:
        if (n == 1 && isdigit((unsigned char)c[0])) {
            c[2] = 0;
            c[1] = c[0];
            c[0] = '0';
            n = 2;
        }
        if (!((n == 2 && (all_digits(c, 2) || (c[0] == '2' && (c[1] == 'A' || c[1] == 'B')))) ||
              (n == 3 && all_digits(c, 3))))
            return -1;
        break;
    case IFN_DIV_REGION:
        if (!((n == 2 || n == 3) && all_digits(c, n)))
            return -1;
        break;
    }
    memcpy(out, c, n + 1);
    return 0;
}

struct parse_state {
    const struct ifn_parse_cb *cb;
    enum ifn_mode mode;
    int icode, idiv, ipop, itotal, iaxe[IFN__AXES];
    struct vus vus;
    char *err;
    size_t errlen;
};

static int signaler(struct parse_state *ps, size_t ligne, const char *code, const char *champ,
                    const char *valeur, const char *regle, enum ifn_gravite g)
{
    struct ifn_probleme p = {ligne, code ? code : "", champ ? champ : "", valeur ? valeur : "",
                             regle, g};
    return ps->cb->probleme ? ps->cb->probleme(ps->cb->ctx, &p) : 0;
}

static const char *field(const struct csv_reader *r, int i)
{
    return i >= 0 && (size_t)i < r->nfields ? r->fields[i] : "";
}

/* One data record: a good row (callback) or a rejection. Returns 0, or
 * -1 when a callback stopped or memory ran out. */
static int parse_record(struct parse_state *ps, const struct csv_reader *r)
{
    size_t ligne = r->line;
    const char *code_brut = field(r, ps->icode);
    if (r->error[0])
        return signaler(ps, ligne, code_brut, "", "", "enregistrement mal formé (guillemet non "
                        "fermé) : ligne ignorée", IFN_REJET);
    if (r->nfields == 1 && !r->fields[0][0])
        return signaler(ps, ligne, "", "", "", "ligne vide : ignorée", IFN_REJET);
    struct ifn_ligne l;
    memset(&l, 0, sizeof l);
    l.ligne = ligne;
    l.total = NAN;
    l.population = NAN;
    int known = 0;
    l.division_devinee = 1;
    if (ps->idiv >= 0 && field(r, ps->idiv)[0]) {
        if (division_from_text(field(r, ps->idiv), &l.division) < 0)
            return signaler(ps, ligne, code_brut, "division", field(r, ps->idiv),
                            "division inconnue : city, commune, iris, epci, departement ou "
                            "region attendu", IFN_REJET);
        known = 1;
        l.division_devinee = 0;
    }
    char tmp[32];
    snprintf(tmp, sizeof tmp, "%s", code_brut);
    text_trim(tmp);
    if (!tmp[0])
        return signaler(ps, ligne, "", "code", "", "code manquant", IFN_REJET);
    if (normalise_code(code_brut, l.code, &l.division, known) < 0)
        return signaler(ps, ligne, code_brut, "code", code_brut,
                        "code mal formé : commune (5 caractères), IRIS (9), EPCI (SIREN, 9 "
                        "chiffres), département (2 ou 3) ou région attendu", IFN_REJET);
    /* sub-scores */
    int present = 0;
    for (int a = 0; a < IFN__AXES; a++) {
        l.v[a] = NAN;
        if (ps->iaxe[a] < 0)
            continue;
        const char *s = field(r, ps->iaxe[a]);
        const char *champ = ps->mode == IFN_BRUT ? axes[a].brut : axes[a].publie;
        double x;
        int k = parse_nombre(s, &x);
        if (k < 0)
            return signaler(ps, ligne, l.code, champ, s, "nombre attendu (point ou virgule "
                            "décimale)", IFN_REJET);
        if (k == 0)
            continue;
        if (ps->mode == IFN_SOUS_INDICES) {
            if (x == 0)
                continue; /* 0: missing, as in La Mednum's files */
            if (x < 1 || x > 10)
                return signaler(ps, ligne, l.code, champ, s,
                                "sous-indice entre 1 et 10 attendu (0 ou vide : manquant)",
                                IFN_REJET);
        } else if (x < 0 || x > 100) {
            return signaler(ps, ligne, l.code, champ, s,
                            "pourcentage entre 0 et 100 attendu (vide : manquant)", IFN_REJET);
        }
        l.v[a] = x;
        present++;
    }
    if (!present)
        return signaler(ps, ligne, l.code, "", "",
                        ps->mode == IFN_BRUT ? "aucun indicateur : ligne ignorée"
                                             : "aucun sous-indice (vides ou 0) : ligne ignorée",
                        IFN_REJET);
    if (ps->ipop >= 0) {
        double x;
        const char *s = field(r, ps->ipop);
        int k = parse_nombre(s, &x);
        if (k > 0 && x >= 0)
            l.population = x;
        else if (k != 0 && signaler(ps, ligne, l.code, "population", s,
                                    "population : nombre positif attendu, valeur écartée",
                                    IFN_CORRIGE) < 0)
            return -1;
    }
    char cle[24];
    snprintf(cle, sizeof cle, "%d:%s", (int)l.division, l.code);
    size_t deja = vus_ajouter(&ps->vus, cle, ligne);
    if (deja == (size_t)-1) {
        snprintf(ps->err, ps->errlen, "out of memory");
        return -1;
    }
    if (deja) {
        char regle[96];
        snprintf(regle, sizeof regle, "code déjà donné ligne %zu : ligne ignorée", deja);
        return signaler(ps, ligne, l.code, "code", code_brut, regle, IFN_REJET);
    }
    if (ps->mode == IFN_SOUS_INDICES) {
        l.total = ifn_moyenne(l.v);
        if (ps->itotal >= 0) {
            const char *s = field(r, ps->itotal);
            double t;
            int k = parse_nombre(s, &t);
            if (k != 0 && (k < 0 || fabs(t - l.total) > 0.001)) {
                char regle[128];
                snprintf(regle, sizeof regle, "total différent de la moyenne des sous-indices "
                         "(%.4f) : recalculé", l.total);
                if (signaler(ps, ligne, l.code, "total", s, regle, IFN_CORRIGE) < 0)
                    return -1;
            }
        }
    }
    return ps->cb->ligne ? ps->cb->ligne(ps->cb->ctx, &l) : 0;
}

int ifn_parse(const char *data, size_t len, enum ifn_mode mode, const struct ifn_parse_cb *cb,
              long *lignes, char *err, size_t errlen)
{
    static const char *const code_cols[] = {"code", "codgeo", "code_insee", "insee_com",
                                            "code_commune", "code_iris", "iris", "siren",
                                            "code_epci", NULL};
    static const char *const div_cols[] = {"division", "niveau", NULL};
    static const char *const pop_cols[] = {"population", "pop", "pmun", NULL};
    static const char *const total_cols[] = {"total", "ifn", "score", NULL};
    size_t ulen;
    char *utf8 = text_to_utf8(data, len, &ulen, NULL);
    *lignes = 0;
    if (!utf8) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    struct csv_reader r;
    if (csv_open(&r, utf8, ulen, 0) < 0) {
        free(utf8);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    struct parse_state ps;
    memset(&ps, 0, sizeof ps);
    ps.cb = cb;
    ps.mode = mode;
    ps.err = err;
    ps.errlen = errlen;
    int rc = -1, got = csv_next(&r);
    if (got < 0) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    if (got == 0 || (ps.icode = find_col(&r, code_cols)) < 0) {
        snprintf(err, errlen, "no code column (code, codgeo, code_insee, code_iris, siren...)");
        goto out;
    }
    ps.idiv = find_col(&r, div_cols);
    ps.ipop = find_col(&r, pop_cols);
    ps.itotal = mode == IFN_SOUS_INDICES ? find_col(&r, total_cols) : -1;
    int any = 0;
    for (int a = 0; a < IFN__AXES; a++) {
        const char *names[] = {mode == IFN_BRUT ? axes[a].brut : axes[a].publie, axes[a].cle,
                               NULL};
        ps.iaxe[a] = find_col(&r, names);
        any |= ps.iaxe[a] >= 0;
    }
    if (!any) {
        if (mode == IFN_BRUT)
            snprintf(err, errlen, "no raw indicator column (taux_non_couverture_thd, "
                     "taux_non_couverture_4g, taux_pauvrete, part_65_ans_plus, part_peu_diplomes)");
        else
            snprintf(err, errlen, "no sub-score column (no_thd_coverage_rate, "
                     "no_4g_coverage_rate, poverty_rate, older_65_rate, nscol15p_rate)");
        goto out;
    }
    while ((got = csv_next(&r)) == 1) {
        /* a blank line at the end of the file is not a record */
        if (r.nfields == 1 && !r.fields[0][0] && r.p >= r.end)
            break;
        (*lignes)++;
        if (parse_record(&ps, &r) < 0) {
            if (!err[0])
                snprintf(err, errlen, "stopped at line %zu", r.line);
            goto out;
        }
    }
    if (got < 0) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    rc = 0;
out:
    csv_close(&r);
    free(ps.vus.v);
    free(utf8);
    return rc;
}

/* ---- reading and resolving a file ---- */

int ifn_signaler(struct ifn_lecture *lec, const struct ifn_probleme *p)
{
    if (lec->nr == lec->capr) {
        size_t cap = lec->capr ? lec->capr * 2 : 64;
        void *v = realloc(lec->r, cap * sizeof *lec->r);
        if (!v)
            return -1;
        lec->r = v;
        lec->capr = cap;
    }
    struct ifn_rapport_ligne *r = &lec->r[lec->nr++];
    r->ligne = (long)p->ligne;
    snprintf(r->code, sizeof r->code, "%s", p->code);
    snprintf(r->champ, sizeof r->champ, "%s", p->champ);
    snprintf(r->valeur, sizeof r->valeur, "%s", p->valeur);
    snprintf(r->regle, sizeof r->regle, "%s", p->regle);
    r->gravite = p->gravite;
    if (p->gravite == IFN_REJET)
        lec->rejetees++;
    if (lec->sortie)
        fprintf(lec->sortie, "%s:%zu: %s, code %s%s%s%s%s%s : %s\n", lec->fichier, p->ligne,
                ifn_gravite_nom(p->gravite), p->code[0] ? p->code : "(vide)",
                p->champ[0] ? ", champ " : "", p->champ, p->champ[0] ? " \xc2\xab" : "",
                p->champ[0] ? p->valeur : "", p->champ[0] ? "\xc2\xbb" : "", p->regle);
    return 0;
}

static int lec_probleme(void *ctx, const struct ifn_probleme *p)
{
    return ifn_signaler(ctx, p);
}

static int lec_ligne(void *ctx, const struct ifn_ligne *l)
{
    struct ifn_lecture *lec = ctx;
    if (lec->n == lec->cap) {
        size_t cap = lec->cap ? lec->cap * 2 : 4096;
        void *v = realloc(lec->p, cap * sizeof *lec->p);
        if (!v)
            return -1;
        lec->p = v;
        lec->cap = cap;
    }
    struct ifn_piece *p = &lec->p[lec->n++];
    memset(p, 0, sizeof *p);
    p->l = *l;
    return 0;
}

void ifn_lecture_free(struct ifn_lecture *lec)
{
    free(lec->p);
    free(lec->r);
    lec->p = NULL;
    lec->r = NULL;
    lec->n = lec->nr = lec->cap = lec->capr = 0;
}

/* Does a territory (EPCI, département, région) exist? 1, 0, -1. */
static int existe(struct db *d, enum ifn_division div, const char *code)
{
    static const char *const sql[] = {
        [IFN_DIV_EPCI] = "SELECT 1 FROM epci WHERE code = ?1",
        [IFN_DIV_DEPARTEMENT] = "SELECT 1 FROM departement WHERE code = ?1",
        [IFN_DIV_REGION] = "SELECT 1 FROM region WHERE code = ?1",
    };
    sqlite3_stmt *st = db_prepare_cached(d, sql[div]);
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, code, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    db_release(d, st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return db_fail(d, "territory lookup");
    return rc == SQLITE_ROW;
}

/* Resolve every piece to its target; unknown codes are rejected. */
static int resoudre(struct db *d, struct ifn_lecture *lec, char *err, size_t errlen)
{
    struct commune_resolver *cr = territoires_resolver_load(d);
    if (!cr) {
        snprintf(err, errlen, "communes: %s", d->err);
        return -1;
    }
    size_t keep = 0;
    int rc = 0;
    for (size_t i = 0; i < lec->n && rc == 0; i++) {
        struct ifn_piece *p = &lec->p[i];
        const char *regle = NULL;
        if (p->l.division != IFN_DIV_COMMUNE && p->l.division != IFN_DIV_IRIS) {
            int e = existe(d, p->l.division, p->l.code);
            if (e < 0) {
                snprintf(err, errlen, "%s", d->err);
                rc = -1;
                break;
            }
            if (e) {
                p->niveau_ref = 1;
                snprintf(p->cible, sizeof p->cible, "%s", p->l.code);
            } else if (p->l.division == IFN_DIV_EPCI && p->l.division_devinee &&
                       commune_code_ok(p->l.code)) {
                /* 9 digits guessed as an EPCI the COG does not know: an IRIS */
                p->l.division = IFN_DIV_IRIS;
            } else {
                regle = p->l.division == IFN_DIV_EPCI
                            ? "EPCI inconnu du COG (SIREN d'un EPCI à fiscalité propre attendu)"
                        : p->l.division == IFN_DIV_REGION ? "région inconnue du COG"
                                                          : "département inconnu du COG";
            }
        }
        if (!regle && !p->niveau_ref) {
            char c[6];
            memcpy(c, p->l.code, 5);
            c[5] = 0;
            const char *cur = territoires_resolver_find(cr, c, NULL, NULL);
            if (cur)
                snprintf(p->cible, sizeof p->cible, "%s", cur);
            else
                regle = p->l.division == IFN_DIV_IRIS
                            ? "IRIS d'une commune inconnue du COG (ni code actuel ni ancien code)"
                            : "commune inconnue du COG (ni code actuel ni ancien code)";
        }
        if (regle) {
            struct ifn_probleme pb = {p->l.ligne, p->l.code, "code", p->l.code, regle, IFN_REJET};
            if (ifn_signaler(lec, &pb) < 0) {
                snprintf(err, errlen, "out of memory");
                rc = -1;
            }
            continue;
        }
        lec->p[keep++] = *p;
    }
    lec->n = keep;
    territoires_resolver_free(cr);
    return rc;
}

int ifn_lire(struct db *d, const char *path, enum ifn_mode mode, struct ifn_lecture *lec,
             char *err, size_t errlen)
{
    size_t len;
    char *data = file_read(path, &len, err, errlen);
    if (!data)
        return -1;
    lec->fichier = path;
    struct ifn_parse_cb cb = {lec_ligne, lec_probleme, lec};
    err[0] = 0;
    int rc = ifn_parse(data, len, mode, &cb, &lec->lignes, err, errlen);
    free(data);
    if (rc < 0) {
        if (!err[0])
            snprintf(err, errlen, "out of memory");
        return -1;
    }
    return resoudre(d, lec, err, errlen);
}

/* ---- weights and combination ---- */

struct poids {
    struct poids_e {
        char code[12];
        double pop;
    } *v;
    size_t n;
};

static int cmp_poids(const void *a, const void *b)
{
    return strcmp(((const struct poids_e *)a)->code, ((const struct poids_e *)b)->code);
}

/* Load a CSV of (code, population); the first population column found in
 * the order of pop_cols. Returns 0 or -1 with err. */
static int poids_charger(const char *path, struct poids *w, char *err, size_t errlen)
{
    static const char *const code_cols[] = {"code", "codgeo", "insee_com", "code_insee",
                                            "code_commune", "code_iris", "iris", NULL};
    static const char *const pop_cols[] = {"population", "population_2021", "pmun", "ptot",
                                           "population_2015", "pop", NULL};
    size_t len;
    char *data = file_read(path, &len, err, errlen);
    if (!data)
        return -1;
    size_t ulen;
    char *utf8 = text_to_utf8(data, len, &ulen, NULL);
    free(data);
    struct csv_reader r;
    if (!utf8 || csv_open(&r, utf8, ulen, 0) < 0) {
        free(utf8);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    int rc = -1, ic = -1, ip = -1;
    size_t cap = 0;
    if (csv_next(&r) != 1 || (ic = find_col(&r, code_cols)) < 0 || (ip = find_col(&r, pop_cols)) < 0) {
        snprintf(err, errlen, "%s: needs a code column and a population column", path);
        goto out;
    }
    while (csv_next(&r) == 1) {
        double x;
        char code[16];
        enum ifn_division dv = IFN_DIV_COMMUNE;
        const char *c = field(&r, ic);
        if (parse_nombre(field(&r, ip), &x) != 1 || x < 0)
            continue;
        size_t cl = strlen(c);
        if (cl >= 8)
            dv = IFN_DIV_IRIS;
        if (normalise_code(c, code, &dv, 1) < 0)
            continue;
        if (w->n == cap) {
            cap = cap ? cap * 2 : 8192;
            void *v = realloc(w->v, cap * sizeof *w->v);
            if (!v) {
                snprintf(err, errlen, "out of memory");
                goto out;
            }
            w->v = v;
        }
        snprintf(w->v[w->n].code, sizeof w->v[w->n].code, "%s", code);
        w->v[w->n++].pop = x;
    }
    qsort(w->v, w->n, sizeof *w->v, cmp_poids);
    rc = 0;
out:
    csv_close(&r);
    free(utf8);
    return rc;
}

static double poids_de(const struct poids *w, const char *code)
{
    struct poids_e key;
    snprintf(key.code, sizeof key.code, "%s", code);
    const struct poids_e *e = w->n ? bsearch(&key, w->v, w->n, sizeof *w->v, cmp_poids) : NULL;
    return e ? e->pop : NAN;
}

static int cmp_piece(const void *a, const void *b)
{
    const struct ifn_piece *x = a, *y = b;
    if (x->niveau_ref != y->niveau_ref)
        return x->niveau_ref - y->niveau_ref;
    if (x->niveau_ref && x->l.division != y->l.division)
        return (int)x->l.division - (int)y->l.division;
    int c = strcmp(x->cible, y->cible);
    return c ? c : strcmp(x->l.code, y->l.code);
}

static int meme_cible(const struct ifn_piece *a, const struct ifn_piece *b)
{
    return a->niveau_ref == b->niveau_ref && (!a->niveau_ref || a->l.division == b->l.division) &&
           strcmp(a->cible, b->cible) == 0;
}

long ifn_combiner(struct ifn_lecture *lec, const char *populations, struct ifn_resultat **out,
                  char *err, size_t errlen)
{
    struct poids w = {0};
    *out = NULL;
    if (populations && poids_charger(populations, &w, err, errlen) < 0)
        return -1;
    qsort(lec->p, lec->n, sizeof *lec->p, cmp_piece);
    struct ifn_resultat *res = malloc((lec->n ? lec->n : 1) * sizeof *res);
    if (!res) {
        free(w.v);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    long nres = 0;
    for (size_t i = 0; i < lec->n;) {
        size_t j = i + 1;
        while (j < lec->n && meme_cible(&lec->p[i], &lec->p[j]))
            j++;
        /* weights: the file's populations, else the weights file, else 1 */
        int file_ok = 1, w_ok = w.n > 0;
        for (size_t k = i; k < j; k++) {
            struct ifn_piece *p = &lec->p[k];
            file_ok &= !isnan(p->l.population) && p->l.population > 0;
            double x = w_ok ? poids_de(&w, p->l.code) : NAN;
            w_ok &= !isnan(x) && x > 0;
        }
        for (size_t k = i; k < j; k++) {
            struct ifn_piece *p = &lec->p[k];
            p->poids = j - i == 1 ? 1 : file_ok ? p->l.population : w_ok ? poids_de(&w, p->l.code) : 1;
        }
        struct ifn_resultat *r = &res[nres++];
        memset(r, 0, sizeof *r);
        snprintf(r->code, sizeof r->code, "%s", lec->p[i].cible);
        r->niveau_ref = lec->p[i].niveau_ref ? (int)lec->p[i].l.division : 0;
        r->pieces = (int)(j - i);
        r->pondere = j - i > 1 && (file_ok || w_ok);
        for (int a = 0; a < IFN__AXES; a++) {
            double s = 0, sw = 0;
            for (size_t k = i; k < j; k++)
                if (!isnan(lec->p[k].l.v[a])) {
                    s += lec->p[k].l.v[a] * lec->p[k].poids;
                    sw += lec->p[k].poids;
                }
            r->v[a] = sw > 0 ? s / sw : NAN;
        }
        r->total = ifn_moyenne(r->v);
        i = j;
    }
    free(w.v);
    *out = res;
    return nres;
}

/* ---- writing a variant ---- */

static void bind_axes(sqlite3_stmt *st, int first, const double v[IFN__AXES])
{
    for (int a = 0; a < IFN__AXES; a++) {
        if (isnan(v[a]))
            sqlite3_bind_null(st, first + a);
        else
            sqlite3_bind_double(st, first + a, v[a]);
    }
}

static void now_iso(char out[32])
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int step_done(struct db *d, sqlite3_stmt *st, const char *what)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : db_fail(d, what);
}

int ifn_ecrire(struct db *d, const char *variante, const char *origine, const char *description,
               const struct ifn_lecture *lec, const struct ifn_resultat *res, long n,
               struct ifn_bilan *b, char *err, size_t errlen)
{
    char now[32];
    now_iso(now);
    memset(b, 0, sizeof *b);
    b->lignes = lec->lignes;
    b->rejetees = lec->rejetees;
    b->gardees = lec->lignes - lec->rejetees;
    if (db_begin(d) < 0) {
        snprintf(err, errlen, "%s", d->err);
        return -1;
    }
    sqlite3_stmt *sv = NULL, *sc = NULL, *sr = NULL, *si = NULL, *sp = NULL;
    const char *what = "ifn";
    /* a file with communes sets the variant's description; references alone keep it */
    sv = db_prepare(d, "INSERT INTO ifn_variante(nom, origine, description, cree_le) "
                       "VALUES (?1, ?2, ?3, ?4) ON CONFLICT(nom) DO UPDATE SET "
                       "origine = CASE WHEN ?5 THEN excluded.origine ELSE origine END, "
                       "description = CASE WHEN ?5 THEN excluded.description ELSE description END, "
                       "cree_le = excluded.cree_le");
    sc = db_prepare(d, "INSERT INTO ifn_commune(variante, code, thd, mobile, pauvrete, age, "
                       "diplome, total, pieces) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
    sr = db_prepare(d, "INSERT INTO ifn_reference(variante, niveau, code, thd, mobile, pauvrete, "
                       "age, diplome, total) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
    si = db_prepare(d, "INSERT INTO ifn_import(fichier, variante, debut, lignes, gardees, "
                       "rejetees, communes) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
    sp = db_prepare(d, "INSERT INTO ifn_import_probleme(import_id, ligne, code, champ, valeur, "
                       "regle, gravite) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
    if (!sv || !sc || !sr || !si || !sp)
        goto fail;
    /* The variant's rows of the levels present in the file are replaced;
     * a file of EPCI values only adds its reference values to a variant. */
    long ncom = 0;
    int refs[IFN_DIV_REGION + 1] = {0};
    for (long i = 0; i < n; i++) {
        if (res[i].niveau_ref)
            refs[res[i].niveau_ref] = 1;
        else
            ncom++;
    }
    sqlite3_bind_text(sv, 1, variante, -1, SQLITE_STATIC);
    sqlite3_bind_text(sv, 2, origine, -1, SQLITE_STATIC);
    db_bind_text(sv, 3, description);
    sqlite3_bind_text(sv, 4, now, -1, SQLITE_STATIC);
    sqlite3_bind_int(sv, 5, ncom > 0);
    what = "ifn_variante";
    if (step_done(d, sv, what) < 0)
        goto fail;
    sqlite3_stmt *del = db_prepare(d, "DELETE FROM ifn_commune WHERE variante = ?1 AND ?2");
    sqlite3_stmt *delr = db_prepare(d, "DELETE FROM ifn_reference WHERE variante = ?1 AND niveau = ?2");
    int drc = del && delr ? 0 : -1;
    if (drc == 0) {
        sqlite3_bind_text(del, 1, variante, -1, SQLITE_STATIC);
        sqlite3_bind_int(del, 2, ncom > 0);
        drc = step_done(d, del, "ifn_commune delete");
        sqlite3_bind_text(delr, 1, variante, -1, SQLITE_STATIC);
        for (int lv = 1; lv <= IFN_DIV_REGION && drc == 0; lv++)
            if (refs[lv]) {
                sqlite3_bind_text(delr, 2, ifn_division_nom((enum ifn_division)lv), -1,
                                  SQLITE_STATIC);
                drc = step_done(d, delr, "ifn_reference delete");
            }
    }
    sqlite3_finalize(del);
    sqlite3_finalize(delr);
    if (drc < 0)
        goto fail;
    sqlite3_bind_text(sc, 1, variante, -1, SQLITE_STATIC);
    sqlite3_bind_text(sr, 1, variante, -1, SQLITE_STATIC);
    for (long i = 0; i < n; i++) {
        const struct ifn_resultat *r = &res[i];
        if (r->niveau_ref) {
            sqlite3_bind_text(sr, 2, ifn_division_nom((enum ifn_division)r->niveau_ref), -1,
                              SQLITE_STATIC);
            sqlite3_bind_text(sr, 3, r->code, -1, SQLITE_TRANSIENT);
            bind_axes(sr, 4, r->v);
            sqlite3_bind_double(sr, 9, r->total);
            if (step_done(d, sr, "ifn_reference") < 0)
                goto fail;
            b->references++;
            continue;
        }
        sqlite3_bind_text(sc, 2, r->code, -1, SQLITE_TRANSIENT);
        bind_axes(sc, 3, r->v);
        sqlite3_bind_double(sc, 8, r->total);
        sqlite3_bind_int(sc, 9, r->pieces);
        if (step_done(d, sc, "ifn_commune") < 0)
            goto fail;
        b->communes++;
        b->regroupees += r->pieces > 1;
        b->ponderees += r->pondere;
    }
    sqlite3_bind_text(si, 1, lec->fichier, -1, SQLITE_STATIC);
    sqlite3_bind_text(si, 2, variante, -1, SQLITE_STATIC);
    sqlite3_bind_text(si, 3, now, -1, SQLITE_STATIC);
    sqlite3_bind_int64(si, 4, b->lignes);
    sqlite3_bind_int64(si, 5, b->gardees);
    sqlite3_bind_int64(si, 6, b->rejetees);
    sqlite3_bind_int64(si, 7, b->communes);
    if (step_done(d, si, "ifn_import") < 0)
        goto fail;
    b->id = (long)sqlite3_last_insert_rowid(d->h);
    sqlite3_bind_int64(sp, 1, b->id);
    for (size_t i = 0; i < lec->nr; i++) {
        const struct ifn_rapport_ligne *p = &lec->r[i];
        sqlite3_bind_int64(sp, 2, p->ligne);
        sqlite3_bind_text(sp, 3, p->code, -1, SQLITE_STATIC);
        sqlite3_bind_text(sp, 4, p->champ, -1, SQLITE_STATIC);
        sqlite3_bind_text(sp, 5, p->valeur, -1, SQLITE_STATIC);
        sqlite3_bind_text(sp, 6, p->regle, -1, SQLITE_STATIC);
        sqlite3_bind_text(sp, 7, ifn_gravite_nom(p->gravite), -1, SQLITE_STATIC);
        if (step_done(d, sp, "ifn_import_probleme") < 0)
            goto fail;
    }
    char active[64];
    int has = ifn_variante_active(d, active, sizeof active);
    if (has < 0 || (has == 0 && db_meta_set(d, "ifn.variante", variante) < 0))
        goto fail;
    sqlite3_finalize(sv);
    sqlite3_finalize(sc);
    sqlite3_finalize(sr);
    sqlite3_finalize(si);
    sqlite3_finalize(sp);
    if (db_commit(d) < 0) {
        snprintf(err, errlen, "%s", d->err);
        return -1;
    }
    return 0;
fail:
    snprintf(err, errlen, "%s", d->err[0] ? d->err : "database error");
    sqlite3_finalize(sv);
    sqlite3_finalize(sc);
    sqlite3_finalize(sr);
    sqlite3_finalize(si);
    sqlite3_finalize(sp);
    db_rollback(d);
    return -1;
}

int ifn_importer(struct db *d, const char *path, const char *variante, const char *populations,
                 struct ifn_bilan *b, FILE *rapport, char *err, size_t errlen)
{
    struct ifn_lecture lec;
    memset(&lec, 0, sizeof lec);
    lec.sortie = rapport;
    memset(b, 0, sizeof *b);
    if (!variante || !variante[0])
        variante = "publie";
    struct ifn_resultat *res = NULL;
    long n;
    int rc = -1;
    if (ifn_lire(d, path, IFN_SOUS_INDICES, &lec, err, errlen) < 0 ||
        (n = ifn_combiner(&lec, populations, &res, err, errlen)) < 0)
        goto out;
    char desc[256];
    snprintf(desc, sizeof desc, "fichier publié %s", path);
    rc = ifn_ecrire(d, variante, "import", desc, &lec, res, n, b, err, errlen);
out:
    free(res);
    ifn_lecture_free(&lec);
    return rc;
}

/* ---- variants ---- */

int ifn_variante_active(struct db *d, char *out, size_t n)
{
    char *v = db_meta_get(d, "ifn.variante");
    if (!v) {
        out[0] = 0;
        return 0;
    }
    /* the variant may have been removed since */
    sqlite3_stmt *st = db_prepare_cached(d, "SELECT 1 FROM ifn_variante WHERE nom = ?1");
    if (!st) {
        free(v);
        return -1;
    }
    sqlite3_bind_text(st, 1, v, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    db_release(d, st);
    snprintf(out, n, "%s", rc == SQLITE_ROW ? v : "");
    free(v);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return db_fail(d, "ifn_variante");
    return rc == SQLITE_ROW;
}

int ifn_activer(struct db *d, const char *nom)
{
    sqlite3_stmt *st = db_prepare_cached(d, "SELECT 1 FROM ifn_variante WHERE nom = ?1");
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, nom, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    db_release(d, st);
    if (rc == SQLITE_DONE)
        return 0;
    if (rc != SQLITE_ROW)
        return db_fail(d, "ifn_variante");
    return db_meta_set(d, "ifn.variante", nom) < 0 ? -1 : 1;
}

int ifn_lister(struct db *d, FILE *out)
{
    char active[64];
    if (ifn_variante_active(d, active, sizeof active) < 0)
        return -1;
    sqlite3_stmt *st = db_prepare(d, "SELECT v.nom, v.origine, coalesce(v.description, ''), "
                                     "v.cree_le, (SELECT count(*) FROM ifn_commune c "
                                     "WHERE c.variante = v.nom) FROM ifn_variante v ORDER BY v.nom");
    if (!st)
        return -1;
    int n = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *nom = (const char *)sqlite3_column_text(st, 0);
        fprintf(out, "%s %s\t%s\t%d communes\t%s\t%s\n", strcmp(nom, active) ? " " : "*", nom,
                sqlite3_column_text(st, 1), sqlite3_column_int(st, 4), sqlite3_column_text(st, 3),
                sqlite3_column_text(st, 2));
        n++;
    }
    sqlite3_finalize(st);
    if (n == 0)
        fprintf(out, "aucune variante de l'IFN : importez un fichier (ifn import FICHIER)\n");
    return n;
}

/* ---- export and comparison ---- */

static int niveau_ok(const char *niveau)
{
    static const char *const ok[] = {"commune", "epci", "departement", "region", "nation"};
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++)
        if (strcmp(niveau, ok[i]) == 0)
            return 1;
    return 0;
}

static void csv_num(struct buf *out, sqlite3_stmt *st, int col, const char *fmt)
{
    if (sqlite3_column_type(st, col) != SQLITE_NULL)
        buf_printf(out, fmt, sqlite3_column_double(st, col));
}

long ifn_exporter(struct db *d, const char *variante, const char *niveau, int json, struct buf *out)
{
    if (!niveau_ok(niveau)) {
        snprintf(d->err, sizeof d->err, "unknown level %s", niveau);
        return -1;
    }
    sqlite3_stmt *st = db_prepare(
        d, "SELECT t.code, coalesce(i.nom, ''), t.total, t.thd, t.mobile, t.pauvrete, t.age, "
           "t.diplome, t.population, t.communes FROM ifn_territoire t LEFT JOIN "
           "territoire_indicateur i ON i.niveau = t.niveau AND i.code = t.code "
           "WHERE t.variante = ?1 AND t.niveau = ?2 AND t.total IS NOT NULL ORDER BY t.code");
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, variante, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, niveau, -1, SQLITE_STATIC);
    struct jsonw w;
    long n = 0;
    if (json) {
        jsonw_init(&w, out);
        jsonw_object(&w);
        jsonw_key(&w, "variante");
        jsonw_string(&w, variante);
        jsonw_key(&w, "niveau");
        jsonw_string(&w, niveau);
        jsonw_key(&w, "territoires");
        jsonw_array(&w);
    } else {
        buf_puts(out, "code,nom,total");
        for (int a = 0; a < IFN__AXES; a++)
            buf_printf(out, ",%s", axes[a].publie);
        buf_puts(out, ",population,communes\r\n");
    }
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        n++;
        const char *code = (const char *)sqlite3_column_text(st, 0);
        const char *nom = (const char *)sqlite3_column_text(st, 1);
        if (json) {
            jsonw_object(&w);
            jsonw_key(&w, "code");
            jsonw_string(&w, code);
            jsonw_key(&w, "nom");
            jsonw_string(&w, nom);
            jsonw_key(&w, "total");
            jsonw_double(&w, sqlite3_column_double(st, 2));
            for (int a = 0; a < IFN__AXES; a++) {
                jsonw_key(&w, axes[a].publie);
                if (sqlite3_column_type(st, 3 + a) == SQLITE_NULL)
                    jsonw_null(&w);
                else
                    jsonw_double(&w, sqlite3_column_double(st, 3 + a));
            }
            jsonw_key(&w, "population");
            jsonw_int(&w, sqlite3_column_int64(st, 8));
            jsonw_key(&w, "communes");
            jsonw_int(&w, sqlite3_column_int64(st, 9));
            jsonw_end_object(&w);
        } else {
            csv_write_field(out, code);
            buf_putc(out, ',');
            csv_write_cell(out, nom);
            buf_putc(out, ',');
            csv_num(out, st, 2, "%.6f");
            for (int a = 0; a < IFN__AXES; a++) {
                buf_putc(out, ',');
                csv_num(out, st, 3 + a, "%.6f");
            }
            buf_printf(out, ",%lld,%lld\r\n", sqlite3_column_int64(st, 8),
                       sqlite3_column_int64(st, 9));
        }
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return db_fail(d, "ifn export");
    if (json) {
        jsonw_end_array(&w);
        jsonw_end_object(&w);
        buf_putc(out, '\n');
    }
    if (out->oom) {
        snprintf(d->err, sizeof d->err, "out of memory");
        return -1;
    }
    return n;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static int cmp_ecart_desc(const void *a, const void *b)
{
    double x = ((const struct ifn_ecart *)a)->ecart, y = ((const struct ifn_ecart *)b)->ecart;
    return x < y ? 1 : x > y ? -1 : 0;
}

int ifn_comparer(struct db *d, const char *variante, const char *niveau, struct ifn_accord *a)
{
    memset(a, 0, sizeof *a);
    sqlite3_stmt *st = db_prepare(
        d, "SELECT r.code, t.total, r.total, t.thd, r.thd, t.mobile, r.mobile, t.pauvrete, "
           "r.pauvrete, t.age, r.age, t.diplome, r.diplome FROM ifn_reference r "
           "LEFT JOIN ifn_territoire t ON t.variante = r.variante AND t.niveau = r.niveau "
           "AND t.code = r.code WHERE r.variante = ?1 AND r.niveau = ?2 ORDER BY r.code");
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, variante, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, niveau, -1, SQLITE_STATIC);
    size_t cap = 0;
    double *dt = NULL;
    struct ifn_ecart *ec = NULL;
    double ssum = 0;
    long sn = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (sqlite3_column_type(st, 1) == SQLITE_NULL) {
            a->absents++;
            continue;
        }
        if ((size_t)a->n == cap) {
            cap = cap ? cap * 2 : 1024;
            double *v = realloc(dt, cap * sizeof *dt);
            struct ifn_ecart *e = v ? realloc(ec, cap * sizeof *ec) : NULL;
            if (v)
                dt = v;
            if (!v || !e) {
                free(dt);
                free(ec);
                sqlite3_finalize(st);
                snprintf(d->err, sizeof d->err, "out of memory");
                return -1;
            }
            ec = e;
        }
        double x = fabs(sqlite3_column_double(st, 1) - sqlite3_column_double(st, 2));
        dt[a->n] = x;
        snprintf(ec[a->n].code, sizeof ec[a->n].code, "%s", sqlite3_column_text(st, 0));
        ec[a->n].ecart = x;
        a->n++;
        for (int k = 0; k < IFN__AXES; k++) {
            int c = 3 + 2 * k;
            if (sqlite3_column_type(st, c) == SQLITE_NULL ||
                sqlite3_column_type(st, c + 1) == SQLITE_NULL)
                continue;
            double y = fabs(sqlite3_column_double(st, c) - sqlite3_column_double(st, c + 1));
            ssum += y;
            sn++;
            if (y > a->sous_max)
                a->sous_max = y;
        }
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        free(dt);
        free(ec);
        return db_fail(d, "ifn comparison");
    }
    if (a->n > 0) {
        qsort(dt, (size_t)a->n, sizeof *dt, cmp_double);
        double s = 0;
        long ok5 = 0, ok1 = 0;
        for (long i = 0; i < a->n; i++) {
            s += dt[i];
            ok5 += dt[i] <= 0.05;
            ok1 += dt[i] <= 0.01;
        }
        a->moyenne = s / a->n;
        a->mediane = dt[(a->n - 1) / 2];
        a->p90 = dt[(long)(0.9 * (a->n - 1))];
        a->p99 = dt[(long)(0.99 * (a->n - 1))];
        a->max = dt[a->n - 1];
        a->part_005 = (double)ok5 / a->n;
        a->part_001 = (double)ok1 / a->n;
        a->sous_moyenne = sn ? ssum / sn : 0;
        qsort(ec, (size_t)a->n, sizeof *ec, cmp_ecart_desc);
        a->npires = a->n < 10 ? (int)a->n : 10;
        memcpy(a->pires, ec, (size_t)a->npires * sizeof *ec);
    }
    free(dt);
    free(ec);
    return 0;
}
