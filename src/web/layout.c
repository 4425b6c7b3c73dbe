/* layout.c - page frame, error pages and French formatting helpers (see
 * layout.h). Also implements resp_html_error() declared in http/router.h. */
#include "web/layout.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/text.h"
#include "comptes/authz.h"
#include "web/form.h"
#include "web/html.h"
#include "web/svgmap.h"

#define NBSP "\xc2\xa0"

static const struct {
    const char *href, *label;
} nav[] = {
    {"/", "Chercher un lieu"},
    {"/diagnostic", "Faire le point"},
    {"/carte", "Carte"},
    {"/tableau", "Territoires"},
    {"/doublons", "Doublons"},
    {"/imports", "Imports"},
};

static int is_demo(const struct request *rq)
{
    if (!rq || !rq->db || !rq->db->h)
        return 0;
    char *v = db_meta_get(rq->db, "demo");
    int demo = v && strcmp(v, "1") == 0;
    free(v);
    return demo;
}

/* Is `href` the current section (for aria-current)? */
static int current(const struct request *rq, const char *href)
{
    if (!rq || !rq->path)
        return 0;
    if (strcmp(href, "/") == 0)
        return strcmp(rq->path, "/") == 0 || strcmp(rq->path, "/recherche") == 0 ||
               strncmp(rq->path, "/lieu/", 6) == 0;
    if (strcmp(href, "/carte") == 0)
        return strcmp(rq->path, "/carte") == 0 || strncmp(rq->path, "/territoire/", 12) == 0;
    if (strcmp(href, "/tableau") == 0)
        return strcmp(rq->path, "/tableau") == 0 || strncmp(rq->path, "/tableau/", 9) == 0;
    return strcmp(rq->path, href) == 0;
}

void page_begin(struct buf *b, const struct request *rq, const char *title)
{
    html_raw(b, "<!doctype html>\n<html lang=\"fr\">\n<head>\n<meta charset=\"utf-8\">\n"
                "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                "<title>");
    html_txt(b, title);
    html_raw(b, " — Passerelle</title>\n"
                "<link rel=\"stylesheet\" href=\"/static/style.css\">\n"
                "<link rel=\"icon\" href=\"data:,\">\n</head>\n<body>\n"
                "<a class=\"evitement\" href=\"#contenu\">Aller au contenu</a>\n"
                "<header class=\"entete\">\n<p class=\"site\"><a href=\"/\">Passerelle</a>"
                " <span>Trouver de l'aide pour le numérique près de chez soi</span></p>\n"
                "<nav aria-label=\"Menu principal\"><ul>\n");
    for (size_t i = 0; i < sizeof nav / sizeof *nav; i++) {
        html_raw(b, "<li><a href=\"");
        html_attr(b, nav[i].href);
        html_raw(b, current(rq, nav[i].href) ? "\" aria-current=\"page\">" : "\">");
        html_txt(b, nav[i].label);
        html_raw(b, "</a></li>\n");
    }
    if (rq && rq->actor) {
        html_raw(b, "<li><a href=\"/espace\"");
        html_raw(b, rq->path && (strncmp(rq->path, "/espace", 7) == 0 ||
                                 strncmp(rq->path, "/compte", 7) == 0)
                        ? " aria-current=\"page\">" : ">");
        html_raw(b, "Mon espace</a></li>\n");
    } else {
        html_raw(b, "<li><a href=\"/connexion\"");
        html_raw(b, rq && rq->path && strncmp(rq->path, "/connexion", 10) == 0
                        ? " aria-current=\"page\">" : ">");
        html_raw(b, "Se connecter</a></li>\n");
    }
    html_raw(b, "</ul></nav>\n");
    if (rq && rq->actor) {
        char token[64] = "";
        form_csrf_token(rq, token);
        html_raw(b, "<form class=\"session\" method=\"post\" action=\"/deconnexion\">"
                    "<p><span>Connecté·e : ");
        html_txt(b, rq->actor->nom[0] ? rq->actor->nom : rq->actor->email);
        html_raw(b, "</span> <input type=\"hidden\" name=\"csrf\" value=\"");
        html_attr(b, token);
        html_raw(b, "\"><button type=\"submit\" class=\"lien\">Se déconnecter</button></p>"
                    "</form>\n");
    }
    html_raw(b, "</header>\n");
    if (is_demo(rq))
        html_raw(b, "<p class=\"demo\" role=\"note\"><strong>Données de démonstration :</strong> "
                    "ces lieux sont fictifs. Ils servent seulement à essayer le site : "
                    "ne vous déplacez pas.</p>\n");
    html_raw(b, "<main id=\"contenu\" tabindex=\"-1\">\n");
}

void page_end(struct buf *b, const struct request *rq)
{
    (void)rq;
    html_raw(b, "</main>\n<footer class=\"pied\">\n"
                "<p>Données au format du standard national « Lieux de médiation numérique »"
                " (version 1.0.2), réutilisables sous Licence Ouverte 2.0 (Etalab).</p>\n"
                "<ul>\n<li><a href=\"/api/v1/export?format=csv\">Télécharger tous les lieux"
                " (fichier CSV)</a></li>\n"
                "<li><a href=\"/api/openapi.json\">Documentation de l'API (OpenAPI)</a></li>\n"
                "<li><a href=\"/carte\">Carte des lieux par département</a></li>\n</ul>\n"
                "</footer>\n</body>\n</html>\n");
}

void page_finish(struct response *rs)
{
    if (!rs->status)
        rs->status = 200;
    rs->content_type = "text/html; charset=utf-8";
    if (rs->body.oom) {
        buf_free(&rs->body);
        rs->status = 500;
        rs->content_type = "text/plain; charset=utf-8";
        buf_puts(&rs->body, "Erreur interne : mémoire insuffisante.\n");
    }
}

void resp_html_error(const struct request *rq, struct response *rs, int status,
                     const char *title, const char *message)
{
    buf_reset(&rs->body);
    rs->status = status;
    rs->location[0] = 0;
    struct buf *b = &rs->body;
    page_begin(b, rq, title);
    html_raw(b, "<h1>");
    html_txt(b, title);
    html_raw(b, "</h1>\n<p>");
    html_txt(b, message);
    html_raw(b, "</p>\n<p><a href=\"/\">Retour à l'accueil : chercher un lieu</a></p>\n");
    page_end(b, rq);
    page_finish(rs);
    rs->status = status;
}

void page_db_error(const struct request *rq, struct response *rs)
{
    fprintf(stderr, "passerelle: %s %s: database error: %s\n", rq->method ? rq->method : "",
            rq->path ? rq->path : "", rq->db ? rq->db->err : "");
    resp_html_error(rq, rs, 500, "Erreur interne",
                    "Le service a rencontré un problème. Réessayez dans quelques minutes.");
}

/* ---- signed-in pages ---- */

int page_require_actor(const struct request *rq, struct response *rs)
{
    if (rq->actor && !rq->actor->via_token)
        return 1;
    if (strcmp(rq->method, "GET") == 0 || strcmp(rq->method, "HEAD") == 0) {
        struct buf loc = BUF_INIT;
        buf_puts(&loc, "/connexion?suivant=");
        html_url_arg(&loc, rq->path);
        resp_redirect(rs, loc.oom ? "/connexion" : loc.s);
        buf_free(&loc);
        return 0;
    }
    page_forbidden(rq, rs, "Votre session a pris fin. Connectez-vous, puis recommencez.");
    return 0;
}

void page_forbidden(const struct request *rq, struct response *rs, const char *why)
{
    resp_html_error(rq, rs, 403, "Accès refusé", why);
}

int page_check_csrf(const struct request *rq, struct response *rs)
{
    if (form_csrf_ok(rq))
        return 1;
    resp_html_error(rq, rs, 403, "Formulaire expiré",
                    "Ce formulaire n'est plus valable (il a été ouvert avant une connexion, "
                    "ou depuis un autre site). Revenez en arrière, rechargez la page, puis "
                    "envoyez-le à nouveau.");
    return 0;
}

const char *page_safe_next(const char *next, const char *fallback)
{
    if (!next || next[0] != '/' || next[1] == '/' || next[1] == '\\' || strlen(next) > 300)
        return fallback;
    for (const unsigned char *p = (const unsigned char *)next; *p; p++)
        if (*p < 0x20 || *p == 0x7f || *p == '\\')
            return fallback;
    return next;
}

static const struct {
    const char *code, *text;
} notices[] = {
    {"deconnecte", "Vous êtes déconnecté·e. À bientôt."},
    {"connecte", "Vous êtes connecté·e."},
    {"active", "Votre compte est activé. Bienvenue sur Passerelle."},
    {"reinitialise", "Votre mot de passe est changé. Connectez-vous avec le nouveau."},
    {"demande", "Si un compte existe pour cette adresse, un message vient de partir avec un "
                "lien pour choisir un nouveau mot de passe. Le lien marche pendant une heure."},
    {"mot_de_passe", "Votre mot de passe est changé. Vos autres sessions sont fermées."},
    {"second_facteur", "La validation en deux étapes est activée."},
    {"second_facteur_off", "La validation en deux étapes est désactivée."},
    {"invite", "L'invitation est partie."},
    {"enregistre", "C'est enregistré."},
    {"desactive", "Le compte est désactivé : ses sessions et ses jetons sont fermés."},
    {"reactive", "Le compte est réactivé."},
    {"revoque", "Le jeton est révoqué : il ne marche plus."},
    /* accompagnement */
    {"activite", "L'activité est enregistrée."},
    {"supprimee", "L'activité est supprimée."},
    {"personne", "La personne est enregistrée : son accord est noté."},
    {"fusion", "Les deux fiches sont fusionnées."},
    {"efface", "Les données de la personne sont effacées. Les statistiques anonymes restent."},
    {"orientation", "L'orientation est envoyée."},
    {"reponse", "Votre réponse est enregistrée."},
};

void page_notice(struct buf *b, const struct request *rq)
{
    const char *code = query_get(&rq->query, "fait");
    for (size_t i = 0; code && i < sizeof notices / sizeof *notices; i++)
        if (strcmp(code, notices[i].code) == 0) {
            html_raw(b, "<p class=\"succes\" role=\"status\">");
            html_txt(b, notices[i].text);
            html_raw(b, "</p>\n");
        }
}

/* ---- French formatting ---- */

void page_int(struct buf *b, long n)
{
    char d[32];
    int len = snprintf(d, sizeof d, "%ld", n < 0 ? -n : n);
    if (n < 0)
        html_raw(b, "-");
    for (int i = 0; i < len; i++) {
        if (i > 0 && (len - i) % 3 == 0)
            html_raw(b, NBSP);
        buf_putc(b, d[i]);
    }
}

void page_count(struct buf *b, long n, const char *one, const char *many)
{
    page_int(b, n);
    html_raw(b, " ");
    html_txt(b, n > 1 || n < -1 ? many : one);
}

void page_dec1(struct buf *b, double v)
{
    long t = lround(v * 10);
    if (t < 0) {
        html_raw(b, "-");
        t = -t;
    }
    page_int(b, t / 10);
    html_rawf(b, ",%ld", t % 10);
}

void page_km(struct buf *b, double km)
{
    if (km < 1) {
        long m = lround(km * 100) * 10;
        if (m < 10)
            m = 10;
        if (m >= 1000) {
            html_raw(b, "1 km");
            return;
        }
        html_rawf(b, "%ld" NBSP "m", m);
    } else if (km < 10) {
        page_dec1(b, km);
        html_raw(b, NBSP "km");
    } else {
        page_int(b, lround(km));
        html_raw(b, NBSP "km");
    }
}

static const char *const months[] = {"janvier", "février", "mars", "avril", "mai", "juin",
                                     "juillet", "août", "septembre", "octobre", "novembre",
                                     "décembre"};

void page_date(struct buf *b, const char *iso)
{
    int y, m, d;
    char tail;
    if (!iso)
        return;
    if (sscanf(iso, "%4d-%2d-%2d%c", &y, &m, &d, &tail) == 3 && m >= 1 && m <= 12 && d >= 1 &&
        d <= 31) {
        if (d == 1)
            html_raw(b, "1er");
        else
            html_rawf(b, "%d", d);
        html_raw(b, " ");
        html_raw(b, months[m - 1]);
        html_rawf(b, " %d", y);
    } else {
        html_txt(b, iso);
    }
}

void page_datetime(struct buf *b, const char *iso)
{
    time_t t;
    if (text_parse_iso_time(iso, &t) < 0) {
        html_txt(b, iso);
        return;
    }
    t += (time_t)text_paris_utc_offset(t) * 60;
    struct tm tm;
    gmtime_r(&t, &tm);
    char date[16];
    snprintf(date, sizeof date, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
    page_date(b, date);
    html_rawf(b, " à %d" NBSP "h" NBSP "%02d", tm.tm_hour, tm.tm_min);
}

void page_phone(struct buf *b, const char *e164)
{
    static const char *const national[] = {"33", "590", "594", "262", "596", "269"};
    static const char *const others[] = {"687", "689", "508", "681"};
    if (!e164 || e164[0] != '+') {
        html_txt(b, e164);
        return;
    }
    const char *digits = e164 + 1;
    for (const char *p = digits; *p; p++)
        if (*p < '0' || *p > '9') {
            html_txt(b, e164);
            return;
        }
    size_t len = strlen(digits);
    for (size_t i = 0; i < sizeof national / sizeof *national; i++) {
        size_t cl = strlen(national[i]);
        if (len == cl + 9 && strncmp(digits, national[i], cl) == 0) {
            const char *rest = digits + cl;
            char nat[11];
            nat[0] = '0';
            memcpy(nat + 1, rest, 9);
            nat[10] = 0;
            for (int k = 0; k < 10; k += 2) {
                if (k)
                    html_raw(b, NBSP);
                buf_add(b, nat + k, 2);
            }
            return;
        }
    }
    for (size_t i = 0; i < sizeof others / sizeof *others; i++) {
        size_t cl = strlen(others[i]);
        if (len > cl && strncmp(digits, others[i], cl) == 0) {
            html_raw(b, "+");
            buf_add(b, digits, cl);
            const char *rest = digits + cl;
            size_t rl = strlen(rest);
            for (size_t k = 0; k < rl; k += 2) {
                html_raw(b, NBSP);
                buf_add(b, rest + k, rl - k >= 2 ? 2 : 1);
            }
            return;
        }
    }
    html_txt(b, e164);
}

void page_list_items(struct buf *b, const char *list)
{
    if (!list)
        return;
    const char *p = list;
    for (;;) {
        const char *e = strchr(p, '|');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if (n) {
            html_raw(b, "<li>");
            html_ntxt(b, p, n);
            html_raw(b, "</li>\n");
        }
        if (!e)
            break;
        p = e + 1;
    }
}

int page_list_count(const char *list)
{
    if (!list || !*list)
        return 0;
    int n = 1;
    for (const char *p = list; *p; p++)
        n += *p == '|';
    return n;
}

double page_rate(long places, long population)
{
    if (population <= 0)
        return -1;
    return (double)places * 10000.0 / (double)population;
}

void page_rate_txt(struct buf *b, double rate, long places)
{
    if (rate < 0)
        html_raw(b, "inconnu");
    else if (places == 0)
        html_raw(b, "0");
    else if (lround(rate * 10) == 0)
        html_raw(b, "moins de 0,1");
    else
        page_dec1(b, rate);
}

/* ---- paging ---- */

int page_param_int(const struct request *rq, const char *name, long def, long max, long *out)
{
    const char *v = query_get(&rq->query, name);
    *out = def;
    if (!v || !*v)
        return 0;
    long n = 0;
    for (const char *p = v; *p; p++) {
        if (*p < '0' || *p > '9' || n > max)
            return -1;
        n = n * 10 + (*p - '0');
    }
    if (n < 1 || n > max)
        return -1;
    *out = n;
    return 0;
}

static void pager_link(struct buf *b, const char *prefix, long page, const char *rel,
                       const char *label)
{
    html_raw(b, "<li><a rel=\"");
    html_raw(b, rel);
    html_raw(b, "\" href=\"");
    html_raw(b, prefix);
    html_rawf(b, "page=%ld\">", page);
    html_txt(b, label);
    html_raw(b, "</a></li>\n");
}

void page_pager(struct buf *b, const char *href_prefix, long page, long pages)
{
    int more = pages < 0;
    if (!more && pages <= 1 && page <= 1)
        return;
    if (!more && pages < 1)
        pages = 1;
    html_raw(b, "<nav class=\"pages\" aria-label=\"Pages\">\n<ul>\n");
    if (page > 1)
        pager_link(b, href_prefix, more || page - 1 <= pages ? page - 1 : pages, "prev",
                   "Précédent");
    if (more)
        html_rawf(b, "<li aria-current=\"page\">Page %ld</li>\n", page);
    else
        html_rawf(b, "<li aria-current=\"page\">Page %ld sur %ld</li>\n", page, pages);
    if (more || page < pages)
        pager_link(b, href_prefix, page + 1, "next", "Suivant");
    html_raw(b, "</ul>\n</nav>\n");
}

/* ---- territories ---- */

const char *page_niveau_label(enum territoire_niveau n)
{
    switch (n) {
    case TERRITOIRE_COMMUNE: return "commune";
    case TERRITOIRE_EPCI: return "intercommunalité";
    case TERRITOIRE_DEPARTEMENT: return "département";
    case TERRITOIRE_REGION: return "région";
    }
    return "";
}

const char *page_epci_type(const char *type)
{
    static const struct {
        const char *code, *label;
    } types[] = {
        {"CC", "communauté de communes"},
        {"CA", "communauté d'agglomération"},
        {"CU", "communauté urbaine"},
        {"METRO", "métropole"},
        {"MET69", "métropole de Lyon"},
    };
    for (size_t i = 0; i < sizeof types / sizeof *types; i++)
        if (strcmp(type, types[i].code) == 0)
            return types[i].label;
    return "intercommunalité";
}

void page_territoire_href(struct buf *b, enum territoire_niveau n, const char *code)
{
    html_raw(b, "/territoire/");
    html_raw(b, territoire_niveau_nom(n));
    html_raw(b, "/");
    html_url_arg(b, code);
}

/* ---- choropleth classes ---- */

static int cmp_long(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    return x < y ? -1 : x > y;
}

void page_classes_make(struct page_classes *c, const double *rates, const long *places, size_t n)
{
    memset(c, 0, sizeof *c);
    long *t = malloc((n ? n : 1) * sizeof *t);
    if (!t)
        return;
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (rates[i] >= 0 && places[i] > 0)
            t[m++] = lround(rates[i] * 10);
    qsort(t, m, sizeof *t, cmp_long);
    size_t distinct = 0;
    for (size_t i = 0; i < m; i++)
        distinct += i == 0 || t[i] != t[i - 1];
    int k = distinct < 5 ? (int)distinct : 5;
    long prev = -1;
    for (int i = 1; i <= k; i++) {
        size_t idx = (i * m + k - 1) / k - 1;
        long hi = t[idx];
        if (hi <= prev)
            continue;
        c->lo[c->n] = prev + 1;
        c->hi[c->n] = hi;
        c->n++;
        prev = hi;
    }
    free(t);
}

int page_class_of(const struct page_classes *c, double rate, long places)
{
    if (places <= 0)
        return 0;
    if (rate < 0 || c->n == 0)
        return 1;
    long t = lround(rate * 10);
    for (int i = 0; i < c->n; i++)
        if (t <= c->hi[i])
            return i + 1;
    return c->n;
}

const char *page_class_css(int k)
{
    static const char *const css[] = {"c0", "c1", "c2", "c3", "c4", "c5"};
    return k >= 0 && k <= 5 ? css[k] : "c0";
}

static void tenths(struct buf *b, long t)
{
    page_int(b, t / 10);
    html_rawf(b, ",%ld", t % 10);
}

void page_classes_legend(struct buf *b, const struct page_classes *c, const char *caption)
{
    struct buf lab[6];
    const char *labels[6], *classes[6];
    memset(lab, 0, sizeof lab);
    size_t n = 0;
    buf_puts(&lab[n], "aucun lieu");
    classes[n++] = "c0";
    for (int i = 0; i < c->n; i++, n++) {
        struct buf *l = &lab[n];
        if (c->lo[i] == 0 && c->hi[i] == 0) {
            buf_puts(l, "moins de 0,1");
        } else if (c->lo[i] == c->hi[i]) {
            tenths(l, c->hi[i]);
        } else if (c->lo[i] == 0) {
            buf_puts(l, "jusqu'à ");
            tenths(l, c->hi[i]);
        } else {
            buf_puts(l, "de ");
            tenths(l, c->lo[i]);
            buf_puts(l, " à ");
            tenths(l, c->hi[i]);
        }
        classes[n] = page_class_css(i + 1);
    }
    for (size_t i = 0; i < n; i++)
        labels[i] = lab[i].s ? lab[i].s : "";
    /* Labels are plain text (numbers); the legend escapes them. */
    svgmap_legend_html(b, labels, classes, n, caption);
    for (size_t i = 0; i < n; i++)
        buf_free(&lab[i]);
}
