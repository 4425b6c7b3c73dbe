/* structures.h - the organisations people work for, and the places of the
 * registry they hold.
 *
 * A structure (an association, a CCAS, a médiathèque, a France services
 * point...) is the scope of a structure manager, the employer of
 * médiateurs and the holder of activity records. It is located in a
 * commune (authorization by territory). It holds places of the registry,
 * linked by their source records' keys (source, id): the link survives
 * republication, whatever the merges. Its managers edit those places in
 * pages (lieux/edition.h).
 *
 * Functions return -1 with d->err on database errors; lookups 1 / 0. */
#ifndef STRUCTURES_STRUCTURES_H
#define STRUCTURES_STRUCTURES_H
#include <stddef.h>
#include <time.h>

#include "comptes/authz.h"
#include "store/db.h"

struct structure {
    long long id;
    char nom[256];
    char pivot[32];        /* SIRET / RNA, or "" */
    char commune_code[8];  /* "" when unknown */
    char commune_nom[128]; /* from the territories, "" when unknown */
    char courriel[256];
    char created_at[24];
    int active;
};

/* Create; *id gets the new id. nom is required; commune must be a known
 * commune code (old codes are resolved), pivot 9-14 letters and digits or
 * empty. 0, or -1 with d->err (English) — callers validate first with
 * structures_check() to show French messages. */
int structures_create(struct db *d, const struct structure *s, time_t now, long long *id);
int structures_update(struct db *d, const struct structure *s);
int structures_get(struct db *d, long long id, struct structure *s);

/* French message for the first invalid field (`*field` gets its name:
 * "nom", "commune", "pivot", "courriel"), or NULL when valid. Resolves
 * s->commune_code to the current commune. */
const char *structures_check(struct db *d, struct structure *s, const char **field);

struct structure_list {
    struct structure *v;
    size_t n;
};
/* Every structure, or those in a commune list... by name. 0 or -1. */
int structures_list(struct db *d, struct structure_list *out);
void structure_list_free(struct structure_list *l);

/* Link / unlink a source record (source, id) to a structure. 0 or -1;
 * linking a record that does not exist is -1 with d->err "unknown place". */
int structures_link(struct db *d, long long structure_id, const char *source, const char *id);
int structures_unlink(struct db *d, long long structure_id, const char *source, const char *id);

/* Structures holding published place `lieu_pid` (through any of its
 * members). Fills ids[max]; returns the count or -1. */
int structures_of_lieu(struct db *d, long long lieu_pid, long long *ids, int max);

struct structure_place {
    char source[128], id[256];
    long long lieu_pid; /* the published place it is part of, 0 when retired */
    char nom[256], commune[128];
};
struct structure_places {
    struct structure_place *v;
    size_t n;
};
/* Places held by a structure. 0 or -1. */
int structures_places(struct db *d, long long structure_id, struct structure_places *out);
void structure_places_free(struct structure_places *p);

/* JSON text of a structure for the journal (malloc'd) or NULL on OOM. */
char *structures_journal_json(const struct structure *s);

/* ---- flows (gestion.c): authorized, journaled, one transaction each ----
 * They take the account flows' context and results (comptes/invitation.h):
 * FLOW_INVALID with c->field and c->msg in French, FLOW_FORBIDDEN, FLOW_ERROR. */
struct flow_ctx;
/* Create (AZ_STRUCTURE_CREATE in its commune); the new id in *id. */
int structures_create_flow(struct db *d, struct flow_ctx *c, struct structure *s, long long *id);
/* Change name, commune, SIRET, e-mail (AZ_STRUCTURE_EDIT; a coordinator
 * cannot move it out of their territory). */
int structures_update_flow(struct db *d, struct flow_ctx *c, struct structure *s);
/* Link every source record of published place `pid` to the structure, or
 * unlink them (AZ_STRUCTURE_EDIT on the structure, and the place within
 * the actor's reach: AZ_LIEU_EDIT for coordinators, any place for
 * administrators; a structure manager links places by asking their
 * coordinator). */
int structures_link_flow(struct db *d, struct flow_ctx *c, long long structure_id, long long pid,
                         int link);
/* The structures the actor may see (AZ_STRUCTURE_EDIT on each). */
int structures_visible(struct db *d, const struct actor *a, struct structure_list *out);

#endif
