/* export.h - publish the registry as open data in the national standard:
 * CSV (UTF-8, comma, header of the 32 fields in the schema's order) or JSON
 * (an array of objects with the same fields; latitude/longitude as
 * numbers). Every exported row satisfies schema.json (the import only keeps
 * normalised values), which tests check with the independent validator. */
#ifndef LIEUX_EXPORT_H
#define LIEUX_EXPORT_H
#include <stdio.h>

#include "store/db.h"

enum export_format { EXPORT_CSV, EXPORT_JSON };

/* Parse "csv" or "json"; returns 0 or -1. */
int lieux_export_format(const char *name, enum export_format *out);

/* Write every published place to `out`. *count gets the number of places.
 * Returns 0, or -1 with d->err set (database) or errno (write error). */
int lieux_export(struct db *d, enum export_format fmt, FILE *out, long *count);

#endif
