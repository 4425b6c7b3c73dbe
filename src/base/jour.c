/* jour.c - calendar days as integers (see jour.h). The civil conversions
 * are the well-known era arithmetic (400-year cycles of 146,097 days). */
#include "base/jour.h"

#include <stdio.h>
#include <string.h>

long jour_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void jour_to_civil(long j, int *y, int *m, int *d)
{
    j += 719468;
    long era = (j >= 0 ? j : j - 146096) / 146097;
    long doe = j - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

int jour_month_days(int y, int m)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12)
        return 0;
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return days[m - 1];
}

int jour_parse(const char *s, long *j)
{
    if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return -1;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
            return -1;
    int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    int m = (s[5] - '0') * 10 + (s[6] - '0');
    int d = (s[8] - '0') * 10 + (s[9] - '0');
    if (y < 1900 || y > 2199 || m < 1 || m > 12 || d < 1 || d > jour_month_days(y, m))
        return -1;
    *j = jour_from_civil(y, m, d);
    return 0;
}

void jour_format(long j, char out[11])
{
    int y, m, d;
    jour_to_civil(j, &y, &m, &d);
    snprintf(out, 11, "%04d-%02d-%02d", y % 10000, m, d);
}

/* 01:00 UTC on the last Sunday of (31-day) month m: the EU switch. */
static time_t eu_switch(int y, int m)
{
    long last = jour_from_civil(y, m, 31);
    long wday = ((last + 4) % 7 + 7) % 7; /* 1970-01-01 was a Thursday */
    return (time_t)((last - wday) * 86400L + 3600);
}

long jour_local(time_t t)
{
    long utc_day = (long)(t >= 0 ? t / 86400 : (t - 86399) / 86400);
    int y, m, d;
    jour_to_civil(utc_day, &y, &m, &d);
    int offset = t >= eu_switch(y, 3) && t < eu_switch(y, 10) ? 7200 : 3600;
    time_t local = t + offset;
    return (long)(local >= 0 ? local / 86400 : (local - 86399) / 86400);
}

long jour_debut(int grain, long j)
{
    if (grain == JOUR_GRAIN_JOUR)
        return j;
    int y, m, d;
    jour_to_civil(j, &y, &m, &d);
    return grain == JOUR_GRAIN_MOIS ? jour_from_civil(y, m, 1) : jour_from_civil(y, 1, 1);
}

int jour_decoupe(long du, long au, int (*fn)(int grain, long from, long to, void *arg), void *arg)
{
    long cur = du, run_from = 0, run_to = 0;
    int run_grain = -1, r;
    while (cur <= au) {
        int y, m, dd, g;
        long next;
        jour_to_civil(cur, &y, &m, &dd);
        if (m == 1 && dd == 1 && jour_from_civil(y, 12, 31) <= au) {
            g = JOUR_GRAIN_AN;
            next = jour_from_civil(y + 1, 1, 1);
        } else if (dd == 1 && cur + jour_month_days(y, m) - 1 <= au) {
            g = JOUR_GRAIN_MOIS;
            next = cur + jour_month_days(y, m);
        } else {
            g = JOUR_GRAIN_JOUR;
            next = cur + 1;
        }
        if (g != run_grain) {
            if (run_grain >= 0 && (r = fn(run_grain, run_from, run_to, arg)) != 0)
                return r;
            run_grain = g;
            run_from = cur;
        }
        run_to = cur;
        cur = next;
    }
    return run_grain >= 0 ? fn(run_grain, run_from, run_to, arg) : 0;
}
