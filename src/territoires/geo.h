/* geo.h - small geodesy helpers: great-circle distance, centroid and
 * bounding box of GeoJSON geometries.
 *
 * Coordinates are WGS84 degrees; GeoJSON positions are [longitude, latitude].
 *
 * Centroids are area-weighted and computed on a local equirectangular
 * projection (x = Δlon·cos(lat0), y = Δlat around the first vertex seen),
 * which is accurate to a few metres for a commune and well under a
 * kilometre for a région. In each Polygon the ring with the largest
 * absolute area is taken as the exterior whatever its orientation (files
 * do not all follow RFC 7946 winding) and every other ring is a hole whose
 * absolute area is subtracted. Longitudes are unwrapped relative to the
 * first vertex, so shapes crossing the antimeridian work too. A geometry of
 * zero area (degenerate rings) falls back to the mean of its vertices.
 *
 * Accepted objects: Polygon, MultiPolygon, GeometryCollection and Feature
 * (its "geometry") / FeatureCollection (all features). geo_bbox() also
 * accepts Point, MultiPoint, LineString and MultiLineString. Nothing here
 * allocates except geo_*_text(), which parse a temporary jansson value. */
#ifndef TERRITOIRES_GEO_H
#define TERRITOIRES_GEO_H
#include <jansson.h>

/* Mean Earth radius (IUGG), km. */
#define GEO_EARTH_RADIUS_KM 6371.0088

/* Great-circle distance in km between two points (haversine formula).
 * Cannot fail. */
double geo_haversine_km(double lat1, double lon1, double lat2, double lon2);

struct geo_bbox {
    double min_lat, min_lon, max_lat, max_lon;
};

/* Bounding box of every position of `geometry`. Returns 0, or -1 when it
 * holds no valid position (bb is then untouched). Longitudes are not
 * unwrapped: a shape crossing the antimeridian gets a box spanning the
 * globe. */
int geo_bbox(const json_t *geometry, struct geo_bbox *bb);
int geo_bbox_text(const char *geojson, struct geo_bbox *bb);

/* Centroid accumulator: polygons added to one accumulator are combined as
 * one MultiPolygon (area-weighted), which lets a caller merge the pieces of
 * a territory coming from several files without building the union.
 * Zero-initialise (GEO_CENTROID_INIT) before use. */
struct geo_centroid {
    int started;                 /* reference point chosen */
    double lat0, lon0, cos0;     /* projection origin */
    double area, sx, sy;         /* Σ signed area, Σ area·centroid (projected) */
    double vx, vy;               /* Σ vertices (projected), for the fallback */
    long nv;                     /* vertices seen */
};
#define GEO_CENTROID_INIT {0, 0, 0, 0, 0, 0, 0, 0, 0, 0}

/* Add the polygons of `geometry`. Returns 0, or -1 when it is not a
 * polygonal object or is malformed (positions already added stay). */
int geo_centroid_add(struct geo_centroid *c, const json_t *geometry);
/* Centroid of everything added. Returns 0, or -1 when nothing was added. */
int geo_centroid_get(const struct geo_centroid *c, double *lat, double *lon);

/* One-shot forms: 0 with lat and lon set, or -1 (not polygonal, malformed,
 * unparsable text). */
int geo_centroid(const json_t *geometry, double *lat, double *lon);
int geo_centroid_text(const char *geojson, double *lat, double *lon);

/* Is (lat, lon) inside the Polygon or MultiPolygon `geometry` (even-odd
 * rule over all rings, so holes are outside)? Returns 1, 0, or -1 when the
 * geometry is not polygonal or malformed. */
int geo_contains(const json_t *geometry, double lat, double lon);
int geo_contains_text(const char *geojson, double lat, double lon);

/* The outline of polygons that share their borders exactly (the communes
 * of an EPCI): inner borders (edges present in two polygons) removed, the
 * remaining edges chained into rings, holes nested in their exterior
 * (dissolve.c). geometries[i] are Polygon or MultiPolygon objects
 * (others, and NULL, are skipped). Returns a new MultiPolygon (release
 * with json_decref), or NULL when nothing is left or memory runs out. */
json_t *geo_dissolve(const json_t *const *geometries, size_t n);

#endif
