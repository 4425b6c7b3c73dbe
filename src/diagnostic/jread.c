/* jread.c - strict JSON reading with located French errors (see jread.h). */
#include "diagnostic/jread.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void jr_error(struct jread *r, const char *where, const char *field, const char *fmt, ...)
{
    r->nerrors++;
    if (!r->errors)
        return;
    if (r->nerrors > JREAD_MAX_ERRORS) {
        if (r->nerrors == JREAD_MAX_ERRORS + 1)
            buf_printf(r->errors, "%s: trop d'erreurs, les suivantes ne sont pas listées\n",
                       r->file);
        return;
    }
    buf_printf(r->errors, "%s: ", r->file);
    if (where && *where)
        buf_printf(r->errors, "%s : ", where);
    if (field)
        buf_printf(r->errors, "champ « %s » : ", field);
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(r->errors, fmt, ap);
    va_end(ap);
    buf_putc(r->errors, '\n');
}

json_t *jr_load(struct jread *r, const char *text, size_t len)
{
    json_error_t e;
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &e);
    if (!root) {
        r->nerrors++;
        if (r->errors)
            buf_printf(r->errors, "%s: ligne %d, colonne %d : JSON invalide : %s\n", r->file,
                       e.line, e.column, e.text);
        return NULL;
    }
    if (!json_is_object(root)) {
        jr_error(r, NULL, NULL, "le document doit être un objet JSON");
        json_decref(root);
        return NULL;
    }
    return root;
}

void jr_keys(struct jread *r, json_t *o, const char *where, const char *const *allowed)
{
    const char *k;
    json_t *v;
    json_object_foreach(o, k, v) {
        int ok = 0;
        for (const char *const *a = allowed; *a && !ok; a++)
            ok = strcmp(*a, k) == 0;
        if (!ok)
            jr_error(r, where, k, "champ inconnu (faute de frappe ?)");
    }
}

static int utf8_ok(const char *s)
{
    /* jansson already refuses invalid UTF-8; control characters are ours. */
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p < 0x20 && *p != '\n')
            return 0;
    return 1;
}

static const char *copy(struct jread *r, const char *where, const char *field, const char *s)
{
    const char *c = arena_strdup(r->arena, s);
    if (!c)
        jr_error(r, where, field, "mémoire insuffisante");
    return c;
}

static const char *check_string(struct jread *r, json_t *v, const char *where,
                                const char *field, size_t maxlen)
{
    if (!json_is_string(v)) {
        jr_error(r, where, field, "doit être un texte");
        return NULL;
    }
    const char *s = json_string_value(v);
    size_t n = json_string_length(v);
    if (n == 0 || strspn(s, " \t\n") == n) {
        jr_error(r, where, field, "ne doit pas être vide");
        return NULL;
    }
    if (n > maxlen) {
        jr_error(r, where, field, "trop long (%zu octets, %zu au plus)", n, maxlen);
        return NULL;
    }
    if (strlen(s) != n || !utf8_ok(s)) {
        jr_error(r, where, field, "contient un caractère de contrôle");
        return NULL;
    }
    return copy(r, where, field, s);
}

const char *jr_string(struct jread *r, json_t *o, const char *where, const char *field,
                      int required, size_t maxlen)
{
    json_t *v = json_object_get(o, field);
    if (!v) {
        if (required)
            jr_error(r, where, field, "obligatoire");
        return NULL;
    }
    return check_string(r, v, where, field, maxlen);
}

static int ident_ok(const char *s)
{
    for (const char *p = s; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' ||
              *p == '.'))
            return 0;
    return 1;
}

const char *jr_ident(struct jread *r, json_t *o, const char *where, const char *field,
                     size_t maxlen)
{
    json_t *v = json_object_get(o, field);
    if (!v) {
        jr_error(r, where, field, "obligatoire");
        return NULL;
    }
    if (json_is_string(v) && !ident_ok(json_string_value(v))) {
        jr_error(r, where, field,
                 "identifiant invalide « %.60s » (lettres minuscules sans accent, chiffres, "
                 "« - », « _ », « . »)",
                 json_string_value(v));
        return NULL;
    }
    return check_string(r, v, where, field, maxlen);
}

/* Member `field` of o, or NULL when absent: then *absent gets what the
 * reader returns (-1 and an error when the member is required, else 0). */
static json_t *member(struct jread *r, json_t *o, const char *where, const char *field,
                      int required, int *absent)
{
    json_t *v = json_object_get(o, field);
    if (!v && required)
        jr_error(r, where, field, "obligatoire");
    *absent = required ? -1 : 0;
    return v;
}

int jr_text(struct jread *r, json_t *o, const char *where, const char *field, int required,
            size_t maxlen, struct diag_text *out)
{
    memset(out, 0, sizeof *out);
    int absent;
    json_t *v = member(r, o, where, field, required, &absent);
    if (!v)
        return absent;
    if (!json_is_object(v)) {
        jr_error(r, where, field, "doit être un objet {\"fr\": \"…\", \"en\": \"…\", …}");
        return -1;
    }
    int bad = 0;
    const char *k;
    json_t *t;
    json_object_foreach(v, k, t) {
        int l = diag_lang_parse(k);
        if (l < 0 || strlen(k) != 2 || !(r->langs & (1u << l))) {
            jr_error(r, where, field, "langue « %.20s » non déclarée", k);
            bad = 1;
            continue;
        }
        char sub[64];
        snprintf(sub, sizeof sub, "%s.%s", field, k);
        out->t[l] = check_string(r, t, where, sub, maxlen);
        bad |= out->t[l] == NULL;
    }
    for (int l = 0; l < DIAG_NLANG; l++)
        if ((r->langs & (1u << l)) && !json_object_get(v, diag_lang_code((enum diag_lang)l))) {
            jr_error(r, where, field, "la traduction « %s » manque", diag_lang_code((enum diag_lang)l));
            bad = 1;
        }
    return bad ? -1 : 0;
}

int jr_strs(struct jread *r, json_t *o, const char *where, const char *field, int required,
            struct diag_strs *out)
{
    memset(out, 0, sizeof *out);
    int absent;
    json_t *v = member(r, o, where, field, required, &absent);
    if (!v)
        return absent;
    if (!json_is_array(v)) {
        jr_error(r, where, field, "doit être une liste de textes");
        return -1;
    }
    size_t n = json_array_size(v);
    if (n > 64) {
        jr_error(r, where, field, "64 éléments au plus");
        return -1;
    }
    out->v = arena_alloc(r->arena, (n ? n : 1) * sizeof *out->v);
    if (!out->v) {
        jr_error(r, where, field, "mémoire insuffisante");
        return -1;
    }
    int bad = 0;
    for (size_t i = 0; i < n; i++) {
        const char *s = check_string(r, json_array_get(v, i), where, field, 200);
        if (!s) {
            bad = 1;
            continue;
        }
        if (diag_strs_has(out, s)) {
            jr_error(r, where, field, "« %.60s » apparaît deux fois", s);
            bad = 1;
            continue;
        }
        out->v[out->n++] = s;
    }
    return bad ? -1 : 0;
}

int jr_int(struct jread *r, json_t *o, const char *where, const char *field, int required,
           long lo, long hi, long def, long *out)
{
    *out = def;
    int absent;
    json_t *v = member(r, o, where, field, required, &absent);
    if (!v)
        return absent;
    if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi) {
        jr_error(r, where, field, "doit être un nombre entier de %ld à %ld", lo, hi);
        return -1;
    }
    *out = (long)json_integer_value(v);
    return 0;
}

int jr_bool(struct jread *r, json_t *o, const char *where, const char *field, int *out)
{
    *out = 0;
    json_t *v = json_object_get(o, field);
    if (!v)
        return 0;
    if (!json_is_boolean(v)) {
        jr_error(r, where, field, "doit valoir true ou false");
        return -1;
    }
    *out = json_is_true(v);
    return 0;
}

json_t *jr_array(struct jread *r, json_t *o, const char *where, const char *field, size_t lo,
                 size_t hi)
{
    json_t *v = json_object_get(o, field);
    if (!v) {
        jr_error(r, where, field, "obligatoire");
        return NULL;
    }
    if (!json_is_array(v)) {
        jr_error(r, where, field, "doit être une liste");
        return NULL;
    }
    size_t n = json_array_size(v);
    if (n < lo || n > hi) {
        jr_error(r, where, field, "doit avoir de %zu à %zu éléments (il y en a %zu)", lo, hi, n);
        return NULL;
    }
    return v;
}
