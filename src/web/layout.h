/* layout.h - the frame shared by every HTML page, and small French
 * formatting helpers used by the pages (src/web/page_*.c).
 *
 * A page handler builds its whole document in rs->body:
 *     page_begin(&rs->body, rq, "Titre");
 *     ... content, through web/html.h only ...
 *     page_end(&rs->body, rq);
 *     page_finish(rs);
 * page_begin() writes the doctype, <head>, the skip link, the header with
 * the site's navigation, the demonstration banner when the loaded places
 * are the shipped demo set (meta "demo" = "1"), and opens <main
 * id="contenu">; page_end() closes it and writes the footer. Pages carry no
 * inline style or script (strict CSP) and need no JavaScript.
 *
 * Every helper appends to a struct buf and inherits its out-of-memory
 * behaviour (buf.oom, checked once by page_finish()). Every string printed
 * is escaped: callers pass plain text. None of these functions can fail
 * otherwise. */
#ifndef WEB_LAYOUT_H
#define WEB_LAYOUT_H
#include "base/buf.h"
#include "http/router.h"
#include "territoires/territoires.h"

/* Largest body a page should send (without images); lists and maps are
 * capped to stay under it. */
#define PAGE_MAX_BYTES (50 * 1024)

void page_begin(struct buf *b, const struct request *rq, const char *title);
void page_end(struct buf *b, const struct request *rq);
/* Sets the HTML content type (and status 200 when unset); turns an
 * out-of-memory body into a short 500 answer. */
void page_finish(struct response *rs);
/* A 500 page after a database error (the English detail in rq->db->err
 * goes to stderr, never to the visitor). */
void page_db_error(const struct request *rq, struct response *rs);

/* ---- signed-in pages ---- */

/* For pages reserved to signed-in people: 1 when rq->actor is set;
 * otherwise answers (a redirect to /connexion?suivant=PATH for a GET, a
 * 403 page for other methods) and returns 0. */
int page_require_actor(const struct request *rq, struct response *rs);
/* The 403 page "Accès refusé", with `why` in plain French. */
void page_forbidden(const struct request *rq, struct response *rs, const char *why);
/* For POST handlers, first thing: 1 when the CSRF token is right;
 * otherwise answers a 403 page ("the form has expired, reload it") and
 * returns 0. */
int page_check_csrf(const struct request *rq, struct response *rs);
/* A local path safe to redirect to: starts with one '/', no scheme, no
 * backslash or control character, at most 300 bytes. `fallback` when not. */
const char *page_safe_next(const char *next, const char *fallback);
/* A short notice (role="status") from a fixed set of codes given in the
 * query parameter "fait" after a redirect (e.g. "fait=deconnecte"): the
 * French text of known codes, nothing for others. */
void page_notice(struct buf *b, const struct request *rq);

/* ---- French formatting ---- */

/* 12345 -> "12 345" (no-break space between groups). */
void page_int(struct buf *b, long n);
/* n followed by the singular or plural noun: "0 lieu", "1 lieu", "3 lieux". */
void page_count(struct buf *b, long n, const char *one, const char *many);
/* A non-negative number with one decimal and a decimal comma: "1,8". */
void page_dec1(struct buf *b, double v);
/* A distance: "350 m", "1,2 km", "12 km". */
void page_km(struct buf *b, double km);
/* "2022-05-02" -> "2 mai 2022" ("1er mai"); other text is printed as is. */
void page_date(struct buf *b, const char *iso);
/* A UTC timestamp "2026-11-24T09:30:00Z" in Paris time, the French way:
 * "24 novembre 2026 à 10 h 30"; other text is printed as is. */
void page_datetime(struct buf *b, const char *iso_utc);
/* A phone number in E.164 in the French way: "+33450568749" ->
 * "04 50 56 87 49"; others in groups of two after their country code. */
void page_phone(struct buf *b, const char *e164);
/* Items of a "|" list as <li> elements (without the <ul>). */
void page_list_items(struct buf *b, const char *list);
/* Number of items of a "|" list (0 for NULL or ""). */
int page_list_count(const char *list);

/* Places per 10,000 inhabitants; -1 when the population is unknown or 0. */
double page_rate(long places, long population);
/* A rate as shown: "1,8", "moins de 0,1", "0" for none, "inconnu" for -1. */
void page_rate_txt(struct buf *b, double rate, long places);

/* ---- paging ---- */

/* A positive integer parameter of the query: *out gets it, or def when the
 * parameter is absent or empty. Returns 0, or -1 when it is not a whole
 * number between 1 and max. */
int page_param_int(const struct request *rq, const char *name, long def, long max, long *out);
/* "Précédent / Page X sur Y / Suivant" navigation. href_prefix is markup
 * (already escaped) ending where "page=N" is appended, e.g.
 * "/imports?run=3&amp;" or "/doublons?". Nothing when pages <= 1 and page
 * is 1. pages < 0: the number of pages is unknown but there are more
 * ("Page X", then "Suivant"). */
void page_pager(struct buf *b, const char *href_prefix, long page, long pages);

/* ---- territories ---- */

/* "commune", "intercommunalité", "département", "région". */
const char *page_niveau_label(enum territoire_niveau n);
/* The kind of an EPCI in words: "CC" -> "communauté de communes" (static);
 * "intercommunalité" when unknown. */
const char *page_epci_type(const char *type);
/* "/territoire/departement/13" (escaped for an attribute). */
void page_territoire_href(struct buf *b, enum territoire_niveau n, const char *code);

/* ---- choropleth classes ----
 * Rates are classed on their value rounded to one decimal (what the page
 * shows), in up to 5 classes of about equal numbers of territories (class
 * 1..5, CSS .c1 .. .c5); territories without any place are class 0
 * (.c0, "aucun lieu"). */
struct page_classes {
    int n;           /* number of classes with places (0..5) */
    long lo[5], hi[5]; /* bounds in tenths, inclusive */
};
/* rates[i] < 0 (unknown) are ignored; places[i] == 0 goes to class 0. */
void page_classes_make(struct page_classes *c, const double *rates, const long *places,
                       size_t n);
/* Class 0..5 of one territory. */
int page_class_of(const struct page_classes *c, double rate, long places);
/* CSS class name "c0".."c5" (static). */
const char *page_class_css(int k);
/* The legend (svgmap_legend_html) of these classes. */
void page_classes_legend(struct buf *b, const struct page_classes *c, const char *caption);

/* ---- the search form (page_accueil.c) ----
 * The form of the home page, filled with the values of rq's query (text
 * fields, checked boxes, selected options). compact: the results page's
 * version (smaller heading). error: a French message shown next to the
 * form with role="alert", or NULL. */
void page_search_form(struct buf *b, const struct request *rq, int compact, const char *error);

#endif
