/* authz.c - the single authorization decision (see authz.h).
 *
 * rules[action][role] says which check a grant of that role must pass for
 * the action; C_NO (zero, the default) refuses. A request is allowed when
 * at least one of the actor's grants passes. Adding an action means adding
 * one line to the table and a row to the matrix test
 * (tests/http/test_comptes.py). */
#include "comptes/authz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "territoires/territoires.h"

enum check {
    C_NO,        /* refused */
    C_ANY,       /* any resource (national scope) */
    C_TERRITORY, /* the resource lies within the grant's territory */
    C_STRUCTURE, /* the resource belongs to the grant's structure */
    C_SOURCE,    /* the resource (a place) comes from the grant's source */
    C_SELF,      /* the resource is the actor's own record */
    C_DELEGATE,  /* the grant to give lies within what the grant may give */
};

static const unsigned char rules[AZ__COUNT][ROLE__COUNT] = {
    [AZ_LIEU_EDIT] = {[ROLE_ADMIN] = C_ANY, [ROLE_COORDINATEUR] = C_TERRITORY,
                      [ROLE_GESTIONNAIRE] = C_STRUCTURE},
    [AZ_LIEU_API_WRITE] = {[ROLE_ADMIN] = C_ANY, [ROLE_PRODUCTEUR] = C_SOURCE},
    [AZ_DEDUP_DECIDE] = {[ROLE_ADMIN] = C_ANY, [ROLE_COORDINATEUR] = C_TERRITORY},
    [AZ_STRUCTURE_CREATE] = {[ROLE_ADMIN] = C_ANY, [ROLE_COORDINATEUR] = C_TERRITORY},
    [AZ_STRUCTURE_EDIT] = {[ROLE_ADMIN] = C_ANY, [ROLE_COORDINATEUR] = C_TERRITORY,
                           [ROLE_GESTIONNAIRE] = C_STRUCTURE},
    [AZ_COMPTE_INVITE] = {[ROLE_ADMIN] = C_ANY, [ROLE_COORDINATEUR] = C_DELEGATE,
                          [ROLE_GESTIONNAIRE] = C_DELEGATE},
    [AZ_COMPTE_MANAGE] = {[ROLE_ADMIN] = C_ANY, [ROLE_COORDINATEUR] = C_DELEGATE,
                          [ROLE_GESTIONNAIRE] = C_DELEGATE},
    [AZ_COMPTE_LIST] = {[ROLE_ADMIN] = C_ANY, [ROLE_COORDINATEUR] = C_TERRITORY,
                        [ROLE_GESTIONNAIRE] = C_STRUCTURE},
    [AZ_JETON_MANAGE] = {[ROLE_ADMIN] = C_ANY},
    [AZ_AUDIT_READ] = {[ROLE_ADMIN] = C_ANY, [ROLE_COORDINATEUR] = C_TERRITORY},
    [AZ_DIAGNOSTIC_PRO] = {[ROLE_GESTIONNAIRE] = C_STRUCTURE, [ROLE_MEDIATEUR] = C_STRUCTURE},
    [AZ_DIAGNOSTIC_PUBLISH] = {[ROLE_ADMIN] = C_ANY},
    [AZ_DIAGNOSTIC_STATS] = {[ROLE_ADMIN] = C_ANY, [ROLE_COORDINATEUR] = C_TERRITORY},
    [AZ_ACTIVITE_CREATE] = {[ROLE_MEDIATEUR] = C_STRUCTURE},
    [AZ_ACTIVITE_READ] = {[ROLE_GESTIONNAIRE] = C_STRUCTURE, [ROLE_MEDIATEUR] = C_SELF},
    [AZ_ACTIVITE_EDIT] = {[ROLE_MEDIATEUR] = C_SELF},
    [AZ_BENEFICIAIRE_READ] = {[ROLE_GESTIONNAIRE] = C_STRUCTURE, [ROLE_MEDIATEUR] = C_STRUCTURE},
    [AZ_BENEFICIAIRE_WRITE] = {[ROLE_GESTIONNAIRE] = C_STRUCTURE, [ROLE_MEDIATEUR] = C_STRUCTURE},
    [AZ_BENEFICIAIRE_ERASE] = {[ROLE_GESTIONNAIRE] = C_STRUCTURE, [ROLE_MEDIATEUR] = C_STRUCTURE},
    [AZ_ORIENTATION_SEND] = {[ROLE_MEDIATEUR] = C_STRUCTURE},
    [AZ_ORIENTATION_RECEIVE] = {[ROLE_GESTIONNAIRE] = C_STRUCTURE, [ROLE_MEDIATEUR] = C_STRUCTURE},
    [AZ_STATS_READ] = {[ROLE_ADMIN] = C_ANY, [ROLE_COORDINATEUR] = C_TERRITORY,
                       [ROLE_GESTIONNAIRE] = C_STRUCTURE, [ROLE_MEDIATEUR] = C_SELF},
};

static const char *const action_names[AZ__COUNT] = {
    [AZ_LIEU_EDIT] = "lieu.edit",
    [AZ_LIEU_API_WRITE] = "lieu.api_write",
    [AZ_DEDUP_DECIDE] = "dedup.decide",
    [AZ_STRUCTURE_CREATE] = "structure.create",
    [AZ_STRUCTURE_EDIT] = "structure.edit",
    [AZ_COMPTE_INVITE] = "compte.invite",
    [AZ_COMPTE_MANAGE] = "compte.manage",
    [AZ_COMPTE_LIST] = "compte.list",
    [AZ_JETON_MANAGE] = "jeton.manage",
    [AZ_AUDIT_READ] = "audit.read",
    [AZ_DIAGNOSTIC_PRO] = "diagnostic.pro",
    [AZ_DIAGNOSTIC_PUBLISH] = "diagnostic.publish",
    [AZ_DIAGNOSTIC_STATS] = "diagnostic.stats",
    [AZ_ACTIVITE_CREATE] = "activite.create",
    [AZ_ACTIVITE_READ] = "activite.read",
    [AZ_ACTIVITE_EDIT] = "activite.edit",
    [AZ_BENEFICIAIRE_READ] = "beneficiaire.read",
    [AZ_BENEFICIAIRE_WRITE] = "beneficiaire.write",
    [AZ_BENEFICIAIRE_ERASE] = "beneficiaire.erase",
    [AZ_ORIENTATION_SEND] = "orientation.send",
    [AZ_ORIENTATION_RECEIVE] = "orientation.receive",
    [AZ_STATS_READ] = "stats.read",
};

static const char *const role_names[ROLE__COUNT] = {"admin", "coordinateur", "gestionnaire",
                                                    "mediateur", "producteur"};
static const char *const role_labels[ROLE__COUNT] = {
    "Administrateur national", "Coordinateur territorial", "Gestionnaire de structure",
    "Médiateur numérique", "Producteur de données"};
static const char *const portee_names[PORTEE__COUNT] = {
    "nation", "region", "departement", "epci", "commune", "structure", "source"};

const char *role_nom(enum role r)
{
    return (unsigned)r < ROLE__COUNT ? role_names[r] : "?";
}

const char *role_label(enum role r)
{
    return (unsigned)r < ROLE__COUNT ? role_labels[r] : "?";
}

int role_parse(const char *s)
{
    for (int i = 0; s && i < ROLE__COUNT; i++)
        if (strcmp(s, role_names[i]) == 0)
            return i;
    return -1;
}

const char *portee_nom(enum portee p)
{
    return (unsigned)p < PORTEE__COUNT ? portee_names[p] : "?";
}

int portee_parse(const char *s)
{
    for (int i = 0; s && i < PORTEE__COUNT; i++)
        if (strcmp(s, portee_names[i]) == 0)
            return i;
    return -1;
}

const char *authz_action_nom(enum authz_action a)
{
    return (unsigned)a < AZ__COUNT && action_names[a] ? action_names[a] : "?";
}

int actor_has_role(const struct actor *a, enum role r)
{
    for (int i = 0; a && i < a->ngrants; i++)
        if (a->grants[i].role == r)
            return 1;
    return 0;
}

long long actor_structure(const struct actor *a)
{
    for (int i = 0; a && i < a->ngrants; i++)
        if (a->grants[i].portee == PORTEE_STRUCTURE &&
            (a->grants[i].role == ROLE_GESTIONNAIRE || a->grants[i].role == ROLE_MEDIATEUR))
            return atoll(a->grants[i].code);
    return 0;
}

static int is_territory(enum portee p)
{
    return p <= PORTEE_COMMUNE;
}

/* The territory level a grant's scope names (nation has none). */
static enum territoire_niveau portee_niveau(enum portee p)
{
    switch (p) {
    case PORTEE_REGION: return TERRITOIRE_REGION;
    case PORTEE_DEPARTEMENT: return TERRITOIRE_DEPARTEMENT;
    case PORTEE_EPCI: return TERRITOIRE_EPCI;
    default: return TERRITOIRE_COMMUNE;
    }
}

/* 1 when every commune of EPCI `epci` has column `col` equal to `code`
 * (and the EPCI has communes). */
static int epci_within(struct db *d, const char *epci, const char *col, const char *code)
{
    const char *sql = strcmp(col, "departement") == 0
                          ? "SELECT count(*), sum(departement = ?2) FROM commune WHERE epci = ?1"
                          : "SELECT count(*), sum(region = ?2) FROM commune WHERE epci = ?1";
    sqlite3_stmt *st = db_prepare_cached(d, sql);
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, epci, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, code, -1, SQLITE_TRANSIENT);
    int r = 0;
    if (sqlite3_step(st) == SQLITE_ROW) {
        long n = sqlite3_column_int64(st, 0), k = sqlite3_column_int64(st, 1);
        r = n > 0 && n == k;
    }
    db_release(d, st);
    return r;
}

int authz_grant_covers(struct db *d, const struct grant *g, int niveau, const char *code)
{
    if (!is_territory(g->portee) || !code || !*code)
        return 0;
    if (g->portee == PORTEE_NATION)
        return 1;
    enum territoire_niveau gn = portee_niveau(g->portee);
    if ((int)gn == niveau)
        return strcmp(g->code, code) == 0;
    if ((int)gn < niveau) /* a finer grant never covers a coarser territory */
        return 0;
    switch (niveau) {
    case TERRITOIRE_COMMUNE: {
        struct territoire_commune c;
        int r = territoires_commune(d, code, &c);
        if (r <= 0)
            return r;
        if (gn == TERRITOIRE_EPCI)
            return strcmp(c.epci, g->code) == 0;
        if (gn == TERRITOIRE_DEPARTEMENT)
            return strcmp(c.departement, g->code) == 0;
        return strcmp(c.region, g->code) == 0;
    }
    case TERRITOIRE_EPCI:
        return epci_within(d, code, gn == TERRITOIRE_DEPARTEMENT ? "departement" : "region",
                           g->code);
    case TERRITOIRE_DEPARTEMENT: {
        struct territoire t;
        int r = territoires_get(d, TERRITOIRE_DEPARTEMENT, code, &t);
        if (r <= 0)
            return r;
        return strcmp(t.region, g->code) == 0;
    }
    default:
        return 0;
    }
}

/* The commune of structure `id` into out[n] ("" when unknown). */
static int structure_commune(struct db *d, long long id, char *out, size_t n)
{
    out[0] = 0;
    sqlite3_stmt *st = db_prepare_cached(d, "SELECT commune_code FROM structure WHERE id = ?1");
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW && sqlite3_column_text(st, 0))
        snprintf(out, n, "%s", (const char *)sqlite3_column_text(st, 0));
    db_release(d, st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : db_fail(d, "structure commune");
}

/* Is the resource located within grant g's territory? */
static int territory_check(struct db *d, const struct grant *g, const struct authz_resource *r)
{
    if (r->code)
        return authz_grant_covers(d, g, r->niveau, r->code);
    if (r->commune && *r->commune)
        return authz_grant_covers(d, g, TERRITOIRE_COMMUNE, r->commune);
    if (r->structure_id > 0) {
        char commune[16];
        if (structure_commune(d, r->structure_id, commune, sizeof commune) < 0)
            return -1;
        return commune[0] ? authz_grant_covers(d, g, TERRITOIRE_COMMUNE, commune) : 0;
    }
    return 0;
}

static int same_structure(const struct grant *g, long long structure_id)
{
    return g->portee == PORTEE_STRUCTURE && structure_id > 0 && atoll(g->code) == structure_id;
}

/* May grant g (coordinateur or gestionnaire) give grant t? */
static int delegate_check(struct db *d, const struct grant *g, const struct grant *t)
{
    if (g->role == ROLE_GESTIONNAIRE)
        return (t->role == ROLE_GESTIONNAIRE || t->role == ROLE_MEDIATEUR) &&
               t->portee == PORTEE_STRUCTURE && strcmp(g->code, t->code) == 0 &&
               g->portee == PORTEE_STRUCTURE;
    if (g->role != ROLE_COORDINATEUR)
        return 0;
    if (t->role == ROLE_COORDINATEUR && is_territory(t->portee) && t->portee != PORTEE_NATION)
        return authz_grant_covers(d, g, (int)portee_niveau(t->portee), t->code);
    if ((t->role == ROLE_GESTIONNAIRE || t->role == ROLE_MEDIATEUR) &&
        t->portee == PORTEE_STRUCTURE) {
        char commune[16];
        if (structure_commune(d, atoll(t->code), commune, sizeof commune) < 0)
            return -1;
        return commune[0] ? authz_grant_covers(d, g, TERRITOIRE_COMMUNE, commune) : 0;
    }
    return 0;
}

/* One grant against the rule of its role. 1 / 0 / -1. */
static int grant_allows(struct db *d, const struct actor *a, const struct grant *g,
                        enum authz_action action, const struct authz_resource *r)
{
    switch ((enum check)rules[action][g->role]) {
    case C_NO:
        return 0;
    case C_ANY:
        return 1;
    case C_TERRITORY:
        return territory_check(d, g, r);
    case C_STRUCTURE:
        return same_structure(g, r->structure_id);
    case C_SOURCE:
        return g->portee == PORTEE_SOURCE && r->source && strcmp(g->code, r->source) == 0;
    case C_SELF:
        return r->compte_id > 0 && r->compte_id == a->compte_id;
    case C_DELEGATE:
        if (action == AZ_COMPTE_INVITE)
            return r->grant ? delegate_check(d, g, r->grant) : 0;
        /* AZ_COMPTE_MANAGE: every grant of the target must be delegable by
         * this grant (a coordinator cannot deactivate an administrator). */
        if (r->ngrants <= 0)
            return 0;
        for (int i = 0; i < r->ngrants; i++) {
            int k = delegate_check(d, g, &r->grants[i]);
            if (k <= 0)
                return k;
        }
        return 1;
    }
    return 0;
}

int authz_allowed(struct db *d, const struct actor *a, enum authz_action action,
                  const struct authz_resource *res)
{
    static const struct authz_resource none = {0};
    if (!a || (unsigned)action >= AZ__COUNT)
        return 0;
    if (!res)
        res = &none;
    for (int i = 0; i < a->ngrants; i++) {
        const struct grant *g = &a->grants[i];
        if ((unsigned)g->role >= ROLE__COUNT)
            continue;
        int k = grant_allows(d, a, g, action, res);
        if (k != 0)
            return k; /* allowed, or a database error (never allow on error) */
    }
    return 0;
}
