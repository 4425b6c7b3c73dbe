/* horaires.h - OSM `opening_hours` for the standard's `horaires` field.
 *
 * Our own parser of the subset of the OSM opening_hours grammar that
 * producers of "Lieux de médiation numérique" use: weekday ranges and lists
 * (Mo-Fr, Mo,We), time ranges and lists (09:00-12:00,14:00-18:30), several
 * rules separated by ";" (a later rule for the same day replaces the earlier
 * one, as in OSM), "off"/"closed", "24/7", public holidays "PH off" (PH is
 * parsed; holidays are not evaluated), week ranges "week 1-53/2", month
 * ranges "Jan-Jun", times past midnight (22:00-02:00 and 24:00), and the
 * common producer mistakes (9h30, "9:00", spaces around "-", "," followed by
 * a space). Anything else is an error with the byte offset and a reason.
 *
 * A parsed value is a weekly timetable plus optional week/month conditions;
 * it can answer "open at time t", "open during [from,to) on a weekday", and
 * render itself in plain French ("du lundi au vendredi de 9 h à 12 h ...").
 * Ownership: horaires_parse() returns a heap object released with
 * horaires_free(); all other functions borrow it. */
#ifndef LIEUX_HORAIRES_H
#define LIEUX_HORAIRES_H
#include <stddef.h>
#include <time.h>

struct horaires;

struct horaires_error {
    size_t offset;      /* byte offset in the input where parsing failed */
    char reason[160];   /* English, short: "expected a time like 09:00" */
};

/* Parse `text` (UTF-8, NUL-terminated). Returns NULL and fills *err (when
 * err is not NULL) on a syntax error or when memory runs out. An empty or
 * all-blank text is an error ("empty"). */
struct horaires *horaires_parse(const char *text, struct horaires_error *err);
void horaires_free(struct horaires *h);

/* Is the place open at local time `tm` (fields tm_wday, tm_hour, tm_min,
 * tm_mon, tm_mday, tm_year used; tm_yday/ISO week computed internally)?
 * Returns 1 open, 0 closed. Cannot fail. */
int horaires_open_at(const struct horaires *h, const struct tm *tm);

/* Is the place open at some moment of [from_min, to_min) minutes after
 * midnight on weekday `wday` (0 = Sunday ... 6 = Saturday), ignoring
 * week/month conditions? E.g. "open on Saturday morning" is
 * horaires_open_during(h, 6, 0, 12*60). Returns 1 or 0. Cannot fail. */
int horaires_open_during(const struct horaires *h, int wday, int from_min, int to_min);

/* Next opening at or after `tm` within 8 days: returns minutes from `tm`
 * until it opens (0 when open now), or -1 when never open in that window. */
int horaires_minutes_until_open(const struct horaires *h, const struct tm *tm);

/* Plain French rendering, one line per group of days with identical hours,
 * lines separated by "\n", e.g.
 *   "Du lundi au vendredi : de 9 h à 12 h et de 14 h à 18 h 30\nSamedi : de 8 h 30 à 12 h"
 * Days never open are omitted; week/month conditions are said in words
 * ("les semaines impaires", "de janvier à juin"). Returns a malloc'd string
 * (free()) or NULL when memory runs out. */
char *horaires_to_french(const struct horaires *h);

/* Canonical OSM form of the parsed value ("Mo-Fr 09:00-12:00,14:00-18:30; Sa
 * 08:30-12:00"). Returns a malloc'd string (free()) or NULL on OOM. */
char *horaires_to_osm(const struct horaires *h);

/* Convert one day of a France services style timetable cell, e.g.
 * "09:00 - 12:00 / 13:30 - 17:00" or "9h-12h et 14h-17h", into the OSM
 * time list "09:00-12:00,13:30-17:00". Writes into out (size n, NUL
 * terminated). Returns 0, 1 when the cell is empty/closed ("Fermé"), or -1
 * when it cannot be understood (out then holds a reason). */
int horaires_day_cell_to_osm(const char *cell, char *out, size_t n);

#endif
