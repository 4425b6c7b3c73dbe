/* pdf.h - a PDF of an HTML document printed by headless Chromium
 * (/usr/bin/chromium, or $PASSERELLE_CHROMIUM), for the printable reports.
 *
 * The document and its stylesheets are written to a private temporary
 * directory (links to "/static/NAME" are pointed at the copies), Chromium prints it there without network or JavaScript-relevant
 * state (its profile in the same directory), and the directory is removed.
 * Bounds: one print at a time per machine (an advisory lock file; a second
 * request gets PDF_OCCUPE at once rather than waiting), PDF_DELAI_S seconds
 * at most (then the whole process group is killed), PDF_MAX_OCTETS of
 * output. The caller caches the result. Nothing here can crash the server:
 * Chromium runs in its own process. */
#ifndef WEB_PDF_H
#define WEB_PDF_H
#include <stddef.h>

#include "base/buf.h"

#define PDF_DELAI_S 30
#define PDF_MAX_OCTETS (20 * 1024 * 1024)

enum pdf_resultat { PDF_OK = 0, PDF_ABSENT = 1, PDF_OCCUPE = 2, PDF_ECHEC = 3 };

/* The path of the Chromium used, or NULL when there is none (PDF_ABSENT). */
const char *pdf_chromium(void);

struct pdf_fichier {
    const char *nom;      /* "style.css": replaces links to /static/style.css */
    const char *data;
    size_t len;
};

/* Print html[0..len) with its stylesheets f[0..nf) into out.
 * Returns PDF_OK (out holds the PDF), PDF_ABSENT (no Chromium), PDF_OCCUPE
 * (another print is running) or PDF_ECHEC (err says why, in English). */
enum pdf_resultat pdf_imprimer(const char *html, size_t len, const struct pdf_fichier *f,
                               size_t nf, struct buf *out, char *err, size_t errlen);

#endif
