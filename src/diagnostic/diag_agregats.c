/* diag_agregats.c - counters of finished diagnostics per territory and
 * calendar bucket (store/compteurs.h): a session's vector, adding it,
 * rebuilding, reading a period back into struct diag_counts (see
 * diag_agregats.h). */
#include "diagnostic/diag_agregats.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/jour.h"
#include "store/compteurs.h"

#define BUILT_KEY "diag_agregats" /* meta: "1" once the counters are complete */

/* Dimensions of the keys. Values: DIM_TOTAL 0 all, 1 professional mode;
 * DIM_AUTONOMIE the step; DIM_DOMAINE etiquette id * 8 + level (7: out
 * of 0..6); DIM_FREIN, DIM_BESOIN the etiquette id; DIM_DUREE 0 unknown,
 * else minutes + DUREE_BIAS. */
enum { DIM_TOTAL, DIM_AUTONOMIE, DIM_DOMAINE, DIM_FREIN, DIM_BESOIN, DIM_DUREE };
#define DUREE_BIAS (1LL << 40)
#define NSCOPES 5 /* France, région, département, EPCI, commune */

static unsigned all_grains(int portee)
{
    (void)portee;
    return (1u << SG_JOUR) | (1u << SG_MOIS) | (1u << SG_AN);
}

static int built(struct db *d)
{
    char *v = db_meta_get(d, BUILT_KEY);
    int yes = v && strcmp(v, "1") == 0;
    free(v);
    return yes;
}

/* A finished session as counted: its day, its scopes' codes, its keys. */
struct counted {
    long jour;
    char code[NSCOPES][12];
    struct stat_vec v;
};

static int put(struct db *d, struct stat_vec *v, int dim, long long val)
{
    if (stat_vec_add(v, STAT_KEY(dim, val), 1) < 0) {
        snprintf(d->err, sizeof d->err, "out of memory");
        return -1;
    }
    return 0;
}

/* Read session id into c (c->v emptied first). 1, 0 when it is not a
 * finished session with a readable date, -1. */
static int read_counted(struct db *d, long long id, struct counted *c)
{
    c->v.n = 0;
    sqlite3_stmt *st = db_prepare_cached(
        d, "SELECT CAST(julianday(substr(termine_at, 1, 10)) - 2440587.5 AS INTEGER), "
           "coalesce(region, ''), coalesce(departement, ''), coalesce(epci, ''), "
           "coalesce(commune, ''), mode = 'pro', autonomie, "
           "CAST(round((julianday(termine_at) - julianday(created_at)) * 1440) AS INTEGER) "
           "FROM diagnostic_session WHERE id = ?1 AND termine_at IS NOT NULL");
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st), r = 0;
    if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
        c->jour = (long)sqlite3_column_int64(st, 0);
        c->code[0][0] = 0;
        for (int i = 1; i < NSCOPES; i++)
            db_col_copy(st, i, c->code[i], sizeof c->code[i]);
        r = put(d, &c->v, DIM_TOTAL, 0);
        if (r == 0 && sqlite3_column_int(st, 5))
            r = put(d, &c->v, DIM_TOTAL, 1);
        if (r == 0 && sqlite3_column_type(st, 6) != SQLITE_NULL && sqlite3_column_int64(st, 6) >= 0)
            r = put(d, &c->v, DIM_AUTONOMIE, sqlite3_column_int64(st, 6));
        if (r == 0)
            r = put(d, &c->v, DIM_DUREE, sqlite3_column_type(st, 7) == SQLITE_NULL
                                             ? 0 : sqlite3_column_int64(st, 7) + DUREE_BIAS);
        r = r < 0 ? -1 : 1;
    } else if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        r = db_fail(d, "diagnostic counted");
    }
    db_release(d, st);
    if (r <= 0)
        return r;
    /* the domains, barriers and needs, numbered */
    st = db_prepare_cached(
        d, "INSERT OR IGNORE INTO diag_etiquette (genre, nom) "
           "SELECT 2, domaine FROM diagnostic_domaine WHERE session_id = ?1 "
           "UNION ALL SELECT 3, frein FROM diagnostic_frein WHERE session_id = ?1 "
           "UNION ALL SELECT 4, besoin FROM diagnostic_besoin WHERE session_id = ?1");
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    rc = sqlite3_step(st);
    db_release(d, st);
    if (rc != SQLITE_DONE)
        return db_fail(d, "diagnostic etiquettes");
    st = db_prepare_cached(
        d, "SELECT 2, e.id * 8 + CASE WHEN t.niveau BETWEEN 0 AND 6 THEN t.niveau ELSE 7 END "
           "FROM diagnostic_domaine t JOIN diag_etiquette e ON e.genre = 2 AND e.nom = t.domaine "
           "WHERE t.session_id = ?1 "
           "UNION ALL SELECT 3, e.id FROM diagnostic_frein t JOIN diag_etiquette e "
           "ON e.genre = 3 AND e.nom = t.frein WHERE t.session_id = ?1 "
           "UNION ALL SELECT 4, e.id FROM diagnostic_besoin t JOIN diag_etiquette e "
           "ON e.genre = 4 AND e.nom = t.besoin WHERE t.session_id = ?1");
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    while (r == 1 && (rc = sqlite3_step(st)) == SQLITE_ROW)
        if (put(d, &c->v, sqlite3_column_int(st, 0), sqlite3_column_int64(st, 1)) < 0)
            r = -1;
    if (r == 1 && rc != SQLITE_DONE)
        r = db_fail(d, "diagnostic tags");
    db_release(d, st);
    return r;
}

int diag_agregats_add(struct db *d, long long session_id)
{
    if (!built(d))
        return 0; /* counted from the sessions until rebuilt (which counts this one) */
    struct counted c = {0};
    int r = read_counted(d, session_id, &c);
    for (int p = 0; r == 1 && p < NSCOPES; p++) {
        if (p > 0 && !c.code[p][0])
            continue;
        for (int g = SG_JOUR; g <= SG_AN && r == 1; g++)
            if (stat_bucket_apply(d, STAT_PORTEE_DIAGNOSTIC + p, c.code[p], (enum stat_grain)g,
                                  stat_bucket_start((enum stat_grain)g, c.jour), &c.v, 1) < 0)
                r = -1;
    }
    stat_vec_free(&c.v);
    return r < 0 ? -1 : 0;
}

static int rebuild_in(struct db *d, long *buckets)
{
    char del[80];
    snprintf(del, sizeof del, "DELETE FROM stat_agregat WHERE portee >= %d", STAT_PORTEE_DIAGNOSTIC);
    long long *ids;
    size_t n;
    if (db_exec(d, del) < 0 ||
        db_collect_ids(d, "SELECT id FROM diagnostic_session WHERE termine_at IS NOT NULL "
                          "ORDER BY substr(termine_at, 1, 10), id", &ids, &n) < 0)
        return -1;
    struct stat_rebuild rb = {.grains = all_grains};
    struct counted c = {0};
    int r = 0;
    for (size_t i = 0; i < n && r == 0; i++) {
        int k = read_counted(d, ids[i], &c);
        if (k < 0)
            r = -1;
        for (int p = 0; k == 1 && p < NSCOPES && r == 0; p++)
            if (p == 0 || c.code[p][0])
                r = stat_rebuild_add(d, &rb, STAT_PORTEE_DIAGNOSTIC + p, c.code[p], c.jour, &c.v);
    }
    if (r == 0)
        r = stat_rebuild_end(d, &rb);
    if (buckets)
        *buckets = rb.count;
    stat_rebuild_free(&rb);
    stat_vec_free(&c.v);
    free(ids);
    return r < 0 || db_meta_set(d, BUILT_KEY, "1") < 0 ? -1 : 0;
}

int diag_agregats_rebuild(struct db *d, long *buckets)
{
    int own = sqlite3_get_autocommit(d->h);
    if (own && db_begin(d) < 0)
        return -1;
    int r = rebuild_in(d, buckets);
    if (own) {
        if (r == 0 && db_commit(d) < 0)
            r = -1;
        if (r < 0)
            db_rollback(d);
    }
    return r;
}

int diag_agregats_ensure(struct db *d, long *buckets)
{
    if (buckets)
        *buckets = -1;
    return built(d) ? 0 : diag_agregats_rebuild(d, buckets);
}

/* ---- reading ---- */

struct etiquette {
    long long id;
    int genre;
    char nom[DIAG_TAG_MAX];
};
struct etiquettes {
    struct etiquette *v;
    size_t n;
};

static void fill_etiquette(sqlite3_stmt *st, void *e)
{
    struct etiquette *x = e;
    x->id = sqlite3_column_int64(st, 0);
    x->genre = sqlite3_column_int(st, 1);
    db_col_copy(st, 2, x->nom, sizeof x->nom);
}

static const char *name_of(const struct etiquettes *t, int genre, long long id)
{
    for (size_t lo = 0, hi = t->n; lo < hi;) { /* ordered by id */
        size_t mid = lo + (hi - lo) / 2;
        if (t->v[mid].id < id)
            lo = mid + 1;
        else if (t->v[mid].id > id)
            hi = mid;
        else
            return t->v[mid].genre == genre ? t->v[mid].nom : NULL;
    }
    return NULL;
}

struct named {
    const char *nom;
    int niveau;
    long long n;
};

static int cmp_named(const void *a, const void *b)
{
    const struct named *x = a, *y = b;
    int c = strcmp(x->nom, y->nom);
    return c ? c : (x->niveau > y->niveau) - (x->niveau < y->niveau);
}

/* The vector's entries of dimension dim, named and in the order the
 * count from the sessions gives them (by name, then level). *out is
 * malloc'd. Returns the count, or -1 (memory). */
static long named_of(const struct stat_vec *v, const struct etiquettes *t, int dim,
                     struct named **out)
{
    *out = malloc((v->n ? v->n : 1) * sizeof **out);
    if (!*out)
        return -1;
    long n = 0;
    for (size_t i = 0; i < v->n; i++) {
        if (STAT_DIM(v->v[i].key) != dim)
            continue;
        long long val = STAT_VAL(v->v[i].key);
        const char *nom = name_of(t, dim, dim == DIM_DOMAINE ? val / 8 : val);
        if (nom)
            (*out)[n++] = (struct named){nom, dim == DIM_DOMAINE ? (int)(val % 8) : 0, v->v[i].n};
    }
    qsort(*out, (size_t)n, sizeof **out, cmp_named);
    return n;
}

static void put_domains(const struct named *x, long n, struct diag_counts *out)
{
    for (long i = 0; i < n; i++) {
        int k;
        for (k = 0; k < out->ndom && strcmp(out->dom[k].id, x[i].nom) != 0; k++)
            ;
        if (k == out->ndom) {
            if (out->ndom >= DIAG_MAX_DOMAINES)
                continue;
            snprintf(out->dom[out->ndom++].id, DIAG_TAG_MAX, "%s", x[i].nom);
        }
        if (x[i].niveau <= DIAG_LEVELS)
            out->dom[k].niveau[x[i].niveau] += (long)x[i].n;
    }
}

/* The median duration: the ((total - 1) / 2)-th in increasing order,
 * unknown ones first (as NULLs sort in SQL, and read as 0). */
static void put_median(const struct stat_vec *v, struct diag_counts *out)
{
    if (out->total <= 0)
        return;
    long long at = (out->total - 1) / 2;
    for (size_t i = 0; i < v->n; i++) {
        if (STAT_DIM(v->v[i].key) != DIM_DUREE)
            continue;
        if (at < v->v[i].n) {
            long long val = STAT_VAL(v->v[i].key);
            out->duree_mediane = val == 0 ? 0 : (long)((val - DUREE_BIAS) * 60);
            return;
        }
        at -= v->v[i].n;
    }
}

static int fill_counts(struct db *d, const struct stat_vec *v, struct diag_counts *out)
{
    struct etiquettes t = {0};
    sqlite3_stmt *st = db_prepare(d, "SELECT id, genre, nom FROM diag_etiquette ORDER BY id");
    if (!st || db_collect(d, st, (void **)&t.v, &t.n, sizeof *t.v, fill_etiquette) < 0)
        return -1;
    out->total = (long)stat_vec_get(v, STAT_KEY(DIM_TOTAL, 0));
    out->pro = (long)stat_vec_get(v, STAT_KEY(DIM_TOTAL, 1));
    for (int a = 1; a <= DIAG_STEPS; a++)
        out->autonomie[a] = (long)stat_vec_get(v, STAT_KEY(DIM_AUTONOMIE, a));
    struct named *x = NULL;
    long n = named_of(v, &t, DIM_DOMAINE, &x);
    if (n >= 0)
        put_domains(x, n, out);
    free(x);
    for (int dim = DIM_FREIN; n >= 0 && dim <= DIM_BESOIN; dim++) {
        n = named_of(v, &t, dim, &x);
        for (long i = 0; i < n && i < DIAG_MAX_TAGS; i++) {
            int k = dim == DIM_FREIN ? out->nfreins++ : out->nbesoins++;
            snprintf(dim == DIM_FREIN ? out->freins[k].id : out->besoins[k].id, DIAG_TAG_MAX, "%s",
                     x[i].nom);
            if (dim == DIM_FREIN)
                out->freins[k].n = (long)x[i].n;
            else
                out->besoins[k].n = (long)x[i].n;
        }
        free(x);
    }
    free(t.v);
    if (n < 0) {
        snprintf(d->err, sizeof d->err, "out of memory");
        return -1;
    }
    put_median(v, out);
    return 0;
}

struct period_read {
    struct db *d;
    int portee;
    const char *code;
    struct stat_vec *v;
};

static int read_run(int grain, long from, long to, void *arg)
{
    struct period_read *q = arg;
    return stat_buckets_read(q->d, q->portee, q->code, (enum stat_grain)grain, from, to, q->v,
                             NULL) < 0;
}

/* The scope of a filter: 0 France ... 4 commune, -1 unknown. */
static int scope_of(const struct diag_filter *f)
{
    static const char *const names[] = {"region", "departement", "epci", "commune"};
    if (!f->niveau)
        return 0;
    for (int i = 0; i < 4; i++)
        if (strcmp(f->niveau, names[i]) == 0)
            return i + 1;
    return -1;
}

int diag_agregats_counts(struct db *d, const struct diag_filter *f, struct diag_counts *out)
{
    memset(out, 0, sizeof *out);
    out->duree_mediane = -1;
    int scope = scope_of(f);
    if (scope < 0 || diag_filter_ok(f) < 0) {
        snprintf(d->err, sizeof d->err, "unknown territory level");
        return -1;
    }
    long du = jour_from_civil(1900, 1, 1), au = jour_from_civil(2199, 12, 31);
    if ((f->depuis && jour_parse(f->depuis, &du) < 0) || (f->jusqu && jour_parse(f->jusqu, &au) < 0) ||
        !built(d))
        return 0;
    struct stat_vec v = {0};
    struct period_read q = {d, STAT_PORTEE_DIAGNOSTIC + scope, scope ? f->code : "", &v};
    int r = jour_decoupe(du, au, read_run, &q) != 0 ? -1 : fill_counts(d, &v, out);
    stat_vec_free(&v);
    return r < 0 ? -1 : 1;
}
