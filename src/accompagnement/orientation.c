/* orientation.c - referrals between structures: sending with consent,
 * single-use links, answers, reminders, expiry, wiping (see
 * orientation.h). */
#include "accompagnement/orientation.h"

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accompagnement/activite.h"
#include "accompagnement/beneficiaire.h"
#include "accompagnement/referentiel.h"
#include "base/buf.h"
#include "base/jour.h"
#include "base/text.h"
#include "comptes/invitation.h"
#include "comptes/lien.h"
#include "comptes/mail.h"
#include "journal/journal.h"
#include "lieux/search.h"
#include "structures/structures.h"

static const char *const etat_codes[] = {"envoyee", "acceptee", "refusee", "terminee", "expiree",
                                         "annulee"};
static const char *const etat_labels[] = {"Envoyée", "Acceptée", "Refusée", "Terminée",
                                          "Expirée (sans réponse)", "Annulée"};

const char *orientation_etat_code(int e)
{
    return e >= 0 && e <= OR_ANNULEE ? etat_codes[e] : "?";
}

const char *orientation_etat_label(int e)
{
    return e >= 0 && e <= OR_ANNULEE ? etat_labels[e] : "?";
}

static int etat_parse(const char *s)
{
    for (int i = 0; s && i <= OR_ANNULEE; i++)
        if (strcmp(s, etat_codes[i]) == 0)
            return i;
    return -1;
}

/* ---- form ---- */

void orientation_saisie_lire(const struct query *q, struct orientation_saisie *s)
{
    memset(s, 0, sizeof *s);
    const char *v = query_get(q, "destination");
    snprintf(s->destination, sizeof s->destination, "%s", v ? v : "");
    for (size_t i = 0; (v = query_get_nth(q, "besoin", i)); i++) {
        int k = accomp_code(AV_THEME, v);
        if (k < 0)
            s->bad_value = 1;
        else
            s->besoins |= 1u << k;
    }
    static const struct { const char *code; unsigned bit; } shares[] = {
        {"prenom", PARTAGE_PRENOM}, {"nom", PARTAGE_NOM}, {"telephone", PARTAGE_TEL},
        {"courriel", PARTAGE_COURRIEL}};
    for (size_t i = 0; (v = query_get_nth(q, "partage", i)); i++) {
        int found = 0;
        for (size_t k = 0; k < sizeof shares / sizeof *shares; k++)
            if (strcmp(v, shares[k].code) == 0) {
                s->partage |= shares[k].bit;
                found = 1;
            }
        if (!found)
            s->bad_value = 1;
    }
    v = query_get(q, "consentement");
    s->consentement = v && strcmp(v, "oui") == 0;
    v = query_get(q, "message");
    snprintf(s->message, sizeof s->message, "%s", v ? v : "");
    text_trim(s->message);
    static const struct { const char *k; size_t off; } ids[] = {
        {"activite", offsetof(struct orientation_saisie, activite_id)},
        {"diagnostic", offsetof(struct orientation_saisie, diagnostic_id)},
        {"beneficiaire", offsetof(struct orientation_saisie, beneficiaire_id)}};
    for (size_t i = 0; i < 3; i++) {
        v = query_get(q, ids[i].k);
        if (!v || !*v)
            continue;
        char *end;
        long long id = strtoll(v, &end, 10);
        if (*end || id <= 0)
            s->bad_value = 1;
        else
            *(long long *)((char *)s + ids[i].off) = id;
    }
}

/* ---- links ---- */

/* A new link for referral id until `expire`, voiding its earlier ones. */
static int link_create(struct db *d, long long id, long long expire, char token[ORIENTATION_TOKEN_LEN])
{
    sqlite3_stmt *st = db_prepare_cached(d, "DELETE FROM orientation_lien WHERE orientation_id = ?1");
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    db_release(d, st);
    if (rc != SQLITE_DONE)
        return db_fail(d, "orientation link void");
    unsigned char h[32];
    lien_random_token(token);
    lien_hash(token, h);
    st = db_prepare_cached(d, "INSERT INTO orientation_lien (hash, orientation_id, expire_at) "
                              "VALUES (?1, ?2, ?3)");
    if (!st)
        return -1;
    sqlite3_bind_blob(st, 1, h, sizeof h, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, id);
    sqlite3_bind_int64(st, 3, expire);
    rc = sqlite3_step(st);
    db_release(d, st);
    return rc == SQLITE_DONE ? 0 : db_fail(d, "orientation link");
}

static int link_void(struct db *d, long long id)
{
    sqlite3_stmt *st = db_prepare_cached(d, "DELETE FROM orientation_lien WHERE orientation_id = ?1");
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    db_release(d, st);
    return rc == SQLITE_DONE ? 0 : db_fail(d, "orientation link void");
}

static int link_lookup(struct db *d, const char *token, time_t now, long long *id, int consume)
{
    return lien_take(d, "orientation_lien", "orientation_id", token, NULL, now, consume, id);
}

int orientation_peek_link(struct db *d, const char *token, time_t now, long long *id)
{
    return link_lookup(d, token, now, id, 0);
}

/* ---- reading ---- */

#define OR_COLUMNS                                                                          \
    "o.id, o.structure_id, o.compte_id, coalesce(o.activite_id, 0), coalesce(o.diagnostic_id, 0), " \
    "coalesce(o.beneficiaire_id, 0), coalesce(o.dest_structure_id, 0), "                    \
    "coalesce(o.dest_lieu_pid, 0), s.nom, o.dest_nom, coalesce(o.dest_courriel, ''), "      \
    "coalesce(o.dest_commune, ''), o.besoins, o.partage, coalesce(o.consentement_at, ''), "  \
    "o.etat, o.envoye_at, o.etat_at, o.expire_at, coalesce(o.etat_par, ''), "               \
    "coalesce(o.motif_refus, ''), o.relances, o.chiffre"

static void read_row(sqlite3_stmt *st, struct orientation *o)
{
    memset(o, 0, sizeof *o);
    int c = 0;
    o->id = sqlite3_column_int64(st, c++);
    o->structure_id = sqlite3_column_int64(st, c++);
    o->compte_id = sqlite3_column_int64(st, c++);
    o->activite_id = sqlite3_column_int64(st, c++);
    o->diagnostic_id = sqlite3_column_int64(st, c++);
    o->beneficiaire_id = sqlite3_column_int64(st, c++);
    o->dest_structure_id = sqlite3_column_int64(st, c++);
    o->dest_lieu_pid = sqlite3_column_int64(st, c++);
    db_col_copy(st, c++, o->structure_nom, sizeof o->structure_nom);
    db_col_copy(st, c++, o->dest_nom, sizeof o->dest_nom);
    db_col_copy(st, c++, o->dest_courriel, sizeof o->dest_courriel);
    db_col_copy(st, c++, o->dest_commune, sizeof o->dest_commune);
    o->besoins = (unsigned)sqlite3_column_int64(st, c++);
    o->partage = (unsigned)sqlite3_column_int64(st, c++);
    db_col_copy(st, c++, o->consentement_at, sizeof o->consentement_at);
    o->etat = etat_parse((const char *)sqlite3_column_text(st, c++));
    o->envoye_at = sqlite3_column_int64(st, c++);
    o->etat_at = sqlite3_column_int64(st, c++);
    o->expire_at = sqlite3_column_int64(st, c++);
    db_col_copy(st, c++, o->etat_par, sizeof o->etat_par);
    db_col_copy(st, c++, o->motif_refus, sizeof o->motif_refus);
    o->relances = sqlite3_column_int(st, c++);
    o->efface = sqlite3_column_type(st, c) == SQLITE_NULL;
}

static void shared_from_json(const char *json, struct orientation *o)
{
    json_t *j = json_loads(json, 0, NULL);
    static const struct { const char *k; size_t off, n; } f[] = {
        {"prenom", offsetof(struct orientation, prenom), sizeof o->prenom},
        {"nom", offsetof(struct orientation, nom), sizeof o->nom},
        {"telephone", offsetof(struct orientation, telephone), sizeof o->telephone},
        {"courriel", offsetof(struct orientation, courriel), sizeof o->courriel},
        {"message", offsetof(struct orientation, message), sizeof o->message},
    };
    for (size_t i = 0; json_is_object(j) && i < sizeof f / sizeof *f; i++) {
        const char *v = json_string_value(json_object_get(j, f[i].k));
        if (v)
            snprintf((char *)o + f[i].off, f[i].n, "%s", v);
    }
    json_decref(j);
}

static void ad_of(long long id, char out[48])
{
    snprintf(out, 48, "orientation:%lld", id);
}

int orientation_get(struct db *d, const struct data_key *key, long long id, struct orientation *o)
{
    sqlite3_stmt *st = db_prepare_cached(d, "SELECT " OR_COLUMNS " FROM orientation o JOIN "
                                            "structure s ON s.id = o.structure_id WHERE o.id = ?1");
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st), r = 0;
    if (rc == SQLITE_ROW) {
        read_row(st, o);
        r = 1;
        if (key && !o->efface) {
            char ad[48], *plain = NULL;
            size_t pn = 0;
            ad_of(o->id, ad);
            if (data_key_open(key, ad, sqlite3_column_blob(st, 22),
                              (size_t)sqlite3_column_bytes(st, 22), &plain, &pn) < 0) {
                r = -2;
            } else {
                shared_from_json(plain, o);
                sodium_memzero(plain, pn);
                free(plain);
            }
        }
    } else if (rc != SQLITE_DONE) {
        r = db_fail(d, "orientation get");
    }
    db_release(d, st);
    return r;
}

int orientation_sides(struct db *d, const struct actor *a, const struct orientation *o)
{
    int sides = 0;
    struct authz_resource from = {.structure_id = o->structure_id};
    int k = authz_allowed(d, a, AZ_ORIENTATION_SEND, &from);
    if (k == 0)
        k = authz_allowed(d, a, AZ_BENEFICIAIRE_READ, &from);
    if (k < 0)
        return -1;
    if (k)
        sides |= 1;
    if (o->dest_structure_id) {
        struct authz_resource to = {.structure_id = o->dest_structure_id};
        k = authz_allowed(d, a, AZ_ORIENTATION_RECEIVE, &to);
        if (k < 0)
            return -1;
        if (k)
            sides |= 2;
    }
    return sides;
}

void orientation_liste_free(struct orientation_liste *l)
{
    free(l->v);
    l->v = NULL;
    l->n = 0;
}

static void fill_row(sqlite3_stmt *st, void *e)
{
    read_row(st, e);
}

int orientation_list(struct db *d, long long structure_id, int recues, long long beneficiaire_id,
                     struct orientation_liste *out)
{
    memset(out, 0, sizeof *out);
    const char *sql =
        beneficiaire_id ? "SELECT " OR_COLUMNS " FROM orientation o JOIN structure s ON s.id = "
                          "o.structure_id WHERE o.beneficiaire_id = ?1 ORDER BY o.envoye_at DESC, "
                          "o.id DESC LIMIT 200"
        : recues ? "SELECT " OR_COLUMNS " FROM orientation o JOIN structure s ON s.id = "
                   "o.structure_id WHERE o.dest_structure_id = ?1 ORDER BY o.envoye_at DESC, "
                   "o.id DESC LIMIT 200"
                 : "SELECT " OR_COLUMNS " FROM orientation o JOIN structure s ON s.id = "
                   "o.structure_id WHERE o.structure_id = ?1 ORDER BY o.envoye_at DESC, "
                   "o.id DESC LIMIT 200";
    sqlite3_stmt *st = db_prepare(d, sql);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, beneficiaire_id ? beneficiaire_id : structure_id);
    void *v = NULL;
    if (db_collect(d, st, &v, &out->n, sizeof *out->v, fill_row) < 0)
        return -1;
    out->v = v;
    return 0;
}

/* ---- mail ---- */

static void besoins_text(struct buf *b, unsigned bits)
{
    int first = 1;
    for (int i = 0; i < accomp_voc(AV_THEME)->n; i++)
        if (bits & (1u << i)) {
            buf_puts(b, first ? "" : ", ");
            buf_puts(b, accomp_label(AV_THEME, i));
            first = 0;
        }
    if (first)
        buf_puts(b, "un accompagnement au numérique");
}

static void date_fr(long long t, char out[32])
{
    char iso[11];
    jour_format(jour_local((time_t)t), iso);
    int y, m, dd;
    jour_to_civil(jour_local((time_t)t), &y, &m, &dd);
    snprintf(out, 32, "%02d/%02d/%04d", dd, m, y);
}

/* The mail to the destination, with a link (kind: 0 first, 1 reminder,
 * 2 closing link after acceptance). */
static int mail_destination(struct db *d, const struct orientation *o, const char *token, int kind,
                            time_t now)
{
    if (!o->dest_courriel[0])
        return 0;
    char base[256], until[32];
    comptes_public_url(d, base, sizeof base);
    struct buf subj = BUF_INIT, body = BUF_INIT;
    if (kind == 2) {
        buf_printf(&subj, "Orientation n° %lld : quand l'accompagnement sera terminé", o->id);
        date_fr((long long)now + ORIENTATION_LIEN_CLOTURE, until);
        buf_printf(&body, "Bonjour,\n\nVous avez accepté l'orientation n° %lld envoyée par %s. "
                          "Merci.\n\nQuand l'accompagnement de la personne sera terminé, "
                          "signalez-le avec ce lien personnel (utilisable une fois, jusqu'au %s) :\n"
                          "%s/orientation/lien/%s\n",
                   o->id, o->structure_nom, until, base, token);
    } else {
        buf_printf(&subj, "%sUne personne vous est orientée par %s", kind ? "Rappel : " : "",
                   o->structure_nom);
        date_fr(o->expire_at, until);
        buf_printf(&body, "Bonjour,\n\n%s vous oriente une personne pour : ", o->structure_nom);
        besoins_text(&body, o->besoins);
        buf_printf(&body, ".\n\n%sPour voir la demande et y répondre (accepter ou refuser), "
                          "ouvrez ce lien personnel, utilisable une fois, jusqu'au %s :\n"
                          "%s/orientation/lien/%s\n",
                   kind ? "Cette demande attend encore votre réponse. " : "", until, base, token);
        if (o->dest_structure_id)
            buf_printf(&body, "\nVous pouvez aussi répondre depuis votre espace : %s/orientations\n",
                       base);
    }
    buf_puts(&body, "\nCe message ne contient aucune donnée personnelle : elles ne se voient "
                    "qu'avec le lien.\n\n— Passerelle, la plateforme de l'inclusion numérique\n");
    int r = subj.oom || body.oom
                ? -1
                : mail_queue(d, o->dest_courriel, subj.s, body.s, "orientation", now, NULL);
    if (subj.oom || body.oom)
        snprintf(d->err, sizeof d->err, "out of memory");
    buf_free(&subj);
    buf_free(&body);
    return r;
}

/* A notice to the sending structure (answer, expiry). */
static int mail_sender(struct db *d, const struct orientation *o, const char *what, time_t now)
{
    struct structure s;
    int k = structures_get(d, o->structure_id, &s);
    if (k <= 0 || !s.courriel[0])
        return k < 0 ? -1 : 0;
    char base[256], subj[400];
    comptes_public_url(d, base, sizeof base);
    snprintf(subj, sizeof subj, "Orientation n° %lld vers %s : %s", o->id, o->dest_nom, what);
    struct buf body = BUF_INIT;
    buf_printf(&body, "Bonjour,\n\nL'orientation n° %lld vers %s est maintenant : %s.\n\n"
                      "Le détail est dans votre espace : %s/orientations/%lld\n\n"
                      "— Passerelle\n",
               o->id, o->dest_nom, what, base, o->id);
    int r = body.oom ? -1 : mail_queue(d, s.courriel, subj, body.s, "orientation", now, NULL);
    buf_free(&body);
    return r;
}

/* ---- writes ---- */

static int journal(struct db *d, struct accomp_ctx *c, const char *action,
                   const struct orientation *o)
{
    char ids[32], apres[200];
    snprintf(ids, sizeof ids, "%lld", o->id);
    snprintf(apres, sizeof apres,
             "{\"etat\":\"%s\",\"structure_id\":%lld,\"destination_structure_id\":%lld,"
             "\"destination_lieu_id\":%lld,\"partage\":%u}",
             orientation_etat_code(o->etat), o->structure_id, o->dest_structure_id,
             o->dest_lieu_pid, o->partage);
    struct structure s;
    const char *commune = structures_get(d, o->structure_id, &s) == 1 ? s.commune_code : NULL;
    struct journal_write w = {.action = action, .objet = "orientation", .objet_id = ids,
                              .commune = commune, .structure_id = o->structure_id,
                              .apres = apres};
    return journal_record(d, c->by, c->cli_user, c->peer, c->now, &w);
}

/* The destination: a published place (its structure when one holds it)
 * or a structure of the platform. 1, 0 (unknown; e set), -1. */
static int resolve_destination(struct db *d, const char *dest, long long from,
                               struct orientation *o, struct accomp_erreurs *e)
{
    char *end;
    if (strncmp(dest, "lieu:", 5) == 0) {
        long long pid = strtoll(dest + 5, &end, 10);
        struct lieux_hit h;
        int k = pid > 0 && !*end ? lieux_get(d, pid, &h, NULL) : 0;
        if (k <= 0) {
            if (k == 0)
                accomp_erreur_add(e, "destination", "Ce lieu n'est plus sur la carte.");
            return k;
        }
        o->dest_lieu_pid = pid;
        snprintf(o->dest_nom, sizeof o->dest_nom, "%s", lieu_get(&h.l, LF_NOM));
        snprintf(o->dest_commune, sizeof o->dest_commune, "%s", h.commune_code);
        const char *mails = lieu_get(&h.l, LF_COURRIELS);
        size_t n = strcspn(mails, "|");
        snprintf(o->dest_courriel, sizeof o->dest_courriel, "%.*s", (int)n, mails);
        lieu_clear(&h.l);
        long long ids[4];
        int ns = structures_of_lieu(d, pid, ids, 4);
        if (ns < 0)
            return -1;
        for (int i = 0; i < ns; i++) {
            struct structure s;
            if (ids[i] == from || structures_get(d, ids[i], &s) != 1 || !s.active)
                continue;
            o->dest_structure_id = ids[i];
            if (s.courriel[0])
                snprintf(o->dest_courriel, sizeof o->dest_courriel, "%s", s.courriel);
            break;
        }
    } else if (strncmp(dest, "structure:", 10) == 0) {
        long long id = strtoll(dest + 10, &end, 10);
        struct structure s;
        int k = id > 0 && !*end ? structures_get(d, id, &s) : 0;
        if (k < 0)
            return -1;
        if (k == 0 || !s.active) {
            accomp_erreur_add(e, "destination", "Cette structure n'existe pas ou n'est plus active.");
            return 0;
        }
        o->dest_structure_id = id;
        snprintf(o->dest_nom, sizeof o->dest_nom, "%s", s.nom);
        snprintf(o->dest_courriel, sizeof o->dest_courriel, "%s", s.courriel);
        snprintf(o->dest_commune, sizeof o->dest_commune, "%s", s.commune_code);
    } else {
        accomp_erreur_add(e, "destination", "Choisissez le lieu ou la structure où orienter la "
                                            "personne.");
        return 0;
    }
    if (o->dest_structure_id == from) {
        accomp_erreur_add(e, "destination", "C'est votre propre structure.");
        return 0;
    }
    if (!o->dest_structure_id && !o->dest_courriel[0]) {
        accomp_erreur_add(e, "destination", "Ce lieu n'a pas d'adresse e-mail et n'est tenu par "
                                            "aucune structure de la plateforme : contactez-le "
                                            "directement.");
        return 0;
    }
    return 1;
}

/* The JSON of what is shared (consented fields of the record, message). */
static char *shared_json(const struct beneficiaire *b, unsigned partage, const char *message)
{
    json_t *o = json_object();
    if (b && (partage & PARTAGE_PRENOM) && b->prenom[0])
        json_object_set_new(o, "prenom", json_string(b->prenom));
    if (b && (partage & PARTAGE_NOM) && b->nom[0])
        json_object_set_new(o, "nom", json_string(b->nom));
    if (b && (partage & PARTAGE_TEL) && b->telephone[0])
        json_object_set_new(o, "telephone", json_string(b->telephone));
    if (b && (partage & PARTAGE_COURRIEL) && b->courriel[0])
        json_object_set_new(o, "courriel", json_string(b->courriel));
    if (message && *message)
        json_object_set_new(o, "message", json_string(message));
    char *s = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    return s;
}

static int seal_shared(struct db *d, const struct data_key *k, long long id, const char *json)
{
    if (data_key_require(d, k) < 0)
        return -1;
    char ad[48];
    ad_of(id, ad);
    unsigned char *blob = NULL;
    size_t bn = 0;
    if (data_key_seal(k, ad, json, strlen(json), &blob, &bn) < 0) {
        snprintf(d->err, sizeof d->err, "out of memory");
        return -1;
    }
    sqlite3_stmt *st = db_prepare_cached(d, "UPDATE orientation SET chiffre = ?2 WHERE id = ?1");
    if (!st) {
        free(blob);
        return -1;
    }
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_blob(st, 2, blob, (int)bn, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    db_release(d, st);
    free(blob);
    return rc == SQLITE_DONE ? 0 : db_fail(d, "orientation seal");
}

/* The sealed blob of referral id opened with key: malloc'd text, or NULL
 * with d->err. */
static char *open_shared(struct db *d, const struct data_key *key, long long id, size_t *pn)
{
    sqlite3_stmt *st = db_prepare_cached(d, "SELECT chiffre FROM orientation WHERE id = ?1");
    if (!st)
        return NULL;
    sqlite3_bind_int64(st, 1, id);
    char ad[48], *plain = NULL;
    ad_of(id, ad);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW)
        db_fail(d, "orientation read");
    else if (data_key_open(key, ad, sqlite3_column_blob(st, 0), (size_t)sqlite3_column_bytes(st, 0),
                           &plain, pn) < 0)
        snprintf(d->err, sizeof d->err, "orientation n° %lld : ses données partagées ne s'ouvrent "
                                        "pas avec l'ancienne clé (donnée abîmée ?)", id);
    db_release(d, st);
    return plain;
}

int orientation_rekey(struct db *d, const struct data_key *old, const struct data_key *nw,
                      long *count)
{
    long long *ids;
    size_t n;
    *count = 0;
    if (db_collect_ids(d, "SELECT id FROM orientation WHERE chiffre IS NOT NULL ORDER BY id",
                       &ids, &n) < 0)
        return -1;
    int r = 0;
    for (size_t i = 0; i < n && r == 0; i++) {
        size_t pn = 0;
        char *plain = open_shared(d, old, ids[i], &pn);
        r = plain ? seal_shared(d, nw, ids[i], plain) : -1;
        if (plain)
            sodium_memzero(plain, pn);
        free(plain);
    }
    if (r == 0)
        *count = (long)n;
    free(ids);
    return r;
}

enum accomp_result orientation_send(struct db *d, struct accomp_ctx *c, long long structure_id,
                                    const struct orientation_saisie *s, struct accomp_erreurs *e,
                                    long long *id)
{
    memset(e, 0, sizeof *e);
    int k = accomp_allowed(d, c, AZ_ORIENTATION_SEND,
                           &(struct authz_resource){.structure_id = structure_id});
    if (k < 0)
        return ACC_ERROR;
    if (k == 0)
        return accomp_refuse(c, ACC_FORBIDDEN, "Seuls les médiateurs de la structure orientent "
                                               "les personnes qu'elle accompagne.");
    if (!c->key)
        return ACC_NO_KEY;
    struct orientation o;
    memset(&o, 0, sizeof o);
    o.structure_id = structure_id;
    o.compte_id = c->by ? c->by->compte_id : 0;
    if (s->bad_value)
        accomp_erreur_add(e, "besoin", "Cette valeur ne fait pas partie de la liste proposée.");
    k = resolve_destination(d, s->destination, structure_id, &o, e);
    if (k < 0)
        return ACC_ERROR;
    o.besoins = s->besoins;
    if (!o.besoins)
        accomp_erreur_add(e, "besoin", "Choisissez au moins un besoin de la personne.");
    if (text_utf8_len(s->message) > ORIENTATION_MESSAGE_MAX)
        accomp_erreur_add(e, "message", "Le message a 1 000 caractères au plus.");
    if (s->activite_id) {
        struct activite a;
        k = activite_get(d, s->activite_id, &a);
        if (k < 0)
            return ACC_ERROR;
        if (k == 0 || a.structure_id != structure_id)
            accomp_erreur_add(e, "activite", "Cette activité n'est pas de votre structure.");
        o.activite_id = s->activite_id;
    }
    o.diagnostic_id = s->diagnostic_id;
    struct beneficiaire b;
    memset(&b, 0, sizeof b);
    if (s->beneficiaire_id) {
        k = beneficiaire_get(d, c->key, s->beneficiaire_id, &b);
        if (k == -2)
            return accomp_refuse(c, ACC_NO_KEY, "Les données de cette personne ne se déchiffrent "
                                                "pas avec la clé configurée.");
        if (k < 0)
            return ACC_ERROR;
        if (k == 0 || b.structure_id != structure_id)
            accomp_erreur_add(e, "beneficiaire", "Cette personne n'est pas suivie par votre "
                                                 "structure.");
        o.beneficiaire_id = s->beneficiaire_id;
    }
    /* Share only consented fields, and only those the record has. */
    unsigned have = (b.prenom[0] ? PARTAGE_PRENOM : 0) | (b.nom[0] ? PARTAGE_NOM : 0) |
                    (b.telephone[0] ? PARTAGE_TEL : 0) | (b.courriel[0] ? PARTAGE_COURRIEL : 0);
    o.partage = s->partage & have;
    if (s->partage && !o.beneficiaire_id)
        accomp_erreur_add(e, "partage", "Pour transmettre des coordonnées, partez de la fiche de "
                                        "la personne suivie.");
    else if (o.partage && !s->consentement)
        accomp_erreur_add(e, "consentement", "La personne doit être d'accord pour que ces "
                                             "informations soient transmises : cochez la case "
                                             "quand elle l'est, ou ne cochez aucune information.");
    if (e->n) {
        sodium_memzero(&b, sizeof b);
        return ACC_INVALID;
    }
    o.etat = OR_ENVOYEE;
    o.envoye_at = o.etat_at = (long long)c->now;
    o.expire_at = (long long)c->now + ORIENTATION_TTL;
    char now[24];
    text_iso_time(c->now, now);
    if (o.partage)
        snprintf(o.consentement_at, sizeof o.consentement_at, "%s", now);
    char *json = shared_json(o.beneficiaire_id ? &b : NULL, o.partage, s->message);
    sodium_memzero(&b, sizeof b);
    if (!json) {
        snprintf(d->err, sizeof d->err, "out of memory");
        return ACC_ERROR;
    }
    struct structure from;
    if (structures_get(d, structure_id, &from) == 1)
        snprintf(o.structure_nom, sizeof o.structure_nom, "%s", from.nom);
    enum accomp_result r = ACC_DONE;
    char token[ORIENTATION_TOKEN_LEN];
    if (db_begin(d) < 0) {
        r = ACC_ERROR;
        goto out;
    }
    sqlite3_stmt *st = db_prepare_cached(
        d, "INSERT INTO orientation (structure_id, compte_id, activite_id, diagnostic_id, "
           "beneficiaire_id, dest_structure_id, dest_lieu_pid, dest_nom, dest_courriel, "
           "dest_commune, besoins, partage, consentement_at, etat, envoye_at, etat_at, expire_at) "
           "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, 'envoyee', ?14, ?14, ?15)");
    if (!st) {
        r = accomp_fail(d);
        goto out;
    }
    sqlite3_bind_int64(st, 1, o.structure_id);
    sqlite3_bind_int64(st, 2, o.compte_id);
    static const int opt[] = {3, 4, 5, 6, 7};
    long long vals[] = {o.activite_id, o.diagnostic_id, o.beneficiaire_id, o.dest_structure_id,
                        o.dest_lieu_pid};
    for (int i = 0; i < 5; i++) {
        if (vals[i])
            sqlite3_bind_int64(st, opt[i], vals[i]);
        else
            sqlite3_bind_null(st, opt[i]);
    }
    sqlite3_bind_text(st, 8, o.dest_nom, -1, SQLITE_TRANSIENT);
    db_bind_text(st, 9, o.dest_courriel);
    db_bind_text(st, 10, o.dest_commune);
    sqlite3_bind_int64(st, 11, o.besoins);
    sqlite3_bind_int64(st, 12, o.partage);
    db_bind_text(st, 13, o.consentement_at);
    sqlite3_bind_int64(st, 14, o.envoye_at);
    sqlite3_bind_int64(st, 15, o.expire_at);
    int rc = sqlite3_step(st);
    db_release(d, st);
    if (rc != SQLITE_DONE) {
        db_fail(d, "orientation insert");
        r = accomp_fail(d);
        goto out;
    }
    o.id = sqlite3_last_insert_rowid(d->h);
    if (seal_shared(d, c->key, o.id, json) < 0 || link_create(d, o.id, o.expire_at, token) < 0 ||
        mail_destination(d, &o, token, 0, c->now) < 0 ||
        journal(d, c, "orientation.envoyer", &o) < 0 || db_commit(d) < 0) {
        r = accomp_fail(d);
        goto out;
    }
    *id = o.id;
out:
    sodium_memzero(json, strlen(json));
    free(json);
    sodium_memzero(token, sizeof token);
    return r;
}

/* Apply an answer to o (loaded), by account or link. */
static enum accomp_result apply(struct db *d, struct accomp_ctx *c, struct orientation *o,
                                const char *action, const char *motif, const char *par,
                                int by_link)
{
    int want;
    if (strcmp(action, "accepter") == 0)
        want = OR_ACCEPTEE;
    else if (strcmp(action, "refuser") == 0)
        want = OR_REFUSEE;
    else if (strcmp(action, "terminer") == 0)
        want = OR_TERMINEE;
    else if (strcmp(action, "annuler") == 0)
        want = OR_ANNULEE;
    else
        return accomp_refuse(c, ACC_INVALID, "Action inconnue.");
    int from_ok = (want == OR_TERMINEE) ? o->etat == OR_ACCEPTEE : o->etat == OR_ENVOYEE;
    if (!from_ok)
        return accomp_refuse(c, ACC_INVALID, o->etat == OR_ENVOYEE
                                                 ? "Acceptez d'abord cette orientation."
                                                 : "Cette orientation a déjà reçu une réponse.");
    if (motif && text_utf8_len(motif) > ORIENTATION_MOTIF_MAX)
        return accomp_refuse(c, ACC_INVALID, "Le motif a 280 caractères au plus.");
    o->etat = want;
    o->etat_at = (long long)c->now;
    char token[ORIENTATION_TOKEN_LEN];
    sqlite3_stmt *st = db_prepare_cached(
        d, "UPDATE orientation SET etat = ?2, etat_at = ?3, etat_par = ?4, "
           "motif_refus = coalesce(?5, motif_refus) WHERE id = ?1");
    if (!st)
        return ACC_ERROR;
    sqlite3_bind_int64(st, 1, o->id);
    sqlite3_bind_text(st, 2, orientation_etat_code(want), -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, o->etat_at);
    sqlite3_bind_text(st, 4, par, -1, SQLITE_TRANSIENT);
    db_bind_text(st, 5, want == OR_REFUSEE ? motif : NULL);
    int rc = sqlite3_step(st);
    db_release(d, st);
    if (rc != SQLITE_DONE) {
        db_fail(d, "orientation answer");
        return ACC_ERROR;
    }
    int r = 0;
    if (want == OR_ACCEPTEE && by_link)
        r = link_create(d, o->id, (long long)c->now + ORIENTATION_LIEN_CLOTURE, token) < 0 ||
            mail_destination(d, o, token, 2, c->now) < 0;
    else
        r = link_void(d, o->id) < 0;
    sodium_memzero(token, sizeof token);
    static const char *const words[] = {"", "acceptée", "refusée", "terminée", "", "annulée"};
    char what[64];
    snprintf(what, sizeof what, "%s", words[want]);
    static const char *const actions[] = {"", "orientation.accepter", "orientation.refuser",
                                          "orientation.terminer", "", "orientation.annuler"};
    if (r || (want != OR_ANNULEE && mail_sender(d, o, what, c->now) < 0) ||
        journal(d, c, actions[want], o) < 0)
        return ACC_ERROR;
    return ACC_DONE;
}

enum accomp_result orientation_act(struct db *d, struct accomp_ctx *c, long long id,
                                   const char *action, const char *motif)
{
    struct orientation o;
    int k = orientation_get(d, NULL, id, &o);
    if (k < 0)
        return ACC_ERROR;
    if (k == 0)
        return accomp_refuse(c, ACC_NOT_FOUND, "Cette orientation n'existe pas.");
    int sending = strcmp(action, "annuler") == 0;
    int ok = 1;
    if (c->by) {
        struct authz_resource r = {.structure_id = sending ? o.structure_id : o.dest_structure_id};
        ok = (sending || o.dest_structure_id)
                 ? authz_allowed(d, c->by, sending ? AZ_ORIENTATION_SEND : AZ_ORIENTATION_RECEIVE, &r)
                 : 0;
    }
    if (ok < 0)
        return ACC_ERROR;
    if (!ok)
        return accomp_refuse(c, ACC_FORBIDDEN, sending ? "Seule la structure qui a envoyé cette "
                                                         "orientation peut l'annuler."
                                                       : "Cette orientation est adressée à une "
                                                         "autre structure.");
    if (db_begin(d) < 0)
        return ACC_ERROR;
    enum accomp_result r = apply(d, c, &o, action, motif, c->by ? c->by->email : "cli", 0);
    if (r == ACC_ERROR)
        return accomp_fail(d);
    if (r != ACC_DONE) {
        db_rollback(d);
        return r;
    }
    return db_commit(d) < 0 ? accomp_fail(d) : ACC_DONE;
}

enum accomp_result orientation_act_link(struct db *d, struct accomp_ctx *c, const char *token,
                                        const char *action, const char *motif, long long *id)
{
    if (strcmp(action, "annuler") == 0)
        return accomp_refuse(c, ACC_FORBIDDEN, "Ce lien sert à répondre à l'orientation.");
    if (db_begin(d) < 0)
        return ACC_ERROR;
    int k = link_lookup(d, token, c->now, id, 1);
    if (k < 0)
        return accomp_fail(d);
    if (k == 0) {
        db_rollback(d);
        return accomp_refuse(c, ACC_NOT_FOUND, "Ce lien n'est plus valable : il a déjà servi, ou "
                                               "il a expiré.");
    }
    struct orientation o;
    k = orientation_get(d, NULL, *id, &o);
    if (k <= 0)
        return k < 0 ? accomp_fail(d) : (db_rollback(d), ACC_NOT_FOUND);
    enum accomp_result r = apply(d, c, &o, action, motif, "lien", 1);
    if (r == ACC_ERROR)
        return accomp_fail(d);
    if (r != ACC_DONE) {
        db_rollback(d);
        return r;
    }
    return db_commit(d) < 0 ? accomp_fail(d) : ACC_DONE;
}

/* ---- the periodic work ---- */

static int ids_where(struct db *d, const char *sql, long long t, long long *ids, int max)
{
    sqlite3_stmt *st = db_prepare_cached(d, sql);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, t);
    int n = 0, rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && n < max)
        ids[n++] = sqlite3_column_int64(st, 0);
    db_release(d, st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? n : db_fail(d, "orientation tasks");
}

static int set_state(struct db *d, long long id, const char *etat, long long t)
{
    sqlite3_stmt *st = db_prepare_cached(d, "UPDATE orientation SET etat = ?2, etat_at = ?3, "
                                            "etat_par = 'automatique' WHERE id = ?1");
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, etat, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, t);
    int rc = sqlite3_step(st);
    db_release(d, st);
    return rc == SQLITE_DONE ? 0 : db_fail(d, "orientation state");
}

#define TASK_BATCH 500

int orientation_taches(struct db *d, time_t now, struct orientation_taches_stats *stats)
{
    memset(stats, 0, sizeof *stats);
    long long t = (long long)now, ids[TASK_BATCH];
    struct accomp_ctx c = {.cli_user = "taches", .now = now};
    if (db_begin(d) < 0)
        return -1;
    /* Expiry first: an expired referral gets no reminder. */
    int n = ids_where(d, "SELECT id FROM orientation WHERE etat = 'envoyee' AND expire_at <= ?1 "
                         "ORDER BY id", t, ids, TASK_BATCH);
    for (int i = 0; n > 0 && i < n; i++) {
        struct orientation o;
        if (orientation_get(d, NULL, ids[i], &o) != 1 || set_state(d, ids[i], "expiree", t) < 0 ||
            link_void(d, ids[i]) < 0)
            goto fail;
        o.etat = OR_EXPIREE;
        if (mail_sender(d, &o, "expirée sans réponse", now) < 0 ||
            journal(d, &c, "orientation.expirer", &o) < 0)
            goto fail;
        stats->expirees++;
    }
    if (n < 0)
        goto fail;
    /* Reminders: a new link (the first one's token is not kept). */
    for (int round = 1; round <= 2; round++) {
        n = ids_where(d, round == 1
                             ? "SELECT id FROM orientation WHERE etat = 'envoyee' AND relances = 0 "
                               "AND envoye_at + 259200 <= ?1 ORDER BY id"
                             : "SELECT id FROM orientation WHERE etat = 'envoyee' AND relances = 1 "
                               "AND envoye_at + 604800 <= ?1 ORDER BY id",
                      t, ids, TASK_BATCH);
        if (n < 0)
            goto fail;
        for (int i = 0; i < n; i++) {
            struct orientation o;
            char token[ORIENTATION_TOKEN_LEN];
            if (orientation_get(d, NULL, ids[i], &o) != 1 ||
                link_create(d, ids[i], o.expire_at, token) < 0 ||
                mail_destination(d, &o, token, 1, now) < 0)
                goto fail;
            sodium_memzero(token, sizeof token);
            sqlite3_stmt *st = db_prepare_cached(d, "UPDATE orientation SET relances = relances + 1, "
                                                    "relance_at = ?2 WHERE id = ?1");
            if (!st)
                goto fail;
            sqlite3_bind_int64(st, 1, ids[i]);
            sqlite3_bind_int64(st, 2, t);
            int rc = sqlite3_step(st);
            db_release(d, st);
            if (rc != SQLITE_DONE || journal(d, &c, "orientation.relancer", &o) < 0)
                goto fail;
            stats->relances++;
        }
    }
    /* Accepted long ago and never closed. */
    n = ids_where(d, "SELECT id FROM orientation WHERE etat = 'acceptee' AND etat_at + 15552000 <= ?1 "
                     "ORDER BY id", t, ids, TASK_BATCH);
    if (n < 0)
        goto fail;
    for (int i = 0; i < n; i++) {
        struct orientation o;
        if (orientation_get(d, NULL, ids[i], &o) != 1 || set_state(d, ids[i], "terminee", t) < 0 ||
            link_void(d, ids[i]) < 0)
            goto fail;
        o.etat = OR_TERMINEE;
        if (journal(d, &c, "orientation.cloturer", &o) < 0)
            goto fail;
        stats->cloturees++;
    }
    /* Ended for ORIENTATION_OUBLI: the shared data goes. */
    sqlite3_stmt *st = db_prepare_cached(
        d, "UPDATE orientation SET chiffre = NULL, efface_at = ?1 WHERE chiffre IS NOT NULL AND "
           "etat IN ('refusee', 'terminee', 'expiree', 'annulee') AND etat_at + 2592000 <= ?1");
    if (!st)
        goto fail;
    sqlite3_bind_int64(st, 1, t);
    int rc = sqlite3_step(st);
    stats->effacees = sqlite3_changes(d->h);
    db_release(d, st);
    if (rc != SQLITE_DONE) {
        db_fail(d, "orientation wipe");
        goto fail;
    }
    if (db_commit(d) < 0)
        goto fail;
    return 0;
fail:
    db_rollback(d);
    return -1;
}

int orientation_forget_beneficiaire(struct db *d, long long b, time_t now)
{
    sqlite3_stmt *st = db_prepare_cached(
        d, "UPDATE orientation SET chiffre = NULL, efface_at = ?2, beneficiaire_id = NULL, "
           "partage = 0 WHERE beneficiaire_id = ?1");
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, b);
    sqlite3_bind_int64(st, 2, (long long)now);
    int rc = sqlite3_step(st);
    db_release(d, st);
    return rc == SQLITE_DONE ? 0 : db_fail(d, "orientation forget");
}

int orientation_move_beneficiaire(struct db *d, long long from, long long to)
{
    sqlite3_stmt *st = db_prepare_cached(d, "UPDATE orientation SET beneficiaire_id = ?2 WHERE "
                                            "beneficiaire_id = ?1");
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, from);
    sqlite3_bind_int64(st, 2, to);
    int rc = sqlite3_step(st);
    db_release(d, st);
    return rc == SQLITE_DONE ? 0 : db_fail(d, "orientation move");
}
