/* test_horaires.c - OSM opening_hours: parsing, evaluation and rendering. */
#include "lieux/horaires.h"
#include "check.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Weekday (0 = Sunday) of a Gregorian date, computed here so tests do not
 * depend on the time zone. */
static int weekday(int y, int m, int d)
{
    static const int t[12] = {0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4};
    if (m < 3)
        y--;
    return (y + y / 4 - y / 100 + y / 400 + t[m - 1] + d) % 7;
}

static struct tm at(int y, int m, int d, int hh, int mm)
{
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    tm.tm_year = y - 1900;
    tm.tm_mon = m - 1;
    tm.tm_mday = d;
    tm.tm_hour = hh;
    tm.tm_min = mm;
    tm.tm_wday = weekday(y, m, d);
    return tm;
}

/* Is `text` open at the given local date and time? -1 when it does not parse. */
static int open_at(const char *text, int y, int m, int d, int hh, int mm)
{
    struct horaires *h = horaires_parse(text, NULL);
    if (!h)
        return -1;
    struct tm tm = at(y, m, d, hh, mm);
    int r = horaires_open_at(h, &tm);
    horaires_free(h);
    return r;
}

static int open_during(const char *text, int wday, int from, int to)
{
    struct horaires *h = horaires_parse(text, NULL);
    if (!h)
        return -1;
    int r = horaires_open_during(h, wday, from, to);
    horaires_free(h);
    return r;
}

static int until_open(const char *text, int y, int m, int d, int hh, int mm)
{
    struct horaires *h = horaires_parse(text, NULL);
    if (!h)
        return -2;
    struct tm tm = at(y, m, d, hh, mm);
    int r = horaires_minutes_until_open(h, &tm);
    horaires_free(h);
    return r;
}

/* Rendering helpers return a static copy so tests read as one line. */
static const char *render(const char *text, int french)
{
    static char out[1024];
    struct horaires_error err;
    struct horaires *h = horaires_parse(text, &err);
    if (!h) {
        snprintf(out, sizeof out, "ERROR at %zu: %s", err.offset, err.reason);
        return out;
    }
    char *s = french ? horaires_to_french(h) : horaires_to_osm(h);
    snprintf(out, sizeof out, "%s", s ? s : "(null)");
    free(s);
    horaires_free(h);
    return out;
}

static const char *osm(const char *text) { return render(text, 0); }
static const char *fr(const char *text) { return render(text, 1); }

/* Does parsing fail at `offset` with a reason containing `part`? */
static int fails(const char *text, size_t offset, const char *part)
{
    struct horaires_error err;
    memset(&err, 'x', sizeof err);
    struct horaires *h = horaires_parse(text, &err);
    if (h) {
        horaires_free(h);
        fprintf(stderr, "  \"%s\" parsed\n", text ? text : "(null)");
        return 0;
    }
    if (err.offset != offset || !strstr(err.reason, part)) {
        fprintf(stderr, "  \"%s\": offset %zu, reason \"%s\"\n", text, err.offset, err.reason);
        return 0;
    }
    return 1;
}

static const char *const producer_values[] = {
    "Mo-Fr 09:00-12:00,13:30-17:30; Tu 09:00-12:00,14:30-17:30",
    "Mo-Fr 09:00-12:00,14:00-18:30; Sa 08:30-12:00",
    "Mo 14:00-18:00; Tu-Fr 09:00-12:00,14:00-18:00; Sa 09:00-12:00; PH off",
    "Mo-Sa 09:00-12:00 ; Mo,Tu,Th,Fr 14:00-17:00",
    "We 09:00-12:00 week 1-53/2",
    "Tu 14:00-17:00 week 2-52/2",
    "week 1-53/2 We 09:00-12:00",
    "24/7",
    "Mo-Su 00:00-24:00",
    "Mo-Fr 08:00-12:00, 14:00-17:00",
    "Mo-Fr 9h-12h",
    "Mo 9:00-12:00",
    "Mo-Fr 09:00 - 12:00",
    "Sa off",
    "Mo-Fr 22:00-02:00",
    "Jan-Jun Mo 10:00-12:00",
    "Mo-Fr 10:00-12:00; Sa,Su off",
};

static void test_parse_producer_values(void)
{
    for (size_t i = 0; i < sizeof producer_values / sizeof *producer_values; i++) {
        struct horaires_error err = {0, ""};
        struct horaires *h = horaires_parse(producer_values[i], &err);
        CHECK(h != NULL);
        if (!h)
            fprintf(stderr, "  \"%s\": %zu %s\n", producer_values[i], err.offset, err.reason);
        horaires_free(h);
    }
    /* Other spellings seen or tolerated. */
    const char *more[] = {"mo-fr 09:00-12:00", "MO-FR 09H30-12H", "Mo-Fr: 09:00-12:00", "Mo-Fr : 09:00-12:00", "Mo-Fr:09:00-12:00",
                          "Mo-Fr 09:00-12:00;", "Mo-Fr 09:00-12:00 ;; Sa 10:00-11:00",
                          "Mo\xe2\x80\x93" "Fr 09:00\xe2\x80\x93" "12:00",
                          "Mo, We 10:00-12:00", "Mo - Fr 10:00-12:00", "Sa closed",
                          "Mo-Fr 09:00-12:00; PH closed", "Mo-Fr,PH 09:00-12:00",
                          "Mo-Fr 20:00-26:00", "Nov-Feb Mo 10:00-12:00",
                          "Jan,Mar-Apr Mo 10:00-12:00", "week 1,3,10-20 Mo 10:00-12:00",
                          "Mo-Fr 08:00-12:00, Sa 09:00-12:00", "09:00-18:00",
                          "\xc2\xa0Mo 10:00-12:00\n", "Sa-Mo 10:00-12:00"};
    for (size_t i = 0; i < sizeof more / sizeof *more; i++) {
        struct horaires_error err = {0, ""};
        struct horaires *h = horaires_parse(more[i], &err);
        CHECK(h != NULL);
        if (!h)
            fprintf(stderr, "  \"%s\": %zu %s\n", more[i], err.offset, err.reason);
        horaires_free(h);
    }
}

static void test_parse_errors(void)
{
    CHECK(fails("", 0, "empty"));
    CHECK(fails("   \n ", 0, "empty"));
    CHECK(fails(";", 0, "empty"));
    CHECK(fails(NULL, 0, "empty"));
    CHECK(fails("Lundi 9h", 0, "unknown word 'Lundi'"));
    CHECK(fails("Mo 25:00-26:00", 3, "hour out of range"));
    CHECK(fails("Mo 09:00-49:00", 9, "hour out of range"));
    CHECK(fails("Mo-Fr 12:00", 11, "expected '-'"));
    CHECK(fails("n'importe quoi", 0, "unknown word 'n'"));
    CHECK(fails("Mo-Fr", 5, "expected opening times"));
    CHECK(fails("Mo 09:60-10:00", 3, "minutes out of range"));
    CHECK(fails("Mo 9:0-10:00", 5, "two digits of minutes"));
    CHECK(fails("Mo 9-12", 4, "expected ':' or 'h'"));
    CHECK(fails("Mo 09:00-12:00 Tu 10:00-11:00", 15, "second day selector"));
    CHECK(fails("Mo 09:00-12:00 14:00-15:00", 15, "second time list"));
    CHECK(fails("Mo 10:00+", 8, "open-ended"));
    CHECK(fails("Dec 25 off", 4, "dates like"));
    CHECK(fails("Mo 09:00-12:00 || Tu 10:00-11:00", 15, "fallback"));
    CHECK(fails("SH off", 0, "school holidays"));
    CHECK(fails("week 54 Mo 10:00-12:00", 5, "week number"));
    CHECK(fails("week 10-5 Mo 10:00-12:00", 5, "upwards"));
    CHECK(fails("Mo[1] 10:00-12:00", 2, "nth weekday"));
    CHECK(fails("Mo 10:00-12:00 off", 18, "followed by 'off'"));
    CHECK(fails("24/7 Mo", 5, "24/7 cannot"));
    CHECK(fails("Mo 10:00-12:00 \"sur RDV\"", 15, "comments"));
    CHECK(fails("2024 Mo 10:00-12:00", 0, "expected a time"));
    CHECK(fails("Mo 10:00-12:00 # x", 15, "unexpected character"));
    CHECK(fails("Mo-Lu 10:00-12:00", 3, "expected a day after '-'"));
    CHECK(fails("Mo10:00-12:00", 2, "expected a space"));
    CHECK(fails("Jun9h-10hFr", 3, "expected a space"));
    CHECK(fails("Mo 10:00-12:00off", 14, "expected a space"));
    /* A NULL error pointer is allowed. */
    CHECK(horaires_parse("Lundi", NULL) == NULL);
}

static void test_osm_canonical(void)
{
    CHECK_STR(osm("Mo-Fr 09:00-12:00,14:00-18:30; Sa 08:30-12:00"),
              "Mo-Fr 09:00-12:00,14:00-18:30; Sa 08:30-12:00");
    CHECK_STR(osm("Mo-Fr 09:00-12:00,13:30-17:30; Tu 09:00-12:00,14:30-17:30"),
              "Mo,We-Fr 09:00-12:00,13:30-17:30; Tu 09:00-12:00,14:30-17:30");
    CHECK_STR(osm("Mo 14:00-18:00; Tu-Fr 09:00-12:00,14:00-18:00; Sa 09:00-12:00; PH off"),
              "Mo 14:00-18:00; Tu-Fr 09:00-12:00,14:00-18:00; Sa 09:00-12:00; PH off");
    CHECK_STR(osm("Mo-Sa 09:00-12:00 ; Mo,Tu,Th,Fr 14:00-17:00"),
              "Mo,Tu,Th,Fr 14:00-17:00; We,Sa 09:00-12:00");
    CHECK_STR(osm("We 09:00-12:00 week 1-53/2"), "week 1-53/2 We 09:00-12:00");
    CHECK_STR(osm("week 1-53/2 We 09:00-12:00"), "week 1-53/2 We 09:00-12:00");
    CHECK_STR(osm("Tu 14:00-17:00 week 2-52/2"), "week 2-52/2 Tu 14:00-17:00");
    CHECK_STR(osm("24/7"), "24/7");
    CHECK_STR(osm("Mo-Su 00:00-24:00"), "24/7");
    CHECK_STR(osm("Mo-Fr 08:00-12:00, 14:00-17:00"), "Mo-Fr 08:00-12:00,14:00-17:00");
    CHECK_STR(osm("Mo-Fr 9h-12h"), "Mo-Fr 09:00-12:00");
    CHECK_STR(osm("Mo 9:00-12:00"), "Mo 09:00-12:00");
    CHECK_STR(osm("Mo-Fr 09:00 - 12:00"), "Mo-Fr 09:00-12:00");
    CHECK_STR(osm("Sa off"), "off");
    CHECK_STR(osm("Mo-Fr 22:00-02:00"), "Mo-Fr 22:00-02:00");
    CHECK_STR(osm("Mo-Fr 20:00-26:00"), "Mo-Fr 20:00-02:00");
    CHECK_STR(osm("Jan-Jun Mo 10:00-12:00"), "Jan-Jun Mo 10:00-12:00");
    CHECK_STR(osm("Nov-Feb Mo 10:00-12:00"), "Nov-Feb Mo 10:00-12:00");
    CHECK_STR(osm("Mo-Fr 10:00-12:00; Sa,Su off"), "Mo-Fr 10:00-12:00");
    CHECK_STR(osm("09:00-18:00"), "Mo-Su 09:00-18:00");
    CHECK_STR(osm("Sa-Mo 10:00-12:00"), "Mo,Sa,Su 10:00-12:00");
    CHECK_STR(osm("Mo-Fr 09:00-12:00,12:00-14:00"), "Mo-Fr 09:00-14:00");
    CHECK_STR(osm("Mo 14:00-17:00,09:00-12:00"), "Mo 09:00-12:00,14:00-17:00");
    CHECK_STR(osm("Sa 09:00-12:00; Sa off week 2-52/2"), "Sa 09:00-12:00; week 2-52/2 Sa off");
    CHECK_STR(osm("Mo-Fr 08:00-12:00, Sa 09:00-12:00"), "Mo-Fr 08:00-12:00; Sa 09:00-12:00");
    CHECK_STR(osm("Mo-Fr 08:00-12:00, We 14:00-18:00"),
              "Mo,Tu,Th,Fr 08:00-12:00; We 08:00-12:00,14:00-18:00");
    CHECK_STR(osm("Mo-Fr 09:00-12:00; PH 10:00-11:00"), "Mo-Fr 09:00-12:00; PH 10:00-11:00");
    CHECK_STR(osm("Mo-Fr,PH 09:00-12:00"), "Mo-Fr 09:00-12:00; PH 09:00-12:00");
    CHECK_STR(osm("week 1,3,10-20 Mo 10:00-12:00"), "week 1,3,10-20 Mo 10:00-12:00");
    CHECK_STR(osm("Jan,Mar-Apr Mo 10:00-12:00"), "Jan,Mar-Apr Mo 10:00-12:00");
    CHECK_STR(osm("Jun,Nov-Feb Mo 10:00-12:00"), "Nov-Feb,Jun Mo 10:00-12:00");
    CHECK_STR(osm("Mo 00:00-00:00"), "Mo 00:00-24:00");
    CHECK_STR(osm("Mo 09:00-09:00"), "Mo 09:00-09:00");
    CHECK_STR(osm("PH off"), "PH off");
}

/* The canonical form parses back to itself. */
static void test_osm_round_trip(void)
{
    const char *extra[] = {"Mo-Fr 08:00-12:00, week 1-53/2 We 14:00-18:00",
                           "Jan-Jun week 2-52/2 Mo,Th 10:00-12:00; Mo 14:00-15:00",
                           "Mo-Fr 09:00-17:00; We 09:00-12:00 week 1-53/2; Jul-Aug off",
                           "Mo 22:00-02:00,23:00-05:00"};
    size_t n1 = sizeof producer_values / sizeof *producer_values, n2 = sizeof extra / sizeof *extra;
    for (size_t i = 0; i < n1 + n2; i++) {
        const char *text = i < n1 ? producer_values[i] : extra[i - n1];
        struct horaires *a = horaires_parse(text, NULL);
        char *s1 = a ? horaires_to_osm(a) : NULL;
        struct horaires *b = s1 ? horaires_parse(s1, NULL) : NULL;
        char *s2 = b ? horaires_to_osm(b) : NULL;
        CHECK_STR(s2, s1);
        free(s1);
        free(s2);
        horaires_free(a);
        horaires_free(b);
    }
}

static void test_open_at_weekdays(void)
{
    const char *h = "Mo-Fr 09:00-12:00,13:30-17:30; Tu 09:00-12:00,14:30-17:30";
    /* 2024-01-08 is a Monday. */
    CHECK(open_at(h, 2024, 1, 8, 10, 0) == 1);
    CHECK(open_at(h, 2024, 1, 8, 9, 0) == 1);
    CHECK(open_at(h, 2024, 1, 8, 8, 59) == 0);
    CHECK(open_at(h, 2024, 1, 8, 12, 0) == 0);
    CHECK(open_at(h, 2024, 1, 8, 13, 45) == 1);
    /* Tuesday's own rule replaces Mo-Fr for Tuesday. */
    CHECK(open_at(h, 2024, 1, 9, 13, 45) == 0);
    CHECK(open_at(h, 2024, 1, 9, 14, 30) == 1);
    CHECK(open_at(h, 2024, 1, 9, 10, 0) == 1);
    CHECK(open_at(h, 2024, 1, 13, 10, 0) == 0);
    CHECK(open_at(h, 2024, 1, 14, 10, 0) == 0);

    const char *later = "Mo-Sa 09:00-12:00 ; Mo,Tu,Th,Fr 14:00-17:00";
    CHECK(open_at(later, 2024, 1, 8, 10, 0) == 0);
    CHECK(open_at(later, 2024, 1, 8, 15, 0) == 1);
    CHECK(open_at(later, 2024, 1, 10, 10, 0) == 1);
    CHECK(open_at(later, 2024, 1, 10, 15, 0) == 0);
    CHECK(open_at(later, 2024, 1, 13, 11, 59) == 1);

    const char *off = "Mo-Fr 10:00-12:00; Sa,Su off";
    CHECK(open_at(off, 2024, 1, 12, 11, 0) == 1);
    CHECK(open_at(off, 2024, 1, 13, 11, 0) == 0);
    const char *ph = "Mo 14:00-18:00; Tu-Fr 09:00-12:00,14:00-18:00; Sa 09:00-12:00; PH off";
    CHECK(open_at(ph, 2024, 1, 8, 10, 0) == 0);
    CHECK(open_at(ph, 2024, 1, 8, 15, 0) == 1);
    CHECK(open_at(ph, 2024, 1, 13, 9, 30) == 1);
    CHECK(open_at("Mo-Fr 9h-12h", 2024, 1, 12, 11, 59) == 1);
    CHECK(open_at("Sa off", 2024, 1, 13, 11, 0) == 0);
    CHECK(open_at("09:00-18:00", 2024, 1, 14, 17, 0) == 1);
}

static void test_open_at_always(void)
{
    for (int d = 8; d <= 14; d++) {
        CHECK(open_at("24/7", 2024, 1, d, 0, 0) == 1);
        CHECK(open_at("24/7", 2024, 1, d, 23, 59) == 1);
        CHECK(open_at("Mo-Su 00:00-24:00", 2024, 1, d, 12, 0) == 1);
        CHECK(open_at("Mo-Su 00:00-24:00", 2024, 1, d, 23, 59) == 1);
    }
}

static void test_open_at_past_midnight(void)
{
    const char *h = "Mo-Fr 22:00-02:00";
    CHECK(open_at(h, 2024, 1, 12, 23, 0) == 1);  /* Friday night */
    CHECK(open_at(h, 2024, 1, 13, 1, 59) == 1);  /* Saturday, from Friday */
    CHECK(open_at(h, 2024, 1, 13, 2, 0) == 0);
    CHECK(open_at(h, 2024, 1, 13, 22, 30) == 0); /* no Saturday night */
    CHECK(open_at(h, 2024, 1, 8, 1, 0) == 0);    /* Monday: Sunday closed */
    CHECK(open_at(h, 2024, 1, 9, 1, 0) == 1);
    CHECK(open_at(h, 2024, 1, 8, 21, 59) == 0);
    CHECK(open_at("Fr 18:00-24:00", 2024, 1, 12, 23, 59) == 1);
    CHECK(open_at("Fr 18:00-24:00", 2024, 1, 13, 0, 0) == 0);
    CHECK(open_at("Fr 20:00-26:00", 2024, 1, 13, 1, 0) == 1);
    /* The range belongs to Friday even when Saturday has its own rule. */
    CHECK(open_at("Fr 22:00-02:00; Sa 10:00-12:00", 2024, 1, 13, 1, 0) == 1);
    /* Out-of-range fields carry over: Monday 25:30 is Tuesday 01:30. */
    struct horaires *x = horaires_parse("Tu 01:00-02:00", NULL);
    struct tm tm = at(2024, 1, 8, 25, 30);
    CHECK(x && horaires_open_at(x, &tm) == 1);
    tm = at(2024, 1, 9, -1, 30); /* Tuesday -00:30 is Monday 23:30 */
    CHECK(x && horaires_open_at(x, &tm) == 0);
    horaires_free(x);
}

static void test_open_at_weeks(void)
{
    const char *odd = "We 09:00-12:00 week 1-53/2";
    CHECK(open_at(odd, 2024, 1, 3, 10, 0) == 1);   /* week 1 */
    CHECK(open_at(odd, 2024, 1, 10, 10, 0) == 0);  /* week 2 */
    CHECK(open_at(odd, 2024, 1, 17, 10, 0) == 1);  /* week 3 */
    CHECK(open_at(odd, 2020, 12, 30, 10, 0) == 1); /* week 53 of 2020 */
    CHECK(open_at(odd, 2021, 1, 6, 10, 0) == 1);   /* week 1 of 2021 */
    CHECK(open_at(odd, 2025, 12, 31, 10, 0) == 1); /* week 1 of 2026 */
    CHECK(open_at("week 1-53/2 We 09:00-12:00", 2024, 1, 10, 10, 0) == 0);

    const char *even = "Tu 14:00-17:00 week 2-52/2";
    CHECK(open_at(even, 2024, 1, 9, 15, 0) == 1);   /* week 2 */
    CHECK(open_at(even, 2024, 1, 2, 15, 0) == 0);   /* week 1 */
    CHECK(open_at(even, 2024, 12, 24, 15, 0) == 1); /* week 52 */
    CHECK(open_at(even, 2024, 12, 31, 15, 0) == 0); /* week 1 of 2025 */

    const char *skip = "Sa 09:00-12:00; Sa off week 2-52/2";
    CHECK(open_at(skip, 2024, 1, 6, 10, 0) == 1);
    CHECK(open_at(skip, 2024, 1, 13, 10, 0) == 0);

    const char *list = "week 1,3,10-20 Mo 10:00-12:00";
    CHECK(open_at(list, 2024, 1, 15, 11, 0) == 1);  /* week 3 */
    CHECK(open_at(list, 2024, 1, 8, 11, 0) == 0);   /* week 2 */
    CHECK(open_at(list, 2024, 5, 13, 11, 0) == 1);  /* week 20 */
    CHECK(open_at(list, 2024, 5, 20, 11, 0) == 0);  /* week 21 */
}

static void test_open_at_months(void)
{
    const char *h = "Jan-Jun Mo 10:00-12:00";
    CHECK(open_at(h, 2024, 1, 1, 11, 0) == 1);
    CHECK(open_at(h, 2024, 6, 24, 11, 0) == 1);
    CHECK(open_at(h, 2024, 7, 1, 11, 0) == 0);
    CHECK(open_at(h, 2024, 12, 30, 11, 0) == 0);
    const char *winter = "Nov-Feb Mo 10:00-12:00";
    CHECK(open_at(winter, 2024, 11, 4, 11, 0) == 1);
    CHECK(open_at(winter, 2025, 2, 3, 11, 0) == 1);
    CHECK(open_at(winter, 2025, 3, 3, 11, 0) == 0);
    const char *summer = "Mo-Fr 09:00-17:00; Jul-Aug off";
    CHECK(open_at(summer, 2024, 7, 15, 10, 0) == 0);
    CHECK(open_at(summer, 2024, 9, 2, 10, 0) == 1);
    /* tm_mon out of range carries into the year: month 13 of 2023 = Jan 2024. */
    struct horaires *x = horaires_parse(h, NULL);
    struct tm tm = at(2024, 1, 8, 11, 0);
    tm.tm_year = 2023 - 1900;
    tm.tm_mon = 12;
    CHECK(x && horaires_open_at(x, &tm) == 1);
    horaires_free(x);
}

static void test_open_at_additional(void)
{
    const char *h = "Mo-Fr 08:00-12:00, We 14:00-18:00";
    CHECK(open_at(h, 2024, 1, 10, 15, 0) == 1);
    CHECK(open_at(h, 2024, 1, 10, 9, 0) == 1);
    CHECK(open_at(h, 2024, 1, 11, 15, 0) == 0);
    const char *w = "Mo-Fr 08:00-12:00, week 1-53/2 We 14:00-18:00";
    CHECK(open_at(w, 2024, 1, 3, 15, 0) == 1);
    CHECK(open_at(w, 2024, 1, 3, 9, 0) == 1);
    CHECK(open_at(w, 2024, 1, 10, 15, 0) == 0);
    CHECK(open_at(w, 2024, 1, 10, 9, 0) == 1);
}

static void test_open_during(void)
{
    const char *h = "Mo-Fr 09:00-12:00; Sa 09:00-12:00";
    CHECK(open_during(h, 6, 0, 12 * 60) == 1);
    CHECK(open_during(h, 6, 12 * 60, 24 * 60) == 0);
    CHECK(open_during(h, 0, 0, 24 * 60) == 0);
    CHECK(open_during(h, 1, 600, 601) == 1);
    CHECK(open_during(h, 1, 719, 720) == 1);
    CHECK(open_during(h, 1, 720, 780) == 0);
    CHECK(open_during(h, 1, 0, 540) == 0);
    CHECK(open_during(h, 1, 700, 600) == 0);
    CHECK(open_during(h, 13, 0, 720) == 1);   /* weekday taken modulo 7 */
    CHECK(open_during(h, -1, 0, 720) == 1);   /* -1 = Saturday */
    CHECK(open_during(h, 6, -100, 5000) == 1); /* clamped to the day */
    CHECK(open_during("Fr 22:00-02:00", 6, 0, 60) == 1);
    CHECK(open_during("Fr 22:00-02:00", 6, 120, 180) == 0);
    CHECK(open_during("Fr 22:00-02:00", 5, 0, 60) == 0);
    CHECK(open_during("We 09:00-12:00 week 1-53/2", 3, 0, 720) == 1);
    CHECK(open_during("Sa off", 6, 0, 1440) == 0);
    CHECK(open_during("24/7", 0, 0, 1) == 1);
    CHECK(open_during("Mo-Sa 09:00-12:00 ; Mo,Tu,Th,Fr 14:00-17:00", 1, 0, 720) == 0);
}

static void test_minutes_until_open(void)
{
    const char *h = "Mo-Fr 09:00-12:00";
    CHECK(until_open(h, 2024, 1, 8, 8, 0) == 60);
    CHECK(until_open(h, 2024, 1, 8, 10, 0) == 0);
    CHECK(until_open(h, 2024, 1, 8, 12, 0) == 21 * 60);
    CHECK(until_open(h, 2024, 1, 12, 13, 0) == 68 * 60);
    CHECK(until_open("Sa off", 2024, 1, 8, 8, 0) == -1);
    CHECK(until_open("24/7", 2024, 1, 8, 8, 0) == 0);
    const char *odd = "We 09:00-12:00 week 1-53/2";
    CHECK(until_open(odd, 2024, 1, 4, 10, 0) == -1); /* next: 13 days later */
    CHECK(until_open(odd, 2024, 1, 11, 10, 0) == 6 * 1440 - 60);
    const char *night = "Mo-Fr 22:00-02:00";
    CHECK(until_open(night, 2024, 1, 13, 1, 0) == 0);
    CHECK(until_open(night, 2024, 1, 13, 3, 0) == 67 * 60);
    /* 8 days exactly is still inside the window. */
    CHECK(until_open("week 2 Mo 10:00-11:00", 2024, 1, 1, 10, 0) == 7 * 1440);
}

static void test_french(void)
{
    CHECK_STR(fr("Mo-Fr 09:00-12:00,14:00-18:30; Sa 08:30-12:00"),
              "Du lundi au vendredi : de 9 h à 12 h et de 14 h à 18 h 30\n"
              "Samedi : de 8 h 30 à 12 h");
    CHECK_STR(fr("Mo,We,Fr 09:00-12:00"), "Lundi, mercredi et vendredi : de 9 h à 12 h");
    CHECK_STR(fr("Mo 09:00-10:00,11:00-12:00,14:00-15:00"),
              "Lundi : de 9 h à 10 h, de 11 h à 12 h et de 14 h à 15 h");
    CHECK_STR(fr("Sa 00:00-24:00"), "Samedi : 24 h sur 24");
    CHECK_STR(fr("24/7"), "Ouvert 24 h sur 24, 7 jours sur 7");
    CHECK_STR(fr("Mo-Su 00:00-24:00"), "Ouvert 24 h sur 24, 7 jours sur 7");
    CHECK_STR(fr("Mo 09:05-12:00"), "Lundi : de 9 h 05 à 12 h");
    CHECK_STR(fr("Fr 00:00-06:00"), "Vendredi : de 0 h à 6 h");
    CHECK_STR(fr("Fr 20:00-24:00"), "Vendredi : de 20 h à 0 h");
    CHECK_STR(fr("Mo-Fr 22:00-02:00"), "Du lundi au vendredi : de 22 h à 2 h");
    CHECK_STR(fr("We 09:00-12:00 week 1-53/2"), "Mercredi : de 9 h à 12 h (semaines impaires)");
    CHECK_STR(fr("Tu 14:00-17:00 week 2-52/2"), "Mardi : de 14 h à 17 h (semaines paires)");
    CHECK_STR(fr("Jan-Jun Mo 10:00-12:00"), "Lundi : de 10 h à 12 h (de janvier à juin)");
    CHECK_STR(fr("Apr-Jun Mo 10:00-12:00"), "Lundi : de 10 h à 12 h (d'avril à juin)");
    CHECK_STR(fr("Mar Mo 10:00-12:00"), "Lundi : de 10 h à 12 h (en mars)");
    CHECK_STR(fr("Nov-Feb,Jun Mo 10:00-12:00"),
              "Lundi : de 10 h à 12 h (de novembre à février et en juin)");
    CHECK_STR(fr("week 1-53/2 Jan-Jun Mo 10:00-12:00"),
              "Lundi : de 10 h à 12 h (semaines impaires, de janvier à juin)");
    CHECK_STR(fr("week 5 Mo 10:00-12:00"), "Lundi : de 10 h à 12 h (semaine 5)");
    CHECK_STR(fr("week 1-10,12 Mo 10:00-12:00"), "Lundi : de 10 h à 12 h (semaines 1 à 10 et 12)");
    CHECK_STR(fr("week 1-52/4 Mo 10:00-12:00"),
              "Lundi : de 10 h à 12 h (une semaine sur 4, de la semaine 1 à la semaine 49)");
    CHECK_STR(fr("Mo 14:00-18:00; Tu-Fr 09:00-12:00,14:00-18:00; Sa 09:00-12:00; PH off"),
              "Lundi : de 14 h à 18 h\n"
              "Du mardi au vendredi : de 9 h à 12 h et de 14 h à 18 h\n"
              "Samedi : de 9 h à 12 h\n"
              "Fermé les jours fériés");
    CHECK_STR(fr("Mo-Sa 09:00-12:00 ; Mo,Tu,Th,Fr 14:00-17:00"),
              "Lundi, mardi, jeudi et vendredi : de 14 h à 17 h\n"
              "Mercredi et samedi : de 9 h à 12 h");
    CHECK_STR(fr("Mo-Fr 09:00-17:00; We 09:00-12:00 week 1-53/2"),
              "Du lundi au vendredi : de 9 h à 17 h\n"
              "Mercredi : de 9 h à 12 h (semaines impaires)");
    CHECK_STR(fr("Sa 09:00-12:00; Sa off week 2-52/2"),
              "Samedi : de 9 h à 12 h\nSamedi : fermé (semaines paires)");
    CHECK_STR(fr("Sa off"), "Fermé");
    CHECK_STR(fr("PH off"), "Fermé");
    CHECK_STR(fr("PH 10:00-12:00"), "Jours fériés : de 10 h à 12 h");
    CHECK_STR(fr("24/7; PH off"), "Ouvert 24 h sur 24, 7 jours sur 7\nFermé les jours fériés");
    CHECK_STR(fr("Sa,Su 10:00-12:00"), "Samedi et dimanche : de 10 h à 12 h");
    CHECK_STR(fr("09:00-18:00"), "Tous les jours : de 9 h à 18 h");
    CHECK_STR(fr("Mo,Tu,Th-Su 10:00-12:00"), "Tous les jours sauf le mercredi : de 10 h à 12 h");
    CHECK_STR(fr("Mo-Sa 10:00-12:00"), "Du lundi au samedi : de 10 h à 12 h");
    CHECK_STR(fr("Mo-We,Fr 09:00-12:00"), "Du lundi au mercredi et vendredi : de 9 h à 12 h");
    CHECK_STR(fr("Mo-Fr 10:00-12:00; Sa,Su off"), "Du lundi au vendredi : de 10 h à 12 h");
}

/* Convert a cell; returns the code and copies the output to a static buffer. */
static int cell(const char *in, const char **out)
{
    static char buf[256];
    int r = horaires_day_cell_to_osm(in, buf, sizeof buf);
    *out = buf;
    return r;
}

static void test_day_cells(void)
{
    const char *o;
    CHECK(cell("09:00 - 12:00 / 13:30 - 17:00", &o) == 0);
    CHECK_STR(o, "09:00-12:00,13:30-17:00");
    CHECK(cell("09:30 - 16:30", &o) == 0);
    CHECK_STR(o, "09:30-16:30");
    CHECK(cell("8h30-12h / 13h30-17h", &o) == 0);
    CHECK_STR(o, "08:30-12:00,13:30-17:00");
    CHECK(cell("9h-12h et 14h-17h", &o) == 0);
    CHECK_STR(o, "09:00-12:00,14:00-17:00");
    CHECK(cell("de 9h à 12h et de 14h à 17h", &o) == 0);
    CHECK_STR(o, "09:00-12:00,14:00-17:00");
    CHECK(cell("  09:00 - 12:00\n14:00  -  17:00 \r\n", &o) == 0);
    CHECK_STR(o, "09:00-12:00,14:00-17:00");
    CHECK(cell("09:00 - 12:00 / 14:00 - 17:00 sur rendez-vous", &o) == 0);
    CHECK_STR(o, "09:00-12:00,14:00-17:00");
    CHECK(cell("09:00 - 12:00 (sur RDV l'après-midi)", &o) == 0);
    CHECK_STR(o, "09:00-12:00");
    CHECK(cell("9h-12h - 14h-17h", &o) == 0);
    CHECK_STR(o, "09:00-12:00,14:00-17:00");
    CHECK(cell("22:00 - 02:00", &o) == 0);
    CHECK_STR(o, "22:00-02:00");
    CHECK(cell("", &o) == 1);
    CHECK_STR(o, "");
    CHECK(cell("   \n", &o) == 1);
    CHECK(cell("Fermé", &o) == 1);
    CHECK(cell(" fermée \n", &o) == 1);
    CHECK(cell("FERMÉ", &o) == 1);
    CHECK(cell("-", &o) == 1);
    CHECK(cell("closed", &o) == 1);
    CHECK(cell(NULL, &o) == 1);
    CHECK(cell("sur rendez-vous", &o) == -1);
    CHECK(strlen(o) > 0);
    CHECK(cell("9h-12h sauf le 2e mardi", &o) == -1);
    CHECK(strstr(o, "position 7") != NULL);
    CHECK(cell("Matin 9h-12h", &o) == -1);
    CHECK(cell("25:00-26:00", &o) == -1);
    CHECK(cell("9h", &o) == -1);
    CHECK(cell("9h-", &o) == -1);
    CHECK(cell("09:00 - 12:00 / 13:30", &o) == -1);

    /* Too small an output buffer: an error, still NUL-terminated. */
    char small[6];
    memset(small, 'x', sizeof small);
    CHECK(horaires_day_cell_to_osm("09:00 - 12:00", small, sizeof small) == -1);
    CHECK(memchr(small, 0, sizeof small) != NULL);
    CHECK(horaires_day_cell_to_osm("09:00 - 12:00", small, 0) == -1);

    /* The output is a valid OSM time list. */
    CHECK(cell("8h30-12h / 13h30-17h", &o) == 0);
    char rule[300];
    snprintf(rule, sizeof rule, "Mo %s", o);
    CHECK_STR(osm(rule), "Mo 08:30-12:00,13:30-17:00");
}

int main(void)
{
    RUN(test_parse_producer_values);
    RUN(test_parse_errors);
    RUN(test_osm_canonical);
    RUN(test_osm_round_trip);
    RUN(test_open_at_weekdays);
    RUN(test_open_at_always);
    RUN(test_open_at_past_midnight);
    RUN(test_open_at_weeks);
    RUN(test_open_at_months);
    RUN(test_open_at_additional);
    RUN(test_open_during);
    RUN(test_minutes_until_open);
    RUN(test_french);
    RUN(test_day_cells);
    return CHECK_DONE();
}
