/* accomp_fixture.h - a small world for the accompaniment unit tests:
 * territories written by hand (seven communes in five régions, Corsica and
 * an overseas département included), the demo places published, three
 * structures (Marseille, Foix, Ajaccio) with a place linked to the first,
 * and a personal data key. Static functions: included by one test file
 * each. */
#ifndef TESTS_ACCOMP_FIXTURE_H
#define TESTS_ACCOMP_FIXTURE_H
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accompagnement/activite.h"
#include "accompagnement/chiffre.h"
#include "lieux/import.h"
#include "lieux/publish.h"
#include "store/db.h"
#include "structures/structures.h"

static const char fixture_sql[] =
    "INSERT INTO region VALUES ('93','Provence-Alpes-Côte d''Azur','13055','metro'),"
    "('76','Occitanie','31555','metro'),('94','Corse','2A004','metro'),"
    "('04','La Réunion','97411','drom');"
    "INSERT INTO departement VALUES ('13','Bouches-du-Rhône','93','13055','metro'),"
    "('84','Vaucluse','93','84007','metro'),('09','Ariège','76','09122','metro'),"
    "('31','Haute-Garonne','76','31555','metro'),('2A','Corse-du-Sud','94','2A004','metro'),"
    "('974','La Réunion','04','97411','drom');"
    "INSERT INTO epci VALUES ('200054807','Métropole d''Aix-Marseille-Provence','METRO',1900000),"
    "('200040715','Grand Avignon','CA',190000),('200066231','Pays de Foix-Varilhes','CC',33000),"
    "('243100518','Toulouse Métropole','METRO',800000),('242010056','CA du Pays Ajaccien','CA',85000),"
    "('249740119','CINOR','CA',200000);"
    "INSERT INTO commune(code,nom,nom_fold,departement,region,epci,population) VALUES "
    "('13055','Marseille','marseille','13','93','200054807',870000),"
    "('13001','Aix-en-Provence','aix en provence','13','93','200054807',145000),"
    "('84007','Avignon','avignon','84','93','200040715',91000),"
    "('09122','Foix','foix','09','76','200066231',9500),"
    "('31555','Toulouse','toulouse','31','76','243100518',500000),"
    "('2A004','Ajaccio','ajaccio','2A','94','242010056',72000),"
    "('97411','Saint-Denis','saint denis','974','04','249740119',150000);"
    "INSERT INTO commune_code_postal VALUES ('13001','13055'),('13006','13055'),"
    "('13100','13001'),('84000','84007'),('09000','09122'),('31000','31555'),"
    "('20000','2A004'),('97400','97411');"
    "INSERT INTO commune_ancien_code VALUES ('13201','13055','Marseille 1er','arrondissement'),"
    "('13206','13055','Marseille 6e','arrondissement');";

static const char *const fixture_communes[] = {"13055", "13001", "84007", "09122",
                                               "31555", "2A004", "97411"};
#define FIXTURE_NCOMMUNES 7

/* 32 bytes of a test key, as its key file would hold them. */
static const char fixture_key_hex[] =
    "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n";

static int fixture_open(struct db *d, const char *path, struct data_key *key)
{
    if (db_open(d, path, 0) < 0) {
        fprintf(stderr, "fixture: %s\n", d->err);
        return -1;
    }
    if (db_exec(d, fixture_sql) < 0) {
        fprintf(stderr, "fixture: %s\n", d->err);
        return -1;
    }
    struct import_opts o = {.source = "demo"};
    struct import_stats st;
    char err[512];
    if (lieux_import_file(d, "data/demo/lieux-demo.csv", &o, &st, err, sizeof err) < 0) {
        fprintf(stderr, "fixture: %s\n", err);
        return -1;
    }
    static const struct { const char *nom, *commune, *courriel; } s[] = {
        {"Espace numérique Marseille", "13055", "contact@espace-marseille.fr"},
        {"Médiathèque de Foix", "09122", "mediatheque@foix.fr"},
        {"Point numérique Ajaccio", "2A004", ""},
    };
    for (int i = 0; i < 3; i++) {
        struct structure x = {0};
        long long id;
        snprintf(x.nom, sizeof x.nom, "%s", s[i].nom);
        snprintf(x.commune_code, sizeof x.commune_code, "%s", s[i].commune);
        snprintf(x.courriel, sizeof x.courriel, "%s", s[i].courriel);
        if (structures_create(d, &x, 1764000000, &id) < 0) {
            fprintf(stderr, "fixture: %s\n", d->err);
            return -1;
        }
    }
    if (structures_link(d, 1, "demo", "demo-001") < 0 ||
        structures_link(d, 2, "demo", "demo-003") < 0) {
        fprintf(stderr, "fixture: %s\n", d->err);
        return -1;
    }
    if (key && data_key_parse((const unsigned char *)fixture_key_hex, strlen(fixture_key_hex),
                              key) < 0)
        return -1;
    return 0;
}

/* The published pid of source record demo:ID (0 when none). */
static inline long long fixture_pid(struct db *d, const char *id)
{
    sqlite3_stmt *st = db_prepare(d, "SELECT m.lieu_id FROM lieu_membre m JOIN lieu_source s ON "
                                     "s.rowid = m.source_rowid WHERE s.source_name = 'demo' "
                                     "AND s.source_id = ?1");
    long long pid = 0;
    if (st) {
        sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW)
            pid = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
    }
    return pid;
}

/* A simple random generator (xorshift), reproducible. */
static unsigned long long fixture_rng = 88172645463325252ULL;
static inline unsigned fixture_rand(unsigned n)
{
    fixture_rng ^= fixture_rng << 13;
    fixture_rng ^= fixture_rng >> 7;
    fixture_rng ^= fixture_rng << 17;
    return n ? (unsigned)(fixture_rng % n) : 0;
}

#endif
