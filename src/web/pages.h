/* pages.h - the HTML pages, one file per page (src/web/page_*.c).
 *
 * Each handler renders a complete, server-side page in French that works
 * without JavaScript, is light (< 50 KB without images) and accessible
 * (WCAG 2.1 AA: landmarks, labels, headings, contrast, focus, skip link).
 * All text goes through web/html.h. The router (http/router.c) maps URLs:
 *   GET /                       page_accueil      search form, introduction
 *   GET /recherche              page_recherche    results with distance, open now
 *   GET /lieu/{id}              page_lieu         a place: hours in words, services,
 *                                                 access, contact, small map
 *   GET|POST /lieu/{id}/modifier page_lieu_modifier its structure edits it (signed in)
 *   GET /territoire/{niv}/{code} page_territoire  a territory: figures, map, places
 *   GET /carte                  page_carte        national map of places by département
 *   GET /doublons               page_doublons     deduplication review (pairs, decisions)
 *   GET /imports                page_imports      import runs and their per-row reports
 *   GET /static/style.css       page_static       the stylesheet (embedded)
 */
#ifndef WEB_PAGES_H
#define WEB_PAGES_H
#include "http/router.h"

void page_accueil(const struct request *rq, struct response *rs);
void page_recherche(const struct request *rq, struct response *rs);
void page_lieu(const struct request *rq, struct response *rs);
void page_lieu_modifier(const struct request *rq, struct response *rs);
void page_territoire(const struct request *rq, struct response *rs);
void page_carte(const struct request *rq, struct response *rs);
void page_doublons(const struct request *rq, struct response *rs);
void page_imports(const struct request *rq, struct response *rs);
void page_static(const struct request *rq, struct response *rs);

#endif
