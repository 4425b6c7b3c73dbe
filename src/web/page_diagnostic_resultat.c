/* page_diagnostic_resultat.c - the result of a finished diagnostic and
 * the orientation:
 *   GET /diagnostic/s/{cle}/resultat       the autonomy step on the 4-step
 *       scale, what the person already knows how to do, what to learn next,
 *       the level per domain, the barriers with advice, the next steps, and
 *       up to five nearby places of the registry that match the needs
 *       (diagnostic/orientation.h), with why they match and when they
 *       open; printable on one A4 page (print stylesheet);
 *   GET|POST /diagnostic/s/{cle}/envoyer/{lieu}  the referral sheet: what it
 *       holds, consent, optional first name and contact; then the mail to
 *       the place (outbox) and a record (diagnostic_orientation).
 * The places' own data is French: it is marked lang="fr" in the other
 * languages. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "comptes/mail.h"
#include "diagnostic/catalogue.h"
#include "diagnostic/orientation.h"
#include "journal/journal.h"
#include "web/diag_session_page.h"
#include "web/form.h"
#include "web/html.h"
#include "web/layout.h"
#include "web/pages_diagnostic.h"

static void step_scale(struct diag_view *v, const struct diag_result *r)
{
    struct buf *b = v->b;
    const struct diag_autonomie *a = &v->ref->autonomie[r->autonomie - 1];
    html_raw(b, "<section class=\"diag-niveau\" aria-labelledby=\"niveau\">\n<h2 id=\"niveau\">");
    dv_txt(v, "resultat_niveau");
    html_raw(b, "</h2>\n<p class=\"diag-etape\"><strong>");
    dv_tr(v, &a->nom);
    html_raw(b, "</strong> <span>");
    dv_msg_num(v, "resultat_etape_sur", r->autonomie);
    html_raw(b, "</span></p>\n<p>");
    dv_tr(v, &a->description);
    html_raw(b, "</p>\n<ol class=\"diag-echelle\">\n");
    for (int k = 0; k < DIAG_STEPS; k++) {
        html_raw(b, k + 1 == r->autonomie ? "<li aria-current=\"step\" class=\"actuel\">" : "<li>");
        dv_tr(v, &v->ref->autonomie[k].nom);
        html_raw(b, "</li>\n");
    }
    html_raw(b, "</ol>\n</section>\n");
}

static void adjusted(struct diag_view *v, const struct diag_state *st, const struct diag_result *r)
{
    if (!r->ajuste)
        return;
    struct buf *b = v->b;
    html_raw(b, "<p class=\"diag-ajuste\">");
    dv_msg_str(v, "resultat_ajuste", "calcule",
               diag_tr(&v->ref->autonomie[r->autonomie_calculee - 1].nom, v->lang));
    if (st->s.motif[0]) {
        html_raw(b, " ");
        dv_txt(v, "resultat_motif");
        html_raw(b, " ");
        dv_fr(v, st->s.motif);
    }
    html_raw(b, "</p>\n");
}

static void summary(struct diag_view *v, const struct diag_state *st, const struct diag_result *r)
{
    struct buf *b = v->b;
    struct diag_summary s;
    diag_summarize(st->bank, st->a, st->n, r, &s);
    html_raw(b, "<div class=\"diag-bilan\">\n<section aria-labelledby=\"sait\">\n<h2 id=\"sait\">");
    dv_txt(v, "resultat_sait");
    html_raw(b, "</h2>\n");
    if (s.nacquis == 0) {
        html_raw(b, "<p>");
        dv_txt(v, "resultat_sait_rien");
        html_raw(b, "</p>\n");
    } else {
        html_raw(b, "<ul class=\"diag-acquis\">\n");
        for (int i = 0; i < s.nacquis; i++) {
            html_raw(b, "<li>");
            dv_tr(v, &st->bank->q[s.acquis[i]].acquis);
            html_raw(b, "</li>\n");
        }
        html_raw(b, "</ul>\n");
    }
    html_raw(b, "</section>\n<section aria-labelledby=\"apprendre\">\n<h2 id=\"apprendre\">");
    dv_txt(v, "resultat_apprendre");
    html_raw(b, "</h2>\n");
    if (s.napprendre == 0) {
        html_raw(b, "<p>");
        dv_txt(v, "resultat_apprendre_rien");
        html_raw(b, "</p>\n");
    } else {
        html_raw(b, "<ul>\n");
        for (int i = 0; i < s.napprendre; i++) {
            html_raw(b, "<li>");
            dv_tr(v, &st->bank->q[s.apprendre[i]].acquis);
            html_raw(b, "</li>\n");
        }
        html_raw(b, "</ul>\n");
    }
    html_raw(b, "</section>\n</div>\n");
}

static void domains(struct diag_view *v, const struct diag_result *r)
{
    struct buf *b = v->b;
    html_raw(b, "<table class=\"diag-domaines\">\n<caption>");
    dv_txt(v, "resultat_domaines");
    html_raw(b, "</caption>\n<thead><tr><th scope=\"col\">");
    dv_txt(v, "resultat_domaine");
    html_raw(b, "</th><th scope=\"col\">");
    dv_txt(v, "resultat_niveau_domaine");
    html_raw(b, "</th></tr></thead>\n<tbody>\n");
    for (int d = 0; d < r->ndomaines; d++) {
        html_raw(b, "<tr><th scope=\"row\">");
        dv_tr(v, &v->ref->domaines[d].nom);
        html_raw(b, "</th><td><span class=\"diag-jauge n");
        html_rawf(b, "%d", r->niveau[d]);
        html_raw(b, "\" aria-hidden=\"true\"></span> ");
        dv_tr(v, &v->ref->niveaux[r->niveau[d]].nom);
        html_raw(b, " <span class=\"diag-sec\">");
        dv_msg_num(v, "resultat_niveau_sur", r->niveau[d]);
        html_raw(b, "</span></td></tr>\n");
    }
    html_raw(b, "</tbody>\n</table>\n");
}

static void barriers_and_steps(struct diag_view *v, const struct diag_result *r)
{
    struct buf *b = v->b;
    if (r->freins) {
        html_raw(b, "<section aria-labelledby=\"freins\" class=\"diag-freins\">\n<h2 id=\"freins\">");
        dv_txt(v, "resultat_freins");
        html_raw(b, "</h2>\n<ul>\n");
        for (size_t i = 0; i < v->ref->nfreins; i++)
            if (r->freins >> i & 1) {
                html_raw(b, "<li><strong>");
                dv_tr(v, &v->ref->freins[i].nom);
                html_raw(b, "</strong><span class=\"diag-conseil\"> : ");
                dv_tr(v, &v->ref->freins[i].conseil);
                html_raw(b, "</span></li>\n");
            }
        html_raw(b, "</ul>\n</section>\n");
    }
    const struct diag_autonomie *a = &v->ref->autonomie[r->autonomie - 1];
    html_raw(b, "<section aria-labelledby=\"etapes\">\n<h2 id=\"etapes\">");
    dv_txt(v, "resultat_etapes");
    html_raw(b, "</h2>\n<ol>\n");
    for (size_t i = 0; i < a->netapes; i++) {
        html_raw(b, "<li>");
        dv_tr(v, &a->etapes[i]);
        html_raw(b, "</li>\n");
    }
    html_raw(b, "</ol>\n</section>\n");
}

/* "Ouvert maintenant", "Ouvre aujourd'hui à 14 h", "Ouvre lundi à 9 h". */
static void opening(struct diag_view *v, const struct diag_place *p)
{
    struct buf *b = v->b;
    if (p->minutes < 0)
        return;
    if (p->minutes == 0) {
        html_raw(b, " <span class=\"etat ouvert\">");
        dv_txt(v, "lieu_ouvert");
        html_raw(b, "</span>");
        return;
    }
    char hour[16];
    if (v->lang == DIAG_FR)
        snprintf(hour, sizeof hour, p->opens.tm_min ? "%d h %02d" : "%d h", p->opens.tm_hour,
                 p->opens.tm_min);
    else
        snprintf(hour, sizeof hour, "%02d:%02d", p->opens.tm_hour, p->opens.tm_min);
    /* midnights between now and the opening: now's time of day is the
     * opening's minus the minutes to wait */
    long start_of_day = (long)(p->opens.tm_hour * 60 + p->opens.tm_min) - p->minutes;
    int day_offset = 0;
    while (start_of_day < 0) {
        start_of_day += 24 * 60;
        day_offset++;
    }
    char key[16];
    html_raw(b, " <span class=\"etat\">");
    if (day_offset == 0) {
        dv_msg_str(v, "lieu_ouvre_aujourdhui", "heure", hour);
    } else if (day_offset == 1) {
        dv_msg_str(v, "lieu_ouvre_demain", "heure", hour);
    } else {
        snprintf(key, sizeof key, "jour_%d", p->opens.tm_wday);
        char text[96];
        snprintf(text, sizeof text, "%s", dv_t(v, key));
        struct buf tmp = BUF_INIT;
        buf_puts(&tmp, dv_t(v, "lieu_ouvre_jour"));
        /* two placeholders: {jour} then {heure} */
        const char *t = tmp.s ? tmp.s : "";
        const char *pj = strstr(t, "{jour}"), *ph = strstr(t, "{heure}");
        if (pj && ph && pj < ph) {
            html_ntxt(b, t, (size_t)(pj - t));
            html_txt(b, text);
            html_ntxt(b, pj + 6, (size_t)(ph - pj - 6));
            html_txt(b, hour);
            html_txt(b, ph + 7);
        } else {
            html_txt(b, text);
            html_raw(b, " ");
            html_txt(b, hour);
        }
        buf_free(&tmp);
    }
    html_raw(b, "</span>");
}

/* "Pourquoi ce lieu" : the matched values of the standard (French). */
static void why(struct diag_view *v, const struct diag_needs *n, const struct diag_place *p)
{
    struct buf *b = v->b;
    const struct lieu *l = &p->hit.l;
    int first = 1;
    struct {
        const char *const *vals;
        int n;
        enum lieu_field f;
    } groups[] = {{n->services, n->nservices, LF_SERVICES},
                  {n->modalites, n->nmodalites, LF_MODALITES_ACCOMPAGNEMENT},
                  {n->prise_en_charge, n->npec, LF_PRISE_EN_CHARGE_SPECIFIQUE},
                  {n->programmes, n->nprogrammes, LF_DISPOSITIF_PROGRAMMES_NATIONAUX}};
    for (size_t g = 0; g < sizeof groups / sizeof *groups; g++)
        for (int i = 0; i < groups[g].n; i++)
            if (diag_list_has(l->f[groups[g].f], groups[g].vals[i])) {
                if (first) {
                    html_raw(b, "<p class=\"diag-pourquoi\">");
                    dv_txt(v, "lieu_pourquoi");
                    html_raw(b, " ");
                } else {
                    html_raw(b, ", ");
                }
                dv_fr(v, groups[g].vals[i]);
                first = 0;
            }
    if (!first)
        html_raw(b, ".</p>\n");
}

static void place(struct diag_view *v, const struct diag_state *st, const struct diag_needs *n,
                  const struct diag_place *p)
{
    struct buf *b = v->b;
    const struct lieu *l = &p->hit.l;
    html_raw(b, "<li class=\"resultat\">\n<h3><a href=\"/lieu/");
    html_rawf(b, "%lld", p->hit.id);
    html_raw(b, "\">");
    dv_fr(v, lieu_get(l, LF_NOM));
    html_raw(b, "</a></h3>\n<p class=\"adresse\">");
    dv_fr(v, lieu_get(l, LF_ADRESSE));
    html_raw(b, ", ");
    dv_fr(v, lieu_get(l, LF_CODE_POSTAL));
    html_raw(b, " ");
    dv_fr(v, lieu_get(l, LF_COMMUNE));
    html_raw(b, "</p>\n<p class=\"infos\"><span class=\"distance\">");
    page_km(b, p->hit.km);
    html_raw(b, "</span>");
    opening(v, p);
    html_raw(b, "</p>\n");
    why(v, n, p);
    if (l->f[LF_TELEPHONE]) {
        html_raw(b, "<p>");
        dv_txt(v, "lieu_telephone");
        html_raw(b, " <a href=\"tel:");
        html_attr(b, l->f[LF_TELEPHONE]);
        html_raw(b, "\" dir=\"ltr\">");
        page_phone(b, l->f[LF_TELEPHONE]);
        html_raw(b, "</a></p>\n");
    }
    if (l->f[LF_FICHE_ACCES_LIBRE] && n->acces_libre) {
        html_raw(b, "<p><a href=\"");
        html_attr(b, l->f[LF_FICHE_ACCES_LIBRE]);
        html_raw(b, "\">");
        dv_txt(v, "lieu_acceslibre");
        html_raw(b, "</a></p>\n");
    }
    if (l->f[LF_COURRIELS]) {
        html_raw(b, "<p class=\"diag-envoyer\"><a class=\"bouton secondaire\" href=\"");
        dsp_href(v, st, "/envoyer/");
        html_rawf(b, "%lld", p->hit.id);
        html_raw(b, "\">");
        dv_txt(v, "lieu_envoyer");
        html_raw(b, "<span class=\"visuellement-cache\"> : ");
        dv_fr(v, lieu_get(l, LF_NOM));
        html_raw(b, "</span></a></p>\n");
    }
    html_raw(b, "</li>\n");
}

/* The places section. Returns -1 on database error. */
static int places(struct diag_view *v, const struct diag_state *st, const struct diag_result *r)
{
    struct buf *b = v->b;
    const struct request *rq = v->rq;
    html_raw(b, "<section aria-labelledby=\"lieux\" id=\"section-lieux\">\n<h2 id=\"lieux\">");
    dv_txt(v, "resultat_lieux");
    html_raw(b, "</h2>\n");
    struct territoire_commune c;
    int found = 0;
    const char *ou = query_get(&rq->query, "ou");
    if (ou && *ou)
        found = diag_resolve_commune(rq->db, ou, &c);
    else if (st->s.commune[0])
        found = territoires_commune(rq->db, st->s.commune, &c);
    if (found < 0)
        return -1;
    /* the form to choose (or change) the commune: GET, nothing stored */
    html_raw(b, "<form method=\"get\" action=\"");
    dsp_href(v, st, "/resultat");
    html_raw(b, "#section-lieux\" class=\"diag-ou\">\n");
    const char *err = ou && *ou && !found ? dv_t(v, "commune_inconnue") : NULL;
    dv_field(v, "ou", dv_t(v, "commune_label"), NULL, ou && *ou ? ou : found ? c.nom : NULL, err,
             "address-level2", 0);
    html_raw(b, "<button type=\"submit\" class=\"bouton secondaire\">");
    dv_txt(v, found ? "commune_changer" : "commune_chercher");
    html_raw(b, "</button>\n</form>\n");
    if (!found || !c.has_coords) {
        html_raw(b, "<p>");
        dv_txt(v, found ? "lieux_sans_position" : "lieux_indiquer_commune");
        html_raw(b, "</p>\n</section>\n");
        return 0;
    }
    struct diag_needs n;
    diag_needs_of(v->ref, r, &n);
    struct diag_places ps;
    if (diag_orient(rq->db, &n, c.lat, c.lon, rq->now, &ps) < 0)
        return -1;
    html_raw(b, "<p>");
    dv_msg_str(v, "lieux_pres_de", "commune", c.nom);
    if (ps.nearby == 0 && ps.n > 0) {
        html_raw(b, " ");
        dv_txt(v, "lieux_loin");
    }
    html_raw(b, "</p>\n");
    if (ps.n == 0) {
        html_raw(b, "<p>");
        dv_txt(v, "lieux_aucun");
        html_raw(b, "</p>\n");
    } else {
        html_raw(b, "<ol class=\"resultats diag-lieux\">\n");
        for (int i = 0; i < ps.n; i++)
            place(v, st, &n, &ps.v[i]);
        html_raw(b, "</ol>\n");
    }
    int pec_found = 0;
    for (int i = 0; i < ps.n; i++)
        pec_found |= ps.v[i].pec > 0;
    if (n.npec && !pec_found) {
        html_raw(b, "<p class=\"diag-note\">");
        dv_txt(v, "lieux_pec_absente");
        html_raw(b, "</p>\n");
    }
    diag_places_free(&ps);
    html_raw(b, "</section>\n");
    return 0;
}

void page_diagnostic_result(const struct request *rq, struct response *rs)
{
    struct diag_view v;
    struct diag_state *st = dsp_load(rq, rs, &v);
    if (!st)
        return;
    if (!st->s.termine_at[0] || !v.ref) {
        if (v.ref)
            dsp_redirect(&v, st, NULL);
        else
            dv_db_error(&v);
        free(st);
        return;
    }
    struct diag_result r;
    diag_state_result(st, &r);
    if (r.autonomie < 1 || r.autonomie > DIAG_STEPS)
        r.autonomie = r.autonomie_calculee = 1;
    struct buf *b = &rs->body;
    dv_begin(&v, dv_t(&v, "resultat_titre"), NULL, 0);
    html_raw(b, "<h1>");
    dv_txt(&v, "resultat_titre");
    html_raw(b, "</h1>\n");
    if (st->s.pro) {
        html_raw(b, "<p>");
        dv_txt(&v, "resultat_pro");
        html_raw(b, "</p>\n");
    }
    step_scale(&v, &r);
    adjusted(&v, st, &r);
    summary(&v, st, &r);
    domains(&v, &r);
    barriers_and_steps(&v, &r);
    if (places(&v, st, &r) < 0) {
        dv_db_error(&v);
        free(st);
        return;
    }
    html_raw(b, "<p class=\"diag-garder\">");
    dv_txt(&v, "resultat_garder");
    html_raw(b, "</p>\n<p class=\"diag-imprimer\">");
    dv_txt(&v, "resultat_imprimer");
    html_raw(b, "</p>\n<p><a href=\"/diagnostic\">");
    dv_txt(&v, "recommencer");
    html_raw(b, "</a></p>\n");
    dv_end(&v);
    free(st);
}

/* ---- the referral sheet ---- */

/* The sheet's text (French: it goes to the place). */
static void sheet(struct buf *m, const struct diag_state *st, const struct diag_result *r,
                  const struct diag_ref *ref, const char *lieu, const char *prenom,
                  const char *contact)
{
    buf_printf(m, "Bonjour,\n\nUne personne a fait le point sur le numérique avec Passerelle. "
                  "Elle souhaite être aidée par votre lieu : %s.\n\n", lieu);
    buf_printf(m, "Niveau d'autonomie : %s (%d sur 4)\n",
               diag_tr(&ref->autonomie[r->autonomie - 1].nom, DIAG_FR), r->autonomie);
    buf_puts(m, "Niveau par domaine :\n");
    for (int d = 0; d < r->ndomaines; d++)
        buf_printf(m, "- %s : %s (%d sur 3)\n", diag_tr(&ref->domaines[d].nom, DIAG_FR),
                   diag_tr(&ref->niveaux[r->niveau[d]].nom, DIAG_FR), r->niveau[d]);
    struct diag_summary s;
    diag_summarize(st->bank, st->a, st->n, r, &s);
    if (s.napprendre) {
        buf_puts(m, "À apprendre ensuite :\n");
        for (int i = 0; i < s.napprendre; i++)
            buf_printf(m, "- %s\n", diag_tr(&st->bank->q[s.apprendre[i]].acquis, DIAG_FR));
    }
    const char *sep = "Ses besoins : ";
    for (size_t i = 0; i < ref->nbesoins; i++)
        if (r->besoins >> i & 1) {
            buf_printf(m, "%s%s", sep, diag_tr(&ref->besoins[i].nom, DIAG_FR));
            sep = ", ";
        }
    if (r->besoins)
        buf_puts(m, ".\n");
    sep = "Ce qui peut la gêner : ";
    for (size_t i = 0; i < ref->nfreins; i++)
        if (r->freins >> i & 1) {
            buf_printf(m, "%s%s", sep, diag_tr(&ref->freins[i].nom, DIAG_FR));
            sep = ", ";
        }
    if (r->freins)
        buf_puts(m, ".\n");
    static const char *const langs[DIAG_NLANG] = {"français", "anglais", "arabe"};
    int l = diag_lang_parse(st->s.langue);
    if (l > 0)
        buf_printf(m, "Langue choisie pour le diagnostic : %s.\n", langs[l]);
    buf_printf(m, "Diagnostic %s, questions version %s, terminé le %.10s.\n\n",
               st->s.pro ? "fait avec un professionnel" : "fait seul(e)", st->s.version,
               st->s.termine_at);
    if (prenom && *prenom)
        buf_printf(m, "Prénom : %s\n", prenom);
    if (contact && *contact)
        buf_printf(m, "Pour la recontacter : %s\n", contact);
    else
        buf_puts(m, "La personne n'a pas laissé de coordonnées : elle viendra vous voir ou "
                    "vous appellera.\n");
    buf_puts(m, "\nCette fiche vous est envoyée avec l'accord de la personne. Merci de ne la "
                "garder que le temps de l'accompagnement.\n-- \nPasserelle\n");
}

/* A short optional text: at most 100 bytes, no control characters. */
static int short_text_ok(const char *s)
{
    if (!s)
        return 1;
    if (strlen(s) > 100)
        return 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            return 0;
    return 1;
}

static void send_form(struct diag_view *v, const struct diag_state *st, const struct lieux_hit *h,
                      const char *error_field, const char *error)
{
    struct buf *b = v->b;
    const char *nom = lieu_get(&h->l, LF_NOM);
    dv_begin(v, dv_t(v, "envoi_titre"), NULL, 0);
    html_raw(b, "<form method=\"post\" action=\"");
    dsp_href(v, st, "/envoyer/");
    html_rawf(b, "%lld", h->id);
    html_raw(b, "\">\n");
    form_csrf_field(b, v->rq, v->rs);
    if (error)
        dv_error_summary(v, error_field, error);
    html_raw(b, "<h1>");
    dv_txt(v, "envoi_titre");
    html_raw(b, "</h1>\n<p>");
    dv_txt(v, "envoi_a");
    html_raw(b, " <strong>");
    dv_fr(v, nom);
    html_raw(b, "</strong>.</p>\n<p>");
    dv_txt(v, "envoi_contenu");
    html_raw(b, "</p>\n<p>");
    dv_txt(v, "envoi_sans_nom");
    html_raw(b, "</p>\n");
    const char *prenom = query_get(&v->rq->query, "prenom");
    const char *contact = query_get(&v->rq->query, "contact");
    dv_field(v, "prenom", dv_t(v, "envoi_prenom"), dv_t(v, "facultatif"), prenom,
             error_field && strcmp(error_field, "prenom") == 0 ? error : NULL, "given-name", 0);
    dv_field(v, "contact", dv_t(v, "envoi_contact"), dv_t(v, "envoi_contact_aide"), contact,
             error_field && strcmp(error_field, "contact") == 0 ? error : NULL, "tel", 0);
    int cerr = error_field && strcmp(error_field, "accord") == 0;
    html_raw(b, cerr ? "<div class=\"champ champ-erreur diag-choix\">" : "<div class=\"champ diag-choix\">");
    if (cerr) {
        html_raw(b, "<p class=\"erreur\" id=\"accord-erreur\"><strong>");
        dv_txt(v, "erreur_prefixe");
        html_raw(b, "</strong> ");
        html_txt(b, error);
        html_raw(b, "</p>");
    }
    html_raw(b, "<input type=\"checkbox\" id=\"accord\" name=\"accord\" value=\"oui\" required");
    if (cerr)
        html_raw(b, " aria-invalid=\"true\" aria-describedby=\"accord-erreur\"");
    html_raw(b, "><label for=\"accord\">");
    dv_msg_str(v, "envoi_accord", "lieu", nom);
    html_raw(b, "</label></div>\n<div class=\"diag-actions\"><button type=\"submit\" class=\"bouton\">");
    dv_txt(v, "envoi_bouton");
    html_raw(b, "</button>\n<a class=\"bouton secondaire\" href=\"");
    dsp_href(v, st, "/resultat");
    html_raw(b, "\">");
    dv_txt(v, "envoi_annuler");
    html_raw(b, "</a></div>\n</form>\n");
    dv_end(v);
}

static void sent_page(struct diag_view *v, const struct diag_state *st, const struct lieux_hit *h,
                      int already)
{
    struct buf *b = v->b;
    dv_begin(v, dv_t(v, already ? "envoi_deja" : "envoi_fait"), NULL, 0);
    html_raw(b, "<h1>");
    dv_txt(v, already ? "envoi_deja" : "envoi_fait");
    html_raw(b, "</h1>\n<p>");
    dv_msg_str(v, "envoi_fait_texte", "lieu", lieu_get(&h->l, LF_NOM));
    html_raw(b, "</p>\n");
    if (h->l.f[LF_TELEPHONE]) {
        html_raw(b, "<p>");
        dv_txt(v, "lieu_telephone");
        html_raw(b, " <a href=\"tel:");
        html_attr(b, h->l.f[LF_TELEPHONE]);
        html_raw(b, "\" dir=\"ltr\">");
        page_phone(b, h->l.f[LF_TELEPHONE]);
        html_raw(b, "</a></p>\n");
    }
    html_raw(b, "<p><a href=\"");
    dsp_href(v, st, "/resultat");
    html_raw(b, "\">");
    dv_txt(v, "envoi_retour");
    html_raw(b, "</a></p>\n");
    dv_end(v);
}

/* Queue the mail and record it (one transaction). 0 sent, 1 already, -1. */
static int send_sheet(struct diag_view *v, const struct diag_state *st, const struct lieux_hit *h,
                      const char *to, const char *prenom, const char *contact)
{
    struct db *d = v->rq->db;
    struct diag_result r;
    diag_state_result(st, &r);
    struct buf m = BUF_INIT;
    sheet(&m, st, &r, v->ref, lieu_get(&h->l, LF_NOM), prenom, contact);
    if (m.oom) {
        buf_free(&m);
        snprintf(d->err, sizeof d->err, "out of memory");
        return -1;
    }
    char at[24];
    diag_iso_time(v->rq->now, at);
    long long mail_id = 0;
    int rc = db_begin(d);
    if (rc == 0)
        rc = diag_store_orientation_exists(d, st->s.id, h->id);
    if (rc == 0)
        rc = mail_queue(d, to, "Fiche d'orientation : une personne souhaite votre aide", m.s,
                        "orientation", v->rq->now, &mail_id);
    if (rc == 0)
        rc = diag_store_orientation_add(d, st->s.id, h->id, lieu_get(&h->l, LF_NOM), to, mail_id, at);
    if (rc == 0 && st->s.pro && v->rq->actor) {
        char id[24], apres[64];
        snprintf(id, sizeof id, "%lld", st->s.id);
        snprintf(apres, sizeof apres, "{\"lieu_id\":%lld}", h->id);
        struct journal_write w = {.action = "diagnostic.orienter", .objet = "diagnostic",
                                  .objet_id = id, .structure_id = st->s.structure_id,
                                  .apres = apres};
        rc = journal_record(d, v->rq->actor, NULL, v->rq->peer, v->rq->now, &w);
    }
    buf_free(&m);
    if (rc != 0) {
        db_rollback(d);
        return rc;
    }
    return db_commit(d);
}

void page_diagnostic_send(const struct request *rq, struct response *rs)
{
    struct diag_view v;
    struct diag_state *st = dsp_load(rq, rs, &v);
    if (!st)
        return;
    long long id = rq->ncaptures > 1 ? atoll(rq->captures[1]) : 0;
    struct lieux_hit h;
    memset(&h, 0, sizeof h);
    int found = id > 0 ? lieux_get(rq->db, id, &h, NULL) : 0;
    int is_post = strcmp(rq->method, "POST") == 0;
    if (found < 0 || !v.ref) {
        dv_db_error(&v);
    } else if (!st->s.termine_at[0]) {
        dsp_redirect(&v, st, NULL);
    } else if (!found || !h.l.f[LF_COURRIELS]) {
        dv_error(&v, 404, "envoi_impossible_titre", "envoi_impossible_texte");
    } else if (is_post && !dsp_csrf(&v)) {
        /* answered */
    } else if (!is_post) {
        int already = diag_store_orientation_exists(rq->db, st->s.id, id);
        if (already < 0)
            dv_db_error(&v);
        else if (already)
            sent_page(&v, st, &h, 1);
        else
            send_form(&v, st, &h, NULL, NULL);
    } else {
        const char *prenom = query_get(&rq->query, "prenom");
        const char *contact = query_get(&rq->query, "contact");
        const char *accord = query_get(&rq->query, "accord");
        char to[256];
        const char *list = h.l.f[LF_COURRIELS], *bar = strchr(list, '|');
        snprintf(to, sizeof to, "%.*s", (int)(bar ? (size_t)(bar - list) : strlen(list)), list);
        if (!accord || strcmp(accord, "oui") != 0) {
            rs->status = 400;
            send_form(&v, st, &h, "accord", dv_t(&v, "envoi_erreur_accord"));
        } else if (!short_text_ok(prenom)) {
            rs->status = 400;
            send_form(&v, st, &h, "prenom", dv_t(&v, "envoi_erreur_long"));
        } else if (!short_text_ok(contact)) {
            rs->status = 400;
            send_form(&v, st, &h, "contact", dv_t(&v, "envoi_erreur_long"));
        } else {
            int r = send_sheet(&v, st, &h, to, prenom, contact);
            if (r < 0 && strcmp(rq->db->err, "invalid mail address") == 0)
                dv_error(&v, 422, "envoi_impossible_titre", "envoi_impossible_texte");
            else if (r < 0)
                dv_db_error(&v);
            else
                sent_page(&v, st, &h, r == 1);
        }
    }
    lieu_clear(&h.l);
    free(st);
}
