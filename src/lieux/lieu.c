/* lieu.c - the place model of the national standard "Lieux de médiation
 * numérique" v1.0.2: field table, ownership helpers, issue list, and the
 * normalisation/validation of one place (see lieu.h).
 *
 * lieu_normalize() rules, in the order they are applied. Every rule that
 * changes a value adds a LIEU_FIXED issue, every optional value removed adds a
 * LIEU_DROPPED issue, every reason to refuse the place adds a LIEU_REJECTED
 * issue. The issue's value is the original (pre-normalisation) value, or the
 * single list item concerned.
 *
 *  1. Text. Bytes that are not valid UTF-8 are read as Windows-1252 (FIXED).
 *     Control characters are removed. Every field is trimmed (ASCII and
 *     Unicode spaces, zero-width spaces and BOMs). In single-line fields
 *     (all but presentation_detail and horaires) internal runs of whitespace
 *     become one space; presentation_detail keeps its line breaks (CRLF and
 *     CR become LF); horaires is only trimmed (horaires.c checks the OSM
 *     syntax). An empty field becomes NULL.
 *  2. Required fields: id, pivot, nom, commune, code_postal, adresse,
 *     date_maj. Missing -> REJECTED "champ obligatoire absent".
 *  3. pivot: spaces removed when the value holds at least 7 digits
 *     ("434 933 123 00029", FIXED); must match ^[a-zA-Z0-9]{9,14}$ (SIRET,
 *     RNA, RIDET; the national placeholder "00000000000000" passes), else
 *     REJECTED.
 *  4. code_postal: spaces removed, 4 digits left-padded with 0 (FIXED); must
 *     match ^\d{5}$, else REJECTED.
 *  5. code_insee: spaces removed, "2a"/"2b" upper-cased, 4 digits padded
 *     (FIXED); must match ^([013-9]\d|2[AB1-9])\d{3}$, else DROPPED.
 *  6. latitude/longitude: decimal numbers, "43,29" accepted (FIXED to a
 *     point); written with at most 6 decimals and no trailing zeros. Both or
 *     neither (a lone one is DROPPED). A point outside France whose swap is
 *     in France is swapped (FIXED "latitude et longitude inversées"); a point
 *     in neither position is DROPPED ("point hors de France"). has_coords,
 *     lat and lon mirror the kept text.
 *  7. telephone: one number in E.164 form matching the standard's pattern
 *     ^(\+33|\+590|\+594|\+262|\+596|\+269|\+687|\+689|\+508|\+681)\d{6,9}$.
 *     Separators " . - ( )" and "(0)" are ignored, "00" means "+", a leading
 *     label like "Tél :" is skipped. French national numbers get +33, except
 *     the overseas ranges: 0590/0690/0691 -> +590, 0594/0694 -> +594,
 *     0596/0696/0697 -> +596, 0262/0263/0692/0693 and Mayotte's 0269/0639 ->
 *     +262, 0508 -> +508 (same when written +33 2 62...). 9 digits without
 *     the leading 0 (spreadsheets drop it) and "33..." without "+" are
 *     accepted. Local numbers of New Caledonia (6 digits, +687), French
 *     Polynesia (8, +689), Wallis-et-Futuna (6, +681) and Saint-Pierre-et-
 *     Miquelon (6, +508) get their code from the postcode/INSEE code (988,
 *     987, 986, 975). Any change is FIXED. Several numbers (separated by
 *     "/", "|", ";", ",", "ou", "et"): the first valid one is kept, the
 *     others are DROPPED. Nothing valid -> DROPPED "numéro de téléphone non
 *     reconnu".
 *  8. courriels: split on "|", ";", "," then on spaces; "mailto:" removed
 *     (FIXED); kept when plausible (one "@", non-empty local part, a dot in
 *     the domain, a TLD of 2+ characters, no spaces, no empty domain
 *     label), else DROPPED one by one; duplicates removed (FIXED); joined
 *     with "|" (FIXED when another separator was used). A space-separated
 *     chunk with a word that is neither an address nor a filler ("-", "et",
 *     "(accueil)") holds a space inside an address ("maisondes
 *     services@x.fr"): the chunk is DROPPED whole, never a wrong fragment.
 *  9. site_web: same splitting; "www." gets "https://" (FIXED); kept when it
 *     starts with http:// or https:// followed by a host with a dot and no
 *     forbidden characters, else DROPPED. fiche_acces_libre and prise_rdv
 *     are single URLs with the same rule.
 * 10. Enumerated fields (services, publics_specifiquement_adresses,
 *     prise_en_charge_specifique, frais_a_charge,
 *     dispositif_programmes_nationaux, formations_labels, modalites_acces,
 *     modalites_accompagnement, itinerance): split on "|" (and ";" of the
 *     legacy v0 files); exact values kept; values equal ignoring case,
 *     accents, spaces and punctuation are replaced by the canonical spelling
 *     (FIXED); others DROPPED "valeur hors de la liste du standard";
 *     duplicates removed keeping first-seen order.
 * 11. typologie: split on "|", ";", ","; codes upper-cased, accents removed,
 *     spaces and "-" turned into "_" (FIXED); kept when they match
 *     ^[A-Z][A-Z0-9_]*$ (digits for E2C) or are "Autre", else DROPPED.
 * 12. date_maj: YYYY-MM-DD; "YYYY-MM-DDTHH:MM..." and "YYYY-MM-DD HH:MM"
 *     lose the time, "DD/MM/YYYY" (also with "." or "-") is reordered
 *     (FIXED). Must be a real calendar date, else REJECTED.
 * 13. presentation_resume: at most 280 code points; longer text is cut to
 *     277 code points (trailing spaces removed) plus "..." (FIXED).
 * 14. autres_formations_labels: "|"-list, items trimmed, empty items removed.
 *
 * Invariant (tested): when lieu_normalize() returns 1, the place written as
 * one CSV row passes ../shared/tools/validate_lieux.py (required, number,
 * date, patterns, maxLength in code points). Uniqueness of id across rows is
 * the exporter's concern. Coordinates are parsed and printed without the C
 * locale's help, so setlocale() cannot change them. */
#include "lieux/lieu.h"

#include "base/buf.h"
#include "base/jour.h"
#include "base/jsonw.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* Field table                                                          */

static const char *const v_itinerance[] = {"Itinérant", "Fixe", NULL};

static const char *const v_services[] = {
    "Aide aux démarches administratives",
    "Maîtrise des outils numériques du quotidien",
    "Insertion professionnelle via le numérique",
    "Utilisation sécurisée du numérique",
    "Parentalité et éducation avec le numérique",
    "Loisirs et créations numériques",
    "Compréhension du monde numérique",
    "Accès internet et matériel informatique",
    "Acquisition de matériel informatique à prix solidaire",
    NULL};

static const char *const v_publics[] = {
    "Jeunes", "Étudiants", "Familles et/ou enfants", "Seniors", "Femmes", NULL};

static const char *const v_prise_en_charge[] = {
    "Surdité",
    "Handicaps moteurs",
    "Handicaps mentaux",
    "Illettrisme",
    "Langues étrangères (anglais)",
    "Langues étrangères (autres)",
    "Déficience visuelle",
    NULL};

static const char *const v_frais[] = {"Gratuit", "Gratuit sous condition", "Payant", NULL};

static const char *const v_dispositifs[] = {
    "Aidants Connect",
    "Bibliothèques numérique de référence",
    "Certification PIX",
    "Conseillers numériques",
    "Emmaüs Connect",
    "France Services",
    "Grande école du numérique",
    "La Croix Rouge",
    "Point d'accès numérique CAF",
    "Promeneurs du net",
    "Relais numérique (Emmaüs Connect)",
    NULL};

/* "Étapes numériques(La Poste)" has no space before "(" in schema.json. */
static const char *const v_formations[] = {
    "Formé à « Mon Espace Santé »",
    "Formé à « DUPLEX » (illettrisme)",
    "Arnia/MedNum BFC (Bourgogne-Franche-Comté)",
    "Collectif ressources et acteurs réemploi (Normandie)",
    "Étapes numériques(La Poste)",
    "Fabriques de Territoire",
    "Les Éclaireurs du numérique (Drôme)",
    "Mes Papiers (Métropole de Lyon)",
    "ORDI 3.0",
    "SUD LABS (PACA)",
    NULL};

static const char *const v_modalites_acces[] = {
    "Se présenter",
    "Téléphoner",
    "Contacter par mail",
    "Prendre un RDV en ligne",
    "Ce lieu n'accueille pas de public",
    "Envoyer un mail avec une fiche de prescription",
    NULL};

static const char *const v_accompagnement[] = {
    "En autonomie", "Accompagnement individuel", "Dans un atelier collectif", "À distance", NULL};

static const struct lieu_field_info fields[LF__COUNT] = {
    [LF_ID] = {"id", "Identifiant unique local du lieu", 1, 0, NULL},
    [LF_PIVOT] = {"pivot", "SIRET ou RNA ou RIDET", 1, 0, NULL},
    [LF_NOM] = {"nom", "Nom", 1, 0, NULL},
    [LF_COMMUNE] = {"commune", "Commune", 1, 0, NULL},
    [LF_CODE_POSTAL] = {"code_postal", "Code postal", 1, 0, NULL},
    [LF_CODE_INSEE] = {"code_insee", "Code INSEE", 0, 0, NULL},
    [LF_ADRESSE] = {"adresse", "Adresse", 1, 0, NULL},
    [LF_COMPLEMENT_ADRESSE] = {"complement_adresse", "Complément d'adresse", 0, 0, NULL},
    [LF_LATITUDE] = {"latitude", "Latitude", 0, 0, NULL},
    [LF_LONGITUDE] = {"longitude", "Longitude", 0, 0, NULL},
    [LF_TYPOLOGIE] = {"typologie", "Typologie", 0, 1, NULL},
    [LF_TELEPHONE] = {"telephone", "Numéro de téléphone", 0, 0, NULL},
    [LF_COURRIELS] = {"courriels", "Courriel(s)", 0, 1, NULL},
    [LF_SITE_WEB] = {"site_web", "Site web", 0, 1, NULL},
    [LF_HORAIRES] = {"horaires", "Horaires", 0, 0, NULL},
    [LF_PRESENTATION_RESUME] = {"presentation_resume", "Présentation résumé", 0, 0, NULL},
    [LF_PRESENTATION_DETAIL] = {"presentation_detail", "Présentation détaillée", 0, 0, NULL},
    [LF_SOURCE] = {"source", "Structure collectant la donnée", 0, 0, NULL},
    [LF_ITINERANCE] = {"itinerance", "Itinérance", 0, 1, v_itinerance},
    [LF_STRUCTURE_PARENTE] = {"structure_parente", "Structure parente", 0, 0, NULL},
    [LF_DATE_MAJ] = {"date_maj", "Date de mise à jour", 1, 0, NULL},
    [LF_SERVICES] = {"services", "Services", 0, 1, v_services},
    [LF_PUBLICS_SPECIFIQUEMENT_ADRESSES] = {"publics_specifiquement_adresses",
                                            "Publics spécifiquement adressés", 0, 1, v_publics},
    [LF_PRISE_EN_CHARGE_SPECIFIQUE] = {"prise_en_charge_specifique",
                                       "Prise en charge spécifique", 0, 1, v_prise_en_charge},
    [LF_FRAIS_A_CHARGE] = {"frais_a_charge", "Frais à charge", 0, 1, v_frais},
    [LF_DISPOSITIF_PROGRAMMES_NATIONAUX] = {"dispositif_programmes_nationaux",
                                            "Dispositifs et programmes nationaux", 0, 1,
                                            v_dispositifs},
    [LF_FORMATIONS_LABELS] = {"formations_labels", "Formations et labels", 0, 1, v_formations},
    [LF_AUTRES_FORMATIONS_LABELS] = {"autres_formations_labels", "Autres formations et labels",
                                     0, 1, NULL},
    [LF_MODALITES_ACCES] = {"modalites_acces", "Modalités d'accès", 0, 1, v_modalites_acces},
    [LF_MODALITES_ACCOMPAGNEMENT] = {"modalites_accompagnement", "Modalités d'accompagnement", 0,
                                     1, v_accompagnement},
    [LF_FICHE_ACCES_LIBRE] = {"fiche_acces_libre", "Fiche Accès libre", 0, 0, NULL},
    [LF_PRISE_RDV] = {"prise_rdv", "Prise de rdv", 0, 0, NULL},
};

const struct lieu_field_info *lieu_field_info(enum lieu_field f)
{
    if ((int)f < 0 || f >= LF__COUNT)
        return NULL;
    return &fields[f];
}

int lieu_field_by_name(const char *name)
{
    if (!name)
        return -1;
    for (int i = 0; i < LF__COUNT; i++)
        if (strcmp(fields[i].name, name) == 0)
            return i;
    return -1;
}

/* ------------------------------------------------------------------ */
/* Ownership                                                            */

static char *dup_str(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

int lieu_set(struct lieu *l, enum lieu_field f, const char *value)
{
    if (!value || !*value) {
        lieu_set_owned(l, f, NULL);
        return 0;
    }
    char *d = dup_str(value);
    if (!d)
        return -1;
    lieu_set_owned(l, f, d);
    return 0;
}

void lieu_set_owned(struct lieu *l, enum lieu_field f, char *value)
{
    if (value == l->f[f])
        return;
    free(l->f[f]);
    l->f[f] = value;
}

void lieu_clear(struct lieu *l)
{
    for (int i = 0; i < LF__COUNT; i++)
        free(l->f[i]);
    memset(l, 0, sizeof *l);
}

/* dst must be a valid place (zeroed, or holding one: its fields are freed). */
int lieu_copy(struct lieu *dst, const struct lieu *src)
{
    if (dst == src)
        return 0;
    struct lieu tmp;
    memset(&tmp, 0, sizeof tmp);
    for (int i = 0; i < LF__COUNT; i++) {
        if (src->f[i] && !(tmp.f[i] = dup_str(src->f[i]))) {
            lieu_clear(&tmp);
            lieu_clear(dst);
            return -1;
        }
    }
    tmp.lat = src->lat;
    tmp.lon = src->lon;
    tmp.has_coords = src->has_coords;
    lieu_clear(dst);
    *dst = tmp;
    return 0;
}

/* ------------------------------------------------------------------ */
/* UTF-8                                                                */

/* Decode one strict UTF-8 sequence (no overlongs, surrogates or values past
 * U+10FFFF, as Python's decoder). Returns its length, or 0 when invalid. */
static size_t u8_dec(const unsigned char *s, size_t n, uint32_t *cp)
{
    if (n == 0)
        return 0;
    unsigned c = s[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    size_t len;
    uint32_t v, min;
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2, v = c & 0x1F, min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3, v = c & 0x0F, min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4, v = c & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (s[i] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    *cp = v;
    return len;
}

static int u8_put(struct buf *b, uint32_t cp)
{
    char t[4];
    size_t n;
    if (cp < 0x80) {
        t[0] = (char)cp, n = 1;
    } else if (cp < 0x800) {
        t[0] = (char)(0xC0 | (cp >> 6)), t[1] = (char)(0x80 | (cp & 0x3F)), n = 2;
    } else if (cp < 0x10000) {
        t[0] = (char)(0xE0 | (cp >> 12)), t[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        t[2] = (char)(0x80 | (cp & 0x3F)), n = 3;
    } else {
        t[0] = (char)(0xF0 | (cp >> 18)), t[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        t[2] = (char)(0x80 | ((cp >> 6) & 0x3F)), t[3] = (char)(0x80 | (cp & 0x3F)), n = 4;
    }
    return buf_add(b, t, n);
}

/* Windows-1252 byte to code point; 0 for the five undefined bytes. */
static uint32_t cp1252(unsigned char c)
{
    static const uint16_t hi[32] = {
        0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
        0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
        0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};
    if (c >= 0x80 && c < 0xA0)
        return hi[c - 0x80];
    return c;
}

/* Copy src into dst[cap] cutting at a code point boundary, invalid bytes as
 * '?', and "…" when it had to cut. */
static void copy_trunc(char *dst, size_t cap, const char *src)
{
    const unsigned char *s = (const unsigned char *)(src ? src : "");
    size_t n = strlen((const char *)s), i = 0, o = 0;
    int cut = 0;
    while (i < n) {
        uint32_t cp;
        size_t k = u8_dec(s + i, n - i, &cp);
        const char *piece = (const char *)s + i;
        size_t plen = k;
        if (!k)
            piece = "?", plen = 1, k = 1;
        if (o + plen > cap - 1) {
            cut = 1;
            break;
        }
        memcpy(dst + o, piece, plen);
        o += plen;
        i += k;
    }
    if (cut) {
        while (o > 0 && o + 3 > cap - 1) {
            do
                o--;
            while (o > 0 && ((unsigned char)dst[o] & 0xC0) == 0x80);
        }
        memcpy(dst + o, "\xE2\x80\xA6", 3);
        o += 3;
    }
    dst[o] = 0;
}

static size_t u8_count(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            n++;
    return n;
}

/* ------------------------------------------------------------------ */
/* Issues                                                               */

void lieu_issues_free(struct lieu_issues *is)
{
    free(is->v);
    is->v = NULL;
    is->n = is->cap = 0;
}

int lieu_issues_add(struct lieu_issues *is, enum lieu_severity sev, int field,
                    const char *value, const char *rule)
{
    if (!is)
        return 0;
    if (is->n == is->cap) {
        size_t cap = is->cap ? is->cap * 2 : 8;
        struct lieu_issue *v = realloc(is->v, cap * sizeof *v);
        if (!v)
            return -1;
        is->v = v;
        is->cap = cap;
    }
    struct lieu_issue *x = &is->v[is->n++];
    x->severity = sev;
    x->field = field;
    copy_trunc(x->value, sizeof x->value, value);
    copy_trunc(x->rule, sizeof x->rule, rule);
    return 0;
}

/* ------------------------------------------------------------------ */
/* Geography                                                            */

static const struct {
    double lat0, lat1, lon0, lon1;
} france_boxes[] = {
    {41.0, 51.5, -5.8, 10.0},      /* metropolitan France and Corsica */
    {15.8, 16.6, -61.9, -60.9},    /* Guadeloupe */
    {17.8, 18.2, -63.2, -62.7},    /* Saint-Barthélemy, Saint-Martin */
    {14.3, 14.95, -61.3, -60.75},  /* Martinique */
    {2.0, 6.0, -54.7, -51.5},      /* Guyane */
    {-21.45, -20.8, 55.15, 55.9},  /* La Réunion */
    {-13.1, -12.55, 44.9, 45.35},  /* Mayotte */
    {46.7, 47.2, -56.5, -56.0},    /* Saint-Pierre-et-Miquelon */
    {-14.45, -13.1, -178.3, -176.0}, /* Wallis-et-Futuna */
    {-28.0, -7.5, -155.0, -134.0}, /* Polynésie française */
    {-23.0, -19.0, 163.0, 168.5},  /* Nouvelle-Calédonie */
};

int lieu_point_in_france(double lat, double lon)
{
    for (size_t i = 0; i < sizeof france_boxes / sizeof france_boxes[0]; i++)
        if (lat >= france_boxes[i].lat0 && lat <= france_boxes[i].lat1 &&
            lon >= france_boxes[i].lon0 && lon <= france_boxes[i].lon1)
            return 1;
    return 0; /* also for NaN */
}

int lieu_list_has(const char *list, const char *value)
{
    if (!list || !value || !*list)
        return 0;
    size_t n = strlen(value);
    const char *p = list;
    for (;;) {
        const char *e = strchr(p, '|');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len == n && memcmp(p, value, n) == 0)
            return 1;
        if (!e)
            return 0;
        p = e + 1;
    }
}

/* ------------------------------------------------------------------ */
/* Normalisation context                                                */

struct nctx {
    struct lieu *l;
    struct lieu_issues *is;
    char *orig[LF__COUNT];
    int rejected, oom;
};

static void issue(struct nctx *c, enum lieu_severity sev, int field, const char *value,
                  const char *rule)
{
    if (lieu_issues_add(c->is, sev, field, value, rule) < 0)
        c->oom = 1;
    if (sev == LIEU_REJECTED)
        c->rejected = 1;
}

static const char *orig(struct nctx *c, int f)
{
    return c->orig[f] ? c->orig[f] : "";
}

/* Set a field to a copy of v (NULL/"" clears). */
static void put(struct nctx *c, int f, const char *v)
{
    if (lieu_set(c->l, (enum lieu_field)f, v) < 0)
        c->oom = 1;
}

/* Set a field from a buffer, taking its bytes. */
static void put_buf(struct nctx *c, int f, struct buf *b)
{
    if (b->oom) {
        c->oom = 1;
        buf_free(b);
        return;
    }
    if (b->len == 0) {
        buf_free(b);
        lieu_set_owned(c->l, (enum lieu_field)f, NULL);
        return;
    }
    lieu_set_owned(c->l, (enum lieu_field)f, buf_take(b));
}

/* ------------------------------------------------------------------ */
/* Step 1: text clean-up                                                */

enum text_mode { M_SINGLE, M_MULTI, M_KEEP };

static int is_space_cp(uint32_t cp)
{
    return cp == ' ' || (cp >= 0x09 && cp <= 0x0D) || cp == 0x85 || cp == 0xA0 ||
           cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 ||
           cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

static int is_ascii_space(int ch)
{
    return ch == ' ' || (ch >= 0x09 && ch <= 0x0D);
}

/* Returns a malloc'd cleaned copy (possibly ""), NULL on OOM. */
static char *clean_text(const char *in, enum text_mode mode, int *repaired)
{
    struct buf b = BUF_INIT;
    const unsigned char *s = (const unsigned char *)in;
    size_t n = strlen(in), i = 0, keep = 0;
    int pending = 0, started = 0;
    buf_add(&b, "", 0);
    while (i < n) {
        uint32_t cp;
        size_t k = u8_dec(s + i, n - i, &cp);
        if (!k) {
            *repaired = 1;
            cp = cp1252(s[i]);
            k = 1;
        }
        i += k;
        if (cp == 0 || cp == 0x200B || cp == 0xFEFF || cp == 0x2060)
            continue;
        if (is_space_cp(cp)) {
            if (!started)
                continue;
            if (mode == M_SINGLE) {
                pending = 1;
                continue;
            }
            if (mode == M_MULTI) {
                if (cp == '\r') {
                    if (i < n && s[i] == '\n')
                        i++;
                    cp = '\n';
                } else if (cp == 0x85 || cp == 0x2028 || cp == 0x2029 || cp == 0x0B ||
                           cp == 0x0C) {
                    cp = '\n';
                }
            } else if (cp == 0x0B || cp == 0x0C) {
                cp = ' '; /* M_KEEP: no vertical tab or form feed */
            }
            u8_put(&b, cp);
            continue;
        }
        if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0))
            continue;
        if (pending) {
            buf_putc(&b, ' ');
            pending = 0;
        }
        started = 1;
        u8_put(&b, cp);
        keep = b.len;
    }
    if (b.s) {
        b.len = keep;
        b.s[keep] = 0;
    }
    return buf_take(&b);
}

static void step_text(struct nctx *c)
{
    for (int f = 0; f < LF__COUNT && !c->oom; f++) {
        if (!c->l->f[f])
            continue;
        enum text_mode mode = f == LF_PRESENTATION_DETAIL ? M_MULTI
                              : f == LF_HORAIRES          ? M_KEEP
                                                          : M_SINGLE;
        int repaired = 0;
        char *v = clean_text(c->l->f[f], mode, &repaired);
        if (!v) {
            c->oom = 1;
            return;
        }
        if (repaired)
            issue(c, LIEU_FIXED, f, orig(c, f),
                  "texte converti en UTF-8 (encodage Windows-1252 détecté)");
        if (!*v) {
            free(v);
            v = NULL;
        }
        lieu_set_owned(c->l, (enum lieu_field)f, v);
    }
}

/* ------------------------------------------------------------------ */
/* Small string helpers                                                 */

static int is_digit(int ch)
{
    return ch >= '0' && ch <= '9';
}

static int is_alpha(int ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
}

static int all_digits(const char *s, size_t n)
{
    if (strlen(s) != n)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!is_digit((unsigned char)s[i]))
            return 0;
    return 1;
}

static int lower_ascii(int ch)
{
    return ch >= 'A' && ch <= 'Z' ? ch + 32 : ch;
}

static int starts_with_ci(const char *s, const char *prefix)
{
    for (; *prefix; s++, prefix++)
        if (lower_ascii((unsigned char)*s) != lower_ascii((unsigned char)*prefix))
            return 0;
    return 1;
}

/* Copy of s without ASCII spaces (malloc'd, NULL on OOM). */
static char *without_spaces(const char *s)
{
    char *d = malloc(strlen(s) + 1), *o = d;
    if (!d)
        return NULL;
    for (; *s; s++)
        if (*s != ' ')
            *o++ = *s;
    *o = 0;
    return d;
}

/* ------------------------------------------------------------------ */
/* Steps 2-5: required fields, pivot, codes                             */

static void step_required(struct nctx *c)
{
    for (int f = 0; f < LF__COUNT; f++)
        if (fields[f].required && !c->l->f[f])
            issue(c, LIEU_REJECTED, f, orig(c, f), "champ obligatoire absent");
}

static int pivot_ok(const char *s)
{
    size_t n = strlen(s);
    if (n < 9 || n > 14)
        return 0;
    for (; *s; s++)
        if (!is_digit((unsigned char)*s) && !is_alpha((unsigned char)*s))
            return 0;
    return 1;
}

static void step_pivot(struct nctx *c)
{
    const char *v = c->l->f[LF_PIVOT];
    if (!v)
        return;
    /* spaces are removed only between digit groups ("434 933 123 00029"),
     * so that a sentence like "SIRET inconnu" is not glued into a pivot */
    int digits = 0;
    for (const char *p = v; *p; p++)
        digits += is_digit((unsigned char)*p);
    char *d = digits >= 7 ? without_spaces(v) : dup_str(v);
    if (!d) {
        c->oom = 1;
        return;
    }
    if (!pivot_ok(d)) {
        free(d);
        issue(c, LIEU_REJECTED, LF_PIVOT, orig(c, LF_PIVOT),
              "doit être un SIRET (14 chiffres), un RNA (W + 9 caractères) ou un RIDET");
        return;
    }
    if (strcmp(d, v) != 0)
        issue(c, LIEU_FIXED, LF_PIVOT, orig(c, LF_PIVOT), "espaces retirés de l'identifiant");
    lieu_set_owned(c->l, LF_PIVOT, d);
}

static void step_code_postal(struct nctx *c)
{
    const char *v = c->l->f[LF_CODE_POSTAL];
    if (!v)
        return;
    char *d = without_spaces(v);
    if (!d) {
        c->oom = 1;
        return;
    }
    char pad[6];
    if (all_digits(d, 4)) {
        pad[0] = '0';
        memcpy(pad + 1, d, 5);
        free(d);
        if (!(d = dup_str(pad))) {
            c->oom = 1;
            return;
        }
    }
    if (!all_digits(d, 5)) {
        free(d);
        issue(c, LIEU_REJECTED, LF_CODE_POSTAL, orig(c, LF_CODE_POSTAL),
              "le code postal doit comporter 5 chiffres");
        return;
    }
    if (strcmp(d, v) != 0)
        issue(c, LIEU_FIXED, LF_CODE_POSTAL, orig(c, LF_CODE_POSTAL),
              "code postal complété à 5 chiffres");
    lieu_set_owned(c->l, LF_CODE_POSTAL, d);
}

static int insee_ok(const char *s)
{
    if (strlen(s) != 5)
        return 0;
    int a = (unsigned char)s[0], b = (unsigned char)s[1];
    int head = (is_digit(a) && a != '2' && is_digit(b)) ||
               (a == '2' && (b == 'A' || b == 'B' || (b >= '1' && b <= '9')));
    return head && is_digit((unsigned char)s[2]) && is_digit((unsigned char)s[3]) &&
           is_digit((unsigned char)s[4]);
}

static void step_code_insee(struct nctx *c)
{
    const char *v = c->l->f[LF_CODE_INSEE];
    if (!v)
        return;
    char *d = without_spaces(v);
    if (!d) {
        c->oom = 1;
        return;
    }
    if (d[0] == '2' && (d[1] == 'a' || d[1] == 'b'))
        d[1] = (char)(d[1] - 32);
    if (all_digits(d, 4)) {
        char *p = malloc(6);
        if (!p) {
            free(d);
            c->oom = 1;
            return;
        }
        p[0] = '0';
        memcpy(p + 1, d, 5);
        free(d);
        d = p;
    }
    if (!insee_ok(d)) {
        free(d);
        issue(c, LIEU_DROPPED, LF_CODE_INSEE, orig(c, LF_CODE_INSEE),
              "code INSEE invalide (5 caractères, par exemple 75056 ou 2A004)");
        lieu_set_owned(c->l, LF_CODE_INSEE, NULL);
        return;
    }
    if (strcmp(d, v) != 0)
        issue(c, LIEU_FIXED, LF_CODE_INSEE, orig(c, LF_CODE_INSEE), "code INSEE corrigé");
    lieu_set_owned(c->l, LF_CODE_INSEE, d);
}

/* ------------------------------------------------------------------ */
/* Step 6: coordinates                                                  */

/* Parse [+-]digits[(.|,)digits] (at least one digit). Returns 1 and sets
 * *out and *comma, or 0. Locale-independent. */
static int parse_coord(const char *s, double *out, int *comma)
{
    int neg = 0, nd = 0, sig = 0, exp10 = 0;
    uint64_t m = 0;
    *comma = 0;
    if (*s == '+' || *s == '-')
        neg = *s++ == '-';
    for (; is_digit((unsigned char)*s); s++, nd++) {
        if (sig < 18) {
            m = m * 10 + (uint64_t)(*s - '0');
            if (m)
                sig++;
        } else {
            exp10++;
        }
        if (exp10 > 30)
            return 0;
    }
    if (*s == '.' || *s == ',') {
        *comma = *s == ',';
        s++;
        int fd = 0;
        for (; is_digit((unsigned char)*s); s++, fd++, nd++) {
            if (sig < 18) {
                m = m * 10 + (uint64_t)(*s - '0');
                if (m)
                    sig++;
                exp10--;
            }
        }
        if (!fd)
            return 0;
    }
    if (*s || !nd)
        return 0;
    double v = (double)m;
    static const double p10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                 1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    while (exp10 > 0) {
        int k = exp10 > 22 ? 22 : exp10;
        v *= p10[k];
        exp10 -= k;
    }
    while (exp10 < 0) {
        int k = -exp10 > 22 ? 22 : -exp10;
        v /= p10[k];
        exp10 += k;
    }
    *out = neg ? -v : v;
    return 1;
}

/* Round to 6 decimals; write "-12.34" style text without trailing zeros
 * into out[32] and return the rounded value. |v| must be <= 1e9. */
static double format_coord(double v, char *out)
{
    double r = v * 1e6;
    long long u = (long long)(r < 0 ? r - 0.5 : r + 0.5);
    unsigned long long a = u < 0 ? (unsigned long long)(-u) : (unsigned long long)u;
    unsigned long long ip = a / 1000000ULL, fp = a % 1000000ULL;
    char frac[8];
    int fl = 0;
    if (fp) {
        for (int i = 5; i >= 0; i--) {
            frac[i] = (char)('0' + fp % 10);
            fp /= 10;
        }
        fl = 6;
        while (fl > 0 && frac[fl - 1] == '0')
            fl--;
    }
    char *o = out;
    if (u < 0)
        *o++ = '-';
    char rev[24];
    int rl = 0;
    do {
        rev[rl++] = (char)('0' + ip % 10);
        ip /= 10;
    } while (ip);
    while (rl)
        *o++ = rev[--rl];
    if (fl) {
        *o++ = '.';
        memcpy(o, frac, (size_t)fl);
        o += fl;
    }
    *o = 0;
    return (double)u / 1e6;
}

static void coord_value(struct nctx *c, char *buf, size_t n)
{
    size_t a = strlen(orig(c, LF_LATITUDE));
    size_t b = strlen(orig(c, LF_LONGITUDE));
    if (a + b + 4 > n) {
        copy_trunc(buf, n, orig(c, LF_LATITUDE));
        return;
    }
    memcpy(buf, orig(c, LF_LATITUDE), a);
    memcpy(buf + a, " ; ", 3);
    memcpy(buf + a + 3, orig(c, LF_LONGITUDE), b + 1);
}

static void drop_coords(struct nctx *c)
{
    lieu_set_owned(c->l, LF_LATITUDE, NULL);
    lieu_set_owned(c->l, LF_LONGITUDE, NULL);
    c->l->has_coords = 0;
    c->l->lat = c->l->lon = 0;
}

static void step_coords(struct nctx *c)
{
    struct lieu *l = c->l;
    const char *ts = l->f[LF_LATITUDE], *gs = l->f[LF_LONGITUDE];
    l->has_coords = 0;
    if (!ts && !gs)
        return;
    if (!ts || !gs) {
        int f = ts ? LF_LATITUDE : LF_LONGITUDE;
        issue(c, LIEU_DROPPED, f, orig(c, f),
              ts ? "latitude sans longitude : les deux sont nécessaires"
                 : "longitude sans latitude : les deux sont nécessaires");
        drop_coords(c);
        return;
    }
    double lat, lon;
    int ca, cb;
    int oka = parse_coord(ts, &lat, &ca), okb = parse_coord(gs, &lon, &cb);
    if (!oka || !okb || lat < -1000 || lat > 1000 || lon < -1000 || lon > 1000) {
        if (!oka || !okb) {
            if (!oka)
                issue(c, LIEU_DROPPED, LF_LATITUDE, orig(c, LF_LATITUDE),
                      "latitude non numérique (coordonnées retirées)");
            if (!okb)
                issue(c, LIEU_DROPPED, LF_LONGITUDE, orig(c, LF_LONGITUDE),
                      "longitude non numérique (coordonnées retirées)");
        } else {
            char v[200];
            coord_value(c, v, sizeof v);
            issue(c, LIEU_DROPPED, LF_LATITUDE, v, "point hors de France");
        }
        drop_coords(c);
        return;
    }
    if (ca)
        issue(c, LIEU_FIXED, LF_LATITUDE, orig(c, LF_LATITUDE),
              "virgule décimale remplacée par un point");
    if (cb)
        issue(c, LIEU_FIXED, LF_LONGITUDE, orig(c, LF_LONGITUDE),
              "virgule décimale remplacée par un point");
    char ta[32], tb[32];
    lat = format_coord(lat, ta);
    lon = format_coord(lon, tb);
    if (!lieu_point_in_france(lat, lon)) {
        char v[200];
        coord_value(c, v, sizeof v);
        if (lieu_point_in_france(lon, lat)) {
            issue(c, LIEU_FIXED, LF_LATITUDE, v, "latitude et longitude inversées");
            char t[32];
            memcpy(t, ta, sizeof t);
            memcpy(ta, tb, sizeof ta);
            memcpy(tb, t, sizeof tb);
            double x = lat;
            lat = lon;
            lon = x;
        } else {
            issue(c, LIEU_DROPPED, LF_LATITUDE, v, "point hors de France");
            drop_coords(c);
            return;
        }
    }
    put(c, LF_LATITUDE, ta);
    put(c, LF_LONGITUDE, tb);
    l->lat = lat;
    l->lon = lon;
    l->has_coords = 1;
}

/* ------------------------------------------------------------------ */
/* Step 7: telephone                                                    */

static const char *const tel_codes[] = {"33",  "590", "594", "262", "596",
                                        "269", "687", "689", "508", "681", NULL};

/* Does s match ^(\+33|\+590|...|\+681)\d{6,9}$ ? */
static int tel_pattern_ok(const char *s)
{
    if (*s != '+')
        return 0;
    for (int i = 0; tel_codes[i]; i++) {
        size_t n = strlen(tel_codes[i]);
        if (strncmp(s + 1, tel_codes[i], n) != 0)
            continue;
        const char *r = s + 1 + n;
        size_t len = strlen(r);
        if (len >= 6 && len <= 9 && all_digits(r, len))
            return 1;
    }
    return 0;
}

/* Country code for a French 9-digit national significant number. */
static const char *tel_overseas(const char *r9)
{
    static const struct {
        const char *prefix, *cc;
    } z[] = {
        {"262", "262"}, {"263", "262"}, {"692", "262"}, {"693", "262"}, /* La Réunion */
        {"269", "262"}, {"639", "262"},                                 /* Mayotte */
        {"590", "590"}, {"690", "590"}, {"691", "590"}, /* Guadeloupe, St-Martin, St-Barth */
        {"594", "594"}, {"694", "594"},                 /* Guyane */
        {"596", "596"}, {"696", "596"}, {"697", "596"}, /* Martinique */
        {"508", "508"},                                 /* Saint-Pierre-et-Miquelon */
    };
    for (size_t i = 0; i < sizeof z / sizeof z[0]; i++)
        if (strncmp(r9, z[i].prefix, 3) == 0)
            return z[i].cc;
    return "33";
}

/* Build "+cc" + national number from a French 9-digit significant number. */
static int tel_from_french(const char *r9, char *out, size_t n)
{
    if (strlen(r9) != 9 || r9[0] == '0')
        return 0;
    const char *cc = tel_overseas(r9);
    if (strcmp(cc, "508") == 0)
        r9 += 3; /* 05 08 41 23 45 -> +508 41 23 45 */
    int w = snprintf(out, n, "+%s%s", cc, r9);
    return w > 0 && (size_t)w < n && tel_pattern_ok(out);
}

/* Territory of a postcode or INSEE code whose numbers are local ones. */
static const char *tel_hint(struct nctx *c)
{
    const char *codes[2] = {c->l->f[LF_CODE_POSTAL], c->l->f[LF_CODE_INSEE]};
    for (int i = 0; i < 2; i++) {
        const char *s = codes[i];
        if (!s)
            continue;
        if (strncmp(s, "988", 3) == 0)
            return "687";
        if (strncmp(s, "987", 3) == 0)
            return "689";
        if (strncmp(s, "986", 3) == 0)
            return "681";
        if (strncmp(s, "975", 3) == 0)
            return "508";
    }
    return NULL;
}

static size_t tel_local_len(const char *cc)
{
    return strcmp(cc, "689") == 0 ? 8 : 6;
}

/* Is s[0..n) a label such as "Tél :" or "Portable" before a number? */
static char *fold_key(const char *s);
static int tel_label_ok(const char *s, size_t n)
{
    static const char *const labels[] = {"tel",  "telephone", "portable", "port",    "mobile",
                                         "mob",  "gsm",       "fixe",     "standard", "accueil",
                                         NULL};
    char tmp[64];
    if (n >= sizeof tmp)
        return 0;
    memcpy(tmp, s, n);
    tmp[n] = 0;
    char *k = fold_key(tmp);
    int ok = 0;
    for (int i = 0; k && labels[i] && !ok; i++)
        ok = strcmp(k, labels[i]) == 0;
    free(k);
    return ok;
}

/* Normalise one candidate number. Returns 1 with out set, or 0. */
static int tel_one(const char *s, const char *hint, char *out, size_t outn)
{
    char d[24];
    size_t nd = 0;
    int intl = 0, seen_digit = 0;
    /* optional label ("Tél :", "Portable") before the number */
    const char *p = s;
    while (*p && !is_digit((unsigned char)*p) && *p != '+' && *p != '(') {
        unsigned char ch = (unsigned char)*p;
        if (!(is_alpha(ch) || ch >= 0x80 || ch == '.' || ch == ':' || ch == ' '))
            return 0;
        p++;
    }
    if (p != s && !tel_label_ok(s, (size_t)(p - s)))
        return 0;
    if (*p == '+') {
        intl = 1;
        p++;
    }
    for (; *p; p++) {
        unsigned char ch = (unsigned char)*p;
        if (is_digit(ch)) {
            if (nd >= sizeof d - 1)
                return 0;
            d[nd++] = (char)ch;
            seen_digit = 1;
        } else if (ch == '(' && p[1] == '0' && p[2] == ')') {
            p += 2; /* "+33 (0)4 ..." */
        } else if (ch == ' ' || ch == '.' || ch == '-' || ch == '(' || ch == ')' || ch == '/') {
            continue;
        } else {
            return 0;
        }
    }
    d[nd] = 0;
    if (!seen_digit)
        return 0;
    const char *r = d;
    if (!intl && r[0] == '0' && r[1] == '0') {
        intl = 1;
        r += 2;
    }
    if (intl) {
        for (int i = 0; tel_codes[i]; i++) {
            size_t cl = strlen(tel_codes[i]);
            if (strncmp(r, tel_codes[i], cl) != 0)
                continue;
            const char *cc = tel_codes[i], *rest = r + cl;
            /* "+33 0 4 50...": the French plan's trunk 0 after the code */
            const char *nsn = rest[0] == '0' ? rest + 1 : rest;
            if (strcmp(cc, "33") == 0)
                return tel_from_french(nsn, out, outn); /* +33 2 62... -> +262 */
            if (strcmp(cc, "269") == 0 && strlen(nsn) == 9 &&
                (strncmp(nsn, "269", 3) == 0 || strncmp(nsn, "639", 3) == 0))
                return tel_from_french(nsn, out, outn); /* Mayotte is +262 */
            if (strcmp(cc, "262") == 0 || strcmp(cc, "590") == 0 || strcmp(cc, "594") == 0 ||
                strcmp(cc, "596") == 0) {
                if (strlen(nsn) != 9 || nsn[0] == '0')
                    return 0; /* these follow the French 9-digit plan */
                rest = nsn;
            }
            /* other territories keep their digits: "+687 05 07 09" is valid */
            int w = snprintf(out, outn, "+%s%s", cc, rest);
            return w > 0 && (size_t)w < outn && tel_pattern_ok(out);
        }
        return 0;
    }
    size_t n = strlen(r);
    if (hint) {
        size_t ll = tel_local_len(hint), hl = strlen(hint);
        const char *local = n == ll                                      ? r
                            : n == ll + hl && strncmp(r, hint, hl) == 0 ? r + hl
                                                                       : NULL;
        if (local) {
            int w = snprintf(out, outn, "+%s%s", hint, local);
            return w > 0 && (size_t)w < outn && tel_pattern_ok(out);
        }
    }
    if (n == 10 && r[0] == '0')
        return tel_from_french(r + 1, out, outn);
    if (n == 9)
        return tel_from_french(r, out, outn); /* leading 0 lost */
    if (n == 11 && strncmp(r, "33", 2) == 0)
        return tel_from_french(r + 2, out, outn);
    if (n == 12 && strncmp(r, "330", 3) == 0)
        return tel_from_french(r + 3, out, outn);
    if (n == 12 && (strncmp(r, "262", 3) == 0 || strncmp(r, "590", 3) == 0 ||
                    strncmp(r, "594", 3) == 0 || strncmp(r, "596", 3) == 0))
        return tel_from_french(r + 3, out, outn);
    return 0;
}

/* A list of malloc'd strings, split from a "|"-list or similar. */
struct items {
    char **v;
    size_t n, cap;
};

static void items_free(struct items *it)
{
    for (size_t i = 0; i < it->n; i++)
        free(it->v[i]);
    free(it->v);
    it->v = NULL;
    it->n = it->cap = 0;
}

static int items_push(struct items *it, const char *p, size_t len)
{
    while (len && p[len - 1] == ' ')
        len--;
    while (len && *p == ' ')
        p++, len--;
    if (!len)
        return 0;
    if (it->n == it->cap) {
        size_t cap = it->cap ? it->cap * 2 : 8;
        char **v = realloc(it->v, cap * sizeof *v);
        if (!v)
            return -1;
        it->v = v;
        it->cap = cap;
    }
    char *d = malloc(len + 1);
    if (!d)
        return -1;
    memcpy(d, p, len);
    d[len] = 0;
    it->v[it->n++] = d;
    return 0;
}

/* Split s into items on any byte of `seps` (and on ASCII spaces when ws),
 * trimming spaces; empty items are skipped. *other_sep is set when a
 * boundary between two items held no "|". Returns 0 or -1 on OOM. */
static int items_split(struct items *it, const char *s, const char *seps, int ws, int *other_sep)
{
    const char *start = s, *p = s;
    int pipe = 0, boundary = 0;
    *other_sep = 0;
    for (;; p++) {
        int sep = *p && (strchr(seps, *p) != NULL || (ws && *p == ' '));
        if (*p && !sep && *p != ' ' && boundary) {
            /* a new item starts: judge the boundary just crossed */
            if (!pipe)
                *other_sep = 1;
            boundary = pipe = 0;
        }
        if (!*p || sep) {
            if (items_push(it, start, (size_t)(p - start)) < 0)
                return -1;
            if (!*p)
                break;
            start = p + 1;
            if (it->n)
                boundary = 1;
            if (*p == '|')
                pipe = 1;
        }
    }
    return 0;
}

/* Split a phone field into candidates on / | ; , and the words ou/et/or. */
static int tel_split(struct items *it, const char *s)
{
    struct buf b = BUF_INIT;
    buf_add(&b, "", 0);
    for (const char *p = s; *p; p++) {
        if (*p == ' ' && (starts_with_ci(p, " ou ") || starts_with_ci(p, " et ") ||
                          starts_with_ci(p, " or "))) {
            buf_putc(&b, '/');
            p += 3;
            continue;
        }
        buf_putc(&b, *p);
    }
    if (b.oom) {
        buf_free(&b);
        return -1;
    }
    int other;
    int r = items_split(it, b.s, "/|;,", 0, &other);
    buf_free(&b);
    return r;
}

static void step_telephone(struct nctx *c)
{
    const char *v = c->l->f[LF_TELEPHONE];
    if (!v)
        return;
    const char *hint = tel_hint(c);
    char out[32];
    if (tel_one(v, hint, out, sizeof out)) {
        if (strcmp(out, v) != 0)
            issue(c, LIEU_FIXED, LF_TELEPHONE, orig(c, LF_TELEPHONE),
                  "numéro converti au format international (E.164)");
        put(c, LF_TELEPHONE, out);
        return;
    }
    struct items it = {0};
    if (tel_split(&it, v) < 0) {
        items_free(&it);
        c->oom = 1;
        return;
    }
    int kept = 0;
    char keep[32];
    for (size_t i = 0; i < it.n; i++) {
        char o[32];
        int ok = tel_one(it.v[i], hint, o, sizeof o);
        if (ok && !kept) {
            memcpy(keep, o, sizeof keep);
            kept = 1;
        } else if (ok) {
            issue(c, LIEU_DROPPED, LF_TELEPHONE, it.v[i],
                  "numéro supplémentaire retiré : le standard n'en garde qu'un");
        } else if (it.n > 1) {
            issue(c, LIEU_DROPPED, LF_TELEPHONE, it.v[i], "numéro de téléphone non reconnu");
        }
    }
    size_t ncand = it.n;
    items_free(&it);
    if (!kept) {
        if (ncand <= 1)
            issue(c, LIEU_DROPPED, LF_TELEPHONE, orig(c, LF_TELEPHONE),
                  "numéro de téléphone non reconnu");
        lieu_set_owned(c->l, LF_TELEPHONE, NULL);
        return;
    }
    issue(c, LIEU_FIXED, LF_TELEPHONE, orig(c, LF_TELEPHONE),
          "numéro converti au format international (E.164)");
    put(c, LF_TELEPHONE, keep);
}

/* ------------------------------------------------------------------ */
/* Steps 8-9: e-mail addresses and URLs                                 */

static int email_ok(const char *s)
{
    const char *at = strchr(s, '@');
    if (!at || at == s || strchr(at + 1, '@'))
        return 0;
    for (const char *p = s; p < at; p++) {
        unsigned char ch = (unsigned char)*p;
        if (ch <= ' ' || ch == 0x7F || strchr("()<>[]:;,\\\"|", ch))
            return 0;
    }
    if (s[0] == '.' || at[-1] == '.')
        return 0;
    const char *dom = at + 1;
    size_t n = strlen(dom);
    if (n < 3 || !strchr(dom, '.') || dom[0] == '.' || dom[n - 1] == '.' || strstr(dom, ".."))
        return 0;
    for (const char *p = dom; *p; p++) {
        unsigned char ch = (unsigned char)*p;
        if (!(is_alpha(ch) || is_digit(ch) || ch == '-' || ch == '.' || ch >= 0x80))
            return 0;
    }
    const char *tld = strrchr(dom, '.') + 1;
    return strlen(tld) >= 2;
}

static int url_ok(const char *s)
{
    const char *h;
    if (starts_with_ci(s, "http://"))
        h = s + 7;
    else if (starts_with_ci(s, "https://"))
        h = s + 8;
    else
        return 0;
    for (const char *p = s; *p; p++) {
        unsigned char ch = (unsigned char)*p;
        if (ch <= ' ' || ch == 0x7F || strchr("\"<>\\^`{}|", ch))
            return 0;
    }
    size_t hl = strcspn(h, "/?#");
    if (hl == 0)
        return 0;
    int dot = 0;
    for (size_t i = 0; i < hl; i++) {
        unsigned char ch = (unsigned char)h[i];
        if (ch == '.')
            dot = 1;
        else if (!(is_alpha(ch) || is_digit(ch) || ch == '-' || ch == ':' || ch >= 0x80))
            return 0;
    }
    if (!dot)
        return 0;
    /* host labels: not empty, no "-" at either end */
    for (size_t i = 0; i <= hl; i++) {
        char ch = i < hl ? h[i] : '.';
        char prev = i ? h[i - 1] : '.';
        if (ch == ':') /* a port follows */
            break;
        if ((ch == '.' && (prev == '.' || prev == '-')) || (prev == '.' && ch == '-'))
            return 0;
    }
    return 1;
}

/* Repair and check one URL; returns malloc'd result, "" if invalid (caller
 * frees either), NULL on OOM. *fixed set when "https://" was added. */
static char *url_fix(const char *s, int *fixed)
{
    struct buf b = BUF_INIT;
    *fixed = 0;
    if (starts_with_ci(s, "www.")) {
        buf_puts(&b, "https://");
        *fixed = 1;
    }
    buf_puts(&b, s);
    if (b.oom) {
        buf_free(&b);
        return NULL;
    }
    if (!url_ok(b.s))
        b.len = 0, b.s[0] = 0;
    return buf_take(&b);
}

static int item_seen(struct items *kept, const char *v)
{
    for (size_t i = 0; i < kept->n; i++)
        if (strcmp(kept->v[i], v) == 0)
            return 1;
    return 0;
}

static void join_put(struct nctx *c, int f, struct items *kept)
{
    struct buf b = BUF_INIT;
    for (size_t i = 0; i < kept->n; i++) {
        if (i)
            buf_putc(&b, '|');
        buf_puts(&b, kept->v[i]);
    }
    put_buf(c, f, &b);
}

static const char rule_dup[] = "valeur en double retirée";
static const char rule_sep[] = "séparateur de liste remplacé par « | »";

/* Check one e-mail address and add it to kept (deduplicated). */
static void add_email(struct nctx *c, struct items *kept, const char *item)
{
    const char *s = item;
    if (starts_with_ci(s, "mailto:")) {
        s += 7;
        issue(c, LIEU_FIXED, LF_COURRIELS, item, "préfixe « mailto: » retiré");
    }
    if (!email_ok(s)) {
        issue(c, LIEU_DROPPED, LF_COURRIELS, item, "adresse électronique non valide");
    } else if (item_seen(kept, s)) {
        issue(c, LIEU_FIXED, LF_COURRIELS, item, rule_dup);
    } else if (items_push(kept, s, strlen(s)) < 0) {
        c->oom = 1;
    }
}

/* Words between addresses that are not part of one: "-", "et", "(accueil)". */
static int email_filler(const char *s)
{
    static const char *const words[] = {"et", "ou", "and", "or", NULL};
    size_t n = strlen(s);
    for (int i = 0; words[i]; i++)
        if (n == strlen(words[i]) && starts_with_ci(s, words[i]))
            return 1;
    if (n >= 2 && s[0] == '(' && s[n - 1] == ')' && !strchr(s, '@'))
        return 1;
    for (; *s; s++)
        if (is_alpha((unsigned char)*s) || is_digit((unsigned char)*s) || (unsigned char)*s >= 0x80)
            return 0;
    return 1;
}

/* courriels: chunks split on "|", ";", ","; a chunk holding spaces is split
 * on them only when every word is a whole address or a filler, otherwise
 * the space is inside one address ("maisondes services@x.fr") and the chunk
 * is dropped whole rather than keeping a wrong fragment. */
static void step_courriels(struct nctx *c)
{
    const int f = LF_COURRIELS;
    const char *v = c->l->f[f];
    if (!v)
        return;
    struct items chunks = {0}, kept = {0};
    int other, other2, spaced = 0;
    if (items_split(&chunks, v, "|;,", 0, &other) < 0) {
        c->oom = 1;
        goto out;
    }
    for (size_t i = 0; i < chunks.n && !c->oom; i++) {
        struct items w = {0};
        if (items_split(&w, chunks.v[i], "", 1, &other2) < 0) {
            c->oom = 1;
            items_free(&w);
            break;
        }
        int fragment = 0, addresses = 0;
        for (size_t j = 0; j < w.n; j++) {
            if (strchr(w.v[j], '@'))
                addresses++;
            else if (!email_filler(w.v[j]))
                fragment = 1;
        }
        if (w.n > 1 && (fragment || !addresses)) {
            issue(c, LIEU_DROPPED, f, chunks.v[i],
                  "adresse électronique non valide (espace dans l'adresse ?)");
        } else if (w.n == 1) {
            add_email(c, &kept, w.v[0]);
        } else {
            spaced = 1;
            for (size_t j = 0; j < w.n && !c->oom; j++)
                if (strchr(w.v[j], '@'))
                    add_email(c, &kept, w.v[j]);
        }
        items_free(&w);
    }
    if (other || spaced)
        issue(c, LIEU_FIXED, f, orig(c, f), rule_sep);
    if (!c->oom)
        join_put(c, f, &kept);
out:
    items_free(&chunks);
    items_free(&kept);
}

/* site_web: split on "|", ";", "," and spaces; each URL on its own. */
static void step_site_web(struct nctx *c)
{
    const int f = LF_SITE_WEB;
    const char *v = c->l->f[f];
    if (!v)
        return;
    struct items it = {0}, kept = {0};
    int other;
    if (items_split(&it, v, "|;,", 1, &other) < 0) {
        c->oom = 1;
        goto out;
    }
    if (other)
        issue(c, LIEU_FIXED, f, orig(c, f), rule_sep);
    for (size_t i = 0; i < it.n && !c->oom; i++) {
        int fixed;
        char *val = url_fix(it.v[i], &fixed);
        if (!val) {
            c->oom = 1;
            break;
        }
        if (!*val)
            issue(c, LIEU_DROPPED, f, it.v[i],
                  "adresse web non valide (doit commencer par http:// ou https://)");
        else if (item_seen(&kept, val))
            issue(c, LIEU_FIXED, f, it.v[i], rule_dup);
        else {
            if (fixed)
                issue(c, LIEU_FIXED, f, it.v[i], "« https:// » ajouté devant l'adresse");
            if (items_push(&kept, val, strlen(val)) < 0)
                c->oom = 1;
        }
        free(val);
    }
    if (!c->oom)
        join_put(c, f, &kept);
out:
    items_free(&it);
    items_free(&kept);
}

/* fiche_acces_libre and prise_rdv */
static void step_url(struct nctx *c, int f)
{
    const char *v = c->l->f[f];
    if (!v)
        return;
    int fixed;
    char *u = url_fix(v, &fixed);
    if (!u) {
        c->oom = 1;
        return;
    }
    if (!*u) {
        free(u);
        issue(c, LIEU_DROPPED, f, orig(c, f),
              "adresse web non valide (doit commencer par http:// ou https://)");
        lieu_set_owned(c->l, (enum lieu_field)f, NULL);
        return;
    }
    if (fixed)
        issue(c, LIEU_FIXED, f, orig(c, f), "« https:// » ajouté devant l'adresse");
    lieu_set_owned(c->l, (enum lieu_field)f, u);
}

/* ------------------------------------------------------------------ */
/* Steps 10-11: enumerations and typologie                              */

/* Base letters of a Latin code point ("" to skip it, NULL to keep it). */
static const char *fold_cp(uint32_t cp)
{
    static const char *const latin1[64] = {
        /* C0 */ "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
        /* D0 */ "d", "n", "o", "o", "o", "o", "o", "", "o", "u", "u", "u", "u", "y", "th", "ss",
        /* E0 */ "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
        /* F0 */ "d", "n", "o", "o", "o", "o", "o", "", "o", "u", "u", "u", "u", "y", "th", "y"};
    if (cp >= 0xC0 && cp <= 0xFF)
        return latin1[cp - 0xC0];
    if (cp == 0x152 || cp == 0x153)
        return "oe";
    if (cp == 0x178)
        return "y";
    if ((cp >= 0x80 && cp < 0xC0) || (cp >= 0x300 && cp <= 0x36F) ||
        (cp >= 0x2000 && cp <= 0x206F))
        return ""; /* punctuation, combining accents */
    return NULL;
}

/* Comparison key: lowercase ASCII letters and digits, accents removed,
 * spaces and punctuation skipped. Returns malloc'd key or NULL on OOM. */
static char *fold_key(const char *s)
{
    size_t n = strlen(s), i = 0, o = 0;
    char *k = malloc(n + 1);
    if (!k)
        return NULL;
    while (i < n) {
        uint32_t cp;
        size_t len = u8_dec((const unsigned char *)s + i, n - i, &cp);
        if (!len) {
            i++;
            continue;
        }
        if (cp < 0x80) {
            int ch = lower_ascii((int)cp);
            if (is_alpha(ch) || is_digit(ch))
                k[o++] = (char)ch;
        } else {
            const char *f = fold_cp(cp);
            if (f) {
                size_t fl = strlen(f);
                memcpy(k + o, f, fl); /* fl <= len: the key never grows */
                o += fl;
            } else {
                memcpy(k + o, s + i, len);
                o += len;
            }
        }
        i += len;
    }
    k[o] = 0;
    return k;
}

static const char rule_enum[] = "valeur hors de la liste du standard";

static void step_enum(struct nctx *c, int f)
{
    const char *v = c->l->f[f];
    const char *const *vals = fields[f].values;
    if (!v || !vals)
        return;
    struct items it = {0}, kept = {0};
    int other;
    if (items_split(&it, v, "|;", 0, &other) < 0) {
        c->oom = 1;
        goto out;
    }
    if (other)
        issue(c, LIEU_FIXED, f, orig(c, f), rule_sep);
    for (size_t i = 0; i < it.n && !c->oom; i++) {
        const char *canon = NULL;
        for (int j = 0; vals[j] && !canon; j++)
            if (strcmp(it.v[i], vals[j]) == 0)
                canon = vals[j];
        if (!canon) {
            char *k = fold_key(it.v[i]);
            if (!k) {
                c->oom = 1;
                break;
            }
            for (int j = 0; vals[j] && !canon && *k; j++) {
                char *kj = fold_key(vals[j]);
                if (!kj) {
                    c->oom = 1;
                    break;
                }
                if (strcmp(k, kj) == 0)
                    canon = vals[j];
                free(kj);
            }
            free(k);
            if (canon)
                issue(c, LIEU_FIXED, f, it.v[i], "orthographe corrigée selon la liste du standard");
            else
                issue(c, LIEU_DROPPED, f, it.v[i], rule_enum);
        }
        if (!canon)
            continue;
        if (item_seen(&kept, canon)) {
            issue(c, LIEU_FIXED, f, it.v[i], rule_dup);
            continue;
        }
        if (items_push(&kept, canon, strlen(canon)) < 0)
            c->oom = 1;
    }
    if (!c->oom)
        join_put(c, f, &kept);
out:
    items_free(&it);
    items_free(&kept);
}

/* Upper-case code: returns malloc'd code, NULL on OOM. */
static char *typo_code(const char *s)
{
    size_t n = strlen(s), i = 0;
    struct buf b = BUF_INIT;
    buf_add(&b, "", 0);
    while (i < n) {
        uint32_t cp;
        size_t len = u8_dec((const unsigned char *)s + i, n - i, &cp);
        if (!len)
            len = 1, cp = '?';
        if (cp == ' ' || cp == '-' || cp == '_' || cp == '\'' || cp == 0x2019) {
            if (b.len && b.s[b.len - 1] != '_')
                buf_putc(&b, '_');
        } else if (cp < 0x80) {
            buf_putc(&b, (char)(cp >= 'a' && cp <= 'z' ? cp - 32 : cp));
        } else {
            const char *f = fold_cp(cp);
            if (f && *f)
                for (; *f; f++)
                    buf_putc(&b, (char)(*f - 32));
            else
                buf_add(&b, s + i, len);
        }
        i += len;
    }
    while (b.len && b.s[b.len - 1] == '_')
        b.s[--b.len] = 0;
    return buf_take(&b);
}

static int typo_ok(const char *s)
{
    if (strcmp(s, "Autre") == 0)
        return 1;
    if (!(*s >= 'A' && *s <= 'Z'))
        return 0;
    for (; *s; s++)
        if (!((*s >= 'A' && *s <= 'Z') || is_digit((unsigned char)*s) || *s == '_'))
            return 0;
    return 1;
}

static void step_typologie(struct nctx *c)
{
    const char *v = c->l->f[LF_TYPOLOGIE];
    if (!v)
        return;
    struct items it = {0}, kept = {0};
    int other;
    if (items_split(&it, v, "|;,", 0, &other) < 0) {
        c->oom = 1;
        goto out;
    }
    if (other)
        issue(c, LIEU_FIXED, LF_TYPOLOGIE, orig(c, LF_TYPOLOGIE), rule_sep);
    for (size_t i = 0; i < it.n && !c->oom; i++) {
        char *code = typo_code(it.v[i]);
        if (!code) {
            c->oom = 1;
            break;
        }
        if (strcmp(code, "AUTRE") == 0)
            strcpy(code, "Autre");
        if (!typo_ok(code)) {
            issue(c, LIEU_DROPPED, LF_TYPOLOGIE, it.v[i],
                  "code de typologie non reconnu (majuscules et « _ », ou « Autre »)");
        } else if (item_seen(&kept, code)) {
            issue(c, LIEU_FIXED, LF_TYPOLOGIE, it.v[i], rule_dup);
        } else {
            if (strcmp(code, it.v[i]) != 0)
                issue(c, LIEU_FIXED, LF_TYPOLOGIE, it.v[i], "code de typologie mis en forme");
            if (items_push(&kept, code, strlen(code)) < 0)
                c->oom = 1;
        }
        free(code);
    }
    if (!c->oom)
        join_put(c, LF_TYPOLOGIE, &kept);
out:
    items_free(&it);
    items_free(&kept);
}

/* autres_formations_labels: free "|"-list */
static void step_free_list(struct nctx *c, int f)
{
    const char *v = c->l->f[f];
    if (!v)
        return;
    struct items it = {0};
    int other;
    if (items_split(&it, v, "|", 0, &other) < 0)
        c->oom = 1;
    else
        join_put(c, f, &it);
    items_free(&it);
}

/* ------------------------------------------------------------------ */
/* Steps 12-13: date and summary                                        */

static int num(const char *s, size_t n)
{
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (!is_digit((unsigned char)s[i]))
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

static int date_valid(int y, int m, int d)
{
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1)
        return 0;
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return d <= mdays[m - 1] + (m == 2 && leap);
}

static void step_date(struct nctx *c)
{
    const char *v = c->l->f[LF_DATE_MAJ];
    if (!v)
        return;
    int y = -1, m = -1, d = -1;
    size_t n = strlen(v);
    if (n >= 10 && v[4] == '-' && v[7] == '-' &&
        (n == 10 || v[10] == 'T' || v[10] == ' ')) {
        y = num(v, 4), m = num(v + 5, 2), d = num(v + 8, 2);
    } else {
        /* D/M/YYYY with "/", "." or "-" */
        const char *p = v;
        size_t a = strspn(p, "0123456789");
        char sep = p[a];
        if (a >= 1 && a <= 2 && (sep == '/' || sep == '.' || sep == '-')) {
            d = num(p, a);
            p += a + 1;
            size_t b = strspn(p, "0123456789");
            if (b >= 1 && b <= 2 && p[b] == sep) {
                m = num(p, b);
                p += b + 1;
                if (strlen(p) == 4)
                    y = num(p, 4);
            }
        }
    }
    if (!date_valid(y, m, d)) {
        issue(c, LIEU_REJECTED, LF_DATE_MAJ, orig(c, LF_DATE_MAJ),
              "date de mise à jour invalide (format attendu AAAA-MM-JJ)");
        return;
    }
    char out[40];
    snprintf(out, sizeof out, "%04d-%02d-%02d", y, m, d);
    if (strcmp(out, v) != 0)
        issue(c, LIEU_FIXED, LF_DATE_MAJ, orig(c, LF_DATE_MAJ),
              "date convertie au format AAAA-MM-JJ");
    put(c, LF_DATE_MAJ, out);
}

#define RESUME_MAX 280

static void step_resume(struct nctx *c)
{
    char *v = c->l->f[LF_PRESENTATION_RESUME];
    if (!v || u8_count(v) <= RESUME_MAX)
        return;
    size_t i = 0, cps = 0;
    while (v[i] && cps < RESUME_MAX - 3) {
        i++;
        while (((unsigned char)v[i] & 0xC0) == 0x80)
            i++;
        cps++;
    }
    while (i && is_ascii_space((unsigned char)v[i - 1]))
        i--;
    struct buf b = BUF_INIT;
    buf_add(&b, v, i);
    buf_puts(&b, "...");
    issue(c, LIEU_FIXED, LF_PRESENTATION_RESUME, orig(c, LF_PRESENTATION_RESUME),
          "résumé tronqué à 280 caractères");
    put_buf(c, LF_PRESENTATION_RESUME, &b);
}

/* ------------------------------------------------------------------ */

int lieu_normalize(struct lieu *l, struct lieu_issues *is)
{
    struct nctx c;
    memset(&c, 0, sizeof c);
    c.l = l;
    c.is = is;
    for (int f = 0; f < LF__COUNT; f++)
        if (l->f[f] && !(c.orig[f] = dup_str(l->f[f])))
            c.oom = 1;
    if (!c.oom)
        step_text(&c);
    if (!c.oom)
        step_required(&c);
    if (!c.oom)
        step_pivot(&c);
    if (!c.oom)
        step_code_postal(&c);
    if (!c.oom)
        step_code_insee(&c);
    if (!c.oom)
        step_coords(&c);
    if (!c.oom)
        step_telephone(&c);
    if (!c.oom)
        step_courriels(&c);
    if (!c.oom)
        step_site_web(&c);
    if (!c.oom)
        step_url(&c, LF_FICHE_ACCES_LIBRE);
    if (!c.oom)
        step_url(&c, LF_PRISE_RDV);
    for (int f = 0; f < LF__COUNT && !c.oom; f++)
        if (fields[f].values)
            step_enum(&c, f);
    if (!c.oom)
        step_typologie(&c);
    if (!c.oom)
        step_free_list(&c, LF_AUTRES_FORMATIONS_LABELS);
    if (!c.oom)
        step_date(&c);
    if (!c.oom)
        step_resume(&c);
    for (int f = 0; f < LF__COUNT; f++)
        free(c.orig[f]);
    if (c.oom)
        return -1;
    return c.rejected ? 0 : 1;
}

char *lieu_to_json(const struct lieu *l)
{
    struct buf b = BUF_INIT;
    struct jsonw w;
    jsonw_init(&w, &b);
    jsonw_object(&w);
    for (int f = 0; f < LF__COUNT; f++) {
        if (!l->f[f] || !*l->f[f])
            continue;
        jsonw_key(&w, fields[f].name);
        if ((f == LF_LATITUDE || f == LF_LONGITUDE) && l->has_coords)
            jsonw_double(&w, f == LF_LATITUDE ? l->lat : l->lon);
        else
            jsonw_string(&w, l->f[f]);
    }
    jsonw_end_object(&w);
    return buf_take(&b);
}

void lieu_hash(const struct lieu *l, char out[17])
{
    uint64_t h = 1469598103934665603ULL;
    for (int f = 0; f < LF__COUNT; f++) {
        for (const char *s = lieu_get(l, (enum lieu_field)f); *s; s++)
            h = (h ^ (unsigned char)*s) * 1099511628211ULL;
        h = (h ^ 0x1f) * 1099511628211ULL;
    }
    snprintf(out, 17, "%016llx", (unsigned long long)h);
}

long lieu_age_jours(const struct lieu *l, long today)
{
    long j;
    if (!l->f[LF_DATE_MAJ] || jour_parse(l->f[LF_DATE_MAJ], &j) < 0 ||
        j < jour_from_civil(2000, 1, 1) || j > today)
        return -1;
    return today - j;
}
