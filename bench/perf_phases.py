#!/usr/bin/env python3
"""perf_phases.py - where an import's time goes, from a call-graph profile.

  perf record -F 250 --call-graph dwarf,16384 -o perf.data \
      build/passerelle --db F lieux import FILE
  perf script -i perf.data -F ip,sym | bench/perf_phases.py [import|knn|http] [TOP]

Prints (1) the share of samples per phase (of an import, of the
nearest-place searches of knn_bench, or of the server under wrk), each sample charged to the innermost
function of the stack listed in the phase table, and (2) the TOP (default
15) functions by self time. Standard library only."""
import collections
import sys

IMPORT = [  # function name as perf prints it -> label
    ("text_to_utf8", "read: UTF-8 check of the file"),
    ("lieux_import_file", "read: file into memory"),
    ("csv_next", "rows: CSV parsing"),
    ("mapping_apply", "rows: mapping columns to fields"),
    ("lieu_normalize", "rows: lieu_normalize (validation, normalisation)"),
    ("check_horaires", "rows: opening hours parse + canonical form"),
    ("idset_add", "rows: duplicate-id check"),
    ("row_hash", "rows: row hash"),
    ("lieux_writer_upsert", "rows: upsert into lieu_source (SQLite)"),
    ("lieux_writer_issue", "rows: insert into import_issue (SQLite)"),
    ("log_issue", "rows: log"),
    ("import_row", "rows: other"),
    ("import_csv", "rows: other"),
    ("territoires_resolver_load", "communes: load the in-memory resolver"),
    ("territoires_resolver_find", "communes: in-memory lookup per row"),
    ("territoires_resolver_find_name", "communes: in-memory lookup per row"),
    ("lieux_writer_resolve_communes", "communes: UPDATE passes over lieu_source"),
    ("lieux_writer_count_unresolved", "communes: count unresolved rows"),
    ("territoires_commune_at", "communes: per-row fallback (contour, name search)"),
    ("territoires_search_communes", "communes: per-row fallback (contour, name search)"),
    ("lieux_writer_set_commune", "communes: per-row fallback (contour, name search)"),
    ("resolve_row", "communes: per-row fallback (contour, name search)"),
    ("lieux_writer_each_unresolved", "communes: per-row fallback (contour, name search)"),
    ("lieux_writer_retire_unseen", "retire unseen rows"),
    ("lieux_writer_close", "import_run bookkeeping"),
    ("load_sources", "publish: load lieu_source rows"),
    ("load_overrides", "publish: load decisions"),
    ("dedup_run", "publish: dedup_run (candidate pairs, scores)"),
    ("group_members", "publish: groups"),
    ("dedup_merge", "publish: dedup_merge (field merge)"),
    ("provenance_json", "publish: provenance JSON (jansson)"),
    ("write_place", "publish: INSERT lieu + lieu_geo R*Tree + lieu_membre"),
    ("write_pairs", "publish: INSERT dedup_pair"),
    ("publish_all", "publish: DELETE, UPDATE lieu (territories), FTS5 rebuild"),
    ("lieux_publish", "publish: other"),
    ("db_commit", "COMMIT (WAL write + checkpoint)"),
    ("db_begin", "BEGIN"),
    ("db_open", "open + migrations"),
    ("db_close", "close (checkpoint)"),
    ("lieux_import_buffer", "import: other"),
    ("main", "main: other"),
]
KNN = [
    ("sqlite3_prepare_v2", "SQL compile: sqlite3_prepare_v2 (2 per query or more)"),
    ("sqlite3PagerSharedLock", "read transaction start per statement (WAL lock, fcntl)"),
    ("sqlite3VdbeHalt", "statement end (read transaction end, unlock)"),
    ("sqlite3_finalize", "statement finalize"),
    ("geoindex_build", "grid index: build (first query, or after a change)"),
    ("geoindex_get", "grid index: staleness check (PRAGMA data_version)"),
    ("geoindex_nearest", "grid index: nearest (cells, haversine)"),
    ("lieux_haversine_km", "haversine in C"),
    ("cmp_cand", "sort of candidates"),
    ("lieux_store_read_row", "fetch: copy 32 fields into struct lieu"),
    ("fetch_hit", "fetch: full rows of the 10 hits (SQLite)"),
    ("scan", "R*Tree box scan (SQLite)"),
    ("lieux_results_free", "free the results"),
    ("lieux_search", "lieux_search: other"),
    ("query", "bench loop"),
    ("db_open", "open"),
    ("main", "main: other"),
]
HTTP = [
    ("sqlite3_prepare_v2", "search: SQL compile (sqlite3_prepare_v2)"),
    ("sqlite3PagerSharedLock", "search: read transaction start per statement (WAL lock)"),
    ("sqlite3VdbeHalt", "search: statement end (read transaction end, unlock)"),
    ("sqlite3_finalize", "search: statement finalize"),
    ("lieux_store_read_row", "search: copy 32 fields into struct lieu"),
    ("fetch_hit", "search: fetch the full rows of the hits (SQLite)"),
    ("scan", "search: R*Tree box scan (SQLite)"),
    ("geoindex_build", "search: grid index build"),
    ("geoindex_get", "search: grid index staleness check"),
    ("geoindex_nearest", "search: grid index nearest (cells, haversine)"),
    ("lieux_search", "search: other"),
    ("put_string", "JSON: streaming writer (jsonw)"),
    ("jsonw_string", "JSON: streaming writer (jsonw)"),
    ("jsonw_key", "JSON: streaming writer (jsonw)"),
    ("jsonw_double", "JSON: streaming writer (jsonw)"),
    ("jsonw_int", "JSON: streaming writer (jsonw)"),
    ("jsonw_object", "JSON: streaming writer (jsonw)"),
    ("jsonw_array", "JSON: streaming writer (jsonw)"),
    ("jsonw_end_object", "JSON: streaming writer (jsonw)"),
    ("jsonw_end_array", "JSON: streaming writer (jsonw)"),
    ("jsonw_bool", "JSON: streaming writer (jsonw)"),
    ("jsonw_null", "JSON: streaming writer (jsonw)"),
    ("horaires_parse", "JSON: ouvert_maintenant: horaires_parse per hit"),
    ("horaires_open_at", "JSON: ouvert_maintenant: horaires_open_at"),
    ("horaires_free", "JSON: ouvert_maintenant: horaires_free"),
    ("lieux_open_at", "JSON: ouvert_maintenant: other (UTC offset, timegm)"),
    ("place_jsonw", "JSON: place_jsonw (fields of a place)"),
    ("json_dumps", "JSON: serialisation (jansson json_dumps)"),
    ("place_json", "JSON: building the objects (place_json)"),
    ("send_json", "JSON: other"),
    ("search_params_parse", "query parameters"),
    ("api_lieux", "api_lieux: other"),
    ("query_parse", "query string parsing"),
    ("router_dispatch", "router"),
    ("send_response", "response headers (MHD)"),
    ("handle", "request handler: other"),
    ("__libc_sendmsg", "socket send (kernel TCP)"),
    ("__libc_send", "socket send (kernel TCP)"),
    ("__libc_recv", "socket receive (kernel TCP)"),
    ("epoll_wait", "epoll_wait"),
    ("start_thread", "libmicrohttpd: other (parsing, connections)"),
]
PHASES = {"import": IMPORT, "knn": KNN, "http": HTTP}


def frames(block):
    out = []
    for line in block:
        parts = line.split(None, 1)
        if len(parts) < 2:
            continue
        name = parts[1].replace(" (inlined)", "").split("+0x")[0].strip()
        out.append(name)
    return out


def main():
    args = sys.argv[1:]
    table = PHASES[args.pop(0)] if args and args[0] in PHASES else IMPORT
    label_of = dict(table)
    top = int(args[0]) if args else 15
    phase = collections.Counter()
    self_ = collections.Counter()
    total = 0
    block = []
    lines = sys.stdin.read().split("\n") + [""]
    for line in lines:
        if line.strip():
            block.append(line)
            continue
        if not block:
            continue
        fr = frames(block)
        block = []
        if not fr:
            continue
        total += 1
        self_[fr[0]] += 1
        # No known function on the stack: the unwinder stopped early (stack
        # deeper than the dwarf copy) or the sample is in start-up/exit.
        label = "unattributed (stack not unwound to a known function)"
        for name in fr:
            if name in label_of:
                label = label_of[name]
                break
        phase[label] += 1
    if not total:
        sys.exit("perf_phases: no samples on stdin")
    print(f"samples: {total}")
    print("phase                                                        share")
    for label, n in phase.most_common():
        print(f"  {label:<58} {100.0 * n / total:5.1f} %")
    print(f"top {top} functions by self time")
    for name, n in self_.most_common(top):
        print(f"  {name:<58} {100.0 * n / total:5.1f} %")


if __name__ == "__main__":
    main()
