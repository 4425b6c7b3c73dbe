/* referentiel.c - reading and checking the referential (see referentiel.h). */
#include "diagnostic/referentiel.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "diagnostic/jread.h"

static const char *const lang_codes[DIAG_NLANG] = {"fr", "en", "ar"};

const char *diag_lang_code(enum diag_lang l)
{
    return (unsigned)l < DIAG_NLANG ? lang_codes[l] : "fr";
}

int diag_lang_parse(const char *s)
{
    if (!s)
        return -1;
    for (int i = 0; i < DIAG_NLANG; i++)
        if (strncasecmp(s, lang_codes[i], 2) == 0 && (s[2] == 0 || s[2] == '-' || s[2] == '_'))
            return i;
    return -1;
}

int diag_lang_rtl(enum diag_lang l)
{
    return l == DIAG_AR;
}

const char *diag_tr(const struct diag_text *t, enum diag_lang l)
{
    if ((unsigned)l < DIAG_NLANG && t->t[l])
        return t->t[l];
    return t->t[DIAG_FR] ? t->t[DIAG_FR] : "";
}

int diag_strs_has(const struct diag_strs *l, const char *s)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->v[i], s) == 0)
            return 1;
    return 0;
}

/* Room for n elements of size sz in the arena (error when out of memory). */
static void *array_of(struct jread *r, size_t n, size_t sz)
{
    void *p = arena_alloc(r->arena, (n ? n : 1) * sz);
    if (!p)
        jr_error(r, NULL, NULL, "mémoire insuffisante");
    return p;
}

static void read_domaine(struct jread *r, json_t *o, struct diag_domaine *d, size_t i)
{
    static const char *const keys[] = {"id", "pix", "digcomp", "nom", "services", "competences",
                                       NULL};
    char where[96];
    snprintf(where, sizeof where, "domaine n° %zu", i + 1);
    if (!json_is_object(o)) {
        jr_error(r, where, NULL, "doit être un objet");
        return;
    }
    d->id = jr_ident(r, o, where, "id", 32);
    if (d->id)
        snprintf(where, sizeof where, "domaine « %s »", d->id);
    jr_keys(r, o, where, keys);
    d->pix = jr_string(r, o, where, "pix", 1, 8);
    d->digcomp = jr_string(r, o, where, "digcomp", 1, 8);
    jr_text(r, o, where, "nom", 1, 200, &d->nom);
    jr_strs(r, o, where, "services", 1, &d->services);
    json_t *cs = jr_array(r, o, where, "competences", 1, 16);
    if (!cs)
        return;
    d->competences = array_of(r, json_array_size(cs), sizeof *d->competences);
    if (!d->competences)
        return;
    for (size_t k = 0; k < json_array_size(cs); k++) {
        static const char *const ckeys[] = {"id", "digcomp", "nom", NULL};
        json_t *c = json_array_get(cs, k);
        char cw[128];
        snprintf(cw, sizeof cw, "compétence n° %zu du %s", k + 1, where);
        if (!json_is_object(c)) {
            jr_error(r, cw, NULL, "doit être un objet");
            continue;
        }
        struct diag_competence *x = &d->competences[d->ncompetences++];
        x->id = jr_string(r, c, cw, "id", 1, 8);
        jr_keys(r, c, cw, ckeys);
        jr_strs(r, c, cw, "digcomp", 1, &x->digcomp);
        jr_text(r, c, cw, "nom", 1, 200, &x->nom);
    }
}

static void read_autonomie(struct jread *r, json_t *o, struct diag_ref *ref, size_t i)
{
    static const char *const keys[] = {"niveau", "nom", "description", "modalites", "programmes",
                                       "services", "etapes", NULL};
    char where[64];
    snprintf(where, sizeof where, "autonomie n° %zu", i + 1);
    if (!json_is_object(o)) {
        jr_error(r, where, NULL, "doit être un objet");
        return;
    }
    long niveau;
    if (jr_int(r, o, where, "niveau", 1, 1, DIAG_STEPS, 0, &niveau) < 0)
        return;
    if ((size_t)niveau != i + 1) {
        jr_error(r, where, "niveau", "les niveaux vont de 1 à 4, dans l'ordre");
        return;
    }
    struct diag_autonomie *a = &ref->autonomie[i];
    a->niveau = (int)niveau;
    jr_keys(r, o, where, keys);
    jr_text(r, o, where, "nom", 1, 200, &a->nom);
    jr_text(r, o, where, "description", 1, 600, &a->description);
    jr_strs(r, o, where, "modalites", 1, &a->modalites);
    jr_strs(r, o, where, "programmes", 1, &a->programmes);
    jr_strs(r, o, where, "services", 1, &a->services);
    json_t *e = jr_array(r, o, where, "etapes", 1, 8);
    if (!e)
        return;
    a->etapes = array_of(r, json_array_size(e), sizeof *a->etapes);
    if (!a->etapes)
        return;
    for (size_t k = 0; k < json_array_size(e); k++) {
        json_t *wrap = json_pack("{sO}", "etape", json_array_get(e, k));
        if (wrap && jr_text(r, wrap, where, "etape", 1, 600, &a->etapes[a->netapes]) == 0)
            a->netapes++;
        json_decref(wrap);
    }
}

static void read_frein(struct jread *r, json_t *o, struct diag_frein *f, size_t i)
{
    static const char *const keys[] = {"id", "grave", "nom", "conseil", "services",
                                       "prise_en_charge", NULL};
    char where[96];
    snprintf(where, sizeof where, "frein n° %zu", i + 1);
    if (!json_is_object(o)) {
        jr_error(r, where, NULL, "doit être un objet");
        return;
    }
    f->id = jr_ident(r, o, where, "id", 32);
    if (f->id)
        snprintf(where, sizeof where, "frein « %s »", f->id);
    jr_keys(r, o, where, keys);
    jr_bool(r, o, where, "grave", &f->grave);
    jr_text(r, o, where, "nom", 1, 200, &f->nom);
    jr_text(r, o, where, "conseil", 1, 600, &f->conseil);
    jr_strs(r, o, where, "services", 1, &f->services);
    jr_strs(r, o, where, "prise_en_charge", 1, &f->prise_en_charge);
}

/* Besoins and attitudes: {id, nom[, services]}. */
static void read_named(struct jread *r, json_t *o, const char *kind, size_t i, const char **id,
                       struct diag_text *nom, struct diag_strs *services)
{
    static const char *const with[] = {"id", "nom", "services", NULL};
    static const char *const without[] = {"id", "nom", NULL};
    char where[96];
    snprintf(where, sizeof where, "%s n° %zu", kind, i + 1);
    if (!json_is_object(o)) {
        jr_error(r, where, NULL, "doit être un objet");
        return;
    }
    *id = jr_ident(r, o, where, "id", 32);
    if (*id)
        snprintf(where, sizeof where, "%s « %s »", kind, *id);
    jr_keys(r, o, where, services ? with : without);
    jr_text(r, o, where, "nom", 1, 200, nom);
    if (services)
        jr_strs(r, o, where, "services", 1, services);
}

static void check_unique(struct jread *r, const char *kind, const char *const *ids, size_t n)
{
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < i; k++)
            if (ids[i] && ids[k] && strcmp(ids[i], ids[k]) == 0)
                jr_error(r, kind, "id", "« %s » apparaît deux fois", ids[i]);
}

static void read_niveaux(struct jread *r, json_t *root, struct diag_ref *ref)
{
    json_t *nv = jr_array(r, root, NULL, "niveaux", DIAG_LEVELS + 1, DIAG_LEVELS + 1);
    for (size_t i = 0; nv && i < json_array_size(nv); i++) {
        static const char *const keys[] = {"niveau", "pix", "digcomp", "nom", NULL};
        json_t *o = json_array_get(nv, i);
        char where[48];
        snprintf(where, sizeof where, "niveau n° %zu", i + 1);
        if (!json_is_object(o)) {
            jr_error(r, where, NULL, "doit être un objet");
            continue;
        }
        long n, pix;
        jr_keys(r, o, where, keys);
        if (jr_int(r, o, where, "niveau", 1, 0, DIAG_LEVELS, 0, &n) == 0 && (size_t)n != i)
            jr_error(r, where, "niveau", "les niveaux vont de 0 à 3, dans l'ordre");
        jr_int(r, o, where, "pix", 1, 0, 8, 0, &pix);
        ref->niveaux[i].pix = (int)pix;
        json_t *dc = json_object_get(o, "digcomp");
        if (!json_is_string(dc))
            jr_error(r, where, "digcomp", "doit être un texte (vide pour le niveau 0)");
        else
            ref->niveaux[i].digcomp = arena_strdup(r->arena, json_string_value(dc));
        jr_text(r, o, where, "nom", 1, 100, &ref->niveaux[i].nom);
    }
}

struct diag_ref *diag_ref_parse(const char *text, size_t len, const char *file,
                                struct buf *errors)
{
    struct diag_ref *ref = calloc(1, sizeof *ref);
    if (!ref) {
        buf_printf(errors, "%s: mémoire insuffisante\n", file);
        return NULL;
    }
    struct jread r = {.file = file, .errors = errors, .arena = &ref->arena,
                      .langs = (1u << DIAG_NLANG) - 1};
    json_t *root = jr_load(&r, text, len);
    if (!root) {
        diag_ref_free(ref);
        return NULL;
    }
    static const char *const keys[] = {"format", "version", "sources", "niveaux", "domaines",
                                       "autonomie", "freins", "besoins", "attitudes", NULL};
    jr_keys(&r, root, NULL, keys);
    const char *format = jr_string(&r, root, NULL, "format", 1, 64);
    if (format && strcmp(format, "passerelle-diagnostic-referentiel") != 0)
        jr_error(&r, NULL, "format", "doit valoir « passerelle-diagnostic-referentiel »");
    ref->version = jr_ident(&r, root, NULL, "version", 32);
    read_niveaux(&r, root, ref);

    json_t *a = jr_array(&r, root, NULL, "domaines", 1, DIAG_MAX_DOMAINES);
    if (a && (ref->domaines = array_of(&r, json_array_size(a), sizeof *ref->domaines))) {
        ref->ndomaines = json_array_size(a);
        for (size_t i = 0; i < ref->ndomaines; i++)
            read_domaine(&r, json_array_get(a, i), &ref->domaines[i], i);
    }
    a = jr_array(&r, root, NULL, "autonomie", DIAG_STEPS, DIAG_STEPS);
    for (size_t i = 0; a && i < DIAG_STEPS; i++)
        read_autonomie(&r, json_array_get(a, i), ref, i);
    a = jr_array(&r, root, NULL, "freins", 1, DIAG_MAX_TAGS);
    if (a && (ref->freins = array_of(&r, json_array_size(a), sizeof *ref->freins))) {
        ref->nfreins = json_array_size(a);
        for (size_t i = 0; i < ref->nfreins; i++)
            read_frein(&r, json_array_get(a, i), &ref->freins[i], i);
    }
    a = jr_array(&r, root, NULL, "besoins", 1, DIAG_MAX_TAGS);
    if (a && (ref->besoins = array_of(&r, json_array_size(a), sizeof *ref->besoins))) {
        ref->nbesoins = json_array_size(a);
        for (size_t i = 0; i < ref->nbesoins; i++)
            read_named(&r, json_array_get(a, i), "besoin", i, &ref->besoins[i].id,
                       &ref->besoins[i].nom, &ref->besoins[i].services);
    }
    a = jr_array(&r, root, NULL, "attitudes", 1, DIAG_MAX_TAGS);
    if (a && (ref->attitudes = array_of(&r, json_array_size(a), sizeof *ref->attitudes))) {
        ref->nattitudes = json_array_size(a);
        for (size_t i = 0; i < ref->nattitudes; i++)
            read_named(&r, json_array_get(a, i), "attitude", i, &ref->attitudes[i].id,
                       &ref->attitudes[i].nom, NULL);
    }
    json_decref(root);

    const char *ids[DIAG_MAX_TAGS];
    for (size_t i = 0; i < ref->ndomaines; i++)
        ids[i] = ref->domaines[i].id;
    check_unique(&r, "domaines", ids, ref->ndomaines);
    for (size_t i = 0; i < ref->nfreins; i++)
        ids[i] = ref->freins[i].id;
    check_unique(&r, "freins", ids, ref->nfreins);
    for (size_t i = 0; i < ref->nbesoins; i++)
        ids[i] = ref->besoins[i].id;
    check_unique(&r, "besoins", ids, ref->nbesoins);
    for (size_t i = 0; i < ref->nattitudes; i++)
        ids[i] = ref->attitudes[i].id;
    check_unique(&r, "attitudes", ids, ref->nattitudes);
    if (r.nerrors) {
        diag_ref_free(ref);
        return NULL;
    }
    return ref;
}

void diag_ref_free(struct diag_ref *r)
{
    if (!r)
        return;
    arena_free(&r->arena);
    free(r);
}

#define FIND(arr, n, id)                                                                      \
    do {                                                                                      \
        for (size_t i_ = 0; id && i_ < (n); i_++)                                             \
            if ((arr)[i_].id && strcmp((arr)[i_].id, id) == 0)                                \
                return (int)i_;                                                               \
        return -1;                                                                            \
    } while (0)

int diag_ref_domaine(const struct diag_ref *r, const char *id)
{
    FIND(r->domaines, r->ndomaines, id);
}

int diag_ref_frein(const struct diag_ref *r, const char *id)
{
    FIND(r->freins, r->nfreins, id);
}

int diag_ref_besoin(const struct diag_ref *r, const char *id)
{
    FIND(r->besoins, r->nbesoins, id);
}

int diag_ref_attitude(const struct diag_ref *r, const char *id)
{
    FIND(r->attitudes, r->nattitudes, id);
}

const struct diag_competence *diag_ref_competence(const struct diag_ref *r, int d, const char *id)
{
    if (d < 0 || (size_t)d >= r->ndomaines || !id)
        return NULL;
    const struct diag_domaine *dom = &r->domaines[d];
    for (size_t i = 0; i < dom->ncompetences; i++)
        if (dom->competences[i].id && strcmp(dom->competences[i].id, id) == 0)
            return &dom->competences[i];
    return NULL;
}
