/* svgmap.c - server-side SVG maps of France (see svgmap.h).
 *
 * Storage. Every distinct position (exact lon/lat doubles) of every shape is
 * interned once in m->v through a hash table; rings are arrays of vertex
 * ids, without their closing position nor consecutive duplicates. Each
 * vertex remembers the neighbours it had in the first ring that used it;
 * a vertex whose neighbours differ in another ring is a junction: where
 * the border shared by two shapes begins or ends.
 *
 * Simplification (at render time, once each area's projection is known)
 * works arc by arc: the part of a ring between two junctions is a border
 * shared with the same neighbour all along, and it is simplified in a
 * canonical direction (from its endpoint with the lower vertex id), so both
 * shapes on either side get exactly the same points: no gaps nor overlaps
 * between neighbours, even at coarse tolerances. Each arc is filtered by
 * radial distance (points closer than RADIAL_TOL to the previous kept point
 * are dropped; both endpoints kept), then by Douglas-Peucker.
 *
 * Output goes through web/html.h only: html_raw for literal markup,
 * html_rawf for numbers, html_txt/html_attr for every caller's string. */
#include "web/svgmap.h"

#include <jansson.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "web/html.h"

/* Tolerances in SVG units (pixels at width_px). */
#define RADIAL_TOL 0.8
#define DP_TOL 0.8
#define DP_TOL_MAX 4.0
/* A coordinate within SNAP tenths of a whole pixel is made whole; WHOLE
 * makes them all whole (to honour svgmap_set_max_bytes()). */
#define SNAP 3
#define WHOLE 5
/* Douglas-Peucker is quadratic on contrived rings: past this many distance
 * computations in one rendering, what is left stays as the radial pass
 * left it (larger output, bounded time). */
#define DP_WORK_MAX 20000000LL
/* Smallest projected extent of an area, in degrees (a lone point, a line). */
#define MIN_EXTENT 0.01
/* Padding around point-only bounds, in degrees. */
#define POINT_PAD 0.02

enum { AREA_MAIN = 0, AREA_COUNT = 6 };

/* Overseas départements, in inset order (areas 1..5). The boxes are
 * generous around each territory and far from one another. */
static const struct territory {
    const char *name, *code;
    double lon0, lat0, lon1, lat1;
} territories[AREA_COUNT - 1] = {
    {"Guadeloupe", "971", -62.0, 15.7, -60.8, 16.7},
    {"Martinique", "972", -61.4, 14.2, -60.6, 15.0},
    {"Guyane", "973", -55.0, 1.8, -51.0, 6.2},
    {"La Réunion", "974", 55.0, -21.6, 56.0, -20.6},
    {"Mayotte", "976", 44.8, -13.2, 45.5, -12.4},
};

struct vtx {
    double lon, lat;
    uint32_t na, nb;            /* neighbour ids in the first ring, na <= nb */
    unsigned char paired, junction;
};

struct shape {
    uint32_t *ids;              /* vertex ids of all rings */
    size_t *rings;              /* nrings + 1 offsets into ids */
    size_t nrings;
    double bb[4];               /* min lon, min lat, max lon, max lat */
    char *cls, *title, *href, *code;
};

struct point {
    double lat, lon;
    char *title, *href, *cls;
};

struct svgmap {
    int width;
    int insets;
    double tol;                 /* Douglas-Peucker tolerance, px */
    size_t max_bytes;           /* 0: no size goal */
    char *title, *desc, *id;
    struct shape *shapes;
    size_t nshapes, capshapes;
    struct point *points;
    size_t npoints, cappoints;
    struct vtx *v;              /* distinct positions */
    size_t nv, capv;
    uint32_t *hash;             /* vertex id + 1, 0 when free; hcap a power of 2 */
    size_t hcap;
    uint64_t seed;              /* random: crafted collisions cannot be planned */
    size_t total;               /* ids held by all shapes */
    const char *err;
};

/* ---- construction ---------------------------------------------------- */

static char *dup_or_null(const char *s, int *fail)
{
    if (!s)
        return NULL;
    char *d = strdup(s);
    if (!d)
        *fail = 1;
    return d;
}

struct svgmap *svgmap_new(int width_px, const char *title_fr, const char *desc_fr)
{
    if (width_px < 50 || width_px > 10000 || !title_fr)
        return NULL;
    struct svgmap *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    int fail = 0;
    m->width = width_px;
    m->tol = DP_TOL;
    m->title = dup_or_null(title_fr, &fail);
    m->desc = dup_or_null(desc_fr, &fail);
    m->id = dup_or_null("carte", &fail);
    m->err = "";
    if (getrandom(&m->seed, sizeof m->seed, GRND_NONBLOCK) != sizeof m->seed)
        m->seed = (uint64_t)(uintptr_t)m ^ 0x9e3779b97f4a7c15ULL;
    if (fail) {
        svgmap_free(m);
        return NULL;
    }
    return m;
}

static void shape_clear(struct shape *s)
{
    free(s->ids);
    free(s->rings);
    free(s->cls);
    free(s->title);
    free(s->href);
    free(s->code);
}

void svgmap_free(struct svgmap *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->nshapes; i++)
        shape_clear(&m->shapes[i]);
    for (size_t i = 0; i < m->npoints; i++) {
        free(m->points[i].title);
        free(m->points[i].href);
        free(m->points[i].cls);
    }
    free(m->shapes);
    free(m->points);
    free(m->v);
    free(m->hash);
    free(m->title);
    free(m->desc);
    free(m->id);
    free(m);
}

int svgmap_set_id(struct svgmap *m, const char *id)
{
    if (!id || !*id) {
        m->err = "empty id";
        return -1;
    }
    char *d = strdup(id);
    if (!d) {
        m->err = "out of memory";
        return -1;
    }
    free(m->id);
    m->id = d;
    m->err = "";
    return 0;
}

void svgmap_set_overseas_insets(struct svgmap *m, int on)
{
    m->insets = on != 0;
}

int svgmap_set_tolerance(struct svgmap *m, double px)
{
    if (!(px >= 0 && px <= 100)) {
        m->err = "tolerance out of range";
        return -1;
    }
    m->tol = px;
    m->err = "";
    return 0;
}

void svgmap_set_max_bytes(struct svgmap *m, size_t max_bytes)
{
    m->max_bytes = max_bytes;
}

const char *svgmap_error(const struct svgmap *m)
{
    return m->err ? m->err : "";
}

/* ---- vertices -------------------------------------------------------- */

static uint64_t mix64(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

/* Ids do not depend on the hash (they follow insertion order), so the
 * random seed leaves the output deterministic. */
static size_t vtx_hash(uint64_t seed, double lon, double lat)
{
    uint64_t a, b;
    lon += 0.0; /* -0.0 and 0.0 are the same position */
    lat += 0.0;
    memcpy(&a, &lon, sizeof a);
    memcpy(&b, &lat, sizeof b);
    return (size_t)mix64(a ^ mix64(b ^ seed));
}

/* Makes room for n more vertices, so that vtx_intern() cannot fail. */
static int vtx_reserve(struct svgmap *m, size_t n)
{
    size_t need = m->nv + n;
    if (need > m->capv) {
        size_t c = m->capv ? m->capv : 1024;
        while (c < need)
            c *= 2;
        struct vtx *v = realloc(m->v, c * sizeof *v);
        if (!v)
            return -1;
        m->v = v;
        m->capv = c;
    }
    if (need * 2 > m->hcap) {
        size_t c = m->hcap ? m->hcap : 2048;
        while (c < need * 2)
            c *= 2;
        uint32_t *h = calloc(c, sizeof *h);
        if (!h)
            return -1;
        for (size_t i = 0; i < m->nv; i++) {
            size_t k = vtx_hash(m->seed, m->v[i].lon, m->v[i].lat) & (c - 1);
            while (h[k])
                k = (k + 1) & (c - 1);
            h[k] = (uint32_t)i + 1;
        }
        free(m->hash);
        m->hash = h;
        m->hcap = c;
    }
    return 0;
}

static uint32_t vtx_intern(struct svgmap *m, double lon, double lat)
{
    size_t k = vtx_hash(m->seed, lon, lat) & (m->hcap - 1);
    while (m->hash[k]) {
        const struct vtx *v = &m->v[m->hash[k] - 1];
        if (v->lon == lon && v->lat == lat)
            return m->hash[k] - 1;
        k = (k + 1) & (m->hcap - 1);
    }
    uint32_t id = (uint32_t)m->nv++;
    m->v[id] = (struct vtx){lon, lat, 0, 0, 0, 0};
    m->hash[k] = id + 1;
    return id;
}

/* Records the neighbours of each vertex of a ring (see the top comment). */
static void vtx_link(struct svgmap *m, const uint32_t *ids, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        uint32_t p = ids[(i + n - 1) % n], q = ids[(i + 1) % n];
        uint32_t a = p < q ? p : q, b = p < q ? q : p;
        struct vtx *v = &m->v[ids[i]];
        if (!v->paired) {
            v->na = a, v->nb = b, v->paired = 1;
        } else if (v->na != a || v->nb != b) {
            v->junction = 1;
        }
    }
}

/* ---- geometry parsing ------------------------------------------------ */

static int position_ok(const json_t *p, double *lon, double *lat)
{
    if (!json_is_array(p) || json_array_size(p) < 2)
        return 0;
    const json_t *x = json_array_get(p, 0), *y = json_array_get(p, 1);
    if (!json_is_number(x) || !json_is_number(y))
        return 0;
    double a = json_number_value(x), b = json_number_value(y);
    if (!isfinite(a) || !isfinite(b) || a < -180 || a > 180 || b < -90 || b > 90)
        return 0;
    *lon = a;
    *lat = b;
    return 1;
}

/* Walks the rings of a geometry. Without s, validates and counts rings and
 * positions; with s, interns the positions into s (room was reserved).
 * Returns NULL or what is wrong. */
static const char *walk(struct svgmap *m, const json_t *polys, size_t npolys, int multi,
                        struct shape *s, size_t *nrings, size_t *npos)
{
    size_t nr = 0, np = 0, nid = 0;
    for (size_t i = 0; i < npolys; i++) {
        const json_t *poly = multi ? json_array_get(polys, i) : polys;
        if (!json_is_array(poly) || json_array_size(poly) == 0)
            return "empty polygon";
        for (size_t r = 0; r < json_array_size(poly); r++) {
            const json_t *ring = json_array_get(poly, r);
            size_t n = json_array_size(ring);
            if (!json_is_array(ring) || n < 4)
                return "ring with fewer than 4 positions";
            if (n > SVGMAP_MAX_SHAPE_POINTS - np)
                return "too many points";
            size_t start = nid;
            for (size_t k = 0; k < n; k++) {
                double lon, lat;
                if (!position_ok(json_array_get(ring, k), &lon, &lat))
                    return "invalid position";
                if (!s)
                    continue;
                uint32_t id = vtx_intern(m, lon, lat);
                if (nid == start || s->ids[nid - 1] != id)
                    s->ids[nid++] = id;
            }
            if (s) {
                while (nid - start > 1 && s->ids[nid - 1] == s->ids[start])
                    nid--; /* the closing position(s) */
                s->rings[nr] = start;
                vtx_link(m, s->ids + start, nid - start);
            }
            np += n;
            nr++;
        }
    }
    if (s)
        s->rings[nr] = nid;
    *nrings = nr;
    *npos = np;
    return NULL;
}

static const char *geometry_polygons(const json_t *g, const json_t **polys, size_t *n,
                                     int *multi)
{
    if (!json_is_object(g))
        return "geometry is not an object";
    const char *type = json_string_value(json_object_get(g, "type"));
    const json_t *coords = json_object_get(g, "coordinates");
    if (!type)
        return "geometry without type";
    if (strcmp(type, "Polygon") == 0)
        *multi = 0;
    else if (strcmp(type, "MultiPolygon") == 0)
        *multi = 1;
    else
        return "geometry is neither Polygon nor MultiPolygon";
    if (!json_is_array(coords) || json_array_size(coords) == 0)
        return "empty coordinates";
    *polys = coords;
    *n = *multi ? json_array_size(coords) : 1;
    return NULL;
}

static int grow(void **p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return 0;
    size_t c = *cap ? *cap * 2 : 16;
    while (c < need)
        c *= 2;
    void *q = realloc(*p, c * size);
    if (!q)
        return -1;
    *p = q;
    *cap = c;
    return 0;
}

int svgmap_add_shape_json(struct svgmap *m, const struct json_t *geometry,
                          const char *css_class, const char *title, const char *href,
                          const char *id)
{
    const json_t *polys;
    size_t npolys, nrings, npos;
    int multi;
    const char *e = geometry_polygons(geometry, &polys, &npolys, &multi);
    if (!e)
        e = walk(m, polys, npolys, multi, NULL, &nrings, &npos);
    if (!e && npos > SVGMAP_MAX_TOTAL_POINTS - m->total)
        e = "too many points";
    if (!e && m->nshapes + m->npoints >= SVGMAP_MAX_ITEMS)
        e = "too many items";
    if (e) {
        m->err = e;
        return -1;
    }
    struct shape s = {0};
    int fail = 0;
    s.ids = malloc(npos * sizeof *s.ids);
    s.rings = malloc((nrings + 1) * sizeof *s.rings);
    s.cls = dup_or_null(css_class, &fail);
    s.title = dup_or_null(title, &fail);
    s.href = dup_or_null(href, &fail);
    s.code = dup_or_null(id, &fail);
    if (fail || !s.ids || !s.rings || vtx_reserve(m, npos) < 0 ||
        grow((void **)&m->shapes, &m->capshapes, m->nshapes + 1, sizeof *m->shapes) < 0) {
        shape_clear(&s);
        m->err = "out of memory";
        return -1;
    }
    /* From here on nothing can fail. */
    walk(m, polys, npolys, multi, &s, &nrings, &npos);
    s.nrings = nrings;
    size_t nid = s.rings[nrings];
    const struct vtx *v0 = &m->v[s.ids[0]];
    s.bb[0] = s.bb[2] = v0->lon;
    s.bb[1] = s.bb[3] = v0->lat;
    for (size_t i = 1; i < nid; i++) {
        const struct vtx *v = &m->v[s.ids[i]];
        s.bb[0] = fmin(s.bb[0], v->lon);
        s.bb[1] = fmin(s.bb[1], v->lat);
        s.bb[2] = fmax(s.bb[2], v->lon);
        s.bb[3] = fmax(s.bb[3], v->lat);
    }
    m->shapes[m->nshapes++] = s;
    m->total += npos;
    m->err = "";
    return 0;
}

int svgmap_add_shape(struct svgmap *m, const char *geometry_json, const char *css_class,
                     const char *title, const char *href, const char *id)
{
    if (!geometry_json) {
        m->err = "no geometry";
        return -1;
    }
    json_error_t jerr;
    json_t *g = json_loads(geometry_json, 0, &jerr);
    if (!g) {
        m->err = "geometry is not valid JSON";
        return -1;
    }
    int r = svgmap_add_shape_json(m, g, css_class, title, href, id);
    json_decref(g);
    return r;
}

int svgmap_add_point(struct svgmap *m, double lat, double lon, const char *title,
                     const char *href, const char *css_class)
{
    if (!isfinite(lat) || !isfinite(lon) || lat < -90 || lat > 90 || lon < -180 ||
        lon > 180) {
        m->err = "invalid coordinates";
        return -1;
    }
    if (m->nshapes + m->npoints >= SVGMAP_MAX_ITEMS) {
        m->err = "too many items";
        return -1;
    }
    if (grow((void **)&m->points, &m->cappoints, m->npoints + 1, sizeof *m->points) < 0) {
        m->err = "out of memory";
        return -1;
    }
    int fail = 0;
    struct point p = {lat, lon, dup_or_null(title, &fail), dup_or_null(href, &fail),
                      dup_or_null(css_class, &fail)};
    if (fail) {
        free(p.title);
        free(p.href);
        free(p.cls);
        m->err = "out of memory";
        return -1;
    }
    m->points[m->npoints++] = p;
    m->err = "";
    return 0;
}

static int territory_of(double lat, double lon)
{
    for (int t = 0; t < AREA_COUNT - 1; t++) {
        const struct territory *z = &territories[t];
        if (lon >= z->lon0 && lon <= z->lon1 && lat >= z->lat0 && lat <= z->lat1)
            return t + 1;
    }
    return AREA_MAIN;
}

const char *svgmap_overseas_name(double lat, double lon)
{
    int t = territory_of(lat, lon);
    return t == AREA_MAIN ? NULL : territories[t - 1].name;
}

/* ---- projection and layout ------------------------------------------- */

struct area {
    int used, has_shapes, has_points;
    double bb[4];               /* lon/lat bounds of the content */
    double kx;                  /* cos(middle latitude) */
    double s, ox, oy;           /* x = ox + (lon - bb[0]) * kx * s */
    double fx, fy, fw, fh;      /* inset frame */
};

static void bb_add(double *bb, int *used, double lon0, double lat0, double lon1, double lat1)
{
    if (!*used) {
        bb[0] = lon0, bb[1] = lat0, bb[2] = lon1, bb[3] = lat1;
        *used = 1;
        return;
    }
    bb[0] = fmin(bb[0], lon0);
    bb[1] = fmin(bb[1], lat0);
    bb[2] = fmax(bb[2], lon1);
    bb[3] = fmax(bb[3], lat1);
}

static void area_prepare(struct area *a)
{
    double mid = (a->bb[1] + a->bb[3]) / 2;
    a->kx = fmax(cos(mid * M_PI / 180), 0.05);
    /* A minimal projected extent, keeping the content centred. */
    if ((a->bb[2] - a->bb[0]) * a->kx < MIN_EXTENT) {
        double c = (a->bb[0] + a->bb[2]) / 2, h = MIN_EXTENT / a->kx / 2;
        a->bb[0] = c - h, a->bb[2] = c + h;
    }
    if (a->bb[3] - a->bb[1] < MIN_EXTENT) {
        double c = (a->bb[1] + a->bb[3]) / 2;
        a->bb[1] = c - MIN_EXTENT / 2, a->bb[3] = c + MIN_EXTENT / 2;
    }
}

static double area_dx(const struct area *a)
{
    return (a->bb[2] - a->bb[0]) * a->kx;
}

static double area_dy(const struct area *a)
{
    return a->bb[3] - a->bb[1];
}

/* Fits the area in the box (x, y, w, h), centred. */
static void area_fit(struct area *a, double x, double y, double w, double h)
{
    double dx = area_dx(a), dy = area_dy(a);
    a->s = fmin(w / dx, h / dy);
    a->ox = x + (w - dx * a->s) / 2;
    a->oy = y + (h - dy * a->s) / 2;
}

static inline double proj_x(const struct area *a, double lon)
{
    return a->ox + (lon - a->bb[0]) * a->kx * a->s;
}

static inline double proj_y(const struct area *a, double lat)
{
    return a->oy + (a->bb[3] - lat) * a->s;
}

/* ---- numbers --------------------------------------------------------- */

/* A number given in tenths, in its shortest form: 12, 1.5, .5, -.5. With
 * sep, a space comes first unless the minus sign separates already. */
static void put_tenths(struct buf *b, long long v, int sep)
{
    const char *sp = (sep && v >= 0) ? " " : "";
    const char *sg = v < 0 ? "-" : "";
    unsigned long long a = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
    unsigned long long ip = a / 10;
    unsigned fr = (unsigned)(a % 10);
    if (fr == 0)
        html_rawf(b, "%s%s%llu", sp, sg, ip);
    else if (ip == 0)
        html_rawf(b, "%s%s.%u", sp, sg, fr);
    else
        html_rawf(b, "%s%s%llu.%u", sp, sg, ip, fr);
}

static long long tenths(double v)
{
    if (!(v > -1e15 && v < 1e15))
        return v < 0 ? -10000000000000000LL : 10000000000000000LL;
    return llround(v * 10);
}

/* name="value" for a length in SVG units, one decimal. */
static void put_attr_num(struct buf *b, const char *name, double v)
{
    html_raw(b, " ");
    html_raw(b, name);
    html_raw(b, "=\"");
    put_tenths(b, tenths(v), 0);
    html_raw(b, "\"");
}

/* ---- simplification -------------------------------------------------- */

struct scratch {
    double *x, *y;              /* one arc, canonical order */
    uint32_t *id;
    unsigned char *keep;
    size_t *idx;                /* kept after the radial pass */
    size_t *stack;              /* Douglas-Peucker ranges */
    size_t cap;
    long long *out;             /* rounded x, y pairs of the shape so far */
    size_t out_cap;
    size_t *ring_end;           /* end (in pairs) of each kept ring in out */
    size_t ring_cap;
    long long work;             /* Douglas-Peucker budget left */
};

static int scratch_reserve(struct scratch *sc, size_t n)
{
    if (n + 1 <= sc->cap)
        return 0;
    size_t c = n + 1;
    free(sc->x);
    free(sc->y);
    free(sc->id);
    free(sc->keep);
    free(sc->idx);
    free(sc->stack);
    sc->x = malloc(c * sizeof *sc->x);
    sc->y = malloc(c * sizeof *sc->y);
    sc->id = malloc(c * sizeof *sc->id);
    sc->keep = malloc(c);
    sc->idx = malloc(c * sizeof *sc->idx);
    sc->stack = malloc(2 * c * sizeof *sc->stack);
    if (!sc->x || !sc->y || !sc->id || !sc->keep || !sc->idx || !sc->stack) {
        sc->cap = 0;
        return -1;
    }
    sc->cap = c;
    return 0;
}

static void scratch_free(struct scratch *sc)
{
    free(sc->x);
    free(sc->y);
    free(sc->id);
    free(sc->keep);
    free(sc->idx);
    free(sc->stack);
    free(sc->out);
    free(sc->ring_end);
}

static int out_reserve(struct scratch *sc, size_t pairs)
{
    if (pairs <= sc->out_cap)
        return 0;
    size_t c = sc->out_cap ? sc->out_cap : 1024;
    while (c < pairs)
        c *= 2;
    long long *o = realloc(sc->out, c * 2 * sizeof *o);
    if (!o)
        return -1;
    sc->out = o;
    sc->out_cap = c;
    return 0;
}

static double seg_dist2(double px, double py, double ax, double ay, double bx, double by)
{
    double dx = bx - ax, dy = by - ay, l2 = dx * dx + dy * dy;
    double t = l2 > 0 ? ((px - ax) * dx + (py - ay) * dy) / l2 : 0;
    t = t < 0 ? 0 : t > 1 ? 1 : t;
    double qx = ax + t * dx - px, qy = ay + t * dy - py;
    return qx * qx + qy * qy;
}

/* Douglas-Peucker over the points sc->idx[0..n), iterative; marks sc->keep.
 * Ties go to the lower vertex id so that the result does not depend on the
 * ring being simplified. */
static void dp_run(struct scratch *sc, size_t n, double tol2)
{
    size_t sp = 0;
    sc->stack[sp++] = 0;
    sc->stack[sp++] = n - 1;
    while (sp && sc->work > 0) {
        size_t b = sc->stack[--sp], a = sc->stack[--sp];
        sc->work -= (long long)(b - a);
        size_t ia = sc->idx[a], ib = sc->idx[b];
        double best = -1;
        size_t bi = a;
        for (size_t i = a + 1; i < b; i++) {
            size_t ii = sc->idx[i];
            double d = seg_dist2(sc->x[ii], sc->y[ii], sc->x[ia], sc->y[ia], sc->x[ib],
                                 sc->y[ib]);
            if (d > best || (d == best && sc->id[ii] < sc->id[sc->idx[bi]]))
                best = d, bi = i;
        }
        if (best > tol2) {
            sc->keep[sc->idx[bi]] = 1;
            sc->stack[sp++] = a;
            sc->stack[sp++] = bi;
            sc->stack[sp++] = bi;
            sc->stack[sp++] = b;
        } else {
            for (size_t i = a + 1; i < b; i++)
                sc->keep[sc->idx[i]] = 0;
        }
    }
}

/* Simplifies the arc of ring ids[0..n) from position i0 to position i1
 * (forward, cyclic, i1 != i0 or a full loop when equal), appending to
 * sc->out at pair *at the kept points from i0 included to i1 excluded.
 * Returns 0 or -1 (memory). */
static int arc_simplify(struct scratch *sc, const struct svgmap *m, const struct area *a,
                        const uint32_t *ids, size_t n, size_t i0, size_t i1, double radial,
                        double dp, size_t *at)
{
    size_t len = (i1 + n - i0) % n;
    if (len == 0)
        len = n;
    int rev = ids[i1] < ids[i0];
    /* Gather the arc, endpoints included, in canonical order. */
    for (size_t k = 0; k <= len; k++) {
        size_t pos = (i0 + (rev ? len - k : k)) % n;
        const struct vtx *v = &m->v[ids[pos]];
        sc->x[k] = proj_x(a, v->lon);
        sc->y[k] = proj_y(a, v->lat);
        sc->id[k] = ids[pos];
        sc->keep[k] = 0;
    }
    /* Radial pass; both endpoints stay. */
    double r2 = radial * radial;
    size_t nk = 0;
    sc->idx[nk++] = 0;
    for (size_t k = 1; k < len; k++) {
        size_t last = sc->idx[nk - 1];
        double dx = sc->x[k] - sc->x[last], dy = sc->y[k] - sc->y[last];
        if (dx * dx + dy * dy >= r2)
            sc->idx[nk++] = k;
    }
    if (nk > 1) {
        size_t last = sc->idx[nk - 1];
        double dx = sc->x[len] - sc->x[last], dy = sc->y[len] - sc->y[last];
        if (dx * dx + dy * dy < r2)
            nk--;
    }
    sc->idx[nk++] = len;
    for (size_t k = 0; k < nk; k++)
        sc->keep[sc->idx[k]] = 1;
    if (dp > 0 && nk > 2)
        dp_run(sc, nk, dp * dp);
    /* Append in ring order, i0 included, i1 excluded. */
    if (out_reserve(sc, *at + len) < 0)
        return -1;
    for (size_t j = 0; j < len; j++) {
        size_t k = rev ? len - j : j;
        if (!sc->keep[k])
            continue;
        sc->out[2 * *at] = tenths(sc->x[k]);
        sc->out[2 * *at + 1] = tenths(sc->y[k]);
        (*at)++;
    }
    return 0;
}

/* Projects, simplifies and rounds one ring, appending it to sc->out from
 * pair at. Returns the number of pairs appended (rounded duplicates
 * removed, not closed: Z closes), or (size_t)-1 when memory runs out. */
static size_t ring_simplify(struct scratch *sc, const struct svgmap *m, const struct area *a,
                            const uint32_t *ids, size_t n, double radial, double dp, size_t at)
{
    if (n < 3)
        return 0;
    if (scratch_reserve(sc, n) < 0)
        return (size_t)-1;
    /* Arcs go from junction to junction. Without junctions (an island, an
     * enclave, its hole), the ring is cut at its lowest vertex id and at the
     * point farthest from it: the enclave and the hole, made of the same
     * vertices, are cut alike. */
    size_t first = n, njunc = 0;
    for (size_t i = 0; i < n; i++) {
        if (m->v[ids[i]].junction) {
            if (first == n)
                first = i;
            njunc++;
        }
    }
    size_t start = at;
    if (njunc < 2) {
        size_t anchor = first;
        if (anchor == n) {
            anchor = 0;
            for (size_t i = 1; i < n; i++)
                if (ids[i] < ids[anchor])
                    anchor = i;
        }
        const struct vtx *va = &m->v[ids[anchor]];
        double ax = proj_x(a, va->lon), ay = proj_y(a, va->lat), best = -1;
        size_t far = anchor;
        for (size_t i = 0; i < n; i++) {
            const struct vtx *v = &m->v[ids[i]];
            double dx = proj_x(a, v->lon) - ax, dy = proj_y(a, v->lat) - ay;
            double d = dx * dx + dy * dy;
            if (d > best || (d == best && ids[i] < ids[far]))
                best = d, far = i;
        }
        if (best <= 0)
            return 0;
        if (arc_simplify(sc, m, a, ids, n, anchor, far, radial, dp, &at) < 0 ||
            arc_simplify(sc, m, a, ids, n, far, anchor, radial, dp, &at) < 0)
            return (size_t)-1;
    } else {
        size_t i0 = first;
        for (size_t step = 1; step <= n; step++) {
            size_t i = (first + step) % n;
            if (!m->v[ids[i]].junction)
                continue;
            if (arc_simplify(sc, m, a, ids, n, i0, i, radial, dp, &at) < 0)
                return (size_t)-1;
            i0 = i;
            if (i == first)
                break;
        }
    }
    /* Drop consecutive duplicates left by rounding, closing one included. */
    long long *o = sc->out + 2 * start;
    size_t k = 0;
    for (size_t i = 0; i < at - start; i++) {
        if (k > 0 && o[2 * i] == o[2 * (k - 1)] && o[2 * i + 1] == o[2 * (k - 1) + 1])
            continue;
        o[2 * k] = o[2 * i];
        o[2 * k + 1] = o[2 * i + 1];
        k++;
    }
    while (k > 1 && o[2 * (k - 1)] == o[0] && o[2 * (k - 1) + 1] == o[1])
        k--;
    return k;
}

/* Largest of width and height of pairs o[0..n), in tenths. */
static long long pairs_extent(const long long *o, size_t n)
{
    if (n == 0)
        return 0;
    long long x0 = o[0], x1 = o[0], y0 = o[1], y1 = o[1];
    for (size_t i = 1; i < n; i++) {
        x0 = o[2 * i] < x0 ? o[2 * i] : x0;
        x1 = o[2 * i] > x1 ? o[2 * i] : x1;
        y0 = o[2 * i + 1] < y0 ? o[2 * i + 1] : y0;
        y1 = o[2 * i + 1] > y1 ? o[2 * i + 1] : y1;
    }
    return (x1 - x0) > (y1 - y0) ? (x1 - x0) : (y1 - y0);
}

/* ---- output ---------------------------------------------------------- */

/* A coordinate in tenths, made whole when that moves it by at most SNAP
 * tenths: moves between whole positions print shorter ("3-4" rather than
 * "3.2-3.9"). It depends on the position alone, so a vertex shared by two
 * shapes lands on the same spot in both paths: no seams. */
static long long snap(long long v, int window)
{
    long long w = v >= 0 ? (v + 5) / 10 * 10 : -((-v + 5) / 10 * 10);
    return (w - v <= window && v - w <= window) ? w : v;
}

/* The path data of the kept rings: absolute M, relative l moves (exact
 * differences of snapped positions), Z. */
static void put_rings(struct buf *b, const long long *o, const size_t *ring_end, size_t nr,
                      int window)
{
    size_t start = 0;
    for (size_t r = 0; r < nr; r++) {
        size_t end = ring_end[r];
        if (end == start)
            continue;
        long long ex = snap(o[2 * start], window), ey = snap(o[2 * start + 1], window);
        html_raw(b, "M");
        put_tenths(b, ex, 0);
        put_tenths(b, ey, 1);
        int first = 1;
        for (size_t i = start + 1; i < end; i++) {
            long long x = snap(o[2 * i], window), y = snap(o[2 * i + 1], window);
            long long dx = x - ex, dy = y - ey;
            if (dx == 0 && dy == 0)
                continue;
            if (first)
                html_raw(b, "l");
            put_tenths(b, dx, !first);
            put_tenths(b, dy, 1);
            ex += dx;
            ey += dy;
            first = 0;
        }
        html_raw(b, "Z");
        start = end;
    }
}

static void put_link_open(struct buf *b, const char *href)
{
    if (!href)
        return;
    html_raw(b, "<a href=\"");
    html_attr(b, href);
    html_raw(b, "\">");
}

static void put_title(struct buf *b, const char *title)
{
    if (!title)
        return;
    html_raw(b, "<title>");
    html_txt(b, title);
    html_raw(b, "</title>");
}

/* One shape as a <path>. Returns 0, or -1 when memory runs out. */
static int put_shape(struct buf *b, struct scratch *sc, const struct svgmap *m,
                     const struct area *a, const struct shape *s, double tol, int window)
{
    if (s->nrings + 1 > sc->ring_cap) {
        size_t *re = realloc(sc->ring_end, (s->nrings + 1) * sizeof *re);
        if (!re)
            return -1;
        sc->ring_end = re;
        sc->ring_cap = s->nrings + 1;
    }
    size_t total = 0, kept = 0, largest = 0;
    double largest_ext = -1;
    for (size_t r = 0; r < s->nrings; r++) {
        const uint32_t *ids = s->ids + s->rings[r];
        size_t n = s->rings[r + 1] - s->rings[r];
        /* Sub-pixel rings go, judged first by their projected bounds. */
        double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
        for (size_t i = 0; i < n; i++) {
            const struct vtx *v = &m->v[ids[i]];
            x0 = fmin(x0, v->lon), x1 = fmax(x1, v->lon);
            y0 = fmin(y0, v->lat), y1 = fmax(y1, v->lat);
        }
        double ext = n ? fmax((x1 - x0) * a->kx * a->s, (y1 - y0) * a->s) : 0;
        if (ext > largest_ext)
            largest_ext = ext, largest = r;
        if (ext < 1)
            continue;
        size_t k = ring_simplify(sc, m, a, ids, n, RADIAL_TOL, tol, total);
        if (k == (size_t)-1)
            return -1;
        if (k < 3 || pairs_extent(sc->out + 2 * total, k) < 10)
            continue;
        total += k;
        sc->ring_end[kept++] = total;
    }
    if (kept == 0 && s->nrings > 0) {
        /* All tiny: keep the largest ring, barely simplified, so that the
         * shape still has its path and its title. */
        const uint32_t *ids = s->ids + s->rings[largest];
        size_t n = s->rings[largest + 1] - s->rings[largest];
        size_t k = ring_simplify(sc, m, a, ids, n, 0.2, 0, 0);
        if (k == (size_t)-1)
            return -1;
        total = k;
        sc->ring_end[kept++] = total;
    }
    put_link_open(b, s->href);
    html_raw(b, "<path");
    if (s->cls) {
        html_raw(b, " class=\"");
        html_attr(b, s->cls);
        html_raw(b, "\"");
    }
    html_raw(b, " d=\"");
    put_rings(b, sc->out, sc->ring_end, kept, window);
    html_raw(b, "\"");
    if (s->code) {
        html_raw(b, " data-code=\"");
        html_attr(b, s->code);
        html_raw(b, "\"");
    }
    html_raw(b, ">");
    put_title(b, s->title);
    html_raw(b, "</path>");
    if (s->href)
        html_raw(b, "</a>");
    html_raw(b, "\n");
    return 0;
}

static void put_point(struct buf *b, const struct area *a, const struct point *p, double r)
{
    put_link_open(b, p->href);
    html_raw(b, "<circle class=\"pt");
    if (p->cls) {
        html_raw(b, " ");
        html_attr(b, p->cls);
    }
    html_raw(b, "\"");
    put_attr_num(b, "cx", proj_x(a, p->lon));
    put_attr_num(b, "cy", proj_y(a, p->lat));
    put_attr_num(b, "r", r);
    html_raw(b, ">");
    put_title(b, p->title);
    html_raw(b, "</circle>");
    if (p->href)
        html_raw(b, "</a>");
    html_raw(b, "\n");
}

/* ---- rendering ------------------------------------------------------- */

static int render_once(const struct svgmap *m, struct buf *out, double tol, int window)
{
    struct area ar[AREA_COUNT];
    memset(ar, 0, sizeof ar);
    unsigned char *shape_area = malloc(m->nshapes + 1), *point_area = malloc(m->npoints + 1);
    if (!shape_area || !point_area) {
        free(shape_area);
        free(point_area);
        return -1;
    }

    /* Each item goes to an area; bounds from shapes, then points. */
    for (size_t i = 0; i < m->nshapes; i++) {
        const struct shape *s = &m->shapes[i];
        int k = m->insets ? territory_of((s->bb[1] + s->bb[3]) / 2, (s->bb[0] + s->bb[2]) / 2)
                          : AREA_MAIN;
        shape_area[i] = (unsigned char)k;
        bb_add(ar[k].bb, &ar[k].used, s->bb[0], s->bb[1], s->bb[2], s->bb[3]);
        ar[k].has_shapes = 1;
    }
    double pbb[AREA_COUNT][4];
    int pused[AREA_COUNT] = {0};
    for (size_t i = 0; i < m->npoints; i++) {
        const struct point *p = &m->points[i];
        int k = m->insets ? territory_of(p->lat, p->lon) : AREA_MAIN;
        point_area[i] = (unsigned char)k;
        bb_add(pbb[k], &pused[k], p->lon, p->lat, p->lon, p->lat);
    }
    for (int k = 0; k < AREA_COUNT; k++) {
        if (!pused[k])
            continue;
        ar[k].has_points = 1;
        if (k > 0 && !ar[k].has_shapes) {
            /* Points alone in an inset: show the whole territory. */
            const struct territory *z = &territories[k - 1];
            bb_add(ar[k].bb, &ar[k].used, z->lon0 + 0.1, z->lat0 + 0.1, z->lon1 - 0.1,
                   z->lat1 - 0.1);
        }
        double pad = ar[k].has_shapes ? 0 : POINT_PAD;
        bb_add(ar[k].bb, &ar[k].used, pbb[k][0] - pad, pbb[k][1] - pad, pbb[k][2] + pad,
               pbb[k][3] + pad);
    }

    /* Layout: the main area on top, the insets in a row of five slots
     * below it, left-aligned. */
    double W = m->width;
    double r = fmax(2, round(W / 15) / 10);
    double margin = fmax(fmax(4, round(W * 0.02)), ceil(r) + 2);
    double fs = fmax(9, round(W / 55));
    double inner = W - 2 * margin;
    double y = margin;
    if (ar[AREA_MAIN].used) {
        struct area *a = &ar[AREA_MAIN];
        area_prepare(a);
        double h = fmin(inner * area_dy(a) / area_dx(a), inner * 1.5);
        area_fit(a, margin, margin, inner, h);
        y += area_dy(a) * a->s;
    }
    int ninsets = 0;
    for (int k = 1; k < AREA_COUNT; k++)
        ninsets += ar[k].used;
    if (ninsets) {
        double gap = margin;
        double sw = (inner - 4 * gap) / 5, sh = round(sw * 0.95);
        double pad = fmax(2, round(sw * 0.04)), label = round(fs * 1.4);
        if (ar[AREA_MAIN].used)
            y += gap;
        y = ceil(y);
        int slot = 0;
        for (int k = 1; k < AREA_COUNT; k++) {
            struct area *a = &ar[k];
            if (!a->used)
                continue;
            area_prepare(a);
            a->fx = round(margin + slot * (sw + gap));
            a->fy = y;
            a->fw = round(sw);
            a->fh = sh;
            double in = a->has_points ? pad + r : pad;
            area_fit(a, a->fx + in, a->fy + label + in / 2, a->fw - 2 * in,
                     sh - label - 1.5 * in);
            slot++;
        }
        y += sh;
    }
    int H = (int)ceil(y + margin);

    html_raw(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"svgmap\" viewBox=\"0 0 ");
    html_rawf(out, "%d %d", m->width, H);
    /* A map with links is a group (its links stay reachable); a map
     * without is one image with a text alternative. */
    int links = 0;
    for (size_t i = 0; i < m->nshapes && !links; i++)
        links = m->shapes[i].href != NULL;
    for (size_t i = 0; i < m->npoints && !links; i++)
        links = m->points[i].href != NULL;
    html_raw(out, links ? "\" role=\"group\" aria-labelledby=\"" : "\" role=\"img\" aria-labelledby=\"");
    html_attr(out, m->id);
    html_raw(out, "-titre");
    if (m->desc) {
        html_raw(out, " ");
        html_attr(out, m->id);
        html_raw(out, "-desc");
    }
    html_raw(out, "\" fill-rule=\"evenodd\">\n<title id=\"");
    html_attr(out, m->id);
    html_raw(out, "-titre\">");
    html_txt(out, m->title);
    html_raw(out, "</title>\n");
    if (m->desc) {
        html_raw(out, "<desc id=\"");
        html_attr(out, m->id);
        html_raw(out, "-desc\">");
        html_txt(out, m->desc);
        html_raw(out, "</desc>\n");
    }

    struct scratch sc = {0};
    sc.work = DP_WORK_MAX;
    int rc = 0;
    for (int k = 0; k < AREA_COUNT && rc == 0; k++) {
        const struct area *a = &ar[k];
        if (!a->used)
            continue;
        if (k > 0) {
            const struct territory *z = &territories[k - 1];
            html_raw(out, "<g class=\"encart\" data-code=\"");
            html_attr(out, z->code);
            html_raw(out, "\">\n<rect class=\"encart-cadre\"");
            put_attr_num(out, "x", a->fx);
            put_attr_num(out, "y", a->fy);
            put_attr_num(out, "width", a->fw);
            put_attr_num(out, "height", a->fh);
            html_raw(out, " fill=\"none\" stroke=\"#888\" stroke-width=\".5\"/>\n"
                          "<text class=\"encart-nom\"");
            put_attr_num(out, "x", a->fx + fmax(2, round(a->fw * 0.04)));
            put_attr_num(out, "y", a->fy + round(fs * 1.1));
            put_attr_num(out, "font-size", fs);
            html_raw(out, ">");
            html_txt(out, z->name);
            html_raw(out, "</text>\n");
        }
        for (size_t i = 0; i < m->nshapes && rc == 0; i++)
            if (shape_area[i] == k)
                rc = put_shape(out, &sc, m, a, &m->shapes[i], tol, window);
        for (size_t i = 0; i < m->npoints; i++)
            if (point_area[i] == k)
                put_point(out, a, &m->points[i], r);
        if (k > 0)
            html_raw(out, "</g>\n");
    }
    html_raw(out, "</svg>\n");
    scratch_free(&sc);
    free(shape_area);
    free(point_area);
    return (rc < 0 || out->oom) ? -1 : 0;
}

int svgmap_render(const struct svgmap *m, struct buf *out)
{
    double tol = m->tol;
    int window = SNAP;
    size_t start = out->len;
    for (;;) {
        int rc = render_once(m, out, tol, window);
        if (rc < 0 && out->s) {
            out->len = start; /* no partial element */
            out->s[start] = 0;
        }
        if (rc < 0 || !m->max_bytes || out->len - start <= m->max_bytes ||
            (window == WHOLE && tol >= DP_TOL_MAX))
            return rc;
        /* Too heavy: again, with whole pixels, then coarser. */
        out->len = start;
        out->s[start] = 0;
        if (window != WHOLE)
            window = WHOLE;
        else
            tol = tol < 0.5 ? 0.5 : fmin(tol * 1.4, DP_TOL_MAX);
    }
}

/* ---- legend ---------------------------------------------------------- */

int svgmap_legend_html(struct buf *out, const char *const *labels,
                       const char *const *classes, size_t n, const char *caption)
{
    if (n > 0 && !labels)
        return -1;
    if (caption) {
        html_raw(out, "<figure class=\"legende-carte\"><figcaption>");
        html_txt(out, caption);
        html_raw(out, "</figcaption>\n");
    }
    html_raw(out, "<ul class=\"legende\">\n");
    for (size_t i = 0; i < n; i++) {
        html_raw(out, "<li><span class=\"swatch");
        if (classes && classes[i]) {
            html_raw(out, " ");
            html_attr(out, classes[i]);
        }
        html_raw(out, "\" aria-hidden=\"true\"></span> ");
        html_txt(out, labels[i]);
        html_raw(out, "</li>\n");
    }
    html_raw(out, "</ul>\n");
    if (caption)
        html_raw(out, "</figure>\n");
    return out->oom ? -1 : 0;
}
