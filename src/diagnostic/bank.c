/* bank.c - reading and checking a question bank (see bank.h). */
#include "diagnostic/bank.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diagnostic/jread.h"

int diag_version_ok(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n > 32)
        return 0;
    for (const char *p = s; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              *p == '.' || *p == '_' || *p == '-'))
            return 0;
    return 1;
}

/* A list of referential ids (freins, exclut, besoins) as a bitmask. */
static uint64_t tags(struct jread *r, json_t *o, const char *where, const char *field,
                     const struct diag_ref *ref, int (*find)(const struct diag_ref *, const char *))
{
    struct diag_strs l;
    if (jr_strs(r, o, where, field, 0, &l) < 0)
        return 0;
    uint64_t m = 0;
    for (size_t i = 0; i < l.n; i++) {
        int k = find(ref, l.v[i]);
        if (k < 0)
            jr_error(r, where, field, "« %.60s » n'existe pas dans le référentiel", l.v[i]);
        else
            m |= (uint64_t)1 << k;
    }
    return m;
}

static void read_option(struct jread *r, json_t *o, const struct diag_ref *ref,
                        struct diag_question *q, struct diag_option *opt, int i)
{
    static const char *const keys[] = {"id", "texte", "bonne", "exclusif", "grave", "depart",
                                       "freins", "exclut", "besoins", NULL};
    char where[160];
    snprintf(where, sizeof where, "question « %s », option n° %d", q->id ? q->id : "?", i + 1);
    if (!json_is_object(o)) {
        jr_error(r, where, NULL, "doit être un objet");
        return;
    }
    opt->id = jr_ident(r, o, where, "id", 32);
    if (opt->id)
        snprintf(where, sizeof where, "question « %s », option « %s »", q->id ? q->id : "?",
                 opt->id);
    jr_keys(r, o, where, keys);
    jr_text(r, o, where, "texte", 1, 300, &opt->texte);
    jr_bool(r, o, where, "bonne", &opt->bonne);
    jr_bool(r, o, where, "exclusif", &opt->exclusif);
    jr_bool(r, o, where, "grave", &opt->grave);
    long depart;
    jr_int(r, o, where, "depart", 0, 1, DIAG_LEVELS, 0, &depart);
    opt->depart = (int)depart;
    opt->freins = tags(r, o, where, "freins", ref, diag_ref_frein);
    opt->exclut = tags(r, o, where, "exclut", ref, diag_ref_frein);
    opt->besoins = tags(r, o, where, "besoins", ref, diag_ref_besoin);
    if (q->type == DQ_COMPETENCE) {
        static const char *const profile_only[] = {"exclusif", "grave", "depart", "freins",
                                                   "exclut", "besoins"};
        for (size_t k = 0; k < sizeof profile_only / sizeof *profile_only; k++)
            if (json_object_get(o, profile_only[k]))
                jr_error(r, where, profile_only[k],
                         "réservé aux questions de profil (type « profil »)");
    } else {
        if (json_object_get(o, "bonne"))
            jr_error(r, where, "bonne", "réservé aux questions de compétence");
        if (opt->exclusif && !q->multiple)
            jr_error(r, where, "exclusif", "n'a de sens que si « multiple » vaut true");
        if (opt->freins & opt->exclut)
            jr_error(r, where, "exclut", "un frein ne peut pas être ajouté et exclu à la fois");
    }
}

static void read_question(struct jread *r, json_t *o, const struct diag_ref *ref,
                          struct diag_question *q, int i)
{
    static const char *const keys[] = {"id", "type", "moment", "multiple", "domaine", "niveau",
                                       "competences", "texte", "aide", "acquis", "options",
                                       NULL};
    char where[96];
    snprintf(where, sizeof where, "question n° %d", i + 1);
    q->domaine = -1;
    if (!json_is_object(o)) {
        jr_error(r, where, NULL, "doit être un objet");
        return;
    }
    q->id = jr_ident(r, o, where, "id", 40);
    if (q->id)
        snprintf(where, sizeof where, "question « %s »", q->id);
    jr_keys(r, o, where, keys);
    const char *type = jr_string(r, o, where, "type", 1, 16);
    if (type && strcmp(type, "profil") == 0) {
        q->type = DQ_PROFIL;
    } else if (type && strcmp(type, "competence") == 0) {
        q->type = DQ_COMPETENCE;
    } else {
        if (type)
            jr_error(r, where, "type", "doit valoir « profil » ou « competence »");
        return;
    }
    jr_text(r, o, where, "texte", 1, 400, &q->texte);
    jr_text(r, o, where, "aide", 0, 400, &q->aide);
    if (q->type == DQ_PROFIL) {
        const char *moment = jr_string(r, o, where, "moment", 1, 16);
        if (moment && strcmp(moment, "avant") != 0 && strcmp(moment, "apres") != 0)
            jr_error(r, where, "moment", "doit valoir « avant » ou « apres »");
        q->avant = moment && strcmp(moment, "avant") == 0;
        if (!json_object_get(o, "multiple"))
            jr_error(r, where, "multiple", "obligatoire (true ou false)");
        jr_bool(r, o, where, "multiple", &q->multiple);
        static const char *const comp_only[] = {"domaine", "niveau", "competences", "acquis"};
        for (size_t k = 0; k < sizeof comp_only / sizeof *comp_only; k++)
            if (json_object_get(o, comp_only[k]))
                jr_error(r, where, comp_only[k], "réservé aux questions de compétence");
    } else {
        const char *dom = jr_string(r, o, where, "domaine", 1, 32);
        if (dom && (q->domaine = diag_ref_domaine(ref, dom)) < 0)
            jr_error(r, where, "domaine", "« %.40s » n'existe pas dans le référentiel", dom);
        long niveau;
        if (jr_int(r, o, where, "niveau", 1, 1, DIAG_LEVELS, 0, &niveau) == 0)
            q->niveau = (int)niveau;
        if (jr_strs(r, o, where, "competences", 1, &q->competences) == 0 &&
            q->competences.n == 0)
            jr_error(r, where, "competences", "au moins une compétence (ex. « 4.1 »)");
        for (size_t k = 0; q->domaine >= 0 && k < q->competences.n; k++)
            if (!diag_ref_competence(ref, q->domaine, q->competences.v[k]))
                jr_error(r, where, "competences",
                         "« %.20s » n'est pas une compétence du domaine « %s »",
                         q->competences.v[k], ref->domaines[q->domaine].id);
        jr_text(r, o, where, "acquis", 1, 200, &q->acquis);
        static const char *const prof_only[] = {"moment", "multiple"};
        for (size_t k = 0; k < sizeof prof_only / sizeof *prof_only; k++)
            if (json_object_get(o, prof_only[k]))
                jr_error(r, where, prof_only[k], "réservé aux questions de profil");
    }
    json_t *opts = jr_array(r, o, where, "options", 2, DIAG_MAX_OPTIONS);
    if (!opts)
        return;
    q->options = arena_alloc(r->arena, json_array_size(opts) * sizeof *q->options);
    if (!q->options) {
        jr_error(r, where, NULL, "mémoire insuffisante");
        return;
    }
    q->noptions = (int)json_array_size(opts);
    int good = 0;
    q->bonne = -1;
    for (int k = 0; k < q->noptions; k++) {
        read_option(r, json_array_get(opts, (size_t)k), ref, q, &q->options[k], k);
        if (q->options[k].bonne) {
            good++;
            q->bonne = k;
        }
        for (int j = 0; j < k; j++)
            if (q->options[j].id && q->options[k].id &&
                strcmp(q->options[j].id, q->options[k].id) == 0)
                jr_error(r, where, "options", "l'option « %s » apparaît deux fois",
                         q->options[k].id);
        if (q->options[k].id && strcmp(q->options[k].id, "nsp") == 0)
            jr_error(r, where, "options", "« nsp » est réservé à « Je ne sais pas »");
    }
    if (q->type == DQ_COMPETENCE && good != 1)
        jr_error(r, where, "options", "une seule bonne réponse (« bonne »: true), il y en a %d",
                 good);
}

/* Each domain needs a question at each level, and the bank must fit the
 * limits of 10..questions_max questions asked. */
static void check_coverage(struct jread *r, struct diag_bank *b)
{
    const struct diag_ref *ref = b->ref;
    for (size_t d = 0; d < ref->ndomaines; d++)
        for (int lv = 1; lv <= DIAG_LEVELS; lv++) {
            int found = 0;
            for (int i = 0; i < b->nq && !found; i++)
                found = b->q[i].type == DQ_COMPETENCE && b->q[i].domaine == (int)d &&
                        b->q[i].niveau == lv;
            if (!found)
                jr_error(r, NULL, "questions",
                         "le domaine « %s » n'a pas de question de niveau %d", ref->domaines[d].id,
                         lv);
        }
    int fixed = b->navant + b->napres;
    int least = fixed + (int)ref->ndomaines;
    if (least > b->questions_max)
        jr_error(r, NULL, "questions_max",
                 "%d questions de profil et %zu domaines demandent au moins %d questions, plus "
                 "que questions_max (%d)",
                 fixed, ref->ndomaines, least, b->questions_max);
    if (least < DIAG_MIN_ASKED)
        jr_error(r, NULL, "questions",
                 "un diagnostic doit poser au moins %d questions : ajoutez des questions de "
                 "profil (il en pose au moins %d)",
                 DIAG_MIN_ASKED, least);
}

struct diag_bank *diag_bank_parse(const struct diag_ref *ref, const char *text, size_t len,
                                  const char *file, struct buf *errors)
{
    struct diag_bank *b = calloc(1, sizeof *b);
    if (!b) {
        buf_printf(errors, "%s: mémoire insuffisante\n", file);
        return NULL;
    }
    b->ref = ref;
    struct jread r = {.file = file, .errors = errors, .arena = &b->arena, .langs = 1u};
    json_t *root = jr_load(&r, text, len);
    if (!root) {
        diag_bank_free(b);
        return NULL;
    }
    static const char *const keys[] = {"format", "version", "referentiel", "langues",
                                       "questions_max", "description", "questions", NULL};
    jr_keys(&r, root, NULL, keys);
    const char *format = jr_string(&r, root, NULL, "format", 1, 64);
    if (format && strcmp(format, "passerelle-diagnostic-questions") != 0)
        jr_error(&r, NULL, "format", "doit valoir « passerelle-diagnostic-questions »");
    b->version = jr_string(&r, root, NULL, "version", 1, 32);
    if (b->version && !diag_version_ok(b->version))
        jr_error(&r, NULL, "version", "lettres, chiffres, « . », « _ » ou « - » seulement");
    const char *rv = jr_string(&r, root, NULL, "referentiel", 1, 32);
    if (rv && ref->version && strcmp(rv, ref->version) != 0)
        jr_error(&r, NULL, "referentiel", "« %s » : ce programme utilise le référentiel « %s »",
                 rv, ref->version);
    struct diag_strs langs;
    if (jr_strs(&r, root, NULL, "langues", 1, &langs) == 0) {
        b->langs = 0;
        for (size_t i = 0; i < langs.n; i++) {
            int l = diag_lang_parse(langs.v[i]);
            if (l < 0 || strlen(langs.v[i]) != 2)
                jr_error(&r, NULL, "langues", "« %.20s » : langues possibles fr, en, ar",
                         langs.v[i]);
            else
                b->langs |= 1u << l;
        }
        if (!(b->langs & 1u))
            jr_error(&r, NULL, "langues", "le français (« fr ») est obligatoire");
    }
    r.langs = b->langs | 1u;
    if (json_object_get(root, "description")) {
        struct diag_text ignored;
        jr_text(&r, root, NULL, "description", 0, 1000, &ignored);
    }
    long qmax;
    jr_int(&r, root, NULL, "questions_max", 1, DIAG_MIN_ASKED, DIAG_MAX_ASKED, 20, &qmax);
    b->questions_max = (int)qmax;
    json_t *qs = jr_array(&r, root, NULL, "questions", 1, DIAG_MAX_QUESTIONS);
    if (qs) {
        b->nq = (int)json_array_size(qs);
        b->q = arena_alloc(&b->arena, (size_t)b->nq * sizeof *b->q);
        if (!b->q) {
            jr_error(&r, NULL, NULL, "mémoire insuffisante");
            b->nq = 0;
        }
        for (int i = 0; i < b->nq; i++) {
            read_question(&r, json_array_get(qs, (size_t)i), ref, &b->q[i], i);
            if (b->q[i].type == DQ_PROFIL && b->q[i].avant)
                b->navant++;
            else if (b->q[i].type == DQ_PROFIL)
                b->napres++;
            for (int k = 0; k < i; k++)
                if (b->q[k].id && b->q[i].id && strcmp(b->q[k].id, b->q[i].id) == 0)
                    jr_error(&r, NULL, "questions", "la question « %s » apparaît deux fois",
                             b->q[i].id);
        }
        if (r.nerrors == 0)
            check_coverage(&r, b);
    }
    json_decref(root);
    if (r.nerrors) {
        diag_bank_free(b);
        return NULL;
    }
    return b;
}

void diag_bank_free(struct diag_bank *b)
{
    if (!b)
        return;
    arena_free(&b->arena);
    free(b);
}

int diag_bank_question(const struct diag_bank *b, const char *id)
{
    for (int i = 0; id && i < b->nq; i++)
        if (strcmp(b->q[i].id, id) == 0)
            return i;
    return -1;
}

int diag_bank_option(const struct diag_question *q, const char *id)
{
    for (int i = 0; id && i < q->noptions; i++)
        if (strcmp(q->options[i].id, id) == 0)
            return i;
    return -1;
}
