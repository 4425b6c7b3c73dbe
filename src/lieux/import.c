/* import.c - import a file of places (see import.h).
 *
 * Steps: read the file; convert to UTF-8 (saying when it had a BOM or was
 * Latin-1); recognise JSON or CSV; pick the mapping from the columns; then
 * for each row: map -> normalise and validate (lieu.c) -> check the OSM
 * hours -> reject duplicate ids -> upsert, all in one transaction that
 * ends with the communes resolved, unseen rows retired and the registry
 * republished. */
#include "lieux/import.h"

#include <errno.h>
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/csv.h"
#include "base/text.h"
#include "lieux/horaires.h"
#include "lieux/lieu.h"
#include "lieux/lieux_store.h"
#include "lieux/mapping.h"
#include "lieux/publish.h"
#include "territoires/territoires.h"

/* Set of ids seen in this file, with the line where each was seen. */
struct idset {
    struct idslot {
        char *id;
        long line;
    } *v;
    size_t cap, n;
};

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

/* Insert id; returns 0 if new, the earlier line if already there, -1 OOM. */
static long idset_add(struct idset *s, const char *id, long line)
{
    if (s->n * 2 >= s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 1024;
        struct idslot *v = calloc(cap, sizeof *v);
        if (!v)
            return -1;
        for (size_t i = 0; i < s->cap; i++) {
            if (!s->v[i].id)
                continue;
            size_t j = hash_str(s->v[i].id) & (cap - 1);
            while (v[j].id)
                j = (j + 1) & (cap - 1);
            v[j] = s->v[i];
        }
        free(s->v);
        s->v = v;
        s->cap = cap;
    }
    size_t j = hash_str(id) & (s->cap - 1);
    while (s->v[j].id) {
        if (strcmp(s->v[j].id, id) == 0)
            return s->v[j].line > 0 ? s->v[j].line : 1;
        j = (j + 1) & (s->cap - 1);
    }
    s->v[j].id = strdup(id);
    if (!s->v[j].id)
        return -1;
    s->v[j].line = line;
    s->n++;
    return 0;
}

static void idset_free(struct idset *s)
{
    for (size_t i = 0; i < s->cap; i++)
        free(s->v[i].id);
    free(s->v);
}

/* State of one import. */
struct importer {
    struct db *d;
    const char *name;
    const struct import_opts *o;
    struct import_stats *st;
    struct mapping *map;
    const struct commune_resolver *communes; /* the connection's (borrowed) */
    struct lieux_writer w;
    struct idset ids;
    struct lieu l;
    struct lieu_issues is;
    long total_rows; /* for the progress bar; 0 unknown */
    int bar_shown;
    char *err;
    size_t errlen;
};

static void progress(struct importer *im, long done)
{
    if (!im->o->progress || im->total_rows < 2000 || !isatty(2))
        return;
    long step = im->total_rows / 50;
    if (done % (step ? step : 1) != 0 && done != im->total_rows)
        return;
    int filled = (int)(40 * done / im->total_rows);
    fprintf(stderr, "\r[%.*s%*s] %3ld%% %ld/%ld", filled,
            "########################################", 40 - filled, "",
            100 * done / im->total_rows, done, im->total_rows);
    im->bar_shown = 1;
    if (done == im->total_rows)
        fputc('\n', stderr);
}

static const char *severity_word(enum lieu_severity s)
{
    return s == LIEU_REJECTED ? "rejetée" : s == LIEU_FIXED ? "corrigé" : "écarté";
}

static void log_issue(struct importer *im, long row, long line, const struct lieu_issue *is)
{
    FILE *log = im->o->log;
    if (!log || (is->severity != LIEU_REJECTED && !im->o->verbose))
        return;
    const char *field = is->field >= 0 ? lieu_field_info((enum lieu_field)is->field)->name : "-";
    if (line > 0)
        fprintf(log, "%s:%ld: ligne de données %ld, champ %s, valeur \"%s\" : %s [%s]\n", im->name,
                line, row, field, is->value, is->rule, severity_word(is->severity));
    else
        fprintf(log, "%s: élément %ld, champ %s, valeur \"%s\" : %s [%s]\n", im->name, row, field,
                is->value, is->rule, severity_word(is->severity));
}

int lieux_check_horaires(struct lieu *l, struct lieu_issues *is)
{
    const char *h = l->f[LF_HORAIRES];
    if (!h)
        return 0;
    struct horaires_error e;
    struct horaires *p = horaires_parse(h, &e);
    if (!p) {
        char rule[200];
        snprintf(rule, sizeof rule, "horaires illisibles (syntaxe OSM opening_hours) à la "
                 "position %zu : %s", e.offset + 1, e.reason);
        if (lieu_issues_add(is, LIEU_DROPPED, LF_HORAIRES, h, rule) < 0)
            return -1;
        lieu_set(l, LF_HORAIRES, NULL);
        return 0;
    }
    char *canon = horaires_to_osm(p);
    horaires_free(p);
    if (!canon)
        return -1;
    /* Report a correction only when more than spacing changed. */
    char a[512], b[512];
    size_t i = 0, j = 0;
    for (const char *s = h; *s && i < sizeof a - 1; s++)
        if (*s != ' ')
            a[i++] = *s;
    for (const char *s = canon; *s && j < sizeof b - 1; s++)
        if (*s != ' ')
            b[j++] = *s;
    a[i] = b[j] = 0;
    if (strcmp(a, b) != 0 &&
        lieu_issues_add(is, LIEU_FIXED, LF_HORAIRES, h, "horaires réécrits en syntaxe OSM") < 0) {
        free(canon);
        return -1;
    }
    lieu_set_owned(l, LF_HORAIRES, canon);
    return 0;
}

/* Import one mapped row. Returns 0 or -1 (fatal). */
static int import_row(struct importer *im, const struct mapping_row *row, long rowno, long line)
{
    struct import_stats *st = im->st;
    im->is.n = 0;
    st->rows++;
    if (mapping_apply(im->map, row, &im->l, &im->is) < 0)
        goto oom;
    int ok = lieu_normalize(&im->l, &im->is);
    if (ok < 0)
        goto oom;
    if (ok && lieux_check_horaires(&im->l, &im->is) < 0)
        goto oom;
    if (ok) {
        long prev = idset_add(&im->ids, lieu_get(&im->l, LF_ID), line > 0 ? line : rowno);
        if (prev < 0)
            goto oom;
        if (prev > 0) {
            char rule[200];
            snprintf(rule, sizeof rule, "identifiant déjà présent plus haut dans le fichier "
                     "(%s %ld) : id doit être unique", line > 0 ? "ligne" : "élément", prev);
            if (lieu_issues_add(&im->is, LIEU_REJECTED, LF_ID, lieu_get(&im->l, LF_ID), rule) < 0)
                goto oom;
            ok = 0;
        }
    }
    for (size_t i = 0; i < im->is.n; i++) {
        const struct lieu_issue *is = &im->is.v[i];
        if (!ok && is->severity != LIEU_REJECTED)
            continue; /* a rejected row reports why it was rejected */
        if (lieux_writer_issue(&im->w, rowno, line, lieu_get(&im->l, LF_ID), is) < 0)
            return -1;
        log_issue(im, rowno, line, is);
        if (ok && is->severity == LIEU_FIXED)
            st->fixed++;
        if (ok && is->severity == LIEU_DROPPED)
            st->dropped++;
    }
    if (!ok) {
        st->rejected++;
        return 0;
    }
    char hash[17];
    lieu_hash(&im->l, hash);
    enum lieux_upsert_result res;
    const char *commune = im->communes
                              ? territoires_resolver_find(im->communes, im->l.f[LF_CODE_INSEE],
                                                          im->l.f[LF_CODE_POSTAL],
                                                          im->l.f[LF_COMMUNE])
                              : NULL;
    if (lieux_writer_upsert(&im->w, &im->l, hash, commune, &res) < 0)
        return -1;
    st->imported++;
    if (res == LIEUX_NEW)
        st->added++;
    else if (res == LIEUX_UPDATED)
        st->updated++;
    else
        st->unchanged++;
    return 0;
oom:
    snprintf(im->err, im->errlen, "out of memory at row %ld", rowno);
    return -1;
}

static int begin_rows(struct importer *im, const char *const *cols, size_t ncols)
{
    struct import_stats *st = im->st;
    im->map = im->o->mapping ? mapping_load(im->o->mapping, im->err, im->errlen)
                             : mapping_detect(cols, ncols, im->err, im->errlen);
    if (!im->map)
        return -1;
    snprintf(st->mapping, sizeof st->mapping, "%s", mapping_name(im->map));
    if (im->o->source && *im->o->source) {
        snprintf(st->source, sizeof st->source, "%s", im->o->source);
    } else if (mapping_source(im->map)) {
        snprintf(st->source, sizeof st->source, "%s", mapping_source(im->map));
    } else {
        const char *base = strrchr(im->name, '/');
        base = base ? base + 1 : im->name;
        /* "20230517-hub-du-sud-....json" -> "hub-du-sud-..." */
        size_t digits = strspn(base, "0123456789");
        if (digits >= 8 && (base[digits] == '-' || base[digits] == '_') && base[digits + 1])
            base += digits + 1;
        snprintf(st->source, sizeof st->source, "%s", base);
        char *dot = strrchr(st->source, '.');
        if (dot && dot != st->source)
            *dot = 0;
    }
    if (strcmp(st->source, LIEUX_EDIT_SOURCE) == 0) {
        snprintf(im->err, im->errlen, "%s: the source name \"%s\" is reserved for the "
                 "structures' own edits; choose another with --source", im->name, st->source);
        return -1;
    }
    if (im->o->log)
        fprintf(im->o->log, "import: %s: format %s, encodage %s, correspondance %s, source %s\n",
                im->name, st->format, st->encoding, st->mapping, st->source);
    char now[32];
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", &tm);
    const char *label = im->o->file_label ? im->o->file_label : im->name;
    if (lieux_writer_open(&im->w, im->d, st->source, label, st->format, st->encoding, now) < 0) {
        snprintf(im->err, im->errlen, "%s", im->d->err);
        return -1;
    }
    st->run_id = im->w.run_id;
    im->communes = territoires_resolver_cached(im->d);
    if (!im->communes) {
        snprintf(im->err, im->errlen, "%s", im->d->err);
        return -1;
    }
    return 0;
}

static int import_csv(struct importer *im, const char *data, size_t len)
{
    struct csv_reader r;
    if (csv_open(&r, data, len, 0) < 0) {
        snprintf(im->err, im->errlen, "out of memory");
        return -1;
    }
    int rc = -1;
    char **header = NULL;
    size_t nh = 0;
    if (csv_next(&r) != 1) {
        snprintf(im->err, im->errlen, "%s: empty file: no header line", im->name);
        goto done;
    }
    nh = r.nfields;
    header = calloc(nh ? nh : 1, sizeof *header);
    if (!header)
        goto done;
    for (size_t i = 0; i < nh; i++) {
        header[i] = strdup(r.fields[i]);
        if (!header[i])
            goto done;
        text_trim(header[i]);
    }
    if (begin_rows(im, (const char *const *)header, nh) < 0)
        goto done;
    /* Count records for the progress bar: cheap compared to the import. */
    for (const char *p = data; p < data + len; p++)
        im->total_rows += *p == '\n';
    long rowno = 0;
    int got;
    while ((got = csv_next(&r)) == 1) {
        if (r.nfields == 1 && r.fields[0][0] == 0)
            continue; /* blank line */
        rowno++;
        if (r.nfields != nh) {
            char rule[200], value[64];
            snprintf(rule, sizeof rule, "la ligne a %zu colonnes au lieu de %zu (guillemet ou "
                     "séparateur en trop ?)", r.nfields, nh);
            snprintf(value, sizeof value, "%zu colonnes", r.nfields);
            struct lieu_issue is = {LIEU_REJECTED, -1, "", ""};
            snprintf(is.value, sizeof is.value, "%s", value);
            snprintf(is.rule, sizeof is.rule, "%s", rule);
            im->st->rows++;
            im->st->rejected++;
            if (lieux_writer_issue(&im->w, rowno, (long)r.line, NULL, &is) < 0)
                goto done;
            log_issue(im, rowno, (long)r.line, &is);
            continue;
        }
        struct mapping_row row = {(const char *const *)header, (const char *const *)r.fields, nh};
        if (import_row(im, &row, rowno, (long)r.line) < 0)
            goto done;
        progress(im, (long)r.line);
    }
    if (got < 0) {
        snprintf(im->err, im->errlen, "out of memory");
        goto done;
    }
    if (r.error[0] && im->o->log)
        fprintf(im->o->log, "%s: attention : %s\n", im->name, r.error);
    im->total_rows = rowno;
    progress(im, rowno);
    rc = 0;
done:
    for (size_t i = 0; header && i < nh; i++)
        free(header[i]);
    free(header);
    csv_close(&r);
    return rc;
}

/* Text form of a JSON scalar (arrays joined with "|"); NULL for null. */
static char *json_text(json_t *v)
{
    char num[64];
    switch (json_typeof(v)) {
    case JSON_STRING: return strdup(json_string_value(v));
    case JSON_INTEGER: snprintf(num, sizeof num, "%lld", (long long)json_integer_value(v)); return strdup(num);
    case JSON_REAL: snprintf(num, sizeof num, "%.10g", json_real_value(v)); return strdup(num);
    case JSON_TRUE: return strdup("true");
    case JSON_FALSE: return strdup("false");
    case JSON_ARRAY: {
        struct buf b = BUF_INIT;
        size_t i;
        json_t *e;
        json_array_foreach(v, i, e) {
            char *t = json_text(e);
            if (t && *t) {
                if (b.len)
                    buf_putc(&b, '|');
                buf_puts(&b, t);
            }
            free(t);
        }
        return buf_take(&b);
    }
    default: return NULL;
    }
}

static int import_json(struct importer *im, const char *data, size_t len)
{
    json_error_t je;
    json_t *root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &je);
    if (!root) {
        snprintf(im->err, im->errlen, "%s: invalid JSON at line %d, column %d: %s", im->name,
                 je.line, je.column, je.text);
        return -1;
    }
    json_t *arr = root;
    if (json_is_object(root)) {
        static const char *const keys[] = {"lieux", "data", "results", NULL};
        arr = NULL;
        for (size_t i = 0; keys[i] && !arr; i++)
            if (json_is_array(json_object_get(root, keys[i])))
                arr = json_object_get(root, keys[i]);
    }
    if (!json_is_array(arr)) {
        snprintf(im->err, im->errlen, "%s: expected a JSON array of places (or an object with "
                 "a \"lieux\" or \"data\" array)", im->name);
        json_decref(root);
        return -1;
    }
    /* Columns: the union of keys of all objects, in first-seen order. */
    json_t *cols = json_object();
    json_t *order = json_array();
    size_t i;
    json_t *obj;
    json_array_foreach(arr, i, obj) {
        const char *k;
        json_t *v;
        json_object_foreach(obj, k, v) {
            if (!json_object_get(cols, k)) {
                json_object_set_new(cols, k, json_true());
                json_array_append_new(order, json_string(k));
            }
        }
    }
    size_t nc = json_array_size(order);
    const char **names = calloc(nc ? nc : 1, sizeof *names);
    char **values = calloc(nc ? nc : 1, sizeof *values);
    int rc = -1;
    if (!names || !values)
        goto done;
    for (size_t c = 0; c < nc; c++)
        names[c] = json_string_value(json_array_get(order, c));
    if (begin_rows(im, names, nc) < 0)
        goto done;
    im->total_rows = (long)json_array_size(arr);
    json_array_foreach(arr, i, obj) {
        long rowno = (long)i + 1;
        if (!json_is_object(obj)) {
            struct lieu_issue is = {LIEU_REJECTED, -1, "", "l'élément n'est pas un objet JSON"};
            snprintf(is.value, sizeof is.value, "%s", json_is_null(obj) ? "null" : "valeur");
            im->st->rows++;
            im->st->rejected++;
            if (lieux_writer_issue(&im->w, rowno, 0, NULL, &is) < 0)
                goto done;
            log_issue(im, rowno, 0, &is);
            continue;
        }
        for (size_t c = 0; c < nc; c++) {
            free(values[c]);
            json_t *v = json_object_get(obj, names[c]);
            values[c] = v ? json_text(v) : NULL;
        }
        struct mapping_row row = {names, (const char *const *)values, nc};
        if (import_row(im, &row, rowno, 0) < 0)
            goto done;
        progress(im, rowno);
    }
    rc = 0;
done:
    for (size_t c = 0; values && c < nc; c++)
        free(values[c]);
    free(values);
    free(names);
    json_decref(cols);
    json_decref(order);
    json_decref(root);
    if (rc < 0 && !im->err[0])
        snprintf(im->err, im->errlen, "out of memory");
    return rc;
}

/* "ST ANDRE LES ALPES" -> "saint andre les alpes": folded, with the usual
 * abbreviations of commune names expanded. */
static void fold_commune_name(const char *s, char *out, size_t n)
{
    char f[256];
    text_fold(s, f, sizeof f);
    size_t o = 0;
    char *save = NULL;
    for (char *w = strtok_r(f, " ", &save); w && o + 1 < n; w = strtok_r(NULL, " ", &save)) {
        const char *word = strcmp(w, "st") == 0 ? "saint" : strcmp(w, "ste") == 0 ? "sainte" : w;
        o += (size_t)snprintf(out + o, n - o, "%s%s", o ? " " : "", word);
    }
    if (o >= n)
        o = n - 1;
    out[o] = 0;
}

/* Last resort for a row's commune: the commune whose contour contains the
 * point; else its name, current or former, within the postcode's
 * département (a CEDEX or wrong postcode, "ST" for "Saint"); else a commune
 * of the postcode whose name starts with the given one ("Sarlat" for
 * Sarlat-la-Canéda). */
static int resolve_row(void *ctx, const struct unresolved_row *r)
{
    struct importer *im = ctx;
    char code[6];
    if (r->has_coords) {
        int at = territoires_commune_at(im->d, r->lat, r->lon, code);
        if (at < 0)
            return -1;
        if (at > 0)
            return lieux_writer_set_commune(&im->w, r->rowid, code);
    }
    if (!r->commune || !r->code_postal || strlen(r->code_postal) != 5)
        return 0;
    char want[256], dep[4];
    fold_commune_name(r->commune, want, sizeof want);
    snprintf(dep, sizeof dep, "%.*s", strncmp(r->code_postal, "97", 2) == 0 ? 3 : 2, r->code_postal);
    const char *found = territoires_resolver_find_name(im->communes, dep, want);
    return found ? lieux_writer_set_commune(&im->w, r->rowid, found) : 0;
}

static const char *encoding_name(enum text_encoding e)
{
    return e == TEXT_UTF8_BOM ? "UTF-8 avec BOM" : e == TEXT_LATIN1 ? "Latin-1" : "UTF-8";
}

static int looks_like_json(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] == ' ' || s[i] == '\n' || s[i] == '\r' || s[i] == '\t')
            continue;
        return s[i] == '[' || s[i] == '{';
    }
    return 0;
}

int lieux_import_buffer(struct db *d, const char *name, const char *data, size_t len,
                        const struct import_opts *o, struct import_stats *st, char *err,
                        size_t errlen)
{
    memset(st, 0, sizeof *st);
    err[0] = 0;
    enum text_encoding enc;
    size_t ulen;
    char *utf8 = text_to_utf8(data, len, &ulen, &enc);
    if (!utf8) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    snprintf(st->encoding, sizeof st->encoding, "%s", encoding_name(enc));
    if (enc == TEXT_LATIN1 && o->log)
        fprintf(o->log, "%s: le fichier n'est pas en UTF-8 : lu comme Latin-1 (Windows-1252) "
                "et converti\n", name);
    if (enc == TEXT_UTF8_BOM && o->log)
        fprintf(o->log, "%s: marque d'ordre des octets (BOM) UTF-8 en tête : ignorée\n", name);
    int json = looks_like_json(utf8, ulen);
    snprintf(st->format, sizeof st->format, "%s", json ? "json" : "csv");

    struct importer im = {.d = d, .name = name, .o = o, .st = st, .err = err, .errlen = errlen};
    int rc = -1;
    /* A whole import is one transaction: give it room in memory so pages
     * are not spilled to the WAL and read back (the default is restored). */
    int own = sqlite3_get_autocommit(d->h);
    if (own)
        db_exec(d, "PRAGMA cache_size=-262144");
    if (own && db_begin(d) < 0) {
        snprintf(err, errlen, "%s", d->err);
        goto out;
    }
    if ((json ? import_json(&im, utf8, ulen) : import_csv(&im, utf8, ulen)) < 0)
        goto rollback;
    long retired = 0;
    if (lieux_writer_count_unresolved(&im.w, &st->unresolved) < 0 ||
        (st->unresolved && lieux_writer_each_unresolved(&im.w, resolve_row, &im) < 0) ||
        (st->unresolved && lieux_writer_count_unresolved(&im.w, &st->unresolved) < 0) ||
        (!o->keep_unseen && lieux_writer_retire_unseen(&im.w, &retired) < 0) ||
        lieux_writer_close(&im.w, st->rows, st->imported, st->rejected, st->unchanged, retired) < 0)
        goto dberr;
    st->retired = retired;
    if ((st->added || st->updated || st->retired) && lieux_mark_changed(d) < 0)
        goto dberr;
    if (!o->no_publish) {
        struct publish_stats ps;
        if (lieux_publish(d, &ps) < 0)
            goto dberr;
    }
    if (own && db_commit(d) < 0)
        goto dberr;
    rc = 0;
    goto out;
dberr:
    if (!err[0])
        snprintf(err, errlen, "%s: database: %s", name, d->err);
rollback:
    lieux_writer_discard(&im.w);
    if (own)
        db_rollback(d);
out:
    if (own)
        db_exec(d, "PRAGMA cache_size=-32768");
    if (im.bar_shown && rc < 0)
        fputc('\n', stderr);
    mapping_free(im.map);
    idset_free(&im.ids);
    lieu_clear(&im.l);
    lieu_issues_free(&im.is);
    free(utf8);
    return rc;
}

int lieux_import_file(struct db *d, const char *path, const struct import_opts *o,
                      struct import_stats *st, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    struct buf b = BUF_INIT;
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        if (buf_add(&b, chunk, n) < 0)
            break;
    int rerr = ferror(f);
    fclose(f);
    if (rerr || b.oom) {
        snprintf(err, errlen, "%s: %s", path, rerr ? "read error" : "out of memory");
        buf_free(&b);
        return -1;
    }
    int rc = lieux_import_buffer(d, path, b.s ? b.s : "", b.len, o, st, err, errlen);
    buf_free(&b);
    return rc;
}
