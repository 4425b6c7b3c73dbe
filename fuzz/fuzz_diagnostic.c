/* fuzz_diagnostic.c - libFuzzer target for the diagnostic's parsers. The
 * first byte of the input chooses the parser, the rest is its input:
 *   0  a question bank (diag_bank_parse against the shipped referential);
 *      a bank that parses is then walked by the engine with answers drawn
 *      from the remaining bytes, and scored;
 *   1  the offline mode's submission body (diag_sync_parse);
 *   2  a multipart/form-data body (multipart_find);
 *   3  a referential (diag_ref_parse);
 *   4  a professional's stored observations (diag_observation_parse).
 * Besides "no crash, no leak, no undefined behaviour", checks that every
 * refusal says why (an error line) and that the engine never asks more
 * than questions_max questions. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diagnostic/bank.h"
#include "diagnostic/engine.h"
#include "diagnostic/scoring.h"
#include "diagnostic/session.h"
#include "diagnostic/sync.h"
#include "embedded.h"
#include "web/multipart.h"

static struct diag_ref *ref; /* the shipped referential, parsed once */

static const struct embedded_file *file(const char *name)
{
    for (size_t i = 0; i < embedded_count; i++)
        if (strcmp(embedded_files[i].name, name) == 0)
            return &embedded_files[i];
    return NULL;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    const struct embedded_file *f = file("data/diagnostic/referentiel.json");
    struct buf err = BUF_INIT;
    ref = f ? diag_ref_parse((const char *)f->data, f->len, "referentiel.json", &err) : NULL;
    buf_free(&err);
    if (!ref)
        abort();
    return 0;
}

static void walk_bank(const struct diag_bank *b, const uint8_t *bits, size_t n)
{
    struct diag_answer a[DIAG_MAX_ASKED];
    int k = 0;
    for (size_t i = 0; k < DIAG_MAX_ASKED; i++) {
        struct diag_walk w;
        if (diag_walk(b, a, k, &w) != 0)
            abort(); /* the engine's own answers are always in order */
        if (w.next == DIAG_END)
            break;
        a[k].q = w.next;
        a[k].mask = n ? bits[i % n] : 1;
        a[k].mask &= (1u << b->q[w.next].noptions) - 1;
        char why[160];
        if (!diag_answer_valid(b, &a[k], why, sizeof why))
            a[k].mask = 1; /* the first option is always a valid answer */
        k++;
    }
    if (k > b->questions_max)
        abort();
    struct diag_result r;
    diag_score(b, a, k, NULL, &r);
    if (r.autonomie < 1 || r.autonomie > DIAG_STEPS || r.score < 0 || r.score > 100)
        abort();
    struct diag_summary s;
    diag_summarize(b, a, k, &r, &s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const char *in = (const char *)data + 1;
    size_t n = size - 1;
    struct buf err = BUF_INIT;
    switch (data[0] % 5) {
    case 0: {
        struct diag_bank *b = diag_bank_parse(ref, in, n, "fuzz.json", &err);
        if (!b && !err.s)
            abort();
        if (b) {
            size_t half = n / 2;
            walk_bank(b, data + 1 + half, n - half);
        }
        diag_bank_free(b);
        break;
    }
    case 1: {
        static struct diag_sync sy;
        char why[256];
        if (diag_sync_parse(in, n, &sy, why, sizeof why) < 0 && !why[0])
            abort();
        break;
    }
    case 2: {
        struct multipart_part p;
        int r = multipart_find("multipart/form-data; boundary=xyz", in, n, "fichier", &p);
        if (r == 1 && (p.data < in || p.data + p.len > in + n))
            abort();
        break;
    }
    case 3: {
        struct diag_ref *r = diag_ref_parse(in, n, "fuzz.json", &err);
        if (!r && !err.s)
            abort();
        diag_ref_free(r);
        break;
    }
    case 4: {
        char *text = malloc(n + 1);
        if (!text)
            return 0;
        memcpy(text, in, n);
        text[n] = 0;
        struct diag_observation o;
        diag_observation_parse(ref, text, &o);
        free(text);
        break;
    }
    }
    buf_free(&err);
    return 0;
}
