/* dedup.c - find and merge duplicate places across sources (see dedup.h).
 *
 * dedup_run() works in four steps:
 *  1. prepare: fold every name and address once into one arena, intern
 *     sources and typology values so that the pair loop compares integers
 *     and bit sets, not strings;
 *  2. scan: group records by commune; inside each commune sweep the places
 *     with coordinates by latitude (pairs further apart than the distance at
 *     which the score cannot pass are skipped), and compare places without
 *     coordinates with everyone. Each candidate is scored lazily: distance
 *     first, then the names and addresses only if length-based upper bounds
 *     still allow the cutoff;
 *  3. add the overrides, sort the pairs and keep one entry per pair;
 *  4. link with a union-find (union by size, path halving), "always" first,
 *     then duplicates by descending score, refusing any link that would put
 *     a "never" pair in one group. */
#include "lieux/dedup.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/text.h"

#define PIVOT_PLACEHOLDER "00000000000000"
#define ID_SUFFIX "-mediation-numerique"

/* ------------------------------------------------------------------------ */
/* Ratio                                                                     */
/* ------------------------------------------------------------------------ */

#define LCS_WORDS ((DEDUP_MAX_LEN + 63) / 64)

/* Length of the longest common subsequence of a[0..la) and b[0..lb),
 * la <= DEDUP_MAX_LEN, with the bit-parallel algorithm of Hyyrö (2004):
 * O(lb * la / 64) after an O(la) set-up. */
static size_t lcs_len(const unsigned char *a, size_t la, const unsigned char *b, size_t lb)
{
    if (la <= 64) {
        /* One word: the common case (names and addresses are short). */
        uint64_t pm[256], v = ~(uint64_t)0;
        for (size_t i = 0; i < la; i++)
            pm[a[i]] = 0;
        for (size_t j = 0; j < lb; j++)
            pm[b[j]] = 0;
        for (size_t i = 0; i < la; i++)
            pm[a[i]] |= (uint64_t)1 << i;
        for (size_t j = 0; j < lb; j++) {
            uint64_t u = v & pm[b[j]];
            v = (v + u) | (v - u);
        }
        if (la < 64)
            v |= ~(uint64_t)0 << la;
        return (size_t)__builtin_popcountll(~v);
    }

    uint64_t pm[256][LCS_WORDS];
    uint64_t v[LCS_WORDS];
    size_t words = (la + 63) / 64;

    /* Clear only the rows we will read: the bytes of a and of b. */
    for (size_t i = 0; i < la; i++)
        for (size_t w = 0; w < words; w++)
            pm[a[i]][w] = 0;
    for (size_t j = 0; j < lb; j++)
        for (size_t w = 0; w < words; w++)
            pm[b[j]][w] = 0;
    for (size_t i = 0; i < la; i++)
        pm[a[i]][i / 64] |= (uint64_t)1 << (i % 64);
    for (size_t w = 0; w < words; w++)
        v[w] = ~(uint64_t)0;

    /* V' = (V + U) | (V - U) with U = V & PM[b_j]; the zeros of V count the
     * LCS. Multi-word addition carries upwards. */
    for (size_t j = 0; j < lb; j++) {
        const uint64_t *m = pm[b[j]];
        uint64_t carry = 0;
        for (size_t w = 0; w < words; w++) {
            uint64_t x = v[w], u = x & m[w];
            uint64_t t = x + carry;
            uint64_t c1 = t < x;
            uint64_t s = t + u;
            uint64_t c2 = s < t;
            carry = c1 | c2;
            v[w] = s | (x - u);
        }
    }

    size_t ones = 0;
    for (size_t w = 0; w < words; w++) {
        uint64_t x = v[w];
        if (w == words - 1 && la % 64)
            x &= ((uint64_t)1 << (la % 64)) - 1;
        ones += (size_t)__builtin_popcountll(x);
    }
    return la - ones;
}

/* fuzzball's rounding: Math.round(100 * ((lensum - indel) / lensum)). */
static int ratio_of(size_t common, size_t la, size_t lb)
{
    size_t lensum = la + lb;
    double r = (double)(2 * common) / (double)lensum;
    return (int)floor(100.0 * r + 0.5);
}

static int ratio_folded(const char *a, size_t la, const char *b, size_t lb)
{
    if (la == 0 || lb == 0)
        return 0;
    if (la == lb && memcmp(a, b, la) == 0)
        return 100;
    size_t common = la <= lb ? lcs_len((const unsigned char *)a, la, (const unsigned char *)b, lb)
                             : lcs_len((const unsigned char *)b, lb, (const unsigned char *)a, la);
    return ratio_of(common, la, lb);
}

/* Best ratio two strings of these lengths can reach. */
static int ratio_bound(size_t la, size_t lb)
{
    if (la == 0 || lb == 0)
        return 0;
    return ratio_of(la < lb ? la : lb, la, lb);
}

static size_t fold(const char *s, char *out)
{
    return text_fold(s ? s : "", out, DEDUP_MAX_LEN + 1);
}

int dedup_ratio(const char *a, const char *b)
{
    char fa[DEDUP_MAX_LEN + 1], fb[DEDUP_MAX_LEN + 1];
    size_t la = fold(a, fa), lb = fold(b, fb);
    return ratio_folded(fa, la, fb, lb);
}

/* ------------------------------------------------------------------------ */
/* Pair rules                                                                */
/* ------------------------------------------------------------------------ */

/* Next non-empty value of a "|"-list, trimmed of spaces. Returns 0 at the
 * end of the list. */
static int next_value(const char **p, const char **v, size_t *len)
{
    const char *s = *p;
    while (s && *s) {
        const char *e = strchr(s, '|');
        const char *end = e ? e : s + strlen(s);
        const char *b = s;
        while (b < end && (*b == ' ' || *b == '\t'))
            b++;
        const char *t = end;
        while (t > b && (t[-1] == ' ' || t[-1] == '\t'))
            t--;
        s = e ? e + 1 : end;
        if (t > b) {
            *p = s;
            *v = b;
            *len = (size_t)(t - b);
            return 1;
        }
    }
    *p = s;
    return 0;
}

static int list_has(const char *list, const char *value)
{
    const char *v;
    size_t len, n = strlen(value);
    while (next_value(&list, &v, &len))
        if (len == n && memcmp(v, value, n) == 0)
            return 1;
    return 0;
}

static int list_empty(const char *list)
{
    const char *v;
    size_t len;
    return !next_value(&list, &v, &len);
}

int dedup_typologies_compatible(const char *t1, const char *t2)
{
    if (list_empty(t1) || list_empty(t2))
        return 1;
    const char *p = t1, *v;
    size_t len;
    while (next_value(&p, &v, &len)) {
        const char *q = t2, *w;
        size_t wl;
        while (next_value(&q, &w, &wl))
            if (wl == len && memcmp(v, w, len) == 0)
                return 1;
    }
    return (list_has(t1, "RFS") && list_has(t2, "PIMMS")) ||
           (list_has(t1, "PIMMS") && list_has(t2, "RFS"));
}

static int distance_score(int ca, double lata, double lona, int cb, double latb, double lonb)
{
    /* Non-finite coordinates count as missing (and keep NaN out of the
     * integer conversion below). */
    if (!ca || !cb || !isfinite(lata) || !isfinite(lona) || !isfinite(latb) || !isfinite(lonb))
        return 100;
    double dx = lata - latb, dy = lona - lonb;
    double d = sqrt(dx * dx + dy * dy);
    if (d < 0.0004)
        return 100;
    return (int)(100.0 / (d * 1000.0 + 1.0));
}

void dedup_score(const struct lieu *a, const struct lieu *b, struct dedup_pair *out)
{
    memset(out, 0, sizeof *out);
    out->nom = dedup_ratio(lieu_get(a, LF_NOM), lieu_get(b, LF_NOM));
    out->voie = dedup_ratio(lieu_get(a, LF_ADRESSE), lieu_get(b, LF_ADRESSE));
    out->distance = distance_score(a->has_coords, a->lat, a->lon, b->has_coords, b->lat, b->lon);
    out->score = (out->nom + out->voie + out->distance) / 3;
}

void dedup_params_init(struct dedup_params *p)
{
    struct dedup_params d = DEDUP_PARAMS_DEFAULT;
    *p = d;
}

/* ------------------------------------------------------------------------ */
/* Preparation                                                               */
/* ------------------------------------------------------------------------ */

/* Interning table: (string, length) -> small integer, strings borrowed. */
struct intern_slot {
    const char *s;
    size_t len;
    int id;
};

struct intern {
    struct intern_slot *slot;
    size_t cap, used;
};

static uint64_t hash_bytes(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ULL;
    }
    return h;
}

/* Id of s[0..n), adding it when new. Returns -1 on OOM. */
static int intern_get(struct intern *t, const char *s, size_t n)
{
    if (2 * (t->used + 1) > t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 64;
        struct intern_slot *ns = calloc(cap, sizeof *ns);
        if (!ns)
            return -1;
        for (size_t i = 0; i < t->cap; i++) {
            if (!t->slot[i].s)
                continue;
            size_t h = (size_t)hash_bytes(t->slot[i].s, t->slot[i].len) & (cap - 1);
            while (ns[h].s)
                h = (h + 1) & (cap - 1);
            ns[h] = t->slot[i];
        }
        free(t->slot);
        t->slot = ns;
        t->cap = cap;
    }
    size_t h = (size_t)hash_bytes(s, n) & (t->cap - 1);
    while (t->slot[h].s) {
        if (t->slot[h].len == n && memcmp(t->slot[h].s, s, n) == 0)
            return t->slot[h].id;
        h = (h + 1) & (t->cap - 1);
    }
    t->slot[h].s = s;
    t->slot[h].len = n;
    t->slot[h].id = (int)t->used++;
    return t->slot[h].id;
}

enum {
    P_COORDS = 1,   /* has coordinates */
    P_TYP_EMPTY = 2, /* no typology */
    P_TYP_RFS = 4,
    P_TYP_PIMMS = 8,
    P_TYP_MORE = 16 /* has typology values beyond the 128 first interned */
};

struct prep {
    double lat, lon;
    uint64_t typ[2]; /* bit i: typology value interned as i (i < 128) */
    size_t nom, adr; /* offsets of the folded strings in the arena */
    uint16_t nom_len, adr_len;
    int src;
    int flags;
};

struct scan {
    const struct dedup_rec *recs;
    const struct prep *pp;
    const char *arena;
    const struct dedup_params *p;
    struct dedup_pair *pairs;
    size_t npairs, cap;
    size_t ncandidates, nscored;
    int oom;
};

static int push_pair(struct scan *s, const struct dedup_pair *pr)
{
    if (s->npairs == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 256;
        struct dedup_pair *np = realloc(s->pairs, cap * sizeof *np);
        if (!np) {
            s->oom = 1;
            return -1;
        }
        s->pairs = np;
        s->cap = cap;
    }
    s->pairs[s->npairs++] = *pr;
    return 0;
}

static int typ_compatible(const struct scan *s, size_t i, size_t j)
{
    const struct prep *a = &s->pp[i], *b = &s->pp[j];
    if ((a->flags | b->flags) & P_TYP_EMPTY)
        return 1;
    if ((a->typ[0] & b->typ[0]) || (a->typ[1] & b->typ[1]))
        return 1;
    if (((a->flags & P_TYP_RFS) && (b->flags & P_TYP_PIMMS)) ||
        ((a->flags & P_TYP_PIMMS) && (b->flags & P_TYP_RFS)))
        return 1;
    if ((a->flags | b->flags) & P_TYP_MORE)
        return dedup_typologies_compatible(lieu_get(s->recs[i].l, LF_TYPOLOGIE),
                                           lieu_get(s->recs[j].l, LF_TYPOLOGIE));
    return 0;
}

/* Examine records i and j of the same commune (rules 1 to 3). */
static void consider(struct scan *s, size_t i, size_t j)
{
    const struct prep *a = &s->pp[i], *b = &s->pp[j];
    int same = a->src == b->src;
    if (same && !s->p->allow_internal)
        return;
    if (!typ_compatible(s, i, j))
        return;
    s->ncandidates++;

    int cutoff = same ? s->p->cutoff_internal : s->p->cutoff_cross;
    /* score > cutoff  <=>  nom + voie + distance >= 3 * (cutoff + 1) */
    long want = 3L * ((long)cutoff + 1);
    if (s->p->report_min > 0 && 3L * s->p->report_min < want)
        want = 3L * s->p->report_min;
    int dist = distance_score(a->flags & P_COORDS, a->lat, a->lon, b->flags & P_COORDS, b->lat,
                              b->lon);
    int vub = ratio_bound(a->adr_len, b->adr_len);
    if (dist + ratio_bound(a->nom_len, b->nom_len) + vub < want)
        return;
    s->nscored++;
    int nom = ratio_folded(s->arena + a->nom, a->nom_len, s->arena + b->nom, b->nom_len);
    if (dist + nom + vub < want)
        return;
    int voie = ratio_folded(s->arena + a->adr, a->adr_len, s->arena + b->adr, b->adr_len);
    int score = (nom + voie + dist) / 3;

    struct dedup_pair pr;
    pr.a = i < j ? i : j;
    pr.b = i < j ? j : i;
    pr.nom = nom;
    pr.voie = voie;
    pr.distance = dist;
    pr.score = score;
    if (score > cutoff)
        pr.decision = DEDUP_DUP;
    else if (s->p->report_min > 0 && score >= s->p->report_min)
        pr.decision = DEDUP_DISTINCT;
    else
        return;
    push_pair(s, &pr);
}

struct by_lat {
    double lat, lon;
    size_t i;
};

static int cmp_lat(const void *x, const void *y)
{
    const struct by_lat *a = x, *b = y;
    if (a->lat != b->lat)
        return a->lat < b->lat ? -1 : 1;
    return a->i < b->i ? -1 : a->i > b->i;
}

/* Compare the k records of one commune. `window`: degrees beyond which two
 * located places cannot pass (<0: compare all). tmp/nocoord are scratch. */
static void scan_block(struct scan *s, const size_t *blk, size_t k, double window,
                       struct by_lat *tmp, size_t *nocoord)
{
    size_t kc = 0, kn = 0;
    for (size_t x = 0; x < k; x++) {
        size_t i = blk[x];
        if (s->pp[i].flags & P_COORDS) {
            tmp[kc].lat = s->pp[i].lat;
            tmp[kc].lon = s->pp[i].lon;
            tmp[kc].i = i;
            kc++;
        } else {
            nocoord[kn++] = i;
        }
    }
    if (window < 0) {
        for (size_t x = 0; x < kc; x++)
            for (size_t y = x + 1; y < kc; y++)
                consider(s, tmp[x].i, tmp[y].i);
    } else {
        qsort(tmp, kc, sizeof *tmp, cmp_lat);
        for (size_t x = 0; x < kc; x++)
            for (size_t y = x + 1; y < kc && tmp[y].lat - tmp[x].lat <= window; y++)
                if (fabs(tmp[y].lon - tmp[x].lon) <= window)
                    consider(s, tmp[x].i, tmp[y].i);
    }
    for (size_t x = 0; x < kn; x++) {
        for (size_t y = 0; y < kc; y++)
            consider(s, nocoord[x], tmp[y].i);
        for (size_t y = x + 1; y < kn; y++)
            consider(s, nocoord[x], nocoord[y]);
    }
}

/* Degrees beyond which no candidate pair can be reported (-1: no limit,
 * +inf: nothing can be reported from scores). */
static double sweep_window(const struct dedup_params *p)
{
    long want = 3L * ((long)p->cutoff_cross + 1);
    if (p->allow_internal && 3L * ((long)p->cutoff_internal + 1) < want)
        want = 3L * ((long)p->cutoff_internal + 1);
    if (p->report_min > 0 && 3L * p->report_min < want)
        want = 3L * p->report_min;
    long need = want - 200; /* distance score the pair needs at least */
    if (need <= 0)
        return -1;
    if (need > 100)
        return INFINITY;
    /* trunc(100 / (d * 1000 + 1)) >= need  requires  d <= (100 / need - 1) / 1000;
     * below 0.0004 the score is 100. Widen a little for rounding. */
    double w = (100.0 / (double)need - 1.0) / 1000.0;
    if (w < 0.0004)
        w = 0.0004;
    return w * (1 + 1e-9) + 1e-12;
}

/* ------------------------------------------------------------------------ */
/* Linking                                                                   */
/* ------------------------------------------------------------------------ */

static int decision_rank(int d)
{
    switch (d) {
    case DEDUP_FORCED_SPLIT: return 0;
    case DEDUP_FORCED_MERGE: return 1;
    case DEDUP_DUP: return 2;
    default: return 3;
    }
}

static int cmp_pair(const void *x, const void *y)
{
    const struct dedup_pair *a = x, *b = y;
    if (a->a != b->a)
        return a->a < b->a ? -1 : 1;
    if (a->b != b->b)
        return a->b < b->b ? -1 : 1;
    return decision_rank(a->decision) - decision_rank(b->decision);
}

/* Link order: "always" first, then by descending score, then (a, b). */
static int cmp_link(const void *x, const void *y)
{
    const struct dedup_pair *a = *(const struct dedup_pair *const *)x;
    const struct dedup_pair *b = *(const struct dedup_pair *const *)y;
    int fa = a->decision == DEDUP_FORCED_MERGE, fb = b->decision == DEDUP_FORCED_MERGE;
    if (fa != fb)
        return fb - fa;
    if (a->score != b->score)
        return b->score - a->score;
    if (a->a != b->a)
        return a->a < b->a ? -1 : 1;
    return a->b < b->b ? -1 : a->b > b->b;
}

struct uf {
    size_t *parent, *size, *next; /* next: circular list of a group's members */
    size_t *nev_off, *nev;        /* "never" partners of record i:
                                     nev[nev_off[i] .. nev_off[i+1]) */
    size_t *nnever;               /* per root: "never" endpoints in the group */
};

static size_t uf_find(struct uf *u, size_t x)
{
    while (u->parent[x] != x) {
        u->parent[x] = u->parent[u->parent[x]];
        x = u->parent[x];
    }
    return x;
}

/* Would joining groups ra and rb put a "never" pair together? */
static int uf_conflict(struct uf *u, size_t ra, size_t rb)
{
    if (!u->nnever[ra] || !u->nnever[rb])
        return 0;
    if (u->size[ra] > u->size[rb]) {
        size_t t = ra;
        ra = rb;
        rb = t;
    }
    size_t m = ra;
    do {
        for (size_t k = u->nev_off[m]; k < u->nev_off[m + 1]; k++)
            if (uf_find(u, u->nev[k]) == rb)
                return 1;
        m = u->next[m];
    } while (m != ra);
    return 0;
}

/* Link a and b; returns 0 when a "never" override forbids it. */
static int uf_link(struct uf *u, size_t a, size_t b)
{
    size_t ra = uf_find(u, a), rb = uf_find(u, b);
    if (ra == rb)
        return 1;
    if (uf_conflict(u, ra, rb))
        return 0;
    if (u->size[ra] < u->size[rb]) {
        size_t t = ra;
        ra = rb;
        rb = t;
    }
    u->parent[rb] = ra;
    u->size[ra] += u->size[rb];
    u->nnever[ra] += u->nnever[rb];
    size_t t = u->next[ra];
    u->next[ra] = u->next[rb];
    u->next[rb] = t;
    return 1;
}

static void uf_free(struct uf *u)
{
    free(u->parent);
    free(u->size);
    free(u->next);
    free(u->nev_off);
    free(u->nev);
    free(u->nnever);
}

/* ------------------------------------------------------------------------ */
/* dedup_run                                                                 */
/* ------------------------------------------------------------------------ */

void dedup_result_free(struct dedup_result *r)
{
    free(r->group);
    free(r->pairs);
    memset(r, 0, sizeof *r);
}

static const char *rec_source(const struct dedup_rec *r)
{
    return r->source ? r->source : lieu_get(r->l, LF_SOURCE);
}

/* Fold names and addresses, intern sources and typologies. */
static int prepare(const struct dedup_rec *recs, size_t n, struct prep *pp, struct buf *arena)
{
    struct intern src = {0}, typ = {0};
    char tmp[DEDUP_MAX_LEN + 1];
    int rc = -1;

    for (size_t i = 0; i < n; i++) {
        const struct lieu *l = recs[i].l;
        struct prep *q = &pp[i];
        memset(q, 0, sizeof *q);

        size_t len = fold(lieu_get(l, LF_NOM), tmp);
        q->nom = arena->len;
        q->nom_len = (uint16_t)len;
        if (buf_add(arena, tmp, len) < 0)
            goto out;
        len = fold(lieu_get(l, LF_ADRESSE), tmp);
        q->adr = arena->len;
        q->adr_len = (uint16_t)len;
        if (buf_add(arena, tmp, len) < 0)
            goto out;

        const char *s = rec_source(&recs[i]);
        if ((q->src = intern_get(&src, s, strlen(s))) < 0)
            goto out;

        if (l->has_coords && isfinite(l->lat) && isfinite(l->lon)) {
            q->flags |= P_COORDS;
            q->lat = l->lat;
            q->lon = l->lon;
        }

        const char *p = lieu_get(l, LF_TYPOLOGIE), *v;
        int any = 0;
        while (next_value(&p, &v, &len)) {
            int id = intern_get(&typ, v, len);
            if (id < 0)
                goto out;
            any = 1;
            if (id < 128)
                q->typ[id / 64] |= (uint64_t)1 << (id % 64);
            else
                q->flags |= P_TYP_MORE;
            if (len == 3 && memcmp(v, "RFS", 3) == 0)
                q->flags |= P_TYP_RFS;
            if (len == 5 && memcmp(v, "PIMMS", 5) == 0)
                q->flags |= P_TYP_PIMMS;
        }
        if (!any)
            q->flags |= P_TYP_EMPTY;
    }
    rc = 0;
out:
    free(src.slot);
    free(typ.slot);
    return rc;
}

static int scan_all(struct scan *s, size_t n)
{
    const struct dedup_rec *recs = s->recs;
    double window = sweep_window(s->p);
    if (isinf(window))
        return 0;

    /* Blocks: intern the communes, then a counting sort by commune id keeps
     * each block's records in index order. */
    struct intern ct = {0};
    int *cid = malloc((n ? n : 1) * sizeof *cid);
    size_t *cnt = NULL, *blk = NULL, *nocoord = NULL;
    struct by_lat *tmp = NULL;
    int rc = -1;
    if (!cid)
        goto out;
    for (size_t i = 0; i < n; i++) {
        const char *c = recs[i].commune;
        cid[i] = -1;
        if (c && c[0] && (cid[i] = intern_get(&ct, c, strlen(c))) < 0)
            goto out;
    }
    size_t nc = ct.used;
    cnt = calloc(nc + 1, sizeof *cnt);
    blk = malloc((n ? n : 1) * sizeof *blk);
    if (!cnt || !blk)
        goto out;
    for (size_t i = 0; i < n; i++)
        if (cid[i] >= 0)
            cnt[cid[i] + 1]++;
    size_t kmax = 0;
    for (size_t c = 0; c < nc; c++) {
        if (cnt[c + 1] > kmax)
            kmax = cnt[c + 1];
        cnt[c + 1] += cnt[c];
    }
    for (size_t i = 0; i < n; i++)
        if (cid[i] >= 0)
            blk[cnt[cid[i]]++] = i;
    /* cnt[c] is now the end of block c, i.e. the start of block c + 1 */

    tmp = malloc((kmax ? kmax : 1) * sizeof *tmp);
    nocoord = malloc((kmax ? kmax : 1) * sizeof *nocoord);
    if (!tmp || !nocoord)
        goto out;
    for (size_t c = 0, start = 0; c < nc && !s->oom; start = cnt[c], c++)
        if (cnt[c] - start > 1)
            scan_block(s, blk + start, cnt[c] - start, window, tmp, nocoord);
    rc = s->oom ? -1 : 0;
out:
    free(ct.slot);
    free(cid);
    free(cnt);
    free(blk);
    free(tmp);
    free(nocoord);
    return rc;
}

/* Steps 3 and 4: overrides, one entry per pair, union-find, groups. */
static int link_all(struct scan *s, size_t n, const struct dedup_override *ov, size_t nov,
                    struct dedup_result *out)
{
    for (size_t k = 0; k < nov; k++) {
        struct dedup_pair pr;
        size_t a = ov[k].a < ov[k].b ? ov[k].a : ov[k].b;
        size_t b = ov[k].a < ov[k].b ? ov[k].b : ov[k].a;
        dedup_score(s->recs[a].l, s->recs[b].l, &pr);
        pr.a = a;
        pr.b = b;
        pr.decision = ov[k].always ? DEDUP_FORCED_MERGE : DEDUP_FORCED_SPLIT;
        if (push_pair(s, &pr) < 0)
            return -1;
    }
    if (s->npairs)
        qsort(s->pairs, s->npairs, sizeof *s->pairs, cmp_pair);
    size_t m = 0;
    for (size_t k = 0; k < s->npairs; k++)
        if (m == 0 || s->pairs[k].a != s->pairs[m - 1].a || s->pairs[k].b != s->pairs[m - 1].b)
            s->pairs[m++] = s->pairs[k];
    s->npairs = m;

    struct uf u = {0};
    struct dedup_pair **order = NULL;
    size_t nsplit = 0, nlink = 0;
    for (size_t k = 0; k < m; k++) {
        if (s->pairs[k].decision == DEDUP_FORCED_SPLIT)
            nsplit++;
        else if (s->pairs[k].decision != DEDUP_DISTINCT)
            nlink++;
    }
    u.parent = malloc((n ? n : 1) * sizeof(size_t));
    u.size = malloc((n ? n : 1) * sizeof(size_t));
    u.next = malloc((n ? n : 1) * sizeof(size_t));
    u.nnever = calloc(n ? n : 1, sizeof(size_t));
    u.nev_off = calloc(n + 1, sizeof(size_t));
    u.nev = malloc((nsplit ? 2 * nsplit : 1) * sizeof(size_t));
    order = malloc((nlink ? nlink : 1) * sizeof *order);
    out->group = malloc((n ? n : 1) * sizeof(size_t));
    if (!u.parent || !u.size || !u.next || !u.nnever || !u.nev_off || !u.nev || !order ||
        !out->group) {
        uf_free(&u);
        free(order);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        u.parent[i] = i;
        u.size[i] = 1;
        u.next[i] = i;
    }

    /* "never" adjacency, compressed rows. */
    for (size_t k = 0; k < m; k++)
        if (s->pairs[k].decision == DEDUP_FORCED_SPLIT) {
            u.nev_off[s->pairs[k].a + 1]++;
            u.nev_off[s->pairs[k].b + 1]++;
        }
    for (size_t i = 0; i < n; i++) {
        u.nnever[i] = u.nev_off[i + 1];
        u.nev_off[i + 1] += u.nev_off[i];
    }
    for (size_t k = 0; k < m; k++)
        if (s->pairs[k].decision == DEDUP_FORCED_SPLIT) {
            size_t a = s->pairs[k].a, b = s->pairs[k].b;
            /* u.next is still the identity: borrow it as a fill cursor. */
            u.nev[u.nev_off[a] + u.next[a]++ - a] = b;
            u.nev[u.nev_off[b] + u.next[b]++ - b] = a;
        }
    for (size_t i = 0; i < n; i++)
        u.next[i] = i;

    size_t no = 0;
    for (size_t k = 0; k < m; k++)
        if (s->pairs[k].decision == DEDUP_DUP || s->pairs[k].decision == DEDUP_FORCED_MERGE)
            order[no++] = &s->pairs[k];
    qsort(order, no, sizeof *order, cmp_link);
    for (size_t k = 0; k < no; k++)
        if (!uf_link(&u, order[k]->a, order[k]->b))
            order[k]->decision = DEDUP_FORCED_SPLIT;

    /* Representative = smallest index: the first member met in index order. */
    size_t *first = u.size;
    for (size_t i = 0; i < n; i++)
        first[i] = (size_t)-1;
    out->ngroups = 0;
    for (size_t i = 0; i < n; i++) {
        size_t r = uf_find(&u, i);
        if (first[r] == (size_t)-1) {
            first[r] = i;
            out->ngroups++;
        }
        out->group[i] = first[r];
    }
    uf_free(&u);
    free(order);
    return 0;
}

int dedup_run(const struct dedup_rec *recs, size_t n, const struct dedup_override *ov,
              size_t nov, const struct dedup_params *p, struct dedup_result *out)
{
    struct dedup_params defaults = DEDUP_PARAMS_DEFAULT;
    struct buf arena = BUF_INIT;
    struct prep *pp = NULL;
    struct scan s;

    memset(out, 0, sizeof *out);
    for (size_t k = 0; k < nov; k++)
        if (ov[k].a >= n || ov[k].b >= n || ov[k].a == ov[k].b) {
            errno = EINVAL;
            return -1;
        }

    memset(&s, 0, sizeof s);
    s.recs = recs;
    s.p = p ? p : &defaults;

    pp = malloc((n ? n : 1) * sizeof *pp);
    if (!pp || prepare(recs, n, pp, &arena) < 0 || buf_putc(&arena, 0) < 0)
        goto oom;
    s.pp = pp;
    s.arena = arena.s;
    if (scan_all(&s, n) < 0)
        goto oom;
    free(pp);
    pp = NULL;
    buf_free(&arena);

    if (link_all(&s, n, ov, nov, out) < 0)
        goto oom;
    out->pairs = s.pairs;
    out->npairs = s.npairs;
    out->ncandidates = s.ncandidates;
    out->nscored = s.nscored;
    return 0;

oom:
    free(pp);
    buf_free(&arena);
    free(s.pairs);
    free(out->group);
    memset(out, 0, sizeof *out);
    errno = ENOMEM;
    return -1;
}

/* ------------------------------------------------------------------------ */
/* Merge                                                                     */
/* ------------------------------------------------------------------------ */

int dedup_too_old(const char *date_maj, long long now)
{
    const char *s = date_maj;
    if (!s)
        return 0;
    for (int i = 0; i < 10; i++) {
        int dash = i == 4 || i == 7;
        if (dash ? s[i] != '-' : (s[i] < '0' || s[i] > '9'))
            return 0;
    }
    if (s[10] && s[10] != 'T' && s[10] != ' ')
        return 0;
    long y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    unsigned mo = (unsigned)((s[5] - '0') * 10 + (s[6] - '0'));
    unsigned d = (unsigned)((s[8] - '0') * 10 + (s[9] - '0'));
    static const unsigned mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1])
        return 0;
    /* Days since 1970-01-01 (H. Hinnant's days_from_civil). */
    y -= mo <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (mo > 2 ? mo - 3 : mo + 9) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    long long days = (long long)era * 146097 + (long long)doe - 719468;
    /* now - date > 182.5 days, in half-day-free integer arithmetic */
    return 2 * (now - days * 86400LL) > 365LL * 86400LL;
}

static int is_union_field(int f)
{
    switch (f) {
    case LF_SERVICES:
    case LF_MODALITES_ACCOMPAGNEMENT:
    case LF_MODALITES_ACCES:
    case LF_FRAIS_A_CHARGE:
    case LF_PUBLICS_SPECIFIQUEMENT_ADRESSES:
    case LF_PRISE_EN_CHARGE_SPECIFIQUE:
    case LF_FORMATIONS_LABELS:
    case LF_AUTRES_FORMATIONS_LABELS:
    case LF_COURRIELS:
    case LF_SITE_WEB:
    case LF_TYPOLOGIE:
    case LF_DISPOSITIF_PROGRAMMES_NATIONAUX:
        return 1;
    default:
        return 0;
    }
}

struct ranked {
    const struct dedup_rec *r;
    int idx; /* index in members */
};

static int cmp_ranked(const void *x, const void *y)
{
    const struct ranked *a = x, *b = y;
    if (a->r->authoritative != b->r->authoritative)
        return b->r->authoritative - a->r->authoritative;
    int c = strcmp(lieu_get(b->r->l, LF_DATE_MAJ), lieu_get(a->r->l, LF_DATE_MAJ));
    if (c)
        return c;
    c = strcmp(lieu_get(a->r->l, LF_ID), lieu_get(b->r->l, LF_ID));
    if (c)
        return c;
    return a->idx - b->idx;
}

static int cmp_str(const void *x, const void *y)
{
    return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* Store a copy of s (NULL or "" leaves the field empty). */
static int set_copy(struct lieu *out, int f, const char *s)
{
    if (!s || !*s)
        return 0;
    out->f[f] = strdup(s);
    return out->f[f] ? 0 : -1;
}

/* Store a finished buffer (an empty one leaves the field empty). */
static int set_buf(struct lieu *out, int f, struct buf *b)
{
    if (b->oom)
        return -1;
    if (b->len == 0) {
        buf_free(b);
        return 0;
    }
    out->f[f] = buf_take(b);
    return out->f[f] ? 0 : -1;
}

static void lieu_release(struct lieu *l)
{
    for (int f = 0; f < LF__COUNT; f++)
        free(l->f[f]);
    memset(l, 0, sizeof *l);
}

/* Union of field f over the eligible members, in rank order. */
static int merge_union(const struct ranked *rk, const char *elig, size_t n, int f,
                       struct lieu *out, int *prov)
{
    struct buf b = BUF_INIT;
    *prov = DEDUP_PROV_NONE;
    for (size_t k = 0; k < n; k++) {
        if (!elig[k] && f != LF_DISPOSITIF_PROGRAMMES_NATIONAUX)
            continue;
        const char *p = lieu_get(rk[k].r->l, f), *v;
        size_t len;
        int gave = 0;
        while (next_value(&p, &v, &len)) {
            /* Already there? Compare with the values of b, "|"-separated. */
            const char *q = b.s, *w;
            size_t wl;
            int seen = 0;
            while (b.len && next_value(&q, &w, &wl))
                if (wl == len && memcmp(w, v, len) == 0) {
                    seen = 1;
                    break;
                }
            if (seen)
                continue;
            if (b.len)
                buf_putc(&b, '|');
            buf_add(&b, v, len);
            gave = 1;
        }
        if (gave)
            *prov = *prov == DEDUP_PROV_NONE ? rk[k].idx : DEDUP_PROV_SEVERAL;
    }
    return set_buf(out, f, &b);
}

static int merge_id(const struct ranked *rk, size_t n, struct lieu *out)
{
    const char **ids = malloc(n * sizeof *ids);
    struct buf b = BUF_INIT;
    size_t m = 0, sl = strlen(ID_SUFFIX);
    if (!ids)
        return -1;
    size_t others = 0;
    for (size_t k = 0; k < n; k++)
        others += !rk[k].r->authoritative;
    for (size_t k = 0; k < n; k++) {
        const char *id = lieu_get(rk[k].r->l, LF_ID);
        if (*id && (!rk[k].r->authoritative || others == 0))
            ids[m++] = id;
    }
    qsort(ids, m, sizeof *ids, cmp_str);
    for (size_t k = 0; k < m; k++) {
        size_t len = strlen(ids[k]);
        if (len > sl && strcmp(ids[k] + len - sl, ID_SUFFIX) == 0)
            len -= sl;
        if (k)
            buf_puts(&b, "__");
        buf_add(&b, ids[k], len);
    }
    free(ids);
    return set_buf(out, LF_ID, &b);
}

static int copy_member(const struct dedup_rec *r, struct lieu *out, int *prov)
{
    for (int f = 0; f < LF__COUNT; f++) {
        if (set_copy(out, f, r->l->f[f]) < 0)
            return -1;
        if (prov)
            prov[f] = out->f[f] ? 0 : DEDUP_PROV_NONE;
    }
    out->lat = r->l->lat;
    out->lon = r->l->lon;
    out->has_coords = r->l->has_coords;
    return 0;
}

/* Coordinates: most recent eligible member with parsed coordinates, else the
 * most recent with both text fields. */
static int merge_coords(const struct ranked *rk, const char *elig, size_t n, struct lieu *out,
                        int *prov)
{
    size_t k;
    int pick = -1;
    for (k = 0; k < n && pick < 0; k++)
        if (elig[k] && rk[k].r->l->has_coords)
            pick = (int)k;
    for (k = 0; k < n && pick < 0; k++)
        if (elig[k] && *lieu_get(rk[k].r->l, LF_LATITUDE) && *lieu_get(rk[k].r->l, LF_LONGITUDE))
            pick = (int)k;
    prov[LF_LATITUDE] = prov[LF_LONGITUDE] = DEDUP_PROV_NONE;
    if (pick < 0)
        return 0;
    const struct lieu *l = rk[pick].r->l;
    out->has_coords = l->has_coords;
    out->lat = l->has_coords ? l->lat : 0;
    out->lon = l->has_coords ? l->lon : 0;
    for (int f = LF_LATITUDE; f <= LF_LONGITUDE; f++) {
        const char *v = lieu_get(l, f);
        if (*v) {
            if (set_copy(out, f, v) < 0)
                return -1;
        } else {
            char num[64];
            snprintf(num, sizeof num, "%.7f", f == LF_LATITUDE ? l->lat : l->lon);
            if (set_copy(out, f, num) < 0)
                return -1;
        }
        prov[f] = rk[pick].idx;
    }
    return 0;
}

int dedup_merge(const struct dedup_rec *const *members, size_t n, struct lieu *out,
                int provenance[LF__COUNT])
{
    int prov_local[LF__COUNT];
    int *prov = provenance ? provenance : prov_local;
    struct ranked *rk = NULL;
    char *elig = NULL;

    memset(out, 0, sizeof *out);
    if (n == 0) {
        errno = EINVAL;
        return -1;
    }
    if (n == 1) {
        if (copy_member(members[0], out, provenance) < 0)
            goto oom;
        return 0;
    }

    rk = malloc(n * sizeof *rk);
    elig = malloc(n);
    if (!rk || !elig)
        goto oom;
    size_t nelig = 0;
    for (size_t k = 0; k < n; k++) {
        rk[k].r = members[k];
        rk[k].idx = (int)k;
    }
    qsort(rk, n, sizeof *rk, cmp_ranked);
    for (size_t k = 0; k < n; k++) {
        elig[k] = !rk[k].r->too_old || rk[k].r->authoritative;
        nelig += (size_t)elig[k];
    }
    if (nelig == 0)
        elig[0] = 1; /* all too old: the most recent one counts fully */

    for (int f = 0; f < LF__COUNT; f++) {
        if (f == LF_ID) {
            if (merge_id(rk, n, out) < 0)
                goto oom;
            prov[f] = out->f[f] ? DEDUP_PROV_SEVERAL : DEDUP_PROV_NONE;
        } else if (f == LF_LATITUDE) {
            if (merge_coords(rk, elig, n, out, prov) < 0)
                goto oom;
        } else if (f == LF_LONGITUDE) {
            /* done with LF_LATITUDE */
        } else if (is_union_field(f) && rk[0].r->authoritative && *lieu_get(rk[0].r->l, f)) {
            if (set_copy(out, f, lieu_get(rk[0].r->l, f)) < 0)
                goto oom;
            prov[f] = rk[0].idx;
        } else if (is_union_field(f)) {
            if (merge_union(rk, elig, n, f, out, &prov[f]) < 0)
                goto oom;
        } else {
            /* Scalar: most recent non-empty; the pivot placeholder only
             * when nobody has a real pivot. */
            int pick = -1, fallback = -1;
            for (size_t k = 0; k < n && pick < 0; k++) {
                const char *v = lieu_get(rk[k].r->l, f);
                if (!elig[k] || !*v)
                    continue;
                if (f == LF_PIVOT && strcmp(v, PIVOT_PLACEHOLDER) == 0) {
                    if (fallback < 0)
                        fallback = (int)k;
                    continue;
                }
                pick = (int)k;
            }
            if (pick < 0)
                pick = fallback;
            prov[f] = DEDUP_PROV_NONE;
            if (pick >= 0) {
                if (set_copy(out, f, lieu_get(rk[pick].r->l, f)) < 0)
                    goto oom;
                prov[f] = rk[pick].idx;
            }
        }
    }
    free(rk);
    free(elig);
    return 0;

oom:
    free(rk);
    free(elig);
    lieu_release(out);
    errno = ENOMEM;
    return -1;
}
