/* csv.h - RFC 4180 CSV reader with producers' quirks.
 *
 * Reads a whole in-memory document (UTF-8; see text.h to convert first).
 * Handles quoted fields with doubled quotes, newlines inside quoted fields
 * (a record then spans several lines), CRLF or LF, a UTF-8 BOM at the start
 * (skipped and reported via csv_reader.had_bom), a separator of ',' or ';'
 * (csv_detect_separator() guesses from the header line), empty trailing
 * line. Malformed input never crashes: a quote in the middle of an unquoted
 * field is kept literally, an unterminated quoted field ends at end of input
 * and is flagged in csv_reader.error.
 *
 * Ownership: the reader borrows the input (which must outlive it); each
 * record's fields are owned by the reader and valid until the next
 * csv_next() call or csv_close(). */
#ifndef BASE_CSV_H
#define BASE_CSV_H
#include <stddef.h>

struct csv_reader {
    const char *p, *end;
    char sep;
    int had_bom;
    size_t line;        /* 1-based line number where the current record starts */
    size_t record;      /* 1-based record number (header is record 1) */
    char error[128];    /* non-empty when the last record was malformed */
    /* current record */
    char **fields;
    size_t nfields, cap_fields;
    char *scratch;
    size_t scratch_len, scratch_cap;
};

/* Start reading `data` of `len` bytes with separator `sep` (0 = detect).
 * Returns 0, or -1 when memory runs out. */
int csv_open(struct csv_reader *r, const char *data, size_t len, char sep);
/* Read the next record. Returns 1 with r->fields/r->nfields set, 0 at end
 * of input, -1 when memory runs out. */
int csv_next(struct csv_reader *r);
void csv_close(struct csv_reader *r);
/* Guess ',' or ';' (or '\t') from the first line. Cannot fail. */
char csv_detect_separator(const char *data, size_t len);

/* Write one field to `out` quoted when needed (RFC 4180, ',' separator).
 * Returns 0 or -1 on OOM. */
struct buf;
int csv_write_field(struct buf *out, const char *field);
/* Same for free text meant for spreadsheets (journal, statistics): a
 * field that starts with = + - @ or a tab/CR, which a spreadsheet would
 * run as a formula, is written with a leading apostrophe. */
int csv_write_cell(struct buf *out, const char *field);
/* Write n fields with csv_write_field(), ',' between them, then "\r\n".
 * A record made of one empty field is written as "" so that it is not read
 * back as a blank line. Returns 0 or -1 on OOM. */
int csv_write_record(struct buf *out, char *const *fields, size_t n);

#endif
