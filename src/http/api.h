/* api.h - the JSON API under /api/v1/, documented in docs/openapi.json
 * (served at /api/openapi.json). Errors are {"erreur": {"code", "message"}}
 * with a 4xx/5xx status.
 *   GET /api/v1/lieux                  search (parameters: http/search_params.h)
 *   GET /api/v1/lieux/{id}             one place with provenance and sources
 *   GET /api/v1/export?format=csv|json the registry in the national standard
 *   GET /api/v1/communes?q=TEXT        communes for a search box
 *   GET /api/v1/territoires/{niv}/{code} a territory with its counts of places
 *   GET /api/v1/doublons               candidate duplicate pairs of the last run
 *   GET /api/v1/imports[/{id}]         import runs, and one run's report
 *   GET /api/openapi.json              the OpenAPI 3 description */
#ifndef HTTP_API_H
#define HTTP_API_H
#include "http/router.h"

void api_lieux(const struct request *rq, struct response *rs);
void api_lieu(const struct request *rq, struct response *rs);
void api_export(const struct request *rq, struct response *rs);
void api_communes(const struct request *rq, struct response *rs);
void api_territoire(const struct request *rq, struct response *rs);
void api_doublons(const struct request *rq, struct response *rs);
void api_imports(const struct request *rq, struct response *rs);
void api_import(const struct request *rq, struct response *rs);
void api_openapi(const struct request *rq, struct response *rs);
void api_sante(const struct request *rq, struct response *rs);

/* The producers' write API (api_sources.c):
 *   GET|PUT|DELETE /api/v1/sources/{source}/lieux/{id}   one place of a source
 *   PUT            /api/v1/sources/{source}/lieux        a whole file, upserted */
void api_source_lieu(const struct request *rq, struct response *rs);
void api_source_lieux(const struct request *rq, struct response *rs);

/* Shared by the API files. */
#include <jansson.h>
/* Send o (consumed) as the JSON body. */
void api_send_json(struct response *rs, json_t *o);
/* 500 after a database error (logged, not shown). */
void api_db_error(const struct request *rq, struct response *rs);
/* The report of import run `id` (500 issues a page) as a JSON array (new
 * reference), *total the count; NULL on database error. */
json_t *api_report_json(struct db *d, long long id, int page, long *total);

#endif
