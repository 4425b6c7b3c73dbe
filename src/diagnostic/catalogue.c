/* catalogue.c - per-connection cache of the diagnostic's data (see
 * catalogue.h). */
#include "diagnostic/catalogue.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diagnostic/diag_store.h"
#include "embedded.h"

#define REF_FILE "data/diagnostic/referentiel.json"
#define BANK_PREFIX "data/diagnostic/questions-"
#define MSG_PREFIX "data/i18n/diagnostic."
struct diag_cache {
    struct diag_ref *ref;
    json_t *msgs[DIAG_NLANG];
    int msgs_loaded;
    struct diag_bank **banks; /* every version loaded (few: never evicted) */
    int nbanks;
};

static void cache_free(void *p)
{
    struct diag_cache *c = p;
    for (int i = 0; i < c->nbanks; i++)
        diag_bank_free(c->banks[i]);
    free(c->banks);
    for (int l = 0; l < DIAG_NLANG; l++)
        json_decref(c->msgs[l]);
    diag_ref_free(c->ref);
    free(c);
}

static struct diag_cache *cache(struct db *d)
{
    struct diag_cache *c = d->ext[DB_EXT_DIAGNOSTIC];
    if (c)
        return c;
    c = calloc(1, sizeof *c);
    if (!c) {
        snprintf(d->err, sizeof d->err, "out of memory");
        return NULL;
    }
    d->ext[DB_EXT_DIAGNOSTIC] = c;
    d->ext_free[DB_EXT_DIAGNOSTIC] = cache_free;
    return c;
}

static const struct embedded_file *embedded(const char *name)
{
    for (size_t i = 0; i < embedded_count; i++)
        if (strcmp(embedded_files[i].name, name) == 0)
            return &embedded_files[i];
    return NULL;
}

const struct diag_ref *diag_referentiel(struct db *d)
{
    struct diag_cache *c = cache(d);
    if (!c)
        return NULL;
    if (c->ref)
        return c->ref;
    const struct embedded_file *f = embedded(REF_FILE);
    if (!f) {
        snprintf(d->err, sizeof d->err, "%s is not built in", REF_FILE);
        return NULL;
    }
    struct buf errors = BUF_INIT;
    c->ref = diag_ref_parse((const char *)f->data, f->len, REF_FILE, &errors);
    if (!c->ref)
        snprintf(d->err, sizeof d->err, "%s", errors.s ? errors.s : "referential: error");
    buf_free(&errors);
    return c->ref;
}

/* The version field of a built-in bank file, without a full parse. */
static int builtin_version(const struct embedded_file *f, char out[DIAG_VERSION_MAX])
{
    json_t *root = json_loadb((const char *)f->data, f->len, 0, NULL);
    const char *v = json_string_value(json_object_get(root, "version"));
    int ok = v && strlen(v) < DIAG_VERSION_MAX;
    if (ok)
        snprintf(out, DIAG_VERSION_MAX, "%s", v);
    json_decref(root);
    return ok ? 0 : -1;
}

void diag_bank_builtins(void (*fn)(const char *version, void *arg), void *arg)
{
    for (size_t i = 0; i < embedded_count; i++) {
        char v[DIAG_VERSION_MAX];
        if (strncmp(embedded_files[i].name, BANK_PREFIX, strlen(BANK_PREFIX)) == 0 &&
            builtin_version(&embedded_files[i], v) == 0)
            fn(v, arg);
    }
}

const char *diag_bank_builtin_text(const char *version, size_t *len)
{
    for (size_t i = 0; i < embedded_count; i++) {
        char v[DIAG_VERSION_MAX];
        if (strncmp(embedded_files[i].name, BANK_PREFIX, strlen(BANK_PREFIX)) == 0 &&
            builtin_version(&embedded_files[i], v) == 0 && strcmp(v, version) == 0) {
            if (len)
                *len = embedded_files[i].len;
            return (const char *)embedded_files[i].data;
        }
    }
    return NULL;
}

int diag_bank_builtin(const char *version)
{
    return version && diag_bank_builtin_text(version, NULL) != NULL;
}

static void last_builtin(const char *version, void *arg)
{
    snprintf(arg, DIAG_VERSION_MAX, "%s", version);
}

int diag_bank_active(struct db *d, char out[DIAG_VERSION_MAX])
{
    int r = diag_store_bank_active(d, out);
    if (r < 0)
        return -1;
    if (r == 1)
        return 0;
    out[0] = 0;
    diag_bank_builtins(last_builtin, out);
    if (!out[0]) {
        snprintf(d->err, sizeof d->err, "no question bank built in");
        return -1;
    }
    return 0;
}

const struct diag_bank *diag_bank_get(struct db *d, const char *version)
{
    struct diag_cache *c = cache(d);
    const struct diag_ref *ref = diag_referentiel(d);
    if (!c || !ref)
        return NULL;
    if (!version || !diag_version_ok(version)) {
        snprintf(d->err, sizeof d->err, "invalid bank version");
        return NULL;
    }
    for (int i = 0; i < c->nbanks; i++)
        if (strcmp(c->banks[i]->version, version) == 0)
            return c->banks[i];
    char *text = NULL;
    int r = diag_store_bank_content(d, version, &text);
    if (r < 0)
        return NULL;
    size_t len = 0;
    const char *src = text;
    if (r == 1) {
        len = strlen(text);
    } else if (!(src = diag_bank_builtin_text(version, &len))) {
        snprintf(d->err, sizeof d->err, "unknown bank version %s", version);
        return NULL;
    }
    struct buf errors = BUF_INIT;
    char name[64];
    snprintf(name, sizeof name, "banque %s", version);
    struct diag_bank *b = diag_bank_parse(ref, src, len, name, &errors);
    free(text);
    if (!b) {
        snprintf(d->err, sizeof d->err, "%s", errors.s ? errors.s : "bank: error");
        buf_free(&errors);
        return NULL;
    }
    buf_free(&errors);
    if (strcmp(b->version, version) != 0) {
        snprintf(d->err, sizeof d->err, "bank %s holds version %s", version, b->version);
        diag_bank_free(b);
        return NULL;
    }
    struct diag_bank **grown = realloc(c->banks, (size_t)(c->nbanks + 1) * sizeof *grown);
    if (!grown) {
        diag_bank_free(b);
        snprintf(d->err, sizeof d->err, "out of memory");
        return NULL;
    }
    c->banks = grown;
    c->banks[c->nbanks++] = b;
    return b;
}

static int load_messages(struct diag_cache *c)
{
    if (c->msgs_loaded)
        return 0;
    for (int l = 0; l < DIAG_NLANG; l++) {
        char name[64];
        snprintf(name, sizeof name, MSG_PREFIX "%s.json", diag_lang_code((enum diag_lang)l));
        const struct embedded_file *f = embedded(name);
        c->msgs[l] = f ? json_loadb((const char *)f->data, f->len, 0, NULL) : NULL;
        if (c->msgs[l] && !json_is_object(c->msgs[l])) {
            json_decref(c->msgs[l]);
            c->msgs[l] = NULL;
        }
    }
    c->msgs_loaded = 1;
    return 0;
}

const void *diag_messages_json(struct db *d, enum diag_lang l)
{
    struct diag_cache *c = cache(d);
    if (!c || (unsigned)l >= DIAG_NLANG)
        return NULL;
    load_messages(c);
    return c->msgs[l];
}

const char *diag_msg(struct db *d, enum diag_lang l, const char *key)
{
    struct diag_cache *c = cache(d);
    if (!c)
        return key;
    load_messages(c);
    const char *s = NULL;
    if ((unsigned)l < DIAG_NLANG && c->msgs[l])
        s = json_string_value(json_object_get(c->msgs[l], key));
    if (!s && c->msgs[DIAG_FR])
        s = json_string_value(json_object_get(c->msgs[DIAG_FR], key));
    return s ? s : key;
}
