/* secret.c - primary and secondary suppression of small counts (see
 * secret.h). Each pass visits every group; a pass that suppresses nothing
 * ends the work. Every pass suppresses at least one more cell or stops, so
 * there are at most n passes (a few in practice). */
#include "territoires/secret.h"

/* Suppress one more cell of group g: the smallest non-zero published
 * child, else the parent when published. Returns 1 when a cell was
 * suppressed, 0 when none could be. */
static int cacher_un_de_plus(struct secret_table *t, size_t g)
{
    long best = -1;
    size_t bi = 0;
    for (size_t k = t->debut[g]; k < t->debut[g + 1]; k++) {
        size_t c = t->enfants[k];
        if (t->masque[c] || t->valeur[c] <= 0)
            continue;
        if (best < 0 || t->valeur[c] < best) {
            best = t->valeur[c];
            bi = c;
        }
    }
    if (best >= 0) {
        t->masque[bi] = 1;
        return 1;
    }
    if (!t->masque[t->parent[g]] && t->valeur[t->parent[g]] > 0) {
        t->masque[t->parent[g]] = 1;
        return 1;
    }
    return 0;
}

long secret_appliquer(struct secret_table *t, long seuil)
{
    for (size_t g = 0; g < t->ngroupes; g++) {
        if (t->parent[g] >= t->n || t->debut[g] > t->debut[g + 1])
            return -1;
        for (size_t k = t->debut[g]; k < t->debut[g + 1]; k++)
            if (t->enfants[k] >= t->n)
                return -1;
    }
    for (size_t i = 0; i < t->n; i++)
        t->masque[i] = t->valeur[i] > 0 && t->valeur[i] < seuil;
    int change = 1;
    while (change) {
        change = 0;
        for (size_t g = 0; g < t->ngroupes; g++) {
            for (;;) {
                int parent_cache = t->masque[t->parent[g]];
                long nb = parent_cache, somme = 0;
                for (size_t k = t->debut[g]; k < t->debut[g + 1]; k++) {
                    size_t c = t->enfants[k];
                    if (t->masque[c]) {
                        nb++;
                        somme += t->valeur[c];
                    }
                }
                int risque = nb == 1 || (!parent_cache && nb >= 2 && somme < seuil);
                if (!risque || !cacher_un_de_plus(t, g))
                    break;
                change = 1;
            }
        }
    }
    long n = 0;
    for (size_t i = 0; i < t->n; i++)
        n += t->masque[i];
    return n;
}
