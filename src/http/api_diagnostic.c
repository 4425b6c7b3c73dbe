/* api_diagnostic.c - the diagnostic's JSON API (see api_diagnostic.h).
 * Translation only: the rules live in src/diagnostic/. */
#include "http/api_diagnostic.h"

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/jsonw.h"
#include "comptes/authz.h"
#include "diagnostic/catalogue.h"
#include "diagnostic/export.h"
#include "diagnostic/stats.h"
#include "diagnostic/sync.h"
#include "embedded.h"
#include "territoires/territoires.h"
#include "web/form.h"

static void db_error(const struct request *rq, struct response *rs)
{
    fprintf(stderr, "passerelle: %s %s: database error: %s\n", rq->method, rq->path, rq->db->err);
    resp_json_error(rs, 500, "interne", "Erreur interne. Réessayez plus tard.");
}

static void json_body(struct response *rs, int status)
{
    rs->status = status;
    rs->content_type = "application/json";
    if (rs->body.oom) {
        buf_free(&rs->body);
        resp_json_error(rs, 500, "memoire", "Mémoire insuffisante.");
    }
}

void api_diagnostic_referentiel(const struct request *rq, struct response *rs)
{
    (void)rq;
    for (size_t i = 0; i < embedded_count; i++)
        if (strcmp(embedded_files[i].name, "data/diagnostic/referentiel.json") == 0) {
            buf_add(&rs->body, embedded_files[i].data, embedded_files[i].len);
            rs->cache_control = "public, max-age=300";
            json_body(rs, 200);
            return;
        }
    resp_json_error(rs, 404, "introuvable", "Référentiel absent de ce binaire.");
}

/* The version asked (?version=) or the active one, into out. 0, or -1
 * after answering. */
static int version_of(const struct request *rq, struct response *rs, char out[DIAG_VERSION_MAX])
{
    const char *v = query_get(&rq->query, "version");
    if (v && *v) {
        if (!diag_version_ok(v)) {
            resp_json_error(rs, 400, "version", "Version invalide.");
            return -1;
        }
        snprintf(out, DIAG_VERSION_MAX, "%s", v);
        return 0;
    }
    if (diag_bank_active(rq->db, out) < 0) {
        db_error(rq, rs);
        return -1;
    }
    return 0;
}

void api_diagnostic_banque(const struct request *rq, struct response *rs)
{
    char v[DIAG_VERSION_MAX];
    if (version_of(rq, rs, v) < 0)
        return;
    char *text = NULL;
    int r = diag_store_bank_content(rq->db, v, &text);
    if (r < 0) {
        db_error(rq, rs);
        return;
    }
    size_t len = 0;
    const char *src = r == 1 ? text : diag_bank_builtin_text(v, &len);
    if (!src) {
        resp_json_error(rs, 404, "introuvable", "Cette version de la banque n'existe pas.");
        return;
    }
    buf_add(&rs->body, src, r == 1 ? strlen(src) : len);
    free(text);
    rs->cache_control = "public, max-age=300";
    json_body(rs, 200);
}

static void text_in(struct jsonw *w, const char *key, const struct diag_text *t, enum diag_lang l)
{
    jsonw_key(w, key);
    if (t->t[DIAG_FR])
        jsonw_string(w, diag_tr(t, l));
    else
        jsonw_null(w);
}

/* Copy a flat JSON object of strings (the messages). */
static void messages(struct jsonw *w, const void *obj)
{
    const char *k;
    json_t *v;
    jsonw_object(w);
    json_object_foreach((json_t *)obj, k, v) {
        jsonw_key(w, k);
        jsonw_string(w, json_string_value(v));
    }
    jsonw_end_object(w);
}

void api_diagnostic_paquet(const struct request *rq, struct response *rs)
{
    const char *code = rq->ncaptures > 0 ? rq->captures[0] : "";
    int l = diag_lang_parse(code);
    if (l < 0 || strlen(code) != 2) {
        resp_json_error(rs, 404, "langue", "Langues : fr, en, ar.");
        return;
    }
    char v[DIAG_VERSION_MAX];
    if (version_of(rq, rs, v) < 0)
        return;
    const struct diag_bank *b = diag_bank_get(rq->db, v);
    const void *msgs = diag_messages_json(rq->db, (enum diag_lang)l);
    if (!b) {
        if (strncmp(rq->db->err, "unknown bank version", 20) == 0)
            resp_json_error(rs, 404, "introuvable", "Cette version de la banque n'existe pas.");
        else
            db_error(rq, rs);
        return;
    }
    const struct diag_ref *ref = b->ref;
    struct jsonw w;
    jsonw_init(&w, &rs->body);
    jsonw_object(&w);
    jsonw_key(&w, "version");
    jsonw_string(&w, b->version);
    jsonw_key(&w, "referentiel");
    jsonw_string(&w, ref->version);
    jsonw_key(&w, "langue");
    jsonw_string(&w, diag_lang_code((enum diag_lang)l));
    jsonw_key(&w, "questions_max");
    jsonw_int(&w, b->questions_max);
    jsonw_key(&w, "domaines");
    jsonw_array(&w);
    for (size_t d = 0; d < ref->ndomaines; d++)
        jsonw_string(&w, ref->domaines[d].id);
    jsonw_end_array(&w);
    jsonw_key(&w, "questions");
    jsonw_array(&w);
    for (int i = 0; i < b->nq; i++) {
        const struct diag_question *q = &b->q[i];
        jsonw_object(&w);
        jsonw_key(&w, "id");
        jsonw_string(&w, q->id);
        jsonw_key(&w, "type");
        jsonw_string(&w, q->type == DQ_PROFIL ? "profil" : "competence");
        if (q->type == DQ_PROFIL) {
            jsonw_key(&w, "avant");
            jsonw_bool(&w, q->avant);
            jsonw_key(&w, "multiple");
            jsonw_bool(&w, q->multiple);
        } else {
            jsonw_key(&w, "domaine");
            jsonw_int(&w, q->domaine);
            jsonw_key(&w, "niveau");
            jsonw_int(&w, q->niveau);
            jsonw_key(&w, "bonne");
            jsonw_int(&w, q->bonne);
        }
        text_in(&w, "texte", &q->texte, (enum diag_lang)l);
        text_in(&w, "aide", &q->aide, (enum diag_lang)l);
        jsonw_key(&w, "options");
        jsonw_array(&w);
        for (int k = 0; k < q->noptions; k++) {
            jsonw_object(&w);
            jsonw_key(&w, "id");
            jsonw_string(&w, q->options[k].id);
            text_in(&w, "texte", &q->options[k].texte, (enum diag_lang)l);
            if (q->options[k].exclusif) {
                jsonw_key(&w, "exclusif");
                jsonw_bool(&w, 1);
            }
            if (q->options[k].depart) {
                jsonw_key(&w, "depart");
                jsonw_int(&w, q->options[k].depart);
            }
            jsonw_end_object(&w);
        }
        jsonw_end_array(&w);
        jsonw_end_object(&w);
    }
    jsonw_end_array(&w);
    jsonw_key(&w, "messages");
    if (msgs)
        messages(&w, msgs);
    else
        jsonw_null(&w);
    jsonw_end_object(&w);
    rs->cache_control = "no-cache";
    json_body(rs, 200);
}

static int csrf_header_ok(const struct request *rq)
{
    const char *got = request_header(rq, "X-CSRF-Token");
    char expect[64];
    if (!got || form_csrf_token(rq, expect) < 0)
        return 0;
    size_t n = strlen(expect);
    return strlen(got) == n && sodium_memcmp(got, expect, n) == 0;
}

void api_diagnostic_session_put(const struct request *rq, struct response *rs)
{
    const char *cle = rq->ncaptures > 0 ? rq->captures[0] : "";
    if (!diag_key_ok(cle)) {
        resp_json_error(rs, 400, "cle", "Clé de session invalide (22 à 64 caractères A-Z a-z 0-9 - _).");
        return;
    }
    if (!csrf_header_ok(rq)) {
        resp_json_error(rs, 403, "csrf", "Jeton CSRF absent ou invalide (en-tête X-CSRF-Token).");
        return;
    }
    const char *ct = request_header(rq, "Content-Type");
    if (!ct || strncmp(ct, "application/json", 16) != 0) {
        resp_json_error(rs, 415, "type", "Corps JSON attendu (Content-Type: application/json).");
        return;
    }
    struct diag_sync *sy = malloc(sizeof *sy);
    if (!sy) {
        resp_json_error(rs, 500, "memoire", "Mémoire insuffisante.");
        return;
    }
    char err[256];
    struct diag_sync_reply rep;
    if (diag_sync_parse(rq->body, rq->body_len, sy, err, sizeof err) < 0) {
        resp_json_error(rs, 400, "corps", err);
    } else if (diag_sync_apply(rq->db, cle, sy, rq->now, &rep) < 0) {
        db_error(rq, rs);
    } else if (rep.status == DIAG_SYNC_INVALID) {
        resp_json_error(rs, 422, "reponses", rep.err);
    } else if (rep.status == DIAG_SYNC_CONFLICT) {
        resp_json_error(rs, 409, "conflit", rep.err);
    } else {
        struct jsonw w;
        jsonw_init(&w, &rs->body);
        jsonw_object(&w);
        jsonw_key(&w, "cle");
        jsonw_string(&w, cle);
        jsonw_key(&w, "statut");
        jsonw_string(&w, rep.status == DIAG_SYNC_CREATED   ? "cree"
                         : rep.status == DIAG_SYNC_UPDATED ? "mis_a_jour"
                                                           : "inchange");
        jsonw_key(&w, "revision");
        jsonw_int(&w, rep.revision);
        jsonw_key(&w, "termine");
        jsonw_bool(&w, rep.termine);
        jsonw_key(&w, "suivante");
        jsonw_string(&w, rep.suivante);
        jsonw_key(&w, "resultat");
        if (rep.termine) {
            char url[128];
            snprintf(url, sizeof url, "/diagnostic/s/%s/resultat", cle);
            jsonw_string(&w, url);
        } else {
            jsonw_null(&w);
        }
        jsonw_end_object(&w);
        json_body(rs, rep.status == DIAG_SYNC_CREATED ? 201 : 200);
    }
    free(sy);
}

void api_diagnostic_session_get(const struct request *rq, struct response *rs)
{
    const char *cle = rq->ncaptures > 0 ? rq->captures[0] : "";
    struct diag_state *st = malloc(sizeof *st);
    int r = st ? diag_state_load(rq->db, cle, st) : -1;
    if (r < 0) {
        db_error(rq, rs);
    } else if (r == 0) {
        resp_json_error(rs, 404, "introuvable", "Aucune session pour cette clé.");
    } else {
        struct jsonw w;
        jsonw_init(&w, &rs->body);
        diag_export_record(&w, rq->db, &st->s, 1);
        json_body(rs, 200);
    }
    free(st);
}

static int date_ok(const char *s)
{
    if (!s || !*s)
        return 1;
    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return 0;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
            return 0;
    return 1;
}

/* The filter of ?niveau=&code=&depuis=&jusqu_au= (strings borrowed).
 * 0, or -1 after answering 400. */
static int filter_of(const struct request *rq, struct response *rs, struct diag_filter *f)
{
    memset(f, 0, sizeof *f);
    f->niveau = query_get(&rq->query, "niveau");
    f->code = query_get(&rq->query, "code");
    f->depuis = query_get(&rq->query, "depuis");
    f->jusqu = query_get(&rq->query, "jusqu_au");
    if (f->niveau && !*f->niveau)
        f->niveau = NULL;
    if (f->depuis && !*f->depuis)
        f->depuis = NULL;
    if (f->jusqu && !*f->jusqu)
        f->jusqu = NULL;
    if (diag_filter_ok(f) < 0 || (f->code && strlen(f->code) > 10)) {
        resp_json_error(rs, 400, "territoire",
                        "niveau : region, departement, epci ou commune, avec son code.");
        return -1;
    }
    if (!date_ok(f->depuis) || !date_ok(f->jusqu)) {
        resp_json_error(rs, 400, "date", "Dates au format AAAA-MM-JJ.");
        return -1;
    }
    return 0;
}

void api_diagnostic_stats(const struct request *rq, struct response *rs)
{
    struct diag_filter f;
    if (filter_of(rq, rs, &f) < 0)
        return;
    struct diag_stats s;
    const struct diag_ref *ref = diag_referentiel(rq->db);
    if (!ref || diag_stats(rq->db, &f, &s) < 0) {
        db_error(rq, rs);
        return;
    }
    diag_stats_json(ref, &f, &s, &rs->body);
    json_body(rs, 200);
}

void api_diagnostic_export(const struct request *rq, struct response *rs)
{
    struct diag_filter f;
    if (filter_of(rq, rs, &f) < 0)
        return;
    if (!rq->actor) {
        resp_json_error(rs, 401, "connexion", "Connexion requise (coordinateur ou administrateur).");
        return;
    }
    int niveau = f.niveau ? territoire_niveau_parse(f.niveau) : -1;
    struct authz_resource res = {.niveau = niveau, .code = f.niveau ? f.code : NULL};
    int ok = authz_allowed(rq->db, rq->actor, AZ_DIAGNOSTIC_STATS, &res);
    if (ok < 0) {
        db_error(rq, rs);
        return;
    }
    if (!ok) {
        resp_json_error(rs, 403, "refuse", "Export réservé aux coordinateurs de ce territoire "
                                           "et aux administrateurs.");
        return;
    }
    long n;
    if (diag_export_json(rq->db, &f, &rs->body, NULL, rq->now, &n) < 0) {
        db_error(rq, rs);
        return;
    }
    snprintf(rs->disposition, sizeof rs->disposition,
             "attachment; filename=\"diagnostics.json\"");
    json_body(rs, 200);
}
