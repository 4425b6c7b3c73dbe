/* fuzz_request.c - libFuzzer target for the whole request path after the
 * socket: header, cookie and bearer parsing (identify.c), form and query
 * decoding (query.c), routing, CSRF checks, authorization and every
 * handler, pages and API, reads and writes, on an in-memory database with
 * the demo places, a structure, an administrator's live session, a
 * médiateur and a producer's API token.
 *
 * Input: byte 0 holds flags (1: send the administrator's session cookie,
 * 2: append the right CSRF token to the form, 4: send the producer's
 * bearer token, 8: form content type), then "METHOD PATH?QUERY\n",
 * header lines "Name: value\n" up to an empty line, then the body.
 * Invariants: the handler always answers a status between 200 and 599, a
 * redirect has a Location, and nothing crashes or leaks (ASan/UBSan). The
 * database is rebuilt every 128 inputs. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "comptes/authz.h"
#include "comptes/comptes.h"
#include "comptes/jeton.h"
#include "comptes/session.h"
#include "http/identify.h"
#include "http/router.h"
#include "lieux/import.h"
#include "store/db.h"
#include "web/form.h"

static struct db fuzz_db;
static int fuzz_uses;
static char session_cookie[SESSION_TOKEN_LEN], token[JETON_LEN];
static const unsigned char secret[32] = "fuzzing secret key of 32 bytes!";

static void build(void)
{
    db_close(&fuzz_db);
    if (db_open(&fuzz_db, ":memory:", 0) < 0)
        abort();
    struct db *d = &fuzz_db;
    if (db_exec(d, "INSERT INTO region VALUES ('76','Occitanie','31555','metro');"
                   "INSERT INTO departement VALUES ('09','Ariège','76','09122','metro');"
                   "INSERT INTO commune(code,nom,nom_fold,departement,region,population,lat,lon) VALUES "
                   "('09122','Foix','foix','09','76',9500,42.96,1.6);"
                   "INSERT INTO structure(id,nom,commune_code,created_at) VALUES "
                   "(1,'Structure','09122','2026-01-01')") < 0)
        abort();
    struct import_opts o = {.source = "demo"};
    struct import_stats st;
    char err[512];
    if (lieux_import_file(d, "data/demo/lieux-demo.csv", &o, &st, err, sizeof err) < 0)
        abort();
    long long admin, med, prod, jid;
    struct grant ga, gm, gp;
    comptes_grant_parse("admin:nation:", &ga);
    comptes_grant_parse("mediateur:structure:1", &gm);
    comptes_grant_parse("producteur:source:demo", &gp);
    if (comptes_create(d, "admin@example.fr", "Admin", NULL, 0, 0, &admin) != 0 ||
        comptes_create(d, "med@example.fr", "Med", "mediateur", 0, 0, &med) != 0 ||
        comptes_create(d, "prod@example.fr", "Prod", "machine", 0, 0, &prod) != 0 ||
        comptes_grant_add(d, admin, &ga) < 0 || comptes_grant_add(d, med, &gm) < 0 ||
        comptes_grant_add(d, prod, &gp) < 0 || comptes_activate_machine(d, prod) < 0 ||
        db_exec(d, "UPDATE compte SET etat = 'actif' WHERE profil IS NOT 'machine'") < 0 ||
        session_create(d, admin, 1, "127.0.0.1", 1764000000, session_cookie) < 0 ||
        jeton_create(d, prod, "demo", "fuzz", 1764000000, token, &jid) < 0)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (fuzz_uses++ % 128 == 0)
        build();
    if (size < 2)
        return 0;
    unsigned flags = data[0];
    char *text = strndup((const char *)data + 1, size - 1);
    if (!text)
        return 0;
    char *save = NULL, *nl = strchr(text, '\n');
    if (nl)
        *nl = 0;
    char *method = strtok_r(text, " ", &save);
    char *target = method ? strtok_r(NULL, " ", &save) : NULL;
    if (!method || !target) {
        free(text);
        return 0;
    }
    char *rest = nl ? nl + 1 : text + strlen(text);
    struct http_header hdr[24];
    int nh = 0;
    char cookie[200];
    if (flags & 1) {
        snprintf(cookie, sizeof cookie, "%s=%s", SESSION_COOKIE, session_cookie);
        hdr[nh++] = (struct http_header){"Cookie", cookie};
    }
    char bearer[100];
    if (flags & 4) {
        snprintf(bearer, sizeof bearer, "Bearer %s", token);
        hdr[nh++] = (struct http_header){"Authorization", bearer};
    }
    while (*rest && *rest != '\n' && nh < 22) {
        char *end = strchr(rest, '\n');
        if (end)
            *end = 0;
        char *colon = strchr(rest, ':');
        if (colon) {
            *colon = 0;
            hdr[nh++] = (struct http_header){rest, colon[1] == ' ' ? colon + 2 : colon + 1};
        }
        rest = end ? end + 1 : rest + strlen(rest);
    }
    if (*rest == '\n')
        rest++;
    hdr[nh] = (struct http_header){NULL, NULL};

    struct request rq = {.method = method, .db = &fuzz_db, .now = 1764000000, .headers = hdr,
                         .peer = "127.0.0.1", .secret = secret};
    char *q = strchr(target, '?');
    if (q)
        *q++ = 0;
    rq.path = target;
    struct buf form = BUF_INIT;
    buf_puts(&form, (flags & 8) ? rest : q ? q : "");
    struct actor actor;
    if (identify_request(&rq, &actor) == IDENTIFY_OK) {
        char tok[64];
        if ((flags & 2) && form_csrf_token(&rq, tok) == 0)
            buf_printf(&form, "&csrf=%s", tok);
        if (query_parse(&rq.query, form.s ? form.s : "", form.len) == 0) {
            rq.body = rest;
            rq.body_len = strlen(rest);
            struct response rs;
            memset(&rs, 0, sizeof rs);
            router_dispatch(&rq, &rs);
            if (rs.status < 200 || rs.status > 599)
                abort();
            if ((rs.status == 301 || rs.status == 302 || rs.status == 303) && !rs.location[0])
                abort();
            buf_free(&rs.body);
            query_free(&rq.query);
        }
    }
    /* A write may have left a transaction open on error paths: never. */
    if (!sqlite3_get_autocommit(fuzz_db.h))
        abort();
    buf_free(&form);
    free(text);
    return 0;
}
