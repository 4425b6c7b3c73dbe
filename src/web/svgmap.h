/* svgmap.h - server-side SVG maps of France (choropleths and points).
 *
 * A struct svgmap collects shapes (GeoJSON Polygon / MultiPolygon geometries)
 * and points (latitude, longitude), then svgmap_render() appends one complete
 * <svg> element to a struct buf. The output is meant to be inlined in a page
 * served under a strict Content-Security-Policy: it contains no <style>
 * element, no style="" attribute and no script. Everything visual that may
 * vary is a CSS class for the page's stylesheet:
 *
 *   svg.svgmap                 the map; no width/height attributes, so it is
 *                              as wide as its container (style it with
 *                              max-width if needed); fill-rule="evenodd" is
 *                              set on it so polygon holes are holes.
 *   path.<css_class>           a shape, e.g. .c1 .. .c5 for choropleth classes
 *   circle.pt.<css_class>      a point
 *   g.encart                   an overseas inset (see svgmap_set_overseas_insets)
 *   rect.encart-cadre          its frame (fill="none" stroke="#888" by default)
 *   text.encart-nom            its label ("Guadeloupe", ...)
 *
 * Every string given to this module (titles, classes, links, codes) is
 * escaped through web/html.h; callers pass plain text, never markup.
 *
 * Projection: equirectangular, longitude scaled by cos(latitude at the middle
 * of the area's bounds), north up. One SVG unit is one CSS pixel when the map
 * is displayed at width_px. Coordinates are rounded to one decimal (and to
 * a whole pixel when within 0.3 px of it, which makes moves shorter to
 * write), written as an absolute M then relative l moves. Rings are
 * simplified for that scale: points closer than 0.8 px to the previous kept
 * one are dropped, then Douglas-Peucker (0.8 px by default); consecutive
 * duplicate points are dropped; rings smaller than a pixel are dropped,
 * except that a shape always keeps its largest ring so that each shape
 * gives exactly one <path> (and keeps its title). Simplification preserves
 * topology: a border shared by two shapes (same positions in both) is
 * simplified once, identically for both, so neighbours never show gaps or
 * overlaps.
 *
 * Ownership: the map copies every string and geometry it is given; callers
 * keep theirs. Failure: functions returning int give 0 on success and -1 on
 * failure; after a -1, svgmap_error() describes why (a static English string)
 * and the map is unchanged, so an invalid shape can simply be skipped.
 * Rendering appends to the caller's buf and returns -1 if memory ran out
 * (buf.oom is then set, or a scratch allocation failed; nothing is left
 * appended unless buf.oom is set).
 *
 * Not thread-safe per map; distinct maps may be used from distinct threads. */
#ifndef WEB_SVGMAP_H
#define WEB_SVGMAP_H
#include <stddef.h>

#include "base/buf.h"

struct svgmap;
struct json_t; /* jansson's json_t, for svgmap_add_shape_json() */

/* Limits: beyond them svgmap_add_* return -1 ("too many points"). */
#define SVGMAP_MAX_SHAPE_POINTS 200000   /* positions in one geometry */
#define SVGMAP_MAX_TOTAL_POINTS 2000000  /* positions in all shapes of a map */
#define SVGMAP_MAX_ITEMS 200000          /* shapes + points in a map */

/* A new empty map, width_px wide (50..10000). title_fr names the image
 * (required: <title>, accessible name); desc_fr describes it (nullable:
 * <desc>). Returns NULL on a bad argument or when memory runs out. */
struct svgmap *svgmap_new(int width_px, const char *title_fr, const char *desc_fr);
/* Frees the map and everything it holds. NULL is a no-op. */
void svgmap_free(struct svgmap *m);

/* The prefix of the ids of <title> and <desc> ("<id>-titre", "<id>-desc");
 * "carte" by default. Set a distinct one for each map of a page. */
int svgmap_set_id(struct svgmap *m, const char *id);

/* When on, shapes and points located in Guadeloupe, Martinique, Guyane,
 * La Réunion or Mayotte (by bounding boxes of coordinates; a shape goes by
 * the centre of its bounding box) are drawn in inset boxes in a row below
 * the main area, each with its own projection, a frame and a label; all the
 * rest (metropolitan France) fills the main area. Only territories that hold
 * something get an inset. Off by default. May be called at any time before
 * svgmap_render(). */
void svgmap_set_overseas_insets(struct svgmap *m, int on);

/* Douglas-Peucker tolerance in pixels (0..100; 0 keeps every point farther
 * than 0.8 px from the previous one). Default 0.8. Returns -1 if out of range. */
int svgmap_set_tolerance(struct svgmap *m, double px);

/* A size goal for the <svg> element, in bytes (0, the default: none). When
 * the rendering is larger, svgmap_render() renders again, first with every
 * coordinate rounded to a whole pixel, then also with a coarser tolerance
 * (x1.4 each time, up to 4 px), and keeps the first that fits, or the
 * coarsest. Markup and titles are not shortened, so the goal may be out of
 * reach: each shape costs ~45 bytes of markup plus its title and code. */
void svgmap_set_max_bytes(struct svgmap *m, size_t max_bytes);

/* Adds a shape from the text of a GeoJSON geometry object of type Polygon
 * or MultiPolygon (RFC 7946: rings of at least 4 positions [lon, lat, ...],
 * finite, lon in -180..180, lat in -90..90; ring closure is not checked, the
 * path is closed anyway). css_class (e.g. "c3"), href and id (written as
 * data-code="...") are nullable; title is the tooltip and accessible name of
 * the shape (e.g. "Ain : 12 lieux"), nullable but strongly recommended.
 * Returns 0, or -1 with svgmap_error() set (invalid JSON or geometry, limits,
 * out of memory). */
int svgmap_add_shape(struct svgmap *m, const char *geometry_json, const char *css_class,
                     const char *title, const char *href, const char *id);
/* Same with an already parsed geometry (borrowed, not modified). */
int svgmap_add_shape_json(struct svgmap *m, const struct json_t *geometry,
                          const char *css_class, const char *title, const char *href,
                          const char *id);

/* Adds a point drawn as <circle class="pt css_class">. title, href and
 * css_class are nullable. Returns -1 on non-finite or out-of-range
 * coordinates, limits or out of memory. */
int svgmap_add_point(struct svgmap *m, double lat, double lon, const char *title,
                     const char *href, const char *css_class);

/* Why the last call failed (static string), or "" if none did. */
const char *svgmap_error(const struct svgmap *m);

/* The overseas territory containing (lat, lon) for the insets: "Guadeloupe",
 * "Martinique", "Guyane", "La Réunion", "Mayotte", or NULL (static string). */
const char *svgmap_overseas_name(double lat, double lon);

/* Appends the whole <svg> element to out. The map is not modified and may be
 * rendered again. Returns 0, or -1 when memory ran out. */
int svgmap_render(const struct svgmap *m, struct buf *out);

/* Appends an accessible HTML legend: <ul class="legende"> with one <li> per
 * entry, each a swatch <span class="swatch CLASS" aria-hidden="true"></span>
 * followed by the label text. With a caption (nullable), the list is wrapped
 * in <figure class="legende-carte"> with a <figcaption>. labels[i] and
 * classes[i] may be NULL (empty label, bare swatch); classes may be NULL.
 * Returns 0, or -1 when labels is NULL while n > 0 or memory ran out. */
int svgmap_legend_html(struct buf *out, const char *const *labels,
                       const char *const *classes, size_t n, const char *caption);

#endif
