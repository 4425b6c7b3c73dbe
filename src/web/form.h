/* form.h - HTML forms: CSRF protection and accessible fields.
 *
 * Every form that POSTs carries a CSRF token (form_csrf_field) and every
 * POST handler checks it first (form_csrf_ok) before anything else. The
 * token is an HMAC, under the server's key, of the visitor's session
 * cookie when signed in, or else of a random visitor cookie set the first
 * time a form is shown (HttpOnly, SameSite=Lax, Secure over TLS). A POST
 * whose Origin header names another site is refused too.
 *
 * Fields: form_text() writes a label, an optional hint, the error message
 * next to the field (linked by aria-describedby, aria-invalid="true") and
 * the input; form_errors() writes the summary at the top of the form with
 * a link to each field in error. Everything printed is escaped. */
#ifndef WEB_FORM_H
#define WEB_FORM_H
#include "base/buf.h"
#include "http/router.h"

#define VISITOR_COOKIE "pl_visiteur"
#define SESSION_COOKIE "pl_session"

/* <input type="hidden" name="csrf" value="...">; sets the visitor cookie on
 * rs when the visitor has neither cookie yet. */
void form_csrf_field(struct buf *b, const struct request *rq, struct response *rs);
/* 1 when the POST's csrf parameter matches the visitor's cookie and its
 * Origin (when present) is this site; 0 otherwise. */
int form_csrf_ok(const struct request *rq);
/* The token for this request into out[64] (for links that act, rarely
 * needed). Returns 0, or -1 when the visitor has no cookie yet. */
int form_csrf_token(const struct request *rq, char out[64]);

struct form_field {
    const char *name;      /* name and id of the input */
    const char *label;     /* visible label */
    const char *value;     /* current value (re-shown after an error), or NULL */
    const char *error;     /* French message next to the field, or NULL */
    const char *hint;      /* help below the label, or NULL */
    const char *type;      /* "text" (default), "email", "password", "date", "number", "tel", "url" */
    const char *autocomplete; /* e.g. "email", "current-password", or NULL */
    int required;
    int textarea;          /* a <textarea> instead of an input */
    const char *error_prefix; /* before the error, "Erreur :" when NULL (other languages) */
};

void form_text(struct buf *b, const struct form_field *f);
/* The error summary for the fields with an error (nothing when none):
 * role="alert", a heading and a link to each field. */
void form_errors(struct buf *b, const struct form_field *fields, int n);

#endif
