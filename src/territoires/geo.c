/* geo.c - distance, centroid and bounding box (see geo.h). */
#include "territoires/geo.h"

#include <math.h>
#include <string.h>

#define DEG2RAD (M_PI / 180.0)

double geo_haversine_km(double lat1, double lon1, double lat2, double lon2)
{
    double p1 = lat1 * DEG2RAD, p2 = lat2 * DEG2RAD;
    double dp = p2 - p1, dl = (lon2 - lon1) * DEG2RAD;
    double s1 = sin(dp / 2), s2 = sin(dl / 2);
    double h = s1 * s1 + cos(p1) * cos(p2) * s2 * s2;
    if (h > 1)
        h = 1;
    return 2 * GEO_EARTH_RADIUS_KM * asin(sqrt(h));
}

/* A GeoJSON position: array of at least two finite numbers, lon then lat. */
static int position(const json_t *p, double *lon, double *lat)
{
    if (!json_is_array(p) || json_array_size(p) < 2)
        return -1;
    const json_t *x = json_array_get(p, 0), *y = json_array_get(p, 1);
    if (!json_is_number(x) || !json_is_number(y))
        return -1;
    *lon = json_number_value(x);
    *lat = json_number_value(y);
    if (!isfinite(*lon) || !isfinite(*lat) || fabs(*lat) > 90 || fabs(*lon) > 540)
        return -1;
    return 0;
}

static const char *geo_type(const json_t *g)
{
    const char *t = json_string_value(json_object_get(g, "type"));
    return t ? t : "";
}

/* ---- bounding box ---- */

/* Walk nested coordinate arrays; returns the number of positions added. */
static long bbox_walk(const json_t *a, struct geo_bbox *bb, int depth)
{
    if (!json_is_array(a) || depth > 6)
        return 0;
    double lon, lat;
    if (json_array_size(a) >= 2 && json_is_number(json_array_get(a, 0))) {
        if (position(a, &lon, &lat) < 0)
            return 0;
        if (lat < bb->min_lat) bb->min_lat = lat;
        if (lat > bb->max_lat) bb->max_lat = lat;
        if (lon < bb->min_lon) bb->min_lon = lon;
        if (lon > bb->max_lon) bb->max_lon = lon;
        return 1;
    }
    long n = 0;
    size_t i;
    const json_t *e;
    json_array_foreach(a, i, e)
        n += bbox_walk(e, bb, depth + 1);
    return n;
}

static long bbox_object(const json_t *g, struct geo_bbox *bb, int depth)
{
    if (!json_is_object(g) || depth > 4)
        return 0;
    const char *t = geo_type(g);
    long n = 0;
    size_t i;
    const json_t *e;
    if (strcmp(t, "Feature") == 0)
        return bbox_object(json_object_get(g, "geometry"), bb, depth + 1);
    if (strcmp(t, "FeatureCollection") == 0) {
        json_array_foreach(json_object_get(g, "features"), i, e)
            n += bbox_object(e, bb, depth + 1);
        return n;
    }
    if (strcmp(t, "GeometryCollection") == 0) {
        json_array_foreach(json_object_get(g, "geometries"), i, e)
            n += bbox_object(e, bb, depth + 1);
        return n;
    }
    return bbox_walk(json_object_get(g, "coordinates"), bb, 0);
}

int geo_bbox(const json_t *geometry, struct geo_bbox *bb)
{
    struct geo_bbox b = {INFINITY, INFINITY, -INFINITY, -INFINITY};
    if (bbox_object(geometry, &b, 0) <= 0)
        return -1;
    *bb = b;
    return 0;
}

int geo_bbox_text(const char *geojson, struct geo_bbox *bb)
{
    if (!geojson)
        return -1;
    json_t *g = json_loads(geojson, 0, NULL);
    if (!g)
        return -1;
    int rc = geo_bbox(g, bb);
    json_decref(g);
    return rc;
}

/* ---- centroid ---- */

/* Project a position around the accumulator's origin. */
static void project(struct geo_centroid *c, double lon, double lat, double *x, double *y)
{
    if (!c->started) {
        c->started = 1;
        c->lat0 = lat;
        c->lon0 = lon;
        c->cos0 = cos(lat * DEG2RAD);
        if (c->cos0 < 0.01)
            c->cos0 = 0.01;
    }
    double dl = lon - c->lon0;
    while (dl > 180)
        dl -= 360;
    while (dl < -180)
        dl += 360;
    *x = dl * c->cos0;
    *y = lat - c->lat0;
}

/* Signed area and first moments (area × centroid) of one ring, projected.
 * Returns -1 when the ring is malformed. */
static int ring_moments(struct geo_centroid *c, const json_t *ring, double *a, double *mx,
                        double *my, int count_vertices)
{
    *a = *mx = *my = 0;
    if (!json_is_array(ring))
        return -1;
    size_t n = json_array_size(ring);
    if (n == 0)
        return 0;
    double x0 = 0, y0 = 0, xp = 0, yp = 0;
    for (size_t i = 0; i < n; i++) {
        double lon, lat, x, y;
        if (position(json_array_get(ring, i), &lon, &lat) < 0)
            return -1;
        project(c, lon, lat, &x, &y);
        if (count_vertices) {
            c->vx += x;
            c->vy += y;
            c->nv++;
        }
        if (i == 0) {
            x0 = x;
            y0 = y;
        } else {
            double f = xp * y - x * yp;
            *a += f;
            *mx += (xp + x) * f;
            *my += (yp + y) * f;
        }
        xp = x;
        yp = y;
    }
    double f = xp * y0 - x0 * yp; /* closing edge (zero when already closed) */
    *a += f;
    *mx += (xp + x0) * f;
    *my += (yp + y0) * f;
    *a /= 2;
    *mx /= 6;
    *my /= 6;
    return 0;
}

/* One Polygon's coordinates: exterior = ring of largest |area|. */
static int add_polygon(struct geo_centroid *c, const json_t *rings)
{
    if (!json_is_array(rings))
        return -1;
    size_t n = json_array_size(rings), ext = 0;
    double best = -1, a, mx, my;
    for (size_t i = 0; i < n; i++) {
        if (ring_moments(c, json_array_get(rings, i), &a, &mx, &my, 1) < 0)
            return -1;
        if (fabs(a) > best) {
            best = fabs(a);
            ext = i;
        }
    }
    for (size_t i = 0; i < n; i++) {
        ring_moments(c, json_array_get(rings, i), &a, &mx, &my, 0);
        double s = (a < 0 ? -1 : 1) * (i == ext ? 1 : -1);
        c->area += s * a;
        c->sx += s * mx;
        c->sy += s * my;
    }
    return 0;
}

static int centroid_add(struct geo_centroid *c, const json_t *g, int depth)
{
    if (!json_is_object(g) || depth > 4)
        return -1;
    const char *t = geo_type(g);
    size_t i;
    const json_t *e;
    int rc = 0;
    if (strcmp(t, "Polygon") == 0)
        return add_polygon(c, json_object_get(g, "coordinates"));
    if (strcmp(t, "MultiPolygon") == 0) {
        const json_t *polys = json_object_get(g, "coordinates");
        if (!json_is_array(polys))
            return -1;
        json_array_foreach(polys, i, e)
            if (add_polygon(c, e) < 0)
                rc = -1;
        return rc;
    }
    if (strcmp(t, "Feature") == 0)
        return centroid_add(c, json_object_get(g, "geometry"), depth + 1);
    const json_t *list = NULL;
    if (strcmp(t, "FeatureCollection") == 0)
        list = json_object_get(g, "features");
    else if (strcmp(t, "GeometryCollection") == 0)
        list = json_object_get(g, "geometries");
    if (!json_is_array(list))
        return -1;
    json_array_foreach(list, i, e)
        if (centroid_add(c, e, depth + 1) < 0)
            rc = -1;
    return rc;
}

int geo_centroid_add(struct geo_centroid *c, const json_t *geometry)
{
    return centroid_add(c, geometry, 0);
}

int geo_centroid_get(const struct geo_centroid *c, double *lat, double *lon)
{
    double x, y;
    /* 1e-12 deg² is about 0.01 m²: below that the shape is degenerate. */
    if (c->area > 1e-12) {
        x = c->sx / c->area;
        y = c->sy / c->area;
    } else if (c->nv > 0) {
        x = c->vx / (double)c->nv;
        y = c->vy / (double)c->nv;
    } else {
        return -1;
    }
    double lo = c->lon0 + x / c->cos0;
    while (lo > 180)
        lo -= 360;
    while (lo < -180)
        lo += 360;
    *lat = c->lat0 + y;
    *lon = lo;
    return 0;
}

int geo_centroid(const json_t *geometry, double *lat, double *lon)
{
    struct geo_centroid c = GEO_CENTROID_INIT;
    if (geo_centroid_add(&c, geometry) < 0)
        return -1;
    return geo_centroid_get(&c, lat, lon);
}

int geo_centroid_text(const char *geojson, double *lat, double *lon)
{
    if (!geojson)
        return -1;
    json_t *g = json_loads(geojson, 0, NULL);
    if (!g)
        return -1;
    int rc = geo_centroid(g, lat, lon);
    json_decref(g);
    return rc;
}

/* Even-odd crossings of a horizontal ray from (lon, lat) with one ring. */
static int ring_crossings(const json_t *ring, double lat, double lon)
{
    size_t n = json_array_size(ring);
    int inside = 0;
    double px = 0, py = 0;
    for (size_t i = 0; i < n; i++) {
        double x, y;
        if (position(json_array_get(ring, i), &x, &y) < 0)
            return -1;
        if (i > 0 && ((y > lat) != (py > lat)) && lon < (px - x) * (lat - y) / (py - y) + x)
            inside = !inside;
        px = x;
        py = y;
    }
    return inside;
}

static int polygon_contains(const json_t *rings, double lat, double lon)
{
    int inside = 0;
    size_t i;
    const json_t *ring;
    json_array_foreach(rings, i, ring) {
        int c = ring_crossings(ring, lat, lon);
        if (c < 0)
            return -1;
        inside ^= c;
    }
    return inside;
}

int geo_contains(const json_t *g, double lat, double lon)
{
    const char *t = geo_type(g);
    const json_t *coords = json_object_get(g, "coordinates");
    if (!t || !json_is_array(coords))
        return -1;
    if (strcmp(t, "Polygon") == 0)
        return polygon_contains(coords, lat, lon);
    if (strcmp(t, "MultiPolygon") != 0)
        return -1;
    size_t i;
    const json_t *poly;
    json_array_foreach(coords, i, poly) {
        int c = polygon_contains(poly, lat, lon);
        if (c != 0)
            return c;
    }
    return 0;
}

int geo_contains_text(const char *geojson, double lat, double lon)
{
    json_t *g = json_loads(geojson, 0, NULL);
    if (!g)
        return -1;
    int r = geo_contains(g, lat, lon);
    json_decref(g);
    return r;
}
