/* fuzz_horaires.c - libFuzzer target for the opening_hours parser and renderers.
 *
 * Besides "no crash, no leak", checks two properties and aborts when they
 * fail: the canonical OSM form parses back to itself, and
 * minutes_until_open() is 0 exactly when open_at() says open. Every input is
 * also fed to horaires_day_cell_to_osm(), whose successful output must parse
 * as the times of an OSM rule. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lieux/horaires.h"

static struct tm moment(int year, int mon, int mday, int wday, int hour, int min)
{
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    tm.tm_year = year - 1900;
    tm.tm_mon = mon;
    tm.tm_mday = mday;
    tm.tm_wday = wday;
    tm.tm_hour = hour;
    tm.tm_min = min;
    return tm;
}

static void check_round_trip(const struct horaires *h)
{
    char *s1 = horaires_to_osm(h);
    if (!s1)
        return;
    struct horaires_error err;
    struct horaires *again = horaires_parse(s1, &err);
    if (!again) {
        fprintf(stderr, "canonical form \"%s\" does not parse: %zu %s\n", s1, err.offset,
                err.reason);
        abort();
    }
    char *s2 = horaires_to_osm(again);
    if (s2 && strcmp(s1, s2) != 0) {
        fprintf(stderr, "round trip differs: \"%s\" then \"%s\"\n", s1, s2);
        abort();
    }
    free(s2);
    horaires_free(again);
    free(s1);
}

static void check_queries(const struct horaires *h)
{
    const struct tm moments[] = {
        moment(2024, 0, 8, 1, 10, 0),   /* Monday morning, week 2 */
        moment(2024, 0, 13, 6, 1, 30),  /* Saturday night, week 2 */
        moment(2020, 11, 30, 3, 9, 0),  /* Wednesday of week 53 */
        moment(2024, 6, 14, 0, 23, 59), /* Sunday in July */
        moment(2025, 11, 31, 3, 0, 0),  /* New Year's Eve, week 1 */
        moment(2024, 13, 40, 9, 30, -7),  /* fields out of range */
        moment(-5000, -30, -3, -8, -50, 100000),
        moment(2147483647 - 1, 2147483647, 2147483647, 2147483647, 2147483647, 2147483647),
    };
    for (size_t i = 0; i < sizeof moments / sizeof *moments; i++) {
        int open = horaires_open_at(h, &moments[i]);
        int until = horaires_minutes_until_open(h, &moments[i]);
        if ((open == 1) != (until == 0) || until < -1 || until > 8 * 24 * 60) {
            fprintf(stderr, "open_at %d but minutes_until_open %d\n", open, until);
            abort();
        }
    }
    for (int wday = -1; wday <= 7; wday++) {
        horaires_open_during(h, wday, 0, 720);
        horaires_open_during(h, wday, 720, 1440);
        horaires_open_during(h, wday, -5, 100000);
        horaires_open_during(h, wday, 600, 500);
    }
    free(horaires_to_french(h));
}

static void check_cell(const char *text)
{
    size_t sizes[] = {1, 8, 24, 256};
    for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
        char out[256];
        int r = horaires_day_cell_to_osm(text, out, sizes[i]);
        if (!memchr(out, 0, sizes[i]))
            abort();
        if (r == 0 && sizes[i] == 256) {
            char rule[300];
            snprintf(rule, sizeof rule, "Mo %s", out);
            struct horaires *h = horaires_parse(rule, NULL);
            if (!h) {
                fprintf(stderr, "cell output \"%s\" does not parse\n", out);
                abort();
            }
            horaires_free(h);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    if (size)
        memcpy(text, data, size);
    text[size] = 0;

    struct horaires_error err;
    struct horaires *h = horaires_parse(text, &err);
    if (h) {
        check_queries(h);
        check_round_trip(h);
        horaires_free(h);
    } else if (!memchr(err.reason, 0, sizeof err.reason) || err.reason[0] == 0 ||
               err.offset > size) {
        abort();
    }
    check_cell(text);
    free(text);
    return 0;
}
