/* geoindex.c - grid index for nearest places (see geoindex.h).
 *
 * Why the stopping rule is exact: after the rings 0..r around the query's
 * cell, every unvisited point differs from the query by at least r cells in
 * latitude or in longitude. Latitude: great-circle distance >= R*|dphi|.
 * Longitude: hav(d) = hav(dphi) + cos(phi1)cos(phi2)hav(dlambda) >=
 * cos^2(phimax)hav(dlambda), so d >= 2R asin(cos(phimax) sin(dlambda/2)),
 * phimax being the largest latitude the unvisited cells can have. Once the
 * k-th best distance is <= the smaller bound, nothing unvisited can enter. */
#include "lieux/geoindex.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "territoires/geo.h"

#define DEG2RAD (3.14159265358979323846 / 180.0)

struct gpoint {
    double lat, lon;     /* degrees */
    double phi, coslat;  /* radians, cos(phi): precomputed for distances */
    long long id;
    int prive;
};

struct geoindex {
    double cell;            /* cell size in degrees, from the density */
    double lat0, lon0;      /* south-west corner of cell (0, 0) */
    int rows, cols;
    uint32_t *start;        /* rows*cols + 1 offsets into pts */
    struct gpoint *pts;
    size_t n;
    /* staleness key */
    int data_version;
    int total_changes;
    struct timespec checked; /* when data_version was last read */
};

void geoindex_free(struct geoindex *g)
{
    if (!g)
        return;
    free(g->start);
    free(g->pts);
    free(g);
}

size_t geoindex_size(const struct geoindex *g)
{
    return g->n;
}

static int cell_row(const struct geoindex *g, double lat)
{
    int r = (int)floor((lat - g->lat0) / g->cell);
    return r < 0 ? 0 : r >= g->rows ? g->rows - 1 : r;
}

static int cell_col(const struct geoindex *g, double lon)
{
    int c = (int)floor((lon - g->lon0) / g->cell);
    return c < 0 ? 0 : c >= g->cols ? g->cols - 1 : c;
}

static int load_points(struct db *d, struct gpoint **pts, size_t *n)
{
    sqlite3_stmt *st = db_prepare(d, "SELECT g.id, g.lat, g.lon, l.prive FROM lieu_geo g "
                                     "JOIN lieu l ON l.pid = g.id");
    if (!st)
        return -1;
    size_t cap = 0;
    *pts = NULL;
    *n = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 4096;
            struct gpoint *v = realloc(*pts, cap * sizeof *v);
            if (!v) {
                sqlite3_finalize(st);
                snprintf(d->err, sizeof d->err, "out of memory");
                return -1;
            }
            *pts = v;
        }
        (*pts)[(*n)++] = (struct gpoint){.lat = sqlite3_column_double(st, 1),
                                         .lon = sqlite3_column_double(st, 2),
                                         .id = sqlite3_column_int64(st, 0),
                                         .prive = sqlite3_column_int(st, 3) != 0};
    }
    sqlite3_finalize(st);
    return 0;
}

/* Build the grid over raw[0..n) (taken: freed here). NULL when memory runs out. */
static struct geoindex *build_from(struct gpoint *raw, size_t n)
{
    struct geoindex *g = calloc(1, sizeof *g);
    if (!g)
        goto fail;
    double minlat = 90, maxlat = -90, minlon = 180, maxlon = -180;
    for (size_t i = 0; i < n; i++) {
        minlat = fmin(minlat, raw[i].lat);
        maxlat = fmax(maxlat, raw[i].lat);
        minlon = fmin(minlon, raw[i].lon);
        maxlon = fmax(maxlon, raw[i].lon);
    }
    if (n == 0)
        minlat = maxlat = minlon = maxlon = 0;
    /* About 0.25 degree for the national registry (~10,000 places), finer
     * as places get denser, so a query reads few points. */
    g->cell = n > 20000 ? fmax(0.05, 0.25 * sqrt(20000.0 / (double)n)) : 0.25;
    for (size_t i = 0; i < n; i++) {
        raw[i].phi = raw[i].lat * DEG2RAD;
        raw[i].coslat = cos(raw[i].phi);
    }
    g->lat0 = floor(minlat / g->cell) * g->cell;
    g->lon0 = floor(minlon / g->cell) * g->cell;
    g->rows = (int)((maxlat - g->lat0) / g->cell) + 1;
    g->cols = (int)((maxlon - g->lon0) / g->cell) + 1;
    size_t ncell = (size_t)g->rows * (size_t)g->cols;
    g->start = calloc(ncell + 1, sizeof *g->start);
    g->pts = malloc((n ? n : 1) * sizeof *g->pts);
    if (!g->start || !g->pts)
        goto fail;
    for (size_t i = 0; i < n; i++)
        g->start[(size_t)cell_row(g, raw[i].lat) * g->cols + cell_col(g, raw[i].lon) + 1]++;
    for (size_t c = 0; c < ncell; c++)
        g->start[c + 1] += g->start[c];
    uint32_t *fill = malloc((ncell ? ncell : 1) * sizeof *fill);
    if (!fill)
        goto fail;
    memcpy(fill, g->start, ncell * sizeof *fill);
    for (size_t i = 0; i < n; i++)
        g->pts[fill[(size_t)cell_row(g, raw[i].lat) * g->cols + cell_col(g, raw[i].lon)]++] = raw[i];
    free(fill);
    free(raw);
    g->n = n;
    return g;
fail:
    free(raw);
    geoindex_free(g);
    return NULL;
}

struct geoindex *geoindex_build(struct db *d)
{
    struct gpoint *raw = NULL;
    size_t n = 0;
    if (load_points(d, &raw, &n) < 0)
        return NULL;
    struct geoindex *g = build_from(raw, n);
    if (!g)
        snprintf(d->err, sizeof d->err, "out of memory");
    return g;
}

struct geoindex *geoindex_build_points(const struct geoindex_point *v, size_t n)
{
    struct gpoint *raw = malloc((n ? n : 1) * sizeof *raw);
    if (!raw)
        return NULL;
    for (size_t i = 0; i < n; i++)
        raw[i] = (struct gpoint){.lat = v[i].lat, .lon = v[i].lon, .id = v[i].id, .prive = 0};
    return build_from(raw, n);
}

static int pragma_int(struct db *d, const char *sql)
{
    sqlite3_stmt *st = db_prepare_cached(d, sql);
    int v = st && sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
    db_release(d, st);
    return v;
}

static void free_index(void *p)
{
    geoindex_free(p);
}

static double seconds_since(const struct timespec *t)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - t->tv_sec) + (double)(now.tv_nsec - t->tv_nsec) / 1e9;
}

struct geoindex *geoindex_get(struct db *d)
{
    /* total_changes moves when this connection writes; data_version when
     * another one commits. Reading data_version costs a read lock (system
     * calls), so it is read at most every GEOINDEX_RECHECK_S seconds: a
     * publication by another process shows within that delay. */
    int tc = sqlite3_total_changes(d->h);
    struct geoindex *g = d->ext[DB_EXT_LIEUX_GEO];
    if (g && g->total_changes == tc && seconds_since(&g->checked) < GEOINDEX_RECHECK_S)
        return g;
    int dv = pragma_int(d, "PRAGMA data_version");
    if (g && g->data_version == dv && g->total_changes == tc) {
        clock_gettime(CLOCK_MONOTONIC, &g->checked);
        return g;
    }
    struct geoindex *fresh = geoindex_build(d);
    if (!fresh)
        return NULL;
    geoindex_free(g);
    fresh->data_version = dv;
    fresh->total_changes = sqlite3_total_changes(d->h);
    clock_gettime(CLOCK_MONOTONIC, &fresh->checked);
    d->ext[DB_EXT_LIEUX_GEO] = fresh;
    d->ext_free[DB_EXT_LIEUX_GEO] = free_index;
    return fresh;
}

/* Is a better than b: nearer, or as near with a smaller id? */
static int better(const struct geoindex_hit *a, const struct geoindex_hit *b)
{
    return a->km < b->km || (a->km == b->km && a->id < b->id);
}

/* Insert h into the sorted array best[0..*n) of capacity k. */
static void keep(struct geoindex_hit *best, size_t *n, size_t k, struct geoindex_hit h)
{
    if (*n == k && !better(&h, &best[k - 1]))
        return;
    size_t i = *n < k ? (*n)++ : k - 1;
    while (i > 0 && better(&h, &best[i - 1])) {
        best[i] = best[i - 1];
        i--;
    }
    best[i] = h;
}

/* hav = sin^2(d / 2R): increasing with the distance d, cheaper (no asin). */
static double hav_of_km(double km)
{
    double x = sin(fmin(km / (2 * GEO_EARTH_RADIUS_KM), 3.14159265358979323846 / 2));
    return x * x;
}

static double km_of_hav(double h)
{
    return 2 * GEO_EARTH_RADIUS_KM * asin(sqrt(fmin(1, fmax(0, h))));
}

struct query {
    double phi, coslat, lon;
    double max_hav; /* 0: no limit */
    int with_private;
};

static void scan_cell(const struct geoindex *g, int r, int c, const struct query *q,
                      struct geoindex_hit *best, size_t *n, size_t k)
{
    if (r < 0 || r >= g->rows || c < 0 || c >= g->cols)
        return;
    size_t cell = (size_t)r * g->cols + c;
    for (uint32_t i = g->start[cell]; i < g->start[cell + 1]; i++) {
        const struct gpoint *p = &g->pts[i];
        if (p->prive && !q->with_private)
            continue;
        double sp = sin((p->phi - q->phi) / 2), sl = sin((p->lon - q->lon) * DEG2RAD / 2);
        double h = sp * sp + q->coslat * p->coslat * sl * sl;
        if (q->max_hav > 0 && h > q->max_hav)
            continue;
        /* km holds hav until the end of the query */
        keep(best, n, k, (struct geoindex_hit){p->id, h});
    }
}

/* Smallest distance from the query to any cell outside rings 0..r. */
static double ring_bound_km(const struct geoindex *g, double lat, int row, int col, double qlon,
                            int r)
{
    double cell = g->cell;
    /* latitude: the query lies within its cell row; cells beyond ring r
     * start r rows away from the query's row edges. */
    double south = g->lat0 + (row - r) * cell, north = g->lat0 + (row + r + 1) * cell;
    double dphi = fmin(lat - south, north - lat);
    double west = g->lon0 + (col - r) * cell, east = g->lon0 + (col + r + 1) * cell;
    double dlam = fmin(qlon - west, east - qlon);
    double d_lat = GEO_EARTH_RADIUS_KM * dphi * DEG2RAD;
    /* Across the antimeridian a point may be nearer than its grid column
     * says: its longitude gap is at least 360 minus the largest planar gap
     * between the query and any point of the grid. */
    double span_w = fabs(qlon - g->lon0), span_e = fabs(g->lon0 + g->cols * cell - qlon);
    double wrap = 360 - fmax(span_w, span_e);
    dlam = fmax(0, fmin(dlam, wrap));
    double phimax = fmin(90, fmax(fabs(south), fabs(north)));
    double s = sin(fmin(180, dlam) * DEG2RAD / 2) * cos(phimax * DEG2RAD);
    double d_lon = 2 * GEO_EARTH_RADIUS_KM * asin(fmin(1, fmax(0, s)));
    return fmin(d_lat, d_lon);
}

long geoindex_nearest(const struct geoindex *g, double lat, double lon, size_t k, double max_km,
                      int with_private, struct geoindex_hit *out)
{
    if (k == 0 || g->n == 0)
        return 0;
    size_t n = 0;
    struct query q = {lat * DEG2RAD, cos(lat * DEG2RAD), lon, max_km > 0 ? hav_of_km(max_km) : 0,
                      with_private};
    /* The query's cell may lie outside the grid: rings are counted from it
     * anyway; cells outside the grid are empty. */
    int row = (int)floor((lat - g->lat0) / g->cell);
    int col = (int)floor((lon - g->lon0) / g->cell);
    int max_r = g->rows + g->cols + abs(row) + abs(col) + 2;
    for (int r = 0; r <= max_r; r++) {
        if (r == 0) {
            scan_cell(g, row, col, &q, out, &n, k);
        } else {
            for (int c = col - r; c <= col + r; c++) {
                scan_cell(g, row - r, c, &q, out, &n, k);
                scan_cell(g, row + r, c, &q, out, &n, k);
            }
            for (int rr = row - r + 1; rr <= row + r - 1; rr++) {
                scan_cell(g, rr, col - r, &q, out, &n, k);
                scan_cell(g, rr, col + r, &q, out, &n, k);
            }
        }
        /* All grid cells visited? */
        if (row - r <= 0 && row + r >= g->rows - 1 && col - r <= 0 && col + r >= g->cols - 1)
            break;
        double bound = ring_bound_km(g, lat, row, col, lon, r);
        if (max_km > 0 && bound > max_km)
            break;
        if (n == k && out[k - 1].km <= hav_of_km(bound))
            break;
    }
    for (size_t i = 0; i < n; i++)
        out[i].km = km_of_hav(out[i].km);
    return (long)n;
}
