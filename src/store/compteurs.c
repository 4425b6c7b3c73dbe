/* compteurs.c - sparse counter vectors, their buckets in table
 * stat_agregat, reading a period and rebuilding (see compteurs.h). */
#include "store/compteurs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- sparse vectors ---- */

void stat_vec_free(struct stat_vec *v)
{
    free(v->v);
    v->v = NULL;
    v->n = v->cap = 0;
}

/* Index of the first entry with key >= k. */
static size_t lower_bound(const struct stat_vec *v, uint64_t k)
{
    size_t lo = 0, hi = v->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (v->v[mid].key < k)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

long long stat_vec_get(const struct stat_vec *v, uint64_t key)
{
    size_t i = lower_bound(v, key);
    return i < v->n && v->v[i].key == key ? v->v[i].n : 0;
}

int stat_vec_add(struct stat_vec *v, uint64_t key, long long n)
{
    if (n == 0)
        return 0;
    size_t i = lower_bound(v, key);
    if (i < v->n && v->v[i].key == key) {
        long long x = v->v[i].n + n;
        if (x < 0)
            return -1;
        if (x == 0) {
            memmove(v->v + i, v->v + i + 1, (v->n - i - 1) * sizeof *v->v);
            v->n--;
        } else {
            v->v[i].n = x;
        }
        return 0;
    }
    if (n < 0)
        return -1;
    if (array_grow(&v->v, v->n, &v->cap, sizeof *v->v) < 0)
        return -1;
    memmove(v->v + i + 1, v->v + i, (v->n - i) * sizeof *v->v);
    v->v[i] = (struct stat_entry){key, n};
    v->n++;
    return 0;
}

int stat_vec_merge(struct stat_vec *acc, const struct stat_vec *x, int sign)
{
    /* Linear merge into a new array when x is large; entry by entry when
     * it is small against acc. */
    if (x->n * 8 < acc->n || x->n < 8) {
        for (size_t i = 0; i < x->n; i++)
            if (stat_vec_add(acc, x->v[i].key, sign * x->v[i].n) < 0)
                return -1;
        return 0;
    }
    size_t cap = acc->n + x->n;
    struct stat_entry *out = malloc((cap ? cap : 1) * sizeof *out);
    if (!out)
        return -1;
    size_t i = 0, j = 0, k = 0;
    while (i < acc->n || j < x->n) {
        if (j >= x->n || (i < acc->n && acc->v[i].key < x->v[j].key)) {
            out[k++] = acc->v[i++];
        } else if (i >= acc->n || x->v[j].key < acc->v[i].key) {
            if (sign < 0) {
                free(out);
                return -1;
            }
            out[k++] = x->v[j++];
        } else {
            long long s = acc->v[i].n + sign * x->v[j].n;
            if (s < 0) {
                free(out);
                return -1;
            }
            if (s)
                out[k++] = (struct stat_entry){acc->v[i].key, s};
            i++;
            j++;
        }
    }
    free(acc->v);
    acc->v = out;
    acc->n = k;
    acc->cap = cap ? cap : 1;
    return 0;
}

static void put_varint(struct buf *b, uint64_t x)
{
    unsigned char tmp[10];
    int n = 0;
    do {
        unsigned char c = x & 0x7f;
        x >>= 7;
        tmp[n++] = (unsigned char)(c | (x ? 0x80 : 0));
    } while (x);
    buf_add(b, tmp, (size_t)n);
}

static int get_varint(const unsigned char *p, size_t n, size_t *pos, uint64_t *out)
{
    uint64_t x = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        if (*pos >= n)
            return -1;
        unsigned char c = p[(*pos)++];
        if (shift == 63 && (c & 0x7e))
            return -1; /* more than 64 bits */
        x |= (uint64_t)(c & 0x7f) << shift;
        if (!(c & 0x80)) {
            if (c == 0 && shift > 0)
                return -1; /* not the shortest form */
            *out = x;
            return 0;
        }
    }
    return -1;
}

int stat_vec_encode(const struct stat_vec *v, struct buf *out)
{
    buf_putc(out, 1);
    uint64_t prev = 0;
    for (size_t i = 0; i < v->n; i++) {
        put_varint(out, v->v[i].key - prev);
        put_varint(out, (uint64_t)v->v[i].n);
        prev = v->v[i].key;
    }
    return out->oom ? -1 : 0;
}

int stat_vec_decode(const unsigned char *p, size_t n, struct stat_vec *out)
{
    memset(out, 0, sizeof *out);
    if (n < 1 || p[0] != 1)
        return -1;
    size_t pos = 1;
    uint64_t key = 0;
    while (pos < n) {
        uint64_t delta, count;
        if (get_varint(p, n, &pos, &delta) < 0 || get_varint(p, n, &pos, &count) < 0 ||
            (out->n > 0 && delta == 0) || delta > UINT64_MAX - key || count == 0 ||
            count > (uint64_t)1 << 62)
            goto bad;
        key += delta;
        if (array_grow(&out->v, out->n, &out->cap, sizeof *out->v) < 0)
            goto bad;
        out->v[out->n++] = (struct stat_entry){key, (long long)count};
    }
    return 0;
bad:
    stat_vec_free(out);
    return -1;
}

/* ---- buckets ---- */

long stat_bucket_start(enum stat_grain g, long jour)
{
    return jour_debut((int)g, jour);
}

int stat_bucket_apply(struct db *d, int p, const char *code, enum stat_grain g, long debut,
                      const struct stat_vec *x, int sign)
{
    sqlite3_stmt *st = db_prepare_cached(
        d, "SELECT v FROM stat_agregat WHERE portee = ?1 AND code = ?2 AND grain = ?3 AND debut = ?4");
    if (!st)
        return -1;
    sqlite3_bind_int(st, 1, p);
    sqlite3_bind_text(st, 2, code, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 3, (int)g);
    sqlite3_bind_int64(st, 4, debut);
    struct stat_vec cur = {0};
    int rc = sqlite3_step(st), bad = 0;
    if (rc == SQLITE_ROW)
        bad = stat_vec_decode(sqlite3_column_blob(st, 0), (size_t)sqlite3_column_bytes(st, 0),
                              &cur) < 0;
    db_release(d, st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return db_fail(d, "aggregate read");
    if (bad) {
        snprintf(d->err, sizeof d->err, "aggregate %d/%s/%d/%ld is corrupt", p, code, g, debut);
        return -1;
    }
    if (stat_vec_merge(&cur, x, sign) < 0) {
        stat_vec_free(&cur);
        snprintf(d->err, sizeof d->err, "aggregate %d/%s/%d/%ld would go below zero", p, code, g,
                 debut);
        return -1;
    }
    int r;
    if (cur.n == 0) {
        st = db_prepare_cached(d, "DELETE FROM stat_agregat WHERE portee = ?1 AND code = ?2 "
                                  "AND grain = ?3 AND debut = ?4");
    } else {
        st = db_prepare_cached(d, "INSERT OR REPLACE INTO stat_agregat (portee, code, grain, "
                                  "debut, v) VALUES (?1, ?2, ?3, ?4, ?5)");
    }
    if (!st) {
        stat_vec_free(&cur);
        return -1;
    }
    sqlite3_bind_int(st, 1, p);
    sqlite3_bind_text(st, 2, code, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 3, (int)g);
    sqlite3_bind_int64(st, 4, debut);
    struct buf b = BUF_INIT;
    if (cur.n) {
        stat_vec_encode(&cur, &b);
        sqlite3_bind_blob(st, 5, b.s, (int)b.len, SQLITE_TRANSIENT);
    }
    rc = sqlite3_step(st);
    r = b.oom ? -1 : rc == SQLITE_DONE ? 0 : db_fail(d, "aggregate write");
    if (b.oom)
        snprintf(d->err, sizeof d->err, "out of memory");
    db_release(d, st);
    buf_free(&b);
    stat_vec_free(&cur);
    return r;
}

int stat_buckets_read(struct db *d, int p, const char *code, enum stat_grain g, long from, long to,
                      struct stat_vec *out, long *rows)
{
    sqlite3_stmt *st = db_prepare_cached(
        d, "SELECT v FROM stat_agregat WHERE portee = ?1 AND code = ?2 AND grain = ?3 "
           "AND debut BETWEEN ?4 AND ?5");
    if (!st)
        return -1;
    sqlite3_bind_int(st, 1, p);
    sqlite3_bind_text(st, 2, code, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 3, (int)g);
    sqlite3_bind_int64(st, 4, from);
    sqlite3_bind_int64(st, 5, to);
    int rc, r = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct stat_vec v;
        if (stat_vec_decode(sqlite3_column_blob(st, 0), (size_t)sqlite3_column_bytes(st, 0),
                            &v) < 0) {
            snprintf(d->err, sizeof d->err, "aggregate %d/%s is corrupt", p, code);
            r = -1;
            break;
        }
        int k = stat_vec_merge(out, &v, 1);
        stat_vec_free(&v);
        if (k < 0) {
            snprintf(d->err, sizeof d->err, "out of memory");
            r = -1;
            break;
        }
        if (rows)
            (*rows)++;
    }
    if (r == 0 && rc != SQLITE_DONE)
        r = db_fail(d, "aggregate query");
    db_release(d, st);
    return r;
}

/* ---- rebuild ---- */

static uint64_t hash_key(int p, const char *code)
{
    uint64_t h = 1469598103934665603ULL ^ (uint64_t)p;
    for (const unsigned char *c = (const unsigned char *)code; *c; c++)
        h = (h ^ *c) * 1099511628211ULL;
    return h;
}

static struct stat_acc_slot *acc_find(struct stat_accmap *m, int p, const char *code)
{
    if ((m->n + 1) * 2 > m->cap) {
        size_t nc = m->cap ? m->cap * 2 : 1024;
        struct stat_acc_slot *ns = calloc(nc, sizeof *ns);
        if (!ns)
            return NULL;
        for (size_t i = 0; i < m->cap; i++) {
            if (!m->s[i].used)
                continue;
            size_t k = hash_key(m->s[i].portee, m->s[i].code) & (nc - 1);
            while (ns[k].used)
                k = (k + 1) & (nc - 1);
            ns[k] = m->s[i];
        }
        free(m->s);
        m->s = ns;
        m->cap = nc;
    }
    size_t k = hash_key(p, code) & (m->cap - 1);
    while (m->s[k].used) {
        if (m->s[k].portee == p && strcmp(m->s[k].code, code) == 0)
            return &m->s[k];
        k = (k + 1) & (m->cap - 1);
    }
    m->s[k].used = 1;
    m->s[k].portee = p;
    snprintf(m->s[k].code, sizeof m->s[k].code, "%s", code);
    memset(&m->s[k].v, 0, sizeof m->s[k].v);
    m->n++;
    return &m->s[k];
}

static void acc_free(struct stat_accmap *m)
{
    for (size_t i = 0; i < m->cap; i++)
        if (m->s[i].used)
            stat_vec_free(&m->s[i].v);
    free(m->s);
    memset(m, 0, sizeof *m);
}

static int write_bucket(struct db *d, int p, const char *code, int g, long debut,
                        const struct stat_vec *v, long *count)
{
    sqlite3_stmt *st = db_prepare_cached(d, "INSERT INTO stat_agregat (portee, code, grain, debut, v) "
                                            "VALUES (?1, ?2, ?3, ?4, ?5)");
    if (!st)
        return -1;
    struct buf b = BUF_INIT;
    stat_vec_encode(v, &b);
    sqlite3_bind_int(st, 1, p);
    sqlite3_bind_text(st, 2, code, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 3, g);
    sqlite3_bind_int64(st, 4, debut);
    sqlite3_bind_blob(st, 5, b.s, (int)b.len, SQLITE_TRANSIENT);
    int rc = b.oom ? SQLITE_NOMEM : sqlite3_step(st);
    db_release(d, st);
    buf_free(&b);
    if (rc != SQLITE_DONE)
        return db_fail(d, "aggregate rebuild");
    (*count)++;
    return 0;
}

/* Write grain g's accumulators (when the scope keeps that grain), merge
 * them into `up` (the next grain, or NULL), and empty them. */
static int flush(struct db *d, struct stat_accmap *m, int g, long debut, struct stat_accmap *up,
                 unsigned (*grains)(int portee), long *count)
{
    for (size_t i = 0; i < m->cap; i++) {
        struct stat_acc_slot *s = &m->s[i];
        if (!s->used)
            continue;
        if (s->v.n && (grains(s->portee) & (1u << g)) &&
            write_bucket(d, s->portee, s->code, g, debut, &s->v, count) < 0)
            return -1;
        if (up && s->v.n) {
            struct stat_acc_slot *u = acc_find(up, s->portee, s->code);
            if (!u || stat_vec_merge(&u->v, &s->v, 1) < 0) {
                snprintf(d->err, sizeof d->err, "out of memory");
                return -1;
            }
        }
        stat_vec_free(&s->v);
        s->used = 0;
    }
    m->n = 0;
    return 0;
}

int stat_rebuild_add(struct db *d, struct stat_rebuild *r, int portee, const char *code, long jour,
                     const struct stat_vec *v)
{
    long m = stat_bucket_start(SG_MOIS, jour), y = stat_bucket_start(SG_AN, jour);
    if (r->started && jour != r->cur_day) {
        if (jour < r->cur_day) {
            snprintf(d->err, sizeof d->err, "aggregate rebuild: records out of day order");
            return -1;
        }
        if (flush(d, &r->day, SG_JOUR, r->cur_day, &r->month, r->grains, &r->count) < 0)
            return -1;
        if (m != r->cur_month &&
            flush(d, &r->month, SG_MOIS, r->cur_month, &r->year, r->grains, &r->count) < 0)
            return -1;
        if (y != r->cur_year && flush(d, &r->year, SG_AN, r->cur_year, NULL, r->grains, &r->count) < 0)
            return -1;
    }
    r->started = 1;
    r->cur_day = jour;
    r->cur_month = m;
    r->cur_year = y;
    struct stat_acc_slot *s = acc_find(&r->day, portee, code);
    if (!s || stat_vec_merge(&s->v, v, 1) < 0) {
        snprintf(d->err, sizeof d->err, "out of memory");
        return -1;
    }
    return 0;
}

int stat_rebuild_end(struct db *d, struct stat_rebuild *r)
{
    if (!r->started)
        return 0;
    return flush(d, &r->day, SG_JOUR, r->cur_day, &r->month, r->grains, &r->count) < 0 ||
                   flush(d, &r->month, SG_MOIS, r->cur_month, &r->year, r->grains, &r->count) < 0 ||
                   flush(d, &r->year, SG_AN, r->cur_year, NULL, r->grains, &r->count) < 0
               ? -1
               : 0;
}

void stat_rebuild_free(struct stat_rebuild *r)
{
    acc_free(&r->day);
    acc_free(&r->month);
    acc_free(&r->year);
}
