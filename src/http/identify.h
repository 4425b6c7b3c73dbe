/* identify.h - who is making a request: a producer's API token
 * (Authorization: Bearer pas_...), a session cookie (pl_session), or
 * nobody. Called by the server once per request, before the router. */
#ifndef HTTP_IDENTIFY_H
#define HTTP_IDENTIFY_H
#include "comptes/authz.h"
#include "http/router.h"

enum identify_result {
    IDENTIFY_OK,        /* rq->actor set, or anonymous (NULL) */
    IDENTIFY_BAD_TOKEN, /* an Authorization header that is not a live token: 401 */
    IDENTIFY_DB_ERROR   /* rq->db->err set: 500 */
};

/* Fill *a and point rq->actor at it when the request is identified. A
 * session cookie that is unknown or expired is ignored (anonymous). */
enum identify_result identify_request(struct request *rq, struct actor *a);

#endif
