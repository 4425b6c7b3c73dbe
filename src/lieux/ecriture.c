/* ecriture.c - producers' API writes and structures' edits (see ecriture.h). */
#include "lieux/ecriture.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/jsonw.h"
#include "base/text.h"
#include "journal/journal.h"
#include "lieux/horaires.h"
#include "lieux/lieux_store.h"
#include "lieux/publish.h"
#include "structures/structures.h"
#include "territoires/territoires.h"

#define MAX_STRUCTURES 16

static void say(struct lieux_write *out, enum lieux_write_status s, const char *msg)
{
    out->status = s;
    snprintf(out->msg, sizeof out->msg, "%s", msg ? msg : "");
}

static void set_etag(char etag[24], const char *hash)
{
    snprintf(etag, 24, "\"%s\"", hash);
}

int lieux_source_get(struct db *d, const char *source, const char *id, struct lieu *out,
                     char etag[24])
{
    lieu_clear(out);
    sqlite3_stmt *st = db_prepare_cached(
        d, "SELECT row_hash, " LIEUX_COLUMNS " FROM lieu_source WHERE source_name = ?1 "
           "AND source_id = ?2 AND retired_at IS NULL");
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, source, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, id, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st), r = 0;
    if (rc == SQLITE_ROW) {
        set_etag(etag, (const char *)sqlite3_column_text(st, 0));
        r = lieux_store_read_row(st, 1, out) < 0 ? -1 : 1;
        if (r < 0)
            snprintf(d->err, sizeof d->err, "out of memory");
    } else if (rc != SQLITE_DONE) {
        r = db_fail(d, "source record");
    }
    db_release(d, st);
    return r;
}

/* Does If-Match (a list of entity tags, or "*") accept the current ETag
 * (NULL when the record does not exist)? */
static int if_match_ok(const char *if_match, const char *current)
{
    if (!if_match)
        return 1;
    const char *p = if_match;
    while (*p == ' ')
        p++;
    if (strcmp(p, "*") == 0)
        return current != NULL;
    if (!current)
        return 0;
    size_t cl = strlen(current);
    while (*p) {
        while (*p == ' ' || *p == ',')
            p++;
        if (strncmp(p, "W/", 2) == 0)
            p += 2;
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        while (len && p[len - 1] == ' ')
            len--;
        if (len == cl && strncmp(p, current, cl) == 0)
            return 1;
        if (!end)
            break;
        p = end;
    }
    return 0;
}

static int may_write_source(struct db *d, const struct lieux_write_ctx *c, const char *source,
                            struct lieux_write *out)
{
    if (!c->by)
        return 1;
    struct authz_resource r = {.source = source};
    int k = authz_allowed(d, c->by, AZ_LIEU_API_WRITE, &r);
    if (k < 0) {
        say(out, LW_ERROR, NULL);
        return 0;
    }
    if (k == 0) {
        say(out, LW_FORBIDDEN, "Ce jeton ne donne pas le droit d'écrire dans cette source.");
        return 0;
    }
    return 1;
}

static int journal_place(struct db *d, const struct lieux_write_ctx *c, const char *action,
                         const char *source, const char *id, const struct lieu *before,
                         const struct lieu *after)
{
    char ref[512];
    snprintf(ref, sizeof ref, "%s:%s", source, id);
    char *avant = before && before->f[LF_ID] ? lieu_to_json(before) : NULL;
    char *apres = after && after->f[LF_ID] ? lieu_to_json(after) : NULL;
    const struct lieu *where = after && after->f[LF_ID] ? after : before;
    struct journal_write w = {.action = action, .objet = "lieu", .objet_id = ref,
                              .commune = where ? where->f[LF_CODE_INSEE] : NULL,
                              .avant = avant, .apres = apres};
    int r = journal_record(d, c->by, c->cli_user, c->peer, c->now, &w);
    free(avant);
    free(apres);
    return r;
}

/* "[" + obj + "]" with "id" set to `id` (absent) or checked (present). */
static char *wrap_record(const char *json, size_t len, const char *id, struct lieux_write *out)
{
    json_error_t je;
    json_t *o = json_loadb(json, len, JSON_REJECT_DUPLICATES, &je);
    if (!o || !json_is_object(o)) {
        char msg[300];
        if (!o)
            snprintf(msg, sizeof msg, "Le corps n'est pas du JSON valide (ligne %d, colonne %d) : %s",
                     je.line, je.column, je.text);
        else
            snprintf(msg, sizeof msg, "Le corps doit être un objet JSON : un lieu au format du "
                                      "standard (les champs id, nom, adresse...).");
        say(out, LW_BAD_REQUEST, msg);
        json_decref(o);
        return NULL;
    }
    json_t *given = json_object_get(o, "id");
    if (given && (!json_is_string(given) || strcmp(json_string_value(given), id) != 0)) {
        say(out, LW_BAD_REQUEST, "Le champ id du corps diffère de l'identifiant de l'adresse.");
        json_decref(o);
        return NULL;
    }
    if (!given)
        json_object_set_new(o, "id", json_string(id));
    json_t *arr = json_array();
    json_array_append_new(arr, o);
    char *s = json_dumps(arr, JSON_COMPACT);
    json_decref(arr);
    if (!s)
        say(out, LW_ERROR, NULL);
    return s;
}

static void finish(struct db *d, struct lieux_write *out)
{
    if (out->status == LW_ERROR || db_commit(d) < 0) {
        db_rollback(d);
        out->status = LW_ERROR;
    }
}

void lieux_put(struct db *d, const struct lieux_write_ctx *c, const char *source, const char *id,
               const char *json, size_t len, const char *if_match, struct lieux_write *out)
{
    memset(out, 0, sizeof *out);
    if (!may_write_source(d, c, source, out))
        return;
    char *arr = wrap_record(json, len, id, out);
    if (!arr)
        return;
    struct lieu before = {0}, after = {0};
    char etag[24] = "";
    if (db_begin(d) < 0) {
        free(arr);
        say(out, LW_ERROR, NULL);
        return;
    }
    int exists = lieux_source_get(d, source, id, &before, etag);
    if (exists < 0) {
        say(out, LW_ERROR, NULL);
        goto done;
    }
    if (!if_match_ok(if_match, exists ? etag : NULL)) {
        snprintf(out->etag, sizeof out->etag, "%s", etag);
        say(out, LW_PRECONDITION, exists ? "If-Match ne correspond plus à la version "
                                           "enregistrée : relisez le lieu (GET), puis réessayez."
                                         : "If-Match demande un lieu qui n'existe pas.");
        goto done;
    }
    if (!if_match && exists) {
        json_t *o = json_loads(arr, 0, NULL);
        const char *dm = json_string_value(json_object_get(json_array_get(o, 0), "date_maj"));
        int older = dm && before.f[LF_DATE_MAJ] && strcmp(dm, before.f[LF_DATE_MAJ]) < 0;
        json_decref(o);
        if (older) {
            snprintf(out->etag, sizeof out->etag, "%s", etag);
            say(out, LW_STALE, "La version enregistrée est plus récente (date_maj) : "
                               "envoyez If-Match avec son ETag pour la remplacer quand même.");
            goto done;
        }
    }
    char label[400];
    snprintf(label, sizeof label, "API PUT /api/v1/sources/%s/lieux/%s", source, id);
    struct import_opts o = {.source = source, .mapping = "standard", .no_publish = 1,
                            .keep_unseen = 1, .file_label = label};
    char err[512];
    d->err[0] = 0;
    if (lieux_import_buffer(d, "API", arr, strlen(arr), &o, &out->st, err, sizeof err) < 0) {
        say(out, d->err[0] ? LW_ERROR : LW_BAD_REQUEST, err);
        goto done;
    }
    out->run_id = out->st.run_id;
    if (out->st.rejected) {
        say(out, LW_REJECTED, "Le lieu ne respecte pas le standard : voir le rapport.");
        goto done; /* the run and its report are kept */
    }
    if (lieux_source_get(d, source, id, &after, out->etag) != 1) {
        say(out, LW_ERROR, NULL);
        goto done;
    }
    out->status = out->st.added ? LW_CREATED : out->st.updated ? LW_UPDATED : LW_UNCHANGED;
    if (out->status != LW_UNCHANGED &&
        journal_place(d, c, exists ? "lieu.api_modifier" : "lieu.api_creer", source, id,
                      exists ? &before : NULL, &after) < 0)
        out->status = LW_ERROR;
done:
    finish(d, out);
    free(arr);
    lieu_clear(&before);
    lieu_clear(&after);
}

void lieux_delete(struct db *d, const struct lieux_write_ctx *c, const char *source,
                  const char *id, const char *if_match, struct lieux_write *out)
{
    memset(out, 0, sizeof *out);
    if (!may_write_source(d, c, source, out))
        return;
    struct lieu before = {0};
    char etag[24] = "";
    if (db_begin(d) < 0) {
        say(out, LW_ERROR, NULL);
        return;
    }
    int exists = lieux_source_get(d, source, id, &before, etag);
    if (exists <= 0) {
        say(out, exists < 0 ? LW_ERROR : LW_NOT_FOUND, "Aucun lieu avec cet identifiant dans "
                                                       "cette source.");
    } else if (!if_match_ok(if_match, etag)) {
        snprintf(out->etag, sizeof out->etag, "%s", etag);
        say(out, LW_PRECONDITION, "If-Match ne correspond plus à la version enregistrée.");
    } else {
        sqlite3_stmt *st = db_prepare_cached(
            d, "UPDATE lieu_source SET retired_at = ?3 WHERE source_name = ?1 AND source_id = ?2");
        char at[24];
        text_iso_time(c->now, at);
        int ok = st != NULL;
        if (st) {
            sqlite3_bind_text(st, 1, source, -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(st, 2, id, -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(st, 3, at, -1, SQLITE_TRANSIENT);
            ok = sqlite3_step(st) == SQLITE_DONE || db_fail(d, "retire record") == 0;
            db_release(d, st);
        }
        out->status = ok && lieux_mark_changed(d) == 0 &&
                              journal_place(d, c, "lieu.api_supprimer", source, id, &before,
                                            NULL) == 0
                          ? LW_DELETED
                          : LW_ERROR;
    }
    finish(d, out);
    lieu_clear(&before);
}

void lieux_bulk(struct db *d, const struct lieux_write_ctx *c, const char *source,
                const char *data, size_t len, int retire_absent, struct lieux_write *out)
{
    memset(out, 0, sizeof *out);
    if (!may_write_source(d, c, source, out))
        return;
    if (db_begin(d) < 0) {
        say(out, LW_ERROR, NULL);
        return;
    }
    char label[300];
    snprintf(label, sizeof label, "API PUT /api/v1/sources/%s/lieux (fichier entier%s)", source,
             retire_absent ? ", absents retirés" : "");
    struct import_opts o = {.source = source, .no_publish = 1, .keep_unseen = !retire_absent,
                            .file_label = label};
    char err[512];
    d->err[0] = 0;
    if (lieux_import_buffer(d, "API", data, len, &o, &out->st, err, sizeof err) < 0) {
        say(out, d->err[0] ? LW_ERROR : LW_BAD_REQUEST, err);
        finish(d, out);
        return;
    }
    out->run_id = out->st.run_id;
    char apres[300];
    snprintf(apres, sizeof apres,
             "{\"lignes\":%ld,\"importees\":%ld,\"rejetees\":%ld,\"nouvelles\":%ld,"
             "\"modifiees\":%ld,\"retirees\":%ld,\"import\":%ld}",
             out->st.rows, out->st.imported, out->st.rejected, out->st.added, out->st.updated,
             out->st.retired, out->st.run_id);
    struct journal_write w = {.action = "lieu.api_import", .objet = "source", .objet_id = source,
                              .apres = apres};
    out->status = journal_record(d, c->by, c->cli_user, c->peer, c->now, &w) < 0 ? LW_ERROR
                                                                                 : LW_UPDATED;
    finish(d, out);
}

/* ---- structures' edits ---- */

/* The published place's commune into commune[8]: 1 / 0 / -1. */
static int lieu_commune(struct db *d, long long pid, char commune[8])
{
    sqlite3_stmt *st = db_prepare_cached(d, "SELECT coalesce(commune_code, '') FROM lieu "
                                            "WHERE pid = ?1");
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, pid);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        db_col_copy(st, 0, commune, 8);
    db_release(d, st);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : db_fail(d, "lieu commune");
}

int lieux_may_edit(struct db *d, const struct actor *a, long long pid)
{
    char commune[8];
    int r = lieu_commune(d, pid, commune);
    if (r <= 0 || !a)
        return r < 0 ? -1 : 0;
    long long ids[MAX_STRUCTURES];
    int n = structures_of_lieu(d, pid, ids, MAX_STRUCTURES);
    if (n < 0)
        return -1;
    struct authz_resource res = {.commune = commune};
    int k = authz_allowed(d, a, AZ_LIEU_EDIT, &res);
    for (int i = 0; k == 0 && i < n; i++) {
        res.structure_id = ids[i];
        k = authz_allowed(d, a, AZ_LIEU_EDIT, &res);
    }
    return k;
}

/* The anchor of published place pid: its oldest member's key. */
static int anchor_of(struct db *d, long long pid, char *src, size_t ns, char *id, size_t ni)
{
    sqlite3_stmt *st = db_prepare_cached(d, "SELECT source_name, source_id FROM lieu_source "
                                            "WHERE rowid = ?1");
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, pid);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        db_col_copy(st, 0, src, ns);
        db_col_copy(st, 1, id, ni);
    }
    db_release(d, st);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : db_fail(d, "anchor");
}

static int published(struct db *d, long long pid, struct lieu *out)
{
    sqlite3_stmt *st = db_prepare_cached(d, "SELECT " LIEUX_COLUMNS " FROM lieu WHERE pid = ?1");
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, pid);
    int rc = sqlite3_step(st), r = 0;
    if (rc == SQLITE_ROW)
        r = lieux_store_read_row(st, 0, out) < 0 ? -1 : 1;
    else if (rc != SQLITE_DONE)
        r = db_fail(d, "published lieu");
    db_release(d, st);
    return r;
}

void lieux_edit(struct db *d, const struct lieux_write_ctx *c, long long pid, struct lieu *edited,
                struct lieu_issues *issues, struct lieux_write *out)
{
    memset(out, 0, sizeof *out);
    int k = c->by ? lieux_may_edit(d, c->by, pid) : 1;
    if (k <= 0) {
        say(out, k < 0 ? LW_ERROR : LW_FORBIDDEN,
            "Ce lieu n'est ni dans votre structure ni dans votre territoire.");
        return;
    }
    char asrc[128], aid[256];
    struct lieu before = {0};
    k = anchor_of(d, pid, asrc, sizeof asrc, aid, sizeof aid);
    if (k <= 0 || published(d, pid, &before) <= 0) {
        say(out, k < 0 ? LW_ERROR : LW_NOT_FOUND, "Ce lieu n'existe pas.");
        lieu_clear(&before);
        return;
    }
    /* The edit's key: its anchor's, within the edits' own source. */
    char key[400], today[24];
    if (strcmp(asrc, LIEUX_EDIT_SOURCE) == 0)
        snprintf(key, sizeof key, "%s", aid);
    else
        snprintf(key, sizeof key, "%s:%s", asrc, aid);
    text_iso_time(c->now, today);
    today[10] = 0;
    if (lieu_set(edited, LF_ID, key) < 0 || lieu_set(edited, LF_DATE_MAJ, today) < 0) {
        say(out, LW_ERROR, NULL);
        lieu_clear(&before);
        return;
    }
    int ok = lieu_normalize(edited, issues);
    if (ok >= 0 && lieux_check_horaires(edited, issues) < 0)
        ok = -1;
    for (size_t i = 0; ok > 0 && i < issues->n; i++)
        if (issues->v[i].severity != LIEU_FIXED)
            ok = 0;
    if (ok <= 0) {
        if (ok < 0)
            say(out, LW_ERROR, "out of memory");
        else
            say(out, LW_REJECTED, "Certaines valeurs ne respectent pas le standard.");
        lieu_clear(&before);
        return;
    }
    char commune[8] = "";
    if (edited->f[LF_CODE_INSEE] && territoires_resolve(d, edited->f[LF_CODE_INSEE], commune) < 0) {
        say(out, LW_ERROR, NULL);
        lieu_clear(&before);
        return;
    }
    if (!commune[0])
        lieu_commune(d, pid, commune);
    char hash[17], file[300];
    lieu_hash(edited, hash);
    snprintf(file, sizeof file, "Modification de la fiche par %s", c->by ? c->by->email : "cli");
    struct lieux_writer w;
    enum lieux_upsert_result res;
    struct publish_stats ps;
    char ref_edit[512], ref_anchor[512];
    snprintf(ref_edit, sizeof ref_edit, "%s:%s", LIEUX_EDIT_SOURCE, key);
    snprintf(ref_anchor, sizeof ref_anchor, "%s:%s", asrc, aid);
    if (db_begin(d) < 0) {
        say(out, LW_ERROR, NULL);
        lieu_clear(&before);
        return;
    }
    if (lieux_writer_open(&w, d, LIEUX_EDIT_SOURCE, file, "formulaire", "UTF-8", today) < 0)
        goto err;
    for (size_t i = 0; i < issues->n; i++)
        if (lieux_writer_issue(&w, 1, 0, key, &issues->v[i]) < 0) {
            lieux_writer_discard(&w);
            goto err;
        }
    if (lieux_writer_upsert(&w, edited, hash, commune[0] ? commune : NULL, &res) < 0) {
        lieux_writer_discard(&w);
        goto err;
    }
    out->run_id = w.run_id;
    if (lieux_writer_close(&w, 1, 1, 0, res == LIEUX_UNCHANGED, 0) < 0)
        goto err;
    if (strcmp(asrc, LIEUX_EDIT_SOURCE) != 0 &&
        lieux_decide(d, ref_edit, ref_anchor, "toujours", c->by ? c->by->email : "cli",
                     "modification de la fiche par sa structure") < 0)
        goto err;
    if (lieux_mark_changed(d) < 0 ||
        journal_place(d, c, "lieu.modifier", LIEUX_EDIT_SOURCE, key, &before, edited) < 0 ||
        lieux_publish(d, &ps) < 0 || db_commit(d) < 0)
        goto err;
    out->status = res == LIEUX_NEW ? LW_CREATED : res == LIEUX_UPDATED ? LW_UPDATED : LW_UNCHANGED;
    set_etag(out->etag, hash);
    lieu_clear(&before);
    return;
err:
    db_rollback(d);
    say(out, LW_ERROR, NULL);
    lieu_clear(&before);
}

/* The commune of source record "source:id" into commune[8]: 1 / 0 / -1. */
static int record_commune(struct db *d, const char *ref, char commune[8])
{
    const char *colon = strchr(ref, ':');
    if (!colon || colon == ref || !colon[1])
        return 0;
    sqlite3_stmt *st = db_prepare_cached(
        d, "SELECT coalesce(commune_code, '') FROM lieu_source WHERE source_name = ?1 "
           "AND source_id = ?2");
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, ref, (int)(colon - ref), SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, colon + 1, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        db_col_copy(st, 0, commune, 8);
    db_release(d, st);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : db_fail(d, "record commune");
}

void lieux_decide_flow(struct db *d, const struct lieux_write_ctx *c, const char *a, const char *b,
                       const char *decision, const char *motif, struct lieux_write *out)
{
    memset(out, 0, sizeof *out);
    if (strcmp(decision, "jamais") != 0 && strcmp(decision, "toujours") != 0) {
        say(out, LW_BAD_REQUEST, "Choisissez « toujours réunir » ou « ne jamais réunir ».");
        return;
    }
    char ca[8] = "", cb[8] = "";
    int ka = record_commune(d, a, ca), kb = record_commune(d, b, cb);
    if (ka < 0 || kb < 0) {
        say(out, LW_ERROR, NULL);
        return;
    }
    if (!ka || !kb || strcmp(a, b) == 0) {
        say(out, LW_NOT_FOUND, "Indiquez deux fiches différentes, chacune sous la forme "
                               "SOURCE:ID (colonne « Fiche » du tableau).");
        return;
    }
    if (c->by) {
        struct authz_resource ra = {.commune = ca}, rb = {.commune = cb};
        int k = authz_allowed(d, c->by, AZ_DEDUP_DECIDE, &ra);
        if (k > 0)
            k = authz_allowed(d, c->by, AZ_DEDUP_DECIDE, &rb);
        if (k <= 0) {
            say(out, k < 0 ? LW_ERROR : LW_FORBIDDEN,
                "Les deux fiches doivent être dans votre territoire.");
            return;
        }
    }
    char apres[1200];
    struct buf j = BUF_INIT;
    struct jsonw w;
    jsonw_init(&w, &j);
    jsonw_object(&w);
    jsonw_key(&w, "fiche_a");
    jsonw_string(&w, a);
    jsonw_key(&w, "fiche_b");
    jsonw_string(&w, b);
    jsonw_key(&w, "decision");
    jsonw_string(&w, decision);
    jsonw_key(&w, "motif");
    jsonw_string(&w, motif ? motif : "");
    jsonw_end_object(&w);
    snprintf(apres, sizeof apres, "%s", j.oom ? "{}" : j.s);
    buf_free(&j);
    struct journal_write jw = {.action = "lieu.decision_doublon", .objet = "lieu", .objet_id = a,
                               .commune = ca, .apres = apres};
    if (db_begin(d) < 0 ||
        lieux_decide(d, a, b, decision, c->by ? c->by->email : c->cli_user, motif) < 0 ||
        lieux_mark_changed(d) < 0 || journal_record(d, c->by, c->cli_user, c->peer, c->now, &jw) < 0 ||
        db_commit(d) < 0) {
        db_rollback(d);
        say(out, LW_ERROR, NULL);
        return;
    }
    out->status = LW_UPDATED;
}
