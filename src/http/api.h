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

#endif
