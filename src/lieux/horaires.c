/* horaires.c - parser, evaluator and renderers of OSM `opening_hours` values.
 *
 * Model. A value becomes, for each weekday (Monday first internally), an
 * ordered list of "slots". A slot is a condition (a set of ISO weeks 1..53
 * and a set of months) and a sorted list of time ranges; a slot without
 * ranges means closed. On a given date the LAST slot of that weekday whose
 * condition holds decides the day; when none holds the day is closed. This
 * is exactly OSM's "a later rule replaces earlier ones for the days it
 * selects":
 *   - a normal rule (after ";") appends its slot to each selected day and
 *     drops the earlier slots it always hides (condition included in its
 *     own);
 *   - an additional rule (after "," followed by a selector, as in
 *     "Mo-Fr 08:00-12:00, Sa 09:00-12:00") adds its ranges to whatever was
 *     in force: it appends (its condition, its ranges) then, for each
 *     earlier slot, (both conditions, both range lists);
 *   - closed slots at the front of a day are dropped (closed is the default).
 * The result is normalised, so equal timetables render equally.
 *
 * Choices where OSM or the brief leave room:
 *   - A time range belongs to the day it starts on: "Mo 22:00-02:00" is open
 *     on Tuesday until 02:00 even if a later rule replaces Tuesday.
 *   - Ends may be written up to 48:00 ("20:00-26:00"); an end at or before
 *     the start wraps past midnight ("22:00-02:00", "09:00-09:00" = 24 h).
 *     A start must be 00:00..23:59. Ranges of one slot are sorted and merged
 *     when they touch or overlap (unless the merge would exceed 24 h).
 *   - A rule needs times, "off"/"closed" or be "24/7": "Mo-Fr" alone (OSM:
 *     open all day) is rejected as a likely mistake. A rule without days
 *     ("09:00-18:00", "Jan-Jun 10:00-12:00") applies to every day.
 *   - "off" always replaces, also after ",". Times followed by "off", "||"
 *     fallbacks, comments, "SH", dates ("Dec 25"), years, "Mo[1]", open ends
 *     ("10:00+") and "sunrise" are errors.
 *   - Selectors may come in any order ("We 09:00-12:00 week 1-53/2" and
 *     "week 1-53/2 We 09:00-12:00"); a ":" after the days is accepted
 *     ("Mo-Fr: 09:00-12:00"); an en dash works as "-"; an empty rule (";;",
 *     trailing ";") is ignored. Month ranges may wrap ("Nov-Feb"), week
 *     ranges may not.
 *   - PH is parsed and rendered but never evaluated; conditions on a PH
 *     rule are ignored.
 *   - A condition combining weeks and months that no real date satisfies
 *     ("Jan week 20") is kept as written, it simply never applies.
 *   - horaires_open_during() answers "open in that window in at least some
 *     weeks": every slot of the weekday counts, whatever its condition.
 *   - horaires_open_at() trusts tm_wday for the weekday and uses the date
 *     only for week/month conditions; fields out of range are carried over
 *     (tm_hour 25 is 01:00 the next day).
 *
 * French rendering: one line per distinct (condition, hours) with the days
 * that have it: "Du lundi au vendredi" for 3+ consecutive days, otherwise
 * days listed ("Lundi, mercredi et vendredi", "Samedi et dimanche"), "Tous
 * les jours" for all seven, "Tous les jours sauf le mercredi" for six days
 * that are not a run. Lines are ordered by their first day (Monday
 * first), then rule order. A day with a conditional slot may appear on two
 * lines, e.g. "Mercredi : de 9 h à 17 h" then "Mercredi : de 9 h à 12 h
 * (semaines impaires)"; a conditional closed slot says "fermé (...)". Ends
 * at midnight read "0 h" ("de 20 h à 0 h"). Week sets read "semaines
 * impaires"/"semaines paires" (week 53 optional for odd), "une semaine sur
 * 3, de la semaine 1 à la semaine 52", or a list "semaines 1 à 10 et 12";
 * months read "de janvier à juin", "d'avril à juin", "en mars". PH adds a
 * last line "Fermé les jours fériés" or "Jours fériés : de ...". Nothing
 * ever open gives "Fermé".
 *
 * Canonical OSM: rules grouped by days with identical slots, slot layers in
 * order, "Mo-Su" for all days, "24/7" when open all the time, "off" when
 * never open, "PH ..." last. Parsing the canonical form gives the same
 * value back (checked by the fuzzer).
 *
 * horaires_day_cell_to_osm() reasons are in French, since callers quote them
 * to producers. Limits: 16 ranges per slot, 16 slots per weekday. */
#include "lieux/horaires.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"

enum { MAX_RANGES = 16, MAX_SLOTS = 16, DAY_MIN = 24 * 60 };

#define ALL_WEEKS ((((uint64_t)1 << 54) - 1) & ~(uint64_t)1) /* bits 1..53 */
#define ALL_MONTHS 0x0FFFu                                    /* bits 0..11 */
#define ALL_DAYS 0x7Fu                                        /* bit 0 = Monday */

struct range {
    int s, e; /* minutes: 0 <= s < 1440, s < e <= s + 1440 */
};

struct cond {
    uint64_t weeks;
    unsigned months;
};

struct slot {
    struct cond c;
    int n; /* 0 = closed */
    struct range r[MAX_RANGES];
};

struct day {
    int n;
    struct slot s[MAX_SLOTS];
};

struct horaires {
    struct day day[7]; /* 0 = Monday ... 6 = Sunday */
    int has_ph;
    struct slot ph;
};

static const char *const osm_days[7] = {"Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"};
static const char *const osm_months[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                           "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
static const char *const fr_day_names[7] = {"lundi",    "mardi",  "mercredi", "jeudi",
                                       "vendredi", "samedi", "dimanche"};
static const char *const fr_month_names[12] = {
    "janvier", "février", "mars",      "avril",   "mai",      "juin",
    "juillet", "août",    "septembre", "octobre", "novembre", "décembre"};

/* ---------------------------------------------------------------- chars */

static int is_digit(char c) { return c >= '0' && c <= '9'; }
static int is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static char lower(char c) { return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c; }

/* Length of the blank at s (space, tab, newline, no-break space), or 0. */
static size_t blank_len(const char *s)
{
    if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
        return 1;
    if ((unsigned char)s[0] == 0xC2 && (unsigned char)s[1] == 0xA0)
        return 2;
    return 0;
}

static size_t skip_blanks(const char *s, size_t pos)
{
    size_t n;
    while ((n = blank_len(s + pos)) != 0)
        pos += n;
    return pos;
}

/* Length of a dash at s: "-", en dash or em dash; 0 when none. */
static size_t dash_len(const char *s)
{
    if (*s == '-')
        return 1;
    if ((unsigned char)s[0] == 0xE2 && (unsigned char)s[1] == 0x80 &&
        ((unsigned char)s[2] == 0x93 || (unsigned char)s[2] == 0x94))
        return 3;
    return 0;
}

static size_t word_len(const char *s)
{
    size_t n = 0;
    while (is_alpha(s[n]))
        n++;
    return n;
}

/* Does the word s[0..n) equal `name` (lowercase), ignoring case? */
static int word_is(const char *s, size_t n, const char *name)
{
    if (strlen(name) != n)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (lower(s[i]) != name[i])
            return 0;
    return 1;
}

static int lookup(const char *s, size_t n, const char *const *names, int count)
{
    for (int i = 0; i < count; i++) {
        char low[4];
        size_t k = strlen(names[i]);
        for (size_t j = 0; j < k && j < 3; j++)
            low[j] = lower(names[i][j]);
        low[k < 3 ? k : 3] = 0;
        if (word_is(s, n, low))
            return i;
    }
    return -1;
}

/* ---------------------------------------------------------------- times */

/* Read a time like "09:00", "9:00", "9h", "9h30" or "24:00" at s + *pos.
 * An end time may go up to 48:00, a start up to 23:59. On success returns 0
 * with *pos after the time; on error returns -1 with *pos at the fault and
 * *why set. */
static int read_time(const char *s, size_t *pos, int is_end, int *minutes, const char **why)
{
    size_t p = *pos, start = p;
    int h = 0, m = 0, digits = 0;
    while (is_digit(s[p]) && digits < 3) {
        h = h * 10 + (s[p] - '0');
        p++;
        digits++;
    }
    if (digits == 0 || digits > 2) {
        *pos = start;
        *why = "expected a time like 09:00";
        return -1;
    }
    if (s[p] == ':' || s[p] == 'h' || s[p] == 'H') {
        int colon = s[p] == ':';
        p++;
        if (is_digit(s[p]) && is_digit(s[p + 1]) && !is_digit(s[p + 2])) {
            m = (s[p] - '0') * 10 + (s[p + 1] - '0');
            p += 2;
        } else if (colon || is_digit(s[p])) {
            *pos = p;
            *why = "expected two digits of minutes";
            return -1;
        }
    } else {
        *pos = p;
        *why = "expected ':' or 'h' after the hour";
        return -1;
    }
    if (m > 59) {
        *pos = start;
        *why = "minutes out of range (00-59)";
        return -1;
    }
    if (is_end ? h * 60 + m > 2 * DAY_MIN : h > 23) {
        *pos = start;
        *why = is_end ? "hour out of range (00-48)" : "hour out of range (00-23)";
        return -1;
    }
    *minutes = h * 60 + m;
    *pos = p;
    return 0;
}

/* Make a range from a start and a written end; -1 when longer than 24 h. */
static int make_range(int s, int end, struct range *r)
{
    int e = end <= s ? end + DAY_MIN : end;
    if (e - s > DAY_MIN)
        return -1;
    r->s = s;
    r->e = e;
    return 0;
}

/* Sort ranges by start and merge the ones that touch, unless the merged
 * range would be longer than a day. */
static void normalize_ranges(struct range *r, int *n)
{
    for (int i = 1; i < *n; i++) {
        struct range x = r[i];
        int j = i;
        while (j > 0 && (r[j - 1].s > x.s || (r[j - 1].s == x.s && r[j - 1].e > x.e))) {
            r[j] = r[j - 1];
            j--;
        }
        r[j] = x;
    }
    int k = 0;
    for (int i = 0; i < *n; i++) {
        if (k > 0 && r[i].s <= r[k - 1].e) {
            int e = r[i].e > r[k - 1].e ? r[i].e : r[k - 1].e;
            if (e - r[k - 1].s <= DAY_MIN) {
                r[k - 1].e = e;
                continue;
            }
        }
        r[k++] = r[i];
    }
    *n = k;
}

/* ---------------------------------------------------------------- slots */

static int cond_subset(struct cond a, struct cond b)
{
    return (a.weeks & ~b.weeks) == 0 && (a.months & ~b.months) == 0;
}

static int slot_equal(const struct slot *a, const struct slot *b)
{
    if (a->c.weeks != b->c.weeks || a->c.months != b->c.months || a->n != b->n)
        return 0;
    for (int i = 0; i < a->n; i++)
        if (a->r[i].s != b->r[i].s || a->r[i].e != b->r[i].e)
            return 0;
    return 1;
}

/* out = a's ranges plus b's ranges; -1 when too many. */
static int slot_union(const struct slot *a, const struct slot *b, struct slot *out)
{
    struct range tmp[2 * MAX_RANGES];
    int n = 0;
    for (int i = 0; i < a->n; i++)
        tmp[n++] = a->r[i];
    for (int i = 0; i < b->n; i++)
        tmp[n++] = b->r[i];
    normalize_ranges(tmp, &n);
    if (n > MAX_RANGES)
        return -1;
    out->n = n;
    memcpy(out->r, tmp, (size_t)n * sizeof *tmp);
    return 0;
}

/* Append slot s to day d as a replacing rule; -1 when the day is full. */
static int day_add(struct day *d, const struct slot *s)
{
    if (s->c.weeks == 0 || s->c.months == 0)
        return 0; /* never applies */
    int k = 0;
    for (int i = 0; i < d->n; i++)
        if (!cond_subset(d->s[i].c, s->c))
            d->s[k++] = d->s[i];
    d->n = k;
    if (d->n == MAX_SLOTS)
        return -1;
    d->s[d->n++] = *s;
    int lead = 0;
    while (lead < d->n && d->s[lead].n == 0)
        lead++;
    if (lead) {
        memmove(d->s, d->s + lead, (size_t)(d->n - lead) * sizeof d->s[0]);
        d->n -= lead;
    }
    return 0;
}

/* Apply an additional rule's slot s to day d; -1 when too complex. */
static int day_add_additional(struct day *d, const struct slot *s)
{
    struct day old = *d;
    if (day_add(d, s) < 0)
        return -1;
    for (int i = 0; i < old.n; i++) {
        struct slot u;
        u.c.weeks = old.s[i].c.weeks & s->c.weeks;
        u.c.months = old.s[i].c.months & s->c.months;
        if (slot_union(&old.s[i], s, &u) < 0 || day_add(d, &u) < 0)
            return -1;
    }
    return 0;
}

/* ---------------------------------------------------------------- parser */

struct parser {
    const char *t;
    size_t pos;
    struct horaires_error *err;
};

static int fail(struct parser *p, size_t at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(struct parser *p, size_t at, const char *fmt, ...)
{
    if (p->err) {
        va_list ap;
        va_start(ap, fmt);
        p->err->offset = at;
        vsnprintf(p->err->reason, sizeof p->err->reason, fmt, ap);
        va_end(ap);
    }
    return -1;
}

/* One rule as written, before it is applied to the timetable. */
struct rule {
    int tokens;      /* selectors/times/modifiers seen */
    int colon;       /* the last token was days followed by ':' */
    int has_days, has_months, has_weeks, has_times;
    unsigned days;   /* bit 0 = Monday */
    int ph;
    struct cond c;
    int off, all_week;
    int n;
    struct range r[MAX_RANGES];
};

static void set_circular(unsigned *mask, int a, int b, int count)
{
    for (int i = a;; i = (i + 1) % count) {
        *mask |= 1u << i;
        if (i == b)
            break;
    }
}

/* Day selector: "Mo", "Mo-Fr", "Mo,We,Fr", "Sa-Mo", "Mo-Fr,PH". */
static int parse_days(struct parser *p, struct rule *r)
{
    const char *t = p->t;
    for (;;) {
        size_t at = p->pos, n = word_len(t + at);
        if (word_is(t + at, n, "ph")) {
            r->ph = 1;
            p->pos += n;
        } else {
            int a = lookup(t + at, n, osm_days, 7);
            if (a < 0)
                return fail(p, at, "expected a day (Mo Tu We Th Fr Sa Su)");
            p->pos += n;
            size_t q = skip_blanks(t, p->pos), dl = dash_len(t + q);
            int b = a;
            if (dl && is_alpha(t[skip_blanks(t, q + dl)])) {
                size_t at2 = skip_blanks(t, q + dl), n2 = word_len(t + at2);
                b = lookup(t + at2, n2, osm_days, 7);
                if (b < 0)
                    return fail(p, at2, "expected a day after '-'");
                p->pos = at2 + n2;
            }
            set_circular(&r->days, a, b, 7);
        }
        if (t[p->pos] == '[')
            return fail(p, p->pos, "nth weekday selectors like Mo[1] are not supported");
        if (t[p->pos] != ',')
            return 0;
        size_t q = skip_blanks(t, p->pos + 1), nq = word_len(t + q);
        if (lookup(t + q, nq, osm_days, 7) < 0 && !word_is(t + q, nq, "ph"))
            return 0; /* "," ends the rule: an additional rule follows */
        p->pos = q;
    }
}

/* Month selector: "Jan", "Jan-Jun", "Nov-Feb", "Jan,Mar-Apr". */
static int parse_months(struct parser *p, struct rule *r)
{
    const char *t = p->t;
    r->c.months = 0;
    for (;;) {
        size_t at = p->pos, n = word_len(t + at);
        int a = lookup(t + at, n, osm_months, 12), b;
        if (a < 0)
            return fail(p, at, "expected a month (Jan ... Dec)");
        p->pos += n;
        b = a;
        size_t q = skip_blanks(t, p->pos), dl = dash_len(t + q);
        if (dl && is_alpha(t[skip_blanks(t, q + dl)])) {
            size_t at2 = skip_blanks(t, q + dl), n2 = word_len(t + at2);
            b = lookup(t + at2, n2, osm_months, 12);
            if (b < 0)
                return fail(p, at2, "expected a month after '-'");
            p->pos = at2 + n2;
        }
        set_circular(&r->c.months, a, b, 12);
        /* "Dec 25" is a date, "Jan-Jun 10:00-12:00" is not. */
        q = skip_blanks(t, p->pos);
        if (is_digit(t[q])) {
            size_t d = q;
            while (is_digit(t[d]))
                d++;
            if (t[d] != ':' && t[d] != 'h' && t[d] != 'H')
                return fail(p, q, "dates like 'Dec 25' are not supported");
        }
        if (t[p->pos] != ',')
            return 0;
        q = skip_blanks(t, p->pos + 1);
        if (lookup(t + q, word_len(t + q), osm_months, 12) < 0)
            return 0; /* "," ends the rule: an additional rule follows */
        p->pos = q;
    }
}

static int parse_week_number(struct parser *p, int *out)
{
    size_t at = p->pos;
    int v = 0, digits = 0;
    while (is_digit(p->t[p->pos]) && digits < 3) {
        v = v * 10 + (p->t[p->pos] - '0');
        p->pos++;
        digits++;
    }
    if (digits == 0 || digits > 2 || v < 1 || v > 53)
        return fail(p, at, "expected a week number 1-53");
    *out = v;
    return 0;
}

/* Week selector after "week": "1-53/2", "5", "1-10,20-30". */
static int parse_weeks(struct parser *p, struct rule *r)
{
    const char *t = p->t;
    r->c.weeks = 0;
    p->pos = skip_blanks(t, p->pos);
    for (;;) {
        size_t at = p->pos;
        int a, b, step = 1;
        if (parse_week_number(p, &a) < 0)
            return -1;
        b = a;
        size_t dl = dash_len(t + p->pos);
        if (dl) {
            p->pos += dl;
            if (parse_week_number(p, &b) < 0)
                return -1;
            if (b < a)
                return fail(p, at, "week range must go upwards (use two ranges)");
            if (t[p->pos] == '/') {
                p->pos++;
                if (parse_week_number(p, &step) < 0)
                    return -1;
            }
        }
        for (int w = a; w <= b; w += step)
            r->c.weeks |= (uint64_t)1 << w;
        if (t[p->pos] != ',' || !is_digit(t[p->pos + 1]))
            return 0;
        p->pos++;
    }
}

/* Time list: "09:00-12:00,14:00-18:30", "9h-12h, 14h-17h". */
static int parse_times(struct parser *p, struct rule *r)
{
    const char *t = p->t;
    for (;;) {
        size_t at = p->pos;
        const char *why;
        int s, e;
        if (r->n == MAX_RANGES)
            return fail(p, at, "too many time ranges (16 at most)");
        if (read_time(t, &p->pos, 0, &s, &why) < 0)
            return fail(p, p->pos, "%s", why);
        p->pos = skip_blanks(t, p->pos);
        if (t[p->pos] == '+')
            return fail(p, p->pos, "open-ended times like 10:00+ are not supported");
        size_t dl = dash_len(t + p->pos);
        if (!dl)
            return fail(p, p->pos, "expected '-' and an end time after the start time");
        p->pos = skip_blanks(t, p->pos + dl);
        if (read_time(t, &p->pos, 1, &e, &why) < 0)
            return fail(p, p->pos, "%s", why);
        if (make_range(s, e, &r->r[r->n]) < 0)
            return fail(p, at, "time range longer than 24 hours");
        r->n++;
        if (t[p->pos] == '+')
            return fail(p, p->pos, "open-ended times like 10:00+ are not supported");
        size_t q = skip_blanks(t, p->pos);
        if (t[q] != ',' || !is_digit(t[skip_blanks(t, q + 1)]))
            break;
        p->pos = skip_blanks(t, q + 1);
    }
    normalize_ranges(r->r, &r->n);
    return 0;
}

/* A word token inside a rule. */
static int parse_word(struct parser *p, struct rule *r)
{
    const char *t = p->t;
    size_t at = p->pos, n = word_len(t + at);
    if (lookup(t + at, n, osm_days, 7) >= 0 || word_is(t + at, n, "ph")) {
        if (r->has_days)
            return fail(p, at, "second day selector (missing ';' between rules?)");
        r->has_days = 1;
        if (parse_days(p, r) < 0)
            return -1;
        size_t q = skip_blanks(t, p->pos);
        if (t[q] == ':') {
            p->pos = q + 1; /* "Mo-Fr: 09:00-12:00", "Mo-Fr : ..." */
            r->colon = 1;
        }
        return 0;
    }
    if (lookup(t + at, n, osm_months, 12) >= 0) {
        if (r->has_months)
            return fail(p, at, "second month selector");
        r->has_months = 1;
        return parse_months(p, r);
    }
    if (word_is(t + at, n, "week")) {
        if (r->has_weeks)
            return fail(p, at, "second week selector");
        r->has_weeks = 1;
        p->pos += n;
        return parse_weeks(p, r);
    }
    if (word_is(t + at, n, "off") || word_is(t + at, n, "closed")) {
        if (r->off)
            return fail(p, at, "'off' given twice");
        r->off = 1;
        p->pos += n;
        return 0;
    }
    if (word_is(t + at, n, "sh"))
        return fail(p, at, "school holidays (SH) are not supported");
    if (n == 0)
        return fail(p, at, "unexpected character");
    return fail(p, at, "unknown word '%.*s' (days are Mo Tu We Th Fr Sa Su)",
                (int)(n > 40 ? 40 : n), t + at);
}

/* Parse one rule up to ';', ',' (additional rule) or the end. */
static int parse_rule(struct parser *p, struct rule *r)
{
    const char *t = p->t;
    memset(r, 0, sizeof *r);
    r->c.weeks = ALL_WEEKS;
    r->c.months = ALL_MONTHS;
    for (;;) {
        size_t before = p->pos;
        p->pos = skip_blanks(t, p->pos);
        char c = t[p->pos];
        size_t at = p->pos;
        if (c == 0 || c == ';' || c == ',')
            break;
        if (r->tokens && at == before && !r->colon)
            return fail(p, at, "expected a space before this");
        r->colon = 0;
        if (r->all_week)
            return fail(p, at, "24/7 cannot be combined with other selectors");
        if (c == '|')
            return fail(p, at, "'||' fallback rules are not supported");
        if (c == '"')
            return fail(p, at, "comments are not supported");
        if (strncmp(t + at, "24/7", 4) == 0 && !is_digit(t[at + 4])) {
            if (r->tokens)
                return fail(p, at, "24/7 cannot be combined with other selectors");
            r->all_week = 1;
            p->pos += 4;
        } else if (is_digit(c)) {
            if (r->has_times)
                return fail(p, at, "second time list (missing ',' or ';'?)");
            r->has_times = 1;
            if (parse_times(p, r) < 0)
                return -1;
        } else if (is_alpha(c)) {
            if (parse_word(p, r) < 0)
                return -1;
        } else {
            return fail(p, at, "unexpected character");
        }
        r->tokens++;
    }
    if (r->tokens == 0)
        return 0;
    if (r->off && r->has_times)
        return fail(p, p->pos, "times followed by 'off' are not supported");
    if (!r->off && !r->has_times && !r->all_week)
        return fail(p, p->pos, "expected opening times like 09:00-12:00 or 'off'");
    return 0;
}

static int apply_rule(struct horaires *h, const struct rule *r, int additional)
{
    struct slot s;
    memset(&s, 0, sizeof s);
    s.c = r->c;
    if (r->all_week) {
        s.n = 1;
        s.r[0].s = 0;
        s.r[0].e = DAY_MIN;
    } else {
        s.n = r->off ? 0 : r->n;
        memcpy(s.r, r->r, sizeof s.r);
    }
    if (r->off)
        additional = 0;
    unsigned days = r->has_days ? r->days : ALL_DAYS;
    for (int d = 0; d < 7; d++) {
        if (!(days & (1u << d)))
            continue;
        int rc = additional ? day_add_additional(&h->day[d], &s) : day_add(&h->day[d], &s);
        if (rc < 0)
            return -1;
    }
    if (r->ph) {
        struct slot ph = s;
        ph.c.weeks = ALL_WEEKS;
        ph.c.months = ALL_MONTHS;
        if (additional && h->has_ph) {
            if (slot_union(&h->ph, &s, &ph) < 0)
                return -1;
        }
        h->ph = ph;
        h->has_ph = 1;
    }
    return 0;
}

struct horaires *horaires_parse(const char *text, struct horaires_error *err)
{
    struct parser p = {text ? text : "", 0, err};
    if (err) {
        err->offset = 0;
        err->reason[0] = 0;
    }
    struct horaires *h = calloc(1, sizeof *h);
    if (!h) {
        fail(&p, 0, "out of memory");
        return NULL;
    }
    int any = 0, additional = 0;
    for (;;) {
        struct rule r;
        size_t start = skip_blanks(p.t, p.pos);
        if (parse_rule(&p, &r) < 0)
            goto error;
        if (r.tokens) {
            if (apply_rule(h, &r, additional && any) < 0) {
                fail(&p, start, "rule too complex (too many ranges or conditions)");
                goto error;
            }
            any = 1;
        }
        char c = p.t[p.pos];
        if (c == 0)
            break;
        additional = c == ',';
        p.pos++;
    }
    if (!any) {
        fail(&p, 0, "empty");
        goto error;
    }
    return h;
error:
    free(h);
    return NULL;
}

void horaires_free(struct horaires *h)
{
    free(h);
}

/* ---------------------------------------------------------------- dates */

static long long floor_div(long long a, long long b)
{
    long long q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

static long long floor_mod(long long a, long long b)
{
    return a - floor_div(a, b) * b;
}

/* Days since 1970-01-01 of the proleptic Gregorian date y-m-d (m 1..12). */
static long long days_from_civil(long long y, int m, int d)
{
    y -= m <= 2;
    long long era = floor_div(y, 400);
    long long yoe = y - era * 400;                               /* 0..399 */
    long long doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1; /* from March 1 */
    long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(long long z, long long *y, int *m)
{
    z += 719468;
    long long era = floor_div(z, 146097);
    long long doe = z - era * 146097;
    long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long long mp = (5 * doy + 2) / 153;
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

/* ISO 8601 week number (1..53) of day z. */
static int iso_week(long long z)
{
    long long wd = floor_mod(z + 3, 7); /* 0 = Monday; 1970-01-01 was a Thursday */
    long long thursday = z - wd + 3, y;
    int m;
    civil_from_days(thursday, &y, &m);
    return (int)((thursday - days_from_civil(y, 1, 1)) / 7 + 1);
}

static int cond_holds(struct cond c, long long z)
{
    long long y;
    int m;
    civil_from_days(z, &y, &m);
    return (c.months >> (m - 1) & 1) && (c.weeks >> iso_week(z) & 1);
}

/* A moment: day number (for conditions), weekday (0 = Monday), minute. */
struct when {
    long long day;
    int wd, min;
};

static struct when when_from_tm(const struct tm *tm)
{
    struct when w;
    long long y = (long long)tm->tm_year + 1900 + floor_div(tm->tm_mon, 12);
    int mon = (int)floor_mod(tm->tm_mon, 12);
    long long mins = (long long)tm->tm_hour * 60 + tm->tm_min;
    long long carry = floor_div(mins, DAY_MIN);
    w.day = days_from_civil(y, mon + 1, 1) + tm->tm_mday - 1 + carry;
    w.min = (int)floor_mod(mins, DAY_MIN);
    w.wd = (int)floor_mod((long long)tm->tm_wday + 6 + carry, 7);
    return w;
}

/* The slot in force on weekday wd of day z, or NULL when closed. */
static const struct slot *slot_on(const struct horaires *h, int wd, long long z)
{
    const struct day *d = &h->day[wd];
    for (int i = d->n - 1; i >= 0; i--)
        if (cond_holds(d->s[i].c, z))
            return &d->s[i];
    return NULL;
}

static int slot_covers(const struct slot *s, int minute)
{
    if (!s)
        return 0;
    for (int i = 0; i < s->n; i++)
        if (s->r[i].s <= minute && minute < s->r[i].e)
            return 1;
    return 0;
}

static int open_when(const struct horaires *h, struct when w)
{
    return slot_covers(slot_on(h, w.wd, w.day), w.min) ||
           slot_covers(slot_on(h, (w.wd + 6) % 7, w.day - 1), w.min + DAY_MIN);
}

/* ---------------------------------------------------------------- queries */

int horaires_open_at(const struct horaires *h, const struct tm *tm)
{
    if (!h || !tm)
        return 0;
    return open_when(h, when_from_tm(tm));
}

int horaires_open_during(const struct horaires *h, int wday, int from_min, int to_min)
{
    if (!h)
        return 0;
    int wd = (int)floor_mod((long long)wday + 6, 7);
    int from = from_min < 0 ? 0 : from_min > DAY_MIN ? DAY_MIN : from_min;
    int to = to_min < 0 ? 0 : to_min > DAY_MIN ? DAY_MIN : to_min;
    if (from >= to)
        return 0;
    const struct day *today = &h->day[wd], *before = &h->day[(wd + 6) % 7];
    for (int i = 0; i < today->n; i++)
        for (int j = 0; j < today->s[i].n; j++)
            if (today->s[i].r[j].s < to && today->s[i].r[j].e > from)
                return 1;
    for (int i = 0; i < before->n; i++)
        for (int j = 0; j < before->s[i].n; j++)
            if (before->s[i].r[j].e - DAY_MIN > from)
                return 1;
    return 0;
}

int horaires_minutes_until_open(const struct horaires *h, const struct tm *tm)
{
    if (!h || !tm)
        return -1;
    struct when now = when_from_tm(tm);
    if (open_when(h, now))
        return 0;
    /* Closed now: the place can only open at the start of some range. */
    const int horizon = 8 * DAY_MIN;
    int best = -1;
    for (int k = 0; k <= 8; k++) {
        const struct day *d = &h->day[(now.wd + k) % 7];
        for (int i = 0; i < d->n; i++) {
            for (int j = 0; j < d->s[i].n; j++) {
                int delta = k * DAY_MIN + d->s[i].r[j].s - now.min;
                if (delta <= 0 || delta > horizon || (best >= 0 && delta >= best))
                    continue;
                struct when w = {now.day + k, (now.wd + k) % 7, d->s[i].r[j].s};
                if (open_when(h, w))
                    best = delta;
            }
        }
    }
    return best;
}

/* ---------------------------------------------------------------- OSM out */

static int is_always_open(const struct horaires *h)
{
    for (int d = 0; d < 7; d++) {
        const struct day *x = &h->day[d];
        if (x->n != 1 || x->s[0].c.weeks != ALL_WEEKS || x->s[0].c.months != ALL_MONTHS ||
            x->s[0].n != 1 || x->s[0].r[0].s != 0 || x->s[0].r[0].e != DAY_MIN)
            return 0;
    }
    return 1;
}

static int never_open(const struct horaires *h)
{
    for (int d = 0; d < 7; d++)
        if (h->day[d].n)
            return 0;
    return 1;
}

static void osm_time(struct buf *b, int minutes)
{
    if (minutes > DAY_MIN)
        minutes -= DAY_MIN;
    buf_printf(b, "%02d:%02d", minutes / 60, minutes % 60);
}

static void osm_times(struct buf *b, const struct slot *s)
{
    if (s->n == 0) {
        buf_puts(b, "off");
        return;
    }
    for (int i = 0; i < s->n; i++) {
        if (i)
            buf_putc(b, ',');
        osm_time(b, s->r[i].s);
        buf_putc(b, '-');
        osm_time(b, s->r[i].e);
    }
}

static void osm_days_text(struct buf *b, unsigned mask)
{
    int first = 1;
    for (int d = 0; d < 7;) {
        if (!(mask & (1u << d))) {
            d++;
            continue;
        }
        int e = d;
        while (e + 1 < 7 && (mask & (1u << (e + 1))))
            e++;
        if (!first)
            buf_putc(b, ',');
        first = 0;
        if (e - d >= 2)
            buf_printf(b, "%s-%s", osm_days[d], osm_days[e]);
        else if (e == d + 1)
            buf_printf(b, "%s,%s", osm_days[d], osm_days[e]);
        else
            buf_puts(b, osm_days[d]);
        d = e + 1;
    }
}

/* Calls put(b, first, last, nth) for each run of set months, a run may wrap
 * around December ("Nov-Feb"). The mask is neither empty nor full. */
static void month_runs(struct buf *b, unsigned mask,
                       void (*put)(struct buf *, int, int, int, int), int nruns_total)
{
    int start = 0;
    if ((mask & 1u) && (mask & (1u << 11))) {
        int z = 11;
        while (z > 0 && (mask & (1u << z)))
            z--;
        start = z + 1;
    }
    int nth = 0;
    for (int i = 0; i < 12;) {
        int m = (start + i) % 12;
        if (!(mask & (1u << m))) {
            i++;
            continue;
        }
        int j = i;
        while (j + 1 < 12 && (mask & (1u << ((start + j + 1) % 12))))
            j++;
        put(b, m, (start + j) % 12, nth++, nruns_total);
        i = j + 1;
    }
}

static int count_month_runs(unsigned mask)
{
    int runs = 0;
    for (int m = 0; m < 12; m++)
        if ((mask & (1u << m)) && !(mask & (1u << ((m + 11) % 12))))
            runs++;
    return runs;
}

static void put_osm_month_run(struct buf *b, int a, int z, int nth, int total)
{
    (void)total;
    if (nth)
        buf_putc(b, ',');
    if (a == z)
        buf_puts(b, osm_months[a]);
    else
        buf_printf(b, "%s-%s", osm_months[a], osm_months[z]);
}

/* Weeks of the mask as a list; *step gets the common gap when the weeks
 * form a progression of 3 or more with a gap of 2 or more, else 0. */
static int week_list(uint64_t mask, int *weeks, int *step)
{
    int n = 0;
    for (int w = 1; w <= 53; w++)
        if (mask >> w & 1)
            weeks[n++] = w;
    *step = 0;
    if (n >= 3 && weeks[1] - weeks[0] >= 2) {
        int k = weeks[1] - weeks[0], ok = 1;
        for (int i = 2; i < n && ok; i++)
            ok = weeks[i] - weeks[i - 1] == k;
        if (ok)
            *step = k;
    }
    return n;
}

static void osm_weeks_text(struct buf *b, uint64_t mask)
{
    int weeks[53], step, n = week_list(mask, weeks, &step);
    if (step) {
        buf_printf(b, "%d-%d/%d", weeks[0], weeks[n - 1], step);
        return;
    }
    for (int i = 0; i < n;) {
        int j = i;
        while (j + 1 < n && weeks[j + 1] == weeks[j] + 1)
            j++;
        if (i)
            buf_putc(b, ',');
        if (j > i)
            buf_printf(b, "%d-%d", weeks[i], weeks[j]);
        else
            buf_printf(b, "%d", weeks[i]);
        i = j + 1;
    }
}

static void osm_rule(struct buf *b, unsigned days, const struct slot *s)
{
    if (s->c.months != ALL_MONTHS) {
        month_runs(b, s->c.months, put_osm_month_run, 0);
        buf_putc(b, ' ');
    }
    if (s->c.weeks != ALL_WEEKS) {
        buf_puts(b, "week ");
        osm_weeks_text(b, s->c.weeks);
        buf_putc(b, ' ');
    }
    if (days == ALL_DAYS)
        buf_puts(b, "Mo-Su");
    else
        osm_days_text(b, days);
    buf_putc(b, ' ');
    osm_times(b, s);
}

char *horaires_to_osm(const struct horaires *h)
{
    struct buf b = BUF_INIT;
    if (!h)
        return NULL;
    int any = 0;
    if (is_always_open(h)) {
        buf_puts(&b, "24/7");
        any = 1;
    } else {
        for (int layer = 0; layer < MAX_SLOTS; layer++) {
            unsigned done = 0;
            for (int d = 0; d < 7; d++) {
                if ((done & (1u << d)) || h->day[d].n <= layer)
                    continue;
                const struct slot *s = &h->day[d].s[layer];
                unsigned mask = 0;
                for (int e = d; e < 7; e++)
                    if (h->day[e].n > layer && slot_equal(&h->day[e].s[layer], s))
                        mask |= 1u << e;
                done |= mask;
                if (any)
                    buf_puts(&b, "; ");
                osm_rule(&b, mask, s);
                any = 1;
            }
        }
    }
    if (h->has_ph) {
        buf_puts(&b, any ? "; PH " : "PH ");
        osm_times(&b, &h->ph);
        any = 1;
    }
    if (!any)
        buf_puts(&b, "off");
    return buf_take(&b);
}

/* ---------------------------------------------------------------- French */

static void fr_time(struct buf *b, int minutes)
{
    minutes %= DAY_MIN;
    if (minutes % 60)
        buf_printf(b, "%d h %02d", minutes / 60, minutes % 60);
    else
        buf_printf(b, "%d h", minutes / 60);
}

/* Separator before item i of n in a French list: "", ", " or " et ". */
static void fr_sep(struct buf *b, int i, int n)
{
    if (i == 0)
        return;
    buf_puts(b, i == n - 1 ? " et " : ", ");
}

static void fr_times(struct buf *b, const struct slot *s)
{
    if (s->n == 0) {
        buf_puts(b, "fermé");
        return;
    }
    if (s->n == 1 && s->r[0].s == 0 && s->r[0].e == DAY_MIN) {
        buf_puts(b, "24 h sur 24");
        return;
    }
    for (int i = 0; i < s->n; i++) {
        fr_sep(b, i, s->n);
        buf_puts(b, "de ");
        fr_time(b, s->r[i].s);
        buf_puts(b, " à ");
        fr_time(b, s->r[i].e);
    }
}

/* "Du lundi au vendredi", "Lundi, mercredi et vendredi", "Tous les jours",
 * "Tous les jours sauf le mercredi". */
static void fr_days(struct buf *b, unsigned mask)
{
    size_t at = b->len;
    if (mask == ALL_DAYS) {
        buf_puts(b, "Tous les jours");
        return;
    }
    for (int d = 1; d < 6; d++) {
        if (mask == (ALL_DAYS & ~(1u << d))) {
            buf_printf(b, "Tous les jours sauf le %s", fr_day_names[d]);
            return;
        }
    }
    int first[7], last[7], n = 0;
    for (int d = 0; d < 7;) {
        if (!(mask & (1u << d))) {
            d++;
            continue;
        }
        int e = d;
        while (e + 1 < 7 && (mask & (1u << (e + 1))))
            e++;
        if (e - d >= 2) {
            first[n] = d;
            last[n++] = e;
        } else {
            for (int k = d; k <= e; k++) {
                first[n] = k;
                last[n++] = k;
            }
        }
        d = e + 1;
    }
    for (int i = 0; i < n; i++) {
        fr_sep(b, i, n);
        if (first[i] == last[i])
            buf_puts(b, fr_day_names[first[i]]);
        else
            buf_printf(b, "du %s au %s", fr_day_names[first[i]], fr_day_names[last[i]]);
    }
    if (!b->oom && b->len > at && b->s[at] >= 'a' && b->s[at] <= 'z')
        b->s[at] = (char)(b->s[at] - 'a' + 'A');
}

static void put_fr_month_run(struct buf *b, int a, int z, int nth, int total)
{
    fr_sep(b, nth, total);
    if (a == z) {
        buf_printf(b, "en %s", fr_month_names[a]);
        return;
    }
    char v = fr_month_names[a][0];
    int vowel = v == 'a' || v == 'o';
    buf_printf(b, "%s%s à %s", vowel ? "d'" : "de ", fr_month_names[a], fr_month_names[z]);
}

static void fr_weeks(struct buf *b, uint64_t mask)
{
    uint64_t odd = 0, even = 0;
    for (int w = 1; w <= 53; w++)
        *(w % 2 ? &odd : &even) |= (uint64_t)1 << w;
    if (mask == odd || mask == (odd & ~((uint64_t)1 << 53))) {
        buf_puts(b, "semaines impaires");
        return;
    }
    if (mask == even) {
        buf_puts(b, "semaines paires");
        return;
    }
    int weeks[53], step, n = week_list(mask, weeks, &step);
    if (step) {
        buf_printf(b, "une semaine sur %d, de la semaine %d à la semaine %d", step, weeks[0],
                   weeks[n - 1]);
        return;
    }
    if (n == 1) {
        buf_printf(b, "semaine %d", weeks[0]);
        return;
    }
    int first[53], last[53], runs = 0;
    for (int i = 0; i < n;) {
        int j = i;
        while (j + 1 < n && weeks[j + 1] == weeks[j] + 1)
            j++;
        first[runs] = weeks[i];
        last[runs++] = weeks[j];
        i = j + 1;
    }
    buf_puts(b, "semaines ");
    for (int i = 0; i < runs; i++) {
        fr_sep(b, i, runs);
        if (first[i] == last[i])
            buf_printf(b, "%d", first[i]);
        else
            buf_printf(b, "%d à %d", first[i], last[i]);
    }
}

static void fr_cond(struct buf *b, struct cond c)
{
    int weeks = c.weeks != ALL_WEEKS, months = c.months != ALL_MONTHS;
    if (!weeks && !months)
        return;
    buf_puts(b, " (");
    if (weeks)
        fr_weeks(b, c.weeks);
    if (weeks && months)
        buf_puts(b, ", ");
    if (months)
        month_runs(b, c.months, put_fr_month_run, count_month_runs(c.months));
    buf_putc(b, ')');
}

char *horaires_to_french(const struct horaires *h)
{
    struct buf b = BUF_INIT;
    if (!h)
        return NULL;
    if (is_always_open(h)) {
        buf_puts(&b, "Ouvert 24 h sur 24, 7 jours sur 7");
    } else if (never_open(h) && !(h->has_ph && h->ph.n)) {
        buf_puts(&b, "Fermé");
        return buf_take(&b);
    } else {
        /* Groups of days sharing a slot, in order of first day then rule. */
        struct {
            const struct slot *s;
            unsigned days;
        } g[7 * MAX_SLOTS];
        int ng = 0;
        for (int d = 0; d < 7; d++) {
            for (int i = 0; i < h->day[d].n; i++) {
                const struct slot *s = &h->day[d].s[i];
                int k = 0;
                while (k < ng && !slot_equal(g[k].s, s))
                    k++;
                if (k == ng) {
                    g[ng].s = s;
                    g[ng++].days = 0;
                }
                g[k].days |= 1u << d;
            }
        }
        for (int k = 0; k < ng; k++) {
            if (k)
                buf_putc(&b, '\n');
            fr_days(&b, g[k].days);
            buf_puts(&b, " : ");
            fr_times(&b, g[k].s);
            fr_cond(&b, g[k].s->c);
        }
    }
    if (h->has_ph) {
        if (b.len)
            buf_putc(&b, '\n');
        if (h->ph.n == 0) {
            buf_puts(&b, "Fermé les jours fériés");
        } else {
            buf_puts(&b, "Jours fériés : ");
            fr_times(&b, &h->ph);
        }
    }
    return buf_take(&b);
}

/* ---------------------------------------------------------------- cells */

static int cell_fail(char *out, size_t n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int cell_fail(char *out, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(out, n, fmt, ap);
    va_end(ap);
    return -1;
}

/* Does the cell say it is closed ("Fermé", "fermée", "closed") or hold only
 * blanks and punctuation ("-")? */
static int cell_says_closed(const char *s)
{
    size_t n = word_len(s);
    if (n >= 4 && lower(s[0]) == 'f' && lower(s[1]) == 'e' && lower(s[2]) == 'r' &&
        lower(s[3]) == 'm')
        return 1;
    if (word_is(s, n, "closed"))
        return 1;
    for (; *s; s++)
        if (is_alpha(*s) || (unsigned char)*s >= 0x80)
            return 0;
    return 1;
}

/* Skip "de" before a range ("de 9h à 12h"). */
static size_t skip_de(const char *s, size_t pos)
{
    if (lower(s[pos]) == 'd' && lower(s[pos + 1]) == 'e' && !is_alpha(s[pos + 2]))
        return skip_blanks(s, pos + 2);
    return pos;
}

/* Separator between the two times of a range: "-", en dash, "à", "a". */
static size_t range_sep_len(const char *s)
{
    size_t dl = dash_len(s);
    if (dl)
        return dl;
    if ((unsigned char)s[0] == 0xC3 && (unsigned char)s[1] == 0xA0)
        return 2; /* "à" */
    if ((s[0] == 'a' || s[0] == 'A') && !is_alpha(s[1]))
        return 1;
    return 0;
}

/* Separator between ranges: blanks, dashes, "/", ",", ";", "&", "+", "|",
 * "et". */
static size_t skip_list_sep(const char *s, size_t pos)
{
    for (;;) {
        size_t bl = blank_len(s + pos), dl = dash_len(s + pos);
        if (bl || dl) {
            pos += bl ? bl : dl;
        } else if (s[pos] && strchr("/,;&+|", s[pos])) {
            pos++;
        } else if (lower(s[pos]) == 'e' && lower(s[pos + 1]) == 't' && !is_alpha(s[pos + 2])) {
            pos += 2;
        } else {
            return pos;
        }
    }
}

int horaires_day_cell_to_osm(const char *cell, char *out, size_t n)
{
    if (!out || n == 0)
        return -1;
    out[0] = 0;
    if (!cell)
        return 1;
    size_t pos = skip_blanks(cell, 0);
    if (!cell[pos])
        return 1;
    if (!strpbrk(cell + pos, "0123456789")) {
        if (cell_says_closed(cell + pos))
            return 1;
        return cell_fail(out, n, "aucun horaire reconnu");
    }
    struct range r[MAX_RANGES];
    int ends[MAX_RANGES], count = 0;
    for (;;) {
        size_t at = skip_de(cell, pos), p = at;
        const char *why;
        int s, e;
        if (!is_digit(cell[p]))
            break;
        if (count == MAX_RANGES)
            return cell_fail(out, n, "trop de plages horaires");
        if (read_time(cell, &p, 0, &s, &why) < 0)
            return cell_fail(out, n, "heure illisible à la position %zu", p);
        p = skip_blanks(cell, p);
        size_t sl = range_sep_len(cell + p);
        if (!sl)
            return cell_fail(out, n, "heure de fin attendue à la position %zu", p);
        p = skip_blanks(cell, p + sl);
        if (read_time(cell, &p, 1, &e, &why) < 0)
            return cell_fail(out, n, "heure illisible à la position %zu", p);
        if (make_range(s, e, &r[count]) < 0)
            return cell_fail(out, n, "plage de plus de 24 heures à la position %zu", at);
        ends[count++] = e;
        pos = skip_list_sep(cell, p);
    }
    if (count == 0)
        return cell_fail(out, n, "texte inattendu à la position %zu", pos);
    /* Text after the hours ("sur rendez-vous") is dropped unless it holds
     * more figures, which could be hours we do not understand. */
    if (strpbrk(cell + pos, "0123456789"))
        return cell_fail(out, n, "texte inattendu à la position %zu", pos);
    char tmp[MAX_RANGES * 12 + 1];
    size_t len = 0;
    for (int i = 0; i < count; i++)
        len += (size_t)snprintf(tmp + len, sizeof tmp - len, "%s%02d:%02d-%02d:%02d",
                                i ? "," : "", r[i].s / 60, r[i].s % 60, ends[i] / 60,
                                ends[i] % 60);
    if (len >= n)
        return cell_fail(out, n, "résultat trop long");
    memcpy(out, tmp, len + 1);
    return 0;
}
