/* fuzz_csv.c - libFuzzer target for the CSV reader and writer.
 *
 * The first input byte picks the separator: ',', ';' or '\t' as itself, any
 * other byte means detect; the rest is the document. Each record read is
 * written back with csv_write_record() and read again with a ',' reader: the
 * fields must come back byte for byte (up to a first NUL), in one record
 * ending the input; the whole document written back must read as the same
 * records. Line numbers must grow and stay within the document. */
#include "base/buf.h"
#include "base/csv.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define REQUIRE(c)                                                                        \
    do {                                                                                  \
        if (!(c))                                                                         \
            abort();                                                                      \
    } while (0)

static void round_trip(char **fields, size_t n)
{
    struct buf b = BUF_INIT;
    REQUIRE(csv_write_record(&b, fields, n) == 0);
    struct csv_reader r;
    REQUIRE(csv_open(&r, b.s, b.len, ',') == 0);
    REQUIRE(csv_next(&r) == 1);
    REQUIRE(r.error[0] == 0);
    REQUIRE(r.line == 1);
    REQUIRE(r.nfields == n);
    for (size_t i = 0; i < n; i++)
        REQUIRE(strcmp(r.fields[i], fields[i]) == 0);
    REQUIRE(csv_next(&r) == 0);
    csv_close(&r);
    buf_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    char sep = (char)data[0];
    if (sep != ',' && sep != ';' && sep != '\t')
        sep = 0;
    const char *doc = (const char *)data + 1;
    size_t len = size - 1;

    size_t lines = 1;
    for (size_t i = 0; i < len; i++)
        lines += doc[i] == '\n';

    struct csv_reader r;
    struct buf all = BUF_INIT;
    REQUIRE(csv_open(&r, doc, len, sep) == 0);
    REQUIRE(r.sep == ',' || r.sep == ';' || r.sep == '\t');
    size_t prev_line = 0, records = 0;
    int rc;
    while ((rc = csv_next(&r)) == 1) {
        records++;
        REQUIRE(r.record == records);
        REQUIRE(r.nfields >= 1);
        REQUIRE(r.line > prev_line);
        REQUIRE(r.line <= lines);
        prev_line = r.line;
        round_trip(r.fields, r.nfields);
        REQUIRE(csv_write_record(&all, r.fields, r.nfields) == 0);
    }
    REQUIRE(rc == 0);
    REQUIRE(records <= lines);
    csv_close(&r);

    /* The whole document written back reads as the same records. */
    struct csv_reader w;
    REQUIRE(csv_open(&r, doc, len, sep) == 0);
    REQUIRE(csv_open(&w, all.s, all.len, ',') == 0);
    while ((rc = csv_next(&r)) == 1) {
        REQUIRE(csv_next(&w) == 1);
        REQUIRE(w.nfields == r.nfields);
        for (size_t i = 0; i < r.nfields; i++)
            REQUIRE(strcmp(w.fields[i], r.fields[i]) == 0);
    }
    REQUIRE(csv_next(&w) == 0);
    csv_close(&w);
    csv_close(&r);
    buf_free(&all);
    return 0;
}
