/* test_authz.c - the authorization table, every action × every role ×
 * in-scope / out-of-scope resource, against an expectation written here
 * independently of authz.c (a reader checks the policy line by line).
 *
 * Territories (inserted by hand): Marseille 13055 and Aix 13001 in the
 * Bouches-du-Rhône (13) and the Métropole Aix-Marseille (EPCI 200054807),
 * Avignon 84007 in the Vaucluse (84), all three in Provence-Alpes-Côte
 * d'Azur (93); Foix 09122 in the Ariège (09), Occitanie (76). Structures:
 * 1 in Marseille, 2 in Foix. */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "comptes/authz.h"
#include "comptes/comptes.h"
#include "store/db.h"
#include "territoires/territoires.h"

static struct db db;

static void setup(void)
{
    CHECK(db_open(&db, ":memory:", 0) == 0);
    CHECK(db_exec(&db,
                  "INSERT INTO region VALUES ('93','Provence-Alpes-Côte d''Azur','13055','metro'),"
                  "('76','Occitanie','31555','metro');"
                  "INSERT INTO departement VALUES ('13','Bouches-du-Rhône','93','13055','metro'),"
                  "('84','Vaucluse','93','84007','metro'),('09','Ariège','76','09122','metro');"
                  "INSERT INTO epci VALUES ('200054807','Métropole d''Aix-Marseille-Provence','METRO',1900000),"
                  "('200040715','Grand Avignon','CA',190000),('200066231','Pays de Foix-Varilhes','CC',33000);"
                  "INSERT INTO commune(code,nom,nom_fold,departement,region,epci,population) VALUES "
                  "('13055','Marseille','marseille','13','93','200054807',870000),"
                  "('13001','Aix-en-Provence','aix en provence','13','93','200054807',145000),"
                  "('84007','Avignon','avignon','84','93','200040715',91000),"
                  "('09122','Foix','foix','09','76','200066231',9500);"
                  "INSERT INTO structure(id,nom,commune_code,created_at) VALUES "
                  "(1,'Espace Marseille','13055','2026-01-01'),(2,'Médiathèque Foix','09122','2026-01-01');") == 0);
}

static struct actor actor_of(long long id, const char *grant)
{
    struct actor a = {.compte_id = id, .ngrants = 1};
    snprintf(a.email, sizeof a.email, "a%lld@example.fr", id);
    CHECK(comptes_grant_parse(grant, &a.grants[0]) == 0);
    return a;
}

enum { ADMIN, REG93, DEP13, EPCI_AMP, COM13055, GEST1, MED1, PROD_A, NACTORS };
static const char *const grants[NACTORS] = {
    "admin:nation:", "coordinateur:region:93", "coordinateur:departement:13",
    "coordinateur:epci:200054807", "coordinateur:commune:13055", "gestionnaire:structure:1",
    "mediateur:structure:1", "producteur:source:hub-a",
};

/* Resources in scope of the "13 / Marseille / structure 1 / source hub-a"
 * side, and their counterparts out of it (Foix, structure 2, hub-b). */
struct pair {
    struct authz_resource in, out;
};

static struct pair resources(enum authz_action act)
{
    struct pair p;
    memset(&p, 0, sizeof p);
    switch (act) {
    case AZ_LIEU_API_WRITE:
        p.in.source = "hub-a";
        p.out.source = "hub-b";
        break;
    case AZ_ACTIVITE_READ:
    case AZ_ACTIVITE_EDIT:
    case AZ_STATS_READ:
        /* own records (compte 7 = the médiateur) of structure 1 in Marseille */
        p.in = (struct authz_resource){.commune = "13055", .structure_id = 1, .compte_id = 7};
        p.out = (struct authz_resource){.commune = "09122", .structure_id = 2, .compte_id = 99};
        break;
    default:
        p.in = (struct authz_resource){.commune = "13055", .structure_id = 1};
        p.out = (struct authz_resource){.commune = "09122", .structure_id = 2};
    }
    return p;
}

/* The expected policy: for each action, what each actor may do on the
 * in-scope resource ('1' allowed, '0' refused), then on the out-of-scope
 * one. Columns: admin, région 93, dép. 13, EPCI AMP, commune 13055,
 * gestionnaire S1, médiateur S1 (compte 7), producteur hub-a. */
static const struct {
    enum authz_action act;
    const char *in, *out;
} expected[] = {
    {AZ_LIEU_EDIT, "11111100", "10000000"},
    {AZ_LIEU_API_WRITE, "10000001", "10000000"},
    {AZ_DEDUP_DECIDE, "11111000", "10000000"},
    {AZ_STRUCTURE_CREATE, "11111000", "10000000"},
    {AZ_STRUCTURE_EDIT, "11111100", "10000000"},
    {AZ_COMPTE_LIST, "11111100", "10000000"},
    {AZ_JETON_MANAGE, "10000000", "10000000"},
    {AZ_AUDIT_READ, "11111000", "10000000"},
    {AZ_DIAGNOSTIC_PRO, "00000110", "00000000"},
    {AZ_DIAGNOSTIC_PUBLISH, "10000000", "10000000"},
    {AZ_DIAGNOSTIC_STATS, "11111000", "10000000"},
    {AZ_ACTIVITE_CREATE, "00000010", "00000000"},
    {AZ_ACTIVITE_READ, "00000110", "00000000"},
    {AZ_ACTIVITE_EDIT, "00000010", "00000000"},
    {AZ_BENEFICIAIRE_READ, "00000110", "00000000"},
    {AZ_BENEFICIAIRE_WRITE, "00000110", "00000000"},
    {AZ_BENEFICIAIRE_ERASE, "00000110", "00000000"},
    {AZ_ORIENTATION_SEND, "00000010", "00000000"},
    {AZ_ORIENTATION_RECEIVE, "00000110", "00000000"},
    {AZ_STATS_READ, "11111110", "10000000"},
};

static void test_matrix(void)
{
    struct actor actors[NACTORS];
    for (int i = 0; i < NACTORS; i++)
        actors[i] = actor_of(i == MED1 ? 7 : 100 + i, grants[i]);
    /* every action of the enum has a row */
    CHECK(sizeof expected / sizeof *expected == AZ__COUNT - 2); /* invite, manage: below */
    for (size_t k = 0; k < sizeof expected / sizeof *expected; k++) {
        struct pair p = resources(expected[k].act);
        for (int i = 0; i < NACTORS; i++) {
            int in = authz_allowed(&db, &actors[i], expected[k].act, &p.in);
            int out = authz_allowed(&db, &actors[i], expected[k].act, &p.out);
            if (in != expected[k].in[i] - '0' || out != expected[k].out[i] - '0')
                fprintf(stderr, "  %s by %s: in=%d (want %c) out=%d (want %c)\n",
                        authz_action_nom(expected[k].act), grants[i], in, expected[k].in[i], out,
                        expected[k].out[i]);
            CHECK(in == expected[k].in[i] - '0');
            CHECK(out == expected[k].out[i] - '0');
        }
    }
    /* anonymous: nothing */
    for (int a = 0; a < AZ__COUNT; a++) {
        struct pair p = resources((enum authz_action)a);
        CHECK(authz_allowed(&db, NULL, (enum authz_action)a, &p.in) == 0);
    }
}

/* Who may give which grant (AZ_COMPTE_INVITE) and manage which account. */
static void test_delegation(void)
{
    struct actor actors[NACTORS];
    for (int i = 0; i < NACTORS; i++)
        actors[i] = actor_of(100 + i, grants[i]);
    static const struct {
        const char *grant;
        const char *who; /* per actor, as above */
    } cases[] = {
        {"admin:nation:", "10000000"},
        {"coordinateur:region:93", "11000000"},
        {"coordinateur:departement:13", "11100000"},
        {"coordinateur:departement:84", "11000000"},
        {"coordinateur:departement:09", "10000000"},
        {"coordinateur:epci:200054807", "11110000"},
        {"coordinateur:commune:13055", "11111000"},
        {"coordinateur:commune:13001", "11110000"},
        {"gestionnaire:structure:1", "11111100"},
        {"mediateur:structure:1", "11111100"},
        {"mediateur:structure:2", "10000000"},
        {"producteur:source:hub-a", "10000000"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        struct grant g;
        CHECK(comptes_grant_parse(cases[k].grant, &g) == 0);
        struct authz_resource r = {.grant = &g};
        struct authz_resource m = {.grants = &g, .ngrants = 1};
        for (int i = 0; i < NACTORS; i++) {
            int inv = authz_allowed(&db, &actors[i], AZ_COMPTE_INVITE, &r);
            int man = authz_allowed(&db, &actors[i], AZ_COMPTE_MANAGE, &m);
            if (inv != cases[k].who[i] - '0')
                fprintf(stderr, "  invite %s by %s: %d\n", cases[k].grant, grants[i], inv);
            CHECK(inv == cases[k].who[i] - '0');
            CHECK(man == inv);
        }
    }
    /* An account holding a grant beyond the manager's scope cannot be
     * managed, even if another of its grants is within. */
    struct grant two[2];
    CHECK(comptes_grant_parse("mediateur:structure:1", &two[0]) == 0);
    CHECK(comptes_grant_parse("mediateur:structure:2", &two[1]) == 0);
    struct authz_resource m = {.grants = two, .ngrants = 2};
    CHECK(authz_allowed(&db, &actors[DEP13], AZ_COMPTE_MANAGE, &m) == 0);
    CHECK(authz_allowed(&db, &actors[ADMIN], AZ_COMPTE_MANAGE, &m) == 1);
}

static void test_territory_containment(void)
{
    struct grant g;
    CHECK(comptes_grant_parse("coordinateur:region:93", &g) == 0);
    CHECK(authz_grant_covers(&db, &g, TERRITOIRE_DEPARTEMENT, "84") == 1);
    CHECK(authz_grant_covers(&db, &g, TERRITOIRE_DEPARTEMENT, "09") == 0);
    CHECK(authz_grant_covers(&db, &g, TERRITOIRE_EPCI, "200054807") == 1);
    CHECK(authz_grant_covers(&db, &g, TERRITOIRE_COMMUNE, "84007") == 1);
    CHECK(authz_grant_covers(&db, &g, TERRITOIRE_REGION, "93") == 1);
    CHECK(authz_grant_covers(&db, &g, TERRITOIRE_REGION, "76") == 0);
    CHECK(comptes_grant_parse("coordinateur:departement:13", &g) == 0);
    CHECK(authz_grant_covers(&db, &g, TERRITOIRE_REGION, "93") == 0); /* coarser: no */
    CHECK(authz_grant_covers(&db, &g, TERRITOIRE_EPCI, "200054807") == 1);
    CHECK(authz_grant_covers(&db, &g, TERRITOIRE_EPCI, "200040715") == 0);
    CHECK(authz_grant_covers(&db, &g, TERRITOIRE_COMMUNE, "99999") == 0);
    CHECK(authz_grant_covers(&db, &g, TERRITOIRE_COMMUNE, NULL) == 0);
    CHECK(comptes_grant_parse("coordinateur:nation:", &g) == 0);
    CHECK(authz_grant_covers(&db, &g, TERRITOIRE_COMMUNE, "09122") == 1);
    /* a structure's territory is its commune's */
    struct actor a = actor_of(1, "coordinateur:departement:09");
    struct authz_resource r = {.structure_id = 2};
    CHECK(authz_allowed(&db, &a, AZ_STRUCTURE_EDIT, &r) == 1);
    r.structure_id = 1;
    CHECK(authz_allowed(&db, &a, AZ_STRUCTURE_EDIT, &r) == 0);
    r.structure_id = 42; /* unknown */
    CHECK(authz_allowed(&db, &a, AZ_STRUCTURE_EDIT, &r) == 0);
}

static void test_grant_shapes(void)
{
    struct grant g;
    CHECK(comptes_grant_parse("admin:nation:", &g) == 0);
    CHECK(comptes_grant_parse("admin:departement:13", &g) < 0);
    CHECK(comptes_grant_parse("coordinateur:structure:1", &g) < 0);
    CHECK(comptes_grant_parse("mediateur:departement:13", &g) < 0);
    CHECK(comptes_grant_parse("mediateur:structure:x", &g) < 0);
    CHECK(comptes_grant_parse("mediateur:structure:0", &g) < 0);
    CHECK(comptes_grant_parse("producteur:source:", &g) < 0);
    CHECK(comptes_grant_parse("superuser:nation:", &g) < 0);
    CHECK(comptes_grant_parse("coordinateur:departement:2a", &g) == 0 && strcmp(g.code, "2A") == 0);
    char out[128];
    comptes_grant_format(&g, out, sizeof out);
    CHECK_STR(out, "coordinateur:departement:2A");
}

int main(void)
{
    RUN(setup);
    RUN(test_matrix);
    RUN(test_delegation);
    RUN(test_territory_containment);
    RUN(test_grant_shapes);
    db_close(&db);
    return CHECK_DONE();
}
