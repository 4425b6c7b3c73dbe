/* invitation.c - account flows in one transaction each (see invitation.h). */
#include "comptes/invitation.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "comptes/comptes.h"
#include "comptes/lien.h"
#include "comptes/mail.h"
#include "comptes/session.h"
#include "comptes/totp.h"
#include "journal/journal.h"
#include "structures/structures.h"
#include "territoires/territoires.h"

void comptes_public_url(struct db *d, char *out, size_t n)
{
    char *v = db_meta_get(d, "url_publique");
    snprintf(out, n, "%s", v && *v ? v : "http://127.0.0.1:8080");
    free(v);
    size_t len = strlen(out);
    while (len && out[len - 1] == '/')
        out[--len] = 0;
}

static enum flow_result invalid(struct flow_ctx *c, const char *field, const char *msg)
{
    c->field = field;
    snprintf(c->msg, sizeof c->msg, "%s", msg);
    return FLOW_INVALID;
}

static enum flow_result forbidden(struct flow_ctx *c, const char *msg)
{
    c->field = NULL;
    snprintf(c->msg, sizeof c->msg, "%s", msg);
    return FLOW_FORBIDDEN;
}

static int journal(struct db *d, struct flow_ctx *c, const char *action, long long id,
                   const char *avant, const char *apres, const struct grant *where)
{
    char ids[32];
    snprintf(ids, sizeof ids, "%lld", id);
    struct journal_write w = {.action = action, .objet = "compte", .objet_id = ids,
                              .avant = avant, .apres = apres};
    char commune[16] = "";
    if (where) {
        if (where->portee == PORTEE_COMMUNE)
            w.commune = where->code;
        else if (where->portee == PORTEE_DEPARTEMENT)
            w.departement = where->code;
        else if (where->portee == PORTEE_STRUCTURE) {
            struct structure s;
            if (structures_get(d, atoll(where->code), &s) == 1) {
                snprintf(commune, sizeof commune, "%s", s.commune_code);
                w.commune = commune;
                w.structure_id = s.id;
            }
        }
    }
    return journal_record(d, c->by, c->cli_user, c->peer, c->now, &w);
}

void comptes_scope_label(struct db *d, const struct grant *g, char *out, size_t n)
{
    struct territoire t;
    static const int niv[] = {[PORTEE_REGION] = TERRITOIRE_REGION,
                              [PORTEE_DEPARTEMENT] = TERRITOIRE_DEPARTEMENT,
                              [PORTEE_EPCI] = TERRITOIRE_EPCI,
                              [PORTEE_COMMUNE] = TERRITOIRE_COMMUNE};
    static const char *const word[] = {[PORTEE_REGION] = "Région",
                                       [PORTEE_DEPARTEMENT] = "Département",
                                       [PORTEE_EPCI] = "Intercommunalité",
                                       [PORTEE_COMMUNE] = "Commune"};
    switch (g->portee) {
    case PORTEE_NATION:
        snprintf(out, n, "France entière");
        return;
    case PORTEE_REGION:
    case PORTEE_DEPARTEMENT:
    case PORTEE_EPCI:
    case PORTEE_COMMUNE:
        if (territoires_get(d, (enum territoire_niveau)niv[g->portee], g->code, &t) == 1)
            snprintf(out, n, "%s %s — %s", word[g->portee], g->code, t.nom);
        else
            snprintf(out, n, "%s %s", word[g->portee], g->code);
        return;
    case PORTEE_STRUCTURE: {
        struct structure s;
        if (structures_get(d, atoll(g->code), &s) == 1)
            snprintf(out, n, "Structure « %s »", s.nom);
        else
            snprintf(out, n, "Structure n° %s", g->code);
        return;
    }
    case PORTEE_SOURCE:
        snprintf(out, n, "Source de données « %s »", g->code);
        return;
    default:
        snprintf(out, n, "?");
    }
}

/* Does the scope of g name something that exists? */
static int scope_exists(struct db *d, const struct grant *g)
{
    struct territoire t;
    struct structure s;
    switch (g->portee) {
    case PORTEE_REGION: return territoires_get(d, TERRITOIRE_REGION, g->code, &t);
    case PORTEE_DEPARTEMENT: return territoires_get(d, TERRITOIRE_DEPARTEMENT, g->code, &t);
    case PORTEE_EPCI: return territoires_get(d, TERRITOIRE_EPCI, g->code, &t);
    case PORTEE_COMMUNE: return territoires_get(d, TERRITOIRE_COMMUNE, g->code, &t);
    case PORTEE_STRUCTURE: return structures_get(d, atoll(g->code), &s);
    default: return 1;
    }
}

static int invitation_mail(struct db *d, struct flow_ctx *c, const char *email,
                           const struct grant *g, const char *token, int reinvite)
{
    char base[200], scope[300];
    comptes_public_url(d, base, sizeof base);
    comptes_scope_label(d, g, scope, sizeof scope);
    snprintf(c->link, sizeof c->link, "%s/invitation/%s", base, token);
    struct buf body = BUF_INIT;
    buf_puts(&body, "Bonjour,\n\n");
    if (c->by)
        buf_printf(&body, "%s vous invite", c->by->nom[0] ? c->by->nom : c->by->email);
    else
        buf_puts(&body, "L'équipe de Passerelle vous invite");
    buf_printf(&body, " sur Passerelle, l'outil partagé de l'inclusion numérique,\n"
                      "avec le rôle : %s (%s).\n\n",
               role_label(g->role), scope);
    buf_printf(&body, "Pour choisir votre mot de passe et activer votre compte, ouvrez ce lien.\n"
                      "Il marche une seule fois, pendant 7 jours :\n%s\n\n",
               c->link);
    if (reinvite)
        buf_puts(&body, "Ce lien remplace ceux envoyés avant.\n\n");
    buf_puts(&body, "Si vous n'attendiez pas ce message, ne faites rien : aucun compte ne "
                    "sera activé.\n");
    int r = body.oom ? -1
                     : mail_queue(d, email, "Votre accès à Passerelle", body.s, "invitation",
                                  c->now, NULL);
    buf_free(&body);
    return r;
}

static int notice_mail(struct db *d, struct flow_ctx *c, const char *email, const struct grant *g)
{
    char base[200], scope[300];
    comptes_public_url(d, base, sizeof base);
    comptes_scope_label(d, g, scope, sizeof scope);
    struct buf body = BUF_INIT;
    buf_printf(&body, "Bonjour,\n\nVotre compte Passerelle a un nouveau rôle : %s (%s).\n"
                      "Connectez-vous pour l'utiliser : %s/connexion\n",
               role_label(g->role), scope, base);
    int r = body.oom ? -1
                     : mail_queue(d, email, "Nouveau rôle sur Passerelle", body.s, "role",
                                  c->now, NULL);
    buf_free(&body);
    return r;
}

static enum flow_result fail(struct db *d)
{
    db_rollback(d);
    return FLOW_ERROR;
}

enum flow_result comptes_invite(struct db *d, struct flow_ctx *c, const struct invitation *inv)
{
    char email[128];
    c->link[0] = 0;
    if (!inv->email || comptes_normalize_email(inv->email, email, sizeof email) < 0)
        return invalid(c, "email", "L'adresse e-mail n'a pas la bonne forme (exemple : "
                                   "prenom.nom@exemple.fr).");
    if (!comptes_profil_ok(inv->profil))
        return invalid(c, "profil", "Choisissez un profil dans la liste.");
    if (!comptes_grant_valid(&inv->grant))
        return invalid(c, "role", "Ce rôle ne va pas avec ce périmètre : un coordinateur a un "
                                  "territoire, un gestionnaire ou un médiateur une structure, "
                                  "un producteur une source.");
    if (inv->profil && strcmp(inv->profil, "machine") == 0 && inv->grant.role != ROLE_PRODUCTEUR)
        return invalid(c, "profil", "Un compte de service ne peut être que producteur de données.");
    int k = scope_exists(d, &inv->grant);
    if (k < 0)
        return FLOW_ERROR;
    if (k == 0)
        return invalid(c, "code", "Ce territoire ou cette structure n'existe pas.");
    if (c->by) {
        struct authz_resource r = {.grant = &inv->grant};
        k = authz_allowed(d, c->by, AZ_COMPTE_INVITE, &r);
        if (k < 0)
            return FLOW_ERROR;
        if (k == 0)
            return forbidden(c, "Vous ne pouvez pas donner ce rôle sur ce périmètre : il dépasse "
                                "le vôtre.");
    }
    if (db_begin(d) < 0)
        return FLOW_ERROR;
    long long id;
    int r = comptes_create(d, email, inv->nom, inv->profil, c->by ? c->by->compte_id : 0, c->now,
                           &id);
    if (r < 0)
        return fail(d);
    struct compte before, after;
    int existed = r == 1;
    char *avant = NULL;
    if (existed) {
        if (comptes_get(d, id, &before) != 1)
            return fail(d);
        int was_machine = strcmp(before.profil, "machine") == 0;
        int machine_wanted = inv->profil && strcmp(inv->profil, "machine") == 0;
        if (was_machine != machine_wanted || (was_machine && inv->grant.role != ROLE_PRODUCTEUR)) {
            db_rollback(d);
            return invalid(c, "email", was_machine ? "Cette adresse est celle d'un compte de "
                                                     "service : il ne peut être que producteur."
                                                   : "Cette adresse est celle d'un compte de "
                                                     "personne : un producteur de données a "
                                                     "son propre compte de service.");
        }
        avant = comptes_journal_json(&before);
    }
    if (comptes_grant_add(d, id, &inv->grant) < 0)
        goto err;
    int machine = inv->profil && strcmp(inv->profil, "machine") == 0;
    if (machine && comptes_activate_machine(d, id) < 0)
        goto err;
    if (comptes_get(d, id, &after) != 1)
        goto err;
    char token[LIEN_TOKEN_LEN];
    if (!machine && !after.has_password && strcmp(after.etat, "desactive") != 0) {
        if (lien_create(d, id, "invitation", c->now, token) < 0 ||
            invitation_mail(d, c, email, &inv->grant, token, 0) < 0)
            goto err;
    } else if (!machine && existed) {
        if (notice_mail(d, c, email, &inv->grant) < 0)
            goto err;
    }
    char *apres = comptes_journal_json(&after);
    r = journal(d, c, existed ? "compte.role_ajoute" : "compte.inviter", id, avant, apres,
                &inv->grant);
    free(apres);
    if (r < 0 || db_commit(d) < 0)
        goto err;
    free(avant);
    c->compte_id = id;
    return FLOW_DONE;
err:
    free(avant);
    return fail(d);
}

enum flow_result comptes_reinvite(struct db *d, struct flow_ctx *c, long long compte_id)
{
    struct compte a;
    int r = comptes_get(d, compte_id, &a);
    if (r < 0)
        return FLOW_ERROR;
    if (r == 0 || a.ngrants == 0)
        return invalid(c, "compte", "Ce compte n'existe pas.");
    if (a.has_password || strcmp(a.etat, "invite") != 0)
        return invalid(c, "compte", "Ce compte est déjà activé : sa propriétaire ou son "
                                    "propriétaire peut réinitialiser son mot de passe.");
    if (c->by) {
        struct authz_resource res = {.grants = a.grants, .ngrants = a.ngrants};
        r = authz_allowed(d, c->by, AZ_COMPTE_MANAGE, &res);
        if (r <= 0)
            return r < 0 ? FLOW_ERROR : forbidden(c, "Ce compte n'est pas dans votre périmètre.");
    }
    char token[LIEN_TOKEN_LEN];
    if (db_begin(d) < 0)
        return FLOW_ERROR;
    if (lien_create(d, compte_id, "invitation", c->now, token) < 0 ||
        invitation_mail(d, c, a.email, &a.grants[0], token, 1) < 0 ||
        journal(d, c, "compte.reinviter", compte_id, NULL, NULL, &a.grants[0]) < 0 ||
        db_commit(d) < 0)
        return fail(d);
    c->compte_id = compte_id;
    return FLOW_DONE;
}

static enum flow_result check_new_password(struct flow_ctx *c, const char *email,
                                           const char *password, const char *confirmation)
{
    if (!password || !*password)
        return invalid(c, "mot_de_passe", "Choisissez un mot de passe.");
    const char *why = comptes_password_policy(password, email);
    if (why)
        return invalid(c, "mot_de_passe", why);
    if (!confirmation || strcmp(password, confirmation) != 0)
        return invalid(c, "confirmation", "Les deux mots de passe ne sont pas les mêmes.");
    return FLOW_DONE;
}

/* Shared by invitation and reset: consume the link, set the password. */
static enum flow_result use_link(struct db *d, struct flow_ctx *c, const char *token,
                                 const char *objet, const char *password,
                                 const char *confirmation, const char *action)
{
    long long id;
    int r = lien_peek(d, token, objet, c->now, &id);
    if (r < 0)
        return FLOW_ERROR;
    if (r == 0)
        return invalid(c, "lien", "Ce lien ne marche plus : il a déjà servi ou il a expiré. "
                                  "Demandez-en un nouveau.");
    struct compte a;
    if (comptes_get(d, id, &a) != 1)
        return FLOW_ERROR;
    enum flow_result fr = check_new_password(c, a.email, password, confirmation);
    if (fr != FLOW_DONE)
        return fr;
    if (db_begin(d) < 0)
        return FLOW_ERROR;
    r = lien_consume(d, token, objet, c->now, &id);
    if (r <= 0) {
        db_rollback(d);
        return r < 0 ? FLOW_ERROR
                     : invalid(c, "lien", "Ce lien vient de servir. Demandez-en un nouveau.");
    }
    if (comptes_set_password(d, id, password) < 0 || session_delete_all(d, id, NULL) < 0 ||
        journal(d, c, action, id, NULL, NULL, a.ngrants ? &a.grants[0] : NULL) < 0 ||
        db_commit(d) < 0)
        return fail(d);
    c->compte_id = id;
    return FLOW_DONE;
}

enum flow_result comptes_accept_invitation(struct db *d, struct flow_ctx *c, const char *token,
                                           const char *password, const char *confirmation)
{
    return use_link(d, c, token, "invitation", password, confirmation, "compte.activer");
}

enum flow_result comptes_request_reset(struct db *d, struct flow_ctx *c, const char *email)
{
    struct compte a;
    c->link[0] = 0;
    int r = comptes_get_by_email(d, email ? email : "", &a);
    if (r < 0)
        return FLOW_ERROR;
    if (r == 0 || strcmp(a.etat, "actif") != 0 || !a.has_password)
        return FLOW_DONE; /* nothing sent, nothing told */
    char token[LIEN_TOKEN_LEN], base[200];
    comptes_public_url(d, base, sizeof base);
    if (db_begin(d) < 0)
        return FLOW_ERROR;
    if (lien_create(d, a.id, "reinitialisation", c->now, token) < 0)
        return fail(d);
    snprintf(c->link, sizeof c->link, "%s/reinitialisation/%s", base, token);
    struct buf body = BUF_INIT;
    buf_printf(&body, "Bonjour,\n\nQuelqu'un (sans doute vous) a demandé à changer le mot de "
                      "passe de votre compte Passerelle.\n\nPour choisir un nouveau mot de "
                      "passe, ouvrez ce lien. Il marche une seule fois, pendant une heure :\n"
                      "%s\n\nSi vous n'avez rien demandé, ne faites rien : votre mot de passe "
                      "ne change pas.\n",
               c->link);
    r = body.oom ? -1
                 : mail_queue(d, a.email, "Changer votre mot de passe Passerelle", body.s,
                              "reinitialisation", c->now, NULL);
    buf_free(&body);
    if (r < 0 || journal(d, c, "compte.reinitialisation_demandee", a.id, NULL, NULL, NULL) < 0 ||
        db_commit(d) < 0)
        return fail(d);
    return FLOW_DONE;
}

enum flow_result comptes_reset_password(struct db *d, struct flow_ctx *c, const char *token,
                                        const char *password, const char *confirmation)
{
    return use_link(d, c, token, "reinitialisation", password, confirmation,
                    "compte.mot_de_passe_reinitialise");
}

enum flow_result comptes_change_password(struct db *d, struct flow_ctx *c, const char *current,
                                         const char *password, const char *confirmation,
                                         const char *keep_cookie)
{
    if (!c->by)
        return forbidden(c, "Connectez-vous d'abord.");
    long long id;
    int r = comptes_check_password(d, c->by->email, current ? current : "", &id);
    if (r < 0)
        return FLOW_ERROR;
    if (r == 0 || id != c->by->compte_id)
        return invalid(c, "actuel", "Ce n'est pas votre mot de passe actuel.");
    enum flow_result fr = check_new_password(c, c->by->email, password, confirmation);
    if (fr != FLOW_DONE)
        return fr;
    if (db_begin(d) < 0)
        return FLOW_ERROR;
    if (comptes_set_password(d, id, password) < 0 || session_delete_all(d, id, keep_cookie) < 0 ||
        journal(d, c, "compte.mot_de_passe_change", id, NULL, NULL, NULL) < 0 ||
        db_commit(d) < 0)
        return fail(d);
    c->compte_id = id;
    return FLOW_DONE;
}

/* One change to an existing account `a` (loaded and authorized by the
 * caller): op(d, c, arg) in a transaction with the journal line, before
 * and after. */
static enum flow_result change_account(struct db *d, struct flow_ctx *c, struct compte *a,
                                       const char *action, const struct grant *where,
                                       int (*op)(struct db *, struct flow_ctx *, long long,
                                                 const void *),
                                       const void *arg)
{
    long long id = a->id;
    char *avant = comptes_journal_json(a);
    if (db_begin(d) < 0) {
        free(avant);
        return FLOW_ERROR;
    }
    if (op(d, c, id, arg) < 0 || comptes_get(d, id, a) != 1) {
        free(avant);
        return fail(d);
    }
    char *apres = comptes_journal_json(a);
    if (!where && a->ngrants)
        where = &a->grants[0];
    int r = journal(d, c, action, id, avant, apres, where);
    free(avant);
    free(apres);
    if (r < 0 || db_commit(d) < 0)
        return fail(d);
    c->compte_id = id;
    return FLOW_DONE;
}

static int op_deactivate(struct db *d, struct flow_ctx *c, long long id, const void *arg)
{
    (void)arg;
    return comptes_deactivate(d, id, c->now);
}

static int op_reactivate(struct db *d, struct flow_ctx *c, long long id, const void *arg)
{
    (void)c;
    (void)arg;
    return comptes_reactivate(d, id);
}

static int op_remove_grant(struct db *d, struct flow_ctx *c, long long id, const void *arg)
{
    (void)c;
    return comptes_grant_remove(d, id, arg);
}

/* Load account `id` and check the actor may act on it with `action` over
 * `res` (NULL: over all of its grants). 1 allowed (a filled), or the flow
 * result to return. */
static enum flow_result load_allowed(struct db *d, struct flow_ctx *c, long long id,
                                     enum authz_action action, const struct authz_resource *res,
                                     struct compte *a, const char *refusal)
{
    int r = comptes_get(d, id, a);
    if (r < 0)
        return FLOW_ERROR;
    if (r == 0)
        return invalid(c, "compte", "Ce compte n'existe pas.");
    if (!c->by)
        return FLOW_DONE;
    struct authz_resource all = {.grants = a->grants, .ngrants = a->ngrants};
    r = authz_allowed(d, c->by, action, res ? res : &all);
    if (r < 0)
        return FLOW_ERROR;
    return r ? FLOW_DONE : forbidden(c, refusal);
}

enum flow_result comptes_set_active(struct db *d, struct flow_ctx *c, long long compte_id,
                                    int active)
{
    if (c->by && c->by->compte_id == compte_id)
        return forbidden(c, "Vous ne pouvez pas désactiver votre propre compte.");
    struct compte a;
    enum flow_result fr = load_allowed(d, c, compte_id, AZ_COMPTE_MANAGE, NULL, &a,
                                       "Ce compte n'est pas dans votre périmètre : un de ses "
                                       "rôles dépasse le vôtre.");
    if (fr != FLOW_DONE)
        return fr;
    return change_account(d, c, &a, active ? "compte.reactiver" : "compte.desactiver", NULL,
                          active ? op_reactivate : op_deactivate, NULL);
}

enum flow_result comptes_revoke_grant(struct db *d, struct flow_ctx *c, long long compte_id,
                                      const struct grant *g)
{
    if (c->by && c->by->compte_id == compte_id)
        return forbidden(c, "Vous ne pouvez pas retirer ce rôle.");
    struct compte a;
    struct authz_resource res = {.grant = g};
    enum flow_result fr = load_allowed(d, c, compte_id, AZ_COMPTE_INVITE, &res, &a,
                                       "Vous ne pouvez pas retirer ce rôle.");
    if (fr != FLOW_DONE)
        return fr;
    return change_account(d, c, &a, "compte.role_retire", g, op_remove_grant, g);
}

static enum flow_result totp_flow(struct db *d, struct flow_ctx *c, const unsigned char *secret,
                                  const char *code)
{
    if (!c->by)
        return forbidden(c, "Connectez-vous d'abord.");
    long long id = c->by->compte_id;
    if (db_begin(d) < 0)
        return FLOW_ERROR;
    int r = secret ? totp_enable(d, id, secret, code, c->now) : totp_verify(d, id, code, c->now);
    if (r == 1 && !secret)
        r = totp_disable(d, id) < 0 ? -1 : 1;
    if (r == 0) {
        db_rollback(d);
        return invalid(c, "code", "Ce code ne va pas. Recopiez le code affiché maintenant (il "
                                  "change toutes les 30 secondes).");
    }
    if (r < 0 || journal(d, c, secret ? "compte.second_facteur_active"
                                      : "compte.second_facteur_desactive",
                         id, NULL, NULL, NULL) < 0 ||
        db_commit(d) < 0)
        return fail(d);
    c->compte_id = id;
    return FLOW_DONE;
}

enum flow_result comptes_totp_on(struct db *d, struct flow_ctx *c, const unsigned char *secret,
                                 const char *code)
{
    return totp_flow(d, c, secret, code);
}

enum flow_result comptes_totp_off(struct db *d, struct flow_ctx *c, const char *code)
{
    return totp_flow(d, c, NULL, code);
}
