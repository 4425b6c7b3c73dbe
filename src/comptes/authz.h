/* authz.h - who may do what, where: the platform's single authorization
 * decision.
 *
 * An actor (a signed-in account, or a producer's API token) holds grants:
 * a role with a scope. Roles:
 *   admin         national administrator (scope nation)
 *   coordinateur  territorial coordinator, scoped to one territory per grant
 *                 (region, departement, epci or commune); an account may
 *                 hold several grants
 *   gestionnaire  structure manager, scoped to a structure (its places,
 *                 its team, its records)
 *   mediateur     médiateur, conseiller numérique or aidant (the account's
 *                 profil), attached to a structure
 *   producteur    a data producer's machine account, scoped to a source
 *
 * Every handler that reads protected data or writes anything calls
 * authz_allowed() with the action and the resource's attributes (filled by
 * the domain function that loaded the resource, never from the request).
 * The rules are one table in authz.c: for each action, which roles may do it
 * and which scope check applies (territory containment, same structure,
 * same source, own record). Anonymous actors (NULL) are refused every
 * action listed here.
 *
 * Territory containment: a resource located in commune C (or territory T)
 * is within a grant on territory G when C's (T's) every commune lies in G,
 * read from the commune table (commune -> epci, departement, region). */
#ifndef COMPTES_AUTHZ_H
#define COMPTES_AUTHZ_H
#include "store/db.h"

enum role {
    ROLE_ADMIN,
    ROLE_COORDINATEUR,
    ROLE_GESTIONNAIRE,
    ROLE_MEDIATEUR,
    ROLE_PRODUCTEUR,
    ROLE__COUNT
};

enum portee {
    PORTEE_NATION,
    PORTEE_REGION,
    PORTEE_DEPARTEMENT,
    PORTEE_EPCI,
    PORTEE_COMMUNE,
    PORTEE_STRUCTURE,
    PORTEE_SOURCE,
    PORTEE__COUNT
};

/* "admin", "coordinateur", ... and back (-1 when unknown). */
const char *role_nom(enum role r);
int role_parse(const char *s);
/* French label for pages: "Administrateur national", ... */
const char *role_label(enum role r);
/* "nation", "region", "departement", "epci", "commune", "structure",
 * "source" and back (-1 when unknown). */
const char *portee_nom(enum portee p);
int portee_parse(const char *s);

struct grant {
    enum role role;
    enum portee portee;
    char code[64]; /* territory code, structure id (decimal), source; "" for nation */
};

#define ACTOR_MAX_GRANTS 16

struct actor {
    long long compte_id;
    char email[128];
    char nom[128];
    char profil[24];    /* mediateur, conseiller_numerique, aidant, machine, or "" */
    int via_token;      /* authenticated by an API token (no cookie, no CSRF) */
    long long jeton_id; /* the token used, or 0 */
    int ngrants;
    struct grant grants[ACTOR_MAX_GRANTS];
};

/* Does the actor hold role r (anywhere)? */
int actor_has_role(const struct actor *a, enum role r);
/* The first structure the actor is attached to (gestionnaire or mediateur),
 * or 0. */
long long actor_structure(const struct actor *a);

enum authz_action {
    /* lieux */
    AZ_LIEU_EDIT,            /* edit a place in pages (structure's places) */
    AZ_LIEU_API_WRITE,       /* PUT/DELETE a place of a source through the API */
    AZ_DEDUP_DECIDE,         /* never/always merge a pair of places */
    /* structures and accounts */
    AZ_STRUCTURE_CREATE,
    AZ_STRUCTURE_EDIT,       /* its name, contact, places */
    AZ_COMPTE_INVITE,        /* give the resource's grant to a new or existing account */
    AZ_COMPTE_MANAGE,        /* deactivate / reactivate, change grants of an account */
    AZ_COMPTE_LIST,          /* see accounts within scope */
    AZ_JETON_MANAGE,         /* API tokens of a source */
    AZ_AUDIT_READ,           /* the journal within scope */
    /* diagnostic */
    AZ_DIAGNOSTIC_PRO,       /* run a diagnostic in professional mode */
    AZ_DIAGNOSTIC_PUBLISH,   /* publish a new version of the question bank */
    AZ_DIAGNOSTIC_STATS,     /* detailed statistics of a territory */
    /* accompagnement */
    AZ_ACTIVITE_CREATE,      /* record an activity for a structure */
    AZ_ACTIVITE_READ,        /* read one activity record */
    AZ_ACTIVITE_EDIT,        /* change or delete an activity record */
    AZ_BENEFICIAIRE_READ,    /* a followed person's record */
    AZ_BENEFICIAIRE_WRITE,   /* create, change, merge */
    AZ_BENEFICIAIRE_ERASE,   /* GDPR: export and erasure */
    AZ_ORIENTATION_SEND,     /* refer a person to another structure */
    AZ_ORIENTATION_RECEIVE,  /* accept / refuse / close a referral received */
    AZ_STATS_READ,           /* activity statistics of a structure or territory */
    AZ__COUNT
};

/* Short English name of an action ("lieu.edit"), for logs and tests. */
const char *authz_action_nom(enum authz_action a);

/* What the decision needs to know about the resource. Unused fields are
 * zero / NULL. */
struct authz_resource {
    const char *commune;      /* INSEE code where the resource is, or NULL */
    int niveau;               /* or a territory: enum territoire_niveau, with */
    const char *code;         /*   code (NULL when not a territory resource) */
    long long structure_id;   /* the structure it belongs to, or 0 */
    const char *source;       /* the source of a place, or NULL */
    long long compte_id;      /* the account that owns it (own records), or 0 */
    const struct grant *grant; /* AZ_COMPTE_INVITE: the grant to give */
    const struct grant *grants; /* AZ_COMPTE_MANAGE: the target's grants */
    int ngrants;
};

/* 1 when the actor may do `action` on `res`, 0 when not, -1 on database
 * error (d->err set; callers answer 500, never allow). a == NULL is the
 * anonymous visitor: always 0. */
int authz_allowed(struct db *d, const struct actor *a, enum authz_action action,
                  const struct authz_resource *res);

/* Is territory (niveau, code), or commune `commune` when code is NULL,
 * within the grant's scope? 1 / 0, -1 on database error. Exposed for
 * listings that filter by scope (journal, accounts). */
int authz_grant_covers(struct db *d, const struct grant *g, int niveau, const char *code);

#endif
