/* export.c - the registry as CSV or JSON in the standard (see export.h). */
#include "lieux/export.h"

#include <jansson.h>
#include <string.h>

#include "base/buf.h"
#include "base/csv.h"
#include "lieux/lieu.h"
#include "lieux/lieux_store.h"

int lieux_export_format(const char *name, enum export_format *out)
{
    if (strcmp(name, "csv") == 0)
        *out = EXPORT_CSV;
    else if (strcmp(name, "json") == 0)
        *out = EXPORT_JSON;
    else
        return -1;
    return 0;
}

static int write_csv_row(FILE *out, struct buf *line, sqlite3_stmt *st)
{
    buf_reset(line);
    for (int f = 0; f < LF__COUNT; f++) {
        if (f)
            buf_putc(line, ',');
        const char *v = (const char *)sqlite3_column_text(st, f);
        csv_write_field(line, v ? v : "");
    }
    buf_puts(line, "\r\n");
    if (line->oom)
        return -1;
    return fwrite(line->s, 1, line->len, out) == line->len ? 0 : -1;
}

static int write_json_row(FILE *out, sqlite3_stmt *st, long n)
{
    json_t *o = json_object();
    for (int f = 0; f < LF__COUNT; f++) {
        const char *v = (const char *)sqlite3_column_text(st, f);
        if (!v || !*v)
            continue;
        const char *name = lieu_field_info((enum lieu_field)f)->name;
        if (f == LF_LATITUDE || f == LF_LONGITUDE)
            json_object_set_new(o, name, json_real(sqlite3_column_double(st, f)));
        else
            json_object_set_new(o, name, json_string(v));
    }
    char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
    json_decref(o);
    if (!s)
        return -1;
    int rc = fprintf(out, "%s\n%s", n ? "," : "[", s) < 0 ? -1 : 0;
    free(s);
    return rc;
}

int lieux_export(struct db *d, enum export_format fmt, FILE *out, long *count)
{
    *count = 0;
    sqlite3_stmt *st = db_prepare(d, "SELECT " LIEUX_COLUMNS " FROM lieu ORDER BY pid");
    if (!st)
        return -1;
    struct buf line = BUF_INIT;
    int rc = 0;
    if (fmt == EXPORT_CSV) {
        for (int f = 0; f < LF__COUNT; f++)
            fprintf(out, "%s%s", f ? "," : "", lieu_field_info((enum lieu_field)f)->name);
        fputs("\r\n", out);
    }
    int step;
    while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW) {
        rc = fmt == EXPORT_CSV ? write_csv_row(out, &line, st) : write_json_row(out, st, *count);
        if (rc == 0)
            (*count)++;
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = db_fail(d, "export");
    if (rc == 0 && fmt == EXPORT_JSON)
        rc = fputs(*count ? "\n]\n" : "[]\n", out) < 0 ? -1 : 0;
    if (rc < 0 && !d->err[0])
        snprintf(d->err, sizeof d->err, "write error");
    buf_free(&line);
    sqlite3_finalize(st);
    return rc;
}
