/* api.c - JSON API handlers (see api.h). Each one parses parameters, calls
 * a domain module and serialises with jansson; SQL stays in the domains,
 * except the small read-only listings of import runs and duplicate pairs,
 * which live in lieux/reports.c. */
#include "http/api.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/jsonw.h"
#include "embedded.h"
#include "http/search_params.h"
#include "lieux/export.h"
#include "lieux/reports.h"
#include "lieux/search.h"
#include "territoires/territoires.h"

#define JSON_FLAGS (JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10))

void api_send_json(struct response *rs, json_t *o)
{
    char *s = json_dumps(o, JSON_FLAGS);
    json_decref(o);
    if (!s) {
        resp_json_error(rs, 500, "interne", "Mémoire insuffisante.");
        return;
    }
    rs->content_type = "application/json";
    buf_puts(&rs->body, s);
    buf_putc(&rs->body, '\n');
    free(s);
}

void api_db_error(const struct request *rq, struct response *rs)
{
    fprintf(stderr, "api: %s: database: %s\n", rq->path, rq->db->err);
    resp_json_error(rs, 500, "interne", "Erreur interne de la base de données.");
}

static json_t *place_json(const struct lieux_hit *h, const struct request *rq)
{
    json_t *o = json_object();
    json_object_set_new(o, "passerelle_id", json_integer(h->id));
    for (int f = 0; f < LF__COUNT; f++) {
        const char *v = h->l.f[f];
        if (!v)
            continue;
        const char *name = lieu_field_info((enum lieu_field)f)->name;
        if (f == LF_LATITUDE)
            json_object_set_new(o, name, json_real(h->l.lat));
        else if (f == LF_LONGITUDE)
            json_object_set_new(o, name, json_real(h->l.lon));
        else
            json_object_set_new(o, name, json_string(v));
    }
    if (h->km >= 0)
        json_object_set_new(o, "distance_km", json_real((double)(long)(h->km * 1000) / 1000));
    int open = lieux_open_at(&h->l, rq->now);
    json_object_set_new(o, "ouvert_maintenant", open < 0 ? json_null() : json_boolean(open));
    json_object_set_new(o, "code_commune", json_string(h->commune_code));
    json_object_set_new(o, "fusion_de", json_integer(h->membres));
    return o;
}

/* One place of a search result, written directly (the hot path). */
static void place_jsonw(struct jsonw *w, const struct lieux_hit *h, const struct request *rq)
{
    jsonw_object(w);
    jsonw_key(w, "passerelle_id");
    jsonw_int(w, h->id);
    for (int f = 0; f < LF__COUNT; f++) {
        const char *v = h->l.f[f];
        if (!v)
            continue;
        jsonw_key(w, lieu_field_info((enum lieu_field)f)->name);
        if (f == LF_LATITUDE)
            jsonw_double(w, h->l.lat);
        else if (f == LF_LONGITUDE)
            jsonw_double(w, h->l.lon);
        else
            jsonw_string(w, v);
    }
    if (h->km >= 0) {
        jsonw_key(w, "distance_km");
        jsonw_double(w, (double)(long)(h->km * 1000) / 1000);
    }
    int open = lieux_open_at(&h->l, rq->now);
    jsonw_key(w, "ouvert_maintenant");
    if (open < 0)
        jsonw_null(w);
    else
        jsonw_bool(w, open);
    jsonw_key(w, "code_commune");
    jsonw_string(w, h->commune_code);
    jsonw_key(w, "fusion_de");
    jsonw_int(w, h->membres);
    jsonw_end_object(w);
}

void api_lieux(const struct request *rq, struct response *rs)
{
    struct search_params p;
    int rc = search_params_parse(rq, &p);
    if (rc == -2)
        return api_db_error(rq, rs);
    if (rc < 0)
        return resp_json_error(rs, 400, "parametre", p.error);
    struct lieux_results r;
    if (lieux_search(rq->db, &p.q, &r) < 0)
        return api_db_error(rq, rs);
    /* Nearest-first searches stop reading once the page is known to be
     * exact, so their count is only exact when it ended below the page. */
    int exact = !p.located || r.total < (long)p.q.offset + p.q.limit;
    struct jsonw w;
    jsonw_init(&w, &rs->body);
    jsonw_object(&w);
    jsonw_key(&w, "total");
    if (exact)
        jsonw_int(&w, r.total);
    else
        jsonw_null(&w);
    jsonw_key(&w, "plus_de_resultats");
    jsonw_bool(&w, r.total > (long)p.q.offset + (long)r.n);
    jsonw_key(&w, "page");
    jsonw_int(&w, p.page);
    jsonw_key(&w, "limite");
    jsonw_int(&w, p.limite);
    if (p.located) {
        jsonw_key(&w, "autour_de");
        jsonw_object(&w);
        jsonw_key(&w, "lat");
        jsonw_double(&w, p.q.lat);
        jsonw_key(&w, "lon");
        jsonw_double(&w, p.q.lon);
        if (p.has_where) {
            jsonw_key(&w, "commune");
            jsonw_string(&w, p.where.nom);
            jsonw_key(&w, "code_commune");
            jsonw_string(&w, p.where.code);
        }
        jsonw_end_object(&w);
    }
    jsonw_key(&w, "resultats");
    jsonw_array(&w);
    for (size_t i = 0; i < r.n; i++)
        place_jsonw(&w, &r.v[i], rq);
    jsonw_end_array(&w);
    jsonw_end_object(&w);
    buf_putc(&rs->body, '\n');
    rs->content_type = "application/json";
    lieux_results_free(&r);
}

static int parse_id(const char *s, long long *id)
{
    char *end;
    long long v = strtoll(s, &end, 10);
    if (end == s || *end || v <= 0)
        return -1;
    *id = v;
    return 0;
}

void api_lieu(const struct request *rq, struct response *rs)
{
    long long id;
    if (parse_id(rq->captures[0], &id) < 0)
        return resp_json_error(rs, 400, "parametre", "L'identifiant d'un lieu est un nombre.");
    struct lieux_hit h;
    char *prov = NULL;
    int got = lieux_get(rq->db, id, &h, &prov);
    if (got < 0)
        return api_db_error(rq, rs);
    if (got == 0)
        return resp_json_error(rs, 404, "introuvable", "Aucun lieu avec cet identifiant.");
    json_t *o = place_json(&h, rq);
    json_t *pj = prov ? json_loads(prov, 0, NULL) : NULL;
    json_object_set_new(o, "provenance", pj ? pj : json_object());
    free(prov);
    struct lieux_members m;
    if (lieux_members(rq->db, id, &m) == 0) {
        json_t *arr = json_array();
        for (size_t i = 0; i < m.n; i++) {
            json_t *e = json_object();
            json_object_set_new(e, "source", json_string(m.v[i].source));
            json_object_set_new(e, "id", json_string(m.v[i].id));
            json_object_set_new(e, "date_maj", json_string(m.v[i].date_maj));
            json_array_append_new(arr, e);
        }
        json_object_set_new(o, "sources", arr);
        lieux_members_free(&m);
    }
    lieu_clear(&h.l);
    api_send_json(rs, o);
}

void api_export(const struct request *rq, struct response *rs)
{
    const char *fmtname = query_get(&rq->query, "format");
    enum export_format fmt;
    if (!fmtname || lieux_export_format(fmtname, &fmt) < 0)
        return resp_json_error(rs, 400, "parametre", "format doit valoir csv ou json.");
    char *data = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&data, &len);
    if (!f)
        return resp_json_error(rs, 500, "interne", "Mémoire insuffisante.");
    long n;
    int rc = lieux_export(rq->db, fmt, f, &n);
    fclose(f);
    if (rc < 0) {
        free(data);
        return api_db_error(rq, rs);
    }
    buf_add(&rs->body, data, len);
    free(data);
    rs->content_type = fmt == EXPORT_CSV ? "text/csv; charset=utf-8" : "application/json";
    snprintf(rs->disposition, sizeof rs->disposition,
             "attachment; filename=\"lieux-de-mediation-numerique.%s\"", fmtname);
}

static json_t *commune_json(const struct territoire_commune *c)
{
    json_t *o = json_object();
    json_object_set_new(o, "code", json_string(c->code));
    json_object_set_new(o, "nom", json_string(c->nom));
    json_object_set_new(o, "departement", json_string(c->departement));
    json_object_set_new(o, "region", json_string(c->region));
    if (c->epci[0])
        json_object_set_new(o, "epci", json_string(c->epci));
    if (c->population >= 0)
        json_object_set_new(o, "population", json_integer(c->population));
    if (c->has_coords) {
        json_object_set_new(o, "lat", json_real(c->lat));
        json_object_set_new(o, "lon", json_real(c->lon));
    }
    return o;
}

void api_communes(const struct request *rq, struct response *rs)
{
    const char *q = query_get(&rq->query, "q");
    if (!q || !*q)
        return resp_json_error(rs, 400, "parametre", "Donnez q : un nom de commune ou un code postal.");
    struct territoire_commune c[10];
    int n = territoires_search_communes(rq->db, q, c, 10);
    if (n < 0)
        return api_db_error(rq, rs);
    json_t *arr = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(arr, commune_json(&c[i]));
    json_t *o = json_object();
    json_object_set_new(o, "resultats", arr);
    api_send_json(rs, o);
}

void api_territoire(const struct request *rq, struct response *rs)
{
    int niv = territoire_niveau_parse(rq->captures[0]);
    if (niv < 0)
        return resp_json_error(rs, 400, "parametre",
                               "Niveau inconnu : commune, epci, departement ou region.");
    struct territoire t;
    int got = territoires_get(rq->db, (enum territoire_niveau)niv, rq->captures[1], &t);
    if (got < 0)
        return api_db_error(rq, rs);
    if (got == 0)
        return resp_json_error(rs, 404, "introuvable", "Territoire inconnu.");
    long places = lieux_count_in(rq->db, territoire_niveau_nom(t.niveau), t.code);
    if (places < 0)
        return api_db_error(rq, rs);
    json_t *o = json_object();
    json_object_set_new(o, "niveau", json_string(territoire_niveau_nom(t.niveau)));
    json_object_set_new(o, "code", json_string(t.code));
    json_object_set_new(o, "nom", json_string(t.nom));
    if (t.population >= 0)
        json_object_set_new(o, "population", json_integer(t.population));
    json_object_set_new(o, "communes", json_integer(t.communes));
    json_object_set_new(o, "lieux", json_integer(places));
    if (t.population > 0)
        json_object_set_new(o, "lieux_pour_10000_habitants",
                            json_real((double)(long)(places * 1e5 / (double)t.population) / 10));
    if (t.epci[0])
        json_object_set_new(o, "epci", json_string(t.epci));
    if (t.departement[0])
        json_object_set_new(o, "departement", json_string(t.departement));
    if (t.region[0])
        json_object_set_new(o, "region", json_string(t.region));
    api_send_json(rs, o);
}

static int page_arg(const struct request *rq)
{
    const char *p = query_get(&rq->query, "page");
    int v = p ? atoi(p) : 1;
    return v >= 1 && v <= 100000 ? v : 1;
}

void api_doublons(const struct request *rq, struct response *rs)
{
    struct dedup_pairs_page pg;
    if (lieux_dedup_pairs(rq->db, page_arg(rq), 100, &pg) < 0)
        return api_db_error(rq, rs);
    json_t *o = json_object(), *arr = json_array();
    json_object_set_new(o, "total", json_integer(pg.total));
    for (size_t i = 0; i < pg.n; i++) {
        const struct dedup_pair_row *p = &pg.v[i];
        json_t *e = json_object();
        json_object_set_new(e, "score", json_integer(p->score));
        json_object_set_new(e, "score_nom", json_integer(p->nom));
        json_object_set_new(e, "score_adresse", json_integer(p->voie));
        json_object_set_new(e, "score_distance", json_integer(p->distance));
        json_object_set_new(e, "decision", json_string(p->decision));
        for (int k = 0; k < 2; k++) {
            json_t *s = json_object();
            json_object_set_new(s, "source", json_string(p->side[k].source));
            json_object_set_new(s, "id", json_string(p->side[k].id));
            json_object_set_new(s, "nom", json_string(p->side[k].nom));
            json_object_set_new(s, "adresse", json_string(p->side[k].adresse));
            json_object_set_new(s, "passerelle_id", json_integer(p->side[k].lieu_id));
            json_object_set_new(e, k ? "b" : "a", s);
        }
        json_array_append_new(arr, e);
    }
    json_object_set_new(o, "paires", arr);
    lieux_dedup_pairs_free(&pg);
    api_send_json(rs, o);
}

void api_imports(const struct request *rq, struct response *rs)
{
    struct import_runs runs;
    if (lieux_import_runs(rq->db, &runs) < 0)
        return api_db_error(rq, rs);
    json_t *arr = json_array();
    for (size_t i = 0; i < runs.n; i++) {
        const struct import_run_row *r = &runs.v[i];
        json_t *e = json_object();
        json_object_set_new(e, "id", json_integer(r->id));
        json_object_set_new(e, "source", json_string(r->source));
        json_object_set_new(e, "fichier", json_string(r->file));
        json_object_set_new(e, "format", json_string(r->format));
        json_object_set_new(e, "encodage", json_string(r->encoding));
        json_object_set_new(e, "debut", json_string(r->started_at));
        json_object_set_new(e, "lignes", json_integer(r->rows));
        json_object_set_new(e, "importees", json_integer(r->imported));
        json_object_set_new(e, "rejetees", json_integer(r->rejected));
        json_object_set_new(e, "inchangees", json_integer(r->unchanged));
        json_object_set_new(e, "retirees", json_integer(r->retired));
        json_array_append_new(arr, e);
    }
    lieux_import_runs_free(&runs);
    json_t *o = json_object();
    json_object_set_new(o, "imports", arr);
    api_send_json(rs, o);
}

json_t *api_report_json(struct db *d, long long id, int page, long *total)
{
    struct import_issues is;
    if (lieux_import_issues(d, id, page, 500, &is) < 0)
        return NULL;
    json_t *arr = json_array();
    for (size_t i = 0; i < is.n; i++) {
        const struct import_issue_row *r = &is.v[i];
        json_t *e = json_object();
        json_object_set_new(e, "ligne_donnees", json_integer(r->row));
        if (r->line > 0)
            json_object_set_new(e, "ligne_fichier", json_integer(r->line));
        json_object_set_new(e, "id", json_string(r->record_id));
        json_object_set_new(e, "champ", json_string(r->field));
        json_object_set_new(e, "valeur", json_string(r->value));
        json_object_set_new(e, "regle", json_string(r->rule));
        json_object_set_new(e, "gravite", json_string(r->severity));
        json_array_append_new(arr, e);
    }
    *total = is.total;
    lieux_import_issues_free(&is);
    return arr;
}

void api_import(const struct request *rq, struct response *rs)
{
    long long id;
    if (parse_id(rq->captures[0], &id) < 0)
        return resp_json_error(rs, 400, "parametre", "L'identifiant d'un import est un nombre.");
    long total;
    json_t *arr = api_report_json(rq->db, id, page_arg(rq), &total);
    if (!arr)
        return api_db_error(rq, rs);
    json_t *o = json_object();
    json_object_set_new(o, "import", json_integer(id));
    json_object_set_new(o, "total", json_integer(total));
    json_object_set_new(o, "problemes", arr);
    api_send_json(rs, o);
}

void api_openapi(const struct request *rq, struct response *rs)
{
    (void)rq;
    for (size_t i = 0; i < embedded_count; i++) {
        if (strcmp(embedded_files[i].name, "docs/openapi.json") == 0) {
            buf_add(&rs->body, embedded_files[i].data, embedded_files[i].len);
            rs->content_type = "application/json";
            rs->cache_control = "public, max-age=300";
            return;
        }
    }
    resp_json_error(rs, 404, "introuvable", "Description OpenAPI absente de ce binaire.");
}

void api_sante(const struct request *rq, struct response *rs)
{
    long n = lieux_count_in(rq->db, NULL, NULL);
    if (n < 0)
        return api_db_error(rq, rs);
    json_t *o = json_object();
    json_object_set_new(o, "etat", json_string("ok"));
    json_object_set_new(o, "lieux", json_integer(n));
    api_send_json(rs, o);
}
