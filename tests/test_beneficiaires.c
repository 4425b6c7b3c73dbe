/* test_beneficiaires.c - followed people and referrals under the GDPR:
 * the key file and sealing, that a copy of the database file reveals no
 * name, phone, e-mail or message (the raw bytes of the file and its WAL
 * are searched), search through blind indexes, La Coop's duplicate rule,
 * merge, the export, erasure, the retention rule on a fixed clock, and
 * referrals: consented fields only, mails without personal data, the
 * single-use link, reminders, expiry and wiping on a fixed clock. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "accomp_fixture.h"
#include "accompagnement/beneficiaire.h"
#include "accompagnement/orientation.h"
#include "accompagnement/rotation.h"
#include "base/jour.h"
#include "base/text.h"
#include "check.h"

static struct db db;
static struct data_key key;
static time_t now;
static char path[256];

static void test_key(void)
{
    struct data_key k, k2;
    CHECK(data_key_parse((const unsigned char *)fixture_key_hex, strlen(fixture_key_hex), &k) == 0);
    CHECK(data_key_parse((const unsigned char *)fixture_key_hex, 64, &k2) == 0);
    CHECK(memcmp(k.seal, k2.seal, 32) == 0 && memcmp(k.seal, k.index, 32) != 0);
    CHECK(data_key_parse((const unsigned char *)"00112233", 8, &k2) < 0);
    CHECK(data_key_parse((const unsigned char *)"zz112233445566778899aabbccddeeff00112233445566778899aabbccddeeff", 64, &k2) < 0);
    unsigned char raw[32] = {1, 2, 3};
    CHECK(data_key_parse(raw, 32, &k2) == 0 && memcmp(k.seal, k2.seal, 32) != 0);
    unsigned char *blob;
    size_t n;
    char *plain;
    CHECK(data_key_seal(&k, "beneficiaire:1", "Bonjour", 7, &blob, &n) == 0);
    CHECK(data_key_open(&k, "beneficiaire:1", blob, n, &plain, NULL) == 0 && strcmp(plain, "Bonjour") == 0);
    free(plain);
    CHECK(data_key_open(&k, "beneficiaire:2", blob, n, &plain, NULL) < 0); /* moved to another row */
    CHECK(data_key_open(&k2, "beneficiaire:1", blob, n, &plain, NULL) < 0); /* another key */
    blob[n - 1] ^= 1;
    CHECK(data_key_open(&k, "beneficiaire:1", blob, n, &plain, NULL) < 0); /* tampered */
    free(blob);
    /* The database remembers which key it was used with. */
    CHECK(data_key_check(&db, &key) == 1);
    CHECK(data_key_check(&db, &k2) == 0);
    CHECK(data_key_check(&db, &key) == 1);
    /* A key file: made once, never overwritten, read back. */
    char kp[300];
    snprintf(kp, sizeof kp, "%s.cle", path);
    unlink(kp);
    char err[200];
    CHECK(data_key_generate(kp, err, sizeof err) == 0);
    CHECK(data_key_generate(kp, err, sizeof err) < 0);
    CHECK(data_key_load(kp, &k2, err, sizeof err) == 0);
    unlink(kp);
    CHECK(data_key_load(kp, &k2, err, sizeof err) < 0 && strstr(err, kp));
}

static struct accomp_ctx ctx(void)
{
    struct accomp_ctx c = {.cli_user = "test", .now = now, .key = &key};
    return c;
}

static enum accomp_result person(long long structure, const char *form, long long *id,
                                 struct accomp_erreurs *e, struct beneficiaire_similaires *sim)
{
    struct query q;
    CHECK(query_parse(&q, form, strlen(form)) == 0);
    struct beneficiaire_saisie s;
    beneficiaire_saisie_lire(&q, &s);
    query_free(&q);
    struct accomp_ctx c = ctx();
    return beneficiaire_create(&db, &c, structure, &s, e, sim, id);
}

static long long activity(long long structure, long long compte, const char *form)
{
    struct query q;
    CHECK(query_parse(&q, form, strlen(form)) == 0);
    struct activite_saisie s;
    activite_saisie_lire(&q, &s);
    query_free(&q);
    struct activite a = {.structure_id = structure, .compte_id = compte};
    struct accomp_ctx c = ctx();
    struct accomp_erreurs e;
    long long id = 0;
    if (activite_create(&db, &c, &a, &e, &s, &id) != ACC_DONE)
        fprintf(stderr, "activity: %s\n", e.n ? e.e[0].msg : db.err);
    return id;
}

static long long dupont, durand, martin;

static void test_people(void)
{
    struct accomp_erreurs e;
    struct beneficiaire_similaires sim;
    long long id;
    CHECK(person(1, "prenom=&nom=&telephone=12&courriel=x@&annee_naissance=20&mode=oral", &id, &e,
                 &sim) == ACC_INVALID);
    CHECK(accomp_erreur(&e, "prenom") && accomp_erreur(&e, "telephone") &&
          accomp_erreur(&e, "courriel") && accomp_erreur(&e, "annee_naissance") &&
          accomp_erreur(&e, "consentement"));
    CHECK(person(1, "prenom=Zo%C3%A9&nom=Dupont&telephone=06+12+34+56+78"
                    "&courriel=Zoe.Dupont%40Exemple.fr&annee_naissance=1948&commune=13006"
                    "&notes=Pr%C3%A9f%C3%A8re+le+matin&genre=feminin&tranche_age=soixante_dix_plus"
                    "&statut=retraite&consentement=oui&mode=ecrit",
                 &dupont, &e, &sim) == ACC_DONE);
    struct beneficiaire b;
    CHECK(beneficiaire_get(&db, &key, dupont, &b) == 1);
    CHECK_STR(b.prenom, "Zoé");
    CHECK_STR(b.telephone, "+33612345678");
    CHECK_STR(b.courriel, "zoe.dupont@exemple.fr");
    CHECK_STR(b.commune, "13055");
    CHECK_STR(b.consentement_mode, "ecrit");
    CHECK(b.genre == 0 && b.tranche == 6 && b.statut == 3);
    /* Without the key, nothing identifying comes out. */
    CHECK(beneficiaire_get(&db, NULL, dupont, &b) == 1 && b.nom[0] == 0 && b.genre == 0);
    struct data_key other;
    unsigned char raw[32] = {9};
    data_key_parse(raw, 32, &other);
    CHECK(beneficiaire_get(&db, &other, dupont, &b) == -2);
    /* The duplicate rule: a similar person is reported before creation. */
    CHECK(person(1, "prenom=Zoe&nom=Dupond&consentement=oui&mode=oral", &id, &e, &sim) == ACC_DUPLICATE);
    CHECK(sim.n == 1 && sim.id[0] == dupont);
    CHECK(person(1, "prenom=Zoe&nom=Dupond&consentement=oui&mode=oral&forcer=oui", &durand, &e, &sim) ==
          ACC_DONE);
    /* Another structure does not see Marseille's people. */
    CHECK(person(2, "prenom=Zoe&nom=Dupond&consentement=oui&mode=oral", &id, &e, &sim) == ACC_DONE);
    CHECK(person(1, "prenom=Paul&nom=Martin&telephone=0491000000&consentement=oui&mode=oral",
                 &martin, &e, &sim) == ACC_DONE);
    CHECK(person(1, "prenom=Pauline&nom=Bernard&telephone=04+91+00+00+00&consentement=oui&mode=oral",
                 &id, &e, &sim) == ACC_DUPLICATE); /* same phone + first name ~ Paul */
    CHECK(beneficiaire_similarite("dupont", "dupond") > 0.4);
    CHECK(beneficiaire_similarite("dupont", "martin") < 0.1);
    char norm[64];
    beneficiaire_normalise(" Dupont-Lefèvre ", norm, sizeof norm);
    CHECK_STR(norm, "dupontlefevre");
    struct beneficiaire_doublons dd;
    CHECK(beneficiaire_doublons(&db, &key, 1, &dd) == 0);
    CHECK(dd.n == 1 && dd.v[0].a == dupont && dd.v[0].b == durand && (dd.v[0].criteres & 3) == 3);
    beneficiaire_doublons_free(&dd);
    /* Search: words, a phone and an e-mail (blind indexes). */
    struct beneficiaire_liste l;
    CHECK(beneficiaire_search(&db, &key, 1, "dupont", 10, &l) == 0 && l.n == 1 && l.v[0].id == dupont);
    beneficiaire_liste_free(&l);
    CHECK(beneficiaire_search(&db, &key, 1, "06 12 34 56 78", 10, &l) == 0 && l.n == 1);
    beneficiaire_liste_free(&l);
    CHECK(beneficiaire_search(&db, &key, 1, "ZOE.DUPONT@exemple.fr", 10, &l) == 0 && l.n == 1);
    beneficiaire_liste_free(&l);
    CHECK(beneficiaire_search(&db, &key, 2, "dupont", 10, &l) == 0 && l.n == 0);
    beneficiaire_liste_free(&l);
    CHECK(beneficiaire_search(&db, &key, 1, "", 10, &l) == 0 && l.n == 3);
    beneficiaire_liste_free(&l);
}

static long long referral;
static char first_link[64];

/* The token of the last mail to `to` that holds a link. */
static int last_link(const char *to, char out[64])
{
    sqlite3_stmt *st = db_prepare(&db, "SELECT corps FROM mail_sortant WHERE destinataire = ?1 "
                                       "ORDER BY id DESC");
    int found = 0;
    sqlite3_bind_text(st, 1, to, -1, SQLITE_STATIC);
    while (!found && sqlite3_step(st) == SQLITE_ROW) {
        const char *body = (const char *)sqlite3_column_text(st, 0);
        const char *p = strstr(body, "/orientation/lien/");
        if (p) {
            snprintf(out, 44, "%s", p + 18);
            found = 1;
        }
    }
    sqlite3_finalize(st);
    return found;
}

/* Limits are characters, not bytes: a first name of 60 Arabic letters
 * (120 bytes) and notes of 500 euro signs (1,500 bytes) are kept whole;
 * one character more is refused, never cut. */
static void test_long_texts(void)
{
    char form[16384], name[512] = "", notes[8192] = "";
    for (int i = 0; i < 60; i++)
        strcat(name, "%D8%B9"); /* ع */
    for (int i = 0; i < 500; i++)
        strcat(notes, "%E2%82%AC"); /* € */
    snprintf(form, sizeof form, "prenom=%s&nom=Ben&notes=%s&consentement=oui&mode=oral", name,
             notes);
    struct accomp_erreurs e;
    struct beneficiaire_similaires sim;
    long long id = 0;
    enum accomp_result r = person(1, form, &id, &e, &sim);
    CHECK(r == ACC_DONE);
    if (r != ACC_DONE)
        fprintf(stderr, "  result %d, first error: %s\n", (int)r, e.n ? e.e[0].msg : "-");
    struct beneficiaire b;
    CHECK(beneficiaire_get(&db, &key, id, &b) == 1);
    CHECK(strlen(b.prenom) == 120 && text_utf8_len(b.prenom) == 60);
    CHECK(strlen(b.notes) == 1500 && text_utf8_len(b.notes) == 500);
    snprintf(form, sizeof form, "prenom=%s%%D8%%B9&nom=Ben&notes=%s%%E2%%82%%AC&consentement=oui"
             "&mode=oral", name, notes);
    CHECK(person(1, form, &id, &e, &sim) == ACC_INVALID);
    CHECK(accomp_erreur(&e, "prenom") != NULL && accomp_erreur(&e, "notes") != NULL);
    struct accomp_ctx c = ctx();
    CHECK(beneficiaire_erase(&db, &c, id) == ACC_DONE); /* out of the retention test's way */
    /* A workshop's title of 200 « é » and five tags of 30 « ç »: kept whole. */
    char titre[2048] = "", tags[4096] = "";
    for (int i = 0; i < 200; i++)
        strcat(titre, "%C3%A9");
    for (int t = 0; t < 5; t++) {
        if (t)
            strcat(tags, ",");
        for (int i = 0; i < 30; i++)
            strcat(tags, "%C3%A7");
    }
    snprintf(form, sizeof form, "type=collectif&date=2026-11-20&duree=90&lieu=a_distance"
             "&thematique=email&niveau=debutant&anonymes=3&titre=%s&tags=%s", titre, tags);
    long long a = activity(1, 10, form);
    struct activite act;
    CHECK(a > 0 && activite_get(&db, a, &act) == 1);
    CHECK(text_utf8_len(act.titre) == 200 && strlen(act.titre) == 400);
    CHECK(strlen(act.tags) == 5 * 60 + 4);
    CHECK(activite_delete(&db, &c, a) == ACC_DONE); /* the later tests count records */
}

static void test_history_and_referrals(void)
{
    char form[300];
    snprintf(form, sizeof form, "type=individuel&date=2026-11-02&duree=30&lieu=structure"
                                "&thematique=email&beneficiaire=%lld", dupont);
    long long a1 = activity(1, 10, form);
    snprintf(form, sizeof form, "type=individuel&date=2026-10-05&duree=60&lieu=structure"
                                "&thematique=sante&beneficiaire=%lld", dupont);
    long long a2 = activity(1, 11, form);
    CHECK(a1 > 0 && a2 > 0);
    struct beneficiaire b;
    CHECK(beneficiaire_get(&db, &key, dupont, &b) == 1 && b.derniere_activite == jour_from_civil(2026, 11, 2));
    /* Refer: only the consented fields travel, and only with consent. */
    struct orientation_saisie s = {0};
    struct accomp_erreurs e;
    struct accomp_ctx c = ctx();
    snprintf(s.destination, sizeof s.destination, "structure:2");
    s.besoins = 1u << 8;
    s.beneficiaire_id = dupont;
    s.activite_id = a1;
    s.partage = PARTAGE_PRENOM | PARTAGE_TEL;
    snprintf(s.message, sizeof s.message, "Message confidentiel pour Foix");
    CHECK(orientation_send(&db, &c, 1, &s, &e, &referral) == ACC_INVALID);
    CHECK(accomp_erreur(&e, "consentement") != NULL);
    s.consentement = 1;
    CHECK(orientation_send(&db, &c, 1, &s, &e, &referral) == ACC_DONE);
    struct orientation o;
    CHECK(orientation_get(&db, &key, referral, &o) == 1);
    CHECK_STR(o.prenom, "Zoé");
    CHECK_STR(o.telephone, "+33612345678");
    CHECK(o.nom[0] == 0 && o.courriel[0] == 0);
    CHECK(o.dest_structure_id == 2 && o.etat == OR_ENVOYEE);
    CHECK_STR(o.message, "Message confidentiel pour Foix");
    /* The mail holds a link and no personal data. */
    CHECK(last_link("mediatheque@foix.fr", first_link));
    /* case-sensitive: the mail's random link token may hold "zo" by chance */
    sqlite3_stmt *st = db_prepare(&db, "SELECT count(*) FROM mail_sortant WHERE instr(corps, 'Zoé') "
                                       "OR instr(corps, 'Zoe') OR instr(corps, '612345678') "
                                       "OR instr(corps, 'confidentiel')");
    CHECK(st && sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) == 0);
    sqlite3_finalize(st);
    long long id;
    CHECK(orientation_peek_link(&db, first_link, now, &id) == 1 && id == referral);
    CHECK(orientation_peek_link(&db, first_link, now + ORIENTATION_TTL, &id) == 0);
    /* To a place that no structure holds: mailed to the place. Anonymous. */
    struct orientation_saisie s2 = {0};
    snprintf(s2.destination, sizeof s2.destination, "lieu:%lld", fixture_pid(&db, "demo-002"));
    s2.besoins = 1u << 18;
    long long r2;
    CHECK(orientation_send(&db, &c, 1, &s2, &e, &r2) == ACC_DONE);
    CHECK(orientation_get(&db, &key, r2, &o) == 1 && o.dest_structure_id == 0 && o.dest_courriel[0]);
    s2.partage = PARTAGE_NOM;
    CHECK(orientation_send(&db, &c, 1, &s2, &e, &r2) == ACC_INVALID); /* no person to share */
    /* Reminders on a fixed clock: +3 days, +7 days, then expiry at +14. */
    struct orientation_taches_stats ts;
    CHECK(orientation_taches(&db, now + 86400, &ts) == 0 && ts.relances == 0);
    CHECK(orientation_taches(&db, now + 3 * 86400, &ts) == 0 && ts.relances == 2);
    char second[64];
    CHECK(last_link("mediatheque@foix.fr", second) && strcmp(second, first_link) != 0);
    CHECK(orientation_peek_link(&db, first_link, now + 3 * 86400, &id) == 0); /* voided */
    CHECK(orientation_taches(&db, now + 4 * 86400, &ts) == 0 && ts.relances == 0);
    CHECK(orientation_taches(&db, now + 7 * 86400, &ts) == 0 && ts.relances == 2);
    CHECK(last_link("mediatheque@foix.fr", second));
    /* Accept with the link: single use; a closing link comes by mail. */
    c.now = now + 8 * 86400;
    CHECK(orientation_act_link(&db, &c, second, "accepter", NULL, &id) == ACC_DONE && id == referral);
    CHECK(orientation_act_link(&db, &c, second, "refuser", NULL, &id) == ACC_NOT_FOUND);
    char closing[64];
    CHECK(last_link("mediatheque@foix.fr", closing) && strcmp(closing, second) != 0);
    CHECK(orientation_act_link(&db, &c, closing, "terminer", NULL, &id) == ACC_DONE);
    CHECK(orientation_get(&db, &key, referral, &o) == 1 && o.etat == OR_TERMINEE);
    /* The other one expires after 14 days; the sender is told. */
    CHECK(orientation_taches(&db, now + ORIENTATION_TTL, &ts) == 0 && ts.expirees == 1);
    CHECK(orientation_get(&db, &key, r2, &o) == 1 && o.etat == OR_EXPIREE);
    st = db_prepare(&db, "SELECT count(*) FROM mail_sortant WHERE destinataire = "
                         "'contact@espace-marseille.fr' AND sujet LIKE '%expir%'");
    CHECK(st && sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) == 1);
    sqlite3_finalize(st);
    /* 30 days after the end, the shared data goes. */
    CHECK(orientation_taches(&db, now + 8 * 86400 + ORIENTATION_OUBLI, &ts) == 0 && ts.effacees == 1);
    CHECK(orientation_get(&db, &key, referral, &o) == 1 && o.efface && o.prenom[0] == 0);
    /* A new one to erase with the person. */
    c.now = now;
    s.activite_id = 0;
    CHECK(orientation_send(&db, &c, 1, &s, &e, &id) == ACC_DONE);
    /* The export holds it all. */
    int why;
    char *json = beneficiaire_export_json(&db, &key, dupont, now, 24, &why);
    CHECK(json && why == 0);
    CHECK(json && strstr(json, "Dupont") && strstr(json, "Préfère le matin") &&
          strstr(json, "2026-11-02") && strstr(json, "Médiathèque de Foix") &&
          strstr(json, "\"anonymisation_prevue_le\": \"2028-11-02\"") && strstr(json, "effacées"));
    free(json);
    CHECK(beneficiaire_export_json(&db, NULL, 999, now, 24, &why) == NULL);
}

/* Does the file contain the bytes of s? */
static int file_has(const char *file, const char *s)
{
    FILE *f = fopen(file, "rb");
    if (!f)
        return 0;
    size_t cap = 1 << 20, n = 0, k;
    char *buf = malloc(cap);
    while ((k = fread(buf + n, 1, cap - n, f)) > 0) {
        n += k;
        if (n == cap)
            buf = realloc(buf, cap *= 2);
    }
    fclose(f);
    int found = memmem(buf, n, s, strlen(s)) != NULL;
    free(buf);
    return found;
}

static void test_file_reveals_nothing(void)
{
    static const char *const secrets[] = {"Dupont", "Dupond", "Zoé", "Pauline", "612345678",
                                          "0612345678", "zoe.dupont", "exemple.fr", "Martin",
                                          "491000000", "confidentiel", "Préfère"};
    char wal[300];
    snprintf(wal, sizeof wal, "%s-wal", path);
    int seen = 0;
    for (size_t i = 0; i < sizeof secrets / sizeof *secrets; i++)
        seen += file_has(path, secrets[i]) + file_has(wal, secrets[i]);
    CHECK(seen == 0);
    CHECK(db_exec(&db, "PRAGMA wal_checkpoint(TRUNCATE)") == 0);
    seen = 0;
    for (size_t i = 0; i < sizeof secrets / sizeof *secrets; i++)
        seen += file_has(path, secrets[i]);
    CHECK(seen == 0);
    /* The check itself works: a structure's name is in the file. */
    CHECK(file_has(path, "Médiathèque de Foix"));
}

static long long count_where(const char *sql)
{
    sqlite3_stmt *st = db_prepare(&db, sql);
    long long n = st && sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    sqlite3_finalize(st);
    return n;
}

/* A key change re-seals everything under the new key, in one transaction,
 * and refuses a wrong old key or the same key. */
static void test_key_change(void)
{
    struct data_key k2, wrong;
    unsigned char raw[32] = {42}, raw2[32] = {7};
    data_key_parse(raw, 32, &k2);
    data_key_parse(raw2, 32, &wrong);
    long long people = count_where("SELECT count(*) FROM beneficiaire WHERE chiffre IS NOT NULL");
    long long shared = count_where("SELECT count(*) FROM orientation WHERE chiffre IS NOT NULL");
    CHECK(people >= 3 && shared >= 1);
    struct rotation_stats st;
    CHECK(accomp_cle_changer(&db, "test", now, &wrong, &k2, &st) == 0 && strstr(db.err, "ancienne"));
    CHECK(accomp_cle_changer(&db, "test", now, &key, &key, &st) == 0);
    CHECK(data_key_check(&db, &key) == 1);
    /* A row the old key cannot open stops the change, named; nothing changed. */
    CHECK(db_exec(&db, "CREATE TEMP TABLE saved AS SELECT id, chiffre FROM beneficiaire WHERE id = "
                       "(SELECT max(id) FROM beneficiaire WHERE chiffre IS NOT NULL);"
                       "UPDATE beneficiaire SET chiffre = x'00' || substr(chiffre, 2) "
                       "WHERE id = (SELECT id FROM saved)") == 0);
    CHECK(accomp_cle_changer(&db, "test", now, &key, &k2, &st) == -1 &&
          strstr(db.err, "personne suivie n°") && strstr(db.err, "rien n'a été changé"));
    CHECK(data_key_check(&db, &key) == 1 && st.personnes == 0);
    CHECK(count_where("SELECT count(*) FROM journal WHERE action = 'cle.changer'") == 0);
    CHECK(db_exec(&db, "UPDATE beneficiaire SET chiffre = (SELECT chiffre FROM saved) "
                       "WHERE id = (SELECT id FROM saved); DROP TABLE saved") == 0);
    struct beneficiaire b;
    CHECK(beneficiaire_get(&db, &key, dupont, &b) == 1);
    CHECK(accomp_cle_changer(&db, "test", now, &key, &k2, &st) == 1);
    CHECK(st.personnes == people && st.orientations == shared);
    CHECK(data_key_check(&db, &k2) == 1 && data_key_check(&db, &key) == 0);
    CHECK(beneficiaire_get(&db, &k2, dupont, &b) == 1);
    CHECK_STR(b.prenom, "Zoé");
    CHECK_STR(b.courriel, "zoe.dupont@exemple.fr");
    CHECK(beneficiaire_get(&db, &key, dupont, &b) == -2);
    /* The blind indexes follow the new key: searches by phone still find. */
    struct beneficiaire_liste l;
    CHECK(beneficiaire_search(&db, &k2, 1, "06 12 34 56 78", 10, &l) == 0 && l.n == 1 &&
          l.v[0].id == dupont);
    beneficiaire_liste_free(&l);
    /* A process still holding the old key can no longer seal anything. */
    struct accomp_erreurs e;
    struct beneficiaire_similaires sim;
    long long id, rows = count_where("SELECT count(*) FROM beneficiaire");
    CHECK(person(1, "prenom=Lise&nom=Vieuxcle&consentement=oui&mode=oral&forcer=oui", &id, &e, &sim) == ACC_ERROR &&
          strstr(db.err, "a changé"));
    CHECK(count_where("SELECT count(*) FROM beneficiaire") == rows);
    CHECK(count_where("SELECT count(*) FROM journal WHERE action = 'cle.changer'") == 1);
    /* And back, so that the next tests keep the fixture's key. */
    CHECK(accomp_cle_changer(&db, "test", now, &k2, &key, &st) == 1 && st.personnes == people);
    CHECK(beneficiaire_get(&db, &key, dupont, &b) == 1);
    CHECK_STR(b.telephone, "+33612345678");
}

static void test_merge_erase_retention(void)
{
    struct accomp_ctx c = ctx();
    CHECK(beneficiaire_merge(&db, &c, dupont, durand) == ACC_DONE);
    struct beneficiaire b;
    CHECK(beneficiaire_get(&db, &key, durand, &b) == 0 && b.fusionne_dans == dupont && b.nom[0] == 0);
    CHECK(beneficiaire_merge(&db, &c, dupont, martin + 1000) == ACC_NOT_FOUND);
    /* Erase: gone, with its tombstone; activities keep their counts. */
    sqlite3_stmt *st = db_prepare(&db, "SELECT sum(suivis), sum(participants) FROM activite");
    long long before[2] = {0};
    if (st && sqlite3_step(st) == SQLITE_ROW) {
        before[0] = sqlite3_column_int64(st, 0);
        before[1] = sqlite3_column_int64(st, 1);
    }
    sqlite3_finalize(st);
    CHECK(beneficiaire_erase(&db, &c, dupont) == ACC_DONE);
    CHECK(beneficiaire_get(&db, &key, dupont, &b) == 0 && beneficiaire_get(&db, &key, durand, &b) == 0);
    st = db_prepare(&db, "SELECT sum(suivis), sum(participants), (SELECT count(*) FROM "
                         "activite_participant WHERE beneficiaire_id IS NOT NULL), (SELECT count(*) "
                         "FROM orientation WHERE chiffre IS NOT NULL AND partage != 0) FROM activite");
    CHECK(st && sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int64(st, 0) == before[0] &&
          sqlite3_column_int64(st, 1) == before[1] && sqlite3_column_int64(st, 2) == 0 &&
          sqlite3_column_int64(st, 3) == 0);
    sqlite3_finalize(st);
    CHECK(beneficiaire_erase(&db, &c, dupont) == ACC_NOT_FOUND);
    /* Retention on a fixed clock: Martin was never accompanied (created
     * "now"); after 23 months he stays, after 24 he is anonymised. */
    long n;
    CHECK(beneficiaire_retention(&db, "test", now + 23L * 31 * 86400 - 40 * 86400, 24, &n) == 0 && n == 0);
    CHECK(beneficiaire_get(&db, &key, martin, &b) == 1);
    char form[300];
    snprintf(form, sizeof form, "type=individuel&date=2026-11-23&duree=30&lieu=structure"
                                "&thematique=email&beneficiaire=%lld", martin);
    CHECK(activity(1, 10, form) > 0);
    long two_years = (long)(jour_from_civil(2028, 11, 24) - jour_from_civil(2026, 11, 24)) * 86400;
    CHECK(beneficiaire_retention(&db, "test", now + two_years - 2 * 86400, 24, &n) == 0 && n == 0);
    CHECK(beneficiaire_get(&db, &key, martin, &b) == 1);
    /* Accompanied on 23 Nov 2026: anonymised once 24 months have passed
     * (Foix's person, created on the 24th, stays one more day). */
    CHECK(beneficiaire_retention(&db, "test", now + two_years, 24, &n) == 0 && n == 1);
    CHECK(beneficiaire_get(&db, &key, martin, &b) == 0);
    CHECK(beneficiaire_retention(&db, "test", now + two_years + 86400, 24, &n) == 0 && n == 1);
    st = db_prepare(&db, "SELECT count(*) FROM journal WHERE action = 'beneficiaire.anonymiser'");
    CHECK(st && sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) >= 2);
    sqlite3_finalize(st);
    /* The journal holds ids, never names. */
    st = db_prepare(&db, "SELECT count(*) FROM journal WHERE coalesce(avant, '') || coalesce(apres, '') "
                         "LIKE '%Dupont%' OR coalesce(apres, '') LIKE '%Martin%'");
    CHECK(st && sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) == 0);
    sqlite3_finalize(st);
}

int main(void)
{
    now = (time_t)jour_from_civil(2026, 11, 24) * 86400 + 9 * 3600 + 1800;
    snprintf(path, sizeof path, "/tmp/test_beneficiaires_%d.db", (int)getpid());
    unlink(path);
    if (fixture_open(&db, path, &key) < 0)
        return 1;
    RUN(test_key);
    RUN(test_people);
    RUN(test_long_texts);
    RUN(test_history_and_referrals);
    RUN(test_file_reveals_nothing);
    RUN(test_key_change);
    RUN(test_merge_erase_retention);
    db_close(&db);
    char side[300];
    unlink(path);
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);
    return CHECK_DONE();
}
