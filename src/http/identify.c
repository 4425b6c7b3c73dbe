/* identify.c - the request's actor (see identify.h). */
#include "http/identify.h"

#include <string.h>
#include <strings.h>

#include "comptes/jeton.h"
#include "comptes/session.h"
#include "web/form.h"

enum identify_result identify_request(struct request *rq, struct actor *a)
{
    rq->actor = NULL;
    const char *auth = request_header(rq, "Authorization");
    if (auth) {
        if (strncasecmp(auth, "Bearer ", 7) != 0)
            return IDENTIFY_BAD_TOKEN;
        int r = jeton_actor(rq->db, auth + 7, rq->now, a);
        if (r < 0)
            return IDENTIFY_DB_ERROR;
        if (r == 0)
            return IDENTIFY_BAD_TOKEN;
        rq->actor = a;
        return IDENTIFY_OK;
    }
    char cookie[96];
    if (!request_cookie(rq, SESSION_COOKIE, cookie, sizeof cookie))
        return IDENTIFY_OK;
    int r = session_actor(rq->db, cookie, rq->now, a);
    if (r < 0)
        return IDENTIFY_DB_ERROR;
    if (r == 1)
        rq->actor = a;
    return IDENTIFY_OK;
}
