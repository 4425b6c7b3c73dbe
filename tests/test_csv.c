/* test_csv.c - CSV reader and writer. */
#include "base/buf.h"
#include "base/csv.h"
#include "check.h"

#include <stdlib.h>
#include <string.h>

/* Open a reader on a string literal with separator sep (0 = detect). */
static void open_str(struct csv_reader *r, const char *s, char sep)
{
    CHECK(csv_open(r, s, strlen(s), sep) == 0);
}

static void test_simple(void)
{
    struct csv_reader r;
    open_str(&r, "a,b,c\n1,2,3\n", ',');
    CHECK(csv_next(&r) == 1);
    CHECK(r.nfields == 3);
    CHECK_STR(r.fields[0], "a");
    CHECK_STR(r.fields[2], "c");
    CHECK(r.line == 1 && r.record == 1);
    CHECK(r.error[0] == 0);
    CHECK(csv_next(&r) == 1);
    CHECK(r.nfields == 3);
    CHECK_STR(r.fields[1], "2");
    CHECK(r.line == 2 && r.record == 2);
    CHECK(csv_next(&r) == 0);
    CHECK(csv_next(&r) == 0);
    csv_close(&r);
}

static void test_no_trailing_newline(void)
{
    struct csv_reader r;
    open_str(&r, "a,b\n1,2", ',');
    CHECK(csv_next(&r) == 1);
    CHECK(csv_next(&r) == 1);
    CHECK(r.nfields == 2);
    CHECK_STR(r.fields[1], "2");
    CHECK(csv_next(&r) == 0);
    csv_close(&r);

    /* Trailing blank lines are not records. */
    open_str(&r, "a,b\r\n1,2\r\n\r\n\n", ',');
    CHECK(csv_next(&r) == 1);
    CHECK(csv_next(&r) == 1);
    CHECK(csv_next(&r) == 0);
    csv_close(&r);
}

static void test_empty_fields(void)
{
    struct csv_reader r;
    open_str(&r, ",a,,\n\"\",\"\"\n,", ',');
    CHECK(csv_next(&r) == 1);
    CHECK(r.nfields == 4);
    CHECK_STR(r.fields[0], "");
    CHECK_STR(r.fields[1], "a");
    CHECK_STR(r.fields[2], "");
    CHECK_STR(r.fields[3], "");
    CHECK(csv_next(&r) == 1);
    CHECK(r.nfields == 2);
    CHECK_STR(r.fields[0], "");
    CHECK_STR(r.fields[1], "");
    CHECK(csv_next(&r) == 1); /* "," at end of input: two empty fields */
    CHECK(r.nfields == 2);
    CHECK_STR(r.fields[0], "");
    CHECK_STR(r.fields[1], "");
    CHECK(csv_next(&r) == 0);
    csv_close(&r);

    open_str(&r, "", ',');
    CHECK(csv_next(&r) == 0);
    csv_close(&r);
    CHECK(csv_open(&r, NULL, 0, 0) == 0);
    CHECK(csv_next(&r) == 0);
    csv_close(&r);
}

static void test_quoted(void)
{
    struct csv_reader r;
    open_str(&r, "\"a,b\",\"say \"\"hi\"\"\",\"\"\"\",plain\n", ',');
    CHECK(csv_next(&r) == 1);
    CHECK(r.nfields == 4);
    CHECK_STR(r.fields[0], "a,b");
    CHECK_STR(r.fields[1], "say \"hi\"");
    CHECK_STR(r.fields[2], "\"");
    CHECK_STR(r.fields[3], "plain");
    CHECK(r.error[0] == 0);
    csv_close(&r);
}

static void test_multiline(void)
{
    struct csv_reader r;
    const char *s = "h1,h2\n"          /* line 1 */
                    "\"one\ntwo\",x\n" /* lines 2-3 */
                    "y,\"a\r\nb\r\nc\"\r\n" /* lines 4-6 */
                    "\n"               /* line 7, blank */
                    "last,z";          /* line 8 */
    open_str(&r, s, ',');
    CHECK(csv_next(&r) == 1);
    CHECK(r.line == 1);
    CHECK(csv_next(&r) == 1);
    CHECK(r.line == 2);
    CHECK(r.record == 2);
    CHECK_STR(r.fields[0], "one\ntwo");
    CHECK_STR(r.fields[1], "x");
    CHECK(csv_next(&r) == 1);
    CHECK(r.line == 4);
    CHECK_STR(r.fields[0], "y");
    CHECK_STR(r.fields[1], "a\r\nb\r\nc");
    CHECK(csv_next(&r) == 1);
    CHECK(r.line == 8);
    CHECK(r.record == 4);
    CHECK_STR(r.fields[0], "last");
    CHECK(csv_next(&r) == 0);
    csv_close(&r);
}

static void test_crlf(void)
{
    struct csv_reader r;
    open_str(&r, "a,b\r\nc,d\r\ne,\"f\"\r\n", ',');
    CHECK(csv_next(&r) == 1);
    CHECK_STR(r.fields[1], "b");
    CHECK(csv_next(&r) == 1);
    CHECK_STR(r.fields[0], "c");
    CHECK_STR(r.fields[1], "d");
    CHECK(r.line == 2);
    CHECK(csv_next(&r) == 1);
    CHECK_STR(r.fields[1], "f");
    CHECK(r.line == 3);
    CHECK(csv_next(&r) == 0);
    csv_close(&r);

    /* A lone CR inside a field is data; CR at end of input ends the line. */
    open_str(&r, "a\rb,c\r", ',');
    CHECK(csv_next(&r) == 1);
    CHECK(r.nfields == 2);
    CHECK_STR(r.fields[0], "a\rb");
    CHECK_STR(r.fields[1], "c");
    CHECK(csv_next(&r) == 0);
    csv_close(&r);
}

static void test_bom(void)
{
    struct csv_reader r;
    open_str(&r, "\xEF\xBB\xBFid;nom\n1;Mairie\n", 0);
    CHECK(r.had_bom == 1);
    CHECK(r.sep == ';');
    CHECK(csv_next(&r) == 1);
    CHECK_STR(r.fields[0], "id");
    CHECK_STR(r.fields[1], "nom");
    CHECK(csv_next(&r) == 1);
    CHECK_STR(r.fields[1], "Mairie");
    csv_close(&r);

    open_str(&r, "id,nom\n", 0);
    CHECK(r.had_bom == 0);
    csv_close(&r);
}

static void test_detect(void)
{
    CHECK(csv_detect_separator("a,b,c", 5) == ',');
    CHECK(csv_detect_separator("a;b;c\n1,2,3,4,5", 15) == ';');
    CHECK(csv_detect_separator("\"x,y,z\";b;c\n", 12) == ';');
    CHECK(csv_detect_separator("a\tb\tc", 5) == '\t');
    CHECK(csv_detect_separator("single", 6) == ',');
    CHECK(csv_detect_separator("", 0) == ',');
    CHECK(csv_detect_separator("a;b,c", 5) == ','); /* tie: ',' */
    const char *h = "\xEF\xBB\xBF\"nom\";\"adresse\";\"code, postal\"\r\n";
    CHECK(csv_detect_separator(h, strlen(h)) == ';');

    struct csv_reader r;
    open_str(&r, "nom;ville\n\"Le Lieu; annexe\";Lyon\n", 0);
    CHECK(csv_next(&r) == 1);
    CHECK(csv_next(&r) == 1);
    CHECK(r.nfields == 2);
    CHECK_STR(r.fields[0], "Le Lieu; annexe");
    CHECK_STR(r.fields[1], "Lyon");
    csv_close(&r);
}

static void test_malformed(void)
{
    struct csv_reader r;
    /* Quote inside an unquoted field: literal. */
    open_str(&r, "ab\"c,d\n", ',');
    CHECK(csv_next(&r) == 1);
    CHECK(r.nfields == 2);
    CHECK_STR(r.fields[0], "ab\"c");
    CHECK(r.error[0] == 0);
    csv_close(&r);

    /* Text after a closing quote is appended. */
    open_str(&r, "\"ab\"c,d\n", ',');
    CHECK(csv_next(&r) == 1);
    CHECK(r.nfields == 2);
    CHECK_STR(r.fields[0], "abc");
    csv_close(&r);

    /* Unterminated quoted field: runs to the end, error set. */
    open_str(&r, "a,b\nc,\"open\nstill,open", ',');
    CHECK(csv_next(&r) == 1);
    CHECK(r.error[0] == 0);
    CHECK(csv_next(&r) == 1);
    CHECK(r.nfields == 2);
    CHECK_STR(r.fields[1], "open\nstill,open");
    CHECK(r.error[0] != 0);
    CHECK(strstr(r.error, "line 2") != NULL);
    CHECK(csv_next(&r) == 0);
    csv_close(&r);

    /* The error names the line where the quoted field starts. */
    open_str(&r, "a,\"b\nc\",\"d\ne", ',');
    CHECK(csv_next(&r) == 1);
    CHECK(r.line == 1);
    CHECK(r.nfields == 3);
    CHECK_STR(r.fields[2], "d\ne");
    CHECK(strstr(r.error, "line 2") != NULL);
    csv_close(&r);

    /* A separator that cannot work means "detect". */
    open_str(&r, "a;b\n", '"');
    CHECK(r.sep == ';');
    csv_close(&r);

    open_str(&r, "\"", ',');
    CHECK(csv_next(&r) == 1);
    CHECK(r.nfields == 1);
    CHECK_STR(r.fields[0], "");
    CHECK(r.error[0] != 0);
    CHECK(csv_next(&r) == 0);
    csv_close(&r);
}

static void test_many_fields(void)
{
    /* Enough fields and bytes to grow both the field array and the scratch
     * buffer in the middle of one record. */
    struct buf b = BUF_INIT;
    for (int i = 0; i < 1000; i++)
        buf_printf(&b, "%s\"field number %d with some padding text\"", i ? "," : "", i);
    buf_puts(&b, "\nnext\n");
    struct csv_reader r;
    CHECK(csv_open(&r, b.s, b.len, ',') == 0);
    CHECK(csv_next(&r) == 1);
    CHECK(r.nfields == 1000);
    CHECK_STR(r.fields[0], "field number 0 with some padding text");
    CHECK_STR(r.fields[999], "field number 999 with some padding text");
    int ok = 1;
    char want[64];
    for (int i = 0; i < 1000; i++) {
        snprintf(want, sizeof want, "field number %d with some padding text", i);
        ok &= strcmp(r.fields[i], want) == 0;
    }
    CHECK(ok);
    CHECK(csv_next(&r) == 1);
    CHECK(r.nfields == 1);
    CHECK_STR(r.fields[0], "next");
    CHECK(r.line == 2);
    csv_close(&r);
    buf_free(&b);
}

static void test_modifying_fields(void)
{
    /* The caller may edit field bytes without confusing line numbers. */
    struct csv_reader r;
    open_str(&r, "\"a\n\nb\"\nx\n", ',');
    CHECK(csv_next(&r) == 1);
    r.fields[0][0] = 0;
    CHECK(csv_next(&r) == 1);
    CHECK_STR(r.fields[0], "x");
    CHECK(r.line == 4);
    csv_close(&r);
}

static void write_one(const char *field, const char *want)
{
    struct buf b = BUF_INIT;
    CHECK(csv_write_field(&b, field) == 0);
    CHECK_STR(b.s ? b.s : "", want);
    buf_free(&b);
}

static void test_write_field(void)
{
    write_one("plain", "plain");
    write_one("", "");
    write_one("a,b", "\"a,b\"");
    write_one("a;b", "\"a;b\"");
    write_one("say \"hi\"", "\"say \"\"hi\"\"\"");
    write_one("\"", "\"\"\"\"");
    write_one("two\nlines", "\"two\nlines\"");
    write_one("cr\rhere", "\"cr\rhere\"");
    write_one(" lead", "\" lead\"");
    write_one("trail ", "\"trail \"");
    write_one("\ttab", "\"\ttab\"");
    write_one("in side", "in side");
    write_one("Médiathèque", "Médiathèque");
    write_one("\xEF\xBB\xBFnom", "\"\xEF\xBB\xBFnom\""); /* not a BOM */
    write_one(NULL, "");
}

static void test_write_record(void)
{
    struct buf b = BUF_INIT;
    char *f[] = {"a", "b,c", ""};
    CHECK(csv_write_record(&b, f, 3) == 0);
    CHECK_STR(b.s, "a,\"b,c\",\r\n");
    buf_reset(&b);
    char *e[] = {""};
    CHECK(csv_write_record(&b, e, 1) == 0);
    CHECK_STR(b.s, "\"\"\r\n");

    /* Round trip. */
    buf_reset(&b);
    char *g[] = {" x ", "q\"q", "l1\r\nl2", "", "z"};
    CHECK(csv_write_record(&b, g, 5) == 0);
    CHECK(csv_write_record(&b, e, 1) == 0);
    struct csv_reader r;
    CHECK(csv_open(&r, b.s, b.len, ',') == 0);
    CHECK(csv_next(&r) == 1);
    CHECK(r.nfields == 5);
    for (size_t i = 0; i < 5 && i < r.nfields; i++)
        CHECK_STR(r.fields[i], g[i]);
    CHECK(csv_next(&r) == 1);
    CHECK(r.nfields == 1);
    CHECK_STR(r.fields[0], "");
    CHECK(r.line == 3);
    CHECK(csv_next(&r) == 0);
    csv_close(&r);
    buf_free(&b);
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    struct buf b = BUF_INIT;
    char tmp[65536];
    size_t n;
    while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
        buf_add(&b, tmp, n);
    fclose(f);
    *len = b.len;
    return buf_take(&b);
}

static void test_france_services(void)
{
    size_t len;
    char *data = slurp("../shared/data/lieux/liste-fs-20221201.csv", &len);
    if (!data) {
        printf("skip: test_france_services (../shared/data/lieux/liste-fs-20221201.csv absent)\n");
        return;
    }
    struct csv_reader r;
    CHECK(csv_open(&r, data, len, 0) == 0);
    CHECK(r.sep == ',');
    size_t records = 0, bad = 0, errors = 0, multiline = 0, last_line = 0;
    int rc;
    while ((rc = csv_next(&r)) == 1) {
        records++;
        if (r.nfields != 23)
            bad++;
        if (r.error[0])
            errors++;
        if (r.line > last_line + 1)
            multiline++;
        last_line = r.line;
    }
    CHECK(rc == 0);
    CHECK(records == 2684); /* header + 2,683 */
    CHECK(bad == 0);
    CHECK(errors == 0);
    /* 21 records follow one with a field spanning lines; the file has 2,878
     * lines (as counted by Python's csv module, too). */
    CHECK(multiline == 21);
    CHECK(last_line == 2878);
    CHECK(r.record == 2684);
    csv_close(&r);

    /* Header names. */
    CHECK(csv_open(&r, data, len, 0) == 0);
    CHECK(csv_next(&r) == 1);
    CHECK_STR(r.fields[0], "id_fs");
    CHECK_STR(r.fields[22], "labellisation");
    csv_close(&r);
    free(data);
}

int main(void)
{
    RUN(test_simple);
    RUN(test_no_trailing_newline);
    RUN(test_empty_fields);
    RUN(test_quoted);
    RUN(test_multiline);
    RUN(test_crlf);
    RUN(test_bom);
    RUN(test_detect);
    RUN(test_malformed);
    RUN(test_many_fields);
    RUN(test_modifying_fields);
    RUN(test_write_field);
    RUN(test_write_record);
    RUN(test_france_services);
    return CHECK_DONE();
}
