/* test_diagnostic_store.c - diagnostic sessions in a real (in-memory)
 * database: start, answers, going back, finish, the offline sync's
 * idempotence (created once, duplicates and stale revisions change
 * nothing, answers out of the engine's order refused, professional keys
 * refused), published bank versions, statistics with small counts
 * suppressed, the JSON export, and the orientation to the shipped demo
 * places (data/demo/lieux-demo.csv). */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "diag_fixture.h"
#include "base/jour.h"
#include "diagnostic/catalogue.h"
#include "diagnostic/diag_agregats.h"
#include "diagnostic/export.h"
#include "diagnostic/orientation.h"
#include "diagnostic/session.h"
#include "diagnostic/stats.h"
#include "diagnostic/sync.h"

static struct db db;
static time_t now = 1795516200; /* 2026-11-24 10:30 Paris (09:30 UTC) */

static void exec(const char *sql)
{
    diag_fixture_exec(&db, sql);
}

static void setup(void)
{
    diag_fixture_open(&db);
}

/* Answer the session like a person of true level `lv` everywhere; stop
 * after `stop` answers (-1: all). Profile questions: first option. */
static void answer_all(struct diag_state *st, int lv, int stop)
{
    while (st->w.next != DIAG_END && stop != 0) {
        const struct diag_question *q = &st->bank->q[st->w.next];
        struct diag_answer a = {st->w.next, 1};
        if (q->type == DQ_COMPETENCE)
            a.mask = q->niveau <= lv ? 1u << q->bonne : 0;
        CHECK(diag_session_answer(&db, st, &a, DIAG_FR, now) == 0);
        stop--;
    }
}

static int count(const char *sql)
{
    sqlite3_stmt *st = db_prepare(&db, sql);
    int n = st && sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
    sqlite3_finalize(st);
    return n;
}

static void test_session_flow(void)
{
    char cle[DIAG_KEY_MAX];
    CHECK(diag_session_start(&db, 0, DIAG_EN, NULL, 0, NULL, now, cle) == 0);
    CHECK(diag_key_ok(cle) && strlen(cle) == 22);
    static struct diag_state st;
    CHECK(diag_state_load(&db, cle, &st) == 1);
    CHECK_STR(st.s.version, "1");
    CHECK_STR(st.s.langue, "en");
    CHECK(st.n == 0 && st.consistent && strcmp(st.bank->q[st.w.next].id, "materiel") == 0);
    CHECK(diag_state_load(&db, "inconnue-inconnue-inconnue", &st) == 0);
    CHECK(diag_state_load(&db, "<script>", &st) == 0);
    CHECK(diag_state_load(&db, cle, &st) == 1);
    /* an answer for another question is ignored (double submit, old page) */
    int other = diag_bank_question(st.bank, "connexion");
    struct diag_answer a = {other, 1};
    CHECK(diag_session_answer(&db, &st, &a, DIAG_FR, now) == 1 && st.n == 0);
    answer_all(&st, 2, 4);
    CHECK(st.n == 4 && st.s.revision == 4);
    CHECK(diag_session_back(&db, &st, now) == 0 && st.n == 3 && st.s.revision == 5);
    /* not finished yet: refused */
    CHECK(diag_session_finish(&db, &st, NULL, NULL, NULL, NULL, now) == 1);
    answer_all(&st, 2, -1);
    CHECK(st.w.next == DIAG_END);
    struct territoire_commune c;
    CHECK(diag_resolve_commune(&db, "Marseille", &c) == 1 && strcmp(c.code, "13055") == 0);
    CHECK(diag_resolve_commune(&db, "13001", &c) == 1 && strcmp(c.code, "13055") == 0);
    CHECK(diag_resolve_commune(&db, "Atlantide", &c) == 0);
    diag_resolve_commune(&db, "Marseille", &c);
    CHECK(diag_session_finish(&db, &st, &c, NULL, NULL, NULL, now + 300) == 0);
    CHECK(st.s.termine_at[0] && strcmp(st.s.departement, "13") == 0);
    CHECK(st.s.autonomie == 3 && st.s.ndom == 5);
    struct diag_result r;
    diag_state_result(&st, &r);
    for (int d = 0; d < 5; d++)
        CHECK(r.niveau[d] == 2);
    CHECK(r.autonomie == 3 && !r.ajuste);
    /* finished: no more changes */
    struct diag_answer none = {0, 1};
    CHECK(diag_session_answer(&db, &st, &none, DIAG_FR, now) == 2);
    CHECK(diag_session_back(&db, &st, now) == 1);
    CHECK(diag_session_finish(&db, &st, NULL, NULL, NULL, NULL, now) == 1);
    CHECK(count("SELECT count(*) FROM journal") == 0); /* anonymous: not journaled */
}

static void test_pro_session(void)
{
    exec("INSERT INTO structure (id, nom, commune_code, courriel, created_at) VALUES "
         "(7, 'Centre social', '13055', 'contact@example.org', '2026-01-01')");
    struct actor me = {.compte_id = 42, .email = "med@example.org", .ngrants = 1,
                       .grants = {{ROLE_MEDIATEUR, PORTEE_STRUCTURE, "7"}}};
    char cle[DIAG_KEY_MAX];
    CHECK(diag_session_start(&db, 1, DIAG_FR, &me, 7, "127.0.0.1", now, cle) == 0);
    static struct diag_state st;
    CHECK(diag_state_load(&db, cle, &st) == 1 && st.s.pro && st.s.structure_id == 7);
    answer_all(&st, 1, 6);
    /* professional mode: finish with observations before the end */
    struct diag_observation o;
    diag_observation_none(&o);
    o.niveau[0] = 2;
    o.attitudes = 1u << diag_ref_attitude(st.bank->ref, "peur_erreur");
    o.freins = (uint64_t)1 << diag_ref_frein(st.bank->ref, "lecture_ecriture");
    o.autonomie = 3;
    o.motif = "Ne lit pas les consignes";
    CHECK(diag_session_finish(&db, &st, NULL, &o, &me, "127.0.0.1", now + 60) == 0);
    CHECK(st.s.autonomie == 3 && st.s.autonomie_calculee == 1);
    CHECK_STR(st.s.motif, "Ne lit pas les consignes");
    CHECK(st.has_obs && st.obs.niveau[0] == 2 && st.obs.autonomie == 3);
    struct diag_result r;
    diag_state_result(&st, &r);
    CHECK(r.niveau[0] == 2 && r.ajuste);
    CHECK(r.freins >> diag_ref_frein(st.bank->ref, "lecture_ecriture") & 1);
    CHECK(count("SELECT count(*) FROM journal WHERE action = 'diagnostic.creer' AND compte_id = 42") == 1);
    CHECK(count("SELECT count(*) FROM journal WHERE action = 'diagnostic.terminer' AND structure_id = 7 "
                "AND apres LIKE '%\"ajuste\":true%' AND apres NOT LIKE '%lit%'") == 1);
    struct diag_session_row rows[4];
    CHECK(diag_store_structure_sessions(&db, 7, rows, 4) == 1 && strcmp(rows[0].cle, cle) == 0);
}

/* A complete offline submission for a person of level lv. */
static void build_sync(struct diag_sync *sy, int lv, int answers, long revision, int termine)
{
    const struct diag_bank *b = diag_bank_get(&db, "1");
    memset(sy, 0, sizeof *sy);
    snprintf(sy->version, sizeof sy->version, "1");
    sy->langue = DIAG_AR;
    sy->revision = revision;
    sy->termine = termine;
    snprintf(sy->commune, sizeof sy->commune, "Marseille");
    struct diag_answer a[DIAG_MAX_ASKED];
    int n = 0;
    struct diag_walk w;
    while (n < answers && diag_walk(b, a, n, &w) == 0 && w.next != DIAG_END) {
        const struct diag_question *q = &b->q[w.next];
        a[n].q = w.next;
        a[n].mask = q->type == DQ_PROFIL ? 1 : q->niveau <= lv ? 1u << q->bonne : 0;
        struct buf v = BUF_INIT;
        diag_answer_format(b, &a[n], &v);
        snprintf(sy->a[n].question, sizeof sy->a[n].question, "%s", q->id);
        snprintf(sy->a[n].valeur, sizeof sy->a[n].valeur, "%s", v.s);
        buf_free(&v);
        n++;
    }
    sy->n = n;
}

static void test_sync(void)
{
    const char *cle = "hors-ligne-0123456789abcdef";
    struct diag_sync sy;
    struct diag_sync_reply rep;
    build_sync(&sy, 1, 5, 5, 0);
    CHECK(diag_sync_apply(&db, cle, &sy, now, &rep) == 0 && rep.status == DIAG_SYNC_CREATED);
    CHECK(rep.revision == 5 && !rep.termine && rep.suivante);
    /* the same again, and an older one: unchanged */
    CHECK(diag_sync_apply(&db, cle, &sy, now, &rep) == 0 && rep.status == DIAG_SYNC_UNCHANGED);
    build_sync(&sy, 1, 3, 3, 0);
    CHECK(diag_sync_apply(&db, cle, &sy, now, &rep) == 0 && rep.status == DIAG_SYNC_UNCHANGED);
    CHECK(rep.revision == 5);
    int sessions = count("SELECT count(*) FROM diagnostic_session");
    /* finished, higher revision: stored and scored */
    build_sync(&sy, 1, 30, 21, 1);
    CHECK(diag_sync_apply(&db, cle, &sy, now + 400, &rep) == 0 && rep.status == DIAG_SYNC_UPDATED);
    CHECK(rep.termine && rep.suivante == NULL);
    CHECK(count("SELECT count(*) FROM diagnostic_session") == sessions);
    CHECK(count("SELECT count(*) FROM diagnostic_reponse r JOIN diagnostic_session s ON s.id = r.session_id "
                "WHERE s.cle = 'hors-ligne-0123456789abcdef'") == sy.n);
    CHECK(count("SELECT count(*) FROM diagnostic_session WHERE cle = 'hors-ligne-0123456789abcdef' "
                "AND commune = '13055' AND langue = 'ar' AND autonomie = 2") == 1);
    /* delivered twice after the finish: unchanged */
    sy.revision = 22;
    CHECK(diag_sync_apply(&db, cle, &sy, now, &rep) == 0 && rep.status == DIAG_SYNC_UNCHANGED && rep.termine);
    /* out of order: refused with the position and the expected question */
    build_sync(&sy, 1, 6, 1, 0);
    struct diag_raw_answer t = sy.a[1];
    sy.a[1] = sy.a[2];
    sy.a[2] = t;
    CHECK(diag_sync_apply(&db, "autre-cle-0123456789abcdef", &sy, now, &rep) == 0 &&
          rep.status == DIAG_SYNC_INVALID && strstr(rep.err, "reponses[1]") &&
          strstr(rep.err, "attendue : « connexion »"));
    /* finished with questions left: refused */
    build_sync(&sy, 1, 6, 1, 1);
    CHECK(diag_sync_apply(&db, "autre-cle-0123456789abcdef", &sy, now, &rep) == 0 &&
          rep.status == DIAG_SYNC_INVALID && strstr(rep.err, "il reste des questions"));
    /* an exclusive option with another */
    build_sync(&sy, 1, 2, 1, 0);
    snprintf(sy.a[0].valeur, sizeof sy.a[0].valeur, "smartphone|aucun");
    CHECK(diag_sync_apply(&db, "autre-cle-0123456789abcdef", &sy, now, &rep) == 0 &&
          rep.status == DIAG_SYNC_INVALID && strstr(rep.err, "reponses[0]"));
    CHECK(count("SELECT count(*) FROM diagnostic_session WHERE cle = 'autre-cle-0123456789abcdef'") == 0);
    /* an unknown version */
    build_sync(&sy, 1, 2, 1, 0);
    snprintf(sy.version, sizeof sy.version, "99");
    CHECK(diag_sync_apply(&db, "autre-cle-0123456789abcdef", &sy, now, &rep) == 0 &&
          rep.status == DIAG_SYNC_INVALID && strstr(rep.err, "« 99 »"));
    /* a professional session's key */
    sqlite3_stmt *s = db_prepare(&db, "SELECT cle FROM diagnostic_session WHERE mode = 'pro'");
    CHECK(s && sqlite3_step(s) == SQLITE_ROW);
    char pro[DIAG_KEY_MAX];
    snprintf(pro, sizeof pro, "%s", (const char *)sqlite3_column_text(s, 0));
    sqlite3_finalize(s);
    build_sync(&sy, 1, 2, 100, 0);
    CHECK(diag_sync_apply(&db, pro, &sy, now, &rep) == 0 && rep.status == DIAG_SYNC_CONFLICT);
}

static void test_sync_parse(void)
{
    struct diag_sync sy;
    char err[256];
    const char *ok = "{\"version\":\"1\",\"langue\":\"fr\",\"revision\":2,\"termine\":false,"
                     "\"commune\":null,\"reponses\":[{\"question\":\"materiel\",\"options\":"
                     "[\"smartphone\",\"ordinateur\"]},{\"question\":\"connexion\",\"options\":[\"maison\"]}]}";
    CHECK(diag_sync_parse(ok, strlen(ok), &sy, err, sizeof err) == 0);
    CHECK(sy.n == 2 && strcmp(sy.a[0].valeur, "smartphone|ordinateur") == 0 && sy.revision == 2);
    static const struct {
        const char *body, *want;
    } bad[] = {
        {"", "JSON invalide"},
        {"[]", "objet"},
        {"{\"version\":\"1\",\"langue\":\"xx\",\"revision\":1,\"reponses\":[]}", "langue"},
        {"{\"version\":\"1\",\"langue\":\"fr\",\"revision\":0,\"reponses\":[]}", "revision"},
        {"{\"version\":\"1\",\"langue\":\"fr\",\"revision\":1,\"reponses\":[], \"x\":1}", "champ inconnu"},
        {"{\"version\":\"1\",\"langue\":\"fr\",\"revision\":1,\"reponses\":[{\"question\":\"a\",\"options\":[\"a|b\"]}]}", "reponses[0].options"},
        {"{\"version\":\"1\",\"langue\":\"fr\",\"revision\":1,\"reponses\":[{\"question\":7}]}", "reponses[0].question"},
        {"{\"version\":\"../x\",\"langue\":\"fr\",\"revision\":1,\"reponses\":[]}", "version"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        int r = diag_sync_parse(bad[i].body, strlen(bad[i].body), &sy, err, sizeof err);
        CHECK(r == -1 && strstr(err, bad[i].want));
        if (r != -1 || !strstr(err, bad[i].want))
            fprintf(stderr, "  body %zu: %s\n", i, err);
    }
}

static void test_banks(void)
{
    char v[DIAG_VERSION_MAX];
    CHECK(diag_bank_active(&db, v) == 0 && strcmp(v, "1") == 0);
    CHECK(diag_bank_builtin("1") && !diag_bank_builtin("2"));
    size_t len;
    const char *text = diag_bank_builtin_text("1", &len);
    CHECK(text && len > 1000);
    /* publish a version 2 (the same questions, another version name) */
    char *v2 = malloc(len + 8);
    const char *p = strstr(text, "\"version\": \"1\"");
    CHECK(p != NULL);
    size_t head = (size_t)(p - text);
    memcpy(v2, text, head);
    strcpy(v2 + head, "\"version\": \"2\"");
    strcat(v2, p + strlen("\"version\": \"1\""));
    CHECK(diag_store_bank_insert(&db, "2", v2, "00", "cli:test", now, 1) == 0);
    CHECK(diag_bank_active(&db, v) == 0 && strcmp(v, "2") == 0);
    const struct diag_bank *b2 = diag_bank_get(&db, "2");
    CHECK(b2 && strcmp(b2->version, "2") == 0);
    CHECK(diag_bank_get(&db, "3") == NULL && strstr(db.err, "unknown bank version"));
    /* a new session uses version 2; the old ones keep version 1 */
    char cle[DIAG_KEY_MAX];
    CHECK(diag_session_start(&db, 0, DIAG_FR, NULL, 0, NULL, now, cle) == 0);
    static struct diag_state st;
    CHECK(diag_state_load(&db, cle, &st) == 1 && strcmp(st.s.version, "2") == 0);
    CHECK(count("SELECT count(*) FROM diagnostic_session WHERE banque_version = '1'") >= 2);
    CHECK(diag_store_bank_activate(&db, "9") == 0);
    struct diag_bank_row rows[4];
    CHECK(diag_store_bank_list(&db, rows, 4) == 1 && rows[0].actif && rows[0].sessions == 1);
    free(v2);
}

static void test_stats(void)
{
    /* raw counts and their suppression */
    struct diag_counts raw = {.total = 40, .pro = 3, .autonomie = {0, 3, 20, 12, 5},
                              .ndom = 1, .nfreins = 2};
    snprintf(raw.dom[0].id, DIAG_TAG_MAX, "appareil");
    memcpy(raw.dom[0].niveau, (long[]){0, 15, 15, 10}, sizeof raw.dom[0].niveau);
    snprintf(raw.freins[0].id, DIAG_TAG_MAX, "materiel");
    raw.freins[0].n = 4;
    snprintf(raw.freins[1].id, DIAG_TAG_MAX, "langue");
    raw.freins[1].n = 11;
    struct diag_stats s;
    diag_stats_suppress(&raw, &s);
    CHECK(!s.secret && s.c.total == 40);
    /* 3 and 5 hidden; no single hidden cell to subtract */
    CHECK(s.c.autonomie[1] == -1 && s.c.autonomie[4] == -1 && s.c.autonomie[2] == 20 &&
          s.c.autonomie[3] == 12);
    CHECK(s.c.dom[0].niveau[0] == 0 && s.c.dom[0].niveau[3] == 10);
    CHECK(s.c.freins[0].n == -1 && s.c.freins[1].n == 11);
    CHECK(s.c.pro == -1);
    /* one hidden cell: the smallest other one goes too */
    struct diag_counts one = {.total = 45, .autonomie = {0, 5, 20, 12, 8 + 0}};
    one.autonomie[4] = 8;
    one.autonomie[1] = 25 - 20 + 0;
    memcpy(one.autonomie, (long[]){0, 2, 20, 12, 11}, sizeof one.autonomie);
    diag_stats_suppress(&one, &s);
    CHECK(s.c.autonomie[1] == -1 && s.c.autonomie[4] == -1 && s.c.autonomie[3] == 12);
    /* below the threshold in all: secret */
    struct diag_counts few = {.total = 7, .autonomie = {0, 7, 0, 0, 0}};
    diag_stats_suppress(&few, &s);
    CHECK(s.secret && s.c.total == -1 && s.c.autonomie[1] == -1);

    /* from the database: the sessions finished above, in the 13 */
    struct diag_filter f = {.niveau = "departement", .code = "13"};
    struct diag_counts c;
    CHECK(diag_store_counts(&db, &f, &c) == 0 && c.total == 2);
    CHECK(c.autonomie[3] == 1 && c.autonomie[2] == 1 && c.duree_mediane == 300);
    if (c.autonomie[3] != 1 || c.autonomie[2] != 1 || c.duree_mediane != 300)
        fprintf(stderr, "  counts: %ld %ld %ld %ld, median %ld\n", c.autonomie[1], c.autonomie[2],
                c.autonomie[3], c.autonomie[4], c.duree_mediane);
    struct diag_filter bad = {.niveau = "planete", .code = "3"};
    CHECK(diag_filter_ok(&bad) == -1 && diag_store_counts(&db, &bad, &c) == -1);
    struct diag_filter all = {0};
    CHECK(diag_store_counts(&db, &all, &c) == 0 && c.total == 3 && c.pro == 1);
    CHECK(diag_stats(&db, &all, &s) == 0 && s.secret);
    struct buf j = BUF_INIT;
    diag_stats_json(diag_referentiel(&db), &all, &s, &j);
    json_error_t e;
    json_t *o = json_loads(j.s, 0, &e);
    CHECK(o && json_is_true(json_object_get(o, "secret")) &&
          json_is_null(json_object_get(o, "diagnostics")));
    json_decref(o);
    buf_free(&j);
    /* many sessions: shown; the counters follow each finished one */
    CHECK(diag_stats(&db, &f, &s) == 0 && s.secret);
    for (int i = 0; i < 12; i++) {
        struct diag_sync sy;
        struct diag_sync_reply rep;
        char cle[40];
        snprintf(cle, sizeof cle, "stat-%02d-0123456789abcdefgh", i);
        build_sync(&sy, i % 4, 30, 30, 1);
        CHECK(diag_sync_apply(&db, cle, &sy, now, &rep) == 0 && rep.termine);
    }
    CHECK(diag_stats(&db, &f, &s) == 0 && !s.secret && s.c.total == 14);
    struct diag_stats again;
    struct diag_counts fresh;
    CHECK(diag_stats(&db, &f, &again) == 0 && again.c.total == s.c.total &&
          memcmp(again.c.autonomie, s.c.autonomie, sizeof s.c.autonomie) == 0);
    CHECK(diag_store_counts(&db, &f, &fresh) == 0 && fresh.total == 14); /* the cache agrees */
    j = (struct buf)BUF_INIT;
    diag_stats_json(diag_referentiel(&db), &f, &s, &j);
    o = json_loads(j.s, 0, &e);
    CHECK(o && json_integer_value(json_object_get(o, "diagnostics")) == 14);
    CHECK(json_is_object(json_object_get(json_object_get(o, "domaines"), "securite")));
    json_decref(o);
    buf_free(&j);
    /* Many diagnostics (1,000 copies of a finished session made in SQL, as
     * a bulk load would): counted once the counters are rebuilt. */
    CHECK(db_exec(&db, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000) "
                       "INSERT INTO diagnostic_session (cle, banque_version, mode, langue, revision, "
                       "created_at, updated_at, termine_at, commune, departement, region, epci, score, "
                       "autonomie_calculee, autonomie) SELECT 'copie-' || i || '-0123456789abcdef', "
                       "banque_version, mode, langue, 1, created_at, updated_at, termine_at, commune, "
                       "departement, region, epci, score, autonomie_calculee, autonomie FROM n, "
                       "(SELECT * FROM diagnostic_session WHERE termine_at IS NOT NULL AND "
                       "departement = '13' LIMIT 1)") == 0);
    CHECK(diag_stats(&db, &f, &s) == 0 && s.c.total == 14); /* not yet counted */
    CHECK(diag_agregats_rebuild(&db, NULL) == 0);
    CHECK(diag_stats(&db, &f, &s) == 0 && s.c.total == 1014);
    {
        struct diag_sync sy;
        struct diag_sync_reply rep;
        build_sync(&sy, 2, 30, 30, 1);
        CHECK(diag_sync_apply(&db, "une-de-plus-0123456789abcdefgh", &sy, now, &rep) == 0 &&
              rep.termine);
    }
    CHECK(diag_stats(&db, &f, &s) == 0 && s.c.total == 1015);
    struct diag_filter later = {.niveau = "departement", .code = "13", .depuis = "2100-01-01"};
    CHECK(diag_stats(&db, &later, &s) == 0 && s.c.total == 0);
    /* a bound with a time of day is counted from the sessions: the same */
    struct diag_filter timed = {.niveau = "departement", .code = "13", .depuis = "2026-11-24T00:00"};
    struct diag_counts x, y;
    CHECK(diag_store_counts(&db, &timed, &x) == 0 && x.total == 1015);
    /* back to the 14 sessions the next tests count */
    CHECK(db_exec(&db, "DELETE FROM diagnostic_session WHERE cle LIKE 'copie-%' OR "
                       "cle = 'une-de-plus-0123456789abcdefgh'") == 0);
    CHECK(diag_agregats_rebuild(&db, NULL) == 0);
    CHECK(diag_store_counts(&db, &f, &x) == 0 && diag_store_counts_sql(&db, &f, &y) == 0 &&
          x.total == 14 && memcmp(&x, &y, sizeof x) == 0);
}

/* The counters equal a count of the sessions, for every territory level
 * and many periods, whether sessions were added one by one as they were
 * finished or all at once by a rebuild. */
static char *table_rows(void)
{
    sqlite3_stmt *st = db_prepare(&db, "SELECT group_concat(portee || '/' || code || '/' || grain || "
                                       "'/' || debut || '=' || hex(v), ';') FROM (SELECT * FROM "
                                       "stat_agregat WHERE portee >= 16 ORDER BY 1, 2, 3, 4)");
    char *out = NULL;
    if (st && sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
        out = strdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return out;
}

static void test_aggregates(void)
{
    srand(7);
    /* finished one by one, through the real path, over three years; some
     * without a commune (France only), durations of 0 to 40 minutes */
    for (int i = 0; i < 80; i++) {
        struct diag_sync sy;
        struct diag_sync_reply rep;
        char cle[48];
        snprintf(cle, sizeof cle, "agregat-%03d-0123456789abcdefgh", i);
        time_t t0 = now - (time_t)(rand() % (3 * 365)) * 86400 - rand() % 86400;
        build_sync(&sy, rand() % 4, 2, 1, 0);
        if (i % 5 == 0)
            sy.commune[0] = 0;
        CHECK(diag_sync_apply(&db, cle, &sy, t0, &rep) == 0);
        build_sync(&sy, rand() % 4, 30, 2, 1);
        if (i % 5 == 0)
            sy.commune[0] = 0;
        CHECK(diag_sync_apply(&db, cle, &sy, t0 + rand() % 2400, &rep) == 0 && rep.termine);
    }
    /* kept one by one as they were finished: a rebuild gives the same rows */
    char *one_by_one = table_rows();
    CHECK(diag_agregats_rebuild(&db, NULL) == 0);
    char *rebuilt = table_rows();
    CHECK(one_by_one && rebuilt && strcmp(one_by_one, rebuilt) == 0);
    free(one_by_one);
    free(rebuilt);
    /* and a bulk load in SQL across territories, modes, steps and dates */
    CHECK(db_exec(&db, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000) "
                       "INSERT INTO diagnostic_session (cle, banque_version, mode, langue, revision, "
                       "created_at, updated_at, termine_at, commune, departement, region, epci, "
                       "autonomie) SELECT 'masse-' || i || '-0123456789abcdef', '1', "
                       "CASE WHEN i % 3 = 0 THEN 'pro' ELSE 'autonome' END, 'fr', 1, "
                       "strftime('%Y-%m-%dT%H:%M:%SZ', t - (i * 37) % 1800, 'unixepoch'), "
                       "strftime('%Y-%m-%dT%H:%M:%SZ', t, 'unixepoch'), "
                       "strftime('%Y-%m-%dT%H:%M:%SZ', t, 'unixepoch'), "
                       "CASE i % 4 WHEN 0 THEN NULL ELSE '0' || (i % 7) || '00' || (i % 3) END, "
                       "CASE i % 4 WHEN 0 THEN NULL ELSE '0' || (i % 7) END, "
                       "CASE i % 4 WHEN 0 THEN NULL ELSE (i % 2) + 1 END, "
                       "CASE i % 4 WHEN 0 THEN NULL ELSE 'E' || (i % 5) END, "
                       "CASE WHEN i % 11 = 0 THEN NULL ELSE i % 4 + 1 END "
                       "FROM (SELECT i, 1700000000 + (i * 7919 * 60) % 94608000 AS t FROM n)") == 0);
    CHECK(db_exec(&db, "INSERT INTO diagnostic_domaine SELECT id, 'd' || (id % 6), id % 5 FROM "
                       "diagnostic_session WHERE cle LIKE 'masse-%';"
                       "INSERT INTO diagnostic_domaine SELECT id, 'd' || ((id + 2) % 6), (id / 3) % 4 "
                       "FROM diagnostic_session WHERE cle LIKE 'masse-%' AND id % 6 <> (id + 2) % 6;"
                       "INSERT INTO diagnostic_frein SELECT id, 'frein-' || (id % 9) FROM "
                       "diagnostic_session WHERE cle LIKE 'masse-%' AND id % 2 = 0;"
                       "INSERT INTO diagnostic_besoin SELECT id, 'besoin-' || (id % 13) FROM "
                       "diagnostic_session WHERE cle LIKE 'masse-%' AND id % 3 <> 0") == 0);
    CHECK(diag_agregats_rebuild(&db, NULL) == 0);
    static const char *const levels[][2] = {
        {NULL, NULL}, {"region", "93"}, {"departement", "13"}, {"epci", "200054807"},
        {"commune", "13055"}, {"region", "1"}, {"region", "2"}, {"departement", "03"},
        {"epci", "E2"}, {"commune", "03002"}, {"commune", "99999"},
    };
    static const char *const periods[][2] = {
        {NULL, NULL}, {"2024-01-01", "2024-12-31"}, {"2025-03-01", "2025-03-31"},
        {"2026-11-24", "2026-11-24"}, {"2023-12-15", "2025-01-10"}, {"2025-06-01", NULL},
        {NULL, "2024-07-14"}, {"2026-12-01", "2026-01-01"}, {"2020-02-29", "2028-02-29"},
    };
    int compared = 0, differ = 0;
    for (size_t l = 0; l < sizeof levels / sizeof *levels; l++) {
        for (int p = 0; p < 9 + 20; p++) {
            char du[11], au[11];
            struct diag_filter f = {.niveau = levels[l][0], .code = levels[l][1]};
            if (p < 9) {
                f.depuis = periods[p][0];
                f.jusqu = periods[p][1];
            } else {
                long a = jour_from_civil(2023, 11, 1) + rand() % 1200, b = a + rand() % 500;
                jour_format(a, du);
                jour_format(b, au);
                f.depuis = du;
                f.jusqu = au;
            }
            struct diag_counts x, y;
            CHECK(diag_store_counts(&db, &f, &x) == 0 && diag_store_counts_sql(&db, &f, &y) == 0);
            compared++;
            if (memcmp(&x, &y, sizeof x) != 0) {
                differ++;
                fprintf(stderr, "  %s %s %s..%s: total %ld/%ld median %ld/%ld\n",
                        f.niveau ? f.niveau : "France", f.code ? f.code : "", f.depuis ? f.depuis : "",
                        f.jusqu ? f.jusqu : "", x.total, y.total, x.duree_mediane, y.duree_mediane);
            }
        }
    }
    CHECK(compared == 11 * 29 && differ == 0);
    struct diag_filter all = {0};
    struct diag_counts x;
    long finished = count("SELECT count(*) FROM diagnostic_session WHERE termine_at IS NOT NULL");
    CHECK(finished >= 80 + 3000);
    CHECK(diag_store_counts(&db, &all, &x) == 0 && x.total == finished && x.nfreins >= 9 &&
          x.ndom >= 6 && x.duree_mediane > 0);
    /* a database upgraded with finished diagnostics (migration 009 leaves
     * the counters unbuilt): counted from the sessions, the same, until
     * they are built once */
    char *by_rebuild = table_rows();
    CHECK(db_exec(&db, "DELETE FROM meta WHERE key = 'diag_agregats'; "
                       "DELETE FROM stat_agregat WHERE portee >= 16") == 0);
    struct diag_filter dep = {.niveau = "departement", .code = "03", .depuis = "2024-02-03"};
    struct diag_counts a1, a2;
    CHECK(diag_store_counts(&db, &dep, &a1) == 0 && diag_store_counts_sql(&db, &dep, &a2) == 0 &&
          a1.total > 0 && memcmp(&a1, &a2, sizeof a1) == 0);
    CHECK(diag_agregats_add(&db, 1) == 0 && count("SELECT count(*) FROM stat_agregat WHERE portee >= 16") == 0);
    long buckets = 0;
    CHECK(diag_agregats_ensure(&db, &buckets) == 0 && buckets > 0);
    CHECK(diag_agregats_ensure(&db, &buckets) == 0 && buckets == -1);
    char *again = table_rows();
    CHECK(by_rebuild && again && strcmp(by_rebuild, again) == 0);
    free(by_rebuild);
    free(again);
    /* back to the 14 sessions the next tests count */
    CHECK(db_exec(&db, "DELETE FROM diagnostic_session WHERE cle LIKE 'masse-%' OR cle LIKE 'agregat-%'") == 0);
    CHECK(diag_agregats_rebuild(&db, NULL) == 0);
    CHECK(diag_store_counts(&db, &all, &x) == 0 && x.total == finished - 80 - 3000);
}

static void test_export(void)
{
    struct buf out = BUF_INIT;
    struct diag_filter f = {.niveau = "departement", .code = "13"};
    long n = 0;
    CHECK(diag_export_json(&db, &f, &out, NULL, now, &n) == 0 && n == 14);
    json_error_t e;
    json_t *o = json_loads(out.s, 0, &e);
    CHECK(o != NULL);
    if (!o)
        fprintf(stderr, "  export JSON: %s at %d\n", e.text, e.position);
    CHECK_STR(json_string_value(json_object_get(o, "format")), "passerelle-diagnostic-export");
    json_t *res = json_object_get(o, "resultats");
    CHECK(json_array_size(res) == 14 && json_integer_value(json_object_get(o, "nombre")) == 14);
    json_t *r0 = json_array_get(res, 0);
    CHECK(json_object_get(r0, "cle") == NULL && json_object_get(r0, "ajustement_motif") == NULL);
    CHECK(json_is_array(json_object_get(r0, "reponses")) &&
          json_array_size(json_object_get(r0, "reponses")) >= 13);
    int with300 = 0;
    for (size_t i = 0; i < json_array_size(res); i++)
        with300 += json_integer_value(json_object_get(json_array_get(res, i), "duree_secondes")) == 300;
    CHECK(with300 == 1);
    CHECK(strstr(out.s, "hors-ligne") == NULL);
    json_decref(o);
    /* to a file: the same document */
    FILE *tmp = tmpfile();
    struct buf small = BUF_INIT;
    CHECK(diag_export_json(&db, &f, &small, tmp, now, &n) == 0 && n == 14);
    long size = ftell(tmp);
    CHECK(size == (long)out.len);
    fclose(tmp);
    buf_free(&small);
    buf_free(&out);
    /* the professional one with its observations */
    struct diag_filter all = {0};
    out = (struct buf)BUF_INIT;
    CHECK(diag_export_json(&db, &all, &out, NULL, now, &n) == 0);
    o = json_loads(out.s, 0, &e);
    CHECK(o && strstr(out.s, "\"peur_erreur\"") && !strstr(out.s, "Ne lit pas"));
    json_decref(o);
    buf_free(&out);
}

static void test_orientation(void)
{
    const struct diag_ref *ref = diag_referentiel(&db);
    struct diag_result r = {.ndomaines = 5, .autonomie = 1, .niveau = {0, 0, 1, 0, 0}};
    r.besoins = (uint64_t)1 << diag_ref_besoin(ref, "demarches");
    r.freins = (uint64_t)1 << diag_ref_frein(ref, "lecture_ecriture") |
               (uint64_t)1 << diag_ref_frein(ref, "materiel");
    struct diag_needs n;
    diag_needs_of(ref, &r, &n);
    int has_demarches = 0, has_materiel = 0, has_quotidien = 0;
    for (int i = 0; i < n.nservices; i++) {
        has_demarches |= strcmp(n.services[i], "Aide aux démarches administratives") == 0;
        has_materiel |= strcmp(n.services[i], "Accès internet et matériel informatique") == 0;
        has_quotidien |= strcmp(n.services[i], "Maîtrise des outils numériques du quotidien") == 0;
    }
    CHECK(has_demarches && has_materiel && has_quotidien);
    CHECK(n.npec == 1 && strcmp(n.prise_en_charge[0], "Illettrisme") == 0);
    CHECK(n.nmodalites == 1 && strcmp(n.modalites[0], "Accompagnement individuel") == 0);
    CHECK(n.nprogrammes == 2);
    /* every value is one of the standard's */
    for (int i = 0; i < n.nservices; i++) {
        const struct lieu_field_info *fi = lieu_field_info(LF_SERVICES);
        int ok = 0;
        for (const char *const *v = fi->values; *v && !ok; v++)
            ok = strcmp(*v, n.services[i]) == 0;
        CHECK(ok);
    }
    struct diag_places p;
    CHECK(diag_orient(&db, &n, 43.2965, 5.3698, now, &p) == 0);
    CHECK(p.n == DIAG_PLACES_MAX && p.nearby >= 5);
    /* Marseille's demo place with "Illettrisme" and individual support ranks first */
    CHECK(diag_list_has(p.v[0].hit.l.f[LF_PRISE_EN_CHARGE_SPECIFIQUE], "Illettrisme"));
    for (int i = 0; i < p.n; i++)
        printf("orientation: %d points, %.1f km, %s | %s | %s\n", p.v[i].points, p.v[i].hit.km,
               lieu_get(&p.v[i].hit.l, LF_NOM), lieu_get(&p.v[i].hit.l, LF_PRISE_EN_CHARGE_SPECIFIQUE),
               lieu_get(&p.v[i].hit.l, LF_MODALITES_ACCOMPAGNEMENT));
    for (int i = 1; i < p.n; i++)
        CHECK(p.v[i - 1].points >= p.v[i].points);
    for (int i = 0; i < p.n; i++)
        CHECK(p.v[i].hit.km < DIAG_ORIENT_KM);
    diag_places_free(&p);
    /* far from every place: the nearest ones anyway */
    CHECK(diag_orient(&db, &n, 48.0, -4.5, now, &p) == 0 && p.n > 0 && p.nearby == 0);
    diag_places_free(&p);
    /* option lists */
    CHECK(diag_list_has("A|B|Cé", "Cé") && !diag_list_has("A|BC", "B") && !diag_list_has(NULL, "A"));
}

int main(void)
{
    setup();
    RUN(test_session_flow);
    RUN(test_pro_session);
    RUN(test_sync_parse);
    RUN(test_sync);
    RUN(test_banks);
    RUN(test_stats);
    RUN(test_aggregates);
    RUN(test_export);
    RUN(test_orientation);
    db_close(&db);
    return CHECK_DONE();
}
