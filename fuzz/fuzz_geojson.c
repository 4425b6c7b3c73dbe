/* fuzz_geojson.c - libFuzzer target: arbitrary bytes as a GeoJSON geometry
 * for the SVG map renderer (src/web/svgmap.c). It must never crash, leak or
 * hang; a rendered map must be a complete <svg> element without NaN nor
 * infinity, and without markup injected from the input.
 *
 *   clang-14 -std=c11 -D_GNU_SOURCE -g -O1 -Isrc -fsanitize=fuzzer,address,undefined \
 *     fuzz/fuzz_geojson.c src/web/svgmap.c src/web/html.c src/base/buf.c -ljansson -lm
 *   ./a.out fuzz/corpus/geojson */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "web/svgmap.h"

static const char *mainland = "{\"type\":\"Polygon\",\"coordinates\":"
                              "[[[2,46],[3,46],[3,47],[2,47],[2,46]]]}";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = 0;

    /* Options from the input itself, so the corpus stays plain JSON. */
    unsigned h = 2166136261u;
    for (size_t i = 0; i < size; i++)
        h = (h ^ data[i]) * 16777619u;
    int width = 50 + (int)(h % 1500);

    struct svgmap *m = svgmap_new(width, "Carte <fuzz>", (h & 2) ? "desc" : NULL);
    if (!m) {
        free(text);
        return 0;
    }
    svgmap_set_overseas_insets(m, (int)(h & 1));
    if (h & 4)
        svgmap_set_max_bytes(m, 2000);
    if (h & 8)
        svgmap_set_tolerance(m, (double)((h >> 4) % 50) / 10);
    if (h & 16)
        svgmap_add_shape(m, mainland, "c1", "Métropole", NULL, "00");
    /* The input twice: the second copy shares every vertex with the first. */
    int ok = svgmap_add_shape(m, text, "c2", "<title>", "/x?a=<b>", "\"id\"") == 0;
    if (ok && (h & 32))
        svgmap_add_shape(m, text, NULL, NULL, NULL, NULL);
    if (!ok && svgmap_error(m)[0] == 0)
        abort();
    if (size >= 16) {
        double lat, lon;
        memcpy(&lat, data, 8);
        memcpy(&lon, data + 8, 8);
        svgmap_add_point(m, lat, lon, "pt", NULL, NULL);
    }

    struct buf b = BUF_INIT;
    if (svgmap_render(m, &b) == 0) {
        const char *s = b.s;
        size_t n = b.len;
        if (n < 7 || strncmp(s, "<svg ", 5) != 0 || strcmp(s + n - 7, "</svg>\n") != 0)
            abort();
        if (strstr(s, "nan") || strstr(s, "inf") || strstr(s, "<title>\n") ||
            strstr(s, "<b>") || strstr(s, "<fuzz>"))
            abort();
    }
    buf_free(&b);
    svgmap_free(m);
    free(text);
    return 0;
}
