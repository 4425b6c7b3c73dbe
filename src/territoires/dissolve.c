/* dissolve.c - the outline of a group of polygons that share their
 * borders exactly (communes of one EPCI): geo_dissolve() (see geo.h).
 *
 * Every ring is cut into edges between consecutive positions; an edge
 * shared by two polygons appears twice (in either direction) and is an
 * inner border, so only edges seen an odd number of times are kept. The
 * kept edges form closed walks (every vertex has an even degree when the
 * borders match), which are chained into rings. A ring inside an even
 * number of others is an exterior, inside an odd number a hole of the
 * smallest ring that contains it. Positions are compared exactly (the IGN
 * contours of neighbouring communes repeat the same coordinates); where
 * they do not match the pieces stay side by side, as before. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "territoires/geo.h"

struct sommet {
    double lon, lat;
};

struct graphe {
    struct sommet *s;          /* distinct positions */
    size_t ns, caps;
    uint32_t *hs;              /* hash of positions -> index + 1 */
    size_t caph;
    struct arete {
        uint32_t a, b;         /* a < b */
        uint32_t n;            /* times seen */
    } *e;
    size_t ne, cape;
    uint32_t *he;              /* hash of edges -> index + 1 */
    size_t caphe;
};

static uint64_t mix(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    return x ^ (x >> 33);
}

static uint64_t hash_pos(double lon, double lat)
{
    uint64_t a, b;
    memcpy(&a, &lon, 8);
    memcpy(&b, &lat, 8);
    return mix(a * 31 + mix(b));
}

static int rehash_s(struct graphe *g)
{
    size_t cap = g->caph ? g->caph * 2 : 4096;
    uint32_t *h = calloc(cap, sizeof *h);
    if (!h)
        return -1;
    for (size_t i = 0; i < g->ns; i++) {
        size_t k = hash_pos(g->s[i].lon, g->s[i].lat) & (cap - 1);
        while (h[k])
            k = (k + 1) & (cap - 1);
        h[k] = (uint32_t)i + 1;
    }
    free(g->hs);
    g->hs = h;
    g->caph = cap;
    return 0;
}

/* Index of a position, added when new; -1 when memory runs out. */
static long sommet(struct graphe *g, double lon, double lat)
{
    if (g->ns * 2 >= g->caph && rehash_s(g) < 0)
        return -1;
    size_t k = hash_pos(lon, lat) & (g->caph - 1);
    while (g->hs[k]) {
        const struct sommet *s = &g->s[g->hs[k] - 1];
        if (s->lon == lon && s->lat == lat)
            return (long)g->hs[k] - 1;
        k = (k + 1) & (g->caph - 1);
    }
    if (g->ns == g->caps) {
        size_t cap = g->caps ? g->caps * 2 : 4096;
        void *v = realloc(g->s, cap * sizeof *g->s);
        if (!v)
            return -1;
        g->s = v;
        g->caps = cap;
    }
    g->s[g->ns] = (struct sommet){lon, lat};
    g->hs[k] = (uint32_t)g->ns + 1;
    return (long)g->ns++;
}

static uint64_t hash_arete(uint32_t a, uint32_t b)
{
    return mix(((uint64_t)a << 32) | b);
}

static int rehash_e(struct graphe *g)
{
    size_t cap = g->caphe ? g->caphe * 2 : 8192;
    uint32_t *h = calloc(cap, sizeof *h);
    if (!h)
        return -1;
    for (size_t i = 0; i < g->ne; i++) {
        size_t k = hash_arete(g->e[i].a, g->e[i].b) & (cap - 1);
        while (h[k])
            k = (k + 1) & (cap - 1);
        h[k] = (uint32_t)i + 1;
    }
    free(g->he);
    g->he = h;
    g->caphe = cap;
    return 0;
}

static int arete(struct graphe *g, uint32_t a, uint32_t b)
{
    if (a == b)
        return 0;
    if (a > b) {
        uint32_t t = a;
        a = b;
        b = t;
    }
    if (g->ne * 2 >= g->caphe && rehash_e(g) < 0)
        return -1;
    size_t k = hash_arete(a, b) & (g->caphe - 1);
    while (g->he[k]) {
        struct arete *e = &g->e[g->he[k] - 1];
        if (e->a == a && e->b == b) {
            e->n++;
            return 0;
        }
        k = (k + 1) & (g->caphe - 1);
    }
    if (g->ne == g->cape) {
        size_t cap = g->cape ? g->cape * 2 : 8192;
        void *v = realloc(g->e, cap * sizeof *g->e);
        if (!v)
            return -1;
        g->e = v;
        g->cape = cap;
    }
    g->e[g->ne] = (struct arete){a, b, 1};
    g->he[k] = (uint32_t)g->ne + 1;
    g->ne++;
    return 0;
}

static int position(const json_t *p, double *lon, double *lat)
{
    if (!json_is_array(p) || json_array_size(p) < 2 || !json_is_number(json_array_get(p, 0)) ||
        !json_is_number(json_array_get(p, 1)))
        return -1;
    *lon = json_number_value(json_array_get(p, 0));
    *lat = json_number_value(json_array_get(p, 1));
    return isfinite(*lon) && isfinite(*lat) ? 0 : -1;
}

static int add_ring(struct graphe *g, const json_t *ring)
{
    size_t n = json_array_size(ring);
    if (n < 3)
        return 0;
    long first = -1, prev = -1;
    for (size_t i = 0; i < n; i++) {
        double lon, lat;
        if (position(json_array_get(ring, i), &lon, &lat) < 0)
            return 0; /* malformed ring: left out */
        long v = sommet(g, lon, lat);
        if (v < 0)
            return -1;
        if (prev >= 0 && arete(g, (uint32_t)prev, (uint32_t)v) < 0)
            return -1;
        if (first < 0)
            first = v;
        prev = v;
    }
    return prev != first ? arete(g, (uint32_t)prev, (uint32_t)first) : 0;
}

static int add_geometry(struct graphe *g, const json_t *geo)
{
    const char *type = json_string_value(json_object_get(geo, "type"));
    const json_t *c = json_object_get(geo, "coordinates");
    if (!type || !json_is_array(c))
        return 0;
    if (strcmp(type, "Polygon") == 0) {
        for (size_t i = 0; i < json_array_size(c); i++)
            if (add_ring(g, json_array_get(c, i)) < 0)
                return -1;
    } else if (strcmp(type, "MultiPolygon") == 0) {
        for (size_t p = 0; p < json_array_size(c); p++) {
            const json_t *poly = json_array_get(c, p);
            for (size_t i = 0; i < json_array_size(poly); i++)
                if (add_ring(g, json_array_get(poly, i)) < 0)
                    return -1;
        }
    }
    return 0;
}

/* A ring of vertex indices. */
struct anneau {
    uint32_t *v;
    size_t n;
    double aire;     /* absolute, in degrees² (only compared) */
    int prof;        /* rings containing it */
    long parent;     /* exterior holding a hole, -1 */
};

static int contient(const struct graphe *g, const struct anneau *r, double x, double y)
{
    int in = 0;
    for (size_t i = 0, j = r->n - 1; i < r->n; j = i++) {
        const struct sommet *a = &g->s[r->v[i]], *b = &g->s[r->v[j]];
        if ((a->lat > y) != (b->lat > y) &&
            x < (b->lon - a->lon) * (y - a->lat) / (b->lat - a->lat) + a->lon)
            in = !in;
    }
    return in;
}

static json_t *ring_json(const struct graphe *g, const struct anneau *r)
{
    json_t *a = json_array();
    for (size_t i = 0; i <= r->n; i++) {
        const struct sommet *s = &g->s[r->v[i % r->n]];
        json_t *p = json_array();
        json_array_append_new(p, json_real(s->lon));
        json_array_append_new(p, json_real(s->lat));
        json_array_append_new(a, p);
    }
    return a;
}

json_t *geo_dissolve(const json_t *const *geometries, size_t n)
{
    struct graphe g;
    memset(&g, 0, sizeof g);
    struct anneau *rings = NULL;
    size_t nr = 0, capr = 0;
    uint32_t *adj = NULL, *deb = NULL;
    unsigned char *used = NULL;
    json_t *out = NULL;
    for (size_t i = 0; i < n; i++)
        if (geometries[i] && add_geometry(&g, geometries[i]) < 0)
            goto done;
    /* adjacency (CSR) of the kept edges */
    deb = calloc(g.ns + 1, sizeof *deb);
    used = calloc(g.ne ? g.ne : 1, 1);
    if (!deb || !used)
        goto done;
    size_t kept = 0;
    for (size_t i = 0; i < g.ne; i++)
        if (g.e[i].n % 2) {
            deb[g.e[i].a + 1]++;
            deb[g.e[i].b + 1]++;
            kept++;
        }
    for (size_t i = 0; i < g.ns; i++)
        deb[i + 1] += deb[i];
    adj = malloc((kept ? 2 * kept : 1) * sizeof *adj);
    uint32_t *fill = malloc((g.ns ? g.ns : 1) * sizeof *fill);
    if (!adj || !fill) {
        free(fill);
        goto done;
    }
    memcpy(fill, deb, g.ns * sizeof *fill);
    for (size_t i = 0; i < g.ne; i++)
        if (g.e[i].n % 2) {
            adj[fill[g.e[i].a]++] = (uint32_t)i;
            adj[fill[g.e[i].b]++] = (uint32_t)i;
        }
    free(fill);
    /* walk the rings */
    for (size_t s = 0; s < g.ne; s++) {
        if (!(g.e[s].n % 2) || used[s])
            continue;
        size_t cap = 16, len = 0;
        uint32_t *v = malloc(cap * sizeof *v);
        if (!v)
            goto done;
        uint32_t start = g.e[s].a, cur = g.e[s].b;
        used[s] = 1;
        v[len++] = start;
        while (cur != start) {
            if (len == cap) {
                cap *= 2;
                uint32_t *t = realloc(v, cap * sizeof *v);
                if (!t) {
                    free(v);
                    goto done;
                }
                v = t;
            }
            v[len++] = cur;
            long next = -1;
            for (uint32_t k = deb[cur]; k < deb[cur + 1]; k++)
                if (!used[adj[k]]) {
                    next = adj[k];
                    break;
                }
            if (next < 0)
                break; /* open chain: borders that do not match; closed anyway */
            used[next] = 1;
            cur = g.e[next].a == cur ? g.e[next].b : g.e[next].a;
        }
        if (len < 3) {
            free(v);
            continue;
        }
        if (nr == capr) {
            capr = capr ? capr * 2 : 16;
            void *t = realloc(rings, capr * sizeof *rings);
            if (!t) {
                free(v);
                goto done;
            }
            rings = t;
        }
        double a2 = 0;
        for (size_t i = 0, j = len - 1; i < len; j = i++)
            a2 += (g.s[v[j]].lon * g.s[v[i]].lat) - (g.s[v[i]].lon * g.s[v[j]].lat);
        rings[nr++] = (struct anneau){v, len, fabs(a2) / 2, 0, -1};
    }
    /* nesting: test the middle of each ring's first edge */
    for (size_t i = 0; i < nr; i++) {
        const struct sommet *a = &g.s[rings[i].v[0]], *b = &g.s[rings[i].v[1]];
        double x = (a->lon + b->lon) / 2, y = (a->lat + b->lat) / 2;
        double best = INFINITY;
        for (size_t j = 0; j < nr; j++) {
            if (j == i || rings[j].aire <= rings[i].aire || !contient(&g, &rings[j], x, y))
                continue;
            rings[i].prof++;
            if (rings[j].aire < best) {
                best = rings[j].aire;
                rings[i].parent = (long)j;
            }
        }
    }
    out = json_object();
    json_t *polys = json_array();
    json_object_set_new(out, "type", json_string("MultiPolygon"));
    json_object_set_new(out, "coordinates", polys);
    for (size_t i = 0; i < nr; i++) {
        if (rings[i].prof % 2)
            continue;
        json_t *poly = json_array();
        json_array_append_new(poly, ring_json(&g, &rings[i]));
        for (size_t j = 0; j < nr; j++)
            if (rings[j].prof % 2 && rings[j].parent == (long)i)
                json_array_append_new(poly, ring_json(&g, &rings[j]));
        json_array_append_new(polys, poly);
    }
    if (json_array_size(polys) == 0) {
        json_decref(out);
        out = NULL;
    }
done:
    for (size_t i = 0; i < nr; i++)
        free(rings[i].v);
    free(rings);
    free(adj);
    free(deb);
    free(used);
    free(g.s);
    free(g.hs);
    free(g.e);
    free(g.he);
    return out;
}
