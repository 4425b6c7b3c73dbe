/* diag_view.h - what the diagnostic pages share: the language of the page,
 * its messages (data/i18n/diagnostic.LANG.json through
 * diagnostic/catalogue.h), and the page frame with lang and dir
 * attributes (dir="rtl" for Arabic), the header, a language switch on
 * every page, the demonstration banner, and the footer.
 *
 * Language: ?langue=fr|en|ar (which also sets the pl_langue cookie for
 * the next pages), else that cookie, else the session's language, else
 * the browser's Accept-Language, else French.
 *
 * Every text is printed through web/html.h. Messages may hold named
 * placeholders ("Question {n}") filled by dv_msg_num() / dv_msg_str(). */
#ifndef WEB_DIAG_VIEW_H
#define WEB_DIAG_VIEW_H
#include "diagnostic/referentiel.h"
#include "http/router.h"

#define LANG_COOKIE "pl_langue"

struct diag_view {
    const struct request *rq;
    struct response *rs;
    struct buf *b;
    enum diag_lang lang;
    const struct diag_ref *ref; /* NULL when the referential failed to load */
};

/* Choose the language (session_lang: the session's, or NULL) and set the
 * cookie when ?langue= was given. */
void dv_init(struct diag_view *v, const struct request *rq, struct response *rs,
             const char *session_lang);
/* The message `key` in the page's language (never NULL). */
const char *dv_t(const struct diag_view *v, const char *key);
/* Print message `key`, escaped. */
void dv_txt(const struct diag_view *v, const char *key);
/* Print message `key` with "{n}" replaced by n / "{name}" by value. */
void dv_msg_num(const struct diag_view *v, const char *key, long n);
void dv_msg_str(const struct diag_view *v, const char *key, const char *name,
                const char *value);
/* Print a referential or bank text in the page's language. */
void dv_tr(const struct diag_view *v, const struct diag_text *t);

/* The frame. data: extra attributes of <main> for the script (markup
 * built with html_attr, or NULL). script: include /static/diagnostic.js. */
void dv_begin(struct diag_view *v, const char *title, const char *main_attrs, int script);
void dv_end(struct diag_view *v);
/* A complete error page in the page's language (status, title and text
 * keys of the catalogue). */
void dv_error(struct diag_view *v, int status, const char *title_key, const char *text_key);
/* 500 after a database error (details to stderr). */
void dv_db_error(struct diag_view *v);

/* A labelled text field with an optional hint and error (linked by
 * aria-describedby, aria-invalid); label, hint and error are texts. */
void dv_field(const struct diag_view *v, const char *name, const char *label, const char *hint,
              const char *value, const char *error, const char *autocomplete, int textarea);
/* The error summary (role="alert") linking to field `anchor`. */
void dv_error_summary(const struct diag_view *v, const char *anchor, const char *error);

/* Text of French data (places' names, the standard's values) inside a
 * page in another language: wrapped in <span lang="fr"> when needed. */
void dv_fr(const struct diag_view *v, const char *text);

#endif
