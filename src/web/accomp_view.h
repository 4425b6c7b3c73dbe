/* accomp_view.h - pieces shared by the accompaniment pages
 * (page_activites.c, page_beneficiaires.c, page_orientations.c,
 * page_statistiques.c, page_rgpd.c): the flow context of a request, the
 * actor's structure, groups of radio buttons and check boxes for the
 * vocabularies, the error summary, French dates, and the answers to a
 * flow's refusal. Everything printed goes through web/html.h. */
#ifndef WEB_ACCOMP_VIEW_H
#define WEB_ACCOMP_VIEW_H
#include "accompagnement/accomp.h"
#include "accompagnement/beneficiaire.h"
#include "accompagnement/referentiel.h"
#include "base/buf.h"
#include "http/router.h"

/* The context of a flow run for this request (actor, address, clock, key). */
void av_ctx(const struct request *rq, struct accomp_ctx *c);
/* The structure the actor works for: the "structure" parameter when the
 * actor holds a grant on it, else their first structure; 0 when none. */
long long av_structure(const struct request *rq);
/* Capture i of the path as a positive id: 0, or -1 (answers 404). */
int av_id(const struct request *rq, struct response *rs, int i, long long *id);

/* The followed person of capture 0 (a signed-in actor, the key, the
 * record, `action` (AZ_BENEFICIAIRE_*) on its structure): 1, or 0 when
 * answered (login redirect, 503 without key, 404 — or a redirect to the
 * record it was merged into —, 403, 500). */
int av_person(const struct request *rq, struct response *rs, enum authz_action action,
              struct beneficiaire *b);

/* A group of check boxes for the values of voc, inside a fieldset whose
 * id is `name` (for the error summary's links). error/hint may be NULL. */
void av_checkboxes(struct buf *b, const char *name, enum accomp_voc voc, unsigned checked,
                   const char *legend, const char *hint, const char *error);
/* Radio buttons; `none` (may be NULL) is a first choice with value "". */
void av_radios(struct buf *b, const char *name, enum accomp_voc voc, int checked,
               const char *legend, const char *none, const char *error);
/* A <select> with a label; `none` as for av_radios. */
void av_select(struct buf *b, const char *name, enum accomp_voc voc, int checked,
               const char *label, const char *none);
/* The labels of the bits set, separated by ", " ("—" when none). */
void av_labels(struct buf *b, enum accomp_voc voc, unsigned bits);
/* A day as "24 novembre 2026". */
void av_jour(struct buf *b, long jour);
/* The date of an ISO 8601 text ("2026-11-24T10:30:00Z" or "2026-11-24")
 * the same way; nothing for NULL. */
void av_iso_date(struct buf *b, const char *iso);

struct av_label {
    const char *field, *label;
};
/* The summary of errors at the top of a form: each message links to its
 * field; labels maps field names to the words shown. */
void av_errors(struct buf *b, const struct accomp_erreurs *e, const struct av_label *labels);
/* The message of a group (fieldset) in error, or nothing. */
void av_group_error(struct buf *b, const char *name, const char *error);

/* Answer a flow's failure: ACC_FORBIDDEN 403, ACC_NOT_FOUND 404,
 * ACC_NO_KEY 503 with the explanation, ACC_INVALID 400 with c->msg,
 * ACC_ERROR 500. */
void av_fail(const struct request *rq, struct response *rs, enum accomp_result r,
             const struct accomp_ctx *c);
/* The explanation shown when no personal data key is configured. */
extern const char av_no_key[];

#endif
