/* api_accompagnement.h - the JSON API of activity records and statistics
 * (api_accompagnement.c; docs/openapi.json). A session is required; the
 * permissions are those of the pages. */
#ifndef HTTP_API_ACCOMPAGNEMENT_H
#define HTTP_API_ACCOMPAGNEMENT_H
#include "http/router.h"

void api_activites(const struct request *rq, struct response *rs);
void api_activite(const struct request *rq, struct response *rs);
void api_statistiques(const struct request *rq, struct response *rs);

#endif
