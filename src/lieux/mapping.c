/* mapping.c - producers' field mappings to the standard (see mapping.h).
 *
 * The mapping JSON is parsed once into jansson objects and kept; applying
 * it to a row looks columns up by name. Term matching folds case and
 * accents (text_fold) on both sides, so "GRATUIT" matches "Gratuit". */
#include "lieux/mapping.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/text.h"
#include "embedded.h"
#include "lieux/horaires.h"

#define MAPPING_PREFIX "data/mappings/"

struct mapping {
    json_t *root;
    const char *name;
    json_t *fields; /* object, or NULL for identity */
};

static const char *const builtin_names[] = {"standard", "legacy-v0", "france-services", NULL};

const char *const *mapping_builtin_names(void)
{
    return builtin_names;
}

static struct mapping *mapping_from_json(json_t *root, const char *what, char *err, size_t errlen)
{
    if (!json_is_object(root)) {
        snprintf(err, errlen, "%s: a mapping must be a JSON object", what);
        json_decref(root);
        return NULL;
    }
    struct mapping *m = calloc(1, sizeof *m);
    if (!m) {
        snprintf(err, errlen, "out of memory");
        json_decref(root);
        return NULL;
    }
    m->root = root;
    m->name = json_string_value(json_object_get(root, "name"));
    if (!m->name)
        m->name = what;
    m->fields = json_object_get(root, "fields");
    if (!json_is_true(json_object_get(root, "identity")) && !json_is_object(m->fields)) {
        snprintf(err, errlen, "%s: a mapping needs \"fields\" or \"identity\": true", what);
        mapping_free(m);
        return NULL;
    }
    if (!json_is_object(m->fields))
        m->fields = NULL;
    return m;
}

static struct mapping *mapping_builtin(const char *name, char *err, size_t errlen)
{
    char path[256];
    snprintf(path, sizeof path, MAPPING_PREFIX "%s.json", name);
    for (size_t i = 0; i < embedded_count; i++) {
        if (strcmp(embedded_files[i].name, path) != 0)
            continue;
        json_error_t je;
        json_t *root = json_loadb((const char *)embedded_files[i].data, embedded_files[i].len, 0, &je);
        if (!root) {
            snprintf(err, errlen, "%s: line %d: %s", path, je.line, je.text);
            return NULL;
        }
        return mapping_from_json(root, name, err, errlen);
    }
    return NULL;
}

struct mapping *mapping_load(const char *name_or_path, char *err, size_t errlen)
{
    struct mapping *m = mapping_builtin(name_or_path, err, errlen);
    if (m || strchr(name_or_path, '/') == NULL) {
        if (!m && !*err)
            snprintf(err, errlen, "unknown mapping '%s' (built-in: standard, legacy-v0, "
                     "france-services; or give a file path)", name_or_path);
        return m;
    }
    json_error_t je;
    json_t *root = json_load_file(name_or_path, 0, &je);
    if (!root) {
        snprintf(err, errlen, "%s: line %d: %s", name_or_path, je.line, je.text);
        return NULL;
    }
    return mapping_from_json(root, name_or_path, err, errlen);
}

void mapping_free(struct mapping *m)
{
    if (!m)
        return;
    json_decref(m->root);
    free(m);
}

const char *mapping_name(const struct mapping *m)
{
    return m->name;
}

const char *mapping_source(const struct mapping *m)
{
    return json_string_value(json_object_get(m->root, "source"));
}

static int has_column(const char *const *cols, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(cols[i], name) == 0)
            return 1;
    return 0;
}

/* Does the "detect" rule of mapping `m` fit these columns? */
static int detect_fits(const struct mapping *m, const char *const *cols, size_t n)
{
    json_t *det = json_object_get(m->root, "detect");
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(det, "columns"), i, v)
        if (!has_column(cols, n, json_string_value(v) ? json_string_value(v) : ""))
            return 0;
    json_array_foreach(json_object_get(det, "absent"), i, v)
        if (has_column(cols, n, json_string_value(v) ? json_string_value(v) : ""))
            return 0;
    json_t *any = json_object_get(det, "any");
    if (json_array_size(any) == 0)
        return 1;
    json_array_foreach(any, i, v)
        if (has_column(cols, n, json_string_value(v) ? json_string_value(v) : ""))
            return 1;
    return 0;
}

struct mapping *mapping_detect(const char *const *cols, size_t n, char *err, size_t errlen)
{
    /* Most specific first: producer formats, then legacy, then the standard. */
    static const char *const order[] = {"france-services", "legacy-v0", "standard", NULL};
    for (size_t i = 0; order[i]; i++) {
        struct mapping *m = mapping_builtin(order[i], err, errlen);
        if (!m)
            return NULL;
        if (detect_fits(m, cols, n))
            return m;
        mapping_free(m);
    }
    struct buf b = BUF_INIT;
    for (size_t i = 0; i < n && i < 40; i++)
        buf_printf(&b, "%s%s", i ? "," : "", cols[i]);
    snprintf(err, errlen, "no mapping recognises these columns (%s); give --mapping NAME|FILE",
             b.s ? b.s : "none");
    buf_free(&b);
    return NULL;
}

static const char *row_get(const struct mapping_row *row, const char *key)
{
    if (!key)
        return NULL;
    for (size_t i = 0; i < row->n; i++)
        if (strcmp(row->keys[i], key) == 0)
            return row->values[i] && *row->values[i] ? row->values[i] : NULL;
    return NULL;
}

/* Append `v` to the "|"-list in b (no separator before the first). */
static void list_add(struct buf *b, const char *v)
{
    if (!v || !*v)
        return;
    if (b->len)
        buf_putc(b, '|');
    buf_puts(b, v);
}

/* Does folded haystack contain any folded term of the JSON array? */
static int contains_any(const char *hay_folded, json_t *terms)
{
    size_t i;
    json_t *t;
    char tf[512];
    json_array_foreach(terms, i, t) {
        const char *s = json_string_value(t);
        if (!s)
            continue;
        text_fold(s, tf, sizeof tf);
        if (*tf && strstr(hay_folded, tf))
            return 1;
    }
    return 0;
}

static void apply_rules(json_t *rules, const struct mapping_row *row, struct buf *out)
{
    size_t i;
    json_t *rule;
    json_array_foreach(rules, i, rule) {
        struct buf hay = BUF_INIT;
        size_t j;
        json_t *c;
        json_array_foreach(json_object_get(rule, "columns"), j, c) {
            const char *v = row_get(row, json_string_value(c));
            if (v) {
                buf_puts(&hay, v);
                buf_putc(&hay, ' ');
            }
        }
        if (hay.len) {
            size_t cap = hay.len * 3 + 8;
            char *folded = malloc(cap);
            if (folded) {
                text_fold(hay.s, folded, cap);
                const char *target = json_string_value(json_object_get(rule, "target"));
                if (target && contains_any(folded, json_object_get(rule, "terms")) &&
                    !contains_any(folded, json_object_get(rule, "except")))
                    list_add(out, target);
                free(folded);
            }
        }
        buf_free(&hay);
    }
}

/* Build OSM hours from per-day columns. */
static void apply_days(json_t *days, const struct mapping_row *row, struct buf *out,
                       struct lieu_issues *is, int field)
{
    const char *key;
    json_t *col;
    json_object_foreach(days, key, col) {
        const char *cell = row_get(row, json_string_value(col));
        if (!cell)
            continue;
        char osm[256];
        int r = horaires_day_cell_to_osm(cell, osm, sizeof osm);
        if (r == 0) {
            if (out->len)
                buf_puts(out, "; ");
            buf_printf(out, "%s %s", key, osm);
        } else if (r < 0) {
            char rule[200];
            snprintf(rule, sizeof rule, "horaires de la colonne %s illisibles : %s",
                     json_string_value(col), osm);
            lieu_issues_add(is, LIEU_DROPPED, field, cell, rule);
        }
    }
}

static void apply_columns(json_t *spec, const struct mapping_row *row, struct buf *out)
{
    const char *prefix = json_string_value(json_object_get(spec, "prefix"));
    json_t *map = json_object_get(spec, "map");
    json_t *cols = json_object_get(spec, "columns");
    json_t *one = json_object_get(spec, "column");
    size_t ncols = json_is_array(cols) ? json_array_size(cols) : (one ? 1 : 0);
    for (size_t i = 0; i < ncols; i++) {
        const char *name = json_string_value(json_is_array(cols) ? json_array_get(cols, i) : one);
        const char *v = row_get(row, name);
        if (!v)
            continue;
        const char *mapped = json_string_value(json_object_get(map, v));
        if (mapped)
            v = mapped;
        if (out->len)
            buf_putc(out, '|');
        if (prefix)
            buf_puts(out, prefix);
        buf_puts(out, v);
    }
}

int mapping_apply(const struct mapping *m, const struct mapping_row *row, struct lieu *out,
                  struct lieu_issues *is)
{
    lieu_clear(out);
    if (!m->fields) {
        for (size_t i = 0; i < row->n; i++) {
            int f = lieu_field_by_name(row->keys[i]);
            if (f >= 0 && row->values[i] && *row->values[i] &&
                lieu_set(out, (enum lieu_field)f, row->values[i]) < 0)
                return -1;
        }
        return 0;
    }
    const char *fname;
    json_t *spec;
    json_object_foreach(m->fields, fname, spec) {
        int f = lieu_field_by_name(fname);
        if (f < 0)
            continue;
        struct buf v = BUF_INIT;
        apply_columns(spec, row, &v);
        apply_rules(json_object_get(spec, "rules"), row, &v);
        apply_days(json_object_get(spec, "days"), row, &v, is, f);
        if (!v.len)
            buf_puts(&v, json_string_value(json_object_get(spec, "value")) ?
                             json_string_value(json_object_get(spec, "value")) : "");
        if (v.oom) {
            buf_free(&v);
            return -1;
        }
        if (v.len && lieu_set(out, (enum lieu_field)f, v.s) < 0) {
            buf_free(&v);
            return -1;
        }
        buf_free(&v);
    }
    return 0;
}
