/* diag_fixture.h - the in-memory database shared by the diagnostic's C
 * tests (test_diagnostic_store.c, test_diagnostic_pages.c): Marseille with
 * its postcode 13001 and an old arrondissement code, the Bouches-du-Rhône,
 * Provence-Alpes-Côte d'Azur, the Métropole d'Aix-Marseille, and the
 * shipped demo places (data/demo/lieux-demo.csv, read from the project
 * root). Exits the test on failure. */
#ifndef TESTS_DIAG_FIXTURE_H
#define TESTS_DIAG_FIXTURE_H
#include <stdio.h>
#include <stdlib.h>

#include "lieux/import.h"
#include "store/db.h"

static void diag_fixture_exec(struct db *db, const char *sql)
{
    if (db_exec(db, sql) < 0) {
        fprintf(stderr, "sql: %s\n", db->err);
        exit(1);
    }
}

static void diag_fixture_open(struct db *db)
{
    if (db_open(db, ":memory:", 0) < 0) {
        fprintf(stderr, "db_open: %s\n", db->err);
        exit(1);
    }
    diag_fixture_exec(db,
        "INSERT INTO region VALUES ('93', 'Provence-Alpes-Côte d''Azur', '13055', 'metro');"
        "INSERT INTO departement VALUES ('13', 'Bouches-du-Rhône', '93', '13055', 'metro');"
        "INSERT INTO epci VALUES ('200054807', 'Métropole d''Aix-Marseille-Provence', 'METRO', 1900000);"
        "INSERT INTO commune VALUES ('13055', 'Marseille', 'marseille', '13', '93', '200054807',"
        " 870000, 43.2965, 5.3698, 'csv');"
        "INSERT INTO commune_code_postal VALUES ('13001', '13055');"
        "INSERT INTO commune_ancien_code VALUES ('13201', '13055', 'Marseille 1er', 'arrondissement-municipal');");
    FILE *f = fopen("data/demo/lieux-demo.csv", "rb");
    static char demo[1 << 20];
    size_t n = f ? fread(demo, 1, sizeof demo, f) : 0;
    if (f)
        fclose(f);
    struct import_opts o = {.source = "demo"};
    struct import_stats st;
    char err[512] = "";
    if (n == 0 || lieux_import_buffer(db, "lieux-demo.csv", demo, n, &o, &st, err, sizeof err) < 0) {
        fprintf(stderr, "demo import failed (run from the project root): %s\n", err);
        exit(1);
    }
}

#endif
