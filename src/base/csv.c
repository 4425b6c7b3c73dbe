/* csv.c - RFC 4180 CSV reader and field writer (see csv.h).
 *
 * Reading is a single pass over the input. Field bytes are copied into one
 * scratch buffer that is reused from record to record (no per-field malloc);
 * each field is NUL-terminated there. While a record is being read the
 * scratch buffer may be reallocated, so field starts are kept as offsets and
 * turned into pointers once the record is complete.
 *
 * Choices for inputs RFC 4180 leaves open:
 *  - blank lines ("" or "\r" before the newline) between records are skipped;
 *    they still count for csv_reader.line;
 *  - a record ends at "\n", "\r\n", or a "\r" just before the end of input; a
 *    lone "\r" elsewhere is kept in the field;
 *  - a quote inside an unquoted field is kept literally; text after the
 *    closing quote of a quoted field is appended literally ("ab"c -> abc);
 *  - an unterminated quoted field runs to the end of input and sets
 *    csv_reader.error;
 *  - NUL bytes in the input are copied, so a field containing one appears
 *    truncated to C string functions.
 *
 * Private state lives after the public pointers in the `fields` block:
 *   char *fields[cap_fields]; struct csv_priv { next_line; offs[cap_fields] }.
 * The caller may modify field bytes (e.g. text_trim()) without disturbing the
 * reader, since nothing is recomputed from them. */
#include "base/csv.h"

#include "base/buf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct csv_priv {
    size_t next_line; /* line where the next record may start */
    size_t offs[];    /* field start offsets in scratch while reading */
};

_Static_assert(sizeof(char *) % _Alignof(struct csv_priv) == 0,
               "csv_priv must be aligned after the pointer array");

static struct csv_priv *priv_of(const struct csv_reader *r)
{
    return (struct csv_priv *)(void *)((char *)r->fields + r->cap_fields * sizeof(char *));
}

static size_t block_size(size_t cap)
{
    return cap * sizeof(char *) + sizeof(struct csv_priv) + cap * sizeof(size_t);
}

/* Grow the fields block to hold at least one more field. */
static int grow_fields(struct csv_reader *r)
{
    size_t old = r->cap_fields;
    size_t cap = old ? old * 2 : 16;
    if (cap > ((size_t)-1 - sizeof(struct csv_priv)) / (sizeof(char *) + sizeof(size_t)) / 2)
        return -1;
    char *blk = realloc(r->fields, block_size(cap));
    if (!blk)
        return -1;
    /* The private part sits after the pointers: slide it to its new place. */
    if (old)
        memmove(blk + cap * sizeof(char *), blk + old * sizeof(char *),
                sizeof(struct csv_priv) + old * sizeof(size_t));
    r->fields = (char **)(void *)blk;
    r->cap_fields = cap;
    return 0;
}

static int reserve(struct csv_reader *r, size_t n)
{
    if (r->scratch_cap - r->scratch_len >= n)
        return 0;
    if (n > (size_t)-1 - r->scratch_len)
        return -1;
    size_t need = r->scratch_len + n;
    size_t cap = r->scratch_cap ? r->scratch_cap : 1024;
    while (cap < need) {
        if (cap > (size_t)-1 / 2)
            return -1;
        cap *= 2;
    }
    char *s = realloc(r->scratch, cap);
    if (!s)
        return -1;
    r->scratch = s;
    r->scratch_cap = cap;
    return 0;
}

static int append(struct csv_reader *r, const char *p, size_t n)
{
    if (reserve(r, n) < 0)
        return -1;
    if (n)
        memcpy(r->scratch + r->scratch_len, p, n);
    r->scratch_len += n;
    return 0;
}

static size_t count_newlines(const char *p, const char *end)
{
    size_t n = 0;
    while (p < end && (p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
        n++;
        p++;
    }
    return n;
}

char csv_detect_separator(const char *data, size_t len)
{
    if (!data)
        return ',';
    const char *p = data, *end = data + len;
    if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
        p += 3;
    size_t comma = 0, semi = 0, tab = 0;
    int quoted = 0;
    for (; p < end; p++) {
        char c = *p;
        if (c == '"')
            quoted = !quoted;
        else if (quoted)
            continue;
        else if (c == '\n' || c == '\r')
            break;
        else if (c == ',')
            comma++;
        else if (c == ';')
            semi++;
        else if (c == '\t')
            tab++;
    }
    if (semi > comma && semi >= tab)
        return ';';
    if (tab > comma && tab > semi)
        return '\t';
    return ',';
}

int csv_open(struct csv_reader *r, const char *data, size_t len, char sep)
{
    memset(r, 0, sizeof *r);
    if (!data)
        len = 0;
    r->p = data;
    r->end = data ? data + len : data;
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
        r->had_bom = 1;
        r->p += 3;
    }
    /* A separator that cannot work ('"', CR, LF) is treated like 0. */
    if (sep == '"' || sep == '\n' || sep == '\r')
        sep = 0;
    r->sep = sep ? sep : csv_detect_separator(data, len);
    if (grow_fields(r) < 0)
        return -1;
    priv_of(r)->next_line = 1;
    return 0;
}

/* Append one field start; returns -1 on OOM. */
static int start_field(struct csv_reader *r)
{
    if (r->nfields == r->cap_fields && grow_fields(r) < 0)
        return -1;
    priv_of(r)->offs[r->nfields++] = r->scratch_len;
    return 0;
}

int csv_next(struct csv_reader *r)
{
    if (!r->fields)
        return 0; /* closed or never opened */
    struct csv_priv *pv = priv_of(r);
    const char *p = r->p, *end = r->end;
    const char sep = r->sep;
    size_t line = pv->next_line;

    r->error[0] = 0;
    r->nfields = 0;
    r->scratch_len = 0;

    /* Skip blank lines. */
    while (p < end) {
        if (*p == '\n') {
            p++;
            line++;
        } else if (*p == '\r' && (p + 1 == end || p[1] == '\n')) {
            p += p + 1 == end ? 1 : 2;
            line++;
        } else {
            break;
        }
    }
    if (p >= end) {
        r->p = p;
        pv->next_line = line;
        return 0;
    }

    size_t start_line = line;
    int eor = 0; /* end of record reached */
    while (!eor) {
        if (start_field(r) < 0)
            goto oom;
        if (*p == '"') {
            /* Quoted part: copy up to each quote; "" is one quote. */
            size_t field_line = line;
            p++;
            for (;;) {
                const char *q = memchr(p, '"', (size_t)(end - p));
                const char *stop = q ? q : end;
                if (append(r, p, (size_t)(stop - p)) < 0)
                    goto oom;
                line += count_newlines(p, stop);
                if (!q) {
                    p = end;
                    snprintf(r->error, sizeof r->error,
                             "unterminated quoted field starting on line %zu", field_line);
                    break;
                }
                p = q + 1;
                if (p < end && *p == '"') {
                    if (append(r, "\"", 1) < 0)
                        goto oom;
                    p++;
                    continue;
                }
                break;
            }
        }
        /* Unquoted field, or what follows a closing quote. */
        for (;;) {
            const char *q = p;
            while (q < end && *q != sep && *q != '\n' && *q != '\r')
                q++;
            if (append(r, p, (size_t)(q - p)) < 0)
                goto oom;
            p = q;
            if (p == end) {
                eor = 1;
                break;
            }
            if (*p == sep) {
                p++;
                if (p == end) {
                    /* "a," at end of input: one more, empty field. */
                    if (reserve(r, 1) < 0)
                        goto oom;
                    r->scratch[r->scratch_len++] = 0;
                    if (start_field(r) < 0)
                        goto oom;
                    eor = 1;
                }
                break;
            }
            if (*p == '\n') {
                p++;
                line++;
                eor = 1;
                break;
            }
            /* '\r' */
            if (p + 1 == end || p[1] == '\n') {
                p += p + 1 == end ? 1 : 2;
                line++;
                eor = 1;
                break;
            }
            if (append(r, "\r", 1) < 0)
                goto oom;
            p++;
        }
        if (reserve(r, 1) < 0)
            goto oom;
        r->scratch[r->scratch_len++] = 0;
    }

    /* Offsets -> pointers, now that scratch will not move any more. */
    pv = priv_of(r);
    for (size_t i = 0; i < r->nfields; i++)
        r->fields[i] = r->scratch + pv->offs[i];
    pv->next_line = line;
    r->line = start_line;
    r->record++;
    r->p = p;
    return 1;

oom:
    r->nfields = 0;
    r->scratch_len = 0;
    snprintf(r->error, sizeof r->error, "out of memory");
    return -1;
}

void csv_close(struct csv_reader *r)
{
    free(r->fields);
    free(r->scratch);
    r->fields = NULL;
    r->scratch = NULL;
    r->nfields = r->cap_fields = 0;
    r->scratch_len = r->scratch_cap = 0;
}

static int needs_quotes(const char *f)
{
    if (!*f)
        return 0;
    size_t n = strlen(f);
    if (f[0] == ' ' || f[0] == '\t' || f[n - 1] == ' ' || f[n - 1] == '\t')
        return 1;
    /* A leading U+FEFF at the start of a document would be read as a BOM. */
    if (n >= 3 && memcmp(f, "\xEF\xBB\xBF", 3) == 0)
        return 1;
    /* ';' too, so the output also reads back with a ';' reader. */
    return strpbrk(f, ",;\"\r\n") != NULL;
}

int csv_write_field(struct buf *out, const char *field)
{
    if (!field)
        field = "";
    if (!needs_quotes(field))
        return buf_puts(out, field);
    if (buf_putc(out, '"') < 0)
        return -1;
    for (const char *p = field;;) {
        const char *q = strchr(p, '"');
        if (!q)
            return buf_puts(out, p) < 0 || buf_putc(out, '"') < 0 ? -1 : 0;
        /* Copy through the quote, then double it. */
        if (buf_add(out, p, (size_t)(q - p) + 1) < 0 || buf_putc(out, '"') < 0)
            return -1;
        p = q + 1;
    }
}

int csv_write_cell(struct buf *out, const char *field)
{
    if (field && (field[0] == '=' || field[0] == '+' || field[0] == '-' || field[0] == '@' ||
                  field[0] == '\t' || field[0] == '\r')) {
        struct buf tmp = {0};
        buf_putc(&tmp, '\'');
        buf_puts(&tmp, field);
        int r = tmp.oom ? -1 : csv_write_field(out, tmp.s);
        buf_free(&tmp);
        return r;
    }
    return csv_write_field(out, field);
}

int csv_write_record(struct buf *out, char *const *fields, size_t n)
{
    /* A lone empty field would make a blank line, which readers skip. */
    if (n == 1 && (!fields[0] || !fields[0][0]))
        return buf_puts(out, "\"\"\r\n");
    for (size_t i = 0; i < n; i++) {
        if (i && buf_putc(out, ',') < 0)
            return -1;
        if (csv_write_field(out, fields[i]) < 0)
            return -1;
    }
    return buf_puts(out, "\r\n");
}
