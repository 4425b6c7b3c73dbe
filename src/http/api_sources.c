/* api_sources.c - the producers' write API (see api.h and lieux/ecriture.h).
 *
 * A producer's machine account holds an API token scoped to its source
 * (Authorization: Bearer pas_...). It PUTs places in the national
 * standard one by one (JSON), or a whole file at once (CSV or JSON), and
 * DELETEs them; every answer carries the validation report of the import
 * run it made, the same as `passerelle lieux import` prints. Statuses:
 * 201 created, 200 updated or unchanged, 204 deleted, 400 malformed, 401
 * no or bad token, 403 another source, 404 unknown, 409 older date_maj,
 * 412 If-Match mismatch, 422 rejected by the standard's rules. */
#include <stdio.h>
#include <string.h>

#include "comptes/authz.h"
#include "http/api.h"
#include "lieux/ecriture.h"

static const char *result_word(enum lieux_write_status s)
{
    switch (s) {
    case LW_CREATED: return "cree";
    case LW_UPDATED: return "modifie";
    case LW_UNCHANGED: return "inchange";
    case LW_DELETED: return "supprime";
    case LW_REJECTED: return "rejete";
    default: return "erreur";
    }
}

/* The write API takes tokens only: a browser session (cookie) never writes
 * through it, so no cross-site request can. */
static int need_token(const struct request *rq, struct response *rs)
{
    if (rq->actor && rq->actor->via_token)
        return 1;
    resp_json_error(rs, 401, "jeton", "Jeton d'accès requis : en-tête Authorization: Bearer "
                                      "pas_... (un administrateur le crée pour votre source).");
    resp_header(rs, "WWW-Authenticate", "Bearer");
    return 0;
}

static struct lieux_write_ctx ctx_of(const struct request *rq)
{
    struct lieux_write_ctx c = {.by = rq->actor, .peer = rq->peer, .now = rq->now};
    return c;
}

/* Answer a write: status code, ETag, and the run's report. */
static void answer(const struct request *rq, struct response *rs, const struct lieux_write *w,
                   const char *source, const char *id)
{
    static const struct {
        enum lieux_write_status s;
        int http;
        const char *code;
    } map[] = {
        {LW_BAD_REQUEST, 400, "requete"}, {LW_FORBIDDEN, 403, "interdit"},
        {LW_NOT_FOUND, 404, "introuvable"}, {LW_STALE, 409, "version_ancienne"},
        {LW_PRECONDITION, 412, "precondition"},
    };
    if (w->status == LW_ERROR) {
        api_db_error(rq, rs);
        return;
    }
    if (w->etag[0])
        resp_header(rs, "ETag", w->etag);
    for (size_t i = 0; i < sizeof map / sizeof *map; i++)
        if (map[i].s == w->status) {
            resp_json_error(rs, map[i].http, map[i].code, w->msg);
            if (w->etag[0])
                resp_header(rs, "ETag", w->etag);
            return;
        }
    if (w->status == LW_DELETED) {
        rs->status = 204;
        return;
    }
    json_t *o = json_object();
    json_object_set_new(o, "resultat", json_string(result_word(w->status)));
    json_object_set_new(o, "source", json_string(source));
    if (id)
        json_object_set_new(o, "id", json_string(id));
    if (w->etag[0])
        json_object_set_new(o, "etag", json_string(w->etag));
    if (!id) {
        json_t *st = json_object();
        json_object_set_new(st, "lignes", json_integer(w->st.rows));
        json_object_set_new(st, "importees", json_integer(w->st.imported));
        json_object_set_new(st, "rejetees", json_integer(w->st.rejected));
        json_object_set_new(st, "nouvelles", json_integer(w->st.added));
        json_object_set_new(st, "modifiees", json_integer(w->st.updated));
        json_object_set_new(st, "inchangees", json_integer(w->st.unchanged));
        json_object_set_new(st, "retirees", json_integer(w->st.retired));
        json_object_set_new(o, "compteurs", st);
    }
    if (w->run_id > 0) {
        long total = 0;
        json_t *rep = api_report_json(rq->db, w->run_id, 1, &total);
        if (!rep) {
            json_decref(o);
            api_db_error(rq, rs);
            return;
        }
        json_object_set_new(o, "import", json_integer(w->run_id));
        json_object_set_new(o, "problemes_total", json_integer(total));
        json_object_set_new(o, "problemes", rep);
    }
    json_object_set_new(o, "publication", json_string("dans quelques secondes"));
    rs->status = w->status == LW_CREATED ? 201 : w->status == LW_REJECTED ? 422 : 200;
    if (w->status == LW_CREATED) {
        snprintf(rs->location, sizeof rs->location, "%s", rq->path);
    }
    api_send_json(rs, o);
    rs->status = w->status == LW_CREATED ? 201 : w->status == LW_REJECTED ? 422 : 200;
}

void api_source_lieu(const struct request *rq, struct response *rs)
{
    const char *source = rq->captures[0], *id = rq->captures[1];
    if (!need_token(rq, rs))
        return;
    struct lieux_write_ctx c = ctx_of(rq);
    struct lieux_write w;
    if (strcmp(rq->method, "GET") == 0 || strcmp(rq->method, "HEAD") == 0) {
        struct authz_resource r = {.source = source};
        int k = authz_allowed(rq->db, rq->actor, AZ_LIEU_API_WRITE, &r);
        if (k < 0)
            return api_db_error(rq, rs);
        if (k == 0)
            return resp_json_error(rs, 403, "interdit", "Ce jeton ne donne pas accès à cette source.");
        struct lieu l = {0};
        char etag[24];
        int got = lieux_source_get(rq->db, source, id, &l, etag);
        if (got < 0)
            return api_db_error(rq, rs);
        if (got == 0)
            return resp_json_error(rs, 404, "introuvable", "Aucun lieu avec cet identifiant dans "
                                                           "cette source.");
        char *j = lieu_to_json(&l);
        lieu_clear(&l);
        if (!j)
            return resp_json_error(rs, 500, "interne", "Mémoire insuffisante.");
        rs->content_type = "application/json";
        buf_puts(&rs->body, j);
        buf_putc(&rs->body, '\n');
        free(j);
        resp_header(rs, "ETag", etag);
        return;
    }
    const char *if_match = request_header(rq, "If-Match");
    if (strcmp(rq->method, "DELETE") == 0) {
        lieux_delete(rq->db, &c, source, id, if_match, &w);
        answer(rq, rs, &w, source, id);
        return;
    }
    lieux_put(rq->db, &c, source, id, rq->body ? rq->body : "", rq->body_len, if_match, &w);
    answer(rq, rs, &w, source, id);
}

void api_source_lieux(const struct request *rq, struct response *rs)
{
    const char *source = rq->captures[0];
    if (!need_token(rq, rs))
        return;
    if (!rq->body_len)
        return resp_json_error(rs, 400, "requete", "Envoyez le fichier des lieux (CSV ou JSON) "
                                                   "dans le corps de la requête.");
    const char *retire = query_get(&rq->query, "retirer_absents");
    struct lieux_write_ctx c = ctx_of(rq);
    struct lieux_write w;
    lieux_bulk(rq->db, &c, source, rq->body, rq->body_len,
               retire && (strcmp(retire, "oui") == 0 || strcmp(retire, "1") == 0), &w);
    answer(rq, rs, &w, source, NULL);
}
