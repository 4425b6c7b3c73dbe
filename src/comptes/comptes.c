/* comptes.c - accounts, grants and passwords (see comptes.h). */
#include "comptes/comptes.h"

#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/buf.h"
#include "base/jsonw.h"
#include "base/text.h"
#include "territoires/territoires.h"

#define PWHASH_OPS crypto_pwhash_OPSLIMIT_INTERACTIVE
#define PWHASH_MEM crypto_pwhash_MEMLIMIT_INTERACTIVE

int comptes_normalize_email(const char *in, char *out, size_t n)
{
    while (*in == ' ' || *in == '\t')
        in++;
    size_t len = strlen(in);
    while (len && (in[len - 1] == ' ' || in[len - 1] == '\t'))
        len--;
    if (len == 0 || len >= n || len > 127)
        return -1;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)in[i];
        if (c <= ' ' || c == 0x7f || c == '<' || c == '>' || c == '"' || c == ',' || c == ';' ||
            c == '\\' || c == '(' || c == ')')
            return -1;
        out[i] = (char)tolower(c);
    }
    out[len] = 0;
    const char *at = strchr(out, '@');
    if (!at || at == out || strchr(at + 1, '@') || !strchr(at + 1, '.') || at[1] == '.' ||
        out[len - 1] == '.')
        return -1;
    return 0;
}

static const struct {
    const char *code, *label;
} profils[] = {
    {"mediateur", "Médiateur numérique"},
    {"conseiller_numerique", "Conseiller numérique"},
    {"aidant", "Aidant"},
    {"machine", "Compte de service"},
};

int comptes_profil_ok(const char *profil)
{
    if (!profil || !*profil)
        return 1;
    for (size_t i = 0; i < sizeof profils / sizeof *profils; i++)
        if (strcmp(profil, profils[i].code) == 0)
            return 1;
    return 0;
}

const char *comptes_profil_label(const char *profil)
{
    for (size_t i = 0; profil && i < sizeof profils / sizeof *profils; i++)
        if (strcmp(profil, profils[i].code) == 0)
            return profils[i].label;
    return "";
}

/* ---- grants ---- */

int comptes_grant_valid(const struct grant *g)
{
    switch (g->role) {
    case ROLE_ADMIN:
        return g->portee == PORTEE_NATION && g->code[0] == 0;
    case ROLE_COORDINATEUR:
        return (g->portee == PORTEE_NATION && g->code[0] == 0) ||
               (g->portee >= PORTEE_REGION && g->portee <= PORTEE_COMMUNE && g->code[0]);
    case ROLE_GESTIONNAIRE:
    case ROLE_MEDIATEUR: {
        if (g->portee != PORTEE_STRUCTURE || !g->code[0])
            return 0;
        for (const char *p = g->code; *p; p++)
            if (!isdigit((unsigned char)*p))
                return 0;
        return atoll(g->code) > 0;
    }
    case ROLE_PRODUCTEUR:
        return g->portee == PORTEE_SOURCE && g->code[0];
    default:
        return 0;
    }
}

int comptes_grant_parse(const char *s, struct grant *g)
{
    memset(g, 0, sizeof *g);
    char role[32], portee[32];
    const char *a = strchr(s, ':');
    if (!a || (size_t)(a - s) >= sizeof role)
        return -1;
    snprintf(role, sizeof role, "%.*s", (int)(a - s), s);
    const char *b = strchr(a + 1, ':');
    size_t pl = b ? (size_t)(b - a - 1) : strlen(a + 1);
    if (pl >= sizeof portee)
        return -1;
    snprintf(portee, sizeof portee, "%.*s", (int)pl, a + 1);
    const char *code = b ? b + 1 : "";
    if (strlen(code) >= sizeof g->code)
        return -1;
    int r = role_parse(role), p = portee_parse(portee);
    if (r < 0 || p < 0)
        return -1;
    g->role = (enum role)r;
    g->portee = (enum portee)p;
    snprintf(g->code, sizeof g->code, "%s", code);
    if (g->portee == PORTEE_COMMUNE || g->portee == PORTEE_DEPARTEMENT)
        for (char *c = g->code; *c; c++)
            *c = (char)toupper((unsigned char)*c); /* "2a" -> "2A" */
    return comptes_grant_valid(g) ? 0 : -1;
}

void comptes_grant_format(const struct grant *g, char *out, size_t n)
{
    snprintf(out, n, "%s:%s:%s", role_nom(g->role), portee_nom(g->portee), g->code);
}

static int load_grants(struct db *d, long long id, struct grant *v, int max)
{
    sqlite3_stmt *st = db_prepare_cached(
        d, "SELECT role, portee, code FROM compte_role WHERE compte_id = ?1 "
           "ORDER BY role, portee, code");
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    int n = 0, rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && n < max) {
        int r = role_parse((const char *)sqlite3_column_text(st, 0));
        int p = portee_parse((const char *)sqlite3_column_text(st, 1));
        if (r < 0 || p < 0)
            continue;
        v[n].role = (enum role)r;
        v[n].portee = (enum portee)p;
        db_col_copy(st, 2, v[n].code, sizeof v[n].code);
        n++;
    }
    db_release(d, st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? n : db_fail(d, "load grants");
}

/* Run an INSERT/DELETE on compte_role bound to (id, role, portee, code). */
static int grant_exec(struct db *d, const char *sql, long long id, const struct grant *g,
                      const char *what)
{
    sqlite3_stmt *st = db_prepare_cached(d, sql);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, role_nom(g->role), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, portee_nom(g->portee), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, g->code, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    db_release(d, st);
    return rc == SQLITE_DONE ? 0 : db_fail(d, what);
}

int comptes_grant_add(struct db *d, long long id, const struct grant *g)
{
    if (!comptes_grant_valid(g)) {
        snprintf(d->err, sizeof d->err, "invalid grant");
        return -1;
    }
    return grant_exec(d, "INSERT OR IGNORE INTO compte_role (compte_id, role, portee, code) "
                         "VALUES (?1, ?2, ?3, ?4)",
                      id, g, "grant add");
}

int comptes_grant_remove(struct db *d, long long id, const struct grant *g)
{
    return grant_exec(d, "DELETE FROM compte_role WHERE compte_id = ?1 AND role = ?2 "
                         "AND portee = ?3 AND code = ?4",
                      id, g, "grant remove");
}

/* ---- accounts ---- */

#define COMPTE_COLUMNS                                                                     \
    "id, email, nom, profil, etat, mot_de_passe IS NOT NULL, totp_secret IS NOT NULL, "    \
    "created_at, derniere_connexion"

static int read_compte(struct db *d, sqlite3_stmt *st, struct compte *c)
{
    memset(c, 0, sizeof *c);
    c->id = sqlite3_column_int64(st, 0);
    db_col_copy(st, 1, c->email, sizeof c->email);
    db_col_copy(st, 2, c->nom, sizeof c->nom);
    db_col_copy(st, 3, c->profil, sizeof c->profil);
    db_col_copy(st, 4, c->etat, sizeof c->etat);
    c->has_password = sqlite3_column_int(st, 5);
    c->has_totp = sqlite3_column_int(st, 6);
    db_col_copy(st, 7, c->created_at, sizeof c->created_at);
    db_col_copy(st, 8, c->derniere_connexion, sizeof c->derniere_connexion);
    int n = load_grants(d, c->id, c->grants, ACTOR_MAX_GRANTS);
    if (n < 0)
        return -1;
    c->ngrants = n;
    return 0;
}

static int get_where(struct db *d, const char *sql, long long id, const char *email,
                     struct compte *c)
{
    sqlite3_stmt *st = db_prepare(d, sql);
    if (!st)
        return -1;
    if (email)
        sqlite3_bind_text(st, 1, email, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st), r;
    if (rc == SQLITE_ROW)
        r = read_compte(d, st, c) < 0 ? -1 : 1;
    else
        r = rc == SQLITE_DONE ? 0 : db_fail(d, "get compte");
    sqlite3_finalize(st);
    return r;
}

int comptes_get(struct db *d, long long id, struct compte *c)
{
    return get_where(d, "SELECT " COMPTE_COLUMNS " FROM compte WHERE id = ?1", id, NULL, c);
}

int comptes_get_by_email(struct db *d, const char *email, struct compte *c)
{
    char norm[128];
    if (comptes_normalize_email(email, norm, sizeof norm) < 0)
        return 0;
    return get_where(d, "SELECT " COMPTE_COLUMNS " FROM compte WHERE email = ?1", 0, norm, c);
}

int comptes_create(struct db *d, const char *email, const char *nom, const char *profil,
                   long long created_by, time_t now, long long *id)
{
    char norm[128], at[24];
    if (comptes_normalize_email(email, norm, sizeof norm) < 0) {
        snprintf(d->err, sizeof d->err, "invalid e-mail address");
        return -1;
    }
    if (!comptes_profil_ok(profil)) {
        snprintf(d->err, sizeof d->err, "unknown profil");
        return -1;
    }
    struct compte c;
    int r = comptes_get_by_email(d, norm, &c);
    if (r != 0) {
        if (r == 1)
            *id = c.id;
        return r;
    }
    text_iso_time(now, at);
    sqlite3_stmt *st = db_prepare_cached(
        d, "INSERT INTO compte (email, nom, profil, etat, created_at, created_by) "
           "VALUES (?1, ?2, ?3, 'invite', ?4, ?5)");
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, norm, -1, SQLITE_TRANSIENT);
    db_bind_text(st, 2, nom);
    db_bind_text(st, 3, profil);
    sqlite3_bind_text(st, 4, at, -1, SQLITE_TRANSIENT);
    if (created_by > 0)
        sqlite3_bind_int64(st, 5, created_by);
    int rc = sqlite3_step(st);
    db_release(d, st);
    if (rc != SQLITE_DONE)
        return db_fail(d, "create compte");
    *id = sqlite3_last_insert_rowid(d->h);
    return 0;
}

const char *comptes_password_policy(const char *password, const char *email)
{
    size_t len = strlen(password);
    size_t chars = 0; /* UTF-8 characters, not bytes */
    for (const unsigned char *p = (const unsigned char *)password; *p; p++)
        chars += (*p & 0xC0) != 0x80;
    if (chars < PASSWORD_MIN)
        return "Le mot de passe doit compter au moins 12 caractères. Une phrase de plusieurs "
               "mots est facile à retenir.";
    if (len > PASSWORD_MAX)
        return "Le mot de passe doit compter au plus 128 caractères.";
    if (email && strcasecmp(password, email) == 0)
        return "Le mot de passe ne doit pas être votre adresse e-mail.";
    for (const unsigned char *p = (const unsigned char *)password; *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            return "Le mot de passe contient un caractère invisible non permis.";
    size_t distinct = 0;
    int seen[256] = {0};
    for (const unsigned char *p = (const unsigned char *)password; *p; p++)
        if (!seen[*p]++)
            distinct++;
    if (distinct < 4)
        return "Le mot de passe est trop simple : il répète presque toujours le même caractère.";
    return NULL;
}

int comptes_set_password(struct db *d, long long id, const char *password)
{
    char hash[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str(hash, password, strlen(password), PWHASH_OPS, PWHASH_MEM) != 0) {
        snprintf(d->err, sizeof d->err, "password hashing failed (out of memory)");
        return -1;
    }
    sqlite3_stmt *st = db_prepare_cached(
        d, "UPDATE compte SET mot_de_passe = ?2, "
           "etat = CASE etat WHEN 'desactive' THEN 'desactive' ELSE 'actif' END WHERE id = ?1");
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, hash, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    db_release(d, st);
    sodium_memzero(hash, sizeof hash);
    return rc == SQLITE_DONE ? 0 : db_fail(d, "set password");
}

int comptes_check_password(struct db *d, const char *email, const char *password,
                           long long *id)
{
    /* A fixed hash of a random password, verified when the account is
     * unknown, so that the time taken does not tell whether it exists. */
    static const char decoy[crypto_pwhash_STRBYTES] =
        "$argon2id$v=19$m=65536,t=2,p=1$8edJ2+JLvGZzR9JhwVhMQQ$"
        "GjsZEDrfw9E+0CXDfY1ARnAKCVwD0wDtmDQe51DYf+4";
    char norm[128];
    char hash[crypto_pwhash_STRBYTES] = "";
    long long found = 0;
    int active = 0;
    if (comptes_normalize_email(email, norm, sizeof norm) == 0) {
        sqlite3_stmt *st = db_prepare_cached(
            d, "SELECT id, mot_de_passe, etat = 'actif' FROM compte WHERE email = ?1");
        if (!st)
            return -1;
        sqlite3_bind_text(st, 1, norm, -1, SQLITE_TRANSIENT);
        int rc = sqlite3_step(st);
        if (rc == SQLITE_ROW && sqlite3_column_text(st, 1)) {
            found = sqlite3_column_int64(st, 0);
            db_col_copy(st, 1, hash, sizeof hash);
            active = sqlite3_column_int(st, 2);
        }
        db_release(d, st);
        if (rc != SQLITE_ROW && rc != SQLITE_DONE)
            return db_fail(d, "check password");
    }
    size_t pl = strlen(password);
    if (pl > PASSWORD_MAX)
        pl = PASSWORD_MAX; /* the policy refuses longer ones; bound the work */
    int ok = crypto_pwhash_str_verify(found ? hash : decoy, password, pl) == 0;
    sodium_memzero(hash, sizeof hash);
    if (ok && found && active) {
        *id = found;
        return 1;
    }
    return 0;
}

static int exec_id(struct db *d, const char *sql, long long id, const char *what)
{
    sqlite3_stmt *st = db_prepare_cached(d, sql);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    db_release(d, st);
    return rc == SQLITE_DONE ? 0 : db_fail(d, what);
}

int comptes_deactivate(struct db *d, long long id, time_t now)
{
    char at[24];
    text_iso_time(now, at);
    sqlite3_stmt *st = db_prepare_cached(
        d, "UPDATE compte SET etat = 'desactive', desactive_at = ?2 WHERE id = ?1");
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, at, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    db_release(d, st);
    if (rc != SQLITE_DONE)
        return db_fail(d, "deactivate");
    if (exec_id(d, "DELETE FROM session WHERE compte_id = ?1", id, "deactivate sessions") < 0)
        return -1;
    st = db_prepare_cached(d, "UPDATE jeton SET revoque_at = ?2 WHERE compte_id = ?1 "
                              "AND revoque_at IS NULL");
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, at, -1, SQLITE_TRANSIENT);
    rc = sqlite3_step(st);
    db_release(d, st);
    if (rc != SQLITE_DONE)
        return db_fail(d, "deactivate tokens");
    return exec_id(d, "DELETE FROM lien_unique WHERE compte_id = ?1", id, "deactivate links");
}

int comptes_reactivate(struct db *d, long long id)
{
    return exec_id(d, "UPDATE compte SET desactive_at = NULL, etat = CASE WHEN mot_de_passe "
                      "IS NULL THEN 'invite' ELSE 'actif' END WHERE id = ?1",
                   id, "reactivate");
}

int comptes_activate_machine(struct db *d, long long id)
{
    return exec_id(d, "UPDATE compte SET etat = 'actif', desactive_at = NULL "
                      "WHERE id = ?1 AND profil = 'machine'",
                   id, "activate machine");
}

int comptes_touch_login(struct db *d, long long id, time_t now)
{
    char at[24];
    text_iso_time(now, at);
    sqlite3_stmt *st = db_prepare_cached(d, "UPDATE compte SET derniere_connexion = ?2 WHERE id = ?1");
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, at, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    db_release(d, st);
    return rc == SQLITE_DONE ? 0 : db_fail(d, "touch login");
}

int comptes_actor(struct db *d, long long id, struct actor *a)
{
    struct compte c;
    int r = comptes_get(d, id, &c);
    if (r <= 0)
        return r;
    if (strcmp(c.etat, "actif") != 0)
        return 0;
    memset(a, 0, sizeof *a);
    a->compte_id = c.id;
    snprintf(a->email, sizeof a->email, "%s", c.email);
    snprintf(a->nom, sizeof a->nom, "%s", c.nom);
    snprintf(a->profil, sizeof a->profil, "%s", c.profil);
    a->ngrants = c.ngrants;
    memcpy(a->grants, c.grants, sizeof c.grants);
    return 1;
}

/* ---- listing ---- */

void compte_list_free(struct compte_list *l)
{
    free(l->v);
    memset(l, 0, sizeof *l);
}

/* May `a` see account `c`: one of its grants lies within a's scope. */
static int visible(struct db *d, const struct actor *a, const struct compte *c)
{
    if (a->compte_id == c->id)
        return 1;
    for (int i = 0; i < c->ngrants; i++) {
        const struct grant *g = &c->grants[i];
        struct authz_resource r = {0};
        if (g->portee == PORTEE_STRUCTURE) {
            r.structure_id = atoll(g->code);
        } else if (g->portee >= PORTEE_REGION && g->portee <= PORTEE_COMMUNE) {
            static const int niv[] = {[PORTEE_REGION] = TERRITOIRE_REGION,
                                      [PORTEE_DEPARTEMENT] = TERRITOIRE_DEPARTEMENT,
                                      [PORTEE_EPCI] = TERRITOIRE_EPCI,
                                      [PORTEE_COMMUNE] = TERRITOIRE_COMMUNE};
            r.niveau = niv[g->portee];
            r.code = g->code;
        } else if (g->role != ROLE_ADMIN || !actor_has_role(a, ROLE_ADMIN)) {
            r.code = NULL; /* national or source grants: admins only */
        }
        int k = authz_allowed(d, a, AZ_COMPTE_LIST, &r);
        if (k != 0)
            return k;
    }
    /* Accounts without any grant (invited, not yet placed): admins. */
    return c->ngrants == 0 && actor_has_role(a, ROLE_ADMIN);
}

int comptes_list(struct db *d, const struct actor *a, struct compte_list *out)
{
    memset(out, 0, sizeof *out);
    if (!a)
        return 0;
    sqlite3_stmt *st = db_prepare(d, "SELECT " COMPTE_COLUMNS " FROM compte ORDER BY email");
    if (!st)
        return -1;
    size_t cap = 0;
    int rc, err = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct compte c;
        if (read_compte(d, st, &c) < 0) {
            err = 1;
            break;
        }
        int v = actor_has_role(a, ROLE_ADMIN) ? 1 : visible(d, a, &c);
        if (v < 0) {
            err = 1;
            break;
        }
        if (!v)
            continue;
        if (out->n == cap) {
            size_t nc = cap ? cap * 2 : 32;
            struct compte *p = realloc(out->v, nc * sizeof *p);
            if (!p) {
                snprintf(d->err, sizeof d->err, "out of memory");
                err = 1;
                break;
            }
            out->v = p;
            cap = nc;
        }
        out->v[out->n++] = c;
    }
    if (!err && rc != SQLITE_DONE)
        err = db_fail(d, "list comptes") < 0;
    sqlite3_finalize(st);
    if (err) {
        compte_list_free(out);
        return -1;
    }
    return 0;
}

char *comptes_journal_json(const struct compte *c)
{
    struct buf b = BUF_INIT;
    struct jsonw w;
    jsonw_init(&w, &b);
    jsonw_object(&w);
    jsonw_key(&w, "email");
    jsonw_string(&w, c->email);
    jsonw_key(&w, "nom");
    jsonw_string(&w, c->nom);
    jsonw_key(&w, "profil");
    jsonw_string(&w, c->profil);
    jsonw_key(&w, "etat");
    jsonw_string(&w, c->etat);
    jsonw_key(&w, "second_facteur");
    jsonw_bool(&w, c->has_totp);
    jsonw_key(&w, "roles");
    jsonw_array(&w);
    for (int i = 0; i < c->ngrants; i++) {
        char g[128];
        comptes_grant_format(&c->grants[i], g, sizeof g);
        jsonw_string(&w, g);
    }
    jsonw_end_array(&w);
    jsonw_end_object(&w);
    return buf_take(&b);
}
