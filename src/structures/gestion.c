/* gestion.c - structures' flows: create, edit, link places; each
 * authorized with authz_allowed(), journaled, in one transaction (see
 * structures.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "comptes/invitation.h"
#include "journal/journal.h"
#include "structures/structures.h"

static int invalid(struct flow_ctx *c, const char *field, const char *msg)
{
    c->field = field;
    snprintf(c->msg, sizeof c->msg, "%s", msg);
    return FLOW_INVALID;
}

static int forbidden(struct flow_ctx *c, const char *msg)
{
    c->field = NULL;
    snprintf(c->msg, sizeof c->msg, "%s", msg);
    return FLOW_FORBIDDEN;
}

static int allowed(struct db *d, struct flow_ctx *c, enum authz_action a,
                   const struct authz_resource *r)
{
    return c->by ? authz_allowed(d, c->by, a, r) : 1;
}

static int journal(struct db *d, struct flow_ctx *c, const char *action, const struct structure *s,
                   const char *avant, const char *apres)
{
    char ids[32];
    snprintf(ids, sizeof ids, "%lld", s->id);
    struct journal_write w = {.action = action, .objet = "structure", .objet_id = ids,
                              .commune = s->commune_code, .structure_id = s->id,
                              .avant = avant, .apres = apres};
    return journal_record(d, c->by, c->cli_user, c->peer, c->now, &w);
}

static int fail(struct db *d)
{
    db_rollback(d);
    return FLOW_ERROR;
}

int structures_create_flow(struct db *d, struct flow_ctx *c, struct structure *s, long long *id)
{
    const char *field, *why = structures_check(d, s, &field);
    if (why)
        return invalid(c, field, why);
    struct authz_resource r = {.commune = s->commune_code};
    int k = allowed(d, c, AZ_STRUCTURE_CREATE, &r);
    if (k <= 0)
        return k < 0 ? FLOW_ERROR
                     : forbidden(c, "Vous pouvez créer des structures dans votre territoire "
                                    "seulement.");
    if (db_begin(d) < 0 || structures_create(d, s, c->now, id) < 0)
        return fail(d);
    s->id = *id;
    char *apres = structures_journal_json(s);
    k = journal(d, c, "structure.creer", s, NULL, apres);
    free(apres);
    if (k < 0 || db_commit(d) < 0)
        return fail(d);
    return FLOW_DONE;
}

int structures_update_flow(struct db *d, struct flow_ctx *c, struct structure *s)
{
    struct structure before;
    int k = structures_get(d, s->id, &before);
    if (k <= 0)
        return k < 0 ? FLOW_ERROR : invalid(c, "structure", "Cette structure n'existe pas.");
    const char *field, *why = structures_check(d, s, &field);
    if (why)
        return invalid(c, field, why);
    struct authz_resource r = {.structure_id = s->id};
    k = allowed(d, c, AZ_STRUCTURE_EDIT, &r);
    if (k > 0 && c->by) {
        /* ... and where it goes must stay within reach. */
        struct authz_resource to = {.commune = s->commune_code, .structure_id = s->id};
        if (strcmp(before.commune_code, s->commune_code) != 0)
            to.structure_id = 0;
        k = authz_allowed(d, c->by, AZ_STRUCTURE_EDIT, &to);
    }
    if (k <= 0)
        return k < 0 ? FLOW_ERROR : forbidden(c, "Cette structure n'est pas dans votre périmètre.");
    char *avant = structures_journal_json(&before), *apres = structures_journal_json(s);
    int bad = db_begin(d) < 0 || structures_update(d, s) < 0 ||
              journal(d, c, "structure.modifier", s, avant, apres) < 0 || db_commit(d) < 0;
    free(avant);
    free(apres);
    return bad ? fail(d) : FLOW_DONE;
}

/* The source records of published place pid and its commune. */
struct members {
    char source[16][128], id[16][256];
    int n;
    char commune[8];
};

static int members_of(struct db *d, long long pid, struct members *m)
{
    memset(m, 0, sizeof *m);
    sqlite3_stmt *st = db_prepare(
        d, "SELECT s.source_name, s.source_id, coalesce(l.commune_code, '') FROM lieu l "
           "JOIN lieu_membre lm ON lm.lieu_id = l.pid JOIN lieu_source s ON s.rowid = lm.source_rowid "
           "WHERE l.pid = ?1 ORDER BY s.rowid");
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, pid);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && m->n < 16) {
        db_col_copy(st, 0, m->source[m->n], sizeof m->source[0]);
        db_col_copy(st, 1, m->id[m->n], sizeof m->id[0]);
        db_col_copy(st, 2, m->commune, sizeof m->commune);
        m->n++;
    }
    sqlite3_finalize(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? m->n : db_fail(d, "members");
}

int structures_link_flow(struct db *d, struct flow_ctx *c, long long structure_id, long long pid,
                         int link)
{
    struct structure s;
    int k = structures_get(d, structure_id, &s);
    if (k <= 0)
        return k < 0 ? FLOW_ERROR : invalid(c, "structure", "Cette structure n'existe pas.");
    struct members m;
    k = members_of(d, pid, &m);
    if (k <= 0)
        return k < 0 ? FLOW_ERROR
                     : invalid(c, "lieu", "Aucun lieu publié ne porte ce numéro (c'est le "
                                          "nombre à la fin de l'adresse de sa page, /lieu/12).");
    struct authz_resource rs = {.structure_id = structure_id}, rl = {.commune = m.commune};
    k = allowed(d, c, AZ_STRUCTURE_EDIT, &rs);
    /* Linking hands the place's edition to the structure: the actor must
     * reach the place as a coordinator or an administrator. */
    if (k > 0 && c->by && !actor_has_role(c->by, ROLE_ADMIN))
        k = actor_has_role(c->by, ROLE_COORDINATEUR) ? authz_allowed(d, c->by, AZ_LIEU_EDIT, &rl)
                                                     : 0;
    if (k <= 0)
        return k < 0 ? FLOW_ERROR
                     : forbidden(c, "Rattacher un lieu à une structure est fait par un "
                                    "coordinateur de son territoire ou un administrateur.");
    if (db_begin(d) < 0)
        return FLOW_ERROR;
    for (int i = 0; i < m.n; i++)
        if ((link ? structures_link(d, structure_id, m.source[i], m.id[i])
                  : structures_unlink(d, structure_id, m.source[i], m.id[i])) < 0)
            return fail(d);
    char apres[64];
    snprintf(apres, sizeof apres, "{\"lieu\":%lld}", pid);
    if (journal(d, c, link ? "structure.lier_lieu" : "structure.delier_lieu", &s, NULL, apres) < 0 ||
        db_commit(d) < 0)
        return fail(d);
    return FLOW_DONE;
}

int structures_visible(struct db *d, const struct actor *a, struct structure_list *out)
{
    struct structure_list all;
    memset(out, 0, sizeof *out);
    if (structures_list(d, &all) < 0)
        return -1;
    out->v = calloc(all.n ? all.n : 1, sizeof *out->v);
    if (!out->v) {
        structure_list_free(&all);
        snprintf(d->err, sizeof d->err, "out of memory");
        return -1;
    }
    for (size_t i = 0; i < all.n; i++) {
        struct authz_resource r = {.structure_id = all.v[i].id};
        int k = authz_allowed(d, a, AZ_STRUCTURE_EDIT, &r);
        if (k < 0) {
            structure_list_free(&all);
            structure_list_free(out);
            return -1;
        }
        if (k)
            out->v[out->n++] = all.v[i];
    }
    structure_list_free(&all);
    return 0;
}
