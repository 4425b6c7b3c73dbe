/* accomp.c - shared helpers of the accompaniment flows (see accomp.h). */
#include "accompagnement/accomp.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *accomp_erreur(const struct accomp_erreurs *e, const char *field)
{
    for (int i = 0; e && field && i < e->n; i++)
        if (strcmp(e->e[i].field, field) == 0)
            return e->e[i].msg;
    return NULL;
}

void accomp_erreur_add(struct accomp_erreurs *e, const char *field, const char *fmt, ...)
{
    if (e->n >= ACCOMP_MAX_ERRORS || accomp_erreur(e, field))
        return;
    e->e[e->n].field = field;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->e[e->n].msg, sizeof e->e[e->n].msg, fmt, ap);
    va_end(ap);
    e->n++;
}

int accomp_allowed(struct db *d, const struct accomp_ctx *c, enum authz_action a,
                   const struct authz_resource *r)
{
    return c->by ? authz_allowed(d, c->by, a, r) : 1;
}

enum accomp_result accomp_refuse(struct accomp_ctx *c, enum accomp_result r, const char *msg)
{
    snprintf(c->msg, sizeof c->msg, "%s", msg);
    return r;
}

enum accomp_result accomp_fail(struct db *d)
{
    db_rollback(d);
    return ACC_ERROR;
}

