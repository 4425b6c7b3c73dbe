/* lieu.h - a place of the national standard "Lieux de médiation numérique"
 * v1.0.2, and its validation rules.
 *
 * A struct lieu holds the 32 fields of the standard as UTF-8 strings in the
 * standard's exported form (lists joined with "|", phones in E.164, dates
 * YYYY-MM-DD), plus parsed coordinates. Fields are indexed by enum
 * lieu_field in the schema's order, so export is a plain loop.
 *
 * Ownership: every non-NULL f[i] is malloc'd and owned by the struct;
 * lieu_set() replaces a field (copying the value), lieu_clear() frees all.
 * A zeroed struct lieu is a valid empty place. */
#ifndef LIEUX_LIEU_H
#define LIEUX_LIEU_H
#include <stddef.h>

enum lieu_field {
    LF_ID, LF_PIVOT, LF_NOM, LF_COMMUNE, LF_CODE_POSTAL, LF_CODE_INSEE, LF_ADRESSE,
    LF_COMPLEMENT_ADRESSE, LF_LATITUDE, LF_LONGITUDE, LF_TYPOLOGIE, LF_TELEPHONE,
    LF_COURRIELS, LF_SITE_WEB, LF_HORAIRES, LF_PRESENTATION_RESUME,
    LF_PRESENTATION_DETAIL, LF_SOURCE, LF_ITINERANCE, LF_STRUCTURE_PARENTE, LF_DATE_MAJ,
    LF_SERVICES, LF_PUBLICS_SPECIFIQUEMENT_ADRESSES, LF_PRISE_EN_CHARGE_SPECIFIQUE,
    LF_FRAIS_A_CHARGE, LF_DISPOSITIF_PROGRAMMES_NATIONAUX, LF_FORMATIONS_LABELS,
    LF_AUTRES_FORMATIONS_LABELS, LF_MODALITES_ACCES, LF_MODALITES_ACCOMPAGNEMENT,
    LF_FICHE_ACCES_LIBRE, LF_PRISE_RDV,
    LF__COUNT
};

struct lieu {
    char *f[LF__COUNT];
    double lat, lon;   /* valid when has_coords */
    int has_coords;
};

/* Field metadata from the standard. */
struct lieu_field_info {
    const char *name;          /* column name in the standard */
    const char *label;         /* French label for pages and reports */
    int required;
    int multi;                 /* "|"-separated list */
    const char *const *values; /* allowed values (NULL-terminated), or NULL */
};

const struct lieu_field_info *lieu_field_info(enum lieu_field f);
/* Field index by standard column name, or -1. */
int lieu_field_by_name(const char *name);

/* Set field f to a copy of value (NULL or "" clears it). Returns 0 or -1 OOM. */
int lieu_set(struct lieu *l, enum lieu_field f, const char *value);
/* Take ownership of a malloc'd value (NULL clears). Cannot fail. */
void lieu_set_owned(struct lieu *l, enum lieu_field f, char *value);
static inline const char *lieu_get(const struct lieu *l, enum lieu_field f)
{
    return l->f[f] ? l->f[f] : "";
}
void lieu_clear(struct lieu *l);
/* Deep copy; returns 0 or -1 on OOM (dst is then cleared). */
int lieu_copy(struct lieu *dst, const struct lieu *src);

/* One problem found while validating or normalising a place. */
enum lieu_severity {
    LIEU_FIXED,    /* value changed to fit the standard (e.g. phone to E.164) */
    LIEU_DROPPED,  /* optional value removed: it breaks the standard */
    LIEU_REJECTED  /* required field missing or invalid: the place is refused */
};

struct lieu_issue {
    enum lieu_severity severity;
    int field;          /* enum lieu_field, or -1 for the whole row */
    char value[200];    /* offending value (truncated, UTF-8 safe) */
    char rule[200];     /* what rule it broke, in French */
};

struct lieu_issues {
    struct lieu_issue *v;
    size_t n, cap;
};

void lieu_issues_free(struct lieu_issues *is);
/* Append an issue (value and rule are copied, truncated). Returns 0 or -1. */
int lieu_issues_add(struct lieu_issues *is, enum lieu_severity sev, int field,
                    const char *value, const char *rule);

/* Normalise and validate a place against the standard v1.0.2, in place:
 * trims fields, turns phones into E.164, splits/joins lists with "|",
 * drops unknown enumeration values (reported), detects swapped latitude and
 * longitude (fixed and reported) and points outside France and its overseas
 * territories (coordinates dropped, reported), checks patterns and dates.
 * Issues are appended to `is`. Returns 1 when the place is acceptable, 0
 * when it must be rejected (a LIEU_REJECTED issue was added), -1 on OOM. */
int lieu_normalize(struct lieu *l, struct lieu_issues *is);

/* Does `point` lie in France (metropolitan or overseas) per a coarse set of
 * bounding boxes? Returns 1 or 0. */
int lieu_point_in_france(double lat, double lon);

/* A 64-bit FNV-1a hash of the 32 fields, as 16 hex digits into out[17]:
 * equal places have equal hashes (re-imports skip unchanged rows; the
 * producers' API uses it as the ETag). Cannot fail. */
void lieu_hash(const struct lieu *l, char out[17]);

/* The place as a JSON object of its non-empty fields in the standard's
 * form (lists as "|" text, as exported; latitude/longitude as numbers).
 * Returns malloc'd text (free()) or NULL on OOM. */
char *lieu_to_json(const struct lieu *l);

/* Does the "|"-list `list` contain `value` exactly? Returns 1 or 0. */
int lieu_list_has(const char *list, const char *value);

/* Freshness: whole days from the place's date_maj to day `today` (days
 * since 1970, base/jour.h), or -1 when the date is missing, unreadable,
 * before 2000 (placeholders such as 1970-01-01) or in the future. The
 * public page warns after LIEU_VIEUX_JOURS; the people who can edit the
 * place are asked to check it after LIEU_A_VERIFIER_JOURS (data·inclusion's
 * quality score penalises records older than 6 months). */
#define LIEU_VIEUX_JOURS 365
#define LIEU_A_VERIFIER_JOURS 183
long lieu_age_jours(const struct lieu *l, long today);

#endif
