/* mapping.h - declared field mappings from a producer's columns to the
 * standard "Lieux de médiation numérique".
 *
 * A mapping is a JSON data file (data/mappings/NAME.json, built into the
 * binary; an operator may pass a file path instead) that says, for each
 * standard field, where its value comes from:
 *   {"column": "c"} or {"columns": ["c1","c2"]}  copy (lists are joined "|")
 *   "prefix": "fs-"                               prepended to a copied value
 *   "map": {"Oui": "Itinérant"}                   value translation
 *   "rules": [{"columns":[..], "terms":[..], "except":[..], "target": "V"}]
 *       add V when a column contains a term (case- and accent-insensitive)
 *       and none of the "except" terms — the national map's rule form;
 *   "days": {"Mo": "h_lundi", ...}                per-day hours -> OSM horaires
 *   "value": "V"                                  constant when still empty.
 * "identity": true maps every column named like a standard field to it.
 * "detect" says which columns identify the producer's format, so `lieux
 * import` picks the mapping by itself.
 *
 * Ownership: mapping_load*() return a heap object freed by mapping_free().
 * Rows are borrowed through struct mapping_row for the duration of a call. */
#ifndef LIEUX_MAPPING_H
#define LIEUX_MAPPING_H
#include <stddef.h>

#include "lieux/lieu.h"

struct mapping;

/* One input row: parallel arrays of column names and values (UTF-8). */
struct mapping_row {
    const char *const *keys;
    const char *const *values;
    size_t n;
};

/* Load a built-in mapping by name ("standard", "legacy-v0",
 * "france-services") or a JSON file by path. NULL with err on failure. */
struct mapping *mapping_load(const char *name_or_path, char *err, size_t errlen);
/* Pick the built-in mapping whose "detect" rule fits these columns; NULL
 * with err (listing the columns found) when none fits. */
struct mapping *mapping_detect(const char *const *columns, size_t n, char *err, size_t errlen);
void mapping_free(struct mapping *m);
const char *mapping_name(const struct mapping *m);
/* Default source name declared by the mapping, or NULL. */
const char *mapping_source(const struct mapping *m);

/* Fill `out` (cleared first) from `row`. Problems that are not validation
 * (an unreadable day of hours) are appended to `is` as LIEU_DROPPED.
 * Returns 0 or -1 on OOM. */
int mapping_apply(const struct mapping *m, const struct mapping_row *row, struct lieu *out,
                  struct lieu_issues *is);

/* Names of the built-in mappings, NULL-terminated. */
const char *const *mapping_builtin_names(void);

#endif
