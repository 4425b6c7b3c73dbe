/* fuzz_ifn.c - libFuzzer target for the territorial diagnostic's parsers:
 * the IFN file parser (territoires/ifn.h: published sub-scores and raw
 * indicators) and the dissolution of outlines (geo_dissolve).
 *
 * The first input byte picks what is fuzzed: 0 mod 3 the sub-scores mode,
 * 1 the raw mode, 2 a JSON array of geometries dissolved; the rest is the
 * document. Invariants of the parser: every data record is exactly one good
 * row or one rejection; a good row has a code of its division's shape, at
 * least one value, values within 1..10 (sub-scores) or 0..100 (raw), and a
 * total equal to the mean of its values. The dissolution must not crash
 * and gives a MultiPolygon or NULL. */
#include <jansson.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "territoires/geo.h"
#include "territoires/ifn.h"

#define REQUIRE(c)                                                                        \
    do {                                                                                  \
        if (!(c))                                                                         \
            abort();                                                                      \
    } while (0)

struct compte {
    long bons, rejets;
    enum ifn_mode mode;
};

static int ligne(void *ctx, const struct ifn_ligne *l)
{
    struct compte *c = ctx;
    c->bons++;
    size_t n = strlen(l->code);
    REQUIRE(n >= 2 && n <= 9);
    REQUIRE(l->division != IFN_DIV_COMMUNE || n == 5);
    REQUIRE(l->division != IFN_DIV_IRIS || n == 9);
    int present = 0;
    for (int a = 0; a < IFN__AXES; a++) {
        if (isnan(l->v[a]))
            continue;
        present++;
        if (c->mode == IFN_SOUS_INDICES)
            REQUIRE(l->v[a] >= 1 && l->v[a] <= 10);
        else
            REQUIRE(l->v[a] >= 0 && l->v[a] <= 100);
    }
    REQUIRE(present > 0);
    if (c->mode == IFN_SOUS_INDICES)
        REQUIRE(fabs(l->total - ifn_moyenne(l->v)) < 1e-9);
    REQUIRE(isnan(l->population) || l->population >= 0);
    return 0;
}

static int probleme(void *ctx, const struct ifn_probleme *p)
{
    struct compte *c = ctx;
    REQUIRE(p->regle && p->regle[0] && p->code && p->champ && p->valeur);
    if (p->gravite == IFN_REJET)
        c->rejets++;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    int what = data[0] % 3;
    const char *doc = (const char *)data + 1;
    size_t len = size - 1;
    if (what < 2) {
        struct compte c = {0, 0, what == 0 ? IFN_SOUS_INDICES : IFN_BRUT};
        struct ifn_parse_cb cb = {ligne, probleme, &c};
        long lignes = -1;
        char err[256];
        if (ifn_parse(doc, len, c.mode, &cb, &lignes, err, sizeof err) == 0)
            REQUIRE(lignes == c.bons + c.rejets);
        return 0;
    }
    json_t *arr = json_loadb(doc, len, 0, NULL);
    if (!json_is_array(arr) || json_array_size(arr) > 64) {
        json_decref(arr);
        return 0;
    }
    const json_t *g[64];
    size_t n = json_array_size(arr);
    for (size_t i = 0; i < n; i++)
        g[i] = json_array_get(arr, i);
    json_t *out = geo_dissolve(g, n);
    if (out)
        REQUIRE(strcmp(json_string_value(json_object_get(out, "type")), "MultiPolygon") == 0);
    json_decref(out);
    json_decref(arr);
    return 0;
}
