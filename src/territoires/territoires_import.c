/* territoires_import.c - load the COG (decoupage-administratif JSON),
 * commune coordinates (CSV) and contours (GeoJSON) into the database
 * (see territoires.h for what is imported and the choices made).
 *
 * Everything is read and joined in memory first (two small hash maps from
 * codes to communes), then written in one transaction with prepared
 * statements. Contour geometries are re-serialised piece by piece with
 * jansson (compact, 7 significant digits) so that the pieces of a current
 * commune coming from several old codes are concatenated into one
 * MultiPolygon without keeping every parsed file in memory. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/csv.h"
#include "base/text.h"
#include "territoires/geo.h"
#include "territoires/territoires.h"
#include "store/cache.h"

#define JSON_OUT_FLAGS (JSON_COMPACT | JSON_REAL_PRECISION(7))

/* ---- code -> int map (open addressing, grows) ---- */

struct cmap_slot {
    char key[12];
    int val;
};
struct cmap {
    struct cmap_slot *s;
    size_t cap, n;
};

static uint32_t cmap_hash(const char *k)
{
    uint32_t h = 2166136261u;
    for (; *k; k++)
        h = (h ^ (unsigned char)*k) * 16777619u;
    return h;
}

static struct cmap_slot *cmap_slot(const struct cmap *m, const char *key)
{
    size_t i = cmap_hash(key) & (m->cap - 1);
    while (m->s[i].key[0] && strcmp(m->s[i].key, key) != 0)
        i = (i + 1) & (m->cap - 1);
    return &m->s[i];
}

static int cmap_grow(struct cmap *m)
{
    struct cmap old = *m;
    m->cap = old.cap ? old.cap * 2 : 1024;
    m->n = 0;
    m->s = calloc(m->cap, sizeof *m->s);
    if (!m->s) {
        *m = old;
        return -1;
    }
    for (size_t i = 0; i < old.cap; i++)
        if (old.s[i].key[0]) {
            *cmap_slot(m, old.s[i].key) = old.s[i];
            m->n++;
        }
    free(old.s);
    return 0;
}

/* Value for key, or -1. */
static int cmap_get(const struct cmap *m, const char *key)
{
    if (!m->cap || !key || !*key || strlen(key) >= sizeof m->s[0].key)
        return -1;
    struct cmap_slot *s = cmap_slot(m, key);
    return s->key[0] ? s->val : -1;
}

/* Insert when absent: 1 inserted, 0 already there, -1 OOM or bad key. */
static int cmap_add(struct cmap *m, const char *key, int val)
{
    if (!key || !*key || strlen(key) >= sizeof m->s[0].key)
        return -1;
    if ((m->n + 1) * 2 > m->cap && cmap_grow(m) < 0)
        return -1;
    struct cmap_slot *s = cmap_slot(m, key);
    if (s->key[0])
        return 0;
    strcpy(s->key, key);
    s->val = val;
    m->n++;
    return 1;
}

static void cmap_free(struct cmap *m)
{
    free(m->s);
    memset(m, 0, sizeof *m);
}

/* ---- import state ---- */

enum { COORD_NONE, COORD_CSV, COORD_CONTOUR };

struct imp_commune {
    const char *code, *nom, *dep, *reg, *epci; /* borrowed from the JSON trees */
    const json_t *cps;
    long population;
    int coord;
    double lat, lon;
    int csv_direct;          /* a CSV row with the commune's own code */
    long csv_n;              /* CSV rows of old codes (summed below) */
    double csv_lat, csv_lon;
    struct buf polys;        /* polygons' coordinates, comma separated */
    int pieces, first_multi;
    struct geo_centroid acc;
};

struct imp_ancien {
    const char *code, *nom, *type;
    int commune;
};

struct imp {
    FILE *log;
    char *err;
    size_t errlen;
    json_t *communes, *epcis, *deps, *regs;
    struct imp_commune *c;
    size_t nc;
    struct imp_ancien *a;
    size_t na, capa;
    struct cmap cur, old, depmap, regmap;
    /* stats */
    long conflicts, epci_unknown, csv_rows, csv_unknown, csv_bad, contour_unknown,
        contour_bad, n_csv, n_contour, n_contours_c, n_contours_d, n_contours_r;
    /* contour texts of départements and régions, kept until written */
    struct geo_text {
        char niveau[12];
        char code[12];
        char *text;
    } *gt;
    size_t ngt, capgt;
};

static int fail(struct imp *im, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct imp *im, const char *fmt, ...)
{
    if (im->err && im->errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(im->err, im->errlen, fmt, ap);
        va_end(ap);
    }
    return -1;
}

static const char *jstr(const json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

static char *read_file(struct imp *im, const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fail(im, "%s: %s", path, strerror(errno));
        return NULL;
    }
    struct buf b = BUF_INIT;
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        buf_add(&b, chunk, n);
    int bad = ferror(f);
    fclose(f);
    if (bad || b.oom) {
        buf_free(&b);
        fail(im, "%s: read error", path);
        return NULL;
    }
    *len = b.len;
    return buf_take(&b);
}

/* Parse a whole JSON file (read at once: faster than jansson's stream). */
static json_t *load_path(struct imp *im, const char *path)
{
    size_t len;
    char *data = read_file(im, path, &len);
    if (!data)
        return NULL;
    json_error_t je;
    json_t *j = json_loadb(data, len, 0, &je);
    free(data);
    if (!j)
        fail(im, "%s: %s (line %d)", path, je.text, je.line);
    return j;
}

static json_t *load_json(struct imp *im, const char *dir, const char *name)
{
    char path[4096];
    if (snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path) {
        fail(im, "%s: path too long", name);
        return NULL;
    }
    json_t *j = load_path(im, path);
    if (!j)
        return NULL;
    if (!json_is_array(j)) {
        json_decref(j);
        fail(im, "%s: not a JSON array", path);
        return NULL;
    }
    return j;
}

/* ---- COG ---- */

static int add_ancien(struct imp *im, const char *code, int commune, const char *nom,
                      const char *type)
{
    int r = cmap_get(&im->cur, code) >= 0 ? 0 : cmap_add(&im->old, code, (int)im->na);
    if (r < 0)
        return fail(im, "old code %.20s: out of memory or malformed", code);
    if (r == 0) {
        int k = cmap_get(&im->old, code);
        if (k < 0) /* a current code listed as old: keep it current */
            return 0;
        struct imp_ancien *e = &im->a[k];
        if (e->commune != commune)
            im->conflicts++;
        else if (nom && strcmp(type, "arrondissement-municipal") != 0)
            e->type = type;
        if (!e->nom)
            e->nom = nom;
        return 0;
    }
    if (im->na == im->capa) {
        size_t cap = im->capa ? im->capa * 2 : 4096;
        struct imp_ancien *a = realloc(im->a, cap * sizeof *a);
        if (!a)
            return fail(im, "out of memory");
        im->a = a;
        im->capa = cap;
    }
    im->a[im->na++] = (struct imp_ancien){code, nom, type, commune};
    return 0;
}

static int load_cog(struct imp *im, const char *dir)
{
    if (!(im->communes = load_json(im, dir, "communes.json")) ||
        !(im->epcis = load_json(im, dir, "epci.json")) ||
        !(im->deps = load_json(im, dir, "departements.json")) ||
        !(im->regs = load_json(im, dir, "regions.json")))
        return -1;

    size_t i;
    json_t *e;
    json_array_foreach(im->regs, i, e) {
        if (!jstr(e, "code") || !jstr(e, "nom") || cmap_add(&im->regmap, jstr(e, "code"), 1) < 0)
            return fail(im, "regions.json: malformed entry %zu", i);
    }
    json_array_foreach(im->deps, i, e) {
        if (!jstr(e, "code") || !jstr(e, "nom") || cmap_add(&im->depmap, jstr(e, "code"), 1) < 0)
            return fail(im, "departements.json: malformed entry %zu", i);
    }

    /* Current communes first: they take precedence over any old code. */
    im->c = calloc(json_array_size(im->communes) + 1, sizeof *im->c);
    if (!im->c)
        return fail(im, "out of memory");
    json_array_foreach(im->communes, i, e) {
        const char *type = jstr(e, "type");
        if (!type || strcmp(type, "commune-actuelle") != 0)
            continue;
        const char *code = jstr(e, "code"), *nom = jstr(e, "nom");
        if (!code || strlen(code) != 5 || !nom)
            return fail(im, "communes.json: malformed entry %zu", i);
        int r = cmap_add(&im->cur, code, (int)im->nc);
        if (r < 0)
            return fail(im, "out of memory");
        if (r == 0)
            return fail(im, "communes.json: commune %s listed twice", code);
        struct imp_commune *c = &im->c[im->nc++];
        c->code = code;
        c->nom = nom;
        c->dep = jstr(e, "departement");
        c->reg = jstr(e, "region");
        c->cps = json_object_get(e, "codesPostaux");
        json_t *pop = json_object_get(e, "population");
        c->population = json_is_integer(pop) ? (long)json_integer_value(pop) : -1;
    }
    if (im->nc == 0)
        return fail(im, "communes.json: no current commune");

    /* Old codes: anciensCodes first (the history of the current commune),
     * then déléguées/associées, then arrondissements municipaux. */
    json_array_foreach(im->communes, i, e) {
        const json_t *anc = json_object_get(e, "anciensCodes");
        if (!json_is_array(anc) || strcmp(jstr(e, "type") ? jstr(e, "type") : "", "commune-actuelle"))
            continue;
        int ci = cmap_get(&im->cur, jstr(e, "code"));
        size_t k;
        json_t *v;
        json_array_foreach(anc, k, v)
            if (json_is_string(v) && add_ancien(im, json_string_value(v), ci, NULL, "ancien-code") < 0)
                return -1;
    }
    json_array_foreach(im->communes, i, e) {
        const char *type = jstr(e, "type"), *code = jstr(e, "code"), *parent = NULL;
        if (!type || !code)
            continue;
        if (!strcmp(type, "commune-deleguee") || !strcmp(type, "commune-associee"))
            parent = jstr(e, "chefLieu");
        else if (!strcmp(type, "arrondissement-municipal"))
            parent = jstr(e, "commune");
        if (!parent || !strcmp(parent, code))
            continue; /* the chef-lieu itself: the current commune */
        int ci = cmap_get(&im->cur, parent);
        if (ci < 0) {
            im->conflicts++;
            continue;
        }
        if (add_ancien(im, code, ci, jstr(e, "nom"), type) < 0)
            return -1;
    }

    json_array_foreach(im->epcis, i, e) {
        const char *code = jstr(e, "code");
        if (!code || !jstr(e, "nom") || strlen(code) > 9)
            return fail(im, "epci.json: malformed entry %zu", i);
        size_t k;
        json_t *m;
        json_array_foreach(json_object_get(e, "membres"), k, m) {
            int ci = cmap_get(&im->cur, jstr(m, "code"));
            if (ci < 0)
                ci = cmap_get(&im->old, jstr(m, "code")) >= 0
                         ? im->a[cmap_get(&im->old, jstr(m, "code"))].commune
                         : -1;
            if (ci < 0 || (im->c[ci].epci && strcmp(im->c[ci].epci, code)))
                im->epci_unknown++;
            else
                im->c[ci].epci = code;
        }
    }
    return 0;
}

/* Current commune index for a code of any vintage, or -1. */
static int to_current(const struct imp *im, const char *code)
{
    int ci = cmap_get(&im->cur, code);
    if (ci >= 0)
        return ci;
    int k = cmap_get(&im->old, code);
    return k >= 0 ? im->a[k].commune : -1;
}

/* ---- coordinates CSV ---- */

static int parse_coord(const char *s, double *v)
{
    char tmp[40];
    size_t n = 0;
    while (*s == ' ')
        s++;
    for (; *s && n < sizeof tmp - 1; s++)
        tmp[n++] = *s == ',' ? '.' : *s;
    while (n && tmp[n - 1] == ' ')
        n--;
    tmp[n] = 0;
    if (!n)
        return -1;
    char *end;
    errno = 0;
    *v = strtod(tmp, &end);
    return (*end || errno || !isfinite(*v)) ? -1 : 0;
}

static int header_index(const struct csv_reader *r, const char *const *names)
{
    for (const char *const *nm = names; *nm; nm++)
        for (size_t i = 0; i < r->nfields; i++) {
            const char *f = r->fields[i];
            if (i == 0 && (unsigned char)f[0] == 0xEF && (unsigned char)f[1] == 0xBB)
                f += 3; /* BOM, should the reader have kept it */
            if (strcasecmp(f, *nm) == 0)
                return (int)i;
        }
    return -1;
}

static int load_coords(struct imp *im, const char *path)
{
    static const char *const code_cols[] = {"insee_com", "code_insee", "codgeo", "code_commune_insee",
                                            "insee", "com", "code_commune", "code", NULL};
    static const char *const lat_cols[] = {"lat", "latitude", "y", NULL};
    static const char *const lon_cols[] = {"lng", "lon", "long", "longitude", "x", NULL};
    size_t len;
    char *data = read_file(im, path, &len);
    if (!data)
        return -1;
    struct csv_reader r;
    struct cmap seen = {0};
    int rc = -1;
    if (csv_open(&r, data, len, 0) < 0) {
        free(data);
        return fail(im, "out of memory");
    }
    int ic = -1, ila = -1, ilo = -1;
    if (csv_next(&r) != 1 || (ic = header_index(&r, code_cols)) < 0 ||
        (ila = header_index(&r, lat_cols)) < 0 || (ilo = header_index(&r, lon_cols)) < 0) {
        fail(im, "%s: header needs a commune code, a latitude and a longitude column", path);
        goto out;
    }
    int more;
    while ((more = csv_next(&r)) == 1) {
        size_t need = (size_t)(ic > ila ? (ic > ilo ? ic : ilo) : (ila > ilo ? ila : ilo));
        if (r.nfields <= need) {
            im->csv_bad++;
            continue;
        }
        im->csv_rows++;
        char code[8];
        snprintf(code, sizeof code, "%s", r.fields[ic]);
        text_trim(code);
        if (strlen(code) == 4 && isdigit((unsigned char)code[0])) {
            memmove(code + 1, code, 5);
            code[0] = '0';
        }
        double lat, lon;
        if (parse_coord(r.fields[ila], &lat) < 0 || parse_coord(r.fields[ilo], &lon) < 0 ||
            fabs(lat) > 90 || fabs(lon) > 180 || (lat == 0 && lon == 0)) {
            im->csv_bad++;
            continue;
        }
        int ci = to_current(im, code);
        if (ci < 0) {
            im->csv_unknown++;
            continue;
        }
        int r2 = cmap_add(&seen, code, 1);
        if (r2 < 0) {
            fail(im, "out of memory");
            goto out;
        }
        if (r2 == 0)
            continue; /* same code again (one line per postcode) */
        struct imp_commune *c = &im->c[ci];
        if (!strcmp(code, c->code)) {
            c->csv_direct = 1;
            c->lat = lat;
            c->lon = lon;
        } else {
            c->csv_n++;
            c->csv_lat += lat;
            c->csv_lon += lon;
        }
    }
    if (more < 0) {
        fail(im, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < im->nc; i++) {
        struct imp_commune *c = &im->c[i];
        if (!c->csv_direct && c->csv_n) {
            c->lat = c->csv_lat / (double)c->csv_n;
            c->lon = c->csv_lon / (double)c->csv_n;
        }
        if (c->csv_direct || c->csv_n) {
            c->coord = COORD_CSV;
            im->n_csv++;
        }
    }
    rc = 0;
out:
    cmap_free(&seen);
    csv_close(&r);
    free(data);
    return rc;
}

/* ---- contours ---- */

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static json_t *load_features(struct imp *im, const char *path)
{
    json_t *j = load_path(im, path);
    if (!j)
        return NULL;
    if (!json_is_array(json_object_get(j, "features"))) {
        json_decref(j);
        fail(im, "%s: not a GeoJSON FeatureCollection", path);
        return NULL;
    }
    return j;
}

static int polygonal(const json_t *g, int *multi)
{
    const char *t = jstr(g, "type");
    if (!t || !json_is_array(json_object_get(g, "coordinates")))
        return 0;
    *multi = strcmp(t, "MultiPolygon") == 0;
    return *multi || strcmp(t, "Polygon") == 0;
}

static int add_commune_piece(struct imp *im, struct imp_commune *c, const json_t *g, int multi)
{
    char *s = json_dumps(json_object_get(g, "coordinates"), JSON_OUT_FLAGS);
    if (!s)
        return fail(im, "out of memory");
    size_t n = strlen(s);
    const char *p = s;
    if (multi) { /* strip the outer brackets: a list of polygons */
        p++;
        n = n >= 2 ? n - 2 : 0;
    }
    if (n) {
        if (c->polys.len)
            buf_putc(&c->polys, ',');
        buf_add(&c->polys, p, n);
        if (!c->pieces)
            c->first_multi = multi;
        c->pieces++;
        geo_centroid_add(&c->acc, g);
    }
    free(s);
    return c->polys.oom ? fail(im, "out of memory") : 0;
}

static int load_commune_contours(struct imp *im, const char *dir)
{
    char sub[4096];
    int fits = snprintf(sub, sizeof sub, "%s/communes", dir) < (int)sizeof sub;
    const char *d = fits && is_dir(sub) ? sub : dir;
    DIR *dh = opendir(d);
    if (!dh)
        return fail(im, "%s: %s", d, strerror(errno));
    char **names = NULL;
    size_t n = 0, cap = 0;
    int rc = -1;
    struct dirent *de;
    while ((de = readdir(dh))) {
        size_t l = strlen(de->d_name);
        if (strncmp(de->d_name, "communes", 8) != 0 || l < 9 || strcmp(de->d_name + l - 8, ".geojson"))
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 128;
            char **nn = realloc(names, cap * sizeof *nn);
            if (!nn)
                goto out;
            names = nn;
        }
        if (!(names[n] = strdup(de->d_name)))
            goto out;
        n++;
    }
    qsort(names, n, sizeof *names, cmp_str);
    if (n == 0) {
        fail(im, "%s: no communes-*.geojson file", d);
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        char path[4096];
        if (snprintf(path, sizeof path, "%s/%s", d, names[i]) >= (int)sizeof path) {
            fail(im, "%s: path too long", names[i]);
            goto out;
        }
        json_t *j = load_features(im, path);
        if (!j)
            goto out;
        size_t k;
        json_t *f;
        json_array_foreach(json_object_get(j, "features"), k, f) {
            const json_t *g = json_object_get(f, "geometry");
            const char *code = jstr(json_object_get(f, "properties"), "code");
            int multi, ci = code ? to_current(im, code) : -1;
            if (!polygonal(g, &multi)) {
                im->contour_bad++;
                continue;
            }
            if (ci < 0) {
                im->contour_unknown++;
                continue;
            }
            if (add_commune_piece(im, &im->c[ci], g, multi) < 0) {
                json_decref(j);
                goto out;
            }
        }
        json_decref(j);
    }
    rc = 0;
out:
    if (rc < 0 && !im->err[0])
        fail(im, "out of memory");
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    closedir(dh);
    return rc;
}

static int add_geo_text(struct imp *im, const char *niveau, const char *code, char *text)
{
    if (im->ngt == im->capgt) {
        size_t cap = im->capgt ? im->capgt * 2 : 256;
        struct geo_text *g = realloc(im->gt, cap * sizeof *g);
        if (!g) {
            free(text);
            return fail(im, "out of memory");
        }
        im->gt = g;
        im->capgt = cap;
    }
    struct geo_text *g = &im->gt[im->ngt++];
    snprintf(g->niveau, sizeof g->niveau, "%s", niveau);
    snprintf(g->code, sizeof g->code, "%s", code);
    g->text = text;
    return 0;
}

/* départements / régions: first file found among `names`. */
static int load_level_contours(struct imp *im, const char *dir, const char *const *names,
                               const char *niveau, const struct cmap *known, long *count)
{
    char path[4096];
    const char *const *nm;
    for (nm = names; *nm; nm++) {
        if (snprintf(path, sizeof path, "%s/%s", dir, *nm) < (int)sizeof path &&
            access(path, R_OK) == 0)
            break;
    }
    if (!*nm) {
        if (im->log)
            fprintf(im->log, "territoires: warning: no %s contours in %s\n", niveau, dir);
        return 0;
    }
    json_t *j = load_features(im, path);
    if (!j)
        return -1;
    size_t k;
    json_t *f;
    json_array_foreach(json_object_get(j, "features"), k, f) {
        const json_t *g = json_object_get(f, "geometry");
        const char *code = jstr(json_object_get(f, "properties"), "code");
        int multi;
        if (!polygonal(g, &multi)) {
            im->contour_bad++;
            continue;
        }
        if (!code || cmap_get(known, code) < 0) {
            im->contour_unknown++;
            continue;
        }
        char *s = json_dumps(g, JSON_OUT_FLAGS);
        if (!s || add_geo_text(im, niveau, code, s) < 0) {
            json_decref(j);
            return fail(im, "out of memory");
        }
        (*count)++;
    }
    json_decref(j);
    return 0;
}

static int load_contours(struct imp *im, const char *dir)
{
    static const char *const dep_files[] = {"departements-avec-outre-mer.geojson",
                                            "departements.geojson", NULL};
    static const char *const reg_files[] = {"regions-avec-outre-mer.geojson", "regions.geojson",
                                            NULL};
    if (load_commune_contours(im, dir) < 0 ||
        load_level_contours(im, dir, dep_files, "departement", &im->depmap, &im->n_contours_d) < 0 ||
        load_level_contours(im, dir, reg_files, "region", &im->regmap, &im->n_contours_r) < 0)
        return -1;
    for (size_t i = 0; i < im->nc; i++) {
        struct imp_commune *c = &im->c[i];
        if (c->pieces)
            im->n_contours_c++;
        if (c->coord == COORD_NONE && c->pieces && geo_centroid_get(&c->acc, &c->lat, &c->lon) == 0) {
            c->coord = COORD_CONTOUR;
            im->n_contour++;
        }
    }
    return 0;
}

/* Without a contours directory: centroids of the contours already stored. */
static int centroids_from_db(struct imp *im, struct db *d)
{
    sqlite3_stmt *st = db_prepare(d, "SELECT geojson FROM contour WHERE niveau = 'commune' AND code = ?1");
    if (!st)
        return fail(im, "%s", d->err);
    for (size_t i = 0; i < im->nc; i++) {
        struct imp_commune *c = &im->c[i];
        if (c->coord != COORD_NONE)
            continue;
        sqlite3_reset(st);
        sqlite3_bind_text(st, 1, c->code, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW &&
            geo_centroid_text((const char *)sqlite3_column_text(st, 0), &c->lat, &c->lon) == 0) {
            c->coord = COORD_CONTOUR;
            im->n_contour++;
        }
    }
    sqlite3_finalize(st);
    return 0;
}

/* ---- writing ---- */

static int step_done(struct imp *im, struct db *d, sqlite3_stmt *st, const char *what)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    if (rc != SQLITE_DONE) {
        db_fail(d, what);
        return fail(im, "%s", d->err);
    }
    return 0;
}

static char *commune_geojson(struct imp_commune *c)
{
    struct buf b = BUF_INIT;
    if (c->pieces == 1 && !c->first_multi)
        buf_printf(&b, "{\"type\":\"Polygon\",\"coordinates\":%s}", c->polys.s);
    else
        buf_printf(&b, "{\"type\":\"MultiPolygon\",\"coordinates\":[%s]}", c->polys.s);
    if (b.oom) {
        buf_free(&b);
        return NULL;
    }
    return buf_take(&b);
}

static int write_all(struct imp *im, struct db *d, int replace_contours, long *n_cp)
{
    static const char *const sql[] = {
        "INSERT INTO region(code, nom, chef_lieu, zone) VALUES (?1, ?2, ?3, ?4)",
        "INSERT INTO departement(code, nom, region, chef_lieu, zone) VALUES (?1, ?2, ?3, ?4, ?5)",
        "INSERT INTO epci(code, nom, type, population) VALUES (?1, ?2, ?3, ?4)",
        "INSERT INTO commune(code, nom, nom_fold, departement, region, epci, population, lat, lon,"
        " coord_source) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        "INSERT OR IGNORE INTO commune_code_postal(code_postal, commune) VALUES (?1, ?2)",
        "INSERT INTO commune_ancien_code(ancien_code, commune, nom, type) VALUES (?1, ?2, ?3, ?4)",
        "INSERT OR REPLACE INTO contour(niveau, code, geojson) VALUES (?1, ?2, ?3)",
    };
    enum { S_REG, S_DEP, S_EPCI, S_COM, S_CP, S_ANC, S_CONT, S_N };
    sqlite3_stmt *st[S_N] = {0};
    int rc = -1;
    for (int i = 0; i < S_N; i++)
        if (!(st[i] = db_prepare(d, sql[i]))) {
            fail(im, "%s", d->err);
            goto out;
        }
    if (db_exec(d, "DELETE FROM commune_code_postal; DELETE FROM commune_ancien_code;"
                   " DELETE FROM commune_mot;"
                   " DELETE FROM commune; DELETE FROM epci; DELETE FROM departement;"
                   " DELETE FROM region") < 0 ||
        (replace_contours &&
         db_exec(d, "DELETE FROM contour WHERE niveau IN ('commune', 'departement', 'region')") < 0)) {
        fail(im, "delete: %s", d->err);
        goto out;
    }

    size_t i;
    json_t *e;
    json_array_foreach(im->regs, i, e) {
        db_bind_text(st[S_REG], 1, jstr(e, "code"));
        db_bind_text(st[S_REG], 2, jstr(e, "nom"));
        db_bind_text(st[S_REG], 3, jstr(e, "chefLieu"));
        db_bind_text(st[S_REG], 4, jstr(e, "zone"));
        if (step_done(im, d, st[S_REG], "region") < 0)
            goto out;
    }
    json_array_foreach(im->deps, i, e) {
        db_bind_text(st[S_DEP], 1, jstr(e, "code"));
        db_bind_text(st[S_DEP], 2, jstr(e, "nom"));
        db_bind_text(st[S_DEP], 3, jstr(e, "region"));
        db_bind_text(st[S_DEP], 4, jstr(e, "chefLieu"));
        db_bind_text(st[S_DEP], 5, jstr(e, "zone"));
        if (step_done(im, d, st[S_DEP], "departement") < 0)
            goto out;
    }
    json_array_foreach(im->epcis, i, e) {
        db_bind_text(st[S_EPCI], 1, jstr(e, "code"));
        db_bind_text(st[S_EPCI], 2, jstr(e, "nom"));
        db_bind_text(st[S_EPCI], 3, jstr(e, "type"));
        json_t *p = json_object_get(e, "populationTotale");
        if (json_is_integer(p))
            sqlite3_bind_int64(st[S_EPCI], 4, json_integer_value(p));
        if (step_done(im, d, st[S_EPCI], "epci") < 0)
            goto out;
    }
    for (i = 0; i < im->nc; i++) {
        struct imp_commune *c = &im->c[i];
        char fold[256];
        text_fold(c->nom, fold, sizeof fold);
        sqlite3_stmt *s = st[S_COM];
        db_bind_text(s, 1, c->code);
        db_bind_text(s, 2, c->nom);
        sqlite3_bind_text(s, 3, fold, -1, SQLITE_TRANSIENT);
        db_bind_text(s, 4, c->dep);
        db_bind_text(s, 5, c->reg);
        db_bind_text(s, 6, c->epci);
        if (c->population >= 0)
            sqlite3_bind_int64(s, 7, c->population);
        if (c->coord != COORD_NONE) {
            sqlite3_bind_double(s, 8, round(c->lat * 1e6) / 1e6);
            sqlite3_bind_double(s, 9, round(c->lon * 1e6) / 1e6);
            sqlite3_bind_text(s, 10, c->coord == COORD_CSV ? "csv" : "contour", -1, SQLITE_STATIC);
        }
        if (step_done(im, d, s, "commune") < 0)
            goto out;
        size_t k;
        json_t *cp;
        json_array_foreach(c->cps, k, cp) {
            if (!json_is_string(cp))
                continue;
            db_bind_text(st[S_CP], 1, json_string_value(cp));
            db_bind_text(st[S_CP], 2, c->code);
            if (step_done(im, d, st[S_CP], "commune_code_postal") < 0)
                goto out;
            *n_cp += sqlite3_changes(d->h);
        }
        if (c->pieces) {
            char *g = commune_geojson(c);
            if (!g) {
                fail(im, "out of memory");
                goto out;
            }
            sqlite3_bind_text(st[S_CONT], 1, "commune", -1, SQLITE_STATIC);
            sqlite3_bind_text(st[S_CONT], 2, c->code, -1, SQLITE_STATIC);
            sqlite3_bind_text(st[S_CONT], 3, g, -1, free);
            if (step_done(im, d, st[S_CONT], "contour") < 0)
                goto out;
            buf_free(&c->polys);
        }
    }
    for (i = 0; i < im->na; i++) {
        struct imp_ancien *a = &im->a[i];
        db_bind_text(st[S_ANC], 1, a->code);
        db_bind_text(st[S_ANC], 2, im->c[a->commune].code);
        db_bind_text(st[S_ANC], 3, a->nom);
        db_bind_text(st[S_ANC], 4, a->type);
        if (step_done(im, d, st[S_ANC], "commune_ancien_code") < 0)
            goto out;
    }
    for (i = 0; i < im->ngt; i++) {
        sqlite3_bind_text(st[S_CONT], 1, im->gt[i].niveau, -1, SQLITE_STATIC);
        sqlite3_bind_text(st[S_CONT], 2, im->gt[i].code, -1, SQLITE_STATIC);
        sqlite3_bind_text(st[S_CONT], 3, im->gt[i].text, -1, SQLITE_STATIC);
        if (step_done(im, d, st[S_CONT], "contour") < 0)
            goto out;
    }
    /* the words inside names, for the search (migration 008) */
    if (db_exec(d, "WITH RECURSIVE s(code, rest) AS ("
                   " SELECT code, substr(nom_fold, instr(nom_fold, ' ') + 1) FROM commune"
                   " WHERE instr(nom_fold, ' ') > 0 UNION ALL"
                   " SELECT code, substr(rest, instr(rest, ' ') + 1) FROM s WHERE instr(rest, ' ') > 0)"
                   " INSERT OR IGNORE INTO commune_mot(suffixe, commune)"
                   " SELECT rest, code FROM s WHERE rest <> ''") < 0) {
        fail(im, "commune_mot: %s", d->err);
        goto out;
    }
    rc = 0;
out:
    for (int k = 0; k < S_N; k++)
        sqlite3_finalize(st[k]);
    return rc;
}

static void imp_free(struct imp *im)
{
    for (size_t i = 0; i < im->nc; i++)
        buf_free(&im->c[i].polys);
    free(im->c);
    free(im->a);
    for (size_t i = 0; i < im->ngt; i++)
        free(im->gt[i].text);
    free(im->gt);
    cmap_free(&im->cur);
    cmap_free(&im->old);
    cmap_free(&im->depmap);
    cmap_free(&im->regmap);
    json_decref(im->communes);
    json_decref(im->epcis);
    json_decref(im->deps);
    json_decref(im->regs);
}

int territoires_import(struct db *d, const char *cog_dir, const char *coords_csv,
                       const char *contours_dir, FILE *log, char *err, size_t errlen)
{
    struct imp im = {0};
    char dummy[8];
    im.log = log;
    im.err = err && errlen ? err : dummy;
    im.errlen = err && errlen ? errlen : sizeof dummy;
    im.err[0] = 0;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int rc = -1;
    long n_cp = 0;

    if (!d || !d->h || !cog_dir) {
        fail(&im, "territoires_import: no database or COG directory");
        goto out;
    }
    if (load_cog(&im, cog_dir) < 0)
        goto out;
    if (coords_csv && load_coords(&im, coords_csv) < 0)
        goto out;
    if (contours_dir && load_contours(&im, contours_dir) < 0)
        goto out;
    if (!contours_dir && centroids_from_db(&im, d) < 0)
        goto out;

    if (db_begin(d) < 0) {
        fail(&im, "begin: %s", d->err);
        goto out;
    }
    if (write_all(&im, d, contours_dir != NULL, &n_cp) < 0) {
        db_rollback(d);
        goto out;
    }

    long with = im.n_csv + im.n_contour;
    char summary[512], contours[160];
    if (contours_dir)
        snprintf(contours, sizeof contours, "%ld contours (communes %ld, départements %ld,"
                 " régions %ld)", im.n_contours_c + im.n_contours_d + im.n_contours_r,
                 im.n_contours_c, im.n_contours_d, im.n_contours_r);
    else
        snprintf(contours, sizeof contours, "stored contours kept");
    snprintf(summary, sizeof summary,
             "%zu régions, %zu départements, %zu EPCI, %zu communes (%ld with coordinates:"
             " csv %ld, contour %ld; %ld without), %ld postcodes, %zu old codes, %s",
             json_array_size(im.regs), json_array_size(im.deps), json_array_size(im.epcis), im.nc,
             with, im.n_csv, im.n_contour, (long)im.nc - with, n_cp, im.na, contours);
    time_t now = time(NULL);
    struct tm tm;
    char stamp[32];
    gmtime_r(&now, &tm);
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
    char *ver = db_meta_get(d, "territoires.version");
    char next[32];
    snprintf(next, sizeof next, "%lld", (ver ? atoll(ver) : 0) + 1);
    free(ver);
    if (db_meta_set(d, "territoires.summary", summary) < 0 ||
        db_meta_set(d, "territoires.imported_at", stamp) < 0 ||
        db_meta_set(d, "territoires.version", next) < 0 || cache_clear(d) < 0 ||
        db_commit(d) < 0) {
        fail(&im, "commit: %s", d->err);
        db_rollback(d);
        goto out;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    if (log) {
        fprintf(log, "territoires: %s in %.1f s\n", summary, secs);
        if (im.conflicts)
            fprintf(log, "territoires: note: %ld old codes listed under two communes"
                         " (anciensCodes kept)\n", im.conflicts);
        if (im.epci_unknown)
            fprintf(log, "territoires: warning: %ld EPCI members unknown or in two EPCI\n",
                    im.epci_unknown);
        if (coords_csv)
            fprintf(log, "territoires: coordinates: %ld rows, %ld unknown codes, %ld unusable\n",
                    im.csv_rows, im.csv_unknown, im.csv_bad);
        if (im.contour_unknown || im.contour_bad)
            fprintf(log, "territoires: warning: %ld contours with unknown codes, %ld not polygons\n",
                    im.contour_unknown, im.contour_bad);
    }
    rc = 0;
out:
    imp_free(&im);
    return rc;
}
