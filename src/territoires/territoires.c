/* territoires.c - territory lookups and the operators' command line
 * (see territoires.h). Every query is parameterised; the only SQL built at
 * run time picks a column name from a fixed table. */
#include "territoires/territoires.h"

#include <ctype.h>
#include <jansson.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/text.h"
#include "territoires/geo.h"

static const char *const niveau_names[] = {"commune", "epci", "departement", "region"};

const char *territoire_niveau_nom(enum territoire_niveau n)
{
    return (unsigned)n < 4 ? niveau_names[n] : "";
}

int territoire_niveau_parse(const char *s)
{
    if (!s)
        return -1;
    char f[32];
    text_fold(s, f, sizeof f);
    for (int i = 0; i < 4; i++)
        if (strcmp(f, niveau_names[i]) == 0)
            return i;
    return -1;
}

/* Copy src into dst[n], cutting on a UTF-8 character boundary. */
static void copy(char *dst, size_t n, const char *src)
{
    size_t l = src ? strlen(src) : 0;
    if (l >= n) {
        l = n - 1;
        while (l > 0 && ((unsigned char)src[l] & 0xC0) == 0x80)
            l--;
    }
    if (l)
        memcpy(dst, src, l);
    dst[l] = 0;
}

static void copy_col(char *dst, size_t n, sqlite3_stmt *st, int i)
{
    copy(dst, n, (const char *)sqlite3_column_text(st, i));
}

static long col_long(sqlite3_stmt *st, int i)
{
    return sqlite3_column_type(st, i) == SQLITE_NULL ? -1 : (long)sqlite3_column_int64(st, i);
}

/* Trim into out[n]; returns the length, or -1 when too long or empty. */
static int trimmed(const char *in, char *out, size_t n)
{
    if (!in)
        return -1;
    while (isspace((unsigned char)*in))
        in++;
    size_t l = strlen(in);
    while (l && isspace((unsigned char)in[l - 1]))
        l--;
    if (!l || l >= n)
        return -1;
    memcpy(out, in, l);
    out[l] = 0;
    return (int)l;
}

static int all_digits(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (!isdigit((unsigned char)*s))
            return 0;
    return 1;
}

/* "01001", "1001" -> "01001", "2a004" -> "2A004". 0 or -1 malformed. */
static int norm_commune_code(const char *in, char out[6])
{
    char t[8];
    int l = trimmed(in, t, sizeof t);
    if (l == 4 && all_digits(t)) {
        out[0] = '0';
        memcpy(out + 1, t, 5);
        return 0;
    }
    if (l != 5)
        return -1;
    t[1] = (char)toupper((unsigned char)t[1]);
    if (!(all_digits(t) || (t[0] == '2' && (t[1] == 'A' || t[1] == 'B') && all_digits(t + 2))))
        return -1;
    memcpy(out, t, 6);
    return 0;
}

static int norm_postcode(const char *in, char out[6])
{
    char t[8];
    int l = trimmed(in, t, sizeof t);
    if (l < 4 || l > 5 || !all_digits(t))
        return -1;
    if (l == 4) {
        out[0] = '0';
        memcpy(out + 1, t, 5);
    } else {
        memcpy(out, t, 6);
    }
    return 0;
}

/* Codes of the other levels: trimmed, upper-cased ("2a" -> "2A"), a single
 * digit département padded ("1" -> "01"). */
static int norm_code(enum territoire_niveau niveau, const char *in, char *out, size_t n)
{
    if (niveau == TERRITOIRE_COMMUNE)
        return n >= 6 ? norm_commune_code(in, out) : -1;
    char t[16];
    int l = trimmed(in, t, sizeof t);
    if (l < 1 || (size_t)l >= n)
        return -1;
    for (int i = 0; i < l; i++) {
        t[i] = (char)toupper((unsigned char)t[i]);
        if (!isalnum((unsigned char)t[i]))
            return -1;
    }
    if (l == 1 && niveau != TERRITOIRE_EPCI && (size_t)l + 1 < n) {
        out[0] = '0';
        memcpy(out + 1, t, 2);
    } else {
        memcpy(out, t, (size_t)l + 1);
    }
    return 0;
}

/* Column of table commune holding the code of a level. */
static const char *commune_col(enum territoire_niveau n)
{
    switch (n) {
    case TERRITOIRE_COMMUNE: return "code";
    case TERRITOIRE_EPCI: return "epci";
    case TERRITOIRE_DEPARTEMENT: return "departement";
    case TERRITOIRE_REGION: return "region";
    }
    return "code";
}

/* Scalar SQL: the current commune code for parameter ?1 (current or old). */
#define RESOLVE_SQL                                                                       \
    "(SELECT code FROM commune WHERE code = ?1 UNION ALL "                                \
    "SELECT commune FROM commune_ancien_code WHERE ancien_code = ?1 LIMIT 1)"

#define COMMUNE_COLS                                                                      \
    "c.code, c.nom, c.departement, c.region, c.epci, c.population, c.lat, c.lon, "        \
    "c.coord_source"

static void fill_commune(sqlite3_stmt *st, struct territoire_commune *c)
{
    memset(c, 0, sizeof *c);
    copy_col(c->code, sizeof c->code, st, 0);
    copy_col(c->nom, sizeof c->nom, st, 1);
    copy_col(c->departement, sizeof c->departement, st, 2);
    copy_col(c->region, sizeof c->region, st, 3);
    copy_col(c->epci, sizeof c->epci, st, 4);
    c->population = col_long(st, 5);
    if (sqlite3_column_type(st, 6) != SQLITE_NULL && sqlite3_column_type(st, 7) != SQLITE_NULL) {
        c->lat = sqlite3_column_double(st, 6);
        c->lon = sqlite3_column_double(st, 7);
        c->has_coords = 1;
        copy_col(c->coord_source, sizeof c->coord_source, st, 8);
    }
}

int territoires_resolve(struct db *d, const char *code, char out[6])
{
    char k[6];
    if (norm_commune_code(code, k) < 0)
        return 0;
    sqlite3_stmt *st = db_prepare(d, "SELECT " RESOLVE_SQL);
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, k, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st), found = 0;
    if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
        copy_col(out, 6, st, 0);
        found = 1;
    } else if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        found = db_fail(d, "resolve");
    }
    sqlite3_finalize(st);
    return found;
}

/* Run a statement returning COMMUNE_COLS rows into out[max]. */
static int fetch_communes(struct db *d, sqlite3_stmt *st, struct territoire_commune *out, int max,
                          int n)
{
    int rc = SQLITE_DONE;
    while (n < max && (rc = sqlite3_step(st)) == SQLITE_ROW)
        fill_commune(st, &out[n++]);
    if (n < max && rc != SQLITE_DONE)
        n = db_fail(d, "communes");
    sqlite3_finalize(st);
    return n;
}

int territoires_commune(struct db *d, const char *code, struct territoire_commune *c)
{
    char k[6];
    if (norm_commune_code(code, k) < 0)
        return 0;
    sqlite3_stmt *st = db_prepare(d, "SELECT " COMMUNE_COLS " FROM commune c WHERE c.code = " RESOLVE_SQL);
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, k, -1, SQLITE_STATIC);
    return fetch_communes(d, st, c, 1, 0);
}

static int by_postcode(struct db *d, const char *cp, struct territoire_commune *out, int max, int n)
{
    if (n >= max)
        return n;
    sqlite3_stmt *st = db_prepare(d, "SELECT " COMMUNE_COLS " FROM commune_code_postal p"
                                     " JOIN commune c ON c.code = p.commune"
                                     " WHERE p.code_postal = ?1"
                                     " ORDER BY c.population DESC, c.code LIMIT ?2");
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, cp, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, max - n);
    return fetch_communes(d, st, out, max, n);
}

int territoires_communes_by_postcode(struct db *d, const char *code_postal,
                                     struct territoire_commune *out, int max)
{
    char cp[6];
    if (max <= 0 || norm_postcode(code_postal, cp) < 0)
        return 0;
    return by_postcode(d, cp, out, max, 0);
}

/* Names: exact, then prefix, then word prefix; optional filters. */
static int search_names(struct db *d, const char *f, const char *dep, const char *cp,
                        struct territoire_commune *out, int max)
{
    struct buf hi = BUF_INIT;
    buf_puts(&hi, f);
    if (hi.len)
        hi.s[hi.len - 1]++; /* upper bound of the prefix range */
    if (hi.oom) {
        buf_free(&hi);
        snprintf(d->err, sizeof d->err, "search: out of memory");
        return -1;
    }
    /* The name terms are index ranges: on nom_fold (start of the name)
     * and on commune_mot (start of a later word, as LIKE '% f%'). An
     * empty name (a département alone) is a query of its own, so that the
     * planner never has to scan for a term it cannot know. */
    sqlite3_stmt *st = db_prepare(
        d, *f ? "SELECT " COMMUNE_COLS ","
                " CASE WHEN c.nom_fold = ?1 THEN 0 WHEN c.nom_fold >= ?1 AND c.nom_fold < ?2"
                " THEN 1 ELSE 2 END AS r"
                " FROM commune c"
                " WHERE ((c.nom_fold >= ?1 AND c.nom_fold < ?2) OR c.code IN (SELECT commune"
                "      FROM commune_mot WHERE suffixe >= ?1 AND suffixe < ?2))"
                " AND (?4 IS NULL OR c.departement = ?4)"
                " AND (?5 IS NULL OR EXISTS (SELECT 1 FROM commune_code_postal p"
                "      WHERE p.commune = c.code AND p.code_postal = ?5))"
                " ORDER BY r, c.population DESC, c.code LIMIT ?6"
              : "SELECT " COMMUNE_COLS ", 0 AS r FROM commune c"
                " WHERE c.departement = ?4"
                " AND (?5 IS NULL OR EXISTS (SELECT 1 FROM commune_code_postal p"
                "      WHERE p.commune = c.code AND p.code_postal = ?5))"
                " ORDER BY c.population DESC, c.code LIMIT ?6");
    int n = -1;
    if (st) {
        sqlite3_bind_text(st, 1, f, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, hi.s ? hi.s : "", -1, SQLITE_STATIC);
        db_bind_text(st, 4, dep);
        db_bind_text(st, 5, cp);
        sqlite3_bind_int(st, 6, max);
        n = fetch_communes(d, st, out, max, 0);
    }
    buf_free(&hi);
    return n;
}

int territoires_search_communes(struct db *d, const char *query, struct territoire_commune *out,
                                int max)
{
    char q[256], code[6];
    if (max <= 0 || trimmed(query, q, sizeof q) < 0)
        return 0;

    /* A code: postcode and/or INSEE code (5 characters: "1300" is more
     * likely the start of a postcode being typed than 01300). */
    if (strlen(q) == 5 && norm_commune_code(q, code) == 0) {
        int n = all_digits(code) ? by_postcode(d, code, out, max, 0) : 0;
        struct territoire_commune c;
        int r = n < 0 ? -1 : territoires_commune(d, code, &c);
        if (r < 0)
            return -1;
        if (r == 1 && n < max) {
            for (int i = 0; i < n; i++)
                if (!strcmp(out[i].code, c.code))
                    return n;
            out[n++] = c;
        }
        return n;
    }

    char f[256], dep[4] = "", cp[6] = "";
    text_fold(q, f, sizeof f);
    char *last = strrchr(f, ' ');
    const char *tok = last ? last + 1 : f;
    size_t tl = strlen(tok);
    int is_dep = (tl >= 1 && tl <= 3 && all_digits(tok)) ||
                 (tl == 2 && tok[0] == '2' && (tok[1] == 'a' || tok[1] == 'b'));
    if (is_dep) {
        if (tl == 1) { /* "1" -> "01" */
            dep[0] = '0';
            dep[1] = tok[0];
            dep[2] = 0;
        } else {
            memcpy(dep, tok, tl + 1);
            dep[1] = (char)toupper((unsigned char)dep[1]); /* "2a" -> "2A" */
        }
    } else if (last && tl == 5 && all_digits(tok)) {
        memcpy(cp, tok, 6);
    }
    if (*dep || *cp) {
        if (last)
            *last = 0;
        else
            f[0] = 0; /* only a département: its communes */
    }

    if (!*f && !*dep)
        return 0; /* only punctuation, or a postcode alone after a word */
    int n = search_names(d, f, dep, cp, out, max);
    if (n == 0 && (*dep || *cp) && *f) /* "lyon 3": not a département after all */
        n = search_names(d, f, "", "", out, max);
    return n;
}

/* ---- territories of any level ---- */

/* Aggregates over the communes of a level: count, population, box. */
static int aggregate(struct db *d, struct territoire *t)
{
    char sql[256];
    snprintf(sql, sizeof sql,
             "SELECT count(*), sum(population), min(lat), min(lon), max(lat), max(lon)"
             " FROM commune WHERE %s = ?1", commune_col(t->niveau));
    sqlite3_stmt *st = db_prepare(d, sql);
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, t->code, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        t->communes = sqlite3_column_int64(st, 0);
        if (t->niveau != TERRITOIRE_EPCI)
            t->population = col_long(st, 1);
        if (sqlite3_column_type(st, 2) != SQLITE_NULL) {
            t->has_bbox = 1;
            t->min_lat = sqlite3_column_double(st, 2);
            t->min_lon = sqlite3_column_double(st, 3);
            t->max_lat = sqlite3_column_double(st, 4);
            t->max_lon = sqlite3_column_double(st, 5);
        }
    }
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? 0 : db_fail(d, "aggregate");
}

static int get_commune(struct db *d, const char *code, struct territoire *t)
{
    sqlite3_stmt *st = db_prepare(
        d, "SELECT c.code, c.nom, c.population, c.epci, c.departement, c.region, c.lat, c.lon,"
           " dp.zone FROM commune c LEFT JOIN departement dp ON dp.code = c.departement"
           " WHERE c.code = " RESOLVE_SQL);
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st), found = 0;
    if (rc == SQLITE_ROW) {
        found = 1;
        copy_col(t->code, sizeof t->code, st, 0);
        copy_col(t->nom, sizeof t->nom, st, 1);
        t->population = col_long(st, 2);
        t->communes = 1;
        copy_col(t->epci, sizeof t->epci, st, 3);
        copy_col(t->departement, sizeof t->departement, st, 4);
        copy_col(t->region, sizeof t->region, st, 5);
        if (sqlite3_column_type(st, 6) != SQLITE_NULL) {
            t->has_bbox = 1;
            t->min_lat = t->max_lat = sqlite3_column_double(st, 6);
            t->min_lon = t->max_lon = sqlite3_column_double(st, 7);
        }
        copy_col(t->zone, sizeof t->zone, st, 8);
    } else if (rc != SQLITE_DONE) {
        found = db_fail(d, "commune");
    }
    sqlite3_finalize(st);
    return found;
}

static int get_other(struct db *d, const char *code, struct territoire *t)
{
    const char *sql = NULL;
    switch (t->niveau) {
    case TERRITOIRE_EPCI:
        sql = "SELECT code, nom, type, population FROM epci WHERE code = ?1";
        break;
    case TERRITOIRE_DEPARTEMENT:
        sql = "SELECT code, nom, region, chef_lieu, zone FROM departement WHERE code = ?1";
        break;
    default:
        sql = "SELECT code, nom, chef_lieu, zone FROM region WHERE code = ?1";
        break;
    }
    sqlite3_stmt *st = db_prepare(d, sql);
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        sqlite3_finalize(st);
        return rc == SQLITE_DONE ? 0 : db_fail(d, "territoire");
    }
    copy_col(t->code, sizeof t->code, st, 0);
    copy_col(t->nom, sizeof t->nom, st, 1);
    switch (t->niveau) {
    case TERRITOIRE_EPCI:
        copy_col(t->type, sizeof t->type, st, 2);
        t->population = col_long(st, 3);
        break;
    case TERRITOIRE_DEPARTEMENT:
        copy_col(t->region, sizeof t->region, st, 2);
        copy_col(t->chef_lieu, sizeof t->chef_lieu, st, 3);
        copy_col(t->zone, sizeof t->zone, st, 4);
        break;
    default:
        copy_col(t->chef_lieu, sizeof t->chef_lieu, st, 2);
        copy_col(t->zone, sizeof t->zone, st, 3);
        break;
    }
    sqlite3_finalize(st);
    if (aggregate(d, t) < 0)
        return -1;
    if (t->niveau == TERRITOIRE_EPCI) {
        st = db_prepare(d, "SELECT c.departement, c.region, dp.zone, count(*) AS n FROM commune c"
                           " LEFT JOIN departement dp ON dp.code = c.departement"
                           " WHERE c.epci = ?1 GROUP BY c.departement ORDER BY n DESC,"
                           " c.departement LIMIT 1");
        if (!st)
            return -1;
        sqlite3_bind_text(st, 1, t->code, -1, SQLITE_STATIC);
        rc = sqlite3_step(st);
        if (rc == SQLITE_ROW) {
            copy_col(t->departement, sizeof t->departement, st, 0);
            copy_col(t->region, sizeof t->region, st, 1);
            copy_col(t->zone, sizeof t->zone, st, 2);
        }
        sqlite3_finalize(st);
        if (rc != SQLITE_ROW && rc != SQLITE_DONE)
            return db_fail(d, "epci");
    }
    return 1;
}

int territoires_get(struct db *d, enum territoire_niveau niveau, const char *code,
                    struct territoire *t)
{
    memset(t, 0, sizeof *t);
    t->niveau = niveau;
    t->population = -1;
    char k[16];
    if ((unsigned)niveau > TERRITOIRE_REGION || norm_code(niveau, code, k, sizeof t->code) < 0)
        return 0;
    return niveau == TERRITOIRE_COMMUNE ? get_commune(d, k, t) : get_other(d, k, t);
}

void territoire_list_free(struct territoire_list *l)
{
    free(l->v);
    l->v = NULL;
    l->n = 0;
}

int territoires_children(struct db *d, enum territoire_niveau niveau, const char *code,
                         enum territoire_niveau child, struct territoire_list *out)
{
    out->v = NULL;
    out->n = 0;
    if ((unsigned)niveau > TERRITOIRE_REGION || (unsigned)child >= (unsigned)niveau) {
        snprintf(d->err, sizeof d->err, "children: no %s inside a %s", territoire_niveau_nom(child),
                 territoire_niveau_nom(niveau));
        return -1;
    }
    char k[16], sql[512];
    if (norm_code(niveau, code, k, 10) < 0)
        return 0;
    const char *col = commune_col(niveau);
    if (child == TERRITOIRE_COMMUNE)
        snprintf(sql, sizeof sql, "SELECT code, nom, population FROM commune WHERE %s = ?1"
                                  " ORDER BY nom_fold, code", col);
    else if (child == TERRITOIRE_EPCI)
        snprintf(sql, sizeof sql, "SELECT code, nom, population FROM epci WHERE code IN"
                                  " (SELECT epci FROM commune WHERE %s = ?1) ORDER BY nom, code", col);
    else /* départements of a région */
        snprintf(sql, sizeof sql, "SELECT dp.code, dp.nom, (SELECT sum(population) FROM commune c"
                                  " WHERE c.departement = dp.code) FROM departement dp"
                                  " WHERE dp.region = ?1 ORDER BY dp.code");
    sqlite3_stmt *st = db_prepare(d, sql);
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, k, -1, SQLITE_STATIC);
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (out->n == cap) {
            cap = cap ? cap * 2 : 64;
            struct territoire_ref *v = realloc(out->v, cap * sizeof *v);
            if (!v) {
                sqlite3_finalize(st);
                territoire_list_free(out);
                snprintf(d->err, sizeof d->err, "children: out of memory");
                return -1;
            }
            out->v = v;
        }
        struct territoire_ref *r = &out->v[out->n++];
        r->niveau = child;
        copy_col(r->code, sizeof r->code, st, 0);
        copy_col(r->nom, sizeof r->nom, st, 1);
        r->population = col_long(st, 2);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        territoire_list_free(out);
        return db_fail(d, "children");
    }
    return 0;
}

int territoires_commune_codes(struct db *d, enum territoire_niveau niveau, const char *code,
                              char (**codes)[6], size_t *n)
{
    *codes = NULL;
    *n = 0;
    char k[16], sql[160];
    if ((unsigned)niveau > TERRITOIRE_REGION || norm_code(niveau, code, k, 10) < 0)
        return 0;
    if (niveau == TERRITOIRE_COMMUNE)
        snprintf(sql, sizeof sql, "SELECT " RESOLVE_SQL);
    else
        snprintf(sql, sizeof sql, "SELECT code FROM commune WHERE %s = ?1 ORDER BY code",
                 commune_col(niveau));
    sqlite3_stmt *st = db_prepare(d, sql);
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, k, -1, SQLITE_STATIC);
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (sqlite3_column_type(st, 0) == SQLITE_NULL)
            continue;
        if (*n == cap) {
            cap = cap ? cap * 2 : 256;
            char(*v)[6] = realloc(*codes, cap * sizeof *v);
            if (!v) {
                rc = SQLITE_NOMEM;
                break;
            }
            *codes = v;
        }
        copy_col((*codes)[(*n)++], 6, st, 0);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        free(*codes);
        *codes = NULL;
        *n = 0;
        return db_fail(d, "commune codes");
    }
    return 0;
}

/* An EPCI's contour: its communes' polygons as one MultiPolygon. */
static char *epci_contour(struct db *d, const char *code)
{
    sqlite3_stmt *st = db_prepare(d, "SELECT t.geojson FROM commune c JOIN contour t"
                                     " ON t.niveau = 'commune' AND t.code = c.code"
                                     " WHERE c.epci = ?1 ORDER BY c.code");
    if (!st)
        return NULL;
    sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
    json_t *polys = json_array();
    int rc = SQLITE_DONE, oom = !polys;
    while (!oom && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        json_t *g = json_loads((const char *)sqlite3_column_text(st, 0), 0, NULL);
        const char *type = json_string_value(json_object_get(g, "type"));
        json_t *coords = json_object_get(g, "coordinates");
        if (type && !strcmp(type, "Polygon"))
            oom = json_array_append(polys, coords) < 0;
        else if (type && !strcmp(type, "MultiPolygon") && json_is_array(coords))
            oom = json_array_extend(polys, coords) < 0;
        json_decref(g);
    }
    sqlite3_finalize(st);
    char *s = NULL;
    if (!oom && rc == SQLITE_DONE && json_array_size(polys) > 0) {
        json_t *mp = json_pack("{s:s, s:O}", "type", "MultiPolygon", "coordinates", polys);
        s = mp ? json_dumps(mp, JSON_COMPACT | JSON_REAL_PRECISION(7)) : NULL;
        json_decref(mp);
        if (!s)
            snprintf(d->err, sizeof d->err, "contour: out of memory");
    } else if (oom) {
        snprintf(d->err, sizeof d->err, "contour: out of memory");
    } else if (rc != SQLITE_DONE) {
        db_fail(d, "contour");
    }
    json_decref(polys);
    return s;
}

char *territoires_contour(struct db *d, enum territoire_niveau niveau, const char *code)
{
    d->err[0] = 0;
    char k[16];
    if ((unsigned)niveau > TERRITOIRE_REGION || norm_code(niveau, code, k, 10) < 0)
        return NULL;
    if (niveau == TERRITOIRE_EPCI)
        return epci_contour(d, k);
    sqlite3_stmt *st = db_prepare(
        d, niveau == TERRITOIRE_COMMUNE
               ? "SELECT geojson FROM contour WHERE niveau = 'commune' AND code = " RESOLVE_SQL
               : "SELECT geojson FROM contour WHERE niveau = ?2 AND code = ?1");
    if (!st)
        return NULL;
    sqlite3_bind_text(st, 1, k, -1, SQLITE_STATIC);
    if (niveau != TERRITOIRE_COMMUNE)
        sqlite3_bind_text(st, 2, territoire_niveau_nom(niveau), -1, SQLITE_STATIC);
    char *s = NULL;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        const char *g = (const char *)sqlite3_column_text(st, 0);
        if (!g || !(s = strdup(g)))
            snprintf(d->err, sizeof d->err, "contour: out of memory");
    } else if (rc != SQLITE_DONE) {
        db_fail(d, "contour");
    }
    sqlite3_finalize(st);
    return s;
}

/* ---- command line ---- */

#define COG_SUBDIR "node_modules/@etalab/decoupage-administratif/data"

static int has_cog(const char *dir)
{
    char p[PATH_MAX + 64];
    if (snprintf(p, sizeof p, "%s/communes.json", dir) >= (int)sizeof p)
        return 0;
    return access(p, R_OK) == 0;
}

/* Default COG directory into buf; returns buf or NULL. */
static const char *default_cog(char *buf, size_t n)
{
    if (has_cog(COG_SUBDIR)) {
        snprintf(buf, n, "%s", COG_SUBDIR);
        return buf;
    }
    char exe[PATH_MAX];
    ssize_t l = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (l <= 0)
        return NULL;
    exe[l] = 0;
    for (int up = 0; up < 2; up++) { /* build/passerelle -> project root */
        char *slash = strrchr(exe, '/');
        if (!slash)
            return NULL;
        *slash = 0;
    }
    snprintf(buf, n, "%s/" COG_SUBDIR, exe[0] ? exe : "");
    return has_cog(buf) ? buf : NULL;
}

static int cli_import(struct db *d, int argc, char **argv, FILE *out, FILE *err)
{
    const char *cog = NULL, *coords = NULL, *contours = NULL;
    for (int i = 1; i < argc; i++) {
        const char **dst = !strcmp(argv[i], "--cog")        ? &cog
                           : !strcmp(argv[i], "--coords")   ? &coords
                           : !strcmp(argv[i], "--contours") ? &contours
                                                            : NULL;
        if (!dst || i + 1 >= argc) {
            fprintf(err, "usage : territoires import [--cog DOSSIER] [--coords FICHIER.csv]"
                         " [--contours DOSSIER]\n");
            return 2;
        }
        *dst = argv[++i];
    }
    char buf[PATH_MAX + 64];
    if (!cog && !(cog = default_cog(buf, sizeof buf))) {
        fprintf(err, "territoires : données COG introuvables (%s) ; lancez `make setup`"
                     " ou indiquez --cog DOSSIER\n", COG_SUBDIR);
        return 1;
    }
    char msg[512];
    if (territoires_import(d, cog, coords, contours, out, msg, sizeof msg) < 0) {
        fprintf(err, "territoires : échec de l'import : %s\n", msg);
        return 1;
    }
    return 0;
}

static void print_name(struct db *d, FILE *out, const char *label, enum territoire_niveau n,
                       const char *code)
{
    struct territoire p;
    if (!*code)
        return;
    if (territoires_get(d, n, code, &p) == 1)
        fprintf(out, "  %s : %s %s\n", label, p.code, p.nom);
    else
        fprintf(out, "  %s : %s\n", label, code);
}

static void print_territoire(struct db *d, FILE *out, const struct territoire *t)
{
    static const char *const labels[] = {"Commune", "EPCI", "Département", "Région"};
    fprintf(out, "%s %s %s\n", labels[t->niveau], t->code, t->nom);
    if (t->population >= 0)
        fprintf(out, "  population : %ld\n", t->population);
    if (t->niveau != TERRITOIRE_COMMUNE)
        fprintf(out, "  communes : %ld\n", t->communes);
    if (*t->type)
        fprintf(out, "  type : %s\n", t->type);
    if (*t->zone)
        fprintf(out, "  zone : %s\n", t->zone);
    if (*t->chef_lieu)
        print_name(d, out, "chef-lieu", TERRITOIRE_COMMUNE, t->chef_lieu);
    print_name(d, out, "EPCI", TERRITOIRE_EPCI, t->epci);
    print_name(d, out, "département", TERRITOIRE_DEPARTEMENT, t->departement);
    print_name(d, out, "région", TERRITOIRE_REGION, t->region);
    if (t->niveau == TERRITOIRE_COMMUNE) {
        struct territoire_commune c;
        if (territoires_commune(d, t->code, &c) == 1 && c.has_coords)
            fprintf(out, "  coordonnées : %.5f, %.5f (%s)\n", c.lat, c.lon, c.coord_source);
        else
            fprintf(out, "  coordonnées : inconnues\n");
        static const char *const sql[] = {
            "SELECT code_postal FROM commune_code_postal WHERE commune = ?1 ORDER BY 1",
            "SELECT ancien_code || coalesce(' ' || nom, '') FROM commune_ancien_code"
            " WHERE commune = ?1 ORDER BY ancien_code"};
        static const char *const lab[] = {"codes postaux", "anciens codes"};
        for (int i = 0; i < 2; i++) {
            sqlite3_stmt *st = db_prepare(d, sql[i]);
            if (!st)
                continue;
            sqlite3_bind_text(st, 1, t->code, -1, SQLITE_STATIC);
            int k = 0;
            while (sqlite3_step(st) == SQLITE_ROW)
                fprintf(out, "%s%s%s%s", k ? ", " : "  ", k ? "" : lab[i], k ? "" : " : ",
                        (const char *)sqlite3_column_text(st, 0)), k++;
            if (k)
                fputc('\n', out);
            sqlite3_finalize(st);
        }
    } else if (t->has_bbox) {
        fprintf(out, "  emprise : %.4f, %.4f – %.4f, %.4f\n", t->min_lat, t->min_lon, t->max_lat,
                t->max_lon);
    }
    if (t->niveau == TERRITOIRE_REGION || t->niveau == TERRITOIRE_DEPARTEMENT) {
        struct territoire_list l;
        enum territoire_niveau child =
            t->niveau == TERRITOIRE_REGION ? TERRITOIRE_DEPARTEMENT : TERRITOIRE_EPCI;
        if (territoires_children(d, t->niveau, t->code, child, &l) == 0) {
            fprintf(out, "  %s (%zu) :", child == TERRITOIRE_EPCI ? "EPCI" : "départements", l.n);
            for (size_t i = 0; i < l.n; i++)
                fprintf(out, "%s %s %s", i ? "," : "", l.v[i].code, l.v[i].nom);
            fputc('\n', out);
            territoire_list_free(&l);
        }
    }
    char *g = territoires_contour(d, t->niveau, t->code);
    if (g) {
        fprintf(out, "  contour : %zu octets\n", strlen(g));
        free(g);
    } else {
        fprintf(out, "  contour : aucun\n");
    }
}

static int cli_show(struct db *d, int argc, char **argv, FILE *out, FILE *err)
{
    int niveau = -1;
    const char *code;
    if (argc == 3 && (niveau = territoire_niveau_parse(argv[1])) >= 0) {
        code = argv[2];
    } else if (argc == 2) {
        code = argv[1];
    } else {
        fprintf(err, "usage : territoires show [commune|epci|departement|region] CODE\n");
        return 2;
    }
    int shown = 0;
    for (int n = 0; n < 4; n++) {
        if (niveau >= 0 && n != niveau)
            continue;
        struct territoire t;
        int r = territoires_get(d, (enum territoire_niveau)n, code, &t);
        if (r < 0) {
            fprintf(err, "territoires : %s\n", d->err);
            return 1;
        }
        if (r == 1) {
            print_territoire(d, out, &t);
            shown++;
        }
    }
    if (!shown) {
        fprintf(err, "territoires : aucun territoire de code « %s »\n", code);
        return 1;
    }
    return 0;
}

int territoires_cli(struct db *d, int argc, char **argv, FILE *out, FILE *err)
{
    if (argc > 0 && !strcmp(argv[0], "territoires")) {
        argc--;
        argv++;
    }
    if (argc >= 1 && !strcmp(argv[0], "import"))
        return cli_import(d, argc, argv, out, err);
    if (argc >= 1 && !strcmp(argv[0], "show"))
        return cli_show(d, argc, argv, out, err);
    fprintf(err, "usage : territoires import [--cog DOSSIER] [--coords FICHIER.csv]"
                 " [--contours DOSSIER]\n"
                 "        territoires show [commune|epci|departement|region] CODE\n");
    return 2;
}

int territoires_commune_at(struct db *d, double lat, double lon, char out[6])
{
    sqlite3_stmt *st = db_prepare(
        d, "SELECT c.code, k.geojson FROM commune c JOIN contour k ON k.niveau = 'commune' "
           "AND k.code = c.code WHERE c.lat BETWEEN ?1 - 0.25 AND ?1 + 0.25 "
           "AND c.lon BETWEEN ?2 - 0.35 AND ?2 + 0.35 "
           "ORDER BY (c.lat - ?1) * (c.lat - ?1) + (c.lon - ?2) * (c.lon - ?2) LIMIT 40");
    if (!st)
        return -1;
    sqlite3_bind_double(st, 1, lat);
    sqlite3_bind_double(st, 2, lon);
    int found = 0;
    while (!found && sqlite3_step(st) == SQLITE_ROW) {
        const char *g = (const char *)sqlite3_column_text(st, 1);
        if (g && geo_contains_text(g, lat, lon) == 1) {
            snprintf(out, 6, "%s", (const char *)sqlite3_column_text(st, 0));
            found = 1;
        }
    }
    sqlite3_finalize(st);
    return found;
}

/* ---- in-memory resolver for bulk imports ---- */

struct code_map {
    char from[6], to[6];
};

struct cp_entry {
    char cp[6], code[6];
    char nom[96]; /* folded */
};

static void resolver_col(sqlite3_stmt *st, int c, char *out, size_t n);

/* A current or former commune name (folded) and the current commune. */
struct name_entry {
    char nom[96];
    char code[6], dep[4];
};

struct commune_resolver {
    struct code_map *codes;
    size_t ncodes;
    struct cp_entry *cps;
    size_t ncps;
    struct name_entry *names; /* sorted by nom */
    size_t nnames;
};

static int cmp_name_entry(const void *a, const void *b)
{
    return strcmp(((const struct name_entry *)a)->nom, ((const struct name_entry *)b)->nom);
}

static void fill_name(sqlite3_stmt *st, void *p)
{
    struct name_entry *e = p;
    resolver_col(st, 0, e->nom, sizeof e->nom);
    resolver_col(st, 1, e->code, sizeof e->code);
    resolver_col(st, 2, e->dep, sizeof e->dep);
}

static int cmp_code_map(const void *a, const void *b)
{
    return strcmp(((const struct code_map *)a)->from, ((const struct code_map *)b)->from);
}

static int cmp_cp_entry(const void *a, const void *b)
{
    return strcmp(((const struct cp_entry *)a)->cp, ((const struct cp_entry *)b)->cp);
}

static int load_rows(struct db *d, const char *sql, void **v, size_t *n, size_t size,
                     void (*fill)(sqlite3_stmt *, void *))
{
    sqlite3_stmt *st = db_prepare(d, sql);
    if (!st)
        return -1;
    size_t cap = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 8192;
            void *p = realloc(*v, cap * size);
            if (!p) {
                sqlite3_finalize(st);
                snprintf(d->err, sizeof d->err, "out of memory");
                return -1;
            }
            *v = p;
        }
        fill(st, (char *)*v + *n * size);
        (*n)++;
    }
    sqlite3_finalize(st);
    return 0;
}

static void resolver_col(sqlite3_stmt *st, int c, char *out, size_t n)
{
    const char *s = (const char *)sqlite3_column_text(st, c);
    snprintf(out, n, "%s", s ? s : "");
}

static void fill_code(sqlite3_stmt *st, void *p)
{
    struct code_map *m = p;
    resolver_col(st, 0, m->from, sizeof m->from);
    resolver_col(st, 1, m->to, sizeof m->to);
}

static void fill_cp(sqlite3_stmt *st, void *p)
{
    struct cp_entry *e = p;
    resolver_col(st, 0, e->cp, sizeof e->cp);
    resolver_col(st, 1, e->code, sizeof e->code);
    resolver_col(st, 2, e->nom, sizeof e->nom);
}

struct commune_resolver *territoires_resolver_load(struct db *d)
{
    struct commune_resolver *r = calloc(1, sizeof *r);
    if (!r) {
        snprintf(d->err, sizeof d->err, "out of memory");
        return NULL;
    }
    /* Current codes first so that they win over an old code that equals them. */
    if (load_rows(d, "SELECT code, code FROM commune UNION ALL "
                     "SELECT ancien_code, commune FROM commune_ancien_code "
                     "WHERE ancien_code NOT IN (SELECT code FROM commune)",
                  (void **)&r->codes, &r->ncodes, sizeof *r->codes, fill_code) < 0 ||
        load_rows(d, "SELECT p.code_postal, c.code, c.nom_fold FROM commune_code_postal p "
                     "JOIN commune c ON c.code = p.commune",
                  (void **)&r->cps, &r->ncps, sizeof *r->cps, fill_cp) < 0 ||
        load_rows(d, "SELECT nom_fold, code, departement FROM commune UNION ALL "
                     "SELECT passerelle_fold(a.nom), a.commune, c.departement "
                     "FROM commune_ancien_code a JOIN commune c ON c.code = a.commune "
                     "WHERE a.nom IS NOT NULL",
                  (void **)&r->names, &r->nnames, sizeof *r->names, fill_name) < 0) {
        territoires_resolver_free(r);
        return NULL;
    }
    if (r->ncodes)
        qsort(r->codes, r->ncodes, sizeof *r->codes, cmp_code_map);
    if (r->ncps)
        qsort(r->cps, r->ncps, sizeof *r->cps, cmp_cp_entry);
    if (r->nnames)
        qsort(r->names, r->nnames, sizeof *r->names, cmp_name_entry);
    return r;
}

void territoires_resolver_free(struct commune_resolver *r)
{
    if (!r)
        return;
    free(r->codes);
    free(r->cps);
    free(r->names);
    free(r);
}

const char *territoires_resolver_find(const struct commune_resolver *r, const char *code_insee,
                                      const char *code_postal, const char *nom)
{
    if (code_insee && *code_insee && r->ncodes) {
        struct code_map key;
        snprintf(key.from, sizeof key.from, "%s", code_insee);
        const struct code_map *m = bsearch(&key, r->codes, r->ncodes, sizeof key, cmp_code_map);
        if (m)
            return m->to;
    }
    if (!code_postal || !*code_postal || !r->ncps)
        return NULL;
    struct cp_entry key;
    snprintf(key.cp, sizeof key.cp, "%s", code_postal);
    const struct cp_entry *e = bsearch(&key, r->cps, r->ncps, sizeof key, cmp_cp_entry);
    if (!e)
        return NULL;
    while (e > r->cps && strcmp(e[-1].cp, key.cp) == 0)
        e--;
    const struct cp_entry *end = e;
    while (end < r->cps + r->ncps && strcmp(end->cp, key.cp) == 0)
        end++;
    char f[256] = "";
    if (nom)
        text_fold(nom, f, sizeof f);
    const struct cp_entry *best = NULL, *longer = NULL;
    size_t best_len = 0, flen = strlen(f);
    for (const struct cp_entry *p = e; p < end; p++) {
        size_t len = strlen(p->nom);
        if (strcmp(p->nom, f) == 0)
            return p->code;
        if (len > best_len && strncmp(f, p->nom, len) == 0) {
            best = p;
            best_len = len;
        }
        if (!longer && flen >= 4 && strncmp(p->nom, f, flen) == 0 && p->nom[flen] == ' ')
            longer = p;
    }
    if (best)
        return best->code;
    if (end - e == 1)
        return e->code;
    return longer ? longer->code : NULL;
}

const char *territoires_resolver_find_name(const struct commune_resolver *r, const char *dep,
                                           const char *nom_fold)
{
    if (!r->nnames || !nom_fold || !*nom_fold)
        return NULL;
    struct name_entry key;
    snprintf(key.nom, sizeof key.nom, "%s", nom_fold);
    const struct name_entry *e = bsearch(&key, r->names, r->nnames, sizeof key, cmp_name_entry);
    if (!e)
        return NULL;
    while (e > r->names && strcmp(e[-1].nom, key.nom) == 0)
        e--;
    for (; e < r->names + r->nnames && strcmp(e->nom, key.nom) == 0; e++)
        if (!dep || strcmp(e->dep, dep) == 0)
            return e->code;
    return NULL;
}

struct cached_resolver {
    struct commune_resolver *r;
    long long version;
};

static void cached_resolver_free(void *p)
{
    struct cached_resolver *c = p;
    territoires_resolver_free(c->r);
    free(c);
}

const struct commune_resolver *territoires_resolver_cached(struct db *d)
{
    char *v = db_meta_get(d, "territoires.version");
    long long version = v ? atoll(v) : 0;
    free(v);
    struct cached_resolver *c = d->ext[DB_EXT_RESOLVER];
    if (c && c->version == version)
        return c->r;
    struct commune_resolver *r = territoires_resolver_load(d);
    if (!r)
        return NULL;
    if (!c) {
        c = calloc(1, sizeof *c);
        if (!c) {
            territoires_resolver_free(r);
            snprintf(d->err, sizeof d->err, "out of memory");
            return NULL;
        }
        d->ext[DB_EXT_RESOLVER] = c;
        d->ext_free[DB_EXT_RESOLVER] = cached_resolver_free;
    }
    territoires_resolver_free(c->r);
    c->r = r;
    c->version = version;
    return r;
}
