/* form.c - CSRF tokens and accessible form fields (see form.h). */
#include "web/form.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "web/html.h"

#define COOKIE_MAX 96
#define VISITOR_MAX_AGE (365L * 24 * 3600)

/* The cookie the token is bound to: the session when signed in, else the
 * visitor cookie. NULL when there is none. */
static const char *binding(const struct request *rq, char out[COOKIE_MAX])
{
    const char *s = request_cookie(rq, SESSION_COOKIE, out, COOKIE_MAX);
    return s ? s : request_cookie(rq, VISITOR_COOKIE, out, COOKIE_MAX);
}

static void token_for(const unsigned char key[32], const char *bound, char out[64])
{
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_state st;
    crypto_auth_hmacsha256_init(&st, key, 32);
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)"csrf", 5);
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)bound, strlen(bound));
    crypto_auth_hmacsha256_final(&st, mac);
    sodium_bin2base64(out, 64, mac, sizeof mac, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

int form_csrf_token(const struct request *rq, char out[64])
{
    char c[COOKIE_MAX];
    const char *bound = binding(rq, c);
    if (!bound || !rq->secret)
        return -1;
    token_for(rq->secret, bound, out);
    return 0;
}

void form_csrf_field(struct buf *b, const struct request *rq, struct response *rs)
{
    char token[64] = "";
    if (rq->secret && form_csrf_token(rq, token) < 0) {
        unsigned char raw[24];
        char visitor[COOKIE_MAX];
        randombytes_buf(raw, sizeof raw);
        sodium_bin2base64(visitor, sizeof visitor, raw, sizeof raw,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING);
        if (resp_cookie(rs, rq, VISITOR_COOKIE, visitor, VISITOR_MAX_AGE) == 0)
            token_for(rq->secret, visitor, token);
    }
    html_raw(b, "<input type=\"hidden\" name=\"csrf\" value=\"");
    html_attr(b, token);
    html_raw(b, "\">\n");
}

/* An Origin header, when sent, must name this host (scheme://Host). */
static int origin_ok(const struct request *rq)
{
    const char *origin = request_header(rq, "Origin");
    if (!origin || strcmp(origin, "null") == 0)
        return origin == NULL;
    const char *host = request_header(rq, "Host");
    const char *p = strstr(origin, "://");
    return host && p && strcmp(p + 3, host) == 0;
}

int form_csrf_ok(const struct request *rq)
{
    char expect[64];
    const char *got = query_get(&rq->query, "csrf");
    if (!got || form_csrf_token(rq, expect) < 0 || !origin_ok(rq))
        return 0;
    size_t n = strlen(expect);
    return strlen(got) == n && sodium_memcmp(got, expect, n) == 0;
}

void form_text(struct buf *b, const struct form_field *f)
{
    html_raw(b, "<div class=\"champ");
    if (f->error)
        html_raw(b, " champ-erreur");
    html_raw(b, "\">\n<label for=\"");
    html_attr(b, f->name);
    html_raw(b, "\">");
    html_txt(b, f->label);
    if (f->required)
        html_raw(b, " <span class=\"requis\">(obligatoire)</span>");
    html_raw(b, "</label>\n");
    if (f->hint) {
        html_raw(b, "<p class=\"aide\" id=\"");
        html_attr(b, f->name);
        html_raw(b, "-aide\">");
        html_txt(b, f->hint);
        html_raw(b, "</p>\n");
    }
    if (f->error) {
        html_raw(b, "<p class=\"erreur\" id=\"");
        html_attr(b, f->name);
        html_raw(b, "-erreur\"><strong>");
        html_txt(b, f->error_prefix ? f->error_prefix : "Erreur :");
        html_raw(b, "</strong> ");
        html_txt(b, f->error);
        html_raw(b, "</p>\n");
    }
    html_raw(b, f->textarea ? "<textarea" : "<input");
    html_raw(b, " id=\"");
    html_attr(b, f->name);
    html_raw(b, "\" name=\"");
    html_attr(b, f->name);
    html_raw(b, "\"");
    if (!f->textarea) {
        html_raw(b, " type=\"");
        html_attr(b, f->type ? f->type : "text");
        html_raw(b, "\"");
    }
    if (f->autocomplete) {
        html_raw(b, " autocomplete=\"");
        html_attr(b, f->autocomplete);
        html_raw(b, "\"");
    }
    if (f->required)
        html_raw(b, " required");
    if (f->hint || f->error) {
        html_raw(b, " aria-describedby=\"");
        if (f->hint) {
            html_attr(b, f->name);
            html_raw(b, "-aide");
        }
        if (f->error) {
            html_raw(b, f->hint ? " " : "");
            html_attr(b, f->name);
            html_raw(b, "-erreur");
        }
        html_raw(b, "\"");
    }
    if (f->error)
        html_raw(b, " aria-invalid=\"true\"");
    if (f->textarea) {
        html_raw(b, " rows=\"4\">");
        html_txt(b, f->value);
        html_raw(b, "</textarea>\n</div>\n");
        return;
    }
    if (f->value && (!f->type || strcmp(f->type, "password") != 0)) {
        html_raw(b, " value=\"");
        html_attr(b, f->value);
        html_raw(b, "\"");
    }
    html_raw(b, ">\n</div>\n");
}

void form_errors(struct buf *b, const struct form_field *fields, int n)
{
    int k = 0;
    for (int i = 0; i < n; i++)
        k += fields[i].error != NULL;
    if (!k)
        return;
    html_raw(b, "<div class=\"erreurs\" role=\"alert\" tabindex=\"-1\" id=\"erreurs\">\n<h2>");
    if (k == 1)
        html_raw(b, "Le formulaire contient une erreur");
    else
        html_rawf(b, "Le formulaire contient %d erreurs", k);
    html_raw(b, "</h2>\n<ul>\n");
    for (int i = 0; i < n; i++) {
        if (!fields[i].error)
            continue;
        html_raw(b, "<li><a href=\"#");
        html_attr(b, fields[i].name);
        html_raw(b, "\">");
        html_txt(b, fields[i].label);
        html_raw(b, " : ");
        html_txt(b, fields[i].error);
        html_raw(b, "</a></li>\n");
    }
    html_raw(b, "</ul>\n</div>\n");
}
