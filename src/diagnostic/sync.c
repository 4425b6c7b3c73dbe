/* sync.c - the offline mode's idempotent submission (see sync.h). */
#include "diagnostic/sync.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diagnostic/catalogue.h"

static int fail(char *err, size_t n, const char *fmt, const char *a)
{
    snprintf(err, n, fmt, a);
    return -1;
}

/* One answer: {"question": "id", "options": ["a", ...]}. */
static int parse_answer(json_t *o, int i, struct diag_raw_answer *a, char *err, size_t n)
{
    char where[32];
    snprintf(where, sizeof where, "reponses[%d]", i);
    if (!json_is_object(o))
        return fail(err, n, "%s : doit être un objet", where);
    const char *k;
    json_t *v;
    json_object_foreach(o, k, v) if (strcmp(k, "question") != 0 && strcmp(k, "options") != 0)
        return fail(err, n, "%s : champ inconnu", where);
    const char *q = json_string_value(json_object_get(o, "question"));
    if (!q || !*q || strlen(q) >= sizeof a->question)
        return fail(err, n, "%s.question : identifiant de question attendu", where);
    snprintf(a->question, sizeof a->question, "%s", q);
    json_t *opts = json_object_get(o, "options");
    if (!json_is_array(opts) || json_array_size(opts) > DIAG_MAX_OPTIONS)
        return fail(err, n, "%s.options : liste de 0 à 16 identifiants attendue", where);
    size_t len = 0, k2;
    a->valeur[0] = 0;
    json_array_foreach(opts, k2, v) {
        const char *id = json_string_value(v);
        size_t l = id ? strlen(id) : 0;
        if (!id || !l || l > 32 || strchr(id, '|') || len + l + 2 > sizeof a->valeur)
            return fail(err, n, "%s.options : identifiant d'option invalide", where);
        if (len)
            a->valeur[len++] = '|';
        memcpy(a->valeur + len, id, l + 1);
        len += l;
    }
    return 0;
}

int diag_sync_parse(const char *body, size_t len, struct diag_sync *out, char *err, size_t n)
{
    memset(out, 0, sizeof *out);
    json_error_t je;
    json_t *root = body ? json_loadb(body, len, JSON_REJECT_DUPLICATES, &je) : NULL;
    if (!root) {
        snprintf(err, n, "JSON invalide (ligne %d, colonne %d) : %s", body ? je.line : 0,
                 body ? je.column : 0, body ? je.text : "corps vide");
        return -1;
    }
    int r = -1;
    if (!json_is_object(root)) {
        snprintf(err, n, "le corps doit être un objet JSON");
        goto done;
    }
    static const char *const keys[] = {"version", "langue", "revision", "termine", "commune",
                                       "reponses", NULL};
    const char *k;
    json_t *v;
    json_object_foreach(root, k, v) {
        int ok = 0;
        for (const char *const *p = keys; *p && !ok; p++)
            ok = strcmp(*p, k) == 0;
        if (!ok) {
            snprintf(err, n, "champ inconnu : %.40s", k);
            goto done;
        }
    }
    const char *ver = json_string_value(json_object_get(root, "version"));
    if (!ver || !diag_version_ok(ver)) {
        snprintf(err, n, "version : version de la banque de questions attendue");
        goto done;
    }
    snprintf(out->version, sizeof out->version, "%s", ver);
    out->langue = diag_lang_parse(json_string_value(json_object_get(root, "langue")));
    if (out->langue < 0) {
        snprintf(err, n, "langue : fr, en ou ar");
        goto done;
    }
    json_t *rev = json_object_get(root, "revision");
    if (!json_is_integer(rev) || json_integer_value(rev) < 1 ||
        json_integer_value(rev) > 1000000000) {
        snprintf(err, n, "revision : nombre entier positif attendu");
        goto done;
    }
    out->revision = (long)json_integer_value(rev);
    json_t *t = json_object_get(root, "termine");
    if (t && !json_is_boolean(t)) {
        snprintf(err, n, "termine : true ou false");
        goto done;
    }
    out->termine = json_is_true(t);
    json_t *c = json_object_get(root, "commune");
    if (c && !json_is_null(c)) {
        const char *cs = json_string_value(c);
        if (!cs || strlen(cs) >= sizeof out->commune) {
            snprintf(err, n, "commune : texte de %d caractères au plus", DIAG_SYNC_COMMUNE_MAX - 1);
            goto done;
        }
        snprintf(out->commune, sizeof out->commune, "%s", cs);
    }
    json_t *ans = json_object_get(root, "reponses");
    if (!json_is_array(ans) || json_array_size(ans) > DIAG_MAX_ASKED) {
        snprintf(err, n, "reponses : liste de %d réponses au plus attendue", DIAG_MAX_ASKED);
        goto done;
    }
    size_t i;
    json_array_foreach(ans, i, v) {
        if (parse_answer(v, (int)i, &out->a[i], err, n) < 0)
            goto done;
        out->n++;
    }
    r = 0;
done:
    json_decref(root);
    return r;
}

/* Map and check the answers against the bank; replay them. */
static int check_answers(const struct diag_bank *b, const struct diag_sync *sy,
                         struct diag_answer *a, struct diag_walk *w, char *err, size_t n)
{
    for (int i = 0; i < sy->n; i++) {
        int q = diag_bank_question(b, sy->a[i].question);
        if (q < 0) {
            snprintf(err, n, "reponses[%d] : la question « %.40s » n'existe pas dans la version %s",
                     i, sy->a[i].question, b->version);
            return -1;
        }
        if (diag_answer_parse(b, q, sy->a[i].valeur, &a[i]) < 0) {
            snprintf(err, n, "reponses[%d] : une option n'existe pas pour « %.40s »", i,
                     sy->a[i].question);
            return -1;
        }
        char why[160];
        if (!diag_answer_valid(b, &a[i], why, sizeof why)) {
            snprintf(err, n, "reponses[%d] (« %.40s ») : %s", i, sy->a[i].question, why);
            return -1;
        }
    }
    if (diag_walk(b, a, sy->n, w) < 0) {
        snprintf(err, n, "reponses[%d] : « %.40s » n'est pas la question que le diagnostic "
                 "pose à ce moment (attendue : « %.40s »)",
                 w->consumed, sy->a[w->consumed].question,
                 w->next >= 0 ? b->q[w->next].id : "aucune, le diagnostic est fini");
        return -1;
    }
    if (sy->termine && w->next != DIAG_END) {
        snprintf(err, n, "termine : il reste des questions (la suivante : « %.40s »)",
                 b->q[w->next].id);
        return -1;
    }
    return 0;
}

/* Apply within a transaction, on st (scratch). */
static int apply_in(struct db *d, const char *cle, const struct diag_sync *sy, time_t now,
                    const struct territoire_commune *commune, struct diag_state *st,
                    struct diag_sync_reply *reply)
{
    char at[24];
    diag_iso_time(now, at);
    int r = diag_state_load(d, cle, st);
    if (r < 0)
        return -1;
    if (r == 0) {
        struct diag_session *s = &st->s;
        memset(s, 0, sizeof *s);
        snprintf(s->cle, sizeof s->cle, "%s", cle);
        snprintf(s->version, sizeof s->version, "%s", sy->version);
        snprintf(s->langue, sizeof s->langue, "%s", diag_lang_code((enum diag_lang)sy->langue));
        snprintf(s->created_at, sizeof s->created_at, "%s", at);
        if (diag_store_session_create(d, s) != 0)
            return -1;
        reply->status = DIAG_SYNC_CREATED;
    } else if (st->s.pro || strcmp(st->s.version, sy->version) != 0) {
        reply->status = DIAG_SYNC_CONFLICT;
        snprintf(reply->err, sizeof reply->err, "%s",
                 st->s.pro ? "cette clé appartient à un diagnostic professionnel"
                           : "cette clé appartient à un diagnostic d'une autre version");
        return 1;
    } else if (st->s.termine_at[0] || st->s.revision >= sy->revision) {
        reply->status = DIAG_SYNC_UNCHANGED;
        return 1;
    } else {
        reply->status = DIAG_SYNC_UPDATED;
    }
    if (diag_store_answers_replace(d, st->s.id, sy->a, sy->n, sy->revision,
                                   diag_lang_code((enum diag_lang)sy->langue), at) < 0 ||
        diag_state_load(d, cle, st) != 1)
        return -1;
    if (!sy->termine)
        return 0;
    return diag_session_finish_in(d, st, commune, NULL, NULL, NULL, now) < 0 ? -1 : 0;
}

int diag_sync_apply(struct db *d, const char *cle, const struct diag_sync *sy, time_t now,
                    struct diag_sync_reply *reply)
{
    memset(reply, 0, sizeof *reply);
    const struct diag_bank *b = diag_bank_get(d, sy->version);
    if (!b) {
        if (strncmp(d->err, "unknown bank version", 20) != 0)
            return -1;
        reply->status = DIAG_SYNC_INVALID;
        snprintf(reply->err, sizeof reply->err, "version : la banque « %s » n'existe pas",
                 sy->version);
        return 0;
    }
    struct diag_answer a[DIAG_MAX_ASKED];
    struct diag_walk w;
    if (check_answers(b, sy, a, &w, reply->err, sizeof reply->err) < 0) {
        reply->status = DIAG_SYNC_INVALID;
        return 0;
    }
    /* the commune first: a name search is slow, keep it out of the write lock */
    struct territoire_commune c;
    int found = sy->termine ? diag_resolve_commune(d, sy->commune, &c) : 0;
    if (found < 0)
        return -1;
    struct diag_state *st = malloc(sizeof *st);
    if (!st) {
        snprintf(d->err, sizeof d->err, "out of memory");
        return -1;
    }
    int r = -1;
    if (db_begin(d) == 0) {
        r = apply_in(d, cle, sy, now, found ? &c : NULL, st, reply);
        if (r == 0) {
            r = db_commit(d);
        } else {
            db_rollback(d);
            r = r > 0 ? 0 : -1;
        }
    }
    if (r == 0 && reply->status != DIAG_SYNC_CONFLICT) {
        /* what is stored now (after the commit, or as it was) */
        if (diag_state_load(d, cle, st) == 1) {
            reply->revision = st->s.revision;
            reply->termine = st->s.termine_at[0] != 0;
            reply->suivante = st->w.next >= 0 ? st->bank->q[st->w.next].id : NULL;
        } else {
            r = -1;
        }
    }
    free(st);
    return r;
}
