/* test_diagnostic.c - the diagnostic's referential, question bank, adaptive
 * engine and scoring (src/diagnostic/), on the shipped data files.
 *
 *   - the referential and bank v1 parse, in the three languages;
 *   - broken banks are refused with the file, the question, the field and
 *     the rule (one line per problem, all of them);
 *   - written personas covering every autonomy step (and a serious
 *     barrier, barriers ruled out by another answer, needs) get the
 *     expected levels, step, barriers and summary;
 *   - on every one of the 4^5 = 1,024 possible true-level profiles, a
 *     consistent answerer is asked 13 to 20 questions, the estimate never
 *     exceeds the true level and equals it whenever the budget allows;
 *   - the engine refuses answers out of its order; answers round-trip. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "diagnostic/bank.h"
#include "diagnostic/engine.h"
#include "diagnostic/scoring.h"
#include "lieux/lieu.h"

static struct diag_ref *ref;
static struct diag_bank *bank;

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "cannot read %s (run from the project root)\n", path);
        exit(1);
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    if (!s || fread(s, 1, (size_t)n, f) != (size_t)n)
        exit(1);
    s[n] = 0;
    fclose(f);
    *len = (size_t)n;
    return s;
}

static void test_load(void)
{
    size_t len;
    char *text = slurp("data/diagnostic/referentiel.json", &len);
    struct buf err = BUF_INIT;
    ref = diag_ref_parse(text, len, "referentiel.json", &err);
    if (!ref)
        fprintf(stderr, "%s", err.s);
    CHECK(ref != NULL);
    free(text);
    buf_free(&err);
    if (!ref)
        exit(1);
    CHECK(ref->ndomaines == 5);
    /* every Pix competence 1.1 .. 5.2 exactly once, each mapped to DigComp */
    static const char *const pix[] = {"1.1", "1.2", "1.3", "2.1", "2.2", "2.3", "2.4", "3.1",
                                      "3.2", "3.3", "3.4", "4.1", "4.2", "4.3", "5.1", "5.2"};
    for (size_t i = 0; i < sizeof pix / sizeof *pix; i++) {
        int found = 0;
        for (size_t d = 0; d < ref->ndomaines; d++) {
            const struct diag_competence *c = diag_ref_competence(ref, (int)d, pix[i]);
            if (c) {
                found++;
                CHECK(c->digcomp.n >= 1);
                CHECK(strncmp(c->id, ref->domaines[d].pix, 1) == 0);
            }
        }
        CHECK(found == 1);
    }
    for (int k = 0; k < DIAG_STEPS; k++) {
        CHECK(ref->autonomie[k].niveau == k + 1);
        CHECK(ref->autonomie[k].netapes >= 1);
        for (int l = 0; l < DIAG_NLANG; l++)
            CHECK(ref->autonomie[k].nom.t[l] != NULL);
    }
    text = slurp("data/diagnostic/questions-v1.json", &len);
    buf_reset(&err);
    bank = diag_bank_parse(ref, text, len, "questions-v1.json", &err);
    if (!bank)
        fprintf(stderr, "%s", err.s);
    CHECK(bank != NULL);
    free(text);
    buf_free(&err);
    if (!bank)
        exit(1);
    CHECK_STR(bank->version, "1");
    CHECK(bank->langs == 7);
    CHECK(bank->questions_max == 20);
    CHECK(bank->navant + bank->napres == 8);
    for (int i = 0; i < bank->nq; i++)
        for (int l = 0; l < DIAG_NLANG; l++) {
            CHECK(bank->q[i].texte.t[l] != NULL);
            for (int k = 0; k < bank->q[i].noptions; k++)
                CHECK(bank->q[i].options[k].texte.t[l] != NULL);
        }
}

/* Every orientation value of the referential is a value of the national
 * standard's enumerations (services, accompaniment modes, specific
 * support, national programmes). */
static int standard_value(enum lieu_field f, const char *v)
{
    for (const char *const *x = lieu_field_info(f)->values; x && *x; x++)
        if (strcmp(*x, v) == 0)
            return 1;
    fprintf(stderr, "  not a value of %s: %s\n", lieu_field_info(f)->name, v);
    return 0;
}

static void check_values(enum lieu_field f, const struct diag_strs *l)
{
    for (size_t i = 0; i < l->n; i++)
        CHECK(standard_value(f, l->v[i]));
}

static void test_standard_values(void)
{
    for (size_t d = 0; d < ref->ndomaines; d++)
        check_values(LF_SERVICES, &ref->domaines[d].services);
    for (int k = 0; k < DIAG_STEPS; k++) {
        check_values(LF_SERVICES, &ref->autonomie[k].services);
        check_values(LF_MODALITES_ACCOMPAGNEMENT, &ref->autonomie[k].modalites);
        check_values(LF_DISPOSITIF_PROGRAMMES_NATIONAUX, &ref->autonomie[k].programmes);
    }
    for (size_t i = 0; i < ref->nfreins; i++) {
        check_values(LF_SERVICES, &ref->freins[i].services);
        check_values(LF_PRISE_EN_CHARGE_SPECIFIQUE, &ref->freins[i].prise_en_charge);
    }
    for (size_t i = 0; i < ref->nbesoins; i++)
        check_values(LF_SERVICES, &ref->besoins[i].services);
    /* every need and barrier of the referential can be declared in bank v1 */
    uint64_t freins = 0, besoins = 0;
    for (int i = 0; i < bank->nq; i++)
        for (int k = 0; k < bank->q[i].noptions; k++) {
            freins |= bank->q[i].options[k].freins;
            besoins |= bank->q[i].options[k].besoins;
        }
    CHECK(freins == (((uint64_t)1 << ref->nfreins) - 1));
    CHECK(besoins == (((uint64_t)1 << ref->nbesoins) - 1));
}

/* A bank text with `from` replaced by `to` (once). */
static char *patched(const char *from, const char *to)
{
    size_t len;
    char *text = slurp("data/diagnostic/questions-v1.json", &len);
    char *p = strstr(text, from);
    if (!p) {
        fprintf(stderr, "patch target not found: %s\n", from);
        exit(1);
    }
    size_t fl = strlen(from), tl = strlen(to);
    char *out = malloc(len - fl + tl + 1);
    memcpy(out, text, (size_t)(p - text));
    memcpy(out + (p - text), to, tl);
    strcpy(out + (p - text) + tl, p + fl);
    free(text);
    return out;
}

/* The bank patched must be refused with a message containing each of the
 * NULL-terminated `want` strings. */
static void refused(const char *from, const char *to, const char *const *want)
{
    char *text = patched(from, to);
    struct buf err = BUF_INIT;
    struct diag_bank *b = diag_bank_parse(ref, text, strlen(text), "essai.json", &err);
    CHECK(b == NULL);
    for (const char *const *w = want; *w; w++) {
        int ok = err.s && strstr(err.s, *w) != NULL;
        CHECK(ok);
        if (!ok)
            fprintf(stderr, "  wanted \"%s\" in:\n%s", *w, err.s ? err.s : "(nothing)");
    }
    CHECK(err.s && strncmp(err.s, "essai.json: ", 12) == 0);
    diag_bank_free(b);
    buf_free(&err);
    free(text);
}

static void test_validation(void)
{
    refused("\"niveau\": 1, \"competences\": [\"5.2\"]", "\"niveau\": 4, \"competences\": [\"5.2\"]",
            (const char *const[]){"question « appareil-1 »", "champ « niveau »",
                                  "nombre entier de 1 à 3", NULL});
    refused("\"niveau\": 1, \"competences\": [\"5.2\"]", "\"niveau\": 1, \"competences\": [\"1.1\"]",
            (const char *const[]){"question « appareil-1 »", "champ « competences »",
                                  "« 1.1 » n'est pas une compétence du domaine « appareil »", NULL});
    refused("{\"id\": \"b\", \"texte\": {\"fr\": \"J'enlève la carte SIM.\"",
            "{\"id\": \"b\", \"bonne\": true, \"texte\": {\"fr\": \"J'enlève la carte SIM.\"",
            (const char *const[]){"question « appareil-1 »", "une seule bonne réponse", NULL});
    refused("\"en\": \"Which devices do you have?\", ", "",
            (const char *const[]){"question « materiel »", "champ « texte »",
                                  "la traduction « en » manque", NULL});
    refused("\"freins\": [\"materiel\"], \"exclusif\": true", "\"freins\": [\"materiau\"], \"exclusif\": true",
            (const char *const[]){"option « aucun »", "champ « freins »",
                                  "« materiau » n'existe pas dans le référentiel", NULL});
    refused("\"moment\": \"avant\", \"multiple\": true,", "\"moment\": \"pendant\", \"multiple\": true, \"couleur\": 1,",
            (const char *const[]){"champ « moment »", "« avant » ou « apres »",
                                  "champ « couleur »", "champ inconnu", NULL});
    refused("\"id\": \"appareil-3\"", "\"id\": \"appareil-2\"",
            (const char *const[]){"la question « appareil-2 » apparaît deux fois", NULL});
    refused("\"domaine\": \"appareil\", \"niveau\": 3", "\"domaine\": \"appareil\", \"niveau\": 2",
            (const char *const[]){"le domaine « appareil » n'a pas de question de niveau 3", NULL});
    refused("\"questions_max\": 20", "\"questions_max\": 12",
            (const char *const[]){"plus que questions_max (12)", NULL});
    refused("\"referentiel\": \"2026.1\"", "\"referentiel\": \"2020.1\"",
            (const char *const[]){"champ « referentiel »", "« 2020.1 »", NULL});
    refused("\"format\": \"passerelle-diagnostic-questions\",", "\"format\": \"passerelle-diagnostic-questions\", \"format\": 2,",
            (const char *const[]){"JSON invalide", NULL});
    refused("{\"id\": \"oui\", \"texte\"", "{\"id\": \"Oui !\", \"texte\"",
            (const char *const[]){"identifiant invalide « Oui ! »", NULL});
    /* several problems: all reported */
    char *two = patched("\"niveau\": 1, \"competences\": [\"5.2\"]", "\"niveau\": 9, \"competences\": [\"9.9\"]");
    struct buf err = BUF_INIT;
    CHECK(diag_bank_parse(ref, two, strlen(two), "deux.json", &err) == NULL);
    int lines = 0;
    for (const char *p = err.s; p && *p; p++)
        lines += *p == '\n';
    CHECK(lines >= 2);
    buf_free(&err);
    free(two);
}

/* ---- personas ---- */

struct persona {
    const char *name;
    const char *profil[8][2];   /* question id, option ids ("a|b") */
    int niveau[5];              /* true level per domain, referential order */
    int nsp;                    /* wrong answers are "je ne sais pas" */
    int step;                   /* expected autonomy step */
    const char *freins;         /* expected barriers, space-separated, sorted as ref */
};

static const char *profile_answer(const struct persona *p, const char *qid)
{
    for (int i = 0; i < 8 && p->profil[i][0]; i++)
        if (strcmp(p->profil[i][0], qid) == 0)
            return p->profil[i][1];
    return NULL;
}

/* Run the engine with a consistent answerer; returns the number of answers. */
static int simulate(const struct diag_bank *b, const int *niveau, int nsp, const struct persona *p,
                    struct diag_answer *a)
{
    int n = 0;
    for (;;) {
        struct diag_walk w;
        if (diag_walk(b, a, n, &w) != 0 || w.next == DIAG_END || n >= DIAG_MAX_ASKED)
            break;
        const struct diag_question *q = &b->q[w.next];
        a[n].q = w.next;
        a[n].mask = 0;
        if (q->type == DQ_PROFIL) {
            const char *v = p ? profile_answer(p, q->id) : NULL;
            if (!v || diag_answer_parse(b, w.next, v, &a[n]) < 0)
                a[n].mask = 1; /* first option */
        } else if (q->niveau <= niveau[q->domaine]) {
            a[n].mask = 1u << q->bonne;
        } else if (!nsp) {
            a[n].mask = q->bonne == 0 ? 2u : 1u;
        }
        char why[160];
        CHECK(diag_answer_valid(b, &a[n], why, sizeof why));
        n++;
    }
    return n;
}

static const struct persona personas[] = {
    {"Mme Aubert, 81 ans, sans appareil ni internet",
     {{"materiel", "aucun"}, {"connexion", "nulle_part"}, {"confiance", "jamais"},
      {"langue", "oui"}, {"lecture", "facile"}, {"handicap", "voir"}, {"aide", "proches"},
      {"besoins", "demarches"}},
     {0, 0, 0, 0, 0}, 1, 1, "materiel connexion_domicile connexion_mobile handicap_vue"},
    {"M. Benali, parle surtout une autre langue, smartphone",
     {{"materiel", "smartphone"}, {"connexion", "telephone"}, {"confiance", "un_peu_inquiet"},
      {"langue", "autre"}, {"lecture", "parfois_difficile"}, {"handicap", "aucune"},
      {"aide", "personne"}, {"besoins", "demarches|bases"}},
     {2, 1, 1, 0, 0}, 0, 1, "connexion_domicile langue lecture_ecriture isolement"},
    {"Mme Colin, débutante, téléphone et box",
     {{"materiel", "smartphone|telephone_simple"}, {"connexion", "maison|telephone"},
      {"confiance", "peur"}, {"langue", "oui"}, {"lecture", "facile"},
      {"handicap", "sans_reponse"}, {"aide", "proches"}, {"besoins", "arnaques"}},
     {1, 1, 1, 0, 1}, 1, 2, "confiance"},
    {"M. Dupuis, presque autonome, ordinateur",
     {{"materiel", "ordinateur|smartphone"}, {"connexion", "maison"}, {"confiance", "a_l_aise"},
      {"langue", "oui"}, {"lecture", "facile"}, {"handicap", "aucune"}, {"aide", "seul"},
      {"besoins", "emploi"}},
     {3, 2, 2, 1, 2}, 0, 3, ""},
    {"Mme Eymard, autonome mais exposée aux arnaques",
     {{"materiel", "ordinateur|smartphone|tablette"}, {"connexion", "maison|telephone"},
      {"confiance", "a_l_aise"}, {"langue", "oui"}, {"lecture", "facile"},
      {"handicap", "aucune"}, {"aide", "seul"}, {"besoins", "arnaques"}},
     {3, 3, 3, 1, 3}, 0, 3, ""},
    {"M. Faure, autonome",
     {{"materiel", "ordinateur|smartphone"}, {"connexion", "maison|telephone"},
      {"confiance", "a_l_aise"}, {"langue", "oui"}, {"lecture", "facile"},
      {"handicap", "bouger"}, {"aide", "seul"}, {"besoins", "rien"}},
     {3, 3, 3, 3, 2}, 0, 4, "handicap_moteur"},
};

static void freins_text(const struct diag_result *r, char *out, size_t n)
{
    out[0] = 0;
    for (size_t i = 0; i < ref->nfreins; i++)
        if (r->freins >> i & 1)
            snprintf(out + strlen(out), n - strlen(out), "%s%s", out[0] ? " " : "", ref->freins[i].id);
}

static void test_personas(void)
{
    for (size_t k = 0; k < sizeof personas / sizeof *personas; k++) {
        const struct persona *p = &personas[k];
        struct diag_answer a[DIAG_MAX_ASKED];
        int n = simulate(bank, p->niveau, p->nsp, p, a);
        struct diag_walk w;
        CHECK(diag_walk(bank, a, n, &w) == 0 && w.next == DIAG_END);
        CHECK(n >= 10 && n <= 20);
        struct diag_result r;
        diag_score(bank, a, n, NULL, &r);
        int same = 1;
        for (int d = 0; d < 5; d++)
            same &= r.niveau[d] == p->niveau[d];
        CHECK(same);
        CHECK(r.autonomie == p->step);
        char fr[512];
        freins_text(&r, fr, sizeof fr);
        CHECK_STR(fr, p->freins);
        if (!same || r.autonomie != p->step)
            fprintf(stderr, "  persona %s: step %d (want %d), %d questions\n", p->name,
                    r.autonomie, p->step, n);
        struct diag_summary s;
        diag_summarize(bank, a, n, &r, &s);
        int total = 0;
        for (int d = 0; d < 5; d++)
            total += p->niveau[d];
        CHECK(s.nacquis == total);
        int below = 0;
        for (int d = 0; d < 5; d++)
            below += p->niveau[d] < 3;
        CHECK(s.napprendre == below);
        printf("persona: %-52s %2d questions, score %3d, step %d\n", p->name, n, r.score,
               r.autonomie);
    }
    /* every step is covered by a persona */
    for (int step = 1; step <= 4; step++) {
        int seen = 0;
        for (size_t k = 0; k < sizeof personas / sizeof *personas; k++)
            seen |= personas[k].step == step;
        CHECK(seen);
    }
}

/* Every true-level profile: bounds, conservative and (mostly) exact. */
static void test_all_profiles(void)
{
    int exact = 0, total = 0, minq = 99, maxq = 0, over = 0, wrong_when_budget = 0;
    long sumq = 0;
    for (int code = 0; code < 1024; code++) {
        int niveau[5];
        for (int d = 0, c = code; d < 5; d++, c /= 4)
            niveau[d] = c % 4;
        for (int nsp = 0; nsp < 2; nsp++) {
            struct diag_answer a[DIAG_MAX_ASKED];
            int n = simulate(bank, niveau, nsp, NULL, a);
            struct diag_result r;
            diag_score(bank, a, n, NULL, &r);
            int ok = 1, skills = 0;
            for (int d = 0; d < 5; d++) {
                if (r.niveau[d] > niveau[d])
                    over++;
                ok &= r.niveau[d] == niveau[d];
            }
            for (int i = 0; i < n; i++)
                skills += bank->q[a[i].q].type == DQ_COMPETENCE;
            /* the budget was not the limit: the estimate must be exact */
            if (!ok && skills < bank->questions_max - bank->navant - bank->napres)
                wrong_when_budget++;
            exact += ok;
            total++;
            minq = n < minq ? n : minq;
            maxq = n > maxq ? n : maxq;
            sumq += n;
        }
    }
    CHECK(over == 0);
    CHECK(wrong_when_budget == 0);
    CHECK(minq >= 13 && maxq <= 20);
    CHECK(exact * 100 >= total * 95);
    printf("all profiles: %d/%d exact, %d..%d questions (mean %.1f)\n", exact, total, minq, maxq,
           (double)sumq / total);
}

static void test_walk_order(void)
{
    struct diag_answer a[DIAG_MAX_ASKED];
    int niveau[5] = {2, 2, 2, 2, 2};
    int n = simulate(bank, niveau, 0, &personas[3], a);
    struct diag_walk w;
    CHECK(diag_walk(bank, a, n, &w) == 0);
    /* swap two answers: refused at the first one out of place */
    struct diag_answer t = a[4];
    a[4] = a[5];
    a[5] = t;
    CHECK(diag_walk(bank, a, n, &w) == -1 && w.consumed == 4 && w.next == t.q);
    a[5] = a[4];
    a[4] = t;
    /* one answer too many */
    a[n] = a[0];
    CHECK(diag_walk(bank, a, n + 1, &w) == -1 && w.next == DIAG_END);
    /* the first question is the first "avant" profile question */
    CHECK(diag_walk(bank, a, 0, &w) == 0 && strcmp(bank->q[w.next].id, "materiel") == 0);
    /* "depart" from the confidence question: at ease starts at level 2 */
    for (int i = 0; i < 3; i++)
        CHECK(diag_walk(bank, a, i, &w) == 0);
    CHECK(diag_walk(bank, a, 3, &w) == 0 && bank->q[w.next].niveau == 2);
    /* answers round-trip through their stored form */
    for (int i = 0; i < n; i++) {
        struct buf v = BUF_INIT;
        diag_answer_format(bank, &a[i], &v);
        struct diag_answer back;
        CHECK(diag_answer_parse(bank, a[i].q, v.s, &back) == 0 && back.mask == a[i].mask);
        buf_free(&v);
    }
    struct diag_answer bad;
    CHECK(diag_answer_parse(bank, 0, "smartphone|licorne", &bad) == -1);
    /* validity */
    char why[160];
    int qm = diag_bank_question(bank, "materiel");
    struct diag_answer x = {qm, 0};
    CHECK(!diag_answer_valid(bank, &x, why, sizeof why));
    diag_answer_parse(bank, qm, "smartphone|aucun", &x);
    CHECK(!diag_answer_valid(bank, &x, why, sizeof why) && strstr(why, "Aucun appareil"));
    int qc = diag_bank_question(bank, "confiance");
    diag_answer_parse(bank, qc, "a_l_aise|peur", &x);
    CHECK(!diag_answer_valid(bank, &x, why, sizeof why));
    int qs = diag_bank_question(bank, "securite-1");
    x = (struct diag_answer){qs, 0};
    CHECK(diag_answer_valid(bank, &x, why, sizeof why)); /* je ne sais pas */
    x.mask = 1u << 20;
    CHECK(!diag_answer_valid(bank, &x, why, sizeof why));
}

static void test_scoring_rules(void)
{
    int lv[5];
    /* thresholds on the mean level */
    memcpy(lv, (int[]){0, 0, 0, 1, 1}, sizeof lv);
    CHECK(diag_autonomie(lv, 5, 0) == 1); /* mean 0.4 */
    memcpy(lv, (int[]){0, 0, 1, 1, 1}, sizeof lv);
    CHECK(diag_autonomie(lv, 5, 0) == 2); /* mean 0.6 */
    CHECK(diag_autonomie(lv, 5, 1) == 1); /* serious barrier */
    memcpy(lv, (int[]){1, 1, 2, 2, 1}, sizeof lv);
    CHECK(diag_autonomie(lv, 5, 0) == 2); /* mean 1.4 */
    memcpy(lv, (int[]){2, 2, 2, 1, 1}, sizeof lv);
    CHECK(diag_autonomie(lv, 5, 1) == 3); /* mean 1.6: a serious barrier does not lower 3 */
    memcpy(lv, (int[]){3, 3, 3, 3, 1}, sizeof lv);
    CHECK(diag_autonomie(lv, 5, 0) == 3); /* mean 2.6 but one domain below 2 */
    memcpy(lv, (int[]){3, 3, 2, 3, 2}, sizeof lv);
    CHECK(diag_autonomie(lv, 5, 0) == 4);
    /* an observation replaces a domain's level; an override keeps both */
    struct diag_answer a[DIAG_MAX_ASKED];
    int niveau[5] = {1, 1, 1, 1, 1};
    int n = simulate(bank, niveau, 0, &personas[2], a);
    struct diag_observation o;
    diag_observation_none(&o);
    o.niveau[3] = 3;
    o.autonomie = 3;
    o.motif = "observé en atelier";
    struct diag_result r;
    diag_score(bank, a, n, &o, &r);
    CHECK(r.niveau[3] == 3 && r.reponses[3] == 1);
    CHECK(r.autonomie_calculee == 2 && r.autonomie == 3 && r.ajuste);
    CHECK(r.score == (200 * 7 + 15) / 30);
}

int main(void)
{
    RUN(test_load);
    RUN(test_standard_values);
    RUN(test_validation);
    RUN(test_personas);
    RUN(test_all_profiles);
    RUN(test_walk_order);
    RUN(test_scoring_rules);
    diag_bank_free(bank);
    diag_ref_free(ref);
    return CHECK_DONE();
}
