/* test_activites.c - activity records and their statistics: the sparse
 * vectors' encoding, the codes of territories, the form's rules and
 * French messages, the first-accompaniment flags, and above all that the
 * aggregates equal the plain SQL counts over the records, for every
 * scope and many periods, after random creations, edits, deletions,
 * participants added and removed, merges and erasures of beneficiaries;
 * and that a rebuild from the records gives the very same aggregates. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accomp_fixture.h"
#include "accompagnement/agregats.h"
#include "accompagnement/beneficiaire.h"
#include "base/jour.h"
#include "check.h"
#include "territoires/territoires.h"

static struct db db;
static struct data_key key;
static time_t now;

/* ---- vectors ---- */

static void test_vec_codec(void)
{
    struct stat_vec v = {0}, w;
    for (int i = 0; i < 500; i++)
        CHECK(stat_vec_add(&v, STAT_KEY(fixture_rand(20), fixture_rand(200000)),
                           1 + fixture_rand(1000000)) == 0);
    struct buf b = BUF_INIT;
    CHECK(stat_vec_encode(&v, &b) == 0);
    CHECK(stat_vec_decode((const unsigned char *)b.s, b.len, &w) == 0);
    CHECK(w.n == v.n);
    int same = w.n == v.n;
    for (size_t i = 0; same && i < v.n; i++)
        same = v.v[i].key == w.v[i].key && v.v[i].n == w.v[i].n;
    CHECK(same);
    for (size_t i = 1; i < v.n; i++)
        CHECK(v.v[i - 1].key < v.v[i].key);
    stat_vec_free(&w);
    /* Malformed: version, truncation, zero count, repeated key, overlong varint. */
    static const unsigned char bad[][6] = {{2, 1, 1}, {1, 0x81}, {1, 1, 0}, {1, 1, 1, 0, 1},
                                           {1, 0x80, 0x00, 1}};
    static const size_t badn[] = {3, 2, 3, 5, 4};
    for (size_t i = 0; i < sizeof badn / sizeof *badn; i++)
        CHECK(stat_vec_decode(bad[i], badn[i], &w) < 0 && w.n == 0);
    CHECK(stat_vec_decode((const unsigned char *)"\1", 1, &w) == 0 && w.n == 0);
    /* Never below zero. */
    uint64_t k = v.v[0].key;
    CHECK(stat_vec_add(&v, k, -v.v[0].n - 1) < 0);
    CHECK(stat_vec_add(&v, STAT_KEY(30, 1), -1) < 0);
    long long n0 = v.v[0].n;
    CHECK(stat_vec_add(&v, k, -n0) == 0 && stat_vec_get(&v, k) == 0);
    buf_free(&b);
    stat_vec_free(&v);
}

static void test_codes(void)
{
    char out[16];
    static const char *const communes[] = {"2A004", "2B033", "97411", "01001", "13055"};
    for (int i = 0; i < 5; i++) {
        long long n = stat_code_num(SD_COMMUNE, communes[i]);
        CHECK(n >= 0);
        stat_num_code(SD_COMMUNE, n, out, sizeof out);
        CHECK_STR(out, communes[i]);
    }
    static const char *const deps[] = {"2A", "2B", "01", "974", "13"};
    for (int i = 0; i < 5; i++) {
        stat_num_code(SD_DEPARTEMENT, stat_code_num(SD_DEPARTEMENT, deps[i]), out, sizeof out);
        CHECK_STR(out, deps[i]);
    }
    CHECK(stat_code_num(SD_COMMUNE, "2C004") < 0);
    CHECK(stat_code_num(SD_COMMUNE, "1300") < 0);
    long j;
    CHECK(jour_parse("2024-02-29", &j) == 0);
    CHECK(jour_parse("2023-02-29", &j) < 0);
    char iso[11];
    jour_format(jour_from_civil(2026, 11, 24), iso);
    CHECK_STR(iso, "2026-11-24");
    /* 23:30 UTC on 31 Dec is already 1 Jan in Paris. */
    CHECK(jour_local((time_t)jour_from_civil(2025, 12, 31) * 86400 + 23 * 3600 + 1800) ==
          jour_from_civil(2026, 1, 1));
    CHECK(jour_local((time_t)jour_from_civil(2026, 7, 1) * 86400 + 22 * 3600 + 60) ==
          jour_from_civil(2026, 7, 2));
}

/* ---- the form ---- */

static void saisie(struct query *q, const char *form)
{
    CHECK(query_parse(q, form, strlen(form)) == 0);
}

static enum accomp_result create_form(long long structure, long long compte, const char *form,
                                      struct accomp_erreurs *e, long long *id)
{
    struct query q;
    saisie(&q, form);
    struct activite_saisie s;
    activite_saisie_lire(&q, &s);
    query_free(&q);
    struct activite a = {.structure_id = structure, .compte_id = compte};
    struct accomp_ctx c = {.cli_user = "test", .now = now, .key = &key};
    return activite_create(&db, &c, &a, e, &s, id);
}

static void test_form_rules(void)
{
    struct accomp_erreurs e;
    long long id;
    CHECK(create_form(1, 10, "type=individuel&date=2099-01-01&duree=30&lieu=structure", &e, &id) ==
          ACC_INVALID);
    CHECK(accomp_erreur(&e, "date") && strstr(accomp_erreur(&e, "date"), "futur"));
    CHECK(accomp_erreur(&e, "thematique") != NULL);
    CHECK(create_form(1, 10, "type=individuel&date=24/11/2026&duree=autre&duree_autre=0&lieu=x"
                             "&thematique=email&thematique_administrative=logement"
                             "&materiel=aucun&materiel=tablette", &e, &id) == ACC_INVALID);
    CHECK(accomp_erreur(&e, "date") && strstr(accomp_erreur(&e, "date"), "AAAA-MM-JJ"));
    CHECK(accomp_erreur(&e, "duree_autre") != NULL);
    CHECK(accomp_erreur(&e, "lieu") != NULL);
    CHECK(accomp_erreur(&e, "thematique_administrative") != NULL);
    CHECK(accomp_erreur(&e, "materiel") != NULL);
    CHECK(create_form(1, 10, "type=collectif&date=2026-11-20&duree=90&lieu=domicile&commune=Nulle"
                             "&thematique=email&anonymes=12&tranche_age_soixante_soixante_neuf=10"
                             "&tranche_age_soixante_dix_plus=3", &e, &id) == ACC_INVALID);
    CHECK(accomp_erreur(&e, "commune") != NULL);
    CHECK(accomp_erreur(&e, "tranche_age") && strstr(accomp_erreur(&e, "tranche_age"), "(13)"));
    CHECK(create_form(1, 10, "type=individuel&date=2026-11-20&duree=30&lieu=structure"
                             "&thematique=pas_un_theme", &e, &id) == ACC_INVALID);
    CHECK(accomp_erreur(&e, "thematique") != NULL);
    /* A workshop of 12: counts by gender, age, status; the rest is "non communiqué". */
    CHECK(create_form(1, 10, "type=collectif&date=2026-11-20&duree=90&lieu=autre&commune=09000"
                             "&thematique=email&thematique=securite_numerique&titre=Atelier+mails"
                             "&niveau=debutant&anonymes=12&genre_feminin=7&genre_masculin=4"
                             "&tranche_age_soixante_soixante_neuf=8&statut_retraite=9", &e, &id) ==
          ACC_DONE);
    struct activite a;
    CHECK(activite_get(&db, id, &a) == 1);
    CHECK(a.participants == 12 && a.anonymes == 12 && a.suivis == 0);
    CHECK(a.genre[0] == 7 && a.genre[1] == 4 && a.genre[GENRE_NC] == 1);
    CHECK(a.age[5] == 8 && a.age[AGE_NC] == 4);
    CHECK(a.statut[3] == 9 && a.statut[STATUT_NC] == 3);
    CHECK_STR(a.commune, "09122");
    CHECK_STR(a.departement, "09");
    CHECK(a.lieu_type == LIEU_AUTRE && a.niveau == 0 && a.autonomie == -1);
    /* Remote: the structure's commune. A place of the registry: its own. */
    CHECK(create_form(3, 30, "type=individuel&date=2026-11-21&duree=45&lieu=a_distance"
                             "&thematique=sante&autonomie=autonome&orientation=aide_sociale",
                      &e, &id) == ACC_DONE);
    CHECK(activite_get(&db, id, &a) == 1 && strcmp(a.commune, "2A004") == 0 &&
          strcmp(a.departement, "2A") == 0 && a.autonomie == 2 && a.redirection == 3);
    long long pid = fixture_pid(&db, "demo-001");
    char form[300];
    snprintf(form, sizeof form, "type=individuel&date=2026-11-22&duree=120&lieu=pid:%lld"
                                "&thematique=email&genre=feminin&tranche_age=soixante_dix_plus",
             pid);
    CHECK(create_form(1, 10, form, &e, &id) == ACC_DONE);
    CHECK(activite_get(&db, id, &a) == 1 && a.lieu_pid == pid && a.lieu_nom[0]);
    CHECK(a.genre[0] == 1 && a.age[6] == 1 && a.statut[STATUT_NC] == 1);
    /* Defaults of the next record: the last one's duration and place. */
    struct activite_saisie def;
    activite_defauts(&db, 10, 1, ACT_INDIVIDUEL, now, &def);
    CHECK_STR(def.duree, "120");
    CHECK(strncmp(def.lieu, "pid:", 4) == 0);
    CHECK_STR(def.date, "2026-11-24");
    activite_defauts(&db, 99, 2, ACT_COLLECTIF, now, &def);
    CHECK_STR(def.duree, "90");
    CHECK(strncmp(def.lieu, "pid:", 4) == 0); /* structure 2 holds demo-003 */
}

/* ---- random operations, aggregates against plain SQL ---- */

static const char *const lieux_codes[] = {"structure", "a_distance", "domicile", "autre", "pid"};

static void random_form(char *out, size_t n, int type, long lo, long hi)
{
    char date[11];
    jour_format(lo + (long)fixture_rand((unsigned)(hi - lo + 1)), date);
    static const char *const durees[] = {"15", "30", "45", "60", "90", "120", "autre"};
    const char *duree = durees[fixture_rand(7)];
    int pos = snprintf(out, n, "type=%s&date=%s&duree=%s&duree_autre=%u", type ? "collectif" : "individuel",
                       date, duree, 1 + fixture_rand(400));
    const char *lieu = lieux_codes[fixture_rand(5)];
    if (strcmp(lieu, "pid") == 0) {
        static const char *const places[] = {"demo-001", "demo-002", "demo-005", "demo-010"};
        pos += snprintf(out + pos, n - pos, "&lieu=pid:%lld", fixture_pid(&db, places[fixture_rand(4)]));
    } else {
        pos += snprintf(out + pos, n - pos, "&lieu=%s&commune=%s", lieu,
                        fixture_communes[fixture_rand(FIXTURE_NCOMMUNES)]);
    }
    unsigned themes = 1 + fixture_rand((1u << 19) - 1);
    for (int k = 0; k < 19; k++)
        if (themes & (1u << k))
            pos += snprintf(out + pos, n - pos, "&thematique=%s", accomp_code_of(AV_THEME, k));
    if (themes & (1u << THEME_DEMARCHES))
        for (int k = 0; k < 11; k++)
            if (fixture_rand(3) == 0)
                pos += snprintf(out + pos, n - pos, "&thematique_administrative=%s",
                                accomp_code_of(AV_THEME_ADMIN, k));
    if (fixture_rand(5) == 0)
        pos += snprintf(out + pos, n - pos, "&materiel=aucun");
    else
        for (int k = 0; k < 4; k++)
            if (fixture_rand(2))
                pos += snprintf(out + pos, n - pos, "&materiel=%s", accomp_code_of(AV_MATERIEL, k));
    if (type == 0) {
        if (fixture_rand(4))
            pos += snprintf(out + pos, n - pos, "&autonomie=%s", accomp_code_of(AV_AUTONOMIE, fixture_rand(3)));
        if (fixture_rand(3) == 0)
            pos += snprintf(out + pos, n - pos, "&orientation=%s",
                            accomp_code_of(AV_REDIRECTION, fixture_rand(7)));
        pos += snprintf(out + pos, n - pos, "&genre=%s&tranche_age=%s&statut=%s",
                        accomp_code_of(AV_GENRE, fixture_rand(3)), accomp_code_of(AV_AGE, fixture_rand(8)),
                        accomp_code_of(AV_STATUT, fixture_rand(5)));
    } else {
        unsigned total = 1 + fixture_rand(25);
        pos += snprintf(out + pos, n - pos, "&anonymes=%u&titre=Atelier&niveau=%s", total,
                        accomp_code_of(AV_NIVEAU, fixture_rand(3)));
        unsigned left = total;
        for (int k = 0; k < 2 && left; k++) {
            unsigned c = fixture_rand(left + 1);
            left -= c;
            pos += snprintf(out + pos, n - pos, "&genre_%s=%u", accomp_code_of(AV_GENRE, k), c);
        }
        left = total;
        for (int k = 0; k < 7 && left; k++) {
            unsigned c = fixture_rand(left + 1);
            left -= c;
            pos += snprintf(out + pos, n - pos, "&tranche_age_%s=%u", accomp_code_of(AV_AGE, k), c);
        }
        left = total;
        for (int k = 0; k < 4 && left; k++) {
            unsigned c = fixture_rand(left + 1);
            left -= c;
            pos += snprintf(out + pos, n - pos, "&statut_%s=%u", accomp_code_of(AV_STATUT, k), c);
        }
    }
    if (fixture_rand(4) == 0)
        snprintf(out + pos, n - pos, "&tags=soir,quartier+nord");
}

static int vec_same(const struct stat_vec *a, const struct stat_vec *b, const char *what)
{
    size_t i = 0, j = 0;
    while (i < a->n || j < b->n) {
        if (i < a->n && j < b->n && a->v[i].key == b->v[j].key && a->v[i].n == b->v[j].n) {
            i++;
            j++;
            continue;
        }
        uint64_t k = i < a->n && (j >= b->n || a->v[i].key <= b->v[j].key) ? a->v[i].key : b->v[j].key;
        fprintf(stderr, "%s: key %d:%lld aggregates %lld, sql %lld\n", what, STAT_DIM(k),
                STAT_VAL(k), stat_vec_get(a, k), stat_vec_get(b, k));
        return 0;
    }
    return 1;
}

static long lo_day, hi_day;
static long long structures[] = {1, 2, 3};
static long long comptes[] = {10, 11, 20, 30};

/* Every scope over a set of periods: aggregates == SQL. */
static int compare_all(const char *when)
{
    struct { int p; char code[16]; } scopes[64];
    int ns = 0;
    scopes[ns].p = SP_NATION;
    scopes[ns++].code[0] = 0;
    static const char *const regions[] = {"93", "76", "94", "04"};
    static const char *const deps[] = {"13", "84", "09", "31", "2A", "974"};
    static const char *const epcis[] = {"200054807", "200040715", "200066231", "243100518",
                                        "242010056", "249740119"};
    for (int i = 0; i < 4; i++) {
        scopes[ns].p = SP_REGION;
        snprintf(scopes[ns++].code, 16, "%s", regions[i]);
    }
    for (int i = 0; i < 6; i++) {
        scopes[ns].p = SP_DEPARTEMENT;
        snprintf(scopes[ns++].code, 16, "%s", deps[i]);
        scopes[ns].p = SP_EPCI;
        snprintf(scopes[ns++].code, 16, "%s", epcis[i]);
    }
    for (int i = 0; i < FIXTURE_NCOMMUNES; i++) {
        scopes[ns].p = SP_COMMUNE;
        snprintf(scopes[ns++].code, 16, "%s", fixture_communes[i]);
    }
    for (int i = 0; i < 3; i++) {
        scopes[ns].p = SP_STRUCTURE;
        snprintf(scopes[ns++].code, 16, "%lld", structures[i]);
    }
    for (int i = 0; i < 4; i++) {
        scopes[ns].p = SP_COMPTE;
        snprintf(scopes[ns++].code, 16, "%lld", comptes[i]);
    }
    long periods[9][2] = {
        {lo_day - 10, hi_day + 10},
        {jour_from_civil(2025, 1, 1), jour_from_civil(2025, 12, 31)},
        {jour_from_civil(2025, 3, 1), jour_from_civil(2025, 3, 31)},
        {jour_from_civil(2024, 12, 31), jour_from_civil(2026, 1, 1)},
        {jour_from_civil(2025, 2, 14), jour_from_civil(2025, 2, 14)},
    };
    int np = 5;
    while (np < 9) {
        long a = lo_day + (long)fixture_rand((unsigned)(hi_day - lo_day + 1));
        long b = a + (long)fixture_rand(500);
        periods[np][0] = a;
        periods[np++][1] = b;
    }
    int ok = 1;
    for (int s = 0; s < ns && ok; s++)
        for (int p = 0; p < np && ok; p++) {
            struct stat_vec agg, sql;
            long rows;
            if (stat_query(&db, (enum stat_portee)scopes[s].p, scopes[s].code, periods[p][0],
                           periods[p][1], &agg, &rows) < 0 ||
                stat_query_sql(&db, (enum stat_portee)scopes[s].p, scopes[s].code, periods[p][0],
                               periods[p][1], &sql) < 0) {
                fprintf(stderr, "query: %s\n", db.err);
                return 0;
            }
            char what[160];
            snprintf(what, sizeof what, "%s: %s %s [%ld, %ld]", when,
                     stat_portee_name((enum stat_portee)scopes[s].p), scopes[s].code,
                     periods[p][0], periods[p][1]);
            ok = vec_same(&agg, &sql, what);
            stat_vec_free(&agg);
            stat_vec_free(&sql);
        }
    return ok;
}

/* The aggregate table as bytes, for comparing with a rebuild. */
static void dump(struct buf *b)
{
    sqlite3_stmt *st = db_prepare(&db, "SELECT portee, code, grain, debut, hex(v) FROM stat_agregat "
                                       "ORDER BY 1, 2, 3, 4");
    while (st && sqlite3_step(st) == SQLITE_ROW)
        buf_printf(b, "%d|%s|%d|%lld|%s\n", sqlite3_column_int(st, 0), sqlite3_column_text(st, 1),
                   sqlite3_column_int(st, 2), (long long)sqlite3_column_int64(st, 3),
                   sqlite3_column_text(st, 4));
    sqlite3_finalize(st);
}

static long long count_rows(const char *sql)
{
    sqlite3_stmt *st = db_prepare(&db, sql);
    long long n = -1;
    if (st && sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}

static long long new_person(long long structure, const char *prenom, const char *nom,
                            const char *tel)
{
    char form[300];
    snprintf(form, sizeof form, "prenom=%s&nom=%s&telephone=%s&genre=%s&tranche_age=%s"
                                "&statut=%s&consentement=oui&mode=oral&forcer=oui",
             prenom, nom, tel, accomp_code_of(AV_GENRE, fixture_rand(3)),
             accomp_code_of(AV_AGE, fixture_rand(8)), accomp_code_of(AV_STATUT, fixture_rand(5)));
    struct query q;
    saisie(&q, form);
    struct beneficiaire_saisie s;
    beneficiaire_saisie_lire(&q, &s);
    query_free(&q);
    struct accomp_ctx c = {.cli_user = "test", .now = now, .key = &key};
    struct accomp_erreurs e;
    struct beneficiaire_similaires sim;
    long long id = 0;
    enum accomp_result r = beneficiaire_create(&db, &c, structure, &s, &e, &sim, &id);
    if (r != ACC_DONE)
        fprintf(stderr, "person: %d %s %s\n", r, e.n ? e.e[0].msg : "", db.err);
    return id;
}

static void test_aggregates_equal_sql(void)
{
    lo_day = jour_from_civil(2024, 1, 1);
    hi_day = jour_local(now);
    struct accomp_ctx c = {.cli_user = "test", .now = now, .key = &key};
    long long ids[2000];
    int nids = 0, created = 0;
    long long people[3][12];
    for (int s = 0; s < 3; s++)
        for (int i = 0; i < 12; i++) {
            char prenom[16], nom[16], tel[16];
            snprintf(prenom, sizeof prenom, "Prenom%d%d", s, i);
            snprintf(nom, sizeof nom, "Nom%d%d", s, i);
            snprintf(tel, sizeof tel, "06%08d", s * 100 + i);
            people[s][i] = new_person(structures[s], prenom, nom, tel);
        }
    CHECK(people[2][11] > 0);
    /* 300 records, then random edits, deletions, participants. */
    for (int i = 0; i < 300; i++) {
        int s = (int)fixture_rand(3);
        long long compte = s == 0 ? comptes[fixture_rand(2)] : comptes[s + 1];
        char form[3000];
        random_form(form, sizeof form, fixture_rand(3) == 0, lo_day, hi_day);
        if (fixture_rand(3) == 0 && strstr(form, "type=individuel")) {
            size_t len = strlen(form);
            snprintf(form + len, sizeof form - len, "&beneficiaire=%lld", people[s][fixture_rand(12)]);
        }
        struct accomp_erreurs e;
        long long id;
        enum accomp_result r = create_form(structures[s], compte, form, &e, &id);
        if (r != ACC_DONE) {
            fprintf(stderr, "create %d: %s: %s %s\n", r, form, e.n ? e.e[0].field : "",
                    e.n ? e.e[0].msg : db.err);
            continue;
        }
        created++;
        ids[nids++] = id;
    }
    CHECK(created == 300);
    CHECK(compare_all("after creations"));
    for (int i = 0; i < 250; i++) {
        long long id = ids[fixture_rand((unsigned)nids)];
        struct activite a;
        if (activite_get(&db, id, &a) != 1)
            continue;
        int s = a.structure_id == 1 ? 0 : a.structure_id == 2 ? 1 : 2;
        unsigned op = fixture_rand(10);
        enum accomp_result r = ACC_DONE;
        if (op < 5) {
            char form[3000];
            random_form(form, sizeof form, a.type, lo_day, hi_day);
            struct query q;
            saisie(&q, form);
            struct activite_saisie sa;
            activite_saisie_lire(&q, &sa);
            query_free(&q);
            struct accomp_erreurs e;
            r = activite_update(&db, &c, id, &sa, &e);
            if (r == ACC_INVALID)
                fprintf(stderr, "update: %s %s\n", e.e[0].field, e.e[0].msg);
        } else if (op < 7) {
            r = activite_participant_add(&db, &c, id, people[s][fixture_rand(12)]);
            if (r == ACC_INVALID || r == ACC_NOT_FOUND)
                r = ACC_DONE; /* already there, or an individual one already followed */
        } else if (op < 9 && a.nsuivis > 0) {
            r = activite_participant_remove(&db, &c, id, a.p[fixture_rand((unsigned)a.nsuivis)].beneficiaire_id);
            if (r == ACC_INVALID || r == ACC_NOT_FOUND)
                r = ACC_DONE;
        } else if (op == 9) {
            r = activite_delete(&db, &c, id);
        }
        if (r != ACC_DONE)
            fprintf(stderr, "op %u on %lld: %d %s %s\n", op, id, r, c.msg, db.err);
        CHECK(r == ACC_DONE);
    }
    CHECK(compare_all("after edits"));
    /* The figures are not trivially empty. */
    struct stat_vec all;
    CHECK(stat_query(&db, SP_NATION, "", lo_day, hi_day, &all, NULL) == 0);
    CHECK(stat_vec_get(&all, STAT_KEY(SD_TOTAL, STT_ACTIVITES)) == count_rows("SELECT count(*) FROM activite"));
    CHECK(stat_vec_get(&all, STAT_KEY(SD_TOTAL, STT_ACTIVITES)) > 250);
    CHECK(stat_vec_get(&all, STAT_KEY(SD_TOTAL, STT_SUIVIS)) > 25);
    CHECK(stat_vec_get(&all, STAT_KEY(SD_TOTAL, STT_NOUVEAUX)) > 10);
    CHECK(stat_vec_get(&all, STAT_KEY(SD_REGION, 93)) > 0 && stat_vec_get(&all, STAT_KEY(SD_DEPARTEMENT, 1001)) > 0);
    CHECK(stat_vec_get(&all, STAT_KEY(SD_COMMUNE, 13055)) == 0); /* not kept at the national scope */
    stat_vec_free(&all);
    CHECK(stat_query(&db, SP_STRUCTURE, "1", lo_day, hi_day, &all, NULL) == 0);
    CHECK(stat_vec_get(&all, STAT_KEY(SD_COMMUNE, 13055)) > 0);
    CHECK(stat_vec_get(&all, STAT_KEY(SD_LIEU, fixture_pid(&db, "demo-001"))) > 0);
    stat_vec_free(&all);
    /* New people counted once per person; flags consistent with dates. */
    CHECK(count_rows("SELECT count(*) FROM (SELECT beneficiaire_id FROM activite_participant WHERE "
                     "beneficiaire_id IS NOT NULL GROUP BY beneficiaire_id HAVING sum(premier) != 1)") == 0);
    CHECK(count_rows("SELECT count(*) FROM activite a WHERE nouveaux != (SELECT count(*) FROM "
                     "activite_participant p WHERE p.activite_id = a.id AND premier = 1) OR suivis != "
                     "(SELECT count(*) FROM activite_participant p WHERE p.activite_id = a.id)") == 0);
    CHECK(count_rows("SELECT count(*) FROM activite_participant p JOIN activite a ON a.id = p.activite_id "
                     "WHERE p.premier = 1 AND EXISTS (SELECT 1 FROM activite_participant q JOIN activite b "
                     "ON b.id = q.activite_id WHERE q.beneficiaire_id = p.beneficiaire_id AND "
                     "(b.jour < a.jour OR (b.jour = a.jour AND b.id < a.id)))") == 0);
    /* Merges and erasures never change what the SQL counts say. */
    struct buf before = BUF_INIT, after = BUF_INIT;
    for (int s = 0; s < 3; s++) {
        CHECK(beneficiaire_merge(&db, &c, people[s][0], people[s][1]) == ACC_DONE);
        CHECK(beneficiaire_merge(&db, &c, people[s][0], people[s][2]) == ACC_DONE);
    }
    CHECK(compare_all("after merges"));
    CHECK(count_rows("SELECT count(*) FROM (SELECT activite_id, beneficiaire_id FROM activite_participant "
                     "WHERE beneficiaire_id IS NOT NULL GROUP BY 1, 2 HAVING count(*) > 1)") == 0);
    dump(&before);
    struct stat_vec nat_before, nat_after;
    CHECK(stat_query(&db, SP_NATION, "", lo_day, hi_day, &nat_before, NULL) == 0);
    for (int s = 0; s < 3; s++) {
        CHECK(beneficiaire_erase(&db, &c, people[s][0]) == ACC_DONE);
        CHECK(beneficiaire_erase(&db, &c, people[s][3]) == ACC_DONE);
    }
    long n;
    CHECK(beneficiaire_retention(&db, "test", now + 400L * 86400 * 3, 24, &n) == 0 && n > 0);
    CHECK(count_rows("SELECT count(*) FROM beneficiaire") == 0);
    dump(&after);
    CHECK(before.len == after.len && memcmp(before.s, after.s, before.len) == 0);
    CHECK(stat_query(&db, SP_NATION, "", lo_day, hi_day, &nat_after, NULL) == 0);
    CHECK(vec_same(&nat_before, &nat_after, "erasure keeps the statistics"));
    CHECK(compare_all("after erasures"));
    stat_vec_free(&nat_before);
    stat_vec_free(&nat_after);
    /* A rebuild from the records gives the same table, byte for byte. */
    long buckets;
    CHECK(stat_rebuild(&db, &buckets) == 0 && buckets > 0);
    buf_reset(&before);
    dump(&before);
    CHECK(before.len == after.len && memcmp(before.s, after.s, before.len) == 0);
    buf_free(&before);
    buf_free(&after);
    /* The dashboards' function: per commune, equal to SQL per commune. */
    struct stat_commune_counts cc;
    CHECK(stat_counts_by_commune(&db, -1, NULL, lo_day, hi_day, &cc) == 0);
    long long total = 0;
    for (size_t i = 0; i < cc.n; i++) {
        char sql[200];
        snprintf(sql, sizeof sql, "SELECT count(*) * 1000000 + sum(participants) FROM activite "
                                  "WHERE commune = '%s'", cc.v[i].code);
        CHECK(count_rows(sql) == cc.v[i].activites * 1000000 + cc.v[i].accompagnements);
        total += cc.v[i].activites;
    }
    CHECK(total == count_rows("SELECT count(*) FROM activite"));
    stat_commune_counts_free(&cc);
    CHECK(stat_counts_by_commune(&db, TERRITOIRE_DEPARTEMENT, "13", lo_day, hi_day, &cc) == 0);
    for (size_t i = 0; i < cc.n; i++)
        CHECK(strcmp(cc.v[i].code, "13055") == 0 || strcmp(cc.v[i].code, "13001") == 0);
    stat_commune_counts_free(&cc);
    CHECK(stat_counts_by_commune(&db, TERRITOIRE_COMMUNE, "09122", lo_day, hi_day, &cc) == 0);
    CHECK(cc.n == 1 && cc.v[0].activites == count_rows("SELECT count(*) FROM activite WHERE commune = '09122'"));
    stat_commune_counts_free(&cc);
}

/* The médiateur's figures read their edge days from the records: a
 * period of single days must read no aggregate of days. */
static void test_query_rows(void)
{
    struct stat_vec v;
    long rows = 0;
    long y = jour_from_civil(2025, 1, 1);
    CHECK(stat_query(&db, SP_NATION, "", y, jour_from_civil(2025, 12, 31), &v, &rows) == 0);
    CHECK(rows <= 1);
    stat_vec_free(&v);
    CHECK(stat_query(&db, SP_NATION, "", jour_from_civil(2024, 1, 15), jour_from_civil(2026, 11, 20),
                     &v, &rows) == 0);
    CHECK(rows <= 17 + 11 + 1 + 10 + 20);
    stat_vec_free(&v);
}

int main(void)
{
    now = (time_t)jour_from_civil(2026, 11, 24) * 86400 + 9 * 3600 + 1800;
    if (fixture_open(&db, ":memory:", &key) < 0)
        return 1;
    RUN(test_vec_codec);
    RUN(test_codes);
    RUN(test_form_rules);
    RUN(test_aggregates_equal_sql);
    RUN(test_query_rows);
    db_close(&db);
    return CHECK_DONE();
}
