/* page_tableau.c - the dashboards of the territorial diagnostic:
 *   GET /tableau                          the nation's dashboard
 *   GET /tableau/{niveau}/{code}          a territory's dashboard
 *                                         (?carte=ifn|densite|distance)
 *   GET /tableau/{niveau}/{code}/rapport  the printable report (HTML)
 *   GET /tableau/{niveau}/{code}/rapport.pdf   the same, printed by Chromium
 *   GET /tableau/{niveau}/{code}/{figure}.csv  a figure as CSV
 *   GET /tableau/{niveau}/{code}/carte-communes-{carte}.svg  the communes
 *                                         of a région or département
 * Every figure comes from the precomputed indicators (tableau.h); maps,
 * commune SVGs and PDFs are kept in the render cache until the next
 * recomputation. A commune given by an old code, or a level spelt
 * differently, is redirected to the canonical address; unknown: 404. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/jour.h"
#include "embedded.h"
#include "store/cache.h"
#include "web/html.h"
#include "web/layout.h"
#include "web/pages_territoires.h"
#include "web/pdf.h"
#include "web/tableau.h"

static void introuvable(const struct request *rq, struct response *rs)
{
    resp_html_error(rq, rs, 404, "Territoire introuvable",
                    "Nous ne connaissons pas ce territoire. Les diagnostics existent pour la "
                    "France, les régions, les départements, les intercommunalités (epci) et les "
                    "communes.");
}

/* Load the dashboard of the captured (niveau, code), with its activity
 * figures when `activite`; answers the request itself (404, redirect,
 * 500, "not computed") when it returns 0. */
static int charger(const struct request *rq, struct response *rs, const char *niveau,
                   const char *code, const char *suite, int nprio, int activite,
                   struct tableau *t)
{
    int rc = tableau_charger(rq->db, niveau, code, nprio, t);
    if (rc < 0) {
        page_db_error(rq, rs);
        return 0;
    }
    if (rc == 0) {
        introuvable(rq, rs);
        return 0;
    }
    if (strcmp(niveau, t->niveau) != 0 || strcmp(code, t->code) != 0) {
        struct buf loc = BUF_INIT;
        tableau_href(&loc, t->niveau, t->code);
        if (suite) {
            buf_puts(&loc, "/");
            html_url_arg(&loc, suite);
        }
        resp_redirect(rs, loc.oom ? "/tableau" : loc.s);
        buf_free(&loc);
        tableau_free(t);
        return 0;
    }
    if (rc == 2) {
        struct buf *b = &rs->body;
        page_begin(b, rq, "Diagnostic non calculé");
        html_raw(b, "<h1>Diagnostic non calculé</h1>\n<p>Les chiffres du diagnostic territorial "
                    "n'ont pas encore été calculés sur ce serveur. Un administrateur peut les "
                    "calculer avec la commande <code>passerelle indicateurs recalculer</code> "
                    "(quelques secondes).</p>\n");
        page_end(b, rq);
        page_finish(rs);
        tableau_free(t);
        return 0;
    }
    if (activite && tableau_activite_charger(rq->db, t, jour_local(rq->now)) < 0) {
        tableau_free(t);
        page_db_error(rq, rs);
        return 0;
    }
    return 1;
}

static void rendre_page(const struct request *rq, struct response *rs, const char *niveau,
                        const char *code)
{
    struct tableau t;
    if (!charger(rq, rs, niveau, code, NULL, TABLEAU_PRIO_PAGE, 1, &t))
        return;
    const char *c = query_get(&rq->query, "carte");
    int carte = c && *c ? tableau_carte_parse(c) : CARTE_IFN;
    if (carte < 0) {
        tableau_free(&t);
        resp_html_error(rq, rs, 400, "Carte inconnue",
                        "Les cartes sont : ifn (fragilité), densite (lieux) et distance.");
        return;
    }
    struct buf titre = BUF_INIT;
    buf_puts(&titre, "Diagnostic numérique : ");
    tableau_nom(&titre, &t);
    page_begin(&rs->body, rq, titre.s ? titre.s : "Diagnostic numérique");
    buf_free(&titre);
    tableau_page(&rs->body, rq, &t, (enum tableau_carte)carte);
    page_end(&rs->body, rq);
    page_finish(rs);
    tableau_free(&t);
}

void page_tableau_france(const struct request *rq, struct response *rs)
{
    rendre_page(rq, rs, "nation", "FR");
}

void page_tableau(const struct request *rq, struct response *rs)
{
    if (rq->ncaptures < 2)
        return introuvable(rq, rs);
    rendre_page(rq, rs, rq->captures[0], rq->captures[1]);
}

/* The report's whole document into b. */
static void document_rapport(struct buf *b, const struct request *rq, const struct tableau *t)
{
    struct buf titre = BUF_INIT;
    buf_puts(&titre, "Rapport de diagnostic : ");
    tableau_nom(&titre, t);
    page_begin(b, rq, titre.s ? titre.s : "Rapport de diagnostic");
    buf_free(&titre);
    html_raw(b, "<div class=\"rapport\">\n");
    tableau_rapport(b, rq, t);
    html_raw(b, "</div>\n");
    page_end(b, rq);
}

/* A stylesheet built into the binary, as a file for the PDF; 0 or -1. */
static int feuille(const char *nom, struct pdf_fichier *f)
{
    char path[64];
    snprintf(path, sizeof path, "web/static/%s", nom);
    for (size_t i = 0; i < embedded_count; i++)
        if (strcmp(embedded_files[i].name, path) == 0) {
            *f = (struct pdf_fichier){nom, (const char *)embedded_files[i].data, embedded_files[i].len};
            return 0;
        }
    return -1;
}

static void envoyer_pdf(const struct request *rq, struct response *rs, const struct tableau *t)
{
    char cle[96];
    /* the activity figures change between recomputations of the indicators */
    snprintf(cle, sizeof cle, "tableau-pdf/%s/%s/%016llx", t->niveau, t->code,
             tableau_activite_empreinte(t));
    size_t len = 0;
    char *cached = cache_get(rq->db, cle, &len);
    if (!cached) {
        if (!pdf_chromium()) {
            resp_html_error(rq, rs, 503, "PDF indisponible",
                            "Ce serveur ne peut pas produire de PDF (Chromium n'est pas installé). "
                            "Ouvrez le rapport et utilisez « Imprimer » puis « Enregistrer en "
                            "PDF » dans votre navigateur.");
            return;
        }
        struct buf html = BUF_INIT, pdf = BUF_INIT;
        document_rapport(&html, rq, t);
        struct pdf_fichier css[2];
        char err[256] = "";
        int ok = !html.oom && feuille("style.css", &css[0]) == 0 && feuille("tableau.css", &css[1]) == 0;
        enum pdf_resultat r = !ok ? PDF_ECHEC
                              : pdf_imprimer(html.s, html.len, css, 2, &pdf, err, sizeof err);
        buf_free(&html);
        if (r == PDF_OCCUPE) {
            buf_free(&pdf);
            resp_html_error(rq, rs, 503, "PDF en cours de préparation",
                            "Un autre rapport est en cours d'impression. Réessayez dans quelques "
                            "secondes, ou imprimez la page du rapport depuis votre navigateur.");
            resp_header(rs, "Retry-After", "10");
            return;
        }
        if (r != PDF_OK) {
            fprintf(stderr, "passerelle: %s: pdf: %s\n", rq->path, err);
            buf_free(&pdf);
            resp_html_error(rq, rs, 503, "PDF indisponible",
                            "Le PDF n'a pas pu être produit. Ouvrez le rapport et utilisez "
                            "« Imprimer » dans votre navigateur.");
            return;
        }
        cache_put(rq->db, cle, pdf.s, pdf.len);
        buf_reset(&rs->body);
        buf_add(&rs->body, pdf.s, pdf.len);
        buf_free(&pdf);
    } else {
        buf_reset(&rs->body);
        buf_add(&rs->body, cached, len);
        free(cached);
    }
    rs->status = rs->body.oom ? 500 : 200;
    rs->content_type = "application/pdf";
    snprintf(rs->disposition, sizeof rs->disposition,
             "inline; filename=\"diagnostic-%s-%s.pdf\"", t->niveau, t->code);
}

static int suffixe(const char *s, const char *suf)
{
    size_t n = strlen(s), m = strlen(suf);
    return n > m && strcmp(s + n - m, suf) == 0;
}

void page_tableau_fichier(const struct request *rq, struct response *rs)
{
    if (rq->ncaptures < 3)
        return introuvable(rq, rs);
    const char *nom = rq->captures[2];
    int rapport = strcmp(nom, "rapport") == 0 || strcmp(nom, "rapport.pdf") == 0;
    int svg = strncmp(nom, "carte-communes-", 15) == 0 && suffixe(nom, ".svg");
    int csv = suffixe(nom, ".csv");
    if (!rapport && !svg && !csv) {
        resp_html_error(rq, rs, 404, "Fichier introuvable", "Ce fichier n'existe pas.");
        return;
    }
    struct tableau t;
    if (!charger(rq, rs, rq->captures[0], rq->captures[1], nom,
                 rapport ? TABLEAU_PRIO_RAPPORT : 0, rapport || tableau_activite_fichier(nom), &t))
        return;
    buf_reset(&rs->body);
    if (strcmp(nom, "rapport") == 0) {
        document_rapport(&rs->body, rq, &t);
        page_finish(rs);
    } else if (rapport) {
        envoyer_pdf(rq, rs, &t);
    } else if (svg) {
        char quoi[16];
        snprintf(quoi, sizeof quoi, "%.*s", (int)(strlen(nom) - 19), nom + 15);
        int c = tableau_carte_parse(quoi);
        int r = c < 0 ? 0 : tableau_svg_communes(&rs->body, rq->db, &t, (enum tableau_carte)c);
        if (r < 0) {
            page_db_error(rq, rs);
        } else if (r == 0) {
            resp_html_error(rq, rs, 404, "Carte introuvable",
                            "Les cartes par commune existent pour les régions et les "
                            "départements : ifn, densite ou distance.");
        } else {
            rs->status = 200;
            rs->content_type = "image/svg+xml; charset=utf-8";
        }
    } else {
        int r = tableau_csv(&rs->body, rq->db, &t, nom);
        if (r < 0) {
            page_db_error(rq, rs);
        } else if (r == 0) {
            resp_html_error(rq, rs, 404, "Fichier introuvable",
                            "Ce tableau n'existe pas. Les fichiers de chaque tableau de bord sont "
                            "listés en bas de sa page.");
        } else {
            rs->status = rs->body.oom ? 500 : 200;
            rs->content_type = "text/csv; charset=utf-8";
            snprintf(rs->disposition, sizeof rs->disposition,
                     "attachment; filename=\"%s-%s-%s\"", t.niveau, t.code, nom);
        }
    }
    tableau_free(&t);
}
