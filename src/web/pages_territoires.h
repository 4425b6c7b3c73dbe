/* pages_territoires.h - the pages of the territorial diagnostic (issue 6),
 * see page_tableau.c for the addresses:
 *   GET /tableau                       page_tableau_france   the nation's dashboard
 *   GET /tableau/{niveau}/{code}       page_tableau          a territory's dashboard
 *   GET /tableau/{niveau}/{code}/{f}   page_tableau_fichier  report (HTML, PDF),
 *                                      figures (CSV), commune maps (SVG)
 * Same rules as pages.h: French, accessible, light, no JavaScript. */
#ifndef WEB_PAGES_TERRITOIRES_H
#define WEB_PAGES_TERRITOIRES_H
#include "http/router.h"

void page_tableau_france(const struct request *rq, struct response *rs);
void page_tableau(const struct request *rq, struct response *rs);
void page_tableau_fichier(const struct request *rq, struct response *rs);

#endif
