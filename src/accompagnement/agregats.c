/* agregats.c - statistics aggregates: counters of a record, sparse
 * vectors, their maintenance per bucket, queries over a period, the
 * rebuild from the records and the same figures in plain SQL (see
 * agregats.h). */
#include "accompagnement/agregats.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/jour.h"
#include "territoires/territoires.h"

static const char *const dim_names[SD__COUNT] = {
    "total", "type", "duree", "type_lieu", "thematique", "thematique_administrative",
    "materiel", "autonomie", "orientation", "niveau", "genre", "tranche_age", "statut",
    "commune", "commune_personnes", "departement", "departement_personnes", "region",
    "region_personnes", "lieu",
};
static const char *const portee_names[SP__COUNT] = {
    "nation", "region", "departement", "epci", "commune", "structure", "compte",
};

const char *stat_dim_name(enum stat_dim d)
{
    return (unsigned)d < SD__COUNT ? dim_names[d] : "?";
}

const char *stat_portee_name(enum stat_portee p)
{
    return (unsigned)p < SP__COUNT ? portee_names[p] : "?";
}

int stat_portee_parse(const char *s)
{
    for (int i = 0; s && i < SP__COUNT; i++)
        if (strcmp(s, portee_names[i]) == 0)
            return i;
    return -1;
}

int stat_dim_unit(enum stat_dim d)
{
    switch (d) {
    case SD_GENRE: case SD_AGE: case SD_STATUT: case SD_COMMUNE_ACC: case SD_DEPARTEMENT_ACC:
    case SD_REGION_ACC:
        return 2;
    default:
        return 1;
    }
}

/* ---- territorial codes as numbers ---- */

static long long digits(const char *s, size_t n)
{
    long long v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

long long stat_code_num(enum stat_dim d, const char *code)
{
    if (!code)
        return -1;
    size_t n = strlen(code);
    switch (d) {
    case SD_COMMUNE: case SD_COMMUNE_ACC:
        if (n != 5)
            return -1;
        if (code[0] == '2' && (code[1] == 'A' || code[1] == 'B')) {
            long long r = digits(code + 2, 3);
            return r < 0 ? -1 : (code[1] == 'A' ? 100000 : 101000) + r;
        }
        return digits(code, 5);
    case SD_DEPARTEMENT: case SD_DEPARTEMENT_ACC:
        if (n == 2 && code[0] == '2' && (code[1] == 'A' || code[1] == 'B'))
            return code[1] == 'A' ? 1001 : 1002;
        return n >= 2 && n <= 3 ? digits(code, n) : -1;
    case SD_REGION: case SD_REGION_ACC:
        return n >= 1 && n <= 3 ? digits(code, n) : -1;
    default:
        return -1;
    }
}

void stat_num_code(enum stat_dim d, long long num, char *out, size_t n)
{
    switch (d) {
    case SD_COMMUNE: case SD_COMMUNE_ACC:
        if (num >= 100000 && num < 102000)
            snprintf(out, n, "2%c%03lld", num >= 101000 ? 'B' : 'A', num % 1000);
        else
            snprintf(out, n, "%05lld", num);
        return;
    case SD_DEPARTEMENT: case SD_DEPARTEMENT_ACC:
        if (num == 1001 || num == 1002)
            snprintf(out, n, "2%c", num == 1001 ? 'A' : 'B');
        else
            snprintf(out, n, num < 100 ? "%02lld" : "%lld", num);
        return;
    default:
        snprintf(out, n, num < 10 ? "%02lld" : "%lld", num);
    }
}

/* ---- contributions of one record ---- */

static int cmp_entry(const void *a, const void *b)
{
    uint64_t x = ((const struct stat_entry *)a)->key, y = ((const struct stat_entry *)b)->key;
    return x < y ? -1 : x > y;
}

struct adder {
    struct stat_vec *v;
    int oom;
};

static void put(struct adder *ad, enum stat_dim d, long long val, long long n)
{
    if (n == 0 || val < 0 || ad->oom)
        return;
    struct stat_vec *v = ad->v;
    if (array_grow(&v->v, v->n, &v->cap, sizeof *v->v) < 0) {
        ad->oom = 1;
        return;
    }
    v->v[v->n++] = (struct stat_entry){STAT_KEY(d, val), n};
}

static void put_bits(struct adder *ad, enum stat_dim d, unsigned bits)
{
    for (int k = 0; k < 32; k++)
        if (bits & (1u << k))
            put(ad, d, k, 1);
}

int stat_contributions(const struct activite *a, struct stat_vec *out)
{
    out->n = 0;
    struct adder ad = {out, 0};
    put(&ad, SD_TOTAL, STT_ACTIVITES, 1);
    put(&ad, SD_TOTAL, STT_ACCOMPAGNEMENTS, a->participants);
    if (a->type == ACT_COLLECTIF)
        put(&ad, SD_TOTAL, STT_PARTICIPANTS_COLLECTIFS, a->participants);
    put(&ad, SD_TOTAL, STT_ANONYMES, a->anonymes);
    put(&ad, SD_TOTAL, STT_SUIVIS, a->suivis);
    put(&ad, SD_TOTAL, STT_NOUVEAUX, a->nouveaux);
    put(&ad, SD_TOTAL, STT_MINUTES, a->duree);
    if (a->redirection >= 0)
        put(&ad, SD_TOTAL, STT_ORIENTES, 1);
    put(&ad, SD_TYPE, a->type, 1);
    put(&ad, SD_DUREE, accomp_duree_bande(a->duree), 1);
    put(&ad, SD_LIEU_TYPE, a->lieu_type, 1);
    put_bits(&ad, SD_THEME, a->themes);
    put_bits(&ad, SD_THEME_ADMIN, a->themes_admin);
    put_bits(&ad, SD_MATERIEL, a->materiel);
    put(&ad, SD_AUTONOMIE, a->autonomie, 1);
    put(&ad, SD_REDIRECTION, a->redirection, 1);
    put(&ad, SD_NIVEAU, a->niveau, 1);
    for (int i = 0; i < NGENRE; i++)
        put(&ad, SD_GENRE, i, a->genre[i]);
    for (int i = 0; i < NAGE; i++)
        put(&ad, SD_AGE, i, a->age[i]);
    for (int i = 0; i < NSTATUT; i++)
        put(&ad, SD_STATUT, i, a->statut[i]);
    long long c = stat_code_num(SD_COMMUNE, a->commune);
    put(&ad, SD_COMMUNE, c, 1);
    put(&ad, SD_COMMUNE_ACC, c, a->participants);
    long long p = stat_code_num(SD_DEPARTEMENT, a->departement);
    put(&ad, SD_DEPARTEMENT, p, 1);
    put(&ad, SD_DEPARTEMENT_ACC, p, a->participants);
    long long r = stat_code_num(SD_REGION, a->region);
    put(&ad, SD_REGION, r, 1);
    put(&ad, SD_REGION_ACC, r, a->participants);
    if (a->lieu_pid > 0)
        put(&ad, SD_LIEU, a->lieu_pid, 1);
    if (ad.oom)
        return -1;
    qsort(out->v, out->n, sizeof *out->v, cmp_entry);
    return 0;
}

/* Which dimensions a scope keeps: territorial breakdowns only where they
 * stay small. */
static int scope_keeps(enum stat_portee p, int dim)
{
    switch (dim) {
    case SD_COMMUNE: case SD_COMMUNE_ACC:
        return p >= SP_DEPARTEMENT && p != SP_COMMUNE;
    case SD_LIEU:
        return p >= SP_DEPARTEMENT;
    case SD_DEPARTEMENT: case SD_DEPARTEMENT_ACC:
        return p == SP_NATION || p == SP_REGION;
    case SD_REGION: case SD_REGION_ACC:
        return p == SP_NATION;
    default:
        return 1;
    }
}

/* Grains kept per scope (bits 1 << SG_*). */
static unsigned scope_grains(enum stat_portee p)
{
    return p == SP_COMPTE ? (1u << SG_MOIS) | (1u << SG_AN)
                          : (1u << SG_JOUR) | (1u << SG_MOIS) | (1u << SG_AN);
}

/* scope_grains() for the rebuild (scopes as integers). */
static unsigned grains_of(int p)
{
    return scope_grains((enum stat_portee)p);
}

/* The scope code of record a, into out[n]; 0 when it has none. */
static int scope_code(const struct activite *a, enum stat_portee p, char *out, size_t n)
{
    switch (p) {
    case SP_NATION: snprintf(out, n, "%s", ""); return 1;
    case SP_REGION: snprintf(out, n, "%s", a->region); break;
    case SP_DEPARTEMENT: snprintf(out, n, "%s", a->departement); break;
    case SP_EPCI: snprintf(out, n, "%s", a->epci); break;
    case SP_COMMUNE: snprintf(out, n, "%s", a->commune); break;
    case SP_STRUCTURE: snprintf(out, n, "%lld", a->structure_id); break;
    case SP_COMPTE: snprintf(out, n, "%lld", a->compte_id); break;
    default: return 0;
    }
    return out[0] != 0;
}

static void filter_scope(const struct stat_vec *all, enum stat_portee p, struct stat_vec *out)
{
    out->n = 0;
    for (size_t i = 0; i < all->n; i++)
        if (scope_keeps(p, STAT_DIM(all->v[i].key)))
            out->v[out->n++] = all->v[i];
}

int stat_apply(struct db *d, const struct activite *a, int sign)
{
    struct stat_vec all = {0}, part = {0};
    if (stat_contributions(a, &all) < 0) {
        snprintf(d->err, sizeof d->err, "out of memory");
        return -1;
    }
    part.v = malloc((all.n ? all.n : 1) * sizeof *part.v);
    if (!part.v) {
        stat_vec_free(&all);
        snprintf(d->err, sizeof d->err, "out of memory");
        return -1;
    }
    part.cap = all.n;
    int r = 0;
    for (int p = 0; p < SP__COUNT && r == 0; p++) {
        char code[32];
        if (!scope_code(a, (enum stat_portee)p, code, sizeof code))
            continue;
        filter_scope(&all, (enum stat_portee)p, &part);
        for (int g = SG_JOUR; g <= SG_AN && r == 0; g++)
            if (scope_grains((enum stat_portee)p) & (1u << g))
                r = stat_bucket_apply(d, p, code, (enum stat_grain)g,
                                      stat_bucket_start((enum stat_grain)g, a->jour), &part, sign);
    }
    stat_vec_free(&all);
    stat_vec_free(&part);
    return r;
}

/* ---- rebuild ---- */

int stat_rebuild(struct db *d, long *buckets)
{
    int own = sqlite3_get_autocommit(d->h);
    if (own && db_begin(d) < 0)
        return -1;
    struct stat_rebuild rb = {.grains = grains_of};
    struct stat_vec all = {0}, part = {0};
    sqlite3_stmt *st = NULL;
    int r = -1;
    char del[80];
    snprintf(del, sizeof del, "DELETE FROM stat_agregat WHERE portee < %d", STAT_PORTEE_DIAGNOSTIC);
    if (db_exec(d, del) < 0)
        goto done;
    st = db_prepare(d, "SELECT " ACTIVITE_COLUMNS " FROM activite ORDER BY jour");
    if (!st)
        goto done;
    int rc;
    struct activite a;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        activite_read_row(st, 0, &a);
        if (stat_contributions(&a, &all) < 0)
            goto oom;
        if (part.cap < all.n) {
            free(part.v);
            part.v = malloc(all.n * sizeof *part.v);
            part.cap = part.v ? all.n : 0;
            if (!part.v)
                goto oom;
        }
        for (int p = 0; p < SP__COUNT; p++) {
            char code[32];
            if (!scope_code(&a, (enum stat_portee)p, code, sizeof code))
                continue;
            filter_scope(&all, (enum stat_portee)p, &part);
            if (stat_rebuild_add(d, &rb, p, code, a.jour, &part) < 0)
                goto done;
        }
    }
    if (rc != SQLITE_DONE) {
        db_fail(d, "aggregate rebuild scan");
        goto done;
    }
    r = stat_rebuild_end(d, &rb);
    goto done;
oom:
    snprintf(d->err, sizeof d->err, "out of memory");
done:
    sqlite3_finalize(st);
    stat_rebuild_free(&rb);
    stat_vec_free(&all);
    stat_vec_free(&part);
    if (own) {
        if (r == 0 && db_commit(d) < 0)
            r = -1;
        if (r < 0)
            db_rollback(d);
    }
    if (buckets)
        *buckets = rb.count;
    return r;
}

/* ---- queries ---- */

/* Columns of activite holding the scope. */
static const char *scope_column(enum stat_portee p)
{
    switch (p) {
    case SP_REGION: return "region";
    case SP_DEPARTEMENT: return "departement";
    case SP_EPCI: return "epci";
    case SP_COMMUNE: return "commune";
    case SP_STRUCTURE: return "structure_id";
    case SP_COMPTE: return "compte_id";
    default: return NULL;
    }
}

/* Add the records of scope p over [du, au] read from the records
 * themselves (the médiateur's days). */
static int add_raw(struct db *d, enum stat_portee p, const char *code, long du, long au,
                   struct stat_vec *out, long *rows)
{
    if (p != SP_COMPTE) {
        snprintf(d->err, sizeof d->err, "raw days for scope %d", p);
        return -1;
    }
    sqlite3_stmt *st = db_prepare_cached(d, "SELECT " ACTIVITE_COLUMNS " FROM activite "
                                            "WHERE compte_id = ?1 AND jour BETWEEN ?2 AND ?3");
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, atoll(code));
    sqlite3_bind_int64(st, 2, du);
    sqlite3_bind_int64(st, 3, au);
    struct stat_vec all = {0};
    int rc, r = 0;
    struct activite a;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        activite_read_row(st, 0, &a);
        if (stat_contributions(&a, &all) < 0) {
            r = -1;
            snprintf(d->err, sizeof d->err, "out of memory");
            break;
        }
        for (size_t i = 0; i < all.n; i++)
            if (scope_keeps(p, STAT_DIM(all.v[i].key)) &&
                stat_vec_add(out, all.v[i].key, all.v[i].n) < 0) {
                r = -1;
                snprintf(d->err, sizeof d->err, "out of memory");
                break;
            }
        if (r < 0)
            break;
        if (rows)
            (*rows)++;
    }
    if (r == 0 && rc != SQLITE_DONE)
        r = db_fail(d, "raw days");
    db_release(d, st);
    stat_vec_free(&all);
    return r;
}

static int add_range(struct db *d, enum stat_portee p, const char *code, enum stat_grain g,
                     long from, long to, struct stat_vec *out, long *rows)
{
    if (!(scope_grains(p) & (1u << g)))
        return add_raw(d, p, code, from, to, out, rows);
    return stat_buckets_read(d, (int)p, code, g, from, to, out, rows);
}

struct range_query {
    struct db *d;
    enum stat_portee p;
    const char *code;
    struct stat_vec *out;
    long *rows;
};

static int range_run(int grain, long from, long to, void *arg)
{
    struct range_query *q = arg;
    return add_range(q->d, q->p, q->code, (enum stat_grain)grain, from, to, q->out, q->rows) < 0;
}

int stat_query(struct db *d, enum stat_portee p, const char *code, long du, long au,
               struct stat_vec *out, long *rows)
{
    memset(out, 0, sizeof *out);
    if (rows)
        *rows = 0;
    if ((unsigned)p >= SP__COUNT || !code) {
        snprintf(d->err, sizeof d->err, "bad scope");
        return -1;
    }
    struct range_query q = {d, p, code, out, rows};
    if (jour_decoupe(du, au, range_run, &q) != 0)
        goto fail;
    return 0;
fail:
    stat_vec_free(out);
    return -1;
}

/* ---- the same figures in plain SQL ---- */

/* The SELECT list summing every fixed counter, in the order read back by
 * sql_fixed(). Built from constant fragments only. */
static void fixed_select(struct buf *b)
{
    buf_puts(b, "SELECT count(*), total(participants), total(CASE WHEN type = 1 THEN "
                "participants END), total(anonymes), total(suivis), total(nouveaux), total(duree), "
                "total(redirection IS NOT NULL), total(type = 0), total(type = 1), "
                "total(duree < 30), total(duree >= 30 AND duree < 60), "
                "total(duree >= 60 AND duree < 120), total(duree >= 120)");
    for (int i = 0; i < 4; i++)
        buf_printf(b, ", total(lieu_type = %d)", i);
    for (int i = 0; i < accomp_voc(AV_THEME)->n; i++)
        buf_printf(b, ", total((thematiques >> %d) & 1)", i);
    for (int i = 0; i < accomp_voc(AV_THEME_ADMIN)->n; i++)
        buf_printf(b, ", total((thematiques_admin >> %d) & 1)", i);
    for (int i = 0; i < accomp_voc(AV_MATERIEL)->n; i++)
        buf_printf(b, ", total((materiel >> %d) & 1)", i);
    for (int i = 0; i < accomp_voc(AV_AUTONOMIE)->n; i++)
        buf_printf(b, ", total(autonomie = %d)", i);
    for (int i = 0; i < accomp_voc(AV_REDIRECTION)->n; i++)
        buf_printf(b, ", total(redirection = %d)", i);
    for (int i = 0; i < accomp_voc(AV_NIVEAU)->n; i++)
        buf_printf(b, ", total(niveau = %d)", i);
    buf_puts(b, ", total(g_f), total(g_m), total(g_nc), total(a_m12), total(a_12_17), "
                "total(a_18_24), total(a_25_39), total(a_40_59), total(a_60_69), total(a_70p), "
                "total(a_nc), total(s_scol), total(s_sans), total(s_emploi), total(s_retraite), "
                "total(s_nc) FROM activite");
}

static void where_clause(struct buf *b, enum stat_portee p)
{
    const char *col = scope_column(p);
    if (col)
        buf_printf(b, " WHERE %s = ?3 AND jour BETWEEN ?1 AND ?2", col);
    else
        buf_puts(b, " WHERE jour BETWEEN ?1 AND ?2");
}

static void bind_scope(sqlite3_stmt *st, enum stat_portee p, const char *code, long du, long au)
{
    sqlite3_bind_int64(st, 1, du);
    sqlite3_bind_int64(st, 2, au);
    if (p == SP_STRUCTURE || p == SP_COMPTE)
        sqlite3_bind_int64(st, 3, atoll(code));
    else if (p != SP_NATION)
        sqlite3_bind_text(st, 3, code, -1, SQLITE_TRANSIENT);
}

static int sql_fixed(struct db *d, enum stat_portee p, const char *code, long du, long au,
                     struct stat_vec *out)
{
    struct buf q = BUF_INIT;
    fixed_select(&q);
    where_clause(&q, p);
    sqlite3_stmt *st = q.oom ? NULL : db_prepare_cached(d, q.s);
    buf_free(&q);
    if (!st)
        return -1;
    bind_scope(st, p, code, du, au);
    int rc = sqlite3_step(st), r = 0;
    if (rc == SQLITE_ROW) {
        int c = 0;
#define COL() ((long long)sqlite3_column_double(st, c++))
        long long n = sqlite3_column_int64(st, c++);
        if (n > 0) {
            r |= stat_vec_add(out, STAT_KEY(SD_TOTAL, STT_ACTIVITES), n);
            for (int t = STT_ACCOMPAGNEMENTS; t <= STT_ORIENTES; t++)
                r |= stat_vec_add(out, STAT_KEY(SD_TOTAL, t), COL());
            for (int i = 0; i < 2; i++)
                r |= stat_vec_add(out, STAT_KEY(SD_TYPE, i), COL());
            for (int i = 0; i < 4; i++)
                r |= stat_vec_add(out, STAT_KEY(SD_DUREE, i), COL());
            for (int i = 0; i < 4; i++)
                r |= stat_vec_add(out, STAT_KEY(SD_LIEU_TYPE, i), COL());
            static const struct { int dim, voc; } lists[] = {
                {SD_THEME, AV_THEME}, {SD_THEME_ADMIN, AV_THEME_ADMIN}, {SD_MATERIEL, AV_MATERIEL},
                {SD_AUTONOMIE, AV_AUTONOMIE}, {SD_REDIRECTION, AV_REDIRECTION},
                {SD_NIVEAU, AV_NIVEAU}};
            for (size_t k = 0; k < sizeof lists / sizeof *lists; k++)
                for (int i = 0; i < accomp_voc((enum accomp_voc)lists[k].voc)->n; i++)
                    r |= stat_vec_add(out, STAT_KEY(lists[k].dim, i), COL());
            for (int i = 0; i < NGENRE; i++)
                r |= stat_vec_add(out, STAT_KEY(SD_GENRE, i), COL());
            for (int i = 0; i < NAGE; i++)
                r |= stat_vec_add(out, STAT_KEY(SD_AGE, i), COL());
            for (int i = 0; i < NSTATUT; i++)
                r |= stat_vec_add(out, STAT_KEY(SD_STATUT, i), COL());
        }
#undef COL
    } else {
        r = db_fail(d, "statistics sql");
    }
    db_release(d, st);
    if (r < 0 && !d->err[0])
        snprintf(d->err, sizeof d->err, "out of memory");
    return r < 0 ? -1 : 0;
}

/* GROUP BY one column into dims (activities, people). */
static int sql_group(struct db *d, enum stat_portee p, const char *code, long du, long au,
                     const char *col, enum stat_dim dim, enum stat_dim dim_acc,
                     struct stat_vec *out)
{
    struct buf q = BUF_INIT;
    buf_printf(&q, "SELECT %s, count(*), sum(participants) FROM activite", col);
    where_clause(&q, p);
    buf_printf(&q, " AND %s IS NOT NULL GROUP BY %s", col, col);
    sqlite3_stmt *st = q.oom ? NULL : db_prepare_cached(d, q.s);
    buf_free(&q);
    if (!st)
        return -1;
    bind_scope(st, p, code, du, au);
    int rc, r = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        long long num = dim == SD_LIEU ? sqlite3_column_int64(st, 0)
                                       : stat_code_num(dim, (const char *)sqlite3_column_text(st, 0));
        if (num < 0 || (dim == SD_LIEU && num == 0))
            continue;
        r |= stat_vec_add(out, STAT_KEY(dim, num), sqlite3_column_int64(st, 1));
        if ((int)dim_acc >= 0)
            r |= stat_vec_add(out, STAT_KEY(dim_acc, num), sqlite3_column_int64(st, 2));
    }
    if (rc != SQLITE_DONE)
        r = db_fail(d, "statistics sql group");
    db_release(d, st);
    return r < 0 ? -1 : 0;
}

int stat_query_sql(struct db *d, enum stat_portee p, const char *code, long du, long au,
                   struct stat_vec *out)
{
    memset(out, 0, sizeof *out);
    d->err[0] = 0;
    int r = sql_fixed(d, p, code, du, au, out);
    if (r == 0 && scope_keeps(p, SD_COMMUNE))
        r = sql_group(d, p, code, du, au, "commune", SD_COMMUNE, SD_COMMUNE_ACC, out);
    if (r == 0 && scope_keeps(p, SD_DEPARTEMENT))
        r = sql_group(d, p, code, du, au, "departement", SD_DEPARTEMENT, SD_DEPARTEMENT_ACC, out);
    if (r == 0 && scope_keeps(p, SD_REGION))
        r = sql_group(d, p, code, du, au, "region", SD_REGION, SD_REGION_ACC, out);
    if (r == 0 && scope_keeps(p, SD_LIEU))
        r = sql_group(d, p, code, du, au, "lieu_pid", SD_LIEU, (enum stat_dim)-1, out);
    if (r < 0)
        stat_vec_free(out);
    return r;
}

/* ---- per commune, for the territorial dashboards ---- */

void stat_commune_counts_free(struct stat_commune_counts *c)
{
    free(c->v);
    c->v = NULL;
    c->n = 0;
}

/* Append the communes of vector v (keeping those of `only` when it is a
 * commune code). */
static int take_communes(const struct stat_vec *v, const char *only, struct stat_commune_counts *out,
                         size_t *cap)
{
    for (size_t i = 0; i < v->n; i++) {
        int dim = STAT_DIM(v->v[i].key);
        if (dim != SD_COMMUNE)
            continue;
        char code[8];
        stat_num_code(SD_COMMUNE, STAT_VAL(v->v[i].key), code, sizeof code);
        if (only && strcmp(only, code) != 0)
            continue;
        if (array_grow(&out->v, out->n, cap, sizeof *out->v) < 0)
            return -1;
        struct stat_commune_count *c = &out->v[out->n++];
        snprintf(c->code, sizeof c->code, "%s", code);
        c->activites = v->v[i].n;
        c->accompagnements = stat_vec_get(v, STAT_KEY(SD_COMMUNE_ACC, STAT_VAL(v->v[i].key)));
    }
    return 0;
}

static int cmp_commune(const void *a, const void *b)
{
    return strcmp(((const struct stat_commune_count *)a)->code,
                  ((const struct stat_commune_count *)b)->code);
}

int stat_counts_by_commune(struct db *d, int niveau, const char *code, long du, long au,
                           struct stat_commune_counts *out)
{
    memset(out, 0, sizeof *out);
    size_t cap = 0;
    struct stat_vec v;
    if (niveau == TERRITOIRE_EPCI || niveau == TERRITOIRE_DEPARTEMENT ||
        niveau == TERRITOIRE_COMMUNE) {
        /* A commune's own figures are in its département's breakdown. */
        char dep[8] = "";
        enum stat_portee p = niveau == TERRITOIRE_EPCI ? SP_EPCI : SP_DEPARTEMENT;
        const char *scope = code;
        if (niveau == TERRITOIRE_COMMUNE) {
            struct territoire_commune c;
            int k = territoires_commune(d, code, &c);
            if (k <= 0)
                return k;
            snprintf(dep, sizeof dep, "%s", c.departement);
            scope = dep;
        }
        if (stat_query(d, p, scope, du, au, &v, NULL) < 0)
            return -1;
        int r = take_communes(&v, niveau == TERRITOIRE_COMMUNE ? code : NULL, out, &cap);
        stat_vec_free(&v);
        if (r < 0) {
            stat_commune_counts_free(out);
            snprintf(d->err, sizeof d->err, "out of memory");
            return -1;
        }
        return 0;
    }
    /* France or a région: the breakdown of each of its départements. */
    struct territoire_list deps;
    if (niveau == TERRITOIRE_REGION) {
        if (territoires_children(d, TERRITOIRE_REGION, code, TERRITOIRE_DEPARTEMENT, &deps) < 0)
            return -1;
    } else {
        if (stat_query(d, SP_NATION, "", du, au, &v, NULL) < 0)
            return -1;
        memset(&deps, 0, sizeof deps);
        size_t dcap = 0;
        for (size_t i = 0; i < v.n; i++) {
            if (STAT_DIM(v.v[i].key) != SD_DEPARTEMENT)
                continue;
            if (array_grow(&deps.v, deps.n, &dcap, sizeof *deps.v) < 0) {
                territoire_list_free(&deps);
                stat_vec_free(&v);
                snprintf(d->err, sizeof d->err, "out of memory");
                return -1;
            }
            memset(&deps.v[deps.n], 0, sizeof deps.v[0]);
            stat_num_code(SD_DEPARTEMENT, STAT_VAL(v.v[i].key), deps.v[deps.n].code,
                          sizeof deps.v[0].code);
            deps.n++;
        }
        stat_vec_free(&v);
    }
    int r = 0;
    for (size_t i = 0; i < deps.n && r == 0; i++) {
        if (stat_query(d, SP_DEPARTEMENT, deps.v[i].code, du, au, &v, NULL) < 0) {
            r = -1;
            break;
        }
        r = take_communes(&v, NULL, out, &cap);
        stat_vec_free(&v);
        if (r < 0)
            snprintf(d->err, sizeof d->err, "out of memory");
    }
    territoire_list_free(&deps);
    if (r < 0) {
        stat_commune_counts_free(out);
        return -1;
    }
    qsort(out->v, out->n, sizeof *out->v, cmp_commune);
    return 0;
}
