/* test_import.c - importing places: per-row reports, idempotency, retired
 * rows, encodings, JSON, producers' mappings, one transaction per file, and
 * exports that pass the independent validator of the standard. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "lieux/export.h"
#include "lieux/import.h"
#include "store/db.h"

#define HEADER "id,pivot,nom,commune,code_postal,code_insee,adresse,latitude,longitude," \
               "telephone,horaires,date_maj,services\n"

static struct db open_mem(void)
{
    struct db d;
    if (db_open(&d, ":memory:", 0) < 0) {
        fprintf(stderr, "db_open: %s\n", d.err);
        exit(1);
    }
    return d;
}

static long count(struct db *d, const char *sql)
{
    sqlite3_stmt *st = db_prepare(d, sql);
    long n = st && sqlite3_step(st) == SQLITE_ROW ? (long)sqlite3_column_int64(st, 0) : -1;
    sqlite3_finalize(st);
    return n;
}

static int import_text(struct db *d, const char *name, const char *text, const char *source,
                       struct import_stats *st)
{
    struct import_opts o = {.source = source};
    char err[512];
    int rc = lieux_import_buffer(d, name, text, strlen(text), &o, st, err, sizeof err);
    if (rc < 0)
        fprintf(stderr, "import %s: %s\n", name, err);
    return rc;
}

static void test_report_every_rejected_row(void)
{
    struct db d = open_mem();
    struct import_stats st;
    const char *csv = HEADER
        "a1,12345678901234,Médiathèque,Foix,09000,09122,1 rue X,42.96,1.60,05 61 00 00 00,Mo-Fr 09:00-12:00,2024-01-02,Aide aux démarches administratives\n"
        "a2,12345678901234,,Foix,09000,09122,2 rue X,42.96,1.60,,,2024-01-02,\n"          /* no nom */
        "a3,12345678901234,EPN,Foix,9000,09122,3 rue X,1.60,42.96,,,2024-01-02,\n"         /* swapped + cp 4 digits */
        "a1,12345678901234,Doublon,Foix,09000,09122,4 rue X,,,,,2024-01-02,\n"             /* duplicate id */
        "a5,12345678901234,\"Multi\nligne\",Foix,09000,09122,5 rue X,,,,,2024-13-45,\n"    /* bad date */
        "a6,too,few,columns\n"
        "a7,12345678901234,Horaires cassés,Foix,09000,09122,7 rue X,,,,n'importe quoi,2024-01-02,Inconnu\n";
    CHECK(import_text(&d, "t.csv", csv, "test", &st) == 0);
    CHECK(st.rows == 7);
    CHECK(st.imported == 3);
    CHECK(st.rejected == 4);
    CHECK(st.imported + st.rejected == st.rows);
    /* every rejected row has a reason naming its row and field */
    CHECK(count(&d, "SELECT count(DISTINCT row) FROM import_issue WHERE severity = 'ligne rejetée'") == 4);
    CHECK(count(&d, "SELECT count(*) FROM import_issue WHERE row = 2 AND field = 'nom'") == 1);
    CHECK(count(&d, "SELECT count(*) FROM import_issue WHERE row = 4 AND field = 'id'") == 1);
    CHECK(count(&d, "SELECT count(*) FROM import_issue WHERE row = 5 AND field = 'date_maj' AND line = 6") == 1);
    CHECK(count(&d, "SELECT count(*) FROM import_issue WHERE row = 6 AND rule LIKE '%colonnes%'") == 1);
    /* fixed and dropped values are reported too, and the rows kept */
    CHECK(count(&d, "SELECT count(*) FROM import_issue WHERE row = 3 AND field = 'latitude' AND severity = 'corrigé'") >= 1);
    CHECK(count(&d, "SELECT count(*) FROM import_issue WHERE row = 7 AND field = 'horaires' AND severity = 'valeur écartée'") == 1);
    CHECK(count(&d, "SELECT count(*) FROM import_issue WHERE row = 7 AND field = 'services'") == 1);
    CHECK(count(&d, "SELECT count(*) FROM lieu_source WHERE source_id = 'a3' AND lat > 42 AND lon < 2 AND code_postal = '09000'") == 1);
    CHECK(count(&d, "SELECT count(*) FROM lieu_source WHERE source_id = 'a1' AND telephone = '+33561000000'") == 1);
    CHECK(count(&d, "SELECT count(*) FROM lieu") == 3);
    db_close(&d);
}

static void test_reimport_is_idempotent(void)
{
    struct db d = open_mem();
    struct import_stats st;
    const char *v1 = HEADER
        "x1,12345678901234,Un,Foix,09000,09122,1 rue X,42.96,1.60,,,2024-01-02,\n"
        "x2,12345678901234,Deux,Foix,09000,09122,2 rue X,42.97,1.61,,,2024-01-02,\n"
        "x3,12345678901234,Trois,Foix,09000,09122,3 rue X,42.98,1.62,,,2024-01-02,\n";
    CHECK(import_text(&d, "v1.csv", v1, "src", &st) == 0 && st.added == 3);
    CHECK(import_text(&d, "v1.csv", v1, "src", &st) == 0);
    CHECK(st.added == 0 && st.updated == 0 && st.unchanged == 3 && st.imported == 3);
    CHECK(count(&d, "SELECT count(*) FROM lieu_source") == 3);
    long pid = count(&d, "SELECT pid FROM lieu WHERE id = 'x2'");
    const char *v2 = HEADER
        "x1,12345678901234,Un,Foix,09000,09122,1 rue X,42.96,1.60,,,2024-01-02,\n"
        "x2,12345678901234,Deux bis,Foix,09000,09122,2 rue X,42.97,1.61,,,2024-02-02,\n";
    CHECK(import_text(&d, "v2.csv", v2, "src", &st) == 0);
    CHECK(st.updated == 1 && st.unchanged == 1 && st.retired == 1);
    CHECK(count(&d, "SELECT count(*) FROM lieu") == 2);
    CHECK(count(&d, "SELECT count(*) FROM lieu WHERE nom = 'Deux bis'") == 1);
    CHECK(count(&d, "SELECT pid FROM lieu WHERE id = 'x2'") == pid); /* stable URL */
    /* another source with the same ids is another set of records */
    CHECK(import_text(&d, "o.csv", v1, "autre", &st) == 0 && st.added == 3);
    CHECK(count(&d, "SELECT count(*) FROM lieu_source") == 6);
    /* the retired row comes back when it reappears */
    CHECK(import_text(&d, "v1.csv", v1, "src", &st) == 0 && st.updated == 2);
    CHECK(count(&d, "SELECT count(*) FROM lieu_source WHERE retired_at IS NULL") == 6);
    db_close(&d);
}

static void test_encodings(void)
{
    struct db d = open_mem();
    struct import_stats st;
    /* Latin-1: "Médiathèque" with é = 0xE9, è = 0xE8 */
    const char *latin1 = HEADER
        "l1,12345678901234,M\xe9" "diath\xe8que,Foix,09000,09122,1 rue X,,,,,2024-01-02,\n";
    CHECK(import_text(&d, "latin1.csv", latin1, "enc", &st) == 0);
    CHECK(strcmp(st.encoding, "Latin-1") == 0);
    CHECK(count(&d, "SELECT count(*) FROM lieu WHERE nom = 'Médiathèque'") == 1);
    const char *bom = "\xEF\xBB\xBF" HEADER
        "b1,12345678901234,Avec BOM,Foix,09000,09122,1 rue X,,,,,2024-01-02,\n";
    CHECK(import_text(&d, "bom.csv", bom, "bom", &st) == 0);
    CHECK(strcmp(st.encoding, "UTF-8 avec BOM") == 0);
    CHECK(st.imported == 1); /* the BOM did not spoil the "id" column */
    db_close(&d);
}

static void test_json_and_errors(void)
{
    struct db d = open_mem();
    struct import_stats st;
    const char *json = "[{\"id\":\"j1\",\"pivot\":\"12345678901234\",\"nom\":\"Un\",\"commune\":\"Foix\","
                       "\"code_postal\":\"09000\",\"adresse\":\"1 rue X\",\"latitude\":42.96,"
                       "\"longitude\":1.6,\"date_maj\":\"2024-01-02\"}, 42, null,"
                       "{\"id\":\"j2\",\"nom\":\"Sans pivot\"}]";
    CHECK(import_text(&d, "j.json", json, "js", &st) == 0);
    CHECK(st.rows == 4 && st.imported == 1 && st.rejected == 3);
    struct import_opts o = {.source = "x"};
    char err[512] = "";
    CHECK(lieux_import_buffer(&d, "bad.json", "[{\"id\": ", 8, &o, &st, err, sizeof err) == -1);
    CHECK(strstr(err, "bad.json") && strstr(err, "line"));
    CHECK(lieux_import_buffer(&d, "odd.csv", "a,b\n1,2\n", 8, &o, &st, err, sizeof err) == -1);
    CHECK(strstr(err, "mapping") != NULL);
    /* a failed file leaves nothing behind */
    CHECK(count(&d, "SELECT count(*) FROM import_run WHERE source = 'x'") == 0);
    db_close(&d);
}

static void test_france_services_mapping(void)
{
    struct db d = open_mem();
    struct import_stats st;
    const char *fs =
        "\"id_fs\",\"insee_dep\",\"lib_fs\",\"adresse\",\"complement_adresse\",\"insee_com\",\"code_postal\",\"lib_com\",\"latitude\",\"longitude\",\"mail\",\"telephone\",\"h_lundi\",\"h_mardi\",\"h_mercredi\",\"h_jeudi\",\"h_vendredi\",\"h_samedi\",\"commentaire\",\"itinerance\",\"format_fs\",\"groupe\",\"labellisation\"\n"
        "\"1\",\"01\",\"France services de Valserhône\",\"5-9 Rue des Papetiers\",,\"01033\",\"01200\",\"Valserhône\",46.1060711578546,5.8260084241619,\"fs@example.fr\",\"04 50 56 87 49\",\"09:00 - 12:00 / 13:30 - 17:00\",\"09:00 - 12:00\",,,,\"09:00 - 12:00\",\"Sur\nrendez-vous\",\"Oui\",\"Site principal\",,\"x\"\n";
    CHECK(import_text(&d, "liste-fs.csv", fs, NULL, &st) == 0);
    CHECK(strcmp(st.mapping, "france-services") == 0);
    CHECK(strcmp(st.source, "france-services") == 0);
    CHECK(st.imported == 1);
    CHECK(count(&d, "SELECT count(*) FROM lieu WHERE id = 'fs-1' AND horaires = "
                    "'Mo 09:00-12:00,13:30-17:00; Tu,Sa 09:00-12:00' AND "
                    "itinerance = 'Itinérant' AND telephone = '+33450568749' AND "
                    "dispositif_programmes_nationaux = 'France Services' AND "
                    "presentation_detail LIKE 'Sur%rendez-vous'") == 1);
    db_close(&d);
}

/* Export the demo set and check it with the independent validator. */
static void test_export_validates(void)
{
    struct db d = open_mem();
    FILE *f = fopen("data/demo/lieux-demo.csv", "rb");
    CHECK(f != NULL);
    if (!f)
        return;
    static char data[1 << 20];
    size_t n = fread(data, 1, sizeof data - 1, f);
    fclose(f);
    data[n] = 0;
    struct import_stats st;
    CHECK(import_text(&d, "demo.csv", data, "demo", &st) == 0);
    CHECK(st.rejected == 0 && st.imported == 54);
    char path[] = "/tmp/passerelle-export-XXXXXX";
    int fd = mkstemp(path);
    FILE *out = fdopen(fd, "w");
    long exported;
    CHECK(lieux_export(&d, EXPORT_CSV, out, &exported) == 0);
    fclose(out);
    CHECK(exported == 54);
    if (access("../shared/tools/validate_lieux.py", R_OK) == 0) {
        char cmd[512];
        snprintf(cmd, sizeof cmd, "python3 ../shared/tools/validate_lieux.py "
                 "../shared/data/standard/schema.json %s > /dev/null", path);
        CHECK(system(cmd) == 0);
    } else {
        printf("skip: validator absent\n");
    }
    unlink(path);
    db_close(&d);
}

int main(void)
{
    RUN(test_report_every_rejected_row);
    RUN(test_reimport_is_idempotent);
    RUN(test_encodings);
    RUN(test_json_and_errors);
    RUN(test_france_services_mapping);
    RUN(test_export_validates);
    return CHECK_DONE();
}
