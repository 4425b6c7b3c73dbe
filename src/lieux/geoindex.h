/* geoindex.h - in-memory spatial index of the published places, for exact
 * nearest-place queries without SQL.
 *
 * A uniform grid of GEOINDEX_CELL_DEG degree cells, stored compactly (cell
 * offsets + points sorted by cell). A query visits square rings of cells
 * around the point and stops once no unvisited cell can hold a point closer
 * than the k-th best found; distances are exact haversine, ties broken by
 * id, so results equal a brute-force computation (tests/test_search.c).
 *
 * Ownership: geoindex_build() returns a heap object freed by
 * geoindex_free(); geoindex_get() returns the connection's index, built on
 * first use and rebuilt when the database changed (at once for changes made
 * on this connection, within GEOINDEX_RECHECK_S for other processes), owned
 * by the connection (struct db releases it). */
#ifndef LIEUX_GEOINDEX_H
#define LIEUX_GEOINDEX_H
#include <stddef.h>

#include "store/db.h"

#define GEOINDEX_CELL_DEG 0.25
/* Seconds between checks for changes made by other processes. */
#define GEOINDEX_RECHECK_S 1.0

struct geoindex;

struct geoindex_hit {
    long long id;
    double km;
};

/* Build from table lieu_geo (every place with coordinates, each marked
 * whether it receives the public). NULL with d->err. */
struct geoindex *geoindex_build(struct db *d);
void geoindex_free(struct geoindex *g);

/* A point given to geoindex_build_points(). */
struct geoindex_point {
    long long id;
    double lat, lon;
};

/* Build an index of arbitrary points (e.g. the places of one service),
 * all receiving the public. Returns the index (geoindex_free()), or NULL
 * when memory runs out. */
struct geoindex *geoindex_build_points(const struct geoindex_point *v, size_t n);

/* The index of this connection, current with the data. NULL with d->err. */
struct geoindex *geoindex_get(struct db *d);

/* The k nearest places to (lat, lon) within max_km (0: no limit), nearest
 * first, ties by id; places that do not receive the public only when
 * with_private. out must hold k entries. Returns how many were found. */
long geoindex_nearest(const struct geoindex *g, double lat, double lon, size_t k, double max_km,
                      int with_private, struct geoindex_hit *out);

/* Number of points indexed. */
size_t geoindex_size(const struct geoindex *g);

#endif
