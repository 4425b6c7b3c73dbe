/* api_accompagnement.c - the JSON API of activity records and statistics
 * (docs/openapi.json), for a signed-in session: the same permissions as
 * the pages (AZ_ACTIVITE_READ, AZ_STATS_READ). Records never carry
 * personal data: followed participants are counted, not named.
 *   GET /api/v1/activites          my records (médiateur) or my structure's (manager)
 *   GET /api/v1/activites/{id}     one record
 *   GET /api/v1/statistiques       figures of a scope and period */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accompagnement/activite.h"
#include "accompagnement/statistiques.h"
#include "base/jour.h"
#include "http/api.h"
#include "http/api_accompagnement.h"

static const char *param(const struct request *rq, const char *k)
{
    const char *v = query_get(&rq->query, k);
    return v ? v : "";
}

static int need_actor(const struct request *rq, struct response *rs)
{
    if (rq->actor)
        return 1;
    resp_json_error(rs, 401, "connexion", "Connectez-vous (session) pour lire ces données.");
    return 0;
}

static json_t *record(const struct activite *a)
{
    char *s = activite_json(a);
    json_t *o = s ? json_loads(s, 0, NULL) : NULL;
    free(s);
    return o ? o : json_object();
}

void api_activites(const struct request *rq, struct response *rs)
{
    if (!need_actor(rq, rs))
        return;
    long long structure_id = atoll(param(rq, "structure"));
    if (structure_id <= 0)
        structure_id = actor_structure(rq->actor);
    struct authz_resource r = {.structure_id = structure_id};
    int manager = 0, k;
    for (int i = 0; i < rq->actor->ngrants; i++)
        manager |= rq->actor->grants[i].role == ROLE_GESTIONNAIRE &&
                   rq->actor->grants[i].portee == PORTEE_STRUCTURE &&
                   atoll(rq->actor->grants[i].code) == structure_id;
    k = structure_id ? authz_allowed(rq->db, rq->actor, AZ_ACTIVITE_CREATE, &r) : 0;
    if (k < 0)
        return api_db_error(rq, rs);
    if (!manager && !k)
        return resp_json_error(rs, 403, "interdit", "Les activités se lisent par leurs auteurs et "
                                                    "les gestionnaires de leur structure.");
    long du = 1, au = 0;
    if ((*param(rq, "du") && jour_parse(param(rq, "du"), &du) < 0) ||
        (*param(rq, "au") && jour_parse(param(rq, "au"), &au) < 0))
        return resp_json_error(rs, 400, "parametre", "Les dates s'écrivent AAAA-MM-JJ.");
    if (*param(rq, "du") && !*param(rq, "au"))
        au = jour_local(rq->now);
    if (!*param(rq, "du") && *param(rq, "au"))
        du = 0;
    long page = atol(param(rq, "page"));
    if (page < 1 || page > 100000)
        page = 1;
    struct activite_filtre f = {.structure_id = structure_id,
                                .compte_id = manager ? 0 : rq->actor->compte_id, .du = du, .au = au,
                                .limit = 100, .offset = (int)((page - 1) * 100)};
    struct activite_liste l;
    if (activite_list(rq->db, &f, &l) < 0)
        return api_db_error(rq, rs);
    json_t *o = json_object(), *arr = json_array();
    for (size_t i = 0; i < l.n; i++)
        json_array_append_new(arr, record(&l.v[i]));
    json_object_set_new(o, "page", json_integer(page));
    json_object_set_new(o, "plus_de_resultats", json_boolean(l.more));
    json_object_set_new(o, "resultats", arr);
    activite_liste_free(&l);
    api_send_json(rs, o);
}

void api_activite(const struct request *rq, struct response *rs)
{
    if (!need_actor(rq, rs))
        return;
    char *end;
    long long id = strtoll(rq->captures[0], &end, 10);
    if (*end || id <= 0)
        return resp_json_error(rs, 400, "parametre", "L'identifiant d'une activité est un nombre.");
    struct activite a;
    int k = activite_get(rq->db, id, &a);
    if (k < 0)
        return api_db_error(rq, rs);
    if (k == 0)
        return resp_json_error(rs, 404, "introuvable", "Aucune activité avec cet identifiant.");
    k = activite_may_read(rq->db, rq->actor, &a);
    if (k < 0)
        return api_db_error(rq, rs);
    if (k == 0)
        return resp_json_error(rs, 403, "interdit", "Cette activité n'est pas dans votre périmètre.");
    api_send_json(rs, record(&a));
}

void api_statistiques(const struct request *rq, struct response *rs)
{
    if (!need_actor(rq, rs))
        return;
    struct stat_demande q;
    char msg[300];
    int k = stat_demande_lire(rq->db, rq->actor, param(rq, "portee"), param(rq, "code"),
                              param(rq, "du"), param(rq, "au"), rq->now, &q, msg, sizeof msg);
    if (k == -2)
        return resp_json_error(rs, 400, "parametre", msg);
    if (k < 0)
        return api_db_error(rq, rs);
    if (k == 0)
        return resp_json_error(rs, 403, "interdit", "Ces statistiques ne sont pas dans votre "
                                                    "périmètre.");
    struct stat_tableau t;
    if (stat_demande_tableau(rq->db, &q, 0, &t) < 0)
        return api_db_error(rq, rs);
    api_send_json(rs, stat_tableau_json(&t, &q));
    stat_tableau_free(&t);
}
