/* test_svgmap.c - the SVG map renderer (src/web/svgmap.c). */
#include <jansson.h>
#include <math.h>
#include <stdlib.h>

#include "check.h"
#include "web/svgmap.h"

#define DEPTS "/work/shared/data/boundaries/departements-avec-outre-mer.geojson"
#define AIN "/work/shared/data/boundaries/communes/communes-01-ain.geojson"

/* ---- helpers --------------------------------------------------------- */

static int count(const char *hay, const char *needle)
{
    int n = 0;
    size_t l = strlen(needle);
    for (const char *p = hay; (p = strstr(p, needle)); p += l)
        n++;
    return n;
}

/* Renders m into a fresh string (free it). */
static char *render(struct svgmap *m)
{
    struct buf b = BUF_INIT;
    if (svgmap_render(m, &b) < 0) {
        buf_free(&b);
        return NULL;
    }
    return buf_take(&b);
}

/* The value of attribute name (e.g. " d=\"") after position p, copied into
 * out; returns a pointer past it or NULL. */
static const char *attr(const char *p, const char *name, char *out, size_t cap)
{
    const char *s = strstr(p, name);
    if (!s)
        return NULL;
    s += strlen(name);
    const char *e = strchr(s, '"');
    if (!e || (size_t)(e - s) >= cap)
        return NULL;
    memcpy(out, s, (size_t)(e - s));
    out[e - s] = 0;
    return e + 1;
}

struct pts {
    double x[4096], y[4096];
    int n, subpaths, closes;
};

/* Parses path data with M/m, L/l and Z/z into absolute points. */
static void parse_d(const char *d, struct pts *p)
{
    double cx = 0, cy = 0, sx = 0, sy = 0;
    char cmd = 0;
    int first_pair = 0;
    memset(p, 0, sizeof *p);
    while (*d) {
        if (*d == ' ' || *d == ',') {
            d++;
            continue;
        }
        if (strchr("MmLlZz", *d)) {
            cmd = *d++;
            first_pair = 1;
            if (cmd == 'Z' || cmd == 'z') {
                p->closes++;
                cx = sx, cy = sy;
            } else if (cmd == 'M' || cmd == 'm') {
                p->subpaths++;
            }
            continue;
        }
        char *end;
        double x = strtod(d, &end);
        if (end == d)
            return;
        d = end;
        while (*d == ' ')
            d++;
        double y = strtod(d, &end);
        if (end == d)
            return;
        d = end;
        int rel = cmd == 'm' || cmd == 'l';
        cx = rel ? cx + x : x;
        cy = rel ? cy + y : y;
        if ((cmd == 'M' || cmd == 'm') && first_pair) {
            sx = cx, sy = cy;
            if (cmd == 'M')
                cmd = 'L';
            else
                cmd = 'l';
        }
        first_pair = 0;
        if (p->n < 4096) {
            p->x[p->n] = cx;
            p->y[p->n] = cy;
            p->n++;
        }
    }
}

static int viewbox(const char *svg, double *w, double *h)
{
    char vb[64];
    double x0, y0;
    if (!attr(svg, "viewBox=\"", vb, sizeof vb))
        return -1;
    return sscanf(vb, "%lf %lf %lf %lf", &x0, &y0, w, h) == 4 && x0 == 0 && y0 == 0 ? 0 : -1;
}

static const char *square(void)
{
    return "{\"type\":\"Polygon\",\"coordinates\":"
           "[[[2,46],[3,46],[3,47],[2,47],[2,46]]]}";
}

/* ---- tests ----------------------------------------------------------- */

static void test_new_args(void)
{
    CHECK(svgmap_new(10, "t", NULL) == NULL);
    CHECK(svgmap_new(20000, "t", NULL) == NULL);
    CHECK(svgmap_new(600, NULL, NULL) == NULL);
    struct svgmap *m = svgmap_new(600, "t", NULL);
    CHECK(m != NULL);
    CHECK_STR(svgmap_error(m), "");
    CHECK(svgmap_set_tolerance(m, -1) == -1);
    CHECK(svgmap_set_tolerance(m, NAN) == -1);
    CHECK(svgmap_set_tolerance(m, 1.5) == 0);
    CHECK(svgmap_set_id(m, "") == -1);
    svgmap_free(m);
    svgmap_free(NULL);
}

static void test_square(void)
{
    struct svgmap *m = svgmap_new(400, "Un carré", "Un seul département fictif.");
    CHECK(svgmap_add_shape(m, square(), "c3", "Carré : 3 lieux", NULL, "99") == 0);
    char *s = render(m);
    CHECK(s != NULL);
    CHECK(count(s, "<path") == 1);
    CHECK(count(s, "<svg ") == 1 && count(s, "</svg>") == 1);
    CHECK(strstr(s, "<path class=\"c3\" d=\"M") != NULL);
    CHECK(strstr(s, "data-code=\"99\"><title>Carré : 3 lieux</title></path>") != NULL);
    char d[4096];
    CHECK(attr(s, " d=\"", d, sizeof d) != NULL);
    struct pts p;
    parse_d(d, &p);
    CHECK(p.n == 4);           /* the closing position is left to Z */
    CHECK(p.subpaths == 1);
    CHECK(p.closes == 1);
    CHECK(d[strlen(d) - 1] == 'Z');
    /* North up, east right: (2,47) is top left, (3,46) bottom right. */
    double minx = 1e9, maxx = -1e9, miny = 1e9, maxy = -1e9;
    for (int i = 0; i < p.n; i++) {
        minx = fmin(minx, p.x[i]), maxx = fmax(maxx, p.x[i]);
        miny = fmin(miny, p.y[i]), maxy = fmax(maxy, p.y[i]);
    }
    CHECK(p.x[0] == minx && p.y[0] == maxy); /* first position (2,46): bottom left */
    CHECK(p.x[1] == maxx && p.y[1] == maxy); /* (3,46): bottom right */
    CHECK(p.x[2] == maxx && p.y[2] == miny); /* (3,47): top right */
    /* Longitude shrunk by cos(46.5°): not squashed, not stretched. */
    double ratio = (maxx - minx) / (maxy - miny);
    CHECK(fabs(ratio - cos(46.5 * M_PI / 180)) < 0.01);
    /* Accessible image, responsive, no style. */
    CHECK(strstr(s, "role=\"img\" aria-labelledby=\"carte-titre carte-desc\"") != NULL);
    CHECK(strstr(s, "<title id=\"carte-titre\">Un carré</title>") != NULL);
    CHECK(strstr(s, "<desc id=\"carte-desc\">Un seul département fictif.</desc>") != NULL);
    CHECK(strstr(s, " width=") == NULL || strstr(s, "<svg") > strstr(s, " width="));
    CHECK(strstr(s, "style") == NULL);
    CHECK(strstr(s, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"svgmap\"") == s);
    free(s);
    svgmap_free(m);
}

static void test_multipolygon_and_holes(void)
{
    struct svgmap *m = svgmap_new(500, "t", NULL);
    const char *multi = "{\"type\":\"MultiPolygon\",\"coordinates\":["
                        "[[[0,45],[1,45],[1,46],[0,46],[0,45]]],"
                        "[[[2,45],[3,45],[3,46],[2,46],[2,45]]],"
                        "[[[4,45],[5,45],[4.5,46],[4,45]]]]}";
    const char *holed = "{\"type\":\"Polygon\",\"coordinates\":["
                        "[[0,43],[2,43],[2,44],[0,44],[0,43]],"
                        "[[0.5,43.2],[0.5,43.8],[1.5,43.8],[1.5,43.2],[0.5,43.2]]]}";
    CHECK(svgmap_add_shape(m, multi, NULL, "Trois îles", NULL, NULL) == 0);
    CHECK(svgmap_add_shape(m, holed, NULL, "Anneau", NULL, NULL) == 0);
    char *s = render(m);
    CHECK(count(s, "<path") == 2);
    CHECK(strstr(s, "fill-rule=\"evenodd\"") != NULL); /* holes stay holes */
    CHECK(strstr(s, "<path d=\"M") != NULL);         /* no class given: none */
    char d[4096];
    const char *next = attr(s, " d=\"", d, sizeof d);
    struct pts p;
    parse_d(d, &p);
    CHECK(p.subpaths == 3 && p.closes == 3 && p.n == 4 + 4 + 3);
    CHECK(attr(next, " d=\"", d, sizeof d) != NULL);
    parse_d(d, &p);
    CHECK(p.subpaths == 2 && p.closes == 2 && p.n == 8);
    free(s);
    svgmap_free(m);
}

static void test_escaping(void)
{
    struct svgmap *m = svgmap_new(300, "Carte <b>\"x\"</b> & 'y'", "<desc>");
    CHECK(svgmap_set_id(m, "c\"1") == 0);
    const char *evil = "<script>alert(\"x\")</script> & 'q'";
    CHECK(svgmap_add_shape(m, square(), "c1\" onclick=\"x", evil,
                           "/communes?a=1&b=\"2\"><script>", "01\"<") == 0);
    CHECK(svgmap_add_point(m, 46.5, 2.5, evil, "javascript:'\"", "a\"b") == 0);
    char *s = render(m);
    CHECK(strstr(s, "<script") == NULL);
    CHECK(strstr(s, "onclick=\"") == NULL);
    CHECK(count(s, "<title>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;q&#39;"
                   "</title>") == 2);
    CHECK(strstr(s, "<a href=\"/communes?a=1&amp;b=&quot;2&quot;&gt;&lt;script&gt;\"><path") !=
          NULL);
    CHECK(strstr(s, "</path></a>") != NULL);
    CHECK(strstr(s, "class=\"c1&quot; onclick=&quot;x\"") != NULL);
    CHECK(strstr(s, "data-code=\"01&quot;&lt;\"") != NULL);
    CHECK(strstr(s, "<a href=\"javascript:&#39;&quot;\"><circle class=\"pt a&quot;b\"") != NULL);
    CHECK(strstr(s, "</circle></a>") != NULL);
    CHECK(strstr(s, "Carte &lt;b&gt;&quot;x&quot;&lt;/b&gt; &amp; &#39;y&#39;</title>") != NULL);
    CHECK(strstr(s, "aria-labelledby=\"c&quot;1-titre c&quot;1-desc\"") != NULL);
    CHECK(strstr(s, "<desc id=\"c&quot;1-desc\">&lt;desc&gt;</desc>") != NULL);
    free(s);
    svgmap_free(m);
}

static void test_viewbox_covers(void)
{
    struct svgmap *m = svgmap_new(600, "t", NULL);
    CHECK(svgmap_add_shape(m, square(), "c1", "a", NULL, NULL) == 0);
    CHECK(svgmap_add_shape(m, "{\"type\":\"Polygon\",\"coordinates\":"
                              "[[[-4.8,48.4],[-4,48.2],[-4.2,48.7],[-4.8,48.4]]]}",
                           "c2", "b", NULL, NULL) == 0);
    /* Points beyond the shapes, at the corners: the view grows to them. */
    CHECK(svgmap_add_point(m, 51.0, 2.5, "Dunkerque", NULL, NULL) == 0);
    CHECK(svgmap_add_point(m, 42.7, 9.4, "Bastia", "/lieux/1", "ouvert") == 0);
    char *s = render(m);
    double W, H;
    CHECK(viewbox(s, &W, &H) == 0);
    CHECK(W == 600 && H > 100 && H < 1000);
    int n = 0;
    char d[4096];
    struct pts p;
    for (const char *q = s; (q = attr(q, " d=\"", d, sizeof d));) {
        parse_d(d, &p);
        for (int i = 0; i < p.n; i++) {
            CHECK(p.x[i] > 0 && p.x[i] < W && p.y[i] > 0 && p.y[i] < H);
            n++;
        }
    }
    CHECK(n == 4 + 3);
    int circles = 0;
    double cxs[2] = {0}, cys[2] = {0};
    for (const char *q = s; (q = strstr(q, "<circle")); q++) {
        char v[32];
        double cx = 0, cy = 0, r = 0;
        CHECK(attr(q, "cx=\"", v, sizeof v) && sscanf(v, "%lf", &cx) == 1);
        CHECK(attr(q, "cy=\"", v, sizeof v) && sscanf(v, "%lf", &cy) == 1);
        CHECK(attr(q, " r=\"", v, sizeof v) && sscanf(v, "%lf", &r) == 1);
        CHECK(cx - r >= 0 && cx + r <= W && cy - r >= 0 && cy + r <= H);
        if (circles < 2)
            cxs[circles] = cx, cys[circles] = cy;
        circles++;
    }
    CHECK(circles == 2);
    /* Dunkerque (north) is above Bastia (south east), left of it. */
    CHECK(cys[0] < cys[1] && cxs[0] < cxs[1]);
    CHECK(strstr(s, "<title>Dunkerque") < strstr(s, "<title>Bastia"));
    CHECK(strstr(s, "<circle class=\"pt\"") != NULL);
    CHECK(strstr(s, "<a href=\"/lieux/1\"><circle class=\"pt ouvert\"") != NULL);
    free(s);
    svgmap_free(m);
}

static void test_points_only(void)
{
    struct svgmap *m = svgmap_new(400, "t", NULL);
    CHECK(svgmap_add_point(m, 45.76, 4.84, "Lyon", NULL, NULL) == 0);
    char *s = render(m); /* a lone point: no division by zero */
    double W, H;
    CHECK(viewbox(s, &W, &H) == 0 && H > 10);
    CHECK(count(s, "<circle") == 1);
    CHECK(strstr(s, "nan") == NULL && strstr(s, "inf") == NULL);
    free(s);
    svgmap_free(m);
}

static void test_insets(void)
{
    CHECK_STR(svgmap_overseas_name(-21.1, 55.5), "La Réunion");
    CHECK_STR(svgmap_overseas_name(16.25, -61.55), "Guadeloupe");
    CHECK_STR(svgmap_overseas_name(14.6, -61.0), "Martinique");
    CHECK_STR(svgmap_overseas_name(4.9, -52.3), "Guyane");
    CHECK_STR(svgmap_overseas_name(-12.8, 45.15), "Mayotte");
    CHECK(svgmap_overseas_name(48.85, 2.35) == NULL);
    CHECK(svgmap_overseas_name(42.0, 9.0) == NULL); /* Corse is metropolitan */

    const char *reunion = "{\"type\":\"Polygon\",\"coordinates\":[[[55.22,-21.0],"
                          "[55.45,-20.87],[55.7,-20.95],[55.84,-21.15],[55.8,-21.35],"
                          "[55.5,-21.39],[55.3,-21.25],[55.22,-21.0]]]}";
    for (int on = 0; on < 2; on++) {
        struct svgmap *m = svgmap_new(600, "France", NULL);
        svgmap_set_overseas_insets(m, on);
        CHECK(svgmap_add_shape(m, square(), "c1", "Centre", NULL, "18") == 0);
        CHECK(svgmap_add_shape(m, reunion, "c2", "La Réunion", NULL, "974") == 0);
        CHECK(svgmap_add_point(m, -20.88, 55.45, "Saint-Denis", NULL, NULL) == 0);
        CHECK(svgmap_add_point(m, 16.24, -61.53, "Pointe-à-Pitre", NULL, NULL) == 0);
        char *s = render(m);
        double W, H;
        CHECK(viewbox(s, &W, &H) == 0);
        const char *g = strstr(s, "<g class=\"encart\" data-code=\"974\">");
        if (!on) {
            CHECK(g == NULL);
            CHECK(strstr(s, "encart") == NULL);
            free(s);
            svgmap_free(m);
            continue;
        }
        CHECK(g != NULL);
        CHECK(count(s, "<g class=\"encart\"") == 2); /* Guadeloupe (a point), Réunion */
        CHECK(strstr(s, "<g class=\"encart\" data-code=\"971\">") != NULL);
        CHECK(count(s, "<path") == 2);            /* frames are rects, not paths */
        /* The Réunion path sits inside its group, inside its frame. */
        const char *end = g ? strstr(g, "</g>") : NULL;
        const char *path = g ? strstr(g, "data-code=\"974\"><title>La Réunion") : NULL;
        CHECK(path && end && path < end);
        CHECK(g && strstr(g, "<text class=\"encart-nom\"") < end);
        char v[32], d[4096];
        double fx = 0, fy = 0, fw = 0, fh = 0;
        CHECK(attr(g, " x=\"", v, sizeof v) && sscanf(v, "%lf", &fx) == 1);
        CHECK(attr(g, " y=\"", v, sizeof v) && sscanf(v, "%lf", &fy) == 1);
        CHECK(attr(g, " width=\"", v, sizeof v) && sscanf(v, "%lf", &fw) == 1);
        CHECK(attr(g, " height=\"", v, sizeof v) && sscanf(v, "%lf", &fh) == 1);
        CHECK(attr(g, "<path class=\"c2\" d=\"", d, sizeof d) != NULL);
        struct pts p;
        parse_d(d, &p);
        CHECK(p.n == 7);
        for (int i = 0; i < p.n; i++)
            CHECK(p.x[i] > fx && p.x[i] < fx + fw && p.y[i] > fy && p.y[i] < fy + fh);
        CHECK(fy + fh < H && fx >= 0);
        /* The mainland square fills the main area, above the insets. */
        CHECK(attr(s, "<path class=\"c1\" d=\"", d, sizeof d) != NULL);
        parse_d(d, &p);
        for (int i = 0; i < p.n; i++)
            CHECK(p.y[i] < fy);
        /* Saint-Denis is drawn in the Réunion inset. */
        const char *sd = strstr(s, "<title>Saint-Denis");
        CHECK(sd && sd > g && sd < end);
        free(s);
        svgmap_free(m);
    }
}

static void test_invalid(void)
{
    struct svgmap *m = svgmap_new(400, "t", NULL);
    const char *bad[] = {
        "",
        "not json",
        "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[1,1],[0,0]]]",
        "[]",
        "null",
        "{\"type\":\"Point\",\"coordinates\":[2,46]}",
        "{\"type\":\"LineString\",\"coordinates\":[[2,46],[3,46]]}",
        "{\"type\":\"Feature\",\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[]}}",
        "{\"type\":7,\"coordinates\":[[[0,0],[1,0],[1,1],[0,0]]]}",
        "{\"coordinates\":[[[0,0],[1,0],[1,1],[0,0]]]}",
        "{\"type\":\"Polygon\"}",
        "{\"type\":\"Polygon\",\"coordinates\":[]}",
        "{\"type\":\"Polygon\",\"coordinates\":[[]]}",
        "{\"type\":\"Polygon\",\"coordinates\":{}}",
        "{\"type\":\"MultiPolygon\",\"coordinates\":[]}",
        "{\"type\":\"MultiPolygon\",\"coordinates\":[[]]}",
        "{\"type\":\"MultiPolygon\",\"coordinates\":[[[]]]}",
        "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[0,0]]]}",
        "{\"type\":\"Polygon\",\"coordinates\":[[[\"NaN\",\"NaN\"],[1,0],[1,1],[0,0]]]}",
        "{\"type\":\"Polygon\",\"coordinates\":[[[NaN,0],[1,0],[1,1],[0,0]]]}",
        "{\"type\":\"Polygon\",\"coordinates\":[[[\"2\",\"46\"],[1,0],[1,1],[0,0]]]}",
        "{\"type\":\"Polygon\",\"coordinates\":[[[1e400,0],[1,0],[1,1],[0,0]]]}",
        "{\"type\":\"Polygon\",\"coordinates\":[[[200,0],[1,0],[1,1],[0,0]]]}",
        "{\"type\":\"Polygon\",\"coordinates\":[[[0,-91],[1,0],[1,1],[0,0]]]}",
        "{\"type\":\"Polygon\",\"coordinates\":[[[0],[1,0],[1,1],[0,0]]]}",
        "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[1,1],null]]}",
        "{\"type\":\"Polygon\",\"coordinates\":[[[[0,0]],[1,0],[1,1],[0,0]]]}",
        "{\"type\":\"MultiPolygon\",\"coordinates\":[[[0,0],[1,0],[1,1],[0,0]]]}",
        "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[1,1],[0,0]],[]]}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        int r = svgmap_add_shape(m, bad[i], "c1", "x", NULL, NULL);
        CHECK(r == -1);
        if (r != -1)
            fprintf(stderr, "  accepted: %s\n", bad[i]);
        CHECK(svgmap_error(m)[0] != 0);
    }
    CHECK(svgmap_add_shape(m, NULL, NULL, NULL, NULL, NULL) == -1);
    CHECK(svgmap_add_shape_json(m, NULL, NULL, NULL, NULL, NULL) == -1);
    /* Deep nesting: jansson refuses it, no recursion here. */
    char deep[8192];
    size_t k = 0;
    k += (size_t)snprintf(deep, sizeof deep, "{\"type\":\"Polygon\",\"coordinates\":");
    for (int i = 0; i < 3000 && k < sizeof deep - 3000; i++)
        deep[k++] = '[';
    deep[k] = 0;
    CHECK(svgmap_add_shape(m, deep, NULL, NULL, NULL, NULL) == -1);
    /* Points: non-finite and out of range. */
    CHECK(svgmap_add_point(m, NAN, 2, "x", NULL, NULL) == -1);
    CHECK(svgmap_add_point(m, 46, INFINITY, "x", NULL, NULL) == -1);
    CHECK(svgmap_add_point(m, 91, 2, "x", NULL, NULL) == -1);
    CHECK(svgmap_add_point(m, 46, -181, "x", NULL, NULL) == -1);
    CHECK_STR(svgmap_error(m), "invalid coordinates");
    /* Extra members and altitudes are fine; the error is cleared. */
    CHECK(svgmap_add_shape(m, "{\"type\":\"Polygon\",\"bbox\":[0,0,1,1],\"coordinates\":"
                              "[[[0,0,12.5],[1,0,3],[1,1,0],[0,0,1]]]}",
                           NULL, NULL, NULL, NULL) == 0);
    CHECK_STR(svgmap_error(m), "");
    /* Nothing invalid was kept. */
    char *s = render(m);
    CHECK(count(s, "<path") == 1 && count(s, "<circle") == 0);
    free(s);
    svgmap_free(m);
}

static void test_limits(void)
{
    struct svgmap *m = svgmap_new(400, "t", NULL);
    struct buf g = BUF_INIT;
    buf_puts(&g, "{\"type\":\"Polygon\",\"coordinates\":[[");
    size_t n = SVGMAP_MAX_SHAPE_POINTS + 1;
    for (size_t i = 0; i < n; i++) {
        double a = 2 * M_PI * (double)i / (double)(n - 1);
        buf_printf(&g, "%s[%.6f,%.6f]", i ? "," : "", 2 + cos(a), 46 + sin(a));
    }
    buf_puts(&g, "]]}");
    CHECK(!g.oom);
    CHECK(svgmap_add_shape(m, g.s, NULL, NULL, NULL, NULL) == -1);
    CHECK_STR(svgmap_error(m), "too many points");
    buf_free(&g);
    /* Just under the cap: accepted, and rendered small. */
    buf_puts(&g, "{\"type\":\"Polygon\",\"coordinates\":[[");
    n = SVGMAP_MAX_SHAPE_POINTS;
    for (size_t i = 0; i < n; i++) {
        double a = 2 * M_PI * (double)i / (double)(n - 1);
        buf_printf(&g, "%s[%.6f,%.6f]", i ? "," : "", 2 + cos(a), 46 + sin(a));
    }
    buf_puts(&g, "]]}");
    CHECK(svgmap_add_shape(m, g.s, NULL, "cercle", NULL, NULL) == 0);
    buf_free(&g);
    char *s = render(m);
    CHECK(s && strlen(s) < 5000);
    free(s);
    svgmap_free(m);

    /* A zigzag across the map: Douglas-Peucker at its worst (quadratic);
     * its work is capped, the rendering ends (points kept). */
    m = svgmap_new(600, "t", NULL);
    buf_puts(&g, "{\"type\":\"Polygon\",\"coordinates\":[[");
    n = 60000;
    for (size_t i = 0; i + 1 < n; i++)
        buf_printf(&g, "%s[%d,%.5f]", i ? "," : "", (i & 1) ? 3 : 2, 46 + (double)i * 1e-5);
    buf_puts(&g, ",[2,46]]]}");
    CHECK(svgmap_add_shape(m, g.s, NULL, "zigzag", NULL, NULL) == 0);
    buf_free(&g);
    s = render(m);
    CHECK(s && count(s, "<path") == 1 && strlen(s) > 100000);
    free(s);
    svgmap_free(m);
}

static void test_tiny_shapes_kept(void)
{
    struct svgmap *m = svgmap_new(400, "t", NULL);
    CHECK(svgmap_add_shape(m, square(), NULL, "grand", NULL, NULL) == 0);
    /* A shape far smaller than a pixel still gets its path and title; a
     * sub-pixel island of a large shape is dropped. */
    CHECK(svgmap_add_shape(m, "{\"type\":\"Polygon\",\"coordinates\":[[[2.5,46.5],"
                              "[2.50001,46.5],[2.50001,46.50001],[2.5,46.5]]]}",
                           NULL, "minuscule", NULL, "t") == 0);
    CHECK(svgmap_add_shape(m, "{\"type\":\"MultiPolygon\",\"coordinates\":["
                              "[[[2.1,46.1],[2.4,46.1],[2.4,46.4],[2.1,46.1]]],"
                              "[[[2.7,46.7],[2.70001,46.7],[2.70001,46.70001],[2.7,46.7]]]]}",
                           NULL, "avec îlot", NULL, "i") == 0);
    char *s = render(m);
    CHECK(count(s, "<path") == 3);
    CHECK(strstr(s, "data-code=\"t\"><title>minuscule</title>") != NULL);
    char d[4096];
    const char *q = strstr(s, "<title>avec");
    CHECK(q != NULL);
    while (q && q > s && strncmp(q, "<path", 5) != 0)
        q--;
    CHECK(q && attr(q, " d=\"", d, sizeof d) != NULL);
    struct pts p;
    parse_d(d, &p);
    CHECK(p.subpaths == 1 && p.n == 3);
    free(s);
    svgmap_free(m);
}

/* Two shapes sharing a wiggly border: simplified alike on both sides. */
static void test_shared_border(void)
{
    struct buf west = BUF_INIT, east = BUF_INIT, border = BUF_INIT;
    for (int i = 0; i <= 400; i++) {
        double lat = 46 + i / 400.0, lon = 3 + 0.004 * sin(i * 0.7) + 0.02 * sin(i / 30.0);
        buf_printf(&border, ",[%.7f,%.7f]", lon, lat);
    }
    /* West: up the border then back by the west; east: down the border. */
    buf_printf(&west, "{\"type\":\"Polygon\",\"coordinates\":[[[2,46],[3,46]%s,[2,47],[2,46]]]}",
               border.s);
    buf_puts(&east, "{\"type\":\"Polygon\",\"coordinates\":[[[3,46],[4,46],[4,47]");
    for (int i = 400; i >= 0; i--) {
        double lat = 46 + i / 400.0, lon = 3 + 0.004 * sin(i * 0.7) + 0.02 * sin(i / 30.0);
        buf_printf(&east, ",[%.7f,%.7f]", lon, lat);
    }
    buf_puts(&east, "]]}");
    double tols[] = {0.8, 3};
    for (int t = 0; t < 2; t++) {
        struct svgmap *m = svgmap_new(600, "t", NULL);
        svgmap_set_tolerance(m, tols[t]);
        CHECK(svgmap_add_shape(m, west.s, "c1", "Ouest", NULL, NULL) == 0);
        CHECK(svgmap_add_shape(m, east.s, "c2", "Est", NULL, NULL) == 0);
        char *s = render(m);
        char d[8192];
        static struct pts a, b;
        const char *q = attr(s, " d=\"", d, sizeof d);
        parse_d(d, &a);
        CHECK(q && attr(q, " d=\"", d, sizeof d));
        parse_d(d, &b);
        CHECK(a.n > 6 && a.n < 200 && b.n > 6 && b.n < 200);
        /* Every point of one side on the border (not a far corner) has its
         * exact twin on the other side. */
        double W, H, xmid;
        viewbox(s, &W, &H);
        xmid = W / 2;
        int matched = 0, unmatched = 0;
        for (int i = 0; i < a.n; i++) {
            if (fabs(a.x[i] - xmid) > W / 8)
                continue;
            int ok = 0;
            for (int j = 0; j < b.n; j++)
                ok |= fabs(a.x[i] - b.x[j]) < 1e-6 && fabs(a.y[i] - b.y[j]) < 1e-6;
            matched += ok, unmatched += !ok;
        }
        CHECK(matched > 4 && unmatched == 0);
        free(s);
        svgmap_free(m);
    }
    buf_free(&west);
    buf_free(&east);
    buf_free(&border);
}

static void test_render_appends_and_repeats(void)
{
    struct svgmap *m = svgmap_new(400, "t", NULL);
    svgmap_add_shape(m, square(), "c1", "a", NULL, NULL);
    struct buf b = BUF_INIT;
    buf_puts(&b, "<main>");
    CHECK(svgmap_render(m, &b) == 0);
    size_t one = b.len - 6;
    CHECK(svgmap_render(m, &b) == 0);
    CHECK(strncmp(b.s, "<main><svg", 10) == 0);
    CHECK(b.len == 6 + 2 * one);
    CHECK(memcmp(b.s + 6, b.s + 6 + one, one) == 0);
    buf_free(&b);
    svgmap_free(m);
}

static void test_legend(void)
{
    const char *labels[] = {"0 lieu", "1 à 5 lieux", "<6> & \"plus\""};
    const char *classes[] = {"c1", NULL, "c5\"x"};
    struct buf b = BUF_INIT;
    CHECK(svgmap_legend_html(&b, labels, classes, 3, "Lieux d'inclusion numérique") == 0);
    CHECK(strstr(b.s, "<figure class=\"legende-carte\"><figcaption>Lieux d&#39;inclusion "
                      "numérique</figcaption>") == b.s);
    CHECK(strstr(b.s, "<ul class=\"legende\">") != NULL);
    CHECK(count(b.s, "<li>") == 3);
    CHECK(strstr(b.s, "<li><span class=\"swatch c1\" aria-hidden=\"true\"></span> 0 lieu</li>") !=
          NULL);
    CHECK(strstr(b.s, "<li><span class=\"swatch\" aria-hidden=\"true\"></span> 1 à 5 lieux") !=
          NULL);
    CHECK(strstr(b.s, "swatch c5&quot;x\"") != NULL);
    CHECK(strstr(b.s, "&lt;6&gt; &amp; &quot;plus&quot;</li>") != NULL);
    CHECK(strstr(b.s, "</ul>\n</figure>") != NULL);
    buf_reset(&b);
    CHECK(svgmap_legend_html(&b, labels, NULL, 1, NULL) == 0);
    CHECK_STR(b.s, "<ul class=\"legende\">\n<li><span class=\"swatch\" aria-hidden=\"true\">"
                   "</span> 0 lieu</li>\n</ul>\n");
    CHECK(svgmap_legend_html(&b, NULL, NULL, 2, NULL) == -1);
    buf_free(&b);
}

/* ---- real data ------------------------------------------------------- */

/* Adds every feature of a FeatureCollection file; returns how many, or -1
 * when the file is absent. */
static int load_features(struct svgmap *m, const char *path, int with_code, int with_href)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    fclose(f);
    json_error_t e;
    json_t *fc = json_load_file(path, 0, &e);
    if (!fc)
        return -1;
    json_t *feat;
    size_t i;
    int n = 0;
    json_array_foreach(json_object_get(fc, "features"), i, feat) {
        json_t *props = json_object_get(feat, "properties");
        const char *nom = json_string_value(json_object_get(props, "nom"));
        const char *code = json_string_value(json_object_get(props, "code"));
        char title[256], cls[8], href[64];
        snprintf(title, sizeof title, "%s : %zu lieux", nom ? nom : "?", (i * 7) % 23);
        snprintf(cls, sizeof cls, "c%zu", 1 + i % 5);
        snprintf(href, sizeof href, "/territoires/%s", code ? code : "");
        if (svgmap_add_shape_json(m, json_object_get(feat, "geometry"), cls, title,
                                  with_href ? href : NULL, with_code ? code : NULL) == 0)
            n++;
        else
            fprintf(stderr, "  %s: %s\n", code ? code : "?", svgmap_error(m));
    }
    json_decref(fc);
    return n;
}

static void test_departements(void)
{
    struct svgmap *m = svgmap_new(600, "Lieux par département",
                                  "Nombre de lieux d'inclusion numérique par département.");
    svgmap_set_overseas_insets(m, 1);
    int n = load_features(m, DEPTS, 1, 1);
    if (n < 0) {
        printf("skip: %s absent\n", DEPTS);
        svgmap_free(m);
        return;
    }
    CHECK(n == 101);
    char *s = render(m);
    CHECK(s != NULL);
    size_t len = s ? strlen(s) : 0;
    printf("départements: %d shapes, %zu bytes\n", n, len);
    CHECK(count(s, "<path") == 101);
    CHECK(len < 150 * 1024);
    CHECK(count(s, "<g class=\"encart\"") == 5);
    for (int i = 0; i < 5; i++) {
        static const char *codes[] = {"971", "972", "973", "974", "976"};
        char g[64], p[64];
        snprintf(g, sizeof g, "<g class=\"encart\" data-code=\"%s\">", codes[i]);
        snprintf(p, sizeof p, "data-code=\"%s\"><title>", codes[i]);
        const char *gs = strstr(s, g), *ps = strstr(s, p);
        CHECK(gs && ps && ps > gs && ps < strstr(gs, "</g>"));
    }
    /* Paris (75) and Corse-du-Sud (2A) are in the main area, above. */
    const char *first_inset = strstr(s, "<g class=\"encart\"");
    CHECK(strstr(s, "data-code=\"75\"") < first_inset);
    CHECK(strstr(s, "data-code=\"2A\"") < first_inset);
    free(s);
    svgmap_free(m);
}

static void test_communes(void)
{
    struct svgmap *m = svgmap_new(500, "Lieux par commune de l'Ain", NULL);
    int n = load_features(m, AIN, 0, 0);
    if (n < 0) {
        printf("skip: %s absent\n", AIN);
        svgmap_free(m);
        return;
    }
    CHECK(n > 350);
    char *full = render(m);
    svgmap_set_max_bytes(m, 45000);
    char *s = render(m);
    size_t len = s ? strlen(s) : 0;
    printf("communes de l'Ain: %d shapes, %zu bytes (%zu at the default tolerance)\n", n, len,
           strlen(full));
    CHECK(count(s, "<path") == n);
    CHECK(count(full, "<path") == n);
    CHECK(len < 45000);
    CHECK(strlen(full) > len);
    free(full);
    free(s);
    svgmap_free(m);
}

int main(void)
{
    RUN(test_new_args);
    RUN(test_square);
    RUN(test_multipolygon_and_holes);
    RUN(test_escaping);
    RUN(test_viewbox_covers);
    RUN(test_points_only);
    RUN(test_insets);
    RUN(test_invalid);
    RUN(test_limits);
    RUN(test_tiny_shapes_kept);
    RUN(test_shared_border);
    RUN(test_render_appends_and_repeats);
    RUN(test_legend);
    RUN(test_departements);
    RUN(test_communes);
    return CHECK_DONE();
}
