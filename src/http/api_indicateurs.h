/* api_indicateurs.h - the open data API of the territorial diagnostic,
 * documented in docs/openapi.json:
 *   GET /api/v1/indicateurs?niveau=N[&dans=NIVEAU:CODE][&format=json|csv][&variante=V]
 *       every territory of a level (open data, statistical secrecy)
 *   GET /api/v1/indicateurs/{niveau}/{code}[?variante=V]
 *       one territory: IFN, places and distances per category, parents,
 *       similar territories, priority communes
 *   GET /api/v1/communes-prioritaires[?dans=NIVEAU:CODE][&limite=N][&page=P]
 *       priority communes, highest score first */
#ifndef HTTP_API_INDICATEURS_H
#define HTTP_API_INDICATEURS_H
#include "http/router.h"

void api_indicateurs(const struct request *rq, struct response *rs);
void api_indicateurs_territoire(const struct request *rq, struct response *rs);
void api_communes_prioritaires(const struct request *rq, struct response *rs);

#endif
